"""The engine as a whole: pure, versioned, cached, and on the seed release."""

from __future__ import annotations

from pathlib import Path

import pytest

from tipgraph.kg import KnowledgeGraph
from tipgraph.extract.candidates import RELATIONS, Mention, Release
from tipgraph.extract.index import EntityIndex
from tipgraph.extract.pipeline import EXTRACTOR_VERSION, extract
from tipgraph.extract.recognise import engine_for

SEED = Path("/work/shared/seeds/000_da2accf942930b70.txt")


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    from tipgraph import load

    return load(reason=False)


def test_extract_is_pure_and_repeatable(kg: KnowledgeGraph) -> None:
    idx = EntityIndex.from_store(kg.store)
    before = kg.store.count()
    text = ("Islamabad, Pakistan – 11 October 2024 – UNODC, under the EU-funded PROTECT initiative, organized a "
            "workshop in collaboration with the Ministry of Interior.")
    given = Release("a.txt", text)
    a = extract(given, idx)
    assert given.published == "" and a.release.published == "2024-10-11", "the dateline dates a copy"
    b = extract(Release("a.txt", text), idx)
    assert kg.store.count() == before
    assert a.version == EXTRACTOR_VERSION and a.candidates
    assert [c.key for c in a.candidates] == [c.key for c in b.candidates]
    assert [c.candidate_id("s") for c in a.candidates] == [c.candidate_id("s") for c in b.candidates]
    assert all(c.relation in RELATIONS for c in a.candidates)
    assert len({c.key for c in a.candidates}) == len(a.candidates), "no duplicate facts"


def test_engine_is_built_once_per_index(kg: KnowledgeGraph) -> None:
    idx = EntityIndex.from_store(kg.store)
    assert engine_for(idx) is engine_for(idx)
    other = EntityIndex.from_store(kg.store)
    assert engine_for(other) is not engine_for(idx)


def test_relation_ends_have_the_declared_kinds(kg: KnowledgeGraph) -> None:
    if not SEED.exists():
        pytest.skip("the seed release text is not on this machine")
    from tipgraph.extract.text import read_release

    x = extract(read_release(SEED, published="2024-10-11"), EntityIndex.from_store(kg.store))
    assert len(x.candidates) > 30
    for c in x.candidates:
        rel = RELATIONS[c.relation]
        if rel.subject not in ("programme",):  # a programme's period uses startDate too
            assert c.subject.kind in (rel.subject, "programme"), c
        if isinstance(c.object, Mention) and rel.object in ("organisation", "programme", "document"):
            assert c.object.kind in (rel.object, "country"), c


def test_seed_release_recovers_the_curated_facts(kg: KnowledgeGraph) -> None:
    if not SEED.exists():
        pytest.skip("the seed release text is not on this machine")
    from tipgraph.extract.text import read_release

    x = extract(read_release(SEED, published="2024-10-11"), EntityIndex.from_store(kg.store))
    got = {(c.relation, c.subject.label, c.object.label if isinstance(c.object, Mention) else str(c.object.value))
           for c in x.candidates}
    # facts curated in data/sources/src-0001.trig and src-0002.trig
    expected = {
        ("organisedBy", "@e1", "UNODC"), ("heldIn", "@e1", "Islamabad"), ("startDate", "@e1", "2024-10-11"),
        ("underProgramme", "@e1", "PROTECT"), ("participantCount", "@e1", "68"),
        ("femaleParticipantCount", "@e1", "12"),
        ("inCollaborationWith", "@e1", "Ministry of Interior (Pakistan)"),
        ("inCollaborationWith", "@e1", "Federal Investigation Agency"),
        ("discusses", "@e1", "Pakistan National Action Plan on TIP and SOM"),
        ("discusses", "@e1", "U.S. Trafficking in Persons Report"),
        ("funds", "European Union", "PROTECT"), ("withinFrameworkOf", "PROTECT", "GLO.ACT"),
        ("implements", "UNODC", "PROTECT"), ("implements", "ICMPD", "PROTECT"),
        ("operatesIn", "PROTECT", "Afghanistan"), ("operatesIn", "PROTECT", "Iraq"),
        ("mentionsCountry", "PROTECT", "Kyrgyz Republic"), ("holdsPostIn", "Shahida Gillani", "UNODC"),
        ("gaveRemarksAt", "Shahida Gillani", "@e1"), ("holdsPostIn", "Martin Reeve", "UNODC"),
        ("attendedBy", "@e1", "SSDO"), ("attendedBy", "@e1", "District Anti-TIP Committees (Pakistan)"),
    }
    missing = expected - got
    assert not missing
    assert not {m.text for m in x.mentions if m.entity is None and m.kind == "organisation"} & {"SOM", "TIP"}
