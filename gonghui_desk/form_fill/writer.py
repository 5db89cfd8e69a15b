"""Writing records into a copy of the form, keeping its look.

The workbook is loaded in full (not read-only), so the title, the header, column widths, merged cells, borders,
data validations and print settings are saved back as they were. Into the data area go the rows:

* each new row takes the style of the form's first data row (a sample row or a blank row with borders) column
  by column, its height and its merges (a value merged over two sheet columns stays merged); a formula of that
  row in a column nobody fills is copied down, adjusted to each row; without such a row the header's font
  (not bold) and borders are used;
* a 序号 column is numbered 1, 2, 3… (after the kept rows' last number when rows are kept);
* a date goes in as a real date in the form's date style: the sample row's number format ("yyyy.mm",
  'yyyy"年"m"月"'…), or, when the sample holds the date as text ("1985.03", "1985年3月"), as text in that same
  pattern; without a sample, the column's own date format, else yyyy.mm for a "…年月" header, else yyyy-mm-dd;
* ID, phone, card and account numbers are text with the "@" format, so no digit is lost;
* text is never taken for a formula: it is stored as text, and text starting with = + - @ gets the
  quotePrefix flag (as :mod:`gonghui_desk.exporting.xlsx` does); money (分) is written in 元.

Rows already below the header are kept (``keep_rows``: new rows follow the last row holding data) or replaced.
Blank rows with borders are filled first; those left over are removed, and whatever lies below the data area
(制表人/审核人/日期 lines, a 合计 row) moves so that it follows the last written row. Merged cells, row heights,
data validations, conditional formats, the print area and the autofilter move or stretch with it, and a
footer formula over the data area (=SUM(F5:F24)) is stretched to the rows written.

Speed: every distinct style is made once per column (a StyleArray, with the "@", date or quotePrefix variant
made by setting the format on a scratch cell) and new cells are created with it directly (sharing it, unless the
row is merged like the template's: merging adds borders to a row's first cell); the new rows share one
RowDimension. ``fill_form`` saves with ``save_workbook(…, fast_cells=True)``, which writes the cells as XML text
instead of one by one through openpyxl (:mod:`gonghui_desk.exporting.xlsx`). 10,000 rows take about as long as
the built-in roster export of the same members (``bench/bench_fill.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable

from openpyxl.cell.cell import ERROR_CODES, Cell, MergedCell
from openpyxl.formatting.formatting import ConditionalFormatting, ConditionalFormattingList
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.formula.translate import Translator
from openpyxl.styles import Alignment
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.merge import MergedCellRange

from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.exporting.xlsx import DATE_FORMAT, FORMULA_TRIGGERS, PROGRESS_EVERY, TEXT_FORMAT, _clean_text
from gonghui_desk.form_fill.fields import SEQ_KEY
from gonghui_desk.form_fill.layout import FormLayout
from gonghui_desk.importing.headers import normalize_header
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel

_new_cell = Cell.__new__
MONTH_FORMAT = "yyyy.mm"  # 出生年月 / 入会年月 without a sample: 1985.03, as such forms are filled by hand
YES, NO = "是", "否"


@dataclass
class WriteStats:
    """What :func:`write_rows` did (sheet row numbers)."""

    written: int = 0
    kept: int = 0
    first_row: int | None = None  # the first written row
    last_row: int | None = None
    removed_blank: int = 0  # rows of the old data area left over and removed
    replaced: int = 0  # rows holding data that were replaced
    footer_from: int | None = None  # where the footer starts now
    footer_shift: int = 0


# --- the form's date style -----------------------------------------------------------------------------------
_DATE_TEXT = re.compile(r"^(\d{4})\s*([./\-年])\s*(\d{1,2})\s*(?:([./\-月])\s*(\d{1,2})\s*(日?)|(月?))$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")


def date_text_pattern(sample) -> Callable[[dt.date], object] | None:
    """For a date the form holds as text ("1985.03", "1985年3月7日", "19850307") or as a number (198503), the
    function writing any date the same way; None when ``sample`` is no such date."""
    if isinstance(sample, int) and not isinstance(sample, bool):
        match = _COMPACT.match(str(sample))
        if match:
            day = match.group(3) is not None
            return lambda d: int(f"{d.year}{d.month:02d}{d.day:02d}" if day else f"{d.year}{d.month:02d}")
        return None
    if not isinstance(sample, str):
        return None
    text = sample.strip()
    match = _COMPACT.match(text)
    if match:
        day = match.group(3) is not None
        return lambda d: f"{d.year}{d.month:02d}{d.day:02d}" if day else f"{d.year}{d.month:02d}"
    match = _DATE_TEXT.match(text)
    if not match:
        return None
    _, first, month, second, day, day_suffix, month_suffix = match.groups()
    pad_month = len(month) == 2
    if day is None:
        suffix = month_suffix or ""
        return lambda d: f"{d.year}{first}{d.month:02d}{suffix}" if pad_month else f"{d.year}{first}{d.month}{suffix}"
    pad_day = len(day) == 2

    def write(d: dt.date) -> str:
        month_text = f"{d.month:02d}" if pad_month else str(d.month)
        day_text = f"{d.day:02d}" if pad_day else str(d.day)
        return f"{d.year}{first}{month_text}{second}{day_text}{day_suffix or ''}"
    return write


def _as_date(value) -> dt.date | None:
    try:
        return parse_date(value, allow_serial=False)
    except (DateParseError, TypeError, ValueError):
        return None


# --- styles --------------------------------------------------------------------------------------------------
class _StyleMaker:
    """Variants of a StyleArray (another number format, quotePrefix), each made once."""

    def __init__(self, ws):
        self.ws = ws
        self.cache: dict[tuple, StyleArray] = {}

    def variant(self, base: StyleArray | None, number_format: str | None = None, quote: bool = False) -> StyleArray:
        base = base if base is not None else StyleArray()
        key = (tuple(base), number_format, quote)
        if key not in self.cache:
            scratch = Cell(self.ws, row=1, column=1, style_array=base)
            if number_format is not None:
                scratch.number_format = number_format
            if quote:
                scratch.quotePrefix = True
            self.cache[key] = scratch._style
        return self.cache[key]


def _default_style(ws, header_cell, maker: _StyleMaker) -> StyleArray:
    """A data cell's style for a form without a data row: the header's font (not bold) and borders."""
    scratch = Cell(ws, row=1, column=1)
    if header_cell is not None and header_cell.has_style:
        font = copy(header_cell.font)
        font.b = False
        scratch.font = font
        scratch.border = copy(header_cell.border)
        alignment = header_cell.alignment
        scratch.alignment = Alignment(horizontal=alignment.horizontal, vertical="center",
                                      wrap_text=alignment.wrap_text)
    return scratch._style if scratch._style is not None else StyleArray()


# --- one column's cells --------------------------------------------------------------------------------------
class _ColumnWriter:
    """Makes the new cells of one column: the value in the right type, the right style variant."""

    def __init__(self, ws, column: int, field: str | None, kind: str, base: StyleArray, maker: _StyleMaker,
                 date_style: tuple[str, object] | None = None, formula: Translator | None = None, *,
                 own_styles: bool = False):
        self.ws = ws
        self.column = column
        self.own_styles = own_styles  # each cell a copy of its style, not the column's shared one
        self.field = field
        self.formula = formula
        self.base = base = base if base is not None else StyleArray()
        self.guarded = maker.variant(base, quote=True)
        if kind == "id":
            self.base = maker.variant(base, TEXT_FORMAT)
            self.guarded = maker.variant(base, TEXT_FORMAT, quote=True)
        self.date_format = None
        self.date_writer = None
        if kind == "date":
            how, what = date_style
            if how == "format":
                self.date_format = maker.variant(base, what)
            else:
                self.date_writer = what
        self.value_for = {"text": self._text, "id": self._text, "date": self._date, "int": self._int,
                          "money": self._money, "seq": self._int}.get(kind, self._text)

    def cell(self, row: int, value, *, style: StyleArray | None = None, data_type: str = "n") -> Cell:
        # Cell(ws, row, column, style_array=…) with its attributes set directly (its __init__ was about a tenth
        # of a filled form's time)
        cell = _new_cell(Cell)
        cell.parent = self.ws
        style = style or self.base
        cell._style = StyleArray(style) if self.own_styles else style
        cell.row = row
        cell.column = self.column
        cell._hyperlink = cell._comment = None
        cell._value = value
        cell.data_type = "n" if value is None else data_type
        return cell

    def make(self, row: int, record: dict | None, seq: int) -> Cell:
        if self.field is None:
            if self.formula is not None:
                formula = self.formula.translate_formula(f"{get_column_letter(self.column)}{row}")
                return self.cell(row, formula, data_type="f")
            return self.cell(row, None)
        value = seq if self.field == SEQ_KEY else record.get(self.field)
        return self.value_for(row, value)

    def _text(self, row: int, value) -> Cell:
        if value is None or value == "":
            return self.cell(row, None)
        if isinstance(value, bool):
            value = YES if value else NO
        text = _clean_text(value)
        guarded = text.startswith(FORMULA_TRIGGERS) or text in ERROR_CODES
        return self.cell(row, text, style=self.guarded if guarded else self.base, data_type="s")

    def _int(self, row: int, value) -> Cell:
        if value is None or value == "":
            return self.cell(row, None)
        try:
            return self.cell(row, int(value))
        except (TypeError, ValueError):
            return self._text(row, value)

    def _money(self, row: int, value) -> Cell:
        if value is None or value == "":
            return self.cell(row, None)
        return self.cell(row, Decimal(int(value)).scaleb(-2))

    def _date(self, row: int, value) -> Cell:
        if value is None or value == "":
            return self.cell(row, None)
        day = _as_date(value)
        if day is None:
            return self._text(row, value)
        if self.date_writer is not None:
            written = self.date_writer(day)
            if isinstance(written, str):
                return self.cell(row, written, data_type="s")
            return self.cell(row, written)
        return self.cell(row, day, style=self.date_format, data_type="d")


def _date_style(ws, column, header_text: str, sample_cell, template_cell) -> tuple[str, object]:
    """("format", number format) or ("text", writer), from the sample, the column's format or the header."""
    if sample_cell is not None and sample_cell.value is not None:
        value = sample_cell.value
        if isinstance(value, (dt.date, dt.datetime)) and is_date_format(sample_cell.number_format):
            return "format", sample_cell.number_format
        writer = date_text_pattern(value)
        if writer is not None:
            return "text", writer
    if template_cell is not None:
        number_format = template_cell.number_format
        if is_date_format(number_format):
            return "format", number_format
        if number_format == TEXT_FORMAT:
            return "text", lambda d: d.isoformat()
    plain = normalize_header(header_text)
    if plain.endswith("年月") or plain.endswith("年份月份"):
        return "format", MONTH_FORMAT
    return "format", DATE_FORMAT


