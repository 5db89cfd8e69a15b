"""Importing historical proposals: rows grouped into sessions (terms and sessions created when missing) and
proposals; numbers kept from the sheet; every review outcome with merges in any order; handling, replies,
ratings and second rounds; proposers and co-signers found in the roster; a recorded proposal kept and
completed; importing twice writes nothing; every problem named by row and field; --skip-invalid dropping the
rows that depend on an invalid one; dry runs; the command line; the template."""

from __future__ import annotations

import io

import openpyxl
import pytest

from gonghui_desk import cli, settings
from gonghui_desk.congress.proposals import HandlingInput, ProposalInput, ProposalStore, ReplyInput, ReviewInput
from gonghui_desk.congress.register import ProposalFilter, proposal_ids, proposal_rows, session_dashboard
from gonghui_desk.congress.store import SessionInput
from gonghui_desk.errors import Cancelled, UserError
from gonghui_desk.importing.common import ImportBlocked
from gonghui_desk.importing.headers import auto_map
from gonghui_desk.importing.proposal_import import (PROPOSAL_IMPORT_FIELDS, PROPOSAL_SYNONYMS, commit_import,
                                                    open_source, plan_import, proposals_import_command, read_meeting,
                                                    read_outcome, split_names, write_proposals_template)
from tests.conftest import TODAY
from tests.test_care_visits import add_member
from tests.test_congress_store import make_congress

FIELDS = list(PROPOSAL_IMPORT_FIELDS)
HEADER = ["序号", *PROPOSAL_IMPORT_FIELDS.values()]
TABLES = ("congress_terms", "congress_sessions", "proposals", "proposal_cosigners", "proposal_handlings",
          "change_log")
CATEGORIES = "生活福利、安全生产、经营管理、教育培训、民主管理、薪酬待遇、工作环境、其他"
DEPARTMENTS = "办公室、人力资源部、财务部、后勤保障部、安全生产部、业务管理部、工会"


def row(**cells) -> list:
    """A row of the sheet by field key (title=…, name=…); the other cells empty."""
    unknown = set(cells) - set(FIELDS)
    assert not unknown, unknown
    return [cells.get(key) for key in FIELDS]


