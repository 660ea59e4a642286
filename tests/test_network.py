"""The RDF -> networkx projection (tipgraph.network) on the seed graph."""

from __future__ import annotations

from typing import Any

import pytest

import tipgraph
from tipgraph.errors import BadInputError, UnknownNameError
from tipgraph.network import default_relations, node_for, project
from tipgraph.namespace import TG
from tipgraph.store.oxigraph import OxigraphStore


def keys(G) -> set[str]:
    return {k for _, _, k in G.edges(keys=True)}


def test_nodes_carry_class_group_label_aliases_sources(seed, G) -> None:
    unodc = G.nodes[seed.unodc]
    assert unodc["label"] == "UNODC"
    assert unodc["cls"] == "IntergovernmentalOrganisation"
    assert unodc["group"] == "organisation"
    assert "United Nations Office on Drugs and Crime" in unodc["aliases"]
    assert unodc["iri"] == seed.unodc and unodc["curie"] == "tgd:org-0001"
    assert seed.release in unodc["sources"]
    mrc = G.nodes[seed.mrc]
    assert (mrc["cls"], mrc["group"]) == ("VirtualMigrantResourceCentre", "facility")
    assert G.nodes[seed.protect]["cls"] == "Initiative" and G.nodes[seed.protect]["group"] == "programme"
    assert G.nodes[seed.pakistan]["group"] == "place"
    # Pakistan is named in both sources; neither the catalogue of sources nor the graph of shared
    # places is itself a source.
    pakistan = G.nodes[seed.pakistan]
    assert {seed.profile, seed.release} <= set(pakistan["sources"])
    assert not [s for s in pakistan["sources"] if s.startswith("shared entities") or "graph-sources" in s]
    # each source's address and publication date ride along, in the order of the sources
    assert len(pakistan["source_urls"]) == len(pakistan["source_dates"]) == len(pakistan["sources"])
    release = pakistan["sources"].index(seed.release)
    assert pakistan["source_urls"][release].startswith("https://www.unodc.org/")
    assert pakistan["source_dates"][release] == "2024-10-11"
    assert {d["group"] for _, d in G.nodes(data=True)} >= {
        "organisation", "programme", "place", "event", "person", "post", "document", "facility", "theme"}


def test_engagements_are_collapsed_into_role_edges(seed, G) -> None:
    assert not [n for n, d in G.nodes(data=True) if d["group"] == "engagement"]
    icmpd = G.edges[seed.icmpd, seed.protect, "implements"]
    assert icmpd["role"] == "implementing" and icmpd["label"] == "implements"
    assert icmpd["countries"] == ["Afghanistan", "Kazakhstan", "Kyrgyz Republic", "Pakistan", "Tajikistan",
                                  "Uzbekistan"]
    assert seed.pakistan in icmpd["country_iris"]
    assert seed.profile in icmpd["sources"] and icmpd["inferred"] is False
    assert len(icmpd["source_urls"]) == len(icmpd["sources"]) and all(icmpd["source_urls"])
    assert "migrant protection" in icmpd["themes"]
    eu = G.edges[seed.eu, seed.protect, "funds"]
    assert eu["role"] == "funding" and {seed.profile, seed.release} <= set(eu["sources"])
    unodc = G.edges[seed.unodc, seed.protect, "implements"]
    assert unodc["broader_focus"] == ["Central Asia", "Kazakhstan", "Kyrgyz Republic", "Uzbekistan"]
    assert G.has_edge(seed.unodc, seed.gloact, "accountableFor")


def test_engagements_can_be_kept_as_nodes(seed, kg_ox: tipgraph.KnowledgeGraph) -> None:
    H = project(kg_ox.store, collapse_engagements=False)
    eng = [n for n, d in H.nodes(data=True) if d["group"] == "engagement"]
    stated = kg_ox.query("SELECT DISTINCT ?e WHERE { ?e a tg:Engagement }").column("e")
    assert len(eng) == len(stated) >= 4
    e3 = seed.iri("eng-0003")
    assert H.nodes[e3]["role"] == "funding"
    assert H.has_edge(e3, seed.eu, "engagedOrganisation") and H.has_edge(e3, seed.protect, "engagedProgramme")
    assert H.has_edge(seed.iri("eng-0002"), seed.afghanistan, "engagementCountry")
    assert "engagementRole" not in keys(H)


