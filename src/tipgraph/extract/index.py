"""What the graph already knows, as the extractor needs it: every name of every entity, its kind
and the country it belongs to (for telling apart same-named bodies of different countries).

>>> idx = EntityIndex.empty()
>>> idx.lookup("UNODC")
[]
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from ..countries import normalise, spellings
from ..namespace import TG

__all__ = ["EntityIndex", "Entry", "kind_of_class"]

#: Top classes of the ontology and the mention kind their instances have (most specific first).
_TOPS: tuple[tuple[URIRef, str], ...] = (
    (TG.Country, "country"), (TG.Region, "region"), (TG.City, "city"),
    (TG.Organisation, "organisation"), (TG.Programme, "programme"), (TG.Person, "person"),
    (TG.Document, "document"), (TG.Facility, "facility"), (TG.Theme, "theme"), (TG.Event, "event"),
)

_ENTITIES = """
SELECT ?entity ?type ?top ?pref WHERE {
  ?entity a ?type ; skos:prefLabel ?pref .
  ?type rdfs:subClassOf* ?top .
  VALUES ?top { %s }
  FILTER (STRSTARTS(STR(?entity), STR(tgd:)))
}
"""
_LABELS = """
SELECT ?entity ?text WHERE {
  ?entity skos:prefLabel|skos:altLabel ?text .
  FILTER (STRSTARTS(STR(?entity), STR(tgd:)))
}
"""
_CODES = """
SELECT ?entity ?code WHERE { ?entity tg:iso3166Alpha2 ?code . FILTER (STRSTARTS(STR(?entity), STR(tgd:))) }
"""
_LINKS = """
SELECT ?a ?b WHERE {
  ?a tg:subOrganisationOf|tg:locatedIn|tg:appliesTo|tg:partOf|tg:facilityPlace ?b .
  FILTER (STRSTARTS(STR(?a), STR(tgd:)) && STRSTARTS(STR(?b), STR(tgd:)))
}
"""


def kind_of_class(cls: URIRef) -> str:
    """The mention kind for an ontology class (``entity`` when it is none of ours).

    >>> kind_of_class(TG.GovernmentMinistry), kind_of_class(TG.Country)
    ('organisation', 'country')
    """
    for top, kind in _TOPS:
        if cls == top:
            return kind
    return _subclass_kinds().get(cls, "entity")


@cache
def _ontology() -> Graph:
    from ..resources import ontology_file

    return Graph().parse(ontology_file())


@cache
def _subclass_kinds() -> dict[URIRef, str]:
    g = _ontology()
    out: dict[URIRef, str] = {}
    for top, kind in _TOPS:
        for sub in g.transitive_subjects(RDFS.subClassOf, top):
            if isinstance(sub, URIRef):
                out.setdefault(sub, kind)
    return out


@cache
def _depth(cls: URIRef) -> int:
    """How many superclasses ``cls`` has in the ontology (to pick an entity's most specific class)."""
    return sum(1 for x in _ontology().transitive_objects(cls, RDFS.subClassOf) if x != cls)


@dataclass(frozen=True)
class Entry:
    """One entity of the graph."""

    iri: URIRef
    label: str  # its preferred label
    kind: str  # a mention kind (organisation, programme, country …)
    cls: URIRef | None  # its most specific class
    countries: frozenset[str]  # ISO alpha-2 codes of the countries it belongs to
    labels: tuple[str, ...] = ()


_WORD = re.compile(r"[^\W\d_][\w.\-’']*", re.UNICODE)


@cache
def _country_table() -> dict[str, str]:
    return {name: c.alpha2 for name, c in spellings()}


def countries_named(text: str) -> set[str]:
    """ISO codes of countries a name mentions ("Ministry of Interior (Pakistan)" → PK).

    >>> sorted(countries_named("Government of the Kyrgyz Republic"))
    ['KG']
    """
    table = _country_table()
    words = [normalise(w) for w in _WORD.findall(text)]
    words = [w for w in words if w]
    found: set[str] = set()
    for n in (4, 3, 2, 1):
        for i in range(len(words) - n + 1):
            code = table.get(" ".join(words[i:i + n]))
            if code:
                found.add(code)
    return found


@dataclass
class EntityIndex:
    """Every entity name of a graph, for matching in text and resolving mentions."""

    entries: dict[URIRef, Entry] = field(default_factory=dict)
    by_name: dict[str, list[URIRef]] = field(default_factory=dict)  # normalised label -> entities
    surfaces: dict[str, set[URIRef]] = field(default_factory=dict)  # label as written -> entities
    generation: int = 0  # bumps when the index changes, so cached matchers are rebuilt

    @classmethod
    def empty(cls) -> EntityIndex:
        """An index with nothing in it (everything found is proposed as new)."""
        return cls()

    @classmethod
    def from_store(cls, store: object) -> EntityIndex:
        """Read every ``skos:prefLabel``/``skos:altLabel`` of ``store`` with kind and country context.

        >>> from tipgraph import load
        >>> idx = EntityIndex.from_store(load().store)
        >>> e = idx.lookup("Ministry of Interior")[0]
        >>> e.kind, sorted(e.countries)
        ('organisation', ['PK'])
        """
        from ..query import execute_bound

        tops = " ".join(f"<{t}>" for t, _ in _TOPS)
        types: dict[URIRef, list[tuple[URIRef, URIRef]]] = defaultdict(list)
        pref: dict[URIRef, str] = {}
        for entity, typ, top, lab in execute_bound(store, _ENTITIES % tops, {}, None).rows:  # type: ignore[arg-type]
            if isinstance(entity, URIRef) and isinstance(typ, URIRef) and isinstance(top, URIRef):
                types[entity].append((typ, top))
                pref.setdefault(entity, str(lab))
        labels: dict[URIRef, list[str]] = defaultdict(list)
        for entity, text in execute_bound(store, _LABELS, {}, None).rows:  # type: ignore[arg-type]
            if isinstance(entity, URIRef) and entity in types and str(text) not in labels[entity]:
                labels[entity].append(str(text))
        codes: dict[URIRef, str] = {}
        for entity, code in execute_bound(store, _CODES, {}, None).rows:  # type: ignore[arg-type]
            if isinstance(entity, URIRef):
                codes[entity] = str(code).upper()
        links: dict[URIRef, set[URIRef]] = defaultdict(set)
        for a, b in execute_bound(store, _LINKS, {}, None).rows:  # type: ignore[arg-type]
            if isinstance(a, URIRef) and isinstance(b, URIRef):
                links[a].add(b)
        rank = {top: i for i, (top, _) in enumerate(_TOPS)}
        kinds = dict(_TOPS)
        own: dict[URIRef, set[str]] = {}
        for entity, pairs in types.items():
            names = set()
            if entity in codes:
                names.add(codes[entity])
            for lab in labels[entity]:
                names |= countries_named(lab)
            own[entity] = names

        def context(entity: URIRef, seen: frozenset[URIRef] = frozenset()) -> set[str]:
            found = set(own.get(entity, ()))
            for up in links.get(entity, ()):
                if up not in seen and len(seen) < 12:
                    found |= context(up, seen | {entity})
            return found

        idx = cls()
        for entity, pairs in types.items():
            top = min((t for _, t in pairs), key=lambda t: rank[t])
            specific = [typ for typ, t in pairs if t == top]
            # the most specific class: the one that is not a superclass of another of its classes
            cls_ = max(specific, key=lambda t: (_depth(t), str(t)))
            idx.add(Entry(entity, pref[entity], kinds[top], cls_, frozenset(context(entity)),
                          tuple(labels[entity] or [pref[entity]])))
        return idx

    def add(self, entry: Entry) -> None:
        """Add one entity (tests and the workflow use it for entities proposed earlier)."""
        self.entries[entry.iri] = entry
        for lab in entry.labels or (entry.label,):
            key = normalise(lab)
            if key and entry.iri not in self.by_name.setdefault(key, []):
                self.by_name[key].append(entry.iri)
            self.surfaces.setdefault(lab, set()).add(entry.iri)
        self.generation += 1

    def lookup(self, name: str, kind: str | None = None) -> list[Entry]:
        """Entities with exactly this name (after normalising), optionally of one kind."""
        out = [self.entries[i] for i in self.by_name.get(normalise(name), ())]
        return [e for e in out if kind is None or e.kind == kind]

    def of_kind(self, kind: str) -> list[Entry]:
        """Every entity of one kind."""
        return [e for e in self.entries.values() if e.kind == kind]

    def __len__(self) -> int:
        return len(self.entries)
