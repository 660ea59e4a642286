"""The ``tipgraph`` command, run as a subprocess as a user would run it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tipgraph.query import named_queries
from tipgraph.resources import data_files, ontology_file


def _quads(path: Path) -> set[tuple[str, ...]]:
    """The distinct statements of a file, as text (blank nodes keep their parsed names)."""
    import pyoxigraph as ox

    fmt = ox.RdfFormat.TRIG if path.suffix == ".trig" else ox.RdfFormat.TURTLE
    return {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
            for q in ox.parse(path=str(path), format=fmt)}


def test_list_shows_every_named_query_with_its_question(run_cli) -> None:
    out = run_cli("query", "--list")
    assert out.returncode == 0, out.stderr
    for q in named_queries().values():
        assert q.name in out.stdout and q.question[:40] in out.stdout


def test_named_query_with_a_label_parameter_as_csv(run_cli) -> None:
    out = run_cli("query", "countries-of-implementer", "--param", "organisation=ICMPD", "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["iso2"] for r in rows] == ["AF", "KZ", "KG", "PK", "TJ", "UZ"]
    assert "6 rows" in out.stderr


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "sparql-json"])
def test_every_output_format(run_cli, fmt: str) -> None:
    out = run_cli("query", "-e", "SELECT ?c ?code WHERE { ?c tg:iso3166Alpha3 ?code } ORDER BY ?code", "-f", fmt)
    assert out.returncode == 0, out.stderr
    assert "PAK" in out.stdout
    if fmt == "json":
        assert {"c": "tgd:plc-0003", "code": "PAK"} in json.loads(out.stdout)
    if fmt == "sparql-json":
        doc = json.loads(out.stdout)
        assert doc["head"]["vars"] == ["c", "code"]
        assert {"type": "literal", "value": "PAK"} in [b["code"] for b in doc["results"]["bindings"]]
    if fmt == "tsv":
        assert out.stdout.splitlines()[0] == "c\tcode"


def test_query_from_a_file(run_cli, tmp_path: Path) -> None:
    f = tmp_path / "mine.rq"
    f.write_text("PREFIX tg: <https://w3id.org/tipgraph/ontology#>\nASK { ?x tg:funds ?p }\n")
    out = run_cli("query", str(f))
    assert out.returncode == 0 and "yes" in out.stdout


def test_unknown_query_name_exits_4_and_lists_the_known_ones(run_cli) -> None:
    out = run_cli("query", "who-is-who")
    assert out.returncode == 4
    assert "countries-of-implementer" in out.stderr and "who-is-who" in out.stderr


def test_malformed_sparql_exits_4_with_the_position(run_cli) -> None:
    out = run_cli("query", "-e", "SELECT ?s WHERE {\n ?s ?p \n}")
    assert out.returncode == 4
    # The object of "?s ?p" is missing: Oxigraph (the default engine) stops just after the "}" at 3:1.
    assert "malformed SPARQL" in out.stderr and "<query>:3:2:" in out.stderr, out.stderr


def test_service_is_refused_with_exit_5_without_connecting(run_cli, listener) -> None:
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}"
    out = run_cli("query", "-e", query)
    assert out.returncode == 5 and "SERVICE" in out.stderr and "--allow-network" in out.stderr
    assert listener.connections() == 0, "the engine contacted the listener"


def test_allowed_service_reaches_the_listener(run_cli, listener) -> None:
    """The positive control of the test above: the same query with --allow-network connects."""
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}"
    # The listener never answers, so the query ends at its time limit.
    run_cli("query", "--allow-network", "--timeout", "2", "-e", query)
    assert listener.connections(wait=1.0) >= 1, "--allow-network never contacted the listener"


def test_time_limit_exits_5(run_cli) -> None:
    out = run_cli("query", "--timeout", "1", "-e",
                  "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    assert out.returncode == 5 and "time limit" in out.stderr


def test_capped_results_say_so(run_cli) -> None:
    out = run_cli("query", "--max-rows", "3", "-e", "SELECT * WHERE { ?s ?p ?o }")
    assert out.returncode == 0
    assert len(out.stdout.strip().splitlines()) == 2 + 3
    assert "capped at 3 rows" in out.stderr


def test_malformed_turtle_names_file_and_line_and_leaves_the_store_unchanged(run_cli, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_cli("build", "--store", str(store), "--no-owl").returncode == 0
    before = run_cli("stats", "--store", str(store)).stdout
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e \"no end .\n")
    out = run_cli("add", str(bad), "--store", str(store))
    assert out.returncode == 4
    assert f"{bad}:3" in out.stderr
    assert run_cli("stats", "--store", str(store)).stdout == before
    # A failed rebuild leaves the old store in place too.
    out = run_cli("build", "--store", str(store), "--data", str(bad))
    assert out.returncode == 4 and f"{bad}:3" in out.stderr
    assert run_cli("stats", "--store", str(store)).stdout == before


def test_add_then_query_a_persistent_store(run_cli, fixtures_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_cli("build", "--store", str(store), "--no-owl").returncode == 0
    extra = fixtures_dir / "iom-in-pakistan.trig"
    assert run_cli("add", str(extra), "--store", str(store)).returncode == 0
    out = run_cli("query", "active-in-country", "-p", "country=PK", "-f", "csv", "--store", str(store))
    assert out.returncode == 0, out.stderr
    assert "IOM" in out.stdout  # the new engagement was reasoned over


def test_build_validate_reason_stats_export(run_cli, tmp_path: Path) -> None:
    out = run_cli("build", "--no-owl")
    assert out.returncode == 0, out.stderr
    assert "SHACL: conforms" in out.stdout
    out = run_cli("stats", "--top", "100")
    assert out.returncode == 0 and "tg:implements" in out.stdout
    # the numbers are those of the files, whatever data/ holds
    data_quads = {q for path in data_files() for q in _quads(path)}
    assert f"{len(data_quads)} data triples" in out.stdout
    assert f"(+{len(_quads(ontology_file()))} ontology)" in out.stdout
    out = run_cli("reason")
    assert out.returncode == 0 and "inferred" in out.stdout
    target = tmp_path / "graph.trig"
    out = run_cli("export", str(target))
    assert out.returncode == 0
    text = target.read_text()
    assert "tgg:inferred" in text or "graph/inferred" in text
    assert "graph-src-0001" in text


def test_validate_reports_violations_with_exit_3(run_cli, tmp_path: Path) -> None:
    bad = tmp_path / "no-label.trig"
    bad.write_text("""
@prefix tg: <https://w3id.org/tipgraph/ontology#> . @prefix tgd: <https://w3id.org/tipgraph/id/> .
tgd:graph-src-0001 { tgd:org-0999 a tg:CivilSocietyOrganisation . }
""")
    out = run_cli("validate", "--data", str(bad), "--no-owl")
    assert out.returncode == 3
    assert "org-0999" in out.stdout


@pytest.mark.parametrize("command", ["build", "query", "validate", "reason", "stats", "export", "add", "map",
                                     "analyze"])
def test_every_command_has_help_with_examples(run_cli, command: str) -> None:
    out = run_cli(command, "--help")
    assert out.returncode == 0
    assert "examples:" in out.stdout and "exit codes:" in out.stdout
