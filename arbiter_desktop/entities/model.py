"""What an entity is: its type, canonical value, display form, span, and the search keys it is indexed under."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class EntityType(enum.StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    IBAN = "iban"
    PLATE = "plate"
    IMEI = "imei"
    SIREN = "siren"
    SIRET = "siret"
    IP = "ip"
    DATE = "date"
    AMOUNT = "amount"
    PERSON = "person"  # names (entities/names.py): found by a model after indexing, listed, not searched by key
    PLACE = "place"
    NUMBER = "number"  # a number in any written form ("214 300", "0,62", "2021-447812"): searched, not listed


# The types an investigator sees in the entity index (numbers only serve the search)
LISTED_TYPES: tuple[EntityType, ...] = tuple(t for t in EntityType if t is not EntityType.NUMBER)


@dataclass(frozen=True, slots=True)
class Entity:
    """One entity written in a text.

    ``value`` is the canonical form (the same for every way of writing it: "+33749271683" for "07 49 27 16 83",
    "2024-09-27" for "27 septembre 2024", "HB562ZD" for "hb-562-zd"); ``display`` the form shown to a person
    ("07 49 27 16 83", "27/09/2024", "HB-562-ZD"); ``start``/``end`` the character span in the text.
    ``valid`` is False for an identifier with a check digit (IBAN, IMEI, SIRET) whose check fails but which the
    text labels as such ("IBAN FR76 …"): a typo in a PV is still the IBAN the PV gives."""

    type: EntityType
    value: str
    display: str
    start: int
    end: int
    valid: bool = True
    aliases: tuple[str, ...] = ()  # further search keys (a SIRET's SIREN, a phone's digits, "1.500" read as 1.5)

    @property
    def key(self) -> str:
        """The search key of the canonical value: what the full-text index holds for this entity."""
        return search_key(self.type, self.value)

    def all_keys(self) -> tuple[str, ...]:
        """Every search key under which the entity is indexed (the first is :attr:`key`)."""
        return (self.key, *self.aliases)


_PREFIX = {
    EntityType.PHONE: "tel",
    EntityType.EMAIL: "mail",
    EntityType.IBAN: "iban",
    EntityType.PLATE: "plate",
    EntityType.IMEI: "imei",
    EntityType.SIREN: "siren",
    EntityType.SIRET: "siret",
    EntityType.IP: "ip",
    EntityType.DATE: "date",
    EntityType.AMOUNT: "num",  # an amount is found by its value, with or without its currency
    EntityType.NUMBER: "num",
    EntityType.PERSON: "person",
    EntityType.PLACE: "place",
}


def search_key(kind: EntityType, value: str) -> str:
    """The full-text term of a canonical value: a type prefix and the value, lowercased, without spaces."""
    if kind is EntityType.AMOUNT:
        value = value.split(" ")[0]
    if kind is EntityType.IMEI:
        value = value[:14]  # the body without its check digit: FADETs often write 0 in its place
    return f"{_PREFIX[kind]}:{value.lower()}"
