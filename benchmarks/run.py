"""Benchmark every stage of tipgraph on synthetic landscapes of growing size, beside the bare engine,
plain rdflib and the Oxigraph server over HTTP, all in the same run.

    python benchmarks/run.py --sizes 10k,100k,1m          # what `make bench` runs
    python benchmarks/run.py --quick                       # smallest size, one repetition (smoke test)
    python benchmarks/run.py --render-only                 # the tables again from results/*.json

For each size the runner generates the landscape (``benchmarks/generate.py``), records the load
average, then runs each group of stages in a fresh Python process, so that each group's peak
memory (``ru_maxrss``) is its own, under an address-space limit (``--memory-limit``) so that a
stage needing more fails on its own instead of waking the kernel's OOM killer:

``reason-rules``       load, then ``materialise`` (the rules engine); its inferred graph is
                       written out for the other groups.
``reason-reasonable``  the same with ``engine="reasonable"``, checked to infer the same graph
                       (up to ``--reasonable-max``).
``oxigraph``           load: ``load_default`` and the bare pyoxigraph bulk loader; ``kg.stats()``.
``queries``            every named and analyst query: ``kg.query``, the bare engine (the same text
                       with the values written in), the bare engine given the values as
                       ``substitutions``, the first 100 rows of the longer answers; the reused
                       worker's round trip, ``ASK`` on the engine, a fork. ``--store-dir`` (a store
                       directory or an N-Quads dump of a reasoned store) runs it on data built once.
``http``               the Oxigraph server (``oxigraph serve-read-only``, as ``tipgraph serve``
                       runs it): ``oxigraph load``, start-up, every query as one HTTP POST.
``memory``             tipgraph's memory backend (rdflib's store and SPARQL engine): load,
                       reasoning and every query, each in a forked child with a time cap.
``rdflib``             plain rdflib: ``Dataset().parse(file, format="trig")``.
``shacl``              ``kg.validate(owl=False)`` with the library's default engine (the engine
                       that ran is recorded), and pySHACL up to ``--shacl-max``.
``network``            projection, degree, betweenness (the library's path, networkx beside it up
                       to ``--networkx-max``), the map of the whole landscape and of 10,000 nodes.

Parts of the library that a version lacks are recorded as "not available in this version".
Timings are medians after one warm-up run (wall clock, with the process's CPU time beside);
a stage whose first run takes longer than ``--slow`` seconds is run once. Results go to
``<results>/<size>.json`` and ``<results>/summary.md``; with the default results folder the
tables in ``benchmarks/README.md`` are regenerated too. Every number in the tables is computed
from the JSON.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import math
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
from functools import partial
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
#: Version of the results files; files of an older runner are left out of the tables.
RESULTS_FORMAT = 2
WORKERS = ("reason-rules", "reason-reasonable", "oxigraph", "queries", "http", "memory", "rdflib", "shacl", "network")

PREFIXES = """PREFIX tg:   <https://w3id.org/tipgraph/ontology#>
PREFIX tgd:  <https://w3id.org/tipgraph/id/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

