"""One store interface, two backends: Oxigraph (fast, default) and rdflib's memory store.

Both hold an :class:`rdflib.Dataset` whose default graph is the union of all named
graphs, so notebooks can use ordinary rdflib on ``store.dataset``. Loading and
querying go straight to the engine underneath where that is faster (see
``benchmarks/``): pyoxigraph for the Oxigraph backend, rdflib's own SPARQL engine
for the memory backend.

>>> s = open_store("memory")
>>> s.backend
'memory'
"""

from __future__ import annotations

import abc
import os
import re
import shutil
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node, Variable

from .sparql import lexical as sparqltext
from .errors import BadInputError, UnknownNameError
from .namespace import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
XSD_INTEGER = XSD + "integer"
#: Oxigraph stores these derived types as xsd:integer; rdflib keeps them. We follow Oxigraph.
_INTEGER_TYPES = {XSD + t for t in ("nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
                                     "negativeInteger", "long", "int", "short", "byte", "unsignedLong",
                                     "unsignedInt", "unsignedShort", "unsignedByte")}


# ---------------------------------------------------------------------------
# Term conversion between pyoxigraph and rdflib
# ---------------------------------------------------------------------------
def from_ox(term: Any) -> Node | None:
    """Convert a pyoxigraph term to rdflib; ``xsd:string`` literals become plain literals.

    >>> from_ox(ox.Literal("x"))
    rdflib.term.Literal('x')
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    if isinstance(term, ox.DefaultGraph):
        return None
    raise TypeError(f"cannot convert {term!r}")


def to_ox(term: Node) -> Any:
    """Convert an rdflib term to pyoxigraph."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to an Oxigraph term")


def normalise(term: Node | None) -> Node | None:
    """Make terms compare equal across engines.

    ``"x"^^xsd:string`` becomes ``"x"`` (equal in RDF 1.1), and integer subtypes such as
    ``xsd:nonNegativeInteger`` become ``xsd:integer``, as Oxigraph stores them.

    >>> normalise(Literal("5", datatype=URIRef(XSD + "nonNegativeInteger"))).datatype == URIRef(XSD_INTEGER)
    True
    """
    if isinstance(term, Literal) and term.datatype is not None:
        dt = str(term.datatype)
        if dt == XSD_STRING:
            return Literal(str(term))
        if dt in _INTEGER_TYPES:
            return Literal(str(term), datatype=URIRef(XSD_INTEGER))
    return term


@dataclass
class RawResult:
    """What a backend returns for one query, before capping and timing."""

    kind: str  # "SELECT", "ASK" or "CONSTRUCT"
    vars: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)
    truncated: bool = False


