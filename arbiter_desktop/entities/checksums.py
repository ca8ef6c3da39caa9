"""Check digits: Luhn (IMEI, SIREN, SIRET) and ISO 13616 mod-97 (IBAN)."""

from __future__ import annotations


def luhn_valid(digits: str) -> bool:
    """True if the digit string passes the Luhn check."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def luhn_digit(body: str) -> str:
    """The Luhn check digit that completes ``body``."""
    for d in "0123456789":
        if luhn_valid(body + d):
            return d
    raise ValueError(f"not digits: {body!r}")


def siret_valid(digits: str) -> bool:
    """A SIRET (14 digits): Luhn, except La Poste's establishments (SIREN 356000000: digit sum multiple of 5)."""
    if len(digits) != 14 or not digits.isdigit():
        return False
    if digits.startswith("356000000"):
        return sum(int(c) for c in digits) % 5 == 0
    return luhn_valid(digits)


def iban_valid(iban: str) -> bool:
    """An IBAN without separators, uppercase: country, check digits, BBAN; remainder 1 modulo 97."""
    if len(iban) < 5 or not iban.isalnum() or not iban[:2].isalpha() or not iban[2:4].isdigit():
        return False
    moved = iban[4:] + iban[:4]
    try:
        number = int("".join(str(int(c, 36)) for c in moved))
    except ValueError:
        return False
    return number % 97 == 1
