"""Every exception tipgraph raises on purpose, and the exit code the CLI maps it to.

Each class also subclasses the closest built-in, so callers can catch either.

Exit codes (documented in the README):

====  ==========================================================
0     success
1     unexpected internal error (a bug: please report it)
2     command-line usage error (unknown option, missing argument)
3     the data does not conform (SHACL violations or OWL inconsistency)
4     bad input: unparseable file, malformed SPARQL, unknown name
5     refused (network / file access, update) or timed out
====  ==========================================================
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_NOT_CONFORMING = 3
EXIT_BAD_INPUT = 4
EXIT_REFUSED = 5


class TipgraphError(Exception):
    """Base class of all tipgraph errors."""

    exit_code = EXIT_INTERNAL


class BadInputError(TipgraphError, ValueError):
    """A file, query or name given to tipgraph cannot be used.

    ``path``, ``line`` and ``column`` are set when the problem has a location.

    >>> str(BadInputError("unexpected end of file", path="a.ttl", line=3, column=10))
    'a.ttl:3:10: unexpected end of file'
    """

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, *, path: str | None = None,
                 line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        where = ":".join(str(x) for x in (path, line, column) if x is not None)
        super().__init__(f"{where}: {message}" if where else message)


class UnknownNameError(BadInputError, LookupError):
    """A named query, entity or backend that does not exist; ``known`` lists the valid names."""

    def __init__(self, kind: str, name: str, known: list[str]) -> None:
        self.kind = kind
        self.name = name
        self.known = sorted(known)
        super().__init__(f"unknown {kind} {name!r}; known: {', '.join(self.known) or '(none)'}")


class NotConformingError(TipgraphError, ValueError):
    """The data violates the SHACL shapes or makes the ontology inconsistent."""

    exit_code = EXIT_NOT_CONFORMING

    def __init__(self, message: str, report: object = None) -> None:
        self.report = report
        super().__init__(message)


class QueryRefusedError(TipgraphError, PermissionError):
    """A query would reach the network or the file system, or would change the data."""

    exit_code = EXIT_REFUSED


class QueryTimeoutError(TipgraphError, TimeoutError):
    """A query ran past its time limit and its worker process was killed."""

    exit_code = EXIT_REFUSED


class ReasonerUnavailableError(TipgraphError, RuntimeError):
    """Java (needed by HermiT) is missing or the reasoner could not start."""

    exit_code = EXIT_INTERNAL


def exit_code_for(exc: BaseException) -> int:
    """Return the documented exit code for an exception.

    >>> exit_code_for(QueryTimeoutError("too slow"))
    5
    """
    if isinstance(exc, TipgraphError):
        return exc.exit_code
    return EXIT_INTERNAL
