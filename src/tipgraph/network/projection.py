"""The projection itself: a few SELECT queries, then nodes, facts and engagements in named steps.

:func:`project` reads the schema, decides which relations to fetch
(:func:`_select_relations`), reads labels and provenance once (:class:`_Names`), adds
the typed entities as nodes (:func:`_add_nodes`, :func:`_add_node_sources`), reads the
facts (:func:`_read_facts`), shows symmetric facts once (:func:`_merge_symmetric`),
leaves out what other facts already say (:func:`~tipgraph.network.pruning.prune`)
and adds the remaining facts and the collapsed engagements as edges.
"""

from __future__ import annotations

import gc
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, cast

import networkx as nx
from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS

from ..namespace import TG, shortener
from ..query import shorten
from ..resources import INFERRED_GRAPH, ONTOLOGY_GRAPH
from ..store import Store
from . import pruning
from .lookup import resolve_relation, schema_default_relations
from .pruning import Fact, is_inferred
from .schema import GROUPS, ROLE_EDGES, Schema, best_text, local_name, string_rows

__all__ = ["project"]

_PREF_LABEL, _ALT_LABEL, _LABEL = str(SKOS.prefLabel), str(SKOS.altLabel), str(RDFS.label)
_HAS_ENGAGEMENT, _PROGRAMME_ENGAGEMENT = str(TG.hasEngagement), str(TG.programmeEngagement)
_ORGANISATION, _PROGRAMME = str(TG.engagedOrganisation), str(TG.engagedProgramme)
_ROLE, _COUNTRY, _FOCUS, _THEME = (str(TG.engagementRole), str(TG.engagementCountry), str(TG.broaderFocus),
                                   str(TG.addresses))
_ENGAGEMENT_FETCH = {_ORGANISATION, _PROGRAMME, _ROLE, _COUNTRY, _FOCUS, _HAS_ENGAGEMENT, _PROGRAMME_ENGAGEMENT,
                     _THEME}
_SOURCE_DOCUMENT = str(TG.SourceDocument)
_ONTOLOGY, _INFERRED = URIRef(ONTOLOGY_GRAPH).n3(), URIRef(INFERRED_GRAPH).n3()

# The store predeclares the tg:, skos:, rdfs: and prov: prefixes (see Store.execute).
_TYPES_QUERY = f"""
SELECT DISTINCT ?s ?t WHERE {{
  GRAPH ?g {{ ?s a ?t }}
  FILTER(?g != {_ONTOLOGY} && isIRI(?s) && STRSTARTS(STR(?t), STR(tg:)))
}}
"""

_LABELS_QUERY = """
SELECT DISTINCT ?s ?p ?l (LANG(?l) AS ?lang) WHERE {
  VALUES ?p { skos:prefLabel skos:altLabel rdfs:label }
  ?s ?p ?l .
}
"""

_MENTION_GRAPHS_QUERY = f"""
SELECT DISTINCT ?s ?g WHERE {{
  GRAPH ?g {{ {{ ?s ?p ?o }} UNION {{ ?x ?q ?s FILTER(isIRI(?s)) }} }}
  FILTER(?g != {_ONTOLOGY} && ?g != {_INFERRED})
}}
"""

# The named graphs (cheap: no triple is read), to narrow the mention query to the graphs it keeps.
_GRAPHS_QUERY = "SELECT ?g (isIRI(?g) AS ?iri) WHERE { GRAPH ?g { } }"

# _MENTION_GRAPHS_QUERY with its graphs given: the engine then reads only those graphs' quads,
# not also the inferred graph's (as many again) to throw them away. %s: the graphs.
_MENTION_IN_GRAPHS_QUERY = """
SELECT DISTINCT ?s ?g WHERE {
  VALUES ?g { %s }
  GRAPH ?g { { ?s ?p ?o } UNION { ?x ?q ?s FILTER(isIRI(?s)) } }
}
"""
# the backends whose answer to _GRAPHS_QUERY names every graph (see _mention_query)
_GRAPHS_LISTED = frozenset({"oxigraph", "memory"})
# characters that no IRI written between angle brackets may hold
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')

_DERIVED_QUERY = "SELECT DISTINCT ?s ?src WHERE { ?s prov:wasDerivedFrom ?src }"

