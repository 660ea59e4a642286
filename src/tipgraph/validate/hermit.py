"""OWL consistency: run HermiT (through owlready2) on the ontology plus the data, in a worker.

owlready2 starts Java without a time limit and leaves temporary files behind on error, so
HermiT runs in the worker :mod:`tipgraph.validate._worker`, started through
:func:`tipgraph.process.run_group`: it leads its own process group, which is stopped at the
deadline, and it dies with its parent, taking Java with it. Its temporary folder comes from
:func:`tipgraph.validate.workdir.hermit_workdir`. When HermiT cannot run (no Java, no owlready2,
time-out, reasoner crash) the report says so with ``checked=False`` and a ``skipped_reason``;
it never raises for that.

>>> ConsistencyReport(False, None, "Java not found.", 0.0).checked
False
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph

from tipgraph import resources
from tipgraph.process import run_group

from .hints import disjointness_hints
from .imports import skipped_lines
from .names import short_name
from .owl_input import owl_input
from .workdir import hermit_workdir

__all__ = ["ConsistencyReport", "check_consistency"]

_WORKER = "tipgraph.validate._worker"
_JAVA_HINT = "install a JRE (Debian: apt-get install default-jre-headless) to run HermiT"
_OWLREADY_HINT = "install it with: pip install 'tipgraph[owl]'"
# Reasoner memory; owlready2's own default (2000 MB) fits the seed and ~100k triples.
_JAVA_MEMORY_MB = 2000


@dataclass
class ConsistencyReport:
    """The outcome of :func:`check_consistency`.

    ``checked`` is False when HermiT did not give an answer (then ``consistent`` is None and
    ``skipped_reason`` says why and what to do). ``inferred_types`` lists (individual IRI,
    class IRI) pairs where HermiT found a most specific class that the data did not assert.
    ``explanation`` is filled for an inconsistent result; ``worker_pid`` is the process id
    (and process group id) of the worker, for diagnostics and tests. ``skipped_imports``
    lists the ``owl:imports`` removed from HermiT's input (imports are never followed).
    """

    checked: bool
    consistent: bool | None
    skipped_reason: str | None
    seconds: float
    inferred_types: list[tuple[str, str]] = field(default_factory=list)
    unsatisfiable_classes: list[str] = field(default_factory=list)
    explanation: str | None = None
    worker_pid: int | None = None
    skipped_imports: list[str] = field(default_factory=list)

    def text(self) -> str:
        """A readable summary, then one line per skipped import.

        >>> ConsistencyReport(False, None, "Java not found; OWL consistency was NOT checked.", 0.0).text()
        'OWL (HermiT) skipped: Java not found; OWL consistency was NOT checked.'
        >>> print(ConsistencyReport(True, True, None, 1.0, skipped_imports=["file:///etc/x"]).text())
        OWL: HermiT found the ontology plus data consistent (1.0 s).
        HermiT inferred no type beyond those stated.
        skipped owl:imports <file:///etc/x>: imports are never followed
        """
        if not self.checked:
            out = [f"OWL (HermiT) skipped: {self.skipped_reason}"]
        elif not self.consistent:
            out = [f"OWL: HermiT found the ontology plus data INCONSISTENT ({self.seconds:.1f} s)."]
            if self.explanation:
                out.append(self.explanation)
        else:
            out = [f"OWL: HermiT found the ontology plus data consistent ({self.seconds:.1f} s)."]
            if self.unsatisfiable_classes:
                out.append("Classes that can have no members (unsatisfiable); fix their axioms:")
                out += [f"  {short_name(c)}" for c in self.unsatisfiable_classes]
            if self.inferred_types:
                out.append(f"Types HermiT inferred that the data does not state ({len(self.inferred_types)}):")
                out += [f"  {short_name(i)} a {short_name(c)}" for i, c in self.inferred_types]
            else:
                out.append("HermiT inferred no type beyond those stated.")
        out += skipped_lines(self.skipped_imports)
        return "\n".join(out)


def _tail(path: Path, limit: int = 2000) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return text[-limit:].strip()


def _explain_inconsistency(owl_graph: Graph, message: str | None) -> str:
    hints = disjointness_hints(owl_graph)
    lines = [
        "HermiT proved that no world can satisfy both the ontology and the data: some "
        "statements contradict the ontology's axioms (disjoint classes, functional "
        "properties, domains and ranges).",
        f"HermiT said: {message or 'inconsistent ontology'}.",
    ]
    if hints:
        lines.append("Likely causes (found by a simple check of stated types, domains and ranges):")
        lines += [f"  - {h}" for h in hints]
    else:
        lines.append(
            "No simple cause was found; look for a functional property with two different "
            "values, or open the data in Protégé and ask HermiT for an explanation."
        )
    return "\n".join(lines)


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
    stopped ``timeout`` seconds after the call began (SIGTERM, so the worker reaps its Java
    child, then SIGKILL for anything left); the worker's temporary folder is always removed.
    ``owl:imports`` are removed from HermiT's input and listed in ``skipped_imports``.

    Returns ``checked=False`` with a ``skipped_reason`` (never raises) when Java or owlready2
    is missing, when the time runs out, or when the reasoner fails; a caller that must not
    accept an unchecked result should test ``report.checked``.

    >>> check_consistency(Graph(), java="/nonexistent/java").checked
    False
    """
    started = time.monotonic()

    def skipped(reason: str, pid: int | None = None, imports: list[str] | None = None) -> ConsistencyReport:
        return ConsistencyReport(checked=False, consistent=None, skipped_reason=reason,
                                 seconds=time.monotonic() - started, worker_pid=pid,
                                 skipped_imports=imports or [])

    java_exe = java if java is not None else shutil.which("java")
    if java_exe is None:
        return skipped(f"Java not found on PATH: {_JAVA_HINT}; OWL consistency was NOT checked.")
    if not (os.path.isfile(java_exe) and os.access(java_exe, os.X_OK)):
        return skipped(
            f"Java not found at {java_exe!r} (not an executable file): {_JAVA_HINT}, or pass the "
            "path of a working java; OWL consistency was NOT checked."
        )
    if importlib.util.find_spec("owlready2") is None:
        return skipped(f"owlready2 is not installed: {_OWLREADY_HINT}; OWL consistency was NOT checked.")

    owl_graph, imports = owl_input(data, Path(ontology) if ontology is not None else resources.ontology_file())
    with hermit_workdir() as workdir:
        in_path, out_path, log_path = workdir / "input.nt", workdir / "result.json", workdir / "worker.log"
        owl_graph.serialize(destination=str(in_path), format="nt", encoding="utf-8")

        env = dict(os.environ)
        env.update(TMPDIR=str(workdir), TEMP=str(workdir), TMP=str(workdir))
        # Make `-m tipgraph.validate._worker` work from a source tree that is not installed too.
        src_dir = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (src_dir, env.get("PYTHONPATH")) if p)
        command = [
            sys.executable, "-m", _WORKER,
            "--input", str(in_path), "--output", str(out_path),
            "--java", java_exe, "--memory", str(_JAVA_MEMORY_MB),
            "--parent", str(os.getpid()), "--workdir", str(workdir),
        ]
        remaining = max(0.001, timeout - (time.monotonic() - started))
        run = run_group(command, timeout=remaining, cwd=workdir, env=env, log=log_path)
        pid = run.pid
        if run.timed_out:
            return skipped(
                f"HermiT did not finish within the timeout of {timeout:g} s and was stopped "
                "(its process group was killed); OWL consistency was NOT checked. Pass a "
                "larger timeout, or check a smaller part of the data.",
                pid, imports,
            )
        if not out_path.exists():
            return skipped(
                f"the HermiT worker exited with code {run.returncode} without a result; "
                f"OWL consistency was NOT checked. Its output ends with:\n{_tail(log_path)}",
                pid, imports,
            )
        result = json.loads(out_path.read_text(encoding="utf-8"))
        status = result.get("status")
        if status == "missing-owlready2":
            return skipped(
                f"owlready2 cannot be imported by {sys.executable} ({result.get('message')}): "
                f"{_OWLREADY_HINT}; OWL consistency was NOT checked.",
                pid, imports,
            )
        if status == "inconsistent":
            return ConsistencyReport(
                checked=True, consistent=False, skipped_reason=None, seconds=time.monotonic() - started,
                explanation=_explain_inconsistency(owl_graph, result.get("message")), worker_pid=pid,
                skipped_imports=imports,
            )
        if status == "consistent":
            return ConsistencyReport(
                checked=True, consistent=True, skipped_reason=None, seconds=time.monotonic() - started,
                inferred_types=[(i, c) for i, c in result.get("inferred_types", [])],
                unsatisfiable_classes=list(result.get("unsatisfiable_classes", [])),
                worker_pid=pid, skipped_imports=imports,
            )
        return skipped(
            "HermiT failed, so OWL consistency was NOT checked (is the java given a working "
            f"Java 8+ runtime?). Error: {str(result.get('message')).strip()}\n"
            f"Worker output ends with:\n{_tail(log_path)}",
            pid, imports,
        )
