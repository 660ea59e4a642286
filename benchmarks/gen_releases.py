"""Generate synthetic press releases with their gold facts, for the extraction speed benchmark.

    python benchmarks/gen_releases.py --n 1000 --seed 12 --out benchmarks/data/releases-1000

Each release is built from templates (trainings, workshops, handovers, study visits, launches,
project profiles) filled from lists of agencies, donors, national bodies, cities, people, posts,
documents, dates and counts, and written as a saved web page (``--format html``, the default: a
canonical address and a publication date in its metadata, so the batch can ingest it) or as plain
text. ``NAME.gold.json`` beside it follows ``benchmarks/releases/README.md``. The same seed gives
the same files. These releases measure speed and template breadth, not accuracy on real prose.

>>> text, gold = make_release(random.Random(1), 0)
>>> gold["facts"][0]["relation"] in RELATION_NAMES and len(text) > 300
True
"""

from __future__ import annotations

import argparse
import html
import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

RELATION_NAMES = frozenset({
    "funds", "implements", "partnerIn", "withinFrameworkOf", "partOf", "operatesIn", "mentionsCountry", "heldIn",
    "startDate", "endDate", "organisedBy", "coOrganisedBy", "eventFundedBy", "inCollaborationWith",
    "underProgramme", "attendedBy", "participantCount", "femaleParticipantCount", "holdsPostIn", "gaveRemarksAt",
    "discusses"})

AGENCIES = [
    ("United Nations Office on Drugs and Crime", "UNODC"), ("International Organization for Migration", "IOM"),
    ("International Centre for Migration Policy Development", "ICMPD"), ("International Labour Organization", "ILO"),
    ("United Nations High Commissioner for Refugees", "UNHCR"), ("United Nations Children's Fund", "UNICEF"),
    ("Organization for Security and Co-operation in Europe", "OSCE"), ("United Nations Development Programme", "UNDP"),
    ("United Nations Population Fund", "UNFPA"), ("International Committee of the Red Cross", "ICRC"),
]
DONORS = [
    ("European Union", "EU"), ("Government of Japan", ""), ("Government of Norway", ""),
    ("Swiss Agency for Development and Cooperation", "SDC"), ("Federal Foreign Office of Germany", ""),
    ("Government of the Netherlands", ""), ("Foreign, Commonwealth and Development Office", "FCDO"),
    ("Government of Canada", ""), ("Australian Department of Foreign Affairs and Trade", "DFAT"),
    ("Korea International Cooperation Agency", "KOICA"), ("Government of Denmark", ""),
]
PLACES = [  # city, country as releases write it
    ("Almaty", "Kazakhstan"), ("Astana", "Kazakhstan"), ("Bishkek", "Kyrgyz Republic"), ("Osh", "Kyrgyz Republic"),
    ("Dushanbe", "Republic of Tajikistan"), ("Khujand", "Tajikistan"), ("Tashkent", "Uzbekistan"),
    ("Samarkand", "Uzbekistan"), ("Islamabad", "Pakistan"), ("Lahore", "Pakistan"), ("Karachi", "Pakistan"),
    ("Dhaka", "Bangladesh"), ("Kathmandu", "Nepal"), ("Colombo", "Sri Lanka"), ("Vientiane", "Lao PDR"),
    ("Bangkok", "Thailand"), ("Phnom Penh", "Cambodia"), ("Hanoi", "Viet Nam"), ("Baghdad", "Iraq"),
    ("Erbil", "Iraq"), ("Amman", "Jordan"), ("Beirut", "Lebanon"), ("Tunis", "Tunisia"), ("Rabat", "Morocco"),
    ("Accra", "Ghana"), ("Abuja", "Nigeria"), ("Nairobi", "Kenya"), ("Addis Ababa", "Ethiopia"),
    ("Chisinau", "Republic of Moldova"), ("Tbilisi", "Georgia"), ("Yerevan", "Armenia"), ("Baku", "Azerbaijan"),
    ("Belgrade", "Serbia"), ("Skopje", "North Macedonia"), ("Tirana", "Albania"), ("Tehran", "I.R. Iran"),
]
COUNTRIES = sorted({c for _, c in PLACES} | {"Afghanistan", "Turkmenistan", "Mongolia", "Maldives", "Bhutan",
                                            "Senegal", "Mali", "Niger", "Egypt", "Libya"})
BODIES = [  # national bodies: "{country}" is the country's name
    "Ministry of Interior of {country}", "National Police of {country}", "Prosecutor General's Office of {country}",
    "Ministry of Labour and Social Affairs of {country}", "State Border Service of {country}",
    "National Commission against Trafficking in Persons of {country}", "Ministry of Justice of {country}",
    "Immigration Department of {country}", "Supreme Court of {country}", "Ministry of Foreign Affairs of {country}",
]
NGOS = ["Safe Passage Network", "Hope Bridge Foundation", "Migrant Voices Association", "Shelter First Alliance",
        "Women's Rights Centre", "Legal Aid Collective", "Community Care Trust", "Youth Against Exploitation"]
