"""Importing historical hardship files (困难职工花名册): a messy upstream sheet, every message with its
row and field, closed files as history, computed incomes compared (never imported), files already
there, all-or-nothing, skip-invalid, cancel, re-import, the command and the template."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from tests.conftest import TODAY, VALID_IDS
from gonghui_desk.errors import Cancelled, UserError
from gonghui_desk.hardship.files import FileInput, HardshipFileStore
from gonghui_desk.importing.common import ImportBlocked
from gonghui_desk.importing.hardship_import import (
    HARDSHIP_IMPORT_FIELDS,
    IMPORT_REASON,
    commit_import,
    hardship_import_command,
    open_source,
    plan_import,
    write_hardship_template,
)
from gonghui_desk.members import MemberStore
from gonghui_desk.union import add_sub_unit

# The headers as upstream 困难职工花名册 write them.
HEADER = ["序号", "户主姓名", "公民身份号码", "工作单位", "困难类型", "建档级别", "致困原因", "次要致困原因", "身体状况",
          "住房情况", "住房面积", "医疗保险", "婚姻状况", "是否单亲", "是否零就业家庭", "本人月收入（元）",
          "家庭其他年收入（元）", "家庭人口", "家庭年总收入", "家庭月人均收入", "开户行", "银行卡号", "建档时间", "建档人",
          "审核人", "档案状态", "脱困/注销日期", "脱困/注销原因", "备注"]


def row(name, **cells) -> list:
    """A data row: ``name`` and the cells given by the start of their header (其他 = 家庭其他年收入)."""
    values = {"户主姓名": name, "困难类型": "困难", "建档级别": "基层", "致困原因": "因病", "本人月收入": 1000,
              "家庭其他年收入": 0, "家庭人口": 1, "建档时间": "2025-01-01"}
    keys = {"其他": "家庭其他年收入", "身份证": "公民身份号码", "部门": "工作单位", "原因": "脱困/注销原因",
            "脱困日期": "脱困/注销日期", "月人均": "家庭月人均收入", "年总收入": "家庭年总收入"}
    for label, value in cells.items():
        label = keys.get(label, label)
        values[next(h for h in HEADER if h.startswith(label))] = value
    return [values.get(h) for h in HEADER[1:]]


ZHANG = row("张三", 身份证=VALID_IDS["man_1985"], 部门="一车间", 困难类型="特困职工", 建档级别="市级",
            致困原因="因病致困", 次要致困原因="因学", 身体状况="患大病", 住房情况="租住公房", 住房面积=45.5,
            医疗保险="职工医保", 婚姻状况="已婚", 是否单亲="否", 是否零就业家庭="否", 本人月收入=1800, 其他=6000,
            家庭人口=3, 年总收入=27600, 月人均=766.67, 开户行="工商银行", 银行卡号="6222 0212 3456 7890 123",
            建档时间=dt.datetime(2024, 3, 1), 建档人="王建国", 审核人="李主席", 备注="妻子患尿毒症")
LI_NUMERIC_ID = row("李四", 身份证=int(VALID_IDS["woman_1990"]), 部门="二车间", 致困原因="失业", 建档时间="2024-05-01")
WANG_CLOSED = row("王五", 部门="一车间", 建档级别="县级", 致困原因="因残", 身体状况="残疾", 住房情况="自有",
                  医疗保险="新农合", 是否零就业家庭="√", 本人月收入=0, 其他="12,000", 家庭人口="2人",
                  建档时间="2023.1.10", 档案状态="已脱困", 脱困日期="2025-06-30", 原因="子女就业，家庭收入稳定")
ZHAO_UNKNOWN = row("赵敏", 部门="二车间", 困难类型="深度困难")
SUN_NO_REASON = row("孙七", 部门="二车间", 困难类型="低保", 致困原因="灾害", 建档时间="2022-01-01", 档案状态="注销",
                    脱困日期="2025-12-01")
ZHANG_AGAIN = row("张 三", 部门="一车间", 建档时间="2025-08-01")
QIAN_NOT_IN_ROSTER = row("钱九", 部门="三车间")
ZHOU_DISAGREES = row("周八", 部门="二车间", 致困原因="单亲家庭", 是否单亲="是", 本人月收入=2000, 家庭人口=4,
                     年总收入=24000, 月人均=800, 建档时间="2025-02-01")
MESSY = [ZHANG, LI_NUMERIC_ID, WANG_CLOSED, ZHAO_UNKNOWN, SUN_NO_REASON, ZHANG_AGAIN, QIAN_NOT_IN_ROSTER,
         ZHOU_DISAGREES]
VALID = [ZHANG, WANG_CLOSED, ZHOU_DISAGREES]


@pytest.fixture
def members(db):
    """张三 (一车间), 李四 (二车间), 王五 (一车间, 退休 since 2025), 赵敏, 孙七 and 周八 (二车间)."""
    one = add_sub_unit(db, "一车间")
    two = add_sub_unit(db, "二车间")
    store = MemberStore(db)
    people = {
        "张三": store.create({"name": "张三", "id_number": VALID_IDS["man_1985"], "sub_unit_id": one}, today=TODAY),
        "李四": store.create({"name": "李四", "id_number": VALID_IDS["woman_1990"], "sub_unit_id": two},
                             today=TODAY),
        "王五": store.create({"name": "王五", "id_number": VALID_IDS["man_1965"], "sub_unit_id": one,
                              "join_date": "1990-01-01"}, today=TODAY),
    }
    store.change_status(people["王五"], "退休", "2025-01-31", "到龄退休")
    for name in ("赵敏", "孙七", "周八"):
        people[name] = store.create({"name": name, "sub_unit_id": two}, today=TODAY)
    return people


def write_sheet(path, rows, *, header=HEADER):
    """A sheet as upstream unions send it: two title rows, a unit/date line, the header, the rows
    (numbered in 序号), then a 合计 line and a 制表人/审核人 line."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "困难职工花名册"
    sheet.append(["某某公司工会困难职工花名册"])
    sheet.merge_cells("A1:H1")
    sheet.append(["（2022—2026年建档）"])
    sheet.append(["填报单位：某某公司工会", None, None, None, None, "填报日期：2026年11月20日"])
    sheet.append(header)
    for number, cells in enumerate(rows, start=1):
        sheet.append([number, *cells] if header[0] == "序号" else list(cells))
    sheet.append([f"合计：{len(rows)}户"])
    sheet.append(["制表人：王五", None, None, None, "审核人：李主席"])
    workbook.save(path)
    return path


