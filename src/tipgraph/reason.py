"""Materialise the inferences queries need into their own named graph.

The default engine (``engine="rules"``) compiles the ontology into rules:

* the OWL 2 RL rules for the axioms the ontology uses (sub-properties, inverses,
  symmetry, transitivity, domains, ranges, sub-classes);
* one rule per ``owl:propertyChainAxiom`` (an organisation is active where its
  engagements are; a framework operates where its parts do ...);
* the role-specific shortcuts in ``ontology/rules/*.rq`` (an engagement in the
  implementing role yields ``org tg:implements programme``, and so on).

It reads the facts of the predicates the rules mention once, as N-Triples terms (bytes,
never rdflib objects), and runs the OWL 2 RL and chain rules itself: the axioms become
lookup tables (closed hierarchies, inverses, domains and ranges per predicate), and
each round derives only from what the last round added, a predicate at a time, with
sets (semi-naive). The individuals (subjects of facts outside the ontology) come with the
facts read; the few other terms a conclusion may be about are looked up. The shortcuts stay
SPARQL and run in the store's engine, again when a predicate of their pattern gained facts.
What is new goes to the store as N-Triples, each predicate's lines sorted, and on an
in-memory Oxigraph without validating again the terms the store itself wrote. Measured
on 1M triples: see ``ReasonReport.phases`` and benchmarks/bench_stages.py; the previous
engine, every rule a SPARQL CONSTRUCT run in the store (kept as :func:`_materialise_sparql`,
a reference for the tests), took about 41 s there. ``engine="reasonable"`` is an
independent cross-check: the test suite requires the engines to infer exactly the same
graph on the seed and on generated data.

Only facts about individuals are kept (no schema-level noise such as reflexive
``owl:sameAs`` or ``rdf:type owl:Thing``), and they go to
``https://w3id.org/tipgraph/graph/inferred`` so they can be told apart from the
asserted facts, dropped and rebuilt.
"""

from __future__ import annotations

import gc
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from .errors import BadInputError, UnknownNameError
from .namespace import TG, shorten
from .resources import INFERRED_GRAPH, ONTOLOGY_GRAPH, rules_dir
from .sparql.lexical import header_comment
from .store import Store, normalise
from .store.terms import iri_ref

_INFERRED = URIRef(INFERRED_GRAPH)

_SKIP_TYPES = {OWL.Thing, OWL.NamedIndividual, RDFS.Resource, OWL.Class, OWL.ObjectProperty,
               OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property}
_SKIP_PREDICATES = {OWL.sameAs, OWL.differentFrom}


@dataclass
class Rule:
    """A SPARQL CONSTRUCT rule: its name, what it says in words, its text, and the
    predicates it reads and writes (IRIs; rdf:type for class membership)."""

    name: str
    description: str
    sparql: str
    reads: frozenset[str] = frozenset()
    writes: frozenset[str] = frozenset()
    #: what it reads only under ``FILTER NOT EXISTS`` or ``MINUS``: more facts there only hold
    #: conclusions back, so they need not make it run again
    negated: frozenset[str] = frozenset()

    @property
    def grows(self) -> frozenset[str]:
        """The predicates whose new facts can make the rule conclude more."""
        return self.reads - self.negated


@dataclass
class ReasonReport:
    """What :func:`materialise` did.

    >>> ReasonReport(asserted=10, inferred=3, seconds=0.1).inferred
    3
    """

    asserted: int
    inferred: int
    seconds: float
    rounds: int = 0
    engine: str = ""
    by_predicate: dict[str, int] = field(default_factory=dict)
    rules: list[str] = field(default_factory=list)
    #: seconds spent in each phase (the default engine: the start (ontology, tables), reading, deriving,
    #: writing, the SPARQL rules)
    phases: dict[str, float] = field(default_factory=dict)
    #: this process's CPU seconds in each phase (beside the wall-clock ``phases``: the machine may be shared)
    phases_cpu: dict[str, float] = field(default_factory=dict)

    def text(self) -> str:
        """A short readable summary."""
        lines = [f"inferred {self.inferred} triples from {self.asserted} asserted in {self.seconds:.2f} s "
                 f"({self.engine}; {self.rounds} rule runs)"]
        for pred, n in sorted(self.by_predicate.items(), key=lambda kv: (-kv[1], kv[0]))[:15]:
            lines.append(f"  {n:7d}  {pred}")
        return "\n".join(lines)


def chain_rules(ontology: Graph) -> list[Rule]:
    """One CONSTRUCT rule per ``owl:propertyChainAxiom`` in the ontology.

    >>> from tipgraph.resources import ontology_file
    >>> any(r.name == "chain:activeIn" for r in chain_rules(Graph().parse(ontology_file())))
    True
    """
    rules = []
    for prop, steps in _axioms(ontology).chains:
        body = " . ".join(f"?x{i} <{p}> ?x{i + 1}" for i, p in enumerate(steps))
        last = f"?x{len(steps)}"
        sparql = (f"CONSTRUCT {{ ?x0 <{prop}> {last} }} WHERE {{ {body} . "
                  f"FILTER NOT EXISTS {{ ?x0 <{prop}> {last} }} }}")
        name = "chain:" + prop.split("#")[-1]
        rules.append(Rule(name, f"{prop} <- " + " o ".join(steps), sparql, frozenset(steps), frozenset({prop})))
    # Two chains for the same property get distinct names.
    seen: Counter[str] = Counter()
    for r in rules:
        seen[r.name] += 1
        if seen[r.name] > 1:
            r.name = f"{r.name}#{seen[r.name]}"
    return rules


@lru_cache(maxsize=8)
def _file_rules(folder: Path) -> tuple[Rule, ...]:
    rules = []
    for p in sorted(folder.glob("*.rq")):
        text = p.read_text(encoding="utf-8")
        template, _, where = text.partition("WHERE")
        reads = _predicates(where)
        rules.append(Rule("rule:" + p.stem, header_comment(text), text, reads, _predicates(template),
                          reads - _predicates(where, negated=False)))
    return tuple(rules)


