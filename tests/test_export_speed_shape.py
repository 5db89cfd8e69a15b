"""The fast ways of writing large files write the same files as the plain ways.

The table writer (:mod:`gonghui_desk.exporting.xlsx`) turns data rows straight into sheet XML instead of
openpyxl cells (``FAST_ROWS``); every exporter's file must come out as openpyxl's own cells write it — same
values, types, styles, formats, heights, merges — part by part of the .xlsx. No timing here: speed lives in
``bench/``.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook

from gonghui_desk.exporting import xlsx
from gonghui_desk.exporting.xlsx import Column, write_table
from tests.conftest import TODAY
from tests.test_formula_escaping import db, nasty_file  # noqa: F401  (fixtures: the demo with formula-like text)


def xlsx_parts(path: Path) -> dict[str, bytes]:
    """The parts of an .xlsx, worksheets in canonical XML (<c/> and <c></c> are the same cell); the
    creation time left out."""
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}
    for name, data in parts.items():
        if name.startswith("xl/worksheets/"):
            parts[name] = etree.tostring(etree.fromstring(data), method="c14n")
    return parts


def both_ways(monkeypatch, tmp_path: Path, write) -> tuple[dict, dict]:
    """``write(path)`` with the XML rows and with openpyxl's cells; the two files' parts."""
    fast, plain = tmp_path / "fast.xlsx", tmp_path / "plain.xlsx"
    write(fast)
    monkeypatch.setattr(xlsx, "FAST_ROWS", False)
    write(plain)
    monkeypatch.setattr(xlsx, "FAST_ROWS", True)
    return xlsx_parts(fast), xlsx_parts(plain)


def assert_same_parts(fast: dict, plain: dict) -> None:
    assert fast.keys() == plain.keys()
    for name in plain:
        assert fast[name] == plain[name], name


def test_this_openpyxl_takes_the_xml_rows():
    """The fast path is on here (lxml present, openpyxl's write-only internals as expected): if an openpyxl
    upgrade turns it off the files stay right, but a 100,000-row export gets about three times slower."""
    ws = Workbook(write_only=True).create_sheet()
    stream = xlsx._RowStream.attach(ws)
    assert stream is not None
    ws.append(["标题"])
    ws.append(xlsx._XmlRow((2, '<c r="A2" t="n"><v>1</v></c>')))
    stream.finish()
    assert xlsx._fast_cells_possible()


KINDS = [Column("name", "名称", 10), Column("code", "编号", 12, "id"), Column("day", "日期", 12, "date"),
         Column("count", "人次", 8, "int"), Column("amount", "金额（元）", 12, "money")]
NASTY_ROWS = [
    {"name": "#N/A", "code": "+8613800138000", "day": dt.date(2026, 1, 2), "count": "7", "amount": 123456},
    {"name": "控制\x07字符", "code": None, "day": "不详", "count": None, "amount": None},
    {"name": "=HYPERLINK(\"http://x\",\"点我\")", "code": "=1+1", "day": "1899-12-31", "count": "七", "amount": 0},
    {"name": " 前后有空格 ", "code": "", "day": dt.datetime(1900, 2, 28, 0, 0), "count": 12, "amount": -5},
    {"name": "a & b < c > d\r\n第二行\t", "code": "#DIV/0!", "day": "2026年3月1日", "count": 10 ** 17,
     "amount": 10 ** 12},
    {"name": "长" * 40000, "code": 110101, "day": "   ", "count": True, "amount": "250"},
    {"name": 3.25, "code": "\t=1", "day": "2026-02-30", "count": 0, "amount": None},
    {"name": "", "code": "-", "day": "", "count": "", "amount": ""},
]


@pytest.mark.parametrize("wrap", [False, True])
@pytest.mark.parametrize("row_height", [None, 28.5])
def test_every_kind_and_guard_writes_as_openpyxl_cells_do(monkeypatch, tmp_path, wrap, row_height):
    columns = [Column(c.key, c.label, c.width, c.kind, wrap) for c in KINDS]

    def write(path):
        write_table(path, title="测试", union_name="=工会", subtitle="+范围", columns=columns, rows=NASTY_ROWS,
                    today=TODAY, count_unit="人", total_lines=["合计金额：1 元"], prepared_by="-制表",
                    freeze_columns=1, row_height=row_height)

    fast, plain = both_ways(monkeypatch, tmp_path, write)
    assert_same_parts(fast, plain)
    assert b'xml:space="preserve"' in fast["xl/worksheets/sheet1.xml"]


def test_the_roster_of_a_company_demo(monkeypatch, tmp_path):
    """The 会员花名册 of an 800-member demo union, masked and in full: the same file either way, and its look —
    title, header, widths, "@" for IDs and phones, frozen panes, masking — as the roster tests expect."""
    from gonghui_desk.db import open_database
    from gonghui_desk.demo import generate_demo
    from gonghui_desk.exporting.member_roster import ROSTER_SHEET_COLUMNS, export_roster

    database = open_database(tmp_path / "demo.sqlite3")
    generate_demo(database, kind="company", seed=7, today=TODAY)
    for mask in (True, False):
        fast, plain = both_ways(monkeypatch, tmp_path, lambda path: export_roster(
            database, path, today=TODAY, mask_personal=mask, prepared_by="赵六"))
        assert_same_parts(fast, plain)
    export_roster(database, tmp_path / "roster.xlsx", today=TODAY)
    ws = load_workbook(tmp_path / "roster.xlsx").active
    assert ws["A1"].value == "会员花名册" and ws["A1"].font.b and ws.freeze_panes == "C5"
    assert [c.value for c in ws[4]] == [c.label for c in ROSTER_SHEET_COLUMNS]
    assert all(c.font.b and c.fill.fgColor.rgb == "00D9D9D9" for c in ws[4])
    labels = [c.label for c in ROSTER_SHEET_COLUMNS]
    id_col, phone_col, join_col = (labels.index(label) + 1 for label in ("身份证号", "手机号", "入会日期"))
    first = ws[5]
    assert first[0].value == 1 and "*" in first[id_col - 1].value and "*" in first[phone_col - 1].value
    assert first[id_col - 1].number_format == first[phone_col - 1].number_format == "@"
    assert isinstance(first[join_col - 1].value, dt.datetime) and first[join_col - 1].number_format == "yyyy-mm-dd"
    for index, column in enumerate(ROSTER_SHEET_COLUMNS, 1):
        assert ws.column_dimensions[ws.cell(4, index).column_letter].width == column.width


def test_every_page_export_and_builtin_form(db, monkeypatch, tmp_path):  # noqa: F811
    """Each exporter on the demo with formula-like text everywhere: the same file either way."""
    from gonghui_desk.care.ledger import LedgerFilter
    from gonghui_desk.congress.register import ProposalFilter
    from gonghui_desk.events.register import EventFilter
    from gonghui_desk.exporting.aid_ledger import export_aid_ledger
    from gonghui_desk.exporting.builtin_forms import BUILTIN_FORMS
    from gonghui_desk.exporting.change_log import export_change_log
    from gonghui_desk.exporting.events import export_awards, export_events, export_participants, export_signin_sheet
    from gonghui_desk.exporting.hardship_register import export_hardship_register
    from gonghui_desk.exporting.honours import export_honours
    from gonghui_desk.exporting.proposals import export_proposal_summary
    from gonghui_desk.exporting.signoff_sheet import export_signoff_sheet
    from gonghui_desk.exporting.visit_ledger import export_visit_ledger
    from gonghui_desk.hardship.aid_ledger import AidFilter
    from gonghui_desk.hardship.register import FileFilter
    from gonghui_desk.honours.register import HonourFilter

    event = db.execute("SELECT e.id FROM events e WHERE e.voided_at IS NULL AND EXISTS (SELECT 1 FROM event_teams t "
                       "WHERE t.event_id = e.id) ORDER BY e.id").fetchone()[0]
    session = db.execute("SELECT session_id FROM proposals WHERE voided_at IS NULL ORDER BY id").fetchone()[0]
    campaign = db.execute("SELECT id FROM campaigns WHERE voided_at IS NULL ORDER BY id").fetchone()[0]
    writers = {
        "visits": lambda p: export_visit_ledger(db, p, LedgerFilter(), today=TODAY),
        "aid": lambda p: export_aid_ledger(db, p, AidFilter(), today=TODAY),
        "hardship": lambda p: export_hardship_register(db, p, FileFilter(), today=TODAY, mask_personal=False),
        "honours": lambda p: export_honours(db, p, HonourFilter(), today=TODAY),
        "events": lambda p: export_events(db, p, EventFilter(), today=TODAY),
        "participants": lambda p: export_participants(db, p, event, today=TODAY),
        "awards": lambda p: export_awards(db, p, event, today=TODAY),
        "signin": lambda p: export_signin_sheet(db, p, event, today=TODAY),
        "proposals": lambda p: export_proposal_summary(db, p, ProposalFilter(session_id=session), today=TODAY),
        "signoff": lambda p: export_signoff_sheet(db, campaign, p, today=TODAY),
        "change-log": lambda p: export_change_log(db, p, today=TODAY),
    }
    for form in BUILTIN_FORMS:
        writers[f"form-{form.name}"] = lambda p, form=form: form.write(
            db, p, today=TODAY, period_start="2025-01-01", period_end="2026-12-31", prepared_by="=制表人",
            full_numbers=True)
    for name, write in writers.items():
        folder = tmp_path / name
        folder.mkdir()
        fast, plain = both_ways(monkeypatch, folder, write)
        assert_same_parts(fast, plain)


# --- the form filler: the filled copy's cells written as XML (save_workbook(fast_cells=True)) ---------------------
def fill_both_ways(monkeypatch, tmp_path: Path, db, form: Path, params=None,  # noqa: F811
                   **options) -> tuple[dict, dict]:
    from gonghui_desk.form_fill import fill_form, inspect_form, propose_mapping

    def write(path):
        layout = inspect_form(form)
        fill_form(db, layout, propose_mapping(layout, "roster"), "roster", params, path, today=TODAY, **options)

    return both_ways(monkeypatch, tmp_path, write)


def merged_value_form(path: Path) -> Path:
    """A header merged across two columns over a data row merged the same way, a formula column copied down,
    a 合计 row with =SUM below, comments and a hyperlink in the frame (rows openpyxl writes itself)."""
    from openpyxl.comments import Comment

    from tests.test_form_fill_forms import GRID

    wb = Workbook()
    ws = wb.active
    ws["A1"] = "会员名单 & <附表>"
    ws["A1"].comment = Comment("上级批注", "县总工会")
    ws["F1"] = "说明"
    ws["F1"].hyperlink = "http://example.org/说明"
    for col, text in enumerate(["序号", "姓名", "部门", None, "年龄", "两倍年龄"], 1):
        ws.cell(2, col, text).border = GRID
    ws.merge_cells("C2:D2")
    for col in range(1, 7):
        ws.cell(3, col).border = GRID
    ws.merge_cells("C3:D3")
    ws["F3"] = "=E3*2"
    ws.row_dimensions[3].height = 24
    ws["A5"], ws["E5"] = "合计", "=SUM(E3:E3)"
    ws["A6"] = "  审核人：  "
    wb.save(path)
    return path


@pytest.mark.parametrize("form_kind", ["collection", "collection-blank", "merged", "bench"])
@pytest.mark.parametrize("keep_rows", [False, True])
def test_a_filled_form_is_the_same_file_either_way(monkeypatch, tmp_path, db, form_kind, keep_rows):  # noqa: F811
    """The demo with formula-like text everywhere, every member, into forms with a sample row, blank bordered rows,
    merged data cells and formulas, comments and a hyperlink, rows kept or replaced, numbers masked or in full."""
    from bench.bench_fill import make_form
    from tests.test_form_fill_forms import collection_form

    form = tmp_path / f"{form_kind}.xlsx"
    if form_kind == "collection":
        collection_form(form)
    elif form_kind == "collection-blank":
        collection_form(form, sample=False, blank_rows=6)
    elif form_kind == "merged":
        merged_value_form(form)
    else:
        make_form(form)
    for full in (False, True):
        fast, plain = fill_both_ways(monkeypatch, tmp_path, db, form, {"status": "全部"}, keep_rows=keep_rows,
                                     full_numbers=full)
        assert_same_parts(fast, plain)



def test_every_cell_kind_saves_as_openpyxl_does(monkeypatch, tmp_path):
    """A sheet held in memory with every kind of cell value, styled and not, saved both ways."""
    from decimal import Decimal

    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.formula import ArrayFormula

    def write(path):
        wb = Workbook()
        ws = wb.active
        values = ["文字", "", " 前后空格 ", "a & b < c > d\r\n二行", 7, -3.25, 10 ** 17, Decimal("12.30"), True, False,
                  dt.date(2026, 1, 2), dt.datetime(1900, 1, 5, 13, 30), dt.time(8, 30), dt.timedelta(days=1, hours=6),
                  "=SUM(A1:A3)", "#N/A", float("nan"), None]
        for row, value in enumerate(values, 1):
            ws.cell(row, 1).value = value
            styled = ws.cell(row, 2)
            styled.value = value
            styled.font = Font(bold=True)
            ws.cell(row, 3).number_format = "@"  # a styled empty cell
        ws.cell(1, 4).data_type = "s"  # an empty text cell, styled
        ws.cell(1, 4).font = Font(italic=True)
        ws.cell(2, 4).value = ""
        ws.cell(2, 4).data_type = "s"
        ws["E1"] = ArrayFormula("E1:E2", "=A5:A6*2")  # rows openpyxl writes itself
        ws["E3"].comment = Comment("批注", "某人")
        ws["E4"].hyperlink = "http://example.org"
        ws.merge_cells("F1:G2")
        ws["F1"].font = Font(color="FF0000")
        ws.row_dimensions[2].height = 30
        ws.row_dimensions[3].font = Font(underline="single")  # a row style, numbered before the row's cells
        ws.row_dimensions[40].height = 12  # a row with a height and no cells
        xlsx.save_workbook(wb, path, fast_cells=True)

    fast, plain = both_ways(monkeypatch, tmp_path, write)
    assert_same_parts(fast, plain)
