"""The default reasoning engine infers exactly what the previous one and ``reasonable`` infer (issue 15).

The default engine (``engine="rules"``) reads the facts once and derives in Python; the
previous engine (every rule a SPARQL CONSTRUCT, kept as ``reason._materialise_sparql``) and
the independent ``reasonable`` engine are the references. Compared byte for byte: the
N-Quads of the inferred graph.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import Literal, URIRef

from tipgraph import reason
from tipgraph.loading import load_default
from tipgraph.resources import INFERRED_GRAPH
from tipgraph.store import Store, open_store

#: Facts the synthetic data does not have: numbers and booleans that SPARQL's TSV writes
#: bare, a string with a tab and one with a line break, a language tag, a blank node, an inverse whose other end is
#: described nowhere (not an individual: nothing may be said of it), a conclusion that is
#: asserted already, a transitive path of four steps, and a role shortcut read from the
#: facts derived before it.
_EDGES = b"""
@prefix tg: <https://w3id.org/tipgraph/ontology#> .
@prefix ex: <https://example.org/edge/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:g {
  ex:prog a tg:Programme ;
      tg:childActivityId 7, -0.50, 1.5e3, true, "a\\tb", "two\\nlines", "id"@en, "2020-01-01"^^xsd:date, "XM-1" ;
      tg:relatedActivityId "XM-1" .
  ex:org a tg:Organisation ;
      tg:hasEngagement ex:ghost, ex:eng .
  ex:eng tg:engagedProgramme ex:prog ; tg:engagementRole tg:FundingRole ; tg:engagementCountry ex:pk .
  _:anon tg:activeIn ex:a .
  ex:a tg:locatedIn ex:b .
  ex:b tg:locatedIn ex:c .
  ex:c tg:locatedIn ex:d .
  ex:d tg:locatedIn ex:e .
  ex:pk a tg:Country .
}
"""


def _generate(generator: ModuleType, triples: int, out: Path) -> Path:
    generator.generate(triples, 42, out)
    return out


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reasoning")


def _inferred(data: Path | None, *runs: Callable[[Store], object], backend: str = "oxigraph") -> list[set[bytes]]:
    """The inferred graph each engine makes, one after the other in one store (so blank nodes compare)."""
    store = open_store(backend)
    load_default(store, data=None if data is None else [data])
    tail = f"<{INFERRED_GRAPH}> .".encode()
    out = []
    for run in runs:
        run(store)
        out.append({line for line in store.dump().splitlines() if line.endswith(tail)})
    return out


def _rules(store: Store) -> object:
    return reason.materialise(store, engine="rules")


def _reasonable(store: Store) -> object:
    return reason.materialise(store, engine="reasonable")


def _same(a: set[bytes], b: set[bytes]) -> None:
    assert not a - b and not b - a, (sorted(a - b)[:5], sorted(b - a)[:5])


@pytest.fixture(scope="module")
def edges(data_dir: Path) -> Path:
    path = data_dir / "edges.trig"
    path.write_bytes(_EDGES)
    return path


def test_the_edge_cases_are_inferred_as_before(edges: Path) -> None:
    pytest.importorskip("reasonable")
    new, old, independent, again = _inferred(edges, _rules, reason._materialise_sparql, _reasonable, _rules)
    _same(new, independent)
    _same(new, again)
    # The previous engine loaded its conclusions as N-Triples, which gave a blank node's
    # facts to a fresh blank node (one of them, then no more): equal apart from those.
    def named(lines: set[bytes]) -> set[bytes]:
        return {line for line in lines if not line.startswith(b"_:")}

    _same(named(new), named(old))
    blank = new - named(new)
    assert len({line.split(b" ", 1)[0] for line in blank}) == 1 and len(blank) >= 4, sorted(blank)
    related = {line for line in new if b"relatedActivityId" in line and b"edge/prog" in line}
    # positive controls: the literals came through (9 child ids, one of them asserted already) ...
    assert len(related) == 8, sorted(related)
    assert any(b'"-0.5"^^<http://www.w3.org/2001/XMLSchema#decimal>' in line for line in related)
    assert any(b'"true"^^<http://www.w3.org/2001/XMLSchema#boolean>' in line for line in related)
    assert any(b'"a\\tb"' in line for line in related)
    # ... the path closed, the shortcut and the chain fired, and nothing is said of the ghost
    assert any(b"edge/a> <https://w3id.org/tipgraph/ontology#locatedIn> <https://example.org/edge/e>" in line
               for line in new)
    assert any(b"edge/org> <https://w3id.org/tipgraph/ontology#funds> <https://example.org/edge/prog>" in line
               for line in new)
    assert any(b"edge/org> <https://w3id.org/tipgraph/ontology#activeIn> <https://example.org/edge/pk>" in line
               for line in new)
    assert not any(line.startswith(b"<https://example.org/edge/ghost>") for line in new)
    assert any(line.startswith(b"<https://example.org/edge/eng>") for line in new)


def test_the_comparison_sees_one_missing_fact(edges: Path) -> None:
    """Positive control for the comparison itself."""
    (new,) = _inferred(edges, _rules)
    with pytest.raises(AssertionError):
        _same(new, new - {min(new)})


@pytest.mark.parametrize("size", ["seed", "10k"])
def test_all_three_engines_agree(size: str, generator: ModuleType, data_dir: Path) -> None:
    pytest.importorskip("reasonable")
    data = None if size == "seed" else _generate(generator, 10_000, data_dir / "synthetic-10k.trig")
    new, old, independent = _inferred(data, _rules, reason._materialise_sparql, _reasonable)
    assert len(new) > (100 if size == "seed" else 5000)
    _same(new, old)
    _same(new, independent)


def test_the_new_engine_equals_the_previous_one_on_100k(generator: ModuleType, data_dir: Path) -> None:
    """At 100k triples against the previous engine (``reasonable`` takes too long there for the suite)."""
    data = _generate(generator, 100_000, data_dir / "synthetic-100k.trig")
    started = time.process_time()
    new, old = _inferred(data, _rules, reason._materialise_sparql)
    assert len(new) > 50_000
    _same(new, old)
    assert time.process_time() - started < 60


def test_the_report_counts_what_the_graph_holds(edges: Path) -> None:
    store = open_store("oxigraph")
    load_default(store, data=[edges])
    report = reason.materialise(store)
    assert report.inferred == store.count(INFERRED_GRAPH) > 10
    assert sum(report.by_predicate.values()) == report.inferred
    assert set(report.phases) >= {"read", "derive", "write"}
    # again: the inferred graph is rebuilt, not added to
    assert reason.materialise(store).inferred == report.inferred == store.count(INFERRED_GRAPH)


def test_a_blank_node_keeps_its_conclusions(edges: Path) -> None:
    store = open_store("oxigraph")
    load_default(store, data=[edges])
    reason.materialise(store)
    activity = f"<{reason.TG.activeIn}>".encode()
    (asserted,) = [line.split(b" ", 1)[0] for line in store.dump(exclude=[INFERRED_GRAPH]).splitlines()
                   if line.startswith(b"_:") and f" {activity.decode()} ".encode() in line]
    tail = f"<{INFERRED_GRAPH}> .".encode()
    about = [line for line in store.dump().splitlines() if line.startswith(asserted + b" ") and line.endswith(tail)]
    assert any(f"<{reason.TG.Organisation}>".encode() in line for line in about), about


def test_the_rules_engine_on_the_memory_backend_equals_reasonable(edges: Path) -> None:
    """There the facts come as rdflib terms (a literal with a line break spans lines in ``n3()``)."""
    pytest.importorskip("reasonable")
    store = open_store("memory")
    load_default(store, data=[edges])
    inferred = {}
    for engine in ("rules", "reasonable"):
        reason.materialise(store, engine=engine)
        inferred[engine] = {(s, p, o) for s, p, o, _ in store.quads(INFERRED_GRAPH)}
    assert (URIRef("https://example.org/edge/prog"), reason.TG.relatedActivityId, Literal("two\nlines")) \
        in inferred["rules"]
    assert inferred["rules"] == inferred["reasonable"]


#: Added to the edge cases as N-Quads: an engagement that is a blank node, described only as
#: the object of facts and by its own facts; a subject whose one fact is in the default graph
#: (not an individual, though its fact is read); an object described only in the ontology; one
#: described only by a predicate no rule reads (an individual all the same); literals and an IRI
#: beyond ASCII, a mixed-case language tag and escapes (written back without re-validation).
_MORE = b"""
@prefix tg: <https://w3id.org/tipgraph/ontology#> .
@prefix ex: <https://example.org/edge/> .

