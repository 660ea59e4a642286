"""The knowledge graph projected into a typed :mod:`networkx` graph.

:func:`project` turns the RDF store into a :class:`networkx.MultiDiGraph` with a few
SELECT queries (never a loop over triples, which is slow on Oxigraph):

* nodes are the entities that have a ``tg:`` class, keyed by IRI, with ``label``,
  ``cls`` (most specific ``tg:`` class), ``group`` (coarse kind used for colour),
  ``aliases``, ``sources`` (labels of the source documents their facts come from),
  ``iri`` and ``curie``;
* edges are facts between two such entities, keyed by the relation's local name, with
  ``relation``, ``label``, ``sources`` and ``inferred`` (the fact is only in the
  inferred graph).

Inverse relations are shown once (``implements``, never also ``implementedBy``),
symmetric ones once per pair, and with ``prune=True`` facts that the map already shows
another way are left out: a super-property beside its sub-property for the same pair
(``participantIn`` beside ``gaveRemarksAt``), and inferred transitive shortcuts (a
wing that is a sub-organisation of its ministry's government) and property chains
whose two steps are both shown (``memberOf`` beside ``holdsPost`` + ``postIn``).
A node's ``sources`` are the sources of every graph that mentions it.

Engagements (n-ary organisation x programme x role x countries) are by default
collapsed into one edge organisation -> programme named after the role
(``implements``, ``funds``, ``accountableFor``, ``extends``), which keeps the
countries, the broader focus, the themes and the sources as attributes.

>>> import tipgraph
>>> G = project(tipgraph.load().store)
>>> G.nodes["https://w3id.org/tipgraph/id/org-0001"]["label"]
'UNODC'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx
from rdflib import Literal, URIRef
from rdflib.term import Node

from .errors import BadInputError, UnknownNameError
from .query import shorten
from .resources import INFERRED_GRAPH, ONTOLOGY_GRAPH, TG_NS
from .store import Store

__all__ = ["GROUPS", "ROLE_EDGES", "default_relations", "node_for", "project"]

_OWL = "http://www.w3.org/2002/07/owl#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_PROV = "http://www.w3.org/ns/prov#"

#: Coarse kinds used for colour and shape, in the order a class is tested against them.
GROUPS: tuple[tuple[str, str], ...] = (
    ("engagement", "Engagement"),
    ("organisation", "Organisation"),
    ("programme", "Programme"),
    ("place", "Place"),
    ("event", "Event"),
    ("person", "Person"),
    ("post", "Post"),
    ("facility", "Facility"),
    ("theme", "Theme"),
    ("document", "Document"),
)

#: Role of a collapsed engagement -> (edge key, edge label, label read backwards).
ROLE_EDGES: dict[str, tuple[str, str, str]] = {
    TG_NS + "FundingRole": ("funds", "funds", "funded by"),
    TG_NS + "ImplementingRole": ("implements", "implements", "implemented by"),
    TG_NS + "AccountableRole": ("accountableFor", "accountable for", "overseen by"),
    TG_NS + "ExtendingRole": ("extends", "extends", "extended by"),
}
_ENGAGEMENT_PROPS = {TG_NS + p for p in ("engagedOrganisation", "engagedProgramme", "engagementRole",
                                          "engagementCountry", "broaderFocus")}
_ENGAGEMENT_CLASS = TG_NS + "Engagement"

_SCHEMA_QUERY = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?kind ?a ?b ?c WHERE {
  { ?a a owl:ObjectProperty . OPTIONAL { ?a rdfs:label ?b } BIND("property" AS ?kind) }
  UNION { ?a owl:inverseOf ?b . BIND("inverse" AS ?kind) }
  UNION { ?a rdfs:subPropertyOf ?b . FILTER(isIRI(?b)) BIND("subproperty" AS ?kind) }
  UNION { ?a a ?b . FILTER(?b IN (owl:SymmetricProperty, owl:TransitiveProperty)) BIND("ptype" AS ?kind) }
  UNION { ?a rdfs:subClassOf ?b . FILTER(isIRI(?b)) BIND("subclass" AS ?kind) }
  UNION { ?a owl:propertyChainAxiom ?l . ?l rdf:first ?b ; rdf:rest ?r . ?r rdf:first ?c ; rdf:rest rdf:nil .
          BIND("chain" AS ?kind) }
}
"""

