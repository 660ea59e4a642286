"""Interactive network maps as one self-contained, offline-safe HTML file.

The maps draw a projected network (:func:`tipgraph.network.project`); they never read
the store. :meth:`tipgraph.KnowledgeGraph.map` projects the store, resolves names and
calls :func:`make_map`. The page is built from our own template
(``templates/map.html``, ``assets/map.css`` and ``assets/map.js``) with the
vis-network build that ships inside the ``pyvis`` package inlined into it, so it:

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

In the page: tooltips and a details panel with the literal facts (dates, place, counts
and share of women, tiers, notes), each source with its publisher, date and link (http(s)
only, ``rel="noopener noreferrer"``) and any ``evidence`` span; selecting a node dims all
but its neighbourhood and labels it; link labels on hover, on selection, zoomed in, or
always on small maps; node labels that would overlap are left out; filters by link kind,
source and date range (and a time slider) that drop the nodes they leave alone and lay
the rest out again; search that puts exact names first; a timeline of dated events and
engagements; PNG and SVG of the current view; ``#node=tgd:org-0011`` opens on a node.

Modules: :mod:`~tipgraph.maps.assets` (inlined scripts, CSP hashes, safe JSON),
:mod:`~tipgraph.maps.layout`, :mod:`~tipgraph.maps.views` (focus, country, programme),
:mod:`~tipgraph.maps.payload` (the page's data) and :mod:`~tipgraph.maps.page`;
:func:`add_facts` (from :mod:`tipgraph.network.facts`) puts the literal facts and the
sources' publishers onto a projected network before it is drawn.

>>> import tipgraph
>>> m = make_map(tipgraph.load().network(), programme="PROTECT")
>>> m.title
'Programme: PROTECT'
"""

from .assets import VIS_VERSION, json_for_html, vis_network_js
from ..network.facts import add_facts, share_of_women
from .layout import compute_layout
from .page import MapResult, make_map, render_html
from .payload import EDGE_LABEL_LIMIT, GROUP_STYLES, PHYSICS_LIMIT, PHYSICS_SEED_FROM
from .views import country_view, focus_view, programme_view

__all__ = ["EDGE_LABEL_LIMIT", "GROUP_STYLES", "PHYSICS_LIMIT", "PHYSICS_SEED_FROM", "VIS_VERSION", "MapResult",
           "add_facts", "compute_layout", "country_view", "focus_view", "json_for_html", "make_map", "programme_view",
           "render_html", "share_of_women", "vis_network_js"]
