"""DOCX extraction: document order, tables, headers and footers, properties, hostile packages."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_SECTION
from docx.oxml import parse_xml

from arbiter_desktop.domain import ErrorReason, Extraction, ExtractionError, FileKind
from arbiter_desktop.ingest import extractors
from arbiter_desktop.ingest.extractors import docx as docx_extractor
from arbiter_desktop.ingest.extractors import safezip

Untouched = Callable[[Path], AbstractContextManager[None]]
PageTexts = Callable[[Extraction], list[str]]
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def write_docx(path: Path) -> Path:
    document = docx.Document()
    properties = document.core_properties
    properties.title = "Procès-verbal d'audition"
    properties.author = "Brigadier Lefèvre"
    properties.created = datetime(2024, 3, 15, 10, 30)
    document.sections[0].header.paragraphs[0].text = "Gendarmerie nationale — Brigade de Besançon"
    document.sections[0].footer.paragraphs[0].text = "Confidentiel \u2013 page de pied"
    document.add_heading("Audition du témoin", level=1)
    document.add_paragraph("Le témoin déclare : « j'ai vu l'œuvre volée à côté du garçon ».")
    table = document.add_table(rows=3, cols=3)
    for row, values in enumerate([("Nom", "Prénom", "Âge"), ("Müller", "Françoise", "42"), ("", "", "")]):
        for column, value in enumerate(values):
            table.cell(row, column).text = value
    table.cell(2, 0).merge(table.cell(2, 1)).text = "Cellule fusionnée"
    table.cell(2, 2).text = "fin"
    paragraph = document.add_paragraph("Texte ")
    paragraph._p.append(parse_xml(f"<w:ins {W_NS} w:id='1' w:author='x'><w:r><w:t>inséré</w:t></w:r></w:ins>"))
    paragraph._p.append(
        parse_xml(f"<w:del {W_NS} w:id='2' w:author='x'><w:r><w:delText>supprimé</w:delText></w:r></w:del>")
    )
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.header.is_linked_to_previous = False
    section.header.paragraphs[0].text = "Gendarmerie nationale — Brigade de Besançon"  # same text: once
    document.add_paragraph("Seconde section : l'enquêteur conclut.")
    document.save(str(path))
    return path


def rewrite_member(source: Path, target: Path, name: str, data: bytes) -> Path:
    """A copy of the zip ``source`` with member ``name`` replaced by ``data``."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            copy.writestr(info.filename, data if info.filename == name else original.read(info))
    return target


def test_text_in_document_order(tmp_path: Path, page_texts: PageTexts, untouched: Untouched) -> None:
    path = write_docx(tmp_path / "pv.docx")
    with untouched(path):
        result = docx_extractor.extract(path)
    assert result.text.split("\n") == [
        "Gendarmerie nationale — Brigade de Besançon",
        "Audition du témoin",
        "Le témoin déclare : « j'ai vu l'œuvre volée à côté du garçon ».",
        "Nom ; Prénom ; Âge",
        "Müller ; Françoise ; 42",
        "Cellule fusionnée ; fin",
        "Texte inséré",
        "Seconde section : l'enquêteur conclut.",
        "Confidentiel \u2013 page de pied",
    ]
    assert page_texts(result) == [result.text]
    assert result.pages[0].number == 1


def test_core_properties(tmp_path: Path) -> None:
    result = docx_extractor.extract(write_docx(tmp_path / "pv.docx"))
    assert result.title == "Procès-verbal d'audition"
    assert result.fields["author"] == "Brigadier Lefèvre"
    assert result.date == datetime(2024, 3, 15, 10, 30, tzinfo=UTC)


def test_without_core_properties_no_invented_title(tmp_path: Path) -> None:
    source = write_docx(tmp_path / "pv.docx")
    target = tmp_path / "bare.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "docProps/core.xml":
                continue
            if info.filename == "_rels/.rels":
                data = re.sub(rb"<Relationship [^>]*core-properties[^>]*/>", b"", data)
            copy.writestr(info.filename, data)
    result = docx_extractor.extract(target)
    assert (result.title, result.date, dict(result.fields)) == ("", None, {})
    assert "Audition du témoin" in result.text


