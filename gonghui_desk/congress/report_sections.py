"""The report section ``democracy`` — 民主管理 (order 20; DOMAIN.md §2.8, §3, §4): the congress sessions
(职代会/教代会) held in the period with their delegates, and their proposals — received, the review (立案 with
立案率), the handling as of today (答复率, 办结率, 满意率, each with its base), and the categories.

Figures come from the congress register: :func:`~gonghui_desk.congress.register.session_dashboard` for
every count and rate (so the section agrees with the proposals page and the 提案办理情况报告), summed over
the sessions held in the period (``held_on`` in the period; sessions without a date are not placed in any
period); :meth:`~gonghui_desk.congress.store.CongressStore.delegate_counts` for the 正式/列席 delegates
serving on the session's day. The proposals are those of these sessions; their handling is counted as
recorded today (the text says "截至<today>"). Open affairs (厂务/校务/院务公开) cannot be counted from the
records: the section leaves a prompt in brackets for the officer, never a claim.

The heading follows the union's words: "加强民主管理，推进校务公开" for a school, 厂务公开 for a company…
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from gonghui_desk.congress.register import (UNCATEGORISED, ProposalFilter, SessionDashboard, iter_proposals,
                                            session_dashboard)
from gonghui_desk.congress.report import DEPARTMENT_HEADER
from gonghui_desk.congress.store import ATTENDING, FORMAL, CongressStore, serving_sql, session_title
from gonghui_desk.documents import ChartSpec, Paragraph, Section, Table
from gonghui_desk.documents.wording import date_text, is_complete, percent_text
from gonghui_desk.events.report_sections import compare_text, period_text, rate_stat, when, write_rate
from gonghui_desk.reports.model import ReportContext, SectionSpec, Stat
from gonghui_desk.reports.sections import register_section
from gonghui_desk.reports.text import MarkedText, count_phrase

__all__ = ["DEMOCRACY", "democracy_appendix", "democracy_facts", "democracy_stats", "democracy_title",
           "write_democracy"]

P = "democracy.proposals"
REPLIED = ("已答复", "不满意", "已办结")  # statuses of a 立案 proposal whose latest round has a reply


@dataclass
class DemocracyFacts:
    sessions: list[dict]  # held in the period, by date: id, title, held_on, kind, term_id, formal, attending
    boards: list[SessionDashboard]
    total: SessionDashboard  # the boards summed (rates on the sums)
    proposals: list[dict] = field(default_factory=list)  # the sessions' live proposals (proposal_rows shape)
    delegate_ids: dict[tuple[int, str], list[int]] = field(default_factory=dict)  # (session, role) -> delegates


def _sum_boards(boards: list[SessionDashboard]) -> SessionDashboard:
    total = SessionDashboard(0)
    counts = ("received", "pending_review", "registered", "not_registered", "to_suggestions", "merged", "split",
              "to_assign", "in_progress", "replied", "completed", "satisfied", "fairly_satisfied", "dissatisfied",
              "rated", "overdue")
    categories: dict[str, object] = {}
    departments: dict[str, object] = {}
    for board in boards:
        total.today = board.today
        for name in counts:
            setattr(total, name, getattr(total, name) + getattr(board, name))
        for row in board.by_category:
            _add_row(categories, row.category, row)
        for row in board.by_department:
            _add_row(departments, row.department, row)
    total.by_category = list(categories.values())
    total.by_department = list(departments.values())
    return total


def _add_row(rows: dict, key: str, row) -> None:
    """Sum a CategoryRow/DepartmentRow into ``rows`` (the first seen keeps its order)."""
    if key not in rows:
        rows[key] = type(row)(key)
    kept = rows[key]
    for name, value in vars(row).items():
        if isinstance(value, int) and not isinstance(value, bool):
            setattr(kept, name, getattr(kept, name) + value)


def democracy_facts(ctx: ReportContext) -> DemocracyFacts:
    key = ("congress.democracy", ctx.period.date_from, ctx.period.date_to, ctx.today.isoformat())
    if key in ctx.cache:
        return ctx.cache[key]
    db = ctx.db
    sessions = list(db.query(
        """SELECT s.id, s.number, s.kind, s.held_on, s.term_id, t.number AS term_number
           FROM congress_sessions s JOIN congress_terms t ON t.id = s.term_id
           WHERE s.voided_at IS NULL AND t.voided_at IS NULL AND s.held_on >= ? AND s.held_on <= ?
           ORDER BY s.held_on, t.number, s.number, s.id""", [ctx.period.date_from, ctx.period.date_to]))
    store = CongressStore(db, today=ctx.today)
    facts = DemocracyFacts(sessions, [], SessionDashboard(0))
    for session in sessions:
        session["title"] = session_title(session["term_number"], session["number"], session["kind"])
        counts = store.delegate_counts(session["id"])
        session["formal"], session["attending"] = counts.formal, counts.attending
        for role in (FORMAL, ATTENDING):  # the ids as one JSON array, not a row each
            facts.delegate_ids[(session["id"], role)] = sorted(json.loads(db.execute(
                f"""SELECT json_group_array(d.id) FROM congress_delegates d
                    JOIN members m ON m.id = d.member_id AND m.voided_at IS NULL
                    WHERE d.term_id = ? AND d.voided_at IS NULL AND d.role = ? AND {serving_sql('d')}""",
                [session["term_id"], role, session["held_on"], session["held_on"]]).fetchone()[0]))
        facts.boards.append(session_dashboard(db, session["id"], ctx.today))
        facts.proposals += iter_proposals(db, ProposalFilter(session_id=session["id"]), today=ctx.today)
    facts.total = _sum_boards(facts.boards)
    ctx.cache[key] = facts
    return facts


def _ids(rows) -> tuple[int, ...]:
    return tuple(sorted(r["id"] for r in rows))


def democracy_stats(ctx: ReportContext) -> list[Stat]:
    facts = democracy_facts(ctx)
    period, board, rows = period_text(ctx.period), facts.total, facts.proposals
    as_of = f"，办理情况截至{date_text(ctx.today)}"
    of_sessions = f"{period}召开的{ctx.vocabulary.congress_short}会议收到的提案（不含已作废的）"
    stats = [Stat("democracy.sessions", f"召开{ctx.vocabulary.congress_short}会议", len(facts.sessions), "次",
                  f"会议日期在{period}的{ctx.vocabulary.congress_short}会议（不含已作废的）", "congress_sessions",
                  _ids(facts.sessions))]
    for i, session in enumerate(facts.sessions, 1):
        for role, name in ((FORMAL, "formal"), (ATTENDING, "attending")):
            ids = facts.delegate_ids[(session["id"], role)]
            stats.append(Stat(f"democracy.session.{i}.{name}", f"{session['title']}{role}", len(ids), "人",
                              f"{session['title']}召开当日（{date_text(session['held_on'])}）在任的本届{role}",
                              "congress_delegates", tuple(ids)))
    if not board.received:
        return stats
    registered = [r for r in rows if r["review"] == "立案"]
    replied = [r for r in registered if r["status"] in REPLIED]
    completed = [r for r in registered if r["status"] == "已办结"]
    rated = [r for r in registered if r["rating"]]
    satisfied = [r for r in rated if r["rating"] in ("满意", "基本满意")]
    stats += [
        Stat(f"{P}.received", "收到代表提案", board.received, "件", of_sessions + "，含并案和拆分形成的", "proposals", _ids(rows)),
        Stat(f"{P}.registered", "立案", board.registered, "件", of_sessions + "中审查结果为立案的", "proposals",
             _ids(registered)),
    ]
    stats.append(rate_stat(f"{P}.filing_rate", "立案率", board.registered, board.received, "件", "立案", "收到提案",
                           "proposals", _ids(registered)))
    for name, label, value, review in (("not_registered", "不立案", board.not_registered, "不立案"),
                                       ("to_suggestions", "转为意见和建议", board.to_suggestions, "转意见建议"),
                                       ("merged", "并案", board.merged, "并案"),
                                       ("pending_review", "待审查", board.pending_review, "")):
        if value:
            stats.append(Stat(f"{P}.{name}", label, value, "件", of_sessions + f"中审查结果为{label}的"
                              if review else of_sessions + "中尚未审查的", "proposals",
                              _ids(r for r in rows if r["review"] == review)))
    if board.split:
        stats.append(Stat(f"{P}.split", "拆分形成", board.split, "件", of_sessions + "中审查时按一事一案拆分形成的",
                          "proposals", _ids(r for r in rows if r["split_from_id"] is not None)))
    if board.registered:
        stats += [
            Stat(f"{P}.replied", "已答复", board.replied, "件", "立案提案中最新一轮办理已有答复的" + as_of, "proposals",
                 _ids(replied)),
            rate_stat(f"{P}.reply_rate", "答复率", board.replied, board.registered, "件", "已答复", "立案",
                      "proposals", _ids(replied)),
            Stat(f"{P}.completed", "办结", board.completed, "件",
                 "立案提案中最新一轮结果为已解决、提案人未表示不满意的" + as_of, "proposals", _ids(completed)),
            rate_stat(f"{P}.completion_rate", "办结率", board.completed, board.registered, "件", "办结", "立案",
                      "proposals", _ids(completed)),
        ]
        for name, label, value, status in (("in_progress", "办理中", board.in_progress, "办理中"),
                                           ("to_assign", "待交办", board.to_assign, "待交办")):
            if value:
                stats.append(Stat(f"{P}.{name}", label, value, "件", f"立案提案中状态为{label}的" + as_of, "proposals",
                                  _ids(r for r in registered if r["status"] == status)))
        if board.overdue:
            stats.append(Stat(f"{P}.overdue", "逾期未答复", board.overdue, "件",
                              f"立案提案中最新一轮超过办理期限仍未答复的（按{date_text(ctx.today)}判断）", "proposals",
                              _ids(r for r in registered if r["overdue"])))
    if board.rated:
        good = board.satisfied + board.fairly_satisfied
        stats += [
            Stat(f"{P}.rated", "已评价", board.rated, "件", "提案人已对最新一轮答复作出评价的立案提案" + as_of,
                 "proposals", _ids(rated)),
            Stat(f"{P}.satisfied", "满意和基本满意", good, "件", "提案人评价为满意或基本满意的立案提案" + as_of,
                 "proposals", _ids(satisfied)),
            rate_stat(f"{P}.satisfaction_rate", "满意率", good, board.rated, "件", "满意和基本满意", "已评价",
                      "proposals", _ids(satisfied)),
        ]
    for row in board.by_category:
        if row.received:
            category = "" if row.category == UNCATEGORISED else row.category
            stats.append(Stat(f"{P}.category:{row.category}", f"{row.category}提案", row.received, "件",
                              of_sessions + f"中类别为“{row.category}”的", "proposals",
                              _ids(r for r in rows if r["category"] == category)))
    return stats


# --- text ------------------------------------------------------------------------------------------------
def _sessions_paragraph(ctx: ReportContext, s: dict[str, Stat], facts: DemocracyFacts) -> Paragraph:
    mt = MarkedText(ctx.options)
    sessions = facts.sessions

    def delegates(i: int, lead: str) -> None:
        formal, attending = s[f"democracy.session.{i}.formal"], s[f"democracy.session.{i}.attending"]
        if not formal.value and not attending.value:
            return
        mt.add(lead)
        if formal.value:
            mt.add("正式代表").figure(formal, count_phrase(formal.value, "名", ctx.options))
        if attending.value:
            mt.add("、" if formal.value else "").add("列席代表").figure(attending,
                                                                       count_phrase(attending.value, "名", ctx.options))

    if len(sessions) == 1:
        session = sessions[0]
        mt.add(f"{date_text(session['held_on'])}，召开{session['title']}")
        delegates(1, "，会议召开时本届在任")
        mt.add("。")
    else:
        mt.add(f"{when(ctx)}共召开{ctx.vocabulary.congress_short}会议").figure(s["democracy.sessions"])
        mt.add("：")
        for i, session in enumerate(sessions, 1):
            mt.add(("；" if i > 1 else "") + f"{date_text(session['held_on'])}召开{session['title']}")
            before = len(mt.text)
            delegates(i, "（在任")
            if len(mt.text) != before:
                mt.add("）")
        mt.add("。")
    mt.add("【请补充：会议听取和审议的报告、通过的决议和其他主要议程。】")
    return mt.paragraph()


def _review_paragraph(ctx: ReportContext, s: dict[str, Stat], facts: DemocracyFacts,
                      previous: list[Stat] | None) -> Paragraph:
    board = facts.total
    mt = MarkedText(ctx.options)
    received, registered = s[f"{P}.received"], s.get(f"{P}.registered")
    mt.add("会议共收到代表提案" if len(facts.sessions) == 1 else "各次会议共收到代表提案").figure(received)
    if f"{P}.split" in s:
        mt.add("（其中审查时按一事一案拆分形成").figure(s[f"{P}.split"]).add("）")
    reviewed = board.received - board.pending_review
    if reviewed == 0:
        mt.add("，尚待提案工作委员会审查。")
    elif is_complete(board.registered, board.received):
        mt.add("，经提案工作委员会逐件审查，全部予以立案，立案率为")
        write_rate(mt, s[f"{P}.filing_rate"], registered, received, "立案", "收到提案")
        mt.add("。")
    else:
        mt.add("。经提案工作委员会审查，")
        if board.registered:
            mt.add("立案").figure(registered).add("，立案率为")
            write_rate(mt, s[f"{P}.filing_rate"], registered, received, "立案", "收到提案")
        others = [(words, s[f"{P}.{name}"]) for name, words in (
            ("not_registered", "不予立案"), ("to_suggestions", "转为意见和建议"),
            ("merged", "因内容相同或相近并入其他提案")) if f"{P}.{name}" in s]
        for i, (words, stat) in enumerate(others):
            mt.add(("；" if board.registered else "") if i == 0 else "，")
            mt.add(words).figure(stat)
        if f"{P}.pending_review" in s:
            mt.add("；另有").figure(s[f"{P}.pending_review"]).add("尚待审查")
        mt.add("。")
    compare = compare_text(ctx, s, previous, [(f"{P}.received", "收到提案"), (f"{P}.registered", "立案")])
    if compare:
        mt.extend(compare)
    return mt.paragraph()


def _handling_paragraph(ctx: ReportContext, s: dict[str, Stat], facts: DemocracyFacts) -> Paragraph | None:
    board = facts.total
    if not board.registered:
        return None
    registered = s[f"{P}.registered"]
    mt = MarkedText(ctx.options)
    mt.add(f"截至{date_text(ctx.today)}，")
    replied, completed = s[f"{P}.replied"], s[f"{P}.completed"]
    if is_complete(board.replied, board.registered):
        mt.add("立案提案件件有答复，答复率为")
        write_rate(mt, s[f"{P}.reply_rate"], replied, registered, "已答复", "立案")
    elif board.replied:
        mt.add("承办部门已答复").figure(replied).add("，答复率为")
        write_rate(mt, s[f"{P}.reply_rate"], replied, registered, "已答复", "立案")
    else:
        mt.add("立案的").figure(registered).add("提案尚在交办和办理中，还没有答复")
    if is_complete(board.completed, board.registered):
        mt.add("；立案提案已全部办结，办结率为")
        write_rate(mt, s[f"{P}.completion_rate"], completed, registered, "办结", "立案")
    elif board.completed:
        mt.add("；已办结").figure(completed).add("，办结率为")
        write_rate(mt, s[f"{P}.completion_rate"], completed, registered, "办结", "立案")
    if board.rated:
        rated, good = s[f"{P}.rated"], s[f"{P}.satisfied"]
        if is_complete(good.value, rated.value):
            mt.add("；提案人已评价的").figure(rated).add("答复均为满意或基本满意，满意率为")
        else:
            mt.add("；提案人已评价").figure(rated).add("，其中满意和基本满意").figure(good).add("，满意率为")
        write_rate(mt, s[f"{P}.satisfaction_rate"], good, rated, "满意和基本满意", "已评价")
    mt.add("。")
    if f"{P}.overdue" in s:
        mt.add("尚有").figure(s[f"{P}.overdue"]).add("提案已超过办理期限仍未答复。")
    return mt.paragraph()


def _category_paragraph(ctx: ReportContext, s: dict[str, Stat]) -> Paragraph | None:
    categories = sorted((st for st in s.values() if st.key.startswith(f"{P}.category:")), key=lambda st: -st.value)
    named = [st for st in categories if not st.key.endswith(f":{UNCATEGORISED}")]
    if not named:
        return None
    mt = MarkedText(ctx.options)
    if len(categories) == 1:
        mt.add(f"从内容看，提案均属于{named[0].key.split(':', 1)[1]}方面。")
        return mt.paragraph()
    mt.add("从内容看，")
    for i, st in enumerate(categories):
        category = st.key.split(":", 1)[1]
        mt.add(("、" if i else "") + (category if category in (UNCATEGORISED, "其他") else f"{category}方面")).figure(st)
    mt.add("。")
    return mt.paragraph()


def _open_affairs_prompt(ctx: ReportContext) -> Paragraph:
    words = ctx.vocabulary.open_affairs
    return Paragraph(f"【请填写：{words}工作情况，如公开的事项、形式和次数，以及民主评议、集体协商等其他民主管理工作；"
                     "没有的请删除本段。】")


def write_democracy(ctx: ReportContext, stats: list[Stat], previous: list[Stat] | None) -> Section:
    s = {st.key: st for st in stats}
    facts = democracy_facts(ctx)
    section = Section(democracy_title(ctx))
    if not s["democracy.sessions"].value:
        section.blocks = [Paragraph(f"【本期没有{ctx.vocabulary.congress_short}会议的记录。如召开了会议或开展了"
                                    "民主管理工作，请在此填写；否则请删除本部分。】"), _open_affairs_prompt(ctx)]
        return section
    blocks = [_sessions_paragraph(ctx, s, facts)]
    if f"{P}.received" in s:
        blocks.append(_review_paragraph(ctx, s, facts, previous))
        for paragraph in (_handling_paragraph(ctx, s, facts), _category_paragraph(ctx, s)):
            if paragraph is not None:
                blocks.append(paragraph)
    blocks.append(_open_affairs_prompt(ctx))
    section.blocks = blocks
    return section


def democracy_title(ctx: ReportContext) -> str:
    return f"加强民主管理，推进{ctx.vocabulary.open_affairs}"


# --- appendix --------------------------------------------------------------------------------------------
def _rate(count: int, base: int) -> str:
    return percent_text(count, base) if base else "—"


def democracy_appendix(ctx: ReportContext, stats: list[Stat]) -> list[Table]:
    facts = democracy_facts(ctx)
    if not facts.sessions:
        return []
    tables = [Table(("会议", "召开日期", "正式代表", "列席代表", "收到提案", "立案", "已答复", "办结"),
                    [(session["title"], date_text(session["held_on"]), str(session["formal"]),
                      str(session["attending"]), str(board.received), str(board.registered), str(board.replied),
                      str(board.completed))
                     for session, board in zip(facts.sessions, facts.boards)])]
    total = facts.total
    categories = [c for c in total.by_category if c.received]
    if categories:
        tables.append(Table(("提案类别", "收到", "立案", "立案率", "已答复", "答复率", "办结", "办结率"),
                            [(c.category, str(c.received), str(c.registered), _rate(c.registered, c.received),
                              str(c.replied), _rate(c.replied, c.registered), str(c.completed),
                              _rate(c.completed, c.registered)) for c in categories],
                            ChartSpec(1, "各类别提案件数")))
    departments = [d for d in total.by_department if d.assigned or d.co_assigned]
    if departments:
        tables.append(Table(DEPARTMENT_HEADER,
                            [(d.department, str(d.assigned), str(d.co_assigned), str(d.replied),
                              _rate(d.replied, d.assigned), str(d.completed), _rate(d.completed, d.assigned),
                              str(d.rated), _rate(d.satisfied, d.rated)) for d in departments]))
    return tables


DEMOCRACY = register_section(SectionSpec(
    key="democracy", title="民主管理", order=20, stats=democracy_stats, write=write_democracy,
    appendix=democracy_appendix, title_for=democracy_title, headline=("democracy.sessions", f"{P}.received")))
