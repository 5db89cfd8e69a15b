"""``gonghui-desk --self-test``: the core checks on a temporary database, a failing check reported while the others
run, the Qt check through the command line, the report file of a windowed build, and ``python -m`` as an install
runs it."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gonghui_desk import self_test
from gonghui_desk.cli import main
from gonghui_desk.db.migrations import LATEST_VERSION
from gonghui_desk.self_test import CHECK_NAMES, run_self_test

CORE_NAMES = CHECK_NAMES[:-1]
ROOT = Path(__file__).resolve().parents[1]


def run(**kwargs) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = run_self_test(out, **kwargs)
    return code, out.getvalue().splitlines()


def status_lines(lines: list[str]) -> dict[str, str]:
    """{check name: its line} of the lines that start with 通过/失败."""
    found = {}
    for line in lines:
        match = re.match(r"^(通过|失败)  (.+?)：", line)
        if match:
            found[match.group(2)] = line
    return found


def temp_folder(lines: list[str]) -> Path:
    return Path(lines[0].split("临时文件夹：", 1)[1])


def test_every_core_check_passes_in_order_and_the_folder_is_removed():
    code, lines = run()
    assert code == 0
    checks = status_lines(lines)
    assert list(checks) == list(CORE_NAMES)  # in order, one line each; no 界面 without a gui_check
    for name, line in checks.items():
        assert line.startswith(f"通过  {name}："), line
        assert re.search(r"（\d+\.\d\d 秒）$", line), line
    assert f"结构版本 {LATEST_VERSION}" in checks["新建数据库"] and "WAL" in checks["新建数据库"]
    assert "v1-backup-" in checks["升级旧版数据库"] and "王五" in checks["升级旧版数据库"]
    assert "会员 2 名（张三、李四）" in checks["写入"] and "80000 分" in checks["写入"]
    assert "“zs”" in checks["读取"] and "pypinyin" in checks["读取"]
    assert "会员花名册" in checks["导出 .xlsx"] and "文本单元格" in checks["导出 .xlsx"]
    assert "自检工会" in checks["Word .docx"] and "800元" in checks["Word .docx"]
    assert ("已嵌入中文 TrueType 字体" in checks["PDF"]) or ("STSong-Light" in checks["PDF"])
    assert lines[-1].startswith(f"自检完成：{len(CORE_NAMES)} 项全部通过")
    assert not temp_folder(lines).exists()
    "\n".join(lines).encode("gbk")  # a Chinese Windows console (cp936) shows every character


def test_a_failing_check_is_reported_and_the_others_still_run(monkeypatch):
    from gonghui_desk.exporting.builtin_forms import BuiltinForm

    def broken(self, *args, **kwargs):
        raise OSError("模拟的写盘错误")

    monkeypatch.setattr(BuiltinForm, "write", broken)
    code, lines = run()
    assert code == 1
    checks = status_lines(lines)
    assert list(checks) == list(CORE_NAMES)
    assert checks["导出 .xlsx"] == "失败  导出 .xlsx：OSError: 模拟的写盘错误"
    failed_at = lines.index(checks["导出 .xlsx"])
    traceback_lines = lines[failed_at + 1:lines.index(checks["Word .docx"])]
    assert traceback_lines[0] == "      Traceback (most recent call last):"
    assert all(line.startswith("      ") for line in traceback_lines)
    assert traceback_lines[-1].strip() == "OSError: 模拟的写盘错误"
    assert checks["Word .docx"].startswith("通过") and checks["PDF"].startswith("通过")
    assert lines[-1].startswith("自检失败：1 项未通过")


def test_the_checks_that_need_a_failed_one_say_so(monkeypatch, tmp_path):
    from gonghui_desk.members import MemberStore

    def broken(self, *args, **kwargs):
        raise RuntimeError("拼音词库缺失")

    monkeypatch.setattr(MemberStore, "create", broken)
    code, lines = run(workdir=tmp_path)
    assert code == 1
    checks = status_lines(lines)
    assert checks["写入"] == "失败  写入：RuntimeError: 拼音词库缺失"
    assert checks["读取"] == "失败  读取：未能检查，因为“写入”未通过"
    assert checks["导出 .xlsx"] == "失败  导出 .xlsx：未能检查，因为“写入”未通过"
    assert checks["PDF"].startswith("通过  PDF：")  # the report is written from an empty database
    assert lines[-1].startswith("自检失败：4 项未通过")  # 写入, 读取, .xlsx, Word
    db = sqlite_count(tmp_path / self_test.DB_NAME, "SELECT count(*) FROM union_profile")
    assert db == 0  # the one transaction was rolled back: not even the profile stayed


def sqlite_count(path: Path, sql: str) -> int:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def test_the_gui_check_lines_are_the_detail_and_its_exception_a_failure(tmp_path):
    code, lines = run(workdir=tmp_path, gui_check=lambda path: [f"窗口 {path.name}", "第二行"])
    assert code == 0
    assert re.match(rf"^通过  界面：窗口 {re.escape(self_test.DB_NAME)}；第二行（\d+\.\d\d 秒）$", lines[-2])
    assert lines[-1].startswith("自检完成：10 项全部通过")

    def broken(path):
        raise ValueError("没有平台插件")

    code, lines = run(gui_check=broken)
    assert code == 1
    assert status_lines(lines)["界面"] == "失败  界面：ValueError: 没有平台插件"
    assert lines[-1].startswith("自检失败：1 项未通过")


def test_command_line_runs_the_qt_check(qapp, capsys):
    assert main(["--self-test"]) == 0
    out = capsys.readouterr().out.splitlines()
    checks = status_lines(out)
    assert list(checks) == list(CHECK_NAMES)
    gui = checks["界面"]
    assert gui.startswith("通过  界面：Qt ")
    assert "平台插件 offscreen" in gui
    assert "“Cancel”→“取消”" in gui
    assert "程序图标可显示" in gui
    pages = re.search(r"主窗口建成，(\d+) 个页面（首页、会员、", gui)
    assert pages and int(pages.group(1)) >= 9
    assert "打印支持可用（会员名单 2 行打印到 PDF，1 页" in gui
    assert out[-1].startswith("自检完成：10 项全部通过")
    assert not temp_folder(out).exists()


def test_gui_check_reports_every_part_when_one_fails(qapp, monkeypatch, tmp_path):
    from PySide6.QtCore import QCoreApplication

    from gonghui_desk.ui.self_check import GuiCheckFailed, gui_check

    monkeypatch.setattr(QCoreApplication, "translate", staticmethod(lambda context, text, *args: text))
    with pytest.raises(GuiCheckFailed) as failure:
        gui_check(tmp_path / "界面.sqlite3")
    message = str(failure.value)
    assert "中文翻译失败：AssertionError: Qt 的中文翻译没有加载（“Cancel”译为“Cancel”" in message
    assert "主窗口建成" in message and "打印支持可用" in message  # the later parts still ran
    assert isinstance(failure.value.__cause__, AssertionError)


def test_without_qt_the_core_checks_still_run(monkeypatch, capsys):
    monkeypatch.delitem(sys.modules, "gonghui_desk.ui.self_check", raising=False)
    monkeypatch.setitem(sys.modules, "PySide6", None)  # as if PySide6 were not installed: importing it fails
    assert main(["--self-test"]) == 1
    out = capsys.readouterr().out.splitlines()
    checks = status_lines(out)
    assert all(checks[name].startswith("通过") for name in CORE_NAMES)
    assert checks["界面"].startswith("失败  界面：RuntimeError: 无法加载界面组件（PySide6）：ModuleNotFoundError: import of PySide6")
    assert out[-1].startswith("自检失败：1 项未通过")


def test_a_windowed_build_writes_the_report_to_the_data_folder(monkeypatch, tmp_path):
    import gonghui_desk.paths
    import gonghui_desk.ui.self_check

    data = tmp_path / "数据"
    monkeypatch.setattr(gonghui_desk.paths, "default_data_dir", lambda: data)
    monkeypatch.setattr(gonghui_desk.ui.self_check, "gui_check", lambda path: ["窗口已建成"])
    monkeypatch.setattr(sys, "stdout", None)  # a windowed exe on Windows has no console
    assert main(["--self-test"]) == 0
    lines = (data / "self-test.txt").read_text("utf-8-sig").splitlines()
    assert status_lines(lines)["界面"].startswith("通过  界面：窗口已建成")
    assert f"数据文件夹 {data}" in status_lines(lines)["运行环境"]
    assert lines[-1].startswith("自检完成：10 项全部通过")


def test_python_dash_m_on_a_chinese_console(tmp_path):
    """What a real install runs, its output in GBK (a Chinese Windows console); the temporary folder goes away."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "gbk", "TMPDIR": str(temp),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "gonghui_desk", "--self-test"], capture_output=True, timeout=120,
                          env=env, cwd=tmp_path)
    out = done.stdout.decode("gbk").splitlines()
    assert done.returncode == 0, done.stdout.decode("gbk") + done.stderr.decode("utf-8", "replace")
    assert [line[:2] for line in status_lines(out).values()] == ["通过"] * len(CHECK_NAMES)
    assert out[-1].startswith("自检完成：10 项全部通过")
    assert "?" not in "".join(out[1:])  # nothing was replaced: every character is in GBK
    assert list(temp.iterdir()) == []
