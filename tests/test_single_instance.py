"""The single-instance guard: a second start hands its request to the running window instead of opening the
database twice (gonghui_desk/ui/single_instance.py, run_gui, MainWindow.bring_to_front)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from gonghui_desk.ui import single_instance
from gonghui_desk.ui.app import create_main_window, setup_application
from gonghui_desk.ui.single_instance import (SingleInstance, instance_key, request_message, requested_database,
                                             start_guard)

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.usefixtures("no_job_left_running")


def unique_key() -> str:
    return f"gonghui-desk-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def key():
    return unique_key()


@pytest.fixture
def server(qtbot, key):
    guard = SingleInstance(key)
    assert guard.listen()
    yield guard
    guard.close()


class _SecondStart:
    """A second start in its own process, as in real use: no thread of the test process competes with the
    test's event loop (which serves the first instance) for the interpreter lock."""

    CODE = ("import json, sys\n"
            "from PySide6.QtCore import QCoreApplication\n"
            "app = QCoreApplication([])\n"
            "from gonghui_desk.ui import single_instance as si\n"
            "name, args = json.loads(sys.argv[1])\n"
            "value = si.SingleInstance(args[0]).send_to_running(*args[1:]) if name == 'send' else si.start_guard(*args)\n"
            "print('RESULT', json.dumps('guard' if isinstance(value, si.SingleInstance) else value), flush=True)\n")

    def __init__(self, name: str, args: tuple, result: dict):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        self.result = result
        self.process = subprocess.Popen([sys.executable, "-c", self.CODE, json.dumps([name, list(args)])],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)

    def join(self, timeout: float) -> None:
        out, err = self.process.communicate(timeout=timeout)
        lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
        assert lines, f"no result from the second start: {out!r} {err!r}"
        self.result["value"] = json.loads(lines[-1][len("RESULT "):])


def in_process(name: str, *args):
    """``in_process("send", key, message, timeout_ms)`` or ``in_process("start_guard", message[, key])``."""
    result: dict = {}
    return _SecondStart(name, args, result), result


def in_thread(function, *args):
    """Run a blocking call (it waits for the server's answer) while the test's event loop serves it."""
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", function(*args)), daemon=True)
    thread.start()
    return thread, result


def test_the_key_is_per_user_and_the_environment_overrides_it(monkeypatch):
    monkeypatch.delenv("GONGHUI_DESK_INSTANCE_KEY", raising=False)
    monkeypatch.setattr(single_instance.getpass, "getuser", lambda: "wangli")
    own = instance_key()
    assert own.startswith("gonghui-desk-") and len(own) == len("gonghui-desk-") + 12
    assert instance_key() == own
    monkeypatch.setattr(single_instance.getpass, "getuser", lambda: "zhaomin")
    assert instance_key() != own

    def no_user():
        raise OSError("no user name")

    monkeypatch.setattr(single_instance.getpass, "getuser", no_user)
    assert instance_key().startswith("gonghui-desk-")
    monkeypatch.setenv("GONGHUI_DESK_INSTANCE_KEY", "gonghui-desk-test-fixed")
    assert instance_key() == "gonghui-desk-test-fixed"


def test_the_request_names_the_resolved_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = request_message("工会/会员.sqlite3")
    assert requested_database(message) == str(tmp_path / "工会" / "会员.sqlite3")
    assert requested_database("not json") is None
    assert requested_database('["db"]') is None
    assert requested_database('{"db": 3}') is None


def test_a_second_instance_hands_its_message_to_the_first(qtbot, server, key):
    message = request_message("/tmp/其他工会.sqlite3")
    with qtbot.waitSignal(server.message_received, timeout=20000) as received:
        thread, result = in_process("send", key, message, 3000)
    thread.join(20)
    assert received.args == [message]
    assert result["value"] is True


def test_a_message_arriving_in_pieces_is_put_together(qtbot, server, key):
    message = "第一段" * 2000
    data = message.encode("utf-8")
    frame = single_instance.HEADER.pack(len(data)) + data

    def send_slowly():
        socket = QLocalSocket()
        socket.connectToServer(key)
        assert socket.waitForConnected(2000)
        for start in range(0, len(frame), 1000):
            socket.write(frame[start:start + 1000])
            socket.waitForBytesWritten(1000)
            time.sleep(0.01)
        socket.waitForReadyRead(3000)
        reply = socket.readAll().data()
        socket.abort()
        return reply

    with qtbot.waitSignal(server.message_received, timeout=20000) as received:
        thread, result = in_thread(send_slowly)
    thread.join(20)
    assert received.args == [message]
    assert result["value"] == single_instance.ACK


