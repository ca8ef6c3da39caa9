"""The embedding models the set-up provisions, and how the app picks one."""

from __future__ import annotations

import functools
from collections.abc import Collection
from pathlib import Path

from arbiter_desktop.config import paths

# EmbeddingGemma-300M is provisioned twice, from the same original weights: each weight type is the faster one on
# some processors, and their retrieval quality is the same within 0.005 nDCG@10 on the dev sets (README).
GEMMA_BF16 = "embeddinggemma-300m-bf16.gguf"  # ~620 MiB; AVX-512 BF16 dot products where the processor has them
GEMMA_Q8_0 = "embeddinggemma-300m-q8_0.gguf"  # ~320 MiB; 8-bit blocks: faster wherever BF16 is only emulated
LIGHT_EMBEDDER = "multilingual-e5-small-q4_0.gguf"  # 4x faster, ~70 MiB; for low-end machines and the tests

# The processor flag (Linux /proc/cpuinfo) with which llama.cpp multiplies BF16 weights natively.
BF16_FLAG = "avx512_bf16"
# ... and the one with which it multiplies 8-bit blocks in AMX tiles (Intel Xeon, Sapphire Rapids and later).
AMX_INT8_FLAG = "amx_int8"


@functools.cache
def cpu_flags() -> frozenset[str]:
    """This processor's feature flags, as Linux lists them (empty when they cannot be read)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            for line in info:
                if line.startswith("flags"):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def gemma_for(flags: Collection[str]) -> str:
    """The EmbeddingGemma file that runs fastest on a processor with ``flags``: BF16 where it has AVX-512 BF16
    (llama.cpp's fastest kernel there) but no AMX, Q8_0 everywhere else: BF16 converted to float32 costs more than
    8-bit blocks (1.24x the chunks/s and 0.75x the query time on an AVX2 processor), and AMX multiplies 8-bit blocks
    in tiles (an Intel Xeon with AMX and AVX-512 BF16, 2 threads: 2.96 against 1.30 chunks/s, a query in 31
    against 59 ms)."""
    return GEMMA_BF16 if BF16_FLAG in flags and AMX_INT8_FLAG not in flags else GEMMA_Q8_0


def preference(flags: Collection[str] | None = None) -> tuple[str, ...]:
    """The provisioned embedders, best first for this processor (or one with ``flags``)."""
    best = gemma_for(cpu_flags() if flags is None else flags)
    other = GEMMA_Q8_0 if best == GEMMA_BF16 else GEMMA_BF16
    return (best, other, LIGHT_EMBEDDER)


DEFAULT_EMBEDDER = gemma_for(cpu_flags())  # the default of this processor


def model_path(setting: str, models: Path | None = None) -> Path:
    """A model setting read as a path: absolute as it is, otherwise a name in models/."""
    candidate = Path(setting)
    return candidate if candidate.is_absolute() else (models or paths.models_dir()) / candidate


def resolve_embedder(setting: str, models: Path | None = None, flags: Collection[str] | None = None) -> Path | None:
    """The model file for the ``embedder`` setting: a name in models/, a path, or "" for the best installed on this
    processor (or one with ``flags``)."""
    folder = models or paths.models_dir()
    if setting:
        return model_path(setting, folder)
    for name in preference(flags):
        if (folder / name).exists():
            return folder / name
    return None
