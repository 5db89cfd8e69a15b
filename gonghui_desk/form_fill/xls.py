"""A legacy .xls form as an openpyxl workbook, so it is filled like an .xlsx and saved as one.

xlrd (with ``formatting_info``) gives every cell's value and format record (XF); each XF becomes an openpyxl
style once (font, borders, fill, alignment, number format) and is copied to its cells. Merged cells, column
widths, row heights, frozen panes and the print area and print titles (when the file names them) come
along. What xlrd cannot read (page orientation and margins, images, comments) is not carried over; the
caller says that the form was converted.
"""

from __future__ import annotations

import io
from copy import copy
from pathlib import Path

import xlrd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from gonghui_desk.importing.spreadsheet import (EXCEL_EXACT_INTEGER_LIMIT, SpreadsheetError, _is_encrypted_package,
                                                _password_error)

_LINE_STYLES = {1: "thin", 2: "medium", 3: "dashed", 4: "dotted", 5: "thick", 6: "double", 7: "hair",
                8: "mediumDashed", 9: "dashDot", 10: "mediumDashDot", 11: "dashDotDot", 12: "mediumDashDotDot",
                13: "slantDashDot"}
_HORIZONTAL = {1: "left", 2: "center", 3: "right", 4: "fill", 5: "justify", 6: "centerContinuous", 7: "distributed"}
_VERTICAL = {0: "top", 1: "center", 2: "bottom", 3: "justify", 4: "distributed"}
TWIPS_PER_POINT = 20
AUTO_HEIGHT_FONT = 12  # points: rows with a bigger font get the height Excel would give them
LINE_HEIGHT = 1.4


def _colour(book, index) -> str | None:
    rgb = book.colour_map.get(index)
    return "FF%02X%02X%02X" % rgb if rgb else None


class _Styles:
    """openpyxl styles made once per XF record of the .xls."""

    def __init__(self, book):
        self.book = book
        self.arrays: dict[int, object] = {}

    def apply(self, cell, xf_index: int) -> None:
        if xf_index in self.arrays:
            cell._style = copy(self.arrays[xf_index])
            return
        book = self.book
        xf = book.xf_list[xf_index]
        font = book.font_list[xf.font_index]
        cell.font = Font(name=font.name or None, size=font.height / TWIPS_PER_POINT if font.height else None,
                         bold=bool(font.bold or font.weight >= 700), italic=bool(font.italic),
                         underline="single" if font.underlined else None, strike=bool(font.struck_out),
                         color=_colour(book, font.colour_index))
        fmt = book.format_map.get(xf.format_key)
        if fmt is not None and fmt.format_str and fmt.format_str != "General":
            cell.number_format = fmt.format_str
        border = xf.border
        sides = {}
        for name in ("left", "right", "top", "bottom"):
            style = _LINE_STYLES.get(getattr(border, f"{name}_line_style"))
            if style:
                sides[name] = Side(style=style, color=_colour(book, getattr(border, f"{name}_colour_index")))
        if sides:
            cell.border = Border(**sides)
        background = xf.background
        if background.fill_pattern == 1:
            colour = _colour(book, background.pattern_colour_index)
            if colour:
                cell.fill = PatternFill("solid", fgColor=colour)
        align = xf.alignment
        cell.alignment = Alignment(horizontal=_HORIZONTAL.get(align.hor_align),
                                   vertical=_VERTICAL.get(align.vert_align),
                                   wrap_text=bool(align.text_wrapped) or None, indent=align.indent_level or 0)
        self.arrays[xf_index] = copy(cell._style)


def _value(cell, datemode: int):
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        whole = float(cell.value).is_integer() and abs(cell.value) < EXCEL_EXACT_INTEGER_LIMIT
        return int(cell.value) if whole else cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value
    return None


def _copy_sheet(book, sheet, ws, styles: _Styles) -> None:
    for r in range(sheet.nrows):
        for c in range(sheet.ncols):
            source = sheet.cell(r, c)
            value = _value(source, book.datemode)
            xf_index = sheet.cell_xf_index(r, c)
            if value is None and xf_index == 15:  # the default XF of an untouched cell
                continue
            cell = ws.cell(row=r + 1, column=c + 1)
            if value is not None:
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # text that starts with "=" stays text
            styles.apply(cell, xf_index)
    for rlo, rhi, clo, chi in sheet.merged_cells:
        if rhi - rlo > 1 or chi - clo > 1:
            ws.merge_cells(start_row=rlo + 1, end_row=rhi, start_column=clo + 1, end_column=chi)
    for c, info in sheet.colinfo_map.items():
        if info.width:
            ws.column_dimensions[get_column_letter(c + 1)].width = round(info.width / 256, 2)
    for r, info in sheet.rowinfo_map.items():
        if info.height and info.height_mismatch:  # a height set by hand
            ws.row_dimensions[r + 1].height = info.height / TWIPS_PER_POINT
        else:  # Excel sizes such a row to its largest font; an .xlsx reader may not, so write that height
            largest = max((ws.cell(r + 1, c + 1).font.sz or 11 for c in range(sheet.ncols)
                           if (r + 1, c + 1) in ws._cells), default=11)
            if largest > AUTO_HEIGHT_FONT:
                ws.row_dimensions[r + 1].height = round(largest * LINE_HEIGHT, 1)
    if getattr(sheet, "panes_are_frozen", 0) and (sheet.horz_split_pos or sheet.vert_split_pos):
        ws.freeze_panes = f"{get_column_letter(sheet.vert_split_pos + 1)}{sheet.horz_split_pos + 1}"


def _print_names(book, wb: Workbook) -> None:
    """Print_Area and Print_Titles (rows), when the .xls names them simply."""
    for name in getattr(book, "name_obj_list", ()):
        if name.name not in ("Print_Area", "Print_Titles"):
            continue
        try:
            sheet_index, rlo, rhi, clo, chi = name.area2d(clipped=False)
        except Exception:  # a union of areas or a formula xlrd cannot evaluate
            continue
        if not 0 <= sheet_index < len(wb.worksheets):
            continue
        ws = wb.worksheets[sheet_index]
        if name.name == "Print_Titles" and rhi > rlo:
            ws.print_title_rows = f"{rlo + 1}:{rhi}"
        elif name.name == "Print_Area" and rhi > rlo and chi > clo:
            ws.print_area = f"{get_column_letter(clo + 1)}{rlo + 1}:{get_column_letter(min(chi, 16384))}{rhi}"


def workbook_from_xls(path: str | Path) -> Workbook:
    """The .xls file at ``path`` as an openpyxl workbook, styles included."""
    path = Path(path)
    content = path.read_bytes()
    if _is_encrypted_package(content):
        raise _password_error(path)
    try:
        book = xlrd.open_workbook(file_contents=content, formatting_info=True, logfile=io.StringIO())
    except xlrd.XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise _password_error(path) from exc
        raise SpreadsheetError(f"文件“{path.name}”不是 Excel 表格（可能是改了扩展名的 Word 等文件），无法读取。") from exc
    except Exception as exc:  # xlrd reports damaged files with assorted exceptions
        raise SpreadsheetError(f"文件“{path.name}”已损坏，无法读取。请用 Excel 或 WPS 打开后另存为 .xlsx 再试。") from exc
    wb = Workbook()
    wb.remove(wb.active)
    styles = _Styles(book)
    for sheet in book.sheets():
        _copy_sheet(book, sheet, wb.create_sheet(title=sheet.name[:31] or "Sheet"), styles)
    _print_names(book, wb)
    if wb.worksheets:
        wb.active = 0
    return wb


__all__ = ["workbook_from_xls"]
