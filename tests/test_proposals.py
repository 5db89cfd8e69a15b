"""Proposals: numbering (default and custom formats, never reused, typed numbers unique), filing (errors,
warnings, the minimum of co-signers, retired categories), every review outcome with merges and the refusals,
splits (拆分: numbers, people copied, links both ways, each part checked, the refusals), handling, replies,
ratings and second rounds, voiding, and the change log."""

from __future__ import annotations

import pytest

from gonghui_desk import settings, value_lists
from gonghui_desk.congress.proposals import (HandlingInput, PartProblem, ProposalInput, ProposalStore, ReplyInput,
                                             ReviewInput, SplitPart)
from gonghui_desk.congress.register import proposal_rows, session_dashboard
from gonghui_desk.congress.store import SessionInput
from gonghui_desk.errors import UserError, ValidationError
from tests.conftest import TODAY
from tests.test_congress_store import make_congress


@pytest.fixture
def congress(db, store):
    data = make_congress(db, store)
    data["proposals"] = ProposalStore(db, today=TODAY)
    return data


def proposal(congress, session: int = 2, proposer: str | None = "张三", cosigners=("李四", "王五"),
             **values) -> ProposalInput:
    people = congress["people"]
    values.setdefault("title", "关于增设夜班职工热食供应的建议")
    values.setdefault("submitted_on", "2026-03-01" if session == 2 else "2025-03-01")
    values.setdefault("category", "生活福利")
    return ProposalInput(congress["sessions"][session], proposer_member_id=people[proposer] if proposer else None,
                         cosigner_ids=[people[n] for n in cosigners], **values)


def file(congress, **values) -> int:
    proposal_id, _warnings = congress["proposals"].file(proposal(congress, **values))
    return proposal_id


def _fields(error: ValidationError) -> dict[str, str]:
    return {p.field: p.message for p in error.problems}


def status(congress, proposal_id: int) -> str:
    return proposal_rows(congress["db"], [proposal_id], today=TODAY)[proposal_id]["status"]


# --- numbers ------------------------------------------------------------------------------------------------
def test_numbers_follow_the_default_format(congress):
    p = congress["proposals"]
    assert p.next_number(congress["sessions"][2]) == (1, "第3届第2次-001")
    first, second = file(congress), file(congress, title="关于降低冲压车间噪声的建议")
    assert [(p.get(i)["seq"], p.get(i)["number"]) for i in (first, second)] == [(1, "第3届第2次-001"),
                                                                              (2, "第3届第2次-002")]
    assert p.get(file(congress, session=1))["number"] == "第3届第1次-001"  # each session counts on its own


def test_a_sessions_format_overrides_the_default(congress):
    c, p = congress["store"], congress["proposals"]
    session = congress["sessions"][1]
    c.update_session(session, SessionInput(congress["term"], 1, held_on="2025-03-10", number_format="{年}年提案{序号}号"))
    assert p.next_number(session) == (1, "2025年提案001号")
    assert p.get(file(congress, session=1))["number"] == "2025年提案001号"
    undated = c.create_session(SessionInput(congress["term"], 3, number_format="{届}-{次}-{年}-{序号}"))
    assert p.next_number(undated) == (1, "3-3-2026-001")  # no date yet: this year


def test_numbers_are_never_given_twice(congress):
    p = congress["proposals"]
    first, second = file(congress), file(congress)
    p.void(second, "重复录入")
    third = file(congress)
    assert p.get(third)["number"] == "第3届第2次-003"
    assert p.get(first)["number"] == "第3届第2次-001"


def test_a_typed_number_is_unique_and_skipped_by_the_generator(congress):
    p = congress["proposals"]
    first = file(congress)
    typed = file(congress, number=" 第3届第2次-003 ")
    assert (p.get(typed)["seq"], p.get(typed)["number"]) == (2, "第3届第2次-003")
    assert p.next_number(congress["sessions"][2]) == (4, "第3届第2次-004")
    with pytest.raises(ValidationError) as error:
        file(congress, number="第3届第2次-001")
    assert _fields(error.value) == {"number": "本次会议已有编号为“第3届第2次-001”的提案"}
    data = p.as_input(first)
    data.number = "第3届第2次-003"
    with pytest.raises(ValidationError, match="本次会议已有编号为“第3届第2次-003”的提案"):
        p.update(first, data)
    data.number = ""  # an empty number keeps the stored one
    p.update(first, data)
    assert p.get(first)["number"] == "第3届第2次-001"
    p.void(typed, "录错")
    data.number = "第3届第2次-003"  # a voided proposal's number may be typed again
    p.update(first, data)
    assert p.get(first)["number"] == "第3届第2次-003"


