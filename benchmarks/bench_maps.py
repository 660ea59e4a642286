"""Benchmark: interactive maps of 1k, 10k and 50k nodes.

For each size, a synthetic landscape shaped like a tipgraph projection (organisations
active in countries, implementing and funding programmes, attending events; people
holding posts; documents; a few themes that everything addresses) is rendered with
:func:`tipgraph.maps.render_html`. Measured:

* ``layout_s`` - the layout computed in Python (pivot MDS + force-directed passes);
  maps of up to ``PHYSICS_LIMIT`` nodes (and the ``--physics-sizes`` runs) are laid out
  by vis-network's physics in the browser instead, which ``draw_s`` then includes;
* ``render_s`` - the whole ``render_html`` call (layout included) and ``size_mb``, the
  size of the single HTML file;
* ``draw_s`` - from navigation start until headless Chromium (Debian's ``chromium``,
  software rendering, networking refused) has drawn the network: the page's
  ``window.tipgraphMap.ready`` flag, set on vis-network's first ``afterDrawing`` event
  once the layout is final; and ``browser_mb``, the browser's JS heap then.

Usage::

    python benchmarks/bench_maps.py                 # 1k, 10k, 50k; and 300, 1k with physics
    python benchmarks/bench_maps.py --sizes 1000 --physics-sizes "" --no-browser

Prints a markdown table and writes ``benchmarks/results/maps.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

HERE = Path(__file__).resolve().parent
BROWSER_TIMEOUT_S = 300.0

KINDS = [  # group, class, share of nodes
    ("organisation", "IntergovernmentalOrganisation", 0.10), ("organisation", "GovernmentMinistry", 0.12),
    ("organisation", "CivilSocietyOrganisation", 0.14), ("organisation", "OrganisationalUnit", 0.06),
    ("programme", "Project", 0.10), ("event", "Workshop", 0.10), ("person", "Person", 0.12),
    ("post", "Post", 0.12), ("document", "Report", 0.08), ("facility", "MigrantResourceCentre", 0.03),
]


def synthetic_graph(n: int, seed: int = 1) -> nx.MultiDiGraph:
    """A MultiDiGraph of about ``n`` nodes with the attributes :func:`tipgraph.network.project` sets."""
    rnd = random.Random(seed)
    G = nx.MultiDiGraph()
    src = [f"Synthetic source document {i}" for i in range(max(3, n // 500))]

    def add(kind: str, cls: str, i: int) -> str:
        key = f"https://example.org/{cls.lower()}/{i}"
        G.add_node(key, label=f"{cls} {i}", cls=cls, group=kind, aliases=[f"{cls[:3].upper()}{i}"],
                   sources=rnd.sample(src, 2), iri=key, curie=f"ex:{cls.lower()}-{i}")
        return key

    def link(u: str, v: str, rel: str, label: str, **extra: object) -> None:
        G.add_edge(u, v, key=rel, relation=rel, label=label, sources=[rnd.choice(src)],
                   inferred=rnd.random() < 0.2, **extra)

    n_countries = min(200, max(10, n // 60))
    countries = [add("place", "Country", i) for i in range(n_countries)]
    themes = [add("theme", "Theme", i) for i in range(min(12, max(3, n // 100)))]
    rest = n - len(countries) - len(themes)
    by: dict[str, list[str]] = {}
    counter = 0
    for kind, cls, share in KINDS:
        for _ in range(max(1, int(rest * share))):
            by.setdefault(cls, []).append(add(kind, cls, counter))
            counter += 1
    while G.number_of_nodes() < n:  # shares are rounded down: make up the exact size
        by["CivilSocietyOrganisation"].append(add("organisation", "CivilSocietyOrganisation", counter))
        counter += 1
    orgs = [v for c in ("IntergovernmentalOrganisation", "GovernmentMinistry", "CivilSocietyOrganisation",
                        "OrganisationalUnit") for v in by[c]]
    programmes = by["Project"]
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(orgs))]  # a few big actors, many small ones

    for unit in by["OrganisationalUnit"]:
        link(unit, rnd.choice(orgs[: max(1, len(orgs) // 3)]), "subOrganisationOf", "sub-organisation of")
    for org in orgs:
        for c in rnd.sample(countries, rnd.randint(1, 2)):
            link(org, c, "activeIn", "active in")
    for p in programmes:
        for org in set(rnd.choices(orgs, weights, k=rnd.randint(1, 3))):
            link(org, p, "implements", "implements", role="implementing",
                 countries=[G.nodes[c]["label"] for c in rnd.sample(countries, 2)],
                 start=f"20{rnd.randint(12, 22)}-01-01", end=f"20{rnd.randint(23, 28)}-12-31")
        link(rnd.choices(orgs, weights)[0], p, "funds", "funds", role="funding", countries=[])
        link(p, rnd.choice(countries), "operatesIn", "operates in")
        link(p, rnd.choice(themes), "addresses", "addresses")
    for e in by["Workshop"]:  # dated, with participants: the time slider and timeline have work to do
        day = f"20{rnd.randint(15, 25)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        people = rnd.randint(10, 120)
        G.nodes[e].update(start=day, end=day, participants=people, women=rnd.randint(0, people),
                          facts=[["start date", day], ["participant count", str(people)]])
        link(e, rnd.choice(countries), "heldIn", "held in")
        link(e, rnd.choice(programmes), "underProgramme", "under programme")
        for org in set(rnd.choices(orgs, weights, k=rnd.randint(2, 6))):
            link(org, e, "participantIn", "participant in")
    for person, post in zip(by["Person"], by["Post"], strict=False):
        link(person, post, "holdsPost", "holds post")
        link(post, rnd.choice(orgs), "postIn", "post in organisation")
    for d in by["Report"]:
        link(d, rnd.choices(orgs, weights)[0], "publishedBy", "published by")
        link(d, rnd.choice(countries), "appliesTo", "applies to")
    for f in by["MigrantResourceCentre"]:
        link(rnd.choice(orgs), f, "runs", "runs")
        link(f, rnd.choice(countries), "serves", "serves")
    G.graph["inverse_labels"] = {"implements": "implemented by", "funds": "funded by"}
    return G


def draw_time(path: Path, timeout_s: float) -> tuple[float | None, float | None, str]:
    """Seconds until the page reports the network drawn, the JS heap in MB, and a note."""
    from playwright.sync_api import Error, sync_playwright

    exe = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--enable-precise-memory-info"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            blocked: list[str] = []

            def route(r):  # playwright's Route
                if r.request.url.startswith("file:"):
                    return r.continue_()
                blocked.append(r.request.url)
                return r.abort()

            page.route("**/*", route)
            start = time.perf_counter()
            page.goto(path.as_uri(), wait_until="commit", timeout=timeout_s * 1000)
            try:
                page.wait_for_selector("html[data-tg-ready='1']", state="attached", timeout=timeout_s * 1000)
            except Error:
                return None, None, f"not drawn within {timeout_s:.0f} s"
            seconds = time.perf_counter() - start
            heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : null")
            counts = page.evaluate("tipgraphMap.counts()")
            note = f"drew {counts['nodes']} nodes, {counts['edges']} edges"
            if blocked:
                note += f"; BLOCKED {len(blocked)} requests"
            return seconds, (heap / 1e6 if heap else None), note
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--physics-sizes", default="300,1000",
                        help="sizes also drawn with physics in the browser (layout='physics'), for comparison")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--timeout", type=float, default=BROWSER_TIMEOUT_S)
    parser.add_argument("--out", default=str(HERE / "results" / "maps.json"))
    args = parser.parse_args(argv)
    from tipgraph.maps import PHYSICS_LIMIT, compute_layout, render_html

    rows = []
    runs = [(int(s), "auto") for s in args.sizes.split(",") if s] + \
        [(int(s), "physics") for s in args.physics_sizes.split(",") if s]
    for n, layout in runs:
        G = synthetic_graph(n)
        t = time.perf_counter()
        if layout == "auto" and n > PHYSICS_LIMIT:
            compute_layout(G)
        layout_s = time.perf_counter() - t
        t = time.perf_counter()
        page = render_html(G, title=f"Synthetic landscape, {n:,} nodes", layout=layout)
        render_s = time.perf_counter() - t
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"map-{n}.html"
            path.write_text(page, encoding="utf-8")
            draw_s, heap_mb, note = (None, None, "browser skipped") if args.no_browser else \
                draw_time(path, args.timeout)
        mode = "physics in the browser" if layout == "physics" or n <= PHYSICS_LIMIT else "Python layout"
        row = {"nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "mode": mode,
               "layout_s": round(layout_s, 2),
               "render_s": round(render_s, 2), "size_mb": round(len(page.encode()) / 1e6, 2),
               "draw_s": None if draw_s is None else round(draw_s, 2),
               "browser_heap_mb": None if heap_mb is None else round(heap_mb), "note": note}
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    print("| nodes | edges | layout | Python layout (s) | render_html (s) | file (MB) | browser drawn (s) "
          "| JS heap (MB) | note |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---|")
    for r in rows:
        draw = "—" if r["draw_s"] is None else f"{r['draw_s']:.1f}"
        heap = "—" if r["browser_heap_mb"] is None else str(r["browser_heap_mb"])
        print(f"| {r['nodes']:,} | {r['edges']:,} | {r['mode']} | {r['layout_s']:.2f} | {r['render_s']:.2f} "
              f"| {r['size_mb']:.2f} | {draw} | {heap} | {r['note']} |")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": {"python": platform.python_version(), "platform": platform.platform()},
                               "results": rows}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
