"""The visit form: choosing the member, inline checks, the money rules and their override reason."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from gonghui_desk.care.occasions import apply_rule_set, find_occasion, load_rule_set
from gonghui_desk.care.visits import VisitInput, VisitStore
from gonghui_desk.ui.visit_dialog import NOT_ALLOWED_SUFFIX, PICKER_LIMIT, VisitDialog
from gonghui_desk.union import add_sub_unit

from conftest import TODAY, VALID_IDS


@pytest.fixture
def context(empty_context):
    ctx = empty_context
    apply_rule_set(ctx.db, load_rule_set("example-province"))  # caps of 2,000 元; 节日 2,200 元 a year
    unit = add_sub_unit(ctx.db, "语文组")
    ctx.zhang = ctx.members.create({"name": "张三", "id_number": VALID_IDS["man_1985"], "sub_unit_id": unit,
                                    "join_date": "2010-09-01"}, today=TODAY)
    ctx.li = ctx.members.create({"name": "李丽", "id_number": VALID_IDS["woman_1990"], "sub_unit_id": unit},
                                today=TODAY)
    return ctx


def dialog_for(context, qtbot, visit_id=None, **prefill) -> VisitDialog:
    dialog = VisitDialog(context, visit_id, today=TODAY, **prefill)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose_member(dialog: VisitDialog, text: str, row: int = 0) -> None:
    dialog.member_picker.edit.setText(text)
    dialog.member_picker.edit.textEdited.emit(text)
    dialog.member_picker.run_search()
    dialog.member_picker.choose(row)


def choose_occasion(dialog: VisitDialog, name: str) -> None:
    occasion = find_occasion(dialog.context.db, name)
    dialog.occasion_combo.setCurrentIndex(dialog.occasion_combo.findData(occasion.id))


def type_into(edit, text: str) -> None:
    edit.setText(text)
    edit.editingFinished.emit()


def visits(context) -> list[dict]:
    return list(context.db.query("SELECT * FROM visits ORDER BY id"))


def test_new_dialog_waits_for_member_and_occasion(context, qtbot):
    dialog = dialog_for(context, qtbot)
    assert not dialog.save_button.isEnabled()
    assert dialog.summary_label.text() == "请选择会员、选择慰问类别后保存。"
    assert not dialog.messages["member_id"].isVisible()  # nothing shouted before the user did anything
    assert dialog.visit_edit.text() == TODAY.isoformat()
    assert dialog.fund_combo.currentText() == "本级工会经费"


def test_member_picker_searches_by_pinyin_and_shows_the_department(context, qtbot):
    dialog = dialog_for(context, qtbot)
    picker = dialog.member_picker
    picker.edit.setText("z")
    picker.run_search()
    assert picker.model.rowCount() == 0 and "再输入一个字母" in picker.info_label.text()
    picker.edit.setText("zs")
    picker.run_search()
    assert picker.model.rowCount() == 1
    assert "语文组" in picker.model.index(0).data()
    picker.choose(0)
    assert picker.member_id == context.zhang
    assert picker.edit.text() == "张三"
    assert "语文组" in picker.info_label.text() and "在册" in picker.info_label.text()
    assert "********" in picker.info_label.text()  # the ID number is masked
    picker.edit.setText("张三丰")
    picker.edit.textEdited.emit("张三丰")  # typing again drops the choice
    assert picker.member_id is None


def test_member_picker_lists_a_bounded_number_of_matches(context, qtbot):
    for i in range(PICKER_LIMIT + 5):
        context.members.create({"name": f"王{chr(0x4e00 + i)}"}, today=TODAY)
    dialog = dialog_for(context, qtbot)
    dialog.member_picker.edit.setText("王")
    dialog.member_picker.run_search()
    assert dialog.member_picker.model.rowCount() == PICKER_LIMIT
    assert dialog.member_picker.model.total == PICKER_LIMIT + 5
    assert "还有 5 人未列出" in dialog.member_picker.info_label.text()


def test_saves_a_visit_with_the_standard_amount_prefilled(context, qtbot):
    dialog = dialog_for(context, qtbot)
    choose_member(dialog, "张三")
    choose_occasion(dialog, "结婚")
    assert dialog.cash_edit.text() == "1000"  # the occasion's standard amount
    assert "每次不超过 2,000 元" in dialog.messages["occasion_id"].text()  # its cap, as a hint
    assert "标准金额" in dialog.messages["cash_fen"].text()
    type_into(dialog.event_edit, "2026.11.8")
    assert dialog.event_edit.text() == "2026-11-08"  # what was understood is shown
    dialog.visitors_edit.setText("王主席、李委员")
    dialog.leader_check.setChecked(True)
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(context.visits_changed):
        visit_id = dialog.save()
    assert dialog.result() == QDialog.Accepted
    row = VisitStore(context.db).get(visit_id)
    assert (row["member_id"], row["cash_fen"], row["event_date"], row["visit_date"]) == (
        context.zhang, 100000, "2026-11-08", TODAY.isoformat())
    assert row["payment_form"] == "现金" and row["leader_went"] == 1 and row["fund_source"] == "本级工会经费"
    assert row["rule_warnings"] == "" and row["override_reason"] == ""


def test_a_typed_amount_is_kept_when_the_occasion_changes(context, qtbot):
    dialog = dialog_for(context, qtbot)
    choose_member(dialog, "张三")
    choose_occasion(dialog, "结婚")
    choose_occasion(dialog, "生育")
    assert dialog.cash_edit.text() == "1000"
    dialog.cash_edit.setText("800")
    choose_occasion(dialog, "退休")
    assert dialog.cash_edit.text() == "800"


def test_errors_are_shown_next_to_their_fields_and_block_saving(context, qtbot):
    dialog = dialog_for(context, qtbot)
    choose_member(dialog, "张三")
    choose_occasion(dialog, "结婚")
    type_into(dialog.cash_edit, "五百元")
    assert "大写汉字" in dialog.messages["cash_fen"].text()
    assert dialog.messages["cash_fen"].isVisible()
    assert not dialog.save_button.isEnabled()
    assert "慰问金" in dialog.summary_label.text()
    type_into(dialog.cash_edit, "500")
    assert dialog.save_button.isEnabled()
    type_into(dialog.visit_edit, "2026-12-31")  # after today
    assert "晚于今天" in dialog.messages["visit_date"].text()
    assert not dialog.save_button.isEnabled()
    type_into(dialog.visit_edit, "2026-13-01")
    assert "不存在" in dialog.messages["visit_date"].text()
    type_into(dialog.visit_edit, "2026-11-20")
    dialog.relation_combo.setCurrentText("父母")
    assert dialog.recipient_edit.isEnabled()
    type_into(dialog.recipient_edit, "")
    assert "亲属姓名" in dialog.messages["recipient_name"].text()
    assert dialog.save() is None
    assert visits(context) == []


def test_a_relative_visit(context, qtbot):
    dialog = dialog_for(context, qtbot)
    choose_member(dialog, "李丽")
    choose_occasion(dialog, "生病住院")
    dialog.relation_combo.setCurrentText("父母")
    type_into(dialog.recipient_edit, "李建国")
    assert dialog.illness_edit.isVisibleTo(dialog)  # a hospital visit asks for the illness
    type_into(dialog.illness_edit, "肺炎")
    dialog.goods_edit.setText("水果、牛奶")
    type_into(dialog.goods_value_edit, "120")
    assert dialog.save_button.isEnabled(), dialog.summary_label.text()
    visit_id = dialog.save()
    row = VisitStore(context.db).get(visit_id)
    assert (row["recipient_relation"], row["recipient_name"], row["illness"]) == ("父母", "李建国", "肺炎")
    assert (row["cash_fen"], row["goods_value_fen"], row["goods_desc"]) == (50000, 12000, "水果、牛奶")


def test_a_cap_breach_needs_a_reason_which_is_kept(context, qtbot):
    dialog = dialog_for(context, qtbot)
    choose_member(dialog, "张三")
    choose_occasion(dialog, "生病住院")
    type_into(dialog.illness_edit, "腰椎间盘突出")
    type_into(dialog.cash_edit, "3000")
    assert dialog.rule_box.isVisible()
    assert "超过“生病住院”每次 2,000 元的上限" in dialog.rule_text.text()
    assert not dialog.save_button.isEnabled()
    assert "原因" in dialog.summary_label.text()
    assert dialog.save() is None
    dialog.reason_edit.setText("经工会委员会研究同意（纪要第5号）")
    assert dialog.save_button.isEnabled()
    visit_id = dialog.save()
    row = VisitStore(context.db).get(visit_id)
    assert row["override_reason"] == "经工会委员会研究同意（纪要第5号）"
    assert "上限" in row["rule_warnings"]
    # opening it again shows the warning and the reason that was given
    again = dialog_for(context, qtbot, visit_id)
    assert again.rule_box.isVisible()
    assert again.reason_edit.text() == "经工会委员会研究同意（纪要第5号）"
    assert again.save_button.isEnabled()


def test_back_within_the_rules_the_box_goes_away(context, qtbot):
    dialog = dialog_for(context, qtbot)
    choose_member(dialog, "张三")
    choose_occasion(dialog, "结婚")
    type_into(dialog.cash_edit, "2500")
    assert dialog.rule_box.isVisible()
    type_into(dialog.cash_edit, "2000")
    assert not dialog.rule_box.isVisible()
    assert dialog.save_button.isEnabled()


def test_a_yearly_cap_counts_earlier_visits(context, qtbot):
    holiday = find_occasion(context.db, "节日慰问")
    VisitStore(context.db, today=TODAY).save(VisitInput(context.zhang, holiday.id, visit_date="2026-02-01",
                                                        cash_fen=200000))
    dialog = dialog_for(context, qtbot)
    choose_member(dialog, "张三")
    choose_occasion(dialog, "节日慰问")
    assert dialog.cash_edit.text() == "500"
    assert "每人每年 2,200 元" in dialog.rule_text.text()
    assert not dialog.save_button.isEnabled()


def test_payment_forms_of_the_occasion_come_first(context, qtbot):
    dialog = dialog_for(context, qtbot)
    choose_member(dialog, "张三")
    choose_occasion(dialog, "生日")
    items = [dialog.payment_combo.itemText(i) for i in range(dialog.payment_combo.count())]
    assert items[:3] == ["蛋糕券", "实物", "提货券"]
    assert "购物卡" + NOT_ALLOWED_SUFFIX in items
    assert dialog.payment_combo.currentData() == "蛋糕券"
    dialog.payment_combo.setCurrentIndex(dialog.payment_combo.findData("购物卡"))
    assert "不是“生日”允许的发放形式" in dialog.rule_text.text()


def test_pending_visit_is_recorded_without_a_visit_date(context, qtbot):
    dialog = dialog_for(context, qtbot)
    choose_member(dialog, "张三")
    choose_occasion(dialog, "生病住院")
    type_into(dialog.illness_edit, "骨折")
    dialog.pending_check.setChecked(True)
    assert not dialog.visit_edit.isEnabled() and dialog.visit_edit.text() == ""
    assert "事由日期" in dialog.messages["event_date"].text()
    assert not dialog.save_button.isEnabled()
    type_into(dialog.event_edit, "2026-11-20")
    assert "待走访" in dialog.summary_label.text()
    visit_id = dialog.save()
    row = VisitStore(context.db).get(visit_id)
    assert row["visit_date"] is None and row["event_date"] == "2026-11-20"
    # later: the visit is made
    later = dialog_for(context, qtbot, visit_id)
    assert later.pending_check.isChecked()
    later.pending_check.setChecked(False)
    assert later.visit_edit.text() == TODAY.isoformat()
    later.save()
    assert VisitStore(context.db).get(visit_id)["visit_date"] == TODAY.isoformat()


def test_prefilled_from_a_reminder(context, qtbot):
    dialog = dialog_for(context, qtbot, member_id=context.zhang, occasion_name="退休", event_date="2027-03-15")
    assert dialog.member_picker.member_id == context.zhang
    assert dialog.current_occasion().name == "退休"
    assert dialog.event_edit.text() == "2027-03-15"
    assert dialog.pending_check.isChecked()  # the event is still to come
    assert dialog.cash_edit.text() == "1000"
    assert dialog.save_button.isEnabled()


def test_editing_and_voiding_a_visit(context, qtbot):
    wedding = find_occasion(context.db, "结婚")
    visit_id = VisitStore(context.db, today=TODAY).save(VisitInput(context.zhang, wedding.id, visit_date="2026-05-01",
                                                                   cash_fen=100000, visitors="王主席"))
    dialog = dialog_for(context, qtbot, visit_id)
    assert dialog.windowTitle() == "慰问记录 - 张三"
    assert dialog.cash_edit.text() == "1000" and dialog.visitors_edit.text() == "王主席"
    assert dialog.void_button.isVisible()
    assert not dialog.is_dirty()
    void = dialog.void_visit()
    assert not void.buttons.button(void.buttons.StandardButton.Ok).isEnabled()
    void.reason_edit.setText("重复登记")
    with qtbot.waitSignal(context.visits_changed):
        void.accept()
    assert VisitStore(context.db).get(visit_id)["void_reason"] == "重复登记"
    voided = dialog_for(context, qtbot, visit_id)
    assert voided.void_banner.isVisibleTo(voided)
    assert not voided.save_button.isVisibleTo(voided)
    assert not voided.cash_edit.isEnabled()


def test_closing_with_changes_asks_first(context, qtbot):
    dialog = dialog_for(context, qtbot)
    choose_member(dialog, "张三")
    dialog.reject()
    assert dialog.isVisible()
    box = dialog.discard_box
    next(b for b in box.buttons() if b.text() == "放弃修改").click()
    assert dialog.result() == QDialog.Rejected