# Catalogues (graphs describing where other graphs come from), shared-entity graphs (described
# bundles derived from no document: they name entities but are not sources), and each source
# document's address and publication date.
_CATALOGUE_QUERY = """
SELECT DISTINCT ?kind ?a ?b WHERE {
  { GRAPH ?a { ?g prov:wasDerivedFrom ?src } FILTER EXISTS { GRAPH ?g { ?x ?y ?z } } BIND("catalogue" AS ?kind) }
  UNION { ?a a prov:Bundle . FILTER NOT EXISTS { ?a prov:wasDerivedFrom ?any } BIND("shared" AS ?kind) }
  UNION { ?a tg:sourceUrl ?b . BIND("url" AS ?kind) }
  UNION { ?a <http://purl.org/dc/terms/issued> ?b . BIND("issued" AS ?kind) }
}
"""

# %s: the VALUES of the properties to fetch, each a declared property's IRI.
_EDGES_QUERY = f"""
SELECT ?s ?p ?o ?g WHERE {{
  VALUES ?p {{ %s }}
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(isIRI(?o) && ?g != {_ONTOLOGY})
}}
"""



def project(store: Store, *, relations: Iterable[str] | None = None, collapse_engagements: bool = True,
            include_inferred: bool = True, classes: Iterable[str] | None = None,
            prune: bool = True) -> nx.MultiDiGraph:
    """Project the store into a :class:`networkx.MultiDiGraph` (see :mod:`tipgraph.network`).

    ``relations`` are names (``"implements"``), prefixed names or IRIs; None means
    :func:`~tipgraph.network.default_relations` plus the collapsed engagement edges.
    ``classes`` keeps only nodes of those classes (local names such as
    ``"Organisation"``, prefixed names, IRIs, or group names such as ``"programme"``),
    subclasses included. Without ``classes`` the source documents are left out: they
    appear as the ``sources`` of the nodes and links instead (ask for
    ``classes=[..., "SourceDocument"]`` to see them).
    """
    # Building the graph makes millions of small objects and no reference cycles: without the
    # cyclic collector, which would walk all of them again and again, the 1M projection takes
    # a fraction of the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _project(store, relations, collapse_engagements, include_inferred, classes, prune)
    finally:
        if collecting:
            gc.enable()


def _project(store: Store, relations: Iterable[str] | None, collapse_engagements: bool, include_inferred: bool,
             classes: Iterable[str] | None, prune: bool) -> nx.MultiDiGraph:
    schema = Schema(store)
    selection = _select_relations(schema, relations, collapse_engagements)
    mentions = _mention_query(store)
    # The biggest answer first, so that one thread reads it while the other reads the rest in
    # the order they are wanted; the links are made before the nodes' sources are read.
    with _Reader(store, [_edges_query(selection), _LABELS_QUERY, _DERIVED_QUERY, _CATALOGUE_QUERY, _TYPES_QUERY,
                         mentions], mentions=mentions) as rows:
        names = _Names(rows)
        G = nx.MultiDiGraph()
        engagement_nodes = _add_nodes(G, _read_types(rows), schema, names, classes, collapse_engagements)
        read = _read_facts(rows, selection, set(G), engagement_nodes, include_inferred, collapse_engagements)
        for node, role in read.roles.items():  # engagements shown as nodes carry their role
            G.nodes[node]["role"] = names.label_of(role)
        _merge_symmetric(read.facts, schema)
        kept: Mapping[Fact, AbstractSet[str]] = read.facts  # the facts between nodes (_read_facts reads no others)
        if prune:
            kept = pruning.prune(kept, schema)
        _add_fact_edges(G, kept, schema, names)
        del kept
        read.facts.clear()
        if collapse_engagements:
            for eng, props in sorted(read.engagements.items()):
                _add_engagement_edge(G, eng, props, selection.role_keys, read.engagement_graphs.get(eng, set()),
                                     names.derived.get(eng, set()), names)
        _add_node_sources(G, rows, names)
    G.graph.update(_graph_attributes(schema, collapse_engagements, include_inferred))
    return G


# --- reading -------------------------------------------------------------------
#: The rows of one of the projection's queries, as plain strings.
Rows = Callable[[str], Iterable[tuple[str | None, ...]]]


