"""Every spelling of SERVICE / FROM / Update that an engine accepts is refused, on both
backends and through the CLI, and nothing reaches the listener or the marker file.

Each spelling says whether an engine follows it today when the check is bypassed
("net": some engine connects to the listener; "file": rdflib reads the marker file), and
:func:`test_spelling_is_live_when_unchecked` proves it, so the refusals are of real attacks.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

import tipgraph
from tipgraph.errors import EXIT_BAD_INPUT, BadInputError, QueryRefusedError
from tipgraph.sparql import check_query
from tipgraph.store import BACKENDS
from tipgraph.store.base import reaching_out

from .conftest import MARKER, REMOTE_VALUE, Listener, cli

E = "<ENDPOINT>"
P = "{ ?s ?p ?o }"

#: (id, SPARQL with placeholders, live). Placeholders: ENDPOINT (the listener's URL),
#: PORT, FILEIRI (the marker file), FILEDIR (its folder, as an IRI ending in /).
SPELLINGS: list[tuple[str, str, str]] = [
    # The five of the report.
    ("cr-ends-comment", f"SELECT * WHERE {{ # c\rSERVICE {E} {P} }}", "net"),
    ("uchar-in-iri-then-hash", f"SELECT * WHERE {{ BIND(<urn:x\\u0041#> AS ?a) SERVICE {E} {P} }}", "net"),
    ("pn-local-esc-hash", f"PREFIX ex: <http://ex/> SELECT * WHERE {{ BIND(ex:a\\# AS ?x) SERVICE {E} {P} }}", "net"),
    ("u-escaped-keyword", f"SELECT * WHERE {{ \\u0053ERVICE {E} {{ ?x ?p ?o }} }}", "net"),
    ("u-escaped-from-file", f"SELECT * \\u0046ROM <FILEIRI> WHERE {P}", "file"),
    # Case, SILENT, whitespace.
    ("plain", f"SELECT * WHERE {{ SERVICE {E} {P} }}", "net"),
    ("lower-case", f"select * where {{ service {E} {P} }}", "net"),
    ("mixed-case", f"SELECT * WHERE {{ SeRvIcE {E} {P} }}", "net"),
    ("silent", f"SELECT * WHERE {{ SERVICE SILENT {E} {P} }}", "net"),
    ("silent-glued", f"SELECT * WHERE {{ SERVICESILENT{E}{P} }}", "net"),
    ("no-whitespace", f"SELECT*WHERE{{SERVICE{E}{P}}}", "net"),
    ("tab", f"SELECT * WHERE {{ SERVICE\t{E}\t{P} }}", "net"),
    ("newlines", f"SELECT *\nWHERE {{\nSERVICE\n{E}\n{P}\n}}", "net"),
    ("form-feed", f"SELECT * WHERE {{ SERVICE\f{E} {P} }}", ""),
    ("no-break-space", f"SELECT * WHERE {{ SERVICE\u00a0{E} {P} }}", ""),
    ("long-s", f"SELECT * WHERE {{ \u017fERVICE {E} {P} }}", "net"),
    ("dotless-i", f"SELECT * WHERE {{ SERV\u0131CE {E} {P} }}", "net"),
    # Codepoint escapes in every position.
    ("U-escape-8-hex", f"SELECT * WHERE {{ \\U00000053ERVICE {E} {P} }}", "net"),
    ("U-escape-4-hex-rdflib", f"SELECT * WHERE {{ \\U0053ERVICE {E} {P} }}", "net"),
    ("u-escape-8-hex-rdflib", f"SELECT * WHERE {{ \\u00000053ERVICE {E} {P} }}", "net"),
    ("every-letter-escaped", f"SELECT * WHERE {{ \\u0053\\u0045\\u0052\\u0056\\u0049\\u0043\\u0045 {E} {P} }}", "net"),
    ("escape-mid-word", f"SELECT * WHERE {{ SER\\u0056ICE {E} {P} }}", "net"),
    ("escape-last-letter-lower-hex", f"SELECT * WHERE {{ SERVIC\\u0065 {E} {P} }}", "net"),
    ("escaped-space", f"SELECT * WHERE {{ SERVICE\\u0020{E} {P} }}", "net"),
    ("escaped-tab", f"SELECT * WHERE {{ SERVICE\\u0009{E} {P} }}", ""),  # rdflib's SERVICE wants a space
    ("escaped-angle-brackets", f"SELECT * WHERE {{ SERVICE \\u003CENDPOINT\\u003E {P} }}", "net"),
    ("escape-inside-endpoint", f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:PORT/\\u0073parql> {P} }}", "net"),
    ("iri-with-escaped-gt", f"SELECT * WHERE {{ BIND(<urn:a\\u003E AS ?x) SERVICE {E} {P} }} #>", "net"),
    ("string-ended-by-escaped-quote", f'SELECT * WHERE {{ BIND("\\u0022 AS ?x) SERVICE {E} {P} }} #" AS ?y) }}', "net"),
    ("long-string-ended-by-escapes",
     f'SELECT * WHERE {{ BIND("""\\u0022\\u0022\\u0022 AS ?x) SERVICE {E} {P} }} #""" AS ?y) }}', "net"),
    ("apostrophe-escape", f"SELECT * WHERE {{ BIND('\\u0027 AS ?x) SERVICE {E} {P} }} #' AS ?y) }}", "net"),
    # Comments.
    ("comment-ends-lf", f"SELECT * WHERE {{ # c\nSERVICE {E} {P} }}", "net"),
    ("comment-ends-crlf", f"SELECT * WHERE {{ # c\r\nSERVICE {E} {P} }}", "net"),
    ("comment-ended-by-escaped-lf", f"SELECT * WHERE {{ # c \\u000A SERVICE {E} {P} \n}}", "net"),
    ("comment-ended-by-escaped-cr", f"SELECT * WHERE {{ # c \\u000D SERVICE {E} {P} \n}}", ""),
    ("comment-between-keyword-and-iri", f"SELECT * WHERE {{ SERVICE# c\r{E} {P} }}", "net"),
    # Where SERVICE sits.
    ("in-optional", f"SELECT * WHERE {{ ?c a tg:Country OPTIONAL {{ SERVICE {E} {P} }} }}", "net"),
    ("in-union", f"SELECT * WHERE {{ {{ ?c a tg:Country }} UNION {{ SERVICE {E} {P} }} }}", "net"),
    ("in-subquery", f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE {E} {P} }} }} }}", "net"),
    ("in-minus", f"SELECT * WHERE {{ ?c a tg:Country MINUS {{ SERVICE {E} {P} }} }}", "net"),
    ("in-filter-exists", f"SELECT * WHERE {{ ?c a tg:Country FILTER EXISTS {{ SERVICE {E} {P} }} }}", "net"),
    ("in-graph", f"SELECT * WHERE {{ GRAPH ?g {{ ?c a tg:Country }} SERVICE {E} {P} }}", "net"),
    ("ask", f"ASK {{ SERVICE {E} {P} }}", "net"),
    ("construct", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE {E} {P} }}", "net"),
    ("glued-after-dot", f"SELECT * WHERE {{ ?c a tg:Country .SERVICE {E} {P} }}", "net"),
    ("glued-after-iri", f"SELECT * WHERE {{ ?c a <https://w3id.org/tipgraph/ontology#Country>SERVICE {E} {P} }}",
     "net"),
    ("glued-after-bind", f"SELECT * WHERE {{ BIND(1 AS ?x)SERVICE{E}{P} }}", "net"),
    # Endpoints that are not written as <IRI>.
    ("variable-from-values", f"SELECT * WHERE {{ SERVICE ?e {P} }} VALUES ?e {{ {E} }}", ""),
    ("variable-from-bind", f"SELECT * WHERE {{ BIND({E} AS ?e) SERVICE ?e {P} }}", ""),
    ("prefixed-endpoint", f"PREFIX r: <http://127.0.0.1:PORT/> SELECT * WHERE {{ SERVICE r:sparql {P} }}", "net"),
    ("keyword-as-prefix", f"PREFIX : <http://127.0.0.1:PORT/> SELECT * WHERE {{ SERVICE:sparql {P} }}", "net"),
    ("keyword-glued-to-prefix", f"PREFIX x: <http://127.0.0.1:PORT/> SELECT * WHERE {{ SERVICEx:sparql {P} }}", "net"),
    ("silent-as-prefix", f"PREFIX : <http://127.0.0.1:PORT/> SELECT * WHERE {{ SERVICE SILENT:sparql {P} }}", "net"),
    # FROM / FROM NAMED.
    ("from-file", f"SELECT * FROM <FILEIRI> WHERE {P}", "file"),
    ("from-lower-case", f"select * from <FILEIRI> where {P}", "file"),
    ("from-named-file", f"SELECT * FROM NAMED <FILEIRI> WHERE {{ GRAPH ?g {P} }}", "file"),
    ("from-named-escaped", f"SELECT * \\u0046ROM \\u004EAMED <FILEIRI> WHERE {{ GRAPH ?g {P} }}", "file"),
    ("from-http", f"SELECT * FROM <http://127.0.0.1:PORT/data.ttl> WHERE {P}", "net"),
    ("from-as-prefix", f"PREFIX : <FILEDIR> SELECT * FROM:marker.ttl WHERE {P}", "file"),
    ("from-escaped-iri", f"SELECT * FROM <FILEIRI\\u0020> WHERE {P}", ""),
    ("from-after-cr-comment", f"SELECT * # c\rFROM <FILEIRI> WHERE {P}", ""),
    ("from-named-glued", f"SELECT * FROMNAMED<FILEIRI> WHERE {{ GRAPH ?g {P} }}", ""),
    ("from-in-construct", f"CONSTRUCT {P} FROM <FILEIRI> WHERE {P}", "file"),
]

