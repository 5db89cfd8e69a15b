"""The recycle bin (回收站, gonghui_desk.recycle_bin): every kind of voided record is listed after it is voided
through its own module, and comes back, live and logged as 'restore', when restored; what cannot come back is
refused with the reason; what was voided together comes back together; the list pages and filters in SQL."""

from __future__ import annotations

import shutil

import pytest

from gonghui_desk import recycle_bin as rb
from gonghui_desk.db import open_database
from gonghui_desk.errors import UserError
from gonghui_desk.members import MemberStore
from tests.conftest import TODAY, VALID_IDS


@pytest.fixture
def demo(school_demo_file, tmp_path):
    """A fresh copy of the school demo: every module's records, none voided."""
    path = tmp_path / "demo.sqlite3"
    shutil.copy(school_demo_file, path)
    database = open_database(path)
    yield database
    database.conn.close()


def one(db, sql: str, params=()) -> int:
    row = db.execute(sql, params).fetchone()
    assert row is not None, sql
    return row[0]


def last_action(db, table: str, record_id: int) -> str:
    return one(db, "SELECT action FROM change_log WHERE table_name = ? AND record_id = ? ORDER BY id DESC LIMIT 1",
               [table, str(record_id)])


def is_voided(db, table: str, record_id: int) -> bool:
    return one(db, f"SELECT voided_at IS NOT NULL FROM {table} WHERE id = ?", [record_id]) == 1


# --- voiding each kind through its own module --------------------------------------------------------------------
def void_member(db):
    member_id = one(db, "SELECT id FROM members WHERE status = '在册' ORDER BY id LIMIT 1")
    MemberStore(db).void(member_id, "重复录入")
    return member_id


def void_campaign(db):
    from gonghui_desk.care.campaigns import void_campaign as void

    campaign_id = one(db, "SELECT campaign_id FROM visits WHERE campaign_id IS NOT NULL GROUP BY campaign_id "
                          "ORDER BY count(*) DESC LIMIT 1")
    void(db, campaign_id, "批次建错")
    return campaign_id


def void_visit(db):
    from gonghui_desk.care.visits import VisitStore

    visit_id = one(db, "SELECT id FROM visits WHERE campaign_id IS NULL ORDER BY id LIMIT 1")
    VisitStore(db, today=TODAY).void(visit_id, "金额录错")
    return visit_id


def void_hardship_file(db):
    from gonghui_desk.hardship.files import HardshipFileStore

    file_id = one(db, "SELECT id FROM hardship_files ORDER BY id LIMIT 1")
    HardshipFileStore(db, today=TODAY).void_file(file_id, "建错了档案")
    return file_id


def void_review(db):
    from gonghui_desk.hardship.files import HardshipFileStore

    review_id = one(db, "SELECT id FROM hardship_reviews ORDER BY id LIMIT 1")
    HardshipFileStore(db, today=TODAY).void_review(review_id)
    return review_id


def void_aid(db):
    from gonghui_desk.hardship.aid import AidStore

    payment_id = one(db, "SELECT id FROM aid_payments ORDER BY id LIMIT 1")
    AidStore(db, today=TODAY).void(payment_id, "重复发放")
    return payment_id


def void_event(db):
    from gonghui_desk.events.store import EventStore

    event_id = one(db, "SELECT id FROM events ORDER BY id LIMIT 1")
    EventStore(db, TODAY).void(event_id, "活动未举办")
    return event_id


def void_item(db):
    from gonghui_desk.events.store import EventStore

    item_id = one(db, """SELECT i.id FROM event_items i WHERE NOT EXISTS (
                             SELECT 1 FROM event_results r JOIN event_participants p ON p.id = r.participant_id
                             WHERE p.item_id = i.id) ORDER BY i.id LIMIT 1""")
    EventStore(db, TODAY).void_item(item_id, "项目取消")
    return item_id


def void_team(db):
    from gonghui_desk.events.store import EventStore

    team_id = one(db, "SELECT id FROM event_teams ORDER BY id LIMIT 1")
    EventStore(db, TODAY).void_team(team_id, "队伍重复")
    return team_id


