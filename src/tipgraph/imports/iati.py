"""IATI activity files (standard 2.0x) into checked source graphs: ``tipgraph import iati``.

Each file becomes one source document (its catalogue entry in ``tgd:graph-sources``) and one
named graph of facts, added through :meth:`KnowledgeGraph.add_files` (validated together with
the store, all or nothing). What an activity says lands here:

* the activity is a programme (``tgd:prg-…`` derived from its ``iati-identifier``, so a
  re-import, or a file that names the activity before its own file is read, gives the same
  IRI), labelled with its titles in every language, described with its descriptions;
* ``participating-org`` roles 1–4 are engagements (funding, accountable, extending,
  implementing); organisations are matched by ``@ref`` (``tg:orgIdentifier``) first, then by
  exact label, else added; the recipient countries and regions go on the implementing ones;
* ``recipient-country`` / ``recipient-region`` are recipient shares with their percentages;
* ``activity-date`` types 1–4 are the planned / actual start and end; ``activity-status``;
* ``related-activity`` types 1–5 are kept as identifiers and, once both activities are in the
  graph, stated as ``tg:withinFrameworkOf`` (parent, child), ``tg:siblingOf``,
  ``tg:coFundedWith`` and ``tg:thirdPartyReportOf``, whichever file comes first;
* ``budget`` and ``transaction`` are funding flows (amount, currency, day or period, provider,
  receiver, their activities, kind);
* DAC sector codes are kept, and those that correspond to a theme are stated as ``tg:addresses``.

The XML is read safely: no DTD (a file that declares one is refused before it is parsed), no
entity expansion, no network, no huge text nodes, a size limit (``TIPGRAPH_MAX_INPUT_MB``).

>>> from tipgraph.imports.iati import activity_iri
>>> activity_iri("XM-DAC-41114-PRJ-1") == activity_iri("XM-DAC-41114-PRJ-1")
True
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from .. import countries
from ..curation import ALPHABET
from ..errors import BadInputError, InputLimitError
from ..files import atomic_write
from ..kg import AddReport, KnowledgeGraph
from ..loading import MAX_INPUT_ENV, input_limits
from ..namespace import PREFIXES, TG, TGD
from . import iati_codes

__all__ = ["ImportReport", "activity_iri", "import_iati", "organisation_iri", "read_iati"]

#: Graph of every source's catalogue entry.
SOURCES_GRAPH = TGD["graph-sources"]
#: Where a file's catalogue entry points when ``url`` is not given: its IATI Registry dataset page.
REGISTRY_URL = "https://iatiregistry.org/dataset/"

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_VERSION = re.compile(r"2\.0[0-9]")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?")
_LANG = re.compile(r"[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{1,8})*")
_ROLES = {"1": TG.FundingRole, "2": TG.AccountableRole, "3": TG.ExtendingRole, "4": TG.ImplementingRole}
#: Transactions whose provider is, unless stated, the reporting organisation (money going out) ...
_OUTGOING = {"2", "3", "4", "5", "6", "7", "8", "10", "12"}
#: ... and those whose receiver is (money coming in).
_INCOMING = {"1", "9", "11", "13"}
_RELATION_IDS = {"1": TG.parentActivityId, "2": TG.childActivityId, "3": TG.siblingActivityId,
                 "4": TG.coFundedActivityId, "5": TG.thirdPartyActivityId}
_ORG_TYPES = {"10": TG.GovernmentBody, "11": TG.GovernmentBody, "15": TG.GovernmentBody,
              "21": TG.CivilSocietyOrganisation, "22": TG.CivilSocietyOrganisation,
              "23": TG.CivilSocietyOrganisation, "24": TG.CivilSocietyOrganisation,
              "40": TG.IntergovernmentalOrganisation}
_MAX_PROBLEMS = 20


# ---------------------------------------------------------------------------
# Identifiers
# ---------------------------------------------------------------------------
def _hashed(kind: str, *parts: str) -> str:
    digest = int.from_bytes(hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()[:16], "big")
    chars = []
    for _ in range(10):
        digest, rest = divmod(digest, len(ALPHABET))
        chars.append(ALPHABET[rest])
    return f"{kind}-{''.join(chars)}"


def activity_iri(identifier: str) -> URIRef:
    """The programme IRI of an IATI activity: the same for the same ``iati-identifier``, always.

    >>> str(activity_iri("GB-1-204567")).startswith("https://w3id.org/tipgraph/id/prg-")
    True
    """
    return TGD[_hashed("prg", "iati-activity", identifier.strip())]


def organisation_iri(ref: str | None, name: str | None) -> URIRef:
    """The IRI of an organisation an IATI file introduces: from its ``@ref``, else from its name.

    >>> organisation_iri("XM-DAC-41114", None) == organisation_iri("XM-DAC-41114", "UNDP")
    True
    """
    if ref:
        return TGD[_hashed("org", "iati-org", ref.strip())]
    return TGD[_hashed("org", "iati-org-name", countries.normalise(name or ""))]


# ---------------------------------------------------------------------------
# Safe reading
# ---------------------------------------------------------------------------
def _where(el: Any) -> str:
    return f"line {el.sourceline} <{el.tag}>"


class _Problems:
    """The problems found in one file, reported together (the first one's line is the location)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[tuple[int | None, str]] = []

    def add(self, el: Any, message: str) -> None:
        self.items.append((getattr(el, "sourceline", None), f"<{el.tag}>: {message}"))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        self.items.sort(key=lambda item: item[0] or 0)
        line, first = self.items[0]
        if len(self.items) == 1:
            raise BadInputError(first, path=str(self.path), line=line)
        listed = "\n".join(f"  {self.path}:{ln}: {msg}" for ln, msg in self.items[:_MAX_PROBLEMS])
        more = f"\n  ... and {len(self.items) - _MAX_PROBLEMS} more" if len(self.items) > _MAX_PROBLEMS else ""
        raise BadInputError(f"{len(self.items)} problems in this IATI file, nothing was imported:\n{listed}{more}",
                            path=str(self.path), line=line)


def _read_bytes(path: Path) -> bytes:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise BadInputError("no such file; check the path", path=str(path)) from None
    except OSError as exc:
        raise BadInputError(f"cannot read this file ({exc.strerror or exc})", path=str(path)) from None
    if not stat.S_ISREG(st.st_mode):
        raise BadInputError("this is not a regular file; give an IATI activity file (.xml)", path=str(path))
    limit = input_limits().max_mb
    if limit is not None and st.st_size > limit * 1024 * 1024:
        raise InputLimitError(f"the file is {st.st_size / 2**20:,.1f} MiB, over the input limit of {limit:,} MiB; "
                              f"split it, or raise the limit with {MAX_INPUT_ENV}=N (MiB, 0 = no limit)",
                              path=str(path))
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit * 1024 * 1024 + 1 if limit is not None else -1)
    except OSError as exc:
        raise BadInputError(f"cannot read this file ({exc.strerror or exc})", path=str(path)) from None
    if limit is not None and len(data) > limit * 1024 * 1024:
        raise InputLimitError(f"the file grew past the input limit of {limit:,} MiB while it was read",
                              path=str(path))
    return data


