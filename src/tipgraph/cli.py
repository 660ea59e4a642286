"""The ``tipgraph`` command: a thin shell over the Python API (one library call per command).

Exit codes: 0 success, 1 internal error, 2 usage error, 3 data does not conform,
4 bad input (file, SPARQL, name), 5 refused or timed out, 6 store busy. See ``tipgraph --help``.

Every option value is checked by its argparse type (so ``--help`` states what is accepted):
numbers are finite and in range, text is valid Unicode, paths hold no NUL byte. ``-`` as an
output file means standard output (``export``, ``map``), and as the query, standard input.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import errors
from .errors import BadInputError, TipgraphError
from .files import is_stdout

EXIT_CODES = errors.exit_codes_text()

FORMATS = ("table", "csv", "tsv", "json", "sparql-json", "xlsx")

#: The longest time limit accepted (one day); 0 means no limit where the option allows it.
MAX_SECONDS = 86_400.0
#: The largest count accepted by --max-rows, --top and --depth.
MAX_COUNT = 1_000_000_000
#: The largest query read from a file or standard input.
MAX_QUERY_BYTES = 16 * 1024 * 1024


def _printable(text: str) -> str:
    r"""``text`` with lone surrogates (undecodable bytes of a file name) shown as escapes.

    >>> _printable("caf\udce9")
    'caf\\udce9'
    """
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _err(msg: str) -> None:
    print(_printable(msg), file=sys.stderr)


# ---------------------------------------------------------------------------
# Argument types: each checks its value, so a bad one is a usage error (exit 2) naming the option
# ---------------------------------------------------------------------------
def seconds(*, zero: bool) -> Any:
    """An argparse type for a time limit: a finite number of seconds up to a day (0 allowed if ``zero``).

    >>> seconds(zero=True)("0"), seconds(zero=False)("2.5")
    (0.0, 2.5)
    >>> seconds(zero=False)("nan")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a number of seconds greater than 0 and at most 86400, got 'nan'
    """
    lowest = "from 0" if zero else "greater than 0"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0 or (value == 0 and not zero) or value > MAX_SECONDS:
            raise argparse.ArgumentTypeError(
                f"expected a number of seconds {lowest} and at most {MAX_SECONDS:g}, got {_printable(text)!r}")
        return value

    return parse


def count(*, minimum: int) -> Any:
    """An argparse type for a whole number from ``minimum`` to :data:`MAX_COUNT`.

    >>> count(minimum=0)("5")
    5
    >>> count(minimum=0)("-5")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a whole number from 0 to 1000000000, got '-5'
    """
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if not minimum <= value <= MAX_COUNT:
            raise argparse.ArgumentTypeError(
                f"expected a whole number from {minimum} to {MAX_COUNT}, got {_printable(text)[:80]!r}")
        return value

    return parse


def text(value: str) -> str:
    """An argparse type for text (SPARQL, names, titles): valid Unicode.

    Bytes that are not UTF-8 reach Python as lone surrogates; they are refused here.

    >>> text("Café")
    'Café'
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise argparse.ArgumentTypeError(
            f"is not valid UTF-8 (byte {exc.start + 1} of the value); check the encoding of your "
            "terminal or script") from None
    return value


def path(value: str) -> Path:
    """An argparse type for a file or folder path: no NUL byte, no name longer than the system allows.

    >>> path("out/x.trig")
    PosixPath('out/x.trig')
    """
    if "\0" in value:
        raise argparse.ArgumentTypeError("a path cannot contain a NUL byte")
    raw = os.fsencode(value)
    if not raw:
        raise argparse.ArgumentTypeError("the path is empty")
    if len(raw) >= 4096 or any(len(part) > 255 for part in raw.split(b"/")):
        raise argparse.ArgumentTypeError("the path is longer than the file system allows "
                                         "(4095 bytes, 255 per name)")
    return Path(value)


