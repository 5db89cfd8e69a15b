"""Recording events (活动竞赛): the event itself, its items (项目/工种), teams, entries and results.

One shape serves every kind of event (DOMAIN.md §2.6): a 劳动竞赛 with 工种 and 初赛/决赛, a sports day
with individual and team items, a 三八节 outing entered by "全体女会员", a lecture, a rest trip.

The rules the store keeps (everything else is the officer's choice):

* An event needs a name, a kind (from the 活动类型 list), a start date; the end date is not before the
  start; cost is 分 ≥ 0; 届次 is ≥ 1 or empty. An upstream or outside event (上级/外单位) names its organiser.
  An event cannot be 已举办 with a start date after today, nor 已取消 while it has live results.
  A value saved earlier and retired from its list since (a kind, holiday, stage or grade) may stay.
* Items: names unique within the event. A 团体项目 (``team_item``) takes team entries only, any other item
  individual entries only; an entry without an item (the event as a whole) may be either. An item with
  live results cannot be voided until they are; voiding an item voids its entries.
* Teams belong to one event, have at least one member, unique names within the event; the captain is one of
  the members. A team counts only through its entries (:meth:`EventStore.add_team`), so a team that was
  formed but never entered adds nothing to the figures. Removing a member voids the team-member row;
  voiding a team voids its entries and their results.
* Entries (报名/参加): a member or a team, once per event and item (a second entry of the same member in
  the same event and item is skipped); the member exists and is not voided; a member whose status on the
  event's start date was not 在册 (退休, 转出…, or not yet a member) is entered with a warning. Entries of a
  cancelled or voided event are refused. Voiding an entry voids its results.
* Results: on a live entry of the same event, or to an awardee by name (组织奖 to "本会" or a sub-unit),
  never both. At most one live result per entry and stage (初赛/复赛/决赛, or '' for one round); an
  awardee's result is unique by stage and grade. Rank ≥ 1, prize 分 ≥ 0; an upstream round or result needs
  ``promoted``. A result has at least one of rank, grade, prize, promoted or notes. Results are refused on a
  cancelled event or one whose start date is after today.

Nothing is deleted: events, entries and results are voided with a reason, items and teams are voided,
and every change is in the change log (the tables' triggers).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field

import sqlite_utils

from gonghui_desk import value_lists
from gonghui_desk.checks import ids_text, is_int, iso_date
from gonghui_desk.db.connection import transaction
from gonghui_desk.db.member_queries import MemberFilter, matching_ids, off_roll_warnings
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.members import Problem

__all__ = ["EVENT_FIELD_LABELS", "EVENT_STATUSES", "ORGANISER_KINDS", "AddResult", "EventInput", "EventStore",
           "ResultInput"]

EVENT_STATUSES = ("计划", "已举办", "已取消")
ORGANISER_KINDS = ("本会", "上级", "外单位")
EVENT_FIELD_LABELS = {
    "name": "活动名称", "kind": "活动类型", "edition": "届次", "organiser_kind": "主办方", "organiser": "主办单位",
    "holiday": "节日", "start_date": "开始日期", "end_date": "结束日期", "venue": "地点", "cost_fen": "经费",
    "status": "状态", "notes": "备注", "item_id": "项目", "team_id": "队伍", "member_ids": "会员",
    "captain_member_id": "队长", "sub_unit_id": "所属部门", "participant_id": "参赛人员/队伍",
    "awardee": "获奖单位", "stage": "比赛阶段", "rank": "名次", "grade": "获奖等级", "prize_fen": "奖金",
    "promoted": "推荐参加上级比赛", "upstream_round": "上级比赛", "upstream_result": "上级比赛结果",
    "label": "报名说明",
}
ENTRY_CHUNK = 5000  # rows per executemany when entering many members
_NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%S','now','localtime')"
_KEEP = object()  # "leave as it is" for optional arguments that may be set to None


def _problem(field_name: str, message: str) -> Problem:
    return Problem(field_name, message, field_label=EVENT_FIELD_LABELS.get(field_name, field_name))


def _iso(value, field_name: str, problems: list[Problem]) -> str | None:
    return iso_date(value, field_name, problems, _problem)


@dataclass
class EventInput:
    """One event as typed in the form or read from a spreadsheet; money in 分, dates ISO or date."""

    name: str
    kind: str
    start_date: str | dt.date | None
    end_date: str | dt.date | None = None  # None: a one-day event
    edition: int | None = None  # 第N届
    organiser_kind: str = "本会"  # 本会 / 上级 / 外单位
    organiser: str = ""  # the upstream or outside organiser (required unless 本会)
    holiday: str = ""  # value list event.holiday, or ''
    venue: str = ""
    cost_fen: int = 0
    status: str = "计划"  # 计划 / 已举办 / 已取消
    notes: str = ""


@dataclass
class ResultInput:
    """A result of an entry at a stage, or an award to an awardee without an entry (组织奖)."""

    participant_id: int | None = None  # the entry (event_participants.id)
    awardee: str = ""  # when there is no entry: "本会", a sub-unit's name…
    stage: str = ""  # value list event.stage, '' for a one-round event
    rank: int | None = None  # 名次, ≥ 1
    grade: str = ""  # value list event.grade (一等奖, 优秀奖, 团体第一名, 组织奖…)
    prize_fen: int = 0
    promoted: bool = False  # sent on to the upstream round
    upstream_round: str = ""  # e.g. 市级决赛
    upstream_result: str = ""  # e.g. 一等奖
    notes: str = ""


@dataclass
class AddResult:
    """What entering members did: the new entries' ids, how many were already entered (skipped), and one
    warning per new entry whose member was not 在册 on the event's start date."""

    entry_ids: list[int] = field(default_factory=list)
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def added(self) -> int:
        return len(self.entry_ids)


