"""Tests of the curated data (data/**/*.trig): one test per file or per record where it helps.

These are invariants: they hold for the seed and for any data added after it (expected answers
on the seed are in data/answers/seed.json, checked by tests/test_competency.py). Every failure
message names the record (as tgd:...) or the file and says how to fix it. The rules:

* the layout: ``data/sources/src-NNNN.trig`` holds one source document, its catalogue entry in
  tgd:graph-sources and its facts in graphs derived from it (tgd:graph-src-NNNN);
  ``data/entities/*.trig`` holds graphs of shared entities (tgg:entities-...), described in
  tgd:graph-sources, derived from no document, and stating only names, kinds and identifiers;
* a source's catalogue entry has a title, URL, publication and retrieval dates, language,
  rights or licence and publisher;
* identifiers are ``tgd:<kind>-NNNN`` (kinds below), ``tgd:graph-src-NNNN`` or ``tgd:graph-sources``;
* every record's tg: types are of its kind (an ``org-`` is a tg:Organisation ...) and specific
  (never a class beside its own subclass); an event may be of two kinds (a training and a
  workshop); the named-graph descriptions (``graph-``) are prov:Bundle instead;
* every record has a language-tagged skos:prefLabel, at most one per language, and no two
  records share one;
* every engagement cites a described source; every tgd: IRI that is used is defined somewhere;
* ISO 3166-1 codes are unique; every tg: term used is declared in the ontology; no derived
  property is stated; the data conforms to the SHACL shapes.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pytest
import rdflib

from tipgraph.curation import ALPHABET, ID_LENGTH
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from tipgraph import resources

TG = rdflib.Namespace(resources.TG_NS)
ID = resources.ID_NS
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
SOURCES_GRAPH = URIRef(ID + "graph-sources")
ENTITY_GRAPH_PATTERN = re.compile(r"^https://w3id\.org/tipgraph/graph/entities-[a-z][a-z0-9-]*$")
SOURCE_FILE_PATTERN = re.compile(rf"^src-(?:\d{{4}}|[{ALPHABET}]{{{ID_LENGTH}}})$")
# What a graph of shared entities may say about them: names, kinds, identifiers, and where a place lies.
ENTITY_PREDICATES = {RDF.type, SKOS.prefLabel, SKOS.altLabel, SKOS.definition, SKOS.note, SKOS.exactMatch,
                     SKOS.inScheme, TG.iso3166Alpha2, TG.iso3166Alpha3, TG.locatedIn}

# Identifiers: the seed's numbered ones (org-0001) and the random ones `tipgraph new-id` mints.
_LOCAL = rf"(?:\d{{4}}|[{ALPHABET}]{{{ID_LENGTH}}})"
ID_PATTERN = re.compile(
    r"^https://w3id\.org/tipgraph/id/"
    rf"(?:(?P<kind>org|prg|eng|plc|evt|per|pst|doc|fac|thm|rnk|src)-{_LOCAL}|graph-src-{_LOCAL}|graph-sources)$"
)
# The class every record of a kind must be an instance of (directly or through a subclass).
KIND_CLASS = {
    "org": TG.Organisation,
    "prg": TG.Programme,
    "eng": TG.Engagement,
    "plc": TG.Place,
    "evt": TG.Event,
    "per": TG.Person,
    "pst": TG.Post,
    "doc": TG.Document,
    "fac": TG.Facility,
    "thm": TG.Theme,
    "rnk": TG.Ranking,
    "src": TG.SourceDocument,
}


def short(node: rdflib.term.Node) -> str:
    text = str(node)
    for prefix, ns in (("tgd:", ID), ("tg:", str(TG))):
        if text.startswith(ns):
            return prefix + text[len(ns):]
    return text


# ---------------------------------------------------------------------------
# Loading (at import time, so that records can be test parameters)
# ---------------------------------------------------------------------------
@lru_cache(maxsize=1)
def dataset() -> rdflib.Dataset:
    """All data files in one Dataset; files that do not parse are left out (their own test fails)."""
    ds = rdflib.Dataset()
    for path in resources.data_files():
        try:
            ds.parse(path, format="trig")
        except Exception:  # noqa: BLE001 - any parse error; reported by test_data_file_parses
            pass
    return ds


@lru_cache(maxsize=1)
def union() -> rdflib.Graph:
    g = rdflib.Graph()
    for s, p, o, _ in dataset().quads((None, None, None, None)):
        g.add((s, p, o))
    return g


@lru_cache(maxsize=1)
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(resources.ontology_file(), format="turtle")


def superclasses(cls: rdflib.term.Node) -> set[rdflib.term.Node]:
    found, todo = {cls}, [cls]
    while todo:
        for sup in ontology().objects(todo.pop(), RDFS.subClassOf):
            if sup not in found:
                found.add(sup)
                todo.append(sup)
    return found


def records() -> list[URIRef]:
    """Every subject in the tgd: namespace."""
    return sorted({s for s in union().subjects() if isinstance(s, URIRef) and str(s).startswith(ID)})


def records_of_kind(*kinds: str) -> list[URIRef]:
    return [r for r in records() if (m := ID_PATTERN.match(str(r))) and m.group("kind") in kinds]


def ids(nodes: list[URIRef]) -> list[str]:
    return [short(n) for n in nodes]


def named_graphs() -> list[URIRef]:
    return sorted(
        g.identifier for g in dataset().graphs()
        if isinstance(g.identifier, URIRef) and g.identifier != rdflib.graph.DATASET_DEFAULT_GRAPH_ID
        and len(g) > 0
    )


def described_sources() -> set[rdflib.term.Node]:
    """Sources typed tg:SourceDocument (or a subclass) in the graph tgd:graph-sources."""
    graph = dataset().graph(SOURCES_GRAPH)
    return {
        s for s, cls in graph.subject_objects(RDF.type)
        if TG.SourceDocument in superclasses(cls)
    }


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------
def test_there_is_data() -> None:
    assert resources.data_files(), f"no data files (*.trig) in {resources.data_dir()}"
    assert len(records()) > 10


@pytest.mark.parametrize("path", resources.data_files(), ids=lambda p: p.relative_to(resources.data_dir()).as_posix())
def test_data_file_parses(path: Path) -> None:
    ds = rdflib.Dataset()
    try:
        ds.parse(path, format="trig")
    except Exception as exc:  # noqa: BLE001 - whatever the parser raises is a broken file
        pytest.fail(f"{path.name} is not valid TriG: {exc}. Fix the syntax at the place the parser names.")
    default = ds.graph(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)
    assert len(default) == 0, (
        f"{path.name} puts {len(default)} triple(s) in the default graph, e.g. {next(iter(default))}: "
        "put every fact inside the named graph of its source, tgd:graph-src-NNNN { ... }"
    )


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("record", records(), ids=ids(records()))
def test_identifier_format(record: URIRef) -> None:
    assert ID_PATTERN.match(str(record)), (
        f"{short(record)} is not a valid identifier: use tgd:<kind>-NNNN with a kind among "
        f"{', '.join(KIND_CLASS)} and four digits (the next free number), e.g. tgd:org-0042"
    )


@pytest.mark.parametrize("record", records(), ids=ids(records()))
def test_record_has_specific_tipgraph_types(record: URIRef) -> None:
    types = set(union().objects(record, RDF.type))
    if str(record).startswith(ID + "graph-"):
        assert PROV.Bundle in types, f"{short(record)} describes a named graph: add `a prov:Bundle`"
        return
    tg_types = {t for t in types if str(t).startswith(str(TG))}
    assert tg_types, (
        f"{short(record)} has no tg: type: give it the most specific class that fits "
        "(e.g. tg:IntergovernmentalOrganisation rather than tg:Organisation)"
    )
    general = sorted(short(t) for t in tg_types if any(t in superclasses(u) for u in tg_types if u != t))
    assert not general, (
        f"{short(record)} is typed {sorted(short(t) for t in tg_types)}: drop {general}, which the more "
        "specific class already implies"
    )
    if len(tg_types) > 1:  # e.g. an event that is both a training and a workshop
        kinds = {frozenset(superclasses(t) & set(KIND_CLASS.values())) for t in tg_types}
        assert len(kinds) == 1, (
            f"{short(record)} has types of different kinds {sorted(short(t) for t in tg_types)}: one record is "
            "one kind of thing (split it into two records if the source speaks of two things)"
        )


@pytest.mark.parametrize("record", records_of_kind(*KIND_CLASS), ids=ids(records_of_kind(*KIND_CLASS)))
def test_record_kind_matches_its_type(record: URIRef) -> None:
    kind = ID_PATTERN.match(str(record)).group("kind")  # type: ignore[union-attr]
    expected = KIND_CLASS[kind]
    types = set(union().objects(record, RDF.type))
    assert any(expected in superclasses(t) for t in types), (
        f"{short(record)} is a '{kind}-' identifier but is typed {sorted(short(t) for t in types)}, "
        f"not {short(expected)} or a subclass: fix the type, or give the record a '{kind}-' id of the right kind"
    )


@pytest.mark.parametrize("record", records(), ids=ids(records()))
def test_record_has_a_language_tagged_pref_label(record: URIRef) -> None:
    labels = list(union().objects(record, SKOS.prefLabel))
    assert labels, f'{short(record)} has no skos:prefLabel: add one, e.g. skos:prefLabel "UNODC"@en'
    untagged = [str(x) for x in labels if not (isinstance(x, Literal) and x.language)]
    assert not untagged, f'{short(record)}: add a language tag to skos:prefLabel {untagged}, e.g. "..."@en'
    per_language: dict[str, list[str]] = defaultdict(list)
    for label in labels:
        per_language[getattr(label, "language", None) or ""].append(str(label))
    doubles = {lang: v for lang, v in per_language.items() if len(v) > 1}
    assert not doubles, (
        f"{short(record)} has several skos:prefLabel in one language {doubles}: keep one per language "
        "(the same in every source graph) and make the others skos:altLabel"
    )


def test_pref_labels_are_unique() -> None:
    owners: dict[tuple[str, str | None], set[URIRef]] = defaultdict(set)
    for s, label in union().subject_objects(SKOS.prefLabel):
        if isinstance(s, URIRef) and str(s).startswith(ID) and isinstance(label, Literal):
            owners[(" ".join(str(label).casefold().split()), label.language)].add(s)
    shared = {k: sorted(short(s) for s in v) for k, v in owners.items() if len(v) > 1}
    assert not shared, (
        "records sharing a skos:prefLabel (merge them if they are the same thing, otherwise make "
        "the labels distinct, e.g. add the country in brackets): "
        + "; ".join(f"{label!r}@{lang}: {', '.join(recs)}" for (label, lang), recs in sorted(shared.items()))
    )


def test_every_used_identifier_is_defined() -> None:
    defined = set(union().subjects(RDF.type, None))
    used = {o for o in union().objects() if isinstance(o, URIRef) and str(o).startswith(ID)}
    used |= set(named_graphs()) - {SOURCES_GRAPH}  # graph-sources describes the others, not itself
    undefined = sorted(short(x) for x in used - defined)
    assert not undefined, (
        f"these identifiers are used but never defined with a type: {', '.join(undefined)}. "
        "Fix the number if it is a typo, or add the record (with `a tg:...` and a skos:prefLabel)."
    )


# ---------------------------------------------------------------------------
# Named graphs and provenance
# ---------------------------------------------------------------------------
def test_sources_graph_exists() -> None:
    assert SOURCES_GRAPH in named_graphs(), "the data needs the named graph tgd:graph-sources describing the sources"
    assert described_sources(), "tgd:graph-sources describes no source (a node typed tg:SourceDocument)"


SOURCE_GRAPHS = [g for g in named_graphs() if g != SOURCES_GRAPH]


def is_entity_graph(graph: rdflib.term.Node) -> bool:
    return bool(ENTITY_GRAPH_PATTERN.match(str(graph)))


@pytest.mark.parametrize("graph", SOURCE_GRAPHS, ids=ids(SOURCE_GRAPHS))
def test_named_graph_is_described(graph: URIRef) -> None:
    sources_graph = dataset().graph(SOURCES_GRAPH)
    assert (graph, RDF.type, PROV.Bundle) in sources_graph and sources_graph.value(graph, SKOS.prefLabel), (
        f"the named graph {short(graph)} is not described in tgd:graph-sources: add "
        f"`{short(graph)} a prov:Bundle ; skos:prefLabel \"...\"@en ; prov:wasDerivedFrom tgd:src-NNNN .` there"
    )
    derived = set(sources_graph.objects(graph, PROV.wasDerivedFrom))
    if is_entity_graph(graph):
        assert not derived, (
            f"{short(graph)} holds shared entities, which are not a source of facts: drop its "
            "prov:wasDerivedFrom, and put what a source says about the entities in that source's graph"
        )
        return
    assert derived, f"add prov:wasDerivedFrom tgd:src-NNNN to {short(graph)} in tgd:graph-sources"
    unknown = derived - described_sources()
    assert not unknown, (
        f"{short(graph)} is derived from {sorted(short(x) for x in unknown)}, which tgd:graph-sources does "
        "not describe as a tg:SourceDocument: add the source there or fix the identifier"
    )
    match = re.search(rf"graph-src-({_LOCAL})$", str(graph))
    if match:
        assert URIRef(f"{ID}src-{match.group(1)}") in derived, (
            f"{short(graph)} should be derived from tgd:src-{match.group(1)} (the graph is named after its source)"
        )


ENTITY_GRAPHS = [g for g in SOURCE_GRAPHS if is_entity_graph(g)]


@pytest.mark.parametrize("graph", ENTITY_GRAPHS, ids=ids(ENTITY_GRAPHS))
def test_entity_graph_only_names_entities(graph: URIRef) -> None:
    said = sorted({short(p) for _, p, _ in dataset().graph(graph) if p not in ENTITY_PREDICATES})
    assert not said, (
        f"{short(graph)} is a graph of shared entities but states {said}: move those facts into the graph "
        "of the source that states them (data/sources/src-NNNN.trig); an entity graph gives only kinds, "
        "names, definitions, external identifiers and where a place lies"
    )


def test_there_are_entity_graphs_and_source_graphs() -> None:
    assert ENTITY_GRAPHS and len(ENTITY_GRAPHS) < len(SOURCE_GRAPHS)


# ---------------------------------------------------------------------------
# Layout: a source per file, shared entities in data/entities/
# ---------------------------------------------------------------------------
def _parsed(path: Path) -> rdflib.Dataset:
    return rdflib.Dataset().parse(path, format="trig")


def _folder(path: Path) -> str:
    return path.relative_to(resources.data_dir()).parts[0]


@pytest.mark.parametrize("path", resources.data_files(), ids=lambda p: p.relative_to(resources.data_dir()).as_posix())
def test_file_is_in_its_place(path: Path) -> None:
    folder = _folder(path)
    assert folder in ("sources", "entities") and path.parent.parent == resources.data_dir(), (
        f"{path}: data files go in data/sources/src-NNNN.trig (one source document each) or "
        "data/entities/<kind>.trig (shared entities)"
    )
    ds = _parsed(path)
    graphs = {g.identifier for g in ds.graphs() if len(g)} - {rdflib.graph.DATASET_DEFAULT_GRAPH_ID}
    catalogue = ds.graph(SOURCES_GRAPH)
    if folder == "entities":
        own = graphs - {SOURCES_GRAPH}
        assert own and all(is_entity_graph(g) for g in own), (
            f"{path.name} is in data/entities/ but writes into {sorted(short(g) for g in own)}: use graphs named "
            "tgg:entities-<kind>, and put facts of a source into data/sources/"
        )
        assert not described_in(catalogue), f"{path.name}: describe sources in their own files in data/sources/"
        return
    assert SOURCE_FILE_PATTERN.match(path.stem), f"{path.name}: name a source's file after it, src-NNNN.trig"
    source = URIRef(ID + path.stem)
    assert described_in(catalogue) == {source}, (
        f"{path.name} must describe exactly its own source {short(source)} in tgd:graph-sources, "
        f"not {sorted(short(s) for s in described_in(catalogue))}"
    )
    for g in graphs - {SOURCES_GRAPH}:
        assert set(catalogue.objects(g, PROV.wasDerivedFrom)) == {source}, (
            f"{path.name} writes into {short(g)}: a source's file holds its facts in the graph derived from it "
            f"(tgd:graph-{path.stem}), described in the same file with prov:wasDerivedFrom {short(source)}"
        )


def described_in(graph: rdflib.Graph) -> set[rdflib.term.Node]:
    return {s for s, cls in graph.subject_objects(RDF.type) if TG.SourceDocument in superclasses(cls)}


SOURCES = sorted(URIRef(str(s)) for s in described_sources())


@pytest.mark.parametrize("source", SOURCES, ids=ids(SOURCES))
def test_source_has_a_complete_catalogue_entry(source: URIRef) -> None:
    entry = dataset().graph(SOURCES_GRAPH)
    name = short(source)
    url = entry.value(source, TG.sourceUrl)
    assert isinstance(url, Literal) and url.datatype == XSD.anyURI and str(url).startswith(("https://", "http://")), (
        f'{name}: give the address it was read at, tg:sourceUrl "https://..."^^xsd:anyURI'
    )
    dates = {}
    for prop in (DCTERMS.issued, TG.dateRetrieved):
        value = entry.value(source, prop)
        assert isinstance(value, Literal) and value.datatype == XSD.date, (
            f'{name}: add {short(prop).replace(str(DCTERMS), "dcterms:")} as a date, e.g. "2024-10-11"^^xsd:date'
        )
        dates[prop] = value.toPython()
    assert dates[DCTERMS.issued] <= dates[TG.dateRetrieved], f"{name}: retrieved before it was published?"
    assert entry.value(source, DCTERMS.title), f'{name}: add its dcterms:title "..."@en'
    language = entry.value(source, DCTERMS.language)
    assert language is not None and re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)*", str(language)), (
        f'{name}: add dcterms:language with the ISO 639 code of the text, e.g. "en"'
    )
    assert entry.value(source, DCTERMS.rights) or entry.value(source, DCTERMS.license), (
        f"{name}: say under what terms it may be used: dcterms:license <licence IRI>, or dcterms:rights \"...\"@en"
    )
    assert entry.value(source, TG.publishedBy), f"{name}: add tg:publishedBy tgd:org-NNNN (its publisher)"


@pytest.mark.parametrize("engagement", records_of_kind("eng"), ids=ids(records_of_kind("eng")))
def test_engagement_cites_a_described_source(engagement: URIRef) -> None:
    cited = set(union().objects(engagement, PROV.wasDerivedFrom))
    assert cited, f"{short(engagement)}: add prov:wasDerivedFrom tgd:src-NNNN naming the source that states it"
    unknown = cited - described_sources()
    assert not unknown, (
        f"{short(engagement)} cites {sorted(short(x) for x in unknown)}, not described in tgd:graph-sources: "
        "describe the source there (a tg:SourceDocument) or fix the identifier"
    )


# ---------------------------------------------------------------------------
# Countries and vocabulary
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("prop", [TG.iso3166Alpha2, TG.iso3166Alpha3], ids=["alpha-2", "alpha-3"])
def test_country_codes_are_unique(prop: URIRef) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for s, code in union().subject_objects(prop):
        owners[str(code)].add(short(s))
    shared = {code: sorted(v) for code, v in owners.items() if len(v) > 1}
    assert not shared, (
        f"{short(prop)} codes used by more than one record: {shared}. A country has one record: "
        "merge the duplicates (keep the older identifier) or correct the code"
    )


def test_every_tg_term_used_is_declared() -> None:
    declared = set(ontology().subjects(RDF.type, None))
    used = {p for p in union().predicates() if str(p).startswith(str(TG))}
    used |= {o for o in union().objects() if isinstance(o, URIRef) and str(o).startswith(str(TG))}
    undeclared = sorted(short(t) for t in used - declared)
    assert not undeclared, (
        f"the data uses tg: terms the ontology does not declare: {', '.join(undeclared)}. "
        "Fix the spelling, or add the term to ontology/tipgraph.ttl first."
    )


def test_no_derived_property_is_stated() -> None:
    """What the reasoner derives (property chains, ontology/rules/*.rq, and their inverses) is never
    stated: the engagement, post or facility it is derived from is."""
    from tipgraph.reason import file_rules

    derived = set(ontology().subjects(OWL.propertyChainAxiom, None))
    derived |= {URIRef(p) for rule in file_rules() for p in rule.writes}
    derived |= {q for p in list(derived) for q in ontology().subjects(OWL.inverseOf, p)}
    derived |= {q for p in list(derived) for q in ontology().objects(p, OWL.inverseOf)}
    # positive control: the set holds what the README calls derived
    assert {TG.implements, TG.funds, TG.activeIn, TG.operatesIn, TG.implementedBy, TG.memberOf} <= derived
    stated = sorted({short(p) for p in union().predicates() if p in derived})
    assert not stated, (
        f"the data states derived properties {stated}: state the engagement (or post, or facility) they are "
        "derived from instead, and let the reasoner add them"
    )


def test_the_data_conforms_to_the_shapes() -> None:
    from tipgraph.validate import validate_shacl

    report = validate_shacl(dataset())
    assert report.conforms, report.text()


# ---------------------------------------------------------------------------
# Wording: facts are restated, not copied
# ---------------------------------------------------------------------------
RUN = 12  # this many consecutive words in common counts as copied text


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:['\u2019][a-z]+)?", text.casefold().replace("\u2019", "'"))


_REPO = Path(__file__).resolve().parents[1]
#: Besides the data and the ontology: the code, its comments and the prose we ship.
_WRITTEN = ("src/**/*.py", "src/**/*.html", "src/**/*.js", "benchmarks/**/*.py", "benchmarks/**/*.txt",
            "benchmarks/**/*.html", "benchmarks/**/*.md", "notebooks/*.ipynb", "docs/*.md", "*.md", "data/*.md")


