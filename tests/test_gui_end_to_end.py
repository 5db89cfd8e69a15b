"""The app as a newcomer meets it: a demo school union, opened in the main window."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from gonghui_desk.db import open_database
from gonghui_desk.demo import generate_demo
from gonghui_desk.pinyin_keys import name_keys
from gonghui_desk.stats import home_figures
from gonghui_desk.ui.app import create_main_window
from gonghui_desk.ui.app_context import AppContext
from gonghui_desk.ui.member_card import MemberCardDialog


@pytest.fixture
def window(qtbot, tmp_path):
    path = tmp_path / "demo.sqlite3"
    db = open_database(path)
    generate_demo(db, kind="school", seed=3, today=dt.date(2026, 11, 22))
    db.conn.close()
    context = AppContext(path)
    main = create_main_window(context)
    qtbot.addWidget(main)
    main.show()
    yield main
    context.close()


def test_demo_union_from_home_to_search_card_and_export(window, qtbot, tmp_path, monkeypatch):
    context = window.context
    on_roll = context.members.count_active()
    assert f"在册会员 {on_roll} 人" == window.count_label.text()
    figures = {f.label: f.value for f in home_figures(context.db).figures}
    assert figures["在册会员"] == on_roll

    window.show_page("members")
    view = window.members_view
    assert view.model.rowCount() == on_roll  # the list opens on the members on the roll

    # search by the pinyin initials of a real demo member
    first_id = view.model.member_id(0)
    member = context.members.get(first_id)
    initials = name_keys(member["name"])[1].split()[0]
    qtbot.keyClicks(view.search_edit, initials)
    found = {view.model.member_id(row) for row in range(view.model.rowCount())}
    assert first_id in found
    assert all(initials in context.members.get(i)["search_text"] for i in found)

    # open the card by double-click and change the phone number
    monkeypatch.setattr(MemberCardDialog, "open", lambda self: None)
    row = view.model.row_of(first_id)
    rect = view.table.visualRect(view.model.index(row, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.LeftButton, pos=rect.center())
    card = view.card
    assert card.member_id == first_id
    card.editors["phone"].widget.setText("13912345678")
    with qtbot.waitSignal(context.members_changed):
        card.save_button.click()
    assert context.members.get(first_id)["phone"] == "13912345678"

    # export what the list shows
    target = tmp_path / "roster.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    shown = view.model.rowCount()
    dialog = view.start_export()
    dialog.full_numbers_check.setChecked(True)
    dialog.accept()
    qtbot.waitUntil(lambda: view.export_job is not None and not view.export_job.thread.isRunning(), timeout=15000)
    qtbot.waitUntil(lambda: target.exists(), timeout=5000)
    sheet = load_workbook(target).active
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "序号")
    numbers = [sheet.cell(r, 1).value for r in range(header_row + 1, sheet.max_row + 1)]
    assert [n for n in numbers if isinstance(n, int)] == list(range(1, shown + 1))
    phones = [sheet.cell(r, c).value for r in range(header_row + 1, sheet.max_row + 1)
              for c in range(1, sheet.max_column + 1)]
    assert "13912345678" in phones
