"""The named questions over HTTP (``tipgraph serve``) with 1, 4 and 16 concurrent clients, beside the embedded store.

    python benchmarks/bench_serve.py --sizes seed,100k --clients 1,4,16 --rounds 5

For each size the store is built (the curated seed, or a landscape from ``generate.py``) and
written to a temporary directory, then:

* **embedded**: every named question on the store in this process (``execute_bound``: the
  engine, the bindings, the result in rdflib terms; no worker process), and through
  ``kg.query`` (the library's default path, which runs each query in a forked worker);
* **HTTP**: ``tipgraph.serve`` publishes the store (Oxigraph's server, loopback); N client
  threads, each with its own remote store (``sparql+http://``), ask every named question
  ``--rounds`` times in a shuffled order. Each request is one form-encoded POST, answered in
  full and parsed (the client the ``--store sparql+http://`` option uses).

The load is bounded: ``clients x rounds x questions`` requests and a per-size time cap. Reported:
p50 and p95 of the request latencies (all questions together), the slowest question's p50,
and requests per second. Results go to ``benchmarks/results/serve.json`` and a Markdown table
on stdout.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _summary(lat: dict[str, list[float]], wall: float) -> dict[str, Any]:
    every = [x for xs in lat.values() for x in xs]
    slowest = max(lat, key=lambda k: statistics.median(lat[k]))
    return {"requests": len(every), "p50_ms": 1000 * _pct(every, 0.5), "p95_ms": 1000 * _pct(every, 0.95),
            "max_ms": 1000 * max(every), "slowest": slowest, "slowest_p50_ms": 1000 * statistics.median(lat[slowest]),
            "per_second": len(every) / wall if wall else float("nan"), "wall_s": wall,
            "per_question_p50_ms": {k: round(1000 * statistics.median(v), 2) for k, v in sorted(lat.items())}}


def _prepared(store: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """Each named question with its default bindings resolved once (labels to IRIs)."""
    from tipgraph.query import bind_named, named_queries

    return [(name, q.sparql, bind_named(store, q, {})) for name, q in sorted(named_queries().items())]


#: The time limit for kg.query in the embedded runs (the library's default is 10 s).
EMBEDDED_TIMEOUT_S = 120.0


def embedded(store_dir: Path, rounds: int) -> dict[str, Any]:
    import tipgraph
    from tipgraph.errors import QueryTimeoutError
    from tipgraph.query import execute_bound

    kg = tipgraph.load(path=store_dir)
    questions = _prepared(kg.store)
    out: dict[str, Any] = {}
    for label, run in (("in process", lambda s, b: execute_bound(kg.store, s, b, 10_000)),
                       ("kg.query (forked worker)", None)):
        lat: dict[str, list[float]] = {name: [] for name, _, _ in questions}
        timed_out: list[str] = []
        started = time.perf_counter()
        for _ in range(rounds):
            for name, sparql, bindings in questions:
                t = time.perf_counter()
                if run is None:
                    try:  # a generous limit: the point is to measure, not to stop
                        kg.query(name, timeout=EMBEDDED_TIMEOUT_S)
                    except QueryTimeoutError:
                        timed_out.append(name)
                        continue
                else:
                    run(sparql, bindings)
                lat[name].append(time.perf_counter() - t)
        out[label] = _summary({k: v for k, v in lat.items() if v}, time.perf_counter() - started)
        out[label]["timed_out"] = sorted(set(timed_out))
    out["triples"] = len(kg)
    return out


def over_http(location: str, clients: int, rounds: int, cap_s: float) -> dict[str, Any]:
    from tipgraph.query import execute_bound
    from tipgraph.store import open_store

    questions = _prepared(open_store(location))
    lat: dict[str, list[float]] = {name: [] for name, _, _ in questions}
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + cap_s

    def client(seed: int) -> None:
        store = open_store(location)
        rng = random.Random(seed)
        mine: list[tuple[str, float]] = []
        for _ in range(rounds):
            order = list(questions)
            rng.shuffle(order)
            for name, sparql, bindings in order:
                if time.monotonic() > stop_at:
                    break
                t = time.perf_counter()
                try:
                    execute_bound(store, sparql, bindings, 10_000)
                except Exception as exc:
                    with lock:
                        errors.append(f"{name}: {exc}")
                    continue
                mine.append((name, time.perf_counter() - t))
        with lock:
            for name, secs in mine:
                lat[name].append(secs)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    res = _summary({k: v for k, v in lat.items() if v}, time.perf_counter() - started)
    res["errors"] = errors[:5]
    res["error_count"] = len(errors)
    return res


def build_store(size: str, folder: Path) -> Path:
    import tipgraph

    store = folder / f"store-{size}"
    if store.exists():  # --keep: built by an earlier run
        return store
    if size == "seed":
        tipgraph.build(store, validate=False)
        return store
    from generate import generate, parse_size

    data = folder / f"synthetic-{size}.trig"
    generate(parse_size(size), 42, data)
    tipgraph.build(store, data=[data], validate=False)
    return store


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="seed,100k", help="seed and/or landscape sizes (default seed,100k)")
    p.add_argument("--clients", default="1,4,16", help="concurrent HTTP clients (default 1,4,16)")
    p.add_argument("--rounds", type=int, default=5, help="times each client asks every question (default 5)")
    p.add_argument("--cap", type=float, default=300.0, help="stop a load run after this many seconds")
    p.add_argument("--out", type=Path, default=HERE / "results" / "serve.json")
    p.add_argument("--keep", type=Path, metavar="DIR", help="build stores in DIR and reuse them on the next run")
    args = p.parse_args(argv)

    from tipgraph.serve import serve

    results: dict[str, Any] = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                                           "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())},
                               "rounds": args.rounds, "sizes": {}}
    if args.out.exists():  # sizes measured earlier stay; the ones measured now replace theirs
        results["sizes"] = json.loads(args.out.read_text()).get("sizes", {})
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tipgraph-bench-serve-") as scratch:
        tmp = args.keep or scratch
        for size in args.sizes.split(","):
            t = time.perf_counter()
            store = build_store(size, Path(tmp))
            entry: dict[str, Any] = {"build_s": time.perf_counter() - t, "embedded": embedded(store, args.rounds),
                                     "http": {}}
            with serve(store, port=0, timeout_s=60) as server:
                over_http(server.location, 1, 1, args.cap)  # warm-up
                for n in (int(c) for c in args.clients.split(",")):
                    entry["http"][str(n)] = over_http(server.location, n, args.rounds, args.cap)
                    print(f"{size}: {n} clients: {entry['http'][str(n)]}", file=sys.stderr, flush=True)
            results["sizes"][size] = entry
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(table(results))
    return 0


def table(results: dict[str, Any]) -> str:
    rows = ["| size | triples | where | clients | p50 | p95 | slowest question (its p50) | requests/s |",
            "|---|---:|---|---:|---:|---:|---|---:|"]
    for size, e in results["sizes"].items():
        n = f"{e['embedded']['triples']:,}"
        for label in ("in process", "kg.query (forked worker)"):
            r = e["embedded"][label]
            late = f" ({len(r['timed_out'])} questions over {EMBEDDED_TIMEOUT_S:g} s)" if r.get("timed_out") else ""
            rows.append(f"| {size} | {n} | embedded, {label} | 1 | {r['p50_ms']:.1f} ms | {r['p95_ms']:.1f} ms | "
                        f"{r['slowest']} ({r['slowest_p50_ms']:.1f} ms) | {r['per_second']:.0f}{late} |")
        for c, r in e["http"].items():
            bad = f" ({r['error_count']} errors)" if r["error_count"] else ""
            rows.append(f"| {size} | {n} | HTTP (tipgraph serve) | {c} | {r['p50_ms']:.1f} ms | {r['p95_ms']:.1f} ms | "
                        f"{r['slowest']} ({r['slowest_p50_ms']:.1f} ms) | {r['per_second']:.0f}{bad} |")
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())
