"""HTML extraction: visible text only, title, blocks as lines, entities, declared charsets."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from arbiter_desktop.domain import Extraction, FileKind
from arbiter_desktop.ingest import extractors
from arbiter_desktop.ingest.extractors import html
from arbiter_desktop.ingest.extractors.html import html_to_text

Untouched = Callable[[Path], AbstractContextManager[None]]
PageTexts = Callable[[Extraction], list[str]]

PAGE = """<!DOCTYPE html>
<html lang="fr"><head>
<meta charset="utf-8"><title>Compte rendu
 d&#39;audition</title>
<style>p { color: red; }</style>
<script>var secret = "ne pas indexer";</script>
</head>
<body>
<h1>Audition du t&eacute;moin</h1>
<p>Le t&eacute;moin   d&eacute;clare&nbsp;: &laquo;&#160;l&rsquo;&oelig;uvre
   &eacute;tait &agrave; c&ocirc;t&eacute;&nbsp;&raquo; &amp; <b>rien</b> d'autre.</p>
<table><tr><th>Nom</th><th>Prénom</th></tr><tr><td>Lefèvre</td><td>Françoise</td></tr></table>
<ul><li>premier</li><li>second<br>suite</li></ul>
<pre>ligne   1
ligne   2</pre>
<noscript>Activez JavaScript</noscript>
<svg><title>icône</title><text>dessin</text></svg>
</body></html>
"""


def test_visible_text_title_and_lines(tmp_path: Path, page_texts: PageTexts, untouched: Untouched) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    with untouched(path):
        result = html.extract(path)
    assert result.title == "Compte rendu d'audition"
    assert result.text.split("\n") == [
        "Audition du témoin",
        "Le témoin déclare : « l\u2019œuvre était à côté » & rien d'autre.",
        "Nom ; Prénom",
        "Lefèvre ; Françoise",
        "premier",
        "second",
        "suite",
        "ligne 1",
        "ligne 2",
    ]
    assert page_texts(result) == [result.text]


def test_declared_latin1_is_read_as_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "ancien.htm"
    markup = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head>'
    path.write_bytes(markup.encode() + "<body><p>L'œuvre « volée » à Besançon</p></body></html>".encode("cp1252"))
    assert extractors.extract(path, FileKind.HTML).text == "L'œuvre « volée » à Besançon"


def test_undeclared_charset_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes("<p>Procès-verbal d'enquête</p>".encode("cp1252"))
    assert html.extract(path).text == "Procès-verbal d'enquête"


def test_implicit_head_end_and_fragments() -> None:
    text, title = html_to_text("<head><title>Titre</title><p>Premier paragraphe<p>Second")
    assert (text.split(), title) == (["Premier", "paragraphe", "Second"], "Titre")
    assert html_to_text("texte <i>simple</i>")[0] == "texte simple"
