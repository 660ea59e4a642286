"""One writer at a time, the others told who holds the store; readers never wait and never fail.

Writers are real ``tipgraph add`` processes; the test itself holds the store through the
public API (``kg.store.writing()``) in a child process when it needs a writer that waits.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import ModuleType

import pytest

import tipgraph
from tipgraph import errors
from tipgraph.resources import data_files
from tipgraph.store import open_store

REPO = Path(__file__).resolve().parents[2]
PK = ["ICMPD", "UNODC"]
#: Organisations the added files make active in Pakistan (one file each), with their labels.
ADDED = {"org-0005": "IOM", "org-0004": "ILO", "org-0006": "SSDO", "org-0002": "European Union"}
_HOLDER = """
import sys, tipgraph
kg = tipgraph.load(path=sys.argv[1])
with kg.store.writing():
    kg.add_files([sys.argv[2]])
    print("holding", flush=True)
    sys.stdin.readline()
print("committed", flush=True)
"""


@pytest.fixture(scope="module")
def crash() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tipgraph_crash_harness", REPO / "benchmarks" / "crash.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONWARNINGS="ignore",
                PYTHONPATH=os.pathsep.join(filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")])))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tipgraph.cli", *args], capture_output=True, text=True,
                          timeout=120, env=_env())


def _pk_cli(store: Path) -> list[str]:
    proc = _cli("query", "active-in-country", "--param", "country=PK", "--store", str(store), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return sorted({row["organisationLabel"] for row in json.loads(proc.stdout)})


def _files(fixtures_dir: Path, folder: Path) -> list[Path]:
    """One file per organisation of :data:`ADDED`, each a new engagement in Pakistan."""
    text = (fixtures_dir / "iom-in-pakistan.trig").read_text(encoding="utf-8")
    out = []
    for n, (org, label) in enumerate(ADDED.items(), start=1):
        f = folder / f"{label.split()[0].lower()}-in-pakistan.trig"
        f.write_text(text.replace("9001", f"{9000 + n}").replace("org-0005", org).replace("IOM", label),
                     encoding="utf-8")
        out.append(f)
    return out


@pytest.fixture
def store(tmp_path: Path) -> Path:
    kg, _ = tipgraph.build(tmp_path / "S", validate=False)
    kg.close()
    return tmp_path / "S"


def test_a_second_writer_is_told_who_holds_the_store_and_readers_see_the_last_commit(
        store: Path, fixtures_dir: Path, tmp_path: Path) -> None:
    iom, ilo = _files(fixtures_dir, tmp_path)[:2]
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(store), str(iom)], env=_env(), text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        for cmd in (("add", str(ilo)), ("build", "--no-owl"), ("reason",)):
            proc = _cli(*cmd, "--store", str(store))
            assert proc.returncode == errors.EXIT_LOCKED == 6, (cmd, proc.returncode, proc.stderr)
            assert f"pid {holder.pid}" in proc.stderr and "busy" in proc.stderr, proc.stderr
            assert "bad input" not in proc.stderr.lower() and "internal error" not in proc.stderr, proc.stderr
        assert _pk_cli(store) == PK  # the holder's change is not committed: readers see the last commit
        assert tipgraph.load(path=store).query("active-in-country", country="PK").column("organisationLabel") == PK
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "committed"
        assert holder.wait(timeout=60) == 0, holder.stderr.read() if holder.stderr else ""
    finally:
        holder.kill()
        holder.wait()
    assert _pk_cli(store) == ["ICMPD", "IOM", "UNODC"]
    # Positive control: with the holder gone the refused add goes through, on top of the holder's commit.
    proc = _cli("add", str(ilo), "--store", str(store))
    assert proc.returncode == 0, proc.stderr
    assert _pk_cli(store) == ["ICMPD", "ILO", "IOM", "UNODC"]


def test_the_lock_goes_with_a_killed_writer(store: Path, fixtures_dir: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(store), str(fixtures_dir / "iom-in-pakistan.trig")],
                              env=_env(), text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    assert _cli("reason", "--store", str(store)).returncode == 6
    holder.kill()
    holder.wait()
    proc = _cli("reason", "--store", str(store))
    assert proc.returncode == 0, proc.stderr
    assert _pk_cli(store) == PK


@pytest.mark.slow
def test_parallel_adds_all_land_and_readers_never_fail(crash: ModuleType, store: Path, fixtures_dir: Path,
                                                      tmp_path: Path) -> None:
    files = _files(fixtures_dir, tmp_path)
    busy: list[str] = []
    done = threading.Event()
    answers: list[list[str]] = []
    reader_errors: list[str] = []

    def add(f: Path) -> None:
        for _ in range(60):
            proc = _cli("add", str(f), "--store", str(store))
            if proc.returncode == 0:
                return
            if proc.returncode != 6 or not re.search(r"pid \d+: tipgraph add", proc.stderr):
                reader_errors.append(f"add {f.name}: exit {proc.returncode}: {proc.stderr}")
                return
            busy.append(proc.stderr)
            time.sleep(0.05)
        reader_errors.append(f"add {f.name}: never got the store")

    def read() -> None:
        while not done.is_set():
            proc = _cli("query", "active-in-country", "--param", "country=PK", "--store", str(store),
                        "--format", "json")
            if proc.returncode != 0:
                reader_errors.append(f"query: exit {proc.returncode}: {proc.stderr}")
            else:
                answers.append(sorted({row["organisationLabel"] for row in json.loads(proc.stdout)}))

    readers = [threading.Thread(target=read) for _ in range(2)]
    writers = [threading.Thread(target=add, args=(f,)) for f in files]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    done.set()
    for t in readers:
        t.join()
    assert reader_errors == []
    # Every answer is a committed state: the seed plus some of the added organisations; and the
    # states form one chain (each commit builds on the one before, none forks off and gets lost).
    assert answers, "the readers ran no query"
    every = sorted(PK + list(ADDED.values()))
    states = {frozenset(a) for a in answers}
    assert all(set(PK) <= a <= set(every) for a in states), states
    assert all(a <= b or b <= a for a in states for b in states), states
    assert _pk_cli(store) == every
    # Inferences complete: the same store as a fresh build of the same files.
    fresh, _ = tipgraph.build(data=[*data_files(), *files], validate=False)
    assert crash.snapshot(store) == crash.snapshot_store(fresh.store)
    short, _ = tipgraph.build(data=[*data_files(), *files[:-1]], validate=False)  # positive control
    assert crash.snapshot(store) != crash.snapshot_store(short.store)
    print(f"{len(busy)} adds were told the store was busy; {len(answers)} queries answered meanwhile")


def test_readers_during_many_commits_read_one_whole_version(store: Path, tmp_path: Path) -> None:
    writer = subprocess.Popen([sys.executable, "-c", """
import sys
from tipgraph.store import open_store
s = open_store(sys.argv[1])
for i in range(24):
    with s.writing():
        s.drop_graph("urn:test:flip")
        s.load(b"".join(b"<urn:test:s%d> <urn:test:p> <urn:test:o> <urn:test:flip> .\\n" % j
                        for j in range(50 * (i % 2))))
print("done", flush=True)
""", str(store)], env=_env(), text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = open_store(store).count()
    counts = set()
    reads = 0
    while writer.poll() is None:
        counts.add(open_store(store).count())
        reads += 1
    out, err = writer.communicate()
    assert writer.returncode == 0 and out.strip() == "done", err
    assert reads > 10 and counts <= {base, base + 50}, (reads, counts)
    assert len(counts) == 2, counts  # positive control: the readers did see both versions
