"""Every benchmark of the app in one command, each against a floor measured in the same run.

    python bench/run.py [--only NAME[,NAME]] [--members 100000] [--rows 1000000] [--import-rows 10000]
                        [--fill-rows 10000] [--year 2025] [--workdir DIR] [--quick] [--statements]

Creates the large database once (bench/dataset.py: N members and a million visits, aid payments, event
participations and proposals; kept in the work folder and reused), copies it for the run, and measures in
this order (NAME for --only):

  startup   start to a usable main window            floor: a bare PySide6 window (separate processes, median);
            also a window of the same widgets without the app's code, and the work after the first paint
  memory    the app's memory after the 会员 list is scrolled to the end   floor: the bare window's memory
  lists     member list keystroke, filter, sort, scroll; the other lists (bench_lists.py)
  import    importing a roster of --import-rows rows  floor: openpyxl read-only iteration of the same file
  export    exporting every member                   floor: openpyxl write-only of the same rows (bench_export.py)
  report    the annual report's figures; figures + document + .docx   floor: their bare SQL (+ bare python-docx)
  fill      filling an upstream form with --fill-rows rows   floor: the built-in export of the rows (bench_fill.py)
  cancel    each long job cancelled after ~30% progress: how long the cancel takes, and that nothing is left

and prints one table (operation, time, floor, ratio, target, ok/MISS), also written as Markdown to
WORKDIR/results.md. See bench/README.md. Nothing here runs in the test suite except tests/test_bench.py's
smoke run of ``--quick``, which checks the table, never the timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import inspect
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

OPERATIONS = ("startup", "memory", "lists", "import", "export", "report", "fill", "cancel")
QUICK = {"members": 300, "rows": 3000, "import_rows": 100, "fill_rows": 100}
LIST_TARGET = 0.050  # seconds: a keystroke, filter change, sort or scroll of a list
MEMORY_TARGET = 400  # MB
REPORT_TARGET = 3.0  # seconds: figures + document + .docx
CANCEL_TARGET = 1.0  # seconds from the cancel request to the job's end
CANCEL_AT = 0.3  # the share of the progress at which the cancel is requested


# --- one row of the table -----------------------------------------------------------------------------------
@dataclass
class Row:
    """One measured operation. ``value`` and ``floor`` are seconds (``unit`` "s") or megabytes ("MB").
    The target is a most ratio to the floor, a most absolute value, or both; ``ok`` overrides the verdict
    (cancel rows: also nothing left behind); ``note`` says why when it fails, or what was measured."""

    name: str
    value: float | None
    floor: float | None = None
    floor_name: str = ""
    max_ratio: float | None = None
    max_value: float | None = None
    unit: str = "s"
    ok: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.floor:
            return None
        return self.value / self.floor

    @property
    def target(self) -> str:
        parts = []
        if self.max_ratio is not None:
            parts.append(f"≤ {self.max_ratio:g}×")
        if self.max_value is not None:
            parts.append(f"< {_amount(self.max_value, self.unit)}")
        return ", ".join(parts) or "—"

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "—"
        passed = self.ok if self.ok is not None else True
        if self.max_ratio is not None and self.ratio is not None and self.ratio > self.max_ratio:
            passed = False
        if self.max_value is not None and self.value >= self.max_value:
            passed = False
        if self.ok is None and self.max_ratio is None and self.max_value is None:
            return "—"
        return "ok" if passed else "MISS"

    def cells(self) -> list[str]:
        ratio = self.ratio
        return [self.name, _amount(self.value, self.unit), _amount(self.floor, self.unit),
                "—" if ratio is None else f"{ratio:.2f}×", self.target, self.verdict,
                "; ".join(t for t in (self.floor_name, self.note) if t)]


HEADER = ["operation", "time", "floor", "ratio", "target", "result", "floor is / notes"]


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value:.0f} MB"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def format_table(rows: list[Row]) -> str:
    cells = [HEADER] + [r.cells() for r in rows]
    widths = [max(_width(c[i]) for c in cells) for i in range(len(HEADER) - 1)]
    lines = []
    for line in cells:
        padded = [line[i] + " " * (widths[i] - _width(line[i])) for i in range(len(widths))]
        lines.append("  ".join(padded[:1] + [p.rjust(len(p)) for p in padded[1:]] + [line[-1]]).rstrip())
    return "\n".join(lines)


def format_markdown(rows: list[Row]) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(esc(c) for c in r.cells()) + " |" for r in rows]
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if ord(ch) >= 0x1100 and not 0x2000 <= ord(ch) <= 0x2BFF else 1 for ch in text)


# --- timing helpers -----------------------------------------------------------------------------------------
def best(fn: Callable[[], object], repeat: int = 3, budget: float = 5.0) -> float:
    """The best of up to ``repeat`` runs; no more runs once ``budget`` seconds have been spent."""
    times: list[float] = []
    spent = 0.0
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        spent += times[-1]
        if spent > budget:
            break
    return min(times)


def _optional(name: str):
    """The bench module ``name`` when it exists (another helper writes it), else None."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


