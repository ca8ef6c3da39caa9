"""Know an embedding model from its GGUF metadata: its prompts and its pooling.

Each family is trained with its own way of presenting queries and documents; using the wrong prompts costs a
lot of quality. A model the app does not know still works, with plain text and a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# llama.cpp pooling constants
POOLING_UNSPECIFIED = -1
POOLING_NONE = 0
POOLING_MEAN = 1
POOLING_CLS = 2
POOLING_LAST = 3
POOLING_RANK = 4


@dataclass(frozen=True, slots=True)
class ModelProfile:
    family: str
    query_template: str  # "{text}" is replaced by the query
    document_template: str  # "{title}" and "{text}" are replaced
    pooling: int  # POOLING_UNSPECIFIED keeps what the GGUF says
    known: bool = True
    note: str = ""

    def query(self, text: str) -> str:
        return self.query_template.replace("{text}", text)

    def document(self, text: str, title: str = "") -> str:
        return self.document_template.replace("{title}", title or "none").replace("{text}", text)


E5 = ModelProfile("e5", "query: {text}", "passage: {text}", POOLING_MEAN)
EMBEDDINGGEMMA = ModelProfile(
    "embeddinggemma", "task: search result | query: {text}", "title: {title} | text: {text}", POOLING_UNSPECIFIED
)
QWEN3 = ModelProfile(
    "qwen3-embedding",
    "Instruct: Given a search query in French, retrieve passages of case documents that answer it\nQuery:{text}",
    "{text}",
    POOLING_LAST,
)
BGE_M3 = ModelProfile("bge-m3", "{text}", "{text}", POOLING_CLS)
NOMIC = ModelProfile("nomic", "search_query: {text}", "search_document: {text}", POOLING_MEAN)
PLAIN = ModelProfile(
    "unknown",
    "{text}",
    "{text}",
    POOLING_UNSPECIFIED,
    known=False,
    note="unknown embedding model: used with plain text and the GGUF's own pooling; quality is not measured",
)


def identify(metadata: Mapping[str, str]) -> ModelProfile:
    """The profile of a model from its GGUF metadata (``general.*``, ``<arch>.*`` and ``arbiter.*`` keys)."""
    arch = metadata.get("general.architecture", "").lower()
    name = " ".join(metadata.get(key, "") for key in ("general.name", "general.basename", "general.finetune")).lower()
    query = metadata.get("arbiter.prompt.query")
    document = metadata.get("arbiter.prompt.document")
    if query is not None and document is not None:  # written by our own conversion scripts
        base = _by_name(arch, name) or PLAIN
        return ModelProfile(
            base.family if base.known else arch or "custom",
            query + "{text}",
            document.replace("{title or none}", "{title}") + ("" if "{text}" in document else "{text}"),
            base.pooling,
        )
    return _by_name(arch, name) or PLAIN


def _by_name(arch: str, name: str) -> ModelProfile | None:
    if arch == "gemma-embedding" or (arch == "gemma3" and "embed" in name):
        return EMBEDDINGGEMMA
    if "e5" in name.split() or "-e5" in name or "e5-" in name:
        return E5
    if arch == "qwen3" and "embed" in name:
        return QWEN3
    if "bge-m3" in name or ("bge" in name and "m3" in name):
        return BGE_M3
    if arch == "nomic-bert" or "nomic" in name:
        return NOMIC
    return None
