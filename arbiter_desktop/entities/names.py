"""Person and place names: spaCy's French pipeline (``fr_core_news_sm``, its NER only) with the rules of procedural
prose around it.

The model (LGPL-LR, trained on WikiNER) reads encyclopaedic prose; in a procès-verbal it also takes ranks, roles
and the verbs that open a sentence ("Constatons", "Brigadier", "République") for names, and misses the
"Prénom NOM" of the people a PV names when it tags them as MISC. So a name is kept when, once the titles around it
are removed, every word of it is written as a name (capital initial, or a particle such as "de", "el", "ben"), no
word is one of procedural prose's own, and the document does not write all its words in lower case elsewhere (a
word written "surveillance" in the text is a common word when a sentence starts with it). People whose surname is
written in capitals, the custom of police writing ("Samir HADDAD", "HADDAD Samir", "M. HADDAD"), are found by
rule whatever the model says.

Canonical values: persons as their words without accents, lower case, sorted ("haddad samir" for "Samir HADDAD"
and "HADDAD Samir"); a surname alone is the full name of the one person of the document who bears it; places as
their words without accents, lower case.

Runs in the indexer's names phase (indexing/names.py), after the text is searchable: about 8,000 words a second on
one core. Without the model (a source installation without it), :func:`load` says so and the phase is skipped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from arbiter_desktop.config import paths
from arbiter_desktop.entities.model import Entity, EntityType

if TYPE_CHECKING:
    from spacy.language import Language

MODEL = "fr_core_news_sm"
# Only the recogniser runs (it has its own token encoder): the shared encoder, parser, tagger and lemmatiser cost
# most of the time and give nothing here
EXCLUDED = ("tok2vec", "parser", "morphologizer", "lemmatizer", "attribute_ruler", "senter")
VERSION = 2  # of the rules below: documents named by an older version are read again
ACRONYM_LEXICON = "acronymes_police_justice.tsv"  # in resources/lexicons
MAX_CHARS = 200_000  # a document is read in pieces of this size at most (the model's memory grows with length)
BATCH = 16


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Titles and words that precede or follow a name without being part of it
_TITLES = _words(
    """m m. mm mm. mme mme. mmes mlle mlle. melle monsieur messieurs madame mesdames mademoiselle me me. maître dr dr.
    docteur pr professeur sieur dame nommé nommée dénommé dénommée dit dite alias épouse époux veuve née né le la
    les l' du de des d' au aux et ou à en sur chez par pour avec sans vers cne cdt cpt lt ltn adj adc bgdc bgd brig
    gpx gdp maj mdl mdc col gal cen"""
)
# Procedural prose's own capitalised words: ranks, roles, services, institutions, document parts, PV verbs
_PROSE = _words(
    """nous vous ils elles il elle je on attendu vu constatons mettons prenons disons notifions avisons informons
    requérons procédons entendons recevons interpellons plaçons rédigeons clôturons transportons présentons
    poursuivons demandons réponse question questions mention mentions objet suite pièce pièces annexe annexes
    brigadier brigadier-chef gardien gardienne paix capitaine lieutenant commandant commissaire adjudant
    adjudant-chef gendarme maréchal maréchal-des-logis major officier officiers agent agents adjoint adjointe
    procureur procureure substitut juge juges président présidente greffier greffière avocat avocate bâtonnier
    enquêteur enquêtrice enquêteurs chef sergent colonel général préfet préfète maire directeur directrice
    république tribunal tribunaux cour parquet police gendarmerie justice ministère préfecture commissariat brigade
    groupe service services sûreté direction office section unité compagnie division département départementale
    départemental nationale national judiciaire judiciaires administrative publique sécurité surveillance
    procès-verbal procès-verbaux audition auditions perquisition perquisitions garde vue interpellation réquisition
    réquisitions scellé scellés rapport synthèse enquête individu individus témoin victime mis cause plaignant
    plaignante requérant requérante intéressé intéressée lundi mardi mercredi jeudi vendredi samedi dimanche janvier
    février mars avril mai juin juillet août septembre octobre novembre décembre madame monsieur copie original page
    fin total substitute état conduisons relevons replaçons confirmez informé informée assisté assistée rédacteur
    rédactrice carte conversation message messages appel appels ligne téléphone compte dossier affaire"""
)
_STREETS = _words(
    """rue avenue av boulevard bd place allée chemin impasse quai cours route square passage voie résidence cité"""
)
_PARTICLES = _words("""de du des d' la le van von der den el al ben ibn bin ould da di dos""")
# Vehicle makes, which PVs write before a model in capitals ("Yamaha TMAX", "Renault CLIO"): that order is never a
# person's first name and surname. Makes that are also first names (Mercedes) are left out; a surname that is a
# make ("Cécile RENAULT") is still a person.
# Platforms, operators and weapon makes that statements name like people or places ("sur Snapchat", "un Glock"),
# and the legal forms of companies, which name a company, not a person ("SARL Maison …", "Meta Platforms Ireland Ltd")
_BRANDS = _words(
    """snapchat snap instagram whatsapp facebook messenger telegram tiktok twitter youtube google leboncoin vinted
    uber paypal sncf ratp sfr bouygues glock beretta kalachnikov kalashnikov
    sarl eurl sasu selarl ltd inc gmbh llc"""
)
_MAKES = _words(
    """renault peugeot citroën dacia volkswagen audi bmw toyota nissan honda yamaha suzuki kawasaki fiat opel skoda
    hyundai kia mazda volvo porsche ferrari lamborghini maserati jeep mitsubishi subaru lexus cupra chevrolet lancia
    piaggio vespa ducati ktm aprilia iveco scania tesla ford"""
)
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*")  # a word: letters, inner apostrophes and hyphens
_CAPS = r"[A-ZÀ-ÖØ-Þ]"
_SURNAME = rf"{_CAPS}{{2,}}(?:[-' ]{_CAPS}{{2,}})*"  # HADDAD, EL AMRANI, LE-GALL
_FIRST = rf"{_CAPS}[a-zß-öø-ÿ]+(?:-{_CAPS}[a-zß-öø-ÿ]+)?"  # Samir, Jean-Marc
_TITLE = r"(?:M\.|Mme|Mlle|Monsieur|Madame|Mademoiselle|Me|Maître|nommée?|dénommée?)"
# Surnames in capitals, the custom of police writing: "Samir HADDAD", "HADDAD Samir", "M. HADDAD"
_RULE_PERSON = re.compile(
    rf"(?<![\w-])(?:(?!{_TITLE}[ \t])(?P<first>{_FIRST})[ \t]+(?P<last>{_SURNAME})(?![\w-])"
    rf"|(?P<last2>{_SURNAME})[ \t]+(?P<first2>{_FIRST})(?![\w-])"
    rf"|{_TITLE}[ \t]+(?P<last3>{_SURNAME})(?![\w-]))"
)


