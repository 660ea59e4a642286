"""The synthetic landscape generator of the benchmarks (benchmarks/generate.py)."""

from __future__ import annotations

import importlib
import importlib.util
import stat
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest
import rdflib


@pytest.fixture(scope="module")
def gen(generator: ModuleType) -> ModuleType:
    """benchmarks/generate.py (the shared ``generator`` fixture)."""
    return generator


def _count(text: str) -> int:
    return sum(1 for _ in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TRIG))


@pytest.fixture(scope="module")
def small(gen: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "synthetic-5k.trig"
    report = gen.generate(5000, 42, path)
    assert report.path == str(path)
    return path


def test_same_seed_same_bytes(gen: ModuleType) -> None:
    assert gen.generate(4000, 7) == gen.generate(4000, 7)


def test_same_bytes_however_python_reuses_ids(gen: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    # Python reuses an object's id() once the object is freed, where it pleases: the landscape
    # must not depend on it. Here every object has the same id (the worst reuse there can be);
    # a landscape keyed on id() would leak facts from one named graph into the next.
    first = gen.generate(20_000, 42)
    monkeypatch.setattr(gen, "id", lambda obj: 0, raising=False)
    assert gen.generate(20_000, 42) == first, "the landscape depends on which ids Python hands out"


def test_other_seed_other_landscape(gen: ModuleType) -> None:
    assert gen.generate(4000, 7) != gen.generate(4000, 8)


@pytest.mark.parametrize("target", [4000, 20_000, 60_000])
def test_about_the_requested_number_of_triples(gen: ModuleType, target: int) -> None:
    n = _count(gen.generate(target, 42))
    assert 0.85 * target <= n <= 1.15 * target, n


def test_report_counts_what_was_written(gen: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "x.trig"
    report = gen.generate(6000, 3, path)
    assert report.triples == _count(path.read_text(encoding="utf-8"))
    assert report.graphs == len({q.graph_name for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG)})


def test_file_is_written_atomically_and_readable(gen: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "sub" / "landscape.trig"
    gen.main(["--triples", "4k", "--seed", "1", "--out", str(path)])
    assert path.exists()
    assert [p.name for p in path.parent.iterdir()] == ["landscape.trig"]  # no temporary file left
    assert path.stat().st_mode & stat.S_IRGRP  # not the 0600 of a bare temporary file


def test_parses_with_rdflib_too(small: Path, seed) -> None:
    ds = rdflib.Dataset()
    ds.parse(small, format="trig")
    quads = list(ds.quads((None, None, None, None)))
    assert len(quads) == _count(small.read_text(encoding="utf-8"))
    # Every fact sits in a source's named graph (none in the default graph).
    graphs = {str(g.identifier if hasattr(g, "identifier") else g) for *_, g in quads}
    assert all(g.startswith(seed.iri("graph-")) for g in graphs), sorted(graphs)[:3]


def test_literals_are_escaped(gen: ModuleType) -> None:
    awkward = 'a "quoted" back\\slash,\nnew line\ttab \u0007bell and Côte d\'Ivoire'
    text = gen.PREFIXES + f"tgd:graph-x {{ tgd:x skos:prefLabel {gen.en(awkward)} ; tg:tier {gen.plain(awkward)} . }}"
    values = {q.object.value for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TRIG)}
    assert values == {awkward}
    ds = rdflib.Dataset()
    ds.parse(data=text, format="trig")
    assert {str(o) for _, _, o, _ in ds.quads((None, None, None, None))} == {awkward}


def test_countries_are_the_iso_list(gen: ModuleType) -> None:
    assert len(gen.COUNTRIES) == 249
    assert len({c[0] for c in gen.COUNTRIES}) == 249
    assert len({c[1] for c in gen.COUNTRIES}) == 249
    assert gen.COUNTRIES[2][:2] == ("PK", "PAK")  # tgd:plc-0003, as in the seed


def test_parse_size(gen: ModuleType) -> None:
    assert gen.parse_size("10k") == 10_000
    assert gen.parse_size("1M") == 1_000_000
    assert gen.parse_size("2500") == 2500
    with pytest.raises(ValueError):
        gen.generate(100, 1)


def test_conforms_to_the_shapes(small: Path) -> None:
    try:
        importlib.import_module("tipgraph.validate")  # by module name: a module or a package
    except ImportError as exc:
        pytest.fail(f"tipgraph.validate is missing: {exc}")
    import tipgraph

    kg = tipgraph.load([small], reason=False)
    result = kg.validate(owl=False)
    assert result.shacl.conforms, result.shacl.text()[:3000]


def test_every_competency_question_has_an_answer(small: Path, seed) -> None:
    """The default parameters of the named queries name synthetic entities of the right kind."""
    import tipgraph

    kg = tipgraph.load([small])
    empty = [q.name for q in kg.named_queries() if not len(kg.query(q.name, timeout=None))]
    assert empty == []
    assert kg.label(seed.protect) == "PROTECT"
    chain = kg.query("organisation-chain", timeout=None)
    assert len(chain) >= 2  # tgd:org-0012 is a unit of an agency of a government
