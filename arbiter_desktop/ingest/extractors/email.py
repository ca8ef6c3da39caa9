"""E-mail messages (EML) and mailboxes (mbox): a header block and the body, then one page per attachment.

An attached photo or scan is a page (a page per frame of a multi-page TIFF, per page of a scanned PDF) whose text
the OCR phase recognises: the extraction leaves it empty and lists it in ``ocr_pages``; the OCR page job gets its
image from :func:`page_source`, which walks the message again, as the extraction did, to the attachment that page
is (messages are small next to the recognition of a page; the last message walked is kept per worker).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.errors import MessageError
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from arbiter_desktop.domain import CONTAINER_KINDS, ErrorReason, Extraction, ExtractionError, FileKind
from arbiter_desktop.ingest import extractors
from arbiter_desktop.ingest.extractors.html import LATIN1_ALIASES, html_to_text
from arbiter_desktop.ingest.extractors.normalize import join_pages, normalize_text
from arbiter_desktop.ingest.extractors.text import read_bytes
from arbiter_desktop.ingest.filetypes import decode_text, detect_kind_bytes
from arbiter_desktop.ingest.ocr.images import image_info
from arbiter_desktop.ingest.readonly import open_source

MAX_EML_BYTES = 128 * 1024 * 1024
MAX_DEPTH = 3  # messages attached to messages attached to...
_HEADERS = (("from", "De"), ("to", "À"), ("cc", "Cc"), ("date", "Date"), ("subject", "Objet"))
_SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


# Where an attachment's page is: the attachment's bytes, their format (PDF or image) and the page in them.
PageSource = tuple[bytes, FileKind, int]


@dataclass
class Collected:
    pages: list[tuple[str, str]] = field(default_factory=list)  # (text, label), in page order
    skipped: list[str] = field(default_factory=list)
    ocr: list[int] = field(default_factory=list)  # numbers of the pages whose text the OCR recognises
    sources: dict[int, PageSource] | None = None  # when given, filled with where each of those pages is

    def add_scan(self, label: str, source: PageSource, text: str = "") -> None:
        """A page to recognise; ``text``: what it reads meanwhile (a short text layer; a scan has none)."""
        self.pages.append((text, label))
        self.ocr.append(len(self.pages))
        if self.sources is not None:
            self.sources[len(self.pages)] = source


def extract_eml(path: Path) -> Extraction:
    collected = Collected()
    message = _collect_eml(path, collected)
    text, pages = join_pages(collected.pages)
    headers = _header_values(message)
    fields = {name: value for name, value in headers.items() if value}
    if collected.skipped:
        fields["attachments_skipped"] = "; ".join(collected.skipped)
    return Extraction(
        text=text,
        pages=pages,
        title=headers["subject"],
        fields=fields,
        date=_date(message),
        ocr_pages=tuple(collected.ocr),
    )


def _collect_eml(path: Path, collected: Collected) -> EmailMessage:
    message = _parse(read_bytes(path, MAX_EML_BYTES))
    _add_message(message, collected, label="", prefix="", depth=0)
    return message


def extract_mbox(path: Path) -> Extraction:
    collected = Collected()
    count = _collect_mbox(path, collected)
    text, pages = join_pages(collected.pages)
    fields = {"messages": str(count)}
    if collected.skipped:
        fields["attachments_skipped"] = "; ".join(collected.skipped)
    return Extraction(text=text, pages=pages, fields=fields, ocr_pages=tuple(collected.ocr))


def _collect_mbox(path: Path, collected: Collected) -> int:
    count = 0
    for count, data in enumerate(_mbox_messages(path), start=1):
        if data is None:
            collected.skipped.append(f"message {count} (too_large)")
            continue
        message = _parse(data)
        subject = _header_values(message)["subject"]
        label = f"message {count} : {subject}" if subject else f"message {count}"
        _add_message(message, collected, label=label, prefix=f"message {count}, ", depth=0)
    return count


_walked: tuple[tuple[str, FileKind, int, int], dict[int, PageSource]] | None = None  # per worker: the last message


def page_source(locator: str | bytes, kind: FileKind, page: int) -> PageSource:
    """Where page ``page`` of the message (EML, mbox or .msg) at ``locator`` is, for a page the extraction left to
    the OCR: an attachment's bytes, their format and the page in them. The message is walked again as the
    extraction walked it, so its pages are numbered the same; raises ExtractionError when that page is not an
    attachment to recognise."""
    global _walked
    if isinstance(locator, bytes):  # a message attached to nothing else: not kept
        sources = _sources(locator, kind)
    else:
        st = Path(locator).stat()
        key = (locator, kind, st.st_size, st.st_mtime_ns)
        if _walked is None or _walked[0] != key:
            _walked = None  # the previous message's attachments are released before this one is read
            _walked = (key, _sources(locator, kind))
        sources = _walked[1]
    found = sources.get(page)
    if found is None:
        raise ExtractionError(ErrorReason.CORRUPT, f"page {page} of the message is not an attachment to recognise")
    return found


def _sources(locator: str | bytes, kind: FileKind) -> dict[int, PageSource]:
    from arbiter_desktop.ingest.extractors import msg

    collected = Collected(sources={})
    if kind is FileKind.MSG:
        msg.collect(locator if isinstance(locator, bytes) else Path(locator), collected)
    elif isinstance(locator, bytes):
        raise ExtractionError(ErrorReason.UNSUPPORTED, f"a {kind.value} is read from its file")
    elif kind is FileKind.MBOX:
        _collect_mbox(Path(locator), collected)
    else:
        _collect_eml(Path(locator), collected)
    assert collected.sources is not None
    return collected.sources


def _parse(data: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)  # guaranteed by policy.default
    return message


def _add_message(message: EmailMessage, collected: Collected, label: str, prefix: str, depth: int) -> None:
    """The message's header block and body as one page, then a page (or several) per attachment."""
    headers = _header_values(message)
    block = "\n".join(f"{title} : {headers[name]}" for name, title in _HEADERS if headers[name])
    collected.pages.append((f"{block}\n\n{_body(message)}", label))
    for index, part in enumerate(message.iter_attachments(), start=1):
        name = attachment_name(part, index)
        try:
            _add_attachment(part, name, collected, f"{prefix}pièce jointe : {name}", depth)
        except ExtractionError as exc:
            collected.skipped.append(f"{prefix}{name} ({exc.reason.value})")
        except Exception:  # a parser bug on one attachment must not lose the message
            collected.skipped.append(f"{prefix}{name} ({ErrorReason.CORRUPT.value})")


