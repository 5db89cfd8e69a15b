"""The draft 提案办理情况报告 (report on the handling of a session's proposals) to the next session.

Written from the records, as of ``today``: every figure is a count of :func:`session_dashboard` or of the
session's proposal rows (:func:`iter_proposals`), so it agrees with the proposals page. The draft says:

* title "关于<第五届教代会第二次会议>提案办理情况的报告"; "——在<the next live session>上" under it when that
  session is already set up; salutation 各位代表：; a mandate line;
* 一、提案的提出和审查情况: the date held, 收到 N件 (by delegates, by delegations), the review — 立案 with
  立案率 (base 收到), 不立案, 转为意见和建议, 并案, 待审查, and the proposals split at review (拆分, only when
  there are any: "审查中，K件提案因涉及多个事项，按一事一案的原则拆分，拆分形成M件（已计入收到的提案）") —
  and the categories (其中…);
* 二、提案的交办和办理情况 (when anything is 立案): （一）交办和答复 (交办, 待交办, 答复率 on 立案, 办理中 and
  逾期), （二）办理结果 (results of the answered ones; 办结率 on 立案), （三）提案人评价 (满意, 基本满意,
  不满意; 满意率 on 已评价; second rounds), （四）各承办部门办理情况 (a table: 主办, 协办, 已答复, 答复率,
  办结, 办结率, 已评价, 满意率 — rates on each department's 主办 or 已评价 — and who answered all);
* 三、尚未办结的提案: every 立案 proposal not 办结, by number and 案由, grouped (待交办, 办理中, 逾期未答复,
  不满意, 正在解决, 列入计划, 暂不能解决 with its reason);
* a closing paragraph, and the signature (the unit's 提案工作委员会) with today's date.

Rules (DOMAIN.md §3): rates state their base; "全部/件件/均" sentences only at exactly 100%; a part with
no data is left out (:func:`~gonghui_desk.documents.compose`); counts in 件, optionally in Chinese
numerals when small. The words follow the session's kind (职代会/教代会) and the union's (职工/教职工).
:attr:`Document.figures` lists every number with what it counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlite_utils

from gonghui_desk.congress.proposals import RESULTS
from gonghui_desk.congress.register import ProposalFilter, SessionDashboard, iter_proposals, session_dashboard
from gonghui_desk.congress.store import CongressStore
from gonghui_desk.documents import Document, Figure, Paragraph, Section, Table, compose
from gonghui_desk.documents.wording import count_text, date_text, is_complete, percent_text, rate_text
from gonghui_desk.union import load_profile

__all__ = ["DEPARTMENT_HEADER", "ProposalReportOptions", "default_report_name", "proposal_report", "report_title"]

DEPARTMENT_HEADER = ("承办部门", "主办", "协办", "已答复", "答复率", "办结", "办结率", "已评价", "满意率")
UNIT_SUFFIXES = ("工会委员会", "工会")


@dataclass
class ProposalReportOptions:
    chinese_numerals: bool = False  # small counts in narrative as 三件
    name_unresolved: bool = True  # name the unfinished proposals (number, 案由); else counts only


def report_title(session_title: str) -> str:
    return f"关于{session_title}提案办理情况的报告"


def default_report_name(session_title: str) -> str:
    return f"{session_title}提案办理情况报告.docx"


def _today(today) -> dt.date:
    if today is None:
        return dt.date.today()
    return dt.date.fromisoformat(today) if isinstance(today, str) else today


class _Writer:
    """Writes counts and rates, and lists each as a :class:`Figure`."""

    def __init__(self, options: ProposalReportOptions):
        self.options = options
        self.figures: list[Figure] = []

    def n(self, count: int, label: str = "", basis: str = "") -> str:
        text = count_text(count, "件", chinese=self.options.chinese_numerals)
        if label:
            self.figures.append(Figure(label, f"{count}件", basis))
        return text

    def rate(self, label: str, count: int, base: int, count_label: str, base_label: str) -> str:
        text = rate_text(count, base, count_label, base_label)
        self.figures.append(Figure(label, percent_text(count, base), f"{count_label}{count}件÷{base_label}{base}件"))
        return text


def _next_session(congress: CongressStore, session: dict) -> dict | None:
    later = [s for s in congress.sessions()
             if (s["term_number"], s["number"]) > (session["term_number"], session["number"])]
    return min(later, key=lambda s: (s["term_number"], s["number"])) if later else None


def _signer(union_name: str, kind: str) -> str:
    unit = union_name.strip()
    for suffix in UNIT_SUFFIXES:
        if unit.endswith(suffix):
            unit = unit[:-len(suffix)]
            break
    return f"{unit}{kind}提案工作委员会"


def _item(row: dict, *, department: bool = True, deadline: bool = False, reason: bool = False) -> str:
    details = []
    if department and row["lead_department"]:
        details.append(f"主办：{row['lead_department']}")
    if deadline and row["deadline"]:
        details.append(f"办理期限：{date_text(row['deadline'])}")
    if reason and row["result_reason"]:
        details.append(f"原因：{row['result_reason']}")
    return f"{row['number']}“{row['title']}”" + (f"（{'，'.join(details)}）" if details else "")


def proposal_report(db: sqlite_utils.Database, session_id: int, *, today: dt.date | str | None = None,
                    options: ProposalReportOptions | None = None) -> Document:
    """The draft report on ``session_id``'s proposals as of ``today`` (see the module text)."""
    options = options or ProposalReportOptions()
    day = _today(today)
    congress = CongressStore(db, today=day)
    session = congress.live_session(session_id)
    board = session_dashboard(db, session_id, day)
    rows = list(iter_proposals(db, ProposalFilter(session_id=session_id), today=day))
    profile = load_profile(db)
    kind, staff = session["kind"], profile.vocabulary.staff
    w = _Writer(options)

    next_session = _next_session(congress, session)
    doc = Document(title=report_title(session["title"]),
                   subtitle_lines=[f"——在{next_session['title']}上"] if next_session else [],
                   salutation="各位代表：", signer=_signer(profile.name, kind), date_text=date_text(day))
    if board.received == 0:
        doc.blocks = [Paragraph(f"{session['title']}没有收到代表提案。")]
        return doc

    registered_rows = [r for r in rows if r["review"] == "立案"]
    sections = [_review_section(w, session, board, rows),
                _handling_section(w, board, registered_rows, day),
                _unresolved_section(w, board, registered_rows, day)]
    doc.blocks = [Paragraph(f"受{kind}提案工作委员会委托，现将{session['title']}代表提案的审查和办理情况报告如下，"
                            "请各位代表审议。"), *compose(sections)]
    closing = []
    if board.registered - board.completed > 0:
        closing.append("对尚未办结的提案，提案工作委员会将继续督促承办部门抓紧办理，及时向提案人反馈，"
                       "并在下次会议上报告办理结果。")
    closing.append(f"希望各位代表继续关注提案的办理和落实，广泛听取{staff}的意见和建议，"
                   "把提案工作做得更加扎实。")
    doc.blocks.append(Paragraph("".join(closing)))
    doc.figures = w.figures
    return doc


