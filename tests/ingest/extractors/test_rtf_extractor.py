r"""RTF extraction: \'xx escapes in cp1252 by default, \uN characters, title and creation date."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path

import pytest

from arbiter_desktop.domain import ErrorReason, Extraction, ExtractionError, FileKind
from arbiter_desktop.ingest import extractors
from arbiter_desktop.ingest.extractors import rtf

Untouched = Callable[[Path], AbstractContextManager[None]]
PageTexts = Callable[[Extraction], list[str]]

RTF = (
    r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss\fcharset0 Arial;}}"
    r"{\info{\title Proc\'e8s-verbal d\'92audition}{\author Lef\'e8vre}"
    r"{\creatim\yr2024\mo3\dy15\hr10\min30}}"
    "\n"
    r"\f0\fs24 Le t\'e9moin d\'e9clare : \'ab l\'92\'9cuvre \'e9tait \'e0 c\'f4t\'e9 du gar\'e7on \'bb.\par"
    "\n"
    r"Montant : 30 \u8364? en esp\u232?ces.\par"
    "\n"
    r"{\pard\intbl Nom\cell Pr\'e9nom\cell\row}"
    "}"
)


def test_escapes_decode_as_cp1252(tmp_path: Path, page_texts: PageTexts, untouched: Untouched) -> None:
    path = tmp_path / "pv.rtf"
    path.write_bytes(RTF.encode("ascii"))
    with untouched(path):
        result = rtf.extract(path)
    lines = result.text.split("\n")
    assert lines[0] == "Le témoin déclare : « l\u2019œuvre était à côté du garçon »."
    assert lines[1] == "Montant : 30 € en espèces."
    assert "Nom | Prénom" in lines[2]
    assert "Lefèvre" not in result.text  # document information is not body text
    assert page_texts(result) == [result.text]
    assert result.title == "Procès-verbal d\u2019audition"
    assert result.date == datetime(2024, 3, 15, 10, 30)


def test_default_code_page_without_ansicpg(tmp_path: Path) -> None:
    path = tmp_path / "old.rtf"
    path.write_bytes(rb"{\rtf1\ansi Enqu\'eate sur l'\'9cuvre\par}")
    assert rtf.extract(path).text == "Enquête sur l'œuvre"


def test_raw_eight_bit_text(tmp_path: Path) -> None:
    path = tmp_path / "raw.rtf"
    path.write_bytes("{\\rtf1\\ansi\\ansicpg1252 Procès-verbal, l'œuvre\\par}".encode("cp1252"))
    assert rtf.extract(path).text == "Procès-verbal, l'œuvre"


def test_through_the_registry(tmp_path: Path) -> None:
    path = tmp_path / "pv.rtf"
    path.write_bytes(RTF.encode("ascii"))
    assert "garçon" in extractors.extract(path, FileKind.RTF).text


def test_not_rtf_and_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "fake.rtf"
    fake.write_bytes(b"Ceci n'est pas du RTF")
    with pytest.raises(ExtractionError) as caught:
        rtf.extract(fake)
    assert caught.value.reason is ErrorReason.CORRUPT
    big = tmp_path / "big.rtf"
    big.write_bytes(RTF.encode("ascii"))
    monkeypatch.setattr(rtf, "MAX_RTF_BYTES", 100)
    with pytest.raises(ExtractionError) as caught:
        rtf.extract(big)
    assert caught.value.reason is ErrorReason.TOO_LARGE
