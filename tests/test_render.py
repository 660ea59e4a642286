"""Map rendering (tipgraph.maps) without a browser: the HTML itself, the views, the layout."""

from __future__ import annotations

import ast
import base64
import hashlib
import html
import importlib.util
import json
import math
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

import tipgraph
from tipgraph import maps as R  # noqa: N812  (R: the renderer, as before)
from tipgraph.errors import BadInputError
from tipgraph.loading import load_files
from tipgraph.maps.assets import asset
from tipgraph.network import project
from tipgraph.resources import ONTOLOGY_GRAPH, ontology_file
from tipgraph.store import open_store


class Page(HTMLParser):
    """The parts of a page that matter here: tags with attributes, scripts and styles."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self._in: tuple[str, dict[str, str | None]] | None = None
        self._buf: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in, self._buf = (tag, dict(attrs)), []

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buf.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._in and tag == self._in[0]:
            text = "".join(self._buf)
            if tag == "script":
                self.scripts.append((self._in[1], text))
            else:
                self.styles.append(text)
            self._in = None

    def meta_csp(self) -> str:
        return next(a["content"] or "" for t, a in self.tags
                    if t == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy")


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.fixture(scope="module")
def kg_ox(seed_kg_ox: tipgraph.KnowledgeGraph) -> tipgraph.KnowledgeGraph:
    """The seed's own part of the data (and ``G``, its projection): the expectations below are
    about the seed's network, which other sources added to data/ would change."""
    return seed_kg_ox


@pytest.fixture(scope="module")
def seed_html(G) -> str:
    return R.render_html(G, title="Seed map")


@pytest.fixture(scope="module")
def xss_graph(xss):
    store = open_store("oxigraph:")
    load_files(store, [ontology_file()], graph=ONTOLOGY_GRAPH)
    load_files(store, [xss.path])
    return project(store)


def data_of(page: str) -> dict:
    p = Page(page)
    return json.loads(next(text for attrs, text in p.scripts if attrs.get("id") == "tipgraph-data"))


def test_csp_allows_only_our_hashed_scripts_and_styles(seed_html: str) -> None:
    page = Page(seed_html)
    csp = dict(part.strip().split(" ", 1) for part in page.meta_csp().split(";"))
    assert csp["default-src"] == "'none'"
    assert "unsafe-inline" not in csp["script-src"] and "unsafe-eval" not in csp["script-src"]
    assert "unsafe-inline" not in csp["style-src"]
    executable = [text for attrs, text in page.scripts if attrs.get("type") != "application/json"]
    assert len(executable) == 2
    assert sorted(csp["script-src"].split()) == sorted(sha(t) for t in executable)
    assert csp["style-src"].split() == [sha(t) for t in page.styles]
    assert not [a for _, a in page.tags for k in a if k.startswith("on")]  # no inline event handlers
    assert not [a for _, a in page.tags if "style" in a]                    # no style attributes


# URLs that appear in the page as text but load nothing: the licence header and
# comments of the inlined vis-network build, and the SVG namespace name that
# document.createElementNS needs. The browser test proves that no request is made.
NON_LOADING = {
    "https://visjs.github.io/vis-network/", "http://almende.com", "https://github.com/visjs",
    "http://www.apache.org/licenses/LICENSE-2.0", "http://opensource.org/licenses/MIT",
    "http://www.w3.org/2000/svg", "https://github.com/uuidjs/uuid#getrandomvalues-not-supported",
    "https://github.com/zloirock/core-js", "https://github.com/zloirock/core-js/blob/v3.21.1/LICENSE",
}


def test_no_reference_that_loads_anything_from_a_host(seed_html: str) -> None:
    """Nothing in the page can fetch from a host.

    Checked three ways: (1) no element may load by attribute (src, href, srcset,
    action, data, poster, formaction) or be a <link>, <iframe>, <object>, <embed> or
    <base>; (2) no style may use url() with a host or @import; (3) every http(s) URL
    anywhere in the text is in NON_LOADING, a list of strings that load nothing
    (licence comments inside vis-network's minified code, the SVG namespace name), and
    no script calls fetch/XMLHttpRequest/importScripts/import() or new Worker/WebSocket
    with a URL. The CSP's default-src 'none' blocks anything else, and the browser test
    runs the page with every request refused and recorded.
    """
    page = Page(seed_html)
    assert not [t for t, _ in page.tags if t in ("link", "iframe", "object", "embed", "base", "img", "frame")]
    loading_attrs = {"src", "href", "srcset", "action", "data", "poster", "formaction", "background"}
    assert not [(t, a) for t, a in page.tags if loading_attrs & set(a)]
    for css in page.styles:
        assert "@import" not in css
        assert not re.search(r"url\(\s*['\"]?\s*(https?:|//)", css, re.I)
    # The JSON data block holds the entities' IRIs as identifiers shown as text; it is
    # never executed (type application/json) and nothing in it is used as an address.
    data_block = next(text for attrs, text in page.scripts if attrs.get("id") == "tipgraph-data")
    code = seed_html.replace(data_block, "")
    urls = set(re.findall(r"https?://[^\s\"'()<>\\]+", code))
    assert urls <= NON_LOADING, urls - NON_LOADING
    app = asset("map.js")
    assert not re.search(r"\b(fetch|XMLHttpRequest|importScripts|WebSocket|EventSource|Worker)\b|import\(", app)
    assert "innerHTML" not in app and "outerHTML" not in app and "insertAdjacentHTML" not in app
    assert "document.write" not in app and "eval(" not in app


