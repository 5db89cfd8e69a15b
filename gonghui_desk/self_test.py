"""``gonghui-desk --self-test``: a quick check of a real install (or a frozen one-folder build) on a temporary
database.

Each check goes through the app's own code, the same functions the GUI calls, so that a data file, module or
plugin missing from an install shows up here rather than in front of the officer: creating and upgrading the
database (migrations and the ready-made care rules), writing members and a care visit (pypinyin's
dictionaries build the search keys), reading them back and searching by pinyin initials, a built-in .xlsx
form (openpyxl), the summary report as Word (python-docx's default template, Pillow's charts) and as PDF
(reportlab and a Chinese font), and, when ``gui_check`` is given (:func:`gonghui_desk.ui.self_check.gui_check`),
the Qt side.

Every check prints one line when it finishes: ``通过  名称：细节（0.12 秒）`` or ``失败  名称：错误`` followed by
the traceback, indented. A failing check does not stop the checks that do not need it; one that needs a
failed check fails at once and says which. The output holds only characters a Chinese Windows console
(GBK) can show. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import platform
import sqlite3
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TextIO

from gonghui_desk import APP_TITLE, __version__

__all__ = ["CHECK_NAMES", "run_self_test"]

DB_NAME = "自检-gonghui.sqlite3"  # a Chinese file name, as on many officers' PCs
OLD_DB_NAME = "自检-旧版.sqlite3"
UNION_NAME = "自检工会委员会"
# (name, first 17 digits of the ID number, phone); the check character is computed by idcard.check_char
MEMBERS = (("张三", "11010119850307001", "13800138000"), ("李四", "44030419900101122", "13900139000"))
SICK_VISIT_FEN = 50_000  # 500 元 for 生病住院
HOLIDAY_VISIT_FEN = 30_000  # 300 元 for 节日慰问

CHECK_NAMES = ("运行环境", "新建数据库", "升级旧版数据库", "写入", "读取", "导出 .xlsx", "Word .docx", "PDF", "加密备份",
               "界面")


class _NotRun(Exception):
    """A check that needs another check which failed."""


@dataclass
class _State:
    workdir: Path
    today: dt.date = field(default_factory=dt.date.today)
    db_path: Path | None = None
    db: object = None  # sqlite_utils.Database of the new database
    member_ids: dict[str, int] = field(default_factory=dict)
    id_numbers: dict[str, str] = field(default_factory=dict)
    visit_ids: list[int] = field(default_factory=list)
    document: object = None  # the report's Document, built once for Word and PDF
    failed: set[str] = field(default_factory=set)

    def need(self, *names: str) -> None:
        missing = [name for name in names if name in self.failed]
        if missing:
            raise _NotRun("未能检查，因为" + "、".join(f"“{name}”" for name in missing) + "未通过")

    def close(self) -> None:
        if self.db is not None:
            try:
                self.db.conn.close()
            except sqlite3.Error:
                pass
            self.db = None


# --- the checks ------------------------------------------------------------------------------------------------
def _environment(state: _State) -> str:
    from gonghui_desk.paths import default_data_dir

    frozen = getattr(sys, "frozen", False)
    how = f"已打包运行（{'PyInstaller' if hasattr(sys, '_MEIPASS') else frozen}）" if frozen else "源码安装运行（未打包）"
    return (f"{APP_TITLE} {__version__}；Python {platform.python_version()}（{platform.architecture()[0]}）；"
            f"{platform.platform()}；{how}；程序 {sys.executable}；数据文件夹 {default_data_dir()}")


def _new_database(state: _State) -> str:
    from gonghui_desk.db import open_database
    from gonghui_desk.db.connection import APPLICATION_ID
    from gonghui_desk.db.migrations import LATEST_VERSION

    state.db_path = state.workdir / DB_NAME
    state.db = db = open_database(state.db_path)
    version = db.execute("PRAGMA user_version").fetchone()[0]
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    journal = db.execute("PRAGMA journal_mode").fetchone()[0]
    tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    occasions = db.execute("SELECT count(*) FROM care_occasions").fetchone()[0]
    if version != LATEST_VERSION:
        raise AssertionError(f"结构版本是 {version}，应为 {LATEST_VERSION}")
    if app_id != APPLICATION_ID:
        raise AssertionError(f"application_id 是 {app_id:#x}，应为 {APPLICATION_ID:#x}")
    if integrity != "ok":
        raise AssertionError(f"integrity_check：{integrity}")
    if journal.lower() != "wal":
        raise AssertionError(f"日志模式是 {journal}，应为 WAL")
    if not occasions:
        raise AssertionError("新数据库中没有慰问类别（默认慰问标准没有装入）")
    return (f"{state.db_path.name}：结构版本 {version}，{tables} 个表，application_id {app_id:#x}，"
            f"integrity_check ok，WAL 日志模式，默认慰问类别 {occasions} 个；SQLite {sqlite3.sqlite_version}")


def _upgrade(state: _State) -> str:
    from gonghui_desk.db import open_database
    from gonghui_desk.db.migrations import LATEST_VERSION, MIGRATIONS

    path = state.workdir / OLD_DB_NAME
    old = open_database(path, migrations=MIGRATIONS[:1])
    try:
        with old.conn:  # plain SQL valid at version 1
            old.conn.execute("INSERT INTO union_profile(id, name, kind) VALUES (1, '旧版工会', '学校')")
            old.conn.execute("INSERT INTO members(name, id_number, phone) VALUES ('王五', NULL, '010-12345678')")
        version = old.execute("PRAGMA user_version").fetchone()[0]
    finally:
        old.conn.close()
    if version != 1:
        raise AssertionError(f"旧版数据库的结构版本是 {version}，应为 1")
    db = open_database(path)
    try:
        upgraded = db.execute("PRAGMA user_version").fetchone()[0]
        member = db.execute("SELECT name, phone FROM members").fetchall()
        union = db.execute("SELECT name FROM union_profile WHERE id = 1").fetchone()
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.conn.close()
    if upgraded != LATEST_VERSION:
        raise AssertionError(f"升级后结构版本是 {upgraded}，应为 {LATEST_VERSION}")
    if member != [("王五", "010-12345678")] or union != ("旧版工会",):
        raise AssertionError(f"升级后旧数据不对：会员 {member}，工会 {union}")
    if integrity != "ok":
        raise AssertionError(f"升级后 integrity_check：{integrity}")
    backups = sorted(path.parent.glob(f"{path.stem}.v1-backup-*{path.suffix}"))
    if not backups:
        raise AssertionError(f"升级前没有在旁边留下备份（{path.stem}.v1-backup-*{path.suffix}）")
    backup = sqlite3.connect(backups[-1].resolve().as_uri() + "?mode=ro", uri=True)
    try:
        backup_version = backup.execute("PRAGMA user_version").fetchone()[0]
    finally:
        backup.close()
    if backup_version != 1:
        raise AssertionError(f"备份的结构版本是 {backup_version}，应为 1")
    return (f"结构版本 1 → {upgraded}，旧数据仍在（会员“王五”），升级前的备份 {backups[-1].name}（结构版本 1）")


def _write(state: _State) -> str:
    from gonghui_desk.care.occasions import find_occasion
    from gonghui_desk.care.visits import VisitInput, VisitStore
    from gonghui_desk.db import transaction
    from gonghui_desk.idcard import check_char, parse_id_number
    from gonghui_desk.members import MemberStore
    from gonghui_desk.money import yuan_text
    from gonghui_desk.union import UnionProfile, add_sub_unit, save_profile

    state.need("新建数据库")
    db = state.db
    for name, first17, _phone in MEMBERS:
        state.id_numbers[name] = parse_id_number(first17 + check_char(first17), today=state.today).number
    before = db.execute("SELECT count(*) FROM change_log").fetchone()[0]
    store, visits = MemberStore(db), VisitStore(db, today=state.today)
    with transaction(db):  # everything below in one transaction, as an import does
        save_profile(db, UnionProfile(name=UNION_NAME, kind="企业", upstream_union="自检上级工会", chair="王主席"))
        unit = add_sub_unit(db, "办公室")
        for (name, _first17, phone), join in zip(MEMBERS, ("2015-03-01", state.today.isoformat())):
            state.member_ids[name] = store.create(
                {"name": name, "id_number": state.id_numbers[name], "phone": phone, "sub_unit_id": unit,
                 "join_date": join, "political_status": "群众"}, today=state.today)
        sick, holiday = find_occasion(db, "生病住院"), find_occasion(db, "节日慰问")
        if sick is None or holiday is None:
            raise AssertionError("默认慰问类别中没有“生病住院”或“节日慰问”")
        state.visit_ids.append(visits.save(VisitInput(
            state.member_ids["张三"], sick.id, visit_date=state.today, event_date=state.today, visitors="王主席",
            cash_fen=SICK_VISIT_FEN, illness="阑尾炎", fund_source="本级工会经费")))
        state.visit_ids.append(visits.save(VisitInput(
            state.member_ids["李四"], holiday.id, visit_date=state.today, visitors="王主席",
            cash_fen=HOLIDAY_VISIT_FEN, fund_source="本级工会经费")))
    logged = db.execute("SELECT count(*) FROM change_log").fetchone()[0] - before
    member_rows = db.execute("SELECT count(*) FROM change_log WHERE table_name = 'members' AND action = 'insert'"
                             ).fetchone()[0]
    if member_rows != len(MEMBERS):
        raise AssertionError(f"变更日志中有 {member_rows} 条新增会员记录，应为 {len(MEMBERS)}")
    total = SICK_VISIT_FEN + HOLIDAY_VISIT_FEN
    return (f"工会信息，会员 {len(MEMBERS)} 名（{'、'.join(state.member_ids)}），慰问 {len(state.visit_ids)} 条"
            f"（{yuan_text(total)} 元 = {total} 分），一个事务；变更日志 {logged} 条")


def _read(state: _State) -> str:
    from gonghui_desk.care.visits import VisitStore
    from gonghui_desk.db.member_queries import MemberFilter, member_ids
    from gonghui_desk.members import MemberStore

    state.need("写入")
    db = state.db
    store = MemberStore(db)
    for name, _first17, phone in MEMBERS:
        row = store.get(state.member_ids[name])
        expected = {"name": name, "id_number": state.id_numbers[name], "phone": phone}
        got = {key: row[key] for key in expected}
        if got != expected or not all(isinstance(v, str) for v in got.values()):
            raise AssertionError(f"读回的会员 {got!r}，应为 {expected!r}")
    zhang = store.get(state.member_ids["张三"])
    if (zhang["sex"], zhang["birth_date"]) != ("男", "1985-03-07"):
        raise AssertionError(f"由身份证号得出的性别和出生日期不对：{zhang['sex']}，{zhang['birth_date']}")
    visits = VisitStore(db, today=state.today)
    money = [visits.get(visit_id)["cash_fen"] for visit_id in state.visit_ids]
    if money != [SICK_VISIT_FEN, HOLIDAY_VISIT_FEN] or not all(type(v) is int for v in money):
        raise AssertionError(f"读回的慰问金 {money!r}（分），应为 {[SICK_VISIT_FEN, HOLIDAY_VISIT_FEN]!r}")
    found = {term: member_ids(db, MemberFilter(search=term), today=state.today)
             for term in ("zs", "zhangsan", "ls", "张")}
    if found["zs"] != [state.member_ids["张三"]] or found["zhangsan"] != [state.member_ids["张三"]]:
        raise AssertionError(f"拼音搜索“zs”“zhangsan”没有只找到张三：{found} （pypinyin 的词库缺失？）")
    if found["ls"] != [state.member_ids["李四"]] or found["张"] != [state.member_ids["张三"]]:
        raise AssertionError(f"搜索“ls”“张”的结果不对：{found}")
    return ("姓名、身份证号、手机号按文本读回，性别和出生日期由身份证号得出，慰问金按分读回；"
            "拼音首字母“zs”和全拼“zhangsan”找到张三，“ls”找到李四（pypinyin 词库可用）")


def _xlsx(state: _State) -> str:
    import openpyxl

    from gonghui_desk.exporting.builtin_forms import find_form

    state.need("新建数据库")
    form = find_form("roster")
    path = state.workdir / form.default_file_name(today=state.today)
    form.write(state.db, path, prepared_by="自检", today=state.today, full_numbers=True)  # the digits, kept as text
    state.need("写入")
    book = openpyxl.load_workbook(path)
    try:
        cells = {cell.value: cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
                 if cell.value is not None}
        title = book.active.title
    finally:
        book.close()
    name_cell = cells.get("张三")
    if name_cell is None:
        raise AssertionError(f"{path.name} 中找不到会员“张三”")
    number = state.id_numbers["张三"]
    id_cell = cells.get(number)
    if id_cell is None:
        raise AssertionError(f"{path.name} 中找不到身份证号 {number}（存成了数字？）")
    if id_cell.data_type != "s":
        raise AssertionError(f"身份证号单元格 {id_cell.coordinate} 不是文本（类型 {id_cell.data_type}）")
    phone_cell = cells.get(MEMBERS[0][2])
    if phone_cell is None or phone_cell.data_type != "s":
        raise AssertionError(f"{path.name} 中的手机号不是文本单元格")
    return (f"{form.title}（{path.name}，工作表“{title}”）：“张三”在 {name_cell.coordinate}，"
            f"身份证号 {id_cell.coordinate} 和手机号 {phone_cell.coordinate} 为文本单元格")


def _document(state: _State):
    """The annual report of the current year (with its appendix and charts), built once."""
    from gonghui_desk.reports.builder import build_report
    from gonghui_desk.reports.model import ReportOptions, ReportRequest
    from gonghui_desk.reports.periods import year_period

    if state.document is None:
        request = ReportRequest("annual", year_period(state.today.year),
                                options=ReportOptions(appendix=True, charts=True))
        state.document = build_report(state.db, request, today=state.today)
    return state.document


def _report_sentence(doc) -> str:
    """The report's first sentence stating facts (not a 【请填写：…】 prompt)."""
    from gonghui_desk.documents import Paragraph

    for block in doc.blocks:
        if isinstance(block, Paragraph) and block.text and not block.text.startswith("【"):
            return block.text
    raise AssertionError("总结中没有正文段落")


