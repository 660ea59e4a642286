"""Keeping a store directory whole: one writer at a time, swaps that a kill cannot tear.

* :class:`WriteLock` - an advisory lock beside the store (``.NAME.tipgraph-lock``) that
  one writing command holds; a second writer is told who holds it
  (:class:`~tipgraph.errors.StoreLockedError`), readers never wait for it.
* :func:`replace_directory` / :func:`recover` - a freshly built store replaces the old one
  by two renames; a kill between them is repaired the next time the store is opened.
* :func:`check_target` - never build over a folder tipgraph did not create.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

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
    """Finish or undo a swap that a kill interrupted (see :func:`replace_directory`)."""
    backup = backup_path(path)
    if backup.exists():
        if path.exists():
            shutil.rmtree(backup, ignore_errors=True)  # the new store is in place; the old one is litter
        else:
            os.replace(backup, path)  # killed between the two renames: the old store comes back
    building = building_path(path)
    if building.exists() and not locked(path):
        shutil.rmtree(building, ignore_errors=True)


def replace_directory(new: Path, target: Path) -> None:
    """Move a freshly built store directory into place, keeping the old one until the move succeeded.

    At every moment either ``target`` or its backup holds a whole store; :func:`recover`
    repairs what a kill between the two renames leaves.
    """
    backup = backup_path(target)
    if backup.exists():
        shutil.rmtree(backup)
    if target.exists():
        os.replace(target, backup)
    os.replace(new, target)
    _fsync_dir(target.parent)
    if backup.exists():
        shutil.rmtree(backup)


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
    """Remove RocksDB's rotated info logs (``LOG.old.*``): every open writes one, none is needed."""
    for old in path.glob("LOG.old.*"):
        with contextlib.suppress(OSError):
            old.unlink()


def locked(path: Path) -> bool:
    """True while some process holds the write lock of the store at ``path``."""
    lock = _sibling(path, "lock")
    if not lock.exists():
        return False
    with open(lock, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
    return False


class WriteLock:
    """The one-writer lock of the store at ``path``; re-entrant within one process.

    >>> import tempfile; p = Path(tempfile.mkdtemp()) / "store"
    >>> with WriteLock(p): pass
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = _sibling(path, "lock")
        self._fh: object | None = None
        self._depth = 0

    def __enter__(self) -> WriteLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock, or raise :class:`StoreLockedError` naming the holder."""
        if self._depth:
            self._depth += 1
            return
        self._file.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self._file, "a+")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or None
            fh.close()
            raise StoreLockedError(str(self.path), holder) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}: {' '.join(os.path.basename(a) for a in sys.argv[:3])}")
        fh.flush()
        self._fh = fh
        self._depth = 1

    def release(self) -> None:
        """Let the next writer in."""
        if not self._depth:
            return
        self._depth -= 1
        if self._depth == 0 and self._fh is not None:
            fh = self._fh
            self._fh = None
            fh.truncate(0)  # type: ignore[attr-defined]
            fcntl.flock(fh, fcntl.LOCK_UN)  # type: ignore[arg-type]
            fh.close()  # type: ignore[attr-defined]


@contextlib.contextmanager
def held(lock: WriteLock) -> Iterator[None]:
    """``with held(lock):`` - the lock for the duration of a block."""
    lock.acquire()
    try:
        yield
    finally:
        lock.release()
