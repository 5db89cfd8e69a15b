"""The one print path of every ledger and list: a :class:`PrintTable` and its HTML.

A page that prints builds a :class:`PrintTable` (usually with :func:`table_from_columns` from
the same :class:`~gonghui_desk.exporting.xlsx.Column` list its .xlsx export writes), and
:mod:`gonghui_desk.ui.printing` shows the preview or writes a PDF: A4 portrait or landscape,
the union's name and the date at the top of every page, "第 N 页，共 M 页" at the bottom, and
the table's header row repeated on every page.

:func:`to_html` writes the HTML subset that Qt's rich-text engine (QTextDocument) lays out:
the header row sits in ``<thead>``, which Qt repeats at the top of each page a table runs
onto; widths are percentages; sizes are in pt and px (1 px = 1/96 inch, the resolution the
document is laid out at). Qt would also split a row across a page break, so the printer
cuts the table into one table per page itself (``page_starts``). No Qt here: the core
stays free of it.

A paper form of one record (困难职工档案表, later 提案表 and the like) is a :class:`PrintForm`:
label/value grids, tables and paragraphs under a title (:func:`form_to_html`), printed in the
same page frame.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from typing import Iterable, NamedTuple, Sequence

import sqlite_utils

from gonghui_desk.care.campaigns import signoff_sheet
from gonghui_desk.care.ledger import LedgerFilter, ledger_totals
from gonghui_desk.exporting.signoff_sheet import SIGNOFF_COLUMNS, SIGNOFF_ROW_HEIGHT_MM, signoff_subtitle
from gonghui_desk.exporting.visit_ledger import (LEDGER_COLUMNS, LEDGER_TITLE, ledger_records, ledger_subtitle,
                                                 totals_lines)
from gonghui_desk.exporting.xlsx import Column, signature_line
from gonghui_desk.money import yuan_text
from gonghui_desk.union import load_profile

LAYOUT_DPI = 96  # what a CSS px means in the printed document
FONT_FAMILIES = ("SimSun", "宋体", "Noto Serif CJK SC", "Source Han Serif SC", "Noto Sans CJK SC", "serif")
CELL_PADDING_PX = 4
LINE_HEIGHT = 1.45  # a line of CJK text, in font sizes
ALIGNS = ("left", "center", "right")
_KIND_ALIGN = {"int": "center", "date": "center", "money": "right"}


class PrintColumn(NamedTuple):
    label: str
    width_weight: float  # share of the table's width, relative to the other columns
    align: str = "left"  # left / center / right


@dataclass
class PrintTable:
    title: str
    subtitle_lines: list[str]
    union_name: str
    date_text: str  # at the top right of every page, e.g. "制表日期：2026-11-22"
    columns: list[PrintColumn]
    rows: list[list[str]]
    total_lines: list[str] = field(default_factory=list)
    footer_line: str = field(default_factory=signature_line)  # 制表人：____  审核人：____  日期：____
    landscape: bool = False
    font_size_pt: float = 10.5
    min_row_height_mm: float = 0  # taller data rows, e.g. to sign in

    def __post_init__(self):
        for column in self.columns:
            if column.align not in ALIGNS:
                raise ValueError(f"unknown alignment {column.align!r}")
        width = len(self.columns)
        for number, row in enumerate(self.rows, 1):
            if len(row) != width:
                raise ValueError(f"row {number} has {len(row)} cells for {width} columns")


def mm_to_px(mm: float) -> float:
    return mm / 25.4 * LAYOUT_DPI


def to_html(table: PrintTable, *, page_starts: Sequence[int] = ()) -> str:
    """A complete HTML document of ``table`` for QTextDocument; every text is escaped.

    ``page_starts`` (indexes into ``table.rows``) start a new page: the table is cut there into
    tables of their own, each with the header row, so that no row is ever split by a page
    break (the printer works out where the cuts go).
    """
    total_weight = sum(c.width_weight for c in table.columns) or 1
    head = "".join(
        f'<th width="{column.width_weight / total_weight * 100:.1f}%" align="center">{_text(column.label)}</th>'
        for column in table.columns)
    paddings = row_paddings(table)
    rows = ["<tr>" + "".join(
        f'<td align="{column.align}" valign="middle" style="padding-top: {padding}px; padding-bottom: {padding}px;">'
        f"{_text(cell)}</td>" for column, cell, padding in zip(table.columns, cells, paddings)) + "</tr>"
        for cells in table.rows]
    cuts = [0, *sorted(set(start for start in page_starts if 0 < start < len(rows))), len(rows)]
    grids = "\n".join(
        f'<table class="grid" width="100%" border="1" cellspacing="0" cellpadding="{CELL_PADDING_PX}"'
        + (' style="page-break-before: always;"' if number else "")
        + f">\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows[begin:end]) + "\n</tbody></table>"
        for number, (begin, end) in enumerate(zip(cuts, cuts[1:])))
    families = ", ".join(f"'{name}'" for name in FONT_FAMILIES[:-1]) + f", {FONT_FAMILIES[-1]}"
    subtitles = "".join(f'<p class="subtitle">{_text(line)}</p>' for line in table.subtitle_lines)
    after = "".join(f'<p class="after">{_text(line)}</p>' for line in [*table.total_lines, table.footer_line] if line)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{_text(table.title)}</title>
<style>
body {{ font-family: {families}; font-size: {table.font_size_pt}pt; }}
h1 {{ font-size: {table.font_size_pt + 7}pt; font-weight: bold; text-align: center; margin-bottom: 4px; }}
p.subtitle {{ text-align: center; margin-top: 0px; margin-bottom: 4px; }}
p.after {{ margin-top: 6px; margin-bottom: 0px; }}
table.grid {{ border-collapse: collapse; margin-top: 6px; }}
th {{ background-color: #d9d9d9; font-weight: bold; border: 1px solid #000000; }}
td {{ border: 1px solid #000000; }}
</style></head>
<body>
<h1>{_text(table.title)}</h1>
{subtitles}
{grids}
{after}
</body></html>
"""


