"""Benchmark: CLI commands on a persistent store (``--store DIR``) of a synthetic landscape.

Every command is a fresh ``tipgraph`` process, as an analyst runs it, so its time includes
opening the store (read-only, answered from the directory; a change reads it into memory).
The store is built once (generate, load, reason, commit) into a temporary folder, then:

* ``query NAME`` for a question of a few rows and one of a whole table;
* ``stats``, ``export`` (N-Quads) and ``map --country`` (a projection of the whole graph);
* in Python: opening the store, then ``warm()`` (reading it into memory) and the same two
  questions in memory, to show what a long session gains by warming.

Usage::

    python benchmarks/bench_open.py --triples 100k          # quicker
    python benchmarks/bench_open.py --triples 1m --repeat 3

Prints a table (median wall time and peak resident memory of each command, from the kernel's
accounting of the finished child) and writes ``benchmarks/results/open.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

BUILD = r"""
import sys, time
from pathlib import Path
from tipgraph.loading import load_default
from tipgraph.reason import materialise
from tipgraph.store import open_store
store = open_store(Path(sys.argv[1]))
with store.writing():
    load_default(store, data=[Path(sys.argv[2])])
    materialise(store)
print(store.count())
"""

SESSION = r"""
import json, sys, time
from pathlib import Path
import tipgraph
from tipgraph.store import open_store
out = {}
t = time.perf_counter(); store = open_store(Path(sys.argv[1])); out["open"] = time.perf_counter() - t
kg = tipgraph.KnowledgeGraph(store)
for name in sys.argv[2:]:
    kg.query(name); t = time.perf_counter(); kg.query(name); out["disk " + name] = time.perf_counter() - t
t = time.perf_counter(); store.warm(); out["warm"] = time.perf_counter() - t
for name in sys.argv[2:]:
    kg.query(name); t = time.perf_counter(); kg.query(name); out["memory " + name] = time.perf_counter() - t
print(json.dumps(out))
"""

QUESTIONS = ("implementers-of-programme", "who-works-where")


def _run(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one child process."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    with tempfile.TemporaryFile() as err:  # a file, not a pipe: the child never blocks on a full pipe
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.read().decode()[-500:]}")
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", default="1m", help="landscape size (generate.py's --triples)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--results", type=Path, default=HERE / "results" / "open.json")
    args = ap.parse_args()
    tg = [sys.executable, "-m", "tipgraph.cli"]
    with tempfile.TemporaryDirectory(prefix="tipgraph-open-") as tmp:
        data, store = Path(tmp) / "landscape.trig", Path(tmp) / "store"
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--triples", args.triples, "--seed", "42",
                        "--out", str(data)], check=True, capture_output=True)
        t = time.perf_counter()
        quads = int(subprocess.run([sys.executable, "-c", BUILD, str(store), str(data)], check=True,
                                   capture_output=True, text=True).stdout.split()[-1])
        built = time.perf_counter() - t
        commands = {f"query {q}": [*tg, "query", "--store", str(store), q] for q in QUESTIONS}
        commands["stats"] = [*tg, "stats", "--store", str(store)]
        commands["export"] = [*tg, "export", str(Path(tmp) / "out.nq"), "--store", str(store)]
        commands["map --country PK"] = [*tg, "map", str(Path(tmp) / "pk.html"), "--store", str(store),
                                        "--country", "PK"]
        results: dict[str, Any] = {}
        for label, cmd in commands.items():
            runs = [_run(cmd) for _ in range(args.repeat)]
            results[label] = {"wall_s": statistics.median(r[0] for r in runs),
                              "peak_mib": max(r[1] for r in runs), "runs": args.repeat}
            print(f"{label:34s} {results[label]['wall_s']:8.2f} s {results[label]['peak_mib']:8.0f} MiB", flush=True)
        session = json.loads(subprocess.run([sys.executable, "-c", SESSION, str(store), *QUESTIONS], check=True,
                                            capture_output=True, text=True).stdout)
        for label, seconds in session.items():
            print(f"python: {label:26s} {seconds * 1000:10.1f} ms")
    doc = {"measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": platform.platform(),
           "cores": os.cpu_count(), "triples": args.triples, "quads_in_store": quads, "built_s": built,
           "cli": results, "python_session_s": session}
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
