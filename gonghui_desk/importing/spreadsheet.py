"""Reading a spreadsheet file (.xlsx, legacy .xls, .csv) into a plain table of cell values.

The format is recognised from the file's first bytes, not from its name, because users
rename files: an .xlsx saved as "名册.xls" is read as .xlsx, and a text file renamed to
.xlsx is refused with a clear message. Importers only ever see :class:`RawTable`.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import openpyxl
import xlrd
from openpyxl.utils import column_index_from_string
from xlrd.compdoc import CompDoc, CompDocError

try:  # openpyxl's sheet parser: tells a formula saved without its result from an empty cell
    from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, WorkSheetParser
except ImportError:  # another openpyxl: such formulas then read as empty cells
    FORMULA_TAG, INLINE_STRING, WorkSheetParser = None, None, object
try:  # openpyxl's workbook reader and read-only sheet, to open a workbook without sizing its sheets
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse
except ImportError:  # another openpyxl: load_workbook
    ExcelReader = ReadOnlyWorksheet = None

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
# What a cell shows when its formula fails (.xlsx keeps the text, .xls a code, a CSV the text)
EXCEL_ERRORS = ("#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!")
# Files users rename to .xlsx by mistake, told apart by their first bytes
OTHER_SIGNATURES = ((b"%PDF", "PDF 文件"), (b"\x89PNG", "PNG 图片"), (b"\xff\xd8\xff", "JPEG 图片"),
                    (b"GIF8", "GIF 图片"), (b"Rar!", "RAR 压缩包"), (b"7z\xbc\xaf", "7z 压缩包"),
                    (b"{\\rtf", "RTF 文档"))
# Zip files that are not workbooks, told apart by a file inside them
OTHER_ZIP_MEMBERS = (("word/", "Word 文档（.docx）"), ("ppt/", "PowerPoint 演示文稿（.pptx）"),
                     ("content.xml", "WPS 或 LibreOffice 的 ODF 文件（如 .ods）"))


class FormulaWithoutValue(str):
    """A formula cell whose file holds no computed value (a file written by a program and never
    saved in Excel or WPS). Its text is the formula ("=A5&B5"); importers refuse it with
    :func:`unusable_cell_message` instead of reading it as empty."""


def unusable_cell_message(value) -> str | None:
    """Why a cell's value cannot be imported (an error value, a formula without its result), else None."""
    if isinstance(value, FormulaWithoutValue):
        formula = f"“{value}”" if len(value) > 1 else ""
        return (f"单元格是公式{formula}，文件中没有保存公式的计算结果（程序生成、未在 Excel 中保存过的文件常见）。"
                "请用 Excel 或 WPS 打开文件并保存一次后再导入，或把公式“选择性粘贴”为数值")
    if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
        return f"单元格是错误值“{value.strip()}”（公式出错或引用的单元格已删除），请在 Excel 中改正后再导入"
    return None


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
    # merged ranges as (first row, last row, first column, last column): file row numbers, column indexes
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

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
    kind = next((kind for signature, kind in OTHER_SIGNATURES if head.startswith(signature)), None)
    if kind is None and _looks_like_text(head):
        kind = "文本文件（可能是改了扩展名的 CSV；如是 CSV，请把扩展名改回 .csv 再导入）"
    what = f"，而是{_spaced(kind)}" if kind else "（.xlsx、.xls）或 CSV 文件"
    raise SpreadsheetError(
        f"文件“{path.name}”不是 Excel 表格{what}，无法读取。"
        "如果它是改了扩展名的其他文件，请用 Excel 或 WPS 打开原表格后“另存为”.xlsx 再导入。")


def _spaced(kind: str) -> str:
    return f" {kind}" if kind[0].isascii() else kind


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding, _note in CSV_ENCODINGS:
        try:
            head.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut at the end of the first bytes
                return True
            continue
        return True
    return False


