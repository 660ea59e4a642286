"""Time the slow stages of issue 15 one by one, each in a fresh process (its own peak memory).

Stages: ``load`` (``load_default`` of one synthetic file, amplification guard included),
``reason`` (``materialise`` with the rules engine), ``project`` (the default network
projection), ``betweenness`` (sampled, k = 100, seed 42: networkx and tipgraph's) and
``shacl`` (``kg.validate(owl=False)``). Wall and CPU seconds are both given: on a shared
machine the CPU time says more about the code, the wall time about the wait.

    python benchmarks/bench_stages.py --data /tmp/perfs-1m/synthetic-1m.trig --stages load,reason,project
    python benchmarks/bench_stages.py --data FILE --worker project     # one stage, as JSON on stdout
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

STAGES = ("load", "reason", "project", "betweenness", "betweenness-networkx", "shacl")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn: Any) -> tuple[Any, dict[str, float]]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, {"wall_s": round(time.perf_counter() - wall, 3), "cpu_s": round(time.process_time() - cpu, 3)}


def worker(stage: str, data: Path, k: int) -> dict[str, Any]:
    """Run one stage after what it needs (untimed); returns its times, peak memory and a size."""
    import tipgraph
    from tipgraph.loading import load_default
    from tipgraph.reason import materialise
    from tipgraph.store import open_store

    result: dict[str, Any] = {"stage": stage}
    if stage == "load":
        store = open_store("oxigraph:")
        counts, t = _timed(lambda: load_default(store, data=[data]))
        result.update(t, quads=sum(counts.values()))
    elif stage == "reason":
        store = open_store("oxigraph:")
        load_default(store, data=[data])
        rep, t = _timed(lambda: materialise(store))
        result.update(t, inferred=rep.inferred, rule_runs=rep.rounds)
    elif stage in ("project", "betweenness", "betweenness-networkx"):
        from tipgraph.network import project

        kg = tipgraph.load([data])
        if stage == "project":
            G, t = _timed(lambda: project(kg.store))
            result.update(t, nodes=G.number_of_nodes(), edges=G.number_of_edges())
        else:
            import networkx as nx

            from tipgraph.analysis import simple_view

            H = simple_view(project(kg.store))
            kk = min(k, H.number_of_nodes())
            try:
                import igraph  # noqa: F401 - imported before the clock starts (about 1 s, once per process)
            except ImportError:
                pass
            if stage == "betweenness":
                try:
                    from tipgraph.analysis.measures import betweenness_centrality
                except ImportError:  # before issue 15
                    def betweenness_centrality(H: Any, k: int | None = None, seed: int = 42) -> Any:
                        return nx.betweenness_centrality(H, k=k, seed=seed)
                _, t = _timed(lambda: betweenness_centrality(H, k=kk, seed=42))
            else:
                _, t = _timed(lambda: nx.betweenness_centrality(H, k=kk, seed=42))
            result.update(t, k=kk, nodes=H.number_of_nodes())
    elif stage == "shacl":
        kg = tipgraph.load([data], reason=False)
        res, t = _timed(lambda: kg.validate(owl=False))
        result.update(t, violations=len(res.shacl.violations), conforms=res.shacl.conforms)
    else:
        raise SystemExit(f"unknown stage {stage!r}; one of {', '.join(STAGES)}")
    result["peak_mb"] = round(_peak_mb(), 1)
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, required=True, help="a synthetic .trig file (benchmarks/generate.py)")
    p.add_argument("--stages", default="load,reason,project,betweenness",
                   help=f"comma-separated, of {', '.join(STAGES)}")
    p.add_argument("--k", type=int, default=100, help="betweenness sample size (default 100)")
    p.add_argument("--cap", type=float, default=3600.0, help="time limit of each stage's process (s)")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.data, args.k)))
        return 0
    for stage in args.stages.split(","):
        try:
            proc = subprocess.run([sys.executable, __file__, "--data", str(args.data), "--k", str(args.k),
                                   "--worker", stage], capture_output=True, text=True, timeout=args.cap, check=False)
        except subprocess.TimeoutExpired:
            print(json.dumps({"stage": stage, "timeout": args.cap}), flush=True)
            continue
        line = proc.stdout.strip().splitlines()[-1:] or [json.dumps({"stage": stage, "error": proc.stderr[-500:]})]
        print(line[0], flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
