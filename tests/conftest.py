"""Shared fixtures: one knowledge graph per backend, built once per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tipgraph
from tipgraph.store import BACKENDS

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
OUTPUT = REPO / "test-output"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Identifiers and source names of the seed, shared by the network and analysis tests.
ID = "https://w3id.org/tipgraph/id/"
UNODC, EU, ICMPD, FIA, AHS = ID + "org-0001", ID + "org-0002", ID + "org-0003", ID + "org-0011", ID + "org-0012"
GOV_PK, PROTECT, GLOACT, MRC = ID + "org-0009", ID + "prg-0002", ID + "prg-0001", ID + "fac-0001"
WORKSHOP, PAKISTAN, AFGHANISTAN = ID + "evt-0001", ID + "plc-0003", ID + "plc-0001"
PROFILE = "PROTECT project profile attached to the UNODC press release of 11 October 2024"
RELEASE = "UNODC press release: inter-ministerial workshop on TIP and SOM, Islamabad, 11 October 2024"


@pytest.fixture(scope="session", params=sorted(BACKENDS))
def kg(request: pytest.FixtureRequest) -> tipgraph.KnowledgeGraph:
    """The seed graph, reasoned, on every backend (each test using it runs once per backend)."""
    return tipgraph.load(backend=request.param)


@pytest.fixture(scope="session")
def kg_ox() -> tipgraph.KnowledgeGraph:
    """The seed graph on the default backend."""
    return tipgraph.load()


@pytest.fixture(scope="module")
def G(kg_ox: tipgraph.KnowledgeGraph):
    """The seed's default network projection."""
    from tipgraph.network import project

    return project(kg_ox.store)


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """A folder for files tests leave for people to look at (screenshots, maps)."""
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the ``tipgraph`` command in a subprocess, as a user would."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "tipgraph.cli", *args], capture_output=True, text=True,
                          cwd=cwd or REPO, timeout=timeout, env=env)
