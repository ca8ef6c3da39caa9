import pytest

from arbiter_desktop.search.fusion import reciprocal_rank_fusion, zscore_fusion


def test_rrf_known_values() -> None:
    scores = reciprocal_rank_fusion([(1.0, ["a", "b"]), (2.0, ["b", "c"])], k=60)
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["b"] == pytest.approx(1 / 62 + 2 / 61)
    assert scores["c"] == pytest.approx(2 / 62)
    assert max(scores, key=scores.__getitem__) == "b"


def test_zscore_fusion_puts_both_retrievers_on_one_scale() -> None:
    lexical = [("a", 10.0), ("b", 9.0), ("c", 1.0)]  # BM25: unbounded scores
    dense = [("b", 0.9), ("d", 0.89), ("a", 0.1)]  # cosines
    scores = zscore_fusion([(1.0, lexical), (1.0, dense)])
    # high in both first; then found by both before found by one
    assert sorted(scores, key=lambda k: -scores[k]) == ["b", "a", "d", "c"]
    single = zscore_fusion([(1.0, [("x", 3.0), ("y", 1.0)])])
    assert single == {"x": pytest.approx(1.0), "y": pytest.approx(-1.0)}
    assert zscore_fusion([(1.0, [("z", 2.0)])]) == {"z": 0.0}


def test_a_candidate_missing_from_a_list_ranks_below_its_members() -> None:
    # two documents hold the plate (full text); the semantic side likes others better
    lexical = [("plate1", 12.0), ("plate2", 8.0)] + [(f"word{i}", 1.0) for i in range(6)]
    dense = [(f"other{i}", 0.66 - i * 0.01) for i in range(20)] + [("plate1", 0.60), ("plate2", 0.55)]
    scores = zscore_fusion([(1.0, lexical), (1.0, dense)])
    ranked = sorted(scores, key=lambda k: -scores[k])
    assert ranked[:2] == ["plate1", "plate2"]  # with the list's average for the others: plate1, other0


def test_query_shape_reads_identifiers_questions_and_descriptions() -> None:
    from arbiter_desktop.search.expansion import default_lexicon
    from arbiter_desktop.search.fusion import query_shape

    def shape(query: str):  # type: ignore[no-untyped-def]
        return query_shape(query, default_lexicon().expand(query))

    plate = shape("plaque AB-123-CD")
    assert plate.identifiers == ("AB-123-CD",) and plate.identifier_centric
    assert shape("tél 06 12 34 56 78").identifier_centric
    assert shape("Konaté").identifier_centric and shape("Ginette Bruyère").identifier_centric
    assert shape("snap jo.kh42").identifiers == ("jo.kh42",)
    question = shape("qui a vu la voiture qui a renversé la piétonne s'enfuir ?")
    assert question.question and not question.identifier_centric
    named = shape("pourquoi Mme Perrin n'avait pas porté plainte ?")  # a civility title is no identifier
    assert named.identifiers == ("Perrin",) and named.question
    assert not shape("menaces de mort Lambert").identifier_centric  # the expanded expression counts its words
    description = shape("commerçant menacé avec un flingue")
    assert not description.identifiers and description.concept_words >= 3 and not description.question
    assert shape('"garde à vue" Dupont').operators


def test_fusion_plan_follows_the_shape_and_the_coverage() -> None:
    from arbiter_desktop.search.fusion import (
        DEFAULT_WEIGHTS,
        DESCRIPTION_WEIGHTS,
        IDENTIFIER_WEIGHTS,
        QUESTION_WEIGHTS,
        QueryShape,
        fusion_plan,
    )

    identifier = fusion_plan(QueryShape(("AB-123-CD",), 1, False, False), coverage=0.3)
    assert (identifier.lexical_weight, identifier.dense_weight) == IDENTIFIER_WEIGHTS and identifier.identifiers_first
    question = fusion_plan(QueryShape((), 4, True, False), coverage=0.5)
    assert question.lexical_weight == pytest.approx(QUESTION_WEIGHTS[0] * 0.5)
    assert question.dense_weight == QUESTION_WEIGHTS[1] and not question.identifiers_first
    description = fusion_plan(QueryShape((), 3, False, False))
    assert (description.lexical_weight, description.dense_weight) == DESCRIPTION_WEIGHTS
    assert (fusion_plan(QueryShape(("Dupont",), 2, False, False)).lexical_weight,) == (DEFAULT_WEIGHTS[0],)


def test_identifiers_first_keeps_the_fused_order_within_each_tier() -> None:
    from arbiter_desktop.search.fusion import identifiers_first

    fused = {"a": 3.0, "b": 2.0, "c": 1.0, "d": 0.5}
    held = {"c": 1.0, "d": 1.0, "b": 0.5}
    reordered = identifiers_first(fused, lambda k: held.get(k, 0.0))
    assert sorted(reordered, key=lambda k: -reordered[k]) == ["c", "d", "b", "a"]
