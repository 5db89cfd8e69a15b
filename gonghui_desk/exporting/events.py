"""The events' lists as printable .xlsx files and printed tables: the 活动台账 of the events an
:class:`~gonghui_desk.events.register.EventFilter` picks, and one event's 参加人员名单, 获奖名单 and 签到表.

Each list's columns, rows, subtitle and totals block are defined here once; the .xlsx export
(``export_*``, through :func:`~gonghui_desk.exporting.xlsx.write_table`) and the printed list
(``*_print_table``, a :class:`~gonghui_desk.printing.PrintTable`) both use them. Everything is counted
the way the register counts (DOMAIN.md §3, :mod:`gonghui_desk.events.register`):

* 活动台账: one row per event, planned and cancelled events included with their registrations; the
  totals block counts the **held** events only (场次, 人次 vs 人, 支, 经费, 获奖 by grade, 推荐上级,
  参与率 with its base) and names the planned and cancelled events apart.
* 参加人员名单: one row per person per entry, a team entry expanded to its members (队长 marked);
  "共 N 人次，M 人，K 支队伍".
* 获奖名单: the results with a grade, a rank, a prize or a promotion, a team written with its members;
  获奖人次 counts a team's award once per member, an award to a sub-unit or the union (组织奖) apart.
* 签到表: one row per person (a member in two items signs once on the whole event's sheet), a wide
  blank 签名 column and rows tall enough to sign in, A4 portrait.

The rows are read as iterators (the events in batches, the participants entry by entry), so a big
event or a long ledger streams to the .xlsx; the sign-in sheet keeps one small record per person
to merge a person's items. A list of events holds no ID or phone numbers, so nothing needs masking.
No Qt here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import sqlite_utils

from gonghui_desk.errors import UserError
from gonghui_desk.events.register import (ALL_ITEMS, EventFilter, EventTotals, award_rows, event_items,
                                          event_rows, event_teams, event_totals, iter_events, iter_participant_persons,
                                          participation_counts)
from gonghui_desk.exporting.member_roster import SEQUENCE_COLUMN
from gonghui_desk.exporting.signoff_sheet import POINTS_PER_MM, SIGNOFF_ROW_HEIGHT_MM
from gonghui_desk.exporting.xlsx import SIGNATURE_BLANK, Column, signature_line, write_table
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel
from gonghui_desk.money import yuan_text
from gonghui_desk.union import load_profile

EVENTS_TITLE = "活动台账"
PARTICIPANTS_TITLE = "参加人员名单"
AWARDS_TITLE = "获奖名单"
SIGNIN_TITLE = "签到表"
PROGRESS_EVERY = 1000
SIGNIN_ROW_HEIGHT_MM = SIGNOFF_ROW_HEIGHT_MM  # room for a handwritten name, on paper and in the .xlsx
ITEMS_NAMED = 6  # a subtitle names the event's items up to this many, then counts them
HELD, PLANNED, CANCELLED = "已举办", "计划", "已取消"

# --- the columns ------------------------------------------------------------------------------------------------
EVENT_COLUMNS: tuple[Column, ...] = (
    SEQUENCE_COLUMN,
    Column("title", "活动名称", 24),
    Column("kind", "类型", 10),
    Column("organiser_text", "主办", 14),
    Column("holiday", "节日", 7),
    Column("start_date", "开始日期", 11, "date"),
    Column("end_date", "结束日期", 11, "date"),
    Column("venue", "地点", 14),
    Column("status", "状态", 7),
    Column("items", "项目", 6, "int"),
    Column("entries_count", "人次", 7, "int"),
    Column("persons", "人数", 7, "int"),
    Column("teams", "队伍", 6, "int"),
    Column("award_times", "获奖人次", 8, "int"),
    Column("prize_fen", "奖金(元)", 11, "money"),
    Column("cost_fen", "经费(元)", 12, "money"),
    Column("notes", "备注", 20),
)
# The printed ledger: the two dates in one column (日期, "2026-05-01至05-03"), weighted to fit an A4
# landscape line at 9 pt.
EVENT_PRINT_COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", 4.5, "int"),
    Column("title", "活动名称", 16),
    Column("kind", "类型", 7),
    Column("organiser_text", "主办", 9),
    Column("holiday", "节日", 4.5),
    Column("date_text", "日期", 11.5, "date"),
    Column("venue", "地点", 8.5),
    Column("status", "状态", 6.5),
    Column("items", "项目", 4, "int"),
    Column("entries_count", "人次", 4.5, "int"),
    Column("persons", "人数", 4.5, "int"),
    Column("teams", "队伍", 4, "int"),
    Column("award_times", "获奖人次", 5, "int"),
    Column("prize_fen", "奖金(元)", 7.5, "money"),
    Column("cost_fen", "经费(元)", 8, "money"),
    Column("notes", "备注", 10),
)

PARTICIPANT_COLUMNS: tuple[Column, ...] = (
    SEQUENCE_COLUMN,
    Column("item_name", "项目", 14),
    Column("kind", "个人/团体", 9),
    Column("team_name", "队名", 14),
    Column("member_name", "姓名", 10),
    Column("captain_text", "队长", 6),
    Column("sub_unit_path", "部门", 18),
    Column("source", "备注", 16),  # how the entry was made ("全体女会员"), '' by hand
)
_PARTICIPANT_PRINT_WIDTHS = {"seq": 5, "item_name": 12, "kind": 8.5, "team_name": 12, "member_name": 9,
                             "captain_text": 5, "sub_unit_path": 16, "source": 12}
PARTICIPANT_PRINT_COLUMNS: tuple[Column, ...] = tuple(Column(c.key, c.label, _PARTICIPANT_PRINT_WIDTHS[c.key], c.kind)
                                                      for c in PARTICIPANT_COLUMNS)

AWARD_COLUMNS: tuple[Column, ...] = (
    SEQUENCE_COLUMN,
    Column("item_name", "项目", 14),
    Column("stage", "阶段", 7),
    Column("rank", "名次", 6, "int"),
    Column("display_name", "姓名/队名", 26),
    Column("sub_unit_path", "部门", 16),
    Column("grade", "等级", 11),
    Column("prize_fen", "奖金(元)", 11, "money"),
    Column("upstream_round", "推荐上级比赛", 14),
    Column("upstream_result", "上级结果", 10),
    Column("notes", "备注", 16),
)
# The printed list: A4 landscape at 10 pt; a team's members wrap under its name.
_AWARD_PRINT_WIDTHS = {"seq": 4.5, "item_name": 11, "stage": 5, "rank": 4.5, "display_name": 22, "sub_unit_path": 12,
                       "grade": 9, "prize_fen": 8, "upstream_round": 11, "upstream_result": 8, "notes": 11}
AWARD_PRINT_COLUMNS: tuple[Column, ...] = tuple(Column(c.key, c.label, _AWARD_PRINT_WIDTHS[c.key], c.kind)
                                                for c in AWARD_COLUMNS)

SIGNIN_COLUMNS: tuple[Column, ...] = (
    SEQUENCE_COLUMN,
    Column("member_name", "姓名", 10),
    Column("sub_unit_path", "部门", 14),
    Column("entries_text", "项目/队伍", 24),
    Column("signature", "签名", 26),  # left blank for a pen
    Column("remark", "备注", 8),  # left blank for a pen
)
# The printed sheet, A4 portrait at 10.5 pt: "100米、拔河（一车间队）" on one line, 签名 about 30% of the width.
_SIGNIN_PRINT_WIDTHS = {"seq": 5, "member_name": 9, "sub_unit_path": 13, "entries_text": 21, "signature": 24,
                        "remark": 7}
SIGNIN_PRINT_COLUMNS: tuple[Column, ...] = tuple(Column(c.key, c.label, _SIGNIN_PRINT_WIDTHS[c.key], c.kind)
                                                 for c in SIGNIN_COLUMNS)


# --- file names ---------------------------------------------------------------------------------------------------
def safe_file_name(text: str, fallback: str = "活动") -> str:
    """``text`` as a file name Windows accepts: no \\ / : * ? " < > |, control characters or spaces, no
    trailing dot, at most 80 characters."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f\s]+', "", text or "").strip(".")
    return name[:80] or fallback


