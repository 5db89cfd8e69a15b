"""What the blank import templates share (活动、提案、困难职工档案 and the member template).

A template's data sheet holds only a title, one instruction line and the header row, so nobody
imports an example row by mistake; the rows below the header are formatted ahead (身份证号 as
text, dates as dates) and the columns with choices get a drop-down list. A second sheet,
填写说明, explains every column; the importers never read it.

openpyxl and the spreadsheet writer are imported when a template is written, not before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping, Sequence

from gonghui_desk import value_lists

HELP_SHEET = "填写说明"
LIST_FORMULA_LIMIT = 255  # Excel refuses a longer list of choices


def template_lists(db, list_keys: Mapping[str, str]) -> dict[str, list[str]]:
    """{column key: the choices of its value list} for ``list_keys`` ({column key: list key}): the
    database's configured lists when ``db`` is given, else the default ones."""
    return {key: (value_lists.values(db, list_key) if db is not None else list(value_lists.DEFAULTS[list_key]))
            for key, list_key in list_keys.items()}


def add_list_validation(ws, cells: str, choices: Sequence[str], *, title: str, error: str | None = None,
                        error_style: str | None = None) -> bool:
    """A drop-down list of ``choices`` on ``cells`` ("C4:C1003"), refusing other values with ``error``
    (by default "请从下拉列表中选择：…"). Nothing is added, and False returned, where Excel cannot
    hold the list: no choices, a choice with a comma, or more than 255 characters in all."""
    from openpyxl.worksheet.datavalidation import DataValidation

    formula = f'"{",".join(choices)}"'
    if not choices or len(formula) > LIST_FORMULA_LIMIT or any("," in v for v in choices):
        return False
    options = {"errorStyle": error_style} if error_style else {}
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                errorTitle=title, error=error or f"请从下拉列表中选择：{'、'.join(choices)}",
                                **options)
    validation.add(cells)
    ws.add_data_validation(validation)
    return True


def write_title_rows(ws, title: str, note: str, columns: int, *, note_height: float = 32) -> None:
    """Row 1 the template's title, row 2 the instruction line, each merged across ``columns`` columns."""
    from openpyxl.utils import get_column_letter

    from gonghui_desk.exporting.xlsx import CENTERED, style_title

    last = get_column_letter(columns)
    ws["A1"] = title
    style_title(ws["A1"])
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = note
    ws["A2"].alignment = CENTERED
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[2].height = note_height


def format_rows(ws, column: int, first: int, last: int, number_format: str) -> None:
    """Give the cells of ``column`` from row ``first`` to ``last`` a number format ("@" for text)."""
    for row in range(first, last + 1):
        ws.cell(row, column).number_format = number_format


def write_help_sheet(wb, rows: Iterable[tuple[str, str]]) -> None:
    """The 填写说明 sheet: a 列 / 怎么填 header, then one row a column, the explanations wrapped."""
    from openpyxl.styles import Alignment

    from gonghui_desk.exporting.xlsx import style_header

    sheet = wb.create_sheet(HELP_SHEET)
    sheet.append(["列", "怎么填"])
    for cell in sheet[1]:
        style_header(cell)
    for label, text in rows:
        sheet.append([label, text])
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 90
    for row in sheet.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")


def write_template(path, *, sheet: str, title: str, note: str, fields: Mapping[str, str], header_row: int,
                   rows: int, lists: Mapping[str, Sequence[str]], widths: Mapping[str, float],
                   default_width: float, required: Iterable[str] = (), text: Iterable[str] = (),
                   dates: Iterable[str] = (), frozen_columns: int = 1,
                   help_rows: Iterable[tuple[str, str]] | None = None) -> Path:
    """Write a blank import template (.xlsx) and return its path.

    ``fields`` ({key: header}) are the columns in order, a header marked "*" when its key is
    ``required``; ``rows`` rows below ``header_row`` are formatted as text (``text`` keys) or dates
    (``dates`` keys); ``lists`` gives the columns with a drop-down list; the first
    ``frozen_columns`` columns and the rows down to the header stay in view; ``help_rows``
    ((header, how to fill it in) pairs) makes the 填写说明 sheet."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from gonghui_desk.exporting.xlsx import DATE_FORMAT, TEXT_FORMAT, save_workbook, style_header

    path = Path(path)
    required, text, dates = set(required), set(text), set(dates)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    write_title_rows(ws, title, note, len(fields))
    first, end = header_row + 1, header_row + rows
    for index, (key, label) in enumerate(fields.items(), 1):
        letter = get_column_letter(index)
        style_header(ws.cell(header_row, index, label + ("*" if key in required else "")))
        ws.column_dimensions[letter].width = widths.get(key, default_width)
        number_format = TEXT_FORMAT if key in text else DATE_FORMAT if key in dates else None
        if number_format:
            format_rows(ws, index, first, end, number_format)
        add_list_validation(ws, f"{letter}{first}:{letter}{end}", lists.get(key, ()), title=label)
    ws.freeze_panes = f"{get_column_letter(frozen_columns + 1)}{first}"
    if help_rows is not None:
        write_help_sheet(wb, help_rows)
    save_workbook(wb, path)
    return path


__all__ = ["HELP_SHEET", "LIST_FORMULA_LIMIT", "add_list_validation", "format_rows", "template_lists",
           "write_help_sheet", "write_template", "write_title_rows"]
