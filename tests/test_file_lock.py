"""One program at a time on a database file: the lock file, the command line and the window (issue 10)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_member_import import ZHANG, write_roster
from gonghui_desk import cli
from gonghui_desk.db import open_database
from gonghui_desk.db import file_lock
from gonghui_desk.db.file_lock import (DatabaseInUseError, DatabaseLock, DatabaseLockError, LockOwner, current_host,
                                       current_user, held_locks, lock_for_command, lock_path_for, read_lock)

ROOT = Path(__file__).resolve().parents[1]

# A second program: takes the lock (and with "open" the database too), says "ready", then obeys stdin.
HOLDER = r"""
import sys
from gonghui_desk.db import open_database, transaction
from gonghui_desk.db.file_lock import DatabaseLock
path = sys.argv[1]
lock = DatabaseLock(path)
lock.acquire()
db = open_database(path) if "open" in sys.argv[2:] else None
print("ready", flush=True)
for line in sys.stdin:
    command = line.strip()
    if command == "write":
        with transaction(db):
            db.execute("INSERT OR REPLACE INTO app_settings (key, value) VALUES ('from_a', 'A')")
        print("written", flush=True)
    elif command == "quit":
        break
if db is not None:
    db.conn.close()
lock.release()
print("released", flush=True)
"""


class Holder:
    """Another process holding ``path`` (as another window or PC would)."""

    def __init__(self, path: Path, *, open_db: bool = False):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)] + (["open"] if open_db else []),
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=env)
        assert self.ask(None) == "ready", self.process.stderr.read()

    @property
    def pid(self) -> int:
        return self.process.pid

    def ask(self, command: str | None) -> str:
        if command is not None:
            self.process.stdin.write(command + "\n")
            self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def quit(self) -> None:
        if self.process.poll() is None:
            assert self.ask("quit") == "released"
            self.process.wait(10)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(10)


@pytest.fixture
def holders():
    started: list[Holder] = []

    def start(path, **kwargs) -> Holder:
        holder = Holder(path, **kwargs)
        started.append(holder)
        return holder

    yield start
    for holder in started:
        if holder.process.poll() is None:
            holder.kill()


@pytest.fixture(autouse=True)
def nothing_left_held():
    before = held_locks()
    yield
    left = held_locks()
    with file_lock._registry_lock:  # do not let one failing test spill into the next
        for key in set(left) - set(before):
            del file_lock._held[key]
    assert left == before, "a test left a lock held"


def write_lock(db_path: Path, *, host="PC-01", user="zhang", pid=4242, opened_minutes_ago=None,
               heartbeat_minutes_ago=1, started="", file_minutes_ago=None) -> Path:
    """A lock file as another program would have left it; the file's own time follows the heartbeat."""
    now = dt.datetime.now().astimezone()
    if opened_minutes_ago is None:
        opened_minutes_ago = heartbeat_minutes_ago + 60
    owner = LockOwner(host=host, user=user, pid=pid, version="0.1.0",
                      opened_at=now - dt.timedelta(minutes=opened_minutes_ago),
                      heartbeat=now - dt.timedelta(minutes=heartbeat_minutes_ago), token="f" * 32,
                      process_started=started)
    path = lock_path_for(db_path)
    path.write_text(owner.to_json(), encoding="utf-8")
    age = heartbeat_minutes_ago if file_minutes_ago is None else file_minutes_ago
    stamp = time.time() - age * 60
    os.utime(path, (stamp, stamp))
    return path


def a_dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


# --- the lock file ---------------------------------------------------------------------------------------
def test_acquire_writes_who_holds_the_file_and_release_removes_it(tmp_path):
    db_path = tmp_path / "union.sqlite3"
    lock = DatabaseLock(db_path)
    lock.acquire()
    data = json.loads((tmp_path / "union.sqlite3.lock").read_text("utf-8"))
    assert (data["host"], data["user"], data["pid"], data["version"]) == (current_host(), current_user(),
                                                                          os.getpid(), "0.1.0")
    opened = dt.datetime.fromisoformat(data["opened_at"])
    assert abs((dt.datetime.now().astimezone() - opened).total_seconds()) < 60
    assert data["heartbeat"] == data["opened_at"] and len(data["token"]) == 32
    lock.release()
    assert not (tmp_path / "union.sqlite3.lock").exists()
    lock.release()  # twice is harmless


