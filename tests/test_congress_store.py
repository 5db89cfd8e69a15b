"""The congress core: terms, sessions (titles, the union's word, number formats), delegations and delegates
(adding, skipping, warnings, 补选 and leaving, the counts of a session on its date), voiding and its refusals,
and the change log."""

from __future__ import annotations

import pytest

from gonghui_desk.congress.store import (ATTENDING, DEFAULT_NUMBER_FORMAT, FORMAL, CongressStore, SessionInput,
                                         TermInput, check_number_format, format_number, session_title)
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.union import UnionProfile, ensure_sub_unit_path, save_profile
from tests.conftest import TODAY
from tests.test_care_visits import add_member


@pytest.fixture
def congress(db, store):
    return make_congress(db, store)


def make_congress(db, store) -> dict:
    """A company union: term 3 (2024-03-01 – 2029-02-28) with its sessions 1 (2025-03-10) and 2 (2026-03-12);
    delegations 一车间代表团 and 机关代表团; 张三, 李四, 王五 正式代表, 赵六 列席代表, 钱七 正式代表 who left on
    2026-05-31 (retired the next day), 周九 elected in a 补选 on 2026-01-10; 孙八 is no delegate."""
    save_profile(db, UnionProfile(name="某某机械有限公司工会委员会", kind="企业"))
    units = {"一车间": ensure_sub_unit_path(db, "一车间"), "甲班": ensure_sub_unit_path(db, "一车间/甲班", kind="工会小组"),
             "行政部": ensure_sub_unit_path(db, "行政部")}
    people = {
        "张三": add_member(store, "张三", sub_unit_id=units["甲班"]),
        "李四": add_member(store, "李四", sub_unit_id=units["一车间"]),
        "王五": add_member(store, "王五", sub_unit_id=units["行政部"]),
        "赵六": add_member(store, "赵六", sub_unit_id=units["行政部"]),
        "钱七": add_member(store, "钱七", sub_unit_id=units["一车间"], status="退休", status_date="2026-06-01"),
        "孙八": add_member(store, "孙八", sub_unit_id=units["一车间"]),
        "周九": add_member(store, "周九", sub_unit_id=units["行政部"]),
    }
    c = CongressStore(db, today=TODAY)
    term = c.create_term(TermInput(3, "2024-03-01", "2029-02-28"))
    sessions = {1: c.create_session(SessionInput(term, 1, held_on="2025-03-10", venue="公司大礼堂")),
                2: c.create_session(SessionInput(term, 2, held_on="2026-03-12"))}
    workshop = c.add_delegation(term, "一车间代表团", "张三")
    office = c.add_delegation(term, "机关代表团")
    c.add_delegates(term, [people["张三"], people["李四"], people["钱七"]], delegation_id=workshop)
    c.add_delegates(term, [people["王五"]], delegation_id=office)
    c.add_delegates(term, [people["赵六"]], role=ATTENDING, delegation_id=office)
    c.add_delegates(term, [people["周九"]], delegation_id=office, from_date="2026-01-10")
    left = _delegate_id(db, term, people["钱七"])
    c.end_delegate(left, "2026-05-31", "退休")
    return {"db": db, "store": c, "term": term, "sessions": sessions, "people": people, "units": units,
            "delegations": {"一车间": workshop, "机关": office}, "members": store}


def _delegate_id(db, term_id: int, member_id: int) -> int:
    return db.execute("SELECT id FROM congress_delegates WHERE term_id = ? AND member_id = ? AND voided_at IS NULL",
                      [term_id, member_id]).fetchone()[0]


def _fields(error: ValidationError) -> dict[str, str]:
    return {p.field: p.message for p in error.problems}


# --- titles and number formats ----------------------------------------------------------------------------
def test_session_titles_are_written_in_chinese_numerals():
    assert session_title(3, 2, "职代会") == "第三届职代会第二次会议"
    assert session_title(12, 1, "教代会") == "第十二届教代会第一次会议"


def test_number_formats():
    assert format_number("", 3, 2, 2026, 7) == "第3届第2次-007"
    assert format_number(DEFAULT_NUMBER_FORMAT, 3, 2, 2026, 123) == "第3届第2次-123"
    assert format_number("{年}-{序号}", 3, 2, 2026, 7) == "2026-007"
    assert check_number_format("{年}提{序号}号") is None
    assert check_number_format("第{届}届-{编号}") == "编号格式中的“{编号}”无法识别，可用：{届}、{次}、{年}、{序号}"
    assert check_number_format("第{届}届第{次}次") == "编号格式中应包含“{序号}”"
    assert check_number_format("{序号}}") == "编号格式中的花括号不成对"


