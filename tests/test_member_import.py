"""Importing member rosters: checking rows, updates by ID number, sub-units, all-or-nothing, the CLI."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from tests.conftest import TODAY, VALID_IDS
from gonghui_desk import cli
from gonghui_desk.db import open_database
from gonghui_desk.errors import Cancelled, UserError
from gonghui_desk.importing.member_import import (
    ImportBlocked,
    commit_import,
    members_import_command,
    open_source,
    plan_import,
)
from gonghui_desk.union import add_sub_unit, sub_unit_paths, sub_units

HEADER = ["序号", "姓名", "性别", "身份证号", "出生日期", "手机号", "部门", "工会小组", "入会日期", "状态"]
ZHANG = ["张三", "男", VALID_IDS["man_1985"], "1985-03-07", "13800138000", "一车间", "甲班", "2010-07-01", "在册"]
LI = ["李四", "女", VALID_IDS["woman_1990"], "1990-01-01", "13900139000", "二车间", None, "2015-09-01", None]
WANG = ["王五", "男", VALID_IDS["man_1965"], None, None, "一车间", "甲班", None, None]


def write_roster(path, rows, *, header=HEADER, above=(), below=()):
    """An upstream-style roster: lines above the header, numbered data rows, lines below."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "会员花名册"
    for line in above:
        sheet.append(line)
    sheet.append(header)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row] if header[0] == "序号" else row)
    for line in below:
        sheet.append(line)
    workbook.save(path)
    return path


def plan_file(db, path, **kwargs):
    return plan_import(db, open_source(path), today=TODAY, **kwargs)


def member_count(db):
    return db.execute("SELECT count(*) FROM members").fetchone()[0]


def problem_texts(plan):
    return [p.text for p in plan.problems()]


# --- reading the source ----------------------------------------------------------------------------
def test_header_found_under_two_title_rows_and_a_unit_line(tmp_path):
    path = write_roster(tmp_path / "花名册.xlsx", [ZHANG], header=[
        "序号", "姓名", "性别", "公民身份号码", "出生年月", "联系电话", "所在部门", "班组"], above=[
        ["某某机械有限公司工会会员花名册"],
        ["（2026年度）"],
        ["填报单位：某某机械有限公司", None, None, None, "填报日期：2026年11月20日"],
    ])

    source = open_source(path)

    assert source.header_index == 3
    assert source.header_row_number == 4
    assert source.table.sheet_name == "会员花名册"
    assert source.mapping == {1: "name", 2: "sex", 3: "id_number", 4: "birth_date", 5: "phone",
                              6: "sub_unit", 7: "union_group"}


# --- checking rows -------------------------------------------------------------------------------------
def test_a_clean_file_plans_new_members(tmp_path, db):
    plan = plan_file(db, write_roster(tmp_path / "a.xlsx", [ZHANG, LI]))

    assert plan.counts() == {"new": 2, "update": 0, "unchanged": 0, "invalid": 0}
    zhang = plan.rows[0]
    assert (zhang.row_number, zhang.action, zhang.name) == (2, "new", "张三")
    assert zhang.sub_unit_path == "一车间/甲班"
    assert zhang.status == "在册"
    assert zhang.member_id is None and zhang.changes == {}
    assert zhang.values["id_number"] == VALID_IDS["man_1985"]
    assert zhang.values["join_date"] == "2010-07-01"
    assert zhang.values["ethnicity"] == "" and zhang.values["is_migrant_worker"] == 0
    assert "sub_unit_id" not in zhang.values
    assert plan.rows[1].status is None


