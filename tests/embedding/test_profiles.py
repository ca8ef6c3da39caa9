from arbiter_desktop.embedding.profiles import (
    BGE_M3,
    E5,
    EMBEDDINGGEMMA,
    NOMIC,
    POOLING_LAST,
    QWEN3,
    identify,
)


def test_known_families_from_metadata() -> None:
    assert identify({"general.architecture": "gemma-embedding", "general.name": "Embeddinggemma 300m"}) is (
        EMBEDDINGGEMMA
    )
    assert identify({"general.architecture": "bert", "general.name": "multilingual-e5-small"}) is E5
    assert identify({"general.architecture": "qwen3", "general.name": "Qwen3 Embedding 0.6B"}) is QWEN3
    assert identify({"general.architecture": "bert", "general.name": "bge-m3"}) is BGE_M3
    assert identify({"general.architecture": "nomic-bert", "general.name": "nomic-embed-text-v1.5"}) is NOMIC
    assert QWEN3.pooling == POOLING_LAST


def test_prompts() -> None:
    assert E5.query("rdv gare") == "query: rdv gare"
    assert E5.document("texte", "titre") == "passage: texte"
    assert EMBEDDINGGEMMA.query("GAV") == "task: search result | query: GAV"
    assert EMBEDDINGGEMMA.document("texte", "") == "title: none | text: texte"
    assert EMBEDDINGGEMMA.document("texte", "PV") == "title: PV | text: texte"


def test_prompts_written_in_the_gguf_win() -> None:
    profile = identify(
        {
            "general.architecture": "bert",
            "general.name": "multilingual-e5-small",
            "arbiter.prompt.query": "query: ",
            "arbiter.prompt.document": "passage: ",
        }
    )
    assert profile.family == "e5" and profile.query("x") == "query: x" and profile.document("y") == "passage: y"


def test_unknown_model_works_with_plain_text_and_says_so() -> None:
    profile = identify({"general.architecture": "llama", "general.name": "something"})
    assert not profile.known and "unknown" in profile.note
    assert profile.query("a") == "a" and profile.document("b", "t") == "b"
