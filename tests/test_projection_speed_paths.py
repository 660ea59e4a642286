"""The network projection's fast paths give what the straightforward formulation gives.

* the mention query asked of the graphs by name (``_mention_query``) answers what the
  general mention query answers, on the embedded Oxigraph and rdflib stores, and gives way
  to the general query where a graph is a blank node;
* the whole projection equals the projection with every fast path replaced by plain code:
  the general mention query, each fact's edge built with its sources worked out afresh,
  chain steps found by scanning the facts, "inferred" as a subset test;
* the comparison is strict (node order, edge order, attribute order) and sees a difference
  (positive controls);
* on a generated landscape of about 10k triples (``benchmarks/generate.py``) and the seed.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import networkx as nx
import pytest
from rdflib import URIRef

import tipgraph
from tipgraph import reason
from tipgraph.loading import load_default
from tipgraph.namespace import shorten
from tipgraph.network import project, projection, pruning
from tipgraph.network.schema import Schema, local_name
from tipgraph.resources import INFERRED_GRAPH, ONTOLOGY_GRAPH
from tipgraph.store import Store, open_store

Fact = tuple[str, str, str]


@pytest.fixture(scope="module")
def landscape(generator: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A generated landscape of about 10k triples (seed 7), loaded and reasoned on Oxigraph."""
    out = tmp_path_factory.mktemp("landscape") / "synthetic-10k.trig"
    generator.generate(10_000, 7, out)
    store = open_store("oxigraph")
    load_default(store, data=[out])
    reason.materialise(store)
    return store


# --- the straightforward formulation -------------------------------------------
def _plain_is_inferred(graphs: set[str]) -> bool:
    return graphs <= {INFERRED_GRAPH}


def _plain_add_fact_edges(G: nx.MultiDiGraph, facts: dict[Fact, set[str]], schema: Schema,
                          names: projection._Names) -> None:
    """One edge per fact, its sources worked out for that fact alone."""
    for s, rel, o in sorted(facts):
        graphs = facts[(s, rel, o)]
        key = local_name(rel)
        sources = sorted({lab for g in graphs if g != INFERRED_GRAPH for lab in names.graph_sources(g)})
        refs = names.reference_attributes(sources)
        G.add_edge(s, o, key=key, relation=key, label=schema.properties.get(rel) or key, iri=rel,
                   sources=sources, inferred=_plain_is_inferred(graphs), source_urls=refs["source_urls"],
                   source_dates=refs["source_dates"])


def _plain_drop_shown_chains(facts: dict[Fact, set[str]], _by_rel: object, schema: Schema) -> None:
    """Inferred facts of a two-step chain whose steps are both shown, each step found by a scan
    (not by the facts grouped by relation that the fast step is given)."""
    shown = list(facts)  # the facts as they were before any is dropped

    def under(rel: str, prop: str) -> bool:
        return rel == prop or prop in schema.super_properties(rel)

    def step(s: str, prop: str) -> set[str]:
        if any(under(r, prop) for _, r, _ in shown):
            return {o for a, r, o in shown if a == s and under(r, prop)}
        inv = schema.inverse.get(prop)
        if inv is not None and any(under(r, inv) for _, r, _ in shown):
            return {a for a, r, o in shown if o == s and under(r, inv)}
        return set()

    for p, q1, q2 in schema.chains:
        for key in [k for k, g in facts.items() if k[1] == p and _plain_is_inferred(g)]:
            if key in facts and any(key[2] in step(x, q2) for x in step(key[0], q1)):
                del facts[key]


def _plain(store: Store, monkeypatch: pytest.MonkeyPatch, **options: Any) -> nx.MultiDiGraph:
    """The projection with every fast path replaced by the straightforward code."""
    with monkeypatch.context() as m:
        m.setattr(projection, "_mention_query", lambda store: projection._MENTION_GRAPHS_QUERY)
        # every row as select_strings reads it, not decoded from the engine's TSV answer
        m.setattr(projection, "_rows_later", lambda store, sparql: store.select_strings(sparql))
        m.setattr(projection, "_add_fact_edges", _plain_add_fact_edges)
        m.setattr(projection, "is_inferred", _plain_is_inferred)
        m.setattr(pruning, "is_inferred", _plain_is_inferred)
        m.setattr(pruning, "_drop_shown_chains", _plain_drop_shown_chains)
        return project(store, **options)


