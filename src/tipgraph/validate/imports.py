"""``owl:imports`` are never followed: find them, strip them, and say which were skipped.

A data file may name any web address or local file in ``owl:imports``. Following it would make
validation fetch from the network (owlready2 GETs an http import of the ontology it loads, and
HermiT's OWL API resolves imports too) or read local files (``file:`` imports). So pySHACL runs
with its import loading off, every ``owl:imports`` triple is removed from the OWL input given to
HermiT, and both reports list the imports that were skipped.

>>> from rdflib import URIRef
>>> g = Graph()
>>> g.add((URIRef("http://example.org/o"), OWL.imports, URIRef("http://example.org/i")))  # doctest: +ELLIPSIS
<Graph ...>
>>> strip_imports(g), len(g)
(['http://example.org/i'], 0)
>>> skipped_lines(["http://example.org/i"])
['skipped owl:imports <http://example.org/i>: imports are never followed']
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph
from rdflib.namespace import OWL

__all__ = ["find_imports", "skipped_lines", "strip_imports"]


def find_imports(*graphs: Graph | None) -> list[str]:
    """The objects of every ``owl:imports`` triple in ``graphs``, sorted, each once."""
    found = {str(o) for g in graphs if g is not None for o in g.objects(None, OWL.imports)}
    return sorted(found)


def strip_imports(graph: Graph) -> list[str]:
    """Remove every ``owl:imports`` triple from ``graph`` (in place); return what they imported."""
    found = find_imports(graph)
    graph.remove((None, OWL.imports, None))
    return found


def skipped_lines(imports: Iterable[str]) -> list[str]:
    """One report line per skipped import."""
    return [f"skipped owl:imports <{i}>: imports are never followed" for i in imports]