FIRST = ["Aida", "Timur", "Nodira", "Farrukh", "Sabina", "Rajiv", "Elena", "Ion", "Khaleda", "Andreas",
         "Mariam", "Omar", "Leila", "Kamal", "Anna", "Pierre", "Grace", "Samuel", "Li", "Minh", "Sara", "Hassan",
         "Nadia", "Jonas"]
LAST = ["Bekova", "Abenov", "Rahimova", "Nazarov", "Gurung", "Menon", "Cojocaru", "Rusu", "Parvin", "Kovacs",
        "Haddad", "Mensah", "Okafor", "Tran", "Nguyen", "Petrovic", "Hoxha", "Aliyev", "Sargsyan", "Lindqvist"]
POSTS = ["Programme Officer", "Head of Office", "Project Coordinator", "Chief of Mission", "Deputy Minister",
         "Director", "Senior Adviser", "Country Representative", "Head of Unit", "Project Manager"]
TOPICS = ["the identification of victims of trafficking", "financial investigations in smuggling cases",
          "fair recruitment of migrant workers", "child-sensitive interviewing", "document fraud at border points",
          "the referral of victims to shelters", "cooperation between prosecutors and police",
          "online recruitment and exploitation", "labour inspection for forced labour"]
AUDIENCES = ["judges and prosecutors", "border guards", "labour inspectors", "police investigators",
             "social workers", "consular officers", "community volunteers"]
EVENTS = ["training workshop", "two-day training", "workshop", "roundtable", "consultation", "seminar",
          "training of trainers", "expert meeting"]
PROG_HEAD = ["Strengthening", "Enhancing", "Protecting", "Improving", "Supporting", "Advancing"]
PROG_TOPIC = ["Responses to Trafficking in Persons", "Migrant Protection", "Border Management",
              "Fair Labour Migration", "Victim Assistance", "Criminal Justice against Smuggling of Migrants"]
