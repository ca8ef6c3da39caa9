"""Compile a parsed query into a full-text query, and collect what the highlighter must mark.

A word searches the stemmed text (so "enquêteurs" finds "enquêteur"), the unstemmed text (exact spelling of
names ranks higher) and the title. Entities written in the query (plates, phone numbers, e-mails) search the
normalised entity field, whatever their spacing or case.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from arbiter_desktop.chunking.derived import acronym_key
from arbiter_desktop.domain import Expansion
from arbiter_desktop.entities import Entity, EntityType, find_entities, search_key
from arbiter_desktop.noisytext import ocr_key
from arbiter_desktop.search.query import STOP_WORDS, Group, Node, Occur, Phrase, Term, is_natural, parse
from arbiter_desktop.stores.lexical import EXACT, FRENCH, LexicalStore, analyze
from arbiter_desktop.textfold import fold

TITLE_BOOST = 0.5
EXACT_BOOST = 0.3
ENTITY_BOOST = 3.0
# The stemmer leaves some families apart ("prolongée" → prolonge, "prolongation" → prolong): a word of more
# than PREFIX_MIN letters also matches, with a small constant score, the words sharing its first letters
# (all but the last three, at least PREFIX_MIN). Measured on both dev sets: Recall@5 +0.027 on police_dev,
# unchanged on piaf_v1.1.
PREFIX_BOOST = 0.5
PREFIX_MIN = 5
# An expansion counts once, through its best-matching alternative, at this weight relative to a typed word.
EXPANSION_BOOST = 0.8
# A word found only in its OCR-folded form (a scanned PV read as "interpeIlation") counts at this weight; long words
# also match a key one edit away (constant score) — confusions the folding does not cover ("Marligues").
OCR_BOOST = 1.0
OCR_FUZZY_FROM = 0
OCR_FUZZY_BOOST = 1.0
# The French stemmer cuts some short words down to a stem that other words share: "mari" → "mar" (as "mars"),
# "mère" → "mer" (as "mer"), "tuer" → "tu" (as the pronoun), "caméra" → "cam" (as "came"). An alternative of an
# expansion whose stem is this short, and shorter than the word, is matched as written (and in the plural): the
# lexicons list the inflections they mean.
AMBIGUOUS_STEM = 3


@dataclass
class Matchers:
    """Terms the highlighter looks for, in the forms the analyzers produce."""

    stems: set[str] = field(default_factory=set)
    exact: set[str] = field(default_factory=set)
    entities: set[str] = field(default_factory=set)
    patterns: list[re.Pattern[str]] = field(default_factory=list)  # wildcards and fuzzy words
    phrases: list[list[str]] = field(default_factory=list)  # stemmed phrases, as term sequences
    origins: dict[str, str] = field(default_factory=dict)  # stem or "stem stem…" of an expansion → its label
    exact_origins: dict[str, str] = field(default_factory=dict)  # an alternative matched as written → its label
    ocr_keys: set[str] = field(default_factory=set)  # OCR-folded keys of the query words (noisytext.ocr_key)
    acronyms: set[str] = field(default_factory=set)  # short acronyms matched only as written in capitals

    def is_empty(self) -> bool:
        return not (
            self.stems or self.exact or self.entities or self.patterns or self.phrases or self.ocr_keys or self.acronyms
        )


@dataclass
class Compiled:
    query: Any
    matchers: Matchers
    terms: list[str]  # the words of the query as the user typed them (for "why it matched")


SHORT_ACRONYM = 2  # alternatives this short, written in capitals, are searched as written (acronyms field)


def _short_acronym(alternative: str) -> bool:
    letters = alternative.replace(".", "")
    return 2 <= len(letters) <= SHORT_ACRONYM and letters.isalpha() and letters.isupper()


def _ambiguous_stem(exact: Sequence[str], stems: Sequence[str]) -> bool:
    """Whether a one-word alternative's stem is too short to stand for it (AMBIGUOUS_STEM)."""
    return len(exact) == 1 and len(stems) == 1 and len(stems[0]) <= AMBIGUOUS_STEM and len(stems[0]) < len(exact[0])


