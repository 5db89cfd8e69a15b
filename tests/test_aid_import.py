"""Importing a historical 帮扶台账: finding the household head and the file covering the date, type and
source aliases, 金秋助学 students (listed or added), rule warnings kept with the reason, stages, duplicates,
all-or-nothing, skip-invalid, cancel, an exported ledger coming back unchanged, and the command."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from tests.conftest import TODAY, VALID_IDS
from gonghui_desk.errors import Cancelled, UserError
from gonghui_desk.exporting.aid_ledger import AID_COLUMNS, export_aid_ledger
from gonghui_desk.hardship.aid import AidInput, AidStore
from gonghui_desk.hardship.aid_ledger import AidFilter
from gonghui_desk.hardship.files import HardshipFileStore
from gonghui_desk.importing.aid_import import (
    AID_IMPORT_FIELDS,
    IMPORT_REASON,
    aid_import_command,
    commit_import,
    open_source,
    plan_import,
)
from gonghui_desk.importing.common import ImportBlocked
from gonghui_desk.importing.headers import auto_map
from gonghui_desk.importing.aid_import import AID_SYNONYMS
from gonghui_desk.members import MemberStore
from gonghui_desk.union import add_sub_unit

STUDENT_ID = "110101200801010019"  # 张小明, listed in 张三's file
NEW_STUDENT_ID = "110101200705050029"  # 张小红, not listed yet
HEADER = ["序号", "姓名", "身份证号码", "部门", "救助类型", "发放金额（元）", "物资", "物资价值", "经费来源", "发放日期",
          "发放人", "公示日期", "是否签收", "学生姓名", "学生身份证号", "录取学校", "入学年份", "备注"]


def row(name, aid_type, cash, paid, **cells) -> list:
    """A ledger row: the name, type, money and date, and any other cell by the start of its header."""
    values = dict.fromkeys(HEADER[1:])
    values.update({"姓名": name, "救助类型": aid_type, "发放金额（元）": cash, "发放日期": paid})
    for label, value in cells.items():
        values[next(text for text in HEADER if text.startswith(label))] = value
    return [values[text] for text in HEADER[1:]]


WARMTH = row("张三", "送温暖", 500, "2026-01-15", 身份证号=VALID_IDS["man_1985"], 部门="一车间", 物资="米面油",
             物资价值="200", 经费来源="上级", 发放人="王会计", 公示日期="2026-01-10", 是否签收="已签收")
TUITION = row("张 三", "金秋助学", "3,000.00", dt.datetime(2026, 9, 1), 经费来源="捐款", 是否签收="是",
              学生姓名="张小明", 录取学校="某某大学", 入学年份=2026)
NEW_STUDENT = row("张三", "助学", 2000, "2026.9.5", 学生姓名="张小红", 学生身份证号=NEW_STUDENT_ID,
                  录取学校="某某职业学院", 入学年份="2026年", 备注="新生")
UNKNOWN_TYPE = row("张三", "购房补贴", 5000, "2026-02-01")
NO_FILE = row("王五", "生活救助", 800, "2026-04-01", 部门="一车间")
CLOSED_FILE = row("李四", "生活救助", 800, "2026-05-01", 部门="二车间", 经费来源="工会经费")
DUPLICATE = row("赵六", "生活救助", "1000", "2026-03-10")
NO_DATE = row("赵六", "临时救助", 600, None)
GOOD = [WARMTH, TUITION, NEW_STUDENT, CLOSED_FILE]


@pytest.fixture
def union(db):
    """张三 (一车间, 在档, son 张小明), 李四 (二车间, 脱困 on 2026-03-01), 王五 (no file), 赵六 (在档, one payment)."""
    one, two = add_sub_unit(db, "一车间"), add_sub_unit(db, "二车间")
    members = MemberStore(db)
    people = {
        "张三": members.create({"name": "张三", "id_number": VALID_IDS["man_1985"], "sub_unit_id": one,
                                "join_date": "2010-01-01"}, today=TODAY),
        "李四": members.create({"name": "李四", "id_number": VALID_IDS["woman_1990"], "sub_unit_id": two,
                                "join_date": "2010-01-01"}, today=TODAY),
        "王五": members.create({"name": "王五", "sub_unit_id": one, "join_date": "2010-01-01"}, today=TODAY),
        "赵六": members.create({"name": "赵六", "sub_unit_id": two, "join_date": "2010-01-01"}, today=TODAY),
    }
    files = {}
    for name, opened, status, closed, family in (
            ("张三", "2025-01-01", "在档", None, [("张小明", "子女", STUDENT_ID)]),
            ("李四", "2024-01-01", "脱困", "2026-03-01", []),
            ("赵六", "2025-06-01", "在档", None, [])):
        files[name] = db.conn.execute(
            "INSERT INTO hardship_files (member_id, status, category, main_cause, opened_on, closed_on) "
            "VALUES (?, ?, '困难', '因病', ?, ?)", [people[name], status, opened, closed]).lastrowid
        for order, (person, relation, number) in enumerate(family):
            db.conn.execute("INSERT INTO hardship_family_members (file_id, name, relation, id_number, identity, "
                            "sort_order) VALUES (?, ?, ?, ?, '学生', ?)", [files[name], person, relation, number, order])
    aid = AidStore(db, today=TODAY)
    existing = aid.apply(AidInput(file_id=files["赵六"], aid_type="生活救助", cash_fen=100000, applied_on="2026-03-10"))
    aid.approve(existing, "2026-03-10", "李主席")
    aid.pay(existing, "2026-03-10", "王会计")
    return {"people": people, "files": files, "existing": existing}


def write_ledger(path, rows, *, header=HEADER):
    """A ledger as kept by hand: a title, a unit line, headers in its own words, a 合计 and a 制表人 line."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "帮扶台账"
    sheet.append(["某某公司工会2026年困难职工帮扶台账"])
    sheet.append(["填报单位：某某公司工会", None, None, None, None, None, None, None, "填报日期：2026年11月20日"])
    sheet.append(header)
    for number, cells in enumerate(rows, start=1):
        sheet.append([number, *cells])
    sheet.append(["合计", None, None, None, None, 12700])
    sheet.append(["制表人：王五", None, None, None, "审核人：李主席"])
    workbook.save(path)
    return path


