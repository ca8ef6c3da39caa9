"""detect_kind: content first, extension only among plain-text kinds."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from odf.opendocument import OpenDocumentText
from odf.text import P

from arbiter_desktop.domain import FileKind
from arbiter_desktop.ingest.filetypes import HEAD_BYTES, decode_text, detect_kind, detect_kind_bytes

Untouched = Callable[[Path], AbstractContextManager[None]]
FRENCH = "Le témoin déclare : « l'œuvre était à côté du garçon », précise l'enquêteur.\n"


def _pdf_bytes() -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("Helvetica", size=12)
    document.cell(text="Procès-verbal")
    return bytes(document.output())


def _docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Rapport d'enquête")
    document.save(str(path))
    return path


def _odt(path: Path) -> Path:
    document = OpenDocumentText()
    document.text.addElement(P(text="Rapport d'enquête"))
    document.save(str(path))
    return path


@pytest.mark.parametrize("name", ["scan.pdf", "notes.txt", "sans-extension"])
def test_pdf_is_pdf_whatever_its_name(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(_pdf_bytes())
    assert detect_kind(path) is FileKind.PDF


def test_pdf_after_leading_junk(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"\x00garbage\r\n" * 50 + _pdf_bytes())
    assert detect_kind(path) is FileKind.PDF


def test_zip_containers(tmp_path: Path) -> None:
    assert detect_kind(_docx(tmp_path / "rapport.docx")) is FileKind.DOCX
    assert detect_kind(_docx(tmp_path / "rapport.bin")) is FileKind.DOCX
    assert detect_kind(_odt(tmp_path / "rapport.odt")) is FileKind.ODT
    other = tmp_path / "archive.docx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("notes.txt", FRENCH)
    assert detect_kind(other) is FileKind.ZIP  # an archive: its members are documents (ingest/containers)


def test_zip_bytes_whole_and_truncated(tmp_path: Path) -> None:
    odt = _odt(tmp_path / "a.odt").read_bytes()
    docx_bytes = _docx(tmp_path / "a.docx").read_bytes()
    assert detect_kind_bytes(odt, "pj") is FileKind.ODT
    assert detect_kind_bytes(docx_bytes, "pj") is FileKind.DOCX
    assert detect_kind_bytes(odt[:200], "pj") is FileKind.ODT  # central directory missing: local headers
    assert detect_kind_bytes(b"PK\x03\x04" + bytes(100), "x.docx") is FileKind.ZIP  # the reader says it is damaged


def test_rtf_html_and_mail(tmp_path: Path) -> None:
    samples = {
        "a.doc": (b"{\\rtf1\\ansi Proc\\'e8s}", FileKind.RTF),
        "page.txt": (b"<!DOCTYPE html><html><body><p>Bonjour</p></body></html>", FileKind.HTML),
        "page2": (b"  <html lang='fr'><p>Bonjour</p></html>", FileKind.HTML),
        "fragment": (b"<div><p>Bonjour</p><p>encore</p><br></div>", FileKind.HTML),
        "message.txt": (
            b"Received: from mx\r\nFrom: a@example.fr\r\nTo: b@example.fr\r\nSubject: Audition\r\n"
            b" suite\r\n\r\nBonjour",
            FileKind.EML,
        ),
        "boite": (
            b"From a@example.fr Mon Mar 11 10:00:00 2024\nFrom: a@example.fr\nSubject: x\n\nCorps\n",
            FileKind.MBOX,
        ),
        "note.txt": (b"Note: une seule ligne d'en-t\xc3\xaate\nDate: hier\n\ntexte", FileKind.TEXT),
        "from.txt": (b"From the start of the inquiry\nthe witness said", FileKind.TEXT),
    }
    for name, (content, kind) in samples.items():
        path = tmp_path / name
        path.write_bytes(content)
        assert detect_kind(path) is kind, name


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("notes.txt", FileKind.TEXT),
        ("README.md", FileKind.MARKDOWN),
        ("export.csv", FileKind.CSV),
        ("export.TSV", FileKind.CSV),
        ("sans-extension", FileKind.TEXT),
    ],
)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_text_encodings_and_extensions(tmp_path: Path, name: str, kind: FileKind, encoding: str) -> None:
    path = tmp_path / name
    path.write_bytes(FRENCH.encode(encoding))
    assert detect_kind(path) is kind


def test_binary_is_never_text(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(random.Random(42).randbytes(5000))
    png = tmp_path / "photo.md"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    elf = tmp_path / "program.csv"
    elf.write_bytes(b"\x7fELF\x02\x01\x01" + random.Random(1).randbytes(300))
    assert detect_kind(garbage) is FileKind.UNKNOWN
    assert detect_kind(png) is FileKind.IMAGE  # an image (for OCR) whatever its name, never text
    assert detect_kind(elf) is FileKind.UNKNOWN
    gif = tmp_path / "scan.txt"
    gif.write_bytes(b"GIF89a" + bytes(200))  # its header is ASCII: still an image
    assert detect_kind(gif) is FileKind.IMAGE


def test_only_the_head_is_read(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(FRENCH.encode() * (2 * HEAD_BYTES // len(FRENCH)) + b"\x00" * 1000)
    assert detect_kind(path) is FileKind.TEXT


def test_detection_leaves_the_file_untouched(tmp_path: Path, untouched: Untouched) -> None:
    path = _docx(tmp_path / "rapport.docx")
    with untouched(path):
        detect_kind(path)


def test_decode_text() -> None:
    assert decode_text(FRENCH.encode("cp1252")) == FRENCH
    assert decode_text(FRENCH.encode("utf-16")) == FRENCH
    assert decode_text(FRENCH.encode("utf-16-le")) == FRENCH  # no BOM
    assert decode_text(FRENCH.encode("utf-8-sig")) == FRENCH
    assert decode_text("Procès-verbal, été".encode("cp850")) == "Procès-verbal, été"
    assert decode_text(io.BytesIO(b"plain ascii").getvalue()) == "plain ascii"
