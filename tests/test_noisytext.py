import pytest

from arbiter_desktop.noisytext import (
    Vocabulary,
    ocr_key,
    ocr_keys,
    read_with,
    read_with_offsets,
    reading_fixes,
    word_counts,
)


@pytest.mark.parametrize(
    ("clean", "damaged"),
    [
        ("interpellation", "interpeIlation"),  # capital I read for l
        ("verbal", "verbaI"),
        ("scooter", "scootcr"),  # c for e
        ("musique", "rnusique"),  # rn for m
        ("nocturne", "noctume"),  # m for rn, u for n
        ("Aubagne", "Auhagne"),  # h for b
        ("accident", "acc1dent"),  # 1 for i
        ("forte", "f0rte"),  # 0 for o
        ("Micocouliers", "Mlcocou1iers"),
        ("audition", "AUDlTl0N"),
        ("procès", "proces"),  # accents lost
    ],
)
def test_a_damaged_word_has_the_key_of_its_clean_spelling(clean: str, damaged: str) -> None:
    assert ocr_key(clean) and ocr_key(clean) == ocr_key(damaged)


def test_short_words_numbers_and_codes_have_no_key() -> None:
    assert [ocr_key(w) for w in ("bus", "2024", "RS6", "10h12", "B6", "06")] == [""] * 6


def test_litter_is_removed_before_cutting_words() -> None:
    text = "PROCES-VERBAL D'AUDlTl0N LlBRE, le sept-\nembre, sur le pa|rklng ^les acbats"
    keys = ocr_keys(text)
    assert ocr_key("septembre") in keys  # a word cut at a line end is whole again
    assert ocr_key("parking") in keys  # a stray mark inside a word is dropped
    assert ocr_key("audition") in keys and ocr_key("achats") in keys
    assert ocr_key("pa") not in keys


CASE_WORDS = {
    "groupe": 6,
    "snapchat": 4,
    "élève": 5,
    "madame": 3,
    "octobre": 9,
    "police": 12,
    "haleine": 1,
    "baleine": 4,
}
DAMAGED = (
    "PROCES-VERBAL D'AUDITI0N. Dans la classe on a un gronpe Snapcbat. Debut octobrc, l'elcve a dit a Madarne "
    "Roumanille que le gr0upe la visait. Agent de pollce judiciaire."
)


def test_a_damaged_statement_is_read_with_the_case_spelling() -> None:
    vocabulary = Vocabulary.of({**CASE_WORDS, "audition": 4})
    fixes = reading_fixes(DAMAGED, vocabulary)
    assert fixes["gronpe"] == "groupe" and fixes["gr0upe"] == "groupe" and fixes["Snapcbat"] == "Snapchat"
    assert fixes["elcve"] == "élève" and fixes["Madarne"] == "Madame" and fixes["AUDITI0N"] == "AUDITION"
    assert "Roumanille" not in fixes and "classe" not in fixes  # no twin in the case: left as written
    read = read_with(DAMAGED, fixes)
    assert "un groupe Snapchat" in read and "Debut octobre, l'élève a dit a Madame" in read
    assert len(read.split()) == len(DAMAGED.split())  # word for word


def test_a_clean_text_keeps_its_words() -> None:
    vocabulary = Vocabulary.of(CASE_WORDS)
    assert vocabulary.twin("haleine") == "baleine"  # a rare real word with a frequent OCR twin...
    assert reading_fixes("Son haleine sentait l'alcool, a dit le groupe de police en octobre.", vocabulary) == {}
    assert vocabulary.twin("groupe") is None and vocabulary.twin("grpe") is None  # the usual spelling; no key
    assert Vocabulary.of({"groupe": 2, "gronpe": 1}).twin("gronpe") is None  # too rare in the case to be trusted


def test_words_are_counted_as_written() -> None:
    assert word_counts("Le groupe, le GROUPE et l'élève du gr0upe.") == {"groupe": 2, "élève": 1, "gr0upe": 1}


def test_a_reading_keeps_the_offsets_of_the_text_as_written() -> None:
    text = "Né à Martlgues, vu par Natban PIERI, AUDITI0N fin."
    fixes = {"Martlgues": "Martigues", "Natban": "Nathan", "AUDITI0N": "AUDITION", "PIERI": "PIERRI"}
    reading, where = read_with_offsets(text, fixes)
    assert reading == read_with(text, fixes) == "Né à Martigues, vu par Nathan PIERRI, AUDITION fin."
    for word, written in [("Martigues", "Martlgues"), ("Nathan PIERRI", "Natban PIERI"), ("fin", "fin")]:
        a = reading.index(word)
        b = a + len(word)
        assert text[where[a] : where[b - 1] + 1] == written
    assert where[len(reading)] == len(text)
    assert read_with_offsets(text, {}) == (text, list(range(len(text) + 1)))
