"""Exports other tools use fully: GEXF (viz, dynamic dates, no internal attributes), GraphML, CSV, compact JSON-LD;
the literal facts and the country view on the projected network."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest
import rdflib

import tipgraph
from tipgraph.analysis.export import CSV_COLUMNS, NODE_CSV_COLUMNS, export_graph
from tipgraph.maps import add_facts, country_view, make_map
from tipgraph.network import project

WORKSHOP = "https://w3id.org/tipgraph/id/evt-0001"
PK = "https://w3id.org/tipgraph/id/plc-0003"


@pytest.fixture(scope="module")
def FG(kg_ox: tipgraph.KnowledgeGraph) -> nx.MultiDiGraph:
    return add_facts(kg_ox.network(), kg_ox.store)


def test_facts_reach_the_projected_nodes(FG: nx.MultiDiGraph) -> None:
    w = FG.nodes[WORKSHOP]
    assert (w["start"], w["end"], w["participants"], w["women"]) == ("2024-10-11", "2024-10-11", 68, 12)
    assert ["share of women", "18% (12 of 68)"] in w["facts"]
    names = [f[0] for f in w["facts"]]
    assert names[:4] == ["start date", "end date", "participant count", "female participant count"]
    assert "endDate" not in names  # the inferred schema: super-property is not repeated
    assert FG.nodes[PK]["facts"] == [["ISO 3166-1 alpha-2 code", "PK"], ["ISO 3166-1 alpha-3 code", "PAK"]]
    assert set(FG.graph["source_publishers"].values()) == {"UNODC"}


def test_country_view_has_the_national_bodies(FG: nx.MultiDiGraph) -> None:
    V = country_view(FG, PK)
    labels = {d["label"] for _, d in V.nodes(data=True)}
    assert {"Federal Investigation Agency", "Ministry of Interior (Pakistan)",
            "Ministry of Foreign Affairs (Pakistan)", "Government of Pakistan",
            "District Anti-TIP Committees (Pakistan)"} <= labels
    assert "U.S. Department of State" not in labels  # control: publishes a report, works elsewhere


def test_drop_isolated(FG: nx.MultiDiGraph) -> None:
    alone = list(nx.isolates(FG))
    assert alone  # control: the seed landscape has nodes with no link
    assert make_map(FG).nodes == FG.number_of_nodes()
    assert make_map(FG, drop_isolated=True).nodes == FG.number_of_nodes() - len(alone)


def test_gexf_has_viz_and_dates_and_no_internal_attributes(FG: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = export_graph(FG, tmp_path / "seed.gexf")
    text = path.read_text(encoding="utf-8")
    assert "networkx_key" not in text
    back = nx.read_gexf(path)
    assert back.number_of_nodes() == FG.number_of_nodes()
    assert back.number_of_edges() == FG.number_of_edges()
    assert back.graph["mode"] == "dynamic"
    w = back.nodes[WORKSHOP]
    assert w["start"] == "2024-10-11" and w["end"] == "2024-10-11"
    assert w["viz"]["color"] == {"r": 0xD5, "g": 0x5E, "b": 0x00, "a": 1.0}  # the map's event colour
    positions = {(d["viz"]["position"]["x"], d["viz"]["position"]["y"]) for _, d in back.nodes(data=True)}
    assert len(positions) == back.number_of_nodes()  # laid out, not all on one spot
    sizes = [d["viz"]["size"] for _, d in back.nodes(data=True)]
    assert min(sizes) < max(sizes)
    assert all("networkx_key" not in d for *_, d in back.edges(data=True))
    assert {d["label"] for *_, d in back.edges(data=True)} >= {"implements", "funds"}
    assert back.nodes["https://w3id.org/tipgraph/id/rnk-0001"]["viz"]["color"]["r"] == 0x88  # the ranking colour


def test_graphml_and_csv_join_back_to_query_results(kg_ox: tipgraph.KnowledgeGraph, FG: nx.MultiDiGraph,
                                                    tmp_path: Path) -> None:
    back = nx.read_graphml(export_graph(FG, tmp_path / "seed.graphml"))
    assert back.number_of_nodes() == FG.number_of_nodes()
    assert back.nodes[WORKSHOP]["start"] == "2024-10-11"
    nodes = list(csv.DictReader(io.StringIO(export_graph(FG, tmp_path / "seed.nodes.csv").read_text("utf-8"))))
    edges = list(csv.DictReader(io.StringIO(export_graph(FG, tmp_path / "seed.csv").read_text("utf-8"))))
    assert list(nodes[0]) == NODE_CSV_COLUMNS and list(edges[0]) == CSV_COLUMNS
    assert len(nodes) == FG.number_of_nodes() and len(edges) == FG.number_of_edges()
    by_id = {r["id"]: r for r in nodes}
    assert "participant count: 68" in by_id[WORKSHOP]["facts"]
    # every edge end is a node row, and a query's IRIs find the same rows
    assert all(r["source"] in by_id and r["target"] in by_id for r in edges)
    answer = kg_ox.query("SELECT ?e ?p WHERE { ?e tg:heldIn ?p }")
    pairs = {(str(e), str(p)) for e, p in answer.rows}
    held = {(r["source"], r["target"]) for r in edges if r["relation_iri"].endswith("#heldIn")}
    assert pairs and pairs == held


def test_jsonld_is_compact_and_says_the_same(kg_ox: tipgraph.KnowledgeGraph, tmp_path: Path) -> None:
    data = kg_ox.export(format="jsonld")
    doc = json.loads(data)
    assert doc["@context"]["tg"] == "https://w3id.org/tipgraph/ontology#"
    assert '"tg:participantCount"' in data.decode() and "https://w3id.org/tipgraph/ontology#participantCount" \
        not in data.decode().replace('"tg": "https://w3id.org/tipgraph/ontology#"', "")
    ours, theirs = rdflib.Dataset(), rdflib.Dataset()
    ours.parse(data=data, format="json-ld")
    theirs.parse(data=kg_ox.export(format="nquads"), format="nquads")

    def named(ds: rdflib.Dataset) -> set[tuple[str, ...]]:  # blank nodes get new labels on each parse
        return {(str(s), str(p), o.n3(), str(g)) for s, p, o, g in ds.quads()
                if not isinstance(s, rdflib.BNode) and not isinstance(o, rdflib.BNode)}

    assert len(ours) == len(theirs)
    assert named(ours) == named(theirs) and len(named(ours)) > 1000


def test_jsonld_reads_back_into_oxigraph(kg_ox: tipgraph.KnowledgeGraph) -> None:
    import pyoxigraph as ox

    ours = {str(q) for q in ox.parse(kg_ox.export(format="jsonld"), format=ox.RdfFormat.JSON_LD)}
    theirs = {str(q) for q in ox.parse(kg_ox.export(format="nquads"), format=ox.RdfFormat.N_QUADS)}
    assert ours == theirs and len(ours) > 1000


def test_engagement_periods_reach_edges_gexf_and_the_slider(kg_ox: tipgraph.KnowledgeGraph, tmp_path: Path) -> None:
    from tipgraph.loading import load_files
    from tipgraph.resources import ONTOLOGY_GRAPH, ontology_file
    from tipgraph.store import open_store

    extra = tmp_path / "period.trig"
    extra.write_text(
        "@prefix tg: <https://w3id.org/tipgraph/ontology#> .\n@prefix tgd: <https://w3id.org/tipgraph/id/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "tgd:graph-src-0002 { tgd:eng-0003 tg:startDate \"2023-01-01\"^^xsd:date ; "
        "tg:endDate \"2026-12-31\"^^xsd:date . }\n", encoding="utf-8")
    store = open_store("oxigraph:")
    load_files(store, [ontology_file()], graph=ONTOLOGY_GRAPH)
    repo = Path(__file__).resolve().parents[1]
    data = sorted((repo / "data" / "entities").glob("*.trig")) + sorted((repo / "data" / "sources").glob("*.trig"))
    load_files(store, [*data, extra])
    G = add_facts(project(store), store)
    funds = [d for u, v, k, d in G.edges(keys=True, data=True) if k == "funds"]
    assert funds and (funds[0]["start"], funds[0]["end"]) == ("2023-01-01", "2026-12-31")
    implements = [d for u, v, k, d in G.edges(keys=True, data=True) if k == "implements"]
    assert implements and not any("start" in d for d in implements)  # control: undated engagements stay so
    back = nx.read_gexf(export_graph(G, tmp_path / "p.gexf"))
    dated = [d for *_, d in back.edges(data=True) if d.get("start")]
    assert [(d["start"], d["end"], d["label"]) for d in dated] == [("2023-01-01", "2026-12-31", "funds")]
