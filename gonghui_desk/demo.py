"""Realistic demo data: a school or company union with its committees, sub-unit tree and members.

Everything is drawn from one ``random.Random(seed)``, so the same seed and date always give
the same database. Members are written in bulk inside one transaction (100,000 in well under a
minute) with their status history, so a cancelled run leaves nothing behind.

Later modules add their own demo records (visits, aid, events…) through
:func:`register_extension`; their functions run at the end of :func:`generate_demo`, in the
same transaction, each with its own random generator derived from the seed, so adding one
extension does not change the data of the others. The module that registers an extension
must have been imported before the demo database is created.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import sqlite_utils

from gonghui_desk import idcard
from gonghui_desk.dates import add_years, age_on
from gonghui_desk.db.connection import open_database, transaction
from gonghui_desk.errors import UserError
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel, no_progress
from gonghui_desk.members import MEMBER_FIELDS, STATUSES, search_text_for
from gonghui_desk.retirement import statutory_retirement
from gonghui_desk.union import (
    COMMITTEES, UnionProfile, add_committee_member, add_sub_unit, save_profile, set_staff_count,
)

DEMO_KINDS = {"school": "学校", "company": "企业"}
DEFAULT_MEMBERS = {"school": 120, "company": 800}
MIN_MEMBERS, MAX_MEMBERS = 20, 300_000
TERM_YEARS = 5

DemoExtension = Callable[[sqlite_utils.Database, random.Random, dt.date, str], None]
_EXTENSIONS: list[DemoExtension] = []


def register_extension(extension: DemoExtension) -> DemoExtension:
    """Add ``extension(db, rng, today, kind)`` to every demo run; usable as a decorator.

    It runs inside generate_demo's transaction, so it must write with ``db.execute`` or the
    app's own functions, never with sqlite-utils' ``insert_all`` (which would commit early).
    ``kind`` is "school" or "company"; records should fall within the two years before ``today``.
    """
    if extension not in _EXTENSIONS:
        _EXTENSIONS.append(extension)
    return extension


# --- weighted tables ----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Weighted:
    values: tuple
    cumulative: tuple

    def pick(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


def _weighted(spec: str) -> _Weighted:
    """ "汉族:93 回族:1.5 …" -> a table to draw from; an empty value is written as ":5"."""
    values, cumulative, total = [], [], 0.0
    for value, weight in re.findall(r"(\S*):([\d.]+)", spec):
        total += float(weight)
        values.append(value)
        cumulative.append(total)
    return _Weighted(tuple(values), tuple(cumulative))


# Frequent surnames roughly by population share; 单 曾 解 仇 查 覃 翟 (surnames with a special
# reading) a little more often than in life, so a demo shows that pinyin search finds them.
SURNAMES = _weighted(
    "王:71 李:70 张:68 刘:54 陈:45 杨:31 黄:22 赵:22 吴:20 周:19 徐:13 孙:12 马:11 朱:11 胡:10 郭:9.7 "
    "何:9 高:8.8 林:8.7 罗:8.6 郑:8 梁:8 谢:6 宋:5.6 唐:5.4 许:5.3 韩:5 冯:5 邓:5 曹:4.8 彭:4.6 曾:6 "
    "肖:4.4 田:4.3 董:4.3 袁:4.2 潘:4.1 于:4 蒋:4 蔡:3.9 余:3.9 杜:3.8 叶:3.7 程:3.6 苏:3.5 魏:3.5 吕:3.4 "
    "丁:3.3 任:3.3 沈:3.2 姚:3.1 卢:3.1 姜:3 崔:3 钟:3 谭:2.9 陆:2.9 汪:2.8 范:2.8 金:2.7 石:2.7 廖:2.7 "
    "贾:2.6 夏:2.6 韦:2.5 付:2.5 方:2.4 白:2.4 邹:2.4 孟:2.3 熊:2.3 秦:2.2 邱:2.2 江:2.2 尹:2.1 薛:2.1 "
    "闫:2 段:2 雷:2 侯:1.9 龙:1.9 史:1.9 陶:1.8 黎:1.8 贺:1.7 顾:1.7 毛:1.6 郝:1.6 龚:1.6 邵:1.5 万:1.5 "
    "钱:1.5 严:1.4 武:1.3 戴:1.3 莫:1.2 孔:1.2 向:1.2 汤:1.2 单:3 解:1.5 仇:1 查:1 覃:1.5 翟:1.5 "
    "欧阳:0.6 上官:0.2 司马:0.2 诸葛:0.1")
GIVEN_NAME_CHARS = {  # (sex, born 1980 or later) -> characters; the newer ones are rare in older names
    ("男", False): "伟强磊军勇杰涛明斌鹏辉刚健波峰建华国平志文海东亮林飞俊宁龙成宏彬坤锋毅振兴鸣岩瑞祥松柏",
    ("男", True): "伟强磊军洋勇杰涛明超斌鹏辉健波宇浩凯峰文海东亮林飞俊翔宁龙成博睿泽轩航鑫宏彬坤锋毅鸣瑞嘉",
    ("女", False): "芳娜敏静丽艳娟霞秀玲燕婷雪慧莉倩琳颖洁萍红梅琴云兰凤月晶晓丹",
    ("女", True): "芳娜敏静丽艳婷雪慧莉倩琳颖洁佳欣怡萍梅琴云月晶悦菲薇蕾瑶璐雯婧妍琪晓丹",
}
OLDER_GIVEN_NAMES = {  # names typical of people born before 1970
    "男": ("建国", "国庆", "建华", "卫东", "建军", "志强", "德明", "学文", "振华", "国强", "永平", "和平"),
    "女": ("秀英", "桂英", "玉兰", "桂兰", "凤英", "淑珍", "秀兰", "美华", "丽华", "素芬", "玉珍", "红梅"),
}
ETHNICITIES = _weighted("汉族:930 回族:15 满族:12 壮族:12 苗族:6 土家族:6 蒙古族:5 彝族:4 侗族:3 布依族:2 "
                        "朝鲜族:2 藏族:2 维吾尔族:1")

# Real county-level area codes, by province; most members come from the union's own province.
AREA_CODES = {
    "11": ("110101", "110102", "110105", "110108"), "13": ("130102", "130104", "130105", "130108"),
    "14": ("140105", "140106", "140107"), "21": ("210102", "210103", "210104"),
    "32": ("320102", "320104", "320106", "320505", "320583"), "33": ("330102", "330106", "330203", "330302"),
    "34": ("340102", "340103", "340104"), "35": ("350102", "350103", "350203"),
    "36": ("360102", "360103", "360111"), "37": ("370102", "370103", "370202", "370203"),
    "41": ("410102", "410103", "410105"), "42": ("420102", "420103", "420106"),
    "43": ("430102", "430103", "430104"), "44": ("440103", "440104", "440106", "440304"),
    "50": ("500103", "500104", "500105"), "51": ("510104", "510105", "510107"),
    "61": ("610102", "610103", "610113"), "62": ("620102", "620103"),
}
HOME_PROVINCE_SHARE = 0.85
PHONE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                  "155", "156", "157", "158", "159", "166", "173", "176", "177", "180", "181", "182", "183",
                  "185", "186", "187", "188", "189", "191", "198", "199")

# --- the union ----------------------------------------------------------------------------------
PLACES = ("青禾", "云溪", "枫桥", "柳塘", "石门", "安平", "清河", "长宁", "永和", "白沙", "东湖", "双河")
COMPANY_BRANDS = ("恒达", "华晟", "锦程", "宏远", "精工", "瑞丰", "联创", "新源")
COMPANY_TRADES = ("机械制造", "汽车零部件", "电机", "精密铸造", "液压设备", "电子科技")
ROADS = ("人民路", "解放路", "建设路", "工业大道", "学府路", "滨江路", "新华路")


@dataclass
class _Plan:
    """A sub-unit to create; ``weight`` is its subtree's share of the members among its siblings."""
    name: str
    kind: str
    role: str | None = None  # what its members do; children inherit it
    weight: float = 1.0
    children: list["_Plan"] = field(default_factory=list)


