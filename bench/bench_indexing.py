"""Indexing throughput on codes_penal_cpp written out as files, beside a reference run in the same process.

The reference is the floor of the same work: the same texts added straight to a tantivy index with the same
French analyzer, with no discovery, hashing, extraction processes, chunking or catalog. The ratio tells what
the pipeline costs on top of the full-text index itself.

    .venv/bin/python -m bench.bench_indexing [--corpus ../shared/evaldata/codes_penal_cpp]

Also the corpus writers the other benchmarks share: :func:`write_files` (one text file per document) and
:func:`write_documents` (PDF, DOCX, ODT and TXT files, for the comparison with Recoll in bench/bench_recoll.py).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from arbiter_desktop.config.settings import Settings
from arbiter_desktop.indexing.job import Indexer
from arbiter_desktop.stores.case import Case
from arbiter_desktop.stores.lexical import ChunkRecord, LexicalStore

ROOT = Path(__file__).resolve().parents[1]


KINDS = ("pdf", "docx", "odt", "txt")
FONT = ROOT / "resources" / "fonts" / "DejaVuSans.ttf"


@dataclass(frozen=True, slots=True)
class SourceDocument:
    title: str
    text: str


def read_corpus(corpus: Path) -> list[SourceDocument]:
    """The documents of a BEIR ``corpus.jsonl``."""
    documents = []
    for line in corpus.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        documents.append(SourceDocument(str(doc.get("title") or ""), str(doc["text"])))
    return documents


def write_files(corpus: Path, folder: Path) -> tuple[list[str], int]:
    """One UTF-8 text file per document of ``corpus``: (the texts, their size in bytes)."""
    texts: list[str] = []
    folder.mkdir(parents=True)
    for number, doc in enumerate(read_corpus(corpus)):
        text = f"{doc.title}\n\n{doc.text}"
        (folder / f"{number:05d}.txt").write_text(text, encoding="utf-8")
        texts.append(text)
    return texts, sum(len(t.encode("utf-8")) for t in texts)


def _write_pdf(path: Path, doc: SourceDocument) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(FONT))  # an embedded TrueType font, as office suites write them
    pdf.set_font("DejaVu", size=11)
    pdf.set_title(doc.title)
    pdf.add_page()
    pdf.multi_cell(0, 6, f"{doc.title}\n\n{doc.text}")
    pdf.output(str(path))


def _write_docx(path: Path, doc: SourceDocument) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = doc.title
    document.add_heading(doc.title, level=1)
    for paragraph in doc.text.split("\n"):
        document.add_paragraph(paragraph)
    document.save(str(path))


def _write_odt(path: Path, doc: SourceDocument) -> None:
    from odf import dc
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text=doc.title))
    document.text.addElement(H(outlinelevel=1, text=doc.title))
    for paragraph in doc.text.split("\n"):
        document.text.addElement(P(text=paragraph))
    document.save(str(path))


def _write_txt(path: Path, doc: SourceDocument) -> None:
    path.write_text(f"{doc.title}\n\n{doc.text}", encoding="utf-8")


WRITERS = {"pdf": _write_pdf, "docx": _write_docx, "odt": _write_odt, "txt": _write_txt}


@dataclass(frozen=True, slots=True)
class Written:
    """A folder of documents: how many files of each kind, their bytes on disk and the bytes of their text."""

    folder: Path
    files: dict[str, int]
    file_bytes: int
    text_bytes: int

    @property
    def count(self) -> int:
        return sum(self.files.values())


def write_documents(corpora: Sequence[Path], folder: Path, kinds: Sequence[str] = KINDS) -> Written:
    """Every document of ``corpora`` as one file, the kinds in turn (PDF with an embedded font, DOCX, ODT,
    UTF-8 text), each holding the title then the text. Writes into ``folder`` (created) only if it does not
    hold a complete set already (``<folder>.json`` beside it, written last): the set can be kept between runs."""
    manifest = folder.parent / f"{folder.name}.json"
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("kinds") == list(kinds) and data.get("corpora") == [str(c) for c in corpora]:
            return Written(folder, dict(data["files"]), int(data["file_bytes"]), int(data["text_bytes"]))
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    files = dict.fromkeys(kinds, 0)
    text_bytes = 0
    documents = [doc for corpus in corpora for doc in read_corpus(corpus)]
    for number, doc in enumerate(documents):
        kind = kinds[number % len(kinds)]
        WRITERS[kind](folder / f"{number:05d}.{kind}", doc)
        files[kind] += 1
        text_bytes += len(f"{doc.title}\n\n{doc.text}".encode())
    file_bytes = sum(p.stat().st_size for p in folder.iterdir() if p.suffix.lstrip(".") in kinds)
    data = {
        "kinds": list(kinds),
        "corpora": [str(c) for c in corpora],
        "files": files,
        "file_bytes": file_bytes,
        "text_bytes": text_bytes,
    }
    manifest.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return Written(folder, files, file_bytes, text_bytes)


def reference(texts: list[str], folder: Path) -> float:
    store = LexicalStore(folder)
    started = time.perf_counter()
    store.open_writer()
    store.add_chunks(ChunkRecord(i, i, str(i), t, "", [f"/{i}.txt"], "text", None) for i, t in enumerate(texts))
    store.close_writer()
    return time.perf_counter() - started


def pipeline(folder: Path, case_dir: Path, workers: int) -> tuple[float, int, int]:
    case = Case.open(case_dir, create=True, settings=Settings(workers=workers))
    started = time.perf_counter()
    report = Indexer(case).run([folder])
    elapsed = time.perf_counter() - started
    case.close()
    return elapsed, report.documents, report.chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/evaldata/codes_penal_cpp")
    parser.add_argument("--workers", type=int, default=Settings().workers)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        texts, size = write_files(args.corpus / "corpus.jsonl", root / "files")
        ref_s = reference(texts, root / "ref")
        run_s, documents, chunks = pipeline(root / "files", root / "case", args.workers)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"machine: {platform.processor() or platform.machine()}, {platform.python_version()}")
    print(f"corpus: {len(texts)} files, {size / 1e6:.1f} MB of text → {documents} documents, {chunks} chunks")
    print(f"{'run':<34}{'seconds':>9}{'docs/s':>10}{'MB/s':>8}")
    print(f"{'reference: tantivy alone':<34}{ref_s:>9.2f}{len(texts) / ref_s:>10.0f}{size / 1e6 / ref_s:>8.2f}")
    label = f"arbiter index ({args.workers} workers)"
    print(f"{label:<34}{run_s:>9.2f}{len(texts) / run_s:>10.0f}{size / 1e6 / run_s:>8.2f}")
    print(f"pipeline / reference time: {run_s / ref_s:.1f}x; peak RSS {rss_mb:.0f} MB (workers {child_mb:.0f} MB)")


if __name__ == "__main__":
    main()
