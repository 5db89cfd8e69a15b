"""Reading an upstream union's form: which sheet, where the header is, where the data goes, what lies below.

A form looks like this (DOMAIN.md §5)::

    row 1      2026年度会员信息采集表                         the title (merged across the table)
    row 2      填报单位：            填报日期：               a unit/date line
    rows 3–4   序号 | 姓名 | 性别 | 联系方式      | 备注      the header: "联系方式" merged over
                    |      |      | 手机 | 邮箱   |           "手机" and "邮箱", the others merged down
    rows 5–…   1    | 张三 | 男   | 138… | …      |           sample rows, or blank rows with borders
    then       制表人：      审核人：      日期：              the footer lines

The header row is the row naming the most known columns (``importing.headers.detect_header_row`` with every
source's synonyms). It grows into a header band of up to three rows when a cell is merged down into the
next row, when a cell merged across columns has a name under each of its columns ("联系方式" over "手机"
and "邮箱"), or when the next row names columns where this one is blank (``read_header``). Each column
then has one name, the band's texts from top to bottom joined with "-" ("联系方式-手机"); a name merged
across two sheet columns is one column (``last_index``).

Below the header comes the data area: rows holding sample data, blank rows with borders waiting to be filled
and rows holding only a 序号 or a formula. The data area ends at the footer: a 合计 row, or the first row with
a text starting with 制表人, 审核人, 填表日期, 注：… that fills at most half of the columns (or holds two such
texts). Everything from there on is moved down (or up) so that it follows the written rows.

A legacy .xls form is converted to an openpyxl workbook first (:mod:`gonghui_desk.form_fill.xls`); the
filled copy is always an .xlsx.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from gonghui_desk.errors import UserError
from gonghui_desk.form_fill.fields import is_seq_header
from gonghui_desk.importing.headers import auto_map, detect_header_row, read_header
from gonghui_desk.importing.spreadsheet import (OLE_SIGNATURE, ZIP_SIGNATURE, SpreadsheetError, cell_text,
                                                read_table)

HEADER_SCAN_ROWS = 20  # as many as detect_header_row looks at
MAX_HEADER_ROWS = 3
MAX_COLUMNS = 256
NAME_JOINER = "-"
XLS_NOTE = "原表为 .xls 格式，已另存为 .xlsx"
# A footer line starts with one of these (spaces removed); a 合计 row counts as footer too.
FOOTER_WORDS = ("制表人", "制表日期", "制表", "填表人", "填报人", "填表日期", "填报日期", "填表", "审核人", "审核", "复核人",
                "审批人", "负责人", "单位负责人", "经办人", "联系人", "主管领导", "领导签字", "分管领导", "合计", "总计",
                "注：", "注:", "说明：", "说明:", "填表说明", "备注：", "备注:", "日期：", "日期:", "报送日期", "单位盖章",
                "单位（盖章）", "单位(盖章)", "（盖章）", "(盖章)", "盖章")
TOTAL_WORDS = ("合计", "总计")


@dataclass(frozen=True)
class FormColumn:
    """One column of the form. ``index`` is the sheet column number (1 = A); ``header`` the column's one name
    ("联系方式-手机" for a two-level header), ``parts`` the band's texts top to bottom; ``last_index`` the
    last sheet column its header covers (the same as ``index`` unless the header is merged across
    columns); ``sample`` the text of the first row of data already in the form ('' without one)."""

    index: int
    header: str
    parts: tuple[str, ...] = ()
    last_index: int = 0
    sample: str = ""

    def __post_init__(self):
        if not self.last_index:
            object.__setattr__(self, "last_index", self.index)
        if not self.parts:
            object.__setattr__(self, "parts", (self.header,))

    @property
    def letter(self) -> str:
        return get_column_letter(self.index)

    @property
    def is_seq(self) -> bool:
        """A 序号 column: numbered 1, 2, 3… by the writer."""
        return is_seq_header(self.parts[-1]) or is_seq_header(self.header)

    @property
    def label(self) -> str:
        """"第5列“联系电话”" as the messages name a column."""
        return f"第{self.index}列“{self.header}”"


@dataclass(frozen=True)
class FormLayout:
    """What :func:`read_layout` found in a form (rows and columns are sheet numbers, 1-based).

    ``data_first``..``data_last`` is the data area (``data_last < data_first`` when the footer or the end
    follows the header at once); ``filled_rows`` of its rows hold data (more than a 序号), the last of them
    ``last_filled``; ``footer_first`` is the first footer row (None: none), ``footer_lines`` its texts.
    ``notes`` are messages for the user (".xls converted")."""

    path: Path
    sheet_name: str
    sheet_names: tuple[str, ...]
    header_top: int
    header_bottom: int
    columns: tuple[FormColumn, ...]
    data_first: int
    data_last: int
    filled_rows: int = 0
    last_filled: int = 0
    footer_first: int | None = None
    footer_lines: tuple[str, ...] = ()
    title_lines: tuple[str, ...] = ()
    is_xls: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def headers(self) -> dict[int, str]:
        """Column number -> header name."""
        return {c.index: c.header for c in self.columns}

    def column(self, index: int) -> FormColumn | None:
        return next((c for c in self.columns if c.index == index), None)

    @property
    def last_column(self) -> int:
        return max((c.last_index for c in self.columns), default=1)

    @property
    def header_rows_text(self) -> str:
        """"第3行" or "第3–4行"."""
        if self.header_top == self.header_bottom:
            return f"第{self.header_top}行"
        return f"第{self.header_top}–{self.header_bottom}行"


# --- opening the file ---------------------------------------------------------------------------------------
def open_form(path: str | Path) -> tuple[Workbook, bool]:
    """The form's workbook (loaded in full, styles included) and whether it was an .xls; a file that is no
    Excel workbook gets the same message the importers give."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise SpreadsheetError(f"找不到文件“{path}”。") from None
    except OSError as exc:
        raise SpreadsheetError(f"无法打开文件“{path.name}”，它可能正被 Excel 或 WPS 占用，请关闭后重试。") from exc
    if head.startswith(ZIP_SIGNATURE):
        with open(path, "rb") as fh, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # extensions openpyxl does not know
            try:
                return openpyxl.load_workbook(fh), False
            except Exception as exc:
                raise SpreadsheetError(
                    f"文件“{path.name}”已损坏或不是 Excel 工作簿，无法读取。"
                    "请用 Excel 或 WPS 打开它并“另存为”.xlsx 后再试。") from exc
    if head.startswith(OLE_SIGNATURE):
        from gonghui_desk.form_fill.xls import workbook_from_xls

        return workbook_from_xls(path), True
    read_table(path)  # raises the importers' message (HTML, CSV, not a spreadsheet…)
    raise SpreadsheetError(f"只能填写 Excel 表格（.xlsx 或 .xls）；“{path.name}”不是 Excel 工作簿。"
                           "请用 Excel 或 WPS 打开它并“另存为”.xlsx 后再试。")