_TYPES_QUERY = """
SELECT DISTINCT ?s ?t WHERE {
  GRAPH ?g { ?s a ?t }
  FILTER(?g != <%s> && isIRI(?s) && STRSTARTS(STR(?t), "%s"))
}
""" % (ONTOLOGY_GRAPH, TG_NS)

_LABELS_QUERY = """
SELECT DISTINCT ?s ?p ?l WHERE {
  VALUES ?p { <%sprefLabel> <%saltLabel> <%slabel> }
  ?s ?p ?l .
}
""" % (_SKOS, _SKOS, _RDFS)

_MENTION_GRAPHS_QUERY = """
SELECT DISTINCT ?s ?g WHERE {
  GRAPH ?g { { ?s ?p ?o } UNION { ?x ?q ?s FILTER(isIRI(?s)) } }
  FILTER(?g != <%s> && ?g != <%s>)
}
""" % (ONTOLOGY_GRAPH, INFERRED_GRAPH)

_DERIVED_QUERY = """
SELECT DISTINCT ?s ?src WHERE { ?s <%swasDerivedFrom> ?src }
""" % _PROV

_CATALOGUE_QUERY = """
SELECT DISTINCT ?cat WHERE {
  GRAPH ?cat { ?g <%swasDerivedFrom> ?src }
  FILTER EXISTS { GRAPH ?g { ?a ?b ?c } }
}
""" % _PROV

_EDGES_QUERY = """
SELECT ?s ?p ?o ?g WHERE {
  VALUES ?p { %s }
  GRAPH ?g { ?s ?p ?o }
  FILTER(isIRI(?o) && ?g != <%s>)
}
"""


def _local(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1] or iri
    return iri


def _rows(store: Store, sparql: str) -> list[tuple[Node | None, ...]]:
    return store.execute(sparql, {}, None).rows


class _Schema:
    """What the ontology says about classes and relations, from one query."""

    def __init__(self, store: Store) -> None:
        self.properties: dict[str, str] = {}          # object property -> label
        self.inverse: dict[str, str] = {}             # p -> q for each owl:inverseOf (both ways)
        self.inverse_side: set[str] = set()           # properties declared as the inverse of another
        self.parents: dict[str, set[str]] = defaultdict(set)   # sub-property -> super-properties
        self.symmetric: set[str] = set()
        self.transitive: set[str] = set()
        self.superclasses: dict[str, set[str]] = defaultdict(set)
        self.chains: list[tuple[str, str, str]] = []  # (p, q1, q2): p <- q1 o q2
        labels: dict[str, list[Node]] = defaultdict(list)
        for kind, a, b, c in _rows(store, _SCHEMA_QUERY):
            kind, sa = str(kind), str(a)
            if kind == "property":
                self.properties.setdefault(sa, "")
                if b is not None:
                    labels[sa].append(b)
            elif kind == "inverse":
                self.inverse[sa] = str(b)
                self.inverse[str(b)] = sa
                self.inverse_side.add(sa)
            elif kind == "subproperty" and str(b) != sa:
                self.parents[sa].add(str(b))
            elif kind == "ptype":
                (self.symmetric if str(b).endswith("SymmetricProperty") else self.transitive).add(sa)
            elif kind == "subclass" and str(b) != sa:
                self.superclasses[sa].add(str(b))
            elif kind == "chain":
                self.chains.append((sa, str(b), str(c)))
        for p in self.properties:
            self.properties[p] = _best_label(labels.get(p, [])) or _local(p)
        # A pair declared inverse both ways keeps the first name in sort order.
        for p in sorted(self.inverse_side):
            if p in self.inverse_side and self.inverse[p] in self.inverse_side:
                self.inverse_side.discard(min(p, self.inverse[p]))

    def ancestors(self, cls: str) -> set[str]:
        """The class's superclasses, transitively (not the class itself)."""
        seen: set[str] = set()
        todo = list(self.superclasses.get(cls, ()))
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(self.superclasses.get(c, ()))
        return seen

    def super_properties(self, prop: str) -> set[str]:
        """The property's super-properties, transitively (not the property itself)."""
        seen: set[str] = set()
        todo = list(self.parents.get(prop, ()))
        while todo:
            p = todo.pop()
            if p not in seen:
                seen.add(p)
                todo.extend(self.parents.get(p, ()))
        return seen


