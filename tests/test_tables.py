"""Answers as spreadsheets: typed cells, labels as the named answer shows them, no formula ever runs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from tipgraph.query import QueryResult, named_queries
from tipgraph.tables import cell_value, csv_text, to_csv, to_xlsx

TYPED = ('SELECT (1 AS ?i) (2.5 AS ?d) ("1.5e0"^^xsd:double AS ?f) ("2024-01-02"^^xsd:date AS ?day) '
         '("2024-01-02T10:30:00Z"^^xsd:dateTime AS ?at) (true AS ?b) ("2024"^^xsd:gYear AS ?y) '
         '("=HYPERLINK(\\"http://evil.example\\",\\"x\\")" AS ?f1) ("+1" AS ?f2) ("-1" AS ?f3) ("@SUM(A1)" AS ?f4) '
         '("plain" AS ?t) (tgd:org-0001 AS ?iri) WHERE {}')
HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1", "-1", "@SUM(A1)"]


def _sheet(path: Path, title: str | None = None) -> openpyxl.worksheet.worksheet.Worksheet:
    wb = openpyxl.load_workbook(path)
    return wb[title] if title else wb.worksheets[0]


def test_cell_values_are_typed() -> None:
    assert cell_value(Literal(7)) == 7 and isinstance(cell_value(Literal(7)), int)
    assert cell_value(Literal("2.50", datatype=XSD.decimal)) == Decimal("2.50")
    assert cell_value(Literal("2024-06-24", datatype=XSD.date)) == dt.date(2024, 6, 24)
    assert cell_value(Literal("2024-06-24T12:00:00+02:00", datatype=XSD.dateTime)) == dt.datetime(2024, 6, 24, 10)
    assert cell_value(Literal(False)) is False and cell_value(Literal("2024", datatype=XSD.gYear)) == 2024
    assert cell_value(Literal("x", datatype=XSD.integer)) == "x"  # ill-typed: kept as its text
    assert cell_value(URIRef("https://w3id.org/tipgraph/id/org-0001")) == "tgd:org-0001"


@pytest.mark.parametrize("text", [*HOSTILE, "\tx", "\rx"])
def test_formula_like_text_is_guarded_in_csv(text: str) -> None:
    assert csv_text(text) == "'" + text
    assert csv_text("plain") == "plain" and csv_text(-1) == "-1"  # positive control: numbers stay numbers


def test_xlsx_typed_cells_frozen_header_widths_and_no_formula(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "typed.xlsx"
    res = run_cli("query", "-e", TYPED, "-f", "xlsx", "-o", str(out))
    assert res.returncode == 0, res.stderr
    ws = _sheet(out)
    head = [c.value for c in ws[1]]
    assert head == ["i", "d", "f", "day", "at", "b", "y", "f1", "f2", "f3", "f4", "t", "iri"]
    assert all(c.font.b for c in ws[1]) and ws.freeze_panes == "A2"
    row = dict(zip(head, ws[2], strict=True))
    assert row["i"].value == 1 and row["i"].data_type == "n"
    assert row["d"].value == 2.5 and row["f"].value == 1.5 and row["y"].value == 2024
    assert row["day"].is_date and row["day"].value.date() == dt.date(2024, 1, 2)
    assert row["at"].is_date and row["at"].value == dt.datetime(2024, 1, 2, 10, 30)
    assert row["b"].value is True and row["b"].data_type == "b"
    for name, text in zip(("f1", "f2", "f3", "f4"), HOSTILE, strict=True):
        assert row[name].value == text and row[name].data_type == "s" and row[name].quotePrefix, name
    assert row["t"].value == "plain" and not row["t"].quotePrefix  # positive control
    assert row["iri"].value == "tgd:org-0001"
    assert ws.column_dimensions["H"].width > ws.column_dimensions["A"].width
    # the raw sheet XML holds no formula element at all
    import zipfile

    with zipfile.ZipFile(out) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


def test_csv_of_an_adhoc_select_is_typed_and_guarded(run_cli) -> None:
    res = run_cli("query", "-e", TYPED, "-f", "csv")
    assert res.returncode == 0, res.stderr
    (row,) = list(csv.DictReader(io.StringIO(res.stdout)))
    assert (row["i"], row["d"], row["day"], row["b"], row["y"]) == ("1", "2.5", "2024-01-02", "true", "2024")
    assert [row[k] for k in ("f1", "f2", "f3", "f4")] == ["'" + t for t in HOSTILE]


def test_named_answer_in_xlsx_shows_the_labels_the_named_answer_shows(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "events.xlsx"
    res = run_cli("query", "events-in-country", "-p", "country=PK", "-f", "xlsx", "-o", str(out))
    assert res.returncode == 0, res.stderr
    shown = run_cli("query", "events-in-country", "-p", "country=PK", "-f", "json")
    (expected,) = json.loads(shown.stdout)
    ws = _sheet(out, "events-in-country")
    head = [c.value for c in ws[1]]
    assert head == list(expected)
    row = dict(zip(head, [c.value for c in ws[2]], strict=True))
    assert row["participants"] == 68 and row["women"] == 12 and isinstance(row["womenPercent"], float)
    assert row["date"].date() == dt.date(2024, 10, 11) and row["placeLabel"] == "Islamabad"
    assert ws.max_row == 2


def test_every_named_query_into_one_workbook(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "all.xlsx"
    res = run_cli("query", "--all", "-f", "xlsx", "-o", str(out))
    assert res.returncode == 0, res.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == sorted(named_queries())
    ws = wb["countries-of-implementer"]
    assert [c.value for c in ws[1]] == ["organisation", "programme", "countryLabel", "iso2"]
    assert ws.max_row == 7 and ws["A2"].value == "ICMPD"


def test_xlsx_needs_an_output_file(run_cli) -> None:
    res = run_cli("query", "countries-of-implementer", "-f", "xlsx")
    assert res.returncode == 4 and "-o FILE.xlsx" in res.stderr and res.stdout == ""


def test_csv_to_a_file(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "c.csv"
    res = run_cli("query", "countries-of-implementer", "-f", "csv", "-o", str(out))
    assert res.returncode == 0 and res.stdout == "", res.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 6 and rows[0]["organisation"] == "ICMPD"


def test_library_api_and_sheet_names() -> None:
    long = "x" * 40
    res = QueryResult("SELECT", ["n"], [(Literal(1),)])
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx({long: res, long + "y": res, "a/b": res})))
    assert wb.sheetnames == ["x" * 31, "x" * 27 + " (2)", "a_b"]
    assert to_csv(QueryResult("ASK", boolean=True)) == "answer\ntrue\n"
