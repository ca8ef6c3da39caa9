"""PowerPoint presentations (.pptx): one page per slide, labelled "diapositive N", with its speaker notes.

The package goes through the same safety scan as DOCX (sizes, then every XML part streamed through expat without
DTDs or entities); the slides are then read in presentation order (``ppt/presentation.xml`` → relationships), each
paragraph (``a:p``) of their text runs (``a:t``) on a line of its own.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.parsers import expat

from arbiter_desktop.domain import ErrorReason, Extraction, ExtractionError
from arbiter_desktop.ingest.extractors.normalize import join_pages
from arbiter_desktop.ingest.extractors.safezip import check_zip_package
from arbiter_desktop.ingest.readonly import open_source

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
_SLIDE_NUMBER = re.compile(r"slide(\d+)\.xml$")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def extract(path: Path) -> Extraction:
    try:
        source = open_source(path)
    except OSError as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc.strerror or exc}") from exc
    with source:
        if source.read(8) == _OLE_MAGIC:
            raise ExtractionError(
                ErrorReason.ENCRYPTED,
                "the presentation is password-protected (an encrypted package): remove the password in a working copy",
            )
        check_zip_package(source)
        source.seek(0)
        try:
            with zipfile.ZipFile(source) as package:
                names = set(package.namelist())
                pages = []
                for number, slide in enumerate(_slides(package, names), start=1):
                    text = _text(package.read(slide))
                    notes = _notes_of(package, names, slide)
                    if notes:
                        text = f"{text}\n\nNotes : {notes}"
                    pages.append((text, f"diapositive {number}"))
        except (zipfile.BadZipFile, KeyError, expat.ExpatError, RuntimeError) as exc:
            raise ExtractionError(ErrorReason.CORRUPT, f"damaged presentation: {exc}") from exc
    text, spans = join_pages(pages)
    return Extraction(text=text, pages=spans, fields={"slides": str(len(pages))})


def _slides(package: zipfile.ZipFile, names: set[str]) -> list[str]:
    """Slide parts in presentation order (by slide number when the presentation part cannot say)."""
    order: list[str] = []
    if "ppt/presentation.xml" in names and "ppt/_rels/presentation.xml.rels" in names:
        targets = _relationships(package.read("ppt/_rels/presentation.xml.rels"), "ppt")
        ids: list[str] = []

        def start(name: str, attrs: dict[str, str]) -> None:
            if name == f"{_P} sldId":
                ids.append(attrs.get(f"{_R} id", ""))

        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = start
        parser.Parse(package.read("ppt/presentation.xml"), True)
        order = [targets[i] for i in ids if targets.get(i) in names]
    if not order:
        slides = [n for n in names if n.startswith("ppt/slides/") and _SLIDE_NUMBER.search(n)]
        order = sorted(slides, key=lambda n: int(_SLIDE_NUMBER.search(n).group(1)))  # type: ignore[union-attr]
    return order


def _relationships(data: bytes, folder: str) -> dict[str, str]:
    found: dict[str, str] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        if name.endswith("Relationship") and attrs.get("TargetMode") != "External":
            found[attrs.get("Id", "")] = posixpath.normpath(posixpath.join(folder, attrs.get("Target", "")))

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.Parse(data, True)
    return found


def _notes_of(package: zipfile.ZipFile, names: set[str], slide: str) -> str:
    rels = posixpath.join(posixpath.dirname(slide), "_rels", posixpath.basename(slide) + ".rels")
    if rels not in names:
        return ""
    for target in _relationships(package.read(rels), posixpath.dirname(slide)).values():
        if target.startswith("ppt/notesSlides/") and target in names:
            return " ".join(_text(package.read(target)).split("\n")).strip()
    return ""


def _text(data: bytes) -> str:
    """The text runs of a slide part, one line per paragraph."""
    lines: list[str] = []
    current: list[str] = []
    inside = [False]

    def start(name: str, _attrs: dict[str, str]) -> None:
        if name == f"{_A} t":
            inside[0] = True
        elif name == f"{_A} br":
            current.append("\n")

    def end(name: str) -> None:
        if name == f"{_A} t":
            inside[0] = False
        elif name == f"{_A} p":
            lines.append("".join(current))
            current.clear()

    def chars(text: str) -> None:
        if inside[0]:
            current.append(text)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.Parse(data, True)
    return "\n".join(line for line in lines if line.strip())
