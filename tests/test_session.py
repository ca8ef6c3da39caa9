"""The open-case session: effective settings fixed at open, models loaded once (in the background when asked) and
closed once, one engine that follows the indexer's commits, the query embedding kept, sentence marks on demand."""

from __future__ import annotations

import gc
import json
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from support import write

from arbiter_desktop import app
from arbiter_desktop.config import paths
from arbiter_desktop.config.settings import Settings
from arbiter_desktop.domain import SearchMode, SearchRequest
from arbiter_desktop.embedding.base import HashingEmbedder, Vectors
from arbiter_desktop.indexing.job import JobControl
from arbiter_desktop.safetext import path_key
from arbiter_desktop.search.engine import ModeUnavailable
from arbiter_desktop.session import CaseSession, ModelLoaders, ModelSlot, collector_paused

REPORT = (
    "Le rapport commence par le contexte de l'enquête. "
    "Les policiers ont saisi des barrettes de résine de cannabis dans la cave. "
    "La suite décrit la perquisition de l'appartement."
)


class CountingEmbedder(HashingEmbedder):
    """The test embedder, counting the queries and passages it embeds and its closes."""

    def __init__(self) -> None:
        super().__init__()
        self.queries: list[str] = []
        self.documents = 0
        self.closed = 0
        self.busy: object = None

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        self.queries += list(texts)
        return HashingEmbedder.embed_documents(self, texts, [""] * len(texts))

    def embed_documents(self, texts: Sequence[str], titles: Sequence[str]) -> Vectors:
        self.documents += len(texts)
        return super().embed_documents(texts, titles)

    def close(self) -> None:
        self.closed += 1


