"""Check the data: SHACL shapes (pySHACL) and OWL consistency (HermiT through owlready2).

Both functions return a report object and never print; each report has a ``text()`` method
that renders it for people.

>>> import rdflib
>>> report = validate_shacl(rdflib.Graph())
>>> report.conforms, report.violations
(True, [])

:func:`check_consistency` runs HermiT in a separate worker process (``tipgraph._hermit``):
owlready2 starts Java without a time limit and leaves temporary files behind on error, so the
worker gets its own process group and temporary folder, and both are removed when it ends or
runs out of time. When HermiT cannot run (no Java, no owlready2, time-out, reasoner crash) the
report says so with ``checked=False`` and a ``skipped_reason``; it never raises for that.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import rdflib
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, NamespaceManager

from tipgraph import resources

__all__ = [
    "ConsistencyReport",
    "ShaclReport",
    "Violation",
    "check_consistency",
    "short_name",
    "validate_shacl",
]

#: Prefixes used to print node names in reports.
PREFIXES: dict[str, str] = {
    "tg": resources.TG_NS,
    "tgd": resources.ID_NS,
    "tgg": resources.GRAPH_NS,
    "tgsh": "https://w3id.org/tipgraph/shapes#",
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": str(SKOS),
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "sh": str(SH),
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}


@lru_cache(maxsize=1)
def _namespace_manager() -> NamespaceManager:
    nsm = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        nsm.bind(prefix, ns, override=True, replace=True)
    return nsm


def short_name(iri: str) -> str:
    """Write an IRI as a prefixed name when a known prefix fits, else as ``<iri>``.

    >>> short_name("https://w3id.org/tipgraph/id/prg-0002")
    'tgd:prg-0002'
    >>> short_name("http://example.org/x")
    '<http://example.org/x>'
    """
    if iri.startswith("_:"):
        return iri
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            local = iri[len(ns):]
            # Only plain local names; anything odd is printed in full so it stays unambiguous.
            if local and all(ch.isalnum() or ch in "-_." for ch in local) and not local.endswith("."):
                return f"{prefix}:{local}"
    return f"<{iri}>"


def _term_text(term: rdflib.term.Node) -> str:
    if isinstance(term, URIRef):
        return short_name(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return term.n3(_namespace_manager())
    return str(term)


# ---------------------------------------------------------------------------
# SHACL
# ---------------------------------------------------------------------------
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
    """The outcome of :func:`validate_shacl`."""

    conforms: bool
    violations: list[Violation]
    seconds: float

    def text(self) -> str:
        """A readable report: one numbered block per violation.

        >>> ShaclReport(True, [], 0.25).text()
        'SHACL: the data conforms to the shapes (0 violations, 0.25 s).'
        """
        if self.conforms and not self.violations:
            return f"SHACL: the data conforms to the shapes (0 violations, {self.seconds:.2f} s)."
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
        return "\n\n".join(blocks)


@lru_cache(maxsize=4)
def _load_shapes(path: str, mtime_ns: int, size: int) -> Graph:
    # mtime and size are part of the cache key so an edited shapes file is re-read.
    return Graph().parse(path, format="turtle")


def _union_graph(data: Graph) -> Graph:
    """The data as one plain Graph: the union of all named graphs for a Dataset."""
    if getattr(data, "context_aware", False):
        union = Graph()
        union.addN((s, p, o, union) for s, p, o, _ in data.quads((None, None, None, None)))  # type: ignore[attr-defined]
        return union
    return data


def _render_path(path: rdflib.term.Node, graphs: list[Graph]) -> str:
    """Write a SHACL property path SPARQL-style, e.g. ``(^tg:withinFrameworkOf)* / ^tg:engagedProgramme``."""

    def value(s: rdflib.term.Node, p: URIRef) -> rdflib.term.Node | None:
        for g in graphs:
            o = g.value(s, p)
            if o is not None:
                return o
        return None

    def items(head: rdflib.term.Node) -> list[rdflib.term.Node]:
        for g in graphs:
            if (head, RDF.first, None) in g:
                return list(Collection(g, head))
        return []

    # Binding strength of a rendered part: 2 = a single IRI, 1 = a unary path (^p, p*, ...),
    # 0 = a sequence. Operands are parenthesised when they bind more loosely than needed.
    def render(node: rdflib.term.Node, depth: int = 0) -> tuple[str, int]:
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
        return _term_text(node), 2

    def operand(node: rdflib.term.Node, depth: int, needed: int) -> str:
        text, strength = render(node, depth + 1)
        return text if strength >= needed else f"({text})"

    return render(path)[0]


def _label(graph: Graph, node: rdflib.term.Node) -> str | None:
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
    copy of the data) so that extra subclass axioms are honoured. No inference is run.

    >>> from tipgraph.resources import data_files
    >>> ds = rdflib.Dataset()
    >>> for f in data_files(): _ = ds.parse(f, format="trig")
    >>> validate_shacl(ds).conforms
    True
    """
    import pyshacl  # imported here: it is slow to import and only needed for validation

    shapes_path = Path(shapes) if shapes is not None else resources.shapes_file()
    stat = shapes_path.stat()
    shapes_graph = _load_shapes(str(shapes_path), stat.st_mtime_ns, stat.st_size)

    started = time.perf_counter()
    graph = _union_graph(data)
    conforms, results, _text = pyshacl.validate(
        graph,
        shacl_graph=shapes_graph,
        ont_graph=ontology,
        # Mixing in the ontology may change the graph: only allowed on our own union copy.
        inplace=graph is not data,
        inference="none",
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
            path=_render_path(path, lookup) if path is not None else None,
            message=(english or messages or ["(the shape gives no message)"])[0],
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            shape=shape_name,
            value=_term_text(value) if value is not None else None,
        ))
    violations.sort(key=lambda v: (v.focus_node, v.path or "", v.message, v.value or ""))
    return ShaclReport(
        conforms=bool(conforms),
        violations=violations,
        seconds=time.perf_counter() - started,
    )


