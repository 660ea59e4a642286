"""SHACL: validate the data against the tipgraph shapes with pySHACL, and report readably.

The report never prints; :meth:`ShaclReport.text` renders it for people. ``owl:imports`` in
the data, the ontology or the shapes are never loaded (see :mod:`tipgraph.validate.imports`);
the report lists them as skipped.

>>> report = validate_shacl(Graph())
>>> report.conforms, report.violations
(True, [])
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.term import Node

from tipgraph import resources

from .imports import find_imports, skipped_lines
from .names import short_name, term_text
from .union import union_graph

__all__ = ["ShaclReport", "Violation", "render_path", "validate_shacl"]


@dataclass
class Violation:
    """One SHACL validation result.

    ``focus_node`` is the IRI (or ``_:id`` of a blank node) that breaks the rule,
    ``path`` the property path written SPARQL-style with prefixes (``None`` for node-level
    rules), ``message`` what to fix, ``severity`` ``"Violation"``, ``"Warning"`` or ``"Info"``,
    ``shape`` the prefixed name of the shape that found it, ``value`` the offending value.
    """

    focus_node: str
    focus_label: str | None
    path: str | None
    message: str
    severity: str
    shape: str | None
    value: str | None = None

    @property
    def focus_name(self) -> str:
        """The focus node as a prefixed name, e.g. ``tgd:prg-0002``."""
        return short_name(self.focus_node)


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
            lines = [f"{i}. [{v.severity}] {node}"]
            if v.path:
                lines.append(f"   property: {v.path}")
            if v.value is not None:
                lines.append(f"   value:    {v.value}")
            lines.append(f"   fix:      {v.message}")
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
) -> ShaclReport:
    """Validate ``data`` against the tipgraph SHACL shapes with pySHACL.

    ``data`` may be a Graph or a Dataset; a Dataset is validated as the union of all its
    graphs (pySHACL would otherwise check each named graph on its own). ``shapes`` defaults
    to :func:`tipgraph.resources.shapes_file`. The shapes list subclasses explicitly, so the
    ontology is not needed; when given it is passed to pySHACL as ``ont_graph`` (mixed into a
    copy of the data) so that extra subclass axioms are honoured. No inference is run, and
    ``owl:imports`` are not loaded from anywhere: the report lists them in ``skipped_imports``.

    >>> from tipgraph.resources import data_files
    >>> ds = Dataset()
    >>> for f in data_files(): _ = ds.parse(f, format="trig")
    >>> validate_shacl(ds).conforms
    True
    """
    import pyshacl  # imported here: it is slow to import and only needed for validation

    shapes_path = Path(shapes) if shapes is not None else resources.shapes_file()
    stat = shapes_path.stat()
    shapes_graph = _load_shapes(str(shapes_path), stat.st_mtime_ns, stat.st_size)

    started = time.perf_counter()
    graph = union_graph(data)
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
    violations: list[Violation] = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        severity = results.value(result, SH.resultSeverity)
        shape = results.value(result, SH.sourceShape)
        constraint = results.value(result, SH.sourceConstraint)
        value = results.value(result, SH.value)
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        english = [str(m) for m in results.objects(result, SH.resultMessage)
                   if isinstance(m, Literal) and m.language in ("en", None)]
        shape_name = short_name(str(shape)) if isinstance(shape, URIRef) else None
        if shape_name and isinstance(constraint, URIRef):  # e.g. a SPARQL constraint of a node shape
            shape_name += f" ({short_name(str(constraint))})"
        violations.append(Violation(
            focus_node=str(focus) if not isinstance(focus, BNode) else f"_:{focus}",
            focus_label=_label(graph, focus) if focus is not None else None,
            path=render_path(path, lookup) if path is not None else None,
            message=(english or messages or ["(the shape gives no message)"])[0],
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            shape=shape_name,
            value=term_text(value) if value is not None else None,
        ))
    violations.sort(key=lambda v: (v.focus_node, v.path or "", v.message, v.value or ""))
    return ShaclReport(
        conforms=bool(conforms),
        violations=violations,
        seconds=time.perf_counter() - started,
        skipped_imports=find_imports(graph, ontology, shapes_graph),
    )