# --- filing --------------------------------------------------------------------------------------------------
def test_a_proposal_is_saved_as_typed(congress):
    p = congress["proposals"]
    proposal_id, warnings = p.file(proposal(congress, title=" 关于改善厂区停车条件的建议 ", reason="车位紧张",
                                            measures="增设停车位", submitted_on="2026/3/1", notes="会前征集"))
    assert warnings == []
    row = p.get(proposal_id)
    assert (row["title"], row["reason"], row["measures"], row["submitted_on"], row["review"]) == (
        "关于改善厂区停车条件的建议", "车位紧张", "增设停车位", "2026-03-01", "")
    data = p.as_input(proposal_id)
    assert data.cosigner_ids == [congress["people"]["李四"], congress["people"]["王五"]]
    assert (data.proposer_member_id, data.category, data.notes) == (congress["people"]["张三"], "生活福利", "会前征集")


def test_a_proposal_is_checked(congress):
    p, people = congress["proposals"], congress["people"]
    with pytest.raises(ValidationError) as error:
        p.file(ProposalInput(congress["sessions"][2], "", proposer_member_id=people["张三"], proposer_text="一车间代表团",
                             category="文体活动", submitted_on="2026-13-01"))
    fields = _fields(error.value)
    assert fields["title"] == "请填写案由"
    assert fields["proposer_member_id"] == "提案人请选择一名会员或填写一个代表团/联名代表，二者选一"
    assert fields["category"] == "“文体活动”不在提案类别的选项中，如需新增请在设置中添加"
    assert set(fields) == {"title", "proposer_member_id", "category", "submitted_on"}
    assert [p.label for p in error.value.problems] == ["提交日期", "案由", "提案人", "提案类别"]
    with pytest.raises(ValidationError) as error:
        p.file(proposal(congress, proposer=None, cosigners=(), submitted_on=None))
    assert _fields(error.value) == {"proposer_member_id": "请选择提案人，或填写提案的代表团/联名代表",
                                    "submitted_on": "请填写提交日期"}
    with pytest.raises(ValidationError) as error:
        p.file(proposal(congress, cosigners=("李四", "张三"), submitted_on="2026-12-01"))
    assert _fields(error.value) == {"cosigner_ids": "提案人不能同时是附议人",
                                    "submitted_on": "提交日期 2026-12-01 晚于今天"}
    data = proposal(congress)
    data.cosigner_ids = [people["李四"], 999]
    data.proposer_member_id = 998
    with pytest.raises(ValidationError) as error:
        p.file(data)
    assert _fields(error.value) == {"proposer_member_id": "所选提案人不存在或已作废",
                                    "cosigner_ids": "以下附议人不存在或已作废（编号 999）"}
    congress["store"].void_session(congress["sessions"][1], "录错了")
    with pytest.raises(ValidationError, match="所选会议已作废"):
        p.file(proposal(congress, session=1))


def test_warnings_for_proposers_and_co_signers_who_are_not_delegates(congress):
    p = congress["proposals"]
    _id, warnings = p.file(proposal(congress, proposer="孙八", cosigners=("钱七", "周九"), submitted_on="2026-06-01"))
    assert [(w.field, w.message, w.severity) for w in warnings] == [
        ("proposer_member_id", "孙八在 2026-06-01 不是第3届职代会代表", "warning"),
        ("cosigner_ids", "附议人钱七在 2026-06-01 不是第3届职代会代表", "warning")]  # 钱七 left on 05-31
    _id, warnings = p.file(proposal(congress, cosigners=("周九",), submitted_on="2025-12-01"))
    assert [w.message for w in warnings] == ["附议人周九在 2025-12-01 不是第3届职代会代表",  # not yet elected
                                             "附议人少于2名（现有1名）"]
    _id, warnings = p.file(proposal(congress, cosigners=("赵六", "钱七"), submitted_on="2026-05-31"))
    assert warnings == []  # a 列席代表 counts as a delegate; 钱七's last day