def void_entry(db):
    from gonghui_desk.events.store import EventStore

    entry_id = one(db, "SELECT id FROM event_participants WHERE member_id IS NOT NULL ORDER BY id LIMIT 1")
    EventStore(db, TODAY).void_entry(entry_id, "报错了人")
    return entry_id


def void_result(db):
    from gonghui_desk.events.store import EventStore

    result_id = one(db, "SELECT id FROM event_results ORDER BY id LIMIT 1")
    EventStore(db, TODAY).void_result(result_id, "名次录错")
    return result_id


def void_honour(db):
    from gonghui_desk.honours.store import HonourStore

    honour_id = one(db, "SELECT id FROM honours ORDER BY id LIMIT 1")
    HonourStore(db, TODAY).void(honour_id, "重复登记")
    return honour_id


def new_term(db) -> int:
    from gonghui_desk.congress.store import CongressStore, TermInput

    return CongressStore(db, TODAY).create_term(TermInput(number=9, started_on="2026-10-01"))


def void_term(db):
    from gonghui_desk.congress.store import CongressStore

    store = CongressStore(db, TODAY)
    term_id = new_term(db)
    store.add_delegation(term_id, "第一代表团")
    store.add_delegates(term_id, [one(db, "SELECT id FROM members WHERE status = '在册' ORDER BY id LIMIT 1")])
    store.void_term(term_id, "届次录错")
    return term_id


def void_session(db):
    from gonghui_desk.congress.store import CongressStore, SessionInput

    store = CongressStore(db, TODAY)
    session_id = store.create_session(SessionInput(term_id=new_term(db), number=1, held_on="2026-10-20"))
    store.void_session(session_id, "会议录错")
    return session_id


def void_delegation(db):
    from gonghui_desk.congress.store import CongressStore

    delegation_id = one(db, "SELECT id FROM congress_delegations ORDER BY id LIMIT 1")
    CongressStore(db, TODAY).void_delegation(delegation_id)
    return delegation_id


def void_delegate(db):
    from gonghui_desk.congress.store import CongressStore

    delegate_id = one(db, "SELECT id FROM congress_delegates ORDER BY id LIMIT 1")
    CongressStore(db, TODAY).void_delegate(delegate_id, "不是代表")
    return delegate_id


def void_proposal(db):
    from gonghui_desk.congress.proposals import ProposalStore

    proposal_id = one(db, """SELECT p.id FROM proposals p WHERE p.merged_into_id IS NULL AND p.split_from_id IS NULL
                               AND NOT EXISTS (SELECT 1 FROM proposals o WHERE o.merged_into_id = p.id
                                               OR o.split_from_id = p.id) ORDER BY p.id LIMIT 1""")
    ProposalStore(db, TODAY).void(proposal_id, "重复提交")
    return proposal_id


def void_handling(db):
    from gonghui_desk.congress.proposals import ProposalStore

    handling_id = one(db, """SELECT h.id FROM proposal_handlings h WHERE h.round = (
                                 SELECT max(round) FROM proposal_handlings WHERE proposal_id = h.proposal_id)
                             ORDER BY h.id LIMIT 1""")
    ProposalStore(db, TODAY).void_handling(handling_id, "交办错了部门")
    return handling_id


def void_draft(db):
    from gonghui_desk.documents import Document
    from gonghui_desk.reports.drafts import save_draft, void_draft as void
    from gonghui_desk.reports.model import ReportRequest
    from gonghui_desk.reports.periods import half_period

    draft_id = save_draft(db, ReportRequest("half", half_period(2026, 1)), Document("半年总结"), "上半年草稿", stats={})
    void(db, draft_id, "不要了")
    return draft_id


def void_mapping(db):
    from gonghui_desk.form_fill.mappings import SavedMapping, save_mapping, void_mapping as void

    saved = save_mapping(db, SavedMapping("会员信息采集表", "roster", headers={1: "姓名"}, columns={1: "name"}))
    void(db, saved.name)
    return saved.id


