"""Tests of tipgraph.validate: SHACL with real pySHACL, OWL consistency with real HermiT.

The broken fixtures in tests/fixtures/broken/ each break one rule on purpose; every test
checks both that the rule fires and that it fires only on the node the fixture breaks.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import rdflib
from rdflib import URIRef
from rdflib.namespace import OWL

from tipgraph import resources
from tipgraph.namespace import TG, TGD
from tipgraph.validate import (
    ConsistencyReport,
    ShaclReport,
    check_consistency,
    short_name,
    validate_shacl,
)
from tipgraph.validate.owl_input import owl_input
from tipgraph.validate.workdir import LOCK_NAME, is_stale, remove_stale

F = TypeVar("F", bound=Callable[..., Any])
BROKEN = Path(__file__).resolve().parent / "fixtures" / "broken"

_HERMIT_MARKS = (
    pytest.mark.java,
    pytest.mark.skipif(
        shutil.which("java") is None,
        reason="Java not found on PATH: HermiT needs a JRE (Debian: apt-get install default-jre-headless)",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("owlready2") is None,
        reason="owlready2 is not installed (optional extra): pip install 'tipgraph[owl]'",
    ),
)


def needs_hermit(func: F) -> F:
    """Mark a test as needing Java and owlready2; skipped with the reason when either is missing."""
    for mark in _HERMIT_MARKS:
        func = mark(func)
    return func


def load_trig(*paths: Path) -> rdflib.Dataset:
    ds = rdflib.Dataset()
    for path in paths:
        ds.parse(path, format="trig")
    return ds


@pytest.fixture(scope="module")
def seed() -> rdflib.Dataset:
    return load_trig(*resources.data_files())


# ---------------------------------------------------------------------------
# SHACL
# ---------------------------------------------------------------------------
def test_seed_data_conforms(seed: rdflib.Dataset) -> None:
    report = validate_shacl(seed)
    assert isinstance(report, ShaclReport)
    assert report.conforms, report.text()
    assert report.violations == []
    assert "conforms" in report.text()


def test_seed_data_conforms_with_ontology_mixed_in(seed: rdflib.Dataset) -> None:
    ontology = rdflib.Graph().parse(resources.ontology_file(), format="turtle")
    report = validate_shacl(seed, ontology=ontology)
    assert report.conforms, report.text()


def test_seed_framework_programme_counts_its_parts(seed: rdflib.Dataset) -> None:
    """GLO.ACT (tgd:prg-0001) has no funder or implementer of its own; PROTECT's count for it.

    Removing the framework link must make GLO.ACT fail both rules, proving the shapes really
    follow tg:withinFrameworkOf rather than passing for another reason.
    """
    graph = rdflib.Graph()
    for s, p, o, _ in seed.quads((None, None, None, None)):
        if p != TG.withinFrameworkOf:
            graph.add((s, p, o))
    report = validate_shacl(graph)
    assert not report.conforms
    glo_act = [v for v in report.violations if v.focus_node == str(TGD["prg-0001"])]
    assert {v.shape for v in glo_act} == {"tgsh:Programme-funder", "tgsh:Programme-implementer"}, report.text()
    assert {v.focus_node for v in report.violations} == {str(TGD["prg-0001"])}, report.text()


# name of the fixture -> {offending node: words the fix for it must contain}
BROKEN_CASES: dict[str, dict[str, list[str]]] = {
    "missing-funder.trig": {
        "tgd:prg-9002": ["funding engagement", "tg:FundingRole", "tg:engagedProgramme"],
    },
    "female-above-total.trig": {
        "tgd:evt-9001": ["tg:femaleParticipantCount", "larger than", "tg:participantCount"],
    },
    "bad-iso-code.trig": {
        "tgd:plc-9001": ["not an assigned ISO 3166-1 alpha-2 code"],
        "tgd:plc-9002": ["two-letter", "capitals"],
        "tgd:plc-9003": ["exactly one tg:iso3166Alpha3"],
    },
    "unlabelled-node.trig": {
        "tgd:org-9001": ["add a skos:prefLabel"],
    },
}


@pytest.mark.parametrize("fixture", sorted(BROKEN_CASES))
def test_broken_fixture_fails_and_names_the_node(fixture: str) -> None:
    expected = BROKEN_CASES[fixture]
    report = validate_shacl(load_trig(BROKEN / fixture))
    text = report.text()
    assert not report.conforms, f"{fixture} should not conform but did:\n{text}"
    # Exactly the broken nodes, no false positives on the correct neighbours.
    assert {v.focus_name for v in report.violations} == set(expected), text
    for node, words in expected.items():
        block = "\n".join(
            f"{v.message} {v.path or ''}" for v in report.violations if v.focus_name == node
        )
        for word in words:
            assert word in block, f"the fix for {node} in {fixture} should mention {word!r}:\n{text}"
        assert node in text, f"the readable report should name {node}:\n{text}"
    assert "does NOT conform" in text


def test_report_shows_label_path_and_value() -> None:
    report = validate_shacl(load_trig(BROKEN / "missing-funder.trig"))
    (violation,) = report.violations
    assert violation.focus_node == str(TGD["prg-9002"])
    assert violation.focus_label == "Test Unfunded Project"
    assert violation.path == "(^tg:withinFrameworkOf)* / ^tg:engagedProgramme"
    assert violation.severity == "Violation"
    text = report.text()
    assert 'tgd:prg-9002 "Test Unfunded Project"' in text
    assert "(^tg:withinFrameworkOf)* / ^tg:engagedProgramme" in text

    counts = validate_shacl(load_trig(BROKEN / "female-above-total.trig"))
    assert counts.violations[0].value == '"30"^^xsd:nonNegativeInteger'


def test_dataset_is_validated_as_the_union_of_its_graphs() -> None:
    """A type stated in one named graph and the label in another must count together."""
    trig = """
        @prefix tg: <https://w3id.org/tipgraph/ontology#> .
        @prefix tgd: <https://w3id.org/tipgraph/id/> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        tgd:graph-src-9001 { tgd:org-9001 a tg:Committee . }
        tgd:graph-src-9002 { tgd:org-9001 skos:prefLabel "Test committee"@en . }
    """
    ds = rdflib.Dataset()
    ds.parse(data=trig, format="trig")
    assert validate_shacl(ds).conforms
    # The same facts with the label left out do fail, so the test above can fail too.
    ds2 = rdflib.Dataset()
    ds2.parse(data=trig.split("tgd:graph-src-9002")[0], format="trig")
    assert not validate_shacl(ds2).conforms


@pytest.mark.parametrize(
    ("triples", "shape"),
    [
        ('tgd:evt-9001 tg:participantCount "-3"^^xsd:integer .', "tgsh:Counts-total"),
        ('tgd:evt-9001 tg:femaleParticipantCount "2" .', "tgsh:Counts-female"),
        ('tgd:evt-9001 tg:endDate "2024-10-10"^^xsd:date .', "tgsh:Dated-order"),
        ('tgd:evt-9001 skos:prefLabel "Second English name"@en .', "tgsh:LabelledEntity-prefLabel"),
        ('tgd:org-9001 skos:prefLabel "No language tag" .', "tgsh:LabelledEntity-prefLabelLanguage"),
    ],
)
def test_other_rules_fire(triples: str, shape: str) -> None:
    base = """
        @prefix tg: <https://w3id.org/tipgraph/ontology#> .
        @prefix tgd: <https://w3id.org/tipgraph/id/> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        tgd:plc-9001 a tg:City ; skos:prefLabel "Test City"@en .
        tgd:org-9001 a tg:Committee .
        tgd:evt-9001 a tg:Meeting ; skos:prefLabel "Test meeting"@en ;
            tg:startDate "2024-10-11"^^xsd:date ; tg:heldIn tgd:plc-9001 .
    """
    graph = rdflib.Graph().parse(data=base + triples, format="turtle")
    report = validate_shacl(graph)
    assert shape in {v.shape for v in report.violations}, report.text()


def test_engagement_rules_fire() -> None:
    data = """
        @prefix tg: <https://w3id.org/tipgraph/ontology#> .
        @prefix tgd: <https://w3id.org/tipgraph/id/> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        tgd:eng-9001 skos:prefLabel "Untyped engagement with two roles"@en ;
            tg:engagedOrganisation tgd:prg-9001 ;
            tg:engagementRole tg:FundingRole , tg:ImplementingRole .
        tgd:prg-9001 a tg:Project ; skos:prefLabel "Test project"@en .
    """
    report = validate_shacl(rdflib.Graph().parse(data=data, format="turtle"))
    shapes = {v.shape for v in report.violations if v.focus_name == "tgd:eng-9001"}
    assert shapes == {
        "tgsh:Engagement-type",
        "tgsh:Engagement-organisationType",
        "tgsh:Engagement-programmeCount",
        "tgsh:Engagement-role",
        "tgsh:Engagement-sourceCount",
    }, report.text()


def test_short_name() -> None:
    assert short_name(str(TGD["prg-0002"])) == "tgd:prg-0002"
    assert short_name(str(TG.Programme)) == "tg:Programme"
    assert short_name("http://example.org/a b") == "<http://example.org/a b>"


# ---------------------------------------------------------------------------
# OWL consistency with HermiT
# ---------------------------------------------------------------------------
def _proc_stat(pid_dir: Path) -> tuple[int, str, str, int] | None:
    """(pid, command name, state, process group) of one /proc entry, or None if it is gone."""
    try:
        raw = (pid_dir / "stat").read_text()
    except OSError:
        return None
    head, _, rest = raw.rpartition(")")
    pid, _, comm = head.partition(" (")
    fields = rest.split()
    return int(pid), comm, fields[0], int(fields[2])


def _group_members(pgid: int) -> list[tuple[int, str, str]]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _proc_stat(entry)
            if stat and stat[3] == pgid:
                members.append((stat[0], stat[1], stat[2]))
    return members


def _assert_group_gone(pgid: int | None) -> None:
    """No process of the worker's group is left, not even a zombie.

    Zombies count: an orphan killed with its parent can stay a zombie for good where PID 1
    does not reap (as in some containers), so the worker must reap its own Java child.
    """
    assert pgid is not None, "the report should give the worker's pid"
    if not Path("/proc/self/stat").exists():  # not Linux: ask the kernel about the group
        with pytest.raises(ProcessLookupError):
            os.killpg(pgid, 0)
        return
    deadline = time.monotonic() + 5
    while True:
        alive = _group_members(pgid)
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert alive == [], f"processes of the HermiT worker group {pgid} are still running: {alive}"


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point tempfile at an empty folder, to see that the worker's temp folder is removed."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@needs_hermit
def test_hermit_finds_seed_consistent(seed: rdflib.Dataset, private_tmp: Path) -> None:
    report = check_consistency(seed)
    assert isinstance(report, ConsistencyReport)
    assert report.checked, report.text()
    assert report.consistent is True, report.text()
    assert report.unsatisfiable_classes == [], report.text()
    assert "consistent" in report.text()
    assert list(private_tmp.iterdir()) == [], "the worker's temporary folder was not removed"
    _assert_group_gone(report.worker_pid)


@needs_hermit
def test_hermit_finds_inconsistent_fixture_inconsistent(private_tmp: Path) -> None:
    report = check_consistency(load_trig(BROKEN / "inconsistent.trig"))
    assert report.checked, report.text()
    assert report.consistent is False, report.text()
    text = report.text()
    assert "INCONSISTENT" in text
    assert "tgd:org-9001" in text and "disjoint" in text, text
    assert list(private_tmp.iterdir()) == []


@needs_hermit
def test_hermit_reports_inferred_types() -> None:
    data = """
        @prefix tg: <https://w3id.org/tipgraph/ontology#> .
        @prefix tgd: <https://w3id.org/tipgraph/id/> .
        tgd:org-9001 a tg:Committee .
        tgd:eng-9001 tg:engagedOrganisation tgd:org-9001 .
    """
    report = check_consistency(rdflib.Graph().parse(data=data, format="turtle"))
    assert report.consistent is True, report.text()
    assert (str(TGD["eng-9001"]), str(TG.Engagement)) in report.inferred_types, report.text()
    assert not any(ind == str(TGD["org-9001"]) for ind, _ in report.inferred_types), report.text()
    assert "tgd:eng-9001 a tg:Engagement" in report.text()


@needs_hermit
def test_hermit_tiny_timeout(seed: rdflib.Dataset, private_tmp: Path) -> None:
    started = time.monotonic()
    report = check_consistency(seed, timeout=0.5)
    elapsed = time.monotonic() - started
    assert not report.checked and report.consistent is None
    assert "timeout" in (report.skipped_reason or ""), report.skipped_reason
    assert "NOT checked" in report.text()
    assert elapsed < 5, f"check_consistency took {elapsed:.1f} s with timeout=0.5"
    _assert_group_gone(report.worker_pid)
    assert list(private_tmp.iterdir()) == [], "the worker's temporary folder was not removed"


def _pigeonhole_ontology(path: Path, holes: int) -> Path:
    """An OWL ontology that tableau reasoners need exponential time for (pigeonhole principle):
    holes+1 distinct pigeons, each in one of `holes` classes, at most one per class."""
    ex = "http://example.org/pigeonhole#"
    lines = [
        f"@prefix : <{ex}> .",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "<http://example.org/pigeonhole> a owl:Ontology .",
        ":in a owl:ObjectProperty . :Loft a owl:Class . :Pigeon a owl:Class .",
    ]
    lines += [f":Hole{j} a owl:Class ." for j in range(holes)]
    holes_list = " ".join(f":Hole{j}" for j in range(holes))
    lines.append(f":Pigeon rdfs:subClassOf [ owl:unionOf ( {holes_list} ) ] .")
    at_most_one = [
        f'[ a owl:Restriction ; owl:onProperty :in ; owl:onClass :Hole{j} ; '
        f'owl:maxQualifiedCardinality "1"^^xsd:nonNegativeInteger ]'
        for j in range(holes)
    ]
    lines.append(":Loft rdfs:subClassOf " + " , ".join(at_most_one) + " .")
    lines.append(":loft a :Loft , owl:NamedIndividual .")
    lines += [f":p{i} a :Pigeon , owl:NamedIndividual . :loft :in :p{i} ." for i in range(holes + 1)]
    pigeons = " ".join(f":p{i}" for i in range(holes + 1))
    lines.append(f"[] a owl:AllDifferent ; owl:distinctMembers ( {pigeons} ) .")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.slow
@needs_hermit
def test_hermit_timeout_kills_running_java(tmp_path: Path, private_tmp: Path) -> None:
    """Time out while Java is really running, and check the Java process is gone afterwards.

    The pigeonhole ontology makes HermiT run for many minutes (8 holes take ~9 s here and each
    extra hole multiplies that), while the worker reaches Java in well under a second.
    """
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs Linux /proc to watch the Java process")
    ontology = _pigeonhole_ontology(tmp_path / "pigeonhole.ttl", holes=11)
    me = os.getpid()
    seen_java: set[int] = set()
    done = threading.Event()

    def watch() -> None:
        # Find Java processes in a process group led by a child of this test process.
        while not done.is_set():
            stats = [s for e in Path("/proc").iterdir() if e.name.isdigit() and (s := _proc_stat(e))]
            workers = set()
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit():
                    try:
                        status = (entry / "status").read_text()
                    except OSError:
                        continue
                    if f"\nPPid:\t{me}\n" in status:
                        workers.add(int(entry.name))
            seen_java.update(pid for pid, comm, state, pgid in stats if comm == "java" and pgid in workers)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.monotonic()
    try:
        report = check_consistency(rdflib.Graph(), ontology=ontology, timeout=6.0)
    finally:
        done.set()
        watcher.join()
    elapsed = time.monotonic() - started
    assert not report.checked, report.text()
    assert "timeout" in (report.skipped_reason or "")
    assert elapsed < 15, f"took {elapsed:.1f} s with timeout=6"
    assert seen_java, "Java never started within 6 s, so this run did not test killing it"
    _assert_group_gone(report.worker_pid)
    for pid in seen_java:
        stat = _proc_stat(Path("/proc") / str(pid))
        assert stat is None, f"Java process {pid} is still there: {stat}"
    assert list(private_tmp.iterdir()) == [], "the worker's temporary folder was not removed"


def test_missing_java_is_reported_not_raised(seed: rdflib.Dataset) -> None:
    started = time.monotonic()
    report = check_consistency(seed, java="/nonexistent/java")
    assert time.monotonic() - started < 2
    assert report.checked is False and report.consistent is None
    reason = report.skipped_reason or ""
    assert "Java not found" in reason and "/nonexistent/java" in reason, reason
    assert "apt-get install default-jre-headless" in reason
    assert "NOT checked" in report.text()


@pytest.mark.skipif(importlib.util.find_spec("owlready2") is None, reason="owlready2 is not installed")
@pytest.mark.skipif(not Path("/bin/false").exists(), reason="needs /bin/false as a broken 'java'")
def test_broken_java_is_reported_not_raised(private_tmp: Path) -> None:
    report = check_consistency(rdflib.Graph(), java="/bin/false", timeout=60)
    assert report.checked is False and report.consistent is None
    assert "HermiT failed" in (report.skipped_reason or ""), report.skipped_reason
    assert list(private_tmp.iterdir()) == [], "the worker's temporary folder was not removed"
    _assert_group_gone(report.worker_pid)


def test_validate_module_has_no_import_side_effects() -> None:
    """Importing tipgraph.validate must not import owlready2 (it is only used in the worker)."""
    code = "import sys, tipgraph.validate; print('owlready2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------
# Temporary folders: the run's own is removed; stale ones left by killed runs too
# ---------------------------------------------------------------------------
def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.skipif(importlib.util.find_spec("owlready2") is None, reason="owlready2 is not installed")
@pytest.mark.skipif(not Path("/bin/false").exists(), reason="needs /bin/false as a broken 'java'")
def test_stale_run_folders_are_removed_and_live_ones_kept(private_tmp: Path) -> None:
    stale = private_tmp / f"tipgraph-hermit-{_dead_pid()}-stale"
    (stale / "sub").mkdir(parents=True)
    (stale / "input.nt").write_text("left behind by a killed run")
    # A live run of another process: its owner pid is alive and it holds the lock.
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time\n"
        f"d = sys.argv[1]; os.mkdir(d); fd = os.open(d + '/{LOCK_NAME}', os.O_CREAT | os.O_RDWR)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)\n"),
        str(private_tmp / "tipgraph-hermit-PID-live")], stdout=subprocess.PIPE, text=True)
    try:
        live = private_tmp / "tipgraph-hermit-PID-live"
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        named_live = private_tmp / f"tipgraph-hermit-{holder.pid}-live"
        live.rename(named_live)
        # Dead owner but the lock is held (an owner this process cannot see): kept as well.
        locked_dead = private_tmp / f"tipgraph-hermit-{_dead_pid()}-locked"
        locked_dead.mkdir()
        fd = os.open(locked_dead / LOCK_NAME, os.O_CREAT | os.O_RDWR)
        fcntl.flock(fd, fcntl.LOCK_EX)
        other = private_tmp / "tipgraph-hermit-notours"  # no pid in the name: not ours to judge
        other.mkdir()
        try:
            assert is_stale(stale) and not is_stale(named_live) and not is_stale(locked_dead)
            report = check_consistency(rdflib.Graph(), java="/bin/false", timeout=60)
            assert "HermiT failed" in (report.skipped_reason or ""), report.text()
            left = sorted(p.name for p in private_tmp.iterdir())
            assert left == sorted([named_live.name, locked_dead.name, other.name]), left
        finally:
            os.close(fd)
        # With the lock released, the dead owner's folder goes on the next run.
        assert remove_stale(private_tmp) == [locked_dead]
    finally:
        holder.kill()
        holder.wait()


def _status(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def _children(parent: int) -> list[int]:
    return [int(e.name) for e in Path("/proc").iterdir()
            if e.name.isdigit() and _status(int(e.name)).get("PPid") == str(parent)]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


_PR_SET_CHILD_SUBREAPER = 36


def _set_subreaper(on: bool) -> None:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    assert libc.prctl(_PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0) == 0, os.strerror(ctypes.get_errno())


@pytest.mark.slow
@needs_hermit
def test_killed_cli_leaves_no_worker_java_or_temp_folder(tmp_path: Path, repo: Path) -> None:
    """kill -9 the CLI while HermiT runs: its worker, Java and temporary folder must all go.

    This test process becomes a child subreaper, so the orphaned worker is handed to it and
    reaped here: what is left afterwards (even a zombie) was not cleaned up by the worker.
    """
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs Linux /proc to watch the processes")
    data = _pigeonhole_ontology(tmp_path / "pigeonhole.ttl", holes=11)  # minutes of HermiT
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, PYTHONWARNINGS="ignore", TMPDIR=str(tmp))
    _set_subreaper(True)
    worker: int | None = None
    java: list[int] = []
    try:
        cli = subprocess.Popen(
            [sys.executable, "-m", "tipgraph.cli", "validate", "--data", str(data), "--owl-timeout", "90"],
            cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not java:
            assert cli.poll() is None, f"the CLI ended before Java started: {cli.stderr.read() if cli.stderr else ''}"
            workers = [p for p in _children(cli.pid) if "tipgraph.validate._worker" in _cmdline(p)]
            if workers:
                worker = workers[0]
                java = [pid for pid, comm, state in _group_members(worker) if comm == "java" and state != "Z"]
            time.sleep(0.05)
        # Positive controls: the worker, a running Java in its group and the run folder exist.
        assert worker is not None and java, "HermiT's Java never started within 60 s: nothing to kill"
        folders = list(tmp.glob("tipgraph-hermit-*"))
        assert folders, "the run folder should exist while HermiT runs"
        assert all(_status(p).get("State", "").startswith(("R", "S", "D")) for p in java), java

        os.kill(cli.pid, signal.SIGKILL)
        cli.wait()
        killed = time.monotonic()
        while True:
            try:
                os.waitpid(worker, os.WNOHANG)  # handed to us by the subreaper
            except ChildProcessError:
                pass
            left = _group_members(worker)
            left += [(p, "java", _status(p)["State"]) for p in java if _status(p) and p not in {m[0] for m in left}]
            folders = list(tmp.glob("tipgraph-hermit-*"))
            if (not left and not folders) or time.monotonic() - killed > 10:
                break
            time.sleep(0.05)
        gone_after = time.monotonic() - killed
        assert left == [], f"processes left after the CLI was killed: {left}"
        assert folders == [], f"temporary folders left after the CLI was killed: {folders}"
        assert gone_after < 5, f"cleaning up took {gone_after:.1f} s"
    finally:
        for pid in [*java, *([worker] if worker else [])]:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        _set_subreaper(False)
        for pid in [*java, *([worker] if worker else [])]:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


# ---------------------------------------------------------------------------
# owl:imports are never followed
# ---------------------------------------------------------------------------
class _Listener:
    """A local TCP listener that records every connection (and answers 404 to HTTP)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    self.requests.append(conn.recv(1024) or b"(connected, sent nothing)")
                    conn.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    self.requests.append(b"(connected)")

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


