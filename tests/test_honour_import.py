"""Importing historical honours: a messy sheet under title rows, level and stage spellings, recipients told
apart (person, collective, the union), unknown members, duplicates, all-or-nothing, skip-invalid, the
劳模类型 that follows, an exported list coming back unchanged, and the command line."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from gonghui_desk import cli
from gonghui_desk.errors import Cancelled, UserError
from gonghui_desk.exporting.honours import export_honours
from gonghui_desk.honours.register import HonourFilter, honour_ids, honour_rows
from gonghui_desk.honours.store import HonourInput, HonourStore
from gonghui_desk.importing.common import ImportBlocked
from gonghui_desk.importing.headers import auto_map
from gonghui_desk.importing.honour_import import (HONOUR_SYNONYMS, commit_import, honours_import_command,
                                                  infer_level, open_source, plan_import, read_level)
from gonghui_desk.union import UnionProfile, add_sub_unit, save_profile
from tests.conftest import TODAY, VALID_IDS

HEADER = ["序号", "姓名", "身份证号码", "所在部门", "荣誉称号", "级别", "表彰单位", "年度", "获得时间", "阶段", "备注"]


def row(name, title, level, year, **cells) -> list:
    """A row of the sheet: the recipient, title, level and year, and any other cell by the start of its header."""
    values = dict.fromkeys(HEADER[1:])
    values.update({"姓名": name, "荣誉称号": title, "级别": level, "年度": year})
    for label, value in cells.items():
        values[next(text for text in HEADER if text.startswith(label))] = value
    return [values[text] for text in HEADER[1:]]


def write_sheet(path, rows, *, header=HEADER):
    """A list kept by hand: a title, a unit line, headers in its own words, a 合计 and a 制表人 line."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "荣誉"
    sheet.append(["某某公司工会历年先进集体和先进个人名单"])
    sheet.append(["填报单位：某某公司工会", None, None, None, None, None, "填报日期：2026年11月20日"])
    sheet.append(header)
    for number, cells in enumerate(rows, start=1):
        sheet.append([number, *cells])
    sheet.append(["合计", None, None, None, f"{len(rows)}项"])
    sheet.append(["制表人：王五", None, None, "审核人：李主席"])
    workbook.save(path)
    return path


MODEL = row("张三", "“市劳动模范”", "地市级", 2022, 身份证号=VALID_IDS["man_1985"], 表彰单位="某某市人民政府",
            获得时间="2022-04-28")
NATIONAL = row("李 四", "全国五一劳动奖章", "国家级", "2024年度", 所在部门="一车间", 获得时间=dt.datetime(2024, 4, 30))
SCHOOL = row("王五", "优秀工会积极分子", "厂级", 2025, 获得时间=2025)  # a date cell holding only the year
TEAM = row("一车间", "工人先锋号", "市", 2025)
GROUP = row("质检班", "巾帼文明岗", "区", 2026, 阶段="已申报", 所在部门="一车间")
UNION = row("本会", "模范职工之家", "县级", 2023)
GUESSED = row("张三", "省劳动模范", None, 2025, 表彰单位="某某省人民政府", 阶段="获得")
UNKNOWN = row("张无忌", "先进个人", "校级", 2025)
BAD_LEVEL = row("王五", "先进个人", "宇宙级", 2025)
GOOD = [MODEL, NATIONAL, SCHOOL, TEAM, GROUP, UNION, GUESSED]


@pytest.fixture
def union(db, store):
    """某某公司工会: 一车间 and 办公室; 张三 (ID number, 一车间), 李四 (一车间), 王五 (办公室), and a second 李四 in 办公室."""
    save_profile(db, UnionProfile(name="某某公司工会委员会", kind="企业", upstream_union="某某区总工会"))
    one, office = add_sub_unit(db, "一车间"), add_sub_unit(db, "办公室")
    people = {
        "张三": store.create({"name": "张三", "id_number": VALID_IDS["man_1985"], "sub_unit_id": one}, today=TODAY),
        "李四": store.create({"name": "李四", "sub_unit_id": one}, today=TODAY),
        "王五": store.create({"name": "王五", "sub_unit_id": office}, today=TODAY),
        "李四2": store.create({"name": "李四", "sub_unit_id": office}, today=TODAY),
    }
    return {"people": people, "units": {"一车间": one, "办公室": office}, "members": store}


def plan_file(db, path, **kwargs):
    return plan_import(db, open_source(path), today=TODAY, **kwargs)


def honours(db) -> list[dict]:
    ids = honour_ids(db, HonourFilter())
    rows = honour_rows(db, ids)
    return [rows[i] for i in ids]


def texts(plan, severity: str) -> list[str]:
    return [p.text for p in plan.problems() if p.severity == severity]


