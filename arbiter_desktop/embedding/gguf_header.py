"""A GGUF file's header read without loading the model: its key-value metadata (long arrays such as the token
list skipped) and its tensor names. Reading it takes milliseconds where llama.cpp's own reading of the vocabulary
takes a good part of a second: what a model is (embedder or reranker, its family and prompts) is told from it.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from arbiter_desktop.embedding.profiles import POOLING_RANK

GGUF_MAGIC = b"GGUF"
RERANK_TEMPLATE_KEY = "tokenizer.chat_template.rerank"


class ModelError(Exception):
    """A model file that is missing, damaged or not an embedding model; the message says what to do."""


_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
_SHORT_ARRAY = 64  # longer arrays (the token list) are skipped, not read
_LIMIT = 1 << 28  # a length beyond this means a damaged file


@dataclass(frozen=True, slots=True)
class GgufHeader:
    """The key-value metadata (arrays longer than 64 items left out) and the tensor names of a GGUF."""

    metadata: dict[str, Any]
    tensors: frozenset[str]

    def strings(self) -> dict[str, str]:
        """The scalar values written as llama.cpp's ``Llama.metadata`` gives them ("true", "0.000001")."""
        return {k: _as_text(v) for k, v in self.metadata.items() if not isinstance(v, list | None)}

    @property
    def arch(self) -> str:
        return str(self.metadata.get("general.architecture", ""))

    @property
    def name(self) -> str:
        keys = ("general.type", "general.name", "general.basename", "general.finetune")
        return " ".join(str(self.metadata.get(k, "")) for k in keys).lower()

    @property
    def is_reranker(self) -> bool:
        pooling = self.metadata.get(f"{self.arch}.pooling_type")
        if pooling == POOLING_RANK or RERANK_TEMPLATE_KEY in self.metadata:
            return True
        if self.tensors & {"cls.weight", "cls.output.weight"}:  # a classification head, never in embedders
            return True
        # a name alone is not enough when the file declares an embedding pooling
        return "rerank" in self.name and pooling is None


class _HeaderReader:
    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle

    def unpack(self, fmt: str) -> Any:
        size = struct.calcsize(fmt)
        data = self._handle.read(size)
        if len(data) != size:
            raise ModelError("truncated GGUF header")
        return struct.unpack(fmt, data)[0]

    def count(self) -> int:
        value = int(self.unpack("<Q"))
        if value > _LIMIT:
            raise ModelError("implausible length in the GGUF header")
        return value

    def string(self) -> str:
        data = self._handle.read(self.count())
        return data.decode("utf-8", errors="replace")

    def value(self, kind: int) -> Any:
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind])
        if kind == _STRING:
            return self.string()
        if kind == _ARRAY:
            return self.array()
        raise ModelError(f"unknown GGUF value type {kind}")

    def array(self) -> list[Any] | None:
        kind, n = int(self.unpack("<I")), self.count()
        if n <= _SHORT_ARRAY:
            return [self.value(kind) for _ in range(n)]
        if kind in _SCALARS:
            self._handle.seek(n * struct.calcsize(_SCALARS[kind]), os.SEEK_CUR)
        elif kind == _STRING:
            for _ in range(n):
                self._handle.seek(self.count(), os.SEEK_CUR)
        else:
            raise ModelError(f"unsupported GGUF array of type {kind}")
        return None

    def tensor_name(self) -> str:
        name = self.string()
        dims = int(self.unpack("<I"))
        if dims > 8:
            raise ModelError("implausible tensor rank in the GGUF header")
        self._handle.seek(8 * dims + 4 + 8, os.SEEK_CUR)  # dims, type, offset
        return name


def read_gguf_header(path: Path) -> GgufHeader:
    """Read a GGUF's metadata and tensor names without loading the model (fast, even for large files)."""
    try:
        with path.open("rb") as handle:
            if handle.read(4) != GGUF_MAGIC:
                raise ModelError(f"{path} is not a GGUF file")
            reader = _HeaderReader(handle)
            if reader.unpack("<I") not in (2, 3):
                raise ModelError(f"{path}: unsupported GGUF version")
            n_tensors, n_kv = reader.count(), reader.count()
            metadata: dict[str, Any] = {}
            for _ in range(n_kv):
                key = reader.string()
                metadata[key] = reader.value(int(reader.unpack("<I")))
            tensors = frozenset(reader.tensor_name() for _ in range(n_tensors))
    except OSError as exc:
        raise ModelError(f"cannot read {path}: {exc}") from exc
    return GgufHeader(metadata, tensors)


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:f}"
    return str(value)
