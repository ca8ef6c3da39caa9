"""Text → chunks of about ``max_tokens`` tokens with ``overlap`` tokens, cut at sentence boundaries.

Pages are hard boundaries: a chunk never spans two pages, so each chunk cites exactly one page. Offsets are
character offsets in the document text, so a chunk can be highlighted in the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from arbiter_desktop.domain import ChunkSpan, PageSpan

# End of a sentence: terminal punctuation (optionally closed by a quote or bracket) then whitespace, or a
# line break. Abbreviations such as "M." or "art." may cut a sentence early; the chunk still holds both halves.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"»)\]]*\s+|\n+")
_TOKEN = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    """A tokenizer-independent estimate: words and punctuation marks."""
    return len(_TOKEN.findall(text))


@dataclass(frozen=True, slots=True)
class _Sentence:
    start: int
    end: int
    tokens: int


def _sentences(text: str, start: int, end: int, max_tokens: int) -> list[_Sentence]:
    """Sentences of ``text[start:end]`` with absolute offsets; over-long sentences are cut into word windows."""
    result: list[_Sentence] = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        result.extend(_split_long(text, cursor, match.start(), max_tokens))
        cursor = match.end()
    result.extend(_split_long(text, cursor, end, max_tokens))
    return result


def _split_long(text: str, start: int, end: int, max_tokens: int) -> Iterable[_Sentence]:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return []
    start += len(piece) - len(piece.lstrip())
    end = start + len(stripped)
    tokens = list(_TOKEN.finditer(text, start, end))
    if len(tokens) <= max_tokens:
        return [_Sentence(start, end, len(tokens))]
    windows: list[_Sentence] = []
    for i in range(0, len(tokens), max_tokens):
        group = tokens[i : i + max_tokens]
        windows.append(_Sentence(group[0].start(), group[-1].end(), len(group)))
    return windows


def chunk_text(text: str, pages: tuple[PageSpan, ...], max_tokens: int = 400, overlap: int = 80) -> list[ChunkSpan]:
    """Cut ``text`` into chunks; ``pages`` is the page map (an empty map means one page)."""
    if overlap >= max_tokens:
        raise ValueError("overlap must be smaller than max_tokens")
    spans = pages or (PageSpan(1, 0, len(text)),)
    chunks: list[ChunkSpan] = []
    for page in spans:
        sentences = _sentences(text, page.start, page.end, max_tokens)
        for first, last in _pack(sentences, max_tokens, overlap):
            start, end = sentences[first].start, sentences[last].end
            chunks.append(ChunkSpan(len(chunks), start, end, page.number, text[start:end]))
    return chunks


def _pack(sentences: list[_Sentence], max_tokens: int, overlap: int) -> Iterable[tuple[int, int]]:
    """Greedy packing of sentence indexes into (first, last) groups with a trailing-sentence overlap."""
    first = 0
    while first < len(sentences):
        total = 0
        last = first
        while last < len(sentences) and (last == first or total + sentences[last].tokens <= max_tokens):
            total += sentences[last].tokens
            last += 1
        yield first, last - 1
        if last >= len(sentences):
            return
        # Step back over whole sentences until about ``overlap`` tokens are repeated, always moving forward.
        back = last
        kept = 0
        while back - 1 > first and kept + sentences[back - 1].tokens <= overlap:
            back -= 1
            kept += sentences[back].tokens
        first = back
