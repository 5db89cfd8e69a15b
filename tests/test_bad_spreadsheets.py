"""Every importer against the corpus of bad spreadsheets (tests/bad_spreadsheets.py): files that cannot be
read (empty, a title only, no header, wrong headers, a renamed Word file or picture, a password) stop with
exit 2 and a message about the file; rows that cannot be imported (formulas without results, error cells,
dates and ID numbers in forms that would be stored wrong) stop with exit 1 and a message naming the row and
the field; files that look odd but hold good data (merged cells, formulas with results, a million blank
rows, dates in ten styles, full-width digits, padded names, CSV in GBK) import right. Whatever fails leaves
the database exactly as it was, through the command line and through the core functions the GUI wizards
call; with "skip invalid rows" the good rows are written and only they."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from gonghui_desk.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from gonghui_desk.db import open_database
from gonghui_desk.idcard import check_char
from gonghui_desk.importing import (aid_import, event_import, hardship_import, honour_import, member_import,
                                    proposal_import, visit_import)
from gonghui_desk.importing.common import ImportBlocked
from gonghui_desk.importing.headers import MEMBER_IMPORT_FIELDS
from gonghui_desk.importing.spreadsheet import SpreadsheetError, read_table
from gonghui_desk.members import MemberStore
from gonghui_desk.union import UnionProfile, ensure_sub_unit_path, save_profile
from tests import bad_spreadsheets as corpus
from tests.bad_spreadsheets import Error, Formula
from tests.conftest import TODAY, VALID_IDS
from tests.test_hardship_aid import add_file


def make_id(first17: str) -> str:
    return first17 + check_char(first17)


# Members of the union every test starts from. 王五 and 孙八 were born before 2000 and their numbers end in X,
# so the same person can be written with an old 15-digit number and with a lowercase x.
WANG_ID, SUN_ID, QIAN_ID = "32010219650115069X", "11010519700808059X", "44010619770321015X"
NEW_IDS = (make_id("32010219880715123"), make_id("32010219920304002"), "32010219880715019X")  # 孙七, 周八, 吴九


def old_15(number: str) -> str:
    return number[:6] + number[8:17]


# --- the importers ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Importer:
    """One importer as these tests drive it: its columns (field key, header as users write it), three rows
    that import cleanly (the third is the one each test spoils), and where its records land."""

    key: str
    module: ModuleType
    columns: tuple[tuple[str, str], ...]
    rows: tuple[dict, ...]
    date_key: str
    stored_sql: str  # (person's name, the date) of each record the importer wrote
    duplicate_in_file: str  # what the second of two identical rows becomes: "invalid" or "unchanged"

    def __str__(self) -> str:
        return self.key

    @property
    def command(self):
        return getattr(self.module, f"{self.key}_import_command")

    def label(self, key: str) -> str:
        """The field's name in the messages."""
        return getattr(self.module, "PROBLEM_LABELS", MEMBER_IMPORT_FIELDS)[key]

    def header(self) -> list[str]:
        return [text for _key, text in self.columns]

    def cells(self, row: dict) -> list:
        return [row.get(key) for key, _text in self.columns]

    def table(self, rows=None, *, title: bool = True) -> list[list]:
        """A title line, the header and the rows: the first data row is file row 3."""
        rows = self.rows if rows is None else rows
        return [["某某公司工会2026年导入表"]] * title + [self.header()] + [self.cells(row) for row in rows]

    def spoiled(self, **cells) -> list[dict]:
        """The three rows, the third with some cells replaced (by field key; "date" is the date field)."""
        rows = copy.deepcopy(list(self.rows))
        for key, value in cells.items():
            rows[2][self.date_key if key == "date" else key] = value
        return rows

    def stored(self, path) -> list[tuple]:
        with contextlib.closing(sqlite3.connect(path)) as conn:
            return [tuple(row) for row in conn.execute(self.stored_sql)]


VICTIM_ROW = 5  # the file row of the third data row (a title line and the header above)
GOOD = [("张三", "2026-03-05"), ("李四", "2026-05-01"), ("王五", "2026-06-01")]  # what most importers store

