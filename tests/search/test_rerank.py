"""Rerankers: discovery in models/, the PyTorch cross-encoder and the GGUF run by llama.cpp.

The model is a tiny random-weight BERT cross-encoder built locally (tests/tiny_models.py: 2 layers of
32), so nothing is downloaded. The PyTorch tests need torch and sentence-transformers in the tests' venv; the
GGUF tests convert the same model with llama.cpp's converter in the installer's build venv
(installer/models/embeddinggemma.py) and are skipped without it.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # llama.cpp's OpenMP threads must not spin between calls
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import hashlib
import importlib.util
import itertools
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from tiny_models import build_tiny_cross_encoder, torch_stack

from arbiter_desktop.embedding.gguf import ModelError
from arbiter_desktop.search.rerank import (
    CrossEncoderReranker,
    GgufReranker,
    RerankTemplate,
    find_reranker,
    is_gguf_reranker,
    longest_first,
    open_reranker,
    read_gguf_header,
)

REPO = Path(__file__).resolve().parents[2]
EMBEDDING_GGUF = REPO / "models" / "multilingual-e5-small-q4_0.gguf"
INSTALLER = REPO / "installer" / "models" / "embeddinggemma.py"

QUERY = "Où a-t-on retrouvé la voiture volée ?"
PASSAGES = [
    "La voiture volée a été retrouvée sur un parking.",
    "Le suspect a été interpellé à son domicile.",
    "Prolongation de la garde à vue par le procureur.",
    "Message insultant envers les policiers.",
    "La victime dépose plainte pour menaces par téléphone.",
    "Perquisition au domicile : saisie de cannabis.",
]


# --- pure parts (no model) -------------------------------------------------------------------------------


def test_longest_first_cuts_the_longer_text_first() -> None:
    assert longest_first(10, 20, 100) == (10, 20)
    assert longest_first(10, 1000, 500) == (10, 490)
    assert longest_first(400, 400, 500) == (250, 250)
    assert longest_first(600, 100, 500) == (400, 100)


def fake_tokenize(text: str, special: bool) -> list[int]:
    """One token per character; special markers become one token (-1) only when parsing specials."""
    if special and text.startswith("<|end|>"):
        return [-1, *fake_tokenize(text[len("<|end|>") :], special)]
    return [ord(c) for c in text]


def test_rerank_template_never_parses_special_tokens_in_user_text() -> None:
    template = RerankTemplate.parse("Q: {query}\nD: {document}<|end|>")
    tokens = template.tokens(fake_tokenize, "q<|end|>", "doc", 512)
    assert tokens.count(-1) == 1 and tokens[-1] == -1  # only the template's own marker
    # the space before a field goes with the field, as BPE vocabularies attach it to the next word
    assert tokens[:5] == [ord(c) for c in "Q: q<"]


def test_rerank_template_truncates_user_text_only() -> None:
    template = RerankTemplate.parse("Q: {query}\nD: {document}<|end|>")
    tokens = template.tokens(fake_tokenize, "q" * 100, "d" * 1000, 64)
    assert len(tokens) == 64 and tokens[-1] == -1
    # 6 template tokens, then 58 shared equally: a space and 28 letters each
    assert tokens.count(ord("q")) == tokens.count(ord("d")) == 28


def write_gguf(path: Path, name: str, pooling: int | None = None, rerank_prompt: str | None = None) -> Path:
    """A header-only GGUF (no tensors) with the metadata that discovery reads."""
    gguf = pytest.importorskip("gguf", reason="the gguf package is not installed")
    writer = gguf.GGUFWriter(path, arch="bert")
    writer.add_name(name)
    if pooling is not None:
        writer.add_pooling_type(gguf.PoolingType(pooling))
    if rerank_prompt is not None:
        writer.add_chat_template([{"name": "rerank", "template": rerank_prompt}])
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def test_gguf_metadata_tells_rerankers_from_embedders(tmp_path: Path) -> None:
    assert is_gguf_reranker(write_gguf(tmp_path / "a.gguf", "some-model", pooling=4))
    assert is_gguf_reranker(write_gguf(tmp_path / "b.gguf", "qwen", rerank_prompt="{query} {document}"))
    assert is_gguf_reranker(write_gguf(tmp_path / "c.gguf", "bge-reranker-v2-m3"))
    assert not is_gguf_reranker(write_gguf(tmp_path / "d.gguf", "e5-for-rerank-pipelines", pooling=1))
    assert not is_gguf_reranker(write_gguf(tmp_path / "e.gguf", "multilingual-e5-small"))
    (tmp_path / "f.gguf").write_bytes(b"GGUF\x03\x00\x00\x00\xff")  # truncated
    assert not is_gguf_reranker(tmp_path / "f.gguf")


def test_header_reader_reads_a_real_embedding_model() -> None:
    if not EMBEDDING_GGUF.is_file():
        pytest.skip(f"{EMBEDDING_GGUF.name} absent: run `make setup`")
    header = read_gguf_header(EMBEDDING_GGUF)
    assert header.arch == "bert" and header.metadata["bert.pooling_type"] == 1
    assert "token_embd.weight" in header.tensors and not header.is_reranker


def test_find_reranker_with_nothing_installed(tmp_path: Path) -> None:
    assert find_reranker(tmp_path / "absent") is None
    write_gguf(tmp_path / "embedder.gguf", "multilingual-e5-small", pooling=1)
    (tmp_path / "notes").mkdir()
    assert find_reranker(tmp_path) is None


def test_open_reranker_rejects_other_files(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="neither"):
        open_reranker(tmp_path / "model.onnx")
    with pytest.raises(ModelError, match="not a reranker"):
        open_reranker(write_gguf(tmp_path / "embedder.gguf", "multilingual-e5-small", pooling=1))


def test_cross_encoder_without_torch_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "crossencoder"
    folder.mkdir()
    config = {"architectures": ["BertForSequenceClassification"], "id2label": {"0": "LABEL_0"}}
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"")
    assert find_reranker(tmp_path) == folder
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # makes the import fail
    with pytest.raises(ModelError, match=r"sentence-transformers==5\.1\.2"):
        open_reranker(folder)
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # the offline bundle: no pip there
    with pytest.raises(ModelError, match=r"built without PyTorch: use a GGUF reranker.*VARIANT=full"):
        open_reranker(folder)


# --- the tiny cross-encoder (PyTorch) --------------------------------------------------------------------


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models") / "tiny-crossencoder-fr"
    build_tiny_cross_encoder(folder)
    return folder


def transformers_scores(folder: Path, query: str, passages: list[str]) -> list[float]:
    """The reference: transformers' own forward pass, one pair at a time, raw logits."""
    torch, transformers = torch_stack()
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    model = transformers.AutoModelForSequenceClassification.from_pretrained(str(folder), local_files_only=True)
    model.eval()
    scores = []
    with torch.inference_mode():
        for passage in passages:
            features = tokenizer(query, passage, truncation=True, max_length=512, return_tensors="pt")
            scores.append(float(model(**features).logits[0, 0]))
    return scores


