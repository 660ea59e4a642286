"""Maps in a real headless Chromium with the network cut off.

Debian's ``chromium`` is driven through Playwright's Python package (pointed at that
executable; Playwright's own browser download is never used). Every request that is not
the map file itself is refused and recorded, the browser context is offline, and a
listener records any Content-Security-Policy violation: the tests assert that none
happened. Screenshots go to ``test-output/``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import tipgraph
from tipgraph.loading import load_files
from tipgraph.maps import PHYSICS_LIMIT, MapResult, render_html
from tipgraph.network import project
from tipgraph.resources import ONTOLOGY_GRAPH, ontology_file
from tipgraph.store import open_store

pytestmark = pytest.mark.browser

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
        "--disable-extensions"]
HOW_TO_INSTALL = ("headless Chromium not found: run 'make browser' (as root: apt-get install chromium) "
                  "to run the browser tests")
WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def chromium_path() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="module")
def browser() -> Any:
    exe = chromium_path()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail(HOW_TO_INSTALL + " (CI must run the browser tests, not skip them)")
        pytest.skip(HOW_TO_INSTALL)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("the playwright Python package is missing: pip install -e '.[test]'")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Opened:
    """A map open in a page, with everything suspicious it did."""

    page: Any
    context: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations")

    def assert_clean(self) -> None:
        assert self.blocked == [], f"the page tried to load: {self.blocked}"
        assert self.errors == [], self.errors
        assert self.dialogs == [], self.dialogs
        assert self.csp_violations() == []

    def close(self) -> None:
        self.context.close()


def open_map(browser: Any, path: Path, *, ready_timeout: float = 60) -> Opened:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, offline=True)
    context.add_init_script(WATCH)
    page = context.new_page()
    opened = Opened(page, context)
    page_url = path.resolve().as_uri()

    def route(r: Any) -> None:
        url = r.request.url
        if url == page_url or url.startswith(("about:", "data:")):
            r.continue_()
        else:
            opened.blocked.append(url)
            r.abort()

    context.route("**/*", route)
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)

    def on_dialog(d: Any) -> None:
        opened.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.goto(page_url)
    # The map marks <html data-tg-ready="1"> once drawn. (A selector, not wait_for_function:
    # Playwright evaluates string predicates with eval, which the map's CSP forbids.)
    page.wait_for_selector("html[data-tg-ready='1']", state="attached", timeout=ready_timeout * 1000)
    return opened


def node_id(page: Any, iri: str) -> str:
    return page.evaluate("iri => tipgraphMap.data.nodes.find(n => n.i === iri).id", iri)


def hover(page: Any, nid: str) -> str:
    """Move the mouse onto a node; return the tooltip's text."""
    pos = page.evaluate("id => tipgraphMap.domPosition(id)", nid)
    page.mouse.move(pos["x"] - 40, pos["y"] - 40)
    page.mouse.move(pos["x"], pos["y"], steps=4)
    page.wait_for_selector("#tg-tooltip:not([hidden])", timeout=5000)
    return page.inner_text("#tg-tooltip")


def test_seed_map_draws_every_node_and_edge_and_shows_tooltips(seed, browser: Any, kg_ox: tipgraph.KnowledgeGraph,
                                                               G: nx.MultiDiGraph, tmp_path: Path,
                                                               output_dir: Path) -> None:
    result = kg_ox.map()
    path = result.save(tmp_path / "seed-map.html")
    m = open_map(browser, path)
    try:
        counts = m.page.evaluate("tipgraphMap.counts()")
        assert counts["nodes"] == G.number_of_nodes() == result.nodes
        assert counts["edges"] == G.number_of_edges() == result.edges
        text = hover(m.page, node_id(m.page, seed.unodc))
        assert text.startswith("UNODC")
        assert "Intergovernmental organisation" in text
        assert "United Nations Office on Drugs and Crime" in text
        assert "UNODC press release" in text
        m.page.screenshot(path=str(output_dir / "seed-map.png"))
        # clicking shows the details as text, with the IRI
        pos = m.page.evaluate("id => tipgraphMap.domPosition(id)", node_id(m.page, seed.icmpd))
        m.page.mouse.click(pos["x"], pos["y"])
        details = m.page.inner_text("#tg-details")
        assert "ICMPD" in details and seed.icmpd in details and "implements →" in details
        # every source comes with its date, and a link to read it (http(s) only, no opener)
        assert "(UNODC, 2024-10-11)" in hover(m.page, node_id(m.page, seed.workshop))
        pos = m.page.evaluate("id => tipgraphMap.domPosition(id)", node_id(m.page, seed.workshop))
        m.page.mouse.click(pos["x"], pos["y"])
        links = m.page.evaluate("[...document.querySelectorAll('#tg-details a.tg-source')]"
                                ".map(a => [a.textContent, a.href, a.rel, a.target])")
        assert links and all(href.startswith("https://www.unodc.org/") and rel == "noopener noreferrer"
                              and target == "_blank" for _, href, rel, target in links), links
        # search highlights and lists matches
        m.page.fill("#tg-search", "fia")
        m.page.wait_for_selector("#tg-results:not([hidden])")
        assert "Federal Investigation Agency" in m.page.inner_text("#tg-results")
        m.page.press("#tg-search", "Enter")
        assert m.page.evaluate("tipgraphMap.network.getSelectedNodes().length") >= 1
        m.page.screenshot(path=str(output_dir / "seed-map-search.png"))
        m.assert_clean()
    finally:
        m.close()


