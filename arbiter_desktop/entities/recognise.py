"""One pass over a text: every recogniser, then one entity per span (the most specific wins)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator

from arbiter_desktop.entities.dates import find_dates, find_spelled_dates
from arbiter_desktop.entities.identifiers import find_digit_identifiers, find_ibans
from arbiter_desktop.entities.model import Entity, EntityType
from arbiter_desktop.entities.network import find_emails, find_ips
from arbiter_desktop.entities.numbers import find_amounts, find_numbers
from arbiter_desktop.entities.phones import find_phones
from arbiter_desktop.entities.plates import find_plates

# When two readings overlap, the one higher in this list wins (then the longer): an e-mail holds digits, an IBAN
# holds groups of four, an IMEI or a SIRET is a long digit run, a phone is ten digits, a date is not a phone,
# an amount is a number with its currency.
PRIORITY: tuple[EntityType, ...] = (
    EntityType.EMAIL,
    EntityType.IBAN,
    EntityType.IP,
    EntityType.IMEI,
    EntityType.SIRET,
    EntityType.PHONE,
    EntityType.SIREN,
    EntityType.DATE,
    EntityType.PLATE,
    EntityType.AMOUNT,
    EntityType.NUMBER,
)
_RANK = {t: i for i, t in enumerate(PRIORITY)}


def _candidates(text: str, query: bool, spelled: list[Entity]) -> Iterable[Entity]:
    yield from spelled
    for start, end in _windows(text, _AT, EMAIL_REACH):
        yield from _shifted(find_emails(text[start:end]), start)
    for start, end in _windows(text, _DIGITS, DIGIT_REACH):
        piece = text[start:end]
        for found in (
            find_ibans(piece, query=query),
            find_ips(piece),
            find_digit_identifiers(piece),
            find_phones(piece),
            find_dates(piece),
            find_plates(piece, query=query),
            find_amounts(piece),
            find_numbers(piece),
        ):
            yield from _shifted(found, start)


# Every entity but an e-mail and a date written in words holds a digit, and what decides it (a label, a month, a
# currency) lies within a few words of its digits: the recognisers read only the windows of text around digits
# (and around "@" for e-mails), cut at whitespace, which gives the same entities as reading the whole text, several
# times faster on prose. Dates in words are looked for around month names (entities/dates.py).
DIGIT_REACH = 80
EMAIL_REACH = 260
_DIGITS = re.compile(r"\d+")
_AT = re.compile(r"@")
_ANY = re.compile(r"[\d@]")


def _windows(text: str, anchor: re.Pattern[str], reach: int) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for m in anchor.finditer(text):
        start, end = max(0, m.start() - reach), min(len(text), m.end() + reach)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], end))
        else:
            windows.append((start, end))
    snapped: list[tuple[int, int]] = []
    for start, end in windows:
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        while end < len(text) and not text[end].isspace():
            end += 1
        if snapped and start <= snapped[-1][1]:
            snapped[-1] = (snapped[-1][0], max(snapped[-1][1], end))
        else:
            snapped.append((start, end))
    return snapped


def _shifted(found: Iterable[Entity], offset: int) -> Iterator[Entity]:
    for e in found:
        yield e if not offset else dataclasses.replace(e, start=e.start + offset, end=e.end + offset)


def find_entities(text: str, query: bool = False) -> list[Entity]:
    """The entities of ``text`` in reading order, without overlaps.

    ``query``: ``text`` is what someone typed in the search bar (plates are read in any case there)."""
    spelled = list(find_spelled_dates(text))
    if not spelled and _ANY.search(text) is None:
        return []  # every other entity holds a digit (or is an e-mail)
    found = sorted(_candidates(text, query, spelled), key=lambda e: (_RANK[e.type], -(e.end - e.start), e.start))
    taken: list[Entity] = []
    occupied: list[tuple[int, int]] = []
    for entity in found:
        if any(entity.start < end and start < entity.end for start, end in occupied):
            continue
        taken.append(entity)
        occupied.append((entity.start, entity.end))
    return sorted(taken, key=lambda e: e.start)


def keys_of(entities: Iterable[Entity]) -> list[str]:
    """The distinct search keys of ``entities``, sorted."""
    return sorted({key for entity in entities for key in entity.all_keys()})


def search_keys(text: str) -> list[str]:
    """The distinct search keys of the entities of ``text`` (what the full-text index holds), sorted."""
    return keys_of(find_entities(text))