# --- 一、提出和审查 -----------------------------------------------------------------------------------------
def _review_section(w: _Writer, session: dict, board: SessionDashboard, rows: list[dict]) -> Section:
    received = w.n(board.received, "收到提案", "本次会议登记的提案，不含已作废的，含并入其他提案的")
    by_members = [r for r in rows if r["proposer_member_id"] is not None]
    proposers = len({r["proposer_member_id"] for r in by_members})
    by_groups = len(rows) - len(by_members)
    if by_groups:
        who = (f"，其中代表个人提出{w.n(len(by_members), '代表个人提出', '提案人为会员（代表）的提案')}"
               f"，以代表团（组）名义提出{w.n(by_groups, '代表团（组）提出', '提案人为代表团（组）等名义的提案')}")
    else:
        who = f"，提出提案的代表共{proposers}名"
        w.figures.append(Figure("提案人", f"{proposers}名", "提出提案的不同代表人数"))
    if session["held_on"]:
        opening = f"{session['title']}于{date_text(session['held_on'])}召开，共收到代表提案{received}{who}。"
    else:
        opening = f"{session['title']}共收到代表提案{received}{who}。"
    blocks = [Paragraph(opening)]

    reviewed = board.received - board.pending_review
    w.figures.append(Figure("已审查", f"{reviewed}件", f"收到{board.received}件－待审查{board.pending_review}件"))
    split = ""
    if board.split:
        originals = len({r["split_from_id"] for r in rows if r["split_from_id"] is not None})
        split = (f"{w.n(originals, '拆分的提案', '审查中按一事一案拆分的提案（原提案保留）')}提案因涉及多个事项，"
                 f"按一事一案的原则拆分，拆分形成{w.n(board.split, '拆分形成', '由其他提案拆分形成的提案，已计入收到提案')}"
                 "（已计入收到的提案）")
    if reviewed == 0:
        blocks.append(Paragraph(f"提案工作委员会正在审查上述提案，{split}。" if split
                                else "上述提案尚待提案工作委员会审查。"))
    else:
        parts = []
        if is_complete(board.registered, board.received):
            parts.append(f"全部予以立案，立案率为{w.rate('立案率', board.registered, board.received, '立案', '收到提案')}")
            w.n(board.registered, "立案", "审查结果为立案的提案")
        else:
            if board.registered:
                parts.append(f"立案{w.n(board.registered, '立案', '审查结果为立案的提案')}，立案率为"
                             f"{w.rate('立案率', board.registered, board.received, '立案', '收到提案')}")
            if board.not_registered:
                parts.append(f"不予立案{w.n(board.not_registered, '不立案', '审查结果为不立案的提案')}")
            if board.to_suggestions:
                parts.append(f"转为意见和建议{w.n(board.to_suggestions, '转意见建议', '审查结果为转为意见和建议的提案')}")
            if board.merged:
                parts.append(f"因内容相同或相近并入其他提案{w.n(board.merged, '并案', '并入其他立案提案的提案')}")
        if board.pending_review:
            lead = f"提案工作委员会已审查{w.n(reviewed)}："
            tail = f"；另有{w.n(board.pending_review, '待审查', '尚未审查的提案')}尚待审查。"
        else:
            lead, tail = "提案工作委员会对收到的提案逐件进行了审查：", "。"
        blocks.append(Paragraph(lead + "；".join(parts) + tail + (f"审查中，{split}。" if split else "")))

    categories = [c for c in board.by_category if c.received]
    if categories and not (len(categories) == 1 and categories[0].category == "未分类"):
        if len(categories) == 1:
            text = f"从内容看，收到的提案均属于{categories[0].category}方面。"
        else:
            ordered = sorted(categories, key=lambda c: -c.received)  # stable: the list's order on ties
            items = []
            for c in ordered:
                label = "未分类" if c.category == "未分类" else f"{c.category}方面"
                w.figures.append(Figure(f"{label}提案", f"{c.received}件", f"其中立案{c.registered}件"))
                items.append(f"{label}{w.n(c.received)}" + (f"（立案{w.n(c.registered)}）" if c.registered else ""))
            text = f"按内容分类，{'，'.join(items)}。"
        blocks.append(Paragraph(text))
    return Section("提案的提出和审查情况", blocks)