# --- reading ------------------------------------------------------------------------------------------------
def test_hand_written_headers_are_mapped(tmp_path):
    source = open_source(write_sheet(tmp_path / "荣誉.xlsx", [MODEL]))
    assert source.header_row_number == 3
    assert [source.mapping.get(i) for i in range(len(HEADER))] == [
        None, "name", "id_number", "sub_unit", "title", "level", "conferred_by", "year", "conferred_on", "stage",
        "notes"]


@pytest.mark.parametrize("headers, fields", [
    (["获奖人员", "称号", "荣誉级别", "颁发单位", "表彰年度"], ["name", "title", "level", "conferred_by", "year"]),
    (["获奖单位", "个人/集体", "荣誉名称", "层级", "表彰时间"], ["name", "recipient_kind", "title", "level", "conferred_on"]),
])
def test_header_variants(headers, fields):
    assert list(auto_map(headers, HONOUR_SYNONYMS).values()) == fields


@pytest.mark.parametrize("text, level", [
    ("国家级", "全国"), ("全国", "全国"), ("省级", "省部级"), ("省部级", "省部级"), ("部级", "省部级"), ("市", "市级"),
    ("地市级", "市级"), ("县", "县区级"), ("区", "县区级"), ("县级", "县区级"), ("县（区）级", "县区级"),
    ("系统", "系统/行业"), ("行业级", "系统/行业"), ("校级", "本单位"), ("厂级", "本单位"), ("公司级", "本单位"),
    ("本单位", "本单位"), (" 市 级 ", "市级"), ("", ""), ("宇宙级", None),
])
def test_level_spellings(text, level):
    assert read_level(text) == level


def test_a_missing_level_is_worked_out_from_the_body_or_the_title():
    assert infer_level("先进个人", "中华全国总工会") == "全国"
    assert infer_level("全国劳动模范", "") == "全国"
    assert infer_level("先进个人", "浙江省人民政府") == "省部级"
    assert infer_level("先进个人", "某某省某某市总工会") == "市级"
    assert infer_level("先进个人", "某某市某某区总工会") == "县区级"
    assert infer_level("先进个人", "广西壮族自治区总工会") == "省部级"
    assert infer_level("先进个人", "某某公司工会委员会", "某某公司工会委员会") == "本单位"
    assert infer_level("市先进工作者", "") == "市级"
    assert infer_level("先进个人", "") is None


# --- planning -----------------------------------------------------------------------------------------------
def test_a_messy_list_is_checked_row_by_row(tmp_path, db, union):
    plan = plan_file(db, write_sheet(tmp_path / "荣誉.xlsx", [*GOOD, UNKNOWN, BAD_LEVEL]))

    assert plan.counts() == {"new": 7, "unchanged": 0, "invalid": 2}
    by_row = {r.row_number: r for r in plan.rows}
    assert [(r.name, r.kind, r.title, r.level, r.year, r.stage) for r in plan.rows[:7]] == [
        ("张三", "个人", "市劳动模范", "市级", 2022, "获评"),
        ("李四", "个人", "全国五一劳动奖章", "全国", 2024, "获评"),
        ("王五", "个人", "优秀工会积极分子", "本单位", 2025, "获评"),
        ("一车间", "集体", "工人先锋号", "市级", 2025, "获评"),
        ("质检班", "集体", "巾帼文明岗", "县区级", 2026, "申报"),
        ("某某公司工会委员会", "本会", "模范职工之家", "县区级", 2023, "获评"),
        ("张三", "个人", "省劳动模范", "省部级", 2025, "获评")]
    assert by_row[5].member_id == union["people"]["李四"]  # the 李四 of 一车间, found by 部门
    assert by_row[5].data.conferred_on == "2024-04-30"
    assert by_row[6].data.conferred_on is None  # 2025 in the date cell is a year, not an Excel serial
    assert by_row[8].data.sub_unit_id == union["units"]["一车间"] and by_row[8].data.group_name == "质检班"
    assert by_row[7].data.sub_unit_id == union["units"]["一车间"] and by_row[7].data.group_name == ""
    assert texts(plan, "error") == [
        "第11行 获得者：会员名册中没有名为“张无忌”的会员（已作废的会员不能导入荣誉）",
        "第12行 级别：“宇宙级”不是可识别的级别，应为：全国、省部级、市级、县区级、系统/行业、本单位（也可写国家级、省级、市、县、"
        "区、校级、厂级等）"]
    assert texts(plan, "warning") == ["第10行 级别：表中未填级别，按授予单位“某某省人民政府”定为“省部级”，请核对"]
    assert plan.persons() == 3