# --- moving what lies below the data area ----------------------------------------------------------------------
class _RowMap:
    """Old row numbers -> new ones, for the parts of the sheet the writing moved."""

    def __init__(self, data_first: int, data_last: int, start: int, new_last: int):
        self.data_first, self.data_last, self.start, self.new_last = data_first, data_last, start, new_last
        self.shift = new_last - data_last

    def row(self, row: int) -> int:
        return row + self.shift if row > self.data_last else row

    def range(self, min_row: int, max_row: int) -> tuple[int, int] | None:
        """The new rows of a range; a range over the data area stretches to the written rows; None when
        nothing of it is left."""
        if self.data_first <= max_row <= self.data_last or (
                max_row == min_row == self.data_first and self.data_last < self.data_first):
            new_max = max(self.new_last, min(min_row, self.data_last))
            new_min = min(min_row, new_max)
            if self.new_last < self.data_first and min_row >= self.data_first:
                return None
            return new_min, new_max
        return self.row(min_row), self.row(max_row)


def _moved_ranges(ranges: Iterable[CellRange], rows: _RowMap) -> list[CellRange]:
    moved = []
    for cr in ranges:
        new = rows.range(cr.min_row, cr.max_row)
        if new is not None:
            moved.append(CellRange(min_col=cr.min_col, max_col=cr.max_col, min_row=new[0], max_row=new[1]))
    return moved


