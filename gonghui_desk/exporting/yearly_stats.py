"""The yearly union statistics (工会基本情况统计表, DOMAIN.md §2.2, §5) as a printable .xlsx through
:func:`~gonghui_desk.exporting.xlsx.write_table`: one line per figure — 项目, 单位, 数值, 金额(元) — and the
figure's base in words (说明/统计口径), in four blocks:

* 会员: members on the roll (在册 or 退休) at the period's end, of them 在职 and 退休, women and 农民工; new
  members (入会日期 in the period); the staff count (union.staff_counts) of the end's year and 入会率 =
  在职会员 ÷ that staff count ("—" with the reason when no staff count is entered, or it is below the members).
* 组织: 分工会, 工会小组 and 部门 in the sub-unit tree; the members of each committee (工会委员会, of them women;
  经审委员会; 女职工委员会).
* 送温暖与帮扶: the care visits made (人次, 人, money), the aid paid (户, 人次, money) and, of it, 金秋助学 (students,
  money).
* 民主管理: the congress sessions held in the period, the proposals received and 立案, and 立案率.

Every figure is the summary report's own (:mod:`gonghui_desk.reports.member_sections`,
:mod:`gonghui_desk.care.report_sections`, :mod:`gonghui_desk.hardship.report_sections`,
:mod:`gonghui_desk.congress.report_sections`), counted in SQL with the report's rules (DOMAIN.md §3: voided
records never count, 人 vs 人次 vs 户, money from 分), so the form agrees with the year-end report. The
closing figures are taken on the period's last day, or today when the period has not ended yet. No Qt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from gonghui_desk.care.report_sections import visit_total_stats
from gonghui_desk.congress.report_sections import democracy_facts
from gonghui_desk.documents.wording import date_text, percent_text
from gonghui_desk.exporting.xlsx import Column, write_table
from gonghui_desk.hardship.report_sections import aid_stats, student_stats
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel
from gonghui_desk.reports.builder import report_context
from gonghui_desk.reports.member_sections import end_day, roll_counts, self_stats, staff_count_for
from gonghui_desk.reports.model import ReportRequest, Stat
from gonghui_desk.reports.periods import custom_period
from gonghui_desk.union import load_profile

__all__ = ["NOT_AVAILABLE", "YEARLY_STATS_COLUMNS", "YEARLY_STATS_TITLE", "StatLine", "export_yearly_stats",
           "yearly_stat_lines"]

YEARLY_STATS_TITLE = "工会基本情况统计表"
NOT_AVAILABLE = "—"

YEARLY_STATS_COLUMNS: tuple[Column, ...] = (  # every column wrapped: a tall row's cells stay level
    Column("item", "项目", 24, wrap=True),
    Column("unit", "单位", 6, wrap=True),
    Column("value", "数值", 10, "int", wrap=True),
    Column("money", "金额(元)", 14, "money", wrap=True),
    Column("basis", "说明（统计口径）", 62, wrap=True),
)


@dataclass
class StatLine:
    """One line of the form: a block's heading has only ``item``; ``value`` is a count (or a rate's text, or
    "—"), ``money`` 分 or None; ``key`` names the figure for tests and callers ('' on headings)."""

    item: str
    unit: str = ""
    value: int | str | None = None
    money: int | None = None
    basis: str = ""
    key: str = ""

    def as_record(self) -> dict:
        return {"item": self.item, "unit": self.unit, "value": self.value, "money": self.money, "basis": self.basis}


def _iso(day: dt.date | str) -> str:
    return day if isinstance(day, str) else day.isoformat()


def _by_key(stats: list[Stat]) -> dict[str, Stat]:
    return {s.key: s for s in stats if s is not None}


def _line(key: str, item: str, stat: Stat | None, *, unit: str = "", money: Stat | None = None,
          basis: str = "") -> StatLine:
    value = stat.value if stat is not None else 0
    return StatLine(item, unit or (stat.unit if stat is not None else ""), value,
                    money.value if money is not None else None,
                    basis or (stat.basis if stat is not None else ""), key)


def yearly_stat_lines(db: sqlite_utils.Database, date_from: dt.date | str, date_to: dt.date | str, *,
                      today: dt.date | None = None, is_cancelled: IsCancelled | None = None) -> list[StatLine]:
    """The form's lines for the period (both days inclusive), headings included; see the module text."""
    today = today or dt.date.today()
    ctx = report_context(db, ReportRequest("annual", custom_period(_iso(date_from), _iso(date_to))), today)
    words = ctx.vocabulary
    end = end_day(ctx)
    s = _by_key(self_stats(ctx))
    check_cancel(is_cancelled)
    at_end = roll_counts(ctx, end)
    lines = [StatLine("一、会员")]
    lines += [
        _line("members", "会员总数", s["self.members_end"]),
        _line("working", "　其中：在职会员", s["self.working_end"]),
        _line("retired", "　　　　退休会员", s["self.retired_end"]),
        _line("women", "　其中：女会员", s["self.women_end"]),
        _line("migrant", "　其中：农民工会员", s["self.migrant_end"]),
        _line("joined", "新入会会员", s["self.joined"]),
    ]
    found = staff_count_for(ctx)
    if found is None:
        year = int(end[:4])
        lines.append(StatLine(f"{words.staff}人数", "人", NOT_AVAILABLE, None,
                              f"工会信息中未登记{year}年（或{year - 1}年）的{words.staff}人数", "staff"))
        lines.append(StatLine("入会率", "%", NOT_AVAILABLE, None,
                              f"未登记{words.staff}人数，无法计算（入会率＝在职会员÷{words.staff}人数）", "membership_rate"))
    else:
        year, staff = found
        lines.append(StatLine(f"{words.staff}人数", "人", staff, None, f"工会信息中登记的{year}年{words.staff}人数",
                              "staff"))
        if at_end.working <= staff:
            rate = percent_text(at_end.working, staff) if staff else NOT_AVAILABLE
            basis = (f"在职会员{at_end.working}人÷{year}年{words.staff}{staff}人＝{rate}"
                     f"（截至{date_text(end)}；退休会员不计）")
        else:
            rate = NOT_AVAILABLE
            basis = (f"在职会员{at_end.working}人多于登记的{year}年{words.staff}人数{staff}人，"
                     f"请核对{words.staff}人数")
        lines.append(StatLine("入会率", "%", rate, None, basis, "membership_rate"))

    lines.append(StatLine("二、组织"))
    lines += [
        _line("branch_unions", "分工会", s["self.branch_unions"]),
        _line("groups", "工会小组", s["self.groups"]),
        _line("departments", "部门", s["self.departments"]),
        _line("committee", "工会委员会委员", s["self.committee"]),
        _line("committee_women", "　其中：女委员", s["self.committee_women"]),
        _line("audit_committee", "经审委员会委员", s["self.audit_committee"]),
        _line("women_committee", "女职工委员会委员", s["self.women_committee"]),
    ]
    check_cancel(is_cancelled)

    v = _by_key(visit_total_stats(ctx, "visits"))
    a = _by_key(aid_stats(ctx, "aid"))
    g = _by_key(student_stats(ctx, "student"))
    lines.append(StatLine("三、送温暖与帮扶"))
    lines += [
        _line("visit_times", "走访慰问", v["visits.times"], money=v["visits.money"],
              basis=v["visits.times"].basis + "；金额为慰问金与慰问品价值之和"),
        _line("visit_persons", "　慰问人数（不重复计人）", v["visits.persons"]),
        _line("aid_households", "困难职工帮扶", a["aid.households"], money=a["aid.money"],
              basis=a["aid.households"].basis + "；金额为帮扶金额与物资价值之和"),
        _line("aid_times", "　帮扶人次", a["aid.times"]),
        _line("golden_autumn", "　其中：金秋助学资助学生", g["student.students"], money=g["student.money"]),
    ]
    check_cancel(is_cancelled)

    facts = democracy_facts(ctx)
    board = facts.total
    lines.append(StatLine("四、民主管理"))
    sessions_basis = f"会议日期在{date_text(ctx.period.date_from)}至{date_text(ctx.period.date_to)}的{words.congress_short}会议"
    lines += [
        StatLine(f"召开{words.congress_short}会议", "次", len(facts.sessions), None, sessions_basis, "sessions"),
        StatLine("收到提案", "件", board.received, None, "上述会议收到的提案（不含已作废的，含并案和拆分形成的）",
                 "proposals_received"),
        StatLine("立案", "件", board.registered, None, "上述提案中审查结果为立案的", "proposals_registered"),
        StatLine("立案率", "%", percent_text(board.registered, board.received) if board.received else NOT_AVAILABLE,
                 None, (f"立案{board.registered}件÷收到提案{board.received}件" if board.received
                        else "没有收到提案，无法计算"), "filing_rate"),
    ]
    return lines


