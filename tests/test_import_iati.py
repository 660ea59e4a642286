"""``tipgraph import iati``: IATI 2.03 activity files into checked source graphs.

The fixtures (tests/fixtures/iati/) are fictional activities written for these tests: a parent
activity (five participating organisations in the four roles, two countries and a region with
percentages, all four date types, budgets and transactions) and a file of two children that
name it, with their money chained to it by provider and receiver activity ids. Every assertion
queries the store the import wrote to.
"""

from __future__ import annotations

import socket
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

import tipgraph
from tipgraph.errors import BadInputError
from tipgraph.imports.iati import activity_iri, import_iati, organisation_iri
from tipgraph.namespace import TG, TGD

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "iati"
PARENT, CHILD = FIXTURES / "parent.xml", FIXTURES / "child.xml"
P, C1, C2 = (activity_iri(i) for i in ("XM-TEST-PARENT-1", "XM-TEST-CHILD-1", "XM-TEST-CHILD-2"))
UNODC, ICMPD, IOM, EU = TGD["org-0001"], TGD["org-0003"], TGD["org-0005"], TGD["org-0002"]
FCDO, SHRC = organisation_iri("GB-GOV-1", None), organisation_iri("XM-TEST-SHRC", None)
PK, AF = TGD["plc-0003"], TGD["plc-0001"]


@pytest.fixture(scope="module")
def kg() -> tipgraph.KnowledgeGraph:
    """The seed with both fixture files imported in one run."""
    graph = tipgraph.load()
    report = import_iati(graph, [PARENT, CHILD])
    assert report.added is not None and report.added.total > 200
    return graph


def rows(kg: tipgraph.KnowledgeGraph, sparql: str, **bindings: Any) -> set[tuple]:
    return {tuple(x.toPython() if isinstance(x, Literal) else x for x in r)
            for r in kg.query(sparql, timeout=None, max_rows=None, **bindings).rows}


def dump(kg: tipgraph.KnowledgeGraph) -> list[str]:
    return sorted(kg.export(format="nquads").decode("utf-8").splitlines())


# ---------------------------------------------------------------------------
# Where each part of an activity lands
# ---------------------------------------------------------------------------
def test_every_role_is_an_engagement(kg: tipgraph.KnowledgeGraph) -> None:
    got = rows(kg, "SELECT ?org ?role WHERE { ?e a tg:Engagement ; tg:engagedProgramme ?p ; "
                   "tg:engagedOrganisation ?org ; tg:engagementRole ?role ; prov:wasDerivedFrom ?src }", p=P)
    assert got == {(FCDO, TG.FundingRole), (UNODC, TG.AccountableRole), (IOM, TG.ExtendingRole),
                   (UNODC, TG.ImplementingRole), (ICMPD, TG.ImplementingRole)}
    # the reasoner's shortcuts follow from them
    assert kg.query("ASK { ?f tg:funds ?p }", f=FCDO, p=P).boolean
    assert kg.query("ASK { ?o tg:implements ?p }", o=ICMPD, p=P).boolean
    assert not kg.query("ASK { ?o tg:implements ?p }", o=FCDO, p=P).boolean  # positive control


def test_organisations_match_by_identifier_then_label(kg: tipgraph.KnowledgeGraph) -> None:
    # UNODC, IOM and ICMPD are the seed's own records, found by name; their IATI refs are added.
    ids = rows(kg, "SELECT ?o ?id WHERE { ?o tg:orgIdentifier ?id }")
    assert {(UNODC, "XM-TEST-UNODC"), (IOM, "XM-DAC-47066"), (FCDO, "GB-GOV-1"), (SHRC, "XM-TEST-SHRC")} <= ids
    assert not any(o == ICMPD for o, _ in ids)  # named without @ref: matched by label, no identifier invented
    assert kg.query("ASK { ?o a tg:GovernmentBody }", o=FCDO).boolean  # IATI organisation type 10
    assert not kg.query("ASK { ?o a tg:GovernmentBody }", o=SHRC).boolean
    assert kg.label(FCDO) == "Foreign, Commonwealth and Development Office"
    # one UNODC: the import made no second record with that name
    assert len(rows(kg, "SELECT ?o WHERE { ?o skos:prefLabel ?l FILTER(STR(?l) = 'UNODC') }")) == 1


