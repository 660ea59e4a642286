"""Where in the source files a statement was written: ``file:line`` for validation messages.

Oxigraph's parser gives no position per triple, so the files are read a second time, here, with
a small Turtle/TriG scanner that keeps line numbers: prefixes are expanded, ``;`` and ``,``
lists, ``[ ... ]`` and ``( ... )`` are followed, and every statement is indexed by subject and
predicate with the line of its predicate and of each object. It only ever runs on files that
Oxigraph has already parsed, and only when there is something to report; a file it cannot
follow gets no locations (the message still names the node), never an error.

>>> import tempfile, os
>>> text = '@prefix tg: <https://w3id.org/tipgraph/ontology#> .\\n<urn:e> a tg:Event ;\\n  tg:heldIn <urn:p> .\\n'
>>> with tempfile.TemporaryDirectory() as d:
...     path = os.path.join(d, "x.ttl")
...     _ = open(path, "w").write(text)
...     index = SourceIndex([path])
...     index.locate(URIRef("urn:e"), URIRef(TG_NS + "heldIn"), URIRef("urn:p"))[0].endswith("x.ttl:3")
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from rdflib import Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from tipgraph.resources import TG_NS

__all__ = ["TG_NS", "SourceIndex"]

_TOKEN = re.compile(
    r'''
      (?P<ws>[ \t\r\n]+)
    | (?P<comment>\#[^\n]*)
    | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
                 |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<dtype>\^\^)
    | (?P<bnode>_:[\w\-.]*[\w\-])
    | (?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
    | (?P<pname>(?:[A-Za-z\u00c0-\uffff][\w\-.\u00b7-\uffff]*)?:
                (?:[\w\-:%\u00b7-\uffff]|\\.|\.(?=[\w\-:%\u00b7-\uffff]))*)
    | (?P<word>[A-Za-z][\w]*)
    | (?P<punct>[.;,\[\]{}()])
    ''',
    re.VERBOSE | re.DOTALL,
)

_BOOLEANS = {"true", "false"}


@dataclass
class _Tok:
    kind: str
    text: str
    line: int


@dataclass
class _FileIndex:
    path: str
    #: (subject, predicate) -> [(object key, line)]; the predicate's line when the object has none.
    statements: dict[tuple[str, str], list[tuple[str, int]]] = field(default_factory=dict)
    #: subject -> first line it starts a statement on
    subjects: dict[str, int] = field(default_factory=dict)
    #: any IRI -> first line it appears on
    mentions: dict[str, int] = field(default_factory=dict)


def _key(term: Node | None) -> str:
    """How a term is compared: an IRI as itself, a literal by its lexical form."""
    if isinstance(term, Literal):
        return "L" + str(term)
    return "I" + str(term)


class SourceIndex:
    """The statements of some RDF files with their lines, read lazily, for :meth:`locate`."""

    def __init__(self, paths: Iterable[str | Path]) -> None:
        self.paths = [str(p) for p in paths]
        self._files: list[_FileIndex] | None = None

    def _index(self) -> list[_FileIndex]:
        if self._files is None:
            self._files = []
            for path in self.paths:
                try:
                    text = Path(path).read_text(encoding="utf-8")
                    self._files.append(_scan(path, text))
                except (OSError, UnicodeDecodeError, _ScanError, IndexError):
                    continue  # not a Turtle-family file we can follow: no locations from it
        return self._files

    def locate(self, subject: Node | None, predicate: Node | None = None,
               obj: Node | None = None) -> list[str]:
        """``["file:line", ...]`` where ``subject predicate obj`` was written (best match first).

        Tried in order: the exact statement; the subject with that predicate; the subject
        starting a statement; any mention of the subject. Blank nodes are never located.
        """
        if not isinstance(subject, URIRef):
            return []
        s = _key(subject)
        for finder in (
            lambda f: [ln for o, ln in f.statements.get((s, _key(predicate)), []) if o == _key(obj)]
            if predicate is not None and obj is not None else [],
            lambda f: [ln for _, ln in f.statements.get((s, _key(predicate)), [])[:1]]
            if predicate is not None else [],
            lambda f: [f.subjects[s]] if s in f.subjects else [],
            lambda f: [f.mentions[s]] if s in f.mentions else [],
        ):
            found = [f"{f.path}:{ln}" for f in self._index() for ln in finder(f)]
            if found:
                return found
        return []


class _ScanError(Exception):
    pass


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    line, pos = 1, 0
    for m in _TOKEN.finditer(text):
        if m.start() != pos:
            raise _ScanError(f"unexpected text at line {line}")
        pos = m.end()
        kind = m.lastgroup or ""
        tok = m.group()
        if kind not in ("ws", "comment"):
            out.append(_Tok(kind, tok, line))
        line += tok.count("\n")
    if pos != len(text):
        raise _ScanError(f"unexpected text at line {line}")
    return out


def _unquote(s: str) -> str:
    body = s[3:-3] if s[:3] in ('"""', "'''") else s[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), body)