def test_through_the_registry(tmp_path: Path) -> None:
    assert "garçon" in extractors.extract(write_docx(tmp_path / "pv.docx"), FileKind.DOCX).text


def test_doctype_and_entities_are_hostile(tmp_path: Path, untouched: Untouched) -> None:
    source = write_docx(tmp_path / "pv.docx")
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("word/document.xml")
    declaration_end = xml.index(b"?>") + 2
    evil = b'<!DOCTYPE w:document [<!ENTITY x "xx"><!ENTITY y "&x;&x;&x;&x;">]>'
    hostile_xml = xml[:declaration_end] + evil + xml[declaration_end:].replace(b"Audition", b"&y;")
    path = rewrite_member(source, tmp_path / "evil.docx", "word/document.xml", hostile_xml)
    with untouched(path), pytest.raises(ExtractionError) as caught:
        docx_extractor.extract(path)
    assert caught.value.reason is ErrorReason.HOSTILE


def test_external_entity_is_hostile(tmp_path: Path) -> None:
    source = write_docx(tmp_path / "pv.docx")
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">'
        b"&e;</cp:coreProperties>"
    )
    path = rewrite_member(source, tmp_path / "xxe.docx", "docProps/core.xml", xxe)
    with pytest.raises(ExtractionError) as caught:
        docx_extractor.extract(path)
    assert caught.value.reason is ErrorReason.HOSTILE


def test_zip_bomb_is_refused_without_inflating(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_docx(tmp_path / "pv.docx")
    path = tmp_path / "bomb.docx"
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bomb,
    ):
        for info in original.infolist():
            if info.filename != "word/document.xml":
                bomb.writestr(info.filename, original.read(info))
        with bomb.open("word/document.xml", "w", force_zip64=True) as member:
            zeros = bytes(1024 * 1024)
            for _ in range(300):
                member.write(zeros)
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self: zipfile.ZipFile, name: str | zipfile.ZipInfo, *args: object, **kwargs: object) -> object:
        opened.append(name if isinstance(name, str) else name.filename)
        return real_open(self, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    with pytest.raises(ExtractionError) as caught:
        docx_extractor.extract(path)
    assert caught.value.reason is ErrorReason.HOSTILE
    assert "word/document.xml" not in opened


def test_too_large_but_not_a_bomb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safezip, "MAX_TOTAL_UNCOMPRESSED", 1000)
    with pytest.raises(ExtractionError) as caught:
        docx_extractor.extract(write_docx(tmp_path / "pv.docx"))
    assert caught.value.reason is ErrorReason.TOO_LARGE


def test_damaged_and_foreign_files(tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(write_docx(tmp_path / "pv.docx").read_bytes()[:3000])
    encrypted = tmp_path / "secret.docx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le"))
    legacy = tmp_path / "old.docx"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    expected = {
        truncated: ErrorReason.CORRUPT,
        encrypted: ErrorReason.ENCRYPTED,
        legacy: ErrorReason.UNSUPPORTED,
    }
    for path, reason in expected.items():
        with pytest.raises(ExtractionError) as caught:
            docx_extractor.extract(path)
        assert caught.value.reason is reason, path.name


