"""Ranking tables (a country, a year and a tier per row) read into one checked source graph.

The U.S. Trafficking in Persons Report places every country in a tier each year; analysts keep
those placements as tables. :func:`read_ranking` reads such a CSV file (UTF-8 with or without a
byte-order mark, or Excel's Windows encoding; commas, semicolons or tabs), finds its country,
year and tier columns by their headers, maps the tier codes and refuses the whole file with every
problem named by line: an unknown country with the nearest known names, an unknown tier code, a
country ranked twice in one year (both lines). :func:`import_ranking` turns each row into one
``tg:Ranking`` in the graph of one source document and adds it through
:meth:`tipgraph.KnowledgeGraph.add_files`, the same checked path as ``tipgraph add``.

Identifiers are derived from what they name (the report, the country, the year), so importing
the same table again adds nothing.

>>> tier_of("2WL"), tier_of("Tier 3"), tier_of("N/A")
(('Tier 2 Watch List', 3), ('Tier 3', 4), None)
>>> stable_id("rnk", "x") == stable_id("rnk", "x") != stable_id("rnk", "y")
True
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD
from rdflib.term import Node

from ..countries import Country, country, nearest
from ..curation import ALPHABET, ID_LENGTH
from ..errors import AmbiguousNameError, BadInputError, InputLimitError
from ..namespace import PREFIXES, TG, TGD, TGG, shorten
from ..query import execute_bound

__all__ = ["MAX_TABLE_BYTES", "NOT_RANKED", "TIERS", "Dataset", "RankingImport", "RankingRow", "RankingTable", "Table",
           "import_ranking", "read_csv", "read_ranking", "stable_id", "tier_of"]

#: The largest table read (bytes); a larger file is refused before it is read.
MAX_TABLE_BYTES = 64 * 2**20
#: The most data rows a table may have.
MAX_ROWS = 1_000_000
#: The most problems listed in one refusal (the rest are counted).
MAX_PROBLEMS = 25

#: The tiers of the U.S. Trafficking in Persons Report, as it writes them, with their level (1 best).
TIERS: dict[str, int | None] = {"Tier 1": 1, "Tier 2": 2, "Tier 2 Watch List": 3, "Tier 3": 4,
                                "Special Case": None}
#: Cells meaning "not ranked this year" (compared without case).
NOT_RANKED = frozenset({"", "na", "n/a", "n.a.", "-", "\u2013", "\u2014", "not ranked", "none", "nr"})
#: Tier codes as tables write them, in the form :func:`_code` compares them in.
_CODES = {"1": "Tier 1", "2": "Tier 2", "2wl": "Tier 2 Watch List", "2watchlist": "Tier 2 Watch List",
          "watchlist": "Tier 2 Watch List", "2w": "Tier 2 Watch List", "3": "Tier 3",
          "specialcase": "Special Case", "sc": "Special Case", "special": "Special Case"}

#: Header names that give each column away (compared in :func:`_header` form).
_HEADERS = {
    "country": ("country", "countryname", "name", "nation", "state", "countryorterritory", "iso", "iso2",
                "iso3", "isocode", "countrycode", "code", "alpha2", "alpha3", "iso31661"),
    "year": ("year", "reportyear", "yr", "edition", "tipyear", "publicationyear"),
    "tier": ("tier", "tierplacement", "tierranking", "ranking", "rank", "placement", "tierlevel", "grade"),
}


# ---------------------------------------------------------------------------
# Identifiers
# ---------------------------------------------------------------------------
def stable_id(kind: str, *parts: str) -> str:
    """An identifier of ``kind`` derived from what it names: the same parts give the same id.

    Curators' random ids (:func:`tipgraph.curation.new_id`) have the same form, so the two never
    look different; a derived id differs from every random one with the same odds as two random ones.

    >>> stable_id("plc", "PK")
    'plc-kzxepv5dpy'
    """
    digest = int.from_bytes(hashlib.sha256("\x1f".join((kind, *parts)).encode("utf-8")).digest()[:10], "big")
    chars = []
    for _ in range(ID_LENGTH):
        digest, r = divmod(digest, len(ALPHABET))
        chars.append(ALPHABET[r])
    return f"{kind}-{''.join(chars)}"


# ---------------------------------------------------------------------------
# Reading CSV as spreadsheets write it
# ---------------------------------------------------------------------------
@dataclass
class Table:
    """A table's header and its non-blank rows, each with the line of the file it ends on."""

    path: str
    header: list[str]
    rows: list[tuple[int, list[str]]]

    def column(self, name: str) -> int:
        """The index of a column, by its header (exact, then ignoring case and punctuation)."""
        if name in self.header:
            return self.header.index(name)
        wanted = _header(name)
        for i, h in enumerate(self.header):
            if _header(h) == wanted:
                return i
        raise BadInputError(f"no column {name!r}; the columns are: {', '.join(repr(h) for h in self.header)}",
                            path=self.path, line=1)