def _checked_files() -> list[Path]:
    answers = sorted((resources.data_dir() / "answers").glob("*.json"))
    written = sorted({f for pattern in _WRITTEN for f in _REPO.glob(pattern) if f.is_file()})
    return list(resources.data_files()) + answers + sorted(resources.ontology_dir().glob("*.ttl")) + written


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _copied(text: str, runs: set[tuple[str, ...]]) -> list[str]:
    """The runs of RUN words of ``text`` that are also in ``runs``."""
    words = _words(text)
    return [" ".join(words[i:i + RUN]) for i in range(len(words) - RUN + 1) if tuple(words[i:i + RUN]) in runs]


@pytest.fixture(scope="module")
def source_runs(seeds_dir: Path) -> set[tuple[str, ...]]:
    """Every run of RUN consecutive words in the source texts (none if they are absent)."""
    runs: set[tuple[str, ...]] = set()
    for seed in sorted(seeds_dir.glob("*.txt")) if seeds_dir.is_dir() else []:
        words = _words(seed.read_text(encoding="utf-8", errors="replace"))
        runs.update(tuple(words[i:i + RUN]) for i in range(len(words) - RUN + 1))
    return runs


def _need_sources(runs: set[tuple[str, ...]], seeds_dir: Path) -> None:
    """Skip without the source texts, but fail on CI, which has them (../shared/seeds)."""
    if not runs:
        why = f"no source texts to compare with ({seeds_dir} is absent or has no *.txt)"
        if _on_ci():
            pytest.fail(f"{why}: CI must run this check; check out the shared folder beside the repository")
        pytest.skip(why)


@pytest.mark.parametrize("path", _checked_files(), ids=lambda p: p.name)
def test_no_text_copied_from_the_sources(path: Path, source_runs: set[tuple[str, ...]], seeds_dir: Path) -> None:
    _need_sources(source_runs, seeds_dir)
    copied = _copied(path.read_text(encoding="utf-8"), source_runs)
    assert not copied, (
        f"{path.name} repeats {RUN}+ consecutive words of a source text, e.g. {copied[0]!r}: "
        "restate the fact in your own words"
    )


def test_copied_text_is_found(source_runs: set[tuple[str, ...]], seeds_dir: Path) -> None:
    """The positive control of the test above: a run of words taken from a source is caught."""
    _need_sources(source_runs, seeds_dir)
    run = " ".join(min(source_runs))
    assert _copied(f'tgd:x skos:definition "{run}"@en .', source_runs) == [run]
