"""Curator spreadsheets: one sheet per kind of fact, read into checked source graphs with provenance.

A workbook (``.xlsx``) or a folder of CSV files named after the sheets holds:

* ``sources``: the documents the facts come from (a key the other sheets name, URL, title, date);
* ``organisations``, ``programmes``, ``engagements`` (who plays which part in which programme,
  where, when), ``events``, ``people`` (people and their posts), ``rankings``.

Every row names its source; its facts go into the graph of that source, described in
``tgd:graph-sources``. Names are found among the entities the graph holds (labels, alternative
labels, ISO codes) and among the rows of the same workbook; new entities get identifiers derived
from their names, so importing the same workbook again adds nothing. Every problem is reported
with its sheet, row and column, and nothing is added until all rows are good; then the whole
import goes through :meth:`tipgraph.KnowledgeGraph.add_files`, the same checks as ``tipgraph add``.

The template (:func:`write_template`) is generated from :data:`SHEETS`, the one definition.

>>> [c.name for c in SHEETS["engagements"]]
['organisation', 'programme', 'role', 'countries', 'start', 'end', 'source']
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, SKOS, XSD

from ..countries import country, nearest
from ..errors import AmbiguousNameError, BadInputError, InputLimitError
from ..files import atomic_write
from ..namespace import TG, TGD, expand, shorten
from ..query import execute_bound
from .ranking import (
    MAX_PROBLEMS,
    MAX_ROWS,
    MAX_TABLE_BYTES,
    Dataset,
    Source,
    Table,
    add_country,
    add_dataset,
    country_index,
    find_report,
    rankings_of,
    ranking_triples,
    read_csv,
    stable_id,
)

__all__ = ["MAX_UNZIPPED_BYTES", "SHEETS", "Column", "SheetImport", "import_sheet", "read_workbook",
           "write_template"]

#: The most an .xlsx may unpack to (a workbook is a zip file; this refuses zip bombs).
MAX_UNZIPPED_BYTES = 512 * 2**20


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, whether every row needs it, what it holds, an example."""

    name: str
    required: bool
    help: str
    example: str = ""


def _c(name: str, help: str, example: str = "", required: bool = False) -> Column:
    return Column(name, required, help, example)


_SOURCE = _c("source", "the key of the row's source in the sources sheet (or the URL or tgd: id of a source the "
                       "graph holds)", "S1", True)

