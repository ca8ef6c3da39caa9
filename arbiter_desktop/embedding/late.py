"""Late chunking: embed a whole document once, and pool each chunk from its own tokens (arXiv 2409.04701).

Embedded alone, a chunk that says "il a reconnu les faits" does not know who "il" is, nor that it comes from a
statement of a suspect in custody. Embedded as part of its document, each token's state has seen the whole
document (the model's attention is bidirectional), and the chunk's vector is the mean of its own tokens' states.

llama.cpp returns every token's output (no pooling): for EmbeddingGemma that output has already gone through the
model's dense projection layers, which are linear, so the mean of the outputs of a set of tokens is exactly the
vector the model gives when it pools those tokens itself. A chunk's vector is the mean over the model's prompt
("title: … | text: "), its start and end tokens and the chunk's own tokens — the very tokens it pools when the
chunk is embedded alone — but their states have seen the whole document. Pooled over every token, the same call
gives the document embedded whole (a test checks it against the plain embedding). A document longer than the
context is cut into windows of whole chunks, each embedded as above.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from arbiter_desktop.embedding.base import Vectors
from arbiter_desktop.embedding.gguf import ModelError, load_llama_cpp
from arbiter_desktop.embedding.model_thread import ModelThread
from arbiter_desktop.embedding.profiles import POOLING_NONE, ModelProfile

VERBOSE = False
LATE_CONTEXT = 2048  # tokens of a document (window) embedded at once
MAX_CHUNKS = 64  # chunks pooled from one window
FAMILIES = frozenset({"embeddinggemma"})  # mean-pooled families measured with late chunking


class LateChunker:
    """Chunk vectors of whole documents, with the model file of an embedder (a context of its own)."""

    def __init__(self, path: Path, profile: ModelProfile, threads: int = 2, context: int = LATE_CONTEXT) -> None:
        if profile.family not in FAMILIES:
            raise ModelError(f"late chunking is not available for the {profile.family} family of embedding models")
        self.lib = load_llama_cpp()
        self.profile = profile
        self.context = context
        self._thread = ModelThread(f"{path.stem}-late")  # every llama.cpp call on one thread (see ModelThread)
        try:
            self._llama = self._thread.run(self._load, path, threads)
        except BaseException:
            self._thread.close()
            raise
        self.dim = (
            int(self.lib.llama_model_n_embd_out(self._llama.model))
            if hasattr(self.lib, "llama_model_n_embd_out")
            else int(self._llama.n_embd())
        )
        meta = {str(k): str(v) for k, v in self._llama.metadata.items()}
        self._bos = self._llama.token_bos()
        self._eos = self._llama.token_eos() if meta.get("tokenizer.ggml.add_eos_token") == "true" else -1

    def _load(self, path: Path, threads: int) -> Any:
        context = self.context
        try:
            return self.lib.Llama(
                str(path),
                embedding=True,
                n_ctx=context,
                n_batch=context,
                n_ubatch=context,
                n_threads=threads,
                n_threads_batch=threads,
                pooling_type=POOLING_NONE,
                flash_attn=True,
                verbose=VERBOSE,
            )
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"{path} could not be loaded for late chunking ({exc})") from exc

    def _tokens(self, text: str) -> list[int]:
        return list(self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def embed(self, text: str, spans: Sequence[tuple[int, int]], title: str = "") -> Vectors:
        """One L2-normalised vector per ``(start, end)`` span of ``text`` (character offsets), in order."""
        if not spans:
            return np.zeros((0, self.dim), dtype=np.float32)
        text = text.rstrip()
        lead = len(text) - len(text.lstrip())
        prompt = self.profile.document("\x00", title.strip())
        prefix_text, suffix_text = prompt.split("\x00", 1)
        # a space ends the prompt ("… | text: "): it goes with the first word, as when the whole string is tokenised
        spaces = len(prefix_text) - len(prefix_text.rstrip())
        prefix = [self._bos, *self._tokens(prefix_text.rstrip())]
        suffix = [*self._tokens(suffix_text), *([self._eos] if self._eos >= 0 else [])]
        # the text cut at every span boundary: each piece is tokenised alone and belongs to the spans that cover it;
        # the blanks before a cut go with the next piece ("▁word", as in the whole string)
        bounds = {lead, len(text)} | {min(max(a, lead), len(text)) for a, _ in spans}
        bounds |= {min(max(b, lead), len(text)) for _, b in spans}
        cuts = sorted(bounds)
        pieces: list[tuple[int, int, list[int]]] = []
        for a, b in itertools.pairwise(cuts):
            start = a
            while start > lead and text[start - 1] in " \t":
                start -= 1
            stop = b
            while stop > a and text[stop - 1] in " \t" and b != len(text):
                stop -= 1
            piece = (" " * spaces if a == lead else "") + text[start:stop]
            pieces.append((a, b, self._tokens(piece) if piece.strip() else []))
        room = self.context - len(prefix) - len(suffix)
        vectors = np.zeros((len(spans), self.dim), dtype=np.float32)
        self.last_whole = np.zeros(self.dim, dtype=np.float32)
        for window in _windows(spans, pieces, room):
            self.last_whole = self._embed_window(window, spans, pieces, prefix, suffix, vectors)
        return vectors

    def _embed_window(
        self,
        window: list[int],
        spans: Sequence[tuple[int, int]],
        pieces: list[tuple[int, int, list[int]]],
        prefix: list[int],
        suffix: list[int],
        out: npt.NDArray[np.float32],
    ) -> npt.NDArray[np.float32]:
        """Fill ``out`` for the chunks of ``window``; returns the window's own (whole) vector."""
        start = min(spans[i][0] for i in window)
        end = max(spans[i][1] for i in window)
        body: list[int] = []
        owners: list[tuple[int, ...]] = []  # for each body token, the window's chunks holding it
        for a, b, tokens in pieces:
            if a < start or b > end:
                continue
            holders = tuple(k for k, i in enumerate(window) if spans[i][0] <= a and b <= spans[i][1])
            body += tokens
            owners += [holders] * len(tokens)
        room = self.context - len(prefix) - len(suffix)
        body, owners = body[:room], owners[:room]  # a single chunk longer than the context: cut
        states = self._states([*prefix, *body, *suffix])
        shared = np.concatenate([states[: len(prefix)], states[len(prefix) + len(body) :]])
        for k, i in enumerate(window):
            mine = [len(prefix) + j for j, holders in enumerate(owners) if k in holders]
            pooled = (shared.sum(axis=0) + states[mine].sum(axis=0)) / (len(shared) + len(mine))
            out[i] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
        whole = states.mean(axis=0)
        return np.asarray(whole / max(float(np.linalg.norm(whole)), 1e-12), dtype=np.float32)

    def _states(self, tokens: list[int]) -> npt.NDArray[np.float32]:
        """Every token's output for ``tokens`` embedded as one sequence (n_tokens × dim)."""
        lib = self.lib
        batch = lib.llama_batch_init(len(tokens), 0, 1)
        try:
            for i, token in enumerate(tokens):
                batch.token[i] = token
                batch.pos[i] = i
                batch.n_seq_id[i] = 1
                batch.seq_id[i][0] = 0
                batch.logits[i] = True
            batch.n_tokens = len(tokens)
            return self._thread.run(self._decode, batch, len(tokens))
        finally:
            lib.llama_batch_free(batch)

    def _decode(self, batch: Any, n_tokens: int) -> npt.NDArray[np.float32]:
        """On the model's thread (one call at a time): decode, and copy the states out before the next call."""
        lib = self.lib
        if lib.llama_decode(self._llama.ctx, batch) != 0:
            raise ModelError("late chunking: the model could not embed a document window")
        pointer = lib.llama_get_embeddings(self._llama.ctx)
        states: npt.NDArray[np.float32] = np.ctypeslib.as_array(pointer, shape=(n_tokens, self.dim))
        return np.array(states, dtype=np.float32)

    def embed_document(self, text: str, title: str = "") -> npt.NDArray[np.float32]:
        """The whole text as one chunk (its vector equals the plain embedding of the text: checked by a test)."""
        vector: npt.NDArray[np.float32] = self.embed(text, [(0, len(text))], title)[0]
        return vector

    def close(self) -> None:
        try:
            self._thread.run(self._llama.close)
        finally:
            self._thread.close()


def _windows(spans: Sequence[tuple[int, int]], pieces: list[tuple[int, int, list[int]]], room: int) -> list[list[int]]:
    """Consecutive chunks grouped so that each group's text fits ``room`` tokens (a chunk is never split)."""
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    counts = [(a, b, len(tokens)) for a, b, tokens in pieces]

    def size(start: int, end: int) -> int:
        return sum(n for a, b, n in counts if start <= a and b <= end)

    windows: list[list[int]] = []
    for i in order:
        if windows:
            current = windows[-1]
            start = spans[current[0]][0]
            end = max(spans[j][1] for j in [*current, i])
            if len(current) < MAX_CHUNKS and size(start, end) <= room:
                current.append(i)
                continue
        windows.append([i])
    return windows