def plan_file(db, path, **kwargs):
    return plan_import(db, open_source(path), today=TODAY, **kwargs)


def payments(db) -> list[dict]:
    return list(db.query("SELECT * FROM aid_payments ORDER BY id"))


def family(db, file_id) -> list[tuple]:
    return [tuple(r) for r in db.execute(
        "SELECT name, relation, id_number, identity, unit_or_school FROM hardship_family_members "
        "WHERE file_id = ? AND voided_at IS NULL ORDER BY sort_order, id", [file_id])]


def texts(plan, severity: str) -> list[str]:
    return [p.text for p in plan.problems() if p.severity == severity]


# --- reading ----------------------------------------------------------------------------------------------
def test_hand_written_headers_are_mapped(tmp_path):
    source = open_source(write_ledger(tmp_path / "台账.xlsx", [WARMTH]))

    assert source.header_row_number == 3
    assert {source.headers[c]: key for c, key in source.mapping.items()} == {
        "姓名": "name", "身份证号码": "id_number", "部门": "sub_unit", "救助类型": "aid_type", "发放金额（元）": "cash",
        "物资": "goods_desc", "物资价值": "goods_value", "经费来源": "fund_source", "发放日期": "paid_on",
        "发放人": "paid_by", "公示日期": "publicized_on", "是否签收": "signed", "学生姓名": "student_name",
        "学生身份证号": "student_id_number", "录取学校": "school", "入学年份": "admission_year", "备注": "notes"}


@pytest.mark.parametrize("headers, fields", [
    (["户主", "帮扶类型", "帮扶金额", "帮扶物资", "资金来源", "申请日期", "审核日期", "审核人", "发放日期"],
     ["name", "aid_type", "cash", "goods_desc", "fund_source", "applied_on", "approved_on", "approved_by", "paid_on"]),
    (["职工姓名", "身份证号", "单位", "帮扶项目", "金额", "日期", "受助学生", "与户主关系", "学校", "学制"],
     ["name", "id_number", "sub_unit", "aid_type", "cash", "paid_on", "student_name", "student_relation", "school",
      "schooling_years"]),
    (["受助人", "类别", "救助金额（元）", "发放时间", "签收", "学生身份证号码"],
     ["name", "aid_type", "cash", "paid_on", "signed", "student_id_number"]),
])
def test_header_variants(headers, fields):
    assert list(auto_map(headers, AID_SYNONYMS).values()) == fields