#: The sheets and their columns: the one definition the template, the reader and the README come from.
SHEETS: dict[str, tuple[Column, ...]] = {
    "sources": (
        _c("key", "a short name the other sheets use for this source", "S1", True),
        _c("url", "where the document can be read (http or https)", "https://www.unodc.org/...", True),
        _c("title", "the document's title", "UNODC press release: training in Almaty", True),
        _c("published", "publication date, YYYY-MM-DD", "2025-03-11", True),
        _c("publisher", "the publishing organisation (label or acronym)", "UNODC"),
        _c("language", "ISO 639-1 code of the document (default en)", "en"),
    ),
    "organisations": (
        _c("name", "the organisation's name", "Ministry of Internal Affairs of Kazakhstan", True),
        _c("kind", "government ministry, law-enforcement agency, civil-society organisation, intergovernmental "
                   "organisation, ... (default: organisation)", "government ministry"),
        _c("acronym", "a short name", "MVD"),
        _c("aliases", "other names, separated by ';'", "Interior Ministry of Kazakhstan"),
        _c("part of", "the organisation it belongs to", ""),
        _SOURCE,
    ),
    "programmes": (
        _c("name", "the programme's name", "PROTECT", True),
        _c("kind", "programme, global programme, initiative or project (default: programme)", "project"),
        _c("acronym", "a short name", ""),
        _c("within", "the programme whose framework it runs in", "GLO.ACT"),
        _c("start", "start date, YYYY-MM-DD", "2021-01-01"),
        _c("end", "end date, YYYY-MM-DD", ""),
        _SOURCE,
    ),
    "engagements": (
        _c("organisation", "who", "UNODC", True),
        _c("programme", "in which programme", "PROTECT", True),
        _c("role", "funding, accountable, extending or implementing (or the IATI code 1-4)", "implementing", True),
        _c("countries", "where, separated by ';' (names or ISO codes)", "PK; AF"),
        _c("start", "start date, YYYY-MM-DD", ""),
        _c("end", "end date, YYYY-MM-DD", ""),
        _SOURCE,
    ),
    "events": (
        _c("name", "the event's name", "Joint training on victim identification, Almaty", True),
        _c("kind", "workshop, training, meeting or event (default: event)", "training"),
        _c("start", "first day, YYYY-MM-DD", "2025-03-09", True),
        _c("end", "last day, YYYY-MM-DD", "2025-03-10"),
        _c("place", "the city or country it was held in", "Kazakhstan", True),
        _c("organiser", "the organisation (or person) that convened it", "UNODC"),
        _c("programme", "the programme it was held under", "PROTECT"),
        _c("participants", "how many took part", "30"),
        _c("women", "how many of them were women", "12"),
        _SOURCE,
    ),
    "people": (
        _c("person", "the person's name (empty for a post whose holder the source does not name)", "Jane Doe"),
        _c("post", "the post they hold", "Programme Coordinator, PROTECT"),
        _c("organisation", "where the post is", "UNODC"),
        _c("programme", "the programme the post serves", "PROTECT"),
        _SOURCE,
    ),
    "rankings": (
        _c("country", "the country (name or ISO code)", "Pakistan", True),
        _c("year", "the report's year", "2024", True),
        _c("tier", "the tier: 1, 2, 2WL, 3, Special Case (blank or NA: not ranked)", "2", True),
        _c("report", "the report", "U.S. Trafficking in Persons Report", True),
        _c("publisher", "who publishes the report", "U.S. Department of State"),
        _SOURCE,
    ),
}

_ROLES = {"funding": TG.FundingRole, "funder": TG.FundingRole, "1": TG.FundingRole,
          "accountable": TG.AccountableRole, "2": TG.AccountableRole,
          "extending": TG.ExtendingRole, "3": TG.ExtendingRole,
          "implementing": TG.ImplementingRole, "implementer": TG.ImplementingRole, "4": TG.ImplementingRole}
_ROLE_WORDS = {TG.FundingRole: "funds", TG.AccountableRole: "is accountable for", TG.ExtendingRole: "extends",
               TG.ImplementingRole: "implements"}


def _letter(i: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 -> A, 26 -> AA)."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


# ---------------------------------------------------------------------------
# The template
# ---------------------------------------------------------------------------
def _readme() -> str:
    lines = ["# tipgraph curator template", "",
             "One sheet per kind of fact (the same sheets as template.xlsx, or one CSV file each). Every row "
             "names its source: the key of a row of the sources sheet. Names are matched to what the graph "
             "holds (labels, acronyms, ISO codes); new names become new entities. Import with",
             "", "    tipgraph import sheet FOLDER-OR-XLSX --store out/store --dry-run", ""]
    for sheet, cols in SHEETS.items():
        lines += [f"## {sheet}", "", "| column | needed | what | example |", "| --- | --- | --- | --- |"]
        lines += [f"| {c.name} | {'yes' if c.required else ''} | {c.help} | {c.example} |" for c in cols]
        lines.append("")
    return "\n".join(lines)