def _predicates(text: str, *, negated: bool = True) -> frozenset[str]:
    """IRIs a rule's pattern mentions (full or ``tg:``-prefixed); ``a`` counts as rdf:type.

    Without ``negated``, not those inside ``NOT EXISTS { ... }`` or ``MINUS { ... }``.

    >>> q = "{ ?x tg:funds ?y FILTER NOT EXISTS { ?x tg:runs ?y } FILTER EXISTS { ?y a ?c } }"
    >>> [shorten(p) for p in sorted(_predicates(q, negated=False))]
    ['rdf:type', 'tg:funds']
    """
    from .sparql.lexical import tokens

    out = set()
    depth = 0  # inside a negated group: how many braces are open
    words = ("", "")  # the last two tokens, upper-cased when words
    for kind, tok, _ in tokens(text):
        if depth:
            depth += 1 if kind == "lbrace" else -1 if tok == "}" else 0
            continue
        if not negated and kind == "lbrace" and (words == ("NOT", "EXISTS") or words[1] == "MINUS"):
            depth = 1
            continue
        words = (words[1], tok.upper() if kind == "word" else "")
        if kind == "iri":
            out.add(tok[1:-1])
        elif kind == "pname" and tok.startswith("tg:") and len(tok) > 3:
            out.add(str(TG[tok[3:]]))
        elif kind == "word" and tok == "a":
            out.add(_RDF_TYPE)
    return frozenset(out)


def file_rules(folder: Path | None = None) -> list[Rule]:
    """The hand-written rules in ``ontology/rules/``."""
    return list(_file_rules(folder or rules_dir()))


def _keep(t: tuple[Node, Node, Node], individuals: set[Node]) -> bool:
    s, p, o = t
    if isinstance(s, Literal) or s not in individuals:
        return False
    if p in _SKIP_PREDICATES:
        return False
    return not (p == RDF.type and o in _SKIP_TYPES)


ENGINES = ("rules", "reasonable")


def materialise(store: Store, *, engine: str | None = None) -> ReasonReport:
    """Recompute the inferred graph of ``store`` from everything asserted in it.

    ``engine`` defaults to what measured fastest on the store's backend: ``"rules"`` on
    Oxigraph (its engine runs them natively), ``"reasonable"`` on rdflib's memory store
    (whose pure-Python SPARQL engine makes the rules about 4x slower there).

    >>> from tipgraph.store import open_store
    >>> from tipgraph.loading import load_default
    >>> s = open_store("oxigraph"); _ = load_default(s)
    >>> materialise(s).inferred > 100
    True
    """
    if engine is None:
        engine = "rules" if store.backend == "oxigraph" else "reasonable"
    if engine not in ENGINES:
        raise UnknownNameError("reasoning engine", engine, list(ENGINES))
    # One change: a persistent store commits the dropped and the new inferred graph together
    # (each write on its own would be a commit of the whole store, and a failure between two
    # of them would leave a part of the inferred graph on disk).
    with store.writing():
        return _materialise_rules(store) if engine == "rules" else _materialise_reasonable(store)


_RDF_TYPE = str(RDF.type)
#: The rules that only add class memberships (see :func:`_materialise_rules`).
_TYPE_RULES = frozenset({"prp-dom", "prp-rng", "cax-sco"})
#: Rules whose one run already adds everything their own output implies (closed hierarchies,
#: inverses of inverses, whole transitive paths): what they add never makes them run again.
_COMPLETE_IN_ONE_RUN = ("prp-spo1", "prp-inv", "prp-symp", "prp-trp ", "cax-sco")
_SKIP_TYPE_IRIS = ", ".join(f"<{t}>" for t in sorted(_SKIP_TYPES))


def owl_rl_rules(ontology: Graph) -> list[Rule]:
    """CONSTRUCT rules for the OWL 2 RL patterns the ontology uses, with the IRIs they read and write.

    >>> from tipgraph.resources import ontology_file
    >>> [r.name for r in owl_rl_rules(Graph().parse(ontology_file()))][:3]
    ['prp-spo1', 'prp-inv', 'prp-symp']
    """
    ax = _axioms(ontology)
    sub, inverse, symmetric, subclass, domain, rng = ax.sub, ax.inverse, ax.symmetric, ax.subclass, ax.domain, ax.range

    def values(ps: list[tuple[str, str]]) -> str:
        return " ".join(f"(<{a}> <{b}>)" for a, b in ps)

    rules: list[Rule] = []

    def add(name: str, desc: str, sparql: str, reads: set[str], writes: set[str]) -> None:
        rules.append(Rule(name, desc, sparql, frozenset(reads), frozenset(writes)))

    if sub:
        add("prp-spo1", "a sub-property's facts hold for the super-property",
            f"CONSTRUCT {{ ?s ?q ?o }} WHERE {{ VALUES (?p ?q) {{ {values(sub)} }} ?s ?p ?o . FILTER NOT EXISTS {{ ?s ?q ?o }} }}", {a for a, _ in sub}, {b for _, b in sub})
    if inverse:
        add("prp-inv", "a fact holds for the inverse property, turned round",
            f"CONSTRUCT {{ ?o ?q ?s }} WHERE {{ VALUES (?p ?q) {{ {values(inverse)} }} ?s ?p ?o . FILTER (!isLiteral(?o)) "
            "FILTER NOT EXISTS { ?o ?q ?s } }", {a for a, _ in inverse}, {b for _, b in inverse})
    if symmetric:
        add("prp-symp", "a symmetric fact holds both ways round",
            f"CONSTRUCT {{ ?o ?p ?s }} WHERE {{ VALUES (?p ?q) {{ {values(symmetric)} }} ?s ?p ?o . FILTER (!isLiteral(?o)) "
            "FILTER NOT EXISTS { ?o ?p ?s } }", {a for a, _ in symmetric},
            {a for a, _ in symmetric})
    for p in ax.transitive:
        add(f"prp-trp {_short(URIRef(p))}", "a transitive property's chains hold end to end",
            f"CONSTRUCT {{ ?x <{p}> ?z }} WHERE {{ ?x <{p}> ?y . ?y <{p}>+ ?z . FILTER NOT EXISTS {{ ?x <{p}> ?z }} }}",
            {p}, {p})
    if domain:
        add("prp-dom", "the subject of a property is in its domain",
            f"CONSTRUCT {{ ?s a ?c }} WHERE {{ VALUES (?p ?c) {{ {values(domain)} }} ?s ?p ?o . FILTER (?c NOT IN ({_SKIP_TYPE_IRIS})) "
            "FILTER NOT EXISTS { ?s a ?c } }", {a for a, _ in domain},
            {_RDF_TYPE})
    if rng:
        add("prp-rng", "the object of an object property is in its range",
            f"CONSTRUCT {{ ?o a ?c }} WHERE {{ VALUES (?p ?c) {{ {values(rng)} }} ?s ?p ?o . FILTER (!isLiteral(?o) && "
            f"?c NOT IN ({_SKIP_TYPE_IRIS})) FILTER NOT EXISTS {{ ?o a ?c }} }}",
            {a for a, _ in rng}, {_RDF_TYPE})
    if subclass:
        add("cax-sco", "a member of a class is a member of its super-classes",
            f"CONSTRUCT {{ ?x a ?d }} WHERE {{ VALUES (?c ?d) {{ {values(subclass)} }} ?x a ?c . FILTER (?d NOT IN ({_SKIP_TYPE_IRIS})) "
            "FILTER NOT EXISTS { ?x a ?d } }", {_RDF_TYPE}, {_RDF_TYPE})
    return rules


