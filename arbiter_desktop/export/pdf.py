"""A result set → a PDF for the case file (fpdf2, with the DejaVu Sans font shipped in ``resources/fonts``).

The cover block says where the hits come from: case, operator, date and time with the UTC offset, application
version, models with the SHA-256 of their files, index generation and semantic coverage, query, expansions,
filters and mode, and the head of the audit log. Each hit follows: rank, document path(s), SHA-256, page, the
passage with its highlights drawn (matched terms in bold on yellow, the sentence closest in meaning on blue) and
its scores. Every page ends with "Page X / Y".

Document text never becomes markup: it is drawn with ``cell``/``multi_cell`` as plain text (no markdown, no
HTML), and the page total is not a text alias but a second layout pass, so a passage holding ``<b>``,
``<script>``, ``**x**`` or ``{nb}`` shows exactly that. A character the font cannot draw (emoji, CJK) shows
as "�", one for one, so highlights stay in place; the CSV keeps the exact text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from arbiter_desktop.config import paths
from arbiter_desktop.export.labels import Labels
from arbiter_desktop.export.resultset import ExportContext, ExportError, ExportHit, ResultSet

FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
REPLACEMENT = "\ufffd"

MARGIN = 15.0  # mm
FOOTER_ZONE = 16.0  # mm kept free at the bottom of each page
LABEL_WIDTH = 46.0
FIELD_SIZE = 8.5  # pt
PASSAGE_SIZE = 9.5
LINE = 4.6  # mm, a passage line
FIELD_LINE = 4.2
KEEP_TOGETHER = 40.0  # mm: a hit too long for one page starts on a new page when less than this is left
PASSAGE_INDENT = 3.0

PLAIN, SEMANTIC, MATCH = 0, 1, 2  # passage styles, strongest last
FILL = {SEMANTIC: (206, 226, 252), MATCH: (255, 226, 92)}
BAR = (228, 228, 228)
RULE = (150, 150, 150)


def fonts_dir() -> Path:
    return paths.resources_dir() / "fonts"


def printable(text: str, drawable: frozenset[int]) -> str:
    """``text`` with one character for each character: line breaks kept, tabs and other breaks as spaces,
    what the font cannot draw as "�"."""
    out: list[str] = []
    for ch in text:
        if ch == "\n":
            out.append(ch)
        elif ch in "\t\r\v\f\x85\u2028\u2029":
            out.append(" ")
        elif ord(ch) in drawable and unicodedata.category(ch) != "Cc":
            out.append(ch)
        else:
            out.append(REPLACEMENT)
    return "".join(out)


def passage_styles(
    passage: str, highlights: Sequence[tuple[int, int]], semantic: tuple[int, int] | None
) -> list[tuple[str, int]]:
    """The passage cut into runs of one style: plain, the sentence closest in meaning, a matched term."""
    styles = [PLAIN] * len(passage)
    spans = ([(semantic, SEMANTIC)] if semantic else []) + [(h, MATCH) for h in highlights]
    for (start, end), style in spans:
        for i in range(max(0, start), min(len(passage), end)):
            styles[i] = max(styles[i], style)
    runs: list[tuple[str, int]] = []
    start = 0
    for i in range(1, len(passage) + 1):
        if i == len(passage) or styles[i] != styles[start]:
            runs.append((passage[start:i], styles[start]))
            start = i
    return runs


Piece = tuple[str, int]


def wrap(runs: Sequence[Piece], width: Callable[[str, int], float], limit: float) -> list[list[Piece]]:
    """Lay styled runs out in lines no wider than ``limit``: breaks at spaces and line breaks, words longer
    than a line cut where they must; spaces at the start and end of a wrapped line dropped."""
    tokens: list[tuple[str, list[Piece]]] = []  # ("word" | "space" | "newline", pieces)
    for text, style in runs:
        for part in re.split(r"(\n| +)", text):
            if not part:
                continue
            kind = "newline" if part == "\n" else "space" if part[0] == " " else "word"
            if kind == "word" and tokens and tokens[-1][0] == "word":
                tokens[-1][1].append((part, style))  # one word across styles (a match inside a word)
            else:
                tokens.append((kind, [(part, style)]))
    lines: list[list[Piece]] = []
    line: list[Piece] = []
    used = 0.0

    def flush() -> None:
        nonlocal line, used
        while line and line[-1][0].startswith(" "):
            line.pop()
        lines.append(_merged(line))
        line, used = [], 0.0

    for kind, pieces in tokens:
        if kind == "newline":
            flush()
            continue
        if kind == "space":
            if line:
                line.extend(pieces)
                used += sum(width(t, s) for t, s in pieces)
            continue
        size = sum(width(t, s) for t, s in pieces)
        if line and used + size > limit:
            flush()
        if size <= limit:
            line.extend(pieces)
            used += size
            continue
        for text, style in pieces:  # a word longer than a line: cut it
            for ch in text:
                w = width(ch, style)
                if line and used + w > limit:
                    flush()
                line.append((ch, style))
                used += w
    if line or not lines:
        flush()
    return lines


def _merged(line: Sequence[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for text, style in line:
        if merged and merged[-1][1] == style:
            merged[-1] = (merged[-1][0] + text, style)
        else:
            merged.append((text, style))
    return merged


class _Pdf(FPDF):
    footer_left = ""  # application and case
    footer_page = "{page} / {pages}"  # the page label, with the total filled in
    footer_total = "?"

    def footer(self) -> None:
        self.set_y(-FOOTER_ZONE + 5)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(90, 90, 90)
        self.cell(self.epw / 2, 5, self.footer_left)
        self.cell(self.epw / 2, 5, self.footer_page.format(page=self.page_no(), pages=self.footer_total), align="R")
        self.set_text_color(0, 0, 0)


class _Writer:
    def __init__(self, results: ResultSet, context: ExportContext, labels: Labels, pages: int | None) -> None:
        folder = fonts_dir()
        missing = [name for name in FONT_FILES.values() if not (folder / name).is_file()]
        if missing:
            raise ExportError(f"the PDF font is missing: expected {folder / missing[0]} (reinstall the application)")
        self.results = results
        self.context = context
        self.labels = labels
        pdf = _Pdf(orientation="P", unit="mm", format="A4")
        pdf.alias_nb_pages("")  # no text alias: the total comes from a first layout pass
        for style, name in FONT_FILES.items():
            pdf.add_font(FONT, style, str(folder / name))
        # the code points that both the regular and the bold font can draw
        cmaps = [set(font.cmap) for font in pdf.fonts.values() if isinstance(font, TTFFont)]
        self.drawable = frozenset(set.intersection(*cmaps))
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, margin=FOOTER_ZONE)
        pdf.footer_left = self.text(
            f"{labels['generated_by'].format(version=context.app_version)} — {context.case_name}"
        )
        pdf.footer_page = labels["page_footer"]
        pdf.footer_total = "?" if pages is None else str(pages)
        pdf.set_creation_date(context.created)
        pdf.set_creator(labels["generated_by"].format(version=context.app_version))
        pdf.set_author(context.operator or context.user)
        pdf.set_title(self.title())
        pdf.set_lang("fr-FR" if labels.lang == "fr" else "en")
        self.pdf = pdf

    def text(self, value: str) -> str:
        return printable(value, self.drawable)

    def title(self) -> str:
        if self.results.tag:
            return self.labels["title_tag"].format(tag=self.results.tag)
        return f"{self.labels['title_search']} — « {self.results.query} »"

    def render(self) -> _Pdf:
        pdf = self.pdf
        pdf.add_page()
        self.cover()
        if not self.results.hits:
            pdf.set_font(FONT, "", PASSAGE_SIZE)
            pdf.cell(0, 8, self.labels["no_hits"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for hit in self.results.hits:
            self.hit(hit)
        return pdf

    # --- blocks ---------------------------------------------------------------------------------------------

    def cover(self) -> None:
        pdf, lb, ctx, res = self.pdf, self.labels, self.context, self.results
        pdf.set_font(FONT, "B", 14)
        pdf.multi_cell(
            0, 7, self.text(f"Arbiter Desktop — {self.title()}"), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.rule()
        tag_export = bool(res.tag)
        self.field(lb["case"], f"{ctx.case_name} ({ctx.case_dir})")
        self.field(lb["operator"], lb.operator(ctx))
        self.field(lb["exported_at"], lb.date(ctx.created))
        self.field(lb["application"], lb["generated_by"].format(version=ctx.app_version))
        self.field(lb["embedder"], lb.model(res.models, "embedder", tag_export))
        self.field(lb["reranker"], lb.model(res.models, "reranker", tag_export))
        self.field(lb["index"], lb["index_value"].format(generation=ctx.generation, documents=ctx.documents))
        self.field(lb["coverage"], lb.coverage(res.coverage))
        if tag_export:
            self.field(lb["tag"], res.tag)
        else:
            self.field(lb["query"], res.query)
        self.field(lb["mode"], lb.mode(res.mode))
        if not tag_export:
            self.field(lb["expansions"], lb.expansions(res.expansions))
            self.field(lb["filters"], lb.filters(res.filters))
        self.field(lb["hits_count"], str(len(res.hits)))
        head = ctx.audit_head
        self.field(lb["audit"], lb["audit_value"].format(seq=head[0], hash=head[1]) if head else lb["audit_empty"])
        if res.notes:
            self.field(lb["notes"], "\n".join(lb.note(n) for n in res.notes))
        self.legend()
        self.rule()

    def legend(self) -> None:
        pdf = self.pdf
        y = pdf.get_y()
        self.field(self.labels["legend"], self.labels["legend_value"])
        end = pdf.get_y()
        pdf.set_y(y)  # two swatches in the label column, after the word
        pdf.set_font(FONT, "B", FIELD_SIZE)
        x = pdf.l_margin + pdf.get_string_width(self.labels["legend"]) + 2.5
        for style in (MATCH, SEMANTIC):
            pdf.set_fill_color(*FILL[style])
            pdf.rect(x, y + 0.6, 4.5, FIELD_LINE - 1.2, style="F")
            x += 5.5
        pdf.set_y(end)

    def hit(self, hit: ExportHit) -> None:
        pdf, lb = self.pdf, self.labels
        fields = self.hit_fields(hit)
        lines = self.passage_lines(hit)
        height = 11.0 + sum(self.field_height(v) for _, v in fields) + len(lines) * LINE + 4.0
        if height <= pdf.page_break_trigger - pdf.t_margin:  # keep a hit on one page when it fits on one
            if pdf.will_page_break(height):
                pdf.add_page()
        elif pdf.will_page_break(KEEP_TOGETHER):
            pdf.add_page()
        pdf.ln(2.5)
        pdf.set_font(FONT, "B", 10)
        pdf.set_fill_color(*BAR)
        name = hit.doc_path.rsplit("/", 1)[-1] or hit.doc_path
        header = f"{lb['hit'].format(rank=hit.rank)} — {name} — {lb['page'].lower()} {hit.page}"
        pdf.multi_cell(0, 6, self.text(header), fill=True, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
        for label, value in fields:
            self.field(label, value)
        pdf.ln(1)
        self.passage(lines)
        pdf.ln(1.5)
        self.rule(light=True)

    def hit_fields(self, hit: ExportHit) -> list[tuple[str, str]]:
        lb = self.labels
        fields = [(lb["document"], hit.doc_path)]
        if hit.other_paths:
            fields.append((lb["other_paths"], "\n".join(hit.other_paths)))
        fields += [(lb["sha256"], hit.sha256), (lb["page"], str(hit.page))]
        if hit.containers:
            fields.append((lb["containers"], "\n".join(f"{path} — {sha}" for path, sha in hit.containers)))
        if hit.title:
            fields.append((lb["doc_title"], hit.title))
        if hit.query:
            fields.append((lb["origin_query"], lb.origin(hit)))
        if hit.tagged:
            fields.append((lb["tagged"], lb.tagged(hit)))
        if not hit.in_index:
            fields.append((lb["absent"], lb["absent_value"]))
        fields.append((lb["scores"], lb.scores(hit.scores)))
        if hit.matched_terms:
            fields.append((lb["matched_terms"], ", ".join(hit.matched_terms)))
        fields += [(lb["via_expansion"], label) for label in hit.expansions]
        return fields

    def field_height(self, value: str) -> float:
        """About the height ``field`` takes for ``value`` (to keep a hit on one page)."""
        pdf = self.pdf
        pdf.set_font(FONT, "", FIELD_SIZE)
        room = pdf.w - pdf.r_margin - pdf.l_margin - LABEL_WIDTH - 2 * pdf.c_margin
        lines = sum(1 + int(pdf.get_string_width(part) // room) for part in self.text(value).split("\n"))
        return lines * FIELD_LINE

    def passage_lines(self, hit: ExportHit) -> list[list[Piece]]:
        pdf = self.pdf
        limit = pdf.w - pdf.r_margin - pdf.l_margin - PASSAGE_INDENT
        styled = passage_styles(self.text(hit.passage), hit.highlights, hit.semantic_highlight)
        return wrap(styled, self.width, limit)

    def width(self, piece: str, style: int) -> float:
        self.pdf.set_font(FONT, "B" if style == MATCH else "", PASSAGE_SIZE)
        return float(self.pdf.get_string_width(piece))

    def passage(self, lines: Sequence[Sequence[Piece]]) -> None:
        pdf = self.pdf
        saved_margin = pdf.c_margin
        pdf.c_margin = 0
        top = pdf.get_y()
        for line in lines:
            if pdf.will_page_break(LINE):
                self.bar(top, pdf.get_y())
                pdf.add_page()
                top = pdf.get_y()
            pdf.set_x(pdf.l_margin + PASSAGE_INDENT)
            for piece, style in line:
                if style != PLAIN:
                    pdf.set_fill_color(*FILL[style])
                pdf.cell(self.width(piece, style), LINE, piece, fill=style != PLAIN)
            pdf.ln(LINE)
        self.bar(top, pdf.get_y())
        pdf.c_margin = saved_margin

    def bar(self, top: float, bottom: float) -> None:
        """A thin vertical bar left of the passage (it reads as a quotation)."""
        pdf = self.pdf
        pdf.set_fill_color(*RULE)
        pdf.rect(pdf.l_margin, top, 0.8, max(0.0, bottom - top), style="F")

    def field(self, label: str, value: str) -> None:
        pdf = self.pdf
        if pdf.will_page_break(FIELD_LINE):
            pdf.add_page()
        size = FIELD_SIZE
        pdf.set_font(FONT, "B", size)
        while pdf.get_string_width(label) > LABEL_WIDTH - 2 and size > 6:  # a label never runs into its value
            size -= 0.5
            pdf.set_font(FONT, "B", size)
        pdf.cell(LABEL_WIDTH, FIELD_LINE, self.text(label))
        pdf.set_font(FONT, "", FIELD_SIZE)
        pdf.multi_cell(0, FIELD_LINE, self.text(value) or " ", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def rule(self, light: bool = False) -> None:
        pdf = self.pdf
        pdf.ln(1.5)
        pdf.set_draw_color(*(RULE if not light else (200, 200, 200)))
        pdf.set_line_width(0.3 if not light else 0.2)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(1.5)


def render_pdf(results: ResultSet, context: ExportContext, lang: str = "fr") -> bytes:
    """The PDF's bytes. Laid out twice: the first pass counts the pages that the footers then announce."""
    labels = Labels(lang)
    first = _Writer(results, context, labels, None)
    try:
        pages = first.render().pages_count
    finally:
        _close_fonts(first.pdf)
    second = _Writer(results, context, labels, pages)
    try:
        pdf = second.render()
        if pdf.pages_count != pages:  # the footers do not change the layout; this would be a bug
            raise ExportError(f"the PDF layout is unstable ({pages} then {pdf.pages_count} pages)")
        return bytes(pdf.output())
    finally:
        _close_fonts(second.pdf)


def _close_fonts(pdf: FPDF) -> None:
    """Close the font files that fpdf2 keeps open for subsetting."""
    for font in pdf.fonts.values():
        if isinstance(font, TTFFont):
            font.close()