def template_xlsx() -> bytes:
    """The empty workbook: one sheet per kind, a bold frozen header, each header's help as a comment."""
    import io

    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for sheet, cols in SHEETS.items():
        ws = wb.create_sheet(sheet)
        ws.append([c.name for c in cols])
        for i, (cell, col) in enumerate(zip(ws[1], cols, strict=True)):
            cell.font = Font(bold=True)
            needed = "needed. " if col.required else ""
            cell.comment = Comment(f"{needed}{col.help}" + (f" (e.g. {col.example})" if col.example else ""),
                                   "tipgraph")
            ws.column_dimensions[_letter(i)].width = max(12, min(40, len(col.example) + 2))
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_template(folder: str | Path) -> list[Path]:
    """Write the template into ``folder``: one CSV per sheet (headers only), template.xlsx, README.md."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet, cols in SHEETS.items():
        written.append(atomic_write(out / f"{sheet}.csv", ",".join(c.name for c in cols) + "\n"))
    written.append(atomic_write(out / "template.xlsx", template_xlsx()))
    written.append(atomic_write(out / "README.md", _readme()))
    return written


# ---------------------------------------------------------------------------
# Reading a workbook or a folder
# ---------------------------------------------------------------------------
def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_zip(path: Path, where: str) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadInputError(f"not an .xlsx workbook ({exc})", path=where) from None
    if total > MAX_UNZIPPED_BYTES:
        raise InputLimitError(f"the workbook unpacks to {total / 2**20:.0f} MiB, over the limit of "
                              f"{MAX_UNZIPPED_BYTES / 2**20:g} MiB", path=where)


def read_workbook(path: str | Path, *, max_bytes: int = MAX_TABLE_BYTES) -> dict[str, Table]:
    """The sheets of an .xlsx workbook or a folder of CSV files, by sheet name (unknown sheets refused).

    Formulas are never evaluated: a workbook's cells are read as their last computed values.
    """
    p = Path(path)
    known = ", ".join(SHEETS)
    tables: dict[str, Table] = {}
    if p.is_dir():
        for f in sorted(p.glob("*.csv")):
            name = f.stem.casefold()
            if name not in SHEETS:
                raise BadInputError(f"{f.name} is not a sheet of the template; the sheets are: {known}", path=str(f))
            tables[name] = read_csv(f, max_bytes=max_bytes)
        if not tables:
            raise BadInputError(f"no CSV files here; the template's sheets are {known} "
                                "(tipgraph import sheet --template DIR writes them)", path=str(p))
        return tables
    where = str(p)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise BadInputError(f"cannot read the workbook ({exc.strerror or exc})", path=where) from None
    if size > max_bytes:
        raise InputLimitError(f"the workbook is {size / 2**20:.1f} MiB, over the limit of {max_bytes / 2**20:g} MiB",
                              path=where)
    if p.suffix.casefold() == ".csv":
        raise BadInputError("a single CSV file is one sheet: put it in a folder named after the sheets "
                            f"({known}), or use tipgraph import ranking for a ranking table", path=where)
    _check_zip(p, where)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise BadInputError(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})", path=where) from None
    try:
        for ws in wb.worksheets:
            name = ws.title.strip().casefold()
            if name not in SHEETS:
                raise BadInputError(f"the sheet {ws.title!r} is not a sheet of the template; the sheets are: {known}",
                                    path=where)
            header: list[str] | None = None
            rows: list[tuple[int, list[str]]] = []
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = [_text(v) for v in values]
                if not any(cells):
                    continue
                if header is None:
                    header = cells
                    continue
                if len(rows) >= MAX_ROWS:
                    raise InputLimitError(f"the sheet {ws.title!r} has more than {MAX_ROWS} rows", path=where)
                rows.append((number, cells))
            if header is not None:
                tables[name] = Table(f"{where}, sheet {name}", header, rows)
    finally:
        wb.close()
    return tables


# ---------------------------------------------------------------------------
# Rows into facts
# ---------------------------------------------------------------------------
@dataclass
class _Row:
    sheet: str
    where: str
    line: int
    cells: dict[str, tuple[int, str]]
    problems: list[tuple[str, int, str]]

    def get(self, name: str) -> str:
        return self.cells.get(name, (0, ""))[1]

    def fail(self, column: str, message: str) -> None:
        index = self.cells.get(column, (0, ""))[0]
        self.problems.append((self.where, self.line,
                              f"sheet {self.sheet!r}, row {self.line}, column {_letter(index)} ({column}): {message}"))


_INDEX = """
SELECT DISTINCT ?e ?text ?type WHERE {
  ?e skos:prefLabel|skos:altLabel|tg:iso3166Alpha2|tg:iso3166Alpha3 ?text ; a ?type .
  FILTER (STRSTARTS(STR(?e), STR(tgd:)))
}
"""
_CLASSES = """
SELECT DISTINCT ?sub ?sup ?label WHERE {
  ?sub rdfs:subClassOf* ?sup . ?sub rdfs:label ?label .
  FILTER (STRSTARTS(STR(?sub), STR(tg:)) && STRSTARTS(STR(?sup), STR(tg:)))
}
"""
_SOURCES = "SELECT ?s ?url WHERE { ?s tg:sourceUrl ?url }"


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass
class _Context:
    kg: Any
    ds: Dataset
    problems: list[tuple[str, int, str]] = field(default_factory=list)
    names: dict[str, dict[URIRef, set[URIRef]]] = field(default_factory=dict)
    supers: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    kinds: dict[str, URIRef] = field(default_factory=dict)
    countries: dict[str, tuple[URIRef, str]] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    known_sources: dict[str, URIRef] = field(default_factory=dict)
    new: list[str] = field(default_factory=list)
    labels: dict[URIRef, str] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)

    def load(self) -> None:
        store = self.kg.store
        for sub, sup, label in execute_bound(store, _CLASSES, {}, None).rows:
            if isinstance(sub, URIRef) and isinstance(sup, URIRef):
                self.supers.setdefault(sub, set()).add(sup)
                self.kinds[_key(str(label))] = sub
        for e, text, typ in execute_bound(store, _INDEX, {}, None).rows:
            if isinstance(e, URIRef) and isinstance(typ, URIRef):
                self.names.setdefault(_key(str(text)), {}).setdefault(e, set()).add(typ)
                self.shown.setdefault(_key(str(text)), str(text))
        self.countries = country_index(store)
        for s, url in execute_bound(store, _SOURCES, {}, None).rows:
            if isinstance(s, URIRef):
                self.known_sources[str(url)] = s
                self.known_sources[shorten(s)] = s

    def label(self, iri: URIRef) -> str:
        """The name the graph (or this workbook) gives an entity."""
        if iri not in self.labels:
            self.labels.update(self.kg.labels([iri]))
        return self.labels.get(iri, shorten(iri))

    def remember(self, text: str, iri: URIRef, cls: URIRef) -> None:
        self.names.setdefault(_key(text), {}).setdefault(iri, set()).add(cls)
        self.shown.setdefault(_key(text), text)

    def is_a(self, types: set[URIRef], cls: URIRef) -> bool:
        return any(cls in self.supers.get(t, {t}) for t in types)

    def find(self, text: str, cls: URIRef) -> URIRef | None:
        iri = expand(text) if text.startswith("tgd:") else None
        if iri is not None:
            return iri
        hits = [e for e, types in self.names.get(_key(text), {}).items() if self.is_a(types, cls)]
        if len(hits) > 1:
            raise AmbiguousNameError(text, [(shorten(h), text) for h in sorted(hits)])
        return hits[0] if hits else None

    def nearest(self, text: str, cls: URIRef) -> list[str]:
        options = [k for k, ents in self.names.items() if any(self.is_a(t, cls) for t in ents.values())]
        return [self.shown.get(k, k) for k in difflib.get_close_matches(_key(text), options, n=3, cutoff=0.6)]

    def kind(self, row: _Row, column: str, base: URIRef) -> URIRef:
        text = row.get(column)
        if not text:
            return base
        cls = self.kinds.get(_key(text)) or self.kinds.get(_key(text).rstrip("s"))
        if cls is None or not self.is_a({cls}, base):
            options = sorted(k for k, c in self.kinds.items() if self.is_a({c}, base))
            row.fail(column, f"unknown kind {text!r}; the kinds are: {', '.join(options)}")
            return base
        return cls


def _date(row: _Row, column: str, *, required: bool = False) -> Literal | None:
    text = row.get(column)
    if not text:
        if required:
            row.fail(column, "needs a date (YYYY-MM-DD)")
        return None
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[T ]00:00:00)?", text)
    try:
        value = _dt.date.fromisoformat(m.group(1)) if m else None
    except ValueError:
        value = None
    if value is None:
        row.fail(column, f"{text!r} is not a date; write it as YYYY-MM-DD")
        return None
    return Literal(value.isoformat(), datatype=XSD.date)


def _count(row: _Row, column: str) -> Literal | None:
    text = row.get(column)
    if not text:
        return None
    if not re.fullmatch(r"\d{1,9}", text):
        row.fail(column, f"{text!r} is not a whole number")
        return None
    return Literal(int(text), datatype=XSD.nonNegativeInteger)


def _rows(ctx: _Context, sheet: str, table: Table) -> Iterator[_Row]:
    cols = {c.name: c for c in SHEETS[sheet]}
    index: dict[str, int] = {}
    for i, h in enumerate(table.header):
        name = _key(h)
        if name not in cols:
            ctx.problems.append((table.path, 1, f"sheet {sheet!r}, row 1, column {_letter(i)}: unknown column {h!r}; "
                                                f"the columns of {sheet} are: {', '.join(cols)}"))
        index[name] = i
    missing = [c.name for c in cols.values() if c.required and c.name not in index]
    if missing:
        ctx.problems.append((table.path, 1, f"sheet {sheet!r}: missing column(s) {', '.join(missing)}; "
                                            f"the columns of {sheet} are: {', '.join(cols)}"))
        return
    for line, values in table.rows:
        cells = {name: (i, values[i] if i < len(values) else "") for name, i in index.items()}
        row = _Row(sheet, table.path, line, cells, ctx.problems)
        for name, (i, value) in cells.items():
            if value.startswith("="):
                row.fail(name, f"{value[:40]!r} is a formula, not a value; paste the value instead")
                cells[name] = (i, "")
        for c in cols.values():
            if c.required and not row.get(c.name) and sheet != "rankings":
                row.fail(c.name, "this column needs a value")
        yield row


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]


class _Builder:
    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.ds = ctx.ds

    def source(self, row: _Row) -> tuple[URIRef, URIRef] | None:
        """The row's source and the graph its facts go into."""
        key = row.get("source")
        if not key:
            row.fail("source", "every row needs its source (a key of the sources sheet)")
            return None
        if key in self.ctx.sources:
            src = self.ctx.sources[key]
            return src.iri(), src.graph()
        known = self.ctx.known_sources.get(key)
        if known is not None:
            return known, TGD[f"graph-{shorten(known).removeprefix('tgd:')}"]
        keys = ", ".join(sorted(self.ctx.sources)) or "(none: the workbook has no sources sheet)"
        row.fail("source", f"unknown source {key!r}; the sources sheet defines: {keys}")
        return None

    def entity(self, row: _Row, column: str, cls: URIRef, kind: str) -> URIRef | None:
        """The entity a cell names (in the graph or defined by this workbook), or None with the problem noted."""
        text = row.get(column)
        if not text:
            return None
        try:
            found = self.ctx.find(text, cls)
        except AmbiguousNameError as exc:
            row.fail(column, str(exc))
            return None
        if found is None:
            near = self.ctx.nearest(text, cls)
            hint = f"; nearest known names: {', '.join(near)}" if near else ""
            row.fail(column, f"no {kind} is called {text!r} in the graph or in this workbook{hint}")
        return found

    def new(self, kind: str, name: str, cls: URIRef, graph: URIRef) -> URIRef:
        iri = TGD[stable_id(kind, _key(name))]
        g = self.ds.graph(graph)
        g.add((iri, RDF.type, cls))
        g.add((iri, SKOS.prefLabel, Literal(name, lang="en")))
        self.ctx.remember(name, iri, cls)
        self.ctx.labels[iri] = name
        self.ctx.new.append(f"{shorten(iri)}  {name}")
        return iri

    def place(self, row: _Row, column: str) -> URIRef | None:
        text = row.get(column)
        c = country(text)
        if c is not None:
            known = self.ctx.countries.get(c.alpha2)
            if known is None:
                known = self.ctx.countries[c.alpha2] = (add_country(self.ds, c), c.name)
                self.ctx.labels[known[0]] = c.name
                self.ctx.new.append(f"{shorten(known[0])}  {c.name}")
            return known[0]
        return self.entity(row, column, TG.Place, "place")