def plan_file(db, path, **kwargs):
    return plan_import(db, open_source(path), today=TODAY, **kwargs)


def errors(plan) -> list[str]:
    return [p.text for p in plan.problems() if p.severity == "error"]


def warnings(plan) -> list[str]:
    return [p.text for p in plan.problems() if p.severity == "warning"]


def stored(db) -> list[dict]:
    files = HardshipFileStore(db, today=TODAY)
    return [files.get(r[0]) for r in db.execute("SELECT id FROM hardship_files ORDER BY id")]


# --- reading the sheet -------------------------------------------------------------------------------------
def test_the_header_is_found_under_the_titles_and_the_upstream_headers_are_mapped(tmp_path):
    source = open_source(write_sheet(tmp_path / "花名册.xlsx", MESSY))

    assert source.header_row_number == 4
    mapped = {source.headers[column]: HARDSHIP_IMPORT_FIELDS[key] for column, key in source.mapping.items()}
    assert mapped == {
        "户主姓名": "姓名", "公民身份号码": "身份证号", "工作单位": "部门", "困难类型": "困难类别", "建档级别": "建档标准",
        "致困原因": "主要致困原因", "次要致困原因": "次要致困原因", "身体状况": "健康状况", "住房情况": "住房类型",
        "住房面积": "住房面积", "医疗保险": "医保状况", "婚姻状况": "婚姻状况", "是否单亲": "是否单亲",
        "是否零就业家庭": "是否零就业家庭", "本人月收入（元）": "本人月收入", "家庭其他年收入（元）": "家庭其他年收入",
        "家庭人口": "家庭人口", "家庭年总收入": "家庭年总收入（仅核对）", "家庭月人均收入": "家庭月人均收入（仅核对）",
        "开户行": "开户银行", "银行卡号": "银行卡号", "建档时间": "建档日期", "建档人": "建档人", "审核人": "审核人",
        "档案状态": "档案状态", "脱困/注销日期": "脱困/注销日期", "脱困/注销原因": "脱困/注销原因", "备注": "备注"}
    assert 0 not in source.mapping  # 序号


