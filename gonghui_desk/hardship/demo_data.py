"""Demo hardship files (困难职工档案): about 3% of the members on the roll, with their families.

Registered as a demo extension when imported (see :func:`gonghui_desk.demo.register_extension`).
About 45% of the files were opened during the two years before ``today``, the others earlier;
each was reviewed about once a year (some reviews late, so a few are overdue now, and one is
left clearly overdue), about one in ten was closed as 脱困 during the period and a few as 注销,
and one household that had left hardship was filed again (重新建档, linked to its closed file).
Categories, causes and the household's situation follow the main cause (因病: a serious
illness, 因学: a child at university, 单亲: a single parent…); 家庭月人均收入 is a few hundred
to about 1,500 元. Family members have valid ID numbers derived from their birth dates.

Two years of aid go to the households while their files are on record (:class:`_AidDemo`):
节日送温暖 from the upstream's funds each Spring Festival, 生活救助 about once a year, 医疗救助 or
大病救助 for illness, 临时救助 after an accident or a disaster, and a 金秋助学 round each August
for the children admitted to university that year. Payments of the last weeks are still being
applied for or approved; the paid ones were publicized first and most are signed for.

Rows get explicit ids and are written with ``executemany`` inside the demo's transaction; a
100,000-member company gets about 3,000 files in well under a second.
"""

from __future__ import annotations

import datetime as dt
import random

import sqlite_utils

from gonghui_desk import idcard
from gonghui_desk.dates import add_years, age_on
from gonghui_desk.demo import GIVEN_NAME_CHARS, OLDER_GIVEN_NAMES, SURNAMES, _weighted, register_extension

SHARE = 0.03
CATEGORIES = _weighted("困难:60 特困:15 低保边缘户:10 低保户:8 意外致困户:7")
LEVELS = _weighted("基层:55 县级:25 市级:15 省级:4 全国级:1")
CAUSES = _weighted("因病:38 因学:16 失业/下岗:10 单亲:10 因残:9 意外:8 因灾:3 其他:6")
SECONDARY = {"因病": "因学", "因学": "因病", "失业/下岗": "因学", "单亲": "因学", "因残": "因病", "意外": "因病",
             "因灾": "其他", "其他": "因病"}
HOUSING = _weighted("自有住房:55 租住私房:20 租住公房:12 单位宿舍:8 借住:5")
BANKS = ("中国工商银行", "中国农业银行", "中国建设银行", "中国银行", "中国邮政储蓄银行", "农村商业银行")
DISABILITIES = ("肢体残疾", "视力残疾", "听力残疾", "精神残疾")
SCHOOLS = ("省城某大学", "某师范大学", "某职业技术学院", "某理工大学", "某医科大学")
OUT_OF_HARDSHIP = ("子女毕业就业，家庭收入明显增加", "本人病愈返岗，家庭收入恢复", "配偶重新就业，家庭人均收入超过标准",
                   "家庭经济状况好转，经复核不再符合困难职工条件")
CANCELLED = ("本人调离本单位，档案转出", "经复核家庭收入超过标准，予以注销", "本人已退休，按规定注销")
NOTES_BY_CAUSE = {"因病": "本人患病长期治疗，医疗费用负担重", "因学": "子女就读大学，学费生活费负担重",
                  "失业/下岗": "配偶失业，家庭收入骤减", "单亲": "单亲抚养子女，家庭收入低",
                  "因残": "家庭成员残疾，需长期照护", "意外": "家庭成员遭遇意外事故", "因灾": "家中遭受自然灾害，财产损失较大",
                  "其他": "家庭收入低，生活困难"}

_FILE_COLUMNS = ("id", "member_id", "previous_file_id", "status", "category", "level", "main_cause",
                 "secondary_cause", "health", "disability", "housing_type", "housing_area", "medical_insurance",
                 "marital_status", "single_parent", "zero_employment", "monthly_income_fen",
                 "other_annual_income_fen", "household_size", "bank_name", "bank_account", "opened_on", "opened_by",
                 "checked_by", "closed_on", "close_reason", "notes", "created_at")