class _Reader:
    """The projection's queries, asked all at once of a store that answers several at a time.

    Each query is asked by :meth:`Store.select_strings_later`, whose engine work Oxigraph
    does without Python's lock: the engine answers the next queries while Python builds the
    graph from the first, and the rows are decoded as they are read. A store without
    concurrent reads is asked one query at a time, when its rows are wanted.
    """

    def __init__(self, store: Store, queries: list[str], *, mentions: str = _MENTION_GRAPHS_QUERY) -> None:
        self._store = store
        #: the query that answers :data:`_MENTION_GRAPHS_QUERY` (see :func:`_mention_query`)
        self.mentions = mentions
        self._pool: ThreadPoolExecutor | None = None
        self._pending: dict[str, Future[Iterable[tuple[str | None, ...]]]] = {}
        if store.capabilities.concurrent_reads and queries:
            self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tipgraph-projection")
            self._pending = {q: self._pool.submit(_rows_later, store, q) for q in queries}

    def __call__(self, sparql: str) -> Iterable[tuple[str | None, ...]]:
        pending = self._pending.pop(sparql, None)
        return pending.result() if pending is not None else string_rows(self._store, sparql)

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pending.clear()


def _rows_later(store: Store, sparql: str) -> Iterable[tuple[str | None, ...]]:
    """The rows of one query, as :func:`~tipgraph.network.schema.string_rows` reads them, decoded
    as they are iterated (:meth:`Store.select_strings_later`)."""
    return store.select_strings_later(sparql)


def _mention_query(store: Store) -> str:
    """:data:`_MENTION_GRAPHS_QUERY`, or the same question asked of the graphs it keeps by name.

    The named graphs are read first (no triple is read for that). Where one is a blank node
    or an IRI that cannot be written in a query, the general query is asked instead; so it is
    of a server, whose engine may list its graphs differently (only the embedded engines' way
    is checked, by tests/test_projection_speed_paths.py).
    """
    if store.backend not in _GRAPHS_LISTED:
        return _MENTION_GRAPHS_QUERY
    graphs = []
    for g, iri in string_rows(store, _GRAPHS_QUERY):
        if g is None or iri != "true" or _NOT_IN_IRI.search(g):
            return _MENTION_GRAPHS_QUERY
        if g not in (ONTOLOGY_GRAPH, INFERRED_GRAPH):
            graphs.append(g)
    return _MENTION_IN_GRAPHS_QUERY % " ".join(URIRef(g).n3() for g in sorted(graphs))


def _edges_query(selection: _Selection) -> str:
    """The query of the facts between entities for the properties to fetch (each a declared property's IRI)."""
    return _EDGES_QUERY % " ".join(URIRef(p).n3() for p in sorted(selection.fetch))


# --- which relations ------------------------------------------------------------
@dataclass
class _Selection:
    """The relations to show and the properties to fetch for them."""

    canonical: dict[str, tuple[str, bool]]   # fetched property -> (relation shown, turned round)
    role_keys: set[str]                      # collapsed-engagement edge names to show
    fetch: set[str] = field(default_factory=set)


def _select_relations(schema: Schema, relations: Iterable[str] | None, collapse: bool) -> _Selection:
    role_names = {k for k, _, _ in ROLE_EDGES.values()}
    if relations is None:
        selected = set(schema_default_relations(schema))
        role_keys = role_names | {"engagedIn"}
    else:
        resolved = {resolve_relation(r, schema) for r in relations}
        selected = {r for r in resolved if r.startswith(("http://", "https://", "urn:"))}
        role_keys = resolved - selected
        # asking for the property asks for the engagement edge named after it
        role_keys |= {local_name(iri) for iri in selected} & role_names
    # Inverse facts are turned round onto whichever half of the pair is selected.
    canonical: dict[str, tuple[str, bool]] = {p: (p, False) for p in selected}
    for p in list(selected):
        q = schema.inverse.get(p)
        if q and q not in selected:
            canonical[q] = (p, True)
    fetch = set(canonical) | {_ROLE}
    if collapse:
        fetch |= _ENGAGEMENT_FETCH
    return _Selection(canonical, role_keys, fetch)