def row_paddings(table: PrintTable) -> list[int]:
    """The top and bottom padding (px) of each cell of a data row. The first cell is padded to
    make the row ``min_row_height_mm`` tall; the other cells are centred in the row, so a text
    that wraps onto a second line does not make the row any taller."""
    line_px = table.font_size_pt / 72 * LAYOUT_DPI * LINE_HEIGHT
    strut = max(CELL_PADDING_PX, round((mm_to_px(table.min_row_height_mm) - line_px) / 2))
    return [strut] + [CELL_PADDING_PX] * (len(table.columns) - 1)


def _text(value) -> str:
    return html.escape(str(value), quote=True)


# --- tables from an export's columns ---------------------------------------------------------------
def printed_text(column: Column, value) -> str:
    """How a value of a :class:`Column` kind reads on paper (money in 元 with two decimals)."""
    if value is None or value == "":
        return ""
    if column.kind == "money":
        return yuan_text(value) + ("" if value % 100 else ".00")
    if column.kind == "date" and isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def table_from_columns(columns: Sequence[Column], records: Iterable[dict], **table) -> PrintTable:
    """A :class:`PrintTable` of ``records`` in an export's columns (widths become the weights);
    ``table`` gives the other :class:`PrintTable` fields."""
    print_columns = [PrintColumn(c.label, c.width, _KIND_ALIGN.get(c.kind, "left")) for c in columns]
    rows = [[printed_text(c, record.get(c.key)) for c in columns] for record in records]
    return PrintTable(columns=print_columns, rows=rows, **table)


# --- forms: one record laid out as a paper form -----------------------------------------------------
# A :class:`PrintForm` is a title over a stack of blocks: label/value grids (:class:`FormGrid`),
# tables with a caption (:class:`FormTable`) and paragraphs (:class:`FormParagraph`). Each grid
# or table block is one HTML table, so the printer can keep a block on one page
# (``page_breaks``); a block taller than a page is left to QTextDocument to break.
VALIGNS = ("top", "middle", "bottom")
FORM_CELL_PADDING_PX = 3  # a little tighter than a table's, so that a household fits on one page
CAPTION_BACKGROUND = "#bfbfbf"
LABEL_BACKGROUND = "#d9d9d9"


@dataclass
class FormCell:
    """One cell of a :class:`FormGrid`: a label (grey, bold, centred) or a value (left-aligned).
    ``min_height_mm`` makes the row at least that tall, e.g. a box to write an opinion and sign in;
    a label with ``rowspan`` down the left side names a section of rows (its text in a narrow
    column reads top to bottom). A box that holds a text and is signed below it has a ``footer``
    (a line at its bottom right, e.g. "签名：　　年　月　日") with ``room_mm`` of blank paper
    between the text and that line (the box grows with its text)."""

    text: str = ""
    label: bool = False
    colspan: int = 1
    min_height_mm: float = 0
    align: str = ""  # "" is centre for a label, left for a value
    valign: str = "middle"
    rowspan: int = 1
    footer: str = ""
    room_mm: float = 0

    def __post_init__(self):
        if self.align and self.align not in ALIGNS:
            raise ValueError(f"unknown alignment {self.align!r}")
        if self.valign not in VALIGNS:
            raise ValueError(f"unknown vertical alignment {self.valign!r}")
        if self.colspan < 1 or self.rowspan < 1:
            raise ValueError("colspan and rowspan must be at least 1")


