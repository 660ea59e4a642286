"""The portable fallback backend: rdflib's pure-Python memory store and SPARQL engine."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from rdflib import Dataset, URIRef, Variable
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from ..errors import BadInputError
from ..namespace import PREFIXES
from .base import Capabilities, Quad, RawResult, Store, collect, collect_triples, normalise, reaching_out
from .terms import nquads as _nquads

_OX_FORMATS = {"nquads": "N_QUADS", "ntriples": "N_TRIPLES", "turtle": "TURTLE", "trig": "TRIG"}


class MemoryStore(Store):
    """rdflib's memory store (no persistence).

    >>> s = MemoryStore()
    >>> s.load(b'<urn:s> <urn:p> "o" <urn:g> .\\n')
    >>> s.count("urn:g"), s.graphs()
    (1, ['urn:g'])
    """

    backend = "memory"
    capabilities = Capabilities(bulk_load=False, named_graphs=True, transactions=False)

    def __init__(self, path: str | Path | None = None) -> None:
        super().__init__()
        if path is not None:
            raise BadInputError("the memory backend cannot persist to a directory; use the oxigraph backend")
        self._ds = Dataset(default_union=True)

    @property
    def dataset(self) -> Dataset:
        return self._ds

    def add(self, quads: Iterable[Quad]) -> int:
        n = 0
        graphs: dict[URIRef, object] = {}
        for s, p, o, g in quads:
            graph = graphs.get(g)
            if graph is None:
                graph = graphs[g] = self._ds.graph(URIRef(g))
            graph.add((s, p, o))  # type: ignore[attr-defined]
            n += 1
        return n

    def load(self, data: bytes | Path, *, format: str = "nquads", graph: str | None = None,
             base_iri: str | None = None, trusted: bool = False) -> None:
        # pyoxigraph (a core dependency) parses: rdflib's own N-Quads parser is several times slower.
        import pyoxigraph as ox

        from .oxigraph import from_ox

        where = str(data) if isinstance(data, Path) else "<data>"
        kw: dict[str, Any] = {"format": getattr(ox.RdfFormat, _OX_FORMATS[format])}
        if base_iri:
            kw["base_iri"] = base_iri
        if isinstance(data, Path):
            kw["path"] = str(data)
        else:
            kw["input"] = data
        target = URIRef(graph) if graph else None
        quads: list[Any] = []
        try:
            for q in ox.parse(**kw):
                if isinstance(q.graph_name, ox.DefaultGraph):
                    if target is None:
                        raise BadInputError("triples outside a named graph need a graph to go into", path=where)
                    g: Any = target
                else:
                    g = from_ox(q.graph_name)
                quads.append((from_ox(q.subject), from_ox(q.predicate), normalise(from_ox(q.object)), g))
        except SyntaxError as exc:
            raise BadInputError(str(exc.msg or exc), path=where, line=exc.lineno, column=exc.offset) from None
        except (OSError, ValueError) as exc:
            raise BadInputError(" ".join(str(exc).split())[:300], path=where) from None
        self.add(quads)

    def drop_graph(self, graph: str) -> None:
        self._ds.remove_graph(URIRef(graph))

    def graphs(self) -> list[str]:
        return sorted(str(g.identifier) for g in self._ds.graphs()
                      if g.identifier != DATASET_DEFAULT_GRAPH_ID and isinstance(g.identifier, URIRef) and len(g))

    def count(self, graph: str | None = None) -> int:
        if graph is not None:
            return len(self._ds.graph(URIRef(graph)))
        return sum(1 for _ in self.quads())

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        ctx = URIRef(graph) if graph else None
        g: Any
        for s, p, o, g in self._ds.quads((None, None, None, ctx)):  # type: ignore[arg-type]
            gid = g.identifier if hasattr(g, "identifier") else g
            if gid == DATASET_DEFAULT_GRAPH_ID:
                continue
            yield s, p, normalise(o), gid

    def dump(self, *, exclude: Iterable[str] = ()) -> bytes:
        skip = {URIRef(g) for g in exclude}
        return _nquads(q for q in self.quads() if q[3] not in skip)

    def execute(self, sparql: str, bindings: Mapping[str, Node], max_rows: int | None) -> RawResult:
        with reaching_out(sparql):
            return self._execute(sparql, bindings, max_rows)

    def _execute(self, sparql: str, bindings: Mapping[str, Node], max_rows: int | None) -> RawResult:
        from pyparsing import ParseBaseException
        from rdflib.plugins.sparql.sparql import SPARQLError

        try:
            init: Any = {Variable(k): v for k, v in bindings.items()}
            res: Any = self._ds.query(sparql, initNs=PREFIXES, initBindings=init)
            if res.type == "ASK":
                return RawResult(kind="ASK", boolean=bool(res.askAnswer))
            if res.type == "SELECT":
                names = list(res.vars or [])
                rows = (tuple(normalise(r.get(v)) for v in names) for r in res)
                return collect("SELECT", [str(v) for v in names], rows, max_rows)
            return collect_triples(((s, p, normalise(o)) for s, p, o in res.graph), max_rows)
        except ParseBaseException as exc:
            raise BadInputError(f"malformed SPARQL: {exc.msg}", path="<query>", line=exc.lineno,
                                column=exc.col) from None
        except SPARQLError as exc:
            raise BadInputError(f"the SPARQL engine refused the query: {exc}") from None
