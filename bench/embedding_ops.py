"""Where the embedder's forward pass spends its time, operation by operation, against llama.cpp's own kernel peak.

    .venv/bin/python -m bench.embedding_ops [--models e5,embeddinggemma] [--chunks 12] [--threads 1]
        [--json OUT]

``bench/bench_embedding.py`` gives the useful FLOP/s of a whole pass; this says where the rest of the time goes.
The app's embedder (``GgufEmbedder``, the same file, prompts and context) embeds police_dev and piaf_v1.1 chunks
with an evaluation callback set in its llama.cpp context (``cb_eval``): the scheduler then computes the graph one
node at a time and calls back after each, and the time between two calls is that node's. Each node is counted
under its operation (``ggml_op_desc``: MUL_MAT, FLASH_ATTN_EXT, RMS_NORM, GELU…), with its FLOPs where it has a
matmul's work:

* MUL_MAT: 2 · K · (elements of the result), K the shared dimension (``src[0]->ne[0]``);
* FLASH_ATTN_EXT: 4 · D · n_q · n_kv · heads (Q·Kᵀ and the weighted sum of V; the softmax is not counted).

The MUL_MAT rate is then set against ``bench/ggml_peak.py``'s "model" shape for the weight type at the same
thread count, measured in the same process: the share of the kernel's peak that the model's matmuls reach, and
the share of the pass that is not a matmul at all. Node by node, a pass takes longer than it does whole (one
graph computation per node: the "overhead" line compares the two); the shares are those of the per-node times.
Nothing here asserts on a time.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import ctypes
import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

GGML_MAX_DIMS = 4
GGML_MAX_OP_PARAMS = 64
GGML_MAX_SRC = 10


class _TensorHead(ctypes.Structure):
    """The head of ``struct ggml_tensor`` (ggml.h) up to its sources: what a FLOP count reads."""


_TensorHead._fields_ = [
    ("type", ctypes.c_int),
    ("buffer", ctypes.c_void_p),
    ("ne", ctypes.c_int64 * GGML_MAX_DIMS),
    ("nb", ctypes.c_size_t * GGML_MAX_DIMS),
    ("op", ctypes.c_int),
    ("op_params", ctypes.c_int32 * (GGML_MAX_OP_PARAMS // 4)),
    ("flags", ctypes.c_int32),
    ("src", ctypes.POINTER(_TensorHead) * GGML_MAX_SRC),
]


def node_flops(op: str, tensor: _TensorHead) -> float:
    """The matmul work of a node (0 for an operation without one)."""
    ne = tensor.ne
    if op == "MUL_MAT" and tensor.src[0]:
        return float(2.0 * tensor.src[0].contents.ne[0] * ne[0] * ne[1] * ne[2] * ne[3])
    if op == "FLASH_ATTN_EXT" and tensor.src[0] and tensor.src[1]:
        q, k = tensor.src[0].contents.ne, tensor.src[1].contents.ne
        return float(4.0 * q[0] * q[1] * q[2] * q[3] * k[1])
    return 0.0


class OpTimes:
    """Seconds, nodes and FLOPs per operation, filled by the evaluation callback."""

    def __init__(self, op_desc: Callable[[int], bytes]) -> None:
        self.op_desc = op_desc
        self.seconds: dict[str, float] = {}
        self.nodes: dict[str, int] = {}
        self.flops: dict[str, float] = {}
        self.last = 0.0
        self.recording = False

    def callback(self, tensor: int, ask: bool, _user: int) -> bool:
        if ask:
            return True  # every node: the scheduler computes them one at a time and calls back after each
        now = time.perf_counter()
        if self.recording:
            op = self.op_desc(tensor).decode()
            head = ctypes.cast(tensor, ctypes.POINTER(_TensorHead)).contents
            self.seconds[op] = self.seconds.get(op, 0.0) + now - self.last
            self.nodes[op] = self.nodes.get(op, 0) + 1
            self.flops[op] = self.flops.get(op, 0.0) + node_flops(op, head)
        self.last = time.perf_counter()
        return True

    def start_pass(self) -> None:
        self.last = time.perf_counter()


@contextmanager
def eval_callback(times: OpTimes) -> Iterator[Any]:
    """llama.cpp contexts created inside get ``times.callback`` as their evaluation callback."""
    import llama_cpp

    lib = llama_cpp.llama_cpp
    c_callback = lib.ggml_backend_sched_eval_callback(times.callback)
    original = lib.llama_context_default_params

    def with_callback() -> Any:
        params = original()
        params.cb_eval = c_callback
        return params

    lib.llama_context_default_params = with_callback  # what Llama() calls when it makes its context
    try:
        yield c_callback  # the caller keeps it alive as long as the context
    finally:
        lib.llama_context_default_params = original


def op_desc_function() -> Callable[[int], bytes]:
    from arbiter_desktop.embedding.llama_backend import ensure_cpu_backend

    library = Path(ensure_cpu_backend().library_dir) / "libggml-base.so.0"
    base = ctypes.CDLL(str(library))
    base.ggml_op_desc.argtypes = [ctypes.c_void_p]
    base.ggml_op_desc.restype = ctypes.c_char_p
    op_desc: Callable[[int], bytes] = base.ggml_op_desc
    return op_desc


def measure_model(gguf: Path, texts: Sequence[str], titles: Sequence[str], threads: int) -> dict[str, Any]:
    """Per-operation times of embedding ``texts`` with the app's embedder, and the same pass timed whole."""
    from arbiter_desktop.embedding.gguf import GgufEmbedder

    whole = GgufEmbedder(gguf, threads=threads)
    try:
        whole.embed_documents(texts[:1], titles[:1])
        started = time.perf_counter()
        whole.embed_documents(texts, titles)
        whole_s = time.perf_counter() - started
    finally:
        whole.close()
    times = OpTimes(op_desc_function())
    with eval_callback(times) as keep:
        embedder = GgufEmbedder(gguf, threads=threads)
    try:
        embedder.embed_documents(texts[:1], titles[:1])
        times.recording = True
        started = time.perf_counter()
        for text, title in zip(texts, titles, strict=True):
            times.start_pass()
            embedder.embed_documents([text], [title])
        node_s = time.perf_counter() - started
    finally:
        embedder.close()
        del keep
    total = sum(times.seconds.values())
    ops = [
        {
            "op": op,
            "nodes": times.nodes[op],
            "seconds": round(seconds, 4),
            "share": round(seconds / total, 4) if total else 0.0,
            "gflops_per_s": round(times.flops[op] / seconds / 1e9, 1) if times.flops[op] and seconds else None,
        }
        for op, seconds in sorted(times.seconds.items(), key=lambda kv: -kv[1])
    ]
    return {
        "model": gguf.name,
        "threads": threads,
        "texts": len(texts),
        "whole_pass_s": round(whole_s, 3),
        "node_by_node_s": round(node_s, 3),
        "overhead": round(node_s / whole_s, 3) if whole_s else None,
        "ops": ops,
    }


