"""Reading a release from a file: plain text or a saved web page, checked before anything trusts it.

Plain text must be UTF-8 (a byte-order mark is dropped); a saved HTML page is reduced to its
main text with trafilatura, offline (nothing the page points at is fetched), and its title,
date and address are taken from the page's metadata when it has them. The language is
detected with py3langid so a release in another language is said to be one, not misread.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "r.txt"
>>> _ = p.write_text("Almaty, Kazakhstan – On 9 March 2025, UNODC organized a training workshop "
...                  "for police officers on the investigation of trafficking cases.", encoding="utf-8")
>>> r = read_release(p)
>>> r.language, r.text[:6]
('en', 'Almaty')
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import BadInputError, InputLimitError
from .candidates import Release

__all__ = ["MAX_BYTES", "TEXT_SUFFIXES", "HTML_SUFFIXES", "detect_language", "read_release"]

#: The largest file read (a long release is some tens of kilobytes; a saved page a few megabytes).
MAX_BYTES = 5_000_000
#: The longest main text kept, in characters.
MAX_CHARS = 200_000
TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language ``text`` is written in ("en" for short or empty text).

    >>> detect_language("Le ministère de l'Intérieur a organisé un atelier de formation à Dakar.")
    'fr'
    """
    sample = " ".join(text.split())[:5000]
    if len(sample) < 40:
        return "en"
    import py3langid

    lang, _score = py3langid.classify(sample)
    return str(lang)


def _decode(data: bytes, path: str) -> str:
    if b"\x00" in data[:65536]:
        raise BadInputError("this is a binary file, not a text or HTML release", path=path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise BadInputError(f"not UTF-8 text (byte {exc.start}); save the release as UTF-8",
                            path=path, line=line) from None
    controls = len(_CONTROL.findall(text[:65536]))
    if controls > 8:
        raise BadInputError("this looks like a binary file (control characters), not a release", path=path)
    return text


def _from_html(html: str, path: str) -> tuple[str, str, str, str]:
    """Main text, title, date and address of a saved page; no network access."""
    import trafilatura
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # signals are not ours to set
    body = trafilatura.extract(html, include_comments=False, include_tables=True, include_links=False,
                               include_images=False, favor_precision=False, deduplicate=False,
                               with_metadata=False, config=config)
    if not body:
        # very short pages fall below trafilatura's minimum: take the readable text with lxml
        import lxml.html

        try:
            tree = lxml.html.fromstring(html)
        except Exception as exc:  # lxml raises several unrelated classes for garbage
            raise BadInputError(f"this HTML page cannot be parsed: {exc}", path=path) from None
        for bad in tree.xpath("//script|//style|//noscript"):
            bad.drop_tree()
        body = "\n".join(t.strip() for t in tree.itertext() if t.strip())
    title = date = url = ""
    meta = trafilatura.extract_metadata(html)
    if meta is not None:
        title = meta.title or ""
        date = meta.date or ""
        url = meta.url or ""
    return body, title, date, url


def read_release(path: str | Path, *, url: str | None = None, published: str | None = None,
                 publisher: str | None = None) -> Release:
    """Read one release: its main text and what it says about itself.

    Raises :class:`~tipgraph.errors.BadInputError` (naming the file) for a file that is
    missing, binary, not UTF-8, over :data:`MAX_BYTES`, of an unknown type or without text.
    ``published`` must be an ISO date (``YYYY-MM-DD``).
    """
    p = Path(path)
    name = str(p)
    if not p.is_file():
        raise BadInputError("no such file", path=name)
    suffix = p.suffix.lower()
    if suffix not in TEXT_SUFFIXES + HTML_SUFFIXES:
        raise BadInputError(f"cannot read a {suffix or 'suffix-less'} file as a release: give a .txt or a saved "
                            ".html page", path=name)
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise InputLimitError(f"{size} bytes is over the {MAX_BYTES}-byte limit for a release", path=name)
    if published is not None and not _DATE.match(published):
        raise BadInputError(f"--published must be a date like 2025-03-09, not {published!r}", path=name)
    raw = _decode(p.read_bytes(), name)
    title = date = page_url = ""
    if suffix in HTML_SUFFIXES:
        text, title, date, page_url = _from_html(raw, name)
    else:
        text = raw
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    if not text.strip():
        raise BadInputError("the release has no text", path=name)
    if len(text) > MAX_CHARS:
        raise InputLimitError(f"the main text has {len(text)} characters, over the {MAX_CHARS} limit", path=name)
    if date and not _DATE.match(date):
        date = ""
    return Release(path=name, text=text, title=title, url=url or page_url, published=published or date,
                   publisher=publisher or "", language=detect_language(text))