class Store(abc.ABC):
    """The interface every backend implements; see ``tests/test_store_compliance.py``."""

    backend: ClassVar[str]

    def __init__(self) -> None:
        self.path: Path | None = None
        self.dataset: Dataset

    # --- writing -------------------------------------------------------------
    @abc.abstractmethod
    def add_ox_quads(self, quads: list[Any]) -> None:
        """Add pyoxigraph quads (as produced by :func:`tipgraph.load.parse_file`)."""

    def add_triples(self, graph: str, triples: Iterable[tuple[Node, Node, Node]]) -> int:
        """Add rdflib triples to the named graph ``graph``; returns how many were given."""
        g = ox.NamedNode(graph)
        quads = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in triples]
        self.add_ox_quads(quads)
        return len(quads)

    def load_ntriples(self, graph: str, data: bytes) -> None:
        """Add N-Triples bytes (e.g. a CONSTRUCT result) to the named graph ``graph``."""
        g = ox.NamedNode(graph)
        self.add_ox_quads([ox.Quad(q.subject, q.predicate, q.object, g)
                           for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)])

    def construct_ntriples(self, sparql: str) -> bytes:
        """Run a CONSTRUCT query over the union graph; the triples as N-Triples bytes."""
        triples = self.execute(sparql, {}, None).triples
        return "".join(f"{to_ox(s)} {to_ox(p)} {to_ox(o)} .\n" for s, p, o in triples).encode("utf-8")

    def select_terms(self, sparql: str) -> list[bytes]:
        """The first column of a SELECT, each term in N-Triples syntax."""
        return [str(to_ox(row[0])).encode("utf-8") for row in self.execute(sparql, {}, None).rows
                if row[0] is not None]

    @abc.abstractmethod
    def drop_graph(self, graph: str) -> None:
        """Remove a named graph and all its triples (no error if absent)."""

    # --- reading -------------------------------------------------------------
    @abc.abstractmethod
    def graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""

    @abc.abstractmethod
    def count(self, graph: str | None = None) -> int:
        """Number of quads in one named graph, or in all of them."""

    @abc.abstractmethod
    def quads(self, graph: str | None = None) -> Iterator[tuple[Node, Node, Node, URIRef]]:
        """Iterate (s, p, o, graph) as rdflib terms."""

    @abc.abstractmethod
    def execute(self, sparql: str, bindings: Mapping[str, Node], max_rows: int | None) -> RawResult:
        """Run a SPARQL query (already checked by :mod:`tipgraph.sparql.safety`) over the union graph.

        The prefixes of :data:`tipgraph.namespace.PREFIXES` (``tg:``, ``tgd:``, ``skos:`` ...)
        are predeclared; a query's own ``PREFIX`` lines take precedence.
        ``bindings`` pre-bind variables (``initBindings`` semantics); at most
        ``max_rows`` rows are returned and ``truncated`` says whether more existed.
        """

    def close(self) -> None:
        """Release the store (flushes a persistent store)."""


def _collect(kind: str, vars_: list[str], rows: Iterable[tuple], max_rows: int | None) -> RawResult:
    out: list[tuple] = []
    truncated = False
    for row in rows:
        if max_rows is not None and len(out) >= max_rows:
            truncated = True
            break
        out.append(row)
    return RawResult(kind=kind, vars=vars_, rows=out, truncated=truncated)


_POSITION = re.compile(r"error at (\d+):(\d+)")


def _oxigraph_error(exc: Exception) -> BadInputError | None:
    """Our error for what pyoxigraph raises on a user's query; None for anything else (a bug).

    pyoxigraph documents ``SyntaxError`` for a query it cannot parse and ``ValueError`` for an
    invalid argument (an IRI, a term); the position is in the message as ``error at L:C``.
    """
    if isinstance(exc, SyntaxError):
        msg = str(exc.msg or exc)
        found = _POSITION.search(msg)
        line, col = (int(found.group(1)), int(found.group(2))) if found else (exc.lineno, exc.offset)
        if found:
            msg = msg.replace(found.group(0), "error").strip()
        return BadInputError(f"malformed SPARQL: {msg}", path="<query>", line=line, column=col)
    if isinstance(exc, ValueError) and not isinstance(exc, BadInputError):
        return BadInputError(f"the SPARQL engine refused the query: {exc}")
    return None


