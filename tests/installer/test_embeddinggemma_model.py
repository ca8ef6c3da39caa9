"""Faithfulness of the provisioned EmbeddingGemma-300M GGUFs (installer/models/embeddinggemma.py), BF16 and Q8_0.

llama.cpp, reading each GGUF, is compared with an independent PyTorch float32 forward pass of the original
weights: sentence-transformers loading the model folder that the installer unzipped, run in the installer's build
venv as a subprocess that prints JSON vectors (the tests' own venv has no torch).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # llama.cpp's OpenMP threads must not spin between calls

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from arbiter_desktop.config.models import GEMMA_BF16, GEMMA_Q8_0

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "models"
INSTALLER = REPO / "installer" / "models" / "embeddinggemma.py"
SETUP_HINT = "run `python installer/models/embeddinggemma.py --out models/`"

# French police-style passages (accents, elisions, abbreviations) with their titles ("" gives "none").
PASSAGES = [
    ("Interpellation", "Le suspect a été interpellé à 6 h 15 à son domicile de Villeurbanne, placé en garde à vue."),
    ("", "Le véhicule volé, une Peugeot 308 grise, a été retrouvé incendié sur un parking de Vénissieux."),
    ("Plainte", "La victime déclare avoir reçu des menaces de mort par SMS depuis le début du mois de février."),
    ("", "Perquisition effectuée en présence de l'intéressé : saisie de 450 grammes de résine de cannabis."),
    ("Audition", "Le témoin affirme avoir aperçu deux individus cagoulés prendre la fuite à bord d'un scooter noir."),
    ("", "L'expertise téléphonique révèle des échanges réguliers entre le mis en cause et son complice présumé."),
    ("Procès-verbal", "La plaignante reconnaît formellement l'auteur du vol à l'arraché lors de la présentation."),
    ("", "Les enquêteurs ont exploité la vidéosurveillance de la gare Part-Dieu entre 22 h et minuit."),
]
QUERY = "Où a-t-on retrouvé la voiture volée ?"
QUERY_MATCH = 1
MIN_COSINE = 0.999  # each file's vectors against PyTorch float32 (measured: BF16 0.99999, Q8_0 0.99968)
FILES = (GEMMA_BF16, GEMMA_Q8_0)

# Run by the build venv's Python: JSON {"model_dir", "texts", "threads"} on stdin, JSON vectors on stdout.
REFERENCE = """
import json
import sys

import torch
from sentence_transformers import SentenceTransformer

request = json.load(sys.stdin)
torch.set_num_threads(request["threads"])
model = SentenceTransformer(request["model_dir"], device="cpu", model_kwargs={"dtype": torch.float32})
with torch.inference_mode():
    vectors = model.encode(request["texts"], batch_size=8, normalize_embeddings=True, show_progress_bar=False)
