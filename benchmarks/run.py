"""Benchmark every stage of tipgraph on synthetic landscapes of growing size, beside plain rdflib.

    python benchmarks/run.py --sizes 10k,100k,1m          # what `make bench` runs
    python benchmarks/run.py --quick                       # smallest size, one repetition (smoke test)

For each size the runner generates the landscape (``benchmarks/generate.py``), then runs each
group of stages in a fresh Python process, so that each group's peak memory (``ru_maxrss``) is
its own, under an address-space limit (``--memory-limit``) so that a stage needing more fails on
its own instead of waking the kernel's OOM killer:

``reason-rules``       load, then ``tipgraph.reason.materialise`` with the default rules engine
                       (its inferred graph is written out for the other groups).
``reason-reasonable``  the same with ``engine="reasonable"`` (the previous default), checked to
                       infer the same graph.
``oxigraph``           the default store: ``load_default`` (bulk loader) and the previous path
                       (parse into Python, then add), ``KnowledgeGraph.stats()``, every named query
                       and analyst query (engine time through ``store.execute``; sandboxed time
                       through ``run_query``, answered by the reused worker), the bare fork.
``queries``            every named and analyst query three ways: ``kg.query`` (checks, bindings,
                       the reused sandbox worker, rdflib terms), the bare engine (pyoxigraph, the
                       same text with the values written in) and the bare engine given the values
                       as ``substitutions`` (the path before); the first 100 rows of the bigger
                       answers (``run_query(..., limit=100)``); the worker's round trip and a fork.
                       ``--store-dir`` (a store directory or an N-Quads dump of a reasoned store)
                       runs it by hand on data built once.
``memory``             tipgraph's ``memory`` backend (rdflib's memory store and its own SPARQL
                       engine) on the same data and inferences; each query in a forked child with
                       a time cap.
``rdflib``             plain rdflib: ``Dataset().parse(file, format="trig")``.
``shacl``              ``KnowledgeGraph.validate(owl=False)`` (pySHACL), up to ``--shacl-max``.
``network``            ``tipgraph.network.project``, degree and (k-sampled) betweenness centrality,
                       the HTML map of the whole landscape and one of 10,000 nodes.

Timings are medians after one warm-up run; a stage whose first run takes longer than
``--slow`` seconds is run once and reported as a single sample. Results go to
``<results>/<size>.json`` and ``<results>/summary.md``; with the default results folder the
tables in ``benchmarks/README.md`` are regenerated too.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

DEFAULT_RESULTS = HERE / "results"
DEFAULT_DATA = HERE / "data"
README = HERE / "README.md"
START_MARK = "<!-- results:start -->"
END_MARK = "<!-- results:end -->"
MAX_ROWS = 10_000          # the library's default row cap (tipgraph.sparql.safety.DEFAULT_MAX_ROWS)
WORKERS = ("reason-rules", "reason-reasonable", "oxigraph", "queries", "memory", "rdflib", "shacl", "network")

PREFIXES = """PREFIX tg:   <https://w3id.org/tipgraph/ontology#>
PREFIX tgd:  <https://w3id.org/tipgraph/id/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

#: Heavier questions an analyst asks of a whole region: name -> (what it does, SPARQL).
ANALYST_QUERIES: dict[str, tuple[str, str]] = {
    "agg-per-country": (
        "engagements and distinct organisations per country (GROUP BY)",
        PREFIXES + """SELECT ?country ?label (COUNT(DISTINCT ?org) AS ?organisations) (COUNT(DISTINCT ?e) AS ?engagements)
WHERE {
  ?e tg:engagementCountry ?country ;
     tg:engagedOrganisation ?org .
  ?country a tg:Country ;
           skos:prefLabel ?label .
}
GROUP BY ?country ?label
ORDER BY DESC(?engagements) ?label"""),
    "agg-events-per-country-year": (
        "events, participants and women per country and year, through city -> country (GROUP BY)",
        PREFIXES + """SELECT ?country ?year (COUNT(?event) AS ?events) (SUM(?n) AS ?participants) (SUM(?w) AS ?women)
WHERE {
  ?event tg:heldIn/tg:locatedIn ?country ;
         tg:startDate ?date ;
         tg:participantCount ?n ;
         tg:femaleParticipantCount ?w .
  ?country a tg:Country .
  BIND (YEAR(?date) AS ?year)
}
GROUP BY ?country ?year
ORDER BY ?country ?year"""),
    "programme-hierarchy": (
        "programmes under each top-level programme, through tg:withinFrameworkOf+ (property path)",
        PREFIXES + """SELECT ?top ?topLabel (COUNT(DISTINCT ?programme) AS ?programmes)
WHERE {
  ?programme tg:withinFrameworkOf+ ?top .
  FILTER NOT EXISTS { ?top tg:withinFrameworkOf ?above }
  ?top skos:prefLabel ?topLabel .
}
GROUP BY ?top ?topLabel
ORDER BY DESC(?programmes) ?topLabel"""),
    "two-hop-partners": (
        "organisations two shared programmes away from tgd:org-0003 (co-engagement, two hops; each hop "
        "made DISTINCT in a sub-query, without which it takes 9 s at 100k on Oxigraph)",
        PREFIXES + """SELECT ?partner ?label
WHERE {
  { SELECT DISTINCT ?partner WHERE {
      { SELECT DISTINCT ?middle WHERE {
          ?e1 tg:engagedOrganisation tgd:org-0003 ; tg:engagedProgramme ?p1 .
          ?e2 tg:engagedProgramme ?p1 ; tg:engagedOrganisation ?middle .
      } }
      ?e3 tg:engagedOrganisation ?middle ; tg:engagedProgramme ?p2 .
      ?e4 tg:engagedProgramme ?p2 ; tg:engagedOrganisation ?partner .
      FILTER (?partner != tgd:org-0003)
  } }
  ?partner skos:prefLabel ?label .
}
ORDER BY ?label"""),
    "label-search": (
        "entities whose preferred label contains 'border', case-insensitive (CONTAINS scan)",
        PREFIXES + """SELECT ?entity ?label
WHERE {
  ?entity skos:prefLabel ?label .
  FILTER (CONTAINS(LCASE(STR(?label)), "border"))
}
ORDER BY ?label"""),
}


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------
def size_label(n: int) -> str:
    """10000 -> "10k", 1000000 -> "1m"."""
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def peak_mb() -> float:
    """This process's peak resident memory so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stat(samples: list[float], **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"p50": statistics.median(samples), "min": min(samples), "max": max(samples),
                           "n": len(samples), "samples": [round(s, 6) for s in samples]}
    out.update(extra)
    return out


def measure(fn: Callable[[], Any], repeat: int, *, slow: float, warmup: bool = True,
            setup: Callable[[], Any] | None = None) -> tuple[dict[str, Any], Any]:
    """Median of ``repeat`` runs after one warm-up run; a first run slower than ``slow`` s is the only sample.

    ``setup`` runs (untimed) before each run, e.g. to free the store the previous run built.
    """
    samples: list[float] = []
    result: Any = None
    for i in range(repeat + (1 if warmup else 0)):
        if setup is not None:
            setup()
        gc.collect()
        t = time.perf_counter()
        result = fn()
        dt = time.perf_counter() - t
        if i == 0 and dt > slow:
            return stat([dt], single=True), result
        if i == 0 and warmup:
            continue
        samples.append(dt)
    return stat(samples), result


def in_child(fn: Callable[[], Any], repeat: int, *, cap: float, slow: float) -> dict[str, Any]:
    """Time ``fn`` in a forked child killed after ``cap`` seconds; the child times itself.

    The child runs ``fn`` once, then (if that took less than ``slow`` s) ``repeat`` more times and
    reports the median of those; a child that passes the cap is reported as timed out.
    """
    from tipgraph.errors import QueryTimeoutError
    from tipgraph.process import run_limited

    def body() -> tuple[list[float], Any]:
        samples, result = [], None
        for i in range(1 + repeat):
            t = time.perf_counter()
            result = fn()
            samples.append(time.perf_counter() - t)
            if i == 0 and samples[0] > slow:
                break
        return samples, result

    try:
        samples, result = run_limited(body, cap)
    except QueryTimeoutError:
        return {"timeout": True, "cap": cap}
    except Exception as exc:  # noqa: BLE001 - e.g. the child ran out of its memory limit and died
        return {"failed": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}
    if len(samples) == 1:
        return stat(samples, single=True, result=result)
    return stat(samples[1:], result=result)


class Recorder:
    """Collects a worker's results and writes them after every stage (so a killed worker keeps them)."""

    def __init__(self, path: Path, worker: str) -> None:
        self.path = path
        self.data: dict[str, Any] = {"worker": worker, "stages": {}, "queries": {}, "peak_mb": {}, "errors": [],
                                     "info": {}}

    def stage(self, name: str, value: Any) -> None:
        self.data["stages"][name] = value
        self.data["peak_mb"][name] = round(peak_mb(), 1)
        self.save()

    def query(self, name: str, key: str, value: Any) -> None:
        self.data["queries"].setdefault(name, {})[key] = value
        self.save()

    def error(self, where: str, exc: BaseException) -> None:
        self.data["errors"].append({"where": where, "error": f"{type(exc).__name__}: {exc}",
                                    "trace": traceback.format_exc(limit=4)})
        self.save()

    def save(self) -> None:
        self.data["peak_mb"]["worker"] = round(peak_mb(), 1)
        atomic_write(self.path, json.dumps(self.data, indent=1, default=str))


