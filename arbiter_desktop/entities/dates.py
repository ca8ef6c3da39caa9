"""Dates → ISO 8601 ("2024-11-23"): "23/11/2024", "23-11-2024", "23.11.2024", "23/11/24", "2024-11-23",
"23 novembre 2024", "1er novembre 2024", "lundi 23 nov. 2024". Impossible dates (31/02) are not dates; two-digit
years are read 20YY up to 69, 19YY from 70. A date without its year ("le 27 septembre") is left to the words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from arbiter_desktop.entities.model import Entity, EntityType
from arbiter_desktop.textfold import fold

MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1,
    "fevrier": 2, "fevr": 2, "fev": 2,
    "mars": 3,
    "avril": 4, "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7, "juil": 7,
    "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}  # fmt: skip

_MONTH_WORDS = sorted(
    {
        *MONTHS,
        "février",
        "févr",
        "fév",
        "août",
        "décembre",
        "déc",
    },
    key=len,
    reverse=True,
)
_NUMERIC = re.compile(r"(\d(?<![\w/.\-]\d)\d?)([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?![\w]|[/.\-]\d)")
_ISO = re.compile(r"(\d(?<![\w/.\-]\d)\d{3})([\-/])(\d{1,2})\2(\d{1,2})(?![\d]|[/.\-]\d)")
_WORDS = re.compile(
    r"(\d(?<!\w\d)\d?(?:er|ᵉʳ)?|p(?<!\wp)remier)[ \u00a0]+("
    + "|".join(_MONTH_WORDS)
    + r")\.?[ \u00a0]+(\d{4})(?![\w])",
    re.IGNORECASE,
)


def _year(written: str) -> int:
    if len(written) == 4:
        return int(written)
    short = int(written)
    return 2000 + short if short < 70 else 1900 + short


def _entity(year: int, month: int, day: int, start: int, end: int) -> Entity | None:
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    return Entity(EntityType.DATE, value.isoformat(), value.strftime("%d/%m/%Y"), start, end)


def find_dates(text: str) -> Iterator[Entity]:
    for m in _NUMERIC.finditer(text):
        day, separator, month, year = m.groups()
        if separator == "." and len(year) == 2 and (len(day) == 1 or len(month) == 1):
            continue  # "version 14.5.10"
        found = _entity(_year(year), int(month), int(day), m.start(), m.end())
        if found is not None:
            yield found
    for m in _ISO.finditer(text):
        year, _, month, day = m.groups()
        if not 1900 <= int(year) <= 2099:
            continue
        found = _entity(int(year), int(month), int(day), m.start(), m.end())
        if found is not None:
            yield found
    for m in _WORDS.finditer(text):
        day_written, month_written, year = m.groups()
        digits = re.sub(r"\D", "", day_written)
        day = int(digits) if digits else 1
        month = MONTHS.get(fold(month_written))
        if month is None:
            continue
        found = _entity(int(year), month, day, m.start(), m.end())
        if found is not None:
            yield found
