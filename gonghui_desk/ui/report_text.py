"""A report :class:`~gonghui_desk.documents.Document` as a rich-text ``QTextDocument`` and back.

Each block of the text knows what it is through a property of its block format (:data:`ROLE`): the
title, a subtitle line, the salutation, a heading (with its :data:`LEVEL`), a paragraph, the signer, the
date, or an *opaque* block (a kind of block the editor cannot edit: shown as a grey line and written back
unchanged). Tables are ``QTextTable`` objects whose first row is the header; a table's chart
(:class:`~gonghui_desk.documents.ChartSpec`) is kept in its format (:data:`CHART`) and, when printing,
drawn under it from the table's numbers.

Heading numbers (一、 （一） 1. （1）) are never part of the heading's text: :func:`renumber` writes them
at the start of each heading block in a character format carrying :data:`NUMBER`, and
:func:`read_text_document` leaves those characters out, so adding, dropping or moving a heading renumbers
the rest and a number can never be typed wrong.

A figure of a paragraph (a :class:`~gonghui_desk.documents.Mark`) is a run of characters whose format
carries the stat key (:data:`MARK_KEY`), the text it had when written (:data:`MARK_TEXT`) and a serial
(:data:`MARK_ID`), and is an anchor ``figure:<key>`` so the editor can find it under the mouse. Reading the
text back keeps a mark whose characters are exactly the ones written and drops it when the officer changed
them (:func:`mark_runs`, :func:`drop_changed_marks`).

No widgets here: the editor (:mod:`gonghui_desk.ui.report_editor`) and the printing
(:mod:`gonghui_desk.ui.report_output`) share these functions.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import (QBrush, QColor, QFont, QImage, QTextBlock, QTextBlockFormat, QTextCharFormat, QTextCursor,
                           QTextDocument, QTextFormat, QTextFrameFormat, QTextImageFormat, QTextTable, QTextTableFormat)

from gonghui_desk.documents import (ChartSpec, Document, Heading, Mark, Paragraph, Table, heading_number,
                                   strip_heading_number)
from gonghui_desk.documents.charts import CHART_WIDTH_MM, chart_height_mm, chart_png
from gonghui_desk.documents.wording import full_width_punctuation

__all__ = ["ROLE", "LEVEL", "NUMBER", "MARK_KEY", "MARK_TEXT", "MARK_ID", "OPAQUE", "FIGURE_SCHEME", "TextStyles",
           "SCREEN", "PRINT", "MarkRun", "block_role", "drop_changed_marks", "fill_text_document", "heading_level",
           "mark_runs", "number_length", "own_text", "read_text_document", "renumber", "set_block_role"]

ROLE = QTextFormat.UserProperty + 11  # block: title / subtitle / salutation / heading / paragraph / signer / date / opaque
LEVEL = QTextFormat.UserProperty + 12  # block: a heading's level (1–4)
OPAQUE = QTextFormat.UserProperty + 13  # block: the index of an opaque block
NUMBER = QTextFormat.UserProperty + 14  # char: part of a heading's automatic number
MARK_KEY = QTextFormat.UserProperty + 15  # char: the stat key of a figure
MARK_TEXT = QTextFormat.UserProperty + 16  # char: the figure's text as written
MARK_ID = QTextFormat.UserProperty + 17  # char: which figure (two figures side by side stay apart)
CHART = QTextFormat.UserProperty + 18  # table: "column|title" of the chart drawn after it in the output
FIGURE_SCHEME = "figure:"

TEXT_ROLES = ("title", "subtitle", "salutation", "heading", "paragraph", "signer", "date", "opaque")

BODY_FONTS = ["FangSong", "仿宋", "FangSong_GB2312", "仿宋_GB2312", "STFangsong", "Noto Serif CJK SC",
              "WenQuanYi Zen Hei"]
TITLE_FONTS = ["FZXiaoBiaoSong-B05S", "方正小标宋简体", "SimSun", "宋体", "STSong", "Noto Serif CJK SC",
               "WenQuanYi Zen Hei"]
HEI_FONTS = ["SimHei", "黑体", "STHeiti", "Noto Sans CJK SC", "WenQuanYi Zen Hei"]
KAI_FONTS = ["KaiTi", "楷体", "KaiTi_GB2312", "楷体_GB2312", "STKaiti", "Noto Serif CJK SC", "WenQuanYi Zen Hei"]

MARK_COLOUR = "#17508a"
MARK_BACKGROUND = "#e8f1fb"
OPAQUE_COLOUR = "#7a7a7a"
_NUMBER_CHARS = set("0123456789.．０１２３４５６７８９")
_CHINESE_NUMBER_CHARS = set("零〇一二两三四五六七八九十百千万亿")
_serial = itertools.count(1)


@dataclass(frozen=True)
class TextStyles:
    """Sizes of one rendering: on screen (comfortable to edit) or for print (GB/T 9704: 16 pt body,
    22 pt title, 22 lines a page of 225 mm). Sizes in points; ``px`` is the layout device's pixels a point."""

    body_pt: float
    title_pt: float
    table_pt: float
    line_px: float = 0.0  # fixed line pitch in pixels (print); 0 = proportional ``line_percent``
    line_percent: int = 160
    px: float = 96 / 72
    bold_headings: bool = True  # on screen: level 1 and 2 in bold (the fallback fonts look alike)
    figure_marks: bool = True  # show the marked figures (not when printing)
    justify: bool = True  # paragraphs justified (not when printing: Qt's print preview misplaces the glyphs
    # of justified Chinese lines, though the printout itself is right)
    charts: bool = False  # a table's chart drawn under it (printing; the editor keeps it with the table)

    def em(self, n: float = 1.0) -> float:
        return self.body_pt * self.px * n

    # --- character formats -------------------------------------------------------------------------
    def char(self, role: str, level: int = 0) -> QTextCharFormat:
        fmt = QTextCharFormat()
        families, size, bold = BODY_FONTS, self.body_pt, False
        if role == "title":
            families, size, bold = TITLE_FONTS, self.title_pt, True
        elif role == "subtitle":
            families = KAI_FONTS
        elif role == "heading":
            if level == 1:
                families, bold = HEI_FONTS, self.bold_headings
            elif level == 2:
                families, bold = KAI_FONTS, self.bold_headings
        elif role == "table":
            size = self.table_pt
        fmt.setFontFamilies(families)
        fmt.setFontPointSize(size)
        fmt.setFontWeight(QFont.Bold if bold else QFont.Normal)
        fmt.setFontItalic(False)
        fmt.setForeground(QBrush(QColor(OPAQUE_COLOUR if role == "opaque" else "#000000")))
        if role == "opaque":
            fmt.setFontItalic(True)
        return fmt

    def number_char(self, level: int) -> QTextCharFormat:
        fmt = self.char("heading", level)
        fmt.setProperty(NUMBER, True)
        return fmt

    def mark_char(self, role_format: QTextCharFormat, key: str, text: str, serial: int | None = None) -> QTextCharFormat:
        fmt = QTextCharFormat(role_format)
        fmt.setProperty(MARK_KEY, key)
        fmt.setProperty(MARK_TEXT, text)
        fmt.setProperty(MARK_ID, serial if serial is not None else next(_serial))
        fmt.setAnchor(True)
        fmt.setAnchorHref(FIGURE_SCHEME + key)
        if self.figure_marks:
            fmt.setForeground(QBrush(QColor(MARK_COLOUR)))
            fmt.setBackground(QBrush(QColor(MARK_BACKGROUND)))
            fmt.setUnderlineStyle(QTextCharFormat.DotLine)
            fmt.setUnderlineColor(QColor(MARK_COLOUR))
        return fmt

    # --- block formats -----------------------------------------------------------------------------
    def block(self, role: str, level: int = 0) -> QTextBlockFormat:
        fmt = QTextBlockFormat()
        fmt.setProperty(ROLE, role)
        if role == "heading":
            fmt.setProperty(LEVEL, level)
        if self.line_px:
            fmt.setLineHeight(self.line_px, QTextBlockFormat.FixedHeight.value)
        else:
            fmt.setLineHeight(self.line_percent, QTextBlockFormat.ProportionalHeight.value)
        fmt.setTopMargin(0)
        fmt.setBottomMargin(0)
        if role == "title":
            fmt.setAlignment(Qt.AlignHCenter)
            if self.line_px:  # the title's lines, then a blank body line under the title block
                fmt.setLineHeight(self.title_pt * self.px * 1.6, QTextBlockFormat.FixedHeight.value)
            fmt.setBottomMargin(self.line_px or self.em(0.4))
        elif role == "subtitle":
            fmt.setAlignment(Qt.AlignHCenter)
        elif role in ("signer", "date"):
            fmt.setAlignment(Qt.AlignRight)
            fmt.setRightMargin(self.em(2))
            if role == "signer":
                fmt.setTopMargin(self.em(1))
        elif role == "salutation":
            fmt.setAlignment(Qt.AlignLeft)
            fmt.setTopMargin(self.em(0.6))
        elif role == "opaque":
            fmt.setAlignment(Qt.AlignHCenter)
        else:  # headings and paragraphs: two characters' indent
            fmt.setAlignment(Qt.AlignJustify if role == "paragraph" and self.justify else Qt.AlignLeft)
            fmt.setTextIndent(self.em(2))
        return fmt


