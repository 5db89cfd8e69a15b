"""The home page's 提醒: who should be visited, or whose record needs the officer.

Every kind narrows the members in SQL (birth-date ranges, a visit-date window, the pending
events) before anything is computed in Python, so a union of 100,000 members costs a few
index range scans. Kinds, in the order they are listed:

- ``retirement_passed``: 在册 members who have reached the statutory retirement age (DOMAIN.md
  §6) on or before today: change their status (and record the 退休 visit).
- ``retirement``: 在册 members reaching it within the next N months who have no 退休 visit yet.
- ``retirement_unknown``: one summary line counting the women old enough to retire soon whose
  original retirement age (50 or 55) is not filled in, opening the first of them; one line per
  woman would flood the page.
- ``pending_event``: events recorded but not yet visited.
- ``hospital_follow_up``: visits of an occasion that needs an illness (生病住院) in the last 30
  days without a follow-up note.
- ``hardship_no_visit``: members of the hardship files (a criterion registered by the hardship
  module, see :func:`gonghui_desk.care.campaigns.register_criterion`) not visited this year.
- ``birthday``: 在册 and 退休 members whose birthday falls this month or next, without a 生日
  visit in that birthday's year; only for a union that gives birthday benefits, that is one
  with an active 生日 occasion under which a visit has been recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import sqlite_utils

from gonghui_desk.care.campaigns import HARDSHIP, criterion_members
from gonghui_desk.dates import add_months, add_years, age_on
from gonghui_desk.retirement import statutory_retirement
from gonghui_desk.settings import retirement_reminder_months

KIND_TITLES = {  # the built-in kinds, in the order the home page lists them
    "retirement_passed": "已到法定退休年龄",
    "retirement": "即将退休",
    "retirement_unknown": "退休日期无法计算",
    "pending_event": "已登记、待走访",
    "hospital_follow_up": "住院慰问后待随访",
    "hardship_no_visit": "困难职工今年尚未走访",
    "birthday": "本月和下月过生日",
}
KINDS = tuple(KIND_TITLES)
EARLIEST_RETIREMENT_YEARS = 50  # the lowest statutory age (women 生产岗位); nobody retires younger
FOLLOW_UP_DAYS = 30


ReminderProvider = Callable[[sqlite_utils.Database, dt.date], list["Reminder"]]
_REGISTERED: dict[str, ReminderProvider] = {}  # kinds other modules add (困难档案复核…)


def register_kind(kind: str, title: str, provider: ReminderProvider) -> None:
    """Let another module add a kind of reminder; it is listed after the built-in ones."""
    KIND_TITLES[kind] = title
    _REGISTERED[kind] = provider


def all_kinds() -> tuple[str, ...]:
    return KINDS + tuple(k for k in _REGISTERED if k not in KINDS)


@dataclass
class Reminder:
    kind: str  # one of KINDS
    member_id: int
    member_name: str
    date: str  # the date that matters (retirement date, birthday, visit date, event date)
    text: str  # one Chinese line
    action: str  # "record_visit" | "change_status" | "open_member" | "open_visit"
    occasion_name: str = ""  # for record_visit: the occasion to prefill
    visit_id: int | None = None


def _occasion_named(db, word: str) -> tuple[int, str] | None:
    """(id, name) of the first active occasion whose name contains ``word`` (退休 matches 退休离岗)."""
    row = db.execute("SELECT id, name FROM care_occasions WHERE voided_at IS NULL AND instr(name, ?) "
                     "ORDER BY sort_order, id LIMIT 1", [word]).fetchone()
    return (row[0], row[1]) if row else None


def _who(row: dict) -> str:
    """The person visited: the member, or "张三的父母李某"."""
    if row["recipient_relation"] == "本人":
        return row["member_name"]
    return f"{row['member_name']}的{row['recipient_relation']}{row['recipient_name']}"


def _retirements(db, today: dt.date, months: int, kinds: set[str]) -> list[Reminder]:
    horizon = add_months(today, months)
    latest_birth = add_years(horizon, -EARLIEST_RETIREMENT_YEARS).isoformat()
    occasion = _occasion_named(db, "退休")
    occasion_name = occasion[1] if occasion else ""
    visited = set()
    if occasion and "retirement" in kinds:
        visited = {r[0] for r in db.execute("SELECT DISTINCT member_id FROM visits "
                                            "WHERE occasion_id = ? AND voided_at IS NULL", [occasion[0]])}
    passed, coming, unknown = [], [], []
    for row in db.query(
            """SELECT id, name, sex, birth_date, female_retirement_age FROM members
               WHERE voided_at IS NULL AND status = '在册' AND birth_date IS NOT NULL AND birth_date <= ?
               ORDER BY birth_date, name_sort, id""", [latest_birth]):
        retirement = statutory_retirement(dt.date.fromisoformat(row["birth_date"]), row["sex"],
                                          row["female_retirement_age"])
        if retirement is None:
            if row["sex"] == "女":
                unknown.append(row)
            continue
        day = retirement.date.isoformat()
        if retirement.date <= today:
            passed.append(Reminder(
                "retirement_passed", row["id"], row["name"], day,
                f"{row['name']}已于{day}达到法定退休年龄（{retirement.age_text()}），会员状态仍为“在册”，"
                "请办理退休并变更状态", "change_status", occasion_name))
        elif retirement.date <= horizon and row["id"] not in visited:
            coming.append(Reminder(
                "retirement", row["id"], row["name"], day,
                f"{row['name']}将于{day}达到法定退休年龄（{retirement.age_text()}）", "record_visit", occasion_name))
    result = [r for r in passed + coming if r.kind in kinds]
    if unknown and "retirement_unknown" in kinds:
        first = min(unknown, key=lambda r: r["birth_date"])
        result.append(Reminder(
            "retirement_unknown", first["id"], first["name"], today.isoformat(),
            f"有{len(unknown)}名{EARLIEST_RETIREMENT_YEARS}岁以上（含{months}个月内满{EARLIEST_RETIREMENT_YEARS}岁）"
            f"的女会员未填写“女职工原退休年龄”，无法计算法定退休日期，请在会员资料中补填，例如{first['name']}",
            "open_member"))
    return sorted(result, key=lambda r: (all_kinds().index(r.kind), r.date))


_VISIT_SQL = """SELECT v.id, v.member_id, m.name AS member_name, v.recipient_relation, v.recipient_name,
                       v.event_date, v.visit_date, v.illness, o.name AS occasion_name
                FROM visits v JOIN members m ON m.id = v.member_id JOIN care_occasions o ON o.id = v.occasion_id"""


def _pending_events(db) -> list[Reminder]:
    return [Reminder("pending_event", r["member_id"], r["member_name"], r["event_date"] or "",
                     f"{_who(r)}：{r['occasion_name']}（{r['event_date']}）已登记，尚未走访慰问",
                     "open_visit", r["occasion_name"], r["id"])
            for r in db.query(f"{_VISIT_SQL} WHERE v.visit_date IS NULL AND v.voided_at IS NULL "
                              "ORDER BY v.event_date, v.id")]


def _hospital_follow_ups(db, today: dt.date) -> list[Reminder]:
    since = (today - dt.timedelta(days=FOLLOW_UP_DAYS)).isoformat()
    rows = db.query(f"""{_VISIT_SQL}
                        WHERE v.occasion_id IN (SELECT id FROM care_occasions WHERE needs_illness = 1)
                          AND v.visit_date BETWEEN ? AND ? AND v.follow_up = '' AND v.voided_at IS NULL
                        ORDER BY v.visit_date, v.id""", [since, today.isoformat()])
    return [Reminder("hospital_follow_up", r["member_id"], r["member_name"], r["visit_date"],
                     f"{_who(r)}于{r['visit_date']}{r['occasion_name']}慰问"
                     + (f"（{r['illness']}）" if r["illness"] else "") + "后，尚未记录随访情况",
                     "open_visit", r["occasion_name"], r["id"])
            for r in rows]


def _hardship_without_visit(db, today: dt.date) -> list[Reminder]:
    ids = sorted(criterion_members(db, HARDSHIP) or ())
    occasion = _occasion_named(db, "困难")
    year_start = dt.date(today.year, 1, 1).isoformat()
    rows = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows += db.query(
            f"""SELECT m.id, m.name, m.name_sort FROM members m
                WHERE m.id IN ({', '.join('?' * len(chunk))}) AND m.voided_at IS NULL
                  AND m.status IN ('在册', '退休')
                  AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.member_id = m.id AND v.voided_at IS NULL
                                  AND v.visit_date BETWEEN ? AND ?)""", [*chunk, year_start, today.isoformat()])
    return [Reminder("hardship_no_visit", r["id"], r["name"], today.isoformat(),
                     f"{r['name']}在困难职工档案中，{today.year}年尚未走访慰问", "record_visit",
                     occasion[1] if occasion else "")
            for r in sorted(rows, key=lambda r: (r["name_sort"], r["id"]))]


def _birthdays(db, today: dt.date) -> list[Reminder]:
    occasion = _occasion_named(db, "生日")
    if occasion is None or not db.execute("SELECT 1 FROM visits WHERE occasion_id = ? AND voided_at IS NULL LIMIT 1",
                                          [occasion[0]]).fetchone():
        return []
    next_month = add_months(today.replace(day=1), 1)
    months = {today.month: today.year, next_month.month: next_month.year}  # month -> the birthday's year
    visited = {(r[0], r[1]) for r in db.execute(
        """SELECT member_id, CAST(substr(coalesce(visit_date, event_date), 1, 4) AS INTEGER) FROM visits
           WHERE occasion_id = ? AND voided_at IS NULL AND coalesce(visit_date, event_date) BETWEEN ? AND ?""",
        [occasion[0], f"{today.year}-01-01", f"{next_month.year}-12-31"])}
    result = []
    for row in db.query(
            f"""SELECT id, name, birth_date FROM members
                WHERE voided_at IS NULL AND status IN ('在册', '退休') AND birth_date IS NOT NULL
                  AND substr(birth_date, 6, 2) IN ({', '.join('?' * len(months))})""",
            [f"{m:02d}" for m in months]):
        birth = dt.date.fromisoformat(row["birth_date"])
        year = months[birth.month]
        if (row["id"], year) in visited:
            continue
        day = add_years(birth, year - birth.year)
        age = age_on(birth, day)
        text = (f"{row['name']}将于{day.isoformat()}过{age}岁生日" if day >= today
                else f"{row['name']}已于{day.isoformat()}过{age}岁生日，尚未登记生日慰问")
        result.append(Reminder("birthday", row["id"], row["name"], day.isoformat(), text, "record_visit",
                               occasion[1]))
    return sorted(result, key=lambda r: (r.date, r.member_id))


def reminders(db: sqlite_utils.Database, *, today: dt.date | None = None, retirement_months: int | None = None,
              kinds=None) -> list[Reminder]:
    """Every reminder of the given ``kinds`` (default: all of :data:`KINDS`), in the order of KINDS.

    ``retirement_months`` defaults to the union's setting (6 unless the officer changed it).
    """
    today = today or dt.date.today()
    if retirement_months is None:
        retirement_months = retirement_reminder_months(db)
    known = all_kinds()
    wanted = set(known if kinds is None else kinds)
    unknown = wanted - set(known)
    if unknown:
        raise ValueError(f"unknown reminder kinds {sorted(unknown)}; known: {known}")
    result: list[Reminder] = []
    if wanted & {"retirement_passed", "retirement", "retirement_unknown"}:
        result += _retirements(db, today, retirement_months, wanted)
    if "pending_event" in wanted:
        result += _pending_events(db)
    if "hospital_follow_up" in wanted:
        result += _hospital_follow_ups(db, today)
    if "hardship_no_visit" in wanted:
        result += _hardship_without_visit(db, today)
    if "birthday" in wanted:
        result += _birthdays(db, today)
    for kind, provider in _REGISTERED.items():
        if kind in wanted:
            result += provider(db, today)
    return result
