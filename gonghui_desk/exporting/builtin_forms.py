"""The built-in upstream forms (DOMAIN.md §5): every spreadsheet the upstream union asks for, by name.

:data:`BUILTIN_FORMS` lists them in the order a page or ``gonghui-desk export --list`` shows them; each
:class:`BuiltinForm` has a command-line ``name`` (an English slug), a Chinese ``title`` and one-line
``description``, whether it covers a period (``needs_period``) and :meth:`BuiltinForm.write`, which writes the
.xlsx and returns its path. :func:`find_form` finds a form by its slug or its Chinese title.

Every form is written by :func:`~gonghui_desk.exporting.xlsx.write_table`, so they all look the same: the
title, the union's name and 制表日期, the period (or the scope of a list of the current state) above the
header row; 制表人/审核人/日期 below; IDs and phone numbers as text; A4, fitted to the page width, the header
repeated on every printed page; no formula from anything a user typed. ID and phone numbers are masked unless
``write(…, full_numbers=True)`` asks for them in full, which writes an 'unmask' row to the change log
(:func:`gonghui_desk.privacy.record_unmask`; :attr:`BuiltinForm.sensitive` names the forms holding such
numbers). Where the app already had the form's export it is used as it is (会员花名册, 困难职工花名册, 荣誉名单,
and the 提案汇总表 of one session); the others live in :mod:`~gonghui_desk.exporting.member_forms`,
:mod:`~gonghui_desk.exporting.care_statistics`, :mod:`~gonghui_desk.exporting.golden_autumn`,
:mod:`~gonghui_desk.exporting.period_awards` and :mod:`~gonghui_desk.exporting.yearly_stats`.

A period is two days, both inclusive (dates or ISO text); without one, the current calendar year
(:func:`resolve_period`, ``today`` injectable). Forms of the current state (the roster, the hardship register)
ignore the period. ``progress(done, total, text)`` and ``is_cancelled()`` are the usual job contract
(:mod:`gonghui_desk.jobs`); a cancelled or failed export leaves no file behind. No Qt.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import sqlite_utils

from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.errors import UserError
from gonghui_desk.jobs import IsCancelled, Progress

__all__ = ["BUILTIN_FORMS", "BuiltinForm", "FormPeriod", "default_period", "find_form", "form_names",
           "resolve_period"]


@dataclass(frozen=True)
class FormPeriod:
    """The days a form covers, both inclusive, and how its subtitle names them."""

    start: dt.date
    end: dt.date
    label: str  # "2026年", "2026年上半年", "2026年3月1日至8月31日"

    @property
    def text(self) -> str:
        """"2026年（2026-01-01 至 2026-12-31）"."""
        return f"{self.label}（{self.start.isoformat()} 至 {self.end.isoformat()}）"


@dataclass(frozen=True)
class _Job:
    """What a form's writer gets: the database, the file, the period (already resolved), who prepared it,
    today, and the job callbacks."""

    db: sqlite_utils.Database
    path: Path
    period: FormPeriod
    prepared_by: str
    today: dt.date
    progress: Progress | None
    is_cancelled: IsCancelled | None
    full_numbers: bool = False

    @property
    def mask_personal(self) -> bool:
        return not self.full_numbers

    @property
    def common(self) -> dict:
        return {"prepared_by": self.prepared_by, "today": self.today, "progress": self.progress,
                "is_cancelled": self.is_cancelled}

    @property
    def as_of(self) -> dt.date:
        """The day a form of the roll is taken on: the period's last day, or today when that is later."""
        return min(self.period.end, self.today)