@dataclass
class _Leaf:
    id: int
    role: str
    weight: float


SCHOOL_GROUPS = (("语文组", 1.3), ("数学组", 1.3), ("英语组", 1.2), ("理化生组", 1.4), ("政史地组", 1.2),
                 ("体音美组", 1.0))
RETIREES_UNIT = "离退休人员"
PRODUCTION_ROLES = ("production", "quality", "maintenance", "logistics")  # women's original age 50
COMPANY_SUPPORT = (("质检部", "quality", 1.2), ("设备部", "maintenance", 1.0), ("仓储物流部", "logistics", 0.8))
COMPANY_OFFICES = (("技术部", "engineering", 1.0), ("行政部", "office", 0.8), ("销售部", "sales", 1.0))
SHIFTS = ("甲班", "乙班", "丙班")


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals (一, 十二, 三十); larger numbers in Arabic digits."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
    return str(n)


def _school_plan(members: int) -> list[_Plan]:
    def campus() -> list[_Plan]:
        with_groups = members > 300
        plans = [_Plan(name, "部门", "teaching", weight,
                       [_Plan(grade, "工会小组") for grade in ("高一", "高二", "高三")] if with_groups else [])
                 for name, weight in SCHOOL_GROUPS]
        offices = [_Plan(name, "工会小组") for name in ("办公室", "教务处", "总务处")] if with_groups else []
        plans.append(_Plan("行政后勤", "部门", "admin", 1.0, offices))
        return plans

    if members <= 1500:
        return campus()
    return [_Plan(f"第{chinese_number(i)}校区", "分工会", children=campus())
            for i in range(1, math.ceil(members / 1200) + 1)]


