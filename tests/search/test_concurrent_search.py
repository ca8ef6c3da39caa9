"""Searching without pause while an indexer process commits generation after generation: no error, and no torn
or stale read. Every hit's passage is the text of one recorded version of its file, at the offset it states;
no document appears twice or goes missing while it is being replaced; what has been seen never goes backwards.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
from pathlib import Path

from support import driver_command, python_env, write

from arbiter_desktop.domain import SearchMode, SearchRequest, SearchResult
from arbiter_desktop.embedding.base import HashingEmbedder
from arbiter_desktop.search.engine import SearchEngine
from arbiter_desktop.search.expansion import Lexicon
from arbiter_desktop.stores.case import Case

FILES = 40
REPLACED = 15  # files rewritten between the two indexing runs
SETTINGS = {"workers": 1, "batch_files": 2, "embed_batch": 4, "embed_save_s": 0.0}
COMMON = "dossier"  # a word of every version of every file


def _text(i: int, version: int) -> str:
    facts = [
        f"Pièce {i} du dossier, version {version}.",
        f"Le témoin numéro {i} a reconnu le véhicule vers {10 + version} heures.",
        f"Les enquêteurs ont saisi {i + version} téléphones lors de la perquisition numéro {i}.",
    ]
    return " ".join(facts * (3 + i % 4))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Watcher:
    """Runs searches and checks each result against every version of every file written so far."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.engine = SearchEngine(case, HashingEmbedder(), Lexicon())
        self.versions: dict[str, dict[str, str]] = {}  # path → sha256 → text
        self.searches = 0
        self.generations: set[int] = set()
        self._generation = 0
        self._chunks = 0
        self._documents = 0

    def record(self, path: Path, text: str) -> None:
        self.versions.setdefault(str(path), {})[_sha(text)] = text

    def search(self, query: str, mode: SearchMode, growing: bool) -> SearchResult:
        result = self.engine.search(SearchRequest(query=query, mode=mode, top=FILES + 10))
        self.searches += 1
        paths = [h.doc_path for h in result.hits]
        assert len(paths) == len(set(paths)), f"a document appears twice: {paths}"
        for hit in result.hits:
            text = self.versions[hit.doc_path].get(hit.sha256)
            assert text is not None, f"{hit.doc_path}: a version that was never written"
            assert text[hit.passage_start : hit.passage_start + len(hit.passage)] == hit.passage, hit.doc_path
            if mode is SearchMode.LEXICAL:
                assert hit.highlights, f"{hit.doc_path}: a lexical hit without a match"
        generation = self.case.catalog.generation()
        assert generation >= self._generation, "the generation went backwards"
        self._generation = generation
        self.generations.add(generation)
        if growing:  # only documents are added: nothing seen may disappear
            assert result.coverage.chunks >= self._chunks, "the chunk count went backwards"
            self._chunks = result.coverage.chunks
            if mode is SearchMode.LEXICAL and query == COMMON:
                assert len(result.hits) >= self._documents, "a document went missing"
                self._documents = len(result.hits)
        return result


def _index_while_searching(watcher: Watcher, case_dir: Path, src: Path, growing: bool) -> None:
    process = subprocess.Popen(
        driver_command(case_dir, src, options=("--hashing",)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=python_env(),
    )
    queries = [(COMMON, SearchMode.LEXICAL), ("véhicule témoin", SearchMode.HYBRID), ("téléphones", SearchMode.DENSE)]
    try:
        while process.poll() is None:
            for query, mode in queries:
                result = watcher.search(query, mode, growing)
                if not growing and query == COMMON:  # every file is indexed in one version or the other
                    assert len(result.hits) == FILES, f"{len(result.hits)} of {FILES} documents visible"
            time.sleep(0.01)  # leave the indexer some of the two cores
    finally:
        out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-3000:]
    assert json.loads(out.rsplit("RESULT ", 1)[1])["errors"] == 0


def test_searching_while_the_indexer_commits(tmp_path: Path) -> None:
    src, case_dir = tmp_path / "src", tmp_path / "case"
    Case.open(case_dir, create=True).close()
    (case_dir / "settings.json").write_text(json.dumps(SETTINGS))
    case = Case.open(case_dir)
    watcher = Watcher(case)
    try:
        for i in range(FILES):
            watcher.record(write(src, f"piece_{i:02d}.txt", _text(i, 1)), _text(i, 1))
        _index_while_searching(watcher, case_dir, src, growing=True)
        first = watcher.searches, len(watcher.generations)

        for i in range(REPLACED):
            watcher.record(write(src, f"piece_{i:02d}.txt", _text(i, 2)), _text(i, 2))
        _index_while_searching(watcher, case_dir, src, growing=False)

        final = watcher.search(COMMON, SearchMode.LEXICAL, growing=False)
        assert len(final.hits) == FILES
        for hit in final.hits:  # once the indexer is done, nothing stale
            index = int(Path(hit.doc_path).stem.split("_")[1])
            assert hit.sha256 == _sha(_text(index, 2 if index < REPLACED else 1))
        assert final.coverage.embedded == final.coverage.chunks
    finally:
        case.close()
    print(
        f"\nconcurrent search: {watcher.searches} searches over {len(watcher.generations)} generations "
        f"({first[0]} searches, {first[1]} generations while the case grew)"
    )
    assert first[1] >= 5 and len(watcher.generations) >= 10  # the searches did run across many commits