def test_one_process_may_hold_the_same_file_twice(tmp_path):
    """The window's worker connections and two contexts on one file: a count, the file goes with the last."""
    db_path = tmp_path / "union.sqlite3"
    first, second = DatabaseLock(db_path), DatabaseLock(tmp_path / "sub" / ".." / "union.sqlite3")
    first.acquire()
    second.acquire()
    assert held_locks() == {os.path.normcase(str(db_path.resolve())): 2}
    first.release()
    first.release()  # a second release of the same holder does not count twice
    assert lock_path_for(db_path).exists() and second.heartbeat()
    second.release()
    assert not lock_path_for(db_path).exists()


def test_a_second_process_is_refused_with_who_holds_it(tmp_path, holders):
    db_path = tmp_path / "union.sqlite3"
    holder = holders(db_path)
    with pytest.raises(DatabaseInUseError) as caught:
        DatabaseLock(db_path).acquire()
    error = caught.value
    assert error.same_host and not error.stale and not error.can_force
    text = str(error)
    assert text.startswith("数据库“union.sqlite3”自 ") and "起正在被本机上另一个基层工会工作台窗口或命令" in text
    assert f"（进程号 {holder.pid}）" in text
    assert "同一个数据库文件不能同时在两台电脑或两个窗口中打开，否则可能损坏数据或丢失修改。" in text
    assert "请先关闭那个窗口，或等那个命令运行完" in text
    assert f"进程号：{holder.pid}" in error.details() and f"电脑：{current_host()}" in error.details()
    with pytest.raises(DatabaseInUseError):
        DatabaseLock(db_path).acquire(force=True)  # a live holder is never overridden
    holder.quit()
    assert not lock_path_for(db_path).exists()
    with DatabaseLock(db_path):
        assert read_lock(db_path).pid == os.getpid()


def test_a_crashed_process_on_this_computer_is_taken_over_silently(tmp_path, holders):
    db_path = tmp_path / "union.sqlite3"
    holders(db_path).kill()  # the lock file stays behind, naming a process that no longer runs
    assert read_lock(db_path) is not None
    lock = DatabaseLock(db_path)
    lock.acquire()
    assert read_lock(db_path).pid == os.getpid()
    lock.release()


def test_a_reused_process_number_is_told_apart_by_its_start(tmp_path):
    db_path = tmp_path / "union.sqlite3"
    write_lock(db_path, host=current_host(), pid=a_dead_pid())
    with DatabaseLock(db_path):
        pass
    # the number now belongs to a running process that started at another time: the holder is gone
    write_lock(db_path, host=current_host(), pid=os.getppid(), started="other-boot:12345")
    with DatabaseLock(db_path):
        assert read_lock(db_path).pid == os.getpid()


def test_another_computer_with_an_old_heartbeat_is_stale_and_may_be_forced(tmp_path):
    db_path = tmp_path / "union.sqlite3"
    write_lock(db_path, host="PC-01", user="zhang", heartbeat_minutes_ago=25)
    with pytest.raises(DatabaseInUseError) as caught:
        DatabaseLock(db_path).acquire()
    error = caught.value
    assert error.stale and error.can_force and not error.same_host
    assert "由电脑“PC-01”上的用户“zhang”打开，但那边已有 25 分钟没有响应。" in str(error)
    assert "可以选择“强制打开”" in str(error)
    command_line = str(error.for_command_line())
    assert "命令行不会强制打开" in command_line and str(lock_path_for(db_path)) in command_line
    lock = DatabaseLock(db_path)
    lock.acquire(force=True)
    assert read_lock(db_path).host == current_host()
    lock.release()
    assert not lock_path_for(db_path).exists()