def default_events_name(today: dt.date | None = None) -> str:
    """"活动台账-20261122.xlsx"."""
    return f"{EVENTS_TITLE}-{(today or dt.date.today()):%Y%m%d}.xlsx"


def _event_file_name(event_title: str, list_title: str, today: dt.date | None) -> str:
    fallback = f"活动-{(today or dt.date.today()):%Y%m%d}"
    return f"{safe_file_name(event_title, fallback)}-{list_title}.xlsx"


def default_participants_name(event_title: str, today: dt.date | None = None) -> str:
    """"第3届职工运动会-参加人员名单.xlsx" (``today`` names a file of an event without a title)."""
    return _event_file_name(event_title, PARTICIPANTS_TITLE, today)


def default_awards_name(event_title: str, today: dt.date | None = None) -> str:
    """"第3届职工技能大赛-获奖名单.xlsx"."""
    return _event_file_name(event_title, AWARDS_TITLE, today)


def default_signin_name(event_title: str, today: dt.date | None = None) -> str:
    """"第3届职工运动会-签到表.xlsx"."""
    return _event_file_name(event_title, SIGNIN_TITLE, today)


# --- shared pieces ------------------------------------------------------------------------------------------------
def _date_text(today: dt.date | None) -> str:
    return f"制表日期：{(today or dt.date.today()).isoformat()}"


