"""Network analysis (tipgraph.analysis) on the seed graph, with expected values."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import networkx as nx
import pytest

import tipgraph
from tipgraph import analysis as A  # noqa: N812  (A: the analysis package, short in assertions)
from tipgraph.analysis import measures
from tipgraph.errors import BadInputError, UnknownNameError


@pytest.fixture(scope="module")
def kg_ox(seed_kg_ox: tipgraph.KnowledgeGraph) -> tipgraph.KnowledgeGraph:
    """The seed's own part of the data (and ``G``, its projection): the expectations below are
    about the seed's network, which other sources added to data/ would change."""
    return seed_kg_ox


def test_the_broker_between_the_eu_and_pakistans_fia_is_protect(seed, G) -> None:
    # The EU's only link to anyone is its funding of PROTECT; from PROTECT several
    # independent routes lead to the FIA (the workshop, the themes, Pakistan).
    assert A.brokers_between(G, "European Union", "FIA") == [seed.protect]
    assert A.brokers_between(G, "UNODC", "ICMPD") == []  # linked in several independent ways


def test_articulation_points_and_bridges(seed, G) -> None:
    report = A.analyze(G, top=20)
    brokers = {b.node: b for b in report.brokers}
    assert seed.protect in brokers
    assert "European Union" in brokers[seed.protect].examples
    assert brokers[seed.protect].cut_off == max(b.cut_off for b in report.brokers)
    assert ("European Union", "PROTECT") in report.bridges
    H = A.simple_view(G)
    assert set(brokers) <= set(nx.articulation_points(H))
    assert report.bridge_count == len(list(nx.bridges(H)))


@pytest.mark.parametrize("seed", range(5))
def test_cut_off_counts_match_brute_force(seed: int) -> None:
    rnd = random.Random(seed)
    H = nx.gnm_random_graph(60, 70, seed=seed)
    H.add_edges_from((rnd.randrange(60), 60 + i) for i in range(15))  # leaves hanging off
    cut = A.articulation_cut_offs(H)
    assert set(cut) == set(nx.articulation_points(H))
    for v, n in cut.items():
        comp = nx.node_connected_component(H, v)
        rest = H.subgraph(comp - {v})
        pieces = sorted((len(c) for c in nx.connected_components(rest)), reverse=True)
        assert n == sum(pieces[1:]), v


def test_shortest_chain_from_the_eu_to_the_migrant_resource_centre(seed, G) -> None:
    c = A.chain(G, "EU", "virtual MRC Afghanistan")
    assert c is not None and len(c) == 2
    assert c.summary() == "European Union —funds→ PROTECT ←under programme— virtual MRC Afghanistan"
    first, second = c.steps
    assert (first.subject, first.relation, first.object) == (seed.eu, "funds", seed.protect)
    assert first.sources == sorted([seed.profile, seed.release]) and first.forward and not first.inferred
    assert (second.subject, second.relation, second.object) == (seed.mrc, "underProgramme", seed.protect)
    assert not second.forward


def test_chain_through_the_implementer_explained_fact_by_fact(seed, G) -> None:
    c = A.chain(G, "European Union", "virtual MRC Afghanistan", via="ICMPD")
    assert c is not None
    assert c.nodes == [seed.eu, seed.protect, seed.icmpd, seed.mrc]
    assert c.summary() == ("European Union —funds→ PROTECT —implemented by→ ICMPD —runs→ "
                           "virtual MRC Afghanistan")
    facts = [(s.subject_label, s.relation_label, s.object_label) for s in c.steps]
    assert facts == [("European Union", "funds", "PROTECT"), ("ICMPD", "implements", "PROTECT"),
                     ("ICMPD", "runs", "virtual MRC Afghanistan")]
    assert all(s.sources and not s.inferred for s in c.steps)
    text = c.text()
    assert "ICMPD implements PROTECT (countries: Afghanistan" in text and f"[source: {seed.profile}]" in text
    # the same chain is among the three shortest
    assert c.summary() in [x.summary() for x in A.chains(G, seed.eu, seed.mrc, k=3)]


