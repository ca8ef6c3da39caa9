"""Query expansion from lexicons: investigator language in the query reaches the words the documents use.

"GAV prolongée" also searches "garde à vue"; "rdv gare" also "rendez-vous"; "insulte" also the insults people
write. Lexicons are TSV files (term, variants, category, note) in ``resources/lexicons/`` merged with the case's
own ``lexicon.tsv``. Expansion is symmetric and one hop: a query word equal to an entry's term or to one of its
variants brings the term and the other variants; a word written in the feminine or the plural of a one-word form
finds it too ("arnaquée" → the entry listing "arnaqué"). Every expansion applied is reported, and each one can be
switched off for a query.
"""

from __future__ import annotations

import csv
import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from arbiter_desktop.domain import Expansion
from arbiter_desktop.search.query import STOP_WORDS
from arbiter_desktop.textfold import fold

MAX_WORDS = 6  # longest expression looked up in a query
_WORD = re.compile(r"[\w'’@+-]+")


def fold_phrase(text: str) -> str:
    """Folded (no case, no accents), typographic apostrophes straightened, spaces collapsed."""
    return " ".join(fold(text.replace("’", "'")).split())


@dataclass(frozen=True, slots=True)
class Entry:
    term: str
    variants: tuple[str, ...]
    category: str
    note: str
    source: str  # lexicon file name

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.variants)

    @property
    def is_acronym(self) -> bool:
        return self.category == "acronyme"


@dataclass
class Lexicon:
    entries: list[Entry] = field(default_factory=list)
    _by_form: dict[str, list[Entry]] = field(default_factory=dict)
    _by_agreement: dict[str, list[Entry]] = field(default_factory=dict)

    @classmethod
    def load(cls, files: Iterable[Path]) -> Lexicon:
        lexicon = cls()
        for path in files:
            lexicon.add_file(path)
        return lexicon

    def add_file(self, path: Path) -> None:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            header = next(reader, None)
            if header is None:
                return
            if [h.strip().lower() for h in header[:2]] != ["term", "variants"]:
                raise ValueError(f"{path}: expected a header line 'term<TAB>variants<TAB>category<TAB>note'")
            for number, row in enumerate(reader, start=2):
                if not row or not row[0].strip() or row[0].startswith("#"):
                    continue
                if len(row) < 2:
                    raise ValueError(f"{path}:{number}: expected term<TAB>variants, got {row!r}")
                variants = tuple(v.strip() for v in row[1].split("|") if v.strip())
                category = row[2].strip() if len(row) > 2 else ""
                note = row[3].strip() if len(row) > 3 else ""
                self.add(Entry(row[0].strip(), variants, category, note, path.name))

    def add(self, entry: Entry) -> None:
        self.entries.append(entry)
        for form in entry.forms:
            key = fold_phrase(form)
            if len(key) >= 2:
                self._by_form.setdefault(key, []).append(entry)
            if len(key) >= 3 and " " not in key:
                for ending in AGREEMENT_ENDINGS:
                    bucket = self._by_agreement.setdefault(key + ending, [])
                    if entry not in bucket:
                        bucket.append(entry)

    def lookup(self, key: str) -> list[Entry]:
        """Entries with a form equal to ``key`` (folded); failing that, a one-word form that ``key`` writes in
        the feminine or the plural ("arnaquées" finds the entry that lists "arnaqué", "policières" the one
        that lists "policier")."""
        return self._by_form.get(key) or self._by_agreement.get(key, [])

    def expand(self, query: str, disabled: Sequence[str] = ()) -> list[Expansion]:
        """Expansions for the words and expressions of ``query``, longest match first, without overlaps."""
        off = {fold_phrase(d) for d in disabled}
        words = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(query)]
        found: list[Expansion] = []
        i = 0
        while i < len(words):
            for size in range(min(MAX_WORDS, len(words) - i), 0, -1):
                start, end = words[i][0], words[i + size - 1][1]
                written = query[start:end]
                key = fold_phrase(written)
                entries = [e for e in self.lookup(key) if _applies(e, written, key)]
                if not entries:
                    continue
                alternatives = _alternatives(entries, key)
                if alternatives and key not in off:
                    categories = tuple(dict.fromkeys(e.category for e in entries))
                    found.append(Expansion(written, key, alternatives, categories, start, end))
                i += size - 1
                break
            i += 1
        return found


