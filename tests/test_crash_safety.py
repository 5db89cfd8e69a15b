"""Crash safety: a process killed with SIGKILL in the middle of a change leaves a sound file with all or none of it.

Each operation runs in a subprocess (``tests/crash_harness.py``) through the app's own code and is killed at many
deterministic points: SQLite progress-handler calls spread over the whole run (densest inside the transaction),
the statements just before BEGIN and COMMIT, the moment COMMIT has returned, file-system calls (every step of an
online backup copy, each rename) and seeded timer kills. After each kill the file is opened with plain sqlite3
first (``integrity_check``, ``foreign_key_check``), its rows must equal exactly the state before the operation
or exactly the state a clean run leaves (timestamps aside), a change the harness saw committed must be there,
and then the app opens the file (WAL recovery) and writes to it.

The operations: the member roster import and the visit-ledger import (``gonghui-desk … import``), a batch care
campaign created as the wizard's 完成 does and recorded (发放并登记: one visit per recipient), 立即备份
(``backup_now``) and the restore from a backup (``restore_backup``), of this version and of version 1 (upgraded
on the way). Files a kill leaves behind must be ignored or removed by the next start. Linux/macOS only; about
130 subprocesses, two at a time (``pytest -s`` prints each operation's runs and time).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from gonghui_desk import backup as backup_module
from gonghui_desk import demo
from gonghui_desk.care.campaigns import campaign_recipients
from gonghui_desk.db import open_database
from gonghui_desk.db.migrations import MIGRATIONS
from gonghui_desk.idcard import check_char
from gonghui_desk.members import MemberStore
from tests.conftest import TODAY
from tests.upgrade_fixtures import snapshot

pytestmark = pytest.mark.skipif(sys.platform == "win32" or not hasattr(signal, "SIGKILL"),
                                reason="SIGKILL and the kill harness exist on Linux/macOS only")

REPO = Path(__file__).resolve().parents[1]
HARNESS = REPO / "tests" / "crash_harness.py"
WORKERS = max(2, min(4, os.cpu_count() or 2))  # harness subprocesses at once
DB_NAME = "union.sqlite3"
SQLITE_FILES = {DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", f"{DB_NAME}-journal"}
DEMO_MEMBERS = 400
CAMPAIGN_DATE = "2026-11-20"
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?")


# --- the state of a file ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class State:
    digest: str
    counts: tuple[tuple[str, int], ...]

    def count(self, table: str) -> int:
        return dict(self.counts)[table]

    def differences(self, other: State) -> str:
        mine, theirs = dict(self.counts), dict(other.counts)
        changed = [f"{t} {theirs.get(t)}→{n}" for t, n in mine.items() if theirs.get(t) != n]
        return "、".join(changed) or "same counts, different rows"


def _normal(value):
    """Timestamps written by SQLite's clock ('now') differ between two runs of the same change."""
    return TIMESTAMP.sub("<ts>", value) if isinstance(value, str) else value


def file_state(path: Path) -> State:
    """Every row of every table (plain sqlite3, by primary key), timestamps masked, as one digest."""
    digest = hashlib.sha256()
    counts = []
    for table, content in snapshot(path).items():
        digest.update(f"\0{table}\0{content['columns']!r}".encode())
        for key, row in content["rows"].items():
            digest.update(repr((key, [_normal(v) for v in row.values()])).encode())
        counts.append((table, len(content["rows"])))
    return State(digest.hexdigest(), tuple(counts))


