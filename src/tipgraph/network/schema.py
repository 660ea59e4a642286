"""What the ontology says about the classes and relations that the projection uses.

One SELECT query reads the object properties with their labels, the inverse pairs, the
sub-property and sub-class hierarchies, the symmetric and transitive properties and the
two-step property chains; :class:`Schema` holds the answer as plain strings.

>>> local_name("https://w3id.org/tipgraph/ontology#implements")
'implements'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from rdflib import Literal
from rdflib.namespace import OWL
from rdflib.term import Node

from ..namespace import TG
from ..store import Store

__all__ = ["GROUPS", "ROLE_EDGES", "TG_IRI", "Schema", "best_label", "best_text", "local_name", "rows", "string_rows"]

#: The ontology's namespace IRI as a string (node and relation keys are plain strings).
TG_IRI = str(TG)

#: Coarse kinds used for colour and shape, in the order a class is tested against them.
GROUPS: tuple[tuple[str, str], ...] = (
    ("engagement", "Engagement"),
    ("organisation", "Organisation"),
    ("programme", "Programme"),
    ("place", "Place"),
    ("event", "Event"),
    ("person", "Person"),
    ("post", "Post"),
    ("facility", "Facility"),
    ("theme", "Theme"),
    ("document", "Document"),
)

#: Role of a collapsed engagement -> (edge key, edge label, label read backwards).
ROLE_EDGES: dict[str, tuple[str, str, str]] = {
    str(TG.FundingRole): ("funds", "funds", "funded by"),
    str(TG.ImplementingRole): ("implements", "implements", "implemented by"),
    str(TG.AccountableRole): ("accountableFor", "accountable for", "overseen by"),
    str(TG.ExtendingRole): ("extends", "extends", "extended by"),
}

# The store predeclares the owl:, rdf: and rdfs: prefixes (see Store.execute).
_SCHEMA_QUERY = """
SELECT DISTINCT ?kind ?a ?b ?c WHERE {
  { ?a a owl:ObjectProperty . OPTIONAL { ?a rdfs:label ?b } BIND("property" AS ?kind) }
  UNION { ?a owl:inverseOf ?b . BIND("inverse" AS ?kind) }
  UNION { ?a rdfs:subPropertyOf ?b . FILTER(isIRI(?b)) BIND("subproperty" AS ?kind) }
  UNION { ?a a ?b . FILTER(?b IN (owl:SymmetricProperty, owl:TransitiveProperty)) BIND("ptype" AS ?kind) }
  UNION { ?a rdfs:subClassOf ?b . FILTER(isIRI(?b)) BIND("subclass" AS ?kind) }
  UNION { ?a owl:propertyChainAxiom ?l . ?l rdf:first ?b ; rdf:rest ?r . ?r rdf:first ?c ; rdf:rest rdf:nil .
          BIND("chain" AS ?kind) }
}
"""


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``.

    >>> local_name("http://www.w3.org/2004/02/skos/core#prefLabel")
    'prefLabel'
    """
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1] or iri
    return iri


def rows(store: Store, sparql: str) -> list[tuple[Node | None, ...]]:
    """Every row of one of our own SELECT queries (no limit on rows)."""
    return store.execute(sparql, {}, None).rows


def string_rows(store: Store, sparql: str) -> list[tuple[str | None, ...]]:
    """Every row of one of our own SELECT queries as plain strings (the lexical form of a literal),
    read by :meth:`Store.select_strings`, which builds no rdflib terms where the backend can help it.

    >>> from tipgraph.store import open_store
    >>> s = open_store("oxigraph"); s.load(b'<urn:s> <urn:p> "o"@en <urn:g> .\\n')
    >>> string_rows(s, "SELECT ?s ?o (LANG(?o) AS ?l) ?none WHERE { ?s ?p ?o }")
    [('urn:s', 'o', 'en', None)]
    """
    return store.select_strings(sparql)


