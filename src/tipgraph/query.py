"""Named SPARQL queries and query results.

Named queries are the ``.rq`` files in ``ontology/queries/``. Each starts with a comment
block: the question in plain words, then one ``# @param NAME KIND DEFAULT`` line per
parameter (KIND is ``entity``: an IRI, a prefixed name such as ``tgd:prg-0002`` or a
label such as ``PROTECT``; or ``string``, ``integer``, ``date``). Values are passed to
the engine as bindings, never pasted into the query text: the backend writes them in as
constants with its term serialiser where that keeps the meaning (:mod:`tipgraph.sparql.inline`)
and passes them as ``initBindings`` otherwise.

>>> q = named_queries()["countries-of-implementer"]
>>> [p.name for p in q.params]
['organisation', 'programme']
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .errors import AmbiguousNameError, BadInputError, UnknownNameError
from .namespace import PREFIXES, TG, expand, shorten
from .process import run_in_thread, run_limited, run_reused
from .resources import queries_dir
from .sparql import Limits, check_query
from .sparql import lexical as sparqltext
from .sparql.inline import sliced
from .store import RawResult, Store
from .store.oxigraph import DIRECT_TERMS, iri_term, text_term, typed_term

T = TypeVar("T")

_KINDS = {"entity", "string", "integer", "date"}
#: Values that leave a parameter open (unbound): "where does UNODC implement anything?"
OPEN = ("*", "")


@dataclass(frozen=True)
class Param:
    """A parameter of a named query; ``cls`` is the class an entity must belong to, if any.

    In a ``.rq`` file: ``# @param NAME KIND [DEFAULT]`` with KIND ``entity``, ``string``,
    ``integer``, ``date`` or an ontology class such as ``tg:Country`` (an entity of that class).
    """

    name: str
    kind: str
    default: str | None
    cls: URIRef | None = None


@dataclass(frozen=True)
class NamedQuery:
    """One ``.rq`` file: its name, its question, its parameters and its text."""

    name: str
    question: str
    params: tuple[Param, ...]
    sparql: str
    path: Path
    #: ``inline`` (bound values written into the query) or ``substitutions`` (``# @plan substitutions``:
    #: for a query the engine plans better not knowing the values; the answer is the same)
    plan: str = "inline"


def _parse_named(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    question_lines, params = [], []
    plan = "inline"
    for line in sparqltext.header_comment(text).splitlines():
        if line.startswith("@plan"):
            plan = line.split()[1] if len(line.split()) == 2 else ""
            if plan not in ("inline", "substitutions"):
                raise BadInputError(f"bad @plan line {line!r}; write '@plan inline' or '@plan substitutions'",
                                    path=str(path))
        elif line.startswith("@param"):
            parts = line.split()
            cls = expand(parts[2]) if len(parts) >= 3 and parts[2].startswith("tg:") else None
            if len(parts) < 3 or (parts[2] not in _KINDS and cls is None):
                raise BadInputError(f"bad @param line {line!r}; write '@param NAME KIND [DEFAULT]' "
                                    f"with KIND one of {sorted(_KINDS)} or an ontology class (tg:Country)",
                                    path=str(path))
            params.append(Param(parts[1], "entity" if cls is not None else parts[2],
                                " ".join(parts[3:]) or None, cls))
        else:
            question_lines.append(line)
    return NamedQuery(path.stem, " ".join(question_lines).strip(), tuple(params), text, path, plan)


@lru_cache(maxsize=4)
def _load_folder(folder: Path) -> dict[str, NamedQuery]:
    return {p.stem: _parse_named(p) for p in sorted(folder.glob("*.rq"))}


def named_queries(folder: Path | None = None) -> dict[str, NamedQuery]:
    """All named queries by name."""
    return dict(_load_folder(folder or queries_dir()))


def get_named_query(name: str, folder: Path | None = None) -> NamedQuery:
    """One named query; an unknown name raises :class:`UnknownNameError` listing the known ones."""
    queries = _packaged() if folder is None else _load_folder(folder)
    try:
        return queries[name]
    except KeyError:
        raise UnknownNameError("query", name, list(queries)) from None


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------
def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if isinstance(term, Literal) and term.language:
        out["xml:lang"] = term.language
    elif isinstance(term, Literal) and term.datatype is not None:
        out["datatype"] = str(term.datatype)
    return out


def _python(term: Node | None) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, Decimal):  # floats suit DataFrames and plots better
            return float(value)
        return value if not isinstance(value, Literal) else str(value)
    return shorten(term)


@dataclass
class QueryResult:
    """Rows (or a boolean, or triples) plus how they were obtained.

    ``truncated`` is True when the engine had more rows than ``max_rows``.
    """

    kind: str
    vars: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)
    truncated: bool = False
    max_rows: int | None = None
    seconds: float = 0.0
    backend: str = ""
    name: str | None = None
    #: things worth telling the user that did not stop the query (e.g. unknown ontology terms)
    warnings: list[str] = field(default_factory=list)
    #: the pid of the reused worker that answered (None: a worker of its own, or no worker)
    worker: int | None = None

    def __len__(self) -> int:
        """How many rows (triples), without converting them to rdflib terms."""
        if self.kind != "SELECT":
            return len(self.triples)
        rows = self.__dict__["_rows"]
        return len(rows.wire) if type(rows) is _Pending else len(rows)

    def __iter__(self) -> Iterator[tuple[Node | None, ...]]:
        """The rows (the triples of a CONSTRUCT), one at a time."""
        return iter(self.rows if self.kind != "CONSTRUCT" else self.triples)

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts of plain Python values (IRIs shortened to prefixed names)."""
        return [{v: _python(x) for v, x in zip(self.vars, row, strict=False)} for row in self.rows]

    def column(self, var: str) -> list[Any]:
        """One column as plain Python values, e.g. ``result.column("countryLabel")``."""
        i = self.vars.index(var)
        return [_python(row[i]) for row in self.rows]

    def to_dataframe(self) -> Any:
        """A pandas DataFrame (needs the ``pandas`` extra)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on extras
            raise ImportError("DataFrames need pandas: pip install 'tipgraph[pandas]'") from exc
        return pd.DataFrame(self.records(), columns=self.vars)

    def id_columns(self) -> list[str]:
        """Columns of IRIs that a ``<name>Label`` column beside them names in words."""
        return [v for v in self.vars if f"{v}Label" in self.vars]

    def in_words(self, labels: Mapping[URIRef, str] | None = None) -> QueryResult:
        """The same answer for people: id columns with a label column dropped, other IRIs
        replaced by their labels (from ``labels``); see :meth:`KnowledgeGraph.in_words`."""
        if self.kind != "SELECT":
            return self
        keep = [i for i, v in enumerate(self.vars) if v not in set(self.id_columns())]
        names = labels or {}

        def word(x: Node | None) -> Node | None:
            return Literal(names[x]) if isinstance(x, URIRef) and x in names else x

        return replace(self, vars=[self.vars[i] for i in keep],
                       rows=[tuple(word(row[i]) for i in keep) for row in self.rows])

    def iris(self) -> set[URIRef]:
        """Every IRI in the answer (to look up labels for)."""
        rows = self.rows if self.kind == "SELECT" else self.triples
        return {x for row in rows for x in row if isinstance(x, URIRef)}

    def to_sparql_json(self) -> dict[str, Any]:
        """The W3C SPARQL 1.1 Query Results JSON document."""
        if self.kind == "ASK":
            return {"head": {}, "boolean": bool(self.boolean)}
        if self.kind == "CONSTRUCT":
            vars_ = ["subject", "predicate", "object"]
            rows: list[tuple[Node | None, ...]] = list(self.triples)
        else:
            vars_, rows = self.vars, self.rows
        bindings = [{v: _json_term(x) for v, x in zip(vars_, row, strict=False) if x is not None} for row in rows]
        return {"head": {"vars": vars_}, "results": {"bindings": bindings}}

    def _table(self) -> tuple[list[str], list[list[str]]]:
        if self.kind == "ASK":
            return ["answer"], [["yes" if self.boolean else "no"]]
        if self.kind == "CONSTRUCT":
            return ["subject", "predicate", "object"], [[shorten(x) for x in t] for t in self.triples]
        return list(self.vars), [[shorten(x) for x in row] for row in self.rows]

    def to_csv(self, delimiter: str = ",") -> str:
        """CSV (or TSV with ``delimiter="\\t"``) with a header row."""
        head, body = self._table()
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
        writer.writerow(head)
        writer.writerows(body)
        return buf.getvalue()

    def to_json(self) -> str:
        """Rows as a JSON list of objects with plain values."""
        if self.kind == "ASK":
            return json.dumps({"answer": bool(self.boolean)})
        if self.kind == "CONSTRUCT":
            head, body = self._table()
            rows = [dict(zip(head, r, strict=False)) for r in body]
            return json.dumps(rows, ensure_ascii=False, indent=2, default=str)
        return json.dumps(self.records(), ensure_ascii=False, indent=2, default=str)

    def to_table(self, max_width: int = 60) -> str:
        """An aligned plain-text table for terminals; long cells are cut with an ellipsis."""
        head, body = self._table()

        def cut(s: str) -> str:
            s = " ".join(s.split())
            return s if len(s) <= max_width else s[: max_width - 1] + "…"

        cells = [[cut(c) for c in r] for r in body]
        widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(head)]
        line = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=False)).rstrip()
        rule = "  ".join("-" * w for w in widths)
        rows = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip() for r in cells]
        return "\n".join([line, rule, *rows])

    def summary(self) -> str:
        """One line: how many rows, how long, and whether the cap cut the result."""
        n = len(self) if self.kind != "ASK" else 1
        text = f"{n} row{'s' if n != 1 else ''} in {self.seconds * 1000:.1f} ms ({self.backend})"
        if self.truncated:
            text += f"; CAPPED at {self.max_rows} rows, more exist (raise max_rows / --max-rows)"
        return text


class _Pending:
    """Rows as they crossed the pipe from the worker (plain values, see :data:`Wire`), turned
    into rdflib terms when :attr:`QueryResult.rows` is first read."""

    __slots__ = ("wire",)

    def __init__(self, wire: list[tuple[Any, ...]]) -> None:
        self.wire = wire


def _get_rows(self: QueryResult) -> list[tuple[Node | None, ...]]:
    rows = self.__dict__["_rows"]
    if type(rows) is _Pending:
        rows = self.__dict__["_rows"] = _decode_cells(rows.wire)
    return rows


def _set_rows(self: QueryResult, value: Any) -> None:
    self.__dict__["_rows"] = value


# The rows of a SELECT are converted to rdflib terms when first read (a 5,000-row table is
# converted in tens of milliseconds, and len() or a query that only counts need none of it).
QueryResult.rows = property(_get_rows, _set_rows, doc="The rows, each a tuple of rdflib terms (None: unbound).")  # type: ignore[assignment]


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------
_RESOLVE = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX tg: <https://w3id.org/tipgraph/ontology#>
SELECT DISTINCT ?entity ?label WHERE {
  ?entity skos:prefLabel|skos:altLabel|tg:iso3166Alpha2|tg:iso3166Alpha3 ?l .
  FILTER (LCASE(STR(?l)) = LCASE(STR(?text)))
  ?entity skos:prefLabel ?label .
} ORDER BY ?entity
"""