# --- terms ----------------------------------------------------------------------------------------------------
def test_a_term_is_checked(congress):
    c = congress["store"]
    with pytest.raises(ValidationError) as error:
        c.create_term(TermInput(3, "2024-03-01"))
    assert _fields(error.value) == {"number": "已有第3届"}
    with pytest.raises(ValidationError) as error:
        c.create_term(TermInput(0, "2029-03-01", "2029-01-01"))
    assert _fields(error.value) == {"number": "届次应为不小于1的整数",
                                    "ended_on": "结束日期 2029-01-01 早于开始日期 2029-03-01"}
    with pytest.raises(ValidationError) as error:
        c.create_term(TermInput(None, "2029-02-30"))
    assert set(_fields(error.value)) == {"number", "started_on"}


def test_a_terms_dates_keep_its_sessions_and_delegates(congress):
    c, term = congress["store"], congress["term"]
    with pytest.raises(ValidationError) as error:
        c.update_term(term, TermInput(3, "2025-06-01", "2026-04-30"))
    assert _fields(error.value) == {"started_on": "本届已有 2025-03-10 召开的会议，开始日期不能晚于该日",
                                    "ended_on": "本届有代表的任职日期为 2026-05-31，结束日期不能早于该日"}
    c.update_term(term, TermInput(3, "2024-03-01", "2029-02-28", notes="2024年3月选举产生"))
    assert c.get_term(term)["notes"] == "2024年3月选举产生"
    assert [(t["number"], t["sessions"], t["delegates"]) for t in c.terms()] == [(3, 2, 6)]


def test_a_term_is_voided_only_without_sessions(congress):
    c, term = congress["store"], congress["term"]
    with pytest.raises(UserError, match="^第3届已有2次会议，请先作废这些会议，再作废届次$"):
        c.void_term(term, "录错了")
    with pytest.raises(UserError, match="请填写原因"):
        c.void_term(term, " ")
    for session_id in congress["sessions"].values():
        c.void_session(session_id, "录错了")
    c.void_term(term, "录错了")
    db = congress["db"]
    assert c.terms() == []
    assert db.execute("SELECT count(*) FROM congress_delegates WHERE voided_at IS NULL").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM congress_delegations WHERE voided_at IS NULL").fetchone()[0] == 0
    with pytest.raises(UserError, match="该届次不存在或已作废"):
        c.add_delegation(term, "新代表团")


# --- sessions ----------------------------------------------------------------------------------------------------
def test_a_session_takes_the_unions_word_and_is_titled(congress, db):
    c = congress["store"]
    session = c.get_session(congress["sessions"][2])
    assert (session["kind"], session["title"], session["term_number"]) == ("职代会", "第三届职代会第二次会议", 3)
    save_profile(db, UnionProfile(name="某某中学工会委员会", kind="学校"))
    third = c.create_session(SessionInput(congress["term"], 3, held_on="2027-03-01"))
    assert c.get_session(third)["title"] == "第三届教代会第三次会议"
    assert [s["number"] for s in c.sessions()] == [3, 2, 1]
    assert c.latest_session()["id"] == third
    assert [s["number"] for s in c.sessions(congress["term"])] == [3, 2, 1]


def test_a_session_is_checked(congress):
    c, term = congress["store"], congress["term"]
    with pytest.raises(ValidationError) as error:
        c.create_session(SessionInput(term, 2, kind="座谈会", held_on="2023-12-01", number_format="{序号"))
    assert _fields(error.value) == {
        "session_number": "第3届已有第2次会议", "kind": "会议类型应为：职代会、教代会、会员代表大会",
        "held_on": "会议日期 2023-12-01 早于第3届的开始日期 2024-03-01", "number_format": "编号格式中应包含“{序号}”"}
    with pytest.raises(ValidationError) as error:
        c.create_session(SessionInput(None, None))
    assert _fields(error.value) == {"term_id": "请选择届次", "session_number": "请填写会议次数"}
    assert error.value.problems[0].label == "届次"


def test_a_session_with_proposals_keeps_its_number(congress):
    from gonghui_desk.congress.proposals import ProposalInput, ProposalStore

    c, session_id = congress["store"], congress["sessions"][2]
    proposals = ProposalStore(congress["db"], today=TODAY)
    proposal_id, _ = proposals.file(ProposalInput(session_id, "食堂", proposer_text="一车间代表团",
                                                  submitted_on="2026-03-01"))
    with pytest.raises(ValidationError, match="该会议已有1件提案，不能再修改届次或会议次数"):
        c.update_session(session_id, SessionInput(congress["term"], 4, held_on="2026-03-12"))
    c.update_session(session_id, SessionInput(congress["term"], 2, held_on="2026-03-13", venue="职工之家",
                                              number_format="{年}-{序号}"))
    assert c.get_session(session_id)["venue"] == "职工之家"
    with pytest.raises(UserError, match="^该会议还有1件提案，请先作废这些提案，再作废会议$"):
        c.void_session(session_id, "录错了")
    proposals.void(proposal_id, "重复")
    c.void_session(session_id, "录错了")
    assert [s["number"] for s in c.sessions()] == [1]


