"""One report of a projected network: :func:`analyze` runs the measures (and chains) and
:class:`AnalysisReport` holds the answer, as text for terminals or as plain values.

>>> import networkx as nx
>>> report = analyze(nx.path_graph(3), top=1)
>>> (report.nodes, report.brokers[0].node, report.bridge_count)
(3, 1, 2)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from ..network import node_for
from .chains import Chain, chains
from .export import export_graph
from .graph import label, neighbourhood, simple_view
from .measures import SEED, Broker, Community, Ranked, betweenness, bridges, brokers, communities, ranked

__all__ = ["AnalysisReport", "analyze"]


@dataclass
class AnalysisReport:
    """What :func:`analyze` found."""

    nodes: int
    edges: int
    links: int                   # pairs of nodes with at least one edge
    components: int
    density: float
    degree: list[Ranked]
    betweenness: list[Ranked]
    betweenness_sampled: int | None
    communities: list[Community]
    modularity: float
    brokers: list[Broker]
    bridges: list[tuple[str, str]]
    bridge_count: int
    chains: list[Chain] = field(default_factory=list)
    chain_ends: tuple[str, str] | None = None
    top: int = 10
    exported: list[Path] = field(default_factory=list)
    ego: tuple[str, int] | None = None   # (label, depth) when only a neighbourhood was analysed

    def text(self) -> str:
        """A report for terminals."""
        scope = f"Ego network of {self.ego[0]} (depth {self.ego[1]})" if self.ego else "Network"
        out = [f"{scope}: {self.nodes} nodes, {self.edges} edges ({self.links} linked pairs), "
               f"{self.components} connected component{'s' if self.components != 1 else ''}, "
               f"density {self.density:.3f}"]

        def table(title: str, rows: Sequence[Ranked], fmt: str) -> None:
            out.append("")
            out.append(title)
            if not rows:
                out.append("  (none)")
            width = max((len(r.label) for r in rows), default=0)
            width = min(width, 60)
            for i, r in enumerate(rows, 1):
                name = r.label if len(r.label) <= 60 else r.label[:59] + "…"
                out.append(f"  {i:2d}. {name.ljust(width)}  {format(r.value, fmt)}  ({r.cls})")

        table("Most connected (degree: number of linked nodes)", self.degree, ">5.0f")
        sampled = f", estimated from {self.betweenness_sampled} sampled nodes" if self.betweenness_sampled else ""
        table(f"Brokers on shortest paths (betweenness centrality{sampled})", self.betweenness, ">6.3f")
        out.append("")
        out.append(f"Communities (Louvain, seed {SEED}; modularity {self.modularity:.3f})")
        for i, c in enumerate(self.communities, 1):
            names = ", ".join(c.members[:6]) + (", …" if c.size > 6 else "")
            out.append(f"  {i:2d}. {c.size:4d} nodes: {names}")
        out.append("")
        out.append("Brokers that alone hold parts of the network together (articulation points)")
        if not self.brokers:
            out.append("  (none)")
        for i, b in enumerate(self.brokers, 1):
            names = ", ".join(b.examples) + (", …" if b.cut_off > len(b.examples) else "")
            out.append(f"  {i:2d}. {b.label}: cuts off {b.cut_off} node{'s' if b.cut_off != 1 else ''} ({names})")
        out.append("")
        out.append(f"Bridges (links whose removal splits the network): {self.bridge_count}")
        for a, b2 in self.bridges:
            out.append(f"      {a} — {b2}")
        if self.chain_ends is not None:
            out.append("")
            a, b2 = self.chain_ends
            if not self.chains:
                out.append(f"No chain of facts links {a} and {b2}.")
            for i, ch in enumerate(self.chains, 1):
                out.append(f"Chain {i} from {a} to {b2} ({len(ch)} fact{'s' if len(ch) != 1 else ''}):")
                out.append("  " + ch.text().replace("\n", "\n  "))
        for path in self.exported:
            out.append(f"\nWrote {path}")
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        """Plain values (for JSON)."""
        return {
            "nodes": self.nodes, "edges": self.edges, "links": self.links, "components": self.components,
            "density": self.density,
            "degree": [r.to_dict() for r in self.degree],
            "betweenness": [r.to_dict() for r in self.betweenness],
            "betweenness_sampled": self.betweenness_sampled,
            "communities": [c.to_dict() for c in self.communities], "modularity": self.modularity,
            "brokers": [b.to_dict() for b in self.brokers],
            "bridges": [list(b) for b in self.bridges], "bridge_count": self.bridge_count,
            "chains": [c.to_dict() for c in self.chains],
            "chain_ends": list(self.chain_ends) if self.chain_ends else None,
            "exported": [str(p) for p in self.exported],
            "ego": list(self.ego) if self.ego else None,
        }


def analyze(G: nx.Graph, *, top: int = 10, chain: tuple[str, str] | None = None, k: int = 3,
            ego: str | None = None, depth: int = 1,
            export: str | Path | Iterable[str | Path] | None = None) -> AnalysisReport:
    """Centrality, communities, brokers and bridges; with ``chain=(a, b)`` also the ``k`` shortest chains.

    Names (``a``, ``b``, ``ego``) are node keys (IRIs), prefixed names, labels or
    aliases. With ``ego`` only that node's neighbourhood within ``depth`` links is
    analysed (and exported). ``export`` writes the analysed network to one or more
    files (GraphML, GEXF or CSV, from each suffix; see
    :func:`~tipgraph.analysis.export_graph`), listed in the report's ``exported``.
    """
    center = node_for(G, ego) if ego is not None else None
    if center is not None:
        G = neighbourhood(G, center, depth)
    report = _measure(G, top)
    if chain is not None:
        a, b = node_for(G, chain[0]), node_for(G, chain[1])
        report.chain_ends = (label(G, a), label(G, b))
        report.chains = chains(G, a, b, k=k)
    if center is not None:
        report.ego = (label(G, center), depth)
    targets = [export] if isinstance(export, (str, Path)) else list(export or [])
    report.exported = [export_graph(G, t) for t in targets]
    return report


def _measure(G: nx.Graph, top: int) -> AnalysisReport:
    H = simple_view(G)
    n = H.number_of_nodes()
    degree = {v: float(d) for v, d in H.degree()}
    btw, sampled = betweenness(H)
    parts, modularity = communities(H, degree, top)
    bridge_pairs, bridge_count = bridges(H, top)
    return AnalysisReport(
        nodes=n, edges=G.number_of_edges(), links=H.number_of_edges(),
        components=nx.number_connected_components(H) if n else 0,
        density=nx.density(H) if n > 1 else 0.0,
        degree=ranked(H, degree, top), betweenness=ranked(H, btw, top), betweenness_sampled=sampled,
        communities=parts, modularity=modularity, brokers=brokers(H, degree, btw, top),
        bridges=bridge_pairs, bridge_count=bridge_count, top=top)
