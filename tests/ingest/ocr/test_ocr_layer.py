"""Which PDF pages need OCR: no text layer (a scan), or an unusable one; typed and blank pages do not."""

from __future__ import annotations

from pathlib import Path

from scans import render_page, scanned_pdf, typed_and_scanned_pdf

from arbiter_desktop.domain import FileKind
from arbiter_desktop.ingest.extractors import extract
from arbiter_desktop.ingest.ocr.layer import unusable

FRENCH = (
    "Le douze mars deux mille vingt-quatre, nous, officier de police judiciaire, entendons le témoin qui déclare "
    "avoir vu le véhicule stationné devant la gare à dix-huit heures."
)


def test_french_text_and_numbers_are_usable() -> None:
    assert not unusable(FRENCH)
    assert not unusable("06 12 34 56 78 ; 2024-03-14 ; 23:41 ; 00:04:12 ; appel\n" * 20)
    assert not unusable("PROCÈS-VERBAL D'AUDITION — GARDE À VUE — ARTICLE 63-1 DU CODE DE PROCÉDURE PÉNALE")


def test_glyphs_without_unicode_are_unusable() -> None:
    assert unusable("\ue000\ue001\ue002 \ue003\ue004 " * 30)  # private-use code points: a font without a map
    assert unusable("�� ��� " * 40)


def test_a_failed_ocr_layer_is_unusable() -> None:
    assert unusable("Lxq rtzvb qwrtp kzdlm xvbnq pltrz wqxcv brtzl mnbvc xzlkj hgfds poiuy trewq " * 3)


def test_scanned_pages_of_a_pdf_are_marked_and_typed_ones_kept(tmp_path: Path) -> None:
    scan = render_page(["Scellé n° 4 : téléphone saisi"])
    mixed = typed_and_scanned_pdf(tmp_path / "mixte.pdf", FRENCH, scan)
    result = extract(mixed, FileKind.PDF)
    assert result.ocr_pages == (2,)
    assert "officier de police judiciaire" in result.text[result.pages[0].start : result.pages[0].end]
    assert result.pages[1].start == result.pages[1].end  # nothing yet for the scan


def test_an_image_only_pdf_awaits_ocr_instead_of_being_empty(tmp_path: Path) -> None:
    pdf = scanned_pdf(tmp_path / "scan.pdf", [render_page(["page une"]), render_page(["page deux"])])
    result = extract(pdf, FileKind.PDF)
    assert result.text == "" and result.ocr_pages == (1, 2)


def test_a_blank_page_needs_no_ocr(tmp_path: Path) -> None:
    from PIL import Image

    blank = scanned_pdf(tmp_path / "blanc.pdf", [render_page(["texte"]), Image.new("L", (1200, 1600), 255)])
    assert extract(blank, FileKind.PDF).ocr_pages == (1,)


def test_an_image_file_awaits_ocr_on_every_frame(tmp_path: Path) -> None:
    path = tmp_path / "scelle.tif"
    pages = [render_page([f"page {n}"], width=600) for n in (1, 2)]
    pages[0].save(path, "TIFF", save_all=True, append_images=pages[1:])
    result = extract(path, FileKind.IMAGE)
    assert result.text == "" and result.ocr_pages == (1, 2) and [p.number for p in result.pages] == [1, 2]