def test_inverse_relations_are_shown_one_way_with_the_stated_sources(seed, G) -> None:
    assert not keys(G) & {"implementedBy", "fundedBy", "hasPart", "hasSubOrganisation", "runBy", "postHeldBy",
                          "organisedBy", "attendedBy", "hasEngagement", "programmeEngagement", "hasRanking"}
    runs = G.edges[seed.icmpd, seed.mrc, "runs"]  # stated as "MRC runBy ICMPD"
    assert runs["inferred"] is False and seed.profile in runs["sources"] and runs["label"] == "runs"
    assert G.edges[seed.unodc, seed.workshop, "organises"]["inferred"] is False  # stated as organisedBy
    assert "rdf:type" not in keys(G) and "type" not in keys(G)


def test_symmetric_partnerships_appear_once_the_way_they_were_stated(seed, kg_ox, G) -> None:
    partners = [(u, v) for u, v, k in G.edges(keys=True) if k == "partnerOf"]
    stated = {(str(a), str(b)) for a, b in kg_ox.query(
        "SELECT ?a ?b WHERE { GRAPH ?g { ?a tg:partnerOf ?b } FILTER(?g != tgg:inferred) }").rows}
    assert len(partners) == len({frozenset(pair) for pair in stated}) >= 5
    assert all((u, v) in stated for u, v in partners)  # the way round a source states it
    assert (seed.gov_pk, seed.unodc) in partners


def test_pruning_drops_facts_the_map_already_shows(seed, kg_ox: tipgraph.KnowledgeGraph, G) -> None:
    full = project(kg_ox.store, prune=False)
    # gaveRemarksAt and participantIn beside gaveClosingRemarksAt (their sub-property) for the same pair
    assert G.has_edge(seed.unodc, seed.workshop, "gaveClosingRemarksAt")
    assert not G.has_edge(seed.unodc, seed.workshop, "gaveRemarksAt")
    assert not G.has_edge(seed.unodc, seed.workshop, "participantIn")
    assert full.has_edge(seed.unodc, seed.workshop, "participantIn")
    assert full.has_edge(seed.unodc, seed.workshop, "gaveRemarksAt")
    # transitive shortcut: the AHS Wing is in the FIA, which is in the Government of Pakistan
    assert not G.has_edge(seed.ahs, seed.gov_pk, "subOrganisationOf")
    assert full.edges[seed.ahs, seed.gov_pk, "subOrganisationOf"]["inferred"] is True
    # property chain: memberOf = holdsPost o postIn, both shown
    assert "memberOf" not in keys(G) and "memberOf" in keys(full)
    # facts that say something new stay, marked as inferred
    assert G.edges[seed.icmpd, seed.afghanistan, "activeIn"]["inferred"] is True
    assert G.has_edge(seed.protect, seed.pakistan, "operatesIn")
    assert not G.has_edge(seed.gloact, seed.pakistan, "operatesIn")  # via hasPart o operatesIn
    assert G.number_of_edges() < full.number_of_edges()


def test_asserted_only_projection(seed, kg_ox: tipgraph.KnowledgeGraph) -> None:
    H = project(kg_ox.store, include_inferred=False)
    assert not [e for e in H.edges(data=True) if e[2]["inferred"]]
    assert not H.has_edge(seed.icmpd, seed.afghanistan, "activeIn")
    assert H.has_edge(seed.icmpd, seed.protect, "implements")  # from the stated engagement


def test_relations_and_classes_can_be_chosen(seed, kg_ox: tipgraph.KnowledgeGraph) -> None:
    H = project(kg_ox.store, relations=["implements", "tg:funds"], classes=["Organisation", "programme"])
    assert keys(H) == {"implements", "funds"}
    assert {d["group"] for _, d in H.nodes(data=True)} == {"organisation", "programme"}
    assert set(H.edges()) == {(seed.unodc, seed.protect), (seed.icmpd, seed.protect), (seed.eu, seed.protect)}
    # asking for an inverse relation shows the facts that way round
    inv = project(kg_ox.store, relations=["implementedBy"])
    assert inv.has_edge(seed.protect, seed.icmpd, "implementedBy") and not keys(inv) - {"implementedBy"}
    with pytest.raises(UnknownNameError, match="relation"):
        project(kg_ox.store, relations=["nosuchrelation"])


def test_default_relations_skip_inverses(kg_ox: tipgraph.KnowledgeGraph) -> None:
    rels = default_relations(kg_ox.store)
    assert str(TG.implements) in rels and str(TG.implementedBy) not in rels
    assert str(TG.engagementRole) not in rels
    assert all(r.startswith(str(TG)) for r in rels)


