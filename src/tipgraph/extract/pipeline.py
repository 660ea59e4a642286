"""From a release to candidate facts: names, events, dates, counts and the relations the genre states.

``extract(release, index)`` is pure (it writes nothing) and reuses one tokenizer and matcher
per index. Every candidate names the rule that produced it and carries that rule's confidence
(:data:`RULE_CONFIDENCE`); those under :data:`REVIEW_THRESHOLD` are flagged for review
(``extra`` holds ``("flag", "low-confidence")``), never dropped.

>>> from tipgraph.extract.candidates import Release
>>> from tipgraph.extract.index import EntityIndex
>>> r = Release("r.txt", "Almaty, Kazakhstan – On 9 March 2025, the Ministry of Internal Affairs organized "
...             "a training workshop for police officers. The workshop was attended by 25 participants.")
>>> x = extract(r, EntityIndex.empty())
>>> sorted((c.relation, str(c.object.value if hasattr(c.object, 'value') else c.object.label))
...        for c in x.candidates)[:4]
[('endDate', '2025-03-09'), ('heldIn', 'Almaty'), ('organisedBy', 'Ministry of Internal Affairs'), \
('participantCount', '25')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rdflib import URIRef

from ..countries import country as _country
from ..namespace import TG
from .candidates import Candidate, Extraction, Mention, Release, Value
from .dates import NUMBER, DateSpan, count_value, find_dates, find_year_periods, find_year_ranges
from .index import EntityIndex
from .recognise import _POST_WORDS, Found, choose, city, engine_for, recognise, resolve

__all__ = ["EXTRACTOR_VERSION", "REVIEW_THRESHOLD", "RULE_CONFIDENCE", "extract"]

EXTRACTOR_VERSION = "tipgraph-extract/0.1"
REVIEW_THRESHOLD = 0.5

#: The confidence each rule gives its candidates (documented in the report; tuned on the dev set).
RULE_CONFIDENCE: dict[str, float] = {
    "funding.x-funded": 0.95, "funding.funded-by": 0.9, "funding.support-of": 0.75,
    "event.funded-by": 0.85, "event.support-of": 0.75,
    "implementation.active": 0.9, "implementation.passive": 0.9, "implementation.relative": 0.85,
    "partner.in-partnership": 0.75,
    "framework.within": 0.9, "framework.event-under": 0.85, "framework.component": 0.8,
    "geography.across": 0.85, "geography.including": 0.8,
    "event.dateline-place": 0.75, "event.in-place": 0.85, "event.date": 0.9, "event.dateline-date": 0.7,
    "event.organiser-passive": 0.9, "event.organiser-active": 0.85, "event.co-organiser": 0.85,
    "event.collaboration": 0.9, "event.participation": 0.85, "event.audience": 0.8,
    "event.brought-together": 0.7, "event.recipient": 0.6, "event.presenter": 0.6,
    "count.total": 0.9, "count.female": 0.9, "count.sum": 0.8,
    "person.post": 0.85, "person.post-derived": 0.7, "person.contact": 0.85, "person.remarks": 0.8,
    "document.discussed": 0.8, "programme.period": 0.9, "event.sub-event": 0.6, "event.post-holder": 0.7,
    "event.remarks-from": 0.7, "person.member-of": 0.7, "event.in-country": 0.6,
}

_EVENT_NOUNS = (r"(?:training of trainers|training workshop|training course|training session|study visit|"
                r"round[- ]?table|hand[- ]?over ceremony|hand[- ]?over|workshop|training|course|seminar|webinar|"
                r"conference|meeting|consultation|forum|dialogue|session|exercise|simulation|ceremony|launch|"
                r"symposium|summit|briefing|retreat|event|lecture|visit|mission|campaign|bootcamp|consultations|"
                r"exchange(?!\s+(?:of|rate)\b)|mock trial|orientation|drill|study tour)")
#: Words that end an event's topic: the verb of its sentence ("a workshop on X was held …").
_TOPIC_ENDS = (r"(?:was|were|is|are|will|would|has|have|had|took|takes|brought|gathered|convened|"
               r"conducted|opened|started|began|ended|closed|aimed|focused|focussed)")
_EVENT_PHRASE = re.compile(
    rf"\b(?P<det>an?|the|its|this|that|one|first|second)\s+(?P<mods>(?:(?!(?:of|the|for|in|with|by|and|to|at|on|from|a|an)\b)[\w’'\-]+\s+){{0,6}}?)(?P<noun>{_EVENT_NOUNS})"
    rf"(?:\s+(?:ceremony|event|workshop|meeting|session|course|visit))?(?P<plural>s)?\b(?P<tail>\s+(?:on|about)\s+[^,.;:()]{{3,90}}?(?=\s+(?:in|at|for|from|with|held|organi[sz]ed|"
    rf"which|that|to|{_TOPIC_ENDS})\b|[,.;:()]|$))?", re.I)
#: A training told by its verb, with no event noun: "IOM trained 64 social workers", "… were trained by ILO"
#: ("had trained 40 volunteers" is a past record, no event of this release).
_TRAINED = re.compile(rf"(?<!\bhad )(?<!\bhas )(?<!\bhave )(?<!\bwill )\btrained\s+(?:{NUMBER})\s+|"
                      r"\b(?:were|was)\s+trained\s+(?:by|on|in)\b")
_HANDOVER = re.compile(r"\b(?:handed over|donated|hands over|delivered equipment)\b")
_PLURAL_EVENTS = re.compile(r"\b(?:both|all|these|the two|two|the)\s+"
                            r"(?:events|activities|sessions|workshops|trainings)\b",
                            re.I)
_ORGANISER_PASSIVE = re.compile(r"\b(?P<co>jointly\s+|co-)?(?:organi[sz]ed|hosted|conducted|convened|"
                                r"(?<=were )trained|(?<=was )trained)\s+"
                                r"(?P<co2>jointly\s+)?by\s+")
_ORGANISER_ACTIVE = re.compile(r"\b(?P<co>jointly\s+|co-)?(?P<verb>organi[sz]ed|organi[sz]es|hosted|hosts|conducted|"
                               r"convened|held|handed over|hands over|donated|launched|co-organi[sz]ed|trained|"
                               r"presented|completed|took part|participated|attended|met)\b")
_ORGANISER_VERBS = ("organi", "host", "conduct", "conven", "held", "hand", "donat", "launch", "co-organi", "train")
_COLLAB = re.compile(r"\bin\s+(?:close\s+)?(?:collaboration|cooperation|co-operation|partnership|coordination)"
                     r"\s+with\s+")
_PARTICIPATION = re.compile(r"\bwith the (?:active\s+)?participation of\s+|"
                            r"\b(?:participants|representatives|officials|delegates|experts)\b[^.;]{0,60}?,?\s+"
                            r"representing\s+")
_PEOPLE = (r"(?:participants|representatives|officials|officers|staff|members|judges|prosecutors|investigators|"
           r"trainers|examiners|facilitators|speakers|instructors|"
           r"experts|delegates|delegations|inspectors|personnel|employees|trainees|specialists|practitioners|guards|"
           r"agents|students|volunteers|counterparts|governments|leadership|teams|social workers|police officers|"
           r"coordinators|attorneys|lawyers|magistrates|journalists|teachers|health workers|diplomats|"
           r"parliamentarians|caseworkers|case managers|advocates|professionals)")
_AUDIENCE = re.compile(rf"\b(?i:{_PEOPLE})(?:\s*\([^()]{{0,60}}\)|,\s+(?:including|among them)\s+[^,.;]{{1,40}},|"
                       rf",\s+{NUMBER}\s+of\s+(?:them|whom)\s+(?:were\s+)?(?:women|men|female|male),)?"
                       r"\s+(?:of|from)\s+")
_BROUGHT = re.compile(r"\b(?:brought together|bringing together|gathered|brings together)\b")
_RECIPIENT = re.compile(r"\b(?:handed over|donated|hands over)\b[^.]*?\bto\s+")
_FUNDED_BY = re.compile(r"\b(?:funded|financed|sponsored|co-funded|supported)\s+by\s+")
#: A grant: "received USD 4.5 million from A and B for the project X", "announced a $1.8 million award
#: from A for X" (an amount, then its donors, then the programme).
_GRANT = re.compile(r"\b(?:received|receives|has received|have received|will receive|secured|obtained|announced|"
                    r"announces|approved|approves)\s+"
                    r"(?:an?\s+)?(?:(?:new|additional|further)\s+)?(?:(?:grant|contribution|funding)\s+of\s+)?"
                    r"(?:USD|US\$|\$|EUR|€|GBP|£|CHF|CAD|AUD|JPY|¥|NOK|SEK|DKK)\s?\d[\d.,]*\s*"
                    r"(?:million|billion|thousand|m|bn)?\s+(?:(?:in|of)\s+)?(?:[\w\-]+\s+){0,2}?from\s+")
# ("technical support / assistance" is advice, not money: no funding fact)
_SUPPORT_OF = re.compile(r"\b(?:with|thanks to)\s+(?:the\s+)?(?:generous\s+|financial\s+|kind\s+)*"
                         r"(?:support|funding|contribution|assistance|financing)\s+(?:of|from)\s+")
_X_FUNDED = re.compile(r"\s*(?:-\s*)?(?:\(\s*[A-Z]{2,}\s*\)\s*)?-?\s*funded\b")
_IMPL_ACTIVE = re.compile(r"\b(?:is|are|has been|have been|was|were)?\s*(?:currently\s+|jointly\s+|also\s+)?"
                          r"(?:implementing|implements|responsible for implementing|delivering)\s+")
_IMPL_PASSIVE = re.compile(r"\b(?:implemented|delivered|facilitated|executed|managed)\s+(?:jointly\s+)?by\s+")
_PARTNER = re.compile(r"\bin\s+(?:close\s+)?partnership\s+with\s+|\b(?:with|and)\s+(?:its\s+)?partners?\s+")
_FRAMEWORK = re.compile(r"\b(?:within the framework of|under the umbrella of|as part of|"
                        r"(?:formed|forms|is|are|was|were)\s+(?:a\s+)?part of|under|sits within|falls under)\s+"
                        r"(?:the\s+)?")
_GEO_ACROSS = re.compile(r"\b(?:across|covering|covers|spanning|throughout)\s+(?:the\s+)?|\b(?:in)\s+(?=[A-Z])")
_GEO_INCLUDING = re.compile(r"\b(?:including|such as|notably|among them|for example|e\.g\.,?)\s+(?:the\s+)?")
_GEO_VERB = re.compile(r"\b(?:implement\w*|works?|operates?|active|covers?|runs?|work|focus\w*|addresses|targets?|"
                       r"reach\w*|extends?|supports?|serves?|spans?)\b")
_SPEECH = re.compile(r"\b(?:remarks|speakers|speaker|speech|statement|address|presentation|keynote|said|says|"
                     r"noted|stated|stressed|"
                     r"emphasi[sz]ed|highlighted|underlined|underscored|reminded|recalled|explained|urged|called|"
                     r"thanked|welcomed|opened|closed|presented|delivered|spoke|addressed|told|added|reiterated|"
                     r"pointed out|briefed|praised|expressed|commended|acknowledged|affirmed|announced|walked|"
                     r"warned|observed|described|outlined|encouraged|concluded|read|asked)\b", re.I)
_DISCUSS = re.compile(r"\b(?:discuss\w*|covered|review\w*|present\w*|launch\w*|validat\w*|adopt\w*|focus\w*|"
                      r"implementation|"
                      r"draft\w*|endors\w*|examin\w*|consult\w*|introduc\w*|worked through|tested|finali[sz]\w*|"
                      r"debat\w*|explor\w*|highlight\w*|considered|unveil\w*|agreed)\b")
_COUNT = re.compile(rf"(?<![\w,])(?P<n>{NUMBER})\s+(?:\(\d+\)\s+)?"  # "Twenty-five (25) officers"
                    rf"(?:(?!(?:female|male|women|men)\b)[a-z\-]+\s+){{0,3}}?"
                    r"(?:\([A-Z]{2,}\)\s+)?"
                    rf"(?P<noun>{_PEOPLE}|people|persons|women and men|"
                    r"men and women|attendees|border guards|labour inspectors|law enforcement officers)\b")
_COUNT_TRIGGER = re.compile(r"\b(?:attended|took part|participated|participating|brought together|bringing together|"
                            r"gathered|completed|joined|benefit\w*|for|a total of|total of|with|"
                            r"(?<!had )(?<!has )(?<!have )(?<!be )(?<!been )trained)\b", re.I)
_FEMALE = re.compile(rf"(?<![\w,])(?P<n>{NUMBER})\s+(?:of (?:them|whom)\s+)?(?:were\s+)?(?:women|female|girls)\b")
_MALE = re.compile(rf"(?<![\w,])(?P<n>{NUMBER})\s+(?:of (?:them|whom)\s+)?(?:were\s+)?(?:men|male|boys)\b")
_PROG_ANAPHOR = re.compile(r"\b(?:the|this|that|its)\s+(?:regional\s+|global\s+|joint\s+)?(?:project|programme|program|"
                           r"initiative|action)\b", re.I)
_CONTACT = re.compile(r"^\s*(?:for more information|for further information|contact|media contact|press contact)",
                      re.I | re.M)
_US_DATE_AHEAD = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\b"
# "City, Country – date", "City (Country), date", "CITY, October 11, 2024 —"
_DATELINE = re.compile(r"^(?P<place>[A-Z][\w’'\-\. ]{1,40}?)(?:,\s*(?!" + _US_DATE_AHEAD + r")"
                       r"(?P<country>[A-Z][\w’'\-\. ]{1,40}?)|"
                       r"\s*\((?P<country2>[A-Z][\w’'\-\. ]{1,40}?)\))?"
                       r"(?:\s*[–—]\s*|\s+-\s+|,\s+(?=\d)|,\s+(?=" + _US_DATE_AHEAD + r"))", re.M)
_MINISTER_OF = re.compile(r"\bMinister\s+(?:of|for)\s+"
                          r"(?P<what>(?:the\s+)?[A-Z][\w’'\-]*(?:\s+(?:and\s+)?[A-Z][\w’'\-]*)*)")


@dataclass
class _Event:
    label: str
    text: str
    start: int
    end: int
    sentence: int
    noun: str
    date: str = ""  # the first day the release gives for it, to tell a new event from the same one
    mention: Mention | None = None
    parent: int | None = None  # a session within an event shares its dates and place


@dataclass
class _Ctx:
    release: Release
    text: str
    mentions: list[Mention]
    sentences: list[tuple[int, int]]
    year: int | None
    events: list[_Event] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    extra_mentions: list[Mention] = field(default_factory=list)
    body_end: int = 0
    dateline: tuple[int, int] = (0, 0)
    dateline_date: DateSpan | None = None
    dateline_place: Mention | None = None
    dateline_code: str | None = None  # the country (ISO alpha-2) of the dateline's place
    countries: set[str] = field(default_factory=set)
    dialogues: set[URIRef] = field(default_factory=set)  # graph bodies a programme can sit within

    def within(self, s: int, e: int, kinds: tuple[str, ...] = ()) -> list[Mention]:
        return [m for m in self.mentions if m.start >= s and m.end <= e and (not kinds or m.kind in kinds)]

    def add(self, relation: str, subj: Mention, obj: Mention | Value, evidence: tuple[int, int], rule: str,
            detail: str = "", confidence: float | None = None) -> None:
        conf = RULE_CONFIDENCE.get(rule, 0.7) if confidence is None else confidence
        if isinstance(obj, Mention):
            conf = min(conf, max(obj.score, 0.3) if obj.alternatives else 1.0)
        extra: tuple[tuple[str, str], ...] = (("flag", "low-confidence"),) if conf < REVIEW_THRESHOLD else ()
        self.candidates.append(Candidate(relation, subj, obj, evidence, rule, round(conf, 3), detail, extra=extra))


# --- sentences ------------------------------------------------------------------------------------
_ABBREV = re.compile(r"(?:\b(?:Mr|Ms|Mrs|Dr|Prof|St|No|Gen|Col|Lt|Capt|Maj|Jr|Sr|vs|etc|e\.g|i\.e|approx|Inc|Ltd)|"
                     r"\b[A-Z]|(?:[A-Z]\.){2,}|H\.E|"
                     r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec))\.$")  # "on Oct. 14–16" is one sentence


def _sentences(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“A-Z0-9(])|\n+", text):
        end = m.start()
        chunk = text[start:end]
        if m.group(0).strip() == "" and "\n" not in m.group(0) and _ABBREV.search(chunk):
            continue
        if chunk.strip():
            out.append((start, end))
        start = m.end()
    if text[start:].strip():
        out.append((start, len(text)))
    return out


# --- mentions ---------------------------------------------------------------------------------------
def _to_mention(f: Found) -> Mention:
    return Mention(f.text, f.start, f.end, f.kind, f.label, entity=f.entity,
                   proposed_class=None if f.entity is not None else f.cls, score=round(f.score, 3),
                   alternatives=f.alternatives)


def _acronym_aliases(text: str, found: list[Found]) -> list[Found]:
    """Local aliases: "Full Name (ACR)" makes every later ACR a mention of the same name."""
    defs = [f for f in found if f.rule == "acronym.definition"]
    aliases = [f for f in found if f.rule == "acronym.alias"]
    out = [f for f in found if f.rule not in ("acronym.definition", "acronym.alias")]
    spans = {(f.start, f.end): f for f in out}
    for d, a in zip(defs, aliases, strict=False):
        same = [f for f in out if f.start <= d.start and f.end >= d.end and f.kind]
        inner = [f for f in out if f.start >= d.start and f.end <= d.end and f.kind in ("organisation", "programme")]
        if same:
            base = max(same, key=lambda f: (f.priority, f.end - f.start))
        elif inner and inner[-1].end == d.end:
            base = inner[-1]
        elif re.match(r"\s*\)?\s*(?:project|programme|program|initiative)\b", text[a.end:a.end + 16], re.I) or \
                re.search(r"-funded\s+$|\b(?:project|programme|initiative|part of|under|framework of|umbrella of)"
                          r"\s+(?:the\s+)?[\"“]?$", text[max(0, d.start - 24):d.start]) or \
                re.match(r"\s*\)?\s*,?\s*(?:which is |is )?(?:implemented|funded|financed)\b", text[a.end:a.end + 30]):
            # "the DFAT-funded Supporting Responses to … (SRTPJ10) project": a programme's title
            base = Found(d.start, d.end, d.text, "programme", d.text, "programme.acronym-title", cls=TG.Project,
                         score=0.8, priority=2)
            out.append(base)
        else:
            continue
        if (a.start, a.end) in spans and spans[(a.start, a.end)].entity is not None:
            continue  # the graph knows the acronym already
        kind, label = base.kind, base.label
        for m in re.finditer(rf"(?<![\w.\-]){re.escape(a.text)}(?![\w\-])", text):
            out.append(Found(m.start(), m.end(), a.text, kind, label, "acronym.alias", base.entity, base.cls,
                             min(base.score, 0.85), priority=4))
    return out


def _propagate(text: str, found: list[Found]) -> list[Found]:
    """A name a rule found once is the same name wherever else it is written."""
    out = list(found)
    for f in found:
        if f.entity is not None or f.kind not in ("organisation", "programme", "person", "document") or \
                f.rule.startswith(("graph", "acronym", "list")) or len(f.text) < 3:
            continue
        for m in re.finditer(rf"(?<![\w.\-]){re.escape(f.text)}(?![\w\-])", text):
            if m.start() != f.start:
                out.append(replace(f, start=m.start(), end=m.end(), rule=f.rule + "+again", priority=f.priority))
    return choose(out)


def _context_countries(text: str, found: list[Found], dateline_country: str | None) -> set[str]:
    if dateline_country:
        return {dateline_country}
    counts: dict[str, int] = {}
    for f in found:
        if f.kind == "country" and "alpha2" in f.extra:
            counts[f.extra["alpha2"]] = counts.get(f.extra["alpha2"], 0) + 1
    if not counts:
        return set()
    top = max(counts.values())
    best = [c for c, n in counts.items() if n == top]
    return set(best) if len(best) == 1 else set()


# --- list reading -------------------------------------------------------------------------------------
_GAP = re.compile(r"^(?:[\s,;]|\band\b|\bor\b|\bas well as\b|\btogether with\b|&|\bthe\b|\bits\b|\btheir\b|"
                  r"\bof\b|\bfrom\b|\b[Gg]overnments? of\b|"
                  r"\b(?:representatives|officials|officers|staff|members|experts|investigators|prosecutors|judges|"
                  r"delegates|inspectors)\s+(?:of|from)\b|"
                  r"\b(?:key|other|several|various)\b|\b(?:international|national|local|development)\b|"
                  r"\b(?:partners|organi[sz]ations|agencies|stakeholders)\b|\bincluding\b|\bsuch as\b|\bnamely\b|"
                  r"\([^()]{0,80}\)|[()])*$")


def _list_after(ctx: _Ctx, pos: int, end: int, kinds: tuple[str, ...], *, first_gap: int = 12,
                strict_gap: bool = False) -> list[Mention]:
    """Mentions of ``kinds`` from ``pos`` on, as long as only list connectors separate them."""
    out: list[Mention] = []
    cur = pos
    gov = False
    for m in sorted((m for m in ctx.mentions if m.start >= pos and m.end <= end), key=lambda m: m.start):
        if m.start < cur:
            continue
        gap = ctx.text[cur:m.start]
        if gap.count("(") > gap.count(")"):
            continue  # inside a bracket: "in Afghanistan (through the virtual MRC), Kazakhstan"
        if not out and len(gap.strip()) > first_gap and not _GAP.match(gap):
            break
        if out and not _GAP.match(gap if not strict_gap else gap.replace("including", "\x00")):
            break
        if m.kind == "country" and "organisation" in kinds and (gov or re.search(
                r"\b[Gg]overnments?\s+of\s+(?:the\s+)?$", gap)):
            gov = True  # "officials of the Governments of Australia and Indonesia": the countries' governments
        elif m.kind not in kinds:
            break
        else:
            gov = False
        nxt = ctx.text[m.end:m.end + 3]
        if nxt.startswith(("'s", "’s")):
            cur = m.end + 2
            continue  # a possessor: "MOI's Anti-Trafficking Directorate" names the directorate
        if out and out[-1].label == m.label:
            cur = m.end
            continue
        out.append(m)
        cur = m.end
    return out


def _prev_mention(ctx: _Ctx, pos: int, kinds: tuple[str, ...], within: int) -> Mention | None:
    best = None
    for m in ctx.mentions:
        if m.kind in kinds and m.end <= pos and pos - m.end <= within and (best is None or m.end > best.end):
            best = m
    return best


def _next_mention(ctx: _Ctx, pos: int, kinds: tuple[str, ...], within: int) -> Mention | None:
    best = None
    for m in ctx.mentions:
        if m.kind in kinds and m.start >= pos and m.start - pos <= within and (best is None or m.start < best.start):
            best = m
    return best


# --- events -------------------------------------------------------------------------------------------------
def _find_events(ctx: _Ctx) -> list[list[int]]:
    """Create events in the order the release describes them; return each sentence's events."""
    per: list[list[int]] = [[] for _ in ctx.sentences]
    for i, (s, e) in enumerate(ctx.sentences):
        if s >= ctx.body_end:
            break
        seg = ctx.text[s:e]
        phrases = [m for m in _EVENT_PHRASE.finditer(seg) if not m["plural"]]
        dates = [d for d in find_dates(seg, year=ctx.year, offset=s) if not _is_dateline_date(ctx, d)]
        if ctx.events:
            fresh = [p for p in phrases if p["det"].lower() in ("a", "an", "one", "second")]
            sub = [p for p in fresh if re.search(r"\b(?:concluded|ended|closed|opened|began|started|continued)"
                                                 r"\s+with\s*$|"
                                                 r"\bfollowed by\s*$", seg[:p.start()])
                   and p["noun"].lower() in ("session", "meeting", "roundtable", "round table", "dialogue", "panel",
                                             "consultation", "workshop", "exercise", "simulation")]
            if sub and not dates:
                _new_event(ctx, sub[0], s, i)
                ctx.events[-1].parent = len(ctx.events) - 2
                continue
            if fresh and dates and dates[0].precision == "day" and not any(
                    ev.date == dates[0].start_value for ev in ctx.events):
                _new_event(ctx, fresh[0], s, i)
                ctx.events[-1].date = dates[0].start_value
            continue
        if s < ctx.dateline[0] and ctx.dateline[1]:
            continue  # the headline restates the event the body describes
        if phrases:
            _new_event(ctx, phrases[0], s, i)
            first = dates[0] if dates else ctx.dateline_date
            ctx.events[-1].date = first.start_value if first else ""
        elif (t := _TRAINED.search(seg)) and (dates or ctx.dateline_date):
            stop = re.search(r"[,.;]| on | in | at | from ", seg[t.end():])
            end = t.end() + (stop.start() if stop else 0)
            ctx.events.append(_Event(f"@e{len(ctx.events) + 1}", seg[t.start():end].strip(), s + t.start(), s + end,
                                     i, "training"))
            first = dates[0] if dates else ctx.dateline_date
            ctx.events[-1].date = first.start_value if first else ""
        elif _HANDOVER.search(seg) and (dates or ctx.dateline_date):
            h = _HANDOVER.search(seg)
            assert h is not None
            stop = re.search(r"[,.;]| to ", seg[h.end():])
            end = h.end() + (stop.start() if stop else 0)
            ctx.events.append(_Event(f"@e{len(ctx.events) + 1}", seg[h.start():end], s + h.start(), s + end, i,
                                     "handover"))
    mains = [k for k, ev in enumerate(ctx.events) if ev.parent is None]
    for i, (s, e) in enumerate(ctx.sentences):
        if s >= ctx.body_end or not ctx.events:
            continue
        seg = ctx.text[s:e]
        created = [k for k, ev in enumerate(ctx.events) if ev.sentence == i]
        if created:
            per[i] = created[:1]
            continue
        if len(mains) > 1 and _PLURAL_EVENTS.search(seg):
            per[i] = list(mains)
            continue
        if len(mains) == 1:
            per[i] = [mains[0]]
            continue
        nouns = {m["noun"].lower() for m in _EVENT_PHRASE.finditer(seg) if m["det"].lower() in ("the", "this", "that")}
        hit = [k for k in mains if ctx.events[k].noun.lower() in nouns]
        if len(hit) == 1:
            per[i] = hit
            continue
        before = [k for k in mains if ctx.events[k].sentence < i]
        if i < ctx.events[0].sentence:
            per[i] = list(mains) if _PLURAL_EVENTS.search(seg) or re.search(r"\btwo events\b", seg) else [0]
        elif before and ctx.events[before[-1]].sentence == i - 1 and not nouns:
            per[i] = [before[-1]]
    return per


