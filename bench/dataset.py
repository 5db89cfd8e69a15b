"""The standard large database of the benchmarks, made once and reused.

    python bench/dataset.py [--members 100000] [--rows 1000000] [--year 2025] [--workdir DIR] [--link PATH]

:func:`large_database` creates a company demo database of N members (``generate_demo``, seed 7, "today" the
31 December of the report year) and tops it up with synthetic records of the report year and the year before
until visits + aid payments + event participations + proposals hold ``rows`` in all, split about

  35% care visits        to members on the roll on the day (as the demo's own: 生病住院 with an illness,
                         节日慰问, 夏季高温 in goods, 结婚/生育, 直系亲属去世 to a relative…), money in 分
  15% aid payments       to the households of the hardship files while they are on record (生活/医疗/大病/临时救助,
                         节日送温暖), applied → approved → paid, the last weeks' still in progress
  45% event participations  events of ~500 participants with ~5% results (bench_report._add_events)
   5% proposals          over the congress's sessions: the demo's term and two earlier terms (yearly sessions,
                         their delegates), each filed by a 正式代表 with 2–4 co-signers (now and then by a
                         delegation), reviewed (立案 / 不立案 / 转意见建议 / 并案) and the registered ones assigned,
                         answered and rated

Rows are built by the demo modules' own row makers where they exist (care visits, aid payments, events) and
written with ``executemany`` in one transaction, with the change-log triggers of the tables written dropped
during the load and put back after; then ANALYZE and PRAGMA optimize. The file is built under a temporary
name and renamed when complete, with a marker (``app_settings`` key ``bench.dataset``) saying what it holds: a
file with the same marker is reused, anything else is rebuilt. :func:`check_database` checks it is valid for
the app (foreign keys, integrity) and counts its rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

GENERATOR_VERSION = 1  # bump when the rows made change: older files are then rebuilt
MARKER_KEY = "bench.dataset"
SEED = 7
SHARES = {"visits": 0.35, "aid_payments": 0.15, "event_participants": 0.45, "proposals": 0.05}
COUNTED = tuple(SHARES)
EARLIER_TERMS = 2  # congress terms before the demo's own, each with a session a year
TERM_YEARS = 5
DELEGATE_SHARE = 0.10
BULK_TABLES = ("visits", "aid_payments", "congress_terms", "congress_sessions", "congress_delegates", "proposals",
               "proposal_cosigners", "proposal_handlings")
COUNT_TABLES = ("members", "member_status_changes", "visits", "campaigns", "hardship_files", "aid_payments",
                "events", "event_participants", "event_results", "congress_terms", "congress_sessions",
                "congress_delegates", "proposals", "proposal_cosigners", "proposal_handlings", "change_log")


def default_year() -> int:
    return dt.date.today().year - 1


def default_workdir() -> Path:
    """Where the benchmarks keep their database between runs: $GONGHUI_BENCH_DIR or ~/.cache/gonghui-bench."""
    return Path(os.environ.get("GONGHUI_BENCH_DIR") or Path.home() / ".cache" / "gonghui-bench")


def database_name(members: int, rows: int, year: int) -> str:
    return f"large-{members}-{rows}-{year}.sqlite3"


def marker(members: int, rows: int, year: int) -> dict:
    return {"members": members, "rows": rows, "year": year, "seed": SEED, "generator": GENERATOR_VERSION}


def read_marker(path: Path) -> dict | None:
    """The marker of the file at ``path`` (read-only, nothing changed), or None."""
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM app_settings WHERE key = ?", (MARKER_KEY,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return json.loads(row[0]) if row else None


def remove_database(path: Path) -> None:
    """Remove the database file at ``path`` with its -wal, -shm and -journal files."""
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
                     path.with_name(path.name + "-journal")):
        leftover.unlink(missing_ok=True)


def _bring_up_to_date(path: Path, *, quiet: bool = False) -> None:
    """Migrate a kept database made by an older schema once, in place, so that every run does not upgrade its
    own copy; the upgrade's backup copy of the old file is not kept (the file can be rebuilt)."""
    from gonghui_desk.db import open_database
    from gonghui_desk.db.migrations import LATEST_VERSION

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()
    if version >= LATEST_VERSION:
        return
    start = time.perf_counter()
    before = set(path.parent.glob(f"{path.stem}.v*-backup-*{path.suffix}"))
    open_database(path).conn.close()
    for backup in set(path.parent.glob(f"{path.stem}.v*-backup-*{path.suffix}")) - before:
        backup.unlink()
    if not quiet:
        print(f"upgraded {path.name} from structure version {version} to {LATEST_VERSION} "
              f"in {time.perf_counter() - start:.0f} s")


