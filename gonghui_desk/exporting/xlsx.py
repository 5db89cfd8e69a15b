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
formats); the tests read each one back from the saved file. Only the cells that need a style
get one: ID-like text (format "@"), dates (yyyy-mm-dd), money and guarded text. The thin grid
of the data area is a single always-true conditional format rather than a border on every
cell, which would make 100,000 rows take about 75% longer to write.

openpyxl spends most of a large export on its per-cell machinery (a cell object per value, its
type worked out again, its style looked up in the workbook's list, the cell serialised element by
element by lxml, non-ASCII text as character references): about 85% of a 100,000-member roster.
So the data rows skip it: each column turns its values straight into the sheet XML openpyxl would
write for them — the same cell types, the same style numbers (taken from the same style objects,
registered in the order openpyxl would have met them), the same text rules (32,767 characters at
most, xml:space="preserve" for padded text) — and the row goes as UTF-8 text into the sheet's
temporary file, which openpyxl's own stream writes too (flushed before each run of such rows), so
the title, header, footer lines and every setting after the rows stay openpyxl's. A workbook held
in memory (the form filler's copy of a form) can be saved the same way: ``save_workbook(…,
fast_cells=True)`` writes the usual cells of every row as XML text and leaves the rest (rich text,
array formulas, comments, hyperlinks) to openpyxl. ``tests/test_export_speed_shape.py`` checks that
every column kind, guard, wrap, row height, exporter and filled form comes out as openpyxl's own
cells write it (:data:`FAST_ROWS` False), part by part of the file; without lxml, or with an openpyxl
whose internals differ, openpyxl's cells write everything as before.

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

from openpyxl import LXML, Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.compat import safe_string
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel, to_ISO8601
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.errors import UserError
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel

try:  # openpyxl's own sheet writers, which the fast ways of writing rows feed (see the module text)
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.worksheet._writer import WorksheetWriter, create_temporary_file
    from openpyxl.writer.excel import ExcelWriter
except ImportError:  # pragma: no cover - another openpyxl: it writes every cell itself
    WorksheetWriter = ExcelWriter = None

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
MAX_CELL_TEXT = 32767  # Excel's limit; openpyxl cuts longer text there
FAST_ROWS = True  # data rows as sheet XML (see the module text); False: through openpyxl's cells


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


_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def _string_xml(ref: str, style: str, text: str, *, limit: bool = True) -> str:
    """An inline-string cell as openpyxl writes it (``style``: '' or ' s="3"'); ``limit``: cut at Excel's
    limit, as openpyxl does when it takes the value."""
    if limit:
        text = text[:MAX_CELL_TEXT]
    space = ' xml:space="preserve"' if text != text.strip() else ""
    if "&" in text or "<" in text or ">" in text or "\r" in text:
        text = text.translate(_XML_ESCAPES)
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