def test_another_computer_with_a_fresh_heartbeat_is_refused_even_when_forced(tmp_path):
    db_path = tmp_path / "union.sqlite3"
    write_lock(db_path, host="PC-01", user="zhang", opened_minutes_ago=180, heartbeat_minutes_ago=1)
    with pytest.raises(DatabaseInUseError) as caught:
        DatabaseLock(db_path).acquire(force=True)
    error = caught.value
    assert not error.stale and not error.can_force
    opened = (dt.datetime.now() - dt.timedelta(minutes=180)).strftime("%Y-%m-%d %H:%M")
    assert str(error).startswith(f"数据库“union.sqlite3”自 {opened} 起正在被电脑“PC-01”上的用户“zhang”使用。")
    assert "请先在那台电脑上关闭基层工会工作台" in str(error) and "强制打开" not in str(error)
    assert read_lock(db_path).host == "PC-01"  # untouched


def test_the_file_time_counts_when_the_other_clock_is_behind(tmp_path):
    """Its heartbeat text looks old (that PC's clock is slow) but the file was just rewritten: not stale."""
    db_path = tmp_path / "union.sqlite3"
    write_lock(db_path, heartbeat_minutes_ago=30, file_minutes_ago=0)
    with pytest.raises(DatabaseInUseError) as caught:
        DatabaseLock(db_path).acquire()
    assert not caught.value.stale


def test_another_user_on_this_computer_is_named(tmp_path):
    db_path = tmp_path / "union.sqlite3"
    write_lock(db_path, host=current_host().upper(), user="li", pid=os.getppid(),
               started=file_lock.process_started(os.getppid()) or "")
    with pytest.raises(DatabaseInUseError) as caught:
        DatabaseLock(db_path).acquire()
    assert caught.value.same_host
    assert "正在被本机的另一个用户“li”使用" in str(caught.value)
    assert "请先在那个用户的账户中关闭基层工会工作台" in str(caught.value)


def test_an_empty_lock_file_is_waited_for_then_taken_over(tmp_path):
    """Empty: being written this very moment, or left by a crash (a live holder always has whole JSON)."""
    db_path = tmp_path / "union.sqlite3"
    path = lock_path_for(db_path)
    path.write_bytes(b"")
    with pytest.raises(DatabaseInUseError, match="正在被另一个程序打开，请稍等片刻再试"):
        DatabaseLock(db_path).acquire()
    old = time.time() - 5 * 60
    os.utime(path, (old, old))
    path.write_bytes(b'{"host": "PC-0')  # garbled too
    os.utime(path, (old, old))
    with DatabaseLock(db_path):
        assert read_lock(db_path).pid == os.getpid()


def test_a_takeover_puts_back_a_lock_made_meanwhile(tmp_path):
    path = lock_path_for(tmp_path / "union.sqlite3")
    path.write_bytes(b"made meanwhile")
    file_lock._take_over(path, b"what was judged abandoned")
    assert path.read_bytes() == b"made meanwhile" and [p.name for p in tmp_path.iterdir()] == [path.name]
    file_lock._take_over(path, b"made meanwhile")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_written_is_reported(tmp_path, monkeypatch):
    def refuse(path, data):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(file_lock, "_create_exclusive", refuse)
    with pytest.raises(DatabaseLockError) as caught:
        DatabaseLock(tmp_path / "union.sqlite3").acquire()
    text = str(caught.value)
    assert f"无法在数据库所在的文件夹“{tmp_path}”中建立锁定文件（Permission denied）" in text
    assert "请把数据库复制到可以写入的文件夹" in text


