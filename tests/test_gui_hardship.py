"""The 困难帮扶 page: the register's filters, counts and highlighting, the file dialog (live incomes,
family IDs, life cycle) and the value lists dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from gonghui_desk import value_lists
from gonghui_desk.hardship.files import FamilyMemberInput, FileInput, HardshipFileStore
from gonghui_desk.ui.hardship_file_dialog import HardshipFileDialog, mask_account
from gonghui_desk.ui.hardship_model import RED, AMBER
from gonghui_desk.ui.hardship_view import FilesView, HardshipView
from gonghui_desk.ui.value_lists_dialog import ValueListsDialog
from gonghui_desk.union import add_sub_unit

from conftest import TODAY, VALID_IDS


@pytest.fixture
def context(empty_context):
    """Four members in two departments; three files: overdue (张三), due soon (李四), 申请中 (王五)."""
    ctx = empty_context
    shop = add_sub_unit(ctx.db, "一车间")
    office = add_sub_unit(ctx.db, "办公室")
    ids = {}
    for name, unit, id_number in (("张三", shop, VALID_IDS["man_1985"]), ("李四", shop, None),
                                  ("王五", office, None), ("赵六", office, VALID_IDS["man_1965"])):
        ids[name] = ctx.members.create({"name": name, "sex": "男", "sub_unit_id": unit, "id_number": id_number},
                                       today=TODAY)
    store = HardshipFileStore(ctx.db, today=TODAY)
    files = {
        "张三": store.open_file(FileInput(ids["张三"], category="特困", main_cause="因病", level="县级",
                                          opened_on="2024-03-01", monthly_income_fen=200000),
                                [FamilyMemberInput("张小三", "子女", monthly_income_fen=0)]),
        "李四": store.open_file(FileInput(ids["李四"], category="困难", main_cause="因学", opened_on="2025-12-01")),
        "王五": store.open_file(FileInput(ids["王五"], category="困难", main_cause="因病", opened_on="2026-11-01"),
                                status="申请中"),
    }
    ctx.ids, ctx.files, ctx.store = ids, files, store
    return ctx


@pytest.fixture
def view(context, qtbot):
    page = FilesView(context, today=TODAY)
    qtbot.addWidget(page)
    page.ensure_loaded()
    return page


def names(view) -> list[str]:
    return sorted(view.model.text(row, "member") for row in range(view.model.rowCount()))


def test_register_filters_and_counts(view):
    assert names(view) == ["张三", "李四"]  # 在档 by default
    assert view.counts_label.text().startswith("在档 2 户 3 人，复核逾期 1 户")
    view.status_combo.setCurrentText("申请中")
    assert names(view) == ["王五"]
    view.status_combo.setCurrentText("全部")
    assert names(view) == ["张三", "李四", "王五"]
    view.category_combo.setCurrentText("特困")
    assert names(view) == ["张三"]
    view.clear_filters()
    view.level_combo.setCurrentText("县级")
    assert names(view) == ["张三"]
    view.clear_filters()
    view.cause_combo.setCurrentText("因学")
    assert names(view) == ["李四"]
    view.clear_filters()
    view.sub_unit_combo.setCurrentIndex(view.sub_unit_combo.findText("办公室"))
    view.status_combo.setCurrentText("全部")
    assert names(view) == ["王五"]
    view.clear_filters()
    view.search_edit.setText("lisi")
    view.apply_filters()
    assert names(view) == ["李四"]


def test_overdue_reviews_are_red_and_due_soon_amber(view, context):
    context.store.add_review(context.files["张三"], "2025-03-01", "继续帮扶")  # next due 2026-03-01: overdue
    view.refresh()
    rows = {view.model.text(r, "member"): r for r in range(view.model.rowCount())}
    column = view.model.column_index["next_review"]
    assert view.model.text(rows["张三"], "next_review") == "2026-03-01"
    assert view.model.index(rows["张三"], column).data(0x9) == RED  # Qt.ForegroundRole
    assert view.model.index(rows["李四"], column).data(0x9) == AMBER  # due 2026-12-01
    view.due_check.setChecked(True)
    assert names(view) == ["张三", "李四"]


def dialog_for(context, qtbot, file_id=None, **kwargs) -> HardshipFileDialog:
    dialog = HardshipFileDialog(context, file_id, today=TODAY, **kwargs)
    qtbot.addWidget(dialog)
    return dialog


def test_new_file_computes_incomes_live_and_saves_with_family(context, qtbot):
    dialog = dialog_for(context, qtbot, member_id=context.ids["赵六"])
    assert not dialog.save_button.isEnabled()  # category and cause missing
    dialog.combos["category"].setCurrentText("困难")
    dialog.combos["main_cause"].setCurrentText("因残")
    dialog.monthly_edit.setText("1500")
    dialog.other_edit.setText("1200")
    assert dialog.annual_label.text() == "19,200 元"
    assert dialog.per_person_label.text() == "1,600 元（1 人）"
    dialog.add_family_row()
    model = dialog.family_model
    model.setData(model.index(0, 0), "赵小六")
    model.setData(model.index(0, 1), "子女")
    model.setData(model.index(0, 2), VALID_IDS["woman_1990"])
    model.setData(model.index(0, 5), "300")
    assert dialog.annual_label.text() == "22,800 元"
    assert dialog.per_person_label.text() == "950 元（2 人）"
    dialog.account_edit.setText("6222020200112233445")
    assert dialog.save_button.isEnabled(), dialog.summary_label.text()
    with qtbot.waitSignal(dialog.saved):
        file_id = dialog.save()
    saved = context.store.get(file_id)
    assert saved["status"] == "在档" and saved["household_size"] == 2
    assert [(p["name"], p["birth_date"]) for p in saved["family"]] == [("赵小六", "1990-01-01")]
    assert saved["monthly_income_per_person_fen"] == 95000


def test_a_wrong_family_id_is_refused_inline(context, qtbot):
    dialog = dialog_for(context, qtbot, context.files["李四"])
    assert dialog.save_button.isEnabled()
    dialog.add_family_row()
    model = dialog.family_model
    model.setData(model.index(0, 0), "李小四")
    model.setData(model.index(0, 2), "110101199001011228")  # wrong check character
    assert not dialog.save_button.isEnabled()
    assert (0, "id_number") in model.errors
    assert "校验" in dialog.family_message.text()
    model.setData(model.index(0, 2), VALID_IDS["woman_1990"])
    assert dialog.save_button.isEnabled()


def test_bank_account_is_masked_unless_asked(context, qtbot):
    file_id = context.files["李四"]
    data, family = context.store.as_input(file_id)
    data.bank_account = "6222020200112233445"
    context.store.update_file(file_id, data, family)
    dialog = dialog_for(context, qtbot, file_id)
    dialog.show()
    assert dialog.account_masked.isVisible() and not dialog.account_edit.isVisible()
    assert dialog.account_masked.text().endswith("3445") and "2020" not in dialog.account_masked.text()
    assert dialog.family_model.rowCount() == 0  # 李四 lists nobody yet
    dialog.add_family_row()
    model = dialog.family_model
    model.setData(model.index(0, 2), VALID_IDS["woman_1990"])
    assert model.index(0, 2).data() == VALID_IDS["woman_1990"][:6] + "********" + VALID_IDS["woman_1990"][-4:]
    assert model.index(0, 2).data(Qt.EditRole) == VALID_IDS["woman_1990"]  # what the editor gets
    dialog.show_account_check.setChecked(True)
    assert dialog.account_edit.isVisible()
    assert model.index(0, 2).data() == VALID_IDS["woman_1990"]
    assert mask_account("") == ""


def test_close_with_reason_then_reopen_creates_a_new_period(context, qtbot):
    file_id = context.files["张三"]
    dialog = dialog_for(context, qtbot, file_id)
    close = dialog.close_file("脱困")
    close.reason_edit.setText("子女就业")
    close.accept()
    assert context.store.get(file_id)["status"] == "脱困"
    assert dialog.reopen_button.isVisibleTo(dialog) and not dialog.out_button.isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.reopened) as blocker:
        new_id = dialog.reopen()
    assert blocker.args == [new_id] and new_id != file_id
    new = context.store.get(new_id)
    assert new["status"] == "在档" and new["previous_file_id"] == file_id
    assert [p["name"] for p in new["family"]] == ["张小三"]


def test_approve_and_review(context, qtbot):
    dialog = dialog_for(context, qtbot, context.files["王五"])
    assert dialog.approve_button.isVisibleTo(dialog)
    dialog.checked_by_edit.setText("李主席")
    assert dialog.approve()
    assert context.store.get(context.files["王五"])["status"] == "在档"
    dialog.review_date_edit.setText("2026-11-20")
    assert dialog.add_review()
    assert dialog.reviews_model.rowCount() == 1
    assert "2027-11-20" in dialog.next_review_label.text()


def test_void_file(context, qtbot):
    dialog = dialog_for(context, qtbot, context.files["李四"])
    void = dialog.void_file()
    void.reason_edit.setText("重复建档")
    void.accept()
    assert dialog.result() == QDialog.Accepted
    assert context.store.get(context.files["李四"])["voided_at"]


def test_value_lists_add_and_retire(context, qtbot):
    dialog = ValueListsDialog(context)
    qtbot.addWidget(dialog)
    dialog.list_combo.setCurrentIndex(dialog.list_combo.findData("hardship.cause"))
    dialog.value_edit.setText("因公致困")
    assert dialog.add_value()
    assert "因公致困" in dialog.values()
    dialog.value_edit.setText("因公致困")
    assert not dialog.add_value() and "已有" in dialog.message.text()
    assert dialog.select_value("因灾")
    assert dialog.retire_selected()
    assert "因灾" not in value_lists.values(context.db, "hardship.cause")
    assert "因灾" not in dialog.values()


def test_page_hosts_aid_tab_and_value_lists(context, qtbot):
    page = HardshipView(context, today=TODAY)
    qtbot.addWidget(page)
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["困难职工档案", "帮扶记录"]
    page.tabs.setCurrentIndex(1)
    assert page.aid is not None
    dialog = page.open_value_lists()
    assert isinstance(dialog, ValueListsDialog)
    dialog.close()


def test_reopening_from_the_register_opens_the_new_period(view, context):
    file_id = context.files["张三"]
    context.store.close_file(file_id, "脱困", "2026-06-01", "子女就业")
    view.status_combo.setCurrentIndex(view.status_combo.findText("全部"))
    dialog = view.open_row(view.model.row_of(file_id))
    new_id = dialog.reopen()
    assert new_id and view.file_dialog is not dialog and view.file_dialog.file_id == new_id
    view.file_dialog.reject()
