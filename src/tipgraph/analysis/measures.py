"""Who is central, who brokers, what holds the network together: measures on the simple view.

Every function here takes the simple undirected view of a projected graph
(:func:`~tipgraph.analysis.simple_view`): one link per pair of nodes, whatever the
relations and directions.

>>> import networkx as nx
>>> articulation_cut_offs(nx.path_graph(4))
{2: 1, 1: 1}
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx

from .graph import label

__all__ = ["EXACT_BETWEENNESS_LIMIT", "SEED", "Broker", "Community", "Ranked", "articulation_cut_offs",
           "betweenness", "betweenness_centrality", "bridges", "brokers", "communities", "ranked"]

#: Above this many nodes betweenness is estimated from a sample of source nodes.
EXACT_BETWEENNESS_LIMIT = 2_000
#: The seed of every measure that involves chance (Louvain, sampled betweenness).
SEED = 42


@dataclass
class Ranked:
    """A node with a score."""

    node: str
    label: str
    cls: str
    value: float

    def to_dict(self) -> dict[str, Any]:
        """Plain values."""
        return asdict(self)


@dataclass
class Broker:
    """An articulation point: removing it splits its part of the network.

    ``cut_off`` counts the nodes that would lose every link to the largest remaining
    piece; ``examples`` names a few of them.
    """

    node: str
    label: str
    cls: str
    cut_off: int
    examples: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain values."""
        return asdict(self)


@dataclass
class Community:
    """A group of nodes more linked to each other than to the rest (Louvain)."""

    size: int
    members: list[str]          # labels, most connected first
    nodes: list[str]            # node keys, same order

    def to_dict(self) -> dict[str, Any]:
        """Plain values."""
        return asdict(self)


def ranked(H: nx.Graph, scores: dict[str, float], top: int) -> list[Ranked]:
    """The ``top`` nodes by score, ties broken by label then key."""
    order = sorted(scores, key=lambda n: (-scores[n], label(H, n), n))[:top]
    return [Ranked(n, label(H, n), str(H.nodes[n].get("cls", "")), float(scores[n])) for n in order]


def betweenness(H: nx.Graph) -> tuple[dict[str, float], int | None]:
    """Betweenness centrality, and how many source nodes it was sampled from (None: exact)."""
    n = H.number_of_nodes()
    if n > EXACT_BETWEENNESS_LIMIT:
        sampled = min(500, n)
        return betweenness_centrality(H, k=sampled, seed=SEED), sampled
    return (betweenness_centrality(H) if n else {}), None


def betweenness_centrality(H: nx.Graph, k: int | None = None, seed: int = SEED) -> dict[str, float]:
    """:func:`networkx.betweenness_centrality` of the simple undirected view (normalised, endpoints
    left out), computed by igraph when it is installed.

    The sources are the same ``k`` nodes networkx samples with the same ``seed``
    (``random.Random(seed).sample(list(H), k)``), and the scores are rescaled the way networkx
    rescales them, so both give the same numbers up to rounding; igraph runs the shortest-path
    searches in C (at 1M triples: seconds instead of minutes).

    >>> scores = betweenness_centrality(nx.path_graph(4))
    >>> [round(scores[v], 3) for v in range(4)]
    [0.0, 0.667, 0.667, 0.0]
    """
    try:
        import igraph
    except ImportError:  # the core install has networkx only
        return nx.betweenness_centrality(H, k=k, seed=seed)
    nodes = list(H)
    n = len(nodes)
    if k == n:
        k = None  # networkx computes every source then, whatever the seed
    sources = None if k is None else random.Random(seed).sample(nodes, k)
    index = {v: i for i, v in enumerate(nodes)}
    g = igraph.Graph(n=n, edges=[(index[u], index[v]) for u, v in H.edges() if u != v], directed=False)
    raw = g.betweenness(directed=False, sources=None if sources is None else [index[s] for s in sources])
    # igraph counts each unordered pair once where networkx sums both orders before rescaling.
    N = n - 1
    if N < 2:
        return dict.fromkeys(nodes, 0.0)
    k_source = N if sources is None else len(sources)
    if sources is None:
        scale = 2 / (k_source * (N - 1))
        return {v: raw[i] * scale for i, v in enumerate(nodes)}
    # A sampled source is never its own target, so it is scaled by one source fewer (as networkx does).
    in_sample = set(sources)
    scale_source = 2 / ((k_source - 1) * (N - 1)) if k_source > 1 else math.nan
    scale_other = 2 / (k_source * (N - 1))
    return {v: raw[i] * (scale_source if v in in_sample else scale_other) for i, v in enumerate(nodes)}