IMPORTERS = [
    Importer(
        "members", member_import,
        (("name", "姓名"), ("sex", "性别"), ("id_number", "身份证号码"), ("sub_unit", "部门"), ("join_date", "入会时间"),
         ("phone", "联系电话")),
        ({"name": "孙七", "sex": "男", "id_number": NEW_IDS[0], "sub_unit": "一车间", "join_date": "2026-03-05",
          "phone": "13800138000"},
         {"name": "周八", "sex": "女", "id_number": NEW_IDS[1], "sub_unit": "二车间", "join_date": "2026-05-01"},
         {"name": "吴九", "id_number": NEW_IDS[2], "sub_unit": "一车间", "join_date": "2026-06-01"}),
        "join_date", "SELECT name, join_date FROM members WHERE id > 6 ORDER BY id", "invalid"),
    Importer(
        "visits", visit_import,
        (("name", "被慰问人"), ("id_number", "身份证号"), ("sub_unit", "部门"), ("occasion", "慰问事由"),
         ("illness", "疾病"), ("visit_date", "慰问日期"), ("cash", "慰问金额（元）")),
        ({"name": "张三", "id_number": VALID_IDS["man_1985"], "sub_unit": "一车间", "occasion": "住院",
          "illness": "阑尾炎", "visit_date": "2026-03-05", "cash": "500"},
         {"name": "李四", "id_number": VALID_IDS["woman_1990"], "sub_unit": "二车间", "occasion": "婚嫁",
          "visit_date": "2026-05-01", "cash": 800},
         {"name": "王五", "id_number": WANG_ID, "occasion": "退休", "visit_date": "2026-06-01", "cash": "300元"}),
        "visit_date", "SELECT m.name, v.visit_date FROM visits v JOIN members m ON m.id = v.member_id ORDER BY v.id",
        "unchanged"),
    Importer(
        "hardship", hardship_import,
        (("name", "户主姓名"), ("id_number", "公民身份号码"), ("sub_unit", "工作单位"), ("category", "困难类型"),
         ("main_cause", "致困原因"), ("opened_on", "建档时间")),
        ({"name": "钱七", "id_number": QIAN_ID, "sub_unit": "一车间", "category": "困难职工", "main_cause": "因病致困",
          "opened_on": "2026-03-05"},
         {"name": "赵六", "sub_unit": "二车间", "category": "特困", "main_cause": "因残", "opened_on": "2026-05-01"},
         {"name": "孙八", "id_number": SUN_ID, "category": "困难", "main_cause": "失业", "opened_on": "2026-06-01"}),
        "opened_on", "SELECT m.name, f.opened_on FROM hardship_files f JOIN members m ON m.id = f.member_id "
                     "WHERE f.id > 3 ORDER BY f.id", "invalid"),
    Importer(
        "aid", aid_import,
        (("name", "姓名"), ("id_number", "身份证号码"), ("sub_unit", "部门"), ("aid_type", "救助类型"),
         ("cash", "发放金额（元）"), ("paid_on", "发放日期")),
        ({"name": "张三", "id_number": VALID_IDS["man_1985"], "sub_unit": "一车间", "aid_type": "生活救助",
          "cash": "1,200.50", "paid_on": "2026-03-05"},
         {"name": "李四", "id_number": VALID_IDS["woman_1990"], "sub_unit": "二车间", "aid_type": "临时救助", "cash": 800,
          "paid_on": "2026-05-01"},
         {"name": "王五", "id_number": WANG_ID, "aid_type": "送温暖", "cash": "0.05万元", "paid_on": "2026-06-01"}),
        "paid_on", "SELECT m.name, a.paid_on FROM aid_payments a JOIN members m ON m.id = a.member_id ORDER BY a.id",
        "unchanged"),
    Importer(
        "honours", honour_import,
        (("name", "姓名"), ("id_number", "身份证号码"), ("sub_unit", "所在部门"), ("title", "荣誉称号"), ("level", "级别"),
         ("conferred_on", "获得时间")),
        ({"name": "张三", "id_number": VALID_IDS["man_1985"], "sub_unit": "一车间", "title": "优秀工会积极分子",
          "level": "厂级", "conferred_on": "2026-03-05"},
         {"name": "李四", "id_number": VALID_IDS["woman_1990"], "sub_unit": "二车间", "title": "先进工作者",
          "level": "本单位", "conferred_on": "2026-05-01"},
         {"name": "王五", "id_number": WANG_ID, "title": "优秀共产党员", "level": "本单位", "conferred_on": "2026-06-01"}),
        "conferred_on", "SELECT m.name, h.conferred_on FROM honours h JOIN members m ON m.id = h.member_id "
                        "ORDER BY h.id", "unchanged"),
    Importer(
        "events", event_import,
        (("event_name", "活动名称"), ("kind", "活动类型"), ("start_date", "开始日期"), ("item", "项目"), ("name", "姓名"),
         ("id_number", "身份证号"), ("sub_unit", "部门"), ("rank", "名次")),
        ({"event_name": "职工运动会", "kind": "文体活动", "start_date": "2026-03-05", "item": "100米", "name": "张三",
          "id_number": VALID_IDS["man_1985"], "sub_unit": "一车间", "rank": 1},
         {"event_name": "安全知识竞赛", "kind": "知识竞赛", "start_date": "2026-05-01", "item": "个人赛", "name": "李四",
          "id_number": VALID_IDS["woman_1990"], "sub_unit": "二车间", "rank": 2},
         {"event_name": "书法比赛", "kind": "文体活动", "start_date": "2026-06-01", "item": "硬笔", "name": "王五",
          "id_number": WANG_ID, "rank": 3}),
        "start_date", "SELECT m.name, e.start_date FROM event_participants p JOIN members m ON m.id = p.member_id "
                      "JOIN events e ON e.id = p.event_id ORDER BY p.id", "unchanged"),
    Importer(
        "proposals", proposal_import,
        (("term", "届次"), ("session_number", "会议次数"), ("title", "案由"), ("name", "提案人"),
         ("submitted_on", "提交日期")),
        ({"term": 1, "session_number": 1, "title": "关于增设职工书屋的建议", "name": "张三", "submitted_on": "2026-03-05"},
         {"term": 1, "session_number": 1, "title": "关于改善食堂伙食的建议", "name": "李四", "submitted_on": "2026-05-01"},
         {"term": 1, "session_number": 1, "title": "关于发放高温补贴的建议", "name": "王五", "submitted_on": "2026-06-01"}),
        "submitted_on", "SELECT m.name, p.submitted_on FROM proposals p JOIN members m ON m.id = p.proposer_member_id "
                        "ORDER BY p.id", "unchanged"),
]
WITH_ID = [spec for spec in IMPORTERS if spec.key != "proposals"]  # the 提案 sheet has no 身份证号 column
BY_KEY = {spec.key: spec for spec in IMPORTERS}


