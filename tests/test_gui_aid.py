"""The 帮扶记录 page: the ledger's filters and totals, the aid form (an application, a 金秋助学
payment with its student, a rule warning that needs and keeps a reason), 审核 → 发放 from the
ledger, signing, voiding, export and print."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtWidgets import QFileDialog

from gonghui_desk.hardship.aid import AidStore
from gonghui_desk.hardship.aid_ledger import AidFilter, aid_totals
from gonghui_desk.ui.aid_dialog import AidDialog, StageDialog
from gonghui_desk.ui.aid_view import AidView, aid_totals_text
from gonghui_desk.ui.ledger_model import RULE_MARK, SIGNED_MARK
from gonghui_desk.ui.workers import Job
from tests.conftest import TODAY

pytestmark = pytest.mark.usefixtures("no_job_left_running")


@pytest.fixture
def db(empty_context):
    """The shared aid ledger fixture writes through the GUI's own connection."""
    return empty_context.db


@pytest.fixture
def view(ledger, empty_context, qtbot):
    page = AidView(empty_context, today=TODAY)
    qtbot.addWidget(page)
    page.ensure_loaded()
    return page


def _choose(combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))


def _column(view, key: str) -> list[str]:
    return [view.model.text(r, key) for r in range(view.model.rowCount())]


def test_filters_and_totals(view, ledger):
    db = ledger["db"]
    assert view.model.rowCount() == 5  # this year's paid payments
    year = AidFilter(date_from="2026-01-01", date_to="2026-12-31")
    assert view.totals == aid_totals(db, year)
    assert view.totals_label.text() == aid_totals_text(view.totals)
    assert view.totals_label.text().startswith("发放 5 人次，涉及 2 户 3 人，金额 ")
    assert "（其中金秋助学 3,000 元、" in view.totals_label.text()
    _choose(view.type_combo, "生活救助")
    assert _column(view, "member") == ["张三", "张三"]
    _choose(view.source_combo, "上级帮扶资金")
    assert view.model.rowCount() == 1 and _column(view, "goods") == ["米面油（200元）"]
    assert SIGNED_MARK in _column(view, "signed")
    view.clear_filters()
    _choose(view.sub_unit_combo, ledger["units"]["一车间"])  # with 甲班 under it
    assert set(_column(view, "member")) == {"张三", "李四"}
    view.clear_filters()
    view.search_edit.setText("张小明")
    view.apply_filters()
    assert _column(view, "student") == ["张小明"]
    view.clear_filters()
    _choose(view.stage_combo, "申请")  # applications have no payment date: the period does not apply
    assert not view.from_edit.isEnabled()
    assert _column(view, "member") == ["王五"] and _column(view, "stage") == ["申请"]
    assert "1 条未发放" in view.totals_label.text() or view.totals_label.text().startswith("待审核或待发放 1 条")
    view.period_combo.setCurrentText("全部日期")
    _choose(view.stage_combo, None)
    assert view.model.rowCount() == 8


def test_dialog_saves_an_application(view, ledger, empty_context):
    dialog = AidDialog(empty_context, None, view, today=TODAY)
    assert not dialog.save_button.isEnabled()
    dialog.member_picker.set_member(ledger["members"]["王五"])
    assert dialog.file["id"] == ledger["files"]["王五"]
    _choose(dialog.type_combo, "临时救助")
    _choose(dialog.source_combo, "社会捐助")
    dialog.cash_edit.setText("abc")
    assert dialog.has_errors()
    dialog.cash_edit.setText("800")
    dialog.applied_by_edit.setText("王委员")
    assert not dialog.student_box.isVisibleTo(dialog)
    assert dialog.save_button.isEnabled(), dialog.summary_label.text()
    payment_id = dialog.save()
    row = AidStore(ledger["db"]).get(payment_id)
    assert (row["stage"], row["cash_fen"], row["aid_type"], row["fund_source"], row["applied_on"]) == \
           ("申请", 80000, "临时救助", "社会捐助", TODAY.isoformat())
    assert row["member_id"] == ledger["members"]["王五"] and not row["rule_warnings"]