def test_every_header_of_the_ledger_export_is_recognised():
    mapped = auto_map([c.label for c in AID_COLUMNS], AID_SYNONYMS)
    assert [AID_COLUMNS[i].label for i in range(len(AID_COLUMNS)) if i not in mapped] == ["序号"]
    assert set(mapped.values()) <= set(AID_IMPORT_FIELDS)


# --- a messy ledger -----------------------------------------------------------------------------------------
def test_a_messy_ledger_is_checked_row_by_row(tmp_path, db, union):
    rows = [WARMTH, TUITION, NEW_STUDENT, UNKNOWN_TYPE, NO_FILE, CLOSED_FILE, DUPLICATE, NO_DATE]

    plan = plan_file(db, write_ledger(tmp_path / "台账.xlsx", rows))

    assert [(r.row_number, r.action, r.name, r.aid_type, r.day) for r in plan.rows] == [
        (4, "new", "张三", "节日送温暖", "2026-01-15"),
        (5, "new", "张三", "金秋助学", "2026-09-01"),
        (6, "new", "张三", "金秋助学", "2026-09-05"),
        (7, "invalid", "张三", "购房补贴", "2026-02-01"),
        (8, "invalid", "王五", "生活救助", "2026-04-01"),
        (9, "new", "李四", "生活救助", "2026-05-01"),
        (10, "unchanged", "赵六", "生活救助", "2026-03-10"),
        (11, "invalid", "赵六", "临时救助", ""),
    ]
    assert plan.counts() == {"new": 4, "unchanged": 1, "invalid": 3}
    assert plan.households() == 2 and plan.students_to_add() == ["张小红"] and plan.with_warnings() == 1
    assert texts(plan, "error") == [
        "第7行 帮扶类型：“购房补贴”不是已有的帮扶类型，已有：生活救助、医疗救助、大病救助、金秋助学、节日送温暖、"
        "临时救助、其他。如果确是新的帮扶类型，请先在设置的选项表中添加再导入",
        "第8行 困难职工档案：该会员没有困难职工档案，请先建档或导入困难职工档案",
        "第11行 发放日期：请填写发放日期（历史台账的每一笔帮扶都应写明何时发放；尚未发放的，请在“阶段”一栏写“申请”或“审核”）",
    ]
    assert texts(plan, "warning") == [
        "第6行 受助学生：将把学生 张小红 添加为该户家庭成员",
        f"第9行 帮扶规定：该困难职工档案已于 2026-03-01脱困，2026-05-01 不在档（导入时将注明“{IMPORT_REASON}”）",
        f"第10行 重复记录：与已有的帮扶记录（编号 {union['existing']}）相同（同一户、帮扶类型、发放日期和金额），不再重复导入",
    ]
    warmth, tuition, new_student = plan.rows[:3]
    assert (warmth.aid.fund_source, warmth.aid.cash_fen, warmth.aid.goods_value_fen) == ("上级帮扶资金", 50000, 20000)
    assert (tuition.aid.fund_source, tuition.aid.cash_fen, tuition.student_name) == ("社会捐助", 300000, "张小明")
    assert tuition.aid.student_family_member_id is not None and tuition.new_student is None
    assert new_student.aid.admission_year == 2026 and new_student.new_student.relation == "子女"
    assert plan.rows[5].aid.fund_source == "本级经费"
    assert payments(db)[1:] == [] and len(family(db, union["files"]["张三"])) == 1  # planning writes nothing


