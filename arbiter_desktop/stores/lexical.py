"""The full-text index (tantivy): schema, French analyzers, writing and searching chunks.

Only this module imports tantivy. Every indexed document is one chunk; ``doc_key`` (the SHA-256 of the
source content) groups the chunks of one document so they can be deleted together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import tantivy

from arbiter_desktop.chunking.derived import ChunkTerms, chunk_terms
from arbiter_desktop.domain import LOCATION_SEPARATOR
from arbiter_desktop.stores.damage import LEXICAL, Damage, StoreDamaged

# The index's format: bump it whenever build_schema() or an analyzer changes. An index written in another format
# is reported as a damage that a repair fixes by rebuilding it from the catalog's text (no source is read again).
# 2: entity terms from arbiter_desktop.entities (typed keys: "tel:+33…", "date:…", "num:…")
# 3: and the text_ocr field (keys of words as a bad OCR reads them, arbiter_desktop/noisytext.py) and the acronyms
# field (words written in capitals, as written)
FORMAT = 3
FORMAT_FILE = "arbiter-format"  # in the index folder; an index without it predates the marker: format 1

FRENCH = "fr_stem"  # lowercase, elision, ASCII folding, French stemming
EXACT = "fr_exact"  # lowercase, elision, ASCII folding — no stemming (names, exact words)
ENTITY = "entity"  # whitespace-separated entity search keys ("tel:+33749271683", "plate:hb562zd"…)
CASED = "cased"  # whitespace-separated terms kept as written (acronyms in capitals)

# Elided articles and pronouns: "l'audition" → "audition". The simple tokenizer splits on the apostrophe, so
# the elided part is a token of its own, removed here.
ELISIONS = ("l", "d", "j", "qu", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu", "quoiqu")


def _analyzer(stem: bool) -> Any:
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.custom_stopword(list(ELISIONS)))
    )
    if stem:
        builder = builder.filter(tantivy.Filter.stemmer("french"))
    return builder.build()


def _entity_analyzer() -> Any:
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).filter(tantivy.Filter.lowercase()).build()


@lru_cache(maxsize=1)
def analyzers() -> dict[str, Any]:
    return {
        FRENCH: _analyzer(stem=True),
        EXACT: _analyzer(stem=False),
        ENTITY: _entity_analyzer(),
        CASED: tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build(),
    }


class Token(NamedTuple):  # a tuple: made by the hundred per passage, ~3x cheaper to build than a dataclass
    text: str  # the analysed term
    start: int  # character offsets in the analysed string
    end: int


def analyze(text: str, analyzer: str = FRENCH) -> list[Token]:
    """Terms of ``text`` as the index sees them, with character offsets (for highlighting)."""
    return list(_analyzed(text, analyzer))


ANALYSES_KEPT = 256  # analysed texts kept: a search reads the same head passages several times (coverage,
# second stage, passages of the hits), and the next search of a refined query mostly the same ones again


@lru_cache(maxsize=ANALYSES_KEPT)
def _analyzed(text: str, analyzer: str) -> tuple[Token, ...]:
    return tuple(analyze_uncached(text, analyzer))


def analyze_uncached(text: str, analyzer: str = FRENCH) -> list[Token]:
    """:func:`analyze` for a text that will not be read again (not kept)."""
    tokens = analyzers()[analyzer].pre_tokenize(text).tokens
    return [Token(t.text, t.char_offset_from, t.char_offset_to) for t in tokens]


def build_schema() -> Any:
    """The one place that states every field and its flags."""
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("chunk_id", stored=True, indexed=True, fast=True)
    sb.add_integer_field("document_id", stored=True, indexed=True, fast=True)
    sb.add_text_field("doc_key", tokenizer_name="raw", index_option="basic")  # SHA-256: delete a document
    sb.add_text_field("text", tokenizer_name=FRENCH)
    sb.add_text_field("text_exact", tokenizer_name=EXACT)
    sb.add_text_field("entities", tokenizer_name=ENTITY, index_option="freq")
    sb.add_text_field("text_ocr", tokenizer_name=ENTITY, index_option="freq")  # OCR-folded word keys
    sb.add_text_field("acronyms", tokenizer_name=CASED, index_option="freq")  # words written in capitals
    sb.add_text_field("title", tokenizer_name=FRENCH)
    sb.add_text_field("path", tokenizer_name=EXACT)  # searchable words of the file paths
    sb.add_text_field("folder", tokenizer_name="raw", index_option="basic")  # every ancestor folder: filter
    sb.add_text_field("kind", tokenizer_name="raw", index_option="basic")
    sb.add_date_field("date", indexed=True, fast=True)
    return sb.build()


SEARCH_FIELDS = ("text", "text_exact", "title", "path", "entities", "kind")


@dataclass(frozen=True, slots=True)
class ChunkRecord:
    """What the lexical index needs to know about one chunk."""

    chunk_id: int
    document_id: int
    doc_key: str
    text: str
    title: str
    paths: Sequence[str]
    kind: str
    date: datetime | None
    terms: ChunkTerms | None = None  # the derived fields' terms, when the extraction worker computed them
    reading: str | None = None  # the words to index instead of ``text``'s (a badly recognised document's reading)


def folders_of(path: str) -> list[str]:
    """Every ancestor folder of a path, for prefix filters; for a member of a container ("/d/scelle.zip › a/b.pdf")
    the container's folders, the container itself and its inner folders."""
    head, separator, inner = path.partition(LOCATION_SEPARATOR)
    found = list(_folder_and_parents(str(Path(head).parent)))
    if separator:
        found.append(head)
        found += [f"{head}{separator}{p}" for p in _folder_and_parents(str(Path(inner).parent))]
    return found


