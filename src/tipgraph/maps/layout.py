"""Positions for large maps, computed in Python: pivot MDS, then a few force-directed passes.

Fast enough for tens of thousands of nodes (it needs numpy). Small maps settle with the
browser's physics instead; see :data:`~tipgraph.maps.PHYSICS_LIMIT`.

>>> import networkx as nx
>>> pos = compute_layout(nx.path_graph(5))
>>> sorted(pos) == list(range(5)) and pos == compute_layout(nx.path_graph(5))
True
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx

__all__ = ["compute_layout"]


def _numpy() -> Any:
    try:
        import numpy as np
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("laying out large maps needs numpy: pip install numpy") from exc
    return np


def _bfs(adj: list[list[int]], start: int, n: int) -> list[int]:
    dist = [-1] * n
    dist[start] = 0
    frontier = [start]
    d = 0
    while frontier:
        d += 1
        nxt = []
        for v in frontier:
            for w in adj[v]:
                if dist[w] < 0:
                    dist[w] = d
                    nxt.append(w)
        frontier = nxt
    return dist


def _component_layout(np: Any, adj: list[list[int]], edges: Any, rng: Any, iterations: int) -> Any:
    """Pivot MDS for the global shape, then force-directed passes to spread crowded nodes."""
    n = len(adj)
    if n == 1:
        return np.zeros((1, 2))
    if n <= 3:
        ang = np.arange(n) * 2 * math.pi / n
        return np.c_[np.cos(ang), np.sin(ang)] * 0.6
    k = min(40, n)
    start = max(range(n), key=lambda v: len(adj[v]))
    dists = []
    mind = np.full(n, np.inf)
    pivot = start
    for _ in range(k):
        d = np.array(_bfs(adj, pivot, n), dtype=float)
        dists.append(d)
        mind = np.minimum(mind, d)
        pivot = int(np.argmax(mind))
        if mind[pivot] == 0:
            break
    D = np.stack(dists, axis=1) ** 2
    C = -0.5 * (D - D.mean(axis=0) - D.mean(axis=1, keepdims=True) + D.mean())
    U, S, _ = np.linalg.svd(C, full_matrices=False)
    X = U[:, :2] * S[:2]
    if X.shape[1] < 2:
        X = np.c_[X, np.zeros(n)]
    # Unit mean edge length, and a little noise to separate nodes MDS puts on one spot.
    ei, ej = edges[:, 0], edges[:, 1]
    length = np.linalg.norm(X[ei] - X[ej], axis=1).mean() if len(edges) else 1.0
    X = X / (length or 1.0) + rng.normal(scale=0.05, size=(n, 2))
    return _spread(np, X, edges, iterations, rng)


def _spread(np: Any, X: Any, edges: Any, iterations: int, rng: Any) -> Any:
    """Fruchterman-Reingold passes (ideal edge length 1), with repulsion approximated.

    Far field: each node is pushed by the centre of mass of every occupied cell of a
    coarse grid (its own cell without itself); the grid is shifted at random on each
    pass so that no lattice shows. Near field: in an order sorted by cell and shuffled
    within cells, each node pushes its next few neighbours. Both are vectorised, so a
    pass costs O(n x cells + edges).
    """
    n = len(X)
    ei, ej = edges[:, 0], edges[:, 1]
    temperature = 0.1 * math.sqrt(n)
    cooling = (0.02 / temperature) ** (1 / max(1, iterations - 1)) if temperature > 0.02 else 1.0
    side = max(1, min(16, int(math.sqrt(n) / 3)))
    for _ in range(iterations):
        disp = np.zeros_like(X)
        d = X[ej] - X[ei]
        dist = np.sqrt((d * d).sum(axis=1)) + 1e-9
        f = d * dist[:, None]                       # attraction dist^2 along the edge
        disp[:, 0] += np.bincount(ei, f[:, 0], n) - np.bincount(ej, f[:, 0], n)
        disp[:, 1] += np.bincount(ei, f[:, 1], n) - np.bincount(ej, f[:, 1], n)
        lo = X.min(axis=0)
        span = max(float((X.max(axis=0) - lo).max()), 1e-6) * 1.0001
        cell = np.floor((X - lo) / span * side + rng.random(2)).astype(int)
        cid = cell[:, 0] * (side + 2) + cell[:, 1]
        uniq, inv = np.unique(cid, return_inverse=True)
        mass = np.bincount(inv, minlength=len(uniq)).astype(float)
        sx = np.bincount(inv, X[:, 0], len(uniq))
        sy = np.bincount(inv, X[:, 1], len(uniq))
        cells = np.arange(len(uniq))[None, :]
        for start in range(0, n, 2048):
            sl = slice(start, start + 2048)
            own = inv[sl][:, None] == cells
            m = mass[None, :] - own                 # the node's own cell counts without it
            cx = (sx[None, :] - own * X[sl, 0:1]) / np.maximum(m, 1)
            cy = (sy[None, :] - own * X[sl, 1:2]) / np.maximum(m, 1)
            dx = X[sl, 0:1] - cx
            dy = X[sl, 1:2] - cy
            w = m / (dx * dx + dy * dy + 0.05)      # repulsion: mass / distance
            disp[sl, 0] += (dx * w).sum(axis=1)
            disp[sl, 1] += (dy * w).sum(axis=1)
        order = np.lexsort((rng.random(n), cid))
        for shift in range(1, 9):
            a, b = order[:-shift], order[shift:]
            dv = X[a] - X[b]
            d2 = (dv * dv).sum(axis=1)
            push = dv / (d2 + 0.01)[:, None] * (d2 < 4)[:, None]
            disp[:, 0] += np.bincount(a, push[:, 0], n) - np.bincount(b, push[:, 0], n)
            disp[:, 1] += np.bincount(a, push[:, 1], n) - np.bincount(b, push[:, 1], n)
        length = np.sqrt((disp * disp).sum(axis=1)) + 1e-9
        X = X + disp * (np.minimum(length, temperature) / length)[:, None]
        temperature *= cooling
    return X


def compute_layout(G: nx.Graph, *, seed: int = 42, spacing: float = 70.0,
                   iterations: int | None = None) -> dict[Any, tuple[float, float]]:
    """Positions for every node, fast enough for tens of thousands of nodes (needs numpy).

    Each connected component gets a pivot-MDS layout (up to 40 breadth-first searches
    and a small SVD) refined by force-directed passes, scaled so that each node has
    about ``spacing`` pixels of room; components are then packed in rows, largest first.
    """
    np = _numpy()
    rng = np.random.default_rng(seed)
    if iterations is None:
        iterations = 40 if G.number_of_nodes() <= 5_000 else 30
    H = nx.Graph()
    H.add_nodes_from(G)
    H.add_edges_from((u, v) for u, v in G.edges() if u != v)
    comps = sorted((sorted(c, key=str) for c in nx.connected_components(H)), key=lambda c: (-len(c), str(c[0])))
    boxes = []
    for comp in comps:
        index = {v: i for i, v in enumerate(comp)}
        adj: list[list[int]] = [[] for _ in comp]
        pairs = []
        for v in comp:
            for w in H[v]:
                adj[index[v]].append(index[w])
                if index[v] < index[w]:
                    pairs.append((index[v], index[w]))
        edges = np.array(pairs, dtype=int).reshape(-1, 2)
        X = _component_layout(np, adj, edges, rng, iterations if len(comp) > 3 else 0)
        X = X - X.min(axis=0)
        area = float(np.prod(np.maximum(X.max(axis=0), 1e-6)))
        factor = math.sqrt(len(comp) * spacing * spacing / area) if len(comp) > 3 else spacing
        X = X * factor
        boxes.append((comp, X))
    # Shelf packing: rows about as wide as the largest component (or sqrt of the total area).
    total = sum((float(X[:, 0].max()) + spacing) * (float(X[:, 1].max()) + spacing) for _, X in boxes)
    width = max(float(boxes[0][1][:, 0].max()) + spacing, math.sqrt(total)) if boxes else 0.0
    pos: dict[Any, tuple[float, float]] = {}
    x = y = row_h = 0.0
    for comp, X in boxes:
        w, h = float(X[:, 0].max()) + spacing, float(X[:, 1].max()) + spacing
        if x > 0 and x + w > width:
            x, y, row_h = 0.0, y + row_h, 0.0
        for v, (px, py) in zip(comp, X, strict=True):
            pos[v] = (round(float(px + x), 1), round(float(py + y), 1))
        x += w
        row_h = max(row_h, h)
    if pos:  # centre on the origin
        mx = (min(p[0] for p in pos.values()) + max(p[0] for p in pos.values())) / 2
        my = (min(p[1] for p in pos.values()) + max(p[1] for p in pos.values())) / 2
        pos = {v: (round(p[0] - mx, 1), round(p[1] - my, 1)) for v, p in pos.items()}
    return pos