@pytest.mark.parametrize("row, field, message", [
    (["张三", "男", "110101198503070014", None], "身份证号", "第2行 身份证号：身份证号校验位错误（最后一位应为 3）"),
    (["张三", "男", 110101198503070013, None], "身份证号", "第2行 身份证号：身份证号以数字格式保存"),
    (["张三", "男", 1.10101198503070e17, None], "身份证号", "第2行 身份证号：身份证号以数字格式保存"),
    (["张三", "男", VALID_IDS["man_1985"], "1985-13-45"], "出生日期", "第2行 出生日期：日期“1985-13-45”不存在"),
    (["张三", "男", VALID_IDS["man_1985"], "八五年"], "出生日期", "第2行 出生日期：无法识别日期“八五年”"),
    (["张三", "公", VALID_IDS["man_1985"], None], "性别", "第2行 性别：“公”不是有效的性别，应为：男、女"),
    (["张三", "女", VALID_IDS["man_1985"], None], "性别", "第2行 性别：性别“女”与身份证号（男性）不一致"),
    (["张三", "男", VALID_IDS["man_1985"], "1986-03-07"], "出生日期",
     "第2行 出生日期：出生日期 1986-03-07 与身份证号中的 1985-03-07 不一致"),
    ([None, "男", VALID_IDS["man_1985"], None], "姓名", "第2行 姓名：姓名不能为空"),
])
def test_every_kind_of_bad_cell_is_reported_with_row_and_field(tmp_path, db, row, field, message):
    path = write_roster(tmp_path / "bad.xlsx", [row], header=["姓名", "性别", "身份证号", "出生日期"])

    plan = plan_file(db, path)

    assert plan.rows[0].action == "invalid"
    [problem] = plan.problems()
    assert problem.label == field and problem.row_number == 2
    assert problem.text.startswith(message)


def test_bad_status_and_status_date_are_reported(tmp_path, db):
    path = write_roster(tmp_path / "s.xlsx", [["张三", "休假", "去年"]], header=["姓名", "状态", "状态日期"])
    assert problem_texts(plan_file(db, path)) == [
        "第2行 状态：“休假”不是有效的会员状态，应为：在册、退休、转出、退会、去世",
        "第2行 状态日期：无法识别日期“去年”，请写成 2024-05-03 这样的形式",
    ]


@pytest.mark.parametrize("text, status", [("正常", "在册"), ("在职", "在册"), ("离退休", "退休"), ("调出", "转出"),
                                          ("退休", "退休"), ("去世", "去世")])
def test_status_spellings(tmp_path, db, text, status):
    path = write_roster(tmp_path / "s.xlsx", [["张三", text]], header=["姓名", "状态"])
    assert plan_file(db, path).rows[0].status == status


def test_the_same_id_twice_in_the_file_names_the_earlier_row(tmp_path, db):
    path = write_roster(tmp_path / "dup.xlsx", [ZHANG, LI, ["张叁", *ZHANG[1:]]])

    plan = plan_file(db, path)

    assert [r.action for r in plan.rows] == ["new", "new", "invalid"]
    assert problem_texts(plan) == ["第4行 身份证号：身份证号与第2行重复，同一个人在文件中只能出现一次"]


@pytest.mark.parametrize("cell", [
    "2024-05-03", "2024/5/3", "2024.5.3", "2024年5月3日", "20240503", 20240503,
    dt.datetime(2024, 5, 3), dt.date(2024, 5, 3), 45415,
])
def test_accepted_date_styles(tmp_path, db, cell):
    path = write_roster(tmp_path / "d.xlsx", [["张三", cell]], header=["姓名", "入会日期"])
    row = plan_file(db, path).rows[0]
    assert row.action == "new"
    assert row.values["join_date"] == "2024-05-03"


def test_blank_footer_and_repeated_header_lines_are_skipped(tmp_path, db):
    path = write_roster(tmp_path / "f.xlsx", [
        ZHANG,
        [None] * len(ZHANG),
        ["姓名", "性别", "身份证号", "出生日期", "手机号", "部门", "工会小组", "入会日期", "状态"],
        LI,
    ], below=[
        ["合计：2人"],
        [None, "制表人：赵六", None, None, "审核人：钱七"],
        ["注：身份证号请设为文本格式"],
    ])
    plan = plan_file(db, path)
    assert [(r.row_number, r.name) for r in plan.rows] == [(2, "张三"), (5, "李四")]
    assert plan.problems() == []


def test_rows_with_only_a_serial_number_are_skipped(tmp_path, db):
    path = write_roster(tmp_path / "t.xlsx", [ZHANG, [None] * len(ZHANG), [None] * len(ZHANG)])
    assert plan_file(db, path).counts()["new"] == 1


def test_a_chosen_mapping_replaces_the_automatic_one(tmp_path, db):
    source = open_source(write_roster(tmp_path / "m.xlsx", [["张三", "男", "一车间", "13800138000"]],
                                      header=["姓名", "性别", "所属", "号码"]))
    assert source.mapping == {0: "name", 1: "sex"}

    plan = plan_import(db, source, {0: "name", 2: "sub_unit", 3: "phone"}, today=TODAY)

    row = plan.rows[0]
    assert row.sub_unit_path == "一车间" and row.values["phone"] == "13800138000"
    assert row.values["sex"] is None  # the 性别 column is no longer mapped