class _FifoWatch:
    """A named pipe that records every time something opens it to read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        os.mkfifo(path)
        self.opens = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            fd = os.open(self.path, os.O_WRONLY)  # blocks until a reader opens the pipe
            os.close(fd)  # the reader sees an empty file
            if self._stop.is_set():
                return
            self.opens += 1
            while True:  # wait for that reader to close, so one open counts once
                try:
                    os.close(os.open(self.path, os.O_WRONLY | os.O_NONBLOCK))
                except OSError:  # ENXIO: no reader any more
                    break
                time.sleep(0.01)

    def read_on_purpose(self) -> None:
        """Open the pipe as a reader would; the watch must count it."""
        fd = os.open(self.path, os.O_RDONLY)
        os.read(fd, 10)
        os.close(fd)

    def close(self) -> None:
        self._stop.set()
        fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)  # releases the blocked writer
        os.close(fd)
        self._thread.join(5)


@dataclass
class _ImportTargets:
    files: list[Path]
    imports: list[str]
    listener: _Listener
    fifo: _FifoWatch


@pytest.fixture
def import_targets(tmp_path: Path) -> Iterator[_ImportTargets]:
    """Two data files whose owl:imports point at a local listener and at a watched local file."""
    listener = _Listener()
    fifo = _FifoWatch(tmp_path / "imported.ttl")
    onto = URIRef(resources.ONTOLOGY_IRI).n3()
    web = [listener.url("/tipgraph-import"), listener.url("/extension-import")]
    http_file = tmp_path / "http-import.ttl"
    http_file.write_text(
        f"{onto} {OWL.imports.n3()} {URIRef(web[0]).n3()} .\n"
        f"<http://example.org/extension> a {OWL.Ontology.n3()} ; {OWL.imports.n3()} {URIRef(web[1]).n3()} .\n",
        encoding="utf-8")
    file_file = tmp_path / "file-import.ttl"
    file_iri = fifo.path.as_uri()
    file_file.write_text(f"{onto} {OWL.imports.n3()} {URIRef(file_iri).n3()} .\n", encoding="utf-8")
    try:
        yield _ImportTargets([http_file, file_file], [*web, file_iri], listener, fifo)
    finally:
        listener.close()
        fifo.close()


def _assert_nothing_fetched_and_controls_work(targets: _ImportTargets) -> None:
    listener, fifo = targets.listener, targets.fifo
    assert listener.requests == [], f"an owl:imports was fetched: {listener.requests}"
    assert fifo.opens == 0, "an owl:imports file: was opened"
    # Positive controls: fetching and reading on purpose are seen.
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(listener.url("/control"), timeout=5)
    assert len(listener.requests) == 1 and b"GET /control" in listener.requests[0], listener.requests
    fifo.read_on_purpose()
    deadline = time.monotonic() + 5
    while fifo.opens == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fifo.opens == 1


def _skipped_lines(imports: list[str]) -> list[str]:
    return [f"skipped owl:imports <{i}>: imports are never followed" for i in imports]


def test_shacl_and_owl_input_skip_imports(import_targets: _ImportTargets) -> None:
    graph = rdflib.Graph()
    for f in import_targets.files:
        graph.parse(f, format="turtle")
    shacl = validate_shacl(graph)
    assert shacl.skipped_imports == sorted(import_targets.imports)
    for line in _skipped_lines(import_targets.imports):
        assert line in shacl.text(), shacl.text()
    owl_graph, skipped = owl_input(graph, resources.ontology_file())
    assert skipped == sorted(import_targets.imports)
    assert (None, OWL.imports, None) not in owl_graph
    assert (None, OWL.imports, None) in graph, "the caller's graph must not be changed"
    _assert_nothing_fetched_and_controls_work(import_targets)


@needs_hermit
def test_cli_validate_never_follows_imports(import_targets: _ImportTargets, run_cli) -> None:
    out = run_cli("validate", "--data", *map(str, import_targets.files), "--owl-timeout", "100")
    _assert_nothing_fetched_and_controls_work(import_targets)
    assert "OWL: HermiT found" in out.stdout, out.stdout + out.stderr  # HermiT really ran
    # Both reports, SHACL and HermiT, name every skipped import.
    for line in _skipped_lines(import_targets.imports):
        assert out.stdout.count(line) == 2, out.stdout


@needs_hermit
def test_cli_build_never_follows_imports(import_targets: _ImportTargets, tmp_path: Path, run_cli) -> None:
    files = list(map(str, import_targets.files))
    checked = run_cli("build", "--data", *files, "--owl-timeout", "100")
    unchecked = run_cli("build", "--data", *files, "--no-validate", "--store", str(tmp_path / "store"))
    _assert_nothing_fetched_and_controls_work(import_targets)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "OWL (HermiT): consistent" in checked.stdout, checked.stdout + checked.stderr  # HermiT really ran
    assert unchecked.returncode == 0, unchecked.stdout + unchecked.stderr


@needs_hermit
def test_build_reports_skipped_imports(import_targets: _ImportTargets) -> None:
    import tipgraph

    kg, rep = tipgraph.build(data=import_targets.files, owl_timeout=100)
    kg.close()
    assert rep.validation is not None and rep.validation.owl is not None and rep.validation.owl.checked
    assert rep.validation.shacl.skipped_imports == sorted(import_targets.imports)
    assert rep.validation.owl.skipped_imports == sorted(import_targets.imports)
    for line in _skipped_lines(import_targets.imports):
        assert rep.validation.text().count(line) == 2, rep.validation.text()
    _assert_nothing_fetched_and_controls_work(import_targets)


# ---------------------------------------------------------------------------
# Curation checks generated from the ontology (tipgraph.validate.curation)
# ---------------------------------------------------------------------------
_CURATION_BASE = """
    @prefix tg: <https://w3id.org/tipgraph/ontology#> .
    @prefix tgd: <https://w3id.org/tipgraph/id/> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    tgd:plc-9001 a tg:City ; skos:prefLabel "Test City"@en .
    tgd:org-9001 a tg:Committee ; skos:prefLabel "Test committee"@en .
    tgd:evt-9001 a tg:Meeting ; skos:prefLabel "Test meeting"@en ;
        tg:startDate "2024-10-11"^^xsd:date ; tg:heldIn tgd:plc-9001 .
