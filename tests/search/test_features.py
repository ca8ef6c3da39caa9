"""What a passage holds of a query: units found, typed or expanded, together, identifiers."""

from pathlib import Path

from support import session_of, write

from arbiter_desktop.search.analysed import Analysed
from arbiter_desktop.search.expansion import default_lexicon
from arbiter_desktop.search.features import evidence, identifier_matchers, units_of
from arbiter_desktop.search.lexical_query import QueryCompiler
from arbiter_desktop.stores.case import Case


def test_evidence_of_passages(case: Case, tmp_path: Path) -> None:
    for n in range(6):
        write(tmp_path / "src", f"pv{n}.txt", f"Procès-verbal {n} de la brigade, rédigé au commissariat.")
    write(tmp_path / "src", "gav.txt", "Placé en garde à vue, M. Karim MEZIANE a été entendu. Rien d'autre.")
    session_of(case).index([tmp_path / "src"])
    compiler = QueryCompiler(case.lexical)
    query = "GAV Meziane"
    expansions = default_lexicon().expand(query)
    units = units_of(compiler, case.lexical, query, expansions)
    assert [u.text for u in units] == ["GAV", "Meziane"] and units[0].expanded and not units[1].expanded
    identifiers = identifier_matchers(compiler, ["Meziane"])

    held = evidence(Analysed("Placé en garde à vue, M. Karim MEZIANE a été entendu."), units, identifiers)
    assert held.coverage == 1.0 and held.expansions == 1.0 and held.identifiers == 1.0 and held.together == 1.0
    apart = evidence(Analysed("Karim Meziane " + "et puis " * 40 + "la garde à vue a été levée."), units, identifiers)
    assert apart.coverage == 1.0 and apart.together < 1.0  # both found, not within one window
    name_only = evidence(Analysed("Meziane est passé."), units, identifiers)
    assert name_only.typed == 1.0 and name_only.expansions == 0.0 and 0 < name_only.coverage < 1
    assert evidence(Analysed("rien"), units, identifiers) == evidence(Analysed("autre chose"), units, identifiers)


def test_positions_cover_ocr_keys_and_acronyms_written_in_capitals() -> None:
    from arbiter_desktop.noisytext import ocr_key
    from arbiter_desktop.search.lexical_query import Matchers

    text = Analysed("Le scootcr a été retrouvé. Comparution immédiate (CI) celle-ci")
    assert text.positions(Matchers(ocr_keys={ocr_key("scooter")})) == [1]
    assert len(text.positions(Matchers(acronyms={"CI"}))) == 1  # "celle-ci" is not "CI"