def test_a_mapping_without_name_or_with_a_field_twice_is_refused(tmp_path, db):
    source = open_source(write_roster(tmp_path / "a.xlsx", [ZHANG]))
    with pytest.raises(UserError, match="缺少“姓名”"):
        plan_import(db, source, {2: "sex"})
    with pytest.raises(UserError, match="有 2 列都对应到了“手机号”"):
        plan_import(db, source, {1: "name", 5: "phone", 6: "phone"})
    with pytest.raises(UserError, match="不是会员名册的字段"):
        plan_import(db, source, {1: "name", 2: "salary"})


# --- existing members ------------------------------------------------------------------------------------
def test_the_same_id_updates_the_member_field_by_field_and_a_reimport_is_unchanged(tmp_path, db, store):
    member_id = store.create({"name": "张三", "id_number": VALID_IDS["man_1985"], "phone": "13700137000",
                              "position": "技术员"}, today=TODAY)
    path = write_roster(tmp_path / "u.xlsx", [ZHANG])

    plan = plan_file(db, path)

    [row] = plan.rows
    assert (row.action, row.member_id) == ("update", member_id)
    assert row.changes == {
        "phone": ("13700137000", "13800138000"),
        "join_date": (None, "2010-07-01"),
        "sub_unit": ("", "一车间/甲班"),
    }
    assert row.values["position"] == "技术员"  # not in the file: kept
    result = commit_import(db, plan)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    member = store.get(member_id)
    assert member["phone"] == "13800138000" and member["position"] == "技术员"
    assert sub_unit_paths(db)[member["sub_unit_id"]] == "一车间/甲班"

    again = plan_file(db, path)
    assert again.counts() == {"new": 0, "update": 0, "unchanged": 1, "invalid": 0}
    assert again.unknown_sub_units == []
    assert commit_import(db, again).unchanged == 1


def test_a_blank_cell_does_not_erase_what_is_recorded(tmp_path, db, store):
    member_id = store.create({"name": "李四", "id_number": VALID_IDS["woman_1990"], "phone": "13900139000",
                              "is_migrant_worker": "是"}, today=TODAY)
    path = write_roster(tmp_path / "b.xlsx", [["李四", VALID_IDS["woman_1990"], None, None]],
                        header=["姓名", "身份证号", "手机号", "是否农民工"])

    plan = plan_file(db, path)

    assert plan.rows[0].action == "unchanged"
    commit_import(db, plan)
    assert store.get(member_id)["phone"] == "13900139000"
    assert store.get(member_id)["is_migrant_worker"] == 1


def test_a_status_change_is_recorded_in_the_status_history(tmp_path, db, store):
    member_id = store.create({"name": "王五", "id_number": VALID_IDS["man_1965"]}, status_date="2000-01-01",
                             today=TODAY)
    path = write_roster(tmp_path / "r.xlsx", [["王五", VALID_IDS["man_1965"], "离退休", "2025-02-01"]],
                        header=["姓名", "身份证号", "状态", "状态日期"])

    plan = plan_file(db, path)

    assert plan.rows[0].changes == {"status": ("在册", "退休")}
    commit_import(db, plan)
    member = store.get(member_id)
    assert (member["status"], member["status_date"]) == ("退休", "2025-02-01")
    last = store.status_history(member_id)[-1]
    assert (last["old_status"], last["new_status"], last["effective_date"], last["reason"]) == \
        ("在册", "退休", "2025-02-01", "导入名册")


def test_a_status_change_without_a_date_takes_the_day_of_the_import(tmp_path, db, store):
    member_id = store.create({"name": "王五", "id_number": VALID_IDS["man_1965"]}, today=TODAY)
    path = write_roster(tmp_path / "r.xlsx", [["王五", VALID_IDS["man_1965"], "调出"]], header=["姓名", "身份证号", "状态"])
    commit_import(db, plan_file(db, path))
    assert store.status_history(member_id)[-1]["effective_date"] == TODAY.isoformat()
    assert store.get(member_id)["status"] == "转出"


def test_a_new_member_gets_the_status_of_the_file(tmp_path, db, store):
    path = write_roster(tmp_path / "n.xlsx", [["赵六", "退休", "2020-06-30"]], header=["姓名", "状态", "状态日期"])
    commit_import(db, plan_file(db, path))
    member = db.execute("SELECT id, status, status_date FROM members").fetchone()
    assert member[1:] == ("退休", "2020-06-30")
    assert store.status_history(member[0])[0]["reason"] == "导入名册"


