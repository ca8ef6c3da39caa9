"""The machine's own matrix-multiply peak for the kernels llama.cpp runs, measured through llama.cpp's ggml.

    .venv/bin/python -m bench.ggml_peak [--threads 1,2] [--types f32,f16,bf16,q8_0,q4_0] [--json OUT]

Loads the same llama.cpp build and CPU variant as the app (``embedding/llama_backend.py``: ``zen4`` on an AMD EPYC
with AVX-512), then times ``ggml_mul_mat`` of a weight matrix of each type by float32 activations on the CPU
backend with T threads: the activations are converted to the kernel's input type inside the timed work (as in
a model), weights go in the buffer type the model's own weights would use (the CPU "repack" buffer, which
re-lays Q4_0 as interleaved 8×8 blocks where the processor has AVX2; the plain CPU buffer otherwise).

Two shapes per type: **peak** (2048 × 2048 weights, 512 tokens: large enough that the kernel, not the call,
decides) and **model** (EmbeddingGemma's feed-forward matrix 768 → 1152, 512 tokens). FLOP/s = 2·M·N·K / the
best of up to ``REPEATS`` timed runs after a warm-up (on a machine shared with other jobs, the best run is the
one the others disturbed least). No FLOP counts as "peak" unless measured here: the figure of a
type is what this machine's llama.cpp achieves with it, the ceiling an embedding model of that type can
approach.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import ctypes
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

TYPES = {"f32": 0, "f16": 1, "q4_0": 2, "q8_0": 8, "bf16": 30}
SHAPES = {"peak": (2048, 2048, 512), "model": (1152, 768, 512)}  # (M rows of weights, K, N tokens)
REPEATS = 20  # timed runs per figure (fewer if they pass BUDGET_S): the best one counts
BUDGET_S = 4.0
DEVICE_CPU = 0  # GGML_BACKEND_DEVICE_TYPE_CPU


class _InitParams(ctypes.Structure):
    _fields_ = [("mem_size", ctypes.c_size_t), ("mem_buffer", ctypes.c_void_p), ("no_alloc", ctypes.c_bool)]


class Ggml:
    """The few ggml calls a matmul timing needs, bound with ctypes to the libraries llama_cpp loaded."""

    def __init__(self) -> None:
        from arbiter_desktop.embedding.llama_backend import LIBGGML_SONAME, ensure_cpu_backend

        self.backend_info = ensure_cpu_backend()
        lib_dir = Path(self.backend_info.library_dir)
        try:
            self.ggml = ctypes.CDLL(LIBGGML_SONAME)
        except OSError:
            self.ggml = ctypes.CDLL(str(lib_dir / LIBGGML_SONAME))
        self.base = ctypes.CDLL(str(lib_dir / "libggml-base.so.0"))
        vp, sz, i64 = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int64
        sig = {
            (self.base, "ggml_init"): ([_InitParams], vp),
            (self.base, "ggml_free"): ([vp], None),
            (self.base, "ggml_new_tensor_2d"): ([vp, ctypes.c_int, i64, i64], vp),
            (self.base, "ggml_mul_mat"): ([vp, vp, vp], vp),
            (self.base, "ggml_new_graph"): ([vp], vp),
            (self.base, "ggml_build_forward_expand"): ([vp, vp], None),
            (self.base, "ggml_nbytes"): ([vp], sz),
            (self.base, "ggml_quantize_chunk"): ([ctypes.c_int, vp, vp, i64, i64, i64, vp], sz),
            (self.base, "ggml_backend_tensor_set"): ([vp, vp, sz, sz], None),
            (self.base, "ggml_backend_alloc_ctx_tensors_from_buft"): ([vp, vp], vp),
            (self.base, "ggml_backend_buffer_free"): ([vp], None),
            (self.base, "ggml_backend_graph_compute"): ([vp, vp], ctypes.c_int),
            (self.base, "ggml_backend_free"): ([vp], None),
            (self.base, "ggml_backend_dev_backend_reg"): ([vp], vp),
            (self.base, "ggml_backend_dev_init"): ([vp, ctypes.c_char_p], vp),
            (self.base, "ggml_backend_dev_buffer_type"): ([vp], vp),
            (self.base, "ggml_backend_reg_get_proc_address"): ([vp, ctypes.c_char_p], vp),
            (self.ggml, "ggml_backend_dev_by_type"): ([ctypes.c_int], vp),
        }
        for (lib, name), (args, res) in sig.items():
            fn = getattr(lib, name)
            fn.argtypes, fn.restype = args, res
        self.device = self.ggml.ggml_backend_dev_by_type(DEVICE_CPU)
        reg = self.base.ggml_backend_dev_backend_reg(self.device)
        address = self.base.ggml_backend_reg_get_proc_address(reg, b"ggml_backend_set_n_threads")
        self._set_threads = ctypes.CFUNCTYPE(None, vp, ctypes.c_int)(address)
        address = self.base.ggml_backend_reg_get_proc_address(reg, b"ggml_backend_dev_get_extra_bufts")
        extra = ctypes.CFUNCTYPE(ctypes.POINTER(vp), vp)(address)(self.device) if address else None
        self.extra_bufts: list[int] = []
        n = 0
        while extra is not None and extra[n]:
            self.extra_bufts.append(int(extra[n]))
            n += 1

    def matmul_gflops(self, type_name: str, m: int, k: int, n: int, threads: int, repack: bool) -> float:
        """Best GFLOP/s of W[m×k] (type) · X[k×n] (float32) over REPEATS runs."""
        b = self.base
        backend = b.ggml_backend_dev_init(self.device, None)
        self._set_threads(backend, threads)
        weights_ctx = b.ggml_init(_InitParams(1 << 20, None, True))
        work_ctx = b.ggml_init(_InitParams(1 << 20, None, True))
        buffers: list[int] = []
        try:
            w = b.ggml_new_tensor_2d(weights_ctx, TYPES[type_name], k, m)
            x = b.ggml_new_tensor_2d(work_ctx, TYPES["f32"], k, n)
            y = b.ggml_mul_mat(work_ctx, w, x)
            graph = b.ggml_new_graph(work_ctx)
            b.ggml_build_forward_expand(graph, y)
            plain = b.ggml_backend_dev_buffer_type(self.device)
            weight_buft = self.extra_bufts[0] if repack and self.extra_bufts else plain
            buffers.append(b.ggml_backend_alloc_ctx_tensors_from_buft(weights_ctx, weight_buft))
            buffers.append(b.ggml_backend_alloc_ctx_tensors_from_buft(work_ctx, plain))
            rng = np.random.default_rng(5)
            source = rng.standard_normal((m, k), dtype=np.float32) * 0.05
            data = np.zeros(b.ggml_nbytes(w), dtype=np.uint8)
            if type_name == "f32":
                data = source.view(np.uint8).reshape(-1)
            else:
                b.ggml_quantize_chunk(TYPES[type_name], source.ctypes.data, data.ctypes.data, 0, m, k, None)
            b.ggml_backend_tensor_set(w, data.ctypes.data, 0, data.nbytes)
            activations = rng.standard_normal((n, k), dtype=np.float32)
            b.ggml_backend_tensor_set(x, activations.ctypes.data, 0, activations.nbytes)
            b.ggml_backend_graph_compute(backend, graph)  # warm-up
            best = float("inf")
            began = time.perf_counter()
            for _ in range(REPEATS):
                started = time.perf_counter()
                b.ggml_backend_graph_compute(backend, graph)
                best = min(best, time.perf_counter() - started)
                if time.perf_counter() - began > BUDGET_S:
                    break
            return 2.0 * m * k * n / best / 1e9
        finally:
            for buffer in buffers:
                if buffer:
                    b.ggml_backend_buffer_free(buffer)
            b.ggml_free(weights_ctx)
            b.ggml_free(work_ctx)
            b.ggml_backend_free(backend)


def measure(threads: Sequence[int], types: Sequence[str]) -> dict[str, Any]:
    """GFLOP/s per type, shape and thread count; the repacked layout too where the CPU has one."""
    ggml = Ggml()
    rows: list[dict[str, Any]] = []
    for type_name in types:
        layouts = [False, True] if type_name == "q4_0" and ggml.extra_bufts else [False]
        for repack in layouts:
            for shape, (m, k, n) in SHAPES.items():
                for t in threads:
                    gflops = ggml.matmul_gflops(type_name, m, k, n, t, repack)
                    rows.append(
                        {
                            "type": type_name + ("_repacked" if repack else ""),
                            "shape": shape,
                            "m_k_n": [m, k, n],
                            "threads": t,
                            "gflops": round(gflops, 1),
                        }
                    )
    return {"cpu_variant": ggml.backend_info.variant, "repeats": REPEATS, "rows": rows}


def peak(figures: dict[str, Any], type_name: str, threads: int, shape: str = "peak") -> float | None:
    """The measured GFLOP/s of a type (its faster layout) at ``threads``."""
    found = [
        r["gflops"]
        for r in figures.get("rows", [])
        if r["type"].split("_repacked")[0] == type_name and r["threads"] == threads and r["shape"] == shape
    ]
    return max(found) if found else None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--types", default=",".join(TYPES))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    figures = measure([int(t) for t in args.threads.split(",")], [t for t in args.types.split(",") if t])
    print(f"llama.cpp CPU variant: {figures['cpu_variant']}")
    for row in figures["rows"]:
        m, k, n = row["m_k_n"]
        shape = f"{m}×{k}·{k}×{n}"
        print(f"{row['type']:<14} {row['shape']:<6} {shape}  {row['threads']} thr  {row['gflops']:8.1f} GFLOP/s")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