# Streets and residences: "rue des Lilas", "avenue Jean-Jaurès", "résidence Les Glycines" (the number before is not
# part of the name)
_NAME_WORD = rf"{_CAPS}[\w'’]*(?:-[\w'’]+)*"
_RULE_STREET = re.compile(
    r"(?<![\w-])(?:[Rr]ue|[Aa]venue|[Aa]llée|[Bb]oulevard|[Pp]lace|[Cc]hemin|[Ii]mpasse|[Qq]uai|[Cc]ours|[Rr]oute"
    r"|[Ss]quare|[Cc]ité|[Rr]ésidence)[ \t]+(?:(?:de[ \t]+la|de[ \t]+l['’]|d['’]|des|du|de|les|Les|la|La|le|Le)[ \t]*)?"
    rf"{_NAME_WORD}(?:[ \t]+(?:de[ \t]+|d['’])?{_NAME_WORD})*"
)


@dataclass(frozen=True, slots=True)
class _Span:
    type: EntityType
    start: int
    end: int
    rule: bool = False  # found by the rule of surnames in capitals (not by the model)


def _sentence_start(text: str, start: int) -> bool:
    """Whether ``start`` opens a line, a sentence or an item (where every word takes a capital)."""
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in '\n.:;!?-–—•*»«"([)#|>'


def _written_inside_a_sentence(text: str, word: str) -> bool:
    return any(not _sentence_start(text, m.start()) for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text))


