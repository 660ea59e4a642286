"""The ``tipgraph extract``, ``review``, ``ingest`` and ``retract`` commands (hooked into
:func:`tipgraph.cli.build_parser`): press releases into reviewed candidate facts.

Each command is one call of :mod:`tipgraph.extract.workflow` on a persistent store; the
library prints nothing, the progress bar of a batch is drawn here (on standard error, and
only when it is a terminal).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from .errors import BadInputError


def _open_store(args: argparse.Namespace) -> Any:
    from . import load

    store = args.store
    try:
        is_dir = store.is_dir()
    except (OSError, ValueError):
        is_dir = False
    if not is_dir:
        raise BadInputError("no store here; create it with 'tipgraph build --store DIR'", path=str(store))
    return load(path=store)


def _date(value: str) -> str:
    import datetime as dt

    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {value!r}") from None


def _url(value: str) -> str:
    if not re.match(r"https?://[^\s]+$", value):
        raise argparse.ArgumentTypeError(f"not an http or https address: {value[:80]!r}")
    return value


def _confidence(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        x = -1.0
    if not 0 <= x <= 1:
        raise argparse.ArgumentTypeError(f"a confidence is a number from 0 to 1, not {value[:40]!r}")
    return x


def progress_bar(stream: TextIO, width: int = 30) -> Callable[[int, int, str], None]:
    """A progress callback drawing one line on ``stream`` (a terminal), ended at the last file.

    >>> import io
    >>> out = io.StringIO(); bar = progress_bar(out, width=4)
    >>> bar(1, 2, "a.txt"); bar(2, 2, "b.txt")
    >>> out.getvalue().splitlines()[-1].strip().startswith("[####] 2/2")
    True
    """
    def show(done: int, total: int, name: str) -> None:
        filled = width * done // max(total, 1)
        shown = Path(name).name
        shown = "".join(ch if ch.isprintable() else "?" for ch in shown)[:40]
        stream.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total} {shown:<40}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


def cmd_extract(args: argparse.Namespace) -> int:
    """Read releases into candidate graphs."""
    from .extract.workflow import extract_to_store, release_files

    kg = _open_store(args)
    files = release_files(args.files)
    bar = progress_bar(sys.stderr) if len(files) > 1 and sys.stderr.isatty() else None
    reports = extract_to_store(kg, files, url=args.url, published=args.published, publisher=args.publisher,
                               progress=bar)
    for rep in reports:
        print(rep.text())
    total = sum(r.candidates for r in reports)
    print(f"{total} candidates from {len(reports)} release(s); review them with 'tipgraph review --store "
          f"{args.store}'")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """Show candidates (table or HTML page), or record decisions."""
    from .extract.workflow import STATUSES, candidates, decide, review_page, table
    from .files import atomic_write

    kg = _open_store(args)
    decided = False
    if args.accept or args.reject:
        # ID=ENTITY resolves the candidate's ambiguous (or new) end by hand; an id never holds "="
        pairs = [item.partition("=") for item in (args.accept or args.reject)]
        plain = [i for i, eq, _ in pairs if not eq]
        chosen = {i: entity for i, eq, entity in pairs if eq}
        if args.reject and chosen:
            raise BadInputError("ID=ENTITY chooses an entity for a candidate being accepted: use it with --accept")
        n = decide(kg, ids=plain, accept=bool(args.accept), source=args.source, resolve=chosen)
        print(f"{'accepted' if args.accept else 'rejected'} {n} candidate(s)")
        if chosen:
            by_id = {r.id: r for r in candidates(kg.store, source=args.source)}
            for i in chosen:
                r = by_id[i.strip()]
                print(f"  {r.id}  {r.relation}: {r.subject_label} -> {r.object_label}")
        decided = True
    if args.accept_above is not None:
        n = decide(kg, threshold=args.accept_above, source=args.source)
        left = [r for r in candidates(kg.store, source=args.source, status="pending") if r.flags]
        print(f"accepted {n} candidate(s) at or above {args.accept_above:g}"
              + (f"; {len(left)} flagged candidate(s) stay pending: decide them by id" if left else ""))
        decided = True
    if args.reject_below is not None:
        n = decide(kg, threshold=args.reject_below, accept=False, source=args.source)
        print(f"rejected {n} candidate(s) below {args.reject_below:g}")
        decided = True
    if args.html is not None:
        atomic_write(args.html, review_page(kg.store, source=args.source, status=args.status))
        if str(args.html) != "-":
            print(f"wrote {args.html}")
        return 0
    if decided:
        return 0
    rows = candidates(kg.store, source=args.source, status=args.status)
    if not rows:
        print("no candidates" + (f" with status {args.status}" if args.status else "")
              + "; extract a release first: tipgraph extract FILE --store DIR")
        return 0
    for line in table(rows):
        print(line)
    counts = {st: sum(1 for r in rows if r.status == st) for st in STATUSES}
    print(f"{len(rows)} candidates: " + ", ".join(f"{n} {st}" for st, n in counts.items()))
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    """Accepted candidates into facts."""
    from .extract.workflow import ingest

    kg = _open_store(args)
    report = ingest(kg, source=args.source, strict=args.strict)
    print(report.text())
    if report.refused:  # still a success (exit 0): what did fit landed, the rest is recorded for review
        print(f"tipgraph ingest: {len(report.refused)} accepted candidate(s) refused at ingest and left out "
              "(listed above; --strict makes this exit 3 with nothing changed)", file=sys.stderr)
    return 0


def cmd_retract(args: argparse.Namespace) -> int:
    """Remove a source and everything derived from it."""
    from .extract.workflow import retract

    kg = _open_store(args)
    print(retract(kg, args.source).text())
    return 0


def add_commands(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the extraction commands to the top-level parser.

    >>> parser = argparse.ArgumentParser(); sub = parser.add_subparsers()
    >>> def add(name, func, help, examples):
    ...     p = sub.add_parser(name, help=help); p.set_defaults(func=func); return p
    >>> add_commands(sub, add)
    >>> parser.parse_args(["review", "--store", "s", "--accept-above", "0.8"]).accept_above
    0.8
    """
    from .cli import path, text

    def store(p: argparse.ArgumentParser) -> None:
        p.add_argument("--store", metavar="DIR", type=path, required=True,
                       help="the persistent store (written by 'tipgraph build --store DIR')")

    p = add("extract", cmd_extract, "Read press releases (text or saved web pages) into candidate facts for review; "
                                    "a folder is read as a batch, reasoned once.",
            "  tipgraph extract release.html --url https://www.unodc.org/... --published 2025-03-09 --store out/store\n"
            "  tipgraph extract releases/ --publisher UNODC --store out/store")
    p.add_argument("files", type=path, nargs="+", metavar="FILE|DIR",
                   help=".txt, .md, or saved .html pages; folders are searched for them")
    p.add_argument("--url", type=_url, help="where the release is published (one release only); a saved page's "
                   "own address is used otherwise")
    p.add_argument("--published", type=_date, metavar="YYYY-MM-DD",
                   help="publication date (otherwise from the page or the dateline)")
    p.add_argument("--publisher", type=text, metavar="ORG", help="the publisher's label or acronym")
    store(p)

    p = add("review", cmd_review, "Show candidate facts (a table, or an offline HTML page with the evidence "
                                  "highlighted), and accept or reject them.",
            "  tipgraph review --store out/store\n"
            "  tipgraph review --store out/store --html out/review.html\n"
            "  tipgraph review --store out/store --accept c1a2b3c4d5e6 c0f9e8d7c6b5\n"
            "  tipgraph review --store out/store --accept c1a2b3c4d5e6=FIA   # an ambiguous mention, resolved\n"
            "  tipgraph review --store out/store --accept-above 0.8   # flagged ones stay pending")
    p.add_argument("--source", type=text, metavar="SOURCE", help="only this source (id, or the file it was read from)")
    p.add_argument("--status", choices=("pending", "accepted", "rejected", "refused"),
                   help="only candidates of this status (refused: accepted, but left out by ingest, with the reason)")
    p.add_argument("--html", type=path, metavar="FILE", help="write the review page here ('-' for standard output)")
    act = p.add_mutually_exclusive_group()
    act.add_argument("--accept", nargs="+", metavar="ID[=ENTITY]", type=text,
                     help="accept these candidates; ID=ENTITY (an IRI, prefixed name or label) accepts an ambiguous "
                          "one with the entity its mention names, one of its alternatives or any entity of a "
                          "fitting kind")
    act.add_argument("--reject", nargs="+", metavar="ID", type=text, help="reject these candidates")
    act.add_argument("--accept-above", type=_confidence, metavar="CONFIDENCE",
                     help="accept every pending, unflagged candidate at or above this confidence")
    act.add_argument("--reject-below", type=_confidence, metavar="CONFIDENCE",
                     help="reject every pending, unflagged candidate below this confidence")
    store(p)

    p = add("ingest", cmd_ingest, "Turn accepted candidates into facts in their source's graph (checked, "
                                  "re-reasoned); candidates whose facts do not fit are left out, said why and "
                                  "recorded as refused.",
            "  tipgraph ingest --store out/store\n  tipgraph ingest --source src-1a2b3c4d5e6f --store out/store\n"
            "  tipgraph ingest --strict --store out/store   # all or nothing (exit 3)")
    p.add_argument("--source", type=text, metavar="SOURCE", help="only this source (id, or the file it was read from)")
    p.add_argument("--strict", action="store_true",
                   help="all or nothing: refuse the whole ingest (exit 3) when any accepted candidate does not fit")
    store(p)

    p = add("retract", cmd_retract, "Remove an extracted source: its catalogue entry, candidates, facts and what "
                                    "was inferred from them.",
            "  tipgraph retract src-1a2b3c4d5e6f --store out/store\n  tipgraph retract release.html --store out/store")
    p.add_argument("source", type=text, help="the source's id (tipgraph review lists them) or its file name")
    store(p)