def sound_file_problems(path: Path) -> list[str]:
    """``PRAGMA integrity_check`` and ``foreign_key_check`` through plain sqlite3, before the app touches it."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return [f"plain sqlite3 cannot read the file: {exc}"]
    finally:
        conn.close()
    problems = []
    if integrity != ["ok"]:
        problems.append(f"integrity_check: {integrity[:5]}")
    if broken:
        problems.append(f"foreign_key_check: {broken[:5]}")
    return problems


def app_can_write(path: Path) -> str | None:
    """The app opens the file (WAL recovery, the version guard) and a write goes through; None when it does."""
    try:
        db = open_database(path, create=False)
        try:
            before = db.execute("SELECT count(*) FROM members").fetchone()[0]
            MemberStore(db).create({"name": "崩溃后录入"}, today=TODAY)
            after = db.execute("SELECT count(*) FROM members").fetchone()[0]
        finally:
            db.conn.close()
    except Exception as exc:  # noqa: BLE001 - reported with the kill point
        return f"the app cannot open or write the file: {type(exc).__name__}: {exc}"
    return None if after == before + 1 else f"the app's write did not land ({before} → {after} members)"


# --- running the harness ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KillPoint:
    label: str
    args: tuple[str, ...]
    within_run: bool = True  # the trigger lies inside a clean run: the process must die by SIGKILL


@dataclass
class Outcome:
    point: KillPoint
    folder: Path
    returncode: int
    stdout: str
    stderr: str
    files: dict[str, int] = field(default_factory=dict)  # the folder's files and sizes as the process left them
    state: State | None = None  # the file's rows as the kill left them (set by judge)

    @property
    def db(self) -> Path:
        return self.folder / DB_NAME

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL

    @property
    def committed(self) -> bool:
        return "COMMITTED" in self.stdout.splitlines()

    @property
    def kill_line(self) -> dict | None:
        for line in self.stdout.splitlines():
            if line.startswith("KILL "):
                words = dict(w.split("=", 1) for w in line.split()[1:] if "=" in w)
                return {"what": line[5:], "commits": int(words["commits"]), "in_commit": words["in_commit"] == "1"}
        return None

    def describe(self) -> str:
        tail = self.stderr.strip().splitlines()[-3:]
        return (f"[{self.point.label}] rc={self.returncode} kill={self.kill_line and self.kill_line['what']!r} "
                f"committed={self.committed} stderr={' | '.join(tail)!r}")


def run_harness(operation: str, folder: Path, source: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env["PYTHONHASHSEED"] = "0"  # the same statements in the same order on every run: the kill points repeat
    return subprocess.run([sys.executable, str(HARNESS), operation, str(folder / DB_NAME), str(source), *args],
                          cwd=folder, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120)


@dataclass
class Scenario:
    """One operation on a starting file. Each run gets its own folder with a copy of the database;
    ``input_for(folder)`` is the operation's input (a file only read can be shared by every run)."""
    operation: str
    start: Path
    input_for: Callable[[Path], Path]
    stats: dict = field(default_factory=dict)

    def run(self, folder: Path, point: KillPoint | None) -> Outcome:
        folder.mkdir(parents=True)
        shutil.copyfile(self.start, folder / DB_NAME)
        done = run_harness(self.operation, folder, self.input_for(folder), *(point.args if point else ()))
        files = {p.name: p.stat().st_size for p in folder.iterdir() if p.is_file()}
        return Outcome(point or KillPoint("clean", (), within_run=False), folder, done.returncode, done.stdout,
                       done.stderr, files)


def shared(path: Path) -> Callable[[Path], Path]:
    return lambda folder: path


def clean_run(scenario: Scenario, folder: Path) -> Outcome:
    """The operation once without a kill: its counts (``STATS``) and the state it leaves."""
    outcome = scenario.run(folder, None)
    assert outcome.returncode == 0 and outcome.committed, outcome.describe() + "\n" + outcome.stdout[-2000:]
    line = next(x for x in outcome.stdout.splitlines() if x.startswith("STATS "))
    scenario.stats = json.loads(line[6:])
    return outcome


# --- choosing the kill points -------------------------------------------------------------------------------------
def vm_points(stats: dict, *, spread: int, in_transaction: int) -> list[KillPoint]:
    """Progress-handler calls: the first ones, ``spread`` over the whole run, ``in_transaction`` between the
    last BEGIN and the last COMMIT (its two ends included), and the last one."""
    total = stats["vm_calls"]
    chosen = {1, 2, total}
    chosen |= {round(total * i / (spread + 1)) for i in range(1, spread + 1)}
    if stats["commit_vm"]:
        begin = stats["begin_vm"][-1] if stats["begin_vm"] else 0
        commit = stats["commit_vm"][-1]
        chosen |= {begin + 1, commit - 1, commit}
        chosen |= {begin + round((commit - begin) * i / (in_transaction + 1)) for i in range(1, in_transaction + 1)}
    return [KillPoint(f"vm {n}/{total}", ("--kill-at", str(n)), within_run=n < total)
            for n in sorted(c for c in chosen if 1 <= c <= total)]


def boundary_points(stats: dict) -> list[KillPoint]:
    """Just before the last BEGIN, just before the last COMMIT, and the moment each COMMIT has returned."""
    points = []
    if stats["begin_stmt"]:
        points.append(KillPoint("before BEGIN", ("--kill-stmt", str(stats["begin_stmt"][-1]))))
    if stats["commit_stmt"]:
        points.append(KillPoint("before COMMIT", ("--kill-stmt", str(stats["commit_stmt"][-1]))))
        for k in range(1, len(stats["commit_stmt"]) + 1):
            points.append(KillPoint(f"after COMMIT {k}", ("--kill-after-commit", str(k))))
    return points


