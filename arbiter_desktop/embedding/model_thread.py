"""The one thread on which every llama.cpp call of a model runs.

libgomp keeps a pool of OpenMP threads for each thread that calls into it. Once the pools of several callers (the
thread that loaded a model, a search's, the marks', the indexer's) outnumber the cores, it stops letting any thread
wait awake at a barrier (``GOMP_SPINCOUNT``), and every barrier of a forward pass becomes a sleep and a wake-up:
a short query's embedding measured 21 ms from one caller, 40 ms from a second (EmbeddingGemma, 2 cores). A model
that runs all its computation on one thread of its own keeps one pool, whoever asks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class ModelThread:
    """Runs calls on one thread of its own, in the order they come; a call made from that thread runs at once."""

    def __init__(self, name: str) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"model-{name}")
        self._thread = self._pool.submit(threading.current_thread).result()

    def run(self, call: Callable[..., T], *args: Any) -> T:
        """``call(*args)`` on the model's thread; its exception, if any, is raised here."""
        if threading.current_thread() is self._thread:
            return call(*args)
        return self._pool.submit(call, *args).result()

    def close(self) -> None:
        """Let the calls in hand finish, then end the thread."""
        self._pool.shutdown(wait=True)