@dataclass(frozen=True)
class _Axioms:
    """The axioms the rules are compiled from, as IRI pairs ``(a, b)``.

    The hierarchies are closed here, so that one run of a rule reaches every super-property
    and super-class (fewer rounds to the fixpoint; the same facts in the end). Domains and
    ranges stay direct: the super-classes follow from the sub-class pairs.
    """

    sub: list[tuple[str, str]]
    inverse: list[tuple[str, str]]
    symmetric: list[tuple[str, str]]
    transitive: list[str]
    domain: list[tuple[str, str]]
    range: list[tuple[str, str]]
    subclass: list[tuple[str, str]]
    chains: list[tuple[str, tuple[str, ...]]]


def _axioms(ontology: Graph) -> _Axioms:
    def pairs(pred: URIRef) -> list[tuple[str, str]]:
        return sorted({(str(a), str(b)) for a, b in ontology.subject_objects(pred)
                       if isinstance(a, URIRef) and isinstance(b, URIRef)})

    def typed(cls: URIRef) -> list[str]:
        return sorted(str(a) for a in ontology.subjects(RDF.type, cls) if isinstance(a, URIRef))

    object_props = set(typed(OWL.ObjectProperty))
    inverse = pairs(OWL.inverseOf)
    chains = []
    for prop, head in sorted(ontology.subject_objects(OWL.propertyChainAxiom)):
        steps = list(Collection(ontology, head))
        if steps and all(isinstance(s, URIRef) for s in steps) and isinstance(prop, URIRef):
            chains.append((str(prop), tuple(str(s) for s in steps)))
    return _Axioms(
        sub=_closed([(a, b) for a, b in pairs(RDFS.subPropertyOf) if URIRef(b) not in _SKIP_PREDICATES]),
        inverse=sorted(set(inverse) | {(b, a) for a, b in inverse}),
        symmetric=[(p, p) for p in typed(OWL.SymmetricProperty)],
        transitive=typed(OWL.TransitiveProperty),
        domain=pairs(RDFS.domain),
        range=[(p, c) for p, c in pairs(RDFS.range) if p in object_props],
        subclass=_closed([(c, d) for c, d in pairs(RDFS.subClassOf) if URIRef(d) not in _SKIP_TYPES]),
        chains=chains)


