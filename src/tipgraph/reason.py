"""Materialise the inferences queries need into their own named graph.

The default engine (``engine="rules"``) compiles the ontology into SPARQL ``CONSTRUCT``
rules and lets the store's own engine run them until nothing new appears:

* the OWL 2 RL rules for the axioms the ontology uses (sub-properties, inverses,
  symmetry, transitivity, domains, ranges, sub-classes);
* one rule per ``owl:propertyChainAxiom`` (an organisation is active where its
  engagements are; a framework operates where its parts do ...);
* the role-specific shortcuts in ``ontology/rules/*.rq`` (an engagement in the
  implementing role yields ``org tg:implements programme``, and so on).

A rule runs again only when a rule it reads from added something (semi-naive). On
Oxigraph the triples never become Python objects: results travel as N-Triples bytes.
Measured on 1M triples: about 25 s and under 1 GiB, where the previous engine -
``reasonable``'s full OWL 2 RL closure over every triple converted to rdflib terms -
ran out of memory. ``engine="reasonable"`` is kept as an independent cross-check:
the test suite requires both engines to infer exactly the same graph on the seed.

Only facts about individuals are kept (no schema-level noise such as reflexive
``owl:sameAs`` or ``rdf:type owl:Thing``), and they go to
``https://w3id.org/tipgraph/graph/inferred`` so they can be told apart from the
asserted facts, dropped and rebuilt.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from .errors import BadInputError, UnknownNameError
from .namespace import TG, shorten
from .resources import INFERRED_GRAPH, ONTOLOGY_GRAPH, rules_dir
from .sparql.lexical import header_comment
from .store import Store, normalise

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
    for prop, head in sorted(ontology.subject_objects(OWL.propertyChainAxiom)):
        steps = list(Collection(ontology, head))
        if not steps or not all(isinstance(s, URIRef) for s in steps) or not isinstance(prop, URIRef):
            continue
        body = " . ".join(f"?x{i} <{p}> ?x{i + 1}" for i, p in enumerate(steps))
        last = f"?x{len(steps)}"
        sparql = (f"CONSTRUCT {{ ?x0 <{prop}> {last} }} WHERE {{ {body} . "
                  f"FILTER NOT EXISTS {{ ?x0 <{prop}> {last} }} }}")
        name = "chain:" + str(prop).split("#")[-1]
        rules.append(Rule(name, f"{prop} <- " + " o ".join(str(s) for s in steps), sparql,
                          frozenset(str(s) for s in steps), frozenset({str(prop)})))
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
        rules.append(Rule("rule:" + p.stem, header_comment(text), text, _predicates(where), _predicates(template)))
    return tuple(rules)


def _predicates(text: str) -> frozenset[str]:
    """IRIs a rule's pattern mentions (full or ``tg:``-prefixed); ``a`` counts as rdf:type."""
    from .sparql.lexical import tokens

    out = set()
    for kind, tok, _ in tokens(text):
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
    if engine == "rules":
        return _materialise_rules(store)
    if engine == "reasonable":
        return _materialise_reasonable(store)
    raise UnknownNameError("reasoning engine", engine, list(ENGINES))


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
    def pairs(pred: URIRef) -> list[tuple[str, str]]:
        return sorted({(str(a), str(b)) for a, b in ontology.subject_objects(pred)
                       if isinstance(a, URIRef) and isinstance(b, URIRef)})

    def typed(cls: URIRef) -> list[str]:
        return sorted(str(a) for a in ontology.subjects(RDF.type, cls) if isinstance(a, URIRef))

    def values(ps: list[tuple[str, str]]) -> str:
        return " ".join(f"(<{a}> <{b}>)" for a, b in ps)

    object_props = set(typed(OWL.ObjectProperty))
    inverse = pairs(OWL.inverseOf)
    inverse = sorted(set(inverse) | {(b, a) for a, b in inverse})
    # The hierarchies are closed here, so that one run of a rule reaches every super-property
    # and super-class (fewer rounds to the fixpoint; the same facts in the end). Domains and
    # ranges stay direct: the super-classes follow in the same round, from cax-sco.
    sub = _closed([(a, b) for a, b in pairs(RDFS.subPropertyOf) if URIRef(b) not in _SKIP_PREDICATES])
    symmetric = [(p, p) for p in typed(OWL.SymmetricProperty)]
    subclass = _closed([(c, d) for c, d in pairs(RDFS.subClassOf) if URIRef(d) not in _SKIP_TYPES])
    domain = pairs(RDFS.domain)
    rng = [(p, c) for p, c in pairs(RDFS.range) if p in object_props]
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
    for p in typed(OWL.TransitiveProperty):
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


def _materialise_rules(store: Store) -> ReasonReport:
    started = time.perf_counter()
    store.drop_graph(INFERRED_GRAPH)
    asserted = store.count()
    ontology = Graph()
    for s, p, o, _ in store.quads(ONTOLOGY_GRAPH):
        ontology.add((s, p, o))
    if not ontology:
        raise BadInputError("the store holds no ontology graph; load the ontology before reasoning")
    individuals = set(store.select_terms(_INDIVIDUALS))
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