ex:g2 {
  ex:org tg:hasEngagement _:e .
  _:e tg:engagedProgramme ex:prog ; tg:engagementCountry ex:pk .
  ex:org2 tg:hasEngagement tg:FundingRole, ex:noted .
  ex:noted ex:note "a fact no rule reads" .
  ex:prog tg:childActivityId "Z\\u00fcrich"@de-CH, "\\u00e9t\\u00e9 \\\\ \\"x\\"" ;
      tg:locatedIn <https://example.org/edge/M\\u00fcnchen> .
  <https://example.org/edge/M\\u00fcnchen> tg:locatedIn ex:e .
}
ex:lonely tg:hasEngagement ex:eng .
"""
_EX = "https://example.org/edge/"


def test_the_individuals_read_with_the_facts_are_those_of_the_store(edges: Path) -> None:
    """The default engine finds the individuals among the terms of the facts it reads; the reference lists them all."""
    store = open_store("oxigraph")
    load_default(store, data=[edges])
    store.load(_MORE, format="trig")
    ontology = reason._stored_ontology(store)
    closure = reason._Closure(reason._tables(ontology), set())
    reader = reason._Reader(store)
    facts = reader.facts(sorted(closure.predicates()))
    everyone = reason._individuals(store)
    assert reader.individuals == everyone
    # positive controls: each kind of term is there, on the side it belongs to
    assert any(x.startswith(b"_:") for x in reader.individuals)
    for insider in (f"<{_EX}org2>", f"<{_EX}eng>", f"<{_EX}noted>"):
        assert insider.encode() in reader.individuals, insider
    for outsider in (f"<{_EX}lonely>", f"<{_EX}ghost>", f"<{reason.TG.FundingRole}>"):
        assert outsider.encode() not in reader.individuals and outsider.encode() in reader.others, outsider
    # the default graph's fact is read all the same (its object gets the inverse)
    assert (f"<{_EX}lonely>".encode(), f"<{_EX}eng>".encode()) in facts[f"<{reason.TG.hasEngagement}>".encode()]


def test_the_engines_agree_on_blank_objects_and_default_graph_facts(edges: Path) -> None:
    store = open_store("oxigraph")
    load_default(store, data=[edges])
    store.load(_MORE, format="trig")
    tail = f"<{INFERRED_GRAPH}> .".encode()
    out = []
    for run in (_rules, reason._materialise_sparql):
        run(store)
        out.append({line for line in store.dump().splitlines() if line.endswith(tail)})
    new, old = out

    def named(lines: set[bytes]) -> set[bytes]:
        return {line for line in lines if b"_:" not in line}

    _same(named(new), named(old))
    engaged = f"<{reason.TG.engagedOrganisation}> <{_EX}".encode()
    # the inverse about the blank engagement is kept (it is an individual), the chain through it too ...
    assert any(line.startswith(b"_:") and engaged + b"org>" in line for line in new), sorted(new - named(new))
    assert f"<{_EX}org> <{reason.TG.activeIn}> <{_EX}pk>".encode() in b"\n".join(new)
    # ... as is the one about the engagement that the default graph's subject has; nothing about that subject
    assert any(line.startswith(f"<{_EX}eng> ".encode()) and engaged + b"lonely>" in line for line in new)
    assert not any(line.startswith(f"<{_EX}lonely>".encode()) for line in new)
    assert any(line.startswith(f"<{_EX}noted> ".encode()) and engaged + b"org2>" in line for line in new)
    related = {line for line in new if f"<{_EX}prog> <{reason.TG.relatedActivityId}>".encode() in line}
    assert any('"Zürich"@de-ch'.encode() in line for line in related), sorted(related)  # (stored lower-cased)
    assert any('"été \\\\ \\"x\\""'.encode() in line for line in related), sorted(related)
    assert f"<{_EX}prog> <{reason.TG.locatedIn}> <{_EX}e>".encode() in b"\n".join(new)
    assert not any(line.startswith(f"<{reason.TG.FundingRole}>".encode()) for line in new)


def test_a_persistent_store_keeps_the_inferred_graph(edges: Path, tmp_path: Path) -> None:
    """The in-memory engine is written to without re-validating the terms; a store on disk through its interface."""
    memory = open_store("oxigraph")
    load_default(memory, data=[edges])
    expected = reason.materialise(memory).inferred
    store = open_store(f"oxigraph:{tmp_path / 'store'}")
    load_default(store, data=[edges])
    report = reason.materialise(store)
    assert report.inferred == expected == open_store(f"oxigraph:{tmp_path / 'store'}").count(INFERRED_GRAPH) > 10
    # (positive control: the count reads the inferred graph from disk, which a drop empties)
    reason.drop_inferred(store)
    assert open_store(f"oxigraph:{tmp_path / 'store'}").count(INFERRED_GRAPH) == 0


def test_reasoning_on_a_persistent_store_is_one_change(edges: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while the inferred graph is written leaves the store on disk as it was: the old
    inferred graph is dropped and the new one written in one commit, not one per step."""
    where = f"oxigraph:{tmp_path / 'store'}"
    store = open_store(where)
    load_default(store, data=[edges])
    before = reason.materialise(store).inferred
    assert open_store(where).count(INFERRED_GRAPH) == before > 10  # (positive control: it was written)

    def failing(store: Store) -> Callable[[bytes], None]:
        def load(data: bytes) -> None:
            raise RuntimeError("the disk filled up")
        return load

    monkeypatch.setattr(reason, "_loader", failing)
    with pytest.raises(RuntimeError, match="disk filled"):
        reason.materialise(store)
    assert open_store(where).count(INFERRED_GRAPH) == before
    assert store.count(INFERRED_GRAPH) == before  # and the open store reads the last commit again


def test_a_shortcut_runs_again_only_for_what_can_make_it_conclude_more() -> None:
    """What a rule reads only under FILTER NOT EXISTS (its own conclusion) does not make it run again."""
    rules = {r.name: r for r in reason.file_rules()}
    funds = rules["rule:funds"]
    assert funds.negated == {str(reason.TG.funds)}
    # positive control: the predicates of its pattern still count
    assert str(reason.TG.funds) in funds.reads and str(reason.TG.engagedOrganisation) in funds.grows
    assert all(r.writes & r.negated for r in rules.values())  # each holds back on its own conclusion
