"""Entity resolution against the real seed graph: merges that must happen and merges that must not."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from tipgraph.extract.candidates import Extraction, Mention, Release
from tipgraph.extract.index import EntityIndex, Entry
from tipgraph.extract.pipeline import extract
from tipgraph.namespace import TG, TGD


@pytest.fixture(scope="module")
def index() -> EntityIndex:
    from tipgraph import load

    return EntityIndex.from_store(load(reason=False).store)


def iri(local: str) -> URIRef:
    return URIRef(TGD[local])


def mentions(x: Extraction, text: str) -> list[Mention]:
    return [m for m in x.mentions if m.text == text]


def run(index: EntityIndex, text: str) -> Extraction:
    return extract(Release("t.txt", text, published="2025-01-10"), index)


def test_index_reads_labels_kinds_and_countries(index: EntityIndex) -> None:
    moi = index.entries[iri("org-0010")]
    assert moi.kind == "organisation" and moi.cls == TG.GovernmentMinistry and moi.countries == {"PK"}
    assert "MoI" in moi.labels
    assert index.entries[iri("plc-0020")].countries == {"PK"}, "Islamabad is located in Pakistan"
    assert index.lookup("Kyrgyzstan")[0].iri == iri("plc-0005")
    assert EntityIndex.empty().lookup("UNODC") == [] and index.lookup("UNODC")


def test_exact_labels_and_aliases_merge(index: EntityIndex) -> None:
    x = run(index, "Islamabad, Pakistan – On 3 January 2025, the Federal Investigation Agency (FIA) and the "
                   "United Nations Office on Drugs and Crime organised a workshop. FIA officers took part.")
    for text in ("Federal Investigation Agency", "FIA"):
        assert {m.entity for m in mentions(x, text)} == {iri("org-0011")}
    assert {m.entity for m in mentions(x, "United Nations Office on Drugs and Crime")} == {iri("org-0001")}


def test_fuzzy_person_merges_but_a_stranger_does_not(index: EntityIndex) -> None:
    x = run(index, "Islamabad, Pakistan – On 3 January 2025, UNODC organised a workshop. Shahida Gilani, UNODC "
                   "Programme Officer, said the plan matters. Farida Ghulam, Director at the Ministry of "
                   "Interior, said more.")
    gilani = mentions(x, "Shahida Gilani")
    assert gilani and gilani[0].entity == iri("per-0001") and gilani[0].label == "Shahida Gillani"
    assert 0.9 <= gilani[0].score < 1.0
    stranger = mentions(x, "Farida Ghulam")
    assert stranger and stranger[0].entity is None and stranger[0].proposed_class == TG.Person


def test_local_acronym_expands(index: EntityIndex) -> None:
    x = run(index, "Bishkek, Kyrgyzstan – On 3 January 2025, the National Council on Labour Migration (NCLM) "
                   "organised a seminar. NCLM experts presented the results.")
    full = mentions(x, "National Council on Labour Migration")
    short = mentions(x, "NCLM")
    assert full and len(short) == 2
    assert {m.label for m in short} == {full[0].label} and full[0].entity is None
    assert full[0].proposed_class == TG.Committee


def test_same_name_in_another_country_is_not_merged(index: EntityIndex) -> None:
    iraq = run(index, "Erbil, Iraq – On 3 January 2025, IOM trained officers of the Ministry of Interior (MOI) in "
                      "Erbil. MOI investigators attended the course.")
    for m in mentions(iraq, "MOI") + mentions(iraq, "Ministry of Interior"):
        assert m.entity is None, m
        assert iri("org-0010") in m.alternatives and m.score < 1.0
    assert "Ministry of Interior (Pakistan)" not in {m.label for m in iraq.mentions}
    pakistan = run(index, "Islamabad, Pakistan – On 3 January 2025, IOM trained officers of the Ministry of Interior "
                          "(MOI). MOI investigators attended the course.")
    assert {m.entity for m in mentions(pakistan, "Ministry of Interior")} == {iri("org-0010")}


def test_ambiguous_names_are_shown_not_guessed(index: EntityIndex) -> None:
    idx = EntityIndex.empty()
    for e in index.entries.values():
        idx.add(e)
    kg_moi = URIRef(TGD["org-9001"])
    uz_moi = URIRef(TGD["org-9002"])
    idx.add(Entry(kg_moi, "State Migration Service (Kyrgyzstan)", "organisation", TG.GovernmentBody,
                  frozenset({"KG"}), ("State Migration Service (Kyrgyzstan)", "State Migration Service")))
    idx.add(Entry(uz_moi, "State Migration Service (Uzbekistan)", "organisation", TG.GovernmentBody,
                  frozenset({"UZ"}), ("State Migration Service (Uzbekistan)", "State Migration Service")))
    text = "The State Migration Service organised a seminar for border guards on 3 January 2025."
    x = extract(Release("t.txt", text, published="2025-01-10"), idx)
    sms = mentions(x, "State Migration Service")
    assert sms and sms[0].entity is None and set(sms[0].alternatives) == {kg_moi, uz_moi} and sms[0].score < 1.0
    orgs = [c for c in x.candidates if c.relation == "organisedBy"]
    assert orgs and all(c.confidence < 1.0 for c in orgs)
    # with the country of the release known, the right one is chosen
    y = extract(Release("t.txt", "Bishkek, Kyrgyzstan – " + text, published="2025-01-10"), idx)
    assert {m.entity for m in mentions(y, "State Migration Service")} == {kg_moi}


def test_unknown_bodies_are_proposed_with_a_kind(index: EntityIndex) -> None:
    x = run(index, "Dhaka, Bangladesh – On 3 January 2025, the Ministry of Expatriates' Welfare organised a "
                   "training for the Anti-Trafficking Unit of the Bangladesh Police and the Rights Now Foundation.")
    by_text = {m.text: m for m in x.mentions}
    assert by_text["Ministry of Expatriates' Welfare"].proposed_class == TG.GovernmentMinistry
    assert by_text["Rights Now Foundation"].proposed_class == TG.CivilSocietyOrganisation
    unit = [m for m in x.mentions if m.text.startswith("Anti-Trafficking Unit")]
    assert unit and unit[0].proposed_class == TG.OrganisationalUnit
    assert all(m.entity is None for m in (by_text["Ministry of Expatriates' Welfare"], unit[0]))