def _best_label(values: Iterable[Node]) -> str | None:
    """English or untagged first, then any language; shortest wins ties for stability."""
    ranked = []
    for v in values:
        lang = v.language if isinstance(v, Literal) else None
        rank = 0 if lang in (None, "en") or (lang or "").startswith("en-") else 1
        ranked.append((rank, str(v)))
    return min(ranked)[1] if ranked else None


def default_relations(store: Store) -> list[str]:
    """The relations a map shows when none are chosen, as IRIs.

    Every object property of the ``tg:`` namespace except the inverse half of each
    inverse pair (``implementedBy``: its facts are shown as ``implements``) and
    ``engagementRole`` (the role becomes an attribute).
    """
    schema = _Schema(store)
    return sorted(p for p in schema.properties
                  if p.startswith(TG_NS) and p not in schema.inverse_side and p != TG_NS + "engagementRole")


def _resolve_relation(name: str, schema: _Schema) -> str:
    """A relation name, prefixed name or IRI -> the IRI of a property the ontology declares.

    Only declared properties are accepted: the IRIs end up in the text of a query.
    """
    text = name.strip()
    known = sorted({_local(p) for p in schema.properties if p.startswith(TG_NS)}
                   | {k for k, _, _ in ROLE_EDGES.values()})
    iri: str | None = None
    if text.startswith(("http://", "https://", "urn:")):
        iri = text
    elif text.startswith("<") and text.endswith(">"):
        iri = text[1:-1]
    elif ":" in text:
        from .query import expand

        expanded = expand(text)
        iri = str(expanded) if expanded is not None else None
    elif TG_NS + text in schema.properties:
        iri = TG_NS + text
    elif text in known:  # a collapsed-engagement edge name such as accountableFor
        return text
    if iri is not None and iri in schema.properties:
        return iri
    raise UnknownNameError("relation", name, known)


def _class_matches(cls: str, ancestors: set[str], group: str, wanted: set[str]) -> bool:
    names = {cls, _local(cls), shorten(URIRef(cls)), group}
    for a in ancestors:
        names |= {a, _local(a), shorten(URIRef(a))}
    return bool(names & wanted)