@dataclass(frozen=True)
class BuiltinForm:
    """One built-in form. ``write(db, path, …)`` writes it to ``path`` (.xlsx) and returns the path."""

    name: str  # the command-line name: roster, member-info, …
    title: str  # 会员花名册 …
    description: str  # one line, in Chinese
    needs_period: bool  # False: a list of the current state; the period is ignored
    writer: Callable[[_Job], int]
    sensitive: tuple[str, ...] = ()  # the ID/phone/bank numbers it holds (masked unless asked): "身份证号"…
    table: str = "members"  # the records it lists, for the change log

    def write(self, db: sqlite_utils.Database, path: str | Path, *, period_start: dt.date | str | None = None,
              period_end: dt.date | str | None = None, prepared_by: str = "", is_cancelled: IsCancelled | None = None,
              progress: Progress | None = None, today: dt.date | None = None, full_numbers: bool = False) -> Path:
        """Write the form to ``path`` and return it. Without a period, the current calendar year (of ``today``).
        ID and phone numbers are masked unless ``full_numbers``; a form written with them in full is recorded in
        the change log. Raises :class:`~gonghui_desk.errors.UserError` for a bad period or an unwritable file and
        :class:`~gonghui_desk.errors.Cancelled` when cancelled (no file is left behind then)."""
        today = today or dt.date.today()
        path = Path(path)
        period = resolve_period(period_start, period_end, today=today)
        full_numbers = bool(full_numbers and self.sensitive)
        count = self.writer(_Job(db, path, period, prepared_by.strip(), today, progress, is_cancelled, full_numbers))
        if full_numbers:
            from gonghui_desk.privacy import record_unmask

            record_unmask(db, output=f"导出{self.title}", fields=self.sensitive, count=count, target=path,
                          table=self.table)
        return path

    def default_file_name(self, period_start: dt.date | str | None = None, period_end: dt.date | str | None = None,
                          *, today: dt.date | None = None) -> str:
        """"2026年会员信息采集表.xlsx"; a form of the current state: "会员花名册-20261122.xlsx"."""
        today = today or dt.date.today()
        name = self.title.replace("/", "、")
        if not self.needs_period:
            return f"{name}-{today:%Y%m%d}.xlsx"
        period = resolve_period(period_start, period_end, today=today)
        return f"{period.label.replace('/', '-')}{name}.xlsx"