def test_other_upstream_spellings_of_the_headers():
    from gonghui_desk.importing.headers import auto_map
    from gonghui_desk.importing.hardship_import import HARDSHIP_SYNONYMS

    headers = ["姓名", "身份证号码", "单位", "困难程度", "帮扶级别", "困难原因", "健康状况", "残疾类别", "住房类型",
               "医保状况", "单亲", "是否零就业", "月收入", "其他收入", "家庭人数", "开户银行", "银行账号", "建档日期",
               "状态", "脱困日期", "注销原因"]
    keys = [auto_map(headers, HARDSHIP_SYNONYMS)[i] for i in range(len(headers))]
    assert keys == ["name", "id_number", "sub_unit", "category", "level", "main_cause", "health", "disability",
                    "housing_type", "medical_insurance", "single_parent", "zero_employment", "monthly_income",
                    "other_annual_income", "household_size", "bank_name", "bank_account", "opened_on", "status",
                    "closed_on", "close_reason"]


# --- the messy sheet: actions and messages ---------------------------------------------------------------
def test_the_messy_sheet_is_planned_row_by_row(tmp_path, db, members):
    plan = plan_file(db, write_sheet(tmp_path / "花名册.xlsx", MESSY))

    assert [(r.row_number, r.name, r.action) for r in plan.rows] == [
        (5, "张三", "new"), (6, "李四", "invalid"), (7, "王五", "history"), (8, "赵敏", "invalid"),
        (9, "孙七", "invalid"), (10, "张三", "invalid"), (11, "钱九", "invalid"), (12, "周八", "new")]
    assert plan.counts() == {"new": 2, "history": 1, "unchanged": 0, "invalid": 5}
    assert errors(plan) == [
        "第6行 身份证号：身份证号以数字格式保存（1.10101199001011e+17），表格只保留15位有效数字，末几位已丢失；"
        "请把该列设为“文本”格式后重新填写",
        "第8行 困难类别：“深度困难”不是可选的困难类别（可选：特困、困难、低保户、低保边缘户、意外致困户）；"
        "如确需使用，请先在“设置 → 选项表”中添加",
        "第9行 脱困/注销原因：档案状态为“注销”，请填写注销原因（导入时不会代填）",
        "第10行 重复户主：与第5行是同一户主（张三），一户在表中只能有一行；请核对是否重复填写",
        "第11行 姓名：会员名册中没有名为“钱九”的会员（已作废的会员不能导入困难职工档案）",
    ]
    assert warnings(plan) == [
        f"第7行 会员状态：王五目前的会员状态为“退休”，不是在册会员（导入时将注明“{IMPORT_REASON}”）",
        "第12行 家庭月人均收入：表中为 800 元，按本人月收入、家庭其他年收入和家庭人口计算为 500 元；"
        "导入后以计算值为准（家庭成员的月收入在档案中补录后会计入）",
    ]
    zhang, _, wang, *_ = plan.rows
    assert (zhang.category, zhang.status_text, zhang.sub_unit_path) == ("特困", "在档", "一车间")
    assert (wang.status_text, wang.close_reason, wang.needs_reason) == ("脱困（2025-06-30）", "子女就业，家庭收入稳定",
                                                                        True)
    assert (zhang.annual_income_fen, zhang.income_per_person_fen) == (2_760_000, 76_667)  # 766.67 in the sheet: same


