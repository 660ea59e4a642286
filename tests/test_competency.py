"""Every competency question returns its expected answer, on every backend, however the data grows.

The expected answers on the seed are in ``data/answers/seed.json`` (read off the seed press
release by hand; each says which fact of the release it rests on). They are checked on the
seed's own part of the data: the graphs of the seed's sources, their catalogue entries and
the shared entities they mention (:func:`seed_part`), so a new source in ``data/`` changes
nothing there. On the whole of ``data/`` the seed's answers must still be among the answers
(adding a source only adds facts), and the statistics must agree with the data files.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import rdflib
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS

import tipgraph
from tipgraph import resources
from tipgraph.namespace import TG, shorten
from tipgraph.query import named_queries
from tipgraph.store import BACKENDS

ANSWERS = resources.data_dir() / "answers" / "seed.json"
SOURCES_GRAPH = URIRef(resources.ID_NS + "graph-sources")
# The seed states no tiers: the ranking questions are answered from imported tables in
# tests/test_import_ranking.py.
CHECKED_SEPARATELY = {"who-works-where", "tier-history", "countries-in-tier", "tier-fell"}


@lru_cache(maxsize=1)
def answers() -> dict[str, Any]:
    return json.loads(ANSWERS.read_text(encoding="utf-8"))


def expected_answers() -> dict[str, dict[str, Any]]:
    return answers()["queries"]


@lru_cache(maxsize=1)
def data() -> rdflib.Dataset:
    ds = rdflib.Dataset()
    for path in resources.data_files():
        ds.parse(path, format="trig")
    return ds


@pytest.fixture(scope="module")
def seed_file(seed_data: Path, seed_answers: dict) -> Path:
    assert seed_answers == answers()
    part = rdflib.Dataset().parse(seed_data, format="trig")
    assert len(part) > 100, "the seed's part of the data is nearly empty: check \"sources\" in " + str(ANSWERS)
    return seed_data


@pytest.fixture(scope="module", params=sorted(BACKENDS))
def seed_kg(request: pytest.FixtureRequest, seed_file: Path) -> tipgraph.KnowledgeGraph:
    """The seed's own part of the data, reasoned, on every backend."""
    return tipgraph.load([seed_file], backend=request.param)


def values(res: tipgraph.QueryResult, column: str) -> list[Any]:
    return [float(x) if isinstance(x, Decimal) else x for x in res.column(column)]


def matches(name: str, got: list[Any]) -> bool:
    spec = expected_answers()[name]
    expected, how = spec["expected"], spec["match"]
    if how == "sequence":
        return got == expected
    if how == "set":
        return set(map(str, got)) == set(map(str, expected))
    return set(map(str, expected)) <= set(map(str, got))


# ---------------------------------------------------------------------------
# The answers file
# ---------------------------------------------------------------------------
def test_every_named_query_has_an_expected_answer() -> None:
    missing = set(named_queries()) - set(expected_answers()) - CHECKED_SEPARATELY
    assert not missing, f"add an expected answer to {ANSWERS} for: {sorted(missing)}"
    unknown = set(expected_answers()) - set(named_queries())
    assert not unknown, f"{ANSWERS} answers queries that do not exist: {sorted(unknown)}"
    assert len(named_queries()) >= 15
    for name, spec in expected_answers().items():
        assert spec["match"] in ("sequence", "set", "includes"), f"{name}: unknown match {spec['match']!r}"
        assert spec["why"] and spec["expected"], f"{name}: say which fact the answer rests on, and give it"


def test_answers_are_compared_strictly() -> None:
    """Positive control of the comparison: a missing, extra or reordered value fails."""
    name = "implementers-of-programme"
    expected = expected_answers()[name]["expected"]
    assert matches(name, list(expected))
    assert not matches(name, list(reversed(expected))) and not matches(name, expected[:-1])
    assert not matches(name, [*expected, "IOM"])


# ---------------------------------------------------------------------------
# On the seed's own part of the data: exactly the expected answers
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(expected_answers()))
def test_competency_question_on_the_seed(seed_kg: tipgraph.KnowledgeGraph, name: str) -> None:
    spec = expected_answers()[name]
    res = seed_kg.query(name, **spec["params"])
    got = values(res, spec["column"])
    assert matches(name, got), f"{name} on {seed_kg.backend}: got {got}, expected ({spec['match']}) {spec['expected']}"
    assert not res.truncated


def test_seed_part_holds_the_seed_and_nothing_else(seed_file: Path) -> None:
    part = rdflib.Dataset().parse(seed_file, format="trig")
    graphs = {str(g.identifier) for g in part.graphs() if len(g)}
    assert {resources.ID_NS + "graph-src-0001", resources.ID_NS + "graph-src-0002"} <= graphs
    described = set(part.graph(SOURCES_GRAPH).subjects(TG.sourceUrl, None))
    assert {shorten(s) for s in described} == set(answers()["sources"])


