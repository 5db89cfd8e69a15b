"""Reading a spreadsheet file (.xlsx, legacy .xls, .csv) into a plain table of cell values.

The format is recognised from the file's first bytes, not from its name, because users
rename files: an .xlsx saved as "名册.xls" is read as .xlsx, and a text file renamed to
.xlsx is refused with a clear message. Importers only ever see :class:`RawTable`.
"""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import openpyxl
import xlrd
from xlrd.compdoc import CompDoc, CompDocError

from gonghui_desk.errors import UserError
from gonghui_desk.jobs import IsCancelled, check_cancel
from gonghui_desk.members import clean_text

# A sheet with a million formatted but empty rows would otherwise be walked to the end.
MAX_CONSECUTIVE_EMPTY_ROWS = 1000
CANCEL_CHECK_INTERVAL = 1000

ZIP_SIGNATURE = b"PK\x03\x04"  # .xlsx / .xlsm
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")  # legacy .xls, and password-protected .xlsx
TEXT_SUFFIXES = (".csv", ".txt")
CSV_ENCODINGS = (("utf-8-sig", ""), ("gb18030", "已按 GBK 编码读取 CSV"))
CSV_DELIMITERS = ",\t;"
EXCEL_EXACT_INTEGER_LIMIT = 10 ** 15  # Excel keeps 15 significant digits


class SpreadsheetError(UserError):
    """The file cannot be read as a table; the message says why and what to do."""


@dataclass
class RawTable:
    path: Path
    sheet_name: str
    rows: list[list]  # rectangular; blank text is None; trailing empty rows and columns dropped
    first_row_number: int = 1  # the file's row number of rows[0] (leading empty rows are dropped)
    note: str = ""
    sheet_names: list[str] = field(default_factory=list)  # every sheet of the file, for a sheet chooser

    def row_number(self, index: int) -> int:
        """The row number the spreadsheet program shows for ``rows[index]``."""
        return self.first_row_number + index


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


cell_text = clean_text  # the member form and the importer read text the same way