def read_iati(path: str | Path, data: bytes | None = None) -> Any:
    """Parse an IATI activity file safely and return its ``<iati-activities>`` element.

    A file that declares a DTD is refused before it is parsed (IATI files have none, and a DTD
    is how entity bombs and external entities get in); the parser itself expands no entity,
    loads nothing from the network and refuses huge text nodes. A file that is not well-formed,
    not an IATI activity file or not of version 2.0x is refused, saying why.

    >>> read_iati("x.xml", b'<iati-activities version="1.05"/>')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    tipgraph.errors.BadInputError: x.xml:1: this is an IATI file of version 1.05; tipgraph reads version 2.0x ...
    """
    from lxml import etree

    path = Path(path)
    if data is None:
        data = _read_bytes(path)
    first_element = re.search(rb"<[A-Za-z_]", data)
    doctype = data.find(b"<!DOCTYPE")
    if doctype >= 0 and (first_element is None or doctype < first_element.start()):
        raise BadInputError("the file declares a DTD (<!DOCTYPE ...>); IATI activity files have none and tipgraph "
                            "reads no DTD, entity or external file: remove the declaration",
                            path=str(path), line=data.count(b"\n", 0, doctype) + 1)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_pis=True, remove_comments=True, collect_ids=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise BadInputError(f"not well-formed XML: {exc.msg}", path=str(path), line=exc.lineno,
                            column=exc.offset) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise BadInputError("the file declares a DTD; IATI activity files have none: remove the declaration",
                            path=str(path), line=1)
    if root.tag == "iati-organisations":
        raise BadInputError("this is an IATI organisation file, not an activity file (<iati-activities>); "
                            "give the publisher's activity files", path=str(path), line=root.sourceline)
    if root.tag != "iati-activities":
        raise BadInputError(f"not an IATI activity file: the root element is <{root.tag}>, not <iati-activities>",
                            path=str(path), line=root.sourceline)
    version = (root.get("version") or "").strip()
    if not version:
        raise BadInputError("<iati-activities> has no @version; tipgraph reads IATI version 2.0x (2.01 to 2.03): "
                            "add version=\"2.03\" if the file follows 2.03", path=str(path), line=root.sourceline)
    if not _VERSION.fullmatch(version):
        raise BadInputError(f"this is an IATI file of version {version}; tipgraph reads version 2.0x (2.01 to 2.03): "
                            "convert it to 2.03 first (the IATI Standard publishes how)",
                            path=str(path), line=root.sourceline)
    return root


# ---------------------------------------------------------------------------
# Reading values
# ---------------------------------------------------------------------------
def _children(el: Any, tag: str) -> Iterator[Any]:
    return (c for c in el if c.tag == tag)


def _child(el: Any, tag: str) -> Any:
    return next(_children(el, tag), None)


def _narratives(el: Any, default_lang: str, problems: _Problems) -> list[tuple[str, str]]:
    """(text, language) of an element's narratives (or its own text, as IATI 1.x wrote it)."""
    if el is None:
        return []
    out = []
    for n in _children(el, "narrative"):
        text = " ".join((n.text or "").split())
        if not text:
            continue
        lang = (n.get(_XML_LANG) or default_lang).strip().lower()
        if not _LANG.fullmatch(lang):
            problems.add(n, f"xml:lang {lang!r} is not a language code (write an ISO 639-1 code such as \"en\")")
            continue
        out.append((text, lang))
    return out


