"""Curators' tools: identifiers nobody else will mint, a new source file from a few facts about
it, and finding what the graph already knows by label.

>>> new_id("org").startswith("org-")
True
>>> len(new_id("evt")) == len("evt-") + ID_LENGTH
True
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef

from .errors import BadInputError, UnknownNameError
from .namespace import TGD, shorten
from .query import execute_bound
from .store import Store

#: Kinds of curated identifiers and what each names.
KINDS = {
    "org": "organisation", "prg": "programme", "eng": "engagement", "plc": "place", "evt": "event",
    "per": "person", "pst": "post", "doc": "document", "fac": "facility", "thm": "theme", "rnk": "ranking",
    "src": "source document", "flw": "funding flow", "shr": "recipient share",
}
#: Characters after the kind: lower-case letters and digits without look-alikes (no 0/o, 1/l/i).
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
ID_LENGTH = 10  # 31**10 = 8e14: two curators minting a million ids each collide with odds ~1e-3
ID_PATTERN = re.compile(rf"(?P<kind>{'|'.join(KINDS)})-(?:\d{{4}}|[{ALPHABET}]{{{ID_LENGTH}}})")


def new_id(kind: str) -> str:
    """A fresh opaque identifier of a kind (``org``, ``evt`` ...): random, so curators working
    apart never collide, and never reused.

    >>> bool(ID_PATTERN.fullmatch(new_id("per")))
    True
    """
    if kind not in KINDS:
        raise UnknownNameError("identifier kind", kind, list(KINDS))
    return f"{kind}-" + "".join(secrets.choice(ALPHABET) for _ in range(ID_LENGTH))


@dataclass(frozen=True)
class SourceInfo:
    """What a new source file starts from."""

    url: str
    title: str
    publisher: str
    published: _dt.date
    language: str = "en"
    licence: str | None = None
    retrieved: _dt.date | None = None


def _turtle_string(text: str) -> str:
    return Literal(text).n3()


def scaffold_source(info: SourceInfo, *, publisher_iri: URIRef | None = None, source_id: str | None = None) -> str:
    """The text of a new ``data/sources/<id>.trig``: the catalogue entry filled in, the graph
    for its facts waiting, one commented example per kind of fact.

    >>> text = scaffold_source(SourceInfo("https://example.org/r", "A release", "UNODC",
    ...                                   _dt.date(2025, 3, 9)), source_id="src-abcdefghjk")
    >>> "tgd:graph-src-abcdefghjk {" in text and 'dcterms:issued "2025-03-09"^^xsd:date' in text
    True
    """
    if not re.fullmatch(r"https?://\S+", info.url):
        raise BadInputError(f"the source URL must start with http:// or https://, got {info.url!r}")
    sid = source_id or new_id("src")
    retrieved = info.retrieved or _dt.date.today()
    publisher = shorten(publisher_iri) if publisher_iri is not None else None
    lines = [
        f"# Source tgd:{sid}: {info.title}",
        f"# Its catalogue entry goes into tgd:graph-sources, its facts into tgd:graph-{sid}.",
        "# Facts are restated in our own words; entities already in data/entities/ are only referenced",
        "# (find them with: tipgraph find TEXT); new ones get ids from: tipgraph new-id KIND.",
        "",
        "@prefix tg:      <https://w3id.org/tipgraph/ontology#> .",
        "@prefix tgd:     <https://w3id.org/tipgraph/id/> .",
        "@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .",
        "@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix prov:    <http://www.w3.org/ns/prov#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "",
        "tgd:graph-sources {",
        f"    tgd:{sid} a tg:PressRelease , prov:Entity ;",
        f"        skos:prefLabel {_turtle_string(info.title)}@{info.language} ;",
        f"        dcterms:title {_turtle_string(info.title)}@{info.language} ;",
        f'        tg:sourceUrl "{info.url}"^^xsd:anyURI ;',
        f'        dcterms:issued "{info.published.isoformat()}"^^xsd:date ;',
        f'        tg:dateRetrieved "{retrieved.isoformat()}"^^xsd:date ;',
        f'        dcterms:language "{info.language}" ;',
    ]
    if info.licence:
        lines.append(f"        dcterms:rights {_turtle_string(info.licence)}@en ;")
    lines.append(f"        tg:publishedBy {publisher} ." if publisher else
                 f"        tg:publishedBy tgd:org-FIXME .  # {info.publisher}: find its id with 'tipgraph find'")
    lines += [
        "",
        f"    tgd:graph-{sid} a prov:Bundle , prov:Entity ;",
        f"        skos:prefLabel {_turtle_string('facts from ' + info.title)}@{info.language} ;",
        f"        prov:wasDerivedFrom tgd:{sid} .",
        "}",
        "",
        f"tgd:graph-{sid} {{",
        "    # Templates for each kind of fact: data/README.md. Two examples:",
        f"    # tgd:{new_id('evt')} a tg:Training , tg:Workshop ; skos:prefLabel \"...\"@en ;",
        '    #     tg:startDate "2025-03-09"^^xsd:date ; tg:endDate "2025-03-10"^^xsd:date ;',
        "    #     tg:heldIn tgd:plc-... ; tg:organisedBy tgd:org-... ; tg:eventFundedBy tgd:org-... ;",
        '    #     tg:participantCount "30"^^xsd:nonNegativeInteger ;',
        '    #     tg:femaleParticipantCount "12"^^xsd:nonNegativeInteger .',
        "    # Who does what where (never assert tg:implements or tg:funds: they are derived):",
        f"    # tgd:{new_id('eng')} a tg:Engagement ; tg:engagedOrganisation tgd:org-... ;",
        "    #     tg:engagedProgramme tgd:prg-... ; tg:engagementRole tg:FundingRole ;",
        f"    #     tg:engagementCountry tgd:plc-... ; prov:wasDerivedFrom tgd:{sid} .",
        "}",
        "",
    ]
    return "\n".join(lines)


def write_source(folder: str | Path, info: SourceInfo, *, publisher_iri: URIRef | None = None) -> Path:
    """Write a scaffolded source file into ``folder`` (never over an existing file)."""
    from .files import atomic_write

    sid = new_id("src")
    path = Path(folder) / f"{sid}.trig"
    if path.exists():
        raise BadInputError("a file of that name exists already; run again for a fresh id", path=str(path))
    atomic_write(path, scaffold_source(info, publisher_iri=publisher_iri, source_id=sid))
    return path


@dataclass(frozen=True)
class Match:
    """One entity whose label resembles what was asked for."""

    iri: URIRef
    label: str
    kind: str
    matched: str
    score: float

    @property
    def id(self) -> str:
        """The prefixed name (``tgd:org-0001``)."""
        return shorten(self.iri)


_LABELS = """
SELECT ?entity ?label ?text ?kind WHERE {
  ?entity skos:prefLabel ?label ; skos:prefLabel|skos:altLabel|tg:iso3166Alpha2|tg:iso3166Alpha3 ?text .
  OPTIONAL { ?entity a ?type . ?type rdfs:label ?kind . FILTER (STRSTARTS(STR(?type), STR(tg:)))
             FILTER NOT EXISTS { ?entity a ?sub . ?sub rdfs:subClassOf+ ?type . FILTER (?sub != ?type) } }
  FILTER (STRSTARTS(STR(?entity), STR(tgd:)))
}
"""


def find_entities(store: Store, text: str, *, limit: int = 10, cutoff: float = 0.6) -> list[Match]:
    """Entities whose label, alternative label or code resembles ``text``, best first, with their kind.

    >>> from tipgraph import load
    >>> [m.id for m in find_entities(load().store, "Shahida Gillani")][:1]
    ['tgd:per-0001']
    """
    wanted = " ".join(text.casefold().split())
    if not wanted:
        raise BadInputError("give some text to look for")
    best: dict[URIRef, Match] = {}
    for entity, label, matched, kind in execute_bound(store, _LABELS, {}, None).rows:
        if not isinstance(entity, URIRef):
            continue
        candidate = " ".join(str(matched).casefold().split())
        score = 1.0 if candidate == wanted else difflib.SequenceMatcher(None, wanted, candidate).ratio()
        if wanted in candidate and score < 1.0:
            score = max(score, 0.8)
        if score < cutoff:
            continue
        m = Match(entity, str(label), str(kind) if kind is not None else "entity", str(matched), round(score, 3))
        if entity not in best or m.score > best[entity].score:
            best[entity] = m
    return sorted(best.values(), key=lambda m: (-m.score, m.label))[:limit]


__all__ = ["ALPHABET", "ID_LENGTH", "ID_PATTERN", "KINDS", "TGD", "Match", "SourceInfo", "find_entities",
           "new_id", "scaffold_source", "write_source"]
