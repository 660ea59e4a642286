"""From releases to reviewed facts: candidate graphs in the store, review, ingest and retraction.

Each release is a *source* whose id is derived from its text (the same release read twice is
the same source). Its candidates live in the named graph ``tgd:graph-<source>-candidates``,
never in a curated graph: one ``rdf:Statement`` per candidate (``rdf:subject``,
``rdf:predicate``, ``rdf:object``) with its evidence offsets and text, rule, extractor version,
confidence and review status (terms in the "candidate facts" section of the ontology). The
same graph holds the source's catalogue entry and its main text, so evidence stays in the
user's store. An entity nothing in the graph matched is described there only as a
``prov:Entity`` with its proposed class and label; its id is derived from its kind and its
normalised name, so two releases naming the same new body propose the same IRI.

``ingest`` turns the accepted candidates of a source into the ontology's patterns in the
source's own graph ``tgd:graph-<source>`` (an engagement in the funding or implementing role,
a post for ``holdsPostIn`` ...), through :meth:`~tipgraph.kg.KnowledgeGraph.change_graphs`:
validated with everything else, all or nothing, inferences refreshed. ``retract`` drops both
graphs and reasons again, so the store is exactly what it was before the release was read.

>>> source_id(Release("a.txt", "Some text."))  == source_id(Release("b.txt", "Some  text. "))
True
"""

from __future__ import annotations

import calendar
import hashlib
import html
import re
import string
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD
from rdflib.term import Node

from ..countries import country as _country
from ..countries import normalise
from ..errors import BadInputError, InternalError, NotConformingError, UnknownNameError
from ..namespace import TG, TGD, shorten
from ..store import Quad, Store
from .candidates import RELATIONS, Candidate, Extraction, Mention, Release, Value

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph
    from ..validate.vocabulary import Kinds, Vocabulary

__all__ = [
    "LOW_CONFIDENCE", "STATUSES", "CandidateRow", "ExtractReport", "IngestReport", "RetractReport",
    "add_extractions", "candidates", "candidates_graph", "decide", "entity_iri", "extract_to_store",
    "facts_graph", "ingest", "release_files", "retract", "review_page", "source_id", "sources",
]

#: Below this confidence a candidate is flagged "low confidence": only accepted by its id, never by threshold.
LOW_CONFIDENCE = 0.6
#: The review states of a candidate ("refused": accepted, but left out by ingest, with the reason recorded).
STATUSES = ("pending", "accepted", "rejected", "refused")
#: File suffixes a folder is searched for in batch mode.
RELEASE_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm")

_PREFIX = {"organisation": "org", "programme": "prg", "country": "plc", "region": "plc", "city": "plc",
           "person": "per", "event": "evt", "document": "doc", "facility": "fac", "theme": "thm"}
_CLASS = {"organisation": TG.Organisation, "programme": TG.Programme, "country": TG.Country,
          "region": TG.Region, "city": TG.City, "person": TG.Person, "event": TG.Event,
          "document": TG.Document, "facility": TG.Facility, "theme": TG.Theme}
_DATATYPE = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}
#: A date read as a month or a year: the datatype of its candidate -> its precision.
_PRECISION_OF = {XSD.gYearMonth: "month", XSD.gYear: "year"}
_PRECISION_PROPERTY = {"startDate": TG.startDatePrecision, "endDate": TG.endDatePrecision}
_MONTH_OR_YEAR = re.compile(r"(\d{4})(?:-(\d{2}))?")
_ROLES = {"funds": (TG.FundingRole, "funding"), "implements": (TG.ImplementingRole, "implementing")}
#: Relations that are a plain property of the event (or programme) in the ontology.
_DIRECT = ("withinFrameworkOf", "partOf", "heldIn", "organisedBy", "coOrganisedBy", "eventFundedBy",
           "inCollaborationWith", "underProgramme", "attendedBy", "participantCount",
           "femaleParticipantCount", "gaveRemarksAt", "discusses", "startDate", "endDate", "partnerIn")
_GRAPH_PREFIX = "graph-src-"
_CANDIDATES_SUFFIX = "-candidates"
_DECISIONS_SUFFIX = "-decisions"


# --- names ---------------------------------------------------------------------------
def _digest(*parts: str, n: int = 12) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:n]


def source_id(release: Release) -> str:
    """The id of a release as a source, from its text (whitespace does not count)."""
    return "src-" + _digest(" ".join(release.text.split()))


def candidates_graph(source: str) -> URIRef:
    """The named graph holding a source's candidates and catalogue entry.

    >>> shorten(candidates_graph("src-0123456789ab"))
    'tgd:graph-src-0123456789ab-candidates'
    """
    return TGD[f"graph-{source}{_CANDIDATES_SUFFIX}"]


def decisions_graph(source: str) -> URIRef:
    """The named graph holding the review decisions on a source's candidates (``tg:reviewStatus``)."""
    return TGD[f"graph-{source}{_DECISIONS_SUFFIX}"]


def facts_graph(source: str) -> URIRef:
    """The named graph holding the facts ingested from a source."""
    return TGD[f"graph-{source}"]


def entity_iri(kind: str, label: str) -> URIRef:
    """The IRI proposed for a new entity: from its kind and normalised name.

    >>> entity_iri("organisation", "Ministry of  Labour") == entity_iri("organisation", "ministry of labour")
    True
    >>> str(entity_iri("city", "Osh")).rsplit("/", 1)[1][:4]
    'plc-'
    """
    return TGD[f"{_PREFIX.get(kind, 'ent')}-x{_digest(kind, normalise(label), n=10)}"]


def _event_iri(source: str, label: str) -> URIRef:
    return TGD[f"evt-{source[4:]}-{label.lstrip('@')}"]


# --- reading releases into the store -----------------------------------------------------
@dataclass
class ExtractReport:
    """What extracting one release did."""

    path: str
    source: str
    candidates: int
    new: int
    flagged: int
    language: str = "en"
    title: str = ""
    warnings: list[str] = field(default_factory=list)
    #: what the catalogue entry still lacks before the source's facts can be ingested
    missing: list[str] = field(default_factory=list)

    def text(self) -> str:
        """One line (and warnings), readable."""
        line = (f"{self.path}: {self.source}: {self.candidates} candidates ({self.new} new, "
                f"{self.flagged} flagged for review)")
        extra = [f"  warning: {w}" for w in self.warnings]
        if self.missing:
            extra.append(f"  note: no {' and no '.join(self.missing)}: give them with --url/--published "
                         "before ingesting")
        return "\n".join([line, *extra])


