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
    """The graph induced by ``nodes``, its nodes and edges in ``G``'s order.

    Not ``G.subgraph(nodes).copy()``: that lists the nodes in the order of the set, which
    changes from one run to the next (string hashes are salted per process), and the map's
    page with it.
    """
    sub = G.__class__()
    sub.graph.update(G.graph)
    order = [n for n in G if n in nodes]
    sub.add_nodes_from((n, G.nodes[n].copy()) for n in order)
    if G.is_multigraph():
        sub.add_edges_from((u, v, key, d.copy()) for u in order for v, keyed in G.adj[u].items() if v in nodes
                           for key, d in keyed.items())
    else:
        sub.add_edges_from((u, v, d.copy()) for u in order for v, d in G.adj[u].items() if v in nodes)
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
    documents applying to it), the organisers, participants and speakers of the events
    held there (and of their sub-events), the country's own government bodies (the
    national government of any body drawn, with all its ministries, agencies and
    committees), the organisations whose engagements name the country, and the funders
    of programmes that operate there; plus the links among them.
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
    keep |= _events_and_their_people(G, places)
    keep |= _state_bodies(G, keep)
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


#: Groups of the people and bodies an event's links bring into a country view.
_ACTORS = {"organisation", "person", "post"}
#: Classes whose sub-organisations are a country's own state bodies.
_STATE_CLASSES = {"NationalGovernment"}


def _events_and_their_people(G: nx.Graph, places: set[Any]) -> set[Any]:
    """Events held in ``places`` (and their sub-events), with everyone linked to them."""
    events = {u for u, v, d in G.edges(data=True)
              if v in places and d.get("relation") == "heldIn" and G.nodes[u].get("group") == "event"}
    todo = list(events)
    while todo:
        e = todo.pop()
        for w in _neighbours(G, e):
            if G.nodes[w].get("group") == "event" and w not in events:
                events.add(w)
                todo.append(w)
    out = set(events)
    for e in events:
        out |= {w for w in _neighbours(G, e) if G.nodes[w].get("group") in _ACTORS}
    return out


def _state_bodies(G: nx.Graph, keep: set[Any]) -> set[Any]:
    """The national governments above any kept body, with every body below them."""
    def parents(v: Any) -> list[Any]:
        return [w for _, w, d in G.out_edges(v, data=True) if d.get("relation") == "subOrganisationOf"]

    def children(v: Any) -> list[Any]:
        return [u for u, _, d in G.in_edges(v, data=True) if d.get("relation") == "subOrganisationOf"]

    governments = set()
    seen = set()
    todo = [v for v in keep if G.nodes[v].get("group") == "organisation"]
    while todo:
        v = todo.pop()
        if v in seen:
            continue
        seen.add(v)
        if G.nodes[v].get("cls") in _STATE_CLASSES:
            governments.add(v)
        todo.extend(parents(v))
    out = set(governments)
    todo = list(governments)
    while todo:
        v = todo.pop()
        for u in children(v):
            if u not in out:
                out.add(u)
                todo.append(u)
    return out


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
