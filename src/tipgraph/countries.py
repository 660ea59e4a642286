"""Country names as releases, spreadsheets and ranking tables write them, mapped to ISO 3166-1.

The ISO list comes from ``pycountry`` (its short, official and common names); the spellings
that reports and releases use besides those ("Kyrgyz Republic", "I.R. Iran", "Lao PDR",
"Korea, South", "Burma", "Kosovo" …) are listed here. Lookups ignore case, accents,
punctuation, a leading "the" and "St." for "Saint".

>>> country("Kyrgyz Republic").alpha2
'KG'
>>> country("I.R. Iran").name
'Iran'
>>> country("Korea, South").alpha3
'KOR'
>>> country("PAK").name, country("pk") is None
('Pakistan', True)
>>> country("Narnia") is None
True
>>> nearest("Pakistn")[0]
'Pakistan'
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

__all__ = ["Country", "all_countries", "country", "nearest", "normalise", "spellings"]


@dataclass(frozen=True)
class Country:
    """A country by its ISO 3166-1 codes and the short name we show."""

    alpha2: str
    alpha3: str
    name: str


#: Names we show where ISO's short name reads oddly in a sentence ("Iran, Islamic Republic of").
_SHOWN = {
    "BO": "Bolivia", "BN": "Brunei", "CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo",
    "FM": "Micronesia", "IR": "Iran", "KP": "North Korea", "KR": "South Korea", "LA": "Laos", "MD": "Moldova",
    "PS": "Palestine", "RU": "Russia", "SY": "Syria", "TW": "Taiwan", "TZ": "Tanzania", "VE": "Venezuela",
    "VN": "Vietnam", "VA": "Holy See", "FK": "Falkland Islands", "GB": "United Kingdom", "US": "United States",
}

#: Spellings in use besides ISO's names (alpha-2 code: spellings).
_VARIANTS = {
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "AF": ["Islamic Republic of Afghanistan", "Islamic Emirate of Afghanistan"],
    "BA": ["Bosnia", "Bosnia-Herzegovina", "BiH"],
    "BS": ["The Bahamas"],
    "CD": ["DR Congo", "DRC", "D.R. Congo", "Congo, Dem. Rep.", "Congo (Kinshasa)", "Democratic Republic of Congo",
           "Congo, Democratic Republic of the"],
    "CG": ["Congo, Rep.", "Congo (Brazzaville)", "Congo, Republic of the", "Republic of Congo"],
    "CI": ["Ivory Coast", "Cote dIvoire"],
    "CV": ["Cape Verde"],
    "CZ": ["Czech Republic"],
    "GB": ["UK", "U.K.", "Great Britain", "Britain"],
    "GM": ["The Gambia", "Gambia, The"],
    "IR": ["I.R. Iran", "IR Iran", "Islamic Republic of Iran", "Iran (Islamic Republic of)"],
    "KG": ["Kyrgyz Republic", "Kirghizia", "Kyrgyzia"],
    "KN": ["St. Kitts and Nevis", "Saint Kitts & Nevis"],
    "KP": ["Korea, North", "DPRK", "D.P.R. Korea", "Korea, Dem. People's Rep."],
    "KR": ["Korea, South", "Republic of Korea", "ROK", "Korea, Rep."],
    "LA": ["Lao PDR", "Lao P.D.R.", "Lao"],
    "LC": ["St. Lucia"],
    "MD": ["Republic of Moldova"],
    "MK": ["Macedonia", "FYR Macedonia", "Former Yugoslav Republic of Macedonia", "North Macedonia"],
    "MM": ["Burma", "Myanmar (Burma)", "Burma (Myanmar)"],
    "PS": ["State of Palestine", "Palestinian Territories", "Occupied Palestinian Territory"],
    "RU": ["Russian Federation"],
    "ST": ["São Tomé and Príncipe", "Sao Tome & Principe"],
    "SZ": ["Swaziland", "Eswatini (Swaziland)"],
    "TJ": ["Republic of Tajikistan"],
    "TL": ["East Timor"],
    "TR": ["Turkey", "Turkiye", "Republic of Turkey"],
    "TW": ["Taiwan, China", "Chinese Taipei"],
    "TZ": ["United Republic of Tanzania"],
    "US": ["USA", "U.S.", "U.S.A.", "United States of America", "America"],
    "VA": ["Vatican", "Vatican City", "Holy See"],
    "VC": ["St. Vincent and the Grenadines", "Saint Vincent & the Grenadines"],
    "VE": ["Venezuela, RB"],
    "VN": ["Viet Nam", "Vietnam"],
    "CW": ["Curacao"],
    "HK": ["Hong Kong", "Hong Kong SAR", "Hong Kong, China"],
    "MO": ["Macau", "Macao SAR"],
}

#: Codes outside ISO 3166-1 that rankings and releases use (user-assigned by convention).
_EXTRA = [Country("XK", "XKX", "Kosovo")]


def normalise(text: str) -> str:
    """The form names are compared in: no accents, case, punctuation, leading "the"; "St." is "Saint".

    >>> normalise("  The Côte d'Ivoire ")
    'cote divoire'
    >>> normalise("St. Lucia") == normalise("Saint Lucia")
    True
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "")
    text = re.sub(r"\bst\.?(?=\s)", "saint", text)
    text = re.sub(r"[^\w]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@cache
def all_countries() -> tuple[Country, ...]:
    """Every country: ISO 3166-1 and the few user-assigned codes in use (Kosovo)."""
    import pycountry

    out = [Country(c.alpha_2, c.alpha_3, _SHOWN.get(c.alpha_2, getattr(c, "common_name", None) or c.name))
           for c in pycountry.countries]
    return tuple(out + _EXTRA)


@cache
def _table() -> dict[str, Country]:
    import pycountry

    by2 = {c.alpha2: c for c in all_countries()}
    table: dict[str, Country] = {}
    for iso in pycountry.countries:
        names: list[str | None] = [iso.name, getattr(iso, "official_name", None), getattr(iso, "common_name", None)]
        if ", " in iso.name:  # "Korea, Republic of" is also written "Republic of Korea"
            head, tail = iso.name.split(", ", 1)
            names.append(f"{tail} {head}")
        for name in names:
            if name:
                table.setdefault(normalise(name), by2[iso.alpha_2])
    for code, variants in _VARIANTS.items():
        for name in variants:
            table[normalise(name)] = by2[code]
    for c in all_countries():
        table[normalise(c.name)] = c
    return table


def spellings() -> Iterator[tuple[str, Country]]:
    """Every spelling we know with its country (normalised; for building matchers)."""
    yield from _table().items()


def country(text: str) -> Country | None:
    """The country a name or an ISO code (alpha-2 or alpha-3, upper case) stands for, or None.

    Codes are taken only in upper case, so that "in" or "to" in running text is never India or Tonga.
    """
    text = text.strip()
    if re.fullmatch(r"[A-Z]{2,3}", text):
        for c in all_countries():
            if text in (c.alpha2, c.alpha3):
                return c
    key = normalise(text)
    hit = _table().get(key)
    if hit is None and ", " in text:  # "Gambia, The", "Congo, Dem. Rep." in table-style lists
        head, tail = text.split(", ", 1)
        hit = _table().get(normalise(f"{tail} {head}"))
    return hit


def nearest(text: str, n: int = 3) -> list[str]:
    """The shown names of the countries whose spellings come closest to ``text``."""
    table = _table()
    keys = difflib.get_close_matches(normalise(text), list(table), n=n * 3, cutoff=0.6)
    out: list[str] = []
    for key in keys:
        name = table[key].name
        if name not in out:
            out.append(name)
    return out[:n]
