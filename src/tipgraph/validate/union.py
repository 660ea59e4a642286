"""The data as one plain graph: a Dataset becomes the union of all its named graphs.

>>> from rdflib import URIRef
>>> ds = Dataset()
>>> _ = ds.graph(URIRef("urn:g1")).add((URIRef("urn:a"), URIRef("urn:p"), URIRef("urn:b")))
>>> _ = ds.graph(URIRef("urn:g2")).add((URIRef("urn:b"), URIRef("urn:p"), URIRef("urn:c")))
>>> len(union_graph(ds))
2
"""

from __future__ import annotations

from rdflib import Dataset, Graph

__all__ = ["union_graph"]


def union_graph(data: Graph | Dataset) -> Graph:
    """``data`` itself for a plain Graph; for a Dataset a new Graph holding every graph's triples."""
    quads = getattr(data, "quads", None)  # Dataset (and ConjunctiveGraph) only
    if quads is None or not getattr(data, "context_aware", False):
        return data
    union = Graph()
    union.addN((s, p, o, union) for s, p, o, _ in quads((None, None, None, None)))
    return union
