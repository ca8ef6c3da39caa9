"""The composition root's case-file functions: audit records, exports of a real case, tags across re-indexing."""

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import pypdf
import pytest
from support import session_of, write

from arbiter_desktop import app
from arbiter_desktop.config.settings import Settings
from arbiter_desktop.domain import SearchMode, SearchRequest
from arbiter_desktop.embedding.base import HashingEmbedder
from arbiter_desktop.export.resultset import ExportError
from arbiter_desktop.stores.audit import AuditEntry
from arbiter_desktop.stores.case import Case

PV = "Le mis en cause MEZIANE a été placé en garde à vue à 14h30 ; il conteste avoir été à la gare."
SMS = "rdv gare 18h, ramène le liquide. Tel 06 12 34 56 78"


def _entries(case: Case) -> list[AuditEntry]:
    entries = case.audit.entries()
    assert all(isinstance(e, AuditEntry) for e in entries)
    return [e for e in entries if isinstance(e, AuditEntry)]


def _pdf_text(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages))


def test_index_search_export_and_tags_are_recorded(tmp_path: Path) -> None:
    settings = Settings(workers=1, extract_timeout_s=60, operator="Lt Martin")
    case = Case.open(tmp_path / "case", create=True, settings=settings)
    session = session_of(case)
    src = tmp_path / "src"
    write(src, "pv.txt", PV)
    write(src, "sms.txt", SMS)
    report = session.index([src])
    request = SearchRequest("garde à vue", top=5)
    result = session.search(request)
    (hit,) = result.hits
    out = tmp_path / "out"
    out.mkdir()
    files = session.export(session.search_results(result, request), pdf=out / "gav.pdf", csv=out / "gav.csv")
    session.tag("pertinent", result, [hit])
    session.untag("pertinent")

    entries = _entries(case)
    assert [e.event for e in entries] == ["index", "search", "export", "tag", "tag"]
    assert {e.operator for e in entries} == {"Lt Martin"}
    index, search, export, tagged, untagged = (e.data for e in entries)
    assert index["added"] == 2 and index["failed"] == 0 and index["generation"] == report.generation
    assert index["roots"] == [str(src)]
    assert search["query"] == "garde à vue" and search["mode"] == "lexical" and search["hits"] == 1
    assert search["expansions"] == ["garde à vue → GAV, gardes à vue, gardée à vue"]
    assert search["results"] == [f"{hit.sha256}:1"]
    for recorded, written in zip(export["files"], files, strict=True):
        path = Path(recorded["path"])
        assert recorded["sha256"] == written.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [Path(f["path"]).name for f in export["files"]] == ["gav.pdf", "gav.csv"]
    assert tagged["action"] == "add" and tagged["tag"] == "pertinent" and tagged["hits"][0]["sha256"] == hit.sha256
    assert untagged["action"] == "remove" and len(untagged["hits"]) == 1
    assert case.audit.verify().ok

    text = _pdf_text(out / "gav.pdf")
    assert "Requête garde à vue" in text and "Opérateur Lt Martin" in text
    assert f"SHA-256 du document {hit.sha256}" in text and "Page 1" in text and "Page 1 / 1" in text
    assert "Le mis en cause MEZIANE a été placé en garde à vue à 14h30" in text
    assert f"dernière entrée n° 2, SHA-256 {entries[1].hash}" in text  # the search, just before the export
    assert (out / "gav.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_audit_can_be_left_out_and_failures_are_recorded(case: Case, tmp_path: Path) -> None:
    session_of(case).search(SearchRequest("gare"), audit=False)
    assert _entries(case) == []
    with pytest.raises(app.ModeUnavailable):
        session_of(case).search(SearchRequest("gare", mode=SearchMode.DENSE))
    assert _entries(case) == []  # a search that did not run is not recorded
    with pytest.raises(RuntimeError, match="stopped"):
        session_of(case).index([tmp_path], on_progress=_stop)
    (entry,) = _entries(case)
    assert entry.event == "index" and entry.data["error"] == "RuntimeError: stopped"


def _stop(progress: object) -> None:
    raise RuntimeError("stopped")


def test_tags_survive_reindexing_and_follow_their_content(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    pv = write(src, "pv.txt", PV)
    sms = write(src, "sms.txt", SMS)
    session_of(case).index([src])
    result = session_of(case).search(SearchRequest("garde à vue"))
    (hit,) = result.hits
    session_of(case).tag("à vérifier", result, [hit])
    (tagged,) = case.tags.hits("à vérifier")
    chunk = case.catalog.chunks([hit.chunk_id])[hit.chunk_id]
    assert tagged.hit.chunk_span() == (chunk.start, chunk.end) and tagged.hit == hit  # the snapshot as shown

    sms.write_text(SMS + " Modifié.", encoding="utf-8")  # other documents change, come and go
    write(src, "nouveau.txt", "Audition du témoin PERRIN.")
    pv.rename(src / "renommé.txt")  # the tagged content moves
    session_of(case).index([src])
    (moved,) = session_of(case).tagged_results("à vérifier").hits
    assert moved.in_index and moved.hit.sha256 == hit.sha256 and moved.hit.doc_path.endswith("renommé.txt")
    assert moved.hit.passage == hit.passage and moved.tagged is not None and moved.tagged.query == "garde à vue"
    assert moved.hit.rank == 1

    (src / "renommé.txt").write_text(PV.replace("14h30", "15h00"), encoding="utf-8")  # the content itself changes
    session_of(case).index([src])
    (gone,) = session_of(case).tagged_results("à vérifier").hits
    assert not gone.in_index and gone.hit.sha256 == hit.sha256 and gone.hit.doc_path == hit.doc_path
    pdf = tmp_path / "tag.pdf"
    session_of(case).export(session_of(case).tagged_results("à vérifier"), pdf=pdf)
    text = _pdf_text(pdf)
    assert "Passages étiquetés « à vérifier »" in text and hit.sha256 in text and "14h30" in text
    assert "n'est plus dans l'index du dossier" in text
    export = _entries(case)[-1]
    assert export.event == "export" and export.data["tag"] == "à vérifier"
    assert export.data["files"][0]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()


def test_bad_outputs_are_refused_before_anything_is_written(case: Case, tmp_path: Path) -> None:
    results = session_of(case).search_results(
        session_of(case).search(SearchRequest("gare"), audit=False), SearchRequest("gare")
    )
    existing = write(tmp_path, "existe.pdf", "ancien")
    for kwargs, message in (
        ({}, "choose where to export"),
        ({"pdf": tmp_path / "absent" / "x.pdf"}, "the output folder .* does not exist: create it"),
        ({"pdf": existing}, "already exists: choose another name, or confirm replacing it"),
        ({"pdf": tmp_path, "csv": None}, "is a folder"),
        ({"pdf": tmp_path / "x", "csv": tmp_path / "x"}, "cannot be the same file"),
    ):
        with pytest.raises(ExportError, match=message):
            session_of(case).export(results, **kwargs)  # type: ignore[arg-type]
    assert existing.read_text() == "ancien" and _entries(case) == []
    session_of(case).export(results, pdf=existing, overwrite=True)
    assert existing.read_bytes().startswith(b"%PDF")
    assert json.loads(case.audit.path.read_text().splitlines()[-1])["event"] == "export"


def test_a_semantic_export_cites_the_embedding_model(case: Case, tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, "pv.txt", PV)
    write(src, "sms.txt", SMS)
    embedder = HashingEmbedder()
    session = session_of(case, embedder)
    session.index([src])
    request = SearchRequest("placé en garde à vue", mode=SearchMode.HYBRID)
    result = session.search(request)
    models = session.result_models(result)
    assert [(m.role, m.name, m.sha256) for m in models] == [("embedder", "hashing-256", embedder.identity.sha256)]
    pdf = tmp_path / "hybride.pdf"
    session.export(session.search_results(result, request), pdf=pdf)
    text = _pdf_text(pdf)
    assert f"Modèle d'embeddings hashing-256 (SHA-256 {embedder.identity.sha256})" in text
    assert "Mode hybride (plein texte et sémantique)" in text and "2 / 2 passages vectorisés (100,0 %)" in text
    index, search, _ = (e.data for e in _entries(case))
    assert index["embedder"] == search["embedder"] == {"name": "hashing-256", "sha256": embedder.identity.sha256}
    assert search["mode"] == "hybrid" and search["coverage"] == {"chunks": 2, "embedded": 2}


def test_a_tag_export_keeps_why_the_hit_matched(case: Case, tmp_path: Path) -> None:
    """Tags keep the hit's whole snapshot: a tag's export shows its matched words, its expansions and the
    sentence closest in meaning as the query's export did."""
    src = tmp_path / "src"
    write(src, "pv.txt", PV)
    write(src, "sms.txt", SMS)
    session = session_of(case, HashingEmbedder())
    session.index([src])
    request = SearchRequest("GAV de MEZIANE", mode=SearchMode.HYBRID)
    result = session.search(request)
    hit = result.hits[0]
    assert hit.matched_terms and hit.expansions and hit.semantic_highlight is not None
    session.tag("pertinent", result, [hit])
    out = tmp_path / "out"
    out.mkdir()
    session.export(session.search_results(result, request), csv=out / "query.csv")
    session.export(session.tagged_results("pertinent"), csv=out / "tag.csv")
    query_row, tag_row = (
        next(csv.DictReader(io.StringIO((out / name).read_text(encoding="utf-8-sig")), delimiter=";"))
        for name in ("query.csv", "tag.csv")
    )
    a, b = hit.semantic_highlight
    for column, value in (
        ("Termes trouvés", ", ".join(hit.matched_terms)),
        ("Via extension", "; ".join(hit.expansions)),
        ("Phrase la plus proche par le sens", hit.passage[a:b]),
    ):
        assert value and query_row[column] == tag_row[column] == value


def test_a_case_keeps_the_installed_model_it_holds_vectors_of(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Of EmbeddingGemma's two files, a case embedded with the one that is not this processor's default keeps it
    (embedding again takes hours; a case moves between workstations); a new case takes this processor's."""
    from arbiter_desktop.config.models import DEFAULT_EMBEDDER, GEMMA_BF16, GEMMA_Q8_0, resolve_embedder

    models = tmp_path / "models"
    models.mkdir()
    for name in (GEMMA_BF16, GEMMA_Q8_0):
        (models / name).write_bytes(b"GGUF" + name.encode())  # only their hashes matter here
    monkeypatch.setenv("ARBITER_MODELS_DIR", str(models))
    other = GEMMA_Q8_0 if DEFAULT_EMBEDDER == GEMMA_BF16 else GEMMA_BF16
    other_sha = hashlib.sha256(b"GGUF" + other.encode()).hexdigest()
    default_sha = hashlib.sha256(b"GGUF" + DEFAULT_EMBEDDER.encode()).hexdigest()
    old_case, new_case, both = tmp_path / "old", tmp_path / "new", tmp_path / "both"
    (old_case / "vectors" / f"embeddinggemma-{other_sha[:12]}").mkdir(parents=True)
    for sha in (other_sha, default_sha):
        (both / "vectors" / f"embeddinggemma-{sha[:12]}").mkdir(parents=True)
    new_case.mkdir()
    assert resolve_embedder("") == models / DEFAULT_EMBEDDER
    assert app.embedded_with(old_case) == models / other
    assert app.case_settings(old_case).embedder == str(models / other)
    assert app.embedded_with(both) == models / DEFAULT_EMBEDDER
    assert app.embedded_with(new_case) is None
