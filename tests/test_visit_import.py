"""Importing a historical 慰问台账: matching members and occasions, every error kind, rule warnings
kept with the reason, no duplicates on re-import, all-or-nothing, skip-invalid, cancel, the CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import openpyxl
import pytest

from tests.conftest import TODAY, VALID_IDS
from gonghui_desk import cli
from gonghui_desk.care.occasions import find_occasion, save_occasion
from gonghui_desk.errors import Cancelled, UserError
from gonghui_desk.importing.common import ImportBlocked
from gonghui_desk.importing.visit_import import (
    IMPORT_REASON,
    commit_import,
    open_source,
    plan_import,
    visits_import_command,
)
from gonghui_desk.members import MemberStore
from gonghui_desk.union import add_sub_unit

HEADER = ["序号", "被慰问人", "部门", "慰问事由", "慰问对象", "住院日期", "慰问日期", "慰问人", "慰问金额（元）",
          "慰问品", "慰问品价值", "经费来源", "疾病", "是否签收", "备注"]
ZHANG_HOSPITAL = ["张三", "一车间", "住院", "本人", "2026-03-01", "2026-03-05", "王主席、李委员", "500", None, None,
                  "工会经费", "阑尾炎", "是", None]
LI_WEDDING = ["李四", "二车间", "婚嫁", None, None, dt.datetime(2026, 5, 1), "王主席", 800, None, None, None, None,
              "已签收", "新婚"]
ZHANG_FATHER = ["张三", None, "亲属去世", "父亲 张大山", "2026-06-02", "2026-06-03", None, "1,000.00", "花圈", "200",
                "行政", None, None, None]


@pytest.fixture
def members(db):
    """张三 (一车间), 李四 (二车间), and two 张伟, one in each 车间."""
    one = add_sub_unit(db, "一车间")
    two = add_sub_unit(db, "二车间")
    store = MemberStore(db)
    return {
        "张三": store.create({"name": "张三", "id_number": VALID_IDS["man_1985"], "sub_unit_id": one}, today=TODAY),
        "李四": store.create({"name": "李四", "id_number": VALID_IDS["woman_1990"], "sub_unit_id": two}, today=TODAY),
        "张伟一": store.create({"name": "张伟", "id_number": VALID_IDS["man_1965"], "sub_unit_id": one}, today=TODAY),
        "张伟二": store.create({"name": "张伟", "sub_unit_id": two}, today=TODAY),
    }


def write_ledger(path, rows, *, header=HEADER, above=(("某某公司工会2026年慰问台账",), ("填报单位：某某公司工会",))):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "慰问台账"
    for line in above:
        sheet.append(list(line))
    sheet.append(header)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row] if header[0] == "序号" else list(row))
    sheet.append(["合计", None, None, None, None, None, None, None, 2300])
    sheet.append(["制表人：王五", None, None, "审核人：", None, None, "日期：2026-11-20"])
    workbook.save(path)
    return path


def row_with(base: list, **changes) -> list:
    """``base`` with some cells replaced, by the start of their header text."""
    row = list(base)
    for label, value in changes.items():
        row[next(i for i, text in enumerate(HEADER) if text.startswith(label)) - 1] = value
    return row


def plan_file(db, path, **kwargs):
    return plan_import(db, open_source(path), today=TODAY, **kwargs)


def visits(db):
    return list(db.query("SELECT * FROM visits ORDER BY id"))


def errors(plan):
    return [p.text for p in plan.problems() if p.severity == "error"]


def warnings(plan):
    return [p.text for p in plan.problems() if p.severity == "warning"]


# --- reading and matching -------------------------------------------------------------------------------
def test_the_header_is_found_under_the_title_rows_and_every_column_is_mapped(tmp_path):
    source = open_source(write_ledger(tmp_path / "台账.xlsx", [ZHANG_HOSPITAL]))

    assert source.header_row_number == 3
    assert source.mapping == {1: "name", 2: "sub_unit", 3: "occasion", 4: "recipient_relation", 5: "event_date",
                              6: "visit_date", 7: "visitors", 8: "cash", 9: "goods_desc", 10: "goods_value",
                              11: "fund_source", 12: "illness", 13: "signed", 14: "notes"}


def test_a_clean_ledger_is_imported_with_aliases_resolved(tmp_path, db, members):
    plan = plan_file(db, write_ledger(tmp_path / "a.xlsx", [ZHANG_HOSPITAL, LI_WEDDING, ZHANG_FATHER]))

    assert errors(plan) == []
    assert plan.counts() == {"new": 3, "unchanged": 0, "invalid": 0}
    assert plan.persons() == 2
    assert [(r.row_number, r.name, r.sub_unit_path, r.occasion_name) for r in plan.rows] == [
        (4, "张三", "一车间", "生病住院"), (5, "李四", "二车间", "结婚"), (6, "张三", "一车间", "直系亲属去世")]

    result = commit_import(db, plan)

    assert (result.created, result.unchanged, result.skipped) == (3, 0, 0)
    hospital, wedding, funeral = visits(db)
    assert hospital["member_id"] == members["张三"]
    assert (hospital["event_date"], hospital["visit_date"], hospital["cash_fen"]) == ("2026-03-01", "2026-03-05", 50000)
    assert (hospital["visitors"], hospital["illness"], hospital["signed"]) == ("王主席、李委员", "阑尾炎", 1)
    assert (hospital["fund_source"], hospital["payment_form"]) == ("本级工会经费", "现金")
    assert (wedding["visit_date"], wedding["cash_fen"], wedding["notes"], wedding["signed"]) == (
        "2026-05-01", 80000, "新婚", 1)
    assert (funeral["recipient_relation"], funeral["recipient_name"]) == ("父母", "张大山")
    assert (funeral["cash_fen"], funeral["goods_desc"], funeral["goods_value_fen"]) == (100000, "花圈", 20000)
    assert (funeral["fund_source"], funeral["signed"]) == ("行政", 0)


def test_occasion_aliases_and_affixes(tmp_path, db, members):
    names = {"春节慰问": "节日慰问", "中秋慰问": "节日慰问", "生病": "生病住院", "生病住院必访": "生病住院",
             "送清凉": "夏季高温", "本人去世": "本人去世", "病故": "本人去世", "生日慰问": "生日"}
    rows = [row_with(LI_WEDDING, 慰问事由=text, 慰问日期=f"2026-0{i % 9 + 1}-1{i}") for i, text in enumerate(names)]

    plan = plan_file(db, write_ledger(tmp_path / "o.xlsx", rows))

    assert [r.occasion_name for r in plan.rows] == list(names.values())


def test_a_namesake_is_told_apart_by_sub_unit_or_id_number(tmp_path, db, members):
    by_unit = row_with(LI_WEDDING, 被慰问人="张伟", 部门="二车间")
    by_id = ["张伟", VALID_IDS["man_1965"], "结婚", "2026-05-02", 500]
    path_a = write_ledger(tmp_path / "u.xlsx", [by_unit])
    path_b = write_ledger(tmp_path / "i.xlsx", [by_id], header=["姓名", "身份证号码", "类别", "走访日期", "金额"],
                          above=())

    assert plan_file(db, path_a).rows[0].member_id == members["张伟二"]
    assert plan_file(db, path_b).rows[0].member_id == members["张伟一"]


def test_a_different_sub_unit_for_a_unique_name_is_only_a_warning(tmp_path, db, members):
    plan = plan_file(db, write_ledger(tmp_path / "w.xlsx", [row_with(LI_WEDDING, 部门="工会办公室")]))

    assert plan.rows[0].action == "new" and plan.rows[0].member_id == members["李四"]
    assert warnings(plan) == ["第4行 部门：会员“李四”在名册中的部门是“二车间”，与“工会办公室”不同，已按姓名对应"]


# --- every error kind ---------------------------------------------------------------------------------------
def test_every_error_names_the_row_and_the_field(tmp_path, db, members):
    rows = [
        row_with(LI_WEDDING, 被慰问人="赵六"),
        row_with(LI_WEDDING, 被慰问人="张伟", 部门=None),
        row_with(LI_WEDDING, 慰问事由="乔迁之喜"),
        row_with(LI_WEDDING, 慰问金额="壹佰元"),
        row_with(LI_WEDDING, 慰问日期="2026年13月5日"),
        row_with(LI_WEDDING, 慰问对象="配偶"),
        row_with(LI_WEDDING, 慰问日期="2027-01-01"),
        row_with(LI_WEDDING, 慰问品价值="50"),
        row_with(LI_WEDDING, 是否签收="待定"),
    ]

    plan = plan_file(db, write_ledger(tmp_path / "e.xlsx", rows))

    assert plan.counts() == {"new": 0, "unchanged": 0, "invalid": 9}
    assert errors(plan) == [
        "第4行 姓名：会员名册中没有名为“赵六”的会员（已作废的会员不能导入慰问记录）",
        "第5行 姓名：有2名会员叫张伟，请补充身份证号或部门",
        "第6行 慰问类别：“乔迁之喜”不是已有的慰问类别，已有：生病住院、结婚、生育、退休、本人去世、直系亲属去世、"
        "生活困难/意外、生日、节日慰问、夏季高温。如果确是新的类别，请先在设置中添加该慰问类别再导入",
        "第7行 慰问金：金额“壹佰元”是大写汉字，请改写成阿拉伯数字（例如 100 或 100.00）",
        "第8行 走访日期：日期“2026年13月5日”不存在",
        "第9行 亲属姓名：慰问会员亲属时请填写亲属姓名",
        "第10行 走访日期：走访日期 2027-01-01 晚于今天",
        "第11行 慰问品：填写了慰问品价值时请写明慰问品",
        "第12行 签收：“待定”应填“已签收”或“未签收”（也可填“是”“否”）",
    ]


def test_id_number_errors(tmp_path, db, members):
    header = ["姓名", "身份证号", "慰问类别", "走访日期"]
    rows = [["张三", VALID_IDS["woman_1990"], "结婚", "2026-01-02"],
            ["张三", "110101198503070014", "结婚", "2026-01-02"],
            ["王五", "11010519491231002x", "结婚", "2026-01-02"],
            ["张三", 110101198503070013, "结婚", "2026-01-02"]]

    plan = plan_file(db, write_ledger(tmp_path / "id.xlsx", rows, header=header, above=()))

    assert errors(plan)[:3] == [
        f"第2行 姓名：身份证号 {VALID_IDS['woman_1990']} 是会员“李四”的，与姓名“张三”不一致，请核对",
        "第3行 身份证号：身份证号校验位错误（最后一位应为 3），请核对是否抄错",
        "第4行 身份证号：没有身份证号为 11010519491231002X 的会员，请先在会员名册中录入",
    ]
    assert errors(plan)[3].startswith("第5行 身份证号：身份证号以数字格式保存")


def test_a_mapping_without_name_or_occasion_is_refused(tmp_path, db):
    source = open_source(write_ledger(tmp_path / "m.xlsx", [LI_WEDDING]))
    with pytest.raises(UserError, match="列对应中缺少“慰问类别”"):
        plan_import(db, source, {1: "name", 6: "visit_date"})
    with pytest.raises(UserError, match="不是慰问台账的字段"):
        plan_import(db, source, {1: "name", 3: "occasion", 4: "salary"})


# --- rule warnings ------------------------------------------------------------------------------------------
def test_rule_breaches_are_warnings_and_are_stored_with_the_import_reason(tmp_path, db, members):
    hospital = find_occasion(db, "生病住院")
    save_occasion(db, dataclasses.replace(hospital, standard_fen=30000, cap_fen=30000))
    again = row_with(ZHANG_HOSPITAL, 住院日期="2026-08-01", 慰问日期="2026-08-02", 慰问金额=200)

    plan = plan_file(db, write_ledger(tmp_path / "r.xlsx", [ZHANG_HOSPITAL, again]))

    assert plan.counts() == {"new": 2, "unchanged": 0, "invalid": 0}
    assert warnings(plan) == [f"第4行 慰问标准：本次 500 元超过“生病住院”每次 300 元的上限（导入时将注明“{IMPORT_REASON}”）"]
    result = commit_import(db, plan)
    first, second = visits(db)
    assert result.with_warnings == 2  # the second stay for the same illness is seen once the first is saved
    assert first["rule_warnings"] == "本次 500 元超过“生病住院”每次 300 元的上限"
    assert second["rule_warnings"].startswith("同一疾病（阑尾炎）已于 2026-03-05 慰问过")
    assert first["override_reason"] == second["override_reason"] == "导入历史台账"


def test_a_visit_within_the_rules_keeps_no_reason(tmp_path, db, members):
    commit_import(db, plan_file(db, write_ledger(tmp_path / "ok.xlsx", [LI_WEDDING])))
    assert (visits(db)[0]["rule_warnings"], visits(db)[0]["override_reason"]) == ("", "")


# --- duplicates ---------------------------------------------------------------------------------------------
def test_reimporting_the_same_ledger_adds_nothing(tmp_path, db, members):
    path = write_ledger(tmp_path / "d.xlsx", [ZHANG_HOSPITAL, LI_WEDDING])
    commit_import(db, plan_file(db, path))

    plan = plan_file(db, path)

    assert plan.counts() == {"new": 0, "unchanged": 2, "invalid": 0}
    assert warnings(plan)[0].startswith("第4行 重复记录：与已有的慰问记录（编号 1）相同")
    assert commit_import(db, plan).unchanged == 2
    assert len(visits(db)) == 2


def test_a_row_repeated_in_the_file_is_imported_once(tmp_path, db, members):
    plan = plan_file(db, write_ledger(tmp_path / "twice.xlsx", [LI_WEDDING, ZHANG_HOSPITAL, LI_WEDDING]))

    assert [r.action for r in plan.rows] == ["new", "new", "unchanged"]
    assert warnings(plan) == ["第6行 重复记录：与第4行相同（同一会员、慰问类别、日期和金额），不再重复导入"]


# --- all or nothing, skip, cancel ---------------------------------------------------------------------------
def test_invalid_rows_block_the_whole_import(tmp_path, db, members):
    plan = plan_file(db, write_ledger(tmp_path / "b.xlsx", [ZHANG_HOSPITAL, row_with(LI_WEDDING, 被慰问人="赵六")]))

    with pytest.raises(ImportBlocked, match="有 1 行数据有问题，为保证台账完整，本次没有导入任何数据"):
        commit_import(db, plan)
    assert visits(db) == []


def test_skip_invalid_imports_the_other_rows(tmp_path, db, members):
    plan = plan_file(db, write_ledger(tmp_path / "s.xlsx", [ZHANG_HOSPITAL, row_with(LI_WEDDING, 被慰问人="赵六")]))

    result = commit_import(db, plan, skip_invalid=True)

    assert (result.created, result.skipped) == (1, 1)
    assert [v["member_id"] for v in visits(db)] == [members["张三"]]


def test_a_cancel_during_the_commit_writes_nothing(tmp_path, db, members):
    rows = [row_with(LI_WEDDING, 慰问日期=(dt.date(2025, 1, 1) + dt.timedelta(days=i)).isoformat())
            for i in range(450)]
    plan = plan_file(db, write_ledger(tmp_path / "c.xlsx", rows))
    seen = []

    with pytest.raises(Cancelled):
        commit_import(db, plan, progress=lambda done, total, text: seen.append(done),
                      is_cancelled=lambda: len(seen) >= 3)

    assert seen == [0, 200, 400]
    assert visits(db) == []


def test_planning_can_be_cancelled(tmp_path, db, members):
    source = open_source(write_ledger(tmp_path / "p.xlsx", [LI_WEDDING]))
    with pytest.raises(Cancelled):
        plan_import(db, source, is_cancelled=lambda: True)


# --- command line -------------------------------------------------------------------------------------------
def test_the_command_prints_the_plan_and_imports(tmp_path, db_path, db, members):
    path = write_ledger(tmp_path / "台账.xlsx", [ZHANG_HOSPITAL, LI_WEDDING, ZHANG_FATHER])
    out = io.StringIO()

    assert visits_import_command(db_path, path, dry_run=False, skip_invalid=False, out=out) == 0

    lines = out.getvalue().splitlines()
    assert lines[:4] == [f"文件：{path}", "工作表：慰问台账", "表头：第3行", "列对应："]
    assert "  慰问金额（元） → 慰问金" in lines
    assert "未使用的列：序号" in lines
    assert "检查结果：新增慰问记录 3 人次（2 人），已有记录（不再导入）0 条，有问题 0 行。" in lines
    assert lines[-1] == "导入完成：新增慰问记录 3 条，已有记录未重复导入 0 条，跳过 0 行。"
    assert len(visits(db)) == 3


def test_the_cli_exit_codes(tmp_path, db_path, db, members, capsys):
    good = write_ledger(tmp_path / "good.xlsx", [LI_WEDDING])
    bad = write_ledger(tmp_path / "bad.xlsx", [ZHANG_HOSPITAL, row_with(LI_WEDDING, 慰问金额="壹佰元")])
    unreadable = tmp_path / "x.xlsx"
    unreadable.write_text("x", encoding="utf-8")

    assert cli.main(["visits", "import", str(good), "--db", str(db_path), "--dry-run"]) == 0
    assert cli.main(["visits", "import", str(bad), "--db", str(db_path), "--dry-run"]) == 1
    assert cli.main(["visits", "import", str(bad), "--db", str(db_path)]) == 1
    assert visits(db) == []
    assert cli.main(["visits", "import", str(bad), "--db", str(db_path), "--skip-invalid"]) == 0
    assert cli.main(["visits", "import", str(good), "--db", str(db_path)]) == 0
    assert cli.main(["visits", "import", str(good), "--db", str(db_path)]) == 0  # already there: nothing added
    assert cli.main(["visits", "import", str(unreadable), "--db", str(db_path)]) == 2
    with pytest.raises(SystemExit) as missing_db:
        cli.main(["visits", "import", str(good)])
    assert missing_db.value.code == 2

    captured = capsys.readouterr()
    assert "第5行 慰问金：金额“壹佰元”是大写汉字" in captured.out
    assert "加上 --skip-invalid" in captured.out
    assert "错误：文件“x.xlsx”不是 Excel 表格" in captured.err
    assert len(visits(db)) == 2


def test_a_csv_ledger_in_gbk_is_read_too(tmp_path, db, members):
    path = tmp_path / "台账.csv"
    path.write_bytes("姓名,部门,慰问类别,走访日期,慰问金\n李四,二车间,结婚,2026/5/1,800\n".encode("gb18030"))

    plan = plan_file(db, path)

    assert plan.counts()["new"] == 1 and plan.rows[0].visit.cash_fen == 80000
