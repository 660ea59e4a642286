"""The query tables of the hand-made issue-15 measurements in this folder, with growth from 10k to 1M."""

import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE + "/../..")
import run  # noqa: E402 - the runner sits two folders up

SIZES = [("10k", 10_359, HERE + "/q-10k.json", HERE + "/mem-10k.json"),
         ("1m", 1_000_135, HERE + "/q-1m.json", None)]


def _read(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


results = []
for label, n, q, mem in SIZES:
    r = {"size": label, "triples": n, "workers": {"queries": _read(q)}}
    if mem and os.path.exists(mem):
        r["workers"]["memory"] = _read(mem)
    results.append(r)
lines = run.query_tables(results)
# growth exponents 10k -> 1m: t ~ n^k
a, b = (r["workers"]["queries"]["queries"] for r in results)
lines += ["", "### Growth from 10k to 1M (t ∝ n^k)", "", "| query | k, tipgraph | k, bare pyoxigraph |",
          "|---|---:|---:|"]
ratio_n = math.log(results[1]["triples"] / results[0]["triples"])


def exponent(name: str, col: str) -> str:
    x, y = a[name].get(col, {}), b.get(name, {}).get(col, {})
    if not (isinstance(x, dict) and isinstance(y, dict) and x.get("p50") and y.get("p50")):
        return "–"
    return f"{math.log(y['p50'] / x['p50']) / ratio_n:.2f}"


for name in a:
    lines.append(f"| {name} | {exponent(name, 'tipgraph')} | {exponent(name, 'bare')} |")
print("\n".join(lines))
