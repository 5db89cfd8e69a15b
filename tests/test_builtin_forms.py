"""The built-in upstream forms (gonghui_desk.exporting.builtin_forms): the registry, the periods, the layout every
form shares (title, union, period, header, 制表人/审核人/日期, print titles, A4, IDs as text, no formulas), and
every form's figures — on small hand-built databases against numbers worked out by hand, and on demo databases
against plain SQL written here, independent of the app's own queries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from gonghui_desk.congress.proposals import ProposalInput, ProposalStore, ReviewInput
from gonghui_desk.care.occasions import find_occasion
from gonghui_desk.db import open_database
from gonghui_desk.demo import generate_demo
from gonghui_desk.documents.wording import percent_text
from gonghui_desk.errors import Cancelled, UserError
from gonghui_desk.exporting.builtin_forms import BUILTIN_FORMS, default_period, find_form, form_names, resolve_period
from gonghui_desk.union import UnionProfile, add_committee_member, add_sub_unit, save_profile, set_staff_count
from tests.conftest import TODAY
from tests.test_congress_store import make_congress
from tests.test_events_register import make_year

UNION = "测试机械有限公司工会委员会"
PREPARED_BY = "赵会计"
SIGNATURE = f"制表人：{PREPARED_BY}  审核人：____  日期：____"
HEADER_ROW = 4
ID_LABELS = ("身份证号", "手机号", "联系电话", "会员证号", "编号")
SLUGS = ["roster", "member-info", "new-members", "hardship-roster", "care-payments", "golden-autumn", "proposals",
         "awards", "honours", "yearly-stats"]


# --- reading a written form back -------------------------------------------------------------------------
class Sheet:
    """A written form: the worksheet, its header, its data rows (dicts by header label, and the cells), and
    the lines under the table."""

    def __init__(self, path: Path):
        self.path = path
        self.ws = load_workbook(path).active
        ws = self.ws
        self.header = [c.value for c in ws[HEADER_ROW]]
        self.rows: list[dict] = []
        self.cells: list[dict] = []
        row_number = HEADER_ROW + 1
        while row_number <= ws.max_row and any(c.value is not None for c in ws[row_number]):
            cells = dict(zip(self.header, ws[row_number]))
            self.cells.append(cells)
            self.rows.append({label: cell.value for label, cell in cells.items()})
            row_number += 1
        self.notes = [ws.cell(r, 1).value for r in range(row_number + 1, ws.max_row + 1) if ws.cell(r, 1).value]

    @property
    def title(self) -> str:
        return self.ws["A1"].value

    @property
    def subtitle(self) -> str:
        return self.ws["A2"].value

    def column(self, label: str) -> list:
        return [row[label] for row in self.rows]

    def note(self, start: str) -> str:
        return next(line for line in self.notes if line.startswith(start))


def write(db, tmp_path, name: str, **options) -> Sheet:
    form = find_form(name)
    options.setdefault("today", TODAY)
    options.setdefault("prepared_by", PREPARED_BY)
    path = form.write(db, tmp_path / f"{name}.xlsx", **options)
    assert path == tmp_path / f"{name}.xlsx" and path.exists()
    return Sheet(path)


def assert_conventions(sheet: Sheet, title: str, union: str = UNION) -> None:
    """What every built-in form has (DOMAIN.md §5)."""
    ws = sheet.ws
    width = len(sheet.header)
    last = get_column_letter(width)
    assert sheet.title == title and ws["A1"].font.b
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {f"A1:{last}1", f"A2:{last}2"} <= merged
    assert sheet.subtitle  # the period, or the scope of a list of the current state
    assert ws["A3"].value == f"工会名称：{union}"
    assert ws.cell(3, width).value == f"制表日期：{TODAY.isoformat()}"
    assert all(label for label in sheet.header)
    assert all(c.font.b and c.border.bottom.style == "thin" for c in ws[HEADER_ROW])
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"  # the header on every printed page
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToWidth) == 1
    assert "&P" in ws.oddFooter.center.text
    assert sheet.notes[-1] == SIGNATURE
    # every line under the table spans it (a long one wraps instead of running off the page)
    note_rows = [r for r in range(HEADER_ROW + len(sheet.rows) + 2, ws.max_row + 1) if ws.cell(r, 1).value]
    assert all(f"A{r}:{last}{r}" in merged for r in note_rows)
    for label in sheet.header:
        if any(word in label for word in ID_LABELS):
            for cell in (cells[label] for cells in sheet.cells):
                if cell.value is not None:
                    assert isinstance(cell.value, str) and cell.data_type == "s" and cell.number_format == "@"
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} holds a formula"


# --- the registry and the periods ------------------------------------------------------------------------
def test_the_registry_lists_every_form_once_with_its_words():
    assert form_names() == SLUGS
    assert len({f.title for f in BUILTIN_FORMS}) == len(BUILTIN_FORMS)
    assert [f.title for f in BUILTIN_FORMS] == [
        "会员花名册", "会员信息采集表", "新入会会员名单", "困难职工花名册", "送温暖/慰问金发放统计表", "金秋助学资助名单",
        "提案汇总表", "竞赛获奖名单", "荣誉名单", "工会基本情况统计表"]
    assert all(f.description and "\n" not in f.description for f in BUILTIN_FORMS)
    assert [f.name for f in BUILTIN_FORMS if not f.needs_period] == ["roster", "hardship-roster"]


def test_find_form_by_slug_or_chinese_title():
    assert find_form("yearly-stats").title == "工会基本情况统计表"
    assert find_form(" Member_Info ").name == "member-info"
    assert find_form("金秋助学资助名单").name == "golden-autumn"
    assert find_form("送温暖/慰问金发放统计表").name == find_form("送温暖慰问金发放统计表").name == "care-payments"
    with pytest.raises(UserError) as error:
        find_form("花名册2")
    assert "没有名为“花名册2”的内置报表" in str(error.value)
    assert all(f"{f.name}（{f.title}）" in str(error.value) for f in BUILTIN_FORMS)


def test_periods_default_to_the_calendar_year_and_take_either_end():
    assert default_period(TODAY) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    period = resolve_period(today=TODAY)
    assert (period.start, period.end, period.label) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2026年")
    assert period.text == "2026年（2026-01-01 至 2026-12-31）"
    assert resolve_period("2026-01-01", "2026-06-30").label == "2026年上半年"
    assert resolve_period(None, "2025-03-31").start == dt.date(2025, 1, 1)
    assert resolve_period("2025/7/1", None).end == dt.date(2025, 12, 31)
    with pytest.raises(UserError, match="晚于"):
        resolve_period("2026-12-01", "2026-01-01")
    with pytest.raises(UserError, match="开始日期“明年”不是日期"):
        resolve_period("明年", "2026-01-01")


def test_default_file_names():
    assert find_form("member-info").default_file_name(today=TODAY) == "2026年会员信息采集表.xlsx"
    assert find_form("roster").default_file_name(today=TODAY) == "会员花名册-20261122.xlsx"
    assert (find_form("care-payments").default_file_name("2026-01-01", "2026-06-30", today=TODAY)
            == "2026年上半年送温暖、慰问金发放统计表.xlsx")


# --- members: a hand-built year --------------------------------------------------------------------------
@pytest.fixture
def year(db, store):
    """make_year's members (tests.test_events_register): 张三, 李四, 王五, 吴十 在册 since 2010; 赵六 退休 on
    2026-06-01; 孙八 转出 on 2026-10-01; 周九 joined on 2026-10-01; 钱七 voided. Plus the organisation: a
    分工会 besides 一车间, 甲班 (工会小组) and 行政部; three 工会委员会 members (one woman), one 经审委员; 8 staff
    in 2026; 李四's notes and 王五's position typed as formulas."""
    data = make_year(db, store)
    save_profile(db, UnionProfile(name=UNION, kind="企业"))
    add_sub_unit(db, "第一分工会", kind="分工会")
    people = data["people"]
    add_committee_member(db, "工会委员会", "张三", "主席", member_id=people["张三"])
    add_committee_member(db, "工会委员会", "李四", member_id=people["李四"])
    add_committee_member(db, "工会委员会", "外聘委员")
    add_committee_member(db, "经审委员会", "王五", member_id=people["王五"])
    set_staff_count(db, 2026, 8)
    store.update(people["李四"], {"notes": "=1+1"})
    store.update(people["王五"], {"position": "@SUM(A1)"})
    return data


def test_every_form_keeps_the_conventions_on_a_small_union(year, tmp_path):
    for form in BUILTIN_FORMS:
        sheet = write(year["db"], tmp_path, form.name)
        expected = {"proposals": "提案汇总表", "hardship-roster": "困难职工档案名册"}.get(form.name, form.title)
        assert_conventions(sheet, expected)
        if form.needs_period and form.name not in ("member-info", "honours"):
            assert "2026年（2026-01-01 至 2026-12-31）" in sheet.subtitle


def test_member_info_lists_the_roll_on_the_periods_last_day(year, tmp_path):
    sheet = write(year["db"], tmp_path, "member-info")  # 2026, not over yet: the roll today
    assert sheet.subtitle == "截至 2026-11-22 在册的会员（含退休会员）（身份证号、手机号已部分隐去）"
    assert sorted(sheet.column("姓名")) == sorted(["张三", "李四", "王五", "赵六", "周九", "吴十"])
    status = dict(zip(sheet.column("姓名"), sheet.column("会员状态")))
    assert status["赵六"] == "退休" and status["张三"] == "在职"
    assert sheet.column("序号") == list(range(1, 7))
    assert sheet.note("合计") == "合计：共 6 人，其中在职 5 人、退休 1 人；女会员 3 人，农民工会员 0 人"
    for label in ("民族", "政治面貌", "学历", "身份证号", "手机号", "入会日期", "会员证号", "部门", "工会小组"):
        assert label in sheet.header
    # the roll as it was on 2026-05-31: 孙八 still there, 赵六 still working, 周九 not yet a member
    sheet = write(year["db"], tmp_path, "member-info", period_start="2026-01-01", period_end="2026-05-31")
    assert sheet.subtitle == "截至 2026-05-31 在册的会员（含退休会员）（身份证号、手机号已部分隐去）"
    assert sorted(sheet.column("姓名")) == sorted(["张三", "李四", "王五", "赵六", "孙八", "吴十"])
    assert dict(zip(sheet.column("姓名"), sheet.column("会员状态")))["赵六"] == "在职"


def test_formula_like_text_stays_text(year, tmp_path):
    sheet = write(year["db"], tmp_path, "member-info")
    row = next(cells for cells in sheet.cells if cells["姓名"].value == "李四")
    assert row["备注"].value == "=1+1" and row["备注"].data_type == "s" and row["备注"].quotePrefix
    row = next(cells for cells in sheet.cells if cells["姓名"].value == "王五")
    assert row["职务/岗位"].value == "@SUM(A1)" and row["职务/岗位"].quotePrefix


def test_new_members_are_those_who_joined_in_the_period(year, tmp_path):
    sheet = write(year["db"], tmp_path, "new-members")
    assert sheet.column("姓名") == ["周九"]
    assert sheet.rows[0]["入会日期"].date() == dt.date(2026, 10, 1) and sheet.rows[0]["目前状态"] == "在册"
    assert sheet.note("合计") == "合计：新入会会员 1 人，其中女会员 0 人，农民工会员 0 人"
    assert write(year["db"], tmp_path, "new-members", period_start="2025-01-01", period_end="2025-12-31").rows == []


def test_roster_lists_the_current_roll(year, tmp_path):
    sheet = write(year["db"], tmp_path, "roster", period_start="2020-01-01", period_end="2020-12-31")
    # a list of the current state: the period is not used; numbers masked unless asked for
    assert sheet.subtitle == "范围：状态：在册、退休（身份证号、手机号已部分隐去）"
    assert sorted(sheet.column("姓名")) == sorted(["张三", "李四", "王五", "赵六", "周九", "吴十"])
    assert sheet.note("合计") == "合计：共 6 人"


def stat_lines(sheet: Sheet) -> dict[str, dict]:
    return {row["项目"].strip("\u3000"): row for row in sheet.rows}


def test_yearly_statistics_of_a_small_union(year, tmp_path):
    sheet = write(year["db"], tmp_path, "yearly-stats")
    assert sheet.header == ["项目", "单位", "数值", "金额(元)", "说明（统计口径）"]
    assert sheet.subtitle == "统计期间：2026年（2026-01-01 至 2026-12-31）；时点数截至 2026-11-22"
    s = stat_lines(sheet)
    figures = {item: (row["单位"], row["数值"]) for item, row in s.items() if row["单位"]}
    assert figures == {
        "会员总数": ("人", 6), "其中：在职会员": ("人", 5), "退休会员": ("人", 1), "其中：女会员": ("人", 3),
        "其中：农民工会员": ("人", 0), "新入会会员": ("人", 1), "职工人数": ("人", 8), "入会率": ("%", "62.5%"),
        "分工会": ("个", 1), "工会小组": ("个", 1), "部门": ("个", 2), "工会委员会委员": ("人", 3),
        "其中：女委员": ("人", 1), "经审委员会委员": ("人", 1), "女职工委员会委员": ("人", 0),
        "走访慰问": ("人次", 0), "慰问人数（不重复计人）": ("人", 0), "困难职工帮扶": ("户", 0), "帮扶人次": ("人次", 0),
        "其中：金秋助学资助学生": ("名", 0), "召开职代会会议": ("次", 0), "收到提案": ("件", 0), "立案": ("件", 0),
        "立案率": ("%", "—"),
    }
    assert s["入会率"]["说明（统计口径）"] == "在职会员5人÷2026年职工8人＝62.5%（截至2026年11月22日；退休会员不计）"
    assert "2026年11月22日" in s["会员总数"]["说明（统计口径）"]
    assert s["立案率"]["说明（统计口径）"] == "没有收到提案，无法计算"
    assert [row["项目"] for row in sheet.rows if not row["单位"]] == ["一、会员", "二、组织", "三、送温暖与帮扶", "四、民主管理"]
    assert all(row["说明（统计口径）"] for row in sheet.rows if row["单位"])  # every figure states its base


def test_yearly_statistics_without_a_staff_count_or_with_too_few_staff(year, tmp_path):
    set_staff_count(year["db"], 2026, None)
    s = stat_lines(write(year["db"], tmp_path, "yearly-stats"))
    assert s["职工人数"]["数值"] == "—" and s["入会率"]["数值"] == "—"
    assert "未登记" in s["入会率"]["说明（统计口径）"]
    set_staff_count(year["db"], 2026, 4)  # fewer than the 5 working members: a rate above 100% is not shown
    s = stat_lines(write(year["db"], tmp_path, "yearly-stats"))
    assert s["职工人数"]["数值"] == 4 and s["入会率"]["数值"] == "—"
    assert "请核对职工人数" in s["入会率"]["说明（统计口径）"]


def test_yearly_statistics_of_a_past_year_count_the_roll_on_its_last_day(year, tmp_path):
    sheet = write(year["db"], tmp_path, "yearly-stats", period_start="2025-01-01", period_end="2025-12-31")
    s = stat_lines(sheet)
    # on 2025-12-31: 张三, 李四, 王五, 赵六 (still working), 孙八, 吴十; 钱七 voided; 周九 not yet
    assert (s["会员总数"]["数值"], s["其中：在职会员"]["数值"], s["退休会员"]["数值"]) == (6, 6, 0)
    assert s["新入会会员"]["数值"] == 0
    assert s["职工人数"]["数值"] == "—"  # only 2026 has a staff count: 2025 and 2024 have none


def test_awards_of_the_year_across_events(year, tmp_path):
    sheet = write(year["db"], tmp_path, "awards")
    assert sheet.header[:3] == ["序号", "活动名称", "项目"]
    # 职工运动会: 张三 决赛 and 初赛 (a rank), 李四, 一车间队, 行政部队 and the 组织奖; the quiz had no results
    assert sheet.column("活动名称") == ["第3届职工运动会"] * 6
    assert sheet.column("序号") == list(range(1, 7))
    assert sheet.note("合计") == ("合计：已举办活动 2 场，获奖 5 人次（3 人），另有集体奖 1 项，奖金合计 2,600 元；"
                                "推荐参加上级比赛 1 人次（1 人）")
    assert write(year["db"], tmp_path, "awards", period_start="2025-01-01", period_end="2025-12-31").rows == []


# --- care and aid: a hand-built ledger -------------------------------------------------------------------
def _visit(db, member_id, occasion, visit_date, *, cash=0, goods=0, source="", relation="本人", relative="",
           voided=False, event_date=None):
    db.conn.execute(
        """INSERT INTO visits (member_id, recipient_relation, recipient_name, occasion_id, event_date, visit_date,
                               cash_fen, goods_desc, goods_value_fen, fund_source, voided_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [member_id, relation, relative, find_occasion(db, occasion).id, event_date or visit_date, visit_date, cash,
         "慰问品" if goods else "", goods, source, "2026-11-01T00:00:00" if voided else None])


