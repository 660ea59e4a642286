"""Every exception tipgraph raises on purpose, and the exit code the CLI maps it to.

Each class also subclasses the closest built-in, so callers can catch either. The exit
codes are declared once, in :data:`EXIT_CODES`; the README's table and every ``--help``
are generated from it or tested against it.

>>> exit_code_for(QueryTimeoutError("too slow"))
5
"""

from __future__ import annotations

from typing import Any

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_NOT_CONFORMING = 3
EXIT_BAD_INPUT = 4
EXIT_REFUSED = 5
EXIT_LOCKED = 6

#: The exit codes of the ``tipgraph`` command and what each means (the one table).
EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "success"),
    (EXIT_INTERNAL, "internal error (a bug in tipgraph: please report it; --debug shows the traceback)"),
    (EXIT_USAGE, "usage error (unknown option, missing argument)"),
    (EXIT_NOT_CONFORMING, "the data does not conform (SHACL violations or OWL inconsistency)"),
    (EXIT_BAD_INPUT, "bad input: unparseable file (file:line:column), malformed SPARQL (position), "
                     "unknown name (known names listed), unusable store or output path"),
    (EXIT_REFUSED, "refused (network or file access, update, size or memory limit) or timed out"),
    (EXIT_LOCKED, "the store is busy: another tipgraph command is writing to it (try again when it ends)"),
)


def exit_codes_text(indent: str = "  ") -> str:
    """The exit-code table as plain text, for ``--help``.

    >>> exit_codes_text().splitlines()[1]
    '  0  success'
    """
    return "exit codes:\n" + "\n".join(f"{indent}{code}  {text}" for code, text in EXIT_CODES)


def exit_codes_markdown() -> str:
    """The exit-code table as Markdown, as the README shows it."""
    rows = ["| code | meaning |", "| --- | --- |"]
    rows += [f"| {code} | {text} |" for code, text in EXIT_CODES]
    return "\n".join(rows)


class TipgraphError(Exception):
    """Base class of all tipgraph errors."""

    exit_code = EXIT_INTERNAL

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross from query workers to the parent by pickling; keep every attribute.
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[TipgraphError], args: tuple[Any, ...], state: dict[str, Any]) -> TipgraphError:
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(state)
    return exc


class InternalError(TipgraphError, RuntimeError):
    """A bug in tipgraph (not the user's input); the CLI says so and asks for a report."""

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


class InputLimitError(BadInputError):
    """A data file over an input limit (size, triples per byte); refused, exit code 5.

    >>> InputLimitError("too big", path="a.ttl").exit_code
    5
    """

    exit_code = EXIT_REFUSED


class UnknownNameError(BadInputError, LookupError):
    """A named query, entity or backend that does not exist; ``known`` lists the valid names."""

    def __init__(self, kind: str, name: str, known: list[str], hint: str = "") -> None:
        self.kind = kind
        self.name = name
        self.known = sorted(known)
        text = f"unknown {kind} {name!r}"
        if self.known or not hint:
            text += f"; known: {', '.join(self.known) or '(none)'}"
        super().__init__(text + (f"; {hint}" if hint else ""))


class AmbiguousNameError(BadInputError, LookupError):
    """A label that several entities carry; ``options`` lists them (prefixed name, label)."""

    def __init__(self, name: str, options: list[tuple[str, str]]) -> None:
        self.name = name
        self.options = options
        listed = "; ".join(f"{iri} ({label})" for iri, label in options)
        super().__init__(f"the label {name!r} is ambiguous; use one of: {listed}")


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


class WorkerMemoryError(TipgraphError, MemoryError):
    """A query worker ran out of its memory limit and was stopped.

    >>> str(WorkerMemoryError(512)).startswith("the query needed more than its memory limit of 512 MiB")
    True
    """

    exit_code = EXIT_REFUSED

    def __init__(self, limit_mb: int | None) -> None:
        self.limit_mb = limit_mb
        limit = f" of {limit_mb} MiB" if limit_mb else ""
        super().__init__(f"the query needed more than its memory limit{limit} and was stopped; "
                         "narrow the query, or raise the limit with memory_mb=... or --memory")


class StoreLockedError(TipgraphError, BlockingIOError):
    """Another process is writing to the store; ``holder`` says which, when known."""

    exit_code = EXIT_LOCKED

    def __init__(self, path: str, holder: str | None = None) -> None:
        self.path = path
        self.holder = holder
        who = f" ({holder})" if holder else ""
        super().__init__(f"{path}: the store is busy: another tipgraph command is writing to it{who}; "
                         "wait until it ends and try again")


def exit_code_for(exc: BaseException) -> int:
    """Return the documented exit code for an exception (1 for anything not ours: a bug)."""
    if isinstance(exc, TipgraphError):
        return exc.exit_code
    return EXIT_INTERNAL
