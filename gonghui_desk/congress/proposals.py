"""Proposals (提案) filed at a congress session: filing, review by the 提案工作委员会, handling by the
departments, replies and the proposer's rating.

Numbers. Each proposal has a running number ``seq`` within its session and a ``number`` written from
the session's format ('' = ``第{届}届第{次}次-{序号}``; tokens {届} {次} {年} {序号}, {年} being the year
of the session's date, or of today while it has none; {序号} is written with 3 digits). The next seq is
one more than the highest seq of the session's proposals, voided ones included, so a number is never
given twice; a generated number that the officer already typed by hand for another proposal is skipped.
The number can be typed instead, and corrected later; it is unique among the session's live proposals.

Filing (errors refuse the proposal; warnings are shown and the proposal is saved):

* errors: a live session; a title (案由); a submitted date, not after today; a proposer — one live
  member or a proposer by name (代表团, 联名代表…), not both; co-signers are live members and the
  proposer is not one of them; a category from the 提案类别 list (one retired since it was saved may
  stay); a number unique in the session. A proposal stays in its session.
* warnings: the proposer (a member) was not a delegate of the session's term on the submitted date; a
  co-signer was not; a member's proposal has fewer co-signers than the minimum (the setting
  ``proposals.min_cosigners``, default 2; a proposal by a delegation is signed by it and has no minimum).

Review (:meth:`ProposalStore.review`): 立案, 不立案 (with its reason), 转意见建议, or 并案 into another
proposal of the same session that is itself live and 立案 (so never merged, never itself); both stay and
are linked, and many may be merged into one. '' resets to 待审查. A proposal that is 立案 keeps that
outcome while it has live rounds of handling or proposals merged into it. The review date defaults to
today; it is not before the submitted date nor after today.

Split (:meth:`ProposalStore.split`, 拆分): one matter per proposal (一事一案) is the officer's call, and a
proposal found at review to raise several matters is split: each part given becomes a new proposal of the
same session — its own 案由 (required), 类别, 理由 and 办法和措施 as typed (an empty 理由 or 办法和措施 stays
empty: nothing is copied), the original's proposer, co-signers and submitted date, the next numbers, 待审查
— linked to the original by ``split_from_id``. The original stays as it is (the officer may then correct its
案由 to the matter that remains). Each part is checked like a filing (errors refuse the whole split; each
part's own problems say which part, :class:`PartProblem`); a voided proposal, a merged one and one that
others are merged into are not split; a proposal that has parts split off it is not voided while they are
live. A part is a proposal in its own right: it is counted in 收到 and reviewed and handled on its own
(the register counts the parts as ``split``: "其中由拆分形成N件").

Handling: :meth:`~ProposalStore.assign` gives a 立案 proposal its first round (主办 department from the
承办部门 list, 协办 departments, a leader, the day assigned — not before the review, not after today — and
an optional deadline not before it). :meth:`~ProposalStore.reply` records the department's answer on the
latest round (replied_on between the day assigned and today; a result, 暂不能解决 with its reason);
:meth:`~ProposalStore.rate` the proposer's rating of a replied round (not before the reply, not after
today). After 不满意, :meth:`~ProposalStore.second_round` assigns the next round (not before the rating).
Only the latest live round is replied, rated or voided; a rated round's reply is fixed until its rating
is cleared (``rate(…, "")``).

Nothing is deleted: a proposal (refused while others are merged into it or split off it) and a round of
handling are voided with a reason; co-signers taken off are voided; every change is in the change log.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import sqlite_utils

from gonghui_desk import settings, value_lists
from gonghui_desk.checks import ids_text, is_int, iso_date
from gonghui_desk.congress.store import CongressStore, NOW_SQL, format_number, serving_sql
from gonghui_desk.db.connection import transaction
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.members import Problem

__all__ = ["OUTCOMES", "PROPOSAL_FIELD_LABELS", "RATINGS", "RESULTS", "SPLIT_PART_FIELDS", "HandlingInput",
           "PartProblem", "ProposalInput", "ProposalStore", "ReplyInput", "ReviewInput", "SplitPart"]

REGISTERED, NOT_REGISTERED, TO_SUGGESTION, MERGED = "立案", "不立案", "转意见建议", "并案"
OUTCOMES = (REGISTERED, NOT_REGISTERED, TO_SUGGESTION, MERGED)  # and '' : 待审查
RESULTS = ("已解决", "正在解决", "列入计划", "暂不能解决")
SOLVED, UNSOLVABLE = "已解决", "暂不能解决"
RATINGS = ("满意", "基本满意", "不满意")
DISSATISFIED = "不满意"
PROPOSAL_FIELD_LABELS = {
    "session_id": "会议", "number": "提案编号", "title": "案由", "reason": "理由", "measures": "办法和措施",
    "proposer_member_id": "提案人", "proposer_text": "提案人", "cosigner_ids": "附议人", "category": "提案类别",
    "submitted_on": "提交日期", "notes": "备注", "outcome": "审查结果", "review_reason": "审查意见",
    "merged_into_id": "并入提案", "split_from_id": "拆分自", "reviewer": "审查人", "reviewed_on": "审查日期",
    "lead_department": "主办部门", "co_departments": "协办部门", "leader": "责任领导", "assigned_on": "交办日期",
    "deadline": "办理期限", "reply": "答复内容", "replied_on": "答复日期", "result": "办理结果",
    "result_reason": "未能解决的原因", "rating": "提案人意见", "rated_on": "评价日期", "rating_notes": "评价说明",
}


def _problem(field_name: str, message: str, severity: str = "error") -> Problem:
    return Problem(field_name, message, severity, field_label=PROPOSAL_FIELD_LABELS.get(field_name, field_name))


def _date(value, field_name: str, problems: list[Problem]) -> str | None:
    return iso_date(value, field_name, problems, _problem)


@dataclass
class ProposalInput:
    """One proposal as typed in the form or read from a spreadsheet; dates ISO or date."""

    session_id: int
    title: str = ""  # 案由
    reason: str = ""  # 理由
    measures: str = ""  # 办法和措施
    proposer_member_id: int | None = None  # 提案人, a member…
    proposer_text: str = ""  # …or a proposer by name (代表团, 联名代表)
    cosigner_ids: list[int] = field(default_factory=list)  # 附议人, in the order given
    category: str = ""  # value list proposal.category
    submitted_on: str | dt.date | None = None
    number: str = ""  # '' : generated from the session's format
    notes: str = ""


@dataclass
class SplitPart:
    """One proposal split off another (:meth:`ProposalStore.split`): the matter as the officer types it."""

    title: str = ""  # 案由, required
    category: str = ""  # value list proposal.category ('' : 不分类)
    reason: str = ""  # 理由; '' stays empty (nothing is copied from the original)
    measures: str = ""  # 办法和措施; likewise


SPLIT_PART_FIELDS = ("title", "category", "reason", "measures")


@dataclass
class PartProblem(Problem):
    """A problem of one part of a split: ``part`` is its index in the list given (0 for the first)."""

    part: int = 0


@dataclass
class ReviewInput:
    outcome: str = ""  # '' (待审查), 立案, 不立案, 转意见建议, 并案
    reason: str = ""  # 审查意见; required for 不立案
    merged_into_id: int | None = None  # 并案: the proposal it is merged into
    reviewer: str = ""
    reviewed_on: str | dt.date | None = None  # None: today


@dataclass
class HandlingInput:
    lead_department: str = ""  # 主办, value list proposal.department
    co_departments: list[str] = field(default_factory=list)  # 协办
    leader: str = ""  # 分管/责任领导
    assigned_on: str | dt.date | None = None  # None: today
    deadline: str | dt.date | None = None  # optional


@dataclass
class ReplyInput:
    reply: str = ""  # 答复
    replied_on: str | dt.date | None = None  # None: today
    result: str = ""  # 已解决 / 正在解决 / 列入计划 / 暂不能解决
    result_reason: str = ""  # why 暂不能解决


class ProposalStore:
    def __init__(self, db: sqlite_utils.Database, today: dt.date | None = None):
        self.db = db
        self._today = today
        self.congress = CongressStore(db, today)

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    @property
    def min_cosigners(self) -> int:
        return settings.min_cosigners(self.db)

    # --- numbers ------------------------------------------------------------------------------------
    def _number_for(self, session: dict, seq: int) -> str:
        year = int(session["held_on"][:4]) if session["held_on"] else self.today.year
        return format_number(session["number_format"], session["term_number"], session["number"], year, seq)

    def next_number(self, session_id: int) -> tuple[int, str]:
        """The next running number of the session and the number it gives: (7, "第3届第2次-007")."""
        session = self.congress.live_session(session_id)
        seq = self.db.execute("SELECT coalesce(max(seq), 0) + 1 FROM proposals WHERE session_id = ?",
                              [session_id]).fetchone()[0]
        while True:
            number = self._number_for(session, seq)
            if not self.db.execute("SELECT 1 FROM proposals WHERE session_id = ? AND number = ?",
                                   [session_id, number]).fetchone():
                return seq, number
            seq += 1

    # --- filing ---------------------------------------------------------------------------------------
    def _in_list(self, key: str, value: str, kept) -> bool:
        return value in value_lists.values(self.db, key) or value in kept

    def _member_names(self, ids: list[int]) -> dict[int, str]:
        return dict(self.db.execute("SELECT m.id, m.name FROM json_each(?) j JOIN members m ON m.id = j.value "
                                    "WHERE m.voided_at IS NULL", [json.dumps(ids)]).fetchall())

    def _non_delegates(self, term_id: int, ids: list[int], day: str) -> list[int]:
        """The ids among ``ids`` that were not delegates of the term on ``day``, in their order."""
        serving = {r[0] for r in self.db.execute(
            f"SELECT d.member_id FROM congress_delegates d WHERE d.term_id = ? AND d.voided_at IS NULL "
            f"AND d.member_id IN (SELECT value FROM json_each(?)) AND {serving_sql('d')}",
            [term_id, json.dumps(ids), day, day])}
        return [i for i in ids if i not in serving]

    def check(self, data: ProposalInput, proposal_id: int | None = None, *,
              kept_categories=()) -> tuple[dict, list[int], list[Problem]]:
        """Column values, co-signer ids, and the problems of a proposal: errors (refuse it) and warnings
        (``severity == "warning"``). ``proposal_id`` when updating; ``kept_categories`` are allowed though
        retired (a part split off a proposal may keep the original's)."""
        problems: list[Problem] = []
        current = self.get(proposal_id) if proposal_id is not None else None
        values = {key: (getattr(data, key) or "").strip()
                  for key in ("title", "reason", "measures", "proposer_text", "category", "number", "notes")}
        values["session_id"] = data.session_id
        values["proposer_member_id"] = data.proposer_member_id
        values["submitted_on"] = _date(data.submitted_on, "submitted_on", problems)
        session = self.congress.get_session(data.session_id) if data.session_id is not None else None
        if session is None or session["voided_at"]:
            problems.append(_problem("session_id", "请选择会议" if session is None else "所选会议已作废"))
            session = None
        if current is not None and data.session_id != current["session_id"]:
            problems.append(_problem("session_id", "提案不能改到其他会议；如确属误登，请作废后在该会议重新登记"))
        if not values["title"]:
            problems.append(_problem("title", "请填写案由"))
        if values["submitted_on"] is None and not any(p.field == "submitted_on" for p in problems):
            problems.append(_problem("submitted_on", "请填写提交日期"))
        elif values["submitted_on"] and values["submitted_on"] > self.today.isoformat():
            problems.append(_problem("submitted_on", f"提交日期 {values['submitted_on']} 晚于今天"))
        proposer = values["proposer_member_id"]
        if proposer is None and not values["proposer_text"]:
            problems.append(_problem("proposer_member_id", "请选择提案人，或填写提案的代表团/联名代表"))
        elif proposer is not None and values["proposer_text"]:
            problems.append(_problem("proposer_member_id", "提案人请选择一名会员或填写一个代表团/联名代表，二者选一"))
        elif proposer is not None and (not is_int(proposer) or not self._member_names([proposer])):
            problems.append(_problem("proposer_member_id", "所选提案人不存在或已作废"))
            proposer = None
        try:
            cosigners = list(dict.fromkeys(int(i) for i in (data.cosigner_ids or [])))
        except (TypeError, ValueError):
            problems.append(_problem("cosigner_ids", "附议人编号有误"))
            cosigners = []
        names = self._member_names(cosigners) if cosigners else {}
        bad = [i for i in cosigners if i not in names]
        if bad:
            problems.append(_problem("cosigner_ids", f"以下附议人不存在或已作废（编号 {ids_text(bad)}）"))
        if proposer is not None and proposer in cosigners:
            problems.append(_problem("cosigner_ids", "提案人不能同时是附议人"))
        kept = {current["category"]} if current else set(kept_categories)
        if values["category"] and not self._in_list("proposal.category", values["category"], kept):
            problems.append(_problem("category", f"“{values['category']}”不在提案类别的选项中，如需新增请在设置中添加"))
        if values["number"] and session and self.db.execute(
                "SELECT 1 FROM proposals WHERE session_id = ? AND number = ? AND voided_at IS NULL AND id != ?",
                [session["id"], values["number"], proposal_id or -1]).fetchone():
            problems.append(_problem("number", f"本次会议已有编号为“{values['number']}”的提案"))
        if session and values["submitted_on"] and not any(p.severity == "error" for p in problems):
            problems += self._warnings(session, proposer, cosigners, names, values["submitted_on"])
        return values, cosigners, problems

    def _warnings(self, session: dict, proposer: int | None, cosigners: list[int], names: dict[int, str],
                  day: str) -> list[Problem]:
        warnings = []
        who = f"第{session['term_number']}届{session['kind']}代表"
        if proposer is not None and self._non_delegates(session["term_id"], [proposer], day):
            name = self._member_names([proposer])[proposer]
            warnings.append(_problem("proposer_member_id", f"{name}在 {day} 不是{who}", "warning"))
        outside = self._non_delegates(session["term_id"], cosigners, day) if cosigners else []
        if outside:
            warnings.append(_problem("cosigner_ids", f"附议人{'、'.join(names[i] for i in outside)}在 {day} 不是{who}",
                                     "warning"))
        minimum = self.min_cosigners
        if proposer is not None and len(cosigners) < minimum:
            warnings.append(_problem("cosigner_ids", f"附议人少于{minimum}名（现有{len(cosigners)}名）", "warning"))
        return warnings

    def _write_cosigners(self, conn, proposal_id: int, cosigners: list[int]) -> None:
        present = [r[0] for r in conn.execute("SELECT member_id FROM proposal_cosigners WHERE proposal_id = ? "
                                              "AND voided_at IS NULL", [proposal_id])]
        conn.executemany(f"UPDATE proposal_cosigners SET voided_at = {NOW_SQL} WHERE proposal_id = ? AND member_id = ? "
                         "AND voided_at IS NULL", [(proposal_id, i) for i in present if i not in cosigners])
        conn.executemany("INSERT INTO proposal_cosigners (proposal_id, member_id) VALUES (?, ?)",
                         [(proposal_id, i) for i in cosigners if i not in present])

    def file(self, data: ProposalInput) -> tuple[int, list[Problem]]:
        """File a proposal; returns its id and the warnings. Raises ValidationError listing the errors."""
        values, cosigners, problems = self.check(data)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise ValidationError(errors)
        with transaction(self.db) as conn:
            seq, number = self.next_number(data.session_id)
            values["seq"] = seq
            values["number"] = values["number"] or number
            proposal_id = conn.execute(f"INSERT INTO proposals ({', '.join(values)}) "
                                       f"VALUES ({', '.join('?' * len(values))})", list(values.values())).lastrowid
            self._write_cosigners(conn, proposal_id, cosigners)
        return proposal_id, problems

    def update(self, proposal_id: int, data: ProposalInput) -> list[Problem]:
        """Correct a proposal's fields and co-signers (an empty number keeps the stored one); returns the
        warnings."""
        current = self._live(proposal_id)
        values, cosigners, problems = self.check(data, proposal_id)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise ValidationError(errors)
        values["number"] = values["number"] or current["number"]
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE proposals SET {', '.join(f'{k} = ?' for k in values)}, updated_at = {NOW_SQL} "
                         "WHERE id = ?", [*values.values(), proposal_id])
            self._write_cosigners(conn, proposal_id, cosigners)
        return problems

    def void(self, proposal_id: int, reason: str) -> None:
        """Void a proposal entered by mistake (its number is not given again); refused while other proposals
        are merged into it or split off it."""
        if not (reason or "").strip():
            raise UserError("作废提案时请填写原因")
        self._live(proposal_id)
        merged = self._merged_count(proposal_id)
        if merged:
            raise UserError(f"已有{merged}件提案并入该提案，请先修改这些提案的审查结果，再作废")
        parts = len(self.split_ids(proposal_id))
        if parts:
            raise UserError(f"已从该提案拆分出{parts}件提案，请先作废拆分出的提案，再作废")
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE proposals SET voided_at = {NOW_SQL}, void_reason = ? WHERE id = ?",
                         [reason.strip(), proposal_id])

    # --- split ----------------------------------------------------------------------------------------
    def split_refusal(self, proposal_id: int) -> str:
        """Why the proposal cannot be split ('' when it can): missing, voided, of a voided session, merged into
        another, or others merged into it."""
        row = self.get(proposal_id)
        if row is None:
            return f"提案 {proposal_id} 不存在"
        number = row["number"]
        if row["voided_at"]:
            return f"提案 {number} 已作废，不能拆分"
        session = self.congress.get_session(row["session_id"])
        if session is None or session["voided_at"]:
            return f"提案 {number} 所属的会议已作废，不能拆分"
        if row["review"] == MERGED:
            target = self.get(row["merged_into_id"]) or {}
            return (f"提案 {number} 已并入提案 {target.get('number', '')}，不能拆分；"
                    "如确需拆分，请先修改它的审查结果")
        merged = self._merged_count(proposal_id)
        if merged:
            return f"已有{merged}件提案并入提案 {number}，不能拆分；请先修改这些提案的审查结果"
        return ""

    def split(self, proposal_id: int, parts: list[SplitPart]) -> list[int]:
        """Split parts off a proposal (拆分, see the module text): each part becomes a new proposal of the same
        session with the original's proposer, co-signers and submitted date, numbered in order; returns their
        ids in the order given. Raises UserError when the proposal cannot be split or no part is given, and
        ValidationError with every problem — a part's own (案由, 类别…) as a :class:`PartProblem`, one about
        the original's people or date once — when a part would not be filed."""
        refusal = self.split_refusal(proposal_id)
        if refusal:
            raise UserError(refusal)
        parts = list(parts or [])
        if not parts:
            raise UserError("请至少填写一件拆分出的提案")
        original = self.as_input(proposal_id)
        kept = (original.category,) if original.category else ()
        planned: list[tuple[dict, list[int]]] = []
        problems: list[Problem] = []
        for index, part in enumerate(parts):
            data = ProposalInput(original.session_id, title=part.title or "", reason=part.reason or "",
                                 measures=part.measures or "", proposer_member_id=original.proposer_member_id,
                                 proposer_text=original.proposer_text, cosigner_ids=list(original.cosigner_ids),
                                 category=part.category or "", submitted_on=original.submitted_on)
            values, cosigners, found = self.check(data, kept_categories=kept)
            for p in found:
                if p.severity != "error":
                    continue  # the original's warnings (delegates, co-signers), shown when it was filed
                if p.field in SPLIT_PART_FIELDS:
                    label = f"第{index + 1}件·{PROPOSAL_FIELD_LABELS[p.field]}"
                    problems.append(PartProblem(p.field, p.message, p.severity, label, part=index))
                elif not any((q.field, q.message) == (p.field, p.message) for q in problems):
                    problems.append(p)
            values["split_from_id"] = proposal_id
            planned.append((values, cosigners))
        if problems:
            raise ValidationError(problems)
        ids = []
        with transaction(self.db) as conn:
            for values, cosigners in planned:
                values["seq"], values["number"] = self.next_number(original.session_id)
                ids.append(conn.execute(f"INSERT INTO proposals ({', '.join(values)}) "
                                        f"VALUES ({', '.join('?' * len(values))})", list(values.values())).lastrowid)
                self._write_cosigners(conn, ids[-1], cosigners)
        return ids

    def split_ids(self, proposal_id: int) -> list[int]:
        """The live proposals split off this one, by number."""
        return [r[0] for r in self.db.execute("SELECT id FROM proposals WHERE split_from_id = ? AND voided_at IS NULL "
                                              "ORDER BY seq, id", [proposal_id])]

    # --- reading --------------------------------------------------------------------------------------
    def get(self, proposal_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM proposals WHERE id = ?", [proposal_id]))
        return rows[0] if rows else None

    def _live(self, proposal_id: int) -> dict:
        row = self.get(proposal_id)
        if row is None:
            raise UserError(f"提案 {proposal_id} 不存在")
        if row["voided_at"]:
            raise UserError(f"提案 {row['number']} 已作废，不能再修改")
        return row

    def cosigner_ids(self, proposal_id: int) -> list[int]:
        """The live co-signers in the order they were given."""
        return [r[0] for r in self.db.execute("SELECT member_id FROM proposal_cosigners WHERE proposal_id = ? "
                                              "AND voided_at IS NULL ORDER BY id", [proposal_id])]

    def as_input(self, proposal_id: int) -> ProposalInput:
        row = self.get(proposal_id)
        if row is None:
            raise UserError(f"提案 {proposal_id} 不存在")
        data = ProposalInput(**{k: row[k] for k in ProposalInput.__dataclass_fields__ if k != "cosigner_ids"})
        data.cosigner_ids = self.cosigner_ids(proposal_id)
        return data

    def _merged_count(self, proposal_id: int) -> int:
        return self.db.execute("SELECT count(*) FROM proposals WHERE merged_into_id = ? AND voided_at IS NULL",
                               [proposal_id]).fetchone()[0]

    def merged_ids(self, proposal_id: int) -> list[int]:
        """The live proposals merged into this one, by number."""
        return [r[0] for r in self.db.execute("SELECT id FROM proposals WHERE merged_into_id = ? AND voided_at IS NULL "
                                              "ORDER BY seq, id", [proposal_id])]

    def handlings(self, proposal_id: int) -> list[dict]:
        """The live rounds of handling, first round first; ``co_departments`` as a list."""
        rows = list(self.db.query("SELECT * FROM proposal_handlings WHERE proposal_id = ? AND voided_at IS NULL "
                                  "ORDER BY round", [proposal_id]))
        for row in rows:
            row["co_departments"] = json.loads(row["co_departments"] or "[]")
        return rows

    def latest_handling(self, proposal_id: int) -> dict | None:
        rows = self.handlings(proposal_id)
        return rows[-1] if rows else None

    def get_handling(self, handling_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM proposal_handlings WHERE id = ?", [handling_id]))
        if not rows:
            return None
        rows[0]["co_departments"] = json.loads(rows[0]["co_departments"] or "[]")
        return rows[0]

    # --- review -----------------------------------------------------------------------------------------
    def review(self, proposal_id: int, data: ReviewInput) -> None:
        """Record (or change, or reset with outcome '') the committee's review; see the module text."""
        current = self._live(proposal_id)
        outcome = (data.outcome or "").strip()
        reason = (data.reason or "").strip()
        problems: list[Problem] = []
        reviewed_on = _date(data.reviewed_on, "reviewed_on", problems) or self.today.isoformat()
        merged_into = data.merged_into_id if outcome == MERGED else None
        if outcome and outcome not in OUTCOMES:
            problems.append(_problem("outcome", f"审查结果应为：{'、'.join(OUTCOMES)}"))
        if outcome == NOT_REGISTERED and not reason:
            problems.append(_problem("review_reason", "不立案时请填写理由"))
        if outcome == MERGED:
            if merged_into is None:
                problems.append(_problem("merged_into_id", "请选择要并入的提案"))
            elif merged_into == proposal_id:
                problems.append(_problem("merged_into_id", "提案不能并入自身"))
            else:
                target = self.get(merged_into)
                if target is None or target["voided_at"] or target["session_id"] != current["session_id"]:
                    problems.append(_problem("merged_into_id", "所选提案不属于本次会议或已作废"))
                elif target["review"] != REGISTERED:
                    problems.append(_problem("merged_into_id", f"只能并入已立案的提案，提案 {target['number']} 尚未立案"))
        if outcome and not any(p.field == "reviewed_on" for p in problems):
            if reviewed_on > self.today.isoformat():
                problems.append(_problem("reviewed_on", f"审查日期 {reviewed_on} 晚于今天"))
            elif reviewed_on < current["submitted_on"]:
                problems.append(_problem("reviewed_on", f"审查日期 {reviewed_on} 早于提交日期 {current['submitted_on']}"))
        if problems:
            raise ValidationError(problems)
        if current["review"] == REGISTERED and outcome != REGISTERED:
            what = f"改为“{outcome}”" if outcome else "改回待审查"
            rounds = self.db.execute("SELECT count(*) FROM proposal_handlings WHERE proposal_id = ? "
                                     "AND voided_at IS NULL", [proposal_id]).fetchone()[0]
            if rounds:
                raise UserError(f"提案 {current['number']} 已交办，不能{what}；请先作废办理记录")
            merged = self._merged_count(proposal_id)
            if merged:
                raise UserError(f"已有{merged}件提案并入提案 {current['number']}，不能{what}；请先修改这些提案的审查结果")
        values = {"review": outcome, "review_reason": reason if outcome else "", "merged_into_id": merged_into,
                  "reviewer": (data.reviewer or "").strip() if outcome else "",
                  "reviewed_on": reviewed_on if outcome else None}
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE proposals SET {', '.join(f'{k} = ?' for k in values)}, updated_at = {NOW_SQL} "
                         "WHERE id = ?", [*values.values(), proposal_id])

    # --- handling ---------------------------------------------------------------------------------------
    def _normalize_handling(self, data: HandlingInput, *, not_before: str | None, not_before_what: str,
                            current: dict | None = None) -> dict:
        problems: list[Problem] = []
        lead = (data.lead_department or "").strip()
        co = list(dict.fromkeys(d.strip() for d in (data.co_departments or []) if d and d.strip()))
        assigned_on = _date(data.assigned_on, "assigned_on", problems) or self.today.isoformat()
        deadline = _date(data.deadline, "deadline", problems)
        kept = {current["lead_department"], *current["co_departments"]} if current else set()
        if not lead:
            problems.append(_problem("lead_department", "请选择主办部门"))
        elif not self._in_list("proposal.department", lead, kept):
            problems.append(_problem("lead_department", f"“{lead}”不在承办部门的选项中，如需新增请在设置中添加"))
        unknown = [d for d in co if not self._in_list("proposal.department", d, kept)]
        if unknown:
            problems.append(_problem("co_departments", f"“{'、'.join(unknown)}”不在承办部门的选项中，如需新增请在设置中添加"))
        if lead and lead in co:
            problems.append(_problem("co_departments", f"“{lead}”已是主办部门，不必再列为协办部门"))
        if not any(p.field == "assigned_on" for p in problems):
            if assigned_on > self.today.isoformat():
                problems.append(_problem("assigned_on", f"交办日期 {assigned_on} 晚于今天"))
            elif not_before and assigned_on < not_before:
                problems.append(_problem("assigned_on", f"交办日期 {assigned_on} 早于{not_before_what} {not_before}"))
        if deadline and deadline < assigned_on:
            problems.append(_problem("deadline", f"办理期限 {deadline} 早于交办日期 {assigned_on}"))
        if current and current["replied_on"] and current["replied_on"] < assigned_on:
            problems.append(_problem("assigned_on", f"交办日期 {assigned_on} 晚于答复日期 {current['replied_on']}"))
        if problems:
            raise ValidationError(problems)
        return {"lead_department": lead, "co_departments": json.dumps(co, ensure_ascii=False),
                "leader": (data.leader or "").strip(), "assigned_on": assigned_on, "deadline": deadline}

    def _live_rounds(self, proposal_id: int) -> list[dict]:
        return self.handlings(proposal_id)

    def _insert_round(self, proposal_id: int, round_number: int, values: dict) -> int:
        values = {"proposal_id": proposal_id, "round": round_number, **values}
        with transaction(self.db) as conn:
            return conn.execute(f"INSERT INTO proposal_handlings ({', '.join(values)}) "
                                f"VALUES ({', '.join('?' * len(values))})", list(values.values())).lastrowid

    def assign(self, proposal_id: int, data: HandlingInput) -> int:
        """The first round of handling of a 立案 proposal; returns its id."""
        current = self._live(proposal_id)
        if current["review"] != REGISTERED:
            raise UserError(f"提案 {current['number']} 尚未立案，不能交办")
        rounds = self._live_rounds(proposal_id)
        if rounds:
            raise UserError(f"提案 {current['number']} 已交办（第{rounds[-1]['round']}轮）；如需调整请修改交办信息，"
                            "提案人不满意时可再次交办")
        values = self._normalize_handling(data, not_before=current["reviewed_on"], not_before_what="立案日期")
        return self._insert_round(proposal_id, 1, values)

    def second_round(self, proposal_id: int, data: HandlingInput) -> int:
        """A new round after the proposer rated the latest one 不满意; returns its id."""
        current = self._live(proposal_id)
        rounds = self._live_rounds(proposal_id)
        if not rounds or rounds[-1]["rating"] != DISSATISFIED:
            raise UserError(f"提案人对提案 {current['number']} 最近一轮的答复评价为“不满意”时，才能再次交办")
        latest = rounds[-1]
        values = self._normalize_handling(data, not_before=latest["rated_on"], not_before_what="上一轮评价日期")
        return self._insert_round(proposal_id, latest["round"] + 1, values)

    def _latest_round(self, handling_id: int) -> tuple[dict, dict]:
        """The live handling and its live proposal; refused unless it is the proposal's latest live round."""
        handling = self.get_handling(handling_id)
        if handling is None or handling["voided_at"]:
            raise UserError("该办理记录不存在或已作废")
        proposal = self._live(handling["proposal_id"])
        latest = self.db.execute("SELECT max(round) FROM proposal_handlings WHERE proposal_id = ? "
                                 "AND voided_at IS NULL", [proposal["id"]]).fetchone()[0]
        if handling["round"] != latest:
            raise UserError(f"提案 {proposal['number']} 已有第{latest}轮办理，第{handling['round']}轮的记录不能再修改")
        return handling, proposal

    def update_handling(self, handling_id: int, data: HandlingInput) -> None:
        """Correct a round's departments, leader, dates."""
        handling, proposal = self._latest_round(handling_id)
        if handling["round"] == 1:
            not_before, what = proposal["reviewed_on"], "立案日期"
        else:
            previous = self.db.execute("SELECT rated_on FROM proposal_handlings WHERE proposal_id = ? AND round = ? "
                                       "AND voided_at IS NULL", [proposal["id"], handling["round"] - 1]).fetchone()
            not_before, what = (previous[0] if previous else None), "上一轮评价日期"
        values = self._normalize_handling(data, not_before=not_before, not_before_what=what, current=handling)
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE proposal_handlings SET {', '.join(f'{k} = ?' for k in values)}, "
                         f"updated_at = {NOW_SQL} WHERE id = ?", [*values.values(), handling_id])

    def reply(self, handling_id: int, data: ReplyInput) -> None:
        """Record (or correct, until it is rated) the department's reply on the latest round."""
        handling, proposal = self._latest_round(handling_id)
        if handling["rating"]:
            raise UserError(f"提案人已对该答复作出评价（{handling['rating']}），不能再修改答复；如确需修改，请先清除评价")
        problems: list[Problem] = []
        result = (data.result or "").strip()
        result_reason = (data.result_reason or "").strip()
        replied_on = _date(data.replied_on, "replied_on", problems) or self.today.isoformat()
        if not result:
            problems.append(_problem("result", "请选择办理结果"))
        elif result not in RESULTS:
            problems.append(_problem("result", f"办理结果应为：{'、'.join(RESULTS)}"))
        elif result == UNSOLVABLE and not result_reason:
            problems.append(_problem("result_reason", "办理结果为“暂不能解决”时请填写原因"))
        if not any(p.field == "replied_on" for p in problems):
            if replied_on > self.today.isoformat():
                problems.append(_problem("replied_on", f"答复日期 {replied_on} 晚于今天"))
            elif handling["assigned_on"] and replied_on < handling["assigned_on"]:
                problems.append(_problem("replied_on", f"答复日期 {replied_on} 早于交办日期 {handling['assigned_on']}"))
        if problems:
            raise ValidationError(problems)
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE proposal_handlings SET reply = ?, replied_on = ?, result = ?, result_reason = ?, "
                         f"updated_at = {NOW_SQL} WHERE id = ?",
                         [(data.reply or "").strip(), replied_on, result, result_reason, handling_id])

    def rate(self, handling_id: int, rating: str, rated_on=None, notes: str = "") -> None:
        """The proposer's rating of the latest round's reply (满意, 基本满意, 不满意), or '' to clear it."""
        handling, proposal = self._latest_round(handling_id)
        if not handling["replied_on"]:
            raise UserError(f"提案 {proposal['number']} 尚未答复，不能评价")
        rating = (rating or "").strip()
        problems: list[Problem] = []
        day = _date(rated_on, "rated_on", problems) or self.today.isoformat()
        if rating and rating not in RATINGS:
            problems.append(_problem("rating", f"提案人意见应为：{'、'.join(RATINGS)}"))
        if rating and not any(p.field == "rated_on" for p in problems):
            if day > self.today.isoformat():
                problems.append(_problem("rated_on", f"评价日期 {day} 晚于今天"))
            elif day < handling["replied_on"]:
                problems.append(_problem("rated_on", f"评价日期 {day} 早于答复日期 {handling['replied_on']}"))
        if problems:
            raise ValidationError(problems)
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE proposal_handlings SET rating = ?, rated_on = ?, rating_notes = ?, "
                         f"updated_at = {NOW_SQL} WHERE id = ?",
                         [rating, day if rating else None, (notes or "").strip() if rating else "", handling_id])

    def void_handling(self, handling_id: int, reason: str) -> None:
        """Void the latest round (an earlier round stays while a later one is live)."""
        if not (reason or "").strip():
            raise UserError("作废办理记录时请填写原因")
        self._latest_round(handling_id)
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE proposal_handlings SET voided_at = {NOW_SQL}, void_reason = ? WHERE id = ?",
                         [reason.strip(), handling_id])
