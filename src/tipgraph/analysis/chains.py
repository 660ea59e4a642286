"""What links two actors: chains of facts explained with their sources, the brokers between, ego networks.

A chain walks the simple undirected view (:func:`~tipgraph.analysis.simple_view`) and
explains each step with one fact of the projected graph, read in the direction the
chain walks it (``implemented by`` for ``implements`` walked backwards).

>>> import tipgraph
>>> from tipgraph.network import project
>>> G = project(tipgraph.load().store)
>>> chain(G, "European Union", "PROTECT").summary()
'European Union —funds→ PROTECT'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import Any

import networkx as nx

from ..errors import BadInputError
from ..network import node_for
from .graph import label, neighbourhood, simple_view

__all__ = ["Chain", "ChainStep", "brokers_between", "chain", "chains", "ego"]


@dataclass
class ChainStep:
    """One fact of a chain, as stated (subject, relation, object), and how the chain walks it."""

    subject: str
    subject_label: str
    relation: str
    relation_label: str
    object: str
    object_label: str
    sources: list[str]
    inferred: bool
    forward: bool                # True when the chain walks from subject to object
    reading: str | None          # the relation read in the chain's direction ("implemented by"), if it has a name
    details: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        """The fact as a sentence with its sources."""
        line = f"{self.subject_label} {self.relation_label} {self.object_label}"
        extra = [f"{k}: {', '.join(v) if isinstance(v, list) else v}" for k, v in self.details.items() if v]
        if extra:
            line += f" ({'; '.join(extra)})"
        if self.sources:
            line += f"  [source: {' | '.join(self.sources)}]"
        elif self.inferred:
            line += "  [inferred by tipgraph's reasoner]"
        return line

    def to_dict(self) -> dict[str, Any]:
        """Plain values."""
        return asdict(self)


@dataclass
class Chain:
    """The facts linking ``nodes[0]`` to ``nodes[-1]``, in order."""

    nodes: list[str]
    labels: list[str]
    steps: list[ChainStep]

    def __len__(self) -> int:
        return len(self.steps)

    def summary(self) -> str:
        """One line: ``A —funds→ B —implemented by→ C``; a fact walked backwards with no
        inverse name reads ``C ←addresses— D``."""
        parts = [self.labels[0]]
        for step, name in zip(self.steps, self.labels[1:], strict=True):
            arrow = f" ←{step.relation_label}— " if step.reading is None else f" —{step.reading}→ "
            parts += [arrow, name]
        return "".join(parts)

    def text(self) -> str:
        """The summary, then each fact with its sources."""
        lines = [self.summary()]
        lines += [f"  {i}. {s.text()}" for i, s in enumerate(self.steps, 1)]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain values."""
        return {"nodes": self.nodes, "labels": self.labels, "summary": self.summary(),
                "steps": [s.to_dict() for s in self.steps]}


def _best_fact(G: nx.Graph, u: str, v: str) -> tuple[str, str, str, dict[str, Any]]:
    """The fact to explain the link u - v with: asserted before inferred, sourced, forward."""
    options = []
    for s, o, forward in ((u, v, True), (v, u, False)):
        if G.has_edge(s, o):
            data = G.get_edge_data(s, o)
            items = data.items() if G.is_multigraph() else [(data.get("relation", ""), data)]
            for key, d in items:
                options.append(((bool(d.get("inferred")), -len(d.get("sources", [])), not forward, str(key)),
                                s, o, str(key), d))
    if not options:
        raise BadInputError(f"no edge between {u} and {v}")
    _, s, o, key, d = min(options, key=lambda t: t[0])
    return s, o, key, d


def _explain(G: nx.Graph, path: Sequence[str]) -> Chain:
    inverse = G.graph.get("inverse_labels", {})
    steps = []
    for u, v in pairwise(path):
        s, o, key, d = _best_fact(G, u, v)
        forward = s == u
        rel_label = str(d.get("label", key))
        reading = rel_label if forward else inverse.get(key)
        details = {k.replace("_", " "): d[k] for k in ("countries", "broader_focus") if d.get(k)}
        steps.append(ChainStep(s, label(G, s), key, rel_label, o, label(G, o), list(d.get("sources", [])),
                               bool(d.get("inferred")), forward, reading, details))
    return Chain(list(path), [label(G, n) for n in path], steps)


def chains(G: nx.Graph, a: str, b: str, *, k: int = 3) -> list[Chain]:
    """Up to ``k`` shortest chains of facts between two nodes (direction ignored), shortest first.

    Among chains of equal length, those with fewer inferred facts come first. ``a`` and
    ``b`` are node keys (IRIs), prefixed names, labels or aliases.
    """
    a, b = node_for(G, a), node_for(G, b)
    if a == b:
        return [Chain([a], [label(G, a)], [])]
    H = simple_view(G)
    found: list[Chain] = []
    try:
        for path in nx.shortest_simple_paths(H, a, b):
            if len(found) >= k and len(path) - 1 > len(found[k - 1]):
                break  # every chain as short as the k-th is in
            found.append(_explain(G, path))
            if len(found) >= 20 * k:
                break
    except nx.NetworkXNoPath:
        return []
    found.sort(key=lambda c: (len(c), sum(s.inferred for s in c.steps)))
    return found[:k]


def chain(G: nx.Graph, a: str, b: str, *, via: str | None = None) -> Chain | None:
    """The shortest chain of facts linking ``a`` to ``b`` (through ``via`` if given), or None.

    >>> import tipgraph
    >>> from tipgraph.network import project
    >>> G = project(tipgraph.load().store)
    >>> chain(G, "EU", "virtual MRC Afghanistan", via="ICMPD").summary()
    'European Union —funds→ PROTECT —implemented by→ ICMPD —runs→ virtual MRC Afghanistan'
    """
    a, b = node_for(G, a), node_for(G, b)
    if via is None:
        found = chains(G, a, b, k=1)
        return found[0] if found else None
    m = node_for(G, via)
    H = simple_view(G)
    try:
        first = nx.shortest_path(H, a, m)
        rest = H.subgraph(x for x in H if x not in first[:-1])
        second = nx.shortest_path(rest, m, b)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return None
    return _explain(G, first + second[1:])


def brokers_between(G: nx.Graph, a: str, b: str) -> list[str]:
    """The nodes that every chain between ``a`` and ``b`` passes through, in order from ``a``.

    Empty when the two are linked in more than one independent way; raises
    :class:`BadInputError` when they are not linked at all.
    """
    a, b = node_for(G, a), node_for(G, b)
    H = simple_view(G)
    try:
        path = nx.shortest_path(H, a, b)
    except nx.NetworkXNoPath:
        raise BadInputError(f"{label(G, a)} and {label(G, b)} are not linked") from None
    out = []
    for c in path[1:-1]:
        view = nx.restricted_view(H, [c], [])
        if not nx.has_path(view, a, b):
            out.append(c)
    return out


def ego(G: nx.Graph, node: str, radius: int = 1) -> nx.MultiDiGraph:
    """The node and everything within ``radius`` links of it (direction ignored), as a copy."""
    return neighbourhood(G, node_for(G, node), radius)