@pytest.fixture
def care(ledger):
    """conftest's aid ledger (2026: 张三 生活救助 1,000 元 本级经费 and 500 元 + 200 元 goods 上级帮扶资金, 金秋助学
    3,000 元 社会捐助 for 张小明; 李四 节日送温暖 500 元 上级帮扶资金 on his old file and 临时救助 800 元 行政 on the
    reopened one; two applications not paid; one voided; one in 2025) and these visits."""
    db, m = ledger["db"], ledger["members"]
    save_profile(db, UnionProfile(name=UNION, kind="企业"))
    _visit(db, m["张三"], "生病住院", "2026-02-01", cash=50000, source="本级工会经费")
    _visit(db, m["张三"], "生病住院", "2026-03-01", cash=30000, goods=10000, source="本级工会经费")
    _visit(db, m["李四"], "生病住院", "2026-04-01", cash=20000, source="行政", relation="父亲", relative="李老汉")
    _visit(db, m["王五"], "节日慰问", "2026-01-20", goods=20000, source="本级工会经费")
    _visit(db, m["李四"], "节日慰问", "2026-01-20", cash=10000)  # no fund source given
    _visit(db, m["王五"], "生病住院", None, cash=50000, event_date="2026-11-01")  # 待走访
    _visit(db, m["张三"], "结婚", "2026-05-01", cash=100000, voided=True)
    _visit(db, m["王五"], "生日", "2025-12-30", cash=5000)
    return ledger


