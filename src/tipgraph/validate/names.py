"""How the reports write nodes: prefixed names where a known prefix fits, ``<iri>`` otherwise.

>>> short_name(str(TGD["prg-0002"]))
'tgd:prg-0002'
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, XSD, NamespaceManager
from rdflib.term import Node

from ..namespace import TG, TGD, TGG

__all__ = ["PREFIXES", "TGSH", "short_name", "term_text"]

#: The SHACL shapes' own names (``ontology/shapes.ttl``).
TGSH = Namespace("https://w3id.org/tipgraph/shapes#")

#: Prefixes used to print node names in reports.
PREFIXES: dict[str, str] = {
    "tg": str(TG),
    "tgd": str(TGD),
    "tgg": str(TGG),
    "tgsh": str(TGSH),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "sh": str(SH),
    "schema": str(SDO),
    "org": str(ORG),
    "foaf": str(FOAF),
}


@lru_cache(maxsize=1)
def _namespace_manager() -> NamespaceManager:
    nsm = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        nsm.bind(prefix, ns, override=True, replace=True)
    return nsm


def short_name(iri: str) -> str:
    """Write an IRI as a prefixed name when a known prefix fits, else as ``<iri>``.

    >>> short_name("https://w3id.org/tipgraph/id/prg-0002")
    'tgd:prg-0002'
    >>> short_name("http://example.org/x")
    '<http://example.org/x>'
    """
    if iri.startswith("_:"):
        return iri
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            local = iri[len(ns):]
            # Only plain local names; anything odd is printed in full so it stays unambiguous.
            if local and all(ch.isalnum() or ch in "-_." for ch in local) and not local.endswith("."):
                return f"{prefix}:{local}"
    return f"<{iri}>"


def term_text(term: Node) -> str:
    """Any RDF term as the reports write it.

    >>> term_text(Literal(30, datatype=XSD.nonNegativeInteger))
    '"30"^^xsd:nonNegativeInteger'
    """
    if isinstance(term, URIRef):
        return short_name(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return term.n3(_namespace_manager())
    return str(term)
