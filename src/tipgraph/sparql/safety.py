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

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import BadInputError, QueryRefusedError
from . import lexical as sparqltext

__all__ = ["DEFAULT_MAX_ROWS", "DEFAULT_MEMORY_MB", "DEFAULT_TIMEOUT", "Limits", "check_query"]

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MEMORY_MB = 2048

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
    #: how much memory (MiB) a query worker may take beyond the store it reads; None = no cap
    memory_mb: int | None = DEFAULT_MEMORY_MB

    def __post_init__(self) -> None:
        import math

        if self.timeout is not None and not (self.timeout > 0 and math.isfinite(self.timeout)):
            raise BadInputError(f"the time limit must be a positive number of seconds, got {self.timeout!r}")
        for name in ("max_rows", "memory_mb"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise BadInputError(f"{name} must be a whole number of at least 0 (or None), got {value!r}")


def check_query(sparql: str, *, allow_network: bool = False) -> None:
    r"""Raise :class:`QueryRefusedError` if the query would change data or reach outside the store.

    The query is read as each engine reads it (:mod:`.lexical`): escapes, comments that
    end at ``\r``, keywords glued to other text. A keyword that any reading sees is refused.

    >>> try:
    ...     check_query("SELECT * WHERE { \\u0053ERVICE <http://x> { ?s ?p ?o } }")
    ... except QueryRefusedError as exc:
    ...     print(str(exc))
    line 1, column 18: SERVICE (written as \u0053ERVICE) would send the query to another server; refused ...
    """
    if not isinstance(sparql, str) or not sparql.strip():
        raise BadInputError("the query is empty")
    if (sparql, allow_network) in _PASSED:
        return
    _check(sparql, allow_network)
    if len(_PASSED) >= 512:
        _PASSED.clear()
    _PASSED.add((sparql, allow_network))


#: Texts that passed the check lately (the check reads each text six ways: named queries come often).
_PASSED: set[tuple[str, bool]] = set()


def _check(sparql: str, allow_network: bool) -> None:
    _refuse(sparql, sparqltext.findings(sparql, sparqltext.UPDATE_KEYWORDS),
            lambda word: f"{word} is SPARQL Update; tipgraph queries are read-only "
                         "(change the data files and rebuild instead)")
    if not allow_network:
        _refuse(sparql, sparqltext.findings(sparql, sparqltext.NETWORK_KEYWORDS),
                lambda word: f"{_WHY[word]}; refused because queries never reach the network or the file "
                             "system unless you allow it (Python: allow_network=True; CLI: --allow-network)")


def _refuse(sparql: str, found: list[sparqltext.Finding], why: Callable[[str], str]) -> None:
    if not found:
        return
    first = found[0]
    line, col = sparqltext.line_col(sparql, first.offset)
    written = sparql[first.offset:first.end]
    message = why(first.word)
    if written != first.word:
        message = message.replace(first.word, f"{first.word} (written as {written})", 1)
    if first.anywhere:
        where = sparqltext.unreadable_at(sparql)
        assert where is not None
        message += (f" (the query has a stray backslash or quote at line {where[0]}, column {where[1]}, "
                    "so tipgraph cannot tell whether this word is in a string, an IRI or a comment)")
    raise QueryRefusedError(f"line {line}, column {col}: {message}")
