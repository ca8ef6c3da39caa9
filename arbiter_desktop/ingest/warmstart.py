"""Starting extraction workers fast: on Linux they are forked from a fork server that has imported what every
worker needs once (the parsers, the chunker, the text analysis). Nothing heavy is imported here, so that an
indexing process can start the server first thing and let it boot on another core while it opens the case."""

from __future__ import annotations

import multiprocessing
from typing import Any

PRELOAD = (
    "arbiter_desktop.ingest.workers",
    "arbiter_desktop.chunking.chunker",
    "arbiter_desktop.chunking.derived",
    "arbiter_desktop.ingest.extractors",
)


def context() -> Any:
    """The multiprocessing context extraction workers start with: ``forkserver`` where the platform has it (the
    server is a fresh interpreter: no thread or open index of the indexer is inherited), else ``spawn``."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(list(PRELOAD))
    return ctx


def start_early() -> None:
    """Boot the fork server now (it imports PRELOAD in its own process) instead of when the first worker starts."""
    ctx = context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def stop() -> None:
    """Stop the fork server (if this process started one) and wait for it: its workers' CPU time is then counted
    in this process's children, as spawned workers' is, and no server outlives the command."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    from multiprocessing import forkserver

    stop_server = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)  # CPython's own, since 3.8
    if callable(stop_server):
        stop_server()