# --- the header ----------------------------------------------------------------------------------------------
class _Grid:
    """The first rows of a sheet as values, with merged cells read as their top-left value."""

    def __init__(self, ws, rows: int, columns: int):
        self.rows = rows
        self.columns = columns
        self.values = [list(r) + [None] * (columns - len(r)) for r in
                       ws.iter_rows(min_row=1, max_row=rows, max_col=columns, values_only=True)]
        self.values += [[None] * columns for _ in range(rows - len(self.values))]
        self.merges = [m for m in ws.merged_cells.ranges if m.min_row <= rows and m.min_col <= columns]
        self.merge_at = {}
        for merge in self.merges:
            for row in range(merge.min_row, min(merge.max_row, rows) + 1):
                for col in range(merge.min_col, min(merge.max_col, columns) + 1):
                    self.merge_at[row, col] = merge

    def raw(self, row: int, col: int):
        return self.values[row - 1][col - 1] if 1 <= row <= self.rows and 1 <= col <= self.columns else None

    def text(self, row: int, col: int) -> str:
        """The cell's text; a cell inside a merged range shows the range's text."""
        merge = self.merge_at.get((row, col))
        if merge is not None:
            row, col = merge.min_row, merge.min_col
        return cell_text(self.raw(row, col))

    def own_text(self, row: int, col: int) -> str:
        return cell_text(self.raw(row, col))

    def row_texts(self, row: int) -> list:
        return [self.raw(row, c) for c in range(1, self.columns + 1)]

    def width(self, row: int) -> int:
        """The last column with text in ``row`` (a merged cell counts to its last column)."""
        last = 0
        for col in range(1, self.columns + 1):
            if self.own_text(row, col):
                merge = self.merge_at.get((row, col))
                last = max(last, merge.max_col if merge else col)
        return last