def _new_event(ctx: _Ctx, m: re.Match[str], base: int, sentence: int) -> None:
    s, e = base + m.start(), base + m.end()
    text = ctx.text[s:e].strip()
    ctx.events.append(_Event(f"@e{len(ctx.events) + 1}", text, s, s + len(text), sentence, m["noun"]))


def _is_dateline_date(ctx: _Ctx, d: DateSpan) -> bool:
    return ctx.dateline_date is not None and d.start == ctx.dateline_date.start


def _dateline(ctx: _Ctx, engine_found: list[Found]) -> str | None:
    """Read "City, Country – date –" at the top; returns the country code it names."""
    head = ctx.text[:600]
    for m in _DATELINE.finditer(head):
        if m.start() > 300:
            break
        place, cname = m["place"].strip(), (m["country"] or m["country2"] or "").strip()
        c = _country(cname) if cname else None
        known_city = city(place)
        after = ctx.text[m.end():m.end() + 60]
        dates = find_dates(after, year=None, offset=m.end())
        date_here = dates[0] if dates and dates[0].start - m.end() <= 3 else None
        if not (c or (known_city and (date_here or cname == "")) or (date_here and len(place.split()) <= 3)):
            continue
        if cname and c is None:
            continue
        if len(place.split()) > 4:
            continue
        ctx.dateline = (m.start(), m.end())
        code = c.alpha2 if c else (known_city[1] if known_city else None)
        ctx.dateline_place = _place_mention(ctx, place, m.start("place"), code)
        if date_here is not None:
            tail = ctx.text[date_here.end:date_here.end + 4]
            before = ctx.text[m.end():date_here.start]
            if re.match(r"\s*[–—-]", tail) or not re.search(r"(?i)on|from", before):
                ctx.dateline_date = date_here
                if not ctx.release.published and date_here.has_year:
                    ctx.release.published = date_here.start_value
        return code
    return None