def resolve_entity(store: Store, text: str) -> URIRef:
    """Turn an IRI, prefixed name or label (case-insensitive, acronyms included) into an IRI.

    Country codes (ISO 3166-1 alpha-2 or alpha-3) work too. Raises
    :class:`~tipgraph.errors.UnknownNameError` when no entity has that label and
    :class:`~tipgraph.errors.AmbiguousNameError` when several do.
    """
    iri = expand(text)
    if iri is not None:
        return iri
    res = execute_bound(store, _RESOLVE, {"text": Literal(text)}, 20)
    found = {row[0]: row[1] for row in res.rows}
    if not found:
        raise UnknownNameError("entity", text, [], hint="no entity has that label, acronym or code; search with "
                               "the find-by-label query, or give an IRI or a prefixed name such as tgd:org-0001")
    if len(found) > 1:
        raise AmbiguousNameError(text, [(shorten(k), str(v)) for k, v in found.items()])
    return next(iter(found))  # type: ignore[return-value]


_KIND_OF = """
SELECT ?label ?kind WHERE {
  OPTIONAL { ?entity skos:prefLabel ?label }
  OPTIONAL { ?entity a ?type . ?type rdfs:label ?kind . FILTER (STRSTARTS(STR(?type), STR(tg:)))
             FILTER NOT EXISTS { ?entity a ?sub . ?sub rdfs:subClassOf+ ?type . FILTER (?sub != ?type) } }
} ORDER BY ?kind LIMIT 1
"""
_IS_A = "ASK { ?entity a/rdfs:subClassOf* ?cls }"
_CLASS_LABEL = "SELECT ?label WHERE { ?cls rdfs:label ?label } LIMIT 1"


