"""Demo events (活动竞赛): two years of competitions, activities and training up to ``today``.

Registered as a demo extension when imported (see :func:`gonghui_desk.demo.register_extension`).

A company union holds each year a 职工技能大赛 by 工种 (焊工, 数控车工, 钳工, 电工) with 初赛 and 决赛, prizes,
and the 一等奖 winners of two 工种 sent on to the city's contest; an “安康杯” safety knowledge contest between
teams of three from each 分工会 (with 组织奖 to two units); a 拔河 match around 五一 and a basketball
tournament in the autumn between sub-unit teams; a 三八 activity for all women members; safety training for
two workshops; a legal knowledge contest; the upstream union's training for the committee; and a rest trip
(疗休养). A school holds a 教职工运动会 (individual items and 拔河 between 教研组), a 青年教师基本功比赛 by
subject with 初赛/决赛 whose best teacher went on to the county round, a 三八 activity, a 教师节 performance,
a lecture for everyone, the upstream training and a rest trip. One outdoor event was cancelled
(registrations kept), and two events are planned in the weeks after ``today`` (one with its performers
already entered).

Participants are members on the roll (在册) on the event's day, so the records pass the store's own checks.
Rows get explicit ids and are written with ``executemany`` inside the demo's transaction; a 100,000-member
company gets about 100,000 entries in a few seconds.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import sqlite_utils

from gonghui_desk.dates import add_years, age_on
from gonghui_desk.demo import RETIREES_UNIT, register_extension

PLANNED_DAYS = (20, 70)  # the planned events fall this many days after today
UPSTREAM_RESULT_AFTER_DAYS = 90  # an upstream round's result is known this long after our event
FINAL_GRADES = ((1, "一等奖", 100000), (3, "二等奖", 60000), (6, "三等奖", 30000), (10 ** 9, "优秀奖", 10000))
TEAM_GRADES = (("团体第一名", 1), ("团体第二名", 2), ("团体第三名", 3))
TRADES = ("焊工", "数控车工", "钳工", "电工")
SUBJECTS = ("语文", "数学", "英语", "理化生", "政史地", "体音美")
VENUES = {"company": ("职工活动中心", "公司培训中心", "公司篮球场", "一号厂房实训基地", "公司大礼堂"),
          "school": ("学校体育馆", "学校报告厅", "学校田径场", "多功能厅", "学校会议室")}
CANCEL_NOTE = "因连续降雨，经工会委员会研究决定取消"


@dataclass
class _Member:
    id: int
    name: str
    sex: str | None
    birth: dt.date | None
    sub_unit_id: int | None
    position: str
    model_worker: bool
    joined_on: dt.date | None = None
    left_on: dt.date | None = None  # the first status after 在册 (退休, 转出, 退会, 去世)

    def working(self, day: dt.date) -> bool:
        return self.joined_on is not None and self.joined_on <= day and (self.left_on is None or day < self.left_on)

    def age(self, day: dt.date) -> int:
        return age_on(self.birth, day) if self.birth else 40


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


_EVENT_COLUMNS = ("id", "name", "kind", "edition", "organiser_kind", "organiser", "holiday", "start_date", "end_date",
                  "venue", "cost_fen", "status", "notes", "created_at")
_ITEM_COLUMNS = ("id", "event_id", "name", "team_item", "sort_order")
_TEAM_COLUMNS = ("id", "event_id", "name", "sub_unit_id", "captain_member_id")
_TEAM_MEMBER_COLUMNS = ("team_id", "member_id")
_ENTRY_COLUMNS = ("id", "event_id", "item_id", "member_id", "team_id", "source", "created_at")
_RESULT_COLUMNS = ("event_id", "participant_id", "awardee", "stage", "rank", "grade", "prize_fen", "promoted",
                   "upstream_round", "upstream_result", "notes", "created_at")


class _EventsDemo:
    def __init__(self, db: sqlite_utils.Database, rng: random.Random, today: dt.date, kind: str):
        self.db, self.rng, self.today, self.kind = db, rng, today, kind
        self.start = add_years(today, -2) + dt.timedelta(days=1)
        profile = db.execute("SELECT upstream_union FROM union_profile").fetchone()
        self.upstream = (profile[0] if profile else "") or "上级工会"
        self.members = self._members()
        self.committee = {r[0] for r in db.execute(
            "SELECT member_id FROM committee_members WHERE member_id IS NOT NULL AND voided_at IS NULL")}
        units = list(db.execute(
            "SELECT id, parent_id, name FROM sub_units WHERE voided_at IS NULL ORDER BY sort_order, id"))
        self.unit_name = {u[0]: u[2] for u in units}
        self.parent = parent = {u[0]: u[1] for u in units}
        self.top_of: dict[int, int] = {}
        for unit_id in parent:
            top = unit_id
            while parent.get(top) is not None:
                top = parent[top]
            self.top_of[unit_id] = top
        self.tops = [u[0] for u in units if u[1] is None and u[2] != RETIREES_UNIT]
        self.ids = {table: db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
                    for table in ("events", "event_items", "event_teams", "event_participants")}
        self.rows: dict[str, list[tuple]] = {"events": [], "event_items": [], "event_teams": [],
                                             "event_team_members": [], "event_participants": [], "event_results": []}
        self._working: dict[dt.date, list[_Member]] = {}

    # --- reading the demo's members ----------------------------------------------------------
    def _members(self) -> list[_Member]:
        members = {r[0]: _Member(r[0], r[1], r[2], dt.date.fromisoformat(r[3]) if r[3] else None, r[4], r[5] or "",
                                 bool(r[6])) for r in self.db.execute(
            "SELECT id, name, sex, birth_date, sub_unit_id, position, model_worker_type <> '' FROM members "
            "WHERE voided_at IS NULL ORDER BY id")}
        for member_id, status, day in self.db.execute(
                "SELECT member_id, new_status, effective_date FROM member_status_changes ORDER BY member_id, "
                "effective_date, id"):
            member = members.get(member_id)
            if member is None:
                continue
            if status == "在册" and member.joined_on is None and member.left_on is None:
                member.joined_on = dt.date.fromisoformat(day)
            elif status != "在册" and member.left_on is None:
                member.left_on = dt.date.fromisoformat(day)
        return list(members.values())

    def working(self, day: dt.date) -> list[_Member]:
        """The members 在册 on ``day``, by id."""
        if day not in self._working:
            self._working[day] = [m for m in self.members if m.working(day)]
        return self._working[day]

    def by_top_unit(self, people: list[_Member]) -> dict[int, list[_Member]]:
        groups: dict[int, list[_Member]] = {top: [] for top in self.tops}
        for member in people:
            top = self.top_of.get(member.sub_unit_id)
            if top in groups:
                groups[top].append(member)
        return groups

    def sample(self, people: list, n: int) -> list:
        return self.rng.sample(people, min(n, len(people)))

    # --- writing rows ------------------------------------------------------------------------------
    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    @staticmethod
    def stamp(day: dt.date, hour: int = 9) -> str:
        return f"{day.isoformat()}T{hour:02d}:00:00"

    def day_in(self, year: int, month: int, first: int, last: int) -> dt.date:
        return dt.date(year, month, self.rng.randint(first, last))

    def in_period(self, day: dt.date) -> bool:
        return self.start <= day <= self.today

    def event(self, name: str, kind: str, day: dt.date, *, days: int = 1, edition: int | None = None,
              organiser_kind: str = "本会", organiser: str = "", holiday: str = "", cost: int = 0,
              status: str | None = None, notes: str = "") -> int:
        event_id = self.next_id("events")
        end = day + dt.timedelta(days=days - 1) if days > 1 else None
        status = status or ("已举办" if day <= self.today else "计划")
        recorded = min(day, self.today) - dt.timedelta(days=self.rng.randint(7, 30))
        self.rows["events"].append((
            event_id, name, kind, edition, organiser_kind, organiser, holiday, day.isoformat(),
            end and end.isoformat(), self.rng.choice(VENUES[self.kind]) if organiser_kind == "本会" else "", cost,
            status, notes, self.stamp(max(recorded, self.start - dt.timedelta(days=30)))))
        return event_id

    def item(self, event_id: int, name: str, order: int, *, team: bool = False) -> int:
        item_id = self.next_id("event_items")
        self.rows["event_items"].append((item_id, event_id, name, int(team), order))
        return item_id

    def enter(self, event_id: int, day: dt.date, people: list[_Member], *, item_id: int | None = None,
              source: str = "") -> list[int]:
        ids = []
        created = self.stamp(max(day - dt.timedelta(days=3), self.start - dt.timedelta(days=30)))
        for member in people:
            entry_id = self.next_id("event_participants")
            self.rows["event_participants"].append((entry_id, event_id, item_id, member.id, None, source, created))
            ids.append(entry_id)
        return ids

    def team(self, event_id: int, day: dt.date, name: str, people: list[_Member], *, sub_unit_id: int | None = None,
             item_id: int | None = None) -> int:
        """A team with its members (the first is the captain), entered in the item; returns the entry's id."""
        team_id = self.next_id("event_teams")
        self.rows["event_teams"].append((team_id, event_id, name, sub_unit_id, people[0].id))
        self.rows["event_team_members"] += [(team_id, m.id) for m in people]
        entry_id = self.next_id("event_participants")
        self.rows["event_participants"].append((entry_id, event_id, item_id, None, team_id, "",
                                                self.stamp(max(day - dt.timedelta(days=5), self.start))))
        return entry_id

    def result(self, event_id: int, day: dt.date, entry_id: int | None, *, awardee: str = "", stage: str = "",
               rank: int | None = None, grade: str = "", prize: int = 0, promoted: bool = False,
               upstream_round: str = "", upstream_result: str = "", notes: str = "") -> None:
        self.rows["event_results"].append((
            event_id, entry_id, awardee, stage, rank, grade, prize, int(promoted), upstream_round, upstream_result,
            notes, self.stamp(min(day + dt.timedelta(days=1), self.today), 16)))

    def flush(self) -> None:
        conn = self.db.conn
        for table, columns in (("events", _EVENT_COLUMNS), ("event_items", _ITEM_COLUMNS),
                               ("event_teams", _TEAM_COLUMNS), ("event_team_members", _TEAM_MEMBER_COLUMNS),
                               ("event_participants", _ENTRY_COLUMNS), ("event_results", _RESULT_COLUMNS)):
            rows = self.rows[table]
            for start in range(0, len(rows), 5000):
                conn.executemany(_insert(table, columns), rows[start:start + 5000])

    # --- shared shapes ------------------------------------------------------------------------------
    def contest_item(self, event_id: int, day: dt.date, item_id: int, entrants: list[_Member], *,
                     stages: bool, promote: str = "") -> int:
        """Entries and results of one individual contest item; returns the total prize money (分)."""
        rng = self.rng
        entries = self.enter(event_id, day, entrants, item_id=item_id)
        rng.shuffle(entries)  # the order they finished in
        finalists = entries[:max(3, len(entries) // 3)] if stages else entries[:max(3, min(12, len(entries) // 2))]
        prizes = 0
        if stages:
            for rank, entry_id in enumerate(finalists, 1):
                self.result(event_id, day, entry_id, stage="初赛", rank=rank, notes="晋级决赛")
            rng.shuffle(finalists)
        for rank, entry_id in enumerate(finalists, 1):
            grade, prize = next((g, p) for limit, g, p in FINAL_GRADES if rank <= limit)
            promoted = bool(promote) and rank == 1
            known = (self.today - day).days > UPSTREAM_RESULT_AFTER_DAYS
            self.result(event_id, day, entry_id, stage="决赛" if stages else "", rank=rank, grade=grade, prize=prize,
                        promoted=promoted, upstream_round=promote if promoted else "",
                        upstream_result=rng.choice(("一等奖", "二等奖", "三等奖")) if promoted and known else "")
            prizes += prize
        return prizes

    def team_item(self, event_id: int, day: dt.date, people: list[_Member], size: int, *, minimum: int,
                  item_id: int | None = None, prizes: tuple[int, int, int] = (0, 0, 0),
                  filter_member=lambda m: True) -> tuple[list[tuple[int, int]], int]:
        """A team of ``size`` from each top-level unit with at least ``minimum`` eligible members, entered
        (in the item), and 团体第一/二/三名 to three of them; returns ([(entry id, unit id)], prize money)."""
        entries = []
        for unit_id, unit_people in self.by_top_unit([m for m in people if filter_member(m)]).items():
            if len(unit_people) >= minimum:
                squad = self.sample(unit_people, size)
                entries.append((self.team(event_id, day, f"{self.unit_name[unit_id]}队", squad, sub_unit_id=unit_id,
                                          item_id=item_id), unit_id))
            if len(entries) >= 8:
                break
        order = self.sample(entries, len(entries))
        total = 0
        for (grade, rank), (entry_id, _unit), prize in zip(TEAM_GRADES, order, prizes):
            self.result(event_id, day, entry_id, rank=rank, grade=grade, prize=prize)
            total += prize
        return order, total

    def women_day(self, year: int) -> None:
        day = dt.date(year, 3, self.rng.choice((6, 7, 8)))
        if not self.in_period(day):
            return
        women = [m for m in self.working(day) if m.sex == "女"]
        staff = "女职工" if self.kind == "company" else "女教职工"
        activity = self.rng.choice(("插花手工体验活动", "健步走活动", "趣味运动会"))
        event_id = self.event(f"{year}年庆“三八”{staff}{activity}", "文体活动", day, holiday="三八",
                              cost=len(women) * 8000)
        self.enter(event_id, day, women, source="全体女会员")

    def upstream_training(self, year: int) -> None:
        day = self.day_in(year, 7, 6, 12)
        if not self.in_period(day):
            return
        people = [m for m in self.working(day) if m.id in self.committee]
        event_id = self.event(f"{year}年基层工会干部培训班", "讲座/培训", day, days=3, organiser_kind="上级",
                              organiser=self.upstream, notes="学习工会法和基层工会工作实务")
        self.enter(event_id, day, people)

    def rest_trip(self, year: int, title: str, size: int) -> None:
        day = self.day_in(year, 8, 10, 20)
        if not self.in_period(day):
            return
        working = self.working(day)
        chosen = [m for m in working if m.model_worker][:size // 2]
        chosen += self.sample([m for m in working if not m.model_worker], size - len(chosen))
        event_id = self.event(f"{year}年{title}疗休养", "疗休养", day, days=5, cost=len(chosen) * 260000,
                              notes="经工会委员会研究确定人选并公示")
        self.enter(event_id, day, chosen)

    def cancelled_hike(self) -> None:
        year = self.today.year - 1
        day = self.day_in(year, 10, 18, 26)
        if not self.in_period(day):
            return
        staff = "职工" if self.kind == "company" else "教职工"
        event_id = self.event(f"{year}年{staff}秋季登山活动", "文体活动", day, status="已取消", notes=CANCEL_NOTE)
        self.enter(event_id, day, self.sample(self.working(day), max(8, len(self.working(day)) // 20)))

    def planned(self) -> None:
        rng = self.rng
        day = self.today + dt.timedelta(days=rng.randint(PLANNED_DAYS[0], PLANNED_DAYS[0] + 10))
        holiday = {12: "元旦", 1: "春节", 2: "春节"}.get(day.month, "")
        staff = "职工" if self.kind == "company" else "教职工"
        title = {"元旦": f"{day.year + 1}年迎新年", "春节": f"{day.year}年迎新春"}.get(holiday, f"{day.year}年")
        event_id = self.event(f"{title}{staff}文艺汇演", "文艺演出", day, holiday=holiday, cost=3000000,
                              notes="各分工会报送节目")
        chorus = self.item(event_id, "合唱", 1, team=True)
        solo = self.item(event_id, "独唱", 2)
        working = self.working(self.today)
        self.team(event_id, self.today, f"{staff}合唱团", self.sample(working, 20), item_id=chorus)
        self.enter(event_id, self.today, self.sample(working, 3), item_id=solo)
        later = self.today + dt.timedelta(days=rng.randint(PLANNED_DAYS[1] - 10, PLANNED_DAYS[1]))
        topic = "安全生产" if self.kind == "company" else "信息技术应用能力提升"
        self.event(f"{later.year}年{topic}培训", "讲座/培训", later, cost=500000)

    # --- a company ---------------------------------------------------------------------------------
    def company_year(self, year: int, edition: int) -> None:
        rng = self.rng
        day = self.day_in(year, 4, 24, 29)
        if self.in_period(day):
            event_id = self.event(f"{year}年“迎五一”职工拔河比赛", "文体活动", day, holiday="五一")
            item_id = self.item(event_id, "拔河", 1, team=True)
            _order, prizes = self.team_item(event_id, day, self.working(day), 10, minimum=12, item_id=item_id,
                                            prizes=(150000, 100000, 50000))
            self.set_cost(event_id, prizes + 200000)
        day = self.day_in(year, 5, 12, 20)
        if self.in_period(day):
            event_id = self.event("职工技能大赛", "技能比武", day, days=3, edition=edition, holiday="五一",
                                  notes="按工种分初赛、决赛")
            working = [m for m in self.working(day) if m.age(day) < 55]
            prizes = 0
            for order, trade in enumerate(TRADES, 1):
                eligible = [m for m in working if m.position == trade]
                if len(eligible) < 3:
                    continue
                item_id = self.item(event_id, trade, order)
                entrants = self.sample(eligible, 6 + len(eligible) // 20)
                prizes += self.contest_item(event_id, day, item_id, entrants, stages=True,
                                            promote="市级职工职业技能大赛决赛" if order <= 2 else "")
            self.set_cost(event_id, prizes + 800000)
        day = self.day_in(year, 3, 16, 25)
        if self.in_period(day):
            workshops = [u for u in self.tops if self.unit_name[u].endswith(("车间", "分厂"))] or self.tops
            chosen = sorted(self.sample(workshops, 2))
            groups = self.by_top_unit(self.working(day))
            for unit_id in chosen:
                name = self.unit_name[unit_id]
                event_id = self.event(f"{year}年{name}安全生产培训", "讲座/培训", day, cost=200000)
                self.enter(event_id, day, groups[unit_id], source=f"{name}全体会员")
                day += dt.timedelta(days=rng.randint(1, 3))
        day = self.day_in(year, 6, 14, 24)
        if self.in_period(day):
            event_id = self.event(f"{year}年“安康杯”安全知识竞赛", "安康杯", day, notes="安全生产月活动")
            order, prizes = self.team_item(event_id, day, self.working(day), 3, minimum=5,
                                           prizes=(300000, 200000, 100000))
            for _entry, unit_id in order[:2]:
                self.result(event_id, day, None, awardee=self.unit_name[unit_id], grade="组织奖", prize=50000)
                prizes += 50000
            self.set_cost(event_id, prizes + 100000)
        day = self.day_in(year, 10, 12, 25)
        if self.in_period(day):
            event_id = self.event(f"{year}年职工篮球赛", "文体活动", day, days=5)
            item_id = self.item(event_id, "男子篮球", 1, team=True)
            _order, prizes = self.team_item(event_id, day, self.working(day), 10, minimum=8, item_id=item_id,
                                            prizes=(300000, 200000, 100000),
                                            filter_member=lambda m: m.sex == "男" and m.age(day) <= 45)
            self.set_cost(event_id, prizes + 500000)
        day = self.day_in(year, 11, 3, 12)
        if self.in_period(day):
            working = self.working(day)
            event_id = self.event(f"{year}年职工法律知识竞赛", "知识竞赛", day, notes="线上答题，按得分评奖")
            entrants = self.sample(working, max(10, len(working) // 5))
            prizes = self.contest_item(event_id, day, None, entrants, stages=False)
            self.set_cost(event_id, prizes)
        self.women_day(year)
        self.upstream_training(year)
        self.rest_trip(year, "劳模和优秀职工", 16)

    # --- a school -----------------------------------------------------------------------------------
    def subject_of(self, unit_id: int | None) -> str | None:
        """The 教研组 subject of a member's sub-unit (the group itself or a 工会小组 under it)."""
        while unit_id is not None:
            name = self.unit_name.get(unit_id, "")
            if name.endswith("组") and name[:-1] in SUBJECTS:
                return name[:-1]
            unit_id = self.parent.get(unit_id)
        return None

    def school_year(self, year: int, edition: int) -> None:
        day = self.day_in(year, 4, 12, 24)
        if self.in_period(day):
            event_id = self.event("青年教师基本功比赛", "岗位练兵", day, days=2, edition=edition,
                                  notes="35周岁以下青年教师参加，分学科进行")
            young = [m for m in self.working(day) if m.age(day) <= 35]
            prizes, promoted = 0, False
            for order, subject in enumerate(SUBJECTS, 1):
                eligible = [m for m in young if self.subject_of(m.sub_unit_id) == subject]
                if len(eligible) < 3:
                    continue
                item_id = self.item(event_id, subject, order)
                prizes += self.contest_item(event_id, day, item_id, eligible[:12], stages=True,
                                            promote="" if promoted else "县级青年教师基本功比赛")
                promoted = True
            self.set_cost(event_id, prizes + 300000)
        day = self.day_in(year, 10, 14, 24)
        if self.in_period(day):
            event_id = self.event("教职工运动会", "文体活动", day, edition=edition + 10)
            working = self.working(day)
            prizes = 0
            for order, (name, test) in enumerate((
                    ("男子100米", lambda m: m.sex == "男" and m.age(day) <= 50),
                    ("女子100米", lambda m: m.sex == "女" and m.age(day) <= 50),
                    ("跳绳", lambda m: True)), 1):
                item_id = self.item(event_id, name, order)
                entrants = self.sample([m for m in working if test(m)], 8)
                if entrants:
                    prizes += self.contest_item(event_id, day, item_id, entrants, stages=False)
            item_id = self.item(event_id, "拔河", 4, team=True)
            _order, team_prizes = self.team_item(event_id, day, working, 8, minimum=8, item_id=item_id,
                                                 prizes=(80000, 60000, 40000))
            self.set_cost(event_id, prizes + team_prizes + 300000)
        day = dt.date(year, 9, 9)
        if self.in_period(day):
            event_id = self.event(f"{year}年庆祝教师节文艺演出", "文艺演出", day, holiday="教师节", cost=800000)
            chorus = self.item(event_id, "合唱", 1, team=True)
            poem = self.item(event_id, "诗朗诵", 2)
            working = self.working(day)
            self.team(event_id, day, "教工合唱团", self.sample(working, max(5, min(30, len(working) // 6))),
                      item_id=chorus)
            self.enter(event_id, day, self.sample(working, 4), item_id=poem)
        day = self.day_in(year, 5, 18, 28)
        if self.in_period(day):
            event_id = self.event(f"{year}年教职工心理健康讲座", "讲座/培训", day, cost=200000,
                                  notes="邀请市心理健康中心专家主讲")
            self.enter(event_id, day, self.working(day), source="全体在册会员")
        self.women_day(year)
        self.upstream_training(year)
        self.rest_trip(year, "优秀教师", 8)

    def set_cost(self, event_id: int, cost: int) -> None:
        rows = self.rows["events"]
        for n in range(len(rows) - 1, -1, -1):
            if rows[n][0] == event_id:
                rows[n] = (*rows[n][:10], cost, *rows[n][11:])
                return

    def run(self) -> None:
        first_edition = self.rng.randint(3, 9)
        for n, year in enumerate(range(self.start.year, self.today.year + 1)):
            if self.kind == "company":
                self.company_year(year, first_edition + n)
            else:
                self.school_year(year, first_edition + n)
        self.cancelled_hike()
        self.planned()
        self.flush()


@register_extension
def add_events(db: sqlite_utils.Database, rng: random.Random, today: dt.date, kind: str) -> None:
    """Two years of events for a demo union (runs inside the demo's transaction)."""
    _EventsDemo(db, rng, today, kind).run()