def date_range_text(start: str | None, end: str | None) -> str:
    """"2026-05-01", "2026-05-01至05-03" (the same year), "2026-12-30至2027-01-02"."""
    start, end = start or "", end or ""
    if not end or end == start:
        return start
    if not start:
        return end
    return f"{start}至{end[5:] if end[:4] == start[:4] else end}"


def _records(rows: Iterable[dict], progress: Progress | None, is_cancelled: IsCancelled | None, total: int,
             unit: str) -> Iterator[dict]:
    """``rows`` numbered (``seq``); every 1000 rows the progress is reported and a cancel is checked for."""
    check_cancel(is_cancelled)
    for seq, row in enumerate(rows, 1):
        row["seq"] = seq
        yield row
        if seq % PROGRESS_EVERY == 0:
            check_cancel(is_cancelled)
            if progress:
                progress(seq, total, f"已读取 {seq} {unit}")


def _print_table(columns, records, *, title: str, subtitle: str, union_name: str, today: dt.date | None,
                 total_lines: list[str], prepared_by: str, landscape: bool, font_size_pt: float = 10.5,
                 min_row_height_mm: float = 0):
    from gonghui_desk.printing import table_from_columns

    return table_from_columns(
        columns, records, title=title, subtitle_lines=[subtitle] if subtitle else [], union_name=union_name,
        date_text=_date_text(today), total_lines=total_lines, footer_line=signature_line(prepared_by),
        landscape=landscape, font_size_pt=font_size_pt, min_row_height_mm=min_row_height_mm)


# --- 活动台账 -------------------------------------------------------------------------------------------------------
ORDER_WORDS = {"start_date": ("按日期从早到晚排列", "按日期从近到远排列"),
               "name": ("按活动名称排列", "按活动名称倒序排列"), "kind": ("按类型排列", "按类型倒序排列"),
               "status": ("按状态排列", "按状态倒序排列"), "organiser_kind": ("按主办排列", "按主办倒序排列"),
               "cost": ("按经费从少到多排列", "按经费从多到少排列")}


def _period_text(date_from: str | None, date_to: str | None) -> str:
    if date_from and date_to:
        if date_from[:4] == date_to[:4] and date_from[4:] == "-01-01" and date_to[4:] == "-12-31":
            return f"{date_from[:4]}年"
        return f"{date_from} 至 {date_to}"
    if date_from or date_to:
        return f"{date_from} 起" if date_from else f"至 {date_to}"
    return "全部"


def describe_event_filter(f: EventFilter, order: str = "start_date", descending: bool = False) -> str:
    """The ledger's subtitle: the period, the filters and the order in words, e.g.
    "期间：2026年；类型：文体活动；状态：已举办（按日期从早到晚排列）"."""
    parts = [f"期间：{_period_text(f.date_from, f.date_to)}"]
    statuses = (f.status,) if isinstance(f.status, str) else f.status
    for label, chosen in (("类型", f.kinds), ("状态", statuses)):
        if chosen is not None:
            parts.append(f"{label}：{'、'.join(chosen) or '无'}")
    for label, value in (("主办", f.organiser_kind), ("节日", f.holiday)):
        if value:
            parts.append(f"{label}：{value}")
    if f.search.strip():
        parts.append(f"关键词：{f.search.strip()}")
    return "；".join(parts) + f"（{ORDER_WORDS.get(order, ORDER_WORDS['start_date'])[bool(descending)]}）"


