"""The command line, end to end: index, search --json, status --json, errors, eval."""

import hashlib
import json
from pathlib import Path

import pypdf
import pytest
from support import write

from arbiter_desktop import app
from arbiter_desktop.cli import main
from arbiter_desktop.config.models import DEFAULT_EMBEDDER


@pytest.fixture
def case_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    src = tmp_path / "src"
    write(src, "pv.txt", "Le mis en cause MEZIANE a été placé en garde à vue à 14h30.")
    write(src, "sms.txt", "rdv gare 18h, ramène le liquide. Tel 06 12 34 56 78")
    (src / "programme.txt").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 8)
    case = tmp_path / "case"
    assert main(["index", str(case), str(src), "--no-semantic"]) == 1  # finished, with one file in error
    out = capsys.readouterr()
    assert "2 added" in out.out and "programme.txt" in out.out and "unsupported" in out.out
    return case


def test_search_json_schema(case_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", str(case_dir), "garde à vue", "--json", "--top", "5", "--mode", "lexical"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == "garde à vue"
    assert data["expansions"] == [
        {"term": "garde à vue", "alternatives": ["GAV", "gardes à vue", "gardée à vue"], "categories": ["acronyme"]}
    ]
    assert data["coverage"] == {"chunks": 2, "embedded": 0}
    (hit,) = data["hits"]
    assert set(hit) >= {
        "rank",
        "doc_path",
        "sha256",
        "page",
        "chunk_id",
        "score",
        "passage",
        "highlights",
        "scores",
    }
    assert set(hit["scores"]) == {"bm25", "dense", "fused", "rerank"}
    assert hit["rank"] == 1 and hit["page"] == 1 and hit["doc_path"].endswith("pv.txt")
    assert [hit["passage"][s:e] for s, e in hit["highlights"]] == ["garde à vue"]


def test_search_text_output(case_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", str(case_dir), "0612345678", "--mode", "lexical"]) == 0
    out = capsys.readouterr().out
    assert "sms.txt" in out and "[06 12 34 56 78]" in out


def test_status_and_errors(case_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", str(case_dir), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert {k: status[k] for k in ("documents", "chunks", "embedded", "errors")} == {
        "documents": 2,
        "chunks": 2,
        "embedded": 0,
        "errors": 1,
    }
    assert status["generation"] >= 1
    assert main(["errors", str(case_dir), "--json"]) == 0
    (error,) = json.loads(capsys.readouterr().out)
    assert error["path"].endswith("programme.txt") and error["reason"] == "unsupported"


def test_bad_input_gets_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", str(tmp_path / "nowhere"), "x"]) == 2
    assert "is not a case" in capsys.readouterr().err
    assert main(["index", str(tmp_path / "case"), str(tmp_path / "missing")]) == 2
    assert "not found" in capsys.readouterr().err
    assert main(["eval", str(tmp_path)]) == 2
    assert "corpus.jsonl is missing" in capsys.readouterr().err


def test_missing_model_names_the_expected_file(
    case_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARBITER_MODELS_DIR", str(tmp_path / "empty-models"))
    assert main(["search", str(case_dir), "gare", "--mode", "hybrid"]) == 2
    assert DEFAULT_EMBEDDER in capsys.readouterr().err
    assert main(["search", str(case_dir), "gare", "--mode", "dense", "--model", "nope.gguf"]) == 2
    assert "nope.gguf" in capsys.readouterr().err


def _tiny_beir(folder: Path) -> Path:
    folder.mkdir()
    docs = [
        ("d1", "Garde à vue", "Le suspect a été placé en garde à vue puis la mesure a été prolongée."),
        ("d2", "Saisie", "Saisie de douze barrettes de résine de cannabis au domicile."),
        ("d3", "Téléphonie", "Réquisition à l'opérateur pour la ligne 06 12 34 56 78."),
    ]
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as f:
        for i, title, text in docs:
            f.write(json.dumps({"id": i, "title": title, "text": text}, ensure_ascii=False) + "\n")
    queries = [("q-ent-1", "0612345678"), ("q-fact-1", "barrettes de cannabis"), ("q-fact-2", "pistolet")]
    with (folder / "queries.jsonl").open("w", encoding="utf-8") as f:
        for i, text in queries:
            f.write(json.dumps({"id": i, "text": text}) + "\n")
    (folder / "qrels.tsv").write_text("query-id\tcorpus-id\tscore\nq-ent-1\td3\t1\nq-fact-1\td2\t2\nq-fact-2\td1\t1\n")
    return folder


def test_eval_on_a_set_with_a_known_answer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dataset = _tiny_beir(tmp_path / "tiny")
    out_file = tmp_path / "per_query.jsonl"
    assert main(["eval", str(dataset), "--json", "--out", str(out_file)]) == 0
    data = json.loads(capsys.readouterr().out)
    # two queries find their only relevant document first; "pistolet" finds nothing
    assert data["queries"] == 3
    assert data["recall@5"] == pytest.approx(2 / 3, abs=1e-3)
    assert data["mrr@10"] == pytest.approx(2 / 3, abs=1e-3)
    assert data["ndcg@10"] == pytest.approx(2 / 3, abs=1e-3)
    assert set(data["latency_ms"]) == {"p50", "p95"}
    assert data["by_category"]["ent"]["recall@5"] == 1.0
    assert data["by_category"]["fact"]["queries"] == 2
    rows = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert [r["query_id"] for r in rows] == ["q-ent-1", "q-fact-1", "q-fact-2"]
    assert rows[0]["ranked"][0] == "d3" and rows[2]["ranked"] == []


def test_demo_indexes_the_fictional_case_and_searches_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARBITER_MODELS_DIR", str(tmp_path / "no-models"))  # full text only: fast
    assert main(["demo", "--case", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    assert "20 added" in out and "0 duplicate" in out
    assert "23 documents" in out  # the three members of the demo's ZIP scellé are documents too
    # without the OCR models, the scanned PV waits for OCR, and the report says where the models go
    assert "Awaiting OCR: 1 documents, 1 pages (OCR model(s) missing: " in out
    assert str(tmp_path / "no-models" / "tessdata" / "fra.traineddata") in out
    assert "2024-03-14_PV_prolongation_GAV_FERRAND.odt" in out  # "GAV prolongée" finds the spelled-out PV
    assert "--mode lexical" in out


# --- case file: export, tag, tags, audit -----------------------------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_export_pdf_and_csv(case_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf, csv = tmp_path / "gav.pdf", tmp_path / "gav.csv"
    args = ["export", str(case_dir), "garde à vue", "--pdf", str(pdf), "--csv", str(csv), "--mode", "lexical"]
    assert main([*args, "--operator", "Lt Martin"]) == 0
    out = capsys.readouterr().out
    assert "Exported 1 hit(s) of «garde à vue»" in out
    assert f"SHA-256 {_sha256(pdf)}" in out and f"SHA-256 {_sha256(csv)}" in out
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert "garde à vue" in text and "Lt Martin" in text and "Page 1 / 1" in text
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf") and "MEZIANE" in csv.read_text(encoding="utf-8-sig")
    assert main(args) == 2
    assert "already exists" in capsys.readouterr().err
    assert main([*args, "--overwrite", "--lang", "en"]) == 0
    assert "Query garde à vue" in " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)


def test_export_asks_for_an_output_and_one_source(
    case_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = str(tmp_path / "x.pdf")
    assert main(["export", str(case_dir), "gare"]) == 2
    assert "--pdf OUT.pdf, --csv OUT.csv, or both" in capsys.readouterr().err
    assert main(["export", str(case_dir), "gare", "--tag", "pertinent", "--pdf", pdf]) == 2
    assert main(["export", str(case_dir), "--pdf", pdf]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["export", str(case_dir), "gare", "--pdf", str(tmp_path / "no" / "x.pdf")]) == 2
    assert "does not exist: create it or choose another path" in capsys.readouterr().err


def test_tag_list_export_and_remove(case_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tag = ["tag", str(case_dir), "gare MEZIANE", "--mode", "lexical", "--tag", "à vérifier"]
    assert main([*tag, "--rank", "1", "--rank", "2"]) == 0
    assert capsys.readouterr().out.count("tagged «à vérifier»") == 2
    assert main([*tag, "--rank", "1"]) == 0
    assert "already tagged" in capsys.readouterr().out
    assert main([*tag, "--rank", "3"]) == 2
    assert "no hit at rank 3: «gare MEZIANE» has 2 hit(s)" in capsys.readouterr().err
    assert main(["tags", str(case_dir)]) == 0
    assert "2 hit(s)  à vérifier" in capsys.readouterr().out
    assert main(["tags", str(case_dir), "--tag", "à vérifier", "--json"]) == 0
    tagged = json.loads(capsys.readouterr().out)
    assert [t["query"] for t in tagged] == ["gare MEZIANE"] * 2 and {t["rank"] for t in tagged} == {1, 2}
    assert main(["tags", str(case_dir), "--tag", "pertinent"]) == 2
    assert "unknown tag «pertinent»: the tags of this case are à vérifier" in capsys.readouterr().err

    pdf = tmp_path / "tag.pdf"
    assert main(["export", str(case_dir), "--tag", "à vérifier", "--pdf", str(pdf)]) == 0
    assert "Exported 2 hit(s) of the tag «à vérifier»" in capsys.readouterr().out
    assert "Passages étiquetés « à vérifier »" in pypdf.PdfReader(pdf).pages[0].extract_text()

    assert main(["tags", str(case_dir), "--tag", "à vérifier", "--remove-hit", str(tagged[0]["id"])]) == 0
    assert "from 1 hit(s)" in capsys.readouterr().out
    assert main(["tags", str(case_dir), "--tag", "à vérifier", "--remove"]) == 0
    assert main(["tags", str(case_dir)]) == 0
    assert "No tags in this case" in capsys.readouterr().out


def test_audit_prints_and_verifies_the_trail(
    case_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", str(case_dir), "gare MEZIANE", "--mode", "lexical", "--operator", "Lt Martin"]) == 0
    assert main(["export", str(case_dir), "gare", "--mode", "lexical", "--csv", str(tmp_path / "g.csv")]) == 0
    capsys.readouterr()
    assert main(["audit", str(case_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == ["1", "2", "3", "4"]
    assert len(lines) == 4 and "index" in lines[0] and "«gare MEZIANE» lexical: 2 hit(s)" in lines[1]
    assert "Lt Martin" in lines[1] and "export" in lines[3] and _sha256(tmp_path / "g.csv") in lines[3]
    assert main(["audit", str(case_dir), "--json"]) == 0
    assert [e["event"] for e in json.loads(capsys.readouterr().out)] == ["index", "search", "search", "export"]
    assert main(["audit", str(case_dir), "--verify"]) == 0
    assert "Audit trail intact: 4 entries" in capsys.readouterr().out

    log = case_dir / "audit.jsonl"
    entries = log.read_text(encoding="utf-8").splitlines()
    log.write_text("\n".join([entries[0], entries[1].replace('"hits":2', '"hits":0'), *entries[2:]]) + "\n")
    assert main(["audit", str(case_dir), "--verify"]) == 1
    assert "entry n° 2 (line 2) was altered" in capsys.readouterr().out
    log.write_text("\n".join([entries[0], entries[2], entries[1], entries[3]]) + "\n")  # swapped
    assert main(["audit", str(case_dir), "--verify", "--json"]) == 1
    check = json.loads(capsys.readouterr().out)
    assert check["ok"] is False and check["problem"]["seq"] == 2 and "n° 2 was expected" in check["problem"]["reason"]
    log.write_text("\n".join(entries[:3]) + "\n")  # the last entry removed
    assert main(["audit", str(case_dir), "--verify"]) == 1
    assert "n° 4 to n° 4 were removed from the end" in capsys.readouterr().out


def test_a_damaged_case_is_refused_with_the_fix_then_repaired(
    case_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for segment in (case_dir / "lexical").glob("*.term"):
        segment.unlink()
    assert main(["search", str(case_dir), "garde à vue", "--mode", "lexical"]) == 2
    err = capsys.readouterr().err
    assert "full-text index" in err and f"arbiter repair {case_dir.resolve()}" in err
    assert main(["repair", str(case_dir), "--no-semantic"]) == 0
    out = capsys.readouterr().out
    assert "1 damaged store(s) found" in out and "Full-text index rebuilt from the catalog: 2 documents" in out
    assert main(["search", str(case_dir), "garde à vue", "--mode", "lexical", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["hits"][0]["doc_path"].endswith("pv.txt")
    assert main(["repair", str(case_dir), "--no-semantic"]) == 0
    assert "No damage found." in capsys.readouterr().out


def test_paths_with_control_characters_stay_on_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "src"
    write(src, "nom\nsur deux lignes.txt", "Le témoin au nom coupé.")
    assert main(["index", str(tmp_path / "case"), str(src), "--no-semantic"]) == 0
    capsys.readouterr()
    assert main(["search", str(tmp_path / "case"), "coupé", "--mode", "lexical"]) == 0
    assert "nom\\nsur deux lignes.txt (p. 1)" in capsys.readouterr().out


def test_eval_runs_several_modes_over_one_indexing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = _tiny_beir(tmp_path / "tiny")
    out_file = tmp_path / "per_query.jsonl"
    assert main(["eval", str(dataset), "--mode", "lexical,lexical", "--json", "--out", str(out_file)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["recall@5"] == pytest.approx(2 / 3, abs=1e-3)  # one mode (the repeat is dropped): the usual figures
    assert main(["eval", str(dataset), "--mode", "lexical", "--sample", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["queries"] == 2
    assert main(["eval", str(dataset), "--mode", "lexical,nonsense"]) == 2
    assert main(["eval", str(dataset)]) == 0
    out = capsys.readouterr().out
    assert "mode lexical" in out and "ent" in out and "fact" in out


def test_eval_settings_reach_the_evaluation_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = _tiny_beir(tmp_path / "tiny")
    seen: list[dict[str, object]] = []
    open_session = app.open_session

    def recording(*args: object, **kwargs: object) -> object:
        seen.append(dict(kwargs.get("overrides") or {}))  # type: ignore[call-overload]
        return open_session(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(app, "open_session", recording)
    args = ["eval", str(dataset), "--setting", "hits_per_document=2", "--setting", "late_chunking=on", "--json"]
    assert main(args) == 0
    assert seen and seen[-1]["hits_per_document"] == 2 and seen[-1]["late_chunking"] is True
    assert json.loads(capsys.readouterr().out)["queries"] == 3
    assert main(["eval", str(dataset), "--setting", "late_chunking=peut-être"]) == 2
    assert "late_chunking" in capsys.readouterr().err
    assert main(["eval", str(dataset), "--setting", "fusion=max"]) == 2  # a choice not offered, refused before indexing
    assert "zscore, rrf" in capsys.readouterr().err