"""


def _curation(triples: str, ontology: rdflib.Graph | None = None) -> list[tuple[str, str]]:
    graph = rdflib.Graph().parse(data=_CURATION_BASE + triples, format="turtle")
    report = validate_shacl(graph, ontology=ontology)
    return [(v.shape or "", v.focus_name) for v in report.violations]


def _ontology_plus(turtle: str) -> rdflib.Graph:
    onto = rdflib.Graph().parse(resources.ontology_file(), format="turtle")
    return onto.parse(data="@prefix tg: <https://w3id.org/tipgraph/ontology#> .\n"
                           "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                           "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                           "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + turtle, format="turtle")


def test_curation_base_is_clean() -> None:
    """The positive control for the rows below."""
    assert _curation("") == []


@pytest.mark.parametrize(
    ("triples", "check"),
    [
        ("tgd:evt-9001 tg:ledBy tgd:plc-9001 .", None),  # tg:ledBy has no range: anything goes
        ("tgd:org-9001 tg:heldIn tgd:plc-9001 .", "check:domain"),  # only events are held somewhere
        ("tgd:evt-9001 tg:reviews tgd:org-9001 .", "check:range"),  # reviews a document
        ("tgd:evt-9001 tg:attendedBy tgd:org-9001 .", None),  # inverse of participantIn: events only
        ("tgd:org-9001 tg:attendedBy tgd:evt-9001 .", "check:domain"),  # ... so this is turned round
        ("tgd:org-9001 tg:gaveRemarksAt tgd:plc-9001 .", "check:range"),  # sub-property of participantIn
        ('tgd:org-9001 tg:partnerOf "UNODC" .', "check:node-expected"),
        ("tgd:evt-9001 tg:hadVirtualParticipants tgd:org-9001 .", "check:value-expected"),
        ('tgd:evt-9001 tg:hadVirtualParticipants "yes" .', "check:datatype"),
        ("tgd:org-9001 tg:partnerOf tgd:org-9999 .", "check:undefined-id"),
        ("tgd:org-9002 tg:partnerOf tgd:org-9001 .", "check:untyped"),
        ("tgd:org-9001 tg:funds tgd:evt-9001 .", "check:derived"),  # derived: nothing else is checked
        ("tgd:per-9001 a tg:Person ; skos:prefLabel \"Test person\"@en ; tg:memberOf tgd:org-9001 .",
         "check:derived"),  # a property chain's target
        ("tgd:evt-9001 tg:Workshop tgd:plc-9001 .", "check:unknown-property"),  # a class as a property
        ("tgd:org-9001 a tg:heldIn .", "check:unknown-class"),  # a property as a class
    ],
)
def test_curation_rules_fire(triples: str, check: str | None) -> None:
    shapes = {s for s, _ in _curation(triples) if s.startswith("check:")}
    assert shapes == ({check} if check else set()), _curation(triples)


def test_curation_checks_follow_the_ontology_at_run_time() -> None:
    """A property the ontology gains is checked at once, with no code or shape written for it."""
    data = "tgd:evt-9001 tg:testSponsor tgd:plc-9001 ."
    assert ("check:unknown-property", "tgd:evt-9001") in _curation(data)
    onto = _ontology_plus("tg:testSponsor a owl:ObjectProperty ; rdfs:domain tg:Event ; "
                          "rdfs:range tg:Organisation .")
    assert _curation(data, onto) == [("check:range", "tgd:evt-9001")]
    assert _curation("tgd:evt-9001 tg:testSponsor tgd:org-9001 .", onto) == []  # positive control
    # A range given as a union of classes.
    union = _ontology_plus("tg:testSponsor a owl:ObjectProperty ; rdfs:range "
                           "[ a owl:Class ; owl:unionOf ( tg:Organisation tg:Place ) ] .")
    assert _curation(data, union) == []
    assert _curation("tgd:evt-9001 tg:testSponsor tgd:evt-9001 .", union) == [("check:range", "tgd:evt-9001")]


def test_derived_annotation_marks_and_exempts() -> None:
    """``tg:derived true`` adds a property (and its inverse) to the refused ones; ``false`` exempts one."""
    partner = "tgd:org-9001 tg:partnerOf tgd:org-9001 ."
    assert _curation(partner) == []
    marked = _ontology_plus("tg:derived a owl:AnnotationProperty . tg:partnerOf tg:derived true . "
                            "tg:runs tg:derived true .")
    assert _curation(partner, marked) == [("check:derived", "tgd:org-9001")]
    fac = ('tgd:fac-9001 a tg:Facility ; skos:prefLabel "Test facility"@en ; tg:runBy tgd:org-9001 .')
    assert ("check:derived", "tgd:fac-9001") in _curation(fac, marked)  # the inverse of tg:runs
    active = "tgd:org-9001 tg:activeIn tgd:plc-9001 ."
    assert _curation(active) == [("check:derived", "tgd:org-9001")]
    exempt = _ontology_plus("tg:derived a owl:AnnotationProperty . tg:activeIn tg:derived false .")
    assert _curation(active, exempt) == []


def test_derived_message_writes_the_engagement() -> None:
    graph = rdflib.Graph().parse(data=_CURATION_BASE + "tgd:org-9001 tg:funds tgd:prg-0002 .", format="turtle")
    (v,) = [v for v in validate_shacl(graph).violations if v.shape == "check:derived"]
    assert v.path == "tg:funds" and v.value == "tgd:prg-0002"
    for words in ("?engagement a tg:Engagement", "tg:engagedOrganisation tgd:org-9001",
                  "tg:engagedProgramme tgd:prg-0002", "tg:engagementRole tg:FundingRole",
                  "also needs", "prov:wasDerivedFrom"):
        assert words in v.message, v.message


def test_shape_report_wins_over_generated_duplicate() -> None:
    """A place as an engagement's organisation: the hand-written shape and the range check both see it;
    one message remains, the shape's, and nested sh:node details are not listed on their own."""
    eng = ('@prefix prov: <http://www.w3.org/ns/prov#> . '
           'tgd:eng-9001 a tg:Engagement ; skos:prefLabel "Test engagement"@en ; tg:engagedOrganisation '
           'tgd:plc-9001 ; tg:engagedProgramme tgd:prg-9001 ; tg:engagementRole tg:FundingRole ; '
           'prov:wasDerivedFrom tgd:src-9001 . '
           'tgd:prg-9001 a tg:Project ; skos:prefLabel "Test project"@en . '
           'tgd:src-9001 a tg:SourceDocument ; skos:prefLabel "Test source"@en . ')
    found = _curation(eng)
    on_eng = [s for s, node in found if node == "tgd:eng-9001"]
    assert on_eng == ["tgsh:Engagement-organisationType"], found
    assert not [s for s, node in found if node == "tgd:plc-9001"], found


