"""Interactive network maps as one self-contained, offline-safe HTML file.

The page is built from our own template (``templates/map.html``, ``assets/map.css`` and
``assets/map.js``) with the vis-network build that ships inside the ``pyvis`` package
inlined into it, so it:

* loads nothing from any host: every script and style is inline, and the
  Content-Security-Policy forbids any other source (``default-src 'none'``);
* runs only the scripts it was built with: script and style hashes are computed at
  render time and are the only ones allowed;
* cannot be hijacked by the data: labels, aliases, sources and IRIs go into the page
  only as JSON (with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped) and are shown with
  ``textContent`` or drawn on the canvas; node ids are opaque (``n0``, ``n1`` ...);
* stays responsive: small maps settle with physics and then freeze; above
  :data:`PHYSICS_LIMIT` nodes the layout is computed in Python (pivot MDS plus a few
  force-directed passes, see :func:`compute_layout`) and physics stays off.

>>> import tipgraph
>>> m = make_map(tipgraph.load().store, programme="PROTECT")
>>> m.title
'Programme: PROTECT'
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import math
import re
import string
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx

from .errors import BadInputError
from .files import atomic_write
from .store import Store

__all__ = ["GROUP_STYLES", "MapResult", "PHYSICS_LIMIT", "compute_layout", "country_view", "focus_view",
           "make_map", "programme_view", "render_html", "vis_network_js"]

#: Maps with more nodes than this get their layout computed in Python, physics off.
PHYSICS_LIMIT = 300
#: Maps with more nodes than this start physics from the Python layout, with fewer iterations.
PHYSICS_SEED_FROM = 100
#: Maps with more edges than this draw edge labels only in tooltips.
EDGE_LABEL_LIMIT = 2_000
VIS_VERSION = "9.1.2"

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
    "engagement": {"color": "#9AA5B1", "shape": "diamond", "name": "Engagement"},
    "other": {"color": "#B0B7BF", "shape": "dot", "name": "Other"},
}
_LABEL_MAX = 48


# ---------------------------------------------------------------------------
# Assets
# ---------------------------------------------------------------------------
def _pyvis_dir() -> Path:
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("maps need pyvis (it ships the vis-network library): pip install 'tipgraph[maps]'")
    return Path(list(spec.submodule_search_locations)[0])


@lru_cache(maxsize=1)
def vis_network_js() -> str:
    """The vis-network build shipped inside the installed pyvis package, ready to inline."""
    path = _pyvis_dir() / "templates" / "lib" / f"vis-{VIS_VERSION}" / "vis-network.min.js"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ImportError(f"pyvis does not ship vis-network {VIS_VERSION} where expected ({path}); "
                          "install the supported version: pip install 'tipgraph[maps]'") from None
    return _script_safe(text)


def _script_safe(js: str) -> str:
    """Make sure a script cannot end its <script> element early or enter the HTML comment state."""
    return re.sub(r"<(/script|!--)", lambda m: "<\\" + m.group(1), js, flags=re.IGNORECASE)


@lru_cache(maxsize=4)
def _asset(name: str) -> str:
    here = Path(__file__).resolve().parent
    folder = "templates" if name.endswith(".html") else "assets"
    return (here / folder / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def json_for_html(value: Any) -> str:
    """JSON that is safe inside an HTML ``<script type="application/json">`` element.

    >>> json_for_html({"a": "</script><b>&"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


# ---------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------
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
        for v, (px, py) in zip(comp, X):
            pos[v] = (round(float(px + x), 1), round(float(py + y), 1))
        x += w
        row_h = max(row_h, h)
    if pos:  # centre on the origin
        mx = (min(p[0] for p in pos.values()) + max(p[0] for p in pos.values())) / 2
        my = (min(p[1] for p in pos.values()) + max(p[1] for p in pos.values())) / 2
        pos = {v: (round(p[0] - mx, 1), round(p[1] - my, 1)) for v, p in pos.items()}
    return pos


# ---------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------
def _subgraph(G: nx.Graph, nodes: set[Any], focus: list[Any], title: str | None = None) -> nx.MultiDiGraph:
    sub = G.subgraph(nodes).copy()
    sub.graph.update(G.graph)
    sub.graph["focus"] = focus
    if title:
        sub.graph["view"] = title
    return sub


def focus_view(G: nx.Graph, node: str, depth: int = 2) -> nx.MultiDiGraph:
    """An actor's neighbourhood: every node within ``depth`` links of it, direction ignored."""
    from .network import node_for

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


def _neighbours(G: nx.Graph, v: Any) -> set[Any]:
    if G.is_directed():
        return set(G.successors(v)) | set(G.predecessors(v))
    return set(G[v])


def country_view(G: nx.Graph, country: str) -> nx.MultiDiGraph:
    """Everyone active in a country and through which programmes.

    The country, the places inside it, everything linked to them (organisations active
    there, programmes operating there, facilities serving it, events held there,
    documents applying to it), the organisations whose engagements name the country,
    and the funders of programmes that operate there; plus the links among them.
    """
    from .network import node_for

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
    from .network import node_for

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


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------
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


def _payload(G: nx.Graph, *, title: str, subtitle: str | None, layout: str) -> dict[str, Any]:
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

    def src_ids(values: Any) -> list[int]:
        return [sources.setdefault(str(s), len(sources)) for s in values or []]

    # Physics settles a small map from scratch; a mid-sized one starts from the Python
    # layout and needs far fewer iterations (each costs O(n log n) in the browser).
    seeded = mode == "python" or n > PHYSICS_SEED_FROM
    pos = compute_layout(G) if seeded else {}
    iterations = 700 if not seeded else 200
    focus = set(G.graph.get("focus") or [])
    groups_used: dict[str, int] = defaultdict(int)
    nodes = []
    for v, d in G.nodes(data=True):
        group = d.get("group") if d.get("group") in GROUP_STYLES else "other"
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
            item["src"] = src_ids(d["sources"])
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
            item["src"] = src_ids(d["sources"])
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
        "nodes": nodes, "edges": edges,
    }


def render_html(G: nx.Graph, *, title: str = "tipgraph map", subtitle: str | None = None,
                layout: str = "auto") -> str:
    """The map as one self-contained HTML page (no request to any host).

    ``layout``: ``"physics"`` (settle in the browser, then freeze), ``"python"``
    (positions computed here, physics off; needs numpy) or ``"auto"`` (physics up to
    :data:`PHYSICS_LIMIT` nodes). Node attributes used: ``label``, ``group``, ``cls``,
    ``aliases``, ``sources``, ``curie``, ``iri``; edge attributes: ``label``,
    ``sources``, ``inferred``, ``countries``, ``role``.
    """
    vis = vis_network_js()
    payload = _payload(G, title=title, subtitle=subtitle, layout=layout)
    app = _script_safe(_asset("map.js"))
    css = _asset("map.css")
    csp = "; ".join([
        "default-src 'none'",
        f"script-src {_sha256(vis)} {_sha256(app)}",
        f"style-src {_sha256(css)}",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ])
    n, m = G.number_of_nodes(), G.number_of_edges()
    counts = f"{n:,} node{'s' if n != 1 else ''} · {m:,} link{'s' if m != 1 else ''}"
    return string.Template(_asset("map.html")).substitute(
        csp=html.escape(csp, quote=True),
        title=html.escape(title, quote=True),
        subtitle=html.escape(subtitle or "", quote=True),
        counts=html.escape(counts),
        css=css,
        data=json_for_html(payload),
        vis=vis,
        app=app,
        vis_version=VIS_VERSION,
    )


@dataclass
class MapResult:
    """A rendered map: the HTML page, its size and title."""

    html: str
    nodes: int
    edges: int
    title: str

    def save(self, path: str | Path) -> Path:
        """Write the page atomically (nothing else is written beside it)."""
        return atomic_write(path, self.html)

    def _repr_html_(self) -> str:
        """Show the map inline in Jupyter, isolated in a sandboxed iframe."""
        return ('<iframe title="' + html.escape(self.title, quote=True) + '" sandbox="allow-scripts" '
                'style="width:100%;height:640px;border:1px solid #d9e2ec;border-radius:6px" srcdoc="'
                + html.escape(self.html, quote=True) + '"></iframe>')

    def __repr__(self) -> str:
        return f"<MapResult {self.title!r}: {self.nodes} nodes, {self.edges} edges, {len(self.html):,} bytes>"


_CODE_QUERY = """
SELECT DISTINCT ?c WHERE {
  ?c <https://w3id.org/tipgraph/ontology#iso3166Alpha2>|<https://w3id.org/tipgraph/ontology#iso3166Alpha3> ?code .
  FILTER(UCASE(STR(?code)) = UCASE(STR(?text)))
}
"""


def resolve_place(store: Store, text: str) -> str:
    """A country from an ISO 3166-1 code (``PK``, ``PAK``), a label, a prefixed name or an IRI."""
    from rdflib import Literal

    from .query import resolve_entity

    if 2 <= len(text.strip()) <= 3 and text.strip().isalpha():
        rows = store.execute(_CODE_QUERY, {"text": Literal(text.strip())}, 5).rows
        if len(rows) == 1:
            return str(rows[0][0])
    return str(resolve_entity(store, text))


def make_map(store: Store, *, focus: str | None = None, depth: int = 2, country: str | None = None,
             programme: str | None = None, title: str | None = None, subtitle: str | None = None,
             relations: Iterable[str] | None = None, collapse_engagements: bool = True,
             include_inferred: bool = True,
             layout: str = "auto") -> MapResult:
    """Project the store and render one view: the whole landscape, or a focus, country or programme.

    Names may be labels, acronyms, prefixed names or IRIs; countries also ISO codes.
    At most one of ``focus``, ``country`` and ``programme`` may be given.
    """
    from .network import project
    from .query import resolve_entity

    if sum(x is not None for x in (focus, country, programme)) > 1:
        raise BadInputError("choose one view: focus, country or programme")
    G = project(store, relations=relations, collapse_engagements=collapse_engagements,
                include_inferred=include_inferred)

    def label(iri: str) -> str:
        if iri not in G:
            raise BadInputError(f"{iri} is not on the map (is it an entity with a tg: class, "
                                f"and are its relations among those shown?)")
        return str(G.nodes[iri].get("label", iri))

    if focus is not None:
        iri = str(resolve_entity(store, focus))
        view = focus_view(G, iri, depth)
        default_title = f"{label(iri)}: neighbourhood (depth {depth})"
    elif country is not None:
        iri = resolve_place(store, country)
        view = country_view(G, iri)
        default_title = f"Who works in {label(iri)}"
    elif programme is not None:
        iri = str(resolve_entity(store, programme))
        view = programme_view(G, iri)
        default_title = f"Programme: {label(iri)}"
    else:
        view = G
        default_title = "Who does what against trafficking in persons and smuggling of migrants"
    final_title = title or default_title
    if subtitle is None:
        n_sources = len({s for _, d in view.nodes(data=True) for s in d.get("sources", [])})
        subtitle = (f"tipgraph knowledge graph · facts from {n_sources} source document"
                    f"{'s' if n_sources != 1 else ''} · dashed links are inferred")
    page = render_html(view, title=final_title, subtitle=subtitle, layout=layout)
    return MapResult(page, view.number_of_nodes(), view.number_of_edges(), final_title)
