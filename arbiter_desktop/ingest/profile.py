"""Where the time of an extraction goes: named stages timed inside a worker, for the benchmark's profile.

Stages count the CPU time of the thread (``time.thread_time``): on a machine shared with other jobs, the wall
clock of a 0.3 ms step measures the other jobs more than the step.

An extractor marks its steps with ``with stage("read"):`` / ``stage("scan")``; :func:`collect` around a file
returns the seconds of each stage (exclusive: a stage inside another is not counted twice). Outside
:func:`collect` a stage costs one check, so extractors mark their steps unconditionally.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

_current: dict[str, float] | None = None
_nested = [0.0]  # seconds spent in inner stages of the stage being timed


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the block as ``name`` (when a collection is running)."""
    stages = _current
    if stages is None:
        yield
        return
    outer_inner = _nested[0]
    _nested[0] = 0.0
    started = time.thread_time()
    try:
        yield
    finally:
        elapsed = time.thread_time() - started
        stages[name] = stages.get(name, 0.0) + elapsed - _nested[0]
        _nested[0] = outer_inner + elapsed


@contextmanager
def collect() -> Iterator[dict[str, float]]:
    """Collect the stages of the block into the dict it yields."""
    global _current
    previous, saved = _current, _nested[0]
    stages: dict[str, float] = {}
    _current, _nested[0] = stages, 0.0
    try:
        yield stages
    finally:
        _current, _nested[0] = previous, saved


def peak_rss_mb(pid: int | str = "self") -> float | None:
    """The peak resident memory of a process (VmHWM) in MB, where the system reports it (Linux)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return None


def reset_peak_rss() -> None:
    """Start a new peak for this process (Linux: ``clear_refs`` 5), so that a later phase reports its own."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        pass
