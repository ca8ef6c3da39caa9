"""The OCR cache of a case (``CASE_DIR/ocr-cache.sqlite``): recognised pages by content, as Recoll keeps its own.

A page is kept under the SHA-256 of the file it comes from, its number and the engine key (engine version, models'
hashes, settings: ``ingest/ocr/engine.engine_key``), as soon as it is recognised: a killed indexer resumes without
recognising again the pages it had read, and indexing again, a moved or renamed file, or the same scan twice read
nothing again. A cache that cannot be read is set aside and started afresh (it only saves time: the case's record
is the catalog).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

from arbiter_desktop.domain import OcrWord, RecognisedPage

log = logging.getLogger(__name__)

CACHE_FILE = "ocr-cache.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    sha256 TEXT NOT NULL,
    page INTEGER NOT NULL,
    engine TEXT NOT NULL,
    text TEXT NOT NULL,
    confidence REAL NOT NULL,
    rotation INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    words BLOB NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (sha256, engine, page));
"""


def encode_words(words: Sequence[OcrWord]) -> bytes:
    """Words as compressed JSON rows ``[start, end, x0, y0, x1, y1, confidence]``."""
    rows = [[w.start, w.end, *w.box, round(w.confidence)] for w in words]
    return zlib.compress(json.dumps(rows, separators=(",", ":")).encode("ascii"), 6)


def decode_words(data: bytes) -> tuple[OcrWord, ...]:
    rows = json.loads(zlib.decompress(data).decode("ascii"))
    return tuple(OcrWord(int(r[0]), int(r[1]), (int(r[2]), int(r[3]), int(r[4]), int(r[5])), float(r[6])) for r in rows)


class OcrCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.db = self._connect()
        except sqlite3.DatabaseError as exc:  # damaged: a cache only saves time, start again
            log.warning("OCR cache %s unreadable (%s): set aside, starting a new one", path, exc)
            path.replace(path.with_name(f"{path.name}.damaged-{int(time.time())}"))
            self.db = self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        self.db.close()

    def pages(self, sha256: str, engine: str) -> dict[int, RecognisedPage]:
        """Every page of this content recognised by this engine, by number."""
        rows = self.db.execute(
            "SELECT page, text, confidence, rotation, width, height, words FROM pages WHERE sha256=? AND engine=?",
            (sha256, engine),
        )
        return {
            int(page): RecognisedPage(int(page), str(text), float(conf), int(rot), int(w), int(h), decode_words(words))
            for page, text, conf, rot, w, h, words in rows
        }

    def put(self, sha256: str, engine: str, page: RecognisedPage) -> None:
        """Keep a recognised page (committed at once: a kill right after loses nothing)."""
        self.db.execute(
            "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sha256,
                page.page,
                engine,
                page.text,
                page.confidence,
                page.rotation,
                page.width,
                page.height,
                encode_words(page.words),
                time.time(),
            ),
        )

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM pages").fetchone()[0])
