"""The ``tipgraph serve`` and ``tipgraph push`` commands (hooked into :func:`tipgraph.cli.build_parser`).

``serve`` publishes a built store through the Oxigraph server and waits (Ctrl-C stops it);
``push`` replaces our named graphs on another SPARQL server. Both are one library call
(:func:`tipgraph.serve.serve`, :func:`tipgraph.serve.push`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import EXIT_REFUSED, BadInputError


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the store until Ctrl-C (or until the server exits by itself)."""
    from .serve import serve

    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: listening on {args.host}: anyone who can reach this address can read the whole graph",
              file=sys.stderr)
    server = serve(args.store, host=args.host, port=args.port, timeout_s=args.timeout, cors=args.cors)
    try:
        print(f"serving {args.store} (a snapshot; serve again after 'tipgraph add' to publish changes)")
        print(f"  query page      {server.url}/")
        print(f"  SPARQL endpoint {server.query_url}")
        print(f"  tipgraph        tipgraph query --store {server.location} --all")
        print(f"  read-only; cross-origin requests {'allowed' if args.cors else 'refused'}; "
              f"queries stop after {args.timeout:g} s. Ctrl-C stops the server.", flush=True)
        code = server.wait()
        if code:
            print(f"the Oxigraph server exited with code {code}; its log: {server.log}", file=sys.stderr)
            return EXIT_REFUSED
        return 0
    except KeyboardInterrupt:
        print("stopping the server", file=sys.stderr)
        return 0
    finally:
        server.stop()


def cmd_push(args: argparse.Namespace) -> int:
    """Replace our named graphs on the server at ``--endpoint``; print the counts it holds afterwards."""
    from . import load
    from .serve import push

    if args.store is not None:
        if not args.store.is_dir():
            raise BadInputError("no store here; create it with 'tipgraph build --store DIR'", path=str(args.store))
        kg = load(path=args.store)
    else:
        kg = load(args.data)
    report = push(kg.store, args.endpoint, graphs=args.graph)
    for g, n in report.graphs.items():
        print(f"{n:>9}  {g}")
    print(f"{report.triples:>9}  triples in {len(report.graphs)} graphs, replaced on {report.endpoint}")
    return 0


def add_commands(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``serve`` and ``push`` to the ``tipgraph`` parser; ``add`` is :func:`tipgraph.cli.build_parser`'s helper.

    >>> import argparse
    >>> parser = argparse.ArgumentParser(); sub = parser.add_subparsers()
    >>> def add(name, func, help, examples):
    ...     p = sub.add_parser(name, help=help); p.set_defaults(func=func); return p
    >>> add_commands(sub, add)
    >>> parser.parse_args(["serve", "--store", "out/store"]).port
    7878
    """
    from .serve import DEFAULT_PORT, DEFAULT_TIMEOUT_S

    p = add("serve", cmd_serve, "Publish a built store read-only over SPARQL (the Oxigraph server) until Ctrl-C.",
            "  tipgraph serve --store out/store                 # http://127.0.0.1:7878/\n"
            "  tipgraph serve --store out/store --port 8000 --timeout 10\n"
            "  tipgraph query --store sparql+http://127.0.0.1:7878 --all   # from another terminal")
    p.add_argument("--store", metavar="DIR", type=Path, required=True,
                   help="the store written by 'tipgraph build --store DIR' (a snapshot of it is served)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any free port)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="SECONDS",
                   help=f"the server stops a query after this many seconds (default {DEFAULT_TIMEOUT_S})")
    p.add_argument("--cors", action="store_true",
                   help="allow cross-origin requests (any web page open in a browser here could then read the graph)")

    p = add("push", cmd_push, "Replace our named graphs on a SPARQL server (Graph Store Protocol), then check counts.",
            "  tipgraph push --store out/store --endpoint http://127.0.0.1:7878\n"
            "  tipgraph push --store out/store --endpoint 'http://db:8890/sparql?store=/sparql-graph-crud'\n"
            "  tipgraph push --endpoint http://127.0.0.1:7878 --graph https://w3id.org/tipgraph/graph/inferred")
    p.add_argument("--endpoint", required=True, metavar="URL",
                   help="the server: http(s)://HOST:PORT/PATH, with the options of a sparql+http:// store location")
    p.add_argument("--store", metavar="DIR", type=Path,
                   help="a store written by 'tipgraph build --store DIR' (default: the seed, built in memory)")
    p.add_argument("--data", metavar="FILE", type=Path, nargs="+",
                   help="data files (TriG/Turtle/N-Triples/N-Quads) instead of the curated seed")
    p.add_argument("--graph", metavar="IRI", action="append",
                   help="push only this named graph (repeatable; default: every graph)")
