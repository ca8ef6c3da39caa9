"""Synthetic cases of 10k to 1M chunks for the search benchmark, written straight through the app's stores.

Nobody can embed a million chunks on this machine, and the indexer (extraction processes, chunker) would take
hours on that many files, so a synthetic case is written through the same store classes the indexer writes
with — :class:`~arbiter_desktop.stores.catalog.Catalog` (documents, files, chunks), ``LexicalStore.add_chunks``
(the same schema, French analyzers and entity field) and ``VectorStore.add``/``save`` (sign bits in usearch,
int8 rows, the mean vector frozen after the first 10,000 rows as in a real case) — and then opened and searched
by the app's own :class:`~arbiter_desktop.search.engine.SearchEngine`. Only discovery, extraction and chunking
are skipped.

How the synthetic material is made (the recipe is :data:`RECIPE`; change it and the cached cases are rebuilt):

* **Base passages and their real embeddings**: a seeded sample of ``base`` passages (default 2,048) from
  codes_penal_cpp and piaf_v1.1, embedded once with the app's embedder (``GgufEmbedder.embed_documents``, the
  document prompt), cached in ``bench/.cache/``.
* **Chunk text**: each chunk starts from one base passage (a window of at most 220 words), where ~8% of the words
  are replaced by words of a synthetic vocabulary of 200,000 French-looking names drawn with a Zipf law (so the
  vocabulary keeps growing with the case, as real names, places and nicknames do); half of the chunks get 20–40
  words of another passage (any of the 4,892), and each ends with a line of entities (procedure numbers, phone
  numbers, plates, seals) with random digits. Ten chunks make a document (a file of a random kind).
* **Chunk vector**: the real embedding of its base passage plus Gaussian noise, normalised: cosine ≈ 0.89 with
  the base embedding (σ = 0.5 of the vector's norm, spread over the dimensions). The query vectors are real:
  the engine embeds each real query text as it always does.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from arbiter_desktop.domain import ChunkSpan, Extraction, FileFingerprint, FileKind, PageSpan
from arbiter_desktop.embedding.base import Embedder, ModelIdentity
from bench.bench_indexing import SourceDocument, read_corpus

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".cache"
EVALDATA = ROOT.parent / "shared" / "evaldata"
CORPORA = (EVALDATA / "codes_penal_cpp" / "corpus.jsonl", EVALDATA / "piaf_v1.1" / "corpus.jsonl")

RECIPE = 1  # version of the recipe below: a cached case of another version is rebuilt
CHUNKS_PER_DOCUMENT = 10
BLOCK = 10_000  # chunks generated, written and committed together
WINDOW_WORDS = 220  # longest run of words taken from a base passage
REPLACED = 0.08  # share of a chunk's words replaced by synthetic words
VOCABULARY = 200_000
NOISE = 0.5  # norm of the noise added to a unit base vector: cosine ≈ 1 / sqrt(1 + NOISE²) ≈ 0.89
KINDS = (FileKind.PDF, FileKind.DOCX, FileKind.ODT, FileKind.TEXT)
EXTENSIONS = {FileKind.PDF: "pdf", FileKind.DOCX: "docx", FileKind.ODT: "odt", FileKind.TEXT: "txt"}
SYLLABLES = (
    *("ba", "ber", "bou", "ca", "cha", "che", "co", "da", "dal", "de", "di", "do", "du", "fa", "fer", "fon"),
    *("ga", "gau", "gue", "jo", "la", "lan", "le", "li", "lou", "ma", "mar", "me", "mi", "mo", "mon", "na"),
    *("ne", "ni", "no", "pa", "pe", "pi", "po", "ra", "ri", "ro", "sa", "se", "si", "so", "ta", "te", "ti"),
    *("to", "va", "ve", "vi", "zo", "zan", "bert", "rand", "court", "ville", "lin", "det", "quin", "gnac"),
)


# ----------------------------------------------------------------------------- base passages and vectors


@dataclass(frozen=True, slots=True)
class Base:
    """The real material: every passage of the corpora, and the real embeddings of a sample of them."""

    passages: list[SourceDocument]
    sample: npt.NDArray[np.int64]  # indices into passages of the embedded ones
    vectors: npt.NDArray[np.float32]  # one unit row per sampled passage
    identity: ModelIdentity
    embed_seconds: float  # how long embedding them took (0 when read from the cache)


def load_base(embedder: Embedder, count: int, cache: Path = CACHE, log: Callable[[str], None] = print) -> Base:
    """The base passages and the real embeddings of ``count`` of them by ``embedder`` (cached per model and
    count in ``cache``)."""
    passages = [doc for corpus in CORPORA for doc in read_corpus(corpus)]
    rng = np.random.default_rng(20240901)
    sample = np.sort(rng.choice(len(passages), size=min(count, len(passages)), replace=False)).astype(np.int64)
    identity = embedder.identity
    path = cache / f"base-{identity.key}-{len(sample)}.npz"
    if path.exists():
        stored = np.load(path)
        if np.array_equal(stored["sample"], sample):
            return Base(passages, sample, np.asarray(stored["vectors"], dtype=np.float32), identity, 0.0)
    log(f"embedding {len(sample)} base passages with {identity.name} (once: cached in {path})…")
    started = time.perf_counter()
    rows: list[npt.NDArray[np.float32]] = []
    for start in range(0, len(sample), 16):
        part = [passages[int(i)] for i in sample[start : start + 16]]
        rows.append(np.asarray(embedder.embed_documents([p.text for p in part], [p.title for p in part])))
    seconds = time.perf_counter() - started
    vectors = np.concatenate(rows).astype(np.float32)
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(path, sample=sample, vectors=vectors)
    return Base(passages, sample, vectors, identity, seconds)


# ----------------------------------------------------------------------------- chunk material


class Generator:
    """Synthetic chunk texts and vectors, reproducible block by block."""

    def __init__(self, base: Base) -> None:
        self.base = base
        self.words = [p.text.split() for p in base.passages]
        rng = np.random.default_rng(7)
        names: dict[str, None] = {}
        while len(names) < VOCABULARY:
            syllables = rng.integers(0, len(SYLLABLES), size=(VOCABULARY, 4)).tolist()
            lengths = rng.integers(2, 5, size=VOCABULARY).tolist()
            for parts, length in zip(syllables, lengths, strict=True):
                names["".join(SYLLABLES[i] for i in parts[:length]).capitalize()] = None
        self.vocabulary = list(names)[:VOCABULARY]  # in drawing order: the frequent ones are any names
        ranks = np.arange(1, VOCABULARY + 1, dtype=np.float64)
        weights = 1.0 / (ranks + 20.0)  # Zipf-like: a few frequent names, a long tail of rare ones
        self.cumulative = np.cumsum(weights / weights.sum())

    def block(self, number: int, size: int) -> tuple[list[str], list[str], npt.NDArray[np.float32]]:
        """Chunk texts, the title of each, and unit vectors of block ``number`` (``size`` chunks)."""
        rng = np.random.default_rng(1_000_003 * (number + 1))
        picks = rng.integers(0, len(self.base.sample), size=size)
        texts: list[str] = []
        titles: list[str] = []
        for pick in picks.tolist():
            passage = int(self.base.sample[pick])
            texts.append(self._text(rng, passage))
            titles.append(self.base.passages[passage].title)
        dim = self.base.vectors.shape[1]
        noise = rng.standard_normal((size, dim)).astype(np.float32) * np.float32(NOISE / np.sqrt(dim))
        vectors = self.base.vectors[picks] + noise
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return texts, titles, vectors.astype(np.float32)

    def _text(self, rng: np.random.Generator, passage: int) -> str:
        words = self.words[passage]
        if len(words) > WINDOW_WORDS:
            start = int(rng.integers(0, len(words) - WINDOW_WORDS + 1))
            words = words[start : start + WINDOW_WORDS]
        words = list(words)
        replaced = rng.random(len(words)) < REPLACED
        if replaced.any():
            draws = np.searchsorted(self.cumulative, rng.random(int(replaced.sum())))
            for position, draw in zip(np.nonzero(replaced)[0].tolist(), draws.tolist(), strict=True):
                words[position] = self.vocabulary[min(int(draw), VOCABULARY - 1)]
        if rng.random() < 0.5:
            other = self.words[int(rng.integers(0, len(self.words)))]
            length = int(rng.integers(20, 41))
            start = int(rng.integers(0, max(1, len(other) - length)))
            words += other[start : start + length]
        digits = rng.integers(0, 10, size=12).tolist()
        phone = "0" + str(6 + digits[0] % 2) + " " + " ".join(f"{digits[i]}{digits[i + 1]}" for i in (1, 3, 5, 7))
        letters = "".join(chr(65 + int(x)) for x in rng.integers(0, 26, size=4))
        entities = (
            f"Procédure n° {2015 + digits[9] % 10}/{int(rng.integers(0, 100_000)):05d}, tél. {phone}, "
            f"véhicule {letters[:2]}-{digits[2]}{digits[4]}{digits[6]}-{letters[2:]}, "
            f"scellé n° {digits[10]}{digits[11]}."
        )
        return " ".join(words) + "\n" + entities


# ----------------------------------------------------------------------------- building a case


@dataclass(frozen=True, slots=True)
class BuiltCase:
    directory: Path
    chunks: int
    documents: int
    build_seconds: float  # when it was built (a cached case keeps the figure of its build)
    mean_words: float
    disk_mb: dict[str, float]
    cached: bool


def case_dir(cache: Path, chunks: int, identity: ModelIdentity, base_count: int) -> Path:
    return cache / f"case-r{RECIPE}-{identity.key}-b{base_count}-{chunks}"


def folder_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6, 1)


def build_case(chunks: int, base: Base, cache: Path = CACHE, log: Callable[[str], None] = print) -> BuiltCase:
    """The synthetic case of ``chunks`` chunks: from ``cache``, or written now (then kept there). A case is
    complete once its manifest (``<case>.json`` beside it) is written, last."""
    from arbiter_desktop.config.settings import Settings
    from arbiter_desktop.stores.case import Case
    from arbiter_desktop.stores.lexical import ChunkRecord
    from arbiter_desktop.stores.vectors import open_vector_store

    directory = case_dir(cache, chunks, base.identity, len(base.sample))
    manifest = directory.parent / f"{directory.name}.json"
    if manifest.exists() and directory.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        return BuiltCase(directory, cached=True, **data)
    if directory.exists():
        shutil.rmtree(directory)
    started = time.perf_counter()
    generator = Generator(base)
    settings = Settings()
    case = Case.open(directory, create=True, settings=settings)
    catalog = case.catalog
    source_id = catalog.add_source(f"/synthetic/{chunks}")
    vectors = open_vector_store(directory, base.identity)
    case.lexical.open_writer(settings.writer_heap_mb)
    words = 0
    documents = 0
    try:
        for number, start in enumerate(range(0, chunks, BLOCK)):
            size = min(BLOCK, chunks - start)
            texts, titles, block_vectors = generator.block(number, size)
            words += sum(len(t.split()) for t in texts)
            records: list[ChunkRecord] = []
            chunk_ids: list[int] = []
            with catalog.transaction():
                for first in range(0, size, CHUNKS_PER_DOCUMENT):
                    group = texts[first : first + CHUNKS_PER_DOCUMENT]
                    document = (start + first) // CHUNKS_PER_DOCUMENT
                    kind = KINDS[document % len(KINDS)]
                    path = f"/synthetic/{chunks}/dossier-{document // 1000:04d}/piece-{document:07d}.{EXTENSIONS[kind]}"
                    text, spans = _document(group)
                    sha = hashlib.sha256(f"synthetic-{RECIPE}-{chunks}-{document}".encode()).hexdigest()
                    size_bytes = len(text.encode("utf-8"))
                    extraction = Extraction(text=text, pages=(PageSpan(1, 0, len(text)),), title=titles[first])
                    document_id = catalog.add_document(sha, kind, size_bytes, extraction, spans)
                    catalog.upsert_file(source_id, FileFingerprint(path, size_bytes, 0, sha, kind), document_id)
                    ids = [int(r[0]) for r in catalog.db.execute(_IDS, (document_id,))]
                    chunk_ids += ids
                    records += [
                        ChunkRecord(i, document_id, sha, span.text, titles[first], [path], kind.value, None)
                        for i, span in zip(ids, spans, strict=True)
                    ]
                    documents += 1
            case.lexical.add_chunks(records)
            case.lexical.commit()
            vectors.add(chunk_ids, block_vectors)
            if number == 0 or start + size >= chunks or (number + 1) % 10 == 0:
                vectors.save(catalog.generation())  # the first save fixes the mean vector, as in a real case
            if (number + 1) % 10 == 0:
                log(f"  {start + size:,} / {chunks:,} chunks ({time.perf_counter() - started:.0f} s)")
        case.lexical.close_writer()
        with catalog.transaction():  # every store holds every chunk now: the catalog says so, in one commit
            catalog.db.execute("UPDATE documents SET state='indexed', indexed_at=?", (time.time(),))
            catalog.db.execute("UPDATE chunks SET embedded=1")
            catalog.bump_generation()
    finally:
        case.close()
    seconds = time.perf_counter() - started
    data = {
        "chunks": chunks,
        "documents": documents,
        "build_seconds": round(seconds, 1),
        "mean_words": round(words / chunks, 1),
        "disk_mb": {
            "catalog": _size_mb(directory, "catalog.sqlite*"),
            "lexical": folder_mb(directory / "lexical"),
            "vectors": folder_mb(directory / "vectors"),
        },
    }
    manifest.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return BuiltCase(directory, cached=False, **data)


_IDS = "SELECT id FROM chunks WHERE document_id=? ORDER BY ordinal"


def _size_mb(directory: Path, pattern: str) -> float:
    return round(sum(p.stat().st_size for p in directory.glob(pattern)) / 1e6, 1)


def _document(texts: Sequence[str]) -> tuple[str, list[ChunkSpan]]:
    """One document's text from its chunks (a blank line between two), and the chunks' spans in it."""
    spans: list[ChunkSpan] = []
    cursor = 0
    for ordinal, text in enumerate(texts):
        spans.append(ChunkSpan(ordinal, cursor, cursor + len(text), 1, text))
        cursor += len(text) + 2
    return "\n\n".join(texts), spans


def iter_queries(count: int, seed: int = 3) -> Iterator[str]:
    """Real queries: every police_dev query (investigators' wording), then a seeded sample of piaf questions."""
    police, piaf = (
        [json.loads(line)["text"] for line in (EVALDATA / name / "queries.jsonl").read_text("utf-8").splitlines()]
        for name in ("police_dev", "piaf_v1.1")
    )
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(piaf))
    mixed = [*police, *(piaf[int(i)] for i in order)]
    yield from mixed[:count]