def store_path(value: str) -> Any:
    """An argparse type for a store: a folder (a :func:`path` that is valid UTF-8, as Oxigraph needs)
    or a SPARQL server's location (``sparql+http://host:port/query``), kept as text.

    >>> store_path("out/store"), store_path("sparql+http://127.0.0.1:7878/query")
    (PosixPath('out/store'), 'sparql+http://127.0.0.1:7878/query')
    """
    if value.startswith(("sparql+http://", "sparql+https://")):
        return text(value)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError("a store's path must be valid UTF-8 (the store engine cannot open "
                                         "others); rename the folder") from None
    return path(value)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def _source_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("where the graph comes from")
    g.add_argument("--store", metavar="DIR|URL", type=store_path,
                   help="a persistent store written by 'tipgraph build --store DIR', or a SPARQL server "
                        "(sparql+http://host:port/query) (default: build in memory)")
    g.add_argument("--data", metavar="FILE", type=path, nargs="+",
                   help="data files (TriG/Turtle/N-Triples/N-Quads) instead of the curated seed")
    g.add_argument("--backend", choices=("oxigraph", "memory"), default="oxigraph",
                   help="store engine when building in memory (default: oxigraph)")


def _limit_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("query limits")
    g.add_argument("--timeout", type=seconds(zero=True), default=10.0, metavar="SECONDS",
                   help="stop a query after this many seconds, at most 86400 (default 10; 0 = no limit)")
    g.add_argument("--max-rows", type=count(minimum=0), default=10_000, metavar="N",
                   help="return at most N rows and say so when capped, a whole number "
                        "(default 10000; 0 = no cap)")
    g.add_argument("--memory", type=count(minimum=0), default=2048, metavar="MIB",
                   help="memory a query may take beyond the store it reads, in MiB (default 2048; 0 = no cap)")
    g.add_argument("--allow-network", action="store_true",
                   help="allow SERVICE and FROM, which make the engine fetch from the web or the file system")


def _open(args: argparse.Namespace) -> Any:
    from . import load

    timeout = getattr(args, "timeout", 10.0)
    max_rows = getattr(args, "max_rows", 10_000)
    kw: dict[str, Any] = {"timeout": timeout or None, "max_rows": max_rows or None,
                          "allow_network": getattr(args, "allow_network", False),
                          "memory_mb": getattr(args, "memory", 2048) or None}
    if isinstance(args.store, str):  # a SPARQL server
        if args.data:
            raise BadInputError("give either --store or --data, not both")
        return load(path=args.store, **kw)
    if args.store is not None:
        if not _is_dir(args.store):
            raise BadInputError("no store here; create it with 'tipgraph build --store DIR'", path=str(args.store))
        if args.data:
            raise BadInputError("give either --store or --data, not both")
        return load(path=args.store, **kw)
    return load(args.data, backend=args.backend, **kw)


def _is_dir(p: Path) -> bool:
    try:
        return p.is_dir()
    except (OSError, ValueError):
        return False


def _read_query(name: str) -> str:
    """The SPARQL text of a query file, or of standard input for ``-``."""
    try:
        if name == "-":
            raw = sys.stdin.buffer.read(MAX_QUERY_BYTES + 1)
        else:
            with open(name, "rb") as fh:
                raw = fh.read(MAX_QUERY_BYTES + 1)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BadInputError(f"cannot read the query file ({reason})", path=name) from None
    where = "<stdin>" if name == "-" else name
    if len(raw) > MAX_QUERY_BYTES:
        raise BadInputError(f"the query is longer than {MAX_QUERY_BYTES // 2**20} MiB; is this a query file?",
                            path=where)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInputError(f"the query file is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8",
                            path=where) from None


def _query_file(name: str) -> bool:
    """True when the positional query names a file (or ``-``) rather than a named query."""
    if name == "-" or Path(name).suffix in {".rq", ".sparql"}:
        return True
    try:
        os.stat(name)
    except (OSError, ValueError):
        return False
    return True


def _parse_params(items: Sequence[str]) -> dict[str, str]:
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise BadInputError(f"--param takes NAME=VALUE, got {item!r}")
        out[name.lstrip("?$")] = value
    return out


