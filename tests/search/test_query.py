from arbiter_desktop.search.query import Group, Phrase, Term, is_natural, parse


def test_natural_query() -> None:
    group = parse("rdv gare")
    assert is_natural(group)
    assert group.clauses == (("should", Term("rdv")), ("should", Term("gare")))


def test_operators_phrases_fields_fuzzy_wildcard() -> None:
    group = parse('"garde à vue" AND titre:audition NOT mineur HADAD~1 prolong* -x +y')
    assert group.clauses == (
        ("must", Phrase("garde à vue")),
        ("must", Term("audition", field="title")),
        ("must_not", Term("mineur")),
        ("should", Term("HADAD", fuzzy=1)),
        ("should", Term("prolong*", wildcard=True)),
        ("must_not", Term("x")),
        ("must", Term("y")),
    )
    assert not is_natural(group)


def test_groups() -> None:
    group = parse("(a OR b) AND c")
    assert group.clauses[0] == ("must", Group((("should", Term("a")), ("should", Term("b")))))
    assert group.clauses[1] == ("must", Term("c"))


def test_ordinary_input_never_raises() -> None:
    for text in [
        "aujourd'hui",
        'un "guillemet',
        "AND",
        "NOT",
        "((",
        "))",
        "RDV 14:30",
        ":",
        "~",
        "*",
        "a:b:c",
        "",
    ]:
        parse(text)
    assert parse("RDV 14:30").clauses[1] == ("should", Term("14:30"))


def test_question_mark_ending_a_question_is_not_a_wildcard() -> None:
    group = parse("qui est le père de John?")
    assert is_natural(group)
    assert parse("v?hicule").clauses == (("should", Term("v?hicule", wildcard=True)),)