@pytest.mark.parametrize("view", [{"focus": "UNODC", "depth": 2}, {"country": "PK"}, {"programme": "PROTECT"}],
                         ids=["focus", "country", "programme"])
def test_views_draw(browser: Any, kg_ox: tipgraph.KnowledgeGraph, tmp_path: Path, output_dir: Path,
                    view: dict[str, Any]) -> None:
    result = kg_ox.map(**view)
    name = "-".join(str(v) for v in view.values()).lower()
    m = open_map(browser, result.save(tmp_path / f"{name}.html"))
    try:
        counts = m.page.evaluate("tipgraphMap.counts()")
        assert (counts["nodes"], counts["edges"]) == (result.nodes, result.edges)
        assert m.page.inner_text("#tg-title") == result.title
        assert "selected" in m.page.inner_text("#tg-details").lower()  # the view's subject is shown
        m.page.screenshot(path=str(output_dir / f"map-{name}.png"))
        m.assert_clean()
    finally:
        m.close()


def test_hostile_labels_never_run(browser: Any, xss, tmp_path: Path, output_dir: Path) -> None:
    store = open_store("oxigraph:")
    load_files(store, [ontology_file()], graph=ONTOLOGY_GRAPH)
    load_files(store, [xss.path])
    # Source documents are normally attributes; ask for them as nodes so their labels get hovered too.
    G = project(store, classes=["Organisation", "Programme", "Place", "Person", "Document", "Event", "Facility",
                                "Theme"])
    assert G.number_of_nodes() >= 6
    page_html = render_html(G, title=xss.payloads[2] + " href", subtitle=xss.payloads[0])
    path = tmp_path / "xss.html"
    path.write_text(page_html, encoding="utf-8")
    m = open_map(browser, path)
    try:
        page = m.page
        seen = []
        for n in page.evaluate("tipgraphMap.data.nodes.map(n => n.id)"):
            seen.append(hover(page, n))
            pos = page.evaluate("id => tipgraphMap.domPosition(id)", n)
            page.mouse.click(pos["x"], pos["y"])
            page.inner_text("#tg-details")
        # hover the middle of every link too
        for e in page.evaluate("tipgraphMap.data.edges.map(e => [e.f, e.t])"):
            a, b = (page.evaluate("id => tipgraphMap.domPosition(id)", x) for x in e)
            page.mouse.move((a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2, steps=3)
        for payload in [*xss.payloads, "href"]:
            page.fill("#tg-search", payload)
            page.press("#tg-search", "Enter")
            page.wait_for_timeout(150)
        page.wait_for_timeout(300)
        # the payloads are shown, as text
        assert any(t.startswith(xss.payloads[0]) for t in seen)
        assert any(xss.payloads[2] in t for t in seen)
        assert page.inner_text("#tg-title") == xss.payloads[2] + " href"
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert page.evaluate("document.querySelectorAll('img, iframe, object, embed, a[href]').length") == 0
        assert page.evaluate("[...document.querySelectorAll('svg')].every(s => s.classList.contains('tg-swatch'))")
        assert page.evaluate("document.scripts.length") == 3
        page.screenshot(path=str(output_dir / "xss-map.png"))
        m.assert_clean()
    finally:
        m.close()


def test_large_map_uses_the_python_layout_and_draws_fast(browser: Any, tmp_path: Path) -> None:
    n = PHYSICS_LIMIT * 4
    H = nx.MultiDiGraph()
    for i in range(n):
        H.add_node(i, label=f"actor {i}", group=["organisation", "programme", "place"][i % 3], cls="Organisation")
    for u, v in nx.barabasi_albert_graph(n, 2, seed=5).edges():
        H.add_edge(u, v, key="partnerOf", label="partner of", sources=["synthetic"])
    path = tmp_path / "large.html"
    path.write_text(render_html(H, title="Large"), encoding="utf-8")
    m = open_map(browser, path, ready_timeout=60)
    try:
        counts = m.page.evaluate("tipgraphMap.counts()")
        assert (counts["nodes"], counts["edges"]) == (H.number_of_nodes(), H.number_of_edges())
        assert m.page.evaluate("tipgraphMap.network.physics.physicsEnabled") is False
        m.assert_clean()
    finally:
        m.close()


def test_notebook_iframe_renders_the_map(browser: Any, kg_ox: tipgraph.KnowledgeGraph, tmp_path: Path,
                                         output_dir: Path) -> None:
    result: MapResult = kg_ox.map(programme="PROTECT")
    host = tmp_path / "notebook.html"
    host.write_text("<!DOCTYPE html><html><body><h1>notebook cell output</h1>" + result._repr_html_()
                    + "</body></html>", encoding="utf-8")
    context = browser.new_context(viewport={"width": 1200, "height": 800}, offline=True)
    blocked: list[str] = []
    context.route("**/*", lambda r: r.continue_() if r.request.url == host.resolve().as_uri()
                  else (blocked.append(r.request.url), r.abort()))
    try:
        page = context.new_page()
        page.goto(host.resolve().as_uri())
        frame = page.frames[1]
        frame.wait_for_selector("html[data-tg-ready='1']", state="attached", timeout=60_000)
        assert frame.evaluate("tipgraphMap.counts().nodes") == result.nodes
        page.screenshot(path=str(output_dir / "notebook-iframe.png"))
        assert blocked == []
    finally:
        context.close()
