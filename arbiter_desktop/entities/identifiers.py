"""Identifiers with a check: IBAN (mod-97), IMEI (Luhn), SIREN and SIRET (Luhn).

A number of the right shape whose check fails is still recognised when the text labels it ("IMEI : 35 291807
446271 3", "SIRET 123 456 789 00012"), or for an IBAN when it is written in capitals in groups or labelled
("FR76 3000 …"), flagged ``valid=False``: a typo in a PV is still the identifier the PV gives. Otherwise it is only
a number (found in any spacing, not listed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from arbiter_desktop.entities.checksums import iban_valid, luhn_digit, luhn_valid, siret_valid
from arbiter_desktop.entities.model import Entity, EntityType

# ISO 13616 registry: country → IBAN length (and a few national formats in common use: DZ, MA, …)
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "DZ": 26, "EE": 20,
    "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30,
    "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MA": 28, "MC": 27, "MD": 24,
    "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29,
    "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip

# a lookahead, so that a candidate rejected does not swallow the text of the next one
_IBAN_START = re.compile(r"[A-Z](?<![\w][A-Z])[A-Z] ?\d\d", re.IGNORECASE)
_IBAN = re.compile(r"([A-Z]{2})[ ]?(\d{2})((?:[ \u00a0]?[A-Z0-9]){10,30})", re.IGNORECASE)
_LABEL_WINDOW = 40  # characters before a number searched for its label


_CLAUSE_END = re.compile(r"[.;!?\n]\s")


def _labelled(text: str, start: int, label: re.Pattern[str]) -> bool:
    """Is the number at ``start`` introduced by ``label`` in its own clause (within a few words before it)?"""
    before = text[max(0, start - _LABEL_WINDOW) : start]
    ends = list(_CLAUSE_END.finditer(before))
    if ends:
        before = before[ends[-1].end() :]
    return label.search(before) is not None


# Reporting bodies that allocate IMEI ranges (the first two digits of the TAC): an unlabelled 15-digit number
# that passes Luhn is read as an IMEI only if it starts with one of them.
IMEI_PREFIXES = frozenset(
    ("01", "10", "30", "33", "35", "44", "45", "49", "50", "51", "52", "53", "54", "86", "91", "98", "99")
)


_IBAN_LABEL = re.compile(r"\b(?:iban|rib|compte)\b", re.IGNORECASE)
_IMEI_LABEL = re.compile(r"\bimei\b", re.IGNORECASE)
_SIREN_LABEL = re.compile(r"\b(?:siren|siret|rcs|tva|immatricul\w*)\b", re.IGNORECASE)
_SIRET_LABEL = re.compile(r"\bsiret\b", re.IGNORECASE)


def find_ibans(text: str, query: bool = False) -> Iterator[Entity]:
    for start in _IBAN_START.finditer(text):
        m = _IBAN.match(text, start.start())
        if m is None:
            continue
        country = m.group(1).upper()
        length = IBAN_LENGTHS.get(country)
        if length is None:
            continue
        # walk the characters of the candidate until the country's length is reached
        wanted = length - 4
        end = m.start(3)
        taken = 0
        for i in range(m.start(3), m.end(3)):
            if text[i].isalnum():
                taken += 1
                if taken == wanted:
                    end = i + 1
                    break
        if taken < wanted:
            continue
        if end < len(text) and text[end].isalnum():
            continue  # the run goes on: not this IBAN
        compact = re.sub(r"[^A-Za-z0-9]", "", text[m.start() : end]).upper()
        if len(compact) != length:
            continue
        if compact[4:].isalpha():
            continue
        valid = iban_valid(compact)
        # a check that fails: still the IBAN the text gives when labelled or written in capitals ("FR76 …")
        if not valid and not (query or text[m.start() : m.start() + 2].isupper()):
            continue
        if not valid and not (query or _labelled(text, m.start(), _IBAN_LABEL) or " " in text[m.start() : end]):
            continue
        display = " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
        yield Entity(EntityType.IBAN, compact, display, m.start(), end, valid=valid)


_DIGIT_RUN = re.compile(r"\d(?<![\w.,\-/]\d)(?:[ \u00a0.\-]?\d){8,16}(?![\w]|[.,\-/]\d)")


def find_digit_identifiers(text: str) -> Iterator[Entity]:
    """IMEI (15 digits; 14 when labelled), SIRET (14: labelled, or Luhn-valid in its 3-3-3-5 grouping), SIREN (9,
    labelled) in any grouping."""
    for m in _DIGIT_RUN.finditer(text):
        written = m.group(0)
        digits = re.sub(r"\D", "", written)
        found = _identifier(text, m.start(), m.end(), digits, written)
        if found is not None:
            yield found


def _grouped(written: str, digits: str) -> str:
    return written if written != digits else digits


def _identifier(text: str, start: int, end: int, digits: str, written: str) -> Entity | None:
    n = len(digits)
    if n == 15:
        labelled = _labelled(text, start, _IMEI_LABEL)
        if labelled or (luhn_valid(digits) and digits[:2] in IMEI_PREFIXES):
            return Entity(
                EntityType.IMEI, digits, digits, start, end, valid=luhn_valid(digits), aliases=(f"num:{digits}",)
            )
        return None
    if n == 14:
        if _labelled(text, start, _IMEI_LABEL):
            full = digits + luhn_digit(digits)
            return Entity(EntityType.IMEI, full, full, start, end, aliases=(f"num:{digits}",))
        valid = siret_valid(digits)
        grouped = re.fullmatch(r"\d{3} \d{3} \d{3} \d{5}", written) is not None
        if _labelled(text, start, _SIRET_LABEL) or (valid and grouped):
            display = f"{digits[:3]} {digits[3:6]} {digits[6:9]} {digits[9:]}"
            return Entity(EntityType.SIRET, digits, display, start, end, valid=valid, aliases=(f"siren:{digits[:9]}",))
        return None
    if n == 9 and _labelled(text, start, _SIREN_LABEL):
        display = f"{digits[:3]} {digits[3:6]} {digits[6:]}"
        return Entity(EntityType.SIREN, digits, display, start, end, valid=luhn_valid(digits))
    return None