@pytest.mark.parametrize("cells, message", [
    (dict(姓名="孙七"), "第4行 户主：会员名册中没有名为“孙七”的会员（已作废的会员不能导入帮扶记录）"),
    (dict(身份证号=VALID_IDS["woman_1990"]),
     f"第4行 户主：身份证号 {VALID_IDS['woman_1990']} 是会员“李四”的，与姓名“张三”不一致，请核对"),
    (dict(经费来源="上级工会补助款"), "第4行 资金来源：“上级工会补助款”不是已有的资金来源，已有：上级帮扶资金、本级经费、行政、"
                               "社会捐助。如果确是新的资金来源，请先在设置的选项表中添加再导入"),
    (dict(发放金额="壹仟元"), "第4行 帮扶金额：金额“壹仟元”是大写汉字，请改写成阿拉伯数字（例如 100 或 100.00）"),
    (dict(发放日期="2027-01-05"), "第4行 发放日期：发放日期 2027-01-05 晚于今天"),
    (dict(发放日期="2026年13月5日"), "第4行 发放日期：日期“2026年13月5日”不存在"),
    (dict(物资价值=50, 物资=None), "第4行 帮扶物资：填写了物资价值时请写明帮扶物资"),
    (dict(是否签收="待定"), "第4行 签收：“待定”应填“已签收”或“未签收”（也可填“是”“否”）"),
    (dict(发放金额=None), "第4行 帮扶金额：请填写帮扶金额或帮扶物资"),
    (dict(救助类型=None), "第4行 帮扶类型：请填写帮扶类型"),
])
def test_every_error_names_the_row_and_the_field(tmp_path, db, union, cells, message):
    base = row("张三", "生活救助", 800, "2026-04-01")
    plan = plan_file(db, write_ledger(tmp_path / "e.xlsx", [_with(base, cells)]))

    assert plan.rows[0].action == "invalid"
    assert texts(plan, "error") == [message]


def _expand(cells: dict) -> dict:
    return {next(text for text in HEADER if text.startswith(label)): value for label, value in cells.items()}


def _with(base: list, cells: dict) -> list:
    changed = list(base)
    for header, value in _expand(cells).items():
        changed[HEADER.index(header) - 1] = value
    return changed


@pytest.mark.parametrize("cells, message", [
    (dict(学生姓名=None), "第4行 受助学生：金秋助学请填写受助学生姓名"),
    (dict(入学年份=None), "第4行 入学年份：金秋助学请填写入学年份"),
    (dict(入学年份="明年"), "第4行 入学年份：入学年份“明年”应为四位年份，如 2026"),
    (dict(学生身份证号=VALID_IDS["man_1965"], 学生姓名="张小明"),
     f"第4行 学生身份证号：该户家庭成员“张小明”的身份证号与 {VALID_IDS['man_1965']} 不同，请核对"),
    (dict(学生身份证号=STUDENT_ID, 学生姓名="张小刚"),
     f"第4行 学生身份证号：学生身份证号 {STUDENT_ID} 是该户家庭成员“张小明”的，与受助学生“张小刚”不一致，请核对"),
    (dict(学生身份证号="110101200801010018"), "第4行 学生身份证号：身份证号校验位错误（最后一位应为 9），请核对是否抄错"),
])
def test_student_errors(tmp_path, db, union, cells, message):
    plan = plan_file(db, write_ledger(tmp_path / "s.xlsx", [_with(TUITION, cells)]))

    assert texts(plan, "error") == [message]


def test_the_stage_column_imports_an_application_or_an_approval(tmp_path, db, union):
    header = ["户主", "帮扶类型", "帮扶金额", "阶段", "申请日期", "审核日期", "审核人", "发放日期"]
    rows = [["赵六", "医疗救助", 900, "申请", "2026-10-08", None, None, None],
            ["赵六", "大病", 5000, "已审核", "2026-10-09", "2026-10-12", "李主席", None],
            ["赵六", "临时救助", 300, "审核", None, None, None, None],
            ["赵六", "临时救助", 300, "申请", "2026-10-01", None, None, "2026-10-05"],
            ["赵六", "临时救助", 300, "结案", "2026-10-01", None, None, "2026-10-05"],
            ["赵六", "临时救助", 300, None, "2026-10-06", None, None, "2026-10-05"]]
    path = tmp_path / "stage.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    for cells in rows:
        workbook.active.append(cells)
    workbook.save(path)

    plan = plan_file(db, path)

    assert [(r.action, r.stage, r.day) for r in plan.rows] == [
        ("new", "申请", "2026-10-08"), ("new", "审核", "2026-10-09"), ("invalid", "审核", ""),
        ("invalid", "申请", "2026-10-01"), ("invalid", "发放", "2026-10-05"), ("invalid", "发放", "2026-10-05")]
    assert texts(plan, "error") == [
        "第4行 申请日期：阶段为“审核”的记录请填写申请日期",
        "第5行 发放日期：阶段为“申请”（尚未发放），不应有发放日期；已发放的请把阶段改为“发放”",
        "第6行 阶段：“结案”应为“申请”“审核”或“发放”",
        "第7行 发放日期：发放日期 2026-10-05 早于申请日期 2026-10-06",
    ]
    commit_import(db, plan, skip_invalid=True)
    applied, approved = payments(db)[1:]
    assert (applied["stage"], applied["applied_on"], applied["approved_on"], applied["paid_on"]) == (
        "申请", "2026-10-08", None, None)
    assert (approved["stage"], approved["aid_type"], approved["approved_on"], approved["approved_by"]) == (
        "审核", "大病救助", "2026-10-12", "李主席")