#: Heavier questions an analyst asks of a whole region: name -> (what it does, SPARQL).
ANALYST_QUERIES: dict[str, tuple[str, str]] = {
    "agg-per-country": (
        "engagements and distinct organisations per country (GROUP BY)",
        PREFIXES + """SELECT ?country ?label (COUNT(DISTINCT ?org) AS ?organisations)
       (COUNT(DISTINCT ?e) AS ?engagements)
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


def stat(samples: list[float], *, cpu: list[float] | None = None, **extra: Any) -> dict[str, Any]:
    """Median, range and samples of wall-clock seconds; ``cpu`` = this process's CPU seconds per run."""
    out: dict[str, Any] = {"p50": statistics.median(samples), "min": min(samples), "max": max(samples),
                           "n": len(samples), "samples": [round(s, 6) for s in samples]}
    if cpu:
        out["cpu_p50"] = round(statistics.median(cpu), 6)
    out.update(extra)
    return out


def measure(fn: Callable[[], Any], repeat: int, *, slow: float, warmup: bool = True,
            setup: Callable[[], Any] | None = None) -> tuple[dict[str, Any], Any]:
    """Median of ``repeat`` runs after one warm-up run; a first run slower than ``slow`` s is the only sample.

    ``setup`` runs (untimed) before each run, e.g. to free the store the previous run built.
    """
    samples: list[float] = []
    cpu: list[float] = []
    result: Any = None
    for i in range(repeat + (1 if warmup else 0)):
        result = None  # the previous run's result is freed first: a stage's peak memory is one run's
        if setup is not None:
            setup()
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        dt, dc = time.perf_counter() - t, time.process_time() - c
        if i == 0 and dt > slow:
            return stat([dt], cpu=[dc], single=True), result
        if i == 0 and warmup:
            continue
        samples.append(dt)
        cpu.append(dc)
    return stat(samples, cpu=cpu), result


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
    except Exception as exc:
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

    out: list[tuple[str, str, str, dict[str, Any]]] = [
        ("named", q.name, q.sparql, {}) for q in sorted(named_queries().values(), key=lambda q: q.name)]
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
        out: dict[str, Any] = {}
        for p in query.params:
            try:
                out[p.name] = convert_param(store, p, p.default) if p.default is not None else None
            except BadInputError:
                rows = execute_bound(store, "SELECT ?e WHERE { ?e a/rdfs:subClassOf* ?cls } ORDER BY ?e LIMIT 1",
                                     {"cls": p.cls} if p.cls is not None else {}, 1).rows
                out[p.name] = rows[0][0] if rows else None
        return {k: v for k, v in out.items() if v is not None}


# ---------------------------------------------------------------------------
# Feature detection: other work changes the library while this runner stays the same
# ---------------------------------------------------------------------------
NOT_AVAILABLE = "not available in this version"


def _rows(res: Any) -> list[Any]:
    """The rows of a query result, whether it holds a list or iterates lazily."""
    rows = getattr(res, "rows", None)
    return list(rows) if rows is not None else list(res)


def query_text(sparql: str, b: dict[str, Any], plan: str) -> tuple[str, str | None]:
    """(the text with the bound variables projected, the same with the values written in or None).

    Uses the library's own ``_project_bound`` and ``inline_bindings`` when it has them; an older
    or newer library without them gives the text as it is and no inlined form.
    """
    try:
        from tipgraph.query import _project_bound
        text, _added = _project_bound(sparql, b)
    except (ImportError, TypeError, ValueError):
        text = sparql
    if not b:
        return text, text
    try:
        from tipgraph.sparql.inline import inline_bindings
        inlined = inline_bindings(text, b)
    except ImportError:
        inlined = None
    return text, inlined if plan == "inline" else None


def prepared(store: Any) -> list[dict[str, Any]]:
    """Every named and analyst query with its bindings, its texts and how the library passes its values."""
    from tipgraph.query import named_queries

    named = named_queries()
    out = []
    for kind, name, sparql, _ in all_queries():
        entry: dict[str, Any] = {"kind": kind, "name": name, "sparql": sparql}
        try:
            b = bindings_for(store, kind, name)
            plan = getattr(named[name], "plan", "inline") if kind == "named" else "inline"
            text, inlined = query_text(sparql, b, plan)
            entry.update(bindings=b, text=text, inlined=inlined, plan=plan)
        except Exception as exc:
            entry["error"] = exc
        out.append(entry)
    return out


def with_values(text: str, b: dict[str, Any]) -> str:
    """``text`` with a trailing ``VALUES`` block giving the bound values (standard SPARQL; for a
    plain HTTP client, which cannot pass pre-bound variables)."""
    if not b:
        return text
    from tipgraph.store.terms import sparql_term

    names = sorted(b)
    return (text + "\nVALUES (" + " ".join(f"?{k}" for k in names) + ") { ("
            + " ".join(sparql_term(b[k]) for k in names) + ") }")


def vm_hwm_mb(pid: int) -> float | None:
    """Peak resident memory of another process (``VmHWM``), in MiB; None when it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return None


# ---------------------------------------------------------------------------
# Workers (each runs in its own process)
# ---------------------------------------------------------------------------
def worker_oxigraph(args: argparse.Namespace, rec: Recorder) -> None:
    """Load: ``load_default`` (tipgraph), the bare pyoxigraph bulk loader; then ``kg.stats()``."""
    import pyoxigraph as ox

    from tipgraph import KnowledgeGraph
    from tipgraph.loading import load_default
    from tipgraph.reason import materialise
    from tipgraph.resources import INFERRED_GRAPH, ONTOLOGY_GRAPH, ontology_file
    from tipgraph.store import open_store

    holder: dict[str, Any] = {}

    def load() -> None:
        store = open_store("oxigraph:")
        holder["counts"] = load_default(store, data=[args.data])
        holder["store"] = store

    def bare() -> int:
        store = ox.Store()
        store.bulk_load(path=str(ontology_file()), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
        store.bulk_load(path=str(args.data), format=ox.RdfFormat.TRIG)
        holder["bare"] = store
        return len(store)

    def free() -> None:
        holder.pop("store", None)
        holder.pop("bare", None)
        gc.collect()

    st, n = measure(bare, args.repeat, slow=args.slow, setup=free)
    st.update(quads=n)
    rec.stage("load_bare", st)
    free()
    st, _ = measure(load, args.repeat, slow=args.slow, setup=free)
    store = holder["store"]
    rec.data["info"]["quads_loaded"] = holder["counts"]
    rec.stage("load", st)

    dump = Path(args.tmp) / f"inferred-rules-{args.label}.nt"
    if dump.exists():
        store.load(dump, format="ntriples", graph=INFERRED_GRAPH)
    else:
        materialise(store)
        rec.data["info"]["inferences_from"] = "materialise in the oxigraph worker (the reason-rules worker left none)"
    kg = KnowledgeGraph(store)
    rec.stage("stats", in_child(lambda: len(kg.stats().graphs), args.repeat, cap=args.stats_cap, slow=args.slow))
    rec.data["info"]["graphs"] = len(store.graphs())


def worker_queries(args: argparse.Namespace, rec: Recorder) -> None:
    """Each query three ways: ``kg.query`` (checks, bindings, reused sandbox worker, rdflib terms), the
    bare engine (pyoxigraph with the same text, values written in, solutions read as pyoxigraph
    terms), and the bare engine with the values as ``substitutions`` (the library's path before)."""
    import pyoxigraph as ox

    from tipgraph import KnowledgeGraph
    from tipgraph.loading import load_default
    from tipgraph.namespace import PREFIXES as NS, shorten
    from tipgraph.process import run_limited
    from tipgraph.query import named_queries, run_query
    from tipgraph.reason import materialise
    from tipgraph.resources import INFERRED_GRAPH
    from tipgraph.sparql import Limits
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
    engine = getattr(store, "_ox", None)
    if not isinstance(engine, ox.Store):  # the store keeps its engine elsewhere: a bare one of the same quads
        engine = ox.Store()
        engine.bulk_load(store.dump(), format=ox.RdfFormat.N_QUADS)
        rec.data["info"]["bare_engine"] = "a separate pyoxigraph store (the store's own engine was not found)"
    kg = KnowledgeGraph(store)
    limits = Limits(timeout=args.query_cap, max_rows=MAX_ROWS)
    named = named_queries()
    try:
        paged = "limit" in __import__("inspect").signature(run_query).parameters
    except (TypeError, ValueError):
        paged = False

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

    def ask(target: str, params: dict[str, Any]) -> list[Any]:
        return _rows(kg.query(target, timeout=args.query_cap, max_rows=MAX_ROWS, **params))

    def first_page(text: str, values: dict[str, Any]) -> list[Any]:
        return _rows(run_query(store, text, values, limits=limits, limit=100))

    for q in prepared(store):
        name, kind, sparql = q["name"], q["kind"], q["sparql"]
        try:
            if "error" in q:
                raise q["error"]
            b, text, inlined = q["bindings"], q["text"], q["inlined"]
            rec.query(name, "plan", {"inlined": inlined is not None or not b, "kind": kind})
            subs = {ox.Variable(k): to_ox(v) for k, v in b.items()}
            run_text, run_subs = (inlined, None) if inlined is not None else (text, subs)
            st, n = measure(partial(bare, run_text, run_subs), args.repeat, slow=args.slow)
            st.update(rows=min(n, MAX_ROWS), truncated=n > MAX_ROWS)
            rec.query(name, "bare", st)
            if b:
                st, _ = measure(partial(bare, text, subs), args.repeat, slow=args.slow)
                rec.query(name, "bare_substitutions", st)
            if kind == "named":
                params: dict[str, Any] = {k: shorten(v) for k, v in b.items()}
                target, query = name, named.get(name)
            else:
                target, query, params = sparql, None, {}
            st, res = measure(partial(ask, target, params), args.repeat, slow=args.slow)
            st.update(rows=len(res))
            rec.query(name, "tipgraph", st)
            if len(res) > 100:
                if not paged:
                    rec.query(name, "first100", {"skipped": NOT_AVAILABLE})
                    continue
                page_text = query.sparql if query else sparql
                st, page = measure(partial(first_page, page_text, b), args.repeat, slow=args.slow)
                st.update(rows=len(page), same=[tuple(r) for r in page] == [tuple(r) for r in res[:100]])
                rec.query(name, "first100", st)
        except Exception as exc:
            rec.error(f"query {name}", exc)
    st, res = measure(lambda: kg.query("ASK { }"), max(args.repeat, 5), slow=args.slow)
    st.update(worker=getattr(res, "worker", NOT_AVAILABLE))
    rec.stage("worker_roundtrip", st)
    st, _ = measure(lambda: engine.query("ASK { }"), max(args.repeat, 5), slow=args.slow)
    rec.stage("engine_ask", st)
    st, _ = measure(lambda: run_limited(lambda: None, 60), max(args.repeat, 5), slow=args.slow)
    rec.stage("fork", st)
    rec.stage("queries", {"count": len(rec.data["queries"])})


def worker_http(args: argparse.Namespace, rec: Recorder) -> None:
    """The Oxigraph server (``oxigraph serve-read-only``, as ``tipgraph serve`` runs it) over HTTP.

    Its store directory is filled by the server's own loader (``oxigraph load``: the ontology,
    the data, and the inferred graph the reason-rules worker wrote); each query is one
    form-encoded POST from a plain client (urllib), the answer read in full and parsed from
    SPARQL JSON. Values are written in where the library writes them in, else given as a
    trailing ``VALUES`` block.
    """
    import urllib.parse
    import urllib.request

    from tipgraph.namespace import PREFIXES as NS
    from tipgraph.resources import INFERRED_GRAPH, ONTOLOGY_GRAPH, ontology_file
    from tipgraph.store import open_store

    try:
        from tipgraph.serve import oxigraph_command, start_oxigraph
        exe = oxigraph_command()
    except Exception as exc:
        rec.stage("load", {"skipped": f"{NOT_AVAILABLE} ({type(exc).__name__}: {exc})"})
        return
    folder = Path(args.tmp) / f"http-store-{args.label}"

    def cli_load(*extra: str) -> None:
        subprocess.run([exe, "load", "--location", str(folder), *extra], check=True, capture_output=True,
                       timeout=args.worker_cap)

    def load() -> None:
        import shutil
        shutil.rmtree(folder, ignore_errors=True)
        cli_load("--file", str(ontology_file()), "--graph", ONTOLOGY_GRAPH)
        cli_load("--file", str(args.data))

    st, _ = measure(load, args.repeat, slow=args.slow)
    rec.stage("load", st)
    dump = Path(args.tmp) / f"inferred-rules-{args.label}.nt"
    if dump.exists():
        cli_load("--file", str(dump), "--graph", INFERRED_GRAPH)
    else:
        rec.data["info"]["inferences_from"] = "none: the reason-rules worker left no inferred graph"
    # The bindings come from an embedded store with the same data (resolving labels to IRIs).
    from tipgraph.loading import load_default

    local = open_store("oxigraph:")
    load_default(local, data=[args.data])
    if dump.exists():
        local.load(dump, format="ntriples", graph=INFERRED_GRAPH)
    queries = prepared(local)
    del local
    gc.collect()
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in NS.items())

    t = time.perf_counter()
    server = start_oxigraph(folder, port=0, timeout_s=args.query_cap, read_only=True)
    rec.stage("start", stat([time.perf_counter() - t], single=True))
    try:
        def post(text: str) -> int:
            body = urllib.parse.urlencode({"query": prefixes + text}).encode()
            req = urllib.request.Request(server.query_url, data=body, headers={
                "Accept": "application/sparql-results+json",
                "Content-Type": "application/x-www-form-urlencoded"})
            with urllib.request.urlopen(req, timeout=args.query_cap + 5) as resp:
                answer = json.loads(resp.read())
            return 1 if "boolean" in answer else len(answer["results"]["bindings"])

        for q in queries:
            name = q["name"]
            try:
                if "error" in q:
                    raise q["error"]
                text = q["inlined"] if q["inlined"] is not None else with_values(q["text"], q["bindings"])
                st, n = measure(partial(post, text), args.repeat, slow=args.slow)
                st.update(rows=n, values_block=q["inlined"] is None and bool(q["bindings"]))
                rec.query(name, "http", st)
            except Exception as exc:
                rec.error(f"query {name}", exc)
        st, _ = measure(lambda: post("ASK { }"), max(args.repeat, 5), slow=args.slow)
        rec.stage("ask", st)
        rec.stage("queries", {"count": len(rec.data["queries"])})
    finally:
        rec.data["info"]["server_peak_mb"] = vm_hwm_mb(server.process.pid)
        server.stop()
        import shutil
        shutil.rmtree(folder, ignore_errors=True)
        server.log.unlink(missing_ok=True)
        rec.save()


def worker_shacl(args: argparse.Namespace, rec: Recorder) -> None:
    """``kg.validate(owl=False)`` with the library's default engine at every size; pySHACL (the
    rdflib engine) up to ``--shacl-max``. Which engine ran is recorded."""
    import inspect

    import tipgraph

    kg = tipgraph.load([args.data], reason=False)
    rec.stage("load", {"p50": 0.0, "n": 0})
    has_engine = "engine" in inspect.signature(kg.validate).parameters
    rec.data["info"]["engine_parameter"] = has_engine

    def default_engine() -> str:
        """The engine ``kg.validate()`` runs when not told which (the library's own answer, if it has one)."""
        import importlib

        pick = getattr(importlib.import_module("tipgraph.kg"), "_engine", None)
        try:
            if pick is not None:
                return str(pick(None))
        except (TypeError, ValueError):
            pass
        default = inspect.signature(kg.validate).parameters["engine"].default
        return default if isinstance(default, str) else "the default (the library does not name it)"

    def run(**kw: Any) -> dict[str, Any]:
        t, c = time.perf_counter(), time.process_time()
        res = kg.validate(owl=False, **kw)
        total, cpu = time.perf_counter() - t, time.process_time() - c
        sh = res.shacl
        engine = getattr(sh, "engine", None) or kw.get("engine") or ("pyshacl" if not has_engine else default_engine())
        return stat([total], single=True, cpu=[round(cpu, 6)], conforms=sh.conforms, violations=len(sh.violations),
                     engine=str(engine), inner_seconds=getattr(sh, "seconds", None))

    small = args.size_n <= args.shacl_max
    if has_engine:
        rec.data["info"]["default_engine"] = default_engine()
        try:
            rec.stage("validate", run())
        except Exception as exc:
            rec.stage("validate", {"failed": f"{type(exc).__name__}: {exc}"})
        if small:
            try:
                py = run(engine="pyshacl")
                ours = rec.data["stages"].get("validate", {})
                if "conforms" in ours:  # the same outcome and number of violations as pySHACL
                    py["same_as_default"] = (py["conforms"], py["violations"]) == (ours["conforms"],
                                                                                  ours["violations"])
                rec.stage("pyshacl", py)
            except Exception as exc:
                rec.stage("pyshacl", {"failed": f"{type(exc).__name__}: {exc}"})
        else:
            rec.stage("pyshacl", {"skipped": f"above --shacl-max {size_label(args.shacl_max)} triples"})
    elif small:
        rec.stage("validate", run())
    else:
        rec.stage("validate", {"skipped": f"the store-native validator is {NOT_AVAILABLE}, and pySHACL is "
                                          f"skipped above --shacl-max {size_label(args.shacl_max)} triples"})


def worker_network(args: argparse.Namespace, rec: Recorder) -> None:
    """Projection, degree, betweenness (the library's path, and networkx where it finishes), maps."""
    import networkx as nx

    import tipgraph

    kg = tipgraph.load([args.data])
    rec.stage("load", {"p50": 0.0, "n": 0})
    try:
        from tipgraph.network import project
    except ImportError as exc:
        rec.stage("project", {"skipped": f"tipgraph.network is {NOT_AVAILABLE} ({exc})"})
        return
    st, G = measure(lambda: project(kg.store), args.repeat, slow=args.slow)
    st.update(nodes=G.number_of_nodes(), edges=G.number_of_edges())
    rec.stage("project", st)
    try:
        from tipgraph.analysis import simple_view
        H = simple_view(G)
    except ImportError:
        H = nx.Graph(G)
    st, _ = measure(lambda: nx.degree_centrality(H), args.repeat, slow=args.slow)
    rec.stage("degree", st)
    k = min(args.betweenness_k, H.number_of_nodes())
    betweenness_centrality: Callable[..., dict[Any, float]] | None
    try:
        from tipgraph.analysis.measures import betweenness_centrality
        try:
            import igraph
            library = f"igraph {igraph.__version__}"  # imported before the clock starts (about 1 s, once)
        except ImportError:
            library = "networkx (igraph is not installed)"
    except ImportError:
        betweenness_centrality = None
        library = NOT_AVAILABLE
    ours = None
    if betweenness_centrality is not None:
        st, ours = measure(lambda: betweenness_centrality(H, k=k, seed=42), 1, slow=args.slow, warmup=False)
        st.update(k=k, library=library)
        rec.stage("betweenness", st)
    else:
        rec.stage("betweenness", {"skipped": f"tipgraph.analysis.measures.betweenness_centrality is {NOT_AVAILABLE}"})
    if args.size_n <= args.networkx_max:
        st, theirs = measure(lambda: nx.betweenness_centrality(H, k=k, seed=42), 1, slow=args.slow, warmup=False)
        st.update(k=k)
        if ours is not None:
            st["max_difference"] = max((abs(ours[v] - theirs[v]) for v in theirs), default=0.0)
        rec.stage("betweenness_networkx", st)
    else:
        rec.stage("betweenness_networkx", {"skipped": f"above --networkx-max {size_label(args.networkx_max)} triples"})
    try:
        import tipgraph.maps
    except ImportError as exc:
        rec.stage("map", {"skipped": f"tipgraph.maps is {NOT_AVAILABLE} ({exc})"})
        return
    out = Path(args.tmp) / f"map-{args.label}.html"
    if G.number_of_nodes() > args.map_max_nodes:
        rec.stage("map", {"skipped": f"{G.number_of_nodes():,} nodes, above --map-max-nodes {args.map_max_nodes:,}"})
    else:
        _whole_map(kg, out, args, rec)
    _map_10k(G, H, args, rec)


def worker_reason(args: argparse.Namespace, rec: Recorder) -> None:
    """Load, then materialise with one engine; a fresh process per engine, so the peak is its own."""

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




def _same_rows(a: Any, b: Any) -> bool:
    """Same rows in any order; GROUP_CONCAT cells compared as sets of their parts."""
    def norm(res: Any) -> list[tuple[str, ...]]:
        return sorted(tuple(", ".join(sorted(str(x).split(", "))) if x is not None else "" for x in row)
                      for row in res.rows)
    return a.vars == b.vars and norm(a) == norm(b)


def worker_memory(args: argparse.Namespace, rec: Recorder) -> None:

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
    def count_rows(text: str, values: dict[str, Any]) -> int:
        return len(store.execute(text, values, MAX_ROWS).rows)

    for kind, name, sparql, _ in all_queries():
        try:
            b = bindings_for(store, kind, name)
            rec.query(name, "memory", in_child(partial(count_rows, sparql, b), args.repeat, cap=args.memory_cap,
                                               slow=1.0))
        except Exception as exc:
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
                "oxigraph": worker_oxigraph, "queries": worker_queries, "http": worker_http, "memory": worker_memory,
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
    except Exception as exc:
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
                                                 "pyshacl", "networkx", "igraph", "oxigraph")},
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
           "--worker-cap", str(args.worker_cap), "--size-n", str(args.size_n), "--shacl-max", str(args.shacl_max),
           "--networkx-max", str(args.networkx_max)]
    started = time.perf_counter()
    env = dict(os.environ, RUST_BACKTRACE="0")  # a reasoner that runs out of memory prints one line, not 60
    err_path = tmp / f"{worker}-{label}.stderr"
    timed_out = False
    with open(err_path, "wb") as err:
        proc = subprocess.Popen(cmd, start_new_session=True, stdin=subprocess.DEVNULL, env=env, stderr=err)
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
    assert not isinstance(gen, str)  # written to a file: a report
    result: dict[str, Any] = {
        "format": RESULTS_FORMAT, "size": label, "target": n, "triples": gen.triples, "seed": args.seed,
        "graphs": gen.graphs,
        "entities": gen.entities, "generate_seconds": round(gen.seconds, 2), "repeat": args.repeat,
        "machine": machine(), "workers": {},
    }
    caps = dict.fromkeys(WORKERS, args.worker_cap)
    caps.update({"shacl": args.shacl_cap, "reason-rules": args.reason_worker_cap,
                 "reason-reasonable": args.reason_worker_cap})
    args.size_n = n
    result["loadavg"] = {"start": [round(x, 2) for x in os.getloadavg()]}
    for worker in args.workers:
        if worker == "reason-reasonable" and n > args.reasonable_max:
            result["workers"][worker] = {"skipped": f"above --reasonable-max {size_label(args.reasonable_max)} triples"}
            print(f"   {worker}: skipped (above --reasonable-max)", flush=True)
            continue
        print(f"   {worker} ...", end="", flush=True)
        busy0, own0, wall0 = machine_cpu(), own_cpu(), time.monotonic()
        res = launch(worker, args, label, path, tmp, caps[worker])
        res["other_cores"] = other_cores(busy0, own0, wall0)
        result["workers"][worker] = res
        note = " (timed out)" if res.get("timed_out") else ""
        errs = f", {len(res.get('errors', []))} error(s)" if res.get("errors") else ""
        print(f" {res['wall_seconds']} s, peak {res.get('peak_mb', {}).get('worker', '?')} MiB{note}{errs}",
              flush=True)
    result["loadavg"]["end"] = [round(x, 2) for x in os.getloadavg()]
    return result