def convert_param(store: Store, param: Param, value: Any) -> Node:
    """Convert a user-given value for ``param`` into an RDF term.

    An entity parameter with a class refuses an entity of another kind, saying what it is:

    >>> from tipgraph import load
    >>> kg = load()
    >>> from tipgraph import TGD
    >>> p = Param("country", "entity", None, TG.Country)
    >>> convert_param(kg.store, p, "PK") == TGD["plc-0003"]
    True
    >>> convert_param(kg.store, p, "UNODC")
    Traceback (most recent call last):
    ...
    tipgraph.errors.BadInputError: parameter country: UNODC (tgd:org-0001) is an intergovernmental ...
    """
    if isinstance(value, (Literal, BNode)) or (isinstance(value, URIRef) and param.kind != "entity"):
        return value
    text = str(value)
    if param.kind == "entity":
        iri = value if isinstance(value, URIRef) else resolve_entity(store, text)
        if param.cls is not None and not _is_a(store, iri, param.cls):
            wanted = _a(_class_label(store, param.cls))
            raise BadInputError(f"parameter {param.name}: {_describe(store, iri)}, not {wanted}; "
                                f"give {wanted} (a label, an acronym, a code or a tgd: id)")
        return iri
    if param.kind == "integer":
        try:
            return Literal(int(text))
        except ValueError:
            raise BadInputError(f"parameter {param.name} must be an integer, got {text!r}") from None
    if param.kind == "date":
        return Literal(text, datatype=XSD.date)
    return Literal(text)