def _written_forms(word: str) -> tuple[str, ...]:
    """A word as written (folded) and its plural: "mari", "maris"."""
    return (word,) if word.endswith(("s", "x", "z")) else (word, word + "s")


def _wildcard_regex(word: str) -> str:
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in fold(word))


def _fuzzy_regex(word: str, distance: int) -> re.Pattern[str]:
    """A loose highlighter pattern for a fuzzy word: same first letter, length within the distance."""
    folded = fold(word)
    low, high = max(1, len(folded) - distance), len(folded) + distance
    return re.compile(rf"{re.escape(folded[:1])}\w{{{low - 1},{high - 1}}}")


class QueryCompiler:
    def __init__(self, store: LexicalStore) -> None:
        self.store = store

    def compile(self, text: str, expansions: Sequence[Expansion] = ()) -> Compiled:
        """The full-text query for ``text``; ``expansions`` apply to natural queries (operators mean exactly)."""
        text = _international_prefix(text)
        group = parse(text)
        matchers = Matchers()
        terms: list[str] = []
        if is_natural(group):
            query = self._natural(text, group, matchers, terms)
            extra = [q for q in (self._expansion(e, matchers) for e in expansions) if q is not None]
            if extra:
                query = self.store.boolean([("should", query), *[("should", q) for q in extra]])
        else:
            query = self._group(group, matchers, terms)
        return Compiled(query, matchers, terms)

    def compile_exact(self, text: str) -> Any:
        """A query matching ``text`` as written (folded: case and accents aside): an entity in any spacing, else
        its words in sequence in the unstemmed text. To find which chunks hold an identifier of a query."""
        entities = find_entities(text, query=True)
        if entities and entities[0].end - entities[0].start >= len(text.strip()) - 1:
            return self.store.term("entities", entities[0].key)
        tokens = [t.text for t in analyze(text, EXACT)]
        if not tokens:
            return self.store.nothing()
        return self._sequence("text_exact", tokens)

    def _expansion(self, expansion: Expansion, matchers: Matchers) -> Any | None:
        """The alternatives of one expansion, scored by the best one only (disjunction max)."""
        options: list[Any] = []
        label = expansion.label()
        for alternative in expansion.alternatives:
            stems = [t.text for t in analyze(alternative, FRENCH)]
            if not stems:
                continue
            if _short_acronym(alternative):  # "CI" for "comparution immédiate": as written, not "celle-ci"
                matchers.acronyms.add(acronym_key(alternative))
                matchers.origins.setdefault(acronym_key(alternative), label)
                options.append(self.store.term("acronyms", acronym_key(alternative)))
                continue
            exact = [t.text for t in analyze(alternative, EXACT)]
            if _ambiguous_stem(exact, stems):  # "mari": as written, not as the stem "mar" of "mars"
                forms = _written_forms(exact[0])
                matchers.exact.update(forms)
                for form in forms:
                    matchers.exact_origins.setdefault(form, label)
                terms = [self.store.term("text_exact", form) for form in forms]
                options.append(terms[0] if len(terms) == 1 else self.store.dismax(terms))
                continue
            if len(stems) == 1:
                matchers.stems.add(stems[0])
            else:
                matchers.phrases.append(stems)
            matchers.origins.setdefault(" ".join(stems), label)
            options.append(self._positioned("text", alternative, FRENCH))
        if not options:
            return None
        return self.store.boost(self.store.dismax(options), EXPANSION_BOOST)

    # --- natural queries ------------------------------------------------------------------------------------
    def _natural(self, text: str, group: Group, matchers: Matchers, terms: list[str]) -> Any:
        clauses: list[tuple[Occur, Any]] = []
        words = [node.text for _, node in group.clauses if isinstance(node, Term)]
        joined = " ".join(words)
        # entities first, so that "06 12 34 56 78" is one entity and not five numbers
        covered = [False] * len(joined)
        for entity in find_entities(joined, query=True):
            written = joined[entity.start : entity.end]
            clauses.append(("should", self._entity(entity, written, matchers)))
            terms.append(written)
            for i in range(entity.start, entity.end):
                covered[i] = True
        rest = "".join(" " if covered[i] else c for i, c in enumerate(joined))
        kept = [w for w in rest.split() if fold(w) not in STOP_WORDS]
        if not kept and not clauses:  # a query of stop words only ("le"): search them; beside an entity, not
            kept = rest.split()
        for word in kept:
            clause = self._word(word, None, matchers)
            if clause is not None:
                clauses.append(("should", clause))
                terms.append(word)
            number = _plain_number(word)
            if number is not None:  # "1840" also finds "1 840,00" and "1 840 €"
                matchers.entities.add(number)
                clauses.append(("should", self.store.boost(self.store.term("entities", number), ENTITY_BOOST)))
            family = self._family(word, matchers)
            if family is not None:
                clauses.append(("should", family))
        if not clauses:
            return self.store.nothing()
        return self.store.boolean(clauses)

    def _family(self, word: str, matchers: Matchers) -> Any | None:
        folded = [t.text for t in analyze(word, EXACT)]
        if len(folded) != 1 or len(folded[0]) <= PREFIX_MIN or not folded[0].isalpha():
            return None
        pattern = folded[0][: max(PREFIX_MIN, len(folded[0]) - 3)] + "[a-z0-9]*"
        matchers.patterns.append(re.compile(pattern))
        return self.store.boost(self.store.regex("text_exact", pattern), PREFIX_BOOST)

    # --- operators ---------------------------------------------------------------------------------------
    def _group(self, group: Group, matchers: Matchers, terms: list[str]) -> Any:
        clauses: list[tuple[Occur, Any]] = []
        for occur, node in group.clauses:
            track = occur != "must_not"
            query = self._node(node, matchers if track else Matchers(), terms if track else [])
            if query is not None:
                clauses.append((occur, query))
        if not clauses:
            return self.store.nothing()
        if all(occur == "must_not" for occur, _ in clauses):
            clauses.append(("must", self.store.everything()))
        return self.store.boolean(clauses)

    def _node(self, node: Node, matchers: Matchers, terms: list[str]) -> Any:
        if isinstance(node, Group):
            return self._group(node, matchers, terms)
        if isinstance(node, Phrase):
            terms.append(f'"{node.text}"')
            return self._phrase(node.text, node.field, matchers)
        terms.append(node.text)
        if node.fuzzy:
            matchers.patterns.append(_fuzzy_regex(node.text, node.fuzzy))
            return self.store.fuzzy("text_exact", fold(node.text), node.fuzzy)
        if node.wildcard:
            pattern = _wildcard_regex(node.text)
            matchers.patterns.append(re.compile(pattern))
            return self.store.regex("text_exact", pattern)
        entities = find_entities(node.text, query=True) if node.field is None else []
        if entities and entities[0].end - entities[0].start == len(node.text):
            return self._entity(entities[0], node.text, matchers)
        return self._word(node.text, node.field, matchers)

    # --- leaves -----------------------------------------------------------------------------------------
    def _word(self, word: str, field_name: str | None, matchers: Matchers) -> Any | None:
        if field_name == "kind":
            return self.store.term("kind", fold(word))
        if field_name == "path":
            tokens = [t.text for t in analyze(word, EXACT)]
            return self._sequence("path", tokens) if tokens else None
        stems = [t.text for t in analyze(word, FRENCH)]
        if not stems:
            return None
        exact = [t.text for t in analyze(word, EXACT)]
        if field_name == "title":
            return self._sequence("title", stems)
        if len(stems) > 1:  # "garde-à-vue", "aujourd'hui": a phrase of its parts
            matchers.phrases.append(stems)
        else:
            matchers.stems.add(stems[0])
        matchers.exact.update(exact)
        options: list[tuple[Occur, Any]] = [("should", self._sequence("text", stems))]
        if field_name is None:
            options.append(("should", self.store.boost(self._sequence("text_exact", exact), EXACT_BOOST)))
            options.append(("should", self.store.boost(self._sequence("title", stems), TITLE_BOOST)))
        query = self.store.boolean(options) if len(options) > 1 else options[0][1]
        if field_name is None and len(exact) == 1:
            noisy = self._noisy(word, matchers)
            if noisy is not None:  # the word as written, or else as a bad OCR may have read it
                query = self.store.dismax([query, noisy])
        return query

    def _noisy(self, word: str, matchers: Matchers) -> Any | None:
        """The word's OCR key in ``text_ocr`` (arbiter_desktop/noisytext.py), or None for a short word."""
        key = ocr_key(word)
        if not key:
            return None
        matchers.ocr_keys.add(key)
        clauses: list[tuple[Occur, Any]] = [("should", self.store.term("text_ocr", key))]
        if OCR_FUZZY_FROM and len(key) >= OCR_FUZZY_FROM:
            clauses.append(("should", self.store.boost(self.store.fuzzy("text_ocr", key, 1), OCR_FUZZY_BOOST)))
        query = self.store.boolean(clauses) if len(clauses) > 1 else clauses[0][1]
        return self.store.boost(query, OCR_BOOST)

    def _phrase(self, text: str, field_name: str | None, matchers: Matchers) -> Any | None:
        target = field_name or "text"
        tokens = analyze(text, EXACT) if target == "path" else analyze(text, FRENCH)
        if not tokens:
            return None
        if target == "text":
            matchers.phrases.append([t.text for t in tokens])
        return self._positioned(target, text, FRENCH if target != "path" else EXACT)

    def _positioned(self, field_name: str, text: str, analyzer: str) -> Any:
        """A phrase that keeps the gaps left by removed elisions ("prolongation de l'audition")."""
        from arbiter_desktop.stores.lexical import analyzers

        raw = analyzers()[analyzer].pre_tokenize(text).tokens
        if len(raw) == 1:
            return self.store.term(field_name, raw[0].text)
        base = raw[0].position
        return self.store.phrase(field_name, [(t.position - base, t.text) for t in raw])

    def _sequence(self, field_name: str, tokens: list[str]) -> Any:
        if len(tokens) == 1:
            return self.store.term(field_name, tokens[0])
        return self.store.phrase(field_name, tokens)

    def _entity(self, entity: Entity, written: str, matchers: Matchers) -> Any:
        """An entity of the query: its keys in the entity field (any written form), or its words as written."""
        keys = entity.all_keys()
        matchers.entities.update(keys)
        exact = [t.text for t in analyze(written, EXACT)]
        by_key = [self.store.term("entities", key) for key in keys]
        options: list[tuple[Occur, Any]] = [
            ("should", self.store.boost(by_key[0] if len(by_key) == 1 else self.store.dismax(by_key), ENTITY_BOOST))
        ]
        if exact:
            options.append(("should", self._sequence("text_exact", exact)))
        whole = _whole_value(entity)
        if whole is not None and [whole] != exact:  # "1 840 €" also finds a plain "1840"
            matchers.exact.add(whole)
            options.append(("should", self.store.term("text_exact", whole)))
        return self.store.boolean(options)


def _international_prefix(text: str) -> str:
    """ "+33 6 41 93 07 62" written "0033 6 41 93 07 62": the "+" of a phone number is not the must operator."""
    for entity in reversed(find_entities(text, query=True)):
        if text.startswith("+", entity.start):
            text = text[: entity.start] + "00" + text[entity.start + 1 :]
    return text


def _plain_number(word: str) -> str | None:
    """The number key of a plain integer of four digits or more typed in a query ("1840", "214300")."""
    if len(word) < 4 or not word.isdigit():
        return None
    return search_key(EntityType.NUMBER, str(int(word)))


def _whole_value(entity: Entity) -> str | None:
    """An amount's or number's value as a plain integer word, when it is one ("1 840,00 €" → "1840")."""
    if entity.type not in (EntityType.AMOUNT, EntityType.NUMBER):
        return None
    value = entity.value.split(" ")[0]
    return value if value.isdigit() else None
