"""The fast paths of querying keep their meaning: bound values written into the query, one
reused sandbox worker per store state, pages of a SELECT. Behaviour only, no timing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import SKOS, XSD

import tipgraph
from tipgraph import TGD
from tipgraph.errors import BadInputError, QueryTimeoutError, TipgraphError
from tipgraph.process import run_limited
from tipgraph.query import _project_bound, get_named_query, named_queries, pages, run_query
from tipgraph.sparql import Limits
from tipgraph.sparql.inline import inline_bindings, sliced
from tipgraph.store import OxigraphStore

from security.test_spellings import SPELLINGS, UPDATES

REPO = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------------------
# The injection corpus: hostile values for a --param
# ---------------------------------------------------------------------------
OWN = [
    '"', "'", '""', "'''", '"""', '\\', '\\"', '\\\\', 'a"b', "a'b", '" .', '" } }', "' } }",
    '"} UNION { ?s ?p ?o } #', "\" ; FILTER(true) #", '"^^<http://www.w3.org/2001/XMLSchema#integer>',
    '"@en', "\n", "\r", "\r\n", "a\nb", "line\r# comment\n}", "\t", "\x0b", "\x0c", "\x85", "\u2028", "\u2029",
    "\x00", "a\x00b", "#", "# } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }", "\\u0022", "\\u0022 } #",
    "\\U00000022", "\\u005C", "\\n", "\\\\u0022", "<", ">", "<http://x>", "> <", "http://x> } #",
    "<urn:a> <urn:b> <urn:c>", "?s", "$s", "?text", "_:b", "{", "}", "{ }", "( )", ".", ";", ",",
    "BIND(1 AS ?x)", "VALUES ?x { 1 }", "SERVICE", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DROP ALL",
    "é", "e\u0301", "ß", "İ", "ﬁ", "\u202e", "\u200b", "\ufeff", "\U0001f4a5", "日本語", "١٢٣", "𝔘𝔫𝔦",
    "PROTECT", "UNODC", "pakistan", "Pakistan", "PK", "", " ", "  UNODC  ", "a" * 5000, '"' * 300,
]
#: Every query text of the spelling corpus, used as a value (it must stay one string).
CORPUS = OWN + [t for _, t, _ in SPELLINGS] + [t for _, t in UPDATES]

ECHO = "SELECT ?t WHERE { BIND(STR(?text) AS ?t) }"
MATCH = "SELECT ?e ?text WHERE { ?e skos:prefLabel|skos:altLabel ?text } ORDER BY ?e"
FILTERED = "SELECT ?e WHERE { ?e skos:prefLabel ?l FILTER (CONTAINS(LCASE(?l), LCASE(?text))) } ORDER BY ?e"


def test_the_corpus_is_large_and_distinct() -> None:
    assert len(set(CORPUS)) >= 150


def _outcome(store: OxigraphStore, sparql: str, bindings: dict[str, Any], *, inline: bool) -> Any:
    text, _ = _project_bound(sparql, bindings)
    try:
        raw = store.execute(text, bindings, 1000, inline=inline)
    except (TipgraphError, ValueError) as exc:
        return type(exc).__name__
    return raw.kind, raw.vars, sorted(map(str, raw.rows)), raw.boolean


@pytest.fixture(scope="module")
def store(kg_ox: tipgraph.KnowledgeGraph) -> OxigraphStore:
    assert isinstance(kg_ox.store, OxigraphStore)
    return kg_ox.store


@pytest.mark.parametrize("sparql", [ECHO, MATCH, FILTERED], ids=["echo", "match", "filtered"])
def test_hostile_literals_mean_the_same_inlined(store: OxigraphStore, sparql: str) -> None:
    inlined = 0
    for value in CORPUS:
        for term in (Literal(value), Literal(value, lang="en")):
            b = {"text": term}
            assert _outcome(store, sparql, b, inline=True) == _outcome(store, sparql, b, inline=False), repr(value)
            inlined += inline_bindings(_project_bound(sparql, b)[0], b) is not None
    # Positive control: the corpus does go through the inlined path (only lone surrogates cannot).
    assert inlined >= 2 * len(CORPUS) - 4


