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
from collections.abc import Callable, Iterable, Mapping, Set

from ..resources import INFERRED_GRAPH
from .schema import Schema

__all__ = ["Fact", "is_inferred", "prune"]

#: A fact as shown: (subject, relation IRI, object).
Fact = tuple[str, str, str]


def is_inferred(graphs: Set[str]) -> bool:
    """A fact stated only in the inferred graph."""
    return not graphs or (len(graphs) == 1 and INFERRED_GRAPH in graphs)


def prune(facts: Mapping[Fact, Set[str]], schema: Schema) -> dict[Fact, Set[str]]:
    """The facts without those that other shown facts already say (see the module docs)."""
    # Each step looks at the facts of the few relations it is about, found by relation once.
    by_rel: dict[str, list[Fact]] = defaultdict(list)
    for key in facts:
        by_rel[key[1]].append(key)
    out = dict(facts)
    _drop_less_precise(out, by_rel, schema)
    _drop_transitive_shortcuts(out, by_rel, schema)
    _drop_shown_chains(out, by_rel, schema)
    return out


def _under(schema: Schema, relations: Iterable[str], wanted: Set[str]) -> dict[str, frozenset[str]]:
    """Each relation -> those of ``wanted`` it is counted under (itself and its super-properties),
    for the relations counted under any."""
    out = {}
    for rel in relations:
        rels = (schema.super_properties(rel) | {rel}) & wanted
        if rels:
            out[rel] = frozenset(rels)
    return out


def _index(facts: Mapping[Fact, Set[str]], by_rel: Mapping[str, list[Fact]], under: Mapping[str, frozenset[str]],
           keep: Callable[[Set[str]], bool] | None = None) -> dict[str, dict[str, set[str]]]:
    """relation -> subject -> objects of the facts still in ``facts``, each fact counted under
    the relations ``under`` gives for its own (and only if ``keep`` of its graphs, when given)."""
    idx: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for rel, rels in under.items():
        for key in by_rel.get(rel, ()):
            graphs = facts.get(key)
            if graphs is None or (keep is not None and not keep(graphs)):
                continue
            s, _, o = key
            for r in rels:
                idx[r][s].add(o)
    return idx


def _drop_less_precise(facts: dict[Fact, Set[str]], by_rel: Mapping[str, list[Fact]], schema: Schema) -> None:
    """A relation beside one of its sub-properties for the same pair: the sub-property says more."""
    # Only a relation with a sub-property can be said more precisely, and only by a fact of a
    # relation that has super-properties: index the pairs of those facts alone.
    supers = {rel: schema.super_properties(rel) for rel in by_rel}
    precise: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rel, keys in by_rel.items():
        if supers[rel]:
            for s, _, o in keys:
                precise[(s, o)].add(rel)
    has_sub = {sup for sups in supers.values() for sup in sups}
    for rel in has_sub & by_rel.keys():
        for key in by_rel[rel]:
            s, _, o = key
            if any(rel in supers[r] for r in precise.get((s, o), ()) if r != rel):
                del facts[key]


def _drop_transitive_shortcuts(facts: dict[Fact, Set[str]], by_rel: Mapping[str, list[Fact]],
                               schema: Schema) -> None:
    """Inferred facts of a transitive relation that asserted facts of it already chain up to."""
    shortcuts = [k for rel in sorted(schema.transitive & by_rel.keys()) for k in by_rel[rel]
                 if k in facts and is_inferred(facts[k])]
    if not shortcuts:
        return
    wanted = {k[1] for k in shortcuts}
    asserted = _index(facts, by_rel, _under(schema, by_rel, wanted), lambda g: not is_inferred(g))
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


def _drop_shown_chains(facts: dict[Fact, Set[str]], by_rel: Mapping[str, list[Fact]], schema: Schema) -> None:
    """Inferred facts of a property chain whose two steps are both shown."""
    steps = {q for _, q1, q2 in schema.chains for q in (q1, q2)}
    steps |= {schema.inverse[q] for q in list(steps) if q in schema.inverse}
    shown = _index(facts, by_rel, _under(schema, by_rel, steps))
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

    chained = {p for p, _, _ in schema.chains}
    inferred = {p: [k for k in by_rel.get(p, ()) if k in facts and is_inferred(facts[k])] for p in chained}
    for p, q1, q2 in schema.chains:
        for key in inferred.get(p, ()):
            if key not in facts:
                continue
            s, _, o = key
            if any(o in step(x, q2) for x in step(s, q1)):
                facts.pop(key, None)
