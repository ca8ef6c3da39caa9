import pytest

from arbiter_desktop.chunking import derived as derived_module
from arbiter_desktop.chunking.chunker import chunk_text
from arbiter_desktop.chunking.derived import acronym_terms, analyse_text, chunk_terms, derive
from arbiter_desktop.domain import ChunkSpan, PageSpan
from arbiter_desktop.duplicates import minhash
from arbiter_desktop.entities import find_entities
from arbiter_desktop.entities.recognise import keys_of

PV = (
    "Le 12/03/2024, le JLD a autorisé la prolongation de la GAV de M. DURAND, joignable au 06 12 34 56 78. "
    "Le véhicule immatriculé AB-123-CD a été vu près de la gare ; virement de 1 500 € vers FR76 3000 6000 "
    "0112 3456 7890 189. "
)


def _chunks(text: str, tokens: int) -> list[ChunkSpan]:
    return chunk_text(text, [PageSpan(1, 0, len(text))], tokens, 0)


@pytest.mark.parametrize("tokens", [20, 400])
def test_each_chunk_gets_the_terms_of_its_own_text(tokens: int) -> None:
    text = PV * 3
    chunks = _chunks(text, tokens)
    assert (len(chunks) > 1) == (tokens == 20)
    derived = derive(text, chunks)
    assert derived.terms == tuple(chunk_terms(c.text) for c in chunks)
    assert "JLD" in derived.terms[0].acronyms.split()
    assert derived.terms[0].entities  # the phone, the plate, the date…


def test_the_entities_are_read_once_for_every_chunk_they_do_not_cross(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join(f"Appel {i} du 06 12 34 56 {i:02d} le 12/03/2024 à la gare." for i in range(40))
    chunks = _chunks(text, 30)
    assert len(chunks) > 5
    expected = tuple(chunk_terms(c.text) for c in chunks)
    calls: list[int] = []
    real = derived_module.find_entities
    monkeypatch.setattr(derived_module, "find_entities", lambda t, *a: calls.append(len(t)) or real(t, *a))
    monkeypatch.setattr(derived_module, "search_keys", lambda t: keys_of(derived_module.find_entities(t)))
    found = derive(text, chunks)
    assert found.terms == expected
    assert calls[0] == len(text)  # the whole text; then only the chunks whose edge cuts an entity
    assert len(calls) - 1 < len(chunks) // 2
    shifted = [ChunkSpan(c.ordinal, c.start + 1, c.end + 1, c.page, c.text) for c in chunks]  # not spans of text
    calls.clear()
    assert derive(text, shifted).terms == expected
    assert len(calls) == 1 + len(chunks)


def test_the_analysis_is_the_texts_entities_signature_and_facts() -> None:
    text = PV * 2
    found = analyse_text(text)
    assert list(found.entities) == find_entities(text)
    sig = minhash.signature(text)
    assert sig is not None and found.signature == minhash.to_bytes(sig)
    assert found.facts is not None and "06" in found.facts
    assert found.bands == tuple(minhash.band_keys(sig))  # hashed in the worker, not by the indexer


def test_a_text_too_short_to_compare_has_no_signature() -> None:
    found = analyse_text("GAV levée.")
    assert (found.signature, found.facts, found.bands) == (None, None, ())


def test_a_line_in_capitals_gives_no_acronyms() -> None:
    assert acronym_terms("PROCES VERBAL DE GARDE A VUE\nvu le JLD") == ["JLD"]
