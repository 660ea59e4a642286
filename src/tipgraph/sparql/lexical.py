"""Lexical inspection of SPARQL text: keywords outside strings, IRIs, names and comments.

The safety rules must hold for every engine, and the engines do not read quite the
same language, so the text is read several ways (:data:`READINGS`) and a keyword counts
when *any* reading finds it outside a string, an IRI, a comment, a variable, a blank
node label or a prefixed name:

* Oxigraph reads the text as written: ``\\uXXXX`` escapes only inside IRIs and strings,
  ``\\#`` (PN_LOCAL_ESC) in local names, a comment ends at ``\\r`` as well as ``\\n``, and a
  keyword needs no word boundary (``SERVICESILENT<x>`` is ``SERVICE SILENT <x>``);
* rdflib first decodes every ``\\uXXXX`` / ``\\UXXXXXXXX`` (its own regex: ``\\u`` or ``\\U``
  with 4 or 8 hex digits) in the whole text, a comment ends only at ``\\n``, and a keyword
  compares by ``str.upper`` (``ſERVICE`` is ``SERVICE``);
* the SPARQL 1.1 grammar (§19.2 codepoint escapes, §19.8 terminals) with both comment ends.

Between those tokens a forbidden keyword counts wherever it appears, also glued to
other letters or digits (``trueSERVICE``, ``1SERVICE``), and a prefix that contains
one is refused too (``SERVICE:ep {`` is a SERVICE call to ``:ep`` for Oxigraph). A
reading that leaves a backslash or a quote outside every token cannot be trusted at
all: then the keyword counts anywhere in the text.

>>> [k for k, _, _ in keywords('SELECT * { ?s ?p "SERVICE" } # FROM')]
['SELECT']
>>> [k for k, _, _ in forbidden_keywords('SELECT * { \\\\u0053ERVICE <x> {} }', NETWORK_KEYWORDS)]
['SERVICE']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

#: Keywords that reach outside the store (network or file system).
NETWORK_KEYWORDS = frozenset({"SERVICE", "FROM"})
#: Keywords that only SPARQL Update uses; tipgraph queries are read-only.
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY"})

# SPARQL 1.1 §19.8 character classes (for a regex character set).
_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
         "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_CHARS_U = _BASE + "_"
_VARCHARS = _CHARS_U + "0-9\u00b7\u0300-\u036f\u203f-\u2040"
_CHARS = _VARCHARS + r"\-"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_HIDING = frozenset({"comment", "string", "iri", "var", "bnode", "pname"})


@dataclass(frozen=True)
class Reading:
    """One way an engine reads SPARQL text.

    ``decode`` is ``None`` (escapes stay as written), ``"rdflib"`` or ``"spec"``;
    ``comment_end`` the characters that end a ``#`` comment; ``uchar`` whether
    ``\\uXXXX`` escapes may appear inside IRIs and strings; ``rdflib_strings`` whether
    strings and local-name escapes follow rdflib's regexes instead of the grammar.
    """

    name: str
    decode: str | None
    comment_end: str
    uchar: bool
    rdflib_strings: bool = False


#: Every reading the safety check applies; a keyword found by any of them counts.
READINGS: tuple[Reading, ...] = (
    Reading("oxigraph", None, "\r\n", uchar=True),
    Reading("oxigraph, comments to LF", None, "\n", uchar=True),
    Reading("rdflib", "rdflib", "\n", uchar=False, rdflib_strings=True),
    Reading("rdflib, comments to CR or LF", "rdflib", "\r\n", uchar=False, rdflib_strings=True),
    Reading("SPARQL 1.1", "spec", "\r\n", uchar=False),
    Reading("SPARQL 1.1, comments to LF", "spec", "\n", uchar=False),
)

_DECODERS = {
    # rdflib.plugins.sparql.parser.expandUnicodeEscapes: \u or \U, 4 or 8 hex digits.
    "rdflib": re.compile(r"\\u([0-9a-f]{4}(?:[0-9a-f]{4})?)", re.IGNORECASE),
    # SPARQL 1.1 §19.2: \u with 4, \U with 8 hex digits.
    "spec": re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})"),
}


@cache
def _lexicon(comment_end: str, uchar: bool, rdflib_strings: bool) -> re.Pattern[str]:
    ends = comment_end.replace("\r", r"\r").replace("\n", r"\n")
    esc = "|" + _UCHAR if uchar else ""
    if rdflib_strings:  # rdflib.plugins.sparql.parser's own string regexes
        strings = (r"""'''(?:(?:'|'')?(?:[^'\\]|\\['ntbrf\\]))*'''"""
                   r'''|"""(?:(?:"|"")?(?:[^"\\]|\\["ntbrf\\]))*"""'''
                   r"""|'(?:[^'\n\r\\]|\\['ntbrf\\])*'(?!')"""
                   r'''|"(?:[^"\n\r\\]|\\["ntbrf\\])*"(?!")''')
        local_esc = r"""\\[_~.\-!$&"'()*+,;=/?#@%]"""
    else:
        echar = r"""\\[tbnrf\\"']""" + esc
        strings = (rf"""'''(?:(?:'|'')?(?:[^'\\]|{echar}))*'''"""
                   rf'''|"""(?:(?:"|"")?(?:[^"\\]|{echar}))*"""'''
                   rf"""|'(?:[^'\n\r\\]|{echar})*'"""
                   rf'''|"(?:[^"\n\r\\]|{echar})*"''')
        local_esc = r"""\\[_~.\-!$&'()*+,;=/?#@%]"""
    plx = rf"%[0-9A-Fa-f]{{2}}|{local_esc}"
    prefix = rf"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
    local = rf"(?:[{_CHARS_U}:0-9]|{plx})(?:(?:[{_CHARS}.:]|{plx})*(?:[{_CHARS}:]|{plx}))?"
    # Alternatives are tried in this order at each position, as a longest-match lexer would.
    return re.compile(
        rf"""
          (?P<ws>[\x20\t\r\n]+)
        | (?P<comment>\#[^{ends}]*)
        | (?P<string>{strings})
        | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]{esc})*>)
        | (?P<var>[?$][{_VARCHARS}]+)
        | (?P<bnode>_:[{_CHARS_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)
        | (?P<pname>(?:{prefix})?:(?:{local})?)
        | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
        | (?P<word>[^\W\d]\w*)
        | (?P<lparen>\()
        | (?P<rparen>\))
        | (?P<lbrace>\{{)
        | (?P<punct>.)
        """,
        re.VERBOSE | re.DOTALL,
    )


def decode(text: str, style: str | None) -> tuple[str, list[int]]:
    r"""``text`` with its codepoint escapes decoded as ``style`` does, and for each
    character of the result (plus one past the end) its offset in ``text``.

    >>> decode(r"a\u0042c", "spec")
    ('aBc', [0, 1, 7, 8])
    """
    if style is None:
        return text, list(range(len(text) + 1))
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _DECODERS[style].finditer(text):
        digits = m.group(1) or m.group(2)
        code = int(digits, 16)
        if code > 0x10FFFF:  # the engine refuses the query; keep the text as written
            continue
        out.append(text[pos:m.start()])
        offsets.extend(range(pos, m.start()))
        out.append(chr(code))
        offsets.append(m.start())
        pos = m.end()
    out.append(text[pos:])
    offsets.extend(range(pos, len(text) + 1))
    return "".join(out), offsets


def _scan(text: str, reading: Reading) -> Iterator[tuple[str, str, int]]:
    lexicon = _lexicon(reading.comment_end, reading.uchar, reading.rdflib_strings)
    for m in lexicon.finditer(text):
        kind = m.lastgroup
        assert kind is not None
        yield kind, m.group(), m.start()


def tokens(sparql: str) -> list[tuple[str, str, int]]:
    """(kind, text, offset) for every significant token as Oxigraph reads the text;
    comments and whitespace dropped.

    Kinds: ``string``, ``iri``, ``var``, ``bnode``, ``pname``, ``number``, ``word``,
    ``lparen``, ``rparen``, ``lbrace`` and ``punct`` (any other single character).

    >>> [k for k, _, _ in tokens("SELECT ?x { <a> ex:b 'c' } # d")]
    ['word', 'var', 'lbrace', 'iri', 'pname', 'string', 'punct']
    """
    return list(_tokens(sparql))


@lru_cache(maxsize=512)
def _tokens(sparql: str) -> tuple[tuple[str, str, int], ...]:
    """:func:`tokens`, kept for the texts seen last (named queries are read again and again)."""
    return tuple((k, t, off) for k, t, off in _scan(sparql, READINGS[0]) if k not in ("ws", "comment"))


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text`` (lines end at LF)."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def keywords(sparql: str) -> list[tuple[str, int, int]]:
    """Bare words in upper case with their line and column (1-based), as Oxigraph reads them."""
    return [(text.upper(), *line_col(sparql, off)) for kind, text, off in tokens(sparql) if kind == "word"]


def _upper(text: str) -> str:
    """``text`` upper-cased character by character, keeping its length (so offsets hold).

    pyparsing compares keywords by ``str.upper``: ``ſ`` (U+017F) reads as ``S`` and
    ``ı`` (U+0131) as ``I``.

    >>> _upper("ſervıce")
    'SERVICE'
    """
    if text.isascii():
        return text.upper()
    out = []
    for c in text:
        u = c.upper()
        out.append(u if len(u) == 1 else c)
    return "".join(out)


@cache
def _finder(words: frozenset[str]) -> re.Pattern[str]:
    return re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True)))