# --- labels and provenance ------------------------------------------------------
class _Names:
    """Labels, aliases and provenance of everything in the store, read once."""

    def __init__(self, rows: Rows) -> None:
        self.labels: dict[tuple[str, str], list[tuple[str, str | None]]] = defaultdict(list)
        self.aliases: dict[str, set[str]] = defaultdict(set)
        for s, p, lit, lang in rows(_LABELS_QUERY):
            if p == _ALT_LABEL:
                self.aliases[str(s)].add(str(lit))
            elif lit is not None:
                self.labels[(str(s), str(p))].append((lit, lang))
        self.derived: dict[str, set[str]] = defaultdict(set)   # entity or graph -> documents
        for s, src in rows(_DERIVED_QUERY):
            self.derived[str(s)].add(str(src))
        # Graphs that describe where other graphs come from are catalogues, not sources;
        # neither are the graphs of shared entities.
        self.catalogues: set[str] = set()
        self.shared: set[str] = set()
        refs: dict[str, dict[str, str]] = defaultdict(dict)   # source document -> url / issued
        for kind, a, b in rows(_CATALOGUE_QUERY):
            if str(kind) == "catalogue":
                self.catalogues.add(str(a))
            elif str(kind) == "shared":
                self.shared.add(str(a))
            elif b is not None:
                refs[str(a)][str(kind)] = str(b)
        self._sources: dict[str, list[str]] = {}
        self._fact_sources: dict[frozenset[str], tuple[list[str], list[str], list[str], bool]] = {}
        #: label of a source document -> its address and publication date ("" when unknown)
        self.references: dict[str, tuple[str, str]] = {
            self.label_of(src): (r.get("url", ""), r.get("issued", "")) for src, r in sorted(refs.items())}

    def label_of(self, iri: str) -> str:
        """The preferred label, else rdfs:label, else the local name."""
        for prop in (_PREF_LABEL, _LABEL):
            found = self.labels.get((iri, prop))
            if found:
                text = best_text(found)
                if text:
                    return text
        return local_name(iri)

    def graph_sources(self, graph: str) -> list[str]:
        """Labels of the documents a named graph's facts were taken from."""
        if graph not in self._sources:
            if graph in self.catalogues or graph in self.shared:
                out = []
            elif self.derived.get(graph):
                out = [self.label_of(src) for src in sorted(self.derived[graph])]
            elif self.labels.get((graph, _PREF_LABEL)):
                out = [self.label_of(graph)]
            else:
                out = [shorten(URIRef(graph))]
            self._sources[graph] = out
        return self._sources[graph]

    def reference_attributes(self, sources: list[str]) -> dict[str, list[str]]:
        """``source_urls`` and ``source_dates``, in the order of ``sources`` ("" when unknown)."""
        refs = [self.references.get(label, ("", "")) for label in sources]
        return {"source_urls": [u for u, _ in refs], "source_dates": [d for _, d in refs]}

    def fact_sources(self, graphs: frozenset[str]) -> tuple[list[str], list[str], list[str], bool]:
        """The sources of a fact stated in ``graphs`` with their addresses and dates, and whether
        it is inferred only, worked out once per set of graphs (most facts share theirs with many
        others); callers copy the lists."""
        found = self._fact_sources.get(graphs)
        if found is None:
            sources = sorted({lab for g in graphs if g != INFERRED_GRAPH for lab in self.graph_sources(g)})
            refs = self.reference_attributes(sources)
            found = self._fact_sources[graphs] = (sources, refs["source_urls"], refs["source_dates"],
                                                  is_inferred(graphs))
        return found


# --- nodes ----------------------------------------------------------------------
def _read_types(rows: Rows) -> dict[str, set[str]]:
    types: dict[str, set[str]] = defaultdict(set)
    for s, t in cast("Iterable[tuple[str, str]]", rows(_TYPES_QUERY)):
        types[s].add(t)
    return types


def _class_matches(cls: str, ancestors: set[str], group: str, wanted: set[str]) -> bool:
    names = {cls, local_name(cls), shorten(URIRef(cls)), group}
    for a in ancestors:
        names |= {a, local_name(a), shorten(URIRef(a))}
    return bool(names & wanted)


