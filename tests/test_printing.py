"""The shared print path: the printable HTML, the ledger and sign-off tables, and PDF output."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from gonghui_desk.care.ledger import LedgerFilter
from gonghui_desk.printing import (PrintColumn, PrintTable, ledger_print_table, row_paddings, signoff_print_table,
                                   to_html)
from tests.conftest import TODAY
from tests.test_visit_exports import LEDGER_LABELS, SIGNOFF_LABELS, make_care_data

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (poppler-utils) is not installed")


def small_table(**changes) -> PrintTable:
    fields = dict(title="测试表", subtitle_lines=["期间：全部"], union_name="测试工会", date_text="制表日期：2026-11-22",
                  columns=[PrintColumn("序号", 1, "center"), PrintColumn("姓名", 2), PrintColumn("金额", 2, "right")],
                  rows=[["1", "张三", "500.00"], ["2", "<b>李四</b> & 王五", "1,000.00"], ["3", "赵六", ""]],
                  total_lines=["合计：3 人"])
    return PrintTable(**{**fields, **changes})


def pdf_text(path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True).stdout


# --- the HTML ---------------------------------------------------------------------------------------------------
def test_the_html_has_the_header_in_thead_and_every_row_escaped():
    html = to_html(small_table())

    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    thead = re.search(r"<thead>(.*?)</thead>", html, re.S)[1]
    assert re.findall(r"<th [^>]*>(.*?)</th>", thead) == ["序号", "姓名", "金额"]
    assert re.findall(r'<th width="([\d.]+)%"', thead) == ["20.0", "40.0", "40.0"]
    tbody = re.search(r"<tbody>(.*?)</tbody>", html, re.S)[1]
    assert len(re.findall(r"<tr>", tbody)) == 3
    assert "&lt;b&gt;李四&lt;/b&gt; &amp; 王五" in tbody and "<b>" not in tbody
    assert re.search(r'<td align="right"[^>]*>1,000\.00</td>', tbody)
    for text in ("<h1>测试表</h1>", "期间：全部", "合计：3 人", "制表人：____  审核人：____  日期：____"):
        assert text in html


def test_page_starts_cut_the_table_into_tables_that_each_repeat_the_header():
    html = to_html(small_table(), page_starts=[2])

    tables = re.findall(r"<table .*?</table>", html, re.S)
    assert len(tables) == 2
    assert all("<thead><tr>" in table for table in tables)
    assert "page-break-before" not in tables[0] and "page-break-before: always" in tables[1]
    assert [re.findall(r"<tr><td[^>]*>(\d)</td>", table) for table in tables] == [["1", "2"], ["3"]]


def test_a_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match="row 2 has 2 cells for 3 columns"):
        small_table(rows=[["1", "张三", "1"], ["2", "李四"]])


def test_a_minimum_row_height_pads_the_first_cell_only():
    assert row_paddings(small_table()) == [4, 4, 4]
    strut, *others = row_paddings(small_table(min_row_height_mm=12))
    assert strut > 10 and others == [4, 4]


# --- the ledger and the sign-off sheet ---------------------------------------------------------------------------
@pytest.fixture
def care(profiled_db):
    return make_care_data(profiled_db, extra_members=60)


def test_the_ledger_prints_the_exported_columns_landscape(profiled_db, care):
    table = ledger_print_table(profiled_db, LedgerFilter(date_from="2026-01-01"), prepared_by="王五", today=TODAY)

    assert [c.label for c in table.columns] == LEDGER_LABELS
    assert table.landscape and table.union_name == "测试中学工会委员会"
    assert (table.title, table.subtitle_lines, table.date_text) == ("慰问台账", ["期间：2026-01-01 起"], "制表日期：2026-11-22")
    assert table.rows[1] == ["2", "张三", "一车间", "直系亲属去世", "父母（张大山）", "2026-06-02", "2026-06-03", "",
                             "1,000.00", "花圈", "200.50", "现金", "行政", "未签收", "父亲病故"]
    assert table.rows[2][6] == "待走访"
    assert table.total_lines[0] == "合计：走访慰问 2 人次（2 人），慰问金 1,500 元，慰问品折合 200.50 元，共计 1,700.50 元"
    assert table.footer_line == "制表人：王五  审核人：____  日期：____"
    aligns = [c.align for c in table.columns]
    assert aligns[:9] == ["center", "left", "left", "left", "left", "center", "center", "left", "right"]


def test_the_signoff_sheet_has_a_wide_blank_signature_column_and_tall_rows(profiled_db, care):
    table = signoff_print_table(profiled_db, care["campaign"], today=TODAY)

    assert [c.label for c in table.columns] == SIGNOFF_LABELS
    assert not table.landscape and table.min_row_height_mm >= 10
    assert len(table.rows) == 62
    signature = SIGNOFF_LABELS.index("签字")
    weights = [c.width_weight for c in table.columns]
    assert weights[signature] / sum(weights) > 0.2
    assert all(row[signature] == "" and row[-1] == "" for row in table.rows)
    assert table.rows[0][:2] == ["1", "陈芳"]  # in name order
    assert table.total_lines == ["合计：62人，慰问金31,000元，慰问品价值6,200元"]


# --- PDF ---------------------------------------------------------------------------------------------------------
@needs_pdftotext
def test_the_signoff_pdf_has_searchable_chinese_and_the_header_on_every_page(qapp, profiled_db, care, tmp_path):
    from gonghui_desk.ui.printing import print_to_pdf

    path = tmp_path / "签收表.pdf"
    pages = print_to_pdf(signoff_print_table(profiled_db, care["campaign"], today=TODAY), path)

    assert pages > 1 and path.read_bytes().startswith(b"%PDF")
    assert not path.with_name(path.name + ".part").exists()
    first = pdf_text(path, 1)
    for text in ("2026年春节送温暖发放签收表", "测试中学工会委员会", "制表日期：2026-11-22", "陈芳", "一车间", f"第 1 页，共 {pages} 页"):
        assert text in first
    second = pdf_text(path, 2)
    for text in ("测试中学工会委员会", "序号", "签字", f"第 2 页，共 {pages} 页"):
        assert text in second
    assert "合计：62人" in pdf_text(path, pages)
    numbers = [int(n) for page in range(1, pages + 1) for n in re.findall(r"^(\d+)$", pdf_text(path, page), re.M)
               if int(n) <= 62]
    assert sorted(set(numbers)) == list(range(1, 63))  # every row printed, none lost at a page break


@needs_pdftotext
def test_the_ledger_pdf_is_landscape_and_longer_than_a_page(qapp, profiled_db, care, tmp_path):
    from gonghui_desk.care.visits import VisitInput, VisitStore
    from gonghui_desk.ui.printing import print_to_pdf

    visits = VisitStore(profiled_db, today=TODAY)
    for day in range(1, 61):
        visits.save(VisitInput(care["li"], care["occasions"]["结婚"], visit_date=f"2025-03-{day % 28 + 1:02d}",
                               visitors="王主席、李委员、张委员", cash_fen=10000 * day))
    path = tmp_path / "台账.pdf"

    pages = print_to_pdf(ledger_print_table(profiled_db, LedgerFilter(), today=TODAY), path)

    assert pages > 1
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert re.search(r"Page size:\s+842 x 595 pts \(A4\)", info)  # landscape
    text = pdf_text(path)
    assert "慰问台账" in text and "李四" in text and "张三" in text
    assert all(label in pdf_text(path, 2) for label in ("序号", "慰问类别", "经费来源"))  # the header again
    assert not re.search("[\u2e80-\u2fdf]", text)  # no radicals in place of ideographs (一车间, not ⼀⻋间)


def test_radical_codes_in_the_text_map_are_swapped_in_place():
    from gonghui_desk.ui.printing import fix_text_mapping

    cmap = (b"/CIDInit /ProcSet findresource begin\nbegincmap\n2 beginbfrange\n<0000> <0000> <0000>\n"
            b"<0001> <0003> [<67D0> <2F00> <2ECB> ]\n<0004> <0004> <2F00>\n<2F00> <2F09> <2F00>\nendbfrange\nendcmap")
    pdf = b"%PDF-1.4\nstream\n" + cmap + b"\nendstream\n<2F00>"

    fixed = fix_text_mapping(pdf, {b"2F00": b"4E00", b"2ECB": b"8F66"})

    assert len(fixed) == len(pdf)
    assert b"[<67D0> <4E00> <8F66> ]" in fixed and b"<0004> <0004> <4E00>" in fixed
    assert b"<2F00> <2F09> <2F00>" in fixed  # a linear range keeps its codes
    assert fixed.endswith(b"endstream\n<2F00>")  # nothing outside the text map changes


def test_print_to_pdf_refuses_a_missing_folder(qapp, tmp_path):
    from gonghui_desk.errors import UserError
    from gonghui_desk.ui.printing import print_to_pdf

    with pytest.raises(UserError, match="文件夹不存在"):
        print_to_pdf(small_table(), tmp_path / "missing" / "x.pdf")


def test_the_print_preview_uses_a4_in_the_table_orientation(qtbot, profiled_db, care, tmp_path):
    from PySide6.QtGui import QPageLayout, QPageSize
    from PySide6.QtWidgets import QWidget

    from gonghui_desk.ui.printing import paint_table, print_preview

    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = print_preview(parent, ledger_print_table(profiled_db, LedgerFilter(), today=TODAY))
    layout = dialog.printer.pageLayout()
    assert layout.orientation() == QPageLayout.Landscape
    assert layout.pageSize().id() == QPageSize.A4
    assert dialog.windowTitle() == "打印预览 - 慰问台账"
    dialog.printer.setOutputFormat(dialog.printer.OutputFormat.PdfFormat)
    dialog.printer.setOutputFileName(str(tmp_path / "preview.pdf"))
    assert paint_table(dialog.printer, dialog.table) >= 1
    dialog.close()


# --- forms ---------------------------------------------------------------------------------------------------------
def sample_form(blocks, **changes):
    from gonghui_desk.printing import PrintForm

    fields = dict(title="提案表", union_name="测试工会", date_text="制表日期：2026-11-22", subtitle_lines=["编号：1"],
                  blocks=blocks, footer_line="制表人：____")
    return PrintForm(**{**fields, **changes})


def tall_grid(name: str, rows: int):
    from gonghui_desk.printing import FormGrid, label_cell, value_cell

    return FormGrid([[label_cell(f"{name}{n}"), value_cell(f"{name}值{n}", 2)] for n in range(1, rows + 1)],
                    [1, 1, 1], caption=name)


def test_the_form_html_has_grids_tables_and_paragraphs_with_every_text_escaped():
    from gonghui_desk.printing import FormParagraph, FormTable, form_texts, form_to_html, label_cell, value_cell
    from gonghui_desk.printing import FormGrid

    grid = FormGrid([[label_cell("案由"), value_cell("<改善> & 食堂", 3)],
                     [label_cell("审查意见", min_height_mm=30), value_cell("（签章）", 3, min_height_mm=30,
                                                                          align="right", valign="bottom")]],
                    [1, 1, 1, 1], caption="一、提案")
    table = FormTable("附议人", [PrintColumn("姓名", 1, "center"), PrintColumn("部门", 3)], [])
    form = sample_form([grid, table, FormParagraph("注：第一行\n第二行")])

    html = form_to_html(form)

    assert "&lt;改善&gt; &amp; 食堂" in html and "<改善>" not in html
    assert re.search(r'<td colspan="3" width="75\.000%" align="left" valign="middle" style="[^"]*">&lt;改善', html)
    assert re.search(r'<td width="25\.000%" align="center" valign="middle" style="[^"]*background-color: #d9d9d9;'
                     r' font-weight: bold;[^"]*">案由</td>', html)
    room = re.search(r'valign="bottom" style="[^"]*padding-top: (\d+)px;[^"]*">（签章）</td>', html)
    assert int(room[1]) > 80  # 30 mm to write in, above the line at the bottom
    assert "（无）" in html and "注：第一行<br />第二行" in html
    assert html.count("<table ") == 2 and "<thead>" in html
    assert form_texts(form)[:5] == ["提案表", "测试工会", "制表日期：2026-11-22", "编号：1", "一、提案"]
    assert "（无）" in form_texts(form) and form_texts(form)[-1] == "制表人：____"


def test_a_grid_row_must_fill_the_grid():
    from gonghui_desk.printing import FormGrid, label_cell, value_cell

    with pytest.raises(ValueError, match="grid row 1 fills 4 columns of 3"):
        FormGrid([[label_cell("案由"), value_cell("x", 3)]], [1, 1, 1])


@needs_pdftotext
def test_a_form_block_that_would_cross_a_page_break_starts_the_next_page(qapp, tmp_path):
    from gonghui_desk.ui.printing import print_to_pdf

    form = sample_form([tall_grid("甲", 20), tall_grid("乙", 20), tall_grid("丙", 6)])
    path = tmp_path / "表.pdf"

    pages = print_to_pdf(form, path)

    assert pages == 2
    first, second = pdf_text(path, 1), pdf_text(path, 2)
    assert "提案表" in first and "甲20" in first and "第 1 页，共 2 页" in first
    assert "乙" not in first and all(f"乙{n}" in second for n in range(1, 21))  # 乙 kept whole, on page 2
    assert "丙6" in second and "制表人" in second and "测试工会" in second