# --- periods -----------------------------------------------------------------------------------------------
def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The current calendar year: (1 January, 31 December) of ``today``'s year."""
    year = (today or dt.date.today()).year
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _day(value: dt.date | str | None, what: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return parse_date(value, allow_serial=False)
    except DateParseError:
        raise UserError(f"{what}“{value}”不是日期（应为 2026-01-31 这样的形式）") from None


def resolve_period(period_start: dt.date | str | None = None, period_end: dt.date | str | None = None, *,
                   today: dt.date | None = None) -> FormPeriod:
    """The period of a form: both days as given; a missing start is 1 January of the end's year, a missing end
    31 December of the start's year; neither: the current calendar year. Raises UserError for a date that is
    not one, or a start after the end."""
    from gonghui_desk.reports.periods import custom_period

    start, end = _day(period_start, "开始日期"), _day(period_end, "结束日期")
    if start is None and end is None:
        start, end = default_period(today)
    elif start is None:
        start = dt.date(end.year, 1, 1)
    elif end is None:
        end = dt.date(start.year, 12, 31)
    if start > end:
        raise UserError(f"开始日期（{start.isoformat()}）晚于结束日期（{end.isoformat()}）")
    return FormPeriod(start, end, custom_period(start, end).label)


# --- the forms' writers ------------------------------------------------------------------------------------
def _roster(job: _Job) -> int:
    from gonghui_desk.db.member_queries import MemberFilter
    from gonghui_desk.exporting.member_roster import export_roster

    return export_roster(job.db, job.path, MemberFilter(status=("在册", "退休")), mask_personal=job.mask_personal,
                         **job.common)


def _member_info(job: _Job) -> int:
    from gonghui_desk.exporting.member_forms import export_member_info

    day = job.as_of.isoformat()
    return export_member_info(job.db, job.path, day, subtitle=f"截至 {day} 在册的会员（含退休会员）",
                              mask_personal=job.mask_personal, **job.common)


def _new_members(job: _Job) -> int:
    from gonghui_desk.exporting.member_forms import export_new_members

    return export_new_members(job.db, job.path, job.period.start, job.period.end,
                              subtitle=f"入会日期：{job.period.text}", mask_personal=job.mask_personal, **job.common)


def _hardship_roster(job: _Job) -> int:
    from gonghui_desk.exporting.hardship_register import export_hardship_register
    from gonghui_desk.hardship.register import FileFilter

    return export_hardship_register(job.db, job.path, FileFilter(status=("在档",)), mask_personal=job.mask_personal,
                                    **job.common)


def _care_payments(job: _Job) -> int:
    from gonghui_desk.exporting.care_statistics import export_care_statistics

    return export_care_statistics(job.db, job.path, job.period.start, job.period.end,
                                  subtitle=f"统计期间：{job.period.text}", **job.common)


def _golden_autumn(job: _Job) -> int:
    from gonghui_desk.exporting.golden_autumn import export_golden_autumn

    return export_golden_autumn(job.db, job.path, job.period.start, job.period.end,
                                subtitle=f"发放日期：{job.period.text}", **job.common)


def _proposals(job: _Job) -> int:
    """The 提案汇总表 of the congress sessions held in the period: one session's is the proposals page's own
    export (with the session's dashboard under it); several sessions' proposals follow each other, each
    session's totals under the table; none: an empty table that says so."""
    from gonghui_desk.congress.register import ProposalFilter, session_dashboard
    from gonghui_desk.congress.store import session_title
    from gonghui_desk.exporting.proposals import (SUMMARY_COLUMNS, SUMMARY_TITLE, export_proposal_summary,
                                                  summary_records, summary_totals_lines)
    from gonghui_desk.exporting.xlsx import write_table
    from gonghui_desk.union import load_profile

    db, period = job.db, job.period
    sessions = db.execute(
        """SELECT s.id, t.number, s.number, s.kind FROM congress_sessions s JOIN congress_terms t ON t.id = s.term_id
           WHERE s.voided_at IS NULL AND t.voided_at IS NULL AND s.held_on BETWEEN ? AND ?
           ORDER BY s.held_on, t.number, s.number, s.id""",
        [period.start.isoformat(), period.end.isoformat()]).fetchall()
    if len(sessions) == 1:
        return export_proposal_summary(db, job.path, ProposalFilter(session_id=sessions[0][0]), **job.common)
    profile = load_profile(db)
    titles = [session_title(term, number, kind) for _id, term, number, kind in sessions]
    lines: list[str] = []
    for (session_id, *_rest), title in zip(sessions, titles):
        lines.append(f"【{title}】")
        lines += summary_totals_lines(session_dashboard(db, session_id, today=job.today))
    if not sessions:
        lines.append(f"本期间没有召开{profile.vocabulary.congress_short}会议（按会议日期），没有提案。")
    total = sum(db.execute("SELECT count(*) FROM proposals WHERE session_id = ? AND voided_at IS NULL",
                           [session_id]).fetchone()[0] for session_id, *_rest in sessions)
    records = itertools.chain.from_iterable(
        summary_records(db, ProposalFilter(session_id=session_id), today=job.today)
        for session_id, *_rest in sessions)
    numbered = ({**row, "seq": seq} for seq, row in enumerate(records, 1))
    subtitle = f"会议日期：{period.text}" + (f"；会议：{'、'.join(titles)}" if titles else "")
    return write_table(job.path, title=SUMMARY_TITLE, union_name=profile.name, today=job.today, subtitle=subtitle,
                       columns=SUMMARY_COLUMNS, rows=numbered, total_lines=lines, prepared_by=job.prepared_by,
                       freeze_columns=3, progress=job.progress, is_cancelled=job.is_cancelled, total=total)


def _awards(job: _Job) -> int:
    from gonghui_desk.exporting.period_awards import export_period_awards

    return export_period_awards(job.db, job.path, job.period.start, job.period.end,
                                subtitle=f"活动日期：{job.period.text}；已举办的活动，按日期排列", **job.common)


def _honours(job: _Job) -> int:
    from gonghui_desk.exporting.honours import export_honours
    from gonghui_desk.honours.register import HonourFilter
    from gonghui_desk.honours.store import AWARDED

    f = HonourFilter(year_from=job.period.start.year, year_to=job.period.end.year, stage=AWARDED)
    return export_honours(job.db, job.path, f, **job.common)


def _yearly_stats(job: _Job) -> int:
    from gonghui_desk.exporting.yearly_stats import export_yearly_stats

    return export_yearly_stats(job.db, job.path, job.period.start, job.period.end,
                               subtitle=f"统计期间：{job.period.text}；时点数截至 {job.as_of.isoformat()}",
                               **job.common)


_MEMBER_NUMBERS = ("身份证号", "手机号")  # privacy.ID_LABEL, PHONE_LABEL

BUILTIN_FORMS: tuple[BuiltinForm, ...] = (
    BuiltinForm("roster", "会员花名册", "在册会员（含退休会员）的全部登记信息，按姓名排列，可再导入", False, _roster,
                _MEMBER_NUMBERS),
    BuiltinForm("member-info", "会员信息采集表", "统计期末在册会员的采集信息：民族、政治面貌、学历、身份证号、手机、入会日期、会员证号等",
                True, _member_info, _MEMBER_NUMBERS),
    BuiltinForm("new-members", "新入会会员名单", "入会日期在统计期间内的会员，按入会日期排列", True, _new_members,
                _MEMBER_NUMBERS),
    BuiltinForm("hardship-roster", "困难职工花名册", "在档的困难职工家庭，每户一行，附按困难类别和致困原因的户数、人数",
                False, _hardship_roster, _MEMBER_NUMBERS, "hardship_files"),
    BuiltinForm("care-payments", "送温暖/慰问金发放统计表", "期间内的走访慰问和困难帮扶，按慰问类别（帮扶类型）和经费来源统计户数、人次、金额",
                True, _care_payments),
    BuiltinForm("golden-autumn", "金秋助学资助名单", "期间内已发放的金秋助学：学生、录取学校、入学年份、资助金额、家长及部门",
                True, _golden_autumn),
    BuiltinForm("proposals", "提案汇总表", "期间内召开的职代会（教代会）会议收到的提案及其审查、办理和评价", True, _proposals),
    BuiltinForm("awards", "竞赛获奖名单", "期间内已举办的竞赛和活动的获奖名单，附获奖人次、人数和奖金", True, _awards),
    BuiltinForm("honours", "荣誉名单", "期间所在年度已获评的荣誉，按级别从高到低排列", True, _honours),
    BuiltinForm("yearly-stats", "工会基本情况统计表", "年度统计：会员数（女、农民工）、新入会、入会率、分工会和小组、委员、慰问和帮扶、提案",
                True, _yearly_stats),
)


def form_names() -> list[str]:
    """The forms' command-line names, in list order."""
    return [form.name for form in BUILTIN_FORMS]


def find_form(name: str) -> BuiltinForm:
    """The form named ``name``: its slug (any case) or its Chinese title (a "/" may be left out or written as
    "、"). Raises UserError listing the valid names otherwise."""
    wanted = (name or "").strip()
    plain = wanted.lower().replace("_", "-")
    squeezed = wanted.replace("/", "").replace("、", "")
    for form in BUILTIN_FORMS:
        if plain == form.name or wanted == form.title or squeezed == form.title.replace("/", ""):
            return form
    choices = "；".join(f"{form.name}（{form.title}）" for form in BUILTIN_FORMS)
    raise UserError(f"没有名为“{wanted}”的内置报表。可用的报表：{choices}")
