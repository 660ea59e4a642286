"""One process supervisor: run work in a child process group with a deadline, and kill it.

Both kinds of worker tipgraph starts go through here:

* :func:`run_limited` forks a worker that runs a Python callable (a SPARQL query on the
  in-memory store; neither rdflib nor Oxigraph can cancel a running query from Python);
* :func:`run_group` starts a command (the HermiT worker and its Java child);
* :func:`run_reused` keeps one forked worker per state of the data and sends it call after
  call (SPARQL queries: a fork of a 1M-triple process costs 30 ms, a round trip well under one).

Each child leads its own process group, which is killed as a whole when the deadline
passes; the child is asked to die with its parent (Linux ``PR_SET_PDEATHSIG``), so a
killed CLI leaves no worker behind.

A query worker is also *confined* (``run_limited(..., confine=True)``, see
:func:`confine_worker`): it gets a network namespace of its own with no interface up
(so native code, Oxigraph's SERVICE client, cannot connect anywhere), rdflib stops
loading FROM graphs, and a Python audit hook refuses connections, name lookups, process
starts and file opens for writing or outside the Python installation. This holds even
if the lexical check of :mod:`tipgraph.sparql.safety` is one day fooled.

>>> run_limited(lambda: 6 * 7, timeout=5)
42
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import functools
import gc
import math
import multiprocessing as mp
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .errors import BadInputError, InternalError, QueryRefusedError, QueryTimeoutError, TipgraphError, WorkerMemoryError

T = TypeVar("T")

#: After a deadline the group gets SIGTERM first (so a worker can reap its own children,
#: e.g. Java), then SIGKILL for whatever is left after this many seconds.
TERM_GRACE = 3.0
#: The longest time limit a worker may be given (a day); longer is almost surely a mistake.
MAX_TIMEOUT = 86_400.0

_PR_SET_PDEATHSIG = 1


@functools.cache
def _libc() -> Any:
    """The C library (loaded once: ``find_library`` runs ``ldconfig``, about 10 ms)."""
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Ask the kernel to send ``sig`` to this process when its parent dies (Linux; no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        _libc().prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
    except OSError:  # pragma: no cover - no libc: the deadline still applies
        pass


def limit_memory(megabytes: int | None) -> None:
    """Let this process grow by at most ``megabytes`` beyond its present size; None leaves it alone.

    The cap is on the address space (``RLIMIT_AS``): a forked worker starts as large as its
    parent (the store it queries), so the limit counts what the query itself needs.
    """
    if not megabytes:
        return
    import resource

    try:
        with open("/proc/self/statm") as fh:
            present = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        present = 0
    limit = present + int(megabytes) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def kill_group(pgid: int, sig: int = signal.SIGKILL) -> None:
    """Send ``sig`` to a process group; a group that is gone already is not an error."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def wait_exited(pid: int, deadline: float) -> bool:
    """Wait until child ``pid`` exits or ``deadline`` (monotonic) passes; True if it exited.

    The exited child is NOT reaped (``WNOWAIT``): while it is a zombie its pid, and so its
    process group id, cannot be reused, so killing the group afterwards cannot hit an
    unrelated process.
    """
    pause = 0.002
    while True:
        try:
            if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return True
        except ChildProcessError:  # already reaped
            return True
        now = time.monotonic()
        if now >= deadline:
            return False
        time.sleep(min(pause, deadline - now))
        pause = min(pause * 2, 0.05)


def _stop_group(pid: int, *, term_first: bool) -> None:
    if term_first:
        kill_group(pid, signal.SIGTERM)
        wait_exited(pid, time.monotonic() + TERM_GRACE)
    kill_group(pid, signal.SIGKILL)


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------
@dataclass
class GroupResult:
    """How a command run by :func:`run_group` ended."""

    returncode: int | None
    timed_out: bool
    pid: int
    seconds: float


