"""The facade: one object that loads, queries, validates, reasons, exports, analyses and maps.

>>> import tipgraph
>>> kg = tipgraph.load()                       # ontology + curated data, reasoned, on Oxigraph
>>> kg.query("countries-of-implementer", organisation="ICMPD").column("iso2")
['AF', 'KZ', 'KG', 'PK', 'TJ', 'UZ']
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from . import loading as _load
from . import reason as _reason
from .errors import BadInputError, InternalError, NotConformingError, UnknownNameError
from .export import format_for, serialise
from .files import atomic_write
from .namespace import TG, shorten
from .query import (
    NamedQuery,
    Param,
    QueryResult,
    convert_param,
    bind_named,
    expand,
    get_named_query,
    named_queries,
    resolve_entity,
    run_query,
)
from .resources import INFERRED_GRAPH, ONTOLOGY_GRAPH, data_files
from .sparql import DEFAULT_MAX_ROWS, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, Limits
from .store import Quad, Store, open_store
from .store.terms import iri_ref, ntriples
from .store.persist import check_target

_UNSET: Any = object()


@dataclass
class ValidationResult:
    """SHACL conformance plus OWL consistency (when it could be checked)."""

    shacl: Any
    owl: Any | None

    @property
    def conforms(self) -> bool:
        """True when the shapes hold and HermiT found no inconsistency (or was skipped)."""
        owl_ok = self.owl is None or not self.owl.checked or bool(self.owl.consistent)
        return bool(self.shacl.conforms) and owl_ok

    @property
    def skipped(self) -> list[str]:
        """Checks that were asked for but could not run, with the reason."""
        if self.owl is not None and not self.owl.checked:
            return [f"OWL consistency (HermiT): {self.owl.skipped_reason}"]
        return []

    def text(self) -> str:
        """Both reports, readable."""
        parts = [self.shacl.text()]
        if self.owl is not None:
            parts.append(self.owl.text())
        return "\n\n".join(parts)


class _UndoError(Exception):
    """Leave a write block without committing (a dry run, or data that would not conform)."""


#: The validation engines :meth:`KnowledgeGraph.validate` runs.
ENGINES = ("sparql", "pyshacl")


def _engine(engine: str | None) -> str:
    """The validation engine to run: ``"sparql"`` unless asked otherwise."""
    if engine is None:
        return "sparql"
    if engine not in ENGINES:
        raise UnknownNameError("validation engine", engine, list(ENGINES))
    return engine


def _quads_of(nquads: bytes) -> list[Quad]:
    scratch = open_store("oxigraph:")
    scratch.load(nquads, format="nquads")
    return list(scratch.quads())


def _has_blank(quad: Quad) -> bool:
    return any(isinstance(t, BNode) for t in quad[:3])


@dataclass
class AddReport:
    """What :meth:`KnowledgeGraph.add_files` did (or, with ``dry_run``, would do)."""

    files: list[Path]
    #: new triples per named graph
    added: dict[str, int]
    #: triples of the files the store held already
    already: int
    #: (id, label, kind) of entities the files introduce
    new_entities: list[tuple[str, str, str]]
    validation: ValidationResult | None
    dry_run: bool = False

    @property
    def total(self) -> int:
        """How many triples were (or would be) added."""
        return sum(self.added.values())

    def text(self) -> str:
        """What changed, readable."""
        if not self.total:
            return "nothing to add: everything in these files is in the store already"
        verb = "would add" if self.dry_run else "added"
        lines = [f"{verb} {self.total} triples from {len(self.files)} file(s)"
                 + (f" ({self.already} already in the store)" if self.already else "")]
        lines += [f"  {n:6d}  {shorten(g)}" for g, n in sorted(self.added.items()) if n]
        if self.new_entities:
            lines.append(f"new entities ({len(self.new_entities)}):")
            lines += [f"  {i}  {label}  ({kind})" for i, label, kind in self.new_entities]
        if self.dry_run and self.validation is not None:
            lines.append("the data would conform" if self.validation.conforms else
                         "the data would NOT conform:\n" + self.validation.text())
        return "\n".join(lines)


def _nquads(quads: Iterable[Quad]) -> bytes:
    """Quads as N-Quads (literals escaped line by line: rdflib's n3() writes long strings in Turtle's triple quotes)."""
    def term(t: Node) -> str:
        if isinstance(t, Literal):
            text = (str(t).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                    .replace("\r", "\\r"))
            if t.language:
                return f'"{text}"@{t.language}'
            return f'"{text}"^^{iri_ref(str(t.datatype))}' if t.datatype else f'"{text}"'
        return iri_ref(str(t))

    return "".join(f"{term(s)} {term(p)} {term(o)} {term(g)} .\n" for s, p, o, g in quads).encode("utf-8")


@dataclass
class GraphChange:
    """What :meth:`KnowledgeGraph.change_graphs` did: triples added and removed per named graph."""

    added: dict[str, int]
    removed: dict[str, int]
    validation: ValidationResult | None

    @property
    def changed(self) -> bool:
        """Whether any graph changed."""
        return any(self.added.values()) or any(self.removed.values())


@dataclass
class Stats:
    """Counts per graph, per class and per relation, asserted vs inferred."""

    graphs: dict[str, int]
    classes: list[tuple[str, int, int]] = field(default_factory=list)
    relations: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def asserted(self) -> int:
        """Triples in every graph except the inferred one."""
        return sum(n for g, n in self.graphs.items() if g != INFERRED_GRAPH)

    @property
    def ontology(self) -> int:
        """Triples in the ontology graph."""
        return self.graphs.get(ONTOLOGY_GRAPH, 0)

    @property
    def data(self) -> int:
        """Asserted triples outside the ontology graph (the curated facts)."""
        return self.asserted - self.ontology

    @property
    def inferred(self) -> int:
        """Triples in the inferred graph."""
        return self.graphs.get(INFERRED_GRAPH, 0)


# Each class or relation counted once per entity or fact, however many sources state it;
# "inferred" counts only what the reasoner added. The graph IRIs are our own constants.
_COUNT_TYPES = f"""
SELECT ?term (COUNT(DISTINCT ?a) AS ?asserted) (COUNT(DISTINCT ?i) AS ?inferred) WHERE {{
  {{ GRAPH ?g {{ ?a a ?term }} FILTER(?g != <{ONTOLOGY_GRAPH}> && ?g != <{INFERRED_GRAPH}>) }}
  UNION {{ GRAPH <{INFERRED_GRAPH}> {{ ?i a ?term }} }}
}} GROUP BY ?term
"""
_COUNT_PREDICATES = f"""
SELECT ?term (SUM(?x) AS ?asserted) (SUM(?y) AS ?inferred) WHERE {{
  {{ SELECT ?term (COUNT(*) AS ?x) (0 AS ?y) WHERE {{
      SELECT DISTINCT ?s ?term ?o WHERE {{
        GRAPH ?g {{ ?s ?term ?o }} FILTER(?g != <{ONTOLOGY_GRAPH}> && ?g != <{INFERRED_GRAPH}>) }} }}
    GROUP BY ?term }}
  UNION {{ SELECT ?term (0 AS ?x) (COUNT(*) AS ?y) WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?term ?o }} }}
           GROUP BY ?term }}
}} GROUP BY ?term
"""


class KnowledgeGraph:
    """A store holding the ontology, the curated data and (after :meth:`reason`) the inferences."""

    def __init__(self, store: Store, *, limits: Limits | None = None) -> None:
        self.store = store
        self.limits = limits or Limits()
        #: The files the data was read from (validation names file:line in them).
        self.sources: list[Path] = []

    # --- basics --------------------------------------------------------------
    @property
    def backend(self) -> str:
        """``"oxigraph"`` or ``"memory"``."""
        return self.store.backend

    @property
    def dataset(self) -> Any:
        """The :class:`rdflib.Dataset` behind the store (default graph = union of all graphs)."""
        return self.store.dataset

    def __len__(self) -> int:
        return self.store.count()

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {self.backend} {len(self)} triples in {len(self.store.graphs())} graphs>"

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Flush and release the store."""
        self.store.close()

    # --- loading ---------------------------------------------------------------
    def add_files(self, paths: Iterable[str | Path], *, reason: bool = True, validate: bool = True,
                  owl: bool = False, owl_timeout: float = 120.0, dry_run: bool = False) -> AddReport:
        """Add RDF files after checking them together with what the store holds: all or nothing.

        Every file is parsed first; what the store already holds is left out (adding a file
        twice changes nothing, and says so); the combined graph is validated with the same
        checks and messages as :meth:`validate` and non-conforming data is refused
        (:class:`NotConformingError`, the store unchanged); then the inferences are refreshed,
        in the same commit. ``dry_run`` reports what would change and changes nothing.

        >>> from tipgraph.resources import data_files
        >>> load().add_files(data_files()[:1]).text()
        'nothing to add: everything in these files is in the store already'
        """
        files = [Path(p) for p in paths]
        parsed = [_load.parse_file(p) for p in files]  # all or nothing: a bad file stops here
        incoming = _quads_of(b"".join(p.nquads for p in parsed))
        touched = sorted({str(q[3]) for q in incoming})
        before = {g: set(self.store.quads(g)) for g in touched}
        plain = [q for q in incoming if not _has_blank(q)]
        if all(q in before[str(q[3])] for q in plain):
            new: list[Quad] = []  # blank nodes are new on every load: a file already added is not added again
        else:
            new = [q for q in incoming if _has_blank(q) or q not in before[str(q[3])]]
        typed_before = {q[0] for g in before.values() for q in g if q[1] == RDF.type}
        report = AddReport(files, {g: sum(1 for q in new if str(q[3]) == g) for g in touched},
                           len(incoming) - len(new), [], None, dry_run)
        if not new:
            return report
        known = list(self.sources)
        self.sources = known + files  # validation names file:line in these
        try:
            with self.store.writing():  # data and inferences land together, or not at all
                self.store.add(new)
                try:
                    report.new_entities = self._describe_new({q[0] for q in new if q[1] == RDF.type} - typed_before)
                    if validate:
                        report.validation = self.validate(owl=owl, owl_timeout=owl_timeout)
                    if dry_run or (report.validation is not None and not report.validation.conforms):
                        raise _UndoError
                    if reason and INFERRED_GRAPH in self.store.graphs():
                        self.reason()
                except BaseException:
                    for g in touched:  # in memory too: the store holds exactly what it held before
                        self.store.replace_graph(g, ntriples(q[:3] for q in before[g]))
                    self.sources = known
                    raise
        except _UndoError:
            if dry_run or report.validation is None:
                return report
            raise NotConformingError("nothing was added: the data would not conform:\n"
                                     + report.validation.text(), report=report.validation) from None
        return report

    def _describe_new(self, entities: set[Node]) -> list[tuple[str, str, str]]:
        iris = sorted(e for e in entities if isinstance(e, URIRef))
        labels = self.labels(iris)
        kinds = {}
        for iri in iris:
            rows = run_query(self.store, "SELECT ?k WHERE { ?e a ?t . ?t rdfs:label ?k . FILTER(STRSTARTS(STR(?t), "
                             "STR(tg:))) } ORDER BY ?k LIMIT 1", {"e": iri}, limits=Limits(timeout=None)).rows
            kinds[iri] = str(rows[0][0]) if rows else "entity"
        return [(shorten(i), labels.get(i, ""), kinds[i]) for i in iris]

    # --- graphs tipgraph writes itself (the extract workflow) -------------------
    def change_graphs(self, quads: Iterable[Quad] = (), *, drop: Iterable[str] = (), reason: bool = True,
                      validate: bool = True, owl: bool = False, owl_timeout: float = 120.0,
                      unchecked: Iterable[str] = ()) -> GraphChange:
        """Drop named graphs and add quads as one checked change: all or nothing.

        The same checks as :meth:`add_files` (the shapes and curation checks over everything
        the store holds, then the inferences refreshed in the same commit); data that would not
        conform is refused with :class:`NotConformingError` and the store keeps exactly what it
        held. A change that changes nothing writes nothing. Blank nodes are refused (the
        workflow names everything it writes). ``unchecked`` names graphs left out of the
        validation (review material that is not data, such as candidate facts).

        >>> kg = load(backend="memory")
        >>> kg.change_graphs(drop=["urn:nothing"]).changed
        False
        """
        incoming = [(s, p, o, URIRef(str(g))) for s, p, o, g in quads]
        if any(_has_blank(q) for q in incoming):
            raise InternalError("change_graphs takes named nodes only")
        dropped = set(drop)
        touched = sorted({str(q[3]) for q in incoming} | dropped)
        before = {g: set(self.store.quads(g)) for g in touched}
        after: dict[str, set[Quad]] = {g: set() if g in dropped else set(before[g]) for g in touched}
        for q in incoming:
            after[str(q[3])].add(q)
        changed = [g for g in touched if after[g] != before[g]]
        change = GraphChange({g: len(after[g] - before[g]) for g in changed},
                             {g: len(before[g] - after[g]) for g in changed}, None)
        if not changed:
            return change
        inferred_before = set(self.store.quads(INFERRED_GRAPH))
        try:
            with self.store.writing():
                try:
                    self.store.apply(drop=changed, nquads=_nquads([q for g in changed for q in after[g]]))
                    if validate:
                        change.validation = self._validate_without(set(unchecked), owl=owl, owl_timeout=owl_timeout)
                        if not change.validation.conforms:
                            raise _UndoError
                    if reason and INFERRED_GRAPH in self.store.graphs():
                        self.reason()
                except BaseException:
                    # in memory too: the store holds exactly what it held before
                    self.store.apply(drop=[*changed, INFERRED_GRAPH],
                                     nquads=_nquads([q for g in changed for q in before[g]] + sorted(inferred_before)))
                    raise
        except _UndoError:
            assert change.validation is not None
            raise NotConformingError("nothing was changed: the data would not conform:\n"
                                     + change.validation.text(), report=change.validation) from None
        return change

    def _validate_without(self, skip: set[str], *, owl: bool, owl_timeout: float,
                          engine: str | None = None) -> ValidationResult:
        """:meth:`validate` over the asserted graphs except ``skip``."""
        if not skip:
            return self.validate(owl=owl, owl_timeout=owl_timeout, engine=engine)
        from .validate import check_consistency, validate_shacl, validate_store

        data: Graph | None = None
        if owl or _engine(engine) == "pyshacl":
            data = Graph()
            for g in self.store.graphs():
                if g not in skip and g not in (ONTOLOGY_GRAPH, INFERRED_GRAPH):
                    for s, p, o, _ in self.store.quads(g):
                        data.add((s, p, o))
        if _engine(engine) == "pyshacl":
            assert data is not None
            shacl = validate_shacl(data, ontology=self.ontology_graph(), sources=self.sources)
        else:
            shacl = validate_store(self.store, exclude=skip, ontology=self.ontology_graph(), sources=self.sources)
        return ValidationResult(shacl, check_consistency(data, timeout=owl_timeout) if owl and data is not None
                                else None)

    # --- querying --------------------------------------------------------------
    def named_queries(self) -> list[NamedQuery]:
        """The named competency questions, sorted by name."""
        return sorted(named_queries().values(), key=lambda q: q.name)

    def query(self, query: str, bindings: dict[str, Any] | None = None, *, timeout: float | None = _UNSET,
              max_rows: int | None = _UNSET, allow_network: bool = False, memory_mb: int | None = _UNSET,
              **params: Any) -> QueryResult:
        """Run SPARQL text or a named query; keyword arguments are bindings.

        For a named query the values may be labels (``organisation="ICMPD"``); for SPARQL
        text they may be rdflib terms, IRIs or prefixed names. ``timeout=None`` runs the
        query in this process without a time limit (and without the worker's confinement);
        ``memory_mb`` caps what the query worker may take beyond the store (None: no cap).

        >>> kg = load()
        >>> kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a tg:Country }").rows[0][0].toPython() >= 7
        True
        """
        limits = Limits(
            timeout=self.limits.timeout if timeout is _UNSET else timeout,
            max_rows=self.limits.max_rows if max_rows is _UNSET else max_rows,
            allow_network=allow_network or self.limits.allow_network,
            memory_mb=self.limits.memory_mb if memory_mb is _UNSET else memory_mb,
        )
        values = dict(bindings or {}, **params)
        text = query.strip()
        if text and len(text.split(None, 1)) == 1 and "{" not in text:
            named = get_named_query(text)
            return run_query(self.store, named.sparql, bind_named(self.store, named, values), limits=limits,
                             name=named.name)
        return run_query(self.store, query, values, limits=limits)

    def answer_all(self, **limits: Any) -> dict[str, QueryResult]:
        """Every named query with its default parameters, by name."""
        return {q.name: self.query(q.name, **limits) for q in self.named_queries()}

    def labels(self, iris: Iterable[URIRef]) -> dict[URIRef, str]:
        """The preferred label of each IRI that has one (one query, the IRIs as a VALUES block).

        >>> from tipgraph import TGD
        >>> load().labels([TGD["org-0001"]])
        {rdflib.term.URIRef('https://w3id.org/tipgraph/id/org-0001'): 'UNODC'}
        """
        wanted = sorted(set(iris))
        if not wanted:
            return {}
        values = " ".join(iri_ref(str(i)) for i in wanted)  # IRIs written by the term serialiser
        res = run_query(self.store, f"SELECT ?e (MIN(STR(?l)) AS ?label) WHERE {{ VALUES ?e {{ {values} }} "
                        f"?e skos:prefLabel ?l }} GROUP BY ?e", limits=Limits(timeout=None, max_rows=None))
        return {row[0]: str(row[1]) for row in res.rows if isinstance(row[0], URIRef) and row[1] is not None}

    def in_words(self, result: QueryResult) -> QueryResult:
        """An answer for people: labels instead of ids (``tipgraph query`` shows this unless ``--ids``).

        >>> kg = load()
        >>> words = kg.in_words(kg.query("implementers-of-programme"))
        >>> words.vars, sorted(str(row[0]) for row in words.rows)[:1]
        (['programme', 'role', 'organisationLabel'], ['PROTECT'])
        """
        return result.in_words(self.labels(result.iris()))

    def resolve(self, text: str) -> URIRef:
        """IRI for an IRI, a prefixed name or a label (e.g. ``"FIA"``)."""
        return resolve_entity(self.store, text)

    def label(self, entity: str | URIRef) -> str | None:
        """The preferred label of an entity given by IRI or prefixed name, or None.

        >>> load().label("tgd:org-0003")
        'ICMPD'
        """
        iri = entity if isinstance(entity, URIRef) else (expand(entity) or URIRef(entity))
        res = run_query(self.store, "SELECT ?l WHERE { ?e skos:prefLabel ?l } ORDER BY ?l",
                        {"e": iri}, limits=Limits(timeout=None, max_rows=1))
        return str(res.rows[0][0]) if res.rows else None

    # --- validating and reasoning ---------------------------------------------
    def asserted_graph(self) -> Graph:
        """All asserted facts (every graph except the ontology and the inferred graph), merged."""
        g = Graph()
        for s, p, o, ctx in self.store.quads():
            if str(ctx) not in (ONTOLOGY_GRAPH, INFERRED_GRAPH):
                g.add((s, p, o))
        return g

    def ontology_graph(self) -> Graph:
        """The ontology as loaded in the store."""
        g = Graph()
        for s, p, o, _ in self.store.quads(ONTOLOGY_GRAPH):
            g.add((s, p, o))
        return g

    def validate(self, *, owl: bool = True, owl_timeout: float = 120.0, engine: str | None = None) -> ValidationResult:
        """SHACL shapes and curation checks over the asserted data, then OWL consistency with HermiT (if Java is there).

        ``engine`` ``"sparql"`` (the default, on every backend) runs the shapes compiled to SPARQL
        in Oxigraph (:mod:`tipgraph.validate.engine`); ``"pyshacl"`` runs pySHACL on an rdflib
        copy of the data. Both report the same problems with the same messages.
        """
        from .validate import check_consistency, validate_shacl, validate_store

        data = self.asserted_graph() if owl or _engine(engine) == "pyshacl" else None
        if _engine(engine) == "pyshacl":
            assert data is not None
            shacl = validate_shacl(data, ontology=self.ontology_graph(), sources=self.sources)
        else:
            shacl = validate_store(self.store, ontology=self.ontology_graph(), sources=self.sources)
        consistency = check_consistency(data, timeout=owl_timeout) if owl and data is not None else None
        return ValidationResult(shacl, consistency)

    def reason(self, *, engine: str | None = None) -> _reason.ReasonReport:
        """Recompute the inferred graph (see :mod:`tipgraph.reason`; ``engine`` "rules" or "reasonable")."""
        with self.store.writing():
            return _reason.materialise(self.store, engine=engine)

    def drop_inferred(self) -> None:
        """Remove the inferred graph."""
        with self.store.writing():
            _reason.drop_inferred(self.store)

    # --- statistics and export ------------------------------------------------
    def stats(self) -> Stats:
        """Counts per graph, per class and per relation, asserted vs inferred."""
        rows = self.store.execute("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                                  {}, None).rows
        graphs = {str(g): int(str(n)) for g, n in sorted(rows) if isinstance(g, URIRef)}
        return Stats(graphs=graphs, classes=self._split_counts(_COUNT_TYPES),
                     relations=self._split_counts(_COUNT_PREDICATES))

    def _split_counts(self, sparql: str) -> list[tuple[str, int, int]]:
        rows = [(shorten(t), int(str(a)), int(str(i))) for t, a, i in self.store.execute(sparql, {}, None).rows]
        return sorted(rows, key=lambda r: (-(r[1] + r[2]), r[0]))

    def export(self, path: str | Path | None = None, *, format: str | None = None,
               inferred: bool = True, ontology: bool = True) -> bytes:
        """Serialise the store; with ``path`` also write it atomically (format from the suffix).

        ``trig``, ``nquads`` and ``jsonld`` keep the named graphs (sources, inferred);
        ``turtle`` and ``nt`` merge them.
        """
        skip = [g for g, keep in ((INFERRED_GRAPH, inferred), (ONTOLOGY_GRAPH, ontology)) if not keep]
        data = serialise(self.store, format_for(path, format), exclude=skip)
        if path is not None:
            atomic_write(path, data)
        return data

    # --- networks and maps (optional extras) -----------------------------------
    def network(self, **options: Any) -> Any:
        """The graph projected into a typed :mod:`networkx` graph (see :mod:`tipgraph.network`).

        >>> G = load().network()
        >>> G.nodes["https://w3id.org/tipgraph/id/org-0001"]["label"]
        'UNODC'
        """
        from .network import project

        return project(self.store, **options)

    def map(self, path: str | Path | None = None, *, focus: str | None = None, depth: int = 2,
            country: str | None = None, programme: str | None = None, title: str | None = None,
            subtitle: str | None = None, relations: Iterable[str] | None = None,
            collapse_engagements: bool = True, include_inferred: bool = True, layout: str = "auto") -> Any:
        """An interactive, self-contained HTML map (see :func:`tipgraph.maps.make_map`).

        Views: the whole landscape, an actor's neighbourhood (``focus="UNODC", depth=2``),
        a country (``country="PK"``: everyone active there and through which programmes)
        or a programme (``programme="PROTECT"``). Names may be labels, acronyms, prefixed
        names or IRIs; countries also ISO codes. With ``path`` the file is written
        atomically. In Jupyter the returned :class:`~tipgraph.maps.MapResult` displays inline.

        >>> load().map(country="PK").nodes > 5
        True
        """
        from .maps import make_map
        from .network import project, resolve_place
        from .network.facts import add_facts

        kinds = {"country": Param("country", "entity", None, TG.Place),
                 "programme": Param("programme", "entity", None, TG.Programme)}

        def resolve(view: str, name: str) -> str:
            iri = resolve_place(self.store, name) if view == "country" else str(resolve_entity(self.store, name))
            if view in kinds:  # a country view of an organisation is refused, saying what it is
                convert_param(self.store, kinds[view], URIRef(iri))
            return iri

        G = project(self.store, relations=relations, collapse_engagements=collapse_engagements,
                    include_inferred=include_inferred)
        add_facts(G, self.store)  # dates, counts, tiers, publishers: what tooltips and the timeline show
        result = make_map(G, focus=focus, depth=depth, country=country, programme=programme, title=title,
                          subtitle=subtitle, layout=layout, resolve=resolve,
                          drop_isolated=relations is not None)  # a chosen subset of relations leaves loners
        if path is not None:
            result.save(path)
        return result

    def analyze(self, *, top: int = 10, chain: tuple[str, str] | None = None, k: int = 3,
                ego: str | None = None, depth: int = 1, export: str | Path | Iterable[str | Path] | None = None,
                relations: Iterable[str] | None = None, collapse_engagements: bool = True,
                include_inferred: bool = True) -> Any:
        """Centrality, communities, brokers and bridges; ``chain=(a, b)`` explains the shortest
        chains of facts from a to b; ``ego`` restricts to an actor's neighbourhood; ``export``
        writes GraphML, GEXF or CSV (see :func:`tipgraph.analysis.analyze`). Names may be
        anything :meth:`resolve` accepts: IRIs, prefixed names, labels, acronyms.

        >>> report = load().analyze(chain=("European Union", "FIA"))
        >>> "PROTECT" in report.text()
        True
        """
        from .analysis import analyze
        from .network import project
        from .network.facts import add_facts

        ends = None
        if chain is not None:
            ends = (str(resolve_entity(self.store, chain[0])), str(resolve_entity(self.store, chain[1])))
        center = str(resolve_entity(self.store, ego)) if ego is not None else None
        G = project(self.store, relations=relations, collapse_engagements=collapse_engagements,
                    include_inferred=include_inferred)
        if export is not None:  # GEXF and GraphML carry dates (Gephi's timeline) and facts
            add_facts(G, self.store)
        return analyze(G, top=top, chain=ends, k=k, ego=center, depth=depth, export=export)


def load(data: Iterable[str | Path] | None = None, *, backend: str = "oxigraph", path: str | Path | None = None,
         reason: bool = True, timeout: float | None = DEFAULT_TIMEOUT, max_rows: int | None = DEFAULT_MAX_ROWS,
         allow_network: bool = False, memory_mb: int | None = DEFAULT_MEMORY_MB) -> KnowledgeGraph:
    """Load the ontology and data (default: the curated seed) into a new store, then reason.

    ``path`` opens an existing persistent Oxigraph store instead when it already holds
    data (``data`` must then be None).

    >>> kg = load(backend="memory")
    >>> kg.backend
    'memory'
    """
    limits = Limits(timeout=timeout, max_rows=max_rows, allow_network=allow_network, memory_mb=memory_mb)
    if isinstance(path, str) and path.startswith(("sparql+http://", "sparql+https://")):
        if data is not None:
            raise BadInputError("a SPARQL server's store is filled with 'tipgraph push', not loaded with data")
        return KnowledgeGraph(open_store(path), limits=limits)
    if path is not None and Path(path).exists() and any(Path(path).iterdir()):
        if data is not None:
            raise BadInputError("a store already exists there; use 'tipgraph build' to rebuild it", path=str(path))
        return KnowledgeGraph(open_store(f"oxigraph:{path}"), limits=limits)
    if path is not None and backend != "oxigraph":
        raise BadInputError(f"the {backend} backend cannot persist to a directory; use the oxigraph backend")
    store = open_store(f"oxigraph:{path}" if path is not None else f"{backend}:")
    files = [Path(p) for p in data] if data is not None else data_files()
    _load.load_default(store, data=files)
    kg = KnowledgeGraph(store, limits=limits)
    kg.sources = files
    if reason:
        kg.reason()
    return kg


@dataclass
class BuildReport:
    """What :func:`build` did, with timings in seconds."""

    path: Path | None
    triples_asserted: int
    triples_inferred: int
    timings: dict[str, float]
    validation: ValidationResult | None
    reasoning: _reason.ReasonReport


def build(path: str | Path | None = None, *, data: Iterable[str | Path] | None = None,
          backend: str = "oxigraph", validate: bool = True, owl: bool = True,
          owl_timeout: float = 120.0, strict: bool = True) -> tuple[KnowledgeGraph, BuildReport]:
    """Load, validate and reason; with ``path`` write a persistent Oxigraph store there.

    The graph is built in memory and written to a new directory beside ``path`` that
    replaces the old store only when every step succeeded (under the store's write lock),
    so a failed or killed build leaves the old store untouched. A folder that is not a
    store and not empty is refused, never replaced.
    With ``strict`` a non-conforming graph raises :class:`NotConformingError`.
    """
    timings: dict[str, float] = {}
    target = Path(path) if path is not None else None
    if target is not None:
        if backend != "oxigraph":
            raise BadInputError("only the oxigraph backend can be saved to a directory")
        check_target(target)
    store = open_store(f"{backend}:")
    t = time.perf_counter()
    files = [Path(p) for p in data] if data is not None else data_files()
    _load.load_default(store, data=files)
    timings["load"] = time.perf_counter() - t
    kg = KnowledgeGraph(store)
    kg.sources = files
    result = None
    if validate:
        t = time.perf_counter()
        result = kg.validate(owl=owl, owl_timeout=owl_timeout)
        timings["validate"] = time.perf_counter() - t
        if strict and not result.conforms:
            raise NotConformingError("the data does not conform:\n" + result.text(), report=result)
    t = time.perf_counter()
    rep = kg.reason()
    timings["reason"] = time.perf_counter() - t
    stats = kg.stats()
    if target is not None:
        t = time.perf_counter()
        store.save(target)
        timings["save"] = time.perf_counter() - t
    return kg, BuildReport(target, stats.asserted, stats.inferred, timings, result, rep)
