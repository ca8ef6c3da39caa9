"""The PDF of a :class:`~arbiter_desktop.export.tables.Table` (see ``tables.py``): the cover of the result-set
exports, then each section as a ruled table whose header row is repeated on every page."""

from __future__ import annotations

from fpdf.enums import Align, TableBordersLayout, TableCellFillMode, XPos, YPos
from fpdf.fonts import FontFace

from arbiter_desktop.export.labels import Labels
from arbiter_desktop.export.pdf import FIELD_SIZE, FONT, BasePdfWriter, two_pass
from arbiter_desktop.export.resultset import ExportContext
from arbiter_desktop.export.tables import Section, Table

HEADER_FILL = (228, 228, 228)
ZEBRA = (246, 246, 246)
TABLE_SIZE = 8.5  # pt
TABLE_LINE = 4.4  # mm
SMALL_SIZE = 7.5  # pt: a SHA-256 on one line of its column


class _TableWriter(BasePdfWriter):
    def __init__(self, table: Table, context: ExportContext, labels: Labels, pages: int | None) -> None:
        self.table = table
        super().__init__(context, labels, pages)

    def title(self) -> str:
        return self.table.title

    def render(self) -> None:
        pdf, lb, ctx = self.pdf, self.labels, self.context
        pdf.add_page()
        self.heading(f"Arbiter Desktop — {self.title()}")
        self.context_fields()
        self.field(lb["index"], lb["index_value"].format(generation=ctx.generation, documents=ctx.documents))
        for label, value in self.table.fields:
            self.field(label, value)
        head = ctx.audit_head
        self.field(lb["audit"], lb["audit_value"].format(seq=head[0], hash=head[1]) if head else lb["audit_empty"])
        self.rule()
        for section in self.table.sections:
            self.section(section)

    def section(self, section: Section) -> None:
        pdf = self.pdf
        if section.heading:
            if pdf.will_page_break(20):
                pdf.add_page()
            pdf.ln(3)
            pdf.set_font(FONT, "B", 10)
            pdf.multi_cell(0, 6, self.text(section.heading), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
        if not section.rows:
            pdf.set_font(FONT, "", FIELD_SIZE + 1)
            pdf.cell(0, 8, self.text(section.empty), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            return
        pdf.set_font(FONT, "", TABLE_SIZE)
        pdf.set_draw_color(170, 170, 170)
        pdf.set_line_width(0.2)
        aligns = tuple(Align.R if c.number else Align.C if c.centred else Align.L for c in section.columns)
        with pdf.table(
            col_widths=tuple(c.width for c in section.columns),
            text_align=aligns,
            line_height=TABLE_LINE,
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
            cell_fill_color=ZEBRA,
            cell_fill_mode=TableCellFillMode.EVEN_ROWS,
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            repeat_headings=1,
            padding=(0.8, 1.2),
        ) as grid:
            header = grid.row()
            for column in section.columns:
                header.cell(self.text(column.label))
            small = FontFace(size_pt=SMALL_SIZE)
            for values in section.rows:
                row = grid.row()
                for column, value in zip(section.columns, values, strict=True):
                    row.cell(self.text(str(value)) or " ", style=small if column.small else None)
        pdf.ln(2)


def render(table: Table, context: ExportContext) -> bytes:
    """The PDF's bytes (laid out twice, so that every footer gives the page total)."""
    labels = Labels(table.lang)
    return two_pass(lambda pages: _TableWriter(table, context, labels, pages))