def test_a_different_name_for_a_known_id_is_a_warning(tmp_path, db, store):
    store.create({"name": "张三", "id_number": VALID_IDS["man_1985"]}, today=TODAY)
    path = write_roster(tmp_path / "w.xlsx", [["张叁", VALID_IDS["man_1985"]]], header=["姓名", "身份证号"])
    plan = plan_file(db, path)
    assert plan.rows[0].action == "update"
    assert problem_texts(plan) == ["第2行 身份证号：身份证号与已有会员“张三”相同，但姓名不同；导入后姓名将改为“张叁”，"
                                   "请核对身份证号是否填错"]


def test_a_row_without_id_like_an_existing_member_gets_a_warning(tmp_path, db, store):
    unit = add_sub_unit(db, "后勤科")
    first = store.create({"name": "张三", "birth_date": "1985-03-07"}, today=TODAY)
    second = store.create({"name": "李四", "sub_unit_id": unit}, today=TODAY)
    path = write_roster(tmp_path / "p.xlsx", [["张三", "1985-03-07", None], ["李四", None, "后勤科"],
                                              ["王五", "1985-03-07", "后勤科"]],
                        header=["姓名", "出生日期", "部门"])

    plan = plan_file(db, path)

    assert [r.action for r in plan.rows] == ["new", "new", "new"]
    assert problem_texts(plan) == [
        f"第2行 姓名：可能与已有会员“张三”（编号 {first}）重复：姓名和出生日期相同，将作为新会员导入，请核对",
        f"第3行 姓名：可能与已有会员“李四”（编号 {second}）重复：姓名和部门相同，将作为新会员导入，请核对",
    ]
    assert all(p.severity == "warning" for p in plan.problems())


def test_a_row_with_an_id_like_a_member_recorded_without_one_gets_a_warning(tmp_path, db, store):
    store.create({"name": "张三", "birth_date": "1985-03-07"}, today=TODAY)
    store.create({"name": "李四", "id_number": VALID_IDS["woman_1990"]}, today=TODAY)
    path = write_roster(tmp_path / "p.xlsx", [["张三", VALID_IDS["man_1985"]]], header=["姓名", "身份证号"])
    assert "可能与已有会员“张三”" in problem_texts(plan_file(db, path))[0]


def test_a_voided_member_with_the_same_id_does_not_count(tmp_path, db, store):
    old = store.create({"name": "张三", "id_number": VALID_IDS["man_1985"]}, today=TODAY)
    store.void(old, "重复录入")
    plan = plan_file(db, write_roster(tmp_path / "v.xlsx", [ZHANG]))
    assert plan.rows[0].action == "new"
    assert commit_import(db, plan).created == 1


# --- sub-units -------------------------------------------------------------------------------------------------
def test_unknown_sub_units_are_created_with_the_import(tmp_path, db, store):
    add_sub_unit(db, "二车间")
    path = write_roster(tmp_path / "s.xlsx", [ZHANG, LI, WANG])

    plan = plan_file(db, path)

    assert plan.unknown_sub_units == ["一车间/甲班"]
    assert plan.sub_unit_choices == {"一车间/甲班": None}
    result = commit_import(db, plan)
    assert result.sub_units_created == 2  # 一车间 and its group 甲班
    units = {u.path: u for u in sub_units(db)}
    assert units["一车间"].kind == "部门"
    assert units["一车间/甲班"].kind == "工会小组"
    members = {m["name"]: m for m in db.query("SELECT * FROM members")}
    assert members["张三"]["sub_unit_id"] == members["王五"]["sub_unit_id"] == units["一车间/甲班"].id
    assert members["李四"]["sub_unit_id"] == units["二车间"].id


def test_an_unknown_sub_unit_can_be_mapped_to_an_existing_one(tmp_path, db):
    workshop = add_sub_unit(db, "第一车间")
    group = add_sub_unit(db, "甲班组", kind="工会小组", parent_id=workshop)
    source = open_source(write_roster(tmp_path / "s.xlsx", [ZHANG, WANG]))

    plan = plan_import(db, source, sub_unit_choices={"一车间/甲班": group}, today=TODAY)

    assert plan.unknown_sub_units == ["一车间/甲班"]
    assert plan.sub_units_to_create() == []
    result = commit_import(db, plan)
    assert result.sub_units_created == 0
    assert {r[0] for r in db.execute("SELECT sub_unit_id FROM members")} == {group}