def test_the_minimum_of_co_signers_is_a_setting(congress, db):
    p = congress["proposals"]
    assert settings.min_cosigners(db) == 2
    settings.set_min_cosigners(db, 3)
    assert p.check(proposal(congress))[2][0].message == "附议人少于3名（现有2名）"
    settings.set_min_cosigners(db, 0)
    assert p.check(proposal(congress, cosigners=()))[2] == []
    settings.set_min_cosigners(db, 99)
    assert settings.min_cosigners(db) == 20
    settings.set_setting(db, settings.MIN_COSIGNERS, "两")
    assert settings.min_cosigners(db) == 2
    # a delegation's proposal has no minimum
    _id, warnings = p.file(proposal(congress, proposer=None, cosigners=(), proposer_text="一车间代表团"))
    assert warnings == []


def test_a_retired_category_stays_on_the_proposals_that_have_it(congress, db):
    p = congress["proposals"]
    proposal_id = file(congress, category="其他")
    value_lists.retire_value(db, "proposal.category", "其他")
    data = p.as_input(proposal_id)
    data.title = "关于改善厂区停车条件的建议"
    p.update(proposal_id, data)
    assert p.get(proposal_id)["category"] == "其他"
    with pytest.raises(ValidationError, match="“其他”不在提案类别的选项中"):
        file(congress, category="其他")


def test_an_update_replaces_the_co_signers_and_keeps_the_session(congress, db):
    p, people = congress["proposals"], congress["people"]
    proposal_id = file(congress)
    data = p.as_input(proposal_id)
    data.cosigner_ids = [people["周九"], people["李四"]]
    assert p.update(proposal_id, data) == []
    assert p.cosigner_ids(proposal_id) == [people["李四"], people["周九"]]
    assert db.execute("SELECT count(*) FROM proposal_cosigners WHERE proposal_id = ? AND voided_at IS NOT NULL",
                      [proposal_id]).fetchone()[0] == 1  # 王五's row voided, not deleted
    data.session_id = congress["sessions"][1]
    with pytest.raises(ValidationError, match="提案不能改到其他会议；如确属误登，请作废后在该会议重新登记"):
        p.update(proposal_id, data)


# --- review ------------------------------------------------------------------------------------------------------
def test_review_outcomes(congress):
    p = congress["proposals"]
    registered, refused, suggestion = file(congress), file(congress), file(congress)
    p.review(registered, ReviewInput("立案", reviewer="提案工作委员会"))
    row = p.get(registered)
    assert (row["review"], row["reviewer"], row["reviewed_on"]) == ("立案", "提案工作委员会", TODAY.isoformat())
    with pytest.raises(ValidationError) as error:
        p.review(refused, ReviewInput("不立案"))
    assert _fields(error.value) == {"review_reason": "不立案时请填写理由"}
    p.review(refused, ReviewInput("不立案", "属于个人诉求", reviewed_on="2026-03-15"))
    p.review(suggestion, ReviewInput("转意见建议", "转有关部门研究", reviewed_on="2026-03-15"))
    assert [status(congress, i) for i in (registered, refused, suggestion)] == ["待交办", "不立案", "转意见建议"]
    with pytest.raises(ValidationError) as error:
        p.review(suggestion, ReviewInput("撤回", reviewed_on="2026-03-15"))
    assert _fields(error.value) == {"outcome": "审查结果应为：立案、不立案、转意见建议、并案"}
    with pytest.raises(ValidationError) as error:
        p.review(suggestion, ReviewInput("立案", reviewed_on="2026-02-01"))
    assert _fields(error.value) == {"reviewed_on": "审查日期 2026-02-01 早于提交日期 2026-03-01"}
    with pytest.raises(ValidationError, match="审查日期 2026-12-01 晚于今天"):
        p.review(suggestion, ReviewInput("立案", reviewed_on="2026-12-01"))
    p.review(refused, ReviewInput(""))  # back to 待审查
    row = p.get(refused)
    assert (row["review"], row["review_reason"], row["reviewed_on"], status(congress, refused)) == ("", "", None,
                                                                                                  "待审查")


