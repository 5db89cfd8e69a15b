"""Importing historical events (活动竞赛), their participants and results from Excel or CSV.

The same three steps as the other importers (:mod:`gonghui_desk.importing.common`), so the same
wizard and command line drive it.

The sheet (:func:`write_events_template` writes a blank one): **one row per person taking part**, or per
award to a unit, with the event's columns repeated on every row of the event:

- 活动名称 (required): the event's name; "第3届职工技能大赛" with an empty 届次 is read as 第3届 of 职工技能大赛
- 届次: 3, "第3届", "三", "首届" (empty: no edition)
- 活动类型: from the 活动类型 list (技能大赛 → 技能比武, 运动会 → 文体活动…); when empty it is worked out from
  the name ("知识竞赛", "篮球赛"…) with a warning, else it is an error
- 开始日期 (required): a date; "2025-05-10至2025-05-12" gives the end date too
- 结束日期: empty for a one-day event
- 主办方: 本会 / 上级 / 外单位 (empty: 本会; with a 主办单位 that is a 工会 other than this one: 上级, with a warning)
- 主办单位: the upstream or outside organiser (needed unless 本会)
- 节日: from the 节日 list (三八妇女节 → 三八, 国庆节 → 国庆…)
- 地点, 活动备注: text
- 经费（元）: the event's cost, given once (on any row of the event; rows that give it must agree)
- 状态: 计划 / 已举办 / 已取消 (empty: 已举办 when the event has started by today, else 计划)
- 项目: the item (项目/工种); empty: the event as a whole
- 团体项目: 是/否 (团体/个人); empty: an item is a 团体项目 when its rows have a 队名
- 队名: rows with the same 队名 form one team of the event; its members are those rows' persons
- 队长: 是 on the captain's row (one per team)
- 姓名, 身份证号, 部门: the member, found in the roster by ID number, else by name (部门 tells namesakes apart)
  through :class:`~gonghui_desk.importing.common.MemberMatcher`
- 比赛阶段: from the 比赛阶段 list (初赛/复赛/决赛), empty for a one-round event
- 名次, 获奖等级, 奖金（元）: the result (名次 "1" or "第一名", 等级 from the 获奖等级 list)
- 推荐上级, 上级比赛, 上级比赛结果: sent on to the upstream round (是/否), that round and its result; an
  upstream round or result alone means 推荐上级 = 是
- 获奖单位: an award without a person (组织奖 to "本会" or a department): no 姓名 or 队名 on that row
- 备注: the result's notes (a row without a result has no place for them: warned, not imported)

Unknown list values (活动类型, 节日, 比赛阶段, 获奖等级) are errors, as in the other importers: add them in
设置 → 选项表 first. Money is 元 in the sheet (never negative), 分 in the database.

How rows become records:

* Rows group into an event by (活动名称, 届次, 开始日期). A live event already recorded with the same key is
  reused: the sheet's other event columns are compared with it and differences are shown as a warning
  (they are not written: correct the event in the app). The event's columns on its rows must agree
  (empty cells do not count); otherwise the event and all its rows are invalid.
* Items are created by name within the event; a team item takes teams only, any other item persons only.
* A team's result may be written on each of its rows (or on one of them, or on a row with only the 队名):
  the values must agree, and make one result of the team's entry at that stage.
* A person's rows in the same item are one entry; several stages give several results (the values of rows
  for the same stage must agree, and when one of them is invalid the others drop too). A row that only
  repeats an entry is "unchanged", with a warning. A member who was not 在册 on the event's start date
  is entered with a warning (the store's rule).
* Anything already recorded (the event, item, team and its members, entry, result) is not written again,
  so importing the same sheet twice gives all "unchanged" the second time. A stored result that differs
  from the sheet is shown as a warning and kept.
* Computed figures (人次, 人数, 获奖人次…) are never imported; such columns are left unmapped.

Whole groups drop together: a problem with the event's columns makes every row of the event invalid, and
a problem on any row of a team makes every row of that team invalid (so ``--skip-invalid`` never imports
half a team or an event with other values than the sheet's).

``commit_import`` writes through :class:`~gonghui_desk.events.store.EventStore` (create, add_item,
create_team, add_team_members, add_members, add_team, record_result) inside one transaction: all or
nothing (unless the user chose to skip the invalid rows), and a cancel writes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TextIO

import sqlite_utils

from gonghui_desk import value_lists
from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.db.connection import transaction
from gonghui_desk.db.member_queries import status_on_sql
from gonghui_desk.errors import UserError
from gonghui_desk.events.register import event_title
from gonghui_desk.events.store import EVENT_STATUSES, ORGANISER_KINDS, EventInput, EventStore, ResultInput
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
    unreadable_cells,
)
from gonghui_desk.importing.headers import build_synonyms
from gonghui_desk.importing.spreadsheet import cell_text
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel, no_progress
from gonghui_desk.money import MoneyParseError, parse_money, yuan_text
from gonghui_desk.union import load_profile, sub_units

EVENT_IMPORT_FIELDS: dict[str, str] = {
    "event_name": "活动名称", "edition": "届次", "kind": "活动类型", "start_date": "开始日期", "end_date": "结束日期",
    "organiser_kind": "主办方", "organiser": "主办单位", "holiday": "节日", "venue": "地点", "cost": "经费（元）",
    "status": "状态", "event_notes": "活动备注",
    "item": "项目", "team_item": "团体项目", "team": "队名", "captain": "队长",
    "name": "姓名", "id_number": "身份证号", "sub_unit": "部门",
    "stage": "比赛阶段", "rank": "名次", "grade": "获奖等级", "prize": "奖金（元）", "promoted": "推荐上级",
    "upstream_round": "上级比赛", "upstream_result": "上级比赛结果", "awardee": "获奖单位", "notes": "备注",
}
REQUIRED_COLUMNS = ("event_name", "start_date")

EVENT_SYNONYMS: dict[str, tuple[str, ...]] = build_synonyms(EVENT_IMPORT_FIELDS, {
    "event_name": ("活动名称", "活动", "比赛名称", "竞赛名称", "活动/比赛名称", "赛事名称", "赛事"),
    "edition": ("届次", "届", "第几届", "届别"),
    "kind": ("活动类型", "类型", "活动类别", "类别", "活动种类"),
    "start_date": ("开始日期", "日期", "活动日期", "举办日期", "开始时间", "活动时间", "举办时间", "比赛日期", "时间"),
    "end_date": ("结束日期", "结束时间", "截止日期"),
    "organiser_kind": ("主办方", "主办", "主办类型", "主办方类型"),
    "organiser": ("主办单位", "组织单位", "主办机构", "举办单位", "上级主办单位"),
    "holiday": ("节日", "节日活动", "节庆"),
    "venue": ("地点", "活动地点", "举办地点", "场地", "比赛地点"),
    "cost": ("经费（元）", "经费", "活动经费", "费用", "经费支出", "活动费用"),
    "status": ("状态", "活动状态", "举办情况"),
    "event_notes": ("活动备注", "活动说明"),
    "item": ("项目", "比赛项目", "项目名称", "竞赛项目", "工种", "项目/工种", "参赛项目"),
    "team_item": ("团体项目", "是否团体项目", "个人/团体", "团体/个人", "项目类型"),
    "team": ("队名", "队伍", "队伍名称", "参赛队", "代表队", "所在队伍", "参赛队伍"),
    "captain": ("队长", "是否队长"),
    "name": ("姓名", "参赛人员", "参加人员", "选手", "参赛选手", "选手姓名", "会员姓名", "职工姓名", "获奖人", "参赛者"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证"),
    "sub_unit": ("部门", "所在部门", "单位", "所在单位", "科室", "分工会", "部门/科室"),
    "stage": ("比赛阶段", "阶段", "赛段", "轮次"),
    "rank": ("名次", "排名", "成绩名次"),
    "grade": ("获奖等级", "等级", "奖项", "获奖情况", "奖次", "获奖"),
    "prize": ("奖金（元）", "奖金", "奖金金额", "奖励金额", "奖励"),
    "promoted": ("推荐上级", "是否推荐", "推荐参加上级比赛", "是否推荐上级", "晋级"),
    "upstream_round": ("上级比赛", "推荐参加", "上级赛事", "推荐参加的比赛"),
    "upstream_result": ("上级比赛结果", "上级成绩", "上级获奖", "上级比赛成绩"),
    "awardee": ("获奖单位", "获奖集体", "获奖组织"),
    "notes": ("备注", "说明"),
})

# the event's own columns (repeated on its rows) and the result's
EVENT_COLUMNS = ("kind", "end_date", "organiser_kind", "organiser", "holiday", "venue", "cost", "status",
                 "event_notes")
RESULT_COLUMNS = ("rank", "grade", "prize", "promoted", "upstream_round", "upstream_result")
# EventStore's fields -> the sheet's
STORE_FIELDS = {"name": "event_name", "cost_fen": "cost", "notes": "event_notes"}
PROBLEM_LABELS = {**EVENT_IMPORT_FIELDS, "cost": "经费", "prize": "奖金", "event": "所属活动", "duplicate": "重复",
                  "existing": "已有记录", "result": "成绩"}

YES_TEXTS = {"是", "√", "✓", "✔", "1", "y", "yes", "true", "是的", "有"}
NO_TEXTS = {"否", "×", "✗", "0", "n", "no", "false", "不是", "无", "/", "-", "—"}
TEAM_TEXTS = {"团体", "团体项目", "集体", "团队"}
PERSON_TEXTS = {"个人", "个人项目", "单人"}
ORGANISER_ALIASES: dict[str, str] = {
    **dict.fromkeys(("本会", "我会", "本工会", "本单位", "工会", "本级", "自办", "本会主办"), "本会"),
    **dict.fromkeys(("上级", "上级工会", "上级主办", "上级组织", "上级单位"), "上级"),
    **dict.fromkeys(("外单位", "外部", "其他单位", "外单位主办", "兄弟单位", "社会组织"), "外单位"),
}
STATUS_ALIASES: dict[str, str] = {
    **dict.fromkeys(("已举办", "举办", "已办", "已完成", "完成", "已结束", "结束", "已开展", "开展", "已举行", "举行"),
                    "已举办"),
    **dict.fromkeys(("计划", "计划中", "筹备", "筹备中", "拟办", "拟举办", "未开始", "待举办"), "计划"),
    **dict.fromkeys(("已取消", "取消", "停办", "已停办"), "已取消"),
}
# common spellings of the default list values (used only when the value is configured)
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "event.kind": {
        **dict.fromkeys(("技能竞赛", "技能大赛", "技术比武", "技能比赛", "职业技能竞赛"), "技能比武"),
        **dict.fromkeys(("文体", "体育活动", "运动会", "文化活动", "体育比赛", "文体比赛"), "文体活动"),
        **dict.fromkeys(("演出", "文艺汇演", "文艺活动", "汇演", "文艺晚会", "晚会"), "文艺演出"),
        **dict.fromkeys(("讲座", "培训", "讲座培训", "培训班", "讲座、培训", "讲座和培训"), "讲座/培训"),
        **dict.fromkeys(("疗养", "休养", "疗休养活动"), "疗休养"),
        **dict.fromkeys(("竞赛", "劳动竞赛活动"), "劳动竞赛"),
        **dict.fromkeys(("练兵",), "岗位练兵"),
        **dict.fromkeys(("安康杯竞赛", "安康杯知识竞赛"), "安康杯"),
    },
    "event.holiday": {
        **dict.fromkeys(("三八节", "三八妇女节", "妇女节", "国际劳动妇女节", "三·八"), "三八"),
        **dict.fromkeys(("五一节", "劳动节", "五一劳动节", "国际劳动节", "五·一"), "五一"),
        **dict.fromkeys(("五四青年节", "青年节", "五·四"), "五四"),
        **dict.fromkeys(("七一建党节", "建党节", "七·一"), "七一"),
        **dict.fromkeys(("中秋节",), "中秋"), **dict.fromkeys(("国庆节",), "国庆"),
        **dict.fromkeys(("重阳节", "老人节"), "重阳"), **dict.fromkeys(("元旦节",), "元旦"),
        **dict.fromkeys(("教师", "教师节"), "教师节"), **dict.fromkeys(("春节", "过年"), "春节"),
    },
    "event.stage": {"预赛": "初赛", "初选": "初赛", "总决赛": "决赛"},
    "event.grade": {"优秀": "优秀奖", "鼓励奖": "优秀奖", "技术能手称号": "技术能手", "十佳选手": "十佳"},
}
# words of an event's name that say its kind, for an empty 活动类型 (the first that fits wins)
KIND_HINTS = (("安康杯", "安康杯"), ("知识竞赛", "知识竞赛"), ("知识竞答", "知识竞赛"), ("比武", "技能比武"),
              ("技能", "技能比武"), ("练兵", "岗位练兵"), ("劳动竞赛", "劳动竞赛"), ("疗休养", "疗休养"),
              ("疗养", "疗休养"), ("讲座", "讲座/培训"), ("培训", "讲座/培训"), ("演出", "文艺演出"),
              ("汇演", "文艺演出"), ("晚会", "文艺演出"), ("合唱", "文艺演出"), ("运动会", "文体活动"),
              ("篮球", "文体活动"), ("足球", "文体活动"), ("排球", "文体活动"), ("乒乓", "文体活动"),
              ("羽毛球", "文体活动"), ("拔河", "文体活动"), ("登山", "文体活动"), ("健步走", "文体活动"),
              ("趣味", "文体活动"), ("棋", "文体活动"), ("跳绳", "文体活动"))
UNION_WORDS = ("本会", "我会", "本工会", "工会", "本单位工会")
_LIST_KEYS = {"kind": "event.kind", "holiday": "event.holiday", "stage": "event.stage", "grade": "event.grade"}
_LIST_LABELS = {"kind": "活动类型", "holiday": "节日", "stage": "比赛阶段", "grade": "获奖等级"}
_CHINESE_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_EDITION_IN_NAME = re.compile(r"^第(\d+|[一二两三四五六七八九十]+)届(.+)$")
_DATE_RANGE = re.compile(r"^(.+?)\s*(?:至|到|~|～|—|–|--)\s*(.+)$")


# --- the plan ------------------------------------------------------------------------------------------------
@dataclass
class PlannedEventRow:
    row_number: int  # the file's row number (what Excel shows)
    action: str  # "new" (the row adds something) | "unchanged" (all of it is there already) | "invalid"
    name: str  # the person, the team (a row with only a 队名), the awardee, or the event (a row with none)
    sub_unit_path: str  # the member's department, or the sheet's 部门
    event: str  # the event's title ("第3届职工技能大赛")
    start_date: str
    item: str
    team: str  # 队名, "一车间队（队长）" on the captain's row
    result: str  # the row's result as text ("决赛 第1名 一等奖 奖金500元")
    member_id: int | None
    problems: list[RowProblem]
    writes: list[str] = field(default_factory=list)  # what importing the row adds ("新建活动", "报名“100米”"…)


@dataclass
class PlannedTeam:
    name: str
    existing_id: int | None
    member_ids: list[int]  # a new team: its members; an existing one: the members to add
    captain_member_id: int | None = None
    sub_unit_id: int | None = None
    row_number: int = 0


@dataclass
class PlannedResult:
    row_number: int
    target: str  # "member" | "team" | "awardee"
    item: str | None  # the item's name (None: the event as a whole)
    who: int | str  # the member's id, the team's name, or the awardee
    data: ResultInput  # participant_id is filled in when written


@dataclass
class PlannedEvent:
    """What importing writes for one event: only what its valid rows need and the database lacks."""

    title: str
    start_date: str
    first_row: int
    existing_id: int | None
    data: EventInput | None  # the event to create (None when reused)
    items: list[tuple[str, bool, int]] = field(default_factory=list)  # new items: (name, team item, row)
    teams: list[PlannedTeam] = field(default_factory=list)  # new teams, and members added to existing ones
    entries: list[tuple[str | None, int, int]] = field(default_factory=list)  # (item, member id, row)
    team_entries: list[tuple[str | None, str, int]] = field(default_factory=list)  # (item, team name, row)
    results: list[PlannedResult] = field(default_factory=list)

    def has_work(self) -> bool:
        return bool(self.data is not None or self.items or self.teams or self.entries or self.team_entries
                    or self.results)


@dataclass
class EventImportTotals:
    events_created: int = 0
    events_reused: int = 0  # recorded events the sheet adds items, teams, entries or results to
    items: int = 0
    teams: int = 0  # new teams
    team_members: int = 0  # members of the new teams and members added to recorded teams
    entries: int = 0  # individual entries (人次)
    team_entries: int = 0
    results: int = 0  # results of persons and teams, and awards to units


@dataclass
class EventImportPlan(ImportPlanBase):
    ACTIONS = ("new", "unchanged", "invalid")

    today: dt.date
    events: list[PlannedEvent] = field(default_factory=list)
    reused_event_ids: set[int] = field(default_factory=set)

    def totals(self) -> EventImportTotals:
        totals = EventImportTotals(events_reused=len(self.reused_event_ids))
        for event in self.events:
            totals.events_created += event.data is not None
            totals.items += len(event.items)
            totals.teams += sum(1 for t in event.teams if t.existing_id is None)
            totals.team_members += sum(len(t.member_ids) for t in event.teams)
            totals.entries += len(event.entries)
            totals.team_entries += len(event.team_entries)
            totals.results += len(event.results)
        return totals

    def persons(self) -> int:
        """Distinct members among the rows to import (人)."""
        return len({row.member_id for row in self.rows if row.action == "new" and row.member_id})


def open_source(path, *, sheet: str | None = None, is_cancelled: IsCancelled | None = None) -> ImportSource:
    return read_source(path, EVENT_SYNONYMS, sheet=sheet, is_cancelled=is_cancelled)


def plan_import(db: sqlite_utils.Database, source: ImportSource, mapping: dict[int, str] | None = None, *,
                progress: Progress | None = None, is_cancelled: IsCancelled | None = None,
                today: dt.date | None = None) -> EventImportPlan:
    """Check every data row, group the rows into events, items, teams, entries and results, and decide
    what each row does. Reads the database, writes nothing."""
    mapping = dict(sorted((source.mapping if mapping is None else mapping).items()))
    check_mapping(mapping, source.headers, EVENT_IMPORT_FIELDS, form_name="活动导入表", required=REQUIRED_COLUMNS)
    today = today or dt.date.today()
    planner = _Planner(db, today)
    rows = [planner.read(row_number, raw) for row_number, raw in
            data_rows(source, mapping, EVENT_SYNONYMS, progress=progress, is_cancelled=is_cancelled)]
    check_cancel(is_cancelled)
    events = planner.group(rows)
    plan = EventImportPlan(source, mapping, [row.planned for row in rows], today, events, planner.reused)
    for row in rows:
        row.planned.action = "invalid" if row.invalid else "new" if row.planned.writes else "unchanged"
    return plan


# --- reading cells ---------------------------------------------------------------------------------------------
def chinese_number(text: str) -> int | None:
    """"3", "三", "十二", "二十一" -> the number (1–99), else None."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CHINESE_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CHINESE_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_CHINESE_DIGITS[tens] if tens else 1) * 10 + (_CHINESE_DIGITS[ones] if ones else 0)