def other_cores(busy0: float | None, own0: float, wall0: float) -> float | None:
    """The CPU that processes outside this run took since ``busy0``/``own0``/``wall0``, as cores in
    use on average (the load average cannot tell them from this run's own workers)."""
    busy, wall = machine_cpu(), time.monotonic() - wall0
    if busy0 is None or busy is None or wall <= 0:
        return None
    return round(max(busy - busy0 - (own_cpu() - own0), 0.0) / wall, 2)


def size_other_cores(r: dict[str, Any]) -> float | None:
    """The busiest of a size's workers by :func:`other_cores` (None when none recorded it)."""
    seen = [w["other_cores"] for w in (r.get("workers") or {}).values()
            if isinstance(w, dict) and isinstance(w.get("other_cores"), (int, float))]
    return max(seen) if seen else None


def machine_cpu() -> float | None:
    """CPU seconds all cores have spent busy since boot (``/proc/stat``), or None off Linux."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            ticks = [int(x) for x in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # less idle and iowait


def own_cpu() -> float:
    """CPU seconds of this runner and every worker it has waited for (their children included)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime



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



#: The columns of every per-size table, in order.
COLUMNS = ("tipgraph", "bare pyoxigraph", "plain rdflib", "Oxigraph server (HTTP)", "comparison")
GIB2_MB = 2048.0