def test_markup_parts_are_scanned_whatever_their_name(tmp_path: Path) -> None:
    source = write_docx(tmp_path / "pv.docx")
    html_chunk = tmp_path / "chunk.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(html_chunk, "w") as copy:
        for info in original.infolist():
            copy.writestr(info, original.read(info))
        copy.writestr("word/afchunk.htm", "<!DOCTYPE html><html><p>Annexe</p>")
    assert "garçon" in docx_extractor.extract(html_chunk).text  # a plain DOCTYPE outside .xml parts is fine
    renamed = tmp_path / "renamed.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(renamed, "w") as copy:
        for info in original.infolist():
            copy.writestr(info, original.read(info))
        copy.writestr("word/part.dat", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>')
    with pytest.raises(ExtractionError) as caught:
        docx_extractor.extract(renamed)
    assert caught.value.reason is ErrorReason.HOSTILE


def test_password_protected_zip_members(tmp_path: Path) -> None:
    data = bytearray(write_docx(tmp_path / "pv.docx").read_bytes())
    position = data.find(b"PK\x01\x02")
    while position >= 0:  # set the "encrypted" flag in every central directory entry
        data[position + 8] |= 0x1
        position = data.find(b"PK\x01\x02", position + 4)
    path = tmp_path / "zipcrypto.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(ExtractionError) as caught:
        docx_extractor.extract(path)
    assert caught.value.reason is ErrorReason.ENCRYPTED


def test_content_controls_nested_tables_and_text_boxes(tmp_path: Path) -> None:
    document = docx.Document()
    body = document.element.body
    body.insert(
        0,
        parse_xml(
            f"<w:sdt {W_NS}><w:sdtContent><w:p><w:r><w:t>Contrôle de contenu</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        ),
    )
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Scellé n° 4"
    inner = table.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "téléphone"
    inner.cell(0, 1).text = "06 12 34 56 78"
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    paragraph = document.add_paragraph("Avant ")
    paragraph._p.append(
        parse_xml(
            f"<w:r {W_NS} {mc}><mc:AlternateContent><mc:Choice Requires='wps'><w:drawing><w:txbxContent>"
            "<w:p><w:r><w:t>dans la zone de texte</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>"
            "<mc:Fallback><w:pict><w:p><w:r><w:t>copie de repli</w:t></w:r></w:p></w:pict></mc:Fallback>"
            "</mc:AlternateContent></w:r>"
        )
    )
    paragraph._p.append(
        parse_xml(
            f"<w:r {W_NS}><w:fldChar w:fldCharType='begin'/><w:instrText>PAGE</w:instrText><w:t>après</w:t>"
            "<w:tab/><w:noBreakHyphen/><w:br/><w:t xml:space='preserve'> fin</w:t></w:r>"
        )
    )
    path = tmp_path / "riche.docx"
    document.save(str(path))
    assert docx_extractor.extract(path).text.split("\n") == [
        "Contrôle de contenu",
        "Scellé n° 4 ; téléphone ; 06 12 34 56 78",
        "Avant",
        "dans la zone de texteaprès -",
        "fin",
    ]


def test_a_part_the_extractor_does_not_read_is_scanned_but_may_be_damaged(tmp_path: Path) -> None:
    """Every part is scanned for declarations (they can only stand before its root element); a damaged part
    that holds no text of the document (styles) does not cost the document its text."""
    source = write_docx(tmp_path / "pv.docx")
    with zipfile.ZipFile(source) as archive:
        styles = archive.read("word/styles.xml")
    damaged = rewrite_member(source, tmp_path / "styles-cut.docx", "word/styles.xml", styles[: len(styles) // 2])
    assert "garçon" in docx_extractor.extract(damaged).text
    declaration_end = styles.index(b"?>") + 2
    laughs = b'<!DOCTYPE w:styles [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    hostile = rewrite_member(
        source,
        tmp_path / "styles-dtd.docx",
        "word/styles.xml",
        styles[:declaration_end] + laughs + styles[declaration_end:],
    )
    with pytest.raises(ExtractionError) as caught:
        docx_extractor.extract(hostile)
    assert caught.value.reason is ErrorReason.HOSTILE
    assert "word/styles.xml" in caught.value.message


def test_not_a_word_package(tmp_path: Path) -> None:
    source = write_docx(tmp_path / "pv.docx")
    with zipfile.ZipFile(source) as archive:
        types = archive.read("[Content_Types].xml")
    sheet = types.replace(b"wordprocessingml.document.main+xml", b"spreadsheetml.sheet.main+xml")
    path = rewrite_member(source, tmp_path / "sheet.docx", "[Content_Types].xml", sheet)
    with pytest.raises(ExtractionError) as caught:
        docx_extractor.extract(path)
    assert caught.value.reason is ErrorReason.UNSUPPORTED