# ---------------------------------------------------------------------------
# OWL consistency with HermiT
# ---------------------------------------------------------------------------
@dataclass
class ConsistencyReport:
    """The outcome of :func:`check_consistency`.

    ``checked`` is False when HermiT did not give an answer (then ``consistent`` is None and
    ``skipped_reason`` says why and what to do). ``inferred_types`` lists (individual IRI,
    class IRI) pairs where HermiT found a most specific class that the data did not assert.
    ``explanation`` is filled for an inconsistent result; ``worker_pid`` is the process id
    (and process group id) of the worker, for diagnostics and tests.
    """

    checked: bool
    consistent: bool | None
    skipped_reason: str | None
    seconds: float
    inferred_types: list[tuple[str, str]] = field(default_factory=list)
    unsatisfiable_classes: list[str] = field(default_factory=list)
    explanation: str | None = None
    worker_pid: int | None = None

    def text(self) -> str:
        """A readable summary.

        >>> ConsistencyReport(False, None, "Java not found; OWL consistency was NOT checked.", 0.0).text()
        'OWL (HermiT) skipped: Java not found; OWL consistency was NOT checked.'
        """
        if not self.checked:
            return f"OWL (HermiT) skipped: {self.skipped_reason}"
        if not self.consistent:
            out = [f"OWL: HermiT found the ontology plus data INCONSISTENT ({self.seconds:.1f} s)."]
            if self.explanation:
                out.append(self.explanation)
            return "\n".join(out)
        out = [f"OWL: HermiT found the ontology plus data consistent ({self.seconds:.1f} s)."]
        if self.unsatisfiable_classes:
            out.append("Classes that can have no members (unsatisfiable); fix their axioms:")
            out += [f"  {short_name(c)}" for c in self.unsatisfiable_classes]
        if self.inferred_types:
            out.append(f"Types HermiT inferred that the data does not state ({len(self.inferred_types)}):")
            out += [f"  {short_name(i)} a {short_name(c)}" for i, c in self.inferred_types]
        else:
            out.append("HermiT inferred no type beyond those stated.")
        return "\n".join(out)


_JAVA_HINT = "install a JRE (Debian: apt-get install default-jre-headless) to run HermiT"
_OWLREADY_HINT = "install it with: pip install 'tipgraph[owl]'"
# Reasoner memory; owlready2's own default (2000 MB) fits the seed and ~100k triples.
_JAVA_MEMORY_MB = 2000