def _read_again(sparql: str, bindings: dict[str, Any]) -> None:
    """The inlined text's tokens are the original's, each variable turned into its constant's."""
    from tipgraph.sparql import lexical
    from tipgraph.store.terms import sparql_term

    text, _ = _project_bound(sparql, bindings)
    inlined = inline_bindings(text, bindings)
    if inlined is None:
        return
    consts = {k: [(t[0], t[1]) for t in lexical.tokens(sparql_term(v))] for k, v in bindings.items()}
    expected: list[tuple[str, str]] = []
    inside = False  # these queries' WHERE group starts at their first brace
    for kind, tok, _ in lexical.tokens(text):
        inside = inside or kind == "lbrace"
        expected += consts[tok[1:]] if inside and kind == "var" and tok[1:] in consts else [(kind, tok)]
    binds: list[tuple[str, str]] = []
    for k in bindings:
        binds += [("word", "BIND"), ("lparen", "("), *consts[k], ("word", "AS"), ("var", "?" + k), ("rparen", ")")]
    got = [(t[0], t[1]) for t in lexical.tokens(inlined)]
    close = next(i for i in range(len(got)) if got[i:i + len(binds)] == binds)
    assert got[:close] + got[close + len(binds):] == expected


@pytest.mark.parametrize("sparql", [ECHO, MATCH, FILTERED], ids=["echo", "match", "filtered"])
def test_inlined_values_are_one_constant_each(sparql: str) -> None:
    for value in CORPUS:
        for term in (Literal(value), Literal(value, lang="en"), Literal(value, datatype=XSD.token)):
            _read_again(sparql, {"text": term})


def test_a_hostile_literal_is_echoed_back_whole(store: OxigraphStore) -> None:
    for value in CORPUS:
        raw = store.execute(ECHO, {"text": Literal(value)}, 10)
        assert [str(r[0]) for r in raw.rows] == [value], repr(value)


def test_the_match_finds_a_real_label_inlined(store: OxigraphStore) -> None:
    """Positive control of the comparisons above: they can see a difference."""
    label = Literal("UNODC", lang="en")
    rows = store.execute(MATCH, {"text": label}, 10).rows
    assert rows and all(r[1] == label for r in rows)
    assert _outcome(store, MATCH, {"text": label}, inline=True) != _outcome(store, MATCH, {"text": Literal("x")},
                                                                           inline=False)


@pytest.mark.parametrize("iri", [
    "http://x> <y", "http://x>", "<http://x", "http://x\"y", "http://x y", "http://x\ny", "http://x{y}",
    "http://x\\u003E", "http://x|y", "http://x^y", "http://x`y", "", "urn:a#b> } SERVICE <http://127.0.0.1:9/> {",
    "https://w3id.org/tipgraph/id/org-0001", "urn:ok", "http://例え.jp/名前",
])
def test_hostile_iris_mean_the_same_inlined(store: OxigraphStore, iri: str) -> None:
    b = {"entity": URIRef(iri)}
    q = "SELECT ?label WHERE { ?entity skos:prefLabel ?label }"
    assert _outcome(store, q, b, inline=True) == _outcome(store, q, b, inline=False)