AGREEMENT_ENDINGS = ("s", "x", "e", "es")  # feminine and plural endings added to a single word


def _applies(entry: Entry, written: str, key: str) -> bool:
    """Short acronyms collide with ordinary words once folded ("CA"/ça, "PR"/pr): they must be typed in capitals."""
    if entry.is_acronym and fold_phrase(entry.term) == key and len(key) <= 2:
        return written.isupper()
    return key not in STOP_WORDS


def _alternatives(entries: Sequence[Entry], key: str) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for entry in entries:
        for form in entry.forms:
            folded = fold_phrase(form)
            if folded != key and folded not in STOP_WORDS and folded not in seen:
                seen[folded] = form
    return tuple(seen.values())


def lexicon_files(resources: Path, case_dir: Path | None = None) -> list[Path]:
    """The shipped lexicons, then the case's own ``lexicon.tsv`` when it exists."""
    files = sorted((resources / "lexicons").glob("*.tsv"))
    if case_dir is not None and (case_dir / CASE_LEXICON).exists():
        files.append(case_dir / CASE_LEXICON)
    return files


_LOADED: dict[tuple[tuple[str, int, int], ...], Lexicon] = {}
_LOADED_LOCK = threading.Lock()


def default_lexicon(case_dir: Path | None = None) -> Lexicon:
    """The shipped lexicons merged with the case's own ``lexicon.tsv`` (when ``case_dir`` has one).

    Every search and preview asks for it: the merged lexicon is kept while its files keep their size and
    modification time (an edited case lexicon is read again at the next search). Treat it as read-only."""
    from arbiter_desktop.config.paths import resources_dir

    files = lexicon_files(resources_dir(), case_dir)
    stats = [f.stat() for f in files]
    key = tuple((str(f), st.st_mtime_ns, st.st_size) for f, st in zip(files, stats, strict=True))
    with _LOADED_LOCK:
        lexicon = _LOADED.get(key)
        if lexicon is None:
            lexicon = Lexicon.load(files)
            if len(_LOADED) >= 8:  # a few cases open in turn; drop the oldest
                del _LOADED[next(iter(_LOADED))]
            _LOADED[key] = lexicon
        return lexicon


CASE_LEXICON = "lexicon.tsv"
LexiconRow = tuple[str, str, str, str]  # term, variants ("a|b|c"), category, note


def read_case_lexicon(case_dir: Path) -> list[LexiconRow]:
    """The rows of the case's own lexicon, for editing (empty when the case has none)."""
    path = case_dir / CASE_LEXICON
    if not path.exists():
        return []
    rows: list[LexiconRow] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader, None)
        for row in reader:
            if row and row[0].strip() and not row[0].startswith("#"):
                cells = [*row, "", "", ""][:4]
                rows.append((cells[0], cells[1], cells[2], cells[3]))
    return rows


def checked_lexicon_rows(rows: Iterable[LexiconRow]) -> list[LexiconRow]:
    """``rows`` as the case's lexicon keeps them: empty rows dropped, tabs and line breaks inside a cell made
    spaces; a row without a term or a variant is an error that names it."""

    def clean(cell: str) -> str:
        return " ".join(cell.replace("\t", " ").split())

    kept: list[LexiconRow] = []
    for number, row in enumerate(rows, start=1):
        term, variants, category, note = (clean(c) for c in row)
        if not term and not variants:
            continue
        if not term or not any(v.strip() for v in variants.split("|")):
            raise ValueError(f"row {number}: a term needs at least one variant (variants separated by |)")
        kept.append((term, variants, category, note))
    return kept


def write_case_lexicon(case_dir: Path, rows: Iterable[LexiconRow]) -> None:
    """Replace the case's lexicon with ``rows`` (atomically; see :func:`checked_lexicon_rows`)."""
    kept = checked_lexicon_rows(rows)
    path = case_dir / CASE_LEXICON
    tmp = path.with_suffix(".tmp")
    lines = ["term\tvariants\tcategory\tnote", *("\t".join(r) for r in kept)]
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    Lexicon.load([tmp])  # the file must read back
    os.replace(tmp, path)