def _closed(edges: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The transitive closure of ``edges`` (pairs ``(a, b)``: a below b), without ``(a, a)``.

    >>> _closed([("a", "b"), ("b", "c")])
    [('a', 'b'), ('a', 'c'), ('b', 'c')]
    """
    up: dict[str, set[str]] = {}
    for a, b in edges:
        up.setdefault(a, set()).add(b)
    out = set()
    for start in up:
        seen: set[str] = set()
        todo = list(up[start])
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.add(x)
                todo.extend(up.get(x, ()))
        out |= {(start, x) for x in seen if x != start}
    return sorted(out)


_INDIVIDUALS = f"""
SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{ONTOLOGY_GRAPH}> && ?g != <{INFERRED_GRAPH}>) }}
"""
_BY_PREDICATE = f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }} GROUP BY ?p"


_RDF_TYPE_NT = b"<" + _RDF_TYPE.encode() + b">"
_first, _second = itemgetter(0), itemgetter(1)


def _nt(iri: str) -> bytes:
    return b"<" + iri.encode("utf-8") + b">"


@dataclass(frozen=True)
class _Tables:
    """The axioms as lookup tables, every IRI in N-Triples syntax (``b"<iri>"``).

    ``same[p]``: the super-properties of ``p``; ``flip[p]``: the properties that hold of a
    ``p`` fact turned round (its inverses; ``p`` itself when symmetric); ``domain[p]``,
    ``range[p]``: classes; ``sup[c]``: the super-classes of ``c``; ``chains``: each chain axiom
    and transitive property as ``(head, steps)``.
    """

    same: dict[bytes, tuple[bytes, ...]]
    flip: dict[bytes, tuple[bytes, ...]]
    domain: dict[bytes, tuple[bytes, ...]]
    range: dict[bytes, tuple[bytes, ...]]
    sup: dict[bytes, tuple[bytes, ...]]
    chains: tuple[tuple[bytes, tuple[bytes, ...]], ...]


def _tables(ontology: Graph) -> _Tables:
    ax = _axioms(ontology)

    def table(pairs: list[tuple[str, str]]) -> dict[bytes, tuple[bytes, ...]]:
        out: dict[bytes, dict[bytes, None]] = {}
        for a, b in pairs:
            out.setdefault(_nt(a), {})[_nt(b)] = None
        return {k: tuple(v) for k, v in out.items()}

    def classes(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(p, c) for p, c in pairs if URIRef(c) not in _SKIP_TYPES]

    chains = [(_nt(p), tuple(_nt(s) for s in steps)) for p, steps in ax.chains]
    chains += [(_nt(p), (_nt(p), _nt(p))) for p in ax.transitive]
    return _Tables(same=table(ax.sub), flip=table(ax.inverse + ax.symmetric), domain=table(classes(ax.domain)),
                   range=table(classes(ax.range)), sup=table(classes(ax.subclass)), chains=tuple(chains))


Pairs = set[tuple[bytes, bytes]]


def _by_object(pairs: Iterable[tuple[bytes, bytes]]) -> dict[bytes, set[bytes]]:
    """``{b: {a, ...}}`` for pairs ``(a, b)``, grouped by a sort (in C) rather than a loop.

    >>> _by_object([(b"x", b"C"), (b"y", b"C"), (b"x", b"D")]) == {b"C": {b"x", b"y"}, b"D": {b"x"}}
    True
    """
    ordered = sorted(pairs, key=_second)
    return {key: set(map(_first, group)) for key, group in groupby(ordered, key=_second)}


class _Closure:
    """Facts as N-Triples terms, grouped by predicate, closed under the ontology's rules.

    Semi-naive, a predicate at a time: each round derives only from the facts the last
    round added (``delta``), with sets, so that the joins and the "is it new?" tests run in
    C. Class memberships are kept as the set of members of each class (``members``), the
    bulk of what is derived. The one-fact rules (sub-property, inverse, symmetry, domain,
    range, sub-class) look their conclusions up in :class:`_Tables`; each chain (transitive
    properties among them) joins the new facts of one step with all the facts of the
    others, through an index by subject or by object. A conclusion is kept only when its
    subject is an individual and it is not a fact already: the facts the CONSTRUCT rules of
    :func:`owl_rl_rules` and :func:`chain_rules` reach, run to their fixpoint.
    """

    def __init__(self, tables: _Tables, individuals: set[bytes]) -> None:
        self.t = tables
        self.individuals = individuals
        self.facts: dict[bytes, Pairs] = {}
        #: the predicates with a fact (asserted) whose subject is not an individual: what is
        #: derived from the subjects of the others needs no check
        self.mixed: set[bytes] = set()
        self.members: dict[bytes, set[bytes]] = {}
        self.delta: dict[bytes, Pairs] = {}
        self.delta_types: dict[bytes, set[bytes]] = {}
        self.fresh: dict[bytes, Pairs] = {}
        self.fresh_types: dict[bytes, set[bytes]] = {}
        self.rounds = 0
        #: predicate -> [(head, steps, position)], a line for every chain step it fills
        self._steps: dict[bytes, list[tuple[bytes, tuple[bytes, ...], int]]] = {}
        by_s: set[bytes] = set()
        by_o: set[bytes] = set()
        for head, steps in tables.chains:
            for i, step in enumerate(steps):
                self._steps.setdefault(step, []).append((head, steps, i))
                if len(steps) != 2 or i == 1:
                    by_s.add(step)
                if len(steps) != 2 or i == 0:
                    by_o.add(step)
        # a chain's later steps are looked up by subject, its earlier ones by object
        self._by_s: dict[bytes, defaultdict[bytes, set[bytes]]] = {p: defaultdict(set) for p in by_s}
        self._by_o: dict[bytes, defaultdict[bytes, set[bytes]]] = {p: defaultdict(set) for p in by_o}
        if _RDF_TYPE_NT in self._steps or _RDF_TYPE_NT in tables.same or _RDF_TYPE_NT in tables.flip:
            raise BadInputError("the ontology makes rdf:type part of a property axiom; the rules engine does not "
                                "support that (use engine='reasonable')")

    def predicates(self) -> set[bytes]:
        """Every predicate a rule reads or writes: the only facts the closure needs."""
        t = self.t
        out = {_RDF_TYPE_NT, *t.same, *t.flip, *t.domain, *t.range, *self._steps}
        for table in (t.same, t.flip):
            for qs in table.values():
                out.update(qs)
        out.update(head for head, _ in t.chains)
        return out

    def assert_facts(self, p: bytes, pairs: Pairs, *, individual_subjects: bool | None = None) -> None:
        """Take in facts of predicate ``p`` that hold already (asserted).

        ``individual_subjects``: whether every subject of them is an individual, if known.
        """
        if individual_subjects is None:
            individual_subjects = {s for s, _ in pairs} <= self.individuals
        if not individual_subjects:
            self.mixed.add(p)
        if p == _RDF_TYPE_NT:
            for c, xs in _by_object(pairs).items():
                self.members.setdefault(c, set()).update(xs)
                self.delta_types.setdefault(c, set()).update(xs)
            return
        facts = self.facts.get(p)
        if facts is None:
            self.facts[p] = facts = set(pairs)
        else:
            pairs = pairs - facts
            facts |= pairs
        self.delta.setdefault(p, set()).update(pairs)
        self._index(p, pairs)

    def derive(self, p: bytes, pairs: Pairs, checked: bool = False) -> None:
        """Take in conclusions of predicate ``p``: those that are new and about an individual
        (``checked``: all of them are about one)."""
        if p == _RDF_TYPE_NT:
            for c, xs in _by_object(pairs).items():
                self.derive_type(c, xs)
            return
        facts = self.facts.get(p)
        if facts is None:
            facts = self.facts[p] = set()
        new = pairs - facts
        if not new:
            return
        if not checked:
            individuals = self.individuals
            new = {t for t in new if t[0] in individuals}
            if not new:
                return
        facts |= new
        self.delta.setdefault(p, set()).update(new)
        self.fresh.setdefault(p, set()).update(new)
        self._index(p, new)

    def derive_type(self, c: bytes, xs: set[bytes]) -> None:
        """Take in the conclusions that each of ``xs`` is a member of class ``c``."""
        members = self.members.get(c)
        if members is None:
            members = self.members[c] = set()
        new = xs - members
        if not new:
            return
        new &= self.individuals
        if not new:
            return
        members |= new
        self.delta_types.setdefault(c, set()).update(new)
        self.fresh_types.setdefault(c, set()).update(new)

    def _index(self, p: bytes, pairs: Pairs) -> None:
        by_s, by_o = self._by_s.get(p), self._by_o.get(p)
        if by_s is not None:
            for s, o in pairs:
                by_s[s].add(o)
        if by_o is not None:
            for s, o in pairs:
                by_o[o].add(s)

    def run(self) -> None:
        """Derive until nothing new follows."""
        t, derive, derive_type = self.t, self.derive, self.derive_type
        while self.delta or self.delta_types:
            self.rounds += 1
            delta, self.delta = self.delta, {}
            delta_types, self.delta_types = self.delta_types, {}
            # Predicates all of whose facts are new this round (all of them, in the first): a
            # chain's later step need not be joined with those of its earlier step, which are
            # joined with it as they come (the same join twice, otherwise).
            whole = {p for p, pairs in delta.items() if len(pairs) == len(self.facts[p])}
            for c, xs in delta_types.items():
                for d in t.sup.get(c, ()):
                    derive_type(d, xs)
            mixed = self.mixed
            for p, pairs in delta.items():
                for q in t.same.get(p, ()):
                    derive(q, pairs, p not in mixed)
                flip = t.flip.get(p)
                if flip:
                    turned = {(o, s) for s, o in pairs if o[0] != 34}  # 34: '"', a literal
                    for q in flip:
                        derive(q, turned)
                rng = t.range.get(p)
                if rng:
                    objects = {o for _, o in pairs if o[0] != 34}
                    for c in rng:
                        derive_type(c, objects)
                dom = t.domain.get(p)
                if dom:
                    subjects = {s for s, _ in pairs}
                    for c in dom:
                        derive_type(c, subjects)
                for head, steps, i in self._steps.get(p, ()):
                    if i == 1 and len(steps) == 2 and steps[0] in whole:
                        continue
                    derive(head, self._join(steps, i, pairs), steps[0] not in mixed)

    def _join(self, steps: tuple[bytes, ...], i: int, pairs: Pairs) -> Pairs:
        """The ends of the chains ``steps`` whose step ``i`` is one of ``pairs``."""
        if len(steps) == 2:  # the common case, without the sets of the general one
            if i == 0:
                after = self._by_s[steps[1]]
                return {(s, z) for s, o in pairs if o in after for z in after[o]}
            before = self._by_o[steps[0]]
            return {(x, o) for s, o in pairs if s in before for x in before[s]}
        out: Pairs = set()
        for s, o in pairs:
            starts = {s}
            for step in reversed(steps[:i]):
                index = self._by_o[step]
                starts = {x for y in starts if y in index for x in index[y]}
            ends = {o}
            for step in steps[i + 1:]:
                index = self._by_s[step]
                ends = {z for y in ends if y in index for z in index[y]}
            out.update((x, z) for x in starts for z in ends)
        return out

    def take_fresh(self) -> tuple[dict[bytes, Pairs], dict[bytes, set[bytes]]]:
        """The facts derived since the last call, by predicate, and the memberships, by class."""
        out = self.fresh, self.fresh_types
        self.fresh, self.fresh_types = {}, {}
        return out


#: One CONSTRUCT line: subject, predicate, object (the serialiser writes single spaces and " .").
_LINE = re.compile(rb"^(\S+) (\S+) (.*) \.$", re.MULTILINE)
#: A number or boolean that TSV writes bare (``1``, ``-0.5``, ``true``), not in N-Triples syntax.
_BARE = re.compile(rb"\t[^<\"_\n]")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_BARE_TYPES = {kind: f'"^^<{_XSD}{kind}>'.encode() for kind in ("boolean", "double", "decimal", "integer")}


def _full(term: bytes) -> bytes:
    """A literal TSV wrote bare, in N-Triples syntax.

    >>> _full(b"-0.5"), _full(b"true")
    (b'"-0.5"^^<http://www.w3.org/2001/XMLSchema#decimal>', b'"true"^^<http://www.w3.org/2001/XMLSchema#boolean>')
    """
    if term in (b"true", b"false"):
        kind = "boolean"
    elif b"e" in term or b"E" in term:
        kind = "double"
    else:
        kind = "decimal" if b"." in term else "integer"
    return b'"' + term + _BARE_TYPES[kind]


def _facts(store: Store, predicate: bytes) -> set[tuple[bytes, bytes]]:
    """The ``(subject, object)`` pairs of one predicate anywhere in the store, in N-Triples syntax.

    On Oxigraph they come as a SELECT's TSV, about three times cheaper than a CONSTRUCT (whose
    triples the engine builds one by one); elsewhere through :meth:`Store.construct_ntriples`.
    """
    engine = getattr(store, "_ox", None)  # the Store interface has no raw SELECT results yet
    if store.backend == "oxigraph" and engine is not None:
        # the predicate is an N-Triples IRI read from the store; written back by the term serialiser
        return _tsv_pairs(engine, f"SELECT ?s ?o WHERE {{ ?s {iri_ref(predicate.decode()[1:-1])} ?o }}", union=True)
    rows = store.execute(f"SELECT ?s ?o WHERE {{ ?s {predicate.decode()} ?o }}", {}, None).rows
    return {(_nt_term(s), _nt_term(o)) for s, o in rows if s is not None and o is not None}


def _tsv_pairs(engine: Any, sparql: str, *, union: bool) -> Pairs:
    """The rows of a two-column SELECT on the Oxigraph ``engine``, as N-Triples terms."""
    return _tsv_columns(engine, sparql, union=union)[0]


def _tsv_columns(engine: Any, sparql: str, *, union: bool) -> tuple[Pairs, list[bytes], list[bytes]]:
    """The rows of a two-column SELECT on the Oxigraph ``engine``, as N-Triples terms; its columns as they came."""
    import pyoxigraph as ox

    data: bytes = engine.query(sparql, use_default_graph_as_union=union).serialize(
        format=ox.QueryResultsFormat.TSV) or b""
    data = data[data.find(b"\n") + 1:-1]  # the header; the last line break
    if not data:
        return set(), [], []
    # A tab or line break inside a literal is escaped: the terms are what splitting leaves.
    terms = data.replace(b"\n", b"\t").split(b"\t")
    subjects, objects = terms[0::2], terms[1::2]
    if _BARE.search(data) is None:
        return set(zip(subjects, objects, strict=True)), subjects, objects
    return {(s, o if o[:1] in b'<"_' else _full(o)) for s, o in zip(subjects, objects, strict=True)}, subjects, objects


#: The facts of one predicate in the named graphs (the inferred graph is empty then). A filter on
#: the graph (the ontology's subjects are not individuals for that) makes it twice as slow.
_NAMED_FACTS = "SELECT ?s ?o WHERE {{ GRAPH ?g {{ ?s {} ?o }} }}"
#: The facts whose subjects are not individuals for being their subjects: the ontology's and the default graph's.
_OTHER_FACTS = f"SELECT ?s ?p ?o WHERE {{ {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }} UNION {{ ?s ?p ?o }} }}"


class _Reader:
    """The facts of the predicates the rules need, and the individuals among the terms they mention.

    On Oxigraph the individuals (subjects of a fact outside the ontology) come with the facts:
    the subjects of each predicate's facts outside the ontology graph are individuals, and
    only the other terms a conclusion may be about (the objects, the subjects of the
    ontology's facts, the terms the SPARQL rules bring; a few hundred) are looked up one by
    one, instead of listing the subject of every triple in the store (a tenth of the time
    at 1M triples). Elsewhere the individuals are listed at the start.

    >>> from tipgraph.store import open_store
    >>> from tipgraph.loading import load_default
    >>> s = open_store("oxigraph"); _ = load_default(s)
    >>> r = _Reader(s); facts = r.facts({_RDF_TYPE_NT}); len(r.individuals) > 10
    True
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        engine = getattr(store, "_ox", None)  # the Store interface has no raw SELECT results yet
        self.engine = engine if store.backend == "oxigraph" else None
        self.individuals: set[bytes] = set() if self.engine is not None else _individuals(store)
        #: the terms known not to be individuals
        self.others: set[bytes] = set()
        #: the predicates read whose every subject is known to be an individual
        self.clean: set[bytes] = set()

    def facts(self, predicates: Iterable[bytes]) -> dict[bytes, Pairs]:
        """The ``(subject, object)`` pairs of each predicate anywhere in the store."""
        if self.engine is None:
            return {p: _facts(self.store, p) for p in predicates}
        out: dict[bytes, Pairs] = {}
        individuals = self.individuals
        objects: set[bytes] = set()
        for p in predicates:
            # the predicate is an N-Triples IRI read from the store; written back by the term serialiser
            out[p], subjects, ends = _tsv_columns(self.engine, _NAMED_FACTS.format(iri_ref(p.decode()[1:-1])),
                                                  union=False)
            individuals.update(subjects)
            objects.update(ends)  # (a literal TSV writes bare is not a term a conclusion is about)
        other: dict[bytes, Pairs] = {}
        for s, p, o in _triples(self.engine, _OTHER_FACTS):
            if p in out:
                other.setdefault(p, set()).add((s, o))
        # The subjects of the ontology's (and the default graph's) facts are individuals only
        # if they have facts elsewhere too: they are looked up with the objects.
        terms = {s for pairs in other.values() for s, _ in pairs}
        individuals -= terms
        for p, pairs in other.items():
            out[p] |= pairs
        terms.update(o for pairs in other.values() for _, o in pairs if o[:1] in b"<_")
        objects -= individuals
        terms.update(o for o in objects if o[:1] in b"<_")
        self.resolve(terms)
        self.clean = {p for p in out if all(s in individuals for s, _ in other.get(p, ()))}
        return out

    def resolve(self, terms: set[bytes]) -> set[bytes]:
        """Find out which of ``terms`` (IRIs and blank nodes as N-Triples terms) are individuals; the new ones."""
        found: set[bytes] = set()
        if self.engine is None:
            return found
        import pyoxigraph as ox

        unknown = terms - self.individuals - self.others
        skip = (ox.NamedNode(ONTOLOGY_GRAPH), ox.NamedNode(INFERRED_GRAPH))
        for term in unknown:
            text = term.decode()
            node = ox.BlankNode(text[2:]) if _is_blank(term) else ox.NamedNode(text[1:-1])
            # its facts, until one in a named graph that is not the ontology's or the inferred one
            if any(not isinstance(q.graph_name, ox.DefaultGraph) and q.graph_name not in skip
                   for q in self.engine.quads_for_pattern(node, None, None, None)):
                found.add(term)
            else:
                self.others.add(term)
        self.individuals |= found
        return found


def _triples(engine: Any, sparql: str) -> list[tuple[bytes, bytes, bytes]]:
    """The rows of a three-column SELECT on the Oxigraph ``engine`` (not the union graph), as N-Triples terms."""
    import pyoxigraph as ox

    data: bytes = engine.query(sparql).serialize(format=ox.QueryResultsFormat.TSV) or b""
    out = []
    for line in data.split(b"\n")[1:]:
        if line:
            s, p, o = line.split(b"\t")
            out.append((s, p, o if o[:1] in b'<"_' else _full(o)))
    return out


def _rule_facts(store: Store, sparql: str) -> dict[bytes, Pairs]:
    """What a CONSTRUCT rule concludes, by predicate, in N-Triples syntax."""
    if store.backend == "oxigraph":  # its N-Triples: a triple a line, single spaces
        return _pairs(store.construct_ntriples(sparql))
    out: dict[bytes, Pairs] = {}
    for s, p, o in store.execute(sparql, {}, None).triples:
        out.setdefault(_nt_term(p), set()).add((_nt_term(s), _nt_term(o)))
    return out


_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}