def _sources(ctx: _Context, table: Table | None) -> None:
    if table is None:
        return
    for row in _rows(ctx, "sources", table):
        key, url = row.get("key"), row.get("url")
        if not re.fullmatch(r"https?://\S+", url):
            row.fail("url", f"{url!r} is not a web address (http:// or https://)")
            continue
        published = _date(row, "published", required=True)
        if published is None or not key:
            continue
        if key in ctx.sources:
            row.fail("key", f"the key {key!r} names two sources")
            continue
        publisher = None
        if row.get("publisher"):
            publisher = ctx.find(row.get("publisher"), TG.Organisation)
            if publisher is None:
                b = _Builder(ctx)
                publisher = b.new("org", row.get("publisher"), TG.Organisation, TGD["graph-sources"])
        src = Source(url, row.get("title"), _dt.date.fromisoformat(str(published)), publisher,
                     row.get("language") or "en")
        ctx.sources[key] = src
        src.describe(ctx.ds)


def _organisations(ctx: _Context, table: Table | None, b: _Builder) -> list[tuple[_Row, URIRef, URIRef]]:
    """First pass: every organisation row's entity (found or new), so other rows can name them."""
    out = []
    for row in _rows(ctx, "organisations", table) if table else ():
        where = b.source(row)
        name = row.get("name")
        if where is None or not name:
            continue
        cls = ctx.kind(row, "kind", TG.Organisation)
        iri = ctx.find(name, TG.Organisation) or b.new("org", name, cls, where[1])
        for alias in [row.get("acronym"), *_split(row.get("aliases"))]:
            if alias:
                ctx.remember(alias, iri, cls)
        out.append((row, iri, where[1]))
    return out