def test_invalid_rows_block_the_whole_import(tmp_path, db, members):
    plan = plan_file(db, write_sheet(tmp_path / "花名册.xlsx", MESSY))

    with pytest.raises(ImportBlocked, match="有 5 行数据有问题，为保证档案完整，本次没有导入任何数据"):
        commit_import(db, plan)
    assert stored(db) == []


def test_skip_invalid_writes_the_rest_with_the_computed_incomes(tmp_path, db, members):
    plan = plan_file(db, write_sheet(tmp_path / "花名册.xlsx", MESSY))

    result = commit_import(db, plan, skip_invalid=True)

    assert (result.created, result.history, result.unchanged, result.skipped, result.with_reason) == (2, 1, 0, 5, 1)
    zhang, wang, zhou = stored(db)
    assert zhang["member_id"] == members["张三"]
    assert {k: zhang[k] for k in ("category", "level", "main_cause", "secondary_cause", "health", "housing_type",
                                  "housing_area", "medical_insurance", "marital_status", "single_parent",
                                  "zero_employment", "bank_name", "bank_account", "opened_on", "opened_by",
                                  "checked_by", "status", "notes")} == {
        "category": "特困", "level": "市级", "main_cause": "因病", "secondary_cause": "因学", "health": "患大病",
        "housing_type": "租住公房", "housing_area": "45.5", "medical_insurance": "城镇职工医保",
        "marital_status": "已婚", "single_parent": 0, "zero_employment": 0, "bank_name": "工商银行",
        "bank_account": "6222021234567890123", "opened_on": "2024-03-01", "opened_by": "王建国",
        "checked_by": "李主席", "status": "在档", "notes": "妻子患尿毒症"}
    # the incomes: typed per month and per year; the totals computed (the sheet's were never stored)
    assert (zhang["monthly_income_fen"], zhang["other_annual_income_fen"], zhang["household_size"]) == (
        180_000, 600_000, 3)
    assert (zhang["household_annual_income_fen"], zhang["monthly_income_per_person_fen"]) == (2_760_000, 76_667)
    assert (zhou["household_annual_income_fen"], zhou["monthly_income_per_person_fen"]) == (2_400_000, 50_000)
    assert (zhou["main_cause"], zhou["single_parent"]) == ("单亲", 1)
    # the closed file: opened, then closed by the store, with the reason for a head not 在册
    assert (wang["status"], wang["opened_on"], wang["closed_on"], wang["close_reason"]) == (
        "脱困", "2023-01-10", "2025-06-30", "子女就业，家庭收入稳定")
    assert (wang["other_annual_income_fen"], wang["household_size"], wang["zero_employment"]) == (1_200_000, 2, 1)
    assert (wang["housing_type"], wang["medical_insurance"]) == ("自有住房", "城乡居民医保")
    assert IMPORT_REASON in wang["notes"] and "不是在册会员" in wang["notes"]
    assert wang["next_review_due"] is None and zhang["next_review_due"] == "2025-03-01"
    assert [f["family"] for f in (zhang, wang, zhou)] == [[], [], []]  # family members are entered afterwards


def test_reimporting_the_same_sheet_changes_nothing(tmp_path, db, members):
    path = write_sheet(tmp_path / "ok.xlsx", VALID)
    commit_import(db, plan_file(db, path))

    plan = plan_file(db, path)

    assert plan.counts() == {"new": 0, "history": 0, "unchanged": 3, "invalid": 0}
    assert [w for w in warnings(plan) if "已有档案" in w] == [
        "第5行 已有档案：张三已有这份档案（编号 1，2024-03-01 建档，在档），不再重复导入",
        "第6行 已有档案：王五已有这份档案（编号 2，2023-01-10 建档，2025-06-30 脱困），不再重复导入",
        "第7行 已有档案：周八已有这份档案（编号 3，2025-02-01 建档，在档），不再重复导入",
    ]
    result = commit_import(db, plan)
    assert (result.created, result.history, result.unchanged) == (0, 0, 3)
    assert len(stored(db)) == 3
    # a closed file already there needs no reason on the sheet (the exported register has none)
    without_reason = list(WANG_CLOSED)
    without_reason[HEADER.index("脱困/注销原因") - 1] = None
    plan = plan_file(db, write_sheet(tmp_path / "exported.xlsx", [without_reason]))
    assert plan.counts()["unchanged"] == 1 and errors(plan) == []


