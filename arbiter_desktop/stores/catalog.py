"""The case catalog (SQLite, WAL): sources, files, documents, chunks, errors and the index generation.

A *document* is one distinct content (keyed by SHA-256); a *file* is a path that holds a content. Identical
files share a document, indexed once. A document is ``pending`` until its chunks are committed to the
full-text index; the indexer re-sends pending documents after a crash (delete then add), so the stores
converge without duplicates.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from arbiter_desktop.domain import (
    Chunk,
    ChunkSpan,
    ErrorReason,
    Extraction,
    FileError,
    FileFingerprint,
    FileKind,
    OcrWord,
    PageSpan,
    RecognisedPage,
)
from arbiter_desktop.safetext import escape_surrogates
from arbiter_desktop.stores.damage import CATALOG, Damage, StoreDamaged
from arbiter_desktop.stores.ocr_cache import decode_words, encode_words

SCHEMA_VERSION = 1  # the base schema below; later additions are named migrations (MIGRATIONS)
# Documents of the OCR phase's text replacement, never referenced by a file (see Catalog.take_staged_text): their
# SHA-256 column holds the replaced document's followed by one of these.
STAGED_SUFFIX = "#ocr-staged"
RETIRED_SUFFIX = "#ocr-retired"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, added_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: vectors and index entries are keyed by ids
    sha256 TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    size INTEGER NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    pages TEXT NOT NULL,          -- JSON [[number, start, end, label], ...]
    fields TEXT NOT NULL,         -- JSON object
    date TEXT,                    -- ISO 8601 or NULL
    state TEXT NOT NULL,          -- 'pending' until its chunks are in the full-text index, then 'indexed'
    indexed_at REAL);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    document_id INTEGER REFERENCES documents(id));
CREATE INDEX IF NOT EXISTS files_document ON files(document_id);
CREATE INDEX IF NOT EXISTS files_sha ON files(sha256);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a stale vector can never name another chunk
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    page INTEGER NOT NULL,
    embedded INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS chunks_document ON chunks(document_id);
CREATE TABLE IF NOT EXISTS errors (
    path TEXT PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    reason TEXT NOT NULL,
    message TEXT NOT NULL,
    at REAL NOT NULL);
"""


# Additive changes to the base schema, applied in this order when a catalog is opened, each once: its name is
# recorded in ``meta`` as ``migration:NAME`` in the same transaction as its statements. A migration only adds
# (tables, columns with defaults, indexes), so that a case written by an earlier version opens unchanged and gains
# what the new version records from its next indexing run. Append new ones at the end; never edit a released one.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        # formats: members of containers (archives, mailboxes) are documents of their own
        "members",
        """
CREATE TABLE IF NOT EXISTS members (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_path TEXT NOT NULL,       -- the case file that holds it (outermost container), as files.path
    parent_id INTEGER REFERENCES members(id) ON DELETE CASCADE,  -- the member that holds it (nested), or NULL
    container_sha256 TEXT NOT NULL, -- SHA-256 of its immediate container's bytes
    inner_path TEXT NOT NULL,      -- where it is in its immediate container, as shown
    ref TEXT NOT NULL,             -- how to find it again there (entry name, message identifier)
    location TEXT NOT NULL,        -- "file_path › inner › inner": how hits cite it
    sha256 TEXT NOT NULL,          -- of its bytes ('' when they could not be read)
    size INTEGER NOT NULL,
    kind TEXT NOT NULL,
    depth INTEGER NOT NULL,        -- 1 for a member of a case file, 2 for a member of that member...
    document_id INTEGER REFERENCES documents(id),
    reason TEXT,                   -- why it is not indexed (NULL: indexed, or not yet read)
    message TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS members_location ON members(location);
CREATE INDEX IF NOT EXISTS members_file ON members(file_path);
CREATE INDEX IF NOT EXISTS members_document ON members(document_id);
""",
    ),
    (
        # Scanned pages: those of a document still to be recognised (JSON list of page numbers), and for each page
        # recognised, the geometry and word boxes of its reading (the preview boxes a hit's words on the scan).
        "ocr",
        """
        ALTER TABLE documents ADD COLUMN ocr_pending TEXT NOT NULL DEFAULT '[]';
        CREATE TABLE IF NOT EXISTS ocr_pages (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            page INTEGER NOT NULL,
            confidence REAL NOT NULL,
            rotation INTEGER NOT NULL,   -- degrees (counter-clockwise) the page was turned to read it upright
            width INTEGER NOT NULL,      -- pixels of the upright image read
            height INTEGER NOT NULL,
            words BLOB NOT NULL,         -- stores/ocr_cache.py: encode_words
            failure TEXT NOT NULL DEFAULT '',  -- why the page could not be recognised ('' when it was)
            PRIMARY KEY (document_id, page));
        """,
    ),
    # tools (issue 18): entities of each document, MinHash signatures and LSH bands (stores/analysis.py)
    (
        "entities_and_signatures",
        """
        CREATE TABLE IF NOT EXISTS entities (
            id INTEGER PRIMARY KEY, type TEXT NOT NULL, value TEXT NOT NULL, display TEXT NOT NULL,
            valid INTEGER NOT NULL DEFAULT 1, UNIQUE (type, value));
        CREATE TABLE IF NOT EXISTS document_entities (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            entity_id INTEGER NOT NULL REFERENCES entities(id),
            count INTEGER NOT NULL,
            offsets TEXT NOT NULL,  -- JSON [[start, end], ...]: the first occurrences
            forms TEXT NOT NULL,    -- JSON ["written form", ...]: the distinct ways the document writes it
            PRIMARY KEY (document_id, entity_id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS document_entities_entity ON document_entities(entity_id);
        CREATE TABLE IF NOT EXISTS document_analysis (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            signature BLOB,
            facts TEXT);  -- JSON: the digit runs and entities that near-duplicates must share
        CREATE TABLE IF NOT EXISTS document_bands (
            key INTEGER NOT NULL,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE);
        CREATE INDEX IF NOT EXISTS document_bands_key ON document_bands(key);
        CREATE INDEX IF NOT EXISTS document_bands_document ON document_bands(document_id);
        """,
    ),
    # person and place names (entities/names.py), found after the text is searchable: the documents already read
    (
        "names",
        """
        CREATE TABLE IF NOT EXISTS document_names (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            version INTEGER NOT NULL);
        """,
    ),
    # the documents in a state, read from a small index instead of the rows that hold the texts: the check of the
    # full-text index's count at every opening (Catalog.lexical_bounds) read the whole table — at 1M chunks
    # (100,000 documents, a 1 GB catalog) 4.1 s from disk, 0.40 s cached; through this index 0.60 s and 0.11 s
    (
        "documents_state",
        """
        CREATE INDEX IF NOT EXISTS documents_state ON documents(state);
        """,
    ),
    # readings of badly recognised documents (noisytext.py, indexing/readings.py): the words of the case with how
    # often they are written, and per document the words its reading replaces
    (
        "readings",
        """
        CREATE TABLE IF NOT EXISTS words (  -- lowercase; folded: without accents; key: its OCR key
            word TEXT PRIMARY KEY, folded TEXT NOT NULL, key TEXT NOT NULL, count INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS words_key ON words(key);
        CREATE TABLE IF NOT EXISTS document_readings (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            fixes TEXT,                          -- JSON {"as written": "as read"}; NULL: counted, not yet judged
            judged_words INTEGER NOT NULL DEFAULT 0,  -- the case's word count when it was judged
            generation INTEGER NOT NULL DEFAULT 0);   -- the catalog generation when its reading last changed
        """,
    ),
)