def _docx(state: _State) -> str:
    import docx

    from gonghui_desk.documents import write_docx
    from gonghui_desk.documents.charts import chart_font
    from gonghui_desk.documents.wording import full_width_punctuation
    from gonghui_desk.money import yuan_text

    state.need("新建数据库")
    doc = _document(state)
    path = state.workdir / "自检工作总结.docx"
    write_docx(doc, path)
    state.need("写入")
    written = docx.Document(str(path))
    texts = [p.text for p in written.paragraphs]
    if doc.title not in texts:
        raise AssertionError(f"Word 文件中没有标题“{doc.title}”")
    sentence = full_width_punctuation(_report_sentence(doc))
    if sentence not in texts:
        raise AssertionError(f"Word 文件中没有正文“{sentence[:30]}…”")
    money = f"{yuan_text(SICK_VISIT_FEN + HOLIDAY_VISIT_FEN)}元"
    if money not in "".join(texts):
        raise AssertionError(f"Word 文件中没有写入的慰问金“{money}”")
    pictures = len(written.inline_shapes)
    if chart_font() is None:
        charts = "本机没有可画图的中文字体，未附柱状图"
    elif not pictures:
        raise AssertionError("找到了中文字体，但 Word 文件中没有柱状图")
    else:
        charts = f"附柱状图 {pictures} 幅（Pillow）"
    return (f"{path.name}，{path.stat().st_size // 1024} KB：标题“{doc.title}”，正文“{sentence[:24]}…”，"
            f"含“{money}”；{charts}")