def _place_mention(ctx: _Ctx, name: str, start: int, code: str | None) -> Mention:
    hits = [f for f in ctx.mentions if f.start == start and f.kind == "city"]
    if hits:
        return hits[0]
    known = city(name)
    label = known[0] if known and known[0].lower() == name.lower() else name  # "BISHKEK" is Bishkek
    return Mention(name, start, start + len(name), "city", label, proposed_class=TG.City, score=0.9)


def _held_in(ctx: _Ctx, k: int, sentences: list[int]) -> None:
    ev = ctx.events[k]
    subj = ev.mention
    assert subj is not None
    order = [ev.sentence] + [i for i in sentences if i > ev.sentence]
    s, e = ctx.sentences[ev.sentence]
    tour = re.search(r"\b(?:visit|tour|mission|trip)\s+to\s+(?P<a>[A-Z][\w’'\-]+)"
                     r"(?:(?:,\s+|\s+and\s+)(?P<b>[A-Z][\w’'\-]+))?(?:\s+and\s+(?P<c>[A-Z][\w’'\-]+))?", ctx.text[s:e])
    if tour and city(tour["a"]) and not _country(tour["a"]):
        # "a study visit to Vienna and Budapest": every city visited
        for g in ("a", "b", "c"):
            place = tour[g]
            known = city(place) if place else None
            if place and known and not _country(place):
                start = s + tour.start(g)
                obj = Mention(place, start, start + len(place), "city", known[0], proposed_class=TG.City, score=0.85)
                ctx.extra_mentions.append(obj)
                ctx.add("heldIn", subj, obj, (s, e), "event.visit-cities")
        return
    for i in order[:2]:
        s, e = ctx.sentences[i]
        seg = ctx.text[s:e]
        for m in re.finditer(r"\b(?:in|at)\s+(?:the\s+)?(?P<place>[A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+)?)"
                             r"(?P<tail>,\s+(?:[A-Z][\w’'\-]+\s+(?:district|province|region|oblast)|[A-Z][\w’'\-]+))?",
                             seg):
            place = m["place"]
            start = s + m.start("place")
            if seg[m.end("place"):m.end("place") + 4] == " of " or place.split()[0] in ("Republic", "Kingdom", "State"):
                continue
            graph_city = [x for x in ctx.mentions if x.start == start and x.kind == "city"]
            if any(x.start <= start < x.end and x.kind in ("organisation", "programme", "document", "person")
                   for x in ctx.mentions):
                continue
            tail = m["tail"] or ""
            known = city(place)
            tail_ok = bool(re.search(r"district|province|region|oblast", tail)) or (
                tail and _country(tail.strip(", ")) is not None)
            if graph_city:
                obj = graph_city[0]
            elif known and not _country(place):
                obj = Mention(place, start, start + len(place), "city", known[0], proposed_class=TG.City, score=0.9)
            elif tail_ok and not _country(place):
                obj = Mention(place, start, start + len(place), "city", place, proposed_class=TG.City, score=0.8)
            else:
                continue
            ctx.extra_mentions.append(obj)
            ctx.add("heldIn", subj, obj, (s, e), "event.in-place")
            return
    s, e = ctx.sentences[ev.sentence]
    visit = re.search(r"\b(?:visit(?:ed|s)?|mission|travelled|traveled)\s+(?:to\s+)?(?:the\s+)?", ctx.text[s:e])
    dest = _next_mention(ctx, s + visit.end(), ("country",), 0) if visit else None
    dest_country = _country(dest.label) if dest is not None else None
    if dest is not None and dest_country is not None and dest_country.alpha2 != ctx.dateline_code:
        # "Strasbourg, … – GRETA conducted a visit to Georgia": the dateline is where the release was issued
        ctx.add("heldIn", subj, dest, (s, e), "event.visit-country")
        return
    if k == 0 and ctx.dateline_place is not None:
        ctx.extra_mentions.append(ctx.dateline_place)
        ctx.add("heldIn", subj, ctx.dateline_place, ctx.dateline, "event.dateline-place")
        return
    # no city named: the country, when the sentence that introduces the event says "in <country>"
    s, e = ctx.sentences[ev.sentence]
    for m in re.finditer(r"\b(?:in|at)\s+(?:the\s+)?", ctx.text[s:e]):
        c = _next_mention(ctx, s + m.end(), ("country",), 0)
        if c is not None:
            ctx.add("heldIn", subj, c, (s, e), "event.in-country")
            return