def cell(r: dict[str, Any], worker: str, stage: str) -> Any:
    """A stage's result, or the failure of the worker that should have produced it."""
    st = get(r, worker, "stages", stage)
    if isinstance(st, dict) and ("p50" in st or st.get("skipped") or st.get("failed") or st.get("timeout")):
        return st
    return _worker_failure(r, worker) or st


def _sum_cell(cells: list[Any]) -> dict[str, Any] | None:
    """The sum of the medians of several cells; ``partial`` counts the ones without a median."""
    timed = [c["p50"] for c in cells if isinstance(c, dict) and "p50" in c]
    if not timed:
        return None
    over = [c for c in cells if not (isinstance(c, dict) and "p50" in c)]
    out: dict[str, Any] = {"p50": sum(timed), "partial": len(over), "n": len(timed)}
    cpu = [c.get("cpu_p50") for c in cells if isinstance(c, dict) and "p50" in c]
    if cpu and all(isinstance(x, (int, float)) for x in cpu):
        out["cpu_p50"] = sum(cpu)
    return out


def stage_rows(r: dict[str, Any]) -> list[dict[str, Any]]:
    """Every stage of one size: its label, one result per column, notes, the peak memory of its process.

    The tables, the growth exponents and the goals are all computed from these rows.
    """
    rows: list[dict[str, Any]] = []

    def add(key: str, label: str, peak: Any = None, **cells: Any) -> None:
        cols = dict.fromkeys(COLUMNS)
        notes = dict.fromkeys(COLUMNS, "")
        for k, v in cells.items():
            col = {"tg": "tipgraph", "ox": "bare pyoxigraph", "rdf": "plain rdflib", "http": "Oxigraph server (HTTP)",
                   "cmp": "comparison"}[k.split("_")[0]]
            if k.endswith("_note"):
                notes[col] = v
            else:
                cols[col] = v
        rows.append({"key": key, "label": label, "cells": cols, "notes": notes, "peak": peak})

    def pk(worker: str, stage: str = "worker") -> Any:
        return get(r, worker, "peak_mb", stage)

    add("load", "load (ontology + data into a new store)", pk("oxigraph", "load"),
        tg=cell(r, "oxigraph", "load"), ox=cell(r, "oxigraph", "load_bare"), rdf=cell(r, "rdflib", "load"),
        http=cell(r, "http", "load"), http_note="`oxigraph load`", cmp=cell(r, "memory", "load"),
        cmp_note="tipgraph's memory backend")
    v = cell(r, "shacl", "validate")
    py = cell(r, "shacl", "pyshacl")
    if py is None and isinstance(v, dict) and v.get("engine") == "pyshacl":
        py = v
    add("validate", "validate (SHACL, `kg.validate(owl=False)`)", pk("shacl", "validate") or pk("shacl"),
        tg=v, tg_note=f"engine: {v['engine']}" if isinstance(v, dict) and v.get("engine") else "",
        rdf=py, rdf_note=("pySHACL" + ("" if not isinstance(py.get("same_as_default"), bool) else
                                       ", same violations" if py["same_as_default"] else ", other violations!")
                          if isinstance(py, dict) and "p50" in py else ""))
    add("reason", "reason (materialise the inferred graph)", pk("reason-rules", "reason") or pk("reason-rules"),
        tg=cell(r, "reason-rules", "reason"), tg_note="rules engine",
        rdf=cell(r, "memory", "reason"), rdf_note="tipgraph's memory backend",
        cmp=cell(r, "reason-reasonable", "reason"), cmp_note='`engine="reasonable"`')
    qs = question_rows(r)
    named = [q for q in qs if not q["analyst"]]
    add("queries", f"queries (the {len(named)} named questions, sum of medians)", pk("queries"),
        tg=_sum_cell([q["cells"]["tipgraph"] for q in named]),
        ox=_sum_cell([q["cells"]["bare pyoxigraph"] for q in named]),
        rdf=_sum_cell([q["cells"]["plain rdflib"] for q in named]),
        http=_sum_cell([q["cells"]["Oxigraph server (HTTP)"] for q in named]))
    add("roundtrip", "round trip of an empty query (`ASK { }`)", None,
        tg=cell(r, "queries", "worker_roundtrip"), tg_note="reused worker", ox=cell(r, "queries", "engine_ask"),
        http=cell(r, "http", "ask"), cmp=cell(r, "queries", "fork"), cmp_note="a fork per query")
    add("stats", "statistics (`kg.stats()`)", None, tg=cell(r, "oxigraph", "stats"))
    pj = cell(r, "network", "project")
    add("project", "network projection", pk("network", "project"), tg=pj,
        tg_note=(f"{pj['nodes']:,} nodes, {pj['edges']:,} edges" if isinstance(pj, dict) and "nodes" in pj else ""))
    bt, bn = cell(r, "network", "betweenness"), cell(r, "network", "betweenness_networkx")
    diff = bn.get("max_difference") if isinstance(bn, dict) else None
    add("betweenness", "betweenness centrality (k-sampled)", pk("network", "betweenness"), tg=bt,
        tg_note=(f"{bt.get('library', '')}, k = {bt.get('k')}" if isinstance(bt, dict) and "k" in bt else ""),
        cmp=bn, cmp_note="networkx" + (f", scores within {diff:.1e}" if isinstance(diff, float) else ""))
    mp = cell(r, "network", "map")
    add("map", "map of the whole landscape", pk("network"), tg=mp,
        tg_note=f"{mp['bytes'] / 1e6:.1f} MB" if isinstance(mp, dict) and "bytes" in mp else "")
    m10 = cell(r, "network", "map10k")
    if m10 is None and isinstance(pj, dict) and pj.get("nodes", 10_000) < 10_000:
        m10 = {"skipped": "the network has fewer than 10,000 nodes"}
    add("map10k", "map of ~10k nodes", pk("network") if isinstance(m10, dict) and "p50" in m10 else None, tg=m10,
        tg_note=f"{m10['nodes']:,} nodes" if isinstance(m10, dict) and "nodes" in m10 else "")
    add("serve", "start the server on its store", get(r, "http", "info", "server_peak_mb"),
        http=cell(r, "http", "start"))
    return rows


