"""The offline bundle (installer/build.py, installer/arbiter_desktop.spec): built with PyInstaller into a temporary
folder, checked for what it holds (and what it leaves out), then its self-test is run as a workstation would:
with an empty environment (no Python, no virtual environment on the path) and, where the system allows it, in a
network namespace with no network at all.

Takes minutes (the build, then the self-test embeds the demo case with the default model): ARBITER_SKIP_BUNDLE=1
skips it, and ``-m "not bundle"`` deselects it.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from arbiter_desktop.config.models import GEMMA_BF16, GEMMA_Q8_0

pytestmark = pytest.mark.bundle

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "installer" / "build.py"
DEFAULT_MODEL = (GEMMA_BF16, GEMMA_Q8_0)  # its two files: the app loads the one that suits the processor
MODELS = Path(os.environ.get("ARBITER_MODELS_DIR") or REPO / "models")
STEPS = (
    "resources",
    "models",
    "index",
    "search lexical",
    "search ocr",
    "names",
    "search hybrid",
    "export pdf",
    "gui offscreen",
)
OCR_MODELS = ("fra.traineddata", "eng.traineddata", "osd.traineddata")

if os.environ.get("ARBITER_SKIP_BUNDLE") == "1":
    pytest.skip("ARBITER_SKIP_BUNDLE=1: the offline bundle is not built", allow_module_level=True)
for name in DEFAULT_MODEL:
    if not (MODELS / name).is_file():
        pytest.skip(f"{MODELS / name} absent (the bundle ships it): run `make setup`", allow_module_level=True)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """dist/ArbiterDesktop, built once for this module in a temporary folder (removed afterwards: it is large)."""
    folder = tmp_path_factory.mktemp("bundle")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(BUILD), "--dist", str(folder / "dist"), "--work", str(folder / "build")],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    print(f"bundle built in {time.monotonic() - started:.0f} s")
    yield folder / "dist" / "ArbiterDesktop"
    shutil.rmtree(folder, ignore_errors=True)


def test_the_bundle_holds_the_app_its_libraries_resources_and_default_model(bundle: Path) -> None:
    executable = bundle / "ArbiterDesktop"
    assert executable.is_file() and executable.stat().st_mode & stat.S_IXUSR
    internal = bundle / "_internal"
    assert (internal / "llama_cpp" / "lib" / "libllama.so").is_file()
    assert (internal / "llama_cpp" / "lib" / "libggml.so").is_file()
    # the readers of spreadsheets and Outlook mailboxes (native libraries, self-contained)
    assert list((internal / "python_calamine").glob("_python_calamine*.so"))
    assert list(internal.glob("pypff*.so"))
    variants = {p.name for p in (internal / "llama_cpp" / "lib").glob("libggml-cpu-*.so")}
    assert {"libggml-cpu-x64.so", "libggml-cpu-haswell.so", "libggml-cpu-skylakex.so"} <= variants, variants
    resources = internal / "resources"
    assert len(list((resources / "lexicons").glob("*.tsv"))) >= 4
    assert (resources / "ranker" / "ranker.json").is_file()  # the full mode's learned second stage
    assert (resources / "fonts" / "DejaVuSans.ttf").is_file()
    assert (resources / "translations" / "arbiter_fr.qm").is_file()
    assert len([p for p in (resources / "demo" / "affaire_demo").rglob("*") if p.is_file()]) >= 15
    plugins = internal / "PySide6" / "Qt" / "plugins"
    platforms = {p.name for p in (plugins / "platforms").iterdir()}
    assert {"libqxcb.so", "libqwayland.so", "libqoffscreen.so"} <= platforms
    assert (internal / "PySide6" / "Qt" / "translations" / "qtbase_fr.qm").is_file()
    models = bundle / "models"
    sums = (models / "SHA256SUMS").read_text(encoding="utf-8")
    for name in DEFAULT_MODEL:
        assert (models / name).stat().st_size == (MODELS / name).stat().st_size
        assert f"  {name}\n" in sums
    assert (models / "embeddinggemma-300m.NOTICE.txt").is_file()
    assert (models / "README.txt").is_file()
    # OCR: the engine's libraries (from the tesserocr wheel) and its models with their notice
    libraries = {p.name.split("-")[0] for p in internal.rglob("lib*.so*")}
    assert {"libtesseract", "libleptonica"} <= libraries, sorted(libraries)
    assert list(internal.rglob("tesserocr*.so"))
    for name in OCR_MODELS:
        assert (models / "tessdata" / name).stat().st_size == (MODELS / "tessdata" / name).stat().st_size
        assert f"  tessdata/{name}\n" in sums
    assert (models / "tessdata" / "tessdata.NOTICE.txt").is_file()


def test_the_default_bundle_leaves_out_what_the_app_does_not_use(bundle: Path) -> None:
    internal = bundle / "_internal"
    for package in ("torch", "sentence_transformers", "transformers", "scipy", "sklearn", "networkx", "pandas"):
        assert not (internal / package).exists(), package
    names = {p.name for p in internal.rglob("*")}
    assert not [n for n in names if "WebEngine" in n or n.startswith("_tkinter")]
    plugins = internal / "PySide6" / "Qt" / "plugins"
    assert not (plugins / "platformthemes" / "libqgtk3.so").exists()  # it would bring the build machine's GTK
    assert not (plugins / "platforms" / "libqvnc.so").exists()
    assert not any(n.startswith("libgtk-3") for n in names)
    assert not (internal / "resources" / "screenshots").exists()
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    assert size < 1500 * 2**20, f"{size / 2**20:.0f} MiB"  # measured: 1,404 MiB, of which 927 MiB of models (the
    # two EmbeddingGemma files, 593 + 318 MiB, and the OCR models); spaCy's stack for the names is about 120 MiB once
    # stripped of debug symbols


def no_network_prefix() -> list[str]:
    """``unshare --net`` (a network namespace with only a down loopback) where the system allows it."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    probe = subprocess.run([unshare, "--net", "true"], capture_output=True, check=False)
    return [unshare, "--net"] if probe.returncode == 0 else []


def test_the_selftest_passes_without_python_and_without_network(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "OMP_WAIT_POLICY": "PASSIVE"}
    command = [*no_network_prefix(), str(bundle / "ArbiterDesktop"), "--selftest"]
    started = time.monotonic()
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=2400)
    print(
        f"self-test ({'no network' if len(command) > 2 else 'network not isolated'}) in "
        f"{time.monotonic() - started:.0f} s:\n{done.stdout}"
    )
    assert done.returncode == 0, done.stdout + done.stderr[-5000:]
    lines = done.stdout.splitlines()
    for step in STEPS:
        assert any(line.startswith("[ ok ]") and line[7:].startswith(step) for line in lines), step
    assert "SHA-256 of 5 file(s) match SHA256SUMS" in done.stdout  # the default model's two files, the OCR models
    assert "recognised text (OCR)" in done.stdout
    assert "(offline bundle:" in lines[0]
    assert f"resources {bundle / '_internal' / 'resources'}" in done.stdout
    assert lines[-1].startswith("selftest passed: 9/9 steps")
    assert not list(home.rglob("*")), "the self-test wrote into the user's home"
