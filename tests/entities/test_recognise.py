"""Every written form of an entity gives one canonical value; look-alikes give none."""

from __future__ import annotations

import pytest

from arbiter_desktop.entities import Entity, EntityType, find_entities, search_keys
from arbiter_desktop.entities.checksums import iban_valid, luhn_digit, luhn_valid, siret_valid

T = EntityType


def only(text: str, query: bool = False) -> Entity:
    found = find_entities(text, query=query)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("written", "kind", "value"),
    [
        # phones: French in every common form → E.164
        ("+33 7 49 27 16 83", T.PHONE, "+33749271683"),
        ("0749271683", T.PHONE, "+33749271683"),
        ("07.49.27.16.83", T.PHONE, "+33749271683"),
        ("07-49-27-16-83", T.PHONE, "+33749271683"),
        ("07 49 27 16 83", T.PHONE, "+33749271683"),
        ("33749271683", T.PHONE, "+33749271683"),  # FADET
        ("+33749271683", T.PHONE, "+33749271683"),
        ("+33 (0)7 49 27 16 83", T.PHONE, "+33749271683"),
        ("0033 7 49 27 16 83", T.PHONE, "+33749271683"),
        ("33 7 49 27 16 83", T.PHONE, "+33749271683"),
        ("04 91 39 80 00", T.PHONE, "+33491398000"),
        ("+212 6 12 34 56 78", T.PHONE, "+212612345678"),
        ("00212 612 345 678", T.PHONE, "+212612345678"),
        ("+44 (0)20 7946 0958", T.PHONE, "+442079460958"),
        ("+34 631 55 82 07", T.PHONE, "+34631558207"),
        # e-mails
        ("Jean.Dupont@Exemple.FR", T.EMAIL, "jean.dupont@exemple.fr"),
        ("k.hamidi+snap@gmail.com", T.EMAIL, "k.hamidi+snap@gmail.com"),
        # IBANs: mod-97 checked
        ("FR76 3000 6000 0112 3456 7890 189", T.IBAN, "FR7630006000011234567890189"),
        ("FR7630006000011234567890189", T.IBAN, "FR7630006000011234567890189"),
        ("DE89 3704 0044 0532 0130 00", T.IBAN, "DE89370400440532013000"),
        ("BE68 5390 0754 7034", T.IBAN, "BE68539007547034"),
        # plates: SIV and FNI, with and without separators
        ("HB-562-ZD", T.PLATE, "HB562ZD"),
        ("HB 562 ZD", T.PLATE, "HB562ZD"),
        ("HB562ZD", T.PLATE, "HB562ZD"),
        ("hb-562-zd", T.PLATE, "HB562ZD"),
        ("123 ABC 75", T.PLATE, "123ABC75"),
        ("4521-TZ-13", T.PLATE, "4521TZ13"),
        ("123ABC2A", T.PLATE, "123ABC2A"),
        # IMEI (Luhn), SIRET (Luhn), SIREN (labelled)
        ("490154203237518", T.IMEI, "490154203237518"),
        ("49 015420 323751 8", T.IMEI, "490154203237518"),
        ("490 154 203 237 518", T.IMEI, "490154203237518"),
        ("IMEI 49015420323751", T.IMEI, "490154203237518"),  # written without its check digit
        ("SIRET 73282932000074", T.SIRET, "73282932000074"),
        ("732 829 320 00074", T.SIRET, "73282932000074"),
        ("SIREN 732 829 320", T.SIREN, "732829320"),
        ("RCS Marseille 732829320", T.SIREN, "732829320"),
        # IP addresses
        ("192.168.1.10", T.IP, "192.168.1.10"),
        ("2001:0DB8:0000:0000:0000:0000:0000:0001", T.IP, "2001:db8::1"),
        ("2a01:e0a:1b2::5", T.IP, "2a01:e0a:1b2::5"),
        # dates: digits and words
        ("23/11/2024", T.DATE, "2024-11-23"),
        ("23-11-2024", T.DATE, "2024-11-23"),
        ("23.11.2024", T.DATE, "2024-11-23"),
        ("23/11/24", T.DATE, "2024-11-23"),
        ("2024-11-23", T.DATE, "2024-11-23"),
        ("23 novembre 2024", T.DATE, "2024-11-23"),
        ("samedi 23 novembre 2024", T.DATE, "2024-11-23"),
        ("23 nov. 2024", T.DATE, "2024-11-23"),
        ("1er août 2024", T.DATE, "2024-08-01"),
        ("1er aout 2024", T.DATE, "2024-08-01"),
        ("12 Février 2023", T.DATE, "2023-02-12"),
        # dates written out in words, as procès-verbaux are dated
        ("le vingt-trois novembre deux mille vingt-quatre", T.DATE, "2024-11-23"),
        ("L'an deux mille vingt-quatre, le vingt-deux février", T.DATE, "2024-02-22"),
        ("L’an deux mille dix-neuf, le premier mars", T.DATE, "2019-03-01"),
        ("le trente et un décembre mil neuf cent quatre-vingt-dix-neuf", T.DATE, "1999-12-31"),
        ("le vingt-et-un juin deux mille", T.DATE, "2000-06-21"),
        ("le onze mars deux mille soixante et onze", T.DATE, "2071-03-11"),
        ("le 22 février deux mille vingt-quatre", T.DATE, "2024-02-22"),
        ("le dix-sept mars 2024", T.DATE, "2024-03-17"),
        ("premier mars 2024", T.DATE, "2024-03-01"),
        # amounts
        ("1 500 €", T.AMOUNT, "1500 EUR"),
        ("1500 euros", T.AMOUNT, "1500 EUR"),
        ("1500€", T.AMOUNT, "1500 EUR"),
        ("1 840,00 €", T.AMOUNT, "1840 EUR"),
        ("1.840,50 EUR", T.AMOUNT, "1840.5 EUR"),
        ("€1,500.00", T.AMOUNT, "1500 EUR"),
        ("2,5 M€", T.AMOUNT, "2500000 EUR"),
        ("3 millions d'euros", T.AMOUNT, "3000000 EUR"),
        ("solde : 1 840,00", T.AMOUNT, "1840 EUR"),
        ("12/03/2024;VIR SARL;1 840,00;;2 310,45", T.AMOUNT, "1840 EUR"),
    ],
)
def test_written_forms_give_one_canonical_value(written: str, kind: EntityType, value: str) -> None:
    found = [e for e in find_entities(f"vu {written} hier") if e.type is not T.NUMBER and e.type is not T.DATE]
    if kind is T.DATE:
        found = [e for e in find_entities(f"vu {written} hier") if e.type is T.DATE]
    assert [(e.type, e.value) for e in found][:1] == [(kind, value)]


