"""The files (and members of containers) that could not be indexed, grouped by reason, each group saying what
would make its files readable. The CLI prints these; the window shows the same groups, translated."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from arbiter_desktop.domain import ErrorReason, FileError

# What would make a file of each group readable (in English: the CLI's language; the window has its own, translated)
ADVICE: dict[ErrorReason, str] = {
    ErrorReason.ENCRYPTED: "remove the password in a working copy (or extract the archive with its password), then "
    "add that copy to the case",
    ErrorReason.UNSUPPORTED: "a format the app does not read (images, executables, databases…): convert it in a "
    "working copy (scans and photos: the OCR phase reads them when it is installed)",
    ErrorReason.CORRUPT: "the file is damaged or truncated: get an intact copy (re-export it from its source)",
    ErrorReason.EMPTY: "no text in it (blank document, or scanned images only: the OCR phase reads those)",
    ErrorReason.TOO_LARGE: "over a size or count limit: split it in a working copy, or raise the limit named in the "
    "message (settings max_file_mb, archive_max_entries, archive_max_total_mb)",
    ErrorReason.TIMEOUT: "the parser was too slow: raise extract_timeout_s, or split the file in a working copy",
    ErrorReason.MEMORY: "the parser needed too much memory: raise extract_memory_mb, or split the file",
    ErrorReason.UNREADABLE: "check the file's permissions and that its drive is connected, then index again",
    ErrorReason.CHANGED: "the file was being written while it was read: index again once it is complete",
    ErrorReason.HOSTILE: "refused for safety (decompression bomb, nested archives, entities, a name leaving its "
    "archive): examine it apart; raise archive_max_ratio only if you trust it",
}
_ORDER = list(ErrorReason)


@dataclass(frozen=True, slots=True)
class ErrorGroup:
    reason: ErrorReason
    advice: str
    errors: tuple[FileError, ...]


def group_errors(errors: Iterable[FileError]) -> list[ErrorGroup]:
    """Errors grouped by reason, the largest group first (ties in the order of ErrorReason)."""
    groups: dict[ErrorReason, list[FileError]] = {}
    for error in errors:
        groups.setdefault(error.reason, []).append(error)
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), _ORDER.index(item[0])))
    return [ErrorGroup(reason, ADVICE.get(reason, ""), tuple(found)) for reason, found in ordered]
