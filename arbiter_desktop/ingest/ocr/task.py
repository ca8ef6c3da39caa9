"""The OCR page job, run by the extraction workers (``ingest/workers.py``) under their time and memory limits.

Each worker process keeps one engine (models loaded once) for the pages it is given.
"""

from __future__ import annotations

from arbiter_desktop.domain import ErrorReason, ExtractionError, FileKind
from arbiter_desktop.ingest.ocr.engine import Engine, OcrConfig, OcrUnavailable
from arbiter_desktop.ingest.ocr.images import page_image
from arbiter_desktop.ingest.workers import Failed, Outcome

_engines: dict[OcrConfig, Engine] = {}


def _engine(config: OcrConfig) -> Engine:
    engine = _engines.get(config)
    if engine is None:
        engine = _engines[config] = Engine(config)
    return engine


def recognise_page(
    path: str, kind: FileKind, _chunk_tokens: int, _overlap: int, page: int, config: OcrConfig
) -> Outcome:
    """Recognise page ``page`` (1-based) of the document at ``path``; every failure becomes a :class:`Failed`."""
    try:
        image = page_image(path, kind, page)
        return _engine(config).recognise(image, page)
    except ExtractionError as exc:
        return Failed(exc.reason, exc.message)
    except OcrUnavailable as exc:  # not the page's fault: the phase stops and the pages keep waiting
        return Failed(ErrorReason.UNSUPPORTED, str(exc))
    except MemoryError:
        return Failed(ErrorReason.MEMORY, f"page {page}: the OCR ran out of its memory limit")
    except (PermissionError, FileNotFoundError, IsADirectoryError) as exc:
        return Failed(ErrorReason.UNREADABLE, f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # an engine or decoder error on a malformed page: report it, keep going
        return Failed(ErrorReason.CORRUPT, f"page {page}: cannot recognise ({type(exc).__name__}: {exc})")