def run_group(command: Sequence[str], *, timeout: float, cwd: str | Path | None = None,
              env: Mapping[str, str] | None = None, log: str | Path | None = None) -> GroupResult:
    """Run ``command`` as the leader of a new process group; stop the group after ``timeout`` s.

    Standard output and error go to ``log`` (or are discarded). On the deadline the group
    gets SIGTERM, then SIGKILL :data:`TERM_GRACE` seconds later; the group is always
    killed once the leader has exited, so no grandchild (Java) survives it.

    >>> run_group([sys.executable, "-c", "pass"], timeout=30).returncode
    0
    """
    started = time.monotonic()
    out = open(log, "wb") if log is not None else subprocess.DEVNULL  # noqa: SIM115 - closed below
    try:
        proc = subprocess.Popen(list(command), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                cwd=str(cwd) if cwd is not None else None,
                                env=dict(env) if env is not None else None,
                                start_new_session=True, preexec_fn=die_with_parent)
    finally:
        if log is not None:
            out.close()  # type: ignore[union-attr]
    timed_out = False
    try:
        if not wait_exited(proc.pid, started + timeout):
            timed_out = True
            _stop_group(proc.pid, term_first=True)
    finally:
        kill_group(proc.pid, signal.SIGKILL)
        proc.wait()
    return GroupResult(None if timed_out else proc.returncode, timed_out, proc.pid,
                       time.monotonic() - started)


# ---------------------------------------------------------------------------
# Confinement of query workers
# ---------------------------------------------------------------------------
_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000

#: Audit events a confined worker refuses outright: the network, other programs, changes
#: to the file system. ``open`` is checked separately (reading the Python installation is
#: how lazy imports work).
_REFUSED_EVENTS = frozenset({
    "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
    "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo", "urllib.Request",
    "http.client.connect", "ftplib.connect", "smtplib.connect", "poplib.connect", "imaplib.open",
    "nntplib.connect", "telnetlib.Telnet.open", "webbrowser.open",
    "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
    "pty.spawn", "os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.truncate",
    "os.symlink", "os.link", "os.utime", "shutil.copyfile", "shutil.copymode", "shutil.copystat",
    "shutil.copytree", "shutil.move", "shutil.rmtree", "shutil.make_archive", "shutil.unpack_archive",
})
_ON_A_SOCKET = frozenset({"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"})  # args[0]: it
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC

#: What the audit hook of this (worker) process refused so far.
_refused: list[str] = []


class ConfinementError(PermissionError):
    """An operation a confined worker may not perform (raised by its audit hook)."""


