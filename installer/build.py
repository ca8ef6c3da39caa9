#!/usr/bin/env python3
"""Build the offline bundle: one folder, dist/ArbiterDesktop/, that runs on an air-gapped workstation.

    python installer/build.py [--variant default|full] [--dist DIR] [--work DIR] [--models DIR]

(`make installer`, or `make installer VARIANT=full`.) PyInstaller freezes the app with installer/arbiter_desktop.spec
(Python, Qt, llama.cpp, the resources and the demo documents, under ``_internal/``); then the default embedding
model's two files (BF16 and Q8_0: the app loads the one that suits the workstation's processor), each checked
against its pinned SHA-256, are copied with their notice into ``models/`` beside the executable, and the
OCR models (``models/tessdata/``: French, English, orientation; each checked against its pin in
installer/models/tessdata.py) with theirs, with a ``SHA256SUMS`` file that the self-test (``ArbiterDesktop
--selftest``) checks.

The models are taken from ``--models``, else ``$ARBITER_MODELS_DIR``, else the repository's ``models/`` (where
`make setup` provisions them). The ``full`` variant adds PyTorch and sentence-transformers, for a cross-encoder
reranker folder; the default bundle has no PyTorch (a GGUF reranker needs only llama.cpp).

Exit codes: 0 built; 2 something the build needs is missing (the default model's files, PyInstaller); 3 one of
them does not match its pinned SHA-256; 4 PyInstaller failed.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "installer" / "arbiter_desktop.spec"
NAME = "ArbiterDesktop"
SHA256SUMS = "SHA256SUMS"

EXIT_OK = 0
EXIT_MISSING = 2
EXIT_INTEGRITY = 3
EXIT_PYINSTALLER = 4

MODELS_README = """\
Models of Arbiter Desktop
=========================