def large_database(workdir: str | Path, members: int = 100_000, rows: int = 1_000_000, year: int | None = None,
                   *, quiet: bool = False) -> Path:
    """The path of the standard large database in ``workdir``, created when no file with the same marker is
    there (see the module text). Returns the path of the complete file."""
    year = year or default_year()
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / database_name(members, rows, year)
    wanted = marker(members, rows, year)
    if read_marker(path) == wanted:
        _bring_up_to_date(path, quiet=quiet)
        return path
    from gonghui_desk import modules
    from gonghui_desk.db import open_database
    from gonghui_desk.demo import generate_demo

    modules.load()
    start = time.perf_counter()
    building = path.with_name(path.name + ".building")
    remove_database(building)
    db = open_database(building)
    try:
        db.execute("PRAGMA cache_size = -262144")  # 256 MB of page cache: the indexes of a million rows
        generate_demo(db, kind="company", members=members, seed=SEED, today=dt.date(year, 12, 31))
        demo_seconds = time.perf_counter() - start
        if not quiet:
            print(f"demo union of {members} members: {demo_seconds:.0f} s", flush=True)
        top_up(db, rows, year)
        db.conn.execute("INSERT INTO app_settings(key, value) VALUES (?, ?) "
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (MARKER_KEY, json.dumps(wanted)))
        db.conn.commit()
        db.execute("ANALYZE")
        db.execute("PRAGMA optimize")
    except BaseException:
        db.conn.close()
        remove_database(building)
        raise
    db.conn.close()
    remove_database(path)
    building.rename(path)
    if not quiet:
        counts = check_database(path)
        print(f"created {path} in {time.perf_counter() - start:.0f} s: "
              + ", ".join(f"{t} {counts[t]}" for t in COUNTED)
              + f" ({sum(counts[t] for t in COUNTED)} in all), {path.stat().st_size / 2 ** 20:.0f} MB", flush=True)
    return path


def targets(rows: int) -> dict[str, int]:
    """Rows wanted per table; the participations take what rounding leaves."""
    wanted = {table: round(rows * share) for table, share in SHARES.items() if table != "event_participants"}
    wanted["event_participants"] = rows - sum(wanted.values())
    return wanted


def top_up(db, rows: int, year: int) -> dict[str, int]:
    """Add synthetic records until the four counted tables hold ``rows`` in all (see the module text);
    returns the rows added per table."""
    from bench_report import _add_events

    from gonghui_desk.db import changelog, transaction

    today = dt.date(year, 12, 31)
    kind = "school" if db.execute("SELECT kind FROM union_profile").fetchone()[0] == "学校" else "company"
    wanted = targets(rows)
    have = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}
    added = {}
    with transaction(db) as conn:
        for table in BULK_TABLES:  # the change log of a bulk load would only slow it down; put back below
            for trigger in ("insert", "update", "delete"):
                conn.execute(f"DROP TRIGGER IF EXISTS changelog_{table}_{trigger}")
        added["visits"] = add_visits(db, random.Random(f"{SEED}:visits"), today, kind,
                                     wanted["visits"] - have["visits"])
        added["aid_payments"] = add_aid(db, random.Random(f"{SEED}:aid"), today,
                                        wanted["aid_payments"] - have["aid_payments"])
        added["event_participants"] = _add_events(db, year, wanted["event_participants"]) - have["event_participants"]
        added["proposals"] = add_proposals(db, random.Random(f"{SEED}:proposals"), today, kind,
                                           wanted["proposals"] - have["proposals"])
        for table in BULK_TABLES:
            changelog.install_triggers(conn, table)
    return added


# --- care visits -------------------------------------------------------------------------------------------
VISIT_MIX = (("生病住院", 28), ("节日慰问", 25), ("夏季高温", 12), ("直系亲属去世", 12), ("结婚", 6), ("生育", 6),
             ("生日", 6), ("生活困难/意外", 5))