def project(store: Store, *, relations: Iterable[str] | None = None, collapse_engagements: bool = True,
            include_inferred: bool = True, classes: Iterable[str] | None = None,
            prune: bool = True) -> nx.MultiDiGraph:
    """Project the store into a :class:`networkx.MultiDiGraph` (see the module docs).

    ``relations`` are names (``"implements"``), prefixed names or IRIs; None means
    :func:`default_relations` plus the collapsed engagement edges. ``classes`` keeps
    only nodes of those classes (local names such as ``"Organisation"``, prefixed names,
    IRIs, or group names such as ``"programme"``), subclasses included. Without
    ``classes`` the source documents are left out: they appear as the ``sources`` of
    the nodes and links instead (ask for ``classes=[..., "SourceDocument"]`` to see them).
    """
    schema = _Schema(store)

    # --- which relations --------------------------------------------------------
    if relations is None:
        selected = set(default_relations(store))
        role_keys = {k for k, _, _ in ROLE_EDGES.values()} | {"engagedIn"}
    else:
        resolved = {_resolve_relation(r, schema) for r in relations}
        selected = {r for r in resolved if r.startswith(("http://", "https://", "urn:"))}
        role_keys = {r for r in resolved if r not in selected}
        for iri in list(selected):  # asking for the property asks for the engagement edge named after it
            role_keys |= {k for k, _, _ in ROLE_EDGES.values() if k == _local(iri)}
    # Inverse facts are turned round onto whichever half of the pair is selected.
    canonical: dict[str, tuple[str, bool]] = {p: (p, False) for p in selected}
    for p in list(selected):
        q = schema.inverse.get(p)
        if q and q not in selected:
            canonical[q] = (p, True)
    fetch = set(canonical) | {TG_NS + "engagementRole"}
    if collapse_engagements:
        fetch |= _ENGAGEMENT_PROPS | {TG_NS + "hasEngagement", TG_NS + "programmeEngagement", TG_NS + "addresses"}

    # --- nodes ------------------------------------------------------------------
    types: dict[str, set[str]] = defaultdict(set)
    for s, t in _rows(store, _TYPES_QUERY):
        types[str(s)].add(str(t))
    labels: dict[tuple[str, str], list[Node]] = defaultdict(list)
    alt: dict[str, set[str]] = defaultdict(set)
    for s, p, lit in _rows(store, _LABELS_QUERY):
        key = str(s)
        if str(p) == _SKOS + "altLabel":
            alt[key].add(str(lit))
        else:
            labels[(key, str(p))].append(lit)
    derived: dict[str, set[str]] = defaultdict(set)
    for s, src in _rows(store, _DERIVED_QUERY):
        derived[str(s)].add(str(src))

    def label_of(iri: str) -> str:
        return (_best_label(labels.get((iri, _SKOS + "prefLabel"), []))
                or _best_label(labels.get((iri, _RDFS + "label"), []))
                or _local(iri))

    source_label_cache: dict[str, list[str]] = {}

    def graph_sources(graph: str) -> list[str]:
        """Labels of the documents a named graph's facts were taken from."""
        if graph not in source_label_cache:
            if graph in catalogues:
                out = []
            elif derived.get(graph):
                out = [label_of(src) for src in sorted(derived[graph])]
            elif labels.get((graph, _SKOS + "prefLabel")):
                out = [label_of(graph)]
            else:
                out = [shorten(URIRef(graph))]
            source_label_cache[graph] = out
        return source_label_cache[graph]

    wanted_classes = set(classes) if classes is not None else None
    G = nx.MultiDiGraph()
    engagement_nodes: set[str] = set()
    for iri, tset in sorted(types.items()):  # sorted: same graph, same analysis, every run
        best = [t for t in tset if not any(t in schema.ancestors(u) for u in tset if u != t)]
        cls = min(best, key=lambda t: (-len(schema.ancestors(t)), t))
        ancestors = schema.ancestors(cls) | {cls}
        group = next((g for g, c in GROUPS if TG_NS + c in ancestors), "other")
        if group == "engagement":
            engagement_nodes.add(iri)
            if collapse_engagements:
                continue
        if wanted_classes is not None and not _class_matches(cls, ancestors, group, wanted_classes):
            continue
        if wanted_classes is None and TG_NS + "SourceDocument" in ancestors:
            continue  # provenance: shown as every node's and link's sources, not as a node
        label = label_of(iri)
        G.add_node(iri, label=label, cls=_local(cls), group=group,
                   aliases=sorted(a for a in alt.get(iri, ()) if a != label),
                   sources=[], iri=iri, curie=shorten(URIRef(iri)))
    # Graphs that describe where other graphs come from are catalogues, not sources.
    catalogues = {str(row[0]) for row in _rows(store, _CATALOGUE_QUERY)}
    node_graphs: dict[str, set[str]] = defaultdict(set)
    for s, g in _rows(store, _MENTION_GRAPHS_QUERY):
        node_graphs[str(s)].add(str(g))
    for iri, data in G.nodes(data=True):
        srcs = {lab for g in node_graphs.get(iri, ()) for lab in graph_sources(g)}
        srcs |= {label_of(src) for src in derived.get(iri, ())}
        data["sources"] = sorted(srcs)

    # --- facts --------------------------------------------------------------------
    values = " ".join(f"<{p}>" for p in sorted(fetch))
    facts: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    engagement_facts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    engagement_graphs: dict[str, set[str]] = defaultdict(set)
    if values:
        for s, p, o, g in _rows(store, _EDGES_QUERY % (values, ONTOLOGY_GRAPH)):
            ss, sp, so, sg = str(s), str(p), str(o), str(g)
            if sg == INFERRED_GRAPH and not include_inferred:
                continue
            if collapse_engagements:
                if sp == TG_NS + "hasEngagement":
                    ss, sp, so = so, TG_NS + "engagedOrganisation", ss
                elif sp == TG_NS + "programmeEngagement":
                    ss, sp, so = so, TG_NS + "engagedProgramme", ss
                if ss in engagement_nodes:
                    engagement_facts[ss][sp].add(so)
                    if sg != INFERRED_GRAPH:
                        engagement_graphs[ss].add(sg)
                    continue
                if so in engagement_nodes:
                    continue
            elif sp == TG_NS + "engagementRole" and ss in G and sp not in canonical:
                G.nodes[ss]["role"] = label_of(so)  # an engagement node shown as such
                continue
            if sp not in canonical:
                continue
            rel, flip = canonical[sp]
            if flip:
                ss, so = so, ss
            facts[(ss, rel, so)].add(sg)

    def is_inferred(graphs: set[str]) -> bool:
        return graphs <= {INFERRED_GRAPH}

    # A symmetric fact is shown once per pair, the way round a source states it.
    for (s, rel, o) in sorted(facts):
        if rel in schema.symmetric and s != o and (s, rel, o) in facts and (o, rel, s) in facts:
            here, there = facts[(s, rel, o)], facts[(o, rel, s)]
            keep_here = (is_inferred(there) and not is_inferred(here)) or \
                (is_inferred(here) == is_inferred(there) and s < o)
            if keep_here:
                here |= facts.pop((o, rel, s))
            else:
                there |= facts.pop((s, rel, o))

    kept = {k: g for k, g in facts.items() if k[0] in G and k[2] in G}
    if prune:
        kept = _prune(kept, schema, is_inferred)

    for (s, rel, o), graphs in sorted(kept.items()):
        key = _local(rel)
        G.add_edge(s, o, key=key, relation=key, label=schema.properties.get(rel) or key, iri=rel,
                   sources=sorted({lab for g in graphs if g != INFERRED_GRAPH for lab in graph_sources(g)}),
                   inferred=is_inferred(graphs))

    # --- engagements, collapsed into organisation -> programme edges ---------------
    if collapse_engagements:
        for eng, props in sorted(engagement_facts.items()):
            _add_engagement_edge(G, eng, props, role_keys, engagement_graphs.get(eng, set()),
                                 derived.get(eng, set()), label_of, graph_sources)

    G.graph.update(
        name="tipgraph",
        relation_labels={**{_local(p): lab for p, lab in schema.properties.items()},
                         **{k: lab for k, lab, _ in ROLE_EDGES.values()}},
        inverse_labels={**{_local(p): schema.properties.get(q, _local(q))
                           for p, q in schema.inverse.items() if q in schema.properties},
                        **{k: back for k, _, back in ROLE_EDGES.values()},
                        **{_local(p): schema.properties.get(p, _local(p)) for p in schema.symmetric}},
        collapse_engagements=collapse_engagements,
        include_inferred=include_inferred,
    )
    return G


