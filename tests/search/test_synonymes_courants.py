"""The everyday ↔ procedural synonyms lexicon: it loads, and everyday words reach the words police write."""

from arbiter_desktop.config.paths import resources_dir
from arbiter_desktop.search.expansion import Lexicon, default_lexicon, fold_phrase

SYNONYMES = resources_dir() / "lexicons" / "synonymes_courants.tsv"


def test_file_loads_with_unique_terms_in_the_synonyme_category() -> None:
    lexicon = Lexicon.load([SYNONYMES])
    terms = [fold_phrase(e.term) for e in lexicon.entries]
    assert 150 <= len(terms) <= 250
    assert len(set(terms)) == len(terms)
    assert {e.category for e in lexicon.entries} == {"synonyme"}
    assert all(e.variants for e in lexicon.entries)


def test_everyday_words_expand_to_their_procedural_forms() -> None:
    shipped = default_lexicon()
    expansions = {e.matched: e.alternatives for e in shipped.expand("conjoint, arnaquée, relâché, poubelle")}
    assert "concubin" in expansions["conjoint"]
    assert "escroquée" in expansions["arnaquée"]
    assert "remis en liberté" in expansions["relâché"]
    assert "conteneur" in expansions["poubelle"]
    (fouille,) = shipped.expand("ils ont fouillé l'appartement")
    assert fouille.matched == "fouillé" and "perquisition" in fouille.alternatives


def test_procedural_phrases_reach_the_everyday_word() -> None:
    shipped = default_lexicon()
    (plainte,) = shipped.expand("dépôt de plainte")
    assert plainte.matched == "dépôt de plainte" and plainte.alternatives[0] == "porter plainte"