def test_data_is_only_json_and_node_ids_are_opaque(seed, G, seed_html: str) -> None:
    data = data_of(seed_html)
    assert len(data["nodes"]) == G.number_of_nodes() and len(data["edges"]) == G.number_of_edges()
    assert all(re.fullmatch(r"n\d+", n["id"]) for n in data["nodes"])
    assert all(re.fullmatch(r"e\d+", e["id"]) for e in data["edges"])
    unodc = next(n for n in data["nodes"] if n["l"] == "UNODC")
    assert unodc["i"] == seed.unodc and unodc["g"] == "organisation" and unodc["c"] == "Intergovernmental organisation"
    assert "United Nations Office on Drugs and Crime" in unodc["a"]
    assert data["settings"]["physics"] is True  # a small map settles in the browser


def test_hostile_labels_stay_data(xss_graph, xss) -> None:
    page = R.render_html(xss_graph, title=xss.payloads[0] + " href", subtitle=xss.payloads[1])
    for payload in xss.payloads:
        assert payload not in page
    assert "<svg" not in page.lower().replace("createelementns(svg", "")
    parsed = Page(page)
    assert len(parsed.scripts) == 3  # no script element was smuggled in
    assert [t for t, _ in parsed.tags].count("script") == 3
    assert not [t for t, _ in parsed.tags if t in ("img", "svg", "a")]
    # the title and subtitle are escaped text
    assert f"<h1 id=\"tg-title\">{html.escape(xss.payloads[0])} href</h1>" in page
    # the JSON still carries the exact strings
    data = data_of(page)
    labels = {n["l"] for n in data["nodes"]}
    assert xss.payloads[0] in labels and '"><svg onload=window.__xss=1>' in labels
    assert any("href" in s for s in data["sources"])


def test_json_for_html_escapes_what_could_close_the_script() -> None:
    text = R.json_for_html({"x": "</script><!-- & \u2028\u2029"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"x": "</script><!-- & \u2028\u2029"}


def test_saved_map_is_one_file(G, tmp_path: Path) -> None:
    result = R.MapResult(R.render_html(G), G.number_of_nodes(), G.number_of_edges(), "t")
    path = result.save(tmp_path / "map.html")
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]  # no lib/ folder, no temporary file
    assert path.read_text(encoding="utf-8") == result.html


def test_notebook_repr_is_a_sandboxed_iframe(G) -> None:
    result = R.MapResult(R.render_html(G, title='A "quoted" <title>'), 1, 1, 'A "quoted" <title>')
    frame = result._repr_html_()
    assert frame.startswith("<iframe") and 'sandbox="allow-scripts"' in frame
    assert frame.count("<") == 2  # the iframe's own tags: the page is escaped inside srcdoc
    srcdoc = re.search(r'srcdoc="([^"]*)"', frame).group(1)
    assert html.unescape(srcdoc) == result.html