def _prune(facts: dict[tuple[str, str, str], set[str]], schema: _Schema,
           is_inferred: Any) -> dict[tuple[str, str, str], set[str]]:
    """Drop inferred facts that other shown facts already say (see the module docs)."""
    by_pair: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s, rel, o in facts:
        by_pair[(s, o)].add(rel)
    out: dict[tuple[str, str, str], set[str]] = {}
    for (s, rel, o), graphs in facts.items():
        if any(rel in schema.super_properties(r) for r in by_pair[(s, o)] if r != rel):
            continue  # a sub-property of this relation links the same pair and says more
        out[(s, rel, o)] = graphs

    def index(items: Iterable[tuple[str, str, str]]) -> dict[str, dict[str, set[str]]]:
        """relation -> subject -> objects, counting each fact under its super-properties too."""
        idx: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for s, rel, o in items:
            for r in schema.super_properties(rel) | {rel}:
                idx[r][s].add(o)
        return idx

    asserted = index(k for k, g in out.items() if not is_inferred(g))
    for key in [k for k, g in out.items() if is_inferred(g) and k[1] in schema.transitive]:
        s, rel, o = key
        succ = asserted.get(rel, {})
        seen, todo = {s}, list(succ.get(s, ()))
        while todo:  # is o reachable from s through asserted facts of this relation?
            x = todo.pop()
            if x in seen:
                continue
            seen.add(x)
            todo.extend(succ.get(x, ()))
        if o in seen:
            del out[key]

    shown = index(out)

    def step(s: str, prop: str) -> set[str]:
        if prop in shown:
            return set(shown[prop].get(s, ()))
        inv = schema.inverse.get(prop)
        if inv in shown:
            return {x for x, objs in shown[inv].items() if s in objs}
        return set()

    for p, q1, q2 in schema.chains:
        for key in [k for k, g in out.items() if k[1] == p and is_inferred(g)]:
            s, _, o = key
            if any(o in step(x, q2) for x in step(s, q1)):
                out.pop(key, None)
    return out


