"""Evidence integrity: indexing leaves every source byte-identical with its times; `verify` re-hashes the sources
and names the files changed, missing or added since they were indexed."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from support import session_of, write

from arbiter_desktop import app
from arbiter_desktop.config import paths
from arbiter_desktop.domain import SearchMode, SearchRequest
from arbiter_desktop.embedding.base import HashingEmbedder
from arbiter_desktop.stores.case import Case

DAY_NS = 86_400 * 10**9


NOATIME = os.O_RDONLY | getattr(os, "O_NOATIME", 0)


def _tree(folder: Path) -> list[Path]:
    """Every file and folder under ``folder``, listed without updating any access time (O_NOATIME)."""
    fd = os.open(folder, NOATIME)
    try:
        with os.scandir(fd) as listing:
            names = sorted((e.name, e.is_dir(follow_symlinks=False)) for e in listing)
    finally:
        os.close(fd)
    found: list[Path] = []
    for name, is_dir in names:
        found.append(folder / name)
        if is_dir:
            found += _tree(folder / name)
    return found


def _digest(path: Path) -> str:
    fd = os.open(path, NOATIME)
    with os.fdopen(fd, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def _times(paths: list[Path]) -> dict[Path, tuple[int, int]]:
    return {p: (p.stat().st_mtime_ns, p.stat().st_atime_ns) for p in paths}


def test_indexing_leaves_the_sources_untouched(case: Case, tmp_path: Path) -> None:
    """Every format of the demo case, indexed with vectors, searched and verified: same bytes, same
    modification times, and the access times of files and folders kept too (sources are read with O_NOATIME)."""
    src = tmp_path / "src"
    shutil.copytree(paths.demo_documents_dir(), src)
    tree = [src, *_tree(src)]
    digests = {p: _digest(p) for p in tree if p.is_file()}
    for path in tree:  # access times older than the modification times: any plain read would update them, even
        st = path.stat()  # on a file system mounted relatime
        os.utime(path, ns=(st.st_mtime_ns - 2 * DAY_NS, st.st_mtime_ns))
    control = write(tmp_path / "control", "plain.txt", "lu sans précaution")
    os.utime(control, ns=(control.stat().st_mtime_ns - 2 * DAY_NS, control.stat().st_mtime_ns))
    atime = control.stat().st_atime_ns
    control.read_bytes()
    atimes_observable = control.stat().st_atime_ns != atime
    before = _times(tree)

    embedder = HashingEmbedder()
    report = session_of(case, embedder).index([src])
    members = case.catalog.db.execute("SELECT COUNT(*) FROM members").fetchone()[0]  # the demo's ZIP scellé
    assert members > 0
    assert report.errors == 0 and report.documents == len(digests) + members
    assert session_of(case, embedder).search(SearchRequest("garde à vue", mode=SearchMode.HYBRID)).hits
    assert app.verify(case.directory).ok

    after = _times(tree)
    assert {p: m for p, (m, _) in after.items()} == {p: m for p, (m, _) in before.items()}
    if atimes_observable:
        assert after == before, "an access time changed: a source was read without O_NOATIME"
    assert [src, *_tree(src)] == tree  # nothing added, renamed or removed
    assert {p: _digest(p) for p in digests} == digests
    observed = "kept" if atimes_observable else "not observable on this file system"
    print(f"\nsources untouched: {len(digests)} files, {len(tree) - len(digests)} folders; access times {observed}")


def test_verify_lists_changed_missing_and_added_files(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    kept = write(src, "pv_1.txt", "Procès-verbal d'audition du témoin.")
    altered = write(src, "pv_2.txt", "Rapport de surveillance : le suspect attendait à la gare.")
    removed = write(src, "sub/pv_3.txt", "Réquisition adressée à l'opérateur.")
    (src / "loop").symlink_to(src / "loop")  # recorded in error, without a fingerprint
    session_of(case).index([src])
    clean = app.verify(case.directory)
    assert clean.ok and (clean.checked, clean.matching) == (3, 3) and clean.unhashed == [str(src / "loop")]

    mtime = altered.stat().st_mtime_ns
    altered.write_text("Rapport de surveillance : le suspect attendait à la mairie.", encoding="utf-8")
    os.utime(altered, ns=(mtime, mtime))  # same size and modification time: only the hash can tell
    removed.unlink()
    added = write(src, "sub/pv_4.txt", "Nouvelle pièce versée au dossier.")
    report = app.verify(case.directory)
    assert not report.ok
    assert [(c.path, c.recorded_sha256 != c.current_sha256) for c in report.changed] == [(str(altered), True)]
    assert [c.path for c in report.missing] == [str(removed)]
    assert [(c.path, c.current_sha256) for c in report.added] == [
        (str(added), hashlib.sha256(added.read_bytes()).hexdigest())
    ]
    assert report.matching == 1 and kept.exists()


def test_verify_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from arbiter_desktop.cli import main

    src = tmp_path / "src"
    write(src, "pv.txt", "Procès-verbal de saisie.")
    case_dir = tmp_path / "case"
    assert main(["index", str(case_dir), str(src), "--no-semantic"]) == 0
    catalog = case_dir / "catalog.sqlite"
    case_state = (catalog.read_bytes(), catalog.stat().st_mtime_ns)
    capsys.readouterr()
    assert main(["verify", str(case_dir)]) == 0
    assert "All sources are as they were indexed." in capsys.readouterr().out
    assert (catalog.read_bytes(), catalog.stat().st_mtime_ns) == case_state  # nothing written to the case
    (src / "pv.txt").unlink()
    assert main(["verify", str(case_dir), "--json"]) == 1
    import json

    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and [m["path"] for m in data["missing"]] == [str(src / "pv.txt")]
    assert data["checked"] == 1 and data["matching"] == 0 and data["added"] == []
    assert main(["verify", str(tmp_path / "nowhere")]) == 2
    assert "is not a case" in capsys.readouterr().err