def test_many_proposals_merge_into_one(congress):
    p = congress["proposals"]
    target, first, second = file(congress), file(congress), file(congress)
    p.review(target, ReviewInput("立案", reviewed_on="2026-03-15"))
    for merged in (first, second):
        p.review(merged, ReviewInput("并案", "与第3届第2次-001事项相同", merged_into_id=target, reviewed_on="2026-03-15"))
    rows = proposal_rows(congress["db"], [target, first, second], today=TODAY)
    assert (rows[target]["merged_count"], rows[target]["status"]) == (2, "待交办")
    assert [(rows[i]["status"], rows[i]["merged_into_number"]) for i in (first, second)] == [
        ("已并案", "第3届第2次-001"), ("已并案", "第3届第2次-001")]
    assert p.merged_ids(target) == [first, second]
    # the target keeps 立案 and stays while proposals are merged into it
    with pytest.raises(UserError, match="^已有2件提案并入提案 第3届第2次-001，不能改为“不立案”；请先修改这些提案的审查结果$"):
        p.review(target, ReviewInput("不立案", "重复"))
    with pytest.raises(UserError, match="^已有2件提案并入该提案，请先修改这些提案的审查结果，再作废$"):
        p.void(target, "录错")
    p.review(target, ReviewInput("立案", reviewer="提案工作委员会", reviewed_on="2026-03-16"))  # still 立案: allowed
    p.review(first, ReviewInput("立案", reviewed_on="2026-03-16"))
    p.review(second, ReviewInput("立案", reviewed_on="2026-03-16"))
    assert p.get(first)["merged_into_id"] is None
    p.review(target, ReviewInput(""))


def test_a_merge_needs_a_registered_target_of_the_same_session(congress):
    p = congress["proposals"]
    target, merged, pending = file(congress), file(congress), file(congress)
    other_session = file(congress, session=1)
    p.review(target, ReviewInput("立案", reviewed_on="2026-03-15"))
    p.review(other_session, ReviewInput("立案", reviewed_on="2025-03-15"))
    p.review(merged, ReviewInput("并案", merged_into_id=target, reviewed_on="2026-03-15"))
    unregistered = file(congress)
    cases = [(None, "请选择要并入的提案"), (pending, "提案不能并入自身"),
             (unregistered, "只能并入已立案的提案，提案 第3届第2次-004 尚未立案"),
             (merged, "只能并入已立案的提案，提案 第3届第2次-002 尚未立案"),  # a merged proposal is not 立案
             (other_session, "所选提案不属于本次会议或已作废"), (999, "所选提案不属于本次会议或已作废")]
    for into, message in cases:
        with pytest.raises(ValidationError) as error:
            p.review(pending, ReviewInput("并案", merged_into_id=into, reviewed_on="2026-03-15"))
        assert _fields(error.value) == {"merged_into_id": message}


# --- split ------------------------------------------------------------------------------------------------------
def test_a_split_files_each_part_as_a_proposal_of_its_own(congress, db):
    p, people = congress["proposals"], congress["people"]
    original = file(congress, title="关于改善职工食堂和增设停车位的建议", reason="食堂菜品单一；车位紧张",
                    measures="增加菜品；增设车位", notes="会前征集")
    other = file(congress)  # 第3届第2次-002: the parts are numbered after it
    ids = p.split(original, [SplitPart(" 关于增设停车位的建议 ", "其他", "车位紧张", "增设车位"),
                             SplitPart("关于延长食堂供餐时间的建议")])
    assert len(ids) == 2 and other not in ids
    rows = proposal_rows(db, [original, *ids], today=TODAY)
    parking, canteen = rows[ids[0]], rows[ids[1]]
    assert [(rows[i]["seq"], rows[i]["number"]) for i in ids] == [(3, "第3届第2次-003"), (4, "第3届第2次-004")]
    assert (parking["title"], parking["category"], parking["reason"], parking["measures"]) == (
        "关于增设停车位的建议", "其他", "车位紧张", "增设车位")
    # an empty 理由, 办法和措施 or 类别 copies nothing: the officer types them
    assert (canteen["category"], canteen["reason"], canteen["measures"], canteen["notes"]) == ("", "", "", "")
    for row in (parking, canteen):
        assert (row["session_id"], row["proposer_member_id"], row["submitted_on"], row["review"]) == (
            congress["sessions"][2], people["张三"], "2026-03-01", "")
        assert row["cosigner_ids"] == [people["李四"], people["王五"]] and row["status"] == "待审查"
        assert (row["split_from_id"], row["split_from_number"], row["split_numbers"]) == (
            original, "第3届第2次-001", [])
    # linked both ways; the original stays as it was
    assert rows[original]["split_numbers"] == ["第3届第2次-003", "第3届第2次-004"]
    assert (rows[original]["split_from_number"], rows[original]["title"]) == ("", "关于改善职工食堂和增设停车位的建议")
    assert p.split_ids(original) == ids and p.split_ids(ids[0]) == []
    assert p.next_number(congress["sessions"][2]) == (5, "第3届第2次-005")
    # a part is reviewed and handled on its own
    p.review(ids[0], ReviewInput("立案", reviewed_on="2026-03-15"))
    assert proposal_rows(db, [ids[0]], today=TODAY)[ids[0]]["status"] == "待交办"
    # the dashboard: each part counts in 收到; split says how many were formed by splitting
    board = session_dashboard(db, congress["sessions"][2], TODAY)
    assert (board.received, board.split, board.registered, board.pending_review) == (4, 2, 1, 3)
    assert session_dashboard(db, congress["sessions"][1], TODAY).split == 0
    # the parts are in the change log like any filing
    assert db.execute("SELECT count(*) FROM change_log WHERE table_name = 'proposals' AND action = 'insert' "
                      "AND record_id IN (?, ?)", [str(i) for i in ids]).fetchone()[0] == 2
    # the original is not voided while its parts are live
    with pytest.raises(UserError, match="^已从该提案拆分出2件提案，请先作废拆分出的提案，再作废$"):
        p.void(original, "录错")
    p.void(ids[0], "录错")
    p.void(ids[1], "录错")
    assert p.split_ids(original) == [] and session_dashboard(db, congress["sessions"][2], TODAY).split == 0
    p.void(original, "录错")


