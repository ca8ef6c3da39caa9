from arbiter_desktop.ui.html import document_html, passage_html


def test_markup_in_a_document_is_escaped() -> None:
    text = "<b>gras</b> <script>alert(1)</script> & é"
    html = passage_html(text, [(0, 3)])
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp; é" in html
    assert html.startswith('<span style="') and "&lt;b&gt;</span>" in html  # the highlight covers "<b>"


def test_the_semantic_sentence_is_marked_around_lexical_matches() -> None:
    passage = "Avant. Le suspect fixe un rendez-vous à la gare. Après."
    start = passage.index("Le suspect")
    end = passage.index("gare.") + len("gare.")
    word = (passage.index("rendez-vous"), passage.index("rendez-vous") + len("rendez-vous"))
    html = passage_html(passage, [word], (start, end))
    assert html.count("<span") == html.count("</span>") == 3  # sentence before, match, sentence after
    assert html.index("Le suspect") < html.index("rendez-vous") < html.index("gare")
    assert "Avant." in html.split("<span")[0]


def test_document_html_anchors_every_match_and_marks_the_current_one() -> None:
    text = "gare\nrendez-vous <gare>"
    html = document_html(text, [(0, 4), (18, 22)], current=1)
    assert '<a name="m0"></a>' in html and '<a name="m1"></a>' in html
    assert "&lt;" in html and "<br>" in html
    assert html.count("ff9f1c") == 1  # the current match's colour


def test_a_window_of_the_document_keeps_the_anchors_inside_it() -> None:
    text = "a" * 100 + "gare" + "b" * 100 + "gare"
    html = document_html(text, [(100, 104), (204, 208)], current=1, start=150, end=208)
    assert 'name="m0"' not in html and 'name="m1"' in html
