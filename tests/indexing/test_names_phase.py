"""Phase 1c: person and place names read after the text, resumable, read again when a text changes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from support import session_of, write

from arbiter_desktop.chunking.derived import analyse_text
from arbiter_desktop.config.settings import Settings
from arbiter_desktop.domain import SearchRequest
from arbiter_desktop.entities import Entity, EntityType
from arbiter_desktop.entities.names import VERSION, fold
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


class _ReadLikeTheModel:
    """A name finder that reads each word as a person or a place as the model did on a realistic case folder:
    "Commissariat de Vitrolles" as a person, "demandé à Walid" as a place."""

    def __init__(self, readings: dict[str, EntityType]) -> None:
        self.readings = readings

    def find(self, texts: Sequence[str]) -> list[list[Entity]]:
        found: list[list[Entity]] = []
        for text in texts:
            names = []
            for words, kind in self.readings.items():
                start = text.find(words)
                if start >= 0:
                    value = " ".join(sorted(fold(words).split()))
                    names.append(Entity(kind, value, words, start, start + len(words)))
            found.append(names)
        return found


def test_one_word_names_take_the_type_that_the_case_reads_them_as(tmp_path: Path) -> None:
    texts = {
        "pv1.txt": "Commissariat de Vitrolles. J'ai demandé à Walid de venir.",  # read wrongly: person, place
        "pv2.txt": "Domicilié à Vitrolles. Walid HAMIDI est entendu.",
        "pv3.txt": "Fourrière de Vitrolles. HAMIDI Walid signe. M. NANTES est présent.",
        "pv4.txt": "Né à Nantes, demeurant à Nantes, Nantes, Nantes.",
        "pv5.txt": "Transfert vers Nantes.",
        "pv6.txt": "Audition à Vitrolles puis à Nantes.",
    }
    for name, text in texts.items():
        write(tmp_path / "src", name, text)
    case = Case.open(tmp_path / "case", create=True, settings=Settings(workers=1, names=False))
    try:
        session_of(case).index([tmp_path / "src"])
        person, place = EntityType.PERSON, EntityType.PLACE

        class Finder(_ReadLikeTheModel):
            def find(self, texts: Sequence[str]) -> list[list[Entity]]:
                found = super().find(texts)
                for text, names in zip(texts, found, strict=True):  # each document read alone, as the model does
                    if text.startswith("Commissariat"):
                        names[:] = [
                            Entity(person, "vitrolles", "Vitrolles", 16, 25),
                            Entity(place, "walid", "Walid", 42, 47),
                        ]
                return found

        readings = {"Vitrolles": place, "Walid HAMIDI": person, "HAMIDI Walid": person, "NANTES": person}
        readings |= {"Nantes": place}
        outcome, _ = NamesPhase(case, lambda: False, lambda done, total: None, finder=Finder(readings)).run()  # type: ignore[arg-type]
        summary = {(e.type, e.value): e.documents for e in analysis.summary(case.catalog, [person, place])}
        assert summary == {
            (place, "vitrolles"): 4,  # the commissariat's town, read as a person in pv1: a place like elsewhere
            (person, "walid"): 1,  # "à Walid": the first name of Walid HAMIDI, not a place
            (person, "hamidi walid"): 2,
            (person, "nantes"): 1,  # in capitals, a surname: M. NANTES stays a person
            (place, "nantes"): 3,
        }
        assert outcome.settled == 2
        again, _ = NamesPhase(case, lambda: False, lambda done, total: None, finder=Finder(readings)).run()  # type: ignore[arg-type]
        assert again.documents == 0 and again.settled == 0  # nothing new read: nothing settled again
    finally:
        case.close()


def test_a_badly_recognised_document_is_read_in_its_reading(tmp_path: Path) -> None:
    write(tmp_path / "src", "scan.txt", "AUDITI0N du témoin, né à Martlgues, domicilié à Vitrolles.")
    case = Case.open(tmp_path / "case", create=True, settings=Settings(workers=1, names=False))
    try:
        session_of(case).index([tmp_path / "src"])
        catalog = case.catalog
        (document_id,) = analysis.unnamed(catalog, VERSION, limit=-1)
        with catalog.transaction():  # as the readings phase judges it against the case's words
            changed = analysis.record_readings(catalog, {document_id: {"Martlgues": "Martigues"}}, 1000)
        assert changed == [document_id]
        finder = _ReadLikeTheModel({"Martigues": EntityType.PLACE, "Vitrolles": EntityType.PLACE})
        outcome, _ = NamesPhase(case, lambda: False, lambda done, total: None, finder=finder).run()  # type: ignore[arg-type]
        assert outcome.documents == 1
        (place,) = [o for o in analysis.occurrences(catalog, EntityType.PLACE, "martigues")]
        assert place.forms == ("Martlgues",)  # as the document writes it
        text = catalog.document(document_id).text  # type: ignore[union-attr]
        assert [text[a:b] for a, b in place.offsets] == ["Martlgues"]
        (town,) = analysis.occurrences(catalog, EntityType.PLACE, "vitrolles")  # after the fixed word: in place
        assert [text[a:b] for a, b in town.offsets] == ["Vitrolles"]
        with catalog.transaction():  # a reading judged again differently: the names are read again
            analysis.record_readings(catalog, {document_id: {}}, 2000)
        assert analysis.unnamed(catalog, VERSION, limit=-1) == [document_id]
    finally:
        case.close()
