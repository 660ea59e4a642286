"""Serialise a store's facts to the standard RDF formats.

>>> from tipgraph.store import open_store
>>> s = open_store("memory:")
>>> s.load(b'<urn:s> <urn:p> "o" <urn:g> .\\n')
>>> serialise(s, "nt")
b'<urn:s> <urn:p> "o" .\\n'
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from .errors import UnknownNameError
from .namespace import PREFIXES
from .store import Store

#: Export formats: name -> (Oxigraph format, keeps named graphs)
EXPORT_FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, False),
    "nt": (ox.RdfFormat.N_TRIPLES, False),
    "trig": (ox.RdfFormat.TRIG, True),
    "nquads": (ox.RdfFormat.N_QUADS, True),
    "jsonld": (ox.RdfFormat.JSON_LD, True),
}
SUFFIXES = {".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".nq": "nquads", ".jsonld": "jsonld",
            ".json": "jsonld"}


def format_for(path: str | Path | None, format: str | None = None) -> str:
    """The export format named, or the one a file suffix implies (TriG by default).

    >>> format_for("out/x.ttl")
    'turtle'
    """
    if format is None:
        format = SUFFIXES.get(Path(path).suffix.lower(), "trig") if path else "trig"
    if format not in EXPORT_FORMATS:
        raise UnknownNameError("export format", format, list(EXPORT_FORMATS))
    return format


def serialise(store: Store, format: str = "trig", *, exclude: Iterable[str] = ()) -> bytes:
    """The store's facts (less the graphs in ``exclude``) in ``format``.

    ``trig``, ``nquads`` and ``jsonld`` keep the named graphs; ``turtle`` and ``nt`` merge
    them, each fact once.
    """
    ox_format, keeps_graphs = EXPORT_FORMATS[format_for(None, format)]
    quads = ox.parse(store.dump(exclude=exclude), format=ox.RdfFormat.N_QUADS)
    if keeps_graphs:
        items: list[ox.Quad] | list[ox.Triple] = list(quads)
    else:
        seen = {q.triple for q in quads}
        items = sorted(seen, key=str)
    if format in ("nt", "nquads", "jsonld"):
        return ox.serialize(items, format=ox_format) or b""
    return ox.serialize(items, format=ox_format, prefixes=PREFIXES) or b""
