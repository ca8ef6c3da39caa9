"""Near-duplicates must also agree on their facts: a scan's OCR noise is tolerated, a number or an entity that
differs is not."""

from __future__ import annotations

import pytest

from arbiter_desktop.duplicates import facts
from arbiter_desktop.duplicates.facts import Facts, agree, of_text, repaired

# A requisition's answer as typed, and as Tesseract 5 (fra, tessdata_fast) read it from a 150-dpi scan of it,
# skewed, blurred, speckled and saved as JPEG q35 (tools/make_realcase.py's "scan_bad"): "1er" read "ler", an
# e-mail address with "l" read "él", a phone with a colon and a dot between its digit pairs, a comma lost.
TYPED = (
    "1. Le 15 octobre 2024, par le portail réservé aux services d'enquête, Meta Platforms Ireland Ltd (Instagram) "
    "est requise de fournir les informations de création du compte « cigalons.balance13 » et l'historique de ses "
    "connexions entre le 1er et le 15 octobre 2024.\n\nRéponse reçue le 22 octobre 2024 :\n"
    "- Identifiant : cigalons.balance13 ; nom affiché : « Cigalons Balance » ;\n"
    "- Date de création : 03/10/2024 à 18:42 (UTC+2) ;\n"
    "- Adresse électronique confirmée : timeo.cigale13@gmail.com ;\n"
    "- Numéro de téléphone confirmé : +33 7 51 40 86 22 ;\n"
    "- Connexions : 96 connexions entre le 03/10 et le 14/10, depuis deux adresses IP : une IPv6 relevant d'une "
    "box domestique (connexions en soirée et le mercredi après-midi) et une IPv4 relevant d'un réseau mobile "
    "(connexions en journée, dont plusieurs entre 12h05 et 13h20) ;"
)
SCANNED = (
    "1. Le 15-octobre 2024, par le portail réservé aux services d'enquête, Meta Platforms Ireland Ltd\n"
    "(Instagram) est requise de fournir les informations de création-du compte « cigalons.balance13\n"
    "» et l'historique de ses connexions entre le ler et te 15 octobre 2024.\n\nRéponse reçue le 22 octobre 2024 :\n"
    "- Identifiant: cigalons.balance13 ; nom affiché : « Cigalons Balance »;\n"
    ": Date de création : 03/10/2024 à 18:42 (UTC+2) ;\n"
    "Adresse électronique confirmée : timeo.cigaleél3@gmail.com ;\n"
    "- Numéro de téléphone confirmé : +33 7:51.40 86 22;\n"
    ": Connexions : 96 connexions entre le 03/10 et le 14/10, depuis deux adresses IP: une IPv6\n"
    "relevant. d'une box domestique (connexions en soirée et le. mercredi après-midi} et une iPv4\n"
    "relevant d'un réseau mobile (connexions en journée, dont plusieurs entre 12h05 et 13h20) ;"
)


def test_repair_undoes_letters_read_for_digits_in_numbers_only() -> None:
    assert repaired("le 2O24, tel O6 l2 S4 B7 |2, réf 1O|5") == "le 2024, tel 06 12 54 87 12, réf 1015"
    assert (
        repaired("véhicule HB562ZD, Bâtiment B, Il a dit OK | ici") == "véhicule HB562ZD, Bâtiment B, Il a dit OK | ici"
    )


def test_a_real_scan_agrees_with_its_typed_text() -> None:
    assert agree(of_text(TYPED), of_text(SCANNED))


@pytest.mark.parametrize(
    ("typed", "changed"),
    [
        ("+33 7 51 40 86 22", "+33 7 51 40 86 23"),  # a phone's last digit
        ("18:42", "18:47"),  # an hour
        ("le 22 octobre 2024", "le 22 novembre 2024"),  # a date whose digits are the same
        ("timeo.cigale13@gmail.com", "timeo.cigalon@gmail.com"),  # another e-mail address
        ("96 connexions", "69 connexions"),  # digits swapped
        ("entre 12h05 et 13h20", "entre 12h05 et 13h20, et le 16/10"),  # a date added
        ("- Numéro de téléphone confirmé : +33 7 51 40 86 22 ;", ""),  # a phone missing
    ],
)
def test_a_changed_fact_tells_copies_apart(typed: str, changed: str) -> None:
    assert typed in TYPED
    assert not agree(of_text(TYPED), of_text(TYPED.replace(typed, changed)))
    assert not agree(
        of_text(SCANNED.replace("+33 7:51.40 86 22", "+33 7 51 40 86 22")), of_text(TYPED.replace(typed, changed))
    )


def test_entities_of_a_type_that_both_texts_hold_differently() -> None:
    base = "Le véhicule HB-562-ZD a été payé 1 500 € le 12 septembre 2024."
    assert not agree(of_text(base), of_text(base.replace("HB-562-ZD", "HB-562-ZE")))  # no digit differs
    assert not agree(of_text(base), of_text(base.replace("1 500 €", "1 500 $")))
    assert agree(of_text(base), of_text(base.replace("HB-562-ZD", "HB-562-2D")))  # the plate misread: not a plate


def test_ocr_losses_are_bounded() -> None:
    digits = tuple(f"{n:02d}" for n in range(10, 60))  # 100 digits
    lost_one = (*digits[:20], "3", *digits[21:])  # "30" read "3o": 1 digit lost
    assert agree(Facts(digits, ()), Facts(lost_one, ()))
    split = (*digits[:5], "1", "5", *digits[6:])  # "15" split by a spurious space
    assert agree(Facts(digits, ()), Facts(split, ()))
    many = tuple("" if i % 4 == 0 else d for i, d in enumerate(digits))  # 13 runs of 2 digits gone: 26 %
    assert not agree(Facts(digits, ()), Facts(tuple(d for d in many if d), ()))
    moved = digits[10:30] + digits[:10] + digits[30:]  # a table read in another order
    assert agree(Facts(digits, ()), Facts(moved, ()))


def test_reports_that_differ_only_by_their_numbers() -> None:
    def report(i: int) -> str:
        return " ".join(
            [f"Pièce {i} du dossier.", f"Le témoin numéro {i} a reconnu le véhicule.", f"Saisie de {i + 1} téléphones."]
        )

    assert not agree(of_text(report(3)), of_text(report(4)))
    assert agree(of_text(report(3)), of_text(report(3)))


def test_long_lists_are_compared_as_wholes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(facts, "MAX_ALIGNED", 10)
    rows = tuple(str(600_000_000 + 7 * i) for i in range(40))
    assert agree(Facts(rows, ()), Facts(tuple(reversed(rows)), ()))
    assert not agree(Facts(rows, ()), Facts((*rows[:-1], "600000001"), ()))


def test_facts_round_trip() -> None:
    found = of_text(TYPED)
    assert "phone:+33751408622" in found.entities and "email:timeo.cigaiei3@gmaii.com" in found.entities
    assert Facts.from_json(found.to_json()) == found