def _identical(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    """Same nodes and edges, in the same order, with the same attributes in the same order."""
    assert [(n, list(d.items())) for n, d in a.nodes(data=True)] == \
        [(n, list(d.items())) for n, d in b.nodes(data=True)]
    assert [(u, v, k, list(d.items())) for u, v, k, d in a.edges(keys=True, data=True)] == \
        [(u, v, k, list(d.items())) for u, v, k, d in b.edges(keys=True, data=True)]
    assert list(a.graph.items()) == list(b.graph.items())


# --- the mention query ----------------------------------------------------------
def _mentions(store: Store, sparql: str) -> set[tuple[str | None, ...]]:
    return set(store.select_strings(sparql))


def test_the_named_graphs_mention_query_answers_as_the_general_one(landscape: Store) -> None:
    narrowed = projection._mention_query(landscape)
    assert narrowed is not projection._MENTION_GRAPHS_QUERY and "VALUES ?g" in narrowed
    general = _mentions(landscape, projection._MENTION_GRAPHS_QUERY)
    assert len(general) > 3000
    assert _mentions(landscape, narrowed) == general
    # positive control: the same query without one graph that mentions something answers less
    graph = sorted({str(g) for _, g in general})[0]
    assert URIRef(graph).n3() in narrowed
    assert _mentions(landscape, narrowed.replace(URIRef(graph).n3(), "")) < general


@pytest.mark.parametrize("backend", ["oxigraph", "memory"])
def test_the_named_graphs_mention_query_on_the_seed(backend: str) -> None:
    store = tipgraph.load(backend=backend).store
    narrowed = projection._mention_query(store)
    assert narrowed is not projection._MENTION_GRAPHS_QUERY
    general = _mentions(store, projection._MENTION_GRAPHS_QUERY)
    assert len(general) > 100 and _mentions(store, narrowed) == general


def test_a_blank_node_graph_takes_the_general_query() -> None:
    store = open_store("oxigraph")
    load_default(store, data=[])
    store.load(b"<urn:x:a> <urn:x:p> <urn:x:b> _:g .\n<urn:x:a> <urn:x:p> <urn:x:c> <urn:x:graph> .\n")
    assert projection._mention_query(store) is projection._MENTION_GRAPHS_QUERY
    # positive control: without the blank-node graph the graphs are named
    other = open_store("oxigraph")
    load_default(other, data=[])
    other.load(b"<urn:x:a> <urn:x:p> <urn:x:c> <urn:x:graph> .\n")
    narrowed = projection._mention_query(other)
    assert "<urn:x:graph>" in narrowed
    assert f"<{ONTOLOGY_GRAPH}>" not in narrowed and f"<{INFERRED_GRAPH}>" not in narrowed


# --- the whole projection -------------------------------------------------------
@pytest.mark.parametrize("options", [{}, {"collapse_engagements": False}, {"include_inferred": False},
                                     {"prune": False}])
def test_the_projection_equals_the_straightforward_one_on_10k(landscape: Store, monkeypatch: pytest.MonkeyPatch,
                                                              options: dict[str, Any]) -> None:
    fast = project(landscape, **options)
    assert fast.number_of_nodes() > 1000 and fast.number_of_edges() > 2000
    _identical(fast, _plain(landscape, monkeypatch, **options))
    assert all(d["curie"] == shorten(URIRef(n)) for n, d in fast.nodes(data=True))


@pytest.mark.parametrize("backend", ["oxigraph", "memory"])
def test_the_projection_equals_the_straightforward_one_on_the_seed(backend: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    store = tipgraph.load(backend=backend).store
    fast = project(store)
    assert fast.number_of_edges() > 50
    _identical(fast, _plain(store, monkeypatch))


def test_the_chain_pruning_prunes_on_10k(landscape: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Positive control for the chain step: without it more links are shown, both ways."""
    with monkeypatch.context() as m:
        m.setattr(pruning, "_drop_shown_chains", lambda facts, by_rel, schema: None)
        unchained = project(landscape).number_of_edges()
        m.setattr(pruning, "_drop_shown_chains", _plain_drop_shown_chains)
        plain = project(landscape).number_of_edges()
    assert unchained > plain == project(landscape).number_of_edges()


@pytest.mark.parametrize("change", ["attribute", "attribute order", "edge order"])
def test_the_comparison_sees_a_difference(landscape: Store, change: str) -> None:
    """Positive control for the comparison itself."""
    fast = project(landscape)
    other: nx.MultiDiGraph = fast.copy()
    data = next(iter(other.edges(data=True)))[2]
    if change == "attribute":
        data["sources"] = [*data["sources"], "another source"]
    elif change == "attribute order":
        data["relation"] = data.pop("relation")
    else:  # the same nodes and edges, the edges added the other way round
        other = nx.MultiDiGraph(**fast.graph)
        other.add_nodes_from(fast.nodes(data=True))
        other.add_edges_from(reversed(list(fast.edges(keys=True, data=True))))
        assert nx.utils.edges_equal(other.edges(keys=True), fast.edges(keys=True))
    with pytest.raises(AssertionError):
        _identical(fast, other)


def _edges_of(G: nx.MultiDiGraph) -> tuple[list, list, dict]:
    return ([(u, v, k, dict(d)) for u, v, k, d in G.edges(keys=True, data=True)],
            [(u, v, k, dict(d)) for u, v, k, d in G.in_edges(keys=True, data=True)], dict(G.degree()))


def test_the_edge_adder_builds_what_add_edge_builds() -> None:
    """Edges written straight into networkx's containers read back as add_edge's do, every way
    round (successors, predecessors, degrees), a key given twice updating its data."""
    adds = [("a", "b", "k", {"x": 1}), ("a", "b", "j", {"x": 2}), ("b", "a", "k", {"x": 3}),
            ("a", "b", "k", {"y": 4}), ("c", "c", "k", {"x": 5})]

    def built(fast: bool) -> nx.MultiDiGraph:
        G = nx.MultiDiGraph()
        G.add_nodes_from("abcd")
        add = projection._edge_adder(G) if fast else (lambda u, v, key, data: G.add_edge(u, v, key, **data))
        for u, v, key, data in adds:
            add(u, v, key, dict(data))
        return G

    fast, slow = built(True), built(False)
    assert _edges_of(fast) == _edges_of(slow)
    assert fast.number_of_edges() == 4 and fast.edges["a", "b", "k"] == {"x": 1, "y": 4}   # positive control
    assert nx.utils.graphs_equal(fast, slow) and fast._pred["b"]["a"] is fast._succ["a"]["b"]


def test_the_edge_adder_leaves_other_graphs_to_add_edge() -> None:
    """A subclass of MultiDiGraph, or one with other containers, is given its edges by add_edge."""
    calls: list[tuple[str, str]] = []

    class Counted(nx.MultiDiGraph):
        def add_edge(self, u, v, key=None, **attr):  # type: ignore[no-untyped-def]
            calls.append((u, v))
            return super().add_edge(u, v, key, **attr)

    class Ordered(nx.MultiDiGraph):
        edge_attr_dict_factory = dict
        adjlist_inner_dict_factory = dict

    for G in (Counted(), Ordered()):
        G.add_nodes_from("ab")
        projection._edge_adder(G)("a", "b", "k", {"x": 1})
        assert list(G.edges(keys=True, data=True)) == [("a", "b", "k", {"x": 1})]
    assert calls == [("a", "b")]
    # positive control: a plain graph is written to directly, add_edge is not called
    plain = nx.MultiDiGraph()
    plain.add_nodes_from("ab")
    plain.add_edge = lambda *a, **k: calls.append(("plain", "called"))  # type: ignore[method-assign]
    projection._edge_adder(plain)("a", "b", "k", {"x": 1})
    assert calls == [("a", "b")] and plain.number_of_edges() == 1