def _programmes(ctx: _Context, table: Table | None, b: _Builder) -> list[tuple[_Row, URIRef, URIRef]]:
    out = []
    for row in _rows(ctx, "programmes", table) if table else ():
        where = b.source(row)
        name = row.get("name")
        if where is None or not name:
            continue
        cls = ctx.kind(row, "kind", TG.Programme)
        iri = ctx.find(name, TG.Programme) or b.new("prg", name, cls, where[1])
        if row.get("acronym"):
            ctx.remember(row.get("acronym"), iri, cls)
        out.append((row, iri, where[1]))
    return out


def _facts(ctx: _Context, tables: dict[str, Table]) -> int:
    b = _Builder(ctx)
    ds = ctx.ds
    rows = 0
    orgs = _organisations(ctx, tables.get("organisations"), b)
    prgs = _programmes(ctx, tables.get("programmes"), b)
    for row, iri, graph in orgs:
        g = ds.graph(graph)
        for alias in [row.get("acronym"), *_split(row.get("aliases"))]:
            if alias:
                g.add((iri, SKOS.altLabel, Literal(alias, lang="en")))
        parent = b.entity(row, "part of", TG.Organisation, "organisation")
        if parent is not None:
            g.add((iri, TG.subOrganisationOf, parent))
        rows += 1
    for row, iri, graph in prgs:
        g = ds.graph(graph)
        if row.get("acronym"):
            g.add((iri, SKOS.altLabel, Literal(row.get("acronym"), lang="en")))
        within = b.entity(row, "within", TG.Programme, "programme")
        if within is not None:
            g.add((iri, TG.withinFrameworkOf, within))
        for col, prop in (("start", TG.startDate), ("end", TG.endDate)):
            d = _date(row, col)
            if d is not None:
                g.add((iri, prop, d))
        rows += 1
    for row in _rows(ctx, "engagements", tables["engagements"]) if "engagements" in tables else ():
        where = b.source(row)
        org = b.entity(row, "organisation", TG.Organisation, "organisation")
        prg = b.entity(row, "programme", TG.Programme, "programme")
        role = _ROLES.get(_key(row.get("role")))
        if row.get("role") and role is None:
            row.fail("role", f"unknown role {row.get('role')!r}; the roles are funding, accountable, extending, "
                             "implementing (or the IATI codes 1-4)")
        places = []
        for name in _split(row.get("countries").replace(",", ";")):
            c = country(name)
            if c is None:
                near = nearest(name)
                row.fail("countries", f"unknown country {name!r}"
                         + (f"; nearest known names: {', '.join(near)}" if near else ""))
                continue
            row.cells["_country"] = (row.cells["countries"][0], name)
            places.append(b.place(row, "_country"))
        start, end = _date(row, "start"), _date(row, "end")
        if where is None or org is None or prg is None or role is None:
            continue
        eng = TGD[stable_id("eng", str(org), str(prg), str(role), str(where[0]))]
        g = ds.graph(where[1])
        g.add((eng, RDF.type, TG.Engagement))
        g.add((eng, SKOS.prefLabel, Literal(f"{ctx.label(org)} {_ROLE_WORDS[role]} {ctx.label(prg)}"
                                            + (f" in {', '.join(ctx.label(p) for p in places if p)}" if places else ""),
                                            lang="en")))
        g.add((eng, TG.engagedOrganisation, org))
        g.add((eng, TG.engagedProgramme, prg))
        g.add((eng, TG.engagementRole, role))
        for p in places:
            if p is not None:
                g.add((eng, TG.engagementCountry, p))
        for d, prop in ((start, TG.startDate), (end, TG.endDate)):
            if d is not None:
                g.add((eng, prop, d))
        g.add((eng, PROV.wasDerivedFrom, where[0]))
        rows += 1
    for row in _rows(ctx, "events", tables["events"]) if "events" in tables else ():
        where = b.source(row)
        cls = ctx.kind(row, "kind", TG.Event)
        start = _date(row, "start", required=True)
        end = _date(row, "end")
        place = b.place(row, "place") if row.get("place") else None
        organiser = None
        if row.get("organiser"):
            organiser = ctx.find(row.get("organiser"), TG.Organisation) or ctx.find(row.get("organiser"), TG.Person)
            if organiser is None:
                b.entity(row, "organiser", TG.Organisation, "organisation")
        prg = b.entity(row, "programme", TG.Programme, "programme")
        total, women = _count(row, "participants"), _count(row, "women")
        if where is None or start is None or place is None or not row.get("name"):
            continue
        evt = TGD[stable_id("evt", _key(row.get("name")), str(start))]
        g = ds.graph(where[1])
        g.add((evt, RDF.type, cls))
        g.add((evt, SKOS.prefLabel, Literal(row.get("name"), lang="en")))
        g.add((evt, TG.startDate, start))
        g.add((evt, TG.endDate, end if end is not None else start))
        g.add((evt, TG.heldIn, place))
        for value, prop in ((organiser, TG.organisedBy), (prg, TG.underProgramme), (total, TG.participantCount),
                            (women, TG.femaleParticipantCount)):
            if value is not None:
                g.add((evt, prop, value))
        rows += 1
    for row in _rows(ctx, "people", tables["people"]) if "people" in tables else ():
        where = b.source(row)
        if where is None:
            continue
        if not row.get("person") and not row.get("post"):
            row.fail("person", "give a person, a post, or both")
            continue
        org = b.entity(row, "organisation", TG.Organisation, "organisation")
        prg = b.entity(row, "programme", TG.Programme, "programme")
        g = ds.graph(where[1])
        person = None
        if row.get("person"):
            person = ctx.find(row.get("person"), TG.Person) or b.new("per", row.get("person"), TG.Person, where[1])
        if row.get("post"):
            post = ctx.find(row.get("post"), TG.Post)
            if post is None:
                post = TGD[stable_id("pst", _key(row.get("post")), str(org))]
                g.add((post, RDF.type, TG.Post))
                g.add((post, SKOS.prefLabel, Literal(row.get("post"), lang="en")))
                ctx.new.append(f"{shorten(post)}  {row.get('post')}")
            if person is not None:
                g.add((person, TG.holdsPost, post))
            if org is not None:
                g.add((post, TG.postIn, org))
            if prg is not None:
                g.add((post, TG.postForProgramme, prg))
        elif person is not None and org is not None:
            g.add((person, TG.memberOf, org))
        rows += 1
    rows += _rankings(ctx, tables.get("rankings"), b)
    return rows