def _pdf(state: _State) -> str:
    import re

    from gonghui_desk.documents.pdf_writer import CID_FONT, find_pdf_fonts, write_pdf

    state.need("新建数据库")
    doc = _document(state)
    fonts = find_pdf_fonts()
    path = state.workdir / "自检工作总结.pdf"
    write_pdf(doc, path, fonts=fonts)
    data = path.read_bytes()
    if not data.startswith(b"%PDF"):
        raise AssertionError(f"{path.name} 不是 PDF 文件（开头是 {data[:8]!r}）")
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    if fonts.embedded:
        if b"/FontFile2" not in data:
            raise AssertionError("找到了 TrueType 中文字体，但 PDF 中没有嵌入字体")
        labels = list(dict.fromkeys(font.label for font in fonts.roles.values()))
        used = "已嵌入中文 TrueType 字体 " + "、".join(labels)
    else:
        if CID_FONT.encode() not in data:
            raise AssertionError(f"PDF 中没有字体 {CID_FONT}")
        used = (f"本机未找到可嵌入的中文 TrueType 字体，使用 reportlab 内置的 {CID_FONT}（未嵌入，"
                "在没有中文字体的电脑上可能显示不正常）")
    return f"{path.name}，{pages} 页，{len(data) // 1024} KB；{used}"


