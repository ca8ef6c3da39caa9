"""Document text as HTML for Qt's rich-text widgets. Every character of a document is escaped: markup in a
document (``<b>``, ``<script>``, entities) shows literally and never renders."""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence

MATCH_STYLE = "background-color:#ffe066;color:#000000;font-weight:600"
CURRENT_STYLE = "background-color:#ff9f1c;color:#000000;font-weight:600"
SEMANTIC_STYLE = "background-color:#dcf3dc;text-decoration:underline"


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def _text(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def passage_html(passage: str, highlights: Sequence[tuple[int, int]], semantic: tuple[int, int] | None = None) -> str:
    """The passage with its lexical matches marked, and the sentence closest in meaning underlined in blue."""
    marks: list[tuple[int, str]] = []  # (offset, tag), closing tags before opening ones at the same offset
    for start, end in highlights:
        if 0 <= start < end <= len(passage):
            marks += [(start, f'<span style="{MATCH_STYLE}">'), (end, "</span>")]
    if semantic is not None and 0 <= semantic[0] < semantic[1] <= len(passage):
        a, b = semantic
        # the sentence is drawn as spans between the lexical marks so tags never overlap
        cuts = sorted({a, b, *(s for s, _ in highlights if a < s < b), *(e for _, e in highlights if a < e < b)})
        inside = [(s, e) for s, e in itertools.pairwise(cuts) if not _within(s, e, highlights)]
        for s, e in inside:
            marks += [(s, f'<span style="{SEMANTIC_STYLE}">'), (e, "</span>")]
    marks.sort(key=lambda m: (m[0], 0 if m[1] == "</span>" else 1))
    out: list[str] = []
    cursor = 0
    for offset, tag in marks:
        out.append(_text(passage[cursor:offset]))
        out.append(tag)
        cursor = offset
    out.append(_text(passage[cursor:]))
    return "".join(out)


def _within(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def document_html(
    text: str, matches: Sequence[tuple[int, int]], current: int | None = None, start: int = 0, end: int | None = None
) -> str:
    """``text[start:end]`` with every match marked, each with an anchor ``m<i>`` (i its index in ``matches``);
    the match at index ``current`` stands out."""
    end = len(text) if end is None else end
    out: list[str] = []
    cursor = start
    for i, (a, b) in enumerate(matches):
        if a < start or b > end:
            continue
        style = CURRENT_STYLE if i == current else MATCH_STYLE
        out.append(_text(text[cursor:a]))
        out.append(f'<a name="m{i}"></a><span style="{style}">{_text(text[a:b])}</span>')
        cursor = b
    out.append(_text(text[cursor:end]))
    return '<div style="white-space:pre-wrap">' + "".join(out) + "</div>"