def _child_env(pycache: Path | None = None) -> dict:
    """The child's environment; with ``pycache``, Python compiles the modules once into that folder and reads the
    .pyc files from then on, as an installed app does (PYTHONDONTWRITEBYTECODE would recompile every start)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


@dataclass
class ChildRun:
    started: float  # time.time() just before the process was started
    stdout: str
    stderr: str
    peak_mb: float | None  # the process's largest resident set (None where the OS does not say)


def run_child(script: str, *args: str, pycache: Path | None = None) -> ChildRun:
    """Run ``bench/<script>`` in a process of its own; its output and its peak memory (``pycache``: _child_env)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.time()
        proc = subprocess.Popen([sys.executable, str(BENCH / script), *args], stdout=out, stderr=err, cwd=ROOT,
                                env=_child_env(pycache))
        if hasattr(os, "wait4"):
            _pid, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
        else:
            proc.wait()
            peak = None
        out.seek(0)
        err.seek(0)
        run = ChildRun(started, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"), peak)
    if proc.returncode != 0:
        raise RuntimeError(f"bench/{script} failed ({proc.returncode}):\n{run.stderr[-2000:]}")
    return run


def _field(run: ChildRun, key: str) -> float:
    """The number after ``key`` on the child's output line starting with it, or after it on any line."""
    for line in run.stdout.splitlines():
        words = line.split()
        if key in words and words.index(key) + 1 < len(words):
            return float(words[words.index(key) + 1])
    raise RuntimeError(f"no {key} in the output of the child:\n{run.stdout[-1000:]}\n{run.stderr[-2000:]}")


# --- the database of the run ------------------------------------------------------------------------------
def fresh_copy(source: Path, target: Path) -> Path:
    """``target`` as a fresh copy of the (closed, complete) database ``source``, opened once by the app so that any
    upgrade of its structure happens here and not inside a measurement."""
    from dataset import remove_database

    from gonghui_desk.db import open_database

    remove_database(target)
    shutil.copyfile(source, target)
    open_database(target).conn.close()
    return target


# --- start-up and memory -------------------------------------------------------------------------------------
def bench_startup(db_path: Path, repeat: int = 5) -> list[Row]:
    """Start to a shown main window on the database against a bare PySide6 window and against a window of the same
    widgets without the app's code (separate processes); then the work deferred past the first paint."""
    pycache = db_path.parent / "pycache"  # compiled bytecode, as an installed app has it (see _child_env)
    scripts = (("_main_window.py", str(db_path)), ("_bare_window.py",), ("_same_widgets_window.py", str(db_path)))
    for script in scripts:  # a warm-up run each: compiles the modules, brings the files into the OS cache
        run_child(*script, pycache=pycache)
    runs: dict[str, list[float]] = {script[0]: [] for script in scripts}
    cpu: dict[str, list[float]] = {script[0]: [] for script in scripts}
    ready: list[float] = []
    stalls: list[float] = []
    for _ in range(repeat):  # alternating, so that a busy moment of the machine hits all alike
        for script in scripts:
            run = run_child(*script, pycache=pycache)
            runs[script[0]].append(_field(run, "SHOWN") - run.started)
            cpu[script[0]].append(float(run.stdout.split("SHOWN", 1)[1].split()[1]))  # SHOWN <wall> <cpu>
            if script[0] == "_main_window.py":
                ready.append(_field(run, "READY") - run.started)
                stalls.append(_field(run, "STALL") / 1000)
    app, bare, same = (statistics.median(runs[script[0]]) for script in scripts)
    app_cpu, bare_cpu, same_cpu = (statistics.median(cpu[script[0]]) for script in scripts)
    return [
        Row("start-up to a usable main window", app, bare, f"bare PySide6 window, median of {repeat}",
            max_ratio=1.5, note=f"processor time {app_cpu * 1000:.0f} ms against {bare_cpu * 1000:.0f} ms "
                                f"({app_cpu / bare_cpu:.2f}×); compiled modules (.pyc) as installed"),
        Row("start-up: the same widgets without the app", same, bare, f"bare PySide6 window, median of {repeat}",
            note=f"what PySide6 itself costs for such a window (bench/_same_widgets_window.py); processor time "
                 f"{same_cpu * 1000:.0f} ms ({same_cpu / bare_cpu:.2f}×); the app adds "
                 f"{(app - same) * 1000:.0f} ms to it"),
        Row("start-up: work after the first paint done", statistics.median(ready), app,
            "the app's first paint (above)",
            note=f"sqlite-utils, the modules' registries, the member count, the home page's counting started; the "
                 f"event loop stalled at most {statistics.median(stalls) * 1000:.0f} ms meanwhile (median of the "
                 f"runs' longest stall)"),
    ]


def bench_memory(db_path: Path) -> list[Row]:
    """The app's peak memory after showing the 会员 page and scrolling its list to the end."""
    pycache = db_path.parent / "pycache"  # as bench_startup: compiled bytecode, as an installed app has it
    for script in (("_app_memory.py", str(db_path)), ("_bare_window.py",)):  # a warm-up run each: compiles
        run_child(*script, pycache=pycache)
    app = run_child("_app_memory.py", str(db_path), pycache=pycache)
    bare = run_child("_bare_window.py", pycache=pycache)
    peak = app.peak_mb if app.peak_mb is not None else _field(app, "PEAK")
    rows = int(_field(app, "ROWS"))
    return [Row("app memory, 会员 list scrolled to the end", peak, bare.peak_mb, "the bare window's memory",
                max_value=MEMORY_TARGET, unit="MB",
                note=f"{rows} rows in the list, {_field(app, 'RSS'):.0f} MB at the end")]


# --- lists ------------------------------------------------------------------------------------------------------
def bench_lists(db_path: Path, repeat: int | None = None) -> list[Row]:
    """bench_lists.py's rows; ``repeat`` is passed on to its functions when they take it (--quick: 1)."""
    lists = _optional("bench_lists")
    if lists is None:
        return [Row("member list: keystroke, filter, sort, scroll", None, note="not yet (bench/bench_lists.py)")]
    rows = []
    for fn in (lists.bench_member_list, lists.bench_other_lists):
        takes_repeat = "repeat" in inspect.signature(fn).parameters
        rows += fn(db_path, repeat=repeat) if repeat is not None and takes_repeat else fn(db_path)
    return [Row(name, seconds, floor, floor_name, max_value=LIST_TARGET) for name, seconds, floor, floor_name in rows]


# --- import ----------------------------------------------------------------------------------------------------
def import_roster(workdir: Path, rows: int) -> Path:
    """A roster of ``rows`` members as the app exports it (full ID numbers, so it imports), made once."""
    from gonghui_desk.db import open_database
    from gonghui_desk.db.member_queries import MemberFilter
    from gonghui_desk.demo import generate_demo
    from gonghui_desk.exporting.member_roster import export_roster

    roster = workdir / f"roster-{rows}.xlsx"
    if roster.exists():
        return roster
    source = workdir / f"roster-{rows}.sqlite3"
    source.unlink(missing_ok=True)
    db = open_database(source)
    generate_demo(db, kind="company", members=max(rows, 20), seed=11)
    part = roster.with_name(roster.name + ".part.xlsx")
    export_roster(db, part, MemberFilter(), mask_personal=False)
    db.conn.close()
    part.replace(roster)
    return roster


def bench_import(db_path: Path, roster: Path) -> list[Row]:
    """Read, check and commit the roster into (a copy of) the large database, against openpyxl read-only."""
    import openpyxl

    from gonghui_desk.db import open_database
    from gonghui_desk.importing.member_import import commit_import, open_source, plan_import

    db = open_database(db_path)
    before = db.execute("SELECT count(*) FROM members").fetchone()[0]
    result = {}

    def do_import():
        plan = plan_import(db, open_source(roster))
        result["counts"] = plan.counts()
        commit_import(db, plan, skip_invalid=True)

    def floor():
        wb = openpyxl.load_workbook(roster, read_only=True, data_only=True)
        for _ in wb.worksheets[0].iter_rows(values_only=True):
            pass
        wb.close()

    floor_seconds = best(floor, 1)
    seconds = best(do_import, 1)
    added = db.execute("SELECT count(*) FROM members").fetchone()[0] - before
    db.conn.close()
    counts = ", ".join(f"{k} {v}" for k, v in result["counts"].items() if v)
    return [Row(f"import a {_rows_text(roster)}-row roster", seconds, floor_seconds, "openpyxl read-only iteration",
                max_ratio=2, note=f"{counts}; {added} members added")]


def _rows_text(roster: Path) -> str:
    return f"{int(roster.stem.split('-')[1]):,}"


# --- export ----------------------------------------------------------------------------------------------------
def bench_export(db_path: Path, workdir: Path) -> list[Row]:
    module = _optional("bench_export")
    if module is None:
        return [Row("export every member", None, note="not yet (bench/bench_export.py)")]
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    count = conn.execute("SELECT count(*) FROM members WHERE voided_at IS NULL").fetchone()[0]
    conn.close()
    return _rows_from(module.bench_export(db_path, workdir), f"export {count:,} members",
                      "openpyxl write-only of the same rows", max_ratio=1.5)


def _rows_from(result, name: str, floor_name: str, **target) -> list[Row]:
    """Rows from what another helper's benchmark returns: (seconds, floor), or [(name, seconds, floor,
    floor name), …]."""
    if isinstance(result, tuple) and len(result) == 2 and all(isinstance(v, (int, float)) for v in result):
        return [Row(name, result[0], result[1], floor_name, **target)]
    rows = []
    for item in result:
        if isinstance(item, Row):
            rows.append(item)
        else:
            item_name, seconds, floor, *rest = item
            rows.append(Row(item_name, seconds, floor, rest[0] if rest else floor_name, **target))
    return rows


# --- the annual report ----------------------------------------------------------------------------------------
def report_request(year: int):
    from gonghui_desk.reports.model import ReportOptions, ReportRequest
    from gonghui_desk.reports.periods import year_period

    return ReportRequest("annual", year_period(year), options=ReportOptions(appendix=True))


def bare_docx(doc, path: Path) -> None:
    """python-docx writing the document's texts and tables with nothing else: the .docx floor."""
    import bench_report as br

    br.write_bare_docx(doc, path)


def bench_report(db_path: Path, workdir: Path, year: int, *, repeat: int = 3, statements: bool = False) -> list[Row]:
    """The annual report of ``year``: its figures against their bare SQL, and figures + document + .docx against
    the bare SQL of the document and a bare python-docx of its texts (bench_report.py's recording and replay)."""
    import bench_report as br

    from gonghui_desk.db import open_database
    from gonghui_desk.documents import write_docx
    from gonghui_desk.reports.builder import build_report, report_stats

    br._load_sections()
    db = open_database(db_path)
    today = dt.date(year + 1, 1, 15)
    request = report_request(year)
    _, stat_queries = br._record_sql(db, lambda: report_stats(db, request, today))
    doc, queries = br._record_sql(db, lambda: build_report(db, request, today=today))
    br._replay(db, queries)  # warm the cache for everyone alike
    out, bare = workdir / "report.docx", workdir / "report-bare.docx"

    def whole():
        write_docx(build_report(db, request, today=today), out)

    def whole_floor():
        br._replay(db, queries)
        bare_docx(doc, bare)

    figures = best(lambda: report_stats(db, request, today), repeat)
    figures_floor = best(lambda: br._replay(db, stat_queries), repeat)
    total = best(whole, repeat)
    total_floor = best(whole_floor, repeat)
    if statements:
        br._statement_report(db, queries)
    db.conn.close()
    return [Row(f"annual report {year}: figures", figures, figures_floor, f"bare SQL, {len(stat_queries)} statements",
                max_ratio=2),
            Row(f"annual report {year}: figures + document + .docx", total, total_floor,
                f"bare SQL ({len(queries)} statements) + bare python-docx", max_value=REPORT_TARGET,
                note=f"{len(doc.blocks)} blocks, {len(doc.figures)} figures")]


# --- filling an upstream form --------------------------------------------------------------------------------------
def bench_fill(db_path: Path, workdir: Path, rows: int) -> list[Row]:
    module = _optional("bench_fill")
    if module is None:
        return [Row(f"fill an upstream form with {rows:,} rows", None, note="not yet (bench/bench_fill.py)")]
    return _rows_from(module.bench_fill(db_path, workdir, rows=rows), f"fill an upstream form with {rows:,} rows",
                      "the built-in export of the same rows", max_ratio=2)


# --- cancelling long jobs ------------------------------------------------------------------------------------------
class CancelProbe:
    """progress / is_cancelled callbacks that ask to cancel once ``at`` of the work is reported done."""

    def __init__(self, at: float = CANCEL_AT):
        self.at = at
        self.started = time.perf_counter()
        self.requested: float | None = None
        self.reports = 0

    def progress(self, done: int, total: int, text: str = "") -> None:
        self.reports += 1
        if self.requested is None and total and done / total >= self.at:
            self.requested = time.perf_counter()

    def is_cancelled(self) -> bool:
        return self.requested is not None


def cancel_row(name: str, job: Callable[[Callable, Callable], object], leftovers: Callable[[], list[str]]) -> Row:
    """Run ``job(progress, is_cancelled)`` asking to cancel at ~30% progress; the row's time is how long the
    cancel took to take effect, its floor the time to the request; ok when the job raised Cancelled within
    CANCEL_TARGET and ``leftovers()`` (what is left of it afterwards) is empty."""
    from gonghui_desk.errors import Cancelled

    probe = CancelProbe()
    cancelled = False
    try:
        job(probe.progress, probe.is_cancelled)
    except Cancelled:
        cancelled = True
    end = time.perf_counter()
    requested = probe.requested if probe.requested is not None else end
    left = leftovers()
    problems = []
    if probe.requested is None:
        problems.append(f"no progress past {CANCEL_AT:.0%} before the end ({probe.reports} progress reports)")
    elif not cancelled:
        problems.append("finished instead of cancelling")
    problems += [f"left: {what}" for what in left]
    return Row(f"cancel {name}", end - requested, requested - probe.started, "time to the cancel request",
               max_value=CANCEL_TARGET, ok=cancelled and not left, note="; ".join(problems))


def files_left(*folders: Path, ignore: tuple[str, ...] = ()) -> Callable[[], list[str]]:
    """A check of what a job left in ``folders``: the entries that were not there when this was called (names
    starting with one of ``ignore`` aside, e.g. the database's own -wal). The check also removes them, so the
    next job starts clean."""
    before = {folder: {p.name for p in folder.iterdir()} for folder in folders}

    def leftovers() -> list[str]:
        found = []
        for folder, names in before.items():
            for path in sorted(folder.iterdir()):
                if path.name in names or path.name.startswith(ignore):
                    continue
                found.append(path.name)
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        return found

    return leftovers


def _table_counts(db, tables=("members", "member_status_changes", "sub_units", "change_log")) -> dict[str, int]:
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def bench_cancel(db_path: Path, import_db: Path, roster: Path, workdir: Path, year: int) -> list[Row]:
    """A row per long job: member import (writing), export, report, backup (plain and encrypted), form fill."""
    from gonghui_desk.backup import backup_now
    from gonghui_desk.db import open_database
    from gonghui_desk.db.member_queries import MemberFilter
    from gonghui_desk.documents import write_docx
    from gonghui_desk.exporting.member_roster import export_roster
    from gonghui_desk.form_fill import fill_form, inspect_form, propose_mapping
    from gonghui_desk.importing.member_import import commit_import, open_source, plan_import
    from gonghui_desk.reports.builder import build_report_with_stats

    folder = workdir / "cancel"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    target = open_database(import_db)
    db = open_database(db_path)
    today = dt.date(year + 1, 1, 15)

    def left() -> Callable[[], list[str]]:
        return files_left(folder, db_path.parent, ignore=(db_path.name,))

    def member_import():  # the plan is made first (as the wizard does), the commit is cancelled
        plan = plan_import(target, open_source(roster))
        counts = _table_counts(target)

        def changed() -> list[str]:
            return [f"{t} {counts[t]} → {n}" for t, n in _table_counts(target).items() if n != counts[t]]

        return lambda p, c: commit_import(target, plan, skip_invalid=True, progress=p, is_cancelled=c), changed

    def export():
        return lambda p, c: export_roster(db, folder / "roster.xlsx", MemberFilter(), progress=p,
                                          is_cancelled=c), left()

    def report():
        def job(p, c):
            doc, _stats = build_report_with_stats(db, report_request(year), today=today, progress=p, is_cancelled=c)
            write_docx(doc, folder / "report.docx")

        return job, left()

    def backup(password: str | None):
        out = folder / ("backup.sqlite3" if password is None else "backup.ghbak")
        return lambda p, c: backup_now(db_path, out, password=password, progress=p, is_cancelled=c), left()

    def fill():
        layout = inspect_form(upstream_form(workdir))
        mapping = propose_mapping(layout, "roster")
        return lambda p, c: fill_form(db, layout, mapping, "roster", {}, folder / "filled.xlsx", progress=p,
                                      is_cancelled=c), left()

    try:
        return [guarded_cancel(name, make) for name, make in (
            ("member import (writing)", member_import), ("export of every member", export),
            (f"annual report {year}", report), ("backup", lambda: backup(None)),
            ("encrypted backup", lambda: backup("bench-密码")), ("form fill (every member on the roll)", fill))]
    finally:
        target.conn.close()
        db.conn.close()


def guarded_cancel(name: str, make: Callable[[], tuple[Callable, Callable[[], list[str]]]]) -> Row:
    """:func:`cancel_row` of the job and check ``make()`` returns, or a failed row when either raises."""
    try:
        return cancel_row(name, *make())
    except Exception as exc:
        import traceback

        traceback.print_exc()
        return Row(f"cancel {name}", None, note=_failure(exc))


def _failure(exc: Exception) -> str:
    return f"failed: {type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:120]}"


def upstream_form(workdir: Path) -> Path:
    """The upstream form of bench_fill.py (merged two-level header, sample row, footer lines), or until that
    exists a plain one: title, unit line, a header of common wordings, an empty table."""
    import openpyxl

    path = workdir / "upstream-form.xlsx"
    fill = _optional("bench_fill")
    if fill is not None and hasattr(fill, "make_form"):
        return Path(fill.make_form(path))
    if path.exists():
        return path
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "会员名册"
    headers = ["序号", "姓名", "性别", "民族", "身份证号码", "出生年月", "政治面貌", "文化程度", "所在部门", "联系电话",
               "入会时间"]
    ws.append(["XX区基层工会会员花名册"])
    ws.append(["填报单位（盖章）："] + [None] * 7 + ["填报日期："])
    ws.append(headers)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    wb.save(path)
    return path


# --- the whole run ------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    import dataset

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help=f"comma-separated, of: {','.join(OPERATIONS)}")
    parser.add_argument("--members", type=int, default=None, help="members of the large database (100000)")
    parser.add_argument("--rows", type=int, default=None, help="visits+aid+participations+proposals (1000000)")
    parser.add_argument("--import-rows", type=int, default=None, help="rows of the imported roster (10000)")
    parser.add_argument("--fill-rows", type=int, default=None, help="rows of the filled upstream form (10000)")
    parser.add_argument("--year", type=int, default=dataset.default_year(), help="the report year")
    parser.add_argument("--workdir", type=Path, default=None,
                        help=f"kept between runs (default {dataset.default_workdir()})")
    parser.add_argument("--quick", action="store_true", help="a tiny dataset and one repeat: a smoke test")
    parser.add_argument("--statements", action="store_true", help="also list the report's slowest statements")
    args = parser.parse_args(argv)
    only = [n.strip() for n in args.only.split(",") if n.strip()] or list(OPERATIONS)
    unknown = [n for n in only if n not in OPERATIONS]
    if unknown:
        parser.error(f"unknown operation {', '.join(unknown)}; choose from {', '.join(OPERATIONS)}")
    sizes = QUICK if args.quick else {"members": 100_000, "rows": 1_000_000, "import_rows": 10_000,
                                      "fill_rows": 10_000}
    members = args.members or sizes["members"]
    total_rows = args.rows if args.rows is not None else sizes["rows"]
    import_rows = args.import_rows or sizes["import_rows"]
    fill_rows = args.fill_rows or sizes["fill_rows"]
    repeat = 1 if args.quick else 3
    workdir = (args.workdir or dataset.default_workdir()).resolve()
    workdir.mkdir(parents=True, exist_ok=True)

    from gonghui_desk import modules

    modules.load()
    started = time.perf_counter()
    large = dataset.large_database(workdir, members, total_rows, args.year)
    counts = dataset.check_database(large)
    size_mb = large.stat().st_size / 2 ** 20
    print(f"database {large} ({size_mb:.0f} MB): " + ", ".join(f"{t} {n:,}" for t, n in counts.items()
                                                                 if t in ("members", *dataset.COUNTED)), flush=True)
    db_path = fresh_copy(large, workdir / "run.sqlite3")
    results: list[Row] = []

    def measure(name: str, fn: Callable[[], list[Row]]) -> None:
        if name not in only:
            return
        step = time.perf_counter()
        try:
            got = fn()
        except Exception as exc:  # one broken benchmark does not hide the others
            import traceback

            traceback.print_exc()
            got = [Row(name, None, note=_failure(exc))]
        for row in got:
            print("  " + " | ".join(row.cells()), flush=True)
        print(f"[{name}: {time.perf_counter() - step:.0f} s]", flush=True)
        results.extend(got)

    measure("startup", lambda: bench_startup(db_path, 1 if args.quick else 5))
    measure("memory", lambda: bench_memory(db_path))
    measure("lists", lambda: bench_lists(db_path, 1 if args.quick else None))
    roster = import_roster(workdir, import_rows) if {"import", "cancel"} & set(only) else None
    import_db = workdir / "import.sqlite3"
    if "import" in only:
        fresh_copy(large, import_db)
    measure("import", lambda: bench_import(import_db, roster))
    measure("export", lambda: bench_export(db_path, workdir))
    measure("report", lambda: bench_report(db_path, workdir, args.year, repeat=repeat, statements=args.statements))
    measure("fill", lambda: bench_fill(db_path, workdir, fill_rows))
    if "cancel" in only:
        fresh_copy(large, import_db)
    measure("cancel", lambda: bench_cancel(db_path, import_db, roster, workdir, args.year))
    dataset.remove_database(import_db)

    header = (f"gonghui-desk bench, {dt.datetime.now():%Y-%m-%d %H:%M}, {platform.platform()}, "
              f"{os.cpu_count()} CPUs, Python {platform.python_version()}; database: "
              + ", ".join(f"{t} {counts[t]:,}" for t in ("members", *dataset.COUNTED)) + f" ({size_mb:.0f} MB)")
    print(f"\n{header}\n\n{format_table(results)}")
    misses = sum(r.verdict == "MISS" for r in results)
    print(f"\n{len(results)} rows, {misses} MISS, {time.perf_counter() - started:.0f} s in all")
    (workdir / "results.md").write_text(f"{header}\n\n{format_markdown(results)}\n", encoding="utf-8")
    print(f"written {workdir / 'results.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