def _nt_term(term: Node) -> bytes:
    """An rdflib term in N-Triples syntax on one line (rdflib's ``n3()`` may span lines).

    >>> _nt_term(Literal("a\\nb", lang="en")), _nt_term(URIRef("urn:x"))
    (b'"a\\\\nb"@en', b'<urn:x>')
    """
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_ESCAPES) + '"'
        if term.language:
            text += "@" + term.language
        elif term.datatype is not None and str(term.datatype) != _XSD + "string":
            text += f"^^<{term.datatype}>"
        return text.encode("utf-8")
    if isinstance(term, BNode):
        return b"_:" + str(term).encode("utf-8")
    return b"<" + str(term).encode("utf-8") + b">"


def _individuals(store: Store) -> set[bytes]:
    """Every subject of an asserted fact outside the ontology, in N-Triples syntax."""
    engine = getattr(store, "_ox", None)  # as in _facts: the lines straight from the engine
    if store.backend == "oxigraph" and engine is not None:
        import pyoxigraph as ox

        data: bytes = engine.query(_INDIVIDUALS).serialize(format=ox.QueryResultsFormat.TSV) or b""
        out = set(data.split(b"\n")[1:])
        out.discard(b"")
        return out
    return set(store.select_terms(_INDIVIDUALS))