def test_who_works_where_keeps_who_works_where_apart(seed_kg: tipgraph.KnowledgeGraph) -> None:
    rows = seed_kg.query("who-works-where").records()
    implementing = {(r["organisationLabel"], r["countryLabel"]) for r in rows if r["roleLabel"] == "implementing"}
    assert ("UNODC", "Iraq") in implementing
    assert ("ICMPD", "Iraq") not in implementing
    assert ("ICMPD", "Uzbekistan") in implementing
    assert ("UNODC", "Uzbekistan") not in implementing  # only UNODC's broader focus
    assert len(implementing) == 4 + 6
    funding = {r["sourceLabel"] for r in rows if r["roleLabel"] == "funding"}
    assert len(funding) == 2  # the EU's funding is stated by both sources
    assert all(r["sourceUrl"].startswith("https://") and r["sourceIssued"] is not None for r in rows)


def test_events_in_country_reports_the_counts(seed_kg: tipgraph.KnowledgeGraph) -> None:
    (row,) = seed_kg.query("events-in-country", country="PK").records()
    assert (row["participants"], row["women"], str(row["date"])) == (68, 12, "2024-10-11")
    assert row["placeLabel"] == "Islamabad" and row["organiserLabel"] == "UNODC" and row["organisers"] == 1


def test_sources_count_mentions_as_object_too(seed_kg: tipgraph.KnowledgeGraph) -> None:
    # UNODC's engagements (where it is the object) come from the project profile.
    rows = seed_kg.query("sources-of-entity", entity="UNODC").records()
    assert {r["source"] for r in rows} == {"tgd:src-0001", "tgd:src-0002"}
    assert all(r["url"].startswith("https://www.unodc.org/") and str(r["issued"]) == "2024-10-11" for r in rows)


def test_speakers_need_no_reasoning(seed_file: Path) -> None:
    raw = tipgraph.load([seed_file], reason=False)
    assert set(raw.query("speakers-at-event").column("speakerLabel")) == set(
        expected_answers()["speakers-at-event"]["expected"])


def test_the_modelling_gaps_are_closed(seed_kg: tipgraph.KnowledgeGraph) -> None:
    ask = lambda q: seed_kg.query(q).boolean  # noqa: E731
    # who gave the welcome remarks? the two officials, not the organisations that closed the workshop
    welcome = seed_kg.query("SELECT ?who WHERE { ?who tg:gaveOpeningRemarksAt tgd:evt-0001 }").column("who")
    assert sorted(welcome) == ["tgd:pst-0010", "tgd:pst-0011"]
    assert ask("ASK { tgd:org-0001 tg:gaveClosingRemarksAt tgd:evt-0001 . tgd:org-0001 tg:gaveRemarksAt tgd:evt-0001 }")
    # the GLO.ACT coordinator's post serves GLO.ACT, and its holder is a member of UNODC through the units
    assert ask("ASK { tgd:pst-0002 tg:postForProgramme tgd:prg-0001 . tgd:per-0002 tg:memberOf tgd:org-0001 }")
    # where is the virtual MRC? one property
    assert seed_kg.query("SELECT ?p WHERE { tgd:fac-0001 tg:facilityPlace ?p }").column("p") == ["tgd:plc-0001"]
    # the Budapest Process is a dialogue of its own, not a name of an ICMPD unit
    assert ask("ASK { ?bp a tg:IntergovernmentalDialogue ; skos:prefLabel \"Budapest Process\"@en ; "
               "tg:secretariatHostedBy tgd:org-0003 . FILTER NOT EXISTS { ?bp tg:subOrganisationOf ?any } }")
    assert not ask("ASK { ?unit a tg:OrganisationalUnit ; skos:altLabel \"Budapest Process\"@en }")
    # the profile's list of Central Asian countries is a list of examples
    assert ask("ASK { tgd:eng-0001 tg:mentionsCountry tgd:plc-0005 . tgd:plc-0004 tg:locatedIn tgd:plc-0010 }")
    # activeIn is only ever derived
    assert not ask("ASK { GRAPH ?g { ?o tg:activeIn ?p } FILTER(?g != tgg:inferred) }")


# ---------------------------------------------------------------------------
# On the whole of data/: the seed's answers are still there, and the numbers add up
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(expected_answers()))
def test_seed_answers_survive_in_the_whole_data(kg: tipgraph.KnowledgeGraph, name: str) -> None:
    spec = expected_answers()[name]
    res = kg.query(name, **spec["params"])
    got = {str(v) for v in values(res, spec["column"])}
    lost = {str(v) for v in spec["expected"]} - got
    assert not lost, f"{name} on {kg.backend}: the seed's answers {sorted(lost)} are gone from {sorted(got)}"
    assert not res.truncated


