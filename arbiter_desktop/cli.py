"""Command line: `arbiter gui | index | search | export | tag | tags | audit | status | errors | verify | repair |
eval | demo | selftest`.

Drives the same engine as the GUI. Results go to stdout (text or JSON), progress and diagnostics to stderr.
`export` writes a result set (a query's hits, or a tag's) to PDF and/or CSV; `tag` tags hits of a query by
rank; `tags` lists and removes tags; `audit` prints the case's audit trail and `--verify` checks its chain.
Indexing, searches, exports and tag changes are recorded in the audit trail in the name of the `operator`
setting (CASE_DIR/settings.json, or `--operator`).
Exit codes: 0 success, 1 finished with file errors (index), a failed check (audit --verify), sources that differ
from their fingerprints (verify) or work left (repair); 2 bad input, unavailable mode or a damaged case.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from arbiter_desktop import __version__, app
from arbiter_desktop.config.settings import Settings
from arbiter_desktop.domain import NO_RERANKER, FileKind, SearchMode, SearchRequest, SearchResult
from arbiter_desktop.export.labels import LANGUAGES
from arbiter_desktop.export.output import check_output
from arbiter_desktop.export.resultset import ExportError
from arbiter_desktop.export.tables import Table
from arbiter_desktop.indexing.job import IndexReport, Progress
from arbiter_desktop.indexing.ocr_phase import duration_text
from arbiter_desktop.indexing.repair import STORES, RepairReport
from arbiter_desktop.indexing.unindexed import group_errors
from arbiter_desktop.indexing.verify import FileCheck, VerifyReport
from arbiter_desktop.safetext import shown
from arbiter_desktop.session import CaseSession
from arbiter_desktop.stores.audit import AuditEntry
from arbiter_desktop.stores.tags import TagError, TaggedHit


def _eta(seconds: float | None) -> str:
    """An ETA for the progress line: "?" while unknown, else hours, minutes or seconds."""
    if seconds is None:
        return "?"
    whole = int(seconds)
    if whole >= 3600:
        return f"{whole // 3600}h{whole % 3600 // 60:02d}"
    return f"{whole // 60}m{whole % 60:02d}s" if whole >= 60 else f"{whole}s"


class ProgressBar:
    """A one-line progress bar on stderr (a line every few seconds when stderr is not a terminal)."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self._last = 0.0

    def __call__(self, p: Progress) -> None:
        if p.phase == "done":  # the report that follows says it all; just end the bar's line
            if self.tty:
                self.stream.write("\n")
            return
        now = time.monotonic()
        complete = p.total > 0 and p.done >= p.total  # always show a phase's last step
        if not complete and now - self._last < (0.1 if self.tty else 5.0):
            return
        self._last = now
        if p.total:
            width = 30
            filled = int(width * p.done / p.total)
            bar = "#" * filled + "-" * (width - filled)
            if p.phase == "semantic":
                eta = _eta(p.eta_semantic_s)
                line = f"semantic [{bar}] {p.done}/{p.total} chunks embedded  searchable by meaning in {eta}"
            elif p.phase == "lexical":
                line = f"full-text [{bar}] {p.done}/{p.total} documents sent to the index"
            elif p.phase == "verify":
                line = f"verify [{bar}] {p.done}/{p.total} files hashed"
            elif p.phase == "readings":
                line = f"readings [{bar}] {p.done}/{p.total} documents checked for damaged OCR words"
            elif p.phase == "names":
                line = f"names [{bar}] {p.done}/{p.total} documents read for people and places"
            elif p.phase == "ocr":
                left = f" · {duration_text(p.eta_s)} left" if p.eta_s is not None else ""
                line = f"OCR [{bar}] {p.done}/{p.total} pages{left}"
            else:
                rate = p.done / p.elapsed_s if p.elapsed_s > 0 else 0.0
                line = (
                    f"text [{bar}] {p.done}/{p.total} files  {rate:.1f} files/s  "
                    f"{p.text_bytes / 1e6:.1f} MB text  {p.errors} errors  searchable by words in {_eta(p.eta_text_s)}"
                )
                if p.eta_semantic_s is not None:
                    line += f", by meaning in {_eta(p.eta_semantic_s)}"
        else:
            line = f"{p.phase}: scanning…"
        if self.tty:
            self.stream.write("\r\033[K" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _print_index_report(report: IndexReport, out: TextIO) -> None:
    out.write(
        f"Indexed in {report.seconds:.1f}s: {report.added} added, {report.changed} changed, "
        f"{report.removed} removed, {report.unchanged} unchanged, {report.duplicates} duplicate contents.\n"
        f"Case: {report.documents} documents, {report.chunks} chunks, generation {report.generation}.\n"
    )
    if report.embedded:
        rate = report.embedded / report.embed_seconds if report.embed_seconds > 0 else 0.0
        lanes = f", {report.embed_lanes} embedding models side by side" if report.embed_lanes > 1 else ""
        out.write(
            f"Semantic: {report.embedded} chunks embedded in {report.embed_seconds:.1f}s ({rate:.1f}/s{lanes}).\n"
        )
        single, lanes_rate = report.embed_rates
        if report.embed_layout and single and lanes_rate:
            out.write(
                f"  Measured at the start: one model {single:.0f} characters/s, side by side {lanes_rate:.0f}: "
                f"{report.embed_layout} kept.\n"
            )
        if report.embed_workers_lost:
            out.write(
                f"  {report.embed_workers_lost} embedding process(es) stopped during the run (see the log); "
                "the others embedded their chunks.\n"
            )
    ocr = report.ocr
    if ocr.pages or ocr.cached or ocr.failed_pages:
        rate = ocr.pages * 60 / ocr.seconds if ocr.seconds > 0 else 0.0
        out.write(
            f"OCR: {ocr.pages} pages recognised in {ocr.seconds:.1f}s ({rate:.0f} pages/min), {ocr.cached} from the "
            f"cache, {ocr.failed_pages} unreadable; {ocr.documents} documents completed.\n"
        )
    if ocr.retry_pages:
        out.write(f"OCR: {ocr.retry_pages} pages stopped at the time or memory limit are read again at the next run.\n")
    if ocr.failures:
        out.write(f"OCR could not read {len(ocr.failures)} pages:\n")
        for failure in ocr.failures:
            out.write(f"  {shown(failure.path)}, page {failure.page}: {failure.message}\n")
    if ocr.awaiting_documents:
        why = f" ({ocr.note})" if ocr.note else ""
        out.write(f"Awaiting OCR: {ocr.awaiting_documents} documents, {ocr.awaiting_pages} pages{why}.\n")
    if report.readings.read:
        out.write(
            f"Readings: {report.readings.read} badly recognised documents indexed with the case's spelling of their "
            f"damaged words ({report.readings.judged} documents checked in {report.readings.seconds:.1f}s).\n"
        )
    if report.names.documents:
        out.write(
            f"Names: {report.names.documents} documents read for people and places in {report.names.seconds:.1f}s "
            f"({report.names.names} names; {report.names.settled} one-word names given the type that the case reads"
            " them as).\n"
        )
    if report.names.unavailable:
        out.write(f"Names of people and places not read: {report.names.unavailable}\n")
    if report.cancelled:
        out.write("Cancelled: run the same command again to resume.\n")
    if report.failed:
        out.write(f"{len(report.failed)} file(s) could not be indexed:\n")
        for error in report.failed:
            out.write(f"  {shown(error.path)}\n    {error.reason.value}: {shown(error.message)}\n")


def result_to_json(result: SearchResult) -> dict[str, Any]:
    """The stable JSON schema of a result set (other tools read it)."""
    return {
        "query": result.query,
        "mode": result.mode.value,
        "expansions": [
            {"term": e.matched, "alternatives": list(e.alternatives), "categories": list(e.categories)}
            for e in result.expansions
        ],
        "coverage": {"chunks": result.coverage.chunks, "embedded": result.coverage.embedded},
        "reranker": result.reranker,
        "notes": list(result.notes),
        "elapsed_ms": round(result.elapsed_ms, 2),
        "hits": [h.to_json() for h in result.hits],  # the hit's snapshot (domain.Hit.to_json)
    }


def _marked(passage: str, highlights: Sequence[tuple[int, int]], tty: bool) -> str:
    start_mark, end_mark = ("\033[1;33m", "\033[0m") if tty else ("[", "]")
    parts: list[str] = []
    cursor = 0
    for start, end in highlights:
        parts += [passage[cursor:start], start_mark, passage[start:end], end_mark]
        cursor = end
    parts.append(passage[cursor:])
    return "".join(parts).replace("\n", " ")


def _print_result(result: SearchResult, out: TextIO) -> None:
    tty = out.isatty()
    for e in result.expansions:
        out.write(f'expansion: {e.label()}   (--no-expand "{e.matched}" to switch it off)\n')
    if not result.hits:
        out.write(f"No hit for «{result.query}».\n")
        return
    for h in result.hits:
        title = f" — {shown(h.title)}" if h.title else ""
        ocr = f", OCR text, confidence {h.ocr_confidence:.0f}%" if h.ocr_confidence is not None else ""
        out.write(f"{h.rank:>3}. {shown(h.doc_path)} (p. {h.page}{ocr}){title}  score {h.score:.2f}\n")
        for path, sha in h.containers:
            out.write(f"     in {shown(path)} (SHA-256 {sha})\n")
        out.write(f"     {_marked(h.passage, h.highlights, tty)}\n")
        if h.matched_terms:
            out.write(f"     matched: {', '.join(h.matched_terms)}\n")
        for label in h.expansions:
            out.write(f"     via expansion: {label}\n")
        if h.semantic_highlight:
            a, b = h.semantic_highlight
            out.write(f"     closest in meaning: «{h.passage[a:b]}»\n")
    out.write(f"{len(result.hits)} hit(s) in {result.elapsed_ms:.0f} ms\n")


# --- commands -----------------------------------------------------------------------------------------------


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The settings the command line overrides for this command (the case's settings.json is left as it is)."""
    overrides: dict[str, Any] = {}
    if getattr(args, "model", None):
        overrides.update(embedder=args.model, semantic=True)
    if getattr(args, "no_semantic", False):
        overrides["semantic"] = False
    if getattr(args, "no_ocr", False):
        overrides["ocr"] = False
    if getattr(args, "no_names", False):
        overrides["names"] = False
    if getattr(args, "operator", None):
        overrides["operator"] = args.operator
    if getattr(args, "cores", None):
        overrides["indexing_cores"] = args.cores
    if getattr(args, "embed_workers", None) is not None:
        overrides["embed_workers"] = args.embed_workers
    return overrides


def _session(args: argparse.Namespace, create: bool = False, preload: bool = False) -> CaseSession:
    return app.open_session(Path(args.case), create=create, overrides=_overrides(args), preload=preload)


def _logged(show: Callable[[Progress], None], log: TextIO) -> Callable[[Progress], None]:
    """``show`` each progress event and write it to ``log`` as a JSON line with the wall-clock time."""

    def both(p: Progress) -> None:
        show(p)
        log.write(json.dumps({"t": time.time(), **dataclasses.asdict(p)}, ensure_ascii=False) + "\n")

    return both


def cmd_index(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        sys.stderr.write(f"error: not found: {', '.join(missing)}\n")
        return 2
    with contextlib.ExitStack() as stack:
        progress: Callable[[Progress], None] = ProgressBar()
        if args.progress_log:
            progress = _logged(progress, stack.enter_context(open(args.progress_log, "w", encoding="utf-8")))
        session = stack.enter_context(_session(args, create=True))
        report = session.index([Path(p) for p in args.paths], on_progress=progress, reembed=args.reembed)
        semantic = session.embedder() is not None
    _print_index_report(report, sys.stdout)
    if args.profile:
        Path(args.profile).write_text(json.dumps(report.profile, indent=1) + "\n", encoding="utf-8")
    if not semantic:
        sys.stdout.write("Semantic indexing is off (no embedding model installed or --no-semantic).\n")
    return 1 if report.errors else 0


def _searching(args: argparse.Namespace) -> CaseSession:
    """The session of a search command: the embedding model loads while the case opens, unless full text only."""
    return _session(args, preload=args.mode != SearchMode.LEXICAL.value)


def _search(session: CaseSession, args: argparse.Namespace) -> tuple[SearchRequest, SearchResult]:
    """Run the search that the command line describes (recorded in the audit log)."""
    mode = SearchMode(args.mode) if args.mode != "auto" else session.default_mode()
    request = SearchRequest(
        query=args.query,
        top=args.top,
        mode=mode,
        kinds=tuple(FileKind(k) for k in args.type or ()),
        path_prefix=args.folder or "",
        expand=not args.no_expansion,
        disabled_expansions=tuple(args.no_expand or ()),
        entity=args.entity or "",
    )
    return request, session.search(request)


def cmd_search(args: argparse.Namespace) -> int:
    with _searching(args) as session:
        _, result = _search(session, args)
    if args.json:
        json.dump(result_to_json(result), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_result(result, sys.stdout)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if not args.pdf and not args.csv:
        raise ExportError("choose where to export: --pdf OUT.pdf, --csv OUT.csv, or both")
    if (args.query is None) == (args.tag is None):
        raise ExportError("export either a query's hits (CASE_DIR \"query\") or a tag's hits (--tag TAG), not both")
    pdf = Path(args.pdf) if args.pdf else None
    csv = Path(args.csv) if args.csv else None
    for path in (pdf, csv):  # before searching: a bad path should not cost a search in the log
        if path is not None:
            check_output(path, args.overwrite)
    with _searching(args) if args.tag is None else _session(args) as session:
        if args.tag is not None:
            results = session.tagged_results(args.tag)
            what = f"the tag «{results.tag}»"
        else:
            request, result = _search(session, args)
            results = session.search_results(result, request)
            what = f"«{result.query}»"
        files = session.export(results, pdf=pdf, csv=csv, lang=args.lang, overwrite=args.overwrite)
    sys.stdout.write(f"Exported {len(results.hits)} hit(s) of {what}:\n")
    for f in files:
        sys.stdout.write(f"  {f.path}  ({f.size} bytes)  SHA-256 {f.sha256}\n")
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    with _searching(args) as session:
        _, result = _search(session, args)
        count = len(result.hits)
        wrong = [r for r in args.rank if not 1 <= r <= count]
        if wrong:
            raise TagError(
                f"no hit at rank {', '.join(map(str, wrong))}: «{result.query}» has {count} hit(s) "
                f"(with --top {args.top}); run `arbiter search` to see them"
            )
        hits = [result.hits[r - 1] for r in dict.fromkeys(args.rank)]
        added = session.tag(args.tag, result, hits)
    new = {(a.hit.sha256, a.hit.passage_start) for a in added}
    for h in hits:
        state = "tagged" if (h.sha256, h.passage_start) in new else "already tagged"
        sys.stdout.write(f"{h.rank:>3}. {h.doc_path} (p. {h.page})  {state} «{args.tag.strip()}»\n")
    return 0


def _tagged_json(t: TaggedHit) -> dict[str, Any]:
    """A tagged hit: its snapshot as a search's JSON gives it (with the chunk span that identifies it), the query
    and mode it came from, when and by whom it was tagged."""
    return {
        "id": t.id,
        "tag": t.tag,
        **t.hit.to_json(),
        "chunk": list(t.hit.chunk_span()),
        "query": t.query,
        "mode": t.mode.value,
        "tagged_at": t.tagged_at,
        "operator": t.operator,
    }


def cmd_tags(args: argparse.Namespace) -> int:
    if (args.remove or args.remove_hit) and args.tag is None:
        raise TagError("say which tag to remove: --tag TAG --remove (all its hits) or --tag TAG --remove-hit ID")
    with _session(args) as session:
        case = session.case
        if args.remove or args.remove_hit:
            removed = session.untag(args.tag, () if args.remove else args.remove_hit)
            sys.stdout.write(f"Removed the tag «{args.tag.strip()}» from {len(removed)} hit(s).\n")
            return 0
        if args.tag is None:
            summary = case.tags.tags()
            if args.json:
                json.dump([{"tag": t, "hits": n} for t, n in summary], sys.stdout, ensure_ascii=False)
                sys.stdout.write("\n")
            elif not summary:
                sys.stdout.write(
                    'No tags in this case: tag hits with `arbiter tag CASE_DIR "query" --rank N --tag TAG`.\n'
                )
            for tag, n in summary if not args.json else []:
                sys.stdout.write(f"{n:>5} hit(s)  {tag}\n")
            return 0
        tagged = case.tags.hits(args.tag)
    if args.json:
        json.dump([_tagged_json(t) for t in tagged], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for t in tagged:
        hit = t.hit
        sys.stdout.write(f"#{t.id}  {hit.doc_path} (p. {hit.page})  SHA-256 {hit.sha256}\n")
        sys.stdout.write(f"     {_marked(hit.passage, hit.highlights, sys.stdout.isatty())}\n")
        who = f" by {t.operator}" if t.operator else ""
        sys.stdout.write(f"     from «{t.query}» ({t.mode.value}, rank {hit.rank}), tagged {t.tagged_at}{who}\n")
    sys.stdout.write(f"{len(tagged)} hit(s) tagged «{tagged[0].tag}»\n")
    return 0


def _audit_summary(entry: AuditEntry) -> str:
    d = entry.data
    if "error" in d:
        return f"failed: {d['error']}"
    if entry.event == "index":
        return (
            f"{', '.join(d.get('roots', []))}: {d.get('added')} added, {d.get('changed')} changed, "
            f"{d.get('removed')} removed, {d.get('failed')} failed; generation {d.get('generation')}"
        )
    if entry.event == "search":
        return f"«{d.get('query')}» {d.get('mode')}: {d.get('hits')} hit(s)"
    if entry.event == "export":
        files = ", ".join(f"{f.get('path')} (SHA-256 {f.get('sha256')})" for f in d.get("files", []))
        source = f"tag «{d.get('tag')}»" if d.get("tag") else f"«{d.get('query')}»"
        return f"{source}, {d.get('hits')} hit(s) → {files}"
    if entry.event == "tag":
        return f"{d.get('action')} «{d.get('tag')}»: {len(d.get('hits', []))} hit(s)"
    return json.dumps(d, ensure_ascii=False)


def cmd_audit(args: argparse.Namespace) -> int:
    with _session(args) as session:
        log = session.case.audit
        if args.verify:
            check = log.verify()
            if args.json:
                problem = check.problem
                json.dump(
                    {
                        "ok": check.ok,
                        "entries": check.entries,
                        "head": {"seq": check.head[0], "hash": check.head[1]} if check.head else None,
                        "problem": None
                        if problem is None
                        else {"line": problem.line, "seq": problem.seq, "reason": problem.reason},
                    },
                    sys.stdout,
                )
                sys.stdout.write("\n")
            elif check.problem is None:
                last = f", last n° {check.head[0]} SHA-256 {check.head[1]}" if check.head else ""
                sys.stdout.write(f"Audit trail intact: {check.entries} entries{last}.\n")
            else:
                sys.stdout.write(f"Audit trail NOT intact: {check.problem.reason}.\n")
            return 0 if check.ok else 1
        entries = log.entries()
    if args.json:
        rows = [
            e.to_dict() if isinstance(e, AuditEntry) else {"line": n, "damaged": e.decode("utf-8", "replace")}
            for n, e in enumerate(entries, start=1)
        ]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for n, e in enumerate(entries, start=1):
        if isinstance(e, AuditEntry):
            who = e.operator or "(no operator set)"
            sys.stdout.write(f"n° {e.seq:<5} {e.at}  {who} [{e.user}@{e.host}]  {e.event:<6} {_audit_summary(e)}\n")
        else:
            sys.stdout.write(f"line {n}: damaged entry: {e.decode('utf-8', 'replace')[:200]}\n")
    if not entries:
        sys.stdout.write("The audit trail of this case is empty.\n")
    return 0


def _export_table(
    session: CaseSession, args: argparse.Namespace, table: Table, details: dict[str, Any] | None = None
) -> None:
    """Write the table to --pdf and/or --csv when asked (audited); say where on stderr."""
    if not (args.pdf or args.csv):
        return
    pdf, csv = (Path(args.pdf) if args.pdf else None), (Path(args.csv) if args.csv else None)
    for written in session.export_table(table, pdf, csv, overwrite=args.overwrite, details=details):
        sys.stderr.write(f"wrote {written.path} (SHA-256 {written.sha256})\n")


def cmd_entities(args: argparse.Namespace) -> int:
    from arbiter_desktop.entities import EntityType
    from arbiter_desktop.export import tables
    from arbiter_desktop.export.labels import Labels

    kinds = [EntityType(t) for t in args.type or ()]
    labels = Labels(args.lang)
    with _session(args) as session:
        if args.cooccurrence:
            pairs = session.entity_pairs(kinds, limit=args.limit)
            table = tables.cooccurrence_table(pairs, kinds, labels)
            data: Any = [
                {"a": {"type": p.a.type.value, "value": p.a.value, "display": p.a.display},
                 "b": {"type": p.b.type.value, "value": p.b.value, "display": p.b.display}, "documents": p.documents}
                for p in pairs
            ]  # fmt: skip
        else:
            found = session.entities(kinds)
            table = tables.entity_table(found[: args.limit], kinds, len(found), labels)
            data = [
                {"type": s.type.value, "value": s.value, "display": s.display, "valid": s.valid,
                 "documents": s.documents, "occurrences": s.occurrences, "filter": f"{s.type.value}:{s.value}"}
                for s in found[: args.limit]
            ]  # fmt: skip
        _export_table(session, args, table)
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    rows = table.sections[0].rows
    if not rows:
        sys.stdout.write("No entity in this case (yet): index documents first.\n")
    for row in rows:
        sys.stdout.write("  ".join(str(cell) for cell in row) + "\n")
    return 0


def cmd_termlist(args: argparse.Namespace) -> int:
    from arbiter_desktop.search import termlist as termlists

    case_dir = Path(args.case)
    if args.file:
        termlist = termlists.read_list(Path(args.file), args.name or "", expand=not args.no_expansion)
    elif args.paste:
        if not args.name:
            raise termlists.TermListError("name the pasted list: --name NAME")
        termlist = termlists.pasted_list(sys.stdin.read(), args.name, expand=not args.no_expansion)
    elif args.name:
        termlist, _ = termlists.load_saved(case_dir, args.name)
    else:
        names = termlists.saved_lists(case_dir) if case_dir.exists() else []
        sys.stdout.write(("Saved lists: " + ", ".join(names) if names else "No saved list.") + "\n")
        return 0
    with _session(args) as session:
        run = session.run_termlist(termlist)
        table = session.termlist_table(run, lang=args.lang)
        _export_table(session, args, table, {"termlist": termlist.name, "sha256": termlist.sha256})
    results = sorted(run.results, key=lambda r: (-len(r.documents), -r.hits, r.term)) if args.sort else run.results
    if args.json:
        json.dump(
            {
                "name": termlist.name, "sha256": termlist.sha256, "source": termlist.source,
                "expand": termlist.expand, "generation": run.generation, "ran_at": run.ran_at,
                "previous_run": run.previous_at or None, "seconds": round(run.seconds, 3),
                "results": [
                    {"term": r.term, "label": r.label, "documents": len(r.documents), "hits": r.hits,
                     "document_sha256": list(r.documents), "new": list(r.new), "gone": list(r.gone)}
                    for r in results
                ],
                "without_hits": [r.term for r in run.without_hits()],
            },
            sys.stdout, ensure_ascii=False, indent=2,
        )  # fmt: skip
        sys.stdout.write("\n")
        return 0
    out = sys.stdout
    out.write(f"List «{termlist.name}» ({len(termlist.terms)} terms, SHA-256 {termlist.sha256})")
    out.write(f", run in {run.seconds:.1f}s on generation {run.generation}\n")
    for r in results:
        change = f"  +{len(r.new)} new, -{len(r.gone)} gone" if run.previous_at and (r.new or r.gone) else ""
        label = f" [{r.label}]" if r.label else ""
        out.write(f"{len(r.documents):>6} doc(s) {r.hits:>7} hit(s)  {r.term}{label}{change}\n")
    empty = run.without_hits()
    if empty:
        out.write(f"No hit ({len(empty)}): {', '.join(r.term for r in empty)}\n")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    with _session(args) as session:
        status = session.status()
    data = {
        "documents": status.documents,
        "chunks": status.chunks,
        "embedded": status.embedded,
        "errors": status.errors,
        "generation": status.generation,
        "awaiting_ocr": {"documents": status.awaiting_ocr_documents, "pages": status.awaiting_ocr_pages},
    }
    if args.json:
        json.dump({**data, "files": status.files}, sys.stdout)
        sys.stdout.write("\n")
    else:
        data["awaiting_ocr"] = f"{status.awaiting_ocr_documents} documents, {status.awaiting_ocr_pages} pages"
        for key, value in {**data, "files": status.files}.items():
            sys.stdout.write(f"{key:>12}: {value}\n")
    return 0


def cmd_errors(args: argparse.Namespace) -> int:
    with _session(args) as session, session.case.guard():
        errors = session.case.catalog.errors()
    if args.json:
        json.dump([{"path": e.path, "reason": e.reason.value, "message": e.message} for e in errors], sys.stdout)
        sys.stdout.write("\n")
        return 0
    for group in group_errors(errors):
        sys.stdout.write(f"== {group.reason.value}: {len(group.errors)} file(s) — {group.advice}\n")
        for e in group.errors:
            sys.stdout.write(f"{shown(e.path)}\n    {shown(e.message)}\n")
    sys.stdout.write(f"{len(errors)} file(s) in error\n")
    return 0


def _check_to_json(check: FileCheck) -> dict[str, Any]:
    return {
        "path": check.path,
        "recorded_sha256": check.recorded_sha256 or None,
        "recorded_size": check.recorded_size,
        "current_sha256": check.current_sha256 or None,
        "current_size": check.current_size,
        **({"message": check.message} if check.message else {}),
    }


def verify_to_json(report: VerifyReport) -> dict[str, Any]:
    """The stable JSON schema of a verification."""
    return {
        "case": report.case,
        "ok": report.ok,
        "checked": report.checked,
        "matching": report.matching,
        "changed": [_check_to_json(c) for c in report.changed],
        "missing": [_check_to_json(c) for c in report.missing],
        "added": [_check_to_json(c) for c in report.added],
        "unreadable": [_check_to_json(c) for c in report.unreadable],
        "unhashed": report.unhashed,
        "missing_sources": report.missing_sources,
        "seconds": round(report.seconds, 3),
    }


def _print_verify(report: VerifyReport, out: TextIO) -> None:
    out.write(
        f"Verified {report.checked} recorded fingerprints of case {report.case} in {report.seconds:.1f}s: "
        f"{report.matching} match.\n"
    )
    for source in report.missing_sources:
        out.write(f"SOURCE MISSING  {shown(source)}\n")
    for c in report.changed:
        out.write(
            f"CHANGED     {shown(c.path)}\n    recorded sha256 {c.recorded_sha256} ({c.recorded_size} bytes)\n"
            f"    now      sha256 {c.current_sha256} ({c.current_size} bytes)\n"
        )
    for c in report.missing:
        out.write(f"MISSING     {shown(c.path)}\n    recorded sha256 {c.recorded_sha256}\n")
    for c in report.added:
        out.write(f"ADDED       {shown(c.path)}\n    sha256 {c.current_sha256} ({c.current_size} bytes)\n")
    for c in report.unreadable:
        out.write(f"UNREADABLE  {shown(c.path)}\n    {c.message}\n")
    if report.unhashed:
        out.write(
            f"{len(report.unhashed)} file(s) recorded without a fingerprint (unreadable when indexed) were not "
            "compared (`arbiter errors` lists them).\n"
        )
    differences = len(report.changed) + len(report.missing) + len(report.added) + len(report.unreadable)
    if report.ok:
        out.write("All sources are as they were indexed.\n")
    else:
        out.write(f"{differences} difference(s): the sources are not as they were indexed.\n")


def cmd_verify(args: argparse.Namespace) -> int:
    report = app.verify(Path(args.case), on_progress=None if args.json else ProgressBar())
    if args.json:
        json.dump(verify_to_json(report), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_verify(report, sys.stdout)
    return 0 if report.ok else 1


def _print_repair(report: RepairReport, case: Path, out: TextIO) -> None:
    if report.found:
        out.write(f"{len(report.found)} damaged store(s) found:\n")
        for damage in report.found:
            out.write(f"  - {shown(damage.describe())}\n")
    else:
        out.write("No damage found.\n")
    if report.lexical_rebuilt:
        out.write(f"Full-text index rebuilt from the catalog: {report.documents_sent} documents.\n")
    elif report.documents_sent:
        out.write(f"Full-text index: {report.documents_sent} pending documents sent.\n")
    if report.vector_rows_dropped or report.vector_stores_dropped:
        out.write(
            f"Vectors: {report.vector_rows_kept} rows kept, {report.vector_rows_dropped} dropped"
            + (f", store(s) deleted: {', '.join(report.vector_stores_dropped)}" if report.vector_stores_dropped else "")
            + ".\n"
        )
    if report.embedded:
        out.write(f"Semantic: {report.embedded} chunks embedded again.\n")
    if report.left_to_embed:
        out.write(
            f"{report.left_to_embed} chunks have no vector: run `arbiter repair {case}` again with the embedding "
            "model installed (semantic search leaves them out meanwhile).\n"
        )
    out.write(f"Done in {report.seconds:.1f}s.\n")


def cmd_repair(args: argparse.Namespace) -> int:
    case_dir = Path(args.case)
    rebuild = list(STORES) if args.rebuild == "all" else [args.rebuild] if args.rebuild else []
    required = bool(args.model) or "vectors" in rebuild
    report = app.repair(case_dir, _overrides(args), rebuild, required, on_progress=ProgressBar())
    _print_repair(report, case_dir, sys.stdout)
    return 1 if report.left_to_embed else 0


def cmd_eval(args: argparse.Namespace) -> int:
    from arbiter_desktop.evaluation import beir
    from arbiter_desktop.evaluation.embedding_cache import CachedEmbedder
    from arbiter_desktop.evaluation.runner import EvalReport, evaluate_modes, sample_queries
    from arbiter_desktop.search.ranker import shipped_ranker
    from arbiter_desktop.session import ModelLoaders

    try:
        modes = list(dict.fromkeys(SearchMode(m.strip()) for m in args.mode.split(",") if m.strip()))
    except ValueError:
        sys.stderr.write(f"error: --mode takes modes among {', '.join(m.value for m in SearchMode)}, comma-separated\n")
        return 2
    if not modes:
        sys.stderr.write("error: --mode names no mode\n")
        return 2
    dataset = beir.load(Path(args.dataset))
    if args.sample:
        dataset = sample_queries(dataset, args.sample, args.seed)
    # a case of its own, with the default settings (the model of --model), semantic only for the modes that use it;
    # ranking only: the sentence closest in meaning is marked after the ranking and does not change it
    overrides: dict[str, Any] = {
        "semantic": any(m is not SearchMode.LEXICAL for m in modes),
        "semantic_highlights": 0,
    }
    if args.model:
        overrides["embedder"] = args.model
    try:
        overrides.update(Settings.parse_override(text) for text in args.setting)
        Settings().replace(**overrides)  # refused values (a choice not offered) fail before the indexing
    except ValueError as error:
        sys.stderr.write(f"error: --setting {error}\n")
        return 2
    embedders: list[CachedEmbedder] = []

    def load_embedder(settings: Any) -> Any:
        embedder = app.MODELS.embedder(settings)
        if embedder is None or args.no_cache:
            return embedder
        embedders.append(CachedEmbedder(embedder))
        return embedders[-1]

    loaders = ModelLoaders(load_embedder, app.MODELS.reranker, app.MODELS.embedder_file)

    def open_session(directory: Path) -> CaseSession:
        session = app.open_session(directory, create=True, overrides=overrides, preload=True, loaders=loaders)
        if SearchMode.FULL in modes and session.reranker() is None and shipped_ranker() is None:
            sys.stderr.write(f"note: {NO_RERANKER}\n")
        return session

    reports = evaluate_modes(dataset, modes, open_session, on_progress=ProgressBar(), expand=not args.no_expansion)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            for report in reports:
                for r in report.results:
                    row = {
                        "mode": report.mode,
                        "query_id": r.query_id,
                        "query": r.query,
                        "category": r.category,
                        "ranked": r.ranked,
                        "relevant": r.relevant,
                        "latency_ms": round(r.latency_ms, 3),
                        **r.metrics(),
                    }
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")

    def figures(report: EvalReport) -> dict[str, Any]:
        data: dict[str, Any] = dict(report.summary())
        by_category = report.by_category()
        if by_category:
            data["by_category"] = by_category
        return data

    if args.json:
        if len(reports) == 1:
            json.dump(figures(reports[0]), sys.stdout)
        else:
            json.dump({"modes": {r.mode: figures(r) for r in reports}}, sys.stdout)
        sys.stdout.write("\n")
        return 0
    out = sys.stdout
    first = reports[0]
    out.write(
        f"{first.dataset}: {first.documents} documents indexed in {first.index_seconds:.1f}s, "
        f"{first.summary()['queries']} queries"
        + (f" (a sample of {args.sample}, seed {args.seed})" if args.sample else "")
        + "\n"
    )
    for cached in embedders:
        out.write(
            f"embeddings: {cached.cache.misses} computed, {cached.cache.hits} read from the evaluation cache "
            f"{cached.cache.path} (latencies exclude the embeddings read back)\n"
        )
    for report in reports:
        summary = report.summary()
        out.write(
            f"mode {report.mode:<8} Recall@5 {summary['recall@5']:.3f}  Recall@10 {summary['recall@10']:.3f}  "
            f"nDCG@10 {summary['ndcg@10']:.3f}  MRR@10 {summary['mrr@10']:.3f}  "
            f"latency p50 {summary['latency_ms']['p50']:.1f} ms  p95 {summary['latency_ms']['p95']:.1f} ms\n"
        )
        for name, m in report.by_category().items():
            out.write(
                f"  {name:<6} ({m['queries']:>3} q)  Recall@5 {m['recall@5']:.3f}  Recall@10 {m['recall@10']:.3f}  "
                f"nDCG@10 {m['ndcg@10']:.3f}\n"
            )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    case_dir = Path(args.case) if args.case else app.demo_case_dir()
    with app.open_session(case_dir, create=True, preload=True) as session:
        report = session.index([app.demo_documents()], on_progress=ProgressBar())
        _print_index_report(report, sys.stdout)
        mode = SearchMode.HYBRID if session.embedder() is not None else SearchMode.LEXICAL
        for query in app.DEMO_QUERIES:
            sys.stdout.write(f'\n=== arbiter search {case_dir} "{query}" --mode {mode.value}\n')
            result = session.search(SearchRequest(query=query, top=3, mode=mode))
            _print_result(result, sys.stdout)
    sys.stdout.write(f"\nDemo case: {case_dir}\n")
    return 0


def cmd_selftest(args: argparse.Namespace) -> int:
    from arbiter_desktop import selftest

    return selftest.run(Path(args.work) if args.work else None, sys.stdout, ProgressBar())


def display_available() -> bool:
    """Whether a window can open: a display server, or a Qt platform chosen explicitly (offscreen, …)."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def cmd_gui(args: argparse.Namespace) -> int:
    if not display_available():
        if args.screenshot:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a screenshot needs no screen
        elif args.or_demo:
            sys.stderr.write(
                "No display here (DISPLAY is not set): running the command-line demo instead. "
                "On a workstation the window opens.\n"
            )
            return cmd_demo(argparse.Namespace(case=None))
        else:
            sys.stderr.write(
                "error: no display (DISPLAY is not set): the window cannot open here. Use the command line "
                "(`arbiter search`), or --screenshot OUT.png to render the window offscreen.\n"
            )
            return 2
    from arbiter_desktop.ui.application import GuiOptions, run

    options = GuiOptions(
        case=Path(args.case) if args.case else None,
        query=args.query or "",
        mode=SearchMode(args.mode) if args.mode else None,
        add=[Path(p) for p in args.add or ()],
        screenshot=Path(args.screenshot) if args.screenshot else None,
        hit=args.hit,
        page_view=args.page_view,
        delay_s=args.delay,
        size=(args.width, args.height),
        language=args.language,
    )
    return run(options)


def _search_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--top", type=int, default=10)
    p.add_argument(
        "--mode",
        choices=["auto", *[m.value for m in SearchMode]],
        default="auto",
        help="auto: full (hybrid, then the learned ranker) when the case has vectors and a model is installed, else"
        " lexical",
    )
    p.add_argument("--model", help="embedding model (a GGUF file name in models/, or a path)")
    p.add_argument("--no-expansion", action="store_true", help="search the words as typed, without lexicons")
    p.add_argument("--no-expand", action="append", metavar="TERM", help="switch off the expansion of TERM (repeatable)")
    p.add_argument("--type", action="append", choices=sorted(k.value for k in FileKind if k is not FileKind.UNKNOWN))
    p.add_argument("--folder", help="only files under this folder")
    p.add_argument("--entity", help="only documents holding this entity, e.g. plate:HB562ZD (see `arbiter entities`)")
    p.add_argument("--operator", help="operator name recorded in the audit trail (default: the setting)")


def _listed_types() -> list[Any]:
    from arbiter_desktop.entities import LISTED_TYPES

    return list(LISTED_TYPES)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arbiter", description="Arbiter Desktop — offline case search")
    parser.add_argument("--version", action="version", version=f"arbiter {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="create or update a case from folders or files")
    p.add_argument("case", help="case folder (created if missing)")
    p.add_argument("paths", nargs="+", help="folders or files to index (read-only)")
    p.add_argument("--model", help="embedding model (a GGUF file name in models/, or a path)")
    p.add_argument("--no-semantic", action="store_true", help="full-text indexing only")
    p.add_argument("--no-ocr", action="store_true", help="leave scanned pages and photos awaiting OCR")
    p.add_argument("--no-names", action="store_true", help="leave the names of people and places for a later run")
    p.add_argument(
        "--reembed", action="store_true", help="confirm re-embedding the whole case with another model (long)"
    )
    p.add_argument("--operator", help="operator name recorded in the audit trail (default: the setting)")
    p.add_argument("--cores", type=int, help="CPU cores to index with (default: the setting, all but one)")
    p.add_argument(
        "--embed-workers",
        type=int,
        metavar="N",
        help="embedding models sharing the indexing cores, one process each (0: automatic, the default setting; "
        "1: one model with every core)",
    )
    p.add_argument("--profile", metavar="OUT.json", help="write where the time went (steps, per kind of file)")
    p.add_argument("--progress-log", metavar="OUT.jsonl", help="write every progress event (with its ETAs) here")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("search", help="search a case")
    p.add_argument("case")
    p.add_argument("query")
    _search_options(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("export", help="export a query's hits, or a tag's, to PDF and/or CSV for the case file")
    p.add_argument("case")
    p.add_argument("query", nargs="?", help="the query whose hits are exported (or --tag)")
    p.add_argument("--pdf", metavar="OUT.pdf", help="write the PDF here")
    p.add_argument("--csv", metavar="OUT.csv", help="write the CSV here (UTF-8 with BOM, ; separated)")
    p.add_argument("--tag", help="export the hits of this tag instead of a query's")
    p.add_argument("--lang", choices=LANGUAGES, default="fr", help="language of the labels (default: fr)")
    p.add_argument("--overwrite", action="store_true", help="replace an output file that exists")
    _search_options(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("tag", help="tag hits of a query by their rank")
    p.add_argument("case")
    p.add_argument("query")
    p.add_argument("--rank", type=int, action="append", required=True, help="rank of a hit to tag (repeatable)")
    p.add_argument("--tag", required=True, help='the tag, e.g. pertinent or "à vérifier"')
    _search_options(p)
    p.set_defaults(func=cmd_tag)

    p = sub.add_parser("tags", help="list tags, the hits of a tag, or remove a tag")
    p.add_argument("case")
    p.add_argument("--tag", help="list the hits of this tag")
    p.add_argument("--remove", action="store_true", help="remove --tag from all its hits")
    p.add_argument("--remove-hit", type=int, action="append", metavar="ID", help="remove --tag from hit #ID")
    p.add_argument("--operator", help="operator name recorded in the audit trail (default: the setting)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tags)

    p = sub.add_parser("audit", help="print the case's audit trail; --verify checks that it is intact")
    p.add_argument("case")
    p.add_argument("--verify", action="store_true", help="exit 1 and name the first altered, removed or moved entry")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("entities", help="entities of the case by type, with document counts (or co-occurrences)")
    p.add_argument("case")
    p.add_argument("--type", action="append", choices=[t.value for t in _listed_types()])
    p.add_argument("--cooccurrence", action="store_true", help="pairs of entities found in the same documents")
    p.add_argument("--limit", type=int, default=500)
    p.add_argument("--pdf", metavar="OUT.pdf", help="also write the table to this PDF file (for the case file)")
    p.add_argument("--csv", metavar="OUT.csv", help="also write the table to this CSV file")
    p.add_argument("--lang", choices=LANGUAGES, default="fr", help="language of the exports' labels (default: fr)")
    p.add_argument("--overwrite", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_entities)

    p = sub.add_parser("termlist", help="run a list of terms (TXT, CSV or pasted) against the whole case")
    p.add_argument("case")
    p.add_argument("file", nargs="?", help="TXT (one term a line) or CSV (term;label); omit with --name to re-run")
    p.add_argument("--paste", action="store_true", help="read the terms from standard input")
    p.add_argument("--name", help="the list's name in the case (default: the file name)")
    p.add_argument("--no-expansion", action="store_true", help="run the terms without the lexicons' expansions")
    p.add_argument("--sort", action="store_true", help="most documents first")
    p.add_argument("--pdf", metavar="OUT.pdf", help="also write the results to this PDF file (for the case file)")
    p.add_argument("--csv", metavar="OUT.csv", help="also write the results to this CSV file")
    p.add_argument("--lang", choices=LANGUAGES, default="fr", help="language of the exports' labels (default: fr)")
    p.add_argument("--overwrite", action="store_true")
    p.add_argument("--operator", help="operator name recorded in the audit trail (default: the setting)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_termlist)

    p = sub.add_parser("status", help="counts of a case")
    p.add_argument("case")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("errors", help="files that could not be indexed, with the reason")
    p.add_argument("case")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_errors)

    p = sub.add_parser("verify", help="re-hash the sources: files changed, missing or added since indexing")
    p.add_argument("case")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("repair", help="check a case's stores; rebuild damaged ones from the catalog")
    p.add_argument("case")
    p.add_argument(
        "--rebuild",
        choices=[*STORES, "all"],
        help="rebuild this store even if no damage is found (vectors: embeds every chunk again, long)",
    )
    p.add_argument("--model", help="embedding model (a GGUF file name in models/, or a path)")
    p.add_argument("--no-semantic", action="store_true", help="do not embed the chunks left without a vector")
    p.set_defaults(func=cmd_repair)

    p = sub.add_parser("eval", help="evaluate retrieval on a BEIR-layout data set")
    p.add_argument("dataset")
    p.add_argument(
        "--mode",
        default=SearchMode.LEXICAL.value,
        help="mode(s) to evaluate over one indexing, comma-separated: lexical,dense,hybrid,full (default: lexical)",
    )
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", help="write per-query results (JSON lines, one per mode and query) to this file")
    p.add_argument("--sample", type=int, default=0, help="evaluate a random sample of this many queries")
    p.add_argument("--seed", type=int, default=7, help="seed of --sample (default 7)")
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="embed everything again (by default vectors are kept in an evaluation cache keyed by model and text)",
    )
    p.add_argument("--model", help="embedding model for dense/hybrid (a GGUF file name in models/, or a path)")
    p.add_argument("--no-expansion", action="store_true", help="evaluate without query expansion")
    p.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting of the evaluation's case, e.g. late_chunking=true (repeatable; see `arbiter settings`)",
    )
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("gui", help="open the desktop window (default)")
    p.add_argument("--case", help="case folder to open (default: the last one, or the demo case)")
    p.add_argument("--query", help="search this at start")
    p.add_argument("--mode", choices=[m.value for m in SearchMode if m is not SearchMode.FULL])
    p.add_argument("--add", action="append", metavar="FOLDER", help="add this folder to the case and index it")
    p.add_argument("--screenshot", metavar="OUT.png", help="save the window as PNG once the results show, then exit")
    p.add_argument("--hit", type=int, default=1, help="with --screenshot: the hit shown in the preview")
    p.add_argument("--page-view", action="store_true", help="with --screenshot: show the PDF page of the hit")
    p.add_argument("--delay", type=float, default=0.0, help="with --screenshot: seconds to wait before the shot")
    p.add_argument("--width", type=int, default=1440)
    p.add_argument("--height", type=int, default=900)
    p.add_argument("--language", choices=["fr", "en"], help="interface language (default: the saved choice)")
    p.add_argument("--or-demo", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_gui)

    p = sub.add_parser("demo", help="index the bundled fictional demo case and run sample searches")
    p.add_argument("--case", help="where to build the demo case (default: the user data folder)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "selftest",
        help="check this installation end to end: index the demo case, search, export a PDF, open the window "
        "offscreen (also `--selftest`)",
    )
    p.add_argument("--work", help="run in this folder and keep it (default: a temporary folder, removed)")
    p.set_defaults(func=cmd_selftest)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--selftest"]:  # the offline bundle's documented spelling
        argv[0] = "selftest"
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except app.UserError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted: committed work is kept; run the same command again to resume\n")
        return 130


if __name__ == "__main__":
    sys.exit(main())