def test_hostile_named_query_params_give_the_same_answer_or_refusal(kg_ox: tipgraph.KnowledgeGraph,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Each named query with each string or entity parameter set to each hostile value, both paths."""
    store = kg_ox.store
    assert isinstance(store, OxigraphStore)

    def answer() -> dict[tuple[str, str, str], Any]:
        out: dict[tuple[str, str, str], Any] = {}
        for q in named_queries().values():
            for p in q.params:
                for value in CORPUS[::3]:
                    try:
                        res = kg_ox.query(q.name, timeout=None, **{p.name: value})
                        out[q.name, p.name, value] = (res.vars, sorted(map(str, res.rows)))
                    except TipgraphError as exc:
                        out[q.name, p.name, value] = type(exc).__name__
        return out

    inlined = answer()
    original = OxigraphStore.execute
    monkeypatch.setattr(OxigraphStore, "execute",
                        lambda self, sparql, bindings, max_rows, **_: original(self, sparql, bindings, max_rows,
                                                                                inline=False))
    assert inlined == answer()
    assert any(not isinstance(v, str) for v in inlined.values())  # some answers, not only refusals


# Structures where a constant could read differently from a pre-bound variable.
STRUCTURES = [
    "SELECT ?x ?y WHERE { { SELECT ?y WHERE { ?y skos:prefLabel ?x } } }",
    "SELECT ?x ?y WHERE { { SELECT ?y ?x WHERE { ?y skos:prefLabel ?x } } }",
    "SELECT ?x ?y WHERE { ?y skos:prefLabel ?z MINUS { ?y skos:prefLabel ?x } }",
    "SELECT ?x ?y WHERE { ?y a tg:Organisation OPTIONAL { ?y skos:prefLabel ?w FILTER(?w = ?x) } }",
    "SELECT ?x ?y WHERE { ?y a tg:Organisation FILTER NOT EXISTS { ?y skos:prefLabel ?x } }",
    "SELECT ?x WHERE { BIND(\"z\" AS ?x) }",
    "SELECT ?x (BOUND(?x) AS ?b) WHERE { }",
    "SELECT ?x ?b WHERE { OPTIONAL { ?s skos:prefLabel ?x } BIND(BOUND(?x) AS ?b) } LIMIT 3",
    "SELECT ?x WHERE { VALUES ?x { \"UNODC\" \"FIA\" } }",
    "SELECT ?x (COUNT(?e) AS ?n) WHERE { ?e skos:prefLabel ?x } GROUP BY ?x",
    "SELECT (COUNT(?x) AS ?n) WHERE { ?e skos:prefLabel ?x }",
    "SELECT ?e WHERE { ?e skos:prefLabel ?x } ORDER BY DESC(?x)",
    "SELECT * WHERE { ?e skos:prefLabel ?x }",
    "ASK { ?e skos:prefLabel ?x }",
    "CONSTRUCT { ?e <urn:label> ?x } WHERE { ?e skos:prefLabel ?x }",
    "SELECT ?x ?p WHERE { ?e ?p ?x } LIMIT 5",
    "SELECT ?x WHERE { ?e skos:prefLabel ?l } VALUES ?x { \"UNODC\" }",
    "SELECT ?x WHERE { GRAPH ?g { ?e skos:prefLabel ?x } }",
    "SELECT ?x WHERE { ?e skos:prefLabel ?x # a comment at the end\n}",
]


@pytest.mark.parametrize("sparql", STRUCTURES)
@pytest.mark.parametrize("value", [Literal("UNODC"), Literal("nothing"), URIRef("urn:x"), BNode("b1"),
                                   Literal("5", datatype=XSD.integer)], ids=["label", "none", "iri", "bnode", "int"])
def test_structures_mean_the_same_inlined(store: OxigraphStore, sparql: str, value: Any) -> None:
    b = {"x": value}
    assert _outcome(store, sparql, b, inline=True) == _outcome(store, sparql, b, inline=False)


def test_the_named_queries_are_inlined(store: OxigraphStore) -> None:
    """Every named query with its default values takes the fast path (the point of all this)."""
    kg = tipgraph.KnowledgeGraph(store)
    from tipgraph.query import bind_named

    for q in named_queries().values():
        b = bind_named(store, q, {})
        if b and q.plan == "inline":
            assert inline_bindings(_project_bound(q.sparql, b)[0], b) is not None, q.name
    del kg


def test_a_query_can_keep_its_values_as_substitutions(kg_ox: tipgraph.KnowledgeGraph,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """``# @plan substitutions`` (countries-in-region: the EXISTS plans better without the region)."""
    assert get_named_query("countries-in-region").plan == "substitutions"
    seen: list[bool] = []
    method = "execute"  # what a named question in this process calls
    original = getattr(OxigraphStore, method)

    def spy(self: OxigraphStore, sparql: str, bindings: Any, max_rows: Any, *, inline: bool = True) -> Any:
        seen.append(inline)
        return original(self, sparql, bindings, max_rows, inline=inline)

    monkeypatch.setattr(OxigraphStore, method, spy)
    a = kg_ox.query("countries-in-region", timeout=None)
    b = kg_ox.query("countries-in-region", timeout=None, max_rows=9999)
    assert a.rows and a.rows == b.rows
    assert False in seen and True not in seen[-1:]
    kg_ox.query("implementers-of-programme", timeout=None)
    assert seen[-1] is True  # positive control: the others are written in


# ---------------------------------------------------------------------------
# The reused worker
# ---------------------------------------------------------------------------
def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


@pytest.fixture()
def own_kg() -> tipgraph.KnowledgeGraph:
    return tipgraph.load()


def test_the_worker_is_reused(own_kg: tipgraph.KnowledgeGraph) -> None:
    a = own_kg.query("SELECT ?p WHERE { ?p a tg:Programme }")
    b = own_kg.query("SELECT ?c WHERE { ?c a tg:Country }")
    assert a.worker is not None and a.worker == b.worker and a.worker != os.getpid()
    assert _alive(a.worker)


def test_a_named_question_runs_in_this_process_and_other_text_in_the_worker(own_kg: tipgraph.KnowledgeGraph) -> None:
    from tipgraph.query import bind_named

    named = get_named_query("implementers-of-programme")
    values = bind_named(own_kg.store, named, {})
    own = run_query(own_kg.store, named.sparql, values, name=named.name)
    assert own.worker is None and len(own.rows) > 0  # the library's own text: a thread of this process
    assert own_kg.query("implementers-of-programme").worker is None
    # the same text without the name, or under the name but changed, is a user's: the confined worker
    anonymous = run_query(own_kg.store, named.sparql, values)
    changed = run_query(own_kg.store, named.sparql + "\n# changed", values, name=named.name)
    assert anonymous.worker is not None and anonymous.worker != os.getpid()
    assert changed.worker == anonymous.worker
    assert own.rows == anonymous.rows == changed.rows
    # rdflib's memory store holds the GIL while it works: a thread could not be left behind at the limit
    memory = tipgraph.load(backend="memory")
    assert not memory.store.capabilities.concurrent_reads
    assert memory.query("implementers-of-programme").worker is not None


def test_a_named_question_past_its_limit_answers_the_caller_at_the_limit(own_kg: tipgraph.KnowledgeGraph) -> None:
    # 150,000 more facts make facts-per-relation (which groups every fact) take a few tenths of a second
    extra = "".join(f"<urn:t:s{i}> <urn:t:p{i % 40}> <urn:t:o{i % 997}> <urn:t:g> .\n" for i in range(150_000))
    own_kg.store.load(extra.encode(), format="nquads")
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match="finishes in the background"):
        own_kg.query("facts-per-relation", timeout=0.01)
    assert time.monotonic() - started < 1.0  # told at the limit, not when the engine is done
    answer = own_kg.query("facts-per-relation", timeout=120)  # positive control: given time, it answers
    assert answer.worker is None and "urn:t:p7" in {str(r[0]) for r in answer.rows}