@pytest.fixture(scope="session")
def reference(tiny_model: Path) -> list[float]:
    return transformers_scores(tiny_model, QUERY, PASSAGES)


@pytest.fixture(scope="module")
def cross_encoder(tiny_model: Path) -> Iterator[CrossEncoderReranker]:
    reranker = CrossEncoderReranker(tiny_model, threads=1)
    yield reranker
    reranker.close()


def order(scores: list[float]) -> list[int]:
    return sorted(range(len(scores)), key=lambda i: -scores[i])


def test_reference_scores_are_spread(reference: list[float]) -> None:
    # the orders compared below are meaningful only if no two scores are nearly tied
    ranked = sorted(reference)
    assert min(b - a for a, b in itertools.pairwise(ranked)) > 0.02


def test_find_reranker_finds_the_cross_encoder_not_the_embedder(tiny_model: Path, tmp_path: Path) -> None:
    (tmp_path / tiny_model.name).symlink_to(tiny_model, target_is_directory=True)
    if EMBEDDING_GGUF.is_file():
        (tmp_path / EMBEDDING_GGUF.name).symlink_to(EMBEDDING_GGUF)
    assert find_reranker(tmp_path) == tmp_path / tiny_model.name


def test_cross_encoder_gives_one_float_per_passage(cross_encoder: CrossEncoderReranker) -> None:
    scores = cross_encoder.score(QUERY, PASSAGES)
    assert len(scores) == len(PASSAGES) and all(type(s) is float for s in scores)
    assert cross_encoder.score(QUERY, []) == []


