"""Exporting the whole member roster (会员花名册, the GUI's 导出 and ``members export``) against its floor.

    python bench/bench_export.py DB [--workdir DIR] [--repeat 2]

The floor is openpyxl's write-only mode with nothing of ours: one sheet, a header row and the same rows
appended as plain values (the values the export's cells hold: 序号, texts, masked ID and phone numbers,
dates as dates), then saved. The rows are worked out before the clock starts; the export is timed from
its call (query, masking, styles, the frame and the footer lines, saving) to the finished file.
``floor_values="text"`` times the floor on the members' stored texts instead (dates as ISO text, no
序号 and no departments: fewer and cheaper cells, so a stricter floor).

Runs alternate (export, floor, export, floor…) and the best of each is kept, as the machine may be busy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def roster_floor_rows(db, *, floor_values: str = "typed") -> tuple[list[str], list[list]]:
    """(header, rows) of the floor: the roster's values as plain Python values, one list per member."""
    from gonghui_desk.db.member_queries import MemberFilter, iter_members
    from gonghui_desk.dates import parse_date
    from gonghui_desk.exporting.member_roster import ROSTER_SHEET_COLUMNS, roster_records
    from gonghui_desk.members import ROSTER_COLUMNS

    if floor_values == "text":
        keys = [key for key, _label in ROSTER_COLUMNS]
        return ([label for _key, label in ROSTER_COLUMNS],
                [[member.get(key) for key in keys] for member in iter_members(db, MemberFilter())])
    columns = ROSTER_SHEET_COLUMNS
    rows = []
    for record in roster_records(db, MemberFilter()):
        row = []
        for column in columns:
            value = record.get(column.key)
            if value in (None, ""):
                value = None
            elif column.kind == "date":
                value = parse_date(value, allow_serial=False)
            elif column.kind == "int":
                value = int(value)
            row.append(value)
        rows.append(row)
    return [column.label for column in columns], rows


def bench_export(db_path: str | Path, workdir: str | Path, *, repeat: int = 2,
                 floor_values: str = "typed") -> tuple[float, float]:
    """(export seconds, floor seconds), each the best of ``repeat`` runs, for every member of ``db_path``."""
    import openpyxl

    from gonghui_desk import modules
    from gonghui_desk.db import open_database
    from gonghui_desk.db.member_queries import MemberFilter
    from gonghui_desk.exporting.member_roster import export_roster

    modules.load()
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    db = open_database(db_path)
    try:
        header, rows = roster_floor_rows(db, floor_values=floor_values)

        def export():
            export_roster(db, workdir / "export.xlsx", MemberFilter())

        def floor():
            wb = openpyxl.Workbook(write_only=True)
            ws = wb.create_sheet()
            ws.append(header)
            for row in rows:
                ws.append(row)
            wb.save(workdir / "floor.xlsx")

        export_times, floor_times = [], []
        for _ in range(repeat):
            for fn, times in ((export, export_times), (floor, floor_times)):
                start = time.perf_counter()
                fn()
                times.append(time.perf_counter() - start)
        return min(export_times), min(floor_times)
    finally:
        db.conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp") / f"bench-export-{dt.date.today()}")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--floor-values", choices=("typed", "text"), default="typed")
    args = parser.parse_args()
    seconds, floor = bench_export(args.db, args.workdir, repeat=args.repeat, floor_values=args.floor_values)
    print(f"export {seconds:.2f} s   floor {floor:.2f} s   ratio {seconds / floor:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
