r"""Rows of a SPARQL TSV answer as plain strings, decoded a piece at a time.

An engine that writes its answer as TSV (SPARQL 1.1 Query Results TSV) does all of its work
in one call, which for Oxigraph runs without Python's lock; reading the rows out of it then
costs one split per line for the rows whose cells are all IRIs, and the text is decoded a
piece at a time, so that the rows of a million-row answer never all exist at once.

Each cell is given as :meth:`Store.select_strings` gives it: an IRI as itself, a literal as
its lexical form (its language tag and datatype left off), a blank node as its label, None
where the variable is unbound.

>>> list(TsvRows(b'?s\t?o\n<urn:a>\t"x\\ty"@en\n_:b1\t\n<urn:a>\t<urn:b>\n'))
[('urn:a', 'x\ty'), ('b1', None), ('urn:a', 'urn:b')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["TsvRows", "tsv_cell"]

#: how much of the answer is decoded at a time (bytes, cut at the end of a line)
PIECE = 1 << 20
_ESCAPE = re.compile(r"\\(.)")
_UNESCAPED = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "\\": "\\"}


def tsv_cell(cell: str) -> str | None:
    r"""One TSV cell as a plain string.

    >>> [tsv_cell(c) for c in ['<urn:a>', '_:b0', '"a \\"b\\""@en', '"5"^^<urn:t>', '12', '']]
    ['urn:a', 'b0', 'a "b"', '5', '12', None]
    """
    if not cell:
        return None
    first = cell[0]
    if first == "<" and not cell.startswith("<<"):
        return cell[1:-1]
    if first == '"':
        text = cell[1:cell.rindex('"')]
        return _ESCAPE.sub(lambda m: _UNESCAPED.get(m.group(1), m.group(0)), text) if "\\" in text else text
    if cell.startswith("_:"):
        return cell[2:]
    return cell  # a number or a boolean written bare; a triple term in its TSV syntax


class TsvRows:
    r"""The rows of one TSV answer (``data``: its bytes, header line first), read once or more.

    >>> rows = TsvRows(b'?a\t?b\n<urn:x>\t<urn:y>\n\t7\n')
    >>> list(rows), rows.variables
    ([('urn:x', 'urn:y'), (None, '7')], ['a', 'b'])
    """

    def __init__(self, data: bytes) -> None:
        self._data = data
        end = data.find(b"\n")
        header = (data if end < 0 else data[:end]).decode("utf-8")
        #: the answer's variables, in order
        self.variables = [v[1:] for v in header.split("\t")] if header else []
        self._start = len(data) if end < 0 else end + 1

    def __iter__(self) -> Iterator[tuple[str | None, ...]]:
        data, n = self._data, len(self.variables)
        view = memoryview(data)
        start, size = self._start, len(data)
        while start < size:
            # a piece ends at a line's end: every row ends with a newline, the last one too
            end = data.find(b"\n", min(start + PIECE, size - 1))
            if end < 0:
                end = size
            lines = str(view[start:end], "utf-8").split("\n")
            start = end + 1
            if n == 0:
                yield from (() for _ in lines)
                continue
            for line in lines:
                # every tab is between two IRIs: the row is its IRIs, split once (a literal,
                # a blank node, a bare number or an unbound cell leaves some tab elsewhere)
                if line[:1] == "<" and line[-1:] == ">" and "<<" not in line:
                    cells = line[1:-1].split(">\t<")
                    if len(cells) == n:
                        yield tuple(cells)
                        continue
                yield tuple(tsv_cell(c) for c in line.split("\t"))