def test_no_worker_is_forked_while_an_abandoned_call_runs() -> None:
    import threading

    from tipgraph.process import run_in_thread

    from tipgraph.process import run_reused

    release = threading.Event()
    kept = run_reused(abs, 5, key=("abandoned", 1), args=(-1,))[1]
    with pytest.raises(QueryTimeoutError):
        run_in_thread(release.wait, 0.05, args=(30,))
    try:
        with pytest.raises(QueryTimeoutError, match="still running in this process"):
            run_limited(int, 0.2)  # a fork now would copy a thread that is inside the engine
        with pytest.raises(QueryTimeoutError, match="still running in this process"):
            run_reused(abs, 0.2, key=("abandoned", 2), args=(-2,))  # a new state needs a fork: it waits too
        assert run_reused(abs, 5, key=("abandoned", 1), args=(-3,)) == (3, kept)  # the forked one answers now
    finally:
        release.set()
    assert run_limited(int, 5) == 0  # once the abandoned call has ended, workers fork again
    assert run_reused(abs, 5, key=("abandoned", 2), args=(-4,))[0] == 4
    assert run_in_thread(int, 5, args=("7",)) == 7


def test_a_write_forks_a_fresh_worker_that_sees_it(own_kg: tipgraph.KnowledgeGraph) -> None:
    q = "SELECT ?l WHERE { tgd:org-0001 skos:prefLabel ?l }"
    before = own_kg.query(q)
    own_kg.store.add([(TGD["org-0001"], SKOS.prefLabel, Literal("Renamed"), URIRef("urn:test:graph"))])
    after = own_kg.query(q)
    assert after.worker is not None and after.worker != before.worker
    assert "Renamed" in after.column("l") and "Renamed" not in before.column("l")
    assert before.worker is not None and not _alive(before.worker)  # the stale one is stopped
    assert own_kg.query(q).worker == after.worker  # and the new one is reused in turn