def _unshare_network() -> str | None:
    """Move this process into a new network namespace (only a loopback, down); its name or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        unshare = _libc().unshare
    except (OSError, AttributeError):  # pragma: no cover - no libc
        return None
    # As root a network namespace alone; unprivileged, inside a new user namespace.
    for flags, name in ((_CLONE_NEWNET, "network namespace"),
                        (_CLONE_NEWUSER | _CLONE_NEWNET, "user and network namespace")):
        if unshare(flags) == 0:
            return name
    return None


@functools.cache
def _installation_roots() -> frozenset[str]:
    import site
    import sysconfig

    return frozenset({sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                      *sysconfig.get_paths().values(), *site.getsitepackages()})


@functools.lru_cache(maxsize=4)
def _roots_for(modules: int) -> tuple[str, ...]:
    roots = set(_installation_roots())
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if "." in name or name == "__main__" or not isinstance(file, str):
            continue
        roots.add(os.path.dirname(file))  # a package's folder, or the folder of a single module
    real = sorted({os.path.realpath(r) for r in roots if r})
    # Keep the outermost folders only (fewer prefixes to compare on each open).
    outer: list[str] = []
    for r in real:
        if r != os.sep and not any(r.startswith(o + os.sep) for o in outer):
            outer.append(r)
    return tuple(outer)


def read_roots() -> tuple[str, ...]:
    """Folders a confined worker may read: the Python installation and every loaded package.

    >>> any(os.path.realpath(os.__file__).startswith(r) for r in read_roots())
    True
    """
    return _roots_for(len(sys.modules))  # recomputed when modules were imported since


def _audit(roots: tuple[str, ...]) -> Callable[[str, tuple[Any, ...]], None]:
    def refuse(what: str) -> None:
        _refused.append(what)
        raise ConfinementError(errno.EACCES, f"refused in the confined query worker: {what}")

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "import":
            _no_graph_loading()
        elif event in _REFUSED_EVENTS:
            refuse(f"{event} {args[1:] if event in _ON_A_SOCKET else args!r}"[:300])
        elif event == "open":
            path, mode, flags = args
            if isinstance(path, int):  # a descriptor that is open already
                return
            if (flags & _WRITE_FLAGS) if isinstance(flags, int) and flags >= 0 else any(c in str(mode) for c in "wax+"):
                refuse(f"open {path!r} for writing")
            real = os.path.realpath(os.fsdecode(path))
            if not any(real == r or real.startswith(r + os.sep) for r in roots):
                refuse(f"open {path!r} (outside the Python installation)")
    return hook


def _no_graph_loading() -> None:
    """Switch rdflib's loading of FROM graphs off, if its SPARQL engine is imported (even half-way).

    Called at confinement and on every import after it: importing the engine just for the
    switch would cost a quarter of a second per worker when a backend never uses it.
    """
    sparql = sys.modules.get("rdflib.plugins.sparql")
    if sparql is not None and getattr(sparql, "SPARQL_LOAD_GRAPHS", False):
        sparql.SPARQL_LOAD_GRAPHS = False  # type: ignore[attr-defined]


def confine_worker(*, network_namespace: bool = True, roots: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Confine this process for good (call it only in a forked worker); the layers applied.

    * a new network namespace (``unshare(CLONE_NEWNET)``; unprivileged
      ``CLONE_NEWUSER | CLONE_NEWNET``), skipped when the kernel refuses both;
    * rdflib no longer loads FROM / FROM NAMED graphs (``SPARQL_LOAD_GRAPHS``, now or
      when its SPARQL engine is imported later);
    * an audit hook (cannot be removed) that refuses network access, process starts,
      file-system changes and opening files outside ``roots`` (default :func:`read_roots`).
    """
    layers = []
    if network_namespace and (ns := _unshare_network()):
        layers.append(ns)
    _no_graph_loading()
    sys.addaudithook(_audit(read_roots() if roots is None else roots))
    layers.append("rdflib SPARQL_LOAD_GRAPHS off")
    layers.append("audit hook")
    return tuple(layers)


def _network_refusal(exc: BaseException) -> bool:
    """Whether ``exc`` is what native code sees in the network namespace (no route, no DNS)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and (exc.errno == errno.ENETUNREACH or any(
                m in str(exc) for m in ("os error 101", "Network is unreachable", "failed to lookup address"))):
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
        seen += 1
    return False


def _refusal(exc: BaseException | None = None) -> str:
    """Why the worker refused (the message of the parent's QueryRefusedError)."""
    what = "; ".join(_refused[:3]) or (str(exc) if exc is not None else "network access")
    return (
        "the query tried to reach the network or the file system and its worker stopped it "
        f"({what}); queries never do unless you allow it (Python: allow_network=True; CLI: --allow-network)")


# ---------------------------------------------------------------------------
# Forked Python workers
# ---------------------------------------------------------------------------
def _prepare(memory_mb: int | None, confine: tuple[str, ...] | None) -> None:
    """Limits and confinement of a worker, in that order."""
    limit_memory(memory_mb)  # first: it reads /proc, which the confinement then closes
    if memory_mb:  # an engine that runs out aborts with a message of its own: the parent says why
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    if confine is not None:
        confine_worker(roots=confine)


def _answer(conn: Any, work: Callable[[], Any], confine: tuple[str, ...] | None) -> None:
    """Run ``work`` and send the parent its result, or why there is none."""
    try:
        result = work()
        # A refusal that the code swallowed (rdflib's SERVICE SILENT) still fails the query.
        conn.send(("refused", _refusal()) if _refused else ("ok", result))
    except TipgraphError as exc:
        # An engine's SERVICE call that the network namespace stopped is a refusal, whatever the store made of it.
        refused = _refused or (confine is not None and _network_refusal(exc))
        conn.send(("refused", _refusal(exc)) if refused else ("error", exc))
    except MemoryError:
        conn.send(("memory", None))
    except BaseException as exc:  # noqa: BLE001 - everything must reach the parent
        if confine is not None and (_refused or _network_refusal(exc)):
            conn.send(("refused", _refusal(exc)))
            return
        import traceback

        conn.send(("bug", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=8)}"))


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...], memory_mb: int | None,
           confine: tuple[str, ...] | None = None) -> None:
    os.setpgid(0, 0)
    die_with_parent()

    def work() -> Any:
        _prepare(memory_mb, confine)
        return fn(*args)

    try:
        _answer(conn, work, confine)
    finally:
        conn.close()