def _whole_number(value, pattern: str) -> int | None:
    """An integer cell, or text such as "第3届" / "第一名" (``pattern`` with one group), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else None
    match = re.fullmatch(pattern, plain_text(value))
    return chinese_number(match[1]) if match else None


def split_edition(name: str, edition: int | None) -> tuple[str, int | None, bool]:
    """("第3届职工技能大赛", None) -> ("职工技能大赛", 3, True): the edition a name starts with, when the
    届次 is empty or the same; the flag is False when they disagree (the name is kept as it is)."""
    match = _EDITION_IN_NAME.match(name)
    if not match:
        return name, edition, True
    number = chinese_number(match[1])
    if edition is None or edition == number:
        return match[2].strip(), number, True
    return name, edition, False


def _yes_no(value, extra_yes=(), extra_no=()) -> bool | None:
    """True / False, None for an empty cell; raises ValueError for anything else."""
    if isinstance(value, bool):
        return value
    text = plain_text(value).lower()
    if not text:
        return None
    if text in YES_TEXTS or text in extra_yes:
        return True
    if text in NO_TEXTS or text in extra_no:
        return False
    raise ValueError(text)


def _choice(text: str, allowed: list[str], aliases: dict[str, str]) -> str | None:
    """The configured value ``text`` means, or None (a spelling counts only when its value is configured)."""
    digits = text.translate(str.maketrans("123456789", "一二三四五六七八九"))
    for candidate in (text, aliases.get(text), digits, aliases.get(digits), f"{digits}奖",
                      text.removesuffix("节"), aliases.get(text.removesuffix("节"))):
        if candidate and candidate in allowed:
            return candidate
    return None


def _money_shown(fen: int) -> str:
    return f"{yuan_text(fen)}元"


def _shown(key: str, value) -> str:
    if key in ("cost", "prize"):
        return _money_shown(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "rank":
        return f"第{value}名"
    return str(value)


def result_text(stage: str, result: dict) -> str:
    """"决赛 第1名 一等奖 奖金500元 推荐上级：市级决赛（二等奖）" of a row's result fields."""
    parts = [stage] if stage else []
    if result.get("rank") is not None:
        parts.append(f"第{result['rank']}名")
    if result.get("grade"):
        parts.append(result["grade"])
    if result.get("prize"):
        parts.append(f"奖金{_money_shown(result['prize'])}")
    if result.get("promoted") or result.get("upstream_round") or result.get("upstream_result"):
        upstream = "推荐上级"
        if result.get("upstream_round"):
            upstream += f"：{result['upstream_round']}"
        if result.get("upstream_result"):
            upstream += f"（{result['upstream_result']}）"
        parts.append(upstream)
    return " ".join(parts)


