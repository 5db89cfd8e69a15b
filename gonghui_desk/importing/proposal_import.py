"""Importing historical proposals (提案) of congress sessions from Excel or CSV.

The same three steps as the other importers (:mod:`gonghui_desk.importing.common`), so the same wizard and
command line drive it (``gonghui-desk proposals import FILE --db PATH [--dry-run] [--skip-invalid]``).

The sheet (:func:`write_proposals_template` writes a blank one): **one row per proposal**, the way a
提案汇总表 / 立案一览表 is kept; a second round of handling (after 不满意) is a second row with the same
编号 and 轮次 2.

- 届次, 会议次数: the session (3 / "第3届" / "三", 2 / "第2次" / "第二次会议"); or one 会议 column ("第3届第2次",
  "第三届职代会第二次会议", "三届二次"); or, with neither, a 编号 written "第3届第2次-007" names its session
- 会议日期: the session's date (used when the session is created; rows of a session must agree)
- 编号: the proposal's number within its session. A plain number (7, "007", "7号") is written in the session's
  number format ("第3届第2次-007"), any other text is kept as it is; empty: the next number is generated
- 轮次: empty or 1 for the proposal's row; 2, 3… for a further round of handling of the same 编号
- 案由 (required), 理由, 办法和措施: text (理由 and 办法和措施 keep their line breaks)
- 提案人: a member's name ("张三", or "张三（一车间）" to tell namesakes apart), or the name of a 代表团/组 or a
  联名 proposal ("一车间代表团", "张三等5名代表"); several names ("张三、李四") are kept as a 联名 proposal,
  with a warning
- 提案人部门: the proposer's department, to tell namesakes apart
- 代表团: the proposer when 提案人 is empty (a delegation's proposal); ignored when 提案人 names a member
- 附议人: names separated by 、 ， ; or spaces ("张三、李四"), each may carry its department in brackets
- 类别: from the 提案类别 list (common spellings such as 福利 → 生活福利, "安全生产类" → 安全生产)
- 提交日期: empty: the session's date (when it is not after today)
- 审查结果: 立案 / 不立案 / 转意见建议 / 并案 and their common spellings (予以立案, 不予立案, 转为意见和建议,
  合并…); text after the outcome is its reason ("不予立案：属个人诉求"), "并入7号" names the target too;
  empty: 待审查 — unless 并入提案编号 is filled (并案) or the row has handling columns (立案, with a warning)
- 不立案理由: required for 不立案; kept as the review's opinion for the other outcomes
- 并入提案编号: the number of the proposal it is merged into, in the same session: a row of the sheet (in any
  order) or a recorded proposal; it must be 立案
- 审查人, 审查日期 (empty: the later of the submitted date and the session's date)
- 主办部门, 协办部门 ("、"-separated), 责任领导, 交办日期 (empty: the review's date, or for a further round the
  previous round's rating date), 办理期限: the round of handling (立案 proposals only)
- 答复内容, 答复日期 (required with a reply), 办理结果 (已解决 / 正在解决 / 列入计划 / 暂不能解决 and spellings such as
  已落实, 办理中, 纳入计划), 暂不能解决原因 (required for 暂不能解决)
- 满意度 (满意 / 基本满意 / 不满意, 非常满意 → 满意, 比较满意 → 基本满意…), 评价日期 (empty: the reply's date),
  提案人意见 (the proposer's words; a cell holding only 满意/基本满意/不满意 is read as the rating when 满意度 is empty)
- 备注

Unknown list values (类别, 主办部门, 协办部门) are errors, as in the other importers: add them in
设置 → 选项表 first. Dates are checked as the stores check them (not after today; review not before
submission; handling not before the review; reply not before the handling; rating not before the reply).

How rows become records:

* Rows group into sessions by (届次, 会议次数). A term or session that is not recorded is created (the term
  without dates, the session with the sheet's 会议日期 and the union's word 职代会/教代会); the check page says so.
  A recorded session whose date differs from the sheet's is kept, with a warning.
* A proposal is found again by its session and 编号 (without 编号: by 案由 and 提案人). A recorded proposal is
  never changed: differences are shown as warnings; what it lacks and the sheet has (the review, a round of
  handling, the reply, the rating) is added, so a sheet kept up to date through the year can be imported
  again. Importing the same sheet twice gives all "unchanged" the second time, and so does the app's own
  提案汇总表 / 立案一览表 export (its 审查结果 "并案（并入…）" and "立案（含并案2件）" are read, and the columns of a
  later round — "满意（第二轮）", or a 立案一览表's latest round — are compared with that recorded round).
* Merges resolve by number within the session whatever the rows' order: the proposals are filed, then
  reviewed (the merge targets first), then handled round by round.
* New proposals are filed in the order of their numbers (numbers in the session's format first, then other
  numbers, then those without one), so the running numbers follow the sheet's; a generated number is the one
  the store gives, which the check page shows beforehand.
* The proposer and co-signers are found in the roster by name (namesakes: by department, else the one who
  is a delegate of the term); one who is not a delegate of the term on the submitted date, and fewer
  co-signers than the minimum, are warnings (the store's own); when the term has no delegate list yet
  (a term created by the import) that check is left out and said so, and a sheet without a 附议人 column is
  not warned about the minimum.

Rows that others depend on drop their dependants: an error in a session's columns (its date) drops every row
of the session, a proposal row with an error drops its further rounds and the rows merged into it (so ``--skip-invalid`` never imports a merge without its target, or a second round
without the first). Every problem is one line naming the Excel row and the field.

``commit_import`` writes through :class:`~gonghui_desk.congress.store.CongressStore` and
:class:`~gonghui_desk.congress.proposals.ProposalStore` inside one transaction: all or nothing (unless the
user chose to skip the invalid rows), and a cancel writes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TextIO

import sqlite_utils

from gonghui_desk import settings, value_lists
from gonghui_desk.congress.proposals import (DISSATISFIED, MERGED, NOT_REGISTERED, OUTCOMES, RATINGS, REGISTERED,
                                             RESULTS, TO_SUGGESTION, UNSOLVABLE, HandlingInput, ProposalInput,
                                             ProposalStore, ReplyInput, ReviewInput)
from gonghui_desk.congress.store import (CongressStore, SessionInput, TermInput, format_number, serving_sql,
                                         session_title)
from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.db.connection import transaction
from gonghui_desk.errors import UserError
from gonghui_desk.importing.common import (
    PROGRESS_INTERVAL,
    ImportBlocked,
    ImportPlanBase,
    ImportSource,
    MemberMatcher,
    RowProblem,
    check_mapping,
    data_rows,
    person_name,
    plain_text,
    print_problems,
    print_source,
    read_source,
    run_import_command,
    unit_within,
    unreadable_cells,
)
from gonghui_desk.importing.event_import import chinese_number
from gonghui_desk.importing.headers import build_synonyms
from gonghui_desk.importing.spreadsheet import cell_text
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel, no_progress
from gonghui_desk.union import split_path

PROPOSAL_IMPORT_FIELDS: dict[str, str] = {
    "term": "届次", "session_number": "会议次数", "meeting": "会议", "held_on": "会议日期",
    "number": "编号", "round": "轮次", "title": "案由", "reason": "理由", "measures": "办法和措施",
    "name": "提案人", "proposer_unit": "提案人部门", "delegation": "代表团", "cosigners": "附议人",
    "category": "类别", "submitted_on": "提交日期",
    "outcome": "审查结果", "review_reason": "不立案理由", "merged_into": "并入提案编号", "reviewer": "审查人",
    "reviewed_on": "审查日期",
    "lead_department": "主办部门", "co_departments": "协办部门", "leader": "责任领导", "assigned_on": "交办日期",
    "deadline": "办理期限",
    "reply": "答复内容", "replied_on": "答复日期", "result": "办理结果", "result_reason": "暂不能解决原因",
    "rating": "满意度", "rated_on": "评价日期", "rating_notes": "提案人意见", "notes": "备注",
}
REQUIRED_COLUMNS = ("title",)

PROPOSAL_SYNONYMS: dict[str, tuple[str, ...]] = build_synonyms(PROPOSAL_IMPORT_FIELDS, {
    "term": ("届次", "第几届", "届别", "届数"),
    "session_number": ("会议次数", "第几次会议", "次数", "会次", "会议次"),
    "meeting": ("会议", "会议名称", "所属会议", "届次会议", "届/次", "届次/会议", "大会"),
    "held_on": ("会议日期", "会议时间", "开会日期", "召开日期", "大会日期"),
    "number": ("编号", "提案编号", "提案号", "案号", "提案编号（案号）"),
    "round": ("轮次", "办理轮次", "第几轮"),
    "title": ("案由", "提案名称", "提案题目", "题目", "标题", "提案标题", "提案案由", "案题"),
    "reason": ("理由", "提案理由", "案据", "情况与理由", "问题与理由", "问题及理由", "存在问题"),
    "measures": ("办法和措施", "办法与措施", "办法及措施", "建议措施", "解决办法", "具体建议", "建议", "措施",
                 "解决措施", "措施和建议", "建议和措施", "意见和建议"),
    "name": ("提案人", "第一提案人", "提出人", "领衔人", "领衔代表", "提案代表", "提案人姓名", "代表姓名"),
    "proposer_unit": ("提案人部门", "提案人单位", "部门", "所在部门", "单位", "所在单位", "工作单位", "科室"),
    "delegation": ("代表团", "代表组", "所在代表团", "代表团（组）", "提案代表团", "代表团/组"),
    "cosigners": ("附议人", "附议代表", "联名人", "联名代表", "附议人姓名", "附议"),
    "category": ("类别", "提案类别", "分类", "类型", "提案分类", "提案类型"),
    "submitted_on": ("提交日期", "提案日期", "提出日期", "日期", "提交时间", "提案时间", "提出时间"),
    "outcome": ("审查结果", "审查意见", "审查情况", "立案情况", "是否立案", "处理意见", "审查结论", "立案审查"),
    "review_reason": ("不立案理由", "不立案原因", "未立案原因", "审查理由", "审查说明", "不予立案理由"),
    "merged_into": ("并入提案编号", "并入提案", "并案编号", "并入", "合并到", "并入编号", "并案至"),
    "reviewer": ("审查人", "审查委员会", "审查单位", "审查者"),
    "reviewed_on": ("审查日期", "立案日期", "审查时间"),
    "lead_department": ("主办部门", "主办单位", "承办部门", "承办单位", "办理部门", "责任部门", "主办"),
    "co_departments": ("协办部门", "协办单位", "会办部门", "协办"),
    "leader": ("责任领导", "分管领导", "督办领导", "负责领导", "分管校领导"),
    "assigned_on": ("交办日期", "交办时间"),
    "deadline": ("办理期限", "期限", "办结期限", "完成时限", "答复期限", "办理时限", "时限"),
    "reply": ("答复内容", "答复", "答复意见", "办理答复", "承办单位答复", "落实情况", "办理情况", "答复情况"),
    "replied_on": ("答复日期", "答复时间", "办复日期", "回复日期"),
    "result": ("办理结果", "落实结果", "办理状态", "结果", "解决情况"),
    "result_reason": ("暂不能解决原因", "暂不能解决的原因", "未解决原因", "不能解决原因", "原因"),
    "rating": ("满意度", "满意程度", "评价", "提案人评价", "是否满意", "评价结果", "满意情况"),
    "rated_on": ("评价日期", "反馈日期", "评价时间"),
    "rating_notes": ("提案人意见", "评价说明", "反馈意见", "提案人反馈"),
    "notes": ("备注", "说明"),
})

SESSION_FIELDS = ("term", "session_number", "meeting", "held_on")
# the proposal's own columns: on the rows of further rounds they may be left empty (or must agree)
PROPOSAL_FIELDS = ("title", "reason", "measures", "name", "proposer_unit", "delegation", "cosigners", "category",
                   "submitted_on", "outcome", "review_reason", "merged_into", "reviewer", "reviewed_on", "notes")
HANDLING_FIELDS = ("lead_department", "co_departments", "leader", "assigned_on", "deadline")
REPLY_FIELDS = ("reply", "replied_on", "result", "result_reason")
RATING_FIELDS = ("rating", "rated_on", "rating_notes")
ROUND_FIELDS = (*HANDLING_FIELDS, *REPLY_FIELDS, *RATING_FIELDS)
LONG_TEXT_FIELDS = ("reason", "measures", "review_reason", "reply", "result_reason", "rating_notes", "notes")
PROBLEM_LABELS = {**PROPOSAL_IMPORT_FIELDS, "session": "所属会议", "proposal": "所属提案", "existing": "已有记录",
                  "duplicate": "重复"}

UNREVIEWED = "待审查"
OUTCOME_ALIASES: dict[str, str] = {
    **dict.fromkeys(("立案", "已立案", "予以立案", "同意立案", "准予立案", "立案处理", "作为提案", "列为提案", "成立",
                     "作为提案立案"), REGISTERED),
    **dict.fromkeys(("不立案", "不予立案", "未立案", "未予立案", "不作为提案", "不成立", "不予采纳"), NOT_REGISTERED),
    **dict.fromkeys(("转意见建议", "转为意见建议", "转为意见和建议", "转意见和建议", "转作意见建议", "作为意见建议",
                     "作为意见和建议", "意见建议", "意见和建议", "转建议", "转为建议", "作为建议", "作为建议处理",
                     "转为意见建议处理"), TO_SUGGESTION),
    **dict.fromkeys(("并案", "已并案", "并案处理", "合并", "合并处理", "并入", "合并到", "并到", "并入到"), MERGED),
    **dict.fromkeys(("待审查", "未审查", "审查中", "待审"), ""),
}
RESULT_ALIASES: dict[str, str] = {
    **dict.fromkeys(("已解决", "解决", "已办结", "办结", "已落实", "落实", "已完成", "完成", "已办理", "已处理"), "已解决"),
    **dict.fromkeys(("正在解决", "解决中", "正在办理", "办理中", "正在落实", "落实中", "正在处理", "处理中"), "正在解决"),
    **dict.fromkeys(("列入计划", "已列入计划", "纳入计划", "已纳入计划", "列入规划", "纳入规划", "计划解决", "拟解决"),
                    "列入计划"),
    **dict.fromkeys(("暂不能解决", "暂时不能解决", "暂无法解决", "无法解决", "不能解决", "暂不解决", "暂缓解决", "暂缓"),
                    UNSOLVABLE),
}
RATING_ALIASES: dict[str, str] = {
    **dict.fromkeys(("满意", "非常满意", "很满意", "十分满意"), "满意"),
    **dict.fromkeys(("基本满意", "比较满意", "较满意", "还算满意"), "基本满意"),
    **dict.fromkeys(("不满意", "不太满意", "很不满意", "非常不满意", "不满"), DISSATISFIED),
}
# common spellings of the default 提案类别 (used only when the value is configured)
CATEGORY_ALIASES: dict[str, str] = {
    **dict.fromkeys(("福利", "生活", "职工生活", "生活福利待遇", "后勤生活"), "生活福利"),
    **dict.fromkeys(("安全", "生产安全", "安全管理", "劳动保护", "安全生产与劳动保护"), "安全生产"),
    **dict.fromkeys(("经营", "生产经营", "企业管理", "经营发展"), "经营管理"),
    **dict.fromkeys(("教育", "培训", "职工培训", "教学培训", "教学管理"), "教育培训"),
    **dict.fromkeys(("民主", "民主建设", "民主监督", "厂务公开", "校务公开"), "民主管理"),
    **dict.fromkeys(("薪酬", "工资", "待遇", "工资待遇", "收入分配", "薪酬福利"), "薪酬待遇"),
    **dict.fromkeys(("环境", "劳动环境", "办公环境", "工作条件"), "工作环境"),
    **dict.fromkeys(("其它", "其他类", "综合"), "其他"),
}
# how the name of a delegation or a joint proposal ends (a proposer that is no member)
GROUP_ENDINGS = ("代表团", "代表组", "团", "组", "代表", "工会", "分会", "委员会", "全体")
_JOINT = re.compile(r"等\s*(\d+|[一二两三四五六七八九十]+)?\s*[名位人]|联名")
_CN_NUMBER = r"(\d+|[一二两三四五六七八九十]+)"
_MEETING = re.compile(rf"第?{_CN_NUMBER}届.*?第?{_CN_NUMBER}次")
_TERM_ONLY = re.compile(rf"第?{_CN_NUMBER}届")
_SESSION_ONLY = re.compile(rf"第?{_CN_NUMBER}次")
_PLAIN_NUMBER = re.compile(r"第?0*(\d+)号?(?:提案)?")
_TRAILING_DIGITS = re.compile(r"(\d+)\D*$")
_NAME_SEPARATORS = re.compile(r"[、，,；;|]+")
_WITH_UNIT = re.compile(r"(.+?)[（(](.+)[）)]")
_LEADING_PUNCTUATION = "：:，,。；;、 （(）)"


# --- the plan ------------------------------------------------------------------------------------------------
@dataclass
class PlannedProposalRow:
    row_number: int  # the file's row number (what Excel shows)
    action: str  # "new" (files a proposal, or a round of one) | "update" (adds to a recorded proposal)
    #              | "unchanged" (all of it is recorded) | "invalid"
    name: str  # the proposer as the register shows it (a member, or the 代表团/联名 text)
    sub_unit_path: str  # the proposer's department
    session: str  # "第3届第2次"
    number: str  # "第3届第2次-007" (a generated number as it will be); "（第2轮）" added on a further round's row
    round: int
    title: str
    review: str  # "立案", "不立案", "并入 第3届第2次-003", "" (待审查)
    handling: str  # "后勤保障部；已解决；满意"
    member_id: int | None
    problems: list[RowProblem]
    writes: list[str] = field(default_factory=list)  # what importing the row adds ("登记提案", "审查：立案"…)
    defaults: list[str] = field(default_factory=list)  # empty dates filled in ("审查日期按会议日期 2026-03-12")


@dataclass
class PlannedSession:
    """A session the sheet's valid rows name, recorded or to be created (with its term)."""

    term_number: int
    number: int
    title: str  # "第三届职代会第二次会议"
    held_on: str | None
    term_id: int | None  # None: the term is created too
    session_id: int | None  # None: the session is created
    first_row: int
    new_proposals: int = 0
    updated_proposals: int = 0

    @property
    def key(self) -> tuple[int, int]:
        return self.term_number, self.number

    @property
    def short(self) -> str:
        return f"第{self.term_number}届第{self.number}次"