@dataclass(frozen=True)
class Finding:
    """A forbidden keyword: which, where in the original text, and which reading saw it."""

    word: str
    offset: int
    end: int
    reading: str
    anywhere: bool = False  # found by the untrusting search (the text has an unreadable part)


@lru_cache(maxsize=32)
def _readings(sparql: str) -> tuple[tuple[Reading, str, list[int], list[tuple[str, str, int]]], ...]:
    """Each distinct reading of ``sparql``: the text it reads, offsets back, its tokens."""
    seen = set()
    out = []
    for reading in READINGS:
        text, offsets = decode(sparql, reading.decode if "\\" in sparql else None)
        key = (text, reading.comment_end if "\r" in text else "\n", reading.uchar and "\\" in text,
               reading.rdflib_strings)
        if key not in seen:
            seen.add(key)
            out.append((reading, text, offsets, list(_scan(text, reading))))
    return tuple(out)


def _unsure(toks: list[tuple[str, str, int]]) -> int | None:
    """Offset of the first backslash or quote outside every token (an unreadable part)."""
    return next((off for kind, tok, off in toks if kind == "punct" and tok in "\\\"'"), None)


def findings(sparql: str, words: frozenset[str]) -> list[Finding]:
    """Every place where some reading sees one of ``words`` as a keyword, first first.

    >>> [(f.word, f.offset) for f in findings("SELECT * WHERE { # c\\rSERVICE <x> {} }", NETWORK_KEYWORDS)]
    [('SERVICE', 21)]
    """
    found: dict[tuple[str, int], Finding] = {}
    if not words:
        return []
    finder = _finder(words)
    in_prefix = _finder(words & NETWORK_KEYWORDS) if words & NETWORK_KEYWORDS else None

    def search(rx: re.Pattern[str], up: str, start: int, end: int, offsets: list[int], reading: Reading,
               anywhere: bool = False) -> None:
        for m in rx.finditer(up, start, end):
            key = (m.group(), offsets[m.start()])
            found.setdefault(key, Finding(m.group(), key[1], offsets[m.end()], reading.name, anywhere))

    texts = _readings(sparql)
    for reading, text, offsets, toks in texts:
        up = _upper(text)
        previous = ""
        gap = 0  # start of the text since the last hiding token: code, searched as a whole
        for kind, tok, off in [*toks, ("comment", "", len(text))]:
            if kind not in _HIDING:
                if kind != "ws":
                    previous = up[off:off + len(tok)] if kind == "word" else ""
                continue
            search(finder, up, gap, off, offsets, reading)
            gap = off + len(tok)
            declared = previous == "PREFIX" and tok.endswith(":")  # PREFIX service: <...> names no call
            if kind == "pname" and not declared and in_prefix is not None:
                search(in_prefix, up, off, off + tok.index(":"), offsets, reading)
            if kind != "comment":
                previous = ""
    if any(_unsure(toks) is not None for _, _, _, toks in texts):
        for reading, text, offsets, _ in texts:
            search(finder, _upper(text), 0, len(text), offsets, reading, anywhere=True)
    return sorted(found.values(), key=lambda f: (f.offset, f.anywhere, f.word))