def _lines(sheet: Sheet) -> list[tuple]:
    return [(r["项目"], r["慰问类别/帮扶类型"], r["经费来源"], r["户数"], r["人次"], r["现金(元)"], r["物资折合(元)"],
             r["金额合计(元)"]) for r in sheet.rows]


def test_care_payments_by_occasion_and_fund_source(care, tmp_path):
    sheet = write(care["db"], tmp_path, "care-payments")
    assert_conventions(sheet, "送温暖/慰问金发放统计表")
    assert sheet.header == ["序号", "项目", "慰问类别/帮扶类型", "经费来源", "户数", "人次", "现金(元)", "物资折合(元)",
                            "金额合计(元)"]
    assert _lines(sheet) == [
        ("走访慰问", "生病住院", "本级工会经费", 1, 2, 800, 100, 900),
        ("走访慰问", "生病住院", "行政", 1, 1, 200, 0, 200),
        ("走访慰问", "生病住院小计", None, 2, 3, 1000, 100, 1100),
        ("走访慰问", "节日慰问", "本级工会经费", 1, 1, 0, 200, 200),
        ("走访慰问", "节日慰问", "未注明", 1, 1, 100, 0, 100),
        ("走访慰问", "节日慰问小计", None, 2, 2, 100, 200, 300),
        ("走访慰问", "合计", None, 3, 5, 1100, 300, 1400),
        ("困难帮扶", "金秋助学", "社会捐助", 1, 1, 3000, 0, 3000),
        ("困难帮扶", "生活救助", "本级经费", 1, 1, 1000, 0, 1000),
        ("困难帮扶", "生活救助", "上级帮扶资金", 1, 1, 500, 200, 700),
        ("困难帮扶", "生活救助小计", None, 1, 2, 1500, 200, 1700),
        ("困难帮扶", "临时救助", "行政", 1, 1, 800, 0, 800),
        ("困难帮扶", "节日送温暖", "上级帮扶资金", 1, 1, 500, 0, 500),
        ("困难帮扶", "合计", None, 2, 5, 5800, 200, 6000),  # 李四's old and reopened files: one household
        ("总计", None, None, 3, 10, 6900, 500, 7400),
        ("其中", "按经费来源", "社会捐助", 1, 1, 3000, 0, 3000),
        ("其中", "按经费来源", "上级帮扶资金", 2, 2, 1000, 200, 1200),
        ("其中", "按经费来源", "本级工会经费", 2, 3, 800, 300, 1100),
        ("其中", "按经费来源", "本级经费", 1, 1, 1000, 0, 1000),
        ("其中", "按经费来源", "行政", 1, 2, 1000, 0, 1000),  # 李四's father visited and 李四 aided: one household
        ("其中", "按经费来源", "未注明", 1, 1, 100, 0, 100),
    ]
    assert [r["序号"] for r in sheet.rows if r["序号"]] == list(range(1, 10))
    assert sheet.cells[0]["现金(元)"].number_format == "#,##0.00"
    assert sheet.note("合计") == ("合计：发放 10 人次，涉及 3 户，金额 7,400 元（走访慰问 5 人次 1,400 元，"
                                "困难帮扶 5 人次 6,000 元）。")
    assert sheet.note("注") == "注：另有待走访 1 人次、申请或审核中的帮扶 2 条，未计入本表。作废的记录不计。"


