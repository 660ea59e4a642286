"""Curator spreadsheets: a folder of CSV files and the same sheets as .xlsx give the same checked graph.

tests/fixtures/sheets/landscape/ is a small landscape written for these tests (two sources, new
organisations, a programme with its funder and implementers, an event, people and posts, rankings);
tests/fixtures/sheets/bad/ is wrong in one way per cell. The .xlsx versions are built here from the
CSV files, with typed cells as Excel keeps them (dates as dates, numbers as numbers).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

import tipgraph
from tipgraph.errors import BadInputError, InputLimitError
from tipgraph.imports import sheets
from tipgraph.imports.sheets import SHEETS, import_sheet, read_workbook


@pytest.fixture(scope="module")
def landscape(repo: Path) -> Path:
    return repo / "tests" / "fixtures" / "sheets" / "landscape"


@pytest.fixture(scope="module")
def bad(repo: Path) -> Path:
    return repo / "tests" / "fixtures" / "sheets" / "bad"


def _typed(text: str) -> object:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text)
    if re.fullmatch(r"\d+", text):
        return int(text)
    return text or None


def to_xlsx(folder: Path, path: Path, *, formula: tuple[str, int, int, str] | None = None) -> Path:
    """The CSV files of ``folder`` as one workbook; ``formula`` puts a formula into (sheet, row, column)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for f in sorted(folder.glob("*.csv")):
        ws = wb.create_sheet(f.stem)
        with f.open(encoding="utf-8") as fh:
            for i, row in enumerate(csv.reader(fh)):
                ws.append(row if i == 0 else [_typed(c) for c in row])
    if formula is not None:
        sheet, r, c, text = formula
        wb[sheet].cell(row=r, column=c, value=text)
    wb.save(path)
    return path


def _plain(kg: tipgraph.KnowledgeGraph) -> list[bytes]:
    return sorted(line for line in kg.store.dump().splitlines() if b"_:" not in line)


@pytest.fixture(scope="module")
def imported(landscape: Path) -> tipgraph.KnowledgeGraph:
    kg = tipgraph.load()
    result = import_sheet(kg, landscape)
    assert result.added.total > 50, result.text()
    return kg


# ---------------------------------------------------------------------------
# What lands where
# ---------------------------------------------------------------------------
def test_each_sheet_lands_in_the_graph_of_its_source(imported: tipgraph.KnowledgeGraph) -> None:
    q = imported.query
    # organisations: kind, acronym, alias, parent
    assert q('ASK { GRAPH ?g { ?m a tg:GovernmentMinistry ; skos:prefLabel "Ministry of Internal Affairs of '
             'Kazakhstan"@en ; skos:altLabel "MVD KZ"@en , "Interior Ministry of Kazakhstan"@en } '
             '?g prov:wasDerivedFrom ?s . '
             '?s tg:sourceUrl "https://www.example.org/almaty-training"^^xsd:anyURI }').boolean
    assert q('ASK { ?u a tg:LawEnforcementAgency ; tg:subOrganisationOf ?m . ?m skos:altLabel "MVD KZ"@en }').boolean
    # the programme runs within GLO.ACT (found by its acronym), with its dates
    assert q('ASK { ?p a tg:Project ; skos:prefLabel "Safe Migration Central Asia"@en ; tg:withinFrameworkOf '
             'tgd:prg-0001 ; tg:startDate "2025-01-01"^^xsd:date ; tg:endDate "2026-12-31"^^xsd:date }').boolean
    # engagements: every role written three ways, countries by code and name, derived implements/funds
    rows = q("SELECT ?orgLabel ?role WHERE { ?e tg:engagedProgramme ?p ; tg:engagedOrganisation ?o ; "
             "tg:engagementRole ?role . ?p skos:prefLabel \"Safe Migration Central Asia\"@en . "
             "?o skos:prefLabel ?orgLabel }").rows
    assert {(str(o), str(r).split("#")[1]) for o, r in rows} == {
        ("UNODC", "ImplementingRole"), ("European Union", "FundingRole"),
        ("Ministry of Internal Affairs of Kazakhstan", "ImplementingRole")}
    countries = q('SELECT ?c WHERE { ?e tg:engagedOrganisation tgd:org-0001 ; '
                  'tg:engagementCountry/tg:iso3166Alpha2 ?c ; '
                  'tg:engagedProgramme/skos:prefLabel "Safe Migration Central Asia"@en }').column("c")
    assert sorted(countries) == ["KG", "KZ"]
    assert q('ASK { tgd:org-0001 tg:implements ?p . ?p skos:altLabel "SMCA"@en }').boolean  # reasoned
    # the event with its counts, place, organiser and programme
    assert q('ASK { ?e a tg:Training ; tg:startDate "2025-03-09"^^xsd:date ; tg:endDate "2025-03-10"^^xsd:date ; '
             'tg:heldIn tgd:plc-0006 ; tg:organisedBy tgd:org-0001 ; tg:participantCount 30 ; '
             'tg:femaleParticipantCount 12 ; tg:underProgramme/skos:altLabel "SMCA"@en }').boolean
    # people and posts: a named holder, and a post whose holder is not named
    assert q('ASK { ?p a tg:Person ; skos:prefLabel "Aigerim Example"@en ; tg:holdsPost ?post . '
             '?post tg:postIn/skos:prefLabel "Almaty Anti-Trafficking Unit"@en }').boolean
    assert q('ASK { ?post a tg:Post ; skos:prefLabel "National Coordinator SMCA"@en ; tg:postIn tgd:org-0001 ; '
             'tg:postForProgramme/skos:altLabel "SMCA"@en FILTER NOT EXISTS { ?x tg:holdsPost ?post } }').boolean
    # rankings, from their own source; Tajikistan's NA row ranks no one
    tiers = q("tier-history", country="KZ").records()
    assert [(r["year"], r["tier"]) for r in tiers] == [(2023, "Tier 2"), (2024, "Tier 2")]
    assert q("tier-history", country="TJ").records() == []
    assert q('ASK { ?r tg:rankedCountry tgd:plc-0006 ; prov:wasDerivedFrom ?s . ?s dcterms:issued '
             '"2024-06-24"^^xsd:date ; tg:publishedBy tgd:org-0016 }').boolean


