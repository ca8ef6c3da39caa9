"""A result set → CSV with the same fields as the PDF, one row per hit.

- UTF-8 with a byte order mark, ``;`` between fields (the French spreadsheet convention, with decimal commas in
  French; points in English), fields quoted by the csv module when they hold a ``;``, a quote or a line break:
  it opens in a spreadsheet with its accents and columns right.
- Each row repeats the context (query, mode, expansions, filters, case, operator, date, models, index), so a
  row keeps its provenance when the sheet is sorted or filtered.
- Formula injection is guarded: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return gets a leading apostrophe (``'=HYPERLINK(…)``), so the spreadsheet shows it as text and never runs it.
  The apostrophe is part of the cell text; the PDF shows the exact text. Numbers (rank, page, scores) are
  written as numbers and never prefixed.
"""

from __future__ import annotations

import csv
import io

from arbiter_desktop.export.labels import Labels
from arbiter_desktop.export.resultset import ExportContext, ExportHit, ResultSet

BOM = "\ufeff"
DELIMITER = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# (label key, is it a number) in column order
COLUMNS = (
    ("rank", True),
    ("document", False),
    ("other_paths", False),
    ("sha256", False),
    ("page", True),
    ("doc_title", False),
    ("passage", False),
    ("highlighted", False),
    ("highlight_offsets", False),
    ("score_main", True),
    ("score_bm25", True),
    ("score_dense", True),
    ("score_fused", True),
    ("score_rerank", True),
    ("matched_terms", False),
    ("via_expansion", False),
    ("query", False),
    ("mode", False),
    ("origin_query", False),
    ("tagged", False),
    ("absent", False),
    ("tag", False),
    ("expansions", False),
    ("filters", False),
    ("case", False),
    ("operator", False),
    ("csv_exported_at", False),
    ("application", False),
    ("embedder", False),
    ("reranker", False),
    ("csv_generation", True),
    ("coverage", False),
    ("audit", False),
    ("containers", False),
)


def guarded(value: str) -> str:
    """A text cell that a spreadsheet will not read as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def header(labels: Labels) -> list[str]:
    return [labels[key] for key, _ in COLUMNS]


def _row(hit: ExportHit, results: ResultSet, context: ExportContext, labels: Labels) -> dict[str, str]:
    tag_export = bool(results.tag)
    main = hit.scores.rerank
    for candidate in (hit.scores.fused, hit.scores.dense, hit.scores.bm25):
        if main is None:
            main = candidate
    head = context.audit_head
    return {
        "rank": str(hit.rank),
        "document": hit.doc_path,
        "other_paths": " | ".join(hit.other_paths),
        "sha256": hit.sha256,
        "containers": " | ".join(f"{path} ({sha})" for path, sha in hit.containers),
        "page": str(hit.page),
        "doc_title": hit.title,
        "passage": hit.passage,
        "highlighted": " | ".join(hit.passage[a:b] for a, b in hit.highlights),
        "highlight_offsets": " ".join(f"{a}-{b}" for a, b in hit.highlights),
        "score_main": labels.number(main),
        "score_bm25": labels.number(hit.scores.bm25),
        "score_dense": labels.number(hit.scores.dense),
        "score_fused": labels.number(hit.scores.fused),
        "score_rerank": labels.number(hit.scores.rerank),
        "matched_terms": ", ".join(hit.matched_terms),
        "via_expansion": "; ".join(hit.expansions),
        "query": results.query if not tag_export else hit.query,
        "mode": labels.mode(results.mode if not tag_export else hit.mode),
        "origin_query": labels.origin(hit) if hit.query else "",
        "tagged": labels.tagged(hit) if hit.tagged else "",
        "absent": "" if hit.in_index else labels["absent_value"],
        "tag": results.tag,
        "expansions": labels.expansions(results.expansions) if not tag_export else "",
        "filters": labels.filters(results.filters) if not tag_export else "",
        "case": f"{context.case_name} ({context.case_dir})",
        "operator": labels.operator(context),
        "csv_exported_at": labels.date(context.created),
        "application": labels["generated_by"].format(version=context.app_version),
        "embedder": labels.model(results.models, "embedder", tag_export),
        "reranker": labels.model(results.models, "reranker", tag_export),
        "csv_generation": str(context.generation),
        "coverage": labels.coverage(results.coverage),
        "audit": labels["audit_value"].format(seq=head[0], hash=head[1]) if head else labels["audit_empty"],
    }


def render_csv(results: ResultSet, context: ExportContext, lang: str = "fr") -> bytes:
    """The CSV's bytes (UTF-8 with BOM)."""
    labels = Labels(lang)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header(labels))
    for hit in results.hits:
        row = _row(hit, results, context, labels)
        writer.writerow([row[key] if number else guarded(row[key]) for key, number in COLUMNS])
    return (BOM + out.getvalue()).encode("utf-8")
