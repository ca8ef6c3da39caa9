"""The share of a query that full-text passages hold, weighted by rarity: the full-text ranking's confidence."""

from pathlib import Path

from support import session_of, write

from arbiter_desktop.search.coverage import lexical_coverage, query_units
from arbiter_desktop.search.expansion import default_lexicon
from arbiter_desktop.search.lexical_query import QueryCompiler
from arbiter_desktop.stores.case import Case


def test_units_are_expansions_then_content_words() -> None:
    query = "GAV prolongée pour Meziane"
    units = query_units(query, default_lexicon().expand(query))
    assert [text for text, _ in units] == ["GAV", "prolongée", "Meziane"]
    assert units[0][1] and not units[1][1]


def test_rare_words_weigh_more_than_common_ones(case: Case, tmp_path: Path) -> None:
    for n in range(8):  # "policiers" is in every document, "keufs" and "insultes" in one
        write(tmp_path / "src", f"pv{n}.txt", f"Les policiers de la brigade {n} ont rédigé le procès-verbal.")
    write(tmp_path / "src", "sms.txt", "Les policiers ? les keufs on les insulte sur snap")
    session_of(case).index([tmp_path / "src"])
    lexicon = default_lexicon()
    compiler = QueryCompiler(case.lexical)
    query = "insultes policiers"
    expansions = lexicon.expand(query)

    def coverage(*passages: str) -> float:
        return lexical_coverage(compiler, case.lexical, query, expansions, list(passages))

    common = coverage("Les policiers de la brigade 3 ont rédigé le procès-verbal.")
    assert 0 < common < 0.5  # one word of two, and the common one
    assert coverage("Les policiers ? les keufs on les insulte sur snap") == 1.0
    assert coverage("rien à voir") == 0.0
    assert coverage() == 1.0  # no passage: nothing to weigh the full text down with