def test_each_part_of_a_split_is_checked_like_a_filing(congress, db):
    p = congress["proposals"]
    original = file(congress, category="其他")
    value_lists.retire_value(db, "proposal.category", "其他")
    with pytest.raises(ValidationError) as error:
        p.split(original, [SplitPart("关于增设停车位的建议", "其他"), SplitPart("  ", "生活福利"),
                           SplitPart("关于开展技能比武的建议", "文体")])
    problems = error.value.problems
    assert all(isinstance(problem, PartProblem) for problem in problems)
    assert [(q.part, q.field, q.message, q.label) for q in problems] == [
        (1, "title", "请填写案由", "第2件·案由"),
        (2, "category", "“文体”不在提案类别的选项中，如需新增请在设置中添加", "第3件·提案类别")]
    assert str(error.value) == "第2件·案由：请填写案由；第3件·提案类别：“文体”不在提案类别的选项中，如需新增请在设置中添加"
    assert p.split_ids(original) == [] and p.next_number(congress["sessions"][2]) == (2, "第3届第2次-002")
    # the original's retired category may stay on a part; nothing else is written until all parts pass
    [part] = p.split(original, [SplitPart("关于增设停车位的建议", "其他")])
    assert p.get(part)["category"] == "其他"
    # a problem of the original's people is said once, not once per part
    congress["members"].void(congress["people"]["李四"], "重复录入")
    with pytest.raises(ValidationError) as error:
        p.split(original, [SplitPart("甲"), SplitPart("乙")])
    assert [(type(q).__name__, q.field) for q in error.value.problems] == [("Problem", "cosigner_ids")]


def test_what_cannot_be_split(congress):
    p = congress["proposals"]
    target, merged, voided = file(congress), file(congress), file(congress)
    p.review(target, ReviewInput("立案", reviewed_on="2026-03-15"))
    p.review(merged, ReviewInput("并案", merged_into_id=target, reviewed_on="2026-03-15"))
    p.void(voided, "重复录入")
    cases = [(voided, "提案 第3届第2次-003 已作废，不能拆分"),
             (merged, "提案 第3届第2次-002 已并入提案 第3届第2次-001，不能拆分；如确需拆分，请先修改它的审查结果"),
             (target, "已有1件提案并入提案 第3届第2次-001，不能拆分；请先修改这些提案的审查结果"),
             (999, "提案 999 不存在")]
    for proposal_id, message in cases:
        assert p.split_refusal(proposal_id) == message
        with pytest.raises(UserError) as error:
            p.split(proposal_id, [SplitPart("关于增设停车位的建议")])
        assert str(error.value) == message
    pending = file(congress)
    assert p.split_refusal(pending) == ""
    with pytest.raises(UserError, match="^请至少填写一件拆分出的提案$"):
        p.split(pending, [])
    # a part may itself be split again, and a 立案 proposal may be split
    [part] = p.split(pending, [SplitPart("关于增设停车位的建议")])
    [again] = p.split(part, [SplitPart("关于增设充电桩的建议")])
    assert p.get(again)["split_from_id"] == part
    p.review(merged, ReviewInput("立案", reviewed_on="2026-03-15"))
    p.review(target, ReviewInput("立案", reviewed_on="2026-03-15"))
    assert p.split_refusal(target) == "" and p.split_refusal(merged) == ""


