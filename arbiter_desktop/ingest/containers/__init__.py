"""Containers (ZIP, 7z, tar, PST/OST): files whose members are documents of their own.

A container is read in an extraction worker, under the same time and memory limits as any file: the worker lists
its members, copies each one out into a scratch folder (streamed, hashed, capped) and returns the container's own
document — the list of what it holds — with the members (:class:`Member`). The indexer then sends each member to
the workers as a file of its own (its own time and memory limit), or finds its content already indexed; a member
that is itself a container is expanded the same way, to ``MAX_DEPTH`` levels.

Limits against bombs (:class:`ArchiveLimits`), each a clear error for the member or the container, never a crash:
the number of entries; declared sizes and the bytes actually produced (a member is streamed with a cap and refused
if it grows past its declared size); the compression ratio; the total bytes copied out of one container; entries
that overlap in a ZIP (the "quoted overlap" bomb, CVE-2024-0450, which the Python used here does not refuse);
names that climb out of the archive (``../``) or are absolute; encrypted archives and members (``encrypted``).
Members are written under numbered names in the scratch folder, never under their own names.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from arbiter_desktop.domain import CONTAINER_KINDS, LOCATION_SEPARATOR, ErrorReason, ExtractionError, FileKind

MAX_DEPTH = 3  # containers inside containers: members are read down to this depth
__all__ = ["LOCATION_SEPARATOR", "MAX_DEPTH", "ArchiveLimits", "Member", "MemberError", "expand"]
RATIO_FLOOR = 1024 * 1024  # the ratio is only checked on members that expand past this
_BLOCK = 1 << 20


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    max_entries: int = 10_000  # entries of one container (more: the container is refused as too large)
    max_member_bytes: int = 2048 * 1024 * 1024  # one member
    max_total_bytes: int = 8 * 1024 * 1024 * 1024  # everything copied out of one container
    max_ratio: int = 200  # uncompressed / compressed, for members past RATIO_FLOOR


@dataclass(frozen=True, slots=True)
class Member:
    """One member of a container, as the worker found it."""

    inner: str  # where it is inside its container, as shown: "dossier/fichier.pdf", "Boîte de réception › sujet"
    ref: str  # how to find it again in the container (the entry's raw name, a PST message's identifier)
    file: str  # its bytes copied out in the scratch folder ("" when they were not)
    sha256: str
    size: int
    kind: FileKind
    reason: ErrorReason | None = None  # why it is not read (then ``file`` is "")
    message: str = ""


class MemberError(Exception):
    """A member that is not copied out (reported on its own; the container goes on)."""

    def __init__(self, reason: ErrorReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def copy_capped(
    stream: BinaryIO,
    target: Path,
    cap: int,
    declared: int | None = None,
    compressed: int | None = None,
    max_ratio: int = 0,
) -> tuple[str, int]:
    """Stream ``stream`` into ``target``: (SHA-256, size). Raises MemberError past ``cap`` bytes, past the
    ``declared`` size, or past ``max_ratio`` times the ``compressed`` size; the partial copy is removed."""
    digest = hashlib.sha256()
    total = 0
    try:
        with open(target, "xb") as out:
            while block := stream.read(_BLOCK):
                total += len(block)
                if declared is not None and total > declared:
                    raise MemberError(
                        ErrorReason.HOSTILE, f"expands past its declared size of {declared} bytes (bomb?)"
                    )
                if total > cap:
                    raise MemberError(ErrorReason.TOO_LARGE, f"larger than the limit of {cap // (1024 * 1024)} MiB")
                if max_ratio and compressed is not None and total > RATIO_FLOOR and total > max_ratio * compressed:
                    raise MemberError(
                        ErrorReason.HOSTILE,
                        f"decompression bomb: expands more than {max_ratio} times ({compressed} bytes compressed)",
                    )
                digest.update(block)
                out.write(block)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    os.chmod(target, 0o400)
    return digest.hexdigest(), total


def climbs_out(name: str) -> bool:
    """Does an entry name point outside its archive (absolute, a drive, or ``..`` components)?"""
    name = name.replace("\\", "/")
    return name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in name.split("/")


def detect_member_kind(path: Path) -> FileKind:
    from arbiter_desktop.ingest.filetypes import detect_kind

    try:
        return detect_kind(path)
    except (OSError, ValueError, EOFError):
        return FileKind.UNKNOWN


def expand(path: Path, kind: FileKind, scratch: Path, limits: ArchiveLimits) -> tuple[list[Member], str]:
    """The members of the container at ``path``, copied out into a new folder under ``scratch``, and the
    container's own text (what it holds, one line per member). Raises ExtractionError for the container."""
    from arbiter_desktop.ingest.containers import archives, pst

    readers: dict[FileKind, Callable[[Path, Path, ArchiveLimits], list[Member]]] = {
        FileKind.ZIP: archives.zip_members,
        FileKind.TAR: archives.tar_members,
        FileKind.SEVENZIP: archives.sevenzip_members,
        FileKind.PST: pst.pst_members,
    }
    if kind not in readers:
        raise ExtractionError(ErrorReason.UNSUPPORTED, f"not a container ({kind.value})")
    scratch.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="c-", dir=scratch))
    try:
        members = readers[kind](path, folder, limits)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return members, listing(kind, members)


_KIND_NAMES = {
    FileKind.ZIP: "Archive ZIP",
    FileKind.TAR: "Archive tar",
    FileKind.SEVENZIP: "Archive 7z",
    FileKind.PST: "Boîte aux lettres Outlook",
}
_REASON_NAMES = {
    ErrorReason.ENCRYPTED: "chiffré",
    ErrorReason.HOSTILE: "refusé par sécurité",
    ErrorReason.TOO_LARGE: "trop grand",
    ErrorReason.CORRUPT: "endommagé",
    ErrorReason.UNSUPPORTED: "format non lu",
    ErrorReason.EMPTY: "vide",
}


def listing(kind: FileKind, members: list[Member]) -> str:
    """The container's own text: what it is, then one line per member with its size (and why it is not read).
    Not its name: identical containers under two names share this text."""
    lines = [f"{_KIND_NAMES.get(kind, 'Conteneur')} : {len(members)} élément(s)"]
    for member in members:
        note = f" — {_REASON_NAMES.get(member.reason, member.reason.value)}" if member.reason else ""
        lines.append(f"{member.inner} ({member.size} octets){note}")
    return "\n".join(lines)


def is_container(kind: FileKind) -> bool:
    return kind in CONTAINER_KINDS
