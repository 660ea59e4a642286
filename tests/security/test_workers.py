"""Query workers: a memory limit that ends in a clear refusal, and no worker outlives its command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Sorting the typed entities of the seed paired with each other needs well over 64 MiB, for seconds.
HUNGRY = ("SELECT ?a ?d ?x WHERE { ?a a ?c . ?d a ?f . BIND(CONCAT(STR(?c), STR(?f), STR(?a), STR(?d)) AS ?x) } "
          "ORDER BY ?x")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _cli(*args: str, **kw: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tipgraph.cli", *args], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)  # type: ignore[call-overload]


def test_a_query_over_its_memory_limit_is_refused_clearly() -> None:
    out = _cli("query", "-e", HUNGRY, "--memory", "32", "--timeout", "60", "--max-rows", "1")
    stdout, stderr = out.communicate(timeout=120)
    assert out.returncode == 5, stderr
    assert "memory limit of 32 MiB" in stderr and "--memory" in stderr
    assert "Traceback" not in stderr and "backtrace" not in stderr, stderr
    # Positive control: with room to work the same query answers.
    ok = _cli("query", "-e", HUNGRY, "--memory", "0", "--timeout", "60", "--max-rows", "1", "-f", "csv")
    stdout, stderr = ok.communicate(timeout=120)
    assert ok.returncode == 0, stderr
    assert stdout.startswith("a,d,x")


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _running_worker(cli: subprocess.Popen[str], within: float = 30) -> list[int]:
    """The command's forked query worker, once it is still running 0.3 s after it was first seen.

    A forked worker has its command's command line (a child such as ldconfig, run to find libc,
    has not). Empty if the command ended first.
    """
    deadline = time.monotonic() + within
    seen: set[int] = set()
    while time.monotonic() < deadline and cli.poll() is None:
        kids = {c for c in _children(cli.pid) if _alive(c) and _cmdline(c) == _cmdline(cli.pid)}
        if kids & seen:
            return sorted(kids & seen)
        seen = kids
        time.sleep(0.3)
    return []


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_a_worker_dies_with_its_command(sig: signal.Signals) -> None:
    tried = []
    for _ in range(3):  # a command that ended on its own before its worker was seen is started again
        # runs until killed; SIGHUP at its default action, as a terminal starts it (under nohup, or a
        # runner started with it ignored, the command would inherit the ignoring and rightly stay)
        cli = _cli("query", "-e", SLOW, "--timeout", "120", "--memory", "0",
                   preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL))
        workers = _running_worker(cli)
        if workers:
            break
        cli.kill()
        tried.append(cli.communicate(timeout=30)[1][-400:])
    else:
        pytest.fail(f"positive control: no running query worker was seen; the command said: {tried}")
    os.kill(cli.pid, sig)
    cli.communicate(timeout=30)
    gone_by = time.monotonic() + 10
    while time.monotonic() < gone_by and any(_alive(w) for w in workers):
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers), f"worker {workers} outlived its command after {sig.name}"