def _skipped(reason: str, started: float, pid: int | None = None) -> ConsistencyReport:
    return ConsistencyReport(
        checked=False, consistent=None, skipped_reason=reason,
        seconds=time.monotonic() - started, worker_pid=pid,
    )


_META_TYPES = {
    OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.Ontology,
    OWL.NamedIndividual, OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty,
    OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.ReflexiveProperty, OWL.IrreflexiveProperty,
    OWL.AllDisjointClasses, OWL.AllDifferent, OWL.Restriction, OWL.AllDisjointProperties,
    RDFS.Class, RDFS.Datatype, RDF.Property, RDF.List, OWL.DeprecatedClass, OWL.DeprecatedProperty,
}


def _owl_input(data: Graph, ontology_path: Path) -> Graph:
    """Ontology plus data, tidied so owlready2 and HermiT read it as OWL 2 DL.

    * triples with a literal subject (some RDFS reasoners produce them) are dropped;
    * every class used in ``rdf:type`` but declared nowhere is declared an owl:Class
      (e.g. prov:Bundle on the graph descriptions);
    * every predicate declared nowhere becomes an owl:AnnotationProperty, so it cannot change
      the logic (annotation properties carry no semantics);
    * every IRI individual of the data is declared owl:NamedIndividual (owlready2 lists only those).
    """
    g = Graph()
    g.parse(ontology_path, format="turtle")
    data_subjects: set[rdflib.term.Node] = set()
    for s, p, o in _union_graph(data):
        if isinstance(s, Literal) or not isinstance(p, URIRef):
            continue
        g.add((s, p, o))
        data_subjects.add(s)

    declared_classes = set(g.subjects(RDF.type, OWL.Class)) | set(g.subjects(RDF.type, RDFS.Datatype))
    declared_props: set[rdflib.term.Node] = set()
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property):
        declared_props |= set(g.subjects(RDF.type, kind))
    builtin = (str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#")

    additions: list[tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]] = []
    for cls in set(g.objects(None, RDF.type)):
        if isinstance(cls, URIRef) and cls not in _META_TYPES and not str(cls).startswith(builtin):
            if cls not in declared_classes:
                additions.append((cls, RDF.type, OWL.Class))
                declared_classes.add(cls)
    for p in set(g.predicates()):
        if p not in declared_props and not str(p).startswith(builtin):
            additions.append((p, RDF.type, OWL.AnnotationProperty))
            declared_props.add(p)
    object_props = set(g.subjects(RDF.type, OWL.ObjectProperty))
    terms = declared_classes | declared_props | set(g.subjects(RDF.type, OWL.Ontology))
    # Individuals: IRI subjects of the data, typed or not, and IRI objects of object properties.
    individuals = {s for s in data_subjects if isinstance(s, URIRef)}
    individuals |= {o for p in object_props for o in g.objects(None, p) if isinstance(o, URIRef)}
    for ind in individuals - terms:
        additions.append((ind, RDF.type, OWL.NamedIndividual))
    for t in additions:
        g.add(t)
    return g


