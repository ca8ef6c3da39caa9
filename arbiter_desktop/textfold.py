"""Case and accent folding, the one way the app compares words outside the full-text analyzers."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lowercase without accents: "Enquêteurs" → "enqueteurs", "Œuvre" → "œuvre" (ligatures are kept)."""
    lowered = text.lower()
    if lowered.isascii():  # most words: nothing to decompose
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