SCREEN = TextStyles(body_pt=13, title_pt=17, table_pt=11)
PRINT = TextStyles(body_pt=16, title_pt=22, table_pt=12, line_px=225 / 25.4 * 96 / 22, bold_headings=False,
                   figure_marks=False, justify=False, charts=True)


# --- reading a block ------------------------------------------------------------------------------------
def block_role(block: QTextBlock) -> str:
    role = block.blockFormat().property(ROLE)
    return role if role in TEXT_ROLES else "paragraph"


def heading_level(block: QTextBlock) -> int:
    """A heading block's level (1–4); 0 for any other block."""
    if block_role(block) != "heading":
        return 0
    level = block.blockFormat().property(LEVEL)
    return level if level in (1, 2, 3, 4) else 1


def _fragments(block: QTextBlock):
    it = block.begin()
    while not it.atEnd():
        fragment = it.fragment()
        if fragment.isValid():
            yield fragment
        it += 1


def _in_table(block: QTextBlock) -> QTextTable | None:
    return QTextCursor(block).currentTable()


def number_length(block: QTextBlock) -> int:
    """How many characters at the start of ``block`` are its automatic number."""
    length = 0
    start = block.position()
    for fragment in _fragments(block):
        if fragment.charFormat().property(NUMBER) and fragment.position() == start + length:
            length += fragment.length()
        else:
            break
    return length