def test_nobody_running_answers_false_quickly_and_listening_then_works(qtbot, key):
    started = time.monotonic()
    assert SingleInstance(key).send_to_running("hello", timeout_ms=2000) is False
    assert time.monotonic() - started < 1.0
    guard = SingleInstance(key)
    try:
        assert guard.listen()
        assert guard.is_listening()
    finally:
        guard.close()
    assert SingleInstance(key).send_to_running("hello", timeout_ms=500) is False  # closed again


def test_a_live_instance_is_not_taken_over(qtbot, server, key):
    second = SingleInstance(key)
    assert second.listen() is False
    assert second.name_in_use
    with qtbot.waitSignal(server.message_received, timeout=20000):  # the first one still gets the messages
        thread, result = in_process("send", key, "still me", 3000)
    thread.join(20)
    assert result["value"] is True


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes vanish with the process; no stale names")
def test_a_name_left_by_a_killed_instance_is_taken_over(qtbot, key):
    code = ("import sys, time\n"
            "from PySide6.QtCore import QCoreApplication\n"
            "from PySide6.QtNetwork import QLocalServer\n"
            "app = QCoreApplication([])\n"
            "server = QLocalServer()\n"
            "assert server.listen(sys.argv[1])\n"
            "print(server.fullServerName(), flush=True)\n"
            "time.sleep(60)\n")
    crashed = subprocess.Popen([sys.executable, "-c", code, key], stdout=subprocess.PIPE, text=True)
    try:
        socket_file = Path(crashed.stdout.readline().strip())
        assert socket_file.exists()
    finally:
        crashed.send_signal(signal.SIGKILL)
        crashed.wait(10)
    assert socket_file.exists()  # left behind: nobody cleaned up

    started = time.monotonic()
    assert SingleInstance(key).send_to_running("hello", timeout_ms=2000) is False
    assert time.monotonic() - started < 1.0
    guard = SingleInstance(key)
    try:
        assert guard.listen()
        assert not guard.name_in_use
        assert oct(socket_file.stat().st_mode & 0o777) == oct(0o700)  # only this user may connect
        with qtbot.waitSignal(guard.message_received, timeout=20000):
            thread, result = in_process("send", key, "after the crash", 3000)
        thread.join(20)
        assert result["value"] is True
    finally:
        guard.close()


def test_start_guard_forwards_to_a_running_instance_or_becomes_it(qtbot, server, key):
    message = request_message("/tmp/会员.sqlite3")
    with qtbot.waitSignal(server.message_received, timeout=20000) as received:
        thread, result = in_process("start_guard", message, key)
    thread.join(20)
    assert result["value"] is None
    assert received.args == [message]

    other = unique_key()
    guard = start_guard(message, other)
    try:
        assert guard is not None and guard.is_listening() and guard.key == other
    finally:
        guard.close()


def test_the_running_mutex_is_a_no_op_off_windows(monkeypatch):
    monkeypatch.setattr(single_instance.sys, "platform", "linux")
    monkeypatch.setattr(single_instance, "_running_mutex", None)
    assert single_instance.hold_running_mutex() is True
    assert single_instance._running_mutex is None
    single_instance.allow_set_foreground_window()  # no error


class FakeFunction:
    def __init__(self, result):
        self.result, self.calls = result, []

    def __call__(self, *args):
        self.calls.append(args)
        return self.result


@pytest.mark.skipif(sys.platform == "win32", reason="fakes the Windows API; on Windows the real one runs")
@pytest.mark.parametrize("last_error, first", [(0, True), (183, False)])
def test_the_windows_calls(monkeypatch, last_error, first):
    """What runs on Windows, with the Win32 functions faked: the installer's mutex name, ASFW_ANY."""
    create = FakeFunction(1234)
    allow = FakeFunction(1)
    monkeypatch.setattr(single_instance.sys, "platform", "win32")
    monkeypatch.setattr(single_instance, "_running_mutex", None)
    monkeypatch.setattr(single_instance.ctypes, "WinDLL",
                        lambda name, use_last_error=False: type("K", (), {"CreateMutexW": create})(),
                        raising=False)
    monkeypatch.setattr(single_instance.ctypes, "get_last_error", lambda: last_error, raising=False)
    monkeypatch.setattr(single_instance.ctypes, "windll",
                        type("W", (), {"user32": type("U", (), {"AllowSetForegroundWindow": allow})()})(),
                        raising=False)
    assert single_instance.hold_running_mutex() is first
    assert create.calls == [(None, False, "gonghui-desk-running")]
    assert single_instance._running_mutex == 1234  # kept for the process lifetime
    assert single_instance.hold_running_mutex() is True  # held already: not made twice
    assert len(create.calls) == 1

    single_instance.allow_set_foreground_window()
    assert allow.calls == [(-1,)]

    monkeypatch.setattr(single_instance, "_running_mutex", None)
    create.result = None  # CreateMutexW failed: start anyway
    assert single_instance.hold_running_mutex() is True

    def broken(*args, **kwargs):
        raise OSError("no kernel32")

    monkeypatch.setattr(single_instance.ctypes, "WinDLL", broken, raising=False)
    assert single_instance.hold_running_mutex() is True  # never raises