def _yuan(fen: int) -> str:
    return yuan_text(fen) or "0"


def event_totals_lines(totals: EventTotals) -> list[str]:
    """The ledger's totals block (held events only; the planned and cancelled ones named apart)::

        合计：已举办活动 2 场，参加 11 人次（6 人），团体项目 2 支队伍，经费 6,000 元
        按类型：知识竞赛 1 场 6 人次（6 人）；文体活动 1 场 5 人次（3 人）
        获奖 5 人次（3 人），其中一等奖 1 人次、…；另有集体奖 1 项；奖金合计 2,600 元；推荐参加上级比赛 1 人次（1 人）
        参与率 80.0%（参加活动的在册会员4人 ÷ 2026-11-22在册会员5人）
        注：另有计划中的活动 1 场、已取消的活动 1 场，其报名人次和经费未计入上述合计。
    """
    t = totals
    line = f"合计：已举办活动 {t.events} 场，参加 {t.person_times} 人次（{t.persons} 人）"
    if t.teams:
        line += f"，团体项目 {t.teams} 支队伍"
    lines = [line + f"，经费 {_yuan(t.cost_fen)} 元"]
    if len(t.by_kind) > 1:
        lines.append("按类型：" + "；".join(f"{kind} {n} 场 {times} 人次（{persons} 人）"
                                         for kind, (n, times, persons) in t.by_kind.items()))
    if t.awards or t.collective_awards or t.prize_fen or t.promoted:
        line = f"获奖 {t.awards} 人次（{t.winners} 人）"
        if t.by_grade:
            line += "，其中" + "、".join(f"{grade} {times} 人次" for grade, (_persons, times) in t.by_grade.items())
        if t.collective_awards:
            line += f"；另有集体奖 {t.collective_awards} 项"
        line += f"；奖金合计 {_yuan(t.prize_fen)} 元"
        if t.promoted:
            line += f"；推荐参加上级比赛 {t.promoted} 人次（{t.promoted_persons} 人）"
        lines.append(line)
    if t.participation_rate is not None:
        lines.append(f"参与率 {t.participation_rate:.1%}（{t.rate_base_text}）")
    elif t.base_date:
        lines.append(f"参与率：{t.base_date}没有在册会员，不计算")
    apart = [f"{words} {n} 场" for words, n in (("计划中的活动", t.planned), ("已取消的活动", t.cancelled)) if n]
    if apart:
        lines.append(f"注：另有{'、'.join(apart)}，其报名人次和经费未计入上述合计。")
    return lines


def _organiser_text(event: dict) -> str:
    if event["organiser_kind"] == "本会" or not event["organiser"]:
        return event["organiser_kind"]
    return f"{event['organiser']}（{event['organiser_kind']}）"


def event_records(db: sqlite_utils.Database, f: EventFilter, *, order: str = "start_date", descending: bool = False,
                  progress: Progress | None = None, is_cancelled: IsCancelled | None = None,
                  total: int = 0) -> Iterator[dict]:
    """The ledger's rows in order, keyed by the :data:`EVENT_COLUMNS` (and :data:`EVENT_PRINT_COLUMNS`) keys."""
    def rows():
        for event in iter_events(db, f, order=order, descending=descending):
            yield {**event, "organiser_text": _organiser_text(event),
                   "date_text": date_range_text(event["start_date"], event["end_date"]),
                   "end_date": event["end_date"] if event["end_date"] != event["start_date"] else None,
                   "items": event["items"] or None, "teams": event["teams"] or None,
                   "award_times": event["award_times"] or None, "prize_fen": event["prize_fen"] or None,
                   "cost_fen": event["cost_fen"] or None}

    return _records(rows(), progress, is_cancelled, total, "场")


def _all_events(totals: EventTotals) -> int:
    return totals.events + totals.planned + totals.cancelled


