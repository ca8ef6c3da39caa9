"""llama.cpp's CPU code, chosen for the processor the app runs on.

The set-up builds llama.cpp with every x86-64 CPU variant as a separate library (``libggml-cpu-haswell.so``,
``-skylakex``, ``-zen4``… next to ``libllama.so``; installer/llama_runtime.py). One build runs on any x86-64
processor, yet uses AVX-512 and VNNI where they exist: a single portable build has to stop at AVX2. llama.cpp
registers such libraries only from the executable's folder or the working directory, so they are registered here,
from llama_cpp's own library folder, before the first model is loaded; llama.cpp scores every variant against the
processor and keeps the best one. A build with the CPU code inside libggml (no variants) needs nothing.

``ARBITER_LLAMA_VARIANT`` (an environment variable: "haswell", "icelake"…) loads that variant instead of the best
one: the way round a variant that fails on some processor (llama.cpp's AMX kernels killed the process with
"Illegal instruction" before the set-up patched them) until the application is updated.
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

CPU_VARIANT_PREFIX = "libggml-cpu-"
# libllama.so links libggml by this soname; opening it by name returns the instance already mapped (the wheel also
# holds libggml.so and libggml.so.0.x.y as separate files: opening one of those would map a second libggml with a
# registry of its own, which llama.cpp would never see).
LIBGGML_SONAME = "libggml.so.0"
VARIANT_VARIABLE = "ARBITER_LLAMA_VARIANT"  # a variant to load instead of the best one for the processor

_lock = threading.Lock()
_state: CpuBackend | None = None


@dataclass(frozen=True)
class CpuBackend:
    """What llama.cpp computes with in this process."""

    variant: str  # "zen4", "haswell"…; "built-in" for a build without variants; "" when unknown
    library_dir: str
    available: tuple[str, ...]  # the variants the build ships

    def describe(self) -> str:
        if self.variant == "built-in":
            return "llama.cpp CPU (single build)"
        return f"llama.cpp CPU variant {self.variant or '?'} (of {len(self.available)})"


def llama_library_dir() -> Path:
    import llama_cpp

    return Path(llama_cpp.__file__).resolve().parent / "lib"


def _variants(lib_dir: Path) -> tuple[str, ...]:
    names = (p.name for p in lib_dir.glob(f"{CPU_VARIANT_PREFIX}*.so"))
    return tuple(sorted(n[len(CPU_VARIANT_PREFIX) : -len(".so")] for n in names))


def _mapped_variant() -> str:
    """The CPU variant library mapped into this process (llama.cpp unloads the variants it did not choose)."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            names = {line.rsplit("/", 1)[-1].strip() for line in maps if CPU_VARIANT_PREFIX in line}
    except OSError:
        return ""
    variants = sorted(n[len(CPU_VARIANT_PREFIX) :].split(".so")[0] for n in names)
    return ",".join(variants)


def ensure_cpu_backend() -> CpuBackend:
    """Register llama.cpp's best CPU variant once per process (before the first ``Llama(...)``)."""
    global _state
    with _lock:
        if _state is not None:
            return _state
        import llama_cpp  # noqa: F401  (maps libllama.so and, through it, libggml.so.0)

        lib_dir = llama_library_dir()
        available = _variants(lib_dir)
        if not available:
            _state = CpuBackend("built-in", str(lib_dir), ())
            return _state
        try:
            ggml = ctypes.CDLL(LIBGGML_SONAME)
        except OSError:
            ggml = ctypes.CDLL(str(lib_dir / LIBGGML_SONAME))
        ggml.ggml_backend_reg_count.restype = ctypes.c_size_t
        ggml.ggml_backend_load_all_from_path.argtypes = [ctypes.c_char_p]
        ggml.ggml_backend_load_all_from_path.restype = None
        forced = os.environ.get(VARIANT_VARIABLE, "").strip()
        if forced and forced not in available:
            raise RuntimeError(
                f"{VARIANT_VARIABLE}={forced}: this build of llama.cpp has no such CPU variant; "
                f"it has {', '.join(available)} (or leave the variable unset for the best one for this processor)"
            )
        if ggml.ggml_backend_reg_count() == 0:
            if not forced:
                ggml.ggml_backend_load_all_from_path(str(lib_dir).encode())
            else:
                ggml.ggml_backend_load.argtypes = [ctypes.c_char_p]
                ggml.ggml_backend_load.restype = ctypes.c_void_p
                if not ggml.ggml_backend_load(str(lib_dir / f"{CPU_VARIANT_PREFIX}{forced}.so").encode()):
                    raise RuntimeError(
                        f"{VARIANT_VARIABLE}={forced}: this processor cannot run that llama.cpp CPU variant; choose "
                        f"an older one ({', '.join(available)}), or leave the variable unset"
                    )
        if ggml.ggml_backend_reg_count() == 0:
            raise RuntimeError(
                f"llama.cpp found no CPU library for this processor in {lib_dir} (expected {CPU_VARIANT_PREFIX}*.so): "
                "reinstall the application, or run `make setup` again"
            )
        _state = CpuBackend(_mapped_variant(), str(lib_dir), available)
        log.info("%s", _state.describe())
        return _state
