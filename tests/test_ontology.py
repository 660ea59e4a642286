"""Tests of the ontology (ontology/tipgraph.ttl) and the SHACL shapes (ontology/shapes.ttl)."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS

from tipgraph import resources

TG = resources.TG_NS
TERM_KINDS = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
)


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(resources.ontology_file(), format="turtle")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(resources.shapes_file(), format="turtle")


def tg_terms(onto: rdflib.Graph) -> list[URIRef]:
    """Every tg: term the ontology declares (classes, properties, named individuals)."""
    terms = {s for kind in TERM_KINDS for s in onto.subjects(RDF.type, kind)}
    terms |= {s for s in onto.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(TG)}
    return sorted(t for t in terms if isinstance(t, URIRef) and str(t).startswith(TG))


def subclasses(onto: rdflib.Graph, cls: rdflib.term.Node) -> set[rdflib.term.Node]:
    """``cls`` and all its subclasses (transitively)."""
    found, todo = {cls}, [cls]
    while todo:
        for sub in onto.subjects(RDFS.subClassOf, todo.pop()):
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def names(terms: Iterable[rdflib.term.Node]) -> str:
    return ", ".join(sorted(str(t).replace(TG, "tg:") for t in terms))


# ---------------------------------------------------------------------------
# The ontology
# ---------------------------------------------------------------------------
def test_ontology_parses_and_is_named(onto: rdflib.Graph) -> None:
    assert (URIRef(resources.ONTOLOGY_IRI), RDF.type, OWL.Ontology) in onto, (
        f"{resources.ontology_file()} must declare <{resources.ONTOLOGY_IRI}> a owl:Ontology"
    )
    assert len(tg_terms(onto)) > 50


def test_ontology_version_and_license(onto: rdflib.Graph) -> None:
    ont = URIRef(resources.ONTOLOGY_IRI)
    version_iri = onto.value(ont, OWL.versionIRI)
    version_info = onto.value(ont, OWL.versionInfo)
    license_ = onto.value(ont, DCTERMS.license)
    assert version_iri is not None, "add owl:versionIRI <.../ontology/X.Y.Z> to the ontology header"
    assert version_info is not None, 'add owl:versionInfo "X.Y.Z" to the ontology header'
    assert isinstance(license_, URIRef), "add dcterms:license <license IRI> to the ontology header"
    assert str(version_iri) == f"{resources.ONTOLOGY_IRI}/{version_info}", (
        f"owl:versionIRI {version_iri} does not end with owl:versionInfo {version_info!r}: "
        "change both together when releasing"
    )


@pytest.mark.parametrize("prop", [RDFS.label, SKOS.definition], ids=["rdfs:label", "skos:definition"])
def test_every_term_is_labelled_and_defined(onto: rdflib.Graph, prop: URIRef) -> None:
    short = "rdfs:label" if prop == RDFS.label else "skos:definition"
    missing = [
        t for t in tg_terms(onto)
        if not any(isinstance(v, Literal) and v.language == "en" for v in onto.objects(t, prop))
    ]
    assert not missing, (
        f"{len(missing)} tg: term(s) in {resources.ontology_file().name} have no English {short}: "
        f"{names(missing)}. Fix: add {short} \"...\"@en to each."
    )


def test_every_tg_term_used_in_the_ontology_is_declared(onto: rdflib.Graph) -> None:
    declared = set(tg_terms(onto))
    used = {
        t for triple in onto for t in triple
        if isinstance(t, URIRef) and str(t).startswith(TG) and str(t) != TG
    }
    undeclared = used - declared
    assert not undeclared, (
        f"used in the ontology but never declared (typo?): {names(undeclared)}. "
        "Fix the spelling or declare the term with a type, rdfs:label and skos:definition."
    )


def test_disjointness_axioms_name_declared_classes(onto: rdflib.Graph) -> None:
    classes = set(onto.subjects(RDF.type, OWL.Class))
    for node in onto.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(onto, onto.value(node, OWL.members)))
        assert len(members) >= 2
        assert set(members) <= classes, f"undeclared class in owl:AllDisjointClasses: {names(set(members) - classes)}"


# ---------------------------------------------------------------------------
# The shapes
# ---------------------------------------------------------------------------
def test_shapes_parse(shapes: rdflib.Graph) -> None:
    assert len(list(shapes.subjects(RDF.type, SH.NodeShape))) >= 5


def test_shapes_only_use_declared_tg_terms(onto: rdflib.Graph, shapes: rdflib.Graph) -> None:
    declared = set(tg_terms(onto))
    used = {t for triple in shapes for t in triple if isinstance(t, URIRef) and str(t).startswith(TG)}
    assert not used - declared, (
        f"shapes.ttl uses tg: terms the ontology does not declare: {names(used - declared)}; "
        "fix the spelling in shapes.ttl or add the term to tipgraph.ttl"
    )


CONSTRAINTS = {
    SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.node, SH["in"], SH.hasValue, SH.pattern,
    SH.uniqueLang, SH.lessThanOrEquals, SH.lessThan, SH.minInclusive, SH.maxInclusive,
    SH.qualifiedValueShape, SH["or"], SH["and"], SH["not"], SH.equals, SH.disjoint, SH.nodeKind,
}


def test_every_shape_constraint_has_an_english_message(shapes: rdflib.Graph) -> None:
    """Each shape that checks something (and is not just a helper used through sh:node / sh:or,
    whose results are reported by the shape that uses it) says in words what to fix."""
    used_inside = set(shapes.objects(None, SH.node)) | set(shapes.objects(None, SH.qualifiedValueShape))
    for lst in shapes.objects(None, SH["or"]):
        used_inside |= set(Collection(shapes, lst))
    helpers = set(used_inside)
    for shape in list(used_inside):  # property shapes nested in helper shapes are helpers too
        helpers |= set(shapes.objects(shape, SH.property))
    checking = {s for s, p, _ in shapes if p in CONSTRAINTS} - helpers
    checking |= set(shapes.subjects(RDF.type, SH.SPARQLConstraint))
    missing = [
        s for s in checking
        if not any(isinstance(m, Literal) and m.language == "en" for m in shapes.objects(s, SH.message))
    ]
    assert not missing, "shapes without an English sh:message saying what to fix: " + ", ".join(
        sorted(str(s) if not isinstance(s, BNode) else f"blank node with {sorted(str(p) for p in shapes.predicates(s))}"
               for s in missing)
    )
    for s in checking:
        for m in shapes.objects(s, SH.message):
            assert ":" in str(m) or "add" in str(m).lower(), f"{s}: the message should say how to fix it: {m}"


def test_shape_targets_include_every_subclass(onto: rdflib.Graph, shapes: rdflib.Graph) -> None:
    """Validation runs without RDFS inference, so a shape targeting a class must also list
    each of its subclasses explicitly."""
    problems = []
    for shape in set(shapes.subjects(SH.targetClass, None)):
        targets = set(shapes.objects(shape, SH.targetClass))
        for cls in targets:
            missing = subclasses(onto, cls) - targets
            if missing:
                problems.append(f"{shape} targets {names([cls])} but not its subclasses {names(missing)}")
    assert not problems, "add these to sh:targetClass in shapes.ttl:\n" + "\n".join(problems)


def test_class_alternatives_include_every_subclass(onto: rdflib.Graph, shapes: rdflib.Graph) -> None:
    """An sh:or of sh:class alternatives stands for "this class or a subclass": keep it complete."""
    problems = []
    for shape, lst in shapes.subject_objects(SH["or"]):
        classes = {shapes.value(alt, SH["class"]) for alt in Collection(shapes, lst)} - {None}
        for cls in classes:
            missing = subclasses(onto, cls) - classes
            if missing:
                problems.append(f"{shape}: sh:or lists {names([cls])} but not {names(missing)}")
    assert not problems, "add [ sh:class X ] alternatives in shapes.ttl:\n" + "\n".join(problems)


def test_label_shape_covers_every_class(onto: rdflib.Graph, shapes: rdflib.Graph) -> None:
    label_shape = URIRef("https://w3id.org/tipgraph/shapes#LabelledEntityShape")
    targets = set(shapes.objects(label_shape, SH.targetClass))
    classes = {c for c in onto.subjects(RDF.type, OWL.Class) if str(c).startswith(TG)}
    assert classes - targets == set(), (
        f"tgsh:LabelledEntityShape does not target {names(classes - targets)}: "
        "add them to its sh:targetClass so their instances must have a skos:prefLabel"
    )
