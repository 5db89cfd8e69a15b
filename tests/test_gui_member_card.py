"""The member card: inline validation, saving, status changes, history and voiding."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from gonghui_desk.db.member_queries import MemberFilter, member_ids
from gonghui_desk.members import MEMBER_FIELDS
from gonghui_desk.ui.member_card import FIELD_GROUPS, MemberCardDialog, StatusChangeDialog
from gonghui_desk.ui.members_view import MembersView
from gonghui_desk.union import add_sub_unit

from conftest import TODAY, VALID_IDS


@pytest.fixture
def zhang(context):
    unit = add_sub_unit(context.db, "一车间")
    return context.members.create({"name": "张三", "id_number": VALID_IDS["man_1985"], "phone": "13800138000",
                                   "sub_unit_id": unit, "join_date": "2010-09-01"}, today=TODAY)


def card_for(context, qtbot, member_id=None) -> MemberCardDialog:
    card = MemberCardDialog(context, member_id, today=TODAY)
    qtbot.addWidget(card)
    card.show()
    return card


def type_into(card: MemberCardDialog, key: str, text: str) -> None:
    widget = card.editors[key].widget
    widget.setText(text)
    widget.editingFinished.emit()  # as when the user leaves the field


def test_every_field_is_on_the_form(context, qtbot):
    card = card_for(context, qtbot)
    keys = [k for _, group in FIELD_GROUPS for k in group]
    assert sorted(keys) == sorted(f.key for f in MEMBER_FIELDS)
    assert set(card.editors) == set(keys)
    assert [card.tabs.tabText(i) for i in range(card.tabs.count())] == ["基本资料", "会籍状态", "历史记录"]
    assert not card.save_button.isEnabled()  # a new card needs at least a name
    assert "姓名" in card.summary_label.text()


def test_new_member_id_fills_birth_date_and_sex_and_saves(context, qtbot):
    card = card_for(context, qtbot)
    type_into(card, "name", "李丽")
    card.editors["id_number"].widget.setText(VALID_IDS["woman_1990"])
    assert card.editors["birth_date"].value() == "1990-01-01"
    assert card.editors["sex"].value() == "女"
    assert "身份证号" in card.messages["sex"].text()  # "由身份证号带出"
    assert card.editors["female_retirement_age"].widget.isEnabled()
    type_into(card, "join_date", "2024.5.3")
    assert card.editors["join_date"].value() == "2024-05-03"  # what was understood is shown
    assert card.fact_labels["age"].text() == "36 岁"
    assert card.fact_labels["membership_years"].text() == "2 年"
    assert "女职工原退休年龄" in card.fact_labels["retirement"].text()
    card.editors["female_retirement_age"].set_value(55)
    assert card.fact_labels["retirement"].text() == "2048-01-01（58岁）"  # born 1990: the full 36 months
    assert card.save_button.isEnabled()
    saved = []
    card.saved.connect(saved.append)
    card.save_button.click()
    assert card.result() == QDialog.Accepted
    member = context.members.get(saved[0])
    assert (member["name"], member["sex"], member["birth_date"], member["join_date"]) == \
        ("李丽", "女", "1990-01-01", "2024-05-03")
    assert member["status"] == "在册" and member["status_date"] == "2024-05-03"


def test_duplicate_id_shows_the_other_members_name_and_disables_save(context, zhang, qtbot):
    card = card_for(context, qtbot)
    type_into(card, "name", "张叁")
    card.editors["id_number"].widget.setText(VALID_IDS["man_1985"])
    message = card.messages["id_number"]
    assert not message.isHidden()
    assert "张三" in message.text() and "不能重复" in message.text()
    assert "c0392b" in message.styleSheet()  # red
    assert not card.save_button.isEnabled()
    assert "身份证号" in card.summary_label.text()
    card.editors["id_number"].widget.setText(VALID_IDS["man_1965"])
    assert message.isHidden() or "张三" not in message.text()
    assert card.save_button.isEnabled()


def test_wrong_check_digit_and_birth_date_contradiction(context, qtbot):
    card = card_for(context, qtbot)
    type_into(card, "name", "王五")
    card.editors["id_number"].widget.setText("110101198503070014")
    assert "校验位" in card.messages["id_number"].text()
    assert not card.save_button.isEnabled()
    card.editors["id_number"].widget.setText(VALID_IDS["man_1985"])
    type_into(card, "birth_date", "1985-03-08")
    assert "不一致" in card.messages["birth_date"].text()
    assert not card.save_button.isEnabled()
    type_into(card, "birth_date", "1985.3.7")
    assert card.save_button.isEnabled()


def test_editing_an_existing_member_changes_db_and_list(context, zhang, qtbot):
    view = MembersView(context)
    qtbot.addWidget(view)
    card = card_for(context, qtbot, zhang)
    assert card.editors["name"].value() == "张三"
    assert card.editors["sub_unit_id"].widget.current_path() == "一车间"
    assert card.fact_labels["membership_years"].text() == "16 年"
    type_into(card, "name", "张山")
    type_into(card, "phone", "13912345678")
    with qtbot.waitSignal(context.members_changed):
        card.save_button.click()
    member = context.members.get(zhang)
    assert (member["name"], member["phone"]) == ("张山", "13912345678")
    view.search_edit.setText("zhangshan")
    assert view.model.member_ids() == [zhang]


def test_status_change_with_reason_appears_in_history(context, zhang, qtbot):
    card = card_for(context, qtbot, zhang)
    dialog = card.change_status()
    assert isinstance(dialog, StatusChangeDialog)
    ok = dialog.buttons.button(QDialogButtonBox.Ok)
    dialog.status_combo.setCurrentText("转出")
    dialog.date_edit.setText("2026.10.1")
    assert not ok.isEnabled()  # 转出 needs a reason
    assert "原因" in dialog.reason_hint.text()
    dialog.reason_edit.setText("调往县实验中学")
    assert ok.isEnabled()
    with qtbot.waitSignal(context.members_changed):
        ok.click()
    member = context.members.get(zhang)
    assert (member["status"], member["status_date"]) == ("转出", "2026-10-01")
    statuses = [card.status_model.text(r, 2) for r in range(card.status_model.rowCount())]
    assert statuses == ["在册", "转出"]
    history = [card.history_model.text(r, 2) for r in range(card.history_model.rowCount())]
    assert any("转出" in h and "调往县实验中学" in h for h in history)
    assert "转出" in card.status_label.text()


def test_void_hides_the_member_from_the_default_list(context, zhang, qtbot):
    view = MembersView(context)
    qtbot.addWidget(view)
    assert view.model.member_ids() == [zhang]
    card = card_for(context, qtbot, zhang)
    dialog = card.void_member()
    ok = dialog.buttons.button(QDialogButtonBox.Ok)
    assert not ok.isEnabled()  # a reason is required
    dialog.reason_edit.setText("重复录入")
    ok.click()
    assert card.result() == QDialog.Accepted
    assert view.model.member_ids() == []
    assert member_ids(context.db, MemberFilter(voided=True)) == [zhang]
    assert context.members.get(zhang)["void_reason"] == "重复录入"  # kept, never deleted
    again = card_for(context, qtbot, zhang)
    assert not again.void_banner.isHidden() and again.save_button.isHidden()
    again.restore_member()
    assert view.model.member_ids() == [zhang]


def test_save_and_continue_keeps_the_department(context, qtbot):
    unit = add_sub_unit(context.db, "二车间")
    card = card_for(context, qtbot)
    card.editors["sub_unit_id"].set_value(unit)
    type_into(card, "name", "甲")
    card.save_new_button.click()
    type_into(card, "name", "乙")
    card.save_new_button.click()
    rows = list(context.db.query("SELECT name, sub_unit_id FROM members ORDER BY id"))
    assert [(r["name"], r["sub_unit_id"]) for r in rows] == [("甲", unit), ("乙", unit)]
    assert card.editors["name"].value() == "" and card.editors["sub_unit_id"].value() == unit


def test_closing_with_unsaved_edits_asks_without_blocking(context, zhang, qtbot):
    card = card_for(context, qtbot, zhang)
    card.reject()  # nothing changed: closes at once
    assert card.result() == QDialog.Rejected and not card.isVisible()
    card = card_for(context, qtbot, zhang)
    type_into(card, "position", "教研组长")
    card.reject()
    assert card.isVisible() and card.discard_box.isVisible()
    next(b for b in card.discard_box.buttons() if b.text() == "放弃修改").click()
    assert not card.isVisible()
    assert context.members.get(zhang)["position"] == ""


def test_retirement_shown_for_a_man_born_1965(context, qtbot):
    card = card_for(context, qtbot)
    type_into(card, "name", "老周")
    card.editors["id_number"].widget.setText(VALID_IDS["man_1965"])
    assert card.fact_labels["retirement"].text() == "2025-02-15 已到龄（60岁1个月）"
    assert card.fact_labels["working"].text() == "在职"
    assert dt.date(1965, 1, 15)  # born 1965-01: 60 years 1 month (DOMAIN.md §6)