def run_limited(fn: Callable[..., T], timeout: float | None, *, args: tuple[Any, ...] = (),
                memory_mb: int | None = None, confine: bool = False) -> T:
    """Run ``fn(*args)`` in a forked worker and return its result; kill it after ``timeout`` seconds.

    With ``timeout=None`` it runs in this process (and ``confine`` is not possible). The
    fork sees the store as it is now without copying it (no store keeps a thread that a
    fork could catch holding a lock: a read-only RocksDB's pool threads only wait, see
    :mod:`tipgraph.store.oxigraph`). ``memory_mb`` caps the
    worker's address space; running out raises :class:`~tipgraph.errors.WorkerMemoryError`.
    ``confine=True`` confines the worker (:func:`confine_worker`; for SPARQL queries):
    what it refuses raises :class:`~tipgraph.errors.QueryRefusedError`. tipgraph's own
    errors pass through unchanged; anything else is a bug and raises
    :class:`~tipgraph.errors.InternalError`.

    >>> import socket
    >>> run_limited(socket.getaddrinfo, 5, args=("localhost", 80), confine=True)
    Traceback (most recent call last):
        ...
    tipgraph.errors.QueryRefusedError: the query tried ... (socket.getaddrinfo ('localhost', 80, ...
    """
    if timeout is None:
        return fn(*args)
    if not (timeout > 0 and math.isfinite(timeout) and timeout <= MAX_TIMEOUT):
        raise BadInputError("the time limit must be a positive number of seconds")
    if sys.platform.startswith("linux"):
        _libc()  # load it here once, not in every worker
    roots = read_roots() if confine else None  # computed here: cached across queries
    _no_call_running(timeout)
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args, memory_mb, roots), daemon=True)
    with _frozen_heap():
        proc.start()
    child.close()
    pid = proc.pid
    assert pid is not None
    try:
        status, payload = _wait(parent, pid, timeout)
    finally:
        parent.close()
        kill_group(pid, signal.SIGKILL)
        proc.join(5)
    if status == "ok":
        return payload
    if status == "error":
        raise payload
    if status == "refused":  # sent as text: an OSError subclass does not unpickle (errors._rebuild)
        raise QueryRefusedError(payload)
    if status == "memory" or (status == "died" and memory_mb and proc.exitcode in (-signal.SIGABRT, -signal.SIGSEGV)):
        raise WorkerMemoryError(memory_mb)
    if status == "died":
        raise InternalError(f"the query worker died without an answer (exit code {proc.exitcode})")
    raise InternalError(payload)


def _wait(conn: Any, pid: int, timeout: float) -> tuple[str, Any]:
    """The worker's answer, or kill it and raise when the time limit passes."""
    if not conn.poll(timeout):
        kill_group(pid, signal.SIGKILL)
        exc = QueryTimeoutError(
            f"the query ran past its time limit of {timeout:g} s and was stopped "
            f"(worker {pid} killed); raise the limit with timeout=... or --timeout")
        exc.pid = pid  # type: ignore[attr-defined]
        raise exc
    try:
        return conn.recv()
    except EOFError:
        # Killed from outside, or aborted (an allocation failure in native code under the cap).
        return "died", None


