"""Page images for OCR: EXIF orientation, multi-page TIFF, PDF scans at their own resolution, and the limits that
refuse decompression bombs before any pixel is decoded."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from scans import render_page, scanned_pdf

from arbiter_desktop.domain import ErrorReason, ExtractionError, FileKind
from arbiter_desktop.ingest.filetypes import detect_kind
from arbiter_desktop.ingest.ocr import images
from arbiter_desktop.ingest.ocr.images import image_frame, image_info, page_image, pdf_page


def _png_header_only(path: Path, width: int, height: int) -> Path:
    """A tiny PNG whose header declares ``width`` × ``height`` pixels (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "fmt,suffix", [("JPEG", ".jpg"), ("PNG", ".png"), ("TIFF", ".tif"), ("BMP", ".bmp"), ("WEBP", ".webp")]
)
def test_images_are_detected_by_content(tmp_path: Path, fmt: str, suffix: str) -> None:
    path = tmp_path / f"photo{suffix}.dat"  # the name says nothing
    render_page(["PV"]).convert("RGB").save(path, fmt)
    assert detect_kind(path) is FileKind.IMAGE
    assert image_info(str(path)).frames == 1


def test_a_text_starting_with_bm_is_not_a_bitmap(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("BMW série 3 immatriculée AB-123-CD, vue le 14 mars.", encoding="utf-8")
    assert detect_kind(path) is FileKind.TEXT


def test_exif_orientation_is_honoured(tmp_path: Path) -> None:
    upright = render_page(["Procès-verbal"], width=800)
    stored = upright.rotate(90, expand=True)  # as the sensor saw it; EXIF 6 says: turn 90° clockwise to show it
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "photo.jpg"
    stored.convert("RGB").save(path, "JPEG", exif=exif.tobytes())
    frame = image_frame(str(path), 1)
    assert frame.size == upright.size


def test_multi_page_tiff(tmp_path: Path) -> None:
    path = tmp_path / "scelle.tif"
    pages = [render_page([f"page {n}"], width=600) for n in (1, 2, 3)]
    pages[0].save(path, "TIFF", save_all=True, append_images=pages[1:])
    assert image_info(str(path)).frames == 3
    assert image_frame(str(path), 3).size == pages[2].size
    with pytest.raises(ExtractionError) as missing:
        image_frame(str(path), 4)
    assert missing.value.reason is ErrorReason.CORRUPT


def test_a_decompression_bomb_is_refused_from_its_header(tmp_path: Path) -> None:
    bomb = _png_header_only(tmp_path / "bomb.png", 100_000, 100_000)  # 10 gigapixels declared, 100 bytes on disk
    assert bomb.stat().st_size < 200
    for read in (lambda: image_info(str(bomb)), lambda: image_frame(str(bomb), 1)):
        with pytest.raises(ExtractionError) as refused:
            read()
        assert refused.value.reason is ErrorReason.TOO_LARGE
        assert "megapixels" in refused.value.message


def _tiff_header_only(path: Path, width: int, height: int) -> Path:
    """A little-endian TIFF whose one IFD declares ``width`` × ``height`` grey pixels in one (absent) strip."""
    entries = [
        (256, 4, 1, width),  # ImageWidth, LONG
        (257, 4, 1, height),  # ImageLength
        (258, 3, 1, 8),  # BitsPerSample
        (259, 3, 1, 1),  # Compression: none
        (262, 3, 1, 1),  # PhotometricInterpretation: black is zero
        (273, 4, 1, 8),  # StripOffsets
        (277, 3, 1, 1),  # SamplesPerPixel
        (278, 4, 1, height),  # RowsPerStrip
        (279, 4, 1, width * height % 2**32),  # StripByteCounts
    ]
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        ifd += struct.pack("<HHI", tag, kind, count) + (
            struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        )
    ifd += struct.pack("<I", 0)
    path.write_bytes(b"II*\x00" + struct.pack("<I", 8) + ifd)
    return path


def test_a_huge_tiff_is_refused_from_its_header(tmp_path: Path) -> None:
    """A TIFF declaring 2 gigapixels (a 2 GB scan): a clear error, no pixel decoded."""
    tiff = _tiff_header_only(tmp_path / "scelle.tif", 50_000, 40_000)
    assert detect_kind(tiff) is FileKind.IMAGE
    with pytest.raises(ExtractionError) as refused:
        image_info(str(tiff))
    assert refused.value.reason is ErrorReason.TOO_LARGE and "2000 megapixels" in refused.value.message


def test_a_damaged_image_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + bytes(300))
    with pytest.raises(ExtractionError) as damaged:
        image_info(str(path))
    assert damaged.value.reason is ErrorReason.CORRUPT


def test_a_pdf_scan_is_rendered_at_its_own_resolution(tmp_path: Path) -> None:
    scan = render_page(["Procès-verbal"], width=1200)
    low = scanned_pdf(tmp_path / "scan150.pdf", [scan], dpi=150)
    high = scanned_pdf(tmp_path / "scan600.pdf", [scan], dpi=600)
    assert abs(pdf_page(str(low), 1).width - scan.width) <= 2  # 150 dpi: its own pixels, not blown up to 300
    assert abs(pdf_page(str(high), 1).width - scan.width // 2) <= 2  # 600 dpi: read at 300
    assert page_image(str(low), FileKind.PDF, 1).mode == "L"


def test_a_huge_pdf_page_is_rendered_within_the_pixel_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(14_400, 14_400))  # a 200-inch square page: 3.7 gigapixels at 300 dpi
    pdf.add_page()
    path = tmp_path / "poster.pdf"
    path.write_bytes(bytes(pdf.output()))
    image = pdf_page(str(path), 1)
    assert image.width * image.height <= images.MAX_RENDER_PIXELS * 1.01
