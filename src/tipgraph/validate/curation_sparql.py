"""The curation checks of :mod:`tipgraph.validate.curation` as SPARQL queries over a store.

Same checks, same findings, same messages; the data is read by the store's engine instead
of walked triple by triple in Python. What depends on the ontology (which names are declared,
which classes satisfy a domain or range) is worked out in Python once per predicate and written
into the queries as constants by the term serialiser; the engine finds the triples that break
it. The data is the named graph ``graph`` of the store (the validator's scratch copy), so
the ontology and the inferred facts never count as data.

>>> from tipgraph.store import open_store
>>> s = open_store("oxigraph:")
>>> s.load(b'<https://w3id.org/tipgraph/id/evt-9001> a <https://w3id.org/tipgraph/ontology#Event> ; '
...        b'<https://w3id.org/tipgraph/ontology#organizedBy> <urn:x> .', format="turtle", graph="urn:d")
>>> [(f.check, f.message.split("?")[0]) for f in check_curation_sparql(s, "urn:d", Vocabulary.from_ontology())]
[('check:unknown-property', 'tg:organizedBy is not a property of the tipgraph ontology: did you mean tg:organisedBy')]
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from tipgraph.resources import ID_NS, ONTOLOGY_GRAPH

from ..namespace.terms import iri_ref, sparql_term
from ..store import Store
from .curation import (
    _ACCEPTED,
    Finding,
    _datatype_problem,
    _datatype_words,
    _derived,
    _example,
    _iri,
    _node_expected,
    _plan,
    _undefined,
    _unknown_class,
    _unknown_property,
    _unknown_term,
    _wrong_object,
    _wrong_subject,
    required_properties,
    untyped_message,
)
from .compiled import _CASTABLE
from .names import short_name, term_text
from .vocabulary import TG_NS, Vocabulary

__all__ = ["check_curation_sparql"]

_RDF_TYPE = iri_ref(str(RDF.type))


class _Runner:
    """Queries over the data: named graph ``graph``, or (None) every named graph but ``ontology``."""

    def __init__(self, store: Store, graph: str | None, ontology: str) -> None:
        self.store = store
        self.g = iri_ref(graph) if graph is not None else None
        self.ontology = iri_ref(ontology)
        self.fresh = itertools.count()

    def rows(self, where: str, select: str = "*") -> list[tuple[Node | None, ...]]:
        return self.store.execute(f"SELECT {select} WHERE {{ {where} }}", {}, None).rows

    def data(self, triple: str) -> str:
        """One triple pattern matched in the data (each pattern on its own: a fact and its label may
        come from different source graphs)."""
        if self.g is not None:
            return f"GRAPH {self.g} {{ {triple} }}"
        g = f"?g_{next(self.fresh)}"
        return f"GRAPH {g} {{ {triple} }} FILTER({g} != {self.ontology})"


def _values(terms: Iterable[Node]) -> str:
    return " ".join(sparql_term(t) for t in sorted(set(terms), key=str))


def _key(term: Node) -> str:
    return term.n3()


def check_curation_sparql(store: Store, graph: str | None, vocab: Vocabulary, shapes: Graph | None = None, *,
                          ontology: str = ONTOLOGY_GRAPH) -> list[Finding]:
    """Every curation problem in the data of ``store``, as :func:`~.curation.check_curation` finds them.

    The data is named graph ``graph``, or with None every named graph but ``ontology``.
    """
    q = _Runner(store, graph, ontology)
    required = required_properties(shapes) if shapes is not None else {}
    out: list[Finding] = []
    tg = sparql_term(Literal(TG_NS))
    ids = sparql_term(Literal(ID_NS))

    # Classes: a misspelt tg: class, and the nodes of one (not checked for kind: the class is what to fix first).
    used = {row[0] for row in q.rows(q.data("[] a ?t"), "DISTINCT ?t") if isinstance(row[0], URIRef)}
    unknown = {t for t in used if str(t).startswith(TG_NS) and t not in vocab.classes}
    unknown_kind: set[Node] = set()
    if unknown:
        for s, t in q.rows(f"VALUES ?t {{ {_values(unknown)} }} " + q.data("?s a ?t"), "DISTINCT ?s ?t"):
            assert s is not None and isinstance(t, URIRef)
            unknown_kind.add(s)
            out.append(Finding(s, RDF.type, t, _unknown_class(t, vocab), "check:unknown-class"))

    # tg: names used as subjects or objects that the ontology does not declare.
    for s, p in q.rows(q.data("?s ?p []") + f" FILTER(isIRI(?s) && STRSTARTS(STR(?s), {tg}))", "DISTINCT ?s ?p"):
        if isinstance(s, URIRef) and not vocab.declared(s):
            out.append(Finding(s, _iri(p) if p is not None else None, s, _unknown_term(s, vocab), "check:unknown-term"))
    objects = {row[0] for row in q.rows(q.data("[] ?p ?o") + f" FILTER(?p != {_RDF_TYPE} && isIRI(?o) && "
                                                                      f"STRSTARTS(STR(?o), {tg}))", "DISTINCT ?o")}
    undeclared = {o for o in objects if isinstance(o, URIRef) and not vocab.declared(o)}
    if undeclared:
        for s, p, o in q.rows(f"VALUES ?o {{ {_values(undeclared)} }} " + q.data("?s ?p ?o")
                              + f" FILTER(?p != {_RDF_TYPE})", "DISTINCT ?s ?p ?o"):
            assert s is not None and isinstance(o, URIRef)
            out.append(Finding(s, _iri(p) if p is not None else None, o, _unknown_term(o, vocab), "check:unknown-term"))

    # tgd: ids used as objects that nothing defines (no class, no label).
    ontology_typed = {str(n) for n in vocab.types}
    labels = "|".join(sparql_term(p) for p in (SKOS.prefLabel, RDFS.label, SKOS.altLabel))
    for s, p, o in q.rows(
            q.data("?s ?p ?o") + f" FILTER(?p != {_RDF_TYPE} && isIRI(?o) && STRSTARTS(STR(?o), {ids})) "
            f"FILTER NOT EXISTS {{ {q.data('?o a ?t')} FILTER(isIRI(?t)) }} "
            f"FILTER NOT EXISTS {{ {q.data(f'?o {labels} ?l')} }}", "DISTINCT ?s ?p ?o"):
        assert s is not None and o is not None and p is not None
        if str(o) not in ontology_typed:
            out.append(Finding(s, _iri(p), o, _undefined(o, p, vocab), "check:undefined-id"))

    # Predicates: unknown, derived, or checked for kind and datatype.
    predicates = [row[0] for row in q.rows(q.data("[] ?p []"), "DISTINCT ?p") if row[0] is not None]
    types_of = _Types(q, vocab)
    for p in sorted(predicates, key=str):
        plan = _plan(p, str(p), vocab)
        if plan.kind in ("type", "other"):
            continue
        assert isinstance(p, URIRef)
        pt = sparql_term(p)
        if plan.kind == "unknown":
            first: dict[str, tuple[Node, Node]] = {}
            for s, o in q.rows(q.data(f"?s {pt} ?o"), "?s ?o"):
                assert s is not None and o is not None
                if _key(s) not in first or _key(o) < _key(first[_key(s)][1]):
                    first[_key(s)] = (s, o)
            out += [Finding(s, p, o, _unknown_property(p, vocab), "check:unknown-property") for s, o in first.values()]
            continue
        if plan.kind == "derived":
            for s, o in q.rows(q.data(f"?s {pt} ?o"), "DISTINCT ?s ?o"):
                assert s is not None and o is not None
                out.append(Finding(s, p, o, _derived(s, p, o, vocab, required), "check:derived"))
            continue
        if plan.object_property:
            for s, o in q.rows(q.data(f"?s {pt} ?o") + " FILTER(isLiteral(?o))", "DISTINCT ?s ?o"):
                assert s is not None and isinstance(o, Literal)
                out.append(Finding(s, p, o, _node_expected(p, o, vocab), "check:node-expected"))
        elif p in vocab.datatypes:
            out += _datatypes(q, p, vocab.datatypes[p])
        if plan.datatype_property:
            for s, o in q.rows(q.data(f"?s {pt} ?o") + " FILTER(!isLiteral(?o))", "DISTINCT ?s ?o"):
                assert s is not None and o is not None
                dts = vocab.datatypes.get(p, set())
                out.append(Finding(s, p, o, (
                    f"{short_name(str(p))} takes a value ({_datatype_words(dts)}), "
                    f"not a node such as {term_text(o)}: write the value itself, for example "
                    f"{short_name(str(p))} {_example(dts)}."), "check:value-expected"))
        elif p in vocab.ranges:
            rows = _pairs(q.rows(f"{q.data(f'?s {pt} ?o')} FILTER(!isLiteral(?o)) "
                                 f"FILTER({types_of.misfit('?o', vocab.ranges[p], unknown)})", "DISTINCT ?s ?o"))
            suspects = types_of.suspects(vocab.ranges[p])
            if suspects:
                rows += _pairs(q.rows(f"VALUES ?o {{ {_values(suspects)} }} {q.data(f'?s {pt} ?o')}", "DISTINCT ?s ?o"))
            for s, o, types in types_of.wrong(sorted(set(rows), key=lambda r: (_key(r[0]), _key(r[1]))), 1,
                                              vocab.ranges[p], unknown_kind):
                out.append(Finding(s, p, o, _wrong_object(s, p, o, types, vocab), "check:range"))
        if p in vocab.domains:
            rows = _pairs(q.rows(f"{q.data(f'?s {pt} ?o')} FILTER({types_of.misfit('?s', vocab.domains[p], unknown)})",
                                 "DISTINCT ?s ?o"))
            suspects = types_of.suspects(vocab.domains[p])
            if suspects:
                rows += _pairs(q.rows(f"VALUES ?s {{ {_values(suspects)} }} {q.data(f'?s {pt} ?o')}", "DISTINCT ?s ?o"))
            subjects: dict[str, tuple[Node, Node, dict[str, set[URIRef]]]] = {}
            for s, o, types in types_of.wrong(sorted(set(rows), key=lambda r: (_key(r[0]), _key(r[1]))), 0,
                                              vocab.domains[p], unknown_kind):
                subjects.setdefault(_key(s), (s, o, types))  # one per subject: its first object, in term order
            for s, o, types in subjects.values():
                out.append(Finding(s, p, None, _wrong_subject(s, p, o, types, vocab), "check:domain"))

    # Records with statements but no class.
    for (s,) in q.rows(f"{{ SELECT DISTINCT ?s WHERE {{ {q.data('?s ?p []')} }} }} "
                       f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {ids})) "
                       f"MINUS {{ {q.data('?s a ?t')} FILTER(isIRI(?t)) }}", "DISTINCT ?s"):
        assert s is not None
        if str(s) in ontology_typed:
            continue
        preds = [row[0] for row in q.rows(q.data(f"{sparql_term(s)} ?p []"), "DISTINCT ?p") if row[0] is not None]
        out.append(Finding(s, RDF.type, None, untyped_message(s, preds, functools.partial(types_of.stem, s), vocab),
                           "check:untyped"))
    return out


def _pairs(rows: list[tuple[Node | None, ...]]) -> list[tuple[Node, Node]]:
    return [(a, b) for a, b in rows if a is not None and b is not None]


def _datatypes(q: _Runner, p: URIRef, ranges: set[URIRef]) -> list[Finding]:
    """Literal values of ``p`` of a datatype its range does not allow, or not valid for their datatype."""
    accepted: set[URIRef] = set()
    for r in ranges:
        accepted |= set(_ACCEPTED.get(r, {r}))
    # The engine narrows the candidates; the message (and the last word) is _datatype_problem's, as before.
    wrong = f"!(DATATYPE(?o) IN ({', '.join(sparql_term(a) for a in sorted(accepted))}))" if accepted else "true"
    invalid = [f"(DATATYPE(?o) = {sparql_term(a)} && !COALESCE(isLiteral({sparql_term(a)}(STR(?o))), false))"
               for a in sorted(accepted) if a in _CASTABLE]
    cond = " || ".join([wrong, *invalid])
    out = []
    for s, o in q.rows(q.data(f"?s {sparql_term(p)} ?o") + f" FILTER(isLiteral(?o) && ({cond}))", "DISTINCT ?s ?o"):
        assert s is not None and isinstance(o, Literal)
        problem = _datatype_problem(o, ranges)
        if problem:
            out.append(Finding(s, p, o, f"{problem}: write the {short_name(str(p))} value as {_example(ranges)}.",
                               "check:datatype"))
    return out


class _Types:
    """The classes of nodes, from the data and (for the ontology's individuals) from the ontology."""

    def __init__(self, q: _Runner, vocab: Vocabulary) -> None:
        self.q = q
        self.vocab = vocab
        self.individuals = {n: ts for n, ts in vocab.types.items() if isinstance(n, URIRef)}

    def misfit(self, var: str, constraints: list[frozenset[URIRef]], unknown: set[URIRef]) -> str:
        """An expression true when ``var`` has a class in the data, no misspelt class, and its classes
        in the data are of the wrong kind (the ontology's individuals are looked at by :meth:`suspects`)."""
        tests = []
        for alts in constraints:
            kinds = {t for t in self.vocab.supers if any(k in self.vocab.supers[t] for k in alts)} | set(alts)
            tests.append(f"NOT EXISTS {{ VALUES ?k {{ {_values(kinds)} }} {self.q.data(f'{var} a ?k')} }}")
        if not tests:
            return "false"
        cond = f"EXISTS {{ {self.q.data(f'{var} a ?t0')} FILTER(isIRI(?t0)) }} && ({' || '.join(tests)})"
        if unknown:
            cond += f" && NOT EXISTS {{ VALUES ?u {{ {_values(unknown)} }} {self.q.data(f'{var} a ?u')} }}"
        return cond

    def suspects(self, constraints: list[frozenset[URIRef]]) -> list[URIRef]:
        """The ontology's individuals whose classes there are of the wrong kind."""
        return [n for n, ts in self.individuals.items() if not self.vocab.fits(ts, constraints)]

    def wrong(self, rows: list[tuple[Node, Node]], end: int, constraints: list[frozenset[URIRef]],
              unknown_kind: set[Node]) -> list[tuple[Node, Node, dict[str, set[URIRef]]]]:
        """The (subject, object) rows whose subject (``end`` 0) or object (1) is typed and of the wrong kind,
        by all its classes (data and ontology); with the classes of both ends, for the message."""
        if not rows:
            return []
        types = self.of([n for row in rows for n in row])
        out = []
        for row in rows:
            node = row[end]
            if str(node) in types and node not in unknown_kind and not self.vocab.fits(types[str(node)], constraints):
                out.append((row[0], row[1], types))
        return out

    def of(self, nodes: list[Node]) -> dict[str, set[URIRef]]:
        """Node text -> classes, for these nodes (those without a class are left out)."""
        out: dict[str, set[URIRef]] = {}
        for n in nodes:
            if isinstance(n, URIRef) and n in self.individuals:
                out.setdefault(str(n), set()).update(self.individuals[n])
        iris = [n for n in nodes if isinstance(n, URIRef)]
        if iris:
            for node, t in self.q.rows(f"VALUES ?n {{ {_values(iris)} }} " + self.q.data("?n a ?t")
                                   + " FILTER(isIRI(?t))", "?n ?t"):
                if isinstance(t, URIRef):
                    out.setdefault(str(node), set()).add(t)
        return out  # a blank node cannot be named in a query: it is left untyped in the message

    def stem(self, s: Node) -> list[tuple[str, set[URIRef]]]:
        """Typed records whose id starts like ``s``'s (``org-`` ...), with their classes."""
        stem = str(s).rsplit("/", 1)[-1].split("-", 1)[0] + "-"
        found: dict[str, set[URIRef]] = {}
        for n, t in self.q.rows(self.q.data("?n a ?t") + (
                f" FILTER(isIRI(?n) && isIRI(?t) && STRSTARTS(STR(?n), {sparql_term(Literal(ID_NS))}) "
                f"&& CONTAINS(STR(?n), {sparql_term(Literal('/' + stem))}))"), "DISTINCT ?n ?t"):
            if isinstance(t, URIRef):
                found.setdefault(str(n), set()).add(t)
        for n, ts in self.individuals.items():
            found.setdefault(str(n), set()).update(ts)
        return list(found.items())

