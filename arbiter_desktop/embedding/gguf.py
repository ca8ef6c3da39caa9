"""A GGUF embedding model run by llama-cpp-python, with the model's own prompts and pooling.

Only this package and ``search/`` import llama_cpp. How its OpenMP threads wait (``OMP_WAIT_POLICY=PASSIVE`` and a
short ``GOMP_SPINCOUNT``) is set when the package is imported, before any native library loads (see
``arbiter_desktop.THREADS_ENVIRONMENT``): set later, it may be ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from arbiter_desktop.embedding.base import ModelIdentity, Vectors
from arbiter_desktop.embedding.gguf_header import GGUF_MAGIC as GGUF_MAGIC
from arbiter_desktop.embedding.gguf_header import ModelError as ModelError
from arbiter_desktop.embedding.gguf_header import read_gguf_header
from arbiter_desktop.embedding.llama_backend import ensure_cpu_backend
from arbiter_desktop.embedding.model_thread import ModelThread
from arbiter_desktop.embedding.profiles import POOLING_UNSPECIFIED, ModelProfile, identify

log = logging.getLogger(__name__)

# Families run with llama.cpp's flash attention, measured with the processor's own CPU variant (2 threads, French
# passages of ~300 tokens, AMD EPYC with AVX-512): EmbeddingGemma 0.89 → 1.17 passages/s, vectors still at cosine
# ≥ 0.9996 from a PyTorch float32 pass (test_embeddinggemma_model); multilingual-e5-small 0.63 → 0.96 passages/s
# on the portable build, equal to the plain computation at cosine ≥ 0.9999 (test_gguf_embedder). Other families keep
# the plain path until measured.
FLASH_ATTENTION_FAMILIES = frozenset({"e5", "embeddinggemma"})
HOLD_STEP_S = 0.002  # how often a held computation looks again (see GgufEmbedder.hold_while)


def file_sha256(path: Path) -> str:
    """SHA-256 of a model file, cached beside it (keyed by size and mtime) since models are large."""
    st = path.stat()
    cache = path.with_name(path.name + ".sha256.json")
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data["size"] == st.st_size and data["mtime_ns"] == st.st_mtime_ns:
            return str(data["sha256"])
    except (OSError, ValueError, KeyError):
        pass
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 22):
            digest.update(block)
    value = digest.hexdigest()
    with contextlib.suppress(OSError):  # a read-only models folder: hash again next time
        cache.write_text(
            json.dumps({"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": value}), encoding="utf-8"
        )
    return value


def check_model_file(path: Path) -> None:
    if not path.exists():
        raise ModelError(
            f"embedding model not found: expected the file {path} (run `make setup` to provision the default "
            "models, or put a GGUF embedding model in models/ and select it in the settings)"
        )
    with path.open("rb") as handle:
        if handle.read(4) != GGUF_MAGIC:
            raise ModelError(f"{path} is not a GGUF model file (damaged or wrong format): provision it again")


class _KeepOutput:
    """Stands for llama-cpp-python's ``suppress_stdout_stderr``: leaves the process's output where it is."""

    def __init__(self, disable: bool = True) -> None:
        pass

    def __enter__(self) -> _KeepOutput:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def load_llama_cpp() -> Any:
    """The llama_cpp module, with llama.cpp's CPU variant for this processor registered (before any model)."""
    try:
        lib = importlib.import_module("llama_cpp")
    except ImportError as exc:  # pragma: no cover - the set-up installs it
        raise ModelError("llama-cpp-python is not installed: run `make setup`") from exc
    # llama-cpp-python silences a quiet load by pointing the process's stdout and stderr (file descriptors 1 and 2,
    # and sys.stdout / sys.stderr) at /dev/null for its duration: whatever another thread writes meanwhile is lost
    # (a model loading in the background while the command line prints its report). Its log callback already
    # drops llama.cpp's messages below ERROR when quiet: the redirection is switched off.
    for module in ("llama_cpp.llama", "llama_cpp._internals"):
        importlib.import_module(module).__dict__["suppress_stdout_stderr"] = _KeepOutput
    # the two /dev/null files that redirection wrote to, opened when llama_cpp is imported, are then never used:
    # closed, so that they are not left for the interpreter's exit to find open
    utils = importlib.import_module("llama_cpp._utils")
    for name in ("outnull_file", "errnull_file"):
        handle = getattr(utils, name, None)
        if handle is not None and not handle.closed:
            handle.close()
    try:
        ensure_cpu_backend()
    except RuntimeError as exc:
        raise ModelError(str(exc)) from exc
    return lib