def _event_dates(ctx: _Ctx, k: int, sentences: list[int]) -> None:
    ev = ctx.events[k]
    subj = ev.mention
    assert subj is not None
    order = [ev.sentence] + [i for i in sentences if i != ev.sentence]
    month: tuple[DateSpan, tuple[int, int]] | None = None
    for i in order[:4]:
        s, e = ctx.sentences[i]
        dates = [d for d in find_dates(ctx.text[s:e], year=ctx.year, offset=s)
                 if not _is_dateline_date(ctx, d) and d.rule != "month-range"]
        days = [d for d in dates if d.precision == "day"]
        if days:
            _date_pair(ctx, subj, days[0], (s, e), "event.date")
            return
        if dates and month is None:
            month = (dates[0], (s, e))  # "In March 2024": used only when no sentence near gives the day
    if month is not None:
        _date_pair(ctx, subj, month[0], month[1], "event.date")
        return
    if k == 0 and ctx.dateline_date is not None:
        _date_pair(ctx, subj, ctx.dateline_date, ctx.dateline, "event.dateline-date")


def _inherit(ctx: _Ctx, parent: int, sub: Mention) -> None:
    """A session within an event took place on its dates and at its place."""
    label = ctx.events[parent].label
    for c in list(ctx.candidates):
        if c.subject.label == label and c.relation in ("startDate", "endDate", "heldIn"):
            ctx.add(c.relation, sub, c.object, c.evidence, "event.sub-event")


