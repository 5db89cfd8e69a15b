"""届次与代表 (CongressDialog): creating a term, a session (its number format with a live example and the
store's refusals shown in the form), a delegation; adding delegates through the member picker with their role
and delegation; the computed 正式代表/列席代表 counts of each session following the delegate list; 离任, editing
and voiding a delegate; voiding a delegation, a session, a term; the co-signers setting; the school's words;
and the dialog on the congress of the store's tests (counts equal the store's, the filters of the delegates)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from gonghui_desk import settings
from gonghui_desk.congress.proposals import ProposalInput, ProposalStore
from gonghui_desk.congress.store import ATTENDING, FORMAL, CongressStore, TermInput
from gonghui_desk.ui.congress_dialog import CongressDialog, number_example, open_congress_dialog
from gonghui_desk.ui.proposal_models import GREY, NO_DELEGATION
from gonghui_desk.union import UnionProfile, ensure_sub_unit_path, save_profile
from tests.conftest import TODAY
from tests.test_care_visits import add_member
from tests.test_congress_store import make_congress

NAMES = ("张三", "李四", "王五", "赵六", "孙八")


@pytest.fixture
def context(empty_context):
    ctx = empty_context
    save_profile(ctx.db, UnionProfile(name="某某机械有限公司工会委员会", kind="企业"))
    unit = ensure_sub_unit_path(ctx.db, "一车间")
    ctx.people = {name: add_member(ctx.members, name, sub_unit_id=unit) for name in NAMES}
    return ctx


@pytest.fixture
def history(empty_context):
    """The congress of the store's tests: term 3, sessions 1 and 2, two delegations, 钱七 left, 周九 补选."""
    empty_context.data = make_congress(empty_context.db, empty_context.members)
    return empty_context


@pytest.fixture
def dialog(context, qtbot):
    page = CongressDialog(context, today=TODAY)
    qtbot.addWidget(page)
    page.show()
    return page


def delegate_names(dialog) -> list[str]:
    model = dialog.delegates_model
    return [model.text(row, "name") for row in range(model.rowCount())]


def session_counts(dialog, row: int = 0) -> tuple[str, str]:
    model = dialog.sessions_model
    return model.text(row, "formal"), model.text(row, "attending")


def pick(dialog, qtbot, names) -> None:
    """添加代表… and choose ``names`` in the member picker."""
    picker = dialog.choose_delegates()
    qtbot.waitUntil(picker.isVisible, timeout=3000)
    picker.set_search_text(" ".join(names) if len(names) == 1 else "")
    wanted = [row for row in range(picker.model.rowCount())
              if picker.model.index(row, 0).data(Qt.DisplayRole) in names]
    assert len(wanted) == len(names)
    picker.select_rows(wanted)
    picker.accept()


