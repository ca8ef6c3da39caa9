"""The GGUF header read without llama.cpp: what it tells of a model is what llama.cpp's own reading tells."""

from pathlib import Path

import pytest

from arbiter_desktop.config import paths
from arbiter_desktop.config.models import LIGHT_EMBEDDER
from arbiter_desktop.embedding.gguf import load_llama_cpp
from arbiter_desktop.embedding.gguf_header import ModelError, read_gguf_header
from arbiter_desktop.embedding.profiles import identify

LIGHT = paths.models_dir() / LIGHT_EMBEDDER


def test_the_metadata_is_written_as_llama_cpp_writes_it() -> None:
    """The embedder tells a model's family, prompts and context from the header it reads itself (milliseconds)
    instead of a vocabulary-only load by llama.cpp (a second for EmbeddingGemma): every scalar value reads the
    same."""
    llama = load_llama_cpp().Llama(str(LIGHT), vocab_only=True, verbose=False)
    try:
        theirs = {str(k): str(v) for k, v in llama.metadata.items()}
    finally:
        llama.close()
    ours = read_gguf_header(LIGHT).strings()
    assert ours == {k: v for k, v in theirs.items() if k in ours}
    assert set(theirs) - set(ours) <= {k for k, v in read_gguf_header(LIGHT).metadata.items() if v is None}
    assert "bert.attention.layer_norm_epsilon" in ours and ours["tokenizer.ggml.add_bos_token"] == "true"
    assert identify(ours).family == "e5"


def test_a_file_that_is_not_a_gguf_says_so(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"PK\x03\x04" + bytes(64))
    with pytest.raises(ModelError, match="not a GGUF file"):
        read_gguf_header(path)