def expected_stored(spec: Importer, rows: int = 3) -> list[tuple]:
    if spec.key == "members":
        return [("孙七", "2026-03-05"), ("周八", "2026-05-01"), ("吴九", "2026-06-01")][:rows]
    if spec.key == "hardship":
        return [("钱七", "2026-03-05"), ("赵六", "2026-05-01"), ("孙八", "2026-06-01")][:rows]
    return GOOD[:rows]


# --- the database ------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """A company union: 张三, 李四 and 王五 with hardship files (for the aid ledger), 赵六 (no ID number),
    钱七 and 孙八 (for the hardship sheet). Made once; each test works on a copy."""
    path = tmp_path_factory.mktemp("bad_spreadsheets") / "template.sqlite3"
    db = open_database(path)
    save_profile(db, UnionProfile(name="某某公司工会委员会", kind="企业", upstream_union="某某区总工会"))
    one, two = ensure_sub_unit_path(db, "一车间"), ensure_sub_unit_path(db, "二车间")
    store = MemberStore(db)
    people = {}
    for name, number, unit in (("张三", VALID_IDS["man_1985"], one), ("李四", VALID_IDS["woman_1990"], two),
                               ("王五", WANG_ID, one), ("赵六", None, two), ("钱七", QIAN_ID, one), ("孙八", SUN_ID, two)):
        people[name] = store.create({"name": name, "id_number": number, "sub_unit_id": unit,
                                     "join_date": "2010-01-01"}, today=TODAY)
    for name in ("张三", "李四", "王五"):
        add_file(db, people[name], opened_on="2025-01-01")
    db.conn.close()
    return path


@pytest.fixture
def union(template_db, tmp_path) -> Path:
    path = tmp_path / "union.sqlite3"
    shutil.copy(template_db, path)
    return path


def snapshot(path) -> tuple[dict, list[str], bytes]:
    """Row counts of every table (the change log among them), every row as SQL text, and the file's bytes."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        counts = {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}
        rows = list(conn.iterdump())
    return counts, rows, Path(path).read_bytes()


def assert_unchanged(before, path) -> None:
    counts, rows, content = snapshot(path)
    assert counts == before[0]
    assert rows == before[1]
    assert content == before[2]  # byte for byte


@dataclass
class Run:
    code: int
    out: str
    err: str

    def problems(self) -> list[str]:
        return [line for line in self.out.splitlines() if line.startswith("第")]


def run_command(spec: Importer, file, db_path, *, skip_invalid: bool = False, dry_run: bool = False) -> Run:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = spec.command(db_path, file, dry_run=dry_run, skip_invalid=skip_invalid, out=out)
    return Run(code, out.getvalue(), err.getvalue())


def plan_file(spec: Importer, file, db):
    return spec.module.plan_import(db, spec.module.open_source(file), today=TODAY)


def one_line(lines: list[str], start: str) -> str:
    found = [line for line in lines if line.startswith(start)]
    assert len(found) >= 1, (start, lines)
    return found[0]


