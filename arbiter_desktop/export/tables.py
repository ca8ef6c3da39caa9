"""Tables for the case file: the entities of a case, the entities found together, a term list's results.

A :class:`Table` is what an export of one of these views says, already in the export's language: a title, the
lines of its cover block after the context (a list's name, source and SHA-256, the types shown…), and sections
of rows. The builders (:func:`entity_table`, :func:`cooccurrence_table`, :func:`termlist_table`) read the
stores' and the term lists' dataclasses; the writers (:func:`render_table_pdf`, :func:`render_table_csv`) read
a table and an :class:`~arbiter_desktop.export.resultset.ExportContext` only.

The PDF has the cover of the result-set exports (case, operator, date with its UTC offset, application, index,
audit head), then each section as a ruled table whose header row is repeated on every page, and "Page X / Y"
on every page. The CSV holds the first section (the table itself), one row per line, each row repeating its
provenance (the table's cover lines, case, operator, date, index generation), with the result CSV's
conventions (UTF-8 with BOM, ``;``, formula injection guarded, numbers as numbers).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from arbiter_desktop.entities import EntityType
from arbiter_desktop.export.csv import BOM, DELIMITER, guarded
from arbiter_desktop.export.labels import Labels
from arbiter_desktop.export.resultset import ExportContext
from arbiter_desktop.stores.analysis import Cooccurrence, EntitySummary

CHECKED = {EntityType.IBAN, EntityType.IMEI, EntityType.SIRET, EntityType.SIREN}  # types with a check digit

Cell = str | int


class TermResultLike(Protocol):
    """What a table reads of a term's result (``search.termlist.TermResult``: exports do not import search)."""

    @property
    def term(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def documents(self) -> tuple[str, ...]: ...
    @property
    def hits(self) -> int: ...
    @property
    def new(self) -> tuple[str, ...]: ...
    @property
    def gone(self) -> tuple[str, ...]: ...


class TermListLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def terms(self) -> Sequence[object]: ...
    @property
    def sha256(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def expand(self) -> bool: ...


class TermListRunLike(Protocol):
    """What a table reads of a term list's run (``search.termlist.TermListRun``)."""

    @property
    def termlist(self) -> TermListLike: ...
    @property
    def results(self) -> Sequence[TermResultLike]: ...
    @property
    def generation(self) -> int: ...
    @property
    def ran_at(self) -> str: ...
    @property
    def previous_at(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    number: bool = False  # right-aligned in the PDF, never formula-guarded in the CSV
    width: float = 1.0  # share of the page width, relative to the other columns
    centred: bool = False  # a short mark ("valide", "—")
    small: bool = False  # holds a SHA-256: drawn smaller in the PDF, so that it fits on one line


@dataclass(frozen=True, slots=True)
class Section:
    heading: str  # "" for the main table
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    empty: str  # what the PDF says when there is no row


@dataclass(frozen=True, slots=True)
class Table:
    kind: str  # "entities", "cooccurrences" or "termlist" (the audit log's name for the export)
    title: str
    fields: tuple[tuple[str, str], ...]  # cover lines after the context: (label, value)
    sections: tuple[Section, ...]  # the first is the table itself (the CSV's rows)
    lang: str  # the language of its words ("fr" or "en")


# --- building ---------------------------------------------------------------------------------------------


def entity_table(summaries: Sequence[EntitySummary], kinds: Sequence[EntityType], total: int, labels: Labels) -> Table:
    """The entities of the case by type, with their document and occurrence counts (``total``: how many the
    case holds of the types asked, when ``summaries`` is cut to a limit)."""
    rows = tuple(
        (
            labels.entity_type(s.type),
            s.display,
            s.value,
            s.documents,
            s.occurrences,
            labels["check_ok" if s.valid else "check_failed"] if s.type in CHECKED else "—",
        )
        for s in summaries
    )
    columns = (
        Column(labels["col_type"], width=1.2),
        Column(labels["col_entity"], width=2.1),
        Column(labels["col_canonical"], width=2.0),
        Column(labels["col_documents"], number=True, width=1.15),
        Column(labels["col_occurrences"], number=True, width=1.3),
        Column(labels["col_check"], width=1.1, centred=True),
    )
    fields = (
        (labels["entity_types"], _kinds(kinds, labels)),
        (labels["rows_count"], labels["rows_value"].format(shown=len(rows), total=total)),
    )
    main = Section("", columns, rows, labels["no_entity"])
    return Table("entities", labels["title_entities"], fields, (main,), labels.lang)


def cooccurrence_table(pairs: Sequence[Cooccurrence], kinds: Sequence[EntityType], labels: Labels) -> Table:
    """Pairs of entities found in the same documents, the most shared first."""
    rows = tuple(
        (labels.entity_type(p.a.type), p.a.display, labels.entity_type(p.b.type), p.b.display, p.documents)
        for p in pairs
    )
    columns = (
        Column(labels["col_type_a"], width=1.2),
        Column(labels["col_entity_a"], width=2.2),
        Column(labels["col_type_b"], width=1.2),
        Column(labels["col_entity_b"], width=2.2),
        Column(labels["col_shared"], number=True, width=1.4),
    )
    fields = (
        (labels["entity_types"], _kinds(kinds, labels)),
        (labels["rows_count"], str(len(rows))),
    )
    main = Section("", columns, rows, labels["no_pair"])
    return Table("cooccurrences", labels["title_cooccurrences"], fields, (main,), labels.lang)


def termlist_table(run: TermListRunLike, paths: Mapping[str, str], labels: Labels) -> Table:
    """A term list's run: each term with its documents and passages (and, after a previous run, what changed);
    then the documents new and gone per term, cited by path (``paths``: SHA-256 → a path in the case; a
    document that left the case has none) and SHA-256."""
    listed = run.termlist
    compared = bool(run.previous_at)
    columns = [
        Column(labels["col_term"], width=2.4),
        Column(labels["col_label"], width=1.4),
        Column(labels["col_documents"], number=True, width=1.0),
        Column(labels["col_passages"], number=True, width=0.9),
    ]
    if compared:
        columns += [
            Column(labels["col_new"], number=True, width=0.9),
            Column(labels["col_gone"], number=True, width=0.9),
        ]
    rows = tuple(
        (r.term, r.label, len(r.documents), r.hits, *((len(r.new), len(r.gone)) if compared else ()))
        for r in run.results
    )
    without = [r.term for r in run.results if not r.documents]
    fields = [
        (labels["list_name"], listed.name),
        (labels["list_source"], listed.source if listed.source != "pasted" else labels["list_pasted"]),
        (labels["list_sha256"], listed.sha256),
        (labels["list_terms"], str(len(listed.terms))),
        (labels["expansions"], labels["list_expanded" if listed.expand else "list_not_expanded"]),
        (labels["list_ran_at"], labels["list_ran_value"].format(date=labels.iso_date(run.ran_at), gen=run.generation)),
        (labels["list_previous"], labels.iso_date(run.previous_at) if compared else labels["list_first_run"]),
        (labels["list_without_hits"], f"{len(without)} : {', '.join(without)}" if without else labels["none_m"]),
    ]
    sections = [Section("", tuple(columns), rows, labels["no_term"])]
    if compared:
        change_rows: list[tuple[Cell, ...]] = []
        for r in run.results:
            change_rows += [(r.term, labels["change_new"], f"{paths.get(sha, '')}\n{sha}") for sha in r.new]
            change_rows += [
                (r.term, labels["change_gone"], f"{paths.get(sha, labels['left_case'])}\n{sha}") for sha in r.gone
            ]
        change_columns = (
            Column(labels["col_term"], width=1.1),
            Column(labels["col_change"], width=1.0),
            Column(labels["col_document_sha"], width=4.4, small=True),
        )
        heading = labels["changes_heading"].format(date=labels.iso_date(run.previous_at))
        sections.append(Section(heading, change_columns, tuple(change_rows), labels["no_change"]))
    title = labels["title_termlist"].format(name=listed.name)
    return Table("termlist", title, tuple(fields), tuple(sections), labels.lang)


def _kinds(kinds: Sequence[EntityType], labels: Labels) -> str:
    return ", ".join(labels.entity_type(k) for k in kinds) if kinds else labels["all_types"]


# --- writing ----------------------------------------------------------------------------------------------


def render_table_pdf(table: Table, context: ExportContext) -> bytes:
    """The PDF's bytes (laid out twice, so that every footer gives the page total); the PDF library is loaded
    here, on the first export, not by every command that builds a table."""
    from arbiter_desktop.export.table_pdf import render

    return render(table, context)


def render_table_csv(table: Table, context: ExportContext) -> bytes:
    """The CSV's bytes: the table's first section, each row followed by its provenance."""
    labels = Labels(table.lang)
    main = table.sections[0]
    provenance = [
        *table.fields,
        (labels["case"], f"{context.case_name} ({context.case_dir})"),
        (labels["operator"], labels.operator(context)),
        (labels["csv_exported_at"], labels.date(context.created)),
        (labels["application"], labels["generated_by"].format(version=context.app_version)),
        (labels["csv_generation"], str(context.generation)),
    ]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([c.label for c in main.columns] + [label for label, _ in provenance])
    tail = [guarded(value) for _, value in provenance]
    for values in main.rows:
        cells = [str(v) if column.number else guarded(str(v)) for column, v in zip(main.columns, values, strict=True)]
        writer.writerow(cells + tail)
    return (BOM + out.getvalue()).encode("utf-8")