@pytest.fixture
def window(qtbot, school_demo_context):
    setup_application()
    win = create_main_window(school_demo_context)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_bring_to_front_restores_a_minimised_window(qtbot, window, school_demo_context):
    window.showMinimized()
    qtbot.waitUntil(lambda: window.isMinimized(), timeout=2000)
    window.show_status("之前的消息")
    window.bring_to_front(str(school_demo_context.db_path))
    assert not window.isMinimized()
    assert window.isVisible()
    assert window.statusBar().currentMessage() == "之前的消息"  # the same database: nothing to say

    window.bring_to_front(None)
    assert window.statusBar().currentMessage() == "之前的消息"


def test_bring_to_front_with_another_database_says_how_to_open_it(qtbot, window, school_demo_context, tmp_path):
    other = tmp_path / "分工会" / "另一个.sqlite3"
    window.setWindowState(window.windowState() | Qt.WindowMinimized)
    window.bring_to_front(str(other))
    assert not window.isMinimized()
    text = window.statusBar().currentMessage()
    assert "已在运行" in text
    assert str(other) in text
    assert school_demo_context.db_path.name in text
    assert "文件 → 打开数据库…" in text
    assert window.open_db_action.text() == "打开数据库…"  # the menu the message points to
    assert window.context is school_demo_context  # not switched over


def test_run_gui_hands_a_second_start_to_the_running_window(qtbot, window, school_demo_context, monkeypatch):
    """What run_gui wires up: the guard's message brings the window forward naming the requested file."""
    guard = SingleInstance(os.environ["GONGHUI_DESK_INSTANCE_KEY"])
    assert guard.listen()
    guard.message_received.connect(lambda message: window.bring_to_front(requested_database(message)))
    window.showMinimized()
    try:
        # generous: start_guard may wait for its first try (3 s) before the second under a loaded test run
        with qtbot.waitSignal(guard.message_received, timeout=20000):
            thread, result = in_process("start_guard", request_message("/tmp/别的.sqlite3"))
        thread.join(20)
        assert result["value"] is None
        assert not window.isMinimized()
        assert "/tmp/别的.sqlite3" in window.statusBar().currentMessage()
    finally:
        guard.close()


def gui_environment(tmp_path: Path, key: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"QT_QPA_PLATFORM": "offscreen", "GONGHUI_DESK_INSTANCE_KEY": key,
                "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
                "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
                "PYTHONIOENCODING": "utf-8"})
    (tmp_path / "home").mkdir(exist_ok=True)
    return env


def server_answers(key: str) -> bool:
    socket = QLocalSocket()
    socket.connectToServer(key)
    alive = socket.waitForConnected(200)
    socket.abort()
    return alive


def test_starting_the_app_twice_brings_the_first_forward(qtbot, school_demo_file, tmp_path):
    import shutil

    db = tmp_path / "demo.sqlite3"
    shutil.copy(school_demo_file, db)
    key = unique_key()
    env = gui_environment(tmp_path, key)
    command = [sys.executable, "-m", "gonghui_desk", "--db", str(db)]
    first = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, encoding="utf-8")
    try:
        deadline = time.monotonic() + 30
        while not server_answers(key):
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first instance never started listening"
            time.sleep(0.1)
        second = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True,
                                encoding="utf-8", timeout=30)
        assert second.returncode == 0, second.stderr
        assert "基层工会工作台已在运行，已切换到正在运行的窗口。" in second.stderr
        assert first.poll() is None  # the first one goes on running
    finally:
        first.terminate()
        try:
            first.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            first.kill()
            first.communicate()
    assert not server_answers(key)
    QLocalServer.removeServer(key)  # the terminated process left its socket file behind
