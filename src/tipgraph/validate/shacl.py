"""SHACL: validate the data against the tipgraph shapes with pySHACL, and report readably.

This is the reference engine (``engine="pyshacl"``); :meth:`tipgraph.KnowledgeGraph.validate`
runs the same shapes compiled to SPARQL in the store's own engine by default
(:mod:`tipgraph.validate.engine`), and tests/test_validate_compiled.py holds the two to the
same report. Both build their report with :func:`finish`.

Beside the hand-written shapes, the checks of :mod:`tipgraph.validate.curation` run on the same
union graph: closed vocabulary with "did you mean", kinds from the ontology's domains and ranges,
derived properties refused, undefined ids. When the files the data came from are given
(``sources``), every problem is located ``file:line`` (see :mod:`tipgraph.validate.locate`).

The report never prints; :meth:`ShaclReport.text` renders it for people. ``owl:imports`` in
the data, the ontology or the shapes are never loaded (see :mod:`tipgraph.validate.imports`);
the report lists them as skipped.

>>> report = validate_shacl(Graph())
>>> report.conforms, report.violations
(True, [])
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.term import Node

from tipgraph import resources

from .curation import ROOT_CAUSES, Finding, check_curation
from .imports import find_imports, skipped_lines
from .locate import SourceIndex
from .names import short_name, term_text
from .union import union_graph
from .vocabulary import Vocabulary

__all__ = ["Found", "ShaclReport", "Violation", "component_name", "finish", "render_path", "validate_shacl"]


@dataclass
class Violation:
    """One SHACL validation result.

    ``focus_node`` is the IRI (or ``_:id`` of a blank node) that breaks the rule,
    ``path`` the property path written SPARQL-style with prefixes (``None`` for node-level
    rules), ``message`` what to fix, ``severity`` ``"Violation"``, ``"Warning"`` or ``"Info"``,
    ``shape`` the prefixed name of the shape that found it (``check:...`` for the checks generated
    from the ontology), ``value`` the offending value, ``locations`` where the statement was
    written (``file:line``, best first) when the source files were given.
    """

    focus_node: str
    focus_label: str | None
    path: str | None
    message: str
    severity: str
    shape: str | None
    value: str | None = None
    locations: list[str] = field(default_factory=list)
    #: The SHACL constraint component (``sh:MinCountConstraintComponent`` as ``"MinCount"``), None for a check.
    component: str | None = None

    @property
    def focus_name(self) -> str:
        """The focus node as a prefixed name, e.g. ``tgd:prg-0002``."""
        return short_name(self.focus_node)

    @property
    def location(self) -> str | None:
        """The first ``file:line`` of the offending statement, or None.

        >>> Violation("urn:x", None, None, "fix it", "Violation", None, locations=["a.trig:3"]).location
        'a.trig:3'
        """
        return self.locations[0] if self.locations else None


@dataclass
class ShaclReport:
    """The outcome of :func:`validate_shacl`.

    ``skipped_imports`` lists the targets of ``owl:imports`` found in the data, the ontology
    or the shapes; they were not loaded (imports are never followed).
    """

    conforms: bool
    violations: list[Violation]
    seconds: float
    skipped_imports: list[str] = field(default_factory=list)

    def text(self) -> str:
        """A readable report: one numbered block per violation, then one line per skipped import.

        >>> ShaclReport(True, [], 0.25).text()
        'SHACL: the data conforms to the shapes (0 violations, 0.25 s).'
        >>> print(ShaclReport(True, [], 0.25, ["http://example.org/i"]).text())
        SHACL: the data conforms to the shapes (0 violations, 0.25 s).
        skipped owl:imports <http://example.org/i>: imports are never followed
        """
        notes = "".join("\n" + line for line in skipped_lines(self.skipped_imports))
        if self.conforms and not self.violations:
            return f"SHACL: the data conforms to the shapes (0 violations, {self.seconds:.2f} s).{notes}"
        n = len(self.violations)
        head = (
            f"SHACL: the data does NOT conform: {n} problem{'s' if n != 1 else ''} "
            f"found in {self.seconds:.2f} s."
            if not self.conforms
            else f"SHACL: the data conforms, with {n} note{'s' if n != 1 else ''} ({self.seconds:.2f} s)."
        )
        blocks = [head]
        for i, v in enumerate(self.violations, 1):
            node = v.focus_name + (f' "{v.focus_label}"' if v.focus_label else "")
            where = f"{v.location}: " if v.location else ""
            lines = [f"{i}. {where}[{v.severity}] {node}"]
            if len(v.locations) > 1:
                lines.append(f"   also at:  {', '.join(v.locations[1:])}")
            if v.path:
                lines.append(f"   property: {v.path}")
            if v.value is not None:
                lines.append(f"   value:    {v.value}")
            lines.append("   fix:      " + v.message.replace("\n", "\n" + " " * 13))
            if v.shape:
                lines.append(f"   shape:    {v.shape}")
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks) + (("\n\n" + notes.lstrip("\n")) if notes else "")


@lru_cache(maxsize=4)
def _load_shapes(path: str, mtime_ns: int, size: int) -> Graph:
    # mtime and size are part of the cache key so an edited shapes file is re-read.
    return Graph().parse(path, format="turtle")


def render_path(path: Node, graphs: list[Graph]) -> str:
    """Write a SHACL property path SPARQL-style, e.g. ``(^tg:withinFrameworkOf)* / ^tg:engagedProgramme``.

    Path nodes (lists, ``sh:inversePath`` ...) are looked up in ``graphs`` in order.

    >>> from tipgraph.namespace import TG
    >>> g = Graph()
    >>> inv = BNode()
    >>> _ = g.add((inv, SH.inversePath, TG.engagedProgramme))
    >>> render_path(inv, [g])
    '^tg:engagedProgramme'
    """

    def value(s: Node, p: URIRef) -> Node | None:
        for g in graphs:
            o = g.value(s, p)
            if o is not None:
                return o
        return None

    def items(head: Node) -> list[Node]:
        for g in graphs:
            if (head, RDF.first, None) in g:
                return list(Collection(g, head))
        return []

    # Binding strength of a rendered part: 2 = a single IRI, 1 = a unary path (^p, p*, ...),
    # 0 = a sequence. Operands are parenthesised when they bind more loosely than needed.
    def render(node: Node, depth: int = 0) -> tuple[str, int]:
        if depth > 20:
            return "…", 2
        if isinstance(node, URIRef):
            return short_name(str(node)), 2
        seq = items(node)
        if seq:
            return " / ".join(operand(x, depth, 1) for x in seq), 0
        inner = value(node, SH.inversePath)
        if inner is not None:
            return "^" + operand(inner, depth, 2), 1
        for pred, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = value(node, pred)
            if inner is not None:
                return operand(inner, depth, 2) + suffix, 1
        alt = value(node, SH.alternativePath)
        if alt is not None:
            return "(" + " | ".join(operand(x, depth, 0) for x in items(alt)) + ")", 2
        return term_text(node), 2

    def operand(node: Node, depth: int, needed: int) -> str:
        text, strength = render(node, depth + 1)
        return text if strength >= needed else f"({text})"

    return render(path)[0]


def _label(graph: Graph, node: Node) -> str | None:
    """The node's skos:prefLabel (English first), else its rdfs:label."""
    for prop in (SKOS.prefLabel, RDFS.label):
        labels = [o for o in graph.objects(node, prop) if isinstance(o, Literal)]
        if labels:
            labels.sort(key=lambda lit: (lit.language not in ("en", None), lit.language or "", str(lit)))
            return str(labels[0])
    return None


