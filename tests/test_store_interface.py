"""The whole store interface, on every backend (the compliance suite a new backend must pass).

Each backend is opened by its location string through the one factory, in memory and,
where the backend persists, in a directory too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from tipgraph.errors import BadInputError, UnknownNameError
from tipgraph.store import BACKENDS, Capabilities, Store, open_store

A, B = "urn:test:graph-a", "urn:test:graph-b"
S, P, Q = URIRef("urn:test:s"), URIRef("urn:test:p"), URIRef("urn:test:q")




@pytest.fixture(params=["oxigraph:", "memory:", "oxigraph:DIR"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    location = request.param.replace("DIR", str(tmp_path / "store"))
    return open_store(location)


def _facts(store: Store, graph: str | None = None) -> set[tuple]:
    return {q[:3] if graph else q for q in store.quads(graph)}


def test_factory_opens_every_backend_by_location(tmp_path: Path) -> None:
    for name in BACKENDS:
        s = open_store(f"{name}:")
        assert s.backend == name and isinstance(s.capabilities, Capabilities)
        assert s.location == f"{name}:"
    persistent = open_store(tmp_path / "st")
    assert persistent.backend == "oxigraph" and persistent.capabilities.persistent
    assert open_store(str(tmp_path / "st2")).capabilities.persistent
    with pytest.raises(UnknownNameError, match="store location scheme"):
        open_store("nosuch://x")
    with pytest.raises(BadInputError, match="cannot persist"):
        open_store(f"memory:{tmp_path / 'm'}")


def test_add_and_read_back_in_rdflib_terms(store: Store) -> None:
    typed = Literal("5", datatype=XSD.nonNegativeInteger)
    n = store.add([(S, P, Literal("x"), URIRef(A)), (S, P, Literal("y", lang="en"), URIRef(A)),
                   (S, Q, typed, URIRef(B))])
    assert n == 3
    assert store.graphs() == [A, B]
    assert store.count() == 3 and store.count(A) == 2 and store.count(B) == 1
    assert _facts(store, A) == {(S, P, Literal("x")), (S, P, Literal("y", lang="en"))}
    # Integer subtypes come back as xsd:integer on every backend (as Oxigraph stores them).
    assert _facts(store, B) == {(S, Q, Literal("5", datatype=XSD.integer))}
    for term in next(iter(store.quads())):
        assert isinstance(term, (URIRef, Literal, BNode))


def test_bulk_load_from_bytes_and_files(store: Store, tmp_path: Path) -> None:
    store.load(b'<urn:test:s> <urn:test:p> "a" <urn:test:graph-a> .\n')
    store.load(b'<urn:test:s> <urn:test:p> "b" .\n', format="ntriples", graph=B)
    f = tmp_path / "x.trig"
    f.write_text('<urn:test:graph-a> { <urn:test:s> <urn:test:q> "c" } <urn:test:s> <urn:test:q> "d" .\n')
    store.load(f, format="trig", graph="urn:test:default")
    assert store.count(A) == 2 and store.count(B) == 1 and store.count("urn:test:default") == 1


def test_bulk_load_of_malformed_data_is_bad_input(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "bad.nq"
    f.write_text('<urn:test:s> <urn:test:p> "a" <urn:test:g> .\n<urn:test:s> <urn:test:p> "open .\n')
    with pytest.raises(BadInputError):
        store.load(f, format="nquads")


def test_drop_graph_leaves_the_others(store: Store) -> None:
    store.add([(S, P, Literal("x"), URIRef(A)), (S, P, Literal("y"), URIRef(B))])
    store.drop_graph(A)
    store.drop_graph("urn:test:never-there")
    assert store.graphs() == [B] and store.count() == 1


def test_replace_graph_makes_it_hold_exactly_the_new_triples(store: Store) -> None:
    store.add([(S, P, Literal("old"), URIRef(A)), (S, P, Literal("other"), URIRef(B))])
    store.replace_graph(A, b'<urn:test:s> <urn:test:p> "new" .\n<urn:test:s> <urn:test:q> "new2" .\n')
    assert _facts(store, A) == {(S, P, Literal("new")), (S, Q, Literal("new2"))}
    assert _facts(store, B) == {(S, P, Literal("other"))}
    store.replace_graph(A, b"")
    assert A not in store.graphs()


def test_apply_drops_and_adds_in_one_change(store: Store) -> None:
    store.add([(S, P, Literal("1"), URIRef(A)), (S, P, Literal("2"), URIRef(B))])
    store.apply(drop=[A, B], nquads=b'<urn:test:s> <urn:test:p> "3" <urn:test:graph-a> .\n')
    assert store.graphs() == [A] and _facts(store, A) == {(S, P, Literal("3"))}


def test_a_failed_atomic_replacement_changes_nothing(store: Store) -> None:
    if not store.capabilities.transactions:
        pytest.skip(f"the {store.backend} backend declares no transactions")
    store.add([(S, P, Literal("kept"), URIRef(A))])
    before = sorted(store.quads())
    with pytest.raises((BadInputError, SyntaxError, ValueError)):
        store.apply(drop=[A], nquads=b'<urn:test:s> <urn:test:p> "ok" <urn:test:graph-a> .\n<broken\n')
    assert sorted(store.quads()) == before


def test_dump_is_nquads_and_can_leave_graphs_out(store: Store) -> None:
    store.add([(S, P, Literal('quote " and \\ backslash'), URIRef(A)), (S, P, Literal("b"), URIRef(B))])
    everything = store.dump()
    only_b = store.dump(exclude=[A])
    other = open_store("memory:")
    other.load(everything)
    assert sorted(other.quads()) == sorted(store.quads())
    assert b"backslash" not in only_b and b'"b"' in only_b


def test_execute_select_ask_construct_with_bindings_and_caps(store: Store) -> None:
    store.add([(S, P, Literal(str(i)), URIRef(A)) for i in range(5)])
    res = store.execute("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?o", {"s": S}, 3)
    assert res.kind == "SELECT" and res.vars == ["s", "o"] and len(res.rows) == 3 and res.truncated
    assert res.rows[0] == (S, Literal("0"))
    assert store.execute("SELECT ?s ?o WHERE { ?s ?p ?o }", {"s": URIRef("urn:test:none")}, None).rows == []
    assert store.execute("ASK { <urn:test:s> ?p ?o }", {}, None).boolean is True
    res = store.execute("CONSTRUCT { ?s <urn:test:q> ?o } WHERE { ?s ?p ?o }", {}, 2)
    assert res.kind == "CONSTRUCT" and len(res.triples) == 2 and res.truncated
    # Prefixes are predeclared.
    assert store.execute("ASK { ?s skos:prefLabel ?o }", {}, None).boolean is False


def test_malformed_sparql_is_bad_input_with_a_position(store: Store) -> None:
    with pytest.raises(BadInputError) as err:
        store.execute("SELECT ?s WHERE {\n  ?s ?p \n}", {}, None)
    assert err.value.path == "<query>" and err.value.line is not None


def test_construct_and_select_as_bytes(store: Store) -> None:
    store.add([(S, P, Literal("x"), URIRef(A))])
    data = store.construct_ntriples("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert data.strip() == b'<urn:test:s> <urn:test:p> "x" .'
    assert store.select_terms("SELECT ?s WHERE { ?s ?p ?o }") == [b"<urn:test:s>"]


def test_select_strings_gives_the_strings_of_every_kind_of_term(store: Store) -> None:
    store.add([(S, P, Literal("x"), URIRef(A)), (S, P, Literal("y", lang="en"), URIRef(A)),
               (S, Q, Literal("5", datatype=XSD.integer), URIRef(B)), (BNode("b1"), P, S, URIRef(B))])
    q = """SELECT ?s ?o (LANG(?o) AS ?lang) ?g ?unbound WHERE {
             GRAPH ?g { ?s ?p ?o } OPTIONAL { ?s <urn:test:none> ?unbound } } ORDER BY ?g ?o"""
    rows = store.select_strings(q)
    iri_rows = sorted(r for r in rows if r[0] == str(S))
    assert iri_rows == [(str(S), "5", "", B, None), (str(S), "x", "", A, None), (str(S), "y", "en", A, None)]
    # a blank subject comes back by its label, the same label execute gives; LANG of an IRI is unbound
    blank = [r for r in rows if r[0] != str(S)]
    assert len(blank) == 1 and blank[0][1:] == (str(S), None, B, None) and blank[0][0]
    terms = store.execute(q, {}, None).rows
    assert rows == [tuple(None if v is None else str(v) for v in row) for row in terms]
    # every row, whatever the size (no row cap)
    store.add([(URIRef(f"urn:test:n{i}"), P, Literal(str(i)), URIRef(A)) for i in range(1200)])
    assert len(store.select_strings("SELECT ?s WHERE { ?s <urn:test:p> ?o }")) == 1203
    with pytest.raises(BadInputError):
        store.select_strings("ASK { ?s ?p ?o }")
    with pytest.raises(BadInputError):
        store.select_strings("SELECT ?s WHERE { ?s ?p }")


# Lexical forms that a line-based answer must carry whole: tabs, line ends, quotes, backslashes,
# control characters, what looks like two IRIs and a tab, and text that is not ASCII.
_AWKWARD = ["a\tb", "a\nb", "a\rb", 'say "no"', "back\\slash \\t", "\x00\x01\x07\x1f\x7f", "\u2028\ufeff",
            "é 漢 🙂", "<urn:x>\t<urn:y>", ">\t<", "", " edge "]


def test_select_strings_later_reads_what_select_strings_reads(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from tipgraph.store import tsv

    store.add([(URIRef(f"urn:test:s{i}"), P, Literal(text), URIRef(A)) for i, text in enumerate(_AWKWARD)])
    store.add([(S, Q, Literal(lex, datatype=XSD[dt]), URIRef(B)) for lex, dt in
               [("05", "integer"), ("-7", "integer"), ("1.50", "decimal"), ("1e3", "double"), ("true", "boolean"),
                ("2020-01-01", "date"), ("abc", "integer")]])
    store.add([(S, Q, Literal("hi", lang="en-GB"), URIRef(B)),
               (S, Q, Literal("abc", datatype=URIRef("urn:test:t")), URIRef(B)), (BNode("b1"), P, S, URIRef(B)),
               (S, P, URIRef("urn:test:x?a=1&b=%20#frag"), URIRef(B))])
    queries = ["SELECT ?s ?o ?none ?g WHERE { GRAPH ?g { ?s ?p ?o } OPTIONAL { ?s <urn:test:no> ?none } } ORDER BY ?o",
               "SELECT (STRLEN(STR(?o)) AS ?n) (1.5 AS ?d) (true AS ?t) ?s WHERE { ?s ?p ?o }",
               "SELECT ?s ?g WHERE { GRAPH ?g { ?s ?p ?o } }"]      # every cell an IRI
    if store.backend == "oxigraph":
        # rdflib answers no rows here, where there is one per triple (and raises on the VALUES)
        queries += ["SELECT ?none WHERE { ?s ?p ?o OPTIONAL { ?s <urn:test:no> ?none } }",   # one cell, unbound
                    "SELECT * { VALUES () { () () } }"]                                    # rows of no variables
    answers = {q: store.select_strings(q) for q in queries}
    # positive control: the awkward values are there to be read
    assert {r[1] for r in answers[queries[0]]} >= {*_AWKWARD, "-7", "hi", "abc"}
    assert len(answers[queries[2]]) == store.count() > len(_AWKWARD)
    if store.backend == "oxigraph":
        assert answers[queries[3]] == [(None,)] * store.count() and answers[queries[4]] == [(), ()]
    for piece in (1 << 20, 7):   # and decoded a few bytes at a time, across lines
        monkeypatch.setattr(tsv, "PIECE", piece)
        for q in queries:
            later = store.select_strings_later(q)
            assert list(later) == answers[q], (store.backend, piece, q)
            assert list(later) == answers[q]   # and read again
    with pytest.raises(BadInputError):
        store.select_strings_later("ASK { ?s ?p ?o }")
    with pytest.raises(BadInputError):
        store.select_strings_later("SELECT ?s WHERE { ?s ?p }")


def test_a_persistent_store_reopens_by_its_location(tmp_path: Path) -> None:
    first = open_store(f"oxigraph:{tmp_path / 'st'}")
    first.add([(S, P, Literal("x"), URIRef(A))])
    first.replace_graph(B, b'<urn:test:s> <urn:test:p> "y" .\n')
    first.close()
    again = open_store(first.location)
    assert again.graphs() == [A, B] and again.count() == 2