def test_chains_are_ordered_and_unlinked_nodes_have_none(seed, G) -> None:
    found = A.chains(G, seed.eu, seed.mrc, k=3)
    assert [len(c) for c in found] == sorted(len(c) for c in found)
    assert len(found) == 3
    H = G.copy()
    H.add_node("island", label="Island")
    assert A.chains(H, seed.eu, "island") == [] and A.chain(H, seed.eu, "Island") is None
    assert len(A.chain(G, seed.eu, seed.eu)) == 0


def test_analyze_report(seed, G) -> None:
    report = A.analyze(G, top=5, chain=("EU", "virtual MRC Afghanistan"))
    assert report.nodes == G.number_of_nodes() and report.edges == G.number_of_edges()
    assert len(report.degree) == 5
    top_degree = [r.node for r in report.degree[:3]]
    assert seed.workshop in top_degree and seed.protect in top_degree
    assert report.betweenness[0].node in (seed.workshop, seed.protect)
    assert report.betweenness_sampled is None
    assert sum(c.size for c in A.analyze(G, top=1000).communities) == G.number_of_nodes()
    assert 0 < report.modularity < 1
    assert report.chains and report.chain_ends == ("European Union", "virtual MRC Afghanistan")
    text = report.text()
    for heading in ("Most connected", "betweenness", "Communities", "articulation points", "Bridges",
                    "Chain 1 from European Union to virtual MRC Afghanistan"):
        assert heading in text
    data = json.loads(json.dumps(report.to_dict()))
    assert data["degree"][0]["label"] == report.degree[0].label
    assert data["chains"][0]["summary"] == report.chains[0].summary()
    # fixed seeds: the same answer every time
    assert A.analyze(G, top=5).to_dict() == A.analyze(G, top=5).to_dict()


def test_betweenness_is_sampled_on_large_graphs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(measures, "EXACT_BETWEENNESS_LIMIT", 50)
    H = nx.gnm_random_graph(120, 300, seed=1)
    nx.set_node_attributes(H, {n: f"node {n}" for n in H}, "label")
    report = A.analyze(H, top=3)
    assert report.betweenness_sampled == 120 and len(report.betweenness) == 3


def test_kg_analyze_resolves_names_in_the_store(seed, kg_ox: tipgraph.KnowledgeGraph) -> None:
    report = kg_ox.analyze(top=3, chain=("EU", "tgd:fac-0001"))
    assert report.chains[0].nodes[0] == seed.eu and report.chains[0].nodes[-1] == seed.mrc
    with pytest.raises(BadInputError):  # UnknownNameError is a BadInputError too
        kg_ox.analyze(chain=("EU", "Atlantis"))


def test_kg_analyze_exports(kg_ox: tipgraph.KnowledgeGraph, tmp_path: Path) -> None:
    report = kg_ox.analyze(top=2, export=[tmp_path / "n.gexf", tmp_path / "n.csv"])
    assert report.exported == [tmp_path / "n.gexf", tmp_path / "n.csv"]
    assert nx.read_gexf(tmp_path / "n.gexf").number_of_nodes() == report.nodes
    assert f"Wrote {tmp_path / 'n.csv'}" in report.text()
    assert kg_ox.analyze(export=tmp_path / "one.graphml").exported == [tmp_path / "one.graphml"]


def test_kg_analyze_on_an_ego_network(seed, kg_ox: tipgraph.KnowledgeGraph, G) -> None:
    report = kg_ox.analyze(ego="FIA", depth=1)
    assert report.nodes == A.ego(G, seed.fia, 1).number_of_nodes()
    assert report.text().startswith("Ego network of Federal Investigation Agency (depth 1): ")
    assert report.to_dict()["ego"] == ["Federal Investigation Agency", 1]


