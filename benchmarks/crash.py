"""Kill tipgraph's commands at random moments and check that the store is always whole.

Each trial starts one command on a persistent store as a user would (``python -m
tipgraph.cli ...`` in its own process group) and kills it (SIGKILL, some SIGTERM) after a
random delay within its measured run time, or, in "commit" mode, at a random moment of the
time it spends writing its new store directory (``.S.tipgraph-building``) and swapping it
in. Then it checks what the next user would see:

* the store folder is there and answers the named query ``active-in-country`` (country PK)
  with the old or the new answer, through the CLI;
* ``tipgraph.load(path=S)`` holds exactly the old or the new state (every quad, blank nodes
  aside, so the inferred graph too), and the same state the query answered from;
* an export or map output is absent, the old file, or the complete new file;
* the next writer is not blocked (a kill leaves no stale lock).

The store moves between two known states: the curated seed (``build --store S --no-owl``)
and the seed plus ``tests/fixtures/iom-in-pakistan.trig`` (``add``); ``build`` goes back.

    python benchmarks/crash.py                  # 60 kills, prints kills tried / survived / corrupted
    python benchmarks/crash.py --kills 200 --seed 7 --json

``tests/security/test_crash.py`` runs a bounded version (:func:`run` with 20 kills).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tipgraph.store import Store

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
IOM = REPO / "tests" / "fixtures" / "iom-in-pakistan.trig"
INFERRED = "https://w3id.org/tipgraph/graph/inferred"
#: ``active-in-country`` for PK before and after the IOM file is added.
ANSWERS = {"seed": ["ICMPD", "UNODC"], "seed+iom": ["ICMPD", "IOM", "UNODC"]}


def _env() -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH", "")) if p)
    return dict(os.environ, PYTHONWARNINGS="ignore", PYTHONPATH=path)


def start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    """The ``tipgraph`` command in its own process group (so the whole group can be reaped)."""
    return subprocess.Popen([sys.executable, "-m", "tipgraph.cli", *args], cwd=cwd, env=_env(), text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def reap(proc: subprocess.Popen[str]) -> str:
    """Wait for ``proc``, kill what is left of its group, return its stderr."""
    _, err = proc.communicate(timeout=120)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    return err or ""


def run_ok(*args: str, cwd: Path) -> float:
    """Run a command to its end; its run time (raises if it fails)."""
    t = time.perf_counter()
    proc = start(*args, cwd=cwd)
    err = reap(proc)
    if proc.returncode != 0:
        raise RuntimeError(f"tipgraph {' '.join(args)} failed ({proc.returncode}): {err}")
    return time.perf_counter() - t


# ---------------------------------------------------------------------------
# What a store holds
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Snapshot:
    """A store's content: counts per graph and every quad (blank nodes as ``_:b``), sorted."""

    counts: tuple[tuple[str, int], ...]
    quads: tuple[str, ...]

    def count(self, graph: str) -> int:
        return dict(self.counts).get(graph, 0)


def snapshot_store(store: Store) -> Snapshot:
    """The :class:`Snapshot` of an open :class:`tipgraph.store.Store`."""
    from rdflib import BNode

    lines: list[str] = []
    counts: Counter[str] = Counter()
    for quad in store.quads():
        lines.append(" ".join("_:b" if isinstance(t, BNode) else t.n3() for t in quad))
        counts[str(quad[3])] += 1
    return Snapshot(tuple(sorted(counts.items())), tuple(sorted(lines)))


def snapshot(path: Path) -> Snapshot:
    """What ``tipgraph.load(path=path)`` holds."""
    import tipgraph

    kg = tipgraph.load(path=path, timeout=None)
    try:
        return snapshot_store(kg.store)
    finally:
        kg.close()


def classify(snap: Snapshot, states: dict[str, Snapshot]) -> str | None:
    """The name of the known state ``snap`` equals, or None (a torn or foreign store)."""
    for name, known in states.items():
        if snap == known:
            return name
    return None


def describe(snap: Snapshot | None, states: dict[str, Snapshot]) -> str:
    """How ``snap`` differs from each known state, graph by graph (quads found / expected)."""
    if snap is None:
        return "unreadable"
    parts = []
    for name, known in states.items():
        graphs = sorted(set(dict(snap.counts)) | set(dict(known.counts)))
        diff = [f"{g.rsplit('/', 1)[-1]} {snap.count(g)}/{known.count(g)}" for g in graphs
                if snap.count(g) != known.count(g)]
        parts.append(f"vs {name}: " + (", ".join(diff) if diff else "same counts, other quads"))
    return "; ".join(parts)