def test_a_file_already_there_with_other_values_is_unchanged_and_says_what_differs(tmp_path, db, members):
    commit_import(db, plan_file(db, write_sheet(tmp_path / "a.xlsx", [ZHANG])))
    changed = list(ZHANG)
    changed[HEADER.index("困难类型") - 1] = "困难"
    changed[HEADER.index("本人月收入（元）") - 1] = 2000

    plan = plan_file(db, write_sheet(tmp_path / "b.xlsx", [changed]))

    assert plan.rows[0].action == "unchanged"
    assert [w for w in warnings(plan) if "已有档案" in w][0] == (
        "第5行 已有档案：张三已有这份档案（编号 1，2024-03-01 建档，在档），不再重复导入；表中与档案不同的项："
        "困难类别（表中“困难”，档案中“特困”），本人月收入（表中“2,000 元”，档案中“1,800 元”），如需更正请在档案中修改")


def test_another_live_file_or_a_conflicting_one_is_an_error(tmp_path, db, members):
    files = HardshipFileStore(db, today=TODAY)
    files.open_file(FileInput(member_id=members["张三"], category="困难", main_cause="因病", opened_on="2023-06-01"))
    zhou = files.open_file(FileInput(member_id=members["周八"], category="困难", main_cause="单亲",
                                     opened_on="2025-02-01"))
    old = files.open_file(FileInput(member_id=members["赵敏"], category="困难", main_cause="因病",
                                    opened_on="2020-01-01"))
    files.close_file(old, "脱困", "2024-06-30", "再就业")
    rows = [ZHANG, row("王五", 建档时间="2023-01-10", 档案状态="脱困", 脱困日期="2025-06-30", 原因="再就业"),
            row("周八", 建档时间="2025-02-01", 档案状态="脱困", 脱困日期="2025-10-01", 原因="收入提高"),
            row("赵敏", 建档时间="2024-01-01"), row("赵敏", 建档时间="2020-01-01", 档案状态="注销",
                                                    脱困日期="2024-06-30", 原因="调离")]
    files.open_file(FileInput(member_id=members["王五"], category="困难", main_cause="因病", opened_on="2026-01-05"),
                    override_reason="测试")

    plan = plan_file(db, write_sheet(tmp_path / "c.xlsx", rows))

    assert errors(plan) == [
        "第5行 已有档案：张三已有一份在档的档案（编号 1，2023-06-01 建档，在档），与表中的建档日期 2024-03-01 不同；"
        "一户只能有一份有效档案。请核对建档日期，或先将原档案脱困或注销后再导入",
        "第6行 已有档案：王五已有一份在档的档案（编号 4，2026-01-05 建档，在档），有效档案之外不能再补录往期档案"
        "（表中 2023-01-10 建档，2025-06-30 脱困）",
        f"第7行 已有档案：周八的这份档案（编号 {zhou}，2025-02-01 建档，在档）在系统中仍有效，表中为2025-10-01 脱困；"
        "如该户已脱困，请在档案中办理脱困",
        "第8行 已有档案：与赵敏已有的档案（编号 3，2020-01-01 建档，2024-06-30 脱困）时间重叠，请核对建档日期和脱困/注销日期",
        "第9行 重复户主：与第8行是同一户主（赵敏），一户在表中只能有一行；请核对是否重复填写",
    ]


