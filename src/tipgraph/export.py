"""Serialise a store's facts to the standard RDF formats.

>>> from tipgraph.store import open_store
>>> s = open_store("memory:")
>>> s.load(b'<urn:s> <urn:p> "o" <urn:g> .\\n')
>>> serialise(s, "nt")
b'<urn:s> <urn:p> "o" .\\n'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

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
    dumped = store.dump(exclude=exclude)
    if format == "nquads" and store.backend == "oxigraph":
        return dumped  # written by the engine's own N-Quads serialiser: parsing it again checks nothing
    quads = ox.parse(dumped, format=ox.RdfFormat.N_QUADS)
    if keeps_graphs:
        items: Iterable[ox.Quad] | list[ox.Triple] = quads  # streamed: 1M quads as objects took 1 GiB more
    else:
        seen = {q.triple for q in quads}
        items = sorted(seen, key=str)
    if format == "jsonld":
        return compact_jsonld(ox.serialize(items, format=ox_format) or b"[]", PREFIXES)
    if format in ("nt", "nquads"):
        return ox.serialize(items, format=ox_format) or b""
    return ox.serialize(items, format=ox_format, prefixes=PREFIXES) or b""


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def compact_jsonld(expanded: bytes, prefixes: Mapping[str, str]) -> bytes:
    """Expanded JSON-LD made compact: one ``@context`` of the prefixes, prefixed names for IRIs.

    Keys, ``@id`` and ``@type`` values become prefixed names, ``rdf:type`` becomes
    ``@type``, plain strings lose their ``@value`` wrapper and single values their list.
    The facts stay the same (the named graphs too).

    >>> out = compact_jsonld(b'[{"@id":"urn:x:a","http://e.org/ns#p":[{"@value":"v"}],'
    ...                      b'"http://www.w3.org/1999/02/22-rdf-syntax-ns#type":[{"@id":"http://e.org/ns#C"}]}]',
    ...                      {"ex": "http://e.org/ns#"})
    >>> json.loads(out)
    {'@context': {'ex': 'http://e.org/ns#'}, '@graph': [{'@id': 'urn:x:a', 'ex:p': 'v', '@type': 'ex:C'}]}
    """
    spaces = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))

    def curie(iri: str) -> str:
        for prefix, ns in spaces:
            if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    def one(values: list[Any]) -> Any:
        return values[0] if len(values) == 1 else values

    def value(v: dict[str, Any]) -> Any:
        if "@id" in v and len(v) == 1:
            return {"@id": curie(v["@id"])}
        if "@value" in v:
            if set(v) == {"@value"} or (set(v) == {"@value", "@type"} and v["@type"] == _XSD_STRING):
                return v["@value"]
            out = dict(v)
            if "@type" in out:
                out["@type"] = curie(out["@type"])
            return out
        return node(v)

    def node(obj: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, vals in obj.items():
            if key == "@id":
                out["@id"] = curie(vals)
            elif key == "@graph":
                out["@graph"] = [node(x) for x in vals]
            elif key == "@type":
                out["@type"] = one([curie(t) for t in vals])
            elif key == _RDF_TYPE and all(set(v) == {"@id"} for v in vals):
                out["@type"] = one([curie(v["@id"]) for v in vals])
            elif key.startswith("@"):
                out[key] = vals
            else:
                out[curie(key)] = one([value(v) for v in vals])
        return out

    doc = json.loads(expanded)
    items = doc if isinstance(doc, list) else [doc]
    used = dict(prefixes)
    compact = {"@context": used, "@graph": [node(x) for x in items]}
    return json.dumps(compact, ensure_ascii=False, indent=1).encode("utf-8")
