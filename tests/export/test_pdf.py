"""The PDF export: what its text says (pypdf), what its pages look like (pypdfium2), and that document text
never becomes markup."""

import io
import logging
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pypdf
import pypdfium2 as pdfium
import pytest

from arbiter_desktop.domain import Scores, SearchMode
from arbiter_desktop.export.pdf import MATCH, PLAIN, REPLACEMENT, SEMANTIC, passage_styles, printable, render_pdf, wrap
from arbiter_desktop.export.resultset import ExportContext, ExportHit, ResultSet

MakeHit = Callable[..., ExportHit]
MakeResults = Callable[..., ResultSet]


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_passage_styles_mark_matches_over_the_closest_sentence() -> None:
    runs = passage_styles("abc def ghi", [(4, 7)], (0, 7))
    assert runs == [("abc ", SEMANTIC), ("def", MATCH), (" ghi", PLAIN)]
    assert passage_styles("", [], None) == []


def test_wrap_breaks_at_spaces_keeps_line_breaks_and_cuts_long_words() -> None:
    def width(text: str, style: int) -> float:
        return float(len(text))

    lines = wrap([("un deux ", PLAIN), ("trois", MATCH), (" quatre\ncinq", PLAIN)], width, 10)
    assert [["".join(t for t, _ in line)] for line in lines] == [["un deux"], ["trois"], ["quatre"], ["cinq"]]
    assert lines[1] == [("trois", MATCH)]
    cut = wrap([("x" * 25, PLAIN)], width, 10)
    assert ["".join(t for t, _ in line) for line in cut] == ["x" * 10, "x" * 10, "x" * 5]
    mixed = wrap([("pro", PLAIN), ("longée", MATCH)], width, 20)  # a match inside a word stays in the word
    assert mixed == [[("pro", PLAIN), ("longée", MATCH)]]


def test_printable_keeps_one_character_for_each_character() -> None:
    drawable = frozenset(map(ord, "abcé \ufffd"))
    assert printable("a\tb\x00é😀\nc", drawable) == f"a b{REPLACEMENT}é{REPLACEMENT}\nc"


def test_cover_hits_and_page_numbers(context: ExportContext, make_hit: MakeHit, make_results: MakeResults) -> None:
    hits = [make_hit(rank) for rank in range(1, 31)]
    data = render_pdf(make_results(hits), context)
    assert data.startswith(b"%PDF")
    pages = _pages(data)
    n = len(pages)
    assert n > 1
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} / {n}" in text
    cover = _flat(pages[0])
    for expected in (
        "Arbiter Desktop — Résultats de recherche — « GAV prolongée »",
        "Dossier Affaire GOURDON (/dossiers/affaire-gourdon)",
        "Opérateur Lt Élodie Martin (compte système : emartin)",
        "Date de l'export 14/03/2024 à 16:05:09 CEST (UTC+02:00)",
        "Application Arbiter Desktop 0.1.0",
        f"Modèle d'embeddings embeddinggemma-300m-q8_0 (SHA-256 {'e' * 64})",
        "Modèle de reclassement non utilisé",
        "Index génération 7, 15 document(s)",
        "Couverture sémantique 150 / 200 passages vectorisés (75,0 %)",
        "Requête GAV prolongée",
        "Mode hybride (plein texte et sémantique)",
        "Extensions appliquées GAV → garde à vue, gardé à vue",
        "Filtres 10 premiers résultats; types : pdf, text",
        "Résultats 30",
        f"Journal d'audit dernière entrée n° 41, SHA-256 {'ab' * 32}",
    ):
        assert expected in cover
    first_hit = cover[cover.index("n° 1 —") :]
    for expected in (
        "n° 1 — pv_01.txt — page 3",
        "Document /dossiers/affaire-gourdon/procédure/pv_01.txt",
        f"SHA-256 du document {'01' * 32}",
        "Page 3",
        "Scores BM25 5,2500 · sémantique 0,8125 · fusion 1,5000 · reclassement —",
        "Termes trouvés garde à vue",
        "Via extension GAV → garde à vue",
        "Le mis en cause a été placé en garde à vue à 14h30.",
    ):
        assert expected in first_hit
    everything = _flat(" ".join(pages))
    assert all(f"n° {rank} — pv_{rank:02d}.txt" in everything for rank in range(1, 31))


