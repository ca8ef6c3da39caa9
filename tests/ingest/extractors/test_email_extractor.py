"""E-mail and mbox extraction: header block, body, attachments as labelled pages, read-only mailboxes."""

from __future__ import annotations

import mailbox
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import docx
from fpdf import FPDF

from arbiter_desktop.domain import Extraction, FileKind
from arbiter_desktop.ingest import extractors
from arbiter_desktop.ingest.extractors import email as email_extractor
from arbiter_desktop.ingest.filetypes import detect_kind

Untouched = Callable[[Path], AbstractContextManager[None]]
PageTexts = Callable[[Extraction], list[str]]

BODY = "Bonjour,\nveuillez trouver le procès-verbal : l'œuvre était à côté du garçon.\nCordialement"


def pdf_bytes(pages: list[str]) -> bytes:
    document = FPDF()
    document.set_font("Helvetica", size=12)
    for text in pages:
        document.add_page()
        document.multi_cell(0, 8, text)
    return bytes(document.output())


def docx_bytes(tmp_path: Path) -> bytes:
    document = docx.Document()
    document.add_paragraph("Audition de Mme Lefèvre : « je n'ai rien vu ».")
    path = tmp_path / "audition.docx"
    document.save(str(path))
    return path.read_bytes()


def message(tmp_path: Path, subject: str = "Procès-verbal n° 42 — urgent") -> EmailMessage:
    mail = EmailMessage(policy=default)
    mail["From"] = "Capitaine Dupré <dupre@gendarmerie.example>"
    mail["To"] = "Juge Müller <muller@justice.example>"
    mail["Cc"] = "greffe@justice.example"
    mail["Date"] = "Fri, 15 Mar 2024 10:30:00 +0100"
    mail["Subject"] = subject
    mail.set_content(BODY)
    mail.add_attachment(
        pdf_bytes(["Première page du rapport.", "Seconde page : à Besançon."]),
        maintype="application",
        subtype="pdf",
        filename="rapport d'enquête.pdf",
    )
    mail.add_attachment(
        docx_bytes(tmp_path),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="audition.docx",
    )
    mail.add_attachment(b"\x89PNG\r\n\x1a\n" + bytes(100), maintype="image", subtype="png", filename="photo.png")
    return mail


