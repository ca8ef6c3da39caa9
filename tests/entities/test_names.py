"""Person and place names: spaCy's French recogniser with the rules of procedural prose around it."""

from __future__ import annotations

import pytest

from arbiter_desktop.entities import EntityType
from arbiter_desktop.entities.names import NameFinder, NamesUnavailable, fold, names_of
from bench.entity_corpus import generate_names, score

PV = (
    "SÛRETÉ DÉPARTEMENTALE DU RHÔNE — Groupe de lutte contre les stupéfiants\n"
    "Procès-verbal n° 2024/00318 — Surveillance\n\n"
    "Nous, Samir HADDAD, Brigadier-chef de police, Officier de police judiciaire en résidence à Lyon,\n"
    "Assisté du Gardien de la paix Lucie BONNET, APJ,\n"
    "Agissant sur instructions de M. le Procureur de la République près le tribunal judiciaire de Lyon,\n"
    "Nous transportons 22 rue Ambroise-Croizat à Vénissieux, où un point de revente est signalé.\n"
    "Constatons ce qui suit : l'individu se présente comme MEZIANE Yanis, demeurant à Villeurbanne.\n"
    "Procédons à la saisie de sa carte SIM. Carte SIM remise sous scellé.\n"
    "M. MEZIANE déclare avoir rencontré Karima BELLOUATI à Marseille.\n"
)


@pytest.fixture(scope="module")
def finder() -> NameFinder:
    return NameFinder()


def _found(finder: NameFinder, text: str) -> set[tuple[EntityType, str]]:
    return {(e.type, e.value) for e in finder.find([text])[0]}


def test_people_and_places_of_a_pv_without_its_ranks_roles_and_verbs(finder: NameFinder) -> None:
    found = _found(finder, PV)
    people = {v for t, v in found if t is EntityType.PERSON}
    places = {v for t, v in found if t is EntityType.PLACE}
    assert people == {"haddad samir", "bonnet lucie", "meziane yanis", "bellouati karima"}
    assert {"lyon", "venissieux", "villeurbanne", "marseille"} <= places
    assert not {"republique", "surveillance", "constatons", "procedons", "sim", "ambroise-croizat"} & (people | places)


def test_every_written_form_of_a_person_is_one_entity(finder: NameFinder) -> None:
    text = "Samir HADDAD est entendu. HADDAD Samir confirme. M. HADDAD signe le procès-verbal."
    entities = [e for e in finder.find([text])[0] if e.type is EntityType.PERSON]
    assert [e.value for e in entities] == ["haddad samir"] * 3
    assert [text[e.start : e.end] for e in entities] == ["Samir HADDAD", "HADDAD Samir", "HADDAD"]


def test_a_surname_alone_is_ambiguous_when_two_people_bear_it() -> None:
    text = "Yanis MEZIANE et Khadija MEZIANE sont présents. M. MEZIANE signe."
    people = [e.value for e in names_of(text, []) if e.type is EntityType.PERSON]
    assert people == ["meziane yanis", "khadija meziane", "meziane"]


def test_capitalised_acronyms_and_common_words_are_not_people() -> None:
    text = "Le Brigadier HADDAD saisit la Carte SIM. La carte est placée sous scellé. Gardien BONNET présent."
    assert [e.value for e in names_of(text, [])] == []


def test_acronyms_of_the_lexicon_vehicles_and_platforms_are_not_names(finder: NameFinder) -> None:
    text = (
        "Le FOVeS signale le scooter Yamaha TMAX de Thierry COLLET, vu près d'une Renault Clio à Lyon. "
        "Cécile RENAULT témoigne. Consultation du TAJ et du FOVeS."
    )
    assert _found(finder, text) == {
        (EntityType.PERSON, "collet thierry"),
        (EntityType.PERSON, "cecile renault"),  # a surname that is also a make
        (EntityType.PLACE, "lyon"),
    }
    assert [e.value for e in names_of("Contrôle de Kawasaki ZX6R et Renault MEGANE.", [])] == []
    later = "Un témoin a vu le scooter Yamaha TMAX. Avez-vous accès à un TMAX noir ? Il habite à Lyon."
    assert _found(finder, later) <= {(EntityType.PLACE, "lyon")}  # the model alone, further on: not a place
    brands = (
        "Propos publiés sur Snapchat le visant. Réquisition à Snap Inc et à SNCF Gares. Arme de type Glock. À Lyon. "
        "Le compte a été signalé à Instagram. Réquisition à Meta Platforms Ireland Ltd, gérant de la SARL Maison. "
        "Une Tesla Model Y était garée."
    )
    assert {value for _, value in _found(finder, brands)} == {"lyon"}


def test_long_documents_are_read_in_pieces(finder: NameFinder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("arbiter_desktop.entities.names.MAX_CHARS", 60)
    text = "Le témoin habite à Marseille depuis deux ans. " * 3 + "Il a croisé Karima BELLOUATI à Toulon hier."
    found = finder.find([text, "", "Rien à signaler."])
    assert ("bellouati karima", text.index("Karima")) in {(e.value, e.start) for e in found[0]}
    assert found[1:] == [[], []]


def test_fold_removes_accents_case_and_punctuation() -> None:
    assert fold("  Élodie   VARENNE-Dupré ") == "elodie varenne-dupre"
    assert fold("L’Haÿ-les-Roses") == "l'hay-les-roses"


def test_a_missing_model_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("arbiter_desktop.entities.names.MODEL", "fr_model_that_is_not_installed")
    with pytest.raises(NamesUnavailable, match="pip install"):
        NameFinder().find(["Samir HADDAD"])


def test_planted_people_and_places_in_several_forms(finder: NameFinder) -> None:
    """Figures: person and place recall and precision on PV-like documents (bench/entity_corpus.py); the
    documents are drawn with another seed than the one the rules were looked at with."""
    documents = generate_names(documents=25, seed=11)
    found = finder.find([d.text for d in documents])
    by_text = {d.text: f for d, f in zip(documents, found, strict=True)}
    scores = score(
        documents,
        lambda text: [(e.type.value, e.value, e.start, e.end) for e in by_text[text]],
        kinds=("person", "place"),
    )
    assert all(s.planted >= 100 for s in scores.values())
    low = {
        k: (round(s.recall, 3), round(s.precision, 3))
        for k, s in scores.items()
        if s.recall < 0.95 or s.precision < 0.95
    }
    assert low == {}


def test_streets_towns_and_parts_of_full_names() -> None:
    text = (
        "Mme Aïcha EL HADDADI demeure 12 bis rue des Lilas à Tarare. Nous rappelons que Mme EL HADDADI a été "
        "informée. Elle se rend au Puy : Le Puy-en-Velay."
    )
    found = [(e.type, e.value, e.display) for e in names_of(text, [])]
    assert (EntityType.PERSON, "aicha el haddadi", "Aïcha EL HADDADI") in found
    assert found.count((EntityType.PERSON, "aicha el haddadi", "Aïcha EL HADDADI")) == 2  # "EL HADDADI" alone too
    assert (EntityType.PLACE, "rue des lilas", "rue des Lilas") in found
