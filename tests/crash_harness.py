"""Run one of the app's writing operations and kill the process with SIGKILL at a chosen point.

    python tests/crash_harness.py OPERATION DB INPUT [KILL TRIGGER]

Used by ``tests/test_crash_safety.py``: the test prepares the database and the input in a temporary folder,
runs this script as a subprocess (``PYTHONPATH`` = the repository) and then checks the file it leaves behind.
The script prepares nothing; it installs the kill trigger and runs the operation through the app's own code.

Operations (INPUT is what the operation reads):

- ``members-import FILE``: ``gonghui-desk members import FILE --db DB`` through ``cli.main``;
- ``visits-import FILE``: ``gonghui-desk visits import FILE --db DB`` through ``cli.main``;
- ``campaign-create SPEC.json``: what 完成 in the 新建批量慰问 wizard does (``CampaignWizard.create``): in one
  transaction ``create_campaign`` with the criteria, then the hand-made changes (remove, add, amounts);
- ``campaign-record SPEC.json``: 发放并登记, ``record_campaign`` (one visit per recipient, one transaction);
- ``backup TARGET``: ``backup.backup_now(DB, TARGET)``;
- ``restore BACKUP``: ``backup.restore_backup(DB, BACKUP)``.

Kill triggers (at most one; none = a clean run that prints its counts):

- ``--kill-at N``: at the N-th call of the SQLite progress handler (every ``--interval`` VM instructions, on
  every connection the process opens; ``sqlite3.connect`` is wrapped before the app is imported);
- ``--kill-stmt N``: as the N-th SQL statement starts (the trace callback, before the statement runs);
- ``--kill-fs NAME:K[:after]``: before (or just after) the K-th file-system call NAME: ``replace``, ``rename``,
  ``unlink``, ``copyfile``, ``fsync``, ``mkstemp``, ``mkdtemp``, ``backup_step`` (the moment one step of
  SQLite's online backup has returned; a backup runs 16 pages a step here, so that a kill can cut a copy in
  the middle);
- ``--kill-after-commit K``: as soon as the K-th COMMIT has returned to Python;
- ``--kill-after-ms MS``: a timer started just before the operation.

Lines on stdout, each flushed at once: ``KILL <trigger> commits=<C> in_commit=<0|1>`` just before the kill
(C = COMMIT statements finished so far); ``COMMITTED`` as soon as the operation has returned successfully;
``STATS {json}`` at the end of a run that was not killed (progress-handler calls, statements, the counts at
each BEGIN and COMMIT, the file-system calls in order with the progress-handler calls counted at each, the
operation's time in ms). Exit 0 on success, 3 when the operation failed (the error on stderr).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

BACKUP_PAGES = 16  # pages per step of an online backup (the app asks for all, or 256), so a kill can cut a copy
INTERVAL = 100  # VM instructions per progress-handler call (--interval)


class Trigger:
    """The counters and the kill. One instance per process."""

    def __init__(self, args):
        self.kill_at = args.kill_at
        self.kill_stmt = args.kill_stmt
        self.kill_after_commit = args.kill_after_commit
        self.fs_name, self.fs_index, self.fs_after = None, 0, False
        if args.kill_fs:
            parts = args.kill_fs.split(":")
            self.fs_name, self.fs_index = parts[0], int(parts[1])
            self.fs_after = len(parts) > 2 and parts[2] == "after"
        self.vm_calls = 0
        self.statements = 0
        self.commits_done = 0
        self.in_commit = False
        self.begin_vm: list[int] = []  # progress-handler calls counted when each BEGIN started
        self.begin_stmt: list[int] = []  # statement number of each BEGIN
        self.commit_vm: list[int] = []  # … and when each COMMIT started
        self.commit_stmt: list[int] = []
        self.fs_calls: list[str] = []  # "name:k" in order
        self.fs_vm: list[int] = []  # progress-handler calls counted at each of them
        self.fs_counts: dict[str, int] = {}
        self.lock = threading.RLock()

    def kill(self, what: str) -> None:
        print(f"KILL {what} commits={self.commits_done} in_commit={int(self.in_commit)}", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    # --- SQLite ---------------------------------------------------------------------------------------------
    def progress(self) -> int:
        with self.lock:
            self.vm_calls += 1
            if self.kill_at is not None and self.vm_calls == self.kill_at:
                self.kill(f"vm={self.vm_calls}")
        return 0

    def trace(self, sql: str) -> None:
        with self.lock:
            if self.in_commit:  # a statement after COMMIT started: that COMMIT returned
                self.in_commit = False
                self.commits_done += 1
            self.statements += 1
            word = sql.lstrip().upper()
            is_commit = word.startswith(("COMMIT", "END"))
            if self.kill_stmt is not None and self.statements == self.kill_stmt:
                self.kill(f"stmt={self.statements} sql={sql.strip()[:40]!r}")
            if word.startswith("BEGIN"):
                self.begin_vm.append(self.vm_calls)
                self.begin_stmt.append(self.statements)
            if is_commit:
                self.in_commit = True
                self.commit_vm.append(self.vm_calls)
                self.commit_stmt.append(self.statements)

    def settle(self) -> None:
        """Python code runs again after a COMMIT only once it returned."""
        with self.lock:
            if self.in_commit:
                self.in_commit = False
                self.commits_done += 1
                if self.kill_after_commit is not None and self.commits_done == self.kill_after_commit:
                    self.kill(f"after-commit={self.commits_done}")

    # --- the file system ------------------------------------------------------------------------------------
    def fs(self, name: str, call, *args, **kwargs):
        with self.lock:
            self.settle()
            count = self.fs_counts.get(name, 0) + 1
            self.fs_counts[name] = count
            self.fs_calls.append(f"{name}:{count}")
            self.fs_vm.append(self.vm_calls)
            hit = name == self.fs_name and count == self.fs_index
            if hit and not self.fs_after:
                self.kill(f"fs={name}:{count}:before")
        result = call(*args, **kwargs)
        if hit and self.fs_after:
            self.kill(f"fs={name}:{count}:after")
        return result


def install(trigger: Trigger) -> None:
    """Wrap sqlite3.connect and the file-system calls before the app is imported."""
    real_connect = sqlite3.connect

    class KillConnection(sqlite3.Connection):
        def backup(self, target, *, pages=-1, progress=None, name="main", sleep=0.25):
            def step(status, remaining, total):
                trigger.fs("backup_step", lambda: None)
                if progress is not None:
                    progress(status, remaining, total)

            return super().backup(target, pages=BACKUP_PAGES, progress=step, name=name, sleep=0)

        def execute(self, *args, **kwargs):
            cursor = super().execute(*args, **kwargs)
            trigger.settle()  # the statement returned: a COMMIT it was is done
            return cursor

        def executescript(self, *args, **kwargs):
            cursor = super().executescript(*args, **kwargs)
            trigger.settle()
            return cursor

        def commit(self):
            super().commit()
            trigger.settle()

    def connect(*args, **kwargs):
        trigger.settle()
        kwargs.setdefault("factory", KillConnection)
        conn = real_connect(*args, **kwargs)
        conn.set_progress_handler(trigger.progress, INTERVAL)
        conn.set_trace_callback(trigger.trace)
        return conn

    sqlite3.connect = connect
    sqlite3.dbapi2.connect = connect

    def wrap(module, attr, name):
        real = getattr(module, attr)

        def wrapper(*args, **kwargs):
            return trigger.fs(name, real, *args, **kwargs)

        wrapper.__wrapped__ = real
        setattr(module, attr, wrapper)

    wrap(os, "replace", "replace")
    wrap(os, "rename", "rename")
    wrap(os, "unlink", "unlink")
    wrap(os, "remove", "unlink")
    wrap(os, "fsync", "fsync")
    wrap(shutil, "copyfile", "copyfile")
    wrap(tempfile, "mkstemp", "mkstemp")
    wrap(tempfile, "mkdtemp", "mkdtemp")


# --- the operations ---------------------------------------------------------------------------------------------
def run_cli_import(command: str, db: Path, source: Path) -> None:
    from gonghui_desk import cli

    code = cli.main([command, "import", str(source), "--db", str(db)])
    if code != 0:
        raise SystemExit(f"{command} import ended with exit status {code}")


def campaign_create(db_path: Path, spec_path: Path) -> None:
    """The wizard's 完成 (``CampaignWizard.create``) without its pages: the same calls in the same transaction."""
    import datetime as dt

    from gonghui_desk.care.campaigns import (CampaignInput, RecipientCriteria, add_recipients, campaign_recipients,
                                             create_campaign, remove_recipients, set_recipient_amount)
    from gonghui_desk.care.occasions import find_occasion
    from gonghui_desk.db import open_database
    from gonghui_desk.db.connection import transaction

    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    db = open_database(db_path, create=False)
    try:
        occasion = find_occasion(db, spec["occasion"])
        data = CampaignInput(name=spec["name"], campaign_date=spec["date"], occasion_id=occasion.id,
                             fund_source=spec.get("fund_source", ""), default_cash_fen=spec["cash_fen"])
        criteria = RecipientCriteria.from_json(json.dumps(spec["criteria"]))
        with transaction(db):
            campaign_id = create_campaign(db, data, criteria, today=dt.date.fromisoformat(spec["date"]))
            remove_recipients(db, campaign_id, spec["remove"])
            add_recipients(db, campaign_id, spec["add"])
            current = {r["member_id"]: r for r in campaign_recipients(db, campaign_id)}
            for member_id, cash in spec["amounts"].items():
                if current[int(member_id)]["cash_fen"] != cash:
                    set_recipient_amount(db, campaign_id, int(member_id), cash_fen=cash)
    finally:
        db.conn.close()


