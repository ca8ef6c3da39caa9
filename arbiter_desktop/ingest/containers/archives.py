"""ZIP, tar (plain, gzip, bzip2, xz) and 7z archives: their members copied out under the limits.

Each reader returns every entry that is a file, in archive order, with its bytes copied out (or the reason they
were not); directories are skipped, and links and special files are listed as not read. ``only`` (an entry's
``ref``) copies out that entry alone: it serves to hand a member's bytes to a viewer or to the OCR phase.
"""

from __future__ import annotations

import itertools
import tarfile
import zipfile
from pathlib import Path
from typing import IO, Any

from arbiter_desktop.domain import ErrorReason, ExtractionError, FileKind
from arbiter_desktop.ingest.containers import (
    LOCATION_SEPARATOR,
    ArchiveLimits,
    Member,
    MemberError,
    climbs_out,
    copy_capped,
    detect_member_kind,
)
from arbiter_desktop.ingest.readonly import open_source

_UTF8_FLAG = 0x800
_CLIMBS_OUT = "its name points outside the archive (../ or absolute): not read"
_LOCAL_HEADER = 30


class _Budget:
    """Bytes left to copy out of one container."""

    def __init__(self, limits: ArchiveLimits) -> None:
        self.limits = limits
        self.left = limits.max_total_bytes

    def cap(self) -> int:
        if self.left <= 0:
            raise MemberError(
                ErrorReason.TOO_LARGE,
                f"the archive's members add up to more than {self.limits.max_total_bytes // (1024 * 1024)} MiB: "
                "the rest is not read",
            )
        return min(self.limits.max_member_bytes, self.left)

    def spend(self, size: int) -> None:
        self.left -= size


def _too_many(count: int, limits: ArchiveLimits) -> ExtractionError:
    return ExtractionError(
        ErrorReason.TOO_LARGE,
        f"the archive holds {count} entries, over the limit of {limits.max_entries} (setting archive_max_entries): "
        "raise the setting, or extract the part you need in a working copy",
    )


def _shown(name: str) -> str:
    """An entry name as shown in a location: forward slashes, no control characters, the separator kept apart."""
    name = "".join(c for c in name.replace("\\", "/") if c >= " " and c != "\x7f")
    return name.replace(LOCATION_SEPARATOR, " > ").strip("/") or "(sans nom)"


def _member(inner: str, ref: str, target: Path, copy: Any, budget: _Budget, declared: int, **checks: Any) -> Member:
    """Copy one entry out with ``copy()`` → stream; any refusal becomes the member's reason."""
    try:
        if climbs_out(ref):
            raise MemberError(ErrorReason.HOSTILE, _CLIMBS_OUT)
        cap = budget.cap()
        if declared > cap:
            raise MemberError(ErrorReason.TOO_LARGE, f"{declared} bytes declared, over the limit of {cap} bytes")
        with copy() as stream:
            sha256, size = copy_capped(stream, target, cap, declared=declared, **checks)
        budget.spend(size)
        return Member(inner, ref, str(target), sha256, size, detect_member_kind(target))
    except MemberError as exc:
        return Member(inner, ref, "", "", declared, FileKind.UNKNOWN, exc.reason, exc.message)


# --- ZIP ------------------------------------------------------------------------------------------------------


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The entry's name; names without the UTF-8 flag are often UTF-8 or cp850 (Windows), not cp437."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp850", errors="replace")


def _raw_name_length(info: zipfile.ZipInfo) -> int:
    """Bytes of the entry's name in its local header (UTF-8 when flagged, else one byte a character: cp437)."""
    if info.flag_bits & _UTF8_FLAG:
        return len(info.orig_filename.encode("utf-8", errors="replace"))
    return len(info.orig_filename.encode("cp437", errors="replace"))