# --- 二、交办和办理 -----------------------------------------------------------------------------------------
def _handling_section(w: _Writer, board: SessionDashboard, registered_rows: list[dict], day: dt.date) -> Section:
    section = Section("提案的交办和办理情况")
    if not board.registered:
        return section
    registered = w.n(board.registered)
    assigned_rows = [r for r in registered_rows if r["round"] is not None]
    assigned = len(assigned_rows)
    w.figures.append(Figure("已交办", f"{assigned}件", f"立案{board.registered}件－待交办{board.to_assign}件"))
    if assigned == 0:
        text = f"立案的{registered}尚待交承办部门办理。"
    else:
        with_co = sum(1 for r in assigned_rows if r["co_departments"])
        co = (f"（其中{w.n(with_co, '有协办部门', '最新一轮办理有协办部门的提案')}由主办部门会同协办部门办理）"
              if with_co else "")
        if board.to_assign == 0:
            text = f"立案的{registered}已全部交承办部门办理{co}"
        else:
            text = (f"立案的{registered}中，已交承办部门办理{w.n(assigned)}{co}，尚有"
                    f"{w.n(board.to_assign, '待交办', '立案后尚未交办的提案')}待交办")
        if all(r["deadline"] for r in assigned_rows):
            text += "；交办的提案均明确了办理期限"
        text += "。"
    blocks = [Paragraph(text)]
    if assigned:
        as_of = f"截至{date_text(day)}，"
        reply_rate = w.rate("答复率", board.replied, board.registered, "已答复", "立案")
        w.n(board.replied, "已答复", "立案提案中最新一轮办理已有答复的")
        if is_complete(board.replied, board.registered):
            text = f"{as_of}立案提案件件有答复，答复率为{reply_rate}。"
        else:
            waiting = w.n(board.in_progress, "办理中", "已交办、最新一轮尚未答复的提案")
            overdue = ""
            if board.overdue:
                late = w.n(board.overdue, "逾期", "办理期限已过仍未答复的提案")
                if board.overdue < board.in_progress:
                    overdue = f"，其中{late}已超过办理期限"
                else:
                    overdue = "，均已超过办理期限" if board.overdue > 1 else "，已超过办理期限"
            if board.replied:
                text = f"{as_of}承办部门已答复{w.n(board.replied)}，答复率为{reply_rate}"
                text += f"；仍在办理中的{waiting}{overdue}。" if board.in_progress else "。"
            else:
                text = f"{as_of}承办部门尚未作出答复，{waiting}正在办理中{overdue}。"
        blocks.append(Paragraph(text))
    section.children.append(Section("交办和答复", blocks))
    section.children.append(_results(w, board, registered_rows))
    section.children.append(_ratings(w, board, registered_rows))
    section.children.append(_departments(w, board))
    return section