def check_refused_rows(spec: Importer, file, union, expected: dict[int, tuple[str, str]], *,
                       good: list[tuple] | None = None) -> Run:
    """The file has invalid rows: the command exits 1 naming each (row, field label, words in the message)
    and writes nothing; the core's commit refuses too; skipping the invalid rows writes the others."""
    before = snapshot(union)
    untouched = shutil.copy(union, union.with_name("skip-by-command.sqlite3"))
    result = run_command(spec, file, union)
    assert result.code == EXIT_INVALID, result.out + result.err
    assert "没有写入任何数据" in result.out
    for row, (key, words) in expected.items():
        line = one_line(result.problems(), f"第{row}行 {spec.label(key)}：")
        assert words in line, (words, line)
    assert_unchanged(before, union)

    db = open_database(union)
    try:
        plan = plan_file(spec, file, db)
        assert {p.row_number for p in plan.problems() if p.severity == "error"} == set(expected)
        with pytest.raises(ImportBlocked, match="没有导入任何数据"):
            spec.module.commit_import(db, plan)
        db.conn.close()
        assert_unchanged(before, union)

        db = open_database(union)
        plan = plan_file(spec, file, db)
        result_of_skip = spec.module.commit_import(db, plan, skip_invalid=True)
        assert result_of_skip.skipped == len(expected)
    finally:
        db.conn.close()
    good = expected_stored(spec, 2) if good is None else good
    assert spec.stored(union) == good

    skipped = run_command(spec, file, untouched, skip_invalid=True)  # the same through the command line
    assert skipped.code == EXIT_OK, skipped.out + skipped.err
    assert f"跳过 {len(expected)} 行" in skipped.out
    assert skipped.problems() == result.problems()
    assert spec.stored(untouched) == good
    assert snapshot(untouched)[0] == snapshot(union)[0]
    return result


def check_imported(spec: Importer, file, union, expected: list[tuple] | None = None) -> Run:
    """The file imports cleanly through the command: exit 0 and the records stored as ``expected``."""
    result = run_command(spec, file, union)
    assert result.code == EXIT_OK, result.out + result.err
    assert "\n问题：\n" not in result.out, result.out
    assert spec.stored(union) == (expected_stored(spec) if expected is None else expected)
    return result


@pytest.mark.parametrize("spec", IMPORTERS, ids=str)
def test_skipping_invalid_rows_writes_exactly_what_the_good_rows_alone_write(spec, union, tmp_path):
    spoiled = corpus.write_xlsx(tmp_path / "有错.xlsx", spec.table(spec.spoiled(name=Error("#N/A"))))
    alone = corpus.write_xlsx(tmp_path / "无错.xlsx", spec.table(spec.rows[:2]))
    other = shutil.copy(union, tmp_path / "other.sqlite3")

    assert run_command(spec, spoiled, union, skip_invalid=True).code == EXIT_OK
    assert run_command(spec, alone, other).code == EXIT_OK

    assert snapshot(union)[0] == snapshot(other)[0]  # every table, the change log too
    assert spec.stored(union) == spec.stored(other) == expected_stored(spec, 2)


# --- files that cannot be read at all: exit 2, nothing written -----------------------------------------------
def file_kinds():
    """(name, how to write it, words of the message) for each unreadable file."""
    return [
        ("empty-workbook", lambda spec, path: corpus.empty_workbook(path), "中没有任何数据（所有工作表都是空的）"),
        ("title-only", lambda spec, path: corpus.title_only(path, "某某公司工会2026年导入表"),
         "工作表中只有标题“某某公司工会2026年导入表”等单独的文字，没有列名和数据"),
        ("no-header", lambda spec, path: corpus.write_xlsx(path, [spec.cells(row) for row in spec.rows]),
         "前20行中没有一行含有两个以上可识别的列名"),
        ("wrong-headers", lambda spec, path: corpus.write_xlsx(
            path, [[f"栏目{n}" for n in "一二三四五六七八"[:len(spec.columns)]], *[spec.cells(r) for r in spec.rows]]),
         "最像表头的一行是“栏目一、栏目二、栏目三"),
        ("word-renamed", lambda spec, path: corpus.docx_renamed(path), "它实际上是 Word 文档（.docx），不是 Excel 工作簿"),
        ("picture-renamed", lambda spec, path: corpus.png_renamed(path), "不是 Excel 表格，而是 PNG 图片"),
        ("gbk-csv-renamed", lambda spec, path: corpus.text_renamed(path), "而是文本文件（可能是改了扩展名的 CSV"),
        ("password", lambda spec, path: corpus.encrypted_xlsx(corpus.write_xlsx(path.with_suffix(".plain.xlsx"),
                                                                                spec.table()), path),
         "设置了打开密码，无法读取。请在 Excel 或 WPS 中打开它，取消密码后保存，再导入"),
    ]


@pytest.mark.parametrize("kind, write, words", file_kinds(), ids=[kind[0] for kind in file_kinds()])
@pytest.mark.parametrize("spec", IMPORTERS, ids=str)
def test_an_unreadable_file_stops_with_exit_2_and_says_what_is_wrong(spec, kind, write, words, union, tmp_path):
    if kind == "password":
        pytest.importorskip("msoffcrypto")
    path = write(spec, tmp_path / "导入表.xlsx")
    before = snapshot(union)

    result = run_command(spec, path, union)

    assert result.code == EXIT_USAGE
    assert result.err.startswith("错误：") and words in result.err, result.err
    assert result.out == ""
    assert_unchanged(before, union)
    with pytest.raises(SpreadsheetError) as raised:  # what the GUI wizard shows
        spec.module.open_source(path)
    assert words in str(raised.value)
    if kind not in ("no-header", "wrong-headers", "title-only"):
        assert "导入表.xlsx" in str(raised.value)  # the message names the file