def question_rows(r: dict[str, Any]) -> list[dict[str, Any]]:
    """Every named and analyst query of one size, one result per column."""
    q_q = get(r, "queries", "queries") or {}
    me_q = get(r, "memory", "queries") or {}
    h_q = get(r, "http", "queries") or {}
    out = []
    for name in dict.fromkeys([*q_q, *me_q, *h_q]):
        q = q_q.get(name, {})
        tg = q.get("tipgraph")
        out.append({"name": name, "analyst": name in ANALYST_QUERIES, "plan": q.get("plan", {}),
                    "rows": tg.get("rows") if isinstance(tg, dict) else None,
                    "capped": bool(isinstance(q.get("bare"), dict) and q["bare"].get("truncated")),
                    "first100": q.get("first100"), "values_block": bool((h_q.get(name, {}).get("http") or {})
                                                                         .get("values_block")),
                    "cells": {"tipgraph": tg, "bare pyoxigraph": q.get("bare"),
                              "plain rdflib": me_q.get(name, {}).get("memory"),
                              "Oxigraph server (HTTP)": h_q.get(name, {}).get("http"),
                              "comparison": q.get("bare_substitutions")}})
    return out


def fmt_sum(st: Any) -> str:
    if isinstance(st, dict) and "partial" in st:
        return ("> " if st["partial"] else "") + secs(st["p50"]) + (f" ({st['partial']} not finished)"
                                                                   if st["partial"] else "")
    return fmt(st)


