from pathlib import Path

import pytest

from arbiter_desktop.chunking.derived import entity_terms
from arbiter_desktop.domain import LOCATION_SEPARATOR
from arbiter_desktop.stores.lexical import EXACT, FRENCH, ChunkRecord, LexicalStore, analyze, folders_of


def terms(text: str, analyzer: str = FRENCH) -> list[str]:
    return [t.text for t in analyze(text, analyzer)]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("enquêteurs", "enquêteur"),
        ("l'audition", "audition"),
        ("d’audition", "audition"),  # typographic apostrophe
        ("prolongée", "prolongee"),
        ("RÉQUISITION", "réquisitions"),
        ("qu'il", "il"),
        ("véhicules", "VEHICULE"),
    ],
)
def test_french_analyzer_equivalences(a: str, b: str) -> None:
    assert terms(a) == terms(b)


def test_stemmer_known_gaps() -> None:
    # Snowball French leaves these families apart; query expansion has to bridge them.
    assert terms("prolongée") != terms("prolongation")
    assert terms("auditionné") != terms("audition")


def test_exact_analyzer_folds_but_does_not_stem() -> None:
    assert terms("Enquêteurs", EXACT) == ["enqueteurs"]
    assert terms("l'Haddad", EXACT) == ["haddad"]


def test_offsets_point_into_the_original_text() -> None:
    text = "L'audition des enquêteurs"
    for token in analyze(text):
        assert text[token.start : token.end].lower().startswith(token.text[:3])


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("AB-123-CD", "plate:ab123cd"),
        ("ab-123-cd", "plate:ab123cd"),
        ("AB123CD", "plate:ab123cd"),
        ("06 12 34 56 78", "tel:+33612345678"),
        ("06.12.34.56.78", "tel:+33612345678"),
        ("0612345678", "tel:+33612345678"),
        ("+33 6 12 34 56 78", "tel:+33612345678"),
        ("+33 (0)6 12 34 56 78", "tel:+33612345678"),
        ("Jean.Dupont@Exemple.fr", "mail:jean.dupont@exemple.fr"),
        ("27 septembre 2024", "date:2024-09-27"),
        ("214 300 €", "num:214300"),
    ],
)
def test_entities_are_normalised(written: str, key: str) -> None:
    assert key in entity_terms(f"vu le {written} hier")


def test_store_add_search_delete(tmp_path: Path) -> None:
    store = LexicalStore(tmp_path / "idx")
    store.add_chunks(
        [
            ChunkRecord(1, 10, "sha-a", "Les enquêteurs ont entendu le témoin.", "PV", ["/c/a.txt"], "text", None),
            ChunkRecord(2, 11, "sha-b", "Le véhicule AB-123-CD était stationné.", "", ["/c/b.txt"], "text", None),
        ]
    )
    store.commit()
    store.reload()
    assert [c for _, c, _ in store.search(store.term("text", terms("enquêteur")[0]), 10)] == [1]
    assert [c for _, c, _ in store.search(store.term("entities", "plate:ab123cd"), 10)] == [2]
    assert sorted(c for _, c, _ in store.search(store.any_term("folder", ["/c"]), 10)) == [1, 2]
    assert store.search(store.any_term("folder", ["/other"]), 10) == []
    store.delete_document("sha-a")
    store.commit()
    store.reload()
    assert store.num_chunks() == 1
    store.close_writer()


def test_an_index_of_another_format_is_reported_for_a_rebuild(tmp_path: Path) -> None:
    from arbiter_desktop.stores import lexical
    from arbiter_desktop.stores.damage import StoreDamaged

    folder = tmp_path / "lexical"
    LexicalStore(folder)
    assert (folder / lexical.FORMAT_FILE).read_text().strip() == str(lexical.FORMAT)
    LexicalStore(folder, must_exist=True)  # the same format opens
    (folder / lexical.FORMAT_FILE).write_text(f"{lexical.FORMAT + 1}\n")
    with pytest.raises(StoreDamaged, match="format"):
        LexicalStore(folder, must_exist=True)
    (folder / lexical.FORMAT_FILE).unlink()  # an index from before the marker is format 1
    if lexical.FORMAT == 1:
        LexicalStore(folder, must_exist=True)
    else:
        with pytest.raises(StoreDamaged, match="format 1"):
            LexicalStore(folder, must_exist=True)


def test_a_clean_word_finds_its_ocr_damaged_spelling_through_text_ocr(tmp_path: Path) -> None:
    from arbiter_desktop.noisytext import ocr_key

    store = LexicalStore(tmp_path / "lexical")
    store.add_chunks(
        [
            ChunkRecord(1, 1, "a", "PV d'interpeIlation du conducteur du scootcr", "", ["/a.txt"], "txt", None),
            ChunkRecord(2, 2, "b", "Le conducteur a pris la fuite", "", ["/b.txt"], "txt", None),
        ]
    )
    store.commit()
    store.reload()
    hits = store.search(store.term("text_ocr", ocr_key("interpellation")), limit=5)
    assert [chunk for _, chunk, _ in hits] == [1]
    assert store.search(store.term("text", "interpel"), limit=5) == []  # the ordinary field does not find it


def test_acronyms_are_kept_as_written_outside_lines_in_capitals() -> None:
    from arbiter_desktop.chunking.derived import acronym_terms

    text = "PROCES-VERBAL D'AUDITION DE GARDE A VUE\nOrientation en CI après la GAV, celle-ci close. FOVeS consulté."
    terms = acronym_terms(text)
    assert "CI" in terms and "GAV" in terms
    assert "AUDITION" not in terms and "DE" not in terms  # a heading in capitals tells no acronym


def test_folders_of_a_file_and_of_a_container_member() -> None:
    member = f"/case/scellés/scelle.zip{LOCATION_SEPARATOR}photos/2024/img.pdf"
    assert folders_of("/case/scellés/pv.pdf") == ["/case/scellés", "/case", "/"]
    assert folders_of(member) == [
        "/case/scellés",
        "/case",
        "/",
        "/case/scellés/scelle.zip",
        f"/case/scellés/scelle.zip{LOCATION_SEPARATOR}photos/2024",
        f"/case/scellés/scelle.zip{LOCATION_SEPARATOR}photos",
    ]
    assert folders_of("relative.txt") == []
    assert folders_of("/case/scellés/autre.pdf") == folders_of("/case/scellés/pv.pdf")  # one ancestry per folder
