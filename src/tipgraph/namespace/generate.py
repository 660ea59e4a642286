"""Generate ``_TG.py``, the :class:`rdflib.namespace.DefinedNamespace` of the ontology.

Run ``python -m tipgraph.namespace`` after changing ``ontology/tipgraph.ttl``;
``tests/test_namespace.py`` fails while the generated module is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ..resources import TG_NS, ontology_file

_KINDS = [
    (OWL.Class, "Classes"),
    (OWL.ObjectProperty, "Object properties"),
    (OWL.DatatypeProperty, "Datatype properties"),
    (OWL.NamedIndividual, "Individuals"),
]


def render(ontology: Path | None = None) -> str:
    """The source text of ``_TG.py`` for the given ontology file.

    >>> "engagedOrganisation: URIRef" in render()
    True
    """
    g = Graph().parse(ontology or ontology_file(), format="turtle")
    lines = [
        '"""The tipgraph ontology as an rdflib DefinedNamespace.',
        "",
        "Generated from ontology/tipgraph.ttl by ``python -m tipgraph.namespace``;",
        "do not edit by hand.",
        '"""',
        "",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "from rdflib.term import URIRef",
        "",
        "",
        "class TG(DefinedNamespace):",
        '    """tipgraph ontology: https://w3id.org/tipgraph/ontology#"""',
        "",
        "    _fail = True",
        "",
    ]
    done: set[URIRef] = set()
    for kind, title in _KINDS:
        terms = sorted(
            t for t in g.subjects(RDF.type, kind)
            if isinstance(t, URIRef) and str(t).startswith(TG_NS) and t not in done
        )
        if not terms:
            continue
        lines.append(f"    # {title}")
        for t in terms:
            done.add(t)
            label = g.value(t, RDFS.label) or g.value(t, SKOS.prefLabel) or ""
            definition = " ".join(str(g.value(t, SKOS.definition) or "").split())
            lines.append(f"    {str(t)[len(TG_NS):]}: URIRef  # {label}: {definition}"[:200].rstrip())
        lines.append("")
    lines.append(f'    _NS = Namespace("{TG_NS}")')
    lines.append("")
    return "\n".join(lines)


def target() -> Path:
    """Where the generated module lives."""
    return Path(__file__).with_name("_TG.py")


def main() -> int:
    """Write ``_TG.py`` and say where."""
    target().write_text(render(), encoding="utf-8")
    print(f"wrote {target()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
