"""Late chunking with EmbeddingGemma: the document embedded whole through it is the plain embedding."""

import numpy as np
import pytest

from arbiter_desktop.config import paths
from arbiter_desktop.config.models import DEFAULT_EMBEDDER
from arbiter_desktop.embedding.gguf import GgufEmbedder
from arbiter_desktop.embedding.late import LateChunker

GEMMA = paths.models_dir() / DEFAULT_EMBEDDER

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not GEMMA.exists(), reason=f"{GEMMA} not provisioned (make setup)"),
]

TEXT = (
    "PROCÈS-VERBAL D'AUDITION\n\nLe mis en cause a été placé en garde à vue à 14h. Il a reconnu les faits devant "
    "les enquêteurs.\nLa perquisition de son domicile a permis de saisir 2 340 euros en espèces dans une boîte."
)


def test_late_chunks_know_their_document_and_the_whole_is_the_plain_embedding() -> None:
    embedder = GgufEmbedder(GEMMA, threads=2)
    late = LateChunker(GEMMA, embedder.profile, threads=2)
    try:
        plain = embedder.embed_documents([TEXT], [""])[0]
        assert float(late.embed_document(TEXT) @ plain) >= 0.999
        spans = [(0, 120), (100, len(TEXT))]
        chunks = late.embed(TEXT, spans)
        alone = embedder.embed_documents([TEXT[a:b] for a, b in spans], ["", ""])
        assert chunks.shape == (2, embedder.identity.dim)
        assert np.allclose(np.linalg.norm(chunks, axis=1), 1.0, atol=1e-3)
        for i in range(2):  # the same passage, read with its document around it
            assert 0.8 < float(chunks[i] @ alone[i]) < 0.999
        tiny = LateChunker(GEMMA, embedder.profile, threads=2, context=64)  # windows of whole chunks
        try:
            windowed = tiny.embed(TEXT, [(0, 100), (100, len(TEXT))])
            assert np.allclose(np.linalg.norm(windowed, axis=1), 1.0, atol=1e-3)
        finally:
            tiny.close()
    finally:
        late.close()
        embedder.close()