def test_a_masked_id_number_is_compared_with_the_head_s_own(tmp_path, db, union):
    rows = [_with(WARMTH, {"身份证号": "110101********0013"}), _with(WARMTH, {"身份证号": "110101********0014"})]

    plan = plan_file(db, write_ledger(tmp_path / "mask.xlsx", rows))

    assert plan.rows[0].member_id == union["people"]["张三"] and plan.rows[0].action == "new"
    assert texts(plan, "error") == ["第5行 身份证号：身份证号 110101********0014 与会员“张三”的身份证号不符，请核对"]


def test_a_head_who_had_left_the_roll_is_a_warning(tmp_path, db, union):
    MemberStore(db).change_status(union["people"]["赵六"], "转出", "2026-06-30", "调往外单位")

    plan = plan_file(db, write_ledger(tmp_path / "left.xlsx", [row("赵六", "临时救助", 500, "2026-07-10")]))

    assert plan.rows[0].action == "new"
    assert texts(plan, "warning") == [
        f"第4行 帮扶规定：户主在 2026-07-10 的会员状态为“转出”（导入时将注明“{IMPORT_REASON}”）"]
    commit_import(db, plan)
    assert (payments(db)[-1]["rule_warnings"], payments(db)[-1]["override_reason"]) == (
        "户主在 2026-07-10 的会员状态为“转出”", IMPORT_REASON)


def test_publicity_dates_and_other_dates_in_order(tmp_path, db, union):
    header = ["户主", "帮扶类型", "帮扶金额", "阶段", "申请日期", "审核日期", "公示日期", "发放日期"]
    rows = [["赵六", "临时救助", 100, None, "2026-04-01", "2026-04-03", "2026-04-05", "2026-04-10"],
            ["赵六", "临时救助", 200, None, None, "2026-04-03", "2026-03-25", "2026-04-10"],
            ["赵六", "临时救助", 300, "申请", "2026-04-01", None, "2026-04-05", None],
            ["赵六", "临时救助", 400, None, "2026-04-08", None, "2026-04-05", "2026-04-10"],
            ["赵六", "临时救助", 500, None, "2026-04-01", "2026-04-12", None, "2026-04-10"],
            ["赵六", "临时救助", 600, "审核", "2026-04-06", "2026-04-02", None, None]]
    path = tmp_path / "order.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    for cells in rows:
        workbook.active.append(cells)
    workbook.save(path)

    plan = plan_file(db, path)

    assert [r.action for r in plan.rows] == ["new", "new", "invalid", "invalid", "invalid", "invalid"]
    assert texts(plan, "error") == [
        "第4行 公示日期：阶段为“申请”（尚未审核），不能登记公示日期：公示的是审核通过的名单",
        "第5行 公示日期：公示日期 2026-04-05 早于申请日期 2026-04-08",
        "第6行 发放日期：发放日期 2026-04-10 早于审核日期 2026-04-12",
        "第7行 审核日期：审核日期 2026-04-02 早于申请日期 2026-04-06",
    ]
    commit_import(db, plan, skip_invalid=True)
    in_order, early_publicity = payments(db)[1:]
    assert (in_order["applied_on"], in_order["approved_on"], in_order["publicized_on"], in_order["paid_on"]) == (
        "2026-04-01", "2026-04-03", "2026-04-05", "2026-04-10")
    # no 申请日期: applied for on the earliest date the row gives
    assert (early_publicity["applied_on"], early_publicity["publicized_on"]) == ("2026-03-25", "2026-03-25")