RETIREE_OCCASIONS = ("生病住院", "节日慰问", "直系亲属去世")
SUMMER_GOODS = ("绿豆、白糖、藿香正气水", 6000)
FESTIVAL_GOODS = (("", 0), ("大米一袋、食用油一桶", 15000), ("月饼一盒", 10000))


def add_visits(db, rng: random.Random, today: dt.date, kind: str, count: int) -> int:
    """``count`` care visits to members on the roll on the day, made by the care demo's own row maker."""
    if count <= 0:
        return 0
    from gonghui_desk.care.demo_data import BIRTH_NOTES, HARDSHIPS, MID_AUTUMNS, SPRING_FESTIVALS, _CareDemo, \
        _INSERT_VISITS
    from gonghui_desk.dates import add_years, age_on

    demo = _CareDemo(db, rng, today, kind)
    people = [(m, demo.window(m)) for m in demo.members]
    people = [(m, w) for m, w in people if w is not None]
    if not people:
        return 0
    occasions = [name for name, _ in VISIT_MIX]
    weights = [weight for _, weight in VISIT_MIX]
    while len(demo.rows) < count:
        member, (start, end) = rng.choice(people)
        day = demo.day_between(start, end)
        occasion = rng.choices(occasions, weights)[0]
        retired = member.retired_on is not None and member.retired_on <= day
        age = age_on(member.birth, day)
        if retired and occasion not in RETIREE_OCCASIONS:
            occasion = "节日慰问"
        if occasion in ("结婚", "生育") and (age > 40 or member.marital != "已婚"):
            occasion = "生病住院"
        if occasion == "生病住院":
            demo.hospital(member, day, age)
        elif occasion == "节日慰问":
            festivals = rng.choice((SPRING_FESTIVALS, MID_AUTUMNS))
            holiday = dt.date.fromisoformat(f"{day.year}-{festivals.get(day.year, '09-20')}")
            visit = min(max(holiday - dt.timedelta(days=rng.randint(1, 12)), start), end)
            goods = rng.choice(FESTIVAL_GOODS)
            demo.add(member, "节日慰问", None, visit, cash=30000 if not goods[1] else 0, goods=goods,
                     form="现金" if not goods[1] else "实物")
        elif occasion == "夏季高温":
            visit = min(max(dt.date(day.year, 7, rng.randint(1, 31)), start), end)
            demo.add(member, "夏季高温", None, visit, cash=0, goods=SUMMER_GOODS, form="实物", visitors=False)
        elif occasion == "直系亲属去世":
            relation = "配偶父母" if member.marital == "已婚" and rng.random() < 0.3 else "父母"
            demo.add(member, occasion, day, demo.visit_day(day, 3), relation=relation,
                     relative=demo.relative_name(member, relation), serious=True)
        elif occasion == "结婚":
            demo.add(member, occasion, day, demo.visit_day(day, 14))
        elif occasion == "生育":
            demo.add(member, occasion, day, demo.visit_day(day, 20), notes=rng.choice(BIRTH_NOTES))
        elif occasion == "生日":
            birthday = add_years(member.birth, day.year - member.birth.year)
            if start <= birthday <= end and "生日" in demo.occasions:
                demo.add(member, "生日", birthday, birthday, cash=0, goods=("生日蛋糕券", demo.occasions["生日"][1]),
                         form="蛋糕券", visitors=False)
            else:
                demo.hospital(member, day, age)
        else:
            demo.add(member, "生活困难/意外", day, demo.visit_day(day, 10), cash=rng.choice((100000, 150000, 200000)),
                     notes=rng.choice(HARDSHIPS), serious=True)
    rows = sorted(demo.rows[:count], key=lambda r: (r[5] or r[4], r[0]))  # in date order, as they are entered
    db.conn.executemany(_INSERT_VISITS, rows)
    return len(rows)


# --- aid payments ------------------------------------------------------------------------------------------
AID_MIX = (("生活救助", 45), ("节日送温暖", 17), ("医疗救助", 20), ("大病救助", 8), ("临时救助", 10))