def release_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files to read: each file as given, each folder's release files (sorted, recursively).

    >>> release_files([]) == []
    True
    """
    out: list[Path] = []
    for p in (Path(x) for x in paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in RELEASE_SUFFIXES)
            if not found:
                raise BadInputError(f"no release files ({', '.join(RELEASE_SUFFIXES)}) in this folder", path=str(p))
            out += found
        elif p.exists():
            out.append(p)
        else:
            raise BadInputError("no such file", path=str(p))
    return out


Progress = Callable[[int, int, str], None]


def extract_to_store(kg: KnowledgeGraph, paths: Iterable[str | Path], *, url: str | None = None,
                     published: str | None = None, publisher: str | None = None,
                     progress: Progress | None = None) -> list[ExtractReport]:
    """Read releases (files, or folders of them), extract candidates, write them to the store.

    All or nothing: a file that cannot be read (binary, too large, not UTF-8, not English)
    stops the batch before anything is written, naming the file. The candidates of all the
    files are written in one checked change and the graph is reasoned once, at the end.
    ``progress(done, total, path)`` is called after each file. ``url`` belongs to one
    release, so it is refused for several.
    """
    from .text import read_release

    files = release_files(paths)
    if url is not None and len(files) > 1:
        raise BadInputError(f"--url names one release, but {len(files)} files were given: extract them one at a time")
    releases = []
    for f in files:  # every file is checked before anything is extracted or written
        release = read_release(f, url=url, published=published, publisher=publisher)
        if release.language != "en":
            raise BadInputError(f"the release is written in {release.language!r}, not English; tipgraph's extractor "
                                "reads English releases only, so nothing was read from it", path=str(f))
        releases.append(release)
    from .index import EntityIndex
    from .pipeline import extract

    index = EntityIndex.from_store(kg.store)
    extractions = []
    for i, release in enumerate(releases, 1):
        extractions.append(extract(release, index))
        if progress is not None:
            progress(i, len(releases), release.path)
    return add_extractions(kg, extractions)


def add_extractions(kg: KnowledgeGraph, extractions: Sequence[Extraction]) -> list[ExtractReport]:
    """Write extractions to their candidate graphs (one checked change, reasoned once).

    A source read again keeps the review decisions of the candidates it still proposes;
    reading the same release twice changes nothing.
    """
    by_source: dict[str, list[Extraction]] = defaultdict(list)
    for ex in extractions:
        by_source[source_id(ex.release)].append(ex)
    known = _candidate_ids(kg.store, by_source)
    quads: list[Quad] = []
    reports = []
    for src, exs in by_source.items():
        ex = exs[-1]  # the same text read twice in one batch: the last file's catalogue entry wins
        q, rep = _extraction_quads(kg, ex, src, known)
        quads += q
        reports += [rep] * len(exs)
    # Review material, not data: the shapes hold for it by construction and the checks of the data skip it.
    kg.change_graphs(quads, drop=[str(candidates_graph(s)) for s in by_source], validate=False)
    return reports


def _candidate_ids(store: Store, srcs: Iterable[str]) -> set[str]:
    """The ids of the candidates the store holds for these sources."""
    from ..store.terms import iri_ref

    values = " ".join(iri_ref(str(TGD[s])) for s in srcs)
    if not values:
        return set()
    rows = store.execute(f"SELECT ?c WHERE {{ VALUES ?src {{ {values} }} ?c tg:candidateOf ?src }}", {}, None).rows
    return {str(r[0]).rsplit("/", 1)[-1] for r in rows if r[0] is not None}


def _extraction_quads(kg: KnowledgeGraph, ex: Extraction, src: str,
                      known: set[str]) -> tuple[list[Quad], ExtractReport]:
    rel = ex.release
    g = candidates_graph(src)
    s = TGD[src]
    out: list[Quad] = []

    def add(subj: Node, pred: Node, obj: Node) -> None:
        out.append((subj, pred, obj, g))

    # The catalogue entry: a source document only once it has an address and a full date.
    add(s, RDF.type, PROV.Entity)
    title = " ".join(rel.title.split())
    add(s, SKOS.prefLabel, Literal(f"release: {title or Path(rel.path).name}", lang="en"))
    if title:
        add(s, DCTERMS.title, Literal(title, lang="en"))
    add(s, TG.readFrom, Literal(Path(rel.path).name))
    add(s, TG.releaseText, Literal(rel.text))
    add(s, DCTERMS.language, Literal(rel.language))
    missing = []
    if re.match(r"https?://\S+$", rel.url or ""):
        add(s, TG.sourceUrl, Literal(rel.url, datatype=XSD.anyURI))
    else:
        missing.append("web address")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", rel.published or ""):
        add(s, DCTERMS.issued, Literal(rel.published, datatype=XSD.date))
    else:
        missing.append("publication date (YYYY-MM-DD)")
    if not missing:
        add(s, RDF.type, TG.PressRelease)
    if rel.publisher:
        add(s, DCTERMS.publisher, Literal(rel.publisher))
        org = _find_organisation(kg, rel.publisher)
        if org is not None and not missing:
            add(s, TG.publishedBy, org)

    first_text: dict[str, Mention] = {}
    for m in sorted([*ex.mentions, *(c.subject for c in ex.candidates),
                     *(c.object for c in ex.candidates if isinstance(c.object, Mention))],
                    key=lambda m: (m.start, m.end)):
        first_text.setdefault(m.label if m.kind == "event" else f"{m.kind}\x1f{m.label}", m)

    def node(m: Mention) -> URIRef | None:
        if m.entity is not None:
            return m.entity
        if m.alternatives:
            return None  # ambiguous: shown with its alternatives, never guessed
        if m.kind == "event":
            iri = _event_iri(src, m.label)
            first = first_text.get(m.label, m)
            label = _event_label(first.text)
        else:
            iri = entity_iri(m.kind, m.label)
            label = m.label
        add(iri, RDF.type, PROV.Entity)
        add(iri, TG.proposedClass, m.proposed_class or _CLASS.get(m.kind, TG.Organisation))
        add(iri, TG.proposedLabel, Literal(label))
        return iri

    ids = set()
    flagged = 0
    for cand in ex.candidates:
        if cand.relation not in RELATIONS:
            raise BadInputError(f"the extractor proposed an unknown relation {cand.relation!r}", path=rel.path)
        cid = cand.candidate_id(src)
        if cid in ids:
            continue
        ids.add(cid)
        c = TGD[cid]
        add(c, RDF.type, RDF.Statement)
        subj = node(cand.subject)
        if subj is not None:
            add(c, RDF.subject, subj)
        if cand.relation in TG:  # the closed namespace: only relations the ontology names
            add(c, RDF.predicate, TG[cand.relation])
        if isinstance(cand.object, Mention):
            obj = node(cand.object)
            if obj is not None:
                add(c, RDF.object, obj)
            for alt in cand.object.alternatives:
                add(c, TG.objectAlternative, alt)
        else:
            add(c, RDF.object, _literal(cand.object))
        for alt in cand.subject.alternatives:
            add(c, TG.subjectAlternative, alt)
        start, end = cand.evidence
        add(c, TG.candidateOf, s)
        add(c, TG.candidateRelation, Literal(cand.relation))
        add(c, TG.evidenceStart, Literal(start, datatype=XSD.nonNegativeInteger))
        add(c, TG.evidenceEnd, Literal(end, datatype=XSD.nonNegativeInteger))
        add(c, TG.evidenceText, Literal(rel.text[start:end]))
        add(c, TG.subjectText, Literal(cand.subject.text))
        add(c, TG.objectText, Literal(cand.object.text))
        add(c, TG.extractionRule, Literal(cand.rule))
        add(c, TG.extractorVersion, Literal(ex.version))
        add(c, TG.confidence, Literal(_decimal(cand.confidence), datatype=XSD.decimal))
        if cand.detail:
            add(c, TG.candidateDetail, Literal(cand.detail))
        if cand.negated:
            add(c, TG.negated, Literal(True))
        if _flags_of(cand):
            flagged += 1
    report = ExtractReport(rel.path, src, len(ids), len(ids - known), flagged, rel.language, title,
                           list(ex.warnings), missing)
    return out, report


def _decimal(x: float) -> Decimal:
    if not 0 <= x <= 1:
        raise BadInputError(f"the extractor gave a confidence of {x}, outside 0..1")
    return Decimal(f"{x:.3f}").normalize() if x else Decimal(0)


def _literal(v: Value) -> Literal:
    if v.kind == "count":
        return Literal(int(v.value), datatype=XSD.nonNegativeInteger)
    if v.kind == "date":
        return Literal(str(v.value), datatype=_DATATYPE.get(v.precision, XSD.date))
    return Literal(str(v.value))


def _event_label(text: str) -> str:
    text = " ".join(text.split())
    text = re.sub(r"^(a|an|the)\s+", "", text, flags=re.IGNORECASE)
    return text[:1].upper() + text[1:] if text else "Event"


def _find_organisation(kg: KnowledgeGraph, name: str) -> URIRef | None:
    from ..errors import TipgraphError

    try:
        iri = kg.resolve(name)
    except TipgraphError:
        return None
    return iri


def _flags_of(cand: Candidate) -> list[str]:
    flags = []
    ends = [cand.subject] + ([cand.object] if isinstance(cand.object, Mention) else [])
    if any(m.alternatives for m in ends):
        flags.append("ambiguous")
    if any(m.entity is None and not m.alternatives and m.kind != "event" for m in ends):
        flags.append("new entity")
    if cand.confidence < LOW_CONFIDENCE:
        flags.append("low confidence")
    if cand.negated:
        flags.append("negated")
    return flags


# --- reading candidates back ---------------------------------------------------------------
@dataclass
class CandidateRow:
    """One candidate as stored, with the labels to show."""

    id: str
    source: str
    status: str
    relation: str
    subject: URIRef | None
    subject_label: str
    subject_text: str
    object: Node | None
    object_label: str
    object_text: str
    confidence: float
    evidence: tuple[int, int]
    evidence_text: str
    rule: str
    version: str
    detail: str = ""
    negated: bool = False
    new: tuple[URIRef, ...] = ()
    subject_alternatives: tuple[URIRef, ...] = ()
    object_alternatives: tuple[URIRef, ...] = ()
    #: the entities a reviewer chose for an end (``review --accept ID=ENTITY``); ``subject``/``object`` are them
    chosen_subject: URIRef | None = None
    chosen_object: URIRef | None = None
    #: why ingest left the candidate out (its status is then "refused")
    refusal: str = ""

    @property
    def precision(self) -> str:
        """For a date: ``"day"``, ``"month"`` or ``"year"``, how much of it the release states; else ``""``."""
        if isinstance(self.object, Literal):
            if self.object.datatype in _PRECISION_OF:
                return _PRECISION_OF[self.object.datatype]
            if self.object.datatype == XSD.date:
                return "day"
        return ""

    @property
    def flags(self) -> list[str]:
        """Why a reviewer should look closely: ambiguous, new entity, low confidence, negated."""
        out = []
        if (self.subject_alternatives and self.chosen_subject is None) or \
                (self.object_alternatives and self.chosen_object is None):
            out.append("ambiguous")
        if any(not str(n).rsplit("/", 1)[-1].startswith("evt-") for n in self.new):
            out.append("new entity")
        if self.confidence < LOW_CONFIDENCE:
            out.append("low confidence")
        if self.negated:
            out.append("negated")
        return out


def _as_store(store: Store | KnowledgeGraph) -> Store:
    """The store itself, also when given the knowledge graph around it."""
    inner = getattr(store, "store", None)
    return inner if isinstance(inner, Store) else store  # type: ignore[return-value]


def sources(store: Store | KnowledgeGraph) -> list[str]:
    """The ids of the extracted sources the store holds candidates of, sorted."""
    store = _as_store(store)
    prefix = str(TGD[_GRAPH_PREFIX])
    return sorted("src-" + g[len(prefix):-len(_CANDIDATES_SUFFIX)] for g in store.graphs()
                  if g.startswith(prefix) and g.endswith(_CANDIDATES_SUFFIX))


def review_graphs(store: Store | KnowledgeGraph) -> list[str]:
    """The graphs of review material (candidates and decisions): not data, left out of the data's checks."""
    store = _as_store(store)
    prefix = str(TGD[_GRAPH_PREFIX])
    return [g for g in store.graphs() if g.startswith(prefix) and g.endswith((_CANDIDATES_SUFFIX, _DECISIONS_SUFFIX))]