@pytest.mark.parametrize("cells, message", [
    (row("李四", "先进个人", "市级", 2025), "第4行 获得者：有2名会员叫李四，请补充身份证号或部门"),
    (row("王五", "先进个人", "市级", None), "第4行 年度：请填写年度或日期"),
    (row("王五", "先进个人", "市级", "去年"), "第4行 年度：“去年”不是年度"),
    (row("王五", "先进个人", "市级", 1890), "第4行 年度：年度 1890 不合理"),
    (row("王五", "先进个人", "市级", 2025, 获得时间="2024-05-01"), "第4行 日期：授予日期 2024-05-01 不在 2025 年度内"),
    (row("王五", "先进个人", "市级", 2025, 阶段="评审中"), "第4行 阶段：“评审中”应为：推荐、申报、获评（不填视为获评）"),
    (row("王五", "先进个人", "市级", 2025, 阶段="推荐", 获得时间="2025-05-01"), "第4行 日期：授予日期在获评后填写"),
    (row("王五", None, "市级", 2025), "第4行 荣誉称号：请填写荣誉称号"),
    (row("王五", "先进个人", None, 2025), "第4行 级别：请填写级别"),
    (row("张三", "先进个人", "市级", 2025, 身份证号=VALID_IDS["woman_1990"]), "没有身份证号为 110101199001011229 的会员"),
])
def test_every_error_names_the_row_and_the_field(tmp_path, db, union, cells, message):
    plan = plan_file(db, write_sheet(tmp_path / "荣誉.xlsx", [cells]))
    assert plan.counts()["invalid"] == 1
    assert any(message in text for text in texts(plan, "error")), texts(plan, "error")


def test_a_kind_column_says_who_it_is(tmp_path, db, union):
    header = ["序号", "获得者", "类型", "荣誉称号", "级别", "年度", "部门"]
    rows = [["办公室", "集体", "先进集体", "本单位", 2025, None],
            ["我会", "本工会", "先进职工之家", "县级", 2025, None],
            ["王五", "个人", "先进个人", "县级", 2025, None],
            ["安全小组", "集体", "青年安全生产示范岗", "市", 2025, "不存在的部门"],
            ["王五", "团伙", "先进个人", "县级", 2024, None]]
    plan = plan_file(db, write_sheet(tmp_path / "类型.xlsx", rows, header=header))
    assert [(r.kind, r.name, r.action) for r in plan.rows] == [
        ("集体", "办公室", "new"), ("本会", "某某公司工会委员会", "new"), ("个人", "王五", "new"),
        ("集体", "安全小组", "new"), ("团伙", "王五", "invalid")]
    assert plan.rows[0].data.sub_unit_id == union["units"]["办公室"]
    assert texts(plan, "warning") == ["第7行 部门：组织机构中没有部门“不存在的部门”，只记集体名称“安全小组”"]
    assert texts(plan, "error") == ["第8行 类型：“团伙”应为：个人、集体、本会"]


def test_duplicates_in_the_file_and_in_the_database_are_unchanged(tmp_path, db, union):
    HonourStore(db, today=TODAY).save(HonourInput("个人", member_id=union["people"]["王五"], title="优秀工会积极分子",
                                                  level="本单位", year=2025))
    plan = plan_file(db, write_sheet(tmp_path / "荣誉.xlsx", [SCHOOL, TEAM, TEAM]))
    assert [r.action for r in plan.rows] == ["unchanged", "new", "unchanged"]
    assert plan.rows[0].existing_id is not None
    assert texts(plan, "warning") == [
        f"第4行 重复记录：与已有的荣誉记录（编号 {plan.rows[0].existing_id}）相同（同一获得者、荣誉称号、级别和年度），不再重复导入",
        "第6行 重复记录：与第5行相同（同一获得者、荣誉称号、级别和年度），不再重复导入"]


def test_a_mapping_without_a_title_is_refused(tmp_path, db, union):
    source = open_source(write_sheet(tmp_path / "荣誉.xlsx", [MODEL]))
    mapping = {column: key for column, key in source.mapping.items() if key != "title"}
    with pytest.raises(UserError, match="列对应中缺少“荣誉称号”"):
        plan_import(db, source, mapping, today=TODAY)


# --- committing ---------------------------------------------------------------------------------------------
def test_invalid_rows_block_the_whole_import(tmp_path, db, union):
    plan = plan_file(db, write_sheet(tmp_path / "荣誉.xlsx", [*GOOD, UNKNOWN]))
    with pytest.raises(ImportBlocked, match="有 1 行数据有问题"):
        commit_import(db, plan)
    assert honours(db) == []


def test_the_honours_are_saved_and_the_model_worker_type_follows(tmp_path, db, union):
    plan = plan_file(db, write_sheet(tmp_path / "荣誉.xlsx", GOOD))
    result = commit_import(db, plan)
    assert (result.created, result.unchanged, result.skipped, result.model_workers) == (7, 0, 0, 1)
    saved = honours(db)
    assert [(h["level"], h["title"], h["recipient_name"]) for h in saved][:3] == [
        ("全国", "全国五一劳动奖章", "李四"), ("省部级", "省劳动模范", "张三"), ("市级", "工人先锋号", "一车间")]
    assert union["members"].get(union["people"]["张三"])["model_worker_type"] == "省部级劳模"  # the highest
    again = plan_file(db, write_sheet(tmp_path / "荣誉.xlsx", GOOD))
    assert again.counts() == {"new": 0, "unchanged": 7, "invalid": 0}