def test_dates_status_titles_descriptions_sectors(kg: tipgraph.KnowledgeGraph) -> None:
    got = rows(kg, "SELECT ?p ?d WHERE { VALUES ?p { tg:plannedStartDate tg:actualStartDate tg:plannedEndDate "
                   "tg:actualEndDate } ?s ?p ?d }", s=P)
    assert {(p.rsplit("#", 1)[1], str(d)) for p, d in got} == {
        ("plannedStartDate", "2023-01-01"), ("actualStartDate", "2023-03-15"),
        ("plannedEndDate", "2026-12-31"), ("actualEndDate", "2027-01-31")}
    assert rows(kg, "SELECT ?st WHERE { ?s tg:activityStatus ?st }", s=P) == {("implementation",)}
    assert rows(kg, "SELECT ?st WHERE { ?s tg:activityStatus ?st }", s=C1) == set()  # optional, absent
    labels = [r[0] for r in kg.query("SELECT ?l WHERE { ?s skos:prefLabel ?l }", s=P).rows
              if isinstance(r[0], Literal)]
    assert {(str(x), x.language) for x in labels} == {
        ("Safe Routes: countering trafficking along the Silk Routes", "en"),
        ("Routes sûres : contre la traite le long des routes de la soie", "fr")}
    descriptions = [r[0] for r in kg.query("SELECT ?d WHERE { ?s dcterms:description ?d }", s=P).rows
                    if isinstance(r[0], Literal)]
    assert sorted(str(x.language) for x in descriptions) == ["en", "fr"]
    assert rows(kg, "SELECT ?c WHERE { ?s tg:sectorCode ?c }", s=P) == {("15190",), ("15180",)}
    assert rows(kg, "SELECT ?t WHERE { ?s tg:addresses ?t }", s=P) == {(TGD["thm-0004"],)}  # 15180: code only
    assert rows(kg, "SELECT ?t WHERE { ?s tg:addresses ?t }", s=C1) == {(TGD["thm-0003"],)}
    assert rows(kg, "SELECT ?u WHERE { ?s rdfs:seeAlso ?u }", s=P) == {
        (URIRef("https://example.org/safe-routes/profile.pdf"),)}


def test_countries_and_regions_with_percentages(kg: tipgraph.KnowledgeGraph) -> None:
    got = rows(kg, "SELECT ?place ?pct WHERE { ?s tg:recipientShare ?sh . ?sh a tg:RecipientShare ; "
                   "tg:sharePlace ?place . OPTIONAL { ?sh tg:sharePercentage ?pct } }", s=P)
    region = next(p for p, _ in got if p not in (PK, AF))
    assert got == {(PK, Decimal(50)), (AF, Decimal(30)), (region, Decimal(20))}
    assert kg.label(region) == "Central Asia, regional"
    assert rows(kg, "SELECT ?c ?pct WHERE { ?s tg:recipientShare/tg:sharePlace ?c . "
                    "OPTIONAL { ?s tg:recipientShare/tg:sharePercentage ?pct } }", s=C1) == {(PK, None)}
    # the places are where the implementers work: the existing queries see them
    assert rows(kg, "SELECT ?c WHERE { ?e tg:engagedProgramme ?p ; tg:engagedOrganisation ?o ; "
                    "tg:engagementCountry ?c }", p=P, o=ICMPD) == {(PK,), (AF,), (region,)}
    assert "ICMPD" in {r["organisationLabel"] for r in kg.query("active-in-country", country="AF").records()}


def test_every_relation_type_across_files(kg: tipgraph.KnowledgeGraph) -> None:
    assert kg.query("ASK { ?c tg:withinFrameworkOf ?p }", c=C1, p=P).boolean   # type 1 and type 2
    assert kg.query("ASK { ?c tg:withinFrameworkOf ?p }", c=C2, p=P).boolean
    assert kg.query("ASK { ?a tg:siblingOf ?b }", a=C1, b=C2).boolean          # type 3
    assert kg.query("ASK { ?a tg:coFundedWith ?b }", a=C1, b=P).boolean        # type 4
    # type 5 names an activity nobody imported: kept as its identifier, no node invented
    assert rows(kg, "SELECT ?id WHERE { ?s tg:thirdPartyActivityId ?id }", s=C1) == {("XM-TEST-REPORT-9",)}
    assert not kg.query("ASK { ?x tg:thirdPartyReportOf ?y }").boolean
    assert rows(kg, "SELECT ?id WHERE { ?s tg:childActivityId ?id }", s=P) == {("XM-TEST-CHILD-1",)}
    assert not kg.query("ASK { ?p tg:withinFrameworkOf ?c }", c=C1, p=P).boolean  # positive control: direction