def _source_name(store: Store, source: str) -> str:
    """A source id from an id, a prefixed name, an IRI or the file it was read from."""
    text = source.strip()
    known = sources(store)
    for form in (text, text.rsplit("/", 1)[-1], text.split(":", 1)[-1]):
        if form in known:
            return form
    rows = store.execute("SELECT ?s ?f WHERE { ?s tg:readFrom ?f }", {}, None).rows
    for s, f in rows:  # the file name it was read from
        if str(f) == Path(text).name and str(s).rsplit("/", 1)[-1] in known:
            return str(s).rsplit("/", 1)[-1]
    raise UnknownNameError("extracted source", source, known[:20],
                           "'tipgraph review' lists them" if len(known) > 20 or not known else "")


def _values(var: str, srcs: Iterable[str] | None) -> str:
    from ..store.terms import iri_ref

    if srcs is None:
        return ""
    return f"VALUES ?{var} {{ {' '.join(iri_ref(str(TGD[s])) for s in srcs)} }}"


_CANDIDATES_QUERY = """
SELECT ?c ?src ?rel ?s ?o ?conf ?start ?end ?ev ?rule ?ver ?st ?ot ?detail ?neg ?status WHERE {
  $values
  ?c tg:candidateOf ?src ; tg:candidateRelation ?rel ; tg:confidence ?conf ;
     tg:evidenceStart ?start ; tg:evidenceEnd ?end .
  OPTIONAL { ?c rdf:subject ?s } OPTIONAL { ?c rdf:object ?o }
  OPTIONAL { ?c tg:candidateDetail ?detail } OPTIONAL { ?c tg:negated ?neg }
  $text
  OPTIONAL { ?c tg:reviewStatus ?status }
}"""
_TEXT_COLUMNS = """OPTIONAL { ?c tg:evidenceText ?ev }
  OPTIONAL { ?c tg:extractionRule ?rule } OPTIONAL { ?c tg:extractorVersion ?ver }
  OPTIONAL { ?c tg:subjectText ?st } OPTIONAL { ?c tg:objectText ?ot }"""