def _date_pair(ctx: _Ctx, subj: Mention, d: DateSpan, evidence: tuple[int, int], rule: str) -> None:
    ctx.add("startDate", subj, Value(d.text, d.start, d.end, d.start_value, "date", d.precision), evidence, rule)
    ctx.add("endDate", subj, Value(d.text, d.start, d.end, d.end_value, "date", d.precision), evidence, rule)


# --- the rules over sentences ------------------------------------------------------------------------------
_ORG = ("organisation",)
_ORG_C = ("organisation", "country")
_PROG = ("programme",)


def _current_programme(ctx: _Ctx, pos: int) -> Mention | None:
    """The programme a "the project"/"this initiative" at ``pos`` refers to."""
    framed = {c.object.label for c in ctx.candidates if c.relation in ("withinFrameworkOf", "partOf")
              and isinstance(c.object, Mention)}
    progs = [m for m in ctx.mentions if m.kind == "programme" and m.end <= pos]
    subjects = [m for m in progs if m.label not in framed]
    pick = subjects or progs
    if pick:
        return pick[-1]
    later = [m for m in ctx.mentions if m.kind == "programme"]
    return later[0] if len(later) == 1 else None


def _sentence_subject(ctx: _Ctx, s: int, e: int, upto: int, events: list[int]) -> tuple[str, Mention | None]:
    """What a funding/implementation phrase at ``upto`` is about: ("programme", P) or ("event", None)."""
    seg = ctx.text[s:upto]
    rel = list(re.finditer(r",?\s+(?:which|that)\b", seg))
    if rel:
        p = _prev_mention(ctx, s + rel[-1].start() + 1, _PROG, 40)
        if p is not None:
            return "programme", p
        if re.search(r"(?i)project|programme|initiative", seg[max(0, rel[-1].start() - 30):rel[-1].start()]):
            return "programme", _current_programme(ctx, s + rel[-1].start())
    last_prog = _prev_mention(ctx, upto, _PROG, upto - s)
    by_agent = r"\b(?:organi[sz]ed|conducted|hosted|delivered|convened)\s+by\s+(?:the\s+)?$"
    if last_prog is not None and re.search(by_agent, ctx.text[max(s, last_prog.start - 30):last_prog.start]) and events:
        return "event", None  # "The course was conducted by the P, with funding from B": B funded the course
    if last_prog is not None and re.match(r"^[”\"’]?\)?(?:\s*\([^)]*\))?\s*,?\s*"
                                          r"(?:[^.;]*?\b(?:implemented|funded|run|managed)\s+by\s+[^,;.]*)?$",
                                          ctx.text[last_prog.end:upto]):
        return "programme", last_prog  # "X (ACR), implemented by A with funding from B"
    first_prog = next((m for m in ctx.mentions if m.kind == "programme" and s <= m.start < upto), None)
    ana = _PROG_ANAPHOR.search(seg)
    ev_ref = next((m for m in _EVENT_PHRASE.finditer(seg)), None)
    plural = _PLURAL_EVENTS.search(seg)
    cands: list[tuple[int, str, Mention | None]] = []
    if first_prog is not None:
        cands.append((first_prog.start - s, "programme", first_prog))
    if ana is not None:
        cands.append((ana.start(), "programme", _current_programme(ctx, s + ana.start())))
    if ev_ref is not None:
        cands.append((ev_ref.start(), "event", None))
    if plural is not None:
        cands.append((plural.start(), "event", None))
    if re.match(r"\s*(?:It|They)\b", seg) and events:
        cands.append((0, "event", None))
    if not cands:
        return ("event", None) if events else ("none", None)
    cands.sort(key=lambda t: t[0])
    # a programme inside a framework phrase ("under the X project") is no subject
    for _off, kind, m in cands:
        if kind == "programme" and m is not None and m.start > s:
            before = ctx.text[max(s, m.start - 45):m.start]
            if re.search(r"(?:under|framework of|part of|umbrella of)\s+(?:the\s+)?(?:[\w\-]+\s+){0,3}$", before) and \
                    any(k2 == "event" for _, k2, _ in cands):
                continue
        return kind, m
    return cands[0][1], cands[0][2]


def _rules(ctx: _Ctx, per: list[list[int]]) -> None:
    text = ctx.text
    for i, (s, e) in enumerate(ctx.sentences):
        seg = text[s:e]
        in_body = s < ctx.body_end
        evs: list[Mention] = [m for k in per[i] if (m := ctx.events[k].mention) is not None] if in_body else []
        ev = evs[0] if len(evs) == 1 else None
        ev_all = evs

        # funding: "EU-funded X"
        for m in [m for m in ctx.mentions if s <= m.start and m.end <= e and m.kind in _ORG_C]:
            fm = _X_FUNDED.match(text, m.end)
            if fm:
                prog = _next_mention(ctx, fm.end(), _PROG, 40)
                if prog is not None and prog.end <= e:
                    ctx.add("funds", m, prog, (m.start, prog.end), "funding.x-funded")
        # funding: "funded by X", "with the support of X"
        for rx, rule in ((_FUNDED_BY, "funded-by"), (_SUPPORT_OF, "support-of")):
            for t in rx.finditer(seg):
                funders = [f for f in _list_after(ctx, s + t.end(), e, _ORG_C) if not _X_FUNDED.match(text, f.end)]
                if not funders:
                    continue
                kind, funded = _sentence_subject(ctx, s, s + t.start(), s + t.start(), per[i] if in_body else [])
                if kind == "programme" and funded is not None:
                    for f in funders:
                        ctx.add("funds", f, funded, (s, e), f"funding.{rule}")
                elif kind == "event" and ev_all:
                    for x in ev_all:
                        for f in funders:
                            ctx.add("eventFundedBy", x, f, (s, e), f"event.{rule}")
        # a grant received from donors, for a programme named after "for"
        for t in _GRANT.finditer(seg):
            donors = _list_after(ctx, s + t.end(), e, _ORG_C)
            if not donors:
                continue
            rest = text[donors[-1].end:e]
            for_m = re.match(r"[^.;]{0,40}?\bfor\s+(?:the\s+)?(?:\w+\s+){0,6}?(?=[“\"A-Z])", rest)
            prog = _next_mention(ctx, donors[-1].end + for_m.end(), _PROG, 12) if for_m else None
            if prog is not None and prog.end <= e:
                for d in donors:
                    ctx.add("funds", d, prog, (s, e), "funding.grant-received")
        # implementation
        for t in _IMPL_ACTIVE.finditer(seg):
            org = _prev_mention(ctx, s + t.start() + 1, _ORG, 25)
            if org is None or org.start < s:
                continue
            prog = _next_mention(ctx, s + t.end(), _PROG, 60)
            rule = "implementation.active"
            between = seg[:t.start()]
            relm = re.search(r",?\s*(?:which|that)\s+[^,]*$", between)
            if relm:
                p2 = _prev_mention(ctx, s + relm.start() + 1, _PROG, 40)
                if p2 is not None:
                    prog, rule = p2, "implementation.relative"
            if prog is not None and prog.end <= e:
                ctx.add("implements", org, prog, (s, e), rule)
                _geography(ctx, prog, s + t.end(), s, e)
        for t in _IMPL_PASSIVE.finditer(seg):
            kind, prog = _sentence_subject(ctx, s, s + t.start(), s + t.start(), per[i] if in_body else [])
            if kind != "programme" or prog is None:
                continue
            for org in _list_after(ctx, s + t.end(), e, _ORG):
                ctx.add("implements", org, prog, (s, e), "implementation.passive")
            for p in _PARTNER.finditer(seg, t.end()):
                for org in _list_after(ctx, s + p.end(), e, _ORG):
                    ctx.add("partnerIn", org, prog, (s, e), "partner.in-partnership")
        # framework
        for t in _FRAMEWORK.finditer(seg):
            target = _next_mention(ctx, s + t.end(), _PROG + _ORG, 30)
            if target is not None and target.kind == "organisation" and target.entity not in ctx.dialogues and \
                    target.proposed_class != TG.IntergovernmentalDialogue:
                target = _next_mention(ctx, s + t.end(), _PROG, 30)
            if target is None or target.end > e:
                continue
            gap = text[s + t.end():target.start]
            if re.search(r"[,.;]", gap):
                continue
            word = t.group(0).strip().lower()
            prog = _prev_mention(ctx, s + t.start() + 1, _PROG, 25)
            if prog is not None and prog.start >= s and prog.label != target.label and word != "under":
                ctx.add("withinFrameworkOf", prog, target, (s, e), "framework.within")
                continue
            skind, sprog = _sentence_subject(ctx, s, s + t.start(), s + t.start(), per[i] if in_body else [])
            if skind == "programme" and sprog is not None and sprog.label != target.label and word != "under":
                ctx.add("withinFrameworkOf", sprog, target, (s, e), "framework.within")
            elif ev_all and target.kind == "programme":
                # a dialogue or process is an organisation: an event held within one gets no programme
                for x in ev_all:
                    ctx.add("underProgramme", x, target, (s, e), "framework.event-under")
        # a programme followed by its component in brackets: "GLO.ACT (PROTECT)"
        for m in [m for m in ctx.mentions if m.kind == "programme" and s <= m.start < e]:
            inner = re.match(r"\s*\(\s*", text[m.end:m.end + 4])
            if inner:
                part = _next_mention(ctx, m.end + inner.end(), _PROG, 0)
                if part is not None and part.label != m.label and text[part.end:part.end + 2].lstrip().startswith(")"):
                    ctx.add("partOf", part, m, (m.start, part.end + 1), "framework.component")
        for t in re.finditer(r"\bcomponent\s*\(\s*", seg):
            part = _next_mention(ctx, s + t.end(), _PROG, 0)
            parent = _current_programme(ctx, s + t.start())
            if part is not None and parent is not None and part.label != parent.label:
                ctx.add("partOf", part, parent, (s, e), "framework.component")
        # geography for programme sentences without an implementing verb
        if not _IMPL_ACTIVE.search(seg):
            kind, prog = _sentence_subject(ctx, s, e, e, [])
            if kind == "programme" and prog is not None and not (in_body and ev_all and _EVENT_PHRASE.search(seg)):
                _geography(ctx, prog, s, s, e, across=bool(_GEO_VERB.search(seg)))
        # programme periods
        for a, b, y1, y2 in find_year_ranges(seg, offset=s):
            prog = _prev_mention(ctx, a, _PROG, 2)
            if prog is None:
                # "“X,” a three-year project (2024–2027)": the period of the programme just named
                near = _prev_mention(ctx, a, _PROG, 60)
                if near is not None and re.fullmatch(r"[,”\"’]*\s+(?:a|an)\s+(?:[\w\-]+\s+){0,3}?"
                                                     r"(?:project|programme|program|initiative)\s*",
                                                     text[near.end:a]):
                    prog = near
            if prog is not None:
                span = (prog.start, b)
                ctx.add("startDate", prog, Value(text[a:b], a, b, y1, "date", "year"), span, "programme.period")
                ctx.add("endDate", prog, Value(text[a:b], a, b, y2, "date", "year"), span, "programme.period")
        _programme_runs(ctx, s, e)
        if not ev_all:
            continue
        _event_rules(ctx, i, s, e, ev, ev_all)