# --- committing ---------------------------------------------------------------------------------------------
def test_invalid_rows_block_the_whole_import(tmp_path, db, union):
    plan = plan_file(db, write_ledger(tmp_path / "b.xlsx", [WARMTH, NEW_STUDENT, NO_FILE]))

    with pytest.raises(ImportBlocked, match="有 1 行数据有问题，为保证台账完整，本次没有导入任何数据"):
        commit_import(db, plan)

    assert len(payments(db)) == 1 and len(family(db, union["files"]["张三"])) == 1


def test_historical_payments_are_stored_as_paid(tmp_path, db, union):
    plan = plan_file(db, write_ledger(tmp_path / "ok.xlsx", GOOD))

    result = commit_import(db, plan)

    assert (result.created, result.unchanged, result.skipped, result.with_warnings, result.students_added) == (
        4, 0, 0, 1, 1)
    warmth, tuition, new_student, closed = payments(db)[1:]
    assert {p["stage"] for p in (warmth, tuition, new_student, closed)} == {"发放"}
    assert (warmth["file_id"], warmth["member_id"]) == (union["files"]["张三"], union["people"]["张三"])
    assert (warmth["aid_type"], warmth["cash_fen"], warmth["goods_desc"], warmth["goods_value_fen"]) == (
        "节日送温暖", 50000, "米面油", 20000)
    assert (warmth["applied_on"], warmth["approved_on"], warmth["approved_by"], warmth["paid_on"], warmth["paid_by"]) \
        == ("2026-01-10", "2026-01-15", "导入", "2026-01-15", "王会计")  # applied for by the 公示 at the latest
    assert (warmth["publicized_on"], warmth["signed"], warmth["fund_source"]) == ("2026-01-10", 1, "上级帮扶资金")
    assert (warmth["rule_warnings"], warmth["override_reason"]) == ("", "")
    assert (tuition["school"], tuition["admission_year"], tuition["signed"], tuition["publicized_on"]) == (
        "某某大学", 2026, 1, None)
    assert (closed["rule_warnings"], closed["override_reason"]) == (
        "该困难职工档案已于 2026-03-01脱困，2026-05-01 不在档", IMPORT_REASON)
    assert closed["file_id"] == union["files"]["李四"] and closed["signed"] == 0
    # the student who was not listed is now a family member of the household, and the payment names her
    assert family(db, union["files"]["张三"]) == [
        ("张小明", "子女", STUDENT_ID, "学生", ""), ("张小红", "子女", NEW_STUDENT_ID, "学生", "某某职业学院")]
    student = db.execute("SELECT name FROM hardship_family_members WHERE id = ?",
                         [new_student["student_family_member_id"]]).fetchone()[0]
    assert student == "张小红" and new_student["notes"] == "新生"
    assert HardshipFileStore(db).get(union["files"]["张三"])["household_size"] == 3


def test_reimporting_the_same_ledger_adds_nothing(tmp_path, db, union):
    path = write_ledger(tmp_path / "again.xlsx", GOOD)
    commit_import(db, plan_file(db, path))

    plan = plan_file(db, path)

    assert plan.counts() == {"new": 0, "unchanged": 4, "invalid": 0}
    assert texts(plan, "error") == [] and all("重复记录" in text for text in texts(plan, "warning"))
    assert commit_import(db, plan).created == 0 and len(payments(db)) == 5
    assert len(family(db, union["files"]["张三"])) == 2


def test_a_row_repeated_in_the_file_is_imported_once_and_a_student_twice_is_a_warning(tmp_path, db, union):
    second_grant = _with(NEW_STUDENT, dict(发放金额=500, 发放日期="2026-10-08"))
    plan = plan_file(db, write_ledger(tmp_path / "twice.xlsx", [WARMTH, NEW_STUDENT, WARMTH, second_grant]))

    assert [r.action for r in plan.rows] == ["new", "new", "unchanged", "new"]
    assert texts(plan, "warning") == [
        "第5行 受助学生：将把学生 张小红 添加为该户家庭成员",
        "第6行 重复记录：与第4行相同（同一户、帮扶类型、发放日期和金额），不再重复导入",
        f"第7行 帮扶规定：该学生2026年入学的助学已在第5行，每次入学限资助一次（导入时将注明“{IMPORT_REASON}”）",
        "第7行 受助学生：将把学生 张小红 添加为该户家庭成员",
    ]
    result = commit_import(db, plan)
    assert (result.created, result.students_added, result.with_warnings) == (3, 1, 1)
    assert len(family(db, union["files"]["张三"])) == 2  # added once
    last = payments(db)[-1]
    assert last["rule_warnings"].startswith("该学生2026年入学的助学已于 2026-09-05 发放")
    assert last["override_reason"] == IMPORT_REASON


