"""A tiny random-weight BERT cross-encoder, built locally (nothing is downloaded): for the reranking tests.

A French WordPiece vocabulary, 2 layers of 32; saved like a sentence-transformers cross-encoder folder. Needs
torch, transformers and sentence-transformers (the tests that use it are skipped without them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

# Accent-free lowercase words: the uncased BERT normaliser strips accents before the lookup.
VOCABULARY = """le la les de des du un une et a au en est dans par pour sur avec son sa ete on t garde vue
prolongation procureur gare rendez vous vehicule voiture volee retrouve parking suspect interpelle domicile
victime depose plainte menaces message insultant envers policiers temoin audition perquisition saisie cannabis
telephone ou quand qui ##s ##e ##es ##ee , . ' ? - :"""
SEED = 1234


def torch_stack() -> tuple[Any, Any]:
    reason = "PyTorch / sentence-transformers not installed (pip install torch==2.13.0 sentence-transformers==5.1.2)"
    torch = pytest.importorskip("torch", reason=reason, exc_type=ImportError)
    pytest.importorskip("sentence_transformers", reason=reason, exc_type=ImportError)
    return torch, pytest.importorskip("transformers", reason=reason, exc_type=ImportError)


def build_tiny_cross_encoder(folder: Path) -> None:
    """A random-weight BertForSequenceClassification with a French WordPiece vocabulary, saved like a
    sentence-transformers cross-encoder folder (config, safetensors weights, tokenizer files)."""
    torch, transformers = torch_stack()
    folder.mkdir(parents=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *VOCABULARY.split()]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizerFast(str(folder / "vocab.txt"), do_lower_case=True, model_max_length=512)
    tokenizer.save_pretrained(str(folder))
    torch.manual_seed(SEED)
    config = transformers.BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=1,
        max_position_embeddings=512,
        initializer_range=0.5,  # wide weights: scores far enough apart to compare orders
    )
    model = transformers.BertForSequenceClassification(config).eval()
    with torch.no_grad():
        # llama.cpp gives every token the first segment embedding: make the second one equal so that the
        # GGUF computes the same function (real BERT cross-encoders do differ here; see search/rerank.py)
        types = model.bert.embeddings.token_type_embeddings.weight
        types[1] = types[0]
    model.save_pretrained(str(folder))
