"""Pages of text rendered as images, scanned PDFs and photos, made in the tests (no binary fixture)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from arbiter_desktop.config import paths

FONT = paths.resources_dir() / "fonts" / "DejaVuSans.ttf"


def render_page(lines: Sequence[str], width: int = 1400, font_size: int = 34, margin: int = 60) -> Image.Image:
    """Lines of text drawn black on white, as a scan at about 300 dpi of 11-point text would show them."""
    font = ImageFont.truetype(str(FONT), font_size)
    step = int(font_size * 1.6)
    image = Image.new("L", (width, 2 * margin + step * max(1, len(lines))), 255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((margin, margin + number * step), line, font=font, fill=0)
    return image


def scanned_pdf(path: Path, pages: Sequence[Image.Image], dpi: int = 300) -> Path:
    """An image-only PDF (no text layer), one image per page, as a scanner writes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    first, *rest = [p.convert("L") for p in pages]
    first.save(path, "PDF", save_all=True, append_images=rest, resolution=dpi)
    return path


def typed_and_scanned_pdf(path: Path, typed: str, scan: Image.Image) -> Path:
    """A PDF whose page 1 has a text layer and page 2 is a scan."""
    import pypdfium2 as pdfium
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("dv", "", str(FONT))
    pdf.set_font("dv", size=12)
    pdf.multi_cell(0, 6, typed)
    typed_doc = pdfium.PdfDocument(bytes(pdf.output()))
    scan_path = scanned_pdf(path.with_suffix(".scan.pdf"), [scan])
    scan_doc = pdfium.PdfDocument(str(scan_path))
    typed_doc.import_pages(scan_doc)
    typed_doc.save(str(path))
    scan_doc.close()
    typed_doc.close()
    scan_path.unlink()
    return path
