"""The catalog's named migrations: applied once, in order, atomically; an old catalog opens and gains them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from arbiter_desktop.stores import catalog as catalog_module
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
        catalog._migrate([ADD_NOTES, ADD_COLUMN])
        catalog._migrate([ADD_NOTES, ADD_COLUMN])  # a second opening changes nothing (CREATE would fail)
        assert catalog.migrations() == sorted(["documents_flag", "notes", *RELEASED])
        columns = {row[1] for row in catalog.db.execute("PRAGMA table_info(documents)")}
        assert "flag" in columns
        catalog.db.execute("INSERT INTO notes (body) VALUES ('x')")
    finally:
        catalog.close()


def test_a_failing_migration_leaves_nothing_half_done(tmp_path: Path) -> None:
    broken = ("broken", "CREATE TABLE half (id INTEGER);\nCREATE TABLE half (id INTEGER);")
    catalog = Catalog(tmp_path / "catalog.sqlite")
    try:
        with pytest.raises(sqlite3.OperationalError):
            catalog._migrate([broken])
        assert catalog.migrations() == sorted(RELEASED)
        tables = {row[0] for row in catalog.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "half" not in tables
    finally:
        catalog.close()


def test_a_catalog_written_before_migrations_existed_opens(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    db = sqlite3.connect(path)  # the base schema only, as the first version wrote it
    db.executescript(catalog_module._SCHEMA)
    db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(catalog_module.SCHEMA_VERSION),))
    db.execute("INSERT INTO meta VALUES ('generation', '0')")
    db.commit()
    db.close()
    catalog = Catalog(path)
    try:
        assert catalog.counts()["documents"] == 0
        assert catalog.migrations() == sorted(RELEASED)
        assert catalog.ocr_backlog() == (0, 0)  # the OCR migration's column and table are there
    finally:
        catalog.close()