def test_cross_encoder_matches_transformers(cross_encoder: CrossEncoderReranker, reference: list[float]) -> None:
    scores = cross_encoder.score(QUERY, PASSAGES)
    assert scores == pytest.approx(reference, abs=1e-5)
    assert order(scores) == order(reference)


def test_cross_encoder_is_deterministic(cross_encoder: CrossEncoderReranker, tiny_model: Path) -> None:
    first = cross_encoder.score(QUERY, PASSAGES)
    assert cross_encoder.score(QUERY, PASSAGES) == first
    again = CrossEncoderReranker(tiny_model, threads=1)
    assert again.score(QUERY, PASSAGES) == pytest.approx(first, abs=1e-6)
    again.close()


def test_damaged_cross_encoder_is_a_model_error(tiny_model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "damaged"
    shutil.copytree(tiny_model, folder)
    (folder / "model.safetensors").write_bytes(b"not safetensors")
    with pytest.raises(ModelError, match="could not be loaded"):
        CrossEncoderReranker(folder, threads=1)


def test_cross_encoder_identity(cross_encoder: CrossEncoderReranker, tiny_model: Path) -> None:
    identity = cross_encoder.identity
    expected = hashlib.sha256((tiny_model / "model.safetensors").read_bytes()).hexdigest()
    assert (identity.name, identity.kind, identity.sha256) == ("tiny-crossencoder-fr", "cross-encoder", expected)


# --- the same model as a GGUF (llama.cpp) ----------------------------------------------------------------

# Runs llama.cpp's converter in the build venv with two changes. The pre-tokenizer check hashes the
# tokenization of a fixed text against known models, which this made-up vocabulary cannot match (WordPiece
# does not use the result). And BERT's pooler is kept, as the classification head's first layer (``cls``):
# the stock converter drops it, which changes the scores of every BERT cross-encoder.
CONVERT = """
import runpy
import sys

folder = sys.argv[1]
sys.argv = [folder + "/convert_hf_to_gguf.py", *sys.argv[2:]]
sys.path[0:0] = [folder, folder + "/gguf-py"]
from conversion.bert import BertModel

filter_tensors = BertModel.filter_tensors.__func__


def keep_pooler(cls, item):
    name, gen = item
    if name.startswith("bert.pooler.dense."):
        name = "classifier.dense." + name.rsplit(".", 1)[1]
    return filter_tensors(cls, (name, gen))


BertModel.filter_tensors = classmethod(keep_pooler)
BertModel.get_vocab_base_pre = lambda self, tokenizer: "default"
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def load_installer() -> ModuleType:
    """The installer module, imported from its file (installer/ is not a package)."""
    spec = importlib.util.spec_from_file_location("arbiter_installer_embeddinggemma_rerank", INSTALLER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def tiny_gguf(tiny_model: Path) -> Path:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")
    installer = load_installer()
    where = installer.default_locations()
    hint = "run `python installer/models/embeddinggemma.py --out models/`"
    if not installer.build_venv_is_ready(where.build_venv):
        pytest.skip(f"the build venv {where.build_venv} (llama.cpp's converter) is absent: {hint}")
    if not (where.converter / "convert_hf_to_gguf.py").is_file():
        pytest.skip(f"llama.cpp's converter is absent from {where.converter}: {hint}")
    out = tiny_model.parent / "tiny-crossencoder-fr-f32.gguf"
    python = installer.venv_python(where.build_venv)
    command = [str(python), "-c", CONVERT, str(where.converter), str(tiny_model), "--outtype", "f32"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    env.pop("NO_LOCAL_GGUF", None)
    done = subprocess.run([*command, "--outfile", str(out)], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0 and out.is_file(), done.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def gguf_reranker(tiny_gguf: Path) -> Iterator[GgufReranker]:
    reranker = GgufReranker(tiny_gguf, threads=1)
    yield reranker
    reranker.close()


def test_find_reranker_finds_the_gguf_not_the_embedder(tiny_gguf: Path, tmp_path: Path) -> None:
    (tmp_path / tiny_gguf.name).symlink_to(tiny_gguf)
    if EMBEDDING_GGUF.is_file():
        (tmp_path / EMBEDDING_GGUF.name).symlink_to(EMBEDDING_GGUF)
    found = find_reranker(tmp_path)
    assert found == tmp_path / tiny_gguf.name  # detected by its classification head, not by its name
    reranker = open_reranker(found, threads=1)
    assert isinstance(reranker, GgufReranker) and reranker.identity.kind == "gguf"
    reranker.close()


def test_gguf_pairs_are_laid_out_like_transformers(gguf_reranker: GgufReranker, tiny_model: Path) -> None:
    _, transformers = torch_stack()
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(tiny_model), local_files_only=True)
    for passage in PASSAGES:  # [CLS] query [SEP] passage [SEP]
        assert gguf_reranker.tokens(QUERY, passage) == tokenizer(QUERY, passage)["input_ids"]
    long_passage = " ".join(PASSAGES * 40)  # over 512 tokens: cut like transformers' longest_first
    expected = tokenizer(QUERY, long_passage, truncation=True, max_length=512)["input_ids"]
    assert gguf_reranker.tokens(QUERY, long_passage) == expected and len(expected) == 512


def test_gguf_scores_agree_with_pytorch(gguf_reranker: GgufReranker, reference: list[float]) -> None:
    scores = gguf_reranker.score(QUERY, PASSAGES)
    assert len(scores) == len(PASSAGES) and all(type(s) is float for s in scores)
    assert scores == pytest.approx(reference, abs=1e-2)
    assert order(scores) == order(reference)
    assert gguf_reranker.score(QUERY, PASSAGES) == scores  # deterministic


def test_gguf_scores_a_pair_longer_than_its_context(gguf_reranker: GgufReranker, tiny_model: Path) -> None:
    long_passage = " ".join(PASSAGES * 40)
    (score,) = gguf_reranker.score(QUERY, [long_passage])
    assert score == pytest.approx(transformers_scores(tiny_model, QUERY, [long_passage])[0], abs=1e-2)


def test_full_search_follows_the_cross_encoder(cross_encoder: CrossEncoderReranker, tmp_path: Path) -> None:
    """End to end: the final order of a full-mode search is the tiny cross-encoder's order of the head."""
    from support import session_of, write

    from arbiter_desktop.config.settings import Settings
    from arbiter_desktop.domain import SearchMode, SearchRequest
    from arbiter_desktop.embedding.base import HashingEmbedder
    from arbiter_desktop.stores.case import Case

    texts = [
        "Le témoin a vu le véhicule quitter la gare.",
        "La garde à vue du suspect a été prolongée.",
        "Les enquêteurs ont saisi des stupéfiants dans la cave.",
        "Le suspect a été entendu par les enquêteurs.",
    ]
    for i, text in enumerate(texts):
        write(tmp_path / "src", f"pv{i}.txt", text)
    case = Case.open(tmp_path / "case", create=True, settings=Settings(workers=1))
    embedder = HashingEmbedder()
    try:
        session_of(case, embedder).index([tmp_path / "src"])
        query = "suspect enquêteurs gare"
        result = session_of(case, embedder, cross_encoder).search(SearchRequest(query=query, mode=SearchMode.FULL))
        expected = cross_encoder.score(query, [h.passage for h in result.hits])
        assert [h.scores.rerank for h in result.hits] == pytest.approx(sorted(expected, reverse=True), abs=1e-5)
        assert result.reranker == cross_encoder.identity.name and not result.notes
    finally:
        case.close()
