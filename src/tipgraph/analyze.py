"""Network analysis of the projected graph: who is central, who brokers, what links two actors.

Everything works on the :class:`networkx.MultiDiGraph` that :func:`tipgraph.network.project`
returns; measures that ignore direction use its *simple undirected view* (one link per
pair of nodes, whatever the relations and directions).

* :func:`analyze` - degree and betweenness centrality, communities (Louvain, fixed
  seed), brokers (articulation points, ranked by how many nodes they alone connect)
  and bridges, in an :class:`AnalysisReport` (``.text()`` / ``.to_dict()``);
* :func:`chain` / :func:`chains` - the shortest chain(s) of facts linking two nodes,
  explained fact by fact with sources;
* :func:`brokers_between` - the nodes every path between two nodes goes through;
* :func:`ego` - a node's neighbourhood;
* :func:`export_graph` - GraphML or GEXF for Gephi, or a CSV edge list (atomically).

>>> import tipgraph
>>> from tipgraph.network import project
>>> G = project(tipgraph.load().store)
>>> chain(G, "European Union", "PROTECT").summary()
'European Union —funds→ PROTECT'
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from .errors import BadInputError, UnknownNameError
from .files import atomic_write
from .network import node_for
from .store import Store

__all__ = ["AnalysisReport", "Broker", "Chain", "ChainStep", "Community", "Ranked", "analyze", "analyze_store",
           "brokers_between", "chain", "chains", "ego", "export_graph", "simple_view", "EXPORT_FORMATS"]

#: Formats :func:`export_graph` writes, by file suffix.
EXPORT_FORMATS = {".graphml": "graphml", ".gexf": "gexf", ".csv": "csv"}
#: Above this many nodes betweenness is estimated from a sample of source nodes.
EXACT_BETWEENNESS_LIMIT = 2_000
SEED = 42


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------
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
        for step, label in zip(self.steps, self.labels[1:]):
            arrow = f" ←{step.relation_label}— " if step.reading is None else f" —{step.reading}→ "
            parts += [arrow, label]
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
                label = r.label if len(r.label) <= 60 else r.label[:59] + "…"
                out.append(f"  {i:2d}. {label.ljust(width)}  {format(r.value, fmt)}  ({r.cls})")

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
        for a, b in self.bridges:
            out.append(f"      {a} — {b}")
        if self.chain_ends is not None:
            out.append("")
            a, b = self.chain_ends
            if not self.chains:
                out.append(f"No chain of facts links {a} and {b}.")
            for i, c in enumerate(self.chains, 1):
                out.append(f"Chain {i} from {a} to {b} ({len(c)} fact{'s' if len(c) != 1 else ''}):")
                out.append("  " + c.text().replace("\n", "\n  "))
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


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def simple_view(G: nx.Graph) -> nx.Graph:
    """One undirected link per linked pair of nodes, no self-loops; node attributes kept."""
    H = nx.Graph()
    H.add_nodes_from(G.nodes(data=True))
    H.add_edges_from((u, v) for u, v in G.edges() if u != v)
    return H


def _label(G: nx.Graph, n: str) -> str:
    return str(G.nodes[n].get("label", n))


def _ranked(G: nx.Graph, scores: dict[str, float], top: int) -> list[Ranked]:
    order = sorted(scores, key=lambda n: (-scores[n], _label(G, n), n))[:top]
    return [Ranked(n, _label(G, n), str(G.nodes[n].get("cls", "")), float(scores[n])) for n in order]


def _resolve(G: nx.Graph, name: str) -> str:
    return node_for(G, name)


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
                parts = ps + [members - 1 - sum(ps)]
            out[v] = members - 1 - max(parts)
    return out


# ---------------------------------------------------------------------------
# Analysis
# ---------------------------------------------------------------------------
def analyze(G: nx.Graph, *, top: int = 10, chain: tuple[str, str] | None = None, k: int = 3) -> AnalysisReport:
    """Centrality, communities, brokers and bridges; with ``chain=(a, b)`` also the ``k`` shortest chains.

    ``a`` and ``b`` are node keys (IRIs), prefixed names, labels or aliases.
    """
    H = simple_view(G)
    n = H.number_of_nodes()
    degree = {v: float(d) for v, d in H.degree()}
    sampled = None
    if n > EXACT_BETWEENNESS_LIMIT:
        sampled = min(500, n)
        btw = nx.betweenness_centrality(H, k=sampled, seed=SEED)
    else:
        btw = nx.betweenness_centrality(H) if n else {}
    if H.number_of_edges():
        parts = nx.community.louvain_communities(H, seed=SEED)
        modularity = nx.community.modularity(H, parts)
    else:
        parts, modularity = [{v} for v in H], 0.0
    communities = []
    for part in sorted(parts, key=lambda p: (-len(p), min(p)))[:top]:
        members = sorted(part, key=lambda v: (-degree[v], _label(H, v), v))
        communities.append(Community(len(part), [_label(H, v) for v in members], members))
    cut = articulation_cut_offs(H)
    brokers = []
    for v in sorted(cut, key=lambda v: (-cut[v], -btw.get(v, 0.0), _label(H, v), v))[:top]:
        rest = H.subgraph(c for c in nx.node_connected_component(H, v) if c != v)
        pieces = sorted(nx.connected_components(rest), key=len, reverse=True)
        lost = sorted((x for p in pieces[1:] for x in p), key=lambda x: (-degree[x], _label(H, x)))
        brokers.append(Broker(v, _label(H, v), str(H.nodes[v].get("cls", "")), cut[v],
                              [_label(H, x) for x in lost[:5]]))
    bridges = sorted(nx.bridges(H)) if H.number_of_edges() else []
    bridge_pairs = sorted((sorted((_label(H, a), _label(H, b))) for a, b in bridges),
                          key=lambda p: (p[0], p[1]))[:top]
    report = AnalysisReport(
        nodes=n, edges=G.number_of_edges(), links=H.number_of_edges(),
        components=nx.number_connected_components(H) if n else 0,
        density=nx.density(H) if n > 1 else 0.0,
        degree=_ranked(H, degree, top), betweenness=_ranked(H, btw, top), betweenness_sampled=sampled,
        communities=communities, modularity=float(modularity), brokers=brokers,
        bridges=[(a, b) for a, b in bridge_pairs], bridge_count=len(bridges), top=top)
    if chain is not None:
        a, b = _resolve(G, chain[0]), _resolve(G, chain[1])
        report.chain_ends = (_label(G, a), _label(G, b))
        report.chains = chains(G, a, b, k=k)
    return report


def analyze_store(store: Store, *, top: int = 10, chain: tuple[str, str] | None = None, k: int = 3,
                  relations: Iterable[str] | None = None, collapse_engagements: bool = True,
                  include_inferred: bool = True, ego: str | None = None, depth: int = 1,
                  export: str | Path | Iterable[str | Path] | None = None) -> AnalysisReport:
    """Project the store (see :func:`tipgraph.network.project`) and :func:`analyze` it.

    Names (chain ends, ``ego``) may be anything :func:`tipgraph.query.resolve_entity`
    accepts: IRIs, prefixed names, labels, acronyms. With ``ego`` only that actor's
    neighbourhood within ``depth`` links is analysed (and exported). ``export`` writes
    the network to one or more files (GraphML, GEXF or CSV, from each suffix; see
    :func:`export_graph`), listed in the report's ``exported``.
    """
    from .network import project
    from .query import resolve_entity

    ends = None
    if chain is not None:
        ends = (str(resolve_entity(store, chain[0])), str(resolve_entity(store, chain[1])))
    center = str(resolve_entity(store, ego)) if ego is not None else None
    G = project(store, relations=relations, collapse_engagements=collapse_engagements,
                include_inferred=include_inferred)
    if center is not None:
        G = _neighbourhood(G, center, depth)
    report = analyze(G, top=top, chain=ends, k=k)
    if center is not None:
        report.ego = (_label(G, center), depth)
    targets = [export] if isinstance(export, (str, Path)) else list(export or [])
    report.exported = [export_graph(G, t) for t in targets]
    return report


# ---------------------------------------------------------------------------
# Chains of facts
# ---------------------------------------------------------------------------
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
    for u, v in zip(path, path[1:]):
        s, o, key, d = _best_fact(G, u, v)
        forward = s == u
        rel_label = str(d.get("label", key))
        reading = rel_label if forward else inverse.get(key)
        details = {k.replace("_", " "): d[k] for k in ("countries", "broader_focus") if d.get(k)}
        steps.append(ChainStep(s, _label(G, s), key, rel_label, o, _label(G, o), list(d.get("sources", [])),
                               bool(d.get("inferred")), forward, reading, details))
    return Chain(list(path), [_label(G, n) for n in path], steps)


def chains(G: nx.Graph, a: str, b: str, *, k: int = 3) -> list[Chain]:
    """Up to ``k`` shortest chains of facts between two nodes (direction ignored), shortest first.

    Among chains of equal length, those with fewer inferred facts come first.
    """
    a, b = _resolve(G, a), _resolve(G, b)
    if a == b:
        return [Chain([a], [_label(G, a)], [])]
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
    a, b = _resolve(G, a), _resolve(G, b)
    if via is None:
        found = chains(G, a, b, k=1)
        return found[0] if found else None
    m = _resolve(G, via)
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
    a, b = _resolve(G, a), _resolve(G, b)
    H = simple_view(G)
    try:
        path = nx.shortest_path(H, a, b)
    except nx.NetworkXNoPath:
        raise BadInputError(f"{_label(G, a)} and {_label(G, b)} are not linked") from None
    out = []
    for c in path[1:-1]:
        view = nx.restricted_view(H, [c], [])
        if not nx.has_path(view, a, b):
            out.append(c)
    return out


def ego(G: nx.Graph, node: str, radius: int = 1) -> nx.MultiDiGraph:
    """The node and everything within ``radius`` links of it (direction ignored), as a copy."""
    return _neighbourhood(G, _resolve(G, node), radius)


def _neighbourhood(G: nx.Graph, center: str, radius: int) -> nx.MultiDiGraph:
    if center not in G:
        raise UnknownNameError("node", center, [])
    sub = nx.ego_graph(G, center, radius=radius, undirected=True).copy()
    sub.graph.update(G.graph)
    sub.graph["focus"] = [center]
    return sub


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------
def _flat(value: Any) -> Any:
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _flat_graph(G: nx.Graph) -> nx.Graph:
    """A copy whose attributes are all strings, numbers or booleans (what GraphML and GEXF hold)."""
    F = G.__class__()
    F.graph.update({k: _flat(v) for k, v in G.graph.items() if v is not None and not isinstance(v, dict)})
    F.add_nodes_from((n, {k: _flat(v) for k, v in d.items() if v is not None}) for n, d in G.nodes(data=True))
    if G.is_multigraph():
        F.add_edges_from((u, v, key, {k: _flat(x) for k, x in d.items() if x is not None})
                         for u, v, key, d in G.edges(keys=True, data=True))
    else:
        F.add_edges_from((u, v, {k: _flat(x) for k, x in d.items() if x is not None}) for u, v, d in G.edges(data=True))
    return F


CSV_COLUMNS = ["source", "source_label", "relation", "relation_label", "target", "target_label", "inferred",
               "sources", "role", "countries"]


def edge_list_csv(G: nx.Graph) -> str:
    """The edges as CSV: one row per fact, node IRIs and labels, list values joined with '; '."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    edges = G.edges(keys=True, data=True) if G.is_multigraph() else ((u, v, d.get("relation", ""), d)
                                                                      for u, v, d in G.edges(data=True))
    for u, v, key, d in edges:
        w.writerow([u, _label(G, u), d.get("relation", key), d.get("label", key), v, _label(G, v),
                    "true" if d.get("inferred") else "false", _flat(d.get("sources", [])),
                    d.get("role", ""), _flat(d.get("countries", []))])
    return buf.getvalue()


def export_graph(G: nx.Graph, path: str | Path, format: str | None = None) -> Path:
    """Write the graph as GraphML, GEXF (for Gephi) or a CSV edge list; format from the suffix.

    The file is written atomically: a failure leaves any old file untouched.
    """
    path = Path(path)
    fmt = format or EXPORT_FORMATS.get(path.suffix.lower())
    if fmt not in EXPORT_FORMATS.values():
        raise UnknownNameError("network export format", str(format or path.suffix), list(EXPORT_FORMATS.values()))
    if fmt == "csv":
        return atomic_write(path, edge_list_csv(G))
    buf = io.BytesIO()
    flat = _flat_graph(G)
    if fmt == "graphml":
        nx.write_graphml(flat, buf, encoding="utf-8")
    else:
        nx.write_gexf(flat, buf, encoding="utf-8")
    return atomic_write(path, buf.getvalue())
