"""The ``tipgraph import`` commands (hooked into :func:`tipgraph.cli.build_parser`).

Each subcommand reads one kind of structured source (IATI activity files, curator
spreadsheets, ranking tables) into a checked source graph: one library call each.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


# --- import iati -------------------------------------------------------------

def _cmd_iati(args: argparse.Namespace) -> int:
    import datetime as _dt

    from . import errors
    from .cli import _open
    from .errors import BadInputError
    from .imports.iati import import_iati

    issued = None
    if args.issued is not None:
        try:
            issued = _dt.date.fromisoformat(args.issued)
        except ValueError:
            raise BadInputError(f"--issued must be a date written YYYY-MM-DD, got {args.issued!r}") from None
    kg = _open(args)
    try:
        report = import_iati(kg, args.files, out=args.out, dry_run=args.dry_run, url=args.url, issued=issued,
                             validate=not args.no_validate)
    finally:
        kg.close()
    print(report.text())
    return errors.EXIT_OK


def _add_iati(imp: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register ``tipgraph import iati``."""
    from .cli import EXIT_CODES, _Formatter, _source_options, path

    text = ("Read IATI activity files (standard 2.0x) into checked source graphs, one per file: programmes, "
            "engagements, recipient shares, funding flows; all or nothing, re-import changes nothing.")
    p = imp.add_parser("iati", help=text, description=text, formatter_class=_Formatter,
                       epilog="examples:\n"
                              "  tipgraph import iati activities.xml --store out/store --dry-run\n"
                              "  tipgraph import iati parent.xml child.xml --store out/store --out out/iati.trig\n\n"
                              + EXIT_CODES)
    p.set_defaults(func=_cmd_iati)
    p.add_argument("files", type=path, nargs="+", metavar="FILE", help="IATI activity files (<iati-activities>)")
    p.add_argument("--out", type=path, metavar="FILE.trig", help="also write the source graphs made to this TriG file")
    p.add_argument("--dry-run", action="store_true", help="say what would change and change nothing")
    p.add_argument("--url", metavar="URL", help="the address the files were read from (default: their IATI "
                   "Registry dataset page, https://iatiregistry.org/dataset/<file name>)")
    p.add_argument("--issued", metavar="YYYY-MM-DD", help="the files' publication date (default: their "
                   "@generated-datetime)")
    p.add_argument("--no-validate", action="store_true", help="skip the SHACL check (not recommended)")
    _source_options(p)

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