def _disjointness_hints(g: Graph) -> list[str]:
    """Individuals whose stated types (or types implied by rdfs:domain / rdfs:range) fall in
    two classes the ontology declares disjoint. A cheap, incomplete look for the usual cause."""
    supers: dict[rdflib.term.Node, set[rdflib.term.Node]] = {}

    def closure(c: rdflib.term.Node) -> set[rdflib.term.Node]:
        if c not in supers:
            seen, todo = {c}, [c]
            while todo:
                for sup in g.objects(todo.pop(), RDFS.subClassOf):
                    if isinstance(sup, URIRef) and sup not in seen:
                        seen.add(sup)
                        todo.append(sup)
            supers[c] = seen
        return supers[c]

    groups: list[list[rdflib.term.Node]] = []
    for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
        members = g.value(node, OWL.members)
        if members is not None:
            groups.append(list(Collection(g, members)))
    for a, b in g.subject_objects(OWL.disjointWith):
        groups.append([a, b])

    why: dict[rdflib.term.Node, dict[rdflib.term.Node, str]] = {}

    def note(ind: rdflib.term.Node, cls: rdflib.term.Node, reason: str) -> None:
        for c in closure(cls):
            why.setdefault(ind, {}).setdefault(c, reason)

    for ind, cls in g.subject_objects(RDF.type):
        if isinstance(ind, URIRef) and cls not in _META_TYPES:
            note(ind, cls, f"stated a {short_name(str(cls))}")
    for prop, dom in g.subject_objects(RDFS.domain):
        for s in g.subjects(prop, None):
            if isinstance(s, URIRef):
                note(s, dom, f"subject of {short_name(str(prop))}, whose domain is {short_name(str(dom))}")
    for prop, rng in g.subject_objects(RDFS.range):
        if (prop, RDF.type, OWL.ObjectProperty) not in g:
            continue
        for o in g.objects(None, prop):
            if isinstance(o, URIRef):
                note(o, rng, f"object of {short_name(str(prop))}, whose range is {short_name(str(rng))}")

    hints: list[str] = []
    for ind in sorted(why, key=str):
        types = why[ind]
        for group in groups:
            hit = [c for c in group if c in types]
            if len(hit) >= 2:
                a, b = hit[0], hit[1]
                hints.append(
                    f"{short_name(str(ind))} is both a {short_name(str(a))} ({types[a]}) and a "
                    f"{short_name(str(b))} ({types[b]}), which the ontology declares disjoint: "
                    "remove the wrong type or the wrong statement."
                )
    return hints


