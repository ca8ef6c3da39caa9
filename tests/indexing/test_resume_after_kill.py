"""`arbiter index` killed (SIGKILL) in either phase resumes without redoing committed work or duplicating it."""

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import write

from arbiter_desktop.config import paths
from arbiter_desktop.config.models import LIGHT_EMBEDDER
from arbiter_desktop.stores.case import Case

LIGHT = paths.models_dir() / LIGHT_EMBEDDER
pytestmark = pytest.mark.skipif(not LIGHT.exists(), reason=f"{LIGHT} not provisioned (make setup)")

SENTENCES = [
    "Le mis en cause a été placé en garde à vue à {h} heures.",
    "Les enquêteurs ont saisi {h} barrettes de résine de cannabis.",
    "Le témoin déclare avoir vu le véhicule quitter le parking vers {h} h.",
    "Une réquisition a été adressée à l'opérateur pour la ligne numéro {h}.",
]


def _corpus(folder: Path, count: int) -> None:
    for i in range(count):
        write(folder, f"pv_{i:03d}.txt", " ".join(s.format(h=i + j) for j, s in enumerate(SENTENCES)))


def _counts(case_dir: Path) -> tuple[int, int, int]:
    db = sqlite3.connect(f"file:{case_dir / 'catalog.sqlite'}?mode=ro", uri=True)
    try:
        docs = db.execute("SELECT COUNT(*) FROM documents WHERE state='indexed'").fetchone()[0]
        chunks, embedded = db.execute("SELECT COUNT(*), COALESCE(SUM(embedded), 0) FROM chunks").fetchone()
        return int(docs), int(chunks), int(embedded)
    except sqlite3.OperationalError:
        return 0, 0, 0
    finally:
        db.close()


def _index(case_dir: Path, src: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "arbiter_desktop", "index", str(case_dir), str(src), "--model", str(LIGHT)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_when(process: subprocess.Popen[bytes], case_dir: Path, ready: object) -> bool:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if (case_dir / "catalog.sqlite").exists() and ready(*_counts(case_dir)):  # type: ignore[operator]
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.05)
    process.wait()
    return False


def _check_consistent(case_dir: Path, documents: int) -> None:
    case = Case.open(case_dir)
    try:
        counts = case.catalog.counts()
        assert counts["documents"] == documents and counts["files"] == documents
        assert counts["embedded"] == counts["chunks"]
        assert case.lexical.num_chunks() == counts["chunks"]  # no chunk twice in the full-text index
        (store_dir,) = (case.directory / "vectors").iterdir()
        meta = json.loads((store_dir / "meta.json").read_text())
        assert meta["live"] == counts["chunks"]
    finally:
        case.close()


def test_killed_in_both_phases_then_resumed(tmp_path: Path) -> None:
    src, case_dir = tmp_path / "src", tmp_path / "case"
    _corpus(src, 60)
    Case.open(case_dir, create=True).close()
    (case_dir / "settings.json").write_text(json.dumps({"batch_files": 10, "embed_save_s": 0.3, "workers": 1}))
    # phase 1: killed once some batches are committed
    killed_text = _kill_when(_index(case_dir, src), case_dir, lambda d, c, e: d >= 10)
    documents_before = _counts(case_dir)[0]
    # phase 2: killed once some vectors are committed, before the end
    killed_semantic = _kill_when(_index(case_dir, src), case_dir, lambda d, c, e: e > 0)
    _, chunks, embedded_before = _counts(case_dir)
    assert _index(case_dir, src).wait() == 0
    _check_consistent(case_dir, 60)
    assert killed_text and 10 <= documents_before < 60
    assert killed_semantic and 0 < embedded_before < chunks  # the resumed run only embedded the rest