_ALTERNATIVES_QUERY = """
SELECT ?c ?p ?a WHERE {
  $values ?c tg:candidateOf ?src . VALUES ?p { tg:subjectAlternative tg:objectAlternative } ?c ?p ?a
}
"""
# The reviewer's part of a decision beyond its status: chosen ends and, for a refused candidate, the reason.
_DECISION_DETAIL_QUERY = """
SELECT ?c ?p ?o WHERE {
  $values ?c tg:candidateOf ?src . VALUES ?p { tg:chosenSubject tg:chosenObject tg:refusalReason } ?c ?p ?o
}
"""
# Within one graph at a time: a body proposed by many releases would otherwise join across all of them.
_PROPOSALS_QUERY = ("SELECT DISTINCT ?e ?cls ?l WHERE { GRAPH ?g { ?e tg:proposedLabel ?l . "
                    "OPTIONAL { ?e tg:proposedClass ?cls } } }")


def _proposals(store: Store) -> dict[Node, tuple[URIRef, str]]:
    """Every proposed entity: its proposed class and label."""
    out: dict[Node, tuple[URIRef, str]] = {}
    for e, cls, lab in store.execute(_PROPOSALS_QUERY, {}, None).rows:
        if e is not None and lab is not None:
            out[e] = (cls if isinstance(cls, URIRef) else TG.Organisation, str(lab))
    return out


def candidates(store: Store | KnowledgeGraph, *, source: str | None = None,
               status: str | None = None) -> list[CandidateRow]:
    """The candidates in the store (of one source, of one status), sorted by source and position."""
    return _candidates(_as_store(store), source=source, status=status, text=True)


def _candidates(store: Store, *, source: str | None, status: str | None, text: bool) -> list[CandidateRow]:
    """:func:`candidates`; without ``text`` the evidence, rule and version are left empty (decisions need none)."""
    if status is not None and status not in STATUSES:
        raise UnknownNameError("review status", status, list(STATUSES))
    srcs = [_source_name(store, source)] if source is not None else None
    values = _values("src", srcs)
    query = _CANDIDATES_QUERY.replace("$values", values).replace("$text", _TEXT_COLUMNS if text else "")
    found = store.execute(query, {}, None).rows
    alternatives: dict[Node, dict[Node, list[URIRef]]] = defaultdict(lambda: defaultdict(list))
    for c, p, a in store.execute(_ALTERNATIVES_QUERY.replace("$values", values), {}, None).rows:
        if isinstance(a, URIRef) and p is not None and c is not None:
            alternatives[c][p].append(a)
    details: dict[Node, dict[Node, Node]] = defaultdict(dict)
    for c, p, o in store.execute(_DECISION_DETAIL_QUERY.replace("$values", values), {}, None).rows:
        if c is not None and p is not None and o is not None:
            details[c][p] = o
    proposals = _proposals(store)
    labels = _labels(store, {x for row in found for x in (row[3], row[4]) if isinstance(x, URIRef)}
                     | {a for alts in alternatives.values() for xs in alts.values() for a in xs}
                     | {o for d in details.values() for o in d.values() if isinstance(o, URIRef)})
    rows: list[CandidateRow] = []
    for c, src, rel, subj, obj, conf, start, end, ev, rule, ver, st, ot, detail, neg, decided in found:
        state = str(decided) if decided is not None else "pending"
        if status is not None and state != status:
            continue

        def label(x: Node | None) -> str:
            if x is None:
                return ""
            if isinstance(x, Literal):
                return str(x)
            return labels.get(x) or (proposals[x][1] if x in proposals else shorten(x))

        mine = details.get(c, {}) if c is not None else {}
        chosen_s, chosen_o = mine.get(TG.chosenSubject), mine.get(TG.chosenObject)
        subj = chosen_s if isinstance(chosen_s, URIRef) else subj
        obj = chosen_o if isinstance(chosen_o, URIRef) else obj
        new = tuple(sorted(x for x in (subj, obj) if isinstance(x, URIRef) and x in proposals and x not in labels))
        alts = alternatives.get(c, {}) if c is not None else {}
        rows.append(CandidateRow(
            id=str(c).rsplit("/", 1)[-1], source=str(src).rsplit("/", 1)[-1], status=state, relation=str(rel),
            subject=subj if isinstance(subj, URIRef) else None, subject_label=label(subj),
            subject_text=str(st or ""), object=obj, object_label=label(obj), object_text=str(ot or ""),
            confidence=float(str(conf)), evidence=(int(str(start)), int(str(end))), evidence_text=str(ev or ""),
            rule=str(rule or ""), version=str(ver or ""), detail=str(detail or ""),
            negated=str(neg).lower() == "true", new=new,
            subject_alternatives=tuple(sorted(alts.get(TG.subjectAlternative, []))),
            object_alternatives=tuple(sorted(alts.get(TG.objectAlternative, []))),
            chosen_subject=chosen_s if isinstance(chosen_s, URIRef) else None,
            chosen_object=chosen_o if isinstance(chosen_o, URIRef) else None,
            refusal=str(mine.get(TG.refusalReason) or "") if state == "refused" else ""))
    rows.sort(key=lambda r: (r.source, r.evidence, r.relation, r.id))
    return rows


def _labels(store: Store, iris: Iterable[Node]) -> dict[Node, str]:
    """The skos:prefLabel of each IRI that has one."""
    from ..store.terms import iri_ref

    wanted = sorted({str(i) for i in iris})
    if not wanted:
        return {}
    values = " ".join(iri_ref(i) for i in wanted)
    res = store.execute(f"SELECT ?e (MIN(STR(?l)) AS ?label) WHERE {{ VALUES ?e {{ {values} }} "
                        "?e skos:prefLabel ?l } GROUP BY ?e", {}, None)
    return {row[0]: str(row[1]) for row in res.rows if row[0] is not None and row[1] is not None}


# --- kinds: does an end fit the relation? ------------------------------------------------------
def _vocabulary() -> Vocabulary:
    from ..validate.vocabulary import Vocabulary

    return Vocabulary.from_ontology()


def _end_kinds(vocab: Vocabulary, relation: str) -> tuple[list[Kinds], list[Kinds]]:
    """What the subject and the object of a relation must be, by the ontology's domains and ranges.

    A relation ingested as a pattern is checked against the properties the pattern uses (the
    organisation and programme of an engagement, the person and organisation of a post).
    """
    if relation in _ROLES:
        return vocab.ranges.get(TG.engagedOrganisation, []), vocab.ranges.get(TG.engagedProgramme, [])
    if relation == "holdsPostIn":
        return vocab.domains.get(TG.holdsPost, []), vocab.ranges.get(TG.postIn, [])
    if relation in ("operatesIn", "mentionsCountry"):
        prop = TG.engagementCountry if relation == "operatesIn" else TG.mentionsCountry
        return vocab.ranges.get(TG.engagedProgramme, []), vocab.ranges.get(prop, [])
    if relation in TG:  # the closed namespace: only relations the ontology names
        prop = TG[relation]
        return vocab.domains.get(prop, []), vocab.ranges.get(prop, [])
    return [], []