_FAMILY_COLUMNS = ("file_id", "name", "relation", "id_number", "birth_date", "health", "monthly_income_fen",
                   "identity", "unit_or_school", "sort_order")


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


class _HardshipDemo:
    def __init__(self, db: sqlite_utils.Database, rng: random.Random, today: dt.date):
        self.db, self.rng, self.today = db, rng, today
        self.start = add_years(today, -2) + dt.timedelta(days=1)
        staff = [r[0] for r in db.execute(
            "SELECT person_name FROM committee_members WHERE committee = '工会委员会' AND voided_at IS NULL "
            "ORDER BY sort_order, id")]
        self.chair = staff[0] if staff else "工会主席"
        self.staff = staff[1:] or [self.chair]
        self.next_id = (db.execute("SELECT coalesce(max(id), 0) FROM hardship_files").fetchone()[0]) + 1
        self.files: list[dict] = []
        self.family: list[tuple] = []
        self.reviews: list[tuple] = []

    def day_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange(max((end - start).days, 0) + 1))

    def id_number(self, area: str, birth: dt.date, sex: str) -> str:
        sequence = self.rng.randrange(500) * 2 + (1 if sex == "男" else 0)
        first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
        return first17 + idcard.check_char(first17)

    def person_name(self, surname: str | None, sex: str, birth: dt.date) -> str:
        rng = self.rng
        surname = surname or SURNAMES.pick(rng)
        if birth.year < 1965:
            return surname + rng.choice(OLDER_GIVEN_NAMES[sex])
        chars = GIVEN_NAME_CHARS[(sex, birth.year >= 1980)]
        return surname + rng.choice(chars) + ("" if rng.random() < 0.3 else rng.choice(chars))

    # --- one household ---------------------------------------------------------------------------
    def household(self, member: tuple, cause: str) -> tuple[list[dict], bool]:
        """The family rows (as dicts) and whether the head is a single parent."""
        rng, today = self.rng, self.today
        _id, name, sex, birth_text, marital, id_number = member
        birth = dt.date.fromisoformat(birth_text)
        area = id_number[:6] if id_number else "110101"
        surname = name[:2] if name[:2] in ("欧阳", "上官", "司马", "诸葛") else name[0]
        age = age_on(birth, today)
        single = cause == "单亲" or marital in ("离异", "丧偶")
        rows: list[dict] = []
        if marital == "已婚" and not single:
            spouse_sex = "女" if sex == "男" else "男"
            spouse_birth = min(birth + dt.timedelta(days=rng.randint(-1500, 1500)), today - dt.timedelta(days=20 * 365))
            ill = cause == "因病" and rng.random() < 0.5
            disabled = cause == "因残"
            identity = rng.choice(("失业", "下岗", "无业")) if cause == "失业/下岗" or ill or disabled else rng.choice(
                ("在岗", "在岗", "务农", "无业"))
            rows.append(dict(name=self.person_name(None, spouse_sex, spouse_birth), relation="配偶",
                             id_number=self.id_number(area, spouse_birth, spouse_sex), birth_date=spouse_birth,
                             health="患大病" if ill else "残疾" if disabled else rng.choice(("健康", "一般")),
                             identity=identity, earns=identity in ("在岗", "务农"),
                             unit_or_school="某私营企业" if identity == "在岗" else ""))
        children = rng.choice((1, 1, 1, 2)) if 25 <= age <= 60 else 0
        for n in range(children):
            child_age = max(0, min(age - rng.randint(23, 33), 24) - n * rng.randint(2, 5))
            if cause == "因学" and n == 0:
                child_age = rng.randint(18, 22)
            child_birth = add_years(today, -child_age) - dt.timedelta(days=rng.randrange(1, 360))
            child_sex = rng.choice(("男", "女"))
            at_university = 18 <= age_on(child_birth, today) <= 22 and (cause == "因学" or rng.random() < 0.6)
            school_age = age_on(child_birth, today)
            identity = "学生" if at_university or 6 <= school_age < 18 else "学龄前" if school_age < 6 else "在岗"
            school = (rng.choice(SCHOOLS) if at_university else "本地中学" if school_age >= 12
                      else "本地小学" if school_age >= 6 else "")
            rows.append(dict(name=self.person_name(surname, child_sex, child_birth), relation="子女",
                             id_number=self.id_number(area, child_birth, child_sex), birth_date=child_birth,
                             health="患大病" if cause == "因病" and not rows and rng.random() < 0.3 else "健康",
                             identity=identity, earns=identity == "在岗", unit_or_school=school))
        if cause in ("因病", "因残") and age < 55 and rng.random() < 0.4:
            parent_birth = birth - dt.timedelta(days=rng.randint(22, 32) * 365)
            parent_sex = rng.choice(("男", "女"))
            rows.append(dict(name=self.person_name(surname if parent_sex == "男" else None, parent_sex, parent_birth),
                             relation="父母", id_number=self.id_number(area, parent_birth, parent_sex),
                             birth_date=parent_birth, health=rng.choice(("长期慢性病", "较差", "患大病")),
                             identity="退休" if rng.random() < 0.5 else "务农", earns=False, unit_or_school=""))
        return rows, single

    def add_file(self, member: tuple, opened: dt.date) -> dict:
        rng = self.rng
        cause = CAUSES.pick(rng)
        family, single = self.household(member, cause)
        size = len(family) + 1
        per_person = rng.randint(30, 150) * 1000  # 300–1,500 元 in 分
        total_monthly = per_person * size
        head = round(total_monthly * rng.uniform(0.45, 0.85), -3)
        rest = total_monthly - head
        earners = [p for p in family if p["earns"]]
        for person in family:
            person["monthly_income_fen"] = 0
        if earners:
            share = round(rest * 0.7 / len(earners), -2)
            for person in earners:
                person["monthly_income_fen"] = share
            rest -= share * len(earners)
        disabled = cause == "因残" and not family
        file = dict(
            id=self.next_id, member_id=member[0], previous_file_id=None, status="在档",
            category=CATEGORIES.pick(rng), level=LEVELS.pick(rng), main_cause=cause,
            secondary_cause=SECONDARY[cause] if rng.random() < 0.5 else "",
            health="患大病" if cause == "因病" and not family else "残疾" if disabled else rng.choice(("健康", "一般", "一般")),
            disability=rng.choice(DISABILITIES) if disabled else "无",
            housing_type=HOUSING.pick(rng), housing_area=str(rng.randint(28, 95)), medical_insurance="城镇职工医保",
            marital_status=member[4] or "", single_parent=int(single and any(p["relation"] == "子女" for p in family)),
            zero_employment=0, monthly_income_fen=head, other_annual_income_fen=max(rest, 0) * 12,
            household_size=size, bank_name=rng.choice(BANKS),
            bank_account="62" + "".join(rng.choice("0123456789") for _ in range(17)),
            opened_on=opened.isoformat(), opened_by=rng.choice(self.staff), checked_by=self.chair,
            closed_on=None, close_reason="", notes=NOTES_BY_CAUSE[cause],
            created_at=f"{opened.isoformat()}T10:00:00")
        self.next_id += 1
        self.files.append(file)
        for order, person in enumerate(family, 1):
            self.family.append((file["id"], person["name"], person["relation"], person["id_number"],
                                person["birth_date"].isoformat(), person["health"], person["monthly_income_fen"],
                                person["identity"], person["unit_or_school"], order))
        return file

    def add_reviews(self, file: dict, *, skip_last: bool = False) -> None:
        rng = self.rng
        opened = dt.date.fromisoformat(file["opened_on"])
        end = dt.date.fromisoformat(file["closed_on"]) if file["closed_on"] else self.today
        last = opened
        days = []
        while True:
            due = add_years(last, 1)
            day = due + dt.timedelta(days=rng.randint(20, 60) if rng.random() < 0.1 else rng.randint(-25, 10))
            if day > end:
                break
            days.append(day)
            last = day
        if skip_last and days:
            days.pop()
        for day in days:
            self.reviews.append((file["id"], day.isoformat(), "继续帮扶" if rng.random() < 0.92 else "调整困难类别",
                                 rng.choice(self.staff)))

    # --- the whole union -------------------------------------------------------------------------
    def run(self) -> None:
        rng, today = self.rng, self.today
        members = self.db.execute(
            "SELECT id, name, sex, birth_date, marital_status, id_number, join_date FROM members "
            "WHERE voided_at IS NULL AND status = '在册' AND birth_date IS NOT NULL AND join_date IS NOT NULL "
            "ORDER BY id").fetchall()
        if not members:
            return
        chosen = sorted(rng.sample(members, max(3, round(len(members) * SHARE)) if len(members) >= 3 else len(members)))
        earliest = add_years(today, -6)
        for row in chosen:
            joined = dt.date.fromisoformat(row[6])
            in_period = rng.random() < 0.45
            low = max(joined, self.start if in_period else earliest)
            high = today - dt.timedelta(days=20) if in_period else self.start - dt.timedelta(days=1)
            if low > high:
                low, high = max(joined, self.start), today - dt.timedelta(days=20)
                if low > high:
                    continue
            self.add_file(row[:6], self.day_between(low, high))
        # closings in the period: about 10% 脱困 and 2% 注销, at least one 脱困
        closable = [f for f in self.files
                    if dt.date.fromisoformat(f["opened_on"]) + dt.timedelta(days=200) < today]
        closed = [f for f in closable if rng.random() < 0.12]
        if not closed and closable:
            closed = [rng.choice(closable)]
        for n, file in enumerate(closed):
            kind = "注销" if n % 6 == 5 else "脱困"
            low = max(self.start, dt.date.fromisoformat(file["opened_on"]) + dt.timedelta(days=180))
            file.update(status=kind, closed_on=self.day_between(low, today - dt.timedelta(days=5)).isoformat(),
                        close_reason=rng.choice(OUT_OF_HARDSHIP if kind == "脱困" else CANCELLED))
        open_files = [f for f in self.files if f["status"] == "在档"]
        overdue = next((f for f in open_files if dt.date.fromisoformat(f["opened_on"]) < add_years(today, -1)
                        - dt.timedelta(days=60)), None)
        for file in self.files:
            self.add_reviews(file, skip_last=file is overdue)
        self.reopen_one()
        self.db.conn.executemany(_insert("hardship_files", _FILE_COLUMNS),
                                 [tuple(f[c] for c in _FILE_COLUMNS) for f in self.files])
        self.db.conn.executemany(_insert("hardship_family_members", _FAMILY_COLUMNS), self.family)
        self.db.conn.executemany(
            "INSERT INTO hardship_reviews (file_id, review_date, result, reviewer) VALUES (?, ?, ?, ?)", self.reviews)
        _AidDemo(self).run()

    def family_key(self, family_member_id: int) -> str:
        """The ID number of a family member row: the same person across a reopened file."""
        return self.db.execute("SELECT id_number FROM hardship_family_members WHERE id = ?",
                               [family_member_id]).fetchone()[0]

    def reopen_one(self) -> None:
        """A household that left hardship and fell back into it: a new period, with its family."""
        candidates = [f for f in self.files if f["status"] == "脱困"
                      and dt.date.fromisoformat(f["closed_on"]) < self.today - dt.timedelta(days=90)]
        if not candidates:
            return
        old = self.rng.choice(candidates)
        opened = self.day_between(dt.date.fromisoformat(old["closed_on"]) + dt.timedelta(days=60),
                                  self.today - dt.timedelta(days=10))
        new = dict(old, id=self.next_id, previous_file_id=old["id"], status="在档", closed_on=None, close_reason="",
                   main_cause="因病", secondary_cause=old["main_cause"] if old["main_cause"] != "因病" else "",
                   monthly_income_fen=round(old["monthly_income_fen"] * 0.6, -2), opened_on=opened.isoformat(),
                   notes="脱困后本人突患重病，家庭再次陷入困难，重新建档", created_at=f"{opened.isoformat()}T10:00:00")
        self.next_id += 1
        self.files.append(new)
        self.add_reviews(new)
        self.family += [(new["id"], *row[1:]) for row in self.family if row[0] == old["id"]]


