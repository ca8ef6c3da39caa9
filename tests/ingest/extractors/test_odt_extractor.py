"""ODT extraction: headings, paragraphs, lists, tables in order; metadata; hostile and encrypted packages."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path

import pytest
from odf import dc, meta
from odf.opendocument import OpenDocumentText
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, List, ListItem, P, S, Span, Tab

from arbiter_desktop.domain import ErrorReason, Extraction, ExtractionError, FileKind
from arbiter_desktop.ingest import extractors
from arbiter_desktop.ingest.extractors import odt

Untouched = Callable[[Path], AbstractContextManager[None]]
PageTexts = Callable[[Extraction], list[str]]


def write_odt(path: Path) -> Path:
    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text="Rapport d'enquête n° 7"))
    document.meta.addElement(meta.CreationDate(text="2024-03-15T10:30:00.123456789"))
    document.text.addElement(H(outlinelevel=1, text="Audition du témoin"))
    paragraph = P(text="Le témoin déclare : « l'œuvre ")
    paragraph.addElement(Span(text="était à côté"))
    paragraph.addElement(S(c=3))
    paragraph.addElement(Tab())
    paragraph.addText("du garçon ».")
    document.text.addElement(paragraph)
    items = List()
    for text in ("premier point", "second point"):
        item = ListItem()
        item.addElement(P(text=text))
        items.addElement(item)
    document.text.addElement(items)
    table = Table(name="Personnes")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for values in (("Nom", "Prénom"), ("Lefèvre", "Françoise")):
        row = TableRow()
        for value in values:
            cell = TableCell()
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    document.text.addElement(table)
    document.text.addElement(P(text="Fin du procès-verbal."))
    document.save(str(path))
    return path


def rewrite_member(source: Path, target: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            copy.writestr(info.filename, data if info.filename == name else original.read(info))
    return target


def test_text_in_document_order(tmp_path: Path, page_texts: PageTexts, untouched: Untouched) -> None:
    path = write_odt(tmp_path / "rapport.odt")
    with untouched(path):
        result = odt.extract(path)
    assert result.text.split("\n") == [
        "Audition du témoin",
        "Le témoin déclare : « l'œuvre était à côté du garçon ».",
        "premier point",
        "second point",
        "Nom ; Prénom",
        "Lefèvre ; Françoise",
        "Fin du procès-verbal.",
    ]
    assert page_texts(result) == [result.text]
    assert result.title == "Rapport d'enquête n° 7"
    assert result.date == datetime(2024, 3, 15, 10, 30, 0, 123456)


def test_through_the_registry(tmp_path: Path) -> None:
    assert "Françoise" in extractors.extract(write_odt(tmp_path / "r.odt"), FileKind.ODT).text


def test_doctype_in_content_is_hostile(tmp_path: Path, untouched: Untouched) -> None:
    source = write_odt(tmp_path / "rapport.odt")
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("content.xml")
    end = xml.index(b"?>") + 2
    evil = b'<!DOCTYPE office:document-content [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    path = rewrite_member(source, tmp_path / "evil.odt", "content.xml", xml[:end] + evil + xml[end:])
    with untouched(path), pytest.raises(ExtractionError) as caught:
        odt.extract(path)
    assert caught.value.reason is ErrorReason.HOSTILE


def test_zip_bomb_is_hostile(tmp_path: Path) -> None:
    source = write_odt(tmp_path / "rapport.odt")
    path = tmp_path / "bomb.odt"
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bomb,
    ):
        for info in original.infolist():
            bomb.writestr(info, original.read(info))
        with bomb.open("Pictures/zeros.xml", "w", force_zip64=True) as member:
            for _ in range(200):
                member.write(bytes(1024 * 1024))
    with pytest.raises(ExtractionError) as caught:
        odt.extract(path)
    assert caught.value.reason is ErrorReason.HOSTILE


def test_encrypted_odt(tmp_path: Path) -> None:
    source = write_odt(tmp_path / "rapport.odt")
    with zipfile.ZipFile(source) as archive:
        manifest = archive.read("META-INF/manifest.xml")
    encrypted = manifest.replace(
        b'manifest:full-path="content.xml"',
        b'manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum="x"/>'
        b'</manifest:file-entry><manifest:file-entry manifest:media-type="" manifest:full-path="dummy"',
    )
    path = rewrite_member(source, tmp_path / "secret.odt", "META-INF/manifest.xml", encrypted)
    path = rewrite_member(path, tmp_path / "secret2.odt", "content.xml", bytes(range(256)) * 4)
    with pytest.raises(ExtractionError) as caught:
        odt.extract(path)
    assert caught.value.reason is ErrorReason.ENCRYPTED


def test_damaged_odt(tmp_path: Path) -> None:
    source = write_odt(tmp_path / "rapport.odt")
    truncated = tmp_path / "truncated.odt"
    truncated.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
    malformed = rewrite_member(source, tmp_path / "malformed.odt", "content.xml", b"<office:document-content")
    for path in (truncated, malformed):
        with pytest.raises(ExtractionError) as caught:
            odt.extract(path)
        assert caught.value.reason is ErrorReason.CORRUPT


def test_doctype_in_manifest_is_hostile(tmp_path: Path) -> None:
    source = write_odt(tmp_path / "rapport.odt")
    with zipfile.ZipFile(source) as archive:
        manifest = archive.read("META-INF/manifest.xml")
    end = manifest.index(b"?>") + 2
    remote = b'<!DOCTYPE manifest:manifest SYSTEM "http://attaquant.example/x.dtd">'
    hostile = manifest[:end] + remote + manifest[end:]
    path = rewrite_member(source, tmp_path / "url.odt", "META-INF/manifest.xml", hostile)
    with pytest.raises(ExtractionError) as caught:
        odt.extract(path)
    assert caught.value.reason is ErrorReason.HOSTILE


def test_notes_frames_and_skipped_records(tmp_path: Path) -> None:
    from odf.office import Annotation
    from odf.text import Note, NoteBody, NoteCitation, TrackedChanges

    document = OpenDocumentText()
    changes = TrackedChanges()
    changes.addElement(P(text="texte supprimé"), check_grammar=False)
    document.text.addElement(changes)
    paragraph = P(text="Le véhicule")
    note = Note(noteclass="footnote")
    note.addElement(NoteCitation(text="1"))
    body = NoteBody()
    body.addElement(P(text="immatriculé AB-123-CD"))
    note.addElement(body)
    paragraph.addElement(note)
    comment = Annotation()
    comment.addElement(P(text="commentaire du relecteur"))
    paragraph.addElement(comment)
    paragraph.addText(" a été retrouvé.")
    document.text.addElement(paragraph)
    outer = Table(name="Scellés")
    row = TableRow()
    cell = TableCell()
    inner = Table(name="Détail")
    inner_row = TableRow()
    for value in ("téléphone", "IMEI 356938035643809"):
        inner_cell = TableCell()
        inner_cell.addElement(P(text=value))
        inner_row.addElement(inner_cell)
    inner.addElement(inner_row)
    cell.addElement(inner)
    row.addElement(cell)
    row.addElement(TableCell())
    outer.addElement(row)
    document.text.addElement(outer)
    path = tmp_path / "notes.odt"
    document.save(str(path))
    assert odt.extract(path).text.split("\n") == [
        "Le véhicule",
        "immatriculé AB-123-CD a été retrouvé.",
        "téléphone ; IMEI 356938035643809",
    ]


def test_a_spreadsheet_package_is_not_a_text_document(tmp_path: Path) -> None:
    source = write_odt(tmp_path / "rapport.odt")
    path = rewrite_member(source, tmp_path / "calc.odt", "mimetype", b"application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(ExtractionError) as caught:
        odt.extract(path)
    assert caught.value.reason is ErrorReason.UNSUPPORTED