def fold(text: str) -> str:
    """Lower case without accents, words separated by one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(plain.replace("’", "'")))


_TITLES_F = frozenset(fold(w) for w in _TITLES)
_PROSE_F = frozenset(fold(w) for w in _PROSE)
_PARTICLES_F = frozenset(fold(w) for w in _PARTICLES)
_STREETS_F = frozenset(fold(w) for w in _STREETS)
_MAKES_F = frozenset(fold(w) for w in _MAKES)
_BRANDS_F = frozenset(fold(w) for w in _BRANDS)


_AFTER_MAKE = re.compile(
    rf"(?<![\w-])(?i:{'|'.join(sorted(_MAKES, key=len, reverse=True))})[ \t]+(?P<model>[^\W\d_][\w-]*)"
)


def _vehicle_models(text: str) -> set[str]:
    """The words this text writes after a vehicle make ("TMAX" of "Yamaha TMAX"): alone further on ("un TMAX noir"),
    they name the vehicle, not a place or a person."""
    return {m.group("model") for m in _AFTER_MAKE.finditer(text)}


@lru_cache(maxsize=1)
def _acronyms() -> frozenset[str]:
    """The acronyms of the police and justice lexicon as they are written ("FOVeS", "TAJ", "OCRTIS"): a word written
    so is the acronym, not a name (the model reads "FOVeS" as a place)."""
    try:
        lines = (paths.resources_dir() / "lexicons" / ACRONYM_LEXICON).read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    return frozenset(term for line in lines[1:] if len(term := line.split("\t", 1)[0].strip()) >= 2)


def _brand_or_acronym(word: str) -> bool:
    """A platform, operator, weapon make or company form, or an acronym of the lexicon: no name's word."""
    return word in _acronyms() or fold(word) in _BRANDS_F


def load() -> Language:
    """The French pipeline with only its recogniser; raises ``NamesUnavailable`` saying what to install."""
    try:
        import spacy
    except ImportError as exc:
        raise NamesUnavailable(f"spaCy is not installed ({exc}): pip install -e . installs it") from exc
    try:
        return spacy.load(MODEL, exclude=list(EXCLUDED))
    except OSError as exc:
        raise NamesUnavailable(
            f"spaCy's French model {MODEL} is not installed: pip install -e . installs it ({exc})"
        ) from exc


class NamesUnavailable(RuntimeError):
    """The model cannot be loaded; the message says what to install."""


class NameFinder:
    """Person and place names of texts (a model loaded once, on first use)."""

    def __init__(self, nlp: Language | None = None) -> None:
        self._nlp = nlp
        self._common: Callable[[str], bool] | None = None

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = load()
        return self._nlp

    @property
    def common(self) -> Callable[[str], bool]:
        """Whether a lower-case word is a French common word (the lemmatiser's tables of the same model)."""
        if self._common is None:
            self._common = common_words()
        return self._common

    def find(self, texts: Sequence[str]) -> list[list[Entity]]:
        """The names of each text, in reading order, without overlaps."""
        pieces: list[tuple[int, int]] = []  # (text index, offset) of each piece the model reads
        contents: list[str] = []
        for i, text in enumerate(texts):
            for offset in range(0, max(len(text), 1), MAX_CHARS):
                pieces.append((i, offset))
                contents.append(text[offset : offset + MAX_CHARS])
        spans: list[list[_Span]] = [[] for _ in texts]
        for (i, offset), doc in zip(pieces, self.nlp.pipe(contents, batch_size=BATCH), strict=True):
            spans[i].extend(_model_spans(doc.ents, offset))
        return [names_of(text, found, self.common) for text, found in zip(texts, spans, strict=True)]


def _model_spans(ents: Iterable[Any], offset: int) -> Iterator[_Span]:
    for ent in ents:
        kind = {"PER": EntityType.PERSON, "LOC": EntityType.PLACE}.get(ent.label_)
        if kind is None and ent.label_ == "MISC":
            kind = EntityType.PERSON if _RULE_PERSON.fullmatch(ent.text) else None
        if kind is not None:
            yield _Span(kind, ent.start_char + offset, ent.end_char + offset)


def common_words() -> Callable[[str], bool]:
    """The French words the model's lemmatiser knows (its lookup and index tables), as a membership test."""
    import spacy
    from spacy.lookups import Lookups

    folders = sorted(Path(spacy.util.get_package_path(MODEL)).glob("*/lemmatizer/lookups"))
    if not folders:
        raise NamesUnavailable(f"the lemmatiser tables of {MODEL} are missing: pip install -e . installs them")
    lookups = Lookups().from_disk(folders[-1])
    forms = lookups.get_table("lemma_lookup")
    lemmas = frozenset(w for words in lookups.get_table("lemma_index").values() for w in words)
    return lambda word: word in lemmas or word in forms


def _never(word: str) -> bool:
    return False