def timer_points(stats: dict, count: int, seed: str) -> list[KillPoint]:
    """Seeded random times within the operation's clean run time; a timer may come too late (then rc 0)."""
    rng = random.Random(seed)
    elapsed = stats["elapsed_ms"]
    return [KillPoint(f"timer {ms:.0f}ms", ("--kill-after-ms", f"{ms:.1f}"), within_run=False)
            for ms in sorted(rng.uniform(0.05, 1.0) * elapsed for _ in range(count))]


def fs_points(stats: dict, *, names: tuple[str, ...], every: int = 1) -> list[KillPoint]:
    """Before (and after, for renames) file-system calls of the clean run: every ``every``-th backup step, the
    first and last always."""
    calls = [c for c in stats["fs_calls"] if c.split(":")[0] in names]
    steps = [c for c in calls if c.startswith("backup_step:")]
    keep = set(steps[::every]) | set(steps[:1]) | set(steps[-1:]) | {c for c in calls if c not in steps}
    points = []
    for call in calls:
        if call not in keep:
            continue
        points.append(KillPoint(f"before {call}", ("--kill-fs", call)))
        if not call.startswith("backup_step:"):
            points.append(KillPoint(f"after {call}", ("--kill-fs", f"{call}:after")))
    return points


# --- judging one kill ---------------------------------------------------------------------------------------------
def judge(outcome: Outcome, before: State, after: State, *, commits: int | None) -> tuple[list[str], str]:
    """The problems of one killed run (empty: none) and the state the file is in (before, after, other).
    ``commits`` = the COMMITs of a clean run, when they are what makes the change (None: a change made another
    way, e.g. the backup API; only a finished run then says which state to expect)."""
    problems = []
    say = problems.append
    if outcome.point.within_run and not outcome.killed:
        say(f"the process was not killed by SIGKILL at a point inside the run: {outcome.describe()}")
    if not outcome.killed and outcome.returncode != 0:
        say(f"the operation failed: {outcome.describe()}")
    problems += sound_file_problems(outcome.db)
    if problems:
        return problems, "other"
    state = outcome.state = file_state(outcome.db)
    kill = outcome.kill_line
    if outcome.committed:
        expected = "after"  # the operation returned: what it committed must be in the file
    elif commits is not None and kill is not None and not kill["in_commit"]:
        expected = "before" if kill["commits"] == 0 else "after" if kill["commits"] >= commits else None
    else:
        expected = None
    matches = [name for name, known in (("before", before), ("after", after)) if known == state]
    which = expected if expected in matches else matches[0] if matches else "other"
    if which == "other":
        say(f"the file holds part of the change: {state.differences(before)} against before, "
            f"{state.differences(after)} against after")
    if which != "other" and expected is not None and which != expected:
        say(f"expected the {expected}-state (commits done: {kill and kill['commits']}, COMMITTED: "
            f"{outcome.committed}) but the file is in the {which}-state")
    return problems, which


def run_and_check(scenario: Scenario, points: list[KillPoint], base: Path, before: State, after: State, *,
                  commits: int | None, after_kill: Callable[[Outcome], list[str]] | None = None
                  ) -> tuple[dict[str, int], dict[str, Outcome]]:
    """Run every kill point (``WORKERS`` at once), judge each file as soon as its process died, let
    ``after_kill`` look further (left-over files…) and the app open and write it. Fails listing every bad kill
    point; returns how many runs ended in which state, and the runs by their kill point's label."""
    labels = [p.label for p in points]
    assert len(set(labels)) == len(labels), labels

    def one(item: tuple[int, KillPoint]) -> tuple[Outcome, list[str], str]:
        number, point = item
        outcome = scenario.run(base / f"kill-{number:02d}", point)
        problems, which = judge(outcome, before, after, commits=commits)
        if not problems:
            problems += after_kill(outcome) if after_kill is not None else []
            problem = app_can_write(outcome.db)
            problems += [problem] if problem else []
        return outcome, problems, which

    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(one, enumerate(points)))
    failures = [f"{outcome.point.label}: {problem}" for outcome, problems, _ in results for problem in problems]
    assert not failures, "\n".join(failures)
    tally = {"before": 0, "after": 0, "other": 0}
    for _, _, which in results:
        tally[which] += 1
    return tally, {outcome.point.label: outcome for outcome, _, _ in results}


