"""The tests survive growth: with one more realistic source in data/, the data, competency and
statistics checks still pass, and they still catch a mistake in the new source.

The checkout (src/, tests/, ontology/, data/, pyproject.toml) is copied into a temporary folder,
the source of tests/fixtures/growth/ is added the way a curator adds one (a new file in
data/sources/, new entities appended to the files in data/entities/), and pytest runs there on
the copy's own tipgraph and data.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tipgraph
from tipgraph import resources

CHECKS = ["tests/test_data.py", "tests/test_competency.py",
          "tests/test_cli.py::test_build_validate_reason_stats_export"]


def grow(repo: Path, growth: Path, into: Path) -> Path:
    """Copy the checkout to ``into`` and add the growth source; returns the copy's data folder."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
    for folder in ("src", "tests", "ontology", "data"):
        shutil.copytree(repo / folder, into / folder, ignore=ignore)
    shutil.copy(repo / "pyproject.toml", into / "pyproject.toml")
    shared = repo.parent / "shared"
    if shared.is_dir():  # the source texts the wording check compares with
        (into.parent / "shared").symlink_to(shared, target_is_directory=True)
    data = into / "data"
    for path in sorted((growth / "sources").glob("*.trig")):
        target = data / "sources" / path.name
        assert not target.exists(), f"{path.name} would overwrite a real source"
        shutil.copy(path, target)
    for path in sorted((growth / "entities").glob("*.trig")):
        target = data / "entities" / path.name
        with target.open("a", encoding="utf-8") as out:
            out.write(path.read_text(encoding="utf-8"))
    return data


def run_checks(checkout: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(checkout / "src"), PYTHONWARNINGS="ignore")
    env.pop("CI", None)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *args],
                          cwd=checkout, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def grown(repo: Path, fixtures_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    checkout = tmp_path_factory.mktemp("grown") / "checkout"
    grow(repo, fixtures_dir / "growth", checkout)
    return checkout


def test_the_grown_data_is_the_seed_plus_the_new_source(grown: Path) -> None:
    files = resources.data_files(grown / "data")
    assert grown / "data" / "sources" / "src-9101.trig" in files
    assert len(files) == len(resources.data_files()) + 1
    kg = tipgraph.load(files)
    assert kg.validate(owl=False).conforms
    (event,) = kg.query("events-in-country", country="KZ").records()
    assert (event["participants"], event["women"], event["organisers"]) == (34, 15, 2)
    assert kg.query("ASK { tgd:evt-9101 a tg:Training , tg:Workshop ; tg:eventFundedBy tgd:org-0002 }").boolean
    speakers = {r["capacity"] for r in kg.query("speakers-at-event", event="tgd:evt-9101").records()}
    assert speakers == {"opening remarks", "keynote", "closing remarks"}
    members = kg.query("members-of-organisation", organisation="tgd:org-9101").column("personLabel")
    assert members == ["Dana Omarova (test)"]  # her post is in a unit of the Bureau
    rows = kg.query("sources-of-entity", entity="Kazakhstan").records()
    assert "https://www.example.org/unodc/almaty-training-2025-03.html" in {r["url"] for r in rows}


@pytest.mark.slow
def test_data_competency_and_statistics_checks_pass_with_one_more_source(grown: Path) -> None:
    where = subprocess.run([sys.executable, "-c", "import tipgraph.resources as r; print(r.data_dir())"],
                           cwd=grown, env=dict(os.environ, PYTHONPATH=str(grown / "src")),
                           capture_output=True, text=True, timeout=60)
    assert where.stdout.strip() == str(grown / "data"), where.stderr  # the copy reads its own data
    out = run_checks(grown, *CHECKS)
    assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-2000:]
    passed = re.search(r"(\d+) passed", out.stdout)
    assert passed and int(passed.group(1)) > 300 and "failed" not in out.stdout, out.stdout[-2000:]


@pytest.mark.slow
def test_the_checks_still_catch_a_mistake_in_the_new_source(grown: Path, tmp_path: Path) -> None:
    """Positive control: the same checks on the copy fail once the new source is wrong."""
    broken = tmp_path / "checkout"
    shutil.copytree(grown, broken, symlinks=True)
    source = broken / "data" / "sources" / "src-9101.trig"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace('"15"^^xsd:nonNegativeInteger', '"40"^^xsd:nonNegativeInteger'), encoding="utf-8")
    out = run_checks(broken, "tests/test_data.py", "-k", "conforms")
    assert out.returncode == 1, out.stdout[-3000:]
    assert "tgd:evt-9101" in out.stdout and "femaleParticipantCount" in out.stdout
