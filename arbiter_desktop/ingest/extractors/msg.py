"""Outlook messages (.msg): a header block and the body, then one page per attachment, as for EML.

A .msg is an OLE compound file ([MS-OXMSG]) read with olefile: each property is a stream named
``__substg1.0_TTTTYYYY`` (tag, type), fixed-size properties (dates) sit in ``__properties_version1.0``, attachments
are storages ``__attach_version1.0_#N`` and recipients ``__recip_version1.0_#N``. An attached message is a storage
of the same shape, read as a message (to ``MAX_DEPTH``). Attachments are read by the same code as e-mail
attachments (:mod:`arbiter_desktop.ingest.extractors.email`).
"""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path
from typing import Any

from arbiter_desktop.domain import ErrorReason, Extraction, ExtractionError
from arbiter_desktop.ingest.extractors.email import MAX_DEPTH, Collected, add_attachment_bytes
from arbiter_desktop.ingest.extractors.html import html_to_text
from arbiter_desktop.ingest.extractors.normalize import join_pages, normalize_text
from arbiter_desktop.ingest.filetypes import decode_text
from arbiter_desktop.ingest.ocr.source import open_document

MAX_PROPERTY_BYTES = 64 * 1024 * 1024  # a body or an attachment larger than this is left out
_SUBJECT, _BODY, _HTML = 0x0037, 0x1000, 0x1013
_SENDER_NAME, _SENDER_EMAIL, _SENDER_SMTP = 0x0C1A, 0x0C1F, 0x5D01
_DISPLAY_TO, _DISPLAY_CC = 0x0E04, 0x0E03
_HEADERS = 0x007D
_SUBMIT_TIME, _DELIVERY_TIME = 0x0039, 0x0E06
_ATTACH_LONG_NAME, _ATTACH_NAME, _ATTACH_DATA = 0x3707, 0x3704, 0x3701
_UNICODE, _STRING8, _BINARY, _OBJECT = 0x001F, 0x001E, 0x0102, 0x000D
_TOP_HEADER, _EMBEDDED_HEADER = 32, 24  # bytes before the entries of __properties_version1.0
_EPOCH = dt.datetime(1601, 1, 1, tzinfo=dt.UTC)


def extract(path: Path) -> Extraction:
    collected = Collected()
    headers = collect(path, collected)
    text, pages = join_pages(collected.pages)
    fields = {name: value for name, value in headers.items() if value and name != "date_value"}
    if collected.skipped:
        fields["attachments_skipped"] = "; ".join(collected.skipped)
    date = headers.get("date_value")
    return Extraction(
        text=text,
        pages=pages,
        title=headers.get("subject", ""),
        fields=fields,
        date=date if isinstance(date, dt.datetime) else None,
        ocr_pages=tuple(collected.ocr),
    )


def collect(path: Path | bytes, collected: Collected) -> dict[str, Any]:
    """The message's pages into ``collected`` (its header block and body, then its attachments); its headers.
    ``path``: the file, or its bytes."""
    import olefile

    try:
        with open_document(path if isinstance(path, bytes) else str(path)) as handle, olefile.OleFileIO(handle) as ole:
            message = _Message(ole, [], _TOP_HEADER)
            if not message.streams():
                raise ExtractionError(ErrorReason.CORRUPT, "not an Outlook message (no message properties)")
            return message.add_to(collected, label="", depth=0)
    except ExtractionError:
        raise
    except (PermissionError, FileNotFoundError) as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc}") from exc
    except (OSError, ValueError, IndexError, TypeError, struct.error) as exc:
        raise ExtractionError(ErrorReason.CORRUPT, f"damaged Outlook message: {exc}") from exc


