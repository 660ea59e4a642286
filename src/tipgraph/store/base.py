"""The store interface every backend implements, in rdflib terms.

Single facts travel as rdflib terms (``URIRef``, ``Literal``, ``BNode``); bulk paths as
N-Triples / N-Quads bytes, which every engine reads natively. A backend declares what it
can do in :class:`Capabilities`; callers ask, they never test the backend's class.
The compliance suite (``tests/test_store_compliance.py``) runs on every backend.
"""

from __future__ import annotations

import abc
import contextlib
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, overload

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

Quad = tuple[Node, Node, Node, URIRef]
#: A number for each store made in this process (``id()`` can be reused once a store is gone).
_IDENTS = itertools.count(1)
Triple = tuple[Node, Node, Node]

#: Formats of the bulk paths (:meth:`Store.load`, :meth:`Store.dump`).
BULK_FORMATS = ("nquads", "ntriples", "turtle", "trig")

#: Oxigraph stores these derived types as xsd:integer; rdflib keeps them. We follow Oxigraph.
_INTEGER_TYPES = frozenset(XSD[t] for t in (
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "long", "int", "short",
    "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"))


@overload
def normalise(term: Node) -> Node: ...
@overload
def normalise(term: None) -> None: ...
def normalise(term: Node | None) -> Node | None:
    """Make terms compare equal across engines.

    ``"x"^^xsd:string`` becomes ``"x"`` (equal in RDF 1.1), and integer subtypes such as
    ``xsd:nonNegativeInteger`` become ``xsd:integer``, as Oxigraph stores them.

    >>> normalise(Literal("5", datatype=XSD.nonNegativeInteger)).datatype == XSD.integer
    True
    """
    if isinstance(term, Literal) and term.datatype is not None:
        if term.datatype == XSD.string:
            return Literal(str(term))
        if term.datatype in _INTEGER_TYPES:
            return Literal(str(term), datatype=XSD.integer)
    return term


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do; callers choose their path by asking.

    >>> Capabilities(bulk_load=True).transactions
    False
    """

    #: loads large N-Triples / N-Quads payloads faster than one fact at a time
    bulk_load: bool = False
    #: keeps named graphs apart (one per source, the inferred graph)
    named_graphs: bool = True
    #: :meth:`Store.replace_graph` and :meth:`Store.apply` are atomic
    transactions: bool = False
    #: the engine itself bounds a query's time (otherwise a killed worker does)
    time_limits: bool = False
    #: the data outlives the process
    persistent: bool = False
    #: queries may run in a forked worker of this process (the data lives in this process)
    forkable: bool = True
    #: ``execute(..., inline=False)`` passes bound values as pre-bindings instead of writing them in
    #: (for the queries that a backend's planner handles better that way)
    inline_choice: bool = False
    #: several queries may run at the same time, from threads of this process (the engine releases
    #: the GIL while it works, so a thread left running at a time limit does not stall the others)
    concurrent_reads: bool = False


@dataclass
class RawResult:
    """What a backend returns for one query, before capping and timing."""

    kind: str  # "SELECT", "ASK" or "CONSTRUCT"
    vars: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Triple] = field(default_factory=list)
    truncated: bool = False


@contextlib.contextmanager
def reaching_out(sparql: str) -> Iterator[None]:
    """Turn a failed ``SERVICE`` (or ``FROM``) fetch of a query allowed to make one into bad input.

    An engine reports an unreachable server as a bare ``OSError``; for a query that names
    another server this is the user's address or server, not a bug of ours. Any other
    ``OSError`` passes through unchanged.

    >>> try:
    ...     with reaching_out("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"):
    ...         raise ConnectionRefusedError("Connection refused")
    ... except ValueError as exc:
    ...     print(type(exc).__name__, str(exc)[:60])
    BadInputError <query>: the query could not reach the server its SERVICE or
    """
    try:
        yield
    except OSError as exc:
        from ..errors import BadInputError
        from ..sparql import lexical

        if not lexical.findings(sparql, lexical.NETWORK_KEYWORDS):
            raise
        detail = " ".join(str(exc).split())[:300]
        raise BadInputError(f"the query could not reach the server its SERVICE or FROM names ({detail}); "
                            "check the address and that the server is running", path="<query>") from exc


def _first(items: Iterable[Any], max_rows: int | None) -> tuple[list[Any], bool]:
    """At most ``max_rows`` items, and whether more existed."""
    out: list[Any] = []
    for item in items:
        if max_rows is not None and len(out) >= max_rows:
            return out, True
        out.append(item)
    return out, False


def collect(kind: str, vars_: list[str], rows: Iterable[tuple[Node | None, ...]], max_rows: int | None) -> RawResult:
    """At most ``max_rows`` of ``rows`` in a :class:`RawResult`, saying whether more existed."""
    out, truncated = _first(rows, max_rows)
    return RawResult(kind=kind, vars=vars_, rows=out, truncated=truncated)


def collect_triples(triples: Iterable[Triple], max_rows: int | None) -> RawResult:
    """At most ``max_rows`` triples of a CONSTRUCT in a :class:`RawResult`."""
    out, truncated = _first(triples, max_rows)
    return RawResult(kind="CONSTRUCT", triples=out, truncated=truncated)


class Store(abc.ABC):
    """The interface every backend implements; see ``tests/test_store_compliance.py``.

    Every query runs over the union of the named graphs, with the prefixes of
    :data:`tipgraph.namespace.PREFIXES` predeclared (a query's own ``PREFIX`` lines win).
    """

    backend: ClassVar[str]
    capabilities: Capabilities = Capabilities()
    #: Methods that change the data; each call moves :attr:`version` on (see ``__init_subclass__``).
    WRITES: ClassVar[tuple[str, ...]] = ("add", "load", "drop_graph", "replace_graph", "apply", "save", "close",
                                         "writing")

    def __init__(self) -> None:
        self.path: Path | None = None
        self._version = 0
        self._viewed = False
        self._ident = next(_IDENTS)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Wrap each backend's writing methods so that :attr:`version` counts changes.

        A reused query worker (:func:`tipgraph.process.run_reused`) answers from the state
        it was forked with; the version tells the query layer when that state is out of date.
        """
        super().__init_subclass__(**kwargs)
        for name in cls.WRITES:
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "_counts_writes", False):
                setattr(cls, name, _counting(method, context=name == "writing"))
        view = cls.__dict__.get("dataset")
        if isinstance(view, property) and view.fget is not None and not getattr(view.fget, "_counts_writes", False):
            cls.dataset = property(_viewing(view.fget), doc=view.__doc__)  # type: ignore[method-assign, assignment]

    @property
    def version(self) -> int | None:
        """A number that changes with every write through this interface; None once the rdflib
        view (:attr:`dataset`) was handed out, since writes through it are not counted.

        >>> from tipgraph.store import open_store
        >>> s = open_store("oxigraph:")
        >>> before = s.version
        >>> s.load(b'<urn:s> <urn:p> <urn:o> <urn:g> .\\n')
        >>> s.version != before
        True
        """
        return None if self._viewed else self._version

    @property
    def state(self) -> tuple[int, int] | None:
        """(this store, its :attr:`version`): what a reused query worker must have been forked with."""
        version = self.version
        return None if version is None else (getattr(self, "_ident", id(self)), version)

    def changed(self) -> None:
        """Say that the data changed by a path this interface does not see (direct engine access)."""
        self._version += 1

    @property
    def location(self) -> str:
        """The location string :func:`tipgraph.store.open_store` opens this store again by."""
        return f"{self.backend}:{self.path}" if self.path is not None else f"{self.backend}:"

    # --- writing -------------------------------------------------------------
    @abc.abstractmethod
    def add(self, quads: Iterable[Quad]) -> int:
        """Add facts, each ``(s, p, o, graph)`` in rdflib terms; returns how many were given."""

    @abc.abstractmethod
    def load(self, data: bytes | Path, *, format: str = "nquads", graph: str | None = None,
             base_iri: str | None = None, trusted: bool = False) -> None:
        """Bulk-add data in one of :data:`BULK_FORMATS` from bytes or a file (the fast path).

        Triples outside any named graph go into ``graph``. Syntax errors raise
        :class:`~tipgraph.errors.BadInputError` with the position; prefer
        :func:`tipgraph.loading.parse_file` first when all-or-nothing matters.
        ``trusted=True`` is for terms the store itself wrote (e.g. inferences drawn from its
        own rows): a backend may then skip checking each IRI and language tag again.
        """

    @abc.abstractmethod
    def drop_graph(self, graph: str) -> None:
        """Remove a named graph and all its triples (no error if absent)."""

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        """Make ``graph`` hold exactly these N-Triples (atomic where ``capabilities.transactions``)."""
        self.apply(drop=[graph], nquads=_into_graph(ntriples, graph))

    def apply(self, *, drop: Iterable[str] = (), nquads: bytes = b"") -> None:
        """Drop named graphs, then add N-Quads: one change (atomic where ``capabilities.transactions``)."""
        for g in drop:
            self.drop_graph(g)
        if nquads:
            self.load(nquads, format="nquads")

    # --- reading -------------------------------------------------------------
    @abc.abstractmethod
    def graphs(self) -> list[str]:
        """IRIs of the named graphs that hold at least one triple, sorted."""

    @abc.abstractmethod
    def count(self, graph: str | None = None) -> int:
        """Number of quads in one named graph, or in all of them."""

    @abc.abstractmethod
    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        """Iterate ``(s, p, o, graph)`` as rdflib terms (literals normalised)."""

    @abc.abstractmethod
    def dump(self, *, exclude: Iterable[str] = ()) -> bytes:
        """Every quad as N-Quads bytes, leaving out the named graphs in ``exclude``."""

    @abc.abstractmethod
    def execute(self, sparql: str, bindings: Mapping[str, Node], max_rows: int | None) -> RawResult:
        """Run a SPARQL query (already checked by :mod:`tipgraph.sparql`) over the union graph.

        ``bindings`` pre-bind variables (``initBindings`` semantics; the query layer makes sure
        every bound variable is projected); at most ``max_rows`` rows come back and
        ``truncated`` says whether more existed. Engine errors caused by the query are raised
        as :class:`~tipgraph.errors.BadInputError`.
        """

    def construct_ntriples(self, sparql: str) -> bytes:
        """Run a CONSTRUCT query over the union graph; the triples as N-Triples bytes."""
        from .terms import ntriples

        return ntriples(self.execute(sparql, {}, None).triples)

    def select_terms(self, sparql: str) -> list[bytes]:
        """The first column of a SELECT, each term in N-Triples syntax."""
        return [row[0].n3().encode("utf-8") for row in self.execute(sparql, {}, None).rows
                if row[0] is not None]

    def select_strings(self, sparql: str) -> list[tuple[str | None, ...]]:
        """Every row of a SELECT (no row limit), each value as a string: an IRI as itself, a
        literal as its lexical form (language tag and datatype left off), a blank node as its
        label; None where a variable is unbound.

        For the bulk readers (the network projection) that compare strings, never terms:
        backends answer without building rdflib terms where they can.

        >>> from tipgraph.store import open_store
        >>> s = open_store("memory:"); s.load(b'<urn:s> <urn:p> "o"@en <urn:g> .\\n')
        >>> s.select_strings("SELECT ?s ?o (LANG(?o) AS ?l) ?none WHERE { ?s ?p ?o }")
        [('urn:s', 'o', 'en', None)]
        """
        res = self.execute(sparql, {}, None)
        if res.kind != "SELECT":
            from ..errors import BadInputError

            raise BadInputError(f"select_strings reads SELECT queries, not {res.kind}", path="<query>")
        return [tuple(None if v is None else str(v) for v in row) for row in res.rows]

    def select_strings_later(self, sparql: str) -> Iterable[tuple[str | None, ...]]:
        """:meth:`select_strings`, split in two: the engine answers in this call, and the rows
        are built as they are read, which may be in another thread. A backend that can answer
        without Python's lock (Oxigraph) does so here, so that threads asking several queries
        run at the same time as the thread that reads them.

        >>> from tipgraph.store import open_store
        >>> s = open_store("oxigraph:"); s.load(b'<urn:s> <urn:p> "o"@en <urn:g> .\\n')
        >>> list(s.select_strings_later("SELECT ?s ?o WHERE { ?s ?p ?o }"))
        [('urn:s', 'o')]
        """
        return self.select_strings(sparql)

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """One change made of several writes: a persistent backend commits it once, at the end,
        holding the store's write lock (see :class:`~tipgraph.store.oxigraph.OxigraphStore`)."""
        yield

    def save(self, path: str | Path) -> None:
        """Keep the store in directory ``path`` from now on (backends with ``persistent`` support)."""
        from ..errors import BadInputError

        raise BadInputError(f"the {self.backend} backend cannot be saved to a directory; use the oxigraph backend")

    def close(self) -> None:  # noqa: B027 - most backends hold nothing to release
        """Release the store (flushes a persistent store)."""

    # --- for notebooks --------------------------------------------------------
    @property
    def dataset(self) -> Any:
        """An :class:`rdflib.Dataset` view of the store (default graph = union), for ordinary rdflib code."""
        raise NotImplementedError(f"the {self.backend} backend has no rdflib view")