@dataclass
class PlannedRound:
    round: int
    row_number: int
    handling_id: int | None  # a recorded round the reply or rating is added to
    assign: HandlingInput | None = None  # a new round
    reply: ReplyInput | None = None
    rating: tuple[str, str, str] | None = None  # (rating, rated_on, notes)


@dataclass
class PlannedProposal:
    """What importing writes for one proposal: only what its valid rows give and the database lacks."""

    session_key: tuple[int, int]
    number: str  # '' : generated when filed
    row_number: int
    proposal_id: int | None  # a recorded proposal
    data: ProposalInput | None = None  # to file (its session_id is filled in when written)
    review: ReviewInput | None = None
    merged_into: str = ""  # 并案: the number of the target in the same session
    merged_into_id: int | None = None  # …when the target is recorded
    rounds: list[PlannedRound] = field(default_factory=list)

    def has_work(self) -> bool:
        return bool(self.data is not None or self.review is not None
                    or any(r.assign or r.reply or r.rating for r in self.rounds))


@dataclass
class ProposalImportTotals:
    terms: int = 0  # terms created
    sessions: int = 0  # sessions created
    proposals: int = 0  # proposals filed
    updated: int = 0  # recorded proposals something is added to
    reviews: int = 0
    rounds: int = 0  # rounds of handling assigned (交办)
    replies: int = 0
    ratings: int = 0


@dataclass
class ProposalImportPlan(ImportPlanBase):
    ACTIONS = ("new", "update", "unchanged", "invalid")

    today: dt.date
    sessions: list[PlannedSession] = field(default_factory=list)
    proposals: list[PlannedProposal] = field(default_factory=list)  # in the order they are written
    notes: list[str] = field(default_factory=list)  # said once above the rows (terms without delegates…)

    def totals(self) -> ProposalImportTotals:
        work = [p for p in self.proposals if p.has_work()]
        return ProposalImportTotals(
            terms=len({s.term_number for s in self.sessions if s.term_id is None}),
            sessions=sum(1 for s in self.sessions if s.session_id is None),
            proposals=sum(1 for p in work if p.data is not None),
            updated=sum(1 for p in work if p.proposal_id is not None),
            reviews=sum(1 for p in work if p.review is not None),
            rounds=sum(1 for p in work for r in p.rounds if r.assign is not None),
            replies=sum(1 for p in work for r in p.rounds if r.reply is not None),
            ratings=sum(1 for p in work for r in p.rounds if r.rating is not None))

    def created_text(self) -> str:
        """"新建第3届；新建第三届职代会第二次会议（2026-03-12）" or ""."""
        parts = []
        terms = sorted({s.term_number for s in self.sessions if s.term_id is None})
        if terms:
            parts.append("新建届次：" + "、".join(f"第{n}届" for n in terms))
        sessions = [s for s in self.sessions if s.session_id is None]
        if sessions:
            parts.append("新建会议：" + "、".join(s.title + (f"（{s.held_on}）" if s.held_on else "") for s in sessions))
        return "；".join(parts)

    def defaults_text(self) -> str:
        """How many empty dates were filled in, by kind ("审查日期 3 行、交办日期 2 行"), or ""."""
        counts = Counter(text.split("按", 1)[0] for row in self.rows if row.action != "invalid"
                         for text in row.defaults)
        return "、".join(f"{what} {n} 行" for what, n in counts.items())


def open_source(path, *, sheet: str | None = None, is_cancelled: IsCancelled | None = None) -> ImportSource:
    return read_source(path, PROPOSAL_SYNONYMS, sheet=sheet, is_cancelled=is_cancelled)


