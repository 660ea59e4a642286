"""The map's facts, country view, dimming, filters, time slider, pictures and search, in real headless Chromium.

Uses the browser harness of ``tests/test_browser.py`` (network cut off, CSP violations
recorded). Every map here has gone through :func:`tipgraph.maps.add_facts`, the way a map
made from a store shows its literal facts. Screenshots go to ``test-output/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import tipgraph
from tipgraph.maps import add_facts, make_map, render_html
from tipgraph.network import project, resolve_place

from test_browser import browser, hover, node_id, open_map  # noqa: F401  (browser: the shared fixture)

pytestmark = pytest.mark.browser

PK = "https://w3id.org/tipgraph/id/plc-0003"
FIA = "https://w3id.org/tipgraph/id/org-0011"
MOI = "https://w3id.org/tipgraph/id/org-0010"
MOFA = "https://w3id.org/tipgraph/id/org-0013"
WORKSHOP = "https://w3id.org/tipgraph/id/evt-0001"
RANKING = "https://w3id.org/tipgraph/id/rnk-0001"


@pytest.fixture(scope="module")
def chrome(browser: Any) -> Any:  # noqa: F811  (the name of test_browser's fixture)
    return browser


@pytest.fixture(scope="module")
def FG(kg_ox: tipgraph.KnowledgeGraph) -> nx.MultiDiGraph:
    """The seed network with its literal facts."""
    return add_facts(kg_ox.network(), kg_ox.store)


def save(tmp_path: Path, name: str, page_html: str) -> Path:
    path = tmp_path / name
    path.write_text(page_html, encoding="utf-8")
    return path


def click(page: Any, nid: str) -> None:
    pos = page.evaluate("id => tipgraphMap.domPosition(id)", nid)
    page.mouse.click(pos["x"], pos["y"])


def test_tooltip_and_panel_show_facts_and_sources(chrome: Any, FG: nx.MultiDiGraph, tmp_path: Path,
                                                   output_dir: Path) -> None:
    m = open_map(chrome, save(tmp_path, "facts.html", make_map(FG).html))
    try:
        page = m.page
        wid = node_id(page, WORKSHOP)
        text = hover(page, wid)
        for want in ("start date: 2024-10-11", "participant count: 68", "share of women: 18% (12 of 68)",
                     "place: Islamabad", "UNODC, 2024-10-11"):
            assert want in text, (want, text)
        page.screenshot(path=str(output_dir / "map-tooltip-facts.png"))
        click(page, wid)
        details = page.inner_text("#tg-details")
        assert "FACTS" in details.upper() and "female participant count" in details and "68" in details
        assert "published by UNODC" in details
        links = page.evaluate("[...document.querySelectorAll('#tg-details a.tg-source')]"
                              ".map(a => [a.href, a.rel, a.target])")
        assert links and all(h.startswith("https://") and r == "noopener noreferrer" and t == "_blank"
                              for h, r, t in links), links
        # a control: a node without facts shows no facts field
        click(page, node_id(page, "https://w3id.org/tipgraph/id/thm-0001"))
        assert "FACTS" not in page.inner_text("#tg-details").upper()
        m.assert_clean()
    finally:
        m.close()


def test_evidence_and_unsafe_urls(chrome: Any, tmp_path: Path) -> None:
    G = nx.MultiDiGraph()
    G.add_node("a", label="Agency A", group="organisation", sources=["Release 1", "Release 2"],
               source_urls=["https://example.org/r1", "javascript:alert(1)"], source_dates=["2025-01-02", ""],
               evidence="the agency A trained 40 officers", facts=[["participant count", "40"]])
    G.add_node("b", label="Workshop B", group="event", start="2025-01-02")
    G.add_edge("a", "b", key="organises", label="organises", evidence=["A organised the workshop B"])
    G.graph["source_publishers"] = {"Release 1": "Agency A press office"}
    m = open_map(chrome, save(tmp_path, "evidence.html", render_html(G, title="evidence")))
    try:
        page = m.page
        text = hover(page, "n0")
        assert "\u201cthe agency A trained 40 officers\u201d" in text and "Agency A press office" in text
        click(page, "n0")
        hrefs = page.evaluate("[...document.querySelectorAll('#tg-details a')].map(a => a.href)")
        assert hrefs == ["https://example.org/r1"]  # the javascript: URL stays text
        assert "Release 2" in page.inner_text("#tg-details")
        m.assert_clean()
    finally:
        m.close()


def test_country_view_shows_the_state_bodies_and_the_events(chrome: Any, kg_ox: tipgraph.KnowledgeGraph,
                                                             FG: nx.MultiDiGraph, tmp_path: Path,
                                                             output_dir: Path) -> None:
    result = make_map(FG, country="PK", resolve=lambda view, name: resolve_place(kg_ox.store, name))
    m = open_map(chrome, save(tmp_path, "pk.html", result.html))
    try:
        page = m.page
        labels = set(page.evaluate("tipgraphMap.data.nodes.map(n => n.l)"))
        for want in ("Federal Investigation Agency", "Ministry of Interior (Pakistan)",
                     "Ministry of Foreign Affairs (Pakistan)", "Government of Pakistan",
                     "Inter-ministerial consultative workshop on TIP and SOM, Islamabad", "PROTECT", "UNODC"):
            assert want in labels, want
        # a control: an organisation with no link to Pakistan stays out
        assert "U.S. Department of State" not in labels
        page.screenshot(path=str(output_dir / "map-country-pk-members.png"))
        m.assert_clean()
    finally:
        m.close()


def test_selecting_dims_all_but_the_neighbourhood(chrome: Any, FG: nx.MultiDiGraph, tmp_path: Path,
                                                  output_dir: Path) -> None:
    m = open_map(chrome, save(tmp_path, "dim.html", make_map(FG).html))
    try:
        page = m.page
        assert page.evaluate("tipgraphMap.dimmed()") == 0
        fid = node_id(page, FIA)
        click(page, fid)
        neighbourhood = 1 + len(set(FG.successors(FIA)) | set(FG.predecessors(FIA)))
        assert page.evaluate("tipgraphMap.dimmed()") == FG.number_of_nodes() - neighbourhood
        assert page.evaluate("id => tipgraphMap.nodes.get(id).opacity", fid) == 1
        faded = page.evaluate("tipgraphMap.nodes.get().filter(n => n.opacity < 1).length")
        assert faded == FG.number_of_nodes() - neighbourhood
        # the selected node's links get their labels, and the address names the node
        assert page.evaluate("location.hash") == "#node=tgd%3Aorg-0011"
        page.screenshot(path=str(output_dir / "map-landscape-dimmed.png"))
        page.mouse.click(5, 200)  # empty canvas: everything back
        assert page.evaluate("tipgraphMap.dimmed()") == 0
        m.assert_clean()
    finally:
        m.close()


def test_filters_relayout_and_drop_isolated_nodes(chrome: Any, FG: nx.MultiDiGraph, tmp_path: Path,
                                                  output_dir: Path) -> None:
    m = open_map(chrome, save(tmp_path, "filters.html", make_map(FG).html))
    try:
        page = m.page
        total = page.evaluate("tipgraphMap.visible().nodes.length")
        assert total == FG.number_of_nodes()
        before = page.evaluate("tipgraphMap.network.getPositions()")
        keep = {"implements", "funds", "active in"}
        # no relation, then three of them, through the panel's buttons and checkboxes
        page.click("#tg-rel-none")
        assert page.evaluate("tipgraphMap.visible()") == {"nodes": [], "edges": []}
        for box in page.query_selector_all("#tg-relations input"):
            if box.evaluate("b => b.parentElement.children[1].textContent") in keep:
                box.check()
        page.wait_for_selector("#tg-filter-status:not(:empty)")
        page.wait_for_timeout(200)
        for _ in range(100):
            if page.evaluate("tipgraphMap.layoutDone"):
                break
            page.wait_for_timeout(100)
        shown = page.evaluate("tipgraphMap.visible()")
        rels = {FG.edges[e]["label"] for e in FG.edges(keys=True) if FG.edges[e]["label"] in keep}
        expected_nodes = {v for u, w, k, d in FG.edges(keys=True, data=True) if d["label"] in rels for v in (u, w)}
        assert len(shown["nodes"]) == len(expected_nodes) < total
        assert len(shown["edges"]) == sum(1 for *_, d in FG.edges(keys=True, data=True) if d["label"] in rels)
        # every node still shown has a link shown (no isolated nodes)
        linked = page.evaluate("""() => { const v = tipgraphMap.visible(), on = new Set(v.edges), s = new Set();
            tipgraphMap.data.edges.forEach(e => { if (on.has(e.id)) { s.add(e.f); s.add(e.t); } });
            return v.nodes.every(n => s.has(n)); }""")
        assert linked
        # few links left: each is labelled
        labelled = page.evaluate("tipgraphMap.edges.get().filter(e => !e.hidden && e.label).length")
        assert labelled == len(shown["edges"])
        after = page.evaluate("tipgraphMap.network.getPositions()")
        assert any(before[k] != after[k] for k in shown["nodes"]), "the filter did not re-layout"
        page.screenshot(path=str(output_dir / "map-landscape-filtered.png"))
        # the source filter: only one source's facts
        page.click("#tg-filter-reset")
        assert page.evaluate("tipgraphMap.visible().nodes.length") == total
        page.select_option("#tg-source-filter", index=1)
        one = page.evaluate("tipgraphMap.visible()")
        assert 0 < len(one["edges"]) < FG.number_of_edges()
        src = page.evaluate("Number(document.getElementById('tg-source-filter').value)")
        assert page.evaluate("s => tipgraphMap.visible().edges.every(id => "
                             "tipgraphMap.data.edges[Number(id.slice(1))].src.includes(s))", src)
        m.assert_clean()
    finally:
        m.close()


def test_time_slider_and_timeline(chrome: Any, kg_ox: tipgraph.KnowledgeGraph, FG: nx.MultiDiGraph,
                                  tmp_path: Path, output_dir: Path) -> None:
    result = make_map(FG, country="PK", resolve=lambda view, name: resolve_place(kg_ox.store, name))
    m = open_map(chrome, save(tmp_path, "time.html", result.html))
    try:
        page = m.page
        dates = page.evaluate("tipgraphMap.dates")
        assert "2024-10-11" in dates
        wid = node_id(page, WORKSHOP)
        assert wid in page.evaluate("tipgraphMap.visible().nodes")
        # slide to before the first date: the workshop has not happened yet
        page.evaluate("""() => { const s = document.getElementById('tg-time'); s.value = '0';
                                 s.dispatchEvent(new Event('input')); }""")
        first = dates[0]
        if first == "2024-10-11":
            assert wid in page.evaluate("tipgraphMap.visible().nodes")  # begun on the first day
        page.fill("#tg-date-to", "2024-10-10")
        page.dispatch_event("#tg-date-to", "change")
        assert wid not in page.evaluate("tipgraphMap.visible().nodes")
        assert page.inner_text("#tg-time-label") == "up to 2024-10-10"
        page.click("#tg-filter-reset")
        assert wid in page.evaluate("tipgraphMap.visible().nodes")
        # the timeline: the workshop with its participants and share of women
        page.click("#tg-timeline-open")
        text = page.inner_text("#tg-timeline")
        assert "Inter-ministerial consultative workshop" in text and "68 participants, 18% women" in text
        page.screenshot(path=str(output_dir / "map-country-pk-timeline.png"))
        m.assert_clean()
    finally:
        m.close()


def test_png_and_svg_of_the_current_view(chrome: Any, FG: nx.MultiDiGraph, tmp_path: Path,
                                         output_dir: Path) -> None:
    m = open_map(chrome, save(tmp_path, "pictures.html", make_map(FG, programme="PROTECT").html))
    try:
        page = m.page
        # a small map labels every link (the busy landscape does not: see the label test)
        assert page.evaluate("tipgraphMap.edges.get().filter(e => e.label).length") \
            == page.evaluate("tipgraphMap.data.edges.length") > 20
        with page.expect_download() as info:
            page.click("#tg-png")
        png = info.value
        target = output_dir / "map-programme-protect-export.png"
        png.save_as(str(target))
        data = target.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000
        assert png.suggested_filename.endswith(".png")
        with page.expect_download() as info:
            page.click("#tg-svg")
        svg_path = tmp_path / "view.svg"
        info.value.save_as(str(svg_path))
        svg = svg_path.read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "PROTECT" in svg and "<script" not in svg
        assert page.evaluate("document.querySelectorAll('a[download]').length") == 0  # the download link is gone
        m.assert_clean()
    finally:
        m.close()


def test_exact_match_first_and_node_links(chrome: Any, FG: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = save(tmp_path, "search.html", make_map(FG).html)
    m = open_map(chrome, path)
    try:
        page = m.page
        page.fill("#tg-search", "pakistan")
        page.press("#tg-search", "Enter")
        assert page.evaluate("tipgraphMap.network.getSelectedNodes()") == [node_id(page, PK)]
        assert page.inner_text("#tg-details .tg-details-title") == "Pakistan"
        first = page.inner_text("#tg-results li:first-child")
        assert first.strip() == "Pakistan"
        # a control: a substring with no exact match still finds the longer names
        page.fill("#tg-search", "pakist")
        page.press("#tg-search", "Enter")
        assert len(page.query_selector_all("#tg-results li")) > 3
        m.assert_clean()
    finally:
        m.close()
    # #node= opens the map on that node
    m = open_map(chrome, path)
    try:
        page = m.page
        page.goto(path.resolve().as_uri() + "#node=tgd:org-0011")
        page.wait_for_selector("html[data-tg-ready='1']", state="attached")
        page.wait_for_selector("#tg-details .tg-details-title")
        assert page.inner_text("#tg-details .tg-details-title") == "Federal Investigation Agency"
        m.assert_clean()
    finally:
        m.close()


def test_ranking_has_its_own_group(chrome: Any, FG: nx.MultiDiGraph, tmp_path: Path) -> None:
    m = open_map(chrome, save(tmp_path, "ranking.html", make_map(FG).html))
    try:
        page = m.page
        assert page.evaluate("id => tipgraphMap.data.nodes.find(n => n.id === id).g", node_id(page, RANKING)) \
            == "ranking"
        assert "Ranking" in page.inner_text("#tg-legend") and "Other" not in page.inner_text("#tg-legend")
        m.assert_clean()
    finally:
        m.close()


def test_landscape_labels_do_not_overlap(chrome: Any, FG: nx.MultiDiGraph, tmp_path: Path,
                                         output_dir: Path) -> None:
    m = open_map(chrome, save(tmp_path, "labels.html", make_map(FG).html))
    try:
        page = m.page
        page.wait_for_timeout(400)
        # busy map: link labels only on demand, and not all node labels at the fitted scale
        assert page.evaluate("tipgraphMap.edges.get().filter(e => e.label).length") == 0
        hidden_fitted = page.evaluate("tipgraphMap.labelsHidden()")
        page.evaluate("tipgraphMap.network.moveTo({scale: 3})")
        page.evaluate("tipgraphMap.network.emit('zoom', {})")
        page.wait_for_timeout(400)
        assert page.evaluate("tipgraphMap.edges.get().filter(e => e.label).length") == FG.number_of_edges()
        assert hidden_fitted > 0  # the landscape has labels that would overlap: some are left out
        # selecting a node labels its whole neighbourhood
        hub = max(FG, key=FG.degree)
        page.evaluate("id => tipgraphMap.select(id)", node_id(page, hub))
        page.wait_for_timeout(400)
        near = page.evaluate("""id => { const s = new Set([id]);
            tipgraphMap.data.edges.forEach(e => { if (e.f === id || e.t === id) { s.add(e.f); s.add(e.t); } });
            return [...s].filter(n => !tipgraphMap.nodes.get(n).label).length; }""", node_id(page, hub))
        assert near == 0
        page.screenshot(path=str(output_dir / "map-landscape-zoomed.png"))
        m.assert_clean()
    finally:
        m.close()


def test_hostile_facts_stay_text(chrome: Any, xss, tmp_path: Path) -> None:
    from tipgraph.loading import load_files
    from tipgraph.resources import ONTOLOGY_GRAPH, ontology_file
    from tipgraph.store import open_store

    store = open_store("oxigraph:")
    load_files(store, [ontology_file()], graph=ONTOLOGY_GRAPH)
    load_files(store, [xss.path])
    G = add_facts(project(store), store)
    for v in list(G)[:3]:
        G.nodes[v]["evidence"] = xss.payloads[0]
        G.nodes[v]["facts"] = [[xss.payloads[1], xss.payloads[2]]]
    m = open_map(chrome, save(tmp_path, "xss-facts.html", render_html(G, title="x")))
    try:
        page = m.page
        for nid in page.evaluate("tipgraphMap.data.nodes.map(n => n.id)"):
            hover(page, nid)
            click(page, nid)
        page.evaluate("tipgraphMap.timeline()")
        page.evaluate("tipgraphMap.svg()")
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert page.evaluate("document.querySelectorAll('img, iframe, object, embed, a[href]').length") == 0
        m.assert_clean()
    finally:
        m.close()