def _types(store: Store, iris: Iterable[Node], proposals: Mapping[Node, tuple[URIRef, str]]) -> dict[Node, set[URIRef]]:
    """The classes of each entity: as the store has it (its inferences too), else as proposed."""
    from ..store.terms import iri_ref

    wanted = sorted({str(i) for i in iris if isinstance(i, URIRef)})
    out: dict[Node, set[URIRef]] = defaultdict(set)
    for i in range(0, len(wanted), 2000):
        values = " ".join(iri_ref(x) for x in wanted[i:i + 2000])
        for e, t in store.execute(f"SELECT ?e ?t WHERE {{ VALUES ?e {{ {values} }} ?e a ?t }}", {}, None).rows:
            if e is not None and isinstance(t, URIRef):
                out[e].add(t)
    for e in list(out) + [URIRef(x) for x in wanted]:
        if e in proposals:
            out[e].add(proposals[e][0])
    return out


def _misfit(vocab: Vocabulary, relation: str, ends: Sequence[tuple[str, Node | None, list[Kinds]]],
            types: Mapping[Node, set[URIRef]], name: Callable[[Node], str]) -> str:
    """Why an end does not fit what the relation asks of it, or ``""`` (an end of unknown kind is not judged)."""
    for end, node, kinds in ends:
        if not kinds or not isinstance(node, URIRef):
            continue
        known = {t for t in types.get(node, ()) if t in vocab.classes}
        if known and not vocab.fits(known, kinds):
            return (f"the {end} of {relation}, {name(node)}, is {vocab.kind_text(known)}, but it must be "
                    f"{vocab.expected_text(kinds)}")
    return ""


# --- review decisions -------------------------------------------------------------------------
def _decision_quads(r: CandidateRow, status: str, chosen: tuple[str, URIRef] | None = None,
                    refusal: str | None = None) -> list[Quad]:
    """The decisions graph's statements about one candidate."""
    g = decisions_graph(r.source)
    c = TGD[r.id]
    out: list[Quad] = []
    if status != "pending":
        out.append((c, TG.reviewStatus, Literal(status), g))
    if status == "refused":
        out.append((c, TG.refusalReason, Literal(refusal if refusal is not None else r.refusal), g))
    subj = chosen[1] if chosen and chosen[0] == "subject" else r.chosen_subject
    obj = chosen[1] if chosen and chosen[0] == "object" else r.chosen_object
    if subj is not None:
        out.append((c, TG.chosenSubject, subj, g))
    if obj is not None:
        out.append((c, TG.chosenObject, obj, g))
    return out


def _chosen_end(kg: KnowledgeGraph, r: CandidateRow, name: str, vocab: Vocabulary) -> tuple[str, URIRef]:
    """Which end of ``r`` a reviewer's ``ID=ENTITY`` resolves, and the entity, checked for its kind."""
    from ..validate.names import short_name

    ends = [e for e, node, alts in (("subject", r.subject, r.subject_alternatives),
                                    ("object", r.object, r.object_alternatives)) if alts or node is None]
    if not ends:  # nothing ambiguous: an end the extractor proposed as a new entity
        ends = [e for e, node in (("subject", r.subject), ("object", r.object))
                if node in r.new and not str(node).rsplit("/", 1)[-1].startswith("evt-")]
    if isinstance(r.object, Literal):
        ends = [e for e in ends if e == "subject"]
    if len(ends) != 1:
        which = "both ends are" if ends else "neither end is"
        raise BadInputError(f"candidate {r.id} ({r.relation}: {r.subject_label!r} -> {r.object_label!r}): {which} "
                            "ambiguous or new, so ID=ENTITY cannot tell which to resolve; accept or reject it by id")
    end = ends[0]
    entity = kg.resolve(name)
    types = _types(kg.store, [entity], {})
    known = {t for t in types.get(entity, ()) if t in vocab.classes}
    label = _labels(kg.store, [entity]).get(entity, "")
    shown = f"{short_name(str(entity))}" + (f" {label!r}" if label else "")
    if not known:
        raise BadInputError(f"{name!r} ({shown}) is not an entity of the graph with a kind (no tg: class): choose "
                            f"one of the candidate's alternatives or another entity for {r.id}")
    kinds = _end_kinds(vocab, r.relation)[0 if end == "subject" else 1]
    if not kinds:  # the ontology says nothing: the kind the extractor read
        wanted = RELATIONS[r.relation].subject if end == "subject" else RELATIONS[r.relation].object
        kinds = [frozenset({_CLASS[wanted]})] if wanted in _CLASS else []
    if kinds and not vocab.fits(known, kinds):
        raise BadInputError(f"candidate {r.id}: {shown} is {vocab.kind_text(known)}, but the {end} of {r.relation} "
                            f"must be {vocab.expected_text(kinds)}: choose an entity of that kind")
    return end, entity


def decide(kg: KnowledgeGraph, *, ids: Iterable[str] = (), threshold: float | None = None, accept: bool = True,
           source: str | None = None, resolve: Mapping[str, str] | None = None) -> int:
    """Accept (or reject) candidates by id, or every pending unflagged one at or above ``threshold``.

    With ``accept=False`` a threshold rejects the pending unflagged candidates below it. A
    threshold never decides a flagged candidate (ambiguous, new entity, low confidence,
    negated): those are decided one by one, by id. An ambiguous candidate is accepted by
    choosing the entity its mention names: ``resolve={id: entity}`` (an IRI, prefixed name or
    label; one of the candidate's alternatives or any entity of a kind that fits the relation,
    an entity of another kind is refused naming both kinds); the choice is recorded with the
    decision and ingest uses it. A negated candidate cannot be accepted. Decisions live in
    their own graph per source, so extracting a release again keeps them. Accepting a refused
    candidate again clears its refusal. Returns how many candidates changed.
    """
    wanted = [i.strip() for i in ids]
    choices = {k.strip(): v for k, v in (resolve or {}).items()}
    if threshold is not None and not 0 <= threshold <= 1:
        raise BadInputError(f"a confidence threshold is between 0 and 1, not {threshold}")
    if choices and not accept:
        raise BadInputError("an entity is chosen only when accepting a candidate (ID=ENTITY goes with --accept)")
    rows = _candidates(kg.store, source=source, status=None, text=False)
    by_id = {r.id: r for r in rows}
    for i in [*wanted, *choices]:
        if i not in by_id:
            raise UnknownNameError("candidate", i, [], "'tipgraph review' lists the candidates and their ids")
    new_status = "accepted" if accept else "rejected"
    chosen: dict[str, str] = {}
    picked: dict[str, tuple[str, URIRef]] = {}
    vocab = _vocabulary() if choices else None
    for i, name in choices.items():
        assert vocab is not None
        picked[i] = _chosen_end(kg, by_id[i], name, vocab)
        chosen[i] = "accepted"
    for i in wanted:
        if i in picked:
            continue
        r = by_id[i]
        if accept and (r.subject is None or r.object is None):
            alts = ", ".join(shorten(a) for a in (*r.subject_alternatives, *r.object_alternatives))
            raise BadInputError(f"candidate {i} is ambiguous ({alts}): accept it with the entity it names, "
                                f"--accept {i}=ENTITY (one of these or another entity of the right kind), or "
                                "add the name as an alias of the right entity (skos:altLabel) and extract again")
        if accept and r.negated:
            raise BadInputError(f"candidate {i} says the fact does not hold (negated): it cannot be accepted")
        chosen[i] = new_status
    if threshold is not None:
        for r in rows:
            if r.status == "pending" and r.id not in chosen and not r.flags and (
                    r.confidence >= threshold if accept else r.confidence < threshold):
                chosen[r.id] = new_status

    def before(r: CandidateRow) -> tuple[str, URIRef | None, URIRef | None]:
        return r.status, r.chosen_subject, r.chosen_object

    def after(r: CandidateRow) -> tuple[str, URIRef | None, URIRef | None]:
        end, entity = picked.get(r.id, ("", None))
        return (chosen.get(r.id, r.status), entity if end == "subject" else r.chosen_subject,
                entity if end == "object" else r.chosen_object)

    changed = {i for i in chosen if before(by_id[i]) != after(by_id[i])}
    if not changed:
        return 0
    graphs = sorted({by_id[i].source for i in changed})
    quads: list[Quad] = []
    for r in rows:
        if r.source in graphs:
            quads += _decision_quads(r, chosen.get(r.id, r.status), picked.get(r.id))
    # A decision is review material only: nothing to re-check or re-derive.
    kg.change_graphs(quads, drop=[str(decisions_graph(s)) for s in graphs], validate=False, reason=False)
    return len(changed)