def test_a_choice_of_a_sub_unit_that_does_not_exist_is_refused(tmp_path, db):
    source = open_source(write_roster(tmp_path / "s.xlsx", [ZHANG]))
    with pytest.raises(UserError, match="为“一车间/甲班”选择的部门/工会小组已不存在"):
        plan_import(db, source, sub_unit_choices={"一车间/甲班": 999})


# --- all or nothing ------------------------------------------------------------------------------------------
def test_an_invalid_row_blocks_the_whole_import(tmp_path, db):
    path = write_roster(tmp_path / "x.xlsx", [ZHANG, ["坏行", "男", "110101198503070014"], LI])
    plan = plan_file(db, path)

    with pytest.raises(ImportBlocked, match="有 1 行数据有问题，为保证名册完整，本次没有导入任何数据"):
        commit_import(db, plan)

    assert member_count(db) == 0
    assert sub_units(db) == []


def test_skip_invalid_imports_only_the_valid_rows(tmp_path, db):
    path = write_roster(tmp_path / "x.xlsx", [ZHANG, ["坏行", "男", "110101198503070014", None, None, "三车间"], LI])

    result = commit_import(db, plan_file(db, path), skip_invalid=True)

    assert (result.created, result.skipped) == (2, 1)
    assert [r[0] for r in db.execute("SELECT name FROM members ORDER BY id")] == ["张三", "李四"]
    assert "三车间" not in {u.path for u in sub_units(db)}  # only the invalid row used it


def test_cancel_in_the_middle_of_the_commit_writes_nothing(tmp_path, db):
    rows = [[f"会员{i}", None, None, None, None, f"部门{i % 3}"] for i in range(650)]
    plan = plan_file(db, write_roster(tmp_path / "big.xlsx", rows))
    log_before = db.execute("SELECT count(*) FROM change_log").fetchone()[0]
    seen = []

    def progress(done, total, text):
        seen.append(done)

    with pytest.raises(Cancelled):
        commit_import(db, plan, progress=progress, is_cancelled=lambda: len(seen) >= 3)

    assert seen == [0, 200, 400]
    assert member_count(db) == 0
    assert sub_units(db) == []
    assert db.execute("SELECT count(*) FROM change_log").fetchone()[0] == log_before


def test_planning_can_be_cancelled_and_reports_progress(tmp_path, db):
    source = open_source(write_roster(tmp_path / "big.xlsx", [[f"会员{i}", "男"] for i in range(450)],
                                      header=["序号", "姓名", "性别"]))
    seen = []
    plan_import(db, source, progress=lambda done, total, text: seen.append((done, total)))
    assert seen == [(0, 450), (200, 450), (400, 450), (450, 450)]
    with pytest.raises(Cancelled):
        plan_import(db, source, is_cancelled=lambda: True)


def test_a_database_change_after_planning_rolls_the_whole_import_back(tmp_path, db, store):
    plan = plan_file(db, write_roster(tmp_path / "a.xlsx", [LI, ZHANG]))
    store.create({"name": "张三", "id_number": VALID_IDS["man_1985"]}, today=TODAY)

    with pytest.raises(UserError, match="数据库在检查之后被修改过"):
        commit_import(db, plan)

    assert member_count(db) == 1


def test_planning_does_not_query_the_database_row_by_row(tmp_path, db, store):
    for i in range(30):
        store.create({"name": f"已有{i}", "id_number": None}, today=TODAY)

    def statements_to_plan(row_count):
        rows = [[f"会员{i}", None, None, None, None, f"部门{i % 4}"] for i in range(row_count)]
        source = open_source(write_roster(tmp_path / f"q{row_count}.xlsx", rows))
        statements = []
        db.conn.set_trace_callback(statements.append)
        try:
            plan_import(db, source, today=TODAY)
        finally:
            db.conn.set_trace_callback(None)
        return len(statements)

    assert statements_to_plan(600) == statements_to_plan(20)