def _date(el: Any, attr: str, problems: _Problems, *, required: bool = True) -> _dt.date | None:
    raw = (el.get(attr) or "").strip()
    if not raw:
        if required:
            problems.add(el, f"@{attr} is missing; give the day as YYYY-MM-DD")
        return None
    m = _DATE.fullmatch(raw)
    try:
        if m is None:
            raise ValueError
        return _dt.date.fromisoformat(m.group(1))
    except ValueError:
        problems.add(el, f"@{attr} {raw!r} is not a date; write it as YYYY-MM-DD")
        return None


def _decimal(text: str | None, el: Any, what: str, problems: _Problems) -> Decimal | None:
    raw = (text or "").strip()
    try:
        value = Decimal(raw)
        if not value.is_finite():
            raise InvalidOperation
        return value
    except InvalidOperation:
        problems.add(el, f"{what} {raw!r} is not a number; write it as digits with a decimal point (1500000.00)")
        return None


def _decimal_literal(value: Decimal) -> Literal:
    text = f"{value:f}"
    return Literal(text if "." in text else text + ".0", datatype=XSD.decimal)


def _code(el: Any, attr: str, codelist: str, problems: _Problems, *, default: str | None = None) -> str | None:
    raw = (el.get(attr) or "").strip() or default
    table = iati_codes.codes(codelist)
    if raw is None:
        problems.add(el, f"@{attr} is missing; give one of the {codelist} codes: "
                     + ", ".join(f"{c} {n}" for c, n in table.items()))
        return None
    if raw not in table:
        problems.add(el, f"@{attr}={raw!r} is not an IATI {codelist} code; use one of: "
                     + ", ".join(f"{c} ({n})" for c, n in table.items()))
        return None
    return raw


def _currency(code: str | None, el: Any, problems: _Problems) -> str | None:
    import pycountry

    if not code:
        problems.add(el, "no currency: give the <value> a @currency or the activity a @default-currency (ISO 4217)")
        return None
    if pycountry.currencies.get(alpha_3=code) is None:
        problems.add(el, f"currency {code!r} is not an ISO 4217 code (for example EUR, USD, GBP)")
        return None
    return code


# ---------------------------------------------------------------------------
# What the store already holds
# ---------------------------------------------------------------------------
@dataclass
class _Known:
    """Organisations, places, programmes and open references already in the store (or added in this run)."""

    org_by_ref: dict[str, URIRef] = field(default_factory=dict)
    org_by_label: dict[str, set[URIRef]] = field(default_factory=dict)
    org_label: dict[URIRef, str] = field(default_factory=dict)
    org_refs: set[tuple[URIRef, str]] = field(default_factory=set)
    country: dict[str, URIRef] = field(default_factory=dict)
    defined: set[URIRef] = field(default_factory=set)
    programmes: dict[str, URIRef] = field(default_factory=dict)
    #: activity id -> (programme, relation property) of the references made to it, and likewise for flows
    open_relations: dict[str, list[tuple[URIRef, URIRef]]] = field(default_factory=dict)
    open_flows: dict[str, list[tuple[URIRef, URIRef]]] = field(default_factory=dict)
    stated: set[tuple[Node, Node, Node]] = field(default_factory=set)

    @classmethod
    def of(cls, kg: KnowledgeGraph) -> _Known:
        def rows(sparql: str) -> list[Any]:
            return list(kg.query(sparql, timeout=None, max_rows=None).rows)

        k = cls()
        for org, label in rows("SELECT DISTINCT ?o ?l WHERE { ?o a ?t . ?t rdfs:subClassOf* tg:Organisation . "
                               "?o skos:prefLabel|skos:altLabel ?l }"):
            k.org_by_label.setdefault(_key(str(label)), set()).add(org)
            k.defined.add(org)
        for org, label in rows("SELECT ?o (MIN(STR(?l)) AS ?label) WHERE { ?o a ?t . "
                               "?t rdfs:subClassOf* tg:Organisation . ?o skos:prefLabel ?l } GROUP BY ?o"):
            k.org_label[org] = str(label)
        for org, ref in rows("SELECT ?o ?id WHERE { ?o tg:orgIdentifier ?id }"):
            k.org_by_ref.setdefault(str(ref), org)
            k.org_refs.add((org, str(ref)))
        for place, code in rows("SELECT ?c ?a2 WHERE { ?c tg:iso3166Alpha2 ?a2 }"):
            k.country.setdefault(str(code), place)
        for (entity,) in rows("SELECT DISTINCT ?e WHERE { ?e skos:prefLabel ?l "
                              "FILTER(STRSTARTS(STR(?e), STR(tgd:))) }"):
            k.defined.add(entity)
        for prog, ident in rows("SELECT ?p ?id WHERE { ?p tg:iatiIdentifier ?id }"):
            k.programmes[str(ident)] = prog
        for prog, rel, ident in rows("SELECT ?p ?r ?id WHERE { ?p ?r ?id . VALUES ?r { tg:parentActivityId "
                                     "tg:childActivityId tg:siblingActivityId tg:coFundedActivityId "
                                     "tg:thirdPartyActivityId } }"):
            k.open_relations.setdefault(str(ident), []).append((prog, rel))
        for flow, prop, ident in rows("SELECT ?f ?r ?id WHERE { ?f ?r ?id . VALUES ?r { tg:providerActivityId "
                                      "tg:receiverActivityId } }"):
            k.open_flows.setdefault(str(ident), []).append((flow, prop))
        for s, p, o in rows("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } VALUES ?p { tg:withinFrameworkOf "
                            "tg:siblingOf tg:coFundedWith tg:thirdPartyReportOf tg:providerProgramme "
                            "tg:receiverProgramme } }"):
            k.stated.add((s, p, o))
        return k


