"""Read RDF files into a store, all or nothing.

Every file is parsed completely (with Oxigraph's native parsers) before anything is
added, so a malformed file leaves the store exactly as it was and the error names
the file, line and column.

Graph naming: TriG and N-Quads keep their named graphs; a Turtle or N-Triples file
goes into the graph ``https://w3id.org/tipgraph/graph/file/<file name>``, and triples
in a TriG file's default graph likewise.

Limits (see :func:`input_limits`): a file larger than ``TIPGRAPH_MAX_INPUT_MB`` (default
512 MiB) is refused before it is read, and one that makes more triples than
``TIPGRAPH_MAX_TRIPLES_PER_KIB`` per KiB of input (default 256, at least 100,000 per file)
is refused while it is parsed: nested Turtle collections make a triple from every byte, so
2 MB of them would need gigabytes of memory. Curated and generated data make about 24
triples per KiB. A single token over 16 MiB (the parser's buffer) is bad input.

>>> from tipgraph.store import open_store
>>> from tipgraph.resources import ontology_file
>>> s = open_store("memory")
>>> load_files(s, [ontology_file()], graph=ONTOLOGY_GRAPH) > 500
True
"""

from __future__ import annotations

import contextlib

import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from .errors import BadInputError, InputLimitError
from .resources import GRAPH_NS, ONTOLOGY_GRAPH, data_dir, data_files, ontology_file
from .store import Store

__all__ = ["DEFAULT_MAX_INPUT_MB", "DEFAULT_MAX_TRIPLES_PER_KIB", "FORMATS", "MAX_INPUT_ENV", "MAX_TRIPLES_ENV",
           "MIN_TRIPLES_ALLOWED", "ONTOLOGY_GRAPH", "InputLimitError", "InputLimits", "Parsed", "file_graph",
           "input_limits", "load_default", "load_files", "parse_file"]

#: File suffix -> Oxigraph format. RDF/XML is deliberately absent: its parsers are
#: open to entity-expansion bombs (see docs) and the curated data never needs it.
FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
}


_BULK = {".ttl": "turtle", ".turtle": "turtle", ".trig": "trig", ".nt": "ntriples", ".nq": "nquads"}

#: Formats with one statement per triple: they cannot make more triples than they have lines
#: (at least 12 bytes each), so they never need the amplification count.
_LINE_FORMATS = {ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS}

#: Environment variables that change the input limits, and their defaults.
MAX_INPUT_ENV = "TIPGRAPH_MAX_INPUT_MB"
MAX_TRIPLES_ENV = "TIPGRAPH_MAX_TRIPLES_PER_KIB"
DEFAULT_MAX_INPUT_MB = 512
DEFAULT_MAX_TRIPLES_PER_KIB = 256
#: Every file may make this many triples whatever its size (small files are never refused).
MIN_TRIPLES_ALLOWED = 100_000

_TOKEN_LIMIT = "16 MiB"  # Oxigraph's parser buffer (MemoryError "Reached the buffer maximal size")