def test_the_no_header_message_shows_the_row_that_looks_most_like_one(tmp_path):
    spec = BY_KEY["visits"]
    path = corpus.write_xlsx(tmp_path / "台账.xlsx", [["慰问台账"], ["序号", "被慰问人", "栏目一", "栏目二"],
                                                    [1, "张三", "甲", "乙"]])
    with pytest.raises(SpreadsheetError) as raised:
        spec.module.open_source(path)
    assert str(raised.value) == (
        "找不到表头：前20行中没有一行含有两个以上可识别的列名（如“姓名”、“身份证号”、“部门”、“慰问类别”）；"
        "最像表头的一行是“序号、被慰问人、栏目一、栏目二”，其中可识别的列名不到两个。"
        "请确认选择了正确的工作表，并在数据上方保留一行列名。")


@pytest.mark.parametrize("content, words", [
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "而是 PDF 文件"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "而是 JPEG 图片"),
    ("这不是表格，是一段说明文字。".encode("utf-8"), "而是文本文件"),
    (bytes(range(256)) * 4, "不是 Excel 表格（.xlsx、.xls）或 CSV 文件"),
])
def test_other_renamed_files_are_named_for_what_they_are(tmp_path, content, words):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(content)
    with pytest.raises(SpreadsheetError, match=words.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        read_table(path)


def test_a_word_97_document_renamed_to_xls_is_named(tmp_path):
    from tests.test_import_spreadsheet import ole_file_with_stream

    path = tmp_path / "通知.xls"
    path.write_bytes(ole_file_with_stream("WordDocument"))
    with pytest.raises(SpreadsheetError, match=r"实际上是 Word 文档（\.doc）"):
        read_table(path)


# --- a million blank rows after the data -------------------------------------------------------------------
@pytest.mark.parametrize("spec", IMPORTERS, ids=str)
def test_a_million_formatted_blank_rows_import_the_data_rows_only_and_quickly(spec, union, tmp_path):
    path = corpus.with_blank_rows(corpus.write_xlsx(tmp_path / "base.xlsx", spec.table()), tmp_path / "大表.xlsx",
                                  style="formatted")

    started = time.perf_counter()
    result = check_imported(spec, path, union)
    elapsed = time.perf_counter() - started

    assert elapsed < 20, elapsed  # about half a second: reading stops after 1000 blank rows
    assert any(line.startswith("检查结果：") for line in result.out.splitlines())


@pytest.mark.parametrize("style", corpus.BLANK_STYLES)
def test_every_kind_of_million_row_sheet_is_read_to_its_data_only(style, tmp_path):
    spec = BY_KEY["members"]
    base = corpus.write_xlsx(tmp_path / "base.xlsx", spec.table(), merges=["A1:F1"])
    path = corpus.with_blank_rows(base, tmp_path / "大表.xlsx", style=style)
    started = time.perf_counter()
    source = spec.module.open_source(path)
    assert time.perf_counter() - started < 20
    assert len(source.table.rows) == 5 and source.header_row_number == 2  # title, header, three rows
    assert source.table.merged == [(1, 1, 0, 5)]  # found after megabytes of rows


def test_a_csv_with_a_million_empty_lines_imports_its_rows(union, tmp_path):
    spec = BY_KEY["members"]
    path = corpus.csv_with_blank_lines(tmp_path / "名册.csv", spec.table())
    started = time.perf_counter()
    check_imported(spec, path, union)
    assert time.perf_counter() - started < 20


# --- CSV as Excel saves it ------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding, note", [("utf-8-sig", None), ("gbk", "说明：已按 GBK 编码读取 CSV")])
@pytest.mark.parametrize("spec", IMPORTERS, ids=str)
def test_csv_in_utf8_with_bom_and_in_gbk_imports(spec, encoding, note, union, tmp_path):
    path = corpus.write_csv(tmp_path / "导入表.csv", spec.table(), encoding=encoding)
    result = check_imported(spec, path, union)
    assert (note in result.out) if note else "GBK" not in result.out


# --- merged cells --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("spec", IMPORTERS, ids=str)
def test_a_two_level_merged_header_and_merged_data_cells_import_as_they_look(spec, union, tmp_path):
    """The first two columns under a merged heading, the other headers merged over both rows; the date
    written once in a cell merged over the first two data rows counts for both."""
    (first, _), (second, _) = spec.columns[:2]
    groups = [("基本信息", [text for _key, text in spec.columns[:2]])] + [(text, []) for _k, text in spec.columns[2:]]
    rows = copy.deepcopy(list(spec.rows))
    rows[1][spec.date_key] = None  # under the merged cell
    date_column = [key for key, _text in spec.columns].index(spec.date_key)
    path = corpus.two_level_header(tmp_path / "两级表头.xlsx", groups, [spec.cells(row) for row in rows],
                                   above=[["某某公司工会2026年导入表"]], merged_data=[(date_column, 0, 1)])

    source = spec.module.open_source(path)
    assert source.header_row_number == 3
    assert source.headers == spec.header()
    assert sorted(source.mapping.values()) == sorted(key for key, _text in spec.columns)

    expected = expected_stored(spec)
    check_imported(spec, path, union, [expected[0], (expected[1][0], expected[0][1]), expected[2]])


def test_a_two_level_header_whose_groups_outnumber_the_single_columns(union, tmp_path):
    """姓名 and 部门 merged over two rows around 基本情况 over 性别/身份证号/出生日期: the lower row has more
    known names, and the merged-down ones above it are not lost."""
    spec = BY_KEY["members"]
    path = corpus.two_level_header(
        tmp_path / "花名册.xlsx",
        [("序号", []), ("姓名", []), ("基本情况", ["性别", "身份证号", "出生日期"]), ("部门", [])],
        [[1, "孙七", "男", NEW_IDS[0], "1988-07-15", "一车间"], [2, "周八", "女", NEW_IDS[1], None, None]],
        above=[["会员花名册"]], merged_data=[(5, 0, 1)])

    source = spec.module.open_source(path)

    assert source.headers == ["", "姓名", "性别", "身份证号", "出生日期", "部门"]  # 序号 is no field
    check_imported(spec, path, union, [("孙七", None), ("周八", None)])
    with contextlib.closing(sqlite3.connect(union)) as conn:
        assert conn.execute("SELECT m.name, u.name FROM members m JOIN sub_units u ON u.id = m.sub_unit_id "
                            "WHERE m.id > 6 ORDER BY m.id").fetchall() == [("孙七", "一车间"), ("周八", "一车间")]


@pytest.mark.parametrize("spec", IMPORTERS, ids=str)
def test_a_legacy_xls_with_merged_cells_and_an_error_cell(spec, union, tmp_path):
    pytest.importorskip("xlwt")
    rows = spec.spoiled(name=Error("#N/A"))
    rows[1][spec.date_key] = None
    table = spec.table(rows)
    column = [key for key, _text in spec.columns].index(spec.date_key)
    path = corpus.write_xls(tmp_path / "旧表.xls", table, merges=[(2, 3, column, column)])

    result = check_refused_rows(spec, path, union, {VICTIM_ROW: ("name", "单元格是错误值“#N/A”")},
                                good=[expected_stored(spec)[0], (expected_stored(spec)[1][0], "2026-03-05")])
    assert "说明：已读取旧版 Excel (.xls) 文件" in result.out


# --- formulas and error cells ----------------------------------------------------------------------------------
@pytest.mark.parametrize("spec", IMPORTERS, ids=str)
def test_a_formula_without_its_result_is_refused_not_read_as_empty(spec, union, tmp_path):
    """openpyxl and many exporters write formulas without the result Excel would save: the name is not
    imported as empty (nor the formula as a name), the row is refused and the message says what to do."""
    victim = spec.rows[2]["name"]
    formula = f'"{victim[0]}"&"{victim[1:]}"'
    path = corpus.write_xlsx(tmp_path / "公式.xlsx", spec.table(spec.spoiled(name=Formula(formula))))
    result = check_refused_rows(spec, path, union, {VICTIM_ROW: ("name", f"单元格是公式“={formula}”")})
    assert "请用 Excel 或 WPS 打开文件并保存一次后再导入" in result.out


@pytest.mark.parametrize("spec", IMPORTERS, ids=str)
def test_formulas_with_their_saved_results_import_the_results(spec, union, tmp_path):
    victim = spec.rows[2]
    rows = spec.spoiled(name=Formula(f'"{victim["name"][0]}"&"{victim["name"][1:]}"', victim["name"]),
                        date=Formula("DATE(2026,6,1)", 46174))
    path = corpus.write_xlsx(tmp_path / "公式.xlsx", spec.table(rows))
    assert read_table(path).rows[-1][[k for k, _t in spec.columns].index("name")] == victim["name"]
    check_imported(spec, path, union)


def test_a_formula_whose_result_is_empty_text_is_an_empty_cell(tmp_path):
    path = corpus.write_xlsx(tmp_path / "公式.xlsx", [["姓名", "备注"], ["张三", Formula('IF(1>2,"x","")', "")]])
    assert read_table(path).rows == [["姓名", "备注"], ["张三", None]]


def test_a_member_row_with_an_error_name_gets_one_message_not_also_name_missing(union, tmp_path):
    spec = BY_KEY["members"]
    path = corpus.write_xlsx(tmp_path / "错误值.xlsx", spec.table(spec.spoiled(name=Error("#N/A"))))
    db = open_database(union)
    try:
        plan = plan_file(spec, path, db)
    finally:
        db.conn.close()
    assert [p.text for p in plan.problems() if p.severity == "error"] == [
        "第5行 姓名：单元格是错误值“#N/A”（公式出错或引用的单元格已删除），请在 Excel 中改正后再导入"]


ERROR_CELLS = [("name", Error("#N/A")), ("date", Error("#DIV/0!")), ("id_number", Error("#REF!"))]


@pytest.mark.parametrize("key, error", ERROR_CELLS, ids=[e.text for _k, e in ERROR_CELLS])
@pytest.mark.parametrize("spec", IMPORTERS, ids=str)
def test_error_cells_are_refused_with_their_value(spec, key, error, union, tmp_path):
    if key == "id_number" and spec.key == "proposals":
        key = "title"
    path = corpus.write_xlsx(tmp_path / "错误值.xlsx", spec.table(spec.spoiled(**{key: error})))
    field_key = spec.date_key if key == "date" else key
    check_refused_rows(spec, path, union, {VICTIM_ROW: (field_key, f"单元格是错误值“{error.text}”")})


def test_error_values_typed_into_a_csv_are_refused_too(union, tmp_path):
    spec = BY_KEY["visits"]
    path = corpus.write_csv(tmp_path / "台账.csv", spec.table(spec.spoiled(cash="#VALUE!")))
    check_refused_rows(spec, path, union, {VICTIM_ROW: ("cash", "单元格是错误值“#VALUE!”")})


# --- dates written as text --------------------------------------------------------------------------------
# Each style once through every importer; tests/test_properties.py runs them over all dates 1900–2100.
ACCEPTED_DATES = [
    ("2026-06-01", "2026-06-01"), ("2026/6/1", "2026-06-01"), ("2026.6.1", "2026-06-01"),
    (" 2026 年 6 月 1 日 ", "2026-06-01"), ("20260601", "2026-06-01"), (20260601, "2026-06-01"),
    ("２０２６－０６－０１", "2026-06-01"), ("2026-6", "2026-06-01"), ("2026年6月", "2026-06-01"),
    (46174, "2026-06-01"), (dt.datetime(2026, 6, 1), "2026-06-01"),
]


@pytest.mark.parametrize("text, iso", ACCEPTED_DATES, ids=[repr(t) for t, _iso in ACCEPTED_DATES])
@pytest.mark.parametrize("spec", IMPORTERS, ids=str)
def test_dates_in_each_accepted_style_are_stored_as_the_right_day(spec, text, iso, union, tmp_path):
    path = corpus.write_xlsx(tmp_path / "日期.xlsx", spec.table(spec.spoiled(date=text)))
    db = open_database(union)
    try:
        plan = plan_file(spec, path, db)
        assert [p.text for p in plan.problems() if p.severity == "error"] == []
        spec.module.commit_import(db, plan)
    finally:
        db.conn.close()
    assert spec.stored(union)[2] == (expected_stored(spec)[2][0], iso)


REFUSED_DATES = [("26-6-1", "“26-6-1”"), ("6/1/2026", "“6/1/2026”"), ("46174", "“46174”"), (2026, "“2026”像是年份"),
                 (12, "“12”不是日期"), ("2026年6月31日", "日期“2026年6月31日”不存在"), ("下周一", "“下周一”")]
REFUSED_DATE_CASES = [pytest.param(spec, text, words, id=f"{spec}-{text!r}") for spec in IMPORTERS
                      for text, words in REFUSED_DATES
                      if not (spec.key == "honours" and text == 2026)]  # a year alone is the 年度 there (below)


@pytest.mark.parametrize("spec, text, words", REFUSED_DATE_CASES)
def test_dates_that_cannot_be_read_surely_are_refused_with_row_field_and_text(spec, text, words, union, tmp_path):
    path = corpus.write_xlsx(tmp_path / "日期.xlsx", spec.table(spec.spoiled(date=text)))
    check_refused_rows(spec, path, union, {VICTIM_ROW: (spec.date_key, words)})


def test_the_honours_sheet_takes_a_year_alone_as_the_year(union, tmp_path):
    spec = BY_KEY["honours"]
    path = corpus.write_xlsx(tmp_path / "荣誉.xlsx", spec.table(spec.spoiled(date=2026)))
    check_imported(spec, path, union, [*GOOD[:2], ("王五", None)])
    with contextlib.closing(sqlite3.connect(union)) as conn:
        assert conn.execute("SELECT year FROM honours ORDER BY id DESC LIMIT 1").fetchone() == (2026,)


# --- ID numbers --------------------------------------------------------------------------------------------
def victim_id(spec: Importer) -> str:
    return spec.rows[2]["id_number"]


REFUSED_IDS = [
    ("float", lambda n: float(n.replace("X", "0")), "以数字格式保存"),
    ("int", lambda n: int(n.replace("X", "0")), "以数字格式保存"),
    ("scientific-text", lambda n: f"{float(n[:17]):.11E}", "科学计数法"),
    ("wrong-check", lambda n: n[:17] + "1", "校验位错误（最后一位应为 X）"),
    ("too-short", lambda n: n[:16], "应为18位，这里是16位"),
]


@pytest.mark.parametrize("kind, change, words", REFUSED_IDS, ids=[k for k, _c, _w in REFUSED_IDS])
@pytest.mark.parametrize("spec", WITH_ID, ids=str)
def test_id_numbers_that_lost_digits_or_are_wrong_are_refused_never_stored(spec, kind, change, words, union,
                                                                         tmp_path):
    path = corpus.write_xlsx(tmp_path / "身份证.xlsx", spec.table(spec.spoiled(id_number=change(victim_id(spec)))))
    result = check_refused_rows(spec, path, union, {VICTIM_ROW: ("id_number", words)})
    if kind in ("float", "int"):
        assert "请把该列设为“文本”格式后重新填写" in result.out


ACCEPTED_IDS = [
    ("lowercase-x", lambda n: n.lower()),
    ("old-15-digits", old_15),
    ("old-15-digits-as-number", lambda n: int(old_15(n))),
    ("full-width", lambda n: n.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))),
    ("spaces", lambda n: f" {n[:6]} {n[6:14]}\u3000{n[14:]}\u00a0"),
]


