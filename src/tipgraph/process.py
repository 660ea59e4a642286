"""One process supervisor: run work in a child process group with a deadline, and kill it.

Both kinds of worker tipgraph starts go through here:

* :func:`run_limited` forks a worker that runs a Python callable (a SPARQL query on the
  in-memory store; neither rdflib nor Oxigraph can cancel a running query from Python);
* :func:`run_group` starts a command (the HermiT worker and its Java child).

Each child leads its own process group, which is killed as a whole when the deadline
passes; the child is asked to die with its parent (Linux ``PR_SET_PDEATHSIG``), so a
killed CLI leaves no worker behind.

>>> run_limited(lambda: 6 * 7, timeout=5)
42
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .errors import BadInputError, InternalError, QueryTimeoutError, TipgraphError, WorkerMemoryError

T = TypeVar("T")

#: After a deadline the group gets SIGTERM first (so a worker can reap its own children,
#: e.g. Java), then SIGKILL for whatever is left after this many seconds.
TERM_GRACE = 3.0

_PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Ask the kernel to send ``sig`` to this process when its parent dies (Linux; no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
    except OSError:  # pragma: no cover - no libc: the deadline still applies
        pass


def limit_memory(megabytes: int | None) -> None:
    """Cap this process's address space (``RLIMIT_AS``) at ``megabytes``; None leaves it alone."""
    if not megabytes:
        return
    import resource

    limit = int(megabytes) * 1024 * 1024
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
# Forked Python workers
# ---------------------------------------------------------------------------
def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...], memory_mb: int | None) -> None:
    os.setpgid(0, 0)
    die_with_parent()
    try:
        limit_memory(memory_mb)
        result = fn(*args)
        conn.send(("ok", result))
    except TipgraphError as exc:
        conn.send(("error", exc))
    except MemoryError:
        conn.send(("memory", None))
    except BaseException as exc:  # noqa: BLE001 - everything must reach the parent
        import traceback

        conn.send(("bug", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=8)}"))
    finally:
        conn.close()


def run_limited(fn: Callable[..., T], timeout: float | None, *, args: tuple[Any, ...] = (),
                memory_mb: int | None = None) -> T:
    """Run ``fn(*args)`` in a forked worker and return its result; kill it after ``timeout`` seconds.

    With ``timeout=None`` it runs in this process. The fork sees the in-memory store as it
    is now without copying it (stores never keep background threads that a fork could
    catch holding a lock). ``memory_mb`` caps the worker's address space; running out
    raises :class:`~tipgraph.errors.WorkerMemoryError`. tipgraph's own errors pass through
    unchanged; anything else is a bug and raises :class:`~tipgraph.errors.InternalError`.
    """
    if timeout is None:
        return fn(*args)
    if not timeout > 0:
        raise BadInputError("the time limit must be a positive number of seconds")
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args, memory_mb), daemon=True)
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
        return payload  # type: ignore[no-any-return]
    if status == "error":
        raise payload
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
        return conn.recv()  # type: ignore[no-any-return]
    except EOFError:
        # Killed from outside, or aborted (an allocation failure in native code under the cap).
        return "died", None