def _is_label(value) -> bool:
    """A header-like text: a string that is not a number, a date or a "填报单位：…" line."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return bool(text) and not text.replace(".", "").isdigit() and "：" not in text and ":" not in text


_UNIT_LINE = re.compile(r"\d{4}\s*年|\d{4}[-./]\d|(工会|委员会|公司|学校|医院|幼儿园|单位|盖章[）)]?)$")


def _is_group_name(value) -> bool:
    """A name over a group of columns (基本信息, 联系方式, 家庭收入情况), not a unit or date line above the table
    (某某县教育工会, 2026年12月)."""
    return _is_label(value) and not _UNIT_LINE.search(value.strip())


def _continues_down(grid: _Grid, upper: int, lower: int, width: int, synonyms) -> bool:
    """Whether ``lower`` belongs to the header band whose last row so far is ``upper``."""
    if lower > grid.rows:
        return False
    labels_below = all(_is_label(grid.raw(lower, c)) or grid.raw(lower, c) is None for c in range(1, width + 1))
    if not labels_below:
        return False
    for merge in grid.merges:
        narrow = merge.max_col - merge.min_col + 1 < width
        if merge.min_row <= upper < lower <= merge.max_row and narrow and grid.text(merge.min_row, merge.min_col):
            return True  # a name merged down into the next row
        if (merge.min_row <= upper == merge.max_row and merge.max_col > merge.min_col and narrow
                and all(_is_label(grid.raw(lower, c)) for c in range(merge.min_col, merge.max_col + 1))):
            return True  # a group name over a name per column
    last, _ = read_header([grid.row_texts(upper), grid.row_texts(lower)], 0, synonyms)
    return last == 1


def _continues_up(grid: _Grid, upper: int, lower: int, width: int) -> bool:
    """Whether ``upper`` belongs to the header band whose first row so far is ``lower``."""
    if upper < 1:
        return False
    groups = []
    for merge in grid.merges:
        narrow = merge.max_col - merge.min_col + 1 < width
        if not narrow or not _is_label(grid.raw(merge.min_row, merge.min_col)):
            continue
        if merge.min_row <= upper < lower <= merge.max_row:
            return True  # a name merged down into the header row
        if not _is_group_name(grid.raw(merge.min_row, merge.min_col)):
            return False
        if merge.min_row <= upper == merge.max_row and merge.max_col > merge.min_col:
            if (merge.max_col - merge.min_col + 1) * 2 > width:
                return False  # a title or a unit line over most of the table, not a group of columns
            groups.append(merge)
    if not groups:
        return False
    starts = {(g.min_row, g.min_col) for g in groups}
    for group in groups:
        if not all(_is_label(grid.raw(lower, c)) for c in range(group.min_col, group.max_col + 1)):
            return False
    for col in range(1, width + 1):
        value = grid.raw(upper, col)
        if value is None:
            continue
        merge = grid.merge_at.get((upper, col))
        over_group = merge is not None and (merge.min_row, merge.min_col) in starts
        if not _is_label(value) or not (over_group or not grid.own_text(lower, col)):
            return False
    return True


def _header_band(grid: _Grid, row: int, synonyms) -> tuple[int, int]:
    width = max(grid.width(row), 1)
    top = bottom = row
    while bottom - top + 1 < MAX_HEADER_ROWS and _continues_down(grid, bottom, bottom + 1, width, synonyms):
        bottom += 1
    while bottom - top + 1 < MAX_HEADER_ROWS and _continues_up(grid, top - 1, top, width):
        top -= 1
    return top, bottom


def _columns(grid: _Grid, top: int, bottom: int) -> list[FormColumn]:
    last = max(grid.width(r) for r in range(top, bottom + 1))
    columns = []
    col = 1
    while col <= last:
        parts: list[str] = []
        for row in range(top, bottom + 1):
            text = grid.text(row, col)
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        merge = grid.merge_at.get((bottom, col))
        span_end = merge.max_col if merge is not None and merge.min_col == col else col
        if parts:
            columns.append(FormColumn(col, NAME_JOINER.join(parts), tuple(parts), span_end))
        col = span_end + 1
    return columns


# --- the data area and the footer ---------------------------------------------------------------------------
def _is_footer(texts: list[str], width: int) -> bool:
    """A footer line: a 合计 row, or a row with a 制表人/审核人/日期… text that fills at most half of the columns
    or holds two or more such texts (制表人：张三  审核人：李四 in cells of their own)."""
    filled = [t.replace(" ", "").replace("\u3000", "") for t in texts if t]
    starts = [t for t in filled if t.startswith(FOOTER_WORDS)]
    if not starts:
        return False
    if filled[0].startswith(TOTAL_WORDS):
        return True
    return len(filled) <= max(3, width // 2) or len(starts) >= 2


def display_text(value) -> str:
    """A cell value as the wizard shows it: dates as 2026-01-31, numbers without ".0"."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return cell_text(value)


