"""The 工作总结 page (gonghui_desk.ui.summary_view) in the main window: the navigation reaches it (no
placeholder says 工作总结 any more), it lists the saved drafts newest first in a lazy table, opens one in the
editor, voids one with a reason (shown again with 显示已作废), and 新建总结… opens the wizard whose saved draft
appears in the list."""

from __future__ import annotations

import dataclasses

import pytest
import shiboken6
from PySide6.QtWidgets import QMessageBox

from gonghui_desk.reports.builder import build_report_with_stats
from gonghui_desk.reports.drafts import list_drafts, load_draft, save_draft, update_draft
from gonghui_desk.reports.model import ReportRequest
from gonghui_desk.reports.periods import half_period, year_period
from gonghui_desk.ui.app import create_main_window, setup_application
from gonghui_desk.ui.placeholder_view import PlaceholderView
from gonghui_desk.ui.report_editor import ReportEditorDialog
from gonghui_desk.ui.report_wizard import ReportWizard
from gonghui_desk.ui.summary_view import SummaryView
from tests.conftest import TODAY
from tests.test_gui_report_wizard import load_report_sections

load_report_sections()

pytestmark = pytest.mark.usefixtures("no_job_left_running")


@pytest.fixture
def context(school_demo_context):
    return school_demo_context


@pytest.fixture
def window(qtbot, context):
    setup_application()
    win = create_main_window(context)
    qtbot.addWidget(win)
    win.show()
    return win


def saved_drafts(db) -> dict[str, int]:
    ids = {}
    for name, request in (("annual", ReportRequest("annual", year_period(2025))),
                          ("half", ReportRequest("half", half_period(2026, 1))),
                          ("care", ReportRequest("care", year_period(2026)))):
        document, stats = build_report_with_stats(db, request, today=TODAY)
        ids[name] = save_draft(db, request, document, stats=stats)
    return ids


def test_the_navigation_reaches_the_page_and_no_placeholder_is_left_for_it(window):
    assert window.page_keys()[-4:-2] == ["summary", "reports"]  # 回收站 and 备份与恢复 come last
    window.show_page("summary")
    page = window.pages["summary"]
    assert isinstance(page, SummaryView) and window.stack.currentWidget() is page
    assert window.navigation.currentItem().text() == "工作总结"
    assert not any("工作总结" in p.title for p in window.pages.values() if isinstance(p, PlaceholderView))
    assert page.stack.currentIndex() == 1  # nothing saved yet: the message and its 新建总结… button
    assert "还没有保存的工作总结" in page.empty_label.text()
    assert not page.open_button.isEnabled() and not page.void_button.isEnabled()


def test_the_page_lists_the_drafts_and_opens_one(window, context, qtbot):
    ids = saved_drafts(context.db)
    request, doc = load_draft(context.db, ids["annual"])  # the first saved; updated now, so listed first
    update_draft(context.db, ids["annual"], dataclasses.replace(doc, title="2025年度工作总结（修改稿）"),
                 title="2025年度工作总结（修改稿）")
    window.show_page("summary")
    page = window.summary_view
    model = page.model
    assert model.rowCount() == 3 and page.stack.currentIndex() == 0
    assert model.ids()[0] == ids["annual"]  # the last saved first
    assert model.text(0, "title") == "2025年度工作总结（修改稿）"
    assert model.text(0, "kind") == "年度工作总结" and model.text(0, "period") == "2025年"
    row = model.row_of(ids["half"])
    assert model.text(row, "kind") == "半年工作总结" and model.text(row, "period") == "2026年上半年"
    assert model.text(row, "state") == "草稿"
    assert page.count_label.text() == "共 3 份总结草稿"
    assert [d["id"] for d in list_drafts(context.db)] == model.ids()
    page.select_draft(ids["care"])
    assert page.current_draft_id() == ids["care"] and page.open_button.isEnabled()
    dialog = page.open_current()
    assert isinstance(dialog, ReportEditorDialog) and page.editor_dialog is dialog and dialog.isVisible()
    assert dialog.editor.draft_id == ids["care"]
    assert dialog.editor.document() == load_draft(context.db, ids["care"])[1]
    assert dialog.editor.mark_keys()
    # edited and saved there: the list follows
    dialog.editor.text_edit.textCursor().insertText("关于")
    dialog.editor.sync()
    dialog.editor.save_draft()
    assert model.ids()[0] == ids["care"] and model.text(0, "title").startswith("关于")
    dialog.close()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), timeout=5000)
    # a double-click (Enter) on a row opens it too; closing with edits asks first
    opened = page.open_row(model.row_of(ids["half"]))
    assert opened.editor.draft_id == ids["half"]
    opened.editor.text_edit.textCursor().insertText("草稿：")
    opened.editor.sync()
    opened.reject()
    box = opened.discard_box
    assert box.isVisible() and opened.isVisible()
    discard = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.DestructiveRole)
    discard.click()
    assert not opened.isVisible() if shiboken6.isValid(opened) else True
    assert not load_draft(context.db, ids["half"])[1].title.startswith("草稿：")  # not saved


def test_voiding_a_draft_hides_it_unless_asked(window, context, qtbot):
    ids = saved_drafts(context.db)
    window.show_page("summary")
    page = window.summary_view
    page.select_draft(ids["half"])
    dialog = page.void_current()
    assert page.void_dialog is dialog and dialog.isVisible()
    assert "作废" in dialog.windowTitle()
    dialog.reason_edit.setText("期间选错了")
    dialog.accept()
    assert ids["half"] not in page.model.ids() and page.model.rowCount() == 2
    page.voided_check.setChecked(True)
    row = page.model.row_of(ids["half"])
    assert row is not None and page.model.text(row, "state") == "已作废"
    page.select_draft(ids["half"])
    assert not page.open_button.isEnabled() and not page.void_button.isEnabled()
    assert page.open_row(row) is None  # a voided draft is not opened for editing
    page.voided_check.setChecked(False)
    assert page.model.rowCount() == 2


def test_new_report_opens_the_wizard_and_its_draft_appears(window, context, qtbot):
    window.show_page("summary")
    page = window.summary_view
    wizard = page.new_report()
    assert isinstance(wizard, ReportWizard) and page.wizard is wizard and wizard.isVisible()
    wizard.next()
    qtbot.waitUntil(wizard.sections_page.is_loaded, timeout=20000)
    wizard.next()
    wizard.next()
    qtbot.waitUntil(wizard.draft_page.is_ready, timeout=30000)
    wizard.next()  # saves the draft
    draft_id = wizard.draft_id
    assert page.model.ids() == [draft_id] and page.current_draft_id() == draft_id
    assert page.stack.currentIndex() == 0
    wizard.accept()
    qtbot.waitUntil(lambda: not shiboken6.isValid(wizard) or not wizard.isVisible(), timeout=5000)
    assert page.model.ids() == [draft_id]