def _rankings(ctx: _Context, table: Table | None, b: _Builder) -> int:
    if table is None:
        return 0
    groups: dict[tuple[str, str, str], list[tuple[int, list[str]]]] = {}
    good = list(_rows(ctx, "rankings", table))
    header = ["country", "year", "tier"]
    for row in good:
        where = b.source(row)
        if not row.get("report"):
            row.fail("report", "this column needs a value")
            continue
        if where is None:
            continue
        groups.setdefault((row.get("report"), row.get("publisher"), row.get("source")), []).append(
            (row.line, [row.get("country"), row.get("year"), row.get("tier")]))
    count = 0
    for (report, publisher, key), rows in groups.items():
        try:
            got = rankings_of(Table(table.path, header, rows), country_column="country", year_column="year",
                              tier_column="tier")
        except BadInputError as exc:
            ctx.problems.append((table.path, exc.line or 0, f"sheet 'rankings': {exc.message}"))
            continue
        doc, _ = find_report(ctx.kg, ctx.ds, report, publisher or None)
        src = ctx.sources.get(key)
        source, graph = (src.iri(), src.graph()) if src else (ctx.known_sources[key],
                                                              TGD[f"graph-{shorten(ctx.known_sources[key])[4:]}"])
        ranking_triples(ctx.ds, got.rows, doc, report, graph, source, ctx.countries, ctx.new)
        count += len(got.rows)
    return count


