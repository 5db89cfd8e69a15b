"""A corpus of bad spreadsheets, written by the tests: each function writes one kind of file that users
really send (a workbook with nothing in it, a title without a table, merged cells, formulas saved without
their results, error cells, a million formatted blank rows, a Word file renamed to .xlsx, a workbook with
an opening password, a legacy .xls…) and returns its path.

Rows are lists of cell values. Besides plain values a cell may be an :class:`Error` (written as a real
error value: ``t="e"`` in .xlsx, an error record in .xls) or a :class:`Formula` (written as a formula,
with or without the result Excel would have saved beside it).
"""

from __future__ import annotations

import csv
import functools
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

MILLION = 1_000_000
BLANK_STYLES = ("formatted", "empty_text", "dimension")


@dataclass(frozen=True)
class Error:
    """An error value such as #N/A, #DIV/0! or #REF! (what a failed formula shows)."""
    text: str


@dataclass(frozen=True)
class Formula:
    """A formula ("A5&B5", without "="); ``result`` is the value Excel would have saved with it, or None
    for a file written by a program (openpyxl, many exporters) that holds no result at all."""
    text: str
    result: object = None


# --- .xlsx --------------------------------------------------------------------------------------------------
def write_xlsx(path, rows, *, sheet="Sheet1", merges=()) -> Path:
    """The rows from row 1 on; ``merges`` are ranges such as "A3:A4"."""
    path = Path(path)
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    results = {}
    for row_index, cells in enumerate(rows, start=1):
        for column, value in enumerate(cells, start=1):
            if value is None:
                continue
            cell = worksheet.cell(row_index, column)
            if isinstance(value, Error):
                cell.value = value.text  # openpyxl stores its error codes as error cells (t="e")
                assert cell.data_type == "e", value
            elif isinstance(value, Formula):
                cell.value = f"={value.text}"
                if value.result is not None:
                    results[cell.coordinate] = value.result
            else:
                cell.value = value
    worksheet.cell(1, 1).font = Font(bold=True)  # a style beyond the default one (index 1)
    for ref in merges:
        worksheet.merge_cells(ref)
    workbook.save(path)
    if results:
        _store_formula_results(path, results)
    return path


def _store_formula_results(path: Path, results: dict[str, object]) -> None:
    """Put the results Excel saves beside each formula into the sheet's XML (openpyxl cannot)."""
    def patch(xml: str) -> str:
        for coordinate, value in results.items():
            pattern = re.compile(rf'<c r="{coordinate}"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>')
            kind = "" if isinstance(value, (int, float)) else ' t="str"'
            replacement = rf'<c r="{coordinate}"\1{kind}><f>\2</f><v>{escape(str(value))}</v></c>'
            xml, count = pattern.subn(replacement, xml)
            assert count == 1, (coordinate, xml[:2000])
        return xml

    _rewrite_sheet(path, lambda data: patch(data.decode()).encode())


def _rewrite_sheet(path: Path, change, member: str = "xl/worksheets/sheet1.xml") -> None:
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for info, data in parts:
            archive.writestr(info.filename, change(data) if info.filename == member else data)


def empty_workbook(path) -> Path:
    """A workbook whose only sheet has nothing in it."""
    openpyxl.Workbook().save(path)
    return Path(path)


