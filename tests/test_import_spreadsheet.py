"""Reading spreadsheet files into RawTable: formats, sheets, trimming, and the files it must refuse."""

from __future__ import annotations

import datetime as dt
import struct
import time
import zipfile

import openpyxl
import pytest
from openpyxl.styles import Font

from gonghui_desk.errors import Cancelled
from gonghui_desk.importing import spreadsheet
from gonghui_desk.importing.spreadsheet import SpreadsheetError, cell_text, read_table

END_OF_CHAIN, FREE_SECTOR, FAT_SECTOR, NO_STREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _ole_directory_entry(name: str, kind: int, child: int = NO_STREAM) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return (encoded.ljust(64, b"\0") + struct.pack("<HBB3I", len(encoded), kind, 1, NO_STREAM, NO_STREAM, child)
            + bytes(36) + struct.pack("<IQ", END_OF_CHAIN, 0))


def ole_file_with_stream(stream_name: str) -> bytes:
    """A minimal OLE compound file (what Excel writes for .xls and for password-protected
    workbooks) holding one empty stream."""
    header = (spreadsheet.OLE_SIGNATURE + bytes(16)
              + struct.pack("<5H6x9I", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0)
              + struct.pack("<109I", 0, *[FREE_SECTOR] * 108))
    fat = struct.pack("<128I", FAT_SECTOR, END_OF_CHAIN, *[FREE_SECTOR] * 126)
    directory = (_ole_directory_entry("Root Entry", 5, child=1)
                 + _ole_directory_entry(stream_name, 2)).ljust(512, b"\0")
    return header + fat + directory