def best_text(values: Sequence[tuple[str, str | None]]) -> str | None:
    """:func:`best_label` of ``(text, language)`` pairs (language None or "" when untagged).

    >>> best_text([("Pakistán", "es"), ("Pakistan", "en")])
    'Pakistan'
    """
    if len(values) == 1:  # most entities have one label: nothing to rank
        return values[0][0]
    ranked = [(0 if not lang or lang == "en" or lang.startswith("en-") else 1, text) for text, lang in values]
    return min(ranked)[1] if ranked else None


def best_label(values: Iterable[Node]) -> str | None:
    """English or untagged first, then any language; shortest wins ties for stability.

    >>> best_label([Literal("Pakistán", lang="es"), Literal("Pakistan", lang="en")])
    'Pakistan'
    """
    ranked = []
    for v in values:
        lang = v.language if isinstance(v, Literal) else None
        rank = 0 if lang in (None, "en") or (lang or "").startswith("en-") else 1
        ranked.append((rank, str(v)))
    return min(ranked)[1] if ranked else None


class Schema:
    """What the ontology says about classes and relations, from one query."""

    def __init__(self, store: Store) -> None:
        self.properties: dict[str, str] = {}          # object property -> label
        self.inverse: dict[str, str] = {}             # p -> q for each owl:inverseOf (both ways)
        self.inverse_side: set[str] = set()           # properties declared as the inverse of another
        self.parents: dict[str, set[str]] = defaultdict(set)   # sub-property -> super-properties
        self.symmetric: set[str] = set()
        self.transitive: set[str] = set()
        self.superclasses: dict[str, set[str]] = defaultdict(set)
        self.chains: list[tuple[str, str, str]] = []  # (p, q1, q2): p <- q1 o q2
        self._ancestors: dict[str, frozenset[str]] = {}   # closures, computed once each
        self._supers: dict[str, frozenset[str]] = {}
        labels: dict[str, list[Node]] = defaultdict(list)
        for row_kind, a, b, c in rows(store, _SCHEMA_QUERY):
            kind, sa = str(row_kind), str(a)
            if kind == "property":
                self.properties.setdefault(sa, "")
                if b is not None:
                    labels[sa].append(b)
            elif kind == "inverse":
                self.inverse[sa] = str(b)
                self.inverse[str(b)] = sa
                self.inverse_side.add(sa)
            elif kind == "subproperty" and str(b) != sa:
                self.parents[sa].add(str(b))
            elif kind == "ptype":
                (self.symmetric if str(b) == str(OWL.SymmetricProperty) else self.transitive).add(sa)
            elif kind == "subclass" and str(b) != sa:
                self.superclasses[sa].add(str(b))
            elif kind == "chain":
                self.chains.append((sa, str(b), str(c)))
        for p in self.properties:
            self.properties[p] = best_label(labels.get(p, [])) or local_name(p)
        # A pair declared inverse both ways keeps the first name in sort order.
        for p in sorted(self.inverse_side):
            if p in self.inverse_side and self.inverse[p] in self.inverse_side:
                self.inverse_side.discard(min(p, self.inverse[p]))

    def ancestors(self, cls: str) -> frozenset[str]:
        """The class's superclasses, transitively (not the class itself)."""
        if cls not in self._ancestors:
            self._ancestors[cls] = frozenset(_closure(self.superclasses, cls))
        return self._ancestors[cls]

    def super_properties(self, prop: str) -> frozenset[str]:
        """The property's super-properties, transitively (not the property itself)."""
        if prop not in self._supers:
            self._supers[prop] = frozenset(_closure(self.parents, prop))
        return self._supers[prop]

    def tg_properties(self) -> dict[str, str]:
        """The object properties of the ``tg:`` namespace, by local name -> IRI."""
        return {local_name(p): p for p in self.properties if p.startswith(TG_IRI)}


def _closure(edges: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(edges.get(start, ()))
    while todo:
        x = todo.pop()
        if x not in seen:
            seen.add(x)
            todo.extend(edges.get(x, ()))
    return seen