def export_events(db: sqlite_utils.Database, path: str | Path, f: EventFilter, *, order: str = "start_date",
                  descending: bool = False, prepared_by: str = "", today: dt.date | None = None,
                  progress: Progress | None = None, is_cancelled: IsCancelled | None = None) -> int:
    """Write the 活动台账 of the events matching ``f`` to ``path`` with its totals block; returns the number
    of events written."""
    totals = event_totals(db, f, today=today)
    return write_table(
        path, title=EVENTS_TITLE, union_name=load_profile(db).name, today=today,
        subtitle=describe_event_filter(f, order, descending), columns=EVENT_COLUMNS,
        rows=event_records(db, f, order=order, descending=descending), total_lines=event_totals_lines(totals),
        prepared_by=prepared_by, freeze_columns=2, progress=progress, is_cancelled=is_cancelled,
        total=_all_events(totals))


def events_print_table(db: sqlite_utils.Database, f: EventFilter, *, order: str = "start_date",
                       descending: bool = False, prepared_by: str = "", today: dt.date | None = None,
                       progress: Progress | None = None, is_cancelled: IsCancelled | None = None):
    """The printed 活动台账: A4 landscape, the .xlsx export's rows and totals block (the dates in one column)."""
    totals = event_totals(db, f, today=today)
    records = event_records(db, f, order=order, descending=descending, progress=progress,
                            is_cancelled=is_cancelled, total=_all_events(totals))
    return _print_table(EVENT_PRINT_COLUMNS, records, title=EVENTS_TITLE,
                        subtitle=describe_event_filter(f, order, descending), union_name=load_profile(db).name,
                        today=today, total_lines=event_totals_lines(totals), prepared_by=prepared_by, landscape=True,
                        font_size_pt=9)


# --- one event ----------------------------------------------------------------------------------------------------
def _event(db: sqlite_utils.Database, event_id: int) -> dict:
    event = event_rows(db, [event_id]).get(event_id)
    if event is None:
        raise UserError(f"活动 {event_id} 不存在")
    if event["voided_at"]:
        raise UserError(f"活动“{event['title']}”已作废")
    return event


def _items_text(items: list[dict], item_id) -> str:
    """The 项目 of a list: the chosen item, "不分项目" (``None``), or every item (named up to six)."""
    if item_id is None:
        return "不分项目"
    if item_id is not ALL_ITEMS:
        names = [i["name"] for i in items if i["id"] == item_id]
        if not names:
            raise UserError("该项目不存在或已作废")
        return names[0]
    if not items:
        return ""
    if len(items) > ITEMS_NAMED:
        return f"全部（共 {len(items)} 项）"
    return f"全部（{'、'.join(i['name'] for i in items)}）"


def event_subtitle(db: sqlite_utils.Database, event: dict, item_id=ALL_ITEMS) -> str:
    """"时间：2026-05-01　地点：体育场　项目：全部（100米、拔河）" (the parts that are known)."""
    return _subtitle(event, _items_text(event_items(db, event["id"]), item_id))


def _subtitle(event: dict, items_text: str) -> str:
    parts = [f"时间：{date_range_text(event['start_date'], event['end_date'])}"]
    if event["venue"]:
        parts.append(f"地点：{event['venue']}")
    if items_text:
        parts.append(f"项目：{items_text}")
    return "　".join(parts)


@dataclass
class _EventList:
    """What a list of one event's participants needs before its rows: the event, the subtitle, the counts
    (人次, 人, 支) and whether the rows name items (every item of an event that has them) and teams."""

    event: dict
    subtitle: str
    person_times: int
    persons: int
    teams: int
    by_item: bool


def _event_list(db: sqlite_utils.Database, event_id: int, item_id) -> _EventList:
    event = _event(db, event_id)
    items = event_items(db, event_id)
    subtitle = _subtitle(event, _items_text(items, item_id))
    times, persons, teams = participation_counts(db, event_id, item_id=item_id)
    return _EventList(event, subtitle, times, persons, teams, item_id is ALL_ITEMS and bool(items))


def _without(columns: tuple[Column, ...], keys: set[str]) -> tuple[Column, ...]:
    return tuple(c for c in columns if c.key not in keys)


# --- 参加人员名单 ---------------------------------------------------------------------------------------------------
_TEAM_KEYS = {"kind", "team_name", "captain_text"}