def test_a_timeout_kills_the_worker_and_the_next_query_forks_another(own_kg: tipgraph.KnowledgeGraph) -> None:
    first = own_kg.query("ASK { }")
    with pytest.raises(QueryTimeoutError) as err:
        own_kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", timeout=1)
    assert err.value.pid == first.worker  # type: ignore[attr-defined]
    deadline = time.monotonic() + 5
    while _alive(first.worker) and time.monotonic() < deadline:  # type: ignore[arg-type]
        time.sleep(0.05)
    assert not _alive(first.worker)  # type: ignore[arg-type]
    again = own_kg.query("ASK { ?s a tg:Country }")
    assert again.boolean is True and again.worker not in (None, first.worker)


def test_a_refusal_retires_the_worker(own_kg: tipgraph.KnowledgeGraph, listener: Any,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import tipgraph.query

    first = own_kg.query("ASK { }")
    monkeypatch.setattr(tipgraph.query, "check_query", lambda *args, **kwargs: None)  # the check "fooled"
    with pytest.raises(tipgraph.QueryRefusedError):
        own_kg.query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}")
    assert listener.connections() == 0
    again = own_kg.query("ASK { ?s a tg:Country }")
    assert again.boolean is True and again.worker != first.worker


def test_the_reused_worker_still_refuses_files(own_kg: tipgraph.KnowledgeGraph, tmp_path: Path) -> None:
    from tipgraph.process import run_reused

    marker = tmp_path / "secret.txt"
    marker.write_text("secret")
    assert run_reused(len, 5, key=("files", 1), args=("ab",), confine=True)[0] == 2  # positive control
    with pytest.raises(tipgraph.QueryRefusedError):
        run_reused(Path.read_text, 5, key=("files", 1), args=(marker,), confine=True)
    assert run_reused(Path.read_text, 5, key=("files-unconfined", 1), args=(marker,))[0] == "secret"


def test_a_worker_dies_with_its_parent() -> None:
    script = ("import sys, time, tipgraph\n"
              "kg = tipgraph.load()\n"
              "print(kg.query('ASK { }').worker, flush=True)\n"
              "time.sleep(60)\n")
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        pid = int(line)
        assert _alive(pid)  # positive control: alive while its parent lives
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def test_a_store_handed_out_as_rdflib_forks_per_query() -> None:
    kg = tipgraph.load()
    assert kg.query("ASK { }").worker is not None
    view = kg.store.dataset  # writes through it are not counted, so no worker may be reused
    assert view is not None
    assert kg.store.version is None and kg.query("ASK { }").worker is None


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------
ORDERED = "SELECT ?c ?l WHERE { ?c a tg:Country ; skos:prefLabel ?l } ORDER BY ?l"


