"""What the catalog knows of each document's content beyond its text: its entities and its MinHash signature.

Tables (catalog migration ``entities_and_signatures``): ``entities`` (type, canonical value, display form),
``document_entities`` (per document: count, first offsets, written forms), ``document_analysis`` (the version of
the analysis a document received, its signature) and ``document_bands`` (LSH keys, to find near-duplicates);
migration ``names``: ``document_names`` (the version of the name rules a document was read with; its person and
place names are rows of ``document_entities`` like the others); migration ``readings``: ``words`` (the case's
words and how often they are written) and ``document_readings`` (the words a badly recognised document's reading
replaces, noisytext.py). Recording a document's analysis again (its text changed) drops its names and its
reading: the names and readings phases read it again.
Rows follow their document: deleting a document deletes them (foreign keys cascade).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from arbiter_desktop.chunking.derived import TextAnalysis
from arbiter_desktop.duplicates import facts as doc_facts
from arbiter_desktop.duplicates import minhash
from arbiter_desktop.entities import LISTED_TYPES, Entity, EntityType, search_key
from arbiter_desktop.noisytext import Vocabulary, folded_word, ocr_key, word_counts
from arbiter_desktop.stores.catalog import Catalog

ANALYSIS_VERSION = 3  # bump when the recognisers or the signature change: documents are analysed again
FIRST_OFFSETS = 5  # offsets kept per entity and document
NAME_TYPES = (EntityType.PERSON, EntityType.PLACE)  # found by the names phase (entities/names.py)
READING_VERSION = 1  # bump when the rules of noisytext.reading_fixes change: the case's words are counted again
COUNT_CHARS = 4_000_000  # characters of text whose words are counted at once


@dataclass(frozen=True, slots=True)
class EntitySummary:
    """An entity of the case: in how many documents, how many times, and how it is written."""

    type: EntityType
    value: str
    display: str
    valid: bool
    documents: int
    occurrences: int

    @property
    def key(self) -> str:
        return search_key(self.type, self.value)


@dataclass(frozen=True, slots=True)
class EntityOccurrence:
    """An entity in one document."""

    document_id: int
    count: int
    offsets: tuple[tuple[int, int], ...]
    forms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cooccurrence:
    """Two entities found in the same documents."""

    a: EntitySummary
    b: EntitySummary
    documents: int


def record(catalog: Catalog, document_id: int, text: str, found: TextAnalysis) -> None:
    """Record a document's entities and signature (inside the caller's transaction), replacing earlier ones;
    ``found``: what ``chunking.derived.analyse_text`` gives for ``text``."""
    db = catalog.db
    db.execute("DELETE FROM document_entities WHERE document_id=?", (document_id,))
    db.execute("DELETE FROM document_bands WHERE document_id=?", (document_id,))
    db.execute("DELETE FROM document_names WHERE document_id=?", (document_id,))
    db.execute("DELETE FROM document_readings WHERE document_id=?", (document_id,))  # its new text is read anew
    _insert_entities(db, document_id, text, found.entities)
    db.execute(
        "INSERT OR REPLACE INTO document_analysis VALUES (?, ?, ?, ?)",
        (document_id, ANALYSIS_VERSION, found.signature, found.facts),
    )
    if found.signature is not None:
        keys = found.bands or minhash.band_keys(minhash.from_bytes(found.signature))
        db.executemany("INSERT INTO document_bands VALUES (?, ?)", [(key, document_id) for key in keys])


def record_names(catalog: Catalog, document_id: int, text: str, names: Sequence[Entity], version: int) -> None:
    """Record a document's person and place names (inside the caller's transaction), replacing earlier ones."""
    db = catalog.db
    db.execute(
        "DELETE FROM document_entities WHERE document_id=? AND entity_id IN"
        f" (SELECT id FROM entities WHERE type IN ({','.join('?' * len(NAME_TYPES))}))",
        (document_id, *[t.value for t in NAME_TYPES]),
    )
    _insert_entities(db, document_id, text, [n for n in names if n.type in NAME_TYPES])
    db.execute("INSERT OR REPLACE INTO document_names VALUES (?, ?)", (document_id, version))


def unnamed(catalog: Catalog, version: int, limit: int = 1000, after: int = 0) -> list[int]:
    """Documents a file references whose names were not read with rules of ``version`` (ids above ``after``)."""
    rows = catalog.db.execute(
        "SELECT d.id FROM documents d LEFT JOIN document_names n ON n.document_id = d.id"
        " WHERE (n.version IS NULL OR n.version < ?) AND d.id > ?"
        " AND (EXISTS (SELECT 1 FROM files f WHERE f.document_id = d.id)"
        " OR EXISTS (SELECT 1 FROM members m WHERE m.document_id = d.id)) ORDER BY d.id LIMIT ?",
        (version, after, limit),
    )
    return [int(r[0]) for r in rows]


_REFERENCED = (
    "(EXISTS (SELECT 1 FROM files f WHERE f.document_id = d.id)"
    " OR EXISTS (SELECT 1 FROM members m WHERE m.document_id = d.id))"
)


def uncounted(catalog: Catalog, limit: int = 1000, after: int = 0) -> list[int]:
    """Documents a file references whose words are not counted in ``words`` yet (ids above ``after``)."""
    rows = catalog.db.execute(
        "SELECT d.id FROM documents d LEFT JOIN document_readings r ON r.document_id = d.id"
        f" WHERE r.document_id IS NULL AND d.id > ? AND {_REFERENCED} ORDER BY d.id LIMIT ?",
        (after, limit),
    )
    return [int(r[0]) for r in rows]


def count_words(catalog: Catalog, document_ids: Sequence[int]) -> None:
    """Add the words of those of these documents not counted yet to the case's counts (inside the caller's
    transaction); each is then counted, awaiting its judgement (:func:`to_judge`)."""
    counted: set[int] = set()
    for i in range(0, len(document_ids), 500):
        part = list(document_ids[i : i + 500])
        counted.update(
            int(r[0])
            for r in catalog.db.execute(
                f"SELECT document_id FROM document_readings WHERE document_id IN ({','.join('?' * len(part))})", part
            )
        )
    new = [i for i in document_ids if i not in counted]
    if not new:
        return
    total: Counter[str] = Counter()
    together: list[str] = []
    size = 0
    for _, text in texts(catalog, new):  # counted a few megabytes of text at once (long documents one by one)
        together.append(text)
        size += len(text)
        if size >= COUNT_CHARS:
            total.update(word_counts("\n\n".join(together)))
            together, size = [], 0
    total.update(word_counts("\n\n".join(together)))
    catalog.db.executemany(
        "INSERT INTO words VALUES (?, ?, ?, ?) ON CONFLICT(word) DO UPDATE SET count = count + excluded.count",
        [(word, folded_word(word), key, count) for word, count in total.items() if (key := ocr_key(word))],
    )
    catalog.db.executemany(
        "INSERT INTO document_readings (document_id, version) VALUES (?, ?)", [(i, READING_VERSION) for i in new]
    )


def outdated_readings(catalog: Catalog) -> list[int] | None:
    """When readings were made by older rules: forget them and the counts (inside the caller's transaction); the
    documents whose reading replaced words (the full-text index holds those words) are pending again, to be sent
    as they are written. Returns them, or None when the readings are current."""
    if catalog.db.execute("SELECT 1 FROM document_readings WHERE version < ? LIMIT 1", (READING_VERSION,)).fetchone():
        fixed = [int(r[0]) for r in catalog.db.execute("SELECT document_id FROM document_readings WHERE fixes != '{}'")]
        catalog.db.execute("DELETE FROM document_readings")
        catalog.db.execute("DELETE FROM words")
        for document_id in fixed:
            catalog.mark_pending(document_id)
        return fixed
    return None


def word_total(catalog: Catalog) -> int:
    """How many words (of an OCR key's length) the counted documents hold."""
    return int(catalog.db.execute("SELECT COALESCE(SUM(count), 0) FROM words").fetchone()[0])


def texts(catalog: Catalog, document_ids: Iterable[int]) -> Iterator[tuple[int, str]]:
    """(id, text) of these documents that exist, in the order given, read one at a time (a batch of documents may
    hold long texts)."""
    for document_id in document_ids:
        row = catalog.db.execute("SELECT text FROM documents WHERE id=?", (document_id,)).fetchone()
        if row is not None:
            yield document_id, str(row[0])


def vocabulary_for(catalog: Catalog, words: Iterable[str], total: int) -> Vocabulary:
    """The case's words that share an OCR key with one of ``words`` (the words of the documents to judge: read
    from the key's index, not the whole table), as a vocabulary of a case of ``total`` words."""
    keys = sorted({key for word in words if (key := ocr_key(word))})
    rows: list[tuple[str, str, str, int]] = []
    for i in range(0, len(keys), 500):
        part = keys[i : i + 500]
        rows += catalog.db.execute(
            f"SELECT word, folded, key, count FROM words WHERE key IN ({','.join('?' * len(part))})", part
        )
    return Vocabulary(rows, total)


# documents to judge in a case of ? words (given twice): not judged yet, or judged when the case had at most half of
# its words (its dictionary has grown enough to read them better)
_TO_JUDGE = "(fixes IS NULL OR (judged_words * 2 <= ? AND ? > judged_words))"


def to_judge(catalog: Catalog, words: int, limit: int = 1000, after: int = 0) -> list[int]:
    """Counted documents not judged yet, or judged when the case had at most half of its ``words`` now (its
    dictionary has grown enough to read them better), ids above ``after``."""
    rows = catalog.db.execute(
        f"SELECT document_id FROM document_readings WHERE {_TO_JUDGE} AND document_id > ? ORDER BY document_id LIMIT ?",
        (words, words, after, limit),
    )
    return [int(r[0]) for r in rows]


def suspect_words(catalog: Catalog, total: int) -> set[str]:
    """The folded forms of the case's words that look like a bad reading of another of its words (a case of
    ``total`` words): a document holding none of them has nothing to read differently. Only the words that share
    their OCR key with a word spelt otherwise are looked at."""
    rows: list[tuple[str, str, str, int]] = list(
        catalog.db.execute(
            "SELECT word, folded, key, count FROM words WHERE key IN"
            " (SELECT key FROM words GROUP BY key HAVING COUNT(DISTINCT folded) > 1)"
        )
    )
    vocabulary = Vocabulary(rows, total)
    return {folded for word, folded, _, _ in rows if vocabulary.twin(word) is not None}


def to_judge_count(catalog: Catalog, words: int) -> int:
    """How many documents :func:`to_judge` has to give."""
    row = catalog.db.execute(f"SELECT COUNT(*) FROM document_readings WHERE {_TO_JUDGE}", (words, words)).fetchone()
    return int(row[0])


def record_readings(catalog: Catalog, judged: Mapping[int, dict[str, str]], words: int) -> list[int]:
    """Record the judgements of documents (id → the words its reading replaces, inside the caller's transaction)
    made when the case held ``words`` words; the documents whose reading changed: the catalog's generation is
    bumped and recorded with them (only then), and they are pending (sent to the full-text index again at the next
    flush, or the next run's) and their names are read again (the names phase reads a document's reading)."""
    before = readings(catalog, list(judged))
    changed = [i for i, fixes in judged.items() if before.get(i, {}) != fixes]
    catalog.db.executemany(
        "UPDATE document_readings SET fixes=?, judged_words=? WHERE document_id=?",
        [(json.dumps(fixes, ensure_ascii=False, sort_keys=True), words, i) for i, fixes in judged.items()],
    )
    if changed:
        generation = catalog.bump_generation()
        catalog.db.executemany(
            "UPDATE document_readings SET generation=? WHERE document_id=?", [(generation, i) for i in changed]
        )
    for document_id in changed:
        catalog.mark_pending(document_id)
        catalog.db.execute("DELETE FROM document_names WHERE document_id=?", (document_id,))  # names read again
    return changed


def readings(catalog: Catalog, document_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """The words to replace in the readings of these documents (only those that have some)."""
    found: dict[int, dict[str, str]] = {}
    for i in range(0, len(document_ids), 500):
        part = list(document_ids[i : i + 500])
        rows = catalog.db.execute(
            "SELECT document_id, fixes FROM document_readings WHERE fixes IS NOT NULL AND fixes != '{}'"
            f" AND document_id IN ({','.join('?' * len(part))})",
            part,
        )
        found.update({int(d): json.loads(f) for d, f in rows})
    return found


def read_since(catalog: Catalog, generation: int) -> list[int]:
    """Documents whose reading changed after catalog ``generation``."""
    rows = catalog.db.execute("SELECT document_id FROM document_readings WHERE generation > ?", (generation,))
    return [int(r[0]) for r in rows]


SETTLE_FACTOR = 2  # a one-word name changes type when the case reads it the other way in this many times the documents
SETTLE_MIN_DOCUMENTS = 2  # ... and in at least this many


def settle_names(catalog: Catalog) -> int:
    """Make the case's readings of one-word names agree (inside the caller's transaction); the number of document
    rows moved. Each document is read alone, and the recogniser sometimes takes a town for a person ("Commissariat
    de Vitrolles") or a first name for a place ("demandé à Walid"). A one-word person whose word the case reads as a
    place in ``SETTLE_FACTOR`` times as many documents becomes that place, and a one-word place whose word is a
    person's name (alone or in a full name) in that many more documents becomes that person; a word written in
    capitals stays a person (a surname by the custom of police writing: "M. NANTES"). Rows only move toward the
    case's majority; a document read again comes back as read, and the next settling moves it again."""
    db = catalog.db
    rows = db.execute(
        "SELECT e.id, e.type, e.value, e.display, de.document_id, de.count, de.offsets, de.forms FROM entities e"
        " JOIN document_entities de ON de.entity_id = e.id WHERE e.type IN (?, ?) AND " + _LIVE,
        (EntityType.PERSON.value, EntityType.PLACE.value),
    ).fetchall()
    places: dict[str, set[int]] = {}  # one-word place: its documents
    people: dict[str, set[int]] = {}  # a word of a person's name: the documents
    single: dict[tuple[str, str], list[_Row]] = {}  # one-word name: its rows
    for entity_id, kind, value, display, document_id, count, offsets, forms in rows:
        words = str(value).split(" ")
        if kind == EntityType.PLACE.value:
            if len(words) == 1:
                places.setdefault(value, set()).add(document_id)
        else:
            for word in words:
                people.setdefault(word, set()).add(document_id)
        if len(words) == 1:
            row = _Row(entity_id, document_id, display, count, json.loads(offsets), json.loads(forms))
            single.setdefault((kind, value), []).append(row)
    moved = 0
    for (kind, value), held in single.items():
        as_place, as_person = places.get(value, set()), people.get(value, set())
        if kind == EntityType.PERSON.value:
            winner, loser, target = as_place, as_person - as_place, EntityType.PLACE
        else:
            winner, loser, target = as_person, as_place - as_person, EntityType.PERSON
        if len(winner) < max(SETTLE_MIN_DOCUMENTS, SETTLE_FACTOR * len(loser)):
            continue
        for row in held:
            if target is EntityType.PLACE and any(f.isupper() for f in row.forms):
                continue  # "M. NANTES": a surname
            _move(db, row, target, value)
            moved += 1
    return moved


@dataclass(frozen=True, slots=True)
class _Row:
    """A document's row of an entity, as settle_names read it."""

    entity_id: int
    document_id: int
    display: str
    count: int
    offsets: list[list[int]]
    forms: list[str]


def _move(db: sqlite3.Connection, row: _Row, kind: EntityType, value: str) -> None:
    """A document's row of an entity moved to the entity of ``kind`` with the same value (merged with the
    document's row of it if there is one)."""
    target = _entity_id(db, kind.value, value, row.display, True)
    count, offsets, forms = row.count, row.offsets, row.forms
    there = db.execute(
        "SELECT count, offsets, forms FROM document_entities WHERE document_id=? AND entity_id=?",
        (row.document_id, target),
    ).fetchone()
    if there is not None:
        count += there[0]
        offsets = sorted(offsets + json.loads(there[1]))[:FIRST_OFFSETS]
        forms = list(dict.fromkeys(json.loads(there[2]) + forms))
        db.execute("DELETE FROM document_entities WHERE document_id=? AND entity_id=?", (row.document_id, target))
    db.execute("DELETE FROM document_entities WHERE document_id=? AND entity_id=?", (row.document_id, row.entity_id))
    db.execute(
        "INSERT INTO document_entities VALUES (?, ?, ?, ?, ?)",
        (row.document_id, target, count, json.dumps(offsets), json.dumps(forms, ensure_ascii=False)),
    )


def _entity_id(db: sqlite3.Connection, kind: str, value: str, display: str, valid: bool) -> int:
    """The id of the entity (``kind``, ``value``), added when new; one statement whether it is new or known."""
    return int(
        db.execute(
            "INSERT INTO entities (type, value, display, valid) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(type, value) DO UPDATE SET valid = max(valid, excluded.valid) RETURNING id",
            (kind, value, display, int(valid)),
        ).fetchone()[0]
    )


def _insert_entities(db: sqlite3.Connection, document_id: int, text: str, entities: Iterable[Entity]) -> None:
    grouped: dict[tuple[str, str], list[Entity]] = {}
    for entity in entities:
        if entity.type in LISTED_TYPES:
            grouped.setdefault((entity.type.value, entity.value), []).append(entity)
    rows = []
    for (kind, value), same in grouped.items():
        entity_id = _entity_id(db, kind, value, same[0].display, any(e.valid for e in same))
        forms = list(dict.fromkeys(text[e.start : e.end] for e in same))
        offsets = [[e.start, e.end] for e in same[:FIRST_OFFSETS]]
        rows.append((document_id, entity_id, len(same), json.dumps(offsets), json.dumps(forms, ensure_ascii=False)))
    db.executemany("INSERT INTO document_entities VALUES (?, ?, ?, ?, ?)", rows)


def unanalysed(catalog: Catalog, limit: int = 1000) -> list[int]:
    """Documents without the current analysis (indexed before it existed, or by an older version)."""
    rows = catalog.db.execute(
        "SELECT d.id FROM documents d LEFT JOIN document_analysis a ON a.document_id = d.id"
        " WHERE a.version IS NULL OR a.version < ? ORDER BY d.id LIMIT ?",
        (ANALYSIS_VERSION, limit),
    )
    return [int(r[0]) for r in rows]


_LIVE = "EXISTS (SELECT 1 FROM files f WHERE f.document_id = de.document_id)"  # documents a file references


def summary(catalog: Catalog, kinds: Iterable[EntityType] = ()) -> list[EntitySummary]:
    """The entities of the case's documents, most widespread first (then by type and value)."""
    wanted = [k.value for k in kinds]
    where = f" AND e.type IN ({','.join('?' * len(wanted))})" if wanted else ""
    rows = catalog.db.execute(
        "SELECT e.type, e.value, e.display, e.valid, COUNT(*), SUM(de.count) FROM entities e"
        f" JOIN document_entities de ON de.entity_id = e.id WHERE {_LIVE}{where}"
        " GROUP BY e.id ORDER BY COUNT(*) DESC, SUM(de.count) DESC, e.type, e.value",
        wanted,
    )
    return [EntitySummary(EntityType(t), str(v), str(d), bool(ok), int(n), int(c)) for t, v, d, ok, n, c in rows]


def occurrences(catalog: Catalog, kind: EntityType, value: str) -> list[EntityOccurrence]:
    """The documents holding an entity, with where and how they write it."""
    rows = catalog.db.execute(
        "SELECT de.document_id, de.count, de.offsets, de.forms FROM document_entities de"
        f" JOIN entities e ON e.id = de.entity_id WHERE e.type=? AND e.value=? AND {_LIVE}"
        " ORDER BY de.document_id",
        (kind.value, value),
    )
    return [
        EntityOccurrence(int(d), int(n), tuple((int(a), int(b)) for a, b in json.loads(o)), tuple(json.loads(f)))
        for d, n, o, f in rows
    ]


def documents_with(catalog: Catalog, kind: EntityType, value: str) -> set[int]:
    return {o.document_id for o in occurrences(catalog, kind, value)}


def cooccurrences(catalog: Catalog, kinds: Iterable[EntityType] = (), limit: int = 200) -> list[Cooccurrence]:
    """Pairs of entities found together in documents, the most shared first."""
    wanted = [k.value for k in kinds]
    where = f" AND ea.type IN ({','.join('?' * len(wanted))}) AND eb.type IN ({','.join('?' * len(wanted))})"
    rows = catalog.db.execute(
        "SELECT a.entity_id, b.entity_id, COUNT(*) FROM document_entities a"
        " JOIN document_entities b ON a.document_id = b.document_id AND a.entity_id < b.entity_id"
        " JOIN entities ea ON ea.id = a.entity_id JOIN entities eb ON eb.id = b.entity_id"
        " WHERE EXISTS (SELECT 1 FROM files f WHERE f.document_id = a.document_id)"
        f"{where if wanted else ''} GROUP BY a.entity_id, b.entity_id ORDER BY COUNT(*) DESC, a.entity_id, b.entity_id"
        " LIMIT ?",
        [*wanted, *wanted, limit] if wanted else [limit],
    )
    pairs = [(int(a), int(b), int(n)) for a, b, n in rows]
    by_id = _summaries_by_id(catalog, {i for a, b, _ in pairs for i in (a, b)})
    return [Cooccurrence(by_id[a], by_id[b], n) for a, b, n in pairs if a in by_id and b in by_id]


def _summaries_by_id(catalog: Catalog, ids: set[int]) -> dict[int, EntitySummary]:
    found: dict[int, EntitySummary] = {}
    listed = list(ids)
    for i in range(0, len(listed), 500):
        part = listed[i : i + 500]
        rows = catalog.db.execute(
            "SELECT e.id, e.type, e.value, e.display, e.valid, COUNT(*), SUM(de.count) FROM entities e"
            f" JOIN document_entities de ON de.entity_id = e.id WHERE e.id IN ({','.join('?' * len(part))})"
            f" AND {_LIVE} GROUP BY e.id",
            part,
        )
        for i_, t, v, d, ok, n, c in rows:
            found[int(i_)] = EntitySummary(EntityType(t), str(v), str(d), bool(ok), int(n), int(c))
    return found


def entity_counts(catalog: Catalog, document_ids: Sequence[int]) -> Counter[str]:
    """How many of ``document_ids`` hold each entity key (for a panel over a result list)."""
    counts: Counter[str] = Counter()
    ids = list(dict.fromkeys(document_ids))
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        rows = catalog.db.execute(
            "SELECT e.type, e.value FROM document_entities de JOIN entities e ON e.id = de.entity_id"
            f" WHERE de.document_id IN ({','.join('?' * len(part))})",
            part,
        )
        counts.update(search_key(EntityType(t), str(v)) for t, v in rows)
    return counts


def live_documents(catalog: Catalog) -> dict[int, str]:
    """SHA-256 by id of the documents that a file references."""
    rows = catalog.db.execute(
        "SELECT d.id, d.sha256 FROM documents d WHERE EXISTS (SELECT 1 FROM files f WHERE f.document_id = d.id)"
    )
    return {int(d): str(s) for d, s in rows}


# Candidates share at least this many LSH bands. Text common to many documents (a template's headings, an article
# of law quoted everywhere) makes band keys that hundreds of documents hold: with one shared band enough, a
# document of a case full of them had ~350 candidates whose signatures were all read and compared (a search of 50
# hits took 400 ms on 13k such documents, all to find none); with two, ~8. Two documents at the threshold of
# similarity share 5 of the 42 bands on average: they are candidates with a probability of 0.974 (0.996 with one
# band), 0.995 at similarity 0.55 and above 0.999 from 0.6 (a typed PV and its OCR scan measure 0.55-0.8).
MIN_SHARED_BANDS = 2


def near_duplicates(catalog: Catalog, document_ids: Sequence[int]) -> dict[int, list[int]]:
    """For each document, the other documents of the case whose text is nearly the same (estimated similarity
    of their shingles ≥ :data:`minhash.THRESHOLD`) and whose numbers and entities agree
    (:func:`arbiter_desktop.duplicates.facts.agree`), most similar first (then by id); documents no file
    references are left out."""
    found: dict[int, list[int]] = {}
    analysed = _analysed(catalog, document_ids)
    for document_id in dict.fromkeys(document_ids):
        own = analysed.get(document_id)
        if own is None:
            continue
        rows = catalog.db.execute(
            "SELECT candidate FROM (SELECT b2.document_id AS candidate FROM document_bands b1"
            " JOIN document_bands b2 ON b1.key = b2.key WHERE b1.document_id = ? AND b2.document_id != ?"
            " GROUP BY b2.document_id HAVING COUNT(*) >= ?)"
            " WHERE EXISTS (SELECT 1 FROM files f WHERE f.document_id = candidate)",
            (document_id, document_id, MIN_SHARED_BANDS),
        )
        candidates = [int(r[0]) for r in rows]
        others = _analysed(catalog, candidates)
        close = [
            (similarity, c)
            for c in candidates
            if c in others
            and (similarity := minhash.similarity(own[0], others[c][0])) >= minhash.THRESHOLD
            and doc_facts.agree(own[1], others[c][1])
        ]
        if close:
            found[document_id] = [c for _, c in sorted(close, key=lambda sc: (-sc[0], sc[1]))]
    return found


def _analysed(catalog: Catalog, document_ids: Sequence[int]) -> dict[int, tuple[minhash.Signature, doc_facts.Facts]]:
    """Signature and facts by document, for those of ``document_ids`` that have both."""
    found: dict[int, tuple[minhash.Signature, doc_facts.Facts]] = {}
    ids = list(dict.fromkeys(document_ids))
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        rows = catalog.db.execute(
            "SELECT document_id, signature, facts FROM document_analysis WHERE signature IS NOT NULL"
            f" AND facts IS NOT NULL AND document_id IN ({','.join('?' * len(part))})",
            part,
        )
        found.update({int(d): (minhash.from_bytes(bytes(s)), doc_facts.Facts.from_json(f)) for d, s, f in rows})
    return found
