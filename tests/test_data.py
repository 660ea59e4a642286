"""Tests of the curated data (data/*.trig): one test per file or per record where it helps.

Every failure message names the record (as tgd:...) and says how to fix it. The rules:

* identifiers are ``tgd:<kind>-NNNN`` (kinds below), ``tgd:graph-src-NNNN`` or ``tgd:graph-sources``;
* every record has exactly one tg: type, matching its kind (an ``org-`` is a tg:Organisation ...);
  the named-graph descriptions (``graph-``) are prov:Bundle instead;
* every record has a language-tagged skos:prefLabel, at most one per language, and no two
  records share one;
* every named graph except tgd:graph-sources is described there, derived from a described source;
* every engagement cites a described source; every tgd: IRI that is used is defined somewhere;
* ISO 3166-1 codes are unique; every tg: term used is declared in the ontology.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from tipgraph import resources

TG = rdflib.Namespace(resources.TG_NS)
ID = resources.ID_NS
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
SOURCES_GRAPH = URIRef(ID + "graph-sources")

ID_PATTERN = re.compile(
    r"^https://w3id\.org/tipgraph/id/"
    r"(?:(?P<kind>org|prg|eng|plc|evt|per|pst|doc|fac|thm|rnk|src)-\d{4}|graph-src-\d{4}|graph-sources)$"
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


@pytest.mark.parametrize("path", resources.data_files(), ids=lambda p: p.name)
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
def test_record_has_one_tipgraph_type(record: URIRef) -> None:
    types = set(union().objects(record, RDF.type))
    if str(record).startswith(ID + "graph-"):
        assert PROV.Bundle in types, f"{short(record)} describes a named graph: add `a prov:Bundle`"
        return
    tg_types = sorted(short(t) for t in types if str(t).startswith(str(TG)))
    assert len(tg_types) == 1, (
        f"{short(record)} has {len(tg_types)} tg: types {tg_types or ''}: give it exactly one, the most "
        "specific class that fits (e.g. tg:IntergovernmentalOrganisation rather than tg:Organisation)"
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
        per_language[label.language].append(str(label))  # type: ignore[union-attr]
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


@pytest.mark.parametrize("graph", SOURCE_GRAPHS, ids=ids(SOURCE_GRAPHS))
def test_named_graph_is_described(graph: URIRef) -> None:
    sources_graph = dataset().graph(SOURCES_GRAPH)
    assert (graph, None, None) in sources_graph, (
        f"the named graph {short(graph)} is not described in tgd:graph-sources: add "
        f"`{short(graph)} a prov:Bundle ; skos:prefLabel \"...\"@en ; prov:wasDerivedFrom tgd:src-NNNN .` there"
    )
    derived = set(sources_graph.objects(graph, PROV.wasDerivedFrom))
    assert derived, f"add prov:wasDerivedFrom tgd:src-NNNN to {short(graph)} in tgd:graph-sources"
    unknown = derived - described_sources()
    assert not unknown, (
        f"{short(graph)} is derived from {sorted(short(x) for x in unknown)}, which tgd:graph-sources does "
        "not describe as a tg:SourceDocument: add the source there or fix the identifier"
    )
    match = re.search(r"graph-src-(\d{4})$", str(graph))
    if match:
        assert URIRef(f"{ID}src-{match.group(1)}") in derived, (
            f"{short(graph)} should be derived from tgd:src-{match.group(1)} (the graph is named after its source)"
        )


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


# ---------------------------------------------------------------------------
# Wording: facts are restated, not copied
# ---------------------------------------------------------------------------
RUN = 12  # this many consecutive words in common counts as copied text


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:['\u2019][a-z]+)?", text.casefold().replace("\u2019", "'"))


def _checked_files() -> list[Path]:
    return list(resources.data_files()) + sorted(resources.ontology_dir().glob("*.ttl"))


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