def test_a_page_is_the_slice_of_the_whole(kg_ox: tipgraph.KnowledgeGraph) -> None:
    whole = run_query(kg_ox.store, ORDERED).rows
    assert len(whole) >= 5
    assert run_query(kg_ox.store, ORDERED, limit=2, offset=1).rows == whole[1:3]
    assert run_query(kg_ox.store, ORDERED, offset=3).rows == whole[3:]
    assert run_query(kg_ox.store, ORDERED, limit=0).rows == []
    assert [r for page in pages(kg_ox.store, ORDERED, size=2) for r in page] == whole


def test_a_page_stays_within_the_querys_own_limit(kg_ox: tipgraph.KnowledgeGraph) -> None:
    whole = run_query(kg_ox.store, ORDERED).rows
    own = ORDERED + " LIMIT 4 OFFSET 1"
    assert run_query(kg_ox.store, own, limit=10, offset=2).rows == whole[3:5]
    assert run_query(kg_ox.store, own + "\n", limit=1, offset=0).rows == whole[1:2]


def test_a_page_of_a_named_query_with_bindings(kg_ox: tipgraph.KnowledgeGraph) -> None:
    from tipgraph.query import bind_named

    q = get_named_query("active-in-country")
    b = bind_named(kg_ox.store, q, {})
    whole = run_query(kg_ox.store, q.sparql, b).rows
    assert len(whole) >= 2
    assert run_query(kg_ox.store, q.sparql, b, limit=1, offset=1).rows == whole[1:2]


def test_pages_are_for_select_only() -> None:
    with pytest.raises(BadInputError):
        sliced("ASK { ?s ?p ?o }", 1, 0)
    with pytest.raises(BadInputError):
        sliced(ORDERED, -1, 0)
    assert sliced(ORDERED, None, 0) == ORDERED
    assert sliced("SELECT ?x WHERE { ?x ?p ?o } VALUES ?x { <urn:a> }", 1, 2).endswith("VALUES ?x { <urn:a> }")


def test_cli_limit_and_offset(run_cli: Any) -> None:
    whole = run_cli("query", "-e", ORDERED, "--format", "csv").stdout.splitlines()[1:]
    page = run_cli("query", "-e", ORDERED, "--format", "csv", "--limit", "2", "--offset", "1")
    assert page.returncode == 0, page.stderr
    assert page.stdout.splitlines()[1:] == whole[1:3]
    named = run_cli("query", "active-in-country", "--format", "csv", "--limit", "1")
    assert named.returncode == 0, named.stderr
    assert len(named.stdout.splitlines()) == 2


def test_limits_pass_through_pages(kg_ox: tipgraph.KnowledgeGraph) -> None:
    res = run_query(kg_ox.store, ORDERED, limits=Limits(max_rows=1), limit=3)
    assert len(res.rows) == 1 and res.truncated


def test_the_remembered_class_check_follows_writes(own_kg: tipgraph.KnowledgeGraph) -> None:
    from rdflib.namespace import RDF

    from tipgraph import TG

    with pytest.raises(BadInputError, match="not a country"):
        own_kg.query("active-in-country", country="UNODC")
    with pytest.raises(BadInputError, match="not a country"):  # remembered: the same refusal
        own_kg.query("active-in-country", country="UNODC")
    own_kg.store.add([(TGD["org-0001"], RDF.type, TG.Country, URIRef("urn:test:graph"))])
    own_kg.query("active-in-country", country="UNODC")  # after the write it is one