def test_analyze_works_on_the_graph_alone(seed, G, tmp_path: Path) -> None:
    """Ego networks, chains and exports from the projected graph, with names the graph knows."""
    report = A.analyze(G, ego="Federal Investigation Agency", depth=1, chain=("FIA", "tgd:org-0012"),
                       export=tmp_path / "fia.csv")
    assert report.ego == ("Federal Investigation Agency", 1)
    assert report.nodes == A.ego(G, seed.fia, 1).number_of_nodes() < G.number_of_nodes()
    assert report.chains and (report.chains[0].nodes[0], report.chains[0].nodes[-1]) == (seed.fia, seed.ahs)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "fia.csv").read_text(encoding="utf-8"))))
    ends = {r["source"] for r in rows} | {r["target"] for r in rows}
    assert len(rows) == report.edges and ends <= set(A.ego(G, seed.fia))
    # without ego the whole network is analysed and nothing is written
    assert A.analyze(G).nodes == G.number_of_nodes() and A.analyze(G).exported == []


def test_ego_network(seed, G) -> None:
    E = A.ego(G, "UNODC", radius=1)
    assert seed.unodc in E and seed.protect in E and seed.workshop in E
    assert seed.eu not in E
    H = A.simple_view(G)
    assert set(E) == set(nx.ego_graph(H, seed.unodc, radius=1))
    assert E.graph["focus"] == [seed.unodc]
    assert seed.eu in A.ego(G, "UNODC", radius=2)


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_export_for_gephi(seed, G, tmp_path: Path, suffix: str) -> None:
    path = A.export_graph(G, tmp_path / f"seed{suffix}")
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"seed{suffix}"]  # no temporary file left
    back = nx.read_graphml(path) if suffix == ".graphml" else nx.read_gexf(path)
    assert back.number_of_nodes() == G.number_of_nodes()
    assert back.number_of_edges() == G.number_of_edges()
    node = back.nodes[seed.unodc]
    assert node["label"] == "UNODC" and "United Nations Office on Drugs and Crime" in node["aliases"]
    icmpd_edges = [d for _, _, d in back.edges(data=True) if d.get("relation") == "implements"]
    assert any("Afghanistan; Kazakhstan" in d.get("countries", "") for d in icmpd_edges)


def test_export_csv_edge_list(seed, G, tmp_path: Path) -> None:
    path = A.export_graph(G, tmp_path / "edges.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(rows) == G.number_of_edges()
    assert list(rows[0]) == A.CSV_COLUMNS
    eu = [r for r in rows if r["source"] == seed.eu and r["relation"] == "funds"]
    assert eu and eu[0]["target_label"] == "PROTECT" and eu[0]["role"] == "funding"
    assert eu[0]["sources"] == f"{seed.profile}; {seed.release}"


def test_export_refuses_unknown_formats(G, tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError, match="network export format"):
        A.export_graph(G, tmp_path / "x.pdf")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("k", [None, 1, 7, 40, 120])
def test_fast_betweenness_equals_networkx_with_the_same_sample(k: int | None) -> None:
    pytest.importorskip("igraph")
    H = nx.gnm_random_graph(120, 260, seed=3)
    H.add_edges_from([(200, 201), (201, 202)])  # a second component, and nodes on no shortest path
    H = nx.relabel_nodes(H, {n: f"n{n}" for n in H})
    expected = nx.betweenness_centrality(H, k=k, seed=measures.SEED)
    got = measures.betweenness_centrality(H, k=k, seed=measures.SEED)
    assert got.keys() == expected.keys()
    for v, value in expected.items():
        assert got[v] == pytest.approx(value, rel=1e-9, abs=1e-12, nan_ok=True), v
    assert max(expected.values()) > 0.01  # positive control: the scores are not all zero
    if k is not None and k < 40:  # another sample gives other numbers: the sample itself is matched
        other = nx.betweenness_centrality(H, k=k, seed=measures.SEED + 1)
        assert any(abs(other[v] - got[v]) > 1e-6 for v in H)


def test_fast_betweenness_on_the_seed_graph_equals_networkx(G) -> None:
    pytest.importorskip("igraph")
    H = A.simple_view(G)
    for k in (None, 25):
        expected = nx.betweenness_centrality(H, k=k, seed=measures.SEED)
        got = measures.betweenness_centrality(H, k=k, seed=measures.SEED)
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)
