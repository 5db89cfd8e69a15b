"""The proposals' printouts and exports: the 提案表 of one proposal as the paper form, a session's forms
printed at once, and the 提案汇总表 / 立案一览表 as a printable .xlsx and as a printed table.

The 提案表 (:func:`proposal_form`, a :class:`~gonghui_desk.printing.PrintForm` on A4 portrait) is titled
with the session in the union's words ("第三届职代会第二次会议提案表", 教代会 for a school) and laid out
as the paper form, in blocks the printer keeps whole:

* the proposal: 编号, 类别, 提交日期; 提案人 with 所在部门 and 代表团 (代表组 in a school); 附议人; 案由;
  理由 and 办法和措施 in boxes at least :data:`TEXT_BOX_MM` tall that grow with the text; 备注 when there is one;
* 提案工作委员会审查意见: the outcomes as boxes to tick (■ the recorded one, □ the others), the merged-into
  proposal or the proposals merged into this one, a split noted ("本件由…号提案拆分", "本件已拆分出…"), the
  committee's opinion, the reviewer and the date — or, before the review, room to write and
  "签名：　年　月　日";
* for a 立案 proposal (and one not reviewed yet) each round of handling: 主办单位, 协办单位, 责任领导,
  交办日期, 办理期限 (marked 已逾期 when the round is unanswered past it), 承办单位答复 (the reply, the
  result ticked, the reason of 暂不能解决, the date) and 提案人意见 (the rating ticked, the notes, the date);
  a box without a record is left blank to write in, with its line to sign and date. A second round (after
  不满意) comes under its own caption, the first round's under "第一轮办理";
* a proposal that is 不立案, 转意见建议 or merged has no handling boxes, only a note saying why.

A proposal with a few hundred characters of 理由 and 办法和措施 fits one page; longer texts flow on to a
second page (the page frame repeats the union's name, and the pages are numbered).

:func:`session_forms` makes the forms of a session's proposals (those a
:class:`~gonghui_desk.congress.register.ProposalFilter` picks, by number) for one print job, each form on
pages of its own (:func:`gonghui_desk.ui.printing.print_preview` and ``print_to_pdf`` take the list).

The 提案汇总表 (every proposal: the review, the latest round's departments, status, reply date, result and
rating) and the 立案一览表 (the 立案 proposals only, with 责任领导 and 办理期限) are defined once here
(columns, rows, subtitle, totals) for the .xlsx export (:func:`export_proposal_summary`, through
:func:`~gonghui_desk.exporting.xlsx.write_table`) and the printed table
(:func:`proposal_summary_print_table`). The totals are the session's dashboard
(:func:`~gonghui_desk.congress.register.session_dashboard`): 收到, 立案 with 立案率, the other outcomes,
答复率, 办结率 and 满意率, each rate with its base (DOMAIN.md §3), and by category. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

import sqlite_utils

from gonghui_desk.congress.proposals import (MERGED, NOT_REGISTERED, OUTCOMES, RATINGS, REGISTERED, RESULTS,
                                             TO_SUGGESTION)
from gonghui_desk.congress.register import (ProposalFilter, Rate, SessionDashboard, proposal_ids, proposal_rows,
                                            session_dashboard)
from gonghui_desk.congress.store import CongressStore, chinese_numeral
from gonghui_desk.db.batches import ID_CHUNK
from gonghui_desk.errors import UserError
from gonghui_desk.exporting.member_roster import SEQUENCE_COLUMN
from gonghui_desk.exporting.xlsx import Column, signature_line, write_table
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel
from gonghui_desk.printing import FormCell, FormGrid, FormParagraph, PrintForm, label_cell, value_cell
from gonghui_desk.union import load_profile, sub_unit_paths

__all__ = ["FORM_TITLE", "REGISTERED_COLUMNS", "REGISTERED_PRINT_COLUMNS", "REGISTERED_TITLE", "SUMMARY_COLUMNS",
           "SUMMARY_PRINT_COLUMNS", "SUMMARY_TITLE", "default_form_name", "default_forms_name",
           "default_summary_name", "describe_proposal_filter", "export_proposal_summary", "proposal_form",
           "proposal_summary_print_table", "session_forms", "summary_columns", "summary_records",
           "summary_totals_lines"]

FORM_TITLE = "提案表"
SUMMARY_TITLE = "提案汇总表"
REGISTERED_TITLE = "立案一览表"
PROGRESS_EVERY = 1000

# --- the form's geometry --------------------------------------------------------------------------------------
# Six columns: label, value three times; in layout pixels of the 680 a portrait page has, the first
# label column holds "办法和措施" and the values hold "第3届第2次-001" or a date on one line.
FORM_COLUMNS = [92, 140, 78, 140, 78, 152]
TEXT_BOX_MM = 32  # 理由 and 办法和措施: at least this tall, taller with a long text…
TEXT_BOX_ROUNDS_MM = 16  # …or this, on a form with two rounds of handling (short texts keep it on one page)
ROOM_EMPTY_MM = 18  # blank paper to write an opinion, a reply or a rating in, above its signature line
ROOM_FILLED_MM = 2  # below a recorded text, above its date line
ROW_MM = 8  # a row of one-line values, tall enough to fill in by hand
SIGN_BLANK = "签名：　　　　　　　　　　年　　月　　日"
CHECKED, UNCHECKED = "■", "□"
OUTCOME_WORDS = {REGISTERED: "立案", NOT_REGISTERED: "不立案", TO_SUGGESTION: "转为意见建议", MERGED: "并案"}
NOTES_WITHOUT_HANDLING = {
    NOT_REGISTERED: "注：本提案不予立案，不交承办单位办理。",
    TO_SUGGESTION: "注：本提案已转为意见和建议，不列入提案办理。",
}


def checkboxes(options, chosen: str, words: dict[str, str] | None = None) -> str:
    """"■立案　□不立案　□转为意见建议　□并案": the chosen option ticked, the others blank."""
    words = words or {}
    return "　".join(f"{CHECKED if option == chosen else UNCHECKED}{words.get(option, option)}" for option in options)


@dataclass
class _FormContext:
    """What every form of a print job shares: the union's name, the word for a delegation, the sub-units'
    paths, the day 逾期 is judged on."""

    union_name: str
    delegation_word: str
    paths: dict[int, str]
    today: dt.date


def _context(db: sqlite_utils.Database, today: dt.date | None) -> _FormContext:
    profile = load_profile(db)
    return _FormContext(profile.name, "代表组" if profile.kind == "学校" else "代表团", sub_unit_paths(db),
                        today or dt.date.today())


def proposal_form(db: sqlite_utils.Database, proposal_id: int, *, today: dt.date | None = None) -> PrintForm:
    """The 提案表 of one proposal (see the module text); raises UserError for a missing or voided proposal
    or one of a voided session."""
    context = _context(db, today)
    row = proposal_rows(db, [proposal_id], today=context.today).get(proposal_id)
    if row is None:
        raise UserError(f"提案 {proposal_id} 不存在")
    if row["voided_at"]:
        raise UserError(f"提案 {row['number']} 已作废，不能打印提案表")
    session = CongressStore(db).get_session(row["session_id"])
    if session is None or session["voided_at"]:
        raise UserError(f"提案 {row['number']} 所属的会议已作废，不能打印提案表")
    return _form(db, row, context)


def session_forms(db: sqlite_utils.Database, session_id: int, *, f: ProposalFilter | None = None,
                  today: dt.date | None = None, progress: Progress | None = None,
                  is_cancelled: IsCancelled | None = None) -> list[PrintForm]:
    """The 提案表 of the session's live proposals that ``f`` picks (its session replaced by ``session_id``),
    by number, for one print job; ``progress(done, total, text)`` after each form, ``is_cancelled()``
    (which stops with :class:`~gonghui_desk.errors.Cancelled`) before each."""
    CongressStore(db).live_session(session_id)
    context = _context(db, today)
    ids = proposal_ids(db, replace(f or ProposalFilter(), session_id=session_id), "number", today=context.today)
    forms: list[PrintForm] = []
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start:start + ID_CHUNK]
        rows = proposal_rows(db, chunk, today=context.today)
        for proposal_id in chunk:
            check_cancel(is_cancelled)
            forms.append(_form(db, rows[proposal_id], context))
            if progress:
                progress(len(forms), len(ids), f"已准备 {len(forms)} 份提案表")
    check_cancel(is_cancelled)
    return forms


# --- the form ----------------------------------------------------------------------------------------------------
def _form(db: sqlite_utils.Database, row: dict, context: _FormContext) -> PrintForm:
    review = row["review"]
    rounds = _rounds(db, row["id"]) if review in ("", REGISTERED) else []
    box_mm = TEXT_BOX_MM if len(rounds) < 2 else TEXT_BOX_ROUNDS_MM
    blocks: list = [_proposal_grid(db, row, context, box_mm), _review_grid(db, row)]
    if review in ("", REGISTERED):
        for handling in rounds or [None]:
            blocks.append(_round_grid(handling, row, context, several=len(rounds) > 1))
    elif review == MERGED:
        blocks.append(FormParagraph(f"注：本提案已并入{row['merged_into_number']}号提案，"
                                    "其办理和答复见该提案的提案表。"))
    else:
        blocks.append(FormParagraph(NOTES_WITHOUT_HANDLING[review]))
    # the number at the top of every page: a form's second page stays with its first
    return PrintForm(title=f"{row['session_title']}{FORM_TITLE}", union_name=context.union_name,
                     date_text=f"编号：{row['number']}　　制表日期：{context.today.isoformat()}", subtitle_lines=[],
                     blocks=blocks)


def _rounds(db: sqlite_utils.Database, proposal_id: int) -> list[dict]:
    """The live rounds of handling, first round first (``co_departments`` a list)."""
    rows = list(db.query("SELECT * FROM proposal_handlings WHERE proposal_id = ? AND voided_at IS NULL "
                         "ORDER BY round", [proposal_id]))
    for handling in rows:
        handling["co_departments"] = json.loads(handling["co_departments"] or "[]")
    return rows


def _proposer(db: sqlite_utils.Database, row: dict, context: _FormContext) -> tuple[str, str, str]:
    """The proposer's name, sub-unit and delegation in the session's term ('' when unknown)."""
    member_id = row["proposer_member_id"]
    if member_id is None:
        return row["proposer_text"], "", ""
    unit = db.execute("SELECT sub_unit_id FROM members WHERE id = ?", [member_id]).fetchone()
    delegation = db.execute(
        """SELECT coalesce(g.name, '') FROM congress_delegates d
           LEFT JOIN congress_delegations g ON g.id = d.delegation_id AND g.voided_at IS NULL
           WHERE d.term_id = ? AND d.member_id = ? AND d.voided_at IS NULL ORDER BY d.id DESC LIMIT 1""",
        [row["term_id"], member_id]).fetchone()
    return (row["proposer_name"], context.paths.get(unit[0], "") if unit and unit[0] else "",
            delegation[0] if delegation else "")


def _box(label: str, lines: list[str], footer: str, *, empty: bool) -> list[FormCell]:
    """A row of a labelled box: its lines at the top, room to write (more in an empty box), then the
    footer line (a signature and a date) at its bottom right."""
    return [label_cell(label),
            FormCell("\n".join(line for line in lines if line), colspan=5, valign="top", footer=footer,
                     room_mm=ROOM_EMPTY_MM if empty else ROOM_FILLED_MM)]


def _proposal_grid(db: sqlite_utils.Database, row: dict, context: _FormContext, box_mm: float) -> FormGrid:
    name, unit, delegation = _proposer(db, row, context)
    rows = [
        [label_cell("编号", min_height_mm=ROW_MM), value_cell(row["number"]), label_cell("类别"),
         value_cell(row["category"]), label_cell("提交日期"), value_cell(row["submitted_on"])],
        [label_cell("提案人", min_height_mm=ROW_MM), value_cell(name), label_cell("所在部门"), value_cell(unit),
         label_cell(context.delegation_word), value_cell(delegation)],
        [label_cell("附议人", min_height_mm=ROW_MM), value_cell(row["cosigners"], 5)],
        [label_cell("案由", min_height_mm=ROW_MM), value_cell(row["title"], 5)],
        [label_cell("理由", min_height_mm=box_mm), value_cell(row["reason"], 5, valign="top")],
        [label_cell("办法和措施", min_height_mm=box_mm), value_cell(row["measures"], 5, valign="top")],
    ]
    if row["notes"]:
        rows.append([label_cell("备注"), value_cell(row["notes"], 5)])
    return FormGrid(rows, list(FORM_COLUMNS))


def _merged_from(db: sqlite_utils.Database, proposal_id: int) -> str:
    """"第3届第2次-010（张三）、第3届第2次-014（一车间代表团）": the live proposals merged into this one."""
    rows = db.execute("""SELECT p.number, coalesce(m.name, p.proposer_text) FROM proposals p
                         LEFT JOIN members m ON m.id = p.proposer_member_id
                         WHERE p.merged_into_id = ? AND p.voided_at IS NULL ORDER BY p.seq, p.id""",
                      [proposal_id]).fetchall()
    return "、".join(f"{number}（{who}）" if who else number for number, who in rows)


def _split_notes(db: sqlite_utils.Database, row: dict) -> list[str]:
    """"本件由第3届第2次-001号提案“…”拆分。" and "本件已拆分出2件提案：第3届第2次-004“…”、…。"."""
    notes = []
    if row["split_from_id"] is not None:
        source = db.execute("SELECT number, title FROM proposals WHERE id = ?", [row["split_from_id"]]).fetchone()
        if source:
            notes.append(f"本件由{source[0]}号提案“{source[1]}”拆分。")
    if row["split_numbers"]:
        parts = db.execute("SELECT number, title FROM proposals WHERE split_from_id = ? AND voided_at IS NULL "
                           "ORDER BY seq, id", [row["id"]]).fetchall()
        notes.append(f"本件已拆分出{len(parts)}件提案：" + "、".join(f"{n}“{t}”" for n, t in parts) + "。")
    return notes


def _review_grid(db: sqlite_utils.Database, row: dict) -> FormGrid:
    review = row["review"]
    lines = [f"审查结果：{checkboxes(OUTCOMES, review, OUTCOME_WORDS)}"]
    if row["review_reason"]:
        lines.append(f"审查意见：{row['review_reason']}")
    if review == MERGED:
        target = db.execute("SELECT title FROM proposals WHERE id = ?", [row["merged_into_id"]]).fetchone()
        lines.append(f"并入提案：{row['merged_into_number']}“{target[0] if target else ''}”")
    merged = _merged_from(db, row["id"]) if row["merged_count"] else ""
    if merged:
        lines.append(f"并入本案的提案：{merged}")
    lines += _split_notes(db, row)
    if review:
        footer = f"审查人：{row['reviewer'] or '　' * 6}　　审查日期：{row['reviewed_on'] or '　' * 5}"
    else:
        footer = SIGN_BLANK
    return FormGrid([_box("提案工作\n委员会\n审查意见", lines, footer, empty=not review)], list(FORM_COLUMNS))


def _round_grid(handling: dict | None, row: dict, context: _FormContext, *, several: bool) -> FormGrid:
    """One round of handling (or the blank boxes of a proposal not handled yet)."""
    h = handling or {}
    deadline = h.get("deadline") or ""
    latest = handling is not None and handling["round"] == row["round"]
    if deadline and latest and not h.get("replied_on") and deadline < context.today.isoformat():
        deadline += "（已逾期）"
    replied = bool(h.get("replied_on"))
    reply = [f"办理结果：{checkboxes(RESULTS, h.get('result') or '')}"]
    if h.get("result_reason"):
        reply.append(f"未能解决的原因：{h['result_reason']}")
    if h.get("reply"):
        reply.append(f"答复：{h['reply']}")
    rated = bool(h.get("rating"))
    rating = [checkboxes(RATINGS, h.get("rating") or "")]
    if h.get("rating_notes"):
        rating.append(f"说明：{h['rating_notes']}")
    rows = [
        [label_cell("主办单位", min_height_mm=ROW_MM), value_cell(h.get("lead_department")), label_cell("协办单位"),
         value_cell("、".join(h.get("co_departments") or []), 3)],
        [label_cell("责任领导", min_height_mm=ROW_MM), value_cell(h.get("leader")), label_cell("交办日期"),
         value_cell(h.get("assigned_on")), label_cell("办理期限"), value_cell(deadline)],
        _box("承办单位\n答复", reply, f"答复日期：{h['replied_on']}" if replied else SIGN_BLANK, empty=not replied),
        _box("提案人\n意见", rating, f"签名：{'　' * 6}　评价日期：{h['rated_on']}" if rated else SIGN_BLANK,
             empty=not rated),
    ]
    caption = ""
    if several:
        caption = f"第{chinese_numeral(handling['round'])}轮办理"
        if handling["round"] > 1:
            caption += "（提案人对上一轮答复不满意，再次交办）"
    return FormGrid(rows, list(FORM_COLUMNS), caption=caption)


# --- file names --------------------------------------------------------------------------------------------------
def _safe(text: str, fallback: str) -> str:
    """``text`` as a file name Windows accepts (no \\ / : * ? " < > |, control characters or spaces)."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f\s]+', "", text or "").strip(".")
    return name[:80] or fallback


