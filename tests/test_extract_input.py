"""Hostile and unusual input: binary, huge, not UTF-8, another language, saved web pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tipgraph.errors import BadInputError, InputLimitError
from tipgraph.extract import text as text_mod
from tipgraph.extract.candidates import Value
from tipgraph.extract.index import EntityIndex
from tipgraph.extract.pipeline import extract
from tipgraph.extract.text import read_release

ENGLISH = ("Almaty, Kazakhstan – On 9 March 2025, the United Nations Office on Drugs and Crime (UNODC) organized a "
           "training workshop for police officers on the investigation of trafficking cases. The workshop was "
           "attended by 25 participants, including 10 women.")
FRENCH = ("Dakar, Sénégal – Le 9 mars 2025, l'Office des Nations Unies contre la drogue et le crime a organisé un "
          "atelier de formation pour les officiers de police sur les enquêtes relatives à la traite des personnes. "
          "L'atelier a réuni 25 participants, dont 10 femmes.")


def test_plain_text_is_read(tmp_path: Path) -> None:
    p = tmp_path / "r.txt"
    p.write_text("\ufeff" + ENGLISH.replace("\n", "\r\n"), encoding="utf-8")
    r = read_release(p, url="https://example.org/r", published="2025-03-10", publisher="UNODC")
    assert r.text.startswith("Almaty") and r.language == "en"
    assert (r.url, r.published, r.publisher, r.path) == ("https://example.org/r", "2025-03-10", "UNODC", str(p))


def test_binary_is_refused_naming_the_file(tmp_path: Path) -> None:
    p = tmp_path / "photo.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(BadInputError, match="binary") as err:
        read_release(p)
    assert err.value.path == str(p) and str(p) in str(err.value)


def test_not_utf8_is_refused_with_the_line(tmp_path: Path) -> None:
    p = tmp_path / "latin1.txt"
    p.write_bytes("First line\nSecond line with Bogotá\n".encode("latin-1"))
    with pytest.raises(BadInputError, match="UTF-8") as err:
        read_release(p)
    assert err.value.path == str(p) and err.value.line == 2


def test_huge_files_are_refused(tmp_path: Path) -> None:
    p = tmp_path / "huge.txt"
    p.write_bytes(b"a" * (text_mod.MAX_BYTES + 1))
    with pytest.raises(InputLimitError, match="limit") as err:
        read_release(p)
    assert err.value.path == str(p)
    small = tmp_path / "small.txt"
    small.write_text(ENGLISH, encoding="utf-8")
    assert read_release(small).text, "positive control: a small file is read"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("r.pdf", b"%PDF-1.7", "cannot read"),
    ("empty.txt", b"  \n\n ", "no text"),
    ("missing.txt", None, "no such file"),
])
def test_other_refusals(tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    p = tmp_path / name
    if content is not None:
        p.write_bytes(content)
    with pytest.raises(BadInputError, match=message):
        read_release(p)


def test_bad_published_date_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "r.txt"
    p.write_text(ENGLISH, encoding="utf-8")
    with pytest.raises(BadInputError, match="published"):
        read_release(p, published="March 2025")


def test_another_language_is_detected_and_not_misread(tmp_path: Path) -> None:
    fr, en = tmp_path / "fr.txt", tmp_path / "en.txt"
    fr.write_text(FRENCH, encoding="utf-8")
    en.write_text(ENGLISH, encoding="utf-8")
    idx = EntityIndex.empty()
    x = extract(read_release(fr), idx)
    assert x.release.language == "fr"
    assert x.candidates == [] and x.mentions == []
    assert any("fr" in w and "language" in w for w in x.warnings)
    y = extract(read_release(en), idx)
    assert y.candidates and not any("language" in w for w in y.warnings), "positive control"


PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Training on victim identification | Example Office</title>
<meta property="og:title" content="Training on victim identification">
<meta property="article:published_time" content="2024-11-22">
<link rel="canonical" href="https://example.org/news/training">
<script src="https://tracker.example.net/t.js"></script>
<link rel="stylesheet" href="https://cdn.example.net/site.css">
</head><body>
<div class="cookie">This website uses cookies. By continuing to browse you agree to our use of cookies.</div>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News and events</a></li></ul></nav>
<main><article><h1>Training on victim identification</h1>
<p>Bishkek, Kyrgyz Republic – From 19 to 21 November 2024, UNODC organized a three-day training workshop for
first-line officers of the State Border Service on identifying victims of trafficking.</p>
<p>The training was attended by 30 officers, including 12 women, who practised interviews with role plays
and reviewed the referral procedures that the officers will use at border crossing points.</p>
<img src="https://images.example.net/photo.jpg">
</article></main>
<footer>Copyright Example Office. Subscribe to our newsletter.</footer>
</body></html>"""


def test_saved_page_main_text_and_metadata(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("reading a saved page must not open a connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    p = tmp_path / "page.html"
    p.write_text(PAGE, encoding="utf-8")
    r = read_release(p)
    assert "State Border Service" in r.text and "30 officers" in r.text
    assert "cookies" not in r.text and "newsletter" not in r.text.lower()
    assert r.title == "Training on victim identification"
    assert r.published == "2024-11-22"
    assert r.url == "https://example.org/news/training"
    x = extract(r, EntityIndex.empty())
    assert {str(c.object.value) for c in x.candidates
            if c.relation == "startDate" and isinstance(c.object, Value)} == {"2024-11-19"}