def test_at_most_a_few_workers_are_kept() -> None:
    from tipgraph.process import POOL_SIZE, run_reused, stop_workers

    pids = [run_reused(abs, 5, key=(f"pool-{i}", 1), args=(-i,))[1] for i in range(POOL_SIZE + 3)]
    try:
        assert len(set(pids)) == POOL_SIZE + 3
        assert sum(_alive(p) for p in pids if p is not None) == POOL_SIZE
        assert run_reused(abs, 5, key=(f"pool-{POOL_SIZE + 2}", 1), args=(-1,))[1] == pids[-1]  # the newest is kept
    finally:
        stop_workers()
    assert not any(_alive(p) for p in pids if p is not None)


def test_rows_from_the_worker_are_terms_when_read(kg_ox: tipgraph.KnowledgeGraph) -> None:
    sparql = ("SELECT ?o ?l ?n ?d WHERE { ?o skos:prefLabel ?l . OPTIONAL { ?o tg:startDate ?d } "
              "BIND(STRLEN(?l) AS ?n) } ORDER BY ?o ?l ?d")
    res = kg_ox.query(sparql)
    assert res.worker is not None

    def pending(r: Any) -> bool:
        return type(r.__dict__["_rows"]).__name__ == "_Pending"

    assert pending(res)  # not converted yet
    n = len(res)
    assert pending(res) and n > 10  # len() converts nothing
    # timeout=None: answered in this process (no worker), the rows still come back as rdflib terms
    same_process = run_query(kg_ox.store, sparql, limits=Limits(timeout=None))
    assert same_process.worker is None
    assert res.rows == same_process.rows and len(res.rows) == n
    kinds = {type(x) for row in res.rows for x in row}
    assert {URIRef, Literal, type(None)} <= kinds
    assert any(isinstance(x, Literal) and x.datatype == XSD.date for row in res.rows for x in row)
    assert all(type(x) in (URIRef, Literal, type(None)) for row in same_process.rows for x in row)
    assert res.records() == same_process.records() and res.to_csv() == same_process.to_csv()
    assert len(kg_ox.in_words(res).rows) == n
    assert kg_ox.labels([TGD["org-0001"]]) == {TGD["org-0001"]: "UNODC"}  # labels() reads its rows in-process


def test_a_worker_is_forked_with_the_heap_frozen() -> None:
    import gc

    from tipgraph.process import run_limited, run_reused, stop_workers

    assert gc.isenabled()
    before = gc.get_freeze_count()
    # In the worker, everything inherited is frozen: a collection there never walks it.
    assert run_limited(gc.get_freeze_count, 10) > 1000
    try:
        assert run_reused(gc.get_freeze_count, 10, key=("frozen", 1))[0] > 1000
    finally:
        stop_workers()
    assert gc.get_freeze_count() == before and gc.isenabled()  # the parent is as it was