The default embedding model is here, as two files: {model} (its terms: {notice}). The app uses the first on
processors with AVX-512 BF16 and the second elsewhere; a case keeps the file it was embedded with. The OCR models
(Tesseract's tessdata_fast: French, English, page orientation; Apache-2.0) are in tessdata/.

To add another model (a GGUF embedder, a GGUF reranker, or a sentence-transformers cross-encoder folder when the
bundle was built with PyTorch), on a connected machine: download it, check its SHA-256 (`sha256sum FILE.gguf`)
against the value its publisher gives, and write that line into SHA256SUMS:

    sha256sum FILE.gguf >> SHA256SUMS

Carry FILE.gguf and SHA256SUMS over to this folder, then check them here and run the self-test:

    sha256sum -c SHA256SUMS
    ../ArbiterDesktop --selftest

Select the model in the settings of a case (Paramètres), or with `--model FILE.gguf` on the command line.
"""


class BuildError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def pinned_default_model() -> tuple[list[tuple[str, str]], str]:
    """[(file name, SHA-256)] of the default model's files, and its notice file name, from its provisioning
    script."""
    path = ROOT / "installer" / "models" / "embeddinggemma.py"
    spec = importlib.util.spec_from_file_location("arbiter_installer_embeddinggemma", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return [(str(gguf.name), str(gguf.sha256)) for gguf in module.GGUFS], str(module.NOTICE_NAME)


def pinned_ocr_models() -> dict[str, str]:
    """File name → SHA-256 of the OCR models, from their provisioning script."""
    path = ROOT / "installer" / "models" / "tessdata.py"
    spec = importlib.util.spec_from_file_location("arbiter_installer_tessdata", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return {str(pin.model): str(pin.model_sha256) for pin in module.PINS}


def check_ocr_models(models: Path) -> list[Path]:
    """The OCR models and their notice in ``models/tessdata``, each model checked against its pin."""
    folder = models / "tessdata"
    found: list[Path] = []
    for name, pinned in pinned_ocr_models().items():
        path = folder / name
        if not path.is_file():
            raise BuildError(
                f"an OCR model is missing: expected {path} (run `make setup` to provision it)", EXIT_MISSING
            )
        if sha256_of(path) != pinned:
            raise BuildError(
                f"{path} does not match its pinned SHA-256: provision it again (delete it and run `make setup`)",
                EXIT_INTEGRITY,
            )
        found.append(path)
    notice = folder / "tessdata.NOTICE.txt"
    if not notice.is_file():
        raise BuildError(f"the OCR models' notice is missing: expected {notice} (run `make setup`)", EXIT_MISSING)
    return [*found, notice]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def models_source(option: str | None) -> Path:
    if option:
        return Path(option).expanduser().resolve()
    override = os.environ.get("ARBITER_MODELS_DIR")
    return Path(override).expanduser().resolve() if override else ROOT / "models"


def check_default_model(models: Path) -> tuple[list[tuple[Path, str]], Path]:
    """The default model's files, each with its SHA-256 checked against its pin, and their notice in ``models``."""
    files, notice_name = pinned_default_model()
    notice = models / notice_name
    checked = []
    for name, pinned in files:
        model = models / name
        if not model.is_file():
            raise BuildError(
                f"the default model is missing: expected {model} (run `make setup` to provision it, or point "
                "--models or ARBITER_MODELS_DIR to a folder that holds it)",
                EXIT_MISSING,
            )
        actual = sha256_of(model)
        if actual != pinned:
            raise BuildError(
                f"{model} does not match its pinned SHA-256 (got {actual}, expected {pinned}): provision it again "
                "(delete it and run `make setup`)",
                EXIT_INTEGRITY,
            )
        checked.append((model, actual))
    if not notice.is_file():
        raise BuildError(f"the default model's notice is missing: expected {notice} (run `make setup`)", EXIT_MISSING)
    return checked, notice


def run_pyinstaller(variant: str, dist: Path, work: Path) -> None:
    if importlib.util.find_spec("PyInstaller") is None:
        raise BuildError(
            "PyInstaller is not installed: run `make setup` (or pip install -e '.[installer]')", EXIT_MISSING
        )
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    command += ["--distpath", str(dist), "--workpath", str(work), str(SPEC), "--", "--variant", variant]
    print(f"PyInstaller: {NAME} ({variant} variant) into {dist}", flush=True)
    if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
        raise BuildError("PyInstaller failed (see its messages above)", EXIT_PYINSTALLER)


def install_models(bundle: Path, models: Sequence[tuple[Path, str]], notice: Path, ocr: Sequence[Path] = ()) -> None:
    """Copy the default model's files (modification time kept, so that their cached SHA-256 stays valid) and their
    notice, and the OCR models into ``models/tessdata``; list the models in SHA256SUMS."""
    target = bundle / "models"
    target.mkdir(exist_ok=True)
    sums = []
    for model, sha256 in models:
        for source in (model, model.with_name(model.name + ".sha256.json")):
            if source.is_file():
                shutil.copy2(source, target / source.name)
        sums.append(f"{sha256}  {model.name}")
    shutil.copy2(notice, target / notice.name)
    if ocr:
        (target / "tessdata").mkdir(exist_ok=True)
    for source in ocr:
        shutil.copy2(source, target / "tessdata" / source.name)
        if source.suffix == ".traineddata":
            sums.append(f"{sha256_of(source)}  tessdata/{source.name}")
    (target / SHA256SUMS).write_text("".join(f"{line}\n" for line in sums), encoding="utf-8")
    names = " and ".join(model.name for model, _ in models)
    (target / "README.txt").write_text(MODELS_README.format(model=names, notice=notice.name), encoding="utf-8")


# Packages whose compiled modules carry their debugging symbols (spaCy's stack: 111 MiB of spacy/ become 16 MiB);
# stripping those symbols changes no instruction. Other libraries (Qt, llama.cpp, Tesseract) are left as built.
DEBUG_SYMBOLS = ("spacy", "thinc", "blis", "srsly", "cymem", "preshed", "murmurhash")


def strip_debug_symbols(bundle: Path) -> int:
    """``strip --strip-debug`` the extension modules of DEBUG_SYMBOLS in the bundle; the bytes saved (0 without
    ``strip`` on this machine)."""
    strip = shutil.which("strip")
    if strip is None:
        print("strip is not installed (binutils): the bundle keeps its debugging symbols", flush=True)
        return 0
    before = folder_size(bundle)
    for package in DEBUG_SYMBOLS:
        modules = sorted(str(p) for p in (bundle / "_internal" / package).rglob("*.so"))
        if modules:
            subprocess.run([strip, "--strip-debug", *modules], check=True)
    return before - folder_size(bundle)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build(variant: str, dist: Path, work: Path, models: Path) -> Path:
    started = time.monotonic()
    checked, notice = check_default_model(models)
    ocr = check_ocr_models(models)
    run_pyinstaller(variant, dist, work)
    bundle = dist / NAME
    strip_debug_symbols(bundle)
    install_models(bundle, checked, notice, ocr)
    size = folder_size(bundle)
    model_size = sum(model.stat().st_size for model, _ in checked)
    print(
        f"Built {bundle} in {time.monotonic() - started:.0f} s: {size / 2**20:.0f} MiB "
        f"(of which the model's files {model_size / 2**20:.0f} MiB). Check it: {bundle / NAME} --selftest",
        flush=True,
    )
    return bundle


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--variant",
        choices=["default", "full"],
        default="default",
        help="full: with PyTorch and sentence-transformers, for a cross-encoder reranker (much larger)",
    )
    parser.add_argument("--dist", default=str(ROOT / "dist"), help="where the bundle folder goes (default: dist/)")
    parser.add_argument("--work", default=str(ROOT / "build"), help="PyInstaller's work folder (default: build/)")
    parser.add_argument("--models", help="folder holding the default model (default: $ARBITER_MODELS_DIR or models/)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        build(args.variant, Path(args.dist).resolve(), Path(args.work).resolve(), models_source(args.models))
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
