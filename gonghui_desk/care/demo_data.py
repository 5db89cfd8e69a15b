"""Demo care visits: two years of 慰问 up to ``today``, and the holiday campaigns.

Registered as a demo extension when imported (see :func:`gonghui_desk.demo.register_extension`).
Life events follow the members' records: hospital stays (more often for older people, most
with a follow-up note), weddings and births for younger married members, a 退休 visit for
each retirement in the period (from the status history), a 本人去世 visit for each death,
deaths of relatives, a few 生活困难/意外 cases, and at a school a birthday cake voucher for
everyone. Campaigns: 春节送温暖 to a small hardship list and 春节慰问 to the retirees each
year, 夏送清凉 to the members of some workshops (at a school: 行政后勤 and 体音美组), and
中秋 to the retirees; recorded and mostly signed, with next Spring Festival's list as a draft
when it is near. Two recent hospital stays wait for their visit (待走访), and one repeat
hospital visit went past the once-a-year rule with a reason.

Rows are written with ``executemany`` inside the demo's transaction: a 100,000-member company
gets about 0.4 visits per member and year.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import sqlite_utils

from gonghui_desk.care.campaigns import HARDSHIP, RecipientCriteria, criterion_members
from gonghui_desk.care.visits import VisitInput, VisitStore
from gonghui_desk.dates import add_years, age_on
from gonghui_desk.demo import OLDER_GIVEN_NAMES, SURNAMES, register_extension

SPRING_FESTIVALS = {2023: "01-22", 2024: "02-10", 2025: "01-29", 2026: "02-17", 2027: "02-06", 2028: "01-26",
                    2029: "02-13", 2030: "02-03", 2031: "01-23", 2032: "02-11", 2033: "01-31", 2034: "02-19"}
MID_AUTUMNS = {2023: "09-29", 2024: "09-17", 2025: "10-06", 2026: "09-25", 2027: "09-15", 2028: "10-03",
               2029: "09-22", 2030: "09-12", 2031: "10-01", 2032: "09-19", 2033: "09-08", 2034: "09-27"}
DRAFT_AHEAD_DAYS = 90  # next Spring Festival's list is prepared this long before it
ILLNESSES = ("肺炎", "骨折", "阑尾炎", "胆囊结石", "冠心病", "高血压", "2型糖尿病", "脑梗塞", "腰椎间盘突出", "胃出血",
             "肾结石", "甲状腺结节", "支气管炎", "痛风", "带状疱疹")
OLDER_ILLNESSES = ("冠心病", "脑梗塞", "白内障", "慢性阻塞性肺病", "高血压", "骨折", "前列腺增生")
FOLLOW_UPS = ("已出院，恢复良好", "出院后电话随访，身体恢复中", "再次上门看望，已返岗工作", "已出院，在家休养",
              "电话随访，复查结果正常")
HARDSHIPS = ("家中遭遇火灾，损失较大", "本人交通事故受伤", "子女患重病，医疗费用负担重", "配偶失业，家庭收入骤减",
             "家中老人长期卧床，照护负担重")
HOSPITAL_GIFTS = (("水果、牛奶", 15000), ("鲜花、水果", 10000), ("营养品", 20000))
BIRTH_NOTES = ("喜得千金", "喜得贵子")
LEADERS = {"school": ("校长", "党支部书记"), "company": ("总经理", "党委书记")}


@dataclass
class _Member:
    id: int
    name: str
    sex: str | None
    birth: dt.date
    marital: str
    sub_unit_id: int | None
    retired_on: dt.date | None = None
    died_on: dt.date | None = None
    left_on: dt.date | None = None  # 转出, 退会 or 去世
    joined_on: dt.date | None = None

    def on_roll(self, day: dt.date) -> bool:
        return self.joined_on is not None and self.joined_on <= day and (self.left_on is None or day < self.left_on)

    def retired(self, day: dt.date) -> bool:
        return self.on_roll(day) and self.retired_on is not None and self.retired_on <= day


_VISIT_COLUMNS = ("member_id", "recipient_relation", "recipient_name", "occasion_id", "event_date", "visit_date",
                  "visitors", "leader_went", "cash_fen", "goods_desc", "goods_value_fen", "payment_form",
                  "fund_source", "illness", "follow_up", "signed", "notes", "campaign_id")
_INSERT_VISITS = (f"INSERT INTO visits ({', '.join(_VISIT_COLUMNS)}) "
                  f"VALUES ({', '.join('?' * len(_VISIT_COLUMNS))})")


class _CareDemo:
    def __init__(self, db: sqlite_utils.Database, rng: random.Random, today: dt.date, kind: str):
        self.db, self.rng, self.today, self.kind = db, rng, today, kind
        self.start = add_years(today, -2) + dt.timedelta(days=1)
        self.occasions = {r[0]: (r[1], r[2] or 0) for r in db.execute(
            "SELECT name, id, standard_fen FROM care_occasions WHERE voided_at IS NULL")}
        self.committee = [r[0] for r in db.execute(
            "SELECT person_name FROM committee_members WHERE committee = '工会委员会' AND voided_at IS NULL "
            "ORDER BY sort_order, id")]
        self.rows: list[tuple] = []
        self.members = self._members()
        self.name_order = {r[0]: n for n, r in enumerate(db.execute("SELECT id FROM members ORDER BY name_sort, id"))}

    # --- reading the demo's members ----------------------------------------------------------
    def _members(self) -> list[_Member]:
        members = {r[0]: _Member(r[0], r[1], r[2], dt.date.fromisoformat(r[3]), r[4], r[5]) for r in self.db.execute(
            "SELECT id, name, sex, birth_date, marital_status, sub_unit_id FROM members "
            "WHERE voided_at IS NULL AND birth_date IS NOT NULL ORDER BY id")}
        for member_id, status, day in self.db.execute(
                "SELECT member_id, new_status, effective_date FROM member_status_changes ORDER BY member_id, id"):
            member = members.get(member_id)
            if member is None:
                continue
            day = dt.date.fromisoformat(day)
            if status == "在册" and member.joined_on is None:
                member.joined_on = day
            elif status == "退休":
                member.retired_on = day
            elif status in ("转出", "退会", "去世"):
                member.left_on = day
                if status == "去世":
                    member.died_on = day
        return list(members.values())

    # --- helpers -------------------------------------------------------------------------------
    def day_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

    def visit_day(self, event: dt.date, most_days_after: int = 6) -> dt.date:
        return min(self.today, event + dt.timedelta(days=self.rng.randint(0, most_days_after)))

    def visitors(self, visited: str, serious: bool = False) -> tuple[str, int]:
        """(走访人员, whether a leader went): two committee members other than the person visited,
        and a leader for some serious cases."""
        pool = [name for name in self.committee if name != visited]
        people = self.rng.sample(pool, min(2, len(pool)))
        leader = serious and self.rng.random() < 0.4
        if leader:
            people.insert(0, self.rng.choice(LEADERS[self.kind]))
        return "、".join(people), int(leader)

    def signed(self, day: dt.date) -> int:
        return int(self.rng.random() < (0.6 if (self.today - day).days < 14 else 0.97))

    def relative_name(self, member: _Member, relation: str) -> str:
        surname = member.name[:2] if member.name[:2] in ("欧阳", "上官", "司马", "诸葛") else member.name[0]
        if relation == "父母":
            if self.rng.random() < 0.5:
                return surname + self.rng.choice(OLDER_GIVEN_NAMES["男"])
            return SURNAMES.pick(self.rng) + self.rng.choice(OLDER_GIVEN_NAMES["女"])
        sex = "女" if member.sex == "男" else "男"
        return SURNAMES.pick(self.rng) + self.rng.choice(OLDER_GIVEN_NAMES[sex])

    def add(self, member: _Member, occasion: str, event: dt.date | None, visit: dt.date | None, *,
            relation: str = "本人", relative: str = "", cash: int | None = None, goods: tuple[str, int] = ("", 0),
            form: str = "现金", fund: str = "本级工会经费", illness: str = "", follow_up: str = "",
            notes: str = "", serious: bool = False, campaign_id: int | None = None, visitors: bool = True) -> None:
        if occasion not in self.occasions:
            return  # the union does not keep this occasion
        occasion_id, standard = self.occasions[occasion]
        who, leader = self.visitors(member.name, serious) if visitors and visit else ("", 0)
        self.rows.append((
            member.id, relation, relative, occasion_id, event and event.isoformat(), visit and visit.isoformat(),
            who, leader, standard if cash is None else cash, goods[0], goods[1], form, fund, illness, follow_up,
            self.signed(visit) if visit else 0, notes, campaign_id))

    def window(self, member: _Member) -> tuple[dt.date, dt.date] | None:
        """The days of the period on which the member was on the roll."""
        if member.joined_on is None:
            return None
        start = max(self.start, member.joined_on)
        end = min(self.today, member.left_on - dt.timedelta(days=1)) if member.left_on else self.today
        return (start, end) if start <= end else None

    # --- life events ---------------------------------------------------------------------------
    def life_events(self) -> None:
        rng = self.rng
        for member in self.members:
            window = self.window(member)
            if window is None:
                continue
            start, end = window
            years = ((end - start).days + 1) / 365.25
            age = age_on(member.birth, end)
            retired = member.retired_on is not None and member.retired_on <= end
            hospital_rate = 0.10 if retired else 0.03 if age < 40 else 0.05 if age < 55 else 0.08
            if rng.random() < hospital_rate * years:
                self.hospital(member, self.day_between(start, end), age)
            married_young = member.marital == "已婚" and age <= 40
            if married_young and not retired and rng.random() < 0.08 * years:
                event = self.day_between(start, end)
                self.add(member, "结婚", event, self.visit_day(event, 14))
            if married_young and not retired and rng.random() < 0.06 * years:
                event = self.day_between(start, end)
                self.add(member, "生育", event, self.visit_day(event, 20), notes=rng.choice(BIRTH_NOTES),
                         goods=("营养品", 20000) if rng.random() < 0.3 else ("", 0))
            if age >= 30 and rng.random() < (0.035 if age >= 50 else 0.02) * years:
                relation = "配偶父母" if member.marital == "已婚" and rng.random() < 0.3 else "父母"
                event = self.day_between(start, end)
                self.add(member, "直系亲属去世", event, self.visit_day(event, 3), relation=relation,
                         relative=self.relative_name(member, relation), serious=True)
            if rng.random() < 0.006 * years:
                event = self.day_between(start, end)
                self.add(member, "生活困难/意外", event, self.visit_day(event, 10), cash=rng.choice((100000, 150000, 200000)),
                         notes=rng.choice(HARDSHIPS), serious=True)
            if member.retired_on and start <= member.retired_on <= end:
                self.add(member, "退休", member.retired_on, self.visit_day(member.retired_on, 20), serious=True,
                         goods=("退休纪念品", 20000) if rng.random() < 0.5 else ("", 0))
            if member.died_on and self.start <= member.died_on <= self.today:
                self.add(member, "本人去世", member.died_on, self.visit_day(member.died_on, 3), serious=True,
                         notes="慰问家属")
            if self.kind == "school" and "生日" in self.occasions:
                self.birthdays(member, start, end)

    def hospital(self, member: _Member, admitted: dt.date, age: int) -> None:
        rng = self.rng
        visited = self.visit_day(admitted, 5)
        recent = (self.today - visited).days <= 30
        follow_up = rng.choice(FOLLOW_UPS) if rng.random() < (0.25 if recent else 0.8) else ""
        illness = rng.choice(OLDER_ILLNESSES if age >= 55 and rng.random() < 0.5 else ILLNESSES)
        gift = rng.choice(HOSPITAL_GIFTS) if rng.random() < 0.3 else ("", 0)
        self.add(member, "生病住院", admitted, visited, illness=illness, follow_up=follow_up, goods=gift,
                 fund="行政" if rng.random() < 0.1 else "本级工会经费")

    def birthdays(self, member: _Member, start: dt.date, end: dt.date) -> None:
        for year in range(start.year, end.year + 1):
            birthday = add_years(member.birth, year - member.birth.year)
            if start <= birthday <= end:
                self.add(member, "生日", birthday, birthday, cash=0, goods=("生日蛋糕券", self.occasions["生日"][1]),
                         form="蛋糕券", visitors=False)

    def pending_hospital_stays(self, count: int = 2) -> None:
        """Recent admissions recorded before the visit (待走访)."""
        recent = self.today - dt.timedelta(days=5)
        candidates = [m for m in self.members if m.on_roll(recent) and m.on_roll(self.today)]
        for member in self.rng.sample(candidates, min(count, len(candidates))):
            self.add(member, "生病住院", self.day_between(recent, self.today), None, cash=0, form="",
                     illness=self.rng.choice(ILLNESSES), notes="家属来电告知住院，待安排走访")

    # --- campaigns -----------------------------------------------------------------------------
    def hardship_list(self) -> list[_Member]:
        """The heads of the demo hardship files when that module made them (it runs first), else a
        small fixed stand-in of about 1% of the working members."""
        working = [m for m in self.members if m.on_roll(self.today) and not m.retired_on]
        with_files = criterion_members(self.db, HARDSHIP)
        if with_files:
            return [m for m in working if m.id in with_files]
        return self.rng.sample(working, max(2, len(working) // 100)) if working else []

    def summer_units(self) -> set[int]:
        units = list(self.db.execute("SELECT id, parent_id, name FROM sub_units WHERE voided_at IS NULL ORDER BY id"))
        if self.kind == "school":
            chosen = [u[0] for u in units if u[2] in ("行政后勤", "体音美组")]
        else:
            workshops = [u[0] for u in units if u[2].endswith("车间")]
            chosen = self.rng.sample(workshops, max(1, round(len(workshops) * 0.25))) if workshops else []
        children: dict[int, list[int]] = {}
        for unit_id, parent_id, _name in units:
            children.setdefault(parent_id, []).append(unit_id)
        result, stack = set(), list(chosen)
        while stack:
            unit_id = stack.pop()
            result.add(unit_id)
            stack += children.get(unit_id, [])
        return result

    def campaigns(self) -> None:
        rng = self.rng
        hardship = self.hardship_list()
        summer = self.summer_units()
        retirees_criteria = RecipientCriteria(statuses=("退休",)).to_json()
        summer_criteria = RecipientCriteria(sub_unit_ids=tuple(sorted(summer))).to_json()
        for year in range(self.start.year, self.today.year + 2):
            spring = dt.date.fromisoformat(f"{year}-{SPRING_FESTIVALS.get(year, '02-01')}")
            autumn = dt.date.fromisoformat(f"{year}-{MID_AUTUMNS.get(year, '09-20')}")
            spring_day = spring - dt.timedelta(days=10)
            self.campaign(f"{year}年春节送温暖", spring_day, "节日慰问", [m for m in hardship if m.on_roll(spring_day)],
                          cash=100000, fund="上级工会补助", criteria="",
                          notes="困难职工名单经工会委员会研究确定")
            self.campaign(f"{year}年春节慰问退休职工", spring_day + dt.timedelta(days=2), "节日慰问",
                          [m for m in self.members if m.retired(spring_day)], cash=30000,
                          goods=("大米一袋、食用油一桶", 15000), criteria=retirees_criteria)
            summer_day = dt.date(year, 7, 10 + rng.randrange(6))
            self.campaign(f"{year}年夏送清凉", summer_day, "夏季高温",
                          [m for m in self.members if m.sub_unit_id in summer and m.on_roll(summer_day)
                           and not m.retired(summer_day)],
                          cash=0, goods=("绿豆、白糖、藿香正气水", 6000), form="实物", criteria=summer_criteria)
            autumn_day = autumn - dt.timedelta(days=5)
            self.campaign(f"{year}年中秋慰问退休职工", autumn_day, "节日慰问",
                          [m for m in self.members if m.retired(autumn_day)], cash=0, goods=("月饼一盒", 10000),
                          form="实物", criteria=retirees_criteria)

    def campaign(self, name: str, day: dt.date, occasion: str, recipients: list[_Member], *, cash: int,
                 goods: tuple[str, int] = ("", 0), form: str = "现金", fund: str = "本级工会经费",
                 criteria: str, notes: str = "") -> None:
        """A recorded campaign (or, when it is near, a draft); none for days outside the period."""
        draft = self.today < day <= self.today + dt.timedelta(days=DRAFT_AHEAD_DAYS)
        if not recipients or occasion not in self.occasions or not (self.start <= day <= self.today or draft):
            return
        recorded_at = None if draft else f"{day.isoformat()}T17:30:00"
        campaign_id = self.db.execute(
            "INSERT INTO campaigns (name, campaign_date, occasion_id, fund_source, payment_form, default_cash_fen, "
            "default_goods, default_goods_value_fen, criteria, notes, recorded_at, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [name, day.isoformat(), self.occasions[occasion][0], fund, form, cash, goods[0], goods[1], criteria,
             notes, recorded_at, f"{(min(day, self.today) - dt.timedelta(days=7)).isoformat()}T09:00:00"]).lastrowid
        ordered = sorted(recipients, key=lambda m: self.name_order[m.id])
        self.db.conn.executemany(
            "INSERT INTO campaign_recipients (campaign_id, member_id, cash_fen, goods_desc, goods_value_fen, "
            "sort_order) VALUES (?, ?, ?, ?, ?, ?)",
            [(campaign_id, m.id, cash, goods[0], goods[1], order) for order, m in enumerate(ordered, 1)])
        if not draft:
            for member in ordered:
                self.add(member, occasion, None, day, cash=cash, goods=goods, form=form, fund=fund,
                         campaign_id=campaign_id, visitors=False)

    # --- one visit that went past a rule ---------------------------------------------------------
    def repeat_hospital_visit(self) -> None:
        """A second stay for the same illness within a year, visited again with a reason."""
        occasion_id = self.occasions.get("生病住院", (None,))[0]
        row = self.db.execute(
            """SELECT v.member_id, v.illness, v.visit_date, m.name FROM visits v JOIN members m ON m.id = v.member_id
               WHERE v.occasion_id = ? AND v.visit_date BETWEEN ? AND ? AND v.recipient_relation = '本人'
                 AND m.status IN ('在册', '退休')
               ORDER BY v.visit_date, v.id LIMIT 1""",
            [occasion_id, (self.today - dt.timedelta(days=300)).isoformat(),
             (self.today - dt.timedelta(days=60)).isoformat()]).fetchone()
        if row is None:
            return
        again = dt.date.fromisoformat(row[2]) + dt.timedelta(days=self.rng.randint(40, 55))
        who, leader = self.visitors(row[3], serious=True)
        VisitStore(self.db, today=self.today).save(
            VisitInput(member_id=row[0], occasion_id=occasion_id, event_date=again - dt.timedelta(days=2),
                       visit_date=again, visitors=who, leader_went=bool(leader), cash_fen=self.occasions["生病住院"][1],
                       payment_form="现金", fund_source="本级工会经费", illness=row[1], signed=True),
            override_reason="病情反复再次住院手术，经工会委员会研究同意再次慰问")

    def run(self) -> None:
        self.life_events()
        self.pending_hospital_stays()
        self.campaigns()
        self.rows.sort(key=lambda r: (r[5] or r[4], r[0]))  # in date order, as an officer would enter them
        self.db.conn.executemany(_INSERT_VISITS, self.rows)
        self.repeat_hospital_visit()


@register_extension
def add_care_visits(db: sqlite_utils.Database, rng: random.Random, today: dt.date, kind: str) -> None:
    """Two years of visits and campaigns for a demo union (runs inside the demo's transaction)."""
    _CareDemo(db, rng, today, kind).run()