def own_text(block: QTextBlock) -> str:
    """A block's text without its automatic number."""
    return "".join(f.text() for f in _fragments(block) if not f.charFormat().property(NUMBER))


@dataclass(frozen=True)
class MarkRun:
    """The characters of one marked figure as they are now (``start``/``end``: document positions)."""

    serial: int
    key: str
    written: str  # the figure's text when written
    start: int
    end: int
    text: str

    @property
    def intact(self) -> bool:
        return self.text == self.written


def mark_runs(block: QTextBlock) -> list[MarkRun]:
    """The marked figures of a block, each a run of characters with the same :data:`MARK_ID`."""
    runs: list[MarkRun] = []
    current: list | None = None
    for fragment in _fragments(block):
        fmt = fragment.charFormat()
        serial = fmt.property(MARK_ID)
        if serial is None or fmt.property(MARK_KEY) is None:
            current = None
            continue
        if current is not None and current[0] == serial and current[4] == fragment.position():
            current[4] = fragment.position() + fragment.length()
            current[5] += fragment.text()
            runs[-1] = MarkRun(*current)
            continue
        current = [serial, fmt.property(MARK_KEY), fmt.property(MARK_TEXT) or "", fragment.position(),
                   fragment.position() + fragment.length(), fragment.text()]
        runs.append(MarkRun(*current))
    return runs


