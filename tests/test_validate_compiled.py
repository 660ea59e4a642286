"""The store-native validator (shapes compiled to SPARQL, curation checks as SPARQL) against pySHACL.

Both engines must report the same problems, with the same messages, values and locations: on
every broken fixture, on the seed data (which conforms), and on a generated landscape carrying
one mutation per kind of mistake. Every mutation is a positive control: it must be reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
import rdflib
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

import tipgraph
from tipgraph import resources
from tipgraph.namespace import TG, TGD
from tipgraph.validate import UnsupportedShapeError, Violation, validate_shacl, validate_store
from tipgraph.validate.compiled import compile_shapes
from tipgraph.validate.engine import compiled_checks

REPO = Path(__file__).resolve().parents[1]
BROKEN = REPO / "tests" / "fixtures" / "broken"
#: The ontology's namespace, open: for misspelt names the closed one refuses.
MISSPELT = Namespace(str(TG))
Key = tuple[object, ...]


def key(v: Violation) -> Key:
    return (v.focus_node, v.path, v.value, v.component, v.message, v.shape, v.severity, v.focus_label,
            tuple(v.locations))


def both(kg: tipgraph.KnowledgeGraph) -> tuple[list[Key], list[Key], bool, bool]:
    a = kg.validate(owl=False, engine="pyshacl").shacl
    b = kg.validate(owl=False, engine="sparql").shacl
    return sorted(map(key, a.violations), key=repr), sorted(map(key, b.violations), key=repr), a.conforms, b.conforms


def loaded(files: list[Path]) -> tipgraph.KnowledgeGraph:
    kg = tipgraph.load(data=files)
    kg.sources = list(files)
    return kg


# --- fixtures and seed ---------------------------------------------------------------
def test_seed_conforms_in_both_engines() -> None:
    kg = loaded(resources.data_files())
    a, b, ca, cb = both(kg)
    assert (a, ca) == ([], True)
    assert (b, cb) == ([], True)


@pytest.mark.parametrize("fixture", sorted(p.name for p in BROKEN.glob("*.trig")))
@pytest.mark.parametrize("with_seed", [False, True])
def test_broken_fixture_same_violations(fixture: str, with_seed: bool) -> None:
    files = [*resources.data_files(), BROKEN / fixture] if with_seed else [BROKEN / fixture]
    a, b, ca, cb = both(loaded(files))
    assert a == b
    assert ca == cb
    if fixture != "inconsistent.trig":  # SHACL alone does not notice that one (HermiT does)
        assert a, "positive control: the broken fixture must be reported"


def test_fixtures_through_validate_shacl_engines() -> None:
    """validate_shacl(engine=...) on rdflib data: same problems (values of integer subtypes aside)."""
    for path in sorted(BROKEN.glob("*.trig")):
        ds = rdflib.Dataset()
        ds.parse(path, format="trig")
        a = validate_shacl(ds)
        b = validate_shacl(ds, engine="sparql")
        assert {(v.focus_node, v.path, v.component, v.message) for v in a.violations} == \
            {(v.focus_node, v.path, v.component, v.message) for v in b.violations}, path.name
        assert a.conforms == b.conforms


# --- the compiler ------------------------------------------------------------------
def test_every_shape_constraint_is_compiled() -> None:
    checks = compiled_checks()
    names = {c.component_name for c in checks}
    assert {"MinCount", "MaxCount", "Datatype", "Or", "Node", "Pattern", "In", "HasValue", "MinInclusive",
            "MaxInclusive", "QualifiedMinCount", "LessThanOrEquals", "UniqueLang"} <= names
    shapes = {str(c.shape) for c in checks}
    assert str(URIRef("https://w3id.org/tipgraph/shapes#Programme-funder")) in shapes
    assert all(c.message for c in checks)


@pytest.mark.parametrize("component", ["sh:closed true", "sh:equals tg:endDate", "sh:languageIn ( \"en\" )",
                                       "sh:sparql [ sh:select \"SELECT $this WHERE {}\" ]"])
def test_unsupported_component_fails_at_compile_time(component: str) -> None:
    shapes = rdflib.Graph().parse(data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix tg: <https://w3id.org/tipgraph/ontology#> .
        <urn:s> a sh:NodeShape ; sh:targetClass tg:Event ;
            sh:property [ sh:path tg:startDate ; sh:minCount 1 ] , [ sh:path tg:startDate ; {component} ] .
        """, format="turtle")
    with pytest.raises(UnsupportedShapeError, match="does not implement"):
        compile_shapes(shapes)