def _print_result(res: Any, fmt: str, output: Path | None = None) -> None:
    from . import tables

    if fmt == "xlsx":
        if output is None:
            raise BadInputError("-f xlsx writes a workbook: give the file with -o FILE.xlsx")
        tables.write_xlsx(output, {res.name or "answer": res})
        _err(f"wrote {_where(output)}")
    elif output is not None:
        from .files import atomic_write

        text = {"table": lambda: res.to_table() + "\n", "csv": lambda: tables.to_csv(res),
                "tsv": lambda: tables.to_csv(res, "\t"), "json": lambda: res.to_json() + "\n",
                "sparql-json": lambda: json.dumps(res.to_sparql_json(), ensure_ascii=False, indent=2) + "\n"}
        atomic_write(output, text[fmt]())
        _err(f"wrote {_where(output)}")
    elif fmt == "table":
        print(res.to_table())
    elif fmt == "csv":
        sys.stdout.write(tables.to_csv(res))
    elif fmt == "tsv":
        sys.stdout.write(tables.to_csv(res, "\t"))
    elif fmt == "json":
        print(res.to_json())
    else:
        print(json.dumps(res.to_sparql_json(), ensure_ascii=False, indent=2))
    _err(res.summary())
    for warning in getattr(res, "warnings", []):
        _err(f"warning: {warning}")
    if res.truncated:
        _err(f"warning: the result was capped at {res.max_rows} rows; use --max-rows to see more")


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------
def _where(output: Path) -> str:
    return "standard output" if is_stdout(output) else str(output)


def cmd_build(args: argparse.Namespace) -> int:
    from . import build

    kg, rep = build(args.store, data=args.data, backend=args.backend, validate=not args.no_validate,
                    owl=not args.no_owl, owl_timeout=args.owl_timeout)
    kg.close()
    where = f"store {rep.path}" if rep.path else "in memory (nothing saved; use --store DIR to keep it)"
    print(f"built {_printable(where)}: {rep.triples_asserted} asserted + {rep.triples_inferred} inferred triples")
    print("timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in rep.timings.items()))
    if rep.validation is not None:
        print("SHACL: conforms" if rep.validation.shacl.conforms else "SHACL: violations (see above)")
        for skipped in rep.validation.skipped:
            _err(f"warning: skipped {skipped}")
        if rep.validation.owl is not None and rep.validation.owl.checked:
            print("OWL (HermiT): consistent" if rep.validation.owl.consistent else "OWL (HermiT): INCONSISTENT")
    return errors.EXIT_OK


def cmd_query(args: argparse.Namespace) -> int:
    from .query import named_queries

    if args.format == "xlsx" and args.output is None:
        raise BadInputError("-f xlsx writes a workbook: give the file with -o FILE.xlsx")
    kg = _open(args)
    if args.list:
        for q in named_queries().values():
            print(f"{q.name}\n    {q.question}")
            if q.params:
                print("    params: " + "  ".join(_param_text(kg, p) for p in q.params))
        return errors.EXIT_OK
    bindings = _parse_params(args.param)
    words = (lambda res: res) if args.ids else kg.in_words
    if args.all and args.format == "xlsx":
        from .tables import write_xlsx

        write_xlsx(args.output, {name: words(res) for name, res in kg.answer_all().items()})
        _err(f"wrote {_where(args.output)}: one sheet per named query")
        return errors.EXIT_OK
    if args.all:
        for name, res in kg.answer_all().items():
            print(f"\n## {name}\n{named_queries()[name].question}\n")
            _print_result(words(res), args.format)
        return errors.EXIT_OK
    if args.expression is not None:
        sparql = args.expression
    elif args.query is None:
        raise BadInputError("give a query: a named query (see --list), a .rq file, or -e 'SPARQL'")
    elif _query_file(args.query):
        if _is_dir(Path(args.query)):
            raise BadInputError("this is a directory; give a query file (.rq) or a named query", path=args.query)
        # A file holds SPARQL, always: its text is never taken for a query name (nor echoed as one).
        from .query import run_query

        where = "<stdin>" if args.query == "-" else args.query
        try:
            result = run_query(kg.store, _read_query(args.query), bindings, limits=kg.limits, limit=args.limit,
                               offset=args.offset)
        except BadInputError as exc:
            if exc.path != "<query>":
                raise
            raise BadInputError(exc.message, path=where, line=exc.line, column=exc.column) from None
        _print_result(result, args.format, args.output)
        return errors.EXIT_OK
    else:
        sparql = args.query
    result = _page(kg, sparql, bindings, args.limit, args.offset)
    _print_result(words(result) if result.name else result, args.format, args.output)
    return errors.EXIT_OK


def _page(kg: Any, sparql: str, bindings: dict[str, str], limit: int | None, offset: int) -> Any:
    """``kg.query``, or one page of its rows (``--limit``/``--offset``)."""
    if limit is None and not offset:
        return kg.query(sparql, bindings)
    from .query import bind_named, get_named_query, run_query

    text = sparql.strip()
    if text and not any(c.isspace() for c in text) and "{" not in text:
        named = get_named_query(text)
        return run_query(kg.store, named.sparql, bind_named(kg.store, named, bindings), limits=kg.limits,
                         name=named.name, limit=limit, offset=offset)
    return run_query(kg.store, sparql, bindings, limits=kg.limits, limit=limit, offset=offset)


def _param_text(kg: Any, param: Any) -> str:
    """``organisation=ICMPD (tgd:org-0003, an organisation)``: a parameter and its default, in words."""
    kind = f"a {param.cls.split('#')[-1]}" if param.cls is not None else param.kind
    if param.default is None:
        return f"{param.name} ({kind}, open)"
    label = kg.label(param.default) if param.kind == "entity" else None
    shown = f"{label} ({param.default})" if label else param.default
    return f"{param.name}={shown} [{kind}]"


def cmd_validate(args: argparse.Namespace) -> int:
    from . import load

    kg = _open(args) if args.store is not None else load(args.data, backend=args.backend, reason=False)
    result = kg.validate(owl=not args.no_owl, owl_timeout=args.owl_timeout)
    print(result.text())
    for skipped in result.skipped:
        _err(f"warning: skipped {skipped}")
    return errors.EXIT_OK if result.conforms else errors.EXIT_NOT_CONFORMING


def cmd_reason(args: argparse.Namespace) -> int:
    kg = _open(args)
    report = kg.reason(engine=args.engine)
    kg.close()
    print(report.text())
    if args.store is None:
        _err("note: nothing saved; use --store DIR to keep the inferred graph")
    return errors.EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    kg = _open(args)
    st = kg.stats()
    print(f"{st.data} data triples (+{st.ontology} ontology) asserted, {st.inferred} inferred, "
          f"in {len(st.graphs)} graphs\n")
    print("graph" + " " * 55 + "triples")
    for g, n in st.graphs.items():
        print(f"{g:<60}{n:>7}")
    for title, rows in (("class", st.classes), ("relation", st.relations)):
        print(f"\n{title:<48}{'asserted':>9}{'inferred':>9}")
        for term, a, i in rows[: args.top]:
            print(f"{term:<48}{a:>9}{i:>9}")
    return errors.EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    kg = _open(args)
    data = kg.export(args.output, format=args.format, inferred=not args.asserted_only,
                     ontology=not args.no_ontology)
    _err(f"wrote {_where(args.output)} ({len(data)} bytes)")
    return errors.EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    kg = _open(args)
    report = kg.add_files(args.files, validate=not args.no_validate, owl=args.owl, owl_timeout=args.owl_timeout,
                          dry_run=args.dry_run)
    kg.close()
    print(report.text())
    return errors.EXIT_OK


def cmd_map(args: argparse.Namespace) -> int:
    kg = _open(args)
    result = kg.map(args.output, focus=args.focus, depth=args.depth, country=args.country,
                    programme=args.programme, title=args.title, relations=args.relations,
                    collapse_engagements=not args.keep_engagements, layout=args.layout)
    _err(f"wrote {_where(args.output)}: {result.nodes} nodes, {result.edges} edges")
    return errors.EXIT_OK


def cmd_analyze(args: argparse.Namespace) -> int:
    kg = _open(args)
    report = kg.analyze(top=args.top, chain=args.chain, ego=args.ego, depth=args.depth, export=args.export)
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else report.text())
    return errors.EXIT_OK