def label_cell(text: str, colspan: int = 1, **cell) -> FormCell:
    return FormCell(text, True, colspan, **cell)


def value_cell(text, colspan: int = 1, **cell) -> FormCell:
    return FormCell("" if text is None else str(text), False, colspan, **cell)


@dataclass
class FormGrid:
    """Rows of label and value cells on ``len(column_weights)`` columns: every row is filled,
    counting the cells that reach down into it from rows above (``rowspan``); ``caption`` is a
    full-width heading row above them."""

    rows: list[list[FormCell]]
    column_weights: list[float]
    caption: str = ""

    def __post_init__(self):
        self.first_columns()

    def first_columns(self) -> list[list[int]]:
        """The column each cell starts in, row by row; raises ValueError for a row that is not
        filled exactly or a cell that reaches below the last row."""
        width = len(self.column_weights)
        taken: list[set[int]] = [set() for _ in self.rows]
        starts = []
        for number, row in enumerate(self.rows):
            column, row_starts = 0, []
            for cell in row:
                while column in taken[number]:
                    column += 1
                if number + cell.rowspan > len(self.rows):
                    raise ValueError(f"a cell of grid row {number + 1} spans rows below the last")
                row_starts.append(column)
                for below in range(number, number + cell.rowspan):
                    taken[below].update(range(column, column + cell.colspan))
                column += cell.colspan
            if taken[number] != set(range(width)):
                raise ValueError(f"grid row {number + 1} fills {len(taken[number])} columns of {width}")
            starts.append(row_starts)
        return starts


@dataclass
class FormTable:
    """A table inside a form: a caption row and the column labels at the top (repeated if the
    table runs onto another page), then the rows; ``empty_text`` fills a table without rows. A
    line break in a column label is kept; ``font_size_pt`` (when set) is smaller type for a
    table with many columns."""

    caption: str
    columns: list[PrintColumn]
    rows: list[list[str]]
    empty_text: str = "（无）"
    font_size_pt: float | None = None

    def __post_init__(self):
        PrintTable.__post_init__(self)  # the same checks of alignments and row widths


@dataclass
class FormParagraph:
    text: str


FormBlock = FormGrid | FormTable | FormParagraph


@dataclass
class PrintForm:
    """A paper form of one record (e.g. 困难职工档案表, 提案表): printed like a :class:`PrintTable`,
    with the union's name and the date on every page and the page numbers at the bottom."""

    title: str
    union_name: str
    date_text: str  # at the top right of every page
    subtitle_lines: list[str]
    blocks: list[FormBlock]
    footer_line: str = ""
    landscape: bool = False
    font_size_pt: float = 10.5


def form_to_html(form: PrintForm, *, page_breaks: Sequence[int] = ()) -> str:
    """A complete HTML document of ``form`` for QTextDocument; every text is escaped. The blocks
    whose indexes are in ``page_breaks`` start a new page."""
    parts = []
    for number, block in enumerate(form.blocks):
        breaks = number in page_breaks and number > 0
        if isinstance(block, FormParagraph):
            style = ' style="page-break-before: always;"' if breaks else ""
            parts.append(f'<p class="note"{style}>{_lines(block.text)}</p>')
        elif isinstance(block, FormGrid):
            parts.append(_grid_html(block, form.font_size_pt, breaks))
        else:
            parts.append(_form_table_html(block, breaks))
    subtitles = "".join(f'<p class="subtitle">{_text(line)}</p>' for line in form.subtitle_lines)
    footer = f'<p class="after">{_text(form.footer_line)}</p>' if form.footer_line else ""
    body = "\n".join(parts)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{_text(form.title)}</title>
