"""Where OCR reads a document's bytes: one function, so that other sources (a member of an archive or of a mailbox,
read from its container) can plug in later without touching the OCR itself.

Today a document is a file: it is opened read-only, as every source is (``ingest/readonly.py``). A container
member would be located by a path of the form the containers' extractors define and answered here with its bytes
(e.g. an ``io.BytesIO``); everything downstream (PDF rendering, image decoding) only needs a seekable binary
file object.
"""

from __future__ import annotations

from typing import BinaryIO

from arbiter_desktop.ingest.readonly import open_source


def open_document(locator: str) -> BinaryIO:
    """A seekable, read-only binary file object on the document's bytes (the caller closes it)."""
    return open_source(locator)
