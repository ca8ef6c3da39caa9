"""OCR figures: character error rate (CER) per option, and pages per minute through the indexing path.

    .venv/bin/python -m bench.bench_ocr [--pages 24] [--speed-docs 12] [--out bench/results/ocr.json]

Pages come from the dev corpora (police_marseille and police_dev in ../shared/evaldata), typeset as
``../shared/tools/make_realcase.py`` typesets them (fpdf2, DejaVu Sans 11 pt, A4), page 1 of each document:

* clean: rendered at 300 dpi in grey, saved as an image-only PDF at 300 dpi (make_realcase's ``scan300``);
* degraded: rendered at 150 dpi, turned by up to ±2°, blurred (Gaussian 0.8), speckled (one pixel in 200 set to
  black, dark or mid grey), JPEG quality 35, saved as an image-only PDF at 150 dpi (make_realcase's ``scan_bad``).

The reference text is the typeset page's own text layer. CER = Levenshtein distance / reference length, after
NFC, typographic apostrophes written ``'`` and every run of white space written as one space (layout is not
counted). Options measured on the same pages (``OPTIONS``): what ships (the scan read at its own resolution,
3×3 median filter, French model), without the median filter, with the page rendered at 300 dpi whatever the
scan's resolution, and with the French and English models together.

Speed: a folder of scanned PDFs (clean 300 dpi, every page of each document) indexed through a case session
(``CaseSession.index``, as the CLI runs it) into a new case, full text only (no embedding), with 1 then 2 extraction
workers; pages/min of the OCR phase as the index report gives it, and the workers' CPU time per page (what the
pages would take on idle cores: the development machine is shared, its load average is recorded). Figures, not tests.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import resource
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageFilter

from bench.common import load_average, machine

ROOT = Path(__file__).resolve().parents[1]
EVALDATA = ROOT.parent / "shared" / "evaldata"
CORPORA = ("police_marseille", "police_dev")
FONT = ROOT / "resources" / "fonts" / "DejaVuSans.ttf"
CACHE = ROOT / "bench" / ".cache" / "ocr"


def text_of(document: dict[str, str]) -> str:
    return ((document.get("title") or "") + "\n\n" + document["text"]).strip()


def typed_pdf(document: dict[str, str]) -> bytes:
    """As make_realcase.py typesets a document."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(True, 15)
    pdf.add_page()
    pdf.add_font("dv", "", str(FONT))
    pdf.set_font("dv", size=11)
    pdf.multi_cell(0, 6, "".join(ch for ch in text_of(document) if ord(ch) < 0x2600))
    return bytes(pdf.output())


def degrade(image: Image.Image, rng: random.Random) -> Image.Image:
    """As make_realcase.py degrades a scan."""
    image = image.rotate(rng.uniform(-2, 2), expand=True, fillcolor=255).filter(ImageFilter.GaussianBlur(0.8))
    pixels = image.load()
    assert pixels is not None
    width, height = image.size
    for _ in range(width * height // 200):
        pixels[rng.randrange(width), rng.randrange(height)] = rng.choice((0, 90, 180))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=35)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L")


@dataclass(frozen=True)
class Page:
    name: str
    truth: str
    clean: Path  # image-only PDF, 300 dpi
    degraded: Path  # image-only PDF, 150 dpi