def _pairs(ntriples: bytes) -> dict[bytes, set[tuple[bytes, bytes]]]:
    out: dict[bytes, set[tuple[bytes, bytes]]] = {}
    for s, p, o in _LINE.findall(ntriples):
        out.setdefault(p, set()).add((s, o))
    return out


#: Conclusions go to the store in pieces of about this many triples (a bounded buffer).
_CHUNK = 20_000


def _is_blank(term: bytes) -> bool:
    return term[:2] == b"_:"


def _loader(store: Store) -> Callable[[bytes], None]:
    """A function that loads N-Triples into the inferred graph.

    The lines are terms the store itself wrote (or :func:`_full` made from them), so the
    store is told they are ``trusted``: Oxigraph then skips validating every IRI and
    language tag again, a quarter of the writing time at 1M triples.
    """
    return lambda data: store.load(data, format="ntriples", graph=INFERRED_GRAPH, trusted=True)


def _write(store: Store, closure: _Closure, blank_nodes: bool) -> Counter[bytes]:
    """Load what the closure derived since the last call into the inferred graph; how many, by predicate.

    With ``blank_nodes`` a fact about a blank node is added as terms: loaded as N-Triples,
    its blank node would be a new one (the loader gives a document's blank nodes fresh names).
    """
    counts: Counter[bytes] = Counter()
    # Each predicate's lines in order (of subject, then object): Oxigraph inserts them into its
    # indexes a third faster than in the order of a set, more than the sorting costs.
    lines: list[bytes] = []
    blank: list[bytes] = []

    load = _loader(store)

    def flush(upto: int) -> None:
        while len(lines) >= upto and lines:
            load(b" .\n".join(lines[:_CHUNK]) + b" .\n")
            del lines[:_CHUNK]

    fresh, fresh_types = closure.take_fresh()
    for p, pairs in fresh.items():
        middle = b" " + p + b" "
        counts[p] += len(pairs)
        if blank_nodes:
            blank.extend(s + middle + o for s, o in pairs if _is_blank(s) or _is_blank(o))
            pairs = {(s, o) for s, o in pairs if not (_is_blank(s) or _is_blank(o))}
        lines.extend(sorted([s + middle + o for s, o in pairs]))
        flush(_CHUNK)
    for c, xs in fresh_types.items():
        tail = b" " + _RDF_TYPE_NT + b" " + c
        counts[_RDF_TYPE_NT] += len(xs)
        if blank_nodes:
            blank.extend(x + tail for x in xs if _is_blank(x))
            xs = {x for x in xs if not _is_blank(x)}
        lines.extend(sorted([x + tail for x in xs]))
        flush(_CHUNK)
    flush(1)
    if blank:
        import pyoxigraph as ox

        from .store.oxigraph import from_ox

        graph = URIRef(INFERRED_GRAPH)
        store.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object), graph)  # type: ignore[misc]
                  for t in ox.parse(b" .\n".join(blank) + b" .\n", format=ox.RdfFormat.N_TRIPLES,
                                    rename_blank_nodes=False))
    return counts


