"""The private temporary folder of one HermiT run, and the removal of folders left behind.

The folder is ``tipgraph-hermit-<pid>-<random>`` in :func:`tempfile.gettempdir`, ``<pid>`` being
the process that made it. That process holds an exclusive ``flock`` on ``<folder>/.owner`` while
the run lasts; the kernel drops the lock however the process ends. The folder is removed when
the run ends; if the owner is killed, the orphaned worker removes it (see
:mod:`tipgraph.validate._worker`), and if that could not happen either, the next run removes
every folder whose owner is dead and whose lock nobody holds.

>>> with hermit_workdir() as path:
...     path.name.startswith(f"tipgraph-hermit-{os.getpid()}-"), is_stale(path)
(True, False)
>>> path.exists()
False
"""

from __future__ import annotations

import fcntl
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["LOCK_NAME", "PREFIX", "hermit_workdir", "is_stale", "owner_pid", "remove_stale"]

PREFIX = "tipgraph-hermit-"
LOCK_NAME = ".owner"


def owner_pid(name: str) -> int | None:
    """The pid in a folder name made by :func:`hermit_workdir`, else None.

    >>> owner_pid("tipgraph-hermit-4242-k2j3h4"), owner_pid("tipgraph-hermit-k2j3h4")
    (4242, None)
    """
    if not name.startswith(PREFIX):
        return None
    pid, sep, _ = name[len(PREFIX):].partition("-")
    return int(pid) if sep and pid.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _lock_free(folder: Path) -> bool:
    """True when nobody holds the folder's lock (or it has none: made, then killed before locking)."""
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # BlockingIOError: held by a live run
        return False
    finally:
        os.close(fd)  # also releases the lock if we got it
    return True


def is_stale(folder: Path) -> bool:
    """True for a run folder of this user whose owner process is dead and whose lock is free.

    Both must hold: a reused pid keeps a dead run's folder (until that pid ends), and a run
    whose pid this process cannot see (another pid namespace sharing the folder) keeps its
    folder while it holds the lock.
    """
    pid = owner_pid(folder.name)
    if pid is None:
        return False
    try:
        st = folder.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
        return False
    return not _alive(pid) and _lock_free(folder)


def remove_stale(parent: str | Path | None = None) -> list[Path]:
    """Remove the stale run folders in ``parent`` (default: the temporary folder); return them."""
    base = Path(parent) if parent is not None else Path(tempfile.gettempdir())
    try:
        candidates = sorted(base.glob(PREFIX + "*"))
    except OSError:
        return []
    removed = []
    for folder in candidates:
        if is_stale(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@contextmanager
def hermit_workdir() -> Iterator[Path]:
    """Remove stale run folders, then make, lock and yield a new one; removed on exit."""
    remove_stale()
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    fd = -1
    try:
        fd = os.open(path / LOCK_NAME, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        if fd >= 0:
            os.close(fd)
