"""``gonghui-desk fill FORM --db PATH -o OUT.xlsx [--mapping NAME]`` end to end on a demo database."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from gonghui_desk import demo
from gonghui_desk.cli import EXIT_OK, EXIT_USAGE, main
from gonghui_desk.db import open_database
from gonghui_desk.form_fill import get_mapping
from tests.conftest import TODAY
from tests.test_form_fill_forms import collection_form, simple_form


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    demo.create_demo_database(path, kind="school", members=60, seed=5, today=TODAY)
    return path


@pytest.fixture
def demo_path(demo_file, tmp_path):
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_file, path)
    return path


def fill(*args) -> int:
    return main(["fill", *map(str, args)])


def on_roll(path) -> list[str]:
    db = open_database(path, create=False)
    try:
        return [r[0] for r in db.execute(
            "SELECT name FROM members WHERE status = '在册' AND voided_at IS NULL ORDER BY name_sort, id")]
    finally:
        db.conn.close()


def test_without_a_mapping_the_roster_on_the_roll_fills_the_form(demo_path, tmp_path, capsys):
    form = tmp_path / "采集表.xlsx"
    collection_form(form)
    out = tmp_path / "out" / "已填写.xlsx"
    out.parent.mkdir()
    assert fill(form, "--db", demo_path, "-o", out, "--save-mapping", "会员信息采集表") == EXIT_OK
    printed = capsys.readouterr().out.splitlines()
    names = on_roll(demo_path)
    assert printed[:4] == [
        "表格：采集表.xlsx，工作表“会员信息”，表头在第3–4行，数据从第5行起（原有 1 行数据），表尾在第11行",
        "数据来源：会员名册（状态：在册）",
        "对应关系：",
        "  第1列“序号” ← 自动编号",
    ]
    assert "  第6列“联系方式-手机” ← 手机号" in printed and "  第10列“籍贯”：未对应，留空" in printed
    assert f"已填写 {len(names)} 行（第5–{4 + len(names)}行），来源：会员名册（状态：在册）" in printed
    assert printed[-2:] == [f"已保存到：{out}", "已保存对应关系“会员信息采集表”，下次可用 --mapping 会员信息采集表"]
    ws = openpyxl.load_workbook(out).active
    assert [ws.cell(row, 2).value for row in range(5, 5 + len(names))] == names
    assert ws.cell(6 + len(names), 1).value == "制表人："

    db = open_database(demo_path, create=False)
    saved = get_mapping(db, "会员信息采集表")
    db.conn.close()
    assert saved.source == "roster" and saved.params["status"] == "在册" and saved.columns[6] == "phone"


def test_a_saved_mapping_on_next_years_form(demo_path, tmp_path, capsys):
    form = tmp_path / "2025.xlsx"
    simple_form(form, ["序号", "姓名", "性别", "联系电话", "民族"])
    assert fill(form, "--db", demo_path, "-o", tmp_path / "a.xlsx", "--save-mapping", "名册",
                "-p", "status=退休") == EXIT_OK
    capsys.readouterr()
    new = tmp_path / "2026.xlsx"
    simple_form(new, ["序号", "姓名", "性别", "手机号码", "备注"], rows=[(1, "旧人", "男")])
    assert fill(new, "--db", demo_path, "-o", tmp_path / "b.xlsx", "--mapping", "名册", "--keep-rows") == EXIT_OK
    printed = capsys.readouterr().out.splitlines()
    assert printed[1:5] == [
        "与保存的对应关系“名册”相比，表格有以下变化：",
        "  第4列：原为“联系电话”，现为“手机号码”",
        "  第5列：原为“民族”，现为“备注”，改填“备注”",
        "数据来源：会员名册（状态：退休）",
    ]
    assert "保留了原表中已有的 1 行" in printed
    ws = openpyxl.load_workbook(tmp_path / "b.xlsx").active
    assert ws["B4"].value == "旧人" and ws["A5"].value == 2 and ws["B5"].value is not None


def test_other_sources_and_options(demo_path, tmp_path, capsys):
    form = tmp_path / "签收表.xlsx"
    simple_form(form, ["序号", "姓名", "部门", "慰问金", "签字"], sheet="签收")
    db = open_database(demo_path, create=False)
    name, count = db.execute("SELECT c.name, count(r.id) FROM campaigns c JOIN campaign_recipients r "
                             "ON r.campaign_id = c.id GROUP BY c.id ORDER BY c.id DESC").fetchone()
    db.conn.close()
    assert fill(form, "--db", demo_path, "-o", tmp_path / "c.xlsx", "--source", "campaign", "-p", f"campaign={name}",
                "--sheet", "签收", "--header-rows", "3") == EXIT_OK
    printed = capsys.readouterr().out
    assert f"已填写 {count} 行" in printed and "  第5列“签字”：未对应，留空" in printed


@pytest.mark.parametrize("args, message", [
    (["--source", "campaign"], "错误：请选择“批量慰问名单”的“慰问批次”"),
    (["--source", "payroll"], "错误：没有“payroll”这种数据来源"),
    (["-p", "status"], "错误：参数应写成 名称=值"),
    (["-p", "status=在岗"], "错误：参数“状态”不能是“在岗”"),
    (["--header-rows", "三"], "错误：表头行应写成“3”或“3-4”"),
    (["--mapping", "没有"], "错误：没有名为“没有”的对应关系"),
    (["--sheet", "汇总"], "错误：文件“f.xlsx”中没有名为“汇总”的工作表"),
])
def test_mistakes_are_explained(demo_path, tmp_path, capsys, args, message):
    form = tmp_path / "f.xlsx"
    simple_form(form, ["姓名", "性别"])
    assert fill(form, "--db", demo_path, "-o", tmp_path / "o.xlsx", *args) == EXIT_USAGE
    assert capsys.readouterr().err.startswith(message)
    assert not (tmp_path / "o.xlsx").exists()


def test_a_missing_database_or_form(tmp_path, capsys):
    form = tmp_path / "f.xlsx"
    simple_form(form, ["姓名", "性别"])
    assert fill(form, "--db", tmp_path / "none.sqlite3", "-o", tmp_path / "o.xlsx") == EXIT_USAGE
    assert "错误：数据库文件不存在" in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite3").exists()
    db = open_database(tmp_path / "db.sqlite3")
    db.conn.close()
    assert fill(tmp_path / "missing.xlsx", "--db", tmp_path / "db.sqlite3", "-o", tmp_path / "o.xlsx") == EXIT_USAGE
    assert "错误：找不到文件" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["fill", str(form), "--db", str(tmp_path / "db.sqlite3")])  # no -o
    assert exit_info.value.code == EXIT_USAGE
