"""Lexical inspection of SPARQL text: keywords outside strings, IRIs and comments.

The same check must hold for every engine (rdflib's and Oxigraph's parsers accept
slightly different languages), so the safety rules look at SPARQL *tokens* rather
than at one engine's parse tree. A keyword inside a string, an IRI, a comment, a
variable name or a prefixed name is not a keyword.

>>> [k for k, _, _ in keywords('SELECT * { ?s ?p "SERVICE" } # FROM')]
['SELECT']
"""

from __future__ import annotations

import re

_TOKENS = re.compile(
    r'''
      (?P<comment>\#[^\n]*)
    | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
                 |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00b7-\uffff]+)
    | (?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\-\u00b7-\uffff]*)?:[\w.\-:%\u00b7-\uffff]*)
    | (?P<word>[A-Za-z_][\w]*)
    | (?P<lparen>\()
    | (?P<rparen>\))
    | (?P<lbrace>\{)
    ''',
    re.VERBOSE | re.DOTALL,
)

#: Keywords that reach outside the store (network or file system).
NETWORK_KEYWORDS = frozenset({"SERVICE", "FROM"})
#: Keywords that only SPARQL Update uses; tipgraph queries are read-only.
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY"})


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def tokens(sparql: str) -> list[tuple[str, str, int]]:
    """(kind, text, offset) for every significant token, comments and whitespace dropped."""
    out = []
    for m in _TOKENS.finditer(sparql):
        kind = m.lastgroup
        if kind == "comment" or kind is None:
            continue
        out.append((kind, m.group(), m.start()))
    return out


def keywords(sparql: str) -> list[tuple[str, int, int]]:
    """Bare words in upper case with their line and column (1-based)."""
    return [(text.upper(), *_line_col(sparql, off)) for kind, text, off in tokens(sparql) if kind == "word"]


def forbidden_keywords(sparql: str, words: frozenset[str]) -> list[tuple[str, int, int]]:
    """The keywords of ``words`` that occur, with line and column."""
    return [k for k in keywords(sparql) if k[0] in words]


def projected_variables(sparql: str) -> list[str] | None:
    """Names the outermost SELECT projects; ``None`` for ``SELECT *`` or a non-SELECT query.

    >>> projected_variables("SELECT ?a (COUNT(?b) AS ?n) WHERE { ?a ?p ?b } GROUP BY ?a")
    ['a', 'n']
    """
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
        elif kind == "var":
            if depth == 0 or after_as:
                names.append(text[1:])
                after_as = False
    if not names and re.search(r"SELECT\s+(DISTINCT\s+|REDUCED\s+)?\*", sparql, re.IGNORECASE):
        return None
    return names


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
