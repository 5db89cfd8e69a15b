"""The 批量慰问 page and the new-campaign wizard, on a demo company union."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, QItemSelectionModel, Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QStyleOptionViewItem

from gonghui_desk.care.campaigns import (CampaignInput, RecipientCriteria, campaign_recipients, create_campaign,
                                         get_campaign, record_campaign, select_recipients)
from gonghui_desk.care.occasions import Occasion, get_occasion, save_occasion
from gonghui_desk.care.visits import VisitStore
from gonghui_desk.db import open_database
from gonghui_desk.demo import generate_demo
from gonghui_desk.ui.app_context import AppContext
from gonghui_desk.ui.campaign_models import RecipientTableModel
from gonghui_desk.ui.campaign_view import CampaignView
from gonghui_desk.ui.campaign_wizard import CampaignWizard, suggest_campaign_name
from gonghui_desk.union import sub_units

TODAY = dt.date(2026, 11, 22)
CASH, GOODS, GOODS_VALUE, SIGNED = (RecipientTableModel.CASH, RecipientTableModel.GOODS,
                                    RecipientTableModel.GOODS_VALUE, RecipientTableModel.SIGNED)


@pytest.fixture
def context(qtbot, tmp_path):
    path = tmp_path / "company.sqlite3"
    db = open_database(path)
    generate_demo(db, kind="company", seed=5, today=TODAY)  # 800 members
    db.conn.close()
    ctx = AppContext(path)
    # an occasion of our own, without caps, so that the demo's rule set does not matter
    ctx.occasion_id = save_occasion(ctx.db, Occasion(None, "测试节日慰问", standard_fen=300_00))
    yield ctx
    ctx.close()


@pytest.fixture
def view(context, qtbot):
    widget = CampaignView(context, today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    return widget


def make_campaign(context, *, cash_fen=300_00, criteria=None, name="2026年冬季送温暖") -> int:
    data = CampaignInput(name, TODAY.isoformat(), context.occasion_id, "本级工会经费", "现金", cash_fen)
    return create_campaign(context.db, data, criteria or RecipientCriteria(statuses=("在册",)), today=TODAY)


def cell(view, row, column):
    return view.proxy.index(row, column)


def record_through_view(view, qtbot, reason: str = "") -> None:
    view.start_record()
    qtbot.waitUntil(lambda: view.record_dialog is not None and view.record_dialog.isVisible(), timeout=10000)
    if reason:
        view.record_dialog.reason_edit.setText(reason)
    view.record_dialog.accept()
    qtbot.waitUntil(lambda: view.record_job is None and bool(view.campaign.get("recorded_at")), timeout=20000)


# --- the wizard ----------------------------------------------------------------------------------
def test_suggested_names():
    assert suggest_campaign_name("节日慰问", dt.date(2027, 1, 20)) == "2027年春节送温暖"
    assert suggest_campaign_name("节日慰问", dt.date(2026, 12, 28)) == "2027年元旦春节送温暖"
    assert suggest_campaign_name("节日慰问", dt.date(2026, 9, 20)) == "2026年中秋国庆慰问"
    assert suggest_campaign_name("夏季高温", dt.date(2026, 7, 1)) == "2026年夏送清凉"
    assert suggest_campaign_name("生日", dt.date(2026, 3, 1)) == "2026年3月生日慰问"


def test_wizard_creates_a_campaign_from_criteria(view, context, qtbot):
    wizard = view.new_campaign()
    assert isinstance(wizard, CampaignWizard)
    details = wizard.details_page
    # the name follows the occasion and the date until the user types one
    details.occasion_combo.setCurrentIndex(details.occasion_combo.findText("节日慰问"))
    details.date_edit.setDate(QDate(2027, 1, 20))
    assert details.name_edit.text() == "2027年春节送温暖"
    details.date_edit.setDate(QDate(TODAY))
    details.occasion_combo.setCurrentIndex(details.occasion_combo.findData(context.occasion_id))
    assert details.cash_edit.text() == "300"  # the occasion's standard amount
    details.name_edit.end(False)
    qtbot.keyClicks(details.name_edit, " A")  # typed by hand: no longer replaced
    details.date_edit.setDate(QDate(2026, 11, 1))
    assert details.name_edit.text().endswith(" A")
    details.date_edit.setDate(QDate(TODAY))
    details.cash_edit.setText("壹佰元")
    assert not details.isComplete() and "大写" in details.message.text()
    details.cash_edit.setText("260")
    assert details.isComplete()
    wizard.next()

    criteria_page = wizard.criteria_page
    assert wizard.currentPage() is criteria_page
    criteria_page.status_checks["退休"].setChecked(True)
    units = sub_units(context.db)
    parent = next(u for u in units if any(c.parent_id == u.id for c in units))
    child = next(c for c in units if c.parent_id == parent.id)
    criteria_page.set_unit_checked(child.id, False)  # the parent is then only partly ticked
    criteria_page.min_age_spin.setValue(25)
    criteria_page.sex_combo.setCurrentIndex(criteria_page.sex_combo.findData("女"))
    criteria_page.recount()
    criteria = criteria_page.criteria()
    assert criteria.statuses == ("在册", "退休") and criteria.sex == "女" and criteria.min_age == 25
    assert child.id not in criteria.sub_unit_ids and parent.id not in criteria.sub_unit_ids
    expected = select_recipients(context.db, criteria, today=TODAY)
    assert criteria_page.count == len(expected) > 0
    assert str(len(expected)) in criteria_page.count_label.text()
    wizard.next()

    page = wizard.recipients_page
    assert page.model.member_ids() == expected
    assert all(r["cash_fen"] == 260_00 for r in page.model.rows())
    assert "260" in page.totals_label.text() or str(len(expected)) in page.totals_label.text()
    with qtbot.waitSignal(wizard.created, timeout=5000) as created:
        wizard.accept()
    campaign_id = created.args[0]
    assert wizard.campaign_id == campaign_id
    stored = [r["member_id"] for r in campaign_recipients(context.db, campaign_id)]
    assert stored == expected
    campaign = get_campaign(context.db, campaign_id)
    assert campaign["default_cash_fen"] == 260_00 and campaign["name"].endswith(" A")
    assert RecipientCriteria.from_json(campaign["criteria"]) == criteria
    # the page selects the new campaign
    assert view.campaign_id == campaign_id
    assert view.recipients.member_ids() == expected
    assert view.list_model.campaign_id(view.list_table.currentIndex().row()) == campaign_id


def test_wizard_adds_removes_and_edits_by_hand(view, context, qtbot):
    wizard = view.new_campaign()
    wizard.details_page.occasion_combo.setCurrentIndex(
        wizard.details_page.occasion_combo.findData(context.occasion_id))
    wizard.next()
    wizard.criteria_page.sex_combo.setCurrentIndex(wizard.criteria_page.sex_combo.findData("男"))
    wizard.criteria_page.recount()
    wizard.next()
    page = wizard.recipients_page
    matched = page.model.member_ids()
    women = select_recipients(context.db, RecipientCriteria(sex="女"), today=TODAY)

    # add a woman through the picker: search by her name, pick her row
    woman = context.members.get(women[0])
    picker = page.choose_members()
    picker.set_search_text(woman["name"])
    row = next(r for r in range(picker.model.rowCount()) if picker.model.member_id(r) == woman["id"])
    picker.select_rows([row])
    assert picker.selected_ids() == [woman["id"]]
    picker.accept()
    assert page.model.member_ids()[-1] == woman["id"]
    # members already on the list are not offered again
    picker = page.choose_members()
    picker.set_search_text(woman["name"])
    picker.select_rows([next(r for r in range(picker.model.rowCount()) if picker.model.member_id(r) == woman["id"])])
    assert picker.selected_ids() == [] and not picker.add_button.isEnabled()
    picker.reject()

    # remove the first two rows as the user would: select them, press 移除所选
    gone = matched[:2]
    page.table.selectRow(0)
    page.table.selectionModel().select(page.proxy.index(1, 0),
                                       QItemSelectionModel.Select | QItemSelectionModel.Rows)
    assert page.remove_selected() == 2
    assert not set(gone) & set(page.model.member_ids())

    # edit one amount in place (in 元, through the delegate) and a goods description
    first = page.model.member_ids()[0]
    delegate = page.table.itemDelegateForColumn(CASH)
    editor = delegate.createEditor(page.table.viewport(), QStyleOptionViewItem(), page.proxy.index(0, CASH))
    editor.setText("1,200.50")
    delegate.setModelData(editor, page.proxy, page.proxy.index(0, CASH))
    assert page.model.recipient(first)["cash_fen"] == 1200_50
    editor.setText("八百")  # not an amount: refused, the old value stays
    delegate.setModelData(editor, page.proxy, page.proxy.index(0, CASH))
    assert page.model.recipient(first)["cash_fen"] == 1200_50
    assert "无法识别" in page.message.text() or "大写" in page.message.text()
    assert page.proxy.setData(page.proxy.index(0, GOODS), "食用油一桶")
    assert page.proxy.index(0, CASH).data(Qt.ForegroundRole) is not None  # differs from the default

    # going back and forth keeps the hand-made changes
    wizard.back()
    wizard.back()
    wizard.next()
    wizard.next()
    assert page.model.recipient(first)["cash_fen"] == 1200_50
    assert woman["id"] in page.model.member_ids() and not set(gone) & set(page.model.member_ids())

    wizard.accept()
    stored = {r["member_id"]: r for r in campaign_recipients(context.db, wizard.campaign_id)}
    assert set(stored) == (set(matched) - set(gone)) | {woman["id"]}
    assert stored[first]["cash_fen"] == 1200_50 and stored[first]["goods_desc"] == "食用油一桶"
    assert stored[woman["id"]]["cash_fen"] == 300_00
    assert [r["member_id"] for r in campaign_recipients(context.db, wizard.campaign_id)][-1] == woman["id"]


def test_hardship_criterion_is_disabled_without_the_hardship_module(view, context, monkeypatch):
    from gonghui_desk.care import campaigns

    monkeypatch.setattr(campaigns, "_CRITERIA", {})
    wizard = view.new_campaign()
    wizard.next()
    check = wizard.criteria_page.hardship_check
    assert not check.isEnabled()
    assert "困难职工" in check.toolTip()
    assert wizard.criteria_page.criteria().hardship_only is False


# --- the campaign page ---------------------------------------------------------------------------
def test_page_lists_campaigns_and_adds_removes_edits_before_recording(view, context, qtbot):
    campaign_id = make_campaign(context)
    view.refresh()
    assert view.select_campaign(campaign_id)
    count = len(campaign_recipients(context.db, campaign_id))
    row = view.list_model.row_of(campaign_id)
    assert view.list_model.index(row, 3).data() == str(count)
    assert view.list_model.index(row, 5).data() == "未发放"
    assert view.recipients.rowCount() == count
    assert view.add_button.isEnabled() and view.record_button.isEnabled()
    assert not view.sign_all_button.isEnabled()

    # edit an amount in place: stored at once, the list's total follows
    member_id = view.recipients.member_id(0)
    assert view.proxy.flags(cell(view, 0, CASH)) & Qt.ItemIsEditable
    assert view.proxy.setData(cell(view, 0, CASH), 500_00)
    stored = {r["member_id"]: r for r in campaign_recipients(context.db, campaign_id)}
    assert stored[member_id]["cash_fen"] == 500_00
    assert view.list_model.index(row, 4).data() == f"{(count * 300 + 200):,}"

    # add a retiree (not matched by the criteria) through the picker, then remove him again
    retiree = select_recipients(context.db, RecipientCriteria(statuses=("退休",)), today=TODAY)[0]
    picker = view.choose_members()
    picker.set_search_text(context.members.get(retiree)["name"])
    picker.select_rows([next(r for r in range(picker.model.rowCount()) if picker.model.member_id(r) == retiree)])
    picker.accept()
    assert view.recipients.member_ids()[-1] == retiree
    assert view.list_model.index(row, 3).data() == str(count + 1)
    view.recipients_table.clearSelection()
    view.recipients_table.selectRow(view.proxy.mapFromSource(view.recipients.index(count, 0)).row())
    assert view.selected_member_ids() == [retiree]
    assert view.remove_selected() == 1
    assert retiree not in [r["member_id"] for r in campaign_recipients(context.db, campaign_id)]

    # the search box finds a name in a long list
    name = view.recipients.recipient(member_id)["name"]
    view.search_edit.setText(name)
    assert 1 <= view.proxy.rowCount() < count
    view.search_edit.clear()


def test_recording_creates_one_visit_per_recipient_then_signatures(view, context, qtbot):
    campaign_id = make_campaign(context)
    view.refresh()
    view.select_campaign(campaign_id)
    recipients = view.recipients.member_ids()
    with qtbot.waitSignal(context.visits_changed, timeout=20000):
        record_through_view(view, qtbot)
    assert view.record_dialog.warnings == []
    campaign = get_campaign(context.db, campaign_id)
    assert campaign["recorded_at"] and campaign["visit_count"] == len(recipients)
    rows = campaign_recipients(context.db, campaign_id)
    assert all(r["visit_id"] for r in rows) and len({r["visit_id"] for r in rows}) == len(recipients)
    visit = VisitStore(context.db).get(rows[0]["visit_id"])
    assert visit["campaign_id"] == campaign_id and visit["visit_date"] == TODAY.isoformat()
    assert visit["cash_fen"] == 300_00 and visit["occasion_id"] == context.occasion_id

    # recorded: the list and amounts are locked, and the page says why
    assert "锁定" in view.state_label.text()
    assert not view.proxy.flags(cell(view, 0, CASH)) & Qt.ItemIsEditable
    assert not view.proxy.setData(cell(view, 0, CASH), 1)
    assert not view.add_button.isEnabled() and not view.remove_button.isEnabled()
    assert not view.record_button.isEnabled()
    assert view.list_model.index(view.list_model.row_of(campaign_id), 5).data() == "已发放"

    # tick one box, then the selected rows, then everyone
    assert view.proxy.flags(cell(view, 0, SIGNED)) & Qt.ItemIsUserCheckable
    with qtbot.waitSignal(context.visits_changed):
        assert view.proxy.setData(cell(view, 0, SIGNED), Qt.Checked.value, Qt.CheckStateRole)
    first = view.proxy.member_ids_of([0])[0]
    signed = {r["member_id"]: r["signed"] for r in campaign_recipients(context.db, campaign_id)}
    assert signed[first] and sum(signed.values()) == 1
    view.recipients_table.selectRow(1)
    assert view.sign_selected_button.isEnabled()
    assert view.sign_selected() == 1
    assert view.list_model.index(view.list_model.row_of(campaign_id), 6).data() == f"2/{len(recipients)}"
    assert view.proxy.setData(cell(view, 0, SIGNED), Qt.Unchecked.value, Qt.CheckStateRole)
    assert view.sign_all() == len(recipients) - 1
    assert get_campaign(context.db, campaign_id)["signed_count"] == len(recipients)
    assert f"已签收 <b>{len(recipients)}</b>" in view.totals_label.text()


def test_a_cap_warning_needs_a_reason(view, context, qtbot):
    campaign_id = make_campaign(context)
    occasion = get_occasion(context.db, context.occasion_id)
    occasion.cap_fen = 400_00
    save_occasion(context.db, occasion)
    view.refresh()
    view.select_campaign(campaign_id)
    over = view.recipients.member_id(3)
    assert view.proxy.setData(cell(view, 3, CASH), 800_00)

    view.start_record()
    qtbot.waitUntil(lambda: view.record_dialog is not None and view.record_dialog.isVisible(), timeout=10000)
    dialog = view.record_dialog
    assert [w["member_id"] for w in dialog.warnings] == [over]
    assert "上限" in dialog.warning_model.text(0, 2)
    assert dialog.warning_model.text(0, 0) == view.recipients.recipient(over)["name"]
    assert not dialog.ok_button.isEnabled()
    dialog.accept()  # without a reason: nothing happens
    assert dialog.isVisible() and view.record_job is None
    assert not get_campaign(context.db, campaign_id)["recorded_at"]
    dialog.reason_edit.setText("经工会委员会研究同意")
    assert dialog.ok_button.isEnabled()
    dialog.accept()
    qtbot.waitUntil(lambda: view.record_job is None and bool(view.campaign.get("recorded_at")), timeout=20000)
    visits = {r["member_id"]: r["visit_id"] for r in campaign_recipients(context.db, campaign_id)}
    store = VisitStore(context.db)
    breach = store.get(visits[over])
    assert breach["override_reason"] == "经工会委员会研究同意" and "上限" in breach["rule_warnings"]
    others = [store.get(v) for m, v in visits.items() if m != over][:5]
    assert all(v["override_reason"] == "" for v in others)


def test_record_refused_by_the_core_shows_the_error(view, context, qtbot, monkeypatch):
    from gonghui_desk.ui import campaign_view

    shown = []
    monkeypatch.setattr(campaign_view, "show_error", lambda parent, title, exc: shown.append(str(exc)))
    campaign_id = make_campaign(context)
    record_campaign(context.db, campaign_id, today=TODAY)  # recorded elsewhere meanwhile
    view.refresh()
    view.select_campaign(campaign_id)
    view.campaign["recorded_at"] = None  # the page still thinks it is a draft
    view.record("")
    qtbot.waitUntil(lambda: view.record_job is None, timeout=20000)
    assert shown and "不能再修改" in shown[0]


def test_voiding_a_recorded_campaign(view, context, qtbot):
    campaign_id = make_campaign(context)
    record_campaign(context.db, campaign_id, today=TODAY)
    view.refresh()
    view.select_campaign(campaign_id)
    dialog = view.void_current()
    assert any("一并作废" in label.text() for label in dialog.findChildren(QLabel))
    assert not dialog.ok_button.isEnabled()
    dialog.reason_edit.setText("名单有误")
    with qtbot.waitSignal(context.visits_changed):
        dialog.accept()
    campaign = get_campaign(context.db, campaign_id)
    assert campaign["voided_at"] and campaign["visit_count"] == 0
    assert view.list_model.row_of(campaign_id) is None  # voided ones are hidden…
    assert view.select_campaign(campaign_id)  # …until asked for
    assert view.show_voided_check.isChecked()
    assert "作废" in view.state_label.text()
    assert not any(b.isEnabled() for b in (view.add_button, view.record_button, view.sign_all_button,
                                          view.void_button, view.export_button))


def test_export_sign_off_sheet_to_xlsx(view, context, qtbot, tmp_path, monkeypatch):
    campaign_id = make_campaign(context)
    view.refresh()
    view.select_campaign(campaign_id)
    target = tmp_path / "签收表"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    view.export_excel()
    qtbot.waitUntil(lambda: view.export_job is None, timeout=20000)
    path = tmp_path / "签收表.xlsx"
    assert path.exists()
    sheet = load_workbook(path).active
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    names = [r["name"] for r in campaign_recipients(context.db, campaign_id)]
    assert names[0] in texts and names[-1] in texts
    assert any("签字" in t for t in texts) and any("合计" in t for t in texts)


def test_cancelled_save_dialog_exports_nothing(view, context, monkeypatch):
    campaign_id = make_campaign(context)
    view.refresh()
    view.select_campaign(campaign_id)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    assert view.export_excel() is None and view.export_pdf() is None


def test_empty_page_offers_a_first_campaign(context, qtbot):
    widget = CampaignView(context, today=TODAY)
    qtbot.addWidget(widget)
    if widget.list_model.rowCount() == 0:  # the demo may come with campaigns of its own
        assert widget.list_stack.currentWidget() is widget.empty_page
        assert widget.detail_stack.currentWidget() is widget.no_selection
    wizard = widget.new_campaign()
    assert wizard.isVisible() and wizard.currentPage() is wizard.details_page
    wizard.reject()


def test_print_preview_and_pdf_of_the_sign_off_sheet(view, context, qtbot, tmp_path, monkeypatch):
    campaign_id = make_campaign(context)
    view.refresh()
    view.select_campaign(campaign_id)
    preview = view.print_sheet()  # opened, not exec'd: it deletes itself on close
    assert "发放签收表" in preview.table.title
    assert len(preview.table.rows) == view.recipients.rowCount()
    preview.close()

    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "签收表.pdf"), "")))
    view.export_pdf()
    qtbot.waitUntil(lambda: view.export_job is None, timeout=30000)
    path = tmp_path / "签收表.pdf"
    assert path.exists() and path.read_bytes().startswith(b"%PDF")
    assert "页" in view.export_box.text()
    view.export_box.close()


def test_delete_key_removes_and_a_future_date_waits(view, context, qtbot):
    campaign_id = make_campaign(context)
    view.refresh()
    view.select_campaign(campaign_id)
    count = view.recipients.rowCount()
    view.recipients_table.setFocus()
    view.recipients_table.selectRow(0)
    qtbot.keyClick(view.recipients_table, Qt.Key_Delete)
    assert view.recipients.rowCount() == count - 1 == len(campaign_recipients(context.db, campaign_id))

    later = CampaignInput("2027年春节送温暖", "2027-01-20", context.occasion_id, default_cash_fen=300_00)
    future_id = create_campaign(context.db, later, RecipientCriteria(), today=TODAY)
    view.refresh()
    view.select_campaign(future_id)
    assert not view.record_button.isEnabled()
    assert "之后" in view.record_button.toolTip()


def test_cancelled_recording_writes_nothing(view, context, qtbot):
    campaign_id = make_campaign(context)
    view.refresh()
    view.select_campaign(campaign_id)
    job = view.record("")
    job.cancel()  # at once: the worker checks before it commits
    qtbot.waitUntil(lambda: view.record_job is None, timeout=20000)
    campaign = get_campaign(context.db, campaign_id)
    assert not campaign["recorded_at"] and campaign["visit_count"] == 0
    assert "已取消" in view.message.text()
    assert view.record_button.isEnabled() and view.add_button.isEnabled()