class _Borders:
    """Whether a cell has a border, cached by the workbook's border id."""

    def __init__(self, wb: Workbook):
        self.borders = wb._borders
        self.cache: dict[int, bool] = {}

    def __call__(self, cell) -> bool:
        if not cell.has_style:
            return False
        border_id = cell._style.borderId
        if border_id not in self.cache:
            border = self.borders[border_id] if border_id < len(self.borders) else None
            self.cache[border_id] = bool(border) and any(
                getattr(border, side) is not None and getattr(border, side).style
                for side in ("left", "right", "top", "bottom"))
        return self.cache[border_id]


def _data_area(wb: Workbook, ws, columns: list[FormColumn], data_first: int):
    """(data_last, filled_rows, last_filled, footer_first, footer_lines, sample values by column)."""
    width = max(c.last_index for c in columns)
    seq_columns = {c.index for c in columns if c.is_seq}
    has_border = _Borders(wb)
    data_last, filled, last_filled, footer_first = data_first - 1, 0, data_first - 1, None
    footer_lines: list[str] = []
    sample: dict[int, str] = {}
    if ws.max_row < data_first:
        return data_last, filled, last_filled, footer_first, footer_lines, sample
    for cells in ws.iter_rows(min_row=data_first, max_row=ws.max_row, max_col=width):
        row = cells[0].row
        # a formula (an age worked out from the birth date, a 合计) is part of the form, not data
        texts = [display_text(c.value) if not isinstance(c, MergedCell) and c.data_type != "f" else ""
                 for c in cells]
        if footer_first is None and _is_footer(texts, width):
            footer_first = row
        if footer_first is not None:
            line = "  ".join(t for t in texts if t)
            if line and len(footer_lines) < 10:
                footer_lines.append(line)
            continue
        data = any(text for col, text in enumerate(texts, 1) if col not in seq_columns)
        if data:
            filled += 1
            last_filled = row
            if not sample:
                sample = {c.index: texts[c.index - 1] for c in columns}
        if data or any(texts) or any(has_border(c) or c.data_type == "f" for c in cells):
            data_last = row
    return data_last, filled, last_filled, footer_first, footer_lines, sample


# --- the whole layout -----------------------------------------------------------------------------------------
def _detect(ws, synonyms, header_rows: tuple[int, int] | None) -> tuple[_Grid, int, int]:
    columns = min(max(ws.max_column, 1), MAX_COLUMNS)
    if header_rows is not None:
        top, bottom = header_rows
        if not 1 <= top <= bottom or bottom - top + 1 > MAX_HEADER_ROWS:
            raise UserError(f"表头行应为 1 到 {MAX_HEADER_ROWS} 行，如“3”或“3-4”")
        return _Grid(ws, max(bottom, 1), columns), top, bottom
    grid = _Grid(ws, min(max(ws.max_row, 1), HEADER_SCAN_ROWS + MAX_HEADER_ROWS), columns)
    row = detect_header_row(grid.values, synonyms, max_scan=HEADER_SCAN_ROWS) + 1
    top, bottom = _header_band(grid, row, synonyms)
    return grid, top, bottom