def test_care_payments_agree_with_plain_sql(care, tmp_path):
    check_care_payments(care["db"], write(care["db"], tmp_path, "care-payments"), "2026-01-01", "2026-12-31")


def test_care_payments_guard_a_fund_source_typed_as_a_formula(care, tmp_path):
    _visit(care["db"], care["members"]["王五"], "生日", "2026-06-01", cash=100, source="=SUM(A1:A9)")
    sheet = write(care["db"], tmp_path, "care-payments")
    cell = next(c["经费来源"] for c in sheet.cells if c["经费来源"].value == "=SUM(A1:A9)")
    assert cell.data_type == "s" and cell.quotePrefix


def test_golden_autumn_list(care, tmp_path):
    sheet = write(care["db"], tmp_path, "golden-autumn")
    assert_conventions(sheet, "金秋助学资助名单")
    assert sheet.subtitle == "发放日期：2026年（2026-01-01 至 2026-12-31）"
    assert len(sheet.rows) == 1
    row = sheet.rows[0]
    assert (row["学生姓名"], row["录取学校"], row["入学年份"], row["资助金额(元)"], row["家长(会员)"], row["部门"],
            row["困难类别"], row["资金来源"], row["签收"]) == (
        "张小明", "某某大学", 2026, 3000, "张三", "一车间/甲班", "特困", "社会捐助", "未签收")
    assert row["发放日期"].date() == dt.date(2026, 9, 1)
    assert sheet.note("合计") == "合计：资助学生 1 名（1 人次），涉及困难职工家庭 1 户，资助金额 3,000 元"
    assert write(care["db"], tmp_path, "golden-autumn", period_start="2026-01-01", period_end="2026-08-31").rows == []


