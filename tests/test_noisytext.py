import pytest

from arbiter_desktop.noisytext import ocr_key, ocr_keys


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