class _ColumnWriter:
    """Turns one column's values into what ``WriteOnlyWorksheet.append`` takes (``value_for``), or
    straight into the XML of the cell (``xml_for``, see the module text).

    Styled cells are made once per column and reused row after row: ``append`` writes a row
    out before it returns, so a cell object is free again for the next row. The XML takes its
    style numbers from the same cells, each looked up when it is first used, as openpyxl does.
    """

    def __init__(self, ws, column: Column, letter: str = ""):
        self.key = column.key
        self.letter = letter
        self._ws = ws
        number_format = {"id": TEXT_FORMAT, "money": MONEY_FORMAT}.get(column.kind)
        self._formatted_cell = self._styled(ws, number_format, wrap=column.wrap)
        self._guarded_cell = self._styled(ws, number_format, quote_prefix=True, wrap=column.wrap)
        self._wrapped_cell = self._styled(ws, None, wrap=True) if column.wrap else None
        self.value_for = {"text": self._text, "id": self._id, "date": self._date,
                          "int": self._int, "money": self._money}[column.kind]
        self.xml_for = {"text": self._text_xml, "id": self._id_xml, "date": self._date_xml,
                        "int": self._int_xml, "money": self._money_xml}[column.kind]
        self._style_attrs: dict[int, str] = {}
        self._date_style: str | None = None
        self._date_serials: dict = {}  # ISO text (or date) -> the serial number's text

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

    # --- the same values as sheet XML ('' for a cell openpyxl would not write) ---------------------------
    def _style(self, cell) -> str:
        """' s="N"': the workbook's number of ``cell``'s style, registered on first use as openpyxl does
        when it writes the cell."""
        attr = self._style_attrs.get(id(cell))
        if attr is None:
            attr = self._style_attrs[id(cell)] = f' s="{cell.style_id}"' if cell.has_style else ""
        return attr

    def _text_xml(self, value, row: int) -> str:
        if value is None or value == "":
            return ""
        text = _clean_text(value)
        if text.startswith(FORMULA_TRIGGERS) or text in ERROR_CODES:
            style = self._style(self._guarded_cell)
        elif self._wrapped_cell is not None:
            style = self._style(self._wrapped_cell)
        else:
            style = ""
        return _string_xml(f"{self.letter}{row}", style, text)

    def _id_xml(self, value, row: int) -> str:
        if value is None or value == "":
            return f'<c r="{self.letter}{row}"{self._style(self._formatted_cell)} t="n"/>'
        text = _clean_text(value)
        cell = self._guarded_cell if text.startswith(FORMULA_TRIGGERS) else self._formatted_cell
        return _string_xml(f"{self.letter}{row}", self._style(cell), text)

    def _date_xml(self, value, row: int) -> str:
        if value is None or value == "":
            return ""
        serial = self._date_serials.get(value) if isinstance(value, (str, dt.date)) else None
        if serial is None:
            try:
                day = parse_date(value, allow_serial=False)
            except DateParseError:
                return self._text_xml(value, row)
            if day is None:
                return ""
            serial = safe_string(to_excel(day, self._ws.parent.epoch))
            if isinstance(value, (str, dt.date)) and len(self._date_serials) < 100_000:
                self._date_serials[value] = serial
        if self._date_style is None:
            # the style openpyxl gives a date value: its own cell with the yyyy-mm-dd format
            self._date_style = f' s="{WriteOnlyCell(self._ws, dt.date(2000, 1, 1)).style_id}"'
        return f'<c r="{self.letter}{row}"{self._date_style} t="n"><v>{serial}</v></c>'

    def _int_xml(self, value, row: int) -> str:
        if value is None or value == "":
            return ""
        try:
            number = int(value)
        except (TypeError, ValueError):
            return self._text_xml(value, row)
        style = "" if self._wrapped_cell is None else self._style(self._formatted_cell)
        return f'<c r="{self.letter}{row}"{style} t="n"><v>{safe_string(number)}</v></c>'

    def _money_xml(self, value, row: int) -> str:
        if value is None or value == "":
            return ""
        amount = safe_string(Decimal(int(value)).scaleb(-2))
        return f'<c r="{self.letter}{row}"{self._style(self._formatted_cell)} t="n"><v>{amount}</v></c>'


class _XmlRow(tuple):
    """(row number, the XML of its cells): a data row a :class:`_RowStream` lets ``append`` take."""


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # what XML cannot hold


