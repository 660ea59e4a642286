"""A bounded fuzz of the ``tipgraph`` command: odd values into every command and option.

Random bytes (as Python receives them from a shell: undecodable bytes become lone surrogates),
NUL, right-to-left marks, 10,000-character strings, newlines, numbers that are not numbers, and
data files of random bytes. A fixed seed and a fixed number of cases: the same run every time.
Most cases run in-process through :func:`tipgraph.cli.main` (fast); a few as subprocesses with
raw non-UTF-8 bytes in argv. Every case must end with a documented exit code other than 1 (an
internal error is a bug), and never print a traceback.

Every path the fuzz makes lies inside the test's own folder, so nothing outside it is written.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tipgraph.cli import main
from tipgraph.errors import EXIT_CODES, EXIT_INTERNAL

REPO = Path(__file__).resolve().parents[2]
SEED = 20241011
IN_PROCESS_CASES = 100  # each command about 11 times, each exit code 0, 2 and 4 over 20 times
SUBPROCESS_CASES = 6
ALLOWED = {code for code, _ in EXIT_CODES} - {EXIT_INTERNAL}

ODD = ["\x00", "\udcff", "\udc80abc", "\ud800", "\u202e", "\u200f", "\u200b", "\ufeff", "e\u0301", "\U0001f4a5",
       "\n", "\r\n", "\t", " ", "{", "}", "?x", "<", ">", '"', "'", "\\", "%s", "${x}", "-", "--", "=", "\x7f",
       "\u0000\u0000", "\u2028", "\uffff", "ß", "İ", "ﬁ", "٣", "１２"]
NUMBERS = ["nan", "NaN", "inf", "-inf", "-1", "0", "-0", "1e309", "1e-320", "0x10", "１２", "", " ", "9" * 400,
           "1_000", "3.5", "1e9", "86401", "+2", "٣", "0.0000001"]
SPARQL = ["SELECT * WHERE { ?s ?p ?o } LIMIT 2", "ASK { ?s a tg:Country }", "SELECT", "}{", "PREFIX : <",
          "SELECT ?x WHERE { BIND(\"\x00\" AS ?x) }", "DESCRIBE <urn:x>", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1",
          "SELECT * WHERE { ?s ?p ?o FILTER(regex(?o, \"(a+)+$\")) } LIMIT 1"]
NAMES = ["UNODC", "PK", "Pakistan", "ICMPD", "FIA", "PROTECT", "active-in-country", "tgd:org-0001",
         "https://w3id.org/tipgraph/id/org-0001", "implements", "funds", "activeIn", "European Union"]


class Fuzz:
    """Values for arguments, from one seeded generator."""

    def __init__(self, rnd: random.Random, home: Path) -> None:
        self.rnd = rnd
        self.home = home
        self.n = 0

    def odd(self) -> str:
        r = self.rnd
        kind = r.randrange(6)
        if kind == 0:
            return bytes(r.randrange(256) for _ in range(r.randrange(1, 40))).decode("utf-8", "surrogateescape")
        if kind == 1:
            return "".join(r.choice(ODD) for _ in range(r.randrange(1, 8)))
        if kind == 2:
            return r.choice(["A", "\u202e", "é", "(", "\n", "\udcff"]) * 10_000
        if kind == 3:
            return r.choice(NUMBERS)
        if kind == 4:
            return r.choice(NAMES) + r.choice(ODD)
        return "".join(r.choice(ODD + NAMES) for _ in range(r.randrange(2, 30)))

    def value(self, kind: str) -> str:
        r = self.rnd
        if r.random() < 0.35 and kind not in ("out", "in", "store", "newstore"):
            return self.odd()
        if kind == "text":
            return r.choice(NAMES + SPARQL)
        if kind == "sparql":
            return r.choice(SPARQL)
        if kind == "int":
            return r.choice([*NUMBERS, "1", "2", "5"])
        if kind == "seconds":
            return r.choice([*NUMBERS, "1", "5"])
        if kind == "param":
            return r.choice(["country", "organisation", "", "=", "?x"]) + r.choice(["=", ""]) + self.odd()
        if kind == "out":
            return self.out_path()
        if kind == "in":
            return self.data_file()
        if kind == "store":
            return r.choice([str(self.home / "S")] * 4 + [str(self.home / "absent"), self.data_file(),
                                                          str(self.home / "damaged"), self.contained(self.odd())])
        if kind == "newstore":
            self.n += 1
            return r.choice([str(self.home / f"new-{self.n}"), str(self.home / "notastore"),
                             self.contained(self.odd())])
        raise AssertionError(kind)

    def contained(self, raw: str) -> str:
        """``raw`` turned into a path inside the test folder (no separators, no way out)."""
        name = raw.replace("/", "_").replace("\x00", "_")[:200] or "_"
        return str(self.home / ("f-" + name))

    def out_path(self) -> str:
        r = self.rnd
        self.n += 1
        return r.choice(["-", os.devnull, str(self.home), str(self.home / "outdir"),
                         str(self.home / f"out-{self.n}.trig"), str(self.home / f"out-{self.n}.gexf"),
                         str(self.home / "file" / "below-a-file.html"), self.contained(self.odd())])

    def data_file(self) -> str:
        """A data file of odd content (random bytes, odd text, broken Turtle) under an odd or usual suffix."""
        r = self.rnd
        self.n += 1
        suffix = r.choice([".ttl", ".trig", ".nt", ".nq", ".ttl", ".trig", ".rdf", ""])
        path = self.home / f"in-{self.n}{suffix}"
        body = r.choice([
            bytes(r.randrange(256) for _ in range(r.randrange(0, 600))),
            self.odd().encode("utf-8", "surrogatepass"),
            b'@prefix ex: <urn:ex:> .\nex:s ex:p "' + self.odd().encode("utf-8", "surrogatepass") + b'" .\n',
            b"<urn:s> <urn:p> " + b"(" * 50 + b")" * 49,
            b'<urn:s> <urn:p> "ok" .\n' * r.randrange(1, 5),
        ])
        path.write_bytes(body)
        return r.choice([str(path)] * 5 + [str(self.home / "missing.ttl"), str(self.home / "outdir")])


# command -> options: (option, kind); kind "flag" takes no value; positional arguments have option None.
COMMANDS: dict[str, list[tuple[str | None, str]]] = {
    "query": [(None, "text"), ("-e", "sparql"), ("-p", "param"), ("-f", "choice:table,csv,tsv,json,sparql-json"),
              ("--timeout", "seconds"), ("--max-rows", "int"), ("--list", "flag"), ("--store", "store"),
              ("--backend", "choice:oxigraph,memory")],
    "build": [("--store", "newstore"), ("--data", "in"), ("--no-validate", "flag"), ("--owl-timeout", "seconds"),
              ("--backend", "choice:oxigraph,memory")],
    "validate": [("--store", "store"), ("--data", "in"), ("--owl-timeout", "seconds")],
    "reason": [("--store", "store"), ("--engine", "choice:rules,reasonable"), ("--data", "in")],
    "stats": [("--store", "store"), ("--top", "int"), ("--data", "in")],
    "export": [(None, "out"), ("--format", "choice:turtle,nt,trig,nquads,jsonld"), ("--asserted-only", "flag"),
               ("--no-ontology", "flag"), ("--store", "store")],
    "add": [(None, "in"), ("--store", "store")],
    "map": [(None, "out"), ("--focus", "text"), ("--country", "text"), ("--programme", "text"), ("--depth", "int"),
            ("--title", "text"), ("--relations", "text"), ("--keep-engagements", "flag"),
            ("--layout", "choice:auto,physics,python"), ("--store", "store")],
    "analyze": [("--top", "int"), ("--chain", "pair"), ("--ego", "text"), ("--depth", "int"), ("--export", "out"),
                ("--json", "flag"), ("--store", "store")],
}
# Slow without a store (the seed is loaded and reasoned in memory): these always get one.
NEEDS_STORE = {"query", "stats", "export", "map", "analyze", "reason", "validate"}


def make_case(fz: Fuzz) -> list[str]:
    r = fz.rnd
    command = r.choice(sorted(COMMANDS))
    argv = [command]
    for option, kind in COMMANDS[command]:
        if option is not None and r.random() > 0.45:
            continue
        if kind == "flag":
            argv.append(str(option))
            continue
        if kind.startswith("choice:"):
            values = kind.split(":", 1)[1].split(",")
            value = r.choice(values) if r.random() < 0.8 else fz.odd()
        elif kind == "pair":
            value = None
            argv += [str(option), fz.value("text"), fz.value("text")]
        else:
            value = fz.value(kind)
        if value is None:
            continue
        # "--opt=value" keeps values that begin with "-" from being read as options, sometimes.
        if option is None:
            argv.append(value)
        elif r.random() < 0.5:
            argv.append(f"{option}={value}")
        else:
            argv += [option, value]
    if command in NEEDS_STORE and not any(a.startswith("--store") for a in argv) and \
            not any(a.startswith("--data") for a in argv):
        argv.append(f"--store={fz.home / 'S'}")
    if command in ("build", "validate"):
        argv.append("--no-owl")  # HermiT needs Java and seconds per case; its options are still fuzzed
    if command == "build" and not any(a.startswith("--data") for a in argv):
        argv.append("--no-validate")
    return argv


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a store S, a damaged store, a plain file, a non-store folder and an output folder."""
    home = tmp_path_factory.mktemp("fuzz")
    assert main(["build", "--store", str(home / "S"), "--no-owl", "--no-validate"]) == 0
    shutil.copytree(home / "S", home / "damaged")
    for sst in (home / "damaged").glob("*.sst"):
        with open(sst, "r+b") as fh:
            fh.truncate(64)
    (home / "file").write_text("a plain file\n")
    (home / "notastore").mkdir()
    (home / "notastore" / "keep").write_text("k")
    (home / "outdir").mkdir()
    return home


