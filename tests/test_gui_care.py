"""The 慰问走访 page: ledger filters and totals, sorting, signing, export, print, and the window's wiring."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from gonghui_desk.care.occasions import apply_rule_set, find_occasion, load_rule_set
from gonghui_desk.care.visits import VisitInput, VisitStore
from gonghui_desk.ui.care_view import CareView, ExportLedgerDialog, period_range, totals_text
from gonghui_desk.ui.ledger_model import PENDING_TEXT, RULE_MARK, SIGNED_MARK, LedgerTableModel
from gonghui_desk.ui.visit_dialog import VisitDialog
from gonghui_desk.ui.workers import Job
from gonghui_desk.union import UnionProfile, add_sub_unit, save_profile

from conftest import TODAY


pytestmark = pytest.mark.usefixtures("no_job_left_running")


@pytest.fixture
def context(empty_context):
    """Three members in two departments (one a group under 高一年级组) and eight visits."""
    ctx = empty_context
    save_profile(ctx.db, UnionProfile(name="测试中学工会委员会", kind="学校"))
    apply_rule_set(ctx.db, load_rule_set("example-province"))  # 结婚 at most 2,000 元
    grade = add_sub_unit(ctx.db, "高一年级组")
    group = add_sub_unit(ctx.db, "语文组", kind="工会小组", parent_id=grade)
    office = add_sub_unit(ctx.db, "行政后勤")
    ctx.units = {"grade": grade, "group": group, "office": office}
    zhang = ctx.members.create({"name": "张三", "sex": "男", "sub_unit_id": group}, today=TODAY)
    li = ctx.members.create({"name": "李四", "sex": "女", "sub_unit_id": grade}, today=TODAY)
    wang = ctx.members.create({"name": "王五", "sex": "男", "sub_unit_id": office}, today=TODAY)
    ctx.people = {"zhang": zhang, "li": li, "wang": wang}
    store = VisitStore(ctx.db, today=TODAY)
    occ = {name: find_occasion(ctx.db, name).id for name in ("生病住院", "结婚", "节日慰问", "退休")}
    ctx.visit_ids = {
        "zhang_ill": store.save(VisitInput(zhang, occ["生病住院"], visit_date="2026-03-02", cash_fen=50000,
                                           illness="肺炎", fund_source="本级工会经费")),
        "zhang_holiday": store.save(VisitInput(zhang, occ["节日慰问"], visit_date="2026-01-20", cash_fen=30000,
                                               goods_desc="大米", goods_value_fen=10000, fund_source="行政")),
        "zhang_father": store.save(VisitInput(zhang, occ["生病住院"], recipient_relation="父母",
                                              recipient_name="张老汉", visit_date="2026-06-10", cash_fen=50000,
                                              illness="骨折", fund_source="本级工会经费")),
        "li_wedding": store.save(VisitInput(li, occ["结婚"], visit_date="2026-05-01", cash_fen=300000,
                                            fund_source="本级工会经费"), override_reason="委员会同意"),
        "li_last_year": store.save(VisitInput(li, occ["节日慰问"], visit_date="2025-09-10", cash_fen=30000,
                                              fund_source="本级工会经费")),
        "wang_holiday": store.save(VisitInput(wang, occ["节日慰问"], visit_date="2026-01-20", cash_fen=30000,
                                              fund_source="上级工会补助")),
        "wang_retire": store.save(VisitInput(wang, occ["退休"], event_date="2026-11-20", cash_fen=50000)),
    }
    return ctx


@pytest.fixture
def care(context, qtbot):
    view = CareView(context, today=TODAY)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    return view


def shown_names(ledger) -> list[str]:
    return [ledger.model.text(row, "member") for row in range(ledger.model.rowCount())]


def test_period_choices():
    assert period_range("本年", TODAY) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert period_range("上年", TODAY) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert period_range("本学期", TODAY) == (dt.date(2026, 9, 1), dt.date(2027, 1, 31))
    assert period_range("本学期", dt.date(2027, 1, 10)) == (dt.date(2026, 9, 1), dt.date(2027, 1, 31))
    assert period_range("本学期", dt.date(2026, 4, 1)) == (dt.date(2026, 2, 1), dt.date(2026, 8, 31))
    assert period_range("上半年", TODAY) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert period_range("下半年", TODAY) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert period_range("全部日期", TODAY) == (None, None)


def test_ledger_shows_this_year_with_totals_of_visits_and_persons(care):
    ledger = care.ledger
    assert care.tabs.tabText(0) == "慰问台账" and care.tabs.tabText(1) == "批量慰问"
    assert ledger.period_combo.currentText() == "本年"
    assert ledger.from_edit.text() == "2026-01-01" and ledger.to_edit.text() == "2026-12-31"
    assert ledger.model.rowCount() == 6  # five visits made this year and one pending event
    # 5 visits (人次) of 4 persons: 张三 (twice), his father, 李四, 王五
    assert ledger.totals_label.text() == ("共 5 人次，4 人，慰问金 4,600 元，慰问品折合 100 元（涉及会员 3 人）；"
                                          "另有 1 项待走访，未计入")
    assert ledger.model.sort_key == ("visit_date", True)
    assert ledger.model.text(0, "visit_date") == PENDING_TEXT  # no visit date: sorted by its event date
    assert ledger.model.text(1, "occasion") == "生病住院" and ledger.model.text(1, "recipient") == "父母 张老汉"


def test_filters_change_the_rows_and_the_totals(care, context):
    ledger = care.ledger
    ledger.period_combo.setCurrentText("上年")
    assert shown_names(ledger) == ["李四"]
    assert ledger.totals_label.text().startswith("共 1 人次，1 人，慰问金 300 元")
    ledger.period_combo.setCurrentText("全部日期")
    assert ledger.model.rowCount() == 7
    holiday = find_occasion(context.db, "节日慰问").id
    ledger.occasion_combo.setCurrentIndex(ledger.occasion_combo.findData(holiday))
    assert sorted(shown_names(ledger)) == ["张三", "李四", "王五"]
    assert ledger.totals.visits == 3 and ledger.totals.persons == 3
    ledger.occasion_combo.setCurrentIndex(0)
    # a department includes its groups: 高一年级组 has 李四 and, in its 语文组, 张三
    ledger.sub_unit_combo.setCurrentIndex(ledger.sub_unit_combo.findData(context.units["grade"]))
    assert set(shown_names(ledger)) == {"张三", "李四"}
    assert ledger.totals.visits == 5 and ledger.totals.persons == 3 and ledger.totals.members == 2
    ledger.sub_unit_combo.setCurrentIndex(0)
    ledger.fund_combo.setCurrentIndex(ledger.fund_combo.findData("行政"))
    assert shown_names(ledger) == ["张三"]
    ledger.fund_combo.setCurrentIndex(0)
    ledger.search_edit.setText("ls")  # pinyin initials of 李四
    ledger.apply_filters()  # the search waits for a pause in typing; do it now
    assert set(shown_names(ledger)) == {"李四"}
    assert ledger.totals.visits == 2 and ledger.totals.persons == 1
    ledger.clear_filters()
    assert ledger.period_combo.currentText() == "本年" and ledger.model.rowCount() == 6


def test_must_visit_group_filter(care, context):
    ledger = care.ledger
    ledger.occasion_combo.setCurrentIndex(ledger.occasion_combo.findData("must_visit"))
    assert set(ledger.model.text(r, "occasion") for r in range(ledger.model.rowCount())) == {"生病住院", "结婚", "退休"}


def test_typed_dates_make_a_custom_period(care, qtbot):
    ledger = care.ledger
    ledger.from_edit.setText("2026.5.1")
    ledger.to_edit.setText("2026.6.30")
    ledger.to_edit.editingFinished.emit()
    assert ledger.from_edit.text() == "2026-05-01" and ledger.to_edit.text() == "2026-06-30"
    assert ledger.period_combo.currentText() == "自定义"
    assert sorted(shown_names(ledger)) == ["张三", "李四"]
    ledger.to_edit.setText("2026-06-31")
    ledger.to_edit.editingFinished.emit()
    assert "日期有误" in ledger.totals_label.text()
    assert ledger.model.rowCount() == 2  # the list stays as it was


def test_pending_filter(care, context):
    ledger = care.ledger
    ledger.pending_check.setChecked(True)
    assert shown_names(ledger) == ["王五"]
    assert ledger.model.text(0, "visit_date") == PENDING_TEXT
    assert ledger.totals_label.text() == "待走访 1 项（尚未走访，不计入人次和金额）"
    ledger.pending_check.setChecked(False)
    assert ledger.model.rowCount() == 6


def test_sorting_keeps_the_selection_and_ignores_unsortable_columns(care, context):
    ledger = care.ledger
    model: LedgerTableModel = ledger.model
    header = ledger.table.horizontalHeader()
    li_row = model.row_of(context.visit_ids["li_wedding"])
    ledger.select_rows([li_row])
    ledger.table.sortByColumn(model.column_index["member"], Qt.AscendingOrder)
    assert model.sort_key == ("member", False)
    names = shown_names(ledger)
    assert names == sorted(names, key=lambda n: {"李四": 0, "王五": 1, "张三": 2}[n])  # by pinyin: li, wang, zhang
    assert ledger.selected_visit_ids() == [context.visit_ids["li_wedding"]]
    ledger.table.sortByColumn(model.column_index["cash"], Qt.DescendingOrder)
    assert model.text(0, "cash") == "3,000"
    ledger.table.sortByColumn(model.column_index["visitors"], Qt.AscendingOrder)  # not sortable
    assert model.sort_key == ("money", True)
    assert header.sortIndicatorSection() == model.column_index["cash"]


def test_rule_mark_carries_the_reason(care, context):
    ledger = care.ledger
    row = ledger.model.row_of(context.visit_ids["li_wedding"])
    column = ledger.model.column_index["rule"]
    assert ledger.model.text(row, "rule") == RULE_MARK
    tip = ledger.model.index(row, column).data(Qt.ToolTipRole)
    assert "委员会同意" in tip and "上限" in tip
    assert ledger.model.text(ledger.model.row_of(context.visit_ids["zhang_ill"]), "rule") == ""


def test_signing_selected_rows(care, context, qtbot):
    ledger = care.ledger
    ids = [context.visit_ids["zhang_ill"], context.visit_ids["wang_holiday"]]
    ledger.select_rows([ledger.model.row_of(i) for i in ids])
    assert sorted(ledger.selected_visit_ids()) == sorted(ids)
    with qtbot.waitSignal(context.visits_changed):
        assert ledger.sign_selected() == 2
    signed = {r[0] for r in context.db.execute("SELECT id FROM visits WHERE signed = 1")}
    assert signed == set(ids)
    for visit_id in ids:
        assert ledger.model.text(ledger.model.row_of(visit_id), "signed") == SIGNED_MARK
    assert sorted(ledger.selected_visit_ids()) == sorted(ids)  # the selection survives the refresh
    ledger.unsign_selected()
    assert context.db.execute("SELECT count(*) FROM visits WHERE signed = 1").fetchone()[0] == 0


def test_signing_nothing_selected_says_so(care, context):
    messages = []
    context.status_message.connect(messages.append)
    care.ledger.table.clearSelection()
    assert care.ledger.sign_selected() == 0
    assert "请先" in messages[-1]


def test_double_click_opens_the_visit_and_saving_refreshes(care, context, qtbot):
    ledger = care.ledger
    row = ledger.model.row_of(context.visit_ids["zhang_holiday"])
    ledger.table.open_requested.emit(row)
    dialog = ledger.visit_dialog
    assert isinstance(dialog, VisitDialog) and dialog.visit_id == context.visit_ids["zhang_holiday"]
    dialog.cash_edit.setText("350")
    dialog.save()
    assert ledger.model.text(ledger.model.row_of(context.visit_ids["zhang_holiday"]), "cash") == "350"
    assert "慰问金 4,650 元" in ledger.totals_label.text()


def test_new_visit_appears_in_the_ledger(care, context, qtbot):
    dialog = care.new_visit()
    dialog.member_picker.set_member(context.people["li"])
    dialog.occasion_combo.setCurrentIndex(dialog.occasion_combo.findData(find_occasion(context.db, "生育").id))
    dialog.save()
    assert care.ledger.model.rowCount() == 7
    assert care.ledger.totals.visits == 6


def test_export_writes_what_is_shown(care, context, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "台账"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    ledger = care.ledger
    ledger.fund_combo.setCurrentIndex(ledger.fund_combo.findData("本级工会经费"))
    dialog = ledger.start_export()
    assert isinstance(dialog, ExportLedgerDialog)
    dialog.prepared_by_edit.setText("刘老师")
    dialog.accept()
    qtbot.waitUntil(lambda: ledger.export_job is not None and not Job._running, timeout=10000)
    path = tmp_path / "台账.xlsx"
    assert path.exists()
    sheet = openpyxl.load_workbook(path).active
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert "张老汉" in text and "王五" not in text.split("合计")[0]  # 王五's visits are from other funds
    assert "刘老师" in text


def test_print_builds_the_table_on_a_worker_and_previews(care, context, qtbot, monkeypatch):
    from gonghui_desk.ui import printing

    shown = []
    monkeypatch.setattr(printing, "print_preview", lambda parent, table: shown.append(table))
    care.ledger.pending_check.setChecked(True)
    care.ledger.start_print()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert shown[0].title


def test_campaign_tab_is_built_when_first_shown(care):
    assert care.campaigns is None
    care.tabs.setCurrentIndex(1)
    assert care.campaigns is not None
    assert care.campaign_host.isAncestorOf(care.campaigns)


def test_empty_ledger_explains_what_to_do(empty_context, qtbot):
    view = CareView(empty_context, today=TODAY)
    qtbot.addWidget(view)
    view.show()
    assert view.ledger.stack.currentWidget() is view.ledger.empty_page
    assert "还没有慰问记录" in view.ledger.empty_label.text()
    assert view.ledger.totals_label.text().startswith("共 0 人次")


def test_totals_text_mentions_members_only_when_relatives_count():
    from gonghui_desk.care.ledger import LedgerTotals

    assert totals_text(LedgerTotals(3, 3, 3, 90000, 0, 0)) == "共 3 人次，3 人，慰问金 900 元，慰问品折合 0 元"
    assert "涉及会员 1 人" in totals_text(LedgerTotals(2, 2, 1, 100000, 0, 0))


def test_big_ledgers_sum_up_on_a_worker(care, context, qtbot, monkeypatch):
    from gonghui_desk.ui import care_view

    monkeypatch.setattr(care_view, "TOTALS_THREAD_ROWS", 2)
    ledger = care.ledger
    ledger.period_combo.setCurrentText("全部日期")
    assert "正在合计" in ledger.totals_label.text()
    qtbot.waitUntil(lambda: ledger.totals_label.text().startswith("共 6 人次"), timeout=10000)


def test_main_window_hosts_the_care_page_and_the_settings_entry(context, qtbot):
    from gonghui_desk.ui.main_window import MainWindow
    from gonghui_desk.ui.occasions_dialog import OccasionsDialog

    window = MainWindow(context)
    qtbot.addWidget(window)
    assert isinstance(window.pages["care"], CareView)
    assert window.page_keys()[:3] == ["home", "members", "care"]
    window.show()
    ledger = window.care_view.ledger
    assert ledger.model.rowCount() == 0 and not ledger._loaded  # read when the page is first shown
    window.show_page("care")
    assert ledger.model.rowCount() == 6 and ledger.totals.visits == 5
    assert window.occasions_action.text() == "慰问类别与标准…"
    window.occasions_action.trigger()
    assert window.current_page_key() == "care"
    assert isinstance(window.care_view.occasions_dialog, OccasionsDialog)
    window.care_view.occasions_dialog.reject()


def test_member_card_history_opens_a_visit(context, qtbot):
    from gonghui_desk.ui.member_card import MemberCardDialog

    card = MemberCardDialog(context, context.people["zhang"], today=TODAY)
    qtbot.addWidget(card)
    entries = card.history_model.rows()
    row = next(i for i, e in enumerate(entries)
               if e.table == "visits" and e.record_id == context.visit_ids["zhang_ill"])
    card.history_table.doubleClicked.emit(card.history_model.index(row, 0))
    assert isinstance(card.visit_dialog, VisitDialog)
    assert card.visit_dialog.visit_id == context.visit_ids["zhang_ill"]
    card.visit_dialog.void_visit().reason_edit.setText("录错")
    card.visit_dialog.void_dialog.accept()
    assert not any(e.record_id == context.visit_ids["zhang_ill"] and e.table == "visits"
                   for e in card.history_model.rows())