def names_of(text: str, model_spans: Iterable[_Span], common: Callable[[str], bool] = _never) -> list[Entity]:
    """The names of ``text``: the model's spans, cleaned and checked, and the persons found by rule; ``common``
    tells a French common word (lower case) from a name."""
    lowered = set(_WORD.findall(text)) if text else set()
    candidates: list[_Span] = [
        _Span(EntityType.PERSON, m.start(), m.end(), rule=True)
        for m in _RULE_PERSON.finditer(text)
        if _plausible_person(text, m, lowered, common)
    ]
    candidates += [_Span(EntityType.PLACE, m.start(), m.end(), rule=True) for m in _RULE_STREET.finditer(text)]
    models = _vehicle_models(text)
    for span in model_spans:
        cleaned = _cleaned(text, span, lowered, common)
        if cleaned is not None and not (models and set(_WORD.findall(text[cleaned.start : cleaned.end])) <= models):
            candidates.append(cleaned)
    taken: list[_Span] = []
    for span in candidates:  # the rule's spans first: their bounds are exact
        if not any(span.start < t.end and t.start < span.end for t in taken):
            taken.append(taken_span := _trimmed(text, span))
            if taken_span.end <= taken_span.start:
                taken.pop()
    taken.sort(key=lambda s: s.start)
    return _canonical(text, taken)


def _plausible_person(text: str, m: re.Match[str], lowered: set[str], common: Callable[[str], bool]) -> bool:
    """Not a rank, a role, an acronym ("Archive ZIP") or a common word before a capitalised word ("Carte SIM":
    "carte" is written in lower case; a heading "Interpellations FERRAND")."""
    words = [w for w in m.group("first", "last", "last2", "first2", "last3") if w]
    if any(_prose_or_title(w) or _brand_or_acronym(w) for w in words):  # "SNCF Gares"
        return False
    if m.group("first") and fold(m.group("first")) in _MAKES_F:  # "Yamaha TMAX": a make and its model
        return False
    last = m.group("last") or m.group("last2") or m.group("last3")
    if len(last) <= 3:  # an acronym: "Archive ZIP", "Extraction SMS"
        return False
    first = m.group("first") or m.group("first2")
    if first is None:
        return True
    if first.lower() in lowered:
        return False
    return not (common(first.lower()) and _sentence_start(text, m.start()))


def _cleaned(text: str, span: _Span, lowered: set[str], common: Callable[[str], bool]) -> _Span | None:
    """The span without its titles, or None when it is not a name (see the module's docstring). A name after
    "rue", "allée", "résidence"… is a place with that word ("rue des Glycines"), whatever the model called it."""
    chunk = text[span.start : span.end]
    cut = _BREAK.search(chunk)  # "Yohann MERCIER — Équipiers": a name ends at a dash, a colon, a slash
    if cut is not None:
        chunk = chunk[: cut.start()]
    if "\n" in chunk:
        return None
    number = _LEADING_NUMBER.match(chunk)  # "12 bis rue des Lilas": the street without its number
    skip = number.end() if number is not None else 0
    if any(c.isdigit() for c in chunk[skip:]):
        return None
    words = [w for w in _WORD.finditer(chunk) if w.start() >= skip]
    place = span.type is EntityType.PLACE
    while words and _prose_or_title(words[0].group()) and not (place and fold(words[0].group()) in _PLACE_ARTICLES):
        words.pop(0)
    while words and (fold(words[-1].group()) in _TITLES_F or fold(words[-1].group()) in _PARTICLES_F):
        words.pop()
    while len(words) > 1 and common(words[0].group().lower()) and _sentence_start(text, span.start + words[0].start()):
        words.pop(0)  # a heading's common word before a name: "Interpellations FERRAND"
    if not words:
        return None
    names = [w.group() for w in words if fold(w.group()) not in _PARTICLES_F]
    if not names or len(names) > 5:
        return None
    start, end = span.start + words[0].start(), span.start + words[-1].end()
    for word in names:
        if not word[0].isupper() or fold(word) in _PROSE_F or len(word) < 2:
            return None
    if any(not w.group()[0].isupper() and fold(w.group()) not in _PARTICLES_F for w in words):
        return None
    if any(_brand_or_acronym(w) for w in names):  # "FOVeS", "OCRTIS Marseille", "Snap Inc"
        return None  # even after "à": "signalé à Instagram"
    street = _street_before(text, start)
    if street is not None:
        return _Span(EntityType.PLACE, street, end)
    after_to = re.search(r"(?:^|\s)(?:à|vers)\s+$", text[max(0, start - 6) : start]) is not None
    if after_to and len(names) == 1 and not names[0].isupper():
        return _Span(EntityType.PLACE, start, end)  # "à Aurillac", "vers Vienne": a place whatever the model said
    if all(w.lower() in lowered for w in names):  # every word also written in lower case: common words
        return None
    if any(w.isupper() and len(w) <= 3 for w in names):  # an acronym ("SIM", "BSU Valbrenne", "TJ de …")
        return None
    if len(names) > 1 and fold(names[0]) in _MAKES_F:  # "Renault Clio", "Yamaha TMAX"
        return None
    if all(common(w.lower()) for w in names):  # "Résumé", "Plainte", "DOLÉANCES": headings, not names
        return None
    opens = len(names) == 1 and not names[0].isupper() and _sentence_start(text, start)
    if opens and not _written_inside_a_sentence(text, names[0]):  # a capital only because it opens a sentence
        return None
    return _Span(span.type, start, end)


