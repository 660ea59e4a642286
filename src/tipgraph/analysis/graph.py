"""What every analysis step shares: the simple undirected view of a projected graph and node names.

>>> import networkx as nx
>>> G = nx.MultiDiGraph([("a", "b"), ("b", "a"), ("a", "a")])
>>> list(simple_view(G).edges())
[('a', 'b')]
"""

from __future__ import annotations

import networkx as nx

from ..errors import UnknownNameError

__all__ = ["label", "neighbourhood", "simple_view"]


def simple_view(G: nx.Graph) -> nx.Graph:
    """One undirected link per linked pair of nodes, no self-loops; node attributes kept."""
    H = nx.Graph()
    H.add_nodes_from(G.nodes(data=True))
    H.add_edges_from((u, v) for u, v in G.edges() if u != v)
    return H


def label(G: nx.Graph, n: str) -> str:
    """The node's label, or its key when it has none."""
    return str(G.nodes[n].get("label", n))


def neighbourhood(G: nx.Graph, center: str, radius: int) -> nx.MultiDiGraph:
    """A copy of the node ``center`` (a key of ``G``) and everything within ``radius`` links of it."""
    if center not in G:
        raise UnknownNameError("node", center, [])
    sub = nx.ego_graph(G, center, radius=radius, undirected=True).copy()
    sub.graph.update(G.graph)
    sub.graph["focus"] = [center]
    return sub
