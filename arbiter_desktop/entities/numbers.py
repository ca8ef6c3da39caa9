"""Amounts ("1 500 €", "1500 euros", "€1,500.00", "2,5 M€", "1 840,00" in a bank statement) and numbers in any
written form ("214 300", "0,62" = "0.62", "0104 5598 276"), reduced to one value so any form finds any other.

A number's value drops its thousands separators and reads the decimal comma: "1 840,00" → 1840, "0,62" → 0.62.
"1.500" and "1,500" are ambiguous between French and English writing: both readings are search keys. Plain
integers of fewer than six digits ("2024", "15") are words, not entities: a year is not an amount. An amount
needs its currency, or two decimals in a money context (a statement row, "solde", "débit", "chèque"…) and no
unit after it ("0,62 mg/l" is a number, not an amount).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from arbiter_desktop.entities.model import Entity, EntityType

_SPACES = " \u00a0\u202f"
_GROUPED = rf"\d{{1,3}}(?:[{_SPACES}.']\d{{3}})+(?:,\d+)?"  # 1 840 / 1.840 / 1'840 (,50)
_GROUPED_EN = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 1,840.50
_DECIMAL = r"\d+[,.]\d+"
_PLAIN = r"\d+"
_NUMBER = rf"(?:{_GROUPED}|{_GROUPED_EN}|{_DECIMAL}|{_PLAIN})"
# the first digit, then the left boundary (a pattern starting with a look-behind is tried at every position)
_FIRST = r"\d(?<![\w.,']\d)"
_REST = rf"(?:\d{{0,2}}(?:[{_SPACES}.']\d{{3}})+(?:,\d+)?|\d{{0,2}}(?:,\d{{3}})+(?:\.\d+)?|\d*[,.]\d+|\d*)"
_AFTER = r"(?![\w]|[.,]\d)"

_CURRENCIES = {
    "€": "EUR", "euro": "EUR", "euros": "EUR", "eur": "EUR", "k€": "EUR", "m€": "EUR",
    "$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD",
    "£": "GBP", "gbp": "GBP", "livres sterling": "GBP",
    "chf": "CHF", "francs suisses": "CHF",
    "mad": "MAD", "dirham": "MAD", "dirhams": "MAD",
}  # fmt: skip
_UNIT_AFTER = (
    r"(?P<cur>k€|K€|M€|€|\$|£|euros?|EUROS?|Euros?|EUR|eur|USD|dollars?|GBP|livres sterling|CHF|francs suisses|MAD"
    r"|dirhams?)"
)
_SCALE = r"(?:[ \u00a0](?P<scale>millions?|milliards?|M|Md)[ \u00a0](?:d['’]\s?)?)"
_AMOUNT_AFTER = re.compile(rf"(?P<num>{_FIRST}{_REST})(?:{_SCALE}|[ \u00a0\u202f]?){_UNIT_AFTER}(?![\w])")
_AMOUNT_BEFORE = re.compile(rf"(?P<cur>€|\$|£|(?<!\w)(?:EUR|USD|GBP|CHF))[ \u00a0]?(?P<num>{_NUMBER}){_AFTER}")
_BARE_MONEY = re.compile(rf"(?P<num>{_FIRST}(?:\d{{0,2}}(?:[{_SPACES}.]\d{{3}})*,\d\d|\d*,\d\d)){_AFTER}")
_MONEY_CONTEXT = re.compile(
    r"\b(?:montant|solde|d[ée]bit|cr[ée]dit|ch[èe]que|virement|pr[ée]l[èe]vement|retrait|versement|somme|"
    r"pay[ée]e?s?|r[ée]gl[ée]|factur\w*|prix|valeur|co[ûu]t\w*|loyer|remboursement|esp[èe]ces|d[ée]p[ôo]t)\b",
    re.IGNORECASE,
)
_UNIT = re.compile(r"[ \u00a0]?(?:mg|g|kg|t|km|m|cm|mm|l|ml|cl|%|h|min|s|ans?|mois|jours?|m[èe]tres?|grammes?|°)\b")
_NUMBERS = re.compile(
    rf"{_FIRST}(?:\d{{0,2}}(?:[{_SPACES}.']\d{{3}})+(?:,\d+)?|\d{{0,2}}(?:,\d{{3}})+(?:\.\d+)?|\d*[,.]\d+){_AFTER}"
)
_DIGIT_RUN = re.compile(r"\d(?<![\w.,\-/]\d)(?:[ \u00a0.\-]?\d){5,}(?![\w]|[.,\-/]\d)")


def readings(written: str) -> list[Decimal]:
    """The values a written number may mean, the likeliest first (French writing before English)."""
    s = written.strip().replace("\u00a0", " ").replace("\u202f", " ")
    try:
        if re.fullmatch(r"\d{1,3}(?:[ ']\d{3})+(?:,\d+)?", s):
            return [Decimal(re.sub(r"[ ']", "", s).replace(",", "."))]
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+,\d+", s):
            return [Decimal(s.replace(".", "").replace(",", "."))]
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+\.\d+", s):
            return [Decimal(s.replace(",", ""))]
        if re.fullmatch(r"\d{1,3}\.\d{3}", s):  # 1.500: thousands (French) or 1.5 (English)
            return [Decimal(s.replace(".", "")), Decimal(s)]
        if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", s):
            return [Decimal(s.replace(".", ""))]
        if re.fullmatch(r"\d{1,3},\d{3}", s):  # 1,500: 1.5 (French) or thousands (English)
            return [Decimal(s.replace(",", ".")), Decimal(s.replace(",", ""))]
        if re.fullmatch(r"\d{1,3}(?:,\d{3}){2,}", s):
            return [Decimal(s.replace(",", ""))]
        if re.fullmatch(r"\d+[,.]\d+", s):
            return [Decimal(s.replace(",", "."))]
        if re.fullmatch(r"\d+", s):
            return [Decimal(s)]
    except InvalidOperation:
        return []
    return []


def canonical(value: Decimal) -> str:
    """ "1840", "0.62", "386.4": no exponent, no trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def french(value: Decimal) -> str:
    """ "1 840", "1 840,50", "0,62" (thin spaces are plain spaces here)."""
    quantized = value.quantize(Decimal("0.01")) if value != value.to_integral() else value.to_integral()
    whole, _, fraction = format(quantized, "f").partition(".")
    grouped = f"{int(whole):,}".replace(",", " ")
    return f"{grouped},{fraction}" if fraction else grouped