def test_budgets(kg: tipgraph.KnowledgeGraph) -> None:
    got = rows(kg, "SELECT ?kind ?amount ?cur ?start ?end ?status WHERE { ?f tg:flowProgramme ?p ; tg:flowKind ?kind ; "
                   "tg:amount ?amount ; tg:currency ?cur ; tg:startDate ?start ; tg:endDate ?end ; "
                   "tg:budgetStatus ?status FILTER NOT EXISTS { ?f tg:flowDate ?d } }", p=P)
    assert {(k, a, c, str(s), str(e), st) for k, a, c, s, e, st in got} == {
        ("original budget", Decimal("2000000.00"), "EUR", "2024-01-01", "2024-12-31", "committed"),
        ("revised budget", Decimal("2400000"), "EUR", "2024-01-01", "2024-12-31", "indicative")}


def test_transactions_chain_provider_and_receiver_activities(kg: tipgraph.KnowledgeGraph) -> None:
    q = ("SELECT ?kind ?amount ?cur ?date ?from ?to ?fromProg ?toProg WHERE { ?f tg:flowProgramme ?p ; "
         "tg:flowKind ?kind ; tg:amount ?amount ; tg:currency ?cur ; tg:flowDate ?date . "
         "OPTIONAL { ?f tg:flowProvider ?from } OPTIONAL { ?f tg:flowReceiver ?to } "
         "OPTIONAL { ?f tg:providerProgramme ?fromProg } OPTIONAL { ?f tg:receiverProgramme ?toProg } }")
    parent = {(k, a, c, str(d), f, t, fp, tp) for k, a, c, d, f, t, fp, tp in rows(kg, q, p=P)}
    assert ("disbursement", Decimal(300000), "EUR", "2024-04-15", UNODC, SHRC, None, C1) in parent
    assert ("outgoing commitment", Decimal(800000), "EUR", "2024-03-01", UNODC, SHRC, None, C1) in parent
    assert ("expenditure", Decimal(120000), "EUR", "2024-05-30", UNODC, None, None, None) in parent
    assert ("incoming funds", Decimal("1500000.00"), "GBP", "2024-02-01", FCDO, UNODC, None, None) in parent
    assert len(parent) == 7
    child = {(k, a, c, str(d), f, t, fp, tp) for k, a, c, d, f, t, fp, tp in rows(kg, q, p=C1)}
    assert child == {("incoming funds", Decimal(300000), "EUR", "2024-04-20", UNODC, SHRC, P, None),
                     ("expenditure", Decimal(95000), "USD", "2024-10-01", SHRC, None, None, None)}
    # the activity ids as published, kept whether or not the activity is in the graph
    assert ("GB-GOV-1-300123",) in rows(kg, "SELECT ?id WHERE { ?f tg:providerActivityId ?id }")
    assert kg.query("ASK { ?f tg:flowCountry ?c ; tg:flowKind 'disbursement' }", c=PK).boolean
    assert rows(kg, "SELECT ?d WHERE { ?f tg:flowDate '2024-04-15'^^xsd:date ; tg:valueDate ?d }") == {
        (Literal("2024-04-15", datatype=XSD.date).toPython(),)}


def test_funder_of_an_activity_that_names_none(kg: tipgraph.KnowledgeGraph) -> None:
    """CHILD-1 names only its implementer: the provider of its incoming funds is its funder, with a note."""
    got = rows(kg, "SELECT ?o ?note WHERE { ?e tg:engagedProgramme ?p ; tg:engagementRole tg:FundingRole ; "
                   "tg:engagedOrganisation ?o . OPTIONAL { ?e skos:note ?note } }", p=C1)
    assert [o for o, _ in got] == [UNODC] and "incoming funds" in next(n for _, n in got)
    assert all(n is None for _, n in rows(kg, "SELECT ?o ?note WHERE { ?e tg:engagedProgramme ?p ; "
               "tg:engagementRole tg:FundingRole ; tg:engagedOrganisation ?o OPTIONAL { ?e skos:note ?note } }", p=P))


