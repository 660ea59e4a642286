"""Queries never reach the network, never change data, stop at their time limit."""

from __future__ import annotations

import os
import socket
import time

import pytest

import tipgraph
from tipgraph.sparql.safety import check_query


@pytest.fixture()
def listener():
    """A local TCP server that records whether anyone connected."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    srv.settimeout(0.5)
    yield srv
    srv.close()


def _nobody_connected(srv: socket.socket) -> bool:
    try:
        conn, _ = srv.accept()
    except TimeoutError:
        return True
    conn.close()
    return False


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ service   <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <http://127.0.0.1:{port}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "SELECT * FROM <file:///etc/passwd> WHERE {{ ?s ?p ?o }}",
])
def test_network_access_is_refused_without_connecting(kg: tipgraph.KnowledgeGraph, listener, template: str) -> None:
    port = listener.getsockname()[1]
    with pytest.raises(tipgraph.QueryRefusedError, match="allow_network=True"):
        kg.query(template.format(port=port))
    assert _nobody_connected(listener), "the engine contacted the listener"


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
    assert err.value.line == 3 or "3" in str(err.value)


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
