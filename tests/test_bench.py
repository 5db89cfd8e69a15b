"""Smoke test of the benchmark command: ``bench/run.py --quick`` on a tiny database lists every operation with
its numbers. Timings are never asserted (speed lives in bench/, on the large database)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NUMBER = re.compile(r"^\d+(\.\d+)? (ms|s|MB)$")
# every operation of the table, by the start of its name; the list rows come from bench_lists.py once it exists
OPERATIONS = ("start-up to a usable main window", "app memory", "import a 100-row roster", "annual report",
              "fill an upstream form", "cancel member import", "cancel export", "cancel annual report",
              "cancel backup", "cancel encrypted backup", "cancel form fill")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("bench")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--workdir", str(workdir)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return workdir, done.stdout


def _table(markdown: str) -> list[list[str]]:
    lines = [line for line in markdown.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines[1:]]


def test_quick_run_lists_every_operation_with_numbers(quick_run):
    workdir, stdout = quick_run
    rows = _table((workdir / "results.md").read_text(encoding="utf-8"))
    names = [row[0] for row in rows]
    for operation in OPERATIONS:
        assert any(name.startswith(operation) for name in names), (operation, names)
    assert any(name.startswith("export") for name in names), names
    assert any("keystroke" in name or "search" in name for name in names), names  # the member list
    assert {"start-up: the same widgets without the app", "start-up: work after the first paint done"} <= set(names)
    for name, time, floor, ratio, target, result, notes in rows:
        if time == "—":  # only a benchmark another helper has not written yet has no numbers
            assert "not yet" in notes and result == "—", (name, notes)
            continue
        assert NUMBER.match(time), (name, time, notes)
        assert NUMBER.match(floor), (name, floor, notes)
        assert re.match(r"^\d+\.\d\d×$", ratio) or (ratio == "—" and floor == "0.0 ms"), (name, ratio)
        if target == "—":  # a row that only informs (the start-up's second floor, its work after the first paint)
            assert name.startswith("start-up: ") and result == "—" and notes, (name, result, notes)
            continue
        assert result in ("ok", "MISS"), (name, target, result)
    assert "MISS" in stdout or "ok" in stdout
    for row in rows:  # the same rows are printed as the table at the end
        assert row[0] in stdout


def test_quick_database_is_valid_and_holds_the_rows(quick_run):
    workdir, stdout = quick_run
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import dataset
    finally:
        sys.path.remove(str(ROOT / "bench"))
    path = workdir / dataset.database_name(300, 3000, dataset.default_year())
    counts = dataset.check_database(path)  # foreign keys and integrity
    assert counts["members"] == 300
    assert sum(counts[t] for t in dataset.COUNTED) == 3000
    assert dataset.read_marker(path) == dataset.marker(300, 3000, dataset.default_year())
    conn = sqlite3.connect(path)
    try:  # the change log's triggers are back after the bulk load
        triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    finally:
        conn.close()
    for table in ("visits", "aid_payments", "event_participants", "proposals", "proposal_cosigners"):
        assert f"changelog_{table}_insert" in triggers
    assert not list(workdir.glob("*.building*"))  # built under a temporary name and renamed
    assert not (workdir / "import.sqlite3").exists()