def test_skip_invalid_imports_the_other_rows(tmp_path, db, union):
    plan = plan_file(db, write_sheet(tmp_path / "荣誉.xlsx", [UNKNOWN, SCHOOL, BAD_LEVEL]))
    result = commit_import(db, plan, skip_invalid=True)
    assert (result.created, result.skipped) == (1, 2)
    assert [h["title"] for h in honours(db)] == ["优秀工会积极分子"]


def test_a_cancel_during_the_commit_writes_nothing(tmp_path, db, union):
    plan = plan_file(db, write_sheet(tmp_path / "荣誉.xlsx", GOOD))
    with pytest.raises(Cancelled):
        commit_import(db, plan, is_cancelled=lambda: True)
    assert honours(db) == []
    assert union["members"].get(union["people"]["张三"])["model_worker_type"] in ("", None)


def test_a_database_changed_since_the_check_writes_nothing(tmp_path, db, union):
    plan = plan_file(db, write_sheet(tmp_path / "荣誉.xlsx", GOOD))
    union["members"].void(union["people"]["王五"], "重复录入")
    with pytest.raises(UserError, match="第6行：.*数据库在检查之后被修改过"):
        commit_import(db, plan)
    assert honours(db) == []


def test_an_exported_list_imports_back_unchanged(tmp_path, db, union):
    commit_import(db, plan_file(db, write_sheet(tmp_path / "荣誉.xlsx", GOOD)))
    exported = tmp_path / "导出.xlsx"
    export_honours(db, exported, HonourFilter(), today=TODAY)
    plan = plan_file(db, exported)
    assert plan.counts() == {"new": 0, "unchanged": 7, "invalid": 0}, texts(plan, "error")


# --- the command line ------------------------------------------------------------------------------------------
def test_the_command_prints_the_plan_and_imports(tmp_path, db_path, db, union):
    path = write_sheet(tmp_path / "荣誉.xlsx", GOOD)
    out = io.StringIO()
    assert honours_import_command(db_path, path, dry_run=False, skip_invalid=False, out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[:4] == [f"文件：{path}", "工作表：荣誉", "表头：第3行", "列对应："]
    assert "  表彰单位 → 授予单位" in lines and "未使用的列：序号" in lines
    assert "检查结果：新增荣誉 7 项（个人荣誉涉及 3 人），已有记录（不再导入）0 项，有问题 0 行。" in lines
    assert lines[-1] == "导入完成：新增荣誉 7 项（1 名会员的劳模类型随之更新），已有记录未重复导入 0 项，跳过 0 行。"
    assert len(honours(db)) == 7


def test_the_cli_command_and_its_exit_codes(tmp_path, db_path, db, union, capsys):
    good = write_sheet(tmp_path / "good.xlsx", [SCHOOL])
    bad = write_sheet(tmp_path / "bad.xlsx", [TEAM, UNKNOWN])
    unreadable = tmp_path / "x.xlsx"
    unreadable.write_text("x", encoding="utf-8")

    def run(path, *options) -> tuple[int, str]:
        code = cli.main(["honours", "import", str(path), "--db", str(db_path), *options])
        return code, capsys.readouterr().out

    code, text = run(good, "--dry-run")
    assert code == 0 and "试运行：没有写入数据库。" in text and honours(db) == []
    code, text = run(bad)
    assert code == 1 and "第5行 获得者：会员名册中没有名为“张无忌”的会员" in text and "加上 --skip-invalid" in text
    assert honours(db) == []
    assert run(bad, "--skip-invalid")[0] == 0 and len(honours(db)) == 1
    assert run(good)[0] == 0 and len(honours(db)) == 2
    code, text = run(good)
    assert code == 0 and "新增荣誉 0 项，已有记录未重复导入 1 项" in text and len(honours(db)) == 2
    assert cli.main(["honours", "import", str(unreadable), "--db", str(db_path)]) == 2
    assert "错误：文件“x.xlsx”不是 Excel 表格" in capsys.readouterr().err
    assert "honours" in cli.IMPORTERS


def test_a_csv_list_in_gbk_is_read_too(tmp_path, db, union):
    path = tmp_path / "荣誉.csv"
    path.write_bytes("姓名,荣誉称号,级别,年度\n王五,先进个人,区级,2025\n".encode("gb18030"))
    plan = plan_file(db, path)
    assert plan.counts()["new"] == 1 and plan.rows[0].level == "县区级"