def _is_a(store: Store, iri: URIRef, cls: URIRef) -> bool:
    """Whether ``iri`` is of class ``cls``; remembered while the store does not change."""
    return bool(_remembered(store, "_tipgraph_is_a", (iri, cls),
                            lambda: bool(execute_bound(store, _IS_A, {"entity": iri, "cls": cls}, 1).boolean)))


def _remembered(store: Store, slot: str, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, remembered in ``store`` under ``slot`` and ``key`` while the store does not
    change (nothing is remembered for a store whose changes are not counted)."""
    state = store.state
    if state is None:
        return compute()
    seen: dict[Any, Any] = store.__dict__.setdefault(slot, {})
    full = (state, *key)
    if full in seen:
        return seen[full]
    answer = compute()
    if len(seen) > 4096 or any(k[0] != state for k in list(seen)[:1]):
        seen.clear()
    seen[full] = answer
    return answer


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _class_label(store: Store, cls: URIRef) -> str:
    rows = execute_bound(store, _CLASS_LABEL, {"cls": cls}, 1).rows
    return str(rows[0][0]) if rows and rows[0][0] is not None else shorten(cls)


def _describe(store: Store, iri: URIRef) -> str:
    """``UNODC (tgd:org-0001) is an intergovernmental organisation`` - what an entity is, in words."""
    rows = execute_bound(store, _KIND_OF, {"entity": iri}, 1).rows
    label, kind = (rows[0] if rows else (None, None))
    name = f"{label} ({shorten(iri)})" if label is not None else shorten(iri)
    return f"{name} is {_a(str(kind))}" if kind is not None else f"{name} has no kind in the graph"


def bind_named(store: Store, query: NamedQuery, params: Mapping[str, Any]) -> dict[str, Node]:
    """Bindings for a named query: the given values, then each parameter's default.

    Remembered while the store does not change (a label is resolved, and an entity's kind
    checked, by queries of their own).
    """
    try:
        values = tuple(sorted(params.items()))
        hash(values)
    except TypeError:  # a value that cannot be remembered: worked out each time
        return _bind_named(store, query, params)
    return dict(_remembered(store, "_tipgraph_bound", (query.path, query.sparql, values),
                            lambda: _bind_named(store, query, params)))


def _bind_named(store: Store, query: NamedQuery, params: Mapping[str, Any]) -> dict[str, Node]:
    known = {p.name: p for p in query.params}
    unknown = set(params) - set(known)
    if unknown:
        raise UnknownNameError(f"parameter of query {query.name!r}", sorted(unknown)[0], list(known))
    out: dict[str, Node] = {}
    for p in query.params:
        value = params.get(p.name, p.default)
        if value is not None and not (isinstance(value, str) and value.strip() in OPEN):
            out[p.name] = convert_param(store, p, value)
    return out


def _as_term(value: Any) -> Node:
    if isinstance(value, (URIRef, Literal, BNode)):
        return value
    if isinstance(value, str):
        iri = expand(value)
        if iri is not None:
            return iri
    return Literal(value)


def run_query(store: Store, sparql: str, bindings: Mapping[str, Any] | None = None, *,
              limits: Limits | None = None, name: str | None = None, limit: int | None = None,
              offset: int = 0) -> QueryResult:
    """Check the query against the limits, then run it in a worker; see :mod:`tipgraph.sparql.safety`.

    Binding values may be rdflib terms, IRIs or prefixed names (as strings), or plain
    Python values (become literals). ``limit`` and ``offset`` ask for one page of a SELECT's
    rows (the engine stops after it; see :func:`pages`).

    The worker is forked once and reused while the store does not change
    (:func:`tipgraph.process.run_reused`); ``QueryResult.worker`` is its pid. A packaged
    named question (``name`` given and ``sparql`` its very text) on the embedded Oxigraph store
    (``capabilities.concurrent_reads``: its engine releases the GIL) runs in a thread of this
    process instead, under the same time limit (:func:`~tipgraph.process.run_in_thread`):
    its text is the library's own and its values are written by the term serialiser, so it
    needs no confinement, and handing it to a thread costs about a tenth of a millisecond
    where the worker's round trip costs one or more. Asked again on the same store state with
    the same values, a question that took under a hundredth of its limit (and under 50 ms) is
    not handed over at all (see ``key`` in :func:`~tipgraph.process.run_in_thread`). The
    memory limit does not apply to it.
    """
    limits = limits or Limits()
    check_query(sparql, allow_network=limits.allow_network)
    warnings = check_names(sparql)
    terms = {k.lstrip("?$"): _as_term(v) for k, v in (bindings or {}).items()}
    sparql_asked = sparql
    if limit is not None or offset:
        sparql = sliced(sparql, limit, offset)
    text, added = _project_bound(sparql, terms)
    started = time.perf_counter()
    pid = None
    state = store.state
    inline = _plan(name) == "inline"
    plain = store.capabilities.forkable and state is not None  # the rows come as plain values (see Wire)
    # The library's own text needs no confinement: on an engine that releases the GIL while it
    # works (Oxigraph), a thread of this process answers it under the same time limit.
    if plain and store.capabilities.concurrent_reads and _own(name, sparql_asked):
        # Keyed by the store's state as well: after a write the same question is unknown again.
        key = (state, text, tuple(sorted(terms.items())), limits.max_rows, inline)
        raw = run_in_thread(_execute, limits.timeout, args=(store, text, terms, limits.max_rows, inline), key=key)
        plain = False  # rdflib terms already (converted once per distinct value, without the plain step)
    elif plain:
        wire, pid = run_reused(_answerer(store), limits.timeout, key=state,
                               args=(text, terms, limits.max_rows, inline),
                               confine=not limits.allow_network, memory_mb=limits.memory_mb)
        raw = _decode(wire, rows=False)
    elif store.capabilities.forkable:  # writes through the rdflib view are not counted: a fresh fork each time
        raw = run_limited(_execute, limits.timeout, args=(store, text, terms, limits.max_rows, inline),
                          confine=not limits.allow_network, memory_mb=limits.memory_mb)
    else:  # the data is elsewhere (a server): its engine bounds the time, there is nothing to fork
        raw = store.execute(text, terms, limits.max_rows)
    raw = _drop_columns(raw, added)
    rows: Any = _Pending(raw.rows) if plain else raw.rows
    return QueryResult(kind=raw.kind, vars=raw.vars, rows=rows, boolean=raw.boolean, triples=raw.triples,
                       truncated=raw.truncated, max_rows=limits.max_rows,
                       seconds=time.perf_counter() - started, backend=store.backend, name=name, warnings=warnings,
                       worker=pid)


# The rows cross the pipe from the worker as plain values (an IRI as its text, a literal as
# (text, language, datatype), a blank node as (label,)): pickled rdflib terms would each be built
# again, and checked again, on arrival (three quarters of the time of a 10,000-row answer).
Wire = tuple[str, list[str], list[tuple[Any, ...]], "bool | None", list[tuple[Any, ...]], bool]


@lru_cache(maxsize=1)
def _packaged() -> dict[str, NamedQuery]:
    """The packaged named questions (read once: the package does not change while it runs)."""
    return _load_folder(queries_dir())


def _own(name: str | None, sparql: str) -> bool:
    """Whether ``sparql`` is the text of the packaged named question ``name`` (not a user's text)."""
    named = _packaged().get(name) if name else None
    return named is not None and named.sparql == sparql


def _plan(name: str | None) -> str:
    """How the named query ``name`` wants its values passed (see :attr:`NamedQuery.plan`)."""
    named = _packaged().get(name) if name else None
    return named.plan if named is not None else "inline"


def _execute(store: Store, sparql: str, bindings: Mapping[str, Node], max_rows: int | None,
             inline: bool = True) -> RawResult:
    if not inline and store.capabilities.inline_choice:
        return store.execute(sparql, bindings, max_rows, inline=False)  # type: ignore[call-arg]
    return store.execute(sparql, bindings, max_rows)


def _answerer(store: Store) -> Any:
    """The function a reused worker runs for ``store``: execute, then encode (one per store)."""
    fn = store.__dict__.get("_tipgraph_answer")
    if fn is None:
        # A backend may hand the cells over as plain values itself (``execute_plain``, same arguments
        # as ``execute``; the cells as :func:`_enc` writes them): no rdflib term is made in the worker,
        # which for a 5,000-row table is most of what the worker does beyond the engine.
        def answer(sparql: str, bindings: Mapping[str, Node], max_rows: int | None, inline: bool = True) -> Wire:
            plain = getattr(store, "execute_plain", None)
            if plain is not None:
                raw = plain(sparql, bindings, max_rows, inline=inline or not store.capabilities.inline_choice)
                return (raw.kind, raw.vars, raw.rows, raw.boolean, raw.triples, raw.truncated)
            return _encode(_execute(store, sparql, bindings, max_rows, inline))

        fn = store.__dict__["_tipgraph_answer"] = answer
    return fn


def _enc(term: Node | None) -> Any:
    if term is None or type(term) is URIRef:
        return None if term is None else str.__str__(term)
    if isinstance(term, Literal):
        return (str.__str__(term), term.language, None if term.datatype is None else str.__str__(term.datatype))
    if isinstance(term, BNode):
        return (str.__str__(term),)
    return term  # another kind of term: pickled as it is


def _dec(value: Any) -> Any:
    kind = type(value)
    if kind is tuple:
        if len(value) == 1:
            return BNode(value[0])
        text, lang, dt = value
        return text_term(text, lang) if dt is None else typed_term(text, dt)
    if kind is str:
        return iri_term(value)
    return value  # None, or a term already


def _decode_cells(rows: list[tuple[Any, ...]]) -> list[tuple[Node | None, ...]]:
    """Rows of plain values (see :func:`_enc`) as rdflib terms; a value that recurs (a label, a
    country, a date) is converted once and its term shared (terms are immutable)."""
    memo: dict[Any, Any] = {None: None}
    get = memo.get
    new_str = str.__new__
    direct = DIRECT_TERMS

    def term(value: Any) -> Any:
        found = get(value, _MISSING)
        if found is _MISSING:
            # most cells are IRIs: made here as iri_term would, without a call
            found = memo[value] = new_str(URIRef, value) if direct and type(value) is str else _dec(value)
        return found

    return [tuple(map(term, row)) for row in rows]


_MISSING = object()


def _encode(raw: RawResult) -> Wire:
    """``raw`` as plain values for the pipe (see :func:`_decode`).

    >>> raw = RawResult("SELECT", ["x", "y"], [(URIRef("urn:a"), Literal("b", lang="en")), (BNode("c"), None)])
    >>> _decode(_encode(raw)) == raw
    True
    """
    return (raw.kind, raw.vars, [tuple(map(_enc, row)) for row in raw.rows], raw.boolean,
            [tuple(map(_enc, t)) for t in raw.triples], raw.truncated)


def _decode(wire: Wire, *, rows: bool = True) -> RawResult:
    """The :class:`RawResult` that :func:`_encode` wrote; ``rows=False`` leaves the rows as plain values."""
    kind, vars_, cells, boolean, triples, truncated = wire
    return RawResult(kind=kind, vars=vars_, rows=_decode_cells(cells) if rows else cells,
                     boolean=boolean, triples=_decode_cells(triples), truncated=truncated)  # type: ignore[arg-type]


def pages(store: Store, sparql: str, bindings: Mapping[str, Any] | None = None, *, size: int = 100,
          limits: Limits | None = None, name: str | None = None) -> Iterator[QueryResult]:
    """A SELECT's rows page by page, each page asked for when the one before is used up.

    The first page of a whole-table question comes back without the engine producing the
    rest (when the query has no ORDER BY; with one, the engine sorts all rows each page).

    >>> from tipgraph import load
    >>> first = next(pages(load().store, "SELECT ?c WHERE { ?c a tg:Country } ORDER BY ?c", size=2))
    >>> len(first.rows)
    2
    """
    if size < 1:
        raise BadInputError("a page holds at least one row")
    offset = 0
    while True:
        page = run_query(store, sparql, bindings, limits=limits, name=name, limit=size, offset=offset)
        if page.rows:
            yield page
        if len(page.rows) < size:
            return
        offset += size


def check_names(sparql: str) -> list[str]:
    """Refuse undeclared prefixes (saying which are declared); warn about ``tg:`` terms the ontology lacks.

    >>> check_names("SELECT * WHERE { ?o tg:organizedBy ?x }")[0]
    'line 1, column 21: tg:organizedBy is not a term of the ontology (did you mean tg:organisedBy or ...?)'
    >>> check_names("SELECT * WHERE { ?o ex:p ?x }")
    Traceback (most recent call last):
    ...
    tipgraph.errors.BadInputError: <query>:1:21: undeclared prefix 'ex:'; ...
    """
    return list(_check_names(sparql))


@lru_cache(maxsize=256)
def _check_names(sparql: str) -> tuple[str, ...]:
    toks = sparqltext.tokens(sparql)
    declared = set(PREFIXES)
    for i, (kind, text, _) in enumerate(toks):
        if kind == "word" and text.upper() == "PREFIX" and i + 1 < len(toks) and toks[i + 1][0] == "pname":
            declared.add(toks[i + 1][1].split(":", 1)[0])
    warnings: list[str] = []
    for i, (kind, text, offset) in enumerate(toks):
        if kind != "pname" or (i and toks[i - 1][0] == "word" and toks[i - 1][1].upper() == "PREFIX"):
            continue
        prefix, _, local = text.partition(":")
        line, col = sparqltext.line_col(sparql, offset)
        if prefix not in declared:
            raise BadInputError(f"undeclared prefix '{prefix}:'; declared: {', '.join(sorted(declared))} "
                                f"(declare it with PREFIX {prefix}: <...>)", path="<query>", line=line, column=col)
        if prefix == "tg" and local and local not in _tg_terms():
            near = difflib.get_close_matches(local, sorted(_tg_terms()), n=3, cutoff=0.6)
            hint = f" (did you mean {' or '.join('tg:' + n for n in near)}?)" if near else ""
            warnings.append(f"line {line}, column {col}: tg:{local} is not a term of the ontology{hint}")
    return tuple(warnings)


@lru_cache(maxsize=1)
def _tg_terms() -> frozenset[str]:
    return frozenset(TG.__annotations__)


def execute_bound(store: Store, sparql: str, bindings: Mapping[str, Node], max_rows: int | None) -> RawResult:
    """Run trusted library SPARQL with bindings on ``store`` in this process (no worker, no checks).

    For the library's own queries only; user queries go through :func:`run_query`.
    """
    text, added = _project_bound(sparql, bindings)
    return _drop_columns(store.execute(text, bindings, max_rows), added)


def _drop_columns(raw: RawResult, added: list[str]) -> RawResult:
    if added:
        keep = [i for i, v in enumerate(raw.vars) if v not in added]
        raw.vars = [raw.vars[i] for i in keep]
        raw.rows = [tuple(row[i] for i in keep) for row in raw.rows]
    return raw


def _project_bound(sparql: str, bindings: Mapping[str, Node]) -> tuple[str, list[str]]:
    """Project every bound variable (Oxigraph refuses to bind one the SELECT leaves out).

    Returns the query to run and the names added, whose columns the caller drops again.
    Only validated variable names are inserted, never values.
    """
    if not bindings:
        return sparql, []
    projected = sparqltext.projected_variables(sparql)
    if projected is None:  # SELECT *, ASK, CONSTRUCT: a bound variable must occur in the query
        used = {text[1:] for kind, text, _ in sparqltext.tokens(sparql) if kind == "var"}
        missing = sorted(set(bindings) - used)
        if missing:
            raise BadInputError(f"the query has no variable ?{missing[0]} to bind; its variables: "
                                f"{', '.join('?' + v for v in sorted(used)) or '(none)'}")
        return sparql, []
    added = [k for k in bindings if k not in projected]
    return (sparqltext.add_to_projection(sparql, added) if added else sparql), added