<style>
body {{ font-family: {_families()}; font-size: {form.font_size_pt}pt; }}
h1 {{ font-size: {form.font_size_pt + 7}pt; font-weight: bold; text-align: center; margin-bottom: 4px; }}
p {{ white-space: pre-wrap; }}
p.subtitle {{ text-align: center; margin-top: 0px; margin-bottom: 4px; }}
p.note {{ margin-top: 6px; margin-bottom: 0px; font-size: {form.font_size_pt - 1.5}pt; }}
p.after {{ margin-top: 10px; margin-bottom: 0px; }}
table.form {{ border-collapse: collapse; margin-top: 6px; }}
</style></head>
<body>
<h1>{_text(form.title)}</h1>
{subtitles}
{body}
{footer}
</body></html>
"""


def form_texts(form: PrintForm) -> list[str]:
    """Every text printed on the form's pages (the page numbers aside), in block order."""
    texts = [form.title, form.union_name, form.date_text, *form.subtitle_lines]
    for block in form.blocks:
        if isinstance(block, FormParagraph):
            texts.append(block.text)
        elif isinstance(block, FormGrid):
            cells = [cell for row in block.rows for cell in row]
            texts += [block.caption, *(text for cell in cells for text in (cell.text, cell.footer))]
        else:
            texts += [block.caption, *(c.label for c in block.columns), *(cell for row in block.rows for cell in row)]
            if not block.rows:
                texts.append(block.empty_text)
    texts.append(form.footer_line)
    return [text for text in texts if text]


def _families() -> str:
    return ", ".join(f"'{name}'" for name in FONT_FAMILIES[:-1]) + f", {FONT_FAMILIES[-1]}"


def _lines(text) -> str:
    """Escaped text whose line breaks stay line breaks."""
    return "<br />".join(_text(line) for line in str(text).splitlines())


def _table_open(breaks: bool) -> str:
    style = ' style="page-break-before: always;"' if breaks else ""
    return f'<table class="form" width="100%" border="1" cellspacing="0" cellpadding="{FORM_CELL_PADDING_PX}"{style}>'


def _cell(content: str, *, shade: str = "", attributes: str = "", style: str = "") -> str:
    """A ``<td>`` whose whole look is in its own style: Qt gives a cell with a style attribute
    neither the stylesheet's border nor its font weight. ``shade`` is a label's or a caption's
    background (and makes the text bold)."""
    declarations = ["border: 1px solid #000000;", "white-space: pre-wrap;"]
    if shade:
        declarations += [f"background-color: {shade};", "font-weight: bold;"]
    return f'<td{attributes} style="{" ".join([*declarations, style]).strip()}">{content}</td>'


def _caption_row(caption: str, colspan: int) -> str:
    if not caption:
        return ""
    return "<tr>" + _cell(_text(caption), shade=CAPTION_BACKGROUND, attributes=f' colspan="{colspan}" align="left"',
                          style="padding-top: 2px; padding-bottom: 2px;") + "</tr>"


def _grid_html(grid: FormGrid, font_size_pt: float, breaks: bool) -> str:
    """Widths go on the cells whose columns weigh the same (Qt takes a column's width from the
    first cell that sets it, and shares a spanning cell's width evenly among its columns)."""
    total = sum(grid.column_weights) or 1
    line_px = font_size_pt / 72 * LAYOUT_DPI * LINE_HEIGHT
    rows = []
    for cells, starts in zip(grid.rows, grid.first_columns()):
        tds = []
        for cell, column in zip(cells, starts):
            weights = grid.column_weights[column:column + cell.colspan]
            attributes = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + (
                f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' width="{sum(weights) / total * 100:.3f}%"' if len(set(weights)) == 1 else "")
            align = cell.align or ("center" if cell.label else "left")
            tds.append(_cell(_cell_content(cell), shade=LABEL_BACKGROUND if cell.label else "",
                             attributes=f'{attributes} align="{align}" valign="{cell.valign}"',
                             style=_padding(cell, line_px)))
        rows.append("<tr>" + "".join(tds) + "</tr>")
    head = _caption_row(grid.caption, len(grid.column_weights))
    return (_table_open(breaks) + (f"\n<thead>{head}</thead>" if head else "")
            + "\n<tbody>\n" + "\n".join(rows) + "\n</tbody></table>")


def _cell_content(cell: FormCell) -> str:
    """The cell's text; a box with a footer holds its text, the blank room, then the footer line at
    the right (paragraphs of their own, so that each keeps its alignment)."""
    if not (cell.footer or cell.room_mm):
        return _lines(cell.text)
    text = f'<p style="margin-top: 0px; margin-bottom: 0px;">{_lines(cell.text)}</p>' if cell.text else ""
    room = round(mm_to_px(cell.room_mm))
    return text + (f'<p align="right" style="margin-top: {room}px; margin-bottom: 0px; margin-right: 4px;">'
                   f'{_lines(cell.footer) or "&nbsp;"}</p>')