def test_the_heartbeat_rewrites_the_time_and_notices_a_takeover(tmp_path):
    db_path = tmp_path / "union.sqlite3"
    lock = DatabaseLock(db_path)
    lock.acquire()
    later = dt.datetime.now().astimezone() + dt.timedelta(minutes=5)
    assert lock.heartbeat(now=later)
    assert read_lock(db_path).heartbeat == later.replace(microsecond=0)
    assert [p.name for p in tmp_path.iterdir()] == ["union.sqlite3.lock"]  # no temporary file left

    write_lock(db_path, host="PC-02", user="li")  # someone forced it open from another PC
    assert not lock.heartbeat()
    assert lock.lost_message().startswith("数据库“union.sqlite3”已被电脑“PC-02”上的用户“li”强制打开。")
    lock.release()
    assert read_lock(db_path).host == "PC-02"  # not ours any more: left alone

    lock = DatabaseLock(tmp_path / "other.sqlite3")
    lock.acquire()
    lock.lock_path.unlink()  # deleted by hand
    assert not lock.heartbeat()
    assert "旁边的锁定文件被删除了" in lock.lost_message()
    lock.release()


def test_the_heartbeat_thread_keeps_the_lock_fresh(tmp_path):
    db_path = tmp_path / "union.sqlite3"
    lock = DatabaseLock(db_path)
    lock.acquire()
    first = read_lock(db_path).heartbeat
    lock.start_heartbeat(interval=0.05)
    deadline = time.monotonic() + 5
    while read_lock(db_path).heartbeat == first and time.monotonic() < deadline:
        time.sleep(0.1)
    assert read_lock(db_path).heartbeat > first
    lock.release()
    assert lock._thread is None and not lock_path_for(db_path).exists()


# --- the command line ------------------------------------------------------------------------------------
def test_a_reading_command_may_run_beside_the_window_on_this_computer(tmp_path, holders, monkeypatch):
    db_path = tmp_path / "union.sqlite3"
    open_database(db_path).conn.close()
    holders(db_path)
    assert lock_for_command(db_path, reading=True) is None  # goes ahead, without a lock of its own
    with pytest.raises(DatabaseInUseError, match="正在被本机上另一个"):
        lock_for_command(db_path)
    monkeypatch.setattr(file_lock, "is_network_path", lambda path: True)
    with pytest.raises(DatabaseInUseError):  # on a network share: not even reading
        lock_for_command(db_path, reading=True)


def test_a_reading_command_takes_the_lock_when_free_and_none_for_a_missing_file(tmp_path):
    assert lock_for_command(tmp_path / "none.sqlite3", reading=True) is None
    assert not lock_path_for(tmp_path / "none.sqlite3").exists()
    open_database(tmp_path / "union.sqlite3").conn.close()
    lock = lock_for_command(tmp_path / "union.sqlite3", reading=True)
    assert lock.held and lock._thread is not None
    lock.release()