def _where(item: str | None, stage: str) -> str:
    """"“拔河”决赛", "“拔河”", "决赛" or "本活动"."""
    text = f"“{item}”" if item else ""
    return text + stage if text or stage else "本活动"


# --- one row of the sheet --------------------------------------------------------------------------------------
@dataclass(eq=False)  # rows are told apart by identity
class _Row:
    number: int
    planned: PlannedEventRow
    key: tuple | None = None  # (name, edition, start_date) of its event
    name: str = ""  # the event's name without its edition
    edition: int | None = None
    start_date: str = ""
    event: dict = field(default_factory=dict)  # the event's columns given on the row (read)
    item: str = ""
    team_item: bool | None = None
    team: str = ""
    captain: bool | None = None
    person: bool = False  # a 姓名 or 身份证号 was given
    member: dict | None = None
    awardee: str = ""
    stage: str = ""
    result: dict = field(default_factory=dict)  # the result's columns given on the row (read)
    notes: str = ""

    @property
    def problems(self) -> list[RowProblem]:
        return self.planned.problems

    @property
    def invalid(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def add(self, key: str, message: str, severity: str = "error") -> None:
        self.problems.append(RowProblem(self.number, key, PROBLEM_LABELS[key], message, severity))

    def has(self, key: str) -> bool:
        return any(p.field == key for p in self.problems)

    @property
    def has_result(self) -> bool:
        r = self.result
        return bool(r.get("rank") is not None or r.get("grade") or r.get("prize") or r.get("promoted")
                    or r.get("upstream_round") or r.get("upstream_result"))

    @property
    def first_result_field(self) -> str:
        return next(key for key in RESULT_COLUMNS if self.result.get(key) not in (None, "", 0, False))

    @property
    def participant(self) -> bool:
        """A person's or a team's row (not an award to a unit, not a row of the event alone)."""
        return (self.person or bool(self.team)) and not self.awardee


class _Stored:
    """What is recorded of an event already: its items, teams, entries and results."""

    def __init__(self, db: sqlite_utils.Database | None = None, event: dict | None = None):
        self.event = event
        self.items: dict[str, dict] = {}
        self.teams: dict[str, dict] = {}
        self.team_members: dict[int, set[int]] = {}
        self.entries: dict[tuple, int] = {}  # (item id, member id) -> entry id
        self.team_entries: dict[tuple, int] = {}  # (item id, team id) -> entry id
        self.results: dict[tuple, dict] = {}  # (entry id, stage) -> result
        self.awards: dict[tuple, dict] = {}  # (awardee, stage, grade) -> result
        if db is None or event is None:
            return
        event_id = event["id"]
        for row in db.query("SELECT * FROM event_items WHERE event_id = ? AND voided_at IS NULL ORDER BY id",
                            [event_id]):
            self.items.setdefault(row["name"], row)
        for row in db.query("SELECT * FROM event_teams WHERE event_id = ? AND voided_at IS NULL ORDER BY id",
                            [event_id]):
            self.teams.setdefault(row["name"], row)
            self.team_members[row["id"]] = set()
        for team_id, member_id in db.execute(
                "SELECT tm.team_id, tm.member_id FROM event_team_members tm JOIN event_teams t ON t.id = tm.team_id "
                "WHERE t.event_id = ? AND tm.voided_at IS NULL", [event_id]):
            self.team_members.setdefault(team_id, set()).add(member_id)
        for row in db.query("SELECT id, item_id, member_id, team_id FROM event_participants "
                            "WHERE event_id = ? AND voided_at IS NULL", [event_id]):
            if row["member_id"] is not None:
                self.entries[(row["item_id"], row["member_id"])] = row["id"]
            else:
                self.team_entries[(row["item_id"], row["team_id"])] = row["id"]
        for row in db.query("SELECT * FROM event_results WHERE event_id = ? AND voided_at IS NULL ORDER BY id",
                            [event_id]):
            if row["participant_id"] is not None:
                self.results.setdefault((row["participant_id"], row["stage"]), row)
            else:
                self.awards.setdefault((row["awardee"], row["stage"], row["grade"]), row)

    def item_id(self, name: str | None) -> int | None:
        item = self.items.get(name) if name else None
        return item["id"] if item else None

    def entry_of(self, item: str | None, member_id: int) -> int | None:
        """The live entry of a member in the item (None: the event as a whole), if recorded."""
        if item and item not in self.items:
            return None
        return self.entries.get((self.item_id(item), member_id))

    def team_entry_of(self, item: str | None, team: str) -> int | None:
        stored = self.teams.get(team)
        if stored is None or (item and item not in self.items):
            return None
        return self.team_entries.get((self.item_id(item), stored["id"]))


# --- checking ----------------------------------------------------------------------------------------------------
class _Planner:
    def __init__(self, db: sqlite_utils.Database, today: dt.date):
        self.db = db
        self.today = today
        self.store = EventStore(db, today=today)
        self.members = MemberMatcher(db, record="活动记录")
        self.lists = {key: value_lists.values(db, list_key) for key, list_key in _LIST_KEYS.items()}
        self.units = sub_units(db)
        self.union_name = load_profile(db).name
        self.recorded: dict[tuple, dict] = {}
        for row in db.query("SELECT * FROM events WHERE voided_at IS NULL ORDER BY id"):
            name, edition, _ok = split_edition(row["name"], row["edition"])
            self.recorded.setdefault((name, edition, row["start_date"]), row)
        self.status_cache: dict[tuple, str | None] = {}
        self.reused: set[int] = set()

    # --- pass 1: each row on its own --------------------------------------------------------------------------
    def read(self, row_number: int, raw: dict) -> _Row:
        planned = PlannedEventRow(row_number, "invalid", "", cell_text(raw.get("sub_unit")), "", "", "", "", "",
                                  None, [])
        row = _Row(row_number, planned)
        for key, message in unreadable_cells(raw):
            row.add(key, message)
        self._read_event(row, raw)
        self._read_participant(row, raw)
        self._read_result(row, raw)
        planned.item = row.item
        planned.team = f"{row.team}（队长）" if row.team and row.captain else row.team
        planned.result = result_text(row.stage, row.result)
        planned.name = (row.member["name"] if row.member else person_name(raw.get("name")) if row.person
                        else row.team or row.awardee or planned.event)
        return row

    def _read_event(self, row: _Row, raw: dict) -> None:
        add = row.add
        name = cell_text(raw.get("event_name"))
        edition = None
        if raw.get("edition") is not None:
            edition = 1 if plain_text(raw.get("edition")) == "首届" else \
                _whole_number(raw.get("edition"), r"第?(\d+|[一二两三四五六七八九十]+)届?")
            if edition is None:
                add("edition", f"“{cell_text(raw.get('edition'))}”不是届次，请填写数字，如 3（表示第3届）")
            elif edition < 1:
                add("edition", "届次应为不小于1的整数，或不填")
        if not name:
            add("event_name", "请填写活动名称（同一活动的每一行都要填写）")
        else:
            name, split, agrees = split_edition(name, edition)
            if not agrees:
                add("edition", f"届次 {edition} 与活动名称中的届次不一致")
            edition = split
        start, end = self._dates(row, raw)
        if raw.get("start_date") is None:
            add("start_date", "请填写开始日期（同一活动的每一行都要填写）")
        row.name, row.edition, row.start_date = name, edition, start or ""
        row.planned.event = event_title(name, edition) if name else ""
        row.planned.start_date = row.start_date
        if name and start and not row.has("edition"):
            row.key = (name, edition, start)
        values = row.event
        if end:
            values["end_date"] = end
        for key in ("organiser", "venue", "event_notes"):
            if cell_text(raw.get(key)):
                values[key] = cell_text(raw.get(key))
        for key in ("kind", "holiday"):
            value = self._list_value(row, key, raw.get(key))
            if value:
                values[key] = value
        text = plain_text(raw.get("organiser_kind"))
        if text:
            kind = text if text in ORGANISER_KINDS else ORGANISER_ALIASES.get(text)
            if kind is None:
                add("organiser_kind", f"“{cell_text(raw.get('organiser_kind'))}”应为：{'、'.join(ORGANISER_KINDS)}")
            else:
                values["organiser_kind"] = kind
        text = plain_text(raw.get("status"))
        if text:
            status = text if text in EVENT_STATUSES else STATUS_ALIASES.get(text)
            if status is None:
                add("status", f"“{cell_text(raw.get('status'))}”应为：{'、'.join(EVENT_STATUSES)}"
                              "（不填时按开始日期：已开始的为已举办，其余为计划）")
            else:
                values["status"] = status
        cost = self._money(row, "cost", raw.get("cost"))
        if cost is not None:
            values["cost"] = cost

    def _dates(self, row: _Row, raw: dict) -> tuple[str | None, str | None]:
        start_raw, end_raw = raw.get("start_date"), raw.get("end_date")
        if isinstance(start_raw, str) and end_raw is None:
            match = _DATE_RANGE.match(start_raw.strip())
            if match and re.search(r"\d", match[2]):
                start_raw, end_raw = match[1], match[2]
        days = []
        for key, value in (("start_date", start_raw), ("end_date", end_raw)):
            try:
                day = parse_date(value)
            except DateParseError as exc:
                row.add(key, str(exc))
                day = None
            days.append(day.isoformat() if day else None)
        return days[0], days[1]

    def _list_value(self, row: _Row, key: str, value) -> str:
        """A value of one of the event lists; an unknown one is an error (add it in the settings first)."""
        text = plain_text(value)
        if not text:
            return ""
        allowed = self.lists[key]
        chosen = _choice(text, allowed, VALUE_ALIASES[_LIST_KEYS[key]])
        if chosen is None:
            row.add(key, f"“{cell_text(value)}”不是可选的{_LIST_LABELS[key]}（可选：{'、'.join(allowed)}）；"
                         "如确需使用，请先在“设置 → 选项表”中添加")
            return ""
        return chosen

    @staticmethod
    def _money(row: _Row, key: str, value) -> int | None:
        """An amount in 分 (a negative one, or text that is no amount, is reported)."""
        try:
            return parse_money(value)
        except MoneyParseError as exc:
            row.add(key, str(exc))
            return None

    @staticmethod
    def _flag(row: _Row, key: str, value, extra_yes=(), extra_no=(), hint: str = "") -> bool | None:
        try:
            return _yes_no(value, extra_yes, extra_no)
        except ValueError:
            row.add(key, f"“{cell_text(value)}”应填“是”或“否”{hint}")
            return None

    def _read_participant(self, row: _Row, raw: dict) -> None:
        row.item = cell_text(raw.get("item"))
        row.team_item = self._flag(row, "team_item", raw.get("team_item"), TEAM_TEXTS, PERSON_TEXTS,
                                   "（也可填“团体”或“个人”）")
        row.team = cell_text(raw.get("team"))
        row.captain = self._flag(row, "captain", raw.get("captain"), {"队长"})
        row.awardee = cell_text(raw.get("awardee"))
        name = person_name(raw.get("name"))
        id_raw = raw.get("id_number")
        row.person = bool(name) or id_raw is not None
        if row.awardee and (row.person or row.team):
            row.add("awardee", "获奖单位与姓名、队名只填一项（个人或队伍的成绩不要填写获奖单位）")
            return
        if row.awardee and row.item:
            row.add("item", "获奖单位的成绩不分项目，本行的项目不导入", "warning")
            row.item = ""
        if row.person:
            row.member = self.members.find(name, id_raw, cell_text(raw.get("sub_unit")), row.add)
            if row.member is not None:
                row.planned.member_id = row.member["id"]
                row.planned.sub_unit_path = self.members.path_of(row.member)
        if row.captain and not row.team:
            row.add("captain", "没有填写队名：“队长”只用于队伍的队员")
        elif row.captain and not row.person:
            row.add("captain", "队长应为队员：请在队长本人的行上填写“是”")

    def _read_result(self, row: _Row, raw: dict) -> None:
        row.stage = self._list_value(row, "stage", raw.get("stage"))
        result = row.result
        if raw.get("rank") is not None:
            rank = _whole_number(raw.get("rank"), r"第?(\d+|[一二两三四五六七八九十]+)名?")
            if rank is None or rank < 1:
                row.add("rank", f"“{cell_text(raw.get('rank'))}”不是名次，名次应为不小于1的整数（如 1 或“第一名”）")
            else:
                result["rank"] = rank
        grade = self._list_value(row, "grade", raw.get("grade"))
        if grade:
            result["grade"] = grade
        prize = self._money(row, "prize", raw.get("prize"))
        if prize:
            result["prize"] = prize
        promoted = self._flag(row, "promoted", raw.get("promoted"), {"推荐", "已推荐", "晋级"}, {"不推荐", "未推荐"})
        for key in ("upstream_round", "upstream_result"):
            if cell_text(raw.get(key)):
                result[key] = cell_text(raw.get(key))
        upstream = bool(result.get("upstream_round") or result.get("upstream_result"))
        if promoted is False and upstream:
            row.add("promoted", "填写了上级比赛或其结果，推荐上级应为“是”")
        elif promoted is not None or upstream:
            result["promoted"] = bool(promoted) or upstream
        row.notes = cell_text(raw.get("notes"))
        if row.has_result and not (row.participant or row.awardee):
            row.add(row.first_result_field, "成绩请填写在参赛人员、队伍或获奖单位的行上（本行没有姓名、队名或获奖单位）")
        elif row.awardee and not row.has_result and not row.invalid:
            row.add("awardee", f"请填写获奖单位“{row.awardee}”的获奖等级、名次或奖金")
        elif row.notes and not row.has_result:
            row.add("notes", "备注随成绩登记；本行没有成绩，备注不导入", "warning")

    # --- pass 2: events, items, teams, entries, results ---------------------------------------------------------
    def group(self, rows: list[_Row]) -> list[PlannedEvent]:
        groups: dict[tuple, list[_Row]] = {}
        for row in rows:
            if row.key is not None:
                groups.setdefault(row.key, []).append(row)
        return [event for key, members in groups.items() if (event := self._event(key, members)) is not None]

    def _event(self, key: tuple, rows: list[_Row]) -> PlannedEvent | None:
        name, edition, start = key
        stored_row = self.recorded.get(key)
        stored = _Stored(self.db, stored_row) if stored_row else _Stored()
        title = event_title(name, edition)
        values, first = _merge(rows, EVENT_COLUMNS, lambda row, k: row.event.get(k), "同一活动各行")
        data = self._event_input(name, edition, start, values, first, rows, stored_row is not None)
        if stored_row is None:
            _values, errors = self.store.normalize(data)
            for error in errors:
                column = STORE_FIELDS.get(error.field, error.field)
                target = next((r for r in rows if r.number == first.get(column)), rows[0])
                if not target.has(column) and not (column in ("kind", "holiday") and any(r.has(column) for r in rows)):
                    target.add(column, error.message)
        event_fields = (*EVENT_COLUMNS, "start_date", "edition")
        bad_rows = [r for r in rows if any(p.severity == "error" and p.field in event_fields for p in r.problems)]
        if bad_rows:
            for row in rows:
                if row not in bad_rows:
                    row.add("event", f"活动“{title}”（{start}）有错误（见第{bad_rows[0].number}行），该活动的各行都不导入")
            return None
        if stored_row is not None:
            self._compare_event(stored_row, data, values, rows[0])
        status = stored_row["status"] if stored_row else data.status
        planned = PlannedEvent(title, start, rows[0].number, stored_row["id"] if stored_row else None,
                               None if stored_row else data)
        context = _EventContext(self, planned, stored, status, stored_row["name"] if stored_row else name, start)
        context.check(rows)
        context.build(rows)
        if stored_row is not None and planned.has_work():
            self.reused.add(stored_row["id"])
        return planned if planned.has_work() else None

    def _event_input(self, name: str, edition: int | None, start: str, values: dict, first: dict,
                     rows: list[_Row], recorded: bool) -> EventInput:
        """The event the rows describe; for a recorded event only what the sheet gives is compared."""
        def row_of(key: str) -> _Row:
            return next((r for r in rows if r.number == first.get(key)), rows[0])

        kind = values.get("kind", "")
        if not kind and not recorded and not any(r.has("kind") for r in rows):
            kind = self._kind_from_name(name)
            if kind:
                rows[0].add("kind", f"表中未填活动类型，按活动名称定为“{kind}”，请核对", "warning")
            else:
                rows[0].add("kind", f"请填写活动类型（可选：{'、'.join(self.lists['kind'])}）")
        organiser = values.get("organiser", "")
        organiser_kind = values.get("organiser_kind", "")
        if not organiser_kind:
            organiser_kind = "本会"
            if organiser and not recorded and not self._is_union(organiser):
                if "工会" in organiser or "上级" in organiser:
                    organiser_kind = "上级"
                    row_of("organiser").add("organiser_kind", f"表中未填主办方，按主办单位“{organiser}”定为“上级”，请核对",
                                            "warning")
                else:
                    row_of("organiser").add("organiser_kind", f"填写了主办单位“{organiser}”，请在主办方中注明“上级”或“外单位”")
        status = values.get("status") or ("已举办" if start <= self.today.isoformat() else "计划")
        return EventInput(name=name, kind=kind, start_date=start, end_date=values.get("end_date"), edition=edition,
                          organiser_kind=organiser_kind, organiser=organiser, holiday=values.get("holiday", ""),
                          venue=values.get("venue", ""), cost_fen=values.get("cost", 0), status=status,
                          notes=values.get("event_notes", ""))

    def _kind_from_name(self, name: str) -> str:
        allowed = self.lists["kind"]
        for kind in sorted(allowed, key=len, reverse=True):
            if len(kind) >= 2 and kind in name:
                return kind
        return next((kind for word, kind in KIND_HINTS if word in name and kind in allowed), "")

    def _is_union(self, name: str) -> bool:
        return name in UNION_WORDS or bool(self.union_name and (name == self.union_name or (
            len(name) >= 4 and (name in self.union_name or self.union_name in name))))

    def _compare_event(self, stored: dict, data: EventInput, values: dict, first_row: _Row) -> None:
        """Warn about the event's columns the sheet has otherwise than the recorded event (kept as it is)."""
        sheet = {"kind": data.kind, "end_date": data.end_date, "organiser_kind": data.organiser_kind,
                 "organiser": data.organiser, "holiday": data.holiday, "venue": data.venue, "cost": data.cost_fen,
                 "status": data.status, "event_notes": data.notes}
        columns = {"cost": "cost_fen", "event_notes": "notes"}
        differences = []
        for key in EVENT_COLUMNS:
            if key not in values or (key == "organiser" and data.organiser_kind == "本会"):
                continue
            new, old = sheet[key], stored[columns.get(key, key)]
            if (new or None) == (old or None):
                continue
            if key == "cost":
                new, old = _money_shown(new), _money_shown(old or 0)
            differences.append(f"{PROBLEM_LABELS[key]}（表中“{new or '（空）'}”，系统中“{old or '（空）'}”）")
        if differences:
            first_row.add("existing", f"活动已在系统中（编号 {stored['id']}），沿用已有的活动；表中与系统中不同的项："
                                      f"{'，'.join(differences)}，如需更正请在活动中修改", "warning")


class _EventContext:
    """Checking and planning the rows of one valid event."""

    def __init__(self, planner: _Planner, planned: PlannedEvent, stored: _Stored, status: str, name: str, start: str):
        self.planner = planner
        self.planned = planned
        self.stored = stored
        self.status = status
        self.name = name
        self.start = start
        self.item_flags: dict[str, bool] = {}

    @property
    def cancelled(self) -> bool:
        return self.status == "已取消"

    # --- checks: items, teams, results --------------------------------------------------------------------------
    def check(self, rows: list[_Row]) -> None:
        participants = [r for r in rows if r.participant]
        self._check_items(participants)
        teams: dict[str, list[_Row]] = {}
        for row in participants:
            if row.team:
                teams.setdefault(row.team, []).append(row)
        for team, team_rows in teams.items():
            self._check_team(team, team_rows)
        self._check_results(rows)
        self._check_open(participants)
        # a team drops as a whole
        for team, team_rows in teams.items():
            bad = next((r for r in team_rows if r.invalid), None)
            if bad is not None:
                for row in team_rows:
                    if not row.invalid:
                        row.add("team", f"队伍“{team}”有错误（见第{bad.number}行），全队各行都不导入")

    def _check_items(self, participants: list[_Row]) -> None:
        by_item: dict[str, list[_Row]] = {}
        for row in participants:
            if row.item:
                by_item.setdefault(row.item, []).append(row)
        for item, item_rows in by_item.items():
            stored = self.stored.items.get(item)
            explicit = [r for r in item_rows if r.team_item is not None]
            if stored is not None:
                flag = bool(stored["team_item"])
            elif explicit:
                flag = explicit[0].team_item
            else:
                flag = any(r.team for r in item_rows)
            self.item_flags[item] = flag
            kind = "团体项目" if flag else "个人项目"
            for row in item_rows:
                if row.team_item is not None and row.team_item != flag:
                    if stored is not None:
                        row.add("team_item", f"活动中已有的项目“{item}”是{kind}，与本行不同")
                    else:
                        row.add("team_item", f"项目“{item}”各行不一致：第{explicit[0].number}行为“"
                                             f"{'是' if flag else '否'}”，本行为“{'是' if row.team_item else '否'}”；"
                                             "请改为一致（也可只在一行填写）")
                elif flag and not row.team:
                    row.add("team", f"“{item}”是团体项目，请填写队名（每名队员一行）")
                elif not flag and row.team:
                    row.add("team", f"“{item}”是个人项目，不要填写队名（团体项目请在“团体项目”一栏填“是”）")

    def _check_team(self, team: str, rows: list[_Row]) -> None:
        captains = {}
        for row in rows:
            if row.captain and row.member is not None:
                captains.setdefault(row.member["id"], row)
        if len(captains) > 1:
            named = "，".join(f"第{r.number}行{r.member['name']}" for r in captains.values())
            for row in captains.values():
                row.add("captain", f"队伍“{team}”有{len(captains)}名队长（{named}），每队只能有一名队长")
        if not any(r.person for r in rows) and team not in self.stored.teams:
            rows[0].add("team", f"队伍“{team}”没有队员：请每名队员填写一行（姓名、身份证号或部门）")
        stored = self.stored.teams.get(team)
        if stored is not None and len(captains) == 1:
            captain_id = next(iter(captains))
            if stored["captain_member_id"] != captain_id:
                row = captains[captain_id]
                now = "没有队长" if stored["captain_member_id"] is None else "的队长是" + self.planner.db.execute(
                    "SELECT name FROM members WHERE id = ?", [stored["captain_member_id"]]).fetchone()[0]
                row.add("captain", f"队伍“{team}”在系统中{now}，表中的队长不导入，如需更改请在活动的队伍中修改",
                        "warning")

    def _check_results(self, rows: list[_Row]) -> None:
        """Rows of the same result (a person's or a team's entry at a stage, an award to a unit) must agree."""
        for (target, item, who, stage, _grade), key_rows in self._result_groups(rows).items():
            if target == "team":
                what = f"队伍“{who}”在{_where(item, stage)}的团体成绩"
            elif target == "member":
                what = f"{key_rows[0].member['name']}在{_where(item, stage)}的成绩"
            else:
                what = f"获奖单位“{who}”的成绩"
            with_result = [r for r in key_rows if r.has_result]
            _merge(with_result, RESULT_COLUMNS, lambda row, k: row.result.get(k), f"{what}各行")
            bad = next((r for r in with_result if r.invalid), None)
            if bad is not None and target != "team":  # a team drops as a whole below
                for row in with_result:
                    if not row.invalid:
                        row.add("result", f"与第{bad.number}行是同一成绩（{what}），第{bad.number}行有错误，"
                                          "这几行都不导入")
        future = self.start > self.planner.today.isoformat()
        for row in rows:
            if not row.has_result or not (row.participant or row.awardee) or row.invalid:
                continue
            if self.cancelled:
                row.add(row.first_result_field, f"活动“{self.planned.title}”已取消，不能登记成绩")
            elif future:
                row.add(row.first_result_field, f"活动“{self.planned.title}”{self.start} 才开始，还不能登记成绩")

    @staticmethod
    def _result_groups(rows: list[_Row]) -> dict[tuple, list[_Row]]:
        """The rows of each result: (target, item, who, stage, grade) -> rows. A person's or a team's result
        is one per entry and stage; an award to a unit one per stage and grade (the store's rules)."""
        groups: dict[tuple, list[_Row]] = {}
        for row in rows:
            item = row.item or None
            if row.awardee:
                if row.has_result:
                    groups.setdefault(("awardee", None, row.awardee, row.stage, row.result.get("grade", "")),
                                      []).append(row)
            elif row.participant and row.team:
                groups.setdefault(("team", item, row.team, row.stage, ""), []).append(row)
            elif row.participant and row.member is not None:
                groups.setdefault(("member", item, row.member["id"], row.stage, ""), []).append(row)
        return groups

    def _check_open(self, participants: list[_Row]) -> None:
        """A cancelled event takes no new entries."""
        if not self.cancelled:
            return
        stored = self.stored
        for row in participants:
            item = row.item or None
            if row.team:
                team = stored.teams.get(row.team)
                there = stored.team_entry_of(item, row.team) is not None and (
                    row.member is None or row.member["id"] in stored.team_members.get(team["id"], set()))
            else:
                there = row.member is not None and stored.entry_of(item, row.member["id"]) is not None
            if not there and not row.invalid:
                row.add("team" if row.team else "name", f"活动“{self.planned.title}”已取消，不能再导入参加人员；"
                                                        "如活动照常举办，请先修改活动状态")

    # --- what to write -------------------------------------------------------------------------------------------
    def build(self, rows: list[_Row]) -> None:
        planned, stored = self.planned, self.stored
        valid = [r for r in rows if not r.invalid]
        if not valid:
            planned.data = None
            return
        if planned.data is not None:
            valid[0].planned.writes.append("新建活动")
        new_items: set[str] = set()
        teams: dict[str, PlannedTeam] = {}
        entered: set[tuple] = set()
        first_row_of: dict[tuple, int] = {}
        for row in valid:
            if not row.participant:
                continue
            writes = row.planned.writes
            if row.item and row.item not in stored.items and row.item not in new_items:
                new_items.add(row.item)
                flag = self.item_flags.get(row.item, False)
                planned.items.append((row.item, flag, row.number))
                writes.append(f"新建{'团体' if flag else ''}项目“{row.item}”")
            item = row.item or None
            if row.team:
                self._team_row(row, teams, entered)
            elif row.member is not None:
                key = (item, row.member["id"])
                if stored.entry_of(item, row.member["id"]) is not None or key in entered:
                    if key in entered and not row.has_result:
                        row.add("duplicate", f"与第{first_row_of[key]}行是同一人在{_where(item, '')}的报名，"
                                             "不再重复导入", "warning")
                    continue
                entered.add(key)
                first_row_of[key] = row.number
                planned.entries.append((item, row.member["id"], row.number))
                writes.append(f"报名{_where(item, '')}" if item else "报名")
                self._status_warning(row)
        planned.teams = [t for t in teams.values() if t.existing_id is None or t.member_ids]
        self._build_results(valid)

    def _team_row(self, row: _Row, teams: dict[str, PlannedTeam], entered: set[tuple]) -> None:
        stored, writes = self.stored, row.planned.writes
        stored_team = stored.teams.get(row.team)
        team = teams.get(row.team)
        if team is None:
            team = teams[row.team] = PlannedTeam(row.team, stored_team["id"] if stored_team else None, [],
                                                 row_number=row.number, sub_unit_id=self._team_unit(row.team))
            if stored_team is None:
                writes.append(f"新建队伍“{row.team}”")
        if row.member is not None:
            member_id = row.member["id"]
            known = stored.team_members.get(stored_team["id"], set()) if stored_team else set()
            if member_id not in known and member_id not in team.member_ids:
                team.member_ids.append(member_id)
                writes.append(f"加入队伍“{row.team}”")
                self._status_warning(row)
            if row.captain and stored_team is None:
                team.captain_member_id = member_id
        item = row.item or None
        key = ("team", item, row.team)
        if key not in entered and stored.team_entry_of(item, row.team) is None:
            entered.add(key)
            self.planned.team_entries.append((item, row.team, row.number))
            writes.append(f"队伍报名{_where(item, '')}" if item else "队伍报名")

    def _team_unit(self, name: str) -> int | None:
        """The department a team stands for, when its name is one ("一车间", "一车间队", "一车间代表队")."""
        for candidate in (name, name.removesuffix("代表队"), name.removesuffix("队")):
            matches = [u.id for u in self.planner.units if u.name == candidate]
            if len(matches) == 1:
                return matches[0]
        return None

    def _status_warning(self, row: _Row) -> None:
        """The store enters a member who was not 在册 on the event's start date with a warning: say so now."""
        member, day = row.member, self.start
        cache = self.planner.status_cache
        if (member["id"], day) not in cache:
            cache[(member["id"], day)] = self.planner.db.execute(
                f"SELECT {status_on_sql('?')}", [member["id"], day]).fetchone()[0]
        status = cache[(member["id"], day)]
        if status != "在册":
            text = f"{member['name']}在 {day} 尚未入会" if status is None else \
                f"{member['name']}在 {day} 的会员状态为“{status}”"
            row.add("name", f"{text}，仍按表导入", "warning")

    def _build_results(self, valid: list[_Row]) -> None:
        for (target, item, who, stage, _grade), key_rows in self._result_groups(valid).items():
            with_result = [r for r in key_rows if r.has_result]
            if not with_result:
                continue
            if target == "member":  # a team's result is on each member's row; a person's once
                for row in with_result[1:]:
                    row.add("duplicate", f"与第{with_result[0].number}行是同一人在{_where(item, stage)}的成绩，"
                                         "不再重复导入", "warning")
            merged: dict = {}
            for row in with_result:
                for column in RESULT_COLUMNS:
                    if row.result.get(column) not in (None, "") and column not in merged:
                        merged[column] = row.result[column]
            notes = "；".join(dict.fromkeys(r.notes for r in with_result if r.notes))
            data = ResultInput(awardee=who if target == "awardee" else "", stage=stage, rank=merged.get("rank"),
                               grade=merged.get("grade", ""), prize_fen=merged.get("prize", 0),
                               promoted=bool(merged.get("promoted")), upstream_round=merged.get("upstream_round", ""),
                               upstream_result=merged.get("upstream_result", ""), notes=notes)
            existing = self._stored_result(target, item, who, stage, data)
            first = with_result[0]
            if existing is not None:
                differences = _result_differences(existing, merged, notes)
                if differences:
                    first.add("existing", f"系统中已有该成绩，与表中不同：{'，'.join(differences)}；"
                                          "沿用系统中的成绩，如需更正请在活动中修改", "warning")
                continue
            self.planned.results.append(PlannedResult(first.number, target, item, who, data))
            first.planned.writes.append("登记团体成绩" if target == "team" else "登记成绩")

    def _stored_result(self, target: str, item: str | None, who, stage: str, data: ResultInput) -> dict | None:
        stored = self.stored
        if target == "awardee":
            return stored.awards.get((who, stage, data.grade))
        entry = stored.team_entry_of(item, who) if target == "team" else stored.entry_of(item, who)
        return stored.results.get((entry, stage)) if entry is not None else None


def _merge(rows: list[_Row], keys, value_of: Callable[[_Row, str], object], what: str) -> tuple[dict, dict]:
    """The values of ``keys`` over ``rows`` (empty cells do not count), and the row each came from; a row
    whose value differs from an earlier row's is given an error that names both rows."""
    merged: dict = {}
    first: dict = {}
    for row in rows:
        for key in keys:
            value = value_of(row, key)
            if value is None or value == "":
                continue
            if key not in merged:
                merged[key], first[key] = value, row.number
            elif value != merged[key]:
                row.add(key, f"{what}不一致：第{first[key]}行为“{_shown(key, merged[key])}”，本行为“{_shown(key, value)}”；"
                             "请改为一致（也可只在一行填写）")
    return merged, first


def _result_differences(stored: dict, merged: dict, notes: str) -> list[str]:
    columns = {"prize": "prize_fen"}
    out = []
    for key in RESULT_COLUMNS:
        if key not in merged:
            continue
        new, old = merged[key], stored[columns.get(key, key)]
        if key == "promoted":
            old = bool(old)
        if new == old:
            continue
        shown_old = _shown(key, old) if old not in (None, "") else "（空）"
        out.append(f"{PROBLEM_LABELS[key]}（表中“{_shown(key, new)}”，系统中“{shown_old}”）")
    if notes and notes != stored["notes"]:
        out.append(f"备注（表中“{notes}”，系统中“{stored['notes'] or '（空）'}”）")
    return out


# --- committing ------------------------------------------------------------------------------------------------
@dataclass
class EventImportResult:
    events_created: int = 0
    events_reused: int = 0
    items: int = 0
    teams: int = 0
    team_members: int = 0
    entries: int = 0
    team_entries: int = 0
    results: int = 0
    unchanged: int = 0  # rows
    skipped: int = 0  # invalid rows left out
    warnings: list[str] = field(default_factory=list)  # the store's, about members not 在册 on the day


def commit_import(db: sqlite_utils.Database, plan: EventImportPlan, *, skip_invalid: bool = False,
                  progress: Progress | None = None, is_cancelled: IsCancelled | None = None) -> EventImportResult:
    """Write the plan in one transaction through :class:`EventStore`; on any error or a cancel nothing is
    written. ``transaction()`` joins an outer transaction, so the store's own writes are inside this one."""
    counts = plan.counts()
    if counts["invalid"] and not skip_invalid:
        raise ImportBlocked(f"有 {counts['invalid']} 行数据有问题，为保证活动记录完整，本次没有导入任何数据。"
                            "请修改文件后重新导入，或选择跳过有问题的行。")
    progress = progress or no_progress
    store = EventStore(db, today=plan.today)
    totals = plan.totals()
    result = EventImportResult(**dataclasses.asdict(totals), unchanged=counts["unchanged"], skipped=counts["invalid"])
    steps = sum(1 + len(e.items) + len(e.teams) + len(e.entries) + len(e.team_entries) + len(e.results)
                for e in plan.events)
    writer = _Writer(db, store, steps, progress, is_cancelled)
    with transaction(db):
        for event in plan.events:
            writer.write(event)
        result.warnings = writer.warnings
        check_cancel(is_cancelled)
    progress(steps, steps, "导入完成")
    return result


class _Writer:
    def __init__(self, db: sqlite_utils.Database, store: EventStore, steps: int, progress: Progress,
                 is_cancelled: IsCancelled | None):
        self.db = db
        self.store = store
        self.steps = steps
        self.done = 0
        self.progress = progress
        self.is_cancelled = is_cancelled
        self.warnings: list[str] = []

    def tick(self, count: int = 1) -> None:
        before = self.done
        self.done += count
        if before == 0 or before // PROGRESS_INTERVAL != self.done // PROGRESS_INTERVAL:
            check_cancel(self.is_cancelled)
            self.progress(self.done, self.steps, f"正在导入第 {self.done}/{self.steps} 项…")

    def call(self, row_number: int, function: Callable, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except UserError as exc:  # a member voided, an event cancelled or a name taken since the check
            raise UserError(f"第{row_number}行：{exc}。数据库在检查之后被修改过，本次没有导入任何数据，"
                            "请重新检查后再导入。") from exc

    def write(self, event: PlannedEvent) -> None:
        store = self.store
        self.tick()
        if event.data is not None:
            event_id = self.call(event.first_row, store.create, event.data)
        else:
            event_id = event.existing_id
        items = {r["name"]: r["id"] for r in self.db.query(
            "SELECT id, name FROM event_items WHERE event_id = ? AND voided_at IS NULL ORDER BY id DESC", [event_id])}
        for name, team_item, row_number in event.items:
            items[name] = self.call(row_number, store.add_item, event_id, name, team_item=team_item)
            self.tick()
        teams = {r["name"]: r["id"] for r in self.db.query(
            "SELECT id, name FROM event_teams WHERE event_id = ? AND voided_at IS NULL ORDER BY id DESC", [event_id])}
        for team in event.teams:
            if team.existing_id is None:
                teams[team.name] = self.call(team.row_number, store.create_team, event_id, team.name, team.member_ids,
                                             team.captain_member_id, team.sub_unit_id)
            elif team.member_ids:
                self.call(team.row_number, store.add_team_members, team.existing_id, team.member_ids)
            self.tick()
        by_item: dict[str | None, list[tuple[int, int]]] = {}
        for item, member_id, row_number in event.entries:
            by_item.setdefault(item, []).append((member_id, row_number))
        for item, members in by_item.items():
            added = self.call(members[0][1], store.add_members, event_id, [m for m, _r in members],
                              item_id=items.get(item) if item else None)
            if added.skipped:
                raise UserError(f"第{members[0][1]}行：部分会员已经报名。数据库在检查之后被修改过，本次没有导入任何数据，"
                                "请重新检查后再导入。")
            self.warnings += added.warnings
            self.tick(len(members))
        for item, team_name, row_number in event.team_entries:
            self.call(row_number, store.add_team, event_id, teams[team_name], item_id=items.get(item) if item else None)
            self.tick()
        if event.results:
            entries, team_entries = {}, {}
            for row in self.db.query("SELECT id, item_id, member_id, team_id FROM event_participants "
                                     "WHERE event_id = ? AND voided_at IS NULL", [event_id]):
                if row["member_id"] is not None:
                    entries[(row["item_id"], row["member_id"])] = row["id"]
                else:
                    team_entries[(row["item_id"], row["team_id"])] = row["id"]
            for planned in event.results:
                data = dataclasses.replace(planned.data)
                item_id = items.get(planned.item) if planned.item else None
                if planned.target == "member":
                    data.participant_id = entries.get((item_id, planned.who))
                elif planned.target == "team":
                    data.participant_id = team_entries.get((item_id, teams.get(planned.who)))
                if planned.target != "awardee" and data.participant_id is None:
                    raise UserError(f"第{planned.row_number}行：找不到该成绩的报名记录。数据库在检查之后被修改过，"
                                    "本次没有导入任何数据，请重新检查后再导入。")
                self.call(planned.row_number, store.record_result, event_id, data)
                self.tick()


# --- command line ----------------------------------------------------------------------------------------------
def events_import_command(db_path, file, *, dry_run: bool, skip_invalid: bool, out: TextIO) -> int:
    """``gonghui-desk events import``: check the sheet, print the plan and its problems, write it."""
    return run_import_command(db_path, file, open_source=open_source, plan_import=plan_import,
                              commit_import=commit_import, print_plan=_print_plan, result_text=_result_text,
                              dry_run=dry_run, skip_invalid=skip_invalid, out=out)


def totals_text(totals: EventImportTotals | EventImportResult) -> str:
    """"新建活动 2 场、补充已有活动 1 场；新增项目 3 个、队伍 2 支（队员 6 人）、个人报名 10 人次、队伍报名 2 个、成绩 8 条"."""
    events = f"新建活动 {totals.events_created} 场"
    if totals.events_reused:
        events += f"、补充已有活动 {totals.events_reused} 场"
    parts = []
    if totals.items:
        parts.append(f"项目 {totals.items} 个")
    if totals.teams or totals.team_members:
        parts.append(f"队伍 {totals.teams} 支（队员 {totals.team_members} 人）" if totals.teams
                     else f"队员 {totals.team_members} 人")
    parts.append(f"个人报名 {totals.entries} 人次")
    if totals.team_entries:
        parts.append(f"队伍报名 {totals.team_entries} 个")
    parts.append(f"成绩 {totals.results} 条")
    return f"{events}；新增{'、'.join(parts)}"


def _print_plan(plan: EventImportPlan, out: TextIO) -> None:
    print_source(plan, EVENT_IMPORT_FIELDS, out)
    counts = plan.counts()
    print(f"检查结果：可导入 {counts['new']} 行，已有记录（不再导入）{counts['unchanged']} 行，有问题 {counts['invalid']} 行。",
          file=out)
    print(f"将{totals_text(plan.totals())}。", file=out)
    print_problems(plan, out)


def _result_text(result: EventImportResult) -> str:
    text = f"导入完成：{totals_text(result)}；已有记录未重复导入 {result.unchanged} 行，跳过 {result.skipped} 行。"
    if result.warnings:
        text += f"\n其中 {len(result.warnings)} 人次报名时不是在册会员：{'；'.join(result.warnings[:5])}" + (
            "等" if len(result.warnings) > 5 else "")
    return text


# --- the blank template ------------------------------------------------------------------------------------------
TEMPLATE_TITLE = "活动及参加人员、成绩导入模板"
TEMPLATE_HEADER_ROW = 3
TEMPLATE_ROWS = 1000
TEMPLATE_NOTE = ("每行填写一名参加人员（或一项获奖单位的奖项），同一活动的活动名称、届次、开始日期每行都要填写且一致，"
                 "其余活动信息（类型、经费等）可只填一行；同一队名的各行为一支队伍。带 * 的列必填，详见“填写说明”工作表。")
TEMPLATE_HELP: tuple[tuple[str, str], ...] = (
    ("活动名称", "必填。同一活动的每一行都填写相同的名称；可写“第3届职工技能大赛”，届次会自动识别。"),
    ("届次", "数字，如 3 表示第3届；没有届次的不填。"),
    ("活动类型", "从下拉列表选择；不填时按活动名称推断（如“知识竞赛”“篮球赛”），并提示核对。"),
    ("开始日期", "必填，如 2025-05-10。活动名称、届次、开始日期相同的行属于同一活动。"),
    ("结束日期", "一天的活动不填。"),
    ("主办方", "本会、上级或外单位；不填视为本会。"),
    ("主办单位", "上级或外单位主办时填写，如“某某市总工会”。"),
    ("节日", "节日活动从下拉列表选择（如三八、五一），其余不填。"),
    ("地点", "活动地点。"),
    ("经费（元）", "活动经费，每个活动只填一次（填在任意一行；多行都填时必须相同）。"),
    ("状态", "计划、已举办或已取消；不填时已开始的活动按已举办，未开始的按计划。"),
    ("活动备注", "活动的备注。"),
    ("项目", "比赛项目或工种，如“100米”“拔河”；不分项目的不填。"),
    ("团体项目", "团体项目填“是”；不填时，有队名的项目按团体项目。"),
    ("队名", "团体项目的队伍名称，每名队员一行，队名相同的为同一支队伍。"),
    ("队长", "队长本人的行填“是”，每队一名。"),
    ("姓名", "参加人员姓名，须已在会员名册中。"),
    ("身份证号", "有同名会员时填写（设为文本格式）。"),
    ("部门", "有同名会员时也可用部门区分。"),
    ("比赛阶段", "初赛、复赛、决赛；只有一轮的不填。"),
    ("名次", "数字，如 1 或“第一名”。"),
    ("获奖等级", "从下拉列表选择，如一等奖、优秀奖、团体第一名、组织奖。"),
    ("奖金（元）", "奖金金额；团体成绩填在队员的各行时须相同（也可只填一行）。"),
    ("推荐上级", "推荐参加上级比赛的填“是”。"),
    ("上级比赛", "推荐参加的上级比赛，如“市级决赛”。"),
    ("上级比赛结果", "上级比赛的成绩，如“二等奖”。"),
    ("获奖单位", "没有具体人员的奖项（如组织奖）填获奖单位（如“本会”或部门名称），此行不填姓名和队名。"),
    ("备注", "成绩的备注。"),
)
_TEMPLATE_WIDTHS = {"event_name": 20, "start_date": 12, "end_date": 12, "organiser": 16, "venue": 14,
                    "id_number": 21, "sub_unit": 12, "item": 12, "team": 12, "awardee": 12, "notes": 16,
                    "event_notes": 16, "upstream_round": 12, "upstream_result": 12}
_TEMPLATE_REQUIRED = ("event_name", "start_date")


def write_events_template(path, db: sqlite_utils.Database | None = None) -> Path:
    """Write a blank import template (.xlsx): a title, one instruction line and the header row, 身份证号 as
    text, dates as dates, the choices as drop-down lists (the database's configured lists when ``db`` is
    given, else the default ones), and a second sheet 填写说明 explaining every column."""
    from gonghui_desk.importing.templates import template_lists, write_template

    lists = template_lists(db, _LIST_KEYS)
    lists.update(organiser_kind=list(ORGANISER_KINDS), status=list(EVENT_STATUSES), team_item=["是", "否"],
                 captain=["是", "否"], promoted=["是", "否"])
    return write_template(path, sheet="活动导入", title=TEMPLATE_TITLE, note=TEMPLATE_NOTE, fields=EVENT_IMPORT_FIELDS,
                          header_row=TEMPLATE_HEADER_ROW, rows=TEMPLATE_ROWS, lists=lists, widths=_TEMPLATE_WIDTHS,
                          default_width=10, required=_TEMPLATE_REQUIRED, text=("id_number",),
                          dates=("start_date", "end_date"), help_rows=TEMPLATE_HELP)


__all__ = ["EVENT_IMPORT_FIELDS", "EVENT_SYNONYMS", "REQUIRED_COLUMNS", "EventImportPlan", "EventImportResult",
           "EventImportTotals", "PlannedEvent", "PlannedEventRow", "PlannedResult", "PlannedTeam", "chinese_number",
           "commit_import", "events_import_command", "open_source", "plan_import", "result_text", "split_edition",
           "totals_text", "write_events_template"]