def _kill_group(pgid: int, sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _wait_exited(proc: subprocess.Popen[bytes], deadline: float) -> bool:
    """Wait until the worker exits or ``deadline`` passes; True if it exited.

    The exited worker is NOT reaped yet (WNOWAIT): while it is a zombie its pid cannot be
    reused, so killing its process group afterwards cannot hit an unrelated process.
    """
    if not hasattr(os, "waitid"):  # e.g. macOS: fall back to a reaping wait
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            return True
        except subprocess.TimeoutExpired:
            return False
    pause = 0.005
    while True:
        try:
            if os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return True
        except ChildProcessError:  # already reaped
            return True
        now = time.monotonic()
        if now >= deadline:
            return False
        time.sleep(min(pause, deadline - now))
        pause = min(pause * 2, 0.05)


# After a timeout the worker gets SIGTERM first: it then kills and reaps its Java child itself
# (a Java process orphaned by SIGKILL can stay a zombie where PID 1 does not reap). SIGKILL
# follows for whatever is left after this many seconds.
_TERM_GRACE = 3.0


def _tail(path: Path, limit: int = 2000) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return text[-limit:].strip()


def check_consistency(
    data: Graph | Dataset,
    *,
    ontology: Path | None = None,
    timeout: float = 120.0,
    java: str | None = None,
) -> ConsistencyReport:
    """Check that the ontology plus ``data`` is consistent, and classify, with HermiT.

    ``data`` may be a Graph or a Dataset (its union is used); ``ontology`` defaults to
    :func:`tipgraph.resources.ontology_file`. HermiT runs in a worker process group that is
    stopped after ``timeout`` seconds (SIGTERM, so the worker reaps its Java child, then
    SIGKILL for anything left up to 3 s later); the worker's temporary folder is always removed.

    Returns ``checked=False`` with a ``skipped_reason`` (never raises) when Java or owlready2
    is missing, when the time runs out, or when the reasoner fails; a caller that must not
    accept an unchecked result should test ``report.checked``.

    >>> check_consistency(rdflib.Graph(), java="/nonexistent/java").checked
    False
    """
    started = time.monotonic()
    java_exe = java if java is not None else shutil.which("java")
    if java_exe is None:
        return _skipped(f"Java not found on PATH: {_JAVA_HINT}; OWL consistency was NOT checked.", started)
    if not (os.path.isfile(java_exe) and os.access(java_exe, os.X_OK)):
        return _skipped(
            f"Java not found at {java_exe!r} (not an executable file): {_JAVA_HINT}, or pass the "
            "path of a working java; OWL consistency was NOT checked.",
            started,
        )
    if importlib.util.find_spec("owlready2") is None:
        return _skipped(
            f"owlready2 is not installed: {_OWLREADY_HINT}; OWL consistency was NOT checked.", started
        )

    owl_graph = _owl_input(data, Path(ontology) if ontology is not None else resources.ontology_file())
    workdir = Path(tempfile.mkdtemp(prefix="tipgraph-hermit-"))
    pid: int | None = None
    try:
        in_path, out_path = workdir / "input.nt", workdir / "result.json"
        owl_graph.serialize(destination=str(in_path), format="nt", encoding="utf-8")

        env = dict(os.environ)
        env.update(TMPDIR=str(workdir), TEMP=str(workdir), TMP=str(workdir))
        # Make `-m tipgraph._hermit` work from a source tree that is not installed too.
        src_dir = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (src_dir, env.get("PYTHONPATH")) if p)
        command = [
            sys.executable, "-m", "tipgraph._hermit",
            "--input", str(in_path), "--output", str(out_path),
            "--java", java_exe, "--memory", str(_JAVA_MEMORY_MB),
        ]
        stderr_path = workdir / "worker.log"
        with open(stderr_path, "wb") as log:
            proc = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                cwd=str(workdir), env=env, start_new_session=True,
            )
            pid = proc.pid  # with start_new_session the worker leads its own process group
            timed_out = False
            try:
                if not _wait_exited(proc, started + timeout):
                    timed_out = True
                    _kill_group(pid, signal.SIGTERM)
                    _wait_exited(proc, time.monotonic() + _TERM_GRACE)
            finally:
                # The worker is exited-but-unreaped or still running here, so its group id is
                # still ours: kill any stray member, then reap the worker.
                _kill_group(pid, signal.SIGKILL)
                proc.wait()
        if timed_out:
            return _skipped(
                f"HermiT did not finish within the timeout of {timeout:g} s and was stopped "
                "(its process group was killed); OWL consistency was NOT checked. Pass a "
                "larger timeout, or check a smaller part of the data.",
                started, pid,
            )

        if not out_path.exists():
            return _skipped(
                f"the HermiT worker exited with code {proc.returncode} without a result; "
                f"OWL consistency was NOT checked. Its output ends with:\n{_tail(stderr_path)}",
                started, pid,
            )
        result = json.loads(out_path.read_text(encoding="utf-8"))
        status = result.get("status")
        if status == "missing-owlready2":
            return _skipped(
                f"owlready2 cannot be imported by {sys.executable} ({result.get('message')}): "
                f"{_OWLREADY_HINT}; OWL consistency was NOT checked.",
                started, pid,
            )
        if status == "inconsistent":
            hints = _disjointness_hints(owl_graph)
            lines = [
                "HermiT proved that no world can satisfy both the ontology and the data: some "
                "statements contradict the ontology's axioms (disjoint classes, functional "
                "properties, domains and ranges).",
                f"HermiT said: {result.get('message') or 'inconsistent ontology'}.",
            ]
            if hints:
                lines.append("Likely causes (found by a simple check of stated types, domains and ranges):")
                lines += [f"  - {h}" for h in hints]
            else:
                lines.append(
                    "No simple cause was found; look for a functional property with two different "
                    "values, or open the data in Protégé and ask HermiT for an explanation."
                )
            return ConsistencyReport(
                checked=True, consistent=False, skipped_reason=None,
                seconds=time.monotonic() - started, explanation="\n".join(lines), worker_pid=pid,
            )
        if status == "consistent":
            return ConsistencyReport(
                checked=True, consistent=True, skipped_reason=None,
                seconds=time.monotonic() - started,
                inferred_types=[(i, c) for i, c in result.get("inferred_types", [])],
                unsatisfiable_classes=list(result.get("unsatisfiable_classes", [])),
                worker_pid=pid,
            )
        return _skipped(
            "HermiT failed, so OWL consistency was NOT checked (is the java given a working "
            f"Java 8+ runtime?). Error: {str(result.get('message')).strip()}\n"
            f"Worker output ends with:\n{_tail(stderr_path)}",
            started, pid,
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
