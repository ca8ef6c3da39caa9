"""Spreadsheets, legacy Word, Outlook messages and presentations: fixtures written by the tests themselves."""

from __future__ import annotations

import datetime as dt
import sys
import zipfile
from pathlib import Path

import pytest

from arbiter_desktop.domain import ErrorReason, ExtractionError, FileKind
from arbiter_desktop.ingest import extractors
from arbiter_desktop.ingest.extractors import spreadsheet
from arbiter_desktop.ingest.filetypes import detect_kind

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ole import outlook_message, word97, write_cfb
from spreadsheets import write_ods, write_xlsx

BILL = [
    ["Facture détaillée de la ligne 06 45 11 88 22"],
    [],
    ["date", "heure", "appelant", "appelé", "durée", "type"],
    [dt.date(2024, 3, 14), "23:41", "0645118822", 787654321, 252.0, "appel"],
    [dt.datetime(2024, 3, 15, 8, 5), "08:05", "0645118822", "06 12 34 56 78", 12.5, "SMS"],
    [dt.date(2024, 3, 16), None, 353456789012345, 6.12e8, 1e-7, True],
]


def test_xlsx_rows_carry_their_headers_and_values_as_written(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "fadette.xlsx", {"Appels": BILL, "Résumé": [["total", 3]]})
    assert detect_kind(path) is FileKind.XLSX
    result = extractors.extract(path, FileKind.XLSX)
    lines = result.text.split("\n")
    assert lines[0] == "Facture détaillée de la ligne 06 45 11 88 22"  # a title row above the header stays as is
    assert lines[1] == "date ; heure ; appelant ; appelé ; durée ; type"
    assert lines[2] == (
        "date : 2024-03-14 ; heure : 23:41 ; appelant : 0645118822 ; appelé : 787654321 ; durée : 252 ; type : appel"
    )
    assert "date : 2024-03-15 08:05" in lines[3] and "appelé : 06 12 34 56 78" in lines[3]
    assert "durée : 12,5" in lines[3]
    assert "appelant : 353456789012345 ; appelé : 612000000 ; durée : 0,0000001 ; type : VRAI" in lines[4]
    assert "E+" not in result.text and ".0 " not in result.text
    assert [p.label for p in result.pages] == ["feuille : Appels", "feuille : Résumé"]
    assert result.text[result.pages[1].start : result.pages[1].end] == "total ; 3"


def test_ods_and_csv_read_the_same_way(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "fadette.ods", {"Appels": BILL[2:4]})
    assert detect_kind(path) is FileKind.ODS
    text = extractors.extract(path, FileKind.ODS).text
    assert "appelant : 0645118822 ; appelé : 787654321" in text
    csv = tmp_path / "fadette.csv"
    csv.write_text("Relevé opérateur\nappelant;appelé\n0645118822;0787654321\n", encoding="utf-8")
    assert extractors.extract(csv, FileKind.CSV).text.endswith("appelant : 0645118822 ; appelé : 0787654321")


def test_a_huge_sheet_is_bounded_with_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [["n", "valeur"]] + [[i, f"ligne {i}"] for i in range(100)]
    path = write_xlsx(tmp_path / "gros.xlsx", {"Données": rows})
    monkeypatch.setattr(spreadsheet, "MAX_CELLS", 50)
    result = extractors.extract(path, FileKind.XLSX)
    assert "ligne 20" in result.text and "ligne 60" not in result.text
    assert result.text.endswith("non lue(s) : limite de 50 cellules ou 200000 lignes]")
    assert "rows not read" in result.fields["truncated"]


def test_damaged_and_encrypted_workbooks(tmp_path: Path) -> None:
    broken = tmp_path / "casse.xlsx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook><sheets")
    with pytest.raises(ExtractionError) as caught:
        extractors.extract(broken, detect_kind(broken))
    assert caught.value.reason is ErrorReason.CORRUPT
    locked = write_cfb(tmp_path / "verrou.xlsx", {"EncryptionInfo": b"\x04\x00", "EncryptedPackage": b"\x00" * 64})
    assert detect_kind(locked) is FileKind.XLSX
    with pytest.raises(ExtractionError) as caught:
        extractors.extract(locked, FileKind.XLSX)
    assert caught.value.reason is ErrorReason.ENCRYPTED


def test_word_97_document(tmp_path: Path) -> None:
    body = "PROCÈS-VERBAL D'AUDITION\nLe témoin déclare : « j'ai vu le véhicule AB-123-CD ».\n" + "Suite. " * 800
    path = write_cfb(tmp_path / "pv.doc", word97(body))
    assert detect_kind(path) is FileKind.DOC
    result = extractors.extract(path, FileKind.DOC)
    assert result.text.startswith("PROCÈS-VERBAL D'AUDITION\nLe témoin déclare : « j'ai vu le véhicule AB-123-CD ».")
    fields = write_cfb(tmp_path / "champ.doc", word97('Voir \x13 HYPERLINK "http://x" \x14le rapport\x15 joint.'))
    assert extractors.extract(fields, FileKind.DOC).text == "Voir le rapport joint."
    locked = write_cfb(tmp_path / "verrou.doc", word97("secret", encrypted=True))
    with pytest.raises(ExtractionError) as caught:
        extractors.extract(locked, FileKind.DOC)
    assert caught.value.reason is ErrorReason.ENCRYPTED


