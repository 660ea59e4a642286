"""A persistent Oxigraph store answers from its directory until its first change.

Opening reads nothing into memory (a 1M-triple store opened in 20 s when it did; see
``benchmarks/README.md``); the first change reads it into memory, under the write lock, and
commits as before. These tests check that nothing a reader or a writer relied on changed:
the same answers, blank nodes kept, a reader keeping its state while a writer replaces the
directory, forked query workers answering from a read-only database, the rdflib view.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

import tipgraph
from tipgraph.process import run_limited
from tipgraph.store import OxigraphStore, open_store

G, H = "urn:test:g", "urn:test:h"
P = URIRef("urn:test:p")
DATA = (b'<urn:test:a> <urn:test:p> "one" <urn:test:g> .\n'
        b'_:keep <urn:test:p> <urn:test:a> <urn:test:g> .\n'
        b'<urn:test:b> <urn:test:p> _:keep <urn:test:h> .\n')


def _built(path: Path) -> OxigraphStore:
    store = open_store(path)
    assert isinstance(store, OxigraphStore)
    store.load(DATA)
    return store


def _facts(store: OxigraphStore) -> set[tuple]:
    return set(store.quads())


def test_opening_reads_nothing_into_memory_and_the_first_change_does(tmp_path: Path) -> None:
    written = _facts(_built(tmp_path / "st"))
    again = open_store(tmp_path / "st")
    assert isinstance(again, OxigraphStore)
    assert not again.in_memory  # answered from the directory
    assert _facts(again) == written and again.count() == 3 and again.graphs() == [G, H]
    rows = again.execute("SELECT ?o WHERE { ?s <urn:test:p> ?o }", {"s": URIRef("urn:test:a")}, None).rows
    assert rows == [(Literal("one"),)]
    again.add([(URIRef("urn:test:c"), P, Literal("two"), URIRef(G))])
    assert again.in_memory  # the change was made in memory and committed
    third = open_store(tmp_path / "st")
    assert third.count() == 4 and not third.in_memory


def test_blank_nodes_keep_their_labels_across_opens_and_commits(tmp_path: Path) -> None:
    first = _built(tmp_path / "st")
    labels = {t for q in first.quads() for t in q if isinstance(t, BNode)}
    assert len(labels) == 1
    view = open_store(tmp_path / "st")
    assert {t for q in view.quads() for t in q if isinstance(t, BNode)} == labels
    view.add([(URIRef("urn:test:c"), P, Literal("x"), URIRef(H))])  # a commit from the view's state
    after = open_store(tmp_path / "st")
    assert {t for q in after.quads() for t in q if isinstance(t, BNode)} == labels


def test_a_reader_keeps_its_state_when_a_writer_replaces_and_deletes_the_directory(tmp_path: Path) -> None:
    _built(tmp_path / "st")
    reader = open_store(tmp_path / "st")
    before = _facts(reader)
    writer = open_store(tmp_path / "st")
    for i in range(3):  # each commit swaps in a new directory and deletes the one the reader opened
        writer.add([(URIRef(f"urn:test:n{i}"), P, Literal(str(i)), URIRef(G))])
    assert open_store(tmp_path / "st").count() == 6  # the writer's state is on disk (positive control)
    assert _facts(reader) == before and reader.count() == 3
    ask = reader.execute("ASK { <urn:test:n0> ?p ?o }", {}, None)
    assert ask.boolean is False
    reader.add([(URIRef("urn:test:z"), P, Literal("z"), URIRef(G))])  # a reader that writes starts from the new state
    assert open_store(tmp_path / "st").count() == 7


def test_forked_query_workers_answer_from_the_read_only_database(tmp_path: Path) -> None:
    _built(tmp_path / "st")
    view = open_store(tmp_path / "st")
    assert not view.in_memory

    def count() -> int:
        rows = view.execute("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {}, None).rows
        return int(rows[0][0])

    answers = [run_limited(count, 20) for _ in range(25)]  # a fork per call: 25 forks of a process holding RocksDB
    assert answers == [3] * 25
    kg = tipgraph.KnowledgeGraph(view)
    for _ in range(5):  # user text goes to the reused, confined worker
        assert len(kg.query("SELECT ?s WHERE { ?s <urn:test:p> ?o }").rows) == 3


def test_the_rdflib_view_reads_the_store_and_sees_later_changes(tmp_path: Path) -> None:
    _built(tmp_path / "st")
    store = open_store(tmp_path / "st")
    assert isinstance(store, OxigraphStore)
    dataset = store.dataset
    assert store.in_memory  # rdflib may write through its view: the data is read into memory first
    assert len(set(dataset.quads((None, P, None, None)))) == 3
    store.add([(URIRef("urn:test:c"), P, Literal("two"), URIRef(G))])
    assert len(set(dataset.quads((None, P, None, None)))) == 4


def test_a_failed_change_leaves_the_store_answering_its_old_state(tmp_path: Path) -> None:
    _built(tmp_path / "st")
    store = open_store(tmp_path / "st")
    assert isinstance(store, OxigraphStore)
    before = _facts(store)
    with pytest.raises(RuntimeError, match="in the middle"), store.writing():
        store.add([(URIRef("urn:test:c"), P, Literal("two"), URIRef(G))])
        assert store.count() == 4  # positive control: the change was there inside the block
        raise RuntimeError("in the middle")
    assert _facts(store) == before and not store.in_memory
    assert _facts(open_store(tmp_path / "st")) == before


def test_warm_reads_the_whole_store_into_memory(tmp_path: Path) -> None:
    written = _facts(_built(tmp_path / "st"))
    store = open_store(tmp_path / "st")
    assert isinstance(store, OxigraphStore)
    store.warm()
    assert store.in_memory and _facts(store) == written
    os.rename(tmp_path / "st", tmp_path / "moved")  # in memory: nothing is read from the directory any more
    assert _facts(store) == written
