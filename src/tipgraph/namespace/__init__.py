"""Namespaces: ``TG`` for the ontology (generated, closed) and ``TGD`` for curated identifiers,
the one prefix table (:data:`PREFIXES`) and the one way to shorten and expand IRIs.

>>> TG.implements
rdflib.term.URIRef('https://w3id.org/tipgraph/ontology#implements')
>>> shorten(TG.implements)
'tg:implements'
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import BNode, URIRef
from rdflib.namespace import Namespace
from rdflib.term import Node

from ..resources import GRAPH_NS, ID_NS
from ._TG import TG

#: Identifiers of curated entities, e.g. ``TGD["org-0001"]`` (UNODC).
TGD = Namespace(ID_NS)
#: Names of the store's special graphs (ontology, inferred).
TGG = Namespace(GRAPH_NS)
#: The SHACL shapes' own names (``ontology/shapes.ttl``).
TGSH = Namespace("https://w3id.org/tipgraph/shapes#")

#: Prefixes bound in query results, exports and maps.
PREFIXES = {
    "tg": "https://w3id.org/tipgraph/ontology#",
    "tgd": ID_NS,
    "tgg": GRAPH_NS,
    "tgsh": str(TGSH),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "wd": "http://www.wikidata.org/entity/",
    "sh": "http://www.w3.org/ns/shacl#",
}

#: Longest namespace first, so a prefix that is the start of another never wins wrongly.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


#: The namespaces that no other namespace starts with: an IRI in one of them is in no longer one.
_LEAST = frozenset(ns for _, ns in _BY_LENGTH if not any(o != ns and o.startswith(ns) for _, o in _BY_LENGTH))


def shortener() -> Callable[[str], str]:
    """:func:`shorten` for many IRIs given as strings, most of them in the same few namespaces:
    the namespace of the last one shortened is tried first.

    >>> short = shortener()
    >>> short("https://w3id.org/tipgraph/id/org-0001"), short("https://w3id.org/tipgraph/id/prg-0002")
    ('tgd:org-0001', 'tgd:prg-0002')
    """
    last: list[str] = ["", ""]   # the namespace last found, if no longer one starts with it; its prefix

    def short(iri: str) -> str:
        ns = last[0]
        if ns and iri.startswith(ns) and len(iri) > len(ns):
            return f"{last[1]}:{iri[len(ns):]}"
        text = shorten(iri)
        if text != iri:
            prefix, _, local = text.partition(":")
            ns = iri[:len(iri) - len(local)]
            if ns in _LEAST:
                last[:] = [ns, prefix]
        return text

    return short


def shorten(term: Node | str | None, *, brackets: bool = False) -> str:
    """A term as text: a prefixed name for IRIs in :data:`PREFIXES`, else the IRI or lexical form.

    With ``brackets`` (as reports write nodes) only plain local names are shortened and any
    other IRI is written ``<iri>``, so every name stays unambiguous.

    >>> shorten(URIRef("https://w3id.org/tipgraph/id/org-0001"))
    'tgd:org-0001'
    >>> shorten(URIRef("urn:x")), shorten("urn:x", brackets=True)
    ('urn:x', '<urn:x>')
    """
    if brackets and isinstance(term, str) and not isinstance(term, BNode) and not hasattr(term, "language"):
        text = str(term)
        if text.startswith("_:"):
            return text
        for prefix, ns in _BY_LENGTH:
            local = text[len(ns):]
            if text.startswith(ns) and local and not local.endswith(".") and \
                    all(ch.isalnum() or ch in "-_." for ch in local):
                return f"{prefix}:{local}"
        return f"<{text}>"
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, (URIRef, str)) and not hasattr(term, "language"):
        text = str(term)
        for prefix, ns in _BY_LENGTH:
            if text.startswith(ns) and len(text) > len(ns):
                return f"{prefix}:{text[len(ns):]}"
        return text
    return str(term)


def expand(text: str) -> URIRef | None:
    """An IRI from ``<iri>``, ``http(s)://...``, ``urn:...`` or a known prefixed name; else None.

    >>> expand("tgd:org-0001")
    rdflib.term.URIRef('https://w3id.org/tipgraph/id/org-0001')
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if text.startswith(("http://", "https://", "urn:")):
        return URIRef(text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and " " not in local:
        return URIRef(PREFIXES[prefix] + local)
    return None


__all__ = ["PREFIXES", "TG", "TGD", "TGG", "TGSH", "expand", "shorten", "shortener"]
