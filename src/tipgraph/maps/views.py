"""The views a map can show of a projected network: an actor's neighbourhood, a country, a programme.

Each view is a copy of part of the graph, with the graph's attributes and ``focus``
(the nodes the map highlights). Names are looked up with
:func:`tipgraph.network.node_for` (node key, prefixed name, label or alias).

>>> import networkx as nx
>>> G = nx.MultiDiGraph([("a", "b"), ("b", "c")])
>>> sorted(focus_view(G, "a", 1)), focus_view(G, "a", 1).graph["focus"]
(['a', 'b'], ['a'])
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from ..errors import BadInputError
from ..network import node_for

__all__ = ["country_view", "focus_view", "programme_view"]


def _subgraph(G: nx.Graph, nodes: set[Any], focus: list[Any], title: str | None = None) -> nx.MultiDiGraph:
    sub = G.subgraph(nodes).copy()
    sub.graph.update(G.graph)
    sub.graph["focus"] = focus
    if title:
        sub.graph["view"] = title
    return sub


def _neighbours(G: nx.Graph, v: Any) -> set[Any]:
    if G.is_directed():
        return set(G.successors(v)) | set(G.predecessors(v))
    return set(G[v])


def focus_view(G: nx.Graph, node: str, depth: int = 2) -> nx.MultiDiGraph:
    """An actor's neighbourhood: every node within ``depth`` links of it, direction ignored."""
    center = node_for(G, node)
    if depth < 0:
        raise BadInputError("depth must be 0 or more")
    seen = {center}
    frontier = [center]
    for _ in range(depth):
        nxt = []
        for v in frontier:
            for w in sorted(_neighbours(G, v), key=str):
                if w not in seen:
                    seen.add(w)
                    nxt.append(w)
        frontier = nxt
    return _subgraph(G, seen, [center])


def country_view(G: nx.Graph, country: str) -> nx.MultiDiGraph:
    """Everyone active in a country and through which programmes.

    The country, the places inside it, everything linked to them (organisations active
    there, programmes operating there, facilities serving it, events held there,
    documents applying to it), the organisations whose engagements name the country,
    and the funders of programmes that operate there; plus the links among them.
    """
    c = node_for(G, country)
    places = {c}
    todo = [c]
    while todo:  # places located (transitively) in the country
        p = todo.pop()
        for s, _, d in G.in_edges(p, data=True):
            if d.get("relation") == "locatedIn" and G.nodes[s].get("group") == "place" and s not in places:
                places.add(s)
                todo.append(s)
    keep = set(places)
    for p in places:
        keep |= _neighbours(G, p)
    programmes = {v for v in keep if G.nodes[v].get("group") == "programme"}
    for u, v, d in G.edges(data=True):
        countries = d.get("country_iris")
        if countries is None:
            continue
        if c in countries or (not countries and v in programmes):
            keep |= {u, v}
            if G.nodes[v].get("group") == "programme":
                programmes.add(v)
    return _subgraph(G, keep, [c])


def programme_view(G: nx.Graph, programme: str) -> nx.MultiDiGraph:
    """A programme with the programmes it belongs to or contains, and everything linked to them."""
    p = node_for(G, programme)
    family = {p}
    todo = [p]
    while todo:
        q = todo.pop()
        for w in _neighbours(G, q):
            if G.nodes[w].get("group") == "programme" and w not in family:
                family.add(w)
                todo.append(w)
    keep = set(family)
    for q in family:
        keep |= _neighbours(G, q)
    return _subgraph(G, keep, [p])