def test_root_cause_wins_over_the_shape() -> None:
    """An undefined organiser: the report names the undefined id, not "must be an organisation"."""
    found = _curation("tgd:evt-9001 tg:organisedBy tgd:org-9999 .")
    assert found == [("check:undefined-id", "tgd:evt-9001")], found
    # Positive control: a defined place as organiser is the shape's to report.
    assert _curation("tgd:evt-9001 tg:organisedBy tgd:plc-9001 .") == [
        ("tgsh:OrganisedBy-organiserType", "tgd:evt-9001")]
    assert _curation("tgd:plc-9001 tg:organises tgd:evt-9001 .") == [("tgsh:OrganiserShape", "tgd:plc-9001")]


def test_locations_follow_prefixes_lists_strings_and_comments(tmp_path: Path) -> None:
    """The locator reads the file as Turtle: other prefix names, object lists over several lines,
    the term inside a string or a comment (not a mention), nested blank nodes, SPARQL-style PREFIX."""
    text = (
        "PREFIX t: <https://w3id.org/tipgraph/ontology#>\n"            # 1
        "@prefix d: <https://w3id.org/tipgraph/id/> .\n"                # 2
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"      # 3
        "# d:evt-9001 t:organisedBy d:plc-9001 in a comment\n"          # 4
        "d:g { d:evt-9001 a t:Meeting ;\n"                              # 5
        '    skos:prefLabel """Test meeting,\n'                         # 6
        '    t:organisedBy d:plc-9001 in a string"""@en ;\n'            # 7
        "    t:startDate \"2024-10-11\"^^<http://www.w3.org/2001/XMLSchema#date> ;\n"  # 8
        '    t:discusses [ a t:Report ; skos:prefLabel "Test report"@en ] ;\n'  # 9
        "    t:heldIn d:plc-9001 ,\n"                                   # 10
        "        d:org-9001 . }\n"                                      # 11
        "d:plc-9001 a t:City ; skos:prefLabel \"Test City\"@en .\n"     # 12
        "d:org-9001 a t:Committee ; skos:prefLabel \"Test committee\"@en .\n"  # 13
    )
    path = tmp_path / "odd.trig"
    path.write_text(text, encoding="utf-8")
    ds = rdflib.Dataset()
    ds.parse(path, format="trig")
    report = validate_shacl(ds, sources=[path])
    where = {(v.path, v.value): v.location for v in report.violations}
    assert where[("tg:heldIn", "tgd:org-9001")] == f"{path}:11", report.text()  # held in an organisation
    assert len(report.violations) == 1, report.text()
    assert f"{path}:11: [Violation]" in report.text()
    # Without sources, no locations and the same problems.
    bare = validate_shacl(ds)
    assert [v.location for v in bare.violations] == [None] * len(report.violations)
    assert [(v.shape, v.value) for v in bare.violations] == [(v.shape, v.value) for v in report.violations]


