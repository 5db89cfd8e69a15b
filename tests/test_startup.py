"""Start-up: the main window builds only its home page; the other pages (and what they import) come on first use.

Speed itself is measured in bench/ (``bench/_main_window.py`` against ``bench/_bare_window.py``), never here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gonghui_desk import stats
from gonghui_desk.ui import app_context as app_context_module
from gonghui_desk.ui.app import create_main_window, setup_application
from gonghui_desk.ui.app_context import AppContext
from gonghui_desk.ui.home_view import PENDING
from gonghui_desk.ui.main_window import PAGE_FACTORIES, PageSlot

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date.today()

pytestmark = pytest.mark.usefixtures("no_job_left_running")

HEAVY = ("openpyxl", "docx", "reportlab", "pypinyin", "xlrd", "PIL", "numpy", "cryptography")
PAGE_MODULES = ("members_view", "care_view", "hardship_view", "events_view", "honours_view", "proposals_view",
                "summary_view", "upstream_view", "recycle_bin_view", "backup_view", "import_wizard")

# Run in a fresh interpreter: create and show the main window, then report what was imported and built.
PROBE = r"""
import json, sys
from gonghui_desk.ui import app_context
if sys.argv[2] == "large":
    app_context.LARGE_UNION_MEMBERS = 0  # this small database counts as a large one
from gonghui_desk import modules
from gonghui_desk.ui.app import create_main_window, setup_application, wait_for_jobs
from gonghui_desk.ui.app_context import AppContext

app = setup_application()
window = create_main_window(AppContext(sys.argv[1]))
window.show()
app.processEvents()  # the first paint
shown = {"modules": sorted(sys.modules), "built": sorted(window.pages.built), "loaded": modules.is_loaded(),
         "count": window.count_label.text(), "figures": window.home_view.figure_texts(), "started": window.started}
while not window.started:  # the steps deferred past the first paint, one per turn of the event loop
    app.processEvents()
