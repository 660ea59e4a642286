"""Writing output so that a failure never leaves a half-written file and nothing is ever replaced
that tipgraph did not create.

:func:`atomic_write` is the one function every output goes through (exports, maps, network
exports). What it does depends on what the target is:

* ``"-"``: standard output;
* a regular file, or nothing yet: a temporary file beside it, moved into place when complete
  (through a symbolic link, the file it points to is replaced and the link kept);
* a character device, a FIFO, or a ``/proc/self/fd/N`` / ``/dev/fd/N`` / ``/dev/stdout`` link:
  opened and written in place, never replaced (``/dev/null`` stays a device);
* a directory, a block device or a socket: refused with :class:`~tipgraph.errors.BadInputError`.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from pathlib import Path

from .errors import BadInputError

__all__ = ["STDOUT", "atomic_write", "is_stdout"]

#: The output name that means standard output.
STDOUT = "-"

# Directories whose entries are a process's open file descriptors (Linux /proc; /dev/fd elsewhere).
_FD_DIR = re.compile(r"^/proc/(self|thread-self|\d+)(?:/task/\d+)?/fd$|^/dev/fd$")


def is_stdout(path: str | Path | None) -> bool:
    """True when ``path`` names standard output (``"-"``).

    >>> is_stdout("-"), is_stdout(Path("-")), is_stdout("./-")
    (True, True, False)
    """
    return path is not None and str(path) == STDOUT


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` (``"-"`` for standard output) without ever replacing what is not a file.

    A regular file is written to a temporary file beside it, then moved into place: if anything
    fails the old file (if any) is untouched and the temporary file removed. Devices, FIFOs
    and open-descriptor links are written in place; directories are refused. Every failure
    raises :class:`~tipgraph.errors.BadInputError` naming the path.

    >>> p = atomic_write(Path(tempfile.mkdtemp()) / "x.txt", "hello")
    >>> p.read_text()
    'hello'
    >>> atomic_write(os.devnull, "gone") == Path(os.devnull) and Path(os.devnull).is_char_device()
    True
    >>> atomic_write(tempfile.mkdtemp(), "x")
    Traceback (most recent call last):
    ...
    tipgraph.errors.BadInputError: ...: this is a directory; give a file name to write to ...
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if is_stdout(path):
        _write_stdout(payload)
        return Path(STDOUT)
    path = Path(path)
    try:
        fd = _through_fd(path)
        if fd is not None:
            _write_fd(fd, payload)
            return path
        if path.is_symlink() and not path.exists():
            raise BadInputError("this is a symbolic link to nothing; remove it or choose another output path",
                                path=str(path))
        try:
            st = path.stat()  # follows symbolic links: what would be written to
        except FileNotFoundError:
            st = None
        if st is None:
            _replace_file(path, payload)
        elif stat.S_ISREG(st.st_mode):
            _replace_file(Path(os.path.realpath(path)), payload)  # through a link: its file, keeping the link
        elif stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
            _write_in_place(path, payload)
        elif stat.S_ISDIR(st.st_mode):
            raise BadInputError("this is a directory; give a file name to write to (e.g. DIR/out.trig)",
                                path=str(path))
        else:
            kind = "block device" if stat.S_ISBLK(st.st_mode) else "socket" if stat.S_ISSOCK(st.st_mode) else \
                "special file"
            raise BadInputError(f"this is a {kind}; tipgraph writes only to files, character devices, FIFOs "
                                "and '-' (standard output)", path=str(path))
    except (BadInputError, BrokenPipeError):  # a closed pipe: the reader has all it wanted
        raise
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BadInputError(f"cannot write here ({reason}); choose another output path", path=str(path)) from None
    return path


def _through_fd(path: Path) -> int | None:
    """If ``path`` is, or links through, an open descriptor of this process (``/dev/stdout``,
    ``/dev/fd/1``, ``/proc/self/fd/1``), that descriptor's number; else None.

    >>> _through_fd(Path("/dev/stdout")), _through_fd(Path("/tmp/x"))
    (1, None)
    """
    p = Path(os.path.abspath(path))
    for _ in range(40):  # the kernel's own limit on nested links
        m = _FD_DIR.match(os.path.realpath(p.parent))
        if m and p.name.isdigit() and m.group(1) in ("self", "thread-self", str(os.getpid()), None):
            return int(p.name)
        if not p.is_symlink():
            return None
        p = Path(os.path.abspath(p.parent / os.readlink(p)))
    return None


def _write_fd(fd: int, payload: bytes) -> None:
    """Write to a descriptor this process already has open (its offset and append mode are kept)."""
    if fd == 1:
        sys.stdout.flush()
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view):]


def _write_stdout(payload: bytes) -> None:
    out = sys.stdout
    out.flush()
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        buffer.write(payload)
        buffer.flush()
    else:  # a text-only stream (e.g. replaced in a notebook or a test)
        out.write(payload.decode("utf-8", "surrogateescape"))
        out.flush()


def _write_in_place(path: Path, payload: bytes) -> None:
    # No O_CREAT: a device or FIFO that vanished meanwhile is not replaced by a new file.
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "wb") as fh:
        fh.write(payload)


def _replace_file(path: Path, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates the file private (0600); give it the mode an ordinary write would.
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        if path.is_dir() and not path.is_symlink():  # appeared meanwhile: never replaced
            raise IsADirectoryError(21, "Is a directory", str(path))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