def _extends_number(run: MarkRun, block: QTextBlock) -> bool:
    """True when a digit typed right before or after the figure makes it another number ("123人次" around a
    figure "23人次")."""
    text = block.text()
    start, end = run.start - block.position(), run.end - block.position()
    if not run.text:
        return False
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    first, last = run.text[0], run.text[-1]
    if before and ((first in _NUMBER_CHARS and before in _NUMBER_CHARS)
                   or (first in _CHINESE_NUMBER_CHARS and before in _CHINESE_NUMBER_CHARS)):
        return True
    if after and ((last in _NUMBER_CHARS and after in _NUMBER_CHARS)
                  or (last in _CHINESE_NUMBER_CHARS and after in _CHINESE_NUMBER_CHARS)):
        return True
    return False


def _kept_marks(block: QTextBlock) -> list[MarkRun]:
    return [run for run in mark_runs(block) if run.intact and not _extends_number(run, block)]


# --- writing ----------------------------------------------------------------------------------------------
class _Writer:
    def __init__(self, qdoc: QTextDocument, styles: TextStyles):
        self.qdoc, self.styles = qdoc, styles
        self.cursor = QTextCursor(qdoc)
        self.fresh = True  # the block at the cursor is empty and not used yet

    def block(self, role: str, level: int = 0, opaque: int | None = None) -> QTextCharFormat:
        block_format = self.styles.block(role, level)
        if opaque is not None:
            block_format.setProperty(OPAQUE, opaque)
        char_format = self.styles.char(role, level)
        if self.fresh:
            self.cursor.setBlockFormat(block_format)
            self.cursor.setBlockCharFormat(char_format)
            self.fresh = False
        else:
            self.cursor.insertBlock(block_format, char_format)
        self.cursor.setCharFormat(char_format)
        return char_format

    def line(self, role: str, text: str, level: int = 0) -> int:
        fmt = self.block(role, level)
        number = self.cursor.block().blockNumber()
        if text:
            self.cursor.insertText(text, fmt)
        return number

    def paragraph(self, paragraph: Paragraph) -> int:
        fmt = self.block("paragraph")
        number = self.cursor.block().blockNumber()
        text = paragraph.text.replace("\n", " ").replace("\u2029", " ").replace("\u2028", " ")
        at = 0
        for mark in sorted(paragraph.marks, key=lambda m: (m.start, m.end)):
            if mark.start < at or mark.end > len(text) or mark.start >= mark.end:
                continue  # overlapping or out of the text: not a figure this text can show
            if mark.start > at:
                self.cursor.insertText(text[at:mark.start], fmt)
            figure = text[mark.start:mark.end]
            self.cursor.insertText(figure, self.styles.mark_char(fmt, mark.key, figure))
            at = mark.end
        if at < len(text):
            self.cursor.insertText(text[at:], fmt)
        return number

    def table(self, table: Table) -> int:
        """A table where the cursor is (after the current block); the empty block Qt keeps after it is
        used by the next block."""
        columns = max(len(table.header), max((len(row) for row in table.rows), default=0), 1)
        fmt = QTextTableFormat()
        fmt.setBorder(1)
        fmt.setBorderStyle(QTextFrameFormat.BorderStyle_Solid)
        fmt.setBorderBrush(QBrush(QColor("#000000")))
        fmt.setCellPadding(3)
        fmt.setCellSpacing(0)
        fmt.setAlignment(Qt.AlignHCenter)
        fmt.setHeaderRowCount(1)
        fmt.setBorderCollapse(True)
        fmt.setTopMargin(self.styles.em(0.3))
        fmt.setBottomMargin(self.styles.em(0.3))
        if table.chart is not None:  # kept with the table, so the output still draws it after editing
            fmt.setProperty(CHART, f"{table.chart.column}|{table.chart.title}")
        qtable = self.cursor.insertTable(1 + len(table.rows), columns, fmt)
        cell_char = self.styles.char("table")
        header_char = QTextCharFormat(cell_char)
        header_char.setFontWeight(QFont.Bold)
        cell_block = QTextBlockFormat()
        cell_block.setAlignment(Qt.AlignHCenter)
        for r, row in enumerate((table.header, *table.rows)):
            for c in range(columns):
                cursor = qtable.cellAt(r, c).firstCursorPosition()
                cursor.setBlockFormat(cell_block)
                cursor.setBlockCharFormat(header_char if r == 0 else cell_char)
                text = row[c] if c < len(row) else ""
                if text:
                    cursor.insertText(str(text), header_char if r == 0 else cell_char)
        number = qtable.cellAt(0, 0).firstCursorPosition().block().blockNumber()
        self.cursor = QTextCursor(self.qdoc)
        self.cursor.movePosition(QTextCursor.End)
        self.fresh = True
        if self.styles.charts and table.chart is not None:
            self._chart(table, number)
        return number

    def _chart(self, table: Table, number: int) -> None:
        """The table's bar chart as an image in a centred block of its own (printing only: nothing reads it
        back)."""
        picture = chart_png(table)
        if picture is None:
            return
        block_format = QTextBlockFormat()
        block_format.setAlignment(Qt.AlignHCenter)
        block_format.setBottomMargin(self.styles.em(0.5))
        self.cursor.setBlockFormat(block_format)
        name = f"chart-{number}.png"
        self.qdoc.addResource(QTextDocument.ImageResource, QUrl(name), QImage.fromData(picture))
        image = QTextImageFormat()
        image.setName(name)
        image.setWidth(CHART_WIDTH_MM / 25.4 * 72 * self.styles.px)
        image.setHeight(chart_height_mm(table) / 25.4 * 72 * self.styles.px)
        self.cursor.insertImage(image)
        self.fresh = False