def title_only(path, title: str, *, width: int = 8) -> Path:
    """A sheet with only its title, merged across the page, and an empty second sheet."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = "名单"
    worksheet["A1"] = title
    worksheet["A1"].font = Font(bold=True, size=16)
    worksheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    workbook.create_sheet("Sheet2")
    workbook.save(path)
    return Path(path)


def two_level_header(path, groups, rows, *, above=(), merged_data=()) -> Path:
    """A header over two rows, as upstream forms draw it: ``groups`` is a list of (upper text, [lower
    texts]) — a column without lower texts is merged over both rows, a group is merged across its
    columns — then the data rows; ``merged_data`` merges data cells: (column index, first data row
    index, last data row index), the value written once in the first row."""
    upper, lower, merges = [], [], []
    header_row = len(above) + 1
    for text, parts in groups:
        first = len(upper) + 1
        if parts:
            upper += [text] + [None] * (len(parts) - 1)
            lower += list(parts)
            if len(parts) > 1:
                merges.append(f"{get_column_letter(first)}{header_row}:{get_column_letter(first + len(parts) - 1)}"
                              f"{header_row}")
        else:
            upper.append(text)
            lower.append(None)
            merges.append(f"{get_column_letter(first)}{header_row}:{get_column_letter(first)}{header_row + 1}")
    data = [list(row) for row in rows]
    for column, first, last in merged_data:
        for index in range(first + 1, last + 1):
            data[index][column] = None
        letter = get_column_letter(column + 1)
        merges.append(f"{letter}{header_row + 2 + first}:{letter}{header_row + 2 + last}")
    return write_xlsx(path, [*above, upper, lower, *data], merges=merges)


# --- a million blank rows --------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _blank_rows_xml(style: str, first: int, count: int) -> bytes:
    """``count`` rows from row ``first`` on that hold nothing a reader should keep (built once per run)."""
    if style == "formatted":  # a fill applied to whole rows: styled cells without values
        template = '<row r="{0}" s="1" customFormat="1"><c r="A{0}" s="1"/><c r="B{0}" s="1"/></row>'
        return "".join(template.format(n) for n in range(first, first + count)).encode()
    if style == "empty_text":  # cells holding empty text or spaces, as a formula ="" pasted as values leaves
        even = '<row r="{0}"><c r="A{0}" t="inlineStr"><is><t></t></is></c></row>'
        odd = '<row r="{0}"><c r="B{0}" t="str"><v> </v></c><c r="C{0}" t="str"><v>\u3000</v></c></row>'
        return "".join((even if n % 2 == 0 else odd).format(n) for n in range(first, first + count)).encode()
    raise ValueError(style)


def with_blank_rows(source, path, *, style: str = "formatted", last_row: int = MILLION) -> Path:
    """A copy of the .xlsx ``source`` whose used range runs to row ``last_row`` (column Z):
    ``formatted``: every row below the data styled but empty; ``empty_text``: cells holding "" or
    spaces; ``dimension``: only the used range and one styled cell in the last row claim so."""
    path = Path(path)
    path.write_bytes(Path(source).read_bytes())

    def change(data: bytes) -> bytes:
        used = max(int(n) for n in re.findall(rb'<row r="(\d+)"', data))
        data = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="A1:Z{last_row}"/>'.encode(), data)
        if style == "dimension":
            blank = f'<row r="{last_row}"><c r="Z{last_row}" s="1"/></row>'.encode()
        else:
            blank = _blank_rows_xml(style, used + 1, last_row - used)
        return data.replace(b"</sheetData>", blank + b"</sheetData>")

    _rewrite_sheet(path, change)
    return path


def csv_with_blank_lines(path, rows, *, count: int = MILLION, encoding: str = "utf-8-sig") -> Path:
    """A CSV whose data is followed by ``count`` lines of empty fields (",,,,")."""
    path = write_csv(path, rows, encoding=encoding)
    width = max(len(row) for row in rows)
    with open(path, "ab") as fh:
        fh.write(("," * (width - 1) + "\r\n").encode() * count)
    return path


# --- other formats -------------------------------------------------------------------------------------------
def write_csv(path, rows, *, encoding: str = "utf-8-sig") -> Path:
    """A CSV as Excel saves it: "CSV UTF-8" (with a byte-order mark) or plain "CSV" (GBK on Chinese Windows)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(
        ["" if value is None else value for value in row] for row in rows)
    Path(path).write_bytes(buffer.getvalue().encode(encoding))
    return Path(path)


def write_xls(path, rows, *, sheet="Sheet1", merges=()) -> Path:
    """A legacy .xls (xlwt); error cells are written as error records, ``merges`` as (first row, last row,
    first column, last column), 0-based."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    worksheet = workbook.add_sheet(sheet)
    merged = {(top, left): (top, bottom, left, right) for top, bottom, left, right in merges}
    covered = {(r, c) for top, bottom, left, right in merges for r in range(top, bottom + 1)
               for c in range(left, right + 1)}
    for row_index, cells in enumerate(rows):
        for column, value in enumerate(cells):
            if (row_index, column) in merged:
                worksheet.write_merge(*merged[(row_index, column)], value)
            elif (row_index, column) in covered or value is None:
                continue
            elif isinstance(value, Error):
                code = 42 if value.text == "#N/A" else value.text  # xlwt spells it "#N/A!"
                worksheet.row(row_index).set_cell_error(column, code)
            else:
                worksheet.write(row_index, column, value)
    workbook.save(str(path))
    return Path(path)


def encrypted_xlsx(source, path, password: str = "gonghui") -> Path:
    """The .xlsx ``source`` saved with an opening password, as Excel does it (an OLE container holding
    the EncryptedPackage), written with msoffcrypto-tool."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(source, "rb") as plain, open(path, "wb") as out:
        OOXMLFile(plain).encrypt(password, out)
    return Path(path)


def docx_renamed(path) -> Path:
    """A real Word document saved under a spreadsheet's name."""
    import docx

    document = docx.Document()
    document.add_paragraph("关于做好2026年春节送温暖工作的通知")
    document.save(str(path))
    return Path(path)


def png_renamed(path) -> Path:
    """A screenshot of a table saved under a spreadsheet's name."""
    from PIL import Image

    Image.new("RGB", (40, 20), "white").save(path, format="PNG")
    return Path(path)


def text_renamed(path, text: str = "姓名,性别\n张三,男\n", encoding: str = "gbk") -> Path:
    """A text file (here a GBK CSV) renamed to .xlsx."""
    Path(path).write_bytes(text.encode(encoding))
    return Path(path)