def participant_columns(*, by_item: bool = True, teams: bool = True, printed: bool = False) -> tuple[Column, ...]:
    """The participant list's columns: 项目 only when the rows name items (every item of an event that has
    them), 个人/团体, 队名 and 队长 only when there are team entries."""
    drop = (set() if by_item else {"item_name"}) | (set() if teams else _TEAM_KEYS)
    return _without(PARTICIPANT_PRINT_COLUMNS if printed else PARTICIPANT_COLUMNS, drop)


def participants_total_line(person_times: int, persons: int, teams: int) -> str:
    return f"合计：共 {person_times} 人次，{persons} 人，{teams} 支队伍"


def participant_records(db: sqlite_utils.Database, event_id: int, *, item_id=ALL_ITEMS,
                        progress: Progress | None = None, is_cancelled: IsCancelled | None = None,
                        total: int = 0) -> Iterator[dict]:
    """One row per person per entry (a team entry gives a row per member, the captain first), by item,
    individual entries before teams, then by name; keyed by the :data:`PARTICIPANT_COLUMNS` keys."""
    def rows():
        for person in iter_participant_persons(db, event_id, item_id=item_id):
            person["captain_text"] = "是" if person["captain"] else ""
            yield person

    return _records(rows(), progress, is_cancelled, total, "人次")


def export_participants(db: sqlite_utils.Database, path: str | Path, event_id: int, *, item_id=ALL_ITEMS,
                        prepared_by: str = "", today: dt.date | None = None, progress: Progress | None = None,
                        is_cancelled: IsCancelled | None = None) -> int:
    """Write the event's 参加人员名单 (every item, one item, or ``item_id=None``: the entries in the event as
    a whole) to ``path``: A4 portrait; returns the number of rows (人次)."""
    frame = _event_list(db, event_id, item_id)
    return write_table(
        path, title=f"{frame.event['title']}{PARTICIPANTS_TITLE}", union_name=load_profile(db).name, today=today,
        subtitle=frame.subtitle, columns=participant_columns(by_item=frame.by_item, teams=bool(frame.teams)),
        rows=participant_records(db, event_id, item_id=item_id),
        total_lines=[participants_total_line(frame.person_times, frame.persons, frame.teams)], landscape=False,
        prepared_by=prepared_by, progress=progress, is_cancelled=is_cancelled, total=frame.person_times)


def participants_print_table(db: sqlite_utils.Database, event_id: int, *, item_id=ALL_ITEMS, prepared_by: str = "",
                             today: dt.date | None = None, progress: Progress | None = None,
                             is_cancelled: IsCancelled | None = None):
    """The printed 参加人员名单: A4 portrait, the .xlsx export's columns, rows and totals."""
    frame = _event_list(db, event_id, item_id)
    records = participant_records(db, event_id, item_id=item_id, progress=progress, is_cancelled=is_cancelled,
                                  total=frame.person_times)
    return _print_table(participant_columns(by_item=frame.by_item, teams=bool(frame.teams), printed=True), records,
                        title=f"{frame.event['title']}{PARTICIPANTS_TITLE}", subtitle=frame.subtitle,
                        union_name=load_profile(db).name, today=today,
                        total_lines=[participants_total_line(frame.person_times, frame.persons, frame.teams)],
                        prepared_by=prepared_by, landscape=False)


# --- 获奖名单 -------------------------------------------------------------------------------------------------------
def _listed(result: dict) -> bool:
    return bool(result["grade"] or result["rank"] or result["prize_fen"] or result["promoted"])


