"""A folder's worth of French police prose with planted entities, each written in one of its common forms, among
look-alikes that are not entities (times, years, article numbers, quantities, postal codes, case numbers…).

Used by ``tests/entities/test_planted.py`` (the bar: recall ≥ 0.98 and precision ≥ 0.95 per type) and by
``bench/bench_entities.py`` (prints the figures). Seeded: the same seed writes the same documents.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from arbiter_desktop.entities.checksums import luhn_digit


@dataclass(frozen=True, slots=True)
class Planted:
    type: str
    value: str  # the canonical value the recogniser must give
    start: int
    end: int


@dataclass
class PlantedDocument:
    text: str
    planted: list[Planted] = field(default_factory=list)


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.planted: list[Planted] = []

    def text(self, s: str) -> None:
        self.parts.append(s)
        self.length += len(s)

    def entity(self, kind: str, value: str, written: str) -> None:
        self.planted.append(Planted(kind, value, self.length, self.length + len(written)))
        self.text(written)

    def document(self) -> PlantedDocument:
        return PlantedDocument("".join(self.parts), self.planted)


# --- entity makers: (canonical value, written form) ---------------------------------------------------------

_SIV_LETTERS = "ABCDEFGHJKLMNPQRSTVWXYZ"
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")  # fmt: skip
_SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_FIRST = ("karim", "julie", "nabil", "sandra", "lucas", "ines", "teddy", "oceane", "rayan", "lea")
_LAST = ("benali", "martin", "zerrouki", "roubaud", "giuliani", "hamidi", "marchetti", "saadi", "petit", "faure")
_DOMAINS = ("gmail.com", "orange.fr", "hotmail.fr", "laposte.net", "free.fr", "proton.me", "sfr.fr", "yahoo.fr")


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def phone(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.2:  # abroad
        code, national, groups = rng.choice(
            [("212", "6" + _digits(rng, 8), (1, 2, 2, 2, 2)), ("34", "6" + _digits(rng, 8), (3, 2, 2, 2)),
             ("44", "7" + _digits(rng, 9), (4, 6)), ("32", "4" + _digits(rng, 8), (3, 2, 2, 2)),
             ("213", "5" + _digits(rng, 8), (3, 2, 2, 2)), ("216", "2" + _digits(rng, 7), (2, 3, 3))]
        )  # fmt: skip
        cut, pieces = 0, []
        for g in groups:
            pieces.append(national[cut : cut + g])
            cut += g
        prefix = rng.choice(["+", "00"])
        written = f"{prefix}{code} " + " ".join(pieces) if rng.random() < 0.7 else f"+{code}{national}"
        return f"+{code}{national}", written
    nine = rng.choice("67") + _digits(rng, 8) if rng.random() < 0.7 else rng.choice("12345") + _digits(rng, 8)
    local = "0" + nine
    pairs = [local[i : i + 2] for i in range(0, 10, 2)]
    form = rng.randrange(9)
    written = [
        " ".join(pairs),
        local,
        ".".join(pairs),
        "-".join(pairs),
        "+33 " + nine[0] + " " + " ".join(pairs[1:]),
        "+33" + nine,
        "+33 (0)" + nine[0] + " " + " ".join(pairs[1:]),
        "0033 " + nine[0] + " " + " ".join(pairs[1:]),
        "33" + nine,  # FADET
    ][form]
    return "+33" + nine, written


def email(rng: random.Random) -> tuple[str, str]:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    local = rng.choice([f"{first}.{last}", f"{first}{last}{rng.randrange(10, 99)}", f"{first[0]}.{last}"])
    address = f"{local}@{rng.choice(_DOMAINS)}"
    written = address if rng.random() < 0.7 else address.replace(first, first.capitalize(), 1)
    return address, written


def _iban(country: str, bban: str) -> str:
    moved = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in moved))
    return f"{country}{98 - number % 97:02d}{bban}"


def iban(rng: random.Random) -> tuple[str, str]:
    country, bban = rng.choice(
        [("FR", _digits(rng, 10) + _digits(rng, 11) + _digits(rng, 2)), ("DE", _digits(rng, 18)),
         ("BE", _digits(rng, 12)), ("ES", _digits(rng, 20)), ("IT", "X" + _digits(rng, 22))]
    )  # fmt: skip
    value = _iban(country, bban)
    grouped = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return value, grouped if rng.random() < 0.75 else value


def plate(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.75:
        first = "SS"
        while first == "SS":
            first = "".join(rng.choice(_SIV_LETTERS) for _ in range(2))
        last = "SS"
        while last == "SS":
            last = "".join(rng.choice(_SIV_LETTERS) for _ in range(2))
        digits = f"{rng.randrange(1, 1000):03d}"
        sep = rng.choice(["-", "-", " ", ""])
        return f"{first}{digits}{last}", f"{first}{sep}{digits}{sep}{last}"
    digits = str(rng.randrange(10, 10000))
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTVWXYZ") for _ in range(rng.choice([2, 3])))
    department = rng.choice(["13", "75", "83", "84", "2A", "06", "69", "971"])
    sep = rng.choice([" ", "-", ""])
    return f"{digits}{letters}{department}", f"{digits}{sep}{letters}{sep}{department}"


def imei(rng: random.Random) -> tuple[str, str]:
    body = rng.choice(["35", "86", "01", "99"]) + _digits(rng, 12)
    value = body + luhn_digit(body)
    by_three = " ".join(value[i : i + 3] for i in (0, 3, 6, 9, 12))
    written = rng.choice(
        [value, f"{value[:2]} {value[2:8]} {value[8:14]} {value[14]}", by_three,
         f"{value[:2]}-{value[2:8]}-{value[8:14]}-{value[14]}"]
    )  # fmt: skip
    return value, written


def siret(rng: random.Random) -> tuple[str, str]:
    body = rng.choice("123456789") + _digits(rng, 12)
    value = body + luhn_digit(body)
    return value, rng.choice([value, f"{value[:3]} {value[3:6]} {value[6:9]} {value[9:]}"])


def siren(rng: random.Random) -> tuple[str, str]:
    body = rng.choice("123456789") + _digits(rng, 7)
    value = body + luhn_digit(body)
    return value, rng.choice([value, f"{value[:3]} {value[3:6]} {value[6:]}"])


def ip(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.7:
        value = ".".join(str(rng.randrange(1, 255)) for _ in range(4))
        return value, value
    groups = [f"{rng.randrange(0, 65536):x}" for _ in range(4)]
    value = f"2a01:{':'.join(groups)}::{rng.randrange(1, 65536):x}"
    canonical = ipaddress.IPv6Address(value).compressed
    return canonical, canonical if rng.random() < 0.7 else canonical.upper()


def day(rng: random.Random) -> tuple[str, str]:
    d = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 6 * 365))
    form = rng.randrange(8)
    written = [
        d.strftime("%d/%m/%Y"),
        d.strftime("%d-%m-%Y"),
        d.strftime("%d.%m.%Y"),
        d.strftime("%d/%m/%y"),
        d.isoformat(),
        f"{'1er' if d.day == 1 else d.day} {_MONTHS[d.month - 1]} {d.year}",
        f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}",
        f"{d.day} {_SHORT_MONTHS[d.month - 1]} {d.year}",
    ][form]
    return d.isoformat(), written


def amount(rng: random.Random) -> tuple[str, str]:
    euros = rng.choice([rng.randrange(20, 1000), rng.randrange(1000, 100000), rng.randrange(100000, 2000000)])
    cents = rng.choice([0, 0, rng.randrange(1, 100)])
    value = f"{euros}.{cents:02d}".rstrip("0").rstrip(".") if cents else str(euros)
    grouped = f"{euros:,}".replace(",", " ")
    decimals = f",{cents:02d}" if cents else rng.choice(["", ",00"])
    written = rng.choice(
        [f"{grouped}{decimals} €", f"{euros}{decimals} euros", f"{grouped}{decimals} euros", f"{euros}{decimals}€",
         f"{grouped}{decimals} EUR", f"€{euros:,}.{cents:02d}"]
    )  # fmt: skip
    return f"{value} EUR", written


MAKERS: dict[str, Callable[[random.Random], tuple[str, str]]] = {
    "phone": phone,
    "email": email,
    "iban": iban,
    "plate": plate,
    "imei": imei,
    "siret": siret,
    "siren": siren,
    "ip": ip,
    "date": day,
    "amount": amount,
}

# How each type is introduced in the prose ({} is the entity)
CONTEXTS: dict[str, tuple[str, ...]] = {
    "phone": ("joint au {}", "la ligne {} a émis un appel", "tél : {}", "contact enregistré sous le {}",
              "appelant;{};", "numéro {} (ligne prépayée)"),
    "email": ("adresse électronique {}", "courriel envoyé depuis {}", "compte {} créé le"),
    "iban": ("IBAN {}", "virement vers le compte {}", "coordonnées bancaires : {}"),
    "plate": ("véhicule immatriculé {}", "la plaque {} a été lue par le LAPI", "Clio {} stationnée"),
    "imei": ("IMEI {}", "terminal {} associé à la ligne", "IMEI : {}"),
    "siret": ("SIRET {}", "établissement n° SIRET {}", "SIRET : {}"),
    "siren": ("SIREN {}", "RCS Marseille {}", "immatriculée sous le numéro SIREN {}"),
    "ip": ("adresse IP {}", "connexion depuis {}", "IP de connexion {}"),
    "date": ("le {}", "en date du {}", "faits du {}"),
    "amount": ("une somme de {}", "chèque de {}", "préjudice estimé à {}", "retrait de {}"),
}  # fmt: skip

# Look-alikes that are none of the types: a recogniser that reads them as entities loses precision
DISTRACTORS = (
    "vers 10h12", "à 23:45:12", "l'année 2024", "en 2023", "article 222-33-2-1 du code pénal", "article 706-73",
    "procédure n° 2024/MAR/02944", "PV n° 2024/001234", "386,4 kg de résine", "un taux de 0,62 mg/l",
    "13015 Marseille", "Marseille 15e", "le 3e étage", "bâtiment B6", "l'Audi RS6", "l'autoroute A55",
    "ITT de 8 jours", "1,80 m", "45 %", "3 PV 13 feuillets", "scellé BEL-2", "cité des Micocouliers",
    "le 27 septembre", "10 000 habitants", "2 rue de la Paix", "chambre 12", "Peugeot 5008", "calibre .357",
    "dossier 2021-447812", "la section 12.3.4", "version 1.2.3", "groupe 13/14", "au 12 bis", "km 214",
    "20 g de cocaïne", "n° de parquet 24.123.456", "GAV 48 h", "3 x 4", "les 15-17 ans", "1/2 litre",
    "Dr. Martin", "M. HAMIDI", "ara", "UMJ", "code 1234", "page 12 sur 40", "n° 75 de la rue", "T3 de 65 m²",
)  # fmt: skip
FILLER = (
    "Les enquêteurs ont procédé aux vérifications d'usage.", "Le mis en cause conteste les faits.",
    "Sommes requis de faire connaître", "L'intéressé est placé en garde à vue.", "Dont acte.",
    "Nous avons constaté la présence de traces.", "Le témoin confirme ses déclarations.",
)  # fmt: skip


def _distractor(rng: random.Random) -> str:
    """A fixed look-alike, or a random number of a shape an identifier has (references, timestamps, versions).

    A ten-digit number starting with 0 and a non-zero digit is a French phone number by the numbering plan: the
    random "lot" numbers start with 1–9."""
    if rng.random() < 0.6:
        return rng.choice(DISTRACTORS)
    return rng.choice(
        [f"référence de la transaction {_digits(rng, 14)}", f"n° d'affaire {_digits(rng, 9)}",
         f"numéro de scellé {_digits(rng, 15)}", f"compteur {_digits(rng, 6)}", f"version {rng.randrange(1, 20)}."
         f"{rng.randrange(0, 10)}.{rng.randrange(0, 100)}", f"lot {rng.randrange(1, 10)}{_digits(rng, 9)}",
         f"cote {_digits(rng, 4)}",
         f"n° de facture {_digits(rng, 11)}", f"{rng.randrange(2, 40)} {rng.choice(['ans', 'jours', 'mois'])}",
         f"{rng.randrange(1, 24)}h{rng.randrange(0, 60):02d}", f"{rng.randrange(1, 999)},{rng.randrange(0, 99)} kg"]
    )  # fmt: skip


def generate(documents: int = 60, per_document: int = 25, seed: int = 18) -> list[PlantedDocument]:
    """Documents of prose, each with ``per_document`` planted entities of random types among distractors."""
    rng = random.Random(seed)
    kinds = list(MAKERS)
    out: list[PlantedDocument] = []
    for _ in range(documents):
        w = _Writer()
        w.text("PROCÈS-VERBAL\n\n")
        for _ in range(per_document):
            kind = rng.choice(kinds)
            value, written = MAKERS[kind](rng)
            before, _, after = rng.choice(CONTEXTS[kind]).partition("{}")
            w.text(rng.choice(FILLER) + " " + _distractor(rng).capitalize() + ", " + before)
            w.entity(kind, value, written)
            w.text(after + (" ; " if rng.random() < 0.5 else ". ") + _distractor(rng) + ".\n")
        out.append(w.document())
    return out


@dataclass
class Score:
    planted: int = 0
    found: int = 0
    recalled: int = 0  # planted entities found with their type and canonical value
    correct: int = 0  # entities found that were planted (type, value and place)

    @property
    def recall(self) -> float:
        return self.recalled / self.planted if self.planted else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0


def score(
    documents: list[PlantedDocument],
    find: Callable[[str], list[tuple[str, str, int, int]]],
    kinds: Sequence[str] = tuple(MAKERS),
) -> dict[str, Score]:
    """Recall and precision per type of ``find`` (text → (type, value, start, end) of each entity it reads)."""
    scores = {kind: Score() for kind in kinds}
    for document in documents:
        found = [f for f in find(document.text) if f[0] in scores]
        for p in document.planted:
            scores[p.type].planted += 1
            if any(f[0] == p.type and f[1] == p.value and f[2] < p.end and p.start < f[3] for f in found):
                scores[p.type].recalled += 1
        for kind, value, start, end in found:
            scores[kind].found += 1
            if any(p.type == kind and p.value == value and p.start < end and start < p.end for p in document.planted):
                scores[kind].correct += 1
    return scores


# --- person and place names (entities/names.py) ---------------------------------------------------------------

NAME_FIRST = (
    "Amandine", "Bruno", "Céline", "Djamel", "Estelle", "Fabien", "Gaëlle", "Hocine", "Isabelle", "Jérémy", "Kenza",
    "Ludovic", "Maëva", "Nordine", "Océane", "Pascal", "Rachida", "Sébastien", "Tiphaine", "Vincent", "Wassila",
    "Xavier", "Yasmina", "Zoé", "Anne-Laure", "Jean-Michel", "Moussa", "Aïcha", "Grégory", "Mélissa",
)  # fmt: skip
NAME_LAST = (
    "BARTHÉLEMY", "CHAREF", "DESROCHES", "EL HADDADI", "FONTANEL", "GUERRIDA", "HÉBRARD", "IMBERT", "JOLIVET",
    "KACI", "LAPORTE", "MEDJAHED", "NOGUEIRA", "OUARDI", "PELLEGRIN", "QUENTEL", "RABHI", "SAUVAGEOT", "TEIXEIRA",
    "VALADIER", "WEISS", "ZITOUNI", "BOUSQUET", "CARRIÈRE", "DIALLO", "LE GOFF", "MARCHAL", "POULAIN", "RENOUX",
    "TRAORÉ",
)  # fmt: skip
NAME_CITIES = (
    "Grenoble", "Valence", "Chambéry", "Annecy", "Montélimar", "Villefranche-sur-Saône", "Bourg-en-Bresse", "Mâcon",
    "Clermont-Ferrand", "Vienne", "Oyonnax", "Aurillac", "Le Puy-en-Velay", "Thonon-les-Bains", "Romans-sur-Isère",
    "Échirolles", "Tarare", "Voiron", "Moulins", "Dijon",
)  # fmt: skip
NAME_STREETS = (
    ("rue", "des Lilas"), ("avenue", "Jean-Jaurès"), ("allée", "des Peupliers"), ("boulevard", "Gambetta"),
    ("place", "Bellecour"), ("chemin", "des Vignes"), ("impasse", "du Moulin"), ("quai", "Perrache"),
    ("rue", "Pasteur"), ("cité", "des Érables"),
)  # fmt: skip
NAME_CONTEXTS = (
    "Nous entendons {p}, qui déclare :", "Se présente {p}, témoin des faits.",
    "Le mis en cause, {p}, refuse de signer.",
    "Avis est donné à {p} de ses droits.", "L'enquête établit que {p} a loué le véhicule.",
    "La victime désigne {p} comme l'auteur des coups.", "Est interpellé {p} à la sortie du domicile.",
)  # fmt: skip
PLACE_CONTEXTS = (
    "Les faits se sont déroulés à {c}.", "L'intéressé est né à {c} en 1998.", "Nous nous transportons à {c}.",
    "Le véhicule a été vu en direction de {c}.", "Il déclare vivre à {c} depuis deux ans.",
)  # fmt: skip
NAME_DISTRACTORS = (
    "Constatons que la porte est fermée.", "AUDITION DE TÉMOIN", "Procédons à la fouille du véhicule.",
    "Carte SIM saisie et placée sous scellé.", "Le Brigadier-chef assiste à l'opération.",
    "Avisons M. le Procureur de la République.", "Brigade de sûreté urbaine, groupe d'appui.",
    "Réponse : je ne sais pas.", "Question : où étiez-vous lundi ?", "Mentionnons que l'OPJ est présent.",
    "Le Gardien de la paix rédige le rapport.", "Plainte reçue le lendemain.", "Résumé des investigations :",
    "Snapchat et WhatsApp sont installés sur le téléphone.", "Le Tribunal judiciaire est saisi.",
)  # fmt: skip


def _person(rng: random.Random) -> tuple[str, str, list[str]]:
    """(canonical value, full written form, other forms that name the same person once it was named)."""
    first, last = rng.choice(NAME_FIRST), rng.choice(NAME_LAST)
    value = " ".join(sorted(_fold(f"{first} {last}").split()))
    full = rng.choice([f"{first} {last}", f"{last} {first}"])
    title = "Mme" if first in {"Amandine", "Céline", "Estelle", "Gaëlle", "Isabelle", "Kenza", "Maëva"} else "M."
    return value, full, [f"{title} {last}", f"{last} {first}", f"{first} {last}"]


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def generate_names(documents: int = 40, per_document: int = 6, seed: int = 23) -> list[PlantedDocument]:
    """PV-like documents, each naming ``per_document`` people (each named again in another form) and as many
    places (towns, streets), among the capitalised words of procedural prose that are not names."""
    rng = random.Random(seed)
    out: list[PlantedDocument] = []
    for _ in range(documents):
        w = _Writer()
        w.text("PROCÈS-VERBAL D'AUDITION\n\n")
        people = [_person(rng) for _ in range(per_document)]
        named = [set(value.split()) for value, _, _ in people]
        for value, full, again in people:
            before, _, after = rng.choice(NAME_CONTEXTS).partition("{p}")
            w.text(rng.choice(NAME_DISTRACTORS) + "\n" + before)
            w.entity("person", value, full)
            w.text(after + "\n")
            if rng.random() < 0.5:
                city = rng.choice(NAME_CITIES)
                before, _, after = rng.choice(PLACE_CONTEXTS).partition("{c}")
                w.text(before)
                w.entity("place", _fold(city), city)
                w.text(after + "\n")
            else:
                kind, name = rng.choice(NAME_STREETS)
                w.text(f"Il demeure {rng.randrange(1, 90)} ")
                w.entity("place", _fold(f"{kind} {name}"), f"{kind} {name}")
                w.text(" à ")
                city = rng.choice(NAME_CITIES)
                w.entity("place", _fold(city), city)
                w.text(".\n")
            form = rng.choice(again)
            if sum(1 for words in named if words & set(value.split())) == 1:  # no one else bears either name
                w.text(rng.choice(NAME_DISTRACTORS) + " Nous rappelons que ")
                w.entity("person", value, form)
                w.text(" a été informé de ses droits.\n")
        out.append(w.document())
    return out
