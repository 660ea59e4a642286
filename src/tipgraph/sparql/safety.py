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

from . import lexical as sparqltext
from ..errors import BadInputError, QueryRefusedError

__all__ = ["DEFAULT_MAX_ROWS", "DEFAULT_TIMEOUT", "Limits", "check_query"]

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000

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