def cli_answer(store: Path, cwd: Path) -> tuple[list[str] | None, str]:
    """The organisations ``active-in-country`` names for PK, through the CLI; None and stderr if it fails."""
    proc = subprocess.run([sys.executable, "-m", "tipgraph.cli", "query", "active-in-country", "--param",
                           "country=PK", "--store", str(store), "--format", "json"], cwd=cwd, env=_env(),
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        return None, proc.stderr.strip()
    return sorted({r["organisationLabel"] for r in json.loads(proc.stdout)}), ""


def same_output(kind: str, data: bytes | None, ref: bytes | None) -> bool:
    """True when ``data`` is ``ref``; N-Quads compare as sorted lines, blank node labels aside
    (every build names them anew)."""
    if data is None or ref is None or kind != "export":
        return data == ref

    def lines(b: bytes) -> list[bytes]:
        return sorted(re.sub(rb"_:[A-Za-z0-9]+", b"_:b", line) for line in b.splitlines())

    return lines(data) == lines(ref)


def store_files(store: Path) -> dict[str, int]:
    """Every file of the store folder and of its siblings (lock, backup, building), with its size."""
    out = {}
    for entry in [store, *store.parent.glob(f".{store.name}.tipgraph-*")]:
        if entry.is_file():
            out[entry.name] = entry.stat().st_size
        elif entry.is_dir():
            for f in entry.rglob("*"):
                if f.is_file():
                    with contextlib.suppress(FileNotFoundError):
                        out[str(f.relative_to(store.parent))] = f.stat().st_size
    return out


# ---------------------------------------------------------------------------
# The trials
# ---------------------------------------------------------------------------
@dataclass
class Report:
    tried: int = 0
    survived: int = 0
    corrupted: int = 0
    #: (command, mode, signal, outcome) -> trials; outcome "old", "new" or "finished" (ended before the kill)
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    max_store_bytes: int = 0
    fresh_store_bytes: int = 0

    def line(self) -> str:
        return f"kills tried {self.tried} / survived {self.survived} / corrupted {self.corrupted}"

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["outcomes"] = dict(sorted(self.outcomes.items()))
        return d


def building_path(store: Path) -> Path:
    """Where a writer builds the store's next directory."""
    return store.with_name(f".{store.name}.tipgraph-building")


def _wait_for(path: Path, proc: subprocess.Popen[str], limit: float) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if path.exists():
            return True
        time.sleep(0.001)
    return False


def run(kills: int = 60, *, seed: int = 1, workdir: Path | None = None, term_share: float = 0.2,
        commit_share: float = 0.35, log: bool = False) -> Report:
    """Run ``kills`` kill trials in ``workdir`` (a temporary folder by default)."""
    rng = random.Random(seed)
    report = Report()
    t0 = time.perf_counter()
    owned = workdir is None
    work = Path(tempfile.mkdtemp(prefix="tipgraph-crash-")) if workdir is None else workdir
    try:
        _run(kills, rng, work, report, term_share, commit_share, log)
    finally:
        report.seconds = round(time.perf_counter() - t0, 1)
        if owned:
            shutil.rmtree(work, ignore_errors=True)
    return report


def _run(kills: int, rng: random.Random, work: Path, report: Report, term_share: float, commit_share: float,
         log: bool) -> None:
    store = work / "S"
    out = {"export": work / "out.nq", "map": work / "out.html"}
    commands = {"build": ("build", "--store", str(store), "--no-owl"), "add": ("add", str(IOM), "--store", str(store)),
                "export": ("export", str(out["export"]), "--store", str(store)),
                "map": ("map", str(out["map"]), "--store", str(store))}
    # The two states, their answers and their complete outputs; each command's run time.
    timings: dict[str, list[float]] = {c: [] for c in commands}
    states: dict[str, Snapshot] = {}
    refs: dict[tuple[str, str], bytes] = {}
    for state, cmd in (("seed", "build"), ("seed+iom", "add")):
        timings[cmd].append(run_ok(*commands[cmd], cwd=work))
        states[state] = snapshot(store)
        for kind in ("export", "map"):
            timings[kind].append(run_ok(*commands[kind], cwd=work))
            refs[state, kind] = out[kind].read_bytes()
    timings["build"].append(run_ok(*commands["build"], cwd=work))
    # How long a writer works on its new directory (the commit): "commit" kills land in it or just after.
    commit: dict[str, float] = {}
    for cmd in ("add", "build"):
        proc = start(*commands[cmd], cwd=work)
        _wait_for(building_path(store), proc, 60)
        t = time.perf_counter()
        while building_path(store).exists() and proc.poll() is None:
            time.sleep(0.001)
        commit[cmd] = time.perf_counter() - t
        reap(proc)
        if proc.returncode != 0:
            raise RuntimeError(f"{cmd} failed while its commit was timed")
    if snapshot(store) != states["seed"]:
        raise RuntimeError("two builds of the seed differ: the comparison would be meaningless")
    report.fresh_store_bytes = sum(store_files(store).values())
    if states["seed"].count(INFERRED) == 0 or states["seed+iom"].count(INFERRED) <= states["seed"].count(INFERRED):
        raise RuntimeError("the inferred graph did not grow with the added file")
    report.timings = {c: round(max(ts), 3) for c, ts in timings.items()}
    report.timings.update({f"{c} commit": round(t, 3) for c, t in commit.items()})
    state = "seed"
    other = {"seed": "seed+iom", "seed+iom": "seed"}
    writer = {"seed": "add", "seed+iom": "build"}

    for i in range(kills):
        cmd = writer[state] if rng.random() < 0.6 else rng.choice(["export", "map"])
        mode = "commit" if cmd in ("add", "build") and rng.random() < commit_share else "uniform"
        sig = signal.SIGTERM if rng.random() < term_share else signal.SIGKILL
        expected_after = other[state] if cmd in ("add", "build") else state
        before_out: bytes | None = None
        if cmd in out:  # the output is missing or holds an older file
            out[cmd].unlink(missing_ok=True)
            if rng.random() < 0.5:
                before_out = refs[other[state], cmd]
                out[cmd].write_bytes(before_out)
        proc = start(*commands[cmd], cwd=work)
        if mode == "commit":
            _wait_for(building_path(store), proc, 60)
            time.sleep(rng.uniform(0, report.timings[f"{cmd} commit"] * 1.5))
        else:
            time.sleep(rng.uniform(0, report.timings[cmd] * 1.05))
        finished = proc.poll() is not None
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, sig)
        err = reap(proc)
        report.tried += 1
        problems = []
        if finished and proc.returncode != 0:
            problems.append(f"ended by itself with exit {proc.returncode}: {err.strip()[-300:]}")
        # What the next user sees: the CLI first (it must find the folder), then the API.
        answer, qerr = cli_answer(store, work)
        found = None
        if answer is None:
            problems.append(f"the query failed after the kill: {qerr[-300:]}")
        snap = None
        try:
            snap = snapshot(store)
            found = classify(snap, states)
        except Exception as exc:  # any failure to read is a finding
            problems.append(f"tipgraph.load failed: {type(exc).__name__}: {exc}")
        else:
            if found not in (state, expected_after):
                problems.append(f"the store is neither the old nor the new state: {describe(snap, states)}")
            elif answer is not None and answer != ANSWERS[found]:
                problems.append(f"the query answered {answer} from the state {found}")
        if cmd in out:
            now = out[cmd].read_bytes() if out[cmd].exists() else None
            if not (same_output(cmd, now, before_out) or same_output(cmd, now, refs[state, cmd])):
                problems.append(f"{cmd} left a partial output ({0 if now is None else len(now)} bytes)")
        report.max_store_bytes = max(report.max_store_bytes, sum(store_files(store).values()))
        outcome = "finished" if finished else ("new" if found == expected_after and found != state else "old")
        report.outcomes[f"{cmd} {mode} {signal.Signals(sig).name} {outcome}"] += 1
        if problems:
            report.corrupted += 1
            report.failures.append(f"#{i} {cmd} ({mode}, {signal.Signals(sig).name}): " + "; ".join(problems))
        else:
            report.survived += 1
        if log:
            print(f"#{i:3} {cmd:6} {mode:7} {signal.Signals(sig).name:7} {outcome:8} "
                  f"{'OK' if not problems else 'CORRUPTED: ' + '; '.join(problems)}", flush=True)
        if found is not None:
            state = found
        else:  # start the next trial from a known state again
            run_ok(*commands["build"], cwd=work)
            state = "seed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="keep the store here (default: a temporary folder)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per trial")
    args = parser.parse_args(argv)
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
    report = run(args.kills, seed=args.seed, workdir=args.workdir, log=args.verbose)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(report.line())
        print(f"run times (s): {report.timings}; the whole run {report.seconds} s")
        print(f"store on disk: fresh build {report.fresh_store_bytes} bytes, largest after a kill "
              f"{report.max_store_bytes} bytes")
        for key, n in sorted(report.outcomes.items()):
            print(f"  {n:3}  {key}")
        for failure in report.failures:
            print("  " + failure)
    return 0 if report.corrupted == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