class _RowStream:
    """Data rows as XML text straight into the file of a write-only sheet (see the module text).

    openpyxl writes a write-only sheet through an lxml stream into a temporary file; here that file is opened
    by us and handed to openpyxl's sheet writer, ``ws.append`` takes :class:`_XmlRow` rows besides its own
    (an :class:`_XmlRow` is written as UTF-8 text into the file, after flushing what openpyxl's stream holds),
    and :meth:`finish` closes the sheet before the workbook is saved. Use :meth:`attach`.
    """

    def __init__(self, ws):
        self.ws = ws
        self.path = create_temporary_file()  # openpyxl removes it after saving, or at exit
        self.file = open(self.path, "wb")
        ws._writer = WorksheetWriter(ws, out=self.file)  # what ws._get_writer() does, into our file
        ws._writer.write_top()
        self.stream_pending = True  # openpyxl's stream may hold output not yet in the file
        values_to_row, write_row, dimensions = ws._values_to_row, ws._writer.write_row, ws.row_dimensions

        def to_row(values, row_idx):
            return values if type(values) is _XmlRow else values_to_row(values, row_idx)

        def write(xf, row, row_idx):
            if type(row) is not _XmlRow:
                self.stream_pending = True
                return write_row(xf, row, row_idx)
            number, cells = row
            if number != row_idx:
                raise RuntimeError(f"row {number} written as row {row_idx}")
            extra = "".join(f' {key}="{value}"' for key, value in dimensions.get(row_idx, ()))
            if _NOT_XML.search(cells):
                raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes or "
                                 "control characters")  # as openpyxl says
            if self.stream_pending:
                xf.flush()
                self.stream_pending = False
            self.file.write(f'<row r="{row_idx}"{extra}>{cells}</row>'.encode())

        ws._values_to_row = to_row
        ws._writer.write_row = write

    @classmethod
    def attach(cls, ws) -> "_RowStream | None":
        """A stream for ``ws`` (a write-only sheet nothing has been appended to yet, its columns, views and page
        set up), or None when this openpyxl cannot take one (then its cells write the rows)."""
        if not (FAST_ROWS and LXML and WorksheetWriter is not None and getattr(ws, "_writer", 1) is None
                and callable(getattr(ws, "_values_to_row", None))):
            return None
        return cls(ws)

    def finish(self) -> None:
        """Close the sheet (its settings written after the rows: merges, filter, print titles… must be set) and
        its file, ready for saving."""
        try:
            self.ws.close()
        finally:
            self.file.close()
            self.ws._writer.out = self.path

    def discard(self) -> None:
        """After a failure or a cancel: end the sheet and remove its temporary file now."""
        try:
            self.finish()
        except Exception:  # noqa: BLE001 - the sheet may be broken by the failure itself; that one is reported
            pass
        try:
            if os.path.exists(self.path):
                self.ws._writer.cleanup()
        except OSError:
            pass  # openpyxl removes it at exit


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

    stream = _RowStream.attach(ws)
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
        count = _write_rows(ws, columns, rows, header_row, row_height, progress, is_cancelled, total,
                            as_xml=stream is not None)
        ws.append([])
        lines = [f"合计：共 {count} {count_unit}"] if count_unit else []
        lines += [*total_lines, signature_line(prepared_by)]
        _write_notes(ws, lines, columns, header_row + count + 2)
        check_cancel(is_cancelled)
    except BaseException:
        if stream is not None:
            stream.discard()
        else:
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
    if stream is not None:
        stream.finish()
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
                progress: Progress | None, is_cancelled: IsCancelled | None, total: int | None, *,
                as_xml: bool = False) -> int:
    writers = [_ColumnWriter(ws, column, get_column_letter(index)) for index, column in enumerate(columns, 1)]
    wrapped = [(column.key, column.width) for column in columns if column.wrap]
    cell_xml = [(writer.key, writer.xml_for) for writer in writers]
    count = 0
    check_cancel(is_cancelled)
    for record in rows:
        row = header_row + count + 1
        # a write-only sheet takes a row's height only before the row is written
        if wrapped or row_height:
            height = row_height or 0
            for key, width in wrapped:  # a wrapped text's lines, as Excel does not grow the row by itself
                value = record.get(key)
                if value not in (None, ""):
                    height = max(height, line_count(str(value), width) * LINE_HEIGHT)
            if row_height or height > LINE_HEIGHT:
                ws.row_dimensions[row].height = height
        if as_xml:
            ws.append(_XmlRow((row, "".join([xml_for(record.get(key), row) for key, xml_for in cell_xml]))))
        else:
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


def save_workbook(workbook: Workbook, path: Path, *, fast_cells: bool = False) -> None:
    """Save through a temporary file beside ``path`` and rename it, so that a failed export
    never leaves half a file (and never destroys the previous one). ``fast_cells``: the cells of a
    workbook held in memory (not write-only) are written as :func:`_cell_xml` does, not one by one
    by openpyxl (for large sheets such as a filled form; the file is the same)."""
    check_folder(path)
    partial = path.with_name(path.name + ".part")
    try:
        if fast_cells and not workbook.write_only and _fast_cells_possible():
            _save_with_fast_cells(workbook, partial)
        else:
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


# --- saving a workbook held in memory with its cells written as XML ------------------------------------------
# openpyxl writes each cell of a sheet through several Python calls (its coordinate, its style looked up, an
# element per part, each serialised by lxml): about half the time of saving a form filled with 10,000 rows.
# _cell_xml writes the same XML for the usual cells (text, numbers, dates, booleans, errors, plain formulas;
# with or without a style) as UTF-8 text, and _FastSheetWriter puts each such row straight into the sheet's
# file, between what openpyxl's own stream writes (flushed first); a row holding anything else (rich text,
# array formulas, comments, hyperlinks, text XML cannot hold) is written by openpyxl as before.

def _fast_cells_possible() -> bool:
    return FAST_ROWS and LXML and ExcelWriter is not None