def leftovers(folder: Path, expected: set[str]) -> set[str]:
    return {p.name for p in folder.iterdir()} - expected - SQLITE_FILES


# --- the starting files -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def start_file(tmp_path_factory) -> Path:
    """A demo school union of 400 members with two years of records (visits, campaigns, hardship files…)."""
    from gonghui_desk import modules

    modules.load()
    path = tmp_path_factory.mktemp("crash_start") / DB_NAME
    db = open_database(path)
    try:
        demo.generate_demo(db, kind="school", members=DEMO_MEMBERS, seed=7, today=TODAY)
    finally:
        db.conn.close()
    return path


def _live_members(path: Path, status: str = "在册") -> list[tuple]:
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("SELECT id, name, id_number FROM members WHERE voided_at IS NULL AND status = ? "
                            "AND id_number IS NOT NULL ORDER BY id", (status,)).fetchall()
    finally:
        conn.close()


def write_roster(path: Path, start: Path, *, new: int, updated: int) -> Path:
    """A roster CSV: ``new`` people not on the roll (five new departments) and ``updated`` members with a new
    phone number."""
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        sheet = csv.writer(out)
        sheet.writerow(["姓名", "性别", "身份证号", "出生日期", "手机号", "部门", "入会日期"])
        for i in range(new):
            birth = dt.date(1975, 1, 1) + dt.timedelta(days=37 * i)
            first17 = f"330106{birth:%Y%m%d}{i % 500:03d}"
            sheet.writerow([f"新会员{i:03d}", "男" if int(first17[-1]) % 2 else "女", first17 + check_char(first17),
                            birth.isoformat(), f"139{i:08d}", f"新部门{i % 5}", "2020-03-01"])
        for n, (_id, name, id_number) in enumerate(_live_members(start)[:updated]):
            sheet.writerow([name, "", id_number, "", f"137{n:08d}", "", ""])
    return path


def write_ledger(path: Path, start: Path, *, rows: int) -> Path:
    """A visit ledger CSV: one 节日慰问 (重阳) per member on the roll, matched by ID number."""
    members = _live_members(start)[:rows]
    assert len(members) == rows
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        sheet = csv.writer(out)
        sheet.writerow(["序号", "被慰问人", "身份证号", "慰问事由", "慰问日期", "慰问人", "慰问金额（元）", "经费来源",
                        "是否签收"])
        for n, (_id, name, id_number) in enumerate(members, 1):
            sheet.writerow([n, name, id_number, "重阳节", "2024-10-11", "王主席", 150 + n % 3 * 50, "工会经费", "是"])
    return path


# --- the tests ----------------------------------------------------------------------------------------------------
def _timed(name: str, started: float, runs: int, tally: dict | None = None) -> None:
    """The runs and the time an operation's kills took (shown with ``pytest -s``)."""
    print(f"\ncrash safety, {name}: {runs} runs in {time.perf_counter() - started:.1f}s"
          + (f", ended {tally}" if tally else ""))


def nothing_left(outcome: Outcome) -> list[str]:
    """A change in the database leaves no file but SQLite's own beside it, and the command's lock file
    (``union.sqlite3.lock``, db/file_lock.py), which the next start must take over: its holder no longer runs."""
    from gonghui_desk.db.file_lock import DatabaseLock, lock_path_for

    lock_file = lock_path_for(outcome.db)
    left = leftovers(outcome.folder, {lock_file.name})
    problems = [f"files left beside the database: {sorted(left)}"] if left else []
    if lock_file.exists():
        lock = DatabaseLock(outcome.db)
        try:
            lock.acquire()
        except Exception as exc:  # noqa: BLE001 - reported with the kill point
            problems.append(f"the lock left by the killed process is not taken over: {exc}")
        else:
            lock.release()
            if lock_file.exists():
                problems.append("the lock file stays after the next holder released it")
    return problems