def default_summary_name(session_title: str, today: dt.date | None = None, registered_only: bool = False) -> str:
    """"第三届职代会第二次会议-提案汇总表-20261122.xlsx" (立案一览表 with ``registered_only``)."""
    title = REGISTERED_TITLE if registered_only else SUMMARY_TITLE
    return f"{_safe(session_title, '提案')}-{title}-{(today or dt.date.today()):%Y%m%d}.xlsx"


def default_forms_name(session_title: str) -> str:
    """"第三届职代会第二次会议-提案表.pdf": a session's forms printed to one PDF."""
    return f"{_safe(session_title, '提案')}-{FORM_TITLE}.pdf"


def default_form_name(number: str) -> str:
    """"第3届第2次-007-提案表.pdf": one proposal's form."""
    return f"{_safe(number, '提案')}-{FORM_TITLE}.pdf"


# --- 提案汇总表 / 立案一览表 -------------------------------------------------------------------------------------
SUMMARY_COLUMNS: tuple[Column, ...] = (
    SEQUENCE_COLUMN,
    Column("number", "编号", 16, "id"),
    Column("title", "案由", 34),
    Column("proposer_name", "提案人", 12),
    Column("cosigners", "附议人", 18),
    Column("category", "类别", 10),
    Column("review_text", "审查结果", 18),
    Column("lead_department", "主办部门", 13),
    Column("co_departments_text", "协办部门", 16),
    Column("status_text", "状态", 14),
    Column("replied_on", "答复日期", 11, "date"),
    Column("result", "办理结果", 10),
    Column("rating_text", "满意度", 10),
)
REGISTERED_COLUMNS: tuple[Column, ...] = (
    SEQUENCE_COLUMN,
    Column("number", "编号", 16, "id"),
    Column("title", "案由", 36),
    Column("proposer_name", "提案人", 12),
    Column("cosigners", "附议人", 18),
    Column("category", "类别", 10),
    Column("lead_department", "主办部门", 13),
    Column("co_departments_text", "协办部门", 16),
    Column("leader", "责任领导", 12),
    Column("deadline", "办理期限", 11, "date"),
    Column("status_text", "状态", 14),
)
# The printed tables: A4 landscape at 9 pt (weights in layout pixels of the 1009 a landscape line has): a
# number, a date, a category and 已办结（第二轮） stay on one line; 案由 and the names wrap.
_SUMMARY_PRINT_WIDTHS = {"seq": 38, "number": 104, "title": 124, "proposer_name": 68, "cosigners": 108,
                         "category": 60, "review_text": 80, "lead_department": 72, "co_departments_text": 80,
                         "status_text": 100, "replied_on": 76, "result": 66, "rating_text": 66}
