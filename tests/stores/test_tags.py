"""The tag store: names, adding without duplicates, listing, removing, and errors that say what to do."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from arbiter_desktop.domain import Hit, Scores, SearchMode
from arbiter_desktop.stores.tags import _SCHEMA, TagError, TaggedHit, TagStore, tag_name


def _hit(sha: str = "a" * 64, start: int = 0, passage: str = "placé en garde à vue") -> Hit:
    return Hit(
        rank=1,
        doc_path="/cas/pv.txt",
        other_paths=("/cas/copie/pv.txt",),
        sha256=sha,
        title="PV d'audition",
        page=2,
        chunk_id=7,
        document_id=3,
        score=3.5,
        passage=passage,
        passage_start=start + 10,
        highlights=((9, 20),),
        matched_terms=("garde à vue",),
        scores=Scores(bm25=3.5, dense=0.61, fused=1.2, rerank=None),
        expansions=("GAV → garde à vue",),
        semantic_highlight=(0, 20),
        containers=(("/cas/scelle.zip", "c" * 64),),
        chunk_start=start,
        chunk_end=start + 400,
    )


def _add(store: TagStore, tag: str, hits: list[Hit], at: str = "t", operator: str = "") -> list[TaggedHit]:
    return store.add(tag, hits, "garde à vue", SearchMode.HYBRID, at, operator)


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
    added = _add(store, "pertinent", [_hit(), _hit(start=800)], "2024-03-14T10:00:00+01:00", "Lt Martin")
    assert len(added) == 2
    again = _add(store, " pertinent", [_hit()], "2024-03-14T11:00:00+01:00", "Lt Martin")
    assert again == []  # already tagged: left as it is
    _add(store, "à vérifier", [_hit()], "2024-03-14T11:00:00+01:00")
    assert store.tags() == [("pertinent", 2), ("à vérifier", 1)]
    first = store.hits("pertinent")[0]
    assert first.hit == _hit() and first.tagged_at == "2024-03-14T10:00:00+01:00"  # the whole snapshot
    assert (first.query, first.mode) == ("garde à vue", SearchMode.HYBRID)
    assert first.operator == "Lt Martin" and first.tag == "pertinent"


def test_tags_of_an_earlier_version_are_read(tmp_path: Path) -> None:
    """A tags file written before the whole snapshot was kept: its rows read back from their columns."""
    db = sqlite3.connect(tmp_path / "tags.sqlite")
    db.executescript(_SCHEMA.replace("    hit TEXT,                       -- the whole snapshot", "    --"))
    db.execute(
        "INSERT INTO tagged (tag, sha256, chunk_start, chunk_end, passage_start, page, doc_path, other_paths, title,"
        " passage, highlights, scores, query, mode, rank, tagged_at, operator) VALUES"
        " ('pertinent', ?, 0, 400, 10, 2, '/cas/pv.txt', '[]', 'PV', 'placé en garde à vue', '[[9, 20]]',"
        ' \'{"bm25": 3.5, "dense": null, "fused": null, "rerank": null}\', \'garde à vue\', \'lexical\', 1,'
        " 't', '')",
        ("a" * 64,),
    )
    db.commit()
    db.close()
    store = TagStore(tmp_path / "tags.sqlite")
    (old,) = store.hits("pertinent")
    assert old.hit.passage == "placé en garde à vue" and old.hit.chunk_span() == (0, 400) and old.hit.score == 3.5
    _add(store, "pertinent", [_hit(start=800)])
    assert [t.hit.chunk_start for t in store.hits("pertinent")] == [0, 800]
    store.close()


def test_remove_some_hits_or_the_whole_tag(store: TagStore) -> None:
    a, b = _add(store, "pertinent", [_hit(), _hit(start=800)])
    assert [h.id for h in store.remove("pertinent", [a.id])] == [a.id]
    assert [h.id for h in store.hits("pertinent")] == [b.id]
    with pytest.raises(TagError, match=f"no hit n° {a.id} under the tag «pertinent»"):
        store.remove("pertinent", [a.id])
    assert len(store.remove("pertinent")) == 1
    assert store.tags() == []


def test_an_unknown_tag_lists_the_tags_there_are(store: TagStore) -> None:
    with pytest.raises(TagError, match="this case has no tags yet"):
        store.hits("pertinent")
    _add(store, "à vérifier", [_hit()])
    with pytest.raises(TagError, match="unknown tag «pertinent»: the tags of this case are à vérifier"):
        store.hits("pertinent")
