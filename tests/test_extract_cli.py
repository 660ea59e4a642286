"""``tipgraph extract / review / ingest / retract`` as a user runs them, on a real persistent store.

Hostile input must fail with the documented exit code, a message naming the file, and the
store unchanged; each refusal has a positive control that the same command on good input
changes the store.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

import tipgraph
from tipgraph.errors import EXIT_BAD_INPUT, EXIT_NOT_CONFORMING, EXIT_OK, EXIT_REFUSED, EXIT_USAGE
from tipgraph.extract import workflow as wf
from tipgraph.extract.candidates import Candidate, Extraction, Mention, Value
from tipgraph.extract.text import read_release
from tipgraph.namespace import TG, TGD

RELEASES = Path(__file__).resolve().parent / "fixtures" / "releases"
Run = Callable[..., subprocess.CompletedProcess[str]]


def engine() -> None:
    """Skip when the extraction engine (tipgraph.extract.pipeline) is not in this checkout."""
    pytest.importorskip("tipgraph.extract.pipeline", reason="the extraction engine is not merged here yet")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("extract-cli") / "store"
    kg, _ = tipgraph.build(path, owl=False)
    kg.close()
    return path


@pytest.fixture()
def store(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(built, copy)
    return copy


def dump(path: Path) -> list[bytes]:
    kg = tipgraph.load(path=path)
    try:
        return sorted(kg.store.dump().splitlines())
    finally:
        kg.close()


def seed_candidates(store: Path, *, url: str | None = "https://www.example.org/osh.html") -> str:
    """Candidates of the Osh release written through the public API (no engine needed)."""
    release = read_release(RELEASES / "osh-training.txt", url=url, published="2025-03-09")
    t = release.text
    i = t.index("EU-funded")
    eu = Mention("EU", i, i + 2, "organisation", "European Union", entity=TGD["org-0002"])
    j = t.index("PROTECT")
    protect = Mention("PROTECT", j, j + 7, "programme", "PROTECT", entity=TGD["prg-0002"])
    k = t.index("a two-day training")
    event = Mention("a two-day training", k, k + 18, "event", "@e1", proposed_class=TG.Training)
    n = t.index("30 officers")
    count = Value("30", n, n + 2, 30, "count")
    o = t.index("Osh", 60)
    city = Mention("Osh", o, o + 3, "city", "Osh", proposed_class=TG.City)
    d = t.index("9 March 2025")
    day = Value("9 March 2025", d, d + 12, "2025-03-09", "date", "day")
    cands = [Candidate("startDate", event, day, (d, d + 12), "date.dateline", 0.9),
             Candidate("funds", eu, protect, (i, j + 7), "funding.eu-funded", 0.95),
             Candidate("participantCount", event, count, (k, n + 11), "count.for-n", 0.85),
             Candidate("heldIn", event, city, (k, o + 3), "event.in-city", 0.85),
             Candidate("underProgramme", event, protect, (j, k + 18), "event.project-held", 0.4)]
    kg = tipgraph.load(path=store)
    try:
        [rep] = wf.add_extractions(kg, [Extraction(release, [eu, protect, event, city], cands, version="t")])
    finally:
        kg.close()
    return rep.source


# --- hostile input -----------------------------------------------------------------------
def hostile_files(tmp: Path) -> dict[str, tuple[Path, int]]:
    tmp.mkdir(parents=True, exist_ok=True)
    binary = tmp / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    huge = tmp / "huge.txt"
    huge.write_bytes(b"The EU-funded PROTECT project held a training. " * 120_000)
    french = tmp / "communique.txt"
    french.write_text("Dakar, Sénégal – Le 9 mars 2025, l'ONUDC a organisé un atelier de formation sur la traite "
                      "des personnes à l'intention de trente agents de la police nationale et de la gendarmerie, "
                      "avec le soutien de l'Union européenne.", encoding="utf-8")
    latin1 = tmp / "latin1.txt"
    latin1.write_bytes("Ministère de l'Intérieur, Genève, réunion régionale à Zürich".encode("latin-1"))
    pdf = tmp / "release.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    return {"binary": (binary, EXIT_BAD_INPUT), "huge": (huge, EXIT_REFUSED), "french": (french, EXIT_BAD_INPUT),
            "latin1": (latin1, EXIT_BAD_INPUT), "pdf": (pdf, EXIT_BAD_INPUT),
            "missing": (tmp / "nothing-here.txt", EXIT_BAD_INPUT)}


@pytest.mark.parametrize("kind", ["binary", "huge", "french", "latin1", "pdf", "missing"])
def test_hostile_input_fails_cleanly_naming_the_file_with_the_store_unchanged(
        run_cli: Run, store: Path, tmp_path: Path, kind: str) -> None:
    bad, code = hostile_files(tmp_path / "in")[kind]
    before = dump(store)
    out = run_cli("extract", str(bad), "--store", str(store))
    assert out.returncode == code, out.stderr
    assert bad.name in out.stderr and "Traceback" not in out.stderr
    if kind == "french":
        assert "'fr'" in out.stderr and "English" in out.stderr
    assert dump(store) == before


def test_one_bad_file_in_a_batch_stops_the_batch_before_anything_is_written(
        run_cli: Run, store: Path, tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(RELEASES / "osh-training.txt", batch / "a.txt")
    (batch / "b.txt").write_bytes(b"\x00\x01\x02 binary" * 100)
    before = dump(store)
    out = run_cli("extract", str(batch), "--store", str(store))
    assert out.returncode == EXIT_BAD_INPUT and "b.txt" in out.stderr
    assert dump(store) == before


def test_extract_of_good_releases_changes_the_store_and_again_changes_nothing(run_cli: Run, store: Path) -> None:
    """The positive control of the refusals above, and batch mode over a folder."""
    engine()
    before = dump(store)
    out = run_cli("extract", str(RELEASES), "--store", str(store), "--publisher", "UNODC")
    assert out.returncode == EXIT_OK, out.stderr
    assert "almaty-workshop.html" in out.stdout and "candidates" in out.stdout
    assert "[" not in out.stderr  # no progress bar when standard error is not a terminal
    once = dump(store)
    assert once != before
    assert run_cli("extract", str(RELEASES), "--store", str(store), "--publisher", "UNODC").returncode == 0
    assert dump(store) == once


def test_from_a_saved_page_to_facts_and_back(run_cli: Run, store: Path) -> None:
    engine()
    before = dump(store)
    page = RELEASES / "almaty-workshop.html"
    assert run_cli("extract", str(page), "--store", str(store)).returncode == 0
    table = run_cli("review", "--store", str(store))
    assert table.returncode == 0 and "candidates:" in table.stdout
    assert run_cli("review", "--store", str(store), "--accept-above", "0.8").returncode == 0
    ingest = run_cli("ingest", "--store", str(store))
    assert ingest.returncode == 0, ingest.stderr
    assert dump(store) != before
    out = run_cli("retract", "almaty-workshop.html", "--store", str(store))
    assert out.returncode == 0, out.stderr
    assert dump(store) == before


# --- usage errors ----------------------------------------------------------------------------
def test_usage_errors(run_cli: Run, store: Path) -> None:
    assert run_cli("extract", str(RELEASES / "osh-training.txt")).returncode == EXIT_USAGE  # no --store
    assert run_cli("review", "--store", str(store), "--accept-above", "1.5").returncode == EXIT_USAGE
    assert run_cli("extract", str(RELEASES / "osh-training.txt"), "--url", "ftp://x", "--store",
                   str(store)).returncode == EXIT_USAGE
    assert run_cli("extract", str(RELEASES / "osh-training.txt"), "--published", "9 March", "--store",
                   str(store)).returncode == EXIT_USAGE
    out = run_cli("extract", str(RELEASES), "--url", "https://example.org/a", "--store", str(store))
    assert out.returncode == EXIT_BAD_INPUT and "one release" in out.stderr
    out = run_cli("review", "--store", str(store / "nope"))
    assert out.returncode == EXIT_BAD_INPUT and "build --store" in out.stderr


# --- review, ingest, retract ------------------------------------------------------------------
def test_review_table_decisions_and_html(run_cli: Run, store: Path, tmp_path: Path) -> None:
    empty = run_cli("review", "--store", str(store))
    assert empty.returncode == 0 and "no candidates" in empty.stdout
    src = seed_candidates(store)
    out = run_cli("review", "--store", str(store))
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert lines[0].split()[:4] == ["id", "status", "conf", "relation"]
    funds = next(line for line in lines if " funds " in line)
    assert "European Union" in funds and "PROTECT" in funds and "EU-funded PROTECT" in funds
    assert "[new entity]" in next(line for line in lines if " heldIn " in line)
    assert "low confidence" in next(line for line in lines if " underProgramme " in line)
    assert "5 candidates: 5 pending" in out.stdout
    out = run_cli("review", "--store", str(store), "--accept-above", "0.8")
    assert out.returncode == 0 and "accepted 3 candidate(s)" in out.stdout and "2 flagged" in out.stdout
    held = next(r for r in wf.candidates(tipgraph.load(path=store)) if r.relation == "heldIn")
    out = run_cli("review", "--store", str(store), "--accept", held.id)
    assert out.returncode == 0 and "accepted 1" in out.stdout
    out = run_cli("review", "--store", str(store), "--status", "accepted", "--source", src)
    assert out.stdout.count("accepted ") == 4
    out = run_cli("review", "--store", str(store), "--accept", "cdeadbeef000")
    assert out.returncode == EXIT_BAD_INPUT and "cdeadbeef000" in out.stderr
    page = tmp_path / "review.html"
    out = run_cli("review", "--store", str(store), "--html", str(page))
    assert out.returncode == 0 and page.exists()
    html = page.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html and "<mark>" in html and "//" not in html.split("<body>")[0]


def test_ingest_and_retract_on_the_command_line(run_cli: Run, store: Path) -> None:
    before = dump(store)
    src = seed_candidates(store)
    run_cli("review", "--store", str(store), "--accept-above", "0.8")
    out = run_cli("ingest", "--store", str(store))
    assert out.returncode == 0, out.stderr
    # the event has no accepted place yet: its facts wait, the funding lands
    assert "ingested 1 accepted candidates" in out.stdout and "needs an accepted place" in out.stdout
    kg = tipgraph.load(path=store)
    assert not kg.query("ASK { ?e tg:participantCount 30 }").boolean
    held = next(r for r in wf.candidates(kg) if r.relation == "heldIn")
    run_cli("review", "--store", str(store), "--accept", held.id)
    out = run_cli("ingest", "--store", str(store))
    assert "ingested 4 accepted candidates" in out.stdout
    kg = tipgraph.load(path=store)
    assert kg.query("ASK { ?e tg:participantCount 30 ; tg:heldIn ?p . ?p skos:prefLabel 'Osh'@en }").boolean
    again = run_cli("ingest", "--store", str(store))
    assert "0 triples added, 0 removed" in again.stdout
    out = run_cli("retract", "src-ffffffffffff", "--store", str(store))
    assert out.returncode == EXIT_BAD_INPUT and src in out.stderr  # the known sources are listed
    out = run_cli("retract", src, "--store", str(store))
    assert out.returncode == 0 and f"retracted {src}" in out.stdout
    assert dump(store) == before


def test_ingest_refusals_exit_codes_and_leave_the_store(run_cli: Run, store: Path) -> None:
    seed_candidates(store, url=None)
    run_cli("review", "--store", str(store), "--accept-above", "0.8")
    before = dump(store)
    out = run_cli("ingest", "--store", str(store))
    assert out.returncode == EXIT_BAD_INPUT and "osh-training.txt" in out.stderr and "--url" in out.stderr
    assert dump(store) == before
    # data that would not conform: a place given as the organiser
    kg = tipgraph.load(path=store)
    release = read_release(RELEASES / "osh-training.txt", url="https://www.example.org/osh.html",
                           published="2025-03-09")
    event = Mention("a two-day training", 0, 5, "event", "@e1", proposed_class=TG.Training)
    place = Mention("Pakistan", 0, 5, "organisation", "Pakistan", entity=TGD["plc-0003"])
    islamabad = Mention("Islamabad", 0, 5, "city", "Islamabad", entity=TGD["plc-0020"])
    day = Value("9 March 2025", 0, 5, "2025-03-09", "date", "day")
    wf.add_extractions(kg, [Extraction(release, [], [Candidate("organisedBy", event, place, (0, 5), "x", 0.9),
                                                      Candidate("heldIn", event, islamabad, (0, 5), "y", 0.9),
                                                      Candidate("startDate", event, day, (0, 5), "z", 0.9)],
                                       version="t")])
    wf.decide(kg, threshold=0.8)
    kg.close()
    before = dump(store)
    out = run_cli("ingest", "--strict", "--store", str(store))
    assert out.returncode == EXIT_NOT_CONFORMING and "organis" in out.stderr
    assert dump(store) == before
    # without --strict the organiser is left out, said why, and the rest lands
    bad = next(r for r in wf.candidates(tipgraph.load(path=store)) if r.relation == "organisedBy")
    out = run_cli("ingest", "--store", str(store))
    assert out.returncode == EXIT_OK, out.stderr
    assert "refused" in out.stdout and bad.id in out.stdout and "organis" in out.stdout
    assert dump(store) != before


def extra_candidates(store: Path, *cands: Candidate) -> str:
    """The seed candidates and some more, of the same release (one source)."""
    release = read_release(RELEASES / "osh-training.txt", url="https://www.example.org/osh.html",
                           published="2025-03-09")
    kg = tipgraph.load(path=store)
    try:
        [rep] = wf.add_extractions(kg, [Extraction(release, [], list(cands), version="t")])
    finally:
        kg.close()
    return rep.source


def test_ingest_leaves_out_a_wrong_kind_and_says_why_strict_refuses_all(run_cli: Run, store: Path) -> None:
    event = Mention("a two-day training", 0, 5, "event", "@e1", proposed_class=TG.Training)
    islamabad = Mention("Islamabad", 0, 5, "city", "Islamabad", entity=TGD["plc-0020"])
    dialogue = Mention("Budapest Process", 0, 5, "programme", "Budapest Process", entity=TGD["org-0023"])
    day = Value("9 March 2025", 0, 5, "2025-03-09", "date", "day")
    extra_candidates(store, Candidate("heldIn", event, islamabad, (0, 5), "y", 0.9),
                     Candidate("startDate", event, day, (0, 5), "z", 0.9),
                     Candidate("underProgramme", event, dialogue, (0, 5), "x", 0.9))
    assert run_cli("review", "--store", str(store), "--accept-above", "0.8").returncode == EXIT_OK
    bad = next(r for r in wf.candidates(tipgraph.load(path=store)) if r.relation == "underProgramme")
    before = dump(store)
    out = run_cli("ingest", "--strict", "--store", str(store))
    assert out.returncode == EXIT_NOT_CONFORMING and bad.id in out.stderr and "Budapest Process" in out.stderr
    assert dump(store) == before
    out = run_cli("ingest", "--store", str(store))
    assert out.returncode == EXIT_OK, out.stderr
    assert "ingested 2 accepted candidates" in out.stdout
    assert "refused at ingest (1)" in out.stdout and bad.id in out.stdout and "intergovernmental dialogue" in out.stdout
    refused = run_cli("review", "--status", "refused", "--store", str(store))
    assert refused.returncode == EXIT_OK and bad.id in refused.stdout and "1 refused" in refused.stdout
    assert "Traceback" not in out.stderr + refused.stderr


def test_review_accept_id_equals_entity(run_cli: Run, store: Path) -> None:
    protect = Mention("PROTECT", 0, 7, "programme", "PROTECT", entity=TGD["prg-0002"])
    moi = Mention("MOI", 0, 3, "organisation", "MOI", alternatives=(TGD["org-0010"], TGD["org-0011"]))
    extra_candidates(store, Candidate("implements", moi, protect, (0, 7), "impl.x", 0.9))
    [row] = wf.candidates(tipgraph.load(path=store))
    out = run_cli("review", "--store", str(store), "--accept", row.id)
    assert out.returncode == EXIT_BAD_INPUT and "ambiguous" in out.stderr  # control: a bare id is refused
    before = dump(store)
    out = run_cli("review", "--store", str(store), "--accept", f"{row.id}=Pakistan")
    assert out.returncode == EXIT_BAD_INPUT and "country" in out.stderr and "organisation" in out.stderr
    assert dump(store) == before
    out = run_cli("review", "--store", str(store), "--accept", f"{row.id}=FIA")
    assert out.returncode == EXIT_OK, out.stderr
    assert "accepted 1" in out.stdout and "Federal Investigation Agency" in out.stdout
    table = run_cli("review", "--store", str(store))
    assert "Federal Investigation" in table.stdout and "ambiguous" not in table.stdout  # (cut to the column)
    assert run_cli("ingest", "--store", str(store)).returncode == EXIT_OK
    assert tipgraph.load(path=store).query("ASK { ?e tg:engagedOrganisation tgd:org-0011 ; "
                                           "tg:engagementRole tg:ImplementingRole }").boolean


def test_review_table_shows_the_precision_of_dates(run_cli: Run, store: Path) -> None:
    event = Mention("a two-day training", 0, 5, "event", "@e1", proposed_class=TG.Training)
    extra_candidates(store, Candidate("startDate", event, Value("9 March", 0, 5, "2025-03-09", "date", "day"),
                                      (0, 5), "d", 0.9),
                     Candidate("endDate", event, Value("March 2025", 0, 5, "2025-03", "date", "month"),
                               (0, 5), "m", 0.9))
    out = run_cli("review", "--store", str(store))
    lines = out.stdout.splitlines()
    assert "(month)" in next(line for line in lines if " endDate " in line)
    assert "(day)" not in next(line for line in lines if " startDate " in line)