_REGISTERED_PRINT_WIDTHS = {"seq": 38, "number": 104, "title": 162, "proposer_name": 72, "cosigners": 128,
                            "category": 60, "lead_department": 80, "co_departments_text": 90, "leader": 80,
                            "deadline": 76, "status_text": 112}
SUMMARY_PRINT_COLUMNS = tuple(Column(c.key, c.label, _SUMMARY_PRINT_WIDTHS[c.key], c.kind) for c in SUMMARY_COLUMNS)
REGISTERED_PRINT_COLUMNS = tuple(Column(c.key, c.label, _REGISTERED_PRINT_WIDTHS[c.key], c.kind)
                                 for c in REGISTERED_COLUMNS)
REGISTERED_STATUSES = ("待交办", "办理中", "已答复", "不满意", "已办结")  # the statuses of a 立案 proposal

ORDER_WORDS = {"number": ("按编号排列", "按编号倒序排列"), "submitted_on": ("按提交日期排列", "按提交日期从近到远排列"),
               "title": ("按案由排列", "按案由倒序排列"), "proposer": ("按提案人排列", "按提案人倒序排列"),
               "category": ("按类别排列", "按类别倒序排列"), "status": ("按状态排列", "按状态倒序排列"),
               "department": ("按主办部门排列", "按主办部门倒序排列"),
               "deadline": ("按办理期限排列", "按办理期限倒序排列")}