def _db_operation_test(scenario: Scenario, base: Path, *, spread: int, in_transaction: int, timers: int,
                       expect: dict[str, int]) -> tuple[State, State, Path]:
    """The common part of the import and campaign tests: a clean run, the kill runs, the checks."""
    started = time.perf_counter()
    before = file_state(scenario.start)
    reference = clean_run(scenario, base / "clean")
    after = file_state(reference.db)
    stats = scenario.stats
    assert len(stats["commit_stmt"]) == 1, f"{scenario.operation}: one transaction expected, got {stats}"
    for table, change in expect.items():
        assert after.count(table) - before.count(table) == change, (table, after.count(table), before.count(table))
    points = (vm_points(stats, spread=spread, in_transaction=in_transaction) + boundary_points(stats)
              + timer_points(stats, timers, scenario.operation))
    tally, outcomes = run_and_check(scenario, points, base, before, after, commits=1, after_kill=nothing_left)
    # the deterministic points fall on both sides of the commit
    assert tally["before"] >= len(points) // 2 and tally["after"] >= 1, tally
    # killed as soon as COMMIT returned, the change was only in the -wal (synchronous=NORMAL, no checkpoint yet):
    # the after-state came from SQLite's WAL recovery
    assert outcomes["after COMMIT 1"].files.get(f"{DB_NAME}-wal", 0) > 0, outcomes["after COMMIT 1"].files
    _timed(scenario.operation, started, len(points) + 1, tally)
    return before, after, reference.db


def test_member_import_killed_anywhere_leaves_all_or_none(start_file, tmp_path):
    """`gonghui-desk members import`: 250 new members (5 new departments) and 60 updated, in one transaction."""
    roster = write_roster(tmp_path / "roster.csv", start_file, new=250, updated=60)
    scenario = Scenario("members-import", start_file, shared(roster))

    before, after, _ = _db_operation_test(scenario, tmp_path, spread=4, in_transaction=4, timers=2,
                                          expect={"members": 250, "sub_units": 5})
    assert after.count("change_log") > before.count("change_log") + 250
    assert after.count("member_status_changes") >= before.count("member_status_changes") + 250


def test_visit_import_killed_anywhere_leaves_all_or_none(start_file, tmp_path):
    """`gonghui-desk visits import`: a ledger of 250 visits matched by ID number, in one transaction."""
    ledger = write_ledger(tmp_path / "ledger.csv", start_file, rows=250)
    scenario = Scenario("visits-import", start_file, shared(ledger))

    _db_operation_test(scenario, tmp_path, spread=3, in_transaction=3, timers=1, expect={"visits": 250})


@pytest.fixture(scope="module")
def campaign_files(start_file, tmp_path_factory):
    """What the wizard was given (every member on the roll by criteria, 5 of them taken off by hand, 3 retirees
    added, 4 amounts changed), its file, and the number of recipients it makes."""
    folder = tmp_path_factory.mktemp("campaign")
    on_roll = _live_members(start_file)
    retired = _live_members(start_file, "退休")
    spec = {"name": "2026年冬季送温暖", "date": CAMPAIGN_DATE, "occasion": "节日慰问", "fund_source": "本级工会经费",
            "cash_fen": 30000, "criteria": {"statuses": ["在册"]}, "remove": [m[0] for m in on_roll[:5]],
            "add": [m[0] for m in retired[:3]], "amounts": {str(m[0]): 50000 for m in on_roll[10:14]}}
    spec_path = folder / "campaign.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    return spec, spec_path, len(on_roll) - 5 + 3


def test_campaign_creation_killed_anywhere_leaves_all_or_none(start_file, campaign_files, tmp_path):
    """新建批量慰问 → 建立: the campaign and its recipients (a few hundred), the hand-made changes, in one
    transaction."""
    spec, spec_path, recipients = campaign_files
    scenario = Scenario("campaign-create", start_file, shared(spec_path))

    _, _, made = _db_operation_test(scenario, tmp_path, spread=3, in_transaction=4, timers=1,
                                    expect={"campaigns": 1, "campaign_recipients": recipients})
    db = open_database(made, create=False)
    try:
        campaign_id = db.execute("SELECT max(id) FROM campaigns").fetchone()[0]
        rows = campaign_recipients(db, campaign_id)
    finally:
        db.conn.close()
    assert len(rows) == recipients
    assert sorted(r["cash_fen"] for r in rows).count(50000) == 4


def test_campaign_recording_killed_anywhere_leaves_all_or_none(start_file, campaign_files, tmp_path):
    """发放并登记 on the draft a clean creation run made: one visit per recipient (a few hundred) and the
    campaign marked recorded, in one transaction."""
    spec, spec_path, recipients = campaign_files
    draft = tmp_path / "draft"
    made = Scenario("campaign-create", start_file, shared(spec_path))
    clean_run(made, draft)
    conn = sqlite3.connect(str(draft / DB_NAME))
    campaign_id = conn.execute("SELECT max(id) FROM campaigns").fetchone()[0]
    conn.close()
    record_spec = tmp_path / "record.json"
    record_spec.write_text(json.dumps({"campaign_id": campaign_id, "today": TODAY.isoformat(),
                                       "override_reason": "冬季送温暖统一标准"}), encoding="utf-8")
    scenario = Scenario("campaign-record", draft / DB_NAME, shared(record_spec))

    _db_operation_test(scenario, tmp_path / "record", spread=3, in_transaction=5, timers=1,
                       expect={"visits": recipients, "campaigns": 0})


