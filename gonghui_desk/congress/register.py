"""The proposals register (提案台账): which proposals match a filter, their rows with their status, and a
session's dashboard — all counted in SQL.

Like the other registers, the proposals page asks for the ordered ids of the proposals matching a
:class:`ProposalFilter` (:func:`proposal_ids`) and fetches the rows it shows a page at a time
(:func:`proposal_rows`); exports walk the whole list (:func:`iter_proposals`). Voided proposals, voided
rounds of handling, voided co-signers and proposals of voided sessions never appear.

Status (``STATUSES``), from the review and the **latest live round** of handling:

* 待审查: not reviewed yet; 不立案, 转意见建议: the review's outcome; 已并案: merged into another;
* 待交办: 立案 without a round of handling;
* 办理中: the latest round has no reply yet; it is **逾期** (``overdue``) when its deadline is before today;
* 已答复: the latest round has a reply and is neither 已办结 nor 不满意;
* 不满意: the proposer rated the latest round 不满意 (no new round yet: a second round makes it 办理中);
* 已办结: the latest round's result is 已解决 and its rating is not 不满意 (rated or not yet).

Counts of a session (:func:`session_dashboard`), in 件:

* 收到 (``received``): every live proposal of the session, merged ones included, and the parts split off
  another at review (拆分): each part is a proposal in its own right, counted in 收到 and by its own review;
  ``split`` counts them (其中由拆分形成N件), the original being counted once, as itself;
* 立案, 不立案, 转意见建议, 并案, 待审查: by the review's outcome (a merged proposal is not 立案: it is
  counted once, in the proposal it was merged into, which is);
* 已答复: 立案 proposals whose latest round has a reply; 办结: 立案 proposals that are 已办结;
* 满意, 基本满意, 不满意: the latest round's rating of 立案 proposals; 已评价 (``rated``) is their sum;
* 逾期: 立案 proposals whose latest round is unreplied past its deadline.

Rates (:class:`Rate`) state their base (DOMAIN.md §3) and are None when the base is 0:
立案率 = 立案 ÷ 收到; 答复率 = 已答复 ÷ 立案; 办结率 = 办结 ÷ 立案; 满意率 = (满意 + 基本满意) ÷ 已评价.
By category, the same counts and rates over the category's proposals ('' shows as 未分类). By
department, over the 立案 proposals whose latest round the department leads (主办, ``assigned``):
已答复, 办结, 逾期, 满意 (满意 + 基本满意) and 已评价, with 答复率 and 办结率 over those assigned and 满意率
over those rated; ``co_assigned`` counts the latest rounds where it is a 协办 department.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Iterator

import sqlite_utils

from gonghui_desk.congress.store import session_title
from gonghui_desk.db.batches import ID_CHUNK
from gonghui_desk.db.member_queries import _escape_like

__all__ = ["PROPOSAL_SORTS", "STATUSES", "CategoryRow", "DepartmentRow", "ProposalFilter", "Rate", "SessionDashboard",
           "iter_proposals", "member_proposals", "overdue_proposals", "proposal_ids", "proposal_rows",
           "session_dashboard", "status_counts"]

STATUSES = ("待审查", "不立案", "转意见建议", "已并案", "待交办", "办理中", "已答复", "不满意", "已办结")
UNCATEGORISED = "未分类"

# the latest live round of each proposal (proposal_handlings_round covers the look-up)
_LATEST = """LEFT JOIN proposal_handlings h ON h.id = (
                 SELECT x.id FROM proposal_handlings x WHERE x.proposal_id = p.id AND x.voided_at IS NULL
                 ORDER BY x.round DESC LIMIT 1)"""
STATUS_SQL = """CASE p.review WHEN '' THEN '待审查' WHEN '不立案' THEN '不立案' WHEN '转意见建议' THEN '转意见建议'
                    WHEN '并案' THEN '已并案'
                    ELSE CASE WHEN h.id IS NULL THEN '待交办' WHEN h.replied_on IS NULL THEN '办理中'
                              WHEN h.rating = '不满意' THEN '不满意' WHEN h.result = '已解决' THEN '已办结'
                              ELSE '已答复' END END"""
OVERDUE_SQL = ("(p.review = '立案' AND h.id IS NOT NULL AND h.replied_on IS NULL AND h.deadline IS NOT NULL "
               "AND h.deadline < :today)")
_FROM = f"""FROM proposals p JOIN congress_sessions s ON s.id = p.session_id AND s.voided_at IS NULL
            JOIN congress_terms t ON t.id = s.term_id
            LEFT JOIN members pm ON pm.id = p.proposer_member_id
            {_LATEST}"""


@dataclass
class ProposalFilter:
    session_id: int | None = None  # None: every live session
    categories: tuple[str, ...] | None = None  # '' for the uncategorised
    status: str | tuple[str, ...] | None = None  # one of STATUSES, several, or None: every status
    department: str = ""  # the latest round's 主办 or one of its 协办 departments
    search: str = ""  # words of the number, the title, the proposer (name, pinyin, initials, or by name)
    overdue_only: bool = False
    member_id: int | None = None  # proposed or co-signed by this member


PROPOSAL_SORTS = ("number", "submitted_on", "title", "proposer", "category", "status", "department", "deadline")
_SORT_SQL = {  # the keys of each order, all in the direction asked for
    "number": ("t.number", "s.number", "p.seq"),
    "submitted_on": ("p.submitted_on",),
    "title": ("p.title",),
    "proposer": ("coalesce(pm.name_sort, p.proposer_text)",),
    "category": ("p.category",),
    "status": ("CASE " + " ".join(f"WHEN ({STATUS_SQL}) = '{s}' THEN {i}" for i, s in enumerate(STATUSES)) + " END",),
    "department": ("coalesce(h.lead_department, '')",),
    "deadline": ("h.deadline IS NULL", "h.deadline"),
}


def _today(today: dt.date | str | None) -> str:
    if today is None:
        return dt.date.today().isoformat()
    return today if isinstance(today, str) else today.isoformat()


def where_clause(f: ProposalFilter, today: dt.date | str | None = None) -> tuple[str, dict]:
    """The WHERE clause (on :data:`_FROM`) of the proposals matching ``f``, and its named parameters."""
    clauses = ["p.voided_at IS NULL"]
    params: dict = {"today": _today(today)}
    if f.session_id is not None:
        clauses.append("p.session_id = :session")
        params["session"] = f.session_id
    statuses = (f.status,) if isinstance(f.status, str) else f.status
    for name, column, chosen in (("category", "p.category", f.categories), ("status", f"({STATUS_SQL})", statuses)):
        if chosen is not None:
            keys = [f":{name}{i}" for i in range(len(chosen))]
            clauses.append(f"{column} IN ({', '.join(keys)})" if chosen else "0")
            params.update({k[1:]: v for k, v in zip(keys, chosen)})
    if f.department:
        clauses.append("(h.lead_department = :department OR EXISTS ("
                       "SELECT 1 FROM json_each(h.co_departments) WHERE value = :department))")
        params["department"] = f.department
    if f.overdue_only:
        clauses.append(OVERDUE_SQL)
    if f.member_id is not None:
        clauses.append("(p.proposer_member_id = :member OR EXISTS (SELECT 1 FROM proposal_cosigners c "
                       "WHERE c.proposal_id = p.id AND c.member_id = :member AND c.voided_at IS NULL))")
        params["member"] = f.member_id
    for n, term in enumerate(f.search.lower().split()):
        clauses.append(f"(lower(p.number) LIKE :term{n} ESCAPE '\\' OR lower(p.title) LIKE :term{n} ESCAPE '\\' "
                       f"OR lower(p.proposer_text) LIKE :term{n} ESCAPE '\\' "
                       f"OR pm.search_text LIKE :term{n} ESCAPE '\\')")
        params[f"term{n}"] = f"%{_escape_like(term)}%"
    return " AND ".join(clauses), params


def proposal_ids(db: sqlite_utils.Database, f: ProposalFilter, order: str = "number", descending: bool = False, *,
                 today: dt.date | str | None = None) -> list[int]:
    """The ids of the proposals matching ``f`` in the given order (by number by default)."""
    if order not in _SORT_SQL:
        raise ValueError(f"unknown proposal order {order!r}; one of {PROPOSAL_SORTS}")
    where, params = where_clause(f, today)
    direction = "DESC" if descending else "ASC"
    keys = ", ".join(f"{key} {direction}" for key in _SORT_SQL[order])
    tie = "" if order == "number" else f", t.number {direction}, s.number {direction}, p.seq {direction}"
    return [r[0] for r in db.execute(f"SELECT p.id {_FROM} WHERE {where} ORDER BY {keys}{tie}, p.id {direction}",
                                     params).fetchall()]


_ROW_SQL = f"""SELECT p.*, s.number AS session_number, s.kind AS session_kind, s.held_on AS session_held_on,
                      s.term_id, t.number AS term_number, pm.name AS proposer_member_name,
                      coalesce(pm.name, p.proposer_text) AS proposer_name,
                      mi.number AS merged_into_number, sf.number AS split_from_number,
                      (SELECT count(*) FROM proposals x WHERE x.merged_into_id = p.id AND x.voided_at IS NULL)
                          AS merged_count,
                      h.id AS handling_id, h.round, h.lead_department, h.co_departments, h.leader, h.assigned_on,
                      h.deadline, h.reply, h.replied_on, h.result, h.result_reason, h.rating, h.rated_on,
                      h.rating_notes, ({STATUS_SQL}) AS status, {OVERDUE_SQL} AS overdue
               FROM proposals p JOIN congress_sessions s ON s.id = p.session_id
               JOIN congress_terms t ON t.id = s.term_id
               LEFT JOIN members pm ON pm.id = p.proposer_member_id
               LEFT JOIN proposals mi ON mi.id = p.merged_into_id
               LEFT JOIN proposals sf ON sf.id = p.split_from_id
               {_LATEST}"""


def proposal_rows(db: sqlite_utils.Database, ids, *, today: dt.date | str | None = None) -> dict[int, dict]:
    """The rows of the given proposals keyed by id: every proposal column plus term_id, term_number,
    session_number, session_kind, session_held_on, session_title, proposer_name (the member, or the
    proposer by name), proposer_member_name, cosigners ("张三、李四", in the order given), cosigner_ids,
    cosigner_count, merged_into_number, merged_count (proposals merged into this one), split_from_number
    (the proposal this one was split off, '' when none), split_numbers (the live proposals split off this
    one, by number, a list), the latest live
    round — handling_id, round (None without one), lead_department, co_departments (a list),
    co_departments_text ("财务部、工会"), leader, assigned_on, deadline, reply, replied_on, result,
    result_reason, rating, rated_on, rating_notes — then status and overdue (bool)."""
    ids = list(ids)
    rows: dict[int, dict] = {}
    params = {"today": _today(today)}
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start:start + ID_CHUNK]
        keys = {f"id{i}": v for i, v in enumerate(chunk)}
        for row in db.query(f"{_ROW_SQL} WHERE p.id IN ({', '.join(':' + k for k in keys)})", {**params, **keys}):
            rows[row["id"]] = row
        cosigners: dict[int, list[tuple[int, str]]] = {i: [] for i in chunk}
        for proposal_id, member_id, name in db.execute(
                f"""SELECT c.proposal_id, m.id, m.name FROM proposal_cosigners c JOIN members m ON m.id = c.member_id
                    WHERE c.voided_at IS NULL AND c.proposal_id IN ({', '.join('?' * len(chunk))})
                    ORDER BY c.proposal_id, c.id""", chunk):
            cosigners[proposal_id].append((member_id, name))
        parts: dict[int, list[str]] = {i: [] for i in chunk}
        for proposal_id, number in db.execute(
                f"""SELECT split_from_id, number FROM proposals WHERE voided_at IS NULL
                    AND split_from_id IN ({', '.join('?' * len(chunk))}) ORDER BY split_from_id, seq, id""", chunk):
            parts[proposal_id].append(number)
        for proposal_id in chunk:
            if proposal_id in rows:
                row = rows[proposal_id]
                row["split_numbers"] = parts[proposal_id]
                row["cosigner_ids"] = [m for m, _ in cosigners[proposal_id]]
                row["cosigners"] = "、".join(n for _, n in cosigners[proposal_id])
                row["cosigner_count"] = len(cosigners[proposal_id])
    for row in rows.values():
        row["session_title"] = session_title(row["term_number"], row["session_number"], row["session_kind"])
        row["co_departments"] = json.loads(row["co_departments"]) if row["co_departments"] else []
        row["co_departments_text"] = "、".join(row["co_departments"])
        row["overdue"] = bool(row["overdue"])
        row["merged_into_number"] = row["merged_into_number"] or ""
        row["split_from_number"] = row["split_from_number"] or ""
        for key in ("lead_department", "leader", "reply", "result", "result_reason", "rating", "rating_notes"):
            row[key] = row[key] or ""
    return rows


def iter_proposals(db: sqlite_utils.Database, f: ProposalFilter, *, order: str = "number", descending: bool = False,
                   today: dt.date | str | None = None, batch: int = ID_CHUNK) -> Iterator[dict]:
    """Every proposal matching ``f`` (shaped like :func:`proposal_rows`) in order, ``batch`` at a time."""
    ids = proposal_ids(db, f, order, descending, today=today)
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        rows = proposal_rows(db, chunk, today=today)
        for proposal_id in chunk:
            yield rows[proposal_id]


def overdue_proposals(db: sqlite_utils.Database, today: dt.date | str | None = None) -> list[dict]:
    """Every live proposal whose latest round is unreplied past its deadline (reminders), the longest
    overdue first, shaped like :func:`proposal_rows`."""
    return list(iter_proposals(db, ProposalFilter(overdue_only=True), order="deadline", today=today))


def status_counts(db: sqlite_utils.Database, f: ProposalFilter, today: dt.date | str | None = None) -> dict[str, int]:
    """{status: count} of the proposals matching ``f``, every status present (0 when none), in order."""
    where, params = where_clause(f, today)
    counts = dict(db.execute(f"SELECT ({STATUS_SQL}) AS proposal_status, count(*) {_FROM} WHERE {where} "
                             "GROUP BY proposal_status", params).fetchall())
    return {status: counts.get(status, 0) for status in STATUSES}


def member_proposals(db: sqlite_utils.Database, member_id: int) -> list[dict]:
    """A member's live proposals in live sessions — as proposer (``role`` 提案人) or co-signer (附议人) —
    newest first: id, number, title, submitted_on, review, role."""
    return list(db.query(
        """SELECT * FROM (
               SELECT p.id AS id, p.number, p.title, p.submitted_on AS submitted_on, p.review, '提案人' AS role
               FROM proposals p JOIN congress_sessions s ON s.id = p.session_id AND s.voided_at IS NULL
               WHERE p.proposer_member_id = :member AND p.voided_at IS NULL
               UNION ALL
               SELECT p.id, p.number, p.title, p.submitted_on, p.review, '附议人'
               FROM proposal_cosigners c JOIN proposals p ON p.id = c.proposal_id AND p.voided_at IS NULL
               JOIN congress_sessions s ON s.id = p.session_id AND s.voided_at IS NULL
               WHERE c.member_id = :member AND c.voided_at IS NULL)
           ORDER BY submitted_on DESC, id DESC""", {"member": member_id}))


# --- the dashboard ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rate:
    """A rate with its base, e.g. 立案率 = 立案8件 ÷ 收到提案10件; ``value`` is None when the base is 0."""

    count: int
    base: int
    count_label: str
    base_label: str

    @property
    def value(self) -> float | None:
        return self.count / self.base if self.base else None

    @property
    def base_text(self) -> str:
        return f"{self.count_label}{self.count}件 ÷ {self.base_label}{self.base}件"

    @property
    def text(self) -> str:
        """"80.0%", or "—" without a base."""
        return "—" if self.value is None else f"{self.value:.1%}"


@dataclass
class CategoryRow:
    category: str  # 未分类 for proposals without one
    received: int = 0
    registered: int = 0  # 立案
    replied: int = 0
    completed: int = 0  # 办结
    overdue: int = 0
    satisfied: int = 0  # 满意 + 基本满意
    rated: int = 0

    @property
    def filing_rate(self) -> Rate:
        return Rate(self.registered, self.received, "立案", "收到提案")

    @property
    def reply_rate(self) -> Rate:
        return Rate(self.replied, self.registered, "已答复", "立案")

    @property
    def completion_rate(self) -> Rate:
        return Rate(self.completed, self.registered, "办结", "立案")

    @property
    def satisfaction_rate(self) -> Rate:
        return Rate(self.satisfied, self.rated, "满意和基本满意", "已评价")


@dataclass
class DepartmentRow:
    department: str
    assigned: int = 0  # 交办: 立案 proposals whose latest round it leads (主办)
    co_assigned: int = 0  # latest rounds where it is a 协办 department
    replied: int = 0
    completed: int = 0
    overdue: int = 0
    satisfied: int = 0  # 满意 + 基本满意
    rated: int = 0

    @property
    def reply_rate(self) -> Rate:
        return Rate(self.replied, self.assigned, "已答复", "主办")

    @property
    def completion_rate(self) -> Rate:
        return Rate(self.completed, self.assigned, "办结", "主办")

    @property
    def satisfaction_rate(self) -> Rate:
        return Rate(self.satisfied, self.rated, "满意和基本满意", "已评价")


@dataclass
class SessionDashboard:
    session_id: int
    title: str = ""  # 第三届职代会第二次会议
    today: str = ""  # the day 逾期 is judged on
    received: int = 0  # 收到
    pending_review: int = 0  # 待审查
    registered: int = 0  # 立案
    not_registered: int = 0  # 不立案
    to_suggestions: int = 0  # 转意见建议
    merged: int = 0  # 并案
    split: int = 0  # 拆分形成: parts split off another proposal (counted in 收到 and by their own review)
    to_assign: int = 0  # 待交办
    in_progress: int = 0  # 办理中
    replied: int = 0  # 已答复 (of 立案)
    completed: int = 0  # 办结
    satisfied: int = 0  # 满意
    fairly_satisfied: int = 0  # 基本满意
    dissatisfied: int = 0  # 不满意
    rated: int = 0  # 已评价
    overdue: int = 0  # 逾期
    by_status: dict[str, int] = field(default_factory=dict)
    by_category: list[CategoryRow] = field(default_factory=list)
    by_department: list[DepartmentRow] = field(default_factory=list)

    @property
    def filing_rate(self) -> Rate:  # 立案率
        return Rate(self.registered, self.received, "立案", "收到提案")

    @property
    def reply_rate(self) -> Rate:  # 答复率
        return Rate(self.replied, self.registered, "已答复", "立案")

    @property
    def completion_rate(self) -> Rate:  # 办结率
        return Rate(self.completed, self.registered, "办结", "立案")

    @property
    def satisfaction_rate(self) -> Rate:  # 满意率
        return Rate(self.satisfied + self.fairly_satisfied, self.rated, "满意和基本满意", "已评价")


_COUNTS = f"""count(*),
              count(*) FILTER (WHERE p.review = '立案'),
              count(*) FILTER (WHERE p.review = '立案' AND h.replied_on IS NOT NULL),
              count(*) FILTER (WHERE ({STATUS_SQL}) = '已办结'),
              count(*) FILTER (WHERE {OVERDUE_SQL}),
              count(*) FILTER (WHERE p.review = '立案' AND h.rating IN ('满意', '基本满意')),
              count(*) FILTER (WHERE p.review = '立案' AND h.rating <> '')"""


def _list_order(db: sqlite_utils.Database, key: str) -> dict[str, int]:
    return {value: order for value, order in db.execute(
        "SELECT value, min(sort_order) FROM value_lists WHERE list_key = ? GROUP BY value", [key])}


def session_dashboard(db: sqlite_utils.Database, session_id: int,
                      today: dt.date | str | None = None) -> SessionDashboard:
    """The counts, rates and breakdowns of one session (see the module text for the definitions)."""
    params = {"session": session_id, "today": _today(today)}
    where = "p.session_id = :session AND p.voided_at IS NULL"
    session = db.execute("SELECT s.number, s.kind, t.number FROM congress_sessions s "
                         "JOIN congress_terms t ON t.id = s.term_id WHERE s.id = ?", [session_id]).fetchone()
    board = SessionDashboard(session_id, session_title(session[2], session[0], session[1]) if session else "",
                             params["today"])
    board.by_status = {status: 0 for status in STATUSES}
    board.by_status.update(db.execute(f"SELECT ({STATUS_SQL}) AS proposal_status, count(*) {_FROM} "
                                      f"WHERE {where} GROUP BY proposal_status", params).fetchall())
    row = db.execute(
        f"""SELECT {_COUNTS},
                   count(*) FILTER (WHERE p.review = '立案' AND h.rating = '满意'),
                   count(*) FILTER (WHERE p.review = '立案' AND h.rating = '基本满意'),
                   count(*) FILTER (WHERE p.review = '立案' AND h.rating = '不满意'),
                   count(*) FILTER (WHERE p.split_from_id IS NOT NULL)
            {_FROM} WHERE {where}""", params).fetchone()
    (board.received, board.registered, board.replied, board.completed, board.overdue, _satisfied, board.rated,
     board.satisfied, board.fairly_satisfied, board.dissatisfied, board.split) = row
    statuses = board.by_status
    board.pending_review, board.not_registered = statuses["待审查"], statuses["不立案"]
    board.to_suggestions, board.merged = statuses["转意见建议"], statuses["已并案"]
    board.to_assign, board.in_progress = statuses["待交办"], statuses["办理中"]

    order = _list_order(db, "proposal.category")
    categories = [CategoryRow(category or UNCATEGORISED, *counts) for category, *counts in db.execute(
        f"SELECT p.category, {_COUNTS} {_FROM} WHERE {where} GROUP BY p.category", params)]
    board.by_category = sorted(categories, key=lambda r: (r.category == UNCATEGORISED,
                                                          order.get(r.category, len(order)), r.category))

    departments: dict[str, DepartmentRow] = {}
    for department, assigned, replied, completed, overdue, satisfied, rated in db.execute(
            f"""SELECT h.lead_department, count(*), count(*) FILTER (WHERE h.replied_on IS NOT NULL),
                       count(*) FILTER (WHERE ({STATUS_SQL}) = '已办结'), count(*) FILTER (WHERE {OVERDUE_SQL}),
                       count(*) FILTER (WHERE h.rating IN ('满意', '基本满意')), count(*) FILTER (WHERE h.rating <> '')
                {_FROM} WHERE {where} AND p.review = '立案' AND h.id IS NOT NULL GROUP BY h.lead_department""",
            params):
        departments[department] = DepartmentRow(department, assigned, 0, replied, completed, overdue, satisfied, rated)
    for department, count in db.execute(
            f"""SELECT co.value, count(*) {_FROM}, json_each(h.co_departments) co
                WHERE {where} AND p.review = '立案' AND h.id IS NOT NULL GROUP BY co.value""", params):
        departments.setdefault(department, DepartmentRow(department)).co_assigned = count
    order = _list_order(db, "proposal.department")
    board.by_department = sorted(departments.values(), key=lambda r: (order.get(r.department, len(order)),
                                                                       r.department))
    return board
