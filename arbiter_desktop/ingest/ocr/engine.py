"""The OCR engine: Tesseract 5 (``tesserocr``, whose wheel bundles libtesseract and Leptonica) with the
``tessdata_fast`` models that the set-up puts in ``models/tessdata/`` (``installer/models/tessdata.py``).

:class:`Engine` recognises one page image and returns its text built word by word, so that every word's
character offsets in the page text and its box on the page are known exactly (the preview boxes the words of a
hit). The text follows Tesseract's layout: words of a line joined by a space, lines by a line break, paragraphs
by a blank line; a word cut by a hyphen at the end of a line is joined again ("enquê-" / "teurs").

Rotated pages: a page read with a low mean confidence is checked with Tesseract's orientation detection (OSD);
when OSD finds it turned, the page is turned upright and read again, and the better reading is kept. Upright
pages (nearly all) pay nothing for this.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image

from arbiter_desktop.domain import OCR_BOX_SCALE as BOX_SCALE
from arbiter_desktop.domain import ErrorReason, ExtractionError, OcrWord, RecognisedPage

ENGINE = "tesseract"
LANGUAGES = ("fra", "eng")  # models provisioned (installer/models/tessdata.py)
OSD_MODEL = "osd"
SETTINGS_VERSION = 1  # bump when the recognition or the text layout changes: the cache is keyed by it
ROTATION_CHECK_CONFIDENCE = 65.0  # below this mean confidence a page is checked for rotation
MIN_OSD_CONFIDENCE = 1.0  # OSD's own confidence needed to turn a page

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffe\uffff\s]")
_LOWER = re.compile(r"[a-zà-öø-ÿœæ]")
_HYPHENS = ("-", "\u00ad", "\u2010")


class OcrUnavailable(Exception):
    """The engine or its models are missing; the message says where they are expected and how to get them."""


@dataclass(frozen=True, slots=True)
class OcrConfig:
    """What the engine needs in a worker process (picklable)."""

    tessdata: str  # folder holding <language>.traineddata (and osd.traineddata)
    languages: str = "fra"  # Tesseract's form: "fra", "fra+eng"


def check_models(config: OcrConfig) -> None:
    """Raise :class:`OcrUnavailable` naming the expected files when the engine or a model is missing."""
    try:
        import tesserocr  # noqa: F401
    except ImportError as exc:  # pragma: no cover - the dependency is pinned
        raise OcrUnavailable(f"the OCR engine (tesserocr) cannot be loaded: {exc}; run `make setup`") from exc
    folder = Path(config.tessdata)
    missing = [
        str(folder / f"{lang}.traineddata")
        for lang in config.languages.split("+")
        if not (folder / f"{lang}.traineddata").is_file()
    ]
    if missing:
        raise OcrUnavailable(
            f"OCR model(s) missing: {', '.join(missing)} (run `make setup`, or `python installer/models/tessdata.py "
            f"--out {folder.parent}`)"
        )


@cache
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def engine_key(config: OcrConfig) -> str:
    """Identifies the engine, its models and the settings: recognised pages are cached under it, so that a
    change of any of them recognises pages again."""
    import tesserocr

    version = tesserocr.tesseract_version().split()[1] if tesserocr.tesseract_version() else "?"
    folder = Path(config.tessdata)
    models = []
    for name in [*config.languages.split("+"), OSD_MODEL]:
        path = folder / f"{name}.traineddata"
        if path.is_file():
            st = path.stat()
            models.append(f"{name}={_file_digest(str(path), st.st_size, st.st_mtime_ns)}")
    return f"{ENGINE} {version}; {' '.join(models)}; v{SETTINGS_VERSION}"


class Engine:
    """One Tesseract instance (its models loaded once); not thread-safe: one per worker process."""

    def __init__(self, config: OcrConfig) -> None:
        check_models(config)
        import tesserocr

        self.config = config
        self._tesserocr = tesserocr
        try:
            self._api = tesserocr.PyTessBaseAPI(path=config.tessdata, lang=config.languages, psm=tesserocr.PSM.AUTO)
        except RuntimeError as exc:
            raise OcrUnavailable(f"Tesseract could not load {config.languages} from {config.tessdata}: {exc}") from exc
        self._osd: Any = None

    def close(self) -> None:
        self._api.End()
        if self._osd is not None:
            self._osd.End()

    def recognise(self, image: Image.Image, page: int) -> RecognisedPage:
        """Read ``image`` (grey or RGB); a page read poorly is checked for rotation and read again upright."""
        result = self._read(image, page, 0)
        if result.confidence < ROTATION_CHECK_CONFIDENCE:
            turn = self.orientation(image)
            if turn:
                turned = self._read(image.rotate(turn, expand=True), page, turn)
                if turned.confidence > result.confidence:
                    result = turned
        return result

    def orientation(self, image: Image.Image) -> int:
        """The counter-clockwise turn (0, 90, 180, 270) that OSD says makes ``image`` upright; 0 when unsure or
        when the orientation model is not installed."""
        tesserocr = self._tesserocr
        if self._osd is None:
            if not (Path(self.config.tessdata) / f"{OSD_MODEL}.traineddata").is_file():
                return 0
            self._osd = tesserocr.PyTessBaseAPI(path=self.config.tessdata, lang=OSD_MODEL, psm=tesserocr.PSM.OSD_ONLY)
        api = self._osd
        api.SetImage(image)
        found = api.DetectOrientationScript()
        if not found or float(found.get("orient_conf", 0.0)) < MIN_OSD_CONFIDENCE:
            return 0
        return int(found.get("orient_deg", 0)) % 360

    def _read(self, image: Image.Image, page: int, rotation: int) -> RecognisedPage:
        tesserocr = self._tesserocr
        api = self._api
        api.SetImage(image)
        if not api.Recognize():
            raise ExtractionError(ErrorReason.CORRUPT, f"the OCR engine could not read page {page}")
        words: list[tuple[str, float, tuple[int, int, int, int], str]] = []  # text, confidence, box, separator
        iterator = api.GetIterator()
        if iterator is not None and not iterator.Empty(tesserocr.RIL.WORD):
            for item in tesserocr.iterate_level(iterator, tesserocr.RIL.WORD):
                try:
                    raw = item.GetUTF8Text(tesserocr.RIL.WORD)
                except RuntimeError:  # "No text returned": an element without a word
                    continue
                text = _CONTROL.sub("", unicodedata.normalize("NFC", raw or ""))
                box = item.BoundingBox(tesserocr.RIL.WORD)
                if not text or box is None:
                    continue
                if item.IsAtBeginningOf(tesserocr.RIL.BLOCK) or item.IsAtBeginningOf(tesserocr.RIL.PARA):
                    separator = "\n\n"
                elif item.IsAtBeginningOf(tesserocr.RIL.TEXTLINE):
                    separator = "\n"
                else:
                    separator = " "
                words.append((text, float(item.Confidence(tesserocr.RIL.WORD)), box, separator))
        return _layout(words, page, rotation, image.width, image.height)


def _layout(
    words: list[tuple[str, float, tuple[int, int, int, int], str]], page: int, rotation: int, width: int, height: int
) -> RecognisedPage:
    """The page text from its words, each word's offsets and normalised box, and the mean confidence."""
    parts: list[str] = []
    placed: list[OcrWord] = []
    offset = 0
    for text, confidence, (x0, y0, x1, y1), separator in words:
        if placed:
            previous = parts[-1]
            if separator == "\n" and _joins(previous, text):  # "enquê-" at a line's end, "teurs" below
                parts[-1] = previous[:-1]
                offset -= 1
                last = placed[-1]
                placed[-1] = OcrWord(last.start, last.end - 1, last.box, last.confidence)
            else:
                parts.append(separator)
                offset += len(separator)
        box = (
            min(BOX_SCALE, max(0, x0 * BOX_SCALE // max(1, width))),
            min(BOX_SCALE, max(0, y0 * BOX_SCALE // max(1, height))),
            min(BOX_SCALE, max(0, -(-x1 * BOX_SCALE // max(1, width)))),
            min(BOX_SCALE, max(0, -(-y1 * BOX_SCALE // max(1, height)))),
        )
        placed.append(OcrWord(offset, offset + len(text), box, confidence))
        parts.append(text)
        offset += len(text)
    text = "".join(parts)
    confidence = sum(w.confidence for w in placed) / len(placed) if placed else 0.0
    return RecognisedPage(page, text, round(confidence, 1), rotation, width, height, tuple(placed))


def _joins(previous: str, following: str) -> bool:
    """Is ``previous`` the first half of a word cut by a hyphen at the end of a line, ``following`` its end?"""
    return (
        len(previous) >= 3
        and previous.endswith(_HYPHENS)
        and _LOWER.fullmatch(previous[-2]) is not None
        and _LOWER.match(following) is not None
    )