def _padding(cell: FormCell, line_px: float) -> str:
    """The padding that makes a cell of one line ``min_height_mm`` tall (its text centred, or
    at the bottom of a box to write in)."""
    pad = max(FORM_CELL_PADDING_PX, round((mm_to_px(cell.min_height_mm) - line_px) / 2))
    if pad == FORM_CELL_PADDING_PX:
        return ""
    if cell.valign == "bottom":
        return f"padding-top: {2 * pad - FORM_CELL_PADDING_PX}px;"
    return f"padding-top: {pad}px; padding-bottom: {pad}px;"


def _form_table_html(table: FormTable, breaks: bool) -> str:
    """Qt does not pass a table's font size on to its cells, so each cell gets it."""
    size = f"font-size: {table.font_size_pt}pt;" if table.font_size_pt else ""
    total = sum(c.width_weight for c in table.columns) or 1
    labels = "".join(_cell(_lines(c.label), shade=LABEL_BACKGROUND, style=size,
                           attributes=f' width="{c.width_weight / total * 100:.3f}%" align="center" valign="middle"')
                     for c in table.columns)
    rows = ["<tr>" + "".join(_cell(_lines(text), attributes=f' align="{c.align}" valign="middle"', style=size)
                             for c, text in zip(table.columns, cells)) + "</tr>" for cells in table.rows]
    if not table.rows:
        rows = ["<tr>" + _cell(_text(table.empty_text), attributes=f' colspan="{len(table.columns)}" align="center"',
                               style=size) + "</tr>"]
    head = _caption_row(table.caption, len(table.columns)) + f"<tr>{labels}</tr>"
    return _table_open(breaks) + f"\n<thead>{head}</thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody></table>"


def print_date_text(today: dt.date | None = None) -> str:
    """The date at the top right of a printed list: "制表日期：2026-11-22"."""
    return f"制表日期：{(today or dt.date.today()).isoformat()}"


_date_text = print_date_text


def ledger_print_table(db: sqlite_utils.Database, f: LedgerFilter, *, mask_personal: bool = False,
                       prepared_by: str = "", today: dt.date | None = None, order: str = "visit_date",
                       descending: bool = False) -> PrintTable:
    """The 慰问台账 as the ledger page shows it: A4 landscape, the same columns as the .xlsx, in the
    page's order (``order`` and ``descending``; by date, oldest first, by default)."""
    return table_from_columns(
        LEDGER_COLUMNS, ledger_records(db, f, mask_personal=mask_personal, order=order, descending=descending),
        title=LEDGER_TITLE,
        subtitle_lines=[ledger_subtitle(db, f, mask_personal=mask_personal)], union_name=load_profile(db).name,
        date_text=_date_text(today), total_lines=totals_lines(ledger_totals(db, f)),
        footer_line=signature_line(prepared_by), landscape=True, font_size_pt=9)


def signoff_print_table(db: sqlite_utils.Database, campaign_id: int, *, prepared_by: str = "",
                        today: dt.date | None = None) -> PrintTable:
    """A campaign's 发放签收表: A4 portrait, a wide blank 签字 column, rows tall enough to sign in."""
    sheet = signoff_sheet(db, campaign_id)
    return table_from_columns(
        SIGNOFF_COLUMNS, sheet.rows, title=sheet.title, subtitle_lines=[signoff_subtitle(sheet)],
        union_name=sheet.union_name, date_text=_date_text(today), total_lines=[sheet.total_text],
        footer_line=signature_line(prepared_by or sheet.prepared_by), landscape=False,
        min_row_height_mm=SIGNOFF_ROW_HEIGHT_MM)


REMINDER_COLUMNS = (PrintColumn("序号", 38, "center"), PrintColumn("提醒类别", 118), PrintColumn("姓名", 58),
                    PrintColumn("部门", 84), PrintColumn("日期", 84, "center"), PrintColumn("提醒事项", 208),
                    PrintColumn("办理情况", 90))  # px of A4 portrait's 680


