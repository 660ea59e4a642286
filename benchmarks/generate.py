"""A deterministic synthetic anti-trafficking landscape in the tipgraph ontology, for benchmarks.

    python benchmarks/generate.py --triples 100000 --seed 42 --out benchmarks/data/synthetic-100k.trig

The output is TriG in the same modelling patterns as the curated seed data: one named graph
per source document (a reference list, organisation directories, programme profiles, press
releases, annual reports), the graph ``tgd:graph-sources`` describing every source and graph,
n-ary ``tg:Engagement`` nodes (organisation x programme x role x countries x source), programme
hierarchies (``tg:withinFrameworkOf``), organisations with sub-units, events with dates, places,
sessions and participant counts, people holding posts, documents, rankings and facilities.

What the landscape looks like:

* every one of the 249 countries and territories of ISO 3166-1 (real alpha-2/alpha-3 pairs), the
  UN M49 sub-regions and continents they lie in, and a few cross-border regions;
* a few big donors (two unions, a dozen donor-government agencies) funding most programmes,
  a few big intergovernmental implementers and a long tail of civil-society implementers:
  who funds and who implements is drawn with power-law (Zipf) weights, as are the countries;
* programme families (a global programme, its initiatives, their projects), each with
  engagements, events and their sessions, contact people, facilities and partner governments.

All names of organisations, people, programmes, cities and documents are invented; only the
countries, their ISO codes and the regions are real. The entities that the named queries use as
default parameters (``tgd:plc-0003``, ``tgd:plc-0010`` (a region), ``tgd:org-0003``, ``tgd:prg-0002``, ``tgd:evt-0001``,
``tgd:org-0012``, ``tgd:thm-0002`` ...) exist with the same kinds as in the seed, so every
competency question has a real answer on synthetic data. The synthetic data replaces the seed; it
is not meant to be loaded together with it (the identifiers overlap).

The file is written as a stream (a few programme families are held in memory at a time) and
moved into place atomically. The same seed and size give the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import io
import os
import random
import sys
import tempfile
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import IO

__all__ = ["COUNTRIES", "GenerateReport", "generate", "main", "parse_size"]

PREFIXES = """@prefix tg:      <https://w3id.org/tipgraph/ontology#> .
@prefix tgd:     <https://w3id.org/tipgraph/id/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""

# ---------------------------------------------------------------------------
# Reference data: ISO 3166-1 (alpha-2, alpha-3), UN M49 sub-region, English short name.
# The first seven are the countries of the seed, in the seed's order (tgd:plc-0001 ...).
# ---------------------------------------------------------------------------
_COUNTRY_TABLE = """
AF AFG SAS Afghanistan
IQ IRQ WAS Iraq
PK PAK SAS Pakistan
TJ TJK CAS Tajikistan
KG KGZ CAS Kyrgyzstan
KZ KAZ CAS Kazakhstan
UZ UZB CAS Uzbekistan
AD AND SEU Andorra
AE ARE WAS United Arab Emirates
AG ATG CAR Antigua and Barbuda
AI AIA CAR Anguilla
AL ALB SEU Albania
AM ARM WAS Armenia
AO AGO MAF Angola
AQ ATA ANT Antarctica
AR ARG SAM Argentina
AS ASM POL American Samoa
AT AUT WEU Austria
AU AUS ANZ Australia
AW ABW CAR Aruba
AX ALA NEU Åland Islands
AZ AZE WAS Azerbaijan
BA BIH SEU Bosnia and Herzegovina
BB BRB CAR Barbados
BD BGD SAS Bangladesh
BE BEL WEU Belgium
BF BFA WAF Burkina Faso
BG BGR EEU Bulgaria
BH BHR WAS Bahrain
BI BDI EAF Burundi
BJ BEN WAF Benin
BL BLM CAR Saint Barthélemy
BM BMU NAM Bermuda
BN BRN SEA Brunei Darussalam
BO BOL SAM Bolivia (Plurinational State of)
BQ BES CAR Bonaire, Sint Eustatius and Saba
BR BRA SAM Brazil
BS BHS CAR Bahamas
BT BTN SAS Bhutan
BV BVT ANT Bouvet Island
BW BWA SAF Botswana
BY BLR EEU Belarus
BZ BLZ CAM Belize
CA CAN NAM Canada
CC CCK ANZ Cocos (Keeling) Islands
CD COD MAF Democratic Republic of the Congo
CF CAF MAF Central African Republic
CG COG MAF Congo
CH CHE WEU Switzerland
CI CIV WAF Côte d'Ivoire
CK COK POL Cook Islands
CL CHL SAM Chile
CM CMR MAF Cameroon
CN CHN EAS China
CO COL SAM Colombia
CR CRI CAM Costa Rica
CU CUB CAR Cuba
CV CPV WAF Cabo Verde
CW CUW CAR Curaçao
CX CXR ANZ Christmas Island
CY CYP WAS Cyprus
CZ CZE EEU Czechia
DE DEU WEU Germany
DJ DJI EAF Djibouti
DK DNK NEU Denmark
DM DMA CAR Dominica
DO DOM CAR Dominican Republic
DZ DZA NAF Algeria
EC ECU SAM Ecuador
EE EST NEU Estonia
EG EGY NAF Egypt
EH ESH NAF Western Sahara
ER ERI EAF Eritrea
ES ESP SEU Spain
ET ETH EAF Ethiopia
FI FIN NEU Finland
FJ FJI MEL Fiji
FK FLK SAM Falkland Islands (Malvinas)
FM FSM MIC Micronesia (Federated States of)
FO FRO NEU Faroe Islands
FR FRA WEU France
GA GAB MAF Gabon
GB GBR NEU United Kingdom
GD GRD CAR Grenada
GE GEO WAS Georgia
GF GUF SAM French Guiana
GG GGY NEU Guernsey
GH GHA WAF Ghana
GI GIB SEU Gibraltar
GL GRL NAM Greenland
GM GMB WAF Gambia
GN GIN WAF Guinea
GP GLP CAR Guadeloupe
GQ GNQ MAF Equatorial Guinea
GR GRC SEU Greece
GS SGS ANT South Georgia and the South Sandwich Islands
GT GTM CAM Guatemala
GU GUM MIC Guam
GW GNB WAF Guinea-Bissau
GY GUY SAM Guyana
HK HKG EAS Hong Kong
HM HMD ANT Heard Island and McDonald Islands
HN HND CAM Honduras
HR HRV SEU Croatia
HT HTI CAR Haiti
HU HUN EEU Hungary
ID IDN SEA Indonesia
IE IRL NEU Ireland
IL ISR WAS Israel
IM IMN NEU Isle of Man
IN IND SAS India
IO IOT EAF British Indian Ocean Territory
IR IRN SAS Iran (Islamic Republic of)
IS ISL NEU Iceland
IT ITA SEU Italy
JE JEY NEU Jersey
JM JAM CAR Jamaica
JO JOR WAS Jordan
JP JPN EAS Japan
KE KEN EAF Kenya
KH KHM SEA Cambodia
KI KIR MIC Kiribati
KM COM EAF Comoros
KN KNA CAR Saint Kitts and Nevis
KP PRK EAS Democratic People's Republic of Korea
KR KOR EAS Republic of Korea
KW KWT WAS Kuwait
KY CYM CAR Cayman Islands
LA LAO SEA Lao People's Democratic Republic
LB LBN WAS Lebanon
LC LCA CAR Saint Lucia
LI LIE WEU Liechtenstein
LK LKA SAS Sri Lanka
LR LBR WAF Liberia
LS LSO SAF Lesotho
LT LTU NEU Lithuania
LU LUX WEU Luxembourg
LV LVA NEU Latvia
LY LBY NAF Libya
MA MAR NAF Morocco
MC MCO WEU Monaco
MD MDA EEU Republic of Moldova
ME MNE SEU Montenegro
MF MAF CAR Saint Martin (French part)
MG MDG EAF Madagascar
MH MHL MIC Marshall Islands
MK MKD SEU North Macedonia
ML MLI WAF Mali
MM MMR SEA Myanmar
MN MNG EAS Mongolia
MO MAC EAS Macao
MP MNP MIC Northern Mariana Islands
MQ MTQ CAR Martinique
MR MRT WAF Mauritania
MS MSR CAR Montserrat
MT MLT SEU Malta
MU MUS EAF Mauritius
MV MDV SAS Maldives
MW MWI EAF Malawi
MX MEX CAM Mexico
MY MYS SEA Malaysia
MZ MOZ EAF Mozambique
NA NAM SAF Namibia
NC NCL MEL New Caledonia
NE NER WAF Niger
NF NFK ANZ Norfolk Island
NG NGA WAF Nigeria
NI NIC CAM Nicaragua
NL NLD WEU Netherlands
NO NOR NEU Norway
NP NPL SAS Nepal
NR NRU MIC Nauru
NU NIU POL Niue
NZ NZL ANZ New Zealand
OM OMN WAS Oman
PA PAN CAM Panama
PE PER SAM Peru
PF PYF POL French Polynesia
PG PNG MEL Papua New Guinea
PH PHL SEA Philippines
PL POL EEU Poland
PM SPM NAM Saint Pierre and Miquelon
PN PCN POL Pitcairn
PR PRI CAR Puerto Rico
PS PSE WAS State of Palestine
PT PRT SEU Portugal
PW PLW MIC Palau
PY PRY SAM Paraguay
QA QAT WAS Qatar
RE REU EAF Réunion
RO ROU EEU Romania
RS SRB SEU Serbia
RU RUS EEU Russian Federation
RW RWA EAF Rwanda
SA SAU WAS Saudi Arabia
SB SLB MEL Solomon Islands
SC SYC EAF Seychelles
SD SDN NAF Sudan
SE SWE NEU Sweden
SG SGP SEA Singapore
SH SHN WAF Saint Helena, Ascension and Tristan da Cunha
SI SVN SEU Slovenia
SJ SJM NEU Svalbard and Jan Mayen
SK SVK EEU Slovakia
SL SLE WAF Sierra Leone
SM SMR SEU San Marino
SN SEN WAF Senegal
SO SOM EAF Somalia
SR SUR SAM Suriname
SS SSD EAF South Sudan
ST STP MAF Sao Tome and Principe
SV SLV CAM El Salvador
SX SXM CAR Sint Maarten (Dutch part)
SY SYR WAS Syrian Arab Republic
SZ SWZ SAF Eswatini
TC TCA CAR Turks and Caicos Islands
TD TCD MAF Chad
TF ATF ANT French Southern Territories
TG TGO WAF Togo
TH THA SEA Thailand
TK TKL POL Tokelau
TL TLS SEA Timor-Leste
TM TKM CAS Turkmenistan
TN TUN NAF Tunisia
TO TON POL Tonga
TR TUR WAS Türkiye
TT TTO CAR Trinidad and Tobago
TV TUV POL Tuvalu
TW TWN EAS Taiwan, Province of China
TZ TZA EAF United Republic of Tanzania
UA UKR EEU Ukraine
UG UGA EAF Uganda
UM UMI MIC United States Minor Outlying Islands
US USA NAM United States of America
UY URY SAM Uruguay
VA VAT SEU Holy See
VC VCT CAR Saint Vincent and the Grenadines
VE VEN SAM Venezuela (Bolivarian Republic of)
VG VGB CAR Virgin Islands (British)
VI VIR CAR Virgin Islands (U.S.)
VN VNM SEA Viet Nam
VU VUT MEL Vanuatu
WF WLF POL Wallis and Futuna
WS WSM POL Samoa
YE YEM WAS Yemen
YT MYT EAF Mayotte
ZA ZAF SAF South Africa
ZM ZMB EAF Zambia
ZW ZWE EAF Zimbabwe
"""

