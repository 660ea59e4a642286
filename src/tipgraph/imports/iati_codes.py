"""The IATI code lists (standard 2.03) that ``tipgraph import iati`` checks codes against.

They are packaged as data (``iati_codelists.json`` beside this module), with their codes and
English names; the DAC sectors and regions are the ones anti-trafficking work uses, not the
whole lists (a well-formed code outside them is kept as a code).

>>> name("OrganisationRole", "4")
'implementing'
>>> name("TransactionType", "99") is None
True
>>> sorted(codes("BudgetStatus"))
['1', '2']
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["LISTS", "codes", "name", "sector_theme"]

#: The code lists packaged, by their IATI names.
LISTS = ("OrganisationRole", "ActivityDateType", "RelatedActivityType", "TransactionType", "BudgetType",
         "BudgetStatus", "ActivityStatus", "OrganisationType", "Sector", "Region")


@cache
def _data() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("iati_codelists.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def codes(codelist: str) -> dict[str, str]:
    """Code -> English name of one code list (a KeyError names an unknown list)."""
    if codelist not in LISTS:
        raise KeyError(f"unknown IATI code list {codelist!r}; known: {', '.join(LISTS)}")
    table: dict[str, str] = _data()[codelist]
    return table


def name(codelist: str, code: str) -> str | None:
    """The English name of ``code`` in ``codelist``, or None when the list has no such code."""
    return codes(codelist).get(code)


def sector_theme(code: str) -> str | None:
    """The tipgraph theme id (``thm-0003``) a DAC purpose code corresponds to, if any.

    >>> sector_theme("15190"), sector_theme("12110")
    ('thm-0004', None)
    """
    value = _data()["SectorTheme"].get(code)
    return value if isinstance(value, str) and not code.startswith("_") else None