# --- CSV -----------------------------------------------------------------------------------------------------
def test_a_gbk_csv_roster_is_imported(tmp_path, db):
    path = tmp_path / "名册.csv"
    path.write_bytes(("姓名,身份证号码,联系电话,科室\n"
                      f"张三,{VALID_IDS['man_1985']},13800138000,办公室\n").encode("gbk"))

    source = open_source(path)
    assert source.table.note == "已按 GBK 编码读取 CSV"
    result = commit_import(db, plan_import(db, source, today=TODAY))

    assert result.created == 1
    assert db.execute("SELECT name, sex, birth_date FROM members").fetchone() == ("张三", "男", "1985-03-07")


# --- the command line ------------------------------------------------------------------------------------------
def test_command_imports_and_prints_the_plan(tmp_path):
    path = write_roster(tmp_path / "花名册.xlsx", [ZHANG, LI], above=[["某某公司会员花名册"]])
    db_path = tmp_path / "new" / "union.sqlite3"
    out = io.StringIO()

    code = members_import_command(db_path, path, dry_run=False, skip_invalid=False, out=out)

    assert code == 0
    lines = out.getvalue().splitlines()
    assert lines[:4] == [f"文件：{path}", "工作表：会员花名册", "表头：第2行", "列对应："]
    assert "  身份证号 → 身份证号" in lines
    assert "未使用的列：序号" in lines
    assert "检查结果：新增 2 人，更新 0 人，无变化 0 人，有问题 0 行。" in lines
    assert "将新建的部门/工会小组：一车间/甲班、二车间" in lines
    assert lines[-1] == "导入完成：新增 2 人，更新 0 人，无变化 0 人，跳过 0 行，新建部门/工会小组 3 个。"
    database = open_database(db_path, create=False)
    assert member_count(database) == 2
    database.conn.close()


def test_command_with_invalid_rows_writes_nothing_and_suggests_skip_invalid(tmp_path, db_path):
    path = write_roster(tmp_path / "x.xlsx", [ZHANG, ["坏行", "男", "110101198503070014"]])
    out = io.StringIO()

    code = members_import_command(db_path, path, dry_run=False, skip_invalid=False, out=out)

    assert code == 1
    text = out.getvalue()
    assert "问题：\n第3行 身份证号：身份证号校验位错误（最后一位应为 3），请核对是否抄错\n" in text
    assert "加上 --skip-invalid" in text
    database = open_database(db_path)
    assert member_count(database) == 0
    database.conn.close()

    assert members_import_command(db_path, path, dry_run=False, skip_invalid=True, out=io.StringIO()) == 0


def test_command_dry_run_writes_nothing(tmp_path, db_path):
    good = write_roster(tmp_path / "good.xlsx", [ZHANG])
    bad = write_roster(tmp_path / "bad.xlsx", [["坏行", "男", "110101198503070014"]])
    out = io.StringIO()

    assert members_import_command(db_path, good, dry_run=True, skip_invalid=False, out=out) == 0
    assert members_import_command(db_path, bad, dry_run=True, skip_invalid=False, out=out) == 1

    assert out.getvalue().count("试运行：没有写入数据库。") == 2
    database = open_database(db_path)
    assert member_count(database) == 0
    database.conn.close()


def test_command_reports_an_unreadable_file_on_stderr(tmp_path, db_path, capsys):
    path = tmp_path / "名册.xlsx"
    path.write_text("这不是表格", encoding="utf-8")

    code = members_import_command(db_path, path, dry_run=False, skip_invalid=False, out=io.StringIO())

    assert code == 2
    assert "错误：文件“名册.xlsx”不是 Excel 表格" in capsys.readouterr().err
    assert not db_path.exists()


def test_command_through_the_cli_entry_point(tmp_path, db_path, capsys):
    good = write_roster(tmp_path / "good.xlsx", [ZHANG])
    bad = write_roster(tmp_path / "bad.xlsx", [["坏行", "男", "110101198503070014"]])
    unreadable = tmp_path / "x.xlsx"
    unreadable.write_text("x", encoding="utf-8")

    assert cli.main(["members", "import", str(good), "--db", str(db_path), "--dry-run"]) == 0
    assert cli.main(["members", "import", str(bad), "--db", str(db_path)]) == 1
    assert cli.main(["members", "import", str(bad), "--db", str(db_path), "--skip-invalid"]) == 0
    assert cli.main(["members", "import", str(good), "--db", str(db_path)]) == 0
    assert cli.main(["members", "import", str(unreadable), "--db", str(db_path)]) == 2

    captured = capsys.readouterr()
    assert "导入完成：新增 1 人" in captured.out
    assert "错误：" in captured.err
