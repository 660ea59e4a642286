"""Checks that catch curators' mistakes, generated from the ontology rather than written per term.

Run by :func:`tipgraph.validate.validate_shacl` beside the hand-written shapes, on the same union
graph, in one pass over the triples (no SHACL engine: pySHACL would take seconds per thousand
generated shapes on a large graph). Each finding names the check that made it:

* ``check:unknown-class``, ``check:unknown-property``, ``check:unknown-term``: a ``tg:`` name
  the ontology does not declare, with the nearest declared names ("did you mean tg:organisedBy?");
* ``check:derived``: a property the reasoner derives (chain axioms, ``ontology/rules/*.rq``,
  ``tg:derived true``, and their inverses) stated by hand, with the statements to write instead;
* ``check:range`` / ``check:domain``: the object or subject of a property is of the wrong kind
  by the ontology's ``rdfs:range`` / ``rdfs:domain`` (its own, its super-properties', its
  inverse's), e.g. a place as the organisation of an engagement;
* ``check:node-expected`` / ``check:value-expected`` / ``check:datatype``: a text value where a
  node belongs, a node where a value belongs, a value of the wrong datatype;
* ``check:undefined-id``: a ``tgd:`` id used as an object that no loaded file defines (no type,
  no label): usually a typo or a file left out;
* ``check:untyped``: a ``tgd:`` record with statements but no class.

>>> from rdflib import Graph
>>> g = Graph().parse(data='''
...     @prefix tg: <https://w3id.org/tipgraph/ontology#> .
...     <https://w3id.org/tipgraph/id/evt-9001> a tg:Event ; tg:organizedBy <urn:x> .''', format="turtle")
>>> [(f.check, f.message.split("?")[0]) for f in check_curation(g, Vocabulary.from_ontology())]
[('check:unknown-property', 'tg:organizedBy is not a property of the tipgraph ontology: did you mean tg:organisedBy')]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from tipgraph.resources import ID_NS

from .names import short_name, term_text
from .vocabulary import TG_NS, Vocabulary, pattern_text

__all__ = ["ROOT_CAUSES", "Finding", "check_curation", "required_properties"]

#: Checks that name the cause of what a shape reports on the same node and property (a shape
#: sees "not an organisation" where the cause is an id defined nowhere): they replace the shape's report.
ROOT_CAUSES = frozenset({"check:undefined-id", "check:unknown-term", "check:unknown-class"})

_LABELS = (SKOS.prefLabel, RDFS.label, SKOS.altLabel)
_INTEGERS = frozenset({XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.int, XSD.long,
                       XSD.short, XSD.byte, XSD.unsignedLong, XSD.unsignedInt, XSD.unsignedShort,
                       XSD.unsignedByte})
#: Datatypes accepted for a declared range (Oxigraph may store a narrower integer type as xsd:integer).
_ACCEPTED = {XSD.nonNegativeInteger: _INTEGERS, XSD.integer: _INTEGERS, XSD.positiveInteger: _INTEGERS}
_EXAMPLES = {XSD.date: '"2024-10-11"^^xsd:date', XSD.boolean: "true", XSD.string: '"PK"',
             XSD.nonNegativeInteger: '"68"^^xsd:nonNegativeInteger', XSD.integer: "68"}
_ONTOLOGY_FILE = "ontology/tipgraph.ttl"
TG_ENGAGEMENT = URIRef(TG_NS + "Engagement")


@dataclass
class Finding:
    """One curation problem: the node, the property and value concerned, what to do, which check."""

    focus: Node
    path: URIRef | None
    value: Node | None
    message: str
    check: str


def _name(term: Node) -> str:
    return term_text(term)


def _did_you_mean(names: list[str]) -> str:
    if not names:
        return ""
    if len(names) == 1:
        return f"did you mean {names[0]}? "
    return f"did you mean {', '.join(names[:-1])} or {names[-1]}? "


@dataclass(frozen=True)
class _Plan:
    """What to check for one predicate, decided once per predicate rather than once per triple."""

    kind: str  # "type", "other" (not tg:), "unknown", "derived", "checked"
    object_property: bool = False
    datatype_property: bool = False


def check_curation(graph: Graph, vocab: Vocabulary, shapes: Graph | None = None) -> list[Finding]:
    """Every curation problem in ``graph`` (the union of the data), by the ontology ``vocab``.

    ``shapes`` (the SHACL shapes) only improve the messages: what else a new node must have.
    One pass over the triples; nodes are looked up by their text (rdflib compares terms in
    Python, str in C: 3x faster on 100k triples).
    """
    required = required_properties(shapes) if shapes is not None else {}
    types: dict[str, set[URIRef]] = {}
    for node, ts in vocab.types.items():
        types.setdefault(str(node), set()).update(ts)
    for s, o in graph.subject_objects(RDF.type):
        if isinstance(o, URIRef):
            types.setdefault(str(s), set()).add(o)
    out: list[Finding] = []
    seen: set[tuple[object, ...]] = set()

    def add(key: tuple[object, ...], finding: Finding) -> None:
        if key not in seen:
            seen.add(key)
            out.append(finding)

    # Nodes of a misspelt class are not checked for kind: the class is what to fix first.
    unknown_kind: set[str] = set()
    for s, o in graph.subject_objects(RDF.type):
        if isinstance(o, URIRef) and str(o).startswith(TG_NS) and o not in vocab.classes:
            unknown_kind.add(str(s))
            add(("type", s, o), Finding(s, RDF.type, o, _unknown_class(o, vocab), "check:unknown-class"))

    plans: dict[str, _Plan] = {}
    fits: dict[tuple[frozenset[URIRef], str, bool], bool] = {}
    kinds: dict[str, frozenset[URIRef]] = {}

    def fit(node: str, p: URIRef, ps: str, domain: bool) -> bool:
        kind = kinds.get(node)
        if kind is None:
            kind = kinds[node] = frozenset(types[node])
        key = (kind, ps, domain)
        if key not in fits:
            fits[key] = vocab.fits(types[node], (vocab.domains if domain else vocab.ranges)[p])
        return fits[key]

    labelled: set[str] | None = None
    untyped: dict[str, Node] = {}
    rdf_type = str(RDF.type)
    for s, p, o in graph:
        ps = str(p)
        plan = plans.get(ps)
        if plan is None:
            plan = plans[ps] = _plan(p, ps, vocab)
        ss = str(s)  # URIRef.startswith is Python code; str's is not
        if isinstance(s, URIRef):
            if ss.startswith(ID_NS) and ss not in types:
                untyped.setdefault(ss, s)
            elif ss.startswith(TG_NS) and not vocab.declared(s):
                add(("term", s, p, s), Finding(s, _iri(p), s, _unknown_term(s, vocab), "check:unknown-term"))
        if ps == rdf_type:
            continue
        os_ = str(o)
        if isinstance(o, URIRef):
            if os_.startswith(TG_NS) and not vocab.declared(o):
                add(("term", s, p, o), Finding(s, _iri(p), o, _unknown_term(o, vocab), "check:unknown-term"))
            elif os_.startswith(ID_NS) and os_ not in types:
                if labelled is None:
                    labelled = {str(x) for lp in _LABELS for x in graph.subjects(lp, None)}
                if os_ not in labelled:
                    add(("undef", s, p, o), Finding(s, _iri(p), o, _undefined(o, p, vocab), "check:undefined-id"))
        if plan.kind == "other":
            continue
        assert isinstance(p, URIRef)
        if plan.kind == "unknown":
            add(("prop", s, p), Finding(s, p, o, _unknown_property(p, vocab), "check:unknown-property"))
            continue
        if plan.kind == "derived":
            add(("derived", s, p, o), Finding(s, p, o, _derived(s, p, o, vocab, required), "check:derived"))
            continue
        if isinstance(o, Literal):
            if plan.object_property:
                add(("lit", s, p, o), Finding(s, p, o, _node_expected(p, o, vocab), "check:node-expected"))
            elif p in vocab.datatypes:
                problem = _datatype_problem(o, vocab.datatypes[p])
                if problem:
                    add(("dt", s, p, o), Finding(s, p, o, f"{problem}: write the {short_name(ps)} value as "
                                                 f"{_example(vocab.datatypes[p])}.", "check:datatype"))
        elif plan.datatype_property:
            add(("node", s, p, o), Finding(s, p, o, (
                f"{short_name(ps)} takes a value ({_datatype_words(vocab.datatypes.get(p, set()))}), "
                f"not a node such as {_name(o)}: write the value itself, for example "
                f"{short_name(ps)} {_example(vocab.datatypes.get(p, set()))}."), "check:value-expected"))
        elif os_ in types and p in vocab.ranges and os_ not in unknown_kind and not fit(os_, p, ps, False):
            add(("range", s, p, o), Finding(s, p, o, _wrong_object(s, p, o, types, vocab), "check:range"))
        if ss in types and p in vocab.domains and ss not in unknown_kind and not fit(ss, p, ps, True):
            add(("domain", s, p), Finding(s, p, None, _wrong_subject(s, p, o, types, vocab), "check:domain"))

    # Records with statements but no class.
    for ss, s in untyped.items():
        if ss not in types:
            add(("untyped", s), Finding(s, RDF.type, None, _untyped(s, graph, types, vocab), "check:untyped"))
    return out


def _plan(p: Node, ps: str, vocab: Vocabulary) -> _Plan:
    if ps == str(RDF.type):
        return _Plan("type")
    if not isinstance(p, URIRef) or not ps.startswith(TG_NS):
        return _Plan("other")
    if p not in vocab.properties:
        return _Plan("unknown")
    if p in vocab.derived:
        return _Plan("derived")
    return _Plan("checked", p in vocab.object_properties, p in vocab.datatype_properties)


def _iri(p: Node) -> URIRef | None:
    return p if isinstance(p, URIRef) else None


def required_properties(shapes: Graph) -> dict[URIRef, list[URIRef]]:
    """Class -> the properties its node shapes require (``sh:minCount`` >= 1 on a plain path).

    >>> from tipgraph.resources import shapes_file
    >>> from tipgraph.namespace import TG
    >>> [short_name(str(p)) for p in required_properties(Graph().parse(shapes_file()))[TG.Engagement]]
    ['skos:prefLabel', 'tg:engagedOrganisation', 'tg:engagedProgramme', 'tg:engagementRole', 'prov:wasDerivedFrom']
    """
    out: dict[URIRef, list[URIRef]] = {}
    for shape, cls in shapes.subject_objects(SH.targetClass):
        if not isinstance(cls, URIRef):
            continue
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            count = shapes.value(prop, SH.minCount)
            if isinstance(path, URIRef) and isinstance(count, Literal) and int(count) >= 1 \
                    and path not in out.get(cls, []):
                out.setdefault(cls, []).append(path)
    return out


# --- messages -------------------------------------------------------------------
def _unknown_class(o: URIRef, vocab: Vocabulary) -> str:
    name = short_name(str(o))
    if o in vocab.properties:
        return (f"{name} is a property, not a class: give the node its kind with `a` and a class, "
                f"for example `a {_some(vocab.domains.get(o))}`, and state {name} as a property of it.")
    local = str(o)[len(TG_NS):]
    return (f"{name} is not a class of the tipgraph ontology: {_did_you_mean(vocab.suggest(local, 'class'))}"
            f"fix the spelling, or (for a new kind of thing) add the class to {_ONTOLOGY_FILE} first. "
            "A node may have two classes: `a tg:Training , tg:Workshop`.")


def _unknown_property(p: URIRef, vocab: Vocabulary) -> str:
    name = short_name(str(p))
    if p in vocab.classes:
        return f"{name} is a class, not a property: use it after `a` (`a {name}`), or use a property here."
    local = str(p)[len(TG_NS):]
    return (f"{name} is not a property of the tipgraph ontology: "
            f"{_did_you_mean(vocab.suggest(local, 'property'))}fix the spelling, or add the property to "
            f"{_ONTOLOGY_FILE} first.")


def _unknown_term(term: URIRef, vocab: Vocabulary) -> str:
    local = str(term)[len(TG_NS):]
    return (f"{short_name(str(term))} is not declared in the tipgraph ontology: "
            f"{_did_you_mean(vocab.suggest(local, 'any'))}fix the spelling, or add it to {_ONTOLOGY_FILE} first.")


def _derived(s: Node, p: URIRef, o: Node, vocab: Vocabulary, required: dict[URIRef, list[URIRef]]) -> str:
    name = short_name(str(p))
    ways = [pattern_text(d, s, o, vocab) for d in vocab.derivations(p)]
    head = (f"{name} is derived by the reasoner, never stated in the data: remove "
            f"`{_name(s)} {name} {_name(o)}`")
    if not ways:
        return head + f" and state the facts it is derived from (see {name} in {_ONTOLOGY_FILE})."
    engagement = any(kind == TG_ENGAGEMENT for w in ways for kind, _ in w.new.values())
    lead = (" and describe the involvement with the engagement pattern (an n-ary tg:Engagement)"
            if engagement else " and state what it follows from")
    lines = [head + lead + (", one of:" if len(ways) > 1 else ":")]
    lines += [f"  {w.text}" for w in ways]
    notes: dict[str, None] = {}
    for w in ways:
        for var, (kind, given) in w.new.items():
            more = [short_name(str(q)) for q in required.get(kind, []) if q not in given]
            notes[f"{var} is a new id" + (f"; a {short_name(str(kind))} also needs {', '.join(more)}"
                                          if more else "")] = None
    if notes:
        lines.append("(" + "; ".join(notes) + ".)")
    return "\n".join(lines)


def _node_expected(p: URIRef, o: Literal, vocab: Vocabulary) -> str:
    expected = vocab.expected_text(vocab.ranges[p]) if p in vocab.ranges else "a node"
    return (f"{short_name(str(p))} points at a node ({expected}), not at the text {_name(o)}: "
            f"replace the text with the id of that record (a tgd: id), adding the record if it does not exist yet.")


def _wrong_object(s: Node, p: URIRef, o: Node, types: dict[str, set[URIRef]], vocab: Vocabulary) -> str:
    name = short_name(str(p))
    fix = (f"{name} must point at {vocab.expected_text(vocab.ranges[p])}, but {_name(o)} is "
           f"{vocab.kind_text(types[str(o)])}: point {name} at the right record")
    hints = _other_properties(s, p, o, types, vocab)
    if hints:
        fix += f", or, if {_name(o)} is right, use {' or '.join(hints)} instead of {name}"
    return fix + "."


def _wrong_subject(s: Node, p: URIRef, o: Node, types: dict[str, set[URIRef]], vocab: Vocabulary) -> str:
    name = short_name(str(p))
    fix = (f"{name} is a property of {vocab.expected_text(vocab.domains[p])}, but {_name(s)} is "
           f"{vocab.kind_text(types[str(s)])}: move the statement to the right record")
    if str(o) in types and vocab.fits(types[str(o)], vocab.domains[p]) and \
            vocab.fits(types[str(s)], vocab.ranges.get(p, [])):
        inv = vocab.inverse.get(p)
        fix += (f"; subject and object look swapped: write `{_name(o)} {name} {_name(s)}`" +
                (f" or `{_name(s)} {short_name(str(inv))} {_name(o)}`" if inv is not None else ""))
    else:
        hints = _other_properties(s, p, o, types, vocab)
        if hints:
            fix += f", or use {' or '.join(hints)} instead of {name}"
    return fix + "."


def _other_properties(s: Node, p: URIRef, o: Node, types: dict[str, set[URIRef]],
                      vocab: Vocabulary) -> list[str]:
    """Declared, non-derived properties that do link a subject and an object of these kinds."""
    if str(s) not in types or str(o) not in types:
        return []
    ts, to = types[str(s)], types[str(o)]
    out = [q for q in vocab.object_properties
           if q != p and q not in vocab.derived and q in vocab.domains and q in vocab.ranges
           and vocab.fits(ts, vocab.domains[q]) and vocab.fits(to, vocab.ranges[q])]
    return sorted(short_name(str(q)) for q in out)[:3]


def _undefined(o: Node, p: Node, vocab: Vocabulary) -> str:
    expected = (f" It should be {vocab.expected_text(vocab.ranges[p])}."
                if isinstance(p, URIRef) and p in vocab.ranges else "")
    return (f"{_name(o)} is used here but no loaded file defines it (no type, no label).{expected} Check the "
            "id for a typo (ids are opaque: copy it from the record you mean), add the record (a class and a "
            "skos:prefLabel), or load the file that defines it.")


def _untyped(s: Node, graph: Graph, types: dict[str, set[URIRef]], vocab: Vocabulary) -> str:
    return untyped_message(s, graph.predicates(s, None), lambda: types.items(), vocab)


def untyped_message(s: Node, predicates: Iterable[Node],
                    typed: Callable[[], Iterable[tuple[str, set[URIRef]]]], vocab: Vocabulary) -> str:
    """What to write for record ``s`` that has statements (``predicates``) but no class.

    ``typed`` gives (node, its classes) for the typed nodes; it is only called when the
    predicates' domains give no guess (then records with the same id stem are looked at).
    """
    guesses = Counter[URIRef]()
    for p in predicates:
        for alts in vocab.domains.get(p, []) if isinstance(p, URIRef) else []:
            if len(alts) == 1:
                guesses[next(iter(alts))] += 1
    if not guesses and isinstance(s, URIRef):
        stem = str(s).rsplit("/", 1)[-1].split("-", 1)[0] + "-"
        for node, ts in typed():
            if node.startswith(ID_NS) and node.rsplit("/", 1)[-1].startswith(stem):
                guesses.update(vocab.most_specific(ts))
    example = f"`{_name(s)} a {short_name(str(guesses.most_common(1)[0][0]))}`" if guesses else \
        f"`{_name(s)} a tg:Organisation`"
    return (f"{_name(s)} has statements but no class: add its kind, for example {example} "
            "(or the more specific class that fits), or correct the id if it is a typo for an existing record.")


def _some(constraints: list[frozenset[URIRef]] | None) -> str:
    if not constraints:
        return "tg:Event"
    return short_name(str(sorted(constraints[0])[0]))


def _datatype_problem(o: Literal, ranges: set[URIRef]) -> str | None:
    accepted: set[URIRef | None] = set()
    for r in ranges:
        accepted |= set(_ACCEPTED.get(r, {r}))
        if r == XSD.string:
            accepted.add(None)
    dt = o.datatype if o.datatype is not None or o.language is None else RDF.langString
    if dt not in accepted:
        written = f"{short_name(str(dt))}" if dt is not None else "a plain string"
        return f"the value {_name(o)} is {written}, not {_datatype_words(ranges)}"
    if getattr(o, "ill_typed", False):
        return f"the value {_name(o)} is not a valid {_datatype_words(ranges)}"
    return None


def _datatype_words(ranges: Iterable[URIRef]) -> str:
    return " or ".join(short_name(str(r)) for r in sorted(ranges)) or "a literal"


def _example(ranges: Iterable[URIRef]) -> str:
    for r in sorted(ranges):
        if r in _EXAMPLES:
            return _EXAMPLES[r]
    return '"..."'