@pytest.mark.parametrize(
    "text",
    [
        "vers 10h12 puis à 23:45:12",  # times are not IPv6 nor phones
        "en 2024, 2023 et 1998",  # a year is not an amount
        "article 222-33-2-1 du code pénal",
        "procédure n° 2024/MAR/02944",
        "386,4 kg de résine",
        "un taux de 0,62 mg/l",  # a number, not an amount
        "13015 Marseille, le 3e étage, Marseille 15e",
        "bâtiment B6, l'Audi RS6, l'autoroute A55",
        "3 PV 13 feuillets",  # not an FNI plate
        "de 123 la",
        "le 27 septembre",  # no year: left to the words
        "le vingt-sept septembre à seize heures",  # no year either
        "le trente février deux mille vingt-quatre",  # no such day
        "en mars deux mille vingt",  # no day
        "version 14.5.10",  # not a date
        "le 31/02/2024",  # no such day
        "n° 75 de la rue",
        "version 10.0.19045.2965",  # not an IPv4 (octets over 255)
        "SARL au capital de 12 000",
        "1,80 m et 45 %",
    ],
)
def test_look_alikes_are_not_listed_entities(text: str) -> None:
    assert [e for e in find_entities(text) if e.type is not T.NUMBER] == []


def test_a_date_is_not_a_phone_and_a_siret_is_not_an_imei() -> None:
    assert only("le 01.02.2024").type is T.DATE
    assert only("01.02.03.04.05").type is T.PHONE
    assert only("SIRET 732 829 320 00074").type is T.SIRET
    assert only("IMEI 35 291807 446271 3").type is T.IMEI


def test_unchecked_identifiers_are_kept_when_labelled_and_flagged() -> None:
    iban = only("IBAN FR76 3000 4012 8700 0104 5598 276")  # its key is wrong
    assert (iban.type, iban.valid) == (T.IBAN, False)
    imei = only("IMEI : 35 291807 446271 3")
    assert (imei.type, imei.valid) == (T.IMEI, False)
    assert [e.type for e in find_entities("n° 352918074462713")] == [T.NUMBER]  # unlabelled, Luhn fails


def test_query_reading_accepts_lowercase_plates() -> None:
    assert find_entities("hb562zd") == []
    assert only("hb562zd", query=True).value == "HB562ZD"


def test_numbers_in_any_writing_share_a_key() -> None:
    assert "num:0.62" in search_keys("0,62 mg/l") and "num:0.62" in search_keys("0.62")
    assert "num:214300" in search_keys("214 300 €") and "num:214300" in search_keys("214300 euros")
    assert "num:1500" in search_keys("1.500") and "num:1.5" in search_keys("1.500")  # both readings
    assert "num:30004012" in search_keys("dossier 3000 4012")  # digit runs of six or more, any spacing
    assert "siren:732829320" in search_keys("SIRET 732 829 320 00074")


def test_display_forms() -> None:
    assert only("33749271683").display == "07 49 27 16 83"
    assert only("HB562ZD").display == "HB-562-ZD"
    assert only("FR7630006000011234567890189").display == "FR76 3000 6000 0112 3456 7890 189"
    assert only("27 septembre 2024").display == "27/09/2024"
    assert only("214300 euros").display == "214 300 €"


def test_spans_point_at_the_written_entity() -> None:
    text = "Appel du 07 49 27 16 83 le 23/11/2024 pour 1 500 € (HB-562-ZD)."
    assert [text[e.start : e.end] for e in find_entities(text)] == [
        "07 49 27 16 83",
        "23/11/2024",
        "1 500 €",
        "HB-562-ZD",
    ]


def test_checksums() -> None:
    assert luhn_valid("490154203237518") and not luhn_valid("490154203237519")
    assert luhn_digit("49015420323751") == "8"
    assert siret_valid("73282932000074") and not siret_valid("73282932000075")
    assert siret_valid("35600000000010") and not siret_valid("35600000000011")  # La Poste: digit sum
    assert iban_valid("FR7630006000011234567890189") and not iban_valid("FR7630006000011234567890188")


def test_a_date_in_words_spans_what_was_written() -> None:
    text = "PROCÈS-VERBAL\nL'an deux mille vingt-quatre, le vingt-deux février à vingt heures trente,"
    (found,) = [e for e in find_entities(text) if e.type is T.DATE]
    assert text[found.start : found.end] == "L'an deux mille vingt-quatre, le vingt-deux février"
    assert found.display == "22/02/2024"