_RUNS = re.compile(r"\b(?:runs?|ran|running|will run|lasts?|lasting|spans?|spanning|is implemented|will be implemented|"
                   r"was implemented|period)\s+(?:\w+\s+){0,2}?(?:from|between)?\s*(?:\(\s*)?$")


def _programme_runs(ctx: _Ctx, s: int, e: int) -> None:
    """A programme's period in months or years: "X (March 2023 – February 2026)", "the project runs from
    March 2023 to February 2026", "which will run from 2024 to 2027"."""
    text = ctx.text
    seg = text[s:e]
    periods = [(d.start, d.end, d.start_value, d.end_value, d.precision) for d in find_dates(seg, offset=s)
               if d.rule == "month-range"]
    periods += [(a, b, y1, y2, "year") for a, b, y1, y2 in find_year_periods(seg, offset=s)]
    for a, b, v1, v2, precision in periods:
        prog = _prev_mention(ctx, a, _PROG, 2)
        if prog is None:
            if not _RUNS.search(text[max(s, a - 40):a]):
                continue
            kind, found = _sentence_subject(ctx, s, a, a, [])
            if kind != "programme" or found is None:
                continue
            prog = found
        ctx.add("startDate", prog, Value(text[a:b], a, b, v1, "date", precision), (s, e), "programme.runs")
        ctx.add("endDate", prog, Value(text[a:b], a, b, v2, "date", precision), (s, e), "programme.runs")


def _geography(ctx: _Ctx, prog: Mention, pos: int, s: int, e: int, *, across: bool = True) -> None:
    seg = ctx.text[pos:e]
    done: set[str] = set()
    for t in _GEO_ACROSS.finditer(seg) if across else ():
        countries = _list_after(ctx, pos + t.end(), e, ("country",), first_gap=0, strict_gap=True)
        for c in countries:
            if c.label not in done:
                done.add(c.label)
                ctx.add("operatesIn", prog, c, (s, e), "geography.across")
        if countries:
            break
    for t in _GEO_INCLUDING.finditer(seg):
        for c in _list_after(ctx, pos + t.end(), e, ("country",), first_gap=0):
            if c.label not in done:
                done.add(c.label)
                ctx.add("mentionsCountry", prog, c, (s, e), "geography.including")