def _cell_xml(cell, style_ids: dict, letters: dict, epoch, iso_dates: bool) -> str | None:
    """The XML openpyxl writes for ``cell`` ('' when it writes none), or None when openpyxl must write it."""
    kind = type(cell)
    if kind is Cell:
        if cell._comment is not None or cell._hyperlink is not None:
            return None
    elif kind is not MergedCell:
        return None
    value = cell._value
    style = cell._style
    styled = style is not None and any(style)
    if value is None and not styled:
        return ""
    column = cell.column
    letter = letters.get(column)
    if letter is None:
        letter = letters[column] = get_column_letter(column)
    ref = f"{letter}{cell.row}"
    attrs = ""
    if styled:
        key = style.tobytes()
        attrs = style_ids.get(key)
        if attrs is None:
            attrs = style_ids[key] = f' s="{cell.parent.parent._cell_styles.add(style)}"'
    data_type = cell.data_type
    if data_type == "s":
        if value is None or value == "":
            return f'<c r="{ref}"{attrs} t="inlineStr"/>'
        if type(value) is not str:
            return None  # rich text
        return _string_xml(ref, attrs, value, limit=False)
    if data_type == "f":
        if value is None or value == "":
            return f'<c r="{ref}"{attrs}/>'
        if type(value) is not str:
            return None  # an array or data-table formula
        return f'<c r="{ref}"{attrs}><f>{_escape(value[1:])}</f><v/></c>'
    if data_type == "d":
        if getattr(value, "tzinfo", None) is not None:
            return None  # openpyxl refuses it with its own message
        if iso_dates and not isinstance(value, dt.timedelta):
            value = to_ISO8601(value)
        else:
            data_type = "n"
            value = to_excel(value, epoch)
    if value is None or value == "":
        return f'<c r="{ref}"{attrs} t="{data_type}"/>'
    return f'<c r="{ref}"{attrs} t="{data_type}"><v>{_escape(safe_string(value))}</v></c>'


def _escape(text: str) -> str:
    if "&" in text or "<" in text or ">" in text or "\r" in text:
        return text.translate(_XML_ESCAPES)
    return text


if ExcelWriter is not None:
    class _FastSheetWriter(WorksheetWriter):
        """openpyxl's writer of one worksheet held in memory, its rows written by :func:`_cell_xml`."""

        def __init__(self, ws):
            self.path = create_temporary_file()
            self.file = open(self.path, "wb")
            super().__init__(ws, out=self.file)  # openpyxl's stream writes into the same file object
            self.style_ids: dict = {}
            self.letters: dict = {}
            self.row_attrs: dict = {}
            self.epoch = ws.parent.epoch
            self.iso_dates = ws.parent.iso_dates
            self.stream_pending = True  # openpyxl's stream may hold output not yet in the file

        def write_row(self, xf, row, row_idx):
            # the row's attributes first: a row style is looked up (numbered) before its cells', as openpyxl does
            dimension = self.ws.row_dimensions.get(row_idx)
            extra = ""
            if dimension is not None:
                known = self.row_attrs.get(id(dimension))
                if known is None or known[0] is not dimension:
                    known = self.row_attrs[id(dimension)] = (
                        dimension, "".join(f' {key}="{value}"' for key, value in dimension))
                extra = known[1]
            parts = []
            for cell in row:
                xml = _cell_xml(cell, self.style_ids, self.letters, self.epoch, self.iso_dates)
                if xml is None:
                    break
                parts.append(xml)
            else:
                cells = "".join(parts)
                if not _NOT_XML.search(cells):
                    if self.stream_pending:
                        xf.flush()
                        self.stream_pending = False
                    self.file.write(f'<row r="{row_idx}"{extra}>{cells}</row>'.encode())
                    return
            self.stream_pending = True
            super().write_row(xf, row, row_idx)

        def finish(self) -> str:
            """Close the file; its path (for the archive)."""
            self.file.close()
            self.out = self.path
            return self.path

    class _FastBookWriter(ExcelWriter):
        """openpyxl's workbook writer with every worksheet held in memory written by :class:`_FastSheetWriter`."""

        def write_worksheet(self, ws):
            if type(ws) is not Worksheet:
                return super().write_worksheet(ws)
            ws._drawing = SpreadsheetDrawing()  # as ExcelWriter.write_worksheet does
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            writer = _FastSheetWriter(ws)
            try:
                writer.write()
            finally:
                path = writer.finish()
            ws._rels = writer._rels
            self._archive.write(path, ws.path[1:])
            self.manifest.append(ws)
            writer.cleanup()


def _save_with_fast_cells(workbook: Workbook, filename: Path) -> None:
    """openpyxl's ``save_workbook`` with :class:`_FastBookWriter`."""
    from zipfile import ZIP_DEFLATED, ZipFile

    archive = ZipFile(filename, "w", ZIP_DEFLATED, allowZip64=True)
    workbook.properties.modified = dt.datetime.now(tz=dt.timezone.utc).replace(tzinfo=None)
    try:
        _FastBookWriter(workbook, archive).save()
    except BaseException:
        archive.close()  # so that the partial file can be removed
        raise
