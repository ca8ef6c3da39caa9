"""The GGUF embedder: clear errors for missing or damaged files, and the light model's wiring when installed."""

from pathlib import Path

import numpy as np
import pytest

from arbiter_desktop.config import paths
from arbiter_desktop.config.models import LIGHT_EMBEDDER, resolve_embedder
from arbiter_desktop.embedding.gguf import GgufEmbedder, ModelError, file_sha256

LIGHT = paths.models_dir() / LIGHT_EMBEDDER


def test_missing_model_names_the_expected_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"expected the file .*nothing\.gguf"):
        GgufEmbedder(tmp_path / "nothing.gguf")


def test_damaged_model_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"PK\x03\x04 not a model")
    with pytest.raises(ModelError, match="not a GGUF model file"):
        GgufEmbedder(bad)


def test_resolve_prefers_the_setting_then_the_best_installed(tmp_path: Path) -> None:
    assert resolve_embedder("", tmp_path) is None
    (tmp_path / LIGHT_EMBEDDER).write_bytes(b"GGUF")
    assert resolve_embedder("", tmp_path) == tmp_path / LIGHT_EMBEDDER
    assert resolve_embedder("other.gguf", tmp_path) == tmp_path / "other.gguf"
    assert resolve_embedder("/abs/m.gguf", tmp_path) == Path("/abs/m.gguf")


def test_sha256_is_cached_and_refreshed(tmp_path: Path) -> None:
    f = tmp_path / "m.gguf"
    f.write_bytes(b"GGUF" + b"\0" * 100)
    first = file_sha256(f)
    assert (tmp_path / "m.gguf.sha256.json").exists() and file_sha256(f) == first
    f.write_bytes(b"GGUF" + b"\1" * 200)
    assert file_sha256(f) != first


@pytest.mark.skipif(not LIGHT.exists(), reason=f"{LIGHT} not provisioned (make setup)")
def test_light_model_prompts_dimension_and_ranking() -> None:
    embedder = GgufEmbedder(LIGHT, threads=2)
    try:
        assert embedder.profile.family == "e5" and embedder.identity.dim == 384
        docs = embedder.embed_documents(
            [
                "Le mis en cause a été placé en garde à vue puis la mesure a été prolongée de 24 heures.",
                "Saisie de douze barrettes de résine de cannabis dissimulées dans une chaussette.",
                "Le témoin a vu un véhicule gris quitter le parking de la gare à vive allure.",
            ],
            ["", "", ""],
        )
        assert docs.shape == (3, 384) and np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-3)
        queries = embedder.embed_queries(["prolongation de la garde à vue", "drogue trouvée", "voiture en fuite"])
        assert list(np.argmax(queries @ docs.T, axis=1)) == [0, 1, 2]
    finally:
        embedder.close()


@pytest.mark.skipif(not LIGHT.exists(), reason=f"{LIGHT} not provisioned (make setup)")
def test_flash_attention_gives_the_vectors_of_the_plain_computation() -> None:
    import llama_cpp

    texts = [
        "passage: Le mis en cause a été placé en garde à vue puis la mesure a été prolongée.",
        "passage: " + "Le témoin a vu un véhicule gris quitter le parking de la gare. " * 12,
    ]
    embedder = GgufEmbedder(LIGHT, threads=2)
    plain = llama_cpp.Llama(
        str(LIGHT), embedding=True, n_ctx=512, n_batch=512, n_ubatch=512, pooling_type=1, verbose=False
    )
    try:
        assert embedder._llama.context_params.flash_attn_type == llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED
        ours = np.array([embedder._llama.embed(t, normalize=True) for t in texts])
        reference = np.array([plain.embed(t, normalize=True) for t in texts])
        assert plain.context_params.flash_attn_type == llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
        assert np.sum(ours * reference, axis=1).min() >= 0.9999
    finally:
        embedder.close()
        plain.close()


LOADING_WHILE_PRINTING = """
import sys, threading
from pathlib import Path
from arbiter_desktop.embedding.gguf import GgufEmbedder
loaded = threading.Event()
def load():
    GgufEmbedder(Path(sys.argv[1])).close()
    loaded.set()
thread = threading.Thread(target=load)
thread.start()
count = 0
while not loaded.is_set() or count < 100:
    print(f"line {count}", flush=True)
    count += 1
thread.join()
print(f"printed {count}", flush=True)
"""


@pytest.mark.skipif(not LIGHT.exists(), reason=f"{LIGHT} not provisioned (make setup)")
def test_a_model_loading_in_the_background_loses_none_of_the_output(tmp_path: Path) -> None:
    """llama-cpp-python points stdout and stderr at /dev/null while it loads a model quietly: the lines another
    thread printed meanwhile were lost (345 of 2,411 came out before the fix)."""
    import subprocess
    import sys

    from support import python_env

    done = subprocess.run(
        [sys.executable, "-c", LOADING_WHILE_PRINTING, str(LIGHT)],
        capture_output=True,
        text=True,
        timeout=300,
        env=python_env(),
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    printed = int(lines[-1].split()[1])
    assert [line for line in lines if line.startswith("line ")] == [f"line {n}" for n in range(printed)]
