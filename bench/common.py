"""What every part of the suite shares: the machine's description, its load, memory and timing helpers.

Only the standard library here: bench_embedding's PyTorch worker runs in another venv and may import it.
"""

from __future__ import annotations

import functools
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EVALDATA = ROOT.parent / "shared" / "evaldata"
CACHE = ROOT / "bench" / ".cache"
RESULTS = ROOT / "bench" / "results"

# CPU flags that decide how fast the matmuls of the embedder (and the hamming scans) can go.
FLAGS_OF_NOTE = (
    *("sse4_2", "avx", "avx2", "fma", "f16c", "popcnt", "avx512f", "avx512bw", "avx512vl", "avx512_vnni"),
    *("avx512_bf16", "avx512_vpopcntdq", "avx_vnni", "amx_tile", "amx_int8", "amx_bf16"),
)


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def _cpuinfo(key: str) -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def cpu_name() -> str:
    return _cpuinfo("model name") or platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    """The machine the figures were measured on."""
    flags = set(_cpuinfo("flags").split())
    try:
        memory_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        memory_gb = None
    return {
        "cpu": cpu_name(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "flags_of_note": [f for f in FLAGS_OF_NOTE if f in flags],
        "flags_absent": [f for f in FLAGS_OF_NOTE if f not in flags],
        "memory_gb": memory_gb,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_average": load_average(),
    }


@dataclass
class Span:
    """A measured stretch of time: wall seconds, CPU seconds of the finished child processes, load around it."""

    wall_s: float = 0.0
    child_cpu_s: float = 0.0
    load_before: list[float] = field(default_factory=list)
    load_after: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "wall_s": round(self.wall_s, 3),
            "child_cpu_s": round(self.child_cpu_s, 3),
            "load_before": self.load_before,
            "load_after": self.load_after,
        }


@contextmanager
def measured() -> Iterator[Span]:
    """Times the block; ``child_cpu_s`` counts the CPU time (user + system) of the child processes it waited
    for (theirs and their own children's, when those were waited for in turn)."""
    span = Span(load_before=load_average())
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    try:
        yield span
    finally:
        span.wall_s = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        span.child_cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        span.load_after = load_average()


def memory_mb(pid: int | str = "self") -> dict[str, float]:
    """VmHWM (peak resident), VmRSS and its anonymous and file-backed parts, in MB, from /proc."""
    wanted = {"VmHWM": "peak_rss", "VmRSS": "rss", "RssAnon": "rss_anon", "RssFile": "rss_file"}
    found: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition(":")
            if key in wanted:
                found[wanted[key]] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        pass
    return found


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0–100) by linear interpolation, as numpy's default."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@functools.cache  # once a run: the sources do not change while the suite runs
def compile_bytecode(checkout: Path = ROOT) -> None:
    """Write the bytecode of ``checkout``'s ``arbiter_desktop`` and ``bench`` (``__pycache__``), as the offline
    bundle ships it compiled: a process the suite times then starts as it does on a workstation, instead of
    compiling every module from source. An environment with PYTHONDONTWRITEBYTECODE set (this development
    machine's) never writes it otherwise, and every process would pay about 0.3 s (the indexer) and 0.15 s (each
    extraction worker) of compiling. Sources newer than their bytecode are compiled again; nothing else changes."""
    import compileall

    for package in ("arbiter_desktop", "bench"):
        if (checkout / package).is_dir():
            compileall.compile_dir(checkout / package, quiet=1)


def python_env(**variables: str) -> dict[str, str]:
    """The environment of a Python subprocess that imports this checkout's ``arbiter_desktop`` and ``bench``,
    with their bytecode written first (:func:`compile_bytecode`)."""
    compile_bytecode()
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", **variables}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def run_python(
    args: Sequence[str], env: Mapping[str, str] | None = None, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` with this interpreter, from the checkout's root, with :func:`python_env`."""
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=dict(env or python_env()), text=True, check=False, **kwargs
    )


def git_head() -> str:
    try:
        done = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return ""
    return done.stdout.strip()


def table(rows: Sequence[Sequence[object]], header: Sequence[str], left: int = 1) -> str:
    """A plain text table: the first ``left`` columns left-aligned, the others right-aligned."""
    cells = [[str(c) for c in header], *[[_cell(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = []
    for n, row in enumerate(cells):
        parts = [c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
