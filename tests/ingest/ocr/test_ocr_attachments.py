"""Photos and scans attached to e-mails and Outlook messages (and GIF images) are pages for the OCR: the extraction
lists them as pages to recognise, labelled as attachments, and the OCR page job finds each one's image by walking
the message again."""

from __future__ import annotations

import io
import struct
import zlib
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from ole import outlook_message, write_cfb
from PIL import Image
from scans import render_page, scanned_pdf, typed_and_scanned_pdf

from arbiter_desktop.domain import ErrorReason, ExtractionError, FileKind
from arbiter_desktop.ingest import extractors
from arbiter_desktop.ingest.extractors.email import page_source
from arbiter_desktop.ingest.ocr.engine import Engine, OcrConfig
from arbiter_desktop.ingest.ocr.images import image_info, page_image


def _png(lines: list[str]) -> bytes:
    buffer = io.BytesIO()
    render_page(lines).save(buffer, "PNG")
    return buffer.getvalue()


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def _gif(lines: list[str]) -> bytes:
    buffer = io.BytesIO()
    render_page(lines).convert("P").save(buffer, "GIF")
    return buffer.getvalue()


def test_attached_photos_and_scans_are_pages_to_recognise(tmp_path: Path, ocr_config: OcrConfig) -> None:
    scan = scanned_pdf(tmp_path / "scan.pdf", [render_page(["Page une."]), render_page(["Le suspect VALMONT."])])
    typed = "Page tapée du rapport de synthèse."
    mixed = typed_and_scanned_pdf(tmp_path / "mixte.pdf", typed, render_page(["Scellé BRAVO."]))
    bomb = _png_header(200_000, 200_000)  # 40 gigapixels declared in a few bytes
    mail = EmailMessage(policy=default)
    mail["From"], mail["To"], mail["Subject"] = "opj@exemple.fr", "greffe@exemple.fr", "Pièces scannées"
    mail.set_content("Ci-joint les scans.")
    mail.add_attachment(_png(["Photo du carnet : code ORCHIDEE."]), maintype="image", subtype="png", filename="a.png")
    mail.add_attachment(scan.read_bytes(), maintype="application", subtype="pdf", filename="pv.pdf")
    mail.add_attachment(mixed.read_bytes(), maintype="application", subtype="pdf", filename="rapport.pdf")
    mail.add_attachment(_gif(["Fax du parquet : LAMBERT."]), maintype="image", subtype="gif", filename="fax.gif")
    mail.add_attachment(bomb, maintype="image", subtype="png", filename="bombe.png")
    path = tmp_path / "message.eml"
    path.write_bytes(mail.as_bytes())

    result = extractors.extract(path, FileKind.EML)
    assert [(p.number, p.label) for p in result.pages] == [
        (1, ""),
        (2, "pièce jointe : a.png"),
        (3, "pièce jointe : pv.pdf, p. 1"),
        (4, "pièce jointe : pv.pdf, p. 2"),
        (5, "pièce jointe : rapport.pdf, p. 1"),
        (6, "pièce jointe : rapport.pdf, p. 2"),
        (7, "pièce jointe : fax.gif"),
    ]
    assert result.ocr_pages == (2, 3, 4, 6, 7)  # the typed page of rapport.pdf is text already
    assert typed in result.text
    assert result.fields["attachments_skipped"] == "bombe.png (too_large)"  # refused from its header

    assert page_source(str(path), FileKind.EML, 4) == (scan.read_bytes(), FileKind.PDF, 2)
    assert page_source(str(path), FileKind.EML, 6)[1:] == (FileKind.PDF, 2)
    with pytest.raises(ExtractionError) as typed:
        page_source(str(path), FileKind.EML, 5)
    assert typed.value.reason is ErrorReason.CORRUPT
    engine = Engine(ocr_config)
    try:
        for page, word in ((2, "ORCHIDEE"), (4, "VALMONT"), (7, "LAMBERT")):
            assert word in engine.recognise(page_image(str(path), FileKind.EML, page), page).text
    finally:
        engine.close()


def test_a_photo_attached_to_an_outlook_message_is_recognised(tmp_path: Path, ocr_config: OcrConfig) -> None:
    photo = io.BytesIO()
    render_page(["Plainte de M. Gérard PICHON."]).convert("RGB").save(photo, "JPEG", quality=90)
    streams = outlook_message("Plainte", "Voir la photo jointe.", attachments={"plainte.jpg": photo.getvalue()})
    path = write_cfb(tmp_path / "message.msg", streams)
    result = extractors.extract(path, FileKind.MSG)
    assert [p.label for p in result.pages] == ["", "pièce jointe : plainte.jpg"]
    assert result.ocr_pages == (2,)
    engine = Engine(ocr_config)
    try:
        assert "PICHON" in engine.recognise(page_image(str(path), FileKind.MSG, 2), 2).text
    finally:
        engine.close()


def test_a_gif_is_one_page_its_first_frame(tmp_path: Path) -> None:
    frames = [render_page([f"Image {n}"]).convert("P") for n in range(3)]
    path = tmp_path / "anime.gif"
    frames[0].save(path, "GIF", save_all=True, append_images=frames[1:])
    with Image.open(path) as image:
        assert image.n_frames == 3
    assert image_info(str(path)).frames == 1
    assert extractors.extract(path, FileKind.IMAGE).ocr_pages == (1,)
