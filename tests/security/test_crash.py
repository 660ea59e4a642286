"""A kill at any moment of a writing command leaves the old store or the new one, whole.

The random kills run the harness of ``benchmarks/crash.py`` (real CLI processes, SIGKILL
and SIGTERM); the other tests put a store by hand into each state a kill can leave
between the steps of a swap, and check what the next reader and writer make of it.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

import tipgraph
from tipgraph.resources import data_files
from tipgraph.store import open_store
from tipgraph.store.persist import WriteLock, backup_path, building_path, is_store

REPO = Path(__file__).resolve().parents[2]
INFERRED = "https://w3id.org/tipgraph/graph/inferred"
PK = ["ICMPD", "UNODC"]
PK_WITH_IOM = ["ICMPD", "IOM", "UNODC"]


@pytest.fixture(scope="module")
def crash() -> ModuleType:
    """benchmarks/crash.py, the kill harness."""
    spec = importlib.util.spec_from_file_location("tipgraph_crash_harness", REPO / "benchmarks" / "crash.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two committed stores, built once: the seed ("old") and the seed plus the IOM file ("new")."""
    root = tmp_path_factory.mktemp("stores")
    kg, _ = tipgraph.build(root / "old", validate=False)
    kg.close()
    shutil.copytree(root / "old", root / "new")
    kg = tipgraph.load(path=root / "new")
    kg.add_files([REPO / "tests" / "fixtures" / "iom-in-pakistan.trig"])
    kg.close()
    return {"old": root / "old", "new": root / "new"}


def _pk(path: Path) -> list[str]:
    kg = tipgraph.load(path=path)
    return kg.query("active-in-country", country="PK").column("organisationLabel")


@pytest.mark.slow
def test_random_kills_of_every_command_leave_the_old_or_the_new_store(crash: ModuleType, tmp_path: Path) -> None:
    # Seed 10143 draws, in 10 trials: kills of `add` (uniform and in its commit, SIGKILL and SIGTERM), an
    # `add` let through to its commit (the state moves on), then kills of `build`, and kills of export and map.
    report = crash.run(10, seed=10143, workdir=tmp_path, commit_share=0.5)
    assert report.tried == 10 and report.survived == 10 and report.corrupted == 0, "\n".join(report.failures)
    interrupted = sum(n for key, n in report.outcomes.items()
                      if key.split()[0] in ("add", "build") and not key.endswith("finished"))
    assert interrupted >= 5, report.outcomes  # the kills did land inside the writers
    assert report.max_store_bytes < 1.2 * report.fresh_store_bytes + 20_000, report.to_dict()


def test_the_checker_sees_new_data_with_old_inferences(crash: ModuleType, stores: dict[str, Path],
                                                        tmp_path: Path, fixtures_dir: Path) -> None:
    # The torn state the old write-through design left when a kill hit `add` while it reasoned.
    states = {"old": crash.snapshot(stores["old"]), "new": crash.snapshot(stores["new"])}
    assert crash.classify(crash.snapshot(stores["new"]), states) == "new"
    shutil.copytree(stores["old"], tmp_path / "torn")
    kg = tipgraph.load(path=tmp_path / "torn")
    kg.add_files([fixtures_dir / "iom-in-pakistan.trig"], reason=False)
    kg.close()
    torn = crash.snapshot(tmp_path / "torn")
    assert crash.classify(torn, states) is None
    assert torn.count(INFERRED) == states["old"].count(INFERRED) < states["new"].count(INFERRED)
    assert "inferred" in crash.describe(torn, states)


def _litter(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(f".{path.name}.tipgraph-")
                  and not p.name.endswith("-lock"))


@pytest.mark.parametrize("left", ["between-renames", "before-backup-removed", "while-building", "after-exchange"])
def test_the_next_reader_and_writer_repair_what_a_kill_left(left: str, stores: dict[str, Path],
                                                            tmp_path: Path, fixtures_dir: Path) -> None:
    store = tmp_path / "S"
    old, new = stores["old"], stores["new"]
    if left == "between-renames":  # the old store moved to the backup, the new one not yet in place
        shutil.copytree(old, backup_path(store))
        shutil.copytree(new, building_path(store))
        expected = PK
    elif left == "before-backup-removed":  # the new store in place, the old one still in the backup
        shutil.copytree(new, store)
        shutil.copytree(old, backup_path(store))
        expected = PK_WITH_IOM
    elif left == "while-building":  # the new store half written
        shutil.copytree(old, store)
        shutil.copytree(new, building_path(store))
        for f in building_path(store).glob("*.sst"):
            f.write_bytes(f.read_bytes()[: len(f.read_bytes()) // 2])
        expected = PK
    else:  # exchanged: the old store is at the building path, about to be removed
        shutil.copytree(new, store)
        shutil.copytree(old, building_path(store))
        expected = PK_WITH_IOM
    # A writer at work: a reader reads what is committed and touches nothing.
    lock = WriteLock(store)
    lock.acquire()
    try:
        litter = _litter(store)
        assert open_store(store).count() == open_store(new if expected == PK_WITH_IOM else old).count()
        assert _litter(store) == litter != []
    finally:
        lock.release()
    # No writer: the next reader repairs, and reads the same.
    assert _pk(store) == expected
    assert is_store(store) and _litter(store) == []
    # And a writer carries on from there.
    kg = tipgraph.load(path=store)
    kg.add_files([fixtures_dir / "iom-in-pakistan.trig"])
    kg.close()
    assert _pk(store) == PK_WITH_IOM and _litter(store) == []


def test_a_writer_repairs_an_interrupted_swap_under_its_lock(stores: dict[str, Path], tmp_path: Path,
                                                            fixtures_dir: Path) -> None:
    store = tmp_path / "S"
    shutil.copytree(stores["old"], store)
    kg = tipgraph.load(path=store)  # opened before the (simulated) kill of another writer
    store.rename(backup_path(store))
    kg.add_files([fixtures_dir / "iom-in-pakistan.trig"])
    kg.close()
    assert _pk(store) == PK_WITH_IOM and _litter(store) == []


def test_reads_leave_the_store_as_it_is_and_adds_stay_within_a_fresh_builds_size(
        crash: ModuleType, run_cli, tmp_path: Path, fixtures_dir: Path) -> None:
    store = tmp_path / "S"
    assert run_cli("build", "--store", str(store), "--no-owl").returncode == 0
    before = crash.store_files(store)
    mtime = store.stat().st_mtime_ns
    for _ in range(18):  # each load opens the store afresh, as a command does
        assert _pk(store) == PK
    for cmd in (("query", "active-in-country", "--param", "country=PK"), ("stats",)):
        proc = run_cli(*cmd, "--store", str(store))
        assert proc.returncode == 0, proc.stderr
    assert crash.store_files(store) == before and store.stat().st_mtime_ns == mtime
    # Positive control: an add does change the folder. Ten adds of the same file: the size of one.
    iom = fixtures_dir / "iom-in-pakistan.trig"
    for _ in range(10):
        kg = tipgraph.load(path=store)
        kg.add_files([iom])
        kg.close()
    after = crash.store_files(store)
    assert after != before
    kg, _ = tipgraph.build(tmp_path / "fresh", data=[*data_files(), iom], validate=False)
    kg.close()
    fresh = crash.store_files(tmp_path / "fresh")
    assert len(after) == len(fresh) and _litter(store) == []  # no extra files, nothing left beside the store
    assert sum(after.values()) <= 1.05 * sum(fresh.values()), (sum(after.values()), sum(fresh.values()))