@dataclass(frozen=True, slots=True)
class DocumentRow:
    id: int
    sha256: str
    kind: FileKind
    size: int
    title: str
    text: str
    pages: tuple[PageSpan, ...]
    fields: dict[str, str]
    date: datetime | None
    paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """A document without its text: what a hit needs to cite it. Its pages are read from their JSON when asked
    for: a search reads the metadata of the ~250 documents it ranks and cites ~50 (decoding every page list was
    ~5 ms of a 25 ms search at 100k chunks)."""

    id: int
    sha256: str
    kind: FileKind
    title: str
    pages_json: str = field(repr=False)
    date: datetime | None
    paths: tuple[str, ...]

    @property
    def pages(self) -> tuple[PageSpan, ...]:
        return _pages_cached(self.pages_json)


@dataclass(frozen=True, slots=True)
class AwaitingOcr:
    """A document with pages still to recognise, and where to read them: its first file, or, for a member of a
    container only, its location (copied out of its containers to be read)."""

    id: int
    sha256: str
    kind: FileKind
    pending: tuple[int, ...]  # page numbers
    recognised: int  # pages already recognised (they count toward the per-document page limit)
    path: str  # a case file, or a member's location ("scelle.zip › a.jpg")
    file_path: str  # the case file to check for changes: the document's file, or the member's outermost container
    size: int  # of that case file, as recorded
    mtime_ns: int
    member: bool = False


@dataclass(frozen=True, slots=True)
class OcrPage:
    """How a page was recognised: what the preview needs to box words on the scan."""

    document_id: int
    page: int
    confidence: float
    rotation: int
    width: int
    height: int
    words: tuple[OcrWord, ...]
    failure: str


