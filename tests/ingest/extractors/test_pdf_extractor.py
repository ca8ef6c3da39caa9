"""PDF extraction with pypdfium2: pages, metadata, hyphenation, encrypted and damaged files."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from fpdf import FPDF

from arbiter_desktop.domain import ErrorReason, Extraction, ExtractionError, FileKind
from arbiter_desktop.ingest import extractors
from arbiter_desktop.ingest.extractors import pdf
from arbiter_desktop.ingest.extractors.pdf import parse_pdf_date

Untouched = Callable[[Path], AbstractContextManager[None]]
PageTexts = Callable[[Extraction], list[str]]

# Core PDF fonts are Latin-1: no "œ" here (tested with the other formats).
PAGES = [
    "Procès-verbal d'audition.\nLes enquê-\nteurs ont entendu « le témoin » à Besançon.",
    "",
    "Troisième page : le garçon était présent.",
]


def write_pdf(path: Path, pages: list[str], user_password: str | None = None, owner: str = "") -> Path:
    document = FPDF()
    document.set_title("Rapport d'enquête n° 42")
    document.set_author("Capitaine Dupré")
    document.set_creation_date(datetime(2024, 3, 15, 10, 30, tzinfo=timezone(timedelta(hours=1))))
    if user_password is not None or owner:
        document.set_encryption(owner_password=owner or "propriétaire", user_password=user_password or "")
    document.set_font("Helvetica", size=12)
    for text in pages:
        document.add_page()
        document.multi_cell(0, 8, text)
    document.output(str(path))
    return path


def test_pages_text_and_metadata(tmp_path: Path, page_texts: PageTexts, untouched: Untouched) -> None:
    path = write_pdf(tmp_path / "pv.pdf", PAGES)
    with untouched(path):
        result = pdf.extract(path)
    texts = page_texts(result)
    assert [span.number for span in result.pages] == [1, 2, 3]
    assert "Les enquêteurs ont entendu « le témoin » à Besançon." in texts[0]
    assert texts[0].startswith("Procès-verbal d'audition.")
    assert texts[1] == ""
    assert texts[2] == "Troisième page : le garçon était présent."
    assert result.page_at(result.text.index("garçon")) == 3
    assert result.title == "Rapport d'enquête n° 42"
    assert result.fields["author"] == "Capitaine Dupré"
    assert result.date == datetime(2024, 3, 15, 9, 30, tzinfo=UTC)


def test_through_the_registry(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "pv.txt", ["Déclaration du témoin."])
    assert extractors.extract(path, FileKind.PDF).text == "Déclaration du témoin."


def test_password_protected_pdf_is_encrypted(tmp_path: Path, untouched: Untouched) -> None:
    path = write_pdf(tmp_path / "secret.pdf", ["Confidentiel"], user_password="motdepasse")
    with untouched(path), pytest.raises(ExtractionError) as caught:
        pdf.extract(path)
    assert caught.value.reason is ErrorReason.ENCRYPTED


def test_owner_password_only_is_still_readable(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "restricted.pdf", ["Impression interdite."], owner="chef")
    assert pdf.extract(path).text == "Impression interdite."


@pytest.mark.parametrize("keep", [0.5, 0.1])
def test_truncated_pdf_is_corrupt(tmp_path: Path, keep: float) -> None:
    data = write_pdf(tmp_path / "full.pdf", PAGES).read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ExtractionError) as caught:
        pdf.extract(path)
    assert caught.value.reason is ErrorReason.CORRUPT


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError) as caught:
        pdf.extract(tmp_path / "absent.pdf")
    assert caught.value.reason is ErrorReason.UNREADABLE


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("D:20240315103000+01'00'", datetime(2024, 3, 15, 10, 30, tzinfo=timezone(timedelta(hours=1)))),
        ("D:20240315103000Z", datetime(2024, 3, 15, 10, 30, tzinfo=UTC)),
        (
            "D:20240315103000-05'30",
            datetime(2024, 3, 15, 10, 30, tzinfo=timezone(-timedelta(hours=5, minutes=30))),
        ),
        ("D:2024", datetime(2024, 1, 1)),
        ("20240315", datetime(2024, 3, 15)),
        ("D:20241345", None),
        ("hier", None),
        ("", None),
    ],
)
def test_parse_pdf_date(value: str, expected: datetime | None) -> None:
    assert parse_pdf_date(value) == expected
