"""Worker process that runs HermiT through owlready2; started by :func:`tipgraph.validate.check_consistency`.

Not a public API. It is a separate process because owlready2's Java call has no timeout and
leaves temporary files behind on error: the parent starts this module through
:func:`tipgraph.process.run_group` (a new process group, stopped at the deadline) with
``TMPDIR`` pointing at a private folder, and deletes the folder afterwards.

The worker dies with its parent and takes Java with it: it asks the kernel for SIGTERM when
the parent dies, and SIGTERM unwinds through owlready2's ``subprocess`` call, which kills and
reaps Java. When the parent is gone (killed), the worker also removes the ``--workdir``
folder itself, since nobody else will.

Usage::

    python -m tipgraph.validate._worker --input IN.nt --output OUT.json [--java JAVA] [--memory MB]
                                        [--parent PID] [--workdir DIR]

``IN.nt`` holds ontology plus data as N-Triples. ``OUT.json`` receives one object::

    {"status": "consistent" | "inconsistent" | "error" | "missing-owlready2",
     "message": str, "seconds": float,
     "inferred_types": [[individual IRI, class IRI], ...],
     "unsatisfiable_classes": [class IRI, ...]}

The exit code is 0 whenever ``OUT.json`` was written, whatever the status.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import threading
import time
import traceback
from typing import Any

from rdflib.namespace import OWL

from tipgraph.process import TERM_GRACE, die_with_parent, kill_group

_OWL_THING = str(OWL.Thing)
_OWL_NOTHING = str(OWL.Nothing)


def _write(path: str, result: dict[str, Any]) -> None:
    # Write then rename, so the parent never reads a half-written file.
    partial = path + ".partial"
    with open(partial, "w", encoding="utf-8") as fh:
        json.dump(result, fh)
    os.replace(partial, path)


def _class_iris(entity: Any, owlready2: Any) -> set[str]:
    """IRIs of the named classes in ``entity.is_a`` (restrictions and other constructs are skipped)."""
    return {c.iri for c in entity.is_a if isinstance(c, owlready2.ThingClass)}


def run(input_path: str, java: str | None, memory_mb: int | None) -> dict[str, Any]:
    """Load ``input_path`` into a fresh owlready2 World, run HermiT and describe the outcome."""
    started = time.monotonic()
    result: dict[str, Any] = {"inferred_types": [], "unsatisfiable_classes": [], "message": ""}
    try:
        import owlready2
    except ImportError as exc:
        result.update(status="missing-owlready2", message=str(exc))
        return result

    if java:
        owlready2.JAVA_EXE = java
    if memory_mb:
        owlready2.reasoning.JAVA_MEMORY = memory_mb

    world = owlready2.World()
    with open(input_path, "rb") as fh:
        onto = world.get_ontology("urn:tipgraph:consistency-check#").load(fileobj=fh, format="ntriples")

    # The parent declares every data individual an owl:NamedIndividual, so this finds them all.
    individuals = list(world.individuals())
    asserted = {ind.iri: _class_iris(ind, owlready2) for ind in individuals}

    try:
        with onto:
            owlready2.sync_reasoner_hermit(
                world,
                infer_property_values=False,
                debug=1,  # progress lines go to stderr, which the parent keeps for error reports
                ignore_unsupported_datatypes=True,  # HermiT aborts on xsd:date otherwise
            )
    except owlready2.OwlReadyInconsistentOntologyError as exc:
        result.update(status="inconsistent", message=str(exc))
        result["seconds"] = time.monotonic() - started
        return result
    except owlready2.OwlReadyJavaError as exc:
        result.update(status="error", message=str(exc))
        result["seconds"] = time.monotonic() - started
        return result

    inferred: list[list[str]] = []
    for ind in individuals:
        for cls in sorted(_class_iris(ind, owlready2) - asserted[ind.iri] - {_OWL_THING}):
            inferred.append([ind.iri, cls])
    unsatisfiable = sorted(
        c.iri for c in world.inconsistent_classes()
        if getattr(c, "iri", None) and c.iri != _OWL_NOTHING
    )
    result.update(status="consistent", inferred_types=sorted(inferred), unsatisfiable_classes=unsatisfiable)
    result["seconds"] = time.monotonic() - started
    return result


def _on_sigterm(signum: int, frame: object) -> None:
    # Raising here unwinds through subprocess.run inside owlready2, which then kills and
    # reaps the Java process, so no orphan (or zombie) is left behind. Should the unwinding
    # hang (e.g. stuck in native code), kill the whole group, this process and Java included.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one must not interrupt reaping Java
    stopper = threading.Timer(TERM_GRACE, kill_group, args=(os.getpgid(0),))
    stopper.daemon = True
    stopper.start()
    raise SystemExit(128 + signum)


def _orphaned(parent: int | None) -> bool:
    return parent is not None and os.getppid() != parent


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _on_sigterm)
    # run_group asked for SIGKILL on the parent's death; SIGTERM instead lets this process
    # stop Java first (a SIGKILLed worker would leave Java running).
    die_with_parent(signal.SIGTERM)
    parser = argparse.ArgumentParser(prog="python -m tipgraph.validate._worker",
                                     description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--input", required=True, help="ontology + data as N-Triples")
    parser.add_argument("--output", required=True, help="where to write the JSON result")
    parser.add_argument("--java", default=None, help="the java executable (default: owlready2's 'java')")
    parser.add_argument("--memory", type=int, default=None, help="Java heap for HermiT in MB")
    parser.add_argument("--parent", type=int, default=None, help="pid of the parent; stop when it is gone")
    parser.add_argument("--workdir", default=None, help="folder to remove if the parent dies first")
    args = parser.parse_args(argv)
    try:
        if _orphaned(args.parent):  # the parent died before PDEATHSIG was armed
            raise SystemExit(128 + signal.SIGTERM)
        try:
            result = run(args.input, args.java, args.memory)
        except Exception as exc:  # noqa: BLE001 - anything unexpected is reported through the result file
            result = {
                "status": "error",
                "message": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(),
                "inferred_types": [],
                "unsatisfiable_classes": [],
            }
        _write(args.output, result)
    finally:
        if args.workdir and _orphaned(args.parent):
            shutil.rmtree(args.workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
