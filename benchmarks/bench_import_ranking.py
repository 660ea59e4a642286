"""Benchmark: importing a generated ranking table of 5,000 rows (countries x years, every tier code).

The table (written to a temporary folder) ranks about 200 countries over 25 years, with tiers
written the ways real tables write them ("2WL", "Tier 2 Watch List", "3", "Special Case", NA
rows). Each measurement runs in a fresh Python process, so its peak resident memory (the
kernel's ``ru_maxrss``, Oxigraph's memory included) is that of one import and nothing else:

* ``baseline``: load the curated data (ontology, seed, reasoning) and stop: the floor;
* ``import``: load, then :func:`tipgraph.imports.ranking.import_ranking` (read, map, build the
  source graph, check it with SHACL together with the store, re-reason, commit);
* ``reimport``: the same, then import the same table again (adds nothing);
* the three named questions on the imported graph.

Usage::

    python benchmarks/bench_import_ranking.py               # 5,000 rows
    python benchmarks/bench_import_ranking.py --rows 500    # quicker

Prints a table and writes ``benchmarks/results/import_ranking.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CODES = ["1", "Tier 1", "2", "Tier 2", "2WL", "Tier 2 Watch List", "2 Watch List", "3", "Tier 3", "Special Case",
         "NA", "", "N/A", "-"]
WEIGHTS = [6, 2, 14, 4, 6, 2, 1, 3, 1, 1, 1, 1, 1, 1]

CHILD = r"""
import datetime as dt, json, resource, sys, time
t0 = time.perf_counter()
import tipgraph
from tipgraph.imports.ranking import import_ranking
kg = tipgraph.load()
out = {"load_s": time.perf_counter() - t0, "triples_before": len(kg)}
mode, path = sys.argv[1], sys.argv[2]
kw = dict(report="U.S. Trafficking in Persons Report", publisher="U.S. Department of State",
          url="https://example.org/generated-tiers.csv", published=dt.date(2025, 6, 1))
if mode != "baseline":
    t = time.perf_counter()
    r = import_ranking(kg, path, **kw)
    out.update(import_s=time.perf_counter() - t, rankings=len(r.table.rows), not_ranked=r.table.not_ranked,
               new_countries=len(r.new_countries), triples_added=r.added.total, triples_after=len(kg))
    if mode == "reimport":
        t = time.perf_counter()
        again = import_ranking(kg, path, **kw)
        out.update(reimport_s=time.perf_counter() - t, reimport_added=again.added.total)
    for name, params in (("tier-history", {"country": "PK"}), ("countries-in-tier", {"tier": "3", "year": 2010}),
                         ("tier-fell", {"earlier": 2010, "later": 2011})):
        t = time.perf_counter()
        n = len(kg.query(name, **params).rows)
        out[name] = {"rows": n, "s": round(time.perf_counter() - t, 3)}
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def generate(path: Path, rows: int, seed: int = 7) -> int:
    """Write a ranking table of ``rows`` rows (shuffled); returns the number written."""
    from tipgraph.countries import all_countries

    rnd = random.Random(seed)
    countries = [c for c in all_countries() if c.alpha2 != "XK"]
    years = list(range(2001, 2026))
    pairs = [(c, y) for c in countries for y in years][:rows]
    rnd.shuffle(pairs)
    lines = ["Country,Year,Tier"]
    for i, (c, y) in enumerate(pairs):
        name = (c.name, c.alpha2, c.alpha3)[i % 3]
        code = rnd.choices(CODES, WEIGHTS)[0]
        lines.append(f'"{name}",{y},{code}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(pairs)


def run(mode: str, table: Path) -> dict:
    src = HERE.parent / "src"
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, str(table)], capture_output=True, text=True,
                          env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"}, timeout=3600)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{proc.stderr}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall_s"] = time.perf_counter() - t
    return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in out.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5000)
    ap.add_argument("--results", type=Path, default=HERE / "results" / "import_ranking.json")
    args = ap.parse_args()
    sys.path.insert(0, str(HERE.parent / "src"))
    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "tiers.csv"
        rows = generate(table, args.rows)
        size = table.stat().st_size
        results = {mode: run(mode, table) for mode in ("baseline", "import", "reimport")}
    doc = {"machine": {"python": platform.python_version(), "platform": platform.platform()},
           "note": "2 shared cores (other jobs running); one fresh process per measurement",
           "table": {"rows": rows, "bytes": size}, "results": results}
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    imp, base = results["import"], results["baseline"]
    print("| rows | rankings | triples added | import s | re-import s | peak RSS MiB (baseline) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| {rows} | {imp['rankings']} | {imp['triples_added']} | {imp['import_s']} | "
          f"{results['reimport']['reimport_s']} | {imp['peak_rss_mb']:.0f} ({base['peak_rss_mb']:.0f}) |")


if __name__ == "__main__":
    main()