def test_members_import_on_a_locked_file_exits_2_and_writes_nothing(tmp_path, holders, capsys):
    db_path = tmp_path / "union.sqlite3"
    open_database(db_path).conn.close()
    roster = write_roster(tmp_path / "名册.xlsx", [ZHANG])
    before = db_path.read_bytes()
    holder = holders(db_path)
    assert cli.main(["members", "import", str(roster), "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：数据库“union.sqlite3”自 ")
    assert f"正在被本机上另一个基层工会工作台窗口或命令（进程号 {holder.pid}）使用。" in err
    assert db_path.read_bytes() == before
    holder.quit()
    assert cli.main(["members", "import", str(roster), "--db", str(db_path)]) == 0
    assert not lock_path_for(db_path).exists()  # released when the command ended


def test_a_command_on_a_stale_lock_names_its_age_and_does_not_force(tmp_path, capsys):
    db_path = tmp_path / "union.sqlite3"
    open_database(db_path).conn.close()
    roster = write_roster(tmp_path / "名册.xlsx", [ZHANG])
    write_lock(db_path, host="PC-01", user="zhang", heartbeat_minutes_ago=130)
    assert cli.main(["members", "import", str(roster), "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert "由电脑“PC-01”上的用户“zhang”打开，但那边已有 2 小时没有响应。" in err
    assert "命令行不会强制打开" in err
    assert read_lock(db_path).host == "PC-01"


def test_a_demo_is_not_created_over_a_database_in_use(tmp_path, capsys):
    db_path = tmp_path / "demo.sqlite3"
    write_lock(db_path, host="PC-01", user="zhang")
    assert cli.main(["demo", "--db", str(db_path), "--no-gui", "--members", "30"]) == 2
    assert "正在被电脑“PC-01”上的用户“zhang”使用" in capsys.readouterr().err
    assert not db_path.exists()


def test_two_processes_one_holds_the_database_the_other_cannot_write(tmp_path, holders, qtbot):
    """Process A has the database open as the window does (the lock, then the connection); B is refused by the
    command line and by the window, A goes on writing, and once A closes B may write."""
    from gonghui_desk.ui.app_context import AppContext

    db_path = tmp_path / "union.sqlite3"
    open_database(db_path).conn.close()
    roster = write_roster(tmp_path / "名册.xlsx", [ZHANG])
    a = holders(db_path, open_db=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "gonghui_desk", "members", "import", str(roster), "--db",
                           str(db_path)], capture_output=True, env=env, timeout=120)
    assert done.returncode == 2
    assert f"（进程号 {a.pid}）使用。" in done.stderr.decode("utf-8")
    with pytest.raises(DatabaseInUseError):
        AppContext(db_path)
    assert a.ask("write") == "written"  # A is not disturbed
    a.quit()
    context = AppContext(db_path)
    assert context.db.execute("SELECT value FROM app_settings WHERE key = 'from_a'").fetchone()[0] == "A"
    assert context.members.count_active() == 0  # B's import never happened
    context.close()


# --- the window ------------------------------------------------------------------------------------------
@pytest.fixture
def answer_box(monkeypatch):
    """Replaces QMessageBox.exec: records each box's text and buttons, clicks the button named ``answer``."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[dict] = []
    state = {"answer": None}

    def fake_exec(box):
        buttons = [button.text() for button in box.buttons() if box.buttonRole(button) != QMessageBox.ActionRole]
        shown.append({"title": box.windowTitle(), "text": box.text() + "\n\n" + box.informativeText(),
                      "buttons": buttons, "details": box.detailedText()})
        for button in box.buttons():
            if button.text() == state["answer"]:
                button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)

    def set_answer(text):
        state["answer"] = text
        return shown

    return set_answer


def test_open_context_on_a_database_in_use_says_who_and_opens_nothing(tmp_path, holders, qtbot, answer_box):
    from gonghui_desk.ui.app import open_context

    db_path = tmp_path / "union.sqlite3"
    holder = holders(db_path)
    shown = answer_box("确定")
    assert open_context(db_path) is None
    assert len(shown) == 1 and shown[0]["buttons"] == ["确定"]  # a live holder: no 强制打开
    assert shown[0]["title"] == "基层工会工作台 — 数据库正在使用中"
    assert f"（进程号 {holder.pid}）使用" in shown[0]["text"]
    assert f"锁定文件：{lock_path_for(db_path)}" in shown[0]["details"]
    assert read_lock(db_path).pid == holder.pid


def test_open_context_forces_a_stale_lock_when_asked(tmp_path, qtbot, answer_box):
    from gonghui_desk.ui.app import open_context

    db_path = tmp_path / "union.sqlite3"
    write_lock(db_path, host="PC-01", user="zhang", heartbeat_minutes_ago=40)
    shown = answer_box("取消")
    assert open_context(db_path) is None
    assert sorted(shown[0]["buttons"]) == ["取消", "强制打开"]
    assert read_lock(db_path).host == "PC-01"

    answer_box("强制打开")
    context = open_context(db_path)
    assert context is not None and read_lock(db_path).pid == os.getpid()
    assert len(shown) == 2 and "已有 40 分钟没有响应" in shown[1]["text"]
    context.close()
    assert not lock_path_for(db_path).exists()


def test_switching_to_a_database_in_use_keeps_the_current_one(tmp_path, holders, qtbot, answer_box):
    from gonghui_desk.ui.app_context import AppContext
    from gonghui_desk.ui.main_window import MainWindow

    context = AppContext(tmp_path / "mine.sqlite3")
    window = MainWindow(context)
    qtbot.addWidget(window)
    other = tmp_path / "theirs.sqlite3"
    holders(other)
    shown = answer_box("确定")
    assert window.open_database(other) is False
    assert window.context is context and len(shown) == 1 and "theirs.sqlite3" in shown[0]["text"]
    context.close()


def test_a_takeover_while_running_closes_the_database_and_the_window(tmp_path, qtbot, monkeypatch):
    import sqlite3

    from PySide6.QtWidgets import QMessageBox

    from gonghui_desk.ui.app_context import AppContext
    from gonghui_desk.ui.main_window import MainWindow

    db_path = tmp_path / "union.sqlite3"
    context = AppContext(db_path)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    assert context.lock_timer.isActive() and context.lock_timer.interval() == 60_000
    assert context.check_lock()  # still ours
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args, **kwargs: shown.append(args) or QMessageBox.Ok)
    write_lock(db_path, host="PC-02", user="li")  # forced open on another PC
    with qtbot.waitSignal(context.lock_lost):
        assert context.check_lock() is False
    assert shown and shown[0][1] == "基层工会工作台 — 已停止使用这个数据库"
    assert "已被电脑“PC-02”上的用户“li”强制打开" in shown[0][2] and "本窗口已停止使用这个数据库" in shown[0][2]
    assert not window.isVisible() and not context.lock_timer.isActive()
    with pytest.raises(sqlite3.ProgrammingError):  # nothing more can be written through this window
        context.db.execute("INSERT INTO app_settings (key, value) VALUES ('late', 'x')")
    assert read_lock(db_path).host == "PC-02"
    context.close()  # what run_gui does at the end: harmless


def test_two_contexts_and_worker_connections_on_one_file_in_one_process(tmp_path, qtbot):
    from gonghui_desk.ui.app_context import AppContext

    db_path = tmp_path / "union.sqlite3"
    first = AppContext(db_path)
    second = AppContext(db_path)
    worker = first.open_worker_db()
    worker.conn.close()
    first.close()
    assert lock_path_for(db_path).exists() and second.check_lock()
    second.close()
    assert not lock_path_for(db_path).exists()


def test_look_at_the_database_in_use_box(tmp_path, qtbot):
    """Rendered offscreen to a PNG (set GONGHUI_SHOT_DIR to keep it) for a look at the wording."""
    from gonghui_desk.ui.app import setup_application
    from gonghui_desk.ui.app_context import in_use_message_box

    setup_application()  # Qt's Chinese texts: the details button reads 显示详细信息…

    db_path = tmp_path / "gonghui.sqlite3"
    write_lock(db_path, host="PC-01", user="zhang", heartbeat_minutes_ago=25)
    with pytest.raises(DatabaseInUseError) as caught:
        DatabaseLock(db_path).acquire()
    box, force_button = in_use_message_box(None, caught.value)
    assert force_button is not None and force_button.text() == "强制打开"
    box.show()
    qtbot.waitExposed(box)
    image = box.grab()
    assert image.width() > 300 and image.height() > 120
    folder = Path(os.environ.get("GONGHUI_SHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    assert image.save(str(folder / "database-in-use.png"))
    box.close()

    write_lock(db_path, host="PC-01", user="zhang", heartbeat_minutes_ago=1)
    with pytest.raises(DatabaseInUseError) as caught:
        DatabaseLock(db_path).acquire()
    box, force_button = in_use_message_box(None, caught.value)
    assert force_button is None
    box.show()
    qtbot.waitExposed(box)
    assert box.grab().save(str(folder / "database-in-use-fresh.png"))
    box.close()
