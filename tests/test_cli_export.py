"""``gonghui-desk export``: the built-in forms from the command line — the list, each form by its slug or its
Chinese title, the period and 制表人 options, and the usage errors (exit 2, a Chinese message, no file)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gonghui_desk.cli import EXIT_OK, EXIT_USAGE, main
from gonghui_desk.exporting.builtin_forms import BUILTIN_FORMS
from gonghui_desk.union import UnionProfile, save_profile, set_staff_count
from tests.test_events_register import make_year

UNION = "测试机械有限公司工会委员会"


@pytest.fixture
def db_file(db, store, db_path):
    """make_year's union (see tests.test_events_register) with a profile and a 2026 staff count, as a file."""
    make_year(db, store)
    save_profile(db, UnionProfile(name=UNION, kind="企业"))
    set_staff_count(db, 2026, 8)
    return db_path


def run(*args) -> int:
    return main(["export", *map(str, args)])


def test_list_names_every_form_with_its_chinese_title(capsys):
    assert run("--list") == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(BUILTIN_FORMS)
    for line, form in zip(lines, BUILTIN_FORMS):
        assert line.startswith(form.name) and form.title in line and form.description in line
    assert "按当前状态" in lines[0] and "按期间" in lines[1]


def test_a_form_by_slug_with_a_period_and_who_prepared_it(db_file, tmp_path, capsys):
    out = tmp_path / "统计.xlsx"
    assert run("yearly-stats", "--db", db_file, "-o", out, "--from", "2026-01-01", "--to", "2026-12-31",
               "--prepared-by", "赵会计", "--today", "2026-11-22") == EXIT_OK
    assert capsys.readouterr().out.strip() == (
        f"已生成：{out}（工会基本情况统计表，2026年（2026-01-01 至 2026-12-31））")
    ws = load_workbook(out).active
    assert ws["A1"].value == "工会基本情况统计表"
    assert ws["A2"].value == "统计期间：2026年（2026-01-01 至 2026-12-31）；时点数截至 2026-11-22"
    assert ws["A3"].value == f"工会名称：{UNION}" and ws["E3"].value == "制表日期：2026-11-22"
    values = {ws.cell(r, 1).value.strip("\u3000"): ws.cell(r, 3).value for r in range(5, ws.max_row + 1)
              if ws.cell(r, 1).value and ws.cell(r, 2).value}
    assert values["会员总数"] == 6 and values["新入会会员"] == 1 and values["入会率"] == "62.5%"
    assert ws.cell(ws.max_row, 1).value == "制表人：赵会计  审核人：____  日期：____"


def test_a_form_by_chinese_title_defaults_to_this_year(db_file, tmp_path, capsys):
    out = tmp_path / "新会员.xlsx"
    assert run("新入会会员名单", "--db", db_file, "-o", out, "--today", "2026-11-22") == EXIT_OK
    assert "（新入会会员名单，2026年（2026-01-01 至 2026-12-31））" in capsys.readouterr().out
    ws = load_workbook(out).active
    assert ws["A2"].value == "入会日期：2026年（2026-01-01 至 2026-12-31）（身份证号、手机号已部分隐去）"
    assert ws["B5"].value == "周九" and ws["B6"].value is None


def test_one_end_of_the_period(db_file, tmp_path, capsys):
    out = tmp_path / "采集表.xlsx"
    assert run("member-info", "--db", db_file, "-o", out, "--to", "2026-05-31", "--today", "2026-11-22") == EXIT_OK
    assert "2026年1月至5月（2026-01-01 至 2026-05-31）" in capsys.readouterr().out
    ws = load_workbook(out).active
    assert ws["A2"].value == "截至 2026-05-31 在册的会员（含退休会员）（身份证号、手机号已部分隐去）"
    names = sorted(ws.cell(r, 2).value for r in range(5, 11))
    assert names == sorted(["张三", "李四", "王五", "赵六", "孙八", "吴十"])


def test_a_list_of_the_current_state_says_the_period_is_not_used(db_file, tmp_path, capsys):
    out = tmp_path / "花名册.xlsx"
    assert run("roster", "--db", db_file, "-o", out, "--from", "2020-01-01", "--to", "2020-12-31",
               "--today", "2026-11-22") == EXIT_OK
    captured = capsys.readouterr()
    assert "会员花名册按当前状态制表，不使用 --from/--to" in captured.err
    assert "（会员花名册，截至 2026-11-22）" in captured.out
    assert load_workbook(out).active["A1"].value == "会员花名册"


def test_a_bad_name_lists_the_valid_ones(db_file, tmp_path, capsys):
    assert run("花名册大全", "--db", db_file, "-o", tmp_path / "x.xlsx") == EXIT_USAGE
    err = capsys.readouterr().err
    assert "没有名为“花名册大全”的内置报表" in err
    assert all(form.name in err and form.title in err for form in BUILTIN_FORMS)
    assert not (tmp_path / "x.xlsx").exists()


def test_no_name_lists_the_forms_and_fails(capsys):
    assert run() == EXIT_USAGE
    captured = capsys.readouterr()
    assert "请给出报表名称" in captured.err and "yearly-stats" in captured.out


@pytest.mark.parametrize("args, message", [
    (["roster", "-o", "x.xlsx"], "请用 --db 给出数据库文件"),
    (["roster", "--db", "DB"], "用 -o 给出输出文件"),
    (["roster", "--db", "DB", "-o", "x.csv"], "输出文件应为 .xlsx"),
    (["roster", "--db", "none.sqlite3", "-o", "x.xlsx"], "数据库文件不存在"),
    (["care-payments", "--db", "DB", "-o", "x.xlsx", "--from", "2026-12-31", "--to", "2026-01-01"], "晚于"),
    (["care-payments", "--db", "DB", "-o", "x.xlsx", "--from", "2026-02-30"], "不是日期"),
    (["care-payments", "--db", "DB", "-o", "x.xlsx", "--today", "昨天"], "日期格式不对"),
    (["care-payments", "--db", "DB", "-o", "没有的文件夹/x.xlsx"], "文件夹不存在"),
])
def test_usage_errors(db_file, tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    args = [str(db_file) if a == "DB" else a for a in args]
    assert run(*args) == EXIT_USAGE
    assert message in capsys.readouterr().err
    assert not list(tmp_path.glob("*.xlsx")) and not (tmp_path / "none.sqlite3").exists()


def test_python_dash_m(db_file, tmp_path):
    out = tmp_path / "慰问.xlsx"
    root = str(Path(__file__).resolve().parents[1])  # this checkout, whatever copy is installed
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "gonghui_desk", "export", "care-payments", "--db", str(db_file),
                           "-o", str(out)], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == EXIT_OK, done.stderr
    assert "已生成" in done.stdout and load_workbook(out).active["A1"].value == "送温暖/慰问金发放统计表"