_SYMBOL = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "MAD": "MAD"}


def _amount(num: str, currency: str, scale: str | None, start: int, end: int) -> Entity | None:
    values = readings(num)
    if not values:
        return None
    factor = Decimal(1)
    lowered = currency.lower()
    size = (scale or "").lower()
    if lowered == "k€":
        factor = Decimal(1000)
    elif lowered == "m€" or size.startswith("million") or size == "m":
        factor = Decimal(1_000_000)
    if size.startswith("milliard") or size == "md":
        factor = Decimal(1_000_000_000)
    code = _CURRENCIES.get(lowered, "EUR")
    scaled = [v * factor for v in values]
    value = canonical(scaled[0])
    display = f"{french(scaled[0])} {_SYMBOL[code]}"
    aliases = tuple(f"num:{canonical(v)}" for v in scaled[1:])
    return Entity(EntityType.AMOUNT, f"{value} {code}", display, start, end, aliases=aliases)


def find_amounts(text: str) -> Iterator[Entity]:
    for m in _AMOUNT_AFTER.finditer(text):
        found = _amount(m.group("num"), m.group("cur"), m.group("scale"), m.start(), m.end())
        if found is not None:
            yield found
    for m in _AMOUNT_BEFORE.finditer(text):
        found = _amount(m.group("num"), m.group("cur"), None, m.start(), m.end())
        if found is not None:
            yield found
    for m in _BARE_MONEY.finditer(text):
        if _UNIT.match(text, m.end()):
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line = text[line_start : line_end if line_end != -1 else len(text)]
        context = text[max(line_start, m.start() - 80) : m.start()]
        if line.count(";") < 2 and _MONEY_CONTEXT.search(context) is None:
            continue
        found = _amount(m.group("num"), "€", None, m.start(), m.end())
        if found is not None:
            yield found


def find_numbers(text: str) -> Iterator[Entity]:
    """Numbers written with separators or decimals, and digit runs of six digits or more (any grouping)."""
    for m in _NUMBERS.finditer(text):
        values = readings(m.group(0))
        if values:
            keys = tuple(f"num:{canonical(v)}" for v in values[1:])
            yield Entity(EntityType.NUMBER, canonical(values[0]), m.group(0), m.start(), m.end(), aliases=keys)
    for m in _DIGIT_RUN.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        yield Entity(EntityType.NUMBER, digits, m.group(0), m.start(), m.end())
