"""The home page's reminders: grouped with counts, and each one opens what it offers."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from gonghui_desk.care.occasions import find_occasion
from gonghui_desk.care.visits import VisitInput, VisitStore
from gonghui_desk.retirement import statutory_retirement
from gonghui_desk.ui import reminders_panel
from gonghui_desk.ui.member_card import MemberCardDialog, StatusChangeDialog
from gonghui_desk.ui.reminders_panel import KIND_TITLES, RemindersPanel
from gonghui_desk.ui.visit_dialog import VisitDialog

from conftest import TODAY

COMING_BIRTH = dt.date(1966, 7, 15)  # a man: 60 years 5 months (DOMAIN.md §6) -> 2026-12-15
PASSED_BIRTH = dt.date(1965, 6, 10)  # 60 years 2 months -> 2025-08-10, still 在册


pytestmark = pytest.mark.usefixtures("no_job_left_running")


@pytest.fixture
def context(empty_context):
    ctx = empty_context
    ctx.coming = ctx.members.create({"name": "赵六", "sex": "男", "birth_date": COMING_BIRTH.isoformat()}, today=TODAY)
    ctx.passed = ctx.members.create({"name": "钱七", "sex": "男", "birth_date": PASSED_BIRTH.isoformat()}, today=TODAY)
    ctx.young = ctx.members.create({"name": "孙八", "sex": "女", "birth_date": "1995-03-01",
                                    "female_retirement_age": 55}, today=TODAY)
    hospital = find_occasion(ctx.db, "生病住院")
    ctx.pending_visit = VisitStore(ctx.db, today=TODAY).save(
        VisitInput(ctx.young, hospital.id, event_date="2026-11-20", illness="阑尾炎"))
    return ctx


@pytest.fixture
def opened(monkeypatch):
    """Dialogs the panel opens are recorded instead of shown."""
    calls = []
    for cls in (VisitDialog, MemberCardDialog, StatusChangeDialog):
        monkeypatch.setattr(cls, "open", lambda self: calls.append(self))
    return calls


def panel_for(context, qtbot, **kwargs) -> RemindersPanel:
    kwargs.setdefault("threaded", False)
    panel = RemindersPanel(context, today=TODAY, **kwargs)
    qtbot.addWidget(panel)
    panel.resize(420, 400)
    panel.show()
    return panel


def row_of_kind(panel: RemindersPanel, kind: str) -> int:
    return next(r for r in range(panel.model.rowCount())
                if panel.model.reminder(r) is not None and panel.model.reminder(r).kind == kind)


def lines(panel: RemindersPanel) -> list[str]:
    return [panel.model.index(r).data().strip() for r in range(panel.model.rowCount())]


def test_retirement_within_six_months_is_listed_under_its_heading(context, qtbot):
    expected = statutory_retirement(COMING_BIRTH, "男").date
    assert TODAY < expected <= dt.date(2027, 5, 22)
    panel = panel_for(context, qtbot)
    shown = lines(panel)
    heading = shown.index(f"{KIND_TITLES['retirement']}（1）")
    assert "赵六" in shown[heading + 1] and expected.isoformat() in shown[heading + 1]
    assert f"{KIND_TITLES['retirement_passed']}（1）" in shown
    assert f"{KIND_TITLES['pending_event']}（1）" in shown
    assert not any("孙八将于" in line for line in shown)
    assert "共 3 条" in panel.summary_label.text()
    # headings are not selectable; reminders are
    assert not panel.model.flags(panel.model.index(heading)) & reminders_panel.Qt.ItemIsSelectable
    assert panel.model.flags(panel.model.index(heading + 1)) & reminders_panel.Qt.ItemIsSelectable


def test_activating_a_retirement_opens_a_prefilled_visit_dialog(context, qtbot, opened):
    panel = panel_for(context, qtbot)
    row = row_of_kind(panel, "retirement")
    panel.view.clicked.emit(panel.model.index(row))
    assert len(opened) == 1
    dialog = opened[0]  # a child of the panel (its window), deleted with it
    assert isinstance(dialog, VisitDialog) and dialog.is_new
    assert dialog.member_picker.member_id == context.coming
    assert dialog.current_occasion().name == "退休"
    assert dialog.event_edit.text() == statutory_retirement(COMING_BIRTH, "男").date.isoformat()
    assert dialog.pending_check.isChecked()  # the retirement is still to come
    assert dialog.cash_edit.text() == "500"  # the standard of the default rules
    with qtbot.waitSignal(context.visits_changed):
        dialog.save()
    # recorded: the reminder goes away
    assert not any(r.kind == "retirement" for r in panel.model.reminders())


def test_a_passed_retirement_changes_the_status_then_offers_the_visit(context, qtbot, opened):
    panel = panel_for(context, qtbot)
    dialog = panel.activate(row_of_kind(panel, "retirement_passed"))
    assert isinstance(dialog, StatusChangeDialog) and opened == [dialog]
    assert dialog.status_combo.currentText() == "退休"
    assert dialog.date_edit.text() == statutory_retirement(PASSED_BIRTH, "男").date.isoformat()
    dialog.accept()
    assert context.members.get(context.passed)["status"] == "退休"
    box = panel.offer_box
    assert isinstance(box, QMessageBox) and "钱七" in box.text()
    next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.AcceptRole).click()
    visit = opened[-1]
    assert isinstance(visit, VisitDialog) and visit.member_picker.member_id == context.passed
    assert not any(r.kind == "retirement_passed" for r in panel.model.reminders())


def test_a_pending_event_opens_its_visit(context, qtbot, opened):
    panel = panel_for(context, qtbot)
    dialog = panel.activate(row_of_kind(panel, "pending_event"))
    assert isinstance(dialog, VisitDialog) and dialog.visit_id == context.pending_visit
    assert dialog.pending_check.isChecked()


def test_open_member_reminders_open_the_card(context, qtbot, opened):
    context.members.create({"name": "周九", "sex": "女", "birth_date": "1972-01-01"}, today=TODAY)  # no original age
    panel = panel_for(context, qtbot)
    dialog = panel.activate(row_of_kind(panel, "retirement_unknown"))
    assert isinstance(dialog, MemberCardDialog) and dialog.member_id is not None


def test_long_groups_fold_and_unfold(context, qtbot, monkeypatch):
    monkeypatch.setattr(reminders_panel, "SHOWN_PER_KIND", 2)
    hospital = find_occasion(context.db, "生病住院")
    store = VisitStore(context.db, today=TODAY)
    for day in ("2026-11-01", "2026-11-02", "2026-11-03"):
        store.save(VisitInput(context.young, hospital.id, event_date=day, illness=f"病{day}"))
    panel = panel_for(context, qtbot)
    shown = lines(panel)
    assert f"{KIND_TITLES['pending_event']}（4）" in shown
    more = next(r for r, text in enumerate(shown) if text.startswith("还有 2 条"))
    assert panel.activate(more) is None
    assert not any(text.startswith("还有") for text in lines(panel))
    assert sum("尚未走访慰问" in text for text in lines(panel)) == 4


def test_nothing_to_remind(empty_context, qtbot):
    panel = panel_for(empty_context, qtbot)
    assert panel.model.rowCount() == 0
    assert "暂无提醒" in panel.summary_label.text()
    assert not panel.view.isVisibleTo(panel)


def test_computed_on_a_worker_thread(context, qtbot):
    panel = panel_for(context, qtbot, threaded=True)
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=10000)
    assert "共 3 条" in panel.summary_label.text()
    context.members_changed.emit()
    context.members_changed.emit()  # a second change while computing: computed once more afterwards
    qtbot.waitUntil(lambda: panel.job is None, timeout=10000)


def test_home_page_shows_the_reminders(context, qtbot):
    from gonghui_desk.ui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    panel = window.reminders_panel
    panel.wait()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=10000)
    assert window.home_view.reminders_box.isAncestorOf(panel)
    assert all(not label.isVisibleTo(window.home_view) for label in window.home_view.reminder_labels)


def test_status_dialog_result(context, qtbot, opened):
    panel = panel_for(context, qtbot)
    dialog = panel.change_status(next(r for r in panel.model.reminders() if r.kind == "retirement_passed"))
    dialog.reject()
    assert dialog.result() == QDialog.Rejected
    assert context.members.get(context.passed)["status"] == "在册"


def test_retirement_window_is_a_setting_kept_in_the_database(qtbot, empty_context):
    from gonghui_desk.settings import retirement_reminder_months
    from gonghui_desk.ui.reminders_panel import RemindersPanel

    panel = RemindersPanel(empty_context, threaded=False)
    qtbot.addWidget(panel)
    assert panel.months_spin.value() == 6
    panel.months_spin.setValue(12)
    assert retirement_reminder_months(empty_context.db) == 12
    again = RemindersPanel(empty_context, threaded=False)
    qtbot.addWidget(again)
    assert again.months_spin.value() == 12