def _add_engagement_edge(G: nx.MultiDiGraph, eng: str, props: dict[str, set[str]], role_keys: set[str],
                         graphs: set[str], derived: set[str], label_of: Any, graph_sources: Any) -> None:
    orgs = props.get(TG_NS + "engagedOrganisation", set())
    prgs = props.get(TG_NS + "engagedProgramme", set())
    roles = sorted(props.get(TG_NS + "engagementRole", set())) or [""]
    for org in sorted(orgs):
        for prg in sorted(prgs):
            if org not in G or prg not in G:
                continue
            for role in roles:
                key, label, _ = ROLE_EDGES.get(role, ("engagedIn", "engaged in", "engages"))
                if key not in role_keys:
                    continue
                countries = sorted(props.get(TG_NS + "engagementCountry", set()))
                focus = sorted(props.get(TG_NS + "broaderFocus", set()))
                themes = sorted(props.get(TG_NS + "addresses", set()))
                sources = {lab for g in graphs for lab in graph_sources(g)} | {label_of(d) for d in derived}
                new = dict(role=label_of(role) if role else "", countries=[label_of(c) for c in countries],
                           country_iris=countries, broader_focus=[label_of(c) for c in focus],
                           themes=[label_of(t) for t in themes], engagement=eng)
                if G.has_edge(org, prg, key):
                    data = G.edges[org, prg, key]
                    data["sources"] = sorted(set(data["sources"]) | sources)
                    data["inferred"] = False
                    for attr in ("countries", "country_iris", "broader_focus", "themes"):
                        data[attr] = sorted(set(data.get(attr, [])) | set(new[attr]))
                    data.setdefault("role", new["role"])
                    data.setdefault("engagement", eng)
                else:
                    G.add_edge(org, prg, key=key, relation=key, label=label,
                               iri=TG_NS + key if key in ("funds", "implements") else (role or eng),
                               sources=sorted(sources), inferred=False, **new)


def node_for(G: nx.Graph, text: str) -> str:
    """The node of ``G`` named by an IRI, a prefixed name, a label or an alias (case-insensitive).

    >>> node_for(nx.Graph([("a", "b")]), "a")
    'a'
    """
    if text in G:
        return text
    wanted = text.strip().casefold()
    hits = [n for n, d in G.nodes(data=True) if d.get("curie", "").casefold() == wanted]
    if not hits:
        hits = [n for n, d in G.nodes(data=True) if str(d.get("label", "")).casefold() == wanted]
    if not hits:
        hits = [n for n, d in G.nodes(data=True) if wanted in (a.casefold() for a in d.get("aliases", []))]
    if not hits:
        raise UnknownNameError("node", text, [])
    if len(hits) > 1:
        options = "; ".join(f"{G.nodes[h].get('curie', h)} ({G.nodes[h].get('label', '')})" for h in sorted(hits))
        raise BadInputError(f"the name {text!r} is ambiguous; use one of: {options}")
    return hits[0]
