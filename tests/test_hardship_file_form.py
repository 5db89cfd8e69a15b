"""The 困难职工档案表: one household's file as a printable form (its texts, masking, HTML and PDF)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from gonghui_desk.errors import UserError
from gonghui_desk.hardship.file_form import file_form
from gonghui_desk.hardship.files import FamilyMemberInput, FileInput, HardshipFileStore
from gonghui_desk.idcard import mask_account, mask_id_number
from gonghui_desk.printing import FormGrid, FormParagraph, FormTable, form_texts, form_to_html
from gonghui_desk.union import ensure_sub_unit_path
from tests.conftest import TODAY, VALID_IDS
from tests.test_hardship_files import CHILD_ID, SPOUSE_ID, valid_id

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (poppler-utils) is not installed")
ACCOUNT = "6222021234567890123"
PHONE = "13812345678"


@pytest.fixture
def household(profiled_db, store):
    """张三 (一车间/甲班) and his household: wife, son and five more relatives, two reviews."""
    unit = ensure_sub_unit_path(profiled_db, "一车间/甲班", kind="工会小组")
    member_id = store.create({"name": "张三", "sex": "男", "id_number": VALID_IDS["man_1985"], "phone": PHONE,
                              "sub_unit_id": unit, "political_status": "中共党员"}, today=TODAY)
    files = HardshipFileStore(profiled_db, today=TODAY)
    family = [FamilyMemberInput("李芳", "配偶", SPOUSE_ID, health="患大病", monthly_income_fen=80000, identity="在岗",
                                unit_or_school="某纺织厂"),
              FamilyMemberInput("张小明", "子女", CHILD_ID, identity="学生", unit_or_school="某理工大学")]
    family += [FamilyMemberInput(f"亲属{n}", "其他", valid_id(f"1101011950010{n}001"), identity="无业")
               for n in range(1, 7)]  # eight family members in all
    file_id = files.open_file(FileInput(
        member_id, category="特困", level="县级", main_cause="因病", secondary_cause="因学", health="一般",
        housing_type="租住私房", housing_area="45", medical_insurance="城镇职工医保", marital_status="已婚",
        zero_employment=False, monthly_income_fen=250000, other_annual_income_fen=360000, household_size=10,
        bank_name="中国工商银行某支行", bank_account=ACCOUNT, opened_on="2025-03-01", opened_by="王建国",
        checked_by="李主席", notes="配偶透析治疗\n长子在读大学"), family)
    files.add_review(file_id, "2026-02-27", "继续帮扶", "赵委员", "收入无变化")
    return {"db": profiled_db, "file_id": file_id, "member_id": member_id, "files": files}


def texts(form) -> str:
    return "\n".join(form_texts(form))


def test_the_form_has_the_head_the_incomes_the_family_and_the_reviews(household):
    form = file_form(household["db"], household["file_id"], prepared_by="刘会计", today=TODAY)

    assert form.title == "困难职工档案表" and not form.landscape
    assert form.union_name == "测试中学工会委员会" and form.date_text == "制表日期：2026-11-22"
    assert form.subtitle_lines == [f"档案编号：{household['file_id']}　　建档日期：2025-03-01　　档案状态：在档"]
    text = texts(form)
    for expected in ("张三", "男", "中共党员", "1985-03-07（41岁）", "一车间/甲班", "已婚", "一般", "租住私房", "45 平方米",
                     "城镇职工医保", "特困", "县级", "因病", "因学", "中国工商银行某支行", "配偶透析治疗\n长子在读大学",
                     "王建国", "李主席", "制表人：刘会计"):
        assert expected in text, expected
    # 12 × 2,500 + 3,600 + 12 × 800 = 43,200 元 a year; ÷ 12 ÷ 10 persons = 360 元 a month
    for expected in ("2,500.00 元", "3,600.00 元", "43,200.00 元", "10 人", "360.00 元"):
        assert expected in text, expected
    family = next(b for b in form.blocks if isinstance(b, FormTable) and b.caption.startswith("家庭成员"))
    assert [c.label for c in family.columns] == ["姓名", "与户主\n关系", "身份证号", "出生日期", "健康状况",
                                                 "月收入(元)", "身份", "单位或学校"]
    assert [row[0] for row in family.rows] == ["李芳", "张小明", *(f"亲属{n}" for n in range(1, 7))]
    assert family.rows[0] == ["李芳", "配偶", mask_id_number(SPOUSE_ID), "1987-03-05", "患大病", "800.00", "在岗",
                              "某纺织厂"]
    reviews = next(b for b in form.blocks if isinstance(b, FormTable) and b.caption == "年度复核记录")
    assert reviews.rows == [["2026-02-27", "继续帮扶", "赵委员", "收入无变化"]]
    assert "基层工会意见" in text and "（盖章）　　　　年　　月　　日" in text


def test_numbers_are_masked_unless_the_full_ones_are_asked_for(household):
    masked = texts(file_form(household["db"], household["file_id"], today=TODAY))
    assert "110101********0013" in masked and VALID_IDS["man_1985"] not in masked
    assert mask_id_number(SPOUSE_ID) in masked and SPOUSE_ID not in masked
    assert "**** **** **** **** 0123" in masked and ACCOUNT not in masked
    assert "138****5678" in masked and PHONE not in masked
    assert "注：为保护个人信息" in masked

    full = texts(file_form(household["db"], household["file_id"], show_full_numbers=True, today=TODAY))
    for number in (VALID_IDS["man_1985"], SPOUSE_ID, CHILD_ID, ACCOUNT, PHONE):
        assert number in full
    assert "*" not in full and "注：为保护个人信息" not in full


def test_mask_account_keeps_the_last_four_digits():
    assert mask_account("6222021234567890123") == "**** **** **** **** 0123"
    assert mask_account("12345678") == "**** 5678"
    assert mask_account("") == "" and mask_account(None) == ""


def test_a_voided_or_missing_file_is_not_printed(household):
    household["files"].void_file(household["file_id"], "重复建档")
    with pytest.raises(UserError, match="已作废"):
        file_form(household["db"], household["file_id"], today=TODAY)
    with pytest.raises(UserError, match="不存在"):
        file_form(household["db"], 999, today=TODAY)


def test_a_closed_file_shows_when_and_why_and_a_file_without_family_says_so(profiled_db, store):
    member_id = store.create({"name": "王五", "sex": "女"}, today=TODAY)
    files = HardshipFileStore(profiled_db, today=TODAY)
    file_id = files.open_file(FileInput(member_id, category="困难", main_cause="因学", opened_on="2024-01-01"))
    files.close_file(file_id, "脱困", "2026-06-30", "子女毕业就业")

    form = file_form(profiled_db, file_id, today=TODAY)

    assert "档案状态：脱困（2026-06-30）" in form.subtitle_lines[0]
    text = texts(form)
    assert "脱困日期" in text and "子女毕业就业" in text and "（无）" in text
    assert not any(isinstance(b, FormTable) and b.caption == "年度复核记录" for b in form.blocks)


def test_the_form_html_escapes_every_text(household):
    db, file_id = household["db"], household["file_id"]
    data, family = household["files"].as_input(file_id)
    data.notes = "<b>加粗</b> & \"引号\""
    family[0].name = "<i>李芳</i>"
    household["files"].update_file(file_id, data, family)

    html = form_to_html(file_form(db, file_id, today=TODAY))

    assert "&lt;b&gt;加粗&lt;/b&gt; &amp; &quot;引号&quot;" in html and "<b>" not in html
    assert "&lt;i&gt;李芳&lt;/i&gt;" in html and "<i>" not in html
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")


def test_grid_rows_must_fill_the_columns_counting_rowspans():
    from gonghui_desk.printing import label_cell, value_cell

    grid = FormGrid([[label_cell("一", rowspan=2), label_cell("姓名"), value_cell("张三")],
                     [label_cell("性别"), value_cell("男")]], [0.4, 1, 1])
    assert grid.first_columns() == [[0, 1, 2], [1, 2]]
    html = form_to_html_of(grid)
    assert 'rowspan="2"' in html and html.count("<tr>") == 2
    with pytest.raises(ValueError, match="grid row 2 fills 1 columns of 3"):
        FormGrid([[label_cell("姓名"), value_cell("张三", 2)], [label_cell("性别")]], [0.4, 1, 1])
    with pytest.raises(ValueError, match="spans rows below the last"):
        FormGrid([[label_cell("一", rowspan=3), value_cell("x")], [value_cell("y")]], [1, 1])


def form_to_html_of(*blocks) -> str:
    from gonghui_desk.printing import PrintForm

    return form_to_html(PrintForm("表", "工会", "制表日期：2026-11-22", [], list(blocks)))


def test_page_breaks_start_blocks_on_a_new_page():
    from gonghui_desk.printing import PrintColumn, PrintForm

    table = FormTable("复核", [PrintColumn("日期", 1), PrintColumn("结果", 1)], [["2026-01-01", "继续帮扶"]])
    form = PrintForm("表", "工会", "", [], [FormParagraph("甲"), table, FormParagraph("乙")])
    assert "page-break-before" not in form_to_html(form)
    assert form_to_html(form, page_breaks=[0]).count("page-break-before") == 0  # never before the first block
    html = form_to_html(form, page_breaks=[1, 2])
    assert re.search(r'<table [^>]*page-break-before: always', html)
    assert re.search(r'<p class="note" style="page-break-before: always;">乙</p>', html)


# --- PDF ---------------------------------------------------------------------------------------------------------
def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@needs_pdftotext
def test_the_pdf_of_a_household_of_nine_has_one_or_two_pages(qapp, household, tmp_path):
    from gonghui_desk.ui.printing import print_to_pdf

    path = tmp_path / "档案表.pdf"
    pages = print_to_pdf(file_form(household["db"], household["file_id"], today=TODAY), path)

    assert 1 <= pages <= 2
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+%d\b" % pages, info) and re.search(r"Page size:\s+595 x 842 pts", info)
    text = pdf_text(path)
    for expected in ("困难职工档案表", "张三", "测试中学工会委员会", "一车间/甲班", "43,200.00", "亲属6", "赵委员",
                     "基层工会意见", f"第 {pages} 页，共 {pages} 页"):
        assert expected in text, expected
    assert VALID_IDS["man_1985"] not in text
    assert not re.search("[\u2e80-\u2fdf]", text)  # the text map names ideographs, not radicals


@needs_pdftotext
def test_a_small_household_fits_on_one_page(qapp, profiled_db, store, tmp_path):
    from gonghui_desk.ui.printing import print_to_pdf

    member_id = store.create({"name": "赵六", "sex": "男"}, today=TODAY)
    file_id = HardshipFileStore(profiled_db, today=TODAY).open_file(
        FileInput(member_id, category="困难", main_cause="因病", opened_on="2026-01-05"),
        [FamilyMemberInput("钱七", "配偶"), FamilyMemberInput("赵小八", "子女", identity="学生")])

    assert print_to_pdf(file_form(profiled_db, file_id, today=TODAY), tmp_path / "一页.pdf") == 1