def _encrypted_backup(state: _State) -> str:
    """An encrypted manual backup (the cryptography package) opens with its password and not with another."""
    from gonghui_desk.backup import backup_now, inspect_backup

    state.need("新建数据库")
    path = backup_now(state.db_path, state.workdir / "自检备份.ghbak", password="自检密码-2026")
    if path.read_bytes()[:16].startswith(b"SQLite format 3"):
        raise AssertionError(f"{path.name} 没有加密")
    info = inspect_backup(path, password="自检密码-2026")
    if not info.ok:
        raise AssertionError("用正确的密码检查失败：" + "；".join(info.problems))
    wrong = inspect_backup(path, password="别的密码")
    if wrong.ok or not wrong.wrong_password:
        raise AssertionError("用错误的密码也能打开加密备份")
    members = info.counts.get("全部会员", info.counts.get("在册会员"))
    return (f"{path.name}，{path.stat().st_size // 1024} KB，AES-256-GCM；用密码检查通过（完整性 ok，会员 {members} 名），"
            "错误的密码被拒绝")


CORE_CHECKS: tuple[tuple[str, Callable[[_State], str]], ...] = (
    ("运行环境", _environment),
    ("新建数据库", _new_database),
    ("升级旧版数据库", _upgrade),
    ("写入", _write),
    ("读取", _read),
    ("导出 .xlsx", _xlsx),
    ("Word .docx", _docx),
    ("PDF", _pdf),
    ("加密备份", _encrypted_backup),
)


