"""Dates → ISO 8601 ("2024-11-23"): "23/11/2024", "23-11-2024", "23.11.2024", "23/11/24", "2024-11-23",
"23 novembre 2024", "1er novembre 2024", "lundi 23 nov. 2024", and written out in words as procès-verbaux date
themselves: "le vingt-trois novembre deux mille vingt-quatre", "L'an deux mille vingt-quatre, le vingt-deux
février", "premier mars 2024", "mil neuf cent quatre-vingt-dix-neuf". Impossible dates (31/02) are not dates;
two-digit years are read 20YY up to 69, 19YY from 70. A date without its year ("le 27 septembre") is left to the
words."""

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


_UNITS = (
    "zero", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
    "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize",
)  # fmt: skip
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _spelled(n: int) -> tuple[str, ...]:
    """``n`` (0–99) in French words, folded, one word per item: 71 → ("soixante", "et", "onze")."""
    if n < 17:
        return (_UNITS[n],)
    if n < 20:
        return ("dix", _UNITS[n - 10])
    if n < 70:
        tens, unit = divmod(n, 10)
        return (_TENS[tens],) + (() if unit == 0 else ("et", "un") if unit == 1 else (_UNITS[unit],))
    if n < 80:
        return ("soixante", "et", "onze") if n == 71 else ("soixante", *_spelled(n - 60))
    return ("quatre", "vingts") if n == 80 else ("quatre", "vingt", *_spelled(n - 80))


_NUMBERS = {_spelled(n): n for n in range(100)}
_NUMBERS.update({("quatre", "vingt"): 80, ("une",): 1})
_DAYS = {words: n for words, n in _NUMBERS.items() if 1 <= n <= 31}
_DAYS.update({("premier",): 1, ("1er",): 1})
_NUMBER_WORD = (
    r"(?:une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingts?|trente"
    r"|quarante|cinquante|soixante|et|cents?|mille|mil)"
)
_SPELLED = rf"{_NUMBER_WORD}(?:[ \u00a0\-]+{_NUMBER_WORD})*"
_GAP = r"[ \u00a0]+"
_DAY = rf"(premier|1er|{_SPELLED}|\d{{1,2}})"
# Spelled dates are looked for around each month name (a few per text), not at every position of the text.
_MONTH_NAME = re.compile(r"(?<![\w\-])(" + "|".join(_MONTH_WORDS) + r")\.?(?![\w\-])", re.IGNORECASE)
_DAY_BEFORE = re.compile(rf"(?<![\w\-]){_DAY}{_GAP}$", re.IGNORECASE)  # "vingt-trois " before "novembre"
_YEAR_AFTER = re.compile(rf"{_GAP}({_SPELLED}|\d{{4}})(?![\w\-])", re.IGNORECASE)  # " deux mille vingt-quatre"
# "L'an deux mille vingt-quatre, le vingt-deux " before "février" (the opening of a procès-verbal)
_PV_OPENING = re.compile(
    rf"(?<!\w)l['’]an{_GAP}({_SPELLED})[ \u00a0]*,?{_GAP}(?:le{_GAP})?{_DAY}{_GAP}$", re.IGNORECASE
)
_BEFORE, _AFTER, _OPENING = 48, 64, 120  # characters looked at around a month name
_WORD = re.compile(r"[^ \u00a0\-]+")


def _words(text: str, start: int) -> list[tuple[str, int, int]]:
    """The words of ``text`` (hyphens and spaces apart), folded, with their offsets from ``start``."""
    return [(fold(m.group(0)), start + m.start(), start + m.end()) for m in _WORD.finditer(text)]


def _spelled_day(text: str, start: int) -> tuple[int, int] | None:
    """The day that ends ``text`` (digits or words) and where it starts: "un vingt-deux" → (22, start of vingt)."""
    if text.isdigit():
        return int(text), start
    words = _words(text, start)
    for first in range(len(words)):  # the longest ending that is a day
        day = _DAYS.get(tuple(w for w, _, _ in words[first:]))
        if day is not None:
            return day, words[first][1]
    return None


def _spelled_year(text: str, start: int) -> tuple[int, int] | None:
    """The year that begins ``text`` (four digits, "deux mille …", "mil neuf cent …") and where it ends."""
    if text.isdigit():
        return int(text), start + len(text)
    words = _words(text, start)
    keys = [w for w, _, _ in words]
    if keys[:2] == ["deux", "mille"]:
        base, used = 2000, 2
    elif len(keys) >= 3 and keys[0] in ("mil", "mille") and keys[1] == "neuf" and keys[2] in ("cent", "cents"):
        base, used = 1900, 3
    else:
        return None
    for last in range(min(len(words), used + 4), used, -1):  # the longest beginning that is a number
        n = _NUMBERS.get(tuple(keys[used:last]))
        if n is not None and n > 0:
            return base + n, words[last - 1][2]
    return base, words[used - 1][2]


def find_spelled_dates(text: str) -> Iterator[Entity]:
    """The dates of ``text`` whose day or year is written in words (the other forms: :func:`find_dates`). They
    hold no digit necessarily, so they are looked for in the whole text, around its month names."""
    for m in _MONTH_NAME.finditer(text):
        month = MONTHS.get(fold(m.group(1)))
        if month is None:
            continue
        found = _day_month_year(text, m, month) or _pv_opening(text, m, month)
        if found is not None:
            yield found


def _day_month_year(text: str, m: re.Match[str], month: int) -> Entity | None:
    """ "vingt-trois novembre deux mille vingt-quatre" around the month name ``m``."""
    day_match = _DAY_BEFORE.search(text, max(0, m.start() - _BEFORE), m.start())
    year_match = _YEAR_AFTER.match(text, m.end(), m.end() + _AFTER)
    if day_match is None or year_match is None:
        return None
    written_day, written_year = day_match.group(1), year_match.group(1)
    if written_year.isdigit() and (written_day.isdigit() or fold(written_day) in ("premier", "1er")):
        return None  # digits only, or "premier mars 2024": read by find_dates
    day = _spelled_day(written_day, day_match.start(1))
    year = _spelled_year(written_year, year_match.start(1))
    if day is None or year is None:
        return None
    return _entity(year[0], month, day[0], day[1], year[1])


def _pv_opening(text: str, m: re.Match[str], month: int) -> Entity | None:
    """ "L'an deux mille vingt-quatre, le vingt-deux février" ending at the month name ``m``."""
    opening = _PV_OPENING.search(text, max(0, m.start() - _OPENING), m.start())
    if opening is None:
        return None
    year = _spelled_year(opening.group(1), opening.start(1))
    day = _spelled_day(opening.group(2), opening.start(2))
    if day is None or year is None:
        return None
    return _entity(year[0], month, day[0], opening.start(), m.end())


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