def cmd_new_id(args: argparse.Namespace) -> int:
    from .curation import new_id

    for _ in range(args.count):
        print(f"tgd:{new_id(args.kind)}")
    return errors.EXIT_OK


def cmd_new_source(args: argparse.Namespace) -> int:
    from .curation import SourceInfo, find_entities, write_source

    publisher = None
    if args.store is not None or args.data:
        kg = _open(args)
        found = find_entities(kg.store, args.publisher, limit=1, cutoff=0.99)
        publisher = found[0].iri if found else None
    else:
        from . import load

        found = find_entities(load(reason=False).store, args.publisher, limit=1, cutoff=0.99)
        publisher = found[0].iri if found else None
    info = SourceInfo(url=args.url, title=args.title, publisher=args.publisher, published=args.published,
                      language=args.language, licence=args.licence)
    path = write_source(args.folder, info, publisher_iri=publisher)
    print(path)
    if publisher is None:
        _err(f"note: no entity is labelled {args.publisher!r}: set tg:publishedBy in {path} "
             "(tipgraph find NAME; or a new organisation with tipgraph new-id org)")
    return errors.EXIT_OK


def cmd_find(args: argparse.Namespace) -> int:
    from .curation import find_entities

    kg = _open(args)
    matches = find_entities(kg.store, args.text, limit=args.top)
    if not matches:
        _err(f"nothing in the graph is labelled like {args.text!r}")
        return errors.EXIT_OK
    width = max(len(m.id) for m in matches)
    for m in matches:
        also = f"  (as {m.matched!r})" if m.matched.casefold() != m.label.casefold() else ""
        print(f"{m.id:<{width}}  {m.kind:<32}  {m.label}{also}  [{m.score:.2f}]")
    return errors.EXIT_OK


