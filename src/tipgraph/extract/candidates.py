"""What an extraction produces: mentions of entities and values, and candidate facts between them.

A candidate is stated at the level of a *relation* (``funds``, ``heldIn``, ``participantCount`` …),
the way an analyst reads a release; :mod:`tipgraph.extract.workflow` turns accepted candidates
into the ontology's pattern (an engagement for ``funds``, a post for ``holdsPostIn`` …).

>>> m = Mention("EU", 0, 2, "organisation", "European Union")
>>> v = Value("9 March 2025", 20, 32, "2025-03-09", "date", "day")
>>> c = Candidate("startDate", Mention("training", 10, 18, "event", "@e1"), v, (0, 40), "date.on", 0.9)
>>> c.object.value
'2025-03-09'
>>> RELATIONS["funds"].subject
'organisation'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from rdflib import URIRef

#: Kinds a mention can have.
KINDS = ("organisation", "programme", "country", "region", "city", "person", "event", "document",
         "facility", "theme")


@dataclass(frozen=True)
class Relation:
    """A relation the extractor can state: the kinds it joins and what it means."""

    name: str
    subject: str
    object: str  # a mention kind, or "date", "count", "text"
    meaning: str


_R = Relation
#: Every relation a candidate may carry (the scorer and the gold files use these names).
RELATIONS: dict[str, Relation] = {r.name: r for r in (
    _R("funds", "organisation", "programme", "the organisation funds or supports the programme"),
    _R("implements", "organisation", "programme", "the organisation implements, delivers or facilitates it"),
    _R("partnerIn", "organisation", "programme", "the organisation is a named partner of the programme"),
    _R("withinFrameworkOf", "programme", "programme", "the programme (or event's project) sits within the other"),
    _R("partOf", "programme", "programme", "the programme is a component of the other"),
    _R("operatesIn", "programme", "country", "the programme works in the country (an exhaustive list)"),
    _R("mentionsCountry", "programme", "country", "a country named in a non-exhaustive list ('including ...')"),
    _R("heldIn", "event", "city", "the event took place in the city or country"),
    _R("startDate", "event", "date", "the event's (or programme's) first day, month or year"),
    _R("endDate", "event", "date", "the event's (or programme's) last day, month or year"),
    _R("organisedBy", "event", "organisation", "organised, hosted or conducted by"),
    _R("coOrganisedBy", "event", "organisation", "jointly organised with others"),
    _R("eventFundedBy", "event", "organisation", "the event was funded or supported by"),
    _R("inCollaborationWith", "event", "organisation", "in collaboration with"),
    _R("underProgramme", "event", "programme", "the event was held under (within, as part of) the programme"),
    _R("attendedBy", "event", "organisation", "an organisation whose people took part or were trained"),
    _R("participantCount", "event", "count", "how many took part"),
    _R("femaleParticipantCount", "event", "count", "how many women took part"),
    _R("holdsPostIn", "person", "organisation", "the person holds a post in the organisation (post in `detail`)"),
    _R("gaveRemarksAt", "person", "event", "the person spoke at the event"),
    _R("discusses", "event", "document", "the event discussed, launched, reviewed or adopted the document"),
)}


@dataclass(frozen=True)
class Mention:
    """A span of the release's main text naming something.

    ``label`` is the graph's label when ``entity`` is resolved, otherwise the proposed label of
    a new entity (events are labelled ``@e1``, ``@e2`` … in the order the release describes them).
    """

    text: str
    start: int
    end: int
    kind: str
    label: str
    entity: URIRef | None = None
    proposed_class: URIRef | None = None
    score: float = 1.0
    alternatives: tuple[URIRef, ...] = ()  # ambiguous matches: shown for review, never guessed


@dataclass(frozen=True)
class Value:
    """A literal read from the text: a date with its precision, a count, or a piece of text."""

    text: str
    start: int
    end: int
    value: str | int
    kind: str  # "date", "count" or "text"
    precision: str = ""  # for dates: "day", "month" or "year"


@dataclass(frozen=True)
class Candidate:
    """One proposed fact with its evidence: ``(subject, relation, object)`` and where it was read."""

    relation: str
    subject: Mention
    object: Mention | Value
    evidence: tuple[int, int]  # character offsets of the evidence span in the main text
    rule: str  # the rule that produced it, e.g. "funding.eu-funded"
    confidence: float
    detail: str = ""  # e.g. the post title for holdsPostIn
    negated: bool = False
    extra: tuple[tuple[str, str], ...] = field(default=())

    @property
    def key(self) -> str:
        """What the fact says, independent of where it was read (for de-duplication)."""
        obj = self.object.label if isinstance(self.object, Mention) else str(self.object.value)
        return "\x1f".join((self.relation, self.subject.label, obj, self.detail))

    def candidate_id(self, source: str) -> str:
        """A stable id: the same fact from the same source and span always gets the same id.

        >>> m = Mention("EU", 0, 2, "organisation", "European Union")
        >>> p = Mention("PROTECT", 10, 17, "programme", "PROTECT")
        >>> a = Candidate("funds", m, p, (0, 17), "funding.x", 0.9)
        >>> a.candidate_id("src-1") == a.candidate_id("src-1") != a.candidate_id("src-2")
        True
        """
        digest = hashlib.sha256("\x1e".join((source, self.key, f"{self.evidence[0]}:{self.evidence[1]}"))
                                .encode()).hexdigest()
        return "c" + digest[:11]


@dataclass
class Release:
    """A release read from a file: its main text and what the page says about itself."""

    path: str
    text: str
    title: str = ""
    url: str = ""
    published: str = ""  # ISO date, from --published, the page's metadata or the dateline
    publisher: str = ""
    language: str = "en"


@dataclass
class Extraction:
    """Everything read from one release."""

    release: Release
    mentions: list[Mention]
    candidates: list[Candidate]
    warnings: list[str] = field(default_factory=list)
    version: str = ""  # the extractor's version