def _add_attachment(part: EmailMessage, name: str, collected: Collected, label: str, depth: int) -> None:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_content()
        if isinstance(inner, EmailMessage):
            add_inner_message(inner, collected, label, depth)
            return
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload:
        raise ExtractionError(ErrorReason.EMPTY, "empty attachment")
    add_attachment_bytes(payload, name, collected, label, depth)


def add_attachment_bytes(payload: bytes, name: str, collected: Collected, label: str, depth: int) -> None:
    """An attachment's pages (its format detected from its bytes); an attached e-mail is read as a message.

    Raises ExtractionError when it cannot be read (the caller notes it as skipped)."""
    if not payload:
        raise ExtractionError(ErrorReason.EMPTY, "empty attachment")
    kind = detect_kind_bytes(payload, name)
    if kind is FileKind.UNKNOWN:
        raise ExtractionError(ErrorReason.UNSUPPORTED, "unsupported attachment format")
    if kind is FileKind.IMAGE:  # a photo or a scan: its frames are pages that the OCR phase reads
        frames = image_info(payload).frames  # its header only: a decompression bomb is refused here
        for frame in range(1, frames + 1):
            collected.add_scan(label if frames == 1 else f"{label}, p. {frame}", (payload, kind, frame))
        return
    if kind is FileKind.EML:
        add_inner_message(_parse(payload), collected, label, depth)
        return
    suffix = Path(name).suffix if _SAFE_SUFFIX.fullmatch(Path(name).suffix) else ""
    with tempfile.TemporaryDirectory(prefix="arbiter-attachment-") as folder:
        temporary = Path(folder) / f"attachment{suffix}"
        temporary.write_bytes(payload)
        if kind in CONTAINER_KINDS:
            _add_archive(temporary, kind, Path(folder) / "members", collected, label, depth)
            return
        result = extractors.extract(temporary, kind)
    scans = set(result.ocr_pages)  # scanned pages (of a PDF): recognised by the OCR phase
    spans = [span for span in result.pages if span.end > span.start or span.number in scans]
    for span in spans:
        page_label = label
        if span.label:
            page_label = f"{label} > {span.label}"
        elif len(spans) > 1:
            page_label = f"{label}, p. {span.number}"
        body = result.text[span.start : span.end]
        if span.number in scans:
            collected.add_scan(page_label, (payload, kind, span.number), body)
        else:
            collected.pages.append((body, page_label))