class OxigraphStore(Store):
    """Oxigraph through rdflib's ``oxrdflib`` store plugin; in memory, or kept in directory ``path``.

    With a ``path`` the data lives in Oxigraph's on-disk format (RocksDB) and is read
    into memory when the store opens; every change is written through to disk at
    once. The on-disk database is open only while a change is written, because RocksDB
    runs background threads and a query worker forked while one of them holds a lock
    would hang. It also lets another process change the directory between two commands.
    """

    backend = "oxigraph"

    def __init__(self, path: str | Path | None = None) -> None:
        super().__init__()
        from oxrdflib import OxigraphStore as _OxPlugin

        self._ox = ox.Store()
        if path is not None:
            self.path = Path(path)
            disk = self._open_disk()
            self._ox.bulk_extend(disk.quads_for_pattern(None, None, None, None))
            del disk
        self.dataset = Dataset(store=_OxPlugin(store=self._ox), default_union=True)

    def _open_disk(self) -> ox.Store:
        try:
            return ox.Store(str(self.path))
        except OSError as exc:
            raise BadInputError(f"cannot open the store: {exc}", path=str(self.path)) from None

    def _write_through(self, change: Any) -> None:
        if self.path is not None:
            disk = self._open_disk()
            change(disk)
            disk.flush()
            del disk

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store`."""
        return self._ox

    def add_ox_quads(self, quads: list[Any]) -> None:
        def add(store: ox.Store) -> None:
            if len(quads) > 50_000:
                store.bulk_extend(quads)
            else:
                store.extend(quads)

        add(self._ox)
        self._write_through(add)

    def load_ntriples(self, graph: str, data: bytes) -> None:
        g = ox.NamedNode(graph)

        def load(store: ox.Store) -> None:
            if len(data) > 5_000_000:
                store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=g)
            else:
                store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=g)

        load(self._ox)
        self._write_through(load)

    def construct_ntriples(self, sparql: str) -> bytes:
        res = self._ox.query(sparql, use_default_graph_as_union=True, prefixes=PREFIXES)
        return res.serialize(format=ox.RdfFormat.N_TRIPLES) or b""

    def select_terms(self, sparql: str) -> list[bytes]:
        res = self._ox.query(sparql, use_default_graph_as_union=True, prefixes=PREFIXES)
        data = res.serialize(format=ox.QueryResultsFormat.TSV) or b""
        return [line.split(b"\t", 1)[0] for line in data.split(b"\n")[1:] if line]

    def drop_graph(self, graph: str) -> None:
        g = ox.NamedNode(graph)

        def drop(store: ox.Store) -> None:
            if store.contains_named_graph(g):
                store.remove_graph(g)

        drop(self._ox)
        self._write_through(drop)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._ox.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self._ox)
        res = self._ox.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
            substitutions={ox.Variable("g"): ox.NamedNode(graph)},
        )
        return int(next(iter(res))["n"].value)

    def quads(self, graph: str | None = None) -> Iterator[tuple[Node, Node, Node, URIRef]]:
        g = ox.NamedNode(graph) if graph else None
        for q in self._ox.quads_for_pattern(None, None, None, g):
            if isinstance(q.graph_name, ox.DefaultGraph):
                continue
            yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), from_ox(q.graph_name)

    def execute(self, sparql: str, bindings: Mapping[str, Node], max_rows: int | None) -> RawResult:
        try:
            return self._execute(sparql, bindings, max_rows)
        except (SyntaxError, ValueError) as exc:
            mapped = _oxigraph_error(exc)
            if mapped is None:
                raise
            raise mapped from None

    def _execute(self, sparql: str, bindings: Mapping[str, Node], max_rows: int | None) -> RawResult:
        subs = {ox.Variable(k): to_ox(v) for k, v in bindings.items()}
        added: list[str] = []
        try:
            res = self._ox.query(sparql, use_default_graph_as_union=True, substitutions=subs, prefixes=PREFIXES)
        except RuntimeError as exc:
            # Oxigraph refuses to substitute a variable that the SELECT clause does not
            # project (rdflib accepts it): project it too, then drop the added column.
            if "SELECT projection" not in str(exc):
                raise
            projected = sparqltext.projected_variables(sparql) or []
            added = [k for k in bindings if k not in projected]
            res = self._ox.query(sparqltext.add_to_projection(sparql, added),
                                 use_default_graph_as_union=True, substitutions=subs, prefixes=PREFIXES)
        if isinstance(res, ox.QueryBoolean):
            return RawResult(kind="ASK", boolean=bool(res))
        if isinstance(res, ox.QuerySolutions):
            names = [v.value for v in res.variables]
            keep = [i for i, n in enumerate(names) if n not in added]
            vars_ = [names[i] for i in keep]
            rows = (tuple(from_ox(sol[i]) for i in keep) for sol in res)
            return _collect("SELECT", vars_, rows, max_rows)
        triples = []
        truncated = False
        for t in res:
            if max_rows is not None and len(triples) >= max_rows:
                truncated = True
                break
            triples.append((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
        return RawResult(kind="CONSTRUCT", triples=triples, truncated=truncated)

class MemoryStore(Store):
    """rdflib's pure-Python memory store and SPARQL engine (the portable fallback)."""

    backend = "memory"

    def __init__(self, path: str | Path | None = None) -> None:
        super().__init__()
        if path is not None:
            raise BadInputError("the memory backend cannot persist to a directory; use --backend oxigraph")
        self.dataset = Dataset(default_union=True)

    def add_ox_quads(self, quads: list[Any]) -> None:
        ctx: dict[str, Any] = {}
        for q in quads:
            gname = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else str(DATASET_DEFAULT_GRAPH_ID)
            g = ctx.get(gname)
            if g is None:
                g = ctx[gname] = self.dataset.graph(URIRef(gname))
            g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))

    def drop_graph(self, graph: str) -> None:
        self.dataset.remove_graph(URIRef(graph))

    def graphs(self) -> list[str]:
        return sorted(
            str(g.identifier) for g in self.dataset.graphs()
            if g.identifier != DATASET_DEFAULT_GRAPH_ID and isinstance(g.identifier, URIRef) and len(g)
        )

    def count(self, graph: str | None = None) -> int:
        if graph is not None:
            return len(self.dataset.graph(URIRef(graph)))
        return sum(1 for _ in self.dataset.quads((None, None, None, None)))

    def quads(self, graph: str | None = None) -> Iterator[tuple[Node, Node, Node, URIRef]]:
        ctx = URIRef(graph) if graph else None
        for s, p, o, g in self.dataset.quads((None, None, None, ctx)):
            gid = g.identifier if hasattr(g, "identifier") else g
            if gid == DATASET_DEFAULT_GRAPH_ID:
                continue
            yield s, p, normalise(o), gid

    def execute(self, sparql: str, bindings: Mapping[str, Node], max_rows: int | None) -> RawResult:
        from pyparsing import ParseBaseException
        from rdflib.plugins.sparql.sparql import SPARQLError

        try:
            return self._execute(sparql, bindings, max_rows)
        except ParseBaseException as exc:
            raise BadInputError(f"malformed SPARQL: {exc.msg}", path="<query>", line=exc.lineno,
                                column=exc.col) from None
        except SPARQLError as exc:
            raise BadInputError(f"the SPARQL engine refused the query: {exc}") from None

    def _execute(self, sparql: str, bindings: Mapping[str, Node], max_rows: int | None) -> RawResult:
        res = self.dataset.query(sparql, initNs=PREFIXES,
                                 initBindings={Variable(k): v for k, v in bindings.items()})
        if res.type == "ASK":
            return RawResult(kind="ASK", boolean=bool(res.askAnswer))
        if res.type == "SELECT":
            vars_ = [str(v) for v in res.vars]
            rows = (tuple(normalise(r.get(v)) if hasattr(r, "get") else normalise(x)
                          for v, x in zip(res.vars, r)) for r in res)
            return _collect("SELECT", vars_, rows, max_rows)
        triples = []
        truncated = False
        for s, p, o in res.graph:
            if max_rows is not None and len(triples) >= max_rows:
                truncated = True
                break
            triples.append((s, p, normalise(o)))
        return RawResult(kind="CONSTRUCT", triples=triples, truncated=truncated)


BACKENDS: dict[str, type[Store]] = {"oxigraph": OxigraphStore, "memory": MemoryStore}


def open_store(backend: str = "oxigraph", path: str | Path | None = None, **kwargs: Any) -> Store:
    """Open a store by backend name; ``path`` makes an Oxigraph store persistent.

    >>> open_store("oxigraph").count()
    0
    """
    try:
        cls = BACKENDS[backend]
    except KeyError:
        raise UnknownNameError("backend", backend, list(BACKENDS)) from None
    return cls(path, **kwargs) if path is not None else cls(**kwargs)


def replace_directory(new: Path, target: Path) -> None:
    """Move a freshly built store directory into place, keeping the old one until the move succeeded."""
    backup = target.with_name(target.name + ".old")
    if backup.exists():
        shutil.rmtree(backup)
    if target.exists():
        os.replace(target, backup)
    os.replace(new, target)
    if backup.exists():
        shutil.rmtree(backup)
