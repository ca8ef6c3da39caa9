"""The air-gap scenario, run by tests/test_airgap.py under the guard of sitecustomize.py (every socket refused):

    python scenario.py CASE SOURCE [--gguf MODEL] [--reranker FOLDER]

Indexes SOURCE (extraction workers, and vectors with the GGUF model or the HashingEmbedder), searches it in
every mode (full: reranked by the cross-encoder FOLDER), then checks that the guard does refuse a connection.
Prints ``RESULT {json}`` last.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import socket
import sys
from pathlib import Path

import arbiter_desktop  # sets the offline switches of the libraries (checked below)
from arbiter_desktop import app
from arbiter_desktop.config.settings import Settings
from arbiter_desktop.domain import SearchMode, SearchRequest
from arbiter_desktop.embedding.base import HashingEmbedder


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("case")
    parser.add_argument("source")
    parser.add_argument("--gguf", default="")
    parser.add_argument("--reranker", default="")
    args = parser.parse_args()
    switches = {name: os.environ.get(name) for name in arbiter_desktop.OFFLINE_ENVIRONMENT}
    settings = Settings(workers=1, embed_threads=1, embedder=args.gguf, reranker=args.reranker)
    loaders = app.MODELS
    if not args.gguf:
        stand_in = HashingEmbedder()
        loaders = dataclasses.replace(loaders, embedder=lambda _settings: stand_in)
    modes = [SearchMode.LEXICAL, SearchMode.DENSE, SearchMode.HYBRID] + ([SearchMode.FULL] if args.reranker else [])
    hits: dict[str, list[str]] = {}
    with app.open_session(Path(args.case), create=True, overrides=vars(settings), loaders=loaders) as session:
        report = session.index([Path(args.source)])
        for mode in modes:
            result = session.search(SearchRequest("véhicule volé retrouvé", mode=mode, top=3))
            hits[mode.value] = [Path(h.doc_path).name for h in result.hits]
        reranked_by = result.reranker
        request = SearchRequest("véhicule volé retrouvé", mode=modes[-1], top=3)
        results = session.search_results(result, request)
        out = Path(args.case) / "exports"
        out.mkdir(exist_ok=True)
        exported = [Path(f.path).name for f in session.export(results, pdf=out / "a.pdf", csv=out / "a.csv")]
    try:
        socket.create_connection(("192.0.2.1", 9), timeout=1)  # TEST-NET-1: must be refused by the guard
        control = "connected"
    except OSError as exc:
        control = str(exc)
    result_line = {
        "switches": switches,
        "documents": report.documents,
        "errors": report.errors,
        "embedded": report.embedded,
        "hits": hits,
        "reranked_by": reranked_by,
        "exported": exported,
        "control": control,
        "torch_loaded": "torch" in sys.modules,
    }
    sys.stdout.write("RESULT " + json.dumps(result_line) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
