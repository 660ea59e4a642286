"""The ``tipgraph`` command: a thin shell over the Python API (one library call per command).

Exit codes: 0 success, 1 internal error, 2 usage error, 3 data does not conform,
4 bad input (file, SPARQL, name), 5 refused or timed out. See ``tipgraph --help``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import errors
from .errors import BadInputError, TipgraphError

EXIT_CODES = errors.exit_codes_text()

FORMATS = ("table", "csv", "tsv", "json", "sparql-json")


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def _source_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("where the graph comes from")
    g.add_argument("--store", metavar="DIR", type=Path,
                   help="a persistent store written by 'tipgraph build --store DIR' (default: build in memory)")
    g.add_argument("--data", metavar="FILE", type=Path, nargs="+",
                   help="data files (TriG/Turtle/N-Triples/N-Quads) instead of the curated seed")
    g.add_argument("--backend", choices=("oxigraph", "memory"), default="oxigraph",
                   help="store engine when building in memory (default: oxigraph)")


def _limit_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("query limits")
    g.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                   help="stop a query after this many seconds (default 10; 0 = no limit)")
    g.add_argument("--max-rows", type=int, default=10_000, metavar="N",
                   help="return at most N rows and say so when capped (default 10000; 0 = no cap)")
    g.add_argument("--allow-network", action="store_true",
                   help="allow SERVICE and FROM, which make the engine fetch from the web or the file system")


def _open(args: argparse.Namespace) -> Any:
    from . import load

    timeout = getattr(args, "timeout", 10.0)
    max_rows = getattr(args, "max_rows", 10_000)
    kw: dict[str, Any] = {"timeout": timeout or None, "max_rows": max_rows or None,
              "allow_network": getattr(args, "allow_network", False)}
    if args.store is not None:
        if not args.store.is_dir():
            raise BadInputError("no store here; create it with 'tipgraph build --store DIR'", path=str(args.store))
        if args.data:
            raise BadInputError("give either --store or --data, not both")
        return load(path=args.store, **kw)
    return load(args.data, backend=args.backend, **kw)


def _parse_params(items: Sequence[str]) -> dict[str, str]:
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise BadInputError(f"--param takes NAME=VALUE, got {item!r}")
        out[name.lstrip("?$")] = value
    return out


def _print_result(res: Any, fmt: str) -> None:
    if fmt == "table":
        print(res.to_table())
    elif fmt == "csv":
        sys.stdout.write(res.to_csv())
    elif fmt == "tsv":
        sys.stdout.write(res.to_csv("\t"))
    elif fmt == "json":
        print(res.to_json())
    else:
        print(json.dumps(res.to_sparql_json(), ensure_ascii=False, indent=2))
    _err(res.summary())
    if res.truncated:
        _err(f"warning: the result was capped at {res.max_rows} rows; use --max-rows to see more")


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------
def cmd_build(args: argparse.Namespace) -> int:
    from . import build

    kg, rep = build(args.store, data=args.data, backend=args.backend, validate=not args.no_validate,
                    owl=not args.no_owl, owl_timeout=args.owl_timeout)
    kg.close()
    where = f"store {rep.path}" if rep.path else "in memory (nothing saved; use --store DIR to keep it)"
    print(f"built {where}: {rep.triples_asserted} asserted + {rep.triples_inferred} inferred triples")
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

    if args.list:
        for q in named_queries().values():
            params = " ".join(f"{p.name}={p.default}" if p.default else p.name for p in q.params)
            print(f"{q.name}\n    {q.question}" + (f"\n    params: {params}" if params else ""))
        return errors.EXIT_OK
    kg = _open(args)
    bindings = _parse_params(args.param)
    if args.all:
        for name, res in kg.answer_all().items():
            print(f"\n## {name}\n{named_queries()[name].question}\n")
            _print_result(res, args.format)
        return errors.EXIT_OK
    if args.expression is not None:
        text = args.expression
    elif args.query is None:
        raise BadInputError("give a query: a named query (see --list), a .rq file, or -e 'SPARQL'")
    elif Path(args.query).suffix in {".rq", ".sparql"} or Path(args.query).is_file():
        try:
            text = Path(args.query).read_text(encoding="utf-8")
        except OSError as exc:
            raise BadInputError(str(exc), path=args.query) from None
    else:
        text = args.query
    _print_result(kg.query(text, bindings), args.format)
    return errors.EXIT_OK


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
    _err(f"wrote {args.output} ({len(data)} bytes)")
    return errors.EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    kg = _open(args)
    n = kg.add_files(args.files)
    kg.close()
    print(f"added {n} triples from {len(args.files)} file(s)")
    return errors.EXIT_OK


def cmd_map(args: argparse.Namespace) -> int:
    kg = _open(args)
    result = kg.map(args.output, focus=args.focus, depth=args.depth, country=args.country,
                    programme=args.programme, title=args.title, relations=args.relations,
                    collapse_engagements=not args.keep_engagements, layout=args.layout)
    _err(f"wrote {args.output}: {result.nodes} nodes, {result.edges} edges")
    return errors.EXIT_OK


def cmd_analyze(args: argparse.Namespace) -> int:
    kg = _open(args)
    report = kg.analyze(top=args.top, chain=args.chain, ego=args.ego, depth=args.depth, export=args.export)
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else report.text())
    return errors.EXIT_OK


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
    p.add_argument("--store", type=Path, metavar="DIR", help="write a persistent store here (replaced atomically)")
    p.add_argument("--data", type=Path, nargs="+", metavar="FILE", help="data files instead of the curated seed")
    p.add_argument("--backend", choices=("oxigraph", "memory"), default="oxigraph")
    p.add_argument("--no-validate", action="store_true", help="skip SHACL and OWL checks")
    p.add_argument("--no-owl", action="store_true", help="skip the HermiT consistency check (needs Java)")
    p.add_argument("--owl-timeout", type=float, default=120.0, metavar="SECONDS")

    p = add("query", cmd_query, "Answer a named question, a .rq file, or inline SPARQL.",
            "  tipgraph query --list\n"
            "  tipgraph query active-in-country --param country=PK\n"
            "  tipgraph query -e 'SELECT ?c WHERE { ?c a tg:Country }' --format csv\n"
            "  tipgraph query my-question.rq --format sparql-json\n"
            "  tipgraph query --all                    # every named question")
    p.add_argument("query", nargs="?", help="a named query (see --list) or a .rq file")
    p.add_argument("-e", "--expression", metavar="SPARQL", help="inline SPARQL (usual prefixes are predeclared)")
    p.add_argument("--list", action="store_true", help="list the named queries with their questions")
    p.add_argument("--all", action="store_true", help="answer every named query with its default parameters")
    p.add_argument("-p", "--param", action="append", metavar="NAME=VALUE",
                   help="bind a parameter (labels, IRIs and prefixed names accepted); repeatable")
    p.add_argument("-f", "--format", choices=FORMATS, default="table")
    _source_options(p)
    _limit_options(p)

    p = add("validate", cmd_validate, "Check the data against the SHACL shapes and OWL consistency (HermiT).",
            "  tipgraph validate\n  tipgraph validate --data my.trig --no-owl")
    _source_options(p)
    p.add_argument("--no-owl", action="store_true", help="skip the HermiT consistency check")
    p.add_argument("--owl-timeout", type=float, default=120.0, metavar="SECONDS")

    p = add("reason", cmd_reason, "Recompute the inferred graph (OWL 2 RL closure + rules).",
            "  tipgraph reason --store out/store\n  tipgraph reason --engine reasonable   # the cross-check engine")
    p.add_argument("--engine", choices=("rules", "reasonable"),
                   help="rules compiled from the ontology (default on Oxigraph) or reasonable's OWL 2 RL "
                        "closure (default on the memory backend)")
    _source_options(p)

    p = add("stats", cmd_stats, "Count triples per graph, class and relation, asserted vs inferred.",
            "  tipgraph stats\n  tipgraph stats --store out/store --top 50")
    _source_options(p)
    p.add_argument("--top", type=int, default=25, help="rows per table (default 25)")

    p = add("export", cmd_export, "Write the graph as Turtle, N-Triples, TriG, N-Quads or JSON-LD.",
            "  tipgraph export out/tipgraph.trig       # keeps the named graphs\n"
            "  tipgraph export out/tipgraph.ttl --asserted-only")
    p.add_argument("output", type=Path)
    p.add_argument("--format", choices=("turtle", "nt", "trig", "nquads", "jsonld"),
                   help="default: from the file suffix")
    p.add_argument("--asserted-only", action="store_true", help="leave out the inferred graph")
    p.add_argument("--no-ontology", action="store_true", help="leave out the ontology graph")
    _source_options(p)

    p = add("add", cmd_add, "Add data files to a persistent store (all or nothing), then re-reason.",
            "  tipgraph add more.trig --store out/store")
    p.add_argument("files", type=Path, nargs="+")
    _source_options(p)

    p = add("map", cmd_map, "Write a self-contained interactive HTML network map (works offline).",
            "  tipgraph map out/landscape.html\n"
            "  tipgraph map out/unodc.html --focus UNODC --depth 2\n"
            "  tipgraph map out/pakistan.html --country PK\n"
            "  tipgraph map out/protect.html --programme PROTECT")
    p.add_argument("output", type=Path)
    view = p.add_mutually_exclusive_group()
    view.add_argument("--focus", metavar="ACTOR", help="an actor's neighbourhood (label, acronym or IRI)")
    view.add_argument("--country", metavar="COUNTRY", help="everyone active in a country (name or ISO code)")
    view.add_argument("--programme", metavar="PROGRAMME", help="a programme and everyone involved")
    p.add_argument("--depth", type=int, default=2, help="steps around --focus (default 2)")
    p.add_argument("--title", help="title shown on the map")
    p.add_argument("--relations", nargs="+", metavar="RELATION",
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
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--chain", nargs=2, metavar=("FROM", "TO"), help="explain the shortest chain of facts")
    p.add_argument("--ego", metavar="ACTOR", help="the ego network of an actor")
    p.add_argument("--depth", type=int, default=1)
    p.add_argument("--export", type=Path, metavar="FILE", help=".graphml, .gexf or .csv (edge list)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
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
    except Exception as exc:  # noqa: BLE001 - a bug in tipgraph, not the user's input
        return _bug(args, exc)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:  # e.g. piped into head: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return errors.EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