def _counting(method: Any, *, context: bool) -> Any:
    """``method`` that moves the store's version on before and after it runs."""
    import functools

    if context:  # a context manager: the change is made inside the block
        @contextlib.contextmanager
        def block(self: Store, *args: Any, **kwargs: Any) -> Iterator[None]:
            self._version += 1
            try:
                with method(self, *args, **kwargs):
                    yield
            finally:
                self._version += 1

        wrapped: Any = functools.wraps(method)(block)
    else:
        @functools.wraps(method)
        def wrapped(self: Store, *args: Any, **kwargs: Any) -> Any:
            self._version += 1
            try:
                return method(self, *args, **kwargs)
            finally:
                self._version += 1

    wrapped._counts_writes = True
    return wrapped


def _viewing(fget: Any) -> Any:
    """The ``dataset`` getter that remembers the view was handed out (its writes are not counted)."""
    import functools

    @functools.wraps(fget)
    def get(self: Store) -> Any:
        self._viewed = True
        return fget(self)

    get._counts_writes = True  # type: ignore[attr-defined]
    return get


def _into_graph(ntriples: bytes, graph: str) -> bytes:
    """N-Triples lines as N-Quads lines in ``graph`` (the IRI is validated as an IRI)."""
    from .terms import iri_ref

    suffix = f" {iri_ref(graph)} .".encode()
    out = []
    for line in ntriples.splitlines():
        line = line.strip()
        if line and not line.startswith(b"#"):
            if not line.endswith(b"."):
                raise ValueError("not an N-Triples line")
            out.append(line[:-1].rstrip() + suffix)
    return b"\n".join(out) + b"\n" if out else b""
