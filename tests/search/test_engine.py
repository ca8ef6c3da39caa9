from pathlib import Path

import pytest
from support import session_of, write

from arbiter_desktop.domain import FileKind, SearchMode, SearchRequest
from arbiter_desktop.search.engine import ModeUnavailable
from arbiter_desktop.stores.case import Case

DOCS = {
    "pv_audition.txt": (
        "PROCÈS-VERBAL D'AUDITION. L'an deux mille vingt-quatre, nous, enquêteurs de la brigade, "
        "entendons M. Karim MEZIANE. Il déclare que le véhicule immatriculé AB-123-CD appartient à son frère."
    ),
    "sms.csv": "date;de;message\n2024-03-05;06 12 34 56 78;rdv a la gare a 18h pour le liquide\n",
    "rapport.md": "# Rapport\n\nLa prolongation de la garde à vue a été autorisée par le procureur.",
    "notes/mail.txt": "Contact : joindre le 0798765432 ou écrire à contact.brigade@exemple.fr.",
}


@pytest.fixture
def indexed(case: Case, tmp_path: Path) -> Case:
    for name, text in DOCS.items():
        write(tmp_path / "src", name, text)
    report = session_of(case).index([tmp_path / "src"])
    assert report.errors == 0
    return case


def top_names(case: Case, query: str, **kwargs: object) -> list[str]:
    result = session_of(case).search(SearchRequest(query=query, **kwargs))  # type: ignore[arg-type]
    return [Path(h.doc_path).name for h in result.hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("enquêteur", "pv_audition.txt"),  # plural in the text, accents
        ("l'audition", "pv_audition.txt"),
        ("ENQUETEURS", "pv_audition.txt"),
        ("ab 123 cd", "pv_audition.txt"),  # plate, other spacing and case
        ("AB123CD", "pv_audition.txt"),
        ("0612345678", "sms.csv"),  # phone written with spaces in the file
        ("07 98 76 54 32", "mail.txt"),
        ("Contact.Brigade@Exemple.fr", "mail.txt"),
        ('"garde à vue"', "rapport.md"),
        ("MEZAINE~2", "pv_audition.txt"),
        ("prolong*", "rapport.md"),
        ("titre:rapport", "rapport.md"),
    ],
)
def test_queries_find_their_document(indexed: Case, query: str, expected: str) -> None:
    assert top_names(indexed, query)[:1] == [expected]


def test_boolean_operators(indexed: Case) -> None:
    assert top_names(indexed, "gare AND liquide") == ["sms.csv"]
    assert top_names(indexed, "gare AND procureur") == []
    assert "sms.csv" not in top_names(indexed, "gare OR procureur NOT liquide")
    assert top_names(indexed, "NOT liquide")  # a purely negative query lists everything else


def test_filters(indexed: Case, tmp_path: Path) -> None:
    assert set(top_names(indexed, "enqueteur OR contact", kinds=(FileKind.TEXT,))) == {
        "pv_audition.txt",
        "mail.txt",
    }
    assert top_names(indexed, "enqueteur OR contact", path_prefix=str(tmp_path / "src" / "notes")) == ["mail.txt"]
    assert top_names(indexed, "procureur", kinds=(FileKind.CSV,)) == []


def test_highlights_point_at_the_matched_words(indexed: Case) -> None:
    hit = session_of(indexed).search(SearchRequest(query="enquêteur véhicule ab-123-cd")).hits[0]
    marked = [hit.passage[s:e] for s, e in hit.highlights]
    assert marked == ["enquêteurs", "véhicule", "AB-123-CD"]
    assert set(hit.matched_terms) == set(marked)
    assert len(hit.sha256) == 64 and hit.page == 1 and hit.scores.bm25 == hit.score > 0


def test_ordinary_queries_never_raise(indexed: Case) -> None:
    for query in ["aujourd'hui", 'un "guillemet', "AND", "NOT", "((", "14:30", "", "   ", "*", "~"]:
        session_of(indexed).search(SearchRequest(query=query))


def test_unbuilt_modes_say_so(indexed: Case) -> None:
    with pytest.raises(ModeUnavailable, match="embedding model"):
        session_of(indexed).search(SearchRequest(query="gare", mode=SearchMode.DENSE))


def test_passages_left_pending_are_found_as_a_search_of_every_passage_finds_them(case: Case, tmp_path: Path) -> None:
    """The window's search cuts the passages of its first screen of hits only; the others come with the chunk's
    opening, marked pending, and completing them gives exactly the hits of a search that cut every passage."""
    for i in range(6):
        preamble = f"Rapport {i} de la brigade, rédigé pour le parquet sur les faits de la semaine. " * 5
        write(tmp_path / "src", f"pv_{i}.txt", f"{preamble}Le scooter numéro {i} a été volé devant la gare.")
    session = session_of(case)
    assert session.index([tmp_path / "src"]).errors == 0
    request = SearchRequest(query="scooter volé", mode=SearchMode.LEXICAL)
    every = session.search(request, audit=False)
    first = session.search(request, audit=False, passages=2)
    assert len(every.hits) == 6 and [h.chunk_id for h in first.hits] == [h.chunk_id for h in every.hits]
    assert first.hits[:2] == every.hits[:2] and not any(h.passage_pending for h in every.hits)
    pending = first.hits[2:]
    assert all(h.passage_pending and h.highlights == () and h.matched_terms == () for h in pending)
    assert all(h.passage.startswith("Rapport") and "scooter" not in h.passage for h in pending)
    assert session.complete(request, first.hits) == list(every.hits)
    with pytest.raises(ValueError, match="audit"):  # the log names every hit's page
        session.search(request, audit=True, passages=2)


def test_an_expansion_does_not_find_the_words_its_alternatives_stem_like(case: Case, tmp_path: Path) -> None:
    """ "conjoint" expands to "mari" and "tuer" appears in expansions: their stems "mar" and "tu" are those of
    "mars" and of the pronoun, which must not make a document a hit."""
    write(tmp_path / "src", "plainte.txt", "Mme DURAND déclare que son mari l'a giflée devant leurs enfants.")
    write(tmp_path / "src", "calendrier.txt", "Réunion du 9 mars : tu apportes les dossiers de la brigade.")
    assert session_of(case).index([tmp_path / "src"]).errors == 0
    assert top_names(case, "conjoint", mode=SearchMode.LEXICAL) == ["plainte.txt"]


def test_a_date_written_in_words_is_found_by_its_digits(case: Case, tmp_path: Path) -> None:
    opening = "L'an deux mille vingt-quatre, le vingt-trois novembre à seize heures, nous, OPJ, entendons le témoin."
    write(tmp_path / "src", "pv.txt", opening)
    write(tmp_path / "src", "autre.txt", "Le vingt-trois décembre deux mille vingt-trois, rien à signaler.")
    assert session_of(case).index([tmp_path / "src"]).errors == 0
    for query in ("23/11/2024", "le 23 novembre 2024", "2024-11-23"):
        result = session_of(case).search(SearchRequest(query=query, mode=SearchMode.LEXICAL))
        assert [Path(h.doc_path).name for h in result.hits] == ["pv.txt"], query
        assert result.hits[0].matched_terms == ("L'an deux mille vingt-quatre, le vingt-trois novembre",)
