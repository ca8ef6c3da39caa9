"""A member's bytes from its location: the containers that hold it are opened one inside the other, and only the
entries on the way are copied out (under the same limits as during indexing).

The OCR phase reads scanned members through :func:`copy_member`; "Ouvrir l'original" hands the viewer such a copy.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from arbiter_desktop.domain import ErrorReason, ExtractionError, FileKind
from arbiter_desktop.ingest.containers import ArchiveLimits, Member


def copy_member(
    file_path: Path, file_kind: FileKind, chain: Sequence[tuple[str, FileKind]], target: Path, limits: ArchiveLimits
) -> Path:
    """Copy the member reached from the case file ``file_path`` (a container of ``file_kind``) through ``chain``
    — each step the member's ``ref`` in its container and its own kind — to ``target`` (read-only)."""
    from arbiter_desktop.ingest.containers import archives, pst

    readers = {
        FileKind.ZIP: archives.zip_members,
        FileKind.TAR: archives.tar_members,
        FileKind.SEVENZIP: archives.sevenzip_members,
        FileKind.PST: pst.pst_members,
    }
    with tempfile.TemporaryDirectory(prefix="arbiter-member-") as scratch:
        current, kind = file_path, file_kind
        for step, (ref, member_kind) in enumerate(chain):
            reader = readers.get(kind)
            if reader is None:
                raise ExtractionError(ErrorReason.UNSUPPORTED, f"not a container ({kind.value})")
            folder = Path(scratch) / str(step)
            folder.mkdir()
            found: list[Member] = [m for m in reader(current, folder, limits, ref) if m.ref == ref]
            if not found:
                raise ExtractionError(ErrorReason.UNREADABLE, f"the member {ref} is no longer in its container")
            if found[0].reason is not None:
                raise ExtractionError(found[0].reason, found[0].message)
            current, kind = Path(found[0].file), member_kind
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.chmod(0o600)
            target.unlink()
        shutil.copyfile(current, target)
    target.chmod(0o444)
    return target
