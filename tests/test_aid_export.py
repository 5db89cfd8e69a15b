"""The aid ledger export (帮扶台账 .xlsx) and its printed table: rows, masking, and a totals block
whose figures are the ledger's own totals (户/人/人次, money by type and by source)."""

from __future__ import annotations

import openpyxl

from gonghui_desk.exporting.aid_ledger import AID_PRINT_COLUMNS, aid_totals_lines, export_aid_ledger
from gonghui_desk.hardship.aid_ledger import AidFilter, aid_totals
from gonghui_desk.money import yuan_text
from gonghui_desk.printing import aid_print_table
from tests.conftest import TODAY

YEAR = AidFilter(date_from="2026-01-01", date_to="2026-12-31")


def _cells(path) -> list[list]:
    sheet = openpyxl.load_workbook(path).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def _texts(rows) -> list[str]:
    return [str(row[0]) for row in rows if row and row[0] is not None]


def test_export_reads_back_with_the_ledger_totals(ledger, tmp_path):
    db = ledger["db"]
    path = tmp_path / "帮扶台账.xlsx"
    count = export_aid_ledger(db, path, YEAR, prepared_by="刘会计", today=TODAY)
    totals = aid_totals(db, YEAR)
    assert count == totals.payments == 5
    rows = _cells(path)
    header = rows.index(next(r for r in rows if r[0] == "序号"))
    data = rows[header + 1:header + 1 + count]
    assert [r[0] for r in data] == [1, 2, 3, 4, 5]
    labels = rows[header]
    assert sum(r[labels.index("帮扶金额(元)")] or 0 for r in data) * 100 == totals.cash_fen
    texts = _texts(rows[header + 1 + count:])
    assert f"合计：发放 {totals.payments} 人次，涉及 {totals.households} 户 {totals.persons} 人，" \
           f"金额 {yuan_text(totals.total_fen)} 元" in texts[0]
    by_type = next(t for t in texts if t.startswith("按帮扶类型："))
    for aid_type, (payments, households, money) in totals.by_type.items():
        assert f"{aid_type} {payments} 人次 {households} 户 {yuan_text(money)} 元" in by_type
    by_source = next(t for t in texts if t.startswith("按资金来源："))
    for source, money in totals.by_source.items():
        assert f"{source} {yuan_text(money)} 元" in by_source
    assert any("刘会计" in t for t in texts)


def test_pending_applications_are_noted_not_counted(ledger, tmp_path):
    db = ledger["db"]
    path = tmp_path / "all.xlsx"
    count = export_aid_ledger(db, path, AidFilter(), today=TODAY)
    totals = aid_totals(db, AidFilter())
    assert count == totals.payments + totals.pending == 8
    assert any(t.startswith("注：另有未发放") and f"{totals.pending} 条" in t for t in _texts(_cells(path)))


def test_student_id_is_masked_and_names_hidden_on_request(ledger, tmp_path):
    db = ledger["db"]
    plain, masked = tmp_path / "plain.xlsx", tmp_path / "masked.xlsx"
    export_aid_ledger(db, plain, YEAR, today=TODAY)
    export_aid_ledger(db, masked, YEAR, mask_personal=True, today=TODAY)
    plain_text = "\n".join(str(v) for row in _cells(plain) for v in row if v is not None)
    masked_text = "\n".join(str(v) for row in _cells(masked) for v in row if v is not None)
    assert "张小明" in plain_text and "110101********0019" in plain_text
    assert "110101200801010019" not in plain_text + masked_text
    assert "张小明" not in masked_text and "张某" in masked_text


def test_print_table_has_the_export_totals(ledger):
    db = ledger["db"]
    table = aid_print_table(db, YEAR, prepared_by="刘会计", today=TODAY)
    assert table.title == "帮扶台账" and table.landscape
    assert len(table.rows) == 5 and len(table.columns) == len(AID_PRINT_COLUMNS)
    assert table.total_lines == aid_totals_lines(aid_totals(db, YEAR))
    assert "刘会计" in table.footer_line