# --- choosing the sheet and collecting its rows ---------------------------------------------
def _pick_sheet(path: Path, names: list[str], rows_of: Callable[[str], Iterable[Iterable]],
                sheet: str | None, is_cancelled: IsCancelled | None, note: str = "",
                merged_of: Callable[[str], list[tuple[int, int, int, int]]] = lambda _name: []) -> RawTable:
    if sheet is not None and sheet not in names:
        raise SpreadsheetError(f"文件“{path.name}”中没有名为“{sheet}”的工作表；现有工作表：{'、'.join(names)}。")
    for name in [sheet] if sheet is not None else names:
        collected = _collect(rows_of(name), is_cancelled)
        if collected is not None:
            rows, first_row_number = collected
            return RawTable(path, name, rows, first_row_number, note, list(names), merged_of(name))
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
        # is_blank, written out: this runs for every cell of the file
        cells = [None if value is None or (isinstance(value, str) and not value.strip()) else value for value in row]
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
            workbook = _load_read_only(fh)
        except Exception as exc:  # a zip that is not a workbook fails in many different ways
            kind = _zip_kind(path)
            what = f"它实际上是{_spaced(kind)}，不是 Excel 工作簿" if kind else "它已损坏或不是 Excel 工作簿"
            raise SpreadsheetError(
                f"无法读取文件“{path.name}”：{what}。"
                "请用 Excel 或 WPS 打开原表格并“另存为”.xlsx 后再导入。") from exc
        try:
            def rows_of(name: str) -> Iterator:
                worksheet = workbook[name]
                worksheet.reset_dimensions()  # some programs write a wrong used range
                return _xlsx_rows(workbook, worksheet)

            def merged_of(name: str) -> list[tuple[int, int, int, int]]:
                return _xlsx_merged(workbook[name])

            names = [worksheet.title for worksheet in workbook.worksheets]  # not chart sheets
            return _pick_sheet(path, names, rows_of, sheet, is_cancelled, merged_of=merged_of)
        finally:
            workbook.close()


def _zip_kind(path: Path) -> str | None:
    """What a zip file that is not a workbook holds (a Word document renamed to .xlsx…), if known."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return None
    return next((kind for prefix, kind in OTHER_ZIP_MEMBERS if any(m.startswith(prefix) for m in members)), None)


if ExcelReader is not None and hasattr(ReadOnlyWorksheet, "_get_size") and \
        hasattr(ExcelReader, "read_worksheets"):
    class _UnsizedSheet(ReadOnlyWorksheet):
        """openpyxl's read-only sheet, not sized when the workbook is opened. A sheet written without
        a <dimension> (openpyxl's write-only files, the app's own exports) is otherwise parsed to its
        end just to size it; the importer resets the size (some programs write a wrong one) and reads
        every row anyway."""

        def _get_size(self):
            pass

    class _ReadOnlyReader(ExcelReader):
        """``load_workbook(read_only=True)`` with :class:`_UnsizedSheet` for its worksheets, and the shared
        strings (the text cells of files saved by Excel and WPS) read by :func:`_inline_text`."""

        def read_strings(self):
            part = self.package.find(SHARED_STRINGS)
            if part is None or getattr(self, "rich_text", False):
                return super().read_strings()
            string_tag = f"{{{SHEET_MAIN_NS}}}si"
            strings = []
            with self.archive.open(part.PartName[1:]) as source:
                for _event, element in iterparse(source):
                    if element.tag == string_tag:
                        strings.append(_inline_text(element).replace("x005F_", ""))  # as openpyxl reads them
                        element.clear()
            self.shared_strings = strings

        def read_worksheets(self):
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files:
                    continue
                if "chartsheet" in rel.Type:
                    self.read_chartsheet(sheet, rel)
                    continue
                worksheet = _UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
                worksheet.sheet_state = sheet.state
                self.wb._sheets.append(worksheet)

    def _load_read_only(fh):
        reader = _ReadOnlyReader(fh, read_only=True, data_only=True)
        reader.read()
        return reader.wb
else:  # another openpyxl
    def _load_read_only(fh):
        return openpyxl.load_workbook(fh, read_only=True, data_only=True)


def _inline_text(element) -> str:
    """The text of an inline string (<is>), as openpyxl's ``Text.from_tree(element).content`` reads
    it (the last <t>, then the <t> of each rich-text run <r>), without building its objects: the
    app's own exports write every text cell this way, and that was most of the time of reading them."""
    plain = None
    runs = []
    for child in element:
        tag = child.tag.rpartition("}")[2]
        if tag == "t":
            plain = child.text
        elif tag == "r":
            text = None
            for part in child:
                if part.tag.rpartition("}")[2] == "t":
                    text = part.text
            if text is not None:
                runs.append(text)
    return "".join(([plain] if plain is not None else []) + runs)


class _CellParser(WorkSheetParser):
    """openpyxl's read-only parser with data_only=True, but a formula without a stored result comes
    back as :class:`FormulaWithoutValue` instead of None (an empty-text result stays empty), and an
    inline string is read by :func:`_inline_text`."""

    def parse_cell(self, element):
        inline = element.find(INLINE_STRING) if element.get("t") == "inlineStr" else None
        if inline is not None:
            element.remove(inline)  # openpyxl then reads the cell as empty; its text is read here
            cell = super().parse_cell(element)
            cell["value"], cell["data_type"] = _inline_text(inline), "s"
            return cell
        cell = super().parse_cell(element)
        if cell["value"] is None and element.get("t", "n") == "n":
            formula = element.find(FORMULA_TAG)
            if formula is not None:
                cell["value"] = FormulaWithoutValue(f"={formula.text or ''}")
        return cell


