"""Recognised pages put into a document's text: each page its own page span, native pages kept as they were."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from arbiter_desktop.domain import PageSpan, RecognisedPage
from arbiter_desktop.ingest.extractors.normalize import PAGE_SEPARATOR


def merge_pages(
    text: str, pages: Sequence[PageSpan], recognised: Mapping[int, RecognisedPage]
) -> tuple[str, tuple[PageSpan, ...]]:
    """The document text and page map with the pages of ``recognised`` replaced by their recognised text.

    Pages are joined as the extractors join them (``PAGE_SEPARATOR`` between non-empty pages; an empty page keeps
    its number and takes no character), so every other page keeps its text; a recognised page's span carries the
    engine's mean confidence. Word offsets of a recognised page stay valid relative to its span's start.
    """
    parts: list[str] = []
    spans: list[PageSpan] = []
    offset = 0
    for span in pages:
        page = recognised.get(span.number)
        confidence: float | None = span.confidence
        if page is not None:
            body, confidence = page.text, page.confidence
        else:
            body = text[span.start : span.end]
        if parts and body:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        spans.append(PageSpan(span.number, offset, offset + len(body), span.label, confidence))
        parts.append(body)
        offset += len(body)
    return "".join(parts), tuple(spans)