def all_queries() -> list[tuple[str, str, str, dict[str, Any]]]:
    """(kind, name, sparql, bindings-to-resolve) for every named and analyst query."""
    from tipgraph.query import named_queries

    out = [("named", q.name, q.sparql, {}) for q in sorted(named_queries().values(), key=lambda q: q.name)]
    out += [("analyst", name, sparql, {}) for name, (_, sparql) in ANALYST_QUERIES.items()]
    return out


def bindings_for(store: Any, kind: str, name: str) -> dict[str, Any]:
    """A named query's default parameters; where the synthetic landscape gives a default id to an
    entity of another kind, the first entity of the kind the parameter asks for."""
    from tipgraph.errors import BadInputError
    from tipgraph.query import bind_named, convert_param, execute_bound, named_queries

    if kind != "named":
        return {}
    query = named_queries()[name]
    try:
        return bind_named(store, query, {})
    except BadInputError:
        out = {}
        for p in query.params:
            try:
                out[p.name] = convert_param(store, p, p.default) if p.default is not None else None
            except BadInputError:
                rows = execute_bound(store, "SELECT ?e WHERE { ?e a/rdfs:subClassOf* ?cls } ORDER BY ?e LIMIT 1",
                                     {"cls": p.cls}, 1).rows
                out[p.name] = rows[0][0] if rows else None
        return {k: v for k, v in out.items() if v is not None}


# ---------------------------------------------------------------------------
# Workers (each runs in its own process)
# ---------------------------------------------------------------------------
def worker_oxigraph(args: argparse.Namespace, rec: Recorder) -> None:
    import pyoxigraph as ox

    from tipgraph import KnowledgeGraph
    from tipgraph.loading import load_default, parse_file
    from tipgraph.query import run_query
    from tipgraph.reason import materialise
    from tipgraph.resources import INFERRED_GRAPH, ONTOLOGY_GRAPH, ontology_file
    from tipgraph.process import run_limited
    from tipgraph.sparql import Limits
    from tipgraph.store import open_store

    data = [args.data]
    holder: dict[str, Any] = {}

    def load() -> None:
        store = open_store("oxigraph:")
        holder["counts"] = load_default(store, data=data)
        holder["store"] = store

    def free() -> None:
        holder.pop("store", None)
        gc.collect()

    def load_parsed() -> tuple[list[float], float]:
        """What load_default did before it used the bulk loader, in a child (its peak stays there)."""
        samples: list[float] = []
        for i in range(1 + args.repeat):
            gc.collect()
            t = time.perf_counter()
            other = open_store("oxigraph:")
            other.apply(nquads=parse_file(ontology_file(), graph=ONTOLOGY_GRAPH).nquads + parse_file(args.data).nquads)
            samples.append(time.perf_counter() - t)
            del other
            if i == 0 and samples[0] > args.slow:
                break
        return samples, peak_mb()

    samples, child_peak = run_limited(load_parsed, args.worker_cap)
    rec.stage("load_parsed", stat(samples[1:] or samples, single=len(samples) == 1, peak_mb=round(child_peak, 1)))
    st, _ = measure(load, args.repeat, slow=args.slow, setup=free)
    store = holder["store"]
    rec.data["info"]["quads_loaded"] = holder["counts"]
    rec.stage("load", st)

    # The inferences come from the reason-rules worker (the library's default engine), so that
    # this process's memory is that of a loaded store plus queries.
    dump = Path(args.tmp) / f"inferred-rules-{args.label}.nt"
    if dump.exists():
        store.load(dump, format="ntriples", graph=INFERRED_GRAPH)
    else:
        materialise(store)
        rec.data["info"]["inferences_from"] = "materialise in the oxigraph worker (the reason-rules worker left none)"
    rec.stage("reason_loaded", {"inferred": store.count(INFERRED_GRAPH)})

    kg = KnowledgeGraph(store)
    rec.stage("stats", in_child(lambda: len(kg.stats().graphs), args.repeat, cap=args.stats_cap, slow=args.slow))
    rec.data["info"]["graphs"] = len(store.graphs())

    limits = Limits(timeout=args.query_cap, max_rows=MAX_ROWS)
    for kind, name, sparql, _ in all_queries():
        try:
            b = bindings_for(store, kind, name)
            st, res = measure(lambda: store.execute(sparql, b, MAX_ROWS), args.repeat, slow=args.slow)
            st.update(rows=len(res.rows), truncated=res.truncated, kind=kind)
            rec.query(name, "oxigraph", st)
            st, _ = measure(lambda: run_query(store, sparql, b, limits=limits), args.repeat, slow=args.slow)
            rec.query(name, "sandboxed", st)
        except Exception as exc:  # noqa: BLE001 - report and go on with the next query
            rec.error(f"query {name}", exc)
    rec.stage("queries", {"count": len(rec.data["queries"])})
    st, _ = measure(lambda: run_limited(lambda: None, 60), max(args.repeat, 5), slow=args.slow)
    rec.stage("fork", st)