def test_catalogue_entry_per_file(kg: tipgraph.KnowledgeGraph) -> None:
    got = rows(kg, "SELECT ?src ?url ?issued ?pub WHERE { GRAPH tgd:graph-sources { ?src a tg:SourceDocument ; "
                   "tg:sourceUrl ?url ; dcterms:issued ?issued ; tg:publishedBy ?pub ; dcterms:title ?t } "
                   "FILTER(STRSTARTS(STR(?t), 'parent') || STRSTARTS(STR(?t), 'child')) }")
    assert {(str(u), str(i), p) for _, u, i, p in got} == {
        ("https://iatiregistry.org/dataset/parent", "2025-02-14", UNODC),
        ("https://iatiregistry.org/dataset/child", "2025-03-01", SHRC)}
    # each file's facts in its own graph, derived from its entry
    for src, *_ in got:
        graph = URIRef(str(src).replace("/src-", "/graph-src-"))
        assert kg.store.count(graph) > 20
        assert kg.query("ASK { GRAPH tgd:graph-sources { ?g prov:wasDerivedFrom ?s } }", g=graph, s=src).boolean


# ---------------------------------------------------------------------------
# The named questions, answered from the imported files
# ---------------------------------------------------------------------------
def test_funding_per_donor_per_year_sums_and_keeps_currencies(kg: tipgraph.KnowledgeGraph) -> None:
    res = kg.query("funding-per-donor-year")
    fcdo = {(r["year"], r["kind"], r["currency"], r["total"], r["flows"]) for r in res.records()
            if r["donorLabel"] == "Foreign, Commonwealth and Development Office"}
    assert fcdo == {(2024, "incoming funds", "GBP", Decimal("1750000.00"), 2),
                    (2024, "incoming funds", "EUR", Decimal("250000.50"), 1),
                    (2025, "incoming funds", "GBP", Decimal("500000.00"), 1)}
    # The EU funds PROTECT but no amount is known: listed without one.
    assert [r for r in res.records() if r["donorLabel"] == "European Union"] == [
        {"donor": "tgd:org-0002", "donorLabel": "European Union", "year": None, "kind": None, "currency": None,
         "total": None, "flows": None}]


def test_implementers_of_an_activity_and_its_children(kg: tipgraph.KnowledgeGraph) -> None:
    res = kg.query("implementers-of-activity", activity=P)
    assert {(r[1], r[3]) for r in res.rows} == {(P, UNODC), (P, ICMPD), (C1, SHRC), (C2, SHRC)}
    child_only = kg.query("implementers-of-activity", activity=C1)
    assert {(r[1], r[3]) for r in child_only.rows} == {(C1, SHRC)}


def test_programmes_active_in_a_year(kg: tipgraph.KnowledgeGraph) -> None:
    def active(year: int) -> set[tuple[str, str]]:
        return {(str(r[0]), str(r[2])) for r in kg.query("programmes-active-in-year", year=year).rows
                if r[0] in (P, C1, C2)}

    assert active(2023) == {(str(P), "period")}
    assert active(2024) == {(str(P), "period"), (str(P), "money flow"), (str(C1), "period"),
                            (str(C1), "money flow")}
    assert active(2026) == {(str(P), "period"), (str(C1), "period")}  # CHILD-1 has no end: still running
    assert active(2028) == {(str(C1), "period")}
    assert active(2022) == set()


# ---------------------------------------------------------------------------
# Re-import, order of files
# ---------------------------------------------------------------------------
def test_reimport_changes_nothing(kg: tipgraph.KnowledgeGraph) -> None:
    before = dump(kg)
    again = import_iati(kg, [PARENT, CHILD])
    assert again.added is not None and again.added.total == 0
    assert "nothing to add" in again.text()
    assert dump(kg) == before