def summary_columns(*, registered_only: bool = False, printed: bool = False) -> tuple[Column, ...]:
    if registered_only:
        return REGISTERED_PRINT_COLUMNS if printed else REGISTERED_COLUMNS
    return SUMMARY_PRINT_COLUMNS if printed else SUMMARY_COLUMNS


def _registered_filter(f: ProposalFilter) -> ProposalFilter:
    """``f`` narrowed to the 立案 proposals."""
    if f.status is None:
        return replace(f, status=REGISTERED_STATUSES)
    chosen = (f.status,) if isinstance(f.status, str) else tuple(f.status)
    return replace(f, status=tuple(s for s in chosen if s in REGISTERED_STATUSES))


def _session_title(db: sqlite_utils.Database, session_id: int | None) -> str:
    if session_id is None:
        return ""
    session = CongressStore(db).get_session(session_id)
    if session is None or session["voided_at"]:
        raise UserError("该会议不存在或已作废")
    return session["title"]


def describe_proposal_filter(db: sqlite_utils.Database, f: ProposalFilter, order: str = "number",
                             descending: bool = False) -> str:
    """The subtitle: the session's date and venue (the title names the session), the filters and the order
    in words: "会议日期：2026-03-12；地点：公司大礼堂；状态：办理中（按编号排列）"."""
    parts = []
    if f.session_id is None:
        parts.append("会议：全部")
    else:
        session = CongressStore(db).get_session(f.session_id) or {}
        if session.get("held_on"):
            parts.append(f"会议日期：{session['held_on']}")
        if session.get("venue"):
            parts.append(f"地点：{session['venue']}")
    if f.categories is not None:
        parts.append(f"类别：{'、'.join(c or '未分类' for c in f.categories) or '无'}")
    if f.status is not None:
        statuses = (f.status,) if isinstance(f.status, str) else f.status
        parts.append(f"状态：{'、'.join(statuses) or '无'}")
    if f.department:
        parts.append(f"承办部门：{f.department}")
    if f.search.strip():
        parts.append(f"关键词：{f.search.strip()}")
    if f.overdue_only:
        parts.append("只列逾期")
    return "；".join(parts or ["全部提案"]) + f"（{ORDER_WORDS.get(order, ORDER_WORDS['number'])[bool(descending)]}）"