#: (alpha-2, alpha-3, sub-region code, name) for the 249 countries and territories.
COUNTRIES: list[tuple[str, str, str, str]] = [
    (a2, a3, sub, name) for a2, a3, sub, name in
    (line.split(" ", 3) for line in _COUNTRY_TABLE.strip().splitlines())
]

#: UN M49 sub-regions: code -> (name, continent code).
_SUBREGIONS = {
    "NAF": ("Northern Africa", "AFR"), "EAF": ("Eastern Africa", "AFR"), "MAF": ("Middle Africa", "AFR"),
    "SAF": ("Southern Africa", "AFR"), "WAF": ("Western Africa", "AFR"),
    "CAR": ("Caribbean", "AME"), "CAM": ("Central America", "AME"), "SAM": ("South America", "AME"),
    "NAM": ("Northern America", "AME"),
    "CAS": ("Central Asia", "ASI"), "EAS": ("Eastern Asia", "ASI"), "SEA": ("South-eastern Asia", "ASI"),
    "SAS": ("Southern Asia", "ASI"), "WAS": ("Western Asia", "ASI"),
    "EEU": ("Eastern Europe", "EUR"), "NEU": ("Northern Europe", "EUR"), "SEU": ("Southern Europe", "EUR"),
    "WEU": ("Western Europe", "EUR"),
    "ANZ": ("Australia and New Zealand", "OCE"), "MEL": ("Melanesia", "OCE"), "MIC": ("Micronesia", "OCE"),
    "POL": ("Polynesia", "OCE"),
    "ANT": ("Antarctic and sub-Antarctic territories", None),
}
_CONTINENTS = {"AFR": "Africa", "AME": "Americas", "ASI": "Asia", "EUR": "Europe", "OCE": "Oceania"}
#: Cross-border regions that programmes name as a broader focus (no member list).
_CORRIDORS = ["Silk Routes", "Western Balkans", "Sahel", "Horn of Africa", "Central Mediterranean",
              "Gulf of Guinea", "Greater Mekong", "Andean region", "Bay of Bengal", "Northern Triangle"]

#: Countries whose governments fund programmes abroad (alpha-2).
_DONOR_COUNTRIES = ["US", "GB", "DE", "NL", "NO", "SE", "AU", "JP", "CA", "FR", "CH", "DK", "IT", "FI", "AT"]

_THEMES = [
    ("trafficking in persons", ["TIP", "human trafficking"]),
    ("smuggling of migrants", ["SOM", "migrant smuggling"]),
    ("criminal justice response", []),
    ("migration governance", ["migration management"]),
    ("migrant protection", []),
    ("victim identification and referral", ["NRM"]),
    ("border management", []),
    ("forced labour", ["labour exploitation"]),
    ("child protection", []),
    ("technology-facilitated exploitation", ["online exploitation"]),
    ("gender-based violence", ["GBV"]),
    ("prevention and awareness", []),
    ("international cooperation", ["mutual legal assistance"]),
    ("data and research", []),
]

