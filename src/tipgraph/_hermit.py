"""Worker process that runs HermiT through owlready2; started by :func:`tipgraph.validate.check_consistency`.

Not a public API. It is a separate process because owlready2's Java call has no timeout and
leaves temporary files behind on error: the parent starts this module in a new process
group with ``TMPDIR`` pointing at a private folder, kills the whole group when the time is
up and deletes the folder afterwards.

Usage::

    python -m tipgraph._hermit --input IN.nt --output OUT.json [--java JAVA] [--memory MB]

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
import signal
import sys
import time
import traceback
from typing import Any

_OWL_THING = "http://www.w3.org/2002/07/owl#Thing"
_OWL_NOTHING = "http://www.w3.org/2002/07/owl#Nothing"


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
    # reaps the Java process, so no orphan is left behind.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _on_sigterm)
    parser = argparse.ArgumentParser(prog="python -m tipgraph._hermit", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="ontology + data as N-Triples")
    parser.add_argument("--output", required=True, help="where to write the JSON result")
    parser.add_argument("--java", default=None, help="the java executable (default: owlready2's 'java')")
    parser.add_argument("--memory", type=int, default=None, help="Java heap for HermiT in MB")
    args = parser.parse_args(argv)
    try:
        result = run(args.input, args.java, args.memory)
    except Exception as exc:  # report anything unexpected through the result file
        result = {
            "status": "error",
            "message": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(),
            "inferred_types": [],
            "unsatisfiable_classes": [],
        }
    _write(args.output, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
