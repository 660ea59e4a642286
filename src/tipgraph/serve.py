"""Share the graph: publish a built store through the Oxigraph server, push graphs to another one.

:func:`serve` runs ``oxigraph serve-read-only`` (PyPI ``oxigraph``, the ``serve`` extra) on
a snapshot of the store: a read-only server must not share its directory with a writer,
so the server reads a copy taken under the store's write lock, and ``tipgraph add`` or
``build`` keep working on the original (serve again to publish their changes). The server
listens on 127.0.0.1 unless told otherwise, refuses cross-origin requests unless
``cors=True``, answers queries over the union of the named graphs, stops a query at
``timeout_s`` seconds, and dies with its parent (Linux) and when :meth:`Server.stop` runs.

:func:`push` replaces named graphs on any SPARQL server that speaks the Graph Store
Protocol (or SPARQL Update), one graph at a time, and checks the counts afterwards:
pushing twice leaves the same graphs.

The query page at the server's root is Oxigraph's bundled YASGUI. Its scripts come from
the server itself (no CDN), so it works without internet; when online, its autocompletion
asks ``prefix.cc`` and ``lov.linkeddata.es`` for prefixes and terms (a browser on a
network without internet simply gets no suggestions).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from .errors import BadInputError
from .process import die_with_parent, kill_group, wait_exited
from .store import Store, open_store
from .store.persist import WriteLock, is_store, recover
from .store.sparql import SparqlStore
from .store.terms import ntriples

DEFAULT_PORT = 7878
#: The server's own time limit for one query, in seconds.
DEFAULT_TIMEOUT_S = 30


def oxigraph_command() -> str:
    """The ``oxigraph`` server executable (beside this Python first, then on ``PATH``)."""
    here = Path(sys.executable).parent / "oxigraph"
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    found = shutil.which("oxigraph")
    if found is None:
        raise BadInputError("the Oxigraph server is not installed; install it with: pip install 'tipgraph[serve]'")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (for tests and benchmarks)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def snapshot(store_path: str | Path, into: str | Path) -> Path:
    """Copy the store at ``store_path`` into directory ``into``/store, holding its write lock.

    The lock keeps a writer from swapping the directory while it is copied; readers never wait.
    """
    source = Path(store_path)
    if not is_store(source):
        raise BadInputError("no store here; create it with 'tipgraph build --store DIR'", path=str(source))
    target = Path(into) / "store"
    with WriteLock(source):
        recover(source)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("LOCK", "LOG*"))
    return target


@dataclass
class Server:
    """A running Oxigraph server; a context manager that stops it on exit."""

    url: str
    process: subprocess.Popen[bytes]
    directory: Path
    log: Path
    #: the server's own time limit for one query, in seconds
    timeout_s: float = DEFAULT_TIMEOUT_S
    _scratch: Path | None = field(default=None, repr=False)

    @property
    def query_url(self) -> str:
        """The SPARQL 1.1 Protocol query endpoint."""
        return self.url + "/query"

    @property
    def location(self) -> str:
        """The store location tipgraph opens this server by (``--store sparql+http://...``).

        It carries the server's time limit, so the client waits a little longer than the server.
        """
        return f"sparql+{self.url}?timeout={self.timeout_s:g}"

    def store(self) -> SparqlStore:
        """A remote store on this server."""
        store = open_store(self.location)
        assert isinstance(store, SparqlStore)
        return store

    def running(self) -> bool:
        return self.process.poll() is None

    def wait(self) -> int:
        """Block until the server exits (Ctrl-C raises ``KeyboardInterrupt`` here; stop it then)."""
        return self.process.wait()

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and remove the snapshot."""
        if self.process.poll() is None:
            kill_group(self.process.pid, signal.SIGTERM)
            if not wait_exited(self.process.pid, time.monotonic() + 5):
                kill_group(self.process.pid, signal.SIGKILL)
        kill_group(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def __enter__(self) -> Server:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def start_oxigraph(directory: str | Path, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                   timeout_s: float = DEFAULT_TIMEOUT_S, cors: bool = False, read_only: bool = True,
                   union: bool = True, ready_timeout: float = 30.0, scratch: Path | None = None) -> Server:
    """Run ``oxigraph serve`` (or ``serve-read-only``) on ``directory`` in its own process group.

    Returns once the server answers. ``port=0`` picks a free port.
    """
    if port == 0:
        port = free_port(host)
    else:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            try:
                probe.bind((host, port))
            except OSError as exc:
                raise BadInputError(f"the Oxigraph server did not start on {host}:{port}: {exc.strerror or exc} "
                                    "(choose another --port)") from None
    folder = Path(directory)
    log = (scratch or folder.parent) / f"oxigraph-{port}.log"
    cmd = [oxigraph_command(), "serve-read-only" if read_only else "serve", "--location", str(folder),
           "--bind", f"{host}:{port}", "--timeout-s", str(max(1, round(timeout_s)))]
    if union:
        cmd.append("--union-default-graph")
    if cors:
        cmd.append("--cors")
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, preexec_fn=die_with_parent)
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
    server = Server(url=url, process=proc, directory=folder, log=log, timeout_s=max(1, round(timeout_s)),
                    _scratch=scratch)
    deadline = time.monotonic() + ready_timeout
    while True:
        if proc.poll() is not None:
            said = log.read_text(errors="replace").strip()[-600:]
            server.stop()
            raise BadInputError(f"the Oxigraph server did not start on {host}:{port}: {said or 'no message'}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                if proc.poll() is None:
                    break
        except OSError:
            if time.monotonic() > deadline:
                server.stop()
                raise BadInputError(f"the Oxigraph server did not answer on {host}:{port} within "
                                    f"{ready_timeout:g} s") from None
            time.sleep(0.05)
    return server


def serve(store_path: str | Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT, *,
          timeout_s: float = DEFAULT_TIMEOUT_S, cors: bool = False, ready_timeout: float = 30.0) -> Server:
    """Publish the store at ``store_path`` (asserted and inferred graphs) read-only over SPARQL.

    Serves a snapshot, so later writes to the store are not seen until it is served again.
    Use as a context manager, or call :meth:`Server.stop`::

        with serve("out/store") as server:
            print(server.query_url)
    """
    scratch = Path(tempfile.mkdtemp(prefix="tipgraph-serve-"))
    try:
        folder = snapshot(store_path, scratch)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return start_oxigraph(folder, host=host, port=port, timeout_s=timeout_s, cors=cors, read_only=True,
                          ready_timeout=ready_timeout, scratch=scratch)


# ---------------------------------------------------------------------------
# Push
# ---------------------------------------------------------------------------
@dataclass
class PushReport:
    """What :func:`push` replaced: triples per graph, as counted on the server afterwards."""

    endpoint: str
    graphs: dict[str, int]

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def remote_location(endpoint: str) -> str:
    """``http://host:port/path`` or ``sparql+http://...`` as a remote store location.

    >>> remote_location("http://127.0.0.1:7878")
    'sparql+http://127.0.0.1:7878'
    """
    scheme = urllib.parse.urlsplit(endpoint).scheme
    if scheme in ("http", "https"):
        return "sparql+" + endpoint
    if scheme in ("sparql+http", "sparql+https"):
        return endpoint
    raise BadInputError(f"an endpoint is an http:// or https:// address, not {endpoint!r}")


def push(store: Store, endpoint: str | Store, *, graphs: Iterable[str] | None = None) -> PushReport:
    """Make each named graph of ``store`` (or those in ``graphs``) the same on the server at ``endpoint``.

    Each graph is replaced whole (Graph Store ``PUT``, or ``DROP`` + ``INSERT DATA``); graphs of the
    server that ``store`` does not have are left alone. The server's count of every graph is
    checked against the local one afterwards (a mismatch raises
    :class:`~tipgraph.errors.BadInputError`).
    """
    remote = endpoint if isinstance(endpoint, Store) else open_store(remote_location(endpoint))
    names = list(graphs) if graphs is not None else store.graphs()
    counts: dict[str, int] = {}
    for g in names:
        triples = [(s, p, o) for s, p, o, _ in store.quads(g)]
        remote.replace_graph(g, ntriples(triples))
        expected, got = store.count(g), remote.count(g)
        if got != expected:
            raise BadInputError(f"after the push, graph {g} holds {got} triples on {remote.location}, "
                                f"not {expected}: the server changed or dropped some")
        counts[g] = got
    return PushReport(remote.location, counts)