def unreadable_at(sparql: str) -> tuple[int, int] | None:
    """Line and column of the first backslash or quote that some reading leaves outside
    every token (so that reading cannot be trusted), or ``None``.

    >>> unreadable_at("SELECT * { ?s ?p 'a } ")
    (1, 18)
    """
    offs = [offsets[at] for _, _, offsets, toks in _readings(sparql) if (at := _unsure(toks)) is not None]
    return line_col(sparql, min(offs)) if offs else None


def forbidden_keywords(sparql: str, words: frozenset[str]) -> list[tuple[str, int, int]]:
    """The keywords of ``words`` that some reading sees, with line and column in ``sparql``."""
    return [(f.word, *line_col(sparql, f.offset)) for f in findings(sparql, words)]


def projected_variables(sparql: str) -> list[str] | None:
    """Names the outermost SELECT projects; ``None`` for ``SELECT *`` or a non-SELECT query.

    >>> projected_variables("SELECT ?a (COUNT(?b) AS ?n) WHERE { ?a ?p ?b } GROUP BY ?a")
    ['a', 'n']
    """
    names = _projected(sparql)
    return None if names is None else list(names)


@lru_cache(maxsize=256)
def _projected(sparql: str) -> tuple[str, ...] | None:
    toks = tokens(sparql)
    start = next((i for i, (k, t, _) in enumerate(toks) if k == "word" and t.upper() == "SELECT"), None)
    if start is None:
        return None
    names: list[str] = []
    depth = 0
    after_as = False
    for kind, text, _ in toks[start + 1:]:
        if kind == "lbrace" or (kind == "word" and text.upper() == "WHERE" and depth == 0):
            break
        if kind == "lparen":
            depth += 1
        elif kind == "rparen":
            depth -= 1
        elif kind == "word" and text.upper() == "AS":
            after_as = True
        elif kind == "var" and (depth == 0 or after_as):
            names.append(text[1:])
            after_as = False
    if not names and re.search(r"SELECT\s+(DISTINCT\s+|REDUCED\s+)?\*", sparql, re.IGNORECASE):
        return None
    return tuple(names)