def communities(H: nx.Graph, degree: dict[str, float], top: int) -> tuple[list[Community], float]:
    """The ``top`` largest Louvain communities (fixed seed), members most connected first, and the modularity."""
    if H.number_of_edges():
        parts = nx.community.louvain_communities(H, seed=SEED)
        modularity = nx.community.modularity(H, parts)
    else:
        parts, modularity = [{v} for v in H], 0.0
    out = []
    for part in sorted(parts, key=lambda p: (-len(p), min(p)))[:top]:
        members = sorted(part, key=lambda v: (-degree[v], label(H, v), v))
        out.append(Community(len(part), [label(H, v) for v in members], members))
    return out, float(modularity)


def brokers(H: nx.Graph, degree: dict[str, float], btw: dict[str, float], top: int) -> list[Broker]:
    """The ``top`` articulation points, by how many nodes they alone connect, then betweenness."""
    cut = articulation_cut_offs(H)
    out = []
    for v in sorted(cut, key=lambda v: (-cut[v], -btw.get(v, 0.0), label(H, v), v))[:top]:
        rest = H.subgraph(c for c in nx.node_connected_component(H, v) if c != v)
        pieces = sorted(nx.connected_components(rest), key=len, reverse=True)
        lost = sorted((x for p in pieces[1:] for x in p), key=lambda x: (-degree[x], label(H, x)))
        out.append(Broker(v, label(H, v), str(H.nodes[v].get("cls", "")), cut[v], [label(H, x) for x in lost[:5]]))
    return out


def bridges(H: nx.Graph, top: int) -> tuple[list[tuple[str, str]], int]:
    """The first ``top`` bridges as pairs of labels (each pair and the list sorted), and how many there are."""
    found = sorted(nx.bridges(H)) if H.number_of_edges() else []
    pairs = sorted((sorted((label(H, a), label(H, b))) for a, b in found), key=lambda p: (p[0], p[1]))[:top]
    return [(a, b) for a, b in pairs], len(found)


def articulation_cut_offs(H: nx.Graph) -> dict[str, int]:
    """For every articulation point, how many nodes lose all links to the largest remaining piece.

    One depth-first pass (Hopcroft-Tarjan low links with subtree sizes), so it stays
    linear in the size of the graph.
    """
    disc: dict[Any, int] = {}
    low: dict[Any, int] = {}
    size: dict[Any, int] = {}
    parent: dict[Any, Any] = {}
    out: dict[str, int] = {}
    clock = 0
    for root in H:
        if root in disc:
            continue
        disc[root] = low[root] = clock
        clock += 1
        size[root] = 1
        parent[root] = None
        pieces: dict[Any, list[int]] = {}
        members = 1
        stack = [(root, iter(H[root]))]
        while stack:
            v, neighbours = stack[-1]
            for w in neighbours:
                if w not in disc:
                    parent[w] = v
                    disc[w] = low[w] = clock
                    clock += 1
                    size[w] = 1
                    members += 1
                    stack.append((w, iter(H[w])))
                    break
                if w != parent[v]:
                    low[v] = min(low[v], disc[w])
            else:
                stack.pop()
                p = parent[v]
                if p is not None:
                    low[p] = min(low[p], low[v])
                    size[p] += size[v]
                    if low[v] >= disc[p]:
                        pieces.setdefault(p, []).append(size[v])
        for v, ps in pieces.items():
            if v == root:
                if len(ps) < 2:
                    continue
                parts = ps
            else:
                parts = [*ps, members - 1 - sum(ps)]
            out[v] = members - 1 - max(parts)
    return out
