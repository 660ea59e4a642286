"""The exit-code table lives in one place (tipgraph.errors.EXIT_CODES); the README and every
--help must show exactly that table."""

from __future__ import annotations

from pathlib import Path

import pytest

from tipgraph.cli import build_parser
from tipgraph.errors import EXIT_CODES, exit_codes_markdown, exit_codes_text

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_shows_the_one_table() -> None:
    assert exit_codes_markdown() in README.read_text(encoding="utf-8"), (
        "README's exit-code table differs from tipgraph.errors.EXIT_CODES: paste errors.exit_codes_markdown()")


def _subcommands() -> dict[str, object]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return dict(sub.choices)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_every_help_shows_the_one_table(command: str) -> None:
    text = _subcommands()[command].format_help()  # type: ignore[attr-defined]
    assert exit_codes_text() in text, command


def test_codes_are_distinct_and_complete() -> None:
    codes = [c for c, _ in EXIT_CODES]
    assert codes == sorted(set(codes)) and codes[0] == 0