# --- choices, dates and the other field errors -----------------------------------------------------------
def test_common_spellings_of_the_choices_are_read(tmp_path, db, members):
    rows = [row("张三", 困难类型="低保", 建档级别="省", 致困原因="下岗失业", 次要致困原因="因灾致困", 身体状况="慢性病",
                住房情况="公租房", 医疗保险="城乡居民", 婚姻状况="离婚", 是否单亲="√", 是否零就业家庭="是"),
            row("李四", 身份证=VALID_IDS["woman_1990"], 困难类型="意外致困", 建档级别="全国", 致困原因="意外事故",
                身体状况="良好", 住房情况="宿舍", 医疗保险="未参保", 是否单亲="×")]

    plan = plan_file(db, write_sheet(tmp_path / "s.xlsx", rows))

    assert errors(plan) == []
    first, second = (r.data for r in plan.rows)
    assert (first.category, first.level, first.main_cause, first.secondary_cause, first.health, first.housing_type,
            first.medical_insurance, first.marital_status, first.single_parent, first.zero_employment) == (
        "低保户", "省级", "失业/下岗", "因灾", "长期慢性病", "租住公房", "城乡居民医保", "离异", True, True)
    assert (second.category, second.level, second.main_cause, second.health, second.housing_type,
            second.medical_insurance, second.single_parent) == (
        "意外致困户", "全国级", "意外", "健康", "单位宿舍", "无医保", False)


def test_field_errors_name_the_row_the_field_and_what_is_allowed(tmp_path, db, members):
    rows = [row("张三", 致困原因="乔迁"),
            row("李四", 身份证=VALID_IDS["woman_1990"], 是否单亲="不清楚"),
            row("王五", 婚姻状况="同居"),
            row("赵敏", 本人月收入="壹仟元"),
            row("孙七", 家庭人口="三口之家"),
            row("周八", 银行卡号=6222021234567890123)]

    plan = plan_file(db, write_sheet(tmp_path / "f.xlsx", rows))

    assert plan.counts()["invalid"] == 6
    assert errors(plan) == [
        "第5行 主要致困原因：“乔迁”不是可选的主要致困原因（可选：因病、因残、因学、因灾、意外、失业/下岗、单亲、其他）；"
        "如确需使用，请先在“设置 → 选项表”中添加",
        "第6行 是否单亲：“不清楚”应填“是”或“否”（也可填“√”，不填视为“否”）",
        "第7行 婚姻状况：“同居”应为：未婚、已婚、离异、丧偶",
        "第8行 本人月收入：金额“壹仟元”是大写汉字，请改写成阿拉伯数字（例如 100 或 100.00）",
        "第9行 家庭人口：“三口之家”不是人数，家庭人口请填写整数（如 3）",
        "第10行 银行卡号：银行卡号以数字格式保存（6.22202123456789e+18），表格只保留15位有效数字，末几位已丢失；"
        "请把该列设为“文本”格式后重新填写",
    ]


def test_dates_and_closing_errors(tmp_path, db, members):
    rows = [row("张三", 建档时间=None),
            row("李四", 身份证=VALID_IDS["woman_1990"], 建档时间="2027-01-01"),
            row("王五", 档案状态="脱困", 原因="再就业"),
            row("赵敏", 建档时间="2025-03-01", 档案状态="注销", 脱困日期="2025-01-01", 原因="调离"),
            row("孙七", 脱困日期="2025-06-01"),
            row("周八", 档案状态="申请中")]

    plan = plan_file(db, write_sheet(tmp_path / "d.xlsx", rows))

    assert plan.counts()["invalid"] == 6
    assert errors(plan) == [
        "第5行 建档日期：请填写建档日期",
        "第6行 建档日期：建档日期 2027-01-01 不合理（晚于今天或早于1900年）",
        "第7行 脱困/注销日期：档案状态为“脱困”，请填写脱困日期",
        "第8行 脱困/注销日期：注销日期 2025-01-01 早于建档日期 2025-03-01",
        "第9行 档案状态：填写了脱困/注销日期或原因，但档案状态为“在档”；已脱困或注销的档案请在档案状态中填写“脱困”或“注销”",
        "第10行 档案状态：“申请中”不是有效的档案状态，应为：在档、脱困、注销（不填视为在档）",
    ]


