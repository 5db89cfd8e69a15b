"""The proposals register: status derivation from the review and the latest round, overdue detection, the
filters and orders, the rows, a session's dashboard (every count and rate with its base, zero bases, by
category and by department), the history lines and home figure, and the demo's congress."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui_desk import demo, history, stats
from gonghui_desk.congress.proposals import (HandlingInput, ProposalInput, ProposalStore, ReplyInput, ReviewInput,
                                             SplitPart)
from gonghui_desk.congress.register import (STATUSES, CategoryRow, DepartmentRow, ProposalFilter, Rate,
                                            iter_proposals, member_proposals, overdue_proposals, proposal_ids,
                                            proposal_rows, session_dashboard, status_counts)
from gonghui_desk.congress.store import ATTENDING, FORMAL, CongressStore, SessionInput
from gonghui_desk.db import open_database
from tests.conftest import TODAY
from tests.test_congress_store import make_congress


@pytest.fixture
def register(db, store):
    """Session 2 gets one proposal in every state (A–K), one voided (L); session 1 one overdue (M).

    ===  ======================  ========  ===========================================  =========
    key  status                  category  latest round (主办 / 协办)                     proposer
    ===  ======================  ========  ===========================================  =========
    A    已办结 (已解决, 满意)     生活福利  后勤保障部 / 财务部                             张三
    B    已答复 (列入计划, 基本满意) 薪酬待遇  人力资源部                                   李四
    C    已办结 (已解决, unrated) 生活福利  后勤保障部                                     张三
    D    不满意 (正在解决)        安全生产  安全生产部 / 后勤保障部                         王五
    E    办理中, 逾期             安全生产  后勤保障部, deadline 2026-06-01               张三
    F    办理中, due today        ''        人力资源部, deadline today                   张三
    G    待交办                  生活福利                                                 张三
    H    不立案 / I 转意见建议    其他                                                    张三
    J    已并案 into A           生活福利                                                 周九
    K    待审查                  生活福利                                                 张三
    ===  ======================  ========  ===========================================  =========
    """
    data = make_congress(db, store)
    p = ProposalStore(db, today=TODAY)
    people = data["people"]

    def add(key: str, category: str = "生活福利", proposer: str = "张三", cosigners=("李四", "王五"),
            session: int = 2) -> int:
        proposal_id, _ = p.file(ProposalInput(
            data["sessions"][session], f"提案{key}：关于{key}的建议", proposer_member_id=people[proposer],
            cosigner_ids=[people[n] for n in cosigners], category=category,
            submitted_on="2026-03-01" if session == 2 else "2025-03-01"))
        return proposal_id

    ids = {"A": add("A"), "B": add("B", "薪酬待遇", "李四", ("张三", "王五")), "C": add("C"),
           "D": add("D", "安全生产", "王五", ("张三", "李四")), "E": add("E", "安全生产"), "F": add("F", ""),
           "G": add("G"), "H": add("H", "其他"), "I": add("I", "其他"), "J": add("J", proposer="周九"),
           "K": add("K"), "L": add("L"), "M": add("M", session=1)}
    for key in "ABCDEFGL":
        p.review(ids[key], ReviewInput("立案", reviewer="提案工作委员会", reviewed_on="2026-03-15"))
    p.review(ids["M"], ReviewInput("立案", reviewed_on="2025-03-15"))
    p.review(ids["H"], ReviewInput("不立案", "属于个人诉求", reviewed_on="2026-03-15"))
    p.review(ids["I"], ReviewInput("转意见建议", "转有关部门", reviewed_on="2026-03-15"))
    p.review(ids["J"], ReviewInput("并案", merged_into_id=ids["A"], reviewed_on="2026-03-15"))

    def assign(key: str, lead: str, co=(), deadline="2026-05-20") -> int:
        return p.assign(ids[key], HandlingInput(lead, list(co), "李副总经理", "2026-03-20" if key != "M" else
                                                "2025-04-01", deadline))

    rounds = {"A": assign("A", "后勤保障部", ["财务部"]), "B": assign("B", "人力资源部"), "C": assign("C", "后勤保障部"),
              "D": assign("D", "安全生产部", ["后勤保障部"]), "E": assign("E", "后勤保障部", deadline="2026-06-01"),
              "F": assign("F", "人力资源部", deadline=TODAY.isoformat()), "L": assign("L", "办公室"),
              "M": assign("M", "办公室", deadline="2025-05-01")}
    for key, result in (("A", "已解决"), ("B", "列入计划"), ("C", "已解决"), ("D", "正在解决")):
        p.reply(rounds[key], ReplyInput(f"{key}的答复", "2026-05-10", result))
    for key, rating in (("A", "满意"), ("B", "基本满意"), ("D", "不满意")):
        p.rate(rounds[key], rating, "2026-05-15")
    p.void(ids["L"], "重复登记")
    return {**data, "ids": ids, "rounds": rounds, "proposals": p, "db": db}


def numbers(register, ids) -> list[str]:
    keys = {v: k for k, v in register["ids"].items()}
    return [keys[i] for i in ids]


# --- status and rows -------------------------------------------------------------------------------------------
def test_every_status_is_derived(register):
    ids = register["ids"]
    rows = proposal_rows(register["db"], ids.values(), today=TODAY)
    assert {key: (rows[i]["status"], rows[i]["overdue"]) for key, i in ids.items() if key != "L"} == {
        "A": ("已办结", False), "B": ("已答复", False), "C": ("已办结", False), "D": ("不满意", False),
        "E": ("办理中", True), "F": ("办理中", False), "G": ("待交办", False), "H": ("不立案", False),
        "I": ("转意见建议", False), "J": ("已并案", False), "K": ("待审查", False), "M": ("办理中", True)}
    # overdue is judged on the day asked for
    later = proposal_rows(register["db"], [ids["F"]], today=TODAY + dt.timedelta(days=1))[ids["F"]]
    assert later["overdue"] is True


def test_rows_carry_the_proposal_its_people_and_its_latest_round(register):
    ids = register["ids"]
    rows = proposal_rows(register["db"], [ids["A"], ids["J"], ids["G"], ids["D"]], today=TODAY)
    a = rows[ids["A"]]
    assert (a["number"], a["title"], a["proposer_name"], a["cosigners"], a["cosigner_count"], a["category"]) == (
        "第3届第2次-001", "提案A：关于A的建议", "张三", "李四、王五", 2, "生活福利")
    assert (a["session_title"], a["term_number"], a["session_number"], a["review"], a["merged_count"]) == (
        "第三届职代会第二次会议", 3, 2, "立案", 1)
    assert (a["round"], a["lead_department"], a["co_departments"], a["co_departments_text"], a["leader"]) == (
        1, "后勤保障部", ["财务部"], "财务部", "李副总经理")
    assert (a["assigned_on"], a["deadline"], a["replied_on"], a["result"], a["rating"]) == (
        "2026-03-20", "2026-05-20", "2026-05-10", "已解决", "满意")
    assert rows[ids["J"]]["merged_into_number"] == "第3届第2次-001"
    g = rows[ids["G"]]
    assert (g["round"], g["handling_id"], g["lead_department"], g["co_departments"], g["rating"]) == (
        None, None, "", [], "")
    assert rows[ids["D"]]["co_departments_text"] == "后勤保障部"
    by_text = ProposalStore(register["db"], TODAY)
    proposal_id, _ = by_text.file(ProposalInput(register["sessions"][2], "联名提案", proposer_text="机关代表团",
                                                submitted_on="2026-03-02"))
    assert proposal_rows(register["db"], [proposal_id])[proposal_id]["proposer_name"] == "机关代表团"


# --- filters and orders ----------------------------------------------------------------------------------------
def test_filters(register):
    db, session = register["db"], register["sessions"][2]

    def keys(**f) -> list[str]:
        return numbers(register, proposal_ids(db, ProposalFilter(**f), today=TODAY))

    assert keys(session_id=session) == list("ABCDEFGHIJK")
    assert keys() == list("MABCDEFGHIJK")  # by term, session, number
    assert keys(session_id=session, categories=("生活福利",)) == list("ACGJK")
    assert keys(session_id=session, categories=("",)) == ["F"]
    assert keys(session_id=session, categories=()) == []
    assert keys(session_id=session, status="办理中") == ["E", "F"]
    assert keys(session_id=session, status=("已办结", "不满意")) == ["A", "C", "D"]
    assert keys(session_id=session, department="后勤保障部") == ["A", "C", "D", "E"]  # D: 协办
    assert keys(overdue_only=True) == ["M", "E"]
    assert keys(session_id=session, search="提案b") == ["B"]
    assert keys(session_id=session, search="lisi") == ["B"]  # the proposer's pinyin
    assert keys(session_id=session, search="zj") == ["J"]  # 周九's initials
    assert keys(session_id=session, search="第3届第2次-01") == ["J", "K"]
    assert keys(session_id=session, search="第3届第2次-011") == ["K"]
    assert keys(session_id=session, member_id=register["people"]["周九"]) == ["J"]
    assert keys(session_id=session, member_id=register["people"]["张三"]) == list("ABCDEFGHIK")  # J: 周九, 李四, 王五


def test_orders(register):
    db, f = register["db"], ProposalFilter(session_id=register["sessions"][2])
    assert numbers(register, proposal_ids(db, f, "number", descending=True)) == list("KJIHGFEDCBA")
    by_status = numbers(register, proposal_ids(db, f, "status", today=TODAY))
    assert by_status == ["K", "H", "I", "J", "G", "E", "F", "B", "D", "A", "C"]
    assert numbers(register, proposal_ids(db, f, "deadline", today=TODAY))[:6] == ["A", "B", "C", "D", "E", "F"]
    assert numbers(register, proposal_ids(db, f, "proposer"))[:2] == ["B", "D"]  # 李四, 王五, then 张三…
    assert numbers(register, proposal_ids(db, f, "department"))[:5] == ["G", "H", "I", "J", "K"]  # no round yet
    with pytest.raises(ValueError, match="unknown proposal order"):
        proposal_ids(db, f, "size")
    assert [r["number"] for r in iter_proposals(db, f, batch=4)] == [f"第3届第2次-{n:03d}" for n in range(1, 12)]


def test_overdue_proposals_and_status_counts(register):
    rows = overdue_proposals(register["db"], TODAY)
    assert [(r["number"], r["deadline"], r["lead_department"]) for r in rows] == [
        ("第3届第1次-001", "2025-05-01", "办公室"), ("第3届第2次-005", "2026-06-01", "后勤保障部")]
    assert overdue_proposals(register["db"], "2025-05-01") == []
    counts = status_counts(register["db"], ProposalFilter(session_id=register["sessions"][2]), TODAY)
    assert list(counts) == list(STATUSES)
    assert counts == {"待审查": 1, "不立案": 1, "转意见建议": 1, "已并案": 1, "待交办": 1, "办理中": 2, "已答复": 1,
                      "不满意": 1, "已办结": 2}


# --- the dashboard ---------------------------------------------------------------------------------------------------
def test_the_dashboard_counts_and_rates_with_their_bases(register):
    board = session_dashboard(register["db"], register["sessions"][2], TODAY)
    assert board.title == "第三届职代会第二次会议"
    assert (board.received, board.registered, board.not_registered, board.to_suggestions, board.merged,
            board.pending_review, board.to_assign, board.in_progress) == (11, 7, 1, 1, 1, 1, 1, 2)
    assert (board.replied, board.completed, board.satisfied, board.fairly_satisfied, board.dissatisfied,
            board.rated, board.overdue) == (4, 2, 1, 1, 1, 3, 1)
    assert sum(board.by_status.values()) == board.received
    assert (board.filing_rate.value, board.filing_rate.base_text, board.filing_rate.text) == (
        7 / 11, "立案7件 ÷ 收到提案11件", "63.6%")
    assert (board.reply_rate.value, board.reply_rate.base_text) == (4 / 7, "已答复4件 ÷ 立案7件")
    assert (board.completion_rate.value, board.completion_rate.base_text) == (2 / 7, "办结2件 ÷ 立案7件")
    assert (board.satisfaction_rate.value, board.satisfaction_rate.base_text) == (2 / 3, "满意和基本满意2件 ÷ 已评价3件")


def test_split_parts_count_as_proposals_of_their_own(register):
    db, session, p, ids = register["db"], register["sessions"][2], register["proposals"], register["ids"]
    assert session_dashboard(db, session, TODAY).split == 0
    parts = p.split(ids["K"], [SplitPart("提案K之一", "安全生产"), SplitPart("提案K之二", "生活福利")])
    p.review(parts[0], ReviewInput("立案", reviewed_on="2026-03-15"))
    board = session_dashboard(db, session, TODAY)
    assert (board.received, board.split, board.registered, board.pending_review, board.to_assign) == (13, 2, 8, 2, 2)
    assert board.filing_rate.base_text == "立案8件 ÷ 收到提案13件"
    by_category = {row.category: (row.received, row.registered) for row in board.by_category}
    assert by_category["安全生产"] == (3, 3) and by_category["生活福利"] == (6, 3)
    rows = proposal_rows(db, [ids["K"], *parts, ids["A"]], today=TODAY)
    assert rows[ids["K"]]["split_numbers"] == ["第3届第2次-013", "第3届第2次-014"]  # after L, voided
    assert [rows[i]["split_from_number"] for i in parts] == ["第3届第2次-011"] * 2
    assert (rows[ids["A"]]["split_numbers"], rows[ids["A"]]["split_from_number"]) == ([], "")
    p.void(parts[1], "录错")  # a voided part is neither counted nor listed
    assert proposal_rows(db, [ids["K"]], today=TODAY)[ids["K"]]["split_numbers"] == ["第3届第2次-013"]
    assert session_dashboard(db, session, TODAY).split == 1


def test_the_dashboard_by_category_and_by_department(register):
    board = session_dashboard(register["db"], register["sessions"][2], TODAY)
    assert board.by_category == [
        CategoryRow("生活福利", 5, 3, 2, 2, 0, 1, 1), CategoryRow("安全生产", 2, 2, 1, 0, 1, 0, 1),
        CategoryRow("薪酬待遇", 1, 1, 1, 0, 0, 1, 1), CategoryRow("其他", 2, 0, 0, 0, 0, 0, 0),
        CategoryRow("未分类", 1, 1, 0, 0, 0, 0, 0)]
    food = board.by_category[0]
    assert (food.filing_rate.base_text, food.reply_rate.value, food.completion_rate.value,
            food.satisfaction_rate.value) == ("立案3件 ÷ 收到提案5件", 2 / 3, 2 / 3, 1.0)
    other = board.by_category[3]
    assert (other.filing_rate.value, other.reply_rate.value, other.reply_rate.text) == (0.0, None, "—")
    assert board.by_department == [
        DepartmentRow("人力资源部", 2, 0, 1, 0, 0, 1, 1), DepartmentRow("财务部", 0, 1, 0, 0, 0, 0, 0),
        DepartmentRow("后勤保障部", 3, 1, 2, 2, 1, 1, 1), DepartmentRow("安全生产部", 1, 0, 1, 0, 0, 0, 1)]
    logistics = board.by_department[2]
    assert (logistics.reply_rate.base_text, logistics.completion_rate.value, logistics.satisfaction_rate.value) == (
        "已答复2件 ÷ 主办3件", 2 / 3, 1.0)
    assert board.by_department[1].reply_rate.value is None


def test_a_second_round_changes_what_counts(register):
    p, ids = register["proposals"], register["ids"]
    second = p.second_round(ids["D"], HandlingInput("后勤保障部", [], "", "2026-05-20", "2026-06-20"))
    board = session_dashboard(register["db"], register["sessions"][2], TODAY)
    # D's latest round is unreplied and past its deadline: not 已答复, not rated, overdue, led by 后勤保障部
    assert (board.replied, board.rated, board.dissatisfied, board.overdue) == (3, 2, 0, 2)
    assert [(d.department, d.assigned) for d in board.by_department] == [
        ("人力资源部", 2), ("财务部", 0), ("后勤保障部", 4)]
    p.reply(second, ReplyInput("已完成整改", "2026-06-10", "已解决"))
    p.rate(second, "满意", "2026-06-12")
    board = session_dashboard(register["db"], register["sessions"][2], TODAY)
    assert (board.replied, board.completed, board.satisfied, board.rated, board.overdue) == (4, 3, 2, 3, 1)


def test_rates_without_a_base_are_none(register):
    c = register["store"]
    empty = c.create_session(SessionInput(register["term"], 3, held_on="2026-10-01"))
    board = session_dashboard(register["db"], empty, TODAY)
    assert board.received == 0 and board.by_category == [] and board.by_department == []
    for rate in (board.filing_rate, board.reply_rate, board.completion_rate, board.satisfaction_rate):
        assert rate.value is None and rate.text == "—"
    assert board.filing_rate.base_text == "立案0件 ÷ 收到提案0件"
    assert board.satisfaction_rate.base_text == "满意和基本满意0件 ÷ 已评价0件"
    assert Rate(3, 4, "立案", "收到提案").value == 0.75


def test_a_voided_session_drops_out_of_the_register(register):
    p, c = register["proposals"], register["store"]
    p.void(register["ids"]["M"], "录错")
    c.void_session(register["sessions"][1], "录错")
    assert numbers(register, proposal_ids(register["db"], ProposalFilter(overdue_only=True), today=TODAY)) == ["E"]


# --- history and home -----------------------------------------------------------------------------------------
def test_history_lines_for_proposers_and_co_signers(register):
    zhou = [e for e in history.member_history(register["db"], register["people"]["周九"]) if e.category == "提案"]
    assert [(e.date, e.summary, e.table, e.record_id) for e in zhou] == [
        ("2026-03-01", "提出提案 第3届第2次-010《提案J：关于J的建议》", "proposals", register["ids"]["J"])]
    li = [e.summary for e in history.member_history(register["db"], register["people"]["李四"]) if e.category == "提案"]
    assert "提出提案 第3届第2次-002《提案B：关于B的建议》" in li
    assert "附议提案 第3届第2次-001《提案A：关于A的建议》" in li
    assert "附议提案 第3届第1次-001《提案M：关于M的建议》" in li
    assert not any("提案L" in line for line in li)  # voided
    assert len(li) == 12
    rows = member_proposals(register["db"], register["people"]["李四"])
    assert rows[0]["submitted_on"] == "2026-03-01" and rows[-1]["number"] == "第3届第1次-001"


def test_the_home_figure_of_the_newest_session(register):
    figures = [f for f in stats.home_figures(register["db"], TODAY).figures if f.label == "职代会提案"]
    assert [(f.value, f.unit, f.hint) for f in figures] == [
        (11, "件", "第三届职代会第二次会议：立案7件（立案率63.6%）；逾期未答复1件")]


def test_no_home_figure_without_a_session(db):
    assert not [f for f in stats.home_figures(db, TODAY).figures if "提案" in f.label]


# --- the demo --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=["school", "company"])
def demo_db(request, tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp(request.param) / "demo.sqlite3")
    demo.generate_demo(db, kind=request.param, seed=1, today=TODAY)
    yield request.param, db
    db.conn.close()


def test_the_demo_congress(demo_db):
    kind, db = demo_db
    c = CongressStore(db, TODAY)
    [term] = c.terms()
    sessions = c.sessions(term["id"])
    assert [s["number"] for s in sessions] == [2, 1]
    second, first = sessions
    word = "教代会" if kind == "school" else "职代会"
    assert second["kind"] == word and second["title"].endswith(f"{word}第二次会议")
    assert 60 <= (TODAY - dt.date.fromisoformat(second["held_on"])).days <= 150
    assert 340 <= (dt.date.fromisoformat(second["held_on"]) - dt.date.fromisoformat(first["held_on"])).days <= 390
    assert 4 <= len(c.delegations(term["id"])) <= 6
    assert all(d["leader"] for d in c.delegations(term["id"]))
    working = db.execute("SELECT count(*) FROM members WHERE status = '在册' AND voided_at IS NULL").fetchone()[0]
    counts = c.delegate_counts(second["id"])
    assert counts.attending >= 2
    assert max(working * 0.08, 20) <= counts.formal <= max(working * 0.12, 26)
    delegates = c.delegates(term["id"])
    assert any(d["to_date"] and d["end_reason"] for d in delegates)  # one left between the sessions
    assert any(d["from_date"] for d in delegates)  # a 补选
    assert {d["role"] for d in delegates} == {FORMAL, ATTENDING}


def test_the_demo_proposals(demo_db):
    kind, db = demo_db
    c = CongressStore(db, TODAY)
    second, first = c.sessions()
    total = db.execute("SELECT count(*) FROM proposals WHERE voided_at IS NULL").fetchone()[0]
    assert 30 <= total <= 60
    old = session_dashboard(db, first["id"], TODAY)
    new = session_dashboard(db, second["id"], TODAY)
    for board in (old, new):
        assert board.registered >= board.received * 0.6
        assert board.not_registered >= 1 and 1 <= board.to_suggestions <= 2 and 1 <= board.merged <= 2
    assert old.replied == old.registered and old.to_assign == old.in_progress == old.overdue == 0
    assert old.rated >= old.registered - 1
    assert db.execute("SELECT count(*) FROM proposal_handlings h JOIN proposals p ON p.id = h.proposal_id "
                      "WHERE p.session_id = ? AND h.round = 2", [first["id"]]).fetchone()[0] == 1
    assert new.by_status["待审查"] == 1 and new.to_assign == 1 and new.by_status["不满意"] == 1
    assert new.overdue >= 2 and new.in_progress > new.overdue
    assert new.replied >= 3
    assert {r.department for r in new.by_department} <= set(
        r[0] for r in db.execute("SELECT value FROM value_lists WHERE list_key = 'proposal.department'"))
    if kind == "school":
        assert "教育教学" in [r[0] for r in db.execute(
            "SELECT value FROM value_lists WHERE list_key = 'proposal.category'")]
    # the demo's proposals pass the store's own checks without warnings
    p = ProposalStore(db, TODAY)
    for row in iter_proposals(db, ProposalFilter(), today=TODAY):
        if row["proposer_member_id"]:
            assert p.check(p.as_input(row["id"]), row["id"])[2] == [], row["number"]
        assert row["cosigner_count"] >= 2 or not row["proposer_member_id"]


def test_the_demo_is_deterministic(tmp_path):
    titles = []
    for name in ("a", "b"):
        db = open_database(tmp_path / f"{name}.sqlite3")
        demo.generate_demo(db, kind="school", seed=5, today=TODAY)
        titles.append([tuple(r) for r in db.execute(
            "SELECT number, title, review, proposer_member_id FROM proposals ORDER BY id")])
        db.conn.close()
    assert titles[0] == titles[1]
