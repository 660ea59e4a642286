"""Terms written as N-Triples text: the one serialiser the stores' bulk paths use.

An IRI is checked before it is written (no character that would end or escape it),
and a literal's text is escaped, so a value can never change a statement's meaning.

>>> iri_ref("https://w3id.org/tipgraph/id/org-0001")
'<https://w3id.org/tipgraph/id/org-0001>'
>>> iri_ref("http://x> <y")
Traceback (most recent call last):
...
ValueError: not a valid IRI: 'http://x> <y'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib.term import Node

_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def iri_ref(iri: str) -> str:
    """``<iri>``, refusing characters that IRIREF does not allow."""
    if not iri or _BAD_IRI.search(iri):
        raise ValueError(f"not a valid IRI: {iri!r}")
    return f"<{iri}>"


def ntriples(triples: Iterable[tuple[Node, Node, Node]]) -> bytes:
    """rdflib triples as N-Triples bytes (rdflib's own escaping of literals)."""
    return "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in triples).encode("utf-8")


def nquads(quads: Iterable[tuple[Node, Node, Node, Node]]) -> bytes:
    """rdflib quads as N-Quads bytes.

    >>> from rdflib import URIRef, Literal
    >>> nquads([(URIRef("urn:s"), URIRef("urn:p"), Literal('a "b"'), URIRef("urn:g"))])
    b'<urn:s> <urn:p> "a \\\\"b\\\\"" <urn:g> .\\n'
    """
    return "".join(f"{s.n3()} {p.n3()} {o.n3()} {g.n3()} .\n" for s, p, o, g in quads).encode("utf-8")