# --- handling ---------------------------------------------------------------------------------------------------
@pytest.fixture
def registered(congress):
    p = congress["proposals"]
    proposal_id = file(congress)
    p.review(proposal_id, ReviewInput("立案", reviewer="提案工作委员会", reviewed_on="2026-03-15"))
    return proposal_id


def handling(**values) -> HandlingInput:
    values.setdefault("lead_department", "后勤保障部")
    values.setdefault("co_departments", ["财务部"])
    values.setdefault("leader", "李副总经理")
    values.setdefault("assigned_on", "2026-03-20")
    values.setdefault("deadline", "2026-05-20")
    return HandlingInput(**values)


def test_only_a_registered_proposal_is_assigned_once(congress, registered):
    p = congress["proposals"]
    pending = file(congress)
    with pytest.raises(UserError, match="^提案 第3届第2次-002 尚未立案，不能交办$"):
        p.assign(pending, handling())
    handling_id = p.assign(registered, handling(co_departments=["财务部", "工会", "财务部"]))
    row = p.get_handling(handling_id)
    assert (row["round"], row["lead_department"], row["co_departments"], row["leader"], row["deadline"]) == (
        1, "后勤保障部", ["财务部", "工会"], "李副总经理", "2026-05-20")
    with pytest.raises(UserError, match="已交办（第1轮）"):
        p.assign(registered, handling())
    with pytest.raises(UserError, match="^提案 第3届第2次-001 已交办，不能改为“不立案”；请先作废办理记录$"):
        p.review(registered, ReviewInput("不立案", "重复"))
    with pytest.raises(UserError, match="已交办，不能改回待审查"):
        p.review(registered, ReviewInput(""))


def test_a_round_of_handling_is_checked(congress, registered):
    p = congress["proposals"]
    with pytest.raises(ValidationError) as error:
        p.assign(registered, handling(lead_department="", co_departments=["宣传部"], assigned_on="2026-03-10",
                                      deadline="2026-03-01"))
    assert _fields(error.value) == {"lead_department": "请选择主办部门",
                                    "co_departments": "“宣传部”不在承办部门的选项中，如需新增请在设置中添加",
                                    "assigned_on": "交办日期 2026-03-10 早于立案日期 2026-03-15",
                                    "deadline": "办理期限 2026-03-01 早于交办日期 2026-03-10"}
    with pytest.raises(ValidationError) as error:
        p.assign(registered, handling(co_departments=["后勤保障部"], assigned_on="2026-12-01", deadline=None))
    assert _fields(error.value) == {"co_departments": "“后勤保障部”已是主办部门，不必再列为协办部门",
                                    "assigned_on": "交办日期 2026-12-01 晚于今天"}
    handling_id = p.assign(registered, handling(assigned_on=None, deadline=None))
    assert (p.get_handling(handling_id)["assigned_on"], p.get_handling(handling_id)["deadline"]) == (
        TODAY.isoformat(), None)
    p.update_handling(handling_id, handling(lead_department="办公室", co_departments=[]))
    row = p.get_handling(handling_id)
    assert (row["lead_department"], row["co_departments"], row["assigned_on"]) == ("办公室", [], "2026-03-20")
    value_lists.retire_value(congress["db"], "proposal.department", "办公室")
    p.update_handling(handling_id, handling(lead_department="办公室", co_departments=[], leader="王主任"))
    assert p.get_handling(handling_id)["leader"] == "王主任"  # a retired department stays where it was


