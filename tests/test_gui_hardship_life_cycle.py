"""A household's whole life cycle through the main window: 建档 → 审核 → 帮扶 申请/审核/发放 →
年度复核 → 脱困, with the register, the aid ledger, the home figures and the member's history
following along, and aid to the closed file asking for a reason.

The windows run on the real date (the main window has no test clock), so the dates typed are
relative to today."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui_desk.hardship.aid import AidStore
from gonghui_desk.hardship.files import HardshipFileStore
from gonghui_desk.history import member_history
from gonghui_desk.stats import home_figures
from gonghui_desk.ui.app import create_main_window
from gonghui_desk.ui.member_card import MemberCardDialog
from gonghui_desk.union import add_sub_unit
from tests.conftest import VALID_IDS

pytestmark = pytest.mark.usefixtures("no_job_left_running")


@pytest.fixture
def window(empty_context, qtbot):
    context = empty_context
    unit = add_sub_unit(context.db, "一车间")
    context.member_id = context.members.create(
        {"name": "赵六", "sex": "男", "sub_unit_id": unit, "id_number": VALID_IDS["man_1985"],
         "join_date": "2010-01-01"})
    main = create_main_window(context)
    qtbot.addWidget(main)
    main.show()
    return main


def _choose(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def test_a_household_from_application_to_out_of_hardship(window, qtbot):
    context = window.context
    today = dt.date.today()
    window.show_page("aid")
    page = window.hardship_view
    files = page.files
    files.ensure_loaded()

    # 建档 as an application (申请中), then approve it
    dialog = files.new_file()
    dialog.member_picker.set_member(context.member_id)
    _choose(dialog.combos["category"], "困难")
    _choose(dialog.combos["main_cause"], "因病")
    dialog.monthly_edit.setText("1800")
    dialog.add_family_row()
    family = dialog.family_model
    family.setData(family.index(0, 0), "赵小六")
    family.setData(family.index(0, 1), "子女")
    family.setData(family.index(0, 2), VALID_IDS["woman_1990"])
    assert dialog.per_person_label.text() == "900 元（2 人）"
    assert dialog.save_button.isEnabled(), dialog.summary_label.text()
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save()
    file_id = saved.args[0]
    store = HardshipFileStore(context.db)
    assert store.get(file_id)["status"] in ("申请中", "在档")
    _choose(files.status_combo, "全部")
    assert files.model.row_of(file_id) is not None
    if store.get(file_id)["status"] == "申请中":
        dialog = files.open_row(files.model.row_of(file_id))
        dialog.checked_by_edit.setText("李主席")
        assert dialog.approve()
        dialog.reject()
    assert store.get(file_id)["status"] == "在档"

    # 帮扶: apply, approve, publicize, pay — on the aid tab
    page.tabs.setCurrentWidget(page.aid_host)
    aid_view = page.aid_page()
    qtbot.waitUntil(aid_view.isVisible)  # built on first use, shown by the tab's layout
    aid = aid_view.new_payment(file_id)
    assert aid.file["id"] == file_id
    _choose(aid.type_combo, "医疗救助")
    _choose(aid.source_combo, "上级帮扶资金")
    aid.cash_edit.setText("2,000")
    assert aid.save_button.isEnabled(), aid.summary_label.text()
    payment_id = aid.save()
    payments = AidStore(context.db)
    assert payments.get(payment_id)["stage"] == "申请"
    for action, person in (("审核", "李主席"), ("公示", ""), ("发放", "王会计")):
        aid_view.period_combo.setCurrentText("全部日期")
        assert aid_view.select_payment(payment_id), action
        stage = aid_view.stage_current(action)
        stage.person_edit.setText(person)
        assert stage.ok_button.isEnabled(), (action, stage.error_label.text())
        stage.accept()
    row = payments.get(payment_id)
    assert (row["stage"], row["cash_fen"], row["paid_on"], row["publicized_on"]) == \
           ("发放", 200000, today.isoformat(), today.isoformat())

    # the member's history and the home page follow
    history = member_history(context.db, context.member_id)
    summaries = [e.summary for e in history if e.category == "帮扶"]
    assert any(text.startswith("医疗救助 2,000") for text in summaries), summaries
    assert any(text.startswith("建立困难职工档案") for text in summaries), summaries
    card = MemberCardDialog(context, context.member_id)
    qtbot.addWidget(card)
    assert any("医疗救助" in card.history_model.row_object(r).summary for r in range(card.history_model.rowCount()))
    figures = {f.label: f for f in home_figures(context.db, today).figures}
    assert figures[f"{today.year}年帮扶"].value == 1
    assert figures["困难职工在档"].value == 1

    # 年度复核, then 脱困 with a reason
    dialog = files.open_row(files.model.row_of(file_id))
    dialog.review_date_edit.setText(today.isoformat())
    dialog.reviewer_edit.setText("孙委员")
    assert dialog.add_review()
    assert str(today.replace(year=today.year + 1) if (today.month, today.day) != (2, 29)
               else today.replace(year=today.year + 1, day=28)) in dialog.next_review_label.text()
    close = dialog.close_file("脱困")
    close.reason_edit.setText("本人病愈返岗，家庭收入恢复")
    close.accept()
    dialog.reject()
    closed = store.get(file_id)
    assert (closed["status"], closed["closed_on"], closed["close_reason"]) == \
           ("脱困", today.isoformat(), "本人病愈返岗，家庭收入恢复")
    _choose(files.status_combo, "脱困")
    assert [files.model.row_id(r) for r in range(files.model.rowCount())] == [file_id]

    # aid to the closed household is not refused but asks for a reason, which is kept
    aid = aid_view.new_payment(file_id)
    _choose(aid.type_combo, "临时救助")
    aid.cash_edit.setText("500")
    assert [w.code for w in aid.warnings] == ["file_closed"]
    assert not aid.save_button.isEnabled()
    aid.reason_edit.setText("脱困后突发意外，委员会同意临时救助")
    assert aid.save_button.isEnabled()
    later = payments.get(aid.save())
    assert later["override_reason"] == "脱困后突发意外，委员会同意临时救助" and "脱困" in later["rule_warnings"]