def _tuition_form(empty_context, view, ledger, year: str) -> AidDialog:
    dialog = AidDialog(empty_context, None, view, file_id=ledger["files"]["张三"], today=TODAY)
    assert dialog.member_picker.member_id == ledger["members"]["张三"]
    _choose(dialog.type_combo, "金秋助学")
    assert dialog.student_box.isVisibleTo(dialog)
    dialog.cash_edit.setText("3000")
    assert "student_family_member_id" in {p.field for p in dialog.problems}
    dialog.student_combo.setCurrentIndex(1)
    assert dialog.student_combo.currentText().startswith("张小明")
    dialog.school_edit.setText("某某职业技术学院")
    dialog.year_edit.setText(year)
    dialog.years_edit.setText("3")
    return dialog


def test_a_student_aid_payment_records_the_student(view, ledger, empty_context):
    dialog = _tuition_form(empty_context, view, ledger, "2025")
    assert not dialog.problems and not dialog.warnings
    payment_id = dialog.save()
    row = AidStore(ledger["db"]).get(payment_id)
    assert row["aid_type"] == "金秋助学"
    assert (row["student_family_member_id"], row["school"], row["admission_year"], row["schooling_years"]) == \
           (dialog.student_combo.currentData(), "某某职业技术学院", 2025, 3)


def test_a_warning_needs_a_reason_and_keeps_it(view, ledger, empty_context):
    dialog = _tuition_form(empty_context, view, ledger, "2026")  # 张小明 was already funded for 2026
    assert [w.code for w in dialog.warnings] == ["student_funded"]
    assert dialog.rule_box.isVisibleTo(dialog) and not dialog.save_button.isEnabled()
    assert dialog.save() is None
    dialog.reason_edit.setText("复读后重新录取，委员会同意")
    assert dialog.save_button.isEnabled()
    payment_id = dialog.save()
    row = AidStore(ledger["db"]).get(payment_id)
    assert row["override_reason"] == "复读后重新录取，委员会同意" and "每次入学限资助一次" in row["rule_warnings"]
    _choose(view.stage_combo, "申请")
    index = view.model.row_of(payment_id)
    assert view.model.text(index, "rule") == RULE_MARK
    tip = view.model.index(index, view.model.column_index["rule"]).data(3)  # ToolTipRole
    assert "复读后重新录取" in tip
    again = AidDialog(empty_context, payment_id, view, today=TODAY)  # reopened: the kept reason is there
    assert again.reason_edit.text() == "复读后重新录取，委员会同意" and again.save_button.isEnabled()


def test_approve_then_pay_through_the_view(view, ledger, empty_context):
    payment_id = ledger["payments"]["applied"]
    _choose(view.stage_combo, "申请")
    assert view.select_payment(payment_id)
    assert view.approve_button.isEnabled() and not view.pay_button.isEnabled()
    dialog = view.stage_current("审核")
    assert isinstance(dialog, StageDialog) and not dialog.ok_button.isEnabled()  # the 审核人 is needed
    dialog.person_edit.setText("李主席")
    dialog.date_edit.setText("2026.11.1")
    dialog.accept()
    store = AidStore(ledger["db"])
    assert (store.get(payment_id)["stage"], store.get(payment_id)["approved_on"]) == ("审核", "2026-11-01")
    assert view.model.rowCount() == 0
    _choose(view.stage_combo, "审核")
    assert view.select_payment(payment_id) and view.pay_button.isEnabled()
    dialog = view.stage_current("发放")
    dialog.person_edit.setText("王会计")
    assert dialog.ok_button.isEnabled() and not dialog.new_warnings
    dialog.accept()
    row = store.get(payment_id)
    assert (row["stage"], row["paid_on"], row["paid_by"]) == ("发放", TODAY.isoformat(), "王会计")
    _choose(view.stage_combo, "发放")
    assert payment_id in view.model.ids()
    assert view.totals.payments == 6
    view.select_payment(payment_id)
    assert view.sign_selected() == 1 and store.get(payment_id)["signed"]
    dialog = view.stage_current("公示")
    dialog.accept()
    assert store.get(payment_id)["publicized_on"] == TODAY.isoformat()