def add_aid(db, rng: random.Random, today: dt.date, count: int) -> int:
    """``count`` aid payments to the hardship files' households while on record, by the hardship demo's row maker."""
    if count <= 0:
        return 0
    from gonghui_desk.hardship.demo_data import AID_COLUMNS, NOTES_BY_CAUSE, _AidDemo, _HardshipDemo, _insert

    files_demo = _HardshipDemo(db, rng, today)
    files_demo.files = [dict(zip(("id", "member_id", "opened_on", "closed_on", "main_cause", "health"), r))
                        for r in db.execute("SELECT id, member_id, opened_on, closed_on, main_cause, health "
                                            "FROM hardship_files WHERE voided_at IS NULL ORDER BY id")]
    if not files_demo.files:
        return 0
    aid = _AidDemo(files_demo)
    types = [t for t, _ in AID_MIX]
    weights = [w for _, w in AID_MIX]
    years = (today.year - 1, today.year)
    misses = 0
    while len(aid.rows) < count and misses < 100 * count:
        file = rng.choice(files_demo.files)
        aid_type = rng.choices(types, weights)[0]
        year = rng.choice(years)
        if aid_type == "节日送温暖":
            day = dt.date(year, 1, 20) + dt.timedelta(days=rng.randint(0, 14))
            if not aid.on_file(file, day):
                misses += 1
                continue
            goods = rng.random() < 0.5
            aid.pay(file, aid_type, day, rng.choice((50000, 80000, 100000)), "上级帮扶资金",
                    goods="米、面、油" if goods else "", goods_value=20000 if goods else 0)
            continue
        day = aid.day_in(year, file)
        if day is None:
            misses += 1
            continue
        if aid_type == "大病救助":
            aid.pay(file, aid_type, day, rng.randint(20, 80) * 10000, rng.choice(("上级帮扶资金", "本级经费")),
                    notes="住院治疗，自付医疗费用较高")
        elif aid_type == "医疗救助":
            aid.pay(file, aid_type, day, rng.randint(10, 30) * 10000, rng.choice(("上级帮扶资金", "本级经费")),
                    notes="住院治疗，自付医疗费用较高")
        elif aid_type == "临时救助":
            aid.pay(file, aid_type, day, rng.randint(10, 50) * 10000, rng.choice(("社会捐助", "行政")),
                    notes=NOTES_BY_CAUSE.get(file["main_cause"], ""))
        else:
            aid.pay(file, aid_type, day, rng.randint(10, 30) * 10000, rng.choice(("本级经费", "上级帮扶资金")))
    rows = sorted(aid.rows[:count], key=lambda r: (r[8], r[0]))  # by application date
    db.conn.executemany(_insert("aid_payments", AID_COLUMNS), rows)
    return len(rows)


# --- proposals ---------------------------------------------------------------------------------------------
REVIEW_MIX = (("立案", 80), ("不立案", 8), ("转意见建议", 8), ("并案", 4))
RESULT_MIX = (("已解决", 60), ("正在解决", 15), ("列入计划", 15), ("暂不能解决", 10))
RATING_MIX = (("满意", 62), ("基本满意", 33), ("不满意", 5))
_PROPOSAL_COLUMNS = ("id", "session_id", "seq", "number", "title", "reason", "measures", "proposer_member_id",
                     "proposer_text", "category", "submitted_on", "review", "review_reason", "merged_into_id",
                     "reviewer", "reviewed_on", "created_at")
_HANDLING_COLUMNS = ("proposal_id", "round", "lead_department", "co_departments", "leader", "assigned_on", "deadline",
                     "reply", "replied_on", "result", "result_reason", "rating", "rated_on", "rating_notes")


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _earlier_terms(db, rng: random.Random, today: dt.date) -> None:
    """Up to EARLIER_TERMS terms before the demo's own, a session each year, and their 正式代表 (about 10% of the
    members on the roll through the whole term)."""
    from gonghui_desk.dates import add_years

    term = db.execute("SELECT id, number, started_on FROM congress_terms WHERE voided_at IS NULL "
                      "ORDER BY number LIMIT 1").fetchone()
    if term is None or term[2] is None:
        return
    kind = db.execute("SELECT kind FROM congress_sessions WHERE term_id = ? ORDER BY number LIMIT 1",
                      [term[0]]).fetchone()[0]
    venue = db.execute("SELECT venue FROM congress_sessions WHERE term_id = ? ORDER BY number LIMIT 1",
                       [term[0]]).fetchone()[0]
    started = dt.date.fromisoformat(term[2])
    for back in range(1, EARLIER_TERMS + 1):
        number = term[1] - back
        if number < 1:
            break
        start = add_years(started, -TERM_YEARS * back)
        end = add_years(start, TERM_YEARS) - dt.timedelta(days=1)
        term_id = db.conn.execute("INSERT INTO congress_terms (number, started_on, ended_on, created_at) "
                                  "VALUES (?, ?, ?, ?)", (number, start.isoformat(), end.isoformat(),
                                                          f"{start.isoformat()}T09:00:00")).lastrowid
        for session in range(1, TERM_YEARS + 1):
            held = min(add_years(start, session - 1) + dt.timedelta(days=rng.randint(5, 12)), end)
            db.conn.execute("INSERT INTO congress_sessions (term_id, number, kind, held_on, venue, created_at) "
                            "VALUES (?, ?, ?, ?, ?, ?)", (term_id, session, kind, held.isoformat(), venue,
                                                          f"{held.isoformat()}T09:00:00"))
        eligible = [r[0] for r in db.execute(
            "SELECT id FROM members WHERE voided_at IS NULL AND join_date <= ? AND (status = '在册' OR status_date > ?) "
            "ORDER BY id", [start.isoformat(), end.isoformat()])]
        chosen = sorted(rng.sample(eligible, min(len(eligible), max(12, round(len(eligible) * DELEGATE_SHARE)))))
        db.conn.executemany("INSERT INTO congress_delegates (term_id, member_id, role) VALUES (?, ?, '正式代表')",
                            [(term_id, m) for m in chosen])