# --- delegations ----------------------------------------------------------------------------------------------
def test_delegations_are_named_once_and_voided_without_their_delegates(congress):
    c, term = congress["store"], congress["term"]
    with pytest.raises(ValidationError, match="本届已有名为“机关代表团”的代表团"):
        c.add_delegation(term, " 机关代表团 ")
    with pytest.raises(ValidationError, match="请填写代表团名称"):
        c.add_delegation(term, "")
    c.update_delegation(congress["delegations"]["机关"], name="行政代表团", leader="王五")
    assert [(d["name"], d["leader"], d["delegates"]) for d in c.delegations(term)] == [
        ("一车间代表团", "张三", 3), ("行政代表团", "王五", 3)]
    assert c.void_delegation(congress["delegations"]["机关"]) == 3
    assert [d["name"] for d in c.delegations(term)] == ["一车间代表团"]
    wang = [d for d in c.delegates(term) if d["member_name"] == "王五"][0]
    assert (wang["delegation_id"], wang["delegation_name"]) == (None, "")


# --- delegates ---------------------------------------------------------------------------------------------------
def test_delegates_are_listed_by_delegation_role_and_name(congress):
    c = congress["store"]
    rows = c.delegates(congress["term"])
    assert [(d["member_name"], d["role"], d["delegation_name"]) for d in rows] == [
        ("李四", FORMAL, "一车间代表团"), ("钱七", FORMAL, "一车间代表团"), ("张三", FORMAL, "一车间代表团"),
        ("王五", FORMAL, "机关代表团"), ("周九", FORMAL, "机关代表团"), ("赵六", ATTENDING, "机关代表团")]
    zhang = rows[2]
    assert (zhang["sub_unit_path"], zhang["member_status"]) == ("一车间/甲班", "在册")
    qian = rows[1]
    assert (qian["to_date"], qian["end_reason"]) == ("2026-05-31", "退休")
    on_day = [d["member_name"] for d in c.delegates(congress["term"], "2025-03-10")]
    assert on_day == ["李四", "钱七", "张三", "王五", "赵六"]  # 周九 not yet elected
    assert [d["member_name"] for d in c.delegates(congress["term"], "2026-06-01", role=FORMAL)] == [
        "李四", "张三", "王五", "周九"]


def test_adding_delegates_skips_those_already_flagged_and_warns(congress):
    c, people = congress["store"], congress["people"]
    result = c.add_delegates(congress["term"], [people["张三"], people["孙八"], people["钱七"], people["孙八"]])
    assert (result.added, result.skipped, result.warnings) == (1, 2, [])
    newcomer = add_member(congress["members"], "吴十", join_date="2026-11-01")
    retired = add_member(congress["members"], "郑十一", status="退休", status_date="2026-10-01")
    result = c.add_delegates(congress["term"], [retired], role=ATTENDING)  # checked today
    assert result.warnings == ["郑十一在 2026-11-22 的会员状态为“退休”"]
    result = c.add_delegates(congress["term"], [newcomer], from_date="2026-10-01")  # checked on the 补选's day
    assert result.warnings == ["吴十在 2026-10-01 尚未入会"]
    with pytest.raises(ValidationError, match=r"以下会员不存在或已作废（编号 999）"):
        c.add_delegates(congress["term"], [999])
    with pytest.raises(ValidationError) as error:
        c.add_delegates(congress["term"], [people["孙八"]], role="特邀代表", from_date="2030-01-01",
                        delegation_id=12345)
    assert _fields(error.value) == {"role": "代表类别应为：正式代表、列席代表",
                                    "delegation_id": "所选代表团不属于本届或已作废",
                                    "from_date": "2030-01-01 晚于第3届的结束日期 2029-02-28"}


def test_is_delegate_respects_the_dates(congress):
    c, people, term = congress["store"], congress["people"], congress["term"]
    assert c.is_delegate(term, people["张三"], "2024-03-01")
    assert c.is_delegate(term, people["钱七"], "2026-05-31")
    assert not c.is_delegate(term, people["钱七"], "2026-06-01")
    assert not c.is_delegate(term, people["周九"], "2026-01-09")
    assert c.is_delegate(term, people["周九"], "2026-01-10")
    assert c.is_delegate(term, people["赵六"], "2026-01-10")  # 列席代表 too
    assert not c.is_delegate(term, people["孙八"], "2026-01-10")


