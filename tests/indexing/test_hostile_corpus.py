"""A corpus of broken and hostile files, generated here, indexed by a real indexer process.

Every file ends indexed or with a clear per-file error, the run goes to its end, and memory stays bounded: the
1 GB text file is hashed in blocks and refused as too large without being read whole (plain text is held in
memory whole, so text files over 64 MiB are refused; split them in a working copy to index them).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import time
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from odf.opendocument import OpenDocumentText
from odf.text import P
from support import driver_command, python_env, session_of, write

from arbiter_desktop.domain import ErrorReason, SearchRequest
from arbiter_desktop.safetext import path_key, real_path
from arbiter_desktop.stores.case import Case

INDEXED = "indexed"
GIB = 1 << 30
WORKER_MEMORY_MB = 1024
MAIN_RSS_BOUND_MB = 400  # the indexer process: far below the 1 GB file it fingerprints
XXE = b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    b'<!DOCTYPE r [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%s;" % (b"" if i == 1 else b"%d" % (i - 1)) for _ in range(10)))
        for i in range(1, 10)
    )
    + b"]>"
)


# --- the corpus ------------------------------------------------------------------------------------------


def _pdf(path: Path, pages: list[str], user_password: str | None = None) -> Path:
    document = FPDF()
    if user_password is not None:
        document.set_encryption(owner_password="chef", user_password=user_password)
    document.set_font("Helvetica", size=10)
    for text in pages:
        document.add_page()
        document.cell(0, 8, text)
    document.output(str(path))
    return path


def _docx(path: Path, text: str) -> Path:
    document = docx.Document()
    document.add_paragraph(text)
    document.save(str(path))
    return path


def _odt(path: Path, text: str) -> Path:
    document = OpenDocumentText()
    document.text.addElement(P(text=text))
    document.save(str(path))
    return path


def _with_doctype(source: Path, target: Path, member: str, doctype: bytes, entity: bytes) -> Path:
    """A copy of the zip package ``source`` whose XML ``member`` declares ``doctype`` and uses ``entity``."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == member:
                end = data.index(b"?>") + 2
                body = data[end:]
                close = body.rindex(b"</")
                data = data[:end] + doctype + body[:close] + entity + body[close:]
            copy.writestr(info.filename, data)
    source.unlink()
    return target


