"""The data a map page carries: nodes, links, styles and settings as one JSON-ready value.

Node ids in the page are opaque (``n0``, ``n1`` ...); labels, aliases, sources and IRIs
are data, shown by the page's script with ``textContent`` or drawn on the canvas.
Sources and relation names are listed once and referred to by index.

>>> import networkx as nx
>>> data = payload(nx.MultiDiGraph([("a", "b")]), title="t", subtitle=None, layout="auto")
>>> [n["id"] for n in data["nodes"]], data["settings"]["physics"]
(['n0', 'n1'], True)
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import networkx as nx

from ..errors import BadInputError
from .layout import compute_layout

__all__ = ["EDGE_LABEL_LIMIT", "GROUP_STYLES", "PHYSICS_LIMIT", "PHYSICS_SEED_FROM", "payload"]

#: Maps with more nodes than this get their layout computed in Python, physics off.
PHYSICS_LIMIT = 300
#: Maps with more nodes than this start physics from the Python layout, with fewer iterations.
PHYSICS_SEED_FROM = 100
#: Maps with more edges than this draw edge labels only in tooltips.
EDGE_LABEL_LIMIT = 2_000
#: Source links on a map: http and https only, nothing that could run script or open a local file.
SAFE_URL = re.compile(r"^https?://[^\s\"'<>\\]+$", re.IGNORECASE)

#: Colour (Okabe-Ito palette, safe for colour-blind readers), shape and legend name per group.
GROUP_STYLES: dict[str, dict[str, str]] = {
    "organisation": {"color": "#0072B2", "shape": "dot", "name": "Organisation"},
    "programme": {"color": "#E69F00", "shape": "diamond", "name": "Programme"},
    "place": {"color": "#009E73", "shape": "triangle", "name": "Place"},
    "event": {"color": "#D55E00", "shape": "star", "name": "Event"},
    "person": {"color": "#CC79A7", "shape": "triangleDown", "name": "Person"},
    "post": {"color": "#A48BC4", "shape": "square", "name": "Post"},
    "document": {"color": "#8D6E63", "shape": "square", "name": "Document"},
    "facility": {"color": "#56B4E9", "shape": "hexagon", "name": "Facility"},
    "theme": {"color": "#E8D53A", "shape": "dot", "name": "Theme"},
    "ranking": {"color": "#882255", "shape": "hexagon", "name": "Ranking"},
    "engagement": {"color": "#9AA5B1", "shape": "diamond", "name": "Engagement"},
    "other": {"color": "#B0B7BF", "shape": "dot", "name": "Other"},
}
_LABEL_MAX = 48


def _shade(hex_colour: str, factor: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    if factor < 1:
        r, g, b = (int(c * factor) for c in (r, g, b))
    else:
        r, g, b = (int(c + (255 - c) * (factor - 1)) for c in (r, g, b))
    return f"#{r:02x}{g:02x}{b:02x}"


def _class_name(cls: str) -> str:
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", cls).split(" ")
    if not words or not words[0]:
        return ""
    return " ".join([words[0]] + [w if w.isupper() and len(w) > 1 else w.lower() for w in words[1:]])


def _short(label: str) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= _LABEL_MAX else label[: _LABEL_MAX - 1].rstrip() + "…"


def _group(d: dict[str, Any]) -> str:
    group = d.get("group")
    if group == "other" or group not in GROUP_STYLES:
        group = "ranking" if d.get("cls") == "Ranking" else group  # the projection has no group for rankings
    return str(group) if group in GROUP_STYLES else "other"


def _facts(d: dict[str, Any]) -> list[list[str]]:
    return [[str(name), str(value)] for name, value in (d.get("facts") or []) if value not in (None, "")]


def _evidence(d: dict[str, Any]) -> list[str]:
    value = d.get("evidence")
    if not value:
        return []
    return [str(x) for x in value] if isinstance(value, (list, tuple)) else [str(value)]


def _dated(item: dict[str, Any], d: dict[str, Any]) -> None:
    """Start and end dates (ISO, day precision) and participant counts, for filters and the timeline."""
    for attr, short in (("start", "ts"), ("end", "te")):
        if d.get(attr):
            item[short] = str(d[attr])[:10]
    for attr, short in (("participants", "pc"), ("women", "pw")):
        if isinstance(d.get(attr), int):
            item[short] = d[attr]


def payload(G: nx.Graph, *, title: str, subtitle: str | None, layout: str) -> dict[str, Any]:
    """The page's data for ``G``; ``layout`` is ``"auto"``, ``"physics"`` or ``"python"`` (see render_html)."""
    n = G.number_of_nodes()
    mode = layout
    if mode == "auto":
        mode = "physics" if n <= PHYSICS_LIMIT else "python"
    if mode not in ("physics", "python"):
        raise BadInputError(f"unknown layout {layout!r}; use 'auto', 'physics' or 'python'")
    ids = {v: f"n{i}" for i, v in enumerate(G.nodes)}
    degree: dict[Any, int] = defaultdict(int)
    for u, v in G.edges():
        degree[u] += 1
        degree[v] += 1
    sources: dict[str, int] = {}
    source_info: dict[str, dict[str, str]] = {}

    publishers = G.graph.get("source_publishers") or {}

    def src_ids(values: Any, d: dict[str, Any] | None = None) -> list[int]:
        urls, dates = (d or {}).get("source_urls") or [], (d or {}).get("source_dates") or []
        for i, s in enumerate(values or []):
            info = source_info.setdefault(str(s), {})
            if publishers.get(str(s)):
                info.setdefault("p", str(publishers[str(s)]))
            url = str(urls[i]) if i < len(urls) and urls[i] else ""
            if url and SAFE_URL.match(url):  # only http(s) links reach the page
                info.setdefault("u", url)
            if i < len(dates) and dates[i]:
                info.setdefault("d", str(dates[i]))
        return [sources.setdefault(str(s), len(sources)) for s in values or []]

    # Physics settles a small map from scratch; a mid-sized one starts from the Python
    # layout and needs far fewer iterations (each costs O(n log n) in the browser).
    seeded = mode == "python" or n > PHYSICS_SEED_FROM
    pos = compute_layout(G) if seeded else {}
    iterations = 700 if not seeded else 200
    focus = set(G.graph.get("focus") or [])
    groups_used: dict[str, int] = defaultdict(int)
    held_in: dict[Any, list[str]] = defaultdict(list)  # an event's place, shown among its facts
    for u, v, d in G.edges(data=True):
        if d.get("relation") == "heldIn":
            held_in[u].append(str(G.nodes[v].get("label", v)))
    nodes = []
    for v, d in G.nodes(data=True):
        group = _group(d)
        groups_used[group] += 1
        label = str(d.get("label", v))
        item: dict[str, Any] = {"id": ids[v], "l": label, "g": group, "c": _class_name(str(d.get("cls", ""))),
                                "k": degree[v]}
        if _short(label) != label:
            item["s"] = _short(label)
        for key, short in (("aliases", "a"), ("curie", "q"), ("iri", "i"), ("role", "r")):
            value = d.get(key)
            if value:
                item[short] = [str(x) for x in value] if isinstance(value, (list, tuple)) else str(value)
        if d.get("sources"):
            item["src"] = src_ids(d["sources"], d)
        facts = _facts(d)
        places = held_in.get(v)
        if places:
            facts.insert(0, ["place", "; ".join(places)])
        if facts:
            item["fa"] = facts
        if _evidence(d):
            item["ev"] = _evidence(d)
        _dated(item, d)
        if v in pos:
            item["x"], item["y"] = pos[v]
        if v in focus:
            item["f"] = 1
        nodes.append(item)
    relations: dict[str, int] = {}
    edges = []
    pair_count: dict[frozenset[Any], int] = defaultdict(int)
    triples = G.edges(keys=True, data=True) if G.is_multigraph() else ((u, v, d.get("relation", ""), d)
                                                                       for u, v, d in G.edges(data=True))
    for i, (u, v, key, d) in enumerate(triples):
        rel = str(d.get("label") or key)
        item = {"id": f"e{i}", "f": ids[u], "t": ids[v], "r": relations.setdefault(rel, len(relations))}
        if d.get("inferred"):
            item["inf"] = 1
        if d.get("sources"):
            item["src"] = src_ids(d["sources"], d)
        if _facts(d):
            item["fa"] = _facts(d)
        if _evidence(d):
            item["ev"] = _evidence(d)
        _dated(item, d)
        for attr, short in (("countries", "co"), ("broader_focus", "bf"), ("role", "ro")):
            if d.get(attr):
                value = d[attr]
                item[short] = [str(x) for x in value] if isinstance(value, (list, tuple)) else str(value)
        pair = frozenset((u, v))
        if pair_count[pair]:
            item["p"] = pair_count[pair]  # index among parallel links: drawn curved
        pair_count[pair] += 1
        edges.append(item)
    styles = {g: {**s, "border": _shade(s["color"], 0.7), "light": _shade(s["color"], 1.35)}
              for g, s in GROUP_STYLES.items()}
    return {
        "title": title, "subtitle": subtitle or "",
        "settings": {"physics": mode == "physics", "edgeLabels": G.number_of_edges() <= EDGE_LABEL_LIMIT,
                     "large": n > PHYSICS_LIMIT, "iterations": iterations},
        "groups": styles, "groupOrder": [g for g in GROUP_STYLES if g in groups_used],
        "groupCounts": dict(groups_used),
        "relations": list(relations), "sources": list(sources),
        "sourceInfo": [source_info.get(s, {}) for s in sources],
        "nodes": nodes, "edges": edges,
    }
