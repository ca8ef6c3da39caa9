"""Containers end to end: members indexed as documents, located in their container, deduplicated, re-derived when
the container changes, removed with it; hostile archives give a clear error each and nothing else is lost."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import py7zr
import pytest
from support import session_of

from arbiter_desktop import app
from arbiter_desktop.domain import ErrorReason, SearchRequest
from arbiter_desktop.stores.case import Case

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest"))
from archives import (
    encrypted_zip,
    many_entries,
    nested_bomb,
    overlapping_zip,
    ratio_bomb,
    write_tar,
    write_zip,
    zip_bytes,
)
from spreadsheets import write_xlsx

SEP = " › "


def _hits(case: Case, query: str) -> list[str]:
    return [h.doc_path for h in session_of(case).search(SearchRequest(query=query, top=20), audit=False).hits]


def _errors(case: Case) -> dict[str, ErrorReason]:
    return {e.path: e.reason for e in case.catalog.errors()}


def test_members_are_documents_located_in_their_container(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "scelles").mkdir(parents=True)
    inner = zip_bytes({"telephone/notes.txt": b"Rendez-vous avec FERRAND au port."})
    scelle = write_zip(
        src / "scelles" / "scelle.zip",
        {
            "dossier/audition.txt": "Audition de Karim MEZIANE, témoin du vol.".encode(),
            "dossier/copie.txt": b"Rapport identique au fichier du dossier.",
            "sous_scelle.zip": inner,
        },
    )
    (src / "rapport.txt").write_text("Rapport identique au fichier du dossier.", encoding="utf-8")
    report = session_of(case).index([src])
    assert report.errors == 0
    location = f"{scelle}{SEP}dossier/audition.txt"
    assert _hits(case, "meziane") == [location]
    nested = f"{scelle}{SEP}sous_scelle.zip{SEP}telephone/notes.txt"
    assert _hits(case, "ferrand") == [nested]
    hit = session_of(case).search(SearchRequest(query="ferrand"), audit=False).hits[0]
    assert [path for path, _ in hit.containers] == [str(scelle), f"{scelle}{SEP}sous_scelle.zip"]
    import hashlib

    assert hit.containers[0][1] == hashlib.sha256(scelle.read_bytes()).hexdigest()
    assert hit.containers[1][1] == hashlib.sha256(inner).hexdigest()
    # the member identical to a file of the folder is one document with two locations
    found = session_of(case).search(SearchRequest(query="identique"), audit=False).hits
    assert len(found) == 1
    assert {found[0].doc_path, *found[0].other_paths} == {str(src / "rapport.txt"), f"{scelle}{SEP}dossier/copie.txt"}
    # the folder filter reaches members
    scoped = session_of(case).search(SearchRequest(query="meziane", path_prefix=str(src / "scelles")), audit=False)
    assert [h.doc_path for h in scoped.hits] == [location]
    # the member's bytes come back from its location
    copy = app.member_copy(case, location, tmp_path / "copies" / "audition.txt")
    assert copy.read_bytes() == "Audition de Karim MEZIANE, témoin du vol.".encode()
    assert not os.access(copy, os.W_OK) or os.geteuid() == 0
    assert (
        app.member_copy(case, nested, tmp_path / "copies" / "notes.txt").read_bytes()
        == b"Rendez-vous avec FERRAND au port."
    )

    again = session_of(case).index([src])
    assert (again.added, again.changed, again.errors) == (0, 0, 0)

    write_zip(scelle, {"dossier/audition.txt": b"Audition de Lucie MARTIN."})
    os.utime(scelle, ns=(scelle.stat().st_atime_ns, scelle.stat().st_mtime_ns + 1_000_000_000))
    session_of(case).index([src])
    assert _hits(case, "meziane") == []
    assert _hits(case, "martin") == [location]
    assert _hits(case, "ferrand") == []

    scelle.unlink()
    session_of(case).index([src])
    assert _hits(case, "martin") == []
    assert case.lexical.num_chunks() == session_of(case).status().chunks


def test_identical_containers_share_their_members(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    data = zip_bytes({"pv.txt": "Procès-verbal de perquisition chez DURBEC.".encode()})
    (src / "a.zip").write_bytes(data)
    session_of(case).index([src])
    (src / "b.zip").write_bytes(data)  # a copy added later
    session_of(case).index([src])
    hits = session_of(case).search(SearchRequest(query="durbec"), audit=False).hits
    assert len(hits) == 1
    assert {hits[0].doc_path, *hits[0].other_paths} == {f"{src / 'a.zip'}{SEP}pv.txt", f"{src / 'b.zip'}{SEP}pv.txt"}


def test_tar_7z_spreadsheet_members(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    write_tar(src / "extraction.tar.gz", {"sms/export.txt": b"Message : on se voit gare Saint-Charles."})
    with py7zr.SevenZipFile(src / "pieces.7z", "w") as archive:
        archive.writestr("Notification de garde à vue de DURAND.".encode(), "pv/gav.txt")
    sheet = tmp_path / "fadette.xlsx"
    write_xlsx(sheet, {"Appels": [["appelant", "appelé"], ["0645118822", "0787654321"]]})
    write_zip(src / "operateur.zip", {"fadette.xlsx": sheet.read_bytes()})
    report = session_of(case).index([src])
    assert report.errors == 0
    assert _hits(case, "saint-charles") == [f"{src / 'extraction.tar.gz'}{SEP}sms/export.txt"]
    assert _hits(case, "durand") == [f"{src / 'pieces.7z'}{SEP}pv/gav.txt"]
    hit = session_of(case).search(SearchRequest(query="0787654321"), audit=False).hits[0]
    assert hit.doc_path == f"{src / 'operateur.zip'}{SEP}fadette.xlsx"
    assert "appelé : 0787654321" in hit.passage


def test_hostile_archives_each_get_a_clear_error_and_nothing_else_is_lost(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    ratio_bomb(src / "ratio.zip", size=8 * 1024 * 1024)
    nested_bomb(src / "nested.zip", levels=4, fan_out=2)
    overlapping_zip(src / "overlap.zip")
    encrypted_zip(src / "encrypted.zip", {"secret.txt": b"secret"})
    many_entries(src / "many.zip", 60)
    write_zip(src / "climb.zip", {"../../evil.txt": b"dehors", "ok.txt": b"Audition de MEZIANE."})
    with py7zr.SevenZipFile(src / "encrypted.7z", "w", password="secret") as archive:
        archive.writestr(b"secret", "pv.txt")
    (src / "mailbox.pst").write_bytes(b"!BDN\0\0\0\0SM\x17\x00" + b"\x55" * 600)
    (src / "classeur.xlsx").write_bytes(zip_bytes({"xl/workbook.xml": b"<workbook><broken"}))
    (src / "pv.txt").write_text("Procès-verbal de constatation.", encoding="utf-8")
    case = Case.open(tmp_path / "limited", create=True, settings=case.settings.replace(archive_max_entries=50))
    report = session_of(case).index([src])
    errors = _errors(case)
    assert errors[f"{src / 'ratio.zip'}{SEP}zeros.txt"] is ErrorReason.HOSTILE
    assert errors[str(src / "overlap.zip")] is ErrorReason.HOSTILE
    assert errors[f"{src / 'encrypted.zip'}{SEP}secret.txt"] is ErrorReason.ENCRYPTED
    assert errors[str(src / "encrypted.7z")] is ErrorReason.ENCRYPTED
    assert errors[str(src / "many.zip")] is ErrorReason.TOO_LARGE
    assert errors[f"{src / 'climb.zip'}{SEP}../../evil.txt"] is ErrorReason.HOSTILE
    assert errors[str(src / "mailbox.pst")] is ErrorReason.CORRUPT
    assert errors[str(src / "classeur.xlsx")] is ErrorReason.CORRUPT
    too_deep = [p for p, r in errors.items() if p.startswith(str(src / "nested.zip")) and r is ErrorReason.HOSTILE]
    assert too_deep and all(p.count(SEP) == 3 for p in too_deep)
    assert report.errors == len(errors)
    assert _hits(case, "constatation") == [str(src / "pv.txt")]
    assert _hits(case, "meziane") == [f"{src / 'climb.zip'}{SEP}ok.txt"]
    assert not (case.directory / "scratch").exists()


def test_a_member_over_its_declared_size_is_refused(tmp_path: Path) -> None:
    from arbiter_desktop.ingest.containers import MemberError, copy_capped

    with pytest.raises(MemberError) as caught:
        copy_capped(io.BytesIO(b"x" * 5000), tmp_path / "m", cap=10_000, declared=100)
    assert caught.value.reason is ErrorReason.HOSTILE
    assert not (tmp_path / "m").exists()


def test_a_container_left_half_read_is_read_again(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    scelle = write_zip(src / "scelle.zip", {"a.txt": b"Audition de MEZIANE.", "b.txt": b"Rapport sur FERRAND."})
    session_of(case).index([src])
    # as a run stopped after the container was listed, before its members were read
    with case.catalog.transaction():
        case.catalog.db.execute("UPDATE members SET document_id=NULL WHERE inner_path='b.txt'")
    session_of(case).index([src])
    assert _hits(case, "ferrand") == [f"{scelle}{SEP}b.txt"]
    assert case.catalog.files_with_unread_members() == set()
    assert case.lexical.num_chunks() == session_of(case).status().chunks


def test_exports_and_audit_cite_the_containers(case: Case, tmp_path: Path) -> None:
    import hashlib
    import json

    src = tmp_path / "src"
    src.mkdir()
    scelle = write_zip(src / "scelle.zip", {"pv.txt": b"Perquisition chez DURBEC."})
    session_of(case).index([src])
    request = SearchRequest(query="durbec")
    result = session_of(case).search(request)
    container_sha = hashlib.sha256(scelle.read_bytes()).hexdigest()
    assert result.hits[0].containers == ((str(scelle), container_sha),)
    csv_path = tmp_path / "export.csv"
    session_of(case).export(session_of(case).search_results(result, request), csv=csv_path)
    assert f"{scelle} ({container_sha})" in csv_path.read_text(encoding="utf-8-sig")
    searches = [e for e in case.audit.entries() if getattr(e, "event", "") == "search"]
    entry = json.dumps(searches[-1].data)  # type: ignore[union-attr]
    assert container_sha in entry


def test_an_archive_replaced_by_a_plain_file_loses_its_members(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    path = write_zip(src / "piece", {"a.txt": b"Audition de MEZIANE."})
    session_of(case).index([src])
    assert _hits(case, "meziane") == [f"{path}{SEP}a.txt"]
    path.write_text("Rapport sur FERRAND.", encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    session_of(case).index([src])
    assert _hits(case, "meziane") == []
    assert _hits(case, "ferrand") == [str(path)]
    assert case.catalog.members_of(str(path)) == []