def _round_note(row: dict) -> str:
    return f"第{chinese_numeral(row['round'])}轮" if row["round"] and row["round"] > 1 else ""


def _summary_row(row: dict) -> dict:
    review = row["review"]
    if review == MERGED:
        review_text = f"并案（并入{row['merged_into_number']}）"
    elif review == REGISTERED and row["merged_count"]:
        review_text = f"立案（含并案{row['merged_count']}件）"
    else:
        review_text = OUTCOME_WORDS.get(review, review) if review != TO_SUGGESTION else "转意见建议"
    review_text = review_text or "待审查"
    notes = [note for note in (_round_note(row), "逾期" if row["overdue"] else "") if note]
    status = row["status"] + (f"（{'，'.join(notes)}）" if notes else "")
    rating = row["rating"] + (f"（{_round_note(row)}）" if row["rating"] and _round_note(row) else "")
    return {**row, "review_text": review_text, "status_text": status, "rating_text": rating}


def summary_records(db: sqlite_utils.Database, f: ProposalFilter, *, order: str = "number", descending: bool = False,
                    registered_only: bool = False, today: dt.date | None = None, progress: Progress | None = None,
                    is_cancelled: IsCancelled | None = None) -> Iterator[dict]:
    """The rows in order, keyed by the :data:`SUMMARY_COLUMNS` (:data:`REGISTERED_COLUMNS`) keys; every
    1000 rows the progress is reported and a cancel is checked for."""
    if registered_only:
        f = _registered_filter(f)
    ids = proposal_ids(db, f, order, descending, today=today)
    check_cancel(is_cancelled)
    seq = 0
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start:start + ID_CHUNK]
        rows = proposal_rows(db, chunk, today=today)
        for proposal_id in chunk:
            seq += 1
            yield {**_summary_row(rows[proposal_id]), "seq": seq}
            if seq % PROGRESS_EVERY == 0:
                check_cancel(is_cancelled)
                if progress:
                    progress(seq, len(ids), f"已读取 {seq} 件")


