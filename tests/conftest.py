"""Shared fixtures: one knowledge graph per backend, built once per test session.

Test files take what they share from here as fixtures (``seed``, ``run_cli``, ``listener`` ...),
never by ``from conftest import``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
import rdflib
from rdflib import URIRef
from rdflib.namespace import PROV, RDF

import tipgraph
from tipgraph import resources
from tipgraph.namespace import TGD, expand
from tipgraph.store import BACKENDS

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Seed:
    """Identifiers (as plain strings, the node keys of a projection) and source names of the seed."""

    unodc: str = str(TGD["org-0001"])
    eu: str = str(TGD["org-0002"])
    icmpd: str = str(TGD["org-0003"])
    gov_pk: str = str(TGD["org-0009"])
    fia: str = str(TGD["org-0011"])
    ahs: str = str(TGD["org-0012"])
    gloact: str = str(TGD["prg-0001"])
    protect: str = str(TGD["prg-0002"])
    mrc: str = str(TGD["fac-0001"])
    workshop: str = str(TGD["evt-0001"])
    afghanistan: str = str(TGD["plc-0001"])
    iraq: str = str(TGD["plc-0002"])
    pakistan: str = str(TGD["plc-0003"])
    profile: str = "PROTECT project profile attached to the UNODC press release of 11 October 2024"
    release: str = "UNODC press release: inter-ministerial workshop on TIP and SOM, Islamabad, 11 October 2024"

    @staticmethod
    def iri(local: str) -> str:
        """Any other curated identifier: ``seed.iri("eng-0003")``."""
        return str(TGD[local])


@dataclass(frozen=True)
class Xss:
    """The hostile-label fixture file and the payloads it carries."""

    path: Path
    payloads: tuple[str, ...]


class Listener:
    """A local TCP port that counts the connections made to it (it never answers them)."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port: int = self._sock.getsockname()[1]
        self._count = 0

    def connections(self, wait: float = 0.5) -> int:
        """How many connections arrived; waits up to ``wait`` seconds while there is none yet.

        Connections wait in the listen queue until read here, so no thread runs beside the
        forked query workers.
        """
        deadline = time.monotonic() + wait
        while True:
            left = max(0.0, deadline - time.monotonic()) if self._count == 0 else 0.0
            ready, _, _ = select.select([self._sock], [], [], left)
            if not ready:
                return self._count
            conn, _ = self._sock.accept()
            conn.close()
            self._count += 1

    def close(self) -> None:
        self._sock.close()


@pytest.fixture(scope="session")
def seed() -> Seed:
    """Identifiers and source names of the seed, shared by the network, analysis and map tests."""
    return Seed()


@pytest.fixture(scope="session")
def repo() -> Path:
    """The root of the checkout under test."""
    return REPO


@pytest.fixture(scope="session")
def generator() -> ModuleType:
    """``benchmarks/generate.py``, imported once from its file (benchmarks/ is not a package):
    ``generator.generate(triples, seed, out)`` writes a synthetic landscape."""
    spec = importlib.util.spec_from_file_location("benchmarks_generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # its dataclasses look their module up there
        spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """tests/fixtures: extra data files for the tests."""
    return REPO / "tests" / "fixtures"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The source texts the curated data was written from (``../shared/seeds``; absent outside CI)."""
    return REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def xss(fixtures_dir: Path) -> Xss:
    """Hostile labels: each payload would run script if a page ever treated it as HTML."""
    return Xss(fixtures_dir / "xss" / "payloads.trig",
               ("<img src=x onerror=window.__xss=1>", '"><svg onload=window.__xss=1>',
                "</script><script>window.__xss=1</script>", '<a href="javascript:window.__xss=1">href</a>'))


@pytest.fixture()
def listener() -> Iterator[Listener]:
    """A fresh local port: ``listener.port`` to aim at, ``listener.connections()`` to count visits."""
    srv = Listener()
    yield srv
    srv.close()


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


def seed_part(ds: rdflib.Dataset, sources: list[str]) -> rdflib.Dataset:
    """The part of ``ds`` that the seed states: the graphs of its ``sources`` (prefixed names),
    their catalogue entries, and from the shared entity graphs (described, derived from no
    document) what is said about the entities those graphs mention, following references."""
    graph_sources = URIRef(resources.ID_NS + "graph-sources")
    seed_sources: set[rdflib.term.Node] = {URIRef(str(expand(s))) for s in sources}
    catalogue = ds.graph(graph_sources)
    derived: dict[URIRef, set[rdflib.term.Node]] = {}
    for g, src in catalogue.subject_objects(PROV.wasDerivedFrom):
        derived.setdefault(URIRef(str(g)), set()).add(src)
    own = {g for g, srcs in derived.items() if srcs <= seed_sources}
    shared = {URIRef(str(g)) for g in catalogue.subjects(RDF.type, PROV.Bundle)} - set(derived)
    out = rdflib.Dataset()
    mentioned: set[rdflib.term.Node] = set(seed_sources)
    for g in own:
        for s, p, o in ds.graph(g):
            out.graph(g).add((s, p, o))
            mentioned |= {s, o}
    for s, p, o in catalogue:
        if s in seed_sources or s in own or s in shared:
            out.graph(graph_sources).add((s, p, o))
            mentioned.add(o)
    todo = set(mentioned)
    while todo:
        entity = todo.pop()
        for g in shared:
            for _, p, o in ds.graph(g).triples((entity, None, None)):
                out.graph(g).add((entity, p, o))
                if isinstance(o, URIRef) and o not in mentioned:
                    mentioned.add(o)
                    todo.add(o)
    return out


@pytest.fixture(scope="session")
def seed_answers() -> dict:
    """``data/answers/seed.json``: the seed's sources and the expected answer of each named query."""
    return json.loads((resources.data_dir() / "answers" / "seed.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_data(seed_answers: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed's own part of ``data/`` as one TriG file, however much else ``data/`` holds:
    tests whose expectations are about the seed (numbers, exact lists) run on this."""
    ds = rdflib.Dataset()
    for path in resources.data_files():
        ds.parse(path, format="trig")
    part = seed_part(ds, seed_answers["sources"])
    path = tmp_path_factory.mktemp("seed") / "seed.trig"
    path.write_text(part.serialize(format="trig"), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def seed_kg_ox(seed_data: Path) -> tipgraph.KnowledgeGraph:
    """The seed's own part of the data, reasoned, on the default backend."""
    return tipgraph.load([seed_data])


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """A folder for files tests leave for people to look at (screenshots, maps)."""
    out = REPO / "test-output"
    out.mkdir(exist_ok=True)
    return out


def _run_cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the ``tipgraph`` command in a subprocess, as a user would."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "tipgraph.cli", *args], capture_output=True, text=True,
                          cwd=cwd or REPO, timeout=timeout, env=env)


@pytest.fixture(scope="session")
def run_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``run_cli("query", "--list")``: the ``tipgraph`` command in a subprocess, as a user would run it."""
    return _run_cli