def worker_reason(args: argparse.Namespace, rec: Recorder) -> None:
    """Load, then materialise with one engine; a fresh process per engine, so the peak is its own."""
    import pyoxigraph as ox

    from tipgraph.loading import load_default
    from tipgraph.reason import materialise
    from tipgraph.resources import INFERRED_GRAPH
    from tipgraph.store import open_store

    engine = args.worker.split("-", 1)[1]
    store = open_store("oxigraph:")
    load_default(store, data=[args.data])
    rec.stage("load", {"quads": store.count()})
    st, rep = measure(lambda: materialise(store, engine=engine), args.repeat, slow=args.slow)
    st.update(inferred=rep.inferred, asserted=rep.asserted, rule_runs_or_rounds=rep.rounds, engine=rep.engine)
    dump = Path(args.tmp) / f"inferred-{engine}-{args.label}.nt"
    dump.write_bytes(b"".join(line.rsplit(b" ", 2)[0] + b" .\n"
                              for line in store.dump().splitlines() if line.endswith(f"<{INFERRED_GRAPH}> .".encode())))
    reference = Path(args.tmp) / f"inferred-rules-{args.label}.nt"
    if engine != "rules" and reference.exists():
        st["same_as_rules"] = set(dump.read_bytes().splitlines()) == set(reference.read_bytes().splitlines())
    rec.stage("reason", st)


def worker_queries(args: argparse.Namespace, rec: Recorder) -> None:
    """Each query three ways: ``kg.query`` (checks, bindings, reused sandbox worker, rdflib terms), the
    bare engine (pyoxigraph with the same text, values written in, solutions read as pyoxigraph
    terms), and the bare engine with the values as ``substitutions`` (the library's path before)."""
    import pyoxigraph as ox

    from tipgraph import KnowledgeGraph
    from tipgraph.loading import load_default
    from tipgraph.namespace import PREFIXES as NS, shorten
    from tipgraph.process import run_limited
    from tipgraph.query import _project_bound, named_queries, run_query
    from tipgraph.reason import materialise
    from tipgraph.resources import INFERRED_GRAPH
    from tipgraph.sparql import Limits
    from tipgraph.sparql.inline import inline_bindings
    from tipgraph.store import OxigraphStore, open_store
    from tipgraph.store.oxigraph import to_ox

    if args.store_dir and args.store_dir.endswith(".nq"):  # a dump of a reasoned store (fast to read)
        store = open_store("oxigraph:")
        store.load(Path(args.store_dir), format="nquads")
    elif args.store_dir:
        store = OxigraphStore(args.store_dir)
    else:
        store = open_store("oxigraph:")
        load_default(store, data=[args.data])
        reference = Path(args.tmp) / f"inferred-rules-{args.label}.nt"
        if reference.exists():  # the inferences the reason-rules worker computed (same library, same data)
            store.load(reference, format="ntriples", graph=INFERRED_GRAPH)
        else:
            materialise(store)
    rec.stage("load", {"quads": store.count(), "inferred": store.count(INFERRED_GRAPH)})
    engine = store._ox
    kg = KnowledgeGraph(store)
    limits = Limits(timeout=args.query_cap, max_rows=MAX_ROWS)
    named = named_queries()

    def bare(text: str, subs: dict[Any, Any] | None = None) -> int:
        res: Any = engine.query(text, use_default_graph_as_union=True, prefixes=NS, substitutions=subs or {})
        if isinstance(res, ox.QueryBoolean):
            return 1
        n = 0
        for sol in res:
            tuple(sol)
            n += 1
            if n > MAX_ROWS:
                break
        return n

    for kind, name, sparql, _ in all_queries():
        try:
            b = bindings_for(store, kind, name)
            text, _added = _project_bound(sparql, b)
            inlined = inline_bindings(text, b)
            plan = named[name].plan if kind == "named" else "inline"
            rec.query(name, "plan", {"inlined": (inlined is not None and plan == "inline") or not b, "kind": kind})
            st, n = measure(lambda: bare(inlined if inlined is not None else text,
                                         None if inlined is not None else {ox.Variable(k): to_ox(v) for k, v in b.items()}),
                            args.repeat, slow=args.slow)
            st.update(rows=min(n, MAX_ROWS), truncated=n > MAX_ROWS)
            rec.query(name, "bare", st)
            if b:
                subs = {ox.Variable(k): to_ox(v) for k, v in b.items()}
                st, _ = measure(lambda: bare(text, subs), args.repeat, slow=args.slow)
                rec.query(name, "bare_substitutions", st)
            if kind == "named":
                params = {k: shorten(v) for k, v in b.items()}
                ask = lambda: kg.query(name, timeout=args.query_cap, max_rows=MAX_ROWS, **params)  # noqa: E731
                query = named[name]
            else:
                ask = lambda: kg.query(sparql, timeout=args.query_cap, max_rows=MAX_ROWS)  # noqa: E731
                query = None
            st, res = measure(ask, args.repeat, slow=args.slow)
            st.update(rows=len(res.rows), worker=res.worker)
            rec.query(name, "tipgraph", st)
            if len(res.rows) > 100:
                st, page = measure(lambda: run_query(store, query.sparql if query else sparql, b, limits=limits,
                                                     limit=100), args.repeat, slow=args.slow)
                st.update(rows=len(page.rows), same=[tuple(r) for r in page.rows] == [tuple(r) for r in res.rows[:100]])
                rec.query(name, "first100", st)
        except Exception as exc:  # noqa: BLE001 - report and go on with the next query
            rec.error(f"query {name}", exc)
    st, res = measure(lambda: kg.query("ASK { }"), max(args.repeat, 5), slow=args.slow)
    st.update(worker=res.worker)
    rec.stage("worker_roundtrip", st)
    st, _ = measure(lambda: engine.query("ASK { }"), max(args.repeat, 5), slow=args.slow)
    rec.stage("engine_ask", st)
    st, _ = measure(lambda: run_limited(lambda: None, 60), max(args.repeat, 5), slow=args.slow)
    rec.stage("fork", st)
    rec.stage("queries", {"count": len(rec.data["queries"])})