def _moved_sqref(sqref, rows: _RowMap) -> str:
    ranges = sqref.ranges if isinstance(sqref, MultiCellRange) else MultiCellRange(str(sqref)).ranges
    return " ".join(cr.coord for cr in _moved_ranges(sorted(ranges, key=lambda r: (r.min_row, r.min_col)), rows))


_REF = re.compile(r"^(\$?[A-Za-z]{1,3})(\$?)(\d+)(?::(\$?[A-Za-z]{1,3})(\$?)(\d+))?$")


def _moved_formula(formula: str, rows: _RowMap, sheet_title: str) -> str:
    """A footer formula with its references to this sheet moved: a range over the data area stretched to the
    written rows (=SUM(F5:F24) -> =SUM(F5:F104)), a reference below the data area moved with the footer."""
    try:
        tokens = Tokenizer(formula).items
    except Exception:
        return formula
    changed = False
    for token in tokens:
        if token.type != Token.OPERAND or token.subtype != Token.RANGE:
            continue
        prefix, _, ref = token.value.rpartition("!")
        if prefix and prefix.strip("'") != sheet_title:
            continue
        match = _REF.match(ref)
        if not match:
            continue
        col1, abs1, row1, col2, abs2, row2 = match.groups()
        if col2 is None:
            new_ref = f"{col1}{abs1}{rows.row(int(row1))}"
        else:
            new = rows.range(int(row1), int(row2))
            if new is None:
                continue
            new_ref = f"{col1}{abs1}{new[0]}:{col2}{abs2}{new[1]}"
        if new_ref != ref:
            token.value = f"{prefix}!{new_ref}" if prefix else new_ref
            changed = True
    return "=" + "".join(t.value for t in tokens) if changed else formula