def add_to_projection(sparql: str, names: list[str]) -> str:
    """Insert ``?name`` for each name right after the outermost ``SELECT [DISTINCT|REDUCED]``.

    Only variable names (validated) are inserted, never values.

    >>> add_to_projection("SELECT DISTINCT ?a WHERE { ?a ?p ?b }", ["b"])
    'SELECT DISTINCT ?b ?a WHERE { ?a ?p ?b }'
    """
    for n in names:
        if not re.fullmatch(r"[A-Za-z_][\w]*", n):
            raise ValueError(f"not a SPARQL variable name: {n!r}")
    toks = tokens(sparql)
    for i, (kind, text, off) in enumerate(toks):
        if kind == "word" and text.upper() == "SELECT":
            end = off + len(text)
            if i + 1 < len(toks) and toks[i + 1][0] == "word" and toks[i + 1][1].upper() in {"DISTINCT", "REDUCED"}:
                end = toks[i + 1][2] + len(toks[i + 1][1])
            insert = "".join(f" ?{n}" for n in names)
            return sparql[:end] + insert + sparql[end:]
    raise ValueError("no SELECT clause to extend")


def header_comment(sparql: str) -> str:
    """The leading ``#`` comment block of a named query, as plain text (its question)."""
    lines = []
    for line in sparql.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        lines.append(stripped.lstrip("#").strip())
    return "\n".join(lines).strip()
