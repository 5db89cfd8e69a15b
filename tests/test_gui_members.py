"""The member list page: search, filters, masking, opening the card, export."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from gonghui_desk.dates import add_years
from gonghui_desk.idcard import check_char
from gonghui_desk.ui.member_card import MemberCardDialog
from gonghui_desk.ui.member_model import COLUMN_INDEX
from gonghui_desk.ui.members_view import MembersView, default_roster_name
from gonghui_desk.union import add_sub_unit


def make_id(birth: dt.date, seq: int) -> str:
    first17 = f"110101{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


@pytest.fixture
def people(context):
    """A small union: 语文组 with a group under it, 办公室, and members of all kinds."""
    db, store = context.db, context.members
    chinese = add_sub_unit(db, "语文组", kind="分工会")
    grade = add_sub_unit(db, "初一年级", kind="工会小组", parent_id=chinese)
    office = add_sub_unit(db, "办公室")
    today = dt.date.today()
    young, middle, old = add_years(today, -25), add_years(today, -45), add_years(today, -58)
    ids = {
        "张三": store.create({"name": "张三", "id_number": make_id(middle, 11), "phone": "13800001111",
                              "sub_unit_id": chinese}),
        "李四": store.create({"name": "李四", "id_number": make_id(young, 23), "phone": "13900002222",
                              "sub_unit_id": grade, "is_migrant_worker": True}),
        "王芳": store.create({"name": "王芳", "id_number": make_id(old, 42), "sub_unit_id": office,
                              "female_retirement_age": 55, "model_worker_type": "市级劳模"}),
        "赵六": store.create({"name": "赵六", "id_number": make_id(young, 13), "sub_unit_id": office}),
        "钱七": store.create({"name": "钱七", "id_number": make_id(old, 15), "sub_unit_id": grade},
                             status="退休", status_date="2024-01-01"),
    }
    context.units = {"语文组": chinese, "初一年级": grade, "办公室": office}
    return ids


@pytest.fixture
def view(context, people, qtbot):
    widget = MembersView(context)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    return widget


def names(view: MembersView) -> set[str]:
    model = view.model
    return {model.index(r, COLUMN_INDEX["name"]).data() for r in range(model.rowCount())}


def pick(combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))


def test_search_zs_finds_zhang_san(view, qtbot):
    assert "共 5 人" == view.count_label.text()
    qtbot.keyClicks(view.search_edit, "zs")
    assert names(view) == {"张三"}
    assert view.count_label.text() == "共 1 人"
    for text, expected in (("zhangsan", {"张三"}), ("张", {"张三"}), ("139000", {"李四"}), ("1101011", None)):
        view.search_edit.setText(text)
        if expected is not None:
            assert names(view) == expected, text
    assert "zs" in view.search_edit.placeholderText() and "拼音" in view.search_edit.placeholderText()
    view.search_edit.clear()
    assert view.model.rowCount() == 5


def test_status_filter_includes_voided_only_on_request(view, context, people):
    context.members.change_status(people["王芳"], "转出", "2026-01-05", "调往其他学校")
    context.members_changed.emit()
    assert view.status_combo.currentText() == "在册（含退休）"  # the default: members on the roll
    assert names(view) == {"张三", "李四", "赵六", "钱七"}
    pick(view.status_combo, None)
    assert names(view) == {"张三", "李四", "王芳", "赵六", "钱七"}
    pick(view.status_combo, "转出")
    assert names(view) == {"王芳"}
    pick(view.status_combo, "退休")
    assert names(view) == {"钱七"}
    pick(view.status_combo, "在册")
    assert names(view) == {"张三", "李四", "赵六"}
    context.members.void(people["赵六"], "重复录入")
    context.members_changed.emit()
    assert names(view) == {"张三", "李四"}
    pick(view.status_combo, "已作废")
    assert names(view) == {"赵六"}
    items = [view.status_combo.itemText(i) for i in range(view.status_combo.count())]
    assert items == ["在册（含退休）", "全部", "在册", "退休", "转出", "退会", "去世", "已作废"]


def test_sub_unit_filter_includes_children_and_shows_the_tree(view, context):
    combo = view.sub_unit_combo
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert texts[0] == "全部部门"
    assert texts[1] == "语文组" and texts[2].strip("\u3000") == "初一年级" and texts[2].startswith("\u3000")
    pick(combo, context.units["语文组"])
    assert names(view) == {"张三", "李四", "钱七"}
    assert combo.current_path() == "语文组"
    pick(combo, context.units["初一年级"])
    assert names(view) == {"李四", "钱七"}
    assert combo.current_path() == "语文组/初一年级"  # the closed combo shows the whole path


def test_sex_age_migrant_and_model_worker_filters(view):
    pick(view.sex_combo, "女")
    assert names(view) == {"王芳"}
    pick(view.sex_combo, None)
    pick(view.age_combo, "30岁以下")
    assert names(view) == {"李四", "赵六"}
    pick(view.age_combo, "50–59岁")
    assert names(view) == {"王芳", "钱七"}
    pick(view.age_combo, None)
    pick(view.migrant_combo, True)
    assert names(view) == {"李四"}
    pick(view.migrant_combo, None)
    pick(view.model_worker_combo, True)
    assert names(view) == {"王芳"}
    view.clear_filters()
    assert view.model.rowCount() == 5 and view.model_worker_combo.currentIndex() == 0


def test_masking_toggle(view, context, people):
    row = view.model.row_of(people["张三"])
    number = context.members.get(people["张三"])["id_number"]
    cell = view.model.index(row, COLUMN_INDEX["id_number"])
    phone = view.model.index(row, COLUMN_INDEX["phone"])
    assert not view.full_ids_check.isChecked()
    assert cell.data() == number[:6] + "********" + number[-4:]
    assert phone.data() == "138****1111"
    view.full_ids_check.setChecked(True)
    assert cell.data() == number and phone.data() == "13800001111"
    view.full_ids_check.setChecked(False)
    assert "*" in cell.data()


def test_double_click_and_enter_open_the_card(view, people, qtbot, monkeypatch):
    opened = []
    monkeypatch.setattr(MemberCardDialog, "open", lambda self: opened.append(self.member_id))
    row = view.model.row_of(people["王芳"])
    rect = view.table.visualRect(view.model.index(row, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.LeftButton, pos=rect.center())
    assert opened[-1] == people["王芳"]
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(view.model.row_of(people["李四"]), 0))
    qtbot.keyClick(view.table, Qt.Key_Return)
    assert opened[-1] == people["李四"]
    view.new_member()
    assert opened[-1] is None and view.card.is_new


def test_edit_in_card_updates_list_and_keeps_selection(view, context, people, qtbot, monkeypatch):
    monkeypatch.setattr(MemberCardDialog, "open", lambda self: None)
    view.open_member(people["赵六"])
    card = view.card
    card.editors["phone"].widget.setText("13712345678")
    with qtbot.waitSignal(context.members_changed):
        card.save_button.click()
    assert context.members.get(people["赵六"])["phone"] == "13712345678"
    view.full_ids_check.setChecked(True)
    row = view.model.row_of(people["赵六"])
    assert view.model.index(row, COLUMN_INDEX["phone"]).data() == "13712345678"
    assert view.selected_member_id() == people["赵六"]


def test_sort_by_header_keeps_the_selected_member(view, people):
    view._reselect(people["王芳"])
    view.table.sortByColumn(COLUMN_INDEX["age"], Qt.DescendingOrder)
    ages = [int(view.model.index(r, COLUMN_INDEX["age"]).data()) for r in range(view.model.rowCount())]
    assert ages == sorted(ages, reverse=True)
    assert view.selected_member_id() == people["王芳"]


def test_export_writes_the_filtered_rows(view, context, tmp_path, qtbot, monkeypatch):
    target = tmp_path / "out.xlsx"
    asked = []

    def fake_save(parent, title, default, filters):
        asked.append(default)
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    pick(view.sub_unit_combo, context.units["语文组"])  # 张三, 李四, 钱七
    dialog = view.start_export()
    assert not dialog.full_numbers  # privacy first: masked unless the user ticks the box
    dialog.full_numbers_check.setChecked(True)
    dialog.prepared_by_edit.setText("李老师")
    dialog.accept()
    assert asked and asked[0].endswith(default_roster_name())
    qtbot.waitUntil(lambda: target.exists() and view.export_job is not None and not view.export_job.thread.isRunning(),
                    timeout=15000)
    sheet = load_workbook(target).active
    text = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert {"张三", "李四", "钱七"} <= set(text)
    assert "王芳" not in text and "赵六" not in text
    assert context.members.get(view.model.member_id(0))["id_number"] in text  # full numbers, as text
    assert any("李老师" in t for t in text)


def test_empty_database_shows_the_first_steps(context, qtbot):
    view = MembersView(context)
    qtbot.addWidget(view)
    assert view.stack.currentWidget() is view.empty_page
    assert "还没有会员" in view.empty_label.text()
    assert not view.empty_new_button.isHidden() and not view.empty_import_button.isHidden()
    context.members.create({"name": "张三"})
    context.members_changed.emit()
    assert view.stack.currentWidget() is view.table
    view.search_edit.setText("没有这个人")
    assert view.stack.currentWidget() is view.empty_page
    assert "没有符合条件" in view.empty_label.text()


def test_download_template_through_the_view(view, tmp_path, monkeypatch):
    target = tmp_path / "模板.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert view.download_template() == target
    assert target.exists()
