"""OCR figures: character error rate (CER), and pages per minute through the indexing path beside the bare engine.

    .venv/bin/python -m bench.bench_ocr [--pages 24] [--speed-docs 12] [--options] [--out bench/results/ocr.json]
    .venv/bin/python -m bench --only ocr      (the suite's ``ocr`` part: the same figures in latest.json)

Pages come from the dev corpora (police_marseille and police_dev in ../shared/evaldata), typeset as
``../shared/tools/make_realcase.py`` typesets them (fpdf2, DejaVu Sans 11 pt, A4), page 1 of each document:

* clean: rendered at 300 dpi in grey, saved as an image-only PDF at 300 dpi (make_realcase's ``scan300``);
* degraded: rendered at 150 dpi, turned by up to ±2°, blurred (Gaussian 0.8), speckled (one pixel in 200 set to
  black, dark or mid grey), JPEG quality 35, saved as an image-only PDF at 150 dpi (make_realcase's ``scan_bad``).

The reference text is the typeset page's own text layer. CER = Levenshtein distance / reference length, after
NFC, typographic apostrophes written ``'`` and every run of white space written as one space (layout is not
counted). With ``--options``, options measured on the same pages (``OPTIONS``) beside what ships (the scan read at
its own resolution, 3×3 median filter, French model): without the median filter, with the page rendered at 300 dpi
whatever the scan's resolution, and with the French and English models together.

Speed: a folder of scanned PDFs (clean 300 dpi, every page of each document) indexed through a case session
(``CaseSession.index``, as ``arbiter index --no-semantic`` runs it) into a new case with 1, then 2 extraction
workers: pages/min of the OCR phase (wall clock, as the index report gives it) and the CPU time per page (the
workers' and the indexer's: what the pages would take on idle cores). Each run is preceded by its reference, in
the same run on the same pages: the bare engine (the page image and Tesseract, as a worker's page job reads it) in
as many processes, without the indexing around it; ``vs_engine`` is the indexing path's rate over the
reference's. The development machine is shared: the load average is recorded around each measure. Figures, not
tests.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageFilter

from bench.common import Span, load_average, machine, measured

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


def measure_cer(
    pages: Sequence[Page], log: Callable[[str], None], options: Sequence[tuple[str, str]] = OPTIONS
) -> list[dict[str, Any]]:
    from arbiter_desktop.config import paths
    from arbiter_desktop.ingest.ocr.engine import Engine, OcrConfig

    images = _option_images()
    rows = []
    for option, languages in options:
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


def speed_folder(count: int, folder: Path, max_pages: int | None = None) -> tuple[Path, list[tuple[Path, int]]]:
    """``count`` documents as clean 300 dpi scans (every page, or the first ``max_pages``): the folder and its pages
    as (PDF, page number)."""
    import pypdfium2 as pdfium

    source = folder / "scans"
    source.mkdir(parents=True, exist_ok=True)
    lines = (EVALDATA / CORPORA[0] / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    documents = random.Random(7).sample([json.loads(line) for line in lines], count)
    pages: list[tuple[Path, int]] = []
    for document in documents:
        pdf = pdfium.PdfDocument(typed_pdf(document))
        numbers = range(len(pdf) if max_pages is None else min(len(pdf), max_pages))
        images = [pdf[i].render(scale=300 / 72).to_pil().convert("L") for i in numbers]
        target = source / f"{document['id']}.pdf"
        images[0].save(target, "PDF", save_all=True, append_images=images[1:], resolution=300)
        pages += [(target, n + 1) for n in numbers]
        pdf.close()
    return source, pages


def _engine_share(pages: Sequence[tuple[str, int]]) -> int:
    """Recognise ``pages`` with the bare engine (one process of the reference): what a worker's page job does,
    without the indexing around it."""
    from arbiter_desktop.config import paths
    from arbiter_desktop.domain import FileKind
    from arbiter_desktop.ingest.ocr.engine import Engine, OcrConfig
    from arbiter_desktop.ingest.ocr.images import page_image

    engine = Engine(OcrConfig(str(paths.tessdata_dir()), "fra"))
    try:
        for path, page in pages:
            engine.recognise(page_image(path, FileKind.PDF, page), page)
    finally:
        engine.close()
    return len(pages)


def engine_reference(pages: Sequence[tuple[Path, int]], processes: int) -> dict[str, Any]:
    """The reference of the same run: the same pages read by the bare engine in ``processes`` processes started
    for it (each loads its models once, as a worker does), pages dealt out in turn."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    shares = [[(str(path), page) for path, page in pages[i::processes]] for i in range(processes)]
    context = multiprocessing.get_context("spawn")
    with measured() as span, ProcessPoolExecutor(processes, mp_context=context) as pool:  # joined before timed
        done = sum(pool.map(_engine_share, [s for s in shares if s]))
    return _speed_row("engine", processes, done, span.wall_s, span.child_cpu_s, span)


