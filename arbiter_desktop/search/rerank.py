"""Rerank the head of a result list: score each (query, passage) pair with a cross-encoder.

Two backends give the same kind of score (the model's raw relevance output, higher = more relevant):

- ``CrossEncoderReranker``: a sentence-transformers ``CrossEncoder`` folder run by PyTorch (optional packages:
  ``torch==2.13.0`` and ``sentence-transformers==5.1.2``); the reference for a model's scores.
- ``GgufReranker``: a GGUF run by llama-cpp-python with RANK pooling, one pair per decode; no PyTorch needed,
  so it is the one the packaged app can run.

A BERT cross-encoder converted by llama.cpp's stock converter is not faithful: the converter drops BERT's
pooler (``classifier(tanh(pooler(cls)))`` becomes ``classifier(cls)``) and llama.cpp adds the first segment
embedding to every token, where PyTorch gives the passage the second one. XLM-RoBERTa rerankers (bge-reranker)
have neither problem.

Only this package and ``embedding/`` import llama_cpp or sentence-transformers, and only when a reranker is
opened: the offline switches of the Hugging Face libraries are set before, so nothing is ever downloaded.
"""

from __future__ import annotations

import importlib
import json
import logging
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from arbiter_desktop import set_offline
from arbiter_desktop.embedding.gguf import ModelError, file_sha256, load_llama_cpp
from arbiter_desktop.embedding.gguf_header import RERANK_TEMPLATE_KEY, GgufHeader, read_gguf_header
from arbiter_desktop.embedding.model_thread import ModelThread
from arbiter_desktop.embedding.profiles import POOLING_RANK

log = logging.getLogger(__name__)

RerankerKind = Literal["cross-encoder", "gguf"]

MAX_TOKENS = 512  # per (query, passage) pair: passages are ~400-token chunks; the rest is truncated
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
INSTALL_HINT = (
    "install PyTorch and sentence-transformers in the app's venv (`pip install torch==2.13.0 "
    "sentence-transformers==5.1.2`), or use a GGUF reranker"
)
BUNDLE_HINT = (
    "this offline bundle was built without PyTorch: use a GGUF reranker, or install the bundle's full variant "
    "(built with `make installer VARIANT=full`)"
)
TEMPLATE_FIELD = re.compile(r"(\{query\}|\{document\})")

Tokenize = Callable[[str, bool], list[int]]  # (text, parse special tokens) -> token ids, no BOS/EOS added


@dataclass(frozen=True, slots=True)
class RerankerIdentity:
    """Which model scored a result set (shown in exports beside the embedding model)."""

    name: str
    kind: RerankerKind
    sha256: str  # of the weights file
    path: str


class Reranker(Protocol):
    identity: RerankerIdentity

    def score(self, query: str, passages: Sequence[str]) -> list[float]:
        """One relevance score per passage, in the passages' order; higher is more relevant."""
        ...

    def close(self) -> None: ...


# --- discovery -------------------------------------------------------------------------------------------


def find_reranker(models: Path) -> Path | None:
    """The reranker installed in ``models``: a reranker GGUF first (it runs without PyTorch), else a
    cross-encoder folder; by name within each kind. Embedding models are never returned."""
    try:
        entries = sorted(p for p in models.iterdir() if not p.name.startswith("."))  # skips temporary files
    except OSError:  # absent or unreadable
        return None
    for path in entries:
        if path.suffix == ".gguf" and path.is_file() and is_gguf_reranker(path):
            return path
    for path in entries:
        if path.is_dir() and is_cross_encoder_folder(path):
            return path
    return None


def open_reranker(path: Path, threads: int = 2) -> Reranker:
    """The backend for what ``find_reranker`` returned: a folder is a cross-encoder, a file a GGUF."""
    if path.is_dir():
        return CrossEncoderReranker(path, threads)
    if path.suffix == ".gguf":
        return GgufReranker(path, threads)
    raise ModelError(f"{path} is neither a cross-encoder folder nor a GGUF reranker")