def summarise(row: dict[str, Any], kernel_gflops: float | None) -> dict[str, Any]:
    by_op = {o["op"]: o for o in row["ops"]}
    matmul = by_op.get("MUL_MAT")
    attention = by_op.get("FLASH_ATTN_EXT")
    summary: dict[str, Any] = {
        "matmul_share": matmul["share"] if matmul else 0.0,
        "attention_share": attention["share"] if attention else 0.0,
        "other_share": round(1.0 - sum(o["share"] for o in (matmul, attention) if o), 4),
        "matmul_gflops_per_s": matmul["gflops_per_s"] if matmul else None,
        "attention_gflops_per_s": attention["gflops_per_s"] if attention else None,
        "kernel_peak_gflops": kernel_gflops,
    }
    if matmul and matmul["gflops_per_s"] and kernel_gflops:
        summary["matmul_fraction_of_kernel_peak"] = round(matmul["gflops_per_s"] / kernel_gflops, 3)
    return summary


def run(models: Sequence[str], count: int, threads: Sequence[int]) -> list[dict[str, Any]]:
    from bench.bench_embedding import gguf_fields, installed, load_chunks, weight_type
    from bench.ggml_peak import measure, peak

    chunks = load_chunks(count)
    texts, titles = [c.text for c in chunks], [c.title for c in chunks]
    rows: list[dict[str, Any]] = []
    for spec in installed(models):
        kind = weight_type(gguf_fields(spec.gguf)[0])
        kernels = measure(threads, [kind])
        for t in threads:
            print(f"{spec.label}: operations at {t} thread(s)…", file=sys.stderr, flush=True)
            row = measure_model(spec.gguf, texts, titles, t)
            row["key"], row["weight_type"] = spec.key, kind
            row["summary"] = summarise(row, peak(kernels, kind, t, shape="model"))
            rows.append(row)
    return rows


def print_report(rows: Sequence[dict[str, Any]]) -> None:
    for row in rows:
        s = row["summary"]
        print(
            f"\n{row['model']} ({row['weight_type']}), {row['threads']} thread(s), {row['texts']} texts: "
            f"whole pass {row['whole_pass_s']:.2f} s, node by node {row['node_by_node_s']:.2f} s "
            f"({row['overhead']:.2f}×)"
        )
        for op in row["ops"][:10]:
            rate = f"  {op['gflops_per_s']:6.1f} GFLOP/s" if op["gflops_per_s"] else ""
            print(f"  {op['op']:<16} {op['nodes']:5d} nodes  {op['share'] * 100:5.1f} %{rate}")
        peak_text = f"{s['kernel_peak_gflops']:.1f}" if s["kernel_peak_gflops"] else "?"
        fraction = s.get("matmul_fraction_of_kernel_peak")
        print(
            f"  matmuls {s['matmul_share'] * 100:.0f} % of the time at "
            f"{fraction * 100 if fraction else float('nan'):.0f} % of the kernel's peak ({peak_text} GFLOP/s); "
            f"attention {s['attention_share'] * 100:.0f} %; everything else {s['other_share'] * 100:.0f} %"
        )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.embedding_ops", description=__doc__.split("\n")[0])
    parser.add_argument("--models", default="e5,embeddinggemma")
    parser.add_argument("--chunks", type=int, default=12)
    parser.add_argument("--threads", default="1")
    parser.add_argument("--json", type=Path)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    rows = run([m for m in args.models.split(",") if m], args.chunks, [int(t) for t in args.threads.split(",")])
    print_report(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
