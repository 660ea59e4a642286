"""A quick run of the benchmark runner (benchmarks/run.py --quick) at the smallest size, and its tables
rendered again from edited copies of its results (the numbers in the tables come from the JSON)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HEADINGS = ["### Data", "### At 5k (", "### How each stage grows", "### Peak memory per stage",
            "### The goals of issue 15"]
WORKERS = {"reason-rules", "reason-reasonable", "oxigraph", "queries", "http", "memory", "rdflib", "shacl", "network"}
LOAD_ROW = "| load (ontology + data into a new store) | "


def run(repo: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(repo / "benchmarks" / "run.py"), *args],
                          capture_output=True, text=True, timeout=420, cwd=str(cwd))


@pytest.fixture(scope="module")
def quick(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The results folder of one ``--quick`` run at 5k triples (the committed README left alone)."""
    tmp = tmp_path_factory.mktemp("bench")
    readme = repo / "benchmarks" / "README.md"
    before = readme.read_bytes() if readme.exists() else None
    # 5k is the smallest size with answers longer than 100 rows (the paging check). A 1 s cap on each
    # query on the memory backend (2 s in --quick) still measures most of them, and times out a few.
    proc = run(repo, "--quick", "--sizes", "5k", "--memory-cap", "1", "--results", str(tmp / "results"),
               "--data-dir", str(tmp / "data"), cwd=tmp)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (readme.read_bytes() if readme.exists() else None) == before
    return tmp / "results"


def line(summary: str, start: str) -> str:
    found = [x for x in summary.splitlines() if x.startswith(start)]
    assert found, f"no line starts with {start!r}"
    return found[0]


def test_quick_run_measures_every_stage_and_column(quick: Path) -> None:
    summary = (quick / "summary.md").read_text(encoding="utf-8")
    for heading in HEADINGS:
        assert heading in summary, heading
    data = json.loads((quick / "5k.json").read_text(encoding="utf-8"))
    assert set(data["workers"]) == WORKERS
    for name, worker in data["workers"].items():
        assert not worker.get("timed_out"), name
        assert worker.get("errors") == [], (name, worker.get("errors"))
    assert set(data["loadavg"]) == {"start", "end"} and len(data["loadavg"]["start"]) == 3
    # each stage group records the CPU other processes took while it ran, in cores (0 when idle)
    others = [w["other_cores"] for w in data["workers"].values()]
    assert all(isinstance(x, (int, float)) and 0 <= x <= (os.cpu_count() or 1) for x in others), others
    from tipgraph.query import named_queries

    # Every named question through kg.query, on the bare engine, on rdflib's engine and over HTTP.
    timed = data["workers"]["queries"]["queries"]
    http = data["workers"]["http"]["queries"]
    memory = data["workers"]["memory"]["queries"]
    for name in named_queries():
        assert timed[name]["tipgraph"]["p50"] > 0 and timed[name]["bare"]["p50"] > 0, name
        assert http[name]["http"]["p50"] > 0, name
        # The server gives the same number of rows as the embedded store.
        assert http[name]["http"]["rows"] == timed[name]["tipgraph"]["rows"], name
        assert "memory" in memory[name], name
        assert f"| {name} | " in summary or f"| {name} ⁴" in summary, name
    assert sum("p50" in memory[name]["memory"] for name in named_queries()) > len(named_queries()) // 2, memory
    firsts = {name: cells["first100"] for name, cells in timed.items() if "first100" in cells}
    assert firsts, "no answer was longer than 100 rows: the paging check did not run"
    differ = sorted(name for name, cell in firsts.items() if cell.get("same") is not True)
    assert not differ, f"the first page differs from the head of the whole answer: {differ}"
    stages = {w: data["workers"][w]["stages"] for w in WORKERS}
    assert stages["reason-reasonable"]["reason"]["same_as_rules"] is True
    assert stages["shacl"]["validate"]["conforms"] is True and stages["shacl"]["validate"]["engine"]
    # The library's betweenness (igraph when installed) gives networkx's scores.
    assert stages["network"]["betweenness"]["p50"] > 0
    assert stages["network"]["betweenness_networkx"]["max_difference"] < 1e-9
    for worker, stage in [("oxigraph", "load"), ("oxigraph", "load_bare"), ("rdflib", "load"), ("http", "load"),
                          ("queries", "worker_roundtrip"), ("http", "ask")]:
        assert stages[worker][stage]["p50"] > 0, (worker, stage)
        assert "cpu_p50" in stages[worker][stage], (worker, stage)