def _key(label: str) -> str:
    return " ".join(label.casefold().split())


# ---------------------------------------------------------------------------
# One file into quads
# ---------------------------------------------------------------------------
@dataclass
class FileSummary:
    """What one IATI file gave."""

    path: Path
    source: URIRef
    graph: URIRef
    activities: int = 0
    engagements: int = 0
    flows: int = 0
    shares: int = 0
    relations: int = 0
    waiting: int = 0
    organisations_new: int = 0
    organisations_by_ref: int = 0
    organisations_by_label: int = 0


class _FileReader:
    """Turns one parsed file into quads, against what is known (updated as it goes)."""

    def __init__(self, path: Path, root: Any, data: bytes, known: _Known, batch_ids: set[str],
                 url: str | None, issued: _dt.date | None) -> None:
        self.path, self.root, self.known, self.batch_ids = path, root, known, batch_ids
        self.problems = _Problems(path)
        self.quads: list[tuple[Node, Node, Node, URIRef]] = []
        self.lang = (root.get(_XML_LANG) or "en").strip().lower()
        generated = (root.get("generated-datetime") or "").strip()
        stamp = generated or hashlib.sha256(data).hexdigest()
        sid = _hashed("src", "iati-file", path.name, stamp)
        self.summary = FileSummary(path, TGD[sid], TGD[f"graph-{sid}"])
        self.url = url
        self.issued = issued
        self.generated = generated
        self.publishers: list[URIRef] = []
        self._resolved: dict[tuple[str, str], URIRef] = {}

    # --- emitting ---
    def add(self, s: Node, p: Node, o: Node | None) -> None:
        if o is not None:
            self.quads.append((s, p, o, self.summary.graph))

    def label(self, s: URIRef, texts: list[tuple[str, str]], fallback: str) -> None:
        seen: set[str] = set()
        for text, lang in texts or [(fallback, "en")]:
            self.add(s, SKOS.altLabel if lang in seen else SKOS.prefLabel, Literal(text, lang=lang))
            seen.add(lang)

    # --- organisations ---
    def organisation(self, el: Any) -> URIRef | None:
        ref = (el.get("ref") or "").strip() or None
        names = _narratives(el, self.lang, self.problems)
        if ref is not None and not re.fullmatch(r"\S+", ref):
            self.problems.add(el, f"@ref {ref!r} contains spaces; an organisation identifier has none (XM-DAC-41114)")
            return None
        if ref is None and not names:
            return None
        key = (ref or "", names[0][0] if names else "")
        if key in self._resolved:
            return self._resolved[key]
        k = self.known
        iri = k.org_by_ref.get(ref) if ref else None
        if iri is not None:
            self.summary.organisations_by_ref += 1
        if iri is None:
            for text, _lang in names:
                hits = k.org_by_label.get(_key(text), set())
                if len(hits) == 1:
                    iri = next(iter(hits))
                    self.summary.organisations_by_label += 1
                    break
        if iri is None:
            iri = organisation_iri(ref, names[0][0] if names else None)
        if iri not in k.defined:
            org_type = (el.get("type") or "").strip()
            if org_type and org_type not in iati_codes.codes("OrganisationType"):
                self.problems.add(el, f"@type={org_type!r} is not an IATI OrganisationType code; use one of: "
                                  + ", ".join(f"{c} ({n})" for c, n in iati_codes.codes("OrganisationType").items()))
            self.add(iri, RDF.type, _ORG_TYPES.get(org_type, TG.Organisation))
            self.label(iri, names, ref or "")
            k.defined.add(iri)
            k.org_label[iri] = names[0][0] if names else (ref or "")
            for text, _lang in names:
                k.org_by_label.setdefault(_key(text), set()).add(iri)
            self.summary.organisations_new += 1
        if ref and (iri, ref) not in k.org_refs:
            self.add(iri, TG.orgIdentifier, Literal(ref))
            k.org_refs.add((iri, ref))
            k.org_by_ref.setdefault(ref, iri)
        self._resolved[key] = iri
        return iri

    # --- places ---
    def country(self, el: Any) -> URIRef | None:
        code = (el.get("code") or "").strip()
        c = countries.country(code) if re.fullmatch(r"[A-Z]{2}", code) else None
        if c is None:
            near = countries.nearest(code) if code else []
            self.problems.add(el, f"@code={code!r} is not an ISO 3166-1 alpha-2 country code (PK, AF, ...)"
                              + (f"; nearest names: {', '.join(near)}" if near else ""))
            return None
        iri = self.known.country.get(c.alpha2)
        if iri is None:
            iri = TGD[_hashed("plc", "country", c.alpha2)]
            self.known.country[c.alpha2] = iri
            if iri not in self.known.defined:
                self.add(iri, RDF.type, TG.Country)
                self.add(iri, SKOS.prefLabel, Literal(c.name, lang="en"))
                self.add(iri, TG.iso3166Alpha2, Literal(c.alpha2))
                self.add(iri, TG.iso3166Alpha3, Literal(c.alpha3))
                self.known.defined.add(iri)
        return iri

    def region(self, el: Any) -> URIRef | None:
        code = (el.get("code") or "").strip()
        vocab = (el.get("vocabulary") or "1").strip()
        if not code:
            self.problems.add(el, "@code is missing; give the region's code (OECD DAC region codes: 298 Africa, ...)")
            return None
        if vocab == "1" and not code.isdigit():
            self.problems.add(el, f"@code={code!r} is not an OECD DAC region code (digits, e.g. 619 Central Asia)")
            return None
        iri = TGD[_hashed("plc", "iati-region", vocab, code)]
        if iri not in self.known.defined:
            names = _narratives(el, self.lang, self.problems)
            listed = iati_codes.name("Region", code) if vocab == "1" else None
            self.add(iri, RDF.type, TG.Region)
            self.label(iri, names[:1], listed or f"IATI region {code} (vocabulary {vocab})")
            self.known.defined.add(iri)
        return iri

    # --- activities ---
    def activity(self, act: Any) -> None:
        p = self.problems
        ident_el = _child(act, "iati-identifier")
        ident = " ".join((ident_el.text or "").split()) if ident_el is not None else ""
        if not ident:
            p.add(act, "no <iati-identifier>: every activity needs its identifier")
            return
        prog = activity_iri(ident)
        lang = (act.get(_XML_LANG) or self.lang).strip().lower()
        g = self.summary
        g.activities += 1
        titles = _narratives(_child(act, "title"), lang, p)
        has_children = any(r.get("type") == "2" for r in _children(act, "related-activity"))
        self.add(prog, RDF.type, TG.Programme if has_children else TG.Project)
        self.label(prog, titles, ident)
        for text, tl in titles:
            self.add(prog, DCTERMS.title, Literal(text, lang=tl))
        for d in _children(act, "description"):
            for text, dl in _narratives(d, lang, p):
                self.add(prog, DCTERMS.description, Literal(text, lang=dl))
        self.add(prog, TG.iatiIdentifier, Literal(ident))
        self.add(prog, PROV.wasDerivedFrom, g.source)
        reporting_el = _child(act, "reporting-org")
        reporting = self.organisation(reporting_el) if reporting_el is not None else None
        if reporting_el is None:
            p.add(act, "no <reporting-org>: every activity names the organisation that publishes it")
        elif reporting is None:
            p.add(reporting_el, "the reporting organisation has neither @ref nor a <narrative> name")
        if reporting is not None and reporting not in self.publishers:
            self.publishers.append(reporting)
        title = titles[0][0] if titles else ident

        status = _child(act, "activity-status")
        if status is not None and (code := _code(status, "code", "ActivityStatus", p)):
            self.add(prog, TG.activityStatus, Literal(iati_codes.name("ActivityStatus", code)))
        for d in _children(act, "activity-date"):
            kind = _code(d, "type", "ActivityDateType", p)
            day = _date(d, "iso-date", p)
            prop = {"1": TG.plannedStartDate, "2": TG.actualStartDate, "3": TG.plannedEndDate,
                    "4": TG.actualEndDate}.get(kind or "")
            if prop is not None and day is not None:
                self.add(prog, prop, Literal(day))
        for link in _children(act, "document-link"):
            href = (link.get("url") or "").strip()
            if re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", href):
                self.add(prog, RDFS.seeAlso, URIRef(href))
            elif href:
                p.add(link, f"@url {href!r} is not an http(s) address")

        places: list[URIRef] = []
        for tag, resolve, kind in (("recipient-country", self.country, "country"),
                                   ("recipient-region", self.region, "region")):
            for el in _children(act, tag):
                place = resolve(el)
                if place is None:
                    continue
                places.append(place)
                share = TGD[_hashed("shr", ident, kind, el.get("vocabulary") or "", el.get("code") or "")]
                self.add(share, RDF.type, TG.RecipientShare)
                self.add(prog, TG.recipientShare, share)
                self.add(share, TG.sharePlace, place)
                pct_raw = el.get("percentage")
                pct_text = ""
                if pct_raw is not None and pct_raw.strip():
                    pct = _decimal(pct_raw, el, "@percentage", p)
                    if pct is not None and not Decimal(0) <= pct <= Decimal(100):
                        p.add(el, f"@percentage {pct_raw!r} is outside 0 to 100")
                    elif pct is not None:
                        self.add(share, TG.sharePercentage, _decimal_literal(pct))
                        pct_text = f" ({pct:f}%)"
                self.add(share, SKOS.prefLabel, Literal(f"{title}: {el.get('code')}{pct_text}", lang="en"))
                g.shares += 1

        for el in _children(act, "sector"):
            code = (el.get("code") or "").strip()
            vocab = (el.get("vocabulary") or "1").strip()
            if vocab != "1":
                continue  # other vocabularies are not read
            if not re.fullmatch(r"\d{5}", code):
                p.add(el, f"@code={code!r} is not a DAC 5-digit purpose code (for example 15190)")
                continue
            self.add(prog, TG.sectorCode, Literal(code))
            theme = iati_codes.sector_theme(code)
            if theme is not None and TGD[theme] in self.known.defined:
                self.add(prog, TG.addresses, TGD[theme])

        roles: dict[str, list[URIRef]] = {}
        for el in _children(act, "participating-org"):
            role = _code(el, "role", "OrganisationRole", p)
            org = self.organisation(el)
            if org is None:
                if role is not None:
                    p.add(el, "the organisation has neither @ref nor a <narrative> name")
                continue
            if role is None:
                continue
            roles.setdefault(role, []).append(org)
            other = (el.get("activity-id") or "").strip()
            if other and other != ident:
                self.add(prog, TG.relatedActivityId, Literal(other))
                if self.resolvable(other):
                    self.add(prog, TG.relatedProgramme, activity_iri(other))
        incoming, outgoing = self.money(act, ident, prog, title, reporting)
        # An activity that names no funder (or no implementer) gets them from its transactions: the
        # providers of its incoming funds, the receivers of its disbursements and commitments; noted.
        derived: dict[str, str] = {}
        if "1" not in roles and any(incoming):
            roles["1"] = [o for o in incoming if o is not None]
            derived["1"] = "The activity names no funding organisation; this one provides its incoming funds."
        if "4" not in roles and any(outgoing):
            roles["4"] = [o for o in outgoing if o is not None]
            derived["4"] = ("The activity names no implementing organisation; this one receives its "
                            "disbursements or commitments.")
        for role, orgs in sorted(roles.items()):
            for org in dict.fromkeys(orgs):
                eng = TGD[_hashed("eng", ident, role, str(org))]
                role_name = iati_codes.name("OrganisationRole", role)
                self.add(eng, RDF.type, TG.Engagement)
                self.add(eng, SKOS.prefLabel, Literal(f"{self.known.org_label.get(org, org)} {role_name} {title}",
                                                      lang="en"))
                self.add(eng, TG.engagedOrganisation, org)
                self.add(eng, TG.engagedProgramme, prog)
                self.add(eng, TG.engagementRole, _ROLES[role])
                self.add(eng, PROV.wasDerivedFrom, g.source)
                if role in derived:
                    self.add(eng, SKOS.note, Literal(derived[role], lang="en"))
                if role == "4":
                    for place in dict.fromkeys(places):
                        self.add(eng, TG.engagementCountry, place)
                g.engagements += 1

        for el in _children(act, "related-activity"):
            kind = _code(el, "type", "RelatedActivityType", p)
            other = (el.get("ref") or "").strip()
            if not other:
                p.add(el, "@ref is missing; give the iati-identifier of the related activity")
                continue
            if kind is None:
                continue
            self.add(prog, _RELATION_IDS[kind], Literal(other))
            if self.resolvable(other):
                self.relation(prog, kind, activity_iri(other))
            else:
                g.waiting += 1
        # References in the store waiting for this activity (made by files read before it), unless the
        # store states the relation already: a re-import then adds nothing.
        for other_prog, rel in self.known.open_relations.get(ident, []):
            kind = next(k for k, v in _RELATION_IDS.items() if v == rel)
            self.relation(other_prog, kind, prog, waiting=True)
        for flow, prop in self.known.open_flows.get(ident, []):
            link = TG.providerProgramme if prop == TG.providerActivityId else TG.receiverProgramme
            if (flow, link, prog) not in self.known.stated:
                self.add(flow, link, prog)

    def resolvable(self, ident: str) -> bool:
        return ident in self.batch_ids or ident in self.known.programmes

    def relation(self, prog: URIRef, kind: str, other: URIRef, *, waiting: bool = False) -> None:
        if prog == other:
            return
        s, p, o = {"1": (prog, TG.withinFrameworkOf, other), "2": (other, TG.withinFrameworkOf, prog),
                   "3": (prog, TG.siblingOf, other), "4": (prog, TG.coFundedWith, other),
                   "5": (other, TG.thirdPartyReportOf, prog)}[kind]
        if waiting and (s, p, o) in self.known.stated:
            return
        self.add(s, p, o)
        self.summary.relations += 1

    def money(self, act: Any, ident: str, prog: URIRef, title: str,
              reporting: URIRef | None) -> tuple[list[URIRef | None], list[URIRef | None]]:
        """Budgets and transactions as funding flows; returns the providers of incoming funds and the
        receivers of disbursements and outgoing commitments."""
        p = self.problems
        default_currency = (act.get("default-currency") or "").strip() or None
        incoming: list[URIRef | None] = []
        outgoing: list[URIRef | None] = []
        for n, el in enumerate(_children(act, "budget"), 1):
            btype = _code(el, "type", "BudgetType", p, default="1")
            bstatus = _code(el, "status", "BudgetStatus", p, default="1")
            start_el, end_el, value_el = _child(el, "period-start"), _child(el, "period-end"), _child(el, "value")
            if start_el is None or end_el is None or value_el is None:
                p.add(el, "a budget needs <period-start>, <period-end> and <value>")
                continue
            start, end = _date(start_el, "iso-date", p), _date(end_el, "iso-date", p)
            if start is not None and end is not None and start > end:
                p.add(end_el, f"the budget period ends ({end}) before it starts ({start})")
                continue
            kind = f"{iati_codes.name('BudgetType', btype or '1')} budget"
            flow = self.flow(ident, "budget", n, value_el, default_currency, prog, kind)
            if flow is None:
                continue
            self.add(flow, TG.startDate, Literal(start) if start else None)
            self.add(flow, TG.endDate, Literal(end) if end else None)
            self.add(flow, TG.budgetStatus, Literal(iati_codes.name("BudgetStatus", bstatus or "1")))
            self.flow_label(flow, kind, value_el, default_currency, None, None, f"{start} to {end}", title)
        for n, el in enumerate(_children(act, "transaction"), 1):
            type_el, date_el = _child(el, "transaction-type"), _child(el, "transaction-date")
            value_el = _child(el, "value")
            if type_el is None or date_el is None or value_el is None:
                p.add(el, "a transaction needs <transaction-type>, <transaction-date> and <value>")
                continue
            ttype = _code(type_el, "code", "TransactionType", p)
            day = _date(date_el, "iso-date", p)
            if ttype is None or day is None:
                continue
            kind = iati_codes.name("TransactionType", ttype) or ttype
            flow = self.flow(ident, "transaction", n, value_el, default_currency, prog, kind)
            if flow is None:
                continue
            self.add(flow, TG.flowDate, Literal(day))
            ends: dict[str, URIRef | None] = {}
            for side, tag, attr, prop, link in (
                    ("provider", "provider-org", "provider-activity-id", TG.providerActivityId, TG.providerProgramme),
                    ("receiver", "receiver-org", "receiver-activity-id", TG.receiverActivityId, TG.receiverProgramme)):
                org_el = _child(el, tag)
                org = self.organisation(org_el) if org_el is not None else None
                if org is None and ((side == "provider" and ttype in _OUTGOING)
                                    or (side == "receiver" and ttype in _INCOMING)):
                    org = reporting
                ends[side] = org
                self.add(flow, TG.flowProvider if side == "provider" else TG.flowReceiver, org)
                other = (org_el.get(attr) or "").strip() if org_el is not None else ""
                if other:
                    self.add(flow, prop, Literal(other))
                    if other == ident:
                        self.add(flow, link, prog)
                    elif self.resolvable(other):
                        self.add(flow, link, activity_iri(other))
            for c in _children(el, "recipient-country"):
                self.add(flow, TG.flowCountry, self.country(c))
            if ttype in {"1", "11"}:
                incoming.append(ends["provider"])
            if ttype in {"2", "3"} and ends["receiver"] != reporting:
                outgoing.append(ends["receiver"])
            self.flow_label(flow, kind, value_el, default_currency, ends["provider"], ends["receiver"], str(day), title)
        return incoming, outgoing

    def flow(self, ident: str, what: str, n: int, value_el: Any, default_currency: str | None, prog: URIRef,
             kind: str) -> URIRef | None:
        amount = _decimal(value_el.text, value_el, "the value", self.problems)
        currency = _currency((value_el.get("currency") or "").strip() or default_currency, value_el, self.problems)
        value_date = _date(value_el, "value-date", self.problems, required=False)
        if amount is None or currency is None:
            return None
        flow = TGD[_hashed("flw", ident, what, str(n))]
        self.add(flow, RDF.type, TG.FundingFlow)
        self.add(flow, TG.amount, _decimal_literal(amount))
        self.add(flow, TG.currency, Literal(currency))
        self.add(flow, TG.flowKind, Literal(kind))
        self.add(flow, TG.flowProgramme, prog)
        self.add(flow, TG.valueDate, Literal(value_date) if value_date else None)
        self.add(flow, PROV.wasDerivedFrom, self.summary.source)
        self.summary.flows += 1
        return flow

    def flow_label(self, flow: URIRef, kind: str, value_el: Any, default_currency: str | None,
                   provider: URIRef | None, receiver: URIRef | None, when: str, title: str) -> None:
        currency = (value_el.get("currency") or "").strip() or default_currency
        parts = [f"{kind} of {currency} {(value_el.text or '').strip()}"]
        if provider is not None:
            parts.append(f"from {self.known.org_label.get(provider, 'an organisation')}")
        if receiver is not None:
            parts.append(f"to {self.known.org_label.get(receiver, 'an organisation')}")
        self.add(flow, SKOS.prefLabel, Literal(" ".join(parts) + f", {when} ({title})", lang="en"))

    # --- the file ---
    def read(self) -> None:
        for act in _children(self.root, "iati-activity"):
            self.activity(act)
        if self.summary.activities == 0 and not self.problems.items:
            self.problems.add(self.root, "the file holds no <iati-activity>")
        self.catalogue()
        self.problems.raise_if_any()

    def catalogue(self) -> None:
        s, g = self.summary.source, self.summary.graph
        issued = self.issued
        if issued is None and self.generated:
            issued = _date(self.root, "generated-datetime", self.problems)
        if issued is None and not self.generated:
            self.problems.add(self.root, "no @generated-datetime: give the file's publication date with --issued "
                              "YYYY-MM-DD")
        url = self.url or REGISTRY_URL + quote(self.path.stem)
        publisher = self.known.org_label.get(self.publishers[0], "") if self.publishers else ""
        title = f"IATI activity file {self.path.name}" + (f" published by {publisher}" if publisher else "")
        quads = [(s, RDF.type, TG.SourceDocument), (s, RDF.type, PROV.Entity),
                 (s, SKOS.prefLabel, Literal(title, lang="en")), (s, DCTERMS.title, Literal(self.path.name)),
                 (s, TG.sourceUrl, Literal(url, datatype=XSD.anyURI)),
                 (s, DCTERMS.issued, Literal(issued) if issued else None),
                 (s, DCTERMS.language, Literal(self.lang)),
                 (g, RDF.type, PROV.Bundle), (g, RDF.type, PROV.Entity),
                 (g, SKOS.prefLabel, Literal(f"facts from {title}", lang="en")), (g, PROV.wasDerivedFrom, s)]
        if self.generated and _DATE.fullmatch(self.generated) and "T" in self.generated:
            quads.append((s, DCTERMS.created, Literal(self.generated, datatype=XSD.dateTime)))
        quads += [(s, TG.publishedBy, org) for org in self.publishers]
        for qs, qp, qo in quads:
            if qo is not None:
                self.quads.append((qs, qp, qo, SOURCES_GRAPH))