def _date(value: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {value!r}") from None


# ---------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(
        prog="tipgraph", formatter_class=_Formatter,
        description="A knowledge graph of who does what against trafficking in persons (TIP) "
                    "and smuggling of migrants (SOM).",
        epilog="examples:\n"
               "  tipgraph build --store out/store          # load, validate, reason, save\n"
               "  tipgraph query --list                      # the named questions\n"
               "  tipgraph query countries-of-implementer --param organisation=ICMPD\n"
               "  tipgraph map out/pakistan.html --country PK\n\n" + EXIT_CODES)
    parser.add_argument("--version", action="version", version=f"tipgraph {_version()}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, func: Any, help: str, examples: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help, formatter_class=_Formatter,
                           epilog="examples:\n" + examples + "\n\n" + EXIT_CODES)
        p.set_defaults(func=func)
        return p

    p = add("build", cmd_build, "Load the ontology and data, validate them, reason, and optionally save a store.",
            "  tipgraph build                          # check everything, keep nothing\n"
            "  tipgraph build --store out/store        # save a persistent Oxigraph store\n"
            "  tipgraph build --data my.trig --no-owl  # your own data, without HermiT")
    p.add_argument("--store", type=store_path, metavar="DIR",
                   help="write a persistent store here (replaced atomically; an existing folder must be empty "
                        "or a store)")
    p.add_argument("--data", type=path, nargs="+", metavar="FILE", help="data files instead of the curated seed")
    p.add_argument("--backend", choices=("oxigraph", "memory"), default="oxigraph")
    p.add_argument("--no-validate", action="store_true", help="skip SHACL and OWL checks")
    p.add_argument("--no-owl", action="store_true", help="skip the HermiT consistency check (needs Java)")
    p.add_argument("--owl-timeout", type=seconds(zero=False), default=120.0, metavar="SECONDS",
                   help="stop HermiT after this many seconds, more than 0 and at most 86400 (default 120)")

    p = add("query", cmd_query, "Answer a named question, a .rq file, or inline SPARQL.",
            "  tipgraph query --list\n"
            "  tipgraph query active-in-country --param country=PK\n"
            "  tipgraph query -e 'SELECT ?c WHERE { ?c a tg:Country }' --format csv\n"
            "  tipgraph query my-question.rq --format sparql-json\n"
            "  tipgraph query --all                    # every named question")
    p.add_argument("query", nargs="?", type=text,
                   help="a named query (see --list), or a file of SPARQL (read as SPARQL whatever its name; "
                        "'-' reads standard input; at most 16 MiB)")
    p.add_argument("-e", "--expression", metavar="SPARQL", type=text,
                   help="inline SPARQL (usual prefixes are predeclared; UTF-8)")
    p.add_argument("--list", action="store_true", help="list the named queries with their questions")
    p.add_argument("--all", action="store_true", help="answer every named query with its default parameters")
    p.add_argument("-p", "--param", action="append", metavar="NAME=VALUE", type=text,
                   help="bind a parameter (labels, acronyms, ISO codes, IRIs and prefixed names accepted; "
                        "NAME=* leaves it open); repeatable")
    p.add_argument("--ids", action="store_true",
                   help="show the ids (IRIs) of named queries' answers too, not only their labels")
    p.add_argument("-f", "--format", choices=FORMATS, default="table",
                   help="table, csv, tsv, json, sparql-json, or xlsx (a workbook: needs -o; with --all one sheet "
                        "per question); csv and xlsx keep numbers and dates typed and never start a cell as a formula")
    p.add_argument("-o", "--output", type=path, metavar="FILE", help="write the answer to FILE instead of printing it")
    p.add_argument("--limit", type=count(minimum=0), default=None, metavar="N",
                   help="one page of a SELECT's rows: at most N, after --offset (the engine stops there)")
    p.add_argument("--offset", type=count(minimum=0), default=0, metavar="M", help="skip the first M rows")
    _source_options(p)
    _limit_options(p)

    p = add("validate", cmd_validate, "Check the data against the SHACL shapes and OWL consistency (HermiT).",
            "  tipgraph validate\n  tipgraph validate --data my.trig --no-owl")
    _source_options(p)
    p.add_argument("--no-owl", action="store_true", help="skip the HermiT consistency check")
    p.add_argument("--owl-timeout", type=seconds(zero=False), default=120.0, metavar="SECONDS",
                   help="stop HermiT after this many seconds, more than 0 and at most 86400 (default 120)")

    p = add("reason", cmd_reason, "Recompute the inferred graph (OWL 2 RL closure + rules).",
            "  tipgraph reason --store out/store\n  tipgraph reason --engine reasonable   # the cross-check engine")
    p.add_argument("--engine", choices=("rules", "reasonable"),
                   help="rules compiled from the ontology (default on Oxigraph) or reasonable's OWL 2 RL "
                        "closure (default on the memory backend)")
    _source_options(p)

    p = add("stats", cmd_stats, "Count triples per graph, class and relation, asserted vs inferred.",
            "  tipgraph stats\n  tipgraph stats --store out/store --top 50")
    _source_options(p)
    p.add_argument("--top", type=count(minimum=0), default=25, help="rows per table, a whole number (default 25)")

    p = add("export", cmd_export, "Write the graph as Turtle, N-Triples, TriG, N-Quads or JSON-LD.",
            "  tipgraph export out/tipgraph.trig       # keeps the named graphs\n"
            "  tipgraph export out/tipgraph.ttl --asserted-only")
    p.add_argument("output", type=path,
                   help="the file to write ('-' for standard output; a device or FIFO is written in place)")
    p.add_argument("--format", choices=("turtle", "nt", "trig", "nquads", "jsonld"),
                   help="default: from the file suffix")
    p.add_argument("--asserted-only", action="store_true", help="leave out the inferred graph")
    p.add_argument("--no-ontology", action="store_true", help="leave out the ontology graph")
    _source_options(p)

    p = add("add", cmd_add, "Check data files together with the store, then add them (all or nothing) and "
                            "re-reason; what the store holds already is left out.",
            "  tipgraph add data/sources/src-x.trig --store out/store --dry-run   # what would change\n"
            "  tipgraph add data/sources/src-x.trig --store out/store")
    p.add_argument("files", type=path, nargs="+", help="data files (.trig, .ttl, .nt, .nq)")
    p.add_argument("--dry-run", action="store_true", help="list what would change (triples per graph, new "
                   "entities, whether it conforms) and change nothing")
    p.add_argument("--no-validate", action="store_true", help="skip the SHACL check (not recommended)")
    p.add_argument("--owl", action="store_true", help="also check OWL consistency with HermiT (as validate does)")
    p.add_argument("--owl-timeout", type=seconds(zero=False), default=120.0, metavar="SECONDS")
    _source_options(p)

    p = add("map", cmd_map, "Write a self-contained interactive HTML network map (works offline).",
            "  tipgraph map out/landscape.html\n"
            "  tipgraph map out/unodc.html --focus UNODC --depth 2\n"
            "  tipgraph map out/pakistan.html --country PK\n"
            "  tipgraph map out/protect.html --programme PROTECT")
    p.add_argument("output", type=path,
                   help="the HTML file to write ('-' for standard output; a device or FIFO is written in place)")
    view = p.add_mutually_exclusive_group()
    view.add_argument("--focus", metavar="ACTOR", type=text, help="an actor's neighbourhood (label, acronym or IRI)")
    view.add_argument("--country", metavar="COUNTRY", type=text,
                      help="everyone active in a country (name or ISO code)")
    view.add_argument("--programme", metavar="PROGRAMME", type=text, help="a programme and everyone involved")
    p.add_argument("--depth", type=count(minimum=0), default=2, help="steps around --focus (default 2)")
    p.add_argument("--title", type=text, help="title shown on the map")
    p.add_argument("--relations", nargs="+", metavar="RELATION", type=text,
                   help="only these relations (e.g. implements funds activeIn); default: all between entities")
    p.add_argument("--keep-engagements", action="store_true",
                   help="show engagement nodes instead of collapsing them into labelled edges")
    p.add_argument("--layout", choices=("auto", "physics", "python"), default="auto",
                   help="physics in the browser, or positions computed in Python (default: by size)")
    _source_options(p)

    p = add("analyze", cmd_analyze, "Centrality, brokers, communities, chains of facts, ego networks; Gephi export.",
            "  tipgraph analyze\n"
            "  tipgraph analyze --chain 'European Union' 'virtual MRC Afghanistan'\n"
            "  tipgraph analyze --ego FIA --depth 1\n"
            "  tipgraph analyze --export out/network.gexf")
    p.add_argument("--top", type=count(minimum=0), default=10, help="rows per ranking (default 10)")
    p.add_argument("--chain", nargs=2, metavar=("FROM", "TO"), type=text, help="explain the shortest chain of facts")
    p.add_argument("--ego", metavar="ACTOR", type=text, help="the ego network of an actor")
    p.add_argument("--depth", type=count(minimum=0), default=1, help="steps around --ego (default 1)")
    p.add_argument("--export", type=path, metavar="FILE",
                   help=".graphml, .gexf or .csv (edge list); format from the suffix")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    _source_options(p)
    from . import cli_extract, cli_import, cli_serve

    cli_serve.add_commands(sub, add)
    cli_extract.add_commands(sub, add)
    cli_import.add_commands(sub, add)

    p = add("new-id", cmd_new_id, "Print fresh identifiers that no other curator will mint (random, opaque).",
            "  tipgraph new-id evt\n  tipgraph new-id org --count 3")
    from .curation import KINDS

    p.add_argument("kind", choices=sorted(KINDS), help="what the identifier names: "
                   + ", ".join(f"{k} {v}" for k, v in sorted(KINDS.items())))
    p.add_argument("--count", type=count(minimum=1), default=1)

    p = add("new-source", cmd_new_source, "Start the file of a new source document: its catalogue entry filled in, "
                                          "its graph waiting for facts.",
            "  tipgraph new-source --url https://www.unodc.org/... --title 'Training in Almaty' \\\n"
            "      --publisher UNODC --published 2025-03-09")
    p.add_argument("--url", required=True, type=text, help="where the source is published (http or https)")
    p.add_argument("--title", required=True, type=text)
    p.add_argument("--publisher", required=True, type=text, help="the publisher's label or acronym")
    p.add_argument("--published", required=True, type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--language", default="en", type=text, help="language of the source (default en)")
    p.add_argument("--licence", type=text, help="the source's licence or rights statement")
    p.add_argument("--folder", type=path, default=Path("data/sources"), help="where to write (default data/sources)")
    _source_options(p)

    p = add("find", cmd_find, "Look up entities by label, acronym or code (close spellings too), with their kind.",
            "  tipgraph find 'Ministry of Interior'\n  tipgraph find GLOACT --store out/store")
    p.add_argument("text", type=text)
    p.add_argument("--top", type=count(minimum=1), default=10, help="at most this many matches (default 10)")
    _source_options(p)
    return parser


def _version() -> str:
    from . import __version__

    return __version__


def _bug(args: argparse.Namespace, exc: BaseException) -> int:
    """Report a bug in tipgraph in one line (the traceback only with --debug)."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    _err(f"tipgraph {args.command}: internal error ({type(exc).__name__}: {first}); this is a bug in tipgraph, "
         "not in your input: please report it with the command you ran (rerun with --debug for the traceback)")
    if getattr(args, "debug", False):
        import traceback

        traceback.print_exception(exc)
    return errors.EXIT_INTERNAL


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tipgraph`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return errors.EXIT_USAGE
    try:
        return int(args.func(args))
    except errors.InternalError as exc:
        return _bug(args, exc)
    except TipgraphError as exc:
        _err(f"tipgraph {args.command}: error: {exc}")
        return errors.exit_code_for(exc)
    except ImportError as exc:
        _err(f"tipgraph {args.command}: error: {exc} (install the extra it names)")
        return errors.EXIT_INTERNAL
    except BrokenPipeError:  # e.g. piped into head: the reader has all it wanted
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):  # no real descriptor behind sys.stdout (in-process callers)
            pass
        return errors.EXIT_OK
    except Exception as exc:  # noqa: BLE001 - a bug in tipgraph, not the user's input
        return _bug(args, exc)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
