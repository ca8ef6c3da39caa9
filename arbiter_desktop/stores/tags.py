"""Tags on hits ("pertinent", "à vérifier", or any name), kept in ``CASE_DIR/tags.sqlite``.

A tagged hit is identified by its document's SHA-256 and the character span of its chunk in the document text
(with the page and path as seen when it was tagged), never by catalog ids, which change when a document is
indexed again. It keeps the snapshot of what the investigator saw — the :class:`~arbiter_desktop.domain.Hit` as
the result list showed it (passage, highlights, matched words, expansions, the sentence closest in meaning,
scores, containers), in its JSON form — and the query and mode it came from. A tagged hit therefore survives the
re-indexing of other documents, and still cites its content (by SHA-256) if its file is later moved or removed.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arbiter_desktop.domain import Hit, Scores, SearchMode

TAGS_FILE = "tags.sqlite"
MAX_TAG_LENGTH = 64
SUGGESTED_TAGS = ("pertinent", "à vérifier")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tagged (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tag TEXT NOT NULL,
    sha256 TEXT NOT NULL,           -- the document's content
    chunk_start INTEGER NOT NULL,   -- the chunk's character span in the document text
    chunk_end INTEGER NOT NULL,
    passage_start INTEGER NOT NULL, -- the passage's offset in the document text
    page INTEGER NOT NULL,
    doc_path TEXT NOT NULL,
    other_paths TEXT NOT NULL,      -- JSON list
    title TEXT NOT NULL,
    passage TEXT NOT NULL,
    highlights TEXT NOT NULL,       -- JSON [[start, end], ...] in the passage
    scores TEXT NOT NULL,           -- JSON {"bm25", "dense", "fused", "rerank"}
    query TEXT NOT NULL,
    mode TEXT NOT NULL,
    rank INTEGER NOT NULL,
    tagged_at TEXT NOT NULL,        -- ISO 8601 with offset
    operator TEXT NOT NULL,
    hit TEXT,                       -- the whole snapshot (Hit.to_json); NULL in files written before it was kept
    UNIQUE (tag, sha256, chunk_start, chunk_end));
CREATE INDEX IF NOT EXISTS tagged_tag ON tagged(tag);
"""


class TagError(Exception):
    """A tag that does not exist or cannot be a name; the message says what to do."""


@dataclass(frozen=True, slots=True)
class TaggedHit:
    id: int
    tag: str
    hit: Hit  # the snapshot of the hit as shown when it was tagged
    query: str  # the query it came from
    mode: SearchMode
    tagged_at: str
    operator: str


def tag_name(raw: str) -> str:
    """A tag as stored: NFC, trimmed; empty names, control characters and long names are refused."""
    name = unicodedata.normalize("NFC", raw).strip()
    if not name:
        raise TagError("a tag needs a name, e.g. pertinent or « à vérifier »")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise TagError(f"the tag {name!r} contains control characters: use letters, digits, spaces and punctuation")
    if len(name) > MAX_TAG_LENGTH:
        raise TagError(f"a tag name is at most {MAX_TAG_LENGTH} characters long")
    return name


class TagStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(_SCHEMA)
        columns = {str(row[1]) for row in self.db.execute("PRAGMA table_info(tagged)")}
        if "hit" not in columns:  # a file of an earlier version: its rows keep what their columns hold
            self.db.execute("ALTER TABLE tagged ADD COLUMN hit TEXT")

    def close(self) -> None:
        self.db.close()

    def add(
        self, tag: str, hits: Sequence[Hit], query: str, mode: SearchMode, tagged_at: str, operator: str
    ) -> list[TaggedHit]:
        """Tag ``hits`` (of a search of ``query`` in ``mode``); returns the hits newly tagged (a hit already
        carrying the tag is left as it is)."""
        name = tag_name(tag)
        added: list[TaggedHit] = []
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for hit in hits:
                start, end = hit.chunk_span()
                cur = self.db.execute(
                    "INSERT OR IGNORE INTO tagged (tag, sha256, chunk_start, chunk_end, passage_start, page, doc_path,"
                    " other_paths, title, passage, highlights, scores, query, mode, rank, tagged_at, operator, hit)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        name,
                        hit.sha256,
                        start,
                        end,
                        hit.passage_start,
                        hit.page,
                        hit.doc_path,
                        json.dumps(list(hit.other_paths), ensure_ascii=False),
                        hit.title,
                        hit.passage,
                        json.dumps([list(h) for h in hit.highlights]),
                        json.dumps(_scores_dict(hit.scores)),
                        query,
                        mode.value,
                        hit.rank,
                        tagged_at,
                        operator,
                        json.dumps(hit.to_json(), ensure_ascii=False),
                    ),
                )
                if cur.rowcount:
                    added.append(TaggedHit(int(cur.lastrowid or 0), name, hit, query, mode, tagged_at, operator))
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        return added

    def tags(self) -> list[tuple[str, int]]:
        """Every tag with its number of hits, by name."""
        rows = self.db.execute("SELECT tag, COUNT(*) FROM tagged GROUP BY tag ORDER BY tag")
        return [(str(t), int(n)) for t, n in rows]

    def hits(self, tag: str) -> list[TaggedHit]:
        """The hits of ``tag``, in the order they were tagged; an unknown tag is an error that lists the tags."""
        name = tag_name(tag)
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM tagged WHERE tag=? ORDER BY id", (name,)).fetchall()
        if not rows:
            raise self._unknown(name)
        return [_row(r) for r in rows]

    def remove(self, tag: str, ids: Sequence[int] = ()) -> list[TaggedHit]:
        """Take ``tag`` off the hits ``ids`` (all its hits when empty); returns the hits untagged."""
        current = self.hits(tag)
        if ids:
            known = {h.id for h in current}
            unknown = [i for i in ids if i not in known]
            if unknown:
                raise TagError(
                    f"no hit n° {', '.join(map(str, unknown))} under the tag «{current[0].tag}»: "
                    "list them with `arbiter tags CASE_DIR --tag TAG`"
                )
            current = [h for h in current if h.id in set(ids)]
        self.db.execute("BEGIN IMMEDIATE")
        self.db.executemany("DELETE FROM tagged WHERE id=?", [(h.id,) for h in current])
        self.db.execute("COMMIT")
        return current

    def _unknown(self, name: str) -> TagError:
        existing = [t for t, _ in self.tags()]
        if not existing:
            return TagError(f"unknown tag «{name}»: this case has no tags yet (tag hits with `arbiter tag`)")
        return TagError(f"unknown tag «{name}»: the tags of this case are {', '.join(existing)}")


_COLUMNS = (
    "id, tag, sha256, chunk_start, chunk_end, passage_start, page, doc_path, other_paths, title, passage,"
    " highlights, scores, query, mode, rank, tagged_at, operator, hit"
)


def _row(r: Sequence[Any]) -> TaggedHit:
    if r[18] is not None:
        hit = Hit.from_json(json.loads(r[18]))
    else:  # tagged by an earlier version: the snapshot is what the columns kept
        scores = json.loads(r[12])
        kept = Scores(scores["bm25"], scores["dense"], scores["fused"], scores["rerank"])
        main = next((s for s in (kept.rerank, kept.fused, kept.dense, kept.bm25) if s is not None), 0.0)
        hit = Hit(
            rank=int(r[15]),
            doc_path=str(r[7]),
            other_paths=tuple(json.loads(r[8])),
            sha256=str(r[2]),
            title=str(r[9]),
            page=int(r[6]),
            chunk_id=-1,
            document_id=-1,
            score=main,
            passage=str(r[10]),
            passage_start=int(r[5]),
            highlights=tuple((int(a), int(b)) for a, b in json.loads(r[11])),
            matched_terms=(),
            scores=kept,
            chunk_start=int(r[3]),
            chunk_end=int(r[4]),
        )
    return TaggedHit(int(r[0]), str(r[1]), hit, str(r[13]), SearchMode(r[14]), str(r[16]), str(r[17]))


def _scores_dict(scores: Scores) -> dict[str, float | None]:
    return {"bm25": scores.bm25, "dense": scores.dense, "fused": scores.fused, "rerank": scores.rerank}