@dataclass(frozen=True)
class InputLimits:
    """Limits on one input file: ``max_mb`` MiB, ``triples_per_kib`` triples per KiB (None: no limit).

    >>> InputLimits(max_mb=1, triples_per_kib=256).max_triples(10 * 1024 * 1024)
    2621440
    >>> InputLimits(max_mb=1, triples_per_kib=256).max_triples(1000)
    100000
    """

    max_mb: int | None = DEFAULT_MAX_INPUT_MB
    triples_per_kib: int | None = DEFAULT_MAX_TRIPLES_PER_KIB

    def __post_init__(self) -> None:
        for name in ("max_mb", "triples_per_kib"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
                raise BadInputError(f"{name} must be a positive whole number or None (no limit), got {value!r}")

    def max_triples(self, size: int) -> int | None:
        """How many triples a file of ``size`` bytes may make."""
        if self.triples_per_kib is None:
            return None
        return max(MIN_TRIPLES_ALLOWED, size * self.triples_per_kib // 1024)


def input_limits() -> InputLimits:
    """The input limits in force: the defaults, or ``TIPGRAPH_MAX_INPUT_MB`` / ``TIPGRAPH_MAX_TRIPLES_PER_KIB``
    (whole numbers; 0 means no limit), read when called.

    >>> input_limits() == InputLimits() or MAX_INPUT_ENV in os.environ or MAX_TRIPLES_ENV in os.environ
    True
    """
    return InputLimits(max_mb=_env_limit(MAX_INPUT_ENV, DEFAULT_MAX_INPUT_MB),
                       triples_per_kib=_env_limit(MAX_TRIPLES_ENV, DEFAULT_MAX_TRIPLES_PER_KIB))


def _env_limit(name: str, default: int) -> int | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit():
        raise BadInputError(f"the environment variable {name} must be a whole number (0 = no limit), got {raw!r}")
    return int(raw) or None


def _check_file(path: Path, fmt: ox.RdfFormat | None, limits: InputLimits) -> int:
    """Refuse what cannot be a data file, or is over the size limit, before reading it; returns its size."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise BadInputError("no such file; check the path", path=str(path)) from None
    except (OSError, ValueError) as exc:
        raise BadInputError(f"cannot read this file ({_reason(exc)})", path=str(path)) from None
    if stat.S_ISDIR(st.st_mode):
        raise BadInputError("this is a directory, not a data file; give the files in it (e.g. DIR/*.trig)",
                            path=str(path))
    if not stat.S_ISREG(st.st_mode):
        raise BadInputError("this is not a regular file (a device, FIFO or socket); give a data file",
                            path=str(path))
    if fmt is None:
        raise BadInputError(f"unsupported file type {path.suffix!r}; name the file with one of "
                            f"{', '.join(sorted(FORMATS))} (RDF/XML and JSON-LD are not read)", path=str(path))
    if not os.access(path, os.R_OK):
        raise BadInputError("cannot read this file (permission denied)", path=str(path))
    if limits.max_mb is not None and st.st_size > limits.max_mb * 1024 * 1024:
        raise InputLimitError(
            f"the file is {st.st_size / 2**20:,.1f} MiB, over the input limit of {limits.max_mb:,} MiB; "
            f"split it, or raise the limit with {MAX_INPUT_ENV}=N (MiB, 0 = no limit)", path=str(path))
    return st.st_size


def _parse(path: Path, fmt: ox.RdfFormat, size: int, limits: InputLimits) -> Iterator[ox.Quad]:
    """Oxigraph's parser over ``path``, stopped as soon as the file makes more triples than allowed."""
    cap = None if fmt in _LINE_FORMATS else limits.max_triples(size)
    for n, quad in enumerate(ox.parse(format=fmt, path=str(path), base_iri=path.resolve().as_uri()), 1):
        if cap is not None and n > cap:
            raise InputLimitError(
                f"the file makes more than {cap:,} triples from {size:,} bytes (over {limits.triples_per_kib:,} "
                f"triples per KiB; deeply nested collections or lists do this); refused to protect memory: "
                f"check the file, or raise the limit with {MAX_TRIPLES_ENV}=N (0 = no limit)", path=str(path))
        yield quad


# What can hide a "(" that starts no collection: string literals (long ones first), IRIs, comments.
_NOT_SYNTAX = re.compile(
    rb'"""(?:[^"\\]|\\.|"(?!""))*"""'
    rb"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    rb'|"(?:[^"\\\n\r]|\\.)*"'
    rb"|'(?:[^'\\\n\r]|\\.)*'"
    rb'|<[^<>"{}|^`\\\x00-\x20]*>'
    rb"|#[^\n\r]*")
#: Bytes at least one of which follows every object a Turtle or TriG file states (and every
#: reifier and annotation of RDF 1.2): a file cannot make more triples than it has of them,
#: unless it has collections, which make two triples per item.
_AFTER_OBJECTS = b",;.]}{|~"  # and "<<"
_NOT_AFTER_OBJECTS = bytes(sorted(set(range(256)) - set(_AFTER_OBJECTS)))
#: Files up to this size are bounded by a byte scan in memory; larger ones are counted.
_SCAN_BYTES = 256 * 1024 * 1024


def _triples_bound(path: Path, size: int) -> int | None:
    """An upper bound on the triples a Turtle or TriG file makes, from a scan of its bytes,
    or None when it may hold a collection (then only parsing can tell).

    Every object is followed by one of :data:`_AFTER_OBJECTS` (counted everywhere, strings
    and comments too, so the bound only errs upwards); a ``(`` outside strings, IRIs and
    comments may start a collection. Much faster than counting with the parser, and within
    a few percent of the count on real data.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     f = Path(d) / "x.ttl"
    ...     _ = f.write_bytes(b'<urn:s> <urn:p> "a (b)", "c" ; <urn:q> [ <urn:r> 1 ] .')
    ...     g = Path(d) / "y.ttl"
    ...     _ = g.write_bytes(b"<urn:s> <urn:p> (1 2) .")
    ...     _triples_bound(f, f.stat().st_size), _triples_bound(g, g.stat().st_size)
    (5, None)
    """
    if size > _SCAN_BYTES:
        return None
    data = path.read_bytes()
    if b"(" in data:
        # Without long strings or CR nothing that hides a "(" spans lines: look at those lines only.
        multiline = b'"""' in data or b"'''" in data or b"\r" in data
        parts = [data] if multiline else _lines_with_parenthesis(data)
        if any(b"(" in _NOT_SYNTAX.sub(b" ", part) for part in parts):
            return None
    return len(data.translate(None, _NOT_AFTER_OBJECTS)) + data.count(b"<<") + 1


def _lines_with_parenthesis(data: bytes) -> Iterator[bytes]:
    """Each line of ``data`` (lines end with LF only) that holds a ``(``, once.

    >>> list(_lines_with_parenthesis(b"a\\nb(c(\\nd\\ne(f"))
    [b'b(c(', b'e(f']
    """
    i = data.find(b"(")
    while i != -1:
        start = data.rfind(b"\n", 0, i) + 1
        end = data.find(b"\n", i)
        end = len(data) if end == -1 else end
        yield data[start:end]
        i = data.find(b"(", end)


def _reason(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


def _token_too_long(path: Path, exc: MemoryError) -> BadInputError:
    return BadInputError(f"a single token (a literal, an IRI or a comment) is longer than the parser's "
                         f"{_TOKEN_LIMIT} buffer ({exc}); shorten it or split it across triples", path=str(path))


def file_graph(path: Path) -> str:
    """The graph IRI a triples-only file is loaded into.

    >>> file_graph(Path("data/extra.ttl"))
    'https://w3id.org/tipgraph/graph/file/extra.ttl'
    """
    return GRAPH_NS + "file/" + quote(path.name)


@dataclass
class Parsed:
    """One parsed file: its facts as N-Quads bytes, ready for :meth:`Store.load`."""

    path: Path
    nquads: bytes
    count: int


def parse_file(path: str | Path, *, graph: str | None = None) -> Parsed:
    """Parse one file completely; raise :class:`BadInputError` naming file, line and column.

    ``graph`` overrides the graph that triples outside any named graph go into.

    >>> from tipgraph.resources import ontology_file
    >>> parse_file(ontology_file(), graph=ONTOLOGY_GRAPH).count > 500
    True
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    limits = input_limits()
    size = _check_file(path, fmt, limits)
    assert fmt is not None
    target = ox.NamedNode(graph or file_graph(path))
    with _parse_errors(path):
        quads = [q if not isinstance(q.graph_name, ox.DefaultGraph)
                 else ox.Quad(q.subject, q.predicate, q.object, target)
                 for q in _parse(path, fmt, size, limits)]
    return Parsed(path, ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"", len(quads))


def _clean(exc: SyntaxError) -> str:
    msg = str(exc.msg if exc.msg else exc)
    # Oxigraph's message already carries the position; keep only the explanation.
    return msg.split(": ", 1)[1] if msg.startswith("Parser error") and ": " in msg else msg


def load_files(store: Store, paths: Iterable[str | Path], *, graph: str | None = None) -> int:
    """Parse all ``paths`` first, then add them to ``store`` in one change; returns the number of quads.

    Nothing is added if any file fails to parse.
    """
    parsed = [parse_file(p, graph=graph) for p in paths]
    _apply(store, parsed)
    return sum(p.count for p in parsed)


def load_default(store: Store, *, data: Iterable[str | Path] | None = None) -> dict[str, int]:
    """Load the ontology and the curated data (or the given data files) into a new ``store``.

    Returns the number of quads read per part: ``{"ontology": n, "data": m}``. An empty
    in-memory store is filled straight from the files, each read by the engine's own parser
    (no N-Quads written and parsed again); if a file is malformed the files before it stay
    loaded, which is harmless because the store is new and the caller discards it. Files the
    user gives are first bounded against the amplification limit; the packaged ontology and
    data are not.
    """
    files = [Path(p) for p in (data if data is not None else data_files())]
    if not store.capabilities.persistent and store.count() == 0:
        return _bulk_load(store, files)
    onto = parse_file(ontology_file(), graph=ONTOLOGY_GRAPH)
    rest = [parse_file(p) for p in files]
    _apply(store, [onto, *rest])
    return {"ontology": onto.count, "data": sum(p.count for p in rest)}


def _apply(store: Store, parsed: list[Parsed]) -> None:
    """Add parsed files in one change; a literal that escaping made longer than the parser's buffer
    (each control character becomes six bytes in N-Quads) is reported against its file."""
    try:
        store.apply(nquads=b"".join(p.nquads for p in parsed))
    except MemoryError as exc:
        limit = 16 * 1024 * 1024
        culprit = next((p for p in parsed if any(len(line) >= limit for line in p.nquads.split(b"\n"))),
                       parsed[0] if parsed else None)
        if culprit is None:
            raise
        raise _token_too_long(culprit.path, exc) from None


@contextlib.contextmanager
def _parse_errors(path: Path) -> Iterator[None]:
    """What a parser raises on a user's file, as :class:`BadInputError` naming the file (and line)."""
    try:
        yield
    except SyntaxError as exc:
        raise BadInputError(_clean(exc), path=str(path), line=exc.lineno, column=exc.offset) from None
    except MemoryError as exc:
        raise _token_too_long(path, exc) from None
    except (OSError, ValueError) as exc:
        if isinstance(exc, BadInputError):
            raise
        raise BadInputError(_reason(exc), path=str(path)) from None


def _packaged(path: Path) -> bool:
    """True for the ontology and curated data tipgraph ships (checked by its own tests, not counted again)."""
    resolved = path.resolve()
    return any(resolved.is_relative_to(root.resolve()) for root in (ontology_file().parent, data_dir()))


def _bulk_load(store: Store, files: list[Path]) -> dict[str, int]:
    counts: dict[str, int] = {}
    limits = input_limits()
    for part, path, graph in [("ontology", ontology_file(), ONTOLOGY_GRAPH)] + \
            [("data", p, None) for p in files]:
        fmt = _BULK.get(path.suffix.lower())
        size = _check_file(path, FORMATS.get(path.suffix.lower()), limits)
        assert fmt is not None
        ox_fmt = FORMATS[path.suffix.lower()]
        with _parse_errors(path):
            if ox_fmt not in _LINE_FORMATS and limits.triples_per_kib is not None and not _packaged(path):
                # The bulk loader cannot be stopped part way: bound the triples first, from the
                # bytes, and count them with the parser (holding nothing) only when that bound
                # is no proof.
                bound = _triples_bound(path, size)
                cap = limits.max_triples(size)
                if bound is None or cap is None or bound > cap:
                    for _ in _parse(path, ox_fmt, size, limits):
                        pass
            before = store.count()
            store.load(path, format=fmt, graph=graph or file_graph(path), base_iri=path.resolve().as_uri())
        counts[part] = counts.get(part, 0) + store.count() - before
    return counts