def fill_text_document(qdoc: QTextDocument, doc: Document, styles: TextStyles = SCREEN, *,
                       numbers: bool = True) -> tuple[list, dict[int, int]]:
    """Replace the contents of ``qdoc`` by ``doc``; returns the opaque blocks (kept by index) and, for
    each of ``doc.blocks``, the number of the text block where it starts ({block index: block number})."""
    qdoc.clear()
    qdoc.setDefaultFont(_default_font(styles))
    writer = _Writer(qdoc, styles)
    opaque: list = []
    starts: dict[int, int] = {}
    if doc.title:
        writer.line("title", doc.title)
    for line in doc.subtitle_lines:
        writer.line("subtitle", line)
    if doc.salutation:
        writer.line("salutation", doc.salutation)
    for index, block in enumerate(doc.blocks):
        if isinstance(block, Heading):
            starts[index] = writer.line("heading", block.text, block.level)
        elif isinstance(block, Paragraph):
            starts[index] = writer.paragraph(block)
        elif isinstance(block, Table):
            starts[index] = writer.table(block)
        else:
            opaque.append(block)
            writer.block("opaque", opaque=len(opaque) - 1)
            starts[index] = writer.cursor.block().blockNumber()
            writer.cursor.insertText(_opaque_text(block), styles.char("opaque"))
    if doc.signer:
        writer.line("signer", doc.signer)
    if doc.date_text:
        writer.line("date", doc.date_text)
    if numbers:
        renumber(qdoc, styles)
    qdoc.clearUndoRedoStacks()
    qdoc.setModified(False)
    return opaque, starts


def _default_font(styles: TextStyles) -> QFont:
    font = QFont()
    font.setFamilies(BODY_FONTS)
    font.setPointSizeF(styles.body_pt)
    return font


def _opaque_text(block) -> str:
    name = type(block).__name__
    title = getattr(block, "title", "") or getattr(block, "caption", "")
    kind = {"Chart": "图表", "Figure": "图表", "Image": "图片"}.get(name, "内容")
    return f"〔{kind}{('：' + title) if title else ''}（在Word、PDF和打印中显示）〕"


