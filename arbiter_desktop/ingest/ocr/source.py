"""Where OCR reads a document's bytes: one function, whatever the document is.

A document is read from a path: a case file, opened read-only as every source is (``ingest/readonly.py``), or, for
a member of an archive or a mailbox, the copy that the OCR phase takes out of its containers first
(``indexing/ocr_phase.py``: ``OcrPhase._readable``, through ``ingest/containers/locate.copy_member``). An
attachment of a message (a photo, a scanned PDF attached to an e-mail) is read from its bytes, taken out of the
message by ``ingest/extractors/email.py`` (``page_source``). Everything downstream (PDF rendering, image decoding)
only needs the seekable binary file object returned here.
"""

from __future__ import annotations

import io
from typing import BinaryIO

from arbiter_desktop.ingest.readonly import open_source

Locator = str | bytes  # a path, or the document's bytes (an attachment taken out of its message)


def open_document(locator: Locator) -> BinaryIO:
    """A seekable, read-only binary file object on the document's bytes (the caller closes it)."""
    if isinstance(locator, bytes):
        return io.BytesIO(locator)
    return open_source(locator)
