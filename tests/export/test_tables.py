"""Table exports (entities, co-occurrences, term lists): what the PDF says on every page, and the CSV's rows with
their provenance."""

import csv
import io
import re

import pypdf

from arbiter_desktop.entities import EntityType
from arbiter_desktop.export import labels as label_words
from arbiter_desktop.export.labels import Labels
from arbiter_desktop.export.resultset import ExportContext
from arbiter_desktop.export.tables import (
    cooccurrence_table,
    entity_table,
    render_table_csv,
    render_table_pdf,
    termlist_table,
)
from arbiter_desktop.search.termlist import ListedTerm, TermList, TermListRun, TermResult
from arbiter_desktop.stores.analysis import Cooccurrence, EntitySummary

PHONE = EntitySummary(EntityType.PHONE, "+33749271683", "07 49 27 16 83", True, 3, 7)
IBAN = EntitySummary(EntityType.IBAN, "FR7630004000031234567890144", "FR76 3000 4000 0312 3456 7890 144", False, 1, 1)
MARKUP = EntitySummary(EntityType.EMAIL, "<b>x</b>@a.fr", "**<b>x</b>@a.fr**", True, 1, 2)


def _pages(data: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_both_languages_have_every_word() -> None:
    assert set(label_words._FR) == set(label_words._EN)
    assert Labels("en").entity_type(EntityType.PLATE) == "Plate"


def test_entity_table_pdf_repeats_its_header_on_every_page(context: ExportContext) -> None:
    many = [EntitySummary(EntityType.PHONE, f"+3361234{i:04d}", f"06 12 34 {i:04d}", True, 2, 2) for i in range(150)]
    table = entity_table([PHONE, IBAN, MARKUP, *many], [], 400, Labels("fr"))
    pages = _pages(render_table_pdf(table, context))
    n = len(pages)
    assert n > 2
    cover = pages[0]
    for expected in (
        "Arbiter Desktop — Entités du dossier",
        "Dossier Affaire GOURDON (/dossiers/affaire-gourdon)",
        "Opérateur Lt Élodie Martin (compte système : emartin)",
        "Date de l'export 14/03/2024 à 16:05:09 CEST (UTC+02:00)",
        "Index génération 7, 15 document(s)",
        "Types d'entités tous",
        "Lignes 153 sur 400",
        f"Journal d'audit dernière entrée n° 41, SHA-256 {'ab' * 32}",
        "Téléphone 07 49 27 16 83 +33749271683 3 7 —",
        "IBAN FR76 3000 4000 0312 3456 7890 144",
        "invalide",
        "**<b>x</b>@a.fr**",  # text, never markup
    ):
        assert expected in cover, expected
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} / {n}" in text
        assert "Type Entité Forme normalisée Documents Occurrences Clé de contrôle" in text
    assert "06 12 34 0149" in pages[-1]


def test_cooccurrence_table(context: ExportContext) -> None:
    plate = EntitySummary(EntityType.PLATE, "HB562ZD", "HB-562-ZD", True, 2, 2)
    table = cooccurrence_table([Cooccurrence(PHONE, plate, 2)], [EntityType.PHONE, EntityType.PLATE], Labels("en"))
    text = _pages(render_table_pdf(table, context))[0]
    assert "Arbiter Desktop — Entities found together" in text
    assert "Entity types Phone, Plate" in text
    assert "Type A Entity A Type B Entity B Shared documents" in text
    assert "Phone 07 49 27 16 83 Plate HB-562-ZD 2" in text
    rows = _csv(render_table_csv(table, context))
    assert rows[0][:5] == ["Type A", "Entity A", "Type B", "Entity B", "Shared documents"]
    assert rows[1][:5] == ["Phone", "07 49 27 16 83", "Plate", "HB-562-ZD", "2"]
    empty = cooccurrence_table([], [], Labels("fr"))
    assert "Aucune paire d'entités trouvées ensemble." in _pages(render_table_pdf(empty, context))[0]


def _run(previous: bool) -> TermListRun:
    listed = TermList(
        "cibles", (ListedTerm("gare"), ListedTerm("=HYPERLINK(\"x\")", "piège"), ListedTerm("introuvable")),
        "c" * 64, "/listes/cibles.txt",
    )  # fmt: skip
    new, gone = (("b" * 64,), ("d" * 64,)) if previous else ((), ())
    results = (
        TermResult("gare", "", ("a" * 64, "b" * 64), 3, new=new, gone=gone),
        TermResult("=HYPERLINK(\"x\")", "piège", ("a" * 64,), 1),
        TermResult("introuvable", "", (), 0),
    )  # fmt: skip
    return TermListRun(
        listed, results, 9, 15, "2024-03-14T16:00:00+02:00", "2024-03-01T10:00:00+01:00" if previous else ""
    )


def test_termlist_pdf_cites_the_list_and_what_changed(context: ExportContext) -> None:
    table = termlist_table(_run(previous=True), {"b" * 64: "/dossier/pv_b.txt"}, Labels("fr"))
    text = " ".join(_pages(render_table_pdf(table, context)))
    for expected in (
        "Arbiter Desktop — Liste de termes « cibles »",
        "Liste cibles",
        "Source /listes/cibles.txt",
        f"SHA-256 de la liste {'c' * 64}",
        "Termes 3",
        "Exécution le 14/03/2024 à 16:00:00 UTC+02:00, index génération 9",
        "Exécution précédente 01/03/2024 à 10:00:00 UTC+01:00",
        "Termes sans résultat 1 : introuvable",
        "Terme Libellé Documents Passages Nouveaux Disparus",
        "gare 2 3 1 1",
        '=HYPERLINK("x") piège 1 1 0 0',
        "introuvable 0 0 0 0",
        "Documents nouveaux et disparus depuis l'exécution du 01/03/2024 à 10:00:00 UTC+01:00",
        f"gare nouveau /dossier/pv_b.txt {'b' * 64}",
        f"gare disparu (n'est plus dans le dossier) {'d' * 64}",
        "Terme Changement Document (chemin, SHA-256)",
    ):
        assert expected in text, expected


def test_termlist_csv_rows_carry_the_list_and_guard_formulas(context: ExportContext) -> None:
    first = termlist_table(_run(previous=False), {}, Labels("fr"))
    rows = _csv(render_table_csv(first, context))
    header = rows[0]
    assert header[:4] == ["Terme", "Libellé", "Documents", "Passages"] and "Nouveaux" not in header
    assert rows[1][:4] == ["gare", "", "2", "3"]
    assert rows[2][0] == '\'=HYPERLINK("x")'  # shown as text by a spreadsheet, never run
    column = dict(zip(header, rows[3], strict=True))
    assert column["SHA-256 de la liste"] == "c" * 64
    assert column["Exécution précédente"] == "aucune (première exécution)"
    assert column["Dossier"] == "Affaire GOURDON (/dossiers/affaire-gourdon)"
    assert column["Génération de l'index"] == "7"
    text = " ".join(_pages(render_table_pdf(first, context)))
    assert "Documents nouveaux et disparus" not in text
