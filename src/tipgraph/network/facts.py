"""The literal facts of a projected network: dates, counts, tiers, amounts, notes; and who published each source.

:func:`add_facts` reads them from the store with three SELECT queries and writes them
onto a projected graph (:func:`tipgraph.network.project`), so that a map can show them in
its tooltips, details panel, filters, time slider and timeline (maps never read the store
themselves, which is why this lives here):

* every node (and every collapsed engagement edge, through its ``engagement`` IRI) gets
  ``facts``: ``[[name, value], ...]`` in a stable order (dates and counts first), and
  ``start`` / ``end`` (ISO dates) when it has ``tg:startDate`` / ``tg:endDate``;
* events with a participant count and a count of women get ``participants``,
  ``women`` and a "share of women" fact;
* the graph gets ``source_publishers``: source label -> the label of its publisher.

>>> import tipgraph
>>> kg = tipgraph.load()
>>> G = add_facts(kg.network(), kg.store)
>>> G.nodes["https://w3id.org/tipgraph/id/evt-0001"]["start"]
'2024-10-11'
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx
from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS

from ..namespace import TG
from .schema import best_label, local_name, rows
from ..resources import ONTOLOGY_GRAPH
from ..store import Store

__all__ = ["FACT_ORDER", "add_facts", "share_of_women"]

_ONTOLOGY = URIRef(ONTOLOGY_GRAPH).n3()
#: Literal properties never shown as facts: names (shown as label and aliases) and catalogue data.
_SKIP = {str(SKOS.prefLabel), str(SKOS.altLabel), str(RDFS.label), str(SKOS.definition)}
#: Facts shown first, in this order; the others follow by name.
FACT_ORDER = [str(TG.startDate), str(TG.endDate), str(TG.participantCount), str(TG.femaleParticipantCount),
              str(TG.tier)]

_LITERALS_QUERY = f"""
SELECT DISTINCT ?s ?p ?o WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(isLiteral(?o) && isIRI(?s) && ?g != {_ONTOLOGY})
}}
"""

_PROPERTY_LABELS_QUERY = """
SELECT DISTINCT ?p ?l WHERE { ?p a owl:DatatypeProperty ; rdfs:label ?l }
"""

_PUBLISHERS_QUERY = f"""
SELECT DISTINCT ?src ?sl ?pl WHERE {{
  ?src <{TG.publishedBy}> ?pub ; skos:prefLabel ?sl .
  ?pub skos:prefLabel ?pl .
  ?src <{TG.sourceUrl}> ?url .
}}
"""


def share_of_women(participants: int, women: int) -> str:
    """The share of women among an event's participants, as the map shows it.

    >>> share_of_women(68, 12)
    '18% (12 of 68)'
    """
    if participants <= 0:
        return f"{women} women"
    return f"{round(100 * women / participants)}% ({women} of {participants})"


def _name(p: str, labels: dict[str, str]) -> str:
    if p in labels:
        return labels[p]
    if p == str(SKOS.note):
        return "note"
    return local_name(p)


def _node_facts(props: dict[str, list[str]], labels: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    order = {p: i for i, p in enumerate(FACT_ORDER)}
    facts = []
    for p in sorted(props, key=lambda p: (order.get(p, len(order)), _name(p, labels))):
        for value in sorted(set(props[p])):
            facts.append([_name(p, labels), value])
    starts, ends = props.get(str(TG.startDate)), props.get(str(TG.endDate))
    if starts:
        out["start"] = min(starts)[:10]
    if ends:
        out["end"] = max(ends)[:10]
    counts, women = props.get(str(TG.participantCount)), props.get(str(TG.femaleParticipantCount))
    if counts and counts[0].isdigit():
        out["participants"] = int(counts[0])
        if women and women[0].isdigit():
            out["women"] = int(women[0])
            at = next((i + 1 for i, f in enumerate(facts) if f[0] == _name(str(TG.femaleParticipantCount), labels)),
                      len(facts))
            facts.insert(at, ["share of women", share_of_women(out["participants"], out["women"])])
    out["facts"] = facts
    return out


def add_facts(G: nx.Graph, store: Store) -> nx.Graph:
    """Write the literal facts of ``G``'s nodes and engagement edges onto them (see the module); returns ``G``."""
    by_property: dict[str, list[Any]] = defaultdict(list)
    for p, lab in rows(store, _PROPERTY_LABELS_QUERY):
        by_property[str(p)].append(lab)
    labels = {p: str(best_label(ls)) for p, ls in by_property.items() if best_label(ls)}
    wanted = set(G.nodes)
    engagement_of: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    edges = G.edges(keys=True, data=True) if G.is_multigraph() else ((u, v, None, d) for u, v, d in G.edges(data=True))
    for u, v, k, d in edges:
        if d.get("engagement"):
            engagement_of[str(d["engagement"])].append((u, v, k))
    wanted |= set(engagement_of)
    props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in rows(store, _LITERALS_QUERY):
        ss, sp = str(s), str(p)
        # tg: facts and notes only: the inferred graph repeats them under super-properties (schema:)
        if ss in wanted and sp not in _SKIP and o is not None and (sp.startswith(str(TG)) or sp == str(SKOS.note)):
            props[ss][sp].append(str(o))
    for iri, ps in props.items():
        attrs = _node_facts(ps, labels)
        if iri in G:
            G.nodes[iri].update(attrs)
        for key in engagement_of.get(iri, ()):
            data = G.edges[key] if G.is_multigraph() else G.edges[key[:2]]
            data.update(attrs)
    publishers: dict[str, str] = {}
    for _src, sl, pl in rows(store, _PUBLISHERS_QUERY):
        publishers.setdefault(str(sl), str(pl))
    G.graph["source_publishers"] = publishers
    return G
