"""The input HermiT gets: the ontology plus the data, tidied so owlready2 reads it as OWL 2 DL.

``owl:imports`` are removed here (never followed, see :mod:`tipgraph.validate.imports`).

>>> from tipgraph.resources import ontology_file
>>> g, skipped = owl_input(Graph(), ontology_file())
>>> (None, RDF.type, OWL.Ontology) in g, skipped
(True, [])
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from .imports import strip_imports
from .union import union_graph

__all__ = ["META_TYPES", "owl_input"]

#: Types that say what kind of term something is, not which class an individual belongs to.
META_TYPES: frozenset[Node] = frozenset({
    OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.Ontology,
    OWL.NamedIndividual, OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty,
    OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.ReflexiveProperty, OWL.IrreflexiveProperty,
    OWL.AllDisjointClasses, OWL.AllDifferent, OWL.Restriction, OWL.AllDisjointProperties,
    RDFS.Class, RDFS.Datatype, RDF.Property, RDF.List, OWL.DeprecatedClass, OWL.DeprecatedProperty,
})

# Terms of these vocabularies are built in; they are never declared as classes or properties.
_BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD))


def owl_input(data: Graph | Dataset, ontology_path: Path) -> tuple[Graph, list[str]]:
    """Ontology plus data as one Graph for HermiT, and the ``owl:imports`` that were removed from it.

    * every ``owl:imports`` triple is removed (imports are never followed);
    * triples with a literal subject (some RDFS reasoners produce them) are dropped;
    * every class used in ``rdf:type`` but declared nowhere is declared an owl:Class
      (e.g. prov:Bundle on the graph descriptions);
    * every predicate declared nowhere becomes an owl:AnnotationProperty, so it cannot change
      the logic (annotation properties carry no semantics);
    * every IRI individual of the data is declared owl:NamedIndividual (owlready2 lists only those).
    """
    g = Graph()
    g.parse(ontology_path, format="turtle")
    data_subjects: set[Node] = set()
    for s, p, o in union_graph(data):
        if isinstance(s, Literal) or not isinstance(p, URIRef):
            continue
        g.add((s, p, o))
        data_subjects.add(s)
    skipped = strip_imports(g)

    declared_classes = set(g.subjects(RDF.type, OWL.Class)) | set(g.subjects(RDF.type, RDFS.Datatype))
    declared_props: set[Node] = set()
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property):
        declared_props |= set(g.subjects(RDF.type, kind))

    additions: list[tuple[Node, Node, Node]] = []
    for cls in set(g.objects(None, RDF.type)):
        if (isinstance(cls, URIRef) and cls not in META_TYPES and not str(cls).startswith(_BUILTIN)
                and cls not in declared_classes):
            additions.append((cls, RDF.type, OWL.Class))
            declared_classes.add(cls)
    for p in set(g.predicates()):
        if p not in declared_props and not str(p).startswith(_BUILTIN):
            additions.append((p, RDF.type, OWL.AnnotationProperty))
            declared_props.add(p)
    object_props = set(g.subjects(RDF.type, OWL.ObjectProperty))
    terms = declared_classes | declared_props | set(g.subjects(RDF.type, OWL.Ontology))
    # Individuals: IRI subjects of the data, typed or not, and IRI objects of object properties.
    individuals = {s for s in data_subjects if isinstance(s, URIRef)}
    individuals |= {o for p in object_props for o in g.objects(None, p) if isinstance(o, URIRef)}
    for ind in individuals - terms:
        additions.append((ind, RDF.type, OWL.NamedIndividual))
    for t in additions:
        g.add(t)
    return g, skipped