def _take_rows(ws, first: int, last: int | None = None) -> tuple[dict, list, dict]:
    """Remove rows ``first``..``last`` (to the end when None) from the sheet: their cells, merged ranges and
    row heights, returned for putting back elsewhere."""
    def inside(row):
        return row >= first and (last is None or row <= last)

    cells = {key: cell for key, cell in ws._cells.items() if inside(key[0])}
    for key in cells:
        del ws._cells[key]
    merges = [m for m in ws.merged_cells.ranges if inside(m.min_row)]
    for merge in merges:
        ws.merged_cells.ranges.discard(merge)
    dimensions = {row: ws.row_dimensions[row] for row in list(ws.row_dimensions) if inside(row)}
    for row in dimensions:
        del ws.row_dimensions[row]
    return cells, merges, dimensions


def _put_rows(ws, taken: tuple[dict, list, dict], shift: int) -> None:
    cells, merges, dimensions = taken
    for (row, col), cell in cells.items():
        cell.row = row + shift
        ws._cells[cell.row, col] = cell
    for merge in merges:
        merge.shift(row_shift=shift)
        merge.start_cell = ws._cells.get((merge.min_row, merge.min_col)) or merge.start_cell
        ws.merged_cells.ranges.add(merge)
    for row, dimension in dimensions.items():
        dimension.index = row + shift
        ws.row_dimensions[row + shift] = dimension


