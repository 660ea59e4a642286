"""Query limits: what a query may touch, how long it may run, how many rows it may return.

* Network and file access (``SERVICE``, ``FROM``/``FROM NAMED``) is refused unless the
  caller passes ``allow_network=True``; updates (``LOAD``, ``INSERT`` ...) are always
  refused: querying is read-only.
* A query runs in a forked worker process that is killed when it passes its time
  limit (neither rdflib nor Oxigraph can cancel a query from Python).
* At most ``max_rows`` rows come back; the result says when it was capped.

>>> try:
...     check_query("SELECT * WHERE { SERVICE <http://x> { ?s ?p ?o } }")
... except QueryRefusedError as exc:
...     print(str(exc)[:65])
line 1, column 18: SERVICE would send the query to another server
"""

from __future__ import annotations

import multiprocessing as mp
import os
import re
import signal
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from . import sparqltext
from .errors import BadInputError, QueryRefusedError, QueryTimeoutError, TipgraphError

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000

T = TypeVar("T")

_WHY = {
    "SERVICE": "SERVICE would send the query to another server",
    "FROM": "FROM / FROM NAMED would make the engine fetch a graph from the web or the file system "
            "(to query one named graph of the store, use GRAPH <iri> { ... } instead)",
}


@dataclass(frozen=True)
class Limits:
    """The limits a query runs under.

    >>> Limits().timeout
    10.0
    """

    timeout: float | None = DEFAULT_TIMEOUT
    max_rows: int | None = DEFAULT_MAX_ROWS
    allow_network: bool = False


def check_query(sparql: str, *, allow_network: bool = False) -> None:
    """Raise :class:`QueryRefusedError` if the query would change data or reach outside the store."""
    if not isinstance(sparql, str) or not sparql.strip():
        raise BadInputError("the query is empty")
    _refuse(sparqltext.forbidden_keywords(sparql, sparqltext.UPDATE_KEYWORDS),
            lambda word: f"{word} is SPARQL Update; tipgraph queries are read-only "
                         "(change the data files and rebuild instead)")
    if not allow_network:
        _refuse(sparqltext.forbidden_keywords(sparql, sparqltext.NETWORK_KEYWORDS),
                lambda word: f"{_WHY[word]}; refused because queries never reach the network or the file "
                             "system unless you allow it (Python: allow_network=True; CLI: --allow-network)")


def _refuse(found: list[tuple[str, int, int]], why: Callable[[str], str]) -> None:
    if found:
        word, line, col = found[0]
        raise QueryRefusedError(f"line {line}, column {col}: {why(word)}")


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        result = fn(*args)
        conn.send(("ok", result))
    except BaseException as exc:  # noqa: BLE001 - everything must reach the parent
        conn.send(("error", _describe(exc)))
    finally:
        conn.close()


def _describe(exc: BaseException) -> dict[str, Any]:
    return {
        "type": type(exc).__name__,
        "message": str(exc),
        "lineno": getattr(exc, "lineno", None),
        "offset": getattr(exc, "offset", None),
        "col": getattr(exc, "col", None),
        "tipgraph": isinstance(exc, TipgraphError),
        "trace": traceback.format_exc(limit=3),
    }


def query_error(info: dict[str, Any]) -> Exception:
    """Turn an engine's exception (described as a dict) into a tipgraph error."""
    t, msg = info["type"], info["message"]
    if t in {"SyntaxError", "ParseException", "ParseFatalException"}:
        line = info.get("lineno")
        col = info.get("offset") or info.get("col")
        found = re.search(r"error at (\d+):(\d+)", msg)  # Oxigraph puts the position in the message
        if line is None and found:
            line, col = int(found.group(1)), int(found.group(2))
            msg = msg.replace(found.group(0), "error").strip()
        return BadInputError(f"malformed SPARQL: {msg}", path="<query>", line=line, column=col)
    if t in {"UnknownNameError", "BadInputError"}:
        return BadInputError(msg)
    if t in {"QueryRefusedError"}:
        return QueryRefusedError(msg)
    if t in {"Exception", "ValueError", "TypeError", "RuntimeError", "OSError", "NotImplementedError",
             "AttributeError", "KeyError"}:
        return BadInputError(f"the query failed in the SPARQL engine ({t}): {msg}")
    return RuntimeError(f"{t}: {msg}\n{info.get('trace', '')}")


def run_limited(fn: Callable[..., T], timeout: float | None, *, args: tuple[Any, ...] = ()) -> T:
    """Run ``fn(*args)`` in a forked worker and return its result; kill it after ``timeout`` seconds.

    With ``timeout=None`` it runs in this process. The fork sees the in-memory store as
    it is now without copying it (stores never keep background threads that a fork
    could catch holding a lock: see :class:`tipgraph.store.OxigraphStore`).

    >>> run_limited(lambda: 6 * 7, timeout=5)
    42
    """
    if timeout is None:
        try:
            return fn(*args)
        except TipgraphError:
            raise
        except Exception as exc:  # engine errors become tipgraph errors, as in the worker
            raise query_error(_describe(exc)) from exc
    if timeout <= 0:
        raise BadInputError("the time limit must be a positive number of seconds")
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args), daemon=True)
    proc.start()
    child.close()
    try:
        status, payload = _wait(parent, proc, timeout)
    finally:
        parent.close()
    proc.join(5)
    if proc.is_alive():
        _kill(proc)
    if status == "error":
        raise query_error(payload)
    return payload


def _wait(conn: Any, proc: Any, timeout: float) -> tuple[str, Any]:
    """The worker's answer, or kill it and raise when the time limit passes."""
    if not conn.poll(timeout):
        pid = proc.pid
        _kill(proc)
        exc = QueryTimeoutError(
            f"the query ran past its time limit of {timeout:g} s and was stopped "
            f"(worker {pid} killed); raise the limit with timeout=... or --timeout")
        exc.pid = pid  # type: ignore[attr-defined]
        raise exc
    try:
        return conn.recv()
    except EOFError:
        _kill(proc)
        raise RuntimeError(f"the query worker died without an answer (exit code {proc.exitcode}); "
                           "it may have run out of memory") from None


def _kill(proc: Any) -> None:
    try:
        os.kill(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.join(5)