def _xlsx_rows(workbook, worksheet) -> Iterator[list]:
    """The values of each row of a read-only worksheet from row 1 on (empty lists for missing rows)."""
    if FORMULA_TAG is None:
        yield from worksheet.iter_rows(values_only=True)
        return
    try:
        source = worksheet._get_source()
        parser = _CellParser(source, worksheet._shared_strings, data_only=True, epoch=workbook.epoch,
                             date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
    except AttributeError:  # another openpyxl: its own reader, without telling formulas apart
        yield from worksheet.iter_rows(values_only=True)
        return
    with source:
        expected = 1
        for number, cells in parser.parse():
            if number < expected:
                continue
            while expected < number:
                yield []
                expected += 1
            values = [None] * max((cell["column"] for cell in cells), default=0)
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            yield values
            expected = number + 1


_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"')


def _xlsx_merged(worksheet) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a read-only worksheet (which openpyxl does not read): the sheet's XML is
    scanned in pieces, so a sheet of a million rows is not held in memory."""
    try:
        source = worksheet._get_source()
    except AttributeError:
        return []
    found = []
    with source:
        tail = b""
        while True:
            chunk = source.read(1 << 20)
            data = tail + chunk
            cut = data.rfind(b"<") if chunk else len(data)
            cut = len(data) if cut <= 0 else cut
            for first_col, first_row, last_col, last_row in _MERGE_CELL.findall(data[:cut]):
                found.append((int(first_row), int(last_row), column_index_from_string(first_col.decode()) - 1,
                              column_index_from_string(last_col.decode()) - 1))
            tail = data[cut:]
            if not chunk:
                return found


# --- legacy .xls and password-protected workbooks (OLE compound files) -----------------------
def _read_ole(path: Path, sheet: str | None, is_cancelled: IsCancelled | None) -> RawTable:
    content = path.read_bytes()
    if _is_encrypted_package(content):
        raise _password_error(path)
    try:
        book = _open_xls(content)
    except xlrd.XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise _password_error(path) from exc
        word = "实际上是 Word 文档（.doc）" if _has_ole_stream(content, "WordDocument") else \
            "（可能是改了扩展名的 Word 等文件）"
        raise SpreadsheetError(f"文件“{path.name}”不是 Excel 表格{word}，无法读取。") from exc
    except Exception as exc:  # xlrd reports damaged files with assorted exceptions
        raise SpreadsheetError(f"文件“{path.name}”已损坏，无法读取。请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。") from exc
    try:
        def rows_of(name: str) -> Iterator[list]:
            worksheet = book.sheet_by_name(name)
            for index in range(worksheet.nrows):
                yield [_xls_value(cell, book.datemode) for cell in worksheet.row(index)]

        def merged_of(name: str) -> list[tuple[int, int, int, int]]:
            return [(top + 1, bottom, left, right - 1)
                    for top, bottom, left, right in book.sheet_by_name(name).merged_cells]

        return _pick_sheet(path, book.sheet_names(), rows_of, sheet, is_cancelled,
                           note="已读取旧版 Excel (.xls) 文件", merged_of=merged_of)
    finally:
        book.release_resources()


def _open_xls(content: bytes) -> xlrd.Book:
    try:  # with the formatting records: they hold the merged ranges
        return xlrd.open_workbook(file_contents=content, on_demand=True, logfile=io.StringIO(), formatting_info=True)
    except xlrd.XLRDError:
        raise
    except Exception:  # a formatting record xlrd cannot read: the cells, without the merged ranges
        return xlrd.open_workbook(file_contents=content, on_demand=True, logfile=io.StringIO())


def _is_encrypted_package(content: bytes) -> bool:
    """Excel saves a workbook with an opening password as an OLE file holding "EncryptedPackage"."""
    return _has_ole_stream(content, "EncryptedPackage")


def _has_ole_stream(content: bytes, name: str) -> bool:
    try:
        directory = CompDoc(content, logfile=io.StringIO()).dirlist
    except (CompDocError, AssertionError, IndexError, ValueError):
        return False
    return any(entry.name == name for entry in directory)


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
    if cell.ctype == xlrd.XL_CELL_ERROR:  # the text Excel shows (#N/A…), refused by the importers
        return xlrd.error_text_from_code.get(cell.value)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
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
