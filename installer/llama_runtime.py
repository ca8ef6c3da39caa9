"""Build and install llama-cpp-python with llama.cpp's CPU code for every x86-64 processor generation.

A llama.cpp built for one instruction set is either slow or fragile: a native build crashes with "Illegal
instruction" on an older CPU, a portable AVX2 build leaves AVX-512/VNNI unused (EmbeddingGemma ran at 0.97 passages/s
portable vs 1.62 with the processor's own variant + flash attention, 2 threads, on an AMD EPYC with AVX-512). So
llama.cpp is built with ``GGML_BACKEND_DL`` + ``GGML_CPU_ALL_VARIANTS``: one ``libggml-cpu-<variant>.so`` per
generation (x64, sse42, sandybridge, haswell, skylakex, icelake, zen4, alderlake, sapphirerapids…), and at run time
llama.cpp loads the best one the processor supports (arbiter_desktop/embedding/llama_backend.py registers them).

The pinned sdist (SHA-256 checked; the same file the EmbeddingGemma converter comes from) is built once into a wheel
kept under ``~/.cache/arbiter-desktop/wheels/<key>/`` (the key covers the sdist and the build options: pip's own
wheel cache ignores CMAKE_ARGS and would hand back a build with other options), then installed into the running
Python. Idempotent: nothing happens when the installed llama-cpp-python is that build (pip's record of the wheel it
was installed from names the key).

Usage (``make setup`` runs it before installing the project)::

    python installer/llama_runtime.py [--cache DIR] [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

VERSION = "0.3.36"
SDIST_NAME = f"llama_cpp_python-{VERSION}.tar.gz"
SDIST_SHA256 = "832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e"
# CMAKE_INSTALL_BINDIR: where llama.cpp installs its backend libraries (by default bin/, outside the package);
# LLAVA_BUILD=OFF: no libmtmd (multimodal chat), which the app never loads.
CMAKE_ARGS = (
    "-DGGML_BACKEND_DL=ON",
    "-DGGML_CPU_ALL_VARIANTS=ON",
    "-DGGML_NATIVE=OFF",
    "-DCMAKE_INSTALL_BINDIR=llama_cpp/lib",
    "-DLLAVA_BUILD=OFF",
)
# Variants every x86-64 build of this version has: the installed package must hold at least these.
REQUIRED_VARIANTS = ("x64", "sse42", "sandybridge", "haswell", "skylakex", "icelake", "zen4", "alderlake")

# Changes to llama.cpp's sources before the build: (file in the sdist, exact text, replacement). Each must match
# once, or the build stops (the pinned sdist changed).
# - An embedding context reserves no logits: llama.cpp reserves vocabulary × tokens floats for logits in every
#   context, models without a language-model head included, and zero-fills them: 489 MiB for multilingual-e5-small
#   (250,002 tokens × 512 × 4 B), 512 MiB for EmbeddingGemma, in every process that holds a model (the indexer,
#   the window's search worker). Every reader of that buffer in llama.cpp checks for its absence; the app never
#   asks an embedding or reranking context for logits (llama_cpp.Llama.embed reads the pooled embeddings).
# - The AMX tile configuration is kept whole: GCC drops the stores of the tile rows and widths into the stack
#   structure that ``_tile_loadconfig`` reads (it sees no reader), so on a processor with AMX (Intel Xeon, Sapphire
#   Rapids and later; llama.cpp's ``sapphirerapids`` variant) tiles were configured with 0 rows and the first tile
#   instruction killed the process with "Illegal instruction" (SIGILL in ``tilezero``) as soon as a Q4_0/Q8_0 model
#   (multilingual-e5-small) computed. An empty asm statement that takes the structure's address and clobbers memory
#   makes the compiler write it first (the same fault is reported upstream, llama.cpp pull request 26954).
PATCHES = (
    (
        f"llama_cpp_python-{VERSION}/vendor/llama.cpp/src/llama-context.cpp",
        "    bool has_logits     = true;\n    bool has_embd       = cparams.embeddings;\n",
        "    bool has_logits     = !cparams.embeddings; // Arbiter Desktop: no logits buffer for embeddings\n"
        "    bool has_embd       = cparams.embeddings;\n",
    ),
    (
        f"llama_cpp_python-{VERSION}/vendor/llama.cpp/ggml/src/ggml-cpu/amx/mmq.cpp",
        "    _tile_loadconfig(&tc);\n    done = true;\n",
        '    __asm__ __volatile__("" : : "r"(&tc) : "memory");  // Arbiter Desktop: the stores above are kept\n'
        "    _tile_loadconfig(&tc);\n    done = true;\n",
    ),
)

EXIT_OK, EXIT_BUILD, EXIT_USAGE = 0, 1, 2


def log(message: str) -> None:
    print(f"[llama.cpp] {message}", flush=True)


def build_key() -> str:
    parts = (SDIST_SHA256, *CMAKE_ARGS, *(text for patch in PATCHES for text in patch))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def default_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "arbiter-desktop"


def installed_variants() -> set[str] | None:
    """The CPU variants of the installed llama-cpp-python ``VERSION`` (None: not installed, or another version)."""
    try:
        dist = metadata.distribution("llama_cpp_python")
    except metadata.PackageNotFoundError:
        return None
    if dist.version != VERSION:
        return None
    names = {Path(str(f)).name for f in dist.files or () if "/lib/" in f"/{f}"}
    prefix = "libggml-cpu-"
    return {n[len(prefix) : -len(".so")] for n in names if n.startswith(prefix) and n.endswith(".so")}


def installed_build_key() -> str:
    """The build key in the name of the cached wheel folder the installed package came from ("" if not from one)."""
    try:
        url = metadata.distribution("llama_cpp_python").read_text("direct_url.json") or ""
    except metadata.PackageNotFoundError:
        return ""
    return json.loads(url).get("url", "").rsplit("/", 2)[-2].rpartition("-")[2] if url else ""


def is_installed() -> bool:
    variants = installed_variants()
    complete = variants is not None and set(REQUIRED_VARIANTS) <= variants
    return complete and installed_build_key() == build_key()


def fetch_sdist(downloads: Path) -> Path:
    path = downloads / SDIST_NAME
    if path.is_file() and sha256_file(path) == SDIST_SHA256:
        return path
    downloads.mkdir(parents=True, exist_ok=True)
    log(f"downloading the llama-cpp-python {VERSION} sdist")
    with tempfile.TemporaryDirectory(prefix=".download-", dir=downloads) as folder:
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-cache-dir",
                   "--disable-pip-version-check", "--no-binary", ":all:", "--dest", folder,
                   f"llama-cpp-python=={VERSION}"]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        got = Path(folder) / SDIST_NAME
        if done.returncode != 0 or not got.is_file():
            raise BuildError(
                f"could not download llama-cpp-python=={VERSION} from the package registry "
                f"({(done.stderr or done.stdout).strip()[-500:]}); put {SDIST_NAME} in {downloads} and run again"
            )
        actual = sha256_file(got)
        if actual != SDIST_SHA256:
            raise BuildError(f"{SDIST_NAME}: SHA-256 {actual}, expected {SDIST_SHA256}: the registry file changed")
        os.replace(got, path)
    return path


class BuildError(Exception):
    pass


def cached_wheel(wheels: Path) -> Path | None:
    found = sorted(wheels.glob(f"llama_cpp_python-{VERSION}-*.whl"))
    return found[0] if found else None


def unpack_patched(sdist: Path, folder: Path) -> Path:
    """The sdist extracted into ``folder`` with PATCHES applied; returns the source tree."""
    with tarfile.open(sdist) as archive:
        archive.extractall(folder, filter="data")
    for member, old, new in PATCHES:
        path = folder / member
        text = path.read_text(encoding="utf-8")
        if text.count(old) != 1:
            raise BuildError(f"{member}: the text to change was not found once; the pinned sdist changed")
        path.write_text(text.replace(old, new), encoding="utf-8")
    return folder / f"llama_cpp_python-{VERSION}"


def build_wheel(sdist: Path, wheels: Path) -> Path:
    jobs = str(os.cpu_count() or 2)
    env = {**os.environ, "CMAKE_ARGS": " ".join(CMAKE_ARGS), "CMAKE_BUILD_PARALLEL_LEVEL": jobs}
    log(f"compiling llama.cpp with every x86-64 CPU variant ({jobs} jobs; about 11 minutes on 2 idle cores, once)")
    started = time.monotonic()
    wheels.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".build-", dir=wheels.parent) as folder:
        logfile = Path(folder) / "build.log"
        source = unpack_patched(sdist, Path(folder) / "src")
        with logfile.open("w") as out:
            command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir",
                       "--disable-pip-version-check", "-v", str(source), "-w", folder]  # fmt: skip
            done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=env, check=False)
        built = sorted(Path(folder).glob("*.whl"))
        if done.returncode != 0 or not built:
            lines = logfile.read_text(errors="replace").splitlines()[-40:]
            raise BuildError("the llama.cpp build failed (a C/C++ compiler and cmake are needed):\n" + "\n".join(lines))
        wheels.mkdir(parents=True, exist_ok=True)
        target = wheels / built[0].name
        os.replace(built[0], target)
    log(f"built {target.name} in {(time.monotonic() - started) / 60:.0f} min")
    return target


def install(wheel: Path) -> None:
    log(f"installing {wheel.name}")
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
               "--force-reinstall", str(wheel)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BuildError(f"pip could not install {wheel}: {(done.stderr or done.stdout).strip()[-500:]}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--cache", type=Path, default=default_cache(), help="downloads and wheels (%(default)s)")
    parser.add_argument("--check", action="store_true", help="only say whether the right build is installed")
    args = parser.parse_args(argv)
    if args.check:
        ok = is_installed()
        log("installed with its CPU variants" if ok else "not installed with its CPU variants")
        return EXIT_OK if ok else EXIT_BUILD
    if is_installed():
        log(f"llama-cpp-python {VERSION} with its CPU variants is installed")
        return EXIT_OK
    cache = args.cache.expanduser().absolute()
    wheels = cache / "wheels" / f"llama_cpp_python-{VERSION}-{build_key()}"
    try:
        wheel = cached_wheel(wheels)
        if wheel is None:
            wheel = build_wheel(fetch_sdist(cache / "downloads"), wheels)
        install(wheel)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BUILD
    if not is_installed():
        found = f"CPU variants {sorted(installed_variants() or ())}, build key {installed_build_key() or 'none'}"
        wanted = f"at least {REQUIRED_VARIANTS}, key {build_key()}"
        print(f"error: the installed llama-cpp-python is not this build ({found}; expected {wanted})", file=sys.stderr)
        return EXIT_BUILD
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