def is_cross_encoder_folder(folder: Path) -> bool:
    """A transformers folder with a single-score sequence classification head and its weights."""
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(config, dict):
        return False
    architectures = config.get("architectures") or []
    classifier = any(str(a).endswith("ForSequenceClassification") for a in architectures)
    labels = config.get("num_labels", len(config.get("id2label") or {}) or 2)  # transformers' default is 2
    return classifier and labels == 1 and weights_file(folder) is not None


def weights_file(folder: Path) -> Path | None:
    return next((folder / name for name in WEIGHT_FILES if (folder / name).is_file()), None)


def is_gguf_reranker(path: Path) -> bool:
    """Whether a GGUF's header says it ranks pairs (RANK pooling, a rerank prompt, a classification head)."""
    try:
        header = read_gguf_header(path)
    except ModelError:
        return False
    return header.is_reranker


# --- the cross-encoder backend ---------------------------------------------------------------------------


def import_torch_stack() -> tuple[Any, Any]:
    """``torch`` and ``sentence_transformers``, imported offline, or a ModelError that says what to install."""
    set_offline(force=True)  # must run before the Hugging Face libraries are imported
    try:
        torch = importlib.import_module("torch")
        sentence_transformers = importlib.import_module("sentence_transformers")
    except ImportError as exc:
        hint = BUNDLE_HINT if getattr(sys, "frozen", False) else INSTALL_HINT
        message = f"a cross-encoder reranker needs PyTorch and sentence-transformers ({exc}): {hint}"
        raise ModelError(message) from exc
    return torch, sentence_transformers


class CrossEncoderReranker:
    """A sentence-transformers cross-encoder folder, loaded from local files only, scored on CPU in batches."""

    def __init__(self, folder: Path, threads: int = 2, batch_size: int = 16) -> None:
        weights = weights_file(folder)
        if not (folder / "config.json").is_file() or weights is None:
            raise ModelError(f"{folder} is not a cross-encoder folder (config.json and model weights expected)")
        torch, sentence_transformers = import_torch_stack()
        torch.set_num_threads(max(1, threads))
        self._batch_size = batch_size
        try:
            self._model: Any = sentence_transformers.CrossEncoder(
                str(folder),
                device="cpu",
                local_files_only=True,
                activation_fn=torch.nn.Identity(),  # raw scores, like llama.cpp's RANK output
            )
        except Exception as exc:  # transformers and safetensors raise many kinds of errors on a damaged folder
            raise ModelError(f"{folder} could not be loaded as a cross-encoder ({exc})") from exc
        if self._model.config.num_labels != 1:
            raise ModelError(f"{folder} gives {self._model.config.num_labels} scores per pair, not one relevance")
        self._model.max_length = min(int(self._model.max_length), MAX_TOKENS)
        self.identity = RerankerIdentity(folder.name, "cross-encoder", file_sha256(weights), str(folder))

    def score(self, query: str, passages: Sequence[str]) -> list[float]:
        if not passages:
            return []
        if self._model is None:
            raise ModelError("the reranker is closed")
        pairs = [(query, passage) for passage in passages]
        scores = self._model.predict(pairs, batch_size=self._batch_size, show_progress_bar=False)
        return [float(s) for s in scores]

    def close(self) -> None:
        self._model = None


# --- the GGUF backend ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairFormat:
    """How llama.cpp lays a (query, passage) pair out in tokens when the GGUF has no rerank prompt:
    ``head + query + middle + passage + tail`` (BERT: [CLS] q [SEP] d [SEP]; XLM-R: <s> q </s></s> d </s>)."""

    head: tuple[int, ...]
    middle: tuple[int, ...]
    tail: tuple[int, ...]

    def tokens(self, query: Sequence[int], passage: Sequence[int], limit: int) -> list[int]:
        budget = max(2, limit - len(self.head) - len(self.middle) - len(self.tail))
        q, d = longest_first(len(query), len(passage), budget)
        return [*self.head, *query[:q], *self.middle, *passage[:d], *self.tail]


