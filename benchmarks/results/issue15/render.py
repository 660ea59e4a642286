import json, math, sys
HERE = __import__("os").path.dirname(__import__("os").path.abspath(__file__))
sys.path.insert(0, HERE + "/../..")
import run
sizes = [("10k", 10_359, HERE + "/q-10k.json", HERE + "/mem-10k.json"),
         ("1m", 1_000_135, HERE + "/q-1m.json", None)]
results = []
for label, n, q, mem in sizes:
    r = {"size": label, "triples": n, "workers": {"queries": json.load(open(q))}}
    if mem:
        try: r["workers"]["memory"] = json.load(open(mem))
        except FileNotFoundError: pass
    results.append(r)
lines = run.query_tables(results)
# growth exponents 10k -> 1m: t ~ n^k
a, b = (r["workers"]["queries"]["queries"] for r in results)
lines += ["", "### Growth from 10k to 1M (t ∝ n^k)", "", "| query | k, tipgraph | k, bare pyoxigraph |", "|---|---:|---:|"]
ratio_n = math.log(results[1]["triples"] / results[0]["triples"])
for name in a:
    def k(col):
        x, y = a[name].get(col, {}), b.get(name, {}).get(col, {})
        if not (isinstance(x, dict) and isinstance(y, dict) and x.get("p50") and y.get("p50")): return "–"
        return f"{math.log(y['p50'] / x['p50']) / ratio_n:.2f}"
    lines.append(f"| {name} | {k('tipgraph')} | {k('bare')} |")
print("\n".join(lines))