def _company_plan(members: int) -> list[_Plan]:
    def workshop(number: int, kind: str) -> _Plan:
        shifts = [_Plan(name, "工会小组") for name in SHIFTS] if members >= 300 else []
        return _Plan(f"{chinese_number(number)}车间", kind, "production", 4.0, shifts)

    offices = [_Plan(name, "分工会", role, weight) for name, role, weight in COMPANY_OFFICES]
    if members <= 2000:
        workshops = [workshop(i, "分工会") for i in range(1, min(6, max(2, members // 250)) + 1)]
        support = [_Plan(name, "分工会", role, weight) for name, role, weight in COMPANY_SUPPORT]
        return workshops + support + offices
    factories = [
        _Plan(f"第{chinese_number(i)}分厂", "分工会", weight=6.0, children=[
            *(workshop(j, "部门") for j in range(1, 6)),
            _Plan("质检科", "部门", "quality", 1.2), _Plan("设备科", "部门", "maintenance", 1.0)])
        for i in range(1, math.ceil(members / 2000) + 1)]
    return factories + offices


def _create_units(db, plans: list[_Plan], parent_id: int | None, share: float, role: str | None,
                  leaves: list[_Leaf]) -> None:
    total = sum(p.weight for p in plans)
    for plan in plans:
        unit_id = add_sub_unit(db, plan.name, kind=plan.kind, parent_id=parent_id)
        portion = share * plan.weight / total
        if plan.children:
            _create_units(db, plan.children, unit_id, portion, plan.role or role, leaves)
        else:
            leaves.append(_Leaf(unit_id, plan.role or role, portion))


# --- people ---------------------------------------------------------------------------------------
STATUS_SHARES = {
    "school": {"退休": 0.13, "转出": 0.02, "退会": 0.01, "去世": 0.01},
    "company": {"退休": 0.06, "转出": 0.015, "退会": 0.03, "去世": 0.005},
}
FEMALE_SHARE = {"teaching": 0.66, "admin": 0.5, "production": 0.3, "quality": 0.6, "maintenance": 0.1,
                "logistics": 0.3, "engineering": 0.3, "office": 0.65, "sales": 0.45}
START_AGES = {"teaching": (22, 25), "admin": (19, 24), "engineering": (22, 25), "office": (20, 24),
              "sales": (20, 24)}  # other roles start at 18–22
POSITIONS = {
    "teaching": _weighted("教师:60 班主任:30 备课组长:6 教研组长:3 年级主任:1"),
    "admin": _weighted("办公室主任:1 会计:2 出纳:1 教务员:3 图书管理员:2 校医:1 后勤管理员:3 实验员:3 电工:1 "
                       "保安:2 食堂管理员:1"),
    "production": _weighted("操作工:40 装配工:20 焊工:8 数控车工:10 钳工:6 电工:4 叉车工:3 班组长:9"),
    "quality": _weighted("质检员:60 检验员:30 质量工程师:10"),
    "maintenance": _weighted("设备维修工:60 电工:25 设备工程师:15"),
    "logistics": _weighted("仓管员:50 叉车工:25 物流专员:20 司机:5"),
    "engineering": _weighted("工艺工程师:40 研发工程师:35 技术员:25"),
    "office": _weighted("行政专员:30 人事专员:20 会计:15 出纳:5 司机:10 办公室主任:5 保洁员:15"),
    "sales": _weighted("销售代表:60 客服专员:25 销售经理:15"),
}
SENIOR_POSITIONS = ("备课组长", "教研组长", "年级主任", "办公室主任", "班组长", "销售经理")  # not before 30
TEACHER_TITLES = ((27, _weighted("二级教师:70 :30")), (38, _weighted("一级教师:70 二级教师:30")),
                  (49, _weighted("一级教师:55 高级教师:45")),
                  (200, _weighted("高级教师:65 一级教师:32 正高级教师:3")))
ENGINEER_TITLES = ((28, _weighted("助理工程师:80 :20")), (40, _weighted("工程师:75 助理工程师:25")),
                   (200, _weighted("高级工程师:50 工程师:50")))
SKILL_LEVELS = ((25, _weighted("初级工:60 :40")), (35, _weighted("中级工:60 初级工:15 :25")),
                (45, _weighted("高级工:55 技师:15 中级工:10 :20")), (200, _weighted("技师:40 高级技师:15 高级工:30 :15")))
ACCOUNTANT_TITLES = ((35, _weighted("助理会计师:80 :20")), (200, _weighted("会计师:70 助理会计师:30")))
POLITICAL = {
    "school": _weighted("中共党员:40 中共预备党员:2 民主党派:3 群众:55"),
    "company": _weighted("中共党员:14 中共预备党员:1 民主党派:0.5 群众:84.5"),
}
POLITICAL_YOUNG = {  # 共青团员 are 28 or younger
    "school": _weighted("中共党员:15 中共预备党员:5 共青团员:45 群众:35"),
    "company": _weighted("中共党员:5 中共预备党员:2 共青团员:35 群众:58"),
}
EDUCATION = {
    "teaching": _weighted("博士研究生:1 硕士研究生:28 大学本科:66 大学专科:5"),
    "teaching_older": _weighted("硕士研究生:8 大学本科:72 大学专科:18 中专:2"),
    "admin": _weighted("大学本科:35 大学专科:35 中专:10 高中:15 初中及以下:5"),
    "production": _weighted("大学本科:6 大学专科:24 中专:28 高中:30 初中及以下:12"),
    "quality": _weighted("大学本科:15 大学专科:35 中专:25 高中:20 初中及以下:5"),
    "maintenance": _weighted("大学本科:15 大学专科:35 中专:25 高中:20 初中及以下:5"),
    "logistics": _weighted("大学本科:6 大学专科:24 中专:28 高中:30 初中及以下:12"),
    "engineering": _weighted("硕士研究生:20 大学本科:65 大学专科:15"),
    "office": _weighted("硕士研究生:5 大学本科:50 大学专科:35 高中:10"),
    "sales": _weighted("硕士研究生:3 大学本科:47 大学专科:40 高中:10"),
}
EMPLOYMENT = {
    "teaching": _weighted("在编:88 合同制:12"),
    "admin": _weighted("在编:55 合同制:25 劳务派遣:5 临时聘用:15"),
    "company": _weighted("合同制:85 劳务派遣:12 临时聘用:3"),
    "migrant": _weighted("合同制:50 劳务派遣:30 农民工:20"),
}
MIGRANT_SHARE = {"production": 0.2, "quality": 0.12, "maintenance": 0.12, "logistics": 0.25, "office": 0.04,
                 "sales": 0.05}  # company members; in a school only some temporary support staff
MODEL_WORKER_TYPES = _weighted("县区级劳模:60 市级劳模:30 省部级劳模:9 全国劳模:1")
MARITAL = ((26, _weighted("未婚:75 已婚:25")), (36, _weighted("已婚:70 未婚:27 离异:3")),
           (60, _weighted("已婚:90 离异:6 未婚:2 丧偶:2")), (200, _weighted("已婚:85 丧偶:11 离异:4")))
LEAVING_REASONS = {
    "转出": {"school": _weighted("工作调动，会员关系转出:3 调往其他学校任教:5"),
             "company": _weighted("工作调动，会员关系转出:5 调往集团其他单位:3")},
    "退会": {"school": _weighted("本人申请退会:1"),
             "company": _weighted("解除劳动合同，办理退会:5 离职:4 本人申请退会:1")},
}
JOINED_REASON = "入会"
RETIRED_REASON = "达到法定退休年龄，办理退休手续"
DIED_REASON = "因病去世"


def _by_age(table, age: int) -> _Weighted:
    return next(weighted for limit, weighted in table if age < limit)


def _status_plan(rng: random.Random, kind: str, count: int) -> list[str]:
    """The exact mix of statuses (at least one of each), in random order."""
    statuses = []
    for status, share in STATUS_SHARES[kind].items():
        statuses += [status] * max(1, round(count * share))
    statuses += ["在册"] * (count - len(statuses))
    rng.shuffle(statuses)
    return statuses


class _PersonMaker:
    def __init__(self, rng: random.Random, kind: str, today: dt.date, home_province: str):
        self.rng, self.kind, self.today = rng, kind, today
        self.home_codes = AREA_CODES[home_province]
        self.other_codes = tuple(c for p, codes in AREA_CODES.items() if p != home_province for c in codes)
        self.used_ids: set[str] = set()
        self.card_serial = 0

    # identity -----------------------------------------------------------------------------------
    def name(self, sex: str, birth: dt.date) -> str:
        rng = self.rng
        surname = SURNAMES.pick(rng)
        if birth.year < 1970 and rng.random() < 0.35:
            return surname + rng.choice(OLDER_GIVEN_NAMES[sex])
        chars = GIVEN_NAME_CHARS[(sex, birth.year >= 1980)]
        single = rng.random() < (0.3 if birth.year < 1985 else 0.15)
        return surname + rng.choice(chars) + ("" if single else rng.choice(chars))

    def id_number(self, birth: dt.date, sex: str) -> str:
        rng = self.rng
        codes = self.home_codes if rng.random() < HOME_PROVINCE_SHARE else self.other_codes
        while True:
            sequence = rng.randrange(500) * 2 + (1 if sex == "男" else 0)
            first17 = f"{rng.choice(codes)}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + idcard.check_char(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10 ** 8):08d}"

    def random_day(self, start: dt.date, end: dt.date) -> dt.date:
        """A random day from ``start`` to ``end`` (``end`` when the range is empty)."""
        span = (end - start).days
        return end if span <= 0 else start + dt.timedelta(days=self.rng.randrange(span + 1))

    # one member ---------------------------------------------------------------------------------
    def person(self, status: str, role: str) -> dict:
        """Column values of one member plus ``history``: [(old, new, date, reason), …]."""
        rng, today = self.rng, self.today
        retired = status in ("退休", "去世")
        if retired:
            age = rng.randint(61, 75)
        elif status == "在册":
            age = round(rng.triangular(22, 60, 38 if self.kind == "school" else 33))
        else:
            age = round(rng.triangular(24, 55, 35))
        sex = "女" if rng.random() < FEMALE_SHARE[role] else "男"
        original_age = None
        if sex == "女":
            original_age = 50 if self.kind == "company" and role in PRODUCTION_ROLES else 55
        birth = add_years(today, -age) - dt.timedelta(days=rng.randrange(1, 365))
        if status == "在册":  # whoever reached the statutory age has retired: keep the working roll below it
            while statutory_retirement(birth, sex, original_age).date <= today:
                age -= 1
                birth = add_years(birth, 1)
        work_start, join = self.career_start(birth, age, role)
        employment, migrant = self.employment(role, retired)
        position = POSITIONS[role].pick(rng)
        if age < 30 and position in SENIOR_POSITIONS:
            position = POSITIONS[role].values[0]
        if retired:
            position = "退休教师" if self.kind == "school" else "退休职工"
        history = self.history(status, birth, sex, original_age, join)
        return {
            "name": self.name(sex, birth), "sex": sex, "ethnicity": ETHNICITIES.pick(rng),
            "id_number": self.id_number(birth, sex), "birth_date": birth.isoformat(),
            "political_status": (POLITICAL_YOUNG if age <= 28 else POLITICAL)[self.kind].pick(rng),
            "education": EDUCATION["teaching_older" if role == "teaching" and age > 50 else role].pick(rng),
            "phone": "" if rng.random() < (0.05 if retired else 0.01) else self.phone(),
            "position": position, "professional_title": self.title(role, position, age),
            "employment_type": employment,
            "household_type": "农业" if migrant or rng.random() < (0.1 if self.kind == "school" else 0.22)
            else "非农业",
            "is_migrant_worker": int(migrant), "join_date": join.isoformat(), "card_number": self.card_number(join),
            "work_start_date": work_start.isoformat(), "marital_status": _by_age(MARITAL, age).pick(rng),
            "model_worker_type": MODEL_WORKER_TYPES.pick(rng) if rng.random() < 0.006 else "",
            "female_retirement_age": original_age, "notes": "",
            "status": status, "status_date": history[-1][2].isoformat(), "history": history,
        }

    def career_start(self, birth: dt.date, age: int, role: str) -> tuple[dt.date, dt.date]:
        """(参加工作日期, 入会日期): work from 18 or later, join the union within a year or some years on."""
        rng, latest_start = self.rng, self.today - dt.timedelta(days=30)
        low, high = START_AGES.get(role, (18, 22))
        earliest = add_years(birth, rng.randint(low, max(low, min(high, age))))
        work_start = earliest + dt.timedelta(days=rng.randrange(300))
        if work_start > latest_start:
            work_start = self.random_day(earliest, latest_start)
        if rng.random() < 0.7:
            join = work_start + dt.timedelta(days=rng.randrange(30, 400))
        else:
            join = add_years(work_start, rng.randint(1, 12))
        if join >= self.today:
            join = self.random_day(work_start, self.today - dt.timedelta(days=1))
        return work_start, join

    def employment(self, role: str, retired: bool) -> tuple[str, bool]:
        """(用工形式, 是否农民工)."""
        rng = self.rng
        if retired:  # retirees kept on the roll are the long-serving staff
            return ("在编" if self.kind == "school" else "合同制"), False
        if self.kind == "school":
            employment = EMPLOYMENT[role].pick(rng)
            return employment, role == "admin" and employment in ("劳务派遣", "临时聘用") and rng.random() < 0.5
        migrant = rng.random() < MIGRANT_SHARE.get(role, 0)
        return EMPLOYMENT["migrant" if migrant else "company"].pick(rng), migrant

    def card_number(self, join: dt.date) -> str:
        if self.rng.random() >= (0.25 if self.kind == "company" else 0.15):
            return ""
        self.card_serial += 1
        return f"{join.year}{self.card_serial:06d}"

    def history(self, status: str, birth: dt.date, sex: str, original_age: int | None,
                join: dt.date) -> list[tuple]:
        """The status changes from joining to ``status``, oldest first."""
        today = self.today
        history = [(None, "在册", join, JOINED_REASON)]
        if status in ("退休", "去世"):
            retirement = statutory_retirement(birth, sex, original_age).date
            history.append(("在册", "退休", min(retirement, today), RETIRED_REASON))
            if status == "去世":
                died = self.random_day(add_years(retirement, 1), today - dt.timedelta(days=1))
                history.append(("退休", "去世", died, DIED_REASON))
        elif status != "在册":
            left = self.random_day(max(join + dt.timedelta(days=180), add_years(today, -5)),
                                   today - dt.timedelta(days=1))
            history.append(("在册", status, left, LEAVING_REASONS[status][self.kind].pick(self.rng)))
        return history

    def title(self, role: str, position: str, age: int) -> str:
        if role == "teaching":
            return _by_age(TEACHER_TITLES, age).pick(self.rng)
        if "工程师" in position:
            return _by_age(ENGINEER_TITLES, age).pick(self.rng)
        if position in ("会计", "出纳"):
            return _by_age(ACCOUNTANT_TITLES, age).pick(self.rng)
        if role in PRODUCTION_ROLES:
            return _by_age(SKILL_LEVELS, age).pick(self.rng)
        return ""


# --- generating ---------------------------------------------------------------------------------
_MEMBER_COLUMNS = [f.key for f in MEMBER_FIELDS] + ["status", "status_date", "name_sort", "search_text", "id"]


def generate_demo(db: sqlite_utils.Database, *, kind: str = "school", members: int | None = None,
                  seed: int = 1, today: dt.date | None = None, progress: Progress | None = None,
                  is_cancelled: IsCancelled | None = None) -> dict:
    """Fill an empty database with a demo union; returns a summary (see :func:`create_demo_database`)."""
    if kind not in DEMO_KINDS:
        raise UserError(f"演示数据类型应为：{'、'.join(DEMO_KINDS)}")
    count = DEFAULT_MEMBERS[kind] if members is None else members
    if not MIN_MEMBERS <= count <= MAX_MEMBERS:
        raise UserError(f"演示会员人数应在 {MIN_MEMBERS} 到 {MAX_MEMBERS} 之间")
    if db.execute("SELECT count(*) FROM members").fetchone()[0]:
        raise UserError("该数据库中已有会员，演示数据只能生成到空数据库中")
    today = today or dt.date.today()
    rng = random.Random(seed)
    report = progress or no_progress

    with transaction(db) as conn:
        profile = _profile(rng, kind, today)
        leaves: list[_Leaf] = []
        plans = _school_plan(count) if kind == "school" else _company_plan(count)
        _create_units(db, plans, None, 1.0, None, leaves)
        retirees_unit = add_sub_unit(db, RETIREES_UNIT, kind="部门")

        maker = _PersonMaker(rng, kind, today, rng.choice(sorted(AREA_CODES)))
        leaf_cumulative = list(itertools.accumulate(leaf.weight for leaf in leaves))
        people = []
        for done, status in enumerate(_status_plan(rng, kind, count), 1):
            leaf = rng.choices(leaves, cum_weights=leaf_cumulative)[0]
            person = maker.person(status, leaf.role)
            person["sub_unit_id"] = retirees_unit if status in ("退休", "去世") else leaf.id
            people.append(person)
            if done % 1000 == 0:
                check_cancel(is_cancelled)
                report(done, count, "正在生成会员…")

        committee = _pick_committees(rng, people, today)
        profile.chair = committee[0][1]["name"]
        committee[0][1]["position"] = "工会主席"
        report(count, count, "正在写入数据库…")
        _insert_members(conn, people)
        check_cancel(is_cancelled)
        for committee_name, person, role in committee:
            add_committee_member(db, committee_name, person["name"], role, person["id"])
        save_profile(db, profile)
        staff = _staff_counts(rng, people, today)
        for year, staff_count in staff.items():
            set_staff_count(db, year, staff_count)
        for extension in _EXTENSIONS:
            check_cancel(is_cancelled)
            extension(db, random.Random(f"{seed}:{extension.__module__}.{extension.__qualname__}"), today, kind)

    by_status = Counter(p["status"] for p in people)
    return {
        "kind": DEMO_KINDS[kind], "union_name": profile.name, "members": count,
        "by_status": {s: by_status[s] for s in STATUSES},
        "sub_units": db.execute("SELECT count(*) FROM sub_units WHERE voided_at IS NULL").fetchone()[0],
        "committee_members": len(committee), "staff_counts": staff,
    }


def _profile(rng: random.Random, kind: str, today: dt.date) -> UnionProfile:
    place = rng.choice(PLACES)
    if kind == "school":
        name = f"{place}县第{chinese_number(rng.randint(1, 6))}中学工会委员会"
        upstream = f"{place}县教育工会"
        address = f"{place}县{rng.choice(ROADS)}{rng.randint(1, 300)}号"
    else:
        name = f"{place}{rng.choice(COMPANY_BRANDS)}{rng.choice(COMPANY_TRADES)}有限公司工会委员会"
        city = rng.choice(PLACES)
        upstream = f"{city}市{place}区总工会"
        address = f"{city}市{place}区{rng.choice(ROADS)}{rng.randint(1, 999)}号"
    elected = add_years(today, -rng.randint(1, 4)) - dt.timedelta(days=rng.randrange(365))
    return UnionProfile(name=name, kind=DEMO_KINDS[kind], upstream_union=upstream, address=address,
                        term_number=rng.randint(2, 8), term_elected_on=elected.isoformat(),
                        term_expires_on=add_years(elected, TERM_YEARS).isoformat())


def _pick_committees(rng: random.Random, people: list[dict], today: dt.date) -> list[tuple[str, dict, str]]:
    """(committee, person, role) for the three committees; the first row is the chair."""
    def age(person) -> int:
        return age_on(dt.date.fromisoformat(person["birth_date"]), today)

    on_roll = [p for p in people if p["status"] == "在册"]
    pool = [p for p in on_roll if 28 <= age(p) <= 57] or on_roll
    rng.shuffle(pool)
    chair = next((p for p in pool if p["political_status"] == "中共党员" and age(p) >= 40), pool[0])
    pool.remove(chair)
    size = len(people)
    union_size = 7 if size <= 200 else 9 if size <= 1000 else 11 if size <= 5000 else 15
    audit_size = 3 if size <= 1000 else 5
    women_size = 3 if size <= 200 else 5
    deputies = 1 if union_size < 11 else 2
    union_committee, audit, women_committee = COMMITTEES
    seats = [(union_committee, "副主席")] * deputies + [(union_committee, "委员")] * (union_size - 1 - deputies)
    seats += [(audit, "主任")] + [(audit, "委员")] * (audit_size - 1)
    rows = [(union_committee, chair, "主席")]
    candidates = iter(pool)  # seats come first in zip(), so no candidate is skipped at the end
    rows += [(committee, person, role) for (committee, role), person in zip(seats, candidates)]
    women_roles = (["主任"] + ["副主任"] * (women_size >= 5) + ["委员"] * women_size)[:women_size]
    women = (p for p in candidates if p["sex"] == "女")
    rows += [(women_committee, person, role) for role, person in zip(women_roles, women)]
    return rows


def _insert_members(conn, people: list[dict]) -> None:
    first_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM members").fetchone()[0]
    member_rows, history_rows = [], []
    for member_id, person in enumerate(people, first_id):
        person["id"] = member_id
        person["name_sort"], person["search_text"] = search_text_for(person)
        member_rows.append([person[column] for column in _MEMBER_COLUMNS])
        history_rows += [(member_id, old, new, day.isoformat(), reason) for old, new, day, reason in person["history"]]
    conn.executemany(f"INSERT INTO members ({', '.join(_MEMBER_COLUMNS)}) "
                     f"VALUES ({', '.join('?' * len(_MEMBER_COLUMNS))})", member_rows)
    conn.executemany("INSERT INTO member_status_changes(member_id, old_status, new_status, effective_date, reason) "
                     "VALUES (?, ?, ?, ?, ?)", history_rows)


def _staff_counts(rng: random.Random, people: list[dict], today: dt.date) -> dict[int, int]:
    """Staff of the last three years: the working members at each year's end (or today), plus
    the few employees who are not members."""
    ratio = rng.uniform(1.04, 1.08)
    counts = {}
    for year in range(today.year - 2, today.year + 1):
        day = min(dt.date(year, 12, 31), today)
        working = sum(1 for p in people if _status_on(p["history"], day) == "在册")
        counts[year] = math.ceil(working * (ratio + rng.uniform(-0.01, 0.01)))
    return counts


def _status_on(history: list[tuple], day: dt.date) -> str | None:
    status = None
    for _, new, changed_on, _ in history:
        if changed_on <= day:
            status = new
    return status


# --- the command ----------------------------------------------------------------------------------
def create_demo_database(path: str | Path, *, kind: str = "school", members: int | None = None, seed: int = 1,
                         today: dt.date | None = None) -> str:
    """Create a new database file full of demo data; returns a one-line summary in Chinese."""
    path = Path(path)
    if path.exists():
        raise UserError(f"文件已存在：{path}。为免覆盖已有数据，请换一个文件名。")
    db = open_database(path)
    try:
        summary = generate_demo(db, kind=kind, members=members, seed=seed, today=today)
    except BaseException:
        db.conn.close()
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        raise
    db.conn.close()
    statuses = "、".join(f"{status} {n}" for status, n in summary["by_status"].items() if n)
    return (f"已创建演示数据库 {path}：{summary['kind']}工会“{summary['union_name']}”，"
            f"会员 {summary['members']} 人（{statuses}），组织机构 {summary['sub_units']} 个，"
            f"委员会成员 {summary['committee_members']} 人")