def test_outlook_message_with_attachments(tmp_path: Path) -> None:
    attached_doc = write_cfb(tmp_path / "pv.doc", word97("Procès-verbal joint au message.")).read_bytes()
    streams = outlook_message(
        "Rendez-vous gare Saint-Charles",
        "Bonjour,\nrdv demain 14h à la gare.\nMarc",
        sender="Marc DUPONT",
        to="Lucie MARTIN",
        attachments={"pv.doc": attached_doc, "note.txt": b"Plaque ZZ-417-XK"},
        filetime=133500000000000000,
    )
    path = write_cfb(tmp_path / "message.msg", streams)
    assert detect_kind(path) is FileKind.MSG
    result = extractors.extract(path, FileKind.MSG)
    assert result.title == "Rendez-vous gare Saint-Charles"
    assert result.text.startswith("De : Marc DUPONT\nÀ : Lucie MARTIN\nDate : 17/01/2024 21:20 UTC\nObjet : Rendez")
    assert [p.label for p in result.pages] == ["", "pièce jointe : pv.doc", "pièce jointe : note.txt"]
    assert "Procès-verbal joint au message." in result.text and "ZZ-417-XK" in result.text
    assert result.date == dt.datetime(2024, 1, 17, 21, 20, tzinfo=dt.UTC)


def test_presentation_slides_in_order(tmp_path: Path) -> None:
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    p = "http://schemas.openxmlformats.org/presentationml/2006/main"
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    def slide(text: str) -> str:
        return f'<p:sld xmlns:a="{a}" xmlns:p="{p}"><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:sld>'

    path = tmp_path / "synthese.pptx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(
            "ppt/presentation.xml",
            f'<p:presentation xmlns:p="{p}" xmlns:r="{r}"><p:sldIdLst>'
            '<p:sldId id="256" r:id="rId2"/><p:sldId id="257" r:id="rId1"/></p:sldIdLst></p:presentation>',
        )
        package.writestr(
            "ppt/_rels/presentation.xml.rels",
            '<Relationships><Relationship Id="rId1" Target="slides/slide1.xml"/>'
            '<Relationship Id="rId2" Target="slides/slide2.xml"/></Relationships>',
        )
        package.writestr("ppt/slides/slide1.xml", slide("Second : surveillance de la gare"))
        package.writestr("ppt/slides/slide2.xml", slide("Premier : synthèse de l'affaire"))
    assert detect_kind(path) is FileKind.PPTX
    result = extractors.extract(path, FileKind.PPTX)
    assert result.text == "Premier : synthèse de l'affaire\n\nSecond : surveillance de la gare"
    assert [s.label for s in result.pages] == ["diapositive 1", "diapositive 2"]


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"  # made with LibreOffice: see fixtures/README.md


def test_excel_97_workbook_written_by_libreoffice() -> None:
    path = FIXTURES / "fadette.xls"
    assert detect_kind(path) is FileKind.XLS
    result = extractors.extract(path, FileKind.XLS)
    assert result.text.split("\n") == [
        "Relevé ligne 06 45 11 88 22",
        "date ; appelant ; appelé ; durée",
        "date : 2024-03-14 ; appelant : 0645118822 ; appelé : 0787654321 ; durée : 252",
        "date : 2024-03-15 ; appelant : 0645118822 ; appelé : 0612345678 ; durée : 12,5",
    ]


def test_word_97_document_written_by_libreoffice() -> None:
    path = FIXTURES / "pv.doc"
    assert detect_kind(path) is FileKind.DOC
    assert extractors.extract(path, FileKind.DOC).text == (
        "PROCÈS-VERBAL DE SAISIE\nLe scellé n° 7 contient un téléphone ORBIX, numéro de série ORB-4471-KX.\n"
        "Fait à Valbrenne, le 13 mars 2024 — l’officier de police judiciaire."
    )


def test_workbook_packages_are_checked_before_calamine_reads_them(tmp_path: Path) -> None:
    plain = write_ods(tmp_path / "clair.ods", {"Appels": BILL[2:4]})
    sheet = tmp_path / "verrou.ods"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(sheet, "w") as package:
        for info in source.infolist():  # the same package, its manifest saying the content is encrypted
            data = source.read(info)
            if info.filename == "META-INF/manifest.xml":
                data = b'<manifest:manifest><manifest:encryption-data manifest:checksum="x"/></manifest:manifest>'
            package.writestr(info, data)
    with pytest.raises(ExtractionError) as caught:
        extractors.extract(sheet, FileKind.ODS)
    assert caught.value.reason is ErrorReason.ENCRYPTED
    bomb = write_xlsx(tmp_path / "bombe.xlsx", {"Appels": BILL})
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/media/zeros.bin", bytes(8 * 1024 * 1024))
    with pytest.raises(ExtractionError) as caught:
        extractors.extract(bomb, FileKind.XLSX)
    assert caught.value.reason is ErrorReason.HOSTILE