def _add_archive(path: Path, kind: FileKind, scratch: Path, collected: Collected, label: str, depth: int) -> None:
    """An attached archive: each member's pages, labelled "pièce jointe : a.zip > dossier/pv.pdf" (members that
    cannot be read are noted as skipped). The archive limits of ingest/containers apply."""
    from arbiter_desktop.ingest.containers import ArchiveLimits, expand

    if depth >= MAX_DEPTH:
        raise ExtractionError(ErrorReason.HOSTILE, "archives nested too deep")
    members, _ = expand(path, kind, scratch, ArchiveLimits())
    for member in members:
        where = f"{label} > {member.inner}"
        if member.reason is not None:
            collected.skipped.append(f"{where} ({member.reason.value})")
            continue
        try:
            add_attachment_bytes(Path(member.file).read_bytes(), member.inner, collected, where, depth + 1)
        except ExtractionError as exc:
            collected.skipped.append(f"{where} ({exc.reason.value})")
        except Exception:  # a parser bug on one member must not lose the message
            collected.skipped.append(f"{where} ({ErrorReason.CORRUPT.value})")


def add_inner_message(message: EmailMessage, collected: Collected, label: str, depth: int) -> None:
    if depth >= MAX_DEPTH:
        raise ExtractionError(ErrorReason.HOSTILE, "messages nested too deep")
    _add_message(message, collected, label=label, prefix=f"{label} > ", depth=depth + 1)


def _header_values(message: EmailMessage) -> dict[str, str]:
    values = {}
    for name, _title in _HEADERS:
        try:
            value = message.get(name)
            values[name] = " ".join(str(value).split()) if value is not None else ""
        except (MessageError, ValueError, IndexError, TypeError, AttributeError):
            values[name] = ""
    return values


def _date(message: EmailMessage) -> datetime | None:
    try:
        value = message.get("date")
        return parsedate_to_datetime(str(value)) if value is not None else None
    except (MessageError, ValueError, IndexError, TypeError, AttributeError):
        return None


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = (part.get_content_charset() or "").lower()
    try:
        # An undeclared, ASCII or Latin-1 charset is often really UTF-8 or windows-1252: detect it.
        content = decode_text(payload) if charset in LATIN1_ALIASES | {""} else payload.decode(charset)
    except (LookupError, UnicodeDecodeError):
        content = decode_text(payload)
    if part.get_content_type() == "text/html":
        return html_to_text(content)[0]
    return content


def attachment_name(part: EmailMessage, index: int) -> str:
    name = part.get_filename() or ""
    name = _UNSAFE_NAME.sub("", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return normalize_text(name)[:200] or f"sans nom {index}"


def _mbox_messages(path: Path) -> Iterator[bytes | None]:
    """Each message's bytes (None when over the size limit), split on "From " lines that open the file or
    follow a blank line. Read-only: mailbox.mbox is avoided because it opens the file for writing ("rb+")."""
    try:
        with open_source(path) as handle:
            current: bytearray | None = None
            previous_blank = True
            for line in handle:
                if line.startswith(b"From ") and previous_blank:
                    if current is not None:
                        yield _finish(current)
                    current = bytearray()
                elif current is not None and len(current) <= MAX_EML_BYTES:
                    current += line
                previous_blank = line in (b"\n", b"\r\n")
            if current is not None:
                yield _finish(current)
    except OSError as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc}") from exc


def _finish(message: bytearray) -> bytes | None:
    return bytes(message) if len(message) <= MAX_EML_BYTES else None