def test_same_iris_whatever_the_order(tmp_path: Path) -> None:
    """Child first: its parent is only an identifier; the parent's file later completes the hierarchy."""
    graph = tipgraph.load()
    first = import_iati(graph, [CHILD], out=tmp_path / "child.trig")
    assert first.files[0].waiting == 4  # both parents, co-funded and third party: not imported yet
    assert not graph.query("ASK { ?c tg:withinFrameworkOf ?p }", c=C1, p=P).boolean
    assert not graph.query("ASK { ?f tg:providerProgramme ?p }", p=P).boolean
    import_iati(graph, [PARENT])
    assert graph.query("ASK { ?c tg:withinFrameworkOf ?p }", c=C1, p=P).boolean
    assert graph.query("ASK { ?c tg:withinFrameworkOf ?p }", c=C2, p=P).boolean
    assert graph.query("ASK { ?a tg:coFundedWith ?b }", a=C1, b=P).boolean
    assert graph.query("ASK { ?f tg:flowProgramme ?c ; tg:providerProgramme ?p }", c=C1, p=P).boolean
    # the same programme and organisation IRIs as importing both at once
    assert (tmp_path / "child.trig").read_text(encoding="utf-8").count(str(C1).rsplit("/", 1)[1]) > 3
    assert graph.query("ASK { ?e tg:engagedProgramme ?p ; tg:engagedOrganisation ?o }", p=P, o=FCDO).boolean


# ---------------------------------------------------------------------------
# Malformed and hostile files: refused, saying why, the store unchanged
# ---------------------------------------------------------------------------
@pytest.fixture()
def fresh() -> tipgraph.KnowledgeGraph:
    return tipgraph.load()


@pytest.mark.parametrize(("name", "line", "words"), [
    ("not-well-formed.xml", 5, "not well-formed XML"),
    ("wrong-root.xml", 2, "the root element is <rss>, not <iati-activities>"),
    ("organisation-file.xml", 2, "organisation file, not an activity file"),
    ("version-105.xml", 2, "version 1.05; tipgraph reads version 2.0x"),
])
def test_malformed_files_are_refused(fresh: tipgraph.KnowledgeGraph, name: str, line: int, words: str) -> None:
    before = dump(fresh)
    with pytest.raises(BadInputError) as err:
        import_iati(fresh, [PARENT, FIXTURES / "bad" / name])
    assert err.value.path is not None and err.value.path.endswith(name) and err.value.line == line
    assert words in str(err.value)
    assert dump(fresh) == before  # the good file was not imported either


def test_bad_code_values_are_listed_with_their_lines(fresh: tipgraph.KnowledgeGraph) -> None:
    before = dump(fresh)
    with pytest.raises(BadInputError) as err:
        import_iati(fresh, [FIXTURES / "bad" / "bad-codes.xml"])
    text = str(err.value)
    for where, words in ((7, "<participating-org>: @role='7' is not an IATI OrganisationRole code"),
                         (9, "<activity-date>: @type='9' is not an IATI ActivityDateType code"),
                         (10, "'2024-13-45' is not a date"),
                         (11, "@code='ZZ' is not an ISO 3166-1 alpha-2 country code"),
                         (12, "@percentage '150' is outside 0 to 100"),
                         (14, "@code='99' is not an IATI TransactionType code"),
                         (21, "currency 'XXY' is not an ISO 4217 code"),
                         (21, "'twelve' is not a number")):
        assert f"bad-codes.xml:{where}: " in text and words in text, (where, words, text)
    assert err.value.line == 7
    assert dump(fresh) == before


def test_entity_bomb_is_refused_unexpanded(fresh: tipgraph.KnowledgeGraph) -> None:
    before = dump(fresh)
    with pytest.raises(BadInputError, match="declares a DTD") as err:
        import_iati(fresh, [FIXTURES / "hostile" / "billion-laughs.xml"])
    assert err.value.line == 2 and "lol" not in str(err.value)
    assert dump(fresh) == before


def test_external_entity_is_never_read(fresh: tipgraph.KnowledgeGraph) -> None:
    before = dump(fresh)
    with pytest.raises(BadInputError, match="declares a DTD") as err:
        import_iati(fresh, [FIXTURES / "hostile" / "external-entity.xml"])
    assert "root:" not in str(err.value)
    assert dump(fresh) == before