# --- numbering and figure marks ----------------------------------------------------------------------------
def renumber(qdoc: QTextDocument, styles: TextStyles = SCREEN, *, join: bool = False) -> bool:
    """Write the number of every heading (一、 （一） 1. （1）, DOMAIN.md §4) at its start and take stray
    number characters out of other blocks. ``join``: merge the change into the last undo step (a change
    the officer made caused it). Returns True when something changed."""
    counters = [0] * 6
    cursor = QTextCursor(qdoc)
    changed = False
    block = qdoc.begin()
    while block.isValid():
        level = heading_level(block) if _in_table(block) is None else 0
        if level:
            counters[level] += 1
            for deeper in range(level + 1, len(counters)):
                counters[deeper] = 0
            expected = heading_number(level, counters[level])
        else:
            expected = ""
        length = number_length(block)
        current = block.text()[:length]
        stray = [f for f in _fragments(block) if f.charFormat().property(NUMBER) and f.position() >= block.position() + length]
        if current != expected or stray:
            if not changed:
                cursor.joinPreviousEditBlock() if join else cursor.beginEditBlock()
                changed = True
            for fragment in reversed(stray):  # number characters typed or pasted elsewhere: plain text
                cursor.setPosition(fragment.position())
                cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.KeepAnchor)
                plain = QTextCharFormat(fragment.charFormat())
                plain.clearProperty(NUMBER)
                cursor.setCharFormat(plain)
            if current != expected:
                cursor.setPosition(block.position())
                cursor.setPosition(block.position() + length, QTextCursor.KeepAnchor)
                if expected:
                    cursor.insertText(expected, styles.number_char(level))
                else:
                    cursor.removeSelectedText()
        block = block.next()
    if changed:
        cursor.endEditBlock()
    return changed


def drop_changed_marks(qdoc: QTextDocument, styles: TextStyles = SCREEN, *, join: bool = False) -> int:
    """Make plain text of every figure whose characters the officer changed (and of figures in blocks that
    are no longer paragraphs). Returns how many were dropped."""
    cursor = QTextCursor(qdoc)
    dropped = 0
    block = qdoc.begin()
    while block.isValid():
        runs = mark_runs(block)
        if runs:
            keep = {run.serial for run in _kept_marks(block)} if block_role(block) == "paragraph" else set()
            for run in runs:
                if run.serial in keep:
                    continue
                if not dropped:
                    cursor.joinPreviousEditBlock() if join else cursor.beginEditBlock()
                dropped += 1
                cursor.setPosition(run.start)
                cursor.setPosition(run.end, QTextCursor.KeepAnchor)
                role = block_role(block) if _in_table(block) is None else "table"
                cursor.setCharFormat(styles.char(role, heading_level(block)))
        block = block.next()
    if dropped:
        cursor.endEditBlock()
    return dropped


def set_block_role(cursor: QTextCursor, role: str, level: int = 0, styles: TextStyles = SCREEN) -> None:
    """Make the blocks of ``cursor``'s selection (or its block) ``role`` (a heading of ``level``): their
    layout and font change, the figures in them are kept only in paragraphs."""
    qdoc = cursor.document()
    start, end = sorted((cursor.position(), cursor.anchor()))
    first, last = qdoc.findBlock(start), qdoc.findBlock(end)
    edit = QTextCursor(qdoc)
    edit.beginEditBlock()
    block = first
    while block.isValid():
        if _in_table(block) is None and block_role(block) != "opaque":
            edit.setPosition(block.position())
            edit.setBlockFormat(styles.block(role, level))
            edit.setBlockCharFormat(styles.char(role, level))
            number = number_length(block)
            for fragment in list(_fragments(block)):
                if fragment.position() < block.position() + number:
                    continue
                fmt = fragment.charFormat()
                new = styles.char(role, level)
                if role == "paragraph" and fmt.property(MARK_ID) is not None:
                    new = styles.mark_char(new, fmt.property(MARK_KEY), fmt.property(MARK_TEXT) or "",
                                           fmt.property(MARK_ID))
                edit.setPosition(fragment.position())
                edit.setPosition(fragment.position() + fragment.length(), QTextCursor.KeepAnchor)
                edit.setCharFormat(new)
        if block == last:
            break
        block = block.next()
    edit.endEditBlock()
    renumber(qdoc, styles, join=True)
    drop_changed_marks(qdoc, styles, join=True)


