"""The change log made readable (gonghui_desk.change_history) and exported (gonghui_desk.exporting.change_log):
Chinese labels per table, money in 元, 是/否, names instead of ids, masked numbers unless asked; a record's
history newest first; the whole log a page at a time with its filters; the .xlsx read back cell by cell."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from gonghui_desk import change_history as ch
from gonghui_desk.care.occasions import find_occasion
from gonghui_desk.care.visits import VisitInput, VisitStore
from gonghui_desk.exporting.change_log import (LOG_COLUMNS, RECORD_COLUMNS, default_file_name, export_change_log,
                                               export_record_history)
from gonghui_desk.union import UnionProfile, add_sub_unit, save_profile
from tests.conftest import TODAY, VALID_IDS


@pytest.fixture
def member(db, store):
    save_profile(db, UnionProfile(name="测试中学工会委员会", kind="学校"))
    unit = add_sub_unit(db, "语文组")
    member_id = store.create({"name": "张三", "id_number": VALID_IDS["man_1985"], "phone": "13800000000",
                              "sub_unit_id": unit, "join_date": "2010-01-01"}, today=TODAY)
    other_unit = add_sub_unit(db, "数学组")
    store.update(member_id, {"phone": "13911111111", "sub_unit_id": other_unit, "is_migrant_worker": True,
                             "notes": "=HYPERLINK(\"http://x\")"}, today=TODAY)
    store.change_status(member_id, "退休", "2026-06-30")
    store.void(member_id, "重复录入")
    store.restore(member_id)
    return member_id


def test_a_members_history_newest_first_in_words(db, member):
    entries = ch.record_history(db, "members", member)

    assert [e.action for e in entries] == ["restore", "void", "status", "update", "insert"]
    assert [e.action_label for e in entries] == ["恢复", "作废", "状态变更", "修改", "新增"]
    assert all(e.table_label == "会员" and e.description == "张三 男 1985-03-07 数学组 退休" for e in entries)
    restore, void, status, update, insert = entries
    assert restore.summary() == "恢复（原作废原因：重复录入）"
    assert void.summary() == "作废原因：重复录入"
    assert status.summary() == "状态：在册 → 退休；状态日期：2010-01-01 → 2026-06-30"
    assert update.summary() == ("手机号：138****0000 → 139****1111；部门/工会小组：语文组 → 数学组；"
                                "是否农民工：否 → 是；备注：（空） → =HYPERLINK(\"http://x\")")
    assert insert.summary().startswith("姓名：张三；性别：男；身份证号：110101********0013；出生日期：1985-03-07；"
                                       "手机号：138****0000；部门/工会小组：语文组；入会日期：2010-01-01")
    assert "是否农民工" not in insert.summary()  # a 否 that was never set says nothing
    assert update.time_text[:10] == dt.date.today().isoformat() and "T" not in update.time_text


def test_full_numbers_only_when_asked(db, member):
    update = ch.record_history(db, "members", member, full_numbers=True)[3]
    assert update.summary().startswith("手机号：13800000000 → 13911111111；")
    insert = ch.record_history(db, "members", member, full_numbers=True)[-1]
    assert f"身份证号：{VALID_IDS['man_1985']}" in insert.summary()


def test_visits_money_booleans_and_references(db, store):
    member_id = store.create({"name": "李四"}, today=TODAY)
    visits = VisitStore(db, today=TODAY)
    ill, wedding = find_occasion(db, "生病住院").id, find_occasion(db, "结婚").id
    visit_id = visits.save(VisitInput(member_id=member_id, occasion_id=ill, visit_date="2026-01-20", cash_fen=50000,
                                      illness="肺炎", payment_form="现金"), override_reason="测试")
    visits.save(VisitInput(member_id=member_id, occasion_id=wedding, visit_date="2026-01-21", cash_fen=123456,
                           payment_form="现金"), visit_id=visit_id, override_reason="测试")
    visits.set_signed([visit_id])

    signed, changed, inserted = ch.record_history(db, "visits", visit_id)

    assert signed.summary() == "已签收：否 → 是"
    assert changed.summary(limit=None).startswith("慰问类别：生病住院 → 结婚；走访日期：2026-01-20 → 2026-01-21；"
                                                  "慰问金：500元 → 1,234.56元；疾病：肺炎 → （空）")
    assert inserted.summary().startswith("会员：李四；慰问对象：本人；慰问类别：生病住院；走访日期：2026-01-20；慰问金：500元")
    # every entry names the record as it is now
    assert {e.description for e in (signed, changed, inserted)} == {"李四 2026-01-21 结婚慰问 1,234.56元"}
    assert ch.format_value("hardship_files", "monthly_income_fen", 180050) == "1,800.50元"
    assert ch.format_value("members", "female_retirement_age", 55) == "55岁"
    assert ch.format_value("hardship_files", "bank_account", "6222020200001234") == "**** **** **** 1234"
    assert ch.format_value("proposal_handlings", "co_departments", '["总务处", "工会"]') == "总务处、工会"
    assert ch.format_value("report_drafts", "document_json", "{}") == "（内容较长，略）"
    assert ch.format_value("value_lists", "list_key", "hardship.category") == "困难类别"
    assert ch.field_label("hardship_files", "monthly_income_fen") == "本人月收入"
    assert ch.field_label("proposals", "review") == "审查结果" and ch.field_label("events", "voided_at") == "作废时间"


def test_rows_the_privacy_module_writes_read_as_sentences(db, member):
    with db.conn:
        db.conn.execute("INSERT INTO change_log(changed_at, table_name, record_id, action, old_values, new_values) "
                        "VALUES ('2026-11-22T09:00:00', 'members', '*', 'unmask', NULL, ?)",
                        [json.dumps({"output": "导出会员花名册", "fields": ["身份证号", "手机号"], "count": 120,
                                     "file": "/tmp/名册.xlsx"}, ensure_ascii=False)])
        db.conn.execute("INSERT INTO change_log(changed_at, table_name, record_id, action, old_values, new_values) "
                        "VALUES ('2026-11-22T09:01:00', 'app_settings', 'password', 'password', NULL, ?)",
                        [json.dumps({"event": "set", "text": "设置了打开程序的密码"}, ensure_ascii=False)])

    password, unmask = ch.log_page(db, limit=2)

    assert (password.action_label, password.description, password.summary()) == ("密码", "打开程序的密码",
                                                                                  "设置了打开程序的密码")
    assert unmask.action_label == "显示完整号码" and unmask.description == "导出会员花名册"
    assert unmask.summary() == "导出会员花名册：显示了完整的身份证号、手机号（120 条记录）；文件：/tmp/名册.xlsx"
    assert ch.count_log(db, ch.LogFilter(action="unmask")) == 1


# --- the whole log -----------------------------------------------------------------------------------------------
@pytest.fixture
def demo(school_demo_file, tmp_path):
    import shutil

    from gonghui_desk.db import open_database

    path = tmp_path / "demo.sqlite3"
    shutil.copy(school_demo_file, path)
    database = open_database(path)
    yield database
    database.conn.close()


def test_the_log_pages_newest_first_without_gaps_or_overlaps(demo):
    total = ch.count_log(demo)
    assert total > 1000
    seen, before = [], None
    while True:
        page = ch.log_page(demo, before_id=before, limit=300)
        seen += [e.id for e in page]
        if len(page) < 300:
            break
        before = page[-1].id
    assert len(seen) == total == len(set(seen)) and seen == sorted(seen, reverse=True)
    assert [e.id for e in ch.iter_log(demo, batch=250)] == seen
    assert all(e.table_label != e.table or e.table not in ch.TABLE_LABELS for e in ch.log_page(demo, limit=50))


def test_the_log_filters(demo):
    with demo.conn:  # a few changes on known days
        demo.conn.execute("UPDATE change_log SET changed_at = '2025-03-0' || (id % 9 + 1) || 'T10:00:00' "
                          "WHERE id % 10 = 0")
    march = ch.LogFilter(date_from="2025-03-02", date_to="2025-03-04")
    entries = list(ch.iter_log(demo, march))
    assert entries and {e.changed_at[:10] for e in entries} == {"2025-03-02", "2025-03-03", "2025-03-04"}
    assert ch.count_log(demo, march) == len(entries)
    assert march.describe() == "时间：2025-03-02 至 2025-03-04"

    visits = ch.LogFilter(tables=("visits",), action="insert")
    assert {(e.table, e.action) for e in ch.log_page(demo, visits)} == {("visits", "insert")}
    assert ch.count_log(demo, visits) == demo.execute("SELECT count(*) FROM visits").fetchone()[0]

    name, member_id = demo.execute("SELECT name, id FROM members WHERE id IN (SELECT member_id FROM visits) "
                                   "ORDER BY id LIMIT 1").fetchone()
    about = list(ch.iter_log(demo, ch.LogFilter(search=name)))
    tables = {e.table for e in about}
    assert {"members", "visits"} <= tables  # the member's own rows, and the records pointing to the member
    visit_ids = {str(r[0]) for r in demo.execute("SELECT id FROM visits WHERE member_id = ?", [member_id])}
    assert visit_ids <= {e.record_id for e in about if e.table == "visits"}
    assert ch.count_log(demo, ch.LogFilter(search="100%_不存在")) == 0
    one = ch.LogFilter(record=("members", str(member_id)))
    assert [e.id for e in ch.iter_log(demo, one)] == [e.id for e in ch.record_history(demo, "members", member_id)]
    assert ch.LogFilter(tables=("members",), action="void", search=" 张 ").describe() == \
        "时间：全部时间；种类：会员；操作：作废；关键词：张"
    assert ch.logged_tables(demo)[:4] == ["union_profile", "staff_counts", "sub_units", "members"]


# --- the export ----------------------------------------------------------------------------------------------
def rows_of(path) -> tuple[list[list], object]:
    sheet = openpyxl.load_workbook(path).active
    return [[c.value for c in row] for row in sheet.iter_rows()], sheet


def test_a_records_history_exported(db, member, tmp_path):
    path = tmp_path / "修改记录.xlsx"

    count = export_record_history(db, path, "members", member, prepared_by="刘干事", today=TODAY)

    rows, sheet = rows_of(path)
    assert count == 5
    assert rows[0][0] == "修改记录" and rows[0][1:] == [None] * 3
    assert rows[1][0] == (f"会员：张三 男 1985-03-07 数学组 退休；期间：{dt.date.today().isoformat()}；"
                          "身份证号、手机号、银行卡号已隐去部分数字")
    assert rows[2][0] == "工会名称：测试中学工会委员会" and rows[2][-1] == "制表日期：2026-11-22"
    assert rows[3] == [c.label for c in RECORD_COLUMNS] == ["序号", "时间", "操作", "改动"]
    assert [r[0] for r in rows[4:9]] == [1, 2, 3, 4, 5]
    assert [r[2] for r in rows[4:9]] == ["恢复", "作废", "状态变更", "修改", "新增"]
    update = rows[7][3]
    assert update.startswith("手机号：138****0000 → 139****1111；") and "13911111111" not in str(rows)
    assert update.endswith("备注：（空） → =HYPERLINK(\"http://x\")")
    cell = sheet.cell(row=8, column=4)
    assert cell.data_type == "s"  # text, never a formula (the whole line does not start with "=" here)
    assert any(r[0] == "合计：共 5 条" for r in rows) and any("刘干事" in str(r[0]) for r in rows)
    assert sheet.merged_cells.ranges and "A1:D1" in {str(r) for r in sheet.merged_cells.ranges}


def test_a_text_starting_with_an_equals_sign_stays_text(db, store, tmp_path):
    member_id = store.create({"name": "=SUM(A1)"}, today=TODAY)
    store.void(member_id, "=1+1")
    path = tmp_path / "log.xlsx"

    export_change_log(db, path, ch.LogFilter(action="void"), today=TODAY)

    rows, sheet = rows_of(path)
    assert rows[4][2:] == ["会员", "=SUM(A1) 在册", "作废", "作废原因：=1+1"]
    cell = sheet.cell(row=5, column=4)
    assert cell.data_type == "s" and cell.quotePrefix  # shown as typed, never run as a formula
    store.restore(member_id)
    export_record_history(db, path, "members", member_id, today=TODAY)
    rows, sheet = rows_of(path)
    assert rows[1][0].startswith("会员：=SUM(A1) 在册；") and rows[4][3] == "恢复（原作废原因：=1+1）"


def test_the_filtered_log_exported_with_full_numbers_and_progress(db, member, tmp_path):
    path = tmp_path / "log.xlsx"
    progress = []

    count = export_change_log(db, path, ch.LogFilter(tables=("members",)), full_numbers=True, today=TODAY,
                              progress=lambda done, total, text="": progress.append((done, total)))

    rows, _ = rows_of(path)
    assert count == 5 and progress and progress[-1] == (5, 5)
    assert rows[1][0] == "时间：全部时间；种类：会员；含完整的身份证号、手机号、银行卡号，请妥善保管"
    assert rows[3] == [c.label for c in LOG_COLUMNS] == ["序号", "时间", "种类", "记录", "操作", "改动"]
    assert rows[7][5].startswith("手机号：13800000000 → 13911111111；")
    assert [r[4] for r in rows[4:9]] == ["恢复", "作废", "状态变更", "修改", "新增"]


def test_the_export_of_a_large_log_can_be_cancelled_and_leaves_no_file(demo, tmp_path):
    from gonghui_desk.errors import Cancelled

    path = tmp_path / "log.xlsx"
    calls = []

    def cancel_after_a_while():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(Cancelled):
        export_change_log(demo, path, is_cancelled=cancel_after_a_while)
    assert not path.exists() and not list(tmp_path.glob("*.part"))


def test_default_file_names():
    assert default_file_name(dt.date(2026, 1, 2)) == "修改记录-20260102.xlsx"
    assert default_file_name(dt.date(2026, 1, 2), "张三/李四: 名单") == "修改记录-张三李四名单-20260102.xlsx"
