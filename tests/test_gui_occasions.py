"""设置 → 慰问类别与标准: editing occasions and caps in 元, retiring, applying a rule set."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from gonghui_desk.care.occasions import find_occasion, list_cap_groups, list_occasions
from gonghui_desk.ui.occasions_dialog import OccasionEditDialog, OccasionsDialog, RuleSetDialog


@pytest.fixture
def dialog(context, qtbot):
    d = OccasionsDialog(context)
    qtbot.addWidget(d)
    d.show()
    return d


def select(dialog: OccasionsDialog, name: str) -> None:
    row = next(r for r in range(dialog.model.rowCount()) if dialog.model.occasion(r).name == name)
    dialog.table.selectRow(row)


def test_lists_the_default_occasions(dialog):
    names = [dialog.model.occasion(r).name for r in range(dialog.model.rowCount())]
    assert names[:3] == ["生病住院", "结婚", "生育"] and "夏季高温" in names
    assert dialog.model.text(0, 1) == "✓"  # 必访
    assert dialog.model.text(0, 2) == "500"  # 元
    assert dialog.model.text(0, 3) == "不限"
    assert dialog.group_model.rowCount() == 0


def test_edit_an_amount_in_yuan(dialog, context, qtbot):
    select(dialog, "生病住院")
    edit = dialog.edit_selected()
    assert isinstance(edit, OccasionEditDialog)
    assert edit.standard_edit.text() == "500"
    edit.standard_edit.setText("600")
    edit.cap_edit.setText("2,000.50")
    with qtbot.waitSignal(context.visits_changed):
        edit.accept()
    occasion = find_occasion(context.db, "生病住院")
    assert (occasion.standard_fen, occasion.cap_fen) == (60000, 200050)
    assert dialog.model.text(dialog.table.currentIndex().row(), 2) == "600"


def test_wrong_amounts_are_refused_inline(dialog, context):
    select(dialog, "结婚")
    edit = dialog.edit_selected()
    edit.cap_edit.setText("两千")
    assert not edit.save_button.isEnabled()
    assert "大写汉字" in edit.error_label.text()
    edit.cap_edit.setText("300")  # below the standard 500
    assert "标准金额不能高于单次上限" in edit.error_label.text()
    for check in edit.form_checks.values():
        check.setChecked(False)
    assert "至少选择一种发放形式" in edit.error_label.text()
    edit.accept()
    assert find_occasion(context.db, "结婚").cap_fen is None  # nothing saved


def test_add_an_occasion_with_its_forms(dialog, context):
    edit = dialog.add_occasion()
    edit.name_edit.setText("长期病休")
    edit.must_check.setChecked(True)
    edit.standard_edit.setText("800")
    edit.form_checks["现金"].setChecked(False)
    edit.accept()
    occasion = find_occasion(context.db, "长期病休")
    assert occasion.is_must_visit and occasion.standard_fen == 80000
    assert occasion.allowed_forms == ("实物", "提货券", "蛋糕券")
    assert dialog.selected_occasion().name == "长期病休"
    duplicate = dialog.add_occasion()
    duplicate.name_edit.setText("长期病休")
    duplicate.accept()
    assert "已有名为" in duplicate.error_label.text()


def test_retire_asks_first(dialog, context):
    select(dialog, "夏季高温")
    box = dialog.retire_selected()
    assert isinstance(box, QMessageBox) and "夏季高温" in box.text()
    next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.RejectRole).click()
    assert find_occasion(context.db, "夏季高温") is not None
    select(dialog, "夏季高温")
    box = dialog.retire_selected()
    next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.AcceptRole).click()
    assert find_occasion(context.db, "夏季高温") is None
    assert "夏季高温" not in [o.name for o in list_occasions(context.db)]
    assert dialog.model.rowCount() == len(list_occasions(context.db))


def test_apply_a_rule_set_after_reading_it(dialog, context):
    rules = dialog.choose_rule_set()
    assert isinstance(rules, RuleSetDialog)
    rules.select("example-province")
    text = rules.description.toPlainText()
    assert "不得发放购物卡" in text and "节日慰问品" in text and "生病住院（必访）：标准 500 元，上限 2,000 元" in text
    assert rules.apply_button.text() == "确认套用"
    rules.accept()
    assert find_occasion(context.db, "生病住院").cap_fen == 200000
    assert [g["name"] for g in list_cap_groups(context.db)] == ["节日慰问品"]
    assert dialog.group_model.rowCount() == 1
    row = next(r for r in range(dialog.model.rowCount()) if dialog.model.occasion(r).name == "节日慰问")
    assert dialog.model.text(row, 4) == "节日慰问品（2,200元/年）"


def test_cap_groups_are_edited_in_yuan(dialog, context):
    group = dialog.add_group()
    group.name_edit.setText("生日蛋糕")
    assert not group.save_button.isEnabled()  # the amount is missing
    group.cap_edit.setText("500")
    group.accept()
    assert list_cap_groups(context.db)[0]["yearly_cap_fen"] == 50000
    dialog.group_table.selectRow(0)
    edit = dialog.edit_group()
    edit.cap_edit.setText("600")
    edit.accept()
    assert list_cap_groups(context.db)[0]["yearly_cap_fen"] == 60000
    # an occasion joins the group
    select(dialog, "生日")
    occasion_edit = dialog.edit_selected()
    occasion_edit.group_combo.setCurrentIndex(1)
    occasion_edit.accept()
    assert find_occasion(context.db, "生日").cap_group_name == "生日蛋糕"