@pytest.mark.parametrize("kind, change", ACCEPTED_IDS, ids=[k for k, _c in ACCEPTED_IDS])
@pytest.mark.parametrize("spec", WITH_ID, ids=str)
def test_id_numbers_in_other_spellings_find_the_person(spec, kind, change, union, tmp_path):
    path = corpus.write_xlsx(tmp_path / "身份证.xlsx", spec.table(spec.spoiled(id_number=change(victim_id(spec)))))
    check_imported(spec, path, union)
    if spec.key == "members":
        with contextlib.closing(sqlite3.connect(union)) as conn:
            assert conn.execute("SELECT id_number FROM members WHERE name = '吴九'").fetchone() == (NEW_IDS[2],)


# --- names with spaces ----------------------------------------------------------------------------------------
NAMES = [" {} ", "\u00a0{}\u3000", "{0} {1}", "{0}\u3000{1}", "{0}\u00a0\u00a0{1}"]


@pytest.mark.parametrize("pattern", NAMES, ids=[repr(p) for p in NAMES])
@pytest.mark.parametrize("spec", IMPORTERS, ids=str)
def test_names_padded_with_any_kind_of_space_are_the_same_name(spec, pattern, union, tmp_path):
    name = spec.rows[2]["name"]
    spaced = pattern.format(name[0], name[1:]) if "{0}" in pattern else pattern.format(name)
    path = corpus.write_xlsx(tmp_path / "姓名.xlsx", spec.table(spec.spoiled(name=spaced)))
    check_imported(spec, path, union)