# ---------------------------------------------------------------------------
# A reused worker
# ---------------------------------------------------------------------------
@contextlib.contextmanager
def _frozen_heap() -> Iterator[None]:
    """Fork inside this block: the objects of this process are moved out of the garbage collector's
    reach first (``gc.freeze``), so that a collection in the worker never walks the inherited
    heap, which would write to (and so copy) every page of it: tens of milliseconds per query
    in a process that holds large answers."""
    enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def _serve(conn: Any, fn: Callable[..., Any], memory_mb: int | None, confine: tuple[str, ...] | None) -> None:
    """The loop of a reused worker: set up as :func:`_child` once, then answer ``fn(*args)`` per message."""
    os.setpgid(0, 0)
    die_with_parent()
    _prepare(memory_mb, confine)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        _refused.clear()
        _answer(conn, functools.partial(fn, *msg), confine)


class _Worker:
    """One forked worker that answers ``fn(*args)`` again and again, from the state it was forked with."""

    def __init__(self, fn: Callable[..., Any], memory_mb: int | None, roots: tuple[str, ...] | None) -> None:
        ctx = mp.get_context("fork")
        self.conn, child = ctx.Pipe(duplex=True)
        self.memory_mb = memory_mb
        self.proc = ctx.Process(target=_serve, args=(child, fn, memory_mb, roots), daemon=True)
        with _frozen_heap():
            self.proc.start()
        child.close()
        assert self.proc.pid is not None
        self.pid: int = self.proc.pid
        self.busy = threading.Lock()

    def alive(self) -> bool:
        try:
            return os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
        except ChildProcessError:
            return False

    def stop(self) -> None:
        """Kill the worker's group and reap it."""
        kill_group(self.pid, signal.SIGKILL)
        self.conn.close()
        self.proc.join(5)


_pool: dict[Any, _Worker] = {}
_pool_owner = 0
_pool_lock = threading.RLock()
#: Reused workers kept at a time (one per store, settings and state).
POOL_SIZE = 4


def _take(key: Any, fn: Callable[..., Any], memory_mb: int | None, confine: bool,
          timeout: float) -> _Worker | None:
    """The idle worker for ``key`` (forked now if there is none); None while it is busy."""
    with _pool_lock:
        return _take_locked(key, fn, memory_mb, confine, timeout)


def _take_locked(key: Any, fn: Callable[..., Any], memory_mb: int | None, confine: bool,
                 timeout: float) -> _Worker | None:
    global _pool_owner
    if _pool_owner != os.getpid():  # a forked copy of this process: the workers are its parent's
        _pool.clear()
        _pool_owner = os.getpid()
    worker = _pool.get(key)
    if worker is not None and not worker.alive():  # e.g. killed, or its forking thread ended (PDEATHSIG)
        _discard(key, worker)
        worker = None
    if worker is None:
        _no_call_running(timeout)  # before anything changes: the pool stays as it was if this gives up
        same_data = [k for k in _pool if k[0][:1] == key[0][:1] and k != key]
        for other in [k for k in same_data if _pool[k].busy.acquire(blocking=False)]:
            _discard(other, _pool[other])  # the same store in an older state: of no more use
        idle = [k for k in _pool if _pool[k].busy.acquire(blocking=False)]  # never one at work
        for old in idle[:max(len(_pool) - POOL_SIZE + 1, 0)]:
            _discard(old, _pool[old])
        for k in idle:
            if k in _pool:
                _pool[k].busy.release()
        worker = _pool[key] = _Worker(fn, memory_mb, read_roots() if confine else None)
    if not worker.busy.acquire(blocking=False):
        return None
    return worker


def _discard(key: Any, worker: _Worker) -> None:
    with _pool_lock:
        if _pool.get(key) is worker:
            del _pool[key]
    worker.stop()


def worker_pid(key: Any) -> int | None:
    """The pid of the reused worker kept for ``key`` (see :func:`run_reused`), if one is kept."""
    worker = _pool.get(key) if _pool_owner == os.getpid() else None
    return worker.pid if worker is not None and worker.alive() else None