def test_a_congress_from_nothing(dialog, context, qtbot):
    assert dialog.windowTitle() == "职代会届次与代表"
    assert dialog.no_term_label.isVisibleTo(dialog) and not dialog.tabs.isEnabled()
    assert dialog.new_session() is None and dialog.choose_delegates() is None

    # the term
    term_form = dialog.new_term()
    assert term_form.number_spin.value() == 1
    term_form.number_spin.setValue(3)
    term_form.start_edit.setText("2024-03-01")
    term_form.end_edit.setText("2023-02-28")
    term_form.accept()  # refused: the form stays open, saying why and marking the field
    assert term_form.isVisible() and not term_form.applied
    assert "早于开始日期" in term_form.error_label.text() and "border" in term_form.end_edit.styleSheet()
    term_form.end_edit.setText("2029-02-28")
    with qtbot.waitSignal(context.congress_changed, timeout=3000):
        term_form.accept()
    assert dialog.term_combo.currentText() == "第三届（2024-03-01 至 2029-02-28）" and dialog.tabs.isEnabled()
    term_id = dialog.term_id
    assert CongressStore(context.db).get_term(term_id)["number"] == 3

    # a session, with its number format's live example
    form = dialog.new_session()
    assert form.number_spin.value() == 1 and form.kind_combo.currentText() == "职代会"
    assert form.example_text() == "示例：第3届第1次-001"
    form.date_edit.setText("2026-03-12")
    form.format_edit.setText("{年}-{序号}")
    assert form.example_text() == "示例：2026-001"
    form.format_edit.setText("{年}")
    assert form.example_text() == "编号格式中应包含“{序号}”"
    form.format_edit.setText("职{届}-{次}-{序号}")
    assert form.example_text() == "示例：职3-1-001"
    form.date_edit.setText("2030-01-01")  # after the term's end: refused by the store
    form.accept()
    assert form.isVisible() and "晚于第3届的结束日期" in form.error_label.text()
    form.date_edit.setText("2026-03-12")
    form.venue_edit.setText("公司大礼堂")
    form.accept()
    assert not form.isVisible()
    assert dialog.sessions_model.rowCount() == 1
    assert dialog.sessions_model.text(0, "title") == "第三届职代会第一次会议"
    assert dialog.sessions_model.text(0, "example") == "职3-1-001"
    assert session_counts(dialog) == ("0", "0")
    assert number_example("", 3, 2, None, TODAY) == "第3届第2次-001"

    # a delegation
    dialog.set_tab("delegations")
    delegation = dialog.new_delegation()
    delegation.name_edit.setText("一车间代表团")
    delegation.leader_edit.setText("张三")
    delegation.accept()
    assert dialog.delegations_model.text(0, "name") == "一车间代表团"
    assert [dialog.add_delegation_combo.itemText(i) for i in range(dialog.add_delegation_combo.count())] == [
        "一车间代表团", "（不分团）"]

    # delegates through the picker: three 正式代表 in the delegation, one 列席代表 without one
    dialog.set_tab("delegates")
    assert dialog.delegates_model.rowCount() == 0
    dialog.add_delegation_combo.setCurrentIndex(0)
    pick(dialog, qtbot, ["张三", "李四", "王五"])
    assert dialog.last_add_result.added == 3
    assert "新增代表 3 人（正式代表，一车间代表团）" in dialog.message_label.text()
    dialog.add_role_combo.setCurrentText(ATTENDING)
    dialog.add_delegation_combo.setCurrentIndex(1)
    pick(dialog, qtbot, ["赵六"])
    assert sorted(delegate_names(dialog)) == sorted(["张三", "李四", "王五", "赵六"])
    model = dialog.delegates_model
    zhao = delegate_names(dialog).index("赵六")
    assert (model.text(zhao, "role"), model.text(zhao, "delegation")) == (ATTENDING, "")
    assert model.text(0, "sub_unit") == "一车间"
    assert session_counts(dialog) == ("3", "1")  # computed from the list
    assert dialog.delegate_count_label.text() == "本届代表：正式代表 3 人，列席代表 1 人"
    # the picker greys out those already delegates
    picker = dialog.choose_delegates()
    assert picker.exclude == set(context.people[n] for n in ("张三", "李四", "王五", "赵六"))
    picker.reject()

    # 离任: the last day and the reason
    li = delegate_names(dialog).index("李四")
    dialog.select_delegates([li])
    end = dialog.end_delegate()
    end.date_edit.setText("2026-01-31")
    end.accept()
    assert end.isVisible() and "请填写离任原因" in end.error_label.text()
    end.reason_edit.setText("调离本单位")
    end.accept()
    li = delegate_names(dialog).index("李四")
    assert model.text(li, "to_date") == "2026-01-31" and model.text(li, "notes") == "离任：调离本单位"
    assert model.index(li, 0).data(Qt.ForegroundRole) == GREY
    assert session_counts(dialog) == ("2", "1")  # he left before the session
    assert dialog.delegate_count_label.text() == "本届代表：正式代表 2 人，列席代表 1 人，已离任 1 人"
    dialog.select_delegates([li])
    assert dialog.end_delegate() is None and "已于 2026-01-31 离任" in dialog.message_label.text()

    # edit one: 王五 becomes 列席代表
    wang = delegate_names(dialog).index("王五")
    dialog.select_delegates([wang])
    edit = dialog.edit_delegate()
    edit.role_combo.setCurrentText(ATTENDING)
    edit.accept()
    assert session_counts(dialog) == ("1", "2")

    # void one added by mistake
    zhao = delegate_names(dialog).index("赵六")
    dialog.select_delegates([zhao])
    void = dialog.void_delegate()
    void.reason_edit.setText("误添加")
    void.accept()
    assert "赵六" not in delegate_names(dialog) and session_counts(dialog) == ("1", "1")

    # void the delegation: its delegates stay, without a delegation
    dialog.set_tab("delegations")
    dialog.delegations_table.selectRow(0)
    box = dialog.void_delegation()
    assert isinstance(box, QMessageBox)
    destructive = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.DestructiveRole)
    destructive.click()
    assert dialog.delegations_model.rowCount() == 0
    assert sorted(delegate_names(dialog)) == ["张三", "李四", "王五"]
    assert all(model.text(row, "delegation") == "" for row in range(model.rowCount()))


def test_the_co_signers_setting(dialog, context):
    assert dialog.min_cosigners_spin.value() == settings.min_cosigners(context.db) == 2
    dialog.min_cosigners_spin.setValue(3)
    assert settings.min_cosigners(context.db) == 3
    dialog.min_cosigners_spin.setValue(0)
    assert settings.min_cosigners(context.db) == 0