def _move_sheet_settings(ws, rows: _RowMap) -> None:
    """Data validations, conditional formats, the print area and the autofilter, moved or stretched."""
    for validation in ws.data_validations.dataValidation:
        validation.sqref = MultiCellRange(_moved_sqref(validation.sqref, rows))
    ws.data_validations.dataValidation = [v for v in ws.data_validations.dataValidation if v.sqref.ranges]
    if ws.conditional_formatting:
        moved = ConditionalFormattingList()
        moved.max_priority = ws.conditional_formatting.max_priority
        for formatting in ws.conditional_formatting:
            sqref = _moved_sqref(formatting.sqref, rows)
            if sqref:
                moved._cf_rules[ConditionalFormatting(sqref=sqref)] = formatting.rules
        ws.conditional_formatting = moved
    if ws._print_area:
        areas = []
        for area in str(ws._print_area).split(","):
            ref = area.rpartition("!")[2].replace("$", "")
            try:
                min_col, min_row, max_col, max_row = range_boundaries(ref)
            except ValueError:
                continue
            new = rows.range(min_row, max_row) if min_row is not None else None
            if new is None or min_col is None:
                continue
            end = max(new[1], rows.row(max_row)) if max_row > rows.data_last else new[1]
            areas.append(f"{get_column_letter(min_col)}{new[0]}:{get_column_letter(max_col)}{end}")
        if areas:
            ws.print_area = areas
    if ws.auto_filter.ref:
        min_col, min_row, max_col, max_row = range_boundaries(ws.auto_filter.ref)
        new = rows.range(min_row, max_row)
        ws.auto_filter.ref = (f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}"
                              f"{max(new[1], min_row) if new else min_row}")


