"""Plain text, Markdown and CSV: encodings, one page, readable CSV lines."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from arbiter_desktop.domain import ErrorReason, Extraction, ExtractionError, FileKind
from arbiter_desktop.ingest import extractors
from arbiter_desktop.ingest.extractors import text

Untouched = Callable[[Path], AbstractContextManager[None]]
PageTexts = Callable[[Extraction], list[str]]

FRENCH = (
    "Procès-verbal : le témoin a vu « l\u2019œuvre » près de l'église, à côté du garçon.\nDeuxième ligne \u2013 fin."
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-be", "utf-16-le"])
def test_encodings(tmp_path: Path, encoding: str, page_texts: PageTexts, untouched: Untouched) -> None:
    path = tmp_path / "notes.txt"
    data = FRENCH.encode(encoding)
    if encoding in ("utf-16-be", "utf-16-le"):
        data = ("\ufeff" + FRENCH).encode(encoding)  # with a BOM
    path.write_bytes(data)
    with untouched(path):
        result = text.extract(path)
    assert result.text == FRENCH
    assert page_texts(result) == [FRENCH]
    assert result.pages[0].number == 1


def test_latin1_and_windows_newlines(tmp_path: Path) -> None:
    path = tmp_path / "ancien.txt"
    path.write_bytes("Élève\r\nété à Besançon\r\n".encode("latin-1"))
    assert text.extract(path).text == "Élève\nété à Besançon"


def test_markdown_title(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("Préambule\n\n# Synthèse de l'enquête\n\nLe suspect est **présent**.\n", encoding="utf-8")
    result = extractors.extract(path, FileKind.MARKDOWN)
    assert result.title == "Synthèse de l'enquête"
    assert "Le suspect est **présent**." in result.text


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("appels.csv", 'date;numéro;durée\n2024-03-15;"06 12 34 56 78";"3 min\n20 s"\n'),
        ("appels2.csv", "date,numéro,durée\n2024-03-15,06 12 34 56 78,3 min 20 s\n"),
        ("appels.tsv", "date\tnuméro\tdurée\n2024-03-15\t06 12 34 56 78\t3 min 20 s\n"),
    ],
)
def test_csv_rows_become_lines(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="cp1252")
    result = extractors.extract(path, FileKind.CSV)
    # each row carries its column headers (ingest/extractors/spreadsheet.py)
    assert result.text == "date ; numéro ; durée\ndate : 2024-03-15 ; numéro : 06 12 34 56 78 ; durée : 3 min 20 s"


def test_csv_that_is_not_csv_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "liste.csv"
    path.write_text("une seule colonne\nsans séparateur\n", encoding="utf-8")
    assert text.extract(path).text == "une seule colonne\nsans séparateur"


def test_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "gros.txt"
    path.write_text(FRENCH * 10, encoding="utf-8")
    monkeypatch.setattr(text, "MAX_TEXT_BYTES", 100)
    with pytest.raises(ExtractionError) as caught:
        text.extract(path)
    assert caught.value.reason is ErrorReason.TOO_LARGE
    with pytest.raises(ExtractionError) as caught:
        text.extract(tmp_path / "absent.txt")
    assert caught.value.reason is ErrorReason.UNREADABLE


def test_empty_file_is_empty_through_the_registry(tmp_path: Path) -> None:
    path = tmp_path / "vide.txt"
    path.write_bytes(b"")
    assert text.extract(path).text == ""
    with pytest.raises(ExtractionError) as caught:
        extractors.extract(path, FileKind.TEXT)
    assert caught.value.reason is ErrorReason.EMPTY