def _add_nodes(G: nx.MultiDiGraph, types: dict[str, set[str]], schema: Schema, names: _Names,
               classes: Iterable[str] | None, collapse: bool) -> set[str]:
    """Add every typed entity that the options keep; return the engagements (kept or not)."""
    wanted = set(classes) if classes is not None else None
    engagements: set[str] = set()
    # What the types say (class, group, kept or not) is worked out once per set of types.
    kinds: dict[frozenset[str], tuple[str, str, bool]] = {}
    nodes = []
    curie = shortener()
    for iri, tset in sorted(types.items()):  # sorted: same graph, same analysis, every run
        kind_key = frozenset(tset)
        kind = kinds.get(kind_key)
        if kind is None:
            kind = kinds[kind_key] = _kind(tset, schema, wanted)
        cls, group, keep = kind
        if group == "engagement":
            engagements.add(iri)
            if collapse:
                continue
        if not keep:
            continue
        label = names.label_of(iri)
        aliases = names.aliases.get(iri)
        nodes.append((iri, {"label": label, "cls": cls, "group": group,
                            "aliases": sorted(a for a in aliases if a != label) if aliases else [],
                            "sources": [], "iri": iri, "curie": curie(iri)}))
    G.add_nodes_from(nodes)
    return engagements


def _kind(tset: set[str], schema: Schema, wanted: set[str] | None) -> tuple[str, str, bool]:
    """The most specific class of an entity of these types (local name), its group, and whether it is shown."""
    best = [t for t in tset if not any(t in schema.ancestors(u) for u in tset if u != t)]
    cls = min(best, key=lambda t: (-len(schema.ancestors(t)), t))
    ancestors = {cls, *schema.ancestors(cls)}
    group = next((g for g, c in GROUPS if str(TG[c]) in ancestors), "other")
    # without classes, provenance is shown as every node's and link's sources, not as a node
    keep = _class_matches(cls, ancestors, group, wanted) if wanted is not None else _SOURCE_DOCUMENT not in ancestors
    return local_name(cls), group, keep


def _add_node_sources(G: nx.MultiDiGraph, rows: Rows, names: _Names) -> None:
    """A node's sources: those of every graph that mentions it, and the documents it is derived from."""
    node_graphs: dict[str, set[str]] = defaultdict(set)
    nodes = set(G)
    query = rows.mentions if isinstance(rows, _Reader) else _MENTION_GRAPHS_QUERY
    for s, g in cast("Iterable[tuple[str, str]]", rows(query)):
        if s in nodes:
            node_graphs[s].add(g)
    graph_sources, label_of, derived = names.graph_sources, names.label_of, names.derived
    references = names.references
    for iri, data in G.nodes(data=True):
        srcs = {lab for g in node_graphs.get(iri, ()) for lab in graph_sources(g)}
        docs = derived.get(iri)
        if docs:
            srcs |= {label_of(src) for src in docs}
        sources = data["sources"] = sorted(srcs)
        refs = [references.get(label, ("", "")) for label in sources]
        data["source_urls"] = [u for u, _ in refs]
        data["source_dates"] = [d for _, d in refs]


# --- facts ----------------------------------------------------------------------
#: The graphs stating a fact. The facts stated in the same graphs share one set, so these are
#: frozen: a fact stated once more gets a new set (see :func:`_read_facts`).
Graphs = frozenset[str]


@dataclass
class _Facts:
    """The facts read from the store, keyed the way they will be shown."""

    facts: dict[Fact, Graphs] = field(default_factory=dict)   # -> graphs stating it
    engagements: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    engagement_graphs: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    roles: dict[str, str] = field(default_factory=dict)   # engagement node -> its role's IRI


