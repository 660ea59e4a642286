"""How the reports write nodes: prefixed names where a known prefix fits, ``<iri>`` otherwise.

>>> short_name(str(TGD["prg-0002"]))
'tgd:prg-0002'
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD, NamespaceManager  # noqa: F401 (XSD: the doctest below)
from rdflib.term import Node

from ..namespace import PREFIXES, TGD, TGSH, shorten  # noqa: F401 (TGD: the doctest above)

__all__ = ["PREFIXES", "TGSH", "short_name", "term_text"]


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
    return shorten(iri, brackets=True)


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