def _bomb(source: Path, target: Path, lie: bool) -> Path:
    """A DOCX whose document.xml inflates to 200 MB of zeros; with ``lie``, the zip declares 1 KB instead."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in original.infolist():
            if info.filename != "word/document.xml":
                bomb.writestr(info.filename, original.read(info))
        with bomb.open("word/document.xml", "w", force_zip64=not lie) as member:
            zeros = bytes(1 << 20)
            for _ in range(200):
                member.write(zeros)
    if lie:  # rewrite the uncompressed size in the local header and the central directory
        data = bytearray(target.read_bytes())
        name = b"word/document.xml"
        local = data.find(b"PK\x03\x04")
        while local >= 0:
            if data[local + 30 : local + 30 + len(name)] == name:
                data[local + 22 : local + 26] = (1024).to_bytes(4, "little")
            local = data.find(b"PK\x03\x04", local + 4)
        central = data.find(b"PK\x01\x02")
        while central >= 0:
            if data[central + 46 : central + 46 + len(name)] == name:
                data[central + 24 : central + 28] = (1024).to_bytes(4, "little")
            central = data.find(b"PK\x01\x02", central + 4)
        target.write_bytes(bytes(data))
    return target


def build_corpus(src: Path) -> dict[str, object]:
    """Write the corpus; returns each entry's name (as the catalog records it) and its expected outcome."""
    src.mkdir()
    expected: dict[str, object] = {}
    for i in range(5):
        write(src, f"normal_{i}.txt", f"Procès-verbal {i} : le témoin numéro {i} reconnaît le véhicule immatriculé.")
        expected[f"normal_{i}.txt"] = INDEXED
    full = _pdf(src / "full.pdf", ["Procès-verbal de saisie, page un.", "Page deux.", "Page trois."]).read_bytes()
    (src / "truncated.pdf").write_bytes(full[: len(full) // 2])
    (src / "full.pdf").unlink()
    expected["truncated.pdf"] = ErrorReason.CORRUPT
    _pdf(src / "encrypted.pdf", ["Rapport confidentiel."], user_password="secret")
    expected["encrypted.pdf"] = ErrorReason.ENCRYPTED
    register = [f"Registre des scelles, page {n}, objet {n * 7 + 3}." for n in range(1, 5001)]
    _pdf(src / "registre_5000_pages.pdf", register)
    expected["registre_5000_pages.pdf"] = INDEXED
    for kind, make, member in (("docx", _docx, "word/document.xml"), ("odt", _odt, "content.xml")):
        source = make(src / f"model.{kind}", "Audition du témoin.")
        _with_doctype(source, src / f"xxe.{kind}", member, XXE, b"&xxe;")
        source = make(src / f"model.{kind}", "Audition du témoin.")
        _with_doctype(source, src / f"billion_laughs.{kind}", member, LAUGHS, b"&lol9;")
        expected[f"xxe.{kind}"] = expected[f"billion_laughs.{kind}"] = ErrorReason.HOSTILE
    model = _docx(src / "model.docx", "Audition du témoin.")
    _bomb(model, src / "bomb.docx", lie=False)
    _bomb(model, src / "bomb_lying_sizes.docx", lie=True)
    model.unlink()
    expected["bomb.docx"] = ErrorReason.HOSTILE
    expected["bomb_lying_sizes.docx"] = ErrorReason.CORRUPT  # the zip's declared sizes are checked by CRC
    with (src / "huge_1gb.txt").open("wb") as handle:  # text first, then a sparse tail: a 1 GiB text file
        handle.write(("Journal de connexion : ligne sans importance.\n" * 4000).encode())
        handle.truncate(GIB)
    expected["huge_1gb.txt"] = ErrorReason.TOO_LARGE
    (src / "garbage.txt").write_bytes(random.Random(7).randbytes(200_000))
    expected["garbage.txt"] = ErrorReason.UNSUPPORTED
    (src / "empty.txt").write_bytes(b"")
    expected["empty.txt"] = ErrorReason.EMPTY
    invalid = os.path.join(os.fsencode(src), b"nom_invalide_\xe9\xff.txt")
    with open(invalid, "wb") as handle:
        handle.write("Réquisition adressée à l'opérateur au sujet du nom invalide.".encode())
    expected[path_key(os.fsdecode(invalid))[len(str(src)) + 1 :]] = INDEXED
    write(src, "nom\navec retour.txt", "Le témoin au nom coupé par un retour à la ligne.")
    expected["nom\navec retour.txt"] = INDEXED
    (src / "loop_a").symlink_to(src / "loop_b")
    (src / "loop_b").symlink_to(src / "loop_a")
    (src / "link_to_self").symlink_to(src, target_is_directory=True)
    expected["loop_a"] = expected["loop_b"] = expected["link_to_self"] = ErrorReason.UNREADABLE
    locked = write(src, "unreadable.txt", "Pièce sous scellé, non lisible.")
    locked.chmod(0)
    try:  # root reads a mode-000 file anyway: then it is simply indexed
        locked.read_bytes()
        expected["unreadable.txt"] = INDEXED
    except PermissionError:
        expected["unreadable.txt"] = ErrorReason.UNREADABLE
    write(src, "deleted_during.txt", "Ce fichier sera supprimé pendant l'indexation.")
    expected["deleted_during.txt"] = ErrorReason.UNREADABLE
    write(src, "modified_during.txt", "Version initiale du procès-verbal de perquisition.")
    expected["modified_during.txt"] = INDEXED
    return expected


# --- the test --------------------------------------------------------------------------------------------


def test_hostile_corpus_is_indexed_or_reported_file_by_file(tmp_path: Path) -> None:
    src, case_dir = tmp_path / "src", tmp_path / "case"
    started = time.monotonic()
    expected = build_corpus(src)
    built = time.monotonic() - started
    Case.open(case_dir, create=True).close()
    settings = {"workers": 1, "batch_files": 5, "extract_timeout_s": 120, "extract_memory_mb": WORKER_MEMORY_MB}
    (case_dir / "settings.json").write_text(json.dumps(settings))
    options = ("--delete-at", "deleted_during.txt", "--modify-at", "modified_during.txt")
    done = subprocess.run(
        driver_command(case_dir, src, options=options), capture_output=True, text=True, env=python_env(), timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.rsplit("RESULT ", 1)[1])

    case = Case.open(case_dir)
    try:
        indexed = {path[len(str(src)) + 1 :] for path in _paths(case, "files")}
        errors = {e.path[len(str(src)) + 1 :]: e for e in case.catalog.errors()}
        outcomes = {name: INDEXED for name in indexed} | {name: e.reason for name, e in errors.items()}
        assert not indexed & set(errors), "a file is both indexed and in error"
        assert outcomes == expected
        assert all(e.message.strip() for e in errors.values())
        assert "password" in errors["encrypted.pdf"].message
        assert "1074 MB is over the 64 MiB" in errors["huge_1gb.txt"].message
        assert "bomb" in errors["bomb.docx"].message
        _check_indexed_content(case, src)
    finally:
        case.close()

    peak, workers = result["peak_rss_mb"], result["workers_peak_rss_mb"]
    counts: dict[str, int] = {}
    for outcome in expected.values():
        label = str(outcome)
        counts[label] = counts.get(label, 0) + 1
    print(
        f"\nhostile corpus: {len(expected)} entries {counts}; built in {built:.1f} s, indexed in "
        f"{result['seconds']:.1f} s; peak RSS indexer {peak:.0f} MB, largest worker {workers:.0f} MB"
    )
    assert peak < MAIN_RSS_BOUND_MB, f"indexer peak RSS {peak:.0f} MB"
    assert workers < WORKER_MEMORY_MB, f"worker peak RSS {workers:.0f} MB"


def _paths(case: Case, table: str) -> list[str]:
    return [str(r[0]) for r in case.catalog.db.execute(f"SELECT path FROM {table}")]


def _check_indexed_content(case: Case, src: Path) -> None:
    """The odd names are searchable under their key, the 5,000 pages keep their numbers, and the file modified
    during the run was indexed as it is now, with the fingerprint of what is on disk now."""
    hits = session_of(case).search(SearchRequest(query="objet 30250", top=3)).hits
    assert hits and hits[0].doc_path.endswith("registre_5000_pages.pdf") and hits[0].page == 4321
    (hit,) = session_of(case).search(SearchRequest(query='"nom invalide"', top=5)).hits
    assert "\\xe9\\xff" in hit.doc_path and os.path.exists(real_path(hit.doc_path))
    (hit,) = session_of(case).search(SearchRequest(query="coupé", top=5)).hits
    assert hit.doc_path.endswith("nom\navec retour.txt")
    modified = src / "modified_during.txt"
    (hit,) = session_of(case).search(SearchRequest(query="rouvert", top=5)).hits
    assert hit.doc_path == str(modified)
    assert hit.sha256 == hashlib.sha256(modified.read_bytes()).hexdigest()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a mode-000 file anyway (the corpus indexes it then)")
def test_a_file_without_read_permission_is_reported(case: Case, tmp_path: Path) -> None:
    locked = write(tmp_path / "src", "locked.txt", "Pièce non lisible.")
    write(tmp_path / "src", "open.txt", "Pièce lisible.")
    locked.chmod(0)
    report = session_of(case).index([tmp_path / "src"])
    assert report.documents == 1
    assert [(e.path, e.reason) for e in report.failed] == [(str(locked), ErrorReason.UNREADABLE)]
    assert "Permission denied" in report.failed[0].message