def void_occasion(db):
    from gonghui_desk.care.occasions import find_occasion, void_occasion as void

    occasion_id = find_occasion(db, "夏季高温").id
    void(db, occasion_id)
    return occasion_id


def void_value(db):
    from gonghui_desk.value_lists import retire_value

    value_id = one(db, "SELECT id FROM value_lists WHERE list_key = 'hardship.category' AND value = '意外致困户'")
    retire_value(db, "hardship.category", "意外致困户")
    return value_id


def void_sub_unit(db):
    from gonghui_desk.union import add_sub_unit, void_sub_unit as void

    unit_id = add_sub_unit(db, "临时小组", kind="工会小组")
    void(db, unit_id)
    return unit_id


def void_committee_member(db):
    from gonghui_desk.union import remove_committee_member

    row_id = one(db, "SELECT id FROM committee_members ORDER BY id LIMIT 1")
    remove_committee_member(db, row_id)
    return row_id


VOIDERS = {
    "members": void_member, "campaigns": void_campaign, "visits": void_visit, "hardship_files": void_hardship_file,
    "hardship_reviews": void_review, "aid_payments": void_aid, "events": void_event, "event_items": void_item,
    "event_teams": void_team, "event_participants": void_entry, "event_results": void_result,
    "honours": void_honour, "congress_terms": void_term, "congress_sessions": void_session,
    "congress_delegations": void_delegation, "congress_delegates": void_delegate, "proposals": void_proposal,
    "proposal_handlings": void_handling, "report_drafts": void_draft, "form_mappings": void_mapping,
    "care_occasions": void_occasion, "value_lists": void_value, "sub_units": void_sub_unit,
    "committee_members": void_committee_member,
}


def test_every_kind_has_a_way_to_be_voided_in_these_tests():
    assert set(VOIDERS) == set(rb.KIND_BY_KEY)
    assert len({k.label for k in rb.KINDS}) == len(rb.KINDS)  # the kind filter tells them apart


@pytest.mark.parametrize("kind", list(VOIDERS))
def test_each_kind_voided_through_its_store_is_in_the_bin_and_comes_back(demo, kind):
    assert rb.voided_count(demo) == 0
    record_id = VOIDERS[kind](demo)
    key = (kind, record_id)

    assert key in rb.voided_keys(demo)
    listed = rb.voided_records(demo, rb.BinFilter(kind=kind))
    record = next(r for r in listed if r.key == key)
    assert record.kind_label == rb.KIND_BY_KEY[kind].label and record.description.strip()
    assert record.voided_at.startswith(str(TODAY.year)[:2])  # an ISO time
    assert rb.records_for_keys(demo, [key])[key] == record

    result = rb.restore(demo, kind, record_id)

    assert key not in rb.voided_keys(demo)
    assert not is_voided(demo, kind, record_id)
    assert last_action(demo, kind, record_id) == "restore"
    assert result.description == record.description and result.text().startswith(f"已恢复{record.kind_label}“")
    assert result.areas  # the GUI knows what to refresh
    if rb.KIND_BY_KEY[kind].has_reason:
        assert one(demo, f"SELECT void_reason IS NULL FROM {kind} WHERE id = ?", [record_id]) == 1
    with pytest.raises(UserError, match="没有作废，无需恢复"):
        rb.restore(demo, kind, record_id)