def test_the_incomes_are_compared_only_when_they_can_be_computed(tmp_path, db, members):
    rows = [row("张三", 本人月收入=1000, 家庭人口=3, 年总收入=12000, 月人均=333),  # 333.33 rounded to 元: the same
            row("李四", 身份证=VALID_IDS["woman_1990"], 本人月收入=1000, 年总收入="一万二")]
    plan = plan_file(db, write_sheet(tmp_path / "i.xlsx", rows))
    assert warnings(plan) == ["第6行 家庭年总收入：无法核对：金额“一万二”是大写汉字，请改写成阿拉伯数字（例如 100 或 100.00）"
                              "（该列由程序计算，不导入）"]

    # no income columns: nothing to compute the figures from, so nothing is compared
    no_incomes = [["张三", "困难", "因病", "2025-01-01", 99999, 800]]
    source = open_source(write_sheet(tmp_path / "n.xlsx", no_incomes,
                                     header=["户主姓名", "困难类型", "致困原因", "建档时间", "家庭年总收入", "家庭月人均收入"]))
    plan = plan_import(db, source, today=TODAY)
    assert plan.counts()["new"] == 1 and warnings(plan) == []


def test_a_mapping_without_the_needed_columns_is_refused(tmp_path, db, members):
    source = open_source(write_sheet(tmp_path / "m.xlsx", [ZHANG]))
    with pytest.raises(UserError, match="列对应中缺少“建档日期”"):
        plan_import(db, source, {1: "name", 4: "category", 6: "main_cause"})
    with pytest.raises(UserError, match="不是困难职工档案的字段"):
        plan_import(db, source, {1: "name", 4: "category", 6: "main_cause", 22: "opened_on", 3: "salary"})


# --- commit: all or nothing ----------------------------------------------------------------------------
def test_a_cancel_during_the_commit_writes_nothing(tmp_path, db, members):
    plan = plan_file(db, write_sheet(tmp_path / "c.xlsx", VALID))
    checks = []

    def cancelled_after_the_rows_are_written() -> bool:
        checks.append(True)
        return len(checks) > 1  # the check before the first row passes, the one after the last does not

    with pytest.raises(Cancelled):
        commit_import(db, plan, is_cancelled=cancelled_after_the_rows_are_written)

    assert len(checks) == 2
    assert stored(db) == [] and not db.conn.in_transaction


def test_a_change_since_the_check_rolls_back_every_row(tmp_path, db, members):
    plan = plan_file(db, write_sheet(tmp_path / "x.xlsx", VALID))
    HardshipFileStore(db, today=TODAY).open_file(FileInput(member_id=members["周八"], category="困难",
                                                           main_cause="因病", opened_on="2026-01-01"))

    with pytest.raises(UserError, match="第7行：周八已有一份在档的困难职工档案.*数据库在检查之后被修改过，本次没有导入任何数据"):
        commit_import(db, plan)

    assert [f["member_id"] for f in stored(db)] == [members["周八"]]  # 张三's and 王五's files rolled back


def test_progress_is_reported_per_household(tmp_path, db, members):
    plan = plan_file(db, write_sheet(tmp_path / "p.xlsx", VALID))
    seen = []
    commit_import(db, plan, progress=lambda done, total, text: seen.append((done, total, text)))
    assert seen == [(0, 3, "正在导入第 1/3 户…"), (3, 3, "导入完成")]


def test_planning_can_be_cancelled(tmp_path, db, members):
    source = open_source(write_sheet(tmp_path / "p.xlsx", VALID))
    with pytest.raises(Cancelled):
        plan_import(db, source, is_cancelled=lambda: True)


