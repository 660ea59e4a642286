"""Disjointness hints: a cheap, incomplete look for the usual cause of an inconsistency.

When HermiT says "inconsistent" it does not say why. Most often an individual ends up in two
classes the ontology declares disjoint, through a stated type or the domain or range of a
property it is used with; these hints name such individuals.

>>> from tipgraph.namespace import TG, TGD
>>> from tipgraph.resources import ontology_file
>>> g = Graph().parse(ontology_file())
>>> g.add((TGD["org-9001"], RDF.type, TG.Person)).add((TGD["org-9001"], RDF.type, TG.Committee))  # doctest: +ELLIPSIS
<Graph ...>
>>> print(disjointness_hints(g)[0])  # doctest: +ELLIPSIS
tgd:org-9001 is both a ... (stated a tg:...) and a ... (stated a tg:...), which the ontology declares disjoint: ...
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from .names import short_name
from .owl_input import META_TYPES

__all__ = ["disjointness_hints"]


def disjointness_hints(g: Graph) -> list[str]:
    """Individuals whose stated types (or types implied by rdfs:domain / rdfs:range) fall in
    two classes the ontology declares disjoint, one readable sentence each."""
    supers: dict[Node, set[Node]] = {}

    def closure(c: Node) -> set[Node]:
        if c not in supers:
            seen, todo = {c}, [c]
            while todo:
                for sup in g.objects(todo.pop(), RDFS.subClassOf):
                    if isinstance(sup, URIRef) and sup not in seen:
                        seen.add(sup)
                        todo.append(sup)
            supers[c] = seen
        return supers[c]

    groups: list[list[Node]] = []
    for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
        members = g.value(node, OWL.members)
        if members is not None:
            groups.append(list(Collection(g, members)))
    for a, b in g.subject_objects(OWL.disjointWith):
        groups.append([a, b])

    why: dict[Node, dict[Node, str]] = {}

    def note(ind: Node, cls: Node, reason: str) -> None:
        for c in closure(cls):
            why.setdefault(ind, {}).setdefault(c, reason)

    for ind, cls in g.subject_objects(RDF.type):
        if isinstance(ind, URIRef) and cls not in META_TYPES:
            note(ind, cls, f"stated a {short_name(str(cls))}")
    for prop, dom in g.subject_objects(RDFS.domain):
        for s in g.subjects(prop, None):
            if isinstance(s, URIRef):
                note(s, dom, f"subject of {short_name(str(prop))}, whose domain is {short_name(str(dom))}")
    for prop, rng in g.subject_objects(RDFS.range):
        if (prop, RDF.type, OWL.ObjectProperty) not in g:
            continue
        for o in g.objects(None, prop):
            if isinstance(o, URIRef):
                note(o, rng, f"object of {short_name(str(prop))}, whose range is {short_name(str(rng))}")

    hints: list[str] = []
    for ind in sorted(why, key=str):
        types = why[ind]
        for group in groups:
            hit = [c for c in group if c in types]
            if len(hit) >= 2:
                a, b = hit[0], hit[1]
                hints.append(
                    f"{short_name(str(ind))} is both a {short_name(str(a))} ({types[a]}) and a "
                    f"{short_name(str(b))} ({types[b]}), which the ontology declares disjoint: "
                    "remove the wrong type or the wrong statement."
                )
    return hints
