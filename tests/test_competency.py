"""Every competency question returns exactly its expected answer, on every backend.

The expected answers are read off the seed press release by hand; the comment on each
says which fact of the release it rests on.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import tipgraph
from tipgraph.query import named_queries

# name -> (params, column, expected values in order; a set where order is not meaningful)
EXPECTED: dict[str, tuple[dict[str, str], str, object]] = {
    # UNODC and ICMPD implement PROTECT; the EU funds it.
    "implementers-of-programme": ({"programme": "PROTECT"}, "organisationLabel",
                                  ["European Union", "ICMPD", "UNODC"]),
    # The n-ary model: ICMPD's own six countries, not UNODC's.
    "countries-of-implementer": ({"organisation": "ICMPD", "programme": "PROTECT"}, "iso2",
                                 ["AF", "KZ", "KG", "PK", "TJ", "UZ"]),
    "shared-countries": ({"first": "UNODC", "second": "ICMPD"}, "countryLabel",
                         ["Afghanistan", "Pakistan", "Tajikistan"]),
    # Reasoning: activeIn comes from a property chain over engagements.
    "active-in-country": ({"country": "PK"}, "organisationLabel", ["ICMPD", "UNODC"]),
    # Reasoning: GLO.ACT operates wherever its part PROTECT does.
    "programmes-in-country": ({"country": "Pakistan"}, "programmeLabel", ["GLO.ACT", "PROTECT"]),
    "programme-framework": ({"programme": "PROTECT"}, "frameworkLabel", ["GLO.ACT"]),
    "broader-focus": ({"programme": "PROTECT"}, "placeLabel",
                      ["Kazakhstan", "Kyrgyz Republic", "Uzbekistan", "Central Asia"]),
    # 11 October 2024, Islamabad, 68 participants of whom 12 women: 17.6 %.
    "events-in-country": ({"country": "PK"}, "womenPercent", [17.6]),
    "event-collaborators": ({}, "agentLabel", {
        "UNODC", "Ministry of Interior (Pakistan)", "Federal Investigation Agency", "ICMPD", "ILO", "IOM", "SSDO",
        "Border Management, Ministry of Interior", "District Anti-TIP Committees (Pakistan)",
        "Ministry of Foreign Affairs (Pakistan)", "Provincial Anti-TIP Committees (Pakistan)"}),
    "speakers-at-event": ({}, "speakerLabel", {
        "Shahida Gillani", "Additional Director, Border Management, Ministry of Interior",
        "Additional Director General, Anti-Human Smuggling Wing, FIA",
        "Assistant Director (US Division), Ministry of Foreign Affairs",
        "Deputy Director, Anti-Human Smuggling Wing, FIA"}),
    # Reasoning: transitive sub-organisation chain from the AHS Wing upwards.
    "organisation-chain": ({"unit": "AHS"}, "parentLabel", ["Federal Investigation Agency", "Government of Pakistan"]),
    "people-and-posts": ({}, "personLabel", ["Golda Myra Roma", "Martin Reeve", "Shahida Gillani"]),
    "contacts-for-programme": ({"programme": "PROTECT"}, "personLabel", ["Golda Myra Roma", "Martin Reeve"]),
    "facilities": ({}, "runnerLabel", ["ICMPD"]),
    "funding-chains": ({}, "facilityLabel", ["virtual MRC Afghanistan"]),
    "documents-discussed": ({}, "documentLabel", {
        "Pakistan National Action Plan on TIP and SOM", "U.S. Trafficking in Persons Report",
        "Pakistan's anti-TIP and anti-SOM legislation"}),
    # The release does not state Pakistan's tier: the report is found, the tier is empty.
    "rankings-of-country": ({"country": "PK"}, "reportLabel", ["U.S. Trafficking in Persons Report"]),
    "work-on-theme": ({"theme": "SOM"}, "itemLabel", {
        "GLO.ACT", "PROTECT", "Pakistan National Action Plan on TIP and SOM",
        "Pakistan's anti-TIP and anti-SOM legislation", "Anti-Human Smuggling Wing, FIA", "Government of Pakistan",
        "Human Trafficking and Migrant Smuggling Section",
        "Inter-ministerial consultative workshop on TIP and SOM, Islamabad"}),
    # Pakistan is described by both sources.
    "sources-of-entity": ({"entity": "Pakistan"}, "source", ["tgd:src-0002", "tgd:src-0001"]),
    "find-by-label": ({"text": "anti-human"}, "label", [
        "Additional Director General, Anti-Human Smuggling Wing, FIA", "Anti-Human Smuggling Wing, FIA",
        "Deputy Director, Anti-Human Smuggling Wing, FIA", "Director, Anti-Human Smuggling Wing, FIA"]),
}
CHECKED_SEPARATELY = {"who-works-where"}


def test_every_named_query_has_an_expected_answer() -> None:
    missing = set(named_queries()) - set(EXPECTED) - CHECKED_SEPARATELY
    assert not missing, f"add an expected answer to EXPECTED for: {sorted(missing)}"
    assert len(named_queries()) >= 15


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_competency_question(kg: tipgraph.KnowledgeGraph, name: str) -> None:
    params, column, expected = EXPECTED[name]
    res = kg.query(name, **params)
    got = [float(x) if isinstance(x, Decimal) else x for x in res.column(column)]
    if isinstance(expected, set):
        assert set(got) == expected, f"{name}: {got}"
    else:
        assert got == expected, f"{name} on {kg.backend}: {got}"
    assert not res.truncated


def test_who_works_where_keeps_who_works_where_apart(kg: tipgraph.KnowledgeGraph) -> None:
    rows = kg.query("who-works-where").records()
    implementing = {(r["organisationLabel"], r["countryLabel"]) for r in rows if r["roleLabel"] == "implementing"}
    assert ("UNODC", "Iraq") in implementing
    assert ("ICMPD", "Iraq") not in implementing
    assert ("ICMPD", "Uzbekistan") in implementing
    assert ("UNODC", "Uzbekistan") not in implementing  # only UNODC's broader focus
    assert len(implementing) == 4 + 6
    funding = {r["sourceLabel"] for r in rows if r["roleLabel"] == "funding"}
    assert len(funding) == 2  # the EU's funding is stated by both sources


def test_every_question_has_plain_words_and_declared_parameters() -> None:
    for q in named_queries().values():
        assert q.question.endswith("?") or "?" in q.question, f"{q.path}: start with the question in plain words"
        for p in q.params:
            assert f"?{p.name}" in q.sparql, f"{q.path}: @param {p.name} is not used in the query"
            assert p.default, f"{q.path}: give @param {p.name} a default so the demo can answer it"


def test_events_in_country_reports_the_counts(kg: tipgraph.KnowledgeGraph) -> None:
    (row,) = kg.query("events-in-country", country="PK").records()
    assert (row["participants"], row["women"], str(row["date"])) == (68, 12, "2024-10-11")
    assert row["placeLabel"] == "Islamabad" and row["organiserLabel"] == "UNODC"


def test_sources_count_mentions_as_object_too(kg: tipgraph.KnowledgeGraph) -> None:
    # UNODC's engagements (where it is the object) come from the project profile.
    assert set(kg.query("sources-of-entity", entity="UNODC").column("source")) == {"tgd:src-0001", "tgd:src-0002"}


def test_speakers_need_no_reasoning() -> None:
    raw = tipgraph.load(reason=False)
    assert set(raw.query("speakers-at-event").column("speakerLabel")) == EXPECTED["speakers-at-event"][2]


def test_stats_count_each_entity_once(kg: tipgraph.KnowledgeGraph) -> None:
    classes = {term: (a, i) for term, a, i in kg.stats().classes}
    assert classes["tg:Country"] == (7, 0)  # Pakistan is stated by two sources, counted once
    assert classes["tg:Theme"] == (5, 0)
    assert classes["tg:Organisation"] == (0, 19)  # all 19 organisations get the general class by reasoning


def test_labels_and_numbers_come_back_as_plain_values(kg: tipgraph.KnowledgeGraph, seed) -> None:
    assert kg.label("tgd:org-0003") == "ICMPD"
    assert kg.label(seed.unodc) == "UNODC"
    assert kg.label("tgd:nothing") is None
    (row,) = kg.query("events-in-country", country="PK").records()
    assert isinstance(row["womenPercent"], float)