def test_voiding_is_refused_while_something_depends_on_it(history, qtbot):
    context, data = history, history.data
    dialog = CongressDialog(context, today=TODAY)
    qtbot.addWidget(dialog)
    ProposalStore(context.db, TODAY).file(ProposalInput(data["sessions"][2], "关于增设自行车棚的建议",
                                                        proposer_member_id=data["people"]["张三"],
                                                        submitted_on="2026-03-05"))
    context.congress_changed.emit()
    assert dialog.term_id == data["term"]
    dialog.sessions_table.selectRow(1)  # session 2, with a proposal
    void = dialog.void_session()
    void.reason_edit.setText("误登记")
    void.accept()
    assert void.isVisible() and "请先作废这些提案" in void.error_label.text()
    void.reject()
    dialog.sessions_table.selectRow(0)  # session 1: voided
    void = dialog.void_session()
    void.reason_edit.setText("误登记")
    void.accept()
    assert [dialog.sessions_model.text(r, "title") for r in range(dialog.sessions_model.rowCount())] == [
        "第三届职代会第二次会议"]
    term_void = dialog.void_term()
    term_void.reason_edit.setText("误登记")
    term_void.accept()
    assert term_void.isVisible() and "请先作废这些会议" in term_void.error_label.text()
    term_void.reject()
    # a session with proposals keeps its number
    dialog.sessions_table.selectRow(0)
    form = dialog.edit_session()
    assert not form.number_spin.isEnabled() and form.example_text() == "示例：第3届第2次-001"
    form.reject()


def test_the_dialog_on_a_congress_with_history(history, qtbot):
    context, data = history, history.data
    dialog = open_congress_dialog(None, context, today=TODAY)
    qtbot.addWidget(dialog)
    store = CongressStore(context.db, TODAY)
    assert dialog.term_id == data["term"] and dialog.term_info.text() == "会议 2 次，代表 6 人"
    model = dialog.sessions_model
    assert [model.text(r, "title") for r in range(model.rowCount())] == ["第三届职代会第一次会议",
                                                                      "第三届职代会第二次会议"]
    for row, number in enumerate((1, 2)):
        counts = store.delegate_counts(data["sessions"][number])
        assert session_counts(dialog, row) == (str(counts.formal), str(counts.attending))
        assert model.index(row, model.column_index["formal"]).data(Qt.ToolTipRole).startswith(counts.on_date)
    # 周九 (补选 2026-01-10) counts at session 2 only; 钱七 left after it
    assert (session_counts(dialog, 0), session_counts(dialog, 1)) == (("4", "1"), ("5", "1"))
    names = delegate_names(dialog)  # by delegation, 正式代表 before 列席代表, by name
    assert names == ["李四", "钱七", "张三", "王五", "周九", "赵六"]
    delegates = dialog.delegates_model
    qian = names.index("钱七")
    assert delegates.text(qian, "to_date") == "2026-05-31" and delegates.index(qian, 0).data(Qt.ForegroundRole) == GREY
    zhou = names.index("周九")
    assert delegates.text(zhou, "from_date") == "2026-01-10"
    # the filters
    dialog.filter_delegation_combo.setCurrentIndex(dialog.filter_delegation_combo.findData(data["delegations"]["机关"]))
    assert sorted(delegate_names(dialog)) == sorted(["王五", "赵六", "周九"])
    dialog.filter_role_combo.setCurrentIndex(dialog.filter_role_combo.findData(ATTENDING))
    assert delegate_names(dialog) == ["赵六"]
    dialog.filter_role_combo.setCurrentIndex(0)
    dialog.filter_delegation_combo.setCurrentIndex(dialog.filter_delegation_combo.findData(NO_DELEGATION))
    assert delegate_names(dialog) == []
    dialog.filter_delegation_combo.setCurrentIndex(0)
    dialog.serving_check.setChecked(True)  # today (2026-11-22): 钱七 has left
    assert "钱七" not in delegate_names(dialog) and len(delegate_names(dialog)) == 5
    dialog.serving_check.setChecked(False)
    dialog.search_edit.setText("zs")
    dialog.apply_delegate_filter()
    assert delegate_names(dialog) == ["张三"]
    # a delegate added as a 补选 on a day
    dialog.search_edit.clear()
    dialog.apply_delegate_filter()
    dialog.add_role_combo.setCurrentText(FORMAL)
    dialog.add_from_edit.setText("2026-06-01")
    pick(dialog, qtbot, ["孙八"])
    sun = delegate_names(dialog).index("孙八")
    assert delegates.text(sun, "from_date") == "2026-06-01" and delegates.text(sun, "delegation") == "一车间代表团"
    assert session_counts(dialog, 1) == ("5", "1")  # not a delegate yet on the session's day


def test_a_school_says_jiaodaihui_and_daibiaozu(empty_context, qtbot):
    save_profile(empty_context.db, UnionProfile(name="测试中学工会委员会", kind="学校"))
    CongressStore(empty_context.db, TODAY).create_term(TermInput(2))
    dialog = CongressDialog(empty_context, today=TODAY)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "教代会届次与代表"
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == ["会议", "代表组", "代表"]
    assert dialog.new_delegation_button.text() == "新建代表组…"
    assert dialog.delegates_model.headerData(3, Qt.Horizontal) == "代表组"
    form = dialog.new_session()
    assert form.kind_combo.currentText() == "教代会" and form.example_text() == "示例：第2届第1次-001"
    form.accept()
    assert dialog.sessions_model.text(0, "title") == "第二届教代会第一次会议"
    assert dialog.term_combo.currentText() == "第二届（起止日期未填）"