# --- ingest ---------------------------------------------------------------------------------
@dataclass
class IngestReport:
    """What :func:`ingest` did."""

    sources: list[str]
    ingested: list[str]
    #: (candidate id, why it was not turned into a fact)
    skipped: list[tuple[str, str]]
    #: (IRI, label, class) of the entities the ingest introduced
    new_entities: list[tuple[str, str, str]]
    added: int
    removed: int
    #: (candidate id, why): accepted candidates left out because their fact does not fit; recorded as "refused"
    refused: list[tuple[str, str]] = field(default_factory=list)

    def text(self) -> str:
        """What changed, readable."""
        if not self.sources:
            return "nothing to ingest: no accepted candidates"
        lines = [f"ingested {len(self.ingested)} accepted candidates of {len(self.sources)} source(s): "
                 f"{self.added} triples added, {self.removed} removed"]
        if self.new_entities:
            lines.append(f"new entities ({len(self.new_entities)}):")
            lines += [f"  {i}  {label}  ({shorten(URIRef(c))})" for i, label, c in self.new_entities]
        if self.refused:
            lines.append(f"refused at ingest ({len(self.refused)}), left out and recorded (tipgraph review "
                         "--status refused shows them; accept one again once the graph is corrected):")
            lines += [f"  {i}  {why}" for i, why in self.refused]
        if self.skipped:
            lines.append(f"not ingested ({len(self.skipped)}):")
            lines += [f"  {i}  {why}" for i, why in self.skipped]
        return "\n".join(lines)


#: How many times ingest leaves out the candidates behind a refusal and tries again.
_ROUNDS = 4


def ingest(kg: KnowledgeGraph, *, source: str | None = None, strict: bool = False) -> IngestReport:
    """Turn accepted candidates into facts in their source's graph, through the checked change.

    The source's graph is rewritten from its accepted candidates, with the source's catalogue
    entry, so ingesting twice changes nothing and rejecting a candidate then ingesting again
    takes its fact out. A candidate whose ends are of the wrong kind for its relation (by the
    ontology's domains and ranges and the entities' classes) is left out, and so is one the
    checked change traces a violation of the shapes to; each is reported with the reason
    (:attr:`IngestReport.refused`) and recorded as "refused" with it, in the same change, so
    ``review`` shows it. With ``strict`` nothing is left out: data that would not conform is
    refused whole (:class:`~tipgraph.errors.NotConformingError`), the store unchanged, as is a
    violation no candidate can be found behind. A source needs its web address and
    publication date first.
    """
    store = kg.store
    srcs = [_source_name(store, source)] if source is not None else sources(store)
    accepted: dict[str, list[CandidateRow]] = defaultdict(list)
    for r in _candidates(store, source=source, status="accepted", text=False):
        accepted[r.source].append(r)
    present = set(store.graphs())
    catalogue: dict[str, list[tuple[Node, Node]]] = defaultdict(list)
    query = "SELECT ?s ?p ?o WHERE { $values ?s tg:readFrom ?f ; ?p ?o . FILTER(?p != tg:releaseText) }"
    for s, p, o in store.execute(query.replace("$values", _values("s", srcs if source is not None else None)),
                                 {}, None).rows:
        if s is not None and p is not None and o is not None:
            catalogue[str(s).rsplit("/", 1)[-1]].append((p, o))
    proposals = _proposals(store)
    ends = {x for rows in accepted.values() for r in rows for x in (r.subject, r.object) if isinstance(x, URIRef)}
    labels = _labels(store, ends)
    for src in srcs:
        entry = catalogue.get(src, [])
        if accepted.get(src) and (RDF.type, TG.PressRelease) not in entry:
            read_from = next((str(o) for p, o in entry if p == TG.readFrom), src)
            raise BadInputError(f"source {src} has no web address or no full publication date, which every source "
                                "needs: extract it again with --url URL --published YYYY-MM-DD (its review "
                                "decisions are kept)", path=read_from)

    def name(x: Node) -> str:
        lab = labels.get(x) or (proposals[x][1] if x in proposals else "")
        new = " (new)" if x in proposals and x not in labels else ""
        return f"{shorten(x)} {lab!r}{new}" if lab else shorten(x)

    # Ends of the wrong kind, found before anything is written (the common case, and cheap).
    vocab = _vocabulary()
    types = _types(store, ends, proposals)
    refused: dict[str, str] = {}
    for rows in accepted.values():
        for r in rows:
            if not r.negated and r.subject is not None and r.object is not None:
                s_kinds, o_kinds = _end_kinds(vocab, r.relation)
                why = _misfit(vocab, r.relation, [("subject", r.subject, s_kinds), ("object", r.object, o_kinds)],
                              types, name)
                if why:
                    refused[r.id] = why
    if strict and refused:
        raise NotConformingError("nothing was changed: these accepted candidates do not fit the ontology (reject "
                                 "them, resolve them with --accept ID=ENTITY, or ingest without --strict to leave "
                                 "them out):\n" + "\n".join(f"  {i}  {why}" for i, why in sorted(refused.items())))
    by_id = {r.id: r for rows in accepted.values() for r in rows}
    for attempt in range(_ROUNDS):
        report = IngestReport([], [], [], [], 0, 0)
        quads: list[Quad] = []
        drop: list[str] = []
        seen_new: set[Node] = set()
        origin: dict[tuple[str, str], set[str]] = defaultdict(set)  # (node, property) -> the candidates stating it
        for src in srcs:
            rows = [r for r in accepted.get(src, []) if r.id not in refused]
            mine = [by_id[i] for i in refused if by_id[i].source == src]
            if mine:  # the refusals are recorded in the same change as the facts
                g = str(decisions_graph(src))
                ids = {TGD[r.id] for r in mine}
                quads += [q for q in store.quads(g) if not (q[0] in ids and q[1] in (TG.reviewStatus,
                                                                                    TG.refusalReason))]
                for r in mine:
                    quads += _decision_quads(r, "refused", refusal=refused[r.id])
                drop.append(g)
            if not rows and str(facts_graph(src)) not in present and not mine:
                continue
            drop.append(str(facts_graph(src)))
            report.sources.append(src)
            if rows:
                quads += _facts_quads(src, rows, catalogue.get(src, []), proposals, labels, report, seen_new, origin)
        report.refused = sorted(refused.items())
        if not drop:
            return report
        try:
            change = kg.change_graphs(quads, drop=drop, unchecked=review_graphs(store))
        except NotConformingError as exc:
            shacl = getattr(exc.report, "shacl", None)
            behind: dict[str, str] = {}
            for v in getattr(shacl, "violations", []):
                for (node, prop), cids in origin.items():
                    if node == v.focus_node and (v.path is None or v.path == prop):
                        for c in cids:
                            behind.setdefault(c, f"the checks refuse its fact: {' '.join(v.message.split())}")
            if not behind:
                raise
            if strict or attempt == _ROUNDS - 1:
                raise NotConformingError(f"{exc}\n\nthe candidates behind these facts: {' '.join(sorted(behind))}; "
                                         "reject them (tipgraph review --reject ID ...) or correct the graph, then "
                                         "ingest again", report=exc.report) from None
            refused.update(behind)
            continue
        report.added, report.removed = sum(change.added.values()), sum(change.removed.values())
        return report
    raise InternalError("ingest: the last round neither returned nor raised")  # pragma: no cover


