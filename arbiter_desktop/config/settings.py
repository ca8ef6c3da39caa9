"""Typed settings: each one declared once with its default and a one-line description.

The rest of the code reads a :class:`Settings` instance; nothing else holds defaults. ``describe()`` lists
every setting with its doc (for ``arbiter settings`` and the settings dialog).
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

_BOOLEANS = {"true": True, "yes": True, "on": True, "1": True, "false": False, "no": False, "off": False, "0": False}


def _setting(default: Any, doc: str, choices: tuple[str, ...] = ()) -> Any:
    return field(default=default, metadata={"doc": doc, "choices": choices})


@dataclass(frozen=True)
class Settings:
    chunk_tokens: int = _setting(400, "Target size of a chunk, in tokens (words and punctuation).")
    chunk_overlap: int = _setting(80, "Tokens repeated between consecutive chunks.")
    max_file_mb: int = _setting(2048, "Files larger than this are reported as too large and skipped.")
    extract_timeout_s: float = _setting(120.0, "Time limit for extracting one file; the parser is killed past it.")
    extract_memory_mb: int = _setting(2048, "Address-space limit of an extraction worker process.")
    workers: int = _setting(0, "Extraction worker processes (0: as many as indexing_cores).")
    batch_files: int = _setting(
        1000, "Files committed together (or every few seconds); a crash loses at most one batch."
    )
    writer_heap_mb: int = _setting(128, "Memory of the full-text index writer.")
    passage_chars: int = _setting(360, "Length of the passage shown for a hit, in characters.")
    hits_per_document: int = _setting(1, "Hits kept per document in a result list (the best chunks).")
    operator: str = _setting("", "Operator name written in exports and in the audit log.")
    semantic: bool = _setting(True, "Index and search by meaning too (needs an embedding model in models/).")
    embedder: str = _setting(
        "", "Embedding model: a GGUF file name in models/ or a path (empty: the default model installed)."
    )
    embed_threads: int = _setting(
        max(1, os.cpu_count() or 1),
        "CPU threads of the embedding model and the reranker for searches (indexing uses indexing_cores).",
    )
    embed_batch: int = _setting(
        16,
        "Most chunks embedded per batch, per embedding model when several share the cores (batches also last about"
        " a second, so pause and cancel answer fast).",
    )
    embed_context: int = _setting(512, "Longest chunk the embedding model reads, in model tokens.")
    embed_save_s: float = _setting(10.0, "Seconds between two commits of new vectors (a kill loses at most these).")
    rescore_candidates: int = _setting(400, "Binary-search candidates rescored with int8 vectors per query.")
    vector_search: str = _setting(
        "exact",
        "Binary candidate search: exact (scan, exact hamming) or hnsw (graph, for very large cases).",
        ("exact", "hnsw"),
    )
    semantic_highlights: int = _setting(
        1,
        "Hits (from the top) whose sentence closest to the query in meaning is marked (dense and hybrid modes);"
        " each costs a few sentence embeddings (~0.1 s each with EmbeddingGemma on 2 cores).",
    )
    reranker: str = _setting(
        "", "Reranker: a cross-encoder folder or GGUF reranker in models/ or a path (empty: the one installed)."
    )
    rerank_depth: int = _setting(
        40,
        "Head of the fused ranking reordered by an installed cross-encoder or GGUF reranker (full mode), in chunks; "
        "the shipped learned ranker reorders the 40 it was trained on.",
    )
    fusion: str = _setting(
        "zscore", "Hybrid fusion: zscore (standardised scores) or rrf (reciprocal ranks).", ("zscore", "rrf")
    )
    fusion_k: int = _setting(60, "Reciprocal rank fusion constant (fusion = rrf).")
    fusion_lexical_weight: float = _setting(1.0, "Weight of the full-text ranking in hybrid fusion.")
    fusion_dense_weight: float = _setting(1.0, "Weight of the semantic ranking in hybrid fusion.")
    fusion_adaptive: bool = _setting(
        True,
        "Scale the full-text weight by the share of the query (weighted by rarity) that its best passages hold.",
    )
    # formats: containers (archives, mailboxes) whose members are documents
    archive_max_entries: int = _setting(
        10_000, "Most entries read in one archive or mailbox (and its nested archives); more: reported as too large."
    )
    archive_max_total_mb: int = _setting(8192, "Most bytes copied out of one archive to read its members, in MB.")
    archive_max_ratio: int = _setting(
        200, "Members expanding more than this many times their compressed size are refused (decompression bombs)."
    )
    # tools (issue 18)
    group_near_duplicates: bool = _setting(
        True,
        "Show near-identical documents (the same text in another format, a scan and its typed twin) as one hit;"
        " documents whose numbers or entities differ are never grouped.",
    )

    # --- OCR (issue 16 §1): scanned pages and photos of pages ---
    ocr: bool = _setting(True, "Recognise the text of scanned pages and photos of pages (OCR), after the native text.")
    names: bool = _setting(
        os.environ.get("ARBITER_NAMES", "1") != "0",  # the test suite sets ARBITER_NAMES=0: the model loads in ~2 s
        "Find the names of people and places (French NER model), after the text is searchable.",
    )
    ocr_languages: str = _setting(
        "fra", "OCR languages: fra (French), fra+eng (French and English, slower), eng.", ("fra", "fra+eng", "eng")
    )
    ocr_max_pages: int = _setting(
        1000, "Most pages recognised per document; the others wait (raise the limit and index again)."
    )

    # --- speed (issue 19) ---
    indexing_cores: int = _setting(
        0,
        "CPU cores used by indexing: extraction processes, then embedding threads (0: all but one, so that the "
        "window and searches keep a core).",
    )

    def cores(self) -> int:
        """The cores indexing uses: ``indexing_cores``, or all those this process may run on but one."""
        if self.indexing_cores > 0:
            return self.indexing_cores
        return max(1, available_cores() - 1)

    embed_workers: int = _setting(
        0,
        "Embedding models that share the indexing cores in the semantic phase, each in a process of its own but the"
        " indexer's (0: automatic: one per indexing core, as many as embed_workers_memory_mb holds; 1: one model"
        " with every indexing core).",
    )
    embed_workers_memory_mb: int = _setting(
        8192,
        "Most memory the semantic phase's extra embedding processes hold together (each holds a copy of the model).",
    )

    def extraction_workers(self) -> int:
        """Extraction worker processes: ``workers``, or one per indexing core."""
        return self.workers if self.workers > 0 else self.cores()

    # quality (search quality, issue 20)
    fusion_query_aware: bool = _setting(
        True,
        "Weigh hybrid fusion by what the query is: hits holding the identifiers of an identifier query (plate,"
        " phone, name, handle) first; meaning leading for questions and descriptions.",
    )
    embed_document_context: bool = _setting(
        False,
        "Embed a chunk that does not start its document with the document's context (declared title, else its"
        " file name and first line) in the model's title slot.",
    )
    late_chunking: bool = _setting(
        False,
        "Embed each document whole (up to 2,048 tokens at a time) and pool every chunk from its tokens, so that a"
        " chunk's vector knows its document (EmbeddingGemma).",
    )

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            choices = f.metadata["choices"]
            if choices and value not in choices:
                raise ValueError(f"setting {f.name}: {value!r} is not one of {', '.join(choices)}")
            expected: tuple[type, ...] = (float, int) if isinstance(f.default, float) else (type(f.default),)
            if not isinstance(value, expected):
                raise ValueError(f"setting {f.name}: expected {type(f.default).__name__}, got {value!r}")

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    @classmethod
    def parse_override(cls, text: str) -> tuple[str, Any]:
        """``NAME=VALUE`` (a command line's override) as the setting's name and its value, typed as the setting is:
        booleans as true/false, yes/no, on/off or 1/0. An unknown name or a value of the wrong type is an error that
        says what is expected."""
        name, sep, raw = text.partition("=")
        name, raw = name.strip(), raw.strip()
        known = {f.name: f for f in fields(cls)}
        if not sep or name not in known:
            raise ValueError(f"{text!r}: expected NAME=VALUE with NAME one of {', '.join(sorted(known))}")
        default = known[name].default
        value: Any
        try:
            if isinstance(default, bool):
                value = _BOOLEANS[raw.lower()]
            elif isinstance(default, int):
                value = int(raw)
            elif isinstance(default, float):
                value = float(raw)
            else:
                value = raw
        except (KeyError, ValueError):
            kind = "true or false" if isinstance(default, bool) else type(default).__name__
            raise ValueError(f"setting {name}: expected {kind}, got {raw!r}") from None
        return name, value

    @classmethod
    def load(cls, path: Path) -> Settings:
        """Read overrides from a JSON file; unknown keys are an error that names them."""
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"{path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return cls(**data)

    def save(self, path: Path) -> None:
        """Write the settings that differ from the defaults (atomically), so that improved defaults of a later
        version still apply to the rest."""
        defaults = Settings()
        changed = {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != getattr(defaults, f.name)
        }
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(changed, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)


def available_cores() -> int:
    """The CPU cores this process may run on (its affinity, where the system has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def describe() -> list[tuple[str, Any, str]]:
    """(name, default, description) for every setting."""
    defaults = Settings()
    return [(f.name, getattr(defaults, f.name), f.metadata["doc"]) for f in fields(Settings)]