def _rate(name: str, rate: Rate) -> str:
    """"立案率 80.0%（立案8件 ÷ 收到提案10件）"; without a base, says so."""
    if not rate.base:
        return f"{name} —（{rate.base_label}0件，无法计算）"
    return f"{name} {rate.text}（{rate.base_text}）"


def _counts(pairs) -> str:
    return "，".join(f"{label} {count} 件" for label, count in pairs if count)


def summary_totals_lines(board: SessionDashboard, *, listed: int | None = None,
                         registered_only: bool = False) -> list[str]:
    """The totals block of a session: what the table lists (when a filter narrows it), 收到 (and how many of
    them were formed by splitting, when any) and 立案 with 立案率, the other outcomes, 答复率 and 办结率 over
    立案, 满意率 over the rated, and by category."""
    lines = []
    if listed is not None:
        lines.append(f"本表列出{'立案提案' if registered_only else '提案'} {listed} 件。")
    others = _counts([("不立案", board.not_registered), ("转为意见建议", board.to_suggestions),
                      ("并案", board.merged), ("待审查", board.pending_review)])
    split = f"（其中由拆分形成 {board.split} 件）" if board.split else ""
    lines.append(f"合计：本次会议收到提案 {board.received} 件{split}，立案 {board.registered} 件，"
                 f"{_rate('立案率', board.filing_rate)}" + (f"；{others}" if others else "") + "。")
    handling = _counts([("待交办", board.to_assign), ("办理中", board.in_progress)])
    lines.append(f"办理：已答复 {board.replied} 件，{_rate('答复率', board.reply_rate)}；办结 {board.completed} 件，"
                 f"{_rate('办结率', board.completion_rate)}" + (f"；{handling}" if handling else "")
                 + (f"（其中逾期 {board.overdue} 件）" if board.overdue else "") + "。")
    lines.append(f"评价：满意 {board.satisfied} 件，基本满意 {board.fairly_satisfied} 件，不满意 {board.dissatisfied} 件，"
                 f"{_rate('满意率', board.satisfaction_rate)}。")
    if board.by_category:
        parts = []
        for row in board.by_category:
            part = f"{row.category} 收到 {row.received} 件、立案 {row.registered} 件"
            if row.received:
                part += f"（立案率 {row.filing_rate.text}）"
            parts.append(part)
        lines.append("按类别：" + "；".join(parts) + "。")
    return lines