def test_the_import_conforms(imported: tipgraph.KnowledgeGraph) -> None:
    result = imported.validate(owl=False)
    assert result.conforms, result.text()


def test_reimport_is_idempotent_and_xlsx_gives_the_same_graph(landscape: Path, tmp_path: Path) -> None:
    a = tipgraph.load()
    import_sheet(a, landscape)
    again = import_sheet(a, landscape)
    assert again.added.total == 0 and "nothing to add" in again.text()
    b = tipgraph.load()
    result = import_sheet(b, to_xlsx(landscape, tmp_path / "landscape.xlsx"))
    assert result.rows == 12 and result.added.total > 50
    assert _plain(a) == _plain(b)


def test_the_command_with_a_store(run_cli, landscape: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_cli("build", "--store", str(store), "--no-owl").returncode == 0
    book = to_xlsx(landscape, tmp_path / "book.xlsx")
    dry = run_cli("import", "sheet", str(book), "--store", str(store), "--dry-run")
    assert dry.returncode == 0 and "would add" in dry.stdout and "would conform" in dry.stdout, dry.stderr
    trig = tmp_path / "kept.trig"
    out = run_cli("import", "sheet", str(book), "--store", str(store), "--trig", str(trig))
    assert out.returncode == 0 and re.search(r"added \d+ triples", out.stdout), out.stderr
    assert "Safe Migration Central Asia" in trig.read_text(encoding="utf-8")
    q = run_cli("query", "programmes-in-country", "-p", "country=KZ", "-f", "csv", "--store", str(store))
    assert q.returncode == 0 and "Safe Migration Central Asia" in q.stdout, q.stdout + q.stderr


# ---------------------------------------------------------------------------
# Problems: named by sheet, row and column; nothing changes
# ---------------------------------------------------------------------------
BAD = [
    "sheet 'sources', row 3, column B (url): 'ftp://www.example.org/old' is not a web address",
    "sheet 'organisations', row 2, column B (kind): unknown kind 'ministry of magic'; the kinds are: "
    "civil-society organisation",
    "sheet 'organisations', row 3, column A (name): \"=cmd|' /C calc'!A0\" is a formula, not a value",
    "sheet 'engagements', row 2, column A (organisation): no organisation is called 'UNODCC' in the graph or in "
    "this workbook; nearest known names: UNODC",
    "sheet 'engagements', row 3, column G (source): unknown source 'S9'; the sources sheet defines: S1",
    "sheet 'engagements', row 3, column C (role): unknown role 'sponsor'",
    "sheet 'engagements', row 3, column D (countries): unknown country 'Atlantis'",
    "sheet 'engagements', row 3, column E (start): '11/03/2025' is not a date; write it as YYYY-MM-DD",
    "sheet 'events', row 2, column H (participants): 'thirty' is not a whole number",
    "sheet 'people', row 1, column D: unknown column 'colour'; the columns of people are: person, post",
]


def test_every_problem_is_named_and_nothing_changes(run_cli, bad: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_cli("build", "--store", str(store), "--no-owl").returncode == 0
    before = tipgraph.load(path=store).store.dump()
    formula = BAD[2]
    for source in (bad, to_xlsx(bad, tmp_path / "bad.xlsx")):
        out = run_cli("import", "sheet", str(source), "--store", str(store))
        assert out.returncode == 4, out.stderr
        for text in BAD:
            if text == formula and source.suffix == ".xlsx":  # in a workbook it is a formula cell: read as empty
                text = "sheet 'organisations', row 3, column A (name): this column needs a value"
            assert text in out.stderr, (text, out.stderr)
        assert "Traceback" not in out.stderr and out.stdout == ""
    assert tipgraph.load(path=store).store.dump() == before


def test_a_formula_cell_in_a_workbook_is_never_evaluated(landscape: Path, tmp_path: Path) -> None:
    book = to_xlsx(landscape, tmp_path / "f.xlsx", formula=("organisations", 2, 1, '=HYPERLINK("http://x","y")'))
    with pytest.raises(BadInputError, match=r"sheet 'organisations', row 2, column A \(name\): this column needs"):
        import_sheet(tipgraph.load(), book)  # no cached value: the cell is empty, never run


def test_programme_without_a_funder_does_not_conform(run_cli, landscape: Path, tmp_path: Path) -> None:
    folder = tmp_path / "nofunder"
    folder.mkdir()
    for f in landscape.glob("*.csv"):
        text = f.read_text(encoding="utf-8")
        if f.name == "engagements.csv":
            text = "\n".join(line for line in text.splitlines() if ",funding," not in line) + "\n"
        (folder / f.name).write_text(text, encoding="utf-8")
    out = run_cli("import", "sheet", str(folder))
    assert out.returncode == 3 and "funding engagement" in out.stderr, out.stderr


def test_unknown_sheets_and_limits(tmp_path: Path, landscape: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "orgs").mkdir()
    (tmp_path / "orgs" / "organizations.csv").write_text("name,source\nX,S1\n", encoding="utf-8")
    with pytest.raises(BadInputError, match=r"organizations\.csv is not a sheet of the template"):
        read_workbook(tmp_path / "orgs")
    not_zip = tmp_path / "x.xlsx"
    not_zip.write_bytes(b"this is no workbook")
    with pytest.raises(BadInputError, match=r"not an \.xlsx workbook"):
        read_workbook(not_zip)
    book = to_xlsx(landscape, tmp_path / "ok.xlsx")
    assert set(read_workbook(book)) == set(SHEETS)  # positive control
    monkeypatch.setattr(sheets, "MAX_UNZIPPED_BYTES", 1000)
    with pytest.raises(InputLimitError, match="unpacks to"):
        read_workbook(book)
    with pytest.raises(InputLimitError, match="over the limit"):
        read_workbook(book, max_bytes=100)


# ---------------------------------------------------------------------------
# The template
# ---------------------------------------------------------------------------
def test_the_template_is_generated_from_one_definition_and_imports_empty(run_cli, tmp_path: Path) -> None:
    out = run_cli("import", "sheet", "--template", str(tmp_path / "t"))
    assert out.returncode == 0, out.stderr
    folder = tmp_path / "t"
    for sheet, cols in SHEETS.items():
        header = (folder / f"{sheet}.csv").read_text(encoding="utf-8").splitlines()
        assert header == [",".join(c.name for c in cols)]
    wb = openpyxl.load_workbook(folder / "template.xlsx")
    assert wb.sheetnames == list(SHEETS)
    for sheet, cols in SHEETS.items():
        ws = wb[sheet]
        assert [c.value for c in ws[1]] == [c.name for c in cols] and ws.freeze_panes == "A2"
        assert all(c.comment is not None for c in ws[1])
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert all(f"## {sheet}" in readme for sheet in SHEETS)
    with zipfile.ZipFile(folder / "template.xlsx") as z:
        assert z.testzip() is None
    kg = tipgraph.load()
    for source in (folder / "template.xlsx", folder):
        result = import_sheet(kg, source)
        assert result.rows == 0 and result.added.total == 0