def plan_import(db: sqlite_utils.Database, source: ImportSource, mapping: dict[int, str] | None = None, *,
                progress: Progress | None = None, is_cancelled: IsCancelled | None = None,
                today: dt.date | None = None) -> ProposalImportPlan:
    """Check every data row, group the rows into sessions and proposals, and decide what each row does.
    Reads the database, writes nothing."""
    mapping = dict(sorted((source.mapping if mapping is None else mapping).items()))
    check_mapping(mapping, source.headers, PROPOSAL_IMPORT_FIELDS, form_name="提案导入表", required=REQUIRED_COLUMNS)
    if not {"term", "meeting", "number"} & set(mapping.values()):
        raise UserError("列对应中缺少会议：请指定“届次”和“会议次数”两列，或“会议”一列（如“第3届第2次”），"
                        "或写成“第3届第2次-001”这样的“编号”一列。")
    today = today or dt.date.today()
    planner = _Planner(db, today, set(mapping.values()))
    rows = [planner.read(row_number, raw) for row_number, raw in
            data_rows(source, mapping, PROPOSAL_SYNONYMS, progress=progress, is_cancelled=is_cancelled)]
    check_cancel(is_cancelled)
    planner.plan(rows)
    plan = ProposalImportPlan(source, mapping, [row.planned for row in rows], today, planner.planned_sessions,
                              planner.planned_proposals, planner.notes)
    for row in rows:
        if row.invalid:
            row.planned.action = "invalid"
        elif not row.planned.writes:
            row.planned.action = "unchanged"
        else:
            row.planned.action = "update" if row.proposal is not None and row.proposal.stored else "new"
    return plan


# --- reading cells ---------------------------------------------------------------------------------------------
def _long_text(value) -> str:
    """A cell of running text (理由, 答复…) with its line breaks kept."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    lines = [re.sub(r"[ \t\u3000]+", " ", line).strip() for line in str(value).replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def read_meeting(text: str) -> tuple[int | None, int | None]:
    """"第3届第2次", "第三届职代会第二次会议", "三届二次" -> (3, 2); a part not written is None."""
    plain = plain_text(text).replace("首届", "第1届").replace("首次", "第1次")
    match = _MEETING.search(plain)
    if match:
        return _positive(chinese_number(match[1])), _positive(chinese_number(match[2]))
    term, session = _TERM_ONLY.search(plain), _SESSION_ONLY.search(plain)
    return (_positive(chinese_number(term[1])) if term else None,
            _positive(chinese_number(session[1])) if session else None)


def _positive(number: int | None) -> int | None:
    return number if number and number >= 1 else None


def _ordinal(value, suffix: str) -> int | None:
    """3, "第3届", "三", "第三次会议" -> 3 (``suffix``: the word after the number); None for an empty cell;
    raises ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        if float(value).is_integer() and value >= 1:
            return int(value)
        raise ValueError(value)
    text = plain_text(value)
    if not text:
        return None
    if text in (f"首{suffix[0]}", "首"):
        return 1
    match = re.fullmatch(rf"第?{_CN_NUMBER}(?:{suffix})?", text)
    number = _positive(chinese_number(match[1])) if match else None
    if number is None:
        raise ValueError(value)
    return number


def read_outcome(text) -> tuple[str, str] | None:
    """The review outcome a cell means and the rest of it (a reason, or for 并案 the target):
    "不予立案：属个人诉求" -> ("不立案", "属个人诉求"), "并入7号" -> ("并案", "7号"), "" -> ("", "");
    None when it cannot be read."""
    compact = re.sub(r"\s+", "", cell_text(text)).replace("(", "（").replace(")", "）")
    if not compact:
        return "", ""
    if compact in OUTCOME_ALIASES:
        return OUTCOME_ALIASES[compact], ""
    for alias in sorted(OUTCOME_ALIASES, key=len, reverse=True):
        if compact.startswith(alias):
            rest = compact[len(alias):].strip(_LEADING_PUNCTUATION)
            if OUTCOME_ALIASES[alias] == MERGED:  # "并入7号", "并案（并入第3届第2次-003）"
                rest = re.sub(r"^(?:合并到|并入|并到|并至|[到至入])", "", rest).strip(_LEADING_PUNCTUATION)
            elif re.fullmatch(r"含并案\d+件", rest):  # an exported summary's "立案（含并案2件）"
                rest = ""
            return OUTCOME_ALIASES[alias], rest
    return None


def read_choice(text: str, allowed: list[str], aliases: dict[str, str]) -> str | None:
    """The configured value ``text`` means ("生活福利类" and "福利" → 生活福利), or None (a spelling counts
    only when its value is configured)."""
    plain = plain_text(text)
    stripped = plain.removesuffix("类") if len(plain) > 2 else plain
    for candidate in (plain, aliases.get(plain), stripped, aliases.get(stripped)):
        if candidate and candidate in allowed:
            return candidate
    return None


def split_names(text: str) -> list[str]:
    """"张三、李四", "张三，李四等", "张三 李四" -> the names; a padded two-character name ("张  三") stays one,
    and a department in brackets ("张三（一车间/甲班）") stays with its name."""
    text = cell_text(text)
    text = re.sub(r"等\s*$", "", text)
    names = []
    for part in _NAME_SEPARATORS.split(text):
        part = part.strip()
        if not part:
            continue
        words = re.findall(r"[^\s（(]+(?:\s*[（(][^）)]*[）)])?", part)
        if len(words) > 1 and all(len(re.sub(r"[（(].*", "", w)) >= 2 for w in words):
            names += [re.sub(r"\s+", "", w) for w in words]
        else:
            names.append(person_name(part) if "（" not in part and "(" not in part else re.sub(r"\s+", "", part))
    return names


def split_unit(text: str) -> tuple[str, str]:
    """"张三（一车间）" -> ("张三", "一车间"); "张三" -> ("张三", "")."""
    match = _WITH_UNIT.fullmatch(text)
    return (match[1].strip(), match[2].strip()) if match else (text, "")


def _short(text: str, size: int = 20) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= size else text[:size] + "…"