class GgufEmbedder:
    """A GGUF embedding model. Every call into llama.cpp runs on one thread of the model's own
    (:class:`~arbiter_desktop.embedding.model_thread.ModelThread`), whichever thread asks."""

    def __init__(self, path: Path, threads: int = 2, n_ctx: int = 512) -> None:
        check_model_file(path)
        self.threads = threads
        self._thread = ModelThread(path.stem)
        self._closed = False
        try:
            self._thread.run(self._load, path, threads, n_ctx)
        except BaseException:
            self._thread.close()
            raise

    def _load(self, path: Path, threads: int, n_ctx: int) -> None:
        self._llama_cpp = load_llama_cpp()
        Llama = self._llama_cpp.Llama
        self.cpu = ensure_cpu_backend()  # registered by load_llama_cpp: what it chose
        # the header read directly (milliseconds), not by llama.cpp with the vocabulary (a second and more)
        metadata = read_gguf_header(path).strings()
        self.profile: ModelProfile = identify(metadata)
        if not self.profile.known:
            log.warning("%s: %s", path.name, self.profile.note)
        context = int(metadata.get(f"{metadata.get('general.architecture', '')}.context_length", n_ctx) or n_ctx)
        self.n_ctx = max(64, min(n_ctx, context))
        kwargs: dict[str, Any] = {
            "embedding": True,
            "n_ctx": self.n_ctx,
            "n_batch": self.n_ctx,
            "n_ubatch": self.n_ctx,
            "n_threads": threads,
            "n_threads_batch": threads,
            "flash_attn": self.profile.family in FLASH_ATTENTION_FAMILIES,
            "verbose": False,
        }
        if self.profile.pooling != POOLING_UNSPECIFIED:
            kwargs["pooling_type"] = self.profile.pooling
        try:
            self._llama = Llama(str(path), **kwargs)
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"{path} could not be loaded as an embedding model ({exc})") from exc
        # the output size can differ from n_embd (dense projection layers): ask the model itself
        dim = len(self._llama.embed("dimension", normalize=True))
        name = metadata.get("general.name") or path.stem
        self.identity = ModelIdentity(name, self.profile.family, dim, file_sha256(path), str(path))

    def _embed(self, texts: Sequence[str]) -> Vectors:
        return self._thread.run(self._embed_here, texts)

    def embed_prompts(self, prompts: Sequence[str]) -> Vectors:
        """L2-normalised vectors of texts already written with the model's prompts (:meth:`prompt_document`,
        :meth:`prompt_query`): another process's lane reads exactly what this model would."""
        return self._embed(prompts)

    def _embed_here(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.identity.dim), dtype=np.float32)
        # One sequence per decode: llama.cpp masks attention over the whole batch, so packing several
        # sequences into one batch costs quadratically more; measured 2.1 docs/s packed vs 3.9 one by one
        # (multilingual-e5-small, 2 threads).
        rows = [self._llama.embed(text, normalize=True, truncate=True) for text in texts]
        vectors = np.asarray(rows, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.identity.dim:
            raise ModelError(f"{self.identity.path}: unexpected embedding shape {vectors.shape} (not pooled?)")
        return vectors

    # Texts are stripped: llama.cpp's SentencePiece drops a trailing "▁" that the reference tokenizer keeps.
    def prompt_document(self, text: str, title: str) -> str:
        """The exact text the model reads for a document chunk (its document prompt)."""
        return self.profile.document(text.strip(), title.strip())

    def prompt_query(self, text: str) -> str:
        """The exact text the model reads for a query (its query prompt)."""
        return self.profile.query(text.strip())

    def embed_documents(self, texts: Sequence[str], titles: Sequence[str]) -> Vectors:
        return self._embed([self.prompt_document(t, title) for t, title in zip(texts, titles, strict=True)])

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._embed([self.prompt_query(t) for t in texts])

    def hold_while(self, busy: Callable[[], bool] | None) -> None:
        """While ``busy()`` says so, the model's computation holds still where it is: llama.cpp calls back between
        two operations of its graph, the callback waits, and the model's other threads wait asleep at the next
        barrier (``OMP_WAIT_POLICY=PASSIVE``). An indexer gives a search the cores within one operation this way,
        and loses nothing of the chunk in hand. ``None`` takes the hold away."""
        lib = load_llama_cpp()
        if busy is None:
            self._hold = None
            lib.llama_set_abort_callback(self._llama.ctx, lib.ggml_abort_callback(0), None)
            return

        def hold(_data: object) -> bool:
            while busy():
                time.sleep(HOLD_STEP_S)
            return False  # never abort: only wait

        self._hold = lib.ggml_abort_callback(hold)  # kept: llama.cpp holds a pointer to it
        lib.llama_set_abort_callback(self._llama.ctx, self._hold, None)

    def set_threads(self, threads: int) -> None:
        """CPU threads of the next calls (llama.cpp takes the change between two decodes)."""
        threads = max(1, threads)
        self._thread.run(self._llama_cpp.llama_set_n_threads, self._llama.ctx, threads, threads)
        self.threads = threads

    def count_tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode("utf-8"), add_bos=False))

    def close(self) -> None:
        """Free the model (a second call does nothing)."""
        if self._closed:
            return
        self._closed = True
        try:
            self._thread.run(self._llama.close)
        finally:
            self._thread.close()
