"""Export labels: the engine's notes read in the export's language."""

from arbiter_desktop.domain import NO_RERANKER
from arbiter_desktop.export.labels import Labels


def test_engine_notes_are_translated_and_unknown_ones_kept() -> None:
    assert Labels("fr").note(NO_RERANKER).startswith("aucun reclasseur installé")
    assert Labels("en").note(NO_RERANKER).startswith("no reranker installed")
    assert Labels("fr").note("something else") == "something else"
