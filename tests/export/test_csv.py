"""The CSV export: UTF-8 with BOM, ; separated, exact text read back, formulas neutralised."""

import csv
import io
from collections.abc import Callable

from arbiter_desktop.domain import Scores
from arbiter_desktop.export.csv import BOM, COLUMNS, guarded, render_csv
from arbiter_desktop.export.resultset import ExportContext, ExportHit, ResultSet

MakeHit = Callable[..., ExportHit]
MakeResults = Callable[..., ResultSet]


def _rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(BOM.encode("utf-8"))
    text = data.decode("utf-8").removeprefix(BOM)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def test_guarded_cells() -> None:
    for risky in ("=SUM(A1)", "+33 6", "-1", "@cmd", "\tx", "\rx"):
        assert guarded(risky) == "'" + risky
    assert guarded("garde à vue") == "garde à vue" and guarded("") == ""


def test_bom_columns_and_exact_text(context: ExportContext, make_hit: MakeHit, make_results: MakeResults) -> None:
    passage = 'Il dit ; « j\'étais là »\nNouvelle ligne, "guillemets" <b>gras</b> <script>x</script> **y** garde à vue'
    hits = [make_hit(1, passage=passage, other_paths=("/a/copie.txt", "/b/copie.txt")), make_hit(2)]
    data = render_csv(make_results(hits), context)
    header = data.decode("utf-8").removeprefix(BOM).split("\r\n", 1)[0]
    assert header.startswith("Rang;Document;Copies identiques;SHA-256 du document;Page;Origine du texte;Titre;Passage;")
    assert header.count(";") == len(COLUMNS) - 1
    rows = _rows(data)
    assert len(rows) == 2
    first = rows[0]
    assert first["Rang"] == "1" and first["Page"] == "3" and first["SHA-256 du document"] == "01" * 32
    assert first["Passage"] == passage  # ; quotes, line breaks and markup survive, as text
    assert first["Copies identiques"] == "/a/copie.txt | /b/copie.txt"
    assert first["Extraits surlignés"] == "garde à vue"
    start = passage.index("garde à vue")
    assert first["Positions des surlignages"] == f"{start}-{start + 11}"
    assert first["Score"] == "1,5000" and first["BM25"] == "5,2500" and first["reclassement"] == ""
    assert first["Requête"] == "GAV prolongée" and first["Mode"] == "hybride (plein texte et sémantique)"
    assert first["Extensions appliquées"] == "GAV → garde à vue, gardé à vue"
    assert first["Opérateur"] == "Lt Élodie Martin (compte système : emartin)"
    assert first["Date de l'export"] == "14/03/2024 à 16:05:09 CEST (UTC+02:00)"
    assert first["Modèle d'embeddings"] == f"embeddinggemma-300m-q8_0 (SHA-256 {'e' * 64})"
    assert first["Génération de l'index"] == "7"
    assert first["Journal d'audit"] == f"dernière entrée n° 41, SHA-256 {'ab' * 32}"


def test_formulas_are_neutralised_but_numbers_are_not(
    context: ExportContext, make_hit: MakeHit, make_results: MakeResults
) -> None:
    hit = make_hit(
        passage='=HYPERLINK("http://x";"clic") garde à vue',
        doc_path="@/cas/pv.txt",
        title="-titre",
        scores=Scores(bm25=None, dense=-0.25, fused=None, rerank=-1.5),
    )
    row = _rows(render_csv(make_results([hit], query="+33612345678"), context))[0]
    assert row["Passage"] == '\'=HYPERLINK("http://x";"clic") garde à vue'
    assert row["Document"] == "'@/cas/pv.txt" and row["Titre"] == "'-titre" and row["Requête"] == "'+33612345678"
    assert row["sémantique"] == "-0,2500" and row["reclassement"] == "-1,5000" and row["Score"] == "-1,5000"


def test_english_headers_and_decimal_points(
    context: ExportContext, make_hit: MakeHit, make_results: MakeResults
) -> None:
    row = _rows(render_csv(make_results([make_hit()]), context, lang="en"))[0]
    assert row["Rank"] == "1" and row["BM25"] == "5.2500" and row["Query"] == "GAV prolongée"


def test_no_hits_is_a_header_only(context: ExportContext, make_results: MakeResults) -> None:
    assert _rows(render_csv(make_results([]), context)) == []
