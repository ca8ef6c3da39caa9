"""Batch term lists: the same documents as each query run alone; saved, re-run with what changed, audited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from support import session_of, write

from arbiter_desktop import cli
from arbiter_desktop.domain import SearchMode, SearchRequest
from arbiter_desktop.search.termlist import TermListError, parse_terms, pasted_list, read_list
from arbiter_desktop.stores.case import Case

DOCS = {
    "a.txt": "Audition de M. HAMIDI : il appelait le 07 49 27 16 83 et roulait en Audi HB-562-ZD vers la gare.",
    "b.txt": "FADET : 33749271683 ; rendez-vous à la gare Saint-Charles le 27/09/2024 avec 214 300 € en espèces.",
    "c.txt": "Perquisition chez Mme BELHADJ : 18 650 € dans la machine à laver, garde à vue prolongée.",
    "d.txt": "Rapport de patrouille sans particularité, aucune interpellation ce jour-là.",
}
TERMS = ["gare", "0749271683", "HB562ZD", "garde à vue", '"machine à laver"', "HAMIDI OR BELHADJ", "introuvable"]


@pytest.fixture
def indexed(case: Case, tmp_path: Path) -> Iterator[Case]:
    for name, text in DOCS.items():
        write(tmp_path / "src", name, text)
    assert session_of(case).index([tmp_path / "src"]).errors == 0
    case.close()
    ungrouped = Case.open(case.directory, settings=case.settings.replace(group_near_duplicates=False))
    yield ungrouped
    ungrouped.close()


def test_parse_lists() -> None:
    assert [t.term for t in parse_terms("gare\n\n  HB562ZD \ngare\n")] == ["gare", "HB562ZD"]
    csv_terms = parse_terms("term;label\n0749271683;ligne gérant\nHB562ZD;\n", csv_format=True)
    assert [(t.term, t.label) for t in csv_terms][1:] == [("0749271683", "ligne gérant"), ("HB562ZD", "")]
    with pytest.raises(TermListError):
        pasted_list("\n \n", "vide")


def test_batch_matches_each_query_alone(indexed: Case) -> None:
    run = session_of(indexed).run_termlist(pasted_list("\n".join(TERMS), "essai"))
    by_term = {r.term: r for r in run.results}
    for term in TERMS:
        alone = session_of(indexed).search(SearchRequest(query=term, top=100, mode=SearchMode.LEXICAL), audit=False)
        assert set(by_term[term].documents) == {h.sha256 for h in alone.hits}, term
    assert len(by_term["0749271683"].documents) == 2  # "07 49 27 16 83" and "33749271683"
    assert [r.term for r in run.without_hits()] == ["introuvable"]
    entry = indexed.audit.entries()[-1]
    assert entry.event == "termlist" and entry.data["sha256"] == run.termlist.sha256  # type: ignore[union-attr]


def test_rerun_shows_what_changed(indexed: Case, tmp_path: Path) -> None:
    listed = tmp_path / "liste.txt"
    listed.write_text("gare\nespèces\n", encoding="utf-8")
    first = session_of(indexed).run_termlist(read_list(listed))
    assert first.previous_at == "" and all(not r.new for r in first.results)
    write(tmp_path / "src", "e.txt", "Nouveau PV : remise d'espèces à la gare routière.")
    session_of(indexed).index([tmp_path / "src"])
    second = session_of(indexed).run_termlist(read_list(listed))
    assert second.previous_at == first.ran_at
    assert {r.term: len(r.new) for r in second.results} == {"gare": 1, "espèces": 1}


def test_cli_termlist_and_entities_json(indexed: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listed = tmp_path / "liste.csv"
    listed.write_text("0749271683;ligne\nintrouvable;\n", encoding="utf-8")
    assert cli.main(["termlist", str(indexed.directory), str(listed), "--json", "--csv", str(tmp_path / "t.csv")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["results"][0]["documents"] == 2 and data["without_hits"] == ["introuvable"]
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert cli.main(["termlist", str(indexed.directory), "--name", "liste", "--json"]) == 0  # saved, re-run
    assert json.loads(capsys.readouterr().out)["previous_run"] is not None
    assert cli.main(["entities", str(indexed.directory), "--type", "phone", "--json"]) == 0
    phones = json.loads(capsys.readouterr().out)
    assert phones[0]["value"] == "+33749271683" and phones[0]["documents"] == 2
    assert cli.main(["search", str(indexed.directory), "gare", "--mode", "lexical", "--entity", phones[0]["filter"],
                     "--json"]) == 0  # fmt: skip
    assert len(json.loads(capsys.readouterr().out)["hits"]) == 2


def test_cli_exports_tables_to_pdf_and_csv_audited(indexed: Case, tmp_path: Path) -> None:
    listed = tmp_path / "liste.txt"
    listed.write_text("gare\nintrouvable\n", encoding="utf-8")
    pdf, csv = tmp_path / "liste.pdf", tmp_path / "liste.csv"
    assert cli.main(["termlist", str(indexed.directory), str(listed), "--pdf", str(pdf), "--csv", str(csv)]) == 0
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    sha = read_list(listed).sha256
    assert "Liste de termes « liste »" in text and sha in text.replace("\n", "")
    assert csv.read_text(encoding="utf-8-sig").splitlines()[0].startswith("Terme;Libellé;Documents;Passages")
    entry = indexed.audit.entries()[-1]
    assert entry.event == "export" and entry.data["table"] == "termlist" and entry.data["sha256"] == sha
    assert {f["format"] for f in entry.data["files"]} == {"pdf", "csv"}
    assert cli.main(["termlist", str(indexed.directory), str(listed), "--pdf", str(pdf)]) == 2  # no overwrite
    entities = tmp_path / "entites.pdf"
    assert cli.main(["entities", str(indexed.directory), "--pdf", str(entities), "--lang", "en"]) == 0
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(entities).pages)
    assert "Entities of the case" in text and "HB-562-ZD" in text
    pairs = tmp_path / "paires.csv"
    assert cli.main(["entities", str(indexed.directory), "--cooccurrence", "--csv", str(pairs)]) == 0
    assert pairs.read_text(encoding="utf-8-sig").startswith("Type A;Entité A;Type B;Entité B;Documents communs")