def fit(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Least-squares fit of t = a·n^b through (n, t) points; (a, b), or None with fewer than two.

    >>> a, b = fit([(10, 2.0), (100, 20.0), (1000, 200.0)])
    >>> round(b, 6)
    1.0
    """
    pts = [(n, t) for n, t in points if n > 0 and t > 0]
    if len({n for n, _ in pts}) < 2:
        return None
    xs = [math.log(n) for n, _ in pts]
    ys = [math.log(t) for _, t in pts]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    return math.exp(my - b * mx), b


def growth_text(points: list[tuple[float, float]]) -> str:
    f = fit(points)
    if f is None:
        return "–"
    return f"**{f[1]:.2f}** (" + " → ".join(secs(t) for _, t in points) + ")"


def _median(st: Any) -> float | None:
    if isinstance(st, dict) and "p50" in st and not st.get("partial"):
        return float(st["p50"])
    return None


def goals(r: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """Each issue-15 goal at one size: (goal, target, what this run measured, met?)."""
    stages = {s["key"]: s for s in stage_rows(r)}
    named = [q for q in question_rows(r) if not q["analyst"]]
    out: list[tuple[str, str, str, bool | None]] = []

    def one(goal: str, target: str, st: Any, limit: float) -> None:
        t = _median(st)
        text = ("not measured" if not isinstance(st, dict) else f"skipped: {st['skipped']}" if st.get("skipped")
                else fmt(st))
        out.append((goal, target, text, None if t is None else t <= limit))

    ratios = []
    for q in named:
        tg, bare = _median(q["cells"]["tipgraph"]), _median(q["cells"]["bare pyoxigraph"])
        if tg and bare:
            ratios.append((tg / bare, q["name"]))
    if ratios:
        worst = max(ratios)
        over = sum(1 for x, _ in ratios if x > 1.3)
        out.append(("overhead: `kg.query` ÷ bare engine, every named question", "≤ 1.3×",
                    f"worst {worst[0]:.2f}× ({worst[1]}); {over} of {len(ratios)} over", over == 0))
    else:
        out.append(("overhead: `kg.query` ÷ bare engine, every named question", "≤ 1.3×", "not measured", None))
    p50s = [(t, q["name"]) for q in named if (t := _median(q["cells"]["tipgraph"])) is not None]
    if p50s:
        slow = [x for x in p50s if x[0] > 0.1]
        out.append(("latency: every named question's p50", "≤ 100 ms",
                    f"{len(p50s) - len(slow)} of {len(p50s)} within; slowest {secs(max(p50s)[0])} ({max(p50s)[1]})",
                    not slow and len(p50s) == len(named)))
    else:
        out.append(("latency: every named question's p50", "≤ 100 ms", "not measured", None))
    firsts = [(t, q["name"]) for q in named if (t := _median(q["first100"])) is not None]
    whole = [(t, q["name"]) for q in named if isinstance(q["rows"], int) and q["rows"] > 100
             and (t := _median(q["cells"]["tipgraph"])) is not None]
    if firsts:
        w = max(firsts)
        out.append(("first 100 rows of a whole-table answer", "≤ 100 ms",
                    f"slowest {secs(w[0])} ({w[1]}), {len(firsts)} answers over 100 rows", w[0] <= 0.1))
    else:
        na = any(isinstance(q["first100"], dict) and q["first100"].get("skipped") for q in named)
        out.append(("first 100 rows of a whole-table answer", "≤ 100 ms",
                    NOT_AVAILABLE if na else "no answer over 100 rows", None))
    if whole:
        w = max(whole)
        out.append(("the whole table (named questions of over 100 rows)", "≤ 2 s",
                    f"slowest {secs(w[0])} ({w[1]})", w[0] <= 2.0))
    else:
        out.append(("the whole table (named questions of over 100 rows)", "≤ 2 s", "no answer over 100 rows", None))
    one("sandbox: reused worker round trip", "≤ 2 ms", stages["roundtrip"]["cells"]["tipgraph"], 0.002)
    one("network projection", "≤ 10 s", stages["project"]["cells"]["tipgraph"], 10.0)
    one("betweenness (k-sampled, the library's path)", "≤ 30 s", stages["betweenness"]["cells"]["tipgraph"], 30.0)
    one("SHACL validation", "≤ 60 s", stages["validate"]["cells"]["tipgraph"], 60.0)
    one("reasoning", "≤ 15 s", stages["reason"]["cells"]["tipgraph"], 15.0)
    one("load", "≤ 3 s", stages["load"]["cells"]["tipgraph"], 3.0)
    peaks = [(float(s["peak"]), s["label"]) for s in stages.values() if isinstance(s["peak"], (int, float))]
    if peaks:
        top = max(peaks)
        out.append(("peak memory of every stage", "≤ 2 GiB", f"highest {top[0]:,.0f} MiB ({top[1]})",
                    top[0] <= GIB2_MB))
    return out


def took(r: dict[str, Any]) -> str:
    """How long a size's run took: generating plus every group's process, in minutes."""
    walls = [w.get("wall_seconds") for w in r.get("workers", {}).values() if isinstance(w, dict)]
    total = r.get("generate_seconds", 0) + sum(x for x in walls if isinstance(x, (int, float)))
    return f"{total / 60:.1f} min" if walls else "–"


#: Other processes using more than this many cores on average make a size's timings noisy.
OTHER_CORES_NOISY = 0.3


def noisy(r: dict[str, Any]) -> bool:
    """Was the machine busy? Other processes' CPU when recorded (``other_cores``); for older
    results, a 1- or 5-minute load average above 1.5 at the start or end."""
    other = size_other_cores(r)
    if other is not None:
        return other > OTHER_CORES_NOISY
    la = r.get("loadavg") or {}
    return any(isinstance(v, list) and max(v[:2], default=0) > 1.5 for v in la.values())


def busy_reason(r: dict[str, Any]) -> str:
    other = size_other_cores(r)
    if other is not None:
        return f"other processes used up to {other:.2f} cores, above {OTHER_CORES_NOISY}"
    return "load average above 1.5"


def loadavg_text(r: dict[str, Any]) -> str:
    la = r.get("loadavg") or {}
    if not la:
        return "Load average: not recorded."
    parts = [f"{when} {' / '.join(f'{x:.2f}' for x in v)}" for when, v in la.items() if isinstance(v, list)]
    text = "Load average (1, 5, 15 minutes; it counts this run's own workers too): " + "; ".join(parts) + "."
    other = size_other_cores(r)
    if other is not None:
        text += f" Other processes used up to {other:.2f} cores on average while a stage group of this size ran."
    if noisy(r):
        text += (f" **Warning: the machine was busy ({busy_reason(r)} on its "
                 f"{r['machine'].get('cores', '?')} cores): these timings are noisy.**")
    return text


def _cell_text(st: Any, note: str) -> str:
    if isinstance(st, dict) and isinstance(st.get("skipped"), str) and 8 < len(st["skipped"]) <= 60:
        return f"skipped: {st['skipped']}"
    text = fmt_sum(st) if st is not None else ""
    if note and st is not None and text not in ("", "–"):
        text += f" ({note})"
    return text


def mark(ok: bool | None) -> str:
    return "–" if ok is None else "yes" if ok else "**no**"


def size_tables(r: dict[str, Any]) -> list[str]:
    """The two tables of one size: every stage, then every question, in each column."""
    lines: list[str] = []
    triples = f" ({r['triples']:,} triples)" if isinstance(r.get("triples"), int) else ""
    lines += ["", f"### At {r['size']}{triples}", "", loadavg_text(r), "",
              "| stage | tipgraph | its CPU time | " + " | ".join(COLUMNS[1:]) + " | peak memory |",
              "|---|" + "---:|" * (len(COLUMNS) + 1) + "---:|"]
    for s in stage_rows(r):
        peak = s["peak"]
        peak_text = "" if not isinstance(peak, (int, float)) else (
            f"{peak:,.0f} MiB" + (" ⚠ over 2 GiB" if peak > GIB2_MB else ""))
        tg = s["cells"]["tipgraph"]
        cpu = secs(tg["cpu_p50"]) if isinstance(tg, dict) and isinstance(tg.get("cpu_p50"), (int, float)) else ""
        lines.append(f"| {s['label']} | {_cell_text(tg, s['notes']['tipgraph'])} | {cpu} | "
                     + " | ".join(_cell_text(s["cells"][c], s["notes"][c]) for c in COLUMNS[1:])
                     + f" | {peak_text} |")
    lines += ["", "| question | rows | tipgraph | bare pyoxigraph | plain rdflib | Oxigraph server (HTTP) | "
                  "tipgraph ÷ bare | first 100 rows | bare, values as substitutions |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for q in question_rows(r):
        c = q["cells"]
        rows = "–" if q["rows"] is None else f"{q['rows']:,}" + (" (capped)" if q["capped"] else "")
        tag = (" †" if q["analyst"] else "") + ("" if q["plan"].get("inlined", True) else " ⁴") + (
            " ⁵" if q["values_block"] else "")
        first = q["first100"]
        first_text = "" if first is None else fmt(first) + (
            " (rows differ!)" if isinstance(first, dict) and "p50" in first and not first.get("same") else "")
        lines.append(f"| {q['name']}{tag} | {rows} | {fmt(c['tipgraph'])} | {fmt(c['bare pyoxigraph'])} | "
                     f"{fmt(c['plain rdflib'])} | {fmt(c['Oxigraph server (HTTP)'])} | "
                     f"{overhead(c['tipgraph'], c['bare pyoxigraph'])} | {first_text} | {fmt(c['comparison'])} |")
    lines += ["", "† analyst query (`ANALYST_QUERIES` in `run.py`); the others are the named questions of "
                  "`ontology/queries/` with their default parameters. ⁴ the library passes this question's "
                  "values as substitutions, and so does the bare column. ⁵ over HTTP the values went in a "
                  "trailing `VALUES` block."]
    return lines


def render_tables(results: list[dict[str, Any]]) -> str:
    if not results:
        return "No results yet: run `make bench`.\n"
    m = results[-1]["machine"]
    v = m["versions"]
    lines = [
        f"Measured on {m['date']}: {m['cores']} cores ({m['cpu'] or 'unknown CPU'}), {m['ram_gib']} GiB RAM, "
        f"Python {m['python']}, {m['platform']}; "
        + ", ".join(f"{d} {v.get(d, '?')}" for d in sorted(v)) +
        f". Medians of {results[-1]['repeat']} run(s) after a warm-up, wall-clock time; ¹ = a single run (the first "
        "run took longer than the `--slow` limit); ² = failed (see *Problems during the run*). Every number below is "
        "computed from `results/<size>.json` by `run.py`. \"Its CPU time\" is the CPU time of the process that ran "
        "the stage (the work of a sandbox worker or a server is not in it).",
        "",
        "### Data",
        "",
        "| size | triples | named graphs | organisations | programmes | engagements | events | people | "
        "generated in | measured | the size took | load average at start → end (1 min) | other processes (cores) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---:|",
    ]
    for r in results:
        e = r["entities"]
        la = r.get("loadavg") or {}
        la_text = (" → ".join(f"{la[k][0]:.2f}" for k in ("start", "end") if isinstance(la.get(k), list))
                   or "not recorded") + (" ⚠" if noisy(r) else "")
        lines.append(f"| {r['size']} | {r['triples']:,} | {r['graphs']:,} | {e.get('org', 0):,} | "
                     f"{e.get('prg', 0):,} | {e.get('eng', 0):,} | {e.get('evt', 0):,} | {e.get('per', 0):,} | "
                     f"{secs(r['generate_seconds'])} | {r['machine']['date']} | {took(r)} | {la_text} | "
                     f"{'–' if size_other_cores(r) is None else size_other_cores(r)} |")
    if any(noisy(r) for r in results):
        lines += ["", f"⚠ **The machine was busy during the sizes marked ⚠ (other processes above "
                      f"{OTHER_CORES_NOISY} cores, or for older results a load average above 1.5): their timings "
                      "are noisy, and wall-clock times there are longer than on a quiet machine.**"]

    for r in results:
        lines += size_tables(r)

    # Growth: t ≈ a·n^b over the sizes measured.
    by_size = [(float(r["triples"]), {s["key"]: s for s in stage_rows(r)}, {q["name"]: q for q in question_rows(r)})
               for r in results if isinstance(r.get("triples"), int)]
    lines += ["", "### How each stage grows with the data (t ≈ a·n^b: the fitted b, then the points)", ""]
    if len(by_size) < 2:
        lines.append("Only one size measured: no exponent.")
    else:
        lines += ["Least-squares fit of log t against log n (n = triples) through the sizes of the tables above, "
                  f"{' → '.join(r['size'] for r in results)}; b = 1 is linear.", "",
                  "| stage | " + " | ".join(COLUMNS) + " |", "|---|" + "---|" * len(COLUMNS)]
        for key, s in by_size[-1][1].items():
            cells = []
            for c in COLUMNS:
                pts = [(n, t) for n, st, _ in by_size if key in st and (t := _median(st[key]["cells"][c])) is not None]
                cells.append(growth_text(pts) if len(pts) >= 2 else "")
            if any(cells):
                lines.append(f"| {s['label']} | " + " | ".join(cells) + " |")
        lines += ["", "| question | tipgraph | bare pyoxigraph | plain rdflib | Oxigraph server (HTTP) |",
                  "|---|---|---|---|---|"]
        for name in by_size[-1][2]:
            cells = []
            for c in COLUMNS[:4]:
                pts = [(n, t) for n, _, qs in by_size
                       if name in qs and (t := _median(qs[name]["cells"][c])) is not None]
                cells.append(growth_text(pts) if len(pts) >= 2 else "")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")

    # Peak memory per stage, with the 2 GiB goal.
    lines += ["", "### Peak memory per stage (resident, MiB; ⚠ = over the 2 GiB goal)", "",
              "Each group of stages runs in its own process; a stage's peak is its process's peak when the stage "
              "ended, so it includes what the process loaded before it (the store, the inferences).", "",
              "| stage | " + " | ".join(r["size"] for r in results) + " |", "|---|" + "---:|" * len(results)]
    extra = [("plain rdflib parse", "rdflib", "load"), ("memory backend (load, reasoning child, queries)", "memory",
                                                       "worker"),
             ('reasoning with `engine="reasonable"`', "reason-reasonable", "worker")]
    per = [{s["label"]: s["peak"] for s in stage_rows(r)} for r in results]
    for i, r in enumerate(results):
        for label, worker, stage in extra:
            per[i][label] = get(r, worker, "peak_mb", stage)
    for label in per[-1]:
        vals = []
        for p in per:
            x = p.get(label)
            vals.append("" if not isinstance(x, (int, float)) else f"{x:,.0f}" + (" ⚠" if x > GIB2_MB else ""))
        if any(vals):
            lines.append(f"| {label} | " + " | ".join(vals) + " |")

    # The goals of issue 15, from the same results.
    lines += ["", "### The goals of issue 15 (set for 1M triples on this machine)", "",
              "| goal | target | " + " | ".join(f"{r['size']}: measured | met" for r in results) + " |",
              "|---|---|" + "---|---|" * len(results)]
    table = [goals(r) for r in results]
    for i, (goal, target, _, _) in enumerate(table[-1]):
        cells = []
        for g in table:
            _, _, got, ok = g[i] if i < len(g) else ("", "", "not measured", None)
            cells.append(f"{got} | {mark(ok)}")
        lines.append(f"| {goal} | {target} | " + " | ".join(cells) + " |")
    if not any(r.get("target") == 1_000_000 for r in results):
        lines += ["", "The goals are set for 1M triples, which this run did not measure: the columns above say "
                      "only how the smaller sizes compare with them."]

    problems: list[str] = []
    skipped: list[str] = []
    for r in results:
        for w, res in r["workers"].items():
            if isinstance(res, dict) and res.get("skipped"):
                skipped.append(f"- {r['size']} {w}: {res['skipped']}.")
            elif isinstance(res, dict):
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
                    if isinstance(st, dict) and st.get("skipped"):
                        skipped.append(f"- {r['size']} {w} {name}: {st['skipped']}.")
                for name, cells in (res.get("queries") or {}).items():
                    for key, st in cells.items():
                        if isinstance(st, dict) and st.get("skipped"):
                            skipped.append(f"- {r['size']} {w} query {name} ({key}): {st['skipped']}.")
                for name, cells in (res.get("queries") or {}).items():
                    for key, st in cells.items():
                        if isinstance(st, dict) and st.get("failed"):
                            problems.append(f"- {r['size']} {w} query {name} ({key}): failed: {st['failed'][:300]}")
                info = res.get("info") or {}
                if info.get("inferences_from"):
                    problems.append(f"- {r['size']} {w}: the inferences the queries used came from "
                                    f"{info['inferences_from']}.")
    if problems:
        lines += ["", "### Problems during the run", "", *problems]
    if skipped:
        lines += ["", "### Not measured in this run", "", *skipped]
    return "\n".join(lines) + "\n"


def overhead(slow: Any, fast: Any) -> str:
    """``slow`` ÷ ``fast`` with two decimals (how much the library adds to the engine)."""
    if not (isinstance(slow, dict) and isinstance(fast, dict) and slow.get("p50") and fast.get("p50")):
        return "–"
    return f"{slow['p50'] / fast['p50']:.2f}×"


def query_tables(results: list[dict[str, Any]]) -> list[str]:
    """The per-size tables alone (for scripts that render a few results files by hand)."""
    return [line for r in results for line in size_tables(r)]


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
    p.add_argument("--shacl-max", default="100k",
                   help="largest size validated with pySHACL (default 100k); the library's default validator "
                        "runs at every size when it has a store-native engine")
    p.add_argument("--reasonable-max", default="100k",
                   help='largest size reasoned with engine="reasonable" for comparison (default 100k; at 1M it '
                        "runs out of a 12 GiB limit)")
    p.add_argument("--networkx-max", default="100k",
                   help="largest size whose betweenness networkx also computes, for comparison (default 100k)")
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
    p.add_argument("--size-n", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--store-dir", help="queries worker run by hand: read this store directory instead of --data")
    args = p.parse_args(argv)

    args.shacl_max = parse_size(str(args.shacl_max))
    args.reasonable_max = parse_size(str(args.reasonable_max))
    args.networkx_max = parse_size(str(args.networkx_max))
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
        args.memory_cap = args.memory_cap or 2.0
        args.reason_worker_cap = min(args.reason_worker_cap, 300.0)
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
                old["machine"], old["loadavg"] = res["machine"], res["loadavg"]
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
            if old.get("format") == RESULTS_FORMAT:
                results.append(old)
            else:
                print(f"left out {f}: written by an older version of this runner", file=sys.stderr)
    results.sort(key=lambda r: r["target"])
    tables = render_tables(results)
    atomic_write(args.results / "summary.md", "# tipgraph benchmark results\n\n" + tables)
    if readme is not None:
        update_readme(tables, readme)
    print(f"wrote {args.results / 'summary.md'}" + (f" and the tables in {readme}" if readme else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
