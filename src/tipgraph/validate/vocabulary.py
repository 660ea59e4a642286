"""What the ontology declares, read at validation time: terms, kinds, domains, ranges, derivations.

Nothing here is written by hand per term: classes, properties and individuals, the sub-class
closure, the domain and range of every property (its own, its super-properties' and its
inverse's) and the list of derived properties all come from the ontology graph and the rules in
``ontology/rules/``, so a term added to ``tipgraph.ttl`` is checked the moment it exists.

>>> vocab = Vocabulary.from_ontology()
>>> from tipgraph.namespace import TG
>>> vocab.is_a({TG.Country}, TG.Place)
True
>>> vocab.suggest("organizedBy", "property")
['tg:organisedBy']
>>> {"tg:activeIn", "tg:implements", "tg:funds", "tg:fundedBy"} <= {short_name(p) for p in vocab.derived}
True
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from tipgraph import resources

from .names import short_name

__all__ = ["TG_NS", "Derivation", "Vocabulary", "Written", "pattern_text"]

TG_NS = resources.TG_NS
#: Optional annotation: ``tg:someProperty tg:derived true`` marks a property the reasoner
#: derives (``false`` exempts one that a chain or rule would otherwise mark).
DERIVED_ANNOTATION = URIRef(TG_NS + "derived")

_PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
_CLASS_TYPES = (OWL.Class, RDFS.Class)
#: A range in one of these namespaces is a datatype, not a class of nodes.
_DATATYPE_NS = (str(XSD), str(RDF.langString), str(RDFS.Literal))

Kinds = frozenset[URIRef]  # one alternative set: the value must be in (a subclass of) one of them


@dataclass(frozen=True)
class Derivation:
    """How the reasoner derives ``prop``: the triple patterns that, once stated, yield it.

    ``pattern`` is a list of (subject, predicate, object) with :class:`rdflib.Variable`s;
    ``subject`` and ``object`` name the variables the derived triple's ends bind to.
    """

    prop: URIRef
    pattern: tuple[tuple[Node, Node, Node], ...]
    subject: Variable
    object: Variable
    source: str


@dataclass
class Vocabulary:
    """The ontology's terms and axioms in the shapes the curation checks need."""

    classes: set[URIRef] = field(default_factory=set)
    properties: set[URIRef] = field(default_factory=set)
    object_properties: set[URIRef] = field(default_factory=set)
    datatype_properties: set[URIRef] = field(default_factory=set)
    individuals: set[URIRef] = field(default_factory=set)
    labels: dict[URIRef, str] = field(default_factory=dict)
    types: dict[Node, set[URIRef]] = field(default_factory=dict)
    supers: dict[URIRef, frozenset[URIRef]] = field(default_factory=dict)
    inverse: dict[URIRef, URIRef] = field(default_factory=dict)
    own_domain: set[URIRef] = field(default_factory=set)
    domains: dict[URIRef, list[Kinds]] = field(default_factory=dict)
    ranges: dict[URIRef, list[Kinds]] = field(default_factory=dict)
    datatypes: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    #: Derived property -> its derivations from chains (those from rules: see :meth:`derivations`).
    derived: dict[URIRef, list[Derivation]] = field(default_factory=dict)
    rule_texts: dict[URIRef, list[tuple[str, str]]] = field(default_factory=dict)
    inverse_of_derived: dict[URIRef, URIRef] = field(default_factory=dict)

    # --- building --------------------------------------------------------------
    @classmethod
    def from_ontology(cls, ontology: Graph | None = None, rules: Path | None = None) -> Vocabulary:
        """Read ``ontology`` (default: the packaged ``tipgraph.ttl``) and the rules folder."""
        if ontology is None:
            path = resources.ontology_file()
            st = path.stat()
            return _cached(str(path), st.st_mtime_ns, st.st_size, str(rules or resources.rules_dir()))
        return _build(ontology, rules or resources.rules_dir())

    # --- questions ---------------------------------------------------------------
    def declared(self, term: URIRef) -> bool:
        """Whether the ontology declares ``term`` (class, property or individual)."""
        return term in self.classes or term in self.properties or term in self.individuals

    def is_a(self, types: Iterable[URIRef], kind: URIRef) -> bool:
        """Whether a node of ``types`` is a ``kind`` (directly or through sub-classes)."""
        return any(kind in self.supers.get(t, frozenset({t})) for t in types)

    def fits(self, types: Iterable[URIRef], constraints: list[Kinds]) -> bool:
        """Whether a node of ``types`` meets every constraint (each one a set of alternatives)."""
        types = list(types)
        return all(any(self.is_a(types, k) for k in alts) for alts in constraints)

    def kind_text(self, kinds: Iterable[URIRef]) -> str:
        """``"a country (tg:Country)"``: the most specific of ``kinds``, in words."""
        specific = self.most_specific(kinds)
        if not specific:
            return "untyped"
        return " and ".join(f"{_article(self.label(k))} ({short_name(str(k))})" for k in specific)

    def expected_text(self, constraints: list[Kinds]) -> str:
        """``"an organisation (tg:Organisation or a subclass)"`` for a range or domain."""
        parts = []
        for alts in constraints:
            words = " or ".join(_article(self.label(k)) for k in sorted(alts))
            names = " or ".join(short_name(str(k)) for k in sorted(alts))
            parts.append(f"{words} ({names}{' or a subclass' if self._has_subclasses(alts) else ''})")
        return " and ".join(parts)

    def most_specific(self, kinds: Iterable[URIRef]) -> list[URIRef]:
        """The ontology classes among ``kinds`` that no other of them is a sub-class of."""
        known = {k for k in kinds if k in self.classes}
        return sorted(k for k in known if not any(o != k and k in self.supers.get(o, ()) for o in known))

    def label(self, term: URIRef) -> str:
        """The ontology's English label of ``term``, else its local name."""
        return self.labels.get(term) or short_name(str(term)).split(":", 1)[-1]

    def suggest(self, local: str, kind: str) -> list[str]:
        """Declared ``tg:`` names close to ``local`` for a ``kind`` of term: class, property or any.

        Case is ignored, so ``organisedby`` finds ``tg:organisedBy``.
        """
        pool = {"class": self.classes, "property": self.properties}.get(
            kind, self.classes | self.properties | self.individuals)
        names = {str(t)[len(TG_NS):]: t for t in pool if str(t).startswith(TG_NS)}
        want = local.casefold()
        matcher = difflib.SequenceMatcher(b=want)
        scored = []
        for name in names:
            matcher.set_seq1(name.casefold())
            if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
                score = matcher.ratio()
                if score >= 0.6:
                    scored.append((score, name))
        if not scored:
            return []
        scored.sort(key=lambda sn: (-sn[0], sn[1]))
        best = scored[0][0]
        # Only the names about as close as the closest: "organizedBy" gets tg:organisedBy alone.
        return [short_name(str(names[n])) for score, n in scored[:3] if score >= best - 0.05]

    def derivations(self, prop: URIRef) -> list[Derivation]:
        """Every way the reasoner derives ``prop`` (an inverse: those of the other, turned round)."""
        base = self.inverse_of_derived.get(prop)
        if base is not None:
            return [Derivation(prop, d.pattern, d.object, d.subject, d.source) for d in self.derivations(base)]
        out = list(self.derived.get(prop, []))
        for sparql, name in self.rule_texts.get(prop, []):
            out += [d for d in _rule_derivations(sparql, name) if d.prop == prop]
        return out

    def _has_subclasses(self, alts: Iterable[URIRef]) -> bool:
        return any(a in sup and c != a for c, sup in self.supers.items() for a in alts)


