"""Dates and counts as releases write them, read strictly.

A date is only read where a pattern finds one: a day with a month ("11 October 2024",
"October 11, 2024", "9 to 10 March", "28 February – 2 March 2023", "14–16 May", "on 16 and
17 August 2024"), or a month with a year ("March 2025"). A bare "may" or "in March" is no
date. A month without a year takes the year the caller gives (the release's). Ranges of years
in brackets ("(2021–2025)") are programme periods.

>>> [(d.start_value, d.end_value, d.precision) for d in find_dates("From 3 to 5 June 2025, UNODC ...")]
[('2025-06-03', '2025-06-05', 'day')]
>>> [(d.start_value, d.end_value) for d in find_dates("held 28 February – 2 March 2023 in Tehran")]
[('2023-02-28', '2023-03-02')]
>>> find_dates("Another round is planned in March, and it may rain.", year=2024)
[]
>>> [d.start_value for d in find_dates("On 9 to 10 March, ICMPD", year=2025)]
['2025-03-09']
>>> [(d.start_value, d.end_value, d.precision, d.rule) for d in find_dates("runs from March 2023 to February 2026")]
[('2023-03', '2026-02', 'month', 'month-range')]
>>> [(d.start_value, d.end_value) for d in find_dates("from the 12th to the 14th of November", year=2024)]
[('2024-11-12', '2024-11-14')]
>>> count_value("twenty-two")
22
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

__all__ = ["NUMBER", "DateSpan", "count_value", "find_dates", "find_year_periods", "find_year_ranges"]

_MONTHS = {m: i + 1 for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"))}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
# Month names must be capitalised: "may" in lower case is a verb.
_MON = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
        r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_TO = r"\s*(?:-|–|—|to|until|till|and)\s*"

_PATTERNS = [
    # 28 February – 2 March 2023 ; 28 February 2023 – 2 March 2023
    ("cross-month", re.compile(rf"\b(?P<d1>{_DAY})\s+(?P<m1>{_MON})(?:\s+(?P<y1>{_YEAR}))?{_TO}"
                               rf"(?P<d2>{_DAY})\s+(?P<m2>{_MON})(?:,?\s+(?P<y2>{_YEAR}))?\b")),
    # March 30 – April 2, 2025
    ("cross-month-us", re.compile(rf"\b(?P<m1>{_MON})\s+(?P<d1>{_DAY}){_TO}(?P<m2>{_MON})\s+(?P<d2>{_DAY})"
                                  rf"(?:,?\s+(?P<y2>{_YEAR}))?\b")),
    # March 2023 to February 2026 (a period, precision month)
    ("month-range", re.compile(rf"\b(?P<m1>{_MON})\s+(?P<y1>{_YEAR})\s*(?:-|–|—|to|until|till|through)\s*"
                               rf"(?P<m2>{_MON})\s+(?P<y2>{_YEAR})\b")),
    # 3 to 5 June 2025 ; 14–16 May ; 16 and 17 August 2024 ; the 12th to the 14th of November
    ("day-range", re.compile(rf"\b(?:the\s+)?(?P<d1>{_DAY}){_TO}(?:the\s+)?(?P<d2>{_DAY})\s+(?:of\s+)?(?P<m2>{_MON})"
                             rf"(?:,?\s+(?P<y2>{_YEAR}))?\b")),
    # June 3-5, 2025
    ("day-range-us", re.compile(rf"\b(?P<m2>{_MON})\s+(?P<d1>{_DAY}){_TO}(?P<d2>{_DAY})(?:,\s*(?P<y2>{_YEAR}))?\b")),
    # 11 October 2024 ; 11 October
    ("day", re.compile(rf"\b(?P<d2>{_DAY})\s+(?:of\s+)?(?P<m2>{_MON})(?:,?\s+(?P<y2>{_YEAR}))?\b")),
    # October 11, 2024
    ("day-us", re.compile(rf"\b(?P<m2>{_MON})\s+(?P<d2>{_DAY})(?:,\s*(?P<y2>{_YEAR}))?\b(?!\s*(?:%|per))")),
    # March 2025
    ("month", re.compile(rf"\b(?P<m2>{_MON})\s+(?P<y2>{_YEAR})\b")),
]

_YEARS = re.compile(rf"\((?P<y1>{_YEAR})\s*(?:-|–|—|to)\s*(?P<y2>{_YEAR})\)")
_FROM_YEARS = re.compile(rf"\b(?:from|between)\s+(?P<y1>{_YEAR})\s*(?:-|–|—|to|and|until|till|through)\s*"
                         rf"(?P<y2>{_YEAR})\b(?!\s*[-–/]|\s+[A-Z])")


@dataclass(frozen=True)
class DateSpan:
    """A date or a range of dates found in text, with offsets and precision."""

    start: int
    end: int
    text: str
    start_value: str
    end_value: str
    precision: str  # "day" or "month" (a "month-range" period is "month" at both ends)
    rule: str
    has_year: bool


def _month(name: str) -> int:
    return _MONTHS[name.rstrip(".").lower()[:4] if name.lower().startswith("sept") else name.rstrip(".").lower()[:3]]


def _day(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _iso(y: int, m: int, d: int | None) -> str | None:
    try:
        if d is None:
            return f"{_dt.date(y, m, 1):%Y-%m}"
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def find_dates(text: str, *, year: int | None = None, offset: int = 0) -> list[DateSpan]:
    """Every date or date range in ``text`` (offsets shifted by ``offset``), left to right.

    ``year`` completes a day and month without a year; without it such a date is skipped.
    """
    taken: list[tuple[int, int]] = []
    out: list[DateSpan] = []
    for rule, rx in _PATTERNS:
        for m in rx.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            g = m.groupdict()
            y2 = int(g["y2"]) if g.get("y2") else None
            y1 = int(g["y1"]) if g.get("y1") else None
            has_year = y2 is not None or y1 is not None
            y_end = y2 or y1 or year
            if y_end is None:
                continue
            m2 = _month(g["m2"])
            m1 = _month(g["m1"]) if g.get("m1") else m2
            y_start = y1 or (y_end - 1 if m1 > m2 else y_end)
            if rule == "month":
                a = b = _iso(y_end, m2, None)
                precision = "month"
            elif rule == "month-range":
                a, b = _iso(y_start, m1, None), _iso(y_end, m2, None)
                precision = "month"
                if a is not None and b is not None and a > b:
                    continue
            else:
                d2 = _day(g["d2"])
                d1 = _day(g["d1"]) if g.get("d1") else d2
                a, b = _iso(y_start, m1, d1), _iso(y_end, m2, d2)
                precision = "day"
                if a is not None and b is not None and a > b:
                    continue
            if a is None or b is None:
                continue
            taken.append((m.start(), m.end()))
            out.append(DateSpan(m.start() + offset, m.end() + offset, m.group(0), a, b, precision, rule, has_year))
    return sorted(out, key=lambda d: d.start)


def find_year_ranges(text: str, *, offset: int = 0) -> list[tuple[int, int, str, str]]:
    """Bracketed year ranges, "(2021–2025)": (start, end, first year, last year).

    >>> find_year_ranges("SAFE-SA (2022–2026)")
    [(8, 19, '2022', '2026')]
    """
    return [(m.start() + offset, m.end() + offset, m["y1"], m["y2"]) for m in _YEARS.finditer(text)
            if m["y1"] <= m["y2"]]


def find_year_periods(text: str, *, offset: int = 0) -> list[tuple[int, int, str, str]]:
    """Unbracketed periods in years, "from 2021 to 2025": (start, end, first year, last year).

    >>> find_year_periods("The project runs from 2024 to 2027.")
    [(17, 34, '2024', '2027')]
    """
    return [(m.start() + offset, m.end() + offset, m["y1"], m["y2"]) for m in _FROM_YEARS.finditer(text)
            if m["y1"] <= m["y2"]]


_UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORDNUM = (rf"(?:(?:{'|'.join(_TENS)})(?:[-\s](?:{'|'.join(_UNITS[1:10])}))?|{'|'.join(_UNITS)}"
            r"|(?:one|two|three|four|five|six|seven|eight|nine)?\s*hundred(?:\s+and\s+\w+(?:-\w+)?)?)")
#: A count: digits ("1,250") or English number words ("twenty-two"), any case.
NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|(?i:{_WORDNUM}))"


def count_value(text: str) -> int | None:
    """The integer a count spells, in digits or words (text2num); None when it is no number.

    >>> count_value("1,250"), count_value("Forty"), count_value("two hundred and five"), count_value("many")
    (1250, 40, 205, None)
    """
    t = text.strip().replace(",", "")
    if t.isdigit():
        return int(t)
    from text_to_num import text2num

    try:
        return int(text2num(t.lower().replace("-", " ").replace("  ", " "), "en"))
    except ValueError:
        return None
