"""The fast stages give the same answers as the slower ways they replaced (issue 15).

* the network projection reads plain strings (``Store.select_strings``) and prunes with
  indexes of only the relations it asks about; the reference reads rdflib terms through
  ``Store.execute``, indexes every fact and scans for inverse steps, as the projection did before;
* the rule engine runs its rules in two strata with closed hierarchies; the reference runs
  every rule again until a whole round adds nothing, and the independent ``reasonable``
  engine must agree too;
* on the seed and on a 10k-triple synthetic landscape (``benchmarks/generate.py``).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import networkx as nx
import pytest
from rdflib import Graph

import tipgraph
from tipgraph import reason
from tipgraph.loading import load_default
from tipgraph.network import project, projection, pruning
from tipgraph.resources import INFERRED_GRAPH, ONTOLOGY_GRAPH
from tipgraph.store import Store, open_store

if TYPE_CHECKING:
    from collections.abc import Iterable

    from tipgraph.network.projection import _Facts, _Names, _Selection
    from tipgraph.network.pruning import Fact
    from tipgraph.network.schema import Schema


@pytest.fixture(scope="module")
def landscape_10k(generator: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic landscape of about 10k triples (seed 42) the benchmarks start from."""
    out = tmp_path_factory.mktemp("landscape") / "synthetic-10k.trig"
    generator.generate(10_000, 42, out)
    return out


def _store(data: Path | None) -> Store:
    store = open_store("oxigraph")
    load_default(store, data=None if data is None else [data])
    return store


def _inferred(store: Store) -> set[bytes]:
    tail = f"<{INFERRED_GRAPH}> .".encode()
    return {line for line in store.dump().splitlines() if line.endswith(tail)}


# --- the projection -------------------------------------------------------------
def _term_rows(store: Store, sparql: str) -> list[tuple[str | None, ...]]:
    """Rows read the way the projection read them before: rdflib terms, then their strings."""
    return [tuple(None if v is None else str(v) for v in row) for row in store.execute(sparql, {}, None).rows]


def _index_everything(schema, items) -> dict:  # type: ignore[no-untyped-def]
    """relation -> subject -> objects, every fact under every super-property (as the index was)."""
    idx: dict = defaultdict(lambda: defaultdict(set))
    for s, rel, o in items:
        for r in schema.super_properties(rel) | {rel}:
            idx[r][s].add(o)
    return idx


def _prune_as_before(facts: dict, schema) -> dict:  # type: ignore[no-untyped-def]
    """The pruning as it was: every pair indexed, every fact checked, whole indexes built."""
    by_pair: dict = defaultdict(set)
    for s, rel, o in facts:
        by_pair[(s, o)].add(rel)
    out = {(s, rel, o): graphs for (s, rel, o), graphs in facts.items()
           if not any(rel in schema.super_properties(r) for r in by_pair[(s, o)] if r != rel)}
    asserted = _index_everything(schema, (k for k, g in out.items() if not pruning.is_inferred(g)))
    for key in [k for k, g in out.items() if pruning.is_inferred(g) and k[1] in schema.transitive]:
        s, rel, o = key
        succ = asserted.get(rel, {})
        seen, todo = {s}, list(succ.get(s, ()))
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.add(x)
                todo.extend(succ.get(x, ()))
        if o in seen:
            del out[key]
    _drop_shown_chains_by_scanning(out, schema)
    return out


def _drop_shown_chains_by_scanning(facts: dict, schema) -> None:  # type: ignore[no-untyped-def]
    """The chain pruning as it was: each inverse step scans the whole index."""
    shown = _index_everything(schema, facts)

    def step(s: str, prop: str) -> set[str]:
        if prop in shown:
            return set(shown[prop].get(s, ()))
        inv = schema.inverse.get(prop)
        if inv in shown:
            return {x for x, objs in shown[inv].items() if s in objs}
        return set()

    for p, q1, q2 in schema.chains:
        for key in [k for k, g in facts.items() if k[1] == p and pruning.is_inferred(g)]:
            s, _, o = key
            if any(o in step(x, q2) for x in step(s, q1)):
                facts.pop(key, None)


