"""French registration plates → "AB123CD" (SIV, since 2009) or "123ABC75" (FNI, before).

SIV: two letters, three digits, two letters ("AB-123-CD", "AB 123 CD", "AB123CD"); the letters I, O and U are
never used, nor the blocks "SS" and "000". FNI: one to four digits, one to three letters, the department ("123 ABC
75", "4521 TZ 13", "12-AB-2A", "123ABC75"). In documents the letters must be capitals unless the plate is written
with dashes (a lowercase "de 123 la" is not a plate); a query term is read in any case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from arbiter_desktop.entities.model import Entity, EntityType

_L = "A-HJ-NP-TV-Z"  # SIV letters: no I, O, U
_SIV = re.compile(rf"([{_L}](?<![\w\-][{_L}])[{_L}])([ \u00a0\-]?)(\d{{3}})\2([{_L}]{{2}})(?![\w]|-\w)", re.IGNORECASE)
_FNI = re.compile(
    r"(\d(?<![\w\-]\d)\d{0,3})([ \u00a0\-]?)([A-Z]{1,3})\2(\d{2}|2[AB]|97[1-6])(?![\w]|-\w)", re.IGNORECASE
)
# Upper-case words that stand between a number and a department number in police prose ("3 PV 13")
_NOT_SERIES = frozenset(
    """PV GAV OPJ APJ BAC CRS JLD TGD IPM UMJ SIV TAJ ITT ADN DNA RS SMS TTC HT KG KM CM MM MG ML CL AM PM MN EUR USD
    GB MB KO MO GO GHZ MHZ ANS AN ET OU LE LA LES DE DU DES EN AU""".split()  # noqa: SIM905
)


def find_plates(text: str, query: bool = False) -> Iterator[Entity]:
    for m in _SIV.finditer(text):
        first, sep, digits, last = m.groups()
        letters = first + last
        if not query and not letters.isupper() and not (sep == "-" and letters.islower()):
            continue  # lowercase only with dashes ("de 123 la" is not a plate, "Ab-123-cD" neither)
        first, last = first.upper(), last.upper()
        if "SS" in (first, last) or digits == "000":
            continue
        value = f"{first}{digits}{last}"
        yield Entity(EntityType.PLATE, value, f"{first}-{digits}-{last}", m.start(), m.end())
    for m in _FNI.finditer(text):
        digits, sep, letters, department = m.groups()
        upper = letters.isupper() and department.upper() == department
        if not query and not upper:
            continue
        letters, department = letters.upper(), department.upper()
        if sep and (len(letters) < 2 or len(digits) < 2 or letters in _NOT_SERIES):
            continue
        if not sep and len(letters) < 2:
            continue
        value = f"{digits}{letters}{department}"
        yield Entity(EntityType.PLATE, value, f"{digits} {letters} {department}", m.start(), m.end())