#: Updates: never run (``query`` is read-only), by any spelling.
UPDATES: list[tuple[str, str]] = [
    ("insert", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
    ("insert-escaped", "\\u0049NSERT DATA { <urn:a> <urn:b> <urn:c> }"),
    ("insert-dotless-i", "\u0131NSERT DATA { <urn:a> <urn:b> <urn:c> }"),
    ("insert-mixed-case", "iNsErT DATA { <urn:a> <urn:b> <urn:c> }"),
    ("delete-where", "DELETE WHERE { ?s ?p ?o }"),
    ("delete-U-escaped", "\\U00000044ELETE WHERE { ?s ?p ?o }"),
    ("with-delete", "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"),
    ("load", "LOAD <http://127.0.0.1:PORT/x.ttl>"),
    ("load-escaped", "\\u004cOAD <http://127.0.0.1:PORT/x.ttl>"),
    ("load-after-cr-comment", "# c\rLOAD <http://127.0.0.1:PORT/x.ttl>"),
    ("drop-all", "DROP ALL"),
    ("clear-escaped-space", "CLEAR\\u0020GRAPH <urn:g>"),
    ("create", "CREATE GRAPH <urn:g>"),
    ("add", "ADD DEFAULT TO <urn:b>"),
    ("move", "MOVE DEFAULT TO <urn:b>"),
    ("copy", "COPY DEFAULT TO <urn:b>"),
    ("after-a-query", "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
]


def fill(template: str, endpoint: Listener, marker: Path) -> str:
    return (template.replace("ENDPOINT", endpoint.url).replace("PORT", str(endpoint.port))
            .replace("FILEIRI", marker.as_uri()).replace("FILEDIR", marker.parent.as_uri() + "/"))


def test_the_corpus_is_large_and_distinct() -> None:
    assert len(SPELLINGS) >= 40
    assert len({t for _, t, _ in SPELLINGS}) == len(SPELLINGS)
    assert len({i for i, _, _ in SPELLINGS + [(i, t, "") for i, t in UPDATES]}) == len(SPELLINGS) + len(UPDATES)


@pytest.mark.parametrize(("name", "template", "live"), SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_spelling_is_refused(kg: tipgraph.KnowledgeGraph, endpoint: Listener, marker_file: Path,
                             name: str, template: str, live: str) -> None:
    text = fill(template, endpoint, marker_file)
    with pytest.raises(tipgraph.QueryRefusedError, match="allow_network=True"):
        kg.query(text)
    assert endpoint.connections() == 0, "the engine contacted the listener"


@pytest.mark.parametrize(("name", "template"), UPDATES, ids=[u[0] for u in UPDATES])
def test_update_spelling_is_refused(kg: tipgraph.KnowledgeGraph, endpoint: Listener, name: str,
                                    template: str) -> None:
    n = len(kg)
    with pytest.raises(tipgraph.QueryRefusedError, match="read-only"):
        kg.query(fill(template, endpoint, Path("/nonexistent")), allow_network=True)
    assert len(kg) == n
    assert endpoint.connections() == 0


# ---------------------------------------------------------------------------
# The corpus is made of real attacks: without the check, an engine follows them.
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bare() -> dict[str, tipgraph.KnowledgeGraph]:
    """Unreasoned seed graphs, one per backend, that the unchecked runs may spoil."""
    return {b: tipgraph.load(backend=b, reason=False) for b in sorted(BACKENDS)}


def _unchecked(kg: tipgraph.KnowledgeGraph, text: str) -> list[str]:
    """Run ``text`` on the engine directly, in this process: no check, no worker. Values seen."""
    try:
        raw = kg.store.execute(text, {}, 1000)
    except Exception:  # noqa: BLE001 - many spellings are errors for one of the engines
        return []
    return [str(v) for row in raw.rows for v in row] + [str(v) for t in raw.triples for v in t]


@pytest.mark.parametrize(("name", "template", "live"), [s for s in SPELLINGS if s[2]],
                         ids=[s[0] for s in SPELLINGS if s[2]])
def test_spelling_is_live_when_unchecked(bare: dict[str, tipgraph.KnowledgeGraph], endpoint: Listener,
                                         marker_file: Path, name: str, template: str, live: str) -> None:
    text = fill(template, endpoint, marker_file)
    values = {b: _unchecked(kg, text) for b, kg in bare.items()}
    if live == "net":
        assert endpoint.connections(settle=0.2) > 0, f"no engine followed {name}; values: {values}"
    else:
        assert any(MARKER in v for vs in values.values() for v in vs), f"no engine read the file for {name}"


def test_every_report_spelling_is_live_and_most_of_the_corpus_is() -> None:
    live = [s for s in SPELLINGS if s[2]]
    assert {s[0] for s in SPELLINGS[:5]} <= {s[0] for s in live}
    assert len(live) >= 40


@pytest.mark.parametrize("brk", ["\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\x00"],
                         ids=["VT", "FF", "NEL", "LS", "PS", "NUL"])
def test_other_line_breaks_do_not_end_a_comment(bare: dict[str, tipgraph.KnowledgeGraph], endpoint: Listener,
                                                brk: str) -> None:
    """Only CR and LF end a comment, for both engines (measured): the check agrees, and the
    engines, unchecked, do not follow the SERVICE hidden behind these."""
    text = fill(f"SELECT * WHERE {{ # c{brk}SERVICE {E} {P} }}", endpoint, Path("/x"))
    check_query(text)
    for kg in bare.values():
        _unchecked(kg, text)
    assert endpoint.connections(settle=0.2) == 0


# ---------------------------------------------------------------------------
# Positive controls: with the user's consent the same machinery does connect.
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_allow_network_does_reach_the_listener(bare: dict[str, tipgraph.KnowledgeGraph], endpoint: Listener,
                                               backend: str) -> None:
    res = bare[backend].query(f"SELECT ?remote WHERE {{ SERVICE <{endpoint.url}> {{ ?s ?p ?remote }} }}",
                              allow_network=True)
    assert endpoint.connections() >= 1
    assert [str(v) for v in res.column("remote")] == [REMOTE_VALUE]


def test_cli_allow_network_does_reach_the_listener(endpoint: Listener) -> None:
    out = cli("query", "-e", f"SELECT ?remote WHERE {{ SERVICE <{endpoint.url}> {{ ?s ?p ?remote }} }}",
                  "--allow-network", "--format", "csv")
    assert out.returncode == 0, out.stderr
    assert REMOTE_VALUE in out.stdout
    assert endpoint.connections() >= 1


def _closed_port() -> str:
    """An address on this machine where nothing listens (bound, then closed again)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/sparql"


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_an_unreachable_service_with_network_allowed_is_bad_input(bare: dict[str, tipgraph.KnowledgeGraph],
                                                                  backend: str) -> None:
    text = f"SELECT ?remote WHERE {{ SERVICE <{_closed_port()}> {{ ?s ?p ?remote }} }}"
    with pytest.raises(BadInputError, match="could not reach the server its SERVICE or FROM names"):
        bare[backend].query(text, allow_network=True)
    with pytest.raises(QueryRefusedError):  # control: without consent it is refused before it runs
        bare[backend].query(text)


def test_cli_unreachable_service_exits_as_bad_input_without_a_traceback() -> None:
    out = cli("query", "-e", f"SELECT ?r WHERE {{ SERVICE <{_closed_port()}> {{ ?s ?p ?r }} }}", "--allow-network")
    assert out.returncode == EXIT_BAD_INPUT, out.stderr
    assert "could not reach the server" in out.stderr and "Traceback" not in out.stderr
    assert "bug in tipgraph" not in out.stderr


def test_other_os_errors_are_not_taken_for_an_unreachable_server() -> None:
    with pytest.raises(FileNotFoundError), reaching_out("SELECT * WHERE { ?s ?p ?o }"):
        raise FileNotFoundError("no such file")
    with pytest.raises(BadInputError), reaching_out("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }"):
        raise FileNotFoundError("no such file")  # control: with a SERVICE it is


# ---------------------------------------------------------------------------
# The CLI: the report's commands and a few more, on every way to get a store.
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "S"
    out = cli("build", "--store", str(path), "--no-owl", timeout=300)
    assert out.returncode == 0, out.stderr
    return path


_CLI_CASES = [
    ("cr-ends-comment", "store"), ("uchar-in-iri-then-hash", "store"), ("pn-local-esc-hash", "store"),
    ("u-escaped-keyword", "memory"), ("u-escaped-from-file", "memory"), ("silent-glued", "oxigraph"),
    ("keyword-as-prefix", "oxigraph"), ("string-ended-by-escaped-quote", "memory"), ("from-as-prefix", "memory"),
    ("long-s", "memory"),
]


@pytest.mark.parametrize(("name", "where"), _CLI_CASES, ids=[f"{n}-{w}" for n, w in _CLI_CASES])
def test_cli_refuses(store_dir: Path, endpoint: Listener, marker_file: Path, name: str, where: str) -> None:
    template = {s[0]: s[1] for s in SPELLINGS}[name]
    where_args = ["--store", str(store_dir)] if where == "store" else ["--backend", where]
    out = cli("query", *where_args, "-e", fill(template, endpoint, marker_file))
    assert out.returncode == 5, (out.returncode, out.stdout, out.stderr)
    assert "--allow-network" in out.stderr
    assert MARKER not in out.stdout
    assert endpoint.connections() == 0


def test_cli_refuses_an_escaped_update(endpoint: Listener) -> None:
    out = cli("query", "-e", fill("\\u004cOAD <http://127.0.0.1:PORT/x.ttl>", endpoint, Path("/x")),
                  "--allow-network")
    assert out.returncode == 5 and "read-only" in out.stderr, out.stderr
    assert endpoint.connections() == 0


# ---------------------------------------------------------------------------
# The refusal points at the original text; ordinary queries are not refused.
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "where", "written"), [
    ("SELECT *\nWHERE { \\u0053ERVICE <http://x> { ?s ?p ?o } }", "line 2, column 9", "\\u0053ERVICE"),
    ("SELECT * WHERE { # c\rSERVICE <http://x> { ?s ?p ?o } }", "line 1, column 22", None),
    ("SELECT * WHERE {\n  ?s ?p ?o . SER\\u0056ICE <http://x> { ?s ?p ?o } }", "line 2, column 14", "SER\\u0056ICE"),
    ("PREFIX : <http://x/>\nSELECT * WHERE { SERVICE:a { ?s ?p ?o } }", "line 2, column 18", None),
    ("PREFIX SERVICE:a <http://x/> SELECT * WHERE { }", "line 1, column 8", None),
    ("SELECT *\n\\U00000046ROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "line 2, column 1", "\\U00000046ROM"),
])
def test_refusal_points_at_the_original_text(text: str, where: str, written: str | None) -> None:
    with pytest.raises(tipgraph.QueryRefusedError) as err:
        check_query(text)
    assert str(err.value).startswith(where + ":"), str(err.value)
    if written:
        assert f"written as {written})" in str(err.value)


@pytest.mark.parametrize("text", [
    'SELECT ?service ?from WHERE { BIND("SERVICE <http://x> FROM" AS ?service) BIND(<urn:from:service> AS ?from) }',
    "PREFIX from: <urn:x:> PREFIX service: <urn:y:> SELECT * WHERE { ?s ?p ?o } LIMIT 1",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 1 # SERVICE <http://x> { } FROM <file:///etc/passwd>\n",
    'SELECT ?l WHERE { ?s ?p ?l FILTER(CONTAINS(STR(?l), "caf\\u00E9 service\\nfrom")) } LIMIT 1',
    "SELECT ?l WHERE { ?s ?p ?l FILTER(?l != 'it\\'s a service') } LIMIT 1",
    "PREFIX ex: <http://ex/> SELECT * WHERE { BIND(ex:service\\.from AS ?x) BIND(<urn:\\u0053ERVICE> AS ?y) }",
    "SELECT ?insertion WHERE { BIND(1 AS ?insertion) OPTIONAL { _:service ?deleted ?o } } LIMIT 1",
    "SELECT * WHERE { ?s ?p ?o . FILTER(?o = \"\"\"a long 'string' with SERVICE\nand FROM\"\"\") }",
])
def test_ordinary_queries_are_not_refused(kg: tipgraph.KnowledgeGraph, text: str) -> None:
    check_query(text)
    kg.query(text)  # and the engines accept them