def test_hardship_roster_lists_the_files_on_record_in_full(care, tmp_path):
    sheet = write(care["db"], tmp_path, "hardship-roster")
    assert_conventions(sheet, "困难职工档案名册")
    assert sorted(sheet.column("户主")) == ["张三", "李四", "王五"]  # 李四's closed file is history
    assert sheet.note("合计").startswith("合计：共 3 户")


# --- proposals ---------------------------------------------------------------------------------------------
@pytest.fixture
def congress(db, store):
    """make_congress (sessions on 2025-03-10 and 2026-03-12) with proposals: two in 2026 (one 立案), one voided,
    one in 2025."""
    data = make_congress(db, store)
    p = ProposalStore(db, today=TODAY)
    people = data["people"]

    def file(session: int, title: str, day: str) -> int:
        proposal_id, _ = p.file(ProposalInput(data["sessions"][session], title=title, submitted_on=day,
                                              proposer_member_id=people["张三"], category="生活福利",
                                              cosigner_ids=[people["李四"], people["王五"]]))
        return proposal_id

    first = file(2, "关于增设职工食堂夜班热食的建议", "2026-03-01")
    file(2, "关于改善车间通风条件的建议", "2026-03-02")
    p.void(file(2, "录错的提案", "2026-03-03"), "重复录入")
    file(1, "关于建设职工书屋的建议", "2025-03-01")
    p.review(first, ReviewInput("立案", reviewed_on="2026-03-15"))
    return data


def test_proposals_of_the_one_session_held_in_the_year(congress, tmp_path):
    sheet = write(congress["db"], tmp_path, "proposals")
    assert_conventions(sheet, "第三届职代会第二次会议提案汇总表", union="某某机械有限公司工会委员会")
    assert sheet.column("案由") == ["关于增设职工食堂夜班热食的建议", "关于改善车间通风条件的建议"]
    assert sheet.note("合计").startswith("合计：本次会议收到提案 2 件，立案 1 件，立案率 50.0%")


def test_proposals_of_several_sessions_follow_each_other(congress, tmp_path):
    sheet = write(congress["db"], tmp_path, "proposals", period_start="2025-01-01", period_end="2026-12-31")
    assert sheet.title == "提案汇总表"
    assert sheet.subtitle == ("会议日期：2025年1月至2026年12月（2025-01-01 至 2026-12-31）；"
                              "会议：第三届职代会第一次会议、第三届职代会第二次会议")
    assert sheet.column("案由") == ["关于建设职工书屋的建议", "关于增设职工食堂夜班热食的建议", "关于改善车间通风条件的建议"]
    assert sheet.column("序号") == [1, 2, 3]
    assert sheet.notes[0] == "【第三届职代会第一次会议】"
    assert "【第三届职代会第二次会议】" in sheet.notes


def test_proposals_when_no_session_was_held(congress, tmp_path):
    sheet = write(congress["db"], tmp_path, "proposals", period_start="2024-01-01", period_end="2024-12-31")
    assert sheet.rows == [] and sheet.title == "提案汇总表"
    assert sheet.notes[0] == "本期间没有召开职代会会议（按会议日期），没有提案。"


# --- the job contract --------------------------------------------------------------------------------------
def test_a_cancelled_form_leaves_no_file(year, tmp_path):
    path = tmp_path / "cancelled.xlsx"
    with pytest.raises(Cancelled):
        find_form("member-info").write(year["db"], path, today=TODAY, is_cancelled=lambda: True)
    assert not path.exists() and not list(tmp_path.glob("cancelled*"))  # nor its .part


def test_a_missing_folder_is_a_users_error(year, tmp_path):
    with pytest.raises(UserError, match="文件夹不存在"):
        find_form("roster").write(year["db"], tmp_path / "没有" / "x.xlsx", today=TODAY)