def run_in_process(argv: list[str], capfd: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse: usage errors (2), --help (0)
        code = exc.code if isinstance(exc.code, int) else 2
    out = capfd.readouterr()
    return code, out.err


def test_fuzz_in_process(home: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(home)
    for name in ("TIPGRAPH_MAX_INPUT_MB", "TIPGRAPH_MAX_TRIPLES_PER_KIB"):
        monkeypatch.delenv(name, raising=False)
    fz = Fuzz(random.Random(SEED), home)
    failures = []
    codes: dict[int, int] = {}
    tried: set[str] = set()
    for _ in range(IN_PROCESS_CASES):
        argv = make_case(fz)
        tried.add(argv[0])
        code, err = run_in_process(argv, capfd)
        codes[code] = codes.get(code, 0) + 1
        if code not in ALLOWED or "Traceback" in err:
            failures.append(f"{argv!r} -> {code}\n{err[-600:]}")
    assert not failures, f"{len(failures)} of {IN_PROCESS_CASES} cases failed:\n\n" + "\n\n".join(failures[:8])
    # The fuzz reaches past argument checking: successes, usage errors and bad input all occur.
    assert codes.get(0, 0) > 10 and codes.get(2, 0) > 10 and codes.get(4, 0) > 10, codes
    assert tried == set(COMMANDS), set(COMMANDS) - tried
    assert (home / "notastore" / "keep").read_text() == "k" and (home / "file").read_text() == "a plain file\n"
    assert os.path.exists(os.devnull) and not os.path.isfile(os.devnull)


def test_fuzz_subprocess_raw_bytes(home: Path) -> None:
    """Raw bytes in argv, as a shell passes them (not valid UTF-8), through the real entry point."""
    rnd = random.Random(SEED + 1)
    env = dict(os.environ, PYTHONWARNINGS="ignore", PYTHONPATH=str(REPO / "src"))
    picks: list[Callable[[bytes], list[bytes]]] = [
        lambda b: [b"query", b"-e", b"SELECT * WHERE { ?s ?p \"" + b + b"\" }", b"--store", b"S"],
        lambda b: [b"query", b, b"--store", b"S"],
        lambda b: [b"map", b"-", b"--focus", b, b"--store", b"S"],
        lambda b: [b"export", b"f-" + b.replace(b"/", b"_") + b".trig", b"--store", b"S"],
        lambda b: [b"query", b"active-in-country", b"-p", b"country=" + b, b"--store", b"S"],
        lambda b: [b"stats", b"--top", b, b"--store", b"S"],
    ]
    assert len(picks) == SUBPROCESS_CASES
    for make in picks:
        raw = bytes(rnd.choice([0x80, 0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x80, 0xae, 0x41, 0x0a]) for _ in range(12))
        argv = make(raw)
        out = subprocess.run([sys.executable, "-m", "tipgraph.cli", *argv], capture_output=True, cwd=home,
                             env=env, timeout=120)
        err = out.stderr.decode("utf-8", "backslashreplace")
        assert out.returncode in ALLOWED, f"{argv!r} -> {out.returncode}\n{err}"
        assert "Traceback" not in err, err
