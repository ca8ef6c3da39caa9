"""Entities in case documents: recognised, checked and normalised so that any written form finds any other.

Pure functions, no I/O. :func:`find_entities` returns each entity with its type, canonical value, display form
and span; the full-text index holds their :meth:`Entity.keys` and the query compiler reads queries with the same
function, so "+33 7 49 27 16 83", "0749271683", "07.49.27.16.83" and "33749271683" are one phone, "HB562ZD" and
"HB-562-ZD" one plate, "214300 euros" and "214 300 €" one amount, "27 septembre 2024" and "27/09/2024" one date.

Types: phones (French and international → E.164), e-mails, IBANs (mod-97), French plates (SIV and FNI), IMEIs
(Luhn), SIREN/SIRET (Luhn), IPv4/IPv6, dates, amounts; and numbers in any writing (searched, not listed).
"""

from arbiter_desktop.entities.model import LISTED_TYPES, Entity, EntityType, search_key
from arbiter_desktop.entities.recognise import find_entities, search_keys

__all__ = ["LISTED_TYPES", "Entity", "EntityType", "find_entities", "search_key", "search_keys"]