def write_sheet(path, rows, *, header=HEADER):
    """A sheet kept by hand: a title, a unit line, the header, 序号 in column A, and a 制表人 line under it.
    The first data row is row 4."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "提案"
    sheet.append(["某某机械有限公司第三届职代会提案汇总表"])
    sheet.append(["填报单位：某某机械有限公司工会", None, None, None, "填报日期：2026年11月20日"])
    sheet.append(header)
    for number, cells in enumerate(rows, start=1):
        sheet.append([number, *cells])
    sheet.append(["制表人：王五", None, None, "审核人：李主席"])
    workbook.save(path)
    return path


S2 = dict(term=3, session_number=2)  # 第3届第2次, recorded, held on 2026-03-12
MEALS = dict(**S2, number=1, title="关于增设夜班职工热食供应的建议", reason="夜班职工就餐难。\n食堂夜间不开放。",
             measures="增设夜宵窗口", name="张三", cosigners="李四、王五", category="生活福利", submitted_on="2026-03-01")
NOISE = dict(**S2, number=2, title="关于降低冲压车间噪声的建议", name="李四", cosigners="张三、王五", category="安全",
             submitted_on="2026-03-02")
AIR = dict(**S2, number=3, title="关于改善车间通风降噪的建议", name="王五", cosigners="张三、李四", category="工作环境",
           submitted_on="2026-03-02")
HEAT = dict(**S2, number=4, title="关于发放高温补贴的建议", name="周九", cosigners="张三、李四", category="薪酬待遇",
            submitted_on="2026-03-03")
TRIP = dict(**S2, number=5, title="关于组织职工春游的建议", name="一车间代表团", category="生活福利",
            submitted_on="2026-03-03")
CHECKUP = dict(**S2, number=6, title="关于增加职工体检项目的建议", name="赵六", cosigners="张三、李四", category="生活福利",
               submitted_on="2026-03-04")
BOOKS = dict(**S2, number=7, title="关于开设职工书屋的建议", name="张三", cosigners="李四、王五", category="教育培训",
             submitted_on="2026-03-05")
HOME = dict(meeting="第四届职代会第一次会议", held_on="2026-10-15", title="关于建设职工之家的建议", name="孙八",
            cosigners="张三、李四")

GOOD = [
    row(**MEALS, outcome="立案", reviewer="提案工作委员会", reviewed_on="2026-03-20", lead_department="后勤保障部",
        co_departments="财务部、工会", leader="刘副总", assigned_on="2026-03-25", deadline="2026-06-30",
        reply="已在食堂增设夜宵窗口", replied_on="2026-05-20", result="已解决", rating="满意", rated_on="2026-05-25"),  # 4
    row(**NOISE, outcome="并入3号"),                                              # 5: merged into a later row
    row(**AIR, outcome="予以立案", lead_department="安全生产部", deadline="2026-09-30"),  # 6: overdue
    row(**HEAT, outcome="不予立案：高温补贴已按规定发放"),                            # 7
    row(**TRIP, outcome="转为意见和建议"),                                        # 8
    row(**CHECKUP, outcome="立案", lead_department="人力资源部", reply="已与体检中心协商", replied_on="2026-06-10",
        result="列入计划", rating="不满意", rated_on="2026-06-15", rating_notes="希望今年内落实"),            # 9
    row(**S2, number=6, round=2, lead_department="人力资源部", assigned_on="2026-06-20", deadline="2026-08-31",
        reply="已增加两项体检", replied_on="2026-08-20", result="已解决", rating="基本满意", rated_on="2026-08-25"),  # 10
    row(**BOOKS),                                                               # 11: 待审查
    row(**HOME),                                                                # 12: a new term and session
]


@pytest.fixture
def congress(db, store):
    """make_congress: a company union, term 3 (2024-03-01 – 2029-02-28) with sessions 1 (2025-03-10) and 2
    (2026-03-12); 张三, 李四 (一车间), 王五 正式代表, 赵六 列席代表, 钱七 left on 2026-05-31, 周九 elected on
    2026-01-10; 孙八 is no delegate."""
    data = make_congress(db, store)
    data["proposals"] = ProposalStore(db, today=TODAY)
    return data


def plan_file(db, path, **kwargs):
    return plan_import(db, open_source(path), today=TODAY, **kwargs)


def texts(plan, severity: str = "error") -> list[str]:
    return [p.text for p in plan.problems() if p.severity == severity]


def table_counts(db) -> dict[str, int]:
    return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


def session_id(db, term: int, number: int) -> int:
    return db.execute("SELECT s.id FROM congress_sessions s JOIN congress_terms t ON t.id = s.term_id "
                      "WHERE t.number = ? AND s.number = ? AND s.voided_at IS NULL", [term, number]).fetchone()[0]


def proposals_of(db, term: int = 3, number: int = 2) -> dict[str, dict]:
    ids = proposal_ids(db, ProposalFilter(session_id=session_id(db, term, number)))
    rows = proposal_rows(db, ids, today=TODAY)
    return {rows[i]["number"]: rows[i] for i in ids}


# --- reading ------------------------------------------------------------------------------------------------------
def test_the_template_headers_and_hand_written_ones_are_mapped(tmp_path):
    source = open_source(write_sheet(tmp_path / "提案.xlsx", GOOD))
    assert source.header_row_number == 3
    assert [source.mapping.get(i) for i in range(len(HEADER))] == [None, *FIELDS]
    assert list(auto_map(["序号", "提案编号", "提案名称", "第一提案人", "附议代表", "提案类别", "审查意见", "承办部门",
                          "协办单位", "答复意见", "落实结果", "是否满意"], PROPOSAL_SYNONYMS).items()) == [
        (1, "number"), (2, "title"), (3, "name"), (4, "cosigners"), (5, "category"), (6, "outcome"),
        (7, "lead_department"), (8, "co_departments"), (9, "reply"), (10, "result"), (11, "rating")]


def test_reading_meetings_outcomes_and_names():
    assert read_meeting("第3届第2次") == (3, 2)
    assert read_meeting("第三届职代会第二次会议") == (3, 2)
    assert read_meeting("三届二次") == (3, 2)
    assert read_meeting("第十二届教代会首次会议") == (12, 1)
    assert read_meeting("第2次会议") == (None, 2)
    assert read_meeting("第3届第2次-007") == (3, 2)
    assert read_meeting("2025年提案007号") == (None, None)
    assert read_outcome("予以立案") == ("立案", "")
    assert read_outcome("不予立案：属个人诉求") == ("不立案", "属个人诉求")
    assert read_outcome("不立案（已在办理中）") == ("不立案", "已在办理中")
    assert read_outcome("转为意见和建议") == ("转意见建议", "")
    assert read_outcome("并入7号") == ("并案", "7号")
    assert read_outcome("并案（并入第3届第2次-003）") == ("并案", "第3届第2次-003")  # as the summary export writes it
    assert read_outcome("立案（含并案2件）") == ("立案", "")
    assert read_outcome("待审查") == ("", "")
    assert read_outcome("暂缓") is None
    assert split_names("张三、李四，王五") == ["张三", "李四", "王五"]
    assert split_names("张三 李四") == ["张三", "李四"]
    assert split_names("张  三") == ["张三"]  # a padded two-character name
    assert split_names("张三（一车间/甲班）、李四等") == ["张三（一车间/甲班）", "李四"]
    assert split_names("") == []


# --- planning and writing --------------------------------------------------------------------------------------------
def test_rows_are_grouped_into_sessions_and_proposals(tmp_path, db, congress):
    plan = plan_file(db, write_sheet(tmp_path / "提案.xlsx", GOOD))
    assert texts(plan) == [] and texts(plan, "warning") == []
    assert plan.counts() == {"new": 9, "update": 0, "unchanged": 0, "invalid": 0}
    shown = [(r.session, r.number, r.name, r.review, r.handling) for r in plan.rows]
    assert shown == [
        ("第3届第2次", "第3届第2次-001", "张三", "立案", "后勤保障部；已解决；满意"),
        ("第3届第2次", "第3届第2次-002", "李四", "并入 第3届第2次-003", ""),
        ("第3届第2次", "第3届第2次-003", "王五", "立案", "安全生产部"),
        ("第3届第2次", "第3届第2次-004", "周九", "不立案", ""),
        ("第3届第2次", "第3届第2次-005", "一车间代表团", "转意见建议", ""),
        ("第3届第2次", "第3届第2次-006", "赵六", "立案", "人力资源部；列入计划；不满意"),
        ("第3届第2次", "第3届第2次-006（第2轮）", "赵六", "", "第2轮：人力资源部；已解决；基本满意"),
        ("第3届第2次", "第3届第2次-007", "张三", "", ""),
        ("第4届第1次", "第4届第1次-001", "孙八", "", "")]
    by_row = {r.row_number: r for r in plan.rows}
    assert by_row[4].writes == ["登记提案", "审查：立案", "交办（主办：后勤保障部）", "登记答复", "登记评价（满意）"]
    assert by_row[5].writes == ["登记提案", "并入 第3届第2次-003"]
    assert by_row[6].defaults == ["审查日期按会议日期 2026-03-12", "交办日期按立案日期 2026-03-12"]
    assert by_row[10].writes == ["第2轮交办（主办：人力资源部）", "登记答复", "登记评价（基本满意）"]
    assert by_row[11].writes == ["登记提案"] and by_row[11].defaults == []
    assert by_row[12].writes == ["新建第4届", "新建第四届职代会第一次会议", "登记提案（自动编号）"]
    assert by_row[12].defaults == ["提交日期按会议日期 2026-10-15"]
    assert plan.created_text() == "新建届次：第4届；新建会议：第四届职代会第一次会议（2026-10-15）"
    assert plan.defaults_text() == "审查日期 5 行、交办日期 2 行、提交日期 1 行"
    assert plan.notes == ["第4届是新建的届次，还没有代表名单：提案人、附议人是否为本届代表没有检查，"
                          "可在“届次与代表”中补充代表后在提案中核对"]
    totals = plan.totals()
    assert (totals.terms, totals.sessions, totals.proposals, totals.updated, totals.reviews, totals.rounds,
            totals.replies, totals.ratings) == (1, 1, 8, 0, 6, 4, 3, 3)


def test_the_import_writes_terms_sessions_proposals_reviews_and_rounds(tmp_path, db, congress):
    result = commit_import(db, plan_file(db, write_sheet(tmp_path / "提案.xlsx", GOOD)))
    assert (result.terms, result.sessions, result.proposals, result.reviews, result.rounds, result.replies,
            result.ratings, result.skipped) == (1, 1, 8, 6, 4, 3, 3, 0)
    rows = proposals_of(db)
    assert [(n, r["seq"], r["proposer_name"], r["cosigners"], r["category"], r["review"], r["merged_into_number"],
             r["status"], r["round"], r["overdue"]) for n, r in rows.items()] == [
        ("第3届第2次-001", 1, "张三", "李四、王五", "生活福利", "立案", "", "已办结", 1, False),
        ("第3届第2次-002", 2, "李四", "张三、王五", "安全生产", "并案", "第3届第2次-003", "已并案", None, False),
        ("第3届第2次-003", 3, "王五", "张三、李四", "工作环境", "立案", "", "办理中", 1, True),
        ("第3届第2次-004", 4, "周九", "张三、李四", "薪酬待遇", "不立案", "", "不立案", None, False),
        ("第3届第2次-005", 5, "一车间代表团", "", "生活福利", "转意见建议", "", "转意见建议", None, False),
        ("第3届第2次-006", 6, "赵六", "张三、李四", "生活福利", "立案", "", "已办结", 2, False),
        ("第3届第2次-007", 7, "张三", "李四、王五", "教育培训", "", "", "待审查", None, False)]
    meals, heat, checkup = rows["第3届第2次-001"], rows["第3届第2次-004"], rows["第3届第2次-006"]
    assert meals["reason"] == "夜班职工就餐难。\n食堂夜间不开放。" and meals["measures"] == "增设夜宵窗口"
    assert (meals["reviewer"], meals["reviewed_on"], meals["co_departments"], meals["leader"], meals["deadline"],
            meals["reply"], meals["rated_on"]) == ("提案工作委员会", "2026-03-20", ["财务部", "工会"], "刘副总",
                                                   "2026-06-30", "已在食堂增设夜宵窗口", "2026-05-25")
    assert (heat["review_reason"], heat["reviewed_on"]) == ("高温补贴已按规定发放", "2026-03-12")
    assert (checkup["rating"], checkup["assigned_on"], checkup["result"]) == ("基本满意", "2026-06-20", "已解决")
    first_round = ProposalStore(db, today=TODAY).handlings(checkup["id"])[0]
    assert (first_round["rating"], first_round["rating_notes"], first_round["assigned_on"]) == (
        "不满意", "希望今年内落实", "2026-03-12")
    dashboard = session_dashboard(db, session_id(db, 3, 2), today=TODAY)
    assert (dashboard.received, dashboard.registered, dashboard.replied, dashboard.completed, dashboard.overdue) == (
        7, 3, 2, 2, 1)
    new = db.execute("SELECT t.number, t.started_on, s.number, s.held_on, s.kind FROM congress_sessions s "
                     "JOIN congress_terms t ON t.id = s.term_id WHERE t.number = 4").fetchall()
    assert new == [(4, None, 1, "2026-10-15", "职代会")]
    home = proposals_of(db, 4, 1)["第4届第1次-001"]
    assert (home["submitted_on"], home["proposer_name"], home["status"]) == ("2026-10-15", "孙八", "待审查")


def test_importing_the_same_sheet_again_changes_nothing(tmp_path, db, congress):
    path = write_sheet(tmp_path / "提案.xlsx", GOOD)
    commit_import(db, plan_file(db, path))
    before = table_counts(db)
    again = plan_file(db, path)
    assert again.counts() == {"new": 0, "update": 0, "unchanged": 9, "invalid": 0}
    assert again.problems() == [] and again.proposals == [] and again.created_text() == ""
    result = commit_import(db, again)
    assert (result.proposals, result.updated, result.reviews, result.unchanged) == (0, 0, 0, 9)
    assert table_counts(db) == before


def test_a_sheet_kept_up_to_date_adds_what_the_records_lack(tmp_path, db, congress):
    """Filed in March, imported; the year-end sheet adds the reviews, the handling and the ratings."""
    march = [row(**MEALS), row(**NOISE), row(**AIR), row(**CHECKUP)]
    commit_import(db, plan_file(db, write_sheet(tmp_path / "三月.xlsx", march)))
    year_end = [GOOD[0], GOOD[1], GOOD[2], GOOD[5], GOOD[6]]
    plan = plan_file(db, write_sheet(tmp_path / "年底.xlsx", year_end))
    assert texts(plan) == [] and texts(plan, "warning") == []
    assert plan.counts() == {"new": 0, "update": 5, "unchanged": 0, "invalid": 0}
    assert [r.writes for r in plan.rows] == [
        ["审查：立案", "交办（主办：后勤保障部）", "登记答复", "登记评价（满意）"], ["并入 第3届第2次-003"],
        ["审查：立案", "交办（主办：安全生产部）"], ["审查：立案", "交办（主办：人力资源部）", "登记答复", "登记评价（不满意）"],
        ["第2轮交办（主办：人力资源部）", "登记答复", "登记评价（基本满意）"]]
    result = commit_import(db, plan)
    assert (result.proposals, result.updated, result.reviews, result.rounds, result.ratings) == (0, 4, 4, 4, 3)
    statuses = {n: r["status"] for n, r in proposals_of(db).items()}
    assert statuses == {"第3届第2次-001": "已办结", "第3届第2次-002": "已并案", "第3届第2次-003": "办理中",
                        "第3届第2次-006": "已办结"}
    assert plan_file(db, write_sheet(tmp_path / "年底.xlsx", year_end)).counts()["unchanged"] == 5


def test_a_recorded_proposal_is_kept_and_differences_are_shown(tmp_path, db, congress):
    people, proposals = congress["people"], congress["proposals"]
    stored, _warnings = proposals.file(ProposalInput(
        congress["sessions"][2], "关于增设夜班职工热食的建议", proposer_member_id=people["张三"],
        cosigner_ids=[people["李四"]], category="其他", submitted_on="2026-03-01", number="第3届第2次-001"))
    proposals.review(stored, ReviewInput("立案", reviewed_on="2026-03-15"))
    handling = proposals.assign(stored, HandlingInput("办公室", assigned_on="2026-03-16"))
    proposals.reply(handling, ReplyInput("已答复", "2026-04-01", "正在解决"))
    plan = plan_file(db, write_sheet(tmp_path / "提案.xlsx", [GOOD[0]]))
    assert plan.counts() == {"new": 0, "update": 1, "unchanged": 0, "invalid": 0}
    assert texts(plan, "warning") == [
        "第4行 已有记录：提案 第3届第2次-001 已在系统中，沿用系统中的记录；表中与系统中不同的项：案由（表中“关于增设夜班职工热食供应的建议”，"
        "系统中“关于增设夜班职工热食的建议”），理由（表中“夜班职工就餐难。 食堂夜间不开放。”，系统中“（空）”），办法和措施（表中“增设夜宵窗口”，"
        "系统中“（空）”），类别（表中“生活福利”，系统中“其他”），附议人（表中“李四、王五”，系统中“李四”），"
        "如需更正请在提案中修改",
        "第4行 已有记录：系统中已有第1轮的办理情况，与表中不同：主办部门（表中“后勤保障部”，系统中“办公室”），协办部门（表中“财务部、工会”，"
        "系统中“（空）”），责任领导（表中“刘副总”，系统中“（空）”），交办日期（表中“2026-03-25”，系统中“2026-03-16”），"
        "办理期限（表中“2026-06-30”，系统中“（空）”），答复内容（表中“已在食堂增设夜宵窗口”，系统中“已答复”），"
        "答复日期（表中“2026-05-20”，系统中“2026-04-01”），办理结果（表中“已解决”，系统中“正在解决”）；"
        "沿用系统中的记录，如需更正请在提案中修改"]
    assert plan.rows[0].writes == ["登记评价（满意）"]  # only the rating is missing
    commit_import(db, plan)
    row = proposals_of(db)["第3届第2次-001"]
    assert (row["title"], row["lead_department"], row["result"], row["rating"]) == (
        "关于增设夜班职工热食的建议", "办公室", "正在解决", "满意")


def test_merges_resolve_by_number_in_any_order(tmp_path, db, congress):
    proposals = congress["proposals"]
    recorded, _w = proposals.file(ProposalInput(congress["sessions"][2], "关于职工食堂的建议",
                                                proposer_member_id=congress["people"]["王五"],
                                                submitted_on="2026-03-01", number="第3届第2次-020"))
    proposals.review(recorded, ReviewInput("立案", reviewed_on="2026-03-12"))
    rows = [row(**NOISE, merged_into="第3届第2次-003"),                  # before its target
            row(**{**HEAT, "outcome": "合并到20号"}),                   # into a recorded proposal
            row(**AIR, outcome="立案"),
            row(**{**TRIP, "outcome": "并案"}, merged_into=4),          # into a proposal that is not 立案
            row(**{**CHECKUP, "outcome": "并案"}, merged_into=6),       # into itself
            row(**{**BOOKS, "outcome": "并入"}, merged_into="第3届第1次-001")]  # not in this session
    plan = plan_file(db, write_sheet(tmp_path / "提案.xlsx", rows))
    assert [r.action for r in plan.rows] == ["new", "new", "new", "invalid", "invalid", "invalid"]
    assert texts(plan) == [
        "第7行 并入提案编号：只能并入已立案的提案，提案 第3届第2次-004 的审查结果为“并案”",
        "第8行 并入提案编号：提案不能并入自身",
        "第9行 并入提案编号：本次会议中没有编号为“第3届第1次-001”的提案（表中和系统中都没有）"]
    commit_import(db, plan, skip_invalid=True)
    stored = proposals_of(db)
    assert sorted((n, r["review"], r["merged_into_number"]) for n, r in stored.items()) == [
        ("第3届第2次-002", "并案", "第3届第2次-003"), ("第3届第2次-003", "立案", ""),
        ("第3届第2次-004", "并案", "第3届第2次-020"), ("第3届第2次-020", "立案", "")]
    assert stored["第3届第2次-020"]["merged_count"] == 1


def test_numbers_are_kept_from_the_sheet(tmp_path, db, congress):
    c = congress["store"]
    c.update_session(congress["sessions"][1], SessionInput(congress["term"], 1, held_on="2025-03-10",
                                                           number_format="{年}年提案{序号}号"))
    s1 = dict(term="第三届", session_number="第一次", submitted_on="2025-03-01", name="张三", cosigners="李四、王五")
    rows = [row(**s1, number="12", title="十二号"),             # 4: a plain number in the session's format
            row(**s1, title="没有编号"),                          # 5: generated
            row(**s1, number="3号", title="三号"),                # 6
            row(**s1, number="2025-A01", title="写法不同的编号"),   # 7: any other text kept as it is
            row(**s1, number=1, title="一号")]                    # 8
    plan = plan_file(db, write_sheet(tmp_path / "提案.xlsx", rows))
    assert texts(plan) == []
    assert [r.number for r in plan.rows] == ["2025年提案012号", "2025年提案006号", "2025年提案003号", "2025-A01",
                                             "2025年提案001号"]  # generated as the store will: see below
    commit_import(db, plan)
    # filed in the order of their numbers, so the running numbers follow the sheet's (the store skips a
    # running number whose number is taken: 012 after 003 takes seq 4), other numbers and generated ones last
    assert [(n, r["seq"], r["title"]) for n, r in proposals_of(db, 3, 1).items()] == [
        ("2025年提案001号", 1, "一号"), ("2025年提案003号", 2, "三号"), ("2025年提案012号", 4, "十二号"),
        ("2025-A01", 5, "写法不同的编号"), ("2025年提案006号", 6, "没有编号")]
    again = plan_file(db, write_sheet(tmp_path / "提案.xlsx", rows))
    assert again.counts()["unchanged"] == 5  # the row without a number is found by 案由 and 提案人


def test_sessions_are_created_once_and_their_dates_checked(tmp_path, db, congress):
    s3 = dict(term=3, session_number=3, name="张三", cosigners="李四、王五", submitted_on="2026-09-01")
    rows = [row(**s3, held_on="2026-09-10", title="甲"),
            row(**s3, title="乙"),                                             # the date given once is enough
            row(meeting="第5届第1次", held_on="2026-09-15", title="丙", name="孙八", cosigners="张三、李四",
                submitted_on="2026-09-01"),
            row(meeting="第五届第二次", held_on="2026-10-15", title="丁", name="孙八", cosigners="张三、李四",
                submitted_on="2026-09-01"),
            row(**S2, held_on="2026-03-13", title="戊", name="张三", cosigners="李四、王五", submitted_on="2026-03-01")]
    plan = plan_file(db, write_sheet(tmp_path / "提案.xlsx", rows))
    assert texts(plan) == []
    assert texts(plan, "warning") == [
        "第8行 会议日期：第三届职代会第二次会议已在系统中，会议日期为 2026-03-12，与表中的 2026-03-13 不同；"
        "沿用系统中的日期，如需更正请在“届次与代表”中修改"]
    assert plan.created_text() == ("新建届次：第5届；新建会议：第三届职代会第三次会议（2026-09-10）、"
                                   "第五届职代会第一次会议（2026-09-15）、第五届职代会第二次会议（2026-10-15）")
    assert [r.writes[:-1] for r in plan.rows] == [["新建第三届职代会第三次会议"], [], ["新建第5届", "新建第五届职代会第一次会议"],
                                                  ["新建第五届职代会第二次会议"], []]
    commit_import(db, plan)
    sessions = db.execute("SELECT t.number, s.number, s.held_on FROM congress_sessions s JOIN congress_terms t "
                          "ON t.id = s.term_id ORDER BY t.number, s.number").fetchall()
    assert sessions == [(3, 1, "2025-03-10"), (3, 2, "2026-03-12"), (3, 3, "2026-09-10"), (5, 1, "2026-09-15"),
                        (5, 2, "2026-10-15")]


def test_a_session_with_a_bad_date_drops_all_its_rows(tmp_path, db, congress):
    s3 = dict(term=3, session_number=3, name="张三", cosigners="李四、王五", submitted_on="2026-09-01")
    rows = [row(**s3, held_on="2026-09-10", title="甲"), row(**s3, held_on="2026-09-11", title="乙"),
            row(term=3, session_number=4, held_on="2029-05-01", title="丙", name="张三", submitted_on="2026-09-01"),
            row(**BOOKS)]
    plan = plan_file(db, write_sheet(tmp_path / "提案.xlsx", rows))
    assert [r.action for r in plan.rows] == ["invalid", "invalid", "invalid", "new"]
    assert texts(plan) == [
        "第4行 所属会议：会议“第3届第3次”有错误（见第5行），该会议的各行都不导入",
        "第5行 会议日期：同一会议各行的会议日期不一致：第4行为“2026-09-10”，本行为“2026-09-11”；请改为一致（也可只在一行填写）",
        "第6行 会议日期：会议日期 2029-05-01 晚于第3届的结束日期 2029-02-28"]


def test_proposers_and_co_signers(tmp_path, db, congress):
    add_member(congress["members"], "李四", sub_unit_id=congress["units"]["行政部"])  # a namesake, no delegate
    settings.set_min_cosigners(db, 2)
    base = dict(**S2, submitted_on="2026-03-01")
    rows = [row(**base, title="代表团提案", delegation="机关代表团"),                                    # 4
            row(**base, title="联名提案", name="张三等5名代表"),                                         # 5
            row(**base, title="多人", name="张三、王五"),                                                # 6
            row(**base, title="同名的代表", name="李四", cosigners="张三、王五"),                          # 7
            row(**base, title="同名按部门", name="李四（行政部）", cosigners="张三、王五"),                  # 8
            row(**base, title="同名按提案人部门", name="李四", proposer_unit="行政部", cosigners="张三、王五"),  # 9
            row(**base, title="不是代表", name="孙八", cosigners="张三、钱七"),                             # 10
            row(**{**base, "submitted_on": "2026-06-10"}, title="离任之后", name="张三", cosigners="钱七"),  # 11
            row(**base, title="部门不对", name="王五（一车间）", cosigners="张三、李四"),                    # 12
            row(**base, title="都不在", name="李四（财务部）", cosigners="张三、王五")]                    # 13
    plan = plan_file(db, write_sheet(tmp_path / "提案.xlsx", rows))
    assert texts(plan) == ["第13行 提案人：有2名会员叫李四，但都不在“财务部”，请核对部门"]
    assert texts(plan, "warning") == [
        "第6行 提案人：提案人有多人，按联名提案记为“张三、王五”（不对应到会员）；如只有第一人是提案人，请把其余姓名移到附议人一栏",
        "第8行 提案人：李四在 2026-03-01 不是第3届职代会代表",
        "第9行 提案人：李四在 2026-03-01 不是第3届职代会代表",
        "第10行 提案人：孙八在 2026-03-01 不是第3届职代会代表",
        "第11行 附议人：附议人钱七在 2026-06-10 不是第3届职代会代表",
        "第11行 附议人：附议人少于2名（现有1名）",
        "第12行 提案人部门：会员“王五”在名册中的部门是“行政部”，与“一车间”不同，已按姓名对应"]
    assert [r.name for r in plan.rows] == ["机关代表团", "张三等5名代表", "张三、王五", "李四", "李四", "李四", "孙八",
                                           "张三", "王五", "李四（财务部）"]
    assert [r.sub_unit_path for r in plan.rows[3:6]] == ["一车间", "行政部", "行政部"]  # 7: the delegate among namesakes
    commit_import(db, plan, skip_invalid=True)
    rows = {r["title"]: r for r in proposals_of(db).values()}
    assert (rows["代表团提案"]["proposer_member_id"], rows["代表团提案"]["proposer_text"]) == (None, "机关代表团")
    assert rows["联名提案"]["proposer_text"] == "张三等5名代表"
    assert rows["同名的代表"]["proposer_member_id"] == congress["people"]["李四"]


def test_a_sheet_without_co_signers_is_not_warned_about_them(tmp_path, db, congress):
    header = ["序号", "届次", "会议次数", "编号", "案由", "提案人", "提交日期"]
    path = write_sheet(tmp_path / "提案.xlsx", [[3, 2, 1, "关于某事的建议", "张三", "2026-03-01"]], header=header)
    plan = plan_file(db, path)
    assert plan.problems() == [] and plan.counts()["new"] == 1


def test_second_rounds(tmp_path, db, congress):
    handled = dict(outcome="立案", lead_department="人力资源部", replied_on="2026-06-10", result="列入计划")
    rows = [row(**MEALS, **handled, rating="满意", rated_on="2026-06-15"),
            row(**S2, number=1, round=2, lead_department="人力资源部"),                       # after 满意
            row(**CHECKUP, **handled, rating="不满意"),
            row(**S2, number=6, round=3, lead_department="人力资源部"),                       # no round 2
            row(**S2, number=6, round=2, title="另一个案由", lead_department="人力资源部"),  # contradicts round 1
            row(**S2, number=9, round=2, lead_department="人力资源部"),                       # no such proposal
            row(**BOOKS, **handled), row(**S2, number=7, lead_department="办公室")]          # the number twice
    plan = plan_file(db, write_sheet(tmp_path / "提案.xlsx", rows))
    assert [r.action for r in plan.rows] == ["new", "invalid", "new", "invalid", "invalid", "invalid", "new", "invalid"]
    assert texts(plan) == [
        "第5行 轮次：第1轮的满意度为“满意”：提案人对上一轮的答复不满意时，才有第2轮办理",
        "第7行 所属提案：同一提案第2轮的行（第8行）有错误，本行也不导入",
        "第8行 案由：同一提案各行不一致：第6行为“关于增加职工体检项目的建议”，本行为“另一个案由”；第2轮的行只需填写编号、轮次和办理情况",
        "第9行 轮次：找不到编号“第3届第2次-009”的提案：第2轮的行之前要有该提案第1轮（轮次不填或填1）的行",
        "第11行 编号：与第10行的编号“第3届第2次-007”重复：同一会议中编号不能重复；如是第二轮办理，请在“轮次”一栏填写2"]
    assert plan.rows[2].defaults == ["审查日期按会议日期 2026-03-12", "交办日期按立案日期 2026-03-12",
                                     "评价日期按答复日期 2026-06-10"]


def test_a_second_round_added_to_a_recorded_proposal(tmp_path, db, congress):
    first = [row(**CHECKUP, outcome="立案", lead_department="人力资源部", replied_on="2026-06-10", result="列入计划",
                 rating="不满意", rated_on="2026-06-15")]
    commit_import(db, plan_file(db, write_sheet(tmp_path / "一.xlsx", first)))
    second = [row(**S2, number=6, round=2, lead_department="财务部", deadline="2026-08-31")]
    plan = plan_file(db, write_sheet(tmp_path / "二.xlsx", second))
    assert plan.counts()["update"] == 1 and plan.problems() == []
    assert (plan.rows[0].name, plan.rows[0].title, plan.rows[0].writes, plan.rows[0].defaults) == (
        "赵六", "关于增加职工体检项目的建议", ["第2轮交办（主办：财务部）"], ["交办日期按上一轮评价日期 2026-06-15"])
    commit_import(db, plan)
    row_ = proposals_of(db)["第3届第2次-006"]
    assert (row_["round"], row_["lead_department"], row_["status"], row_["overdue"]) == (2, "财务部", "办理中", True)


def test_an_exported_summary_imports_back_as_unchanged(tmp_path, db, congress):
    """The 提案汇总表 export (编号 naming the session, "并案（并入…）", "立案（含并案1件）", the latest round's columns
    marked "（第二轮）") and the 立案一览表 are found again whole."""
    from gonghui_desk.exporting.proposals import export_proposal_summary

    commit_import(db, plan_file(db, write_sheet(tmp_path / "提案.xlsx", GOOD)))
    before = table_counts(db)
    for registered_only, rows in ((False, 7), (True, 3)):  # the 立案一览表 too: it shows the latest round
        exported = tmp_path / f"汇总表{registered_only}.xlsx"
        export_proposal_summary(db, exported, ProposalFilter(session_id=congress["sessions"][2]),
                                registered_only=registered_only, today=TODAY)
        plan = plan_file(db, exported)
        assert plan.counts() == {"new": 0, "update": 0, "unchanged": rows, "invalid": 0}
        assert plan.problems() == []
        commit_import(db, plan)
    assert table_counts(db) == before


@pytest.mark.parametrize("cells, message", [
    (row(**{**MEALS, "term": "第X届"}), "第4行 届次：“第X届”不是届次，请填写数字，如 3（表示第3届）"),
    (row(**{**MEALS, "session_number": "零"}), "第4行 会议次数：“零”不是会议次数，请填写数字，如 2（表示第2次会议）"),
    (row(**{**MEALS, "term": None, "number": None}), "第4行 届次：请填写届次，或在“会议”一栏写明，如“第3届第2次”"),
    (row(**{**MEALS, "session_number": None}), "第4行 会议次数：请填写会议次数，或在“会议”一栏写明，如“第3届第2次”"),
    (row(**MEALS, meeting="第4届第2次"), "第4行 会议：会议“第4届第2次”与届次 3 不一致"),
    (row(**{**MEALS, "term": None}, meeting="开幕式"),
     "第4行 会议：“开幕式”不是会议，请写成“第3届第2次”这样的形式（或分别填写届次和会议次数）"),
    (row(**MEALS, held_on="2026-13-01"), "第4行 会议日期：日期“2026-13-01”不存在"),
    (row(**MEALS, round="第二次"), "第4行 轮次：“第二次”不是轮次，请填写数字：第二轮办理填 2，第一轮不填"),
    (row(**{**MEALS, "title": None}), "第4行 案由：请填写案由"),
    (row(**{**MEALS, "submitted_on": "2026-12-01"}), "第4行 提交日期：提交日期 2026-12-01 晚于今天"),
    (row(**{**MEALS, "submitted_on": "去年"}), "第4行 提交日期：无法识别日期“去年”，请写成 2024-05-03 这样的形式"),
    (row(**{**MEALS, "name": None}), "第4行 提案人：请填写提案人（会员姓名），或代表团、联名提案的名称"),
    (row(**{**MEALS, "name": "张无忌"}), "第4行 提案人：会员名册中没有名为“张无忌”的会员（已作废的会员不能导入提案）；"
                                         "如是代表团或联名提案，请写代表团名称（如“一车间代表团”）"),
    (row(**{**MEALS, "cosigners": "王五、张无忌"}), "第4行 附议人：会员名册中没有名为“张无忌”的会员（已作废的会员不能导入提案）"),
    (row(**{**MEALS, "cosigners": "李四、张三"}), "第4行 附议人：提案人不能同时是附议人"),
    (row(**{**MEALS, "category": "体育"}),
     f"第4行 类别：“体育”不是可选的提案类别（可选：{CATEGORIES}）；如确需使用，请先在“设置 → 选项表”中添加"),
    (row(**MEALS, outcome="暂缓"),
     "第4行 审查结果：“暂缓”应为：立案、不立案、转意见建议、并案（也可写“予以立案”“不予立案”“并入7号”等），未审查的不填"),
    (row(**MEALS, outcome="不立案"), "第4行 不立案理由：不立案时请填写理由"),
    (row(**MEALS, outcome="立案", reviewed_on="2026-02-01"), "第4行 审查日期：审查日期 2026-02-01 早于提交日期 2026-03-01"),
    (row(**MEALS, outcome="立案", reviewed_on="2026-12-01"), "第4行 审查日期：审查日期 2026-12-01 晚于今天"),
    (row(**MEALS, outcome="立案", merged_into=3),
     "第4行 并入提案编号：审查结果为“立案”，不应填写并入提案编号（并案的请在审查结果填“并案”）"),
    (row(**MEALS, merged_into=99), "第4行 并入提案编号：本次会议中没有编号为“99”的提案（表中和系统中都没有）"),
    (row(**MEALS, outcome="并案"), "第4行 并入提案编号：请填写并入的提案编号"),
    (row(**MEALS, outcome="不立案", review_reason="个人诉求", lead_department="办公室"),
     "第4行 主办部门：只有立案的提案才能交办、答复和评价（审查结果为“不立案”）"),
    (row(**MEALS, outcome="立案", lead_department="保卫处"),
     f"第4行 主办部门：“保卫处”不是可选的承办部门（可选：{DEPARTMENTS}）；如确需使用，请先在“设置 → 选项表”中添加"),
    (row(**MEALS, outcome="立案", lead_department="办公室", co_departments="财务部、宣传部"),
     f"第4行 协办部门：“宣传部”不是可选的承办部门（可选：{DEPARTMENTS}）；如确需使用，请先在“设置 → 选项表”中添加"),
    (row(**MEALS, outcome="立案", reply="已办结"), "第4行 主办部门：请填写主办部门（交办后才能答复和评价）"),
    (row(**MEALS, outcome="立案", lead_department="办公室", assigned_on="2026-03-01"),
     "第4行 交办日期：交办日期 2026-03-01 早于立案日期 2026-03-12"),
    (row(**MEALS, outcome="立案", lead_department="办公室", deadline="2026-03-01"),
     "第4行 办理期限：办理期限 2026-03-01 早于交办日期 2026-03-12"),
    (row(**MEALS, outcome="立案", lead_department="办公室", reply="已办", replied_on="2026-04-01"),
     "第4行 办理结果：请填写办理结果（已解决、正在解决、列入计划、暂不能解决）"),
    (row(**MEALS, outcome="立案", lead_department="办公室", replied_on="2026-04-01", result="研究中"),
     "第4行 办理结果：“研究中”应为：已解决、正在解决、列入计划、暂不能解决"),
    (row(**MEALS, outcome="立案", lead_department="办公室", replied_on="2026-04-01", result="暂不能解决"),
     "第4行 暂不能解决原因：办理结果为“暂不能解决”时请填写原因"),
    (row(**MEALS, outcome="立案", lead_department="办公室", result="已解决"), "第4行 答复日期：请填写答复日期"),
    (row(**MEALS, outcome="立案", lead_department="办公室", replied_on="2026-03-10", result="已解决"),
     "第4行 答复日期：答复日期 2026-03-10 早于交办日期 2026-03-12"),
    (row(**MEALS, outcome="立案", lead_department="办公室", replied_on="2026-11-30", result="已解决"),
     "第4行 答复日期：答复日期 2026-11-30 晚于今天"),
    (row(**MEALS, outcome="立案", lead_department="办公室", rating="满意"),
     "第4行 满意度：还没有答复，不能评价：请先填写答复日期和办理结果"),
    (row(**MEALS, outcome="立案", lead_department="办公室", replied_on="2026-04-01", result="已解决", rating="还行"),
     "第4行 满意度：“还行”应为：满意、基本满意、不满意"),
    (row(**MEALS, outcome="立案", lead_department="办公室", replied_on="2026-04-01", result="已解决",
         rated_on="2026-04-02"), "第4行 满意度：请填写满意度（满意、基本满意、不满意）"),
    (row(**MEALS, outcome="立案", lead_department="办公室", replied_on="2026-04-01", result="已解决", rating="满意",
         rated_on="2026-03-30"), "第4行 评价日期：评价日期 2026-03-30 早于答复日期 2026-04-01"),
    (row(**MEALS, outcome="并案", merged_into=1), "第4行 并入提案编号：提案不能并入自身"),
    (row(**MEALS, outcome="立案", lead_department="办公室", replied_on="2026-04-01", result="已解决",
         rating="满意（第二轮）"), "第4行 轮次：本行的办理情况是第2轮的：请把第1轮和第2轮分行填写，第2轮的行在“轮次”一栏填2"),
    (row(**MEALS, outcome="并案", merged_into=2, lead_department="办公室"),
     "第4行 主办部门：并案的提案不单独交办，由并入的提案办理；请删去本行的办理情况"),
])
def test_every_problem_names_the_row_and_the_field(tmp_path, db, congress, cells, message):
    rows = [cells]
    if "并案的提案不单独交办" in message:
        rows.append(row(**NOISE, outcome="立案"))  # the target
    plan = plan_file(db, write_sheet(tmp_path / "提案.xlsx", rows))
    assert plan.counts()["invalid"] == 1
    assert texts(plan) == [message]


def test_warnings_that_do_not_block(tmp_path, db, congress):
    rows = [row(**MEALS, lead_department="后勤保障部", co_departments="后勤保障部、工会"),  # 立案 inferred
            row(**BOOKS, rating_notes="希望尽快办"),
            row(**AIR, outcome="立案", lead_department="办公室", replied_on="2026-04-01", result="已解决",
                rating_notes="满意")]  # 提案人意见 holding only the rating
    plan = plan_file(db, write_sheet(tmp_path / "提案.xlsx", rows))
    assert texts(plan) == []
    assert texts(plan, "warning") == [
        "第4行 协办部门：“后勤保障部”已是主办部门，协办部门中不再列出",
        "第4行 审查结果：表中未填审查结果，已填写办理情况，按“立案”导入，请核对",
        "第5行 提案人意见：没有填写满意度，提案人意见不导入（提案人意见随评价登记）"]
    commit_import(db, plan)
    rows = proposals_of(db)
    assert (rows["第3届第2次-001"]["review"], rows["第3届第2次-001"]["co_departments"]) == ("立案", ["工会"])
    assert (rows["第3届第2次-003"]["rating"], rows["第3届第2次-003"]["rated_on"]) == ("满意", "2026-04-01")


# --- dependants and --skip-invalid -----------------------------------------------------------------------------------
def test_skip_invalid_drops_the_rows_that_depend_on_a_bad_one(tmp_path, db, congress):
    rows = [row(**NOISE, merged_into=3),                                                      # 4: into a bad row
            row(**{**AIR, "category": "体育"}, outcome="立案"),                               # 5: bad
            row(**CHECKUP, outcome="立案", lead_department="保卫处", replied_on="2026-06-10", result="已解决",
                rating="不满意"),                                                            # 6: bad
            row(**S2, number=6, round=2, lead_department="人力资源部"),                        # 7: its second round
            row(**BOOKS), row(**HEAT, outcome="不立案", review_reason="已按规定发放")]          # 8, 9: good
    plan = plan_file(db, write_sheet(tmp_path / "提案.xlsx", rows))
    assert [r.action for r in plan.rows] == ["invalid", "invalid", "invalid", "invalid", "new", "new"]
    assert texts(plan) == [
        "第4行 并入提案编号：要并入的提案“第3届第2次-003”（第5行）有错误，本行也不导入",
        f"第5行 类别：“体育”不是可选的提案类别（可选：{CATEGORIES}）；如确需使用，请先在“设置 → 选项表”中添加",
        f"第6行 主办部门：“保卫处”不是可选的承办部门（可选：{DEPARTMENTS}）；如确需使用，请先在“设置 → 选项表”中添加",
        "第7行 所属提案：同一提案第1轮的行（第6行）有错误，本行也不导入"]
    before = table_counts(db)
    with pytest.raises(ImportBlocked, match="有 4 行数据有问题"):
        commit_import(db, plan)
    assert table_counts(db) == before
    result = commit_import(db, plan, skip_invalid=True)
    assert (result.proposals, result.reviews, result.skipped) == (2, 1, 4)
    assert list(proposals_of(db)) == ["第3届第2次-004", "第3届第2次-007"]


def test_a_dry_run_and_a_cancel_write_nothing(tmp_path, db_path, db, congress):
    path = write_sheet(tmp_path / "提案.xlsx", GOOD)
    before = table_counts(db)
    out = io.StringIO()
    assert proposals_import_command(db_path, path, dry_run=True, skip_invalid=False, out=out) == 0
    assert "试运行：没有写入数据库。" in out.getvalue() and table_counts(db) == before
    with pytest.raises(Cancelled):
        commit_import(db, plan_file(db, path), is_cancelled=lambda: True)
    assert table_counts(db) == before


def test_a_database_changed_since_the_check_writes_nothing(tmp_path, db, congress):
    plan = plan_file(db, write_sheet(tmp_path / "提案.xlsx", GOOD))
    congress["members"].void(congress["people"]["赵六"], "重复录入")
    before = table_counts(db)
    with pytest.raises(UserError, match="第9行：.*数据库在检查之后被修改过"):
        commit_import(db, plan)
    assert table_counts(db) == before


def test_a_mapping_without_a_session_is_refused(tmp_path, db, congress):
    source = open_source(write_sheet(tmp_path / "提案.xlsx", GOOD))
    mapping = {c: k for c, k in source.mapping.items() if k not in ("term", "meeting", "number")}
    with pytest.raises(UserError, match="列对应中缺少会议"):
        plan_import(db, source, mapping, today=TODAY)
    mapping = {c: k for c, k in source.mapping.items() if k != "title"}
    with pytest.raises(UserError, match="列对应中缺少“案由”"):
        plan_import(db, source, mapping, today=TODAY)


# --- the command line ----------------------------------------------------------------------------------------------
def test_the_command_prints_the_plan_and_imports(tmp_path, db_path, db, congress):
    path = write_sheet(tmp_path / "提案.xlsx", GOOD)
    out = io.StringIO()
    assert proposals_import_command(db_path, path, dry_run=False, skip_invalid=False, out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[:4] == [f"文件：{path}", "工作表：提案", "表头：第3行", "列对应："]
    assert "  不立案理由 → 不立案理由" in lines and "未使用的列：序号" in lines
    assert "检查结果：新增 9 行，补充已有提案 0 行，已有记录（不再导入）0 行，有问题 0 行。" in lines
    assert "将新建届次 1 个、会议 1 次；登记提案 8 件；审查 6 件、交办 4 次、答复 3 次、评价 3 次。" in lines
    assert "新建届次：第4届；新建会议：第四届职代会第一次会议（2026-10-15）。" in lines
    assert "第三届职代会第二次会议（已有）：新增提案 7 件，补充 0 件。" in lines
    assert "未填写的日期按前一环节的日期登记：审查日期 5 行、交办日期 2 行、提交日期 1 行。" in lines
    assert lines[-1] == ("导入完成：新建届次 1 个、会议 1 次；登记提案 8 件；审查 6 件、交办 4 次、答复 3 次、评价 3 次；"
                         "已有记录未重复导入 0 行，跳过 0 行。")


def test_the_cli_command_and_its_exit_codes(tmp_path, db_path, db, congress, capsys):
    good = write_sheet(tmp_path / "good.xlsx", GOOD[:3])
    bad = write_sheet(tmp_path / "bad.xlsx", [row(**BOOKS), row(**{**HEAT, "name": "张无忌"})])
    unreadable = tmp_path / "x.xlsx"
    unreadable.write_text("x", encoding="utf-8")

    def run(path, *options) -> tuple[int, str]:
        code = cli.main(["proposals", "import", str(path), "--db", str(db_path), *options])
        return code, capsys.readouterr().out

    def count() -> int:
        return db.execute("SELECT count(*) FROM proposals").fetchone()[0]

    code, text = run(good, "--dry-run")
    assert code == 0 and "试运行：没有写入数据库。" in text and count() == 0
    code, text = run(bad, "--dry-run")
    assert code == 1 and "第5行 提案人：会员名册中没有名为“张无忌”的会员" in text and count() == 0
    code, text = run(bad)
    assert code == 1 and "加上 --skip-invalid" in text and count() == 0
    code, text = run(bad, "--skip-invalid")
    assert code == 0 and "跳过 1 行" in text and count() == 1
    assert run(good)[0] == 0 and count() == 4
    before = table_counts(db)
    code, text = run(good)
    assert code == 0 and "导入完成：登记提案 0 件；已有记录未重复导入 3 行" in text
    assert table_counts(db) == before
    assert cli.main(["proposals", "import", str(unreadable), "--db", str(db_path)]) == 2
    assert "错误：文件“x.xlsx”不是 Excel 表格" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:  # --db is required
        cli.main(["proposals", "import", str(good)])
    assert exit_.value.code == 2
    assert "proposals" in cli.IMPORTERS


# --- the template --------------------------------------------------------------------------------------------------
def test_the_template_has_every_column_and_imports_when_filled(tmp_path, db, congress):
    path = write_proposals_template(tmp_path / "模板.xlsx", db)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["提案导入", "填写说明"]
    sheet = workbook["提案导入"]
    headers = [c.value for c in sheet[3]]
    assert headers[:8] == ["届次", "会议次数", "会议", "会议日期", "编号", "轮次", "案由*", "理由"]
    assert len(headers) == len(FIELDS)
    lists = {str(v.sqref).split(":")[0].rstrip("0123456789"): v.formula1 for v in sheet.data_validations.dataValidation}
    column = openpyxl.utils.get_column_letter
    assert lists[column(FIELDS.index("category") + 1)] == f'"{CATEGORIES.replace("、", ",")}"'
    assert lists[column(FIELDS.index("outcome") + 1)] == '"立案,不立案,转意见建议,并案"'
    assert lists[column(FIELDS.index("lead_department") + 1)] == f'"{DEPARTMENTS.replace("、", ",")}"'
    assert sheet.cell(4, FIELDS.index("number") + 1).number_format == "@"
    assert sheet.cell(4, FIELDS.index("replied_on") + 1).number_format == "yyyy-mm-dd"
    help_rows = [[c.value for c in r] for r in workbook["填写说明"].iter_rows(min_row=2)]
    assert [r[0] for r in help_rows] == list(PROPOSAL_IMPORT_FIELDS.values())
    assert plan_file(db, path).rows == []  # the blank template is an empty sheet, not an error
    for number, cells in enumerate(GOOD, start=4):  # filled from the first row under the header, as in Excel
        for col, value in enumerate(cells, start=1):
            sheet.cell(number, col, value)
    workbook.save(path)
    plan = plan_file(db, path)
    assert plan.counts() == {"new": 9, "update": 0, "unchanged": 0, "invalid": 0}
    assert plan.rows[0].row_number == 4
    commit_import(db, plan)
    assert len(proposals_of(db)) == 7


def test_a_csv_in_gbk_is_read_too(tmp_path, db, congress):
    path = tmp_path / "提案.csv"
    path.write_bytes("会议,提案编号,案由,提案人,附议人,审查意见,承办部门\n第3届第2次,8,关于食堂的建议,张三,李四、王五,"
                     "立案,后勤保障部\n".encode("gb18030"))
    plan = plan_file(db, path)
    assert plan.counts()["new"] == 1 and texts(plan) == []
    assert plan.rows[0].writes == ["登记提案", "审查：立案", "交办（主办：后勤保障部）"]
    assert plan.rows[0].defaults[0] == "提交日期按会议日期 2026-03-12"