def _header(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


def _decode(raw: bytes, where: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise BadInputError(f"not UTF-16 text after its byte-order mark (byte {exc.start + 1})",
                                path=where) from None
    if b"\0" in raw:
        raise BadInputError("this is not a text table (it holds NUL bytes); save it as CSV", path=where)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")  # what Excel on Windows writes as "CSV"
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise BadInputError("the file is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8",
                            path=where, line=line) from None


def _delimiter(first: str) -> str:
    counts = dict.fromkeys(",;\t", 0)
    quoted = False
    for ch in first:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: str | Path, *, max_bytes: int = MAX_TABLE_BYTES, name: str | None = None) -> Table:
    """Read a CSV file as spreadsheets export it: the first non-blank row is the header.

    Accepts a UTF-8 byte-order mark, Excel's ``sep=;`` first line, and commas, semicolons or tabs
    (whichever the header uses). A file over ``max_bytes`` is refused unread
    (:class:`~tipgraph.errors.InputLimitError`).
    """
    p = Path(path)
    where = name or str(p)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise InputLimitError(f"the table is {size / 2**20:.1f} MiB, over the limit of {max_bytes / 2**20:g} MiB; "
                                  "split it", path=where)
        with p.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise BadInputError(f"cannot read the table ({exc.strerror or exc})", path=where) from None
    if len(raw) > max_bytes:  # a device or a file that grew while we looked
        raise InputLimitError(f"the table is over the limit of {max_bytes / 2**20:g} MiB; split it", path=where)
    return parse_csv(_decode(raw, where), where)


def parse_csv(text: str, where: str) -> Table:
    """A :class:`Table` from CSV text (see :func:`read_csv`).

    >>> t = parse_csv("sep=;\\nCountry;Year\\nPakistan;2024\\n", "t.csv")
    >>> t.header, t.rows
    (['Country', 'Year'], [(3, ['Pakistan', '2024'])])
    """
    lines = text.splitlines(keepends=True)
    offset = 0
    if lines and re.fullmatch(r'"?sep=(.)"?\r?\n?', lines[0]):
        delimiter = re.fullmatch(r'"?sep=(.)"?\r?\n?', lines[0]).group(1)  # type: ignore[union-attr]
        offset = 1
    else:
        first = next((ln for ln in lines if ln.strip()), "")
        delimiter = _delimiter(first)
    reader = csv.reader(io.StringIO("".join(lines[offset:])), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            line = reader.line_num + offset
            if header is None:
                header = [c.strip() for c in cells]
                continue
            if len(rows) >= MAX_ROWS:
                raise InputLimitError(f"the table has more than {MAX_ROWS} rows; split it", path=where, line=line)
            rows.append((line, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise BadInputError(f"not readable as CSV: {exc}", path=where, line=reader.line_num + offset) from None
    if header is None:
        raise BadInputError("the table is empty: it needs a header row and rows", path=where)
    return Table(where, header, rows)


def _problems(where: str, problems: list[tuple[int, str]], what: str) -> BadInputError:
    problems.sort()
    shown = [f"{where}:{line}: {text}" for line, text in problems[:MAX_PROBLEMS]]
    more = len(problems) - MAX_PROBLEMS
    if more > 0:
        shown.append(f"... and {more} more")
    first_line, first = problems[0]
    rest = "" if len(problems) == 1 else f"\n{len(problems)} problems; nothing was {what}:\n  " + "\n  ".join(shown)
    return BadInputError(first + rest, path=where, line=first_line)


# ---------------------------------------------------------------------------
# Tiers
# ---------------------------------------------------------------------------
def _code(text: str) -> str:
    text = re.sub(r"\btier\b", "", text.casefold())
    text = text.replace("watch list", "watchlist").replace("watch-list", "watchlist")
    return re.sub(r"[^0-9a-z]+", "", text)


def tier_of(cell: str, tier_map: Mapping[str, str] | None = None) -> tuple[str, int | None] | None:
    """The tier a cell gives, as the report writes it, with its level; None for "not ranked".

    ``tier_map`` maps a table's own codes to tiers (``{"3": "Tier 2 Watch List", "4": "Tier 3"}``)
    or to ``NA``. An unknown code raises :class:`KeyError`; a cell that looks like a spreadsheet
    formula raises :class:`ValueError`.

    >>> tier_of("Tier 2 Watch List"), tier_of("special case")
    (('Tier 2 Watch List', 3), ('Special Case', None))
    >>> tier_of("4", {"4": "Tier 3"})
    ('Tier 3', 4)
    """
    raw = " ".join(cell.split())
    if raw.casefold() in NOT_RANKED:
        return None
    if raw[:1] in ("=", "+", "@", "-"):
        raise ValueError(raw)
    code = _code(raw)
    for key, value in (tier_map or {}).items():
        if _code(key) == code:
            if value.strip().casefold() in NOT_RANKED:
                return None
            return tier_of(value)
    name = _CODES.get(code)
    if name is None:
        raise KeyError(raw)
    return name, TIERS[name]


def parse_tier_map(items: Iterable[str]) -> dict[str, str]:
    """``["3=Tier 2 Watch List", "4=3"]`` as a tier map; each target must be a known tier or NA.

    >>> parse_tier_map(["3=2WL", "4=Tier 3", "X=NA"])
    {'3': 'Tier 2 Watch List', '4': 'Tier 3', 'X': 'NA'}
    """
    out: dict[str, str] = {}
    for item in items:
        code, sep, target = item.partition("=")
        if not sep or not code.strip():
            raise BadInputError(f"--tier-map takes CODE=TIER, got {item!r}")
        if target.strip().casefold() in NOT_RANKED:
            out[code.strip()] = "NA"
            continue
        try:
            hit = tier_of(target)
        except (KeyError, ValueError):
            hit = None
        if hit is None:
            raise BadInputError(f"--tier-map {item!r}: {target!r} is not a tier; the tiers are "
                                f"{', '.join(TIERS)} (or NA for not ranked)")
        out[code.strip()] = hit[0]
    return out


# ---------------------------------------------------------------------------
# Ranking tables
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RankingRow:
    """One country's tier in one year, with the line of the table it came from."""

    line: int
    country: Country
    year: int
    tier: str
    level: int | None


@dataclass
class RankingTable:
    """What a ranking table holds: its rankings, and the rows that rank no one."""

    path: str
    rows: list[RankingRow]
    #: rows whose tier cell says "not ranked" (blank, NA, N/A, -)
    not_ranked: int
    #: the columns read: country, year, tier (the year column is None for a table with a column per year)
    columns: tuple[str, str | None, str]
    #: rows left out, with why
    skipped: list[str] = field(default_factory=list)


def _find(table: Table, kind: str, chosen: str | None) -> int | None:
    if chosen is not None:
        return table.column(chosen)
    names = [_header(h) for h in table.header]
    for wanted in _HEADERS[kind]:
        if wanted in names:
            return names.index(wanted)
    return None


#: Footnote marks tables put after a country's name ("Burma*", "Cuba [3]").
_FOOTNOTE = re.compile(r"\s*(?:[*^\u2020\u2021]+|\[\w{1,3}\]|\(\d{1,2}\))$")


def _year(text: str) -> int | None:
    m = re.fullmatch(r"(\d{4})(?:\.0+)?", text.strip())
    return int(m.group(1)) if m and 1900 <= int(m.group(1)) <= 2200 else None


def read_ranking(path: str | Path, *, country_column: str | None = None, year_column: str | None = None,
                 tier_column: str | None = None, tier_map: Mapping[str, str] | None = None,
                 max_bytes: int = MAX_TABLE_BYTES) -> RankingTable:
    """Read a ranking table: one row per country and year, or one row per country with a column per year.

    Every problem is collected and the file refused with all of them (:class:`BadInputError`):
    unknown countries with the nearest known names, unknown tier codes, bad years, and a country
    ranked twice in one year, naming both lines.
    """
    table = read_csv(path, max_bytes=max_bytes)
    return rankings_of(table, country_column=country_column, year_column=year_column, tier_column=tier_column,
                       tier_map=tier_map)


def rankings_of(table: Table, *, country_column: str | None = None, year_column: str | None = None,
                tier_column: str | None = None, tier_map: Mapping[str, str] | None = None,
                year: int | None = None) -> RankingTable:
    """The rankings of a :class:`Table` already read (a CSV file or a spreadsheet's sheet)."""
    where = table.path
    c = _find(table, "country", country_column)
    y = _find(table, "year", year_column)
    t = _find(table, "tier", tier_column)
    wide: list[tuple[int, int]] = []  # (column, year) of a table with a column per year
    if y is None and t is None and year_column is None and tier_column is None:
        wide = [(i, int(h)) for i, h in enumerate(table.header) if _year(h) is not None and i != c]
    missing = [kind for kind, i in (("country", c), ("year", y), ("tier", t))
               if i is None and not (wide and kind != "country") and not (kind == "year" and year is not None)]
    if missing:
        options = {"country": "--country-column", "year": "--year-column", "tier": "--tier-column"}
        raise BadInputError(
            f"cannot tell which column holds the {' and the '.join(missing)}; the columns are: "
            f"{', '.join(repr(h) for h in table.header)}; name them with "
            + " and ".join(options[m] for m in missing), path=where, line=1)
    assert c is not None
    cells: list[tuple[int, str, str, str]] = []  # line, country, year, tier
    def cell(row: list[str], i: int | None) -> str:
        return row[i] if i is not None and i < len(row) else ""

    for line, row in table.rows:
        if wide:
            cells += [(line, cell(row, c), str(yr), cell(row, i)) for i, yr in wide]
        else:
            cells.append((line, cell(row, c), cell(row, y) if y is not None else str(year), cell(row, t)))
    problems: list[tuple[int, str]] = []
    out: list[RankingRow] = []
    seen: dict[tuple[str, int], int] = {}
    not_ranked = 0
    skipped: list[str] = []
    for line, name, year_text, tier_text in cells:
        if not name:
            if tier_text.strip().casefold() not in NOT_RANKED:
                problems.append((line, "the country cell is empty"))
            continue
        try:
            tier = tier_of(tier_text, tier_map)
        except ValueError:
            problems.append((line, f"the tier {tier_text!r} looks like a spreadsheet formula, not a tier"))
            continue
        except KeyError:
            problems.append((line, f"unknown tier code {tier_text!r}; known: 1, 2, 2WL (Tier 2 Watch List), 3, "
                                   "Special Case, and NA for not ranked; map others with --tier-map CODE=TIER"))
            continue
        found = country(_FOOTNOTE.sub("", name)) if name[:1] not in ("=", "+", "@") else None
        if found is None:
            near = nearest(name)
            hint = f"; nearest known names: {', '.join(near)}" if near else ""
            problems.append((line, f"unknown country {name!r}{hint}"))
            continue
        yr = _year(year_text)
        if yr is None:
            problems.append((line, f"the year {year_text!r} is not a year (four digits, such as 2024)"))
            continue
        if tier is None:
            not_ranked += 1
            continue
        key = (found.alpha2, yr)
        if key in seen:
            problems.append((line, f"{found.name} is ranked twice for {yr}: on line {seen[key]} and on line {line}; "
                                   "keep one of them"))
            continue
        seen[key] = line
        out.append(RankingRow(line, found, yr, *tier))
    if problems:
        raise _problems(where, problems, "imported")
    columns = (table.header[c], table.header[y] if y is not None else None,
               table.header[t] if t is not None else "(a column per year)")
    return RankingTable(where, out, not_ranked, columns, skipped)


# ---------------------------------------------------------------------------
# Into the graph
# ---------------------------------------------------------------------------
class _GraphView:
    def __init__(self, quads: dict[tuple[Node, Node, Node], None]) -> None:
        self._quads = quads

    def add(self, triple: tuple[Node, Node, Node]) -> None:
        self._quads[triple] = None


class Dataset:
    """Triples by named graph, in the order they were added, each once; written as TriG.

    Lighter than :class:`rdflib.Dataset` for what an import builds (thousands of plain triples).

    >>> ds = Dataset()
    >>> ds.graph(TGD["graph-x"]).add((TGD["a"], RDF.type, TG.Country))
    >>> print(ds.serialize(format="trig").splitlines()[-3:])
    ['tgd:graph-x {', '    tgd:a rdf:type tg:Country .', '}']
    """

    def __init__(self) -> None:
        self.graphs: dict[URIRef, dict[tuple[Node, Node, Node], None]] = {}

    def graph(self, name: URIRef) -> _GraphView:
        """The graph ``name``, to add triples to."""
        return _GraphView(self.graphs.setdefault(name, {}))

    def __len__(self) -> int:
        return sum(len(g) for g in self.graphs.values())

    def serialize(self, format: str = "trig") -> str:
        """The triples as TriG, with the usual prefixes (``format`` must be ``"trig"``)."""
        if format != "trig":
            raise ValueError(format)
        used = {"tg", "tgd", "tgg", "rdf", "skos", "prov", "xsd", "dcterms"}
        lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(PREFIXES.items()) if p in used]
        for name, triples in self.graphs.items():
            if not triples:
                continue
            lines += ["", f"{_term(name)} {{"]
            lines += [f"    {_term(s)} {_term(p)} {_term(o)} ." for s, p, o in triples]
            lines.append("}")
        return "\n".join(lines) + "\n"


_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


@lru_cache(maxsize=65536)  # an import repeats its properties, classes and countries on every row
def _term(term: Node) -> str:
    if isinstance(term, URIRef):
        short = shorten(term)
        prefix, _, local = short.partition(":")
        if prefix in PREFIXES and _LOCAL.fullmatch(local) and short != str(term):
            return short
        return term.n3()
    return term.n3()


_COUNTRIES = """
SELECT ?c ?code (SAMPLE(?l) AS ?label) WHERE {
  ?c a tg:Country ; tg:iso3166Alpha2 ?code . OPTIONAL { ?c skos:prefLabel ?l }
} GROUP BY ?c ?code ORDER BY ?c
"""
_NAMED = """
SELECT DISTINCT ?e WHERE {
  ?e a ?cls ; skos:prefLabel|skos:altLabel ?l .
  ?cls rdfs:subClassOf* ?kind .
  FILTER (LCASE(STR(?l)) = LCASE(STR(?text)))
} ORDER BY ?e
"""


def named(store: Any, text: str, kind: URIRef) -> URIRef | None:
    """The one entity of a kind (or its subclasses) with this label or alternative label, or None."""
    rows = execute_bound(store, _NAMED, {"text": Literal(text), "kind": kind}, 20).rows
    found = [r[0] for r in rows if isinstance(r[0], URIRef)]
    if len(found) > 1:
        raise AmbiguousNameError(text, [(str(f), text) for f in found])
    return found[0] if found else None


def country_index(store: Any) -> dict[str, tuple[URIRef, str]]:
    """The countries the graph holds, by ISO alpha-2 code, with the name the graph gives them."""
    out: dict[str, tuple[URIRef, str]] = {}
    for iri, code, label in execute_bound(store, _COUNTRIES, {}, None).rows:
        if isinstance(iri, URIRef) and code is not None:
            out.setdefault(str(code), (iri, str(label) if label is not None else str(code)))
    return out


def add_country(ds: Dataset, c: Country) -> URIRef:
    """A new ``tg:Country`` with its ISO codes in the shared places graph (a derived id)."""
    iri = TGD[stable_id("plc", c.alpha2)]
    g = ds.graph(TGG["entities-places"])
    g.add((iri, RDF.type, TG.Country))
    g.add((iri, SKOS.prefLabel, Literal(c.name, lang="en")))
    g.add((iri, TG.iso3166Alpha2, Literal(c.alpha2)))
    g.add((iri, TG.iso3166Alpha3, Literal(c.alpha3)))
    return iri


@dataclass(frozen=True)
class Source:
    """The document facts are taken from: where it can be read, when it was published."""

    url: str
    title: str
    published: _dt.date
    publisher: URIRef | None = None
    language: str = "en"
    retrieved: _dt.date | None = None

    def iri(self) -> URIRef:
        """Its derived identifier (the same URL is the same source)."""
        return TGD[stable_id("src", self.url)]

    def graph(self) -> URIRef:
        """The named graph of its facts."""
        return TGD[f"graph-{stable_id('src', self.url)}"]

    def describe(self, ds: Dataset) -> None:
        """Its catalogue entry, and the description of its graph, into ``tgd:graph-sources``."""
        if not re.fullmatch(r"https?://\S+", self.url):
            raise BadInputError(f"a source's URL must start with http:// or https://, got {self.url!r}")
        g = ds.graph(TGD["graph-sources"])
        s = self.iri()
        g.add((s, RDF.type, TG.SourceDocument))
        g.add((s, RDF.type, PROV.Entity))
        g.add((s, SKOS.prefLabel, Literal(self.title, lang=self.language)))
        g.add((s, DCTERMS.title, Literal(self.title, lang=self.language)))
        g.add((s, TG.sourceUrl, Literal(self.url, datatype=XSD.anyURI)))
        g.add((s, DCTERMS.issued, Literal(self.published.isoformat(), datatype=XSD.date)))
        g.add((s, DCTERMS.language, Literal(self.language)))
        if self.retrieved is not None:
            g.add((s, TG.dateRetrieved, Literal(self.retrieved.isoformat(), datatype=XSD.date)))
        if self.publisher is not None:
            g.add((s, TG.publishedBy, self.publisher))
        b = self.graph()
        g.add((b, RDF.type, PROV.Bundle))
        g.add((b, RDF.type, PROV.Entity))
        g.add((b, SKOS.prefLabel, Literal("facts from " + self.title, lang=self.language)))
        g.add((b, PROV.wasDerivedFrom, s))


def add_dataset(kg: Any, ds: Dataset, *, dry_run: bool = False, trig: str | Path | None = None) -> Any:
    """Write ``ds`` as TriG (to ``trig``, or a temporary file) and add it through ``kg.add_files``."""
    text = ds.serialize(format="trig")
    if trig is not None:
        from ..files import atomic_write

        atomic_write(trig, text)
        return kg.add_files([Path(trig)], dry_run=dry_run)
    with tempfile.TemporaryDirectory(prefix="tipgraph-import-") as tmp:
        path = Path(tmp) / "import.trig"
        path.write_text(text, encoding="utf-8")
        return kg.add_files([path], dry_run=dry_run)


@dataclass
class RankingImport:
    """What :func:`import_ranking` did."""

    table: RankingTable
    source: URIRef
    report: URIRef
    new_countries: list[str]
    added: Any

    def text(self) -> str:
        """Readable: what was read, and what changed."""
        cols = self.table.columns
        lines = [f"{self.table.path}: {len(self.table.rows)} rankings, {self.table.not_ranked} rows not ranked "
                 f"(columns: country {cols[0]!r}, year {cols[1]!r}, tier {cols[2]!r})"]
        if self.new_countries:
            lines.append(f"new countries ({len(self.new_countries)}): {', '.join(self.new_countries)}")
        lines += [f"warning: {s}" for s in self.table.skipped]
        lines.append(self.added.text())
        return "\n".join(lines)


def ranking_triples(ds: Dataset, rows: Iterable[RankingRow], report: URIRef, report_label: str, graph: URIRef,
                    source: URIRef, countries: dict[str, tuple[URIRef, str]], new: list[str]) -> None:
    """One ``tg:Ranking`` per row into ``graph``; countries the graph lacks are added (listed in ``new``)."""
    g = ds.graph(graph)
    for r in rows:
        known = countries.get(r.country.alpha2)
        if known is None:
            known = countries[r.country.alpha2] = (add_country(ds, r.country), r.country.name)
            new.append(r.country.name)
        place, name = known
        iri = TGD[stable_id("rnk", str(report), r.country.alpha2, str(r.year))]
        g.add((iri, RDF.type, TG.Ranking))
        g.add((iri, SKOS.prefLabel, Literal(f"{name}'s tier in the {report_label}, {r.year}", lang="en")))
        g.add((iri, TG.rankingReport, report))
        g.add((iri, TG.rankedCountry, place))
        g.add((iri, TG.rankingYear, Literal(str(r.year), datatype=XSD.gYear)))
        g.add((iri, TG.tier, Literal(r.tier)))
        if r.level is not None:
            g.add((iri, TG.tierLevel, Literal(r.level, datatype=XSD.integer)))
        g.add((iri, PROV.wasDerivedFrom, source))


def find_report(kg: Any, ds: Dataset, report: str, publisher: str | None) -> tuple[URIRef, URIRef | None]:
    """The report (a ``tg:Report``) and its publisher (an organisation), found by label or added."""
    pub = None
    if publisher:
        pub = named(kg.store, publisher, TG.Organisation)
        if pub is None:
            pub = TGD[stable_id("org", publisher.casefold())]
            g = ds.graph(TGG["entities-organisations"])
            g.add((pub, RDF.type, TG.Organisation))
            g.add((pub, SKOS.prefLabel, Literal(publisher, lang="en")))
    doc = named(kg.store, report, TG.Report)
    if doc is None:
        doc = TGD[stable_id("doc", report.casefold())]
        g = ds.graph(TGG["entities-documents"])
        g.add((doc, RDF.type, TG.Report))
        g.add((doc, SKOS.prefLabel, Literal(report, lang="en")))
        if pub is not None:
            g.add((doc, TG.publishedBy, pub))
    return doc, pub


def import_ranking(kg: Any, path: str | Path, *, report: str, publisher: str | None = None,
                   url: str | None = None, published: _dt.date | None = None, retrieved: _dt.date | None = None,
                   country_column: str | None = None, year_column: str | None = None,
                   tier_column: str | None = None, tier_map: Mapping[str, str] | None = None,
                   dry_run: bool = False, trig: str | Path | None = None,
                   max_bytes: int = MAX_TABLE_BYTES) -> RankingImport:
    """Read a ranking table and add its rankings to ``kg`` as one checked source graph (all or nothing).

    ``url`` and ``published`` describe where the table was published and when (every source needs
    both); ``trig`` also keeps the source graph as a TriG file (for ``data/sources/``).
    """
    if not url or published is None:
        need = " and ".join(x for x, v in (("--url", url), ("--published", published)) if not v)
        raise BadInputError(f"a ranking table needs its source: give {need} (where the table was published, and "
                            "when: YYYY-MM-DD), so every ranking can be traced to a document one can open",
                            path=str(path))
    table = read_ranking(path, country_column=country_column, year_column=year_column, tier_column=tier_column,
                         tier_map=tier_map, max_bytes=max_bytes)
    ds = Dataset()
    doc, pub = find_report(kg, ds, report, publisher)
    src = Source(url, f"{report}: ranking table", published, pub, retrieved=retrieved)
    src.describe(ds)
    new: list[str] = []
    ranking_triples(ds, table.rows, doc, report, src.graph(), src.iri(), country_index(kg.store), new)
    added = add_dataset(kg, ds, dry_run=dry_run, trig=trig)
    return RankingImport(table, src.iri(), doc, new, added)
