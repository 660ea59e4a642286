"""Ranking tables: every tier code lands where it should, re-import adds nothing, bad tables change nothing.

The fixtures in tests/fixtures/rankings/ are written for these tests: tiers.csv holds three years of
placements in every tier code (1, 2, 2WL, "2 Watch List", "Tier 2 Watch List", 3, Special Case)
with blank, NA, N/A and "-" rows; the others are each wrong in one way.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

import tipgraph
from tipgraph.errors import BadInputError, InputLimitError, NotConformingError
from tipgraph.imports.ranking import import_ranking, parse_tier_map, read_ranking, tier_of
from tipgraph.namespace import TGD
from tipgraph.store import BACKENDS

TIP = "U.S. Trafficking in Persons Report"
STATE = "U.S. Department of State"
URL = "https://www.state.gov/reports/2024-trafficking-in-persons-report/"
PUBLISHED = dt.date(2024, 6, 24)

#: What tiers.csv says, country and year -> tier as the report writes it (not-ranked rows absent).
EXPECTED = {
    ("PK", 2022): "Tier 2 Watch List", ("PK", 2023): "Tier 2 Watch List", ("PK", 2024): "Tier 2",
    ("AF", 2022): "Tier 3", ("AF", 2023): "Tier 3", ("AF", 2024): "Tier 3",
    ("KG", 2022): "Tier 2", ("KG", 2023): "Tier 2 Watch List", ("KG", 2024): "Tier 2 Watch List",
    ("KZ", 2022): "Tier 2", ("KZ", 2023): "Tier 2",
    ("UZ", 2022): "Tier 2 Watch List", ("UZ", 2023): "Tier 1", ("UZ", 2024): "Tier 2",
    ("LY", 2022): "Special Case", ("LY", 2023): "Special Case", ("LY", 2024): "Special Case",
    ("CA", 2022): "Tier 1", ("CA", 2023): "Tier 1", ("CA", 2024): "Tier 2 Watch List",
    ("MM", 2023): "Tier 3",
}
LEVELS = {"Tier 1": 1, "Tier 2": 2, "Tier 2 Watch List": 3, "Tier 3": 4, "Special Case": None}


@pytest.fixture(scope="module")
def rankings(repo: Path) -> Path:
    return repo / "tests" / "fixtures" / "rankings"


def _import(kg: tipgraph.KnowledgeGraph, path: Path, **kw):
    kw = {"report": TIP, "publisher": STATE, "url": URL, "published": PUBLISHED, **kw}
    return import_ranking(kg, path, **kw)


@pytest.fixture(scope="module", params=sorted(BACKENDS))
def ranked(request: pytest.FixtureRequest, rankings: Path) -> tipgraph.KnowledgeGraph:
    """The curated data with tiers.csv imported, on every backend."""
    kg = tipgraph.load(backend=request.param)
    result = _import(kg, rankings / "tiers.csv")
    assert result.added.total > 0
    return kg


def _placements(kg: tipgraph.KnowledgeGraph) -> dict[tuple[str, int], tuple[str, int | None]]:
    rows = kg.query("SELECT ?code ?year ?tier ?level WHERE { ?r tg:rankedCountry/tg:iso3166Alpha2 ?code ; "
                    "tg:rankingYear ?year ; tg:tier ?tier . OPTIONAL { ?r tg:tierLevel ?level } }").rows
    return {(str(c), int(str(y))): (str(t), None if lv is None else int(lv)) for c, y, t, lv in rows}


# ---------------------------------------------------------------------------
# Tier codes
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(("code", "tier"), [
    ("1", "Tier 1"), ("Tier 1", "Tier 1"), ("2", "Tier 2"), ("tier 2", "Tier 2"), ("2WL", "Tier 2 Watch List"),
    ("2 Watch List", "Tier 2 Watch List"), ("Tier 2 Watch List", "Tier 2 Watch List"), ("Tier 2 watch-list",
    "Tier 2 Watch List"), ("3", "Tier 3"), ("Tier 3", "Tier 3"), ("Special Case", "Special Case")])
def test_every_tier_code_is_read(code: str, tier: str) -> None:
    assert tier_of(code) == (tier, LEVELS[tier])


@pytest.mark.parametrize("cell", ["", "NA", "N/A", "n/a", "-", "  "])
def test_blank_and_na_mean_not_ranked(cell: str) -> None:
    assert tier_of(cell) is None
    assert tier_of("2") is not None  # positive control


def test_unknown_and_formula_codes_are_refused() -> None:
    with pytest.raises(KeyError):
        tier_of("Tier 5")
    with pytest.raises(ValueError):
        tier_of("=1")  # read as a tier it would be Tier 1
    with pytest.raises(BadInputError, match="is not a tier"):
        parse_tier_map(["4=Tier 9"])


# ---------------------------------------------------------------------------
# Into the graph
# ---------------------------------------------------------------------------
def test_each_row_becomes_one_ranking_with_its_tier(ranked: tipgraph.KnowledgeGraph) -> None:
    got = _placements(ranked)
    assert got == {k: (v, LEVELS[v]) for k, v in EXPECTED.items()}
    # not-ranked rows make no ranking and no country: Somalia (N/A) and Yemen (-) stay out of the graph
    codes = set(ranked.query("SELECT ?c WHERE { ?x tg:iso3166Alpha2 ?c }").column("c"))
    assert {"CA", "LY", "MM"} <= codes and not {"SO", "YE"} & codes


def test_rankings_carry_their_report_and_source(ranked: tipgraph.KnowledgeGraph) -> None:
    rows = ranked.query("SELECT DISTINCT ?report ?src ?url ?issued WHERE { ?r a tg:Ranking ; tg:rankingYear ?y ; "
                        "tg:rankingReport ?report ; prov:wasDerivedFrom ?src . "
                        "?src tg:sourceUrl ?url ; dcterms:issued ?issued }").rows
    assert len(rows) == 1
    report, src, url, issued = rows[0]
    assert report == TGD["doc-0002"]  # the report the graph already knew, found by its label
    assert str(url) == URL and issued == Literal("2024-06-24", datatype=XSD.date)
    assert ranked.query("ASK { tgd:doc-0002 tg:publishedBy tgd:org-0016 }").boolean  # the known publisher
    (graph,) = ranked.query("SELECT DISTINCT ?g WHERE { ?g a prov:Bundle ; prov:wasDerivedFrom ?src }",
                            {"src": src}).column("g")
    n = len(ranked.query("SELECT DISTINCT ?r WHERE { GRAPH ?g { ?r a tg:Ranking ; tg:rankingYear ?y } }",
                         {"g": graph}).rows)
    assert n == len(EXPECTED)
    # the year is an xsd:gYear and the new country has its ISO codes
    assert ranked.query('ASK { ?r tg:rankingYear "2024"^^xsd:gYear }').boolean
    assert ranked.query('ASK { ?c a tg:Country ; skos:prefLabel "Canada"@en ; tg:iso3166Alpha3 "CAN" }').boolean


def test_the_imported_graph_conforms(ranked: tipgraph.KnowledgeGraph) -> None:
    result = ranked.validate(owl=False)
    assert result.conforms, result.text()


def test_reimport_adds_nothing(rankings: Path) -> None:
    kg = tipgraph.load()
    first = _import(kg, rankings / "tiers.csv")
    size = len(kg)
    again = _import(kg, rankings / "tiers.csv")
    assert first.added.total > 100 and again.added.total == 0 and len(kg) == size
    assert "nothing to add" in again.text()


def test_rows_in_any_order_give_the_same_graph(rankings: Path, tmp_path: Path) -> None:
    lines = (rankings / "tiers.csv").read_text(encoding="utf-8").splitlines()
    shuffled = tmp_path / "tiers.csv"
    shuffled.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", encoding="utf-8")
    a, b = tipgraph.load(), tipgraph.load()
    _import(a, rankings / "tiers.csv")
    _import(b, shuffled)
    def plain(kg: tipgraph.KnowledgeGraph) -> list[bytes]:  # the ontology's blank nodes differ per load
        return sorted(line for line in kg.store.dump().splitlines() if b"_:" not in line)

    assert plain(a) == plain(b) and len(plain(a)) > 1000


def test_a_table_contradicting_the_graph_is_refused_and_changes_nothing(rankings: Path, tmp_path: Path) -> None:
    kg = tipgraph.load()
    _import(kg, rankings / "tiers.csv")
    before = kg.store.dump()
    other = tmp_path / "other.csv"
    other.write_text("Country,Year,Tier\nPakistan,2024,3\n", encoding="utf-8")
    with pytest.raises(NotConformingError, match="tier"):
        _import(kg, other, url="https://example.org/another-table.csv")
    assert kg.store.dump() == before
    same = tmp_path / "same.csv"
    same.write_text("Country,Year,Tier\nPakistan,2024,2\n", encoding="utf-8")  # positive control: agreeing is fine
    assert _import(kg, same, url="https://example.org/another-table.csv").added.total > 0


# ---------------------------------------------------------------------------
# Named questions
# ---------------------------------------------------------------------------
def test_tier_history(ranked: tipgraph.KnowledgeGraph) -> None:
    rows = ranked.query("tier-history").records()  # default: Pakistan in the TIP Report
    assert [(r["year"], r["tier"], r["tierLevel"]) for r in rows] == [
        (2022, "Tier 2 Watch List", 3), (2023, "Tier 2 Watch List", 3), (2024, "Tier 2", 2)]
    assert all(r["sourceUrl"] == URL for r in rows)
    libya = ranked.query("tier-history", country="Libya").records()
    assert [(r["year"], r["tierLevel"]) for r in libya] == [(2022, None), (2023, None), (2024, None)]


def test_countries_in_tier(ranked: tipgraph.KnowledgeGraph) -> None:
    def names(**kw: object) -> list[str]:
        return ranked.in_words(ranked.query("countries-in-tier", **kw)).column("countryLabel")

    assert names() == ["Canada", "Kyrgyz Republic"]  # default: Tier 2 Watch List in 2024
    assert names(tier="3", year=2022) == ["Afghanistan"]
    assert names(tier="tier 2", year=2022) == ["Kazakhstan", "Kyrgyz Republic"]
    assert names(tier="Special Case", year=2023) == ["Libya"]
    assert names(tier="Tier 1", year=2021) == []


def test_tier_fell(ranked: tipgraph.KnowledgeGraph) -> None:
    rows = ranked.query("tier-fell").records()  # default: 2023 to 2024
    assert [(r["countryLabel"], r["earlierTier"], r["laterTier"], r["levelsDown"]) for r in rows] == [
        ("Canada", "Tier 1", "Tier 2 Watch List", 2), ("Uzbekistan", "Tier 1", "Tier 2", 1)]
    rows = ranked.query("tier-fell", earlier=2022, later=2024).records()
    assert [r["countryLabel"] for r in rows] == ["Canada", "Kyrgyz Republic"]  # Uzbekistan rose, Pakistan rose
    assert ranked.query("tier-fell", earlier=2024, later=2023).column("countryLabel") == ["Pakistan"]


# ---------------------------------------------------------------------------
# Tables as spreadsheets write them
# ---------------------------------------------------------------------------
def test_excel_csv_with_bom_and_semicolons_and_chosen_columns(rankings: Path) -> None:
    path = rankings / "excel-bom-semicolons.csv"
    with pytest.raises(BadInputError, match="--country-column and --year-column"):
        read_ranking(path)
    table = read_ranking(path, country_column="Pays", year_column="année")  # headers compared without case
    assert [(r.country.alpha2, r.year, r.tier) for r in table.rows] == [
        ("CI", 2023, "Tier 2"), ("CI", 2024, "Tier 2 Watch List"), ("KR", 2024, "Tier 1")]
    assert table.columns == ("Pays", "Année", "Tier placement")


def test_a_column_per_year(rankings: Path) -> None:
    table = read_ranking(rankings / "per-year-columns.csv")
    assert {(r.country.alpha2, r.year): r.tier for r in table.rows} == {
        ("PK", 2022): "Tier 2 Watch List", ("PK", 2023): "Tier 2 Watch List", ("PK", 2024): "Tier 2",
        ("CA", 2022): "Tier 1", ("CA", 2023): "Tier 1", ("CA", 2024): "Tier 1"}


def test_codes_of_another_scale_need_a_tier_map(rankings: Path) -> None:
    path = rankings / "codes-1-to-4.csv"
    with pytest.raises(BadInputError, match=r"unknown tier code '4'.*--tier-map"):
        read_ranking(path)
    table = read_ranking(path, tier_map=parse_tier_map(["3=2WL", "4=Tier 3"]))
    assert {r.country.alpha3: r.tier for r in table.rows} == {"PAK": "Tier 2 Watch List", "AFG": "Tier 3",
                                                               "CAN": "Tier 1"}


def test_footnote_marks_after_names_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("Country,Year,Tier\nBurma*,2024,3\nCuba [3],2024,3\nLibya^,2024,Special Case\n",
                    encoding="utf-8")
    assert [r.country.alpha2 for r in read_ranking(path).rows] == ["MM", "CU", "LY"]


def test_kosovo_is_ranked_under_its_user_assigned_code(tmp_path: Path) -> None:
    """Rankings list Kosovo; the country shapes accept XK/XKX beside the ISO-assigned codes."""
    import tipgraph
    from tipgraph.resources import data_files

    path = tmp_path / "k.csv"
    path.write_text("Country,Year,Tier\nKosovo,2024,2\nCanada,2024,1\n", encoding="utf-8")
    table = read_ranking(path)
    assert [r.country.alpha2 for r in table.rows] == ["XK", "CA"] and not table.skipped
    ttl = tmp_path / "xk.trig"
    ttl.write_text("@prefix tg: <https://w3id.org/tipgraph/ontology#> .\n"
                   "@prefix tgd: <https://w3id.org/tipgraph/id/> .\n"
                   "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                   "<https://w3id.org/tipgraph/graph/entities-places> { tgd:plc-xk a tg:Country ; "
                   'skos:prefLabel "Kosovo"@en ; tg:iso3166Alpha2 "XK" ; tg:iso3166Alpha3 "XKX" . }\n',
                   encoding="utf-8")
    assert tipgraph.load(data=[*data_files(), ttl]).validate(owl=False).conforms
    ttl.write_text(ttl.read_text().replace('"XK"', '"XQ"'))  # control: an unassigned code is still refused
    assert not tipgraph.load(data=[*data_files(), ttl]).validate(owl=False).conforms


# ---------------------------------------------------------------------------
# Bad tables: refused with file:line, nothing changed (through the command)
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, run_cli) -> Path:
    path = tmp_path_factory.mktemp("ranking") / "store"
    out = run_cli("build", "--store", str(path), "--no-owl")
    assert out.returncode == 0, out.stderr
    return path


def _cli(run_cli, path: Path, store: Path, *extra: str):
    return run_cli("import", "ranking", str(path), "--report", TIP, "--publisher", STATE, "--url", URL,
                   "--published", "2024-06-24", "--store", str(store), *extra)


def _dump(store: Path) -> bytes:
    kg = tipgraph.load(path=store)
    try:
        return kg.store.dump()
    finally:
        kg.close()


@pytest.mark.parametrize(("name", "code", "says"), [
    ("unknown-names.csv", 4, ["unknown-names.csv:2: unknown country 'Pakistn'; nearest known names: Pakistan",
                              "unknown-names.csv:3: unknown country 'Narnia'", "2 problems; nothing was imported"]),
    ("duplicates.csv", 4, ["duplicates.csv:4: Pakistan is ranked twice for 2024: on line 2 and on line 4"]),
    ("wrong-columns.csv", 4, ["wrong-columns.csv:1: cannot tell which column", "'Nation state', 'When'",
                              "--country-column"]),
    ("formulas.csv", 4, ["formulas.csv:2: unknown country '=HYPERLINK", "formulas.csv:3: the tier '=1+0' looks like "
                         "a spreadsheet formula", "formulas.csv:4: the tier '@SUM(A1)'"]),
])
def test_bad_tables_are_refused_and_change_nothing(run_cli, store: Path, rankings: Path, name: str, code: int,
                                                   says: list[str]) -> None:
    before = _dump(store)
    out = _cli(run_cli, rankings / name, store)
    assert out.returncode == code, out.stderr
    for text in says:
        assert text in out.stderr, out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""
    assert _dump(store) == before


def test_the_command_imports_then_adds_nothing_the_second_time(run_cli, store: Path, rankings: Path,
                                                               tmp_path: Path) -> None:
    first = _cli(run_cli, rankings / "tiers.csv", store)
    assert first.returncode == 0, first.stderr
    assert "21 rankings, 4 rows not ranked" in first.stdout and "new countries (3)" in first.stdout
    before = _dump(store)
    again = _cli(run_cli, rankings / "tiers.csv", store)
    assert again.returncode == 0 and "nothing to add" in again.stdout
    assert _dump(store) == before
    q = run_cli("query", "tier-history", "-p", "country=Kyrgyzstan", "-f", "json", "--store", str(store))
    assert q.returncode == 0, q.stderr
    assert [r["tier"] for r in json.loads(q.stdout)] == ["Tier 2", "Tier 2 Watch List", "Tier 2 Watch List"]
    wrong = _cli(run_cli, rankings / "wrong-columns.csv", store, "--country-column", "nation state",
                 "--year-column", "When", "--tier-column", "Placement score", "--dry-run")
    assert wrong.returncode == 0 and "1 rankings" in wrong.stdout and "nothing to add" in wrong.stdout, wrong.stderr
    missing = _cli(run_cli, rankings / "tiers.csv", store, "--country-column", "Land")
    assert missing.returncode == 4 and "no column 'Land'; the columns are: 'Country', 'Year', 'Tier'" in missing.stderr


def test_a_source_is_required(run_cli, rankings: Path) -> None:
    out = run_cli("import", "ranking", str(rankings / "tiers.csv"), "--report", TIP)
    assert out.returncode == 4 and "needs its source: give --url and --published" in out.stderr, out.stderr


def test_a_huge_table_is_refused_unread(run_cli, tmp_path: Path) -> None:
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as fh:
        fh.write(b"Country,Year,Tier\n")
        fh.truncate(65 * 2**20)  # sparse: 65 MiB on paper, nothing on disk
    out = run_cli("import", "ranking", str(huge), "--report", TIP, "--url", URL, "--published", "2024-06-24")
    assert out.returncode == 5 and "over the limit of 64 MiB" in out.stderr, out.stderr
    with pytest.raises(InputLimitError):
        read_ranking(huge)
    small = tmp_path / "small.csv"
    small.write_text("Country,Year,Tier\nCanada,2024,1\n", encoding="utf-8")
    assert len(read_ranking(small).rows) == 1  # positive control
    with pytest.raises(InputLimitError):
        read_ranking(small, max_bytes=10)


def test_binary_and_broken_files_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(BadInputError, match="NUL bytes"):
        read_ranking(binary)
    quote = tmp_path / "q.csv"
    quote.write_text('Country,Year,Tier\n"Canada,2024,1\n', encoding="utf-8")
    with pytest.raises(BadInputError):
        read_ranking(quote)


def test_every_imported_ranking_has_a_year(ranked: tipgraph.KnowledgeGraph) -> None:
    # every ranking names one country, one report, one year: no ranking without a year slipped in
    assert not ranked.query("ASK { ?r a tg:Ranking ; prov:wasDerivedFrom ?s . ?s tg:sourceUrl ?u . "
                            "FILTER NOT EXISTS { ?r tg:rankingYear ?y } }").boolean
    assert ranked.query("ASK { ?r a tg:Ranking ; prov:wasDerivedFrom ?s . ?s tg:sourceUrl ?u }").boolean