def reminders_print_table(db: sqlite_utils.Database, *, today: dt.date | None = None,
                          prepared_by: str = "") -> PrintTable:
    """The home page's 提醒 (``care.reminders.reminders``) as a list to work through on paper: A4
    portrait, grouped by kind in the order the page lists them, every reminder (also those the page
    folds under "还有 N 条"), and a blank 办理情况 column to write in."""
    from gonghui_desk.care.reminders import KIND_TITLES, all_kinds, reminders
    from gonghui_desk.union import sub_unit_paths

    today = today or dt.date.today()
    order = {kind: number for number, kind in enumerate(all_kinds())}
    items = sorted(reminders(db, today=today), key=lambda r: order.get(r.kind, len(order)))
    paths = sub_unit_paths(db)
    units = dict(db.execute("SELECT id, sub_unit_id FROM members").fetchall())
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    rows = [[str(seq), KIND_TITLES.get(r.kind, r.kind), r.member_name, paths.get(units.get(r.member_id), ""), r.date,
             r.text, ""] for seq, r in enumerate(items, 1)]
    kinds = "，".join(f"{KIND_TITLES.get(kind, kind)} {count}" for kind, count in counts.items())
    return PrintTable(title="提醒事项清单", subtitle_lines=[f"截至 {today.isoformat()}：{kinds or '暂无提醒'}"],
                      union_name=load_profile(db).name, date_text=_date_text(today), columns=list(REMINDER_COLUMNS),
                      rows=rows, total_lines=[f"合计：共 {len(items)} 条"], footer_line=signature_line(prepared_by),
                      landscape=False, font_size_pt=10)


def aid_print_table(db: sqlite_utils.Database, f, *, mask_personal: bool = False, prepared_by: str = "",
                    today: dt.date | None = None, order: str = "paid_on", descending: bool = False) -> PrintTable:
    """The 帮扶台账 (an :class:`~gonghui_desk.hardship.aid_ledger.AidFilter`'s payments): A4 landscape,
    the .xlsx export's columns that fit a line, and its totals block; in the page's order (``order``
    and ``descending``; by date, oldest first, by default)."""
    from gonghui_desk.exporting.aid_ledger import (AID_PRINT_COLUMNS, AID_TITLE, aid_records, aid_subtitle,
                                                   aid_totals_lines)
    from gonghui_desk.hardship.aid_ledger import aid_totals

    return table_from_columns(
        AID_PRINT_COLUMNS, aid_records(db, f, mask_personal=mask_personal, order=order, descending=descending),
        title=AID_TITLE,
        subtitle_lines=[aid_subtitle(db, f, mask_personal=mask_personal)], union_name=load_profile(db).name,
        date_text=_date_text(today), total_lines=aid_totals_lines(aid_totals(db, f)),
        footer_line=signature_line(prepared_by), landscape=True, font_size_pt=9)


def hardship_register_print_table(db: sqlite_utils.Database, f, *, mask_personal: bool = True,
                                  prepared_by: str = "", today: dt.date | None = None, order: str = "opened_on",
                                  descending: bool = False, progress=None, is_cancelled=None) -> PrintTable:
    """The 困难职工档案名册 (a :class:`~gonghui_desk.hardship.register.FileFilter`'s files): A4
    landscape, the .xlsx export's columns that fit a line, and its totals block; ID and phone
    numbers masked unless ``mask_personal`` is False. ``progress(done, total, text)`` and
    ``is_cancelled()`` (which stops with :class:`~gonghui_desk.errors.Cancelled`) are called
    every 1000 rows, as the exports do."""
    from gonghui_desk.exporting.hardship_register import (REGISTER_PRINT_COLUMNS, REGISTER_TITLE, register_records,
                                                          register_subtitle, register_totals_lines)
    from gonghui_desk.exporting.xlsx import PROGRESS_EVERY
    from gonghui_desk.hardship.register import register_totals
    from gonghui_desk.jobs import check_cancel

    today = today or dt.date.today()
    totals = register_totals(db, f, today=today)

    def records():
        check_cancel(is_cancelled)
        for count, record in enumerate(register_records(db, f, mask_personal=mask_personal, today=today,
                                                        order=order, descending=descending), 1):
            yield record
            if count % PROGRESS_EVERY == 0:
                check_cancel(is_cancelled)
                if progress:
                    progress(count, totals.households, f"已读取 {count} 户")

    return table_from_columns(
        REGISTER_PRINT_COLUMNS, records(), title=REGISTER_TITLE,
        subtitle_lines=[register_subtitle(db, f, mask_personal=mask_personal)],
        union_name=load_profile(db).name, date_text=_date_text(today), total_lines=register_totals_lines(totals),
        footer_line=signature_line(prepared_by), landscape=True, font_size_pt=9)