@dataclass(frozen=True, slots=True)
class KnownFile:
    path: str
    size: int
    mtime_ns: int
    sha256: str
    failed: bool


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A member of a container, as the catalog records it."""

    id: int
    file_path: str
    parent_id: int | None
    container_sha256: str
    inner_path: str
    ref: str
    location: str
    sha256: str
    size: int
    kind: FileKind
    depth: int
    document_id: int | None
    reason: ErrorReason | None
    message: str


_MEMBER_COLUMNS = (
    "id, file_path, parent_id, container_sha256, inner_path, ref, location, sha256, size, kind, depth, document_id,"
    " reason, message"
)


def _member_row(row: Sequence[object]) -> MemberRow:
    return MemberRow(
        id=int(str(row[0])),
        file_path=str(row[1]),
        parent_id=None if row[2] is None else int(str(row[2])),
        container_sha256=str(row[3]),
        inner_path=str(row[4]),
        ref=str(row[5]),
        location=str(row[6]),
        sha256=str(row[7]),
        size=int(str(row[8])),
        kind=FileKind(str(row[9])),
        depth=int(str(row[10])),
        document_id=None if row[11] is None else int(str(row[11])),
        reason=None if row[12] is None else ErrorReason(str(row[12])),
        message=str(row[13] or ""),
    )


@dataclass(frozen=True, slots=True)
class SourceCounts:
    path: str
    files: int  # files read (documents, duplicates included)
    indexed: int  # of which searchable
    errors: int  # files that could not be indexed


def is_damage(exc: sqlite3.Error) -> bool:
    """Does this SQLite error mean a damaged file (rather than a lock, a full disk or a bug)?"""
    if isinstance(exc, sqlite3.OperationalError):
        return "malformed" in str(exc) or "no such table" in str(exc)
    return type(exc) is sqlite3.DatabaseError  # "file is not a database", "database disk image is malformed"


def damage(path: Path, exc: sqlite3.Error) -> StoreDamaged:
    return StoreDamaged(Damage(CATALOG, path, f"SQLite reports: {exc}"))


class Catalog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
        try:
            self._open()
        except sqlite3.Error as exc:
            self.db.close()
            if is_damage(exc):
                raise damage(path, exc) from exc
            raise
        except BaseException:
            self.db.close()
            raise

    def _open(self) -> None:
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(_SCHEMA)
        with self.transaction():
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('generation', '0')")
        path = self.path
        version = int(self.meta("schema_version") or 0)
        if version != SCHEMA_VERSION:
            raise RuntimeError(f"{path}: catalog schema version {version}, this app reads version {SCHEMA_VERSION}")
        self._migrate(MIGRATIONS)

    def _migrate(self, migrations: Sequence[tuple[str, str]]) -> None:
        """Apply the migrations not yet recorded in this catalog, each in a transaction of its own."""
        for name, script in migrations:
            if self.meta(f"migration:{name}") is not None:
                continue
            with self.transaction():
                for statement in _statements(script):
                    self.db.execute(statement)
                self.set_meta(f"migration:{name}", str(time.time()))

    def migrations(self) -> list[str]:
        """Names of the migrations this catalog has received."""
        rows = self.db.execute("SELECT key FROM meta WHERE key LIKE 'migration:%' ORDER BY key")
        return [str(r[0]).removeprefix("migration:") for r in rows]

    def close(self) -> None:
        self.db.close()

    def quick_check(self) -> list[str]:
        """SQLite's own check of every page of the file (a full read: seconds for a large case); [] if sound."""
        try:
            problems = [str(r[0]) for r in self.db.execute("PRAGMA quick_check")]
        except sqlite3.DatabaseError as exc:
            return [str(exc)]
        return [] if problems == ["ok"] else problems

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one committed state of the catalog, whatever an indexer commits meanwhile."""
        if self.db.in_transaction:
            yield
            return
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            self.db.execute("COMMIT")

    def lexical_bounds(self) -> tuple[int, int]:
        """(fewest, most) chunks the full-text index can hold at any commit, as of this catalog state.

        Every chunk of a document marked ``indexed`` that a file still references is in the index (it is marked
        after the index commits and only leaves it as an orphan or re-sent with its replacement); the index never
        holds a chunk the catalog has not recorded (chunks are recorded first, and removed from it last)."""
        with self.snapshot():
            fewest = self.db.execute(
                "SELECT COUNT(*) FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.state = 'indexed'"
                " AND (EXISTS (SELECT 1 FROM files f WHERE f.document_id = d.id)"
                " OR EXISTS (SELECT 1 FROM members m WHERE m.document_id = d.id))"
            ).fetchone()[0]
            most = self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        return int(fewest), int(most)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # meta
    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def generation(self) -> int:
        return int(self.meta("generation") or 0)

    # sources
    def add_source(self, path: str) -> int:
        self.db.execute("INSERT OR IGNORE INTO sources (path, added_at) VALUES (?, ?)", (path, time.time()))
        row = self.db.execute("SELECT id FROM sources WHERE path=?", (path,)).fetchone()
        return int(row[0])

    def sources(self) -> list[tuple[int, str]]:
        return [(int(i), str(p)) for i, p in self.db.execute("SELECT id, path FROM sources ORDER BY path")]

    def forget_source(self, path: str) -> int:
        """Forget a source (inside the caller's transaction): its files and failed files leave the case, their
        documents are pending (those no other file holds are removed from the indexes at the next flush); the number
        of files forgotten."""
        row = self.db.execute("SELECT id FROM sources WHERE path=?", (path,)).fetchone()
        if row is None:
            return 0
        known = self.known_files(int(row[0]))
        for file_path in known:
            self.remove_file(file_path)
        self.db.execute("DELETE FROM sources WHERE id=?", (row[0],))
        return sum(1 for f in known.values() if not f.failed)

    # files
    def known_files(self, source_id: int) -> dict[str, KnownFile]:
        """Files and failed files last seen under a source, by path."""
        known: dict[str, KnownFile] = {}
        for path, size, mtime, sha in self.db.execute(
            "SELECT path, size, mtime_ns, sha256 FROM files WHERE source_id=?", (source_id,)
        ):
            known[path] = KnownFile(path, size, mtime, sha, failed=False)
        for path, size, mtime, sha in self.db.execute(
            "SELECT path, size, mtime_ns, sha256 FROM errors WHERE source_id=?", (source_id,)
        ):
            known[path] = KnownFile(path, size, mtime, sha, failed=True)
        return known

    def document_of_path(self, path: str) -> int | None:
        row = self.db.execute("SELECT document_id FROM files WHERE path=?", (path,)).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def document_id_for(self, sha256: str) -> int | None:
        row = self.db.execute("SELECT id FROM documents WHERE sha256=?", (sha256,)).fetchone()
        return None if row is None else int(row[0])

    def upsert_file(self, source_id: int, fp: FileFingerprint, document_id: int) -> None:
        self.db.execute("DELETE FROM errors WHERE path=?", (fp.path,))
        self.db.execute(
            "INSERT INTO files (path, source_id, size, mtime_ns, sha256, kind, document_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET source_id=excluded.source_id,"
            " size=excluded.size, mtime_ns=excluded.mtime_ns, sha256=excluded.sha256, kind=excluded.kind,"
            " document_id=excluded.document_id",
            (fp.path, source_id, fp.size, fp.mtime_ns, fp.sha256, fp.kind.value, document_id),
        )

    def record_error(self, source_id: int, fp: FileFingerprint, reason: ErrorReason, message: str) -> None:
        self.remove_file(fp.path)
        self.db.execute(
            "INSERT OR REPLACE INTO errors VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                fp.path,
                source_id,
                fp.size,
                fp.mtime_ns,
                fp.sha256,
                reason.value,
                escape_surrogates(message),
                time.time(),
            ),
        )

    def remove_file(self, path: str) -> None:
        """Forget a path (file or error), and the members it held. Its document is marked pending so its paths
        are re-indexed."""
        row = self.db.execute("SELECT document_id FROM files WHERE path=?", (path,)).fetchone()
        self.db.execute("DELETE FROM files WHERE path=?", (path,))
        self.db.execute("DELETE FROM errors WHERE path=?", (path,))
        self.delete_members(path)
        if row is not None and row[0] is not None:
            self.db.execute("UPDATE documents SET state='pending' WHERE id=?", (row[0],))

    # members of containers
    def add_member(
        self,
        file_path: str,
        parent_id: int | None,
        container_sha256: str,
        inner_path: str,
        ref: str,
        location: str,
        sha256: str,
        size: int,
        kind: FileKind,
        depth: int,
        reason: ErrorReason | None = None,
        message: str = "",
    ) -> int:
        cur = self.db.execute(
            "INSERT INTO members (file_path, parent_id, container_sha256, inner_path, ref, location, sha256, size,"
            " kind, depth, reason, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                file_path,
                parent_id,
                container_sha256,
                inner_path,
                ref,
                location,
                sha256,
                size,
                kind.value,
                depth,
                reason.value if reason else None,
                escape_surrogates(message),
            ),
        )
        return int(cur.lastrowid or 0)

    def set_member_document(self, member_ids: Iterable[int], document_id: int) -> None:
        """The members now read as ``document_id`` (marked pending: its list of paths changed)."""
        self.db.executemany(
            "UPDATE members SET document_id=?, reason=NULL, message=NULL WHERE id=?",
            [(document_id, i) for i in member_ids],
        )
        self.mark_pending(document_id)

    def set_member_error(self, member_ids: Iterable[int], reason: ErrorReason, message: str) -> None:
        self.db.executemany(
            "UPDATE members SET document_id=NULL, reason=?, message=? WHERE id=?",
            [(reason.value, escape_surrogates(message), i) for i in member_ids],
        )

    def delete_members(self, file_path: str) -> None:
        """Forget the members a case file held; their documents are marked pending (paths changed) and become
        orphans if nothing else holds them."""
        self.db.execute(
            "UPDATE documents SET state='pending' WHERE id IN"
            " (SELECT document_id FROM members WHERE file_path=? AND document_id IS NOT NULL)",
            (file_path,),
        )
        self.db.execute("DELETE FROM members WHERE file_path=?", (file_path,))

    def members_of(self, file_path: str) -> list[MemberRow]:
        rows = self.db.execute(f"SELECT {_MEMBER_COLUMNS} FROM members WHERE file_path=? ORDER BY id", (file_path,))
        return [_member_row(r) for r in rows]

    def member(self, location: str) -> MemberRow | None:
        row = self.db.execute(f"SELECT {_MEMBER_COLUMNS} FROM members WHERE location=?", (location,)).fetchone()
        return None if row is None else _member_row(row)

    def member_by_id(self, member_id: int) -> MemberRow | None:
        row = self.db.execute(f"SELECT {_MEMBER_COLUMNS} FROM members WHERE id=?", (member_id,)).fetchone()
        return None if row is None else _member_row(row)

    def member_chain(self, location: str) -> list[MemberRow]:
        """The member at ``location`` and the members holding it, outermost first ([] when none)."""
        chain: list[MemberRow] = []
        row = self.member(location)
        while row is not None:
            chain.append(row)
            row = self.member_by_id(row.parent_id) if row.parent_id is not None else None
        return chain[::-1]

    def containers_of(self, location: str) -> tuple[tuple[str, str], ...]:
        """(location, SHA-256) of each container enclosing ``location``, outermost first (() for a case file)."""
        chain = self.member_chain(location)
        if not chain:
            return ()
        found = [(chain[0].file_path, chain[0].container_sha256)]
        found += [(row.location, row.sha256) for row in chain[:-1]]
        return tuple(found)

    def files_with_unread_members(self) -> set[str]:
        """Case files some of whose members were listed but not yet read (a run stopped in the middle)."""
        rows = self.db.execute("SELECT DISTINCT file_path FROM members WHERE document_id IS NULL AND reason IS NULL")
        return {str(r[0]) for r in rows}

    def has_members(self, file_path: str) -> bool:
        return self.db.execute("SELECT 1 FROM members WHERE file_path=? LIMIT 1", (file_path,)).fetchone() is not None

    def copy_members(self, source_path: str, target_path: str) -> list[int]:
        """Record under ``target_path`` the members that ``source_path`` holds (an identical container); the
        documents they point at, marked pending (paths changed)."""
        mapping: dict[int, int] = {}
        documents: list[int] = []
        for row in self.members_of(source_path):
            location = target_path + row.location[len(row.file_path) :]
            new_id = self.add_member(
                target_path,
                mapping.get(row.parent_id) if row.parent_id is not None else None,
                row.container_sha256,
                row.inner_path,
                row.ref,
                location,
                row.sha256,
                row.size,
                row.kind,
                row.depth,
                row.reason,
                row.message,
            )
            mapping[row.id] = new_id
            if row.document_id is not None:
                self.set_member_document([new_id], row.document_id)
                documents.append(row.document_id)
        return documents

    def complete_member_source(self, sha256: str, exclude: str) -> str | None:
        """A case file with this content whose members were all read, other than ``exclude``."""
        rows = self.db.execute("SELECT path FROM files WHERE sha256=? AND path != ?", (sha256, exclude))
        for (path,) in rows:
            unread = self.db.execute(
                "SELECT 1 FROM members WHERE file_path=? AND document_id IS NULL AND reason IS NULL LIMIT 1", (path,)
            ).fetchone()
            if unread is None and self.has_members(str(path)):
                return str(path)
        return None

    def orphan_documents(self) -> list[tuple[int, str]]:
        """Documents that no file nor member references any more: (id, sha256)."""
        rows = self.db.execute(
            "SELECT d.id, d.sha256 FROM documents d WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.document_id = d.id)"
            " AND NOT EXISTS (SELECT 1 FROM members m WHERE m.document_id = d.id)"
        )
        return [(int(i), str(s)) for i, s in rows]

    def delete_document(self, document_id: int) -> None:
        self.db.execute("DELETE FROM chunks WHERE document_id=?", (document_id,))
        self.db.execute("DELETE FROM documents WHERE id=?", (document_id,))

    def mark_pending(self, document_id: int) -> None:
        self.db.execute("UPDATE documents SET state='pending' WHERE id=?", (document_id,))

    # documents and chunks
    def add_document(
        self, sha256: str, kind: FileKind, size: int, extraction: Extraction, chunks: Sequence[ChunkSpan]
    ) -> int:
        cur = self.db.execute(
            "INSERT INTO documents (sha256, kind, size, title, text, pages, fields, date, state, ocr_pending)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
            (
                sha256,
                kind.value,
                size,
                extraction.title,
                extraction.text,
                _pages_json(extraction.pages),
                json.dumps(dict(extraction.fields), ensure_ascii=False),
                extraction.date.isoformat() if extraction.date else None,
                json.dumps(list(extraction.ocr_pages)),
            ),
        )
        document_id = int(cur.lastrowid or 0)
        self.db.executemany(
            "INSERT INTO chunks (document_id, ordinal, start, end, page) VALUES (?, ?, ?, ?, ?)",
            [(document_id, c.ordinal, c.start, c.end, c.page) for c in chunks],
        )
        return document_id

    # OCR (phase 1b)
    def awaiting_ocr(self) -> list[AwaitingOcr]:
        """Documents with pages still to recognise that a file references, oldest first."""
        rows = self.db.execute(
            "SELECT d.id, d.sha256, d.kind, d.ocr_pending,"
            " (SELECT COUNT(*) FROM ocr_pages o WHERE o.document_id = d.id),"
            " COALESCE(f.path, m.location), COALESCE(f.path, mf.path), COALESCE(f.size, mf.size),"
            " COALESCE(f.mtime_ns, mf.mtime_ns), m.id IS NOT NULL AND f.id IS NULL FROM documents d"
            " LEFT JOIN files f ON f.id = (SELECT MIN(id) FROM files WHERE document_id = d.id)"
            " LEFT JOIN members m ON m.id = (SELECT MIN(id) FROM members WHERE document_id = d.id)"
            " LEFT JOIN files mf ON mf.path = m.file_path"
            " WHERE d.ocr_pending != '[]' AND COALESCE(f.id, mf.id) IS NOT NULL ORDER BY d.id"
        )
        return [
            AwaitingOcr(
                int(i),
                str(sha),
                FileKind(kind),
                tuple(json.loads(pending)),
                int(done),
                str(p),
                str(fp),
                int(sz),
                int(mt),
                bool(member),
            )
            for i, sha, kind, pending, done, p, fp, sz, mt, member in rows
        ]

    def ocr_backlog(self) -> tuple[int, int]:
        """(documents, pages) awaiting OCR."""
        documents = pages = 0
        for (pending,) in self.db.execute("SELECT ocr_pending FROM documents WHERE ocr_pending != '[]'"):
            documents += 1
            pages += len(json.loads(pending))
        return documents, pages

    def stage_text(self, document_id: int, text: str, pages: Sequence[PageSpan], chunks: Sequence[ChunkSpan]) -> int:
        """Record a document's new text and chunks (its pages recognised by OCR) under a staging document that no
        file references — hidden from searches — so that the chunks enter the full-text index before the document
        takes them (:meth:`take_staged_text`). Its SHA-256 column holds the document's followed by
        ``STAGED_SUFFIX`` (the key of its chunks in the full-text index, deleted with it as an orphan). Returns its
        id."""
        sha256, kind, size, title, fields, date = self.db.execute(
            "SELECT sha256, kind, size, title, fields, date FROM documents WHERE id=?", (document_id,)
        ).fetchone()
        cur = self.db.execute(
            "INSERT INTO documents (sha256, kind, size, title, text, pages, fields, date, state)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
            (f"{sha256}{STAGED_SUFFIX}", kind, size, title, text, _pages_json(pages), fields, date),
        )
        staged = int(cur.lastrowid or 0)
        self.db.executemany(
            "INSERT INTO chunks (document_id, ordinal, start, end, page) VALUES (?, ?, ?, ?, ?)",
            [(staged, c.ordinal, c.start, c.end, c.page) for c in chunks],
        )
        return staged

    def take_staged_text(
        self,
        document_id: int,
        staged_id: int,
        pending: Sequence[int],
        recognised: Sequence[RecognisedPage],
        failures: Mapping[int, str],
    ) -> None:
        """The document takes the text, page map and chunks staged for it (:meth:`stage_text`), the pages still
        pending, and how each page was recognised (or why it was not); it is pending until sent to the full-text
        index again. Its former chunks and text go to a retired document that no file references (SHA-256
        column: the document's followed by ``RETIRED_SUFFIX``): hidden from searches, they stay resolvable until
        they leave the full-text index and the vectors with it as an orphan; the staging document, left empty, is
        an orphan too. So every chunk the full-text index holds stays recorded with its own text throughout."""
        sha256, kind, size, title, text, pages, fields, date = self.db.execute(
            "SELECT sha256, kind, size, title, text, pages, fields, date FROM documents WHERE id=?", (document_id,)
        ).fetchone()
        cur = self.db.execute(
            "INSERT INTO documents (sha256, kind, size, title, text, pages, fields, date, state)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'indexed')",
            (f"{sha256}{RETIRED_SUFFIX}", kind, size, title, text, pages, fields, date),
        )
        retired = int(cur.lastrowid or 0)
        self.db.execute("UPDATE chunks SET document_id=? WHERE document_id=?", (retired, document_id))
        self.db.execute("UPDATE chunks SET document_id=? WHERE document_id=?", (document_id, staged_id))
        self.db.execute(
            "UPDATE documents SET text=(SELECT text FROM documents WHERE id=?),"
            " pages=(SELECT pages FROM documents WHERE id=?), ocr_pending=?, state='pending' WHERE id=?",
            (staged_id, staged_id, json.dumps(list(pending)), document_id),
        )
        self.db.execute("UPDATE documents SET text='', pages='[]' WHERE id=?", (staged_id,))
        self.db.executemany(
            "INSERT OR REPLACE INTO ocr_pages VALUES (?, ?, ?, ?, ?, ?, ?, '')",
            [
                (document_id, r.page, r.confidence, r.rotation, r.width, r.height, encode_words(r.words))
                for r in recognised
            ],
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO ocr_pages VALUES (?, ?, 0, 0, 0, 0, ?, ?)",
            [(document_id, page, encode_words(()), why) for page, why in failures.items()],
        )

    def set_ocr_pending(self, document_id: int, pending: Sequence[int], failures: Mapping[int, str]) -> None:
        """The pages of a document still to recognise, and why the pages that failed could not be read (its text
        unchanged: no page was recognised)."""
        self.db.execute("UPDATE documents SET ocr_pending=? WHERE id=?", (json.dumps(list(pending)), document_id))
        self.db.executemany(
            "INSERT OR REPLACE INTO ocr_pages VALUES (?, ?, 0, 0, 0, 0, ?, ?)",
            [(document_id, page, encode_words(()), why) for page, why in failures.items()],
        )

    def fail_document(self, document_id: int, reason: ErrorReason, message: str) -> None:
        """Every file of a document becomes an error with this reason (the document, left without a file, is
        removed at the next commit of the full-text index)."""
        rows = self.db.execute(
            "SELECT path, source_id, size, mtime_ns, sha256, kind FROM files WHERE document_id=?", (document_id,)
        ).fetchall()
        for path, source_id, size, mtime_ns, sha256, kind in rows:
            fp = FileFingerprint(str(path), int(size), int(mtime_ns), str(sha256), FileKind(kind))
            self.record_error(int(source_id), fp, reason, message)
        members = [int(r[0]) for r in self.db.execute("SELECT id FROM members WHERE document_id=?", (document_id,))]
        self.set_member_error(members, reason, message)

    def ocr_page(self, document_id: int, page: int) -> OcrPage | None:
        row = self.db.execute(
            "SELECT confidence, rotation, width, height, words, failure FROM ocr_pages WHERE document_id=? AND page=?",
            (document_id, page),
        ).fetchone()
        if row is None:
            return None
        return OcrPage(
            document_id, page, float(row[0]), int(row[1]), int(row[2]), int(row[3]), decode_words(row[4]), str(row[5])
        )

    def ocr_failures(self, document_id: int) -> dict[int, str]:
        rows = self.db.execute(
            "SELECT page, failure FROM ocr_pages WHERE document_id=? AND failure != '' ORDER BY page", (document_id,)
        )
        return {int(p): str(f) for p, f in rows}

    def mark_all_pending(self) -> None:
        """Every document is to be sent to the full-text index again (it is being rebuilt)."""
        self.db.execute("UPDATE documents SET state='pending'")

    def pending_documents(self) -> list[int]:
        return [int(r[0]) for r in self.db.execute("SELECT id FROM documents WHERE state='pending' ORDER BY id")]

    def mark_indexed(self, document_ids: Iterable[int]) -> None:
        now = time.time()
        self.db.executemany(
            "UPDATE documents SET state='indexed', indexed_at=? WHERE id=?", [(now, i) for i in document_ids]
        )

    def bump_generation(self) -> int:
        generation = self.generation() + 1
        self.set_meta("generation", str(generation))
        return generation

    def paths_of(self, document_id: int) -> tuple[str, ...]:
        """The files holding the document, then the members of containers holding it (by location)."""
        return self.paths_of_many([document_id])[document_id]

    def document(self, document_id: int) -> DocumentRow | None:
        row = self.db.execute(
            "SELECT id, sha256, kind, size, title, text, pages, fields, date FROM documents WHERE id=?",
            (document_id,),
        ).fetchone()
        if row is None:
            return None
        return DocumentRow(
            id=int(row[0]),
            sha256=str(row[1]),
            kind=FileKind(row[2]),
            size=int(row[3]),
            title=str(row[4]),
            text=str(row[5]),
            pages=_pages(row[6]),
            fields=dict(json.loads(row[7])),
            date=datetime.fromisoformat(row[8]) if row[8] else None,
            paths=self.paths_of(int(row[0])),
        )

    def paths_of_many(self, document_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        """:meth:`paths_of` of each of ``document_ids``, in two queries (a document no file references has none);
        paths sorted by code point, as SQLite's binary collation sorts UTF-8."""
        files: dict[int, list[str]] = {}
        members: dict[int, list[str]] = {}
        for i in range(0, len(document_ids), 500):
            part = list(document_ids[i : i + 500])
            marks = ",".join("?" * len(part))
            for table, column, into in (("files", "path", files), ("members", "location", members)):
                rows = self.db.execute(
                    f"SELECT document_id, {column} FROM {table} WHERE document_id IN ({marks})", part
                )
                for document_id, value in rows:
                    into.setdefault(int(document_id), []).append(str(value))
        return {d: tuple(sorted(files.get(d, ()))) + tuple(sorted(members.get(d, ()))) for d in document_ids}

    def documents_meta(self, document_ids: Sequence[int]) -> dict[int, DocumentMeta]:
        found: dict[int, DocumentMeta] = {}
        ids = list(dict.fromkeys(document_ids))
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self.db.execute(
                f"SELECT id, sha256, kind, title, pages, date FROM documents WHERE id IN ({marks})", part
            )
            paths = self.paths_of_many(part)
            for doc_id, sha, kind, title, pages, date in rows:
                found[int(doc_id)] = DocumentMeta(
                    id=int(doc_id),
                    sha256=str(sha),
                    kind=FileKind(kind),
                    title=str(title),
                    pages_json=str(pages),
                    date=datetime.fromisoformat(date) if date else None,
                    paths=paths[int(doc_id)],
                )
        return found

    def chunks_of(self, document_id: int) -> list[Chunk]:
        rows = self.db.execute(
            "SELECT c.id, c.document_id, c.ordinal, c.start, c.end, c.page,"
            " substr(d.text, c.start + 1, c.end - c.start) FROM chunks c JOIN documents d ON d.id = c.document_id"
            " WHERE c.document_id=? ORDER BY c.ordinal",
            (document_id,),
        )
        return [Chunk(*r) for r in rows]

    def chunks(self, chunk_ids: Sequence[int], with_text: bool = True) -> dict[int, Chunk]:
        """The chunks of these ids that exist. ``with_text=False``: their places only, ``text`` left empty — a
        search ranks and groups 250 chunks but shows 50, and reading a chunk's text reads its document's."""
        found: dict[int, Chunk] = {}
        for i in range(0, len(chunk_ids), 500):
            part = list(chunk_ids[i : i + 500])
            marks = ",".join("?" * len(part))
            text = "substr(d.text, c.start + 1, c.end - c.start)" if with_text else "''"
            rows = self.db.execute(
                f"SELECT c.id, c.document_id, c.ordinal, c.start, c.end, c.page, {text} FROM chunks c"
                f" JOIN documents d ON d.id = c.document_id WHERE c.id IN ({marks})",
                part,
            )
            found.update({int(r[0]): Chunk(*r) for r in rows})
        return found

    # embeddings
    def unembedded_chunks(self, limit: int, after: int = 0) -> list[tuple[int, int, str, str]]:
        """(chunk id, document id, text, document title) of chunks of indexed documents without a vector yet and
        id > ``after``, oldest first."""
        rows = self.db.execute(
            "SELECT c.id, c.document_id, substr(d.text, c.start + 1, c.end - c.start), d.title FROM chunks c"
            " JOIN documents d ON d.id = c.document_id WHERE c.embedded = 0 AND d.state = 'indexed'"
            " AND c.id > ? ORDER BY c.id LIMIT ?",
            (after, limit),
        )
        return [(int(i), int(d), str(t), str(title)) for i, d, t, title in rows]

    def unembedded_chunk_ids_of(self, document_ids: Sequence[int]) -> list[int]:
        """Chunks without a vector of these (indexed) documents, document after document in the order given."""
        found: list[int] = []
        for document_id in document_ids:
            rows = self.db.execute(
                "SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id"
                " WHERE c.document_id = ? AND c.embedded = 0 AND d.state = 'indexed' ORDER BY c.id",
                (document_id,),
            )
            found.extend(int(r[0]) for r in rows)
        return found

    def chunks_to_embed(self, chunk_ids: Sequence[int]) -> list[tuple[int, int, str, str]]:
        """(chunk id, document id, text, document title) of these chunks, in the order given (gone ones left out)."""
        found: dict[int, tuple[int, int, str, str]] = {}
        for i in range(0, len(chunk_ids), 500):
            part = list(chunk_ids[i : i + 500])
            marks = ",".join("?" * len(part))
            rows = self.db.execute(
                "SELECT c.id, c.document_id, substr(d.text, c.start + 1, c.end - c.start), d.title FROM chunks c"
                f" JOIN documents d ON d.id = c.document_id WHERE c.id IN ({marks})",
                part,
            )
            found.update({int(r[0]): (int(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in rows})
        return [found[i] for i in chunk_ids if i in found]

    def unembedded_chars(self) -> int:
        """Characters of text in the chunks of indexed documents still without a vector."""
        row = self.db.execute(
            "SELECT COALESCE(SUM(c.end - c.start), 0) FROM chunks c JOIN documents d ON d.id = c.document_id"
            " WHERE c.embedded = 0 AND d.state = 'indexed'"
        ).fetchone()
        return int(row[0])

    def documents_under(self, folders: Sequence[str], limit: int) -> list[int]:
        """Documents that a file under one of these folders (or being one of these paths) holds."""
        found: list[int] = []
        for folder in folders:
            prefix = folder.rstrip("/") + "/"
            end = prefix[:-1] + chr(ord("/") + 1)  # every path that starts with the prefix sorts in [prefix, end)
            rows = self.db.execute(
                "SELECT DISTINCT document_id FROM files WHERE document_id IS NOT NULL"
                " AND (path = ? OR (path >= ? AND path < ?)) LIMIT ?",
                (folder, prefix, end, limit),
            )
            found.extend(int(r[0]) for r in rows)
        return list(dict.fromkeys(found))[:limit]

    def mark_embedded(self, chunk_ids: Sequence[int]) -> None:
        self.db.executemany("UPDATE chunks SET embedded=1 WHERE id=?", [(i,) for i in chunk_ids])

    def chunk_ids(self) -> set[int]:
        return {int(r[0]) for r in self.db.execute("SELECT id FROM chunks")}

    def chunk_ids_of(self, document_id: int) -> list[int]:
        return [int(r[0]) for r in self.db.execute("SELECT id FROM chunks WHERE document_id=?", (document_id,))]

    def sync_embedded(self, stored: set[int]) -> None:
        """Make the ``embedded`` flags say exactly which chunks have a vector in the store."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS stored_ids (id INTEGER PRIMARY KEY)")
        self.db.execute("DELETE FROM stored_ids")
        self.db.executemany("INSERT INTO stored_ids VALUES (?)", [(i,) for i in stored])
        self.db.execute("UPDATE chunks SET embedded = CASE WHEN id IN (SELECT id FROM stored_ids) THEN 1 ELSE 0 END")
        self.db.execute("DELETE FROM stored_ids")

    # errors and counts
    def errors(self) -> list[FileError]:
        """Files, and members of containers, that could not be indexed (by path or location)."""
        rows = self.db.execute(
            "SELECT path, reason, message FROM errors UNION ALL"
            " SELECT location, reason, message FROM members WHERE reason IS NOT NULL ORDER BY 1"
        )
        return [FileError(str(p), ErrorReason(r), str(m)) for p, r, m in rows]

    def source_counts(self) -> list[SourceCounts]:
        """Per source folder: files seen, files indexed (their document is in the full-text index), errors."""
        rows = self.db.execute(
            "SELECT s.path,"
            " (SELECT COUNT(*) FROM files f WHERE f.source_id = s.id),"
            " (SELECT COUNT(*) FROM files f JOIN documents d ON d.id = f.document_id"
            "  WHERE f.source_id = s.id AND d.state = 'indexed'),"
            " (SELECT COUNT(*) FROM errors e WHERE e.source_id = s.id)"
            " FROM sources s ORDER BY s.path"
        )
        return [SourceCounts(str(p), int(f), int(i), int(e)) for p, f, i, e in rows]

    def counts(self) -> dict[str, int]:
        return _counts(self.db)


def _counts(db: sqlite3.Connection) -> dict[str, int]:
    def one(sql: str) -> int:
        return int(db.execute(sql).fetchone()[0])

    return {
        "documents": one("SELECT COUNT(*) FROM documents"),
        "files": one("SELECT COUNT(*) FROM files"),
        "chunks": one("SELECT COUNT(*) FROM chunks"),
        "embedded": one("SELECT COUNT(*) FROM chunks WHERE embedded=1"),
        "errors": one("SELECT COUNT(*) FROM errors") + one("SELECT COUNT(*) FROM members WHERE reason IS NOT NULL"),
    }


def read_counts_ahead(path: Path) -> None:
    """Count the catalog's rows as :meth:`Catalog.counts` does, through a read-only connection of its own, so that
    the pages these counts read are in the system's file cache when an open :class:`Catalog` counts them (the first
    search of a case opened from a cold disk counts its chunks: 0.6 s at 1M chunks)."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    try:
        _counts(db)
    finally:
        db.close()


def _statements(script: str) -> list[str]:
    """The SQL statements of ``script`` (split where SQLite says a statement is complete)."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        raise ValueError(f"incomplete SQL statement in a migration: {current.strip()[:80]}")
    return statements


def _pages_json(pages: Sequence[PageSpan]) -> str:
    """``[[number, start, end, label], ...]``, with a fifth item, the OCR confidence, for a recognised page."""
    rows: list[list[object]] = []
    for p in pages:
        row: list[object] = [p.number, p.start, p.end, p.label]
        if p.confidence is not None:
            row.append(p.confidence)
        rows.append(row)
    return json.dumps(rows, ensure_ascii=False)


@lru_cache(maxsize=4096)
def _pages_cached(raw: str) -> tuple[PageSpan, ...]:
    return _pages(raw)


def _pages(raw: str) -> tuple[PageSpan, ...]:
    return tuple(
        PageSpan(int(r[0]), int(r[1]), int(r[2]), str(r[3]), float(r[4]) if len(r) > 4 else None)
        for r in json.loads(raw)
    )
