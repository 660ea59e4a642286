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


#: Suffixes of the RDF files that :func:`data_files` collects.
DATA_SUFFIXES = frozenset({".trig", ".ttl", ".nq", ".nt"})


def data_files(root: Path | None = None) -> list[Path]:
    """Every curated data file under ``root`` (default :func:`data_dir`), in every sub-folder.

    The layout is ``sources/<id>.trig`` (one source document each) and ``entities/*.trig``
    (the entities many sources share). Files are sorted by their path below ``root``, so
    the order is the same on every machine; hidden files and folders are skipped.

    >>> sorted({p.parent.name for p in data_files()})
    ['entities', 'sources']
    """
    base = data_dir() if root is None else Path(root)
    found = (p for p in base.rglob("*") if p.suffix in DATA_SUFFIXES and p.is_file()
             and not any(part.startswith(".") for part in p.relative_to(base).parts))
    return sorted(found, key=lambda p: p.relative_to(base).as_posix())