def test_paying_a_closed_households_aid_asks_for_a_reason(ledger, empty_context, qtbot):
    store = AidStore(ledger["db"], today=TODAY)
    from gonghui_desk.hardship.aid import AidInput

    payment_id = store.apply(AidInput(file_id=ledger["files"]["李四旧"], aid_type="临时救助", cash_fen=10000,
                                      applied_on="2026-02-01"))
    store.approve(payment_id, "2026-02-02", "李主席")
    dialog = StageDialog(empty_context, payment_id, "发放", today=TODAY)  # closed on 2026-03-01
    qtbot.addWidget(dialog)
    assert dialog.new_warnings and not dialog.ok_button.isEnabled()
    dialog.date_edit.setText("2026-02-20")  # still 在档 then
    assert not dialog.new_warnings and dialog.ok_button.isEnabled()
    dialog.date_edit.setText("2026-04-01")
    dialog.rule_box.reason_edit.setText("脱困前已审批")
    dialog.accept()
    row = store.get(payment_id)
    assert row["stage"] == "发放" and "脱困前已审批" in row["override_reason"]


def test_signing_an_unpaid_payment_is_refused(view, ledger):
    _choose(view.stage_combo, "审核")
    view.select_payment(ledger["payments"]["approved"])
    assert view.sign_selected() == 0
    assert not AidStore(ledger["db"]).get(ledger["payments"]["approved"])["signed"]


def test_void_from_the_dialog(view, ledger, empty_context):
    payment_id = ledger["payments"]["approved"]
    dialog = view.open_payment(payment_id)
    void = dialog.void_payment()
    assert not void.ok_button.isEnabled()
    void.reason_edit.setText("重复登记")
    void.accept()
    assert AidStore(ledger["db"]).get(payment_id)["void_reason"] == "重复登记"
    view.period_combo.setCurrentText("全部日期")
    assert payment_id not in view.model.ids()


def test_export_and_print_what_is_shown(view, ledger, qtbot, tmp_path, monkeypatch):
    from gonghui_desk.ui import printing

    target = tmp_path / "帮扶"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    _choose(view.type_combo, "生活救助")
    dialog = view.start_export()
    dialog.prepared_by_edit.setText("刘会计")
    dialog.accept()
    qtbot.waitUntil(lambda: view.export_job is not None and not Job._running, timeout=10000)
    sheet = openpyxl.load_workbook(tmp_path / "帮扶.xlsx").active
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert "合计：发放 2 人次，涉及 1 户 1 人" in text and "刘会计" in text and "李四" not in text
    shown = []
    monkeypatch.setattr(printing, "print_preview", lambda parent, table: shown.append(table))
    view.start_print()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert shown[0].title == "帮扶台账" and len(shown[0].rows) == 2


def test_member_card_history_opens_aid_files_and_honours(ledger, empty_context, qtbot):
    from gonghui_desk.honours.store import HonourInput, HonourStore
    from gonghui_desk.ui.hardship_file_dialog import HardshipFileDialog
    from gonghui_desk.ui.honour_dialog import HonourDialog
    from gonghui_desk.ui.member_card import MemberCardDialog

    member_id = ledger["members"]["张三"]
    honour_id = HonourStore(ledger["db"], today=TODAY).save(
        HonourInput(member_id=member_id, title="先进个人", level="县区级", year=2025))
    card = MemberCardDialog(empty_context, member_id, today=TODAY)
    qtbot.addWidget(card)
    entries = card.history_model.rows()

    def open_entry(table: str, record_id: int):
        row = next(i for i, e in enumerate(entries) if e.table == table and e.record_id == record_id)
        card.history_table.doubleClicked.emit(card.history_model.index(row, 0))
        return card.record_dialog

    dialog = open_entry("aid_payments", ledger["payments"]["tuition"])
    assert isinstance(dialog, AidDialog) and dialog.payment_id == ledger["payments"]["tuition"]
    dialog.reject()
    dialog = open_entry("hardship_files", ledger["files"]["张三"])
    assert isinstance(dialog, HardshipFileDialog) and dialog.file_id == ledger["files"]["张三"]
    dialog.reject()
    dialog = open_entry("honours", honour_id)
    assert isinstance(dialog, HonourDialog) and dialog.honour_id == honour_id
    dialog.reject()
