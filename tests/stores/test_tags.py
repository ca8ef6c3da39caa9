"""The tag store: names, adding without duplicates, listing, removing, and errors that say what to do."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from arbiter_desktop.domain import Scores, SearchMode
from arbiter_desktop.stores.tags import TagError, TagStore, TagTarget, tag_name


def _target(sha: str = "a" * 64, start: int = 0, passage: str = "placé en garde à vue") -> TagTarget:
    return TagTarget(
        sha256=sha,
        chunk_start=start,
        chunk_end=start + 400,
        passage_start=start + 10,
        page=2,
        doc_path="/cas/pv.txt",
        other_paths=("/cas/copie/pv.txt",),
        title="PV d'audition",
        passage=passage,
        highlights=((9, 20),),
        scores=Scores(bm25=3.5, dense=None, fused=None, rerank=None),
        query="garde à vue",
        mode=SearchMode.LEXICAL,
        rank=1,
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[TagStore]:
    s = TagStore(tmp_path / "tags.sqlite")
    yield s
    s.close()


def test_tag_names_are_trimmed_and_checked() -> None:
    assert tag_name("  à vérifier ") == "à vérifier"
    assert tag_name("a\u0300 ve\u0301rifier") == "à vérifier"  # NFC: the same tag however the accents were typed
    for bad, message in (("   ", "needs a name"), ("a\tb", "control characters"), ("x" * 65, "at most 64")):
        with pytest.raises(TagError, match=message):
            tag_name(bad)


def test_add_list_and_read_back_a_snapshot(store: TagStore) -> None:
    added = store.add("pertinent", [_target(), _target(start=800)], "2024-03-14T10:00:00+01:00", "Lt Martin")
    assert len(added) == 2
    again = store.add(" pertinent", [_target()], "2024-03-14T11:00:00+01:00", "Lt Martin")
    assert again == []  # already tagged: left as it is
    store.add("à vérifier", [_target()], "2024-03-14T11:00:00+01:00", "")
    assert store.tags() == [("pertinent", 2), ("à vérifier", 1)]
    first = store.hits("pertinent")[0]
    assert first.target == _target() and first.tagged_at == "2024-03-14T10:00:00+01:00"
    assert first.operator == "Lt Martin" and first.tag == "pertinent"


def test_remove_some_hits_or_the_whole_tag(store: TagStore) -> None:
    a, b = store.add("pertinent", [_target(), _target(start=800)], "t", "")
    assert [h.id for h in store.remove("pertinent", [a.id])] == [a.id]
    assert [h.id for h in store.hits("pertinent")] == [b.id]
    with pytest.raises(TagError, match=f"no hit n° {a.id} under the tag «pertinent»"):
        store.remove("pertinent", [a.id])
    assert len(store.remove("pertinent")) == 1
    assert store.tags() == []


def test_an_unknown_tag_lists_the_tags_there_are(store: TagStore) -> None:
    with pytest.raises(TagError, match="this case has no tags yet"):
        store.hits("pertinent")
    store.add("à vérifier", [_target()], "t", "")
    with pytest.raises(TagError, match="unknown tag «pertinent»: the tags of this case are à vérifier"):
        store.hits("pertinent")
