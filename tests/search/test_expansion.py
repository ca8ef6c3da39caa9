"""Query expansion: lexicon loading, matching rules, and its effect on searches."""

from pathlib import Path

import pytest
from support import session_of, write

from arbiter_desktop.domain import SearchRequest
from arbiter_desktop.search.engine import dense_query
from arbiter_desktop.search.expansion import (
    Entry,
    Lexicon,
    default_lexicon,
    fold_phrase,
    write_case_lexicon,
)
from arbiter_desktop.stores.case import Case


@pytest.fixture(scope="module")
def shipped() -> Lexicon:
    return default_lexicon()


def test_shipped_lexicons_load_and_cover_the_basics(shipped: Lexicon) -> None:
    assert len(shipped.entries) > 400
    labels = {e.matched: e.alternatives for e in shipped.expand("GAV prolongée, rdv gare, TTR, IGPN et SRPJ")}
    assert "garde à vue" in labels["GAV"]
    assert "rendez-vous" in labels["rdv"]
    assert set(labels) >= {"TTR", "IGPN", "SRPJ"}


def test_expansion_is_symmetric_and_longest_first() -> None:
    lexicon = Lexicon()
    lexicon.add(Entry("GAV", ("garde à vue", "gardes à vue"), "acronyme", "", "t"))
    (expansion,) = lexicon.expand("prolongation de la garde à vue")
    assert expansion.matched == "garde à vue" and expansion.alternatives == ("GAV", "gardes à vue")
    assert (expansion.start, expansion.end) == (19, 30)


def test_a_word_written_in_the_feminine_or_plural_finds_its_entry() -> None:
    lexicon = Lexicon()
    lexicon.add(Entry("escroquerie", ("arnaque", "arnaqué"), "argent", "", "t"))
    lexicon.add(Entry("mec", ("gars",), "argot", "", "t"))
    for written in ("arnaquée", "arnaquées", "arnaqués", "ARNAQUES"):
        (expansion,) = lexicon.expand(f"personne {written} au téléphone")
        assert expansion.matched == written and "escroquerie" in expansion.alternatives
    assert lexicon.expand("les gares") == []  # "gars" less its s is not "gare"
    assert lexicon.expand("arnaquer") == []  # only the endings of gender and number


def test_short_acronyms_must_be_typed_in_capitals(shipped: Lexicon) -> None:
    assert [e.matched for e in shipped.expand("CA de Lyon")] == ["CA"]
    assert all(e.matched.lower() != "ca" for e in shipped.expand("ça va"))
    assert [e.matched for e in shipped.expand("gav prolongée")] == ["gav"]  # 3 letters: any case


def test_an_expansion_can_be_switched_off(shipped: Lexicon) -> None:
    assert [e.matched for e in shipped.expand("GAV rdv", disabled=["gav"])] == ["rdv"]


def test_case_lexicon_is_merged(tmp_path: Path) -> None:
    (tmp_path / "lexicon.tsv").write_text("term\tvariants\tcategory\tnote\ntito\tdylan ferrand\talias\t\n")
    lexicon = default_lexicon(tmp_path)
    assert lexicon.expand("Tito")[0].alternatives == ("dylan ferrand",)
    assert default_lexicon(tmp_path) is lexicon  # kept while its files are unchanged
    write_case_lexicon(tmp_path, [("tito", "dylan ferrand|le petit", "alias", "")])
    assert default_lexicon(tmp_path).expand("Tito")[0].alternatives == ("dylan ferrand", "le petit")


def test_bad_lexicon_file_is_refused_with_its_name(tmp_path: Path) -> None:
    bad = tmp_path / "x.tsv"
    bad.write_text("mot\tautres\nrdv\trendez-vous\n")
    with pytest.raises(ValueError, match=r"x\.tsv: expected a header"):
        Lexicon.load([bad])


def test_dense_query_spells_expansions_out_in_place(shipped: Lexicon) -> None:
    query = "GAV prolongée"
    assert dense_query(query, shipped.expand(query)).startswith("GAV (garde à vue")
    assert fold_phrase("Garde À  Vue’") == "garde a vue'"


def test_an_abbreviation_finds_the_spelled_out_passage(case: Case, tmp_path: Path) -> None:
    write(tmp_path / "src", "pv.txt", "La prolongation de la garde à vue de M. MEZIANE a été autorisée.")
    write(tmp_path / "src", "autre.txt", "Audition de M. MEZIANE sur son emploi du temps.")
    session_of(case).index([tmp_path / "src"])
    result = session_of(case).search(SearchRequest(query="GAV Meziane"))
    assert Path(result.hits[0].doc_path).name == "pv.txt"
    assert [e.matched for e in result.expansions] == ["GAV"]
    assert result.hits[0].expansions and result.hits[0].expansions[0].startswith("GAV → garde à vue")
    plain = session_of(case).search(SearchRequest(query="GAV Meziane", expand=False))
    assert plain.expansions == () and not plain.hits[0].expansions
