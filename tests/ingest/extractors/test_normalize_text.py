"""normalize_text and join_pages: the shared normalisation every extractor relies on."""

from __future__ import annotations

import unicodedata

from arbiter_desktop.ingest.extractors.normalize import PAGE_SEPARATOR, join_pages, normalize_text


def test_line_break_hyphenation_is_undone_between_lowercase_letters() -> None:
    assert normalize_text("Les enquê-\nteurs sont arrivés.") == "Les enquêteurs sont arrivés."
    assert normalize_text("le pro\u00adcès-verbal") == "le procès-verbal"


def test_hyphen_before_a_capital_is_kept() -> None:
    assert normalize_text("Jean-\nPierre Martin") == "Jean-\nPierre Martin"


def test_nfc_spaces_controls_and_blank_lines() -> None:
    decomposed = unicodedata.normalize("NFD", "témoin à Besançon")
    text = normalize_text(f"  {decomposed}\u00a0\t \x07fin\r\n\r\n\r\n\r\nsuite\f ")
    assert text == "témoin à Besançon fin\n\nsuite"
    assert unicodedata.is_normalized("NFC", text)


def test_join_pages_spans_slice_the_text_and_keep_empty_page_numbers() -> None:
    text, spans = join_pages([("Première page", ""), ("", ""), ("Troisième  page", "p3")])
    assert text == "Première page" + PAGE_SEPARATOR + "Troisième page"
    assert [span.number for span in spans] == [1, 2, 3]
    assert [text[span.start : span.end] for span in spans] == ["Première page", "", "Troisième page"]
    assert spans[2].label == "p3"


def test_join_pages_of_nothing() -> None:
    assert join_pages([]) == ("", ())