@dataclass
class SheetImport:
    """What :func:`import_sheet` did."""

    path: str
    sheets: dict[str, int]
    rows: int
    new_entities: list[str]
    added: Any

    def text(self) -> str:
        """Readable: the sheets read and what changed."""
        read = ", ".join(f"{name} {n}" for name, n in self.sheets.items())
        return f"{self.path}: {self.rows} rows read ({read})\n" + self.added.text()


def import_sheet(kg: Any, path: str | Path, *, dry_run: bool = False, trig: str | Path | None = None,
                 max_bytes: int = MAX_TABLE_BYTES) -> SheetImport:
    """Read a curator workbook (``.xlsx``) or folder of CSV files and add it as checked source graphs.

    All or nothing: every problem (sheet, row, column) is reported at once and nothing is added.
    """
    tables = read_workbook(path, max_bytes=max_bytes)
    ctx = _Context(kg, Dataset())
    ctx.load()
    _sources(ctx, tables.get("sources"))
    rows = _facts(ctx, tables)
    if ctx.problems:
        first = ctx.problems[0][2]
        shown = [text for _, _, text in ctx.problems[:MAX_PROBLEMS]]
        if len(ctx.problems) > MAX_PROBLEMS:
            shown.append(f"... and {len(ctx.problems) - MAX_PROBLEMS} more")
        rest = "" if len(ctx.problems) == 1 else (f"\n{len(ctx.problems)} problems; nothing was imported:\n  "
                                                  + "\n  ".join(shown))
        raise BadInputError(first + rest, path=str(path))
    added = add_dataset(kg, ctx.ds, dry_run=dry_run, trig=trig)
    return SheetImport(str(path), {name: len(t.rows) for name, t in tables.items()}, rows, ctx.new, added)