# --- descriptions ----------------------------------------------------------------------------------------------------
def test_descriptions_read_as_a_line_of_the_ledger(db, store):
    from gonghui_desk.care.occasions import find_occasion
    from gonghui_desk.care.visits import VisitInput, VisitStore

    member_id = store.create({"name": "张三", "id_number": VALID_IDS["man_1985"], "join_date": "2010-01-01"},
                             today=TODAY)
    visits = VisitStore(db, today=TODAY)
    visit_id = visits.save(VisitInput(member_id=member_id, occasion_id=find_occasion(db, "生病住院").id,
                                      event_date="2026-01-18", visit_date="2026-01-20", cash_fen=50000, illness="肺炎",
                                      payment_form="现金"), override_reason="测试")
    relative = visits.save(VisitInput(member_id=member_id, occasion_id=find_occasion(db, "直系亲属去世").id,
                                      recipient_relation="父母", recipient_name="张老汉", visit_date="2026-02-03",
                                      cash_fen=123456, payment_form="现金"), override_reason="测试")
    visits.void(visit_id, "录重了")
    visits.void(relative, "录重了")
    store.void(member_id, "重复录入")

    texts = {r.kind: r.description for r in rb.voided_records(db) if r.kind == "members"}
    assert texts == {"members": "张三 男 1985-03-07 在册"}
    assert rb.describe(db, "visits", visit_id) == "张三 2026-01-20 生病住院慰问 500元"
    assert rb.describe(db, "visits", relative) == "张三（父母 张老汉） 2026-02-03 直系亲属去世慰问 1,234.56元"
    assert rb.describe(db, "visits", 99999) == ""
    assert rb.describe_records(db, "member_status_changes", [1]) == {}  # not a kind of the bin


# --- refusals --------------------------------------------------------------------------------------------------------
def test_a_member_whose_id_number_is_now_used_by_another_member_is_refused(db, store):
    first = store.create({"name": "张三", "id_number": VALID_IDS["man_1985"]}, today=TODAY)
    store.void(first, "录错了身份证号")
    second = store.create({"name": "张山", "id_number": VALID_IDS["man_1985"]}, today=TODAY)

    with pytest.raises(UserError) as refused:
        rb.restore(db, "members", first)
    assert str(refused.value) == "不能恢复会员“张三 男 1985-03-07 在册”：身份证号已被会员“张山”使用"
    assert is_voided(db, "members", first) and ("members", first) in rb.voided_keys(db)

    store.void(second, "重复")
    assert rb.restore(db, "members", first).record_id == first


def test_a_child_of_a_voided_record_asks_for_its_parent_first(demo):
    from gonghui_desk.care.visits import VisitStore
    from gonghui_desk.events.store import EventStore

    visit_id = one(demo, "SELECT id FROM visits WHERE campaign_id IS NULL ORDER BY id LIMIT 1")
    member_id = one(demo, "SELECT member_id FROM visits WHERE id = ?", [visit_id])
    name = one(demo, "SELECT name FROM members WHERE id = ?", [member_id])
    VisitStore(demo, today=TODAY).void(visit_id, "录错")
    MemberStore(demo).void(member_id, "重复录入")

    with pytest.raises(UserError) as refused:
        rb.restore(demo, "visits", visit_id)
    message = str(refused.value)
    assert message.startswith("不能恢复慰问记录“") and f"它所属的会员“{name} " in message
    assert message.endswith("已作废，请先恢复该会员。")

    result_id = one(demo, "SELECT id FROM event_results ORDER BY id LIMIT 1")
    event_id = one(demo, "SELECT event_id FROM event_results WHERE id = ?", [result_id])
    events = EventStore(demo, TODAY)
    events.void_result(result_id, "录错")
    events.void(event_id, "活动录重了")
    with pytest.raises(UserError, match="它所属的活动“.*”已作废，请先恢复该活动。"):
        rb.restore(demo, "event_results", result_id)

    # restored together, parents first, whatever order they are given in
    outcome = rb.restore_many(demo, [("event_results", result_id), ("visits", visit_id), ("events", event_id),
                                     ("members", member_id)])
    assert not outcome.refused
    assert [r.kind for r in outcome.restored] == ["members", "visits", "events", "event_results"]
    assert not any(is_voided(demo, t, i) for t, i in (("visits", visit_id), ("members", member_id),
                                                        ("events", event_id), ("event_results", result_id)))
    assert {"members", "visits", "events"} <= outcome.areas


def test_a_name_or_number_taken_by_a_live_record_is_refused(demo):
    from gonghui_desk.care.occasions import Occasion, find_occasion, save_occasion, void_occasion

    occasion_id = find_occasion(demo, "夏季高温").id
    void_occasion(demo, occasion_id)
    save_occasion(demo, Occasion(id=None, name="夏季高温", standard_fen=20000))

    with pytest.raises(UserError) as refused:
        rb.restore(demo, "care_occasions", occasion_id)
    assert str(refused.value) == ("不能恢复慰问类别“夏季高温”：已有一条相同的慰问类别“夏季高温”（未作废）。"
                                  "如确需恢复，请先修改或作废现有的那条。")