def _as_day(value: str, precision: str, *, last: bool) -> Literal | None:
    """A month or a year as a day: its first, or (``last``) its last.

    >>> str(_as_day("2024-02", "month", last=True)), str(_as_day("2019", "year", last=False))
    ('2024-02-29', '2019-01-01')
    """
    m = _MONTH_OR_YEAR.fullmatch(value.strip())
    if m is None or (precision == "month") != (m.group(2) is not None):
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else (12 if last else 1)
    if not 1 <= month <= 12:
        return None
    day = calendar.monthrange(year, month)[1] if last else 1
    return Literal(f"{year:04d}-{month:02d}-{day:02d}", datatype=XSD.date)


def _facts_quads(src: str, rows: list[CandidateRow], entry: list[tuple[Node, Node]],
                 proposed: dict[Node, tuple[URIRef, str]], labels: dict[Node, str], report: IngestReport,
                 seen_new: set[Node], origin: dict[tuple[str, str], set[str]]) -> list[Quad]:
    g = facts_graph(src)
    s_iri = TGD[src]
    out: list[Quad] = []
    current: list[str] = []  # the candidate whose facts are being written

    def add(a: Node, p: Node, b: Node) -> None:
        out.append((a, p, b, g))
        if current:
            origin[(str(a), shorten(p))].add(current[0])

    def label(x: Node) -> str:
        return labels.get(x) or (proposed[x][1] if x in proposed else shorten(x))

    def define(x: Node) -> None:
        # Every source that names a new entity defines it, so retracting one source leaves it to the others.
        if x not in proposed:
            return
        cls, lab = proposed[x]
        add(x, RDF.type, cls)
        add(x, SKOS.prefLabel, Literal(lab, lang="en"))
        if cls == TG.Country:
            c = _country(lab)
            if c is not None:
                add(x, TG.iso3166Alpha2, Literal(c.alpha2))
                add(x, TG.iso3166Alpha3, Literal(c.alpha3))
        if x not in labels and x not in seen_new and not str(x).rsplit("/", 1)[-1].startswith("evt-"):
            seen_new.add(x)
            report.new_entities.append((shorten(x), lab, str(cls)))

    # An event of this release becomes a record only with its place and its day (the shapes ask for both).
    ends = {x for r in rows for x in (r.subject, r.object) if isinstance(x, URIRef)}
    new_events = {x for x in ends if x in proposed and str(x).rsplit("/", 1)[-1].startswith("evt-")}
    placed = {r.subject for r in rows if r.relation == "heldIn" and r.object is not None and not r.negated}
    dated = {r.subject for r in rows if r.relation == "startDate" and isinstance(r.object, Literal)
             and (r.object.datatype == XSD.date or r.object.datatype in _PRECISION_OF) and not r.negated}
    incomplete = new_events - (placed & dated)

    for p, o in entry:  # the catalogue entry travels with the facts (the release's text stays behind)
        if p != TG.readFrom:
            add(s_iri, p, o)
    add(g, RDF.type, PROV.Bundle)
    add(g, RDF.type, PROV.Entity)
    add(g, SKOS.prefLabel, Literal(f"facts read from {src}", lang="en"))
    add(g, PROV.wasDerivedFrom, s_iri)
    engagements: dict[URIRef, list[URIRef]] = defaultdict(list)  # programme -> its engagements from here
    later: list[CandidateRow] = []
    for r in rows:
        if r.negated or r.subject is None or r.object is None:
            report.skipped.append((r.id, "negated or ambiguous"))
            continue
        subj, obj = r.subject, r.object
        current[:] = [r.id]
        lacking = [x for x in (subj, obj) if x in incomplete]
        if lacking:
            report.skipped.append((r.id, f"the event {label(lacking[0])!r} needs an accepted place (heldIn) and day "
                                         "(startDate) before its facts can be ingested"))
            continue
        if r.relation in _ROLES:
            role, words = _ROLES[r.relation]
            eng = TGD["eng-x" + _digest(src, str(subj), str(obj), str(role), n=10)]
            define(subj)
            define(obj)
            add(eng, RDF.type, TG.Engagement)
            add(eng, SKOS.prefLabel, Literal(f"{label(subj)} {words} {label(obj)}", lang="en"))
            add(eng, TG.engagedOrganisation, subj)
            add(eng, TG.engagedProgramme, obj)
            add(eng, TG.engagementRole, role)
            add(eng, PROV.wasDerivedFrom, s_iri)
            if isinstance(obj, URIRef):
                engagements[obj].append(eng)
        elif r.relation in ("operatesIn", "mentionsCountry"):
            later.append(r)
            continue
        elif r.relation == "holdsPostIn":
            title = r.detail or "post"
            pst = TGD["pst-x" + _digest(str(obj), normalise(title), n=10)]
            define(subj)
            define(obj)
            add(pst, RDF.type, TG.Post)
            add(pst, SKOS.prefLabel, Literal(f"{title}, {label(obj)}", lang="en"))
            add(pst, TG.postIn, obj)
            add(subj, TG.holdsPost, pst)
        elif r.relation in _DIRECT:
            if r.relation in _PRECISION_PROPERTY and isinstance(obj, Literal) and obj.datatype in _PRECISION_OF:
                precision = _PRECISION_OF[obj.datatype]
                day = _as_day(str(obj), precision, last=r.relation == "endDate")
                if day is None:
                    report.skipped.append((r.id, f"{r.relation} {str(obj)!r} is not a {precision}"))
                    continue
                define(subj)
                add(subj, TG[r.relation], day)
                add(subj, _PRECISION_PROPERTY[r.relation], Literal(precision))
            else:
                define(subj)
                define(obj)
                add(subj, TG[r.relation], obj)
        else:
            report.skipped.append((r.id, f"the ontology has no pattern for {r.relation} yet"))
            continue
        report.ingested.append(r.id)
    for r in later:
        assert r.subject is not None and r.object is not None
        engs = engagements.get(r.subject, [])
        if not engs:
            report.skipped.append((r.id, f"{r.relation} needs an engagement of {label(r.subject)}: accept who "
                                         "funds or implements it in this source"))
            continue
        current[:] = [r.id]
        define(r.object)
        prop = TG.engagementCountry if r.relation == "operatesIn" else TG.mentionsCountry
        for eng in engs:
            add(eng, prop, r.object)
        report.ingested.append(r.id)
    return out