def test_reply_rate_and_a_second_round(congress, registered):
    p = congress["proposals"]
    first = p.assign(registered, handling())
    with pytest.raises(UserError, match="^提案 第3届第2次-001 尚未答复，不能评价$"):
        p.rate(first, "满意", "2026-04-01")
    with pytest.raises(UserError, match="才能再次交办"):
        p.second_round(registered, handling())
    with pytest.raises(ValidationError) as error:
        p.reply(first, ReplyInput("研究中", "2026-03-19", ""))
    assert _fields(error.value) == {"result": "请选择办理结果", "replied_on": "答复日期 2026-03-19 早于交办日期 2026-03-20"}
    with pytest.raises(ValidationError) as error:
        p.reply(first, ReplyInput("暂无条件", "2026-12-01", "暂不能解决"))
    assert _fields(error.value) == {"result_reason": "办理结果为“暂不能解决”时请填写原因",
                                    "replied_on": "答复日期 2026-12-01 晚于今天"}
    p.reply(first, ReplyInput("已列入明年预算", "2026-04-10", "列入计划"))
    assert status(congress, registered) == "已答复"
    with pytest.raises(ValidationError) as error:
        p.rate(first, "还行", "2026-04-12")
    assert _fields(error.value) == {"rating": "提案人意见应为：满意、基本满意、不满意"}
    with pytest.raises(ValidationError, match="评价日期 2026-04-01 早于答复日期 2026-04-10"):
        p.rate(first, "不满意", "2026-04-01")
    p.rate(first, "不满意", "2026-04-15", "没有明确时限")
    assert status(congress, registered) == "不满意"
    with pytest.raises(UserError, match="^提案人已对该答复作出评价（不满意），不能再修改答复；如确需修改，请先清除评价$"):
        p.reply(first, ReplyInput("改", "2026-04-11", "已解决"))
    with pytest.raises(ValidationError, match="交办日期 2026-04-14 早于上一轮评价日期 2026-04-15"):
        p.second_round(registered, handling(assigned_on="2026-04-14"))
    second = p.second_round(registered, handling(assigned_on="2026-04-20", deadline="2026-06-20"))
    assert p.get_handling(second)["round"] == 2
    row = proposal_rows(congress["db"], [registered], today=TODAY)[registered]
    assert (row["status"], row["round"], row["handling_id"], row["overdue"]) == ("办理中", 2, second, True)
    with pytest.raises(UserError, match="^提案 第3届第2次-001 已有第2轮办理，第1轮的记录不能再修改$"):
        p.rate(first, "满意", "2026-04-16")
    p.reply(second, ReplyInput("已落实", "2026-06-01", "已解决"))
    p.rate(second, "基本满意", "2026-06-05")
    assert status(congress, registered) == "已办结"
    assert [h["round"] for h in p.handlings(registered)] == [1, 2]
    # a wrong round is voided: the first round's 不满意 shows again
    with pytest.raises(UserError, match="第1轮的记录不能再修改"):
        p.void_handling(first, "录错")
    p.void_handling(second, "录错")
    assert status(congress, registered) == "不满意"


def test_a_rating_is_cleared_to_correct_the_reply(congress, registered):
    p = congress["proposals"]
    first = p.assign(registered, handling())
    p.reply(first, ReplyInput("已完成", "2026-04-10", "已解决"))
    p.rate(first, "满意", "2026-04-12")
    assert status(congress, registered) == "已办结"
    p.rate(first, "")
    row = p.get_handling(first)
    assert (row["rating"], row["rated_on"]) == ("", None)
    p.reply(first, ReplyInput("正在施工", "2026-04-10", "正在解决"))
    assert status(congress, registered) == "已答复"


def test_voiding_a_proposal(congress, registered):
    p = congress["proposals"]
    with pytest.raises(UserError, match="作废提案时请填写原因"):
        p.void(registered, "")
    p.void(registered, "重复登记")
    with pytest.raises(UserError, match="^提案 第3届第2次-001 已作废，不能再修改$"):
        p.review(registered, ReviewInput("立案"))
    assert proposal_rows(congress["db"], [registered], today=TODAY)[registered]["voided_at"] is not None


def test_changes_are_in_the_change_log(congress, registered, db):
    p = congress["proposals"]
    handling_id = p.assign(registered, handling())
    p.reply(handling_id, ReplyInput("已完成", "2026-04-10", "已解决"))
    p.rate(handling_id, "满意", "2026-04-12")
    p.void_handling(handling_id, "录错")
    p.void(registered, "重复")

    def actions(table: str, record_id: int) -> list[str]:
        return [r[0] for r in db.execute("SELECT action FROM change_log WHERE table_name = ? AND record_id = ? "
                                         "ORDER BY id", [table, str(record_id)])]

    assert actions("proposals", registered) == ["insert", "update", "void"]
    assert actions("proposal_handlings", handling_id) == ["insert", "update", "update", "void"]
    assert db.execute("SELECT count(*) FROM change_log WHERE table_name = 'proposal_cosigners'").fetchone()[0] == 2
