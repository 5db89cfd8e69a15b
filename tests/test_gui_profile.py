"""The first-run dialog and 设置 → 工会信息."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from gonghui_desk import union
from gonghui_desk.ui.first_run_dialog import FirstRunDialog, kind_explanation
from gonghui_desk.ui.profile_dialog import ProfileDialog


@pytest.fixture
def context(profiled_db, empty_context):
    return empty_context  # opened after the profile was saved


@pytest.fixture
def dialog(qtbot, context):
    dlg = ProfileDialog(context)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


@pytest.fixture
def answer_yes(monkeypatch):
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: asked.append(args) or QMessageBox.Yes)
    return asked


# --- first run -----------------------------------------------------------------------------
def test_first_run_saves_the_profile(qtbot, empty_context):
    dlg = FirstRunDialog(empty_context)
    qtbot.addWidget(dlg)
    dlg.open()
    dlg.name_edit.setText("  城东第一中学工会委员会 ")
    dlg.kind_combo.setCurrentIndex(dlg.kind_combo.findData("学校"))
    assert "教职工" in dlg.kind_hint.text() and "教代会" in dlg.kind_hint.text()
    dlg.upstream_edit.setText("城东区教育工会")
    with qtbot.waitSignal(empty_context.profile_changed, timeout=1000):
        qtbot.mouseClick(dlg.ok_button, Qt.LeftButton)
    assert dlg.result() == QDialog.Accepted
    profile = empty_context.profile()
    assert profile.is_set_up
    assert (profile.name, profile.kind, profile.upstream_union) == ("城东第一中学工会委员会", "学校", "城东区教育工会")


def test_first_run_refuses_an_empty_name(qtbot, empty_context):
    dlg = FirstRunDialog(empty_context)
    qtbot.addWidget(dlg)
    dlg.open()
    dlg.name_edit.setText("   ")
    qtbot.mouseClick(dlg.ok_button, Qt.LeftButton)
    assert dlg.isVisible()
    assert dlg.result() != QDialog.Accepted
    assert not dlg.error_label.isHidden() and "工会名称" in dlg.error_label.text()
    assert not empty_context.profile().is_set_up
    qtbot.keyClicks(dlg.name_edit, "a")  # typing clears the message
    assert dlg.error_label.isHidden()


def test_kind_explanation_uses_the_vocabulary():
    assert "职代会" in kind_explanation("企业") and "厂务公开" in kind_explanation("企业")
    assert "院务公开" in kind_explanation("医院")


# --- 基本信息 --------------------------------------------------------------------------------
def test_profile_dialog_saves_basic_information(qtbot, dialog, context):
    tab = dialog.basic_tab
    assert tab.name_edit.text() == "测试中学工会委员会"
    tab.name_edit.setText("测试中学工会")
    tab.address_edit.setText("学府路18号")
    tab.chair_edit.setText("王建华")
    tab.term_spin.setValue(6)
    tab.elected_edit.setText("2023年5月12日")
    with qtbot.waitSignal(context.profile_changed, timeout=1000):
        dialog.accept()
    assert dialog.result() == QDialog.Accepted
    profile = context.profile()
    assert profile.name == "测试中学工会"
    assert profile.kind == "学校" and profile.upstream_union == "某县教育工会"
    assert (profile.address, profile.chair, profile.term_number) == ("学府路18号", "王建华", 6)
    assert profile.term_elected_on == "2023-05-12"
    assert profile.term_expires_on == "2028-05-12"  # five years when not given


def test_profile_dialog_keeps_open_on_bad_input(qtbot, dialog, context):
    tab = dialog.basic_tab
    dialog.tabs.setCurrentIndex(3)
    tab.elected_edit.setText("去年五月")
    dialog.accept()
    assert dialog.isVisible() and dialog.tabs.currentWidget() is tab
    assert "选举日期" in tab.message.text() and not tab.message.isHidden()
    tab.elected_edit.setText("2023-05-12")
    tab.expires_edit.setText("2020-01-01")
    dialog.accept()
    assert "晚于选举日期" in tab.message.text()
    tab.expires_edit.clear()
    tab.name_edit.clear()
    dialog.accept()
    assert "工会名称" in tab.message.text()
    assert context.profile().name == "测试中学工会委员会"  # nothing was saved


# --- 职工人数 --------------------------------------------------------------------------------
def test_staff_counts_add_edit_and_remove(qtbot, dialog, context, answer_yes):
    tab = dialog.staff_tab
    assert dialog.tabs.tabText(1) == "教职工人数"
    assert tab.model.headerData(1, Qt.Horizontal) == "教职工人数（含非会员）"
    tab.year_spin.setValue(2025)
    tab.count_spin.setValue(150)
    with qtbot.waitSignal(context.profile_changed, timeout=1000):
        qtbot.mouseClick(tab.add_button, Qt.LeftButton)
    tab.add_staff_count(2026, 156)
    assert union.staff_counts(context.db) == {2025: 150, 2026: 156}
    assert tab.model.rowCount() == 2
    assert tab.model.index(0, 0).data() == "2026年" and tab.model.index(0, 1).data() == "156人"

    assert tab.model.setData(tab.model.index(1, 1), "160", Qt.EditRole)
    assert union.staff_counts(context.db)[2025] == 160
    assert not tab.model.setData(tab.model.index(1, 1), "很多", Qt.EditRole)
    assert "整数" in tab.message.text()

    tab.view.selectRow(0)
    tab.remove_selected()
    assert answer_yes
    assert union.staff_counts(context.db) == {2025: 160}
    assert tab.model.rowCount() == 1


# --- 委员会 ----------------------------------------------------------------------------------
def test_committee_member_added_and_removed(qtbot, dialog, context, answer_yes):
    member_id = context.members.create({"name": "李秀英", "sex": "女"})
    dialog = ProfileDialog(context)  # the member suggestions are read when the dialog opens
    qtbot.addWidget(dialog)
    dialog.show()
    tab = dialog.committees_tab
    tab.committee_combo.setCurrentText("工会委员会")
    assert [tab.role_combo.itemText(i) for i in range(3)] == ["主席", "副主席", "委员"]
    tab.person_edit.setText("王建华")
    tab.role_combo.setCurrentText("主席")
    with qtbot.waitSignal(context.profile_changed, timeout=1000):
        qtbot.mouseClick(tab.add_button, Qt.LeftButton)
    tab.committee_combo.setCurrentText("女职工委员会")
    assert tab.role_combo.itemText(0) == "主任"
    tab.person_edit.setText("李秀英")  # the name of exactly one member: linked to her
    tab.role_combo.setCurrentText("主任")
    tab.add_from_form()
    rows = union.committee_members(context.db)
    assert [(r["committee"], r["person_name"], r["role"], r["member_id"]) for r in rows] == [
        ("女职工委员会", "李秀英", "主任", member_id), ("工会委员会", "王建华", "主席", None)]
    assert tab.model.rowCount() == 2
    assert tab.model.index(0, 0).data() == "工会委员会"  # committees in their usual order
    assert tab.model.index(1, 3).data() == "已关联"
    assert tab.person_edit.text() == ""

    tab.person_edit.setText("  ")
    tab.add_from_form()
    assert "姓名" in tab.message.text()

    tab.view.selectRow(0)
    tab.remove_selected()
    assert [r["person_name"] for r in union.committee_members(context.db)] == ["李秀英"]
    assert answer_yes
    voided = context.db.execute("SELECT voided_at FROM committee_members WHERE person_name = '王建华'").fetchone()
    assert voided[0]  # removed = voided, not deleted


def test_committee_member_picked_from_the_suggestions(qtbot, context):
    unit = union.add_sub_unit(context.db, "高一年级组")
    first = context.members.create({"name": "陈明", "sex": "男", "sub_unit_id": unit})
    context.members.create({"name": "陈明", "sex": "男"})  # a namesake: typing alone cannot tell them apart
    dlg = ProfileDialog(context)
    qtbot.addWidget(dlg)
    dlg.show()
    tab = dlg.committees_tab
    tab.completer.setCompletionPrefix("陈")
    model = tab.completer.completionModel()
    assert model.rowCount() == 2
    texts = [model.index(row, 0).data() for row in range(2)]
    assert "陈明　高一年级组" in texts
    picked = model.index(texts.index("陈明　高一年级组"), 0)
    tab.completer.activated[QModelIndex].emit(picked)
    qtbot.waitUntil(lambda: tab.person_edit.text() == "陈明")
    assert tab.picked_member_id == first
    tab.committee_combo.setCurrentText("经审委员会")
    tab.add_from_form()
    assert union.committee_members(context.db)[0]["member_id"] == first
    tab.person_edit.setText("陈明")
    tab.add_from_form()  # typed, two namesakes: saved without a link
    assert union.committee_members(context.db)[1]["member_id"] is None


# --- 组织机构 --------------------------------------------------------------------------------
def test_sub_units_add_rename_move_and_void(qtbot, dialog, context, answer_yes):
    tab = dialog.sub_units_tab
    tab.new_name_edit.setText("高一年级组")
    assert tab.new_kind_combo.currentText() == "部门"
    with qtbot.waitSignal(context.profile_changed, timeout=1000):
        qtbot.mouseClick(tab.add_top_button, Qt.LeftButton)
    grade = union.find_sub_unit_by_path(context.db, "高一年级组")
    assert grade is not None and tab.selected_id() == grade
    tab.new_name_edit.setText("语文组")
    tab.new_kind_combo.setCurrentText("工会小组")
    tab.add_from_form(as_child=True)
    chinese = union.find_sub_unit_by_path(context.db, "高一年级组/语文组")
    assert chinese is not None
    assert tab.model.rowCount() == 1 and tab.model.item(0).rowCount() == 1

    # rename and change the kind
    tab.select_unit(grade)
    tab.name_edit.setText("高一年级")
    tab.kind_combo.setCurrentText("分工会")
    assert tab.apply_changes()
    units = {u.id: u for u in union.sub_units(context.db)}
    assert (units[grade].name, units[grade].kind) == ("高一年级", "分工会")
    assert units[chinese].path == "高一年级/语文组"

    # a duplicate name is refused with the core's message
    other = tab.add_unit("行政后勤")
    tab.select_unit(other)
    tab.name_edit.setText("高一年级")
    assert not tab.apply_changes()
    assert "已有名为" in tab.message.text()

    # move 语文组 under 行政后勤; a unit cannot go under itself
    tab.select_unit(chinese)
    tab.parent_combo.setCurrentIndex(tab.parent_combo.findData(other))
    assert tab.apply_changes()
    assert union.sub_unit_paths(context.db)[chinese] == "行政后勤/语文组"
    tab.select_unit(other)
    assert tab.parent_combo.findData(chinese) == -1  # its own descendants are not offered

    # retire: refused while it has members, allowed when empty
    context.members.create({"name": "张三", "sex": "男", "sub_unit_id": chinese})
    tab.select_unit(chinese)
    assert not tab.void_selected()
    assert "1 名会员" in tab.message.text()
    tab.select_unit(grade)
    assert tab.void_selected()
    assert grade not in union.sub_unit_paths(context.db)
    assert answer_yes


def test_sub_unit_move_into_a_name_clash_is_explained(qtbot, dialog, context):
    tab = dialog.sub_units_tab
    a = tab.add_unit("一车间")
    b = tab.add_unit("二车间")
    tab.add_unit("甲班", "工会小组", a)
    clash = tab.add_unit("甲班", "工会小组", b)
    tab.select_unit(clash)
    tab.parent_combo.setCurrentIndex(tab.parent_combo.findData(a))
    assert not tab.apply_changes()
    assert "已有名为“甲班”" in tab.message.text()
    assert union.sub_unit_paths(context.db)[clash] == "二车间/甲班"


def test_dialog_opened_from_the_window_updates_the_home_page(qtbot, context):
    from gonghui_desk.ui.app import create_main_window

    window = create_main_window(context)
    qtbot.addWidget(window)
    window.show()
    dlg = window.open_profile_dialog()
    dlg.sub_units_tab.add_unit("新部门")
    context.members.create({"name": "张三", "sex": "男",
                            "sub_unit_id": union.find_sub_unit_by_path(context.db, "新部门")})
    context.members_changed.emit()
    assert dict(window.home_view.chart.items()) == {"新部门": 1}
    dlg.basic_tab.name_edit.setText("改名后的工会")
    dlg.accept()
    assert window.windowTitle() == "基层工会工作台 — 改名后的工会"
    assert window.home_view.name_label.text() == "改名后的工会"