def add_proposals(db, rng: random.Random, today: dt.date, kind: str, count: int) -> int:
    """``count`` proposals spread over the sessions (see the module text), with co-signers and handling."""
    if count <= 0:
        return 0
    from gonghui_desk.congress.demo_data import (COMPANY_PROPOSALS, DEPARTMENTS, DISSATISFIED_NOTE,
                                                 NOT_REGISTERED_REASONS, REPLIES, REVIEWER, SCHOOL_PROPOSALS,
                                                 SUGGESTION_REASON, UNSOLVABLE_REASONS)
    from gonghui_desk.congress.store import format_number

    _earlier_terms(db, rng, today)
    sessions = db.execute(
        "SELECT s.id, s.term_id, t.number, s.number, s.held_on, s.number_format FROM congress_sessions s "
        "JOIN congress_terms t ON t.id = s.term_id WHERE s.voided_at IS NULL AND t.voided_at IS NULL "
        "AND s.held_on IS NOT NULL ORDER BY s.held_on").fetchall()
    if not sessions:
        return 0
    pool = SCHOOL_PROPOSALS if kind == "school" else COMPANY_PROPOSALS
    departments = DEPARTMENTS[kind]
    leaders = [r[0] for r in db.execute("SELECT name FROM members WHERE status = '在册' AND voided_at IS NULL "
                                        "ORDER BY id LIMIT 200")]
    delegates: dict[int, list[int]] = {}
    for term_id, member_id in db.execute(
            "SELECT term_id, member_id FROM congress_delegates WHERE role = '正式代表' AND voided_at IS NULL "
            "AND from_date IS NULL AND to_date IS NULL ORDER BY term_id, member_id"):
        delegates.setdefault(term_id, []).append(member_id)
    delegations = {}
    for term_id, name in db.execute("SELECT term_id, name FROM congress_delegations WHERE voided_at IS NULL"):
        delegations.setdefault(term_id, []).append(name)
    next_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM proposals").fetchone()[0]
    proposals, cosigners, handlings = [], [], []
    per_session = [count // len(sessions) + (i < count % len(sessions)) for i in range(len(sessions))]
    newest = sessions[-1][0]
    for (session_id, term_id, term_number, session_number, held_on, number_format), n in zip(sessions, per_session):
        people = delegates.get(term_id) or leaders
        held = dt.date.fromisoformat(held_on)
        seq = db.execute("SELECT coalesce(max(seq), 0) FROM proposals WHERE session_id = ?", [session_id]).fetchone()[0]
        registered: list[int] = []
        for _ in range(n):
            seq += 1
            category, title, department, reason, measures = rng.choice(pool)
            submitted = held - dt.timedelta(days=rng.randint(1, 30))
            proposer, proposer_text, signers = None, "", []
            if delegations.get(term_id) and rng.random() < 0.05:
                proposer_text = rng.choice(delegations[term_id])
            else:
                chosen = rng.sample(people, min(len(people), 1 + rng.randint(2, 4)))
                proposer, signers = chosen[0], chosen[1:]
            reviewed = min(held + dt.timedelta(days=rng.randint(3, 10)), today)
            review = rng.choices([r for r, _ in REVIEW_MIX], [w for _, w in REVIEW_MIX])[0]
            if session_id == newest and rng.random() < 0.01:
                review = ""  # 待审查
            if review == "并案" and not registered:
                review = "立案"
            merged = rng.choice(registered) if review == "并案" else None
            review_reason = {"不立案": rng.choice(NOT_REGISTERED_REASONS), "转意见建议": SUGGESTION_REASON,
                             "并案": "与另一件提案所提事项相同，合并办理"}.get(review, "")
            proposals.append((next_id, session_id, seq, format_number(number_format, term_number, session_number,
                                                                         held.year, seq),
                              title, reason, measures, proposer, proposer_text, category, submitted.isoformat(),
                              review, review_reason, merged, REVIEWER if review else "",
                              reviewed.isoformat() if review else None, f"{submitted.isoformat()}T10:00:00"))
            cosigners += [(next_id, m) for m in signers]
            if review == "立案":
                registered.append(next_id)
                handlings.append(_handling(rng, next_id, departments[department], departments, leaders, reviewed,
                                           today, REPLIES, UNSOLVABLE_REASONS, DISSATISFIED_NOTE))
            next_id += 1
    db.conn.executemany(_insert_sql("proposals", _PROPOSAL_COLUMNS), proposals)
    db.conn.executemany("INSERT INTO proposal_cosigners (proposal_id, member_id) VALUES (?, ?)", cosigners)
    db.conn.executemany(_insert_sql("proposal_handlings", _HANDLING_COLUMNS), [h for h in handlings if h])
    return len(proposals)


def _handling(rng, proposal_id, lead, departments, leaders, reviewed, today, replies, unsolvable, dissatisfied):
    """The first round of handling of a registered proposal: assigned, and (unless recent) answered and rated."""
    assigned = min(reviewed + dt.timedelta(days=rng.randint(2, 7)), today)
    deadline = assigned + dt.timedelta(days=rng.choice((30, 45, 60, 90)))
    others = [d for d in departments.values() if d != lead]
    co = json.dumps(rng.sample(others, rng.choice((0, 0, 1, 1, 2))), ensure_ascii=False)
    replied = assigned + dt.timedelta(days=rng.randint(7, (deadline - assigned).days + 10))
    if replied > today - dt.timedelta(days=3) or rng.random() < 0.03:
        return (proposal_id, 1, lead, co, rng.choice(leaders), assigned.isoformat(), deadline.isoformat(),
                "", None, "", "", "", None, "")
    result = rng.choices([r for r, _ in RESULT_MIX], [w for _, w in RESULT_MIX])[0]
    rated = replied + dt.timedelta(days=rng.randint(2, 15))
    rating = rng.choices([r for r, _ in RATING_MIX], [w for _, w in RATING_MIX])[0] if rated <= today else ""
    return (proposal_id, 1, lead, co, rng.choice(leaders), assigned.isoformat(), deadline.isoformat(),
            replies[result], replied.isoformat(), result, rng.choice(unsolvable) if result == "暂不能解决" else "",
            rating, rated.isoformat() if rating else None, dissatisfied if rating == "不满意" else "")


# --- checking ----------------------------------------------------------------------------------------------
def check_database(path: str | Path) -> dict[str, int]:
    """Row counts of the main tables of the file at ``path``; raises AssertionError when a foreign key points
    nowhere or the file fails SQLite's integrity check (read-only, nothing changed)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        assert not broken, f"foreign keys pointing nowhere: {broken[:5]}"
        integrity = conn.execute("PRAGMA quick_check").fetchone()[0]
        assert integrity == "ok", integrity
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNT_TABLES}
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--year", type=int, default=default_year(), help="the report year (data up to its 31 Dec)")
    parser.add_argument("--workdir", type=Path, default=default_workdir())
    parser.add_argument("--link", type=Path, help="also make PATH a symbolic link to the database")
    args = parser.parse_args()
    path = large_database(args.workdir, args.members, args.rows, args.year)
    counts = check_database(path)
    print(f"{path}: {path.stat().st_size / 2 ** 20:.0f} MB; " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    if args.link:
        tmp = args.link.with_name(args.link.name + ".new")
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(path.resolve())
        tmp.replace(args.link)
        print(f"{args.link} -> {path.resolve()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