def test_a_payment_before_any_file_goes_to_the_latest_file_with_a_warning(tmp_path, db, union):
    plan = plan_file(db, write_ledger(tmp_path / "early.xlsx", [row("赵六", "生活救助", 300, "2025-03-01")]))

    assert plan.rows[0].file_id == union["files"]["赵六"] and plan.rows[0].action == "new"
    assert texts(plan, "warning") == [
        f"第4行 帮扶规定：2025-03-01 早于该困难职工档案的建档日期 2025-06-01（导入时将注明“{IMPORT_REASON}”）"]


def test_skip_invalid_imports_the_other_rows(tmp_path, db, union):
    plan = plan_file(db, write_ledger(tmp_path / "s.xlsx", [WARMTH, UNKNOWN_TYPE, NO_FILE, NO_DATE]))

    result = commit_import(db, plan, skip_invalid=True)

    assert (result.created, result.skipped) == (1, 3)
    assert [p["aid_type"] for p in payments(db)] == ["生活救助", "节日送温暖"]


def test_a_cancel_during_the_commit_writes_nothing(tmp_path, db, union):
    plan = plan_file(db, write_ledger(tmp_path / "c.xlsx", GOOD))
    checks = []

    def cancelled_after_the_rows_are_saved() -> bool:
        checks.append(True)
        return len(checks) > 1  # the check before the first row passes, the one after the last does not

    with pytest.raises(Cancelled):
        commit_import(db, plan, is_cancelled=cancelled_after_the_rows_are_saved)

    assert len(checks) == 2
    assert len(payments(db)) == 1 and len(family(db, union["files"]["张三"])) == 1


def test_a_database_changed_since_the_check_writes_nothing(tmp_path, db, union):
    plan = plan_file(db, write_ledger(tmp_path / "late.xlsx", GOOD))
    db.conn.execute("UPDATE hardship_files SET voided_at = '2026-11-22T00:00:00' WHERE id = ?",
                    [union["files"]["李四"]])

    with pytest.raises(UserError, match="^第7行：困难职工档案：.*本次没有导入任何数据"):
        commit_import(db, plan)

    assert len(payments(db)) == 1 and len(family(db, union["files"]["张三"])) == 1


def test_planning_can_be_cancelled(tmp_path, db, union):
    source = open_source(write_ledger(tmp_path / "p.xlsx", [WARMTH]))
    with pytest.raises(Cancelled):
        plan_import(db, source, is_cancelled=lambda: True)


def test_a_mapping_without_name_or_type_is_refused(tmp_path, db):
    source = open_source(write_ledger(tmp_path / "m.xlsx", [WARMTH]))
    with pytest.raises(UserError, match="列对应中缺少“帮扶类型”"):
        plan_import(db, source, {1: "name", 10: "paid_on"})


# --- the app's own export -----------------------------------------------------------------------------------
def test_an_exported_ledger_imports_back_unchanged(tmp_path, ledger):
    db = ledger["db"]
    path = tmp_path / "帮扶台账.xlsx"
    exported = export_aid_ledger(db, path, AidFilter(), today=TODAY)

    plan = plan_file(db, path)

    assert len(plan.rows) == exported == 8
    assert plan.counts() == {"new": 0, "unchanged": 8, "invalid": 0}
    assert texts(plan, "error") == []
    assert {p.field for p in plan.problems()} == {"duplicate"}


