"""Queries never reach the network, never change data, stop at their time limit."""

from __future__ import annotations

import os
import time

import pytest

import tipgraph
from tipgraph.sparql.safety import check_query

# Queries that would reach out to the listener, by kind of reference.
REACHING_OUT = {
    "SERVICE": "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "service-spaced": "SELECT * WHERE {{ service   <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "FROM": "SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }}",
    "FROM-NAMED": "SELECT * FROM NAMED <http://127.0.0.1:{port}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
}
# Does the engine contact that address when the network is allowed? SPARQL keywords are
# case-insensitive and any whitespace separates tokens, so every engine must follow SERVICE
# however it is written. Oxigraph reads FROM and FROM NAMED as names of graphs in the store
# and never fetches them (for those, the refusal below is policy; nothing could connect).
# rdflib 7 follows SERVICE only when exactly one space follows the keyword (its evaluator
# re-reads the query text with the pattern "^service <"): spaced out, it silently skips the call.
FETCHES = {
    "oxigraph": {"SERVICE": True, "service-spaced": True, "FROM": False, "FROM-NAMED": False},
    "memory": {"SERVICE": True, "service-spaced": False, "FROM": True, "FROM-NAMED": True},
}


def test_the_fetch_table_covers_every_backend() -> None:
    from tipgraph.store import BACKENDS

    assert {b: set(kinds) for b, kinds in FETCHES.items()} == {b: set(REACHING_OUT) for b in BACKENDS}


@pytest.mark.parametrize("kind", sorted(REACHING_OUT))
def test_network_access_is_refused_without_connecting(kg: tipgraph.KnowledgeGraph, listener, kind: str) -> None:
    with pytest.raises(tipgraph.QueryRefusedError, match="allow_network=True"):
        kg.query(REACHING_OUT[kind].format(port=listener.port))
    assert listener.connections() == 0, "the engine contacted the listener"


@pytest.mark.parametrize("kind", sorted(REACHING_OUT))
def test_allowed_network_access_reaches_the_listener(kg: tipgraph.KnowledgeGraph, listener, kind: str) -> None:
    """The positive control of the test above: the same query, allowed, does connect."""
    backend = kg.backend
    try:
        # The listener never answers: the query ends at its time limit (or with the engine's error).
        kg.query(REACHING_OUT[kind].format(port=listener.port), allow_network=True, timeout=1.5)
    except tipgraph.TipgraphError:
        pass
    seen = listener.connections(wait=1.0)
    if FETCHES[backend][kind]:
        assert seen >= 1, f"{backend}: {kind} with allow_network=True never contacted the listener"
    else:
        assert seen == 0, f"{backend} now fetches {kind} addresses: update FETCHES"


def test_local_files_are_refused(kg: tipgraph.KnowledgeGraph) -> None:
    with pytest.raises(tipgraph.QueryRefusedError, match="allow_network=True"):
        kg.query("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")


@pytest.mark.parametrize("update", [
    "LOAD <http://127.0.0.1:9/x.ttl>",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
])
def test_updates_are_refused(kg: tipgraph.KnowledgeGraph, update: str) -> None:
    n = len(kg)
    with pytest.raises(tipgraph.QueryRefusedError, match="read-only"):
        kg.query(update)
    assert len(kg) == n


def test_keywords_inside_strings_iris_and_names_are_not_refused(kg: tipgraph.KnowledgeGraph) -> None:
    q = """PREFIX from: <https://w3id.org/tipgraph/ontology#>
    # SERVICE and FROM in a comment
    SELECT ?x ?service WHERE { BIND("SERVICE <http://x> FROM" AS ?x) BIND(<urn:from:service> AS ?service) }"""
    check_query(q)
    assert kg.query(q).rows


def test_cartesian_product_is_stopped_at_the_time_limit(kg: tipgraph.KnowledgeGraph) -> None:
    started = time.monotonic()
    with pytest.raises(tipgraph.QueryTimeoutError) as err:
        kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", timeout=1.0)
    elapsed = time.monotonic() - started
    assert elapsed < 5, f"took {elapsed:.1f} s to stop"
    pid = err.value.pid
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    # The graph still answers afterwards.
    assert kg.query("ASK { ?s ?p ?o }").boolean


def test_malformed_sparql_names_the_position(kg: tipgraph.KnowledgeGraph) -> None:
    with pytest.raises(tipgraph.BadInputError) as err:
        kg.query("SELECT ?s WHERE {\n  ?s ?p \n}")
    # The object of "?s ?p" is missing; the "}" at line 3, column 1 is where parsing stops. The
    # engines place that differently, each always the same way (README, "Engines and their
    # differences"): Oxigraph just after the unexpected token, pyparsing (rdflib) at the start
    # of the unfinished triple pattern.
    expected = {"oxigraph": (3, 2), "memory": (2, 3)}[kg.backend]
    assert (err.value.line, err.value.column) == expected, f"{kg.backend} reports {err.value}"


def test_unknown_named_query_lists_the_known_ones(kg: tipgraph.KnowledgeGraph) -> None:
    with pytest.raises(tipgraph.UnknownNameError) as err:
        kg.query("who-funds-everything")
    assert "countries-of-implementer" in str(err.value)


def test_bindings_are_never_spliced_into_the_text(kg: tipgraph.KnowledgeGraph) -> None:
    hostile = '" } } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } #'
    res = kg.query("find-by-label", text=hostile)
    assert res.rows == []
    res = kg.query("SELECT ?t WHERE { BIND(STR(?text) AS ?t) }", text=hostile)
    assert res.column("t") == [hostile]


def test_positions_count_only_the_lines_the_user_wrote(kg: tipgraph.KnowledgeGraph) -> None:
    with pytest.raises(tipgraph.BadInputError) as err:
        kg.query("SELECT ?s WHERE { ?s tg:implements }")
    assert err.value.line == 1