def _event_rules(ctx: _Ctx, i: int, s: int, e: int, ev: Mention | None, evs: list[Mention]) -> None:
    text = ctx.text
    seg = text[s:e]
    targets = evs if ev is None else [ev]
    single = ev is not None
    # organisers
    for t in _ORGANISER_PASSIVE.finditer(seg):
        orgs = _list_after(ctx, s + t.end(), e, _ORG)
        back = re.match(r"the\s+(?P<head>Embassy|Ministry|Agency|Commission|Council|Committee|Office|Secretariat|"
                        r"Foundation|Delegation)\b(?!\s+(?:of|for|to)\b|[’']s)", seg[t.end():])
        if not orgs and back:
            # "hosted by the Embassy": the embassy the release named before
            head = back["head"].lower()
            named = [m for m in ctx.mentions if m.kind == "organisation" and m.end <= s + t.end() and
                     head in m.text.lower().split()]
            orgs = named[-1:]
        if not orgs:
            # "conducted by the UNODC Global Maritime Crime Programme": an agency's programme as its unit
            unit = _next_mention(ctx, s + t.end(), _PROG, 4)
            if unit is not None and re.match(r"[A-Z]{3,}\s+(?:Global|Regional)\s+[A-Z]", unit.text):
                orgs = [unit]
        co = bool(t["co"] or t["co2"])
        if orgs and re.match(r"[^.;]*?\b(?:together|jointly)\s+with\s+", seg[t.end():]):
            # "organised by A together with B": both organised it, neither alone
            rest = re.match(r"[^.;]*?\b(?:together|jointly)\s+with\s+", seg[t.end():])
            assert rest is not None
            orgs = orgs[:1] + _list_after(ctx, s + t.end() + rest.end(), e, _ORG)
            co = True
        for x in targets:
            for o in orgs:
                ctx.add("coOrganisedBy" if co else "organisedBy", x, o, (s, e),
                        "event.co-organiser" if co else "event.organiser-passive")
    created = any(k.sentence == i for k in ctx.events)
    if single and created:
        for t in _ORGANISER_ACTIVE.finditer(seg):
            before = seg[:t.start()]
            if re.search(r"\b(?:was|were|been|be|is|are)\s*$", before):
                continue
            subj = _subject_orgs(ctx, s, s + t.start())
            if not subj:
                continue
            verb = t["verb"].lower()
            if verb.startswith(_ORGANISER_VERBS):
                co = bool(t["co"]) or verb.startswith("co-")
                together = re.search(r"^[^.;]*?\b(?:together|jointly)\s+with\s+", seg[t.end():]) \
                    if verb.startswith(("organi", "host", "conven")) else None
                if together:
                    # "A organised the exchange … together with B": both organised it, neither alone
                    subj = subj + _list_after(ctx, s + t.end() + together.end(), e, _ORG)
                    co = True
                for o in subj:
                    ctx.add("coOrganisedBy" if co or (len(subj) > 1 and "jointly" in seg) else "organisedBy",
                            targets[0], o, (s, e), "event.co-organiser" if co else "event.organiser-active")
            else:
                cohost = re.search(r"\bco-?(?:hosted|organi[sz]ed|convened)\s+with\s+", seg[t.end():])
                partners = _list_after(ctx, s + t.end() + cohost.end(), e, _ORG_C) if cohost else []
                for o in subj + partners:
                    # "A and B presented the plan at an event co-hosted with C": all three organised it
                    ctx.add("coOrganisedBy" if partners else "attendedBy", targets[0], o, (s, e),
                            "event.co-hosted-with" if partners else "event.presenter")
            break
    for t in _COLLAB.finditer(seg):
        if "partnership" in t.group(0) and _IMPL_PASSIVE.search(seg[:t.start()]):
            continue  # "implemented by A in partnership with B": B is the programme's partner (partnerIn)
        for x in targets:
            for o in _list_after(ctx, s + t.end(), e, _ORG):
                ctx.add("inCollaborationWith", x, o, (s, e), "event.collaboration")
    for t in _PARTICIPATION.finditer(seg):
        for x in targets:
            for o in _list_after(ctx, s + t.end(), e, _ORG_C):
                ctx.add("attendedBy", x, o, (s, e), "event.participation")
    for t in _AUDIENCE.finditer(seg):
        kinds = _ORG_C if re.match(r"(?:governments|delegations|delegates)", t.group(0)) else _ORG
        for x in targets:
            for o in _list_after(ctx, s + t.end(), e, kinds, first_gap=4):
                ctx.add("attendedBy", x, o, (s, e), "event.audience")
    for t in _BROUGHT.finditer(seg):
        for x in targets:
            for o in ctx.within(s + t.end(), e, _ORG):
                if not text[o.end:o.end + 2].startswith(("'s", "’s")):
                    ctx.add("attendedBy", x, o, (s, e), "event.brought-together")
    for t in _RECIPIENT.finditer(seg):
        rec = _next_mention(ctx, s + t.end(), _ORG, 8)
        if rec is not None and rec.end <= e:
            for x in targets:
                ctx.add("attendedBy", x, rec, (s, e), "event.recipient")
    # unnamed post holders: "the Deputy Head (Legal Unit) of the Ministry of Justice stressed", a post without a name
    for t in re.finditer(r"\b(?:the|a|an)\s+(?:(?:[A-Z][\w\-]*)\s+){0,3}(?:Director|Minister|Secretary|Head|Chief|"
                         r"Officer|Commissioner|Chairperson|Chair|Representative|Coordinator|Ambassador)"
                         r"(?:\s+General)?\s*(?:\([^)]{0,40}\)\s*)?(?:of|at|from)\s+(?:the\s+)?", seg):
        body = _next_mention(ctx, s + t.end(), _ORG, 0)
        if body is not None and body.end <= e and not text[body.end:body.end + 2].startswith(("'s", "’s")):
            for x in targets:
                ctx.add("attendedBy", x, body, (s, e), "event.post-holder")
    for t in re.finditer(r"\b(?:remarks|presentations?|statements?|speeches)\s+(?:from|by)\s+", seg):
        for o in ctx.within(s + t.end(), e, _ORG):
            for x in targets:
                ctx.add("attendedBy", x, o, (s, e), "event.remarks-from")
    # counts
    if single:
        _counts(ctx, s, e, targets[0])
    # documents discussed
    docs = ctx.within(s, e, ("document",))
    if _DISCUSS.search(seg):
        for d in docs:
            for x in targets:
                ctx.add("discusses", x, d, (s, e), "document.discussed")
    elif ev is not None and ev.start >= s and ev.end <= e:
        # "a training of trainers in Bishkek on the Standard Operating Procedures …": the event's subject
        for d in docs:
            if d.start > ev.start and re.search(r"\b(?:on|about)\s+(?:the\s+)?(?:new\s+|draft\s+|revised\s+)?$",
                                                text[max(s, d.start - 24):d.start]) and \
                    not re.search(r"[.;]", text[ev.start:d.start]) and d.start - ev.end < 60:
                ctx.add("discusses", ev, d, (s, e), "document.event-subject")
    # remarks
    if single and _SPEECH.search(seg):
        for p in ctx.within(s, e, ("person",)):
            ctx.add("gaveRemarksAt", p, targets[0], (s, e), "person.remarks")


def _subject_orgs(ctx: _Ctx, s: int, upto: int) -> list[Mention]:
    """Organisations acting as the subject before a verb, skipping prepositional phrases."""
    text = ctx.text
    out: list[Mention] = []
    for m in ctx.mentions:
        if m.kind != "organisation" or not (s <= m.start and m.end <= upto):
            continue
        if m.start < ctx.dateline[1] and ctx.dateline[1] > 0 and m.start < ctx.dateline[1]:
            continue
        before = text[s:m.start]
        if before.count("(") > before.count(")"):
            continue  # inside brackets: "the Khartoum Process (EU–Horn of Africa …) held" is the process's
        clause = re.split(r"[,;(–—]", before)[-1]
        if re.search(r"(?i)\b(?:under|within|as part of|with|in|funded|supported|by|for|from|of|through|on behalf of|"
                     r"to|at|and its)\b", clause):
            continue
        tail = text[m.end:m.end + 12]
        if _X_FUNDED.match(tail) or tail.startswith(("'s", "’s")):
            continue
        if out and out[-1].label == m.label:
            continue
        out.append(m)
    return out


_BOUND = re.compile(r"(?i)\b(?:more than|over|at least|nearly|almost|up to|fewer than|less than|under|close to|"
                    r"upwards of|in excess of)\s+$")


def _counts(ctx: _Ctx, s: int, e: int, ev: Mention) -> None:
    seg = ctx.text[s:e]
    total = None
    for m in _COUNT.finditer(seg):
        n = count_value(m["n"])
        if n is None or n > 100000 or re.match(r"(?:19|20)\d\d$", m["n"]):
            continue
        if not _COUNT_TRIGGER.search(seg) and not re.fullmatch(r"\s*Of the\s+", seg[:m.start()]):
            continue  # ("Of the 57 participants, 40 were women" states the total too)
        if _BOUND.search(seg[max(0, m.start() - 16):m.start()]):
            break  # "more than 60 participants" states a bound, not the count
        total = (n, s + m.start(), s + m.end())
        break
    fem = next((x for x in _FEMALE.finditer(seg) if count_value(x["n"]) is not None), None)
    male = next((x for x in _MALE.finditer(seg) if count_value(x["n"]) is not None), None)
    has_total = any(c.relation == "participantCount" and c.subject.label == ev.label for c in ctx.candidates)
    if total is not None:
        n, a, b = total
        ctx.add("participantCount", ev, Value(ctx.text[a:b], a, b, n, "count"), (s, e), "count.total")
    elif fem is not None and male is not None and not has_total:
        f, mm = count_value(fem["n"]), count_value(male["n"])
        assert f is not None and mm is not None
        a, b = s + min(fem.start(), male.start()), s + max(fem.end(), male.end())
        ctx.add("participantCount", ev, Value(ctx.text[a:b], a, b, f + mm, "count"), (s, e), "count.sum")
    if fem is not None and (total is not None or has_total or male is not None or re.search(
            r"(?i)participants|took part|attended|among them", seg)):
        f = count_value(fem["n"])
        assert f is not None
        if total is None or f <= total[0]:
            a, b = s + fem.start(), s + fem.end()
            ctx.add("femaleParticipantCount", ev, Value(ctx.text[a:b], a, b, f, "count"), (s, e), "count.female")


