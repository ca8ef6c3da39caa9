"""What an extraction worker runs when containers are read: a container is expanded (its members copied out into
the scratch folder, its own text being the list of what it holds); any other file is extracted as usual.

The pool receives :func:`run_job` bound to the scratch folder and the limits (``functools.partial``, which a
spawned worker can unpickle), so the worker protocol stays (path, kind)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from arbiter_desktop.domain import CONTAINER_KINDS, ErrorReason, Extraction, ExtractionError, FileKind
from arbiter_desktop.ingest.containers import ArchiveLimits, expand
from arbiter_desktop.ingest.workers import Extracted, Failed, Outcome, Task, run_one


def run_job(
    path: str, kind: FileKind, chunk_tokens: int, overlap: int, *, scratch: str, limits: ArchiveLimits
) -> Outcome:
    if kind not in CONTAINER_KINDS:
        return run_one(path, kind, chunk_tokens, overlap)
    from arbiter_desktop.chunking.chunker import chunk_text
    from arbiter_desktop.chunking.derived import derive
    from arbiter_desktop.ingest.extractors.normalize import join_pages

    try:
        members, listing = expand(Path(path), kind, Path(scratch), limits)
        text, pages = join_pages([(listing, "contenu")])
        extraction = Extraction(text=text, pages=pages, fields={"members": str(len(members))})
        chunks = chunk_text(extraction.text, extraction.pages, chunk_tokens, overlap)
        return Extracted(extraction, tuple(chunks), tuple(members), derived=derive(extraction.text, chunks))
    except ExtractionError as exc:
        return Failed(exc.reason, exc.message)
    except MemoryError:
        return Failed(ErrorReason.MEMORY, "reading the container ran out of its memory limit")
    except (PermissionError, FileNotFoundError) as exc:
        return Failed(ErrorReason.UNREADABLE, f"cannot read: {exc.strerror or exc}")
    except OSError as exc:
        return Failed(ErrorReason.UNREADABLE, f"cannot copy the members out: {exc.strerror or exc}")
    except Exception as exc:  # a reader bug on a malformed container: report it, keep going
        return Failed(ErrorReason.CORRUPT, f"cannot read the container ({type(exc).__name__}: {exc})")


def container_task(scratch: Path, limits: ArchiveLimits) -> Task:
    return partial(run_job, scratch=str(scratch), limits=limits)
