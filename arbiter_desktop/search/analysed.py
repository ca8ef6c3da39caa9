"""A passage as the index sees it, analysed once: its tokens' stems and folded forms with their places.

The index's analyzers cut words at every character that is not a letter or a digit, so a text's tokens are its
words (``[^\\W_]+``) less those the analyzers drop (elided articles, overlong words). Each distinct word is analysed
once per process (:func:`word_forms`) and a passage is read as the list of its words' forms, not tokenised anew for
every candidate of every search. The second stage's evidence (search/features.py) and the highlights of the hits
(search/highlight.py) both read passages this way.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from arbiter_desktop.chunking.derived import acronym_key
from arbiter_desktop.entities import Entity, find_entities
from arbiter_desktop.noisytext import ocr_key
from arbiter_desktop.search.lexical_query import Matchers
from arbiter_desktop.stores.lexical import EXACT, FRENCH, analyzers

_WORD = re.compile(r"([^\W_]+)")  # in a group: split() gives the words between their separators

Forms = tuple[str, str, str, str]  # a word's stem, folded form, OCR key, acronym key ("" for none)
_STEM, _EXACT, _KEY, _CAPITALS = (operator.itemgetter(i) for i in range(4))
FORMS_KEPT = 200_000  # distinct words whose forms are kept (a large case's vocabulary; ~40 MB at most)
_FORMS: dict[str, Forms] = {}


def word_forms(words: Sequence[str]) -> list[Forms]:
    """The forms of each word (one of ``[^\\W_]+``): its stem and its folded form as the index's analyzers give
    them ("" for both when they drop it), its OCR key (noisytext.py), and its acronym key when it is written in
    capitals. The words not seen before are analysed together, one call per analyzer."""
    found = list(map(_FORMS.get, words))  # the common case: every word seen before (no Python loop)
    if None not in found:
        return found  # type: ignore[return-value]
    missing = [w for w in dict.fromkeys(words) if w not in _FORMS]
    if missing:
        if len(_FORMS) + len(missing) > FORMS_KEPT:
            _FORMS.clear()
        joined = " ".join(missing)
        starts = list(itertools.accumulate((len(w) + 1 for w in missing[:-1]), initial=0))
        stems, folded = (
            {
                bisect.bisect_right(starts, t.char_offset_from) - 1: t.text
                for t in analyzers()[a].pre_tokenize(joined).tokens
            }
            for a in (FRENCH, EXACT)
        )
        for i, word in enumerate(missing):
            capitals = acronym_key(word) if len(word) >= 2 and word.isupper() else ""
            stem = stems.get(i, "")
            _FORMS[word] = (stem, folded.get(i, stem) if stem else "", ocr_key(word), capitals)
    return [_FORMS[w] for w in words]


@dataclass
class Analysed:
    """A text as the index sees it: stemmed and folded tokens (aligned), entities, with token positions.

    The index's analyzers cut words at every character that is not a letter or a digit, so a text's tokens are
    its words (``[^\\W_]+``) less those the analyzers drop (elided articles, overlong words); each distinct word is
    analysed once per process (:func:`word_forms`) and a passage is read as a list of its words' forms, not
    tokenised anew for every candidate of every search."""

    text: str
    stemmed: list[str] = field(init=False)
    exact: list[str] = field(init=False)
    word_spans: list[tuple[int, int]] = field(init=False, repr=False)  # (start, end) of each word
    forms: list[Forms] = field(init=False, repr=False)  # each word's forms (word_forms)
    _patterns: dict[str, list[int]] = field(init=False, default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # [separator, word, separator, word, …, separator]: the words and their ends without a match object each
        parts = _WORD.split(self.text)
        ends = list(itertools.accumulate(map(len, parts)))
        self.word_spans = list(zip(ends[0::2], ends[1::2], strict=False))  # the last separator ends no word
        self.forms = word_forms(parts[1::2])
        tokens = list(filter(_STEM, self.forms))
        self.stemmed = list(map(_STEM, tokens))
        self.exact = list(map(_EXACT, tokens))

    @cached_property
    def stem_set(self) -> frozenset[str]:
        """The distinct stems."""
        return frozenset(self.stemmed)

    @cached_property
    def exact_set(self) -> frozenset[str]:
        """The distinct folded (unstemmed) words."""
        return frozenset(self.exact)

    @cached_property
    def key_sets(self) -> tuple[frozenset[str], frozenset[str]]:
        """The distinct OCR keys and acronym keys of the words ("" among them when a word has none)."""
        return frozenset(map(_KEY, self.forms)), frozenset(map(_CAPITALS, self.forms))

    @cached_property
    def stem_positions(self) -> dict[str, list[int]]:
        return _positions(self.stemmed)

    @cached_property
    def exact_positions(self) -> dict[str, list[int]]:
        return _positions(self.exact)

    @cached_property
    def _token_of_word(self) -> list[int]:
        """The token position of each word: its own, or for a word the analyzers drop, the token before it."""
        positions: list[int] = []
        token = -1
        for forms in self.forms:
            if forms[0]:
                token += 1
            positions.append(max(token, 0))
        return positions

    @cached_property
    def token_spans(self) -> list[tuple[int, int]]:
        """(start, end) in the text of each token, aligned with ``stemmed`` and ``exact``."""
        return [span for span, forms in zip(self.word_spans, self.forms, strict=True) if forms[0]]

    @cached_property
    def entities(self) -> list[Entity]:
        return find_entities(self.text)

    @cached_property
    def entity_positions(self) -> dict[str, list[int]]:
        starts = [start for start, _ in self.word_spans]
        of_word = self._token_of_word
        found: dict[str, list[int]] = {}
        for entity in self.entities:
            word = bisect.bisect_right(starts, entity.start) - 1
            for key in entity.all_keys():  # the keys a query's entity is looked up by (Matchers.entities)
                found.setdefault(key, []).append(of_word[word] if word >= 0 else 0)
        return found

    @cached_property
    def word_positions(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        """(OCR key → positions, acronym written in capitals → positions)."""
        keys: dict[str, list[int]] = {}
        capitals: dict[str, list[int]] = {}
        for (_, _, key, acronym), position in zip(self.forms, self._token_of_word, strict=True):
            if key:
                keys.setdefault(key, []).append(position)
            if acronym:
                capitals.setdefault(acronym, []).append(position)
        return keys, capitals

    @cached_property
    def vocabulary(self) -> str:
        """The distinct unstemmed words, one a line (scanned by a pattern at once, not word by word)."""
        return "\n".join(dict.fromkeys(self.exact))

    def pattern_positions(self, patterns: Sequence[re.Pattern[str]]) -> list[int]:
        """Token positions of the words that one of ``patterns`` matches whole (wildcards, fuzzy words, word
        families: none of them matches across a line end)."""
        joined = "|".join(p.pattern for p in patterns)
        found = self._patterns.get(joined)
        if found is None:
            scan = re.compile(f"^(?:{joined})$", re.MULTILINE)
            words = {m.group(0) for m in scan.finditer(self.vocabulary)}
            found = [i for i, word in enumerate(self.exact) if word in words] if words else []
            self._patterns[joined] = found
        return found

    def positions(self, matchers: Matchers) -> list[int]:
        """Token positions where ``matchers`` match (empty when they do not)."""
        found: list[int] = []
        for stem in matchers.stems:
            found += self.stem_positions.get(stem, [])
        for word in matchers.exact:
            found += self.exact_positions.get(word, [])
        for norm in matchers.entities:
            found += self.entity_positions.get(norm, [])
        for phrase in matchers.phrases:
            n = len(phrase)
            for i in self.stem_positions.get(phrase[0], []):
                if self.stemmed[i : i + n] == phrase:
                    found.append(i)
        if matchers.patterns:
            found += self.pattern_positions(matchers.patterns)
        if matchers.ocr_keys or matchers.acronyms:
            keys, capitals = self.word_positions
            for key in matchers.ocr_keys:
                found += keys.get(key, [])
            for acronym in matchers.acronyms:
                found += capitals.get(acronym, [])
        return sorted(set(found))


ANALYSED_KEPT = 256  # analysed passages kept: the head of a search, and of the next ones, is read again


@lru_cache(maxsize=ANALYSED_KEPT)
def analysed(text: str) -> Analysed:
    """``text`` analysed, or the analysis kept from a previous candidate or search that read the same text."""
    return Analysed(text)


def _positions(tokens: Sequence[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for i, token in enumerate(tokens):
        found.setdefault(token, []).append(i)
    return found
