"""Outlook mailboxes (PST, OST) through libpff: each message is a member, located by its folder path and subject
("boîte.pst › Boîte de réception › Rendez-vous gare").

A message has no bytes of its own in the mailbox, so it is written out as a MIME message in a canonical form that
this module defines (:func:`serialise`), and that form is what is hashed, deduplicated and read (as an EML, with
its attachments as pages). The canonical form, version ``pst-mime-1``:

- headers, in this order, each only when it has a value: ``X-Arbiter-Serialisation: pst-mime-1``, ``Subject``,
  ``From``, ``To``, ``Cc``, ``Date`` (the submit time, else the delivery time, RFC 5322 in UTC), ``Message-ID`` —
  taken from the message's transport headers when it has them (received mail), else from its properties;
- the plain-text body (UTF-8), then the HTML body if any, as ``multipart/alternative``;
- the attachments in the mailbox's order, each ``application/octet-stream`` with its long file name;
- MIME boundaries ``arbiter-pst-1``, ``arbiter-pst-2``… (never random), lines ending CRLF (policy SMTP).

The same message in two mailboxes, or read again by this version, gives the same bytes and the same SHA-256.
The message's identifier in the mailbox is its ``ref`` (to find it again).
"""

from __future__ import annotations

import contextlib
import email.utils
import io
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import Parser
from pathlib import Path
from typing import Any

from arbiter_desktop.domain import ErrorReason, ExtractionError, FileKind
from arbiter_desktop.ingest.containers import LOCATION_SEPARATOR, ArchiveLimits, Member, copy_capped
from arbiter_desktop.ingest.filetypes import decode_text
from arbiter_desktop.ingest.readonly import open_source

SERIALISATION = "pst-mime-1"
_DISPLAY_TO, _DISPLAY_CC = 0x0E04, 0x0E03


