"""A quick run of the benchmark runner (benchmarks/run.py --quick) at the smallest size."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

STAGES = ["### Data", "### Load", "### Validation (SHACL", "### Reasoning", "### Queries at 5k",
          "### Sandbox, statistics", "### Network and map", "### Peak memory"]


def test_quick_run_writes_every_stage(repo: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    readme = repo / "benchmarks" / "README.md"
    before = readme.read_bytes() if readme.exists() else None
    proc = subprocess.run(
        [sys.executable, str(repo / "benchmarks" / "run.py"), "--quick", "--sizes", "5k", "--results", str(results),
         "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=240, cwd=str(tmp_path),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = (results / "summary.md").read_text(encoding="utf-8")
    for heading in STAGES:
        assert heading in summary, heading
    data = json.loads((results / "5k.json").read_text(encoding="utf-8"))
    assert set(data["workers"]) == {"reason-rules", "reason-reasonable", "oxigraph", "queries", "memory", "rdflib",
                                    "shacl", "network"}
    for name, worker in data["workers"].items():
        assert not worker.get("timed_out"), name
        assert worker.get("errors") == [], (name, worker.get("errors"))
    # Every named query and analyst query was timed on both backends.
    from tipgraph.query import named_queries

    queries = data["workers"]["oxigraph"]["queries"]
    assert set(named_queries()) <= set(queries)
    for name, cells in queries.items():
        assert cells["oxigraph"]["p50"] > 0, name
        assert f"| {name}" in summary
    # Every named question was timed through kg.query and on the bare engine (values inlined
    # where the library inlines them), and a first page of a long answer is the answer's head.
    timed = data["workers"]["queries"]["queries"]
    assert set(named_queries()) <= set(timed)
    for name in named_queries():
        assert timed[name]["tipgraph"]["p50"] > 0 and timed[name]["bare"]["p50"] > 0, name
    firsts = {name: cells["first100"] for name, cells in timed.items() if "first100" in cells}
    assert firsts, "no answer was longer than 100 rows: the paging check did not run"
    differ = sorted(name for name, cell in firsts.items() if cell.get("same") is not True)
    assert not differ, f"the first page differs from the head of the whole answer: {differ}"
    # Both reasoning engines infer the same graph.
    assert data["workers"]["reason-reasonable"]["stages"]["reason"]["same_as_rules"] is True
    assert data["workers"]["shacl"]["stages"]["validate"]["conforms"] is True
    # A run into another folder leaves the committed README alone.
    assert (readme.read_bytes() if readme.exists() else None) == before
