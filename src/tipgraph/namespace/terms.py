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


def _nt(term: Node) -> str:
    """One term as N-Triples writes it. A literal is written by :func:`sparql_term` (N-Triples
    literals are SPARQL's, one quoted line); rdflib's ``n3()`` writes a text with a line break
    in Turtle's triple quotes, which N-Triples does not have."""
    from rdflib import Literal

    return sparql_term(term) if isinstance(term, Literal) else term.n3()


def ntriples(triples: Iterable[tuple[Node, Node, Node]]) -> bytes:
    """rdflib triples as N-Triples bytes.

    >>> from rdflib import URIRef, Literal
    >>> ntriples([(URIRef("urn:s"), URIRef("urn:p"), Literal("two\\nlines"))])
    b'<urn:s> <urn:p> "two\\\\nlines" .\\n'
    """
    return "".join(f"{_nt(s)} {_nt(p)} {_nt(o)} .\n" for s, p, o in triples).encode("utf-8")


def nquads(quads: Iterable[tuple[Node, Node, Node, Node]]) -> bytes:
    """rdflib quads as N-Quads bytes.

    >>> from rdflib import URIRef, Literal
    >>> nquads([(URIRef("urn:s"), URIRef("urn:p"), Literal('a "b"'), URIRef("urn:g"))])
    b'<urn:s> <urn:p> "a \\\\"b\\\\"" <urn:g> .\\n'
    """
    return "".join(f"{_nt(s)} {_nt(p)} {_nt(o)} {_nt(g)} .\n" for s, p, o, g in quads).encode("utf-8")


_LANG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
#: What a SPARQL string literal may not hold as written (ECHAR escapes), and how it is written instead.
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ECHAR = re.compile(r'[\\"\n\r\t\b\f]')


def sparql_term(term: Node) -> str:
    r"""An IRI or a literal written as a SPARQL constant, for a query the engine plans with it.

    The IRI is validated (:func:`iri_ref`); a literal's text is escaped with SPARQL's ECHAR
    escapes, so a backslash is written ``\\`` and can never start a ``\u`` escape, and a
    quote or a line break can never end the string. Blank nodes raise ``ValueError`` (a
    ``_:b`` label in a query would be a variable, not that node).

    >>> from rdflib import Literal, URIRef
    >>> sparql_term(Literal('say "hi"\n', lang="en"))
    '"say \\"hi\\"\\n"@en'
    >>> sparql_term(Literal("5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")))
    '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        return iri_ref(str(term))
    if not isinstance(term, Literal):
        raise ValueError(f"cannot write {type(term).__name__} {term!r} as a SPARQL constant")
    text = str(term)
    text.encode("utf-8")  # a lone surrogate is no text the engine can read: UnicodeEncodeError (a ValueError)
    body = '"' + _NEEDS_ECHAR.sub(lambda m: _ECHAR[m.group()], text) + '"'
    if term.language:
        if not _LANG.fullmatch(term.language):
            raise ValueError(f"not a language tag: {term.language!r}")
        return f"{body}@{term.language}"
    if term.datatype is not None:
        return f"{body}^^{iri_ref(str(term.datatype))}"
    return body