# --- one row of the sheet --------------------------------------------------------------------------------------
@dataclass(eq=False)  # rows are told apart by identity
class _Row:
    number: int
    planned: PlannedProposalRow
    texts: dict = field(default_factory=dict)  # every given cell as text (to compare a further round's row)
    session_key: tuple[int, int] | None = None
    held_on: str | None = None
    number_raw: object = None
    proposal_number: str = ""  # the number, written in the session's format
    round: int = 1
    round_given: bool = False
    marked_round: int = 0  # "满意（第二轮）" as an exported summary writes the latest round's columns
    # the proposal
    title: str = ""
    reason: str = ""
    measures: str = ""
    category: str = ""
    submitted_on: str | None = None
    notes: str = ""
    proposer_id: int | None = None
    proposer_text: str = ""
    cosigner_ids: list[int] = field(default_factory=list)
    # the review
    outcome: str | None = None  # None: not given; '' : 待审查 written
    review_reason: str = ""
    merged_ref: object = None
    reviewer: str = ""
    reviewed_on: str | None = None
    # the round
    lead: str = ""
    co: list[str] = field(default_factory=list)
    leader: str = ""
    assigned_on: str | None = None
    deadline: str | None = None
    reply: str = ""
    replied_on: str | None = None
    result: str = ""
    result_reason: str = ""
    rating: str = ""
    rated_on: str | None = None
    rating_notes: str = ""
    proposal: "_Proposal | None" = None

    @property
    def problems(self) -> list[RowProblem]:
        return self.planned.problems

    @property
    def invalid(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def add(self, key: str, message: str, severity: str = "error") -> None:
        self.problems.append(RowProblem(self.number, key, PROBLEM_LABELS[key], message, severity))

    def has(self, *keys: str) -> bool:
        return any(p.field in keys for p in self.problems)

    def given(self, *keys: str) -> bool:
        return any(self.texts.get(key) for key in keys)

    @property
    def has_round(self) -> bool:
        """Whether the row gives a round of handling, its reply or its rating (提案人意见 alone does not)."""
        return self.given(*HANDLING_FIELDS, *REPLY_FIELDS, "rating", "rated_on") or bool(self.rating)

    def first_given(self, keys) -> str:
        return next((key for key in keys if self.texts.get(key)), keys[0])


@dataclass(eq=False)
class _Session:
    key: tuple[int, int]
    rows: list[_Row]
    stored: dict | None  # the recorded session
    term: dict | None  # the recorded term
    held_on: str | None = None
    kind: str = ""
    number_format: str = ""
    year: int = 0
    valid: bool = True
    stored_by_number: dict[str, dict] = field(default_factory=dict)
    stored_numbers: set[str] = field(default_factory=set)  # every number given in the session, voided ones too
    max_seq: int = 0
    has_delegates: bool = False
    proposals: list = field(default_factory=list)  # the _Proposal objects of its rows

    @property
    def short(self) -> str:
        return f"第{self.key[0]}届第{self.key[1]}次"

    @property
    def title(self) -> str:
        return session_title(self.key[0], self.key[1], self.kind)

    def format(self, seq: int) -> str:
        return format_number(self.number_format, self.key[0], self.key[1], self.year, seq)


@dataclass(eq=False)
class _Proposal:
    session: _Session
    number: str
    rounds: dict[int, _Row]  # round -> its row
    stored: dict | None = None
    stored_cosigners: list[int] = field(default_factory=list)
    stored_rounds: list[dict] = field(default_factory=list)
    duplicate_of: int | None = None  # a row without 编号 repeating an earlier one
    # what the proposal is once the sheet is imported
    submitted_on: str | None = None
    review: str = ""
    reviewed_on: str | None = None
    review_planned: bool = False
    merged_into: str = ""
    merged_into_id: int | None = None
    state: list[dict] = field(default_factory=list)  # each round: assigned_on, replied_on, rating, rated_on

    @property
    def first(self) -> _Row:
        return self.rounds[min(self.rounds)]


# --- checking ----------------------------------------------------------------------------------------------------
class _Planner:
    def __init__(self, db: sqlite_utils.Database, today: dt.date, mapped: set[str]):
        self.db = db
        self.today = today
        self.iso_today = today.isoformat()
        self.mapped = mapped
        self.congress = CongressStore(db, today=today)
        self.members = MemberMatcher(db, record="提案")
        self.categories = value_lists.values(db, "proposal.category")
        self.departments = value_lists.values(db, "proposal.department")
        self.min_cosigners = settings.min_cosigners(db)
        self.word = self.congress.congress_word()
        self.terms = {t["number"]: t for t in self.congress.terms()}
        self.sessions = {(s["term_number"], s["number"]): s for s in self.congress.sessions()}
        self._delegates: dict[int, set[int]] = {}
        self._delegations: dict[int, set[str]] = {}
        self.planned_sessions: list[PlannedSession] = []
        self.planned_proposals: list[PlannedProposal] = []
        self.notes: list[str] = []

    # --- the database --------------------------------------------------------------------------------------
    def delegates(self, term: dict | None) -> set[int]:
        """The members who are (or were) delegates of the term, whatever their dates."""
        if term is None:
            return set()
        if term["id"] not in self._delegates:
            self._delegates[term["id"]] = {r[0] for r in self.db.execute(
                "SELECT member_id FROM congress_delegates WHERE term_id = ? AND voided_at IS NULL", [term["id"]])}
        return self._delegates[term["id"]]

    def delegations(self, term: dict | None) -> set[str]:
        if term is None:
            return set()
        if term["id"] not in self._delegations:
            self._delegations[term["id"]] = {r[0] for r in self.db.execute(
                "SELECT name FROM congress_delegations WHERE term_id = ? AND voided_at IS NULL", [term["id"]])}
        return self._delegations[term["id"]]

    def non_delegates(self, term: dict, ids: list[int], day: str) -> list[int]:
        """The ids among ``ids`` that were not delegates of the term on ``day`` (the store's rule)."""
        serving = {r[0] for r in self.db.execute(
            f"SELECT d.member_id FROM congress_delegates d WHERE d.term_id = ? AND d.voided_at IS NULL "
            f"AND d.member_id IN ({', '.join('?' * len(ids))}) AND {serving_sql('d')}",
            [term["id"], *ids, day, day])}
        return [i for i in ids if i not in serving]

    def _load_stored(self, session: _Session) -> None:
        stored = session.stored
        if stored is None:
            return
        for row in self.db.query("SELECT * FROM proposals WHERE session_id = ? ORDER BY seq, id", [stored["id"]]):
            session.stored_numbers.add(row["number"])
            session.max_seq = max(session.max_seq, row["seq"])
            if row["voided_at"] is None:
                session.stored_by_number[row["number"]] = row

    def _stored_details(self, proposal: _Proposal) -> None:
        stored_id = proposal.stored["id"]
        proposal.stored_cosigners = [r[0] for r in self.db.execute(
            "SELECT member_id FROM proposal_cosigners WHERE proposal_id = ? AND voided_at IS NULL ORDER BY id",
            [stored_id])]
        proposal.stored_rounds = list(self.db.query(
            "SELECT * FROM proposal_handlings WHERE proposal_id = ? AND voided_at IS NULL ORDER BY round", [stored_id]))

    # --- pass 1: each row on its own ----------------------------------------------------------------------------
    def read(self, row_number: int, raw: dict) -> _Row:
        planned = PlannedProposalRow(row_number, "invalid", "", "", "", cell_text(raw.get("number")), 1, "", "", "",
                                     None, [])
        row = _Row(row_number, planned)
        for key, message in unreadable_cells(raw):
            row.add(key, message)
        row.texts = {key: (_long_text(value) if key in LONG_TEXT_FIELDS else cell_text(value))
                     for key, value in raw.items()}
        self._read_session(row, raw)
        self._read_proposal(row, raw)
        self._read_review(row, raw)
        self._read_round(row, raw)
        planned.round = row.round
        planned.title = row.title
        return row

    def _date(self, row: _Row, key: str, value) -> str | None:
        try:
            day = parse_date(value)
        except DateParseError as exc:
            row.add(key, str(exc))
            return None
        return day.isoformat() if day else None

    def _read_session(self, row: _Row, raw: dict) -> None:
        add = row.add
        term = session = None
        try:
            term = _ordinal(raw.get("term"), "届")
        except ValueError:
            add("term", f"“{cell_text(raw.get('term'))}”不是届次，请填写数字，如 3（表示第3届）")
        try:
            session = _ordinal(raw.get("session_number"), "次会议|次")
        except ValueError:
            add("session_number", f"“{cell_text(raw.get('session_number'))}”不是会议次数，请填写数字，如 2（表示第2次会议）")
        meeting = cell_text(raw.get("meeting"))
        if meeting:
            m_term, m_session = read_meeting(meeting)
            if m_term is None and m_session is None:
                add("meeting", f"“{meeting}”不是会议，请写成“第3届第2次”这样的形式（或分别填写届次和会议次数）")
            elif term is not None and m_term is not None and m_term != term:
                add("meeting", f"会议“{meeting}”与届次 {term} 不一致")
            elif session is not None and m_session is not None and m_session != session:
                add("meeting", f"会议“{meeting}”与会议次数 {session} 不一致")
            else:
                term, session = term or m_term, session or m_session
        number_text = cell_text(raw.get("number"))
        if (term is None or session is None) and number_text and not row.has("term", "session_number", "meeting"):
            n_term, n_session = read_meeting(number_text)
            term, session = term or n_term, session or n_session
        if not row.has("term", "session_number", "meeting"):
            if term is None:
                add("term", "请填写届次，或在“会议”一栏写明，如“第3届第2次”")
            elif session is None:
                add("session_number", "请填写会议次数，或在“会议”一栏写明，如“第3届第2次”")
            else:
                row.session_key = (term, session)
                row.planned.session = f"第{term}届第{session}次"
        row.held_on = self._date(row, "held_on", raw.get("held_on"))
        row.number_raw = raw.get("number")
        try:
            row.round = _ordinal(raw.get("round"), "轮") or 1
            row.round_given = raw.get("round") is not None
        except ValueError:
            add("round", f"“{cell_text(raw.get('round'))}”不是轮次，请填写数字：第二轮办理填 2，第一轮不填")

    def _read_proposal(self, row: _Row, raw: dict) -> None:
        texts = row.texts
        row.title = texts.get("title", "")
        row.reason = texts.get("reason", "")
        row.measures = texts.get("measures", "")
        row.notes = texts.get("notes", "")
        text = texts.get("category", "")
        if text:
            row.category = read_choice(text, self.categories, CATEGORY_ALIASES) or ""
            if not row.category:
                row.add("category", f"“{text}”不是可选的提案类别（可选：{'、'.join(self.categories)}）；"
                                    "如确需使用，请先在“设置 → 选项表”中添加")
        row.submitted_on = self._date(row, "submitted_on", raw.get("submitted_on"))

    def _read_review(self, row: _Row, raw: dict) -> None:
        texts = row.texts
        row.review_reason = texts.get("review_reason", "")
        row.reviewer = texts.get("reviewer", "")
        row.reviewed_on = self._date(row, "reviewed_on", raw.get("reviewed_on"))
        text = texts.get("outcome", "")
        if text:
            read = read_outcome(raw.get("outcome"))
            if read is None:
                row.add("outcome", f"“{text}”应为：{'、'.join(OUTCOMES)}（也可写“予以立案”“不予立案”“并入7号”等），"
                                   "未审查的不填")
            else:
                row.outcome, rest = read
                if rest and row.outcome == MERGED and raw.get("merged_into") is None:
                    row.merged_ref = rest
                elif rest and not row.review_reason:
                    row.review_reason = rest
        if raw.get("merged_into") is not None:
            row.merged_ref = raw.get("merged_into")
            if row.outcome is None or row.outcome == "":
                row.outcome = MERGED
            elif row.outcome != MERGED:
                row.add("merged_into", f"审查结果为“{row.outcome}”，不应填写并入提案编号（并案的请在审查结果填“并案”）")

    def _read_round(self, row: _Row, raw: dict) -> None:
        texts = row.texts
        text = texts.get("lead_department", "")
        if text:
            row.lead = read_choice(text, self.departments, {}) or ""
            if not row.lead:
                row.add("lead_department", self._unknown_department(text))
        co, unknown = [], []
        text = texts.get("co_departments", "")
        names = [text] if text in self.departments else _NAME_SEPARATORS.split(re.sub(r"\s+", "、", text))
        for name in names:
            if name:
                value = read_choice(name, self.departments, {})
                (co if value else unknown).append(value or name)
        if unknown:
            row.add("co_departments", self._unknown_department("、".join(unknown)))
        if row.lead and row.lead in co:
            row.add("co_departments", f"“{row.lead}”已是主办部门，协办部门中不再列出", "warning")
        row.co = [d for d in dict.fromkeys(co) if d != row.lead]
        row.leader = texts.get("leader", "")
        row.assigned_on = self._date(row, "assigned_on", raw.get("assigned_on"))
        row.deadline = self._date(row, "deadline", raw.get("deadline"))
        row.reply = texts.get("reply", "")
        row.replied_on = self._date(row, "replied_on", raw.get("replied_on"))
        marker = re.search(rf"[（(]第{_CN_NUMBER}轮[）)]", texts.get("rating", "") + texts.get("result", ""))
        row.marked_round = (_positive(chinese_number(marker[1])) or 0) if marker else 0
        text = texts.get("result", "")
        if text:
            plain = plain_text(text).split("(")[0]
            row.result = plain if plain in RESULTS else RESULT_ALIASES.get(plain, "")
            if not row.result:
                row.add("result", f"“{text}”应为：{'、'.join(RESULTS)}")
        row.result_reason = texts.get("result_reason", "")
        row.rating_notes = texts.get("rating_notes", "")
        text = texts.get("rating", "")
        if text:  # "满意", "满意（第2轮）" as an exported summary writes it
            row.rating = RATING_ALIASES.get(plain_text(text).split("(")[0], "")
            if not row.rating:
                row.add("rating", f"“{text}”应为：{'、'.join(RATINGS)}")
        elif plain_text(row.rating_notes).rstrip("。") in RATING_ALIASES:  # 提案人意见 holding only 满意
            row.rating = RATING_ALIASES[plain_text(row.rating_notes).rstrip("。")]
            row.rating_notes = ""
        row.rated_on = self._date(row, "rated_on", raw.get("rated_on"))

    def _unknown_department(self, text: str) -> str:
        return (f"“{text}”不是可选的承办部门（可选：{'、'.join(self.departments)}）；"
                "如确需使用，请先在“设置 → 选项表”中添加")

    # --- pass 2: sessions, proposals, people, reviews, rounds ----------------------------------------------------
    def plan(self, rows: list[_Row]) -> None:
        groups: dict[tuple, list[_Row]] = {}
        for row in rows:
            if row.session_key is not None:
                groups.setdefault(row.session_key, []).append(row)
        sessions = [self._session(key, members) for key, members in groups.items()]
        for session in sessions:
            if session.valid:
                self._plan_session(session)
        for session in sessions:
            if session.valid:
                self._build(session)

    def _session(self, key: tuple[int, int], rows: list[_Row]) -> _Session:
        stored = self.sessions.get(key)
        term = self.terms.get(key[0])
        session = _Session(key, rows, stored, term)
        session.kind = stored["kind"] if stored else self.word
        first_given: _Row | None = None
        for row in rows:
            if row.held_on is None:
                continue
            if first_given is None:
                first_given = row
            elif row.held_on != first_given.held_on:
                row.add("held_on", f"同一会议各行的会议日期不一致：第{first_given.number}行为“{first_given.held_on}”，"
                                   f"本行为“{row.held_on}”；请改为一致（也可只在一行填写）")
        held_on = first_given.held_on if first_given else None
        if stored is not None:
            session.held_on = stored["held_on"]
            session.number_format = stored["number_format"]
            if held_on and held_on != stored["held_on"]:
                first_given.add("held_on", f"{stored['title']}已在系统中，会议日期为 {stored['held_on'] or '（空）'}，"
                                           f"与表中的 {held_on} 不同；沿用系统中的日期，如需更正请在“届次与代表”中修改",
                                "warning")
        else:
            session.held_on = held_on
            if term is not None:
                _values, problems = self.congress.normalize_session(SessionInput(term["id"], key[1], held_on=held_on))
                for problem in problems:
                    (first_given or rows[0]).add("held_on" if problem.field == "held_on" else "session_number",
                                                 problem.message)
        session.year = int(session.held_on[:4]) if session.held_on else self.today.year
        bad = next((r for r in rows if r.has("held_on", "session_number") and r.invalid), None)
        if bad is not None:
            session.valid = False
            for row in rows:
                if not row.has("held_on", "session_number"):
                    row.add("session", f"会议“{session.short}”有错误（见第{bad.number}行），该会议的各行都不导入")
            return session
        session.has_delegates = bool(self.delegates(term))
        self._load_stored(session)
        return session

    def _number(self, session: _Session, raw) -> str:
        """The number a 编号 or 并入提案编号 cell means: a plain number in the session's format, other text as is."""
        if raw is None:
            return ""
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer() and raw >= 1:
            return session.format(int(raw))
        text = re.sub(r"\s+", "", cell_text(raw))
        match = _PLAIN_NUMBER.fullmatch(text)
        if match and int(match[1]) >= 1:
            return session.format(int(match[1]))
        return text

    def _plan_session(self, session: _Session) -> None:
        by_number: dict[str, dict[int, _Row]] = {}
        proposals: list[_Proposal] = []
        for row in session.rows:
            row.proposal_number = self._number(session, row.number_raw)
            if not row.proposal_number:
                if row.round > 1:
                    row.add("number", f"第{row.round}轮的行请填写编号，以便找到所属的提案")
                    continue
                proposal = _Proposal(session, "", {1: row})
                proposals.append(proposal)
                row.proposal = proposal
                continue
            rounds = by_number.setdefault(row.proposal_number, {})
            if row.round in rounds:
                first = rounds[row.round]
                if row.round == 1 and not row.round_given:
                    row.add("number", f"与第{first.number}行的编号“{row.proposal_number}”重复：同一会议中编号不能重复；"
                                      "如是第二轮办理，请在“轮次”一栏填写2")
                else:
                    row.add("round", f"与第{first.number}行同为编号“{row.proposal_number}”的第{row.round}轮："
                                     "同一提案每轮只写一行")
                continue
            rounds[row.round] = row
            if len(rounds) == 1:
                proposal = _Proposal(session, row.proposal_number, rounds,
                                     stored=session.stored_by_number.get(row.proposal_number))
                proposals.append(proposal)
            row.proposal = next(p for p in proposals if p.rounds is rounds)
        sheet_numbers = {p.number: p for p in proposals if p.number}
        seen_without_number: dict[tuple, _Row] = {}
        for proposal in proposals:
            first = proposal.first
            self._people(first, session)
            if not proposal.number and not first.invalid:
                key = (first.title, first.proposer_id, first.proposer_text)
                if key in seen_without_number:
                    earlier = seen_without_number[key]
                    first.add("duplicate", f"与第{earlier.number}行是同一提案（案由和提案人相同），不再重复导入", "warning")
                    proposal.duplicate_of = earlier.number
                    continue
                seen_without_number[key] = first
                proposal.stored = self._stored_by_title(session, first)
            if proposal.stored is not None:
                self._stored_details(proposal)
            for row in list(proposal.rounds.values())[1:] if min(proposal.rounds) == 1 else []:
                self._agrees(row, first, proposal)
            self._check_proposal(proposal)
            self._check_review(proposal)
            self._check_rounds(proposal)
        for proposal in proposals:
            if proposal.review_planned and proposal.review == MERGED:
                self._check_merge(proposal, sheet_numbers)
        for proposal in proposals:  # a row with an error drops the rows of its further rounds
            bad = None
            for number in sorted(proposal.rounds):
                row = proposal.rounds[number]
                if bad is not None and not row.invalid:
                    row.add("proposal", f"同一提案第{bad.round}轮的行（第{bad.number}行）有错误，本行也不导入")
                elif bad is None and row.invalid:
                    bad = row
        session.proposals = proposals

    def _stored_by_title(self, session: _Session, row: _Row) -> dict | None:
        for stored in session.stored_by_number.values():
            if stored["title"] == row.title and stored["proposer_member_id"] == row.proposer_id and (
                    row.proposer_id is not None or stored["proposer_text"] == row.proposer_text):
                return stored
        return None

    def _agrees(self, row: _Row, first: _Row, proposal: _Proposal) -> None:
        """A further round's row may repeat the proposal's columns, but must not contradict its first row."""
        for key in PROPOSAL_FIELDS:
            value, expected = row.texts.get(key, ""), first.texts.get(key, "")
            if value and value != expected:
                row.add(key, f"同一提案各行不一致：第{first.number}行为“{_short(expected) or '（空）'}”，本行为"
                             f"“{_short(value)}”；第{row.round}轮的行只需填写编号、轮次和办理情况")

    # --- people ---------------------------------------------------------------------------------------------------
    def _find(self, name: str, unit: str, term: dict | None) -> tuple[dict | None, str, str]:
        """(the member, the error, a warning) for a name and an optional department."""
        namesakes = self.members.by_name.get(name, [])
        if not namesakes:
            return None, f"会员名册中没有名为“{name}”的会员（已作废的会员不能导入提案）", ""
        candidates, in_unit = namesakes, []
        if unit:
            wanted = split_path(unit)
            in_unit = [m for m in namesakes if unit_within(split_path(self.members.path_of(m)), wanted)]
            if len(in_unit) == 1:
                return in_unit[0], "", ""
            if in_unit:
                candidates = in_unit
            elif len(namesakes) == 1:
                member = namesakes[0]
                return member, "", (f"会员“{name}”在名册中的部门是“{self.members.path_of(member) or '未分配'}”，"
                                    f"与“{unit}”不同，已按姓名对应")
            else:
                return None, f"有{len(namesakes)}名会员叫{name}，但都不在“{unit}”，请核对部门", ""
        if len(candidates) == 1:
            return candidates[0], "", ""
        delegates = [m for m in candidates if m["id"] in self.delegates(term)]
        if len(delegates) == 1:
            return delegates[0], "", ""
        where = f"在“{unit}”" if in_unit else ""
        return None, f"{where}有{len(candidates)}名会员叫{name}，请写成“{name}（部门）”以区分", ""

    def _people(self, row: _Row, session: _Session) -> None:
        texts = row.texts
        term = session.term
        text = texts.get("name", "")
        if not text:
            row.proposer_text = texts.get("delegation", "")
        else:
            names = split_names(text)
            if len(names) > 1:
                row.proposer_text = "、".join(names)
                row.add("name", f"提案人有多人，按联名提案记为“{row.proposer_text}”（不对应到会员）；"
                                "如只有第一人是提案人，请把其余姓名移到附议人一栏", "warning")
            elif _JOINT.search(text):
                row.proposer_text = text
            else:
                name, unit = split_unit(names[0] if names else text)
                unit = texts.get("proposer_unit", "") or unit
                if name in self.delegations(term) or (
                        name not in self.members.by_name and len(name) >= 3 and name.endswith(GROUP_ENDINGS)):
                    row.proposer_text = name
                else:
                    member, error, warning = self._find(name, unit, term)
                    if member is None:
                        row.add("name", error + ("；如是代表团或联名提案，请写代表团名称（如“一车间代表团”）"
                                                 if error.startswith("会员名册中没有") else ""))
                    else:
                        row.proposer_id = row.planned.member_id = member["id"]
                        row.planned.name = member["name"]
                        row.planned.sub_unit_path = self.members.path_of(member)
                        if warning:
                            row.add("proposer_unit", warning, "warning")
        if row.proposer_id is None:
            row.planned.name = row.proposer_text or text
        ids = []
        for part in split_names(texts.get("cosigners", "")):
            name, unit = split_unit(part)
            member, error, warning = self._find(name, unit, term)
            if member is None:
                row.add("cosigners", error)
            else:
                ids.append(member["id"])
                if warning:
                    row.add("cosigners", warning, "warning")
        row.cosigner_ids = list(dict.fromkeys(ids))

    # --- the proposal, its review and its rounds -------------------------------------------------------------------
    def _check_proposal(self, proposal: _Proposal) -> None:
        row, session, stored = proposal.first, proposal.session, proposal.stored
        if min(proposal.rounds) > 1 and stored is None:
            row.add("round", f"找不到编号“{proposal.number}”的提案：第{row.round}轮的行之前要有该提案第1轮"
                             "（轮次不填或填1）的行")
            return
        if stored is not None:
            proposal.submitted_on = stored["submitted_on"]
            if min(proposal.rounds) == 1:
                self._compare_proposal(proposal)
            return
        if not row.title and not row.has("title"):
            row.add("title", "请填写案由")
        if row.submitted_on is None and not row.has("submitted_on"):
            if session.held_on and session.held_on <= self.iso_today:
                row.submitted_on = session.held_on
                row.planned.defaults.append(f"提交日期按会议日期 {session.held_on}")
            else:
                row.add("submitted_on", "请填写提交日期")
        elif row.submitted_on and row.submitted_on > self.iso_today:
            row.add("submitted_on", f"提交日期 {row.submitted_on} 晚于今天")
        proposal.submitted_on = row.submitted_on
        if row.proposer_id is None and not row.proposer_text and not row.has("name"):
            row.add("name", "请填写提案人（会员姓名），或代表团、联名提案的名称")
        if row.proposer_id is not None and row.proposer_id in row.cosigner_ids:
            row.add("cosigners", "提案人不能同时是附议人")
        if not row.invalid and row.submitted_on:
            self._warnings(row, session)

    def _warnings(self, row: _Row, session: _Session) -> None:
        """The store's warnings: the proposer or a co-signer not a delegate; too few co-signers."""
        day, term = row.submitted_on, session.term
        if session.has_delegates:
            who = f"第{session.key[0]}届{session.kind}代表"
            if row.proposer_id is not None and self.non_delegates(term, [row.proposer_id], day):
                row.add("name", f"{row.planned.name}在 {day} 不是{who}", "warning")
            outside = self.non_delegates(term, row.cosigner_ids, day) if row.cosigner_ids else []
            if outside:
                names = dict(self.db.execute(f"SELECT id, name FROM members WHERE id IN ({', '.join('?' * len(outside))})",
                                             outside).fetchall())
                row.add("cosigners", f"附议人{'、'.join(names[i] for i in outside)}在 {day} 不是{who}", "warning")
        if row.proposer_id is not None and "cosigners" in self.mapped and len(row.cosigner_ids) < self.min_cosigners:
            row.add("cosigners", f"附议人少于{self.min_cosigners}名（现有{len(row.cosigner_ids)}名）", "warning")

    def _compare_proposal(self, proposal: _Proposal) -> None:
        """A recorded proposal is kept as it is: what the sheet has otherwise is shown as a warning."""
        row, stored = proposal.first, proposal.stored
        differences = []

        def differ(key: str, sheet, system, shown_sheet: str | None = None, shown_system: str | None = None) -> None:
            if sheet != system:
                differences.append(f"{PROBLEM_LABELS[key]}（表中“{_short(shown_sheet or str(sheet or ''))}”，"
                                   f"系统中“{_short(shown_system or str(system or '')) or '（空）'}”）")

        if row.title:
            differ("title", row.title, stored["title"])
        for key in ("reason", "measures"):
            if getattr(row, key):
                differ(key, getattr(row, key), stored[key])
        if row.category:
            differ("category", row.category, stored["category"])
        if row.submitted_on and "提交日期按" not in " ".join(row.planned.defaults):
            differ("submitted_on", row.submitted_on, stored["submitted_on"])
        if row.given("name", "delegation") and not row.has("name"):
            if (row.proposer_id, row.proposer_text if row.proposer_id is None else "") != (
                    stored["proposer_member_id"], stored["proposer_text"]):
                differ("name", 1, 2, row.planned.name, self._member_name(stored["proposer_member_id"])
                       or stored["proposer_text"])
        if row.given("cosigners") and not row.has("cosigners"):
            if set(row.cosigner_ids) != set(proposal.stored_cosigners):
                differ("cosigners", 1, 2, self._names(row.cosigner_ids), self._names(proposal.stored_cosigners))
        if differences:
            row.add("existing", f"提案 {stored['number']} 已在系统中，沿用系统中的记录；表中与系统中不同的项："
                                f"{'，'.join(differences)}，如需更正请在提案中修改", "warning")

    def _member_name(self, member_id: int | None) -> str:
        if member_id is None:
            return ""
        found = self.db.execute("SELECT name FROM members WHERE id = ?", [member_id]).fetchone()
        return found[0] if found else ""

    def _names(self, ids: list[int]) -> str:
        return "、".join(self._member_name(i) for i in ids)

    def _check_review(self, proposal: _Proposal) -> None:
        row, session, stored = proposal.first, proposal.session, proposal.stored
        if min(proposal.rounds) > 1:
            proposal.review = stored["review"] if stored else ""
            proposal.reviewed_on = stored["reviewed_on"] if stored else None
            return
        outcome = row.outcome
        if outcome is None and any(r.has_round for r in proposal.rounds.values()) and not (stored and stored["review"]):
            outcome = REGISTERED
            row.add("outcome", "表中未填审查结果，已填写办理情况，按“立案”导入，请核对", "warning")
        if stored is not None and stored["review"]:
            proposal.review, proposal.reviewed_on = stored["review"], stored["reviewed_on"]
            proposal.merged_into_id = stored["merged_into_id"]
            target = proposal.merged_into = self._stored_number(stored["merged_into_id"])
            sheet_target = self._number(session, row.merged_ref) if outcome == MERGED else ""
            if outcome and (outcome != stored["review"] or (sheet_target and sheet_target != target)):
                shown = f"{outcome}（并入 {sheet_target}）" if sheet_target else outcome
                system = f"{stored['review']}（并入 {target}）" if target else stored["review"]
                row.add("existing", f"系统中该提案的审查结果为“{system}”，与表中的“{shown}”不同；"
                                    "沿用系统中的审查结果，如需更正请在提案中修改", "warning")
            return
        if not outcome:
            return
        proposal.review, proposal.review_planned = outcome, True
        if outcome == NOT_REGISTERED and not row.review_reason:
            row.add("review_reason", "不立案时请填写理由")
        submitted = proposal.submitted_on
        if row.reviewed_on is None and not row.has("reviewed_on"):
            if submitted:
                day = max(submitted, session.held_on or submitted)
                day = day if day <= self.iso_today else submitted
                row.reviewed_on = day
                source = "会议日期" if day == session.held_on and day != submitted else "提交日期"
                row.planned.defaults.append(f"审查日期按{source} {day}")
        elif row.reviewed_on:
            if row.reviewed_on > self.iso_today:
                row.add("reviewed_on", f"审查日期 {row.reviewed_on} 晚于今天")
            elif submitted and row.reviewed_on < submitted:
                row.add("reviewed_on", f"审查日期 {row.reviewed_on} 早于提交日期 {submitted}")
        proposal.reviewed_on = row.reviewed_on

    def _stored_number(self, proposal_id: int | None) -> str:
        if proposal_id is None:
            return ""
        found = self.db.execute("SELECT number FROM proposals WHERE id = ?", [proposal_id]).fetchone()
        return found[0] if found else ""

    def _check_merge(self, proposal: _Proposal, sheet_numbers: dict[str, _Proposal]) -> None:
        row, session = proposal.first, proposal.session
        if row.merged_ref is None:
            row.add("merged_into", "请填写并入的提案编号")
            return
        number = self._number(session, row.merged_ref)
        target = sheet_numbers.get(number)
        stored = session.stored_by_number.get(number)
        if target is None and stored is None:
            number = self._by_digits(session, number, sheet_numbers)
            target, stored = sheet_numbers.get(number), session.stored_by_number.get(number)
        if target is None and stored is None:
            row.add("merged_into", f"本次会议中没有编号为“{cell_text(row.merged_ref)}”的提案（表中和系统中都没有）")
            return
        if target is proposal or (stored is not None and proposal.stored is not None
                                  and stored["id"] == proposal.stored["id"]):
            row.add("merged_into", "提案不能并入自身")
            return
        if target is not None and 1 in target.rounds and target.rounds[1].invalid:
            row.add("merged_into", f"要并入的提案“{number}”（第{target.rounds[1].number}行）有错误，本行也不导入")
            return
        review = target.review if target is not None else stored["review"]
        if review != REGISTERED:
            row.add("merged_into", f"只能并入已立案的提案，提案 {number} 的审查结果为“{review or UNREVIEWED}”")
            return
        proposal.merged_into = number
        proposal.merged_into_id = stored["id"] if stored is not None else None

    @staticmethod
    def _by_digits(session: _Session, reference: str, sheet_numbers: dict) -> str:
        """A reference written as a bare number ("7") to a number in another form ("2025-07"), when unique."""
        match = _PLAIN_NUMBER.fullmatch(reference) or re.fullmatch(r".*?(\d+)\D*", reference)
        if not match:
            return reference
        wanted = int(match[1])
        found = [n for n in {*sheet_numbers, *session.stored_by_number}
                 if (m := _TRAILING_DIGITS.search(n)) and int(m[1]) == wanted]
        return found[0] if len(found) == 1 else reference

    def _check_rounds(self, proposal: _Proposal) -> None:
        stored_rounds = {r["round"]: r for r in proposal.stored_rounds}
        state = proposal.state
        for number in sorted(stored_rounds):
            r = stored_rounds[number]
            state.append({"assigned_on": r["assigned_on"], "replied_on": r["replied_on"], "rating": r["rating"],
                          "rated_on": r["rated_on"], "stored": r})
        for number in sorted(proposal.rounds):
            row = proposal.rounds[number]
            if any(r.invalid for k, r in proposal.rounds.items() if k < number):
                continue  # dropped with the earlier round (said below)
            if number > 1 and not row.has_round:
                row.add("round", f"第{number}轮的行请填写交办、答复或评价")
                continue
            if not row.has_round:
                if row.rating_notes:
                    row.add("rating_notes", "没有填写满意度，提案人意见不导入（提案人意见随评价登记）", "warning")
                continue
            marked = row.marked_round
            if marked > number and not row.round_given:
                if marked <= len(state):  # the latest round of a recorded proposal, as the summary export shows it
                    self._compare_round(row, state[marked - 1]["stored"], marked)
                else:
                    row.add("round", f"本行的办理情况是第{marked}轮的：请把第1轮和第{marked}轮分行填写，"
                                     f"第{marked}轮的行在“轮次”一栏填{marked}")
                continue
            self._check_round(proposal, row, number, state)

    def _check_round(self, proposal: _Proposal, row: _Row, number: int, state: list[dict]) -> None:
        first_key = row.first_given(ROUND_FIELDS)
        if proposal.review != REGISTERED:
            if proposal.stored is not None and proposal.stored["review"]:
                row.add("existing", f"系统中该提案的审查结果为“{proposal.stored['review']}”，不能交办；本行的办理情况不导入，"
                                    "如需更正请在提案中修改", "warning")
            elif proposal.review == MERGED:
                row.add(first_key, "并案的提案不单独交办，由并入的提案办理；请删去本行的办理情况")
            elif not row.invalid:
                row.add(first_key, f"只有立案的提案才能交办、答复和评价（审查结果为“{proposal.review or UNREVIEWED}”）")
            return
        if row.rating_notes and not row.rating and not row.given("rated_on"):
            row.add("rating_notes", "没有填写满意度，提案人意见不导入（提案人意见随评价登记）", "warning")
        stored = state[number - 1]["stored"] if number <= len(state) else None
        if stored is not None:
            latest = state[-1]["stored"]
            if not (number == 1 and len(proposal.rounds) == 1 and not row.round_given and latest is not stored
                    and not self._round_differences(row, latest)):  # a 立案一览表 shows the latest round
                self._compare_round(row, stored, number)
            current = state[number - 1]
        else:
            if number != len(state) + 1:
                row.add("round", f"第{number - 1}轮的办理情况表中和系统中都没有，不能登记第{number}轮")
                return
            if number > 1 and state[-1]["rating"] != DISSATISFIED:
                row.add("round", f"第{number - 1}轮的满意度为“{state[-1]['rating'] or '未评价'}”：提案人对上一轮的答复"
                                 f"不满意时，才有第{number}轮办理")
                return
            current = self._check_assign(proposal, row, number, state)
            if current is None:
                return
            state.append(current)
        self._check_reply(row, current)
        self._check_rating(row, current)

    def _check_assign(self, proposal: _Proposal, row: _Row, number: int, state: list[dict]) -> dict | None:
        if number == 1:
            not_before, what = proposal.reviewed_on, "立案日期"
        else:
            not_before, what = state[-1]["rated_on"], "上一轮评价日期"
        if not row.lead:
            if not row.has("lead_department"):
                row.add("lead_department", "请填写主办部门（交办后才能答复和评价）")
            return None
        assigned = row.assigned_on
        if assigned is None and not row.has("assigned_on"):
            if not_before:
                assigned = row.assigned_on = not_before
                row.planned.defaults.append(f"交办日期按{what} {not_before}")
        elif assigned:
            if assigned > self.iso_today:
                row.add("assigned_on", f"交办日期 {assigned} 晚于今天")
            elif not_before and assigned < not_before:
                row.add("assigned_on", f"交办日期 {assigned} 早于{what} {not_before}")
        if row.deadline and assigned and row.deadline < assigned:
            row.add("deadline", f"办理期限 {row.deadline} 早于交办日期 {assigned}")
        return {"assigned_on": assigned, "replied_on": None, "rating": "", "rated_on": None, "stored": None,
                "new": True}

    def _check_reply(self, row: _Row, current: dict) -> None:
        stored = current["stored"]
        if not row.given(*REPLY_FIELDS) or (stored is not None and stored["replied_on"]):
            return
        if not row.result:
            if not row.has("result"):
                row.add("result", f"请填写办理结果（{'、'.join(RESULTS)}）")
        elif row.result == UNSOLVABLE and not row.result_reason:
            row.add("result_reason", "办理结果为“暂不能解决”时请填写原因")
        if row.replied_on is None:
            if not row.has("replied_on"):
                row.add("replied_on", "请填写答复日期")
        elif row.replied_on > self.iso_today:
            row.add("replied_on", f"答复日期 {row.replied_on} 晚于今天")
        elif current["assigned_on"] and row.replied_on < current["assigned_on"]:
            row.add("replied_on", f"答复日期 {row.replied_on} 早于交办日期 {current['assigned_on']}")
        current["replied_on"] = row.replied_on
        current["reply_new"] = True

    def _check_rating(self, row: _Row, current: dict) -> None:
        stored = current["stored"]
        if not (row.rating or row.given("rated_on")) or (stored is not None and stored["rating"]):
            return
        if not current["replied_on"]:
            row.add("rating", "还没有答复，不能评价：请先填写答复日期和办理结果")
            return
        if not row.rating:
            if not row.has("rating"):
                row.add("rating", f"请填写满意度（{'、'.join(RATINGS)}）")
            return
        replied = current["replied_on"]
        if row.rated_on is None and not row.has("rated_on"):
            row.rated_on = replied
            row.planned.defaults.append(f"评价日期按答复日期 {replied}")
        elif row.rated_on:
            if row.rated_on > self.iso_today:
                row.add("rated_on", f"评价日期 {row.rated_on} 晚于今天")
            elif row.rated_on < replied:
                row.add("rated_on", f"评价日期 {row.rated_on} 早于答复日期 {replied}")
        current["rating"], current["rated_on"] = row.rating, row.rated_on
        current["rating_new"] = True

    def _compare_round(self, row: _Row, stored: dict, number: int) -> None:
        """A recorded round is kept; what the sheet has otherwise is shown as a warning."""
        differences = self._round_differences(row, stored)
        if differences:
            row.add("existing", f"系统中已有第{number}轮的办理情况，与表中不同：{'，'.join(differences)}；"
                                "沿用系统中的记录，如需更正请在提案中修改", "warning")

    @staticmethod
    def _round_differences(row: _Row, stored: dict) -> list[str]:
        differences = []
        co = json.loads(stored["co_departments"] or "[]")
        sheet = {"lead_department": row.lead, "co_departments": "、".join(row.co), "leader": row.leader,
                 "assigned_on": row.assigned_on, "deadline": row.deadline}
        system = {"lead_department": stored["lead_department"], "co_departments": "、".join(co),
                  "leader": stored["leader"], "assigned_on": stored["assigned_on"], "deadline": stored["deadline"]}
        if stored["replied_on"]:
            sheet.update(reply=row.reply, replied_on=row.replied_on, result=row.result)
            system.update(reply=stored["reply"], replied_on=stored["replied_on"], result=stored["result"])
        if stored["rating"]:
            sheet.update(rating=row.rating, rated_on=row.rated_on)
            system.update(rating=stored["rating"], rated_on=stored["rated_on"])
        for key, value in sheet.items():
            if value and row.given(key) and value != system[key]:
                differences.append(f"{PROBLEM_LABELS[key]}（表中“{_short(value)}”，"
                                   f"系统中“{_short(system[key] or '') or '（空）'}”）")
        return differences

    # --- pass 3: what to write ---------------------------------------------------------------------------------------
    def _build(self, session: _Session) -> None:
        proposals = [p for p in session.proposals if p.duplicate_of is None]
        valid = [p for p in proposals if not p.first.invalid]
        if not any(not r.invalid for p in session.proposals for r in p.rounds.values()):
            return
        planned_session = PlannedSession(session.key[0], session.key[1], session.title, session.held_on,
                                         session.term["id"] if session.term else None,
                                         session.stored["id"] if session.stored else None,
                                         min(r.number for r in session.rows))
        self.planned_sessions.append(planned_session)

        def sort_key(p: _Proposal) -> tuple:
            """Numbers in the session's format by their running number, then other numbers, then none."""
            match = _TRAILING_DIGITS.search(p.number) if p.number else None
            if match and p.number == session.format(int(match[1])):
                return 0, int(match[1]), p.first.number
            return (1 if p.number else 2), 0, p.first.number

        # predict the generated numbers as the store gives them when filing in this order: the running number
        # after the highest, skipping those whose number is taken (the typed ones are filed first)
        taken = set(session.stored_numbers)
        seq = session.max_seq + 1
        numbers: dict[int, str] = {}
        for proposal in sorted((p for p in valid if p.stored is None), key=sort_key):
            while session.format(seq) in taken:
                seq += 1
            if not proposal.number:
                numbers[id(proposal)] = session.format(seq)
            taken.add(proposal.number or numbers[id(proposal)])
            seq += 1

        planned_by_proposal: dict[int, PlannedProposal] = {}
        for proposal in sorted(valid, key=sort_key):
            planned_by_proposal[id(proposal)] = self._build_proposal(proposal, session, numbers.get(id(proposal), ""))
        for proposal in proposals:  # what each row shows
            shown = proposal.number or numbers.get(id(proposal), "") or (
                proposal.stored["number"] if proposal.stored else "")
            for number, row in proposal.rounds.items():
                row.planned.number = shown + (f"（第{number}轮）" if number > 1 else "")
                if not row.planned.title and proposal.stored is not None:
                    row.planned.title = proposal.stored["title"]
                elif not row.planned.title:
                    row.planned.title = proposal.first.title
                if row is not proposal.first and not row.planned.name:
                    row.planned.name = proposal.first.planned.name
                    row.planned.sub_unit_path = proposal.first.planned.sub_unit_path
                if not row.planned.name and proposal.stored is not None:
                    row.planned.name = (self._member_name(proposal.stored["proposer_member_id"])
                                        or proposal.stored["proposer_text"])
                row.planned.review = self._review_text(proposal) if number == min(proposal.rounds) else ""
                row.planned.handling = self._handling_text(row, number)
        ordered = [planned_by_proposal[id(p)] for p in sorted(valid, key=sort_key)]
        work = [p for p in ordered if p.has_work()]
        if work:
            first_rows = [p.row_number for p in work]
            first = next(p.first for p in valid if p.first.number == min(first_rows))
            created = []
            if session.term is None and not any(s.term_number == session.key[0] and s.term_id is None
                                                for s in self.planned_sessions[:-1]):
                created.append(f"新建第{session.key[0]}届")
            if session.stored is None:
                created.append(f"新建{session.title}")
            first.planned.writes[:0] = created
        planned_session.new_proposals = sum(1 for p in work if p.data is not None)
        planned_session.updated_proposals = sum(1 for p in work if p.proposal_id is not None)
        if planned_session.new_proposals and not session.has_delegates:
            term = session.key[0]
            what = f"第{term}届是新建的届次，还没有代表名单" if session.term is None else f"第{term}届还没有代表名单"
            note = f"{what}：提案人、附议人是否为本届代表没有检查，可在“届次与代表”中补充代表后在提案中核对"
            if note not in self.notes:
                self.notes.append(note)
        if session.stored is None and not work:
            self.planned_sessions.remove(planned_session)
            return
        self.planned_proposals += work

    def _build_proposal(self, proposal: _Proposal, session: _Session, generated: str) -> PlannedProposal:
        first = proposal.first
        planned = PlannedProposal(session.key, proposal.number, first.number,
                                  proposal.stored["id"] if proposal.stored else None)
        if proposal.stored is None:
            planned.data = ProposalInput(
                session_id=0, title=first.title, reason=first.reason, measures=first.measures,
                proposer_member_id=first.proposer_id, proposer_text="" if first.proposer_id else first.proposer_text,
                cosigner_ids=list(first.cosigner_ids), category=first.category, submitted_on=first.submitted_on,
                number=proposal.number, notes=first.notes)
            first.planned.writes.append("登记提案（自动编号）" if generated else "登记提案")
        if proposal.review_planned:
            planned.review = ReviewInput(proposal.review, first.review_reason, None, first.reviewer,
                                         proposal.reviewed_on)
            planned.merged_into, planned.merged_into_id = proposal.merged_into, proposal.merged_into_id
            first.planned.writes.append(f"并入 {proposal.merged_into}" if proposal.review == MERGED
                                        else f"审查：{proposal.review}")
        for number, state in enumerate(proposal.state, start=1):
            row = proposal.rounds.get(number)
            if row is None or row.invalid or not row.has_round:
                continue
            stored = state["stored"]
            planned_round = PlannedRound(number, row.number, stored["id"] if stored else None)
            if state.get("new"):
                planned_round.assign = HandlingInput(row.lead, list(row.co), row.leader, row.assigned_on, row.deadline)
                row.planned.writes.append(f"交办（主办：{row.lead}）" if number == 1 else f"第{number}轮交办（主办：{row.lead}）")
            if state.get("reply_new"):
                planned_round.reply = ReplyInput(row.reply, row.replied_on, row.result, row.result_reason)
                row.planned.writes.append("登记答复")
            if state.get("rating_new"):
                planned_round.rating = (row.rating, row.rated_on, row.rating_notes)
                row.planned.writes.append(f"登记评价（{row.rating}）")
            if planned_round.assign or planned_round.reply or planned_round.rating:
                planned.rounds.append(planned_round)
        return planned

    @staticmethod
    def _review_text(proposal: _Proposal) -> str:
        if proposal.review == MERGED:
            target = proposal.merged_into or ""
            return f"并入 {target}".strip()
        return proposal.review

    @staticmethod
    def _handling_text(row: _Row, number: int) -> str:
        parts = [row.lead] if row.lead else []
        if row.result:
            parts.append(row.result)
        elif row.replied_on:
            parts.append("已答复")
        if row.rating:
            parts.append(row.rating)
        text = "；".join(parts)
        return f"第{number}轮：{text}" if number > 1 and text else text


# --- committing ------------------------------------------------------------------------------------------------
@dataclass
class ProposalImportResult:
    terms: int = 0
    sessions: int = 0
    proposals: int = 0
    updated: int = 0
    reviews: int = 0
    rounds: int = 0
    replies: int = 0
    ratings: int = 0
    unchanged: int = 0  # rows
    skipped: int = 0  # invalid rows left out


def commit_import(db: sqlite_utils.Database, plan: ProposalImportPlan, *, skip_invalid: bool = False,
                  progress: Progress | None = None, is_cancelled: IsCancelled | None = None) -> ProposalImportResult:
    """Write the plan in one transaction through :class:`CongressStore` and :class:`ProposalStore`; on any
    error or a cancel nothing is written. ``transaction()`` joins an outer transaction, so the stores' own
    writes are inside this one."""
    counts = plan.counts()
    if counts["invalid"] and not skip_invalid:
        raise ImportBlocked(f"有 {counts['invalid']} 行数据有问题，为保证提案记录完整，本次没有导入任何数据。"
                            "请修改文件后重新导入，或选择跳过有问题的行。")
    progress = progress or no_progress
    totals = plan.totals()
    result = ProposalImportResult(**dataclasses.asdict(totals), unchanged=counts["unchanged"],
                                  skipped=counts["invalid"])
    steps = (totals.terms + totals.sessions + totals.proposals + totals.reviews + totals.rounds + totals.replies
             + totals.ratings)
    writer = _Writer(db, plan.today, steps, progress, is_cancelled)
    with transaction(db):
        writer.write(plan)
        check_cancel(is_cancelled)
    progress(steps, steps, "导入完成")
    return result


class _Writer:
    def __init__(self, db: sqlite_utils.Database, today: dt.date, steps: int, progress: Progress,
                 is_cancelled: IsCancelled | None):
        self.congress = CongressStore(db, today=today)
        self.proposals = ProposalStore(db, today=today)
        self.steps = steps
        self.done = 0
        self.progress = progress
        self.is_cancelled = is_cancelled

    def tick(self) -> None:
        before = self.done
        self.done += 1
        if before == 0 or before // PROGRESS_INTERVAL != self.done // PROGRESS_INTERVAL:
            check_cancel(self.is_cancelled)
            self.progress(self.done, self.steps, f"正在导入第 {self.done}/{self.steps} 项…")

    def call(self, row_number: int, function: Callable, *args):
        try:
            value = function(*args)
        except UserError as exc:  # a member voided, a number taken or a review changed since the check
            raise UserError(f"第{row_number}行：{exc}。数据库在检查之后被修改过，本次没有导入任何数据，"
                            "请重新检查后再导入。") from exc
        self.tick()
        return value

    def write(self, plan: ProposalImportPlan) -> None:
        term_ids: dict[int, int] = {}
        session_ids: dict[tuple[int, int], int] = {}
        for session in plan.sessions:
            if session.session_id is not None:
                session_ids[session.key] = session.session_id
                continue
            term_id = session.term_id or term_ids.get(session.term_number)
            if term_id is None:
                term_id = term_ids[session.term_number] = self.call(
                    session.first_row, self.congress.create_term, TermInput(session.term_number))
            session_ids[session.key] = self.call(session.first_row, self.congress.create_session,
                                                 SessionInput(term_id, session.number, held_on=session.held_on))
        ids: dict[int, int] = {}  # id(planned proposal) -> proposal id
        by_number: dict[tuple, int] = {}
        for planned in plan.proposals:
            if planned.data is not None:
                data = dataclasses.replace(planned.data, session_id=session_ids[planned.session_key])
                proposal_id, _warnings = self.call(planned.row_number, self.proposals.file, data)  # shown when checked
            else:
                proposal_id = planned.proposal_id
            ids[id(planned)] = proposal_id
            if planned.number:
                by_number[(planned.session_key, planned.number)] = proposal_id
        # the merge targets are reviewed before the proposals merged into them
        for planned in sorted((p for p in plan.proposals if p.review is not None),
                              key=lambda p: p.review.outcome == MERGED):
            review = planned.review
            if review.outcome == MERGED:
                target = planned.merged_into_id or by_number.get((planned.session_key, planned.merged_into))
                review = dataclasses.replace(review, merged_into_id=target)
            self.call(planned.row_number, self.proposals.review, ids[id(planned)], review)
        for planned in plan.proposals:
            handling_id = None
            for planned_round in planned.rounds:
                handling_id = planned_round.handling_id or handling_id
                if planned_round.assign is not None:
                    function = self.proposals.assign if planned_round.round == 1 else self.proposals.second_round
                    handling_id = self.call(planned_round.row_number, function, ids[id(planned)], planned_round.assign)
                if planned_round.reply is not None:
                    self.call(planned_round.row_number, self.proposals.reply, handling_id, planned_round.reply)
                if planned_round.rating is not None:
                    self.call(planned_round.row_number, self.proposals.rate, handling_id, *planned_round.rating)


# --- command line ----------------------------------------------------------------------------------------------
def proposals_import_command(db_path, file, *, dry_run: bool, skip_invalid: bool, out: TextIO) -> int:
    """``gonghui-desk proposals import``: check the sheet, print the plan and its problems, write it."""
    return run_import_command(db_path, file, open_source=open_source, plan_import=plan_import,
                              commit_import=commit_import, print_plan=_print_plan, result_text=_result_text,
                              dry_run=dry_run, skip_invalid=skip_invalid, out=out)


def totals_text(totals: ProposalImportTotals | ProposalImportResult) -> str:
    """"新建届次 1 个、会议 1 次；登记提案 5 件，补充已有提案 1 件；审查 5 件、交办 3 次、答复 2 次、评价 1 次"."""
    parts = []
    created = [text for n, text in ((totals.terms, f"届次 {totals.terms} 个"), (totals.sessions,
                                                                              f"会议 {totals.sessions} 次")) if n]
    if created:
        parts.append("新建" + "、".join(created))
    proposals = f"登记提案 {totals.proposals} 件"
    if totals.updated:
        proposals += f"，补充已有提案 {totals.updated} 件"
    parts.append(proposals)
    steps = [text for n, text in ((totals.reviews, f"审查 {totals.reviews} 件"), (totals.rounds, f"交办 {totals.rounds} 次"),
                                  (totals.replies, f"答复 {totals.replies} 次"), (totals.ratings, f"评价 {totals.ratings} 次"))
             if n]
    if steps:
        parts.append("、".join(steps))
    return "；".join(parts)


def _print_plan(plan: ProposalImportPlan, out: TextIO) -> None:
    print_source(plan, PROPOSAL_IMPORT_FIELDS, out)
    counts = plan.counts()
    print(f"检查结果：新增 {counts['new']} 行，补充已有提案 {counts['update']} 行，已有记录（不再导入）"
          f"{counts['unchanged']} 行，有问题 {counts['invalid']} 行。", file=out)
    print(f"将{totals_text(plan.totals())}。", file=out)
    if plan.created_text():
        print(plan.created_text() + "。", file=out)
    for session in plan.sessions:
        if session.session_id is not None and (session.new_proposals or session.updated_proposals):
            print(f"{session.title}（已有）：新增提案 {session.new_proposals} 件，补充 {session.updated_proposals} 件。",
                  file=out)
    if plan.defaults_text():
        print(f"未填写的日期按前一环节的日期登记：{plan.defaults_text()}。", file=out)
    for note in plan.notes:
        print(f"说明：{note}。", file=out)
    print_problems(plan, out)


def _result_text(result: ProposalImportResult) -> str:
    return f"导入完成：{totals_text(result)}；已有记录未重复导入 {result.unchanged} 行，跳过 {result.skipped} 行。"


# --- the blank template ------------------------------------------------------------------------------------------
TEMPLATE_TITLE = "提案导入模板"
TEMPLATE_HEADER_ROW = 3
TEMPLATE_ROWS = 500
TEMPLATE_NOTE = ("每行填写一件提案；届次和会议次数（或“会议”一栏，如“第3届第2次”）每行都要填写。第二轮办理（提案人不满意后"
                 "再次交办）另起一行，填写相同的编号并在“轮次”填 2。带 * 的列必填，详见“填写说明”工作表。")
TEMPLATE_HELP: tuple[tuple[str, str], ...] = (
    ("届次", "第几届，填数字，如 3。与“会议次数”一起确定会议；系统中没有的届次和会议，导入时自动新建。"),
    ("会议次数", "本届第几次会议，填数字，如 2。"),
    ("会议", "也可只填这一栏代替届次和会议次数，如“第3届第2次”“第三届职代会第二次会议”。"),
    ("会议日期", "会议召开的日期；新建会议时使用，同一会议各行须一致（也可只填一行）。"),
    ("编号", "提案编号。只填数字（如 7）时按会议的编号格式写成“第3届第2次-007”；写成其他形式的照录；"
             "不填的按顺序自动编号。同一会议中编号不能重复。"),
    ("轮次", "第一轮不填。提案人对答复不满意、再次交办的，另起一行，填写相同的编号，轮次填 2，"
             "只需填写该轮的交办、答复和评价。"),
    ("案由", "必填，提案的题目，如“关于增设职工午休室的建议”。"),
    ("理由", "提案的理由，可多段。"),
    ("办法和措施", "建议的办法和措施，可多段。"),
    ("提案人", "提案人姓名，须已在会员名册中；有同名会员时写成“张三（一车间）”或填写提案人部门。代表团提案填代表团名称，"
               "联名提案可写“张三等5名代表”。"),
    ("提案人部门", "有同名会员时用来区分。"),
    ("代表团", "代表团或代表组提出的提案：提案人一栏不填，在此填写代表团名称。"),
    ("附议人", "附议人姓名，用顿号分隔，如“张三、李四”；同名的写成“张三（一车间）”。"),
    ("类别", "从下拉列表选择，如生活福利、安全生产。"),
    ("提交日期", "提案提交的日期；不填时按会议日期。"),
    ("审查结果", "立案、不立案、转意见建议或并案；未审查的不填。"),
    ("不立案理由", "不立案时必填；其他审查结果也可在此填写审查意见。"),
    ("并入提案编号", "并案时填写并入的提案编号（同一会议中已立案的提案，可在表中任意一行）。"),
    ("审查人", "审查人或提案审查委员会。"),
    ("审查日期", "不填时按提交日期与会议日期中较晚的一天。"),
    ("主办部门", "从下拉列表选择；只有立案的提案才能交办。"),
    ("协办部门", "多个部门用顿号分隔，如“财务部、工会”。"),
    ("责任领导", "分管或责任领导。"),
    ("交办日期", "不填时按审查日期（第二轮按上一轮的评价日期）。"),
    ("办理期限", "答复的期限；过期未答复的提案显示为逾期。"),
    ("答复内容", "承办部门的答复。"),
    ("答复日期", "有答复时必填。"),
    ("办理结果", "已解决、正在解决、列入计划或暂不能解决。"),
    ("暂不能解决原因", "办理结果为“暂不能解决”时必填。"),
    ("满意度", "提案人对答复的评价：满意、基本满意或不满意。"),
    ("评价日期", "不填时按答复日期。"),
    ("提案人意见", "提案人对答复的意见（随评价一同登记）。"),
    ("备注", "提案的备注。"),
)
_TEMPLATE_WIDTHS = {"meeting": 14, "held_on": 12, "number": 16, "title": 30, "reason": 30, "measures": 30,
                    "cosigners": 16, "submitted_on": 12, "outcome": 12, "review_reason": 16, "merged_into": 14,
                    "reviewed_on": 12, "lead_department": 14, "co_departments": 16, "assigned_on": 12,
                    "deadline": 12, "reply": 30, "replied_on": 12, "result": 12, "result_reason": 16,
                    "rated_on": 12, "rating_notes": 16, "notes": 16, "proposer_unit": 12, "delegation": 12}
_TEMPLATE_REQUIRED = ("title",)
_TEMPLATE_DATES = ("held_on", "submitted_on", "reviewed_on", "assigned_on", "deadline", "replied_on", "rated_on")


def write_proposals_template(path, db: sqlite_utils.Database | None = None) -> Path:
    """Write a blank import template (.xlsx): a title, one instruction line and the header row, dates as
    dates, the choices as drop-down lists (the database's 提案类别 and 承办部门 when ``db`` is given, else the
    default ones), and a second sheet 填写说明 explaining every column."""
    from gonghui_desk.importing.templates import template_lists, write_template

    lists = template_lists(db, {"category": "proposal.category", "lead_department": "proposal.department"})
    lists.update(outcome=list(OUTCOMES), result=list(RESULTS), rating=list(RATINGS))
    return write_template(path, sheet="提案导入", title=TEMPLATE_TITLE, note=TEMPLATE_NOTE,
                          fields=PROPOSAL_IMPORT_FIELDS, header_row=TEMPLATE_HEADER_ROW, rows=TEMPLATE_ROWS,
                          lists=lists, widths=_TEMPLATE_WIDTHS, default_width=10, required=_TEMPLATE_REQUIRED,
                          text=("number",), dates=_TEMPLATE_DATES, frozen_columns=0, help_rows=TEMPLATE_HELP)


__all__ = ["PROPOSAL_IMPORT_FIELDS", "PROPOSAL_SYNONYMS", "REQUIRED_COLUMNS", "PlannedProposal", "PlannedProposalRow",
           "PlannedRound", "PlannedSession", "ProposalImportPlan", "ProposalImportResult", "ProposalImportTotals",
           "commit_import", "open_source", "plan_import", "proposals_import_command", "read_choice", "read_meeting",
           "read_outcome", "split_names", "totals_text", "write_proposals_template"]