class _Message:
    """A message storage (the file's root, or an attached message's storage)."""

    def __init__(self, ole: Any, prefix: list[str], header_size: int) -> None:
        self.ole = ole
        self.prefix = prefix
        self.header_size = header_size

    def streams(self) -> list[list[str]]:
        depth = len(self.prefix)
        return [
            entry
            for entry in self.ole.listdir(streams=True, storages=False)
            if len(entry) == depth + 1 and entry[:depth] == self.prefix
        ]

    def _read(self, name: str) -> bytes | None:
        entry = [*self.prefix, name]
        if not self.ole.exists("/".join(entry)):
            return None
        if self.ole.get_size("/".join(entry)) > MAX_PROPERTY_BYTES:
            return None
        data: bytes = self.ole.openstream(entry).read()
        return data

    def text(self, tag: int) -> str:
        raw = self._read(f"__substg1.0_{tag:04X}{_UNICODE:04X}")
        if raw is not None:
            return raw.decode("utf-16-le", errors="replace").rstrip("\x00")
        raw = self._read(f"__substg1.0_{tag:04X}{_STRING8:04X}")
        return decode_text(raw).rstrip("\x00") if raw is not None else ""

    def binary(self, tag: int) -> bytes | None:
        return self._read(f"__substg1.0_{tag:04X}{_BINARY:04X}")

    def time(self, tag: int) -> dt.datetime | None:
        raw = self._read("__properties_version1.0")
        if raw is None:
            return None
        for at in range(self.header_size, len(raw) - 15, 16):
            prop_type, prop_tag = struct.unpack_from("<HH", raw, at)
            if prop_tag == tag and prop_type == 0x0040:
                (value,) = struct.unpack_from("<Q", raw, at + 8)
                try:
                    return _EPOCH + dt.timedelta(microseconds=value // 10)
                except OverflowError:
                    return None
        return None

    def body(self) -> str:
        plain = self.text(_BODY)
        if plain.strip():
            return plain
        html = self.binary(_HTML)
        if html is not None:
            return html_to_text(decode_text(html))[0]
        html_text = self.text(_HTML)
        return html_to_text(html_text)[0] if html_text else ""

    def headers(self) -> dict[str, Any]:
        sender = self.text(_SENDER_NAME)
        address = self.text(_SENDER_SMTP) or self.text(_SENDER_EMAIL)
        if address and "@" in address and address not in sender:
            sender = f"{sender} <{address}>" if sender else address
        date = self.time(_SUBMIT_TIME) or self.time(_DELIVERY_TIME)
        return {
            "from": " ".join(sender.split()),
            "to": " ".join(self.text(_DISPLAY_TO).split()),
            "cc": " ".join(self.text(_DISPLAY_CC).split()),
            "date": date.strftime("%d/%m/%Y %H:%M UTC") if date else "",
            "subject": " ".join(self.text(_SUBJECT).split()),
            "date_value": date,
        }

    def attachments(self) -> list[list[str]]:
        depth = len(self.prefix)
        found = {
            tuple(entry[: depth + 1])
            for entry in self.ole.listdir(streams=True, storages=True)
            if len(entry) > depth and entry[:depth] == self.prefix and entry[depth].startswith("__attach_version1.0_")
        }
        return [list(entry) for entry in sorted(found)]

    def add_to(self, collected: Collected, label: str, depth: int) -> dict[str, Any]:
        headers = self.headers()
        titles = (("from", "De"), ("to", "À"), ("cc", "Cc"), ("date", "Date"), ("subject", "Objet"))
        block = "\n".join(f"{title} : {headers[name]}" for name, title in titles if headers[name])
        collected.pages.append((f"{block}\n\n{self.body()}", label))
        prefix = f"{label} > " if label else ""
        for index, storage in enumerate(self.attachments(), start=1):
            attachment = _Message(self.ole, storage, 8)
            name = _clean_name(attachment.text(_ATTACH_LONG_NAME) or attachment.text(_ATTACH_NAME), index)
            where = f"{prefix}pièce jointe : {name}"
            try:
                embedded = [*storage, f"__substg1.0_{_ATTACH_DATA:04X}{_OBJECT:04X}"]
                if self.ole.exists("/".join(embedded)):
                    if depth >= MAX_DEPTH:
                        raise ExtractionError(ErrorReason.HOSTILE, "messages nested too deep")
                    inner = _Message(self.ole, embedded, _EMBEDDED_HEADER)
                    name = inner.text(_SUBJECT) or name
                    inner.add_to(collected, f"{prefix}pièce jointe : {name}", depth + 1)
                    continue
                data = attachment.binary(_ATTACH_DATA)
                if data is None:
                    raise ExtractionError(ErrorReason.EMPTY, "attachment without data (a link, or too large)")
                add_attachment_bytes(data, name, collected, where, depth)
            except ExtractionError as exc:
                collected.skipped.append(f"{prefix}{name} ({exc.reason.value})")
            except Exception:  # a parser bug on one attachment must not lose the message
                collected.skipped.append(f"{prefix}{name} ({ErrorReason.CORRUPT.value})")
        return headers


def _clean_name(name: str, index: int) -> str:
    name = "".join(c for c in name.replace("\\", "/").rsplit("/", 1)[-1] if c >= " " and c != "\x7f").strip()
    return normalize_text(name)[:200] or f"sans nom {index}"