def _article(words: str) -> str:
    return ("an " if words[:1].lower() in "aeiou" else "a ") + words


@lru_cache(maxsize=4)
def _cached(path: str, mtime_ns: int, size: int, rules: str) -> Vocabulary:
    # mtime and size are part of the key so an edited ontology is re-read.
    return _build(Graph().parse(path, format="turtle"), Path(rules))


def _kinds(g: Graph, node: Node) -> Kinds | None:
    """A class expression as a set of alternatives: a named class, or an owl:unionOf of them."""
    if isinstance(node, URIRef):
        return frozenset({node})
    union = g.value(node, OWL.unionOf)
    if union is not None:
        members = list(Collection(g, union))
        if members and all(isinstance(m, URIRef) for m in members):
            return frozenset(m for m in members if isinstance(m, URIRef))
    return None  # an expression these checks do not read (restriction, intersection ...)


def _build(g: Graph, rules: Path) -> Vocabulary:
    v = Vocabulary()
    for t in _CLASS_TYPES:
        v.classes |= {c for c in g.subjects(RDF.type, t) if isinstance(c, URIRef)}
    for t in _PROPERTY_TYPES:
        v.properties |= {p for p in g.subjects(RDF.type, t) if isinstance(p, URIRef)}
    v.object_properties = {p for p in g.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef)}
    v.datatype_properties = {p for p in g.subjects(RDF.type, OWL.DatatypeProperty) if isinstance(p, URIRef)}
    for s, o in g.subject_objects(RDF.type):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            v.types.setdefault(s, set()).add(o)
            if s not in v.classes and s not in v.properties and o not in (OWL.Ontology, OWL.AllDisjointClasses):
                v.individuals.add(s)
    v.individuals -= v.classes | v.properties
    for prop in (RDFS.label, SKOS.prefLabel):
        for s, o in g.subject_objects(prop):
            if isinstance(s, URIRef) and isinstance(o, Literal) and o.language in ("en", None):
                v.labels.setdefault(s, str(o))

    # Sub-class closure (named classes only), each class its own super-class.
    direct: dict[URIRef, set[URIRef]] = {}
    for s, o in g.subject_objects(RDFS.subClassOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            direct.setdefault(s, set()).add(o)
    for c in v.classes | set(direct):
        seen, todo = {c}, [c]
        while todo:
            for sup in direct.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        v.supers[c] = frozenset(seen)

    for a, b in g.subject_objects(OWL.inverseOf):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            v.inverse[a], v.inverse[b] = b, a

    # Domains and ranges: a property's own, its super-properties', and its inverse's swapped.
    sub_of: dict[URIRef, set[URIRef]] = {}
    for s, o in g.subject_objects(RDFS.subPropertyOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            sub_of.setdefault(s, set()).add(o)

    def lineage(p: URIRef) -> set[URIRef]:
        seen, todo = {p}, [p]
        while todo:
            for sup in sub_of.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return seen

    def declared(pred: URIRef, props: set[URIRef]) -> list[Node]:
        return [o for p in props for o in g.objects(p, pred)]

    v.own_domain = {p for p in g.subjects(RDFS.domain, None) if isinstance(p, URIRef)}
    for p in v.properties:
        up = lineage(p)
        inv = {v.inverse[q] for q in up if q in v.inverse}
        for target, own, swapped in ((v.domains, RDFS.domain, RDFS.range), (v.ranges, RDFS.range, RDFS.domain)):
            found: list[Kinds] = []
            for node in declared(own, up) + declared(swapped, inv):
                if isinstance(node, URIRef) and str(node).startswith(_DATATYPE_NS):
                    if target is v.ranges:
                        v.datatypes.setdefault(p, set()).add(node)
                    continue
                kinds = _kinds(g, node)
                if kinds is not None and kinds not in found:
                    found.append(kinds)
            if found:
                target[p] = found

    _derivations(v, g, rules)
    return v


def _derivations(v: Vocabulary, g: Graph, rules: Path) -> None:
    """Fill ``v.derived``: chain targets, rule targets and ``tg:derived true``, with their inverses.

    A chain's pattern is read from the ontology; a rule's only when a message needs it (parsing
    SPARQL with rdflib costs ~40 ms a rule), so here rule targets come from the rule's own list
    of the predicates it writes.
    """
    from tipgraph.reason import file_rules  # here, not at the top: reason imports the store

    for prop, head in g.subject_objects(OWL.propertyChainAxiom):
        steps = list(Collection(g, head))
        if isinstance(prop, URIRef) and steps and all(isinstance(s, URIRef) for s in steps):
            xs = [Variable(f"x{i}") for i in range(len(steps) + 1)]
            pattern = tuple((xs[i], step, xs[i + 1]) for i, step in enumerate(steps))
            v.derived.setdefault(prop, []).append(Derivation(prop, pattern, xs[0], xs[-1], "chain"))
    for rule in file_rules(rules):
        for iri in rule.writes:
            prop = URIRef(iri)
            if prop in v.properties and prop != RDF.type:
                v.derived.setdefault(prop, [])
                v.rule_texts.setdefault(prop, []).append((rule.sparql, rule.name))
    for p, flag in g.subject_objects(DERIVED_ANNOTATION):
        if isinstance(p, URIRef) and isinstance(flag, Literal) and flag.toPython() is True:
            v.derived.setdefault(p, [])
    exempt = {p for p, flag in g.subject_objects(DERIVED_ANNOTATION)
              if isinstance(p, URIRef) and isinstance(flag, Literal) and flag.toPython() is False}
    for p in list(v.derived):
        inv = v.inverse.get(p)
        if inv is not None and inv not in v.derived:
            v.derived[inv] = []
            v.inverse_of_derived[inv] = p
    for p in exempt:
        v.derived.pop(p, None)


@lru_cache(maxsize=64)
def _rule_derivations(sparql: str, name: str) -> tuple[Derivation, ...]:
    """The (predicate, pattern) pairs a CONSTRUCT rule writes, read from its parsed algebra."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        algebra = prepareQuery(sparql).algebra
    except Exception:  # noqa: BLE001 (a rule the reasoner can run but rdflib cannot parse: no hint)
        return ()
    patterns: list[tuple[Node, Node, Node]] = []

    def walk(node: object) -> None:
        if isinstance(node, CompValue):
            if node.name == "BGP":
                patterns.extend(node.triples)
            for key in ("p", "p1", "p2"):  # graph patterns only, never a FILTER's expression
                if key in node:
                    walk(node[key])

    walk(algebra.get("p"))
    out = []
    for s, p, o in algebra.get("template") or []:
        if isinstance(p, URIRef) and p != RDF.type and isinstance(s, Variable) and isinstance(o, Variable):
            out.append(Derivation(p, tuple(patterns), s, o, name))
    return tuple(out)


@dataclass(frozen=True)
class Written:
    """A derivation written out for a message: the statements, and the new nodes they need."""

    text: str
    #: name in ``text`` (``?engagement``) -> (its class, the predicates the text already gives it)
    new: dict[str, tuple[URIRef, frozenset[URIRef]]]


def pattern_text(d: Derivation, subject: Node, obj: Node, vocab: Vocabulary) -> Written:
    """The statements to write instead of a derived triple, in Turtle, its two ends filled in.

    A step through a property that is only declared as the inverse of another (tg:hasEngagement)
    is written with that other one turned round (tg:engagedOrganisation), the way the data says it;
    a new node is named after the kind its properties' domains give it (``?engagement a tg:Engagement``).
    """
    steps: list[tuple[Node, Node, Node]] = []
    for s, p, o in d.pattern:
        if isinstance(p, URIRef) and p not in vocab.own_domain and p in vocab.inverse \
                and vocab.inverse[p] in vocab.own_domain:
            s, p, o = o, vocab.inverse[p], s
        steps.append((s, p, o))
    kinds: dict[Node, URIRef] = {}
    for s, p, _ in steps:
        if isinstance(s, Variable) and s not in (d.subject, d.object) and isinstance(p, URIRef):
            for alts in vocab.domains.get(p, []):
                if len(alts) == 1:
                    kinds.setdefault(s, next(iter(alts)))
    names: dict[Node, str] = {d.subject: _node_text(subject), d.object: _node_text(obj)}
    for var, kind in sorted(kinds.items()):
        base = "?" + vocab.label(kind).replace(" ", "").replace("-", "")
        names[var] = base if base not in names.values() else f"{base}{len(names)}"
    by_subject: dict[Node, list[str]] = {}
    for var, kind in sorted(kinds.items()):
        by_subject[var] = [f"a {short_name(str(kind))}"]
    for s, p, o in sorted(steps, key=lambda t: str(t[1])):
        by_subject.setdefault(s, []).append(f"{short_name(str(p))} {names.get(o, _node_text(o))}")
    # New nodes first, then the statements about the two ends.
    order = sorted(by_subject, key=lambda n: (n not in kinds, names.get(n, _node_text(n))))
    text = " ".join(f"{names.get(n, _node_text(n))} " + " ; ".join(by_subject[n]) + " ." for n in order)
    new = {names[var]: (kind, frozenset(p for s, p, _ in steps if s == var and isinstance(p, URIRef)))
           for var, kind in kinds.items()}
    return Written(text, new)


def _node_text(node: Node) -> str:
    if isinstance(node, Variable):
        return "?" + str(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, URIRef):
        return short_name(str(node))
    return node.n3() if isinstance(node, Literal) else str(node)