_GIVEN = ["Amina", "Bilal", "Chen", "Daria", "Emeka", "Fatima", "Gulnara", "Hassan", "Ines", "Jamal", "Kateryna",
          "Lucía", "Mehmet", "Nadia", "Oluwaseun", "Priya", "Quang", "Rustam", "Sofia", "Tariq", "Ulla", "Vikram",
          "Wanjiru", "Xavier", "Yasmin", "Zarina", "Aziz", "Beatriz", "Dilnoza", "Farhad", "Grace", "Hiroshi",
          "Isabel", "José", "Karim", "Leila", "Marta", "Noor", "Omar", "Paulo", "Rania", "Samir", "Thandiwe",
          "Uzma", "Valentina", "Walid", "Yusuf", "Zainab", "Ahmad", "Bakhyt", "Carmen", "Dmitri", "Esra", "Femi"]
_FAMILY = ["Abdullaev", "Bangura", "Castillo", "Demir", "Ekwueme", "Fernandes", "Ghani", "Haidari", "Ivanova",
           "Jung", "Kamara", "Lindqvist", "Mensah", "Nazarova", "O'Connor", "Petrović", "Qureshi", "Rahimi",
           "Santos", "Tursunov", "Usmani", "Varga", "Wang", "Xu", "Yilmaz", "Zhukova", "Achieng", "Baig",
           "Cruz", "Dossou", "Eriksen", "Farouk", "Guzmán", "Hussaini", "Ibrahimova", "Jovanović", "Khan",
           "Lopes", "Mwangi", "Nguyen", "Okafor", "Popescu", "Rossi", "Shah", "Tembo", "Umarov", "Vasquez"]
_SYLLABLES = ["ka", "ra", "ba", "dan", "mi", "zor", "lu", "sha", "tan", "ko", "vel", "ar", "ni", "gul",
              "pe", "sar", "do", "ha", "mar", "li", "qu", "tes", "ab", "an", "bor", "ez", "kan", "ol"]
_CITY_SUFFIX = ["", "", "", "abad", "pur", "grad", "ville", "stan", "port", " Nova", "ia", "o"]

_CSO_FIRST = ["Hope", "Safe", "Bright", "Open", "Free", "Shared", "New", "Common", "Green", "Rising", "United",
              "Silver", "Clear", "Northern", "Southern", "Coastal", "Mountain", "River", "Urban", "Rural"]
_CSO_SECOND = ["Path", "Horizon", "Bridge", "Harbour", "Voices", "Hands", "Future", "Roots", "Light", "Shelter",
               "Compass", "Circle", "Gate", "Road", "Haven", "Anchor", "Network", "Steps", "Lantern", "Wings"]
_CSO_KIND = ["Foundation", "Association", "Initiative", "Society", "Trust", "Centre for Migrant Rights",
             "Legal Aid Clinic", "Women's Network", "Youth Alliance", "Community Project"]

_IGO_ADJ = ["Global", "International", "Intergovernmental", "Regional", "Multilateral", "Transnational"]
_IGO_BODY = ["Office", "Centre", "Organization", "Agency", "Institute", "Partnership", "Facility", "Commission"]
_IGO_TOPIC = ["Migration and Crime", "Migration Policy", "Labour Mobility", "Justice and Security",
              "Human Rights and Mobility", "Border Governance", "Protection of Migrants", "Crime Prevention",
              "Refugee and Migrant Rights", "Rule of Law", "Children on the Move", "Safe Migration"]

_PROG_WORDS = ["SAFE", "BRIDGE", "PROTECT", "ACCESS", "SHIELD", "PATHWAYS", "COMPASS", "HORIZON", "UNITE",
               "JUSTICE", "DIGNITY", "ANCHOR", "BEACON", "REACH", "RESPOND", "TRACE", "SECURE", "LIFT",
               "ROUTES", "PARTNER", "EMPOWER", "GUARD", "ALIGN", "STRIVE"]
_PROG_TOPICS = ["Strengthening Criminal Justice Responses to Trafficking in Persons",
                "Countering the Smuggling of Migrants along Land and Sea Routes",
                "Protecting Migrant Workers from Forced Labour",
                "Improving Victim Identification and Referral",
                "Building Border Management Capacity",
                "Preventing Child Trafficking",
                "Addressing Technology-Facilitated Trafficking",
                "Supporting Survivors through Shelters and Legal Aid",
                "Enhancing International Cooperation against Organised Crime",
                "Data and Research on Irregular Migration"]

_MINISTRIES = [("GovernmentMinistry", "Ministry of Interior"), ("GovernmentMinistry", "Ministry of Foreign Affairs"),
               ("GovernmentMinistry", "Ministry of Justice"), ("GovernmentMinistry", "Ministry of Labour"),
               ("GovernmentMinistry", "Ministry of Social Affairs"), ("GovernmentMinistry", "Ministry of Health")]
_AGENCIES = ["National Police", "Border Guard Service", "Federal Investigation Agency", "Immigration Service",
             "Prosecutor General's Office", "Labour Inspectorate"]
_AGENCY_UNITS = ["Anti-Human Smuggling Wing", "Anti-Trafficking Unit", "Victim Support Section",
                 "Cybercrime Directorate", "Border Intelligence Section", "Regional Directorate North",
                 "Regional Directorate South"]
_IGO_UNITS = ["Organized Crime Branch", "Human Trafficking and Migrant Smuggling Section", "Protection Division",
              "Labour Migration Unit", "Research and Data Section", "Regional Office for Asia",
              "Regional Office for Africa", "Regional Office for the Americas", "Regional Office for Europe",
              "Programme Support Unit", "Legal Advisory Section"]
_POST_TITLES = ["Programme Officer", "Project Coordinator", "Senior Project Manager", "Director",
                "Deputy Director", "Head of Unit", "Legal Adviser", "Field Coordinator", "Research Officer",
                "Additional Director General", "Country Representative", "Monitoring and Evaluation Officer"]
_EVENT_KINDS = [("Workshop", "workshop"), ("Training", "training"), ("Meeting", "meeting")]
_EVENT_TOPICS = ["victim identification", "joint investigations", "financial investigations",
                 "the national action plan", "safe labour migration", "border cooperation",
                 "referral mechanisms", "online recruitment", "prosecuting smugglers",
                 "protection of child victims", "data collection", "cross-border case handling"]
_SESSION_TOPICS = ["Opening session", "Joint review of the national action plan", "Panel on case law",
                   "Group work on referral", "Closing session", "Presentation of findings", "Field visit debrief"]
#: Ids given to particular entities by name (see where they are used), never by the counter.
_RESERVED = {"tgd:doc-0002"}

_TIERS = ["Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3"]

_ROLES = {"funding": "tg:FundingRole", "accountable": "tg:AccountableRole", "extending": "tg:ExtendingRole",
          "implementing": "tg:ImplementingRole"}