# ---------------------------------------------------------------------------
# The import
# ---------------------------------------------------------------------------
@dataclass
class ImportReport:
    """What :func:`import_iati` read and what adding it did (or, with ``dry_run``, would do)."""

    files: list[FileSummary]
    trig: bytes
    added: AddReport | None

    def text(self) -> str:
        """What was read and what changed, readable."""
        lines = []
        for f in self.files:
            lines.append(f"{f.path}: {f.activities} activities -> {f.engagements} engagements, {f.flows} funding "
                         f"flows, {f.shares} recipient shares, {f.relations} programme relations"
                         + (f" ({f.waiting} waiting for activities not imported yet)" if f.waiting else "")
                         + f"; organisations: {f.organisations_new} new, {f.organisations_by_ref} matched by "
                         f"identifier, {f.organisations_by_label} by name; source {f.source.rsplit('/', 1)[-1]}")
        if self.added is not None:
            lines.append(self.added.text())
        return "\n".join(lines)


def _nquads(quads: Iterable[tuple[Node, Node, Node, URIRef]]) -> bytes:
    return "".join(f"{s.n3()} {p.n3()} {o.n3()} {g.n3()} .\n" for s, p, o, g in quads).encode("utf-8")


def import_iati(kg: KnowledgeGraph, paths: Iterable[str | Path], *, out: str | Path | None = None,
                dry_run: bool = False, url: str | None = None, issued: _dt.date | None = None,
                validate: bool = True) -> ImportReport:
    """Read IATI activity files into ``kg``, one source graph each, all or nothing.

    Every file is read and checked first (a problem in any of them stops the import with the
    store unchanged); the graphs are then written as one TriG file (to ``out`` too, if given)
    and added with :meth:`KnowledgeGraph.add_files`, which validates them with the store.
    ``url`` is the address of the catalogue entries (default: the file's IATI Registry
    dataset page); ``issued`` their publication date (default: the file's generated-datetime).
    """
    files = [Path(p) for p in paths]
    if not files:
        raise BadInputError("give at least one IATI activity file")
    if url is not None and not re.fullmatch(r"https?://\S+", url):
        raise BadInputError(f"the source URL must start with http:// or https://, got {url!r}")
    parsed = []
    for path in files:
        data = _read_bytes(path)
        parsed.append((path, read_iati(path, data), data))
    batch_ids: set[str] = set()
    for _path, root, _data in parsed:
        for act in _children(root, "iati-activity"):
            ident_el = _child(act, "iati-identifier")
            if ident_el is not None and (ident := " ".join((ident_el.text or "").split())):
                batch_ids.add(ident)
    known = _Known.of(kg)
    readers = []
    for path, root, data in parsed:
        reader = _FileReader(path, root, data, known, batch_ids, url, issued)
        reader.read()
        readers.append(reader)
    sources = [r.summary.source for r in readers]
    if len(set(sources)) != len(sources):
        raise BadInputError("two of the files have the same name and generated-datetime: give each file once")
    quads = [q for r in readers for q in r.quads]
    nquads = _nquads(dict.fromkeys(quads))
    trig = ox.serialize(ox.parse(nquads, format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.TRIG,
                        prefixes={k: v for k, v in PREFIXES.items()
                                  if k in ("tg", "tgd", "skos", "prov", "dcterms", "xsd", "rdf", "rdfs")}) or b""
    if out is not None:
        atomic_write(out, trig)
    with tempfile.TemporaryDirectory(prefix="tipgraph-iati-") as tmp:
        name = files[0].stem if len(files) == 1 else "iati-import"
        staged = Path(tmp) / f"{name}.trig"
        staged.write_bytes(trig)
        os.chmod(staged, 0o600)
        added = kg.add_files([staged], validate=validate, dry_run=dry_run)
    return ImportReport([r.summary for r in readers], trig, added)