dtypes = sorted({str(p.dtype) for p in model.parameters()})
json.dump({"dtypes": dtypes, "vectors": vectors.tolist()}, sys.stdout)
"""


def load_installer() -> ModuleType:
    """The installer module, imported from its file (installer/ is not a package)."""
    spec = importlib.util.spec_from_file_location("arbiter_installer_embeddinggemma", INSTALLER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


if not all((MODELS / name).is_file() for name in FILES):
    pytest.skip(f"{GEMMA_BF16} or {GEMMA_Q8_0} absent from models/: {SETUP_HINT}", allow_module_level=True)
llama_cpp = pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")

from arbiter_desktop.embedding.gguf import GgufEmbedder  # noqa: E402

INSTALLED = load_installer()
WHERE = INSTALLED.default_locations()
if not INSTALLED.build_venv_is_ready(WHERE.build_venv):
    reason = f"the build venv {WHERE.build_venv} (PyTorch reference) is absent: {SETUP_HINT}"
    pytest.skip(reason, allow_module_level=True)
if not INSTALLED.model_is_ready(WHERE.model_dir):
    reason = f"the original model folder {WHERE.model_dir} is absent: {SETUP_HINT}"
    pytest.skip(reason, allow_module_level=True)


def documents() -> list[str]:
    return [INSTALLED.document_text(text, title) for title, text in PASSAGES]


def query_text() -> str:
    return str(INSTALLED.QUERY_PROMPT) + QUERY


@pytest.fixture(scope="module", params=FILES)
def name(request: pytest.FixtureRequest) -> str:
    """Each provisioned file in turn."""
    return str(request.param)


@pytest.fixture(scope="module")
def llm(name: str) -> Iterator[Any]:
    """The model as the app runs it: its CPU variant for this processor, flash attention, its context size."""
    embedder = GgufEmbedder(MODELS / name, threads=2)
    assert embedder.cpu.variant  # the variant registered for this processor
    assert embedder._llama.context_params.flash_attn_type == llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED
    yield embedder._llama
    embedder.close()


@pytest.fixture(scope="module")
def reference() -> npt.NDArray[np.float32]:
    """PyTorch float32 vectors of the documents, then of the query, from the original weights."""
    request = {"model_dir": str(WHERE.model_dir), "texts": [*documents(), query_text()], "threads": 2}
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "OMP_NUM_THREADS": "2"}
    python = INSTALLED.venv_python(WHERE.build_venv)
    done = subprocess.run(
        [str(python), "-c", REFERENCE], input=json.dumps(request), capture_output=True, text=True, env=env, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout)
    assert answer["dtypes"] == ["torch.float32"]
    return np.asarray(answer["vectors"], dtype=np.float32)


def llama_embed(llm: Any, texts: list[str]) -> npt.NDArray[np.float32]:
    return np.asarray(llm.embed(texts, normalize=True), dtype=np.float32)


def test_each_gguf_is_its_pinned_conversion() -> None:
    assert [gguf.name for gguf in INSTALLED.GGUFS] == [GEMMA_BF16, GEMMA_Q8_0]
    assert [gguf.outtype for gguf in INSTALLED.GGUFS] == ["bf16", "q8_0"]
    for gguf in INSTALLED.GGUFS:
        assert INSTALLED.gguf_is_intact(MODELS / gguf.name, gguf), gguf.name


def test_metadata_sets_pooling_dense_layers_and_prompts(llm: Any) -> None:
    meta = llm.metadata
    assert meta["general.architecture"] == "gemma-embedding"
    assert meta["general.license"] == "gemma"
    assert meta["gemma-embedding.pooling_type"] == "1"  # mean: no pooling_type argument is needed
    assert meta["gemma-embedding.dense_2_feat_out"] == "3072"
    assert meta["gemma-embedding.dense_3_feat_out"] == "768"
    assert meta["arbiter.prompt.query"] == "task: search result | query: "
    assert meta["arbiter.prompt.document"] == "title: {title or none} | text: "
    assert llm.n_embd() == INSTALLED.EMBEDDING_DIM == 768


def test_app_reads_the_prompts_from_the_gguf(llm: Any) -> None:
    from arbiter_desktop.embedding.profiles import identify

    profile = identify({str(k): str(v) for k, v in llm.metadata.items()})
    assert profile.family == "embeddinggemma"
    assert profile.query("x") == "task: search result | query: x"
    assert profile.document("x") == "title: none | text: x"
    assert profile.document("x", "PV") == "title: PV | text: x"


def test_french_documents_match_pytorch_float32(llm: Any, reference: npt.NDArray[np.float32]) -> None:
    ours = llama_embed(llm, documents())
    theirs = reference[: len(PASSAGES)]
    assert ours.shape == theirs.shape == (len(PASSAGES), 768)
    cosines = np.sum(ours * theirs, axis=1)
    assert cosines.min() >= MIN_COSINE, f"cosines per passage: {np.round(cosines, 5).tolist()}"


def test_french_query_matches_pytorch_and_ranks_its_passage_first(llm: Any, reference: npt.NDArray[np.float32]) -> None:
    query = llama_embed(llm, [query_text()])[0]
    assert float(query @ reference[-1]) >= MIN_COSINE
    scores = llama_embed(llm, documents()) @ query
    assert int(np.argmax(scores)) == QUERY_MATCH, f"scores: {np.round(scores, 4).tolist()}"
    assert int(np.argmax(reference[: len(PASSAGES)] @ reference[-1])) == QUERY_MATCH
