"""Where the ontology, shapes, named queries, rules and curated data live.

In a wheel they are packaged under ``tipgraph/_resources``; in a source checkout
(editable install) they are read from the repository's ``ontology/`` and ``data/``.

>>> ontology_file().name
'tipgraph.ttl'
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

ONTOLOGY_IRI = "https://w3id.org/tipgraph/ontology"
TG_NS = "https://w3id.org/tipgraph/ontology#"
ID_NS = "https://w3id.org/tipgraph/id/"
GRAPH_NS = "https://w3id.org/tipgraph/graph/"
ONTOLOGY_GRAPH = GRAPH_NS + "ontology"
INFERRED_GRAPH = GRAPH_NS + "inferred"


@lru_cache(maxsize=1)
def _root() -> Path:
    packaged = Path(__file__).resolve().parent / "_resources"
    if (packaged / "ontology").is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(
        "tipgraph cannot find its ontology/ folder: the installation is incomplete; reinstall the package"
    )


def ontology_dir() -> Path:
    """The folder holding ``tipgraph.ttl``, ``shapes.ttl``, ``queries/`` and ``rules/``."""
    return _root() / "ontology"


def data_dir() -> Path:
    """The folder of curated data files (TriG), one named graph per source document."""
    return _root() / "data"


def ontology_file() -> Path:
    """The OWL ontology in Turtle."""
    return ontology_dir() / "tipgraph.ttl"


def shapes_file() -> Path:
    """The SHACL shapes in Turtle."""
    return ontology_dir() / "shapes.ttl"


def queries_dir() -> Path:
    """The named SPARQL queries (competency questions), one ``.rq`` file each."""
    return ontology_dir() / "queries"


def rules_dir() -> Path:
    """The SPARQL CONSTRUCT rules that derive the shortcut triples."""
    return ontology_dir() / "rules"


def data_files() -> list[Path]:
    """Every curated data file, sorted by name."""
    return sorted(p for p in data_dir().glob("*") if p.suffix in {".trig", ".ttl", ".nq", ".nt"})