def campaign_record(db_path: Path, spec_path: Path) -> None:
    import datetime as dt

    from gonghui_desk.care.campaigns import record_campaign
    from gonghui_desk.db import open_database

    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    db = open_database(db_path, create=False)
    try:
        record_campaign(db, spec["campaign_id"], override_reason=spec.get("override_reason", ""),
                        today=dt.date.fromisoformat(spec["today"]))
    finally:
        db.conn.close()


def backup(db_path: Path, target: Path) -> None:
    from gonghui_desk.backup import backup_now

    backup_now(db_path, target)


def restore(db_path: Path, source: Path) -> None:
    from gonghui_desk.backup import restore_backup

    restore_backup(db_path, source)


OPERATIONS = {  # name -> (what to import before the clock starts, the operation)
    "members-import": ("gonghui_desk.cli", lambda db, source: run_cli_import("members", db, source)),
    "visits-import": ("gonghui_desk.cli", lambda db, source: run_cli_import("visits", db, source)),
    "campaign-create": ("gonghui_desk.care.campaigns", campaign_create),
    "campaign-record": ("gonghui_desk.care.campaigns", campaign_record),
    "backup": ("gonghui_desk.backup", backup),
    "restore": ("gonghui_desk.backup", restore),
}


def main(argv: list[str] | None = None) -> int:
    global INTERVAL
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("operation", choices=sorted(OPERATIONS))
    parser.add_argument("db", type=Path)
    parser.add_argument("input", type=Path)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--kill-at", type=int)
    group.add_argument("--kill-stmt", type=int)
    group.add_argument("--kill-fs")
    group.add_argument("--kill-after-commit", type=int)
    group.add_argument("--kill-after-ms", type=float)
    parser.add_argument("--interval", type=int, default=100, help="VM instructions per progress-handler call")
    args = parser.parse_args(argv)
    INTERVAL = args.interval

    trigger = Trigger(args)
    install(trigger)
    # import the app before the clock starts, so that a timer kill falls inside the operation (the command line
    # loads every module as the app does; campaigns, backups and restores need none of the others)
    preload, operation = OPERATIONS[args.operation]
    importlib.import_module(preload)
    if preload == "gonghui_desk.cli":
        from gonghui_desk import modules

        modules.load()

    if args.kill_after_ms is not None:
        timer = threading.Timer(args.kill_after_ms / 1000, trigger.kill, [f"timer={args.kill_after_ms:.0f}ms"])
        timer.daemon = True
        timer.start()
    started = time.perf_counter()
    try:
        operation(args.db, args.input)
    except BaseException as exc:  # noqa: BLE001 - reported to the test, which fails the clean run
        print(f"operation failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 3
    elapsed = (time.perf_counter() - started) * 1000
    trigger.settle()
    print("COMMITTED", flush=True)
    print("STATS " + json.dumps({
        "vm_calls": trigger.vm_calls, "statements": trigger.statements, "begin_vm": trigger.begin_vm,
        "begin_stmt": trigger.begin_stmt, "commit_vm": trigger.commit_vm, "commit_stmt": trigger.commit_stmt,
        "fs_calls": trigger.fs_calls, "fs_vm": trigger.fs_vm, "elapsed_ms": round(elapsed, 1),
    }, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