# --- command line ------------------------------------------------------------------------------------------
def test_the_command_prints_the_plan_and_imports(tmp_path, db_path, db, members):
    path = write_sheet(tmp_path / "花名册.xlsx", VALID)
    out = io.StringIO()

    assert hardship_import_command(db_path, path, dry_run=False, skip_invalid=False, out=out) == 0

    lines = out.getvalue().splitlines()
    assert lines[:4] == [f"文件：{path}", "工作表：困难职工花名册", "表头：第4行", "列对应："]
    assert "  困难类型 → 困难类别" in lines and "  家庭月人均收入 → 家庭月人均收入（仅核对）" in lines
    assert "未使用的列：序号" in lines
    assert "检查结果：新建在档档案 2 户，历史档案（已脱困/注销）1 户，已有档案（不再导入）0 户，有问题 0 行。" in lines
    assert lines[-1] == (f"导入完成：新建在档档案 2 户，历史档案 1 户（其中 1 户户主不是在册会员，已注明“{IMPORT_REASON}”），"
                         "已有档案未重复导入 0 户，跳过 0 行。")
    assert len(stored(db)) == 3


def test_the_command_exit_codes(tmp_path, db_path, db, members, capsys):
    good = write_sheet(tmp_path / "good.xlsx", [ZHANG])
    bad = write_sheet(tmp_path / "bad.xlsx", [WANG_CLOSED, ZHAO_UNKNOWN])
    unreadable = tmp_path / "x.xlsx"
    unreadable.write_text("x", encoding="utf-8")

    def run(path, **options) -> int:
        out = io.StringIO()
        code = hardship_import_command(db_path, path, dry_run=options.get("dry_run", False),
                                       skip_invalid=options.get("skip_invalid", False), out=out)
        run.outputs.append(out.getvalue())
        return code

    run.outputs = []
    assert run(good, dry_run=True) == 0
    assert run(bad, dry_run=True) == 1
    assert run(bad) == 1
    assert stored(db) == []
    assert "有 1 行数据有问题，没有写入任何数据。请修改文件后重新导入，或加上 --skip-invalid 只导入没有问题的行。" in run.outputs[-1]
    assert "第6行 困难类别：“深度困难”不是可选的困难类别" in run.outputs[-1]
    assert run.outputs[0].splitlines()[-1] == "试运行：没有写入数据库。"
    assert run(bad, skip_invalid=True) == 0
    assert run(good) == 0
    assert run(good) == 0  # already there: nothing added
    assert "已有档案（不再导入）1 户" in run.outputs[-1]
    assert run(unreadable) == 2
    assert "错误：文件“x.xlsx”不是 Excel 表格" in capsys.readouterr().err
    assert [f["member_id"] for f in stored(db)] == [members["王五"], members["张三"]]


def test_a_csv_sheet_in_gbk_is_read_too(tmp_path, db, members):
    path = tmp_path / "花名册.csv"
    path.write_bytes("姓名,部门,困难类别,致困原因,月收入,家庭人口,建档日期\n周八,二车间,特困,因病致困,1500,2,2025/3/1\n"
                     .encode("gb18030"))

    plan = plan_file(db, path)

    assert plan.counts()["new"] == 1
    assert (plan.rows[0].data.main_cause, plan.rows[0].income_per_person_fen) == ("因病", 75_000)


# --- the template --------------------------------------------------------------------------------------------
def test_the_blank_template_imports_as_an_empty_sheet_and_a_filled_one_imports(tmp_path, db, members):
    path = write_hardship_template(tmp_path / "模板.xlsx", db)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    header = [c.value for c in sheet[3]]
    assert header[:4] == ["姓名", "身份证号", "部门", "困难类别"] and "家庭月人均收入（仅核对）" not in header
    assert sheet.cell(4, header.index("身份证号") + 1).number_format == "@"
    lists = {str(v.sqref).split(":")[0][:-1]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["D"] == '"特困,困难,低保户,低保边缘户,意外致困户"'

    source = open_source(path)
    assert source.header_row_number == 3 and len(source.mapping) == len(header)
    assert plan_import(db, source, today=TODAY).rows == []
    values = {"姓名": "周八", "困难类别": "困难", "主要致困原因": "因病", "建档日期": "2025-01-01", "本人月收入": 900}
    for column, label in enumerate(header, 1):
        sheet.cell(4, column, values.get(label))
    workbook.save(path)
    assert plan_import(db, open_source(path), today=TODAY).counts()["new"] == 1