def test_eml_headers_body_and_attachments(tmp_path: Path, page_texts: PageTexts, untouched: Untouched) -> None:
    path = tmp_path / "message.eml"
    path.write_bytes(message(tmp_path).as_bytes())
    assert detect_kind(path) is FileKind.EML
    with untouched(path):
        result = email_extractor.extract_eml(path)
    assert result.title == "Procès-verbal n° 42 — urgent"
    assert result.fields["from"] == "Capitaine Dupré <dupre@gendarmerie.example>"
    assert result.fields["to"] == "Juge Müller <muller@justice.example>"
    assert result.fields["cc"] == "greffe@justice.example"
    assert result.fields["subject"] == result.title
    assert result.fields["date"] == "Fri, 15 Mar 2024 10:30:00 +0100"
    assert result.fields["attachments_skipped"] == "photo.png (corrupt)"  # a PNG header without an image
    assert result.date == datetime(2024, 3, 15, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    texts = page_texts(result)
    assert [span.label for span in result.pages] == [
        "",
        "pièce jointe : rapport d'enquête.pdf, p. 1",
        "pièce jointe : rapport d'enquête.pdf, p. 2",
        "pièce jointe : audition.docx",
    ]
    assert [span.number for span in result.pages] == [1, 2, 3, 4]
    assert texts[0] == (
        "De : Capitaine Dupré <dupre@gendarmerie.example>\n"
        "À : Juge Müller <muller@justice.example>\n"
        "Cc : greffe@justice.example\n"
        "Date : Fri, 15 Mar 2024 10:30:00 +0100\n"
        "Objet : Procès-verbal n° 42 — urgent\n\n" + BODY
    )
    assert texts[1:] == [
        "Première page du rapport.",
        "Seconde page : à Besançon.",
        "Audition de Mme Lefèvre : « je n'ai rien vu ».",
    ]


def test_html_only_body_and_forwarded_message(tmp_path: Path, page_texts: PageTexts) -> None:
    forwarded = EmailMessage(policy=default)
    forwarded["From"] = "temoin@example.fr"
    forwarded["Subject"] = "Ma déclaration"
    forwarded.set_content("J'étais présent à l'église.")
    mail = EmailMessage(policy=default)
    mail["From"] = "dupre@gendarmerie.example"
    mail["Subject"] = "Tr: déclaration"
    mail.set_content("<html><head><style>p{}</style></head><body><p>Voir le message&nbsp;ci-joint.</p>", "html")
    mail.add_attachment(forwarded, filename="déclaration.eml")
    path = tmp_path / "fwd.eml"
    path.write_bytes(mail.as_bytes())
    result = extractors.extract(path, FileKind.EML)
    texts = page_texts(result)
    assert texts[0].endswith("Objet : Tr: déclaration\n\nVoir le message ci-joint.")
    assert result.pages[1].label == "pièce jointe : déclaration.eml"
    assert texts[1] == "De : temoin@example.fr\nObjet : Ma déclaration\n\nJ'étais présent à l'église."


def test_mbox_messages_and_attachments(tmp_path: Path, page_texts: PageTexts, untouched: Untouched) -> None:
    path = tmp_path / "boite.mbox"
    box = mailbox.mbox(path)
    for index, subject in enumerate(["Premier échange", "Rapport joint", ""], start=1):
        mail = EmailMessage(policy=default)
        mail["From"] = f"agent{index}@example.fr"
        if subject:
            mail["Subject"] = subject
        mail.set_content(f"Message numéro {index} : l'enquête avance.\nFrom here on, nothing changes.")
        if index == 2:
            mail.add_attachment(
                pdf_bytes(["Annexe du rapport."]),
                maintype="application",
                subtype="pdf",
                filename="annexe.pdf",
            )
            mail.add_attachment(b"\x00\x01binaire", maintype="application", subtype="octet-stream", filename="x.bin")
        box.add(mail)
    box.close()
    assert detect_kind(path) is FileKind.MBOX
    with untouched(path):
        result = extractors.extract(path, FileKind.MBOX)
    assert [span.label for span in result.pages] == [
        "message 1 : Premier échange",
        "message 2 : Rapport joint",
        "message 2, pièce jointe : annexe.pdf",
        "message 3",
    ]
    texts = page_texts(result)
    assert texts[0].startswith(
        "De : agent1@example.fr\nObjet : Premier échange\n\nMessage numéro 1 : l'enquête avance."
    )
    assert texts[2] == "Annexe du rapport."
    assert texts[3].startswith("De : agent3@example.fr\n\nMessage numéro 3")
    assert result.fields["messages"] == "3"
    assert result.fields["attachments_skipped"] == "message 2, x.bin (unsupported)"


def test_raw_message_encodings_and_bad_date(tmp_path: Path) -> None:
    path = tmp_path / "ancien.eml"
    path.write_bytes(
        b"From: =?iso-8859-1?q?Fran=E7oise?= <f@example.fr>\r\n"
        b"To: b@example.fr\r\n"
        b"Date: le 15 mars\r\n"
        b"Subject: =?utf-8?b?UHJvY8OocyB2ZXJiYWw=?=\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"L=27=9Cuvre =E0 c=F4t=E9 du gar=E7on.\r\n"
    )
    result = email_extractor.extract_eml(path)
    assert result.title == "Procès verbal"
    assert result.fields["from"] == "Françoise <f@example.fr>"
    assert result.fields["date"] == "le 15 mars"
    assert result.date is None
    assert result.text.endswith("Objet : Procès verbal\n\nL'œuvre à côté du garçon.")


def test_hand_written_mbox_splits_only_after_blank_lines(tmp_path: Path, page_texts: PageTexts) -> None:
    path = tmp_path / "boite"
    path.write_bytes(
        b"From a@example.fr Fri Mar 15 10:30:00 2024\n"
        b"From: a@example.fr\nSubject: un\n\nPremier corps\nFrom the start, rien.\n\n"
        b"From b@example.fr Fri Mar 15 11:30:00 2024\n"
        b"From: b@example.fr\nSubject: deux\n\nSecond corps\n"
    )
    assert detect_kind(path) is FileKind.MBOX
    result = email_extractor.extract_mbox(path)
    assert [span.label for span in result.pages] == ["message 1 : un", "message 2 : deux"]
    assert page_texts(result)[0].endswith("Premier corps\nFrom the start, rien.")


def test_an_attached_archive_gives_the_pages_of_its_members(tmp_path: Path) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pv/audition.txt", b"Audition de Karim MEZIANE.")
        archive.writestr("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(64))
    message = EmailMessage(policy=default)
    message["From"] = "greffe@exemple.fr"
    message["To"] = "opj@exemple.fr"
    message["Subject"] = "Pièces"
    message.set_content("Ci-joint les pièces.")
    message.add_attachment(buffer.getvalue(), maintype="application", subtype="zip", filename="pieces.zip")
    path = tmp_path / "pieces.eml"
    path.write_bytes(message.as_bytes())
    result = extractors.extract(path, FileKind.EML)
    assert [p.label for p in result.pages] == ["", "pièce jointe : pieces.zip > pv/audition.txt"]
    assert "Karim MEZIANE" in result.text
    assert result.fields["attachments_skipped"] == "pièce jointe : pieces.zip > photo.jpg (corrupt)"