def _materialise_rules(store: Store) -> ReasonReport:
    # Millions of tuples and sets are made and kept here, none of them in a cycle: the cyclic
    # collector would walk them again and again for nothing (a fifth of the time at 1M triples).
    paused = gc.isenabled()
    gc.disable()
    try:
        return _materialise_rules_now(store)
    finally:
        if paused:
            gc.enable()


def _materialise_rules_now(store: Store) -> ReasonReport:
    started = time.perf_counter()
    phases: defaultdict[str, float] = defaultdict(float)
    cpu: defaultdict[str, float] = defaultdict(float)
    clock = [started, time.process_time()]

    def lap(phase: str) -> None:
        now, used = time.perf_counter(), time.process_time()
        phases[phase] += now - clock[0]
        cpu[phase] += used - clock[1]
        clock[:] = [now, used]

    store.drop_graph(INFERRED_GRAPH)
    asserted = store.count()
    ontology = _stored_ontology(store)
    extra = file_rules()
    reader = _Reader(store)
    closure = _Closure(_tables(ontology), reader.individuals)
    lap("start")
    # Facts of the predicates no rule reads or writes can neither yield nor be a conclusion.
    wanted = closure.predicates() | {_nt(iri) for r in extra for iri in r.writes}
    for pred, pairs in reader.facts(sorted(wanted)).items():
        closure.assert_facts(pred, pairs, individual_subjects=True if pred in reader.clean else None)
    blank_nodes = any(_is_blank(x) for x in reader.individuals)  # (a fact about one is about an individual)
    lap("read")
    dirty = [True] * len(extra)
    by_pred: Counter[bytes] = Counter()
    runs = 0
    while True:
        closure.run()
        lap("derive")
        written = _write(store, closure, blank_nodes)
        if written:
            by_pred.update(written)
            names = {pred[1:-1].decode() for pred in written}
            dirty = [d or bool(r.grows & names) for d, r in zip(dirty, extra, strict=True)]
            lap("write")
        if not any(dirty):
            break
        # The hand-written rules read the store, where the facts derived so far are now: each
        # runs again when a predicate of its pattern (outside FILTER NOT EXISTS) gained facts.
        for i, rule in enumerate(extra):
            if dirty[i]:
                dirty[i] = False
                runs += 1
                concluded = _rule_facts(store, rule.sparql)
                # a conclusion is about a term of a fact read, or one of these
                found = reader.resolve({x for pairs in concluded.values() for pair in pairs for x in pair if x[0] != 34})
                blank_nodes = blank_nodes or any(_is_blank(x) for x in found)
                for pred, pairs in concluded.items():
                    closure.derive(pred, pairs)
        lap("sparql rules")
        if not (closure.delta or closure.delta_types):
            break
    runs += closure.rounds
    counts = {_short(URIRef(pred[1:-1].decode())): n for pred, n in by_pred.items()}
    return ReasonReport(asserted=asserted, inferred=sum(counts.values()), seconds=time.perf_counter() - started,
                        rounds=runs, engine="OWL 2 RL tables and chains, semi-naive, with SPARQL rules",
                        by_predicate=counts, rules=[r.name for r in owl_rl_rules(ontology) + chain_rules(ontology)
                                                    + extra], phases={k: round(v, 3) for k, v in phases.items()},
                        phases_cpu={k: round(v, 3) for k, v in cpu.items()})