# The projection's steps as they were before they were made fast (issue 15), for comparison.
def _add_nodes_as_before(G: nx.MultiDiGraph, types: dict[str, set[str]], schema: Schema, names: _Names,
               classes: Iterable[str] | None, collapse: bool) -> set[str]:
    """Add every typed entity that the options keep; return the engagements (kept or not)."""
    wanted = set(classes) if classes is not None else None
    engagements: set[str] = set()
    for iri, tset in sorted(types.items()):  # sorted: same graph, same analysis, every run
        best = [t for t in tset if not any(t in schema.ancestors(u) for u in tset if u != t)]
        cls = min(best, key=lambda t: (-len(schema.ancestors(t)), t))
        ancestors = {cls, *schema.ancestors(cls)}
        group = next((g for g, c in projection.GROUPS if str(projection.TG[c]) in ancestors), "other")
        if group == "engagement":
            engagements.add(iri)
            if collapse:
                continue
        if wanted is not None and not projection._class_matches(cls, ancestors, group, wanted):
            continue
        if wanted is None and projection._SOURCE_DOCUMENT in ancestors:
            continue  # provenance: shown as every node's and link's sources, not as a node
        label = names.label_of(iri)
        G.add_node(iri, label=label, cls=projection.local_name(cls), group=group,
                   aliases=sorted(a for a in names.aliases.get(iri, ()) if a != label),
                   sources=[], iri=iri, curie=projection.shorten(projection.URIRef(iri)))
    return engagements



def _add_node_sources_as_before(G: nx.MultiDiGraph, rows: projection.Rows, names: _Names) -> None:
    """A node's sources: those of every graph that mentions it, and the documents it is derived from."""
    node_graphs: dict[str, set[str]] = defaultdict(set)
    for s, g in rows(projection._MENTION_GRAPHS_QUERY):
        node_graphs[str(s)].add(str(g))
    for iri, data in G.nodes(data=True):
        srcs = {lab for g in node_graphs.get(iri, ()) for lab in names.graph_sources(g)}
        srcs |= {names.label_of(src) for src in names.derived.get(iri, ())}
        data["sources"] = sorted(srcs)
        data.update(names.reference_attributes(data["sources"]))



def _read_facts_as_before(rows: projection.Rows, selection: _Selection, nodes: set[str], engagement_nodes: set[str],
                include_inferred: bool, collapse: bool) -> _Facts:
    out = projection._Facts()
    facts: dict[Fact, set[str]] = defaultdict(set)
    values = " ".join(projection.URIRef(p).n3() for p in sorted(selection.fetch))
    if not values:
        return out
    canonical = selection.canonical
    for s, p, o, g in rows(projection._EDGES_QUERY % values):
        ss, sp, so, sg = str(s), str(p), str(o), str(g)
        if sg == projection.INFERRED_GRAPH and not include_inferred:
            continue
        if collapse:
            if sp == projection._HAS_ENGAGEMENT:
                ss, sp, so = so, projection._ORGANISATION, ss
            elif sp == projection._PROGRAMME_ENGAGEMENT:
                ss, sp, so = so, projection._PROGRAMME, ss
            if ss in engagement_nodes:
                out.engagements[ss][sp].add(so)
                if sg != projection.INFERRED_GRAPH:
                    out.engagement_graphs[ss].add(sg)
                continue
            if so in engagement_nodes:
                continue
        elif sp == projection._ROLE and ss in nodes and sp not in canonical:
            out.roles[ss] = so  # an engagement node shown as such
            continue
        if sp not in canonical:
            continue
        rel, flip = canonical[sp]
        if flip:
            ss, so = so, ss
        facts[(ss, rel, so)].add(sg)
    # only the facts between nodes can be shown (the projection kept them after reading)
    out.facts = {k: g for k, g in facts.items() if k[0] in nodes and k[2] in nodes}  # type: ignore[misc]
    return out



def _merge_symmetric_as_before(facts: dict[Fact, set[str]], schema: Schema) -> None:
    """A symmetric fact is shown once per pair, the way round a source states it."""
    for (s, rel, o) in sorted(facts):
        if rel in schema.symmetric and s != o and (s, rel, o) in facts and (o, rel, s) in facts:
            here, there = facts[(s, rel, o)], facts[(o, rel, s)]
            keep_here = (projection.is_inferred(there) and not projection.is_inferred(here)) or \
                (projection.is_inferred(here) == projection.is_inferred(there) and s < o)
            if keep_here:
                here |= facts.pop((o, rel, s))
            else:
                there |= facts.pop((s, rel, o))



def _add_fact_edges_as_before(G: nx.MultiDiGraph, facts: dict[Fact, set[str]], schema: Schema, names: _Names) -> None:
    for (s, rel, o), graphs in sorted(facts.items()):
        key = projection.local_name(rel)
        sources = sorted({lab for g in graphs if g != projection.INFERRED_GRAPH for lab in names.graph_sources(g)})
        G.add_edge(s, o, key=key, relation=key, label=schema.properties.get(rel) or key, iri=rel,
                   sources=sources, inferred=projection.is_inferred(graphs), **names.reference_attributes(sources))


