"""`arbiter selftest` (in the offline bundle: `ArbiterDesktop --selftest`): checks an installation end to end.

Everything happens in a temporary folder (the user's cases, recent cases and settings are not touched), with no
network: the bundled resources, the default model and the OCR models are found (and the models checked against
``models/SHA256SUMS`` when the folder has one), the demo documents are indexed into a new case by the indexing
process with its extraction workers, as the desktop app does (the scanned PV of the demo case through OCR), the
case is searched in full-text mode (a typed and the scanned document), and in hybrid mode,
the hybrid hits are exported to PDF, and the window opens offscreen on the case, searches, is drawn and closes.

One line per step, with its time; the exit code is 0 only if every step passed. A step that fails names what
went wrong; the steps that depend on it are skipped.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from arbiter_desktop import __version__, app
from arbiter_desktop.config import paths
from arbiter_desktop.config.models import DEFAULT_EMBEDDER, resolve_embedder
from arbiter_desktop.domain import SearchMode, SearchRequest, SearchResult
from arbiter_desktop.embedding.llama_backend import ensure_cpu_backend
from arbiter_desktop.entities import EntityType
from arbiter_desktop.indexing import process
from arbiter_desktop.indexing.job import IndexReport, Progress
from arbiter_desktop.ingest.ocr.engine import OcrConfig, OcrUnavailable
from arbiter_desktop.ingest.ocr.engine import check_models as check_ocr_models
from arbiter_desktop.search.expansion import default_lexicon, lexicon_files
from arbiter_desktop.search.ranker import RankerError, shipped_ranker
from arbiter_desktop.session import CaseSession

SHA256SUMS = "SHA256SUMS"  # in models/: `sha256sum` lines ("<hex>  <file name>"), written by installer/build.py
INDEX_TIMEOUT_S = 1800.0
GUI_TIMEOUT_S = 300.0

# Queries with the demo document they must find among the first hits (the demo case is fixed: resources/demo).
LEXICAL_QUERY = ("GAV prolongée FERRAND", "2024-03-14_PV_prolongation_GAV_FERRAND.odt")
HYBRID_QUERY = ("message insultant envers les policiers", "2024-03-13_extraction_SMS_telephone_FERRAND.csv")
# A scanned PV of the demo case (an image-only PDF): found only through the text OCR recognised in it.
# A person the demo names in several documents and forms, found by the names phase (French NER model and rules)
DEMO_PERSON = "dylan ferrand"
OCR_QUERY = ("caméra numéro 7 batte de base-ball", "2024-03-05_PV_exploitation_videosurveillance_gare_scanne.pdf")
EXPECTED_RANK = 5


class StepFailed(Exception):
    """A check that did not hold; the message says which."""


@dataclass
class StepOutcome:
    name: str
    status: str  # "ok", "FAIL" or "skip"
    seconds: float
    detail: str


@dataclass
class SelfTest:
    """The checks, run in order in ``work`` (a folder of their own)."""

    work: Path
    out: TextIO = sys.stdout
    on_progress: Callable[[Progress], None] | None = None
    outcomes: list[StepOutcome] = field(default_factory=list)
    case_dir: Path = field(init=False)
    _hybrid: tuple[SearchRequest, SearchResult] | None = field(default=None, init=False)
    _open: CaseSession | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.case_dir = self.work / "case"

    def run(self) -> int:
        started = time.monotonic()
        frozen = "offline bundle" if getattr(sys, "frozen", False) else "from source"
        self.out.write(f"Arbiter Desktop {__version__} self-test ({frozen}: {sys.executable})\n")
        self.out.write(f"  resources {paths.resources_dir()}\n  models    {paths.models_dir()}\n")
        self.out.write(f"  work      {self.work}\n")
        self.out.flush()
        steps: list[tuple[str, Callable[[], str], tuple[str, ...]]] = [
            ("resources", self.check_resources, ()),
            ("models", self.check_models, ()),
            ("index", self.check_index, ("resources", "models")),
            ("search lexical", self.check_lexical, ("index",)),
            ("search ocr", self.check_ocr, ("index",)),
            ("names", self.check_names, ("index",)),
            ("search hybrid", self.check_hybrid, ("index",)),
            ("export pdf", self.check_export, ("search hybrid",)),
            ("gui offscreen", self.check_gui, ("index",)),
        ]
        with _environment(ARBITER_DATA_DIR=str(self.work / "data"), ARBITER_NAMES="1"):
            try:
                for name, check, needs in steps:
                    self._step(name, check, needs)
            finally:
                if self._open is not None:
                    self._open.close()
        passed = sum(o.status == "ok" for o in self.outcomes)
        total = time.monotonic() - started
        if passed == len(self.outcomes):
            self.out.write(f"selftest passed: {passed}/{len(self.outcomes)} steps in {total:.1f} s\n")
            return 0
        failed = ", ".join(o.name for o in self.outcomes if o.status == "FAIL")
        self.out.write(
            f"selftest FAILED: {passed}/{len(self.outcomes)} steps passed in {total:.1f} s (failed: {failed})\n"
        )
        return 1

    def _step(self, name: str, check: Callable[[], str], needs: Sequence[str]) -> None:
        done = {o.name for o in self.outcomes if o.status == "ok"}
        missing = [n for n in needs if n not in done]
        started = time.monotonic()
        if missing:
            outcome = StepOutcome(name, "skip", 0.0, f"needs {', '.join(missing)}")
        else:
            try:
                outcome = StepOutcome(name, "ok", 0.0, check())
            except StepFailed as exc:
                outcome = StepOutcome(name, "FAIL", 0.0, str(exc))
            except Exception as exc:  # an unexpected error is a failure of this step, with its traceback
                traceback.print_exc(file=sys.stderr)
                outcome = StepOutcome(name, "FAIL", 0.0, f"{type(exc).__name__}: {exc}")
        outcome.seconds = time.monotonic() - started
        self.outcomes.append(outcome)
        self.out.write(f"[{outcome.status:^4}] {name:<15} {outcome.seconds:7.1f} s  {outcome.detail}\n")
        self.out.flush()

    # --- the steps -------------------------------------------------------------------------------------------

    def check_resources(self) -> str:
        resources = paths.resources_dir()
        lexicons = lexicon_files(resources, None)
        entries = len(default_lexicon(None).entries)
        if not lexicons or entries == 0:
            raise StepFailed(f"no lexicon in {resources / 'lexicons'}")
        fonts = sorted(p.name for p in (resources / "fonts").glob("*.ttf"))
        if not fonts:
            raise StepFailed(f"no font in {resources / 'fonts'} (the PDF export needs one)")
        translation = resources / "translations" / "arbiter_fr.qm"
        if not translation.is_file() or translation.stat().st_size == 0:
            raise StepFailed(f"the French translation is missing: {translation}")
        demo = [p for p in paths.demo_documents_dir().rglob("*") if p.is_file()]
        if not demo:
            raise StepFailed(f"no demo document in {paths.demo_documents_dir()}")
        try:
            ranker = shipped_ranker()
        except RankerError as exc:
            raise StepFailed(str(exc)) from exc
        if ranker is None:
            raise StepFailed(f"the learned ranker of the full mode is missing: {resources / 'ranker'}")
        return (
            f"{len(lexicons)} lexicons ({entries} entries), fonts {', '.join(fonts)}, French translation, "
            f"{len(demo)} demo documents, learned ranker"
        )

    def check_models(self) -> str:
        models = paths.models_dir()
        embedder = resolve_embedder("")
        if embedder is None:
            raise StepFailed(f"no embedding model in {models} (expected {DEFAULT_EMBEDDER})")
        try:
            cpu = ensure_cpu_backend().describe()
        except (ImportError, OSError, RuntimeError) as exc:
            raise StepFailed(f"llama.cpp cannot run here: {exc}") from exc
        try:
            check_ocr_models(OcrConfig(str(paths.tessdata_dir()), "fra"))
        except OcrUnavailable as exc:
            raise StepFailed(str(exc)) from exc
        ocr = ", ".join(sorted(p.stem for p in paths.tessdata_dir().glob("*.traineddata")))
        size = f"{embedder.name} ({embedder.stat().st_size / 2**20:.0f} MiB), {cpu}, OCR models {ocr}"
        sums = models / SHA256SUMS
        if not sums.exists():
            return f"{size}; no {SHA256SUMS} in {models}: hashes not checked"
        checked = verify_sums(sums)
        if embedder.name not in checked:
            raise StepFailed(f"{embedder.name} is not listed in {sums}")
        return f"{size}; SHA-256 of {len(checked)} file(s) match {SHA256SUMS}"

    def check_index(self) -> str:
        indexer = app.start_indexing(self.case_dir, [app.demo_documents()])
        deadline = time.monotonic() + INDEX_TIMEOUT_S
        report: IndexReport | None = None
        pid = 0
        try:
            while report is None:
                if time.monotonic() > deadline:
                    raise StepFailed(f"indexing did not finish in {INDEX_TIMEOUT_S:.0f} s")
                for event in indexer.events():
                    if isinstance(event, process.Started):
                        pid = event.pid
                    elif isinstance(event, Progress) and self.on_progress is not None:
                        self.on_progress(event)
                    elif isinstance(event, process.Failed):
                        raise StepFailed(f"the indexing process failed: {event.message}\n{event.details}".strip())
                    elif isinstance(event, process.Finished):
                        report = event.report
                time.sleep(0.1)
            indexer.wait(30)
        finally:
            indexer.kill()
        if report.failed:
            errors = "; ".join(f"{e.path}: {e.reason.value} ({e.message})" for e in report.failed)
            raise StepFailed(f"{len(report.failed)} demo file(s) could not be indexed: {errors}")
        if report.documents == 0 or report.chunks == 0:
            raise StepFailed(f"nothing indexed: {report.documents} documents, {report.chunks} chunks")
        counts = self.session().status()
        if counts.embedded != counts.chunks:
            raise StepFailed(f"only {counts.embedded} of {counts.chunks} chunks have a vector")
        if report.ocr.pages + report.ocr.cached == 0 or counts.awaiting_ocr_pages:
            raise StepFailed(f"the scanned demo page was not recognised ({report.ocr.note or 'no page read'})")
        return (
            f"{report.documents} documents, {report.chunks} chunks, {counts.embedded} embedded "
            f"(semantic phase {report.embed_seconds:.1f} s), {report.ocr.pages} scanned page(s) recognised "
            f"(OCR {report.ocr.seconds:.1f} s), in the indexing process (pid {pid}) and its extraction workers"
        )

    def session(self) -> CaseSession:
        """The indexed case, opened once for the searches and the export, as the window opens it (the embedding
        model loads in the background)."""
        if self._open is None:
            self._open = app.open_session(self.case_dir, preload=True)
        return self._open

    def check_lexical(self) -> str:
        query, expected = LEXICAL_QUERY
        result = self.session().search(SearchRequest(query=query, top=10, mode=SearchMode.LEXICAL), audit=False)
        rank = _found(result, expected)
        return f"«{query}»: {len(result.hits)} hits in {result.elapsed_ms:.0f} ms, {expected} at rank {rank}"

    def check_ocr(self) -> str:
        query, expected = OCR_QUERY
        result = self.session().search(SearchRequest(query=query, top=10, mode=SearchMode.LEXICAL), audit=False)
        rank = _found(result, expected)
        hit = result.hits[rank - 1]
        if hit.ocr_confidence is None:
            raise StepFailed(f"«{query}»: {expected} was found, but not as recognised text")
        return (
            f"«{query}»: {expected} at rank {rank}, page {hit.page}, recognised text (OCR), "
            f"confidence {hit.ocr_confidence:.0f} %"
        )

    def check_names(self) -> str:
        people = self.session().entities([EntityType.PERSON])
        places = self.session().entities([EntityType.PLACE])
        person = next((p for p in people if p.value == DEMO_PERSON), None)
        if person is None:
            shown = ", ".join(p.display for p in people[:5]) or "none"
            raise StepFailed(f"{DEMO_PERSON} is not among the people found (first: {shown})")
        return (
            f"{len(people)} people and {len(places)} places; {person.display} in {person.documents} documents "
            f"({person.occurrences} mentions)"
        )

    def check_hybrid(self) -> str:
        query, expected = HYBRID_QUERY
        request = SearchRequest(query=query, top=10, mode=SearchMode.HYBRID)
        result = self.session().search(request, audit=False)
        if result.mode is not SearchMode.HYBRID:
            raise StepFailed(f"the search ran in {result.mode.value} mode, not hybrid")
        if not any(h.scores.dense is not None for h in result.hits):
            raise StepFailed("no hit has a semantic score")
        rank = _found(result, expected)
        self._hybrid = (request, result)
        return f"«{query}»: {len(result.hits)} hits in {result.elapsed_ms:.0f} ms, {expected} at rank {rank}"

    def check_export(self) -> str:
        assert self._hybrid is not None
        request, result = self._hybrid
        target = self.work / "export.pdf"
        session = self.session()
        session.export(session.search_results(result, request), pdf=target, audit=False)
        data = target.read_bytes() if target.exists() else b""
        if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
            raise StepFailed(f"{target} is not a complete PDF ({len(data)} bytes)")
        return f"{len(result.hits)} hits to {target.name} ({len(data) / 1024:.0f} KiB)"

    def check_gui(self) -> str:
        shot = self.work / "window.png"
        query, _ = LEXICAL_QUERY
        command = [*self_command(), "gui", "--case", str(self.case_dir), "--query", query]
        command += ["--screenshot", str(shot), "--language", "fr", "--width", "1280", "--height", "800"]
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=GUI_TIMEOUT_S)
        except subprocess.TimeoutExpired as exc:
            raise StepFailed(f"the window did not close within {GUI_TIMEOUT_S:.0f} s") from exc
        if done.returncode != 0:
            tail = "\n".join(done.stderr.strip().splitlines()[-15:])
            raise StepFailed(f"the window exited with code {done.returncode}:\n{tail}")
        data = shot.read_bytes() if shot.exists() else b""
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise StepFailed(f"the window was not drawn to {shot}")
        return f"opened on the case, searched «{query}», drawn ({len(data) / 1024:.0f} KiB PNG) and closed"


def _found(result: SearchResult, expected: str) -> int:
    """The rank of the first hit in the file named ``expected``; fails unless it is among the first ones."""
    if not result.hits:
        raise StepFailed(f"no hit for «{result.query}»")
    for hit in result.hits[:EXPECTED_RANK]:
        if Path(hit.doc_path).name == expected:
            return hit.rank
    found = ", ".join(Path(h.doc_path).name for h in result.hits[:EXPECTED_RANK])
    raise StepFailed(f"«{result.query}»: {expected} is not in the first {EXPECTED_RANK} hits ({found})")


def verify_sums(sums: Path) -> list[str]:
    """Check every file listed in ``sums`` (``sha256sum`` format) in its folder; the names checked."""
    checked: list[str] = []
    for number, line in enumerate(sums.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        expected, _, name = line.partition(" ")
        name = name.lstrip(" *")
        if len(expected) != 64 or not name:
            raise StepFailed(f"{sums}:{number}: expected '<SHA-256>  <file name>', got {line!r}")
        path = sums.parent / name
        if not path.is_file():
            raise StepFailed(f"{path} is listed in {sums.name} but missing")
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while block := handle.read(1 << 22):
                digest.update(block)
        if digest.hexdigest() != expected.lower():
            raise StepFailed(f"{path} does not match its SHA-256 in {sums.name}: damaged or replaced, copy it again")
        checked.append(name)
    return checked


def self_command() -> list[str]:
    """How to run this application again: the bundle's executable, or this Python with the package."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "arbiter_desktop"]


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run(
    work: Path | None = None, out: TextIO = sys.stdout, on_progress: Callable[[Progress], None] | None = None
) -> int:
    """Run the self-test in ``work`` (kept), or in a temporary folder removed afterwards; the exit code."""
    if work is not None:
        work.mkdir(parents=True, exist_ok=True)
        return SelfTest(work.resolve(), out, on_progress).run()
    folder = Path(tempfile.mkdtemp(prefix="arbiter-selftest-"))
    try:
        return SelfTest(folder, out, on_progress).run()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