def _scaled(data: dict[str, Any], size: str, factor: float) -> dict[str, Any]:
    """A copy of a size's results as if measured at ``factor`` times the triples, the load ``factor`` times slower."""
    out = json.loads(json.dumps(data))
    out.update(size=size, target=int(data["target"] * factor), triples=int(data["triples"] * factor))
    out["workers"]["oxigraph"]["stages"]["load"]["p50"] = data["workers"]["oxigraph"]["stages"]["load"]["p50"] * factor
    return out


def test_tables_are_computed_from_the_results(repo: Path, quick: Path, tmp_path: Path) -> None:
    copy = tmp_path / "results"
    shutil.copytree(quick, copy)
    original = (copy / "summary.md").read_text(encoding="utf-8")
    assert "| load | ≤ 3 s | " in original and line(original, "| load | ≤ 3 s |").endswith("| yes |")

    # Change one number in the results: the stage table, the goal and the memory table follow.
    data = json.loads((copy / "5k.json").read_text(encoding="utf-8"))
    data["workers"]["oxigraph"]["stages"]["load"]["p50"] = 7.25
    data["workers"]["network"]["peak_mb"]["project"] = 3000.0
    (copy / "5k.json").write_text(json.dumps(data), encoding="utf-8")
    proc = run(repo, "--render-only", "--results", str(copy), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    changed = (copy / "summary.md").read_text(encoding="utf-8")
    assert line(changed, LOAD_ROW).startswith(LOAD_ROW + "7.25 s |")
    assert line(changed, "| load | ≤ 3 s |").endswith("| **no** |")
    assert "3,000 MiB ⚠ over 2 GiB" in line(changed, "| network projection |")
    assert line(changed, "| peak memory of every stage |").endswith("| **no** |")
    assert line(original, LOAD_ROW) != line(changed, LOAD_ROW)

    # A second size ten times bigger whose load took ten times longer: the fitted exponent is 1.
    data["workers"]["oxigraph"]["stages"]["load"]["p50"] = 0.5
    (copy / "5k.json").write_text(json.dumps(data), encoding="utf-8")
    (copy / "50k.json").write_text(json.dumps(_scaled(data, "50k", 10.0)), encoding="utf-8")
    proc = run(repo, "--render-only", "--results", str(copy), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    grown = (copy / "summary.md").read_text(encoding="utf-8")
    growth = grown.split("### How each stage grows", 1)[1]
    assert line(growth, LOAD_ROW).startswith(LOAD_ROW + "**1.00** (500.0 ms → 5.00 s)")
    assert "### At 50k (" in grown

    # A results file of an older runner is left out, not mixed in.
    old = json.loads((copy / "50k.json").read_text(encoding="utf-8"))
    old.pop("format")
    (copy / "50k.json").write_text(json.dumps(old), encoding="utf-8")
    proc = run(repo, "--render-only", "--results", str(copy), cwd=tmp_path)
    assert proc.returncode == 0 and "older version" in proc.stderr
    assert "### At 50k (" not in (copy / "summary.md").read_text(encoding="utf-8")


def test_a_size_is_noisy_when_other_processes_took_cpu() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_run", Path(__file__).parents[1] / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    busy_load = {"start": [3.0, 3.0, 3.0], "end": [3.0, 3.0, 3.0]}  # this run's own workers count here
    quiet = {"loadavg": busy_load, "workers": {"a": {"other_cores": 0.05}, "b": {"other_cores": 0.1}}}
    shared = {"loadavg": busy_load, "workers": {"a": {"other_cores": 0.05}, "b": {"other_cores": 0.9}}}
    assert not run.noisy(quiet) and run.noisy(shared)
    # results from before other_cores was recorded fall back to the load average
    assert run.noisy({"loadavg": busy_load, "workers": {}})
    assert not run.noisy({"loadavg": {"start": [0.2, 0.3, 0.3]}, "workers": {}})