def pst_members(path: Path, folder: Path, limits: ArchiveLimits, only: str | None = None) -> list[Member]:
    import pypff

    members: list[Member] = []
    left = [limits.max_total_bytes]
    handle = open_source(path)
    mailbox = pypff.file()
    try:
        try:
            mailbox.open_file_object(handle)
        except (OSError, ValueError) as exc:
            raise ExtractionError(ErrorReason.CORRUPT, f"damaged Outlook mailbox: {exc}") from exc
        try:
            root = mailbox.get_root_folder()
            _walk(root, [], folder, limits, members, left, only, set())
        except ExtractionError:
            raise
        except (OSError, ValueError, MemoryError) as exc:
            raise ExtractionError(ErrorReason.CORRUPT, f"damaged Outlook mailbox: {exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            mailbox.close()
        handle.close()
    return members


def _walk(
    node: Any,
    names: list[str],
    folder: Path,
    limits: ArchiveLimits,
    members: list[Member],
    left: list[int],
    only: str | None,
    taken: set[str],
    depth: int = 0,
) -> None:
    for index in range(node.get_number_of_sub_messages()):
        if len(members) >= limits.max_entries:
            raise ExtractionError(
                ErrorReason.TOO_LARGE,
                f"the mailbox holds more than {limits.max_entries} messages (setting archive_max_entries): raise the "
                "setting to read them all",
            )
        try:
            message = node.get_sub_message(index)
            ref = str(message.get_identifier())
        except OSError as exc:
            members.append(
                Member(
                    _inner(names, f"message {index + 1}", taken),
                    "",
                    "",
                    "",
                    0,
                    FileKind.UNKNOWN,
                    ErrorReason.CORRUPT,
                    f"damaged message: {exc}",
                )
            )
            continue
        if only is not None and ref != only:
            continue
        subject = " ".join((_text(message.get_subject) or "(sans objet)").split())
        inner = _inner(names, subject, taken)
        try:
            data = serialise(message, limits.max_member_bytes)
        except (OSError, ValueError) as exc:
            members.append(
                Member(inner, ref, "", "", 0, FileKind.UNKNOWN, ErrorReason.CORRUPT, f"damaged message: {exc}")
            )
            continue
        if len(data) > left[0]:
            members.append(
                Member(
                    inner,
                    ref,
                    "",
                    "",
                    len(data),
                    FileKind.UNKNOWN,
                    ErrorReason.TOO_LARGE,
                    "the mailbox's messages add up to more than the limit: the rest is not read",
                )
            )
            continue
        target = folder / f"m{len(members)}.eml"
        sha256, size = copy_capped(io.BytesIO(data), target, limits.max_member_bytes)
        left[0] -= size
        members.append(Member(inner, ref, str(target), sha256, size, FileKind.EML))
    for index in range(node.get_number_of_sub_folders()):
        sub = node.get_sub_folder(index)
        name = " ".join((_text(sub.get_name) or "").split())
        # the root's own sub-folders are the stores ("Top of Personal Folders", in the language of the Outlook that
        # wrote the file): their names are left out of locations
        path = [*names, name.replace(LOCATION_SEPARATOR, " > ")] if depth else names
        _walk(sub, path, folder, limits, members, left, only, taken, depth + 1)


def _inner(names: list[str], subject: str, taken: set[str]) -> str:
    base = LOCATION_SEPARATOR.join([*names, subject.replace(LOCATION_SEPARATOR, " > ")])
    inner, number = base, 1
    while inner in taken:
        number += 1
        inner = f"{base} ({number})"
    taken.add(inner)
    return inner


def _text(getter: Any) -> str:
    try:
        value = getter()
    except OSError:
        return ""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return decode_text(value).rstrip("\x00")
    return str(value)


def _property(message: Any, tag: int) -> str:
    try:
        for record_set in message.record_sets:
            for entry in record_set.entries:
                if entry.entry_type == tag:
                    return str(entry.get_data_as_string() or "")
    except (OSError, AttributeError, ValueError):
        return ""
    return ""


def _time(message: Any) -> datetime | None:
    for getter in (message.get_client_submit_time, message.get_delivery_time):
        try:
            value = getter()
        except (OSError, ValueError):
            continue
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
    return None


def serialise(message: Any, max_bytes: int) -> bytes:
    """The message in the canonical MIME form described in the module's doc."""
    headers = Parser(policy=policy.default).parsestr(_text(message.get_transport_headers) or "", headersonly=True)
    out = EmailMessage(policy=policy.SMTP)
    out["X-Arbiter-Serialisation"] = SERIALISATION
    when = _time(message)
    values = {
        "Subject": _text(message.get_subject) or str(headers.get("Subject", "") or ""),
        "From": str(headers.get("From", "") or "") or _text(message.get_sender_name),
        "To": str(headers.get("To", "") or "") or _property(message, _DISPLAY_TO),
        "Cc": str(headers.get("Cc", "") or "") or _property(message, _DISPLAY_CC),
        "Date": email.utils.format_datetime(when.astimezone(UTC)) if when else str(headers.get("Date", "") or ""),
        "Message-ID": str(headers.get("Message-ID", "") or ""),
    }
    for name, value in values.items():
        value = " ".join(value.split())
        if value:
            out[name] = value
    body = _text(message.get_plain_text_body)
    html = _text(message.get_html_body)
    out.set_content(body or ("" if html else " "), charset="utf-8")
    if html:
        out.add_alternative(html, subtype="html", charset="utf-8")
    total = len(body) + len(html)
    for index in range(message.get_number_of_attachments()):
        attachment = message.get_attachment(index)
        try:
            size = int(attachment.get_size() or 0)
            name = _text(attachment.get_long_filename) or f"pièce jointe {index + 1}"
        except OSError:
            continue
        if size <= 0 or total + size > max_bytes:
            continue
        try:
            data = attachment.read_buffer(size)
        except OSError:
            continue  # an attached message or a damaged attachment: not written
        total += size
        out.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    for number, part in enumerate((p for p in out.walk() if p.is_multipart()), start=1):
        part.set_boundary(f"arbiter-pst-{number}")
    return out.as_bytes()