def indexing_run(source: Path, folder: Path, workers: int) -> dict[str, Any]:
    """The folder indexed into a new case through a case session, as ``arbiter index --no-semantic`` runs it,
    with ``workers`` extraction workers."""
    from arbiter_desktop import app
    from arbiter_desktop.config.settings import Settings

    case_dir = folder / f"case-{workers}-{time.monotonic_ns()}"
    with app.open_session(case_dir, create=True):
        pass
    app.save_case_settings(case_dir, Settings(workers=workers, semantic=False))
    own = time.process_time()
    with measured() as span, app.open_session(case_dir) as session:
        report = session.index([source], audit=False)
    cpu = span.child_cpu_s + time.process_time() - own  # the workers and the indexer itself
    row = _speed_row("indexing", workers, report.ocr.pages, report.ocr.seconds, cpu, span)
    row["index_wall_s"] = round(span.wall_s, 2)  # the whole run: text phase, OCR phase, commits
    row["ocr_cached"] = report.ocr.cached
    row["failed_pages"] = report.ocr.failed_pages
    return row


def _speed_row(path: str, workers: int, pages: int, wall_s: float, cpu_s: float, span: Span) -> dict[str, Any]:
    return {
        "path": path,
        "workers": workers,
        "pages": pages,
        "wall_s": round(wall_s, 2),
        "pages_per_minute": round(pages * 60 / wall_s, 1) if wall_s > 0 else 0.0,
        "cpu_s": round(cpu_s, 2),
        "cpu_s_per_page": round(cpu_s / pages, 3) if pages else None,
        # what ``workers`` idle cores would do at this CPU cost per page
        "pages_per_minute_idle_estimate": round(60 * workers * pages / cpu_s, 1) if cpu_s > 0 else None,
        "load_before": span.load_before,
        "load_after": span.load_after,
    }


def measure_speed(
    count: int, log: Callable[[str], None], workers: Sequence[int] = (1, 2), max_pages: int | None = None
) -> dict[str, Any]:
    """Pages per minute through the indexing path with each number of ``workers``, each beside the bare engine
    in as many processes on the same pages, measured just before it (the reference of the same run)."""
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        source, pages = speed_folder(count, Path(tmp), max_pages)
        log(f"speed: {len(pages)} pages of {count} documents scanned at 300 dpi")
        for n in workers:
            for row in (engine_reference(pages, n), indexing_run(source, Path(tmp), n)):
                rows.append(row)
                log(
                    f"{row['path']:<8} {n} process(es): {row['pages']} pages in {row['wall_s']:.1f} s = "
                    f"{row['pages_per_minute']:.1f} pages/min; {row['cpu_s_per_page']} s of CPU per page "
                    f"(load {row['load_before'][:1]})"
                )
            indexing, engine = rows[-1], rows[-2]
            reference = engine["pages_per_minute"]
            indexing["vs_engine"] = round(indexing["pages_per_minute"] / reference, 3) if reference else None
    recognised = {r["pages"] for r in rows}
    if recognised != {len(pages)}:
        log(f"warning: pages recognised {sorted(recognised)}, expected {len(pages)} in every run")
    return {"documents": count, "pages": len(pages), "rows": rows}


def cer_summary(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The shipped configuration's mean CER per form (clean, degraded)."""
    shipped = [r for r in rows if r["option"] == "shipped" and r["languages"] == "fra"]
    return {r["form"]: r["cer_mean"] for r in shipped} | {"pages": shipped[0]["pages"] if shipped else 0}


def run(
    pages: int,
    speed_docs: int,
    log: Callable[[str], None],
    all_options: bool = False,
    workers: Sequence[int] = (1, 2),
    max_pages: int | None = None,
    cache: Path = CACHE,
) -> dict[str, Any]:
    """The OCR figures: CER (the shipped configuration, or every option of ``OPTIONS``) on ``pages`` pages, and
    the speed of ``speed_docs`` scanned documents (see the module's doc). 0 skips a part."""
    result: dict[str, Any] = {"machine": machine(), "load_before": load_average()}
    if pages:
        options = OPTIONS if all_options else OPTIONS[:1]
        result["cer"] = measure_cer(make_pages(pages, cache), log, options)
        result["cer_summary"] = cer_summary(result["cer"])
    if speed_docs:
        result["speed"] = measure_speed(speed_docs, log, workers, max_pages)
    result["load_after"] = load_average()
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=24, help="pages for the CER (half from each corpus; 0: skip)")
    parser.add_argument("--speed-docs", type=int, default=12, help="documents scanned for the speed (0: skip)")
    parser.add_argument("--options", action="store_true", help="CER of every option, not only what ships")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ocr.json")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    result = run(args.pages, args.speed_docs, log, all_options=args.options)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