def test_every_question_has_plain_words_and_declared_parameters() -> None:
    for q in named_queries().values():
        assert q.question.endswith("?") or "?" in q.question, f"{q.path}: start with the question in plain words"
        for p in q.params:
            assert f"?{p.name}" in q.sparql, f"{q.path}: @param {p.name} is not used in the query"
            assert p.default, f"{q.path}: give @param {p.name} a default so the demo can answer it"


def test_events_report_sane_shares_of_women(kg: tipgraph.KnowledgeGraph) -> None:
    countries = kg.query("SELECT DISTINCT ?c WHERE { ?e a tg:Event ; tg:locatedIn ?c . ?c a tg:Country }").column("c")
    assert countries
    for country in countries:
        for row in kg.query("events-in-country", country=country).records():
            if row["womenPercent"] is not None:
                assert 0 <= row["womenPercent"] <= 100, row
            assert row["organisers"] >= (1 if row["organiserLabel"] else 0)


def _data_union() -> set[tuple[rdflib.term.Node, ...]]:
    return {(s, p, o) for s, p, o, _ in data().quads((None, None, None, None))}


def _subclasses_of(cls: URIRef) -> set[rdflib.term.Node]:
    onto = rdflib.Graph().parse(resources.ontology_file(), format="turtle")
    return {s for s in onto.transitive_subjects(RDFS.subClassOf, cls) if s is not None}


def test_stats_count_each_entity_and_fact_once(kg: tipgraph.KnowledgeGraph) -> None:
    union = _data_union()
    classes = {term: (a, i) for term, a, i in kg.stats().classes}
    countries = {s for s, p, o in union if p == RDF.type and o == TG.Country}
    assert classes["tg:Country"] == (len(countries), 0)
    assert classes["tg:Theme"] == (len({s for s, p, o in union if p == RDF.type and o == TG.Theme}), 0)
    kinds = _subclasses_of(TG.Organisation) - {TG.Organisation}
    organisations = {s for s, p, o in union if p == RDF.type and o in kinds}
    assert len(organisations) >= 19
    assert classes["tg:Organisation"] == (0, len(organisations))  # the general class comes by reasoning
    relations = {term: a for term, a, _ in kg.stats().relations}
    assert relations["tg:engagedOrganisation"] == len({(s, o) for s, p, o in union if p == TG.engagedOrganisation})


def test_facts_per_relation_counts_each_fact_once(kg: tipgraph.KnowledgeGraph) -> None:
    rows = {r["relation"]: (r["facts"], r["statements"]) for r in kg.query("facts-per-relation").records()}
    union, quads = _data_union(), list(data().quads((None, None, None, None)))
    for prop in (RDF.type, TG.engagedOrganisation, TG.addresses, TG.mentionsCountry):
        facts = len({t for t in union if t[1] == prop})
        statements = len({q for q in quads if q[1] == prop})
        assert rows[shorten(prop)] == (facts, statements), shorten(prop)
    stats = {term: a for term, a, _ in kg.stats().relations}
    assert {k: v[0] for k, v in rows.items()} == {k: v for k, v in stats.items() if v}


def test_a_fact_stated_twice_counts_once(seed_file: Path, tmp_path: Path) -> None:
    """Positive control for the README's advice: the union graph repeats a fact two sources
    state (on Oxigraph), the named query does not."""
    again = tmp_path / "again.trig"
    again.write_text("@prefix tg: <https://w3id.org/tipgraph/ontology#> .\n"
                     "@prefix tgd: <https://w3id.org/tipgraph/id/> .\n"
                     "tgd:graph-src-0002 { tgd:eng-0002 tg:engagedOrganisation tgd:org-0003 . }\n"
                     "tgd:graph-src-0001 { tgd:eng-0002 tg:engagedOrganisation tgd:org-0003 . }\n")
    kg = tipgraph.load([seed_file, again], reason=False)
    rows = {r["relation"]: (r["facts"], r["statements"]) for r in kg.query("facts-per-relation").records()}
    facts, statements = rows["tg:engagedOrganisation"]
    assert statements == facts + 1
    naive = kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?e tg:engagedOrganisation ?o }").column("n")[0]
    assert naive == facts + 1  # Oxigraph's union default graph is a bag
    once = kg.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?e ?o WHERE { ?e tg:engagedOrganisation ?o } }")
    assert once.column("n")[0] == facts


def test_labels_and_numbers_come_back_as_plain_values(kg: tipgraph.KnowledgeGraph, seed) -> None:
    assert kg.label("tgd:org-0003") == "ICMPD"
    assert kg.label(seed.unodc) == "UNODC"
    assert kg.label("tgd:nothing") is None
    (row,) = kg.query("events-in-country", country="PK").records()[:1]
    assert isinstance(row["womenPercent"], float)