# --- writing ----------------------------------------------------------------------------------------------------
def write_rows(wb, layout: FormLayout, columns: dict[int, str], kinds: dict[str, str], records: Iterable[dict], *,
               keep_rows: bool = False, total: int | None = None, progress: Progress | None = None,
               is_cancelled: IsCancelled | None = None) -> WriteStats:
    """Write ``records`` into ``wb``'s sheet ``layout.sheet_name`` (see the module text). ``columns``: sheet
    column -> field key (序号 columns: ``seq``); ``kinds``: field key -> kind (text, id, date, int, money)."""
    ws = wb[layout.sheet_name]
    cells = ws._cells
    data_first, data_last = layout.data_first, max(layout.data_last, layout.data_first - 1)
    stats = WriteStats()
    kept = layout.filled_rows if keep_rows else 0
    start = layout.last_filled + 1 if keep_rows and layout.filled_rows else data_first
    stats.kept = kept
    stats.replaced = 0 if keep_rows else layout.filled_rows

    # the style row and the sample row, read before anything moves
    template_row = data_first if data_last >= data_first else None
    sample_row = _first_filled_row(ws, layout) if layout.filled_rows else None
    width = max(layout.last_column, max((c for (r, c) in cells if r == template_row), default=0))
    maker = _StyleMaker(ws)
    header_cells = {c: cells.get((layout.header_bottom, c)) for c in range(1, width + 1)}
    first_header = header_cells.get(layout.columns[0].index) if layout.columns else None
    template_merges = [m for m in ws.merged_cells.ranges if m.min_row == m.max_row == template_row
                       and m.max_col > m.min_col]
    covered = {c for m in template_merges for c in range(m.min_col + 1, m.max_col + 1)}
    row_height = ws.row_dimensions[template_row].height if template_row and template_row in ws.row_dimensions else None
    seq_start = _last_seq(ws, columns, layout.last_filled, kept) if kept else 0

    writers = []
    for col in range(1, width + 1):
        if col in covered:
            continue
        template = cells.get((template_row, col)) if template_row else None
        if template is not None:
            base = template._style if template._style is not None else StyleArray()
        elif template_row is None and col <= layout.last_column:
            base = _default_style(ws, header_cells.get(col) or first_header, maker)
        else:
            base = StyleArray()
        field = columns.get(col)
        kind = "seq" if field == SEQ_KEY else kinds.get(field, "text") if field else "text"
        date_style = None
        if kind == "date":
            column = layout.column(col)
            date_style = _date_style(ws, col, column.header if column else "",
                                     cells.get((sample_row, col)) if sample_row else None, template)
        formula = None
        if field is None and template is not None and template.data_type == "f" and isinstance(template.value, str):
            formula = Translator(template.value, origin=f"{get_column_letter(col)}{template_row}")
        if field is None and formula is None and template is None and template_row is not None:
            continue
        writers.append(_ColumnWriter(ws, col, field, kind, base, maker, date_style, formula,
                                     own_styles=bool(template_merges)))
    covered_styles = {c: copy(cells[(template_row, c)]._style) for c in covered if (template_row, c) in cells}

    # take away the rows to replace and what lies below them; put the latter back after the new rows
    tail = _take_rows(ws, data_last + 1)
    _take_rows(ws, start, data_last)

    # the written rows all share one RowDimension (the template row's height); nothing changes it before saving
    row_dimension = RowDimension(ws, index=start, ht=row_height) if row_height is not None else None
    check_cancel(is_cancelled)
    row = start - 1
    count = 0
    for record in records:
        row += 1
        count += 1
        seq = seq_start + count
        for writer in writers:
            cells[row, writer.column] = writer.make(row, record, seq)
        for merge in template_merges:
            for col in range(merge.min_col + 1, merge.max_col + 1):
                cells[row, col] = MergedCell(ws, row=row, column=col)
                if col in covered_styles:
                    cells[row, col]._style = copy(covered_styles[col])
            ws.merged_cells.ranges.add(MergedCellRange(ws, f"{get_column_letter(merge.min_col)}{row}:"
                                                           f"{get_column_letter(merge.max_col)}{row}"))
        if row_height is not None:
            ws.row_dimensions[row] = row_dimension
        if count % PROGRESS_EVERY == 0:
            check_cancel(is_cancelled)
            if progress:
                progress(count, total or 0, f"已写入 {count} 行")
    check_cancel(is_cancelled)

    new_last = row if count else start - 1
    rows = _RowMap(data_first, data_last, start, new_last)
    _put_rows(ws, tail, rows.shift)
    for cell in tail[0].values():
        if cell.data_type == "f" and isinstance(cell._value, str):
            cell._value = _moved_formula(cell._value, rows, ws.title)
    _move_sheet_settings(ws, rows)

    stats.written = count
    stats.removed_blank = max(0, (data_last - start + 1) - count)
    stats.first_row = start if count else None
    stats.last_row = new_last if count else None
    stats.footer_shift = rows.shift
    stats.footer_from = layout.footer_first + rows.shift if layout.footer_first else None
    return stats


def _first_filled_row(ws, layout: FormLayout) -> int | None:
    seq_columns = {c.index for c in layout.columns if c.is_seq}
    for row in range(layout.data_first, layout.last_filled + 1):
        for column in layout.columns:
            if column.index in seq_columns:
                continue
            cell = ws._cells.get((row, column.index))
            if cell is not None and cell.value not in (None, ""):
                return row
    return None


def _last_seq(ws, columns: dict[int, str], last_filled: int, kept: int) -> int:
    """The 序号 of the last kept row (the number of kept rows when it has none)."""
    for col, field in columns.items():
        if field == SEQ_KEY:
            value = ws._cells.get((last_filled, col))
            try:
                return int(value.value)
            except (AttributeError, TypeError, ValueError):
                break
    return kept


__all__ = ["MONTH_FORMAT", "WriteStats", "date_text_pattern", "write_rows"]
