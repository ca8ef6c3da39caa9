"""What two near-identical texts must also agree on to be shown as one document: their numbers and entities.

Two PVs written from one template, two versions of a statement with another phone number, amount, date or plate,
forty generated reports that differ only by their numbers: their texts are nearly the same, but for an
investigator they are different evidence, and one must never hide the other. A scan and its typed twin, or the
DOCX and the PDF of one text, hold the same numbers, give or take what the OCR could not read.

So, besides the MinHash similarity, two documents are near-duplicates only if their *facts* agree:

- their **digits**, in reading order: the digit runs of the text (``07 49 27 16 83`` gives five; a month named
  after a day counts as its number: "12 septembre" gives 12 and 09), after undoing
  the OCR's usual letter-for-digit confusions inside a mostly numeric word ("2O24", "l6", "O6 l2 S4" read as
  "2024", "16", "06 12 54"). Aligned run by run, every digit of one text must be the same digit in the other:
  a digit that differs (a phone's last digit, an hour, a reference number) is never noise. What the OCR does
  that is tolerated: losing digits (a digit read as a letter or a mark), splitting a number with a spurious space
  or joining two; at most :data:`LOST_PER_BLOCK` digits (or a quarter of a block) lost in one place, and at most
  :data:`LOST_SHARE` of all digits overall. A whole number of :data:`WHOLE_NUMBER` digits or more that only one
  text holds (an added phone, date or amount) makes them different.
- their **entities** of the listed types: if, for some type, each text holds a value the other lacks ("12
  septembre" / "12 octobre", "1 500 €" / "1 500 $", two e-mail addresses), they are different. A value that only
  one text holds is tolerated (the OCR may have broken it up); its digits are checked above. E-mail addresses are
  compared through an OCR skeleton ("rn" = "m", "1" = "l" = "i", "0" = "o").

Pure functions, no I/O; :func:`of_text` runs at indexing time and is stored beside the signature
(``stores/analysis.py``), :func:`agree` at search time on the pairs that MinHash found similar.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from arbiter_desktop.entities import LISTED_TYPES, Entity, EntityType, find_entities
from arbiter_desktop.entities.dates import MONTHS
from arbiter_desktop.textfold import fold

LOST_PER_BLOCK = 3  # digits one place of the text may lose to the OCR (or a quarter of that place's digits)
LOST_SHARE = 0.1  # share of all digits that may be lost overall (at least LOST_PER_BLOCK + 1)
WHOLE_NUMBER = 4  # digits from which a number that only one text holds is a fact of its own

# Letters that OCR engines read in place of digits (and the reverse), undone inside a mostly numeric word
_AS_DIGIT = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1", "!": "1",
                           "S": "5", "B": "8", "Z": "2", "z": "2", "G": "6", "g": "9", "q": "9"})  # fmt: skip
_DIGIT_OR_BAR = re.compile(r"[\d|]")
_ALNUM = re.compile(r"[^\W_]*")
_DIGITS = re.compile(r"\d+")
_LETTER = re.compile(r"[^\W\d_]")
_MONTH_AFTER_DAY = re.compile(
    r"(\d(?:er)?[ \u00a0]+)("
    + "|".join(sorted({*MONTHS, "février", "août", "décembre"}, key=len, reverse=True))
    + r")(?![^\W\d_])",
    re.IGNORECASE,
)
_EMAIL_SKELETON = (("rn", "m"), ("vv", "w"), ("1", "i"), ("l", "i"), ("|", "i"), ("0", "o"), ("5", "s"))


@dataclass(frozen=True, slots=True)
class Facts:
    """A text's digit runs in reading order and its listed entities (``type:value``, sorted)."""

    digits: tuple[str, ...]
    entities: tuple[str, ...]

    def to_json(self) -> str:
        return json.dumps({"d": " ".join(self.digits), "e": list(self.entities)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, data: str) -> Facts:
        loaded = json.loads(data)
        return cls(tuple(str(loaded["d"]).split()), tuple(str(e) for e in loaded["e"]))


def repaired(text: str) -> str:
    """``text`` with the OCR's letter-for-digit confusions undone inside mostly numeric words: in a run of
    letters and digits holding at least as many digits as letters, a confusable letter next to a digit becomes
    that digit ("2O24" → "2024", "l6" → "16"; "HB562ZD", a plate, is left alone)."""
    parts: list[str] = []
    last = 0
    for start, end in _numeric_words(text):
        word = text[start:end]
        if word == "|":
            fixed = "1"
        else:
            digits = sum(c.isdigit() for c in word)
            if digits < len(word) - digits:
                continue
            fixed = "".join(
                c.translate(_AS_DIGIT) if not c.isdigit() and _touches_digit(word, i) else c for i, c in enumerate(word)
            )
        if fixed != word:
            parts.append(text[last:start])
            parts.append(fixed)
            last = end
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def _numeric_words(text: str) -> list[tuple[int, int]]:
    """Spans of the runs of letters and digits that hold a digit, and of each "|" beside a digit."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _DIGIT_OR_BAR.finditer(text):
        at = m.start()
        if at < pos:
            continue  # inside the word just taken
        if text[at] == "|":
            if (at > 0 and text[at - 1].isdigit()) or (at + 1 < len(text) and text[at + 1].isdigit()):
                spans.append((at, at + 1))
            continue
        start = at
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        end = _ALNUM.match(text, at).end()  # type: ignore[union-attr]
        spans.append((start, end))
        pos = end
    return spans


def _touches_digit(word: str, i: int) -> bool:
    return (i > 0 and word[i - 1].isdigit()) or (i + 1 < len(word) and word[i + 1].isdigit())


def of_text(text: str, entities: Sequence[Entity] | None = None) -> Facts:
    """The facts of ``text``; ``entities``: its entities if already found (they are found again when the OCR
    repair changed the text)."""
    fixed = repaired(text)
    if entities is None or fixed != text:
        entities = find_entities(fixed)
    keys = sorted({_entity_key(e.type, e.value) for e in entities if e.type in LISTED_TYPES})
    return Facts(tuple(_digit_runs(_months_as_digits(fixed))), tuple(keys))


def _months_as_digits(text: str) -> str:
    """A month named after a day is a number too: "le 12 septembre" → "le 12 09" (a date without its year is
    no entity, but "12 octobre" is another fact)."""
    return _MONTH_AFTER_DAY.sub(lambda m: f"{m.group(1)}{MONTHS[fold(m.group(2)).lower()]:02d}", text)


def _digit_runs(text: str) -> list[str]:
    """The digit runs of ``text`` in reading order, but a single digit between two letters: that is a misread
    letter ("c1ient", "AUDlTl0N")."""
    runs: list[str] = []
    for m in _DIGITS.finditer(text):
        start, end = m.span()
        if (
            end - start == 1
            and start > 0
            and end < len(text)
            and _LETTER.match(text, start - 1)
            and _LETTER.match(text, end)
        ):
            continue
        runs.append(m.group(0))
    return runs


def _entity_key(kind: EntityType, value: str) -> str:
    if kind is EntityType.EMAIL:
        for written, read in _EMAIL_SKELETON:
            value = value.replace(written, read)
    return f"{kind.value}:{value}"


def agree(a: Facts, b: Facts) -> bool:
    """True when nothing in the two texts' numbers and entities tells them apart (see the module's doc)."""
    return _entities_agree(a.entities, b.entities) and _digits_agree(a.digits, b.digits)


def _entities_agree(a: Sequence[str], b: Sequence[str]) -> bool:
    only_a, only_b = set(a) - set(b), set(b) - set(a)
    for key in only_a:
        kind, _, value = key.partition(":")
        for other in only_b:
            other_kind, _, other_value = other.partition(":")
            if other_kind != kind:
                continue
            if kind == EntityType.EMAIL.value and _within_one_edit(value, other_value):
                continue  # one address, misread
            return False
    return True


def _within_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


MAX_ALIGNED = 20_000  # digit runs aligned one by one; longer lists (a phone bill) must hold the same runs


def _digits_agree(a: Sequence[str], b: Sequence[str]) -> bool:
    if a == b:
        return True
    total_a, total_b = sum(map(len, a)), sum(map(len, b))
    budget = max(LOST_PER_BLOCK + 1, int(LOST_SHARE * max(total_a, total_b)))
    if abs(total_a - total_b) > budget:
        return False  # more digits lost than allowed, whatever the alignment
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    a, b = a[head : len(a) - tail], b[head : len(b) - tail]
    if max(len(a), len(b)) > MAX_ALIGNED:
        return Counter(a) == Counter(b)
    places = _unaligned(a, b)
    # A passage the OCR read in another order (a table, a margin note) is a deletion here and an insertion there:
    # the runs that both sides' unaligned parts hold were moved, not changed.
    left_runs = Counter(t for place in places for left, _ in place for t in left)
    moved = left_runs & Counter(t for place in places for _, right in place for t in right)
    moved_left, moved_right = Counter(moved), Counter(moved)
    lost = 0
    for place in places:
        parts = [(_without(left, moved_left), _without(right, moved_right)) for left, right in place]
        joined_left = "".join(t for left, _ in parts for t in left)
        joined_right = "".join(t for _, right in parts for t in right)
        if joined_left == joined_right:
            continue  # numbers split or joined by a space
        short, long_ = sorted((joined_left, joined_right), key=len)
        if not _is_subsequence(short, long_):
            return False  # a digit that differs
        for left, right in parts:
            here_left, here_right = "".join(left), "".join(right)
            gone = abs(len(here_left) - len(here_right))
            if not (here_left and here_right) and gone >= WHOLE_NUMBER:
                return False  # a whole number that only one text holds
            if gone > max(LOST_PER_BLOCK, max(len(here_left), len(here_right)) // 4):
                return False  # more lost in one place than a misread
            lost += gone
        if lost > budget:
            return False
    return True


ANCHOR = 2  # digit runs in a row that two texts must share for the alignment to hold there


def _unaligned(a: Sequence[str], b: Sequence[str]) -> list[list[tuple[list[str], list[str]]]]:
    """The places where the two run lists differ, each as its differences (runs of ``a``, runs of ``b``) in
    order. Differences that fewer than :data:`ANCHOR` shared runs separate are one place, whose digits must
    agree as a whole: "3 … 3 … 4" against "4 … 4 … 5" is three numbers changed, not two lost and two added around
    a shared "4"; the shared runs between them are left out (they are on both sides)."""
    places: list[list[tuple[list[str], list[str]]]] = []
    place: list[tuple[list[str], list[str]]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            if i2 - i1 >= ANCHOR and place:
                places.append(place)
                place = []
            continue
        place.append((list(a[i1:i2]), list(b[j1:j2])))
    if place:
        places.append(place)
    return places


def _without(tokens: list[str], moved: Counter[str]) -> list[str]:
    kept: list[str] = []
    for token in tokens:
        if moved[token] > 0:
            moved[token] -= 1
        else:
            kept.append(token)
    return kept


def _is_subsequence(short: str, long_: str) -> bool:
    rest = iter(long_)
    return all(c in rest for c in short)