def test_delegate_counts_on_the_sessions_date(congress):
    c, sessions = congress["store"], congress["sessions"]
    assert c.delegate_counts(sessions[1]) == (4, 1, "2025-03-10")  # 张三 李四 王五 钱七; 赵六
    assert tuple(c.delegate_counts(sessions[2])) == (5, 1, "2026-03-12")  # 周九 elected in between
    later = c.create_session(SessionInput(congress["term"], 3, held_on="2026-09-01"))
    assert c.delegate_counts(later).formal == 4  # 钱七 left
    undated = c.create_session(SessionInput(congress["term"], 4))
    counts = c.delegate_counts(undated)
    assert (counts.formal, counts.attending, counts.on_date) == (4, 1, TODAY.isoformat())
    c.void_delegate(_delegate_id(congress["db"], congress["term"], congress["people"]["赵六"]), "误录")
    congress["members"].void(congress["people"]["张三"], "重复建档")
    assert c.delegate_counts(sessions[2]) == (4, 0, "2026-03-12")


def test_a_delegate_is_updated_ended_and_voided(congress):
    c, people, term = congress["store"], congress["people"], congress["term"]
    zhang = _delegate_id(congress["db"], term, people["张三"])
    c.update_delegate(zhang, role=ATTENDING, delegation_id=None, notes="调任")
    row = c.get_delegate(zhang)
    assert (row["role"], row["delegation_id"], row["notes"]) == (ATTENDING, None, "调任")
    with pytest.raises(ValidationError) as error:
        c.update_delegate(zhang, from_date="2026-05-01", to_date="2026-04-01")
    assert _fields(error.value) == {"to_date": "任职结束日期 2026-04-01 早于开始日期 2026-05-01"}
    with pytest.raises(ValidationError) as error:
        c.end_delegate(zhang, None, "")
    assert _fields(error.value) == {"to_date": "请填写任职结束日期", "end_reason": "请填写离任原因"}
    c.end_delegate(zhang, "2026/7/1", "调离本单位")
    assert (c.get_delegate(zhang)["to_date"], c.get_delegate(zhang)["end_reason"]) == ("2026-07-01", "调离本单位")
    qian = _delegate_id(congress["db"], term, people["钱七"])
    c.update_delegate(qian, to_date=None)  # the leaving was a mistake
    assert (c.get_delegate(qian)["to_date"], c.get_delegate(qian)["end_reason"]) == (None, "")
    with pytest.raises(UserError, match="请填写原因"):
        c.void_delegate(zhang, "")
    c.void_delegate(zhang, "误录")
    with pytest.raises(UserError, match="该代表记录不存在或已作废"):
        c.update_delegate(zhang, notes="x")
    assert not c.is_delegate(term, people["张三"], "2025-01-01")
    # once voided, the member can be flagged again
    assert c.add_delegates(term, [people["张三"]]).added == 1


def test_many_delegates_are_added_at_once(congress, db):
    db.conn.executemany("INSERT INTO members (name, name_sort, search_text, status) VALUES (?, ?, '', '在册')",
                        [(f"会员{i}", f"会员{i}") for i in range(1200)])
    ids = [r[0] for r in db.execute("SELECT id FROM members WHERE name LIKE '会员%' ORDER BY id")]
    result = congress["store"].add_delegates(congress["term"], ids)
    assert result.added == 1200 and len(set(result.delegate_ids)) == 1200
    assert len(result.warnings) == 1200  # no status history: not yet members
    assert congress["store"].delegate_counts(congress["sessions"][2]).formal == 1205


def test_changes_are_in_the_change_log(congress, db):
    c = congress["store"]
    zhang = _delegate_id(db, congress["term"], congress["people"]["张三"])
    c.update_delegate(zhang, role=ATTENDING)
    c.end_delegate(zhang, "2026-07-01", "调离")
    c.void_delegate(zhang, "误录")
    actions = [r[0] for r in db.execute("SELECT action FROM change_log WHERE table_name = 'congress_delegates' "
                                        "AND record_id = ? ORDER BY id", [str(zhang)])]
    assert actions == ["insert", "update", "update", "void"]
    for table in ("congress_terms", "congress_sessions", "congress_delegations"):
        assert db.execute("SELECT count(*) FROM change_log WHERE table_name = ? AND action = 'insert'",
                          [table]).fetchone()[0] >= 1
