"""The confined query worker cannot reach the network or the file system even when the
lexical check is bypassed; the same work unconfined does (positive controls)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import tipgraph
from tipgraph import process
from tipgraph.errors import QueryRefusedError
from tipgraph.process import ConfinementError, confine_worker, run_limited
from tipgraph.query import bind_named, named_queries
from tipgraph.store import BACKENDS

from .conftest import MARKER, REMOTE_VALUE, Listener

LINUX = sys.platform.startswith("linux")


def _connect(port: int) -> str:
    with socket.socket() as s:  # no name lookup: straight to socket.connect
        s.settimeout(5)
        s.connect(("127.0.0.1", port))
        return "connected"


def test_confined_worker_refuses_a_connection(endpoint: Listener) -> None:
    with pytest.raises(QueryRefusedError, match=r"socket\.connect"):
        run_limited(_connect, 10, args=(endpoint.port,), confine=True)
    assert endpoint.connections() == 0


def test_unconfined_worker_connects(endpoint: Listener) -> None:
    assert run_limited(_connect, 10, args=(endpoint.port,)) == "connected"
    assert endpoint.connections() == 1


@pytest.mark.parametrize("confine", [True, False])
def test_engine_service_call_with_the_check_bypassed(endpoint: Listener, confine: bool) -> None:
    """SERVICE straight to the engines (no check_query): Oxigraph's native client, rdflib's urllib."""
    for backend in sorted(BACKENDS):
        store = tipgraph.load(backend=backend, reason=False).store
        q = f"SELECT ?remote WHERE {{ SERVICE <{endpoint.url}> {{ ?s ?p ?remote }} }}"
        if confine:
            with pytest.raises(QueryRefusedError, match="allow_network=True"):
                run_limited(store.execute, 10, args=(q, {}, 10), confine=True)
            assert endpoint.connections() == 0, backend
        else:
            before = endpoint.connections(settle=0)
            raw = run_limited(store.execute, 10, args=(q, {}, 10))
            assert [str(v) for row in raw.rows for v in row] == [REMOTE_VALUE], backend
            assert endpoint.connections() == before + 1, backend


@pytest.mark.parametrize("confine", [True, False])
def test_rdflib_graph_loading_is_off_even_when_imported_after_confinement(confine: bool) -> None:
    """A fresh interpreter that has not imported rdflib's SPARQL engine yet (as an Oxigraph worker)."""
    code = ("import sys; from tipgraph.process import confine_worker; "
            + ("confine_worker(network_namespace=False); " if confine else "")
            + "assert 'rdflib.plugins.sparql' not in sys.modules; "
            "import rdflib.plugins.sparql as s; print(s.SPARQL_LOAD_GRAPHS)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(not confine)


@pytest.mark.parametrize("confine", [True, False])
def test_rdflib_from_file_with_the_check_bypassed(marker_file: Path, confine: bool) -> None:
    """rdflib loads FROM graphs itself; in the worker that is switched off (and the file refused)."""
    store = tipgraph.load(backend="memory", reason=False).store
    q = f"SELECT ?o FROM <{marker_file.as_uri()}> WHERE {{ ?s ?p ?o }}"
    raw = run_limited(store.execute, 10, args=(q, {}, 100), confine=confine)
    values = [str(v) for row in raw.rows for v in row]
    assert (MARKER in values) is not confine


def _parse(path: str) -> int:
    import rdflib

    return len(rdflib.Graph().parse(path, format="turtle"))


def test_confined_worker_cannot_read_files_outside_python(marker_file: Path) -> None:
    with pytest.raises(QueryRefusedError, match="outside the Python installation"):
        run_limited(_parse, 10, args=(str(marker_file),), confine=True)
    assert run_limited(_parse, 10, args=(str(marker_file),)) == 1


def _write(path: str) -> str:
    Path(path).write_text("written", encoding="utf-8")
    return "written"


def test_confined_worker_cannot_write(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(QueryRefusedError, match="for writing"):
        run_limited(_write, 10, args=(str(target),), confine=True)
    assert not target.exists()
    assert run_limited(_write, 10, args=(str(target),)) == "written"
    assert target.read_text(encoding="utf-8") == "written"


def _spawn() -> int:
    return subprocess.run(["true"], check=False).returncode


def test_confined_worker_cannot_start_programs() -> None:
    with pytest.raises(QueryRefusedError, match=r"subprocess\.Popen"):
        run_limited(_spawn, 10, confine=True)
    assert run_limited(_spawn, 10) == 0


def _hook_only(port: int) -> str:
    """The audit hook alone (as where namespaces are not available); swallows the refusal."""
    layers = confine_worker(network_namespace=False)
    assert not any("namespace" in layer for layer in layers)
    try:
        return _connect(port)
    except ConfinementError:
        return "refused, and the refusal swallowed"


def test_audit_hook_alone_refuses_even_when_the_refusal_is_swallowed(endpoint: Listener) -> None:
    # Like rdflib's SERVICE SILENT: the work "succeeds", but the worker reports the refusal.
    with pytest.raises(QueryRefusedError, match=r"socket\.connect"):
        run_limited(_hook_only, 10, args=(endpoint.port,))
    assert endpoint.connections() == 0


def _namespace_only(port: int, uid: int | None) -> tuple[str | None, str]:
    """The network namespace alone (no audit hook): what native code would see."""
    if uid is not None:
        os.setuid(uid)
    layer = process._unshare_network()
    try:
        _connect(port)
    except OSError as exc:
        return layer, os.strerror(exc.errno) if exc.errno else str(exc)
    return layer, "connected"


@pytest.mark.skipif(not LINUX, reason="network namespaces are Linux")
def test_network_namespace_alone_cuts_the_network(endpoint: Listener) -> None:
    layer, outcome = run_limited(_namespace_only, 10, args=(endpoint.port, None))
    if layer is None:
        pytest.skip("this kernel refuses new network namespaces (the audit hook still applies)")
    assert outcome == "Network is unreachable"
    assert endpoint.connections() == 0


@pytest.mark.skipif(not LINUX or os.geteuid() != 0, reason="needs root to drop to an unprivileged user")
def test_unprivileged_worker_falls_back_to_a_user_namespace(endpoint: Listener) -> None:
    layer, outcome = run_limited(_namespace_only, 10, args=(endpoint.port, 65534))
    if layer is None:
        pytest.skip("unprivileged user namespaces are disabled here (the audit hook still applies)")
    assert layer == "user and network namespace"
    assert outcome == "Network is unreachable"
    assert endpoint.connections() == 0


def _layers() -> tuple[str, ...]:
    return confine_worker()


def test_layers_applied() -> None:
    layers = run_limited(_layers, 10)
    assert layers[-2:] == ("rdflib SPARQL_LOAD_GRAPHS off", "audit hook")
    if LINUX and os.geteuid() == 0:  # CI runs as root: the namespace must be there
        assert layers[0] == "network namespace"


def test_named_queries_answer_the_same_confined(kg: tipgraph.KnowledgeGraph) -> None:
    for q in named_queries().values():
        bindings = bind_named(kg.store, q, {})
        free = run_limited(kg.store.execute, 30, args=(q.sparql, bindings, 10_000))
        confined = run_limited(kg.store.execute, 30, args=(q.sparql, bindings, 10_000), confine=True)
        assert confined == free, q.name


def test_persistent_store_answers_confined(tmp_path: Path) -> None:
    """Oxigraph on disk reads its files from native code: the confinement leaves them be."""
    kg, _ = tipgraph.build(tmp_path / "S", owl=False)
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert run_limited(kg.store.execute, 30, args=(q, {}, 10), confine=True) == \
        run_limited(kg.store.execute, 30, args=(q, {}, 10))


def test_kg_query_runs_confined_when_the_check_is_fooled(kg: tipgraph.KnowledgeGraph, endpoint: Listener,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import tipgraph.query

    monkeypatch.setattr(tipgraph.query, "check_query", lambda *args, **kwargs: None)  # "fooled"
    with pytest.raises(QueryRefusedError):
        kg.query(f"SELECT * WHERE {{ SERVICE <{endpoint.url}> {{ ?s ?p ?o }} }}")
    assert endpoint.connections() == 0