def test_landscape_and_views(seed, kg_ox: tipgraph.KnowledgeGraph, G) -> None:
    whole = kg_ox.map()
    assert (whole.nodes, whole.edges) == (G.number_of_nodes(), G.number_of_edges())
    assert "trafficking in persons" in whole.title

    focus = kg_ox.map(focus="UNODC", depth=1)
    assert focus.title == "UNODC: neighbourhood (depth 1)"
    ids = {n["i"] for n in data_of(focus.html)["nodes"]}
    assert {seed.unodc, seed.protect, seed.gloact} <= ids and seed.eu not in ids
    assert [n["i"] for n in data_of(focus.html)["nodes"] if n.get("f")] == [seed.unodc]

    country = kg_ox.map(country="PK")
    assert country.title == "Who works in Pakistan"
    ids = {n["i"] for n in data_of(country.html)["nodes"]}
    # active there (UNODC, ICMPD), through PROTECT, which the EU funds
    assert {seed.pakistan, seed.unodc, seed.icmpd, seed.protect, seed.eu} <= ids
    assert seed.iraq not in ids
    assert kg_ox.map(country="PAK").html == country.html
    assert kg_ox.map(country="Pakistan").html == country.html

    programme = kg_ox.map(programme="PROTECT")
    assert programme.title == "Programme: PROTECT"
    ids = {n["i"] for n in data_of(programme.html)["nodes"]}
    assert {seed.protect, seed.gloact, seed.eu, seed.icmpd, seed.unodc, seed.mrc} <= ids

    with pytest.raises(BadInputError, match="one view"):
        kg_ox.map(focus="UNODC", country="PK")


def test_make_map_draws_a_projected_graph(seed, kg_ox: tipgraph.KnowledgeGraph, G) -> None:
    """The maps package works on the graph alone; names come from the graph or from a resolver."""
    from tipgraph.network.facts import add_facts

    G = G.copy()
    add_facts(G, kg_ox.store)  # kg.map adds the literal facts (dates, counts) before drawing
    programme = R.make_map(G, programme="PROTECT")
    assert programme.title == "Programme: PROTECT" and programme.html == kg_ox.map(programme="PROTECT").html
    assert R.make_map(G, focus="tgd:org-0001", depth=1).title == "UNODC: neighbourhood (depth 1)"
    asked: list[tuple[str, str]] = []

    def resolve(view: str, name: str) -> str:
        asked.append((view, name))
        return seed.pakistan

    country = R.make_map(G, country="the land of the pure", resolve=resolve)
    assert asked == [("country", "the land of the pure")]
    assert country.title == "Who works in Pakistan" and country.html == kg_ox.map(country="PK").html
    with pytest.raises(BadInputError, match="one view"):
        R.make_map(G, focus="UNODC", programme="PROTECT", resolve=resolve)
    assert len(asked) == 1  # refused before any name was resolved