def export_yearly_stats(db: sqlite_utils.Database, path: str | Path, date_from: dt.date | str,
                        date_to: dt.date | str, *, subtitle: str = "", prepared_by: str = "",
                        today: dt.date | None = None, progress: Progress | None = None,
                        is_cancelled: IsCancelled | None = None) -> int:
    """Write the 工会基本情况统计表 of the period to ``path``; returns the number of lines."""
    today = today or dt.date.today()
    lines = yearly_stat_lines(db, date_from, date_to, today=today, is_cancelled=is_cancelled)
    end = min(_iso(date_to), today.isoformat())
    notes = [f"说明：会员、组织的数字为{end}的时点数；新入会、慰问、帮扶、会议和提案为统计期间内的数字；"
             "作废的记录不计；人为不重复的人数，人次为记录条数，户为家庭数；金额单位为元。"]
    return write_table(
        path, title=YEARLY_STATS_TITLE, union_name=load_profile(db).name, today=today,
        subtitle=subtitle or f"统计期间：{_iso(date_from)} 至 {_iso(date_to)}", columns=YEARLY_STATS_COLUMNS,
        rows=[line.as_record() for line in lines], total_lines=notes, landscape=False, prepared_by=prepared_by,
        progress=progress, is_cancelled=is_cancelled, total=len(lines))
