"""Bad input through the ``tipgraph`` command: a clear message naming the file (or option), the
documented exit code, no traceback, and every file and store exactly as it was.

One table (:data:`ROWS`); each row is run as a user would, in a subprocess, inside its own folder
holding a copy of a store built once. After the run every file in that folder must be byte for
byte what it was (only the store's own lock file may appear), and for rows that touch the store,
``tipgraph export - --store S`` must print what it printed before. Control rows show that the
checks can fail: a good ``add`` changes the export, and a query name that is not a file is echoed.
The second half checks output targets: devices, FIFOs and descriptor links are written in place,
``-`` is standard output, regular files are replaced whole and links kept.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tipgraph.errors import EXIT_CODES

REPO = Path(__file__).resolve().parents[2]
DOCUMENTED = {code for code, _ in EXIT_CODES}
MiB = 1024 * 1024


def run(argv: list[str | bytes], cwd: Path, env: dict[str, str] | None = None,
        stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """The tipgraph command in a subprocess; arguments may be bytes (not UTF-8, as a shell can pass)."""
    full = dict(os.environ, PYTHONWARNINGS="ignore", PYTHONPATH=str(REPO / "src"), **(env or {}))
    for name in ("TIPGRAPH_MAX_INPUT_MB", "TIPGRAPH_MAX_TRIPLES_PER_KIB"):
        if not env or name not in env:
            full.pop(name, None)
    return subprocess.run([sys.executable, "-m", "tipgraph.cli", *argv], capture_output=True, cwd=cwd,
                          env=full, timeout=180, input=stdin)


def text(raw: bytes) -> str:
    return raw.decode("utf-8", "backslashreplace")


# --- input files -------------------------------------------------------------------------------
def _triples(n: int) -> bytes:
    return b"".join(b"<urn:tipgraph:test:s%d> <urn:tipgraph:test:p> \"value %d\" .\n" % (i, i) for i in range(n))


GOOD = b'@prefix ex: <urn:tipgraph:test:> .\nex:s ex:p "a good fact" .\n'
BIG = 17 * MiB  # over Oxigraph's 16 MiB token buffer
FILES: dict[str, Callable[[], bytes]] = {
    "big-literal.ttl": lambda: b'<urn:s> <urn:p> "' + b"a" * BIG + b'" .\n',
    "big-iri.ttl": lambda: b"<urn:s> <urn:p> <urn:" + b"a" * BIG + b"> .\n",
    "big-comment.ttl": lambda: b"# " + b"a" * BIG + b"\n<urn:s> <urn:p> <urn:o> .\n",
    # 1.5 MiB of ordinary N-Triples: over a 1 MiB limit, well under the default one.
    "sized.nt": lambda: _triples(24_000),
    # Nested collections: 400 KB make 400,000 triples (a triple per byte; data makes ~1 per 43 bytes).
    "nested.ttl": lambda: b"<urn:s> <urn:p> " + b"(" * 200_000 + b")" * 200_000 + b" .\n",
    "flat-list.ttl": lambda: b"<urn:s> <urn:p> (" + b"1 " * 200_000 + b") .\n",
    "good.ttl": lambda: GOOD,
    "notes": lambda: b"secret-word\n",  # a file given as the query: must never be echoed as a name
    "binary.ttl": lambda: bytes(random.Random(7).randrange(256) for _ in range(4096)),
    "datadir/inside.ttl": lambda: GOOD,
    "data.rdf": lambda: b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
    "d/f": lambda: b"x\n",
    "outdir/keep": lambda: b"keep me\n",
}


def damage_store(folder: Path) -> None:
    """Cut every table file of the store short, as a full disk or a bad copy would."""
    for sst in (folder / "S").glob("*.sst"):
        with open(sst, "r+b") as fh:
            fh.truncate(100)


@dataclass
class Row:
    id: str
    argv: list[str | bytes]
    code: int
    fragments: list[str]
    files: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    store: bool = False  # the command touches the store S: its export must not change
    absent: list[str] = field(default_factory=list)  # must appear in neither stdout nor stderr
    setup: Callable[[Path], None] | None = None
    changes_store: bool = False  # control rows: the store must change


SELECT = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
ROWS = [
    # §3: a folder that is not a store is never replaced by build.
    Row("build-over-non-store-folder", ["build", "--store", "d", "--no-owl"], 4,
        ["d: this folder is not a tipgraph store", "choose a new or empty folder"], files=["d/f"]),
    Row("export-to-directory", ["export", "outdir", "--store", "S"], 4,
        ["outdir: this is a directory", "give a file name"], files=["outdir/keep"], store=True),
    # §5: tokens over the parser's 16 MiB buffer, through add (parse first) and build (bulk loader).
    Row("token-literal-add", ["add", "big-literal.ttl", "--store", "S"], 4,
        ["big-literal.ttl: a single token", "16 MiB", "shorten it"], files=["big-literal.ttl"], store=True),
    Row("token-iri-build", ["build", "--data", "big-iri.ttl", "--no-owl", "--no-validate"], 4,
        ["big-iri.ttl: a single token", "16 MiB"], files=["big-iri.ttl"]),
    Row("token-comment-add", ["add", "big-comment.ttl", "--store", "S"], 4,
        ["big-comment.ttl: a single token", "16 MiB"], files=["big-comment.ttl"], store=True),
    # The input-size limit, lowered for the test; the control row shows the same file is fine without it.
    Row("input-over-size-limit", ["add", "sized.nt", "--store", "S"], 5,
        ["sized.nt: the file is 1.", "over the input limit of 1 MiB", "TIPGRAPH_MAX_INPUT_MB"],
        files=["sized.nt"], env={"TIPGRAPH_MAX_INPUT_MB": "1"}, store=True),
    Row("control-input-under-default-limit", ["add", "sized.nt", "--store", "S"], 0,
        ["added 24000 triples"], files=["sized.nt"], store=True, changes_store=True),
    Row("bad-limit-variable", ["add", "good.ttl", "--store", "S"], 4,
        ["TIPGRAPH_MAX_INPUT_MB must be a whole number", "'lots'"],
        files=["good.ttl"], env={"TIPGRAPH_MAX_INPUT_MB": "lots"}, store=True),
    # Amplification: collections make a triple per byte.
    Row("nested-collections-add", ["add", "nested.ttl", "--store", "S"], 5,
        ["nested.ttl: the file makes more than 100,004 triples from 400,019 bytes", "TIPGRAPH_MAX_TRIPLES_PER_KIB"],
        files=["nested.ttl"], store=True),
    Row("flat-list-build", ["build", "--data", "flat-list.ttl", "--no-owl", "--no-validate"], 5,
        ["flat-list.ttl: the file makes more than 100,0", "nested collections or lists"],
        files=["flat-list.ttl"]),
    # Option values: checked by argparse types, a usage error naming the option.
    Row("expression-not-utf8", ["query", "-e", b"SELECT * WHERE { ?s ?p \xff\xfe }", "--store", "S"], 2,
        ["argument -e/--expression: is not valid UTF-8"], store=True),
    Row("timeout-nan", ["query", "--timeout", "nan", "-e", SELECT, "--store", "S"], 2,
        ["argument --timeout: expected a number of seconds", "'nan'"], store=True),
    Row("timeout-inf", ["query", "--timeout", "inf", "-e", SELECT, "--store", "S"], 2,
        ["argument --timeout", "'inf'"], store=True),
    Row("timeout-negative", ["query", "--timeout", "-1", "-e", SELECT, "--store", "S"], 2,
        ["argument --timeout", "'-1'"], store=True),
    Row("max-rows-negative", ["query", "--max-rows", "-5", "-e", SELECT, "--store", "S"], 2,
        ["argument --max-rows: expected a whole number from 0", "'-5'"], absent=["CAPPED"], store=True),
    # A file given as the query is SPARQL, whatever it holds; the error names the file, not its text.
    Row("query-file-is-not-a-name", ["query", "notes", "--store", "S"], 4,
        ["notes:1:", "malformed SPARQL"], files=["notes"], absent=["secret-word", "unknown query"], store=True),
    Row("control-query-name-is-echoed", ["query", "secret-word", "--store", "S"], 4,
        ["unknown query 'secret-word'"], store=True),
    Row("damaged-store", ["query", "active-in-country", "--store", "S"], 4,
        ["S: the store is damaged", "rebuild it with 'tipgraph build --store S'"], setup=damage_store),
    Row("missing-data-file", ["add", "missing.ttl", "--store", "S"], 4,
        ["missing.ttl: no such file"], store=True),
    Row("binary-data-file", ["add", "binary.ttl", "--store", "S"], 4,
        ["binary.ttl:1:1: Invalid UTF-8"], files=["binary.ttl"], store=True),
    Row("directory-as-data-file", ["add", "datadir", "--store", "S"], 4,
        ["datadir: this is a directory, not a data file"], files=["datadir/inside.ttl"], store=True),
    Row("unknown-format-suffix", ["add", "data.rdf", "--store", "S"], 4,
        ["data.rdf: unsupported file type '.rdf'", ".trig"], files=["data.rdf"], store=True),
]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A store built by ``tipgraph build --store S --no-owl``, and its export."""
    home = tmp_path_factory.mktemp("pristine")
    out = run(["build", "--store", "S", "--no-owl"], home)
    assert out.returncode == 0, text(out.stderr)
    export = run(["export", "-", "--store", "S"], home)
    assert export.returncode == 0 and b"tgd:org-0001" in export.stdout, text(export.stderr)
    return home / "S", export.stdout


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every input file of the table, made once."""
    home = tmp_path_factory.mktemp("inputs")
    for name, make in FILES.items():
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        (home / name).write_bytes(make())
    return home


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` and its content hash (the store's own lock file left out)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.endswith(".tipgraph-lock")}


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_bad_input(row: Row, pristine: tuple[Path, bytes], inputs: Path, tmp_path: Path) -> None:
    store, export_before = pristine
    shutil.copytree(store, tmp_path / "S")
    for name in row.files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(inputs / name, tmp_path / name)
    if row.setup:
        row.setup(tmp_path)
    before = snapshot(tmp_path)

    out = run(row.argv, tmp_path, env=row.env)
    stderr, stdout = text(out.stderr), text(out.stdout)

    assert out.returncode == row.code, f"exit {out.returncode}, expected {row.code}\n{stderr}"
    assert out.returncode in DOCUMENTED and out.returncode != 1
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    for fragment in row.fragments:
        assert fragment in stderr + stdout, f"{fragment!r} not in:\n{stderr}"
    for word in row.absent:
        assert word not in stderr + stdout, f"{word!r} shown:\n{stderr}{stdout}"
    if row.changes_store:
        after = run(["export", "-", "--store", "S"], tmp_path)
        assert after.returncode == 0 and after.stdout != export_before and b"value 23999" in after.stdout
        return
    assert snapshot(tmp_path) == before, "a file or the store changed"
    if row.store:
        after = run(["export", "-", "--store", "S"], tmp_path)
        assert after.returncode == 0, text(after.stderr)
        assert after.stdout == export_before


# --- output targets (§3) --------------------------------------------------------------------------
def test_export_to_dev_null_keeps_the_device(pristine: tuple[Path, bytes], tmp_path: Path) -> None:
    store, _ = pristine
    before = os.stat(os.devnull)
    out = run(["export", os.devnull, "--store", str(store)], tmp_path)
    assert out.returncode == 0, text(out.stderr)
    after = os.stat(os.devnull)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino
    assert "wrote /dev/null" in text(out.stderr)


def test_export_to_a_fifo_writes_into_it(pristine: tuple[Path, bytes], tmp_path: Path) -> None:
    store, export = pristine
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    out = run(["export", str(fifo), "--store", str(store)], tmp_path)
    reader.join(60)
    assert out.returncode == 0, text(out.stderr)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got == [export]


@pytest.mark.parametrize("target", ["-", "/dev/stdout", "/proc/self/fd/1"])
def test_export_to_standard_output(target: str, pristine: tuple[Path, bytes], tmp_path: Path) -> None:
    if target.startswith("/proc") and not Path("/proc/self/fd").is_dir():
        pytest.skip("no /proc")
    store, export = pristine
    out = run(["export", target, "--store", str(store)], tmp_path)
    assert out.returncode == 0, text(out.stderr)
    assert out.stdout == export
    assert list(tmp_path.iterdir()) == []  # no file called "-", no temporary file


def test_export_through_stdout_appends_where_the_shell_said(pristine: tuple[Path, bytes], tmp_path: Path) -> None:
    # `tipgraph export /dev/stdout >> log` must append, as the shell asked, not truncate nor replace the log.
    store, export = pristine
    log = tmp_path / "log"
    log.write_bytes(b"earlier lines\n")
    inode = log.stat().st_ino
    with open(log, "ab") as fh:
        out = subprocess.run([sys.executable, "-m", "tipgraph.cli", "export", "/dev/stdout", "--store", str(store)],
                             stdout=fh, stderr=subprocess.PIPE, cwd=tmp_path, timeout=120,
                             env=dict(os.environ, PYTHONPATH=str(REPO / "src")))
    assert out.returncode == 0, text(out.stderr)
    assert log.read_bytes() == b"earlier lines\n" + export and log.stat().st_ino == inode


def test_map_to_standard_output(pristine: tuple[Path, bytes], tmp_path: Path) -> None:
    store, _ = pristine
    out = run(["map", "-", "--store", str(store)], tmp_path)
    assert out.returncode == 0, text(out.stderr)
    assert out.stdout.lstrip().lower().startswith(b"<!doctype html") and b"</html>" in out.stdout
    assert "wrote standard output" in text(out.stderr)
    assert list(tmp_path.iterdir()) == []


def test_regular_file_is_replaced_whole_and_a_link_is_kept(pristine: tuple[Path, bytes], tmp_path: Path) -> None:
    store, export = pristine
    real = tmp_path / "real.trig"
    real.write_bytes(b"old")
    real.chmod(0o640)
    link = tmp_path / "link.trig"
    link.symlink_to(real.name)
    out = run(["export", str(link), "--store", str(store)], tmp_path)
    assert out.returncode == 0, text(out.stderr)
    assert link.is_symlink() and os.readlink(link) == real.name
    assert real.read_bytes() == export and stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.trig", "real.trig"]  # no temporary left


def test_a_dangling_link_is_refused_not_replaced(pristine: tuple[Path, bytes], tmp_path: Path) -> None:
    store, _ = pristine
    link = tmp_path / "out.trig"
    link.symlink_to("nowhere/missing.trig")
    out = run(["export", str(link), "--store", str(store)], tmp_path)
    assert out.returncode == 4 and "out.trig: this is a symbolic link to nothing" in text(out.stderr)
    assert link.is_symlink() and os.readlink(link) == "nowhere/missing.trig"


def test_analyze_export_to_a_directory_is_refused(pristine: tuple[Path, bytes], tmp_path: Path) -> None:
    store, _ = pristine
    target = tmp_path / "net.gexf"
    target.mkdir()
    (target / "keep").write_text("k")
    out = run(["analyze", "--export", str(target), "--store", str(store)], tmp_path)
    assert out.returncode == 4, text(out.stderr)
    assert "net.gexf: this is a directory" in text(out.stderr) and "Traceback" not in text(out.stderr)
    assert (target / "keep").read_text() == "k"


def test_query_reads_sparql_from_standard_input(pristine: tuple[Path, bytes], tmp_path: Path) -> None:
    store, _ = pristine
    out = run(["query", "-", "-f", "csv", "--store", str(store)], tmp_path,
              stdin=b"SELECT ?code WHERE { ?c tg:iso3166Alpha2 ?code } ORDER BY ?code LIMIT 1")
    assert out.returncode == 0, text(out.stderr)
    assert out.stdout.splitlines()[0] == b"code"
    bad = run(["query", "-", "--store", str(store)], tmp_path, stdin=b"SELECT")
    assert bad.returncode == 4 and "<stdin>:1:7: malformed SPARQL" in text(bad.stderr)


def test_binding_an_unused_variable_is_bad_input(pristine: tuple[Path, bytes], tmp_path: Path) -> None:
    store, _ = pristine
    out = run(["query", "-e", "ASK { ?s ?p ?o }", "-p", "country=PK", "--store", str(store)], tmp_path)
    assert out.returncode in (0, 4) and "internal error" not in text(out.stderr), text(out.stderr)