def test_xlsx_rows_are_trimmed_and_keep_their_row_numbers(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["B3"] = "姓名"
    sheet["C3"] = "出生日期"
    sheet["B4"] = "张三"
    sheet["C4"] = dt.datetime(1985, 3, 7)
    sheet["B6"] = "李四"
    sheet["D6"] = "   "  # blank text counts as empty
    sheet["C6"] = 12
    sheet["F20"].font = Font(bold=True)  # formatted but empty: trailing row and column dropped
    path = tmp_path / "名册.xlsx"
    workbook.save(path)

    table = read_table(path)

    assert table.sheet_name == "Sheet"
    assert table.first_row_number == 3
    assert table.rows == [
        [None, "姓名", "出生日期"],
        [None, "张三", dt.datetime(1985, 3, 7)],
        [None, None, None],
        [None, "李四", 12],
    ]
    assert table.row_number(3) == 6
    assert table.note == ""


def test_the_first_sheet_with_data_is_chosen_unless_a_sheet_is_named(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "封面"
    workbook.create_sheet("名册").append(["姓名", "性别"])
    workbook.create_sheet("其他").append(["说明"])
    path = tmp_path / "book.xlsx"
    workbook.save(path)

    assert read_table(path).sheet_name == "名册"
    assert read_table(path, sheet="其他").rows == [["说明"]]
    assert read_table(path).sheet_names == ["封面", "名册", "其他"]
    with pytest.raises(SpreadsheetError, match="没有名为“花名册”的工作表；现有工作表：封面、名册、其他"):
        read_table(path, sheet="花名册")
    with pytest.raises(SpreadsheetError, match="工作表“封面”是空的"):
        read_table(path, sheet="封面")


def test_an_empty_workbook_is_refused(tmp_path):
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(SpreadsheetError, match="没有任何数据"):
        read_table(path)


def test_numbers_and_ids_typed_as_numbers_arrive_as_numbers(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["身份证号", "手机号", "工资"])
    workbook.active.append([110101199001011229, 13800138000, 4500.5])
    path = tmp_path / "numbers.xlsx"
    workbook.save(path)

    row = read_table(path).rows[1]

    assert isinstance(row[0], (int, float)) and not isinstance(row[0], bool)
    assert row[1] == 13800138000 and row[2] == 4500.5


def test_reading_stops_after_a_long_run_of_formatted_empty_rows(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "性别"])
    sheet.append(["张三", "男"])
    blank_rows = spreadsheet.MAX_CONSECUTIVE_EMPTY_ROWS + 500
    for row in range(3, 3 + blank_rows):
        sheet.cell(row, 1).font = Font(bold=True)
    sheet.cell(3 + blank_rows, 1, "被忽略")
    path = tmp_path / "formatted.xlsx"
    workbook.save(path)

    started = time.perf_counter()
    table = read_table(path)

    assert table.rows == [["姓名", "性别"], ["张三", "男"]]
    assert time.perf_counter() - started < 5


def test_an_xlsx_renamed_to_xls_is_still_read(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名"])
    path = tmp_path / "renamed.xls"
    workbook.save(path)
    assert read_table(path).rows == [["姓名"]]


def test_csv_in_utf8_with_bom(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("姓名,身份证号\n张三,110101198503070013\n", encoding="utf-8-sig")
    table = read_table(path)
    assert table.rows == [["姓名", "身份证号"], ["张三", "110101198503070013"]]
    assert table.sheet_name == "roster"
    assert table.note == ""


def test_csv_in_gbk_says_so(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("姓名,部门\n张三,一车间\n".encode("gbk"))
    table = read_table(path)
    assert table.rows == [["姓名", "部门"], ["张三", "一车间"]]
    assert table.note == "已按 GBK 编码读取 CSV"


def test_tab_separated_text_is_read(tmp_path):
    path = tmp_path / "export.txt"
    path.write_text("姓名\t部门\n张三\t一车间\n", encoding="utf-8")
    assert read_table(path).rows == [["姓名", "部门"], ["张三", "一车间"]]


@pytest.mark.parametrize("name, content, message", [
    ("名册.xlsx", "姓名,性别\n张三,男\n".encode(), "不是 Excel 表格"),
    ("名册.xls", b"<html><body><table><tr><td>x</td></tr></table></body></html>", "网页（HTML）格式"),
    ("空.xlsx", b"", "空文件"),
    ("utf16.csv", "姓名\n".encode("utf-16"), "不是文本格式的 CSV 文件"),
])
def test_files_that_are_not_spreadsheets_are_refused(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SpreadsheetError, match=message):
        read_table(path)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "文档.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(SpreadsheetError, match="已损坏或不是 Excel 工作簿"):
        read_table(path)


def test_a_password_protected_workbook_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "加密.xlsx"
    path.write_bytes(ole_file_with_stream("EncryptedPackage"))
    with pytest.raises(SpreadsheetError, match="设置了打开密码"):
        read_table(path)


def test_an_ole_file_without_a_workbook_is_refused(tmp_path):
    path = tmp_path / "文档.xls"
    path.write_bytes(ole_file_with_stream("WordDocument"))
    with pytest.raises(SpreadsheetError, match="不是 Excel 表格"):
        read_table(path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(SpreadsheetError, match="找不到文件"):
        read_table(tmp_path / "nowhere.xlsx")


def test_legacy_xls_dates_become_datetimes(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("名册")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for column, text in enumerate(["姓名", "出生日期", "工号"]):
        sheet.write(0, column, text)
    sheet.write(1, 0, "张三")
    sheet.write(1, 1, dt.date(1985, 3, 7), date_style)
    sheet.write(1, 2, 1024)
    path = tmp_path / "old.xls"
    workbook.save(str(path))

    table = read_table(path)

    assert table.rows[1] == ["张三", dt.datetime(1985, 3, 7), 1024]
    assert table.note == "已读取旧版 Excel (.xls) 文件"


def test_legacy_xls_cells_are_converted_with_the_workbook_datemode():
    import xlrd

    date_cell = xlrd.sheet.Cell(xlrd.XL_CELL_DATE, 31113.0)
    assert spreadsheet._xls_value(date_cell, 0) == dt.datetime(1985, 3, 7)
    assert spreadsheet._xls_value(date_cell, 1) == dt.datetime(1989, 3, 8)  # the 1904 date system
    assert spreadsheet._xls_value(xlrd.sheet.Cell(xlrd.XL_CELL_NUMBER, 1024.0), 0) == 1024
    assert isinstance(spreadsheet._xls_value(xlrd.sheet.Cell(xlrd.XL_CELL_NUMBER, 1.10101199001011e17), 0), float)
    assert spreadsheet._xls_value(xlrd.sheet.Cell(xlrd.XL_CELL_NUMBER, 2.5), 0) == 2.5
    assert spreadsheet._xls_value(xlrd.sheet.Cell(xlrd.XL_CELL_BOOLEAN, 1), 0) is True
    assert spreadsheet._xls_value(xlrd.sheet.Cell(xlrd.XL_CELL_ERROR, 42), 0) == "#N/A"  # refused by importers
    assert spreadsheet._xls_value(xlrd.sheet.Cell(xlrd.XL_CELL_TEXT, "张三"), 0) == "张三"


def test_reading_can_be_cancelled(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("姓名\n" + "张三\n" * (spreadsheet.CANCEL_CHECK_INTERVAL * 2), encoding="utf-8")
    with pytest.raises(Cancelled):
        read_table(path, is_cancelled=lambda: True)


@pytest.mark.parametrize("value, text", [(None, ""), (12.0, "12"), (" 一车间\n 甲班 ", "一车间 甲班"), (3.5, "3.5")])
def test_cell_text(value, text):
    assert cell_text(value) == text