class Loaders:
    """Stand-in loaders: one CountingEmbedder, loaded in ``delay_s``, counted."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.loads = 0
        self.loaded = threading.Event()
        self.embedder = CountingEmbedder()

    def load(self, _settings: Settings) -> CountingEmbedder:
        self.loads += 1
        time.sleep(self.delay_s)
        self.loaded.set()
        return self.embedder

    def models(self) -> ModelLoaders:
        return ModelLoaders(embedder=self.load, reranker=lambda _s: None, embedder_file=lambda _s: Path("stand-in"))


def _case(tmp_path: Path, loaders: Loaders, **overrides: object) -> CaseSession:
    return app.open_session(
        tmp_path / "case", create=True, overrides={"workers": 1, **overrides}, loaders=loaders.models()
    )


def test_settings_are_the_cases_with_the_overrides_applied_once(tmp_path: Path) -> None:
    loaders = Loaders()
    with _case(tmp_path, loaders):
        pass
    app.save_case_settings(tmp_path / "case", Settings(operator="Lt Martin", passage_chars=300))
    with _case(tmp_path, loaders, operator="Cne Durand") as session:
        assert session.settings.operator == "Cne Durand" and session.settings.passage_chars == 300
        assert session.case.settings is session.settings is session.engine.settings
        with pytest.raises(AttributeError):
            session.case.settings = Settings()  # type: ignore[misc]
    saved = json.loads((tmp_path / "case" / "settings.json").read_text(encoding="utf-8"))
    assert saved == {"operator": "Lt Martin", "passage_chars": 300}  # the override was for that session only


def test_a_damaged_settings_file_says_what_to_do(tmp_path: Path) -> None:
    with _case(tmp_path, Loaders()):
        pass
    (tmp_path / "case" / "settings.json").write_text('{"passage_chars": "long"}', encoding="utf-8")
    with pytest.raises(app.UserError, match=r"settings\.json cannot be read .* correct it, or delete it"):
        _case(tmp_path, Loaders())


def test_the_model_loads_in_the_background_once_and_is_closed_once(tmp_path: Path) -> None:
    write(tmp_path / "src", "rapport.txt", REPORT)
    first = Loaders()
    with _case(tmp_path, first) as session:
        session.index([tmp_path / "src"])
    slow = Loaders(delay_s=1.0)
    started = time.perf_counter()
    session = app.open_session(tmp_path / "case", preload=True, loaders=slow.models())
    opened = time.perf_counter() - started
    assert opened < 1.0 and not slow.loaded.is_set()  # the case opened while the model loads
    session.search(SearchRequest("saisie de cannabis", mode=SearchMode.LEXICAL), audit=False)
    assert not slow.loaded.is_set()  # full text does not wait for the model
    result = session.search(SearchRequest("saisie de cannabis", mode=SearchMode.HYBRID), audit=False)
    assert slow.loaded.is_set() and result.hits[0].scores.dense is not None
    session.search(SearchRequest("cave", mode=SearchMode.DENSE), audit=False)
    session.close()
    session.close()
    assert slow.loads == 1 and slow.embedder.closed == 1


def test_a_model_that_fails_to_load_says_so_at_each_use() -> None:
    def broken() -> CountingEmbedder:
        raise ValueError("damaged model file")

    slot: ModelSlot[CountingEmbedder] = ModelSlot("embedder", broken)
    slot.start()
    for _ in range(2):
        with pytest.raises(ValueError, match="damaged model file"):
            slot.get()
    slot.close()


def test_no_model_installed_a_search_by_meaning_says_what_to_do(tmp_path: Path) -> None:
    models = ModelLoaders(embedder=lambda _s: None, reranker=lambda _s: None, embedder_file=lambda _s: None)
    with app.open_session(tmp_path / "case", create=True, loaders=models) as session:
        assert session.embedder() is None and session.default_mode() is SearchMode.LEXICAL
        with pytest.raises(ModeUnavailable, match=r"needs an embedding model: none is installed .* run `make setup`"):
            session.search(SearchRequest("gare", mode=SearchMode.HYBRID))


def test_one_engine_follows_the_commits_and_keeps_the_query_embedding(tmp_path: Path) -> None:
    loaders = Loaders()
    write(tmp_path / "src", "a.txt", "Le véhicule stationnait devant la gare.")
    with _case(tmp_path, loaders) as session:
        session.index([tmp_path / "src"])
        engine = session.engine
        assert len(session.search(SearchRequest("gare", mode=SearchMode.HYBRID)).hits) == 1
        write(tmp_path / "src", "b.txt", "Rendez-vous à la gare à midi.")
        session.index([tmp_path / "src"])
        again = session.search(SearchRequest("gare", mode=SearchMode.DENSE))
        assert session.engine is engine and len(again.hits) == 2  # the same engine sees the new commit
        assert loaders.embedder.queries.count("gare") == 1  # embedded once for both searches


def test_marks_come_on_demand_and_stop_when_asked(tmp_path: Path) -> None:
    loaders = Loaders()
    write(tmp_path / "src", "rapport.txt", REPORT)
    with _case(tmp_path, loaders) as session:
        session.index([tmp_path / "src"])
        request = SearchRequest("barrettes de cannabis saisies", mode=SearchMode.HYBRID)
        before = loaders.embedder.documents
        result = session.search(request, marks=0)
        (hit,) = result.hits
        assert hit.semantic_highlight is None and loaders.embedder.documents == before  # no sentence embedded
        assert session.mark(request, [hit], stop=lambda: True) == [hit]  # stopped before any embedding
        (marked,) = session.mark(request, [hit])
        assert marked.semantic_highlight is not None
        start, end = marked.semantic_highlight
        assert marked.passage[start:end].startswith("Les policiers ont saisi")
        assert (marked.rank, marked.chunk_id, marked.scores) == (hit.rank, hit.chunk_id, hit.scores)
        default = session.search(request)  # the command line's way: the top hits marked before returning
        assert default.hits[0].semantic_highlight == marked.semantic_highlight


def test_a_filter_keeps_the_same_documents_by_words_and_by_meaning(tmp_path: Path) -> None:
    loaders = Loaders()
    for folder in ("scelles/2024", "scelles/2024-bis", "autres"):
        write(tmp_path / "src" / folder, "pv.txt", f"Audition au sujet du véhicule ({folder}).")
    with _case(tmp_path, loaders) as session:
        session.index([tmp_path / "src"])
        for prefix in (
            f"{tmp_path}/src/scelles/2024",
            f"{tmp_path}/src/scelles/2024/",
            f"{tmp_path}/src//scelles/./2024",
        ):
            found = {
                mode: sorted(
                    h.doc_path
                    for h in session.search(SearchRequest("véhicule", mode=mode, path_prefix=prefix), audit=False).hits
                )
                for mode in (SearchMode.LEXICAL, SearchMode.DENSE)
            }
            assert found[SearchMode.LEXICAL] == found[SearchMode.DENSE] == [f"{tmp_path}/src/scelles/2024/pv.txt"]


class HoldingEmbedder(CountingEmbedder):
    """Records how the session asks it to hold for searches."""

    def __init__(self) -> None:
        super().__init__()
        self.holds: list[bool] = []  # for each hold_while call: whether it set a condition
        self.seen: list[bool] = []  # what the condition said at each embedding

    def hold_while(self, busy: object) -> None:
        self.holds.append(busy is not None)
        self.busy = busy

    def embed_documents(self, texts: Sequence[str], titles: Sequence[str]) -> Vectors:
        if callable(self.busy):
            self.seen.append(bool(self.busy()))
        return super().embed_documents(texts, titles)


def test_indexing_holds_while_a_search_of_the_case_runs(tmp_path: Path) -> None:
    """A search raises the case's flag; an indexer of the case (here or in another process) holds meanwhile,
    between files and batches and inside the model's computation."""
    loaders = Loaders()
    loaders.embedder = HoldingEmbedder()
    write(tmp_path / "src", "a.txt", REPORT)
    with _case(tmp_path, loaders) as indexing, _case(tmp_path, Loaders()) as searching:
        control = JobControl()
        waits: list[float] = []
        control.wait_also(lambda: waits.append(time.monotonic()))
        with searching.activity.searching():
            assert indexing.activity.active()
            thread = threading.Thread(target=indexing.index, args=([tmp_path / "src"], control))
            thread.start()
            time.sleep(0.3)
            assert thread.is_alive()  # held at its first checkpoint while the search runs
        thread.join(30)
        assert loaders.embedder.holds == [True, False]  # the model held while indexing, released after
        assert loaders.embedder.seen == [False]  # not held once the search ended
        assert waits  # the caller's own waits still run