_LEADING_NUMBER = re.compile(r"[\d\s,]*(?:(?:bis|ter)\b)?\s*")
_BREAK = re.compile(r"\s[—–/|:]|[:;,()]")


def _prose_or_title(word: str) -> bool:
    """A title, or a word of procedural prose, also in the plural ("Brigadiers GALLAND")."""
    folded = fold(word)
    return folded in _TITLES_F or folded in _PROSE_F or (folded.endswith("s") and folded[:-1] in _PROSE_F)


_ARTICLES = frozenset({"de", "du", "des", "d", "la", "le", "les", "l"})
_PLACE_ARTICLES = frozenset({"la", "le", "les", "l"})  # part of a town's name: "Le Puy-en-Velay", "La Ciotat"


def _street_before(text: str, start: int) -> int | None:
    """Where "rue", "allée des", "résidence Les"… begins when one comes just before ``start``."""
    before = list(_WORD.finditer(text[max(0, start - 40) : start]))
    offset = max(0, start - 40)
    if not before or text[offset + before[-1].end() : start].strip():
        return None
    for skipped, word in enumerate(reversed(before)):
        folded = fold(word.group())
        if folded in _STREETS_F:
            return offset + word.start()
        if skipped >= 2 or folded not in _ARTICLES:
            return None
    return None


def _trimmed(text: str, span: _Span) -> _Span:
    """Without the title a rule's person starts with ("M. HADDAD" → "HADDAD")."""
    start = span.start
    title = re.match(rf"{_TITLE}[ \t]+", text[start : span.end])
    if title:
        start += title.end()
    return _Span(span.type, start, span.end, span.rule)


def _canonical(text: str, spans: list[_Span]) -> list[Entity]:
    """Entities with canonical values. A part of one person's full name in the document ("FERRAND", "Dylan",
    "M. EL HADDADI") is that person, whatever the model called it (even a place); a surname in capitals alone that
    no full name of the document explains, and no title precedes, is left out (a heading, an acronym)."""
    values = {id(s): fold(text[s.start : s.end]) for s in spans}
    full: dict[str, tuple[frozenset[str], str]] = {}  # full name's value → (its words but particles, its display)
    for s in spans:
        words = values[id(s)].split()
        named = frozenset(w for w in words if w not in _PARTICLES_F)
        if s.type is EntityType.PERSON and len(named) > 1:
            full.setdefault(" ".join(sorted(words)), (named, " ".join(text[s.start : s.end].split())))
    places = {values[id(s)] for s in spans if s.type is EntityType.PLACE}
    entities: list[Entity] = []
    for s in spans:
        value = values[id(s)]
        display = " ".join(text[s.start : s.end].split())
        words = value.split()
        named = frozenset(w for w in words if w not in _PARTICLES_F)
        if not named:
            continue
        kind = s.type
        part_of = (
            [k for k, (whole, _) in full.items() if named < whole]
            if kind is EntityType.PERSON or (len(named) == 1 and not s.rule)
            else []
        )
        if part_of:
            kind = EntityType.PERSON
            value = part_of[0] if len(part_of) == 1 else " ".join(sorted(words))
            display = full[part_of[0]][1] if len(part_of) == 1 else display
        elif kind is EntityType.PERSON and not s.rule and value in places:
            kind = EntityType.PLACE  # the model called it a place elsewhere in the document ("Givors")
        elif kind is EntityType.PERSON:
            if len(named) == 1 and display.isupper() and not s.rule:
                continue
            value = " ".join(sorted(words))
        entities.append(Entity(kind, value, display, s.start, s.end))
    return entities
