"""The map page: :func:`render_html` puts a graph into one self-contained HTML file,
:func:`make_map` draws one view of a projected network, :class:`MapResult` holds the page.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("a", label="<b>A</b>", group="organisation")
>>> "<b>A</b>" in render_html(G, title="t")
False
"""

from __future__ import annotations

import html
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from ..errors import BadInputError
from ..files import atomic_write
from .assets import VIS_VERSION, asset, csp_hash, json_for_html, script_safe, vis_network_js
from .payload import payload
from .views import country_view, focus_view, programme_view

__all__ = ["MapResult", "make_map", "render_html"]

#: How :func:`make_map` turns the name of a view's node into a node key: ``(view, name) -> key``.
Resolver = Callable[[str, str], str]


def render_html(G: nx.Graph, *, title: str = "tipgraph map", subtitle: str | None = None,
                layout: str = "auto") -> str:
    """The map as one self-contained HTML page (no request to any host).

    ``layout``: ``"physics"`` (settle in the browser, then freeze), ``"python"``
    (positions computed here, physics off; needs numpy) or ``"auto"`` (physics up to
    :data:`~tipgraph.maps.PHYSICS_LIMIT` nodes). Node attributes used: ``label``,
    ``group``, ``cls``, ``aliases``, ``sources``, ``curie``, ``iri``; edge attributes:
    ``label``, ``sources``, ``inferred``, ``countries``, ``role``; on both, ``facts``,
    ``start``, ``end``, ``evidence`` (see :func:`tipgraph.maps.add_facts`), and on the
    graph ``source_publishers``.
    """
    vis = vis_network_js()
    data = payload(G, title=title, subtitle=subtitle, layout=layout)
    app = script_safe(asset("map.js"))
    css = asset("map.css")
    csp = "; ".join([
        "default-src 'none'",
        f"script-src {csp_hash(vis)} {csp_hash(app)}",
        f"style-src {csp_hash(css)}",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ])
    n, m = G.number_of_nodes(), G.number_of_edges()
    counts = f"{n:,} node{'s' if n != 1 else ''} · {m:,} link{'s' if m != 1 else ''}"
    return string.Template(asset("map.html")).substitute(
        csp=html.escape(csp, quote=True),
        title=html.escape(title, quote=True),
        subtitle=html.escape(subtitle or "", quote=True),
        counts=html.escape(counts),
        css=css,
        data=json_for_html(data),
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


def make_map(G: nx.Graph, *, focus: str | None = None, depth: int = 2, country: str | None = None,
             programme: str | None = None, title: str | None = None, subtitle: str | None = None,
             layout: str = "auto", resolve: Resolver | None = None, drop_isolated: bool = False) -> MapResult:
    """Render one view of a projected network: the whole landscape, or a focus, country or programme.

    At most one of ``focus``, ``country`` and ``programme`` may be given. Their names
    are node keys, prefixed names, labels or aliases of ``G``; with ``resolve``, the
    name is first turned into a node key by ``resolve(view, name)`` (``view`` is
    ``"focus"``, ``"country"`` or ``"programme"``), which is how
    :meth:`tipgraph.KnowledgeGraph.map` lets the store resolve acronyms and ISO codes.
    ``drop_isolated`` leaves out the nodes with no link (but the view's subject), which
    is what a map of a few relations wants. Literal facts (dates, counts, tiers) reach
    the page when ``G`` went through :func:`tipgraph.maps.add_facts` first.

    >>> import tipgraph
    >>> make_map(tipgraph.load().network(), programme="PROTECT").title
    'Programme: PROTECT'
    """
    chosen = [(view, name) for view, name in (("focus", focus), ("country", country), ("programme", programme))
              if name is not None]
    if len(chosen) > 1:
        raise BadInputError("choose one view: focus, country or programme")
    if chosen:
        kind, name = chosen[0]
        key = resolve(kind, name) if resolve is not None else name
        if kind == "focus":
            view = focus_view(G, key, depth)
        elif kind == "country":
            view = country_view(G, key)
        else:
            view = programme_view(G, key)
        label = str(G.nodes[view.graph["focus"][0]].get("label", key))
        default_title = {"focus": f"{label}: neighbourhood (depth {depth})", "country": f"Who works in {label}",
                         "programme": f"Programme: {label}"}[kind]
    else:
        view = G
        default_title = "Who does what against trafficking in persons and smuggling of migrants"
    if drop_isolated and view.number_of_edges():
        alone = [v for v in view if view.degree(v) == 0 and v not in set(view.graph.get("focus") or [])]
        if alone:
            view = view.copy() if view is G else view
            view.remove_nodes_from(alone)
    final_title = title or default_title
    if subtitle is None:
        n_sources = len({s for _, d in view.nodes(data=True) for s in d.get("sources", [])})
        subtitle = (f"tipgraph knowledge graph · facts from {n_sources} source document"
                    f"{'s' if n_sources != 1 else ''} · dashed links are inferred")
    page = render_html(view, title=final_title, subtitle=subtitle, layout=layout)
    return MapResult(page, view.number_of_nodes(), view.number_of_edges(), final_title)
