"""The spreadsheet writer every export uses (rosters, visit ledgers, sign-off sheets, statistics).

A table comes out the way upstream unions lay out their forms (DOMAIN.md §5)::

    row 1    the title, big and bold, merged and centred across the table
    (row 2)  an optional subtitle: the period, or which records the list holds
    next     工会名称 on the left, 制表日期 on the right
    next     the header row: bold, bordered, with an autofilter, repeated on every printed page
    …        the data, frozen below the header (and right of ``freeze_columns``)
    then     a blank row, an optional count line (合计：共 120 人) or total lines, and the line
             制表人：____  审核人：____  日期：____ — each line spanning the table's width, a long one
             wrapping within it (its row made tall enough), so it neither runs past the printed page
             nor shrinks the page to fit it

It prints on A4 (landscape unless asked otherwise), fitted to the page width, with
"第 N 页，共 M 页" in the footer.

Speed. The workbook is written in openpyxl's write-only mode, so 100,000 rows stream to disk
instead of being held in memory. Every feature used here works in that mode as long as it is
set before the first row (column widths, row heights, freeze panes, the fit-to-page flag) or
before saving (merged cells, autofilter, print titles, page setup, footer, conditional
formats); the tests read each one back from the saved file. In write-only mode a styled cell
costs openpyxl a second cell object and an internal exception, so only the cells that need a
style get one: ID-like text (format "@"), money and guarded text. Dates need no help: openpyxl
gives date values the yyyy-mm-dd format by itself. The thin grid of the data area is a single
always-true conditional format rather than a border on every cell, which would make 100,000
rows take about 75% longer to write.

Formula injection (OWASP "CSV injection"). Text such as ``=HYPERLINK(…)`` typed into a member's
notes must never run in the officer's spreadsheet. openpyxl would store any text starting with
"=" as a formula, so text cells are always forced to the string type, and text that starts
with = + - @, a tab or a carriage return also gets the ``quotePrefix`` style: the flag Excel
and WPS set when a user types a leading apostrophe, so the cell shows the text as it is and
stays text even when it is edited and confirmed again. OWASP's other remedy, a visible leading
"'", is not used: it changes the data, and a roster exported and imported again would come
back altered.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable
from unicodedata import east_asian_width

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.errors import UserError
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel

COLUMN_KINDS = ("text", "id", "date", "int", "money")
PROGRESS_EVERY = 1000

TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

_THIN = Side(style="thin", color="000000")
GRID_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
TITLE_FONT = Font(size=16, bold=True)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
CENTERED = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAPPED = Alignment(vertical="center", wrap_text=True)
NOTE_ALIGNMENT = Alignment(horizontal="left", vertical="top", wrap_text=True)
LINE_HEIGHT = 15  # points: one line of the default 11-point text
PAGE_FOOTER = "第 &P 页，共 &N 页"
SIGNATURE_BLANK = "____"


@dataclass(frozen=True)
class Column:
    """One column of a table; ``key`` picks its value out of each row dict.

    ``kind``: text; id (ID, phone and card numbers: always text, format "@"); date (a date or
    ISO text, written as a real date); int; money (integer 分, shown in 元). ``wrap``: long text
    wraps within the column (the row is made tall enough) instead of running past the printed
    page, and the column's cells are centred vertically (give every column of a table with a
    wrapped column ``wrap`` to keep a tall row's cells level).
    """

    key: str
    label: str
    width: float = 12
    kind: str = "text"
    wrap: bool = False

    def __post_init__(self):
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


def style_title(cell) -> None:
    cell.font = TITLE_FONT
    cell.alignment = CENTERED


def style_header(cell) -> None:
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.border = GRID_BORDER
    cell.alignment = CENTERED


def signature_line(prepared_by: str = "") -> str:
    return f"制表人：{prepared_by.strip() or SIGNATURE_BLANK}  审核人：{SIGNATURE_BLANK}  日期：{SIGNATURE_BLANK}"


def sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "Sheet1"


def _clean_text(value) -> str:
    """The text without the control characters an .xlsx cannot hold (tabs and newlines stay)."""
    text = str(value)
    return text if text.isprintable() else ILLEGAL_CHARACTERS_RE.sub("", text)


class _ColumnWriter:
    """Turns one column's values into what ``WriteOnlyWorksheet.append`` takes.

    Styled cells are made once per column and reused row after row: ``append`` writes a row
    out before it returns, so a cell object is free again for the next row.
    """

    def __init__(self, ws, column: Column):
        self.key = column.key
        number_format = {"id": TEXT_FORMAT, "money": MONEY_FORMAT}.get(column.kind)
        self._formatted_cell = self._styled(ws, number_format, wrap=column.wrap)
        self._guarded_cell = self._styled(ws, number_format, quote_prefix=True, wrap=column.wrap)
        self._wrapped_cell = self._styled(ws, None, wrap=True) if column.wrap else None
        self.value_for = {"text": self._text, "id": self._id, "date": self._date,
                          "int": self._int, "money": self._money}[column.kind]

    @staticmethod
    def _styled(ws, number_format: str | None, *, quote_prefix: bool = False, wrap: bool = False):
        cell = WriteOnlyCell(ws)
        if number_format:
            cell.number_format = number_format
        if quote_prefix:
            cell.quotePrefix = True
        if wrap:
            cell.alignment = WRAPPED
        return cell

    @staticmethod
    def _as_string(cell, text: str | None):
        cell.value = text
        if text is not None:
            cell.data_type = "s"  # never a formula or an error value, whatever the text says
        return cell

    def _text(self, value) -> Any:
        if value is None or value == "":
            return None
        text = _clean_text(value)
        if text.startswith(FORMULA_TRIGGERS) or text in ERROR_CODES:
            return self._as_string(self._guarded_cell, text)
        if self._wrapped_cell is not None:
            return self._as_string(self._wrapped_cell, text)
        return text

    def _id(self, value) -> Any:
        # Empty cells keep the text format too, so a number typed in later stays whole.
        text = _clean_text(value) if value not in (None, "") else None
        guarded = text is not None and text.startswith(FORMULA_TRIGGERS)
        return self._as_string(self._guarded_cell if guarded else self._formatted_cell, text)

    def _date(self, value) -> Any:
        if value is None or value == "":
            return None
        try:
            return parse_date(value, allow_serial=False)
        except DateParseError:
            return self._text(value)

    def _int(self, value) -> Any:
        if value is None or value == "":
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            return self._text(value)
        if self._wrapped_cell is None:
            return number
        self._formatted_cell.value = number  # aligned as the wrapped text of its row
        return self._formatted_cell

    def _money(self, value) -> Any:
        if value is None or value == "":
            return None
        self._formatted_cell.value = Decimal(int(value)).scaleb(-2)
        return self._formatted_cell


def _plain_cell(ws, value: str, *, alignment: Alignment | None = None):
    """A cell of the frame (title, subtitle, header, notes): always text, never a formula, even when a
    title carries a name someone typed ("=…")."""
    cell = WriteOnlyCell(ws, value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    if alignment:
        cell.alignment = alignment
    return cell


def write_table(path: str | Path, *, title: str, union_name: str, columns: list[Column] | tuple[Column, ...],
                rows: Iterable[dict], subtitle: str = "", today: dt.date | None = None,
                count_unit: str = "", total_lines: Iterable[str] = (), landscape: bool = True,
                prepared_by: str = "", freeze_columns: int = 0, row_height: float | None = None,
                progress: Progress | None = None, is_cancelled: IsCancelled | None = None,
                total: int | None = None) -> int:
    """Write ``rows`` as a printable table to the .xlsx file ``path``; returns the number of rows.

    ``count_unit`` ("人", "人次", "户"…) adds the line "合计：共 N 人" under the table;
    ``total_lines`` are written there as they are. ``row_height`` (points) makes every data row
    that tall, e.g. to leave room for a signature.
    ``progress(done, total, text)`` is called every 1000 rows (``total`` 0 when unknown);
    ``is_cancelled()`` is checked as often and stops the export with
    :class:`~gonghui_desk.errors.Cancelled`. The file appears only when it is complete.
    """
    path = Path(path)
    check_folder(path)  # before the work, not after it
    columns = list(columns)
    if not columns:
        raise ValueError("a table needs at least one column")
    today = today or dt.date.today()
    width = len(columns)
    last_letter = get_column_letter(width)
    header_row = 3 + bool(subtitle)

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title(title))
    _set_up_page(ws, landscape)
    for index, column in enumerate(columns, 1):
        dimension = ws.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.kind == "id":
            dimension.number_format = TEXT_FORMAT
    ws.freeze_panes = f"{get_column_letter(freeze_columns + 1)}{header_row + 1}"
    ws.row_dimensions[1].height = 32
    ws.row_dimensions[header_row].height = 30

    title_cell = _plain_cell(ws, title)
    style_title(title_cell)
    ws.append([title_cell])
    if subtitle:
        ws.append([_plain_cell(ws, subtitle, alignment=CENTERED)])
    ws.append(_info_line(ws, width, union_name, today))
    header = []
    for column in columns:
        cell = _plain_cell(ws, column.label)
        style_header(cell)
        header.append(cell)
    ws.append(header)
    if width > 1:
        for row in (1, 2) if subtitle else (1,):
            ws.merged_cells.add(f"A{row}:{last_letter}{row}")

    try:
        count = _write_rows(ws, columns, rows, header_row, row_height, progress, is_cancelled, total)
        ws.append([])
        lines = [f"合计：共 {count} {count_unit}"] if count_unit else []
        lines += [*total_lines, signature_line(prepared_by)]
        _write_notes(ws, lines, columns, header_row + count + 2)
        check_cancel(is_cancelled)
    except BaseException:
        ws.close()  # end openpyxl's stream cleanly; it deletes its temporary file at exit
        raise
    last_row = header_row + count
    if count:
        ws.conditional_formatting.add(f"A{header_row + 1}:{last_letter}{last_row}",
                                      FormulaRule(formula=["TRUE"], border=GRID_BORDER))
    ws.auto_filter.ref = f"A{header_row}:{last_letter}{last_row}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    if progress:
        progress(count, total or count, "正在保存文件…")
    save_workbook(wb, path)
    return count


def text_width(text: str) -> float:
    """About how many column-width units ``text`` takes on one line: a Chinese (wide) character two, any
    other one (a column's width is counted in the digits of the default font)."""
    return sum(2.0 if east_asian_width(ch) in "WF" else 1.1 for ch in text)


def line_count(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a cell ``width`` units wide (its own line breaks kept)."""
    room = max(width - 1.0, 1.0)  # the cell's padding
    return sum(max(1, math.ceil(text_width(part) / room)) for part in str(text).split("\n"))


def _write_notes(ws, lines: list[str], columns: list[Column], first_row: int) -> None:
    """The lines under the table (totals, notes, 制表人…), each spanning the table's width and wrapping
    within it, its row as tall as its text: a long line neither runs past the printed page nor shrinks the
    page to fit it."""
    width = len(columns)
    table_width = sum(column.width for column in columns)
    for row, line in enumerate(lines, first_row):
        text = _clean_text(line)
        lines_needed = line_count(text, table_width)
        if lines_needed > 1:
            ws.row_dimensions[row].height = lines_needed * LINE_HEIGHT
        ws.append([_plain_cell(ws, text, alignment=NOTE_ALIGNMENT)])
        if width > 1:
            ws.merged_cells.add(f"A{row}:{get_column_letter(width)}{row}")


def _write_rows(ws, columns: list[Column], rows: Iterable[dict], header_row: int, row_height: float | None,
                progress: Progress | None, is_cancelled: IsCancelled | None, total: int | None) -> int:
    writers = [_ColumnWriter(ws, column) for column in columns]
    wrapped = [(column.key, column.width) for column in columns if column.wrap]
    count = 0
    check_cancel(is_cancelled)
    for record in rows:
        # a write-only sheet takes a row's height only before the row is written
        height = row_height or 0
        for key, width in wrapped:  # a wrapped text's lines, as Excel does not grow the row by itself
            value = record.get(key)
            if value not in (None, ""):
                height = max(height, line_count(str(value), width) * LINE_HEIGHT)
        if row_height or height > LINE_HEIGHT:
            ws.row_dimensions[header_row + count + 1].height = height
        ws.append([writer.value_for(record.get(writer.key)) for writer in writers])
        count += 1
        if count % PROGRESS_EVERY == 0:
            check_cancel(is_cancelled)
            if progress:
                progress(count, total or 0, f"已写入 {count} 行")
    return count


def _set_up_page(ws, landscape: bool) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = PAGE_FOOTER


def _info_line(ws, width: int, union_name: str, today: dt.date) -> list:
    """工会名称 in the first column, 制表日期 right-aligned in the last (the text overflows)."""
    name_text = f"工会名称：{union_name}" if union_name else ""
    date_text = f"制表日期：{today.isoformat()}"
    if width == 1:
        return [f"{name_text}  {date_text}".strip()]
    date_cell = _plain_cell(ws, date_text, alignment=Alignment(horizontal="right"))
    return [name_text or None] + [None] * (width - 2) + [date_cell]


def check_folder(path: Path) -> None:
    if not path.parent.is_dir():
        raise UserError(f"文件夹不存在：{path.parent}")


def save_workbook(workbook: Workbook, path: Path) -> None:
    """Save through a temporary file beside ``path`` and rename it, so that a failed export
    never leaves half a file (and never destroys the previous one)."""
    check_folder(path)
    partial = path.with_name(path.name + ".part")
    try:
        workbook.save(partial)
        os.replace(partial, path)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, PermissionError):
            raise UserError(f"无法保存“{path.name}”：文件可能正在 Excel 或 WPS 中打开，或该文件夹不允许写入。"
                            "请关闭该文件后重试。") from exc
        if isinstance(exc, OSError):
            raise UserError(f"无法保存“{path.name}”：{exc.strerror or exc}。请检查磁盘空间和文件夹权限。") from exc
        raise