def test_locator_never_fails_on_what_it_cannot_read(tmp_path: Path) -> None:
    from tipgraph.validate.locate import SourceIndex

    odd = tmp_path / "odd.ttl"
    odd.write_text("@prefix : <urn:x#> . :a :b ( :c [ :d :e ] ) ; :f 1.5e3 , true , -2 .\n"
                   "<urn:y> <urn:p> ~~~ not turtle\n", encoding="utf-8")
    missing = tmp_path / "missing.ttl"
    index = SourceIndex([odd, missing])
    assert index.locate(URIRef("urn:x#a"), URIRef("urn:x#f")) == []  # the odd file gives no locations
    good = tmp_path / "good.ttl"
    good.write_text("@prefix : <urn:x#> .\n:a :b ( :c [ :d :e ] ) ;\n  :f 1.5e3 , true , -2 .\n", encoding="utf-8")
    index = SourceIndex([odd, missing, good])
    assert index.locate(URIRef("urn:x#a"), URIRef("urn:x#f"), rdflib.Literal(True)) == [f"{good}:3"]
    assert index.locate(URIRef("urn:x#a"), URIRef("urn:x#f")) == [f"{good}:3"]
    assert index.locate(URIRef("urn:x#a"), URIRef("urn:x#zz")) == [f"{good}:2"]  # falls back to the subject
    assert index.locate(URIRef("urn:x#e")) == [f"{good}:2"]  # mentioned as an object only
    assert index.locate(rdflib.BNode()) == []