# ---------------------------------------------------------------------------
# Writing Turtle terms
# ---------------------------------------------------------------------------
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _escape(text: str) -> str:
    """A Turtle string body: backslash, quote and control characters escaped.

    >>> _escape('say "hi"\\n')
    'say \\\\"hi\\\\"\\\\n'
    """
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def en(text: str) -> str:
    """An English language-tagged literal."""
    return f'"{_escape(text)}"@en'


def plain(text: str) -> str:
    """A plain (xsd:string) literal."""
    return f'"{_escape(text)}"'


def date(d: _dt.date) -> str:
    """An xsd:date literal."""
    return f'"{d.isoformat()}"^^xsd:date'


def count(n: int) -> str:
    """An xsd:nonNegativeInteger literal."""
    return f'"{int(n)}"^^xsd:nonNegativeInteger'


class Block:
    """The body of one named graph, built as text; counts the triples it states."""

    __slots__ = ("partners", "parts", "triples")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.triples = 0
        #: the (government, implementer) partnerships this graph states (each stated once)
        self.partners: set[tuple[str, str]] = set()

    def add(self, subject: str, *pairs: tuple[str, object]) -> None:
        """State ``subject`` with (predicate, object-or-list-of-objects) pairs; empty lists are skipped."""
        lines = []
        for pred, objs in pairs:
            if objs is None:
                continue
            objs = [objs] if isinstance(objs, str) else list(dict.fromkeys(objs))  # type: ignore[call-overload]
            if not objs:
                continue
            self.triples += len(objs)
            lines.append(f"{pred} {' , '.join(objs)}")
        if lines:
            self.parts.append(f"    {subject} " + " ;\n        ".join(lines) + " .\n")

    def text(self, graph: str) -> str:
        """The block as TriG."""
        return f"{graph} {{\n" + "".join(self.parts) + "}\n\n"


# ---------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------
@dataclass
class GenerateReport:
    """What :func:`generate` wrote."""

    triples: int
    seed: int
    target: int
    entities: dict[str, int] = field(default_factory=dict)
    graphs: int = 0
    seconds: float = 0.0
    path: str | None = None

    def text(self) -> str:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.entities.items()))
        where = f" to {self.path}" if self.path else ""
        return (f"wrote {self.triples} triples (target {self.target}, seed {self.seed}) in {self.graphs} named "
                f"graphs{where} in {self.seconds:.1f} s\n  {kinds}")


class _Zipf:
    """Draw items with weight 1/rank**s (rank 1 first)."""

    def __init__(self, items: list[str], s: float = 1.1) -> None:
        self.items = items
        self.cum = list(accumulate(1.0 / (r ** s) for r in range(1, len(items) + 1)))

    def draw(self, rng: random.Random) -> str:
        return self.items[bisect_right(self.cum, rng.random() * self.cum[-1])]

    def sample(self, rng: random.Random, k: int) -> list[str]:
        k = min(k, len(self.items))
        out: dict[str, None] = {}
        tries = 0
        while len(out) < k and tries < 20 * k:
            out[self.draw(rng)] = None
            tries += 1
        return list(out)


