"""Where OCR reads a document's bytes: one function, whatever the document is.

A document is read from a path: a case file, opened read-only as every source is (``ingest/readonly.py``), or, for
a member of an archive or a mailbox, the copy that the OCR phase takes out of its containers first
(``indexing/ocr_phase.py``: ``OcrPhase._readable``, through ``ingest/containers/locate.copy_member``). Everything
downstream (PDF rendering, image decoding) only needs the seekable binary file object returned here; another source
of bytes (e.g. a member streamed from its container without a copy) would be answered here, as an ``io.BytesIO``.
"""

from __future__ import annotations

from typing import BinaryIO

from arbiter_desktop.ingest.readonly import open_source


def open_document(locator: str) -> BinaryIO:
    """A seekable, read-only binary file object on the document's bytes (the caller closes it)."""
    return open_source(locator)