shown["count_started"] = window.count_label.text()
shown["loaded_started"] = modules.is_loaded()
wait_for_jobs(30000)
window.page("members")
shown["after_members"] = sorted(window.pages.built)
print(json.dumps(shown, ensure_ascii=False))
window.close()
window.context.close()
"""


@pytest.fixture
def context(qtbot, profiled_db, db_path):
    ctx = AppContext(db_path)
    ctx.members.create({"name": "张三", "sex": "男", "join_date": "2015-09-01"})
    ctx.members.create({"name": "李四", "sex": "女", "join_date": TODAY.isoformat()})
    yield ctx
    ctx.close()


@pytest.fixture
def window(qtbot, context):
    setup_application()
    win = create_main_window(context)
    qtbot.addWidget(win)
    win.show()
    return win


def probe(db_path: Path, size: str) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", PROBE, str(db_path), size], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_fresh_start_builds_the_home_page_only_and_imports_nothing_heavy(context, db_path):
    context.close()  # the probe opens the file itself
    shown = probe(db_path, "small")
    assert shown["built"] == ["home"]
    assert shown["count"] == "在册会员 2 人"
    assert shown["figures"]["在册会员"] == "2人"  # a small union: counted before the first paint
    assert shown["loaded"]
    assert not [name for name in HEAVY if name in shown["modules"]]
    assert not [name for name in PAGE_MODULES if f"gonghui_desk.ui.{name}" in shown["modules"]]
    assert shown["after_members"] == ["home", "members"]


def test_on_a_large_database_the_window_paints_before_counting(context, db_path):
    context.close()
    shown = probe(db_path, "large")
    assert shown["built"] == ["home"]
    assert shown["count"] == "在册会员 … 人"  # the status bar's count follows the first paint
    assert set(shown["figures"].values()) == {PENDING}  # the figures follow from a worker thread
    assert not shown["loaded"] and not shown["started"]  # the modules' registries are loaded after the first paint
    assert "gonghui_desk.care.reminders" not in shown["modules"]
    assert "sqlite_utils" not in shown["modules"] and "gonghui_desk.members" not in shown["modules"]
    assert not [name for name in HEAVY if name in shown["modules"]]
    assert shown["count_started"] == "在册会员 2 人" and shown["loaded_started"]


def test_only_the_home_page_is_built_and_the_others_wait_in_the_stack(window):
    assert set(window.pages.built) == {"home"}
    assert len(window.pages) == window.stack.count() == window.navigation.count() == 11
    assert list(window.pages) == window.page_keys()
    slots = [window.stack.widget(i) for i in range(window.stack.count())
             if isinstance(window.stack.widget(i), PageSlot)]
    assert [slot.key for slot in slots] == list(PAGE_FACTORIES)
    assert "members" in window.pages and set(window.pages.built) == {"home"}  # asking does not build


def test_navigating_builds_the_page_in_its_place(window):
    from gonghui_desk.ui.members_view import MembersView

    row = window.page_keys().index("members")
    window.navigation.setCurrentRow(row)
    page = window.stack.currentWidget()
    assert isinstance(page, MembersView)
    assert window.stack.indexOf(page) == row
    assert window.members_view is page and window.pages["members"] is page
    assert window.current_page_key() == "members"
    assert window.stack.count() == window.navigation.count()
    assert page.model.rowCount() == 2
    window.show_page("home")
    window.show_page("members")
    assert window.stack.currentWidget() is page  # built once


def test_reading_a_page_attribute_builds_it_without_switching(window):
    from gonghui_desk.ui.summary_view import SummaryView

    view = window.summary_view
    assert isinstance(view, SummaryView)
    assert window.current_page_key() == "home"
    assert window.stack.currentWidget() is window.home_view
    assert window.stack.widget(window.page_keys().index("summary")) is view


def test_a_menu_reaches_a_page_not_built_yet(window, monkeypatch):
    from gonghui_desk.ui.members_view import MembersView

    calls = []
    monkeypatch.setattr(MembersView, "start_export", lambda self: calls.append(self))
    window.export_action.trigger()
    assert window.current_page_key() == "members"
    assert calls == [window.members_view]
    window.recycle_bin_action.trigger()
    assert window.current_page_key() == "recycle_bin"
    assert window.stack.currentWidget() is window.recycle_bin_view


def test_ctrl_number_shortcuts_build_the_page(window, qtbot):
    from PySide6.QtCore import Qt

    qtbot.keyClick(window, Qt.Key_3, Qt.ControlModifier)
    assert window.current_page_key() == "care"
    assert "care" in window.pages.built


def test_build_all_pages_as_the_self_check_does(window):
    pages = window.build_all_pages()
    assert len(pages) == 11 and set(window.pages.built) == set(window.pages)
    assert not any(isinstance(window.stack.widget(i), PageSlot) for i in range(window.stack.count()))
    assert [window.stack.widget(i) for i in range(window.stack.count())] == pages


def test_the_proposals_title_follows_the_union_without_building_the_page(window):
    assert window.navigation.item(window.page_keys().index("proposals")).text() == "教代会提案"
    assert "proposals" not in window.pages.built
    assert window.pages["proposals"].title == "教代会提案"


def test_large_union_home_shows_pending_figures_then_the_counted_ones(qtbot, context, monkeypatch):
    monkeypatch.setattr(app_context_module, "LARGE_UNION_MEMBERS", 1)  # two members count as a large union
    setup_application()
    win = create_main_window(context)
    qtbot.addWidget(win)
    home, panel = win.home_view, win.reminders_panel
    assert set(home.figure_texts().values()) == {PENDING}
    assert home.job is None and panel.job is None  # nothing runs before the first paint
    assert panel.summary_label.text() == "正在计算提醒…"
    assert win.count_label.text() == "在册会员 … 人"
    with qtbot.waitSignal(home.figures_shown, timeout=10000):
        win.show()
    assert win.started and win.count_label.text() == "在册会员 2 人"
    expected = {f.label: f"{f.value}{f.unit}" for f in stats.home_figures(context.db, TODAY).figures}
    assert home.figure_texts() == expected
    assert home.figure_texts()["在册会员"] == "2人"
    qtbot.waitUntil(lambda: panel.job is None, timeout=10000)
    assert panel.summary_label.text() != "正在计算提醒…"

    context.members.create({"name": "王五", "sex": "女", "join_date": TODAY.isoformat()})
    with qtbot.waitSignal(home.figures_shown, timeout=10000):
        context.members_changed.emit()  # counted again on a worker
    assert home.figure_texts()["在册会员"] == "3人"
    assert win.count_label.text() == "在册会员 3 人"


def test_a_large_union_window_never_shown_still_counts(qtbot, context, monkeypatch):
    monkeypatch.setattr(app_context_module, "LARGE_UNION_MEMBERS", 1)
    setup_application()
    win = create_main_window(context)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.home_view.figures_shown, timeout=10000):
        pass  # the fallback timer starts the count
    assert win.home_view.figure_texts()["在册会员"] == "2人"


def test_a_page_that_cannot_be_built_says_so_and_the_window_stays(window, monkeypatch, qtbot):
    from PySide6.QtWidgets import QApplication, QMessageBox

    from gonghui_desk.ui.main_window import MainWindow

    def broken(self):
        raise ValueError("坏了")

    monkeypatch.setattr(MainWindow, "_new_honours_view", broken)
    window.show_page("honours")
    assert window.current_page_key() == "home"
    assert window.navigation.currentItem().text() == "首页"
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert len(boxes) == 1 and "坏了" in boxes[0].text() and "无法打开“荣誉”" == boxes[0].windowTitle()
    assert "ValueError" in boxes[0].detailedText()
    boxes[0].close()
    assert "honours" not in window.pages.built
    monkeypatch.undo()
    window.show_page("honours")  # the next try builds it
    assert window.current_page_key() == "honours"


def test_the_command_line_leaves_loading_the_modules_to_the_window(tmp_path):
    """``gonghui-desk`` without a command opens the window, which loads the modules when it needs them; every
    other command loads them first."""
    script = ("import sys\n"
              "from gonghui_desk import cli, modules\n"
              "from gonghui_desk.ui import app\n"
              "app.run_gui = lambda path: print('loaded' if modules.is_loaded() else 'not loaded') or 0\n"
              "sys.exit(cli.main(sys.argv[1:]))\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    db_path = tmp_path / "union.sqlite3"
    done = subprocess.run([sys.executable, "-c", script, "--db", str(db_path)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "not loaded"
    check = "import sys\nfrom gonghui_desk import cli, modules\ncli.main(sys.argv[1:])\nprint(modules.is_loaded())\n"
    done = subprocess.run([sys.executable, "-c", check, "demo", "--db", str(db_path), "--members", "3", "--no-gui"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "True"


def test_the_start_imports_its_qt_free_modules_before_pyside6():
    """PySide6 reads the source of every module an import statement names once it is imported (its __feature__
    check): the app's Qt-free modules the start needs come first (ui/app.py), so that most are read no more."""
    script = ("import sys\n"
              "import gonghui_desk.ui.app\n"
              "print(' '.join(sys.modules))\n")  # in the order the imports began
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    order = done.stdout.split()
    first_qt = order.index("PySide6")
    core = ("gonghui_desk.union", "gonghui_desk.privacy", "gonghui_desk.settings", "gonghui_desk.stats",
            "gonghui_desk.paths", "gonghui_desk.db.connection", "gonghui_desk.db.file_lock")
    assert [name for name in core if order.index(name) > first_qt] == []
    assert "sqlite_utils" not in order and "gonghui_desk.members" not in order  # not needed for the first paint
    assert order.index("gonghui_desk.ui.app_context") > first_qt  # the Qt layer after it, of course


