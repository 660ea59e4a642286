"""Keeping a store directory whole: one writer at a time, swaps that a kill cannot tear.

* :class:`WriteLock` - an advisory lock beside the store (``.NAME.tipgraph-lock``) that
  one writing command holds; a second writer is told who holds it
  (:class:`~tipgraph.errors.StoreLockedError`), readers never wait for it.
* :func:`replace_directory` / :func:`recover` - a freshly built store replaces the old one
  in one atomic exchange (Linux), or by two renames whose interruption by a kill is
  repaired the next time the store is opened; a kill while the new store is written
  leaves only a folder beside the store, which the next writer removes.
* :func:`check_target` - never build over a folder tipgraph did not create.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import BadInputError, StoreLockedError

#: Files RocksDB always writes into a database directory.
_ROCKSDB_MARKERS = ("CURRENT", "IDENTITY")


def _sibling(path: Path, what: str) -> Path:
    return path.with_name(f".{path.name}.tipgraph-{what}")


def backup_path(path: Path) -> Path:
    """Where the old store waits while a new one moves into place."""
    return _sibling(path, "old")


def building_path(path: Path) -> Path:
    """Where a new store is built before it replaces ``path``."""
    return _sibling(path, "building")


def is_store(path: Path) -> bool:
    """True for a directory that holds an Oxigraph (RocksDB) database."""
    return path.is_dir() and all((path / m).is_file() for m in _ROCKSDB_MARKERS)


def check_target(path: Path) -> None:
    """Refuse to build over anything but nothing, an empty folder or a store.

    >>> import tempfile; d = Path(tempfile.mkdtemp()); (d / "f").write_text("x")
    1
    >>> check_target(d)
    Traceback (most recent call last):
    ...
    tipgraph.errors.BadInputError: ...: this folder is not a tipgraph store ...
    """
    if not path.exists() and not path.is_symlink():
        return
    if not path.is_dir():
        raise BadInputError("this is a file, not a store folder; choose another --store path", path=str(path))
    if is_store(path) or not any(path.iterdir()):
        return
    raise BadInputError("this folder is not a tipgraph store and is not empty, so tipgraph will not replace "
                        "it; choose a new or empty folder for --store", path=str(path))


def recover(path: Path) -> None:
    """Finish or undo a swap that a kill interrupted (see :func:`replace_directory`).

    Call it holding the store's :class:`WriteLock`: a writer between its two renames has
    the store only in the backup, and moving that back under it would break its swap.
    Whatever a kill leaves in the building folder is discarded: before the swap it is the
    unfinished new store, after an exchange it is the old one.
    """
    backup = backup_path(path)
    if backup.exists():
        if path.exists():
            shutil.rmtree(backup, ignore_errors=True)  # the new store is in place; the old one is litter
        else:
            os.replace(backup, path)  # killed between the two renames: the old store comes back
    building = building_path(path)
    if building.exists():
        shutil.rmtree(building, ignore_errors=True)


def recover_if_idle(path: Path) -> None:
    """:func:`recover` for a reader: only when a kill left something to repair and no writer is at work.

    A writer holding the lock repairs and cleans up itself; a reader that may not write
    beside the store (read-only media, another user's store) leaves it as it is.
    """
    if not (backup_path(path).exists() or building_path(path).exists()):
        return
    lock = WriteLock(path)
    try:
        lock.acquire(wait=0)
    except (StoreLockedError, OSError):
        return
    try:
        recover(path)
    finally:
        lock.release()


def replace_directory(new: Path, target: Path) -> None:
    """Move a freshly built store directory into place, keeping the old one until the move succeeded.

    Where the system can (Linux ``renameat2(RENAME_EXCHANGE)``) the two directories swap
    places in one step, so ``target`` always names a whole store, the old or the new one.
    Elsewhere the old store first moves to its backup, and :func:`recover` repairs what a
    kill between the two renames leaves (readers read the backup meanwhile).
    """
    backup = backup_path(target)
    if backup.exists():
        shutil.rmtree(backup)
    if target.is_dir() and not target.is_symlink() and _exchange(new, target):
        _fsync_dir(target.parent)
        shutil.rmtree(new, ignore_errors=True)  # the old store, now at the building path
        return
    if target.exists():
        os.replace(target, backup)
    os.replace(new, target)
    _fsync_dir(target.parent)
    if backup.exists():
        shutil.rmtree(backup)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@functools.cache
def _renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    except OSError:
        return None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing directories atomically; False where the system or file system cannot.

    >>> import tempfile; d = Path(tempfile.mkdtemp()); (d / "a").mkdir(); (d / "b").mkdir()
    >>> (d / "a" / "x").touch()
    >>> _exchange(d / "a", d / "b") in (True, False)
    True
    """
    fn = _renameat2()
    if fn is None:
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # the kernel or the file system has no atomic exchange: rename twice
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def clean_logs(path: Path) -> None:
    """Remove RocksDB's info logs (``LOG``, ``LOG.old.*``) from a closed database: nothing reads them.

    Without them a committed store is about a third smaller; a read-only open writes none.
    """
    for log in [path / "LOG", *path.glob("LOG.old.*")]:
        with contextlib.suppress(OSError):
            log.unlink()


def locked(path: Path) -> bool:
    """True while some process holds the write lock of the store at ``path``.

    It probes the lock for an instant, so a writer starting at that instant waits for it
    (see :data:`GRACE`); needs only read access.
    """
    try:
        fd = os.open(_sibling(path, "lock"), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a probe that succeeded
    return False


#: How long a writer tries for the lock before it reports who holds it: long enough to ride
#: out a reader's probe (:func:`recover_if_idle`), short against any real write.
GRACE = 0.25


def _who() -> str:
    """This process as a lock holder: ``pid 123: tipgraph add more.trig``."""
    prog = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "python"
    if prog in ("cli.py", "__main__.py"):  # python -m tipgraph.cli / python -m tipgraph
        prog = "tipgraph"
    words = [os.path.basename(a) for a in sys.argv[1:] if not a.startswith("-")][:2]
    return f"pid {os.getpid()}: {' '.join([prog, *words])}"


class WriteLock:
    """The one-writer lock of the store at ``path``; re-entrant within one process.

    The lock is an ``flock`` on ``.NAME.tipgraph-lock`` beside the store, so the system
    drops it when its holder dies, however it dies; the file names the holder.

    >>> import tempfile; p = Path(tempfile.mkdtemp()) / "store"
    >>> with WriteLock(p): pass
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = _sibling(path, "lock")
        self._fh: Any = None
        self._depth = 0

    def __enter__(self) -> WriteLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self, *, wait: float = GRACE) -> None:
        """Take the lock, trying for ``wait`` seconds, or raise :class:`StoreLockedError` naming the holder."""
        if self._depth:
            self._depth += 1
            return
        self._file.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self._file, "a+")  # noqa: SIM115 - held until release()
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(fh, wait)
                    fh.close()
                    raise StoreLockedError(str(self.path), holder) from None
                time.sleep(0.01)
        fh.seek(0)
        fh.truncate()
        fh.write(_who())
        fh.flush()
        self._fh = fh
        self._depth = 1

    def release(self) -> None:
        """Let the next writer in."""
        if not self._depth:
            return
        self._depth -= 1
        if self._depth == 0 and self._fh is not None:
            fh, self._fh = self._fh, None
            fh.truncate(0)
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()


def _holder(fh: Any, wait: float) -> str | None:
    """What the holder wrote into the lock file; a holder that has just taken it gets ``wait`` to write."""
    deadline = time.monotonic() + wait
    while True:
        fh.seek(0)
        text: str = fh.read().strip()
        if text or time.monotonic() >= deadline:
            return text or None
        time.sleep(0.01)


@contextlib.contextmanager
def held(lock: WriteLock) -> Iterator[None]:
    """``with held(lock):`` - the lock for the duration of a block."""
    lock.acquire()
    try:
        yield
    finally:
        lock.release()