AID_COLUMNS = ("file_id", "member_id", "aid_type", "cash_fen", "goods_desc", "goods_value_fen", "fund_source", "stage",
               "applied_on", "applied_by", "approved_on", "approved_by", "paid_on", "paid_by", "publicized_on",
               "signed", "student_family_member_id", "school", "admission_year", "schooling_years", "notes",
               "created_at")
PENDING_DAYS = 21  # applications this recent are still 申请 or 审核


class _AidDemo:
    """Two years of aid payments to the demo households (see the module text)."""

    def __init__(self, files: _HardshipDemo):
        self.demo, self.rng, self.today = files, files.rng, files.today
        self.rows: list[tuple] = []

    @staticmethod
    def on_file(file: dict, day: dt.date) -> bool:
        return file["opened_on"] <= day.isoformat() and (not file["closed_on"] or file["closed_on"] > day.isoformat())

    def pay(self, file: dict, aid_type: str, day: dt.date, cash: int, source: str, *, goods: str = "",
            goods_value: int = 0, student: tuple | None = None, notes: str = "") -> None:
        rng, demo = self.rng, self.demo
        applied = day - dt.timedelta(days=rng.randint(10, 25))
        approved = applied + dt.timedelta(days=rng.randint(2, 6))
        publicized = approved + dt.timedelta(days=1)
        stage = "发放"
        if day > self.today - dt.timedelta(days=PENDING_DAYS):
            stage = "申请" if applied > self.today - dt.timedelta(days=7) else "审核"
        if applied > self.today:
            return
        paid = stage == "发放"
        student_id, school, admission, years = student or (None, "", None, None)
        self.rows.append((
            file["id"], file["member_id"], aid_type, cash, goods, goods_value, source, stage,
            applied.isoformat(), rng.choice(demo.staff), approved.isoformat() if stage != "申请" else None,
            demo.chair if stage != "申请" else "", day.isoformat() if paid else None,
            rng.choice(demo.staff) if paid else "", publicized.isoformat() if stage != "申请" else None,
            int(paid and rng.random() < 0.92), student_id, school, admission, years, notes,
            f"{applied.isoformat()}T09:30:00"))

    def run(self) -> None:
        rng, today = self.rng, self.today
        files = self.demo.files
        for year in range(self.demo.start.year, today.year + 1):
            festival = dt.date(year, 1, 20) + dt.timedelta(days=rng.randint(0, 14))
            if self.demo.start <= festival <= today:
                for file in files:
                    if self.on_file(file, festival) and rng.random() < 0.7:
                        goods = rng.random() < 0.5
                        self.pay(file, "节日送温暖", festival, rng.choice((50000, 80000, 100000)), "上级帮扶资金",
                                 goods="米、面、油" if goods else "", goods_value=20000 if goods else 0)
            for file in files:
                day = self.day_in(year, file)
                if day is None:
                    continue
                cause = file["main_cause"]
                if cause == "因病" and rng.random() < 0.6:
                    serious = file["health"] == "患大病" or rng.random() < 0.3
                    self.pay(file, "大病救助" if serious else "医疗救助", day,
                             rng.randint(20, 80) * 10000 if serious else rng.randint(10, 30) * 10000,
                             rng.choice(("上级帮扶资金", "本级经费")), notes="住院治疗，自付医疗费用较高")
                elif cause in ("意外", "因灾") and rng.random() < 0.6:
                    self.pay(file, "临时救助", day, rng.randint(10, 50) * 10000, rng.choice(("社会捐助", "行政")),
                             notes=NOTES_BY_CAUSE[cause])
                elif rng.random() < 0.45:
                    self.pay(file, "生活救助", day, rng.randint(10, 30) * 10000, rng.choice(("本级经费", "上级帮扶资金")))
            self.student_round(year)
        if not any(row[2] == "金秋助学" for row in self.rows):
            self.add_freshman()
        self.demo.db.conn.executemany(_insert("aid_payments", AID_COLUMNS), self.rows)

    def add_freshman(self) -> None:
        """A small union may have no child admitted in the period: give one household a freshman
        of the latest round, so the demo shows a 金秋助学 payment."""
        year = self.today.year if self.today >= dt.date(self.today.year, 9, 5) else self.today.year - 1
        day = dt.date(year, 8, 25)
        files = sorted((f for f in self.demo.files if self.on_file(f, day)),
                       key=lambda f: (f["main_cause"] != "因学", f["id"]))
        if not files or day < self.demo.start:
            return
        file = files[0]
        head = self.demo.db.execute("SELECT name, id_number FROM members WHERE id = ?", [file["member_id"]]).fetchone()
        birth = dt.date(year - 18, self.rng.randint(1, 8), self.rng.randint(1, 28))
        sex = self.rng.choice(("男", "女"))
        area = head[1][:6] if head[1] else "110101"
        surname = head[0][:2] if head[0][:2] in ("欧阳", "上官", "司马", "诸葛") else head[0][0]
        conn = self.demo.db.conn
        conn.execute(_insert("hardship_family_members", _FAMILY_COLUMNS),
                     (file["id"], self.demo.person_name(surname, sex, birth), "子女",
                      self.demo.id_number(area, birth, sex), birth.isoformat(), "健康", 0, "学生",
                      self.rng.choice(SCHOOLS), 99))
        conn.execute("UPDATE hardship_files SET household_size = household_size + 1 WHERE id = ?", [file["id"]])
        self.student_round(year)

    def day_in(self, year: int, file: dict) -> dt.date | None:
        """A day of ``year`` in the period on which the file is on record, or None."""
        low = max(self.demo.start, dt.date(year, 3, 1), dt.date.fromisoformat(file["opened_on"]) + dt.timedelta(days=15))
        high = min(self.today, dt.date(year, 12, 20))
        if file["closed_on"]:
            high = min(high, dt.date.fromisoformat(file["closed_on"]) - dt.timedelta(days=1))
        if low > high:
            return None
        return self.demo.day_between(low, high)

    def student_round(self, year: int) -> None:
        """金秋助学: the children admitted to university in ``year``, paid in late August."""
        day = dt.date(year, 8, 25) + dt.timedelta(days=self.rng.randint(0, 10))
        if not self.demo.start <= day <= self.today:
            return
        by_id = {f["id"]: f for f in self.demo.files}
        students = self.demo.db.execute(
            f"""SELECT id, file_id, unit_or_school FROM hardship_family_members
                WHERE unit_or_school IN ({', '.join('?' * len(SCHOOLS))})
                  AND birth_date BETWEEN ? AND ? AND file_id IN ({', '.join('?' * len(by_id))})
                ORDER BY id""",
            [*SCHOOLS, f"{year - 19}-09-01", f"{year - 18}-08-31", *by_id]).fetchall()
        funded: set[tuple] = set()
        for student_id, file_id, school in students:
            file = by_id[file_id]
            # a reopened file lists the same family again: fund the student once, on the live file
            key = (self.demo.family_key(student_id), year)
            if key in funded or not self.on_file(file, day):
                continue
            funded.add(key)
            years = 3 if "职业" in school else 4
            self.pay(file, "金秋助学", day, self.rng.choice((300000, 400000, 500000)),
                     self.rng.choice(("上级帮扶资金", "社会捐助")), student=(student_id, school, year, years))


@register_extension
def add_hardship_files(db: sqlite_utils.Database, rng: random.Random, today: dt.date, kind: str) -> None:
    """Hardship files for about 3% of the members on the roll (runs inside the demo's transaction)."""
    _HardshipDemo(db, rng, today).run()
