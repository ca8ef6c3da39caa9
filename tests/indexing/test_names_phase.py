"""Phase 1c: person and place names read after the text, resumable, read again when a text changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support import session_of, write

from arbiter_desktop.chunking.derived import analyse_text
from arbiter_desktop.config.settings import Settings
from arbiter_desktop.domain import SearchRequest
from arbiter_desktop.entities import EntityType
from arbiter_desktop.entities.names import VERSION
from arbiter_desktop.indexing import names as names_phase
from arbiter_desktop.indexing.job import Progress
from arbiter_desktop.indexing.names import NamesPhase
from arbiter_desktop.stores import analysis
from arbiter_desktop.stores.case import Case

TEXTS = {
    "pv1.txt": "Nous, Samir HADDAD, officier de police judiciaire à Lyon, entendons Yanis MEZIANE.",
    "pv2.txt": "HADDAD Samir constate la présence de Karima BELLOUATI à Marseille, devant la gare.",
    "pv3.txt": "Rapport sans nom propre : rien à signaler ce jour.",
}


def _open(tmp_path: Path, names: bool) -> Case:
    for name, text in TEXTS.items():
        write(tmp_path / "src", name, text)
    return Case.open(tmp_path / "case", create=True, settings=Settings(workers=1, names=names))


@pytest.fixture
def names_case(tmp_path: Path) -> Iterator[Case]:
    case = _open(tmp_path, names=True)
    yield case
    case.close()


@pytest.fixture
def text_only_case(tmp_path: Path) -> Iterator[Case]:
    """A case indexed without its names."""
    case = _open(tmp_path, names=False)
    session_of(case).index([tmp_path / "src"])
    yield case
    case.close()


def _people(case: Case) -> dict[str, int]:
    return {e.value: e.documents for e in analysis.summary(case.catalog, [EntityType.PERSON])}


def test_indexing_lists_people_and_places_and_a_click_finds_their_documents(names_case: Case, tmp_path: Path) -> None:
    phases: list[Progress] = []
    report = session_of(names_case).index([tmp_path / "src"], on_progress=phases.append)
    assert report.names.documents == 3 and not report.names.unavailable
    assert [(p.done, p.total) for p in phases if p.phase == "names"][-1] == (3, 3)
    assert _people(names_case) == {"haddad samir": 2, "meziane yanis": 1, "bellouati karima": 1}
    places = {e.value for e in analysis.summary(names_case.catalog, [EntityType.PLACE])}
    assert {"lyon", "marseille"} <= places
    found = session_of(names_case).search(SearchRequest(query="", entity="person:haddad samir"))
    assert sorted(Path(h.doc_path).name for h in found.hits) == ["pv1.txt", "pv2.txt"]
    again = session_of(names_case).index([tmp_path / "src"])  # nothing changed: nothing read again
    assert again.names.documents == 0


def test_a_stopped_phase_goes_on_where_it_stopped_and_a_changed_text_is_read_again(
    text_only_case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names_case = text_only_case
    catalog = names_case.catalog
    assert len(analysis.unnamed(catalog, VERSION, limit=-1)) == 3
    monkeypatch.setattr(names_phase, "BATCH_DOCUMENTS", 1)
    asked = iter([False, True])  # one batch, then stop
    outcome, stopped = NamesPhase(names_case, lambda: next(asked), lambda done, total: None).run()
    assert stopped and outcome.documents == 1
    assert len(analysis.unnamed(catalog, VERSION, limit=-1)) == 2
    outcome, stopped = NamesPhase(names_case, lambda: False, lambda done, total: None).run()
    assert not stopped and outcome.documents == 2 and analysis.unnamed(catalog, VERSION, limit=-1) == []
    assert _people(names_case)["haddad samir"] == 2
    document_id = catalog.document_of_path(str((tmp_path / "src" / "pv1.txt").resolve()))
    assert document_id is not None
    with catalog.transaction():  # its text recorded again (as OCR does): its names are read again
        analysis.record(catalog, document_id, "Texte remplacé.", analyse_text("Texte remplacé."))
    assert analysis.unnamed(catalog, VERSION, limit=-1) == [document_id]
    assert _people(names_case)["haddad samir"] == 1


def test_without_the_model_the_documents_wait_for_a_later_run(
    text_only_case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("arbiter_desktop.entities.names.MODEL", "fr_model_that_is_not_installed")
    outcome, stopped = NamesPhase(text_only_case, lambda: False, lambda done, total: None).run()
    assert not stopped and outcome.documents == 0 and "pip install" in outcome.unavailable
    assert len(analysis.unnamed(text_only_case.catalog, VERSION, limit=-1)) == 3