def test_a_backend_that_hands_over_plain_cells_gives_the_same_answer(kg_ox: tipgraph.KnowledgeGraph) -> None:
    if not hasattr(kg_ox.store, "execute_plain"):
        pytest.skip("this backend has no execute_plain (the worker converts its rdflib terms)")
    from tipgraph.query import bind_named, execute_bound

    for name in ("who-works-where", "facilities", "implementers-of-programme", "events-in-country"):
        query = get_named_query(name)
        reference = execute_bound(kg_ox.store, query.sparql, bind_named(kg_ox.store, query, {}), None)  # rdflib terms
        rows = kg_ox.query(name).rows
        assert rows == reference.rows and rows
        assert [type(x) for r in rows for x in r] == [type(x) for r in reference.rows for x in r]
    assert kg_ox.query("ASK { ?s ?p ?o }").boolean is True
    assert len(kg_ox.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3").triples) == 3


@pytest.mark.parametrize("lexical, datatype", [
    ("2024-03-01", XSD.date), ("1999-12-31", XSD.date), ("0999-01-01", XSD.date), ("2024-02-30", XSD.date),
    ("2024-3-1", XSD.date), ("2024-03-01Z", XSD.date), ("0", XSD.integer), ("42", XSD.integer),
    ("-7", XSD.integer), ("007", XSD.integer), ("+5", XSD.integer), ("12a", XSD.integer),
    ("1.50", XSD.decimal), ("2024", XSD.gYear), ("true", XSD.boolean), ("x", URIRef("urn:t:type")),
])
def test_typed_cells_are_the_literals_rdflib_makes(lexical: str, datatype: URIRef) -> None:
    from tipgraph.store.oxigraph import typed_term

    def parts(lit: Literal) -> tuple[Any, ...]:
        return (type(lit), str(lit), lit.language, lit.datatype, type(lit.value), lit.value, lit.ill_typed,
                hash(lit))

    fast, slow = typed_term(lexical, str(datatype)), Literal(lexical, datatype=datatype)
    assert parts(fast) == parts(slow) and fast == slow and fast.eq(slow)
    assert parts(typed_term("2024-03-02", str(XSD.date))) != parts(Literal("2024-03-01", datatype=XSD.date))


def _ident_after(seconds: float) -> int:
    import threading

    time.sleep(seconds)
    return threading.get_ident()


def test_a_call_known_to_be_quick_runs_in_the_calling_thread() -> None:
    import threading

    from tipgraph.process import run_in_thread

    here = threading.get_ident()
    key = ("quick", os.getpid(), time.monotonic())
    assert run_in_thread(_ident_after, 5, args=(0.002,), key=key) != here  # first time: a runner thread
    assert run_in_thread(_ident_after, 5, args=(0.002,), key=key) == here  # known quick: no hand-over
    assert run_in_thread(_ident_after, 5, args=(0.002,)) != here  # no key, nothing known: a runner
    # 2 ms is quick under a limit of 5 s, not under a limit of 50 ms: the hand-over again
    assert run_in_thread(_ident_after, 0.05, args=(0.002,), key=key) != here
    slow = ("slow", os.getpid(), time.monotonic())
    assert run_in_thread(_ident_after, 5, args=(0.08,), key=slow) != here  # over 50 ms: never skipped
    assert run_in_thread(_ident_after, 5, args=(0,), key=slow) != here
    assert run_in_thread(_ident_after, 5, args=(0,), key=slow) == here  # ... until it was quick once


def test_a_quick_question_is_guarded_again_after_a_write(own_kg: tipgraph.KnowledgeGraph,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from tipgraph import process

    # Anything that once took less than its limit counts as quick here, so that the limit of
    # 10 ms below would let the question skip the hand-over if a write did not make it unknown.
    # Known quick on the seed, facts-per-relation runs without a hand-over; 150,000 more facts
    # change the store's state, so the same question is handed over again and stopped at its limit.
    monkeypatch.setattr(process, "QUICK_SHARE", 1.0)
    for _ in range(3):
        own_kg.query("facts-per-relation", timeout=30)
    extra = "".join(f"<urn:t:s{i}> <urn:t:p{i % 40}> <urn:t:o{i % 997}> <urn:t:g> .\n" for i in range(150_000))
    own_kg.store.load(extra.encode(), format="nquads")
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match="finishes in the background"):
        own_kg.query("facts-per-relation", timeout=0.01)
    assert time.monotonic() - started < 1.0


def test_a_named_question_in_this_process_gives_the_workers_terms_shared(kg_ox: tipgraph.KnowledgeGraph) -> None:
    named = get_named_query("who-works-where")
    own = kg_ox.query("who-works-where")  # the library's own text: answered in this process
    users = run_query(kg_ox.store, named.sparql)  # the same text as a user's: the confined worker
    assert own.worker is None and users.worker is not None
    assert own.vars == users.vars and own.rows == users.rows and len(own.rows) > 3
    assert [[type(x) for x in row] for row in own.rows] == [[type(x) for x in row] for row in users.rows]
    # a value that recurs (a role, a source) is one term, converted once
    roles = [row[own.vars.index("roleLabel")] for row in own.rows]
    assert len(set(roles)) < len(roles)
    first = {}
    for role in roles:
        assert first.setdefault(role, role) is role