@lru_cache(maxsize=1 << 14)  # the files of a case share their folders: each folder's ancestry is built once
def _folder_and_parents(folder: str) -> tuple[str, ...]:
    return tuple(str(p) for p in (Path(folder), *Path(folder).parents) if str(p) not in (".", ""))


def _read_format(directory: Path) -> int:
    try:
        return int((directory / FORMAT_FILE).read_text(encoding="ascii").strip())
    except FileNotFoundError:
        return 1
    except (OSError, ValueError):
        return 0


# --- the store --------------------------------------------------------------------------------------------


class LexicalStore:
    """A tantivy index in ``directory``; one writer per process that indexes, readers anywhere.

    ``must_exist`` (the catalog records indexed documents) makes a missing index an error: tantivy would
    otherwise create an empty one in its place. A missing or damaged segment raises :class:`StoreDamaged`, at
    open or when it is first read."""

    def __init__(self, directory: Path, must_exist: bool = False) -> None:
        self.directory = directory
        if must_exist and not (directory / "meta.json").exists():
            raise self._damaged("its meta.json is missing (the index is gone or was moved)")
        existed = (directory / "meta.json").exists()
        if existed:
            found = _read_format(directory)
            if found != FORMAT:
                raise self._damaged(
                    f"it was written in format {found} by another version of the app (this one reads format "
                    f"{FORMAT}): a repair rebuilds it from the catalog's text"
                )
        directory.mkdir(parents=True, exist_ok=True)
        self.schema = build_schema()
        try:
            self.index = tantivy.Index(self.schema, path=str(directory), reuse=True)
        except ValueError as exc:
            raise self._damaged(str(exc)) from exc
        for name, analyzer in analyzers().items():
            self.index.register_tokenizer(name, analyzer)
        if not existed:
            (directory / FORMAT_FILE).write_text(f"{FORMAT}\n", encoding="ascii")
        self._writer: Any = None

    def _damaged(self, problem: str) -> StoreDamaged:
        return StoreDamaged(Damage(LEXICAL, self.directory, problem))

    # writing
    def _get_writer(self, heap_mb: int = 128) -> Any:
        if self._writer is None:
            self._writer = self.index.writer(heap_size=heap_mb * 1_000_000, num_threads=1)
        return self._writer

    def open_writer(self, heap_mb: int = 128) -> None:
        self._get_writer(heap_mb)

    def add_chunks(self, records: Iterable[ChunkRecord]) -> None:
        writer = self._get_writer()
        for r in records:
            terms = r.terms if r.terms is not None else chunk_terms(r.text)
            doc: dict[str, Any] = {
                "chunk_id": r.chunk_id,
                "document_id": r.document_id,
                "doc_key": r.doc_key,
                "text": r.reading or r.text,
                "text_exact": r.reading or r.text,
                "entities": terms.entities,
                "text_ocr": terms.ocr,
                "acronyms": terms.acronyms,
                "title": r.title,
                "path": list(r.paths),
                "folder": sorted({f for p in r.paths for f in folders_of(p)}),
                "kind": r.kind,
            }
            if r.date is not None:
                doc["date"] = r.date
            writer.add_document(tantivy.Document.from_dict(doc, self.schema))

    def delete_document(self, doc_key: str) -> None:
        self._get_writer().delete_documents_by_term("doc_key", doc_key)

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()

    def close_writer(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None

    # reading
    def reload(self) -> None:
        try:
            self.index.reload()
        except ValueError as exc:
            raise self._damaged(str(exc)) from exc

    def num_docs(self) -> int:
        """Chunks in the index as last reloaded (no reload)."""
        return int(self.index.searcher().num_docs)

    def num_chunks(self) -> int:
        self.reload()
        return int(self.index.searcher().num_docs)

    def search(self, query: Any, limit: int) -> list[tuple[float, int, int]]:
        """(score, chunk_id, document_id) of the best ``limit`` chunks."""
        try:
            searcher = self.index.searcher()
            result = searcher.search(query, limit=limit, count=False)
            if not result.hits:
                return []
            addresses = [address for _, address in result.hits]
            chunk_ids = searcher.fast_field_values("chunk_id", addresses)
            document_ids = searcher.fast_field_values("document_id", addresses)
        except ValueError as exc:
            raise self._damaged(str(exc)) from exc
        return [
            (float(score), int(c), int(d))
            for (score, _), c, d in zip(result.hits, chunk_ids, document_ids, strict=True)
            if c is not None and d is not None
        ]

    def matching_documents(self, query: Any) -> list[int]:
        """The document id of every chunk that ``query`` matches (one per chunk), in no particular order."""
        try:
            searcher = self.index.searcher()
            limit = max(1, int(searcher.num_docs))
            result = searcher.search(query, limit=limit, count=False)
            if not result.hits:
                return []
            document_ids = searcher.fast_field_values("document_id", [address for _, address in result.hits])
        except ValueError as exc:
            raise self._damaged(str(exc)) from exc
        return [int(d) for d in document_ids if d is not None]

    def chunks_holding(self, field: str, terms: Iterable[str], chunk_ids: Sequence[int]) -> set[int]:
        """Which of ``chunk_ids`` hold one of ``terms`` in ``field`` (the index's terms: entity keys, OCR keys…)."""
        values = sorted(set(terms))
        if not values or not chunk_ids:
            return set()
        query = self.boolean(
            [
                ("must", tantivy.Query.term_set_query(self.schema, "chunk_id", list(chunk_ids))),
                ("must", tantivy.Query.term_set_query(self.schema, field, values)),
            ]
        )
        try:
            searcher = self.index.searcher()
            result = searcher.search(query, limit=len(chunk_ids), count=False)
            found = searcher.fast_field_values("chunk_id", [address for _, address in result.hits])
        except ValueError as exc:
            raise self._damaged(str(exc)) from exc
        return {int(c) for c in found if c is not None}

    def doc_freq(self, field: str, term: str) -> int:
        return int(self.index.searcher().doc_freq(field, term))

    # query building blocks (so that no other module needs tantivy)
    def term(self, field: str, value: str) -> Any:
        return tantivy.Query.term_query(self.schema, field, value, index_option="freq")

    def phrase(self, field: str, words: Sequence[str | tuple[int, str]], slop: int = 0) -> Any:
        """A phrase of analysed terms; a term may carry its position ((offset, term)) to keep gaps."""
        return tantivy.Query.phrase_query(self.schema, field, list(words), slop)

    def fuzzy(self, field: str, text: str, distance: int) -> Any:
        return tantivy.Query.fuzzy_term_query(self.schema, field, text, distance, True, False)

    def regex(self, field: str, pattern: str) -> Any:
        return tantivy.Query.regex_query(self.schema, field, pattern)

    def document_filter(self, document_ids: Sequence[int]) -> Any:
        """Chunks of these documents only (an entity filter)."""
        if not document_ids:
            return tantivy.Query.empty_query()
        return tantivy.Query.term_set_query(self.schema, "document_id", list(document_ids))

    def any_term(self, field: str, values: Sequence[str]) -> Any:
        """Chunks that hold one of ``values`` (the index's terms) in ``field``."""
        return tantivy.Query.term_set_query(self.schema, field, list(values))

    def date_range(self, start: datetime | None, end: datetime | None) -> Any:
        return tantivy.Query.range_query(
            self.schema,
            "date",
            tantivy.FieldType.Date,
            start or tantivy.MIN_DATETIME,
            end or tantivy.MAX_DATETIME,
        )

    @staticmethod
    def boost(query: Any, factor: float) -> Any:
        return tantivy.Query.boost_query(query, factor)

    @staticmethod
    def boolean(clauses: Sequence[tuple[str, Any]]) -> Any:
        occurs = {
            "must": tantivy.Occur.Must,
            "should": tantivy.Occur.Should,
            "must_not": tantivy.Occur.MustNot,
        }
        return tantivy.Query.boolean_query([(occurs[o], q) for o, q in clauses])

    @staticmethod
    def dismax(queries: Sequence[Any]) -> Any:
        """Scores a document by its best-matching query only."""
        return tantivy.Query.disjunction_max_query(list(queries))

    @staticmethod
    def everything() -> Any:
        return tantivy.Query.all_query()

    @staticmethod
    def nothing() -> Any:
        return tantivy.Query.empty_query()