def award_list(db: sqlite_utils.Database, event_id: int) -> tuple[list[dict], list[str]]:
    """The 获奖名单's rows (keyed by the :data:`AWARD_COLUMNS` keys) and its totals lines: the results with a
    grade, a rank, a prize or a promotion, in :func:`~gonghui_desk.events.register.award_rows` order.

    获奖人次 counts the results with a grade, a team's once per member (as the register counts); an award to
    a sub-unit or the union (组织奖) is a collective award, counted apart in 项."""
    members = {team["id"]: [m["member_id"] for m in team["members"]] for team in event_teams(db, event_id)}
    rows: list[dict] = []
    award_times, collective, prize, promoted = 0, 0, 0, 0
    winners: set[int] = set()
    by_grade: dict[str, list[int]] = {}  # grade -> [人次, 集体项]
    for result in award_rows(db, event_id):
        if not _listed(result):
            continue
        if result["team_id"] is not None:
            persons = members.get(result["team_id"], [])
        else:
            persons = [result["member_id"]] if result["member_id"] is not None else []
        unit = result["kind"] == "单位"
        if result["grade"]:
            counts = by_grade.setdefault(result["grade"], [0, 0])
            if unit:
                collective += 1
                counts[1] += 1
            else:
                award_times += len(persons)
                winners.update(persons)
                counts[0] += len(persons)
        prize += result["prize_fen"]
        if result["promoted"]:
            promoted += 1 if unit else len(persons)
        name = result["name"]
        if result["kind"] == "团体" and result["team_members"]:
            name = f"{name}（{result['team_members']}）"
        rows.append({**result, "seq": len(rows) + 1, "display_name": name, "prize_fen": result["prize_fen"] or None,
                     "upstream_round": result["upstream_round"] or ("是" if result["promoted"] else "")})
    line = f"合计：获奖 {award_times} 人次（{len(winners)} 人）"
    if collective:
        line += f"，另有集体奖 {collective} 项"
    line += f"，奖金合计 {_yuan(prize)} 元"
    if promoted:
        line += f"；推荐参加上级比赛 {promoted} 人次"
    lines = [line]
    if by_grade:
        parts = []
        for grade, (times, units) in by_grade.items():
            counted = ([f"{times} 人次"] if times or not units else []) + ([f"{units} 项（集体）"] if units else [])
            parts.append(f"{grade} {'、'.join(counted)}")
        lines.append("按等级：" + "；".join(parts))
    return rows, lines


def export_awards(db: sqlite_utils.Database, path: str | Path, event_id: int, *, prepared_by: str = "",
                  today: dt.date | None = None, progress: Progress | None = None,
                  is_cancelled: IsCancelled | None = None) -> int:
    """Write the event's 获奖名单 to ``path``; returns the number of rows."""
    event = _event(db, event_id)
    rows, lines = award_list(db, event_id)
    return write_table(
        path, title=f"{event['title']}{AWARDS_TITLE}", union_name=load_profile(db).name, today=today,
        subtitle=event_subtitle(db, event), columns=AWARD_COLUMNS,
        rows=rows, total_lines=lines, prepared_by=prepared_by,
        progress=progress, is_cancelled=is_cancelled, total=len(rows))


def awards_print_table(db: sqlite_utils.Database, event_id: int, *, prepared_by: str = "",
                       today: dt.date | None = None, progress: Progress | None = None,
                       is_cancelled: IsCancelled | None = None):
    """The printed 获奖名单: A4 landscape, the .xlsx export's columns, rows and totals."""
    event = _event(db, event_id)
    rows, lines = award_list(db, event_id)
    check_cancel(is_cancelled)
    return _print_table(AWARD_PRINT_COLUMNS, rows,
                        title=f"{event['title']}{AWARDS_TITLE}", subtitle=event_subtitle(db, event),
                        union_name=load_profile(db).name, today=today, total_lines=lines, prepared_by=prepared_by,
                        landscape=True, font_size_pt=10)


# --- 签到表 ---------------------------------------------------------------------------------------------------------
def signin_columns(*, entries: bool = True, printed: bool = False) -> tuple[Column, ...]:
    """The sign-in sheet's columns: 项目/队伍 only when the rows name items or teams (a lecture's sheet
    gives its width to 签名)."""
    return _without(SIGNIN_PRINT_COLUMNS if printed else SIGNIN_COLUMNS, set() if entries else {"entries_text"})


def _entry_text(person: dict, by_item: bool) -> str:
    item, team = person["item_name"] if by_item else "", person["team_name"]
    if team:
        return f"{item}（{team}）" if item else team
    return item