def every_synonym() -> dict[str, tuple[str, ...]]:
    """One synonym table of every source's fields (a key's spellings from all sources), to find the header
    before the source is chosen."""
    from gonghui_desk.form_fill.fields import merge_variants
    from gonghui_desk.form_fill.sources import sources

    return merge_variants(*(source.synonyms for source in sources().values()))


def read_layout(wb: Workbook, path: str | Path, *, sheet: str | None = None,
                header_rows: tuple[int, int] | None = None, is_xls: bool = False, synonyms=None) -> FormLayout:
    """The layout of ``sheet`` (default: the active sheet, else the first sheet with a recognisable header).
    ``header_rows`` (first, last) overrides the detection. ``synonyms``: the header spellings to detect the
    header by (default: every source's)."""
    path = Path(path)
    if synonyms is None:
        synonyms = every_synonym()
    names = [ws.title for ws in wb.worksheets]
    if sheet is not None and sheet not in names:
        raise SpreadsheetError(f"文件“{path.name}”中没有名为“{sheet}”的工作表；现有工作表：{'、'.join(names)}。")
    if sheet is not None:
        candidates = [wb[sheet]]
    else:
        active = wb.active if wb.active in wb.worksheets else None
        candidates = ([active] if active is not None else []) + [ws for ws in wb.worksheets if ws is not active]
    first_error = None
    for ws in candidates:
        try:
            grid, top, bottom = _detect(ws, synonyms, header_rows)
        except SpreadsheetError as exc:
            first_error = first_error or exc
            continue
        columns = _columns(grid, top, bottom)
        if not columns:
            first_error = first_error or SpreadsheetError(f"工作表“{ws.title}”的第{top}行没有列名。")
            continue
        data_last, filled, last_filled, footer_first, footer_lines, sample = _data_area(wb, ws, columns, bottom + 1)
        columns = [FormColumn(c.index, c.header, c.parts, c.last_index, sample.get(c.index, "")) for c in columns]
        titles = []
        for row in range(1, top):
            line = "  ".join(t for t in (grid.own_text(row, c) for c in range(1, grid.columns + 1)) if t)
            if line:
                titles.append(line)
        return FormLayout(
            path=path, sheet_name=ws.title, sheet_names=tuple(names), header_top=top, header_bottom=bottom,
            columns=tuple(columns), data_first=bottom + 1, data_last=data_last, filled_rows=filled,
            last_filled=last_filled, footer_first=footer_first, footer_lines=tuple(footer_lines),
            title_lines=tuple(titles), is_xls=is_xls, notes=(XLS_NOTE,) if is_xls else ())
    if sheet is None and len(candidates) > 1:
        raise SpreadsheetError(f"文件“{path.name}”的各个工作表中都找不到表头。{first_error}")
    raise first_error


def header_matches(layout: FormLayout, synonyms) -> dict[int, str]:
    """Column number -> field key for ``synonyms`` (a source's table): the lowest header text first
    ("手机" of "联系方式-手机"), then the whole name, then the top text; each field once, leftmost first."""
    mapping: dict[int, str] = {}
    for pick in (lambda c: c.parts[-1], lambda c: c.header, lambda c: c.parts[0]):
        open_columns = [c for c in layout.columns if c.index not in mapping]
        remaining = {k: v for k, v in synonyms.items() if k not in mapping.values()}
        if not open_columns or not remaining:
            break
        found = auto_map([pick(c) for c in open_columns], remaining)
        for position, key in found.items():
            mapping[open_columns[position].index] = key
    return dict(sorted(mapping.items()))


__all__ = ["FOOTER_WORDS", "FormColumn", "FormLayout", "XLS_NOTE", "display_text", "header_matches", "open_form",
           "read_layout"]