# --- running ---------------------------------------------------------------------------------------------------
def _print(out: TextIO, text: str) -> None:
    print(text, file=out)
    try:
        out.flush()
    except (OSError, ValueError):
        pass


def _run_check(out: TextIO, state: _State, name: str, check: Callable[[_State], str]) -> bool:
    started = time.perf_counter()
    try:
        detail = check(state)
    except _NotRun as exc:
        _print(out, f"失败  {name}：{exc}")
    except Exception as exc:  # noqa: BLE001 - every failure is reported, and the next check runs
        message = str(exc) or type(exc).__name__
        if not isinstance(exc, AssertionError):
            message = f"{type(exc).__name__}: {message}"
        _print(out, f"失败  {name}：{message}")
        for line in "".join(traceback.format_exception(exc)).rstrip().splitlines():
            _print(out, "      " + line)
    else:
        _print(out, f"通过  {name}：{detail}（{time.perf_counter() - started:.2f} 秒）")
        return True
    state.failed.add(name)
    return False


def run_self_test(out: TextIO, *, workdir: Path | None = None,
                  gui_check: Callable[[Path], list[str]] | None = None) -> int:
    """Run the checks, printing one line each to ``out``; 0 when all of them passed, else 1.

    They work in ``workdir`` or else in a new temporary folder, removed afterwards. ``gui_check(db_path)``
    (the Qt side, :func:`gonghui_desk.ui.self_check.gui_check`) adds the check 界面: its lines are the detail,
    an exception is a failure.
    """
    started = time.perf_counter()
    temporary = None
    if workdir is None:
        temporary = tempfile.TemporaryDirectory(prefix="gonghui-self-test-", ignore_cleanup_errors=True)
        workdir = Path(temporary.name)
    state = _State(Path(workdir))
    _print(out, f"{APP_TITLE} {__version__} 自检，临时文件夹：{state.workdir}")
    try:
        checks = list(CORE_CHECKS)
        if gui_check is not None:
            def gui(state: _State) -> str:
                state.close()  # the window opens the file itself
                return "；".join(gui_check(state.db_path or state.workdir / DB_NAME))

            checks.append(("界面", gui))
        passed = sum(_run_check(out, state, name, check) for name, check in checks)
    finally:
        state.close()
        if temporary is not None:
            temporary.cleanup()
    failed = len(checks) - passed
    elapsed = f"（用时 {time.perf_counter() - started:.1f} 秒）"
    if failed:
        _print(out, f"自检失败：{failed} 项未通过{elapsed}")
        return 1
    _print(out, f"自检完成：{passed} 项全部通过{elapsed}")
    return 0