def signin_records(db: sqlite_utils.Database, event_id: int, *, item_id=ALL_ITEMS, by_item: bool = True,
                   progress: Progress | None = None, is_cancelled: IsCancelled | None = None,
                   total: int = 0) -> Iterator[dict]:
    """One row per person, in the order they first appear on the participant list; the person's items (when
    ``by_item``) and teams are joined ("100米、拔河（一车间队）"); keyed by the :data:`SIGNIN_COLUMNS` keys.
    Only a small record per person is kept while the entries are read."""
    people: dict[int, dict] = {}
    check_cancel(is_cancelled)
    for count, person in enumerate(iter_participant_persons(db, event_id, item_id=item_id), 1):
        record = people.get(person["member_id"])
        if record is None:
            record = people[person["member_id"]] = {"member_name": person["member_name"],
                                                    "sub_unit_path": person["sub_unit_path"], "entries": []}
        text = _entry_text(person, by_item)
        if text and text not in record["entries"]:
            record["entries"].append(text)
        if count % PROGRESS_EVERY == 0:
            check_cancel(is_cancelled)
    rows = ({"member_name": r["member_name"], "sub_unit_path": r["sub_unit_path"],
             "entries_text": "、".join(r["entries"]), "signature": "", "remark": ""} for r in people.values())
    return _records(rows, progress, is_cancelled, total, "人")


def _signin_frame(db: sqlite_utils.Database, event_id: int, item_id) -> tuple[_EventList, str, list[str]]:
    frame = _event_list(db, event_id, item_id)
    return (frame, f"{frame.event['title']}{SIGNIN_TITLE}",
            [f"合计：应到 {frame.persons} 人，实到 {SIGNATURE_BLANK} 人"])


def export_signin_sheet(db: sqlite_utils.Database, path: str | Path, event_id: int, *, item_id=ALL_ITEMS,
                        prepared_by: str = "", today: dt.date | None = None, progress: Progress | None = None,
                        is_cancelled: IsCancelled | None = None) -> int:
    """Write the event's 签到表 to ``path``: A4 portrait, a wide blank 签名 column, rows tall enough to sign
    in; returns the number of persons."""
    frame, title, lines = _signin_frame(db, event_id, item_id)
    return write_table(
        path, title=title, union_name=load_profile(db).name, today=today, subtitle=frame.subtitle,
        columns=signin_columns(entries=frame.by_item or bool(frame.teams)),
        rows=signin_records(db, event_id, item_id=item_id, by_item=frame.by_item), total_lines=lines,
        landscape=False, prepared_by=prepared_by, row_height=round(SIGNIN_ROW_HEIGHT_MM * POINTS_PER_MM),
        progress=progress, is_cancelled=is_cancelled, total=frame.persons)


def signin_print_table(db: sqlite_utils.Database, event_id: int, *, item_id=ALL_ITEMS, prepared_by: str = "",
                       today: dt.date | None = None, progress: Progress | None = None,
                       is_cancelled: IsCancelled | None = None):
    """The printed 签到表: A4 portrait, the .xlsx export's rows, a wide blank 签名 column, tall rows."""
    frame, title, lines = _signin_frame(db, event_id, item_id)
    records = signin_records(db, event_id, item_id=item_id, by_item=frame.by_item, progress=progress,
                             is_cancelled=is_cancelled, total=frame.persons)
    return _print_table(signin_columns(entries=frame.by_item or bool(frame.teams), printed=True), records,
                        title=title, subtitle=frame.subtitle, union_name=load_profile(db).name, today=today,
                        total_lines=lines, prepared_by=prepared_by, landscape=False,
                        min_row_height_mm=SIGNIN_ROW_HEIGHT_MM)


__all__ = ["AWARDS_TITLE", "AWARD_COLUMNS", "AWARD_PRINT_COLUMNS", "EVENTS_TITLE", "EVENT_COLUMNS",
           "EVENT_PRINT_COLUMNS", "PARTICIPANTS_TITLE", "PARTICIPANT_COLUMNS", "PARTICIPANT_PRINT_COLUMNS",
           "SIGNIN_COLUMNS", "SIGNIN_PRINT_COLUMNS", "SIGNIN_TITLE", "award_list", "awards_print_table",
           "date_range_text", "default_awards_name", "default_events_name", "default_participants_name",
           "default_signin_name", "describe_event_filter", "event_records", "event_subtitle", "event_totals_lines",
           "events_print_table", "export_awards", "export_events", "export_participants", "export_signin_sheet",
           "participant_columns", "participant_records", "participants_print_table", "safe_file_name",
           "signin_columns", "signin_print_table", "signin_records"]