DOCS = ["National Action Plan against Trafficking in Persons {y1}–{y2}",
        "Standard Operating Procedures for the Referral of Victims of Trafficking",
        "National Referral Mechanism Guidelines", "Law on Combating Trafficking in Persons",
        "National Strategy on Migration {y1}–{y2}", "Guidelines on Fair Recruitment"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words(n: int) -> str:
    """A count in words, as releases spell small numbers.

    >>> words(42), words(17), words(30)
    ('forty-two', 'seventeen', 'thirty')
    """
    if n < 20:
        return UNITS[n] or "zero"
    return TENS[n // 10] + (f"-{UNITS[n % 10]}" if n % 10 else "")


def _alts(full: str, acronym: str) -> list[str]:
    return [full, acronym] if acronym else [full]


def _iso(y: int, m: int, d: int) -> str:
    return f"{y:04d}-{m:02d}-{d:02d}"


def make_release(rng: random.Random, i: int) -> tuple[str, dict[str, Any]]:
    """One release's text and its gold (a dict in the gold-file format)."""
    facts: list[dict[str, Any]] = []

    def fact(relation: str, subject: Any, obj: Any) -> None:
        facts.append({"relation": relation, "subject": subject, "object": obj})

    city, country = rng.choice(PLACES)
    short = country.replace("Republic of ", "") if country.startswith("Republic of ") else country
    year = rng.choice([2022, 2023, 2024, 2025])
    month = rng.randrange(1, 12)  # not December, so a range across months stays in the year
    d1 = rng.randrange(1, 26)
    span = rng.choice([0, 1, 2, 2, 4])
    agency, agency_acr = rng.choice(AGENCIES)
    donor, donor_acr = rng.choice(DONORS)
    body = rng.choice(BODIES).format(country=short)
    body2 = rng.choice([b for b in BODIES if b.format(country=short) != body]).format(country=short)
    prog_full = f"{rng.choice(PROG_HEAD)} {rng.choice(PROG_TOPIC)} in {short}"
    prog_acr = "".join(w[0] for w in prog_full.split() if w[0].isupper())[:6] + str(i % 90 + 10)
    prog = [prog_full, prog_acr]
    kind = rng.choice(EVENTS)
    topic = rng.choice(TOPICS)
    audience = rng.choice(AUDIENCES)

    # the date phrase, in one of the shapes releases use
    d2 = d1 + span
    start, end = _iso(year, month, d1), _iso(year, month, d2)
    shape = rng.randrange(5) if span else rng.choice([0, 0, 1])
    mname = MONTHS[month - 1]
    if span == 0:
        when = f"On {d1} {mname} {year}" if shape == 0 else f"On {d1} {mname}"
    elif shape == 0:
        when = f"From {d1} to {d2} {mname} {year}"
    elif shape == 1:
        when = f"From {d1} to {d2} {mname}"
    elif shape == 2:
        when = f"From {d1}–{d2} {mname} {year}"
    elif shape == 3:
        d2 = rng.randrange(1, 4)
        end = _iso(year, month + 1, d2)
        when = f"From {d1} {mname} – {d2} {MONTHS[month]} {year}"
    else:
        when = f"On {d1} and {d2} {mname} {year}" if span == 1 else f"Between {d1} and {d2} {mname} {year}"
    published = end
    pub_day = int(published[-2:])
    pub_month = int(published[5:7])
    dateline = f"{city}, {country} – {pub_day} {MONTHS[pub_month - 1]} {year} – "

    fact("heldIn", "@e1", city)
    fact("startDate", "@e1", start)
    fact("endDate", "@e1", end)
    paragraphs = []
    how = rng.randrange(3)
    if how == 0:
        paragraphs.append(f"{dateline}{when}, the {agency}{f' ({agency_acr})' if agency_acr else ''} organised a "
                          f"{kind} in {city} on {topic} for {audience} from the {body} and the {body2}.")
        fact("organisedBy", "@e1", _alts(agency, agency_acr))
    elif how == 1:
        ngo = rng.choice(NGOS)
        paragraphs.append(f"{dateline}{when}, the {agency}{f' ({agency_acr})' if agency_acr else ''} and {ngo} "
                          f"jointly organised a {kind} in {city} on {topic} for {audience} from the {body} and "
                          f"the {body2}.")
        fact("coOrganisedBy", "@e1", _alts(agency, agency_acr))
        fact("coOrganisedBy", "@e1", ngo)
    else:
        paragraphs.append(f"{dateline}{when}, a {kind} on {topic} was held in {city} for {audience} from the "
                          f"{body} and the {body2}. It was conducted by the {agency}"
                          f"{f' ({agency_acr})' if agency_acr else ''} in collaboration with the {body}.")
        fact("organisedBy", "@e1", _alts(agency, agency_acr))
        fact("inCollaborationWith", "@e1", body)
    fact("attendedBy", "@e1", body)
    fact("attendedBy", "@e1", body2)

    # programme, funding and framework
    framework = rng.choice(["GLO.ACT", "the Budapest Process", "the Prague Process", "the Bali Process"])
    framework_name = framework.removeprefix("the ")
    p = rng.randrange(3)
    if p == 0:
        d = f"{donor_acr}-funded" if donor_acr else f"{donor}-funded"
        paragraphs.append(f"The {kind} took place under the {d} {prog_full} ({prog_acr}) project, within the "
                          f"framework of {framework}.")
        fact("funds", _alts(donor, donor_acr), prog)
        fact("withinFrameworkOf", prog, framework_name)
    elif p == 1:
        paragraphs.append(f"It was funded by the {donor} as part of the project {prog_full} ({prog_acr}), which the "
                          f"{agency_acr or agency} is implementing under the umbrella of {framework}.")
        fact("eventFundedBy", "@e1", _alts(donor, donor_acr))
        fact("implements", _alts(agency, agency_acr), prog)
        fact("withinFrameworkOf", prog, framework_name)
    else:
        paragraphs.append(f"The event was part of {prog_full} ({prog_acr}), implemented by the "
                          f"{agency_acr or agency} with funding from the {donor}.")
        fact("implements", _alts(agency, agency_acr), prog)
        fact("funds", _alts(donor, donor_acr), prog)
    fact("underProgramme", "@e1", prog)

    # counts
    total = rng.randrange(12, 90)
    women = rng.randrange(2, total - 2)
    men = total - women
    c = rng.randrange(5)
    if c == 0:
        paragraphs.append(f"The {kind} was attended by {total} participants, including {women} women.")
    elif c == 1:
        paragraphs.append(f"In total, {total} participants ({women} women and {men} men) took part.")
    elif c == 2:
        paragraphs.append(f"It brought together {total} officials ({men} men, {women} women).")
    elif c == 3:
        paragraphs.append(f"{women} female and {men} male participants completed the programme.")
    else:
        n = min(total, 99)
        w = min(women, n - 1)
        total, women = n, w
        paragraphs.append(f"{words(n).capitalize()} participants took part, {words(w)} of them women.")
    fact("participantCount", "@e1", total)
    fact("femaleParticipantCount", "@e1", women)

    # speakers
    people = rng.sample([f"{f} {s}" for f in FIRST for s in LAST], rng.randrange(1, 4))
    orgs = [(agency, agency_acr), (body, ""), (donor, donor_acr)]
    said = []
    for k, person in enumerate(people):
        post = rng.choice(POSTS)
        org_full, org_acr = orgs[k % len(orgs)]
        form = rng.randrange(3)
        verb = rng.choice(["said", "noted", "stressed", "added"])
        if form == 0:
            said.append(f"{person}, {post} at the {org_full}, {verb} that the work on {topic} must continue.")
        elif form == 1:
            said.append(f"\u201cThis {kind} is one step of many,\u201d said {person}, {post} of the {org_full}.")
        else:
            said.append(f"Remarks were delivered by {person}, {post}, {org_full}.")
        facts.append({"relation": "holdsPostIn", "subject": person, "object": _alts(org_full, org_acr),
                      "post": post})
        fact("gaveRemarksAt", person, "@e1")
    paragraphs.append(" ".join(said))

    # a document, sometimes
    if rng.random() < 0.7:
        y1 = year + rng.choice([0, 1])
        doc = rng.choice(DOCS).format(y1=y1, y2=y1 + 3)
        paragraphs.append(f"Participants also reviewed the {doc} and proposed changes to it.")
        fact("discusses", "@e1", doc)

    # the closing "about the project" paragraph, sometimes, with countries
    if rng.random() < 0.6:
        countries = rng.sample([c for c in COUNTRIES if c != short], 3)
        extra = rng.sample([c for c in COUNTRIES if c not in countries and c != short], 2)
        y0 = year - rng.randrange(0, 3)
        paragraphs.append(f"About the project\n{prog_acr} ({y0}–{y0 + 4}) operates across {short}, "
                          f"{countries[0]}, {countries[1]}, and {countries[2]}, and shares its results with the "
                          f"broader region, including {extra[0]} and {extra[1]}.")
        for c2 in [short, *countries]:
            fact("operatesIn", prog, c2)
        for c2 in extra:
            fact("mentionsCountry", prog, c2)
        fact("startDate", prog, str(y0))
        fact("endDate", prog, str(y0 + 4))
    title = f"{city}: {kind} on {topic}"
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n", {
        "published": published, "language": "en", "facts": _unique(facts), "not": []}


def _unique(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for f in facts:
        key = json.dumps([f["relation"], f["subject"], f["object"]])
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def as_html(text: str, published: str, url: str, rng: random.Random) -> str:
    """A saved web page around the release: navigation, cookie banner, share buttons, related news, footer."""
    title, _, body = text.partition("\n\n")
    e = html.escape
    paras = "\n".join(f"<p>{e(p).replace(chr(10), '<br>')}</p>" for p in body.strip().split("\n\n"))
    related = "".join(f"<li><a href='/news/{rng.randrange(10**6)}'>{e(c)}: news from {e(k)}</a></li>"
                      for c, k in rng.sample(PLACES, 3))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
<link rel="canonical" href="{e(url)}"><meta property="og:url" content="{e(url)}">
<meta property="article:published_time" content="{published}"></head>
<body><div class="cookie-banner">This site uses cookies. <button>Accept</button></div>
<header><nav><a href="/">Home</a> <a href="/about">About</a> <a href="/news">News</a>
<a href="/contact">Contact</a></nav></header>
<main><article><h1>{e(title)}</h1><p class="date">{published}</p>
{paras}
</article><div class="share">Share: <a href="#">Facebook</a> <a href="#">X</a> <a href="#">LinkedIn</a></div>
<aside><h2>Related news</h2><ul>{related}</ul></aside></main>
<footer><p>Terms of use · Privacy · © {published[:4]}</p></footer></body></html>
"""


def generate(out: Path, n: int = 1000, *, seed: int = 12, fmt: str = "html") -> list[Path]:
    """Write ``n`` releases and their gold files into ``out``; returns the release paths."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        text, gold = make_release(rng, i)
        name = f"gen-{i:05d}"
        if fmt == "html":
            url = f"https://news.example.org/{gold['published'][:4]}/{name}"
            path = out / f"{name}.html"
            path.write_text(as_html(text, gold["published"], url, rng), encoding="utf-8")
        else:
            path = out / f"{name}.txt"
            path.write_text(text, encoding="utf-8")
        (out / f"{name}.gold.json").write_text(json.dumps(gold, indent=1, ensure_ascii=False) + "\n",
                                               encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate synthetic press releases with gold facts.")
    parser.add_argument("--n", type=int, default=1000, help="how many releases (default 1000)")
    parser.add_argument("--seed", type=int, default=12, help="random seed (default 12)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "data" / "releases")
    parser.add_argument("--format", choices=("html", "txt"), default="html")
    args = parser.parse_args(argv)
    paths = generate(args.out, args.n, seed=args.seed, fmt=args.format)
    print(f"wrote {len(paths)} releases with gold files to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