def test_an_exported_ledger_recreates_the_same_payments(tmp_path, ledger):
    """Voided, the ledger's payments come back from its export as they were (stage, dates, student, 签收)."""
    db = ledger["db"]
    path = tmp_path / "帮扶台账.xlsx"
    export_aid_ledger(db, path, AidFilter(), today=TODAY)
    columns = ("file_id", "aid_type", "cash_fen", "goods_desc", "goods_value_fen", "fund_source", "stage", "applied_on",
               "paid_on", "publicized_on", "signed", "student_family_member_id", "school", "admission_year")
    before = sorted(tuple(p[c] for c in columns) for p in payments(db) if not p["voided_at"])
    aid = AidStore(db, today=TODAY)
    for payment in payments(db):
        if not payment["voided_at"]:
            aid.void(payment["id"], "测试导入")

    plan = plan_file(db, path)
    assert plan.counts() == {"new": 8, "unchanged": 0, "invalid": 0} and plan.students_to_add() == []
    commit_import(db, plan)

    after = sorted(tuple(p[c] for c in columns) for p in payments(db) if not p["voided_at"])
    assert after == before


# --- the command --------------------------------------------------------------------------------------------
def test_the_command_prints_the_plan_and_imports(tmp_path, db_path, db, union):
    path = write_ledger(tmp_path / "台账.xlsx", GOOD)
    out = io.StringIO()

    assert aid_import_command(db_path, path, dry_run=False, skip_invalid=False, out=out) == 0

    lines = out.getvalue().splitlines()
    assert lines[:4] == [f"文件：{path}", "工作表：帮扶台账", "表头：第3行", "列对应："]
    assert "  救助类型 → 帮扶类型" in lines and "  发放金额（元） → 帮扶金额" in lines
    assert "未使用的列：序号" in lines
    assert ("检查结果：新增帮扶记录 4 人次（2 户），已有记录（不再导入）0 条，有问题 0 行；"
            "将添加为家庭成员的学生 1 人：张小红。") in lines
    assert "提示：" in lines and "第6行 受助学生：将把学生 张小红 添加为该户家庭成员" in lines
    assert lines[-1] == (f"导入完成：新增帮扶记录 4 条（其中 1 条不符合帮扶规定，已注明“{IMPORT_REASON}”），"
                         "新增家庭成员（学生）1 人，已有记录未重复导入 0 条，跳过 0 行。")
    assert len(payments(db)) == 5


def test_the_command_exit_codes(tmp_path, db_path, db, union, capsys):
    good = write_ledger(tmp_path / "good.xlsx", [WARMTH])
    bad = write_ledger(tmp_path / "bad.xlsx", [TUITION, UNKNOWN_TYPE])
    unreadable = tmp_path / "x.xlsx"
    unreadable.write_text("x", encoding="utf-8")

    def run(path, **options) -> tuple[int, str]:
        out = io.StringIO()
        code = aid_import_command(db_path, path, dry_run=options.get("dry_run", False),
                                  skip_invalid=options.get("skip_invalid", False), out=out)
        return code, out.getvalue()

    assert run(good, dry_run=True) == (0, run(good, dry_run=True)[1])
    assert "试运行：没有写入数据库。" in run(good, dry_run=True)[1]
    assert run(bad, dry_run=True)[0] == 1
    code, text = run(bad)
    assert code == 1 and "第5行 帮扶类型：“购房补贴”不是已有的帮扶类型" in text and "加上 --skip-invalid" in text
    assert len(payments(db)) == 1
    assert run(bad, skip_invalid=True)[0] == 0 and len(payments(db)) == 2
    assert run(good)[0] == 0 and len(payments(db)) == 3
    code, text = run(good)  # already there: nothing added
    assert code == 0 and "新增帮扶记录 0 条，已有记录未重复导入 1 条" in text and len(payments(db)) == 3
    assert run(unreadable)[0] == 2
    assert "错误：文件“x.xlsx”不是 Excel 表格" in capsys.readouterr().err


def test_a_csv_ledger_in_gbk_is_read_too(tmp_path, db, union):
    path = tmp_path / "台账.csv"
    path.write_bytes("姓名,部门,帮扶类型,金额,日期\n赵六,二车间,临时,600,2026/5/1\n".encode("gb18030"))

    plan = plan_file(db, path)

    assert plan.counts()["new"] == 1 and plan.rows[0].aid.cash_fen == 60000 and plan.rows[0].aid_type == "临时救助"
