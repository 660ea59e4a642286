"""The ``tipgraph import`` commands (hooked into :func:`tipgraph.cli.build_parser`).

Each subcommand reads one kind of structured source (IATI activity files, curator
spreadsheets, ranking tables) into a checked source graph: one library call each.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


# --- import iati -------------------------------------------------------------

def _add_iati(imp: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register ``tipgraph import iati``."""

# (end of import iati)


# --- import sheet / import ranking ---------------------------------------------

def _add_sheets(imp: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register ``tipgraph import sheet`` and ``tipgraph import ranking``."""

# (end of import sheet / import ranking)


def add_commands(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``import`` with its subcommands to the top-level parser."""
    p = add("import", lambda args: args.import_parser.error("name what to import: iati, sheet or ranking") or 2,
            "Import structured sources: IATI activity files, curator spreadsheets, ranking tables.",
            "  tipgraph import iati activities.xml --store out/store\n"
            "  tipgraph import ranking tiers.csv --report 'U.S. Trafficking in Persons Report' "
            "--publisher 'U.S. Department of State'")
    p.set_defaults(import_parser=p)
    imp = p.add_subparsers(dest="import_kind", metavar="KIND")
    _add_iati(imp, add)
    _add_sheets(imp, add)