def test_supported_shapes_compile_positive_control() -> None:
    shapes = rdflib.Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix tg: <https://w3id.org/tipgraph/ontology#> .
        <urn:s> a sh:NodeShape ; sh:targetClass tg:Event ; sh:property [ sh:path tg:startDate ; sh:minCount 1 ] .
        """, format="turtle")
    assert [c.component_name for c in compile_shapes(shapes)] == ["MinCount"]


# --- mutations of a generated landscape --------------------------------------------------
@pytest.fixture(scope="module")
def landscape(generator: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("landscape") / "synthetic-5k.trig"
    generator.generate(5_000, 42, path)  # 4k lacks nodes some mutations take
    return path


class Data:
    """The landscape as an rdflib Dataset, handing out a fresh node of a kind for every mutation."""

    def __init__(self, path: Path) -> None:
        self.ds = rdflib.Dataset()
        self.ds.parse(path, format="trig")
        self.used: set[URIRef] = set()

    def take(self, kind: URIRef, having: URIRef | None = None) -> URIRef:
        for node in sorted({s for s, _, _, _ in self.ds.quads((None, RDF.type, kind, None))}, key=str):
            if isinstance(node, URIRef) and node not in self.used and \
                    (having is None or self.value(node, having) is not None):
                self.used.add(node)
                return node
        raise AssertionError(f"no unused {kind} with {having}")

    def value(self, node: URIRef, p: URIRef) -> rdflib.term.Node | None:
        for _, _, o, _ in self.ds.quads((node, p, None, None)):
            return o
        return None

    def graph(self, node: URIRef) -> rdflib.Graph:
        for _, _, _, g in self.ds.quads((node, None, None, None)):
            return self.ds.graph(g)
        raise AssertionError(node)

    def drop(self, node: URIRef, p: URIRef) -> None:
        for s, pp, o, g in list(self.ds.quads((node, p, None, None))):
            self.ds.graph(g).remove((s, pp, o))

    def add(self, node: URIRef, p: URIRef, o: rdflib.term.Node) -> None:
        self.graph(node).add((node, p, o))

    def set(self, node: URIRef, p: URIRef, o: rdflib.term.Node) -> None:
        g = self.graph(node)
        self.drop(node, p)
        g.add((node, p, o))


@dataclass
class Mutation:
    name: str
    apply: Callable[[Data], URIRef]  # returns the node that must be reported
    expect: str  # the component (SHACL) or check (curation) that must report it


def _m(name: str, expect: str) -> Callable[[Callable[[Data], URIRef]], Mutation]:
    def wrap(fn: Callable[[Data], URIRef]) -> Mutation:
        return Mutation(name, fn, expect)
    return wrap


def _date(text: str) -> Literal:
    return Literal(text, datatype=XSD.date)


def _n(text: str, dt: URIRef = XSD.integer) -> Literal:
    return Literal(text, datatype=dt)


def _del(kind: URIRef, p: URIRef) -> Callable[[Data], URIRef]:
    def fn(d: Data) -> URIRef:
        node = d.take(kind, p)
        d.drop(node, p)
        return node
    return fn


def _set(kind: URIRef, p: URIRef, o: rdflib.term.Node, having: URIRef | None = None) -> Callable[[Data], URIRef]:
    def fn(d: Data) -> URIRef:
        node = d.take(kind, having or p)
        d.set(node, p, o)
        return node
    return fn


def _more(kind: URIRef, p: URIRef, o: rdflib.term.Node, having: URIRef | None = None) -> Callable[[Data], URIRef]:
    def fn(d: Data) -> URIRef:
        node = d.take(kind, having or p)
        d.add(node, p, o)
        return node
    return fn


def _point_at(kind: URIRef, p: URIRef, other: URIRef) -> Callable[[Data], URIRef]:
    def fn(d: Data) -> URIRef:
        node = d.take(kind, p)
        target = d.take(other)
        d.set(node, p, target)
        return node
    return fn


def _new_programme(d: Data) -> URIRef:
    node = TGD["prg-9901"]
    g = d.graph(d.take(TG.Project))
    g.add((node, RDF.type, TG.Project))
    g.add((node, SKOS.prefLabel, Literal("Mutation: a project nobody implements or funds", lang="en")))
    return node


def _dates_swapped(d: Data) -> URIRef:
    node = d.take(TG.Workshop, TG.endDate)
    d.set(node, TG.startDate, _date("2024-05-10"))
    d.set(node, TG.endDate, _date("2024-05-01"))
    return node


def _female_above(d: Data) -> URIRef:
    node = d.take(TG.Meeting, TG.participantCount)
    d.set(node, TG.participantCount, _n("10"))
    d.set(node, TG.femaleParticipantCount, _n("25"))
    return node


def _untyped(d: Data) -> URIRef:
    node = d.take(TG.Person, TG.holdsPost)
    d.drop(node, RDF.type)
    return node


def _place_organises(d: Data) -> URIRef:
    place = d.take(TG.City)
    event = d.take(TG.Meeting)
    d.add(place, TG.organises, event)
    return place


def _engagement_untyped(d: Data) -> URIRef:
    node = d.take(TG.Engagement)
    d.drop(node, RDF.type)
    d.add(node, RDF.type, PROV.Entity)  # still typed, so the untyped check does not replace the shape's report
    return node


MUTATIONS = [
    Mutation("delete a required label", _del(TG.CivilSocietyOrganisation, SKOS.prefLabel), "MinCount"),
    Mutation("two labels in one language", _more(TG.Person, SKOS.prefLabel, Literal("Someone else", lang="en")),
             "UniqueLang"),
    Mutation("label without a language", _more(TG.City, SKOS.prefLabel, Literal("Plain")), "Datatype"),
    Mutation("engagement without organisation", _del(TG.Engagement, TG.engagedOrganisation), "MinCount"),
    Mutation("engagement with two organisations", _more(TG.Engagement, TG.engagedOrganisation, TGD["org-0001"]),
             "MaxCount"),
    Mutation("engagement organisation is a place", _point_at(TG.Engagement, TG.engagedOrganisation, TG.Country),
             "Node"),
    Mutation("engagement without programme", _del(TG.Engagement, TG.engagedProgramme), "MinCount"),
    Mutation("engagement programme is a person", _point_at(TG.Engagement, TG.engagedProgramme, TG.Person), "Node"),
    Mutation("role outside the list", _set(TG.Engagement, TG.engagementRole, TG.Engagement), "In"),
    Mutation("engagement without source", _del(TG.Engagement, PROV.wasDerivedFrom), "MinCount"),
    Mutation("engagement source is an organisation",
             _point_at(TG.Engagement, PROV.wasDerivedFrom, TG.CivilSocietyOrganisation), "Node"),
    Mutation("engagement not typed", _engagement_untyped, "HasValue"),
    Mutation("source without URL", _del(TG.PressRelease, TG.sourceUrl), "MinCount"),
    Mutation("source URL not http", _set(TG.PressRelease, TG.sourceUrl, Literal("ftp://example.org/x")), "Pattern"),
    Mutation("two source URLs", _more(TG.PressRelease, TG.sourceUrl, Literal("https://example.org/2")), "MaxCount"),
    Mutation("issued date ill-typed", _set(TG.PressRelease, DCTERMS.issued, _date("2024-13-45")), "Datatype"),
    Mutation("issued date as text", _set(TG.SourceDocument, DCTERMS.issued, Literal("2024-01-01")), "Datatype"),
    Mutation("programme nobody implements", _new_programme, "QualifiedMinCount"),
    Mutation("event without start", _del(TG.Training, TG.startDate), "MinCount"),
    Mutation("event with two starts", _more(TG.Training, TG.startDate, _date("1999-01-01")), "MaxCount"),
    Mutation("start date as text", _set(TG.Meeting, TG.startDate, Literal("May 2024")), "Datatype"),
    Mutation("end before start", _dates_swapped, "LessThanOrEquals"),
    Mutation("event held in an organisation", _point_at(TG.Meeting, TG.heldIn, TG.CivilSocietyOrganisation), "Node"),
    Mutation("event without place", _del(TG.Workshop, TG.heldIn), "MinCount"),
    Mutation("female above total", _female_above, "LessThanOrEquals"),
    Mutation("negative count", _set(TG.Meeting, TG.participantCount, _n("-5"), TG.participantCount),
             "MinInclusive"),
    Mutation("count as text", _set(TG.Meeting, TG.femaleParticipantCount, Literal("many"), TG.participantCount),
             "Or"),
    Mutation("alpha-2 in lower case", _set(TG.Country, TG.iso3166Alpha2, Literal("Pk")), "Pattern"),
    Mutation("alpha-2 unassigned", _set(TG.Country, TG.iso3166Alpha2, Literal("XX")), "Pattern"),
    Mutation("country without alpha-3", _del(TG.Country, TG.iso3166Alpha3), "MinCount"),
    Mutation("alpha-3 typed as a token", _set(TG.Country, TG.iso3166Alpha3, Literal("PAK", datatype=XSD.token)),
             "Datatype"),
    Mutation("tier level out of range", _set(TG.Ranking, TG.tierLevel, _n("7"), TG.tierLevel), "MaxInclusive"),
    Mutation("ranking year as integer", _set(TG.Ranking, TG.rankingYear, _n("2024")), "Datatype"),
    Mutation("two tiers", _more(TG.Ranking, TG.tier, Literal("Tier 9 (mutation)"), TG.tier), "MaxCount"),
    Mutation("place organises an event", _place_organises, "Or"),
    Mutation("organiser is a programme", _point_at(TG.Meeting, TG.organisedBy, TG.Initiative), "Or"),
    Mutation("misspelt property", _more(TG.Training, MISSPELT["organizedBy"], TGD["org-0001"], TG.startDate),
             "check:unknown-property"),
    Mutation("misspelt class", _more(TG.Committee, RDF.type, MISSPELT["Organization"]), "check:unknown-class"),
    Mutation("unknown term as object", _set(TG.Engagement, TG.engagementRole, MISSPELT["FundingRoel"]),
             "check:unknown-term"),
    Mutation("undefined id", _set(TG.Workshop, TG.heldIn, TGD["plc-99999"]), "check:undefined-id"),
    Mutation("derived property stated",
             _more(TG.CivilSocietyOrganisation, TG.implements, TGD["prg-0001"], SKOS.prefLabel), "check:derived"),
    Mutation("object of the wrong kind", _point_at(TG.Post, TG.postIn, TG.Theme), "check:range"),
    Mutation("subject of the wrong kind", _more(TG.Theme, TG.postIn, TGD["org-0001"], SKOS.prefLabel),
             "check:domain"),
    Mutation("record without class", _untyped, "check:untyped"),
    Mutation("text where a node belongs", _set(TG.Post, TG.postIn, Literal("UNODC")), "check:node-expected"),
    Mutation("node where a value belongs", _set(TG.Ranking, TG.tier, TGD["org-0001"]), "check:value-expected"),
]


@pytest.fixture(scope="module")
def mutated(landscape: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, URIRef]]:
    data = Data(landscape)
    focus = {m.name: m.apply(data) for m in MUTATIONS}
    path = tmp_path_factory.mktemp("mutated") / "mutated.trig"
    data.ds.serialize(path, format="trig")
    return path, focus


@pytest.fixture(scope="module")
def reports(mutated: tuple[Path, dict[str, URIRef]]) -> tuple[list[Violation], list[Violation]]:
    kg = loaded([mutated[0]])
    a = kg.validate(owl=False, engine="pyshacl").shacl
    b = kg.validate(owl=False, engine="sparql").shacl
    assert not a.conforms and not b.conforms
    return a.violations, b.violations


def test_at_least_thirty_distinct_mutations() -> None:
    assert len({m.name for m in MUTATIONS}) == len(MUTATIONS) >= 30
    assert len({m.expect for m in MUTATIONS}) >= 20


def test_unmutated_landscape_conforms_in_both_engines(landscape: Path) -> None:
    a, b, ca, cb = both(loaded([landscape]))
    assert (a, b, ca, cb) == ([], [], True, True)


def test_mutated_landscape_same_violations(reports: tuple[list[Violation], list[Violation]]) -> None:
    a, b = reports
    assert sorted(map(key, a), key=repr) == sorted(map(key, b), key=repr)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_mutation_is_reported_by_both(mutation: Mutation, mutated: tuple[Path, dict[str, URIRef]],
                                      reports: tuple[list[Violation], list[Violation]]) -> None:
    node = str(mutated[1][mutation.name])
    for engine, violations in zip(("pyshacl", "sparql"), reports, strict=True):
        mine = [v for v in violations if v.focus_node == node]
        assert any(mutation.expect in (v.component, v.shape) for v in mine), \
            f"{engine} did not report {mutation.expect} on {node}: {[(v.component, v.shape) for v in mine]}"
    a, b = ([key(v) for v in vs if v.focus_node == node] for vs in reports)
    assert sorted(a, key=repr) == sorted(b, key=repr)


def test_copy_path_matches_in_place(mutated: tuple[Path, dict[str, URIRef]],
                                    reports: tuple[list[Violation], list[Violation]]) -> None:
    """With graphs to leave out (the inferred graph, review graphs) the data is copied: same report."""
    kg = loaded([mutated[0]])
    extra = "urn:x-test:left-out"
    kg.store.add([(TGD["org-0001"], MISSPELT["organizedBy"], TGD["org-0002"], URIRef(extra))])
    kept = validate_store(kg.store, exclude=[extra], ontology=kg.ontology_graph(), sources=kg.sources)
    assert sorted(map(key, kept.violations), key=repr) == sorted(map(key, reports[1]), key=repr)
    seen = validate_store(kg.store, ontology=kg.ontology_graph(), sources=kg.sources)
    assert len(seen.violations) == len(kept.violations) + 1  # positive control: the graph left out has a problem


def test_memory_backend_uses_the_compiled_engine(mutated: tuple[Path, dict[str, URIRef]],
                                                 reports: tuple[list[Violation], list[Violation]]) -> None:
    kg = tipgraph.load(data=[mutated[0]], backend="memory")
    kg.sources = [mutated[0]]
    report = kg.validate(owl=False).shacl
    assert sorted(map(key, report.violations), key=repr) == sorted(map(key, reports[0]), key=repr)


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(tipgraph.errors.UnknownNameError):
        tipgraph.load(data=[]).validate(owl=False, engine="nope")