def read_table(path, *, sheet: str | None = None, is_cancelled: IsCancelled | None = None) -> RawTable:
    """Read ``sheet`` (default: the first sheet that has data) of the file at ``path``."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(2048)
    except FileNotFoundError:
        raise SpreadsheetError(f"找不到文件“{path}”。") from None
    except OSError as exc:
        raise SpreadsheetError(
            f"无法打开文件“{path.name}”，它可能正被 Excel 或 WPS 占用，请关闭后重试。") from exc
    if not head:
        raise SpreadsheetError(f"文件“{path.name}”是空文件，没有任何数据。")
    if head.startswith(ZIP_SIGNATURE):
        return _read_xlsx(path, sheet, is_cancelled)
    if head.startswith(OLE_SIGNATURE):
        return _read_ole(path, sheet, is_cancelled)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith((b"<!doctype html", b"<html", b"<table")):
        raise SpreadsheetError(
            f"文件“{path.name}”实际上是网页（HTML）格式，不是真正的 Excel 文件。"
            "请用 Excel 或 WPS 打开它，“另存为”Excel 工作簿（.xlsx）后再导入。")
    if path.suffix.lower() in TEXT_SUFFIXES:
        return _read_csv(path, sheet, is_cancelled)
    raise SpreadsheetError(
        f"文件“{path.name}”不是 Excel 表格（.xlsx、.xls）或 CSV 文件，无法读取。"
        "如果它是改了扩展名的其他文件，请用 Excel 或 WPS 打开原表格后“另存为”.xlsx 再导入。")


# --- choosing the sheet and collecting its rows ---------------------------------------------
def _pick_sheet(path: Path, names: list[str], rows_of: Callable[[str], Iterable[Iterable]],
                sheet: str | None, is_cancelled: IsCancelled | None, note: str = "") -> RawTable:
    if sheet is not None and sheet not in names:
        raise SpreadsheetError(f"文件“{path.name}”中没有名为“{sheet}”的工作表；现有工作表：{'、'.join(names)}。")
    for name in [sheet] if sheet is not None else names:
        collected = _collect(rows_of(name), is_cancelled)
        if collected is not None:
            rows, first_row_number = collected
            return RawTable(path, name, rows, first_row_number, note, list(names))
    if sheet is not None:
        raise SpreadsheetError(f"文件“{path.name}”的工作表“{sheet}”是空的，没有任何数据。")
    raise SpreadsheetError(f"文件“{path.name}”中没有任何数据（所有工作表都是空的）。")


def _collect(source: Iterable[Iterable], is_cancelled: IsCancelled | None) -> tuple[list[list], int] | None:
    """Rows with blank text as None, padded to one width; None when there is no data at all."""
    rows: list[list] = []
    first_row_number = None
    empty_run = 0
    for number, row in enumerate(source, start=1):
        if number % CANCEL_CHECK_INTERVAL == 0:
            check_cancel(is_cancelled)
        cells = [None if is_blank(value) else value for value in row]
        while cells and cells[-1] is None:
            cells.pop()
        if not cells:
            empty_run += 1
            if empty_run >= MAX_CONSECUTIVE_EMPTY_ROWS:
                break
            if first_row_number is not None:
                rows.append(cells)
            continue
        empty_run = 0
        if first_row_number is None:
            first_row_number = number
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    if not rows:
        return None
    width = max(len(r) for r in rows)
    return [r + [None] * (width - len(r)) for r in rows], first_row_number


# --- .xlsx ------------------------------------------------------------------------------------
def _read_xlsx(path: Path, sheet: str | None, is_cancelled: IsCancelled | None) -> RawTable:
    # A file object, not the path: openpyxl refuses names that do not end in .xlsx.
    with open(path, "rb") as fh, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # styles and data-validation extensions openpyxl skips
        try:
            workbook = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # a zip that is not a workbook fails in many different ways
            raise SpreadsheetError(
                f"文件“{path.name}”已损坏或不是 Excel 工作簿，无法读取。"
                "请用 Excel 或 WPS 打开它并“另存为”.xlsx 后再导入。") from exc
        try:
            def rows_of(name: str) -> Iterator[tuple]:
                worksheet = workbook[name]
                worksheet.reset_dimensions()  # some programs write a wrong used range
                return worksheet.iter_rows(values_only=True)

            names = [worksheet.title for worksheet in workbook.worksheets]  # not chart sheets
            return _pick_sheet(path, names, rows_of, sheet, is_cancelled)
        finally:
            workbook.close()


# --- legacy .xls and password-protected workbooks (OLE compound files) -----------------------
def _read_ole(path: Path, sheet: str | None, is_cancelled: IsCancelled | None) -> RawTable:
    content = path.read_bytes()
    if _is_encrypted_package(content):
        raise _password_error(path)
    try:
        book = xlrd.open_workbook(file_contents=content, on_demand=True, logfile=io.StringIO())
    except xlrd.XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise _password_error(path) from exc
        raise SpreadsheetError(
            f"文件“{path.name}”不是 Excel 表格（可能是改了扩展名的 Word 等文件），无法读取。") from exc
    except Exception as exc:  # xlrd reports damaged files with assorted exceptions
        raise SpreadsheetError(f"文件“{path.name}”已损坏，无法读取。请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。") from exc
    try:
        def rows_of(name: str) -> Iterator[list]:
            worksheet = book.sheet_by_name(name)
            for index in range(worksheet.nrows):
                yield [_xls_value(cell, book.datemode) for cell in worksheet.row(index)]

        return _pick_sheet(path, book.sheet_names(), rows_of, sheet, is_cancelled,
                           note="已读取旧版 Excel (.xls) 文件")
    finally:
        book.release_resources()


def _is_encrypted_package(content: bytes) -> bool:
    """Excel saves a workbook with an opening password as an OLE file holding "EncryptedPackage"."""
    try:
        directory = CompDoc(content, logfile=io.StringIO()).dirlist
    except (CompDocError, AssertionError, IndexError, ValueError):
        return False
    return any(entry.name == "EncryptedPackage" for entry in directory)


def _password_error(path: Path) -> SpreadsheetError:
    return SpreadsheetError(
        f"文件“{path.name}”设置了打开密码，无法读取。请在 Excel 或 WPS 中打开它，取消密码后保存，再导入。")


def _xls_value(cell: xlrd.sheet.Cell, datemode: int):
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_NUMBER:  # whole numbers as int, like openpyxl, within Excel's 15 digits
        whole = float(cell.value).is_integer() and abs(cell.value) < EXCEL_EXACT_INTEGER_LIMIT
        return int(cell.value) if whole else cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    return cell.value


# --- .csv ---------------------------------------------------------------------------------------
def _read_csv(path: Path, sheet: str | None, is_cancelled: IsCancelled | None) -> RawTable:
    content = path.read_bytes()
    if b"\x00" in content:
        raise SpreadsheetError(f"文件“{path.name}”不是文本格式的 CSV 文件（可能是 UTF-16 编码或其他文件），无法读取。"
                               "请用 Excel 另存为“CSV UTF-8”或 .xlsx 后再导入。")
    for encoding, note in CSV_ENCODINGS:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise SpreadsheetError(f"无法识别文件“{path.name}”的文字编码（不是 UTF-8 也不是 GBK），请用 Excel 另存为 .xlsx 后再导入。")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=CSV_DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    name = path.stem
    return _pick_sheet(path, [name], lambda _name: csv.reader(io.StringIO(text, newline=""), dialect),
                       sheet, is_cancelled, note=note)