def _read_facts(rows: Rows, selection: _Selection, nodes: set[str], engagement_nodes: set[str],
                include_inferred: bool, collapse: bool) -> _Facts:
    """The facts between ``nodes`` (the others could not be shown), the collapsed engagements'
    properties, and the roles of engagements shown as nodes."""
    out = _Facts()
    if not selection.fetch:
        return out
    canonical = selection.canonical
    facts, engagements, engagement_graphs = out.facts, out.engagements, out.engagement_graphs
    # each relation fetched: (relation shown, turned round), None where it is shown as no fact
    shown = {p: canonical.get(p) for p in selection.fetch}
    # A fact keeps the node's own string and one set per set of graphs: the rows' strings are
    # new objects, one per row, and go with the rows. ``node`` is also the test "is it shown".
    node: dict[str, str] = {n: n for n in nodes}
    same: dict[str, str] = {**node, **{n: n for n in engagement_nodes}}
    alone: dict[str, Graphs] = {}     # graph -> the set of it alone
    graph_name: dict[str, str] = {}
    skip_inferred = not include_inferred
    get, once = facts.get, alone.get
    # every value is bound: the pattern binds them all
    edge_rows = cast("Iterable[tuple[str, str, str, str]]", rows(_edges_query(selection)))
    for ss, sp, so, sg in edge_rows:
        if skip_inferred and sg == INFERRED_GRAPH:
            continue
        if collapse:
            if sp == _HAS_ENGAGEMENT:
                ss, sp, so = so, _ORGANISATION, ss
            elif sp == _PROGRAMME_ENGAGEMENT:
                ss, sp, so = so, _PROGRAMME, ss
            if ss in engagement_nodes:
                engagements[ss][sp].add(same.get(so, so))
                if sg != INFERRED_GRAPH:
                    engagement_graphs[ss].add(graph_name.setdefault(sg, sg))
                continue
            if so in engagement_nodes:
                continue
        elif sp == _ROLE and ss in node and sp not in canonical:
            out.roles[ss] = so  # an engagement node shown as such
            continue
        how = shown.get(sp)
        if how is None:
            continue
        a, b = node.get(ss), node.get(so)
        if a is None or b is None:
            continue
        rel, flip = how
        key = (b, rel, a) if flip else (a, rel, b)
        graphs = get(key)
        if graphs is None:
            graphs = once(sg)
            if graphs is None:
                graphs = alone[sg] = frozenset((sg,))
            facts[key] = graphs
        elif sg not in graphs:
            facts[key] = graphs | {graph_name.setdefault(sg, sg)}
    return out


def _merge_symmetric(facts: dict[Fact, Graphs], schema: Schema) -> None:
    """A symmetric fact is shown once per pair, the way round a source states it."""
    for (s, rel, o) in sorted(k for k in facts if k[1] in schema.symmetric):
        if s != o and (s, rel, o) in facts and (o, rel, s) in facts:
            here, there = facts[(s, rel, o)], facts[(o, rel, s)]
            keep_here = (is_inferred(there) and not is_inferred(here)) or \
                (is_inferred(here) == is_inferred(there) and s < o)
            if keep_here:
                facts[(s, rel, o)] = here | facts.pop((o, rel, s))
            else:
                facts[(o, rel, s)] = there | facts.pop((s, rel, o))


# --- edges ----------------------------------------------------------------------
def _add_fact_edges(G: nx.MultiDiGraph, facts: Mapping[Fact, AbstractSet[str]], schema: Schema,
                    names: _Names) -> None:
    shown: dict[str, tuple[str, str]] = {}   # relation -> (edge key, label)
    said_by = names.fact_sources
    add = _edge_adder(G)
    for fact in _sorted_facts(facts, G):
        s, rel, o = fact
        graphs = facts[fact]
        named = shown.get(rel)
        if named is None:
            key = local_name(rel)
            named = shown[rel] = (key, schema.properties.get(rel) or key)
        key, label = named
        sources, urls, dates, inferred = said_by(frozenset(graphs))
        add(s, o, key, {"relation": key, "label": label, "iri": rel, "sources": sources.copy(), "inferred": inferred,
                        "source_urls": urls.copy(), "source_dates": dates.copy()})


def _edge_adder(G: nx.MultiDiGraph) -> Callable[[str, str, str, dict[str, Any]], None]:
    """``G.add_edge(u, v, key, **data)`` between two nodes of ``G``, for a graph built as this
    module builds it.

    networkx's ``add_edge`` checks both ends, makes the data's dictionary twice and clears
    the graph's caches at every call: half of the time of adding the 1M landscape's 400k
    facts. A ``MultiDiGraph`` with networkx's own containers keeps an edge's data in the
    dictionary of its key in ``G._succ[u][v]``, which is also ``G._pred[v][u]`` (as
    ``add_edge`` leaves them), so the edges are written there. Any other graph is given them by
    ``add_edge``; tests/test_projection_speed_paths.py checks the two give the same graph.
    """
    plain = (type(G) is nx.MultiDiGraph and G.adjlist_inner_dict_factory is dict
             and G.edge_key_dict_factory is dict and G.edge_attr_dict_factory is dict
             and not getattr(G, "__networkx_cache__", None))
    if not plain:
        return lambda u, v, key, data: G.add_edge(u, v, key, **data)
    succ, pred = G._succ, G._pred

    def add(u: str, v: str, key: str, data: dict[str, Any]) -> None:
        keys = succ[u].get(v)
        if keys is None:
            succ[u][v] = pred[v][u] = {key: data}
        elif key in keys:
            keys[key].update(data)
        else:
            keys[key] = data

    return add