def test_a_second_live_hardship_file_of_a_household_is_refused(demo):
    from gonghui_desk.hardship.files import FileInput, HardshipFileStore

    store = HardshipFileStore(demo, today=TODAY)
    file_id = one(demo, "SELECT id FROM hardship_files WHERE status = '在档' ORDER BY id LIMIT 1")
    member_id = one(demo, "SELECT member_id FROM hardship_files WHERE id = ?", [file_id])
    store.void_file(file_id, "建错了")
    store.open_file(FileInput(member_id=member_id, category="困难", main_cause="因病", opened_on="2026-10-01"),
                    override_reason="测试")

    with pytest.raises(UserError, match="^不能恢复困难职工档案“.*”：.*已有一份在档的困难职工档案.*一户只能有一份有效档案"):
        rb.restore(demo, "hardship_files", file_id)


def test_restore_many_restores_what_it_can_and_lists_the_refusals(db, store):
    first = store.create({"name": "张三", "id_number": VALID_IDS["man_1985"]}, today=TODAY)
    other = store.create({"name": "李四"}, today=TODAY)
    store.void(first, "录错")
    store.void(other, "重复")
    store.create({"name": "张山", "id_number": VALID_IDS["man_1985"]}, today=TODAY)

    outcome = rb.restore_many(db, [("members", first), ("members", other), ("nothing", 1)])

    assert [r.record_id for r in outcome.restored] == [other]
    assert [(key, message) for key, _, message in outcome.refused] == [
        (("nothing", 1), "回收站没有“nothing”这类记录"),
        (("members", first), "不能恢复会员“张三 男 1985-03-07 在册”：身份证号已被会员“张山”使用")]
    assert outcome.restored_count == 1


# --- what was voided together comes back together --------------------------------------------------------------
def test_a_campaign_comes_back_with_the_visits_voided_with_it(demo):
    from gonghui_desk.care.visits import VisitStore

    campaign_id = one(demo, "SELECT campaign_id FROM visits WHERE campaign_id IS NOT NULL GROUP BY campaign_id "
                            "HAVING count(*) >= 3 ORDER BY campaign_id LIMIT 1")
    visit_ids = [r[0] for r in demo.execute("SELECT id FROM visits WHERE campaign_id = ? ORDER BY id", [campaign_id])]
    VisitStore(demo, today=TODAY).void(visit_ids[0], "此人当天未领取")  # voided on its own before
    from gonghui_desk.care.campaigns import void_campaign

    void_campaign(demo, campaign_id, "批次建错")
    assert len(rb.voided_keys(demo, rb.BinFilter(kind="visits"))) == len(visit_ids)

    result = rb.restore(demo, "campaigns", campaign_id)

    assert result.also == {"visits": len(visit_ids) - 1}
    assert result.text().endswith(f"，同时恢复 {len(visit_ids) - 1} 条慰问记录")
    assert rb.voided_keys(demo) == [("visits", visit_ids[0])]  # voided for its own reason: stays
    assert all(last_action(demo, "visits", v) == "restore" for v in visit_ids[1:])


def test_a_team_comes_back_with_its_entries_and_results_and_a_term_with_its_delegates(demo):
    team_id = void_team(demo)
    entries = [r[0] for r in demo.execute("SELECT id FROM event_participants WHERE team_id = ?", [team_id])]
    results = [r[0] for r in demo.execute("SELECT id FROM event_results WHERE participant_id IN (SELECT id FROM "
                                          "event_participants WHERE team_id = ?)", [team_id])]
    assert entries and all(is_voided(demo, "event_participants", e) for e in entries)

    result = rb.restore(demo, "event_teams", team_id)

    assert result.also == {"event_participants": len(entries), **({"event_results": len(results)} if results else {})}
    assert not any(is_voided(demo, "event_participants", e) for e in entries)
    assert not any(is_voided(demo, "event_results", r) for r in results)

    term_id = void_term(demo)
    assert {k for k, _ in rb.voided_keys(demo)} == {"congress_terms", "congress_delegations", "congress_delegates"}
    assert rb.restore(demo, "congress_terms", term_id).also == {"congress_delegations": 1, "congress_delegates": 1}
    assert rb.voided_count(demo) == 0