# --- retract ------------------------------------------------------------------------------
@dataclass
class RetractReport:
    """What :func:`retract` removed."""

    source: str
    candidates: int
    facts: int
    removed: int

    def text(self) -> str:
        """One line, readable."""
        return (f"retracted {self.source}: {self.candidates} candidates and {self.facts} facts "
                f"({self.removed} triples) removed, inferences refreshed")


def retract(kg: KnowledgeGraph, source: str) -> RetractReport:
    """Remove a source, its candidates, decisions and facts, and what was inferred from them (one checked change)."""
    src = _source_name(kg.store, source)
    n_candidates = len(_candidate_ids(kg.store, [src]))
    n_facts = kg.store.count(str(facts_graph(src)))
    mine = [str(candidates_graph(src)), str(decisions_graph(src)), str(facts_graph(src))]
    change = kg.change_graphs(drop=mine, unchecked=review_graphs(kg.store))
    return RetractReport(src, n_candidates, n_facts, sum(change.removed.values()))


# --- the review page -------------------------------------------------------------------------
def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph (blank-line or line bounded) around a span."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return a, len(text) if b < 0 else b


def review_page(store: Store | KnowledgeGraph, *, source: str | None = None, status: str | None = None) -> str:
    """An offline HTML page of the candidates, each evidence span highlighted in its paragraph.

    Every string is escaped; the page loads nothing (a Content-Security-Policy allows only its
    own inline style) and runs no script.
    """
    from ..maps.assets import asset, csp_hash

    store = _as_store(store)
    rows = candidates(store, source=source, status=status)
    texts: dict[str, str] = {}
    titles: dict[str, str] = {}
    shown = sorted({r.source for r in rows})
    if shown:
        query = "SELECT ?s ?t ?l WHERE { $values ?s tg:releaseText ?t . OPTIONAL { ?s skos:prefLabel ?l } }"
        for s, t, lab in store.execute(query.replace("$values", _values("s", shown)), {}, None).rows:
            key = str(s).rsplit("/", 1)[-1]
            texts[key] = str(t)
            if lab is not None:
                titles[key] = str(lab)
    esc = html.escape
    parts: list[str] = []
    for src in sorted({r.source for r in rows}):
        mine = [r for r in rows if r.source == src]
        parts.append(f'<section class="src"><h2>{esc(titles.get(src, src))} <code>{esc(src)}</code></h2>')
        parts.append('<table><thead><tr><th>id</th><th>status</th><th>confidence</th><th>relation</th>'
                     '<th>subject</th><th>object</th><th>flags</th><th>evidence</th></tr></thead><tbody>')
        for r in mine:
            text = texts.get(src, "")
            s0, e0 = r.evidence
            if 0 <= s0 <= e0 <= len(text):
                a, b = _paragraph(text, s0, e0)
                ctx = (f'{esc(text[a:s0])}<mark>{esc(text[s0:e0])}</mark>{esc(text[e0:b])}')
            else:
                ctx = f"<mark>{esc(r.evidence_text)}</mark>"
            flags = " ".join(f'<span class="flag">{esc(f)}</span>' for f in r.flags)
            if r.refusal:
                flags += f' <span class="flag">refused at ingest: {esc(r.refusal)}</span>'
            obj = esc(r.object_label) + (f' <small>({esc(r.detail)})</small>' if r.detail else "")
            if r.precision in ("month", "year"):  # a day needs no mark
                obj += f' <small>({esc(r.precision)} precision)</small>'
            if r.chosen_subject is not None or r.chosen_object is not None:
                flags += ' <span class="flag">chosen by the reviewer</span>'

            parts.append(
                f'<tr class="{esc(r.status)}"><td><code>{esc(r.id)}</code></td><td>{esc(r.status)}</td>'
                f'<td>{r.confidence:.2f}</td><td>{esc(r.relation)}</td>'
                f'<td>{esc(r.subject_label)}<br><small>{esc(r.subject_text)}</small></td>'
                f'<td>{obj}<br><small>{esc(r.object_text)}</small></td><td>{flags}</td>'
                f'<td class="ev">{ctx}<br><small>{esc(r.rule)} · {esc(r.version)}</small></td></tr>')
        parts.append("</tbody></table></section>")
    if not rows:
        parts.append("<p>No candidates.</p>")
    css = asset("review.css")
    csp = "; ".join(["default-src 'none'", f"style-src {csp_hash(css)}", "img-src data:", "base-uri 'none'",
                     "form-action 'none'"])
    counts = {st: sum(1 for r in rows if r.status == st) for st in STATUSES}
    summary = " · ".join(f"{n} {st}" for st, n in counts.items())
    return string.Template(asset("review.html")).substitute(
        csp=esc(csp, quote=True), css=css, title="tipgraph review: candidate facts",
        summary=esc(summary), body="\n".join(parts))


def table(rows: Sequence[CandidateRow], *, width: int = 60) -> Iterator[str]:
    """The terminal table of :func:`candidates` rows, line by line (control characters removed)."""
    def clean(text: str, n: int) -> str:
        text = "".join(ch if ch.isprintable() else " " for ch in " ".join(text.split()))
        return text if len(text) <= n else text[:n - 1] + "…"

    yield f"{'id':12}  {'status':8}  {'conf':>4}  {'relation':22}  {'subject':24}  {'object':24}  evidence / flags"
    for r in rows:
        flags = f"  [{', '.join(r.flags)}]" if r.flags else ""
        if r.refusal:
            flags += f"  [refused at ingest: {clean(r.refusal, 200)}]"
        obj = r.object_label + (f" ({r.detail})" if r.detail else "")
        if r.precision in ("month", "year"):  # a day needs no mark
            obj += f" ({r.precision})"
        yield (f"{r.id:12}  {r.status:8}  {r.confidence:4.2f}  {clean(r.relation, 22):22}  "
               f"{clean(r.subject_label, 24):24}  {clean(obj, 24):24}  {clean(r.evidence_text, width)!r}{flags}")