def _reference_projection(store: Store, monkeypatch: pytest.MonkeyPatch, **options: object) -> nx.MultiDiGraph:
    with monkeypatch.context() as m:
        m.setattr(projection, "string_rows", _term_rows)
        m.setattr(projection, "_rows_later", _term_rows)
        m.setattr(pruning, "prune", _prune_as_before)
        for step in ("_add_nodes", "_add_node_sources", "_read_facts", "_merge_symmetric", "_add_fact_edges"):
            m.setattr(projection, step, globals()[f"{step}_as_before"])
        return project(store, **options)  # type: ignore[arg-type]


def _same_graph(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    edges_a = {(u, v, k): d for u, v, k, d in a.edges(keys=True, data=True)}
    edges_b = {(u, v, k): d for u, v, k, d in b.edges(keys=True, data=True)}
    assert edges_a.keys() == edges_b.keys()
    for key, data in edges_a.items():
        assert data == edges_b[key], key
    assert a.graph == b.graph


@pytest.mark.parametrize("options", [{}, {"collapse_engagements": False}, {"include_inferred": False, "prune": False}])
def test_projection_equals_the_term_reading_reference_on_the_seed(kg_ox: tipgraph.KnowledgeGraph,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 options: dict) -> None:
    fast = project(kg_ox.store, **options)
    reference = _reference_projection(kg_ox.store, monkeypatch, **options)
    assert fast.number_of_edges() > 50  # positive control: a real graph is compared
    _same_graph(fast, reference)


def test_projection_equals_the_reference_on_10k(landscape_10k: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(landscape_10k)
    reason.materialise(store)
    fast = project(store)
    reference = _reference_projection(store, monkeypatch)
    assert fast.number_of_nodes() > 1000 and fast.number_of_edges() > 2000
    _same_graph(fast, reference)
    # the chain pruning did prune: without it the graph has more links
    assert project(store, prune=False).number_of_edges() > fast.number_of_edges()


def test_the_reference_would_see_a_difference(kg_ox: tipgraph.KnowledgeGraph) -> None:
    """Positive control for the comparison itself: one changed attribute fails it."""
    fast = project(kg_ox.store)
    other = fast.copy()
    u, v, k = next(iter(other.edges(keys=True)))
    other.edges[u, v, k]["sources"] = [*other.edges[u, v, k]["sources"], "another source"]
    with pytest.raises(AssertionError):
        _same_graph(fast, other)


# --- reasoning ------------------------------------------------------------------
def _naive_fixpoint(store: Store) -> set[bytes]:
    """Every rule, every round, until a round adds nothing: the plainest way to the same graph."""
    store.drop_graph(INFERRED_GRAPH)
    ontology = Graph()
    for s, p, o, _ in store.quads(ONTOLOGY_GRAPH):
        ontology.add((s, p, o))
    individuals = set(store.select_terms(reason._INDIVIDUALS))
    rules = reason.owl_rl_rules(ontology) + reason.chain_rules(ontology) + reason.file_rules()
    added = True
    while added:
        added = False
        for rule in rules:
            lines = [line for line in store.construct_ntriples(rule.sparql).splitlines(keepends=True)
                     if line[:line.find(b" ")] in individuals]
            if lines:
                store.load(b"".join(lines), format="ntriples", graph=INFERRED_GRAPH)
                added = True
    return _inferred(store)


@pytest.mark.parametrize("size", ["seed", "10k"])
def test_rule_engine_reaches_the_naive_fixpoint(size: str, request: pytest.FixtureRequest) -> None:
    data = None if size == "seed" else request.getfixturevalue("landscape_10k")
    store = _store(data)
    report = reason.materialise(store)
    fast = _inferred(store)
    assert len(fast) == report.inferred > 100
    assert _naive_fixpoint(store) == fast


def test_rule_engine_equals_reasonable_on_10k(landscape_10k: Path) -> None:
    pytest.importorskip("reasonable")
    inferred = {}
    for engine in ("rules", "reasonable"):
        store = _store(landscape_10k)
        reason.materialise(store, engine=engine)
        inferred[engine] = _inferred(store)
    assert len(inferred["rules"]) > 5000
    only_rules = inferred["rules"] - inferred["reasonable"]
    only_reasonable = inferred["reasonable"] - inferred["rules"]
    assert not only_rules and not only_reasonable, (sorted(only_rules)[:5], sorted(only_reasonable)[:5])


def test_closed_hierarchies_reach_every_ancestor() -> None:
    assert reason._closed([("a", "b"), ("b", "c"), ("c", "a")]) == [
        ("a", "b"), ("a", "c"), ("b", "a"), ("b", "c"), ("c", "a"), ("c", "b")]
    by_subject: dict[str, set[str]] = defaultdict(set)
    for a, b in reason._closed([("x", "y"), ("y", "z"), ("w", "y")]):
        by_subject[a].add(b)
    assert by_subject == {"x": {"y", "z"}, "y": {"z"}, "w": {"y", "z"}}


# --- the load guard ---------------------------------------------------------------
_TRICKY = {
    "object-lists.ttl": b"@prefix : <urn:x:> .\n:s :p :,:,:,: ; :q 1.5, 2.0e0, .3e1 ; :r :o .\n",
    "nested-blank-nodes.ttl": b"@prefix : <urn:x:> .\n:s :p [ :q [ :r [ :t :u ] ] ] .\n[ :p :o ] .\n[] :p :o .\n",
    "strings.ttl": (b'@prefix : <urn:x:> .\n:s :p "a (b) .", \'c ( d\', """e\n( f""", \'\'\'g ) (\'\'\' .\n'
                    b"# a comment with ( and . and ,\n:s :q <urn:x:a(b)> .\n"),
    "graphs.trig": b"@prefix : <urn:x:> .\n:g { :s :p :o } { :a :b :c } GRAPH :h { :d :e :f . :d :e :g }\n",
    "rdf12.ttl": (b"@prefix : <urn:x:> .\n:s :p :o ~ :r {| :q :z ; :q2 :z2 |} .\n"
                  b"<< :a :b :c >> :d :e .\n:s :p :o2 ~ .\n"),
    "semicolons.ttl": b"@prefix : <urn:x:> .\n:s :p :o ;;; :q :o2 ; .\n",
}


@pytest.mark.parametrize("name", sorted(_TRICKY))
def test_the_byte_bound_never_undercounts(name: str, tmp_path: Path) -> None:
    import pyoxigraph as ox

    from tipgraph.loading import FORMATS, _triples_bound

    path = tmp_path / name
    path.write_bytes(_TRICKY[name])
    made = sum(1 for _ in ox.parse(path=str(path), format=FORMATS[path.suffix]))
    bound = _triples_bound(path, path.stat().st_size)
    assert made > 0 and bound is not None  # none of these has a collection
    assert bound >= made, (bound, made)


@pytest.mark.parametrize("text", [b"<urn:s> <urn:p> (1 2) .\n", b"<urn:s> <urn:p> ( ) .\n",
                                  b'<urn:s> <urn:p> """x""" , ("y") .\n',
                                  b'<urn:s> <urn:p> "a\\"(" , ( 1 ) .\n', b"<urn:s> <urn:p> (\r1) .\n"])
def test_a_possible_collection_is_counted_by_the_parser(text: bytes, tmp_path: Path) -> None:
    from tipgraph.loading import _triples_bound

    path = tmp_path / "c.ttl"
    path.write_bytes(text)
    assert _triples_bound(path, len(text)) is None


def test_object_lists_over_the_limit_are_still_refused(tmp_path: Path) -> None:
    from tipgraph.errors import InputLimitError

    path = tmp_path / "object-list.ttl"
    path.write_bytes(b"@prefix : <urn:x:> .\n:s :p :" + b",:" * 200_000 + b" .\n")  # 512 triples per KiB
    with pytest.raises(InputLimitError, match="more than 100,007 triples"):
        load_default(open_store("oxigraph"), data=[path])


def test_a_high_bound_falls_back_to_the_count_and_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tipgraph import loading

    path = tmp_path / "dots.ttl"
    path.write_bytes(b"# " + b"." * 300_000 + b"\n<urn:s> <urn:p> <urn:o> .\n")  # bound 300k, one triple
    counted = []
    real = loading._parse
    monkeypatch.setattr(loading, "_parse", lambda *a: counted.append(1) or real(*a))
    assert load_default(open_store("oxigraph"), data=[path])["data"] == 1
    assert counted  # the bound proved nothing, so the parser counted


def test_ordinary_data_is_bounded_without_counting(landscape_10k: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tipgraph import loading

    monkeypatch.setattr(loading, "_parse", lambda *a: pytest.fail("counted with the parser"))
    counts = load_default(open_store("oxigraph"), data=[landscape_10k])
    assert counts["data"] > 9000
