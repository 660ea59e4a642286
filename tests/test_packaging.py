"""The wheel carries the ontology, shapes, queries, rules and data, and finds them when installed."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def wheel(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    res = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(repo)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    (path,) = out.glob("tipgraph-*.whl")
    return path


def test_wheel_contains_the_resources(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("tipgraph/_resources/ontology/tipgraph.ttl", "tipgraph/_resources/ontology/shapes.ttl",
                   "tipgraph/_resources/ontology/queries/countries-of-implementer.rq",
                   "tipgraph/_resources/ontology/rules/implements.rq",
                   "tipgraph/_resources/data/sources/src-0001.trig",
                   "tipgraph/_resources/data/entities/organisations.trig", "tipgraph/_resources/data/answers/seed.json",
                   "tipgraph/namespace/_TG.py",
                   "tipgraph/templates/map.html", "tipgraph/assets/map.js", "tipgraph/assets/map.css",
                   "tipgraph/templates/review.html", "tipgraph/extract/bodies.tsv",
                   "tipgraph/imports/iati_codelists.json"):
        assert needed in names, f"{needed} is missing from the wheel: check [tool.hatch...force-include]"


def test_installed_wheel_answers_from_its_own_resources(wheel: Path, tmp_path: Path) -> None:
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    code = ("import tipgraph, tipgraph.resources as r; "
            "assert '_resources' in str(r.ontology_file()), r.ontology_file(); "
            "kg = tipgraph.load(); assert kg.map(country='PK').nodes > 5; "
            "print(kg.query('countries-of-implementer', organisation='UNODC').column('iso2'))")
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "site"))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert "['AF', 'IQ', 'PK', 'TJ']" in res.stdout
