"""Faster versions of slow library stages, prototyped here so the benchmark can show before/after.

Nothing in ``src/tipgraph`` imports this module. The first two prototypes of this file, bulk
loading and rules run inside Oxigraph instead of ``reasonable``, went into the library on
2026-11-28 (``tipgraph.load.load_default`` and ``tipgraph.reason.materialise``); the benchmark
now times those against the library's previous code paths. What is left here:

* :func:`inline_bindings` for the ``substitutions`` Oxigraph is given in
  :meth:`tipgraph.store.OxigraphStore.execute`: the bound values written into the query as
  constants, which lets Oxigraph's planner start from them.
* :func:`tuned_queries`: rewritten copies of the named queries that Oxigraph plans badly
  (``benchmarks/tuned_queries/``).
* :class:`LabelIndex` for the CONTAINS scan of ``find-by-label``: labels held in Python.
* :func:`fast_stats` for :meth:`tipgraph.KnowledgeGraph.stats`: counts per graph in one GROUP BY
  query instead of one query per named graph.
* :class:`QueryWorker` for the fork-per-query sandbox of :func:`tipgraph.sparql.safety.run_limited`:
  one forked worker answers many queries and is replaced only when a query runs past its time
  limit (or the store changes).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rdflib.term import Node

from tipgraph.sparql import lexical as sparqltext
from tipgraph.errors import QueryTimeoutError
from tipgraph.resources import INFERRED_GRAPH, ONTOLOGY_GRAPH
from tipgraph.store import OxigraphStore, RawResult, Store
from tipgraph.store.oxigraph import to_ox

# ---------------------------------------------------------------------------
# Querying
# ---------------------------------------------------------------------------
def _term_text(value: Node) -> str:
    term = to_ox(value)
    return str(term)


def _where_span(sparql: str) -> tuple[int, int]:
    """Offsets of the outermost WHERE group's braces."""
    toks = sparqltext.tokens(sparql)
    first = next(off for kind, _, off in toks if kind == "lbrace")
    depth = 0
    # Braces inside strings and IRIs are skipped: walk the text between tokens only.
    skip = {(off, off + len(text)) for kind, text, off in toks if kind in ("string", "iri")}
    spans = sorted(skip)
    i = first
    k = 0
    while i < len(sparql):
        while k < len(spans) and spans[k][1] <= i:
            k += 1
        if k < len(spans) and spans[k][0] <= i < spans[k][1]:
            i = spans[k][1]
            continue
        c = sparql[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return first, i
        elif c == "#":
            nl = sparql.find("\n", i)
            i = len(sparql) if nl < 0 else nl
            continue
        i += 1
    raise ValueError("unbalanced braces in the query")


def inline_bindings(sparql: str, bindings: Mapping[str, Node]) -> str:
    """Write bound values into the WHERE clause as constants and BIND them for the projection.

    >>> from rdflib import URIRef
    >>> inline_bindings("SELECT ?x ?y WHERE { ?x <p> ?y }", {"x": URIRef("http://e/a")})
    'SELECT ?x ?y WHERE { <http://e/a> <p> ?y  BIND(<http://e/a> AS ?x) }'
    """
    if not bindings:
        return sparql
    start, end = _where_span(sparql)
    body = sparql[start + 1:end]
    out, last = [], 0
    for kind, text, off in sparqltext.tokens(body):
        if kind == "var" and text[1:] in bindings:
            out.append(body[last:off])
            out.append(_term_text(bindings[text[1:]]))
            last = off + len(text)
    out.append(body[last:])
    binds = " ".join(f"BIND({_term_text(v)} AS ?{k})" for k, v in bindings.items())
    return sparql[:start + 1] + "".join(out) + " " + binds + " " + sparql[end:]


def execute_inlined(store: OxigraphStore, sparql: str, bindings: Mapping[str, Node], max_rows: int | None
                    ) -> RawResult:
    """:meth:`OxigraphStore.execute` with the bindings written into the query as constants."""
    if not bindings:
        return store.execute(sparql, bindings, max_rows)
    return store.execute(inline_bindings(sparql, bindings), {}, max_rows)


class LabelIndex:
    """Preferred and alternative labels held in Python, for substring search without a SPARQL scan.

    Built once per store (and to be rebuilt when the store changes): ``find`` answers what the
    named query ``find-by-label`` answers, as (entity IRI, preferred label) pairs sorted by label.
    """

    _QUERY = ("SELECT ?e ?p ?l WHERE { VALUES ?p { <http://www.w3.org/2004/02/skos/core#prefLabel> "
              "<http://www.w3.org/2004/02/skos/core#altLabel> } ?e ?p ?l FILTER (isLiteral(?l)) }")

    def __init__(self, store: OxigraphStore) -> None:
        pref = "http://www.w3.org/2004/02/skos/core#prefLabel"
        self.entries: list[tuple[str, str]] = []
        self.preferred: dict[str, list[str]] = {}
        seen = set()
        for sol in store._ox.query(self._QUERY, use_default_graph_as_union=True):
            entity, label = sol[0].value, sol[2].value
            if (entity, label) not in seen:
                seen.add((entity, label))
                self.entries.append((label.lower(), entity))
            if sol[1].value == pref:
                labels = self.preferred.setdefault(entity, [])
                if label not in labels:
                    labels.append(label)

    def find(self, text: str) -> list[tuple[str, str]]:
        needle = text.lower()
        hits = {entity for low, entity in self.entries if needle in low}
        rows = [(entity, label) for entity in hits for label in self.preferred.get(entity, [])]
        return sorted(rows, key=lambda r: (r[1], r[0]))


# ---------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------
def fast_stats(store: OxigraphStore) -> dict[str, Any]:
    """Counts per graph, class and relation (asserted vs inferred) in three queries."""
    ox_store = store._ox
    graphs = {sol["g"].value: int(sol["n"].value) for sol in ox_store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    skip = f"FILTER (?g != <{ONTOLOGY_GRAPH}>)"
    inferred = f"IF(?g = <{INFERRED_GRAPH}>, 1, 0)"

    def split(pattern: str, distinct: bool) -> list[tuple[str, int, int]]:
        what = "DISTINCT ?s" if distinct else "*"
        res = ox_store.query(
            f"SELECT ?term ?inf (COUNT({what}) AS ?n) WHERE {{ GRAPH ?g {{ {pattern} }} {skip} "
            f"BIND({inferred} AS ?inf) }} GROUP BY ?term ?inf")
        rows: dict[str, list[int]] = {}
        for sol in res:
            cell = rows.setdefault(sol["term"].value, [0, 0])
            cell[int(sol["inf"].value)] += int(sol["n"].value)
        return sorted(((k, a, i) for k, (a, i) in rows.items()), key=lambda r: (-(r[1] + r[2]), r[0]))

    return {"graphs": graphs, "classes": split("?s a ?term", True), "relations": split("?s ?term ?o", False)}


# ---------------------------------------------------------------------------
# A reusable sandbox worker
# ---------------------------------------------------------------------------
def _serve(conn: Any, store: Store) -> None:
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        sparql, bindings, max_rows = msg
        try:
            conn.send(("ok", store.execute(sparql, bindings, max_rows)))
        except BaseException as exc:  # noqa: BLE001 - everything must reach the parent
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class QueryWorker:
    """One forked process that answers queries until one runs past its limit.

    The fork happens once (after loading), so a query pays a pipe round trip instead of a
    fork of the whole process; a query that times out gets its worker killed, as with the
    fork-per-query sandbox, and the next query forks a fresh worker.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._proc: Any = None
        self._conn: Any = None

    def _start(self) -> None:
        ctx = mp.get_context("fork")
        parent, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, self.store), daemon=True)
        self._proc.start()
        child.close()
        self._conn = parent

    def execute(self, sparql: str, bindings: Mapping[str, Node], max_rows: int | None, timeout: float) -> RawResult:
        if self._proc is None or not self._proc.is_alive():
            self._start()
        self._conn.send((sparql, dict(bindings), max_rows))
        if not self._conn.poll(timeout):
            self.close(kill=True)
            raise QueryTimeoutError(f"the query ran past its time limit of {timeout:g} s and was stopped")
        status, payload = self._conn.recv()
        if status == "error":
            raise RuntimeError(payload)
        return payload

    def close(self, kill: bool = False) -> None:
        if self._proc is None:
            return
        try:
            if kill:
                os.kill(self._proc.pid, signal.SIGKILL)
            else:
                self._conn.send(None)
        except (ProcessLookupError, BrokenPipeError, OSError):
            pass
        self._proc.join(5)
        if self._proc.is_alive():
            os.kill(self._proc.pid, signal.SIGKILL)
            self._proc.join(5)
        self._conn.close()
        self._proc = None
        self._conn = None


__all__ = ["LabelIndex", "QueryWorker", "execute_inlined", "fast_stats", "inline_bindings", "tuned_queries"]


def tuned_queries() -> dict[str, str]:
    """The rewritten named queries in ``benchmarks/tuned_queries/``, by name."""
    folder = Path(__file__).resolve().parent / "tuned_queries"
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.rq"))}