def make_pages(count: int, folder: Path) -> list[Page]:
    """Page 1 of ``count`` documents drawn evenly from the dev corpora (cached in ``folder``)."""
    import pypdfium2 as pdfium

    folder.mkdir(parents=True, exist_ok=True)
    documents: list[dict[str, str]] = []
    for corpus in CORPORA:
        lines = (EVALDATA / corpus / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
        documents += random.Random(5).sample([json.loads(line) for line in lines], count // len(CORPORA))
    rng = random.Random(11)
    pages = []
    for document in documents:
        name = document["id"]
        page = Page(name, "", folder / f"{name}_clean.pdf", folder / f"{name}_degraded.pdf")
        truth_file = folder / f"{name}.txt"
        if not truth_file.exists():
            pdf = pdfium.PdfDocument(typed_pdf(document))
            first = pdf[0]
            textpage = first.get_textpage()
            truth_file.write_text(textpage.get_text_range(), encoding="utf-8")
            textpage.close()
            clean = first.render(scale=300 / 72).to_pil().convert("L")
            clean.save(page.clean, "PDF", resolution=300)
            degrade(first.render(scale=150 / 72).to_pil().convert("L"), rng).save(page.degraded, "PDF", resolution=150)
            first.close()
            pdf.close()
        pages.append(Page(name, truth_file.read_text(encoding="utf-8"), page.clean, page.degraded))
    return pages


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip()


def cer(truth: str, read: str) -> float:
    from rapidfuzz.distance import Levenshtein

    reference = normalise(truth)
    return float(Levenshtein.distance(reference, normalise(read))) / max(1, len(reference))


def _option_images() -> dict[str, Callable[[Path], Image.Image]]:
    from arbiter_desktop.domain import FileKind
    from arbiter_desktop.ingest.ocr.images import page_image, pdf_page

    def shipped(path: Path) -> Image.Image:
        return page_image(str(path), FileKind.PDF, 1)

    def no_median(path: Path) -> Image.Image:
        return pdf_page(str(path), 1)

    def at_300(path: Path) -> Image.Image:
        return pdf_page(str(path), 1, dpi=300).filter(ImageFilter.MedianFilter(3))

    return {"shipped": shipped, "no median filter": no_median, "rendered at 300 dpi": at_300}


OPTIONS = (
    ("shipped", "fra"),
    ("no median filter", "fra"),
    ("rendered at 300 dpi", "fra"),
    ("shipped", "fra+eng"),
)


def measure_cer(pages: Sequence[Page], log: Callable[[str], None]) -> list[dict[str, Any]]:
    from arbiter_desktop.config import paths
    from arbiter_desktop.ingest.ocr.engine import Engine, OcrConfig

    images = _option_images()
    rows = []
    for option, languages in OPTIONS:
        engine = Engine(OcrConfig(str(paths.tessdata_dir()), languages))
        for form in ("clean", "degraded"):
            errors, seconds, cpu = [], 0.0, 0.0
            for page in pages:
                started, started_cpu = time.perf_counter(), time.process_time()
                read = engine.recognise(images[option](page.clean if form == "clean" else page.degraded), 1)
                seconds += time.perf_counter() - started
                cpu += time.process_time() - started_cpu
                errors.append(cer(page.truth, read.text))
            row = {
                "option": option,
                "languages": languages,
                "form": form,
                "pages": len(pages),
                "cer_mean": sum(errors) / len(errors),
                "cer_median": sorted(errors)[len(errors) // 2],
                "cer_max": max(errors),
                "seconds_per_page": seconds / len(pages),
                "cpu_seconds_per_page": cpu / len(pages),
            }
            log(
                f"{option:<22} {languages:<8} {form:<9} CER mean {row['cer_mean']:.2%} median {row['cer_median']:.2%}"
                f" max {row['cer_max']:.2%}  {row['seconds_per_page']:.2f} s/page ({row['cpu_seconds_per_page']:.2f}"
                " s of CPU)"
            )
            rows.append(row)
        engine.close()
    return rows


def speed_folder(count: int, folder: Path) -> tuple[Path, int]:
    """``count`` documents as clean 300 dpi scans (every page); the folder and its number of pages."""
    import pypdfium2 as pdfium

    source = folder / "scans"
    source.mkdir(parents=True, exist_ok=True)
    lines = (EVALDATA / CORPORA[0] / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    documents = random.Random(7).sample([json.loads(line) for line in lines], count)
    total = 0
    for document in documents:
        pdf = pdfium.PdfDocument(typed_pdf(document))
        images = [pdf[i].render(scale=300 / 72).to_pil().convert("L") for i in range(len(pdf))]
        total += len(images)
        images[0].save(source / f"{document['id']}.pdf", "PDF", save_all=True, append_images=images[1:], resolution=300)
        pdf.close()
    return source, total


def measure_speed(count: int, log: Callable[[str], None]) -> list[dict[str, Any]]:
    from arbiter_desktop import app
    from arbiter_desktop.config.settings import Settings

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        source, pages = speed_folder(count, Path(tmp))
        for workers in (1, 2):
            case_dir = Path(tmp) / f"case-{workers}"
            with app.open_session(case_dir, create=True):
                pass
            app.save_case_settings(case_dir, Settings(workers=workers, semantic=False))
            before = load_average()
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            with app.open_session(case_dir) as session:
                report = session.index([source], audit=False)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
            rate = report.ocr.pages * 60 / report.ocr.seconds if report.ocr.seconds else 0.0
            rows.append(
                {
                    "workers": workers,
                    "documents": count,
                    "pages": report.ocr.pages,
                    "ocr_seconds": report.ocr.seconds,
                    "pages_per_minute": rate,
                    # the workers' CPU time (text extraction and OCR): what idle cores would take
                    "worker_cpu_seconds_per_page": cpu / max(1, report.ocr.pages),
                    "pages_per_minute_idle_estimate": 60 * workers * report.ocr.pages / cpu if cpu else 0.0,
                    "load_before": before,
                    "load_after": load_average(),
                }
            )
            log(
                f"{workers} worker(s): {report.ocr.pages} pages in {report.ocr.seconds:.1f} s = {rate:.1f} pages/min; "
                f"workers' CPU {cpu / max(1, report.ocr.pages):.2f} s/page (load {before[0]:.1f})"
            )
        assert all(r["pages"] == pages for r in rows), (pages, rows)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=24, help="pages for the CER (half from each corpus)")
    parser.add_argument("--speed-docs", type=int, default=12, help="documents scanned for the speed (0: skip)")
    parser.add_argument("--skip-cer", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ocr.json")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    result: dict[str, Any] = {"machine": machine(), "load_before": load_average()}
    if not args.skip_cer:
        result["cer"] = measure_cer(make_pages(args.pages, CACHE), log)
    if args.speed_docs:
        result["speed"] = measure_speed(args.speed_docs, log)
    result["load_after"] = load_average()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
