"""Highlights: every place a query term matches, found from the passage's analysed words."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator

import pytest
from support import EVALDATA

from arbiter_desktop.chunking.derived import acronym_key
from arbiter_desktop.entities import find_entities
from arbiter_desktop.noisytext import ocr_key
from arbiter_desktop.search.expansion import default_lexicon
from arbiter_desktop.search.highlight import Match, _merge, best_passage, find_matches
from arbiter_desktop.search.lexical_query import Matchers, QueryCompiler
from arbiter_desktop.stores.case import Case
from arbiter_desktop.stores.lexical import EXACT, FRENCH, analyze_uncached


def reference_matches(text: str, matchers: Matchers) -> list[Match]:
    """The plain definition: the text tokenised by the index's own analyzers, each token tested against the
    query's terms, each word against its OCR key and acronyms."""
    if matchers.is_empty():
        return []
    found: list[tuple[int, int]] = []
    origin_at: dict[int, str] = {}
    stemmed = analyze_uncached(text, FRENCH)
    for token in stemmed:
        if token.text in matchers.stems:
            found.append((token.start, token.end))
            if token.text in matchers.origins:
                origin_at[token.start] = matchers.origins[token.text]
    for token in analyze_uncached(text, EXACT):
        if token.text in matchers.exact or any(p.fullmatch(token.text) for p in matchers.patterns):
            found.append((token.start, token.end))
            if token.text in matchers.exact and token.text in matchers.exact_origins:
                origin_at[token.start] = matchers.exact_origins[token.text]
    terms = [t.text for t in stemmed]
    for phrase in matchers.phrases:
        n = len(phrase)
        for i in range(len(terms) - n + 1):
            if terms[i : i + n] == phrase:
                found.append((stemmed[i].start, stemmed[i + n - 1].end))
                origin = matchers.origins.get(" ".join(phrase))
                if origin:
                    origin_at[stemmed[i].start] = origin
    for entity in find_entities(text) if matchers.entities else []:
        if not matchers.entities.isdisjoint(entity.all_keys()):
            found.append((entity.start, entity.end))
    for word in re.finditer(r"[^\W_]+", text):
        if ocr_key(word.group(0)) in matchers.ocr_keys:
            found.append(word.span())
        elif word.group(0).isupper() and acronym_key(word.group(0)) in matchers.acronyms:
            found.append(word.span())
            if acronym_key(word.group(0)) in matchers.origins:
                origin_at[word.start()] = matchers.origins[acronym_key(word.group(0))]
    return [Match(s, e, text[s:e], origin_at.get(s, "")) for s, e in _merge(found)]


def _texts(name: str, count: int) -> Iterator[str]:
    with (EVALDATA / name / "corpus.jsonl").open(encoding="utf-8") as corpus:
        for n, line in enumerate(corpus):
            if n >= count:
                return
            text = json.loads(line)["text"]
            for start in range(0, min(len(text), 2400), 800):  # windows of a chunk's size
                yield text[start : start + 900]


def _queries(name: str) -> list[str]:
    lines = (EVALDATA / name / "queries.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines]


OPERATORS = [
    "interpell*",
    "audit?on",
    "meziane~1",
    '"garde à vue"',
    '"prolongation de l\'audition"',
    "06 12 34 56 78",
    "+33 6 12 34 56 78",
    "AB-123-CD",
    "1 500 €",
    "CI comparution",
    "GAV prolongée",
    "OPJ PV",
    "interpeIlation proces-verbaI scootcr",
    "title:rapport",
    "garde-à-vue aujourd'hui",
]


@pytest.mark.skipif(not (EVALDATA / "police_marseille").is_dir(), reason="the shared evaluation data is not beside")
def test_matches_are_those_of_the_token_by_token_definition(case: Case) -> None:
    compiler = QueryCompiler(case.lexical)
    lexicon = default_lexicon()
    texts = [*_texts("police_marseille", 20), *_texts("police_dev", 14)]
    queries = [*OPERATORS, *random.Random(7).sample(_queries("police_marseille") + _queries("police_dev"), 40)]
    compared = matched = 0
    for query in queries:
        matchers = compiler.compile(query, lexicon.expand(query)).matchers
        for text in texts:
            expected = reference_matches(text, matchers)
            assert find_matches(text, matchers) == expected, (query, text[:80])
            compared += 1
            matched += bool(expected)
    assert compared > 1500 and matched > 300  # the comparison covers passages with and without matches


def test_matches_and_the_best_passage(case: Case) -> None:
    compiler = QueryCompiler(case.lexical)
    text = "Placé en GAV, M. MEZIANE (tél. 06 12 34 56 78) a signé après son interpeIlation. " + "Rien. " * 80
    query = "garde à vue Meziane 0612345678 interpellation"
    matchers = compiler.compile(query, default_lexicon().expand(query)).matchers
    matches = find_matches(text, matchers)
    assert [m.term for m in matches] == ["GAV", "MEZIANE", "06 12 34 56 78", "interpeIlation"]
    assert matches[0].origin  # "GAV" came through the expansion of "garde à vue"
    passage = best_passage(text, matches, width=120)
    assert passage.start == 0 and passage.matched == ("GAV", "MEZIANE", "06 12 34 56 78", "interpeIlation")
    assert [passage.text[s:e] for s, e in passage.highlights] == list(passage.matched)


def test_an_alternative_whose_stem_is_another_word_is_matched_as_written(case: Case) -> None:
    """ "mari" (an alternative of "conjoint") stems to "mar", as "mars" does: it is matched as written."""
    compiler = QueryCompiler(case.lexical)
    query = "violences par le conjoint"
    expansions = default_lexicon().expand(query)
    assert any("mari" in e.alternatives for e in expansions)
    matchers = compiler.compile(query, expansions).matchers
    assert "mar" not in matchers.stems and {"mari", "maris"} <= matchers.exact
    text = "Le 9 mars, son mari l'a frappée. Les maris de ses sœurs étaient absents."
    matches = find_matches(text, matchers)
    assert [m.term for m in matches] == ["mari", "maris"]
    assert all(m.origin.startswith("conjoint") for m in matches)  # shown as brought by the expansion
    assert matches == reference_matches(text, matchers)
