"""Telephone numbers → E.164 ("+33749271683").

French numbers in every common form: "07 49 27 16 83", "0749271683", "07.49.27.16.83", "07-49-27-16-83",
"+33 7 49 27 16 83", "+33 (0)7 49 27 16 83", "0033 7 49 27 16 83", "33749271683" (operators' FADET style),
"33 7 49 27 16 83". Other countries when written with "+" or "00" and a known country code, e.g.
"+212 6 12 34 56 78", "+44 20 7946 0958", "0034 631 55 82 07": the number of digits must fit the country's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from arbiter_desktop.entities.model import Entity, EntityType

SEP = r"[ \u00a0\u202f.\-]"
# Each pattern starts with a character, its left boundary checked just after (a pattern that starts with a
# look-behind is tried at every position of the text: several times slower).
_PLUS = r"(?:\+(?<![\w+]\+)|0(?<![\w+]0)0)"  # "+" or "00", not inside a word or a number
_FR_NATIONAL = re.compile(rf"0(?<![\w+.\-/]0)([1-9](?:{SEP}?\d){{8}})(?!\d|[.\-/]\d)")
_FR_INTERNATIONAL = re.compile(rf"{_PLUS}{SEP}?33{SEP}?(?:\(0\){SEP}?)?([1-9](?:{SEP}?\d){{8}})(?!\d|[.\-/]\d)")
_FR_BARE = re.compile(r"3(?<![\w+.\-/]3)3([1-9]\d{8})(?![\w]|[.\-/]\d)")  # FADET: "33749271683"
_FR_BARE_SPACED = re.compile(r"3(?<![\w+.\-/]3)3[ .]([1-9](?:[ .]\d{2}){4})(?!\d|[.\-/]\d)")  # "33 7 49 27 16 83"
_INTERNATIONAL = re.compile(rf"{_PLUS}{SEP}?(\d{{1,3}})((?:{SEP}?\(?\d+\)?)+)")

# Country code → (fewest, most) digits of the national significant number. Countries an investigator in France
# meets most; a code not listed is not read as a telephone number (too easily a reference number otherwise).
COUNTRIES: dict[str, tuple[int, int]] = {
    "1": (10, 10),  # North America
    "7": (10, 10),  # Russia, Kazakhstan
    "30": (10, 10),  # Greece
    "31": (9, 9),  # Netherlands
    "32": (8, 9),  # Belgium
    "34": (9, 9),  # Spain
    "36": (8, 9),  # Hungary
    "39": (6, 11),  # Italy
    "40": (9, 9),  # Romania
    "41": (9, 9),  # Switzerland
    "43": (7, 13),  # Austria
    "44": (9, 10),  # United Kingdom
    "45": (8, 8),  # Denmark
    "46": (7, 9),  # Sweden
    "47": (8, 8),  # Norway
    "48": (9, 9),  # Poland
    "49": (7, 12),  # Germany
    "86": (10, 11),  # China
    "90": (10, 10),  # Turkey
    "212": (9, 9),  # Morocco
    "213": (8, 9),  # Algeria
    "216": (8, 8),  # Tunisia
    "221": (9, 9),  # Senegal
    "223": (8, 8),  # Mali
    "224": (9, 9),  # Guinea
    "225": (10, 10),  # Côte d'Ivoire
    "237": (9, 9),  # Cameroon
    "242": (9, 9),  # Congo
    "243": (9, 9),  # DR Congo
    "262": (9, 9),  # Réunion, Mayotte
    "269": (7, 7),  # Comoros
    "351": (9, 9),  # Portugal
    "352": (6, 11),  # Luxembourg
    "355": (8, 9),  # Albania
    "359": (8, 9),  # Bulgaria
    "373": (8, 8),  # Moldova
    "377": (8, 9),  # Monaco
    "380": (9, 9),  # Ukraine
    "381": (8, 9),  # Serbia
    "385": (8, 9),  # Croatia
    "387": (8, 8),  # Bosnia
    "420": (9, 9),  # Czechia
    "421": (9, 9),  # Slovakia
    "508": (6, 6),  # Saint-Pierre-et-Miquelon
    "509": (8, 8),  # Haiti
    "590": (9, 9),  # Guadeloupe
    "594": (9, 9),  # French Guiana
    "596": (9, 9),  # Martinique
    "687": (6, 6),  # New Caledonia
    "689": (6, 8),  # French Polynesia
    "971": (8, 9),  # United Arab Emirates
}


def _french(start: int, end: int, national: str, written: str) -> Entity:
    digits = re.sub(r"\D", "", national)
    local = "0" + digits
    display = " ".join(local[i : i + 2] for i in range(0, 10, 2))
    value = "+33" + digits
    return Entity(EntityType.PHONE, value, display, start, end, aliases=(f"num:{value[1:]}",))


def find_phones(text: str) -> Iterator[Entity]:
    for pattern in (_FR_NATIONAL, _FR_INTERNATIONAL, _FR_BARE, _FR_BARE_SPACED):
        for m in pattern.finditer(text):
            yield _french(m.start(), m.end(), m.group(1), m.group(0))
    for m in _INTERNATIONAL.finditer(text):
        found = _international(text, m)
        if found is not None:
            yield found


_GROUP = re.compile(rf"{SEP}?\(?(\d+)\)?")


def _international(text: str, m: re.Match[str]) -> Entity | None:
    """A "+CC …" number: the longest run of whole digit groups whose length fits the country's numbers."""
    head = m.group(1) + m.group(2)
    prefix_end = m.start(1)
    # the country code is the shortest prefix of the digits that is a known code (codes are prefix-free)
    digits_all = re.sub(r"\D", "", head)
    code = next((digits_all[:n] for n in (1, 2, 3) if digits_all[:n] in COUNTRIES), None)
    if code is None or code == "33":
        return None
    fewest, most = COUNTRIES[code]
    # walk the groups after the "+": count national digits, remember the last group end that fits
    cursor = prefix_end
    taken = 0
    best_end = -1
    national = ""
    best_national = ""
    skip = len(code)
    for g in _GROUP.finditer(text, prefix_end, m.end()):
        if g.start() != cursor:
            break
        group = g.group(1)
        if "(" in g.group(0) and group == "0" and taken == 0:  # "+44 (0)20 …": the trunk 0 is not dialled
            cursor = g.end()
            continue
        if skip:
            if len(group) < skip:
                return None
            group, skip = group[skip:], 0
        taken += len(group)
        national += group
        cursor = g.end()
        if taken > most:
            break
        if fewest <= taken and (cursor >= len(text) or not text[cursor].isdigit()):
            best_end, best_national = cursor, national
    if best_end < 0 or (best_national.startswith("0") and code != "39"):
        return None
    if best_end < len(text) and re.match(r"[.\-/]\d", text[best_end : best_end + 2]):
        return None
    value = f"+{code}{best_national}"
    display = f"+{code} {best_national}"
    return Entity(EntityType.PHONE, value, display, m.start(), best_end, aliases=(f"num:{value[1:]}",))