def test_backup_killed_anywhere_leaves_no_target_or_a_whole_one(start_file, tmp_path):
    """立即备份 (``backup_now``): the live file is never touched; the target is absent or a complete copy —
    never a truncated file under its name. A kill can leave ``copy.sqlite3.part`` and SQLite's side files of
    it (``.part-journal``, ``.part-wal``, ``.part-shm``): the next backup to that name, of a database changed
    in between, must ignore them and give a whole copy of the database as it is then."""
    started = time.perf_counter()
    target_name = "copy.sqlite3"
    part_files = {f"{target_name}.part{suffix}" for suffix in ("", "-journal", "-wal", "-shm")}
    scenario = Scenario("backup", start_file, lambda folder: folder / target_name)
    before = file_state(start_file)
    reference = clean_run(scenario, tmp_path / "clean")
    assert file_state(reference.folder / target_name) == before
    assert not leftovers(reference.folder, {target_name}), "a clean backup leaves nothing behind"
    stats = scenario.stats
    points = (fs_points(stats, names=("backup_step", "replace", "unlink"), every=8)
              + vm_points(stats, spread=0, in_transaction=0) + timer_points(stats, 2, "backup"))
    seen: dict[str, int] = {"no target": 0, "whole target": 0}
    lock = threading.Lock()

    def target_checks(outcome: Outcome) -> list[str]:
        folder = outcome.folder
        target = folder / target_name
        left = leftovers(folder, {target_name})
        with lock:
            seen["whole target" if target.exists() else "no target"] += 1
            for name in left:
                seen[name] = seen.get(name, 0) + 1
        problems = []
        if target.exists():
            problems += [f"target: {p}" for p in sound_file_problems(target)]
            if not problems and file_state(target) != before:
                problems.append("the target is not a copy of the database")
        if left - part_files:
            problems.append(f"unexpected files left: {sorted(left - part_files)}")
        if left:  # the next backup, of a changed database, to the same name
            problem = app_can_write(outcome.db)
            backup_module.backup_now(outcome.db, target)
            changed = file_state(outcome.db)
            if problem or sound_file_problems(target) or file_state(target) != changed:
                problems.append(f"the next backup over the left-overs {sorted(left)} is not a whole copy: {problem}")
            if (folder / f"{target_name}.part").exists():
                problems.append("the next backup left its .part behind")
        return problems

    run_and_check(scenario, points, tmp_path, before, before, commits=None, after_kill=target_checks)
    assert seen["no target"] and seen["whole target"], seen
    _timed("backup", started, len(points) + 1, seen)


def test_the_next_start_removes_what_a_killed_automatic_backup_left(start_file, tmp_path):
    """The automatic backup killed just before its rename leaves a whole plain copy as ``.part``: the next
    start (``auto_backup_if_due`` calls ``remove_partial_copies``) removes it once it is an hour old."""
    target = tmp_path / "run" / "backups" / f"{Path(DB_NAME).stem}-2026-11-22.sqlite3"
    scenario = Scenario("backup", start_file, lambda folder: target)
    outcome = scenario.run(tmp_path / "run", KillPoint("before replace:1", ("--kill-fs", "replace:1")))
    assert outcome.killed and not target.exists(), outcome.describe()
    part = target.with_name(target.name + ".part")
    assert not sound_file_problems(part) and file_state(part) == file_state(start_file)  # a whole copy

    assert backup_module.remove_partial_copies(outcome.db, older_than_seconds=3600) == []  # maybe still running
    backup_module.remove_partial_copies(outcome.db)

    assert sorted(p.name for p in target.parent.iterdir()) == []


# --- restore ------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def restore_files(start_file, tmp_path_factory):
    """The live file (the starting file with a roster import of 250 new members on top) and a backup of the
    starting file made by 立即备份 (``backup_now``)."""
    from gonghui_desk.importing.member_import import members_import_command

    folder = tmp_path_factory.mktemp("restore")
    live = folder / "live.sqlite3"
    shutil.copyfile(start_file, live)
    roster = write_roster(folder / "roster.csv", start_file, new=250, updated=0)
    out = io.StringIO()
    assert members_import_command(live, roster, dry_run=False, skip_invalid=False, out=out) == 0, out.getvalue()
    return live, backup_module.backup_now(start_file, folder / "备份-20261120.sqlite3")