def test_restoring_a_model_workers_honour_brings_back_the_members_type(db, store):
    from gonghui_desk.honours.store import HonourInput, HonourStore

    member_id = store.create({"name": "王五"}, today=TODAY)
    honours = HonourStore(db, TODAY)
    honour_id = honours.save(HonourInput(recipient_kind="个人", member_id=member_id, title="市劳动模范", level="市级",
                                         year=2025))
    assert store.get(member_id)["model_worker_type"] == "市级劳模"
    honours.void(honour_id, "重复登记")
    assert store.get(member_id)["model_worker_type"] == ""

    rb.restore(db, "honours", honour_id)

    assert store.get(member_id)["model_worker_type"] == "市级劳模"


# --- the list: paging, order, filters -------------------------------------------------------------------------
def test_many_voided_records_page_in_order_and_filter_in_sql(demo):
    visit_ids = [r[0] for r in demo.execute("SELECT id FROM visits ORDER BY id")]
    with demo.conn:
        # voided one a minute apart, newest last, as if over a few days
        demo.conn.executemany("UPDATE visits SET voided_at = strftime('%Y-%m-%dT%H:%M:%S', '2026-01-01', ?), "
                              "void_reason = ? WHERE id = ?",
                              [(f"+{n} minutes", "批量录错" if n % 2 else "重复", i) for n, i in enumerate(visit_ids)])
    void_member(demo)
    total = len(visit_ids) + 1

    assert rb.voided_count(demo) == total
    keys = rb.voided_keys(demo)
    assert len(keys) == total and keys[0][0] == "members" and keys[1] == ("visits", visit_ids[-1])
    assert keys[-1] == ("visits", visit_ids[0])
    pages = [rb.voided_records(demo, limit=100, offset=offset) for offset in range(0, total, 100)]
    assert [len(p) for p in pages] == [100] * (total // 100) + [total % 100]
    flat = [r for page in pages for r in page]
    assert [r.key for r in flat] == keys
    assert all(a.voided_at >= b.voided_at for a, b in zip(flat, flat[1:]))
    assert rb.records_for_keys(demo, keys[100:300]) == {r.key: r for r in flat[100:300]}

    only_visits = rb.BinFilter(kind="visits")
    assert rb.voided_count(demo, only_visits) == len(visit_ids)
    assert rb.voided_count(demo, rb.BinFilter(search="批量录错")) == len(visit_ids) // 2
    name = one(demo, "SELECT m.name FROM visits v JOIN members m ON m.id = v.member_id WHERE v.id = ?", [visit_ids[0]])
    by_name = rb.voided_records(demo, rb.BinFilter(kind="visits", search=f"{name} 生日"))
    assert by_name and all(name in r.description and "生日" in r.description for r in by_name)
    assert rb.voided_count(demo, rb.BinFilter(search="100%_")) == 0  # LIKE's wildcards are plain text here
    with pytest.raises(UserError, match="回收站没有“nothing”这类记录"):
        rb.voided_keys(demo, rb.BinFilter(kind="nothing"))


def test_the_printed_list(demo):
    void_visit(demo)
    void_event(demo)

    table = rb.print_table(demo, rb.BinFilter(kind="events"), prepared_by="刘干事", today=TODAY)

    assert table.title == "作废记录清单" and table.subtitle_lines == ["种类：活动（按作废时间从近到远排列）"]
    assert [c.label for c in table.columns] == ["序号", "种类", "内容", "作废时间", "作废原因"]
    assert len(table.rows) == 1 and table.rows[0][1] == "活动" and table.rows[0][4] == "活动未举办"
    assert table.total_lines == ["合计：共 1 条"] and "刘干事" in table.footer_line
