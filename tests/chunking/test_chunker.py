import itertools

from arbiter_desktop.chunking.chunker import chunk_text, count_tokens
from arbiter_desktop.domain import PageSpan


def _sentences(n: int) -> str:
    return " ".join(f"Le témoin numéro {i} déclare avoir vu le véhicule." for i in range(n))


def test_short_text_is_one_chunk() -> None:
    text = "Une seule phrase. Et une autre."
    chunks = chunk_text(text, (PageSpan(1, 0, len(text)),))
    assert [(c.start, c.end, c.page) for c in chunks] == [(0, len(text), 1)]


def test_chunks_respect_size_overlap_and_sentence_boundaries() -> None:
    text = _sentences(300)
    chunks = chunk_text(text, (PageSpan(1, 0, len(text)),), max_tokens=100, overlap=20)
    assert len(chunks) > 5
    for chunk in chunks:
        assert chunk.text == text[chunk.start : chunk.end]
        assert count_tokens(chunk.text) <= 100
        assert chunk.text.startswith("Le témoin") and chunk.text.endswith("véhicule.")
    for previous, current in itertools.pairwise(chunks):
        assert previous.start < current.start < previous.end  # overlapping, always moving forward
        overlap = count_tokens(text[current.start : previous.end])
        assert 0 < overlap <= 20
    assert chunks[-1].end == len(text)


def test_pages_are_hard_boundaries() -> None:
    page1, page2 = _sentences(5), _sentences(3)
    text = page1 + "\n\n" + page2
    pages = (PageSpan(1, 0, len(page1)), PageSpan(2, len(page1) + 2, len(text)))
    chunks = chunk_text(text, pages)
    assert [c.page for c in chunks] == [1, 2]
    assert chunks[1].start == len(page1) + 2


def test_overlong_sentence_is_cut_into_windows() -> None:
    text = " ".join(["mot"] * 1000)
    chunks = chunk_text(text, (), max_tokens=400, overlap=80)
    assert all(count_tokens(c.text) <= 400 for c in chunks)
    assert chunks[-1].end == len(text)
