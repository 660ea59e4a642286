"""A local listener that counts connections (and answers like a SPARQL endpoint), and a
marker file that shows whether an engine read the file system."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

#: What the listener answers: one solution, so that a SERVICE call that gets through is visible.
REMOTE_VALUE = "answered by the listener"
_RESPONSE_BODY = json.dumps({"head": {"vars": ["remote"]}, "results": {"bindings": [
    {"remote": {"type": "literal", "value": REMOTE_VALUE}}]}}).encode()
MARKER = "read from the file system"


class Listener:
    """A TCP server on 127.0.0.1 in a thread; counts every connection it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port: int = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self._count = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed
                return
            with self._lock:
                self._count += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    @staticmethod
    def _answer(conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), 0)
            while len(body) < length:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                body += chunk
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                         b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(_RESPONSE_BODY) + _RESPONSE_BODY)
        except OSError:
            pass
        finally:
            conn.close()

    def connections(self, settle: float = 0.05) -> int:
        """Connections accepted so far (after a moment for one in flight to be accepted)."""
        time.sleep(settle)
        with self._lock:
            return self._count

    def close(self) -> None:
        self.sock.close()


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tipgraph.cli ARGS`` as a user would (stdout, stderr, exit code)."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "tipgraph.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=Path(__file__).resolve().parents[2])


@pytest.fixture()
def endpoint() -> Iterator[Listener]:
    srv = Listener()
    yield srv
    srv.close()


@pytest.fixture(scope="session")
def marker_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Turtle file outside the Python installation with one recognisable triple."""
    path = tmp_path_factory.mktemp("marker") / "marker.ttl"
    path.write_text(f'<urn:tipgraph-test:marker> <urn:tipgraph-test:says> "{MARKER}" .\n', encoding="utf-8")
    return path