@dataclass
class _Summary:
    title: str
    subtitle: str
    total_lines: list[str]
    count: int


def _summary(db: sqlite_utils.Database, f: ProposalFilter, order: str, descending: bool, registered_only: bool,
             today: dt.date | None) -> _Summary:
    title = REGISTERED_TITLE if registered_only else SUMMARY_TITLE
    session_title = _session_title(db, f.session_id)
    listed_filter = _registered_filter(f) if registered_only else f
    count = len(proposal_ids(db, listed_filter, order, descending, today=today))
    if f.session_id is None:
        lines = [f"合计：共 {count} 件。"]
    else:
        narrowed = registered_only or listed_filter != ProposalFilter(session_id=f.session_id)
        lines = summary_totals_lines(session_dashboard(db, f.session_id, today=today),
                                     listed=count if narrowed else None, registered_only=registered_only)
    return _Summary(f"{session_title}{title}", describe_proposal_filter(db, f, order, descending), lines, count)


def export_proposal_summary(db: sqlite_utils.Database, path: str | Path, f: ProposalFilter, *, order: str = "number",
                            descending: bool = False, registered_only: bool = False, prepared_by: str = "",
                            today: dt.date | None = None, progress: Progress | None = None,
                            is_cancelled: IsCancelled | None = None) -> int:
    """Write the 提案汇总表 (the 立案一览表 with ``registered_only``) of the proposals matching ``f`` to
    ``path`` with the session's totals block; returns the number of rows."""
    today = today or dt.date.today()
    summary = _summary(db, f, order, descending, registered_only, today)
    return write_table(
        path, title=summary.title, union_name=load_profile(db).name, today=today, subtitle=summary.subtitle,
        columns=summary_columns(registered_only=registered_only),
        rows=summary_records(db, f, order=order, descending=descending, registered_only=registered_only,
                             today=today),
        total_lines=summary.total_lines, prepared_by=prepared_by, freeze_columns=3, progress=progress,
        is_cancelled=is_cancelled, total=summary.count)


def proposal_summary_print_table(db: sqlite_utils.Database, f: ProposalFilter, *, order: str = "number",
                                 descending: bool = False, registered_only: bool = False, prepared_by: str = "",
                                 today: dt.date | None = None, progress: Progress | None = None,
                                 is_cancelled: IsCancelled | None = None):
    """The printed 提案汇总表 / 立案一览表: A4 landscape, the .xlsx export's rows and totals block."""
    from gonghui_desk.printing import table_from_columns

    today = today or dt.date.today()
    summary = _summary(db, f, order, descending, registered_only, today)
    records = summary_records(db, f, order=order, descending=descending, registered_only=registered_only,
                              today=today, progress=progress, is_cancelled=is_cancelled)
    return table_from_columns(
        summary_columns(registered_only=registered_only, printed=True), records, title=summary.title,
        subtitle_lines=[summary.subtitle], union_name=load_profile(db).name,
        date_text=f"制表日期：{today.isoformat()}", total_lines=summary.total_lines,
        footer_line=signature_line(prepared_by), landscape=True, font_size_pt=9)