def _check_overlaps(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse entries whose data overlap (several entries reading the same compressed bytes: a bomb). Each entry
    takes at least its local header, its name and its compressed data (the local extra field is not counted, so
    that nothing legitimate is refused)."""
    spans = sorted(
        (info.header_offset, info.header_offset + _LOCAL_HEADER + _raw_name_length(info) + info.compress_size)
        for info in infos
    )
    for (start, end), (next_start, _) in itertools.pairwise(spans):
        if next_start < end or next_start == start:
            raise ExtractionError(
                ErrorReason.HOSTILE, "entries of the archive overlap each other (a zip bomb): not read"
            )


def zip_members(path: Path, folder: Path, limits: ArchiveLimits, only: str | None = None) -> list[Member]:
    members: list[Member] = []
    budget = _Budget(limits)
    try:
        with open_source(path) as handle, zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
            if len(infos) > limits.max_entries:
                raise _too_many(len(infos), limits)
            _check_overlaps(infos)
            for number, info in enumerate(infos):
                name = _zip_name(info)
                if info.is_dir() or (only is not None and info.filename != only):
                    continue
                inner = _shown(name)
                if info.flag_bits & 0x1:
                    members.append(
                        Member(
                            inner,
                            info.filename,
                            "",
                            "",
                            info.file_size,
                            FileKind.UNKNOWN,
                            ErrorReason.ENCRYPTED,
                            "password-protected member: extract it with its password in a working copy",
                        )
                    )
                    continue
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > RATIO_FLOOR_DECLARED and ratio > limits.max_ratio:
                    members.append(
                        Member(
                            inner,
                            info.filename,
                            "",
                            "",
                            info.file_size,
                            FileKind.UNKNOWN,
                            ErrorReason.HOSTILE,
                            f"decompression bomb: declared to expand {ratio:.0f} times ({info.file_size} bytes)",
                        )
                    )
                    continue
                members.append(_zip_member(archive, info, inner, folder / f"m{number}{_suffix(name)}", budget, limits))
    except ExtractionError:
        raise
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise ExtractionError(ErrorReason.CORRUPT, f"damaged ZIP archive: {exc}") from exc
    except (PermissionError, FileNotFoundError) as exc:
        raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc}") from exc
    except OSError as exc:
        raise ExtractionError(ErrorReason.CORRUPT, f"damaged ZIP archive: {exc}") from exc
    return members


RATIO_FLOOR_DECLARED = 1024 * 1024


def _zip_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, inner: str, target: Path, budget: _Budget, limits: ArchiveLimits
) -> Member:
    try:
        return _member(
            inner,
            info.filename,
            target,
            lambda: archive.open(info),
            budget,
            info.file_size,
            compressed=info.compress_size,
            max_ratio=limits.max_ratio,
        )
    except NotImplementedError as exc:
        return Member(
            inner,
            info.filename,
            "",
            "",
            info.file_size,
            FileKind.UNKNOWN,
            ErrorReason.UNSUPPORTED,
            f"compression method not supported: {exc}",
        )
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        target.unlink(missing_ok=True)
        return Member(
            inner,
            info.filename,
            "",
            "",
            info.file_size,
            FileKind.UNKNOWN,
            ErrorReason.CORRUPT,
            f"damaged member: {exc}",
        )


def _suffix(name: str) -> str:
    suffix = Path(name.replace("\\", "/")).suffix
    return suffix if 1 < len(suffix) <= 11 and suffix[1:].isalnum() else ""


# --- tar ------------------------------------------------------------------------------------------------------


def tar_members(path: Path, folder: Path, limits: ArchiveLimits, only: str | None = None) -> list[Member]:
    members: list[Member] = []
    budget = _Budget(limits)
    size = path.stat().st_size
    produced = 0
    try:
        with open_source(path) as handle, tarfile.open(fileobj=handle, mode="r:*") as archive:
            count = 0
            while (info := archive.next()) is not None:
                count += 1
                if count > limits.max_entries:
                    raise _too_many(count, limits)
                if only is not None and info.name != only:
                    continue
                inner = _shown(info.name)
                if info.isdir():
                    continue
                if not info.isfile():
                    members.append(
                        Member(
                            inner,
                            info.name,
                            "",
                            "",
                            0,
                            FileKind.UNKNOWN,
                            ErrorReason.UNSUPPORTED,
                            "a link or special file in the archive: not followed",
                        )
                    )
                    continue
                produced += info.size
                if produced > RATIO_FLOOR_DECLARED * 16 and produced > limits.max_ratio * size:
                    raise ExtractionError(
                        ErrorReason.HOSTILE,
                        f"decompression bomb: the archive expands more than {limits.max_ratio} times its size",
                    )

                def opened(info: tarfile.TarInfo = info) -> IO[bytes]:
                    stream = archive.extractfile(info)
                    if stream is None:
                        raise MemberError(ErrorReason.UNSUPPORTED, "not a regular file")
                    return stream

                target = folder / f"m{count}{_suffix(info.name)}"
                members.append(_member(inner, info.name, target, opened, budget, info.size))
    except ExtractionError:
        raise
    except (tarfile.TarError, EOFError, ValueError, OSError) as exc:
        if isinstance(exc, PermissionError | FileNotFoundError):
            raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc}") from exc
        raise ExtractionError(ErrorReason.CORRUPT, f"damaged tar archive: {exc}") from exc
    return members


# --- 7z -------------------------------------------------------------------------------------------------------


def sevenzip_members(path: Path, folder: Path, limits: ArchiveLimits, only: str | None = None) -> list[Member]:
    import py7zr
    from py7zr import exceptions as errors

    budget = _Budget(limits)
    try:
        with open_source(path) as handle, py7zr.SevenZipFile(handle, mode="r") as archive:
            if archive.needs_password():
                raise ExtractionError(
                    ErrorReason.ENCRYPTED,
                    "password-protected 7z archive: extract it with its password in a working copy",
                )
            infos = [i for i in archive.list() if not i.is_directory]
            if len(infos) > limits.max_entries:
                raise _too_many(len(infos), limits)
            wanted = [i for i in infos if only is None or i.filename == only]
            factory = _CappedFactory(folder, budget, limits, {i.filename: i for i in wanted})
            archive.extract(targets=[i.filename for i in wanted], factory=factory)
            return factory.members()
    except ExtractionError:
        raise
    except errors.PasswordRequired as exc:
        raise ExtractionError(
            ErrorReason.ENCRYPTED, "password-protected 7z archive: extract it with its password in a working copy"
        ) from exc
    except errors.UnsupportedCompressionMethodError as exc:
        raise ExtractionError(ErrorReason.UNSUPPORTED, f"7z compression method not supported: {exc}") from exc
    except (errors.ArchiveError, EOFError, ValueError, KeyError, IndexError, OSError) as exc:
        if isinstance(exc, PermissionError | FileNotFoundError):
            raise ExtractionError(ErrorReason.UNREADABLE, f"cannot read the file: {exc}") from exc
        raise ExtractionError(ErrorReason.CORRUPT, f"damaged 7z archive: {exc}") from exc


class _CappedFactory:
    """py7zr's writer factory: each member streamed to its numbered file, hashed and capped. A member past its
    cap stops being written (and is reported) while the decompression goes on to the next one."""

    def __init__(self, folder: Path, budget: _Budget, limits: ArchiveLimits, infos: dict[str, Any]) -> None:
        self.folder = folder
        self.budget = budget
        self.limits = limits
        self.infos = infos
        self.writers: list[_CappedWriter] = []

    def create(self, filename: str) -> Any:
        info = self.infos.get(filename)
        declared = int(getattr(info, "uncompressed", 0) or 0)
        target = self.folder / f"m{len(self.writers)}{_suffix(filename)}"
        writer = _CappedWriter(filename, target, self.budget, declared)
        self.writers.append(writer)
        return writer

    def members(self) -> list[Member]:
        return [writer.member() for writer in self.writers]


class _CappedWriter:
    def __init__(self, name: str, target: Path, budget: _Budget, declared: int) -> None:
        import hashlib

        self.name = name
        self.target = target
        self.budget = budget
        self.declared = declared
        self.digest = hashlib.sha256()
        self.length = 0
        self.error: MemberError | None = None
        try:
            if climbs_out(name):
                raise MemberError(
                    ErrorReason.HOSTILE, "its name points outside the archive (../ or absolute): not read"
                )
            self.cap = budget.cap()
        except MemberError as exc:
            self.error, self.cap = exc, 0
        self.out: Any = None if self.error else open(target, "xb")  # noqa: SIM115 - closed in close()

    def write(self, data: bytes | bytearray) -> int:
        if self.error is not None:
            return len(data)
        self.length += len(data)
        if self.length > self.cap or (self.declared and self.length > self.declared):
            reason = ErrorReason.TOO_LARGE if self.length > self.cap else ErrorReason.HOSTILE
            self.error = MemberError(reason, f"expands past {min(self.cap, self.declared or self.cap)} bytes")
            self._drop()
            return len(data)
        self.digest.update(data)
        self.out.write(data)
        return len(data)

    def _drop(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None
        self.target.unlink(missing_ok=True)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return offset

    def flush(self) -> None:
        pass

    def size(self) -> int:
        return self.length

    def close(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None

    def member(self) -> Member:
        self.close()
        inner = _shown(self.name)
        if self.error is not None:
            return Member(
                inner, self.name, "", "", self.length, FileKind.UNKNOWN, self.error.reason, self.error.message
            )
        self.budget.spend(self.length)
        self.target.chmod(0o400)
        return Member(
            inner, self.name, str(self.target), self.digest.hexdigest(), self.length, detect_member_kind(self.target)
        )