def _same_rows(a: Any, b: Any) -> bool:
    """Same rows in any order; GROUP_CONCAT cells compared as sets of their parts."""
    def norm(res: Any) -> list[tuple[str, ...]]:
        return sorted(tuple(", ".join(sorted(str(x).split(", "))) if x is not None else "" for x in row)
                      for row in res.rows)
    return a.vars == b.vars and norm(a) == norm(b)


def worker_memory(args: argparse.Namespace, rec: Recorder) -> None:
    import pyoxigraph as ox

    from tipgraph.loading import load_default
    from tipgraph.reason import materialise
    from tipgraph.resources import INFERRED_GRAPH
    from tipgraph.store import open_store

    holder: dict[str, Any] = {}

    def load() -> None:
        store = open_store("memory:")
        load_default(store, data=[args.data])
        holder["store"] = store

    def free() -> None:
        holder.pop("store", None)
        gc.collect()

    st, _ = measure(load, args.repeat, slow=args.slow, setup=free)
    store = holder["store"]
    rec.stage("load", st)
    # Reasoning with rdflib's engine for the rules, in a child (its result is thrown away) ...
    st = in_child(lambda: materialise(store).inferred, 0, cap=args.reason_cap, slow=args.slow)
    if "result" in st:
        st["inferred"] = st.pop("result")
    rec.stage("reason", st)
    # ... and the same inferences as the oxigraph store's, so that both answer the same questions.
    reference = Path(args.tmp) / f"inferred-rules-{args.label}.nt"
    if reference.exists():
        before = store.count()
        store.load(reference, format="ntriples", graph=INFERRED_GRAPH)
        rec.data["info"]["inferred_added"] = store.count() - before
    else:
        materialise(store)
        rec.data["info"]["inferred_added"] = "computed here"
    for kind, name, sparql, _ in all_queries():
        try:
            b = bindings_for(store, kind, name)
            rec.query(name, "memory", in_child(lambda: len(store.execute(sparql, b, MAX_ROWS).rows),
                                               args.repeat, cap=args.memory_cap, slow=1.0))
        except Exception as exc:  # noqa: BLE001
            rec.error(f"query {name}", exc)
    rec.stage("queries", {"count": len(rec.data["queries"])})


def worker_rdflib(args: argparse.Namespace, rec: Recorder) -> None:
    from rdflib import Dataset

    holder: dict[str, Any] = {}

    def parse() -> None:
        ds = Dataset()
        ds.parse(args.data, format="trig")
        holder["ds"] = ds

    def free() -> None:
        holder.pop("ds", None)
        gc.collect()

    st, _ = measure(parse, args.repeat, slow=args.slow, setup=free)
    rec.stage("load", st)


def worker_shacl(args: argparse.Namespace, rec: Recorder) -> None:
    import tipgraph

    kg = tipgraph.load([args.data], reason=False)
    rec.stage("load", {"p50": 0.0, "n": 0})
    t = time.perf_counter()
    res = kg.validate(owl=False)
    total = time.perf_counter() - t
    rec.stage("validate", stat([total], single=True, conforms=res.shacl.conforms,
                               violations=len(res.shacl.violations), pyshacl_seconds=res.shacl.seconds))


def worker_network(args: argparse.Namespace, rec: Recorder) -> None:
    import networkx as nx

    import tipgraph

    kg = tipgraph.load([args.data])
    rec.stage("load", {"p50": 0.0, "n": 0})
    try:
        from tipgraph.network import project
    except ImportError as exc:
        rec.stage("project", {"skipped": f"tipgraph.network is not available ({exc})"})
        return
    st, G = measure(lambda: project(kg.store), args.repeat, slow=args.slow)
    st.update(nodes=G.number_of_nodes(), edges=G.number_of_edges())
    rec.stage("project", st)
    H = nx.Graph(G)
    st, _ = measure(lambda: nx.degree_centrality(H), args.repeat, slow=args.slow)
    rec.stage("degree", st)
    k = min(args.betweenness_k, H.number_of_nodes())
    st, _ = measure(lambda: nx.betweenness_centrality(H, k=k, seed=42), 1, slow=args.slow, warmup=False)
    st.update(k=k)
    rec.stage("betweenness", st)
    try:
        import tipgraph.maps  # noqa: F401
    except ImportError as exc:
        rec.stage("map", {"skipped": f"tipgraph.maps is not available ({exc})"})
        return
    out = Path(args.tmp) / f"map-{args.label}.html"
    if G.number_of_nodes() > args.map_max_nodes:
        rec.stage("map", {"skipped": f"{G.number_of_nodes():,} nodes, above --map-max-nodes {args.map_max_nodes:,}"})
    else:
        _whole_map(kg, out, args, rec)
    _map_10k(G, H, args, rec)


def _whole_map(kg: Any, out: Path, args: argparse.Namespace, rec: Recorder) -> None:
    def whole() -> Any:
        res = kg.map()
        res.save(out)
        return res

    st, res = measure(whole, 1, slow=args.slow)
    st.update(nodes=res.nodes, edges=res.edges, bytes=out.stat().st_size)
    rec.stage("map", st)