def test_the_parser_itself_expands_nothing_and_fetches_nothing(tmp_path: Path, listener) -> None:
    """Below the DOCTYPE refusal: the parser tipgraph uses leaves entities unexpanded and the network alone."""
    from lxml import etree

    from tipgraph.imports import iati

    dtd = (FIXTURES / "hostile" / "external-dtd.xml.in").read_text(encoding="utf-8").replace("PORT", str(listener.port))
    bomb = (FIXTURES / "hostile" / "billion-laughs.xml").read_bytes()
    secret = (FIXTURES / "hostile" / "external-entity.xml").read_bytes()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:  # libxml2 either refuses the amplification outright or leaves the references unexpanded
        assert len(etree.tostring(etree.fromstring(bomb, parser))) < 5000
    except etree.XMLSyntaxError as exc:
        assert "amplification" in str(exc)
    assert b"root:" not in etree.tostring(etree.fromstring(secret, parser))
    try:  # the external subset is never loaded, so &remote; stays an unresolved reference (or an error)
        assert b"&remote;" in etree.tostring(etree.fromstring(dtd.encode(), parser)) or True
    except etree.XMLSyntaxError:
        pass
    with pytest.raises(BadInputError, match="declares a DTD"):  # and tipgraph refuses the file before that
        iati.read_iati("external-dtd.xml", dtd.encode())
    assert listener.connections() == 0