def restore_points(stats: dict, *, few: bool = False) -> tuple[list[KillPoint], Callable[[KillPoint], str | None]]:
    """Where a restore is killed, and the state each kill must leave (None: either).

    A clean run's file-system calls: the temporary folder, the copy of the backup (and, for an older backup, the
    copy the upgrade makes of it and its rename), the safety copy (``backups/<stem>-恢复前-….sqlite3``: backup
    steps, then its rename), the steps writing the copy into the live file (one transaction: its last step
    commits), the tidying. Points: progress-handler calls spread over the run and on both sides of the live
    write, file-system calls, every fourth or so step of the live write; ``few``: only the two sides of the
    live write's commit. Any COMMIT statement is the upgrade's, on the copy: the live file is still as it was."""
    calls, at_vm = stats["fs_calls"], stats["fs_vm"]
    last_replace = max(i for i, c in enumerate(calls) if c.startswith("replace:"))
    live_steps = [i for i, c in enumerate(calls) if c.startswith("backup_step:") and i > last_replace]
    first_live, last_live = live_steps[0], live_steps[-1]
    safety_steps = [i for i, c in enumerate(calls) if c.startswith("backup_step:") and i < last_replace]
    chosen = {0, 1, safety_steps[0], safety_steps[len(safety_steps) // 2], last_replace,
              *live_steps[::len(live_steps) // 4 or 1], last_live - 1, last_live, last_live + 1}
    live_vm = at_vm[first_live]  # the handler calls before the live write began (it runs none itself)
    total = stats["vm_calls"]
    vms = {1, live_vm // 2, live_vm, live_vm + 1, total}
    if few:
        chosen, vms = {last_live - 1, last_live}, {live_vm, live_vm + 1}
    points = [KillPoint(f"before {calls[i]}", ("--kill-fs", calls[i])) for i in sorted(chosen) if i < len(calls)]
    if not few:
        points.append(KillPoint(f"after {calls[last_replace]}", ("--kill-fs", f"{calls[last_replace]}:after")))
    points += [KillPoint(f"vm {n}/{total}", ("--kill-at", str(n)), within_run=n < total) for n in sorted(vms)]

    def expected(point: KillPoint) -> str | None:
        kind, value = point.args
        if kind == "--kill-at":
            return "before" if int(value) <= live_vm else "after"
        if kind == "--kill-fs":
            index = calls.index(value.removesuffix(":after"))
            return "after" if index >= last_live else "before"
        if kind in ("--kill-after-commit", "--kill-stmt"):
            return "before"
        return None

    return points, expected


def restore_and_check(scenario: Scenario, points: list[KillPoint], expected: Callable[[KillPoint], str | None],
                      base: Path, before: State, after: State) -> dict[str, int]:
    """Run a restore's kill points; besides :func:`judge`: the state each kill must leave, the safety copy, and
    what a kill leaves behind (see the tests)."""
    work_glob = f".{Path(DB_NAME).stem}{backup_module.WORK_PREFIX}*"
    backup_path = scenario.input_for(base)
    seen: dict[str, int] = {}
    lock = threading.Lock()

    def restore_checks(outcome: Outcome) -> list[str]:
        folder, problems = outcome.folder, []
        state = outcome.state
        want = expected(outcome.point)
        if want is not None and state != {"before": before, "after": after}[want]:
            problems.append(f"expected the {want}-state after this kill")
        backups = folder / "backups"
        safety = sorted(backups.glob(f"{Path(DB_NAME).stem}-恢复前-*.sqlite3")) if backups.is_dir() else []
        for copy in safety:
            problems += [f"safety copy {copy.name}: {p}" for p in sound_file_problems(copy)]
            if not problems and file_state(copy) != before:
                problems.append(f"the safety copy {copy.name} is not the live file as it was")
        listed = {e.path.name for e in backup_module.list_all_backups(outcome.db)}
        partial = sorted(p.name for p in backups.iterdir() if p.name not in listed) if backups.is_dir() else []
        work = sorted(p.name for p in folder.glob(work_glob))
        left = leftovers(folder, {"backups", *work})
        with lock:
            for name in partial:
                kind = "backups/…" + name[name.index(".sqlite3") + len(".sqlite3"):]
                seen[kind] = seen.get(kind, 0) + 1
            seen["work folder"] = seen.get("work folder", 0) + bool(work)
            seen[f"ended {want or 'either'}"] = seen.get(f"ended {want or 'either'}", 0) + 1
        if left:
            problems.append(f"unexpected files beside the database: {sorted(left)}")
        if any(not name.endswith((".part", ".part-journal", ".part-wal", ".part-shm")) for name in partial):
            problems.append(f"files in backups/ that are neither listed nor a .part: {partial}")
        if work:  # the next start (after an hour) or the next restore removes them
            removed = backup_module.remove_leftovers(outcome.db)
            if sorted(p.name for p in removed) != work or list(folder.glob(work_glob)):
                problems.append(f"remove_leftovers did not remove the work folders {work}")
        if partial:  # the next restore, over the .part of a safety copy cut short
            result = backup_module.restore_backup(outcome.db, backup_path)
            if file_state(outcome.db) != after or list(folder.glob(work_glob)):
                problems.append(f"the next restore over the left-overs {work + partial} did not work")
            if result.safety_copy is not None and file_state(result.safety_copy) != state:
                problems.append("the next restore's safety copy is not the file as the kill left it")
        return problems

    run_and_check(scenario, points, base, before, after, commits=None, after_kill=restore_checks)
    return seen


def test_restore_killed_anywhere_leaves_the_old_file_or_the_backup(restore_files, tmp_path):
    """``restore_backup``: the live file (a roster import newer than the backup) ends exactly as it was or exactly
    as the backup, on the side of the live write's commit where the kill fell; a safety copy under its final name
    is whole; what a kill leaves (the work folder, a ``.part`` of the safety copy) is removed at the next start or
    ignored: the backup list does not show it and the next restore works."""
    started = time.perf_counter()
    live, backup_path = restore_files
    scenario = Scenario("restore", live, shared(backup_path))
    before, backup_state = file_state(live), file_state(backup_path)
    assert before.count("members") == backup_state.count("members") + 250
    reference = clean_run(scenario, tmp_path / "clean")
    after = file_state(reference.db)
    assert after == backup_state, f"a restore gives the backup's rows: {after.differences(backup_state)}"
    points, expected = restore_points(scenario.stats)
    points += timer_points(scenario.stats, 2, "restore")

    seen = restore_and_check(scenario, points, expected, tmp_path, before, after)
    assert seen.get("ended before") and seen.get("ended after"), seen
    _timed("restore", started, len(points) + 1, seen)


def test_restore_of_an_older_backup_killed_while_it_is_upgraded(restore_files, start_file, tmp_path):
    """A backup made by version 1 of the app is upgraded on the working copy (every later migration, each in its
    own transaction) before the live file is written: a kill during the upgrade leaves the live file as it was."""
    from tests.upgrade_fixtures import database_at_version

    started = time.perf_counter()
    live, _ = restore_files
    old = database_at_version(tmp_path / "备份-v1.sqlite3", 1, start_file)
    scenario = Scenario("restore", live, shared(old))
    before = file_state(live)
    reference = clean_run(scenario, tmp_path / "clean")
    after = file_state(reference.db)
    stats = scenario.stats
    upgrades = len(stats["commit_stmt"])
    assert upgrades == len(MIGRATIONS) - 1, stats["commit_stmt"]
    assert after.count("members") == file_state(old).count("members") == before.count("members") - 250
    middle = upgrades // 2
    points = [KillPoint(f"vm {stats['begin_vm'][0] + 1}: first upgrade", ("--kill-at", str(stats["begin_vm"][0] + 1))),
              KillPoint(f"vm {stats['commit_vm'][middle]}: upgrade {middle + 1}",
                        ("--kill-at", str(stats["commit_vm"][middle]))),
              KillPoint(f"before COMMIT {upgrades}", ("--kill-stmt", str(stats["commit_stmt"][-1]))),
              KillPoint("after COMMIT 1", ("--kill-after-commit", "1")),
              KillPoint(f"after COMMIT {upgrades}", ("--kill-after-commit", str(upgrades)))]
    live_points, expected = restore_points(stats, few=True)
    points += live_points

    seen = restore_and_check(scenario, points, expected, tmp_path, before, after)
    assert seen.get("ended before") == len(points) - 2 and seen.get("ended after") == 2, seen
    _timed("restore (upgrade)", started, len(points) + 1, seen)