def test_document_text_never_becomes_markup(
    context: ExportContext, make_hit: MakeHit, make_results: MakeResults, caplog: pytest.LogCaptureFixture
) -> None:
    passage = (
        "Mention : <b>gras</b> <script>alert('x')</script> **étoiles** __souligné__ ~~barré~~ --moins-- "
        "{nb} <font color='red'>rouge</font> &amp; garde à vue"
    )
    hit = make_hit(
        passage=passage,
        title="<i>titre</i> **t**",
        doc_path="/cas/<b>dossier</b>/**pv**.txt",
        other_paths=("/copie/<script>.txt",),
    )
    with caplog.at_level(logging.WARNING):
        data = render_pdf(make_results([hit], query="<script> **GAV**"), context)
    assert not [r for r in caplog.records if "missing" in r.getMessage()]
    text = _flat(" ".join(_pages(data)))
    assert _flat(passage) in text
    assert "Requête <script> **GAV**" in text
    assert "Titre <i>titre</i> **t**" in text and "/cas/<b>dossier</b>/**pv**.txt" in text
    assert "Copies identiques /copie/<script>.txt" in text
    assert "Page 1 / 1" in text  # and {nb} in the passage stayed {nb}


def test_accents_render_and_undrawable_characters_show_as_a_replacement(
    context: ExportContext, make_hit: MakeHit, make_results: MakeResults, caplog: pytest.LogCaptureFixture
) -> None:
    passage = "Œuvre, çà et là, île, naïf, Noël, garde à vue — « guillemets » 😀 中文 Привет Ελλάδα"
    with caplog.at_level(logging.WARNING):
        data = render_pdf(make_results([make_hit(passage=passage)]), context)
    assert not [r for r in caplog.records if "missing" in r.getMessage()]
    text = _flat(" ".join(_pages(data)))
    assert "Œuvre, çà et là, île, naïf, Noël, garde à vue — « guillemets »" in text
    assert f"😀 {REPLACEMENT}{REPLACEMENT} Привет Ελλάδα" in text  # the font has this emoji, not Chinese


def _colour_pixels(data: bytes, colour: tuple[int, int, int], page: int = 0) -> int:
    pixels = np.asarray(pdfium.PdfDocument(data)[page].render(scale=1).to_pil().convert("RGB"), dtype=np.int16)
    return int((np.abs(pixels - np.array(colour, dtype=np.int16)) <= 6).all(axis=2).sum())


def test_highlights_are_drawn_on_the_page(
    context: ExportContext, make_hit: MakeHit, make_results: MakeResults, tmp_path: Path
) -> None:
    passage = "Première phrase sans rien. Le suspect a été placé en garde à vue. Dernière phrase."
    semantic = (27, 65)
    marked = render_pdf(make_results([make_hit(passage=passage, semantic_highlight=semantic)]), context)
    plain = render_pdf(make_results([make_hit(passage=passage, highlights=())]), context)
    yellow, blue = (255, 226, 92), (206, 226, 252)
    legend = _colour_pixels(plain, yellow)  # the legend's swatches
    assert _colour_pixels(marked, yellow) > legend + 200  # "garde à vue" on yellow
    assert _colour_pixels(marked, blue) > _colour_pixels(plain, blue) + 500  # the sentence on blue
    png = tmp_path / "page1.png"
    pdfium.PdfDocument(marked)[0].render(scale=2).to_pil().save(png)
    assert png.stat().st_size > 10_000


def test_a_tag_export_cites_each_hit_with_its_origin(
    context: ExportContext, make_hit: MakeHit, make_results: MakeResults
) -> None:
    hit = make_hit(
        query="rdv gare",
        mode=SearchMode.LEXICAL,
        origin_rank=4,
        tagged="2024-03-14T10:02:11.532+01:00",
        tagged_by="Lt Martin",
        in_index=False,
        scores=Scores(bm25=2.0),
    )
    results = make_results([hit], query="", tag="à vérifier", mode=None, models=(), expansions=(), filters=())
    text = _flat(" ".join(_pages(render_pdf(results, context))))
    assert "Passages étiquetés « à vérifier »" in text and "Étiquette à vérifier" in text
    assert "Modèle d'embeddings ceux des recherches d'origine" in text
    assert "Requête d'origine « rdv gare » (mode plein texte (BM25), rang 4)" in text
    assert "Étiqueté le 14/03/2024 à 10:02:11 UTC+01:00 par Lt Martin" in text
    assert "n'est plus dans l'index du dossier" in text


def test_english_labels(context: ExportContext, make_hit: MakeHit, make_results: MakeResults) -> None:
    text = _flat(" ".join(_pages(render_pdf(make_results([make_hit()]), context, lang="en"))))
    for expected in ("Search results", "Query GAV prolongée", "Operator Lt Élodie Martin", "Page 1 / 1"):
        assert expected in text
    assert "Scores BM25 5.2500" in text
    with pytest.raises(ValueError, match="choose one of fr, en"):
        render_pdf(make_results([make_hit()]), context, lang="de")


def test_no_hits(context: ExportContext, make_results: MakeResults) -> None:
    text = _flat(" ".join(_pages(render_pdf(make_results([]), context))))
    assert "Résultats 0" in text and "Aucun résultat." in text