# --- duplicates -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("spec", IMPORTERS, ids=str)
def test_the_same_row_twice_in_a_file_is_written_once(spec, union, tmp_path):
    rows = [*spec.rows, spec.rows[0]]
    path = corpus.write_xlsx(tmp_path / "重复.xlsx", spec.table(rows))
    if spec.duplicate_in_file == "invalid":
        check_refused_rows(spec, path, union, {6: (_duplicate_field(spec), "第3行")}, good=expected_stored(spec))
    else:
        result = check_imported(spec, path, union)
        assert re.search(r"已有记录（不再导入）\s*1 [条行项]", result.out), result.out
        assert "第3行" in one_line(result.problems(), "第6行 ")


def _duplicate_field(spec: Importer) -> str:
    return {"members": "id_number", "hardship": "duplicate"}[spec.key]


def test_a_member_without_an_id_number_twice_in_a_roster_is_refused(union, tmp_path):
    spec = BY_KEY["members"]
    twice = {"name": "郑十", "sex": "男", "sub_unit": "一车间", "join_date": "2026-06-01"}
    path = corpus.write_xlsx(tmp_path / "重复.xlsx", spec.table([*spec.rows[:2], twice, dict(twice)]))
    check_refused_rows(spec, path, union, {6: ("name", "与第5行完全相同")},
                       good=[*expected_stored(spec, 2), ("郑十", "2026-06-01")])


@pytest.mark.parametrize("spec", IMPORTERS, ids=str)
def test_importing_the_same_file_again_writes_nothing(spec, union, tmp_path):
    path = corpus.write_xlsx(tmp_path / "导入表.xlsx", spec.table())
    check_imported(spec, path, union)
    before = snapshot(union)

    again = run_command(spec, path, union)

    assert again.code == EXIT_OK, again.out + again.err
    assert_unchanged(before, union)