def stop_workers() -> None:
    """Stop every reused worker of this process."""
    if _pool_owner == os.getpid():
        for key, worker in list(_pool.items()):
            _discard(key, worker)


def run_reused(fn: Callable[..., T], timeout: float | None, *, key: Any, args: tuple[Any, ...] = (),
               memory_mb: int | None = None, confine: bool = False) -> tuple[T, int | None]:
    """:func:`run_limited`, answered by a worker forked once and reused; the result and its pid.

    ``key`` names the state the worker must see (for a store: its identity and
    :attr:`~tipgraph.store.Store.version`): a new key forks a new worker, and the worker of
    the older state of the same first item is stopped. Its first item identifies the data,
    the rest its state. The worker is confined and limited as :func:`run_limited`'s
    (network namespace, audit hook, ``RLIMIT_AS``, death with its parent); it is killed and
    forgotten when a call runs past ``timeout``, runs out of memory, is refused or fails
    with a bug, so the next call forks a fresh one. A worker busy with another thread's call
    is not waited for: that call gets a worker of its own (:func:`run_limited`).

    >>> run_reused(abs, 5, key=("doc", 1), args=(-3,))[0]
    3
    >>> a, b = run_reused(abs, 5, key=("doc", 1), args=(-4,))[1], run_reused(abs, 5, key=("doc", 1), args=(5,))[1]
    >>> a == b
    True
    >>> stop_workers()
    """
    if timeout is None:
        return fn(*args), None
    if not (timeout > 0 and math.isfinite(timeout) and timeout <= MAX_TIMEOUT):
        raise BadInputError("the time limit must be a positive number of seconds")
    if sys.platform.startswith("linux"):
        _libc()
    full = (key, getattr(fn, "__qualname__", repr(fn)), memory_mb, confine)
    worker = _take(full, fn, memory_mb, confine, timeout)
    if worker is None:
        return run_limited(fn, timeout, args=args, memory_mb=memory_mb, confine=confine), None
    keep = False
    status: str
    payload: Any = None
    try:
        try:
            worker.conn.send(args)
        except (BrokenPipeError, OSError):
            status, payload = "died", None
        else:
            status, payload = _wait(worker.conn, worker.pid, timeout)
        keep = status in ("ok", "error")
    finally:
        worker.busy.release()
        if not keep:
            _discard(full, worker)
    if status == "ok":
        return payload, worker.pid
    if status == "error":
        raise payload
    if status == "refused":
        raise QueryRefusedError(payload)
    code = worker.proc.exitcode
    if status == "memory" or (status == "died" and memory_mb and code in (-signal.SIGABRT, -signal.SIGSEGV)):
        raise WorkerMemoryError(memory_mb)
    if status == "died":
        raise InternalError(f"the query worker died without an answer (exit code {code})")
    raise InternalError(payload)


# ---------------------------------------------------------------------------
# The library's own calls, in a thread of this process
# ---------------------------------------------------------------------------
class _Runner:
    """A thread that runs the calls handed to it, one at a time, and goes back to the idle list."""

    def __init__(self) -> None:
        self.inbox: queue.SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...], list[Any], threading.Lock]]
        self.inbox = queue.SimpleQueue()
        threading.Thread(target=self._loop, name="tipgraph-call", daemon=True).start()

    def _loop(self) -> None:
        global _running
        while True:
            fn, args, box, done = self.inbox.get()
            try:
                started = time.perf_counter()
                out = fn(*args)
                box.append(("ok", out, time.perf_counter() - started))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, who raises it
                # The engine's result objects must be freed by the thread that made them
                # (pyoxigraph's are thread-bound): the traceback's frames let go of them here.
                traceback.clear_frames(exc.__traceback__)
                box.append(("error", exc))
            with _threads:
                _running -= 1
                _idle.append(self)
                _threads.notify_all()
            done.release()


_threads = threading.Condition()
_idle: list[_Runner] = []
_running = 0  # calls inside a runner now, including those whose caller gave up
_runner_owner = 0

