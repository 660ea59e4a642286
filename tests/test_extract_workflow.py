"""The extract workflow through its public API, on a real persistent Oxigraph store.

The candidates come from hand-written extractions of the fixture releases (read with the
real :func:`tipgraph.extract.text.read_release`), so these tests pin the workflow's part —
candidate graphs, decisions, ingest, retraction — independently of what the extractor finds.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, SKOS, XSD

import tipgraph
from tipgraph.errors import BadInputError, NotConformingError, UnknownNameError
from tipgraph.extract import workflow as wf
from tipgraph.extract.candidates import Candidate, Extraction, Mention, Release, Value
from tipgraph.extract.text import read_release
from tipgraph.namespace import TG, TGD
from tipgraph.resources import INFERRED_GRAPH

RELEASES = Path(__file__).resolve().parent / "fixtures" / "releases"
OSH_URL = "https://www.example.org/news/osh-training.html"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed as a persistent store, built once for this module."""
    path = tmp_path_factory.mktemp("extract-store") / "store"
    kg, _ = tipgraph.build(path, owl=False)
    kg.close()
    return path


@pytest.fixture()
def store(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built store for one test."""
    copy = tmp_path / "store"
    shutil.copytree(built, copy)
    return copy


def open_kg(path: Path) -> tipgraph.KnowledgeGraph:
    return tipgraph.load(path=path)


def dump(path: Path) -> list[bytes]:
    """Everything the store on disk holds, as sorted N-Quads lines (read by a new reader)."""
    kg = open_kg(path)
    try:
        return sorted(kg.store.dump().splitlines())
    finally:
        kg.close()


def osh(url: str | None = OSH_URL, published: str | None = "2025-03-09", *, text: str | None = None,
        confidence: float = 0.9) -> Extraction:
    """A hand-made extraction of the Osh release: what a good extractor proposes."""
    release = read_release(RELEASES / "osh-training.txt", url=url, published=published)
    if text is not None:
        release = Release(release.path, text, url=release.url, published=release.published)
    t = release.text

    def at(s: str, after: int = 0) -> tuple[int, int]:
        i = t.index(s, after)
        return i, i + len(s)

    eu = Mention("EU", at("EU-funded")[0], at("EU-funded")[0] + 2, "organisation", "European Union",
                 entity=TGD["org-0002"])
    protect = Mention("PROTECT", *at("PROTECT"), "programme", "PROTECT", entity=TGD["prg-0002"])
    event = Mention("a two-day training", *at("a two-day training"), "event", "@e1", proposed_class=TG.Training)
    city = Mention("Osh", *at("Osh", 40), "city", "Osh", proposed_class=TG.City)
    sms = Mention("State Migration Service", *at("State Migration Service"), "organisation",
                  "State Migration Service", proposed_class=TG.GovernmentBody)
    person = Mention("Aida Bekova", *at("Aida Bekova"), "person", "Aida Bekova", proposed_class=TG.Person)
    ministry = Mention("Ministry of Labour", *at("Ministry of Labour"), "organisation", "Ministry of Labour",
                       proposed_class=TG.GovernmentMinistry)
    date = Value("9 March 2025", *at("9 March 2025"), "2025-03-09", "date", "day")
    count = Value("30", *at("30"), 30, "count")
    women = Value("12", *at("12"), 12, "count")
    month = Value("March 2025", *at("March 2025"), "2025-03", "date", "month")
    sentence = at("The EU-funded PROTECT project held a two-day training in Osh for 30 officers of the "
                  "State Migration Service, 12 of them women.")
    cands = [
        Candidate("funds", eu, protect, at("EU-funded PROTECT project"), "funding.eu-funded", confidence),
        Candidate("underProgramme", event, protect, at("PROTECT project held a two-day training"),
                  "event.project-held", confidence),
        Candidate("heldIn", event, city, at("a two-day training in Osh"), "event.in-city", 0.85),
        Candidate("startDate", event, date, at("9 March 2025"), "date.dateline", confidence),
        Candidate("endDate", event, month, at("March 2025"), "date.month", 0.8),
        Candidate("participantCount", event, count, at("for 30 officers"), "count.for-n", 0.8),
        Candidate("femaleParticipantCount", event, women, at("12 of them women"), "count.of-them-women", 0.8),
        Candidate("attendedBy", event, sms, sentence, "audience.officers-of", 0.7),
        Candidate("holdsPostIn", person, ministry, at("Aida Bekova, Deputy Minister, Ministry of Labour"),
                  "person.name-post-org", 0.5, detail="Deputy Minister"),
    ]
    mentions = [eu, protect, event, city, sms, person, ministry]
    return Extraction(release, mentions, cands, version="test-1")


def by_relation(rows: list[wf.CandidateRow]) -> dict[str, wf.CandidateRow]:
    return {r.relation: r for r in rows}


# --- candidate graphs -------------------------------------------------------------------
def test_candidates_go_to_their_own_graph_never_a_curated_one(store: Path) -> None:
    kg = open_kg(store)
    curated = {g: sorted(kg.store.quads(g)) for g in kg.store.graphs() if g != INFERRED_GRAPH}
    [report] = wf.add_extractions(kg, [osh()])
    assert report.candidates == 9 and report.new == 9  # positive control: something was written
    kg = open_kg(store)
    src = report.source
    assert re.fullmatch(r"src-[0-9a-f]{12}", src)
    new_graphs = set(kg.store.graphs()) - set(curated) - {INFERRED_GRAPH}
    assert new_graphs == {str(wf.candidates_graph(src))}
    for g, quads in curated.items():
        assert sorted(kg.store.quads(g)) == quads, g
    # reified, with evidence, rule, version, confidence and status; the text stays in the store
    rows = wf.candidates(kg.store, source=src)
    funds = by_relation(rows)["funds"]
    assert (funds.subject, funds.object) == (TGD["org-0002"], TGD["prg-0002"])
    assert funds.evidence_text == "EU-funded PROTECT project"
    assert (funds.rule, funds.version, funds.confidence, funds.status) == ("funding.eu-funded", "test-1", 0.9,
                                                                           "pending")
    c = TGD[funds.id]
    g = str(wf.candidates_graph(src))
    assert {(p, o) for s, p, o, _ in kg.store.quads(g) if s == c} >= {
        (RDF.type, RDF.Statement), (RDF.subject, TGD["org-0002"]), (RDF.predicate, TG.funds),
        (RDF.object, TGD["prg-0002"])}
    # nothing of it is a fact yet: no engagement, no typed new entity
    assert not kg.query("ASK { ?e a tg:Organisation ; skos:prefLabel 'State Migration Service'@en }").boolean


def test_the_same_release_is_the_same_source_and_reading_it_twice_changes_nothing(store: Path) -> None:
    before = dump(store)
    kg = open_kg(store)
    [first] = wf.add_extractions(kg, [osh()])
    once = dump(store)
    assert once != before  # positive control
    [again] = wf.add_extractions(open_kg(store), [osh()])
    assert again.source == first.source and again.new == 0
    assert dump(store) == once
    moved = osh(text="  " + osh().release.text.replace("\n\n", "\n \n"))  # whitespace does not make a new source
    assert wf.source_id(moved.release) == first.source


def test_new_entities_get_the_same_iri_from_two_releases() -> None:
    a = wf.entity_iri("organisation", "State Migration Service")
    assert a == wf.entity_iri("organisation", "state  migration service")
    assert a != wf.entity_iri("organisation", "State Migration Services")
    assert a != wf.entity_iri("programme", "State Migration Service")


# --- decisions -----------------------------------------------------------------------------
def test_a_threshold_never_accepts_flagged_candidates_an_id_does(store: Path) -> None:
    kg = open_kg(store)
    wf.add_extractions(kg, [osh()])
    rows = by_relation(wf.candidates(kg.store))
    assert "low confidence" in rows["holdsPostIn"].flags and "new entity" in rows["holdsPostIn"].flags
    assert rows["heldIn"].flags == ["new entity"] and rows["funds"].flags == []
    n = wf.decide(kg, threshold=0.0)
    rows = by_relation(wf.candidates(open_kg(store)))
    accepted = {r for r, row in rows.items() if row.status == "accepted"}
    assert accepted == {"funds", "underProgramme", "startDate", "endDate", "participantCount",
                        "femaleParticipantCount"} and n == 6
    assert rows["holdsPostIn"].status == rows["heldIn"].status == rows["attendedBy"].status == "pending"
    assert wf.decide(kg, ids=[rows["heldIn"].id]) == 1
    assert wf.decide(kg, ids=[rows["heldIn"].id]) == 0  # already accepted
    assert wf.decide(kg, ids=[rows["funds"].id], accept=False) == 1
    rows = by_relation(wf.candidates(open_kg(store)))
    assert (rows["heldIn"].status, rows["funds"].status) == ("accepted", "rejected")
    assert [r.relation for r in wf.candidates(open_kg(store), status="rejected")] == ["funds"]
    with pytest.raises(UnknownNameError):
        wf.decide(kg, ids=["c000000000000"])
    with pytest.raises(BadInputError):
        wf.decide(kg, threshold=1.5)


def test_extracting_again_keeps_the_decisions(store: Path) -> None:
    kg = open_kg(store)
    wf.add_extractions(kg, [osh(url=None)])
    funds = by_relation(wf.candidates(kg.store))["funds"]
    wf.decide(kg, ids=[funds.id])
    wf.add_extractions(open_kg(store), [osh()])  # now with its address
    assert by_relation(wf.candidates(open_kg(store)))["funds"].status == "accepted"


def test_an_ambiguous_candidate_is_shown_not_guessed_and_cannot_be_accepted(store: Path) -> None:
    kg = open_kg(store)
    ex = osh()
    moi = Mention("MOI", 0, 8, "organisation", "MOI", score=0.5,
                  alternatives=(TGD["org-0010"], TGD["org-0011"]))
    ex.candidates.append(Candidate("implements", moi, ex.candidates[0].object, (0, 8), "impl.x", 0.9))
    wf.add_extractions(kg, [ex])
    row = by_relation(wf.candidates(open_kg(store)))["implements"]
    assert row.flags == ["ambiguous"] and row.subject is None
    assert set(row.subject_alternatives) == {TGD["org-0010"], TGD["org-0011"]}
    assert wf.decide(kg, threshold=0.0) == 6 and by_relation(wf.candidates(open_kg(store)))["implements"].status \
        == "pending"
    with pytest.raises(BadInputError, match="ambiguous"):
        wf.decide(kg, ids=[row.id])


# --- ingest --------------------------------------------------------------------------------
def accept_all(kg: tipgraph.KnowledgeGraph) -> None:
    wf.decide(kg, ids=[r.id for r in wf.candidates(kg.store)])


def test_ingest_writes_the_ontology_patterns_in_the_sources_graph(store: Path) -> None:
    kg = open_kg(store)
    [rep] = wf.add_extractions(kg, [osh()])
    accept_all(kg)
    report = wf.ingest(open_kg(store))
    assert report.sources == [rep.source] and report.added > 0
    kg = open_kg(store)
    g = URIRef(str(wf.facts_graph(rep.source)))
    src = TGD[rep.source]
    facts = {(s, p, o) for s, p, o, _ in kg.store.quads(str(g))}
    assert (g, PROV.wasDerivedFrom, src) in facts
    # funds: an engagement in the funding role, derived from the source; tg:funds is inferred
    [eng] = [s for s, p, o in facts if p == TG.engagementRole and o == TG.FundingRole]
    assert {(TG.engagedOrganisation, TGD["org-0002"]), (TG.engagedProgramme, TGD["prg-0002"]),
            (PROV.wasDerivedFrom, src)} <= {(p, o) for s, p, o in facts if s == eng}
    assert kg.query("ASK { GRAPH ?g { tgd:org-0002 tg:funds tgd:prg-0002 } FILTER(?g = tgg:inferred) }").boolean
    # the event with its place, day and counts; the month-precision end date is not made a day
    evt = next(s for s, p, o in facts if p == RDF.type and o == TG.Training)
    osh_city = wf.entity_iri("city", "Osh")
    assert {(TG.heldIn, osh_city), (TG.startDate, Literal("2025-03-09", datatype=XSD.date)),
            (TG.participantCount, Literal(30, datatype=XSD.integer)), (TG.underProgramme, TGD["prg-0002"]),
            (TG.femaleParticipantCount, Literal(12, datatype=XSD.integer))} <= \
        {(p, o) for s, p, o in facts if s == evt}
    # the month-precision end date: the last day of the month, with its precision; the day start has none
    assert (evt, TG.endDate, Literal("2025-03-31", datatype=XSD.date)) in facts
    assert (evt, TG.endDatePrecision, Literal("month")) in facts
    assert not any(s == evt and p == TG.startDatePrecision for s, p, o in facts)
    assert not any("not a day" in why for _, why in report.skipped)
    # new entities with their proposed class and label
    assert (osh_city, RDF.type, TG.City) in facts and (osh_city, SKOS.prefLabel, Literal("Osh", lang="en")) in facts
    person, ministry = wf.entity_iri("person", "Aida Bekova"), wf.entity_iri("organisation", "Ministry of Labour")
    [post] = [o for s, p, o in facts if s == person and p == TG.holdsPost]
    assert {(post, RDF.type, TG.Post), (post, TG.postIn, ministry), (ministry, RDF.type, TG.GovernmentMinistry)} \
        <= facts
    assert {label for _, label, _ in report.new_entities} == {"Osh", "State Migration Service", "Aida Bekova",
                                                              "Ministry of Labour"}
    # the evidence text never leaves the candidates graph
    assert not any(isinstance(o, Literal) and "EU-funded" in str(o) for _, _, o in facts)
    # and the whole store, review material included, conforms (tipgraph validate sees it all)
    assert kg.validate(owl=False).conforms


def test_ingest_twice_and_extract_again_change_nothing(store: Path) -> None:
    kg = open_kg(store)
    wf.add_extractions(kg, [osh()])
    accept_all(kg)
    wf.ingest(open_kg(store))
    once = dump(store)
    assert wf.ingest(open_kg(store)).added == 0
    wf.add_extractions(open_kg(store), [osh()])
    assert wf.ingest(open_kg(store)).added == 0
    assert dump(store) == once


def test_only_accepted_candidates_are_ingested_and_rejecting_takes_a_fact_out(store: Path) -> None:
    kg = open_kg(store)
    [rep] = wf.add_extractions(kg, [osh()])
    assert wf.ingest(kg).sources == []  # nothing accepted: nothing written
    assert str(wf.facts_graph(rep.source)) not in open_kg(store).store.graphs()
    accept_all(kg)
    wf.ingest(open_kg(store))
    kg = open_kg(store)
    count = by_relation(wf.candidates(kg.store))["participantCount"]
    assert kg.query("ASK { ?e tg:participantCount 30 }").boolean  # positive control
    wf.decide(kg, ids=[count.id], accept=False)
    wf.ingest(open_kg(store))
    assert not open_kg(store).query("ASK { ?e tg:participantCount 30 }").boolean


def test_ingest_needs_the_sources_address_and_date_and_changes_nothing_without(store: Path) -> None:
    kg = open_kg(store)
    wf.add_extractions(kg, [osh(url=None)])
    accept_all(kg)
    before = dump(store)
    with pytest.raises(BadInputError, match="--url") as err:
        wf.ingest(open_kg(store))
    assert err.value.path == "osh-training.txt"
    assert dump(store) == before
    wf.add_extractions(open_kg(store), [osh()])  # the address given: now it ingests
    assert wf.ingest(open_kg(store)).added > 0


def test_strict_ingest_that_would_not_conform_is_refused_with_the_store_unchanged(store: Path) -> None:
    kg = open_kg(store)
    ex = osh()
    # a place is not an organiser: the shapes refuse the fact, so nothing may land
    event = ex.candidates[1].subject
    pakistan = Mention("Pakistan", 0, 3, "organisation", "Pakistan", entity=TGD["plc-0003"])
    ex.candidates.append(Candidate("organisedBy", event, pakistan, (0, 3), "org.x", 0.95))
    wf.add_extractions(kg, [ex])
    accept_all(kg)
    before = dump(store)
    bad = by_relation(wf.candidates(open_kg(store)))["organisedBy"]
    with pytest.raises(NotConformingError) as err:
        wf.ingest(open_kg(store), strict=True)  # all or nothing
    assert dump(store) == before
    assert str(err.value).rstrip().splitlines()[-1].startswith(f"the candidates behind these facts: {bad.id};")
    wf.decide(open_kg(store), ids=[bad.id], accept=False)
    assert wf.ingest(open_kg(store)).added > 0  # positive control: without it the rest conforms


# --- retract -------------------------------------------------------------------------------
def test_retract_restores_the_store_exactly(store: Path) -> None:
    before = dump(store)
    kg = open_kg(store)
    [rep] = wf.add_extractions(kg, [osh()])
    accept_all(kg)
    wf.ingest(open_kg(store))
    after_ingest = dump(store)
    assert after_ingest != before
    assert any(str(wf.facts_graph(rep.source)).encode() in line for line in after_ingest)
    report = wf.retract(open_kg(store), rep.source)
    assert report.candidates == 9 and report.facts > 0
    assert dump(store) == before
    # and extract + ingest again gives the same graph as the first time
    kg = open_kg(store)
    wf.add_extractions(kg, [osh()])
    accept_all(kg)
    wf.ingest(open_kg(store))
    assert dump(store) == after_ingest


def test_retract_by_file_name_and_unknown_sources(store: Path) -> None:
    kg = open_kg(store)
    wf.add_extractions(kg, [osh()])
    with pytest.raises(UnknownNameError, match="src-0001"):
        wf.retract(open_kg(store), "src-0001")  # a curated source is not an extracted one
    assert wf.retract(open_kg(store), "osh-training.txt").candidates == 9
    assert wf.sources(open_kg(store).store) == []


# --- the review page -------------------------------------------------------------------------
def test_review_page_is_offline_escaped_and_highlights_the_evidence(store: Path) -> None:
    hostile = ('Osh, Kyrgyzstan – 9 March 2025. <script>alert(1)</script> The EU-funded PROTECT project held a '
               'two-day training in Osh for 30 officers of the State Migration Service, 12 of them women. '
               'Aida Bekova, Deputy Minister, Ministry of Labour, opened it. "><img src=x onerror=alert(2)>\n'
               'Second paragraph. March 2025.')
    kg = open_kg(store)
    ex = osh(text=hostile)
    ex.candidates[0] = Candidate("funds", Mention("<b>EU</b>", 0, 2, "organisation", '<img src=x onerror=alert(3)>'),
                                 ex.candidates[0].object, ex.candidates[0].evidence, "funding.<i>x</i>", 0.9)
    wf.add_extractions(kg, [ex])
    page = wf.review_page(open_kg(store).store)
    assert "<mark>EU-funded PROTECT project</mark>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the paragraph around the span, escaped
    for raw in ("<script", "<img", "<b>EU", "<i>x"):
        assert raw not in page, raw
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "default-src &#x27;none&#x27;" in csp.group(1) and "script-src" not in csp.group(1)
    assert not re.search(r'(src|href)\s*=\s*"?(https?:)?//', page)
    assert page.count("<tr class=") == 9


# --- ingest leaves out what does not fit, and says why --------------------------------------
def with_extra(*extra: Candidate) -> Extraction:
    ex = osh()
    ex.candidates.extend(extra)
    return ex


def test_a_candidate_whose_end_is_of_the_wrong_kind_is_left_out_recorded_and_the_rest_lands(store: Path) -> None:
    before = dump(store)
    kg = open_kg(store)
    event = osh().candidates[1].subject
    dialogue = Mention("Budapest Process", 0, 16, "programme", "Budapest Process", entity=TGD["org-0023"])
    [rep] = wf.add_extractions(kg, [with_extra(Candidate("underProgramme", event, dialogue, (0, 16), "evt.x", 0.9))])
    accept_all(kg)
    bad = next(r for r in wf.candidates(open_kg(store)) if r.relation == "underProgramme"
               and r.object == TGD["org-0023"])
    report = wf.ingest(open_kg(store))
    assert [i for i, _ in report.refused] == [bad.id]
    why = dict(report.refused)[bad.id]
    assert "intergovernmental dialogue" in why and "tg:Programme" in why and "Budapest Process" in why
    kg = open_kg(store)
    assert not kg.query("ASK { ?e tg:underProgramme tgd:org-0023 }").boolean
    assert kg.query("ASK { ?e tg:underProgramme tgd:prg-0002 ; tg:participantCount 30 }").boolean  # the rest
    # recorded as a decision, with its reason, so review shows it
    [row] = wf.candidates(kg.store, status="refused")
    assert row.id == bad.id and row.refusal == why
    assert bad.id in wf.review_page(kg.store) and "refused" in wf.review_page(kg.store)
    assert "refused" in "\n".join(wf.table(wf.candidates(kg.store)))
    assert kg.validate(owl=False).conforms
    # ingesting again changes nothing; retract restores the store exactly
    once = dump(store)
    assert wf.ingest(open_kg(store)).added == 0 and wf.ingest(open_kg(store)).refused == []
    assert dump(store) == once
    wf.retract(open_kg(store), rep.source)
    assert dump(store) == before


def test_strict_ingest_refuses_all_when_an_end_has_the_wrong_kind(store: Path) -> None:
    kg = open_kg(store)
    event = osh().candidates[1].subject
    dialogue = Mention("Budapest Process", 0, 16, "programme", "Budapest Process", entity=TGD["org-0023"])
    wf.add_extractions(kg, [with_extra(Candidate("underProgramme", event, dialogue, (0, 16), "evt.x", 0.9))])
    accept_all(kg)
    before = dump(store)
    with pytest.raises(NotConformingError, match="Budapest Process"):
        wf.ingest(open_kg(store), strict=True)
    assert dump(store) == before
    assert wf.candidates(open_kg(store), status="refused") == []
    assert wf.ingest(open_kg(store)).added > 0  # positive control: not strict, the rest lands


def test_a_shape_violation_is_traced_to_its_candidate_left_out_and_the_rest_lands(store: Path) -> None:
    kg = open_kg(store)
    event = osh().candidates[1].subject
    pakistan = Mention("Pakistan", 0, 3, "organisation", "Pakistan", entity=TGD["plc-0003"])
    [rep] = wf.add_extractions(kg, [with_extra(Candidate("organisedBy", event, pakistan, (0, 3), "org.x", 0.95))])
    accept_all(kg)
    bad = by_relation(wf.candidates(open_kg(store)))["organisedBy"]
    report = wf.ingest(open_kg(store))
    assert [i for i, _ in report.refused] == [bad.id] and "organis" in dict(report.refused)[bad.id]
    kg = open_kg(store)
    assert not kg.query("ASK { ?e tg:organisedBy tgd:plc-0003 }").boolean
    assert kg.query("ASK { ?e tg:participantCount 30 }").boolean
    assert [r.id for r in wf.candidates(kg.store, status="refused")] == [bad.id]
    # accepting it again clears the refusal (and the reason); strict ingest then refuses it all
    wf.decide(kg, ids=[bad.id])
    row = by_relation(wf.candidates(open_kg(store)))["organisedBy"]
    assert (row.status, row.refusal) == ("accepted", "")
    with pytest.raises(NotConformingError):
        wf.ingest(open_kg(store), strict=True)
    assert rep.source in wf.sources(open_kg(store).store)


# --- dates with their precision ------------------------------------------------------------
def test_month_and_year_dates_are_stored_as_days_with_their_precision(store: Path) -> None:
    kg = open_kg(store)
    protect = Mention("PROTECT", 0, 7, "programme", "PROTECT", entity=TGD["prg-0002"])
    y0, y1 = Value("2019", 0, 4, "2019", "date", "year"), Value("2023", 5, 9, "2023", "date", "year")
    wf.add_extractions(kg, [with_extra(Candidate("startDate", protect, y0, (0, 9), "period.years", 0.9),
                                       Candidate("endDate", protect, y1, (0, 9), "period.years", 0.9))])
    accept_all(kg)
    wf.ingest(open_kg(store))
    kg = open_kg(store)
    facts = {(p, o) for s, p, o, _ in kg.store.quads() if s == TGD["prg-0002"]}
    assert {(TG.startDate, Literal("2019-01-01", datatype=XSD.date)), (TG.startDatePrecision, Literal("year")),
            (TG.endDate, Literal("2023-12-31", datatype=XSD.date)), (TG.endDatePrecision, Literal("year"))} <= facts
    # year filters and ordering work on them as on any date
    assert kg.query("ASK { tgd:prg-0002 tg:startDate ?d FILTER(YEAR(?d) = 2019) }").boolean
    # the review shows the precision of month and year dates, none for a day
    rows = wf.candidates(kg.store)
    lines = {r.relation + r.object_label: line for r, line in zip(rows, list(wf.table(rows))[1:], strict=True)}
    assert "(year)" in lines["startDate2019"] and "(month)" in lines["endDate2025-03"]
    assert "(day)" not in lines["startDate2025-03-09"] and "(" not in lines["startDate2025-03-09"].split("'")[0]
    assert {r.precision for r in rows if r.relation in ("startDate", "endDate")} == {"day", "month", "year"}
    page = wf.review_page(kg.store)
    assert "month precision" in page and "year precision" in page and "day precision" not in page
    assert kg.validate(owl=False).conforms


def test_a_new_event_dated_only_by_its_month_is_ingested(store: Path) -> None:
    kg = open_kg(store)
    ex = osh()
    ex.candidates[3] = Candidate("startDate", ex.candidates[3].subject, Value("March 2025", 0, 10, "2025-03",
                                                                          "date", "month"), (0, 10), "date.in", 0.9)
    wf.add_extractions(kg, [ex])
    accept_all(kg)
    wf.ingest(open_kg(store))
    assert open_kg(store).query('ASK { ?e a tg:Training ; tg:startDate "2025-03-01"^^xsd:date ; '
                                'tg:startDatePrecision "month" ; tg:endDate "2025-03-31"^^xsd:date }').boolean


# --- partners ------------------------------------------------------------------------------
def test_a_named_partner_is_ingested_and_shows_on_the_map(store: Path) -> None:
    from tipgraph.network.projection import project

    kg = open_kg(store)
    protect = osh().candidates[0].object
    icmpd = Mention("ICMPD", 0, 5, "organisation", "ICMPD", entity=TGD["org-0003"])
    assert not kg.query("ASK { tgd:org-0003 tg:partnerIn tgd:prg-0002 }").boolean  # control
    wf.add_extractions(kg, [with_extra(Candidate("partnerIn", icmpd, protect, (0, 5), "partner.x", 0.9))])
    accept_all(kg)
    report = wf.ingest(open_kg(store))
    assert not any("no pattern" in why for _, why in report.skipped)
    kg = open_kg(store)
    assert kg.query("ASK { GRAPH ?g { tgd:org-0003 tg:partnerIn tgd:prg-0002 } }").boolean
    assert kg.query("ASK { tgd:prg-0002 tg:hasPartner tgd:org-0003 }").boolean  # inferred, the other way round
    G = project(kg.store)
    edges = G.get_edge_data(str(TGD["org-0003"]), str(TGD["prg-0002"])) or {}
    assert any(d.get("iri") == str(TG.partnerIn) for d in edges.values()), edges


# --- resolving an ambiguous mention by hand -----------------------------------------------------
def ambiguous(store: Path) -> tuple[str, wf.CandidateRow]:
    kg = open_kg(store)
    ex = osh()
    moi = Mention("MOI", 0, 8, "organisation", "MOI", score=0.5, alternatives=(TGD["org-0010"], TGD["org-0011"]))
    ex.candidates.append(Candidate("implements", moi, ex.candidates[0].object, (0, 8), "impl.x", 0.9))
    [rep] = wf.add_extractions(kg, [ex])
    return rep.source, by_relation(wf.candidates(open_kg(store)))["implements"]


def test_an_ambiguous_mention_is_resolved_by_hand_and_ingested(store: Path) -> None:
    before = dump(store)
    src, row = ambiguous(store)
    assert wf.decide(open_kg(store), resolve={row.id: "FIA"}) == 1
    row = by_relation(wf.candidates(open_kg(store)))["implements"]
    assert (row.status, row.subject, row.subject_label) == ("accepted", TGD["org-0011"], "Federal Investigation Agency")
    assert "ambiguous" not in row.flags
    kg = open_kg(store)
    assert (TGD[row.id], TG.chosenSubject, TGD["org-0011"]) in {
        (s, p, o) for s, p, o, _ in kg.store.quads(str(wf.decisions_graph(src)))}
    accept_all(kg)
    wf.ingest(open_kg(store))
    assert open_kg(store).query("ASK { GRAPH ?g { ?e tg:engagedOrganisation tgd:org-0011 ; "
                                "tg:engagementRole tg:ImplementingRole ; tg:engagedProgramme tgd:prg-0002 } }").boolean
    # any entity of a fitting kind, not only the alternatives; by IRI or prefixed name
    assert wf.decide(open_kg(store), resolve={row.id: "tgd:org-0003"}) == 1
    assert by_relation(wf.candidates(open_kg(store)))["implements"].subject == TGD["org-0003"]
    wf.retract(open_kg(store), src)
    assert dump(store) == before


def test_resolving_to_an_entity_of_the_wrong_kind_is_refused_naming_both_kinds(store: Path) -> None:
    _, row = ambiguous(store)
    before = dump(store)
    with pytest.raises(BadInputError) as err:
        wf.decide(open_kg(store), resolve={row.id: "Pakistan"})
    assert "country" in str(err.value) and "organisation" in str(err.value)
    with pytest.raises(UnknownNameError):
        wf.decide(open_kg(store), resolve={row.id: "No Such Body Anywhere"})
    assert dump(store) == before
    assert wf.decide(open_kg(store), resolve={row.id: "tgd:org-0010"}) == 1  # positive control
    assert dump(store) != before