def _results(w: _Writer, board: SessionDashboard, registered_rows: list[dict]) -> Section:
    replied_rows = [r for r in registered_rows if r["replied_on"]]
    if not replied_rows:
        return Section("办理结果")
    counts = {result: sum(1 for r in replied_rows if r["result"] == result) for result in RESULTS}
    words = {"已解决": "已经解决", "正在解决": "正在解决", "列入计划": "列入计划", "暂不能解决": "暂不能解决"}
    for result, count in counts.items():
        if count:
            w.figures.append(Figure(f"答复结果：{result}", f"{count}件", "已答复的立案提案按最新一轮的办理结果"))
    replied = w.n(len(replied_rows))
    single = [result for result, count in counts.items() if count == len(replied_rows)]
    if single:
        text = f"从答复内容看，已答复的{replied}均为{words[single[0]]}。"
    else:
        text = f"从答复内容看，已答复的{replied}中，" + "，".join(
            f"{words[result]}{w.n(count)}" for result, count in counts.items() if count) + "。"
    completion = w.rate("办结率", board.completed, board.registered, "办结", "立案")
    w.n(board.completed, "办结", "最新一轮结果为已解决、提案人未表示不满意的立案提案")
    if is_complete(board.completed, board.registered):
        text += f"立案提案已全部办结，办结率为{completion}。"
    elif board.completed:
        text += f"以已经解决且提案人未表示不满意计，办结{w.n(board.completed)}，办结率为{completion}。"
    else:
        text += "目前尚无办结的提案。"
    solved_not_done = counts["已解决"] - board.completed
    if solved_not_done > 0:
        text += f"答复已解决但提案人不满意的{w.n(solved_not_done)}未计入办结。"
    return Section("办理结果", [Paragraph(text)])


def _ratings(w: _Writer, board: SessionDashboard, registered_rows: list[dict]) -> Section:
    blocks = []
    if board.rated:
        rated = w.n(board.rated, "已评价", "提案人已对最新一轮答复作出评价的立案提案")
        rate = w.rate("满意率", board.satisfied + board.fairly_satisfied, board.rated, "满意和基本满意", "已评价")
        parts = [f"{label}{w.n(count, label, '提案人对最新一轮答复的评价')}"
                 for label, count in (("满意", board.satisfied), ("基本满意", board.fairly_satisfied),
                                      ("不满意", board.dissatisfied)) if count]
        if is_complete(board.satisfied + board.fairly_satisfied, board.rated):
            text = f"提案人已对{rated}答复作出评价，均表示满意或基本满意（{'，'.join(parts)}），满意率为{rate}。"
        else:
            text = f"提案人已对{rated}答复作出评价，其中{'，'.join(parts)}，满意率为{rate}。"
        awaiting = board.replied - board.rated
        if awaiting > 0:
            text += f"另有{w.n(awaiting, '待评价', '已答复、提案人尚未评价的立案提案')}答复尚待提案人评价。"
        blocks.append(Paragraph(text))
    second = sum(1 for r in registered_rows if (r["round"] or 0) >= 2)
    if second:
        blocks.append(Paragraph(f"对提案人不满意的答复，已重新交办{w.n(second, '第二轮办理', '最新一轮为第二轮及以后的立案提案')}，"
                                "由承办部门再次办理。"))
    return Section("提案人评价", blocks)


