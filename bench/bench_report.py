"""Benchmark of the summary report: the annual report of a large union, against its bare SQL.

    python bench/bench_report.py [--members 100000] [--event-rows 1000000] [--workdir DIR] [--year 2025]

Creates (once, kept in the work folder) a company demo database of N members and tops its events up with
synthetic events of the report year and the year before until ``event_participants`` holds the wanted number
of rows (each with a few results). Then it measures, each against a floor measured in the same run:

  default         the report as the 工作总结 wizard makes it with its default options (ReportOptions(): exact
                  figures, names, no comparison, no appendix): its figures (report_stats), the document
                  (build_report: figures + text) and its .docx (write_docx), each against its floor, and the
                  three together — the target: under 3 s together, the figures within 2x their bare SQL
  figures         report_stats: every figure of the report        floor: the bare SQL of the same figures
  document        build_report: figures + the whole document      floor: its bare SQL (with the appendix's)
  compared        build_report with the comparison with 上年      floor: the bare SQL of both years' figures
  .docx           write_docx of the document                      floor: python-docx writing the same texts

The bare SQL is every statement the report's sections ran (recorded with the connection's trace callback,
parameters bound), replayed on the same connection with nothing around it: the ratio is what the Python of
the sections and the builder costs above the queries. The run also lists the statement count, the slowest
statements and the most rows any statement returned (a report counts in SQL and never loads whole tables:
anything above a few thousand rows is flagged). Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECTION_MODULES = (  # imported when they exist, so the benchmark covers every section already written
    "gonghui_desk.reports.member_sections", "gonghui_desk.reports.women_sections",
    "gonghui_desk.care.report_sections", "gonghui_desk.hardship.report_sections",
    "gonghui_desk.events.report_sections", "gonghui_desk.honours.report_sections",
    "gonghui_desk.congress.report_sections",
)
EVENT_SIZE = 500  # participants of each synthetic event
LOADS_ROWS = 5000  # a statement returning more rows than this is flagged


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _load_sections() -> list[str]:
    from gonghui_desk import modules

    modules.load()
    found = []
    for name in SECTION_MODULES:
        try:
            importlib.import_module(name)
            found.append(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return found


def _add_events(db, year: int, wanted: int, seed: int = 5) -> int:
    """Synthetic events in ``year`` and the year before until event_participants holds ``wanted`` rows."""
    from gonghui_desk.db import changelog, transaction

    have = db.execute("SELECT count(*) FROM event_participants").fetchone()[0]
    if have >= wanted:
        return have
    rng = random.Random(seed)
    members = [r[0] for r in db.execute("SELECT id FROM members WHERE voided_at IS NULL AND status = '在册'")]
    kinds = [r[0] for r in db.execute("SELECT value FROM value_lists WHERE list_key = 'event.kind' AND voided_at IS NULL")]
    grades = ["一等奖", "二等奖", "三等奖", "优秀奖"]
    tables = ("events", "event_participants", "event_results")
    with transaction(db) as conn:
        for table in tables:  # the change log of a bulk load would only slow it down; put back below
            for kind in ("insert", "update", "delete"):
                conn.execute(f"DROP TRIGGER IF EXISTS changelog_{table}_{kind}")
        n = 0
        while have < wanted:
            day = dt.date(year - (n % 2), 1, 1) + dt.timedelta(days=rng.randrange(365))
            size = min(EVENT_SIZE, wanted - have, len(members))
            event_id = conn.execute(
                "INSERT INTO events (name, kind, start_date, end_date, status, cost_fen) VALUES (?, ?, ?, ?, '已举办', ?)",
                (f"基准活动{n + 1}", rng.choice(kinds), day.isoformat(), day.isoformat(),
                 rng.randrange(0, 500_000))).lastrowid
            chosen = rng.sample(members, size)
            first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM event_participants").fetchone()[0]
            conn.executemany("INSERT INTO event_participants (id, event_id, member_id) VALUES (?, ?, ?)",
                             [(first + i, event_id, m) for i, m in enumerate(chosen)])
            winners = rng.sample(range(size), max(1, size // 20))
            conn.executemany("INSERT INTO event_results (event_id, participant_id, grade, rank) VALUES (?, ?, ?, ?)",
                             [(event_id, first + i, grades[min(k, 3)], k + 1) for k, i in enumerate(winners)])
            have += size
            n += 1
        for table in tables:
            changelog.install_triggers(conn, table)
    conn.execute("ANALYZE")
    return have


def _database(workdir: Path, members: int, event_rows: int, year: int) -> Path:
    from gonghui_desk.db import open_database
    from gonghui_desk.demo import generate_demo

    path = workdir / f"report-{members}-{event_rows}-{year}.sqlite3"
    if path.exists():
        return path
    start = time.perf_counter()
    building = path.with_suffix(".building")
    if building.exists():
        building.unlink()
    db = open_database(building)
    generate_demo(db, kind="company", members=members, seed=7, today=dt.date(year, 12, 31))
    got = _add_events(db, year, event_rows)
    db.execute("PRAGMA optimize")
    db.conn.close()
    building.rename(path)
    print(f"created {path.name}: {members} members, {got} event participants in {time.perf_counter() - start:.0f} s")
    return path


def _record_sql(db, fn) -> tuple[object, list[str]]:
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        result = fn()
    finally:
        db.conn.set_trace_callback(None)
    queries = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    return result, queries


def _replay(db, queries: list[str]) -> None:
    for sql in queries:
        db.conn.execute(sql).fetchall()


def _statement_report(db, queries: list[str]) -> None:
    timed = []
    for sql in queries:
        start = time.perf_counter()
        rows = len(db.conn.execute(sql).fetchall())
        timed.append((time.perf_counter() - start, rows, " ".join(sql.split())))
    print(f"\n{len(queries)} statements; slowest:")
    for seconds, rows, sql in sorted(timed, reverse=True)[:5]:
        print(f"  {seconds * 1000:8.1f}ms {rows:>7} rows  {sql[:110]}")
    most = max(timed, key=lambda t: t[1], default=(0, 0, ""))
    flag = "  <-- loads rows instead of counting" if most[1] > LOADS_ROWS else ""
    print(f"most rows from one statement: {most[1]}{flag}\n  {most[2][:150]}")


def write_bare_docx(doc, path: Path) -> None:
    """python-docx writing the document's texts and tables with nothing else: the .docx floor."""
    from docx import Document as new_docx

    from gonghui_desk.documents import Table

    document = new_docx()
    for block in doc.blocks:
        if isinstance(block, Table):
            table = document.add_table(rows=len(block.rows) + 1, cols=len(block.header))
            for cells, row in zip(table.rows, (block.header, *block.rows)):
                for cell, text in zip(cells.cells, row):
                    cell.text = text
        else:
            document.add_paragraph(getattr(block, "text", ""))
    document.save(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--event-rows", type=int, default=1_000_000)
    parser.add_argument("--year", type=int, default=dt.date.today().year - 1, help="the report's year")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--no-docx", action="store_true", help="leave out writing the .docx")
    parser.add_argument("--db", type=Path, default=None,
                        help="an existing database to measure instead of the generated one (opened as the app "
                             "opens it: a file of an older version is migrated, so give it a copy)")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="gonghui-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    loaded = _load_sections()
    path = args.db or _database(workdir, args.members, args.event_rows, args.year)

    from gonghui_desk.db import open_database
    from gonghui_desk.documents import Paragraph, Table, write_docx
    from gonghui_desk.reports.builder import build_report, report_stats
    from gonghui_desk.reports.model import ReportOptions, ReportRequest
    from gonghui_desk.reports.periods import year_period
    from gonghui_desk.reports.sections import registered_sections

    db = open_database(path)
    today = dt.date(args.year + 1, 1, 15)
    default = ReportRequest("annual", year_period(args.year))  # what the wizard asks for by default
    request = ReportRequest("annual", year_period(args.year), options=ReportOptions(appendix=True))
    compared = ReportRequest("annual", year_period(args.year), options=ReportOptions(appendix=True, compare=True))
    sizes = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
             for t in ("members", "events", "event_participants", "event_results", "visits", "aid_payments",
                       "proposals")}
    print(f"database: {', '.join(f'{t} {n}' for t, n in sizes.items())}")
    print(f"section modules: {', '.join(m.rsplit('.', 2)[-2] + '.' + m.rsplit('.', 1)[-1] for m in loaded) or 'none yet'}")
    print(f"sections of the annual report: {', '.join(s.key for s in registered_sections('annual'))}")

    _, stat_queries = _record_sql(db, lambda: report_stats(db, request, today))
    plain, plain_queries = _record_sql(db, lambda: build_report(db, default, today=today))
    _, plain_stat_queries = _record_sql(db, lambda: report_stats(db, default, today))
    doc, queries = _record_sql(db, lambda: build_report(db, request, today=today))
    _, compared_queries = _record_sql(db, lambda: build_report(db, compared, today=today))
    _replay(db, compared_queries)  # warm the cache for everyone alike
    floor = _best(lambda: _replay(db, queries))
    plain_figures = (_best(lambda: report_stats(db, default, today)), _best(lambda: _replay(db, plain_stat_queries)))
    plain_document = (_best(lambda: build_report(db, default, today=today)), _best(lambda: _replay(db, plain_queries)))
    results = [
        ("default: figures", *plain_figures, f"bare SQL, {len(plain_stat_queries)} statements"),
        ("default: document", *plain_document, f"bare SQL, {len(plain_queries)} statements"),
        ("figures (report_stats)", _best(lambda: report_stats(db, request, today)),
         _best(lambda: _replay(db, stat_queries)), f"bare SQL, {len(stat_queries)} statements"),
        ("document (build_report)", _best(lambda: build_report(db, request, today=today)), floor,
         f"bare SQL, {len(queries)} statements (with the appendix)"),
        ("document compared with 上年", _best(lambda: build_report(db, compared, today=today)),
         _best(lambda: _replay(db, compared_queries)), f"bare SQL, {len(compared_queries)} statements"),
    ]
    out = workdir / "report.docx"

    def bare_docx(doc=doc, name="bare.docx"):
        write_bare_docx(doc, workdir / name)

    paragraphs = sum(1 for b in doc.blocks if isinstance(b, Paragraph))
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    cells = sum((len(b.rows) + 1) * len(b.header) for b in tables)
    biggest = max(tables, key=lambda t: len(t.rows), default=None)
    print(f"document: {len(doc.blocks)} blocks ({paragraphs} paragraphs, {len(tables)} tables of {cells} cells; "
          f"the largest {len(biggest.rows) if biggest else 0} rows), {len(doc.figures)} figures")
    print(f"\n{'operation':30} {'time':>10} {'floor':>10} {'ratio':>7}  floor is")

    def show(name, seconds, floor_seconds, floor_name):
        print(f"{name:30} {seconds * 1000:>8.1f}ms {floor_seconds * 1000:>8.1f}ms "
              f"{seconds / max(floor_seconds, 1e-9):>6.2f}x  {floor_name}", flush=True)

    for row in results[:2]:
        show(*row)
    if not args.no_docx:
        plain_docx = (_best(lambda: write_docx(plain, workdir / "report-default.docx")),
                      _best(lambda: bare_docx(plain, "bare-default.docx")))
        show("default: .docx", *plain_docx, "python-docx, the same texts and tables")
        together = [plain_figures, plain_document, plain_docx]
        show("default: all three", sum(t for t, _ in together), sum(f for _, f in together),
             "the floors together; target < 3 s")
        show("default: document + .docx", plain_document[0] + plain_docx[0], plain_document[1] + plain_docx[1],
             "(the document counts its figures itself)")
    for row in results[2:]:
        show(*row)
    if not args.no_docx:
        show(".docx of the report", _best(lambda: write_docx(doc, out), 1), _best(bare_docx, 1),
             "python-docx, the same texts and tables (with the appendix)")
    print("\nthe default report:", end="")
    _statement_report(db, plain_queries)
    print("\nwith the appendix:", end="")
    _statement_report(db, queries)
    db.conn.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