def _scan(path: str, text: str) -> _FileIndex:
    """Index one Turtle or TriG file (N-Triples and N-Quads are Turtle/TriG subsets here)."""
    toks = _tokens(text)
    idx = _FileIndex(path)
    prefixes: dict[str, str] = {}
    base = Path(path).resolve().as_uri()
    i = 0
    bnodes = 0

    def peek(k: int = 0) -> _Tok | None:
        return toks[i + k] if i + k < len(toks) else None

    def take() -> _Tok:
        nonlocal i
        tok = toks[i]
        i += 1
        return tok

    def iri_of(tok: _Tok) -> str:
        if tok.kind == "iri":
            return urljoin(base, tok.text[1:-1])
        prefix, _, local = tok.text.partition(":")
        if prefix not in prefixes:
            raise _ScanError(f"undeclared prefix {prefix!r}")
        return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)

    def mention(key: str, line: int) -> None:
        idx.mentions.setdefault(key, line)

    def term() -> tuple[str, int]:
        """One term (subject or object); returns (key, line). Nested structures are indexed."""
        nonlocal bnodes
        tok = take()
        if tok.kind in ("iri", "pname"):
            key = "I" + iri_of(tok)
            mention(key, tok.line)
            return key, tok.line
        if tok.kind == "bnode":
            return "B" + tok.text, tok.line
        if tok.kind == "string":
            value = _unquote(tok.text)
            nxt = peek()
            if nxt is not None and nxt.kind == "lang":
                take()
            elif nxt is not None and nxt.kind == "dtype":
                take()
                term()
            return "L" + value, tok.line
        if tok.kind == "number":
            return "L" + tok.text, tok.line
        if tok.kind == "word" and tok.text in _BOOLEANS:
            return "L" + tok.text, tok.line
        if tok.text == "[":
            bnodes += 1
            node = f"B[{bnodes}]"
            nxt = peek()
            if nxt is not None and nxt.text != "]":
                predicate_objects(node)
            if take().text != "]":
                raise _ScanError("expected ]")
            return node, tok.line
        if tok.text == "(":
            bnodes += 1
            while (nxt := peek()) is not None and nxt.text != ")":
                term()
            take()
            return f"B({bnodes})", tok.line
        raise _ScanError(f"unexpected {tok.text!r} on line {tok.line}")

    def predicate_objects(subject: str) -> None:
        while True:
            tok = take()
            if tok.kind == "word" and tok.text == "a":
                pred = "I" + str(RDF.type)
            elif tok.kind in ("iri", "pname"):
                pred = "I" + iri_of(tok)
                mention(pred, tok.line)
            else:
                raise _ScanError(f"expected a predicate on line {tok.line}")
            while True:
                obj, line = term()
                idx.statements.setdefault((subject, pred), []).append((obj, line))
                nxt = peek()
                if nxt is not None and nxt.text == ",":
                    take()
                    continue
                break
            # one or more ';' (a trailing ';' is allowed before '.', ']' or '}')
            saw = False
            while (nxt := peek()) is not None and nxt.text == ";":
                take()
                saw = True
            nxt = peek()
            if not saw or nxt is None or nxt.text in (".", "]", "}"):
                return

    def directive() -> bool:
        tok = peek()
        if tok is None:
            return False
        word = tok.text.lower()
        if word in ("@prefix", "prefix"):
            take()
            name = take().text
            prefixes[name[:-1]] = iri_of(take())
            if word.startswith("@"):
                take()  # '.'
            return True
        if word in ("@base", "base"):
            nonlocal base
            take()
            base = iri_of(take())
            if word.startswith("@"):
                take()
            return True
        return False

    def triples() -> None:
        subject, line = term()
        idx.subjects.setdefault(subject, line)
        nxt = peek()
        if subject.startswith("B[") and (nxt is None or nxt.text in (".", "}")):
            pass  # [ ... ] . on its own
        else:
            predicate_objects(subject)

    while (tok := peek()) is not None:
        if directive():
            continue
        if tok.kind == "word" and tok.text.upper() == "GRAPH":
            take()
            continue
        if tok.text == "{":
            take()
            continue
        if tok.text in ("}", "."):
            take()
            continue
        # A graph name followed by '{' is not a subject.
        nxt = peek(1)
        if tok.kind in ("iri", "pname", "bnode") and nxt is not None and nxt.text == "{":
            term()
            continue
        triples()
    return idx