def test_same_projection_on_both_backends(kg: tipgraph.KnowledgeGraph, G) -> None:
    H = project(kg.store)
    assert dict(H.nodes(data=True)) == dict(G.nodes(data=True))
    assert sorted(H.edges(keys=True)) == sorted(G.edges(keys=True))


class _CountingEngine:
    """A real pyoxigraph store that counts what is asked of it: each query and each scan of quads."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self.queries: list[str] = []
        self.scans = 0

    def query(self, sparql: str, *args: Any, **kwargs: Any) -> Any:
        self.queries.append(sparql)
        return self._engine.query(sparql, *args, **kwargs)

    def quads_for_pattern(self, *args: Any, **kwargs: Any) -> Any:
        self.scans += 1
        return self._engine.quads_for_pattern(*args, **kwargs)

    def __iter__(self) -> Any:
        self.scans += 1
        return iter(self._engine)

    def __len__(self) -> int:
        return len(self._engine)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)


class _CountingStore(OxigraphStore):
    """The embedded store, its engine counting: whichever store method the projection calls
    (execute, select_strings, ...), each query reaches the engine and is counted there."""

    def __init__(self) -> None:
        super().__init__()
        self.engine = _CountingEngine(self._ox)
        self._ox = self.engine  # type: ignore[assignment]


@pytest.fixture()
def counting(kg_ox: tipgraph.KnowledgeGraph) -> _CountingStore:
    store = _CountingStore()
    store.load(kg_ox.store.dump(), format="nquads")
    store.engine.queries.clear()
    return store


def test_projection_uses_a_few_queries_not_triple_loops(counting: _CountingStore, G) -> None:
    H = project(counting)
    assert 0 < len(counting.engine.queries) <= 8, counting.engine.queries
    assert counting.engine.scans == 0
    assert H.number_of_edges() == G.number_of_edges() > 50  # the counting store answers like the real one


def test_the_query_count_sees_a_loop(counting: _CountingStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Positive control: a projection that asks one query per node is caught."""
    from tipgraph.network import projection

    real = projection._add_node_sources

    def per_node(G: Any, rows: Any, names: Any) -> None:
        for node in list(G)[:20]:
            rows(f"SELECT ?g WHERE {{ GRAPH ?g {{ <{node}> ?p ?o }} }}")
        real(G, rows, names)

    monkeypatch.setattr(projection, "_add_node_sources", per_node)
    project(counting)
    assert len(counting.engine.queries) > 8
    counting.engine.queries.clear()
    next(iter(counting.quads()))  # a loop over triples is seen too
    assert counting.engine.scans > 0


def test_facade_network(kg_ox: tipgraph.KnowledgeGraph) -> None:
    H = kg_ox.network(relations=["implements"])
    assert keys(H) == {"implements"}


def test_node_for_resolves_labels_aliases_and_prefixed_names(seed, G) -> None:
    assert node_for(G, "FIA") == seed.fia
    assert node_for(G, "european union") == seed.eu
    assert node_for(G, "tgd:prg-0002") == seed.protect
    assert node_for(G, seed.mrc) == seed.mrc
    with pytest.raises(UnknownNameError):
        node_for(G, "Atlantis")
    G2 = G.copy()
    G2.add_node("x", label="UNODC")
    with pytest.raises(BadInputError, match="ambiguous"):
        node_for(G2, "UNODC")


def test_relation_names_cannot_smuggle_sparql_into_the_projection(kg_ox) -> None:
    import pytest

    import tipgraph
    from tipgraph.network import project

    hostile = "http://x> } } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } #"
    with pytest.raises(tipgraph.UnknownNameError):
        project(kg_ox.store, relations=[hostile])
    with pytest.raises(tipgraph.UnknownNameError):
        project(kg_ox.store, relations=["tg:notARelation"])


def test_projection_is_the_same_in_every_process() -> None:
    import subprocess
    import sys

    code = ("import tipgraph; G = tipgraph.load().network(); "
            "print(list(G.nodes)[:20]); print([len(c.members) for c in tipgraph.load().analyze().communities])")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120).stdout
            for _ in range(3)}
    assert len(outs) == 1, outs


def test_source_documents_are_attributes_not_nodes(seed, kg_ox) -> None:
    G = kg_ox.network()
    assert not [n for n, d in G.nodes(data=True) if d["cls"] in ("PressRelease", "SourceDocument")]
    assert any("PROTECT project profile" in s for s in G.nodes[seed.icmpd]["sources"])
    with_sources = kg_ox.network(classes=["Organisation", "SourceDocument"])
    assert seed.iri("src-0001") in with_sources