# --- reading back -------------------------------------------------------------------------------------------
def _cell_text(table: QTextTable, row: int, column: int) -> str:
    cell = table.cellAt(row, column)
    cursor = cell.firstCursorPosition()
    cursor.setPosition(cell.lastCursorPosition().position(), QTextCursor.KeepAnchor)
    return " ".join(cursor.selectedText().replace("\u2028", "\u2029").split("\u2029")).strip()


def _table_block(table: QTextTable) -> Table:
    rows = [tuple(_cell_text(table, r, c) for c in range(table.columns())) for r in range(table.rows())]
    if not rows:
        return Table(())
    column, _, title = str(table.format().property(CHART) or "").partition("|")
    chart = ChartSpec(int(column), title) if column.isdigit() and title else None
    return Table(rows[0], tuple(rows[1:]), chart)


def _paragraph(block: QTextBlock) -> Paragraph | None:
    text = block.text().replace("\u2028", " ")
    stripped = text.strip()
    if not stripped:
        return None
    offset = len(text) - len(text.lstrip())
    marks = []
    for run in _kept_marks(block):
        start = run.start - block.position() - offset
        end = run.end - block.position() - offset
        if 0 <= start < end <= len(stripped):
            marks.append(Mark(start, end, run.key))
    return Paragraph(stripped, tuple(marks))


@dataclass
class ReadResult:
    document: Document
    origins: list[int]  # for each block of the document, the number of the text block it comes from
    notes: list[str]


def read_text_document(qdoc: QTextDocument, *, figures=(), opaque=()) -> ReadResult:
    """The :class:`Document` the text shows now (see the module text); ``figures`` are carried over,
    ``opaque`` are the blocks the text stands for by index."""
    title: list[str] = []
    subtitles: list[str] = []
    salutation: list[str] = []
    signer: list[str] = []
    date: list[str] = []
    blocks: list = []
    origins: list[int] = []
    notes: list[str] = []
    seen_tables: set[int] = set()
    block = qdoc.begin()
    while block.isValid():
        table = _in_table(block)
        if table is not None:
            key = table.firstPosition()
            if key not in seen_tables:
                seen_tables.add(key)
                blocks.append(_table_block(table))
                origins.append(block.blockNumber())
            block = block.next()
            continue
        role = block_role(block)
        if role == "paragraph":
            paragraph = _paragraph(block)
            if paragraph is not None:
                blocks.append(paragraph)
                origins.append(block.blockNumber())
        elif role == "heading":
            text, typed = strip_heading_number(own_text(block).replace("\u2028", " "))
            if typed:
                notes.append(f"标题“{typed}{text}”前手工输入的编号“{typed}”已去掉，编号由系统自动生成。")
            if text:
                blocks.append(Heading(heading_level(block), text))
                origins.append(block.blockNumber())
        elif role == "opaque":
            index = block.blockFormat().property(OPAQUE)
            if isinstance(index, int) and 0 <= index < len(opaque) and block.text().strip():
                blocks.append(opaque[index])
                origins.append(block.blockNumber())
        else:
            text = block.text().replace("\u2028", " ").strip()
            if text:
                {"title": title, "subtitle": subtitles, "salutation": salutation, "signer": signer,
                 "date": date}[role].append(text)
        block = block.next()
    document = Document(title="".join(title), subtitle_lines=subtitles, salutation="".join(salutation),
                        blocks=blocks, signer="".join(signer), date_text="".join(date), figures=list(figures))
    return ReadResult(document, origins, notes)


def plain_figure_text(text: str) -> str:
    return full_width_punctuation(text)
