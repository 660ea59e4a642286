"""Tests of tipgraph.validate: SHACL with real pySHACL, OWL consistency with real HermiT.

The broken fixtures in tests/fixtures/broken/ each break one rule on purpose; every test
checks both that the rule fires and that it fires only on the node the fixture breaks.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import rdflib

from tipgraph import resources
from tipgraph.namespace import TG, TGD
from tipgraph.validate import (
    ConsistencyReport,
    ShaclReport,
    check_consistency,
    short_name,
    validate_shacl,
)

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


def needs_hermit(func):  # type: ignore[no-untyped-def]
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
    import subprocess

    code = "import sys, tipgraph.validate; print('owlready2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