def validate_shacl(
    data: Graph | Dataset,
    *,
    shapes: Path | None = None,
    ontology: Graph | None = None,
    sources: Iterable[str | Path] | None = None,
    curation: bool = True,
    engine: str = "pyshacl",
) -> ShaclReport:
    """Validate ``data`` against the tipgraph SHACL shapes with pySHACL, and run the curation checks.

    ``engine="sparql"`` runs the same checks compiled to SPARQL in a scratch Oxigraph store
    instead (:func:`tipgraph.validate.engine.validate_graph`).

    ``data`` may be a Graph or a Dataset; a Dataset is validated as the union of all its
    graphs (pySHACL would otherwise check each named graph on its own). ``shapes`` defaults
    to :func:`tipgraph.resources.shapes_file`. The shapes list subclasses explicitly, so the
    ontology is not needed; when given it is passed to pySHACL as ``ont_graph`` (mixed into a
    copy of the data) so that extra subclass axioms are honoured. No inference is run, and
    ``owl:imports`` are not loaded from anywhere: the report lists them in ``skipped_imports``.

    With ``curation`` (the default) the checks generated from the ontology run too (see
    :mod:`tipgraph.validate.curation`; ``ontology`` defaults to the packaged one for them); a
    problem a hand-written shape already reports for the same node and property is reported
    once, by the shape. ``sources`` are the files ``data`` was read from: each problem is then
    located there as ``file:line`` (:attr:`Violation.locations`).

    >>> from tipgraph.resources import data_files
    >>> ds = Dataset()
    >>> for f in data_files(): _ = ds.parse(f, format="trig")
    >>> validate_shacl(ds).conforms
    True
    """
    if engine == "sparql":
        from .engine import validate_graph

        return validate_graph(data, shapes=shapes, ontology=ontology, sources=sources, curation=curation)
    if engine != "pyshacl":
        from ..errors import UnknownNameError

        raise UnknownNameError("validation engine", engine, ["pyshacl", "sparql"])
    import pyshacl  # imported here: it is slow to import and only needed for validation

    shapes_path = Path(shapes) if shapes is not None else resources.shapes_file()
    stat = shapes_path.stat()
    shapes_graph = _load_shapes(str(shapes_path), stat.st_mtime_ns, stat.st_size)

    started = time.perf_counter()
    graph = union_graph(data)
    # Before pySHACL: with a Dataset it may mix the ontology into our union copy.
    findings = check_curation(graph, Vocabulary.from_ontology(ontology), shapes_graph) if curation else []
    labels: dict[Node, str | None] = {}

    def label(node: Node | None) -> str | None:
        if node is None:
            return None
        if node not in labels:
            labels[node] = _label(graph, node)
        return labels[node]

    conforms, results, _text = pyshacl.validate(
        graph,
        shacl_graph=shapes_graph,
        ont_graph=ontology,
        # Mixing in the ontology may change the graph: only allowed on our own union copy.
        inplace=graph is not data,
        inference="none",
        do_owl_imports=False,  # the default, stated because following imports fetches URLs and reads files
        advanced=False,
        allow_warnings=False,
        allow_infos=False,
    )
    lookup = [results, shapes_graph]
    found: list[tuple[Violation, Node | None, Node | None, Node | None]] = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, result) in results:
            continue  # why a nested sh:node failed: its parent result already reports it, with its message
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        severity = results.value(result, SH.resultSeverity)
        shape = results.value(result, SH.sourceShape)
        constraint = results.value(result, SH.sourceConstraint)
        value = results.value(result, SH.value)
        component = results.value(result, SH.sourceConstraintComponent)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        english = [str(m) for m in results.objects(result, SH.resultMessage)
                   if isinstance(m, Literal) and m.language in ("en", None)]
        shape_name = short_name(str(shape)) if isinstance(shape, URIRef) else None
        if shape_name and isinstance(constraint, URIRef):  # e.g. a SPARQL constraint of a node shape
            shape_name += f" ({short_name(str(constraint))})"
        found.append((Violation(
            focus_node=_node_key(focus),
            focus_label=label(focus),
            path=render_path(path, lookup) if path is not None else None,
            message=(english or messages or ["(the shape gives no message)"])[0],
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            shape=shape_name,
            value=term_text(value) if value is not None else None,
            component=component_name(component),
        ), focus, path if isinstance(path, URIRef) else None, value))
    return finish(found, findings, label, sources, shapes_conform=bool(conforms), started=started,
                  skipped_imports=find_imports(graph, ontology, shapes_graph))