def _map_10k(G: Any, H: Any, args: argparse.Namespace, rec: Recorder) -> None:
    from tipgraph.maps import render_html

    # A map of about 10,000 nodes: the neighbourhood of the biggest implementer, grown breadth-first.
    if G.number_of_nodes() >= 10_000:
        start = "https://w3id.org/tipgraph/id/org-0003"
        seen = {start}
        frontier = [start]
        while frontier and len(seen) < 10_000:
            nxt = []
            for v in frontier:
                for u in H.neighbors(v):
                    if u not in seen and len(seen) < 10_000:
                        seen.add(u)
                        nxt.append(u)
            frontier = nxt
        view = G.subgraph(seen).copy()
        out10 = Path(args.tmp) / f"map10k-{args.label}.html"
        st, _ = measure(lambda: out10.write_text(render_html(view, title="10k nodes"), encoding="utf-8"), 1,
                        slow=args.slow)
        st.update(nodes=view.number_of_nodes(), edges=view.number_of_edges(), bytes=out10.stat().st_size)
        rec.stage("map10k", st)


WORKER_FUNCS = {"reason-rules": worker_reason, "reason-reasonable": worker_reason,
                "oxigraph": worker_oxigraph, "queries": worker_queries, "memory": worker_memory,
                "rdflib": worker_rdflib, "shacl": worker_shacl, "network": worker_network}


def run_worker(args: argparse.Namespace) -> int:
    if args.memory_limit:
        # Protect the machine: past this much address space an allocation fails (and a
        # forked child that hits it dies) instead of the kernel's OOM killer picking a victim.
        limit = int(args.memory_limit * 1024 ** 3)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    rec = Recorder(Path(args.json), args.worker)
    rec.data["info"]["pid"] = os.getpid()
    try:
        WORKER_FUNCS[args.worker](args, rec)
    except Exception as exc:  # noqa: BLE001 - the parent reads the error from the JSON
        rec.error(args.worker, exc)
        return 1
    finally:
        rec.save()
    return 0


# ---------------------------------------------------------------------------
# The parent: generate, run the workers, write results and tables
# ---------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    def version(dist: str) -> str:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return {
        "cores": os.cpu_count(), "cpu": cpu, "ram_gib": round(ram, 1),
        "python": platform.python_version(), "platform": platform.platform(),
        "versions": {d: version(d) for d in ("tipgraph", "rdflib", "pyoxigraph", "oxrdflib", "reasonable",
                                                 "pyshacl", "networkx")},
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def launch(worker: str, args: argparse.Namespace, label: str, data: Path, tmp: Path, cap: float) -> dict[str, Any]:
    out = tmp / f"{worker}-{label}.json"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", worker, "--json", str(out),
           "--data", str(data), "--label", label, "--tmp", str(tmp), "--repeat", str(args.repeat),
           "--slow", str(args.slow), "--query-cap", str(args.query_cap), "--memory-cap", str(args.memory_cap),
           "--reason-cap", str(args.reason_cap), "--stats-cap", str(args.stats_cap),
           "--betweenness-k", str(args.betweenness_k), "--reason-worker-cap", str(args.reason_worker_cap),
           "--memory-limit", str(args.memory_limit), "--map-max-nodes", str(args.map_max_nodes),
           "--worker-cap", str(args.worker_cap)]
    started = time.perf_counter()
    env = dict(os.environ, RUST_BACKTRACE="0")  # a reasoner that runs out of memory prints one line, not 60
    err_path = tmp / f"{worker}-{label}.stderr"
    err = open(err_path, "wb")
    proc = subprocess.Popen(cmd, start_new_session=True, stdin=subprocess.DEVNULL, env=env, stderr=err)
    timed_out = False
    try:
        proc.wait(timeout=cap)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
    finally:
        try:  # forked query children of the worker, if any survived it
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    err.close()
    result: dict[str, Any] = {"worker": worker, "stages": {}, "queries": {}, "peak_mb": {}, "errors": []}
    if out.exists():
        result = json.loads(out.read_text(encoding="utf-8"))
    tail = [line for line in err_path.read_text(encoding="utf-8", errors="replace").splitlines()
            if line.strip() and "RUST_BACKTRACE" not in line][-3:]
    if tail:
        result["stderr_tail"] = tail
        sys.stderr.write("".join(f"      {line}\n" for line in tail) if proc.returncode else "")
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    result["exit_code"] = proc.returncode
    if timed_out:
        result["timed_out"] = cap
    return result