def test_sqlite_utils_is_imported_on_first_use_without_numpy(tmp_path):
    """The package no longer imports sqlite-utils itself: its finder makes the first ``import sqlite_utils`` run
    with numpy and pandas marked missing (as in the bundle), then steps aside."""
    script = ("import importlib.util, sys\n"
              "import gonghui_desk\n"
              "before = 'sqlite_utils' in sys.modules\n"
              "import sqlite_utils, sqlite_utils.db\n"
              "finders = [type(f).__name__ for f in sys.meta_path]\n"
              "numpy = importlib.util.find_spec('numpy') is not None\n"
              "if numpy:\n"
              "    import numpy as np  # still importable for everything else\n"
              "print(before, sqlite_utils.db.np is None, 'numpy' in sys.modules, numpy,\n"
              "      type(sqlite_utils.__loader__).__name__, '_SqliteUtilsAsBundled' in finders)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    before, no_np, numpy_loaded, numpy_installed, loader, finder_left = done.stdout.split()
    assert before == "False" and no_np == "True" and finder_left == "False"
    assert numpy_loaded == numpy_installed  # loaded only by the script's own import, when it is installed
    assert loader != "_LoaderWithoutNumpy"  # the module keeps its own loader


def test_the_context_opens_a_plain_connection_and_wraps_it_on_first_use(context):
    import sqlite3

    from gonghui_desk.db.connection import schema_version
    from gonghui_desk.db.migrations import LATEST_VERSION

    assert isinstance(context.conn, sqlite3.Connection)
    assert context.db.conn is context.conn  # one connection: what is written through either is seen by both
    assert context.db is context.db
    assert schema_version(context.db) == LATEST_VERSION
    assert context.members.count_active() == 2


def test_the_deferred_start_lets_the_event_loop_run_between_its_steps(qtbot, context, monkeypatch):
    from PySide6.QtCore import QTimer

    from gonghui_desk import modules

    monkeypatch.setattr(app_context_module, "LARGE_UNION_MEMBERS", 1)
    monkeypatch.setattr(modules, "_loaded", False)  # as at a fresh start: the registries load step by step
    setup_application()
    win = create_main_window(context)
    qtbot.addWidget(win)
    ticks = []
    ticker = QTimer(win)
    ticker.setInterval(0)
    ticker.timeout.connect(lambda: ticks.append(win.started))
    ticker.start()
    with qtbot.waitSignal(win.start_finished, timeout=20000):
        win.show()
    ticker.stop()
    assert modules.is_loaded() and win.started
    # the loop turned between the steps: sqlite-utils, each module of the registries, then the home page's work
    assert ticks.count(False) >= len(modules.MODULES)
    qtbot.waitUntil(lambda: win.home_view.figure_texts()["在册会员"] == "2人", timeout=10000)


def test_a_page_opened_before_the_deferred_start_ends_works(qtbot, context, monkeypatch):
    from gonghui_desk import modules

    monkeypatch.setattr(app_context_module, "LARGE_UNION_MEMBERS", 1)
    monkeypatch.setattr(modules, "_loaded", False)
    setup_application()
    win = create_main_window(context)
    qtbot.addWidget(win)
    win.show()
    assert not win.started
    win.show_page("members")  # at once, as a quick user would: the page loads what it needs itself
    assert win.current_page_key() == "members" and modules.is_loaded()
    assert win.members_view.model.rowCount() == 2
    qtbot.waitUntil(lambda: win.started, timeout=20000)
    assert win.count_label.text() == "在册会员 2 人"
