"""Filling an upstream union's form with 10,000 members against the built-in export of the same members.

    python bench/bench_fill.py DB [--workdir DIR] [--rows 10000] [--repeat 2]

The form (:func:`make_form`) is laid out as upstream unions send theirs: a title merged across, a unit/date
line, a two-level merged header (序号, 姓名, 性别, 身份证号, 出生年月, 联系方式 over 手机号码 and 办公电话, 部门,
入会时间), one sample row with borders, fonts and its own date formats, a 性别 drop-down, and the
制表人/审核人 and 注 lines below; A4 landscape with the header repeated on every page.

The members are the first ``rows`` members of ``DB`` in the roster's order, copied once (with the union and
its departments) into ``WORKDIR/fill-<rows>-<DB name>.sqlite3``; the fill uses the roster source with every status, so
both it and the floor — the built-in roster export (:func:`~gonghui_desk.exporting.member_roster.export_roster`)
of that database — write the same members, masked. The fill is timed from opening the form (finding its
header, proposing the mapping) to the saved copy. Runs alternate and the best of each is kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FORM_HEADERS = ("序号", "姓名", "性别", "身份证号", "出生年月", "联系方式", None, "部门", "入会时间")


def make_form(path: str | Path) -> Path:
    """Write the bench's upstream form (see the module text) to ``path``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    thin = Side(style="thin", color="000000")
    grid = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "会员信息"
    last = len(FORM_HEADERS)
    ws["A1"] = "2026年度工会会员信息登记表"
    ws["A1"].font = Font(name="黑体", size=18, bold=True)
    ws["A1"].alignment = center
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    ws.row_dimensions[1].height = 32
    ws["A2"] = "填报单位（盖章）："
    ws["G2"] = "填报日期：    年  月  日"
    for col, head in enumerate(FORM_HEADERS, 1):
        for row in (3, 4):
            cell = ws.cell(row, col)
            cell.font = Font(name="宋体", size=11, bold=True)
            cell.border, cell.alignment = grid, center
            cell.fill = PatternFill("solid", fgColor="D9D9D9")
        ws.cell(3, col).value = head
    ws["F4"], ws["G4"] = "手机号码", "办公电话"
    ws.merge_cells("F3:G3")
    for col, head in enumerate(FORM_HEADERS, 1):
        if head and col != 6:
            ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    sample = [1, "张三", "男", "110101199001011234", dt.datetime(1990, 1, 1), "13800000000", "010-12345678",
              "办公室", dt.datetime(2015, 3, 1)]
    for col, value in enumerate(sample, 1):
        cell = ws.cell(5, col, value)
        cell.font = Font(name="仿宋", size=10)
        cell.border = grid
        cell.alignment = Alignment(horizontal="center" if col in (1, 3) else None, vertical="center")
    ws["E5"].number_format = "yyyy.mm"
    ws["I5"].number_format = 'yyyy"年"m"月"d"日"'
    ws["D5"].number_format = ws["F5"].number_format = "@"
    ws.row_dimensions[5].height = 20
    sex = DataValidation(type="list", formula1='"男,女"', allow_blank=True)
    sex.add("C5:C5")
    ws.add_data_validation(sex)
    ws["A7"] = "制表人：            审核人：            联系电话："
    ws.merge_cells(start_row=7, start_column=1, end_row=7, end_column=last)
    ws["A8"] = "注：身份证号码、手机号码请填写完整；出生年月、入会时间按“1990.01”格式填写。"
    ws.merge_cells(start_row=8, start_column=1, end_row=8, end_column=last)
    for letter, width in zip("ABCDEFGHI", (6, 10, 6, 22, 10, 14, 14, 16, 14)):
        ws.column_dimensions[letter].width = width
    ws.print_title_rows = "3:4"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_area = "A1:I8"
    path = Path(path)
    wb.save(path)
    return path


def member_subset(db_path: str | Path, target: str | Path, rows: int) -> Path:
    """A database at ``target`` (made once) holding the first ``rows`` live members of ``db_path`` in the roster's
    order, with the union's profile and departments; ``db_path`` is only read."""
    from gonghui_desk.db import open_database

    target = Path(target)
    if target.exists():
        return target
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    db = open_database(partial)
    db.conn.close()
    conn = sqlite3.connect(partial)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("ATTACH DATABASE ? AS big", (f"file:{Path(db_path).resolve()}?mode=ro",))
    with conn:
        for table, extra in (("union_profile", ""), ("sub_units", " ORDER BY id"),
                             ("members", f" WHERE voided_at IS NULL ORDER BY name_sort, id LIMIT {int(rows)}")):
            names = [r[1] for r in conn.execute(f"PRAGMA main.table_info({table})")]
            theirs = {r[1] for r in conn.execute(f"PRAGMA big.table_info({table})")}
            columns = ", ".join(f'"{n}"' for n in names if n in theirs)
            conn.execute(f"INSERT OR REPLACE INTO main.{table} ({columns}) SELECT {columns} FROM big.{table}{extra}")
    conn.execute("DETACH DATABASE big")
    conn.close()
    partial.rename(target)
    return target


def bench_fill(db_path: str | Path, workdir: str | Path, rows: int = 10_000, *,
               repeat: int = 2) -> tuple[float, float]:
    """(fill seconds, export seconds): the bench form filled with ``rows`` members of ``db_path`` (masked), and the
    built-in roster export of the same members; each the best of ``repeat`` runs."""
    from gonghui_desk import modules
    from gonghui_desk.db import open_database
    from gonghui_desk.db.member_queries import MemberFilter, count_members
    from gonghui_desk.exporting.member_roster import export_roster
    from gonghui_desk.form_fill import fill_form, inspect_form, propose_mapping

    modules.load()
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    form = make_form(workdir / "会员信息登记表.xlsx")
    db = open_database(member_subset(db_path, workdir / f"fill-{rows}-{Path(db_path).stem}.sqlite3", rows))
    try:
        members = count_members(db, MemberFilter())

        def fill():
            layout = inspect_form(form)
            mapping = propose_mapping(layout, "roster")
            result = fill_form(db, layout, mapping, "roster", {"status": "全部"}, workdir / "filled.xlsx")
            assert result.rows_written == members, (result.rows_written, members)

        def export():
            assert export_roster(db, workdir / "export.xlsx", MemberFilter()) == members

        fill_times, export_times = [], []
        for _ in range(repeat):
            for fn, times in ((fill, fill_times), (export, export_times)):
                start = time.perf_counter()
                fn()
                times.append(time.perf_counter() - start)
        return min(fill_times), min(export_times)
    finally:
        db.conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp") / f"bench-fill-{dt.date.today()}")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    seconds, floor = bench_fill(args.db, args.workdir, args.rows, repeat=args.repeat)
    print(f"fill {seconds:.2f} s   export of the same rows {floor:.2f} s   ratio {seconds / floor:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