def _imported_modules(path: Path, package: str) -> set[str]:
    """Absolute names of the modules a source file imports (relative imports resolved)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            out.add(".".join([*base, node.module] if node.module else base))
    return out


STORE_SIDE = {"tipgraph.store", "tipgraph.query", "tipgraph.kg", "tipgraph.sparql", "tipgraph.load"}


@pytest.mark.parametrize("package", ["maps", "analysis"])
def test_maps_and_analysis_never_read_the_store(package: str) -> None:
    src = Path(tipgraph.__file__).parent
    files = sorted((src / package).glob("*.py"))
    assert len(files) >= 5
    for path in files:
        imported = _imported_modules(path, f"tipgraph.{package}")
        assert not {m for m in imported if m in STORE_SIDE or m.startswith("tipgraph.sparql.")}, path.name
    # positive control: the projection does read the store, and the check sees it
    assert {"tipgraph.store", "tipgraph.query"} <= _imported_modules(src / "network" / "projection.py",
                                                                     "tipgraph.network")


def test_views_on_the_graph(seed, G) -> None:
    assert set(R.focus_view(G, "EU", 1)) == {seed.eu, seed.protect}
    assert R.focus_view(G, "EU", 0).number_of_nodes() == 1
    v = R.country_view(G, seed.pakistan)
    assert v.graph["focus"] == [seed.pakistan] and seed.iri("plc-0020") in v  # Islamabad, inside Pakistan
    assert seed.iri("org-0016") not in R.programme_view(G, "PROTECT")  # the US State Department


def test_large_maps_get_a_python_layout() -> None:
    H = nx.MultiDiGraph()
    for i in range(R.PHYSICS_LIMIT + 200):
        H.add_node(f"x{i}", label=f"node {i}", group="organisation", cls="Organisation")
    for i in range(1, R.PHYSICS_LIMIT + 200):
        H.add_edge(f"x{i}", f"x{(i * 7) % i}", key="partnerOf", label="partner of")
    data = data_of(R.render_html(H))
    assert data["settings"]["physics"] is False
    assert all(math.isfinite(n["x"]) and math.isfinite(n["y"]) for n in data["nodes"])


def test_layout_is_spread_out_and_deterministic() -> None:
    H = nx.barabasi_albert_graph(1500, 2, seed=3)
    H.add_nodes_from(range(1500, 1520))  # isolated nodes are packed beside the rest
    pos = R.compute_layout(H)
    assert set(pos) == set(H) and pos == R.compute_layout(H)
    points = {(round(x / 5), round(y / 5)) for x, y in pos.values()}
    assert len(points) > 0.95 * len(pos)  # hardly any node within 5 px of another
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    area_per_node = (max(xs) - min(xs)) * (max(ys) - min(ys)) / len(pos)
    assert 0.3 * 70**2 < area_per_node < 4 * 70**2  # about `spacing` pixels of room per node


def test_unknown_layout_is_refused(G) -> None:
    with pytest.raises(BadInputError, match="layout"):
        R.render_html(G, layout="spring")


def test_missing_pyvis_gives_a_clear_message(monkeypatch: pytest.MonkeyPatch, G) -> None:
    R.vis_network_js.cache_clear()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    try:
        with pytest.raises(ImportError, match=r"tipgraph\[maps\]"):
            R.render_html(G)
    finally:
        monkeypatch.undo()
        R.vis_network_js.cache_clear()


def test_importing_tipgraph_does_not_import_pyvis() -> None:
    code = ("import sys, tipgraph, tipgraph.network, tipgraph.analysis, tipgraph.maps; "
            "print('pyvis' in sys.modules, 'IPython' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_facts_publishers_and_evidence_reach_the_page_as_data(kg_ox: tipgraph.KnowledgeGraph, xss) -> None:
    G = R.add_facts(kg_ox.network(), kg_ox.store)
    data = data_of(R.render_html(G, title="facts"))
    workshop = next(n for n in data["nodes"] if n["i"].endswith("evt-0001"))
    assert ["participant count", "68"] in workshop["fa"] and ["place", "Islamabad"] in workshop["fa"]
    assert (workshop["ts"], workshop["te"], workshop["pc"], workshop["pw"]) == ("2024-10-11", "2024-10-11", 68, 12)
    assert {i.get("p") for i in data["sourceInfo"]} == {"UNODC"}
    ranking = next(n for n in data["nodes"] if n["c"] == "Ranking")
    assert ranking["g"] == "ranking" and "ranking" in data["groupOrder"] and "other" not in data["groupOrder"]
    # a control: without add_facts there are no literal facts, dates or publishers (an event's place is a link)
    bare = data_of(R.render_html(kg_ox.network(), title="bare"))
    assert not any("ts" in n or any(f[0] != "place" for f in n.get("fa", [])) for n in bare["nodes"])
    assert not any("p" in i for i in bare["sourceInfo"])
    # hostile facts, evidence and publishers stay inside the JSON, escaped
    H = nx.MultiDiGraph()
    H.add_node("a", label="A", group="event", facts=[[xss.payloads[0], xss.payloads[1]]], evidence=xss.payloads[2],
               sources=["S"], source_urls=["javascript:alert(1)"], start="2024-01-01")
    H.add_edge("a", "a", key="x", label="x", evidence=[xss.payloads[0]])
    H.graph["source_publishers"] = {"S": xss.payloads[1]}
    page = R.render_html(H, title="t")
    for payload in xss.payloads:
        assert payload not in page
    assert len(Page(page).scripts) == 3
    d = data_of(page)
    assert d["nodes"][0]["ev"] == [xss.payloads[2]] and d["sourceInfo"][0] == {"p": xss.payloads[1]}  # no URL


_VIEW_HASHES = """
import hashlib, sys, tipgraph
kg = tipgraph.load()
print(list({"tgd:org-0001", "tgd:prg-0002", "tgd:plc-0003", "tgd:evt-0001", "tgd:org-0012"}))
for view in ({"programme": "PROTECT"}, {"focus": "UNODC", "depth": 1}, {"country": "PK"}, {}):
    print(hashlib.sha256(kg.map(**view).html.encode()).hexdigest())
"""


def test_the_same_data_draws_the_same_page_in_every_process() -> None:
    """Maps are files people compare and keep under version control: string hashes are salted
    per process, and no view may list its nodes in the order of a set."""
    outs = []
    for seed in ("1", "2", "3"):
        env = {"PYTHONHASHSEED": seed, "PYTHONWARNINGS": "ignore", "PATH": "/usr/bin:/bin"}
        proc = subprocess.run([sys.executable, "-c", _VIEW_HASHES], capture_output=True, text=True, timeout=300,
                              env=env)
        assert proc.returncode == 0, proc.stderr
        outs.append(proc.stdout.splitlines())
    assert len({tuple(o[0:1]) for o in outs}) > 1  # control: the seeds do reorder a set of strings
    assert all(o[1:] == outs[0][1:] for o in outs), "a map's page changed with the hash seed"