#: A violation with the terms it was made from (to locate it in the source files).
Found = tuple[Violation, Node | None, Node | None, Node | None]


def finish(found: list[Found], findings: list[Finding], label: Callable[[Node | None], str | None],
           sources: Iterable[str | Path] | None, *, shapes_conform: bool, started: float,
           skipped_imports: list[str]) -> ShaclReport:
    """The report from the shapes' results (``found``) and the curation ``findings``: one per node and
    property, located in ``sources``, in file order. Both engines end here, so their reports read alike."""
    # One report per node and property. A hand-written shape's message wins over a generated one,
    # except where the generated check names the cause (a misspelt name, an id defined nowhere)
    # that made the shape fail.
    causes = {(_node_key(f.focus), _path_text(f.path)) for f in findings if f.check in ROOT_CAUSES}
    found = [t for t in found if (t[0].focus_node, t[0].path) not in causes]
    by_shapes = {(v.focus_node, v.path) for v, *_ in found}
    for f in findings:
        path_text = _path_text(f.path)
        if f.check not in ROOT_CAUSES and (_node_key(f.focus), path_text) in by_shapes:
            continue
        found.append((Violation(
            focus_node=_node_key(f.focus),
            focus_label=label(f.focus),
            path=path_text,
            message=f.message,
            severity="Violation",
            shape=f.check,
            value=term_text(f.value) if f.value is not None else None,
        ), f.focus, f.path, f.value))
    if sources is not None and found:
        index = SourceIndex(sources)
        for v, focus, path, value in found:
            v.locations = index.locate(focus, path, value)
    violations = [v for v, *_ in found]
    violations.sort(key=_order)
    return ShaclReport(
        conforms=shapes_conform and not findings,
        violations=violations,
        seconds=time.perf_counter() - started,
        skipped_imports=skipped_imports,
    )


def component_name(component: Node | None) -> str | None:
    """``"MinCount"`` for ``sh:MinCountConstraintComponent``.

    >>> component_name(SH.MinCountConstraintComponent)
    'MinCount'
    """
    if component is None:
        return None
    return str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")


def _path_text(path: Node | None) -> str | None:
    return short_name(str(path)) if path is not None else None


def _node_key(node: Node | None) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _order(v: Violation) -> tuple[str, int, str, str, str, str]:
    """File order for located problems (then the rest), and a stable order within."""
    file, line = "\uffff", 0
    if v.location:
        head, _, tail = v.location.rpartition(":")
        file, line = (head, int(tail)) if tail.isdigit() else (v.location, 0)
    return (file, line, v.focus_node, v.path or "", v.message, v.value or "")
