"""The catalog's named migrations: applied once, in order, atomically; an old catalog opens and gains them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from arbiter_desktop.stores.catalog import MIGRATIONS, Catalog

RELEASED = [name for name, _ in MIGRATIONS]  # applied by every opening

ADD_NOTES = ("notes", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);")
ADD_COLUMN = (
    "documents_flag",
    "ALTER TABLE documents ADD COLUMN flag INTEGER NOT NULL DEFAULT 0;\n"
    "CREATE INDEX documents_flag ON documents(flag);",
)


def test_migrations_apply_once_and_in_order(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    try:
        shipped = catalog.migrations()  # the app's own (MIGRATIONS), applied at open
        catalog._migrate([ADD_NOTES, ADD_COLUMN])
        catalog._migrate([ADD_NOTES, ADD_COLUMN])  # a second opening changes nothing (CREATE would fail)
        assert catalog.migrations() == sorted([*shipped, "documents_flag", "notes"])
        columns = {row[1] for row in catalog.db.execute("PRAGMA table_info(documents)")}
        assert "flag" in columns
        catalog.db.execute("INSERT INTO notes (body) VALUES ('x')")
    finally:
        catalog.close()


def test_a_failing_migration_leaves_nothing_half_done(tmp_path: Path) -> None:
    broken = ("broken", "CREATE TABLE half (id INTEGER);\nCREATE TABLE half (id INTEGER);")
    catalog = Catalog(tmp_path / "catalog.sqlite")
    try:
        shipped = catalog.migrations()
        with pytest.raises(sqlite3.OperationalError):
            catalog._migrate([broken])
        assert catalog.migrations() == shipped
        tables = {row[0] for row in catalog.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "half" not in tables
    finally:
        catalog.close()


def test_a_catalog_written_before_migrations_existed_opens(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    Catalog(path).close()
    db = sqlite3.connect(path)
    db.execute("DELETE FROM meta WHERE key LIKE 'migration:%'")
    db.execute("DROP TABLE members")  # as written before the members of containers were recorded
    db.execute("DROP TABLE ocr_pages")  # ... and before scanned pages were recognised
    db.execute("ALTER TABLE documents DROP COLUMN ocr_pending")
    db.commit()
    db.close()
    catalog = Catalog(path)
    try:
        assert catalog.counts()["documents"] == 0
        assert "members" in catalog.migrations() and catalog.members_of("/x.zip") == []
        assert "ocr" in catalog.migrations() and catalog.ocr_backlog() == (0, 0)
    finally:
        catalog.close()


def test_the_opening_count_check_reads_no_document_row(tmp_path: Path) -> None:
    """lexical_bounds runs at every opening: it must find the indexed documents through an index, not by reading
    the rows that hold their texts (a 1 GB table at 1M chunks)."""
    catalog = Catalog(tmp_path / "catalog.sqlite")
    try:
        traced: list[str] = []
        catalog.db.set_trace_callback(traced.append)
        catalog.lexical_bounds()
        catalog.db.set_trace_callback(None)
        counts = [s for s in traced if "COUNT(*)" in s and "documents" in s]
        assert counts
        for statement in counts:
            plan = " | ".join(str(r[3]) for r in catalog.db.execute(f"EXPLAIN QUERY PLAN {statement}"))
            assert "SCAN d" not in plan and "documents_state" in plan, plan
    finally:
        catalog.close()
