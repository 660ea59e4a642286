"""Query results as tables for spreadsheets: ``.xlsx`` workbooks and CSV, with typed cells.

Numbers stay numbers, dates dates and booleans booleans (so a spreadsheet sorts and sums
them); IRIs are written as prefixed names. Text that a spreadsheet would run as a formula
(beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written as text: in
CSV behind an apostrophe, in a workbook as a string cell.

>>> from rdflib import Literal
>>> cell_value(Literal(3)), cell_value(Literal("2024-06-24", datatype=XSD.date))
(3, datetime.date(2024, 6, 24))
>>> csv_text(cell_value(Literal("=HYPERLINK(1)")))
"'=HYPERLINK(1)"
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .errors import BadInputError
from .files import atomic_write
from .namespace import shorten
from .query import QueryResult

__all__ = ["FORMULA_START", "cell_value", "csv_text", "to_csv", "to_xlsx", "write_xlsx"]

#: What a cell's text may not begin with unless it is meant as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The widest column, in characters.
MAX_WIDTH = 60
#: Excel's limits.
MAX_XLSX_ROWS = 1_048_575
MAX_CELL_CHARS = 32_767

_INTEGERS = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger, XSD.positiveInteger,
             XSD.negativeInteger, XSD.nonPositiveInteger, XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort,
             XSD.unsignedByte}


def cell_value(term: Node | None) -> Any:
    """The spreadsheet value of an answer's term: int, Decimal, float, bool, date, datetime, or text.

    A year (``xsd:gYear``) is its number; a date-time with a time zone becomes UTC (spreadsheets
    have no zones); a value that does not fit its datatype is kept as its text.

    >>> cell_value(Literal("2024", datatype=XSD.gYear)), cell_value(Literal(True)), cell_value(None)
    (2024, True, None)
    """
    if term is None:
        return None
    if isinstance(term, Literal):
        dt = term.datatype
        text = str(term)
        try:
            if dt in _INTEGERS:
                return int(text)
            if dt == XSD.decimal:
                return Decimal(text)
            if dt in (XSD.double, XSD.float):
                return float(text)
            if dt == XSD.boolean:
                return text.strip() in ("true", "1")
            if dt == XSD.date:
                return _dt.date.fromisoformat(text[:10])
            if dt == XSD.dateTime:
                value = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
                if value.tzinfo is not None:
                    value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
                return value
            if dt == XSD.gYear:
                return int(text[:4]) if text[:4].isdigit() and len(text) == 4 else text
        except ValueError:
            return text
        return text
    if isinstance(term, URIRef):
        return shorten(term)
    return str(term)


def csv_text(value: Any) -> str:
    """A cell as CSV text: formula-like text behind an apostrophe, dates in ISO form.

    >>> csv_text(-3), csv_text("-3"), csv_text(_dt.date(2024, 1, 2)), csv_text(False)
    ('-3', "'-3", '2024-01-02', 'false')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _table(result: QueryResult) -> tuple[list[str], list[list[Any]]]:
    if result.kind == "ASK":
        return ["answer"], [[bool(result.boolean)]]
    if result.kind == "CONSTRUCT":
        return ["subject", "predicate", "object"], [[cell_value(x) for x in t] for t in result.triples]
    return list(result.vars), [[cell_value(x) for x in row] for row in result.rows]


def to_csv(result: QueryResult, delimiter: str = ",") -> str:
    """The answer as CSV with a header row, typed values and the formula guard.

    >>> r = QueryResult("SELECT", ["n", "name"], [(Literal(1), Literal("@x"))])
    >>> to_csv(r)
    "n,name\\n1,'@x\\n"
    """
    head, body = _table(result)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow([csv_text(h) for h in head])
    writer.writerows([csv_text(v) for v in row] for row in body)
    return buf.getvalue()


def _shown(value: Any) -> str:
    return csv_text(value) if not isinstance(value, str) else value


def _sheet_title(name: str, used: set[str]) -> str:
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "answer"
    title, n = base, 2
    while title.casefold() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.casefold())
    return title


def to_xlsx(results: Mapping[str, QueryResult]) -> bytes:
    """A workbook with one sheet per answer (named after it): a bold, frozen header row, typed
    cells, columns as wide as their text (up to :data:`MAX_WIDTH`), text never taken for a formula.

    >>> data = to_xlsx({"n": QueryResult("SELECT", ["n"], [(Literal(1),)])})
    >>> data[:2]
    b'PK'
    """
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ImportError as exc:  # pragma: no cover - depends on extras
        raise ImportError("writing .xlsx needs openpyxl: pip install 'tipgraph[imports]'") from exc
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for name, result in results.items():
        head, body = _table(result)
        if len(body) > MAX_XLSX_ROWS:
            raise BadInputError(f"the answer {name!r} has {len(body)} rows, more than a worksheet holds "
                                f"({MAX_XLSX_ROWS}); write it as CSV")
        ws = wb.create_sheet(_sheet_title(name, used))
        widths = [len(h) for h in head]
        ws.append(head)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.data_type = "s"
        for r, row in enumerate(body, start=2):
            for c, value in enumerate(row, start=1):
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    value = value[: MAX_CELL_CHARS - 1] + "\u2026"
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever it begins with
                    if value.startswith(FORMULA_START):
                        cell.quotePrefix = True  # and it stays text when someone edits it in Excel
                elif isinstance(value, _dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
                elif isinstance(value, _dt.date):
                    cell.number_format = "yyyy-mm-dd"
                widths[c - 1] = max(widths[c - 1], len(_shown(value)))
        ws.freeze_panes = "A2"
        for c, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = min(MAX_WIDTH, width + 2)
    if not results:
        wb.create_sheet("answer")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_xlsx(path: str | Path, results: Mapping[str, QueryResult] | Iterable[tuple[str, QueryResult]]) -> Path:
    """Write :func:`to_xlsx` of the answers to ``path`` atomically (``-``: standard output)."""
    items = dict(results.items() if isinstance(results, Mapping) else results)
    return atomic_write(path, to_xlsx(items))
