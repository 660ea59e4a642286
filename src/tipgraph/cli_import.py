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
    from .cli import EXIT_CODES, _date, _Formatter, _source_options, path, text

    def sub(name: str, func: Callable[[argparse.Namespace], int], help: str, examples: str) -> Any:
        p = imp.add_parser(name, help=help, description=help, formatter_class=_Formatter,
                           epilog="examples:\n" + examples + "\n\n" + EXIT_CODES)
        p.set_defaults(func=func)
        return p

    p = sub("sheet", _cmd_sheet,
            "Import a curator spreadsheet (a folder of CSV files or an .xlsx workbook, one sheet per kind) "
            "into checked source graphs; or write the empty template.",
            "  tipgraph import sheet --template out/template      # CSV files and template.xlsx\n"
            "  tipgraph import sheet my-landscape.xlsx --store out/store --dry-run\n"
            "  tipgraph import sheet my-landscape/ --store out/store")
    p.add_argument("sheet", nargs="?", type=path, help="an .xlsx workbook or a folder of CSV files named after "
                   "the sheets (sources.csv, organisations.csv, ...)")
    p.add_argument("--template", type=path, metavar="DIR",
                   help="write the empty template (one CSV per sheet, template.xlsx, README.md) into DIR")
    p.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")
    p.add_argument("--trig", type=path, metavar="FILE", help="also keep the source graphs as a TriG file")
    _source_options(p)

    p = sub("ranking", _cmd_ranking,
            "Import a ranking table (country, year, tier per row) as the rankings of a report, in one source graph.",
            "  tipgraph import ranking tiers.csv --report 'U.S. Trafficking in Persons Report' \\\n"
            "      --publisher 'U.S. Department of State' --url https://www.state.gov/... --published 2024-06-24\n"
            "  tipgraph import ranking t.csv --report 'TIP Report' --url https://... --published 2024-06-24 \\\n"
            "      --tier-map 3='Tier 2 Watch List' --tier-map 4='Tier 3' --country-column ISO3")
    p.add_argument("file", type=path, help="a CSV file (UTF-8 or Excel's; commas, semicolons or tabs)")
    p.add_argument("--report", required=True, type=text, help="the report's name (found by label, or added)")
    p.add_argument("--publisher", type=text, help="the organisation publishing it (found by label, or added)")
    p.add_argument("--url", type=text, help="where the table was published (http or https; required)")
    p.add_argument("--published", type=_date, metavar="YYYY-MM-DD", help="when it was published (required)")
    p.add_argument("--retrieved", type=_date, metavar="YYYY-MM-DD", help="when you downloaded it")
    p.add_argument("--country-column", type=text, metavar="C", help="the column of country names or ISO codes "
                   "(default: found by its header)")
    p.add_argument("--year-column", type=text, metavar="Y", help="the column of years (default: by its header; "
                   "a table with a column per year needs none)")
    p.add_argument("--tier-column", type=text, metavar="T", help="the column of tiers (default: by its header)")
    p.add_argument("--tier-map", action="append", type=text, metavar="CODE=TIER", default=[],
                   help="read CODE as TIER (Tier 1, Tier 2, Tier 2 Watch List, Tier 3, Special Case, or NA); "
                        "repeatable")
    p.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")
    p.add_argument("--trig", type=path, metavar="FILE", help="also keep the source graph as a TriG file")
    _source_options(p)


def _cmd_ranking(args: argparse.Namespace) -> int:
    from .cli import _open
    from .imports.ranking import import_ranking, parse_tier_map

    tier_map = parse_tier_map(args.tier_map)
    kg = _open(args)
    result = import_ranking(kg, args.file, report=args.report, publisher=args.publisher, url=args.url,
                            published=args.published, retrieved=args.retrieved,
                            country_column=args.country_column, year_column=args.year_column,
                            tier_column=args.tier_column, tier_map=tier_map, dry_run=args.dry_run, trig=args.trig)
    kg.close()
    print(result.text())
    return 0


def _cmd_sheet(args: argparse.Namespace) -> int:
    from .errors import BadInputError
    from .imports.sheets import import_sheet, write_template

    if args.template is not None:
        for written in write_template(args.template):
            print(written)
        return 0
    if args.sheet is None:
        raise BadInputError("give a workbook (.xlsx) or a folder of CSV files, or --template DIR")
    from .cli import _open

    kg = _open(args)
    result = import_sheet(kg, args.sheet, dry_run=args.dry_run, trig=args.trig)
    kg.close()
    print(result.text())
    return 0

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
