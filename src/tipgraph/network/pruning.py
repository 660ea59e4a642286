"""Leaving out facts that the projection already shows another way.

Among the facts between shown nodes, :func:`prune` drops

* a relation beside one of its sub-properties for the same pair (``participantIn``
  beside ``gaveRemarksAt``): the sub-property says more;
* inferred facts of a transitive relation that asserted facts of it already chain up
  to (a wing that is a sub-organisation of its ministry's government);
* inferred facts of a two-step property chain whose steps are both shown
  (``memberOf`` beside ``holdsPost`` + ``postIn``).

>>> is_inferred({"https://w3id.org/tipgraph/graph/inferred"}), is_inferred({"urn:x:source"})
(True, False)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Set

from ..resources import INFERRED_GRAPH
from .schema import Schema

__all__ = ["Fact", "is_inferred", "prune"]

#: A fact as shown: (subject, relation IRI, object).
Fact = tuple[str, str, str]


def is_inferred(graphs: set[str]) -> bool:
    """A fact stated only in the inferred graph."""
    return not graphs or (len(graphs) == 1 and INFERRED_GRAPH in graphs)


def prune(facts: dict[Fact, set[str]], schema: Schema) -> dict[Fact, set[str]]:
    """The facts without those that other shown facts already say (see the module docs)."""
    # Only a relation with a sub-property can be said more precisely, and only by a fact of a
    # relation that has super-properties: index the pairs of those facts alone.
    supers = {rel: schema.super_properties(rel) for rel in {k[1] for k in facts}}
    precise: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s, rel, o in facts:
        if supers[rel]:
            precise[(s, o)].add(rel)
    has_sub = {sup for sups in supers.values() for sup in sups}
    out = {(s, rel, o): graphs for (s, rel, o), graphs in facts.items()
           # a sub-property of this relation linking the same pair says more
           if rel not in has_sub or not any(rel in supers[r] for r in precise.get((s, o), ()) if r != rel)}
    _drop_transitive_shortcuts(out, schema)
    _drop_shown_chains(out, schema)
    return out


def _index(schema: Schema, items: Iterable[Fact], only: set[str] | None = None) -> dict[str, dict[str, set[str]]]:
    """relation -> subject -> objects, counting each fact under its super-properties too
    (under the relations in ``only``, when given)."""
    idx: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    under: dict[str, frozenset[str]] = {}
    for s, rel, o in items:
        rels = under.get(rel)
        if rels is None:
            rels = under[rel] = frozenset(schema.super_properties(rel) | {rel})
            if only is not None:
                rels = under[rel] = rels & only
        for r in rels:
            idx[r][s].add(o)
    return idx


def _drop_transitive_shortcuts(facts: dict[Fact, set[str]], schema: Schema) -> None:
    """Inferred facts of a transitive relation that asserted facts of it already chain up to."""
    shortcuts = [k for k, g in facts.items() if k[1] in schema.transitive and is_inferred(g)]
    if not shortcuts:
        return
    wanted = {k[1] for k in shortcuts}
    asserted = _index(schema, (k for k, g in facts.items() if not is_inferred(g)), wanted)
    for key in shortcuts:
        s, rel, o = key
        succ = asserted.get(rel, {})
        seen, todo = {s}, list(succ.get(s, ()))
        while todo:  # is o reachable from s through asserted facts of this relation?
            x = todo.pop()
            if x in seen:
                continue
            seen.add(x)
            todo.extend(succ.get(x, ()))
        if o in seen:
            del facts[key]


def _drop_shown_chains(facts: dict[Fact, set[str]], schema: Schema) -> None:
    """Inferred facts of a property chain whose two steps are both shown."""
    steps = {q for _, q1, q2 in schema.chains for q in (q1, q2)}
    steps |= {schema.inverse[q] for q in list(steps) if q in schema.inverse}
    shown = _index(schema, facts, steps)
    backwards: dict[str, dict[str, set[str]]] = {}   # relation -> object -> subjects, built when first needed

    nothing: frozenset[str] = frozenset()

    def step(s: str, prop: str) -> Set[str]:
        """The objects of ``s`` by ``prop`` among the shown facts (read, never changed)."""
        if prop in shown:
            return shown[prop].get(s, nothing)
        inv = schema.inverse.get(prop)
        if inv is not None and inv in shown:
            if inv not in backwards:
                index: dict[str, set[str]] = defaultdict(set)
                for x, objs in shown[inv].items():
                    for y in objs:
                        index[y].add(x)
                backwards[inv] = index
            return backwards[inv].get(s, nothing)
        return nothing

    inferred: dict[str, list[Fact]] = defaultdict(list)
    chained = {p for p, _, _ in schema.chains}
    for k, g in facts.items():
        if k[1] in chained and is_inferred(g):
            inferred[k[1]].append(k)
    for p, q1, q2 in schema.chains:
        for key in inferred.get(p, ()):
            if key not in facts:
                continue
            s, _, o = key
            if any(o in step(x, q2) for x in step(s, q1)):
                facts.pop(key, None)
