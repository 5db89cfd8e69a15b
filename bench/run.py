"""Benchmarks of the member register, each as a ratio against a floor measured in the same run.

    python bench/run.py [--members 100000] [--import-rows 10000] [--workdir DIR]

Creates a database of N members once, then measures:
  start-up        start to a shown main window   floor: a bare QApplication showing an empty window
  search          one keystroke in the member list (absolute target: under 50 ms)
  import          importing a 10,000-row roster   floor: openpyxl read-only iteration of the same file
  export          exporting all N members          floor: openpyxl write-only of the same rows
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _startup_seconds(script: str, *args: str, repeat: int = 3) -> float:
    results = []
    for _ in range(repeat):
        start = time.time()
        out = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], capture_output=True,
                             text=True, check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        shown = float(next(line.split()[1] for line in out.stdout.splitlines() if line.startswith("SHOWN")))
        results.append(shown - start)
    return statistics.median(results)


def bench_startup(db_path: Path) -> tuple[float, float]:
    return _startup_seconds("_main_window.py", str(db_path)), _startup_seconds("_bare_window.py")


def bench_search(db_path: Path) -> tuple[float, float]:
    """One keystroke: the view's search text changes and the model is re-queried and repainted."""
    from PySide6.QtWidgets import QApplication

    from gonghui_desk.db.member_queries import MemberFilter, count_members
    from gonghui_desk.ui.app_context import AppContext
    from gonghui_desk.ui.members_view import MembersView

    app = QApplication.instance() or QApplication([])
    context = AppContext(db_path)
    view = MembersView(context)
    view.resize(1200, 700)
    view.show()
    app.processEvents()
    keystrokes = ["z", "zh", "zha", "zhan", "zhang", ""]

    def type_all():
        for text in keystrokes:
            view.set_search_text(text)
            view.repaint()
            app.processEvents()

    per_key = _best(type_all) / len(keystrokes)
    floor = _best(lambda: [count_members(context.db, MemberFilter(search=t)) for t in keystrokes]) / len(keystrokes)
    view.close()
    context.close()
    return per_key, floor


def bench_import(workdir: Path, rows: int) -> tuple[float, float]:
    import openpyxl

    from gonghui_desk.db import open_database
    from gonghui_desk.demo import generate_demo
    from gonghui_desk.db.member_queries import MemberFilter
    from gonghui_desk.exporting.member_roster import export_roster
    from gonghui_desk.importing.member_import import commit_import, open_source, plan_import

    roster = workdir / f"roster-{rows}.xlsx"
    if not roster.exists():
        source_db = open_database(workdir / f"roster-{rows}.sqlite3")
        generate_demo(source_db, kind="company", members=rows, seed=11)
        export_roster(source_db, roster, MemberFilter())
        source_db.conn.close()

    def do_import():
        target = workdir / f"import-{time.monotonic_ns()}.sqlite3"
        db = open_database(target)
        plan = plan_import(db, open_source(roster))
        commit_import(db, plan, skip_invalid=True)
        db.conn.close()

    def floor():
        wb = openpyxl.load_workbook(roster, read_only=True, data_only=True)
        for _ in wb.worksheets[0].iter_rows(values_only=True):
            pass
        wb.close()

    return _best(do_import, 1), _best(floor, 1)


def bench_export(db_path: Path, workdir: Path) -> tuple[float, float]:
    import openpyxl

    from gonghui_desk.db import open_database
    from gonghui_desk.db.member_queries import MemberFilter, iter_members
    from gonghui_desk.exporting.member_roster import export_roster
    from gonghui_desk.members import ROSTER_COLUMNS

    db = open_database(db_path)
    rows = [[m.get(k) for k, _ in ROSTER_COLUMNS] for m in iter_members(db, MemberFilter())]

    def export():
        export_roster(db, workdir / "export.xlsx", MemberFilter())

    def floor():
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append([label for _, label in ROSTER_COLUMNS])
        for row in rows:
            ws.append(row)
        wb.save(workdir / "floor.xlsx")

    result = _best(export, 1), _best(floor, 1)
    db.conn.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="gonghui-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / f"bench-{args.members}.sqlite3"
    from gonghui_desk import modules

    modules.load()
    if not db_path.exists():
        from gonghui_desk.db import open_database
        from gonghui_desk.demo import generate_demo

        start = time.perf_counter()
        db = open_database(db_path)
        generate_demo(db, kind="company", members=args.members, seed=7)
        db.execute("PRAGMA optimize")
        db.conn.close()
        print(f"created {db_path} with {args.members} members in {time.perf_counter() - start:.1f} s")

    results = [
        ("start-up to shown main window", *bench_startup(db_path), "bare QApplication + empty window"),
        ("search keystroke in member list", *bench_search(db_path), "SQL count of the same search"),
        (f"import {args.import_rows}-row roster", *bench_import(workdir, args.import_rows),
         "openpyxl read-only iteration"),
        (f"export {args.members} members", *bench_export(db_path, workdir), "openpyxl write-only, same rows"),
    ]
    print(f"\n{'operation':36} {'time':>10} {'floor':>10} {'ratio':>7}  floor is")
    for name, seconds, floor, floor_name in results:
        print(f"{name:36} {seconds * 1000:>8.1f}ms {floor * 1000:>8.1f}ms {seconds / floor:>6.2f}x  {floor_name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
