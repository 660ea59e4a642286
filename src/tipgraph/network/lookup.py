"""Names to things: nodes of a projected graph, relations of the ontology, places of the store."""

from __future__ import annotations

import networkx as nx
from rdflib import Literal

from ..errors import BadInputError, UnknownNameError
from ..namespace import TG
from ..namespace import expand
from ..query import execute_bound, resolve_entity
from ..store import Store
from .schema import ROLE_EDGES, TG_IRI, Schema

__all__ = ["default_relations", "node_for", "resolve_place", "resolve_relation"]

_CODE_QUERY = f"""
SELECT DISTINCT ?c WHERE {{
  ?c {TG.iso3166Alpha2.n3()}|{TG.iso3166Alpha3.n3()} ?code .
  FILTER(UCASE(STR(?code)) = UCASE(STR(?text)))
}}
"""


def node_for(G: nx.Graph, text: str) -> str:
    """The node of ``G`` named by an IRI, a prefixed name, a label or an alias (case-insensitive).

    >>> node_for(nx.Graph([("a", "b")]), "a")
    'a'
    """
    if text in G:
        return text
    wanted = text.strip().casefold()
    hits = [n for n, d in G.nodes(data=True) if d.get("curie", "").casefold() == wanted]
    if not hits:
        hits = [n for n, d in G.nodes(data=True) if str(d.get("label", "")).casefold() == wanted]
    if not hits:
        hits = [n for n, d in G.nodes(data=True) if wanted in (a.casefold() for a in d.get("aliases", []))]
    if not hits:
        raise UnknownNameError("node", text, [])
    if len(hits) > 1:
        options = "; ".join(f"{G.nodes[h].get('curie', h)} ({G.nodes[h].get('label', '')})" for h in sorted(hits))
        raise BadInputError(f"the name {text!r} is ambiguous; use one of: {options}")
    return hits[0]


def default_relations(store: Store) -> list[str]:
    """The relations a map shows when none are chosen, as IRIs.

    Every object property of the ``tg:`` namespace except the inverse half of each
    inverse pair (``implementedBy``: its facts are shown as ``implements``) and
    ``engagementRole`` (the role becomes an attribute).
    """
    return schema_default_relations(Schema(store))


def schema_default_relations(schema: Schema) -> list[str]:
    """:func:`default_relations` from a schema already read."""
    role = str(TG.engagementRole)
    return sorted(p for p in schema.properties
                  if p.startswith(TG_IRI) and p not in schema.inverse_side and p != role)


def resolve_relation(name: str, schema: Schema) -> str:
    """A relation name, prefixed name or IRI -> the IRI of a property the ontology declares.

    A collapsed-engagement edge name (``accountableFor``) that is not a property comes
    back as it is. Only declared properties are accepted: the IRIs end up in the text
    of a query.
    """
    text = name.strip()
    by_name = schema.tg_properties()
    known = sorted(set(by_name) | {k for k, _, _ in ROLE_EDGES.values()})
    iri: str | None = None
    if text.startswith(("http://", "https://", "urn:")):
        iri = text
    elif text.startswith("<") and text.endswith(">"):
        iri = text[1:-1]
    elif ":" in text:
        expanded = expand(text)
        iri = str(expanded) if expanded is not None else None
    elif text in by_name:
        iri = by_name[text]
    elif text in known:
        return text
    if iri is not None and iri in schema.properties:
        return iri
    raise UnknownNameError("relation", name, known)


def resolve_place(store: Store, text: str) -> str:
    """A country from an ISO 3166-1 code (``PK``, ``PAK``), a label, a prefixed name or an IRI.

    >>> import tipgraph
    >>> resolve_place(tipgraph.load().store, "pak")
    'https://w3id.org/tipgraph/id/plc-0003'
    """
    code = text.strip()
    if 2 <= len(code) <= 3 and code.isalpha():
        found = execute_bound(store, _CODE_QUERY, {"text": Literal(code)}, 5).rows
        if len(found) == 1:
            return str(found[0][0])
    return str(resolve_entity(store, text))