def test_the_collector_is_paused_while_a_search_runs_and_only_then(tmp_path: Path) -> None:
    seen: list[bool] = []
    with _case(tmp_path, Loaders()) as session:
        search = session.engine.search

        def spying(request: SearchRequest, passages: int | None = None) -> object:
            seen.append(gc.isenabled())
            return search(request, passages)

        session.engine.search = spying  # type: ignore[method-assign]
        assert gc.isenabled()
        session.search(SearchRequest("cannabis", mode=SearchMode.LEXICAL), audit=False)
        assert seen == [False] and gc.isenabled()
        gc.disable()  # a collector switched off by someone else stays off
        try:
            session.search(SearchRequest("cannabis", mode=SearchMode.LEXICAL), audit=False)
            assert not gc.isenabled()
        finally:
            gc.enable()


def test_the_collector_comes_back_when_the_last_of_overlapping_searches_ends() -> None:
    first_in, release = threading.Event(), threading.Event()

    def long_search() -> None:
        with collector_paused():
            first_in.set()
            release.wait(5)

    other = threading.Thread(target=long_search)
    other.start()
    assert first_in.wait(5)
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other search still runs
    release.set()
    other.join(5)
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():  # a search that fails lets it go too
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_the_default_mode_is_the_reranked_one_when_the_case_has_vectors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from arbiter_desktop import session as module

    write(tmp_path / "src", "a.txt", "Le véhicule stationnait devant la gare.")
    with _case(tmp_path, Loaders()) as session:
        assert session.default_mode() is SearchMode.LEXICAL  # nothing embedded yet
        session.index([tmp_path / "src"])
        assert session.default_mode() is SearchMode.FULL  # hybrid, then the shipped learned ranker
        monkeypatch.setattr(module, "shipped_ranker", lambda: None)
        assert session.default_mode() is SearchMode.HYBRID  # no second stage: hybrid


def test_the_demo_case_keeps_only_this_installations_demo_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every installation indexes its own demo folder into the user's one demo case: the demo folders of earlier
    installations are forgotten (their paths no longer listed by hits), a folder of the user's is kept."""
    text = "Le véhicule stationnait devant la gare de Lyon."
    earlier = write(tmp_path / "old-install" / "resources" / "demo" / "affaire_demo", "pv.txt", text).parent
    current = write(tmp_path / "new-install" / "resources" / "demo" / "affaire_demo", "pv.txt", text).parent
    own = write(tmp_path / "mine", "note.txt", "Rendez-vous à la gare à midi.").parent
    loaders = Loaders()
    with _case(tmp_path, loaders) as session:
        session.index([earlier, own])
        monkeypatch.setattr(paths, "demo_documents_dir", lambda: current)
        report = session.index([earlier, own, current])  # the window walks every source again
        assert report.removed == 1
        sources = [p for _, p in session.case.catalog.sources()]
        assert sources == sorted([path_key(str(current.resolve())), path_key(str(own.resolve()))])
        assert not session.case.catalog.errors()
        hits = session.search(SearchRequest("gare", mode=SearchMode.LEXICAL)).hits
        shown = sorted(p for hit in hits for p in (hit.doc_path, *hit.other_paths))
        assert shown == sorted([str((current / "pv.txt").resolve()), str((own / "note.txt").resolve())])
        audit = (session.directory / "audit.jsonl").read_text(encoding="utf-8").splitlines()
        runs = [entry["data"] for entry in map(json.loads, audit) if entry["event"] == "index"]
        assert "forgotten_sources" not in runs[0]
        assert runs[-1]["forgotten_sources"] == [path_key(str(earlier.resolve()))]