#: A call under a ``key`` that last took at most this share of its time limit (and at most
#: :data:`QUICK_MAX` seconds) runs in the calling thread: see :func:`run_in_thread`.
QUICK_SHARE = 0.01
QUICK_MAX = 0.05
_took: dict[Any, float] = {}  # key -> seconds its last call took (emptied when it grows past _TOOK_MAX)
_TOOK_MAX = 4096


def run_in_thread(fn: Callable[..., T], timeout: float | None, *, args: tuple[Any, ...] = (),
                  key: Any = None) -> T:
    """Run ``fn(*args)`` in a thread of this process; past ``timeout`` seconds, give up on it.

    For trusted work whose engine releases the GIL (the library's own named questions on
    Oxigraph): no fork, no pipe; the hand-over costs 20 microseconds for nothing, about a
    tenth of a millisecond around a real query (the other thread wakes on a cold core). A call that runs past its
    limit raises :class:`~tipgraph.errors.QueryTimeoutError` at once; it cannot be stopped, so it
    finishes in its thread and its answer is dropped. While any such call is inside the engine
    (abandoned or not), no worker is forked: :func:`run_limited`, and :func:`run_reused` when
    it needs a new worker, wait for it within their own limits, since a fork must not copy a
    thread that is inside the engine. A reused worker already forked answers at once.

    ``key`` names the work exactly (for a query: its store's state, its text and values): a
    call whose key last took at most :data:`QUICK_SHARE` of this limit, and at most
    :data:`QUICK_MAX` seconds, runs in the calling thread. The same work on the same data
    takes the same time; handing it over would cost as much as the work (waking a thread on
    another core takes tens of microseconds, more on a virtual machine), and only a machine
    slowed a hundredfold could take it past its limit.

    >>> run_in_thread(sum, 5, args=([1, 2, 3],))
    6
    """
    global _running, _runner_owner
    if timeout is None:
        return fn(*args)
    if not (timeout > 0 and math.isfinite(timeout) and timeout <= MAX_TIMEOUT):
        raise BadInputError("the time limit must be a positive number of seconds")
    took = _took.get(key) if key is not None else None
    with _threads:
        if _runner_owner != os.getpid():  # a forked copy of this process has none of its parent's threads
            _idle.clear()
            _took.clear()
            took = None
            _runner_owner = os.getpid()
        _running += 1  # counted as inside the engine either way: no fork may copy it
        quick = took is not None and took <= min(QUICK_MAX, timeout * QUICK_SHARE)
        runner = None if quick else _idle.pop() if _idle else _Runner()
    if runner is None:
        try:
            started = time.perf_counter()
            out = fn(*args)
            _remember(key, time.perf_counter() - started)
            return out
        finally:
            with _threads:
                _running -= 1
                _threads.notify_all()
    box: list[Any] = []
    done = threading.Lock()
    done.acquire()
    runner.inbox.put((fn, args, box, done))
    if not done.acquire(timeout=timeout):
        raise QueryTimeoutError(
            f"the query ran past its time limit of {timeout:g} s; it could not be stopped and finishes in the "
            "background, its answer dropped; raise the limit with timeout=... or --timeout")
    status, payload = box[0][:2]
    if status == "error":
        raise payload
    _remember(key, box[0][2])
    return payload


def _remember(key: Any, seconds: float) -> None:
    if key is None:
        return
    if len(_took) >= _TOOK_MAX and key not in _took:
        _took.clear()
    _took[key] = seconds


def _no_call_running(timeout: float) -> None:
    """Wait until no :func:`run_in_thread` call is inside the engine (a fork must not copy one)."""
    if not _running or _runner_owner != os.getpid():
        return
    with _threads:
        if not _threads.wait_for(lambda: not _running, timeout):
            raise QueryTimeoutError(
                f"a named question is still running in this process (one past its limit finishes in the "
                f"background), and no new query worker can start until it ends (waited {timeout:g} s); "
                "try again later")