class _Landscape:
    def __init__(self, target: int, seed: int, out: IO[str]) -> None:
        self.target = target
        self.rng = random.Random(seed)
        self.out = out
        self.triples = 0
        self.graphs = 0
        self.counters: dict[str, int] = {}
        self.sources_block = Block()

    # --- identifiers -----------------------------------------------------
    def new(self, kind: str) -> str:
        n = self.counters.get(kind, 0) + 1
        if f"tgd:{kind}-{n:04d}" in _RESERVED:  # given out by name, where a named query's default needs it
            n += 1
        self.counters[kind] = n
        return f"tgd:{kind}-{n:04d}"

    # --- sources and graphs ---------------------------------------------
    def source(self, kind: str, label: str, *, issued: _dt.date | None = None, publisher: str | None = None,
               applies_to: str | None = None, part_of: str | None = None) -> tuple[str, str]:
        """A new source document and the name of the graph holding its facts."""
        src = self.new("src")
        graph = "tgd:graph-" + src.split(":", 1)[1]
        b = self.sources_block
        b.add(src, ("a", [kind, "prov:Entity"]), ("skos:prefLabel", en(label)),
              ("tg:sourceUrl", f'"https://example.org/tipgraph-synthetic/{src.split(":", 1)[1]}"^^xsd:anyURI'),
              ("dcterms:issued", date(issued or _dt.date(2024, 1, 1))), ("tg:publishedBy", publisher),
              ("tg:appliesTo", applies_to), ("dcterms:isPartOf", part_of))
        b.add(graph, ("a", ["prov:Bundle", "prov:Entity"]), ("skos:prefLabel", en("facts from " + label)),
              ("prov:wasDerivedFrom", src))
        return src, graph

    def flush(self, graph: str, block: Block) -> None:
        if block.triples:
            self.out.write(block.text(graph))
            self.triples += block.triples
            self.graphs += 1

    @property
    def written(self) -> int:
        return self.triples + self.sources_block.triples

    # --- names ----------------------------------------------------------
    def city_name(self) -> str:
        r = self.rng
        word = "".join(r.choice(_SYLLABLES) for _ in range(r.randint(2, 3)))
        return (word + r.choice(_CITY_SUFFIX)).strip().capitalize()

    def person_name(self) -> str:
        return f"{self.rng.choice(_GIVEN)} {self.rng.choice(_FAMILY)}"

    def day(self, start: _dt.date, end: _dt.date) -> _dt.date:
        span = max(0, (end - start).days)
        return start + _dt.timedelta(days=self.rng.randint(0, span))

    # --- reference data --------------------------------------------------
    def reference(self) -> None:
        r = self.rng
        t = self.target
        src, graph = self.source("tg:SourceDocument", "ISO 3166-1 country codes and UN M49 regions (reference list)",
                                 issued=_dt.date(2024, 1, 1))
        self.reference_source = src
        b = Block()
        self.country_iri: dict[str, str] = {}
        self.country_name: dict[str, str] = {}
        self.country_region: dict[str, str] = {}
        for a2, _a3, sub, name in COUNTRIES:
            iri = self.new("plc")
            self.country_iri[a2] = iri
            self.country_name[iri] = name
            self.country_region[iri] = sub
        self.subregion_iri = {code: self.new("plc") for code in _SUBREGIONS}
        # The seed's tgd:plc-0010 is a region (Central Asia), a named query's default: give that id
        # to Central Asia here too, and its own id to the country that drew plc-0010.
        pinned = "tgd:plc-0010"
        drew = next((a2 for a2, iri in self.country_iri.items() if iri == pinned), None)
        if drew is not None:
            freed = self.subregion_iri["CAS"]
            self.subregion_iri["CAS"] = pinned
            self.country_iri[drew] = freed
            self.country_name[freed] = self.country_name.pop(pinned)
            self.country_region[freed] = self.country_region.pop(pinned)
        self.continent_iri = {code: self.new("plc") for code in _CONTINENTS}
        self.corridors = [self.new("plc") for _ in _CORRIDORS]
        for a2, a3, sub, name in COUNTRIES:
            b.add(self.country_iri[a2], ("a", "tg:Country"), ("skos:prefLabel", en(name)),
                  ("tg:iso3166Alpha2", plain(a2)), ("tg:iso3166Alpha3", plain(a3)),
                  ("tg:locatedIn", self.subregion_iri[sub]))
        for code, (name, cont) in _SUBREGIONS.items():
            b.add(self.subregion_iri[code], ("a", "tg:Region"), ("skos:prefLabel", en(name)),
                  ("tg:locatedIn", self.continent_iri[cont] if cont else None))
        for code, name in _CONTINENTS.items():
            b.add(self.continent_iri[code], ("a", "tg:Region"), ("skos:prefLabel", en(name)))
        for iri, name in zip(self.corridors, _CORRIDORS, strict=False):
            b.add(iri, ("a", "tg:Region"), ("skos:prefLabel", en(name)))
        self.themes = []
        for label, alts in _THEMES:
            iri = self.new("thm")
            self.themes.append(iri)
            b.add(iri, ("a", "tg:Theme"), ("skos:inScheme", "tg:ThemeScheme"), ("skos:prefLabel", en(label)),
                  ("skos:altLabel", [en(a) for a in alts]))
        self.theme_zipf = _Zipf(self.themes, 0.9)

        # Country weights: a shuffled power law, with the seed's countries at the top.
        rest = [a2 for a2, *_ in COUNTRIES[7:]]
        r.shuffle(rest)
        order = ["PK", "AF", "IQ", "TJ", "UZ", "KG", "KZ", *rest]
        self.country_zipf = _Zipf([self.country_iri[a2] for a2 in order], 0.9)
        self.by_subregion: dict[str, list[str]] = {}
        for a2 in order:
            iri = self.country_iri[a2]
            self.by_subregion.setdefault(self.country_region[iri], []).append(iri)
        self.subregion_zipf = {k: _Zipf(v, 0.8) for k, v in self.by_subregion.items()}

        # Cities: more in busy countries. Pakistan's first city hosts the first event.
        n_cities = max(40, min(4000, t // 250))
        self.cities: dict[str, list[str]] = {}
        first = self.new("plc")
        self._add_city(b, first, self.country_iri["PK"], "Islamabad")
        for _ in range(n_cities - 1):
            country = self.country_zipf.draw(r)
            self._add_city(b, self.new("plc"), country, self.city_name())
        self.flush(graph, b)

    def _add_city(self, b: Block, iri: str, country: str, name: str) -> None:
        self.cities.setdefault(country, []).append(iri)
        b.add(iri, ("a", "tg:City"), ("skos:prefLabel", en(name)), ("tg:locatedIn", country))

    def city_in(self, country: str) -> str:
        cities = self.cities.get(country)
        if not cities:
            cities = self.cities.setdefault(country, [])
            iri = self.new("plc")
            cities.append(iri)
            b = Block()
            self._add_city(b, iri, country, self.city_name())
            self.pending_cities.append(b)
        return self.rng.choice(cities)

    # --- organisations -------------------------------------------------------
    def organisations(self) -> None:
        r = self.rng
        t = self.target
        self.pending_cities: list[Block] = []
        self.org_label: dict[str, str] = {}
        self.igos: list[str] = []
        self.unions: list[str] = []
        self.gov: dict[str, dict[str, list[str]]] = {}   # country -> kind -> orgs
        self.donors: list[str] = []
        self.csos: list[str] = []
        self.units: dict[str, list[str]] = {}            # parent -> units
        directory = Block()
        directory_parts: list[tuple[str, Block]] = []
        part = [1]

        def flush_directory(force: bool = False) -> None:
            nonlocal directory
            if directory.triples >= 4000 or (force and directory.triples):
                _src, graph = self.source("tg:SourceDocument", f"Directory of organisations, part {part[0]}",
                                         issued=_dt.date(2024, 6, 30))
                part[0] += 1
                directory_parts.append((graph, directory))
                self.flush(graph, directory)
                directory = Block()

        def org(kind: str, label: str, *, alt: list[str] | None = None, parent: str | None = None,
                themes: int = 0, active: str | None = None) -> str:
            iri = self.new("org")
            self.org_label[iri] = label
            directory.add(iri, ("a", f"tg:{kind}"), ("skos:prefLabel", en(label)),
                          ("skos:altLabel", [en(a) for a in (alt or [])]),
                          ("tg:subOrganisationOf", parent),
                          ("tg:addresses", self.theme_zipf.sample(r, themes) if themes else None))
            # ``active`` (the country a national body works in) is not written: tg:activeIn is
            # derived from engagements, and asserting it is refused by validation.
            if parent:
                self.units.setdefault(parent, []).append(iri)
            flush_directory()
            return iri

        def igo_name() -> tuple[str, str]:
            name = f"{r.choice(_IGO_ADJ)} {r.choice(_IGO_BODY)} for {r.choice(_IGO_TOPIC)}"
            acronym = "".join(w[0] for w in name.split() if w[0].isupper())
            return name, acronym

        n_igo = 7 + t // 40_000
        # org-0001 .. org-0008: big intergovernmental implementers, with the first union at org-0002.
        for i in range(8):
            if i == 1:
                self.unions.append(org("SupranationalUnion", "Union of Northern States", alt=["UNS"]))
                continue
            name, acronym = igo_name()
            self.igos.append(org("IntergovernmentalOrganisation", acronym + f"-{i + 1}", alt=[name], themes=2))
        # org-0009 .. org-0012: Pakistan's government, a ministry, an agency and one of its units.
        self._government(org, "PK", first=True)
        for i in range(8, n_igo + 1):
            name, acronym = igo_name()
            self.igos.append(org("IntergovernmentalOrganisation", acronym + f"-{i + 1}", alt=[name], themes=2))
        self.unions.append(org("SupranationalUnion", "Southern Economic Community", alt=["SEC"]))
        # Donor-government agencies.
        for a2 in _DONOR_COUNTRIES[: max(6, min(len(_DONOR_COUNTRIES), 4 + t // 50_000))]:
            country = self.country_iri[a2]
            name = self.country_name[country]
            self.donors.append(org("GovernmentMinistry", f"Development Cooperation Agency ({name})",
                                   alt=[f"{a2} Aid"], active=country))
        # Governments of the busiest countries (all of them at 1M triples).
        n_gov = max(5, min(len(COUNTRIES), t // 4000))
        for iri in self.country_zipf.items[:n_gov]:
            a2 = next(k for k, v in self.country_iri.items() if v == iri)
            if a2 != "PK":
                self._government(org, a2)
        # Units of the intergovernmental organisations: headquarters sections and country offices.
        for rank, igo in enumerate(self.igos, 1):
            sections = r.sample(_IGO_UNITS, k=min(len(_IGO_UNITS), 2 + 6 // rank))
            for s in sections:
                unit = org("OrganisationalUnit", f"{s}, {self.org_label[igo]}", parent=igo, themes=1)
                if r.random() < 0.5:
                    org("OrganisationalUnit", f"{r.choice(['Policy', 'Operations', 'Liaison'])} Team, {s}, "
                        f"{self.org_label[igo]}", parent=unit)
            offices = max(1, int(t / 25_000 / rank))
            for country in self.country_zipf.sample(r, offices):
                org("OrganisationalUnit", f"{self.org_label[igo]} Country Office, {self.country_name[country]}",
                    parent=igo, active=country)
        # Foundations that fund, and the long tail of civil-society implementers.
        for _ in range(2 + t // 100_000):
            name = f"{r.choice(_CSO_FIRST)} {r.choice(_CSO_SECOND)} Fund"
            self.donors.append(org("CivilSocietyOrganisation", name, themes=1))
        n_cso = max(20, int(t * 0.012))
        for _ in range(n_cso):
            country = self.country_zipf.draw(r)
            name = f"{r.choice(_CSO_FIRST)} {r.choice(_CSO_SECOND)} {r.choice(_CSO_KIND)}"
            cso = org("CivilSocietyOrganisation", f"{name} ({self.country_name[country]})",
                      themes=r.choice([0, 1, 1, 2]), active=country)
            self.csos.append(cso)
            if r.random() < 0.15:
                org("OrganisationalUnit", f"Legal Aid Desk, {name}", parent=cso)
        flush_directory(force=True)

        # Who funds and who implements, by power law.
        donors = self.unions[:1] + self.donors[:3] + self.unions[1:] + self.donors[3:]
        self.funder_zipf = _Zipf(donors, 1.2)
        gov_agencies = [a for g in self.gov.values() for a in g["agencies"]]
        implementers = self.igos[:2] + self.csos[:3] + self.igos[2:] + gov_agencies + self.csos[3:]
        # org-0003 is the second-biggest implementer, as ICMPD is in the seed.
        implementers.remove(self.igos[1])
        implementers.insert(1, self.igos[1])
        self.implementer_zipf = _Zipf(implementers, 1.0)

    def _government(self, org, a2: str, first: bool = False) -> None:  # type: ignore[no-untyped-def]
        r = self.rng
        country = self.country_iri[a2]
        name = self.country_name[country]
        g: dict[str, list[str]] = {"government": [], "ministries": [], "agencies": [], "units": [],
                                   "committees": []}
        self.gov[country] = g
        gov = org("NationalGovernment", f"Government of {name}", themes=2, active=country)
        g["government"].append(gov)
        ministries = list(_MINISTRIES) if first else r.sample(_MINISTRIES, k=r.randint(2, 5))
        if first:
            ministries = [_MINISTRIES[0]]
        for kind, mname in ministries:
            g["ministries"].append(org(kind, f"{mname} ({name})", alt=[mname], parent=gov))
        agencies = ["Federal Investigation Agency"] if first else r.sample(_AGENCIES, k=r.randint(1, 3))
        for aname in agencies:
            agency = org("LawEnforcementAgency", f"{aname} ({name})",
                         alt=["".join(w[0] for w in aname.split())], parent=gov)
            g["agencies"].append(agency)
            for uname in ([_AGENCY_UNITS[0]] if first else r.sample(_AGENCY_UNITS, k=r.randint(1, 3))):
                g["units"].append(org("OrganisationalUnit", f"{uname}, {aname} ({name})", parent=agency,
                                      themes=1))
        if first:  # the rest of Pakistan's government after org-0012
            for kind, mname in _MINISTRIES[1:4]:
                g["ministries"].append(org(kind, f"{mname} ({name})", alt=[mname], parent=gov))
        for level in (["National", "Provincial"] if r.random() < 0.5 or first else ["National"]):
            g["committees"].append(org("Committee", f"{level} Anti-Trafficking Committee ({name})",
                                       parent=gov, themes=1))

    # --- documents and rankings ---------------------------------------------
    def documents(self) -> None:
        r = self.rng
        self.nap: dict[str, str] = {}
        self.laws: dict[str, str] = {}
        _src, graph = self.source("tg:SourceDocument", "Compendium of national action plans and legislation",
                                 issued=_dt.date(2024, 3, 1))
        b = Block()
        for country, g in self.gov.items():
            name = self.country_name[country]
            nap = self.new("doc")
            self.nap[country] = nap
            b.add(nap, ("a", "tg:NationalActionPlan"),
                  ("skos:prefLabel", en(f"{name} National Action Plan against Trafficking in Persons")),
                  ("skos:altLabel", en("NAP")), ("tg:appliesTo", country), ("tg:publishedBy", g["government"][0]),
                  ("tg:addresses", self.themes[:2]))
            law = self.new("doc")
            self.laws[country] = law
            b.add(law, ("a", "tg:Legislation"),
                  ("skos:prefLabel", en(f"{name} law on the prevention of trafficking in persons and smuggling "
                                        f"of migrants ({r.randint(2000, 2023)})")),
                  ("tg:appliesTo", country), ("tg:addresses", self.themes[:2]))
        self.flush(graph, b)
        # An annual report that ranks countries, published by a donor agency: one report, an
        # edition (a source) per year, each ranking with its year, tier and tier level. The seed's
        # report is tgd:doc-0002, the ranking questions' default: the report takes that id here too.
        self.reports: list[str] = []
        years = max(2, min(12, self.target // 80_000))
        ranked = max(30, min(len(COUNTRIES), self.target // 300))
        publisher = self.donors[0]
        report = "tgd:doc-0002"
        self.reports.append(report)
        label = "Annual Report on Trafficking in Persons"
        countries = list(self.country_zipf.items[:ranked])
        if "tgd:plc-0003" in self.country_name and "tgd:plc-0003" not in countries:
            countries.append("tgd:plc-0003")  # the ranking questions' default country
        levels = {tier: i + 1 for i, tier in enumerate(_TIERS)}
        first = True
        for i in range(years):
            year = 2024 - years + 1 + i
            _rsrc, rgraph = self.source("tg:SourceDocument", f"{label} {year}", issued=_dt.date(year, 6, 25),
                                       publisher=publisher)
            b = Block()
            if first:
                b.add(report, ("a", "tg:Report"), ("skos:prefLabel", en(label)), ("skos:altLabel", en("TIP Report")),
                      ("tg:publishedBy", publisher), ("tg:addresses", self.themes[0]))
                first = False
            for country in countries:
                rank = self.new("rnk")
                tier = r.choice(_TIERS) if r.random() < 0.9 else None
                if country == "tgd:plc-0003":  # defaults answer: Tier 2 Watch List in the last year, worse before
                    tier = "Tier 2 Watch List" if year == 2024 else "Tier 2" if year == 2023 else tier
                b.add(rank, ("a", "tg:Ranking"),
                      ("skos:prefLabel", en(f"{self.country_name[country]} in the {label} {year}")),
                      ("tg:rankingReport", report), ("tg:rankedCountry", country),
                      ("tg:rankingYear", f'"{year}"^^xsd:gYear'),
                      ("tg:tier", plain(tier) if tier else None),
                      ("tg:tierLevel", f'"{levels[tier]}"^^xsd:integer' if tier else None))
            self.flush(rgraph, b)

    # --- programme families ------------------------------------------------
    def family(self, first: bool = False) -> None:
        """A global programme with its initiatives and projects, their engagements, events, people."""
        r = self.rng
        t = self.target
        region = self.country_region[self.country_zipf.draw(r)]
        region_zipf = self.subregion_zipf[region]
        lead = self.igos[0] if first else self.igos[min(len(self.igos) - 1, int(r.paretovariate(1.2)) - 1)]
        word = r.choice(_PROG_WORDS)
        year = r.randint(2012, 2023)
        start = _dt.date(year, r.randint(1, 12), 1)
        end = _dt.date(min(year + r.randint(3, 8), 2030), r.randint(1, 12), 28)
        profile_label = f"Programme profile: {word}-{self.counters.get('prg', 0) + 1} family"
        src, graph = self.source("tg:SourceDocument", profile_label, issued=self.day(start, start.replace(
            year=start.year + 1)), publisher=lead)
        b = Block()
        gp = self.new("prg")
        gp_label = "GLO." + word if first else f"GLO.{word}-{gp.rsplit('-', 1)[1]}"
        b.add(gp, ("a", "tg:GlobalProgramme"), ("skos:prefLabel", en(gp_label)),
              ("skos:altLabel", en(f"Global Action on {r.choice(_PROG_TOPICS)}")),
              ("tg:addresses", self.theme_zipf.sample(r, 2) if not first else self.themes[:2]))
        self.engagement(b, src, lead, gp, "accountable", [], None, start, end, label_of=gp_label)

        scale = max(1, min(12, t // 40_000))
        n_init = 1 + min(5, int(r.paretovariate(1.6))) if not first else 2
        events: list[tuple] = []
        for i in range(n_init):
            ini = self.new("prg")
            ini_label = ("PROTECT" if first and i == 0 else f"{r.choice(_PROG_WORDS)}-{ini.rsplit('-', 1)[1]}")
            b.add(ini, ("a", "tg:Initiative"), ("skos:prefLabel", en(ini_label)),
                  ("skos:altLabel", en(f"{gp_label} {ini_label}")),
                  ("tg:withinFrameworkOf", gp), ("tg:addresses", self.theme_zipf.sample(r, r.randint(1, 3))))
            n_proj = min(3 * scale, int(r.paretovariate(1.3)) - 1) if not (first and i == 0) else 0
            leaves = [(ini, ini_label, "tg:Initiative")]
            if n_proj > 0:
                leaves = []
                for _ in range(n_proj):
                    prj = self.new("prg")
                    prj_label = f"{ini_label} {r.choice(['country', 'regional', 'pilot', 'phase'])} project " \
                                f"{prj.rsplit('-', 1)[1]}"
                    b.add(prj, ("a", "tg:Project"), ("skos:prefLabel", en(prj_label)),
                          ("tg:withinFrameworkOf", ini), ("tg:addresses", self.theme_zipf.sample(r, 1)))
                    leaves.append((prj, prj_label, "tg:Project"))
            for prog, label, _kind in leaves:
                p_start = self.day(start, end - _dt.timedelta(days=400))
                p_end = min(end, p_start + _dt.timedelta(days=r.randint(365, 1800)))
                if p_end <= p_start:
                    p_end = p_start + _dt.timedelta(days=365)
                countries = region_zipf.sample(r, r.randint(1, 4))
                if r.random() < 0.25:
                    countries += self.country_zipf.sample(r, r.randint(1, 2))
                if first and prog == ini:
                    countries = [self.country_iri[a2] for a2 in ("AF", "PK", "TJ", "IQ")]
                countries = list(dict.fromkeys(countries))
                broader = [self.subregion_iri[region], *r.sample(self.corridors, 1)] if (
                    first or r.random() < 0.3) else None
                # Funders (one or two), implementers (one to four), sometimes an extending agency.
                funders = [self.unions[0]] if first and prog == ini else self.funder_zipf.sample(
                    r, 1 if r.random() < 0.8 else 2)
                for f in funders:
                    self.engagement(b, src, f, prog, "funding", [], None, p_start, p_end, label_of=label)
                if first and prog == ini:
                    implementers = [self.igos[0], self.igos[1]]
                else:
                    implementers = self.implementer_zipf.sample(r, 1 + min(3, int(r.paretovariate(1.5)) - 1))
                partners = b.partners
                for k, imp in enumerate(implementers):
                    where = countries if k == 0 else (r.sample(countries, r.randint(1, len(countries)))
                                                       if not first else countries)
                    self.engagement(b, src, imp, prog, "implementing", where, broader if k == 0 else None,
                                    p_start, p_end, label_of=label)
                    for c in where:
                        g = self.gov.get(c)
                        if g and r.random() < 0.3 and (g["government"][0], imp) not in partners:
                            partners.add((g["government"][0], imp))
                            b.add(g["government"][0], ("tg:partnerOf", imp))
                if r.random() < 0.15:
                    self.engagement(b, src, r.choice(self.igos[:4]), prog, "extending", [], None, p_start, p_end,
                                    label_of=label)
                # Contact people with posts in the implementers.
                for _ in range(r.choice([0, 1, 1, 2]) if not first else 2):
                    self.person(b, r.choice(implementers), contact_for=[prog] + ([gp] if first else []))
                # A facility now and then.
                if r.random() < 0.12 or (first and prog == ini):
                    self.facility(b, implementers[-1], prog, countries[0])
                n_events = (3 if first and prog == ini else min(6, int(r.paretovariate(1.4)) - 1))
                for _ in range(n_events):
                    events.append((prog, label, countries, implementers, p_start, p_end))
        for blk in self.pending_cities:
            b.parts.extend(blk.parts)
            b.triples += blk.triples
        self.pending_cities = []
        self.flush(graph, b)
        for ev in events:
            self.event(*ev, lead=lead)

    def engagement(self, b: Block, src: str, org: str, prog: str, role: str, countries: list[str],
                   broader: list[str] | None, start: _dt.date, end: _dt.date, *, label_of: str) -> str:
        r = self.rng
        eng = self.new("eng")
        b.add(eng, ("a", "tg:Engagement"),
              ("skos:prefLabel", en(f"{self.org_label[org]} {role} {label_of}")),
              ("tg:engagedOrganisation", org), ("tg:engagedProgramme", prog), ("tg:engagementRole", _ROLES[role]),
              ("tg:engagementCountry", countries), ("tg:broaderFocus", broader),
              ("tg:addresses", self.theme_zipf.sample(r, r.randint(1, 3)) if role == "implementing" else None),
              ("tg:startDate", date(start) if r.random() < 0.7 else None),
              ("tg:endDate", date(end) if r.random() < 0.5 else None),
              ("prov:wasDerivedFrom", src))
        return eng

    def person(self, b: Block, org: str, *, contact_for: list[str] | None = None,
               speaks_at: tuple[str, str] | None = None) -> str:
        r = self.rng
        per = self.new("per")
        pst = self.new("pst")
        unit = r.choice([*self.units.get(org, [org]), org])
        title = r.choice(_POST_TITLES)
        b.add(pst, ("a", "tg:Post"), ("skos:prefLabel", en(f"{title}, {self.org_label.get(unit, 'unit')}")),
              ("tg:postIn", unit))
        pred = speaks_at[0] if speaks_at else None
        b.add(per, ("a", "tg:Person"), ("skos:prefLabel", en(self.person_name())), ("tg:holdsPost", pst),
              ("tg:contactFor", contact_for), (pred or "tg:presentedAt", speaks_at[1] if speaks_at else None))
        return per

    def facility(self, b: Block, org: str, prog: str, country: str) -> None:
        r = self.rng
        fac = self.new("fac")
        virtual = r.random() < 0.3
        city = self.city_in(country)
        name = self.country_name[country]
        label = (f"virtual MRC {name}" if virtual else f"Migrant Resource Centre {name} {fac.rsplit('-', 1)[1]}")
        b.add(fac, ("a", "tg:VirtualMigrantResourceCentre" if virtual else "tg:MigrantResourceCentre"),
              ("skos:prefLabel", en(label)), ("skos:altLabel", en(f"MRC {fac.rsplit('-', 1)[1]}")),
              ("tg:runBy", org), ("tg:underProgramme", prog), ("tg:serves", country),
              ("tg:locatedIn", None if virtual else city))

    def event(self, prog: str, prog_label: str, countries: list[str], implementers: list[str],
              start: _dt.date, end: _dt.date, *, lead: str) -> None:
        r = self.rng
        country = countries[0] if r.random() < 0.6 else r.choice(countries)
        evt = self.new("evt")
        if evt == "tgd:evt-0001":
            country = self.country_iri["PK"]
        city = self.city_in(country)
        kind, word = r.choice(_EVENT_KINDS) if evt != "tgd:evt-0001" else _EVENT_KINDS[0]
        day = self.day(start, end)
        days = r.choice([0, 0, 1, 2, 4])
        organiser = implementers[0]
        label = (f"{'Regional' if len(countries) > 1 else 'National'} {word} on {r.choice(_EVENT_TOPICS)}, "
                 f"{self.country_name[country]}, {day.strftime('%B %Y')}")
        _src, graph = self.source("tg:PressRelease", f"Press release: {label}",
                                 issued=day + _dt.timedelta(days=r.randint(0, 10)), publisher=organiser,
                                 applies_to=country)
        b = Block()
        for blk in self.pending_cities:
            b.parts.extend(blk.parts)
            b.triples += blk.triples
        self.pending_cities = []
        g = self.gov.get(country)
        gov_orgs = (g["ministries"] + g["agencies"] + g["units"] + g["committees"]) if g else []
        collaborators = r.sample(gov_orgs, min(len(gov_orgs), r.randint(0, 2))) if gov_orgs else []
        attendees = list(dict.fromkeys(
            implementers + collaborators + self.implementer_zipf.sample(r, r.randint(1, 6))
            + (r.sample(gov_orgs, min(len(gov_orgs), r.randint(0, 4))) if gov_orgs else [])))
        total = max(5, int(r.lognormvariate(3.6, 0.7)))
        women = int(total * r.uniform(0.05, 0.7))
        docs = []
        if g and r.random() < 0.4:
            docs.append(self.nap[country])
            if r.random() < 0.5:
                docs.append(self.laws[country])
        if self.reports and r.random() < 0.2:
            docs.append(r.choice(self.reports))
        b.add(evt, ("a", f"tg:{kind}"), ("skos:prefLabel", en(label)),
              ("skos:altLabel", en(f"{prog_label} {word}, {day.strftime('%B %Y')}")),
              ("tg:startDate", date(day)), ("tg:endDate", date(day + _dt.timedelta(days=days))),
              ("tg:heldIn", city), ("tg:organisedBy", organiser), ("tg:inCollaborationWith", collaborators),
              ("tg:underProgramme", prog), ("tg:addresses", self.theme_zipf.sample(r, r.randint(1, 2))),
              ("tg:participantCount", count(total)), ("tg:femaleParticipantCount", count(women)),
              ("tg:hadVirtualParticipants", "true" if r.random() < 0.3 else None),
              ("tg:discusses", docs), ("tg:attendedBy", attendees))
        # Remarks by organisations, and people speaking for them.
        for speaker in r.sample(attendees, min(len(attendees), r.randint(1, 3))):
            b.add(speaker, ("tg:gaveRemarksAt", evt))
        for _ in range(r.randint(1, 3) if evt != "tgd:evt-0001" else 3):
            who = r.choice(attendees)
            self.person(b, who, speaks_at=(r.choice(["tg:gaveRemarksAt", "tg:presentedAt"]), evt))
        # Sessions.
        for _ in range(r.choice([0, 0, 0, 1, 2]) if evt != "tgd:evt-0001" else 1):
            ses = self.new("evt")
            post = None
            if g and g["units"]:
                post = self.new("pst")
                b.add(post, ("a", "tg:Post"), ("skos:prefLabel", en(f"Director, {self.org_label[g['units'][0]]}")),
                      ("tg:postIn", g["units"][0]), ("tg:participantIn", ses))
            reviewed = self.nap.get(country) if g and r.random() < 0.5 else None
            b.add(ses, ("a", "tg:Meeting"), ("skos:prefLabel", en(f"{r.choice(_SESSION_TOPICS)}, {label}")),
                  ("tg:subEventOf", evt), ("tg:startDate", date(day)), ("tg:heldIn", city),
                  ("tg:ledBy", post), ("tg:reviews", reviewed),
                  ("tg:attendedBy", r.sample(attendees, min(len(attendees), r.randint(1, 3)))))
        self.flush(graph, b)

    # --- the whole file ------------------------------------------------------------
    def run(self) -> None:
        self.out.write("# Synthetic tipgraph landscape for benchmarks (benchmarks/generate.py). All organisations,\n"
                       "# people, programmes, events, cities and documents are invented; countries are real.\n\n")
        self.out.write(PREFIXES + "\n")
        self.reference()
        self.organisations()
        self.documents()
        self.family(first=True)
        # Families until the target is reached (a family averages well under 5 % of the target).
        while self.written < self.target:
            before = self.written
            self.family()
            if self.written - before <= 0:  # pragma: no cover - cannot happen, guards an endless loop
                break
        self.flush("tgd:graph-sources", self.sources_block)


def parse_size(text: str) -> int:
    """``"10k"`` -> 10000, ``"1m"`` -> 1000000, ``"2500"`` -> 2500.

    >>> parse_size("100k"), parse_size("1M"), parse_size("750")
    (100000, 1000000, 750)
    """
    text = text.strip().lower().replace("_", "")
    mult = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in "km" else text
    return int(float(number) * mult)


def generate(n_triples: int, seed: int = 42, out: str | Path | IO[str] | None = None) -> GenerateReport | str:
    """Generate about ``n_triples`` triples with ``seed``.

    With ``out`` a path: write it atomically and return a :class:`GenerateReport`; with a text
    stream: write to it and return the report; with ``None``: return the TriG text.
    """
    if n_triples < 3000:
        raise ValueError("the landscape needs at least 3000 triples (its reference list of countries "
                         "and regions alone has about 1600)")
    started = time.perf_counter()
    if out is None:
        buf = io.StringIO()
        _Landscape(n_triples, seed, buf).run()
        return buf.getvalue()
    if isinstance(out, (str, Path)):
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                land = _Landscape(n_triples, seed, fh)
                land.run()
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        where = str(path)
    else:
        land = _Landscape(n_triples, seed, out)
        land.run()
        where = None
    return GenerateReport(triples=land.triples, seed=seed, target=n_triples, entities=dict(land.counters),
                          graphs=land.graphs, seconds=time.perf_counter() - started, path=where)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--triples", default="100k", help="about how many triples (e.g. 10k, 100k, 1m; default 100k)")
    p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    p.add_argument("--out", type=Path, help="output .trig file (default benchmarks/data/synthetic-<size>.trig)")
    args = p.parse_args(argv)
    n = parse_size(args.triples)
    out = args.out or Path(__file__).resolve().parent / "data" / f"synthetic-{args.triples.lower()}.trig"
    report = generate(n, args.seed, out)
    print(report.text())  # type: ignore[union-attr]
    return 0


if __name__ == "__main__":
    sys.exit(main())