def _stored_ontology(store: Store) -> Graph:
    """The ontology graph the store holds; refused when there is none."""
    ontology = Graph()
    for s, p, o, _ in store.quads(ONTOLOGY_GRAPH):
        ontology.add((s, p, o))
    if not ontology:
        raise BadInputError("the store holds no ontology graph; load the ontology before reasoning")
    return ontology


def _materialise_sparql(store: Store) -> ReasonReport:
    """The previous engine: every rule a CONSTRUCT query, run in strata (a test reference)."""
    started = time.perf_counter()
    store.drop_graph(INFERRED_GRAPH)
    asserted = store.count()
    ontology = _stored_ontology(store)
    individuals = _individuals(store)
    rules = owl_rl_rules(ontology) + chain_rules(ontology) + file_rules()
    # Inverse, chained and shortcut facts first, types last: fewer passes to the fixpoint.
    order = {"prp-spo1": 0, "prp-inv": 1, "prp-symp": 2, "prp-dom": 8, "prp-rng": 8, "cax-sco": 9}
    rules.sort(key=lambda r: order.get(r.name, 5 if r.name.startswith(("chain:", "rule:")) else 3))
    # Two strata: the rules that write relations sweep to their fixpoint first, then the type
    # rules (which read nearly every triple) sweep once; again while either left work for the
    # other. A rule runs again only when facts of a predicate it reads were added after it ran.
    strata = [[i for i, r in enumerate(rules) if r.name not in _TYPE_RULES],
              [i for i, r in enumerate(rules) if r.name in _TYPE_RULES]]
    dirty = [True] * len(rules)
    runs = 0
    while any(dirty):
        for stratum in strata:
            while any(dirty[i] for i in stratum):
                for i in stratum:
                    if not dirty[i]:
                        continue
                    dirty[i] = False
                    runs += 1
                    rule = rules[i]
                    data = store.construct_ntriples(rule.sparql)
                    lines = [line for line in data.splitlines(keepends=True)
                             if line[:line.find(b" ")] in individuals]
                    if not lines:
                        continue
                    store.load(b"".join(lines), format="ntriples", graph=INFERRED_GRAPH)
                    written = {p[1:-1].decode() for p in {line.split(b" ", 2)[1] for line in lines}}
                    for j, other in enumerate(rules):
                        if other.reads & written and not (j == i and rule.name.startswith(_COMPLETE_IN_ONE_RUN)):
                            dirty[j] = True
                if stratum is strata[1]:
                    break  # the type rules sweep once; the relations come first again if they must
    by_pred = {_short(p): int(str(n)) for p, n in store.execute(_BY_PREDICATE, {}, None).rows}
    return ReasonReport(asserted=asserted, inferred=sum(by_pred.values()), seconds=time.perf_counter() - started,
                        rounds=runs, engine="SPARQL rules compiled from the ontology", by_predicate=by_pred,
                        rules=[r.name for r in rules])


def _materialise_reasonable(store: Store, *, max_rounds: int = 10) -> ReasonReport:
    import reasonable

    started = time.perf_counter()
    store.drop_graph(INFERRED_GRAPH)
    base: set[tuple[Node, Node, Node]] = set()
    ontology = Graph()
    individuals: set[Node] = set()
    for s, p, o, g in store.quads():
        t = (s, p, normalise(o))
        base.add(t)
        if str(g) == ONTOLOGY_GRAPH:
            ontology.add(t)
        else:
            individuals.add(s)
    if not ontology:
        raise BadInputError("the store holds no ontology graph; load the ontology before reasoning")
    rules = chain_rules(ontology) + file_rules()

    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(list(base))
    inferred: set[tuple[Node, Node, Node]] = set()
    rounds = 0
    pending: list[tuple[Node, Node, Node]] = []
    while rounds < max_rounds:
        rounds += 1
        if pending:
            reasoner.from_graph(pending)
        closure = reasoner.reason()
        fresh = []
        for t in closure:
            t = (t[0], t[1], normalise(t[2]))
            if t in base or t in inferred or not _keep(t, individuals):
                continue
            inferred.add(t)
            fresh.append(t)
        store.add((s, p, o, _INFERRED) for s, p, o in fresh)
        pending = []
        for rule in rules:
            for t in store.execute(rule.sparql, {}, None).triples:
                t = (t[0], t[1], normalise(t[2]))
                if t not in base and t not in inferred and _keep(t, individuals):
                    inferred.add(t)
                    pending.append(t)
        pending = list(dict.fromkeys(pending))
        store.add((s, p, o, _INFERRED) for s, p, o in pending)
        if not pending:
            break
    by_pred = Counter(_short(p) for _, p, _ in inferred)
    return ReasonReport(asserted=store.count() - len(inferred), inferred=len(inferred),
                        seconds=time.perf_counter() - started, rounds=rounds, by_predicate=dict(by_pred),
                        rules=[r.name for r in rules], engine="reasonable (OWL 2 RL closure) + SPARQL rules")


def _short(iri: Node | None) -> str:
    return shorten(iri)


def drop_inferred(store: Store) -> None:
    """Remove every inferred triple, leaving the asserted facts untouched."""
    store.drop_graph(INFERRED_GRAPH)
