"""The store-native validator: the shapes compiled to SPARQL (:mod:`.compiled`) and the curation
checks as SPARQL (:mod:`.curation_sparql`), run by Oxigraph, reported as pySHACL's results are.

The data is copied, engine to engine, into a scratch in-memory Oxigraph store: the asserted
graphs into one named graph and the ontology into another. The copy is what makes the
validated data exactly "every graph but the ontology, the inferred facts and the graphs left
out" without naming thousands of source graphs in every query; the shapes then see the data
plus the ontology (as pySHACL does with ``ont_graph``), the curation checks only the data.
Nothing passes through rdflib but the rows of the results.

>>> from rdflib import Graph
>>> report = validate_graph(Graph())
>>> report.conforms, report.violations
(True, [])
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS, SKOS
from rdflib.term import Node

from tipgraph import resources

from ..namespace.terms import iri_ref, ntriples, sparql_term
from ..resources import INFERRED_GRAPH, ONTOLOGY_GRAPH
from ..store import Store, open_store
from .compiled import CompiledCheck, compile_shapes
from .curation_sparql import _Runner, check_curation_sparql
from .imports import find_imports
from .names import short_name, term_text
from .shacl import Found, ShaclReport, Violation, _load_shapes, _node_key, finish, render_path
from .union import union_graph
from .vocabulary import Vocabulary

__all__ = ["DATA_GRAPH", "ONTOLOGY_COPY", "compiled_checks", "scratch_copy", "validate_graph", "validate_scratch",
           "validate_store"]

#: Where the scratch store keeps the data and the ontology.
DATA_GRAPH = "urn:x-tipgraph:validate:data"
ONTOLOGY_COPY = "urn:x-tipgraph:validate:ontology"


@lru_cache(maxsize=4)
def _compiled(path: str, mtime_ns: int, size: int) -> tuple[CompiledCheck, ...]:
    return tuple(compile_shapes(_load_shapes(path, mtime_ns, size)))


def _shapes(shapes: Path | None) -> tuple[Graph, tuple[CompiledCheck, ...]]:
    path = Path(shapes) if shapes is not None else resources.shapes_file()
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size)
    return _load_shapes(*key), _compiled(*key)


def compiled_checks(shapes: Path | None = None) -> list[CompiledCheck]:
    """The queries the shapes file compiles to (default: the packaged shapes); raises on what it cannot compile."""
    return list(_shapes(shapes)[1])


def scratch_copy(data: bytes, ontology: bytes) -> Store:
    """A new in-memory Oxigraph store holding N-Triples ``data`` and ``ontology`` in their two graphs."""
    scratch = open_store("oxigraph:")
    if data.strip():
        scratch.load(data, format="ntriples", graph=DATA_GRAPH)
    if ontology.strip():
        scratch.load(ontology, format="ntriples", graph=ONTOLOGY_COPY)
    return scratch


def _triples_of(store: Store, graphs: set[str] | None, skip: set[str]) -> bytes:
    """The triples of ``graphs`` (None: all but ``skip``) as N-Triples, through the engine where it can."""
    if store.capabilities.bulk_load:
        if graphs is not None:
            where = (" UNION ".join(f"{{ GRAPH {iri_ref(g)} {{ ?s ?p ?o }} }}" for g in sorted(graphs))
                     or "FILTER(false)")
        else:
            where = (f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({', '.join(iri_ref(g) for g in sorted(skip))}))"
                     if skip else "GRAPH ?g { ?s ?p ?o }")
        return store.construct_ntriples(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}")
    return ntriples((s, p, o) for s, p, o, g in store.quads()
                    if (str(g) in graphs if graphs is not None else str(g) not in skip))


def validate_store(store: Store, *, exclude: Iterable[str] = (), ontology: Graph | None = None,
                   sources: Iterable[str | Path] | None = None, curation: bool = True,
                   shapes: Path | None = None) -> ShaclReport:
    """Validate the asserted graphs of ``store`` (all but the ontology, the inferred graph and ``exclude``).

    The ontology graph of the store is mixed into the data for the shapes (as pySHACL's
    ``ont_graph``); ``ontology`` (default: that graph read from the store) gives the vocabulary
    of the curation checks.
    """
    started = time.perf_counter()
    skip = {ONTOLOGY_GRAPH, INFERRED_GRAPH} | set(exclude)
    if ontology is None:
        onto = _triples_of(store, {ONTOLOGY_GRAPH}, set())
        ontology = Graph().parse(data=onto.decode("utf-8"), format="nt") if onto.strip() else None
    if store.capabilities.bulk_load and not (skip - {ONTOLOGY_GRAPH}) & set(store.graphs()):
        # Nothing to leave out but the ontology: the store's union is the data plus the ontology, as
        # the shapes want it, and the curation checks leave the ontology graph out pattern by pattern.
        return validate_scratch(store, ontology=ontology, sources=sources, curation=curation, shapes=shapes,
                                started=started, data_graph=None)
    data = _triples_of(store, None, skip)
    scratch = scratch_copy(data, _triples_of(store, {ONTOLOGY_GRAPH}, set()))
    del data
    return validate_scratch(scratch, ontology=ontology, sources=sources, curation=curation, shapes=shapes,
                            started=started)


def validate_graph(data: Graph | Dataset, *, ontology: Graph | None = None,
                   sources: Iterable[str | Path] | None = None, curation: bool = True,
                   shapes: Path | None = None) -> ShaclReport:
    """:func:`~.shacl.validate_shacl` for rdflib data, run by the compiled queries in a scratch Oxigraph store.

    Oxigraph stores the integer subtypes (``xsd:nonNegativeInteger`` ...) as ``xsd:integer``, so a
    value of such a type is written ``xsd:integer`` in the report (pySHACL, reading the rdflib
    graph, keeps the subtype).
    """
    started = time.perf_counter()
    graph = union_graph(data)
    scratch = scratch_copy(ntriples(graph), ntriples(ontology) if ontology is not None else b"")
    return validate_scratch(scratch, ontology=ontology, sources=sources, curation=curation, shapes=shapes,
                            started=started)


def validate_scratch(scratch: Store, *, ontology: Graph | None, sources: Iterable[str | Path] | None,
                     curation: bool, shapes: Path | None, started: float | None = None,
                     data_graph: str | None = DATA_GRAPH) -> ShaclReport:
    """Run the compiled shapes and the curation checks on a store made by :func:`scratch_copy`.

    With ``data_graph`` None, ``scratch`` is a store whose every named graph is data but its
    ontology graph (:data:`tipgraph.resources.ONTOLOGY_GRAPH`).
    """
    started = time.perf_counter() if started is None else started
    shapes_graph, checks = _shapes(shapes)
    found: list[Found] = []
    # The engine releases the GIL while it answers: two queries at a time use both cores of a small machine.
    with ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
        answers = list(pool.map(lambda c: scratch.execute(c.sparql, {}, None).rows, checks))
    for check, rows in zip(checks, answers, strict=True):
        for row in rows:
            focus = row[0]
            value = row[1] if check.reports_value and len(row) > 1 else None
            path = check.path
            found.append((Violation(
                focus_node=_node_key(focus),
                focus_label=None,
                path=render_path(path, [shapes_graph]) if path is not None else None,
                message=check.message or f"the {check.component_name} constraint of {term_text(check.shape)} fails",
                severity=check.severity,
                shape=short_name(str(check.shape)) if isinstance(check.shape, URIRef) else None,
                value=term_text(value) if value is not None else None,
                component=check.component_name,
            ), focus, path if isinstance(path, URIRef) else None, value))
    vocab = Vocabulary.from_ontology(ontology)
    findings = check_curation_sparql(scratch, data_graph, vocab, shapes_graph) if curation else []
    q = _Runner(scratch, data_graph, ONTOLOGY_GRAPH)
    labels = _labels(q, [t[1] for t in found] + [f.focus for f in findings])
    for v, focus, *_ in found:
        v.focus_label = labels.get(focus) if focus is not None else None
    imports = [row[0] for row in q.rows(q.data(f"?s {sparql_term(OWL.imports)} ?o"), "DISTINCT ?o")]
    skipped = sorted({str(i) for i in imports if i is not None} | set(find_imports(ontology, shapes_graph)))
    return finish(found, findings, lambda n: labels.get(n) if n is not None else None, sources,
                  shapes_conform=not found, started=started, skipped_imports=skipped)


def _labels(q: _Runner, nodes: Iterable[Node | None]) -> dict[Node, str]:
    """skos:prefLabel (English first), else rdfs:label, of each IRI in the data, as :func:`.shacl._label` picks it."""
    iris = sorted({n for n in nodes if isinstance(n, URIRef)}, key=str)
    out: dict[Node, str] = {}
    step = 2000
    for i in range(0, len(iris), step):
        values = " ".join(sparql_term(n) for n in iris[i:i + step])
        props = f"{sparql_term(SKOS.prefLabel)} {sparql_term(RDFS.label)}"
        rows = q.rows(f"VALUES ?n {{ {values} }} VALUES ?p {{ {props} }} " + q.data("?n ?p ?l")
                      + " FILTER(isLiteral(?l))", "DISTINCT ?n ?p ?l")
        found: dict[Node, dict[Node, list[Literal]]] = {}
        for n, p, lit in rows:
            if n is not None and p is not None and isinstance(lit, Literal):
                found.setdefault(n, {}).setdefault(p, []).append(lit)
        for n, by_prop in found.items():
            for prop in (SKOS.prefLabel, RDFS.label):
                lits = by_prop.get(prop)
                if lits:
                    lits.sort(key=lambda lit: (lit.language not in ("en", None), lit.language or "", str(lit)))
                    out[n] = str(lits[0])
                    break
    return out
