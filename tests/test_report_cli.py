"""``gonghui-desk report``: the same document as the wizard, written to .docx or .pdf without the GUI."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from docx import Document as read_docx

from gonghui_desk.cli import EXIT_OK, EXIT_USAGE, main
from gonghui_desk.reports.sections import isolated_sections
from gonghui_desk.union import UnionProfile, save_profile
from tests.test_report_builder import CARE, EMPTY, SELF, make_hand


@pytest.fixture
def hand_file(profiled_db, store, db_path):
    make_hand(profiled_db, store)
    with isolated_sections(SELF, CARE, EMPTY):
        yield db_path


def run(*args) -> int:
    return main(["report", *map(str, args)])


def docx_text(path) -> list[str]:
    return [p.text for p in read_docx(str(path)).paragraphs if p.text.strip()]


def test_docx(hand_file, tmp_path, capsys):
    out = tmp_path / "out" / "总结.docx"
    assert run("--db", hand_file, "--kind", "annual", "--from", "2026-01-01", "--to", "2026-12-31", "-o", out,
               "--compare", "--today", "2026-11-22") == EXIT_OK
    printed = capsys.readouterr().out
    assert f"已生成：{out}" in printed and "测试中学工会2026年度工作总结" in printed
    assert "还有4处“【请填写：…】”提示" in printed
    text = docx_text(out)
    assert text[0] == "测试中学工会2026年度工作总结"
    assert "一、加强思想政治引领，凝聚广大教职工" in text
    assert "二、关心关爱教职工，把温暖送到心坎" in text
    assert "走访慰问会员3人次（2人），发放慰问金1300元，慰问人次比上年增加2人次。" in text
    assert text[-2:] == ["测试中学工会委员会", "2026年11月22日"]


def test_sections_options_and_default_period(hand_file, tmp_path, capsys):
    out = tmp_path / "r.docx"
    assert run("--db", hand_file, "-o", out, "--sections", "fake_care, fake_self", "--approx", "--chinese-numerals",
               "--no-names", "--appendix", "--title", "自定标题", "--today", "2026-11-22") == EXIT_OK
    text = docx_text(out)
    assert text[0] == "自定标题"
    assert text[2:4] == ["一、关心关爱教职工，把温暖送到心坎", "走访慰问会员三人次（两人），发放慰问金1300元。"]
    assert "全年新发展会员3人（其中女会员两人）。" in text  # --no-names
    assert "三、主要工作数据" in text and "提示" not in capsys.readouterr().out
    table = read_docx(str(out)).tables[0]
    assert [c.text for c in table.rows[1].cells] == ["新入会会员", "3"]


def test_half_and_term(hand_file, tmp_path, capsys):
    assert run("--db", hand_file, "--kind", "half", "--from", "2026-07-01", "--to", "2026-12-31", "-o",
               tmp_path / "h.docx", "--today", "2026-11-22") == EXIT_OK
    assert docx_text(tmp_path / "h.docx")[0] == "测试中学工会2026年下半年工作总结"
    assert run("--db", hand_file, "--kind", "term", "-o", tmp_path / "t.docx") == EXIT_USAGE
    assert "没有工会委员会或职代会的任期" in capsys.readouterr().err
    from gonghui_desk.db import open_database

    db = open_database(hand_file)
    save_profile(db, UnionProfile(name="测试中学工会委员会", kind="学校", term_number=5, term_elected_on="2021-12-10",
                                  term_expires_on="2026-12-09"))
    db.conn.close()
    assert run("--db", hand_file, "--kind", "term", "-o", tmp_path / "t.docx", "--today", "2026-11-22") == EXIT_OK
    assert "第五届工会委员会任期内（2021年12月至2026年11月）" in capsys.readouterr().out
    text = docx_text(tmp_path / "t.docx")
    assert text[:3] == ["测试中学工会委员会工作报告", "各位代表、同志们：", "我代表第五届工会委员会向大会报告工作，请予审议。"]


@pytest.mark.parametrize("args, message", [
    (["-o", "x.txt"], "应为 .docx 或 .pdf"),
    (["-o", "x.docx", "--from", "2026-01-01"], "要一起给出"),
    (["-o", "x.docx", "--from", "2026-12-31", "--to", "2026-01-01"], "晚于"),
    (["-o", "x.docx", "--from", "2026-02-30", "--to", "2026-03-01"], "日期格式"),
    (["-o", "x.docx", "--sections", "politics,nope"], "没有这一部分：nope"),
    (["-o", "x.docx", "--today", "昨天"], "日期格式"),
])
def test_usage_errors(hand_file, tmp_path, capsys, args, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("--db", hand_file, *args) == EXIT_USAGE
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.docx").exists()


def test_missing_database_and_bad_kind(tmp_path, capsys):
    assert run("--db", tmp_path / "none.sqlite3", "-o", tmp_path / "x.docx") == EXIT_USAGE
    assert "数据库文件不存在" in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite3").exists()
    with pytest.raises(SystemExit) as exc:
        run("--db", tmp_path / "none.sqlite3", "--kind", "monthly", "-o", tmp_path / "x.docx")
    assert exc.value.code == EXIT_USAGE


def test_pdf_when_the_writer_is_missing(hand_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "gonghui_desk.documents.pdf_writer", None)  # import fails
    assert run("--db", hand_file, "-o", tmp_path / "r.pdf") == EXIT_USAGE
    assert "PDF 输出暂不可用" in capsys.readouterr().err
    assert not (tmp_path / "r.pdf").exists()


def test_pdf(hand_file, tmp_path, capsys):
    pytest.importorskip("gonghui_desk.documents.pdf_writer")
    out = tmp_path / "r.pdf"
    assert run("--db", hand_file, "-o", out, "--today", "2026-11-22") == EXIT_OK
    assert out.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        compact = "".join(text.split())
        assert "测试中学工会2026年度工作总结" in compact and "发放慰问金1300元" in compact