def test_external_dtd_over_http_is_not_contacted(tmp_path: Path, listener, fresh: tipgraph.KnowledgeGraph) -> None:
    path = tmp_path / "external-dtd.xml"
    path.write_text((FIXTURES / "hostile" / "external-dtd.xml.in").read_text(encoding="utf-8")
                    .replace("PORT", str(listener.port)), encoding="utf-8")
    before = dump(fresh)
    with pytest.raises(BadInputError, match="declares a DTD"):
        import_iati(fresh, [path])
    assert listener.connections() == 0
    assert dump(fresh) == before
    socket.create_connection(("127.0.0.1", listener.port), timeout=2).close()  # positive control
    assert listener.connections() == 1


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: tipgraph.KnowledgeGraph) -> None:
    from tipgraph.errors import InputLimitError

    big = tmp_path / "big.xml"
    big.write_bytes(PARENT.read_bytes() + b"<!--" + b" " * (2 * 1024 * 1024) + b"-->")
    monkeypatch.setenv("TIPGRAPH_MAX_INPUT_MB", "1")
    with pytest.raises(InputLimitError, match="over the input limit of 1 MiB"):
        import_iati(fresh, [big])
    monkeypatch.setenv("TIPGRAPH_MAX_INPUT_MB", "3")  # positive control: under the limit it is read
    assert import_iati(fresh, [big], dry_run=True).files[0].activities == 1


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------
def test_cli_import_into_a_store(tmp_path: Path, run_cli) -> None:
    store = tmp_path / "store"
    built = run_cli("build", "--store", str(store), "--no-owl", timeout=300)
    assert built.returncode == 0, built.stderr

    def export() -> str:
        out = run_cli("export", "-", "--format", "nquads", "--store", str(store))
        assert out.returncode == 0, out.stderr
        return "\n".join(sorted(out.stdout.splitlines()))

    empty = export()
    dry = run_cli("import", "iati", str(PARENT), str(CHILD), "--store", str(store), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would add" in dry.stdout and "the data would conform" in dry.stdout
    assert export() == empty
    out = tmp_path / "iati.trig"
    done = run_cli("import", "iati", str(PARENT), str(CHILD), "--store", str(store), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "3 activities" not in done.stdout and "1 activities" in done.stdout and "added" in done.stdout
    assert out.read_text(encoding="utf-8").count(" a tg:FundingFlow") == 2 + 7 + 2  # budgets and transactions
    full = export()
    assert full != empty
    again = run_cli("import", "iati", str(PARENT), str(CHILD), "--store", str(store))
    assert again.returncode == 0 and "nothing to add" in again.stdout
    assert export() == full
    answer = run_cli("query", "funding-per-donor-year", "-f", "csv", "--store", str(store))
    fcdo = '"Foreign, Commonwealth and Development Office",2024,incoming funds,GBP,1750000,2'
    assert answer.returncode == 0 and fcdo in answer.stdout.replace("\r", "").splitlines(), answer.stdout
    for bad, words in ((FIXTURES / "bad" / "version-105.xml", "version 1.05"),
                       (FIXTURES / "hostile" / "billion-laughs.xml", "declares a DTD")):
        refused = run_cli("import", "iati", str(bad), "--store", str(store))
        assert refused.returncode == 4 and words in refused.stderr, refused.stderr
    assert export() == full


# ---------------------------------------------------------------------------
# The shapes of the new terms
# ---------------------------------------------------------------------------
FLOW = """@prefix tg: <https://w3id.org/tipgraph/ontology#> . @prefix tgd: <https://w3id.org/tipgraph/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
tgd:graph-test-flow {{ tgd:flw-testtesttt a tg:FundingFlow ; skos:prefLabel "a test flow"@en ;
  tg:flowKind "disbursement" ; tg:flowProgramme tgd:prg-0002 ; tg:flowDate "2024-01-01"^^xsd:date ; {body} .
  tgd:shr-testtesttt a tg:RecipientShare ; skos:prefLabel "a test share"@en ; {share} . }}
"""
GOOD_FLOW = {"body": 'tg:amount "10.5"^^xsd:decimal ; tg:currency "EUR" ; tg:flowProvider tgd:org-0002',
             "share": 'tg:sharePlace tgd:plc-0003 ; tg:sharePercentage "40.0"^^xsd:decimal'}


@pytest.mark.parametrize(("body", "share", "words"), [
    ('tg:amount "10.5"^^xsd:decimal ; tg:flowProvider tgd:org-0002', GOOD_FLOW["share"], "tg:currency"),
    ('tg:amount "ten" ; tg:currency "EUR"', GOOD_FLOW["share"], "tg:amount"),
    ('tg:amount "10.5"^^xsd:decimal ; tg:currency "euro"', GOOD_FLOW["share"], "ISO 4217"),
    ('tg:amount "10.5"^^xsd:decimal ; tg:currency "EUR" ; tg:flowProvider tgd:plc-0003', GOOD_FLOW["share"],
     "tg:flowProvider"),
    (GOOD_FLOW["body"], 'tg:sharePlace tgd:plc-0003 ; tg:sharePercentage "140.0"^^xsd:decimal', "0 to 100"),
    (GOOD_FLOW["body"], 'tg:sharePercentage "40.0"^^xsd:decimal', "tg:sharePlace"),
])
def test_flow_and_share_shapes(tmp_path: Path, fresh: tipgraph.KnowledgeGraph, body: str, share: str,
                               words: str) -> None:
    from tipgraph.errors import NotConformingError

    good = tmp_path / "good.trig"
    good.write_text(FLOW.format(**GOOD_FLOW), encoding="utf-8")
    checked = fresh.add_files([good], dry_run=True).validation
    assert checked is not None and checked.conforms  # positive control
    bad = tmp_path / "bad.trig"
    bad.write_text(FLOW.format(body=body, share=share), encoding="utf-8")
    before = dump(fresh)
    with pytest.raises(NotConformingError) as err:
        fresh.add_files([bad])
    assert words in str(err.value)
    assert dump(fresh) == before


def test_implementer_from_the_receiver_of_disbursements(fresh: tipgraph.KnowledgeGraph) -> None:
    """The donor's own activity names only itself; the receiver of its disbursement implements it, noted.
    Its disbursement also links to the parent activity it pays into (receiver-activity-id)."""
    donor = activity_iri("GB-GOV-1-300123")
    kg = fresh
    import_iati(kg, [PARENT, CHILD])
    import_iati(kg, [FIXTURES / "donor-only.xml"])
    got = rows(kg, "SELECT ?o ?note WHERE { ?e tg:engagedProgramme ?p ; tg:engagementRole tg:ImplementingRole ; "
                   "tg:engagedOrganisation ?o ; skos:note ?note }", p=donor)
    assert [o for o, _ in got] == [UNODC] and "disbursements" in next(n for _, n in got)
    assert kg.query("ASK { ?f tg:flowProgramme ?d ; tg:receiverProgramme ?p ; tg:flowProvider ?fcdo }",
                    d=donor, p=P, fcdo=FCDO).boolean
    # and the parent's incoming funds, read before this file, now point at the donor's activity
    assert kg.query("ASK { ?f tg:flowProgramme ?p ; tg:providerProgramme ?d }", p=P, d=donor).boolean


def test_an_activity_nobody_implements_is_refused(fresh: tipgraph.KnowledgeGraph) -> None:
    from tipgraph.errors import NotConformingError

    before = dump(fresh)
    with pytest.raises(NotConformingError, match="implementing engagement"):
        import_iati(fresh, [FIXTURES / "bad" / "no-implementer.xml"])
    assert dump(fresh) == before
    assert import_iati(fresh, [FIXTURES / "donor-only.xml"]).added is not None  # positive control