def longest_first(n_query: int, n_passage: int, budget: int) -> tuple[int, int]:
    """How many query and passage tokens to keep: the longer one is cut first (transformers' default)."""
    if n_query + n_passage <= budget:
        return n_query, n_passage
    keep_query = min(n_query, max(budget // 2, budget - n_passage))
    return keep_query, budget - keep_query


@dataclass(frozen=True, slots=True)
class RerankTemplate:
    """A GGUF's own rerank prompt (``tokenizer.chat_template.rerank``, e.g. Qwen3-Reranker's), cut at its
    ``{query}`` and ``{document}`` fields. The prompt's own text is tokenized with special tokens; the
    user's text never is, so a passage that contains "<|im_end|>" cannot break out of the prompt."""

    parts: tuple[str, ...]  # literal text and the two field names, in order

    @classmethod
    def parse(cls, template: str) -> RerankTemplate:
        return cls(tuple(p for p in TEMPLATE_FIELD.split(template) if p))

    def tokens(self, tokenize: Tokenize, query: str, passage: str, limit: int) -> list[int]:
        pieces = list(self._pieces(query, passage))
        encoded = [tokenize(text, literal) for text, literal in pieces]
        fields = [i for i, (_, literal) in enumerate(pieces) if not literal]
        budget = max(2, limit - sum(len(e) for i, e in enumerate(encoded) if i not in fields))
        if len(fields) == 2:
            first, second = fields
            keep = longest_first(len(encoded[first]), len(encoded[second]), budget)
            encoded[first], encoded[second] = encoded[first][: keep[0]], encoded[second][: keep[1]]
        elif fields:
            encoded[fields[0]] = encoded[fields[0]][:budget]
        return [token for piece in encoded for token in piece]

    def _pieces(self, query: str, passage: str) -> Iterator[tuple[str, bool]]:
        """(text, is literal) pieces; a space that ends a literal before a field moves into the field, as
        BPE vocabularies attach the space to the next word."""
        values = {"{query}": query, "{document}": passage}
        pending = ""
        for part in self.parts:
            if part in values:
                yield pending + values[part], False
                pending = ""
                continue
            literal = part
            if literal.endswith(" "):
                literal, pending = literal[:-1], " "
            if literal:
                yield literal, True
        if pending:
            yield pending, True


class GgufReranker:
    """A reranker GGUF run by llama-cpp-python with RANK pooling: the score is the first value that the
    classification head gives for the pair (Qwen3-Reranker: the probability of "yes")."""

    def __init__(self, path: Path, threads: int = 2, n_ctx: int = MAX_TOKENS) -> None:
        if not path.is_file():
            raise ModelError(f"reranker model not found: {path}")
        header = read_gguf_header(path)
        if not header.is_reranker:
            raise ModelError(f"{path} is not a reranker (an embedding model?): its GGUF metadata says no ranking")
        warn_if_unfaithful(path, header)
        self._lib = load_llama_cpp()
        context = int(header.metadata.get(f"{header.arch}.context_length") or n_ctx)
        self.n_ctx = max(64, min(n_ctx, context))
        self._thread = ModelThread(path.stem)  # every llama.cpp call on one thread (see ModelThread)
        try:
            self._llama: Any = self._thread.run(self._load, path, threads)
        except BaseException:
            self._thread.close()
            raise
        template = header.metadata.get(RERANK_TEMPLATE_KEY)
        self._template = RerankTemplate.parse(template) if isinstance(template, str) else None
        self._format = self._pair_format()
        self._batch: Any = self._lib.llama_batch_init(self.n_ctx, 0, 1)
        name = str(header.metadata.get("general.name") or path.stem)
        self.identity = RerankerIdentity(name, "gguf", file_sha256(path), str(path))

    def _load(self, path: Path, threads: int) -> Any:
        try:
            return self._lib.Llama(
                str(path),
                embedding=True,
                pooling_type=POOLING_RANK,
                n_ctx=self.n_ctx,
                n_batch=self.n_ctx,
                n_ubatch=self.n_ctx,  # a non-causal model needs the whole pair in one micro-batch
                n_threads=max(1, threads),
                n_threads_batch=max(1, threads),
                verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"{path} could not be loaded as a reranker ({exc})") from exc

    def _tokenize(self, text: str, special: bool) -> list[int]:
        return list(self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=special))

    def _pair_format(self) -> PairFormat:
        """llama.cpp's layout: the vocabulary's own wrapping of one text around ``query + middle + passage``,
        where the middle is EOS (or SEP when there is no EOS) if the vocabulary adds EOS, then SEP if it adds
        SEP (tools/server ``format_prompt_rerank``)."""
        lib = self._lib
        vocab = lib.llama_model_get_vocab(self._llama.model)
        eos, sep = int(lib.llama_vocab_eos(vocab)), int(lib.llama_vocab_sep(vocab))
        middle: list[int] = []
        if lib.llama_vocab_get_add_eos(vocab) and max(eos, sep) >= 0:
            middle.append(eos if eos >= 0 else sep)
        if lib.llama_vocab_get_add_sep(vocab) and sep >= 0:
            middle.append(sep)
        probe = "a"
        bare = self._tokenize(probe, False)
        wrapped = list(self._llama.tokenize(probe.encode("utf-8"), add_bos=True, special=False))
        start = next((i for i in range(len(wrapped)) if wrapped[i : i + len(bare)] == bare), 0)
        return PairFormat(tuple(wrapped[:start]), tuple(middle), tuple(wrapped[start + len(bare) :]))

    def tokens(self, query: str, passage: str) -> list[int]:
        """The token ids that the model reads for one pair (at most ``n_ctx``)."""
        if self._template is not None:
            return self._template.tokens(self._tokenize, query, passage, self.n_ctx)
        q, d = self._tokenize(query, False), self._tokenize(passage, False)
        return self._format.tokens(q, d, self.n_ctx)

    def score(self, query: str, passages: Sequence[str]) -> list[float]:
        if passages and self._llama is None:
            raise ModelError("the reranker is closed")
        # One pair per decode: llama.cpp masks attention over the whole batch, so packing pairs costs more.
        return [self._thread.run(self._decode, self.tokens(query, passage)) for passage in passages]

    def _decode(self, tokens: Sequence[int]) -> float:
        lib, batch, ctx = self._lib, self._batch, self._llama.ctx
        batch.n_tokens = len(tokens)
        for i, token in enumerate(tokens):
            batch.token[i], batch.pos[i], batch.n_seq_id[i], batch.logits[i] = token, i, 1, True
            batch.seq_id[i][0] = 0
        memory = lib.llama_get_memory(ctx)
        if memory:  # causal rerankers (Qwen3) keep a KV cache: start every pair afresh
            lib.llama_memory_clear(memory, True)
        code = int(lib.llama_decode(ctx, batch))
        if code != 0:
            raise ModelError(f"{self.identity.path}: llama_decode failed ({code})")
        values = lib.llama_get_embeddings_seq(ctx, 0)
        if not values:
            raise ModelError(f"{self.identity.path}: no rank output (is it a reranker?)")
        return float(values[0])

    def close(self) -> None:
        if self._llama is None:
            return
        self._lib.llama_batch_free(self._batch)
        try:
            self._thread.run(self._llama.close)
        finally:
            self._llama = None
            self._thread.close()


def warn_if_unfaithful(path: Path, header: GgufHeader) -> None:
    """A BERT classifier converted without its pooler scores on another scale than the original model."""
    if header.arch == "bert" and "cls.output.weight" in header.tensors and "cls.weight" not in header.tensors:
        log.warning(
            "%s: BERT cross-encoder converted without its pooler (llama.cpp's converter drops it): scores are "
            "on another scale than the original model's and the order can differ slightly",
            path.name,
        )