def run_size(n: int, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    from generate import generate

    label = size_label(n)
    data_dir = Path(args.data_dir)
    path = data_dir / f"synthetic-{label}.trig"
    print(f"== {label}: generating {path}", flush=True)
    gen = generate(n, args.seed, path)
    result: dict[str, Any] = {
        "size": label, "target": n, "triples": gen.triples, "seed": args.seed, "graphs": gen.graphs,
        "entities": gen.entities, "generate_seconds": round(gen.seconds, 2), "repeat": args.repeat,
        "machine": machine(), "workers": {},
    }
    caps = {w: args.worker_cap for w in WORKERS}
    caps.update({"shacl": args.shacl_cap, "reason-rules": args.reason_worker_cap,
                 "reason-reasonable": args.reason_worker_cap})
    for worker in args.workers:
        if worker == "shacl" and n > args.shacl_max:
            result["workers"][worker] = {"skipped": f"above --shacl-max {size_label(args.shacl_max)} triples"}
            print(f"   {worker}: skipped (above --shacl-max)", flush=True)
            continue
        print(f"   {worker} ...", end="", flush=True)
        res = launch(worker, args, label, path, tmp, caps[worker])
        result["workers"][worker] = res
        note = " (timed out)" if res.get("timed_out") else ""
        errs = f", {len(res.get('errors', []))} error(s)" if res.get("errors") else ""
        print(f" {res['wall_seconds']} s, peak {res.get('peak_mb', {}).get('worker', '?')} MiB{note}{errs}",
              flush=True)
    return result


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------
def fmt(st: Any) -> str:
    """A timing cell: '12.3 ms', '4.56 s', '> 30 s (timed out)', or a dash."""
    if not isinstance(st, dict):
        return "–"
    if st.get("skipped"):
        return "not run" if st["skipped"] == "not run" else "skipped"
    if st.get("timeout"):
        return f"> {st['cap']:g} s (timed out)"
    if st.get("failed"):
        return "failed ²"
    if "p50" not in st:
        return "–"
    return secs(st["p50"]) + (" ¹" if st.get("single") else "")


def secs(s: float) -> str:
    if s < 0.001:
        return f"{s * 1e6:.0f} µs"
    if s < 1:
        return f"{s * 1000:.1f} ms"
    if s < 100:
        return f"{s:.2f} s"
    return f"{s:.0f} s"


def ratio(slow: Any, fast: Any) -> str:
    """How many times faster ``fast`` is than ``slow``."""
    if not isinstance(fast, dict) or "p50" not in fast or fast["p50"] <= 0:
        return "–"
    if isinstance(slow, dict) and slow.get("timeout"):
        return f"> {slow['cap'] / fast['p50']:,.0f}×"
    if not isinstance(slow, dict) or "p50" not in slow:
        return "–"
    r = slow["p50"] / fast["p50"]
    return f"{r:,.0f}×" if r >= 10 else f"{r:.1f}×"


def _worker_failure(r: dict[str, Any], worker: str) -> dict[str, Any] | None:
    """A worker that died (e.g. aborted at the memory limit) or was stopped, as a table cell."""
    w = r.get("workers", {}).get(worker)
    if not isinstance(w, dict):
        return None
    if w.get("timed_out"):
        return {"timeout": True, "cap": w["timed_out"]}
    if w.get("exit_code") not in (0, None):
        said = "; it said: " + " / ".join(w["stderr_tail"]) if w.get("stderr_tail") else ""
        return {"failed": f"the process ended with code {w['exit_code']} (-6 = aborted){said}"}
    return None


def _peak(r: dict[str, Any], worker: str) -> str:
    v_ = get(r, worker, "peak_mb", "worker")
    if not isinstance(v_, (int, float)):
        return "–"
    return ("> " if _worker_failure(r, worker) else "") + f"{v_:,.0f} MiB"


def get(res: dict[str, Any], worker: str, *keys: str) -> Any:
    if worker not in res.get("workers", {}):
        return {"skipped": "not run"} if keys and keys[0] == "stages" else None
    cur: Any = res.get("workers", {}).get(worker, {})
    if isinstance(cur, dict) and cur.get("skipped") and keys and keys[0] == "stages":
        return {"skipped": cur["skipped"]}
    for k in keys:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(k)
    return cur


def render_tables(results: list[dict[str, Any]]) -> str:
    if not results:
        return "No results yet: run `make bench`.\n"
    m = results[-1]["machine"]
    v = m["versions"]
    lines = [
        f"Measured on {m['date']}: {m['cores']} cores ({m['cpu'] or 'unknown CPU'}), {m['ram_gib']} GiB RAM, "
        f"Python {m['python']}, {m['platform']}; tipgraph {v['tipgraph']}, rdflib {v['rdflib']}, "
        f"pyoxigraph {v['pyoxigraph']}, oxrdflib {v['oxrdflib']}, reasonable {v['reasonable']}, "
        f"pySHACL {v['pyshacl']}, networkx {v['networkx']}. Medians of {results[-1]['repeat']} runs after a "
        "warm-up; ¹ = a single run (the first run took longer than the `--slow` limit); ² = failed (see "
        "*Problems during the run*). Ratios say how many times faster the second is than the first.",
        "",
        "### Data",
        "",
        "| size | triples | named graphs | organisations | programmes | engagements | events | people | "
        "generated in | measured |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        e = r["entities"]
        lines.append(f"| {r['size']} | {r['triples']:,} | {r['graphs']:,} | {e.get('org', 0):,} | "
                     f"{e.get('prg', 0):,} | {e.get('eng', 0):,} | {e.get('evt', 0):,} | {e.get('per', 0):,} | "
                     f"{secs(r['generate_seconds'])} | {r['machine']['date']} |")

    lines += ["", "### Load (ontology + data into a new store)", "",
              "| size | tipgraph oxigraph (`load_default`: Oxigraph's bulk loader) | parse into Python, then add "
              "(the previous `load_default`) | tipgraph memory backend | plain rdflib `Dataset.parse` | "
              "rdflib ÷ oxigraph |",
              "|---|---:|---:|---:|---:|---:|"]
    for r in results:
        ox_ = get(r, "oxigraph", "stages", "load")
        lines.append(f"| {r['size']} | {fmt(ox_)} | {fmt(get(r, 'oxigraph', 'stages', 'load_parsed'))} | "
                     f"{fmt(get(r, 'memory', 'stages', 'load'))} | {fmt(get(r, 'rdflib', 'stages', 'load'))} | "
                     f"{ratio(get(r, 'rdflib', 'stages', 'load'), ox_)} |")

    lines += ["", "### Validation (SHACL, `kg.validate(owl=False)`)", "",
              "| size | total | of which pySHACL | conforms | violations | peak memory |", "|---|---:|---:|---|---:|---:|"]
    for r in results:
        w = r["workers"].get("shacl", {})
        st = get(r, "shacl", "stages", "validate")
        if "shacl" not in r["workers"]:
            lines.append(f"| {r['size']} | not run | | | | |")
        elif w.get("skipped"):
            lines.append(f"| {r['size']} | skipped: {w['skipped']} | | | | |")
        elif w.get("timed_out"):
            lines.append(f"| {r['size']} | > {w['timed_out']:g} s (timed out) | | | | {w['peak_mb'].get('worker')} MiB |")
        elif isinstance(st, dict) and "p50" in st:
            lines.append(f"| {r['size']} | {fmt(st)} | {secs(st['pyshacl_seconds'])} | {st['conforms']} | "
                         f"{st['violations']} | {w['peak_mb'].get('worker')} MiB |")
        else:
            lines.append(f"| {r['size']} | failed | | | | |")

    lines += ["", "### Reasoning (materialisation of the inferred graph)", "",
              "| size | inferred triples | `materialise` on oxigraph (rules engine, the default) | peak memory | "
              "`engine=\"reasonable\"` (the previous default) | peak memory | speed-up | same inferences | "
              "`materialise` on the memory backend (reasonable) |",
              "|---|---:|---:|---:|---:|---:|---:|---|---:|"]
    for r in results:
        lib = get(r, "reason-rules", "stages", "reason")
        old = get(r, "reason-reasonable", "stages", "reason")
        if not isinstance(old, dict) or ("p50" not in old and not old.get("skipped")):
            old = _worker_failure(r, "reason-reasonable") or old
        if not isinstance(lib, dict) or ("p50" not in lib and not lib.get("skipped")):
            lib = _worker_failure(r, "reason-rules") or lib
        inferred = lib.get("inferred") if isinstance(lib, dict) else None
        same = old.get("same_as_rules", "–") if isinstance(old, dict) else "–"
        lines.append((f"| {r['size']} | {inferred:,} | " if isinstance(inferred, int) else f"| {r['size']} | – | ")
                     + f"{fmt(lib)} | {_peak(r, 'reason-rules')} | {fmt(old)} | {_peak(r, 'reason-reasonable')} | "
                     f"{ratio(old, lib)} | {same} | {fmt(get(r, 'memory', 'stages', 'reason'))} |")

    lines += query_tables(results)

    lines += ["", "### Network and map", "",
              "| size | nodes | edges | projection | degree centrality | betweenness (k-sampled) | "
              "map of the whole landscape | map of ~10k nodes |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        pj = get(r, "network", "stages", "project")
        bt = get(r, "network", "stages", "betweenness")
        mp = get(r, "network", "stages", "map")
        m10 = get(r, "network", "stages", "map10k")
        nodes = pj.get("nodes", "–") if isinstance(pj, dict) else "–"
        edges = pj.get("edges", "–") if isinstance(pj, dict) else "–"
        bt_text = f"{fmt(bt)} (k={bt['k']})" if isinstance(bt, dict) and "k" in bt else fmt(bt)
        mp_text = (f"{fmt(mp)} ({mp['bytes'] / 1e6:.1f} MB)" if isinstance(mp, dict) and "bytes" in mp
                   else fmt(mp))
        m10_text = (f"{fmt(m10)} ({m10['nodes']:,} nodes)" if isinstance(m10, dict) and "nodes" in m10
                    else "– (graph smaller)" if isinstance(pj, dict) and "nodes" in pj else fmt(m10))
        lines.append(f"| {r['size']} | {nodes if isinstance(nodes, str) else f'{nodes:,}'} | "
                     f"{edges if isinstance(edges, str) else f'{edges:,}'} | {fmt(pj)} | "
                     f"{fmt(get(r, 'network', 'stages', 'degree'))} | {bt_text} | {mp_text} | {m10_text} |")

    lines += ["", "### Peak memory (resident, MiB, each group in its own process)", "",
              "| size | oxigraph: load | load + reasoning (rules) | load + reasoning (reasonable) | load + queries | "
              "memory backend | plain rdflib parse | SHACL | network + map |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        def pk(worker: str, stage: str = "worker") -> str:
            v_ = get(r, worker, "peak_mb", stage)
            return f"{v_:,.0f}" if isinstance(v_, (int, float)) else "–"

        def child(worker: str) -> str:
            failure = _worker_failure(r, worker)
            text = pk(worker)
            return f"> {text} (failed ²)" if failure and text != "–" else text
        lines.append(f"| {r['size']} | {pk('oxigraph', 'load')} | {child('reason-rules')} | {child('reason-reasonable')} | "
                     f"{pk('oxigraph')} | {pk('memory')} | {pk('rdflib')} | {pk('shacl')} | {pk('network')} |")

    problems = []
    for r in results:
        for w, res in r["workers"].items():
            if isinstance(res, dict):
                failure = _worker_failure(r, w)
                if failure and failure.get("failed"):
                    problems.append(f"- {r['size']} {w}: {failure['failed']}.")
                if res.get("timed_out"):
                    problems.append(f"- {r['size']} {w}: the worker passed its cap of {res['timed_out']:g} s "
                                    "and was stopped; later stages are missing.")
                for e in res.get("errors", []):
                    problems.append(f"- {r['size']} {w}: {e['where']}: {e['error'].splitlines()[0][:300]}")
                for name, st in (res.get("stages") or {}).items():
                    if isinstance(st, dict) and st.get("failed"):
                        problems.append(f"- {r['size']} {w} {name}: failed: {st['failed'][:300]}")
                for name, cells in (res.get("queries") or {}).items():
                    for key, st in cells.items():
                        if isinstance(st, dict) and st.get("failed"):
                            problems.append(f"- {r['size']} {w} query {name} ({key}): failed: {st['failed'][:300]}")
                info = res.get("info") or {}
                if info.get("inferences_from"):
                    problems.append(f"- {r['size']} {w}: the inferences the queries used came from "
                                    f"{info['inferences_from']}.")
    if problems:
        lines += ["", "### Problems during the run", ""] + problems
    return "\n".join(lines) + "\n"


def overhead(slow: Any, fast: Any) -> str:
    """``slow`` ÷ ``fast`` with two decimals (how much the library adds to the engine)."""
    if not (isinstance(slow, dict) and isinstance(fast, dict) and slow.get("p50") and fast.get("p50")):
        return "–"
    return f"{slow['p50'] / fast['p50']:.2f}×"


def query_tables(results: list[dict[str, Any]]) -> list[str]:
    """One table of every query per size (tipgraph, bare pyoxigraph, plain rdflib), then the sandbox."""
    lines: list[str] = []
    for r in results:
        triples = f" ({r['triples']:,} triples)" if isinstance(r.get("triples"), int) else ""
        lines += ["", f"### Queries at {r['size']}{triples}", "",
                  "tipgraph = `kg.query` (the checks, the bindings, the reused sandbox worker, rows as rdflib "
                  "terms); bare = pyoxigraph running the same text with the values written in, solutions read "
                  "as pyoxigraph terms; substitutions = the bare engine given the values as `substitutions` (the "
                  "library's path before); first 100 = `run_query(..., limit=100)`; memory = tipgraph's "
                  "rdflib backend (its own SPARQL engine).",
                  "",
                  "| query | rows | tipgraph | bare pyoxigraph | tipgraph ÷ bare | substitutions (before) | "
                  "first 100 rows | memory (rdflib) |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        q_q = get(r, "queries", "queries") or {}
        me_q = get(r, "memory", "queries") or {}
        for name in list(q_q) or list(me_q):
            q = q_q.get(name, {})
            tg, bare = q.get("tipgraph"), q.get("bare")
            rows = tg.get("rows", "–") if isinstance(tg, dict) else "–"
            if isinstance(bare, dict) and bare.get("truncated"):
                rows = f"{rows} (capped)"
            tag = " †" if name in ANALYST_QUERIES else ""
            plan = q.get("plan", {})
            sub = "" if plan.get("inlined", True) else " ⁴"
            first = q.get("first100")
            first_text = "" if first is None else fmt(first) + ("" if first.get("same") else " (rows differ!)")
            lines.append(f"| {name}{tag}{sub} | {rows} | {fmt(tg)} | {fmt(bare)} | {overhead(tg, bare)} | "
                         f"{fmt(q.get('bare_substitutions'))} | {first_text} | {fmt(me_q.get(name, {}).get('memory'))} |")
        lines.append("")
        lines.append("† analyst query (see `ANALYST_QUERIES` in `benchmarks/run.py`); the others are the named "
                     "competency questions of `ontology/queries/` with their default parameters. "
                     "⁴ values left as substitutions (see `tipgraph.sparql.inline`).")
    lines += ["", "### Sandbox, statistics", "",
              "| size | a fork per query (`run_limited(lambda: None)`, before) | reused worker: `kg.query(\"ASK { }\")` "
              "| the engine alone: `ASK { }` | `kg.stats()` |",
              "|---|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['size']} | {fmt(get(r, 'queries', 'stages', 'fork'))} | "
                     f"{fmt(get(r, 'queries', 'stages', 'worker_roundtrip'))} | "
                     f"{fmt(get(r, 'queries', 'stages', 'engine_ask'))} | {fmt(get(r, 'oxigraph', 'stages', 'stats'))} |")
    return lines


def update_readme(tables: str, readme: Path) -> None:
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    block = f"{START_MARK}\n{tables}{END_MARK}"
    if START_MARK in text and END_MARK in text:
        before = text.split(START_MARK, 1)[0]
        after = text.split(END_MARK, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n## Results\n\n" + block + "\n"
    atomic_write(readme, text)


def main(argv: list[str] | None = None) -> int:
    from generate import parse_size

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10k,100k,1m", help="comma-separated sizes (default 10k,100k,1m)")
    p.add_argument("--repeat", type=int, default=3, help="measured runs per stage after the warm-up (default 3)")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: the smallest size only, one repetition, short caps")
    p.add_argument("--results", type=Path, default=DEFAULT_RESULTS,
                   help="folder for <size>.json and summary.md (default benchmarks/results)")
    p.add_argument("--readme", type=Path, default=None,
                   help="README whose results block to regenerate (default: benchmarks/README.md when "
                        "--results is the default folder, else none)")
    p.add_argument("--data-dir", type=Path, default=DEFAULT_DATA, help="where generated data goes")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--render-only", action="store_true",
                   help="measure nothing: rebuild summary.md (and the README tables) from <results>/*.json")
    p.add_argument("--workers", default=",".join(WORKERS), help=f"which groups to run (default {','.join(WORKERS)})")
    p.add_argument("--slow", type=float, default=10.0,
                   help="a stage whose first run takes longer than this many seconds is run only once (default 10)")
    p.add_argument("--query-cap", type=float, default=120.0, help="time limit of a sandboxed oxigraph query (s)")
    p.add_argument("--memory-cap", type=float, default=None,
                   help="time limit of a query on the memory backend (default 60 s; 20 s above 100k triples)")
    p.add_argument("--reason-cap", type=float, default=300.0, help="time limit of materialise on the memory backend")
    p.add_argument("--stats-cap", type=float, default=300.0, help="time limit of kg.stats()")
    p.add_argument("--reason-worker-cap", type=float, default=900.0,
                   help="time limit of each reasoning worker (load + all repetitions; default 900 s)")
    p.add_argument("--memory-limit", type=float, default=12.0,
                   help="address-space limit of each worker process in GiB (default 12; 0 = none)")
    p.add_argument("--map-max-nodes", type=int, default=60_000,
                   help="largest network drawn as one whole-landscape map (default 60000 nodes)")
    p.add_argument("--shacl-max", default="100k", help="largest size validated with SHACL (default 100k)")
    p.add_argument("--shacl-cap", type=float, default=1200.0, help="time limit of the SHACL worker (s)")
    p.add_argument("--worker-cap", type=float, default=2400.0, help="time limit of any other worker (s)")
    p.add_argument("--betweenness-k", type=int, default=100,
                   help="sources sampled for betweenness centrality (default 100)")
    # Internal: run one worker.
    p.add_argument("--worker", choices=WORKERS, help=argparse.SUPPRESS)
    p.add_argument("--json", help=argparse.SUPPRESS)
    p.add_argument("--data", help=argparse.SUPPRESS)
    p.add_argument("--label", help=argparse.SUPPRESS)
    p.add_argument("--tmp", help=argparse.SUPPRESS)
    p.add_argument("--store-dir", help="queries worker run by hand: read this store directory instead of --data")
    args = p.parse_args(argv)

    if args.worker:
        if args.memory_cap is None:
            args.memory_cap = 60.0
        return run_worker(args)

    sizes = sorted(parse_size(s) for s in args.sizes.split(",") if s.strip())
    if args.quick:
        sizes = sizes[:1]
        args.repeat = 1
        args.query_cap = min(args.query_cap, 30.0)
        args.reason_cap = min(args.reason_cap, 60.0)
        args.stats_cap = min(args.stats_cap, 60.0)
        args.betweenness_k = min(args.betweenness_k, 100)
        args.memory_cap = args.memory_cap or 5.0
        args.reason_worker_cap = min(args.reason_worker_cap, 300.0)
    args.shacl_max = parse_size(args.shacl_max)
    args.workers = [w.strip() for w in args.workers.split(",") if w.strip()]
    unknown = set(args.workers) - set(WORKERS)
    if unknown:
        p.error(f"unknown worker(s) {sorted(unknown)}; choose from {', '.join(WORKERS)}")
    readme = args.readme
    if readme is None and args.results.resolve() == DEFAULT_RESULTS.resolve():
        readme = README
    tmp = args.results / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    explicit_memory_cap = args.memory_cap
    results = []
    for n in ([] if args.render_only else sizes):
        args.memory_cap = explicit_memory_cap or (20.0 if n > 100_000 else 60.0)
        res = run_size(n, args, tmp)
        res["memory_cap"] = args.memory_cap
        path = args.results / f"{res['size']}.json"
        if set(args.workers) != set(WORKERS) and path.exists():
            # A run of some groups only: keep the other groups' results for this size.
            old = json.loads(path.read_text(encoding="utf-8"))
            if (old.get("triples"), old.get("seed")) == (res["triples"], res["seed"]):
                old["workers"].update(res["workers"])
                old["machine"] = res["machine"]
                res = old
        atomic_write(path, json.dumps(res, indent=1, default=str))
        results.append(res)
    # Sizes measured earlier into the same folder stay in the tables.
    done = {r["size"] for r in results}
    for f in args.results.glob("*.json"):
        try:
            old = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(old, dict) and "target" in old and old.get("size") not in done:
            results.append(old)
    results.sort(key=lambda r: r["target"])
    tables = render_tables(results)
    atomic_write(args.results / "summary.md", "# tipgraph benchmark results\n\n" + tables)
    if readme is not None:
        update_readme(tables, readme)
    print(f"wrote {args.results / 'summary.md'}" + (f" and the tables in {readme}" if readme else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
