"""Fingerprints: one read of the file gives its SHA-256 and its kind, for small files and large ones alike."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

from arbiter_desktop.domain import FileKind
from arbiter_desktop.ingest.discovery import Seen, fingerprint
from arbiter_desktop.ingest.filetypes import HEAD_BYTES


def _seen(path: Path) -> Seen:
    st = os.stat(path)
    return Seen(str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def test_fingerprint_hashes_the_whole_file_whatever_its_size(tmp_path: Path) -> None:
    for size in (0, 100, HEAD_BYTES, HEAD_BYTES + 1, 3 * HEAD_BYTES + 17):
        path = tmp_path / f"{size}.txt"
        path.write_bytes(bytes((n * 7 + 3) % 97 + 32 for n in range(size)))
        fp = fingerprint(_seen(path))
        assert fp.sha256 == hashlib.sha256(path.read_bytes()).hexdigest(), size
        assert fp.size == size and fp.kind is FileKind.TEXT


def test_fingerprint_reads_a_large_zip_directory_and_still_hashes_everything(tmp_path: Path) -> None:
    path = tmp_path / "rapport.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("padding.bin", os.urandom(2 * HEAD_BYTES))  # the directory lies beyond the head
        archive.writestr("word/document.xml", "<w:document/>")
    fp = fingerprint(_seen(path))
    assert fp.kind is FileKind.DOCX
    assert fp.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