class EventStore:
    def __init__(self, db: sqlite_utils.Database, today: dt.date | None = None):
        self.db = db
        self._today = today

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    # --- events: checking --------------------------------------------------------------
    def _in_list(self, key: str, value: str, kept: dict, column: str) -> bool:
        return value in value_lists.values(self.db, key) or value == kept.get(column)

    def normalize(self, data: EventInput, *, current: dict | None = None) -> tuple[dict, list[Problem]]:
        """Column values and the hard errors that refuse the record. ``current`` is the stored row when
        updating: a kind or holiday since retired from its list may stay as it was."""
        problems: list[Problem] = []
        values = asdict(data)
        for key in ("name", "kind", "organiser_kind", "organiser", "holiday", "venue", "status", "notes"):
            values[key] = (values[key] or "").strip()
        values["organiser_kind"] = values["organiser_kind"] or "本会"
        values["status"] = values["status"] or "计划"
        values["start_date"] = _iso(data.start_date, "start_date", problems)
        values["end_date"] = _iso(data.end_date, "end_date", problems)
        kept = current or {}
        if not values["name"]:
            problems.append(_problem("name", "请填写活动名称"))
        if not values["kind"]:
            problems.append(_problem("kind", "请选择活动类型"))
        elif not self._in_list("event.kind", values["kind"], kept, "kind"):
            problems.append(_problem("kind", f"“{values['kind']}”不在活动类型的选项中，如需新增请在设置中添加"))
        if values["holiday"] and not self._in_list("event.holiday", values["holiday"], kept, "holiday"):
            problems.append(_problem("holiday", f"“{values['holiday']}”不在节日的选项中，如需新增请在设置中添加"))
        edition = values["edition"]
        if edition is not None and (not is_int(edition) or edition < 1):
            problems.append(_problem("edition", "届次应为不小于1的整数，或不填"))
        if values["organiser_kind"] not in ORGANISER_KINDS:
            problems.append(_problem("organiser_kind", f"主办方应为：{'、'.join(ORGANISER_KINDS)}"))
        elif values["organiser_kind"] == "本会":
            values["organiser"] = ""
        elif not values["organiser"]:
            problems.append(_problem("organiser", f"{values['organiser_kind']}主办的活动请填写主办单位"))
        if not values["start_date"] and not any(p.field == "start_date" for p in problems):
            problems.append(_problem("start_date", "请填写开始日期"))
        if values["start_date"] and values["end_date"] and values["end_date"] < values["start_date"]:
            problems.append(_problem("end_date", f"结束日期 {values['end_date']} 早于开始日期 {values['start_date']}"))
        if values["cost_fen"] is None:
            values["cost_fen"] = 0
        if not is_int(values["cost_fen"]) or values["cost_fen"] < 0:
            problems.append(_problem("cost_fen", "经费应为不小于0的金额"))
        if values["status"] not in EVENT_STATUSES:
            problems.append(_problem("status", f"状态应为：{'、'.join(EVENT_STATUSES)}"))
        elif values["status"] == "已举办" and values["start_date"] and values["start_date"] > self.today.isoformat():
            problems.append(_problem("status", f"开始日期 {values['start_date']} 晚于今天，活动还不能标为“已举办”"))
        return values, problems

    def _check_cancel(self, event_id: int, values: dict, problems: list[Problem]) -> None:
        if values["status"] != "已取消":
            return
        results = self.db.execute("SELECT count(*) FROM event_results WHERE event_id = ? AND voided_at IS NULL",
                                  [event_id]).fetchone()[0]
        if results:
            problems.append(_problem("status", f"该活动已登记{results}条成绩，不能标为“已取消”；如确未举办，请先作废成绩"))

    # --- events: writing ---------------------------------------------------------------
    def create(self, data: EventInput) -> int:
        """Insert an event; raises ValidationError listing every problem."""
        values, problems = self.normalize(data)
        if problems:
            raise ValidationError(problems)
        with transaction(self.db) as conn:
            return conn.execute(f"INSERT INTO events ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                                list(values.values())).lastrowid

    def update(self, event_id: int, data: EventInput) -> None:
        current = self._live_event(event_id)
        values, problems = self.normalize(data, current=current)
        self._check_cancel(event_id, values, problems)
        if problems:
            raise ValidationError(problems)
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE events SET {', '.join(f'{k} = ?' for k in values)}, updated_at = {_NOW_SQL} "
                         "WHERE id = ?", [*values.values(), event_id])

    def set_status(self, event_id: int, status: str) -> None:
        """计划 → 已举办 / 已取消 (or back), with the same checks as :meth:`update`."""
        data = self.as_input(event_id)
        data.status = status
        self.update(event_id, data)

    def void(self, event_id: int, reason: str) -> None:
        """A mistaken event is voided with its reason, never deleted; its entries and results drop out of every
        list and figure with it (they stay as they were, so the change log shows one change)."""
        if not (reason or "").strip():
            raise UserError("作废活动时请填写原因")
        self._live_event(event_id)
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE events SET voided_at = {_NOW_SQL}, void_reason = ? "
                         "WHERE id = ? AND voided_at IS NULL", [reason.strip(), event_id])

    # --- events: reading ---------------------------------------------------------------
    def get(self, event_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM events WHERE id = ?", [event_id]))
        return rows[0] if rows else None

    def as_input(self, event_id: int) -> EventInput:
        row = self.get(event_id)
        if row is None:
            raise UserError(f"活动 {event_id} 不存在")
        return EventInput(**{k: row[k] for k in EventInput.__dataclass_fields__})

    def _live_event(self, event_id: int) -> dict:
        row = self.get(event_id)
        if row is None:
            raise UserError(f"活动 {event_id} 不存在")
        if row["voided_at"]:
            raise UserError(f"活动“{row['name']}”已作废，不能再修改")
        return row

    def _open_event(self, event_id: int) -> dict:
        """A live event that takes entries: not voided, not cancelled."""
        row = self._live_event(event_id)
        if row["status"] == "已取消":
            raise UserError(f"活动“{row['name']}”已取消，不能再报名；如活动照常举办，请先修改状态")
        return row

    # --- items (项目/工种) ------------------------------------------------------------------
    def _item(self, item_id: int) -> dict:
        rows = list(self.db.query("SELECT * FROM event_items WHERE id = ?", [item_id]))
        if not rows or rows[0]["voided_at"]:
            raise UserError("该项目不存在或已作废")
        return rows[0]

    def _item_name(self, event_id: int, name: str, item_id: int | None = None) -> str:
        name = (name or "").strip()
        if not name:
            raise ValidationError([_problem("item_id", "请填写项目名称")])
        clash = self.db.execute("SELECT 1 FROM event_items WHERE event_id = ? AND name = ? AND voided_at IS NULL "
                                "AND id != ?", [event_id, name, item_id or -1]).fetchone()
        if clash:
            raise ValidationError([_problem("item_id", f"该活动已有名为“{name}”的项目")])
        return name

    def add_item(self, event_id: int, name: str, *, team_item: bool = False) -> int:
        """Add an item (项目/工种) at the end of the event's items; ``team_item`` for a 团体项目."""
        self._live_event(event_id)
        name = self._item_name(event_id, name)
        with transaction(self.db) as conn:
            order = conn.execute("SELECT coalesce(max(sort_order), 0) + 1 FROM event_items WHERE event_id = ?",
                                 [event_id]).fetchone()[0]
            return conn.execute("INSERT INTO event_items (event_id, name, team_item, sort_order) VALUES (?, ?, ?, ?)",
                                [event_id, name, int(bool(team_item)), order]).lastrowid

    def rename_item(self, item_id: int, name: str) -> None:
        item = self._item(item_id)
        self._live_event(item["event_id"])
        name = self._item_name(item["event_id"], name, item_id)
        with transaction(self.db) as conn:
            conn.execute("UPDATE event_items SET name = ? WHERE id = ?", [name, item_id])

    def set_team_item(self, item_id: int, team_item: bool) -> None:
        """Make an item a 团体项目 or an individual one; refused while it has entries of the other sort."""
        item = self._item(item_id)
        self._live_event(item["event_id"])
        other = "member_id" if team_item else "team_id"
        count = self.db.execute(f"SELECT count(*) FROM event_participants WHERE item_id = ? AND {other} IS NOT NULL "
                                "AND voided_at IS NULL", [item_id]).fetchone()[0]
        if count:
            what = "个人" if team_item else "队伍"
            raise UserError(f"项目“{item['name']}”已有{count}个{what}报名，不能改为{'团体' if team_item else '个人'}项目；"
                            "请先作废这些报名")
        with transaction(self.db) as conn:
            conn.execute("UPDATE event_items SET team_item = ? WHERE id = ?", [int(bool(team_item)), item_id])

    def reorder_items(self, event_id: int, item_ids: list[int]) -> None:
        """Put the event's items in the given order (items not listed keep their place after them)."""
        self._live_event(event_id)
        with transaction(self.db) as conn:
            conn.executemany("UPDATE event_items SET sort_order = ? WHERE id = ? AND event_id = ?",
                             [(order, item_id, event_id) for order, item_id in enumerate(item_ids, 1)])

    def void_item(self, item_id: int, reason: str = "") -> None:
        """Void an item and its entries; refused while the item has live results (void those first)."""
        item = self._item(item_id)
        self._live_event(item["event_id"])
        results = self.db.execute(
            """SELECT count(*) FROM event_results r JOIN event_participants p ON p.id = r.participant_id
               WHERE p.item_id = ? AND r.voided_at IS NULL AND p.voided_at IS NULL""", [item_id]).fetchone()[0]
        if results:
            raise UserError(f"项目“{item['name']}”已有{results}条成绩，请先作废这些成绩，再作废项目")
        why = (reason or "").strip() or f"项目“{item['name']}”作废"
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE event_participants SET voided_at = {_NOW_SQL}, void_reason = ? "
                         "WHERE item_id = ? AND voided_at IS NULL", [why, item_id])
            conn.execute(f"UPDATE event_items SET voided_at = {_NOW_SQL} WHERE id = ?", [item_id])

    # --- members ---------------------------------------------------------------------------
    def _bad_members(self, member_ids: list[int]) -> list:
        """The ids among ``member_ids`` that are not live members (checked in SQL, any number of ids)."""
        bad: list = []
        for start in range(0, len(member_ids), ENTRY_CHUNK * 10):
            chunk = member_ids[start:start + ENTRY_CHUNK * 10]
            bad += [r[0] for r in self.db.execute(
                "SELECT j.value FROM json_each(?) j LEFT JOIN members m ON m.id = j.value "
                "WHERE m.id IS NULL OR m.voided_at IS NOT NULL", [json.dumps(chunk)])]
        return bad

    def _check_members(self, member_ids, field_name: str = "member_ids") -> list[int]:
        try:
            ids = list(dict.fromkeys(int(i) for i in member_ids))
        except (TypeError, ValueError):
            raise ValidationError([_problem(field_name, "会员编号有误")]) from None
        bad = self._bad_members(ids)
        if bad:
            raise ValidationError([_problem(field_name, f"以下会员不存在或已作废（编号 {ids_text(bad)}）")])
        return ids

    # --- teams -------------------------------------------------------------------------------
    def _team(self, team_id: int) -> dict:
        rows = list(self.db.query("SELECT * FROM event_teams WHERE id = ?", [team_id]))
        if not rows or rows[0]["voided_at"]:
            raise UserError("该队伍不存在或已作废")
        return rows[0]

    def _team_name(self, event_id: int, name: str, team_id: int | None = None) -> str:
        name = (name or "").strip()
        if not name:
            raise ValidationError([_problem("team_id", "请填写队伍名称")])
        clash = self.db.execute("SELECT 1 FROM event_teams WHERE event_id = ? AND name = ? AND voided_at IS NULL "
                                "AND id != ?", [event_id, name, team_id or -1]).fetchone()
        if clash:
            raise ValidationError([_problem("team_id", f"该活动已有名为“{name}”的队伍")])
        return name

    def _check_sub_unit(self, sub_unit_id: int | None) -> None:
        if sub_unit_id is not None and not self.db.execute(
                "SELECT 1 FROM sub_units WHERE id = ? AND voided_at IS NULL", [sub_unit_id]).fetchone():
            raise ValidationError([_problem("sub_unit_id", "所选部门/工会小组不存在")])

    def create_team(self, event_id: int, name: str, member_ids, captain_member_id: int | None = None,
                    sub_unit_id: int | None = None) -> int:
        """A team of the event with its members (at least one); the captain is one of them. The team takes
        part through its entries (:meth:`add_team`)."""
        self._open_event(event_id)
        name = self._team_name(event_id, name)
        ids = self._check_members(member_ids)
        if not ids:
            raise ValidationError([_problem("member_ids", "队伍至少要有一名队员")])
        if captain_member_id is not None and captain_member_id not in ids:
            raise ValidationError([_problem("captain_member_id", "队长应为本队队员")])
        self._check_sub_unit(sub_unit_id)
        with transaction(self.db) as conn:
            team_id = conn.execute("INSERT INTO event_teams (event_id, name, sub_unit_id, captain_member_id) "
                                   "VALUES (?, ?, ?, ?)", [event_id, name, sub_unit_id, captain_member_id]).lastrowid
            conn.executemany("INSERT INTO event_team_members (team_id, member_id) VALUES (?, ?)",
                             [(team_id, member_id) for member_id in ids])
        return team_id

    def update_team(self, team_id: int, *, name: str | None = None, captain_member_id=_KEEP,
                    sub_unit_id=_KEEP) -> None:
        """Rename a team, or set its captain (a member of the team, or None) or its sub-unit (or None)."""
        team = self._team(team_id)
        self._live_event(team["event_id"])
        values = {}
        if name is not None:
            values["name"] = self._team_name(team["event_id"], name, team_id)
        if captain_member_id is not _KEEP:
            if captain_member_id is not None and captain_member_id not in self.team_member_ids(team_id):
                raise ValidationError([_problem("captain_member_id", "队长应为本队队员")])
            values["captain_member_id"] = captain_member_id
        if sub_unit_id is not _KEEP:
            self._check_sub_unit(sub_unit_id)
            values["sub_unit_id"] = sub_unit_id
        if values:
            with transaction(self.db) as conn:
                conn.execute(f"UPDATE event_teams SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
                             [*values.values(), team_id])

    def team_member_ids(self, team_id: int) -> list[int]:
        """The team's live members, in the order they joined it."""
        return [r[0] for r in self.db.execute(
            "SELECT member_id FROM event_team_members WHERE team_id = ? AND voided_at IS NULL ORDER BY id", [team_id])]

    def add_team_members(self, team_id: int, member_ids) -> int:
        """Add members to a team (those already in it are skipped); returns how many were added."""
        team = self._team(team_id)
        self._open_event(team["event_id"])
        ids = self._check_members(member_ids)
        present = set(self.team_member_ids(team_id))
        new = [i for i in ids if i not in present]
        with transaction(self.db) as conn:
            conn.executemany("INSERT INTO event_team_members (team_id, member_id) VALUES (?, ?)",
                             [(team_id, member_id) for member_id in new])
        return len(new)

    def remove_team_members(self, team_id: int, member_ids) -> int:
        """Take members off a team (their team-member rows are voided; a removed captain leaves the team
        without one); a team keeps at least one member — void the team instead. Returns how many left."""
        team = self._team(team_id)
        self._live_event(team["event_id"])
        present = self.team_member_ids(team_id)
        leaving = set(int(i) for i in member_ids) & set(present)
        if leaving and len(leaving) == len(present):
            raise UserError(f"队伍“{team['name']}”至少要保留一名队员；如不再参加，请作废该队伍")
        with transaction(self.db) as conn:
            conn.executemany(f"UPDATE event_team_members SET voided_at = {_NOW_SQL} "
                             "WHERE team_id = ? AND member_id = ? AND voided_at IS NULL",
                             [(team_id, member_id) for member_id in leaving])
            if team["captain_member_id"] in leaving:
                conn.execute("UPDATE event_teams SET captain_member_id = NULL WHERE id = ?", [team_id])
        return len(leaving)

    def void_team(self, team_id: int, reason: str) -> None:
        """Void a team with its entries and their results."""
        if not (reason or "").strip():
            raise UserError("作废队伍时请填写原因")
        team = self._team(team_id)
        self._live_event(team["event_id"])
        with transaction(self.db) as conn:
            conn.execute(f"""UPDATE event_results SET voided_at = {_NOW_SQL}, void_reason = ?
                             WHERE voided_at IS NULL AND participant_id IN (
                                 SELECT id FROM event_participants WHERE team_id = ? AND voided_at IS NULL)""",
                         [reason.strip(), team_id])
            conn.execute(f"UPDATE event_participants SET voided_at = {_NOW_SQL}, void_reason = ? "
                         "WHERE team_id = ? AND voided_at IS NULL", [reason.strip(), team_id])
            conn.execute(f"UPDATE event_teams SET voided_at = {_NOW_SQL} WHERE id = ?", [team_id])

    # --- entries (参加人员) ----------------------------------------------------------------------
    def _entry_item(self, event_id: int, item_id: int | None, *, team: bool) -> dict | None:
        if item_id is None:
            return None
        rows = list(self.db.query("SELECT * FROM event_items WHERE id = ?", [item_id]))
        if not rows or rows[0]["voided_at"] or rows[0]["event_id"] != event_id:
            raise UserError("所选项目不属于该活动或已作废")
        item = rows[0]
        if team and not item["team_item"]:
            raise UserError(f"“{item['name']}”是个人项目，请按人报名")
        if not team and item["team_item"]:
            raise UserError(f"“{item['name']}”是团体项目，请以队伍报名")
        return item

    def add_members(self, event_id: int, member_ids, *, item_id: int | None = None, source: str = "") -> AddResult:
        """Enter members in the event (and item): one entry each, skipping members already entered in that
        event and item. Members must exist and not be voided (ValidationError naming the others); members
        not 在册 on the event's start date are entered with a warning. Any number of members, in one
        transaction, written ``ENTRY_CHUNK`` rows at a time."""
        event = self._open_event(event_id)
        self._entry_item(event_id, item_id, team=False)
        ids = self._check_members(member_ids)
        result = AddResult()
        with transaction(self.db) as conn:
            present = {r[0] for r in conn.execute(
                "SELECT member_id FROM event_participants WHERE event_id = ? AND item_id IS ? "
                "AND member_id IS NOT NULL AND voided_at IS NULL", [event_id, item_id])}
            new = [i for i in ids if i not in present]
            result.skipped = len(ids) - len(new)
            next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM event_participants").fetchone()[0]
            result.entry_ids = list(range(next_id, next_id + len(new)))
            source = (source or "").strip()
            for start in range(0, len(new), ENTRY_CHUNK):
                conn.executemany(
                    "INSERT INTO event_participants (id, event_id, item_id, member_id, source) VALUES (?, ?, ?, ?, ?)",
                    [(next_id + start + n, event_id, item_id, member_id, source)
                     for n, member_id in enumerate(new[start:start + ENTRY_CHUNK])])
            result.warnings = self._status_warnings(new, event["start_date"])
        return result

    def _status_warnings(self, member_ids: list[int], day: str) -> list[str]:
        return off_roll_warnings(self.db, member_ids, day)

    def add_by_criteria(self, event_id: int, member_filter: MemberFilter, *, item_id: int | None = None,
                        label: str) -> AddResult:
        """Enter every member matching ``member_filter`` (e.g. a sub-unit with its descendants, sex 女,
        status 在册), recording ``label`` ("全体女会员", "一车间") as the entries' source."""
        label = (label or "").strip()
        if not label:
            raise ValidationError([_problem("label", "请为这批报名写一个说明，如“全体女会员”“一车间”")])
        ids = sorted(matching_ids(self.db, member_filter, self.today))
        return self.add_members(event_id, ids, item_id=item_id, source=label)

    def add_team(self, event_id: int, team_id: int, *, item_id: int | None = None) -> int:
        """Enter a team of the event (in a team item, or in the event as a whole); returns the entry's id."""
        self._open_event(event_id)
        team = self._team(team_id)
        if team["event_id"] != event_id:
            raise UserError(f"队伍“{team['name']}”不是本活动的队伍")
        self._entry_item(event_id, item_id, team=True)
        with transaction(self.db) as conn:
            if conn.execute("SELECT 1 FROM event_participants WHERE event_id = ? AND item_id IS ? AND team_id = ? "
                            "AND voided_at IS NULL", [event_id, item_id, team_id]).fetchone():
                raise UserError(f"队伍“{team['name']}”已报名{'该项目' if item_id else '本活动'}")
            return conn.execute("INSERT INTO event_participants (event_id, item_id, team_id) VALUES (?, ?, ?)",
                                [event_id, item_id, team_id]).lastrowid

    def get_entry(self, entry_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM event_participants WHERE id = ?", [entry_id]))
        return rows[0] if rows else None

    def void_entry(self, entry_id: int, reason: str) -> None:
        """Void an entry and its results."""
        if not (reason or "").strip():
            raise UserError("作废报名记录时请填写原因")
        entry = self.get_entry(entry_id)
        if entry is None or entry["voided_at"]:
            raise UserError("该报名记录不存在或已作废")
        self._live_event(entry["event_id"])
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE event_results SET voided_at = {_NOW_SQL}, void_reason = ? "
                         "WHERE participant_id = ? AND voided_at IS NULL", [reason.strip(), entry_id])
            conn.execute(f"UPDATE event_participants SET voided_at = {_NOW_SQL}, void_reason = ? WHERE id = ?",
                         [reason.strip(), entry_id])

    # --- results (成绩) -------------------------------------------------------------------------
    def results_refusal(self, event_id: int) -> str:
        """Why the event takes no results now ('' when it does): voided, cancelled, or not started yet."""
        try:
            event = self._live_event(event_id)
        except UserError as exc:
            return str(exc)
        if event["status"] == "已取消":
            return f"活动“{event['name']}”已取消，不能登记成绩"
        if event["start_date"] > self.today.isoformat():
            return f"活动“{event['name']}”{event['start_date']} 才开始，还不能登记成绩"
        return ""

    def _results_event(self, event_id: int) -> dict:
        refusal = self.results_refusal(event_id)
        if refusal:
            raise UserError(refusal)
        return self._live_event(event_id)

    def normalize_result(self, event_id: int, data: ResultInput, *, result_id: int | None = None,
                         current: dict | None = None) -> tuple[dict, list[Problem]]:
        """Column values and the hard errors of a result of ``event_id`` (``result_id`` when updating it,
        ``current`` its stored row: a stage or grade since retired from its list may stay)."""
        problems: list[Problem] = []
        values = asdict(data)
        for key in ("awardee", "stage", "grade", "upstream_round", "upstream_result", "notes"):
            values[key] = (values[key] or "").strip()
        values["promoted"] = int(bool(data.promoted))
        values["event_id"] = event_id
        kept = current or {}
        entry = None
        if values["participant_id"] is not None:
            entry = self.get_entry(values["participant_id"])
            if entry is None or entry["voided_at"] or entry["event_id"] != event_id:
                problems.append(_problem("participant_id", "所选参赛人员/队伍不属于本活动或已作废"))
                entry = None
            elif entry["member_id"] is not None and self.db.execute(
                    "SELECT voided_at FROM members WHERE id = ?", [entry["member_id"]]).fetchone()[0]:
                problems.append(_problem("participant_id", "该参赛会员的记录已作废"))
            if values["awardee"]:
                problems.append(_problem("awardee", "成绩已对应参赛人员/队伍时，不要再填获奖单位"))
        elif not values["awardee"]:
            problems.append(_problem("participant_id", "请选择获奖的参赛人员/队伍，或填写获奖单位（如组织奖）"))
        if values["stage"] and not self._in_list("event.stage", values["stage"], kept, "stage"):
            problems.append(_problem("stage", f"“{values['stage']}”不在比赛阶段的选项中，如需新增请在设置中添加"))
        if values["grade"] and not self._in_list("event.grade", values["grade"], kept, "grade"):
            problems.append(_problem("grade", f"“{values['grade']}”不在获奖等级的选项中，如需新增请在设置中添加"))
        rank = values["rank"]
        if rank is not None and (not is_int(rank) or rank < 1):
            problems.append(_problem("rank", "名次应为不小于1的整数，或不填"))
        if values["prize_fen"] is None:
            values["prize_fen"] = 0
        if not is_int(values["prize_fen"]) or values["prize_fen"] < 0:
            problems.append(_problem("prize_fen", "奖金应为不小于0的金额"))
        if (values["upstream_round"] or values["upstream_result"]) and not values["promoted"]:
            problems.append(_problem("promoted", "填写了上级比赛或其结果时，请勾选“推荐参加上级比赛”"))
        if not (rank is not None or values["grade"] or values["prize_fen"] or values["promoted"] or values["notes"]):
            problems.append(_problem("grade", "请填写名次、获奖等级、奖金或推荐上级中的至少一项"))
        if entry is not None:
            if entry["item_id"] is not None and entry["member_id"] is not None and self.db.execute(
                    "SELECT team_item FROM event_items WHERE id = ?", [entry["item_id"]]).fetchone()[0]:
                problems.append(_problem("participant_id", "团体项目的成绩应登记在队伍上"))
            clash = self.db.execute(
                "SELECT 1 FROM event_results WHERE participant_id = ? AND stage = ? AND voided_at IS NULL AND id != ?",
                [entry["id"], values["stage"], result_id or -1]).fetchone()
            if clash:
                stage = f"“{values['stage']}”" if values["stage"] else "本次比赛"
                problems.append(_problem("stage", f"该参赛人员/队伍在{stage}已有成绩，请修改原成绩"))
        elif values["awardee"] and values["participant_id"] is None:
            clash = self.db.execute(
                "SELECT 1 FROM event_results WHERE event_id = ? AND participant_id IS NULL AND awardee = ? "
                "AND stage = ? AND grade = ? AND voided_at IS NULL AND id != ?",
                [event_id, values["awardee"], values["stage"], values["grade"], result_id or -1]).fetchone()
            if clash:
                problems.append(_problem("awardee", f"“{values['awardee']}”已有同一阶段、同一等级的成绩"))
        return values, problems

    def record_result(self, event_id: int, data: ResultInput) -> int:
        """Record a result; raises ValidationError (fields) or UserError (the event cannot take results)."""
        self._results_event(event_id)
        values, problems = self.normalize_result(event_id, data)
        if problems:
            raise ValidationError(problems)
        with transaction(self.db) as conn:
            return conn.execute(f"INSERT INTO event_results ({', '.join(values)}) "
                                f"VALUES ({', '.join('?' * len(values))})", list(values.values())).lastrowid

    def get_result(self, result_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM event_results WHERE id = ?", [result_id]))
        return rows[0] if rows else None

    def result_as_input(self, result_id: int) -> ResultInput:
        row = self.get_result(result_id)
        if row is None:
            raise UserError(f"成绩记录 {result_id} 不存在")
        data = ResultInput(**{k: row[k] for k in ResultInput.__dataclass_fields__})
        data.promoted = bool(data.promoted)
        return data

    def _live_result(self, result_id: int) -> dict:
        row = self.get_result(result_id)
        if row is None:
            raise UserError(f"成绩记录 {result_id} 不存在")
        if row["voided_at"]:
            raise UserError("该成绩记录已作废，不能再修改")
        return row

    def update_result(self, result_id: int, data: ResultInput) -> None:
        current = self._live_result(result_id)
        self._results_event(current["event_id"])
        values, problems = self.normalize_result(current["event_id"], data, result_id=result_id, current=current)
        if problems:
            raise ValidationError(problems)
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE event_results SET {', '.join(f'{k} = ?' for k in values)}, updated_at = {_NOW_SQL} "
                         "WHERE id = ?", [*values.values(), result_id])

    def void_result(self, result_id: int, reason: str) -> None:
        if not (reason or "").strip():
            raise UserError("作废成绩记录时请填写原因")
        self._live_result(result_id)
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE event_results SET voided_at = {_NOW_SQL}, void_reason = ? "
                         "WHERE id = ? AND voided_at IS NULL", [reason.strip(), result_id])