# --- demo databases against plain SQL ----------------------------------------------------------------------
@pytest.fixture(scope="module", params=["school", "company"])
def demo(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / f"{request.param}.sqlite3"
    db = open_database(path)
    generate_demo(db, kind=request.param, members=150 if request.param == "school" else 300, seed=5, today=TODAY)
    yield db
    db.conn.close()


YEAR = ("2026-01-01", "2026-12-31")
ROLL_SQL = """SELECT m.* FROM members m WHERE m.voided_at IS NULL AND (
                  SELECT s.new_status FROM member_status_changes s WHERE s.member_id = m.id AND s.effective_date <= :day
                  ORDER BY s.effective_date DESC, s.id DESC LIMIT 1) IN ('在册', '退休')"""


def _roll(db, day: str) -> list[dict]:
    rows = list(db.query(ROLL_SQL, {"day": day}))
    for row in rows:
        row["day_status"] = db.execute(
            "SELECT new_status FROM member_status_changes WHERE member_id = ? AND effective_date <= ? "
            "ORDER BY effective_date DESC, id DESC LIMIT 1", [row["id"], day]).fetchone()[0]
    return rows


def test_demo_every_form_keeps_the_conventions(demo, tmp_path):
    union = demo.execute("SELECT name FROM union_profile").fetchone()[0]
    for form in BUILTIN_FORMS:
        sheet = write(demo, tmp_path, form.name)
        if form.name == "proposals":
            assert sheet.title.endswith("提案汇总表")
        elif form.name == "hardship-roster":
            assert sheet.title == "困难职工档案名册"
        else:
            assert sheet.title == form.title
        assert_conventions(sheet, sheet.title, union)


@pytest.mark.parametrize("period", [YEAR, ("2025-01-01", "2025-12-31")])
def test_demo_member_lists_against_sql(demo, tmp_path, period):
    day = min(period[1], TODAY.isoformat())
    sheet = write(demo, tmp_path, "member-info", period_start=period[0], period_end=period[1], full_numbers=True)
    roll = _roll(demo, day)
    assert sorted(zip(sheet.column("姓名"), sheet.column("身份证号"))) == sorted(
        (r["name"], r["id_number"]) for r in roll)
    words = {"在册": "在职", "退休": "退休"}
    assert sorted(zip(sheet.column("身份证号"), sheet.column("会员状态"))) == sorted(
        (r["id_number"], words[r["day_status"]]) for r in roll)
    women = sum(r["sex"] == "女" for r in roll)
    assert f"女会员 {women} 人" in sheet.note("合计")

    sheet = write(demo, tmp_path, "new-members", period_start=period[0], period_end=period[1])
    joined = list(demo.query("SELECT name, join_date FROM members WHERE voided_at IS NULL "
                             "AND join_date BETWEEN ? AND ?", list(period)))
    listed = [(d.date().isoformat(), n) for n, d in zip(sheet.column("姓名"), sheet.column("入会日期"))]
    assert listed == sorted(listed, key=lambda pair: pair[0])  # by 入会日期
    assert sorted(listed) == sorted((r["join_date"], r["name"]) for r in joined)


def test_demo_roster_and_hardship_roster_against_sql(demo, tmp_path):
    sheet = write(demo, tmp_path, "roster")
    expected = demo.execute("SELECT count(*) FROM members WHERE voided_at IS NULL AND status IN ('在册', '退休')"
                            ).fetchone()[0]
    assert len(sheet.rows) == expected and sheet.note("合计") == f"合计：共 {expected} 人"
    sheet = write(demo, tmp_path, "hardship-roster", full_numbers=True)
    heads = [r[0] for r in demo.execute("SELECT m.name FROM hardship_files f JOIN members m ON m.id = f.member_id "
                                        "WHERE f.voided_at IS NULL AND f.status = '在档'")]
    assert sorted(sheet.column("户主")) == sorted(heads)
    ids = [r[0] for r in demo.execute("SELECT m.id_number FROM hardship_files f JOIN members m ON m.id = f.member_id "
                                      "WHERE f.voided_at IS NULL AND f.status = '在档'")]
    assert sorted(sheet.column("身份证号")) == sorted(ids)  # in full, as asked for the upstream union


def _households(db) -> dict[int, int]:
    """Each hardship file's household: the member of the first file of its reopening chain (walked here in
    Python, not with the app's recursive SQL)."""
    files = {fid: (prev, member) for fid, prev, member in db.execute(
        "SELECT id, previous_file_id, member_id FROM hardship_files")}
    result = {}
    for fid in files:
        current = fid
        while files[current][0] is not None:
            current = files[current][0]
        result[fid] = files[current][1]
    return result


def check_care_payments(db, sheet: Sheet, date_from: str, date_to: str) -> None:
    """Every line of a 送温暖/慰问金发放统计表 against plain SQL."""
    fen = lambda yuan: round((yuan or 0) * 100)  # noqa: E731
    lines = {(r["项目"], r["慰问类别/帮扶类型"] or "", r["经费来源"] or ""): (r["户数"], r["人次"], fen(r["现金(元)"]),
                                                                  fen(r["物资折合(元)"]), fen(r["金额合计(元)"]))
             for r in sheet.rows}
    visits = list(db.query(
        """SELECT v.member_id, o.name AS occasion, v.fund_source, v.cash_fen, v.goods_value_fen FROM visits v
           JOIN care_occasions o ON o.id = v.occasion_id
           WHERE v.voided_at IS NULL AND v.visit_date IS NOT NULL AND v.visit_date BETWEEN ? AND ?""",
        [date_from, date_to]))
    households = _households(db)
    aid = list(db.query(
        """SELECT file_id, aid_type, fund_source, cash_fen, goods_value_fen FROM aid_payments
           WHERE voided_at IS NULL AND stage = '发放' AND paid_on BETWEEN ? AND ?""", [date_from, date_to]))
    for row in aid:
        row["member_id"] = households[row["file_id"]]

    def figures(rows) -> tuple:
        cash, goods = sum(r["cash_fen"] for r in rows), sum(r["goods_value_fen"] for r in rows)
        return len({r["member_id"] for r in rows}), len(rows), cash, goods, cash + goods

    for block, rows, kind in (("走访慰问", visits, "occasion"), ("困难帮扶", aid, "aid_type")):
        cells = {(r[kind], r["fund_source"]) for r in rows}
        for category, source in cells:
            group = [r for r in rows if (r[kind], r["fund_source"]) == (category, source)]
            assert lines[(block, category, source or "未注明")] == figures(group)
        for category in {c for c, _ in cells}:
            group = [r for r in rows if r[kind] == category]
            if len({r["fund_source"] for r in group}) > 1:
                assert lines[(block, f"{category}小计", "")] == figures(group)
        assert lines[(block, "合计", "")] == figures(rows)
    assert lines[("总计", "", "")] == figures(visits + aid)
    sources = {r["fund_source"] for r in visits + aid}
    if sources and sources != {""}:
        for source in sources:
            group = [r for r in visits + aid if r["fund_source"] == source]
            assert lines[("其中", "按经费来源", source or "未注明")] == figures(group)
    listed = sum(1 for r in sheet.rows if r["项目"] in ("走访慰问", "困难帮扶") and r["序号"])
    assert listed == len({(r["occasion"], r["fund_source"]) for r in visits}) + len(
        {(r["aid_type"], r["fund_source"]) for r in aid})


@pytest.mark.parametrize("period", [YEAR, ("2025-07-01", "2026-06-30")])
def test_demo_care_payments_against_sql(demo, tmp_path, period):
    sheet = write(demo, tmp_path, "care-payments", period_start=period[0], period_end=period[1])
    assert any(r["项目"] == "走访慰问" and r["序号"] for r in sheet.rows)  # the demo has visits to count
    check_care_payments(demo, sheet, *period)


def test_demo_golden_autumn_against_sql(demo, tmp_path):
    sheet = write(demo, tmp_path, "golden-autumn", period_start="2024-01-01", period_end="2026-12-31")
    expected = list(demo.query(
        """SELECT s.name AS student, a.school, a.cash_fen + a.goods_value_fen AS fen, m.name AS parent, a.paid_on
           FROM aid_payments a JOIN hardship_family_members s ON s.id = a.student_family_member_id
           JOIN members m ON m.id = a.member_id
           WHERE a.voided_at IS NULL AND a.stage = '发放' AND a.aid_type = '金秋助学'
             AND a.paid_on BETWEEN '2024-01-01' AND '2026-12-31' ORDER BY a.paid_on, a.id"""))
    assert [(r["学生姓名"], r["录取学校"], round(r["资助金额(元)"] * 100), r["家长(会员)"], r["发放日期"].date().isoformat())
            for r in sheet.rows] == [(r["student"], r["school"], r["fen"], r["parent"], r["paid_on"]) for r in expected]
    assert expected  # the demo funds students
    total = sum(r["fen"] for r in expected)
    assert f"资助金额 {total // 100:,}" in sheet.note("合计")


def test_demo_proposals_against_sql(demo, tmp_path):
    for period in (YEAR, ("2020-01-01", "2026-12-31")):
        sheet = write(demo, tmp_path, "proposals", period_start=period[0], period_end=period[1])
        numbers = [r[0] for r in demo.execute(
            """SELECT p.number FROM proposals p JOIN congress_sessions s ON s.id = p.session_id
               JOIN congress_terms t ON t.id = s.term_id
               WHERE p.voided_at IS NULL AND s.voided_at IS NULL AND t.voided_at IS NULL
                 AND s.held_on BETWEEN ? AND ?""", list(period))]
        assert numbers and sorted(sheet.column("编号")) == sorted(numbers)
        assert sheet.column("序号") == list(range(1, len(numbers) + 1))


AWARD_SQL = """SELECT count(*), count(DISTINCT member_id) FROM (
    SELECT p.member_id FROM event_results r JOIN events e ON e.id = r.event_id
    JOIN event_participants p ON p.id = r.participant_id JOIN members m ON m.id = p.member_id
    WHERE r.voided_at IS NULL AND e.voided_at IS NULL AND e.status = '已举办' AND e.start_date BETWEEN :a AND :b
      AND p.voided_at IS NULL AND m.voided_at IS NULL AND r.grade <> ''
    UNION ALL
    SELECT tm.member_id FROM event_results r JOIN events e ON e.id = r.event_id
    JOIN event_participants p ON p.id = r.participant_id
    JOIN event_teams t ON t.id = p.team_id AND t.voided_at IS NULL
    JOIN event_team_members tm ON tm.team_id = t.id AND tm.voided_at IS NULL
    JOIN members m ON m.id = tm.member_id AND m.voided_at IS NULL
    WHERE r.voided_at IS NULL AND e.voided_at IS NULL AND e.status = '已举办' AND e.start_date BETWEEN :a AND :b
      AND p.voided_at IS NULL AND r.grade <> '')"""
LISTED_SQL = """SELECT count(*), coalesce(sum(r.prize_fen), 0) FROM event_results r JOIN events e ON e.id = r.event_id
    LEFT JOIN event_participants p ON p.id = r.participant_id LEFT JOIN members m ON m.id = p.member_id
    WHERE r.voided_at IS NULL AND e.voided_at IS NULL AND e.status = '已举办' AND e.start_date BETWEEN :a AND :b
      AND (r.participant_id IS NULL OR (p.voided_at IS NULL AND (p.member_id IS NULL OR m.voided_at IS NULL)))
      AND (r.grade <> '' OR r.rank IS NOT NULL OR r.prize_fen > 0 OR r.promoted = 1)"""


def test_demo_awards_against_sql(demo, tmp_path):
    sheet = write(demo, tmp_path, "awards")
    times, persons = demo.execute(AWARD_SQL, {"a": YEAR[0], "b": YEAR[1]}).fetchone()
    rows, prize = demo.execute(LISTED_SQL, {"a": YEAR[0], "b": YEAR[1]}).fetchone()
    assert times > 0 and len(sheet.rows) == rows
    total = sheet.note("合计")
    assert f"获奖 {times} 人次（{persons} 人）" in total
    assert f"奖金合计 {prize // 100:,}" in total
    assert round(sum(r["奖金(元)"] or 0 for r in sheet.rows) * 100) == prize


def test_demo_honours_against_sql(demo, tmp_path):
    sheet = write(demo, tmp_path, "honours", period_start="2024-01-01", period_end="2026-12-31")
    titles = [r[0] for r in demo.execute("SELECT title FROM honours WHERE voided_at IS NULL AND stage = '获评' "
                                         "AND year BETWEEN 2024 AND 2026")]
    assert sorted(sheet.column("荣誉称号")) == sorted(titles) and titles
    assert set(sheet.column("阶段")) == {"获评"}


def test_demo_yearly_statistics_against_sql(demo, tmp_path):
    sheet = write(demo, tmp_path, "yearly-stats")
    s = {item: row["数值"] for item, row in stat_lines(sheet).items()}
    money = {item: round((row["金额(元)"] or 0) * 100) for item, row in stat_lines(sheet).items()}
    day = TODAY.isoformat()
    roll = _roll(demo, day)
    working = sum(r["day_status"] == "在册" for r in roll)
    assert s["会员总数"] == len(roll) and s["其中：在职会员"] == working
    assert s["退休会员"] == len(roll) - working
    assert s["其中：女会员"] == sum(r["sex"] == "女" for r in roll)
    assert s["其中：农民工会员"] == sum(r["is_migrant_worker"] == 1 for r in roll)
    assert s["新入会会员"] == demo.execute("SELECT count(*) FROM members WHERE voided_at IS NULL AND join_date "
                                          "BETWEEN '2026-01-01' AND ?", [day]).fetchone()[0]
    staff = demo.execute("SELECT staff_count FROM staff_counts WHERE year = 2026").fetchone()[0]
    staff_word = "教职工" if "教职工人数" in s else "职工"
    assert s[f"{staff_word}人数"] == staff and s["入会率"] == percent_text(working, staff)
    kinds = dict(demo.execute("SELECT kind, count(*) FROM sub_units WHERE voided_at IS NULL GROUP BY kind").fetchall())
    assert (s["分工会"], s["工会小组"], s["部门"]) == (kinds.get("分工会", 0), kinds.get("工会小组", 0),
                                                   kinds.get("部门", 0))
    committees = dict(demo.execute("SELECT committee, count(*) FROM committee_members WHERE voided_at IS NULL "
                                   "GROUP BY committee").fetchall())
    assert (s["工会委员会委员"], s["经审委员会委员"], s["女职工委员会委员"]) == (
        committees.get("工会委员会", 0), committees.get("经审委员会", 0), committees.get("女职工委员会", 0))
    assert s["其中：女委员"] == demo.execute(
        "SELECT count(*) FROM committee_members c JOIN members m ON m.id = c.member_id WHERE c.voided_at IS NULL "
        "AND c.committee = '工会委员会' AND m.sex = '女'").fetchone()[0]
    times, fen = demo.execute("SELECT count(*), coalesce(sum(cash_fen + goods_value_fen), 0) FROM visits "
                              "WHERE voided_at IS NULL AND visit_date BETWEEN '2026-01-01' AND '2026-12-31'").fetchone()
    assert (s["走访慰问"], money["走访慰问"]) == (times, fen) and times > 0
    paid = list(demo.query("SELECT * FROM aid_payments WHERE voided_at IS NULL AND stage = '发放' "
                           "AND paid_on BETWEEN '2026-01-01' AND '2026-12-31'"))
    households = _households(demo)
    assert s["困难职工帮扶"] == len({households[p["file_id"]] for p in paid})
    assert s["帮扶人次"] == len(paid)
    assert money["困难职工帮扶"] == sum(p["cash_fen"] + p["goods_value_fen"] for p in paid)
    students = [p for p in paid if p["aid_type"] == "金秋助学"]
    student_keys = set()
    for p in students:
        number, row_id = demo.execute("SELECT id_number, id FROM hardship_family_members WHERE id = ?",
                                      [p["student_family_member_id"]]).fetchone()
        student_keys.add(number or f"#{row_id}")
    assert s["其中：金秋助学资助学生"] == len(student_keys)
    assert money["其中：金秋助学资助学生"] == sum(p["cash_fen"] + p["goods_value_fen"] for p in students)
    sessions = [r[0] for r in demo.execute(
        "SELECT s.id FROM congress_sessions s JOIN congress_terms t ON t.id = s.term_id WHERE s.voided_at IS NULL "
        "AND t.voided_at IS NULL AND s.held_on BETWEEN '2026-01-01' AND '2026-12-31'")]
    congress = next(item for item in s if item.startswith("召开"))
    assert s[congress] == len(sessions)
    marks = ", ".join("?" * len(sessions)) or "NULL"
    received, registered = demo.execute(
        f"SELECT count(*), count(*) FILTER (WHERE review = '立案') FROM proposals WHERE voided_at IS NULL "
        f"AND session_id IN ({marks})", sessions).fetchone()
    assert (s["收到提案"], s["立案"]) == (received, registered)
    assert s["立案率"] == (percent_text(registered, received) if received else "—")