def _departments(w: _Writer, board: SessionDashboard) -> Section:
    departments = [d for d in board.by_department if d.assigned or d.co_assigned]
    if not any(d.assigned for d in departments):
        return Section("各承办部门办理情况")

    def rate(count: int, base: int) -> str:
        return percent_text(count, base) if base else "—"

    rows = [(d.department, str(d.assigned), str(d.co_assigned), str(d.replied), rate(d.replied, d.assigned),
             str(d.completed), rate(d.completed, d.assigned), str(d.rated), rate(d.satisfied, d.rated))
            for d in departments]
    for d in departments:
        if d.assigned:
            w.figures.append(Figure(f"{d.department}答复率", rate(d.replied, d.assigned),
                                    f"已答复{d.replied}件÷主办{d.assigned}件"))
    blocks = [Paragraph("各承办部门主办提案的办理情况见下表。表中答复率、办结率以该部门主办的件数为基数，"
                        "满意率以提案人已评价的件数为基数；协办的提案不计入基数。"),
              Table(DEPARTMENT_HEADER, rows)]
    answered_all = [d.department for d in departments if d.assigned and is_complete(d.replied, d.assigned)]
    late = [d for d in departments if d.overdue]
    sentences = []
    if answered_all and len(answered_all) == sum(1 for d in departments if d.assigned):
        sentences.append("各承办部门主办的提案均已答复")
    elif answered_all:
        sentences.append(f"{'、'.join(answered_all)}主办的提案均已答复")
    if late:
        sentences.append("逾期未答复的提案涉及" + "、".join(f"{d.department}{w.n(d.overdue)}" for d in late))
    if sentences:
        blocks.append(Paragraph("；".join(sentences) + "。"))
    return Section("各承办部门办理情况", blocks)


# --- 三、尚未办结 -------------------------------------------------------------------------------------------
def _unresolved_section(w: _Writer, board: SessionDashboard, registered_rows: list[dict], day: dt.date) -> Section:
    open_rows = [r for r in registered_rows if r["status"] != "已办结"]
    section = Section("尚未办结的提案")
    if not open_rows:
        return section
    groups = [
        ("尚待交办的", [r for r in open_rows if r["status"] == "待交办"], {"department": False}),
        ("正在办理中的", [r for r in open_rows if r["status"] == "办理中" and not r["overdue"]],
         {"deadline": True}),
        ("已超过办理期限仍未答复的", [r for r in open_rows if r["overdue"]], {"deadline": True}),
        ("提案人对答复不满意、尚待重新办理的", [r for r in open_rows if r["status"] == "不满意"], {}),
        ("答复为正在解决的", [r for r in open_rows if r["status"] == "已答复" and r["result"] == "正在解决"], {}),
        ("答复为列入计划的", [r for r in open_rows if r["status"] == "已答复" and r["result"] == "列入计划"], {}),
        ("答复为暂不能解决的", [r for r in open_rows if r["status"] == "已答复" and r["result"] == "暂不能解决"],
         {"reason": True}),
    ]
    listed = {id(r) for _, group, _ in groups for r in group}
    groups.append(("其他尚未办结的", [r for r in open_rows if id(r) not in listed], {}))
    unresolved = w.n(len(open_rows), "尚未办结", f"立案{board.registered}件－办结{board.completed}件")
    lead = f"截至{date_text(day)}，立案的{w.n(board.registered)}中尚未办结的有{unresolved}"
    if not w.options.name_unresolved:
        counts = "，".join(f"{name}{w.n(len(group))}" for name, group, _ in groups if group)
        section.blocks = [Paragraph(f"{lead}，其中{counts}。")]
        return section
    section.blocks = [Paragraph(f"{lead}，分述如下。")]
    for name, group, how in groups:
        if group:
            section.blocks.append(Paragraph(f"{name}{w.n(len(group))}：" + "；".join(_item(r, **how) for r in group)
                                            + "。"))
    return section