# --- people -------------------------------------------------------------------------------------------------------
def _people_rules(ctx: _Ctx) -> None:
    text = ctx.text
    for p in [m for m in ctx.mentions if m.kind == "person"]:
        if p.start >= ctx.body_end:
            continue
        tail = text[p.end:p.end + 220]
        am = re.match(r",\s+(?:the\s+)?(?P<post>[^,;.“”\"]+?)(?:,\s+(?P<post2>[^,;.“”\"]+?))?(?=,|\.|;|[“”\"]|$)", tail)
        org = None
        post = ""
        if am:
            a, b = p.end + am.start("post"), p.end + am.end("post")
            orgs = ctx.within(a, b, _ORG)
            post = am["post"]
            if not orgs and am["post2"]:
                a2, b2 = p.end + am.start("post2"), p.end + am.end("post2")
                orgs = ctx.within(a2, b2, _ORG)
            if orgs:
                org = orgs[0]
                cut = re.split(r"\s+(?:of|at|from|with|in)\s+(?:the\s+)?", post)[0] if org.start > a else \
                    text[org.end:b].strip(" ,")
                post = cut or post
                ctx.add("holdsPostIn", p, org, (p.start, b), "person.post", detail=post.strip())
                continue
            back = _BACK_REFERENCE.search(am["post"])
            if back:
                # "State Secretary of the Ministry": the body of that head named last before the person
                head = back["head"].lower()
                named = [m for m in ctx.mentions if m.kind == "organisation" and m.end <= p.start and
                         head in m.text.lower().split()]
                if named:
                    ctx.add("holdsPostIn", p, named[-1], (p.start, b), "person.post-back-reference",
                            detail=am["post"][:back.start()].strip())
                continue
            mo = _MINISTER_OF.search(am["post"])
            if mo:
                what = re.sub(r"^the\s+", "", mo["what"])
                target = "ministry of " + what.lower()
                same = [m for m in ctx.mentions if m.kind == "organisation" and
                        (m.label.lower().startswith(target) or m.text.lower().startswith(target))]
                ms, me = a + mo.start(), a + mo.end()
                if same:
                    obj = Mention(text[ms:me], ms, me, "organisation", same[0].label, same[0].entity,
                                  same[0].proposed_class, same[0].score)
                else:
                    obj = Mention(text[ms:me], ms, me, "organisation", f"Ministry of {what}",
                                  proposed_class=TG.GovernmentMinistry, score=0.6)
                ctx.extra_mentions.append(obj)
                ctx.add("holdsPostIn", p, obj, (p.start, b), "person.post-derived", detail=post.strip())
                continue
        # "Sajid Mehmood of the Pakistan Overseas Employment Promoters Association said"
        om = re.match(r"\s+(?:of|from)\s+(?:the\s+)?", tail)
        if om:
            org = _next_mention(ctx, p.end + om.end(), _ORG, 0)
            if org is not None:
                ctx.add("holdsPostIn", p, org, (p.start, org.end), "person.member-of", detail="")
                continue
        # "IOM Chief of Mission Ananya Rattanakorn"
        before = text[max(0, p.start - 80):p.start]
        pm = re.search(r"(?P<post>(?:[A-Z][\w\-]*\s+){1,4}(?:of\s+Mission\s+)?)$", before)
        if pm:
            a = p.start - len(before) + pm.start("post")
            inside = ctx.within(a, p.start, _ORG)
            org = inside[0] if inside and inside[0].start == a else _prev_mention(ctx, a, _ORG, 1)
            post = text[org.end:p.start].strip() if inside and org is inside[0] else pm["post"].strip()
            if org is not None and post and post.split()[0].lower() in _POST_STARTS:
                ctx.add("holdsPostIn", p, org, (org.start, p.end), "person.post", detail=post)


#: A post "of the Ministry" names the ministry the release has named already.
_BACK_REFERENCE = re.compile(r"\s+of\s+the\s+(?P<head>Ministry|Agency|Department|Commission|Council|Committee|"
                             r"Embassy|Office|Service|Directorate|Foundation|Secretariat|Authority|Bureau)\s*$")
_POST_STARTS = frozenset([
    "chief", "head", "director", "deputy", "minister", "ambassador", "representative", "coordinator", "officer",
    "manager", "adviser", "advisor", "chair", "chairperson", "commissioner", "secretary", "senior", "national",
    "regional", "programme", "project", "country", "executive", "president", "vice", "acting", "assistant", "special"
])


def _contact_block(ctx: _Ctx) -> None:
    text = ctx.text
    people = [m for m in ctx.mentions if m.kind == "person" and m.start >= ctx.body_end]
    for k, p in enumerate(people):
        stop = people[k + 1].start if k + 1 < len(people) else len(text)
        line_end = text.find("\n", p.end)
        # "Contact: Ana Petrović, Project Manager, ICMPD": the post and the body on the person's line
        same = re.match(r",\s*(?P<post>[^,\n]{3,80}?),\s*", text[p.end:line_end if line_end >= 0 else len(text)])
        if same and any(w.lower() in _POST_WORDS for w in same["post"].split()):
            orgs = ctx.within(p.end + same.end(), line_end if line_end >= 0 else len(text), _ORG)
            if orgs and orgs[0].start == p.end + same.end():
                ctx.add("holdsPostIn", p, orgs[0], (p.start, orgs[0].end), "person.contact-line",
                        detail=same["post"].strip())
                continue
        if line_end < 0 or line_end > stop:
            continue
        lines = [(m.start() + line_end, m.end() + line_end) for m in re.finditer(r"[^\n]+", text[line_end:stop])]
        if not lines:
            continue
        post = text[lines[0][0]:lines[0][1]].strip()
        org = None
        for a, b in lines:
            orgs = ctx.within(a, b, _ORG)
            if orgs:
                org = orgs[0]
        if org is not None:
            ctx.add("holdsPostIn", p, org, (p.start, lines[-1][1]), "person.contact", detail=post)


# --- the pipeline ---------------------------------------------------------------------------------------
def extract(release: Release, index: EntityIndex) -> Extraction:
    """Read one release into mentions and candidate facts (pure; nothing is written anywhere)."""
    warnings: list[str] = []
    release = replace(release)  # the dateline may give the release date: fill it in on a copy, not the caller's
    if release.language and release.language != "en":
        warnings.append(f"the release is written in another language ({release.language}), not English: "
                        "no facts were read from it")
        return Extraction(release, [], [], warnings, EXTRACTOR_VERSION)
    text = release.text
    engine = engine_for(index)
    found = recognise(text, index, engine)
    found = _acronym_aliases(text, found)
    found = _propagate(text, choose(found))
    year = int(release.published[:4]) if release.published[:4].isdigit() else None
    ctx = _Ctx(release, text, [], _sentences(text), year)
    ctx.mentions = [_to_mention(f) for f in found if f.kind]
    code = _dateline(ctx, found)
    ctx.dateline_code = code
    if ctx.year is None and ctx.dateline_date is not None:
        ctx.year = int(ctx.dateline_date.start_value[:4]) if ctx.dateline_date.has_year else None
    if ctx.year is None:
        years = re.findall(r"\b(20\d\d)\b", text)
        ctx.year = int(years[0]) if years else None
        if ctx.year is not None:
            warnings.append(f"no release date was given: dates without a year were read as {ctx.year}")
    ctx.countries = _context_countries(text, found, code)
    ctx.dialogues = {e.iri for e in index.entries.values() if e.cls == TG.IntergovernmentalDialogue}
    found = resolve(found, index, ctx.countries)
    ctx.mentions = sorted((_to_mention(f) for f in found if f.kind and f.kind != "theme"), key=lambda m: m.start)
    contact = _CONTACT.search(text)
    ctx.body_end = contact.start() if contact else len(text)
    sep = re.search(r"^\s*(?:\*{3,}|About the (?:project|programme|initiative)|About [A-Z][\w.\-]+\s*$)", text, re.M)
    about = sep.start() if sep and sep.start() < ctx.body_end else ctx.body_end
    per = _find_events(ctx)
    for ev in ctx.events:
        ev.mention = Mention(ev.text, ev.start, ev.end, "event", ev.label, score=0.9)
    # sentences of the closing "about" paragraph speak of the programme, not of the event
    for i, (s, _e) in enumerate(ctx.sentences):
        if s >= about:
            per[i] = []
    for k, ev in enumerate(ctx.events):
        mine = [i for i, ks in enumerate(per) if k in ks]
        if ev.parent is not None and ev.mention is not None:
            _inherit(ctx, ev.parent, ev.mention)
            continue
        _event_dates(ctx, k, mine)
        _held_in(ctx, k, mine)
    _rules(ctx, per)
    _people_rules(ctx)
    _contact_block(ctx)
    mentions = ctx.mentions + [ev.mention for ev in ctx.events if ev.mention is not None] + ctx.extra_mentions
    seen: set[tuple[int, int, str]] = set()
    uniq = []
    for m in sorted(mentions, key=lambda m: (m.start, m.end)):
        key = (m.start, m.end, m.label)
        if key not in seen:
            seen.add(key)
            uniq.append(m)
    cands: list[Candidate] = []
    keys: set[str] = set()
    for c in ctx.candidates:
        if c.key in keys:
            continue
        keys.add(c.key)
        cands.append(c)
    if not ctx.events and not cands:
        warnings.append("no event, programme or relation was recognised in this release")
    return Extraction(release, uniq, cands, warnings, EXTRACTOR_VERSION)

