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
from collections.abc import Iterable

from ..resources import INFERRED_GRAPH
from .schema import Schema

__all__ = ["Fact", "is_inferred", "prune"]

#: A fact as shown: (subject, relation IRI, object).
Fact = tuple[str, str, str]


def is_inferred(graphs: set[str]) -> bool:
    """A fact stated only in the inferred graph."""
    return graphs <= {INFERRED_GRAPH}


def prune(facts: dict[Fact, set[str]], schema: Schema) -> dict[Fact, set[str]]:
    """The facts without those that other shown facts already say (see the module docs)."""
    by_pair: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s, rel, o in facts:
        by_pair[(s, o)].add(rel)
    out = {(s, rel, o): graphs for (s, rel, o), graphs in facts.items()
           # a sub-property of this relation linking the same pair says more
           if not any(rel in schema.super_properties(r) for r in by_pair[(s, o)] if r != rel)}
    _drop_transitive_shortcuts(out, schema)
    _drop_shown_chains(out, schema)
    return out


def _index(schema: Schema, items: Iterable[Fact]) -> dict[str, dict[str, set[str]]]:
    """relation -> subject -> objects, counting each fact under its super-properties too."""
    idx: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for s, rel, o in items:
        for r in schema.super_properties(rel) | {rel}:
            idx[r][s].add(o)
    return idx


def _drop_transitive_shortcuts(facts: dict[Fact, set[str]], schema: Schema) -> None:
    """Inferred facts of a transitive relation that asserted facts of it already chain up to."""
    asserted = _index(schema, (k for k, g in facts.items() if not is_inferred(g)))
    for key in [k for k, g in facts.items() if is_inferred(g) and k[1] in schema.transitive]:
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
    shown = _index(schema, facts)
    backwards: dict[str, dict[str, set[str]]] = {}   # relation -> object -> subjects, built when first needed

    def step(s: str, prop: str) -> set[str]:
        if prop in shown:
            return set(shown[prop].get(s, ()))
        inv = schema.inverse.get(prop)
        if inv is not None and inv in shown:
            if inv not in backwards:
                index: dict[str, set[str]] = defaultdict(set)
                for x, objs in shown[inv].items():
                    for y in objs:
                        index[y].add(x)
                backwards[inv] = index
            return set(backwards[inv].get(s, ()))
        return set()

    for p, q1, q2 in schema.chains:
        for key in [k for k, g in facts.items() if k[1] == p and is_inferred(g)]:
            s, _, o = key
            if any(o in step(x, q2) for x in step(s, q1)):
                facts.pop(key, None)