def _sorted_facts(facts: Mapping[Fact, AbstractSet[str]], G: nx.MultiDiGraph) -> list[Fact]:
    """``sorted(facts)``, each fact compared as one string (its parts joined by NUL), which is
    faster than comparing tuples and gives the same order wherever no part holds a NUL: the
    ends of the facts are nodes of ``G`` (the caller keeps only those), checked with the relations.

    >>> _sorted_facts({("b", "r", "a"): set(), ("a", "r", "c"): set(), ("a", "q", "d"): set()},
    ...               nx.MultiDiGraph([("a", "b"), ("c", "d")]))
    [('a', 'q', 'd'), ('a', 'r', 'c'), ('b', 'r', 'a')]
    """
    rels = {rel for _, rel, _ in facts}
    if "\0" in "".join(G) or any("\0" in rel for rel in rels):
        return sorted(facts)
    return sorted(facts, key="\0".join)


def _add_engagement_edge(G: nx.MultiDiGraph, eng: str, props: dict[str, set[str]], role_keys: set[str],
                         graphs: set[str], derived: set[str], names: _Names) -> None:
    """One engagement as organisation -> programme edges named after its roles (merged per key)."""
    label_of: Callable[[str], str] = names.label_of
    roles = sorted(props.get(_ROLE, set())) or [""]
    for org in sorted(props.get(_ORGANISATION, set())):
        for prg in sorted(props.get(_PROGRAMME, set())):
            if org not in G or prg not in G:
                continue
            for role in roles:
                key, label, _ = ROLE_EDGES.get(role, ("engagedIn", "engaged in", "engages"))
                if key not in role_keys:
                    continue
                countries = sorted(props.get(_COUNTRY, set()))
                focus = sorted(props.get(_FOCUS, set()))
                themes = sorted(props.get(_THEME, set()))
                sources = {lab for g in graphs for lab in names.graph_sources(g)} | {label_of(d) for d in derived}
                new = {"role": label_of(role) if role else "", "countries": [label_of(c) for c in countries],
                       "country_iris": countries, "broader_focus": [label_of(c) for c in focus],
                       "themes": [label_of(t) for t in themes], "engagement": eng}
                if G.has_edge(org, prg, key):
                    _merge_engagement(G.edges[org, prg, key], new, sources, eng)
                    data = G.edges[org, prg, key]
                else:
                    G.add_edge(org, prg, key=key, relation=key, label=label,
                               iri=str(TG[key]) if key in ("funds", "implements") else (role or eng),
                               sources=sorted(sources), inferred=False, **new)
                    data = G.edges[org, prg, key]
                data.update(names.reference_attributes(data["sources"]))


def _merge_engagement(data: dict[str, Any], new: dict[str, Any], sources: set[str], eng: str) -> None:
    data["sources"] = sorted(set(data["sources"]) | sources)
    data["inferred"] = False
    for attr in ("countries", "country_iris", "broader_focus", "themes"):
        data[attr] = sorted(set(data.get(attr, [])) | set(new[attr]))
    data.setdefault("role", new["role"])
    data.setdefault("engagement", eng)


def _graph_attributes(schema: Schema, collapse: bool, include_inferred: bool) -> dict[str, object]:
    """The graph's own attributes: relation names read forwards and backwards, and the options."""
    return {
        "name": "tipgraph",
        "relation_labels": {**{local_name(p): lab for p, lab in schema.properties.items()},
                            **{k: lab for k, lab, _ in ROLE_EDGES.values()}},
        "inverse_labels": {**{local_name(p): schema.properties.get(q, local_name(q))
                              for p, q in schema.inverse.items() if q in schema.properties},
                           **{k: back for k, _, back in ROLE_EDGES.values()},
                           **{local_name(p): schema.properties.get(p, local_name(p)) for p in schema.symmetric}},
        "collapse_engagements": collapse,
        "include_inferred": include_inferred,
    }
