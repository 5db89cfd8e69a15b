"""Editable value lists: the choices offered in forms (困难类别, 致困原因, 健康状况…).

Upstream aid systems and provinces use slightly different words, so the lists are data in the
database, seeded with the national hardship aid system's terms, and the officer may add or
retire values. Records keep the text they were saved with, so retiring a value loses nothing.
"""

from __future__ import annotations

import sqlite3

from gonghui_desk.db.connection import transaction
from gonghui_desk.errors import UserError

LIST_LABELS = {
    "hardship.category": "困难类别",
    "hardship.level": "建档标准",
    "hardship.cause": "致困原因",
    "hardship.health": "健康状况",
    "hardship.disability": "残疾类别",
    "hardship.housing": "住房类型",
    "hardship.medical_insurance": "医保状况",
    "hardship.identity": "家庭成员身份",
    "hardship.relation": "与户主关系",
    "hardship.review_result": "复核结果",
    "aid.type": "帮扶类型",
    "aid.fund_source": "帮扶资金来源",
    "event.kind": "活动类型",
    "event.holiday": "节日",
    "event.stage": "比赛阶段",
    "event.grade": "获奖等级",
    "honour.title": "常用荣誉称号",
    "proposal.category": "提案类别",
    "proposal.department": "承办部门",
}

DEFAULTS: dict[str, tuple[str, ...]] = {
    "hardship.category": ("特困", "困难", "低保户", "低保边缘户", "意外致困户"),
    "hardship.level": ("全国级", "省级", "市级", "县级", "基层"),
    "hardship.cause": ("因病", "因残", "因学", "因灾", "意外", "失业/下岗", "单亲", "其他"),
    "hardship.health": ("健康", "一般", "较差", "长期慢性病", "患大病", "残疾"),
    "hardship.disability": ("无", "视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾"),
    "hardship.housing": ("自有住房", "租住公房", "租住私房", "借住", "单位宿舍", "其他"),
    "hardship.medical_insurance": ("城镇职工医保", "城乡居民医保", "无医保"),
    "hardship.identity": ("在岗", "下岗", "失业", "退休", "学生", "学龄前", "务农", "无业", "其他"),
    "hardship.relation": ("配偶", "子女", "父母", "配偶父母", "兄弟姐妹", "孙子女", "其他"),
    "hardship.review_result": ("继续帮扶", "调整困难类别", "建议脱困", "建议注销"),
    "aid.type": ("生活救助", "医疗救助", "大病救助", "金秋助学", "节日送温暖", "临时救助", "其他"),
    "aid.fund_source": ("上级帮扶资金", "本级经费", "行政", "社会捐助"),
    "event.kind": ("劳动竞赛", "技能比武", "岗位练兵", "知识竞赛", "安康杯", "文体活动", "文艺演出", "讲座/培训",
                   "疗休养", "其他"),
    "event.holiday": ("元旦", "春节", "三八", "五一", "五四", "七一", "中秋", "国庆", "教师节", "重阳"),
    "event.stage": ("初赛", "复赛", "决赛"),
    "event.grade": ("一等奖", "二等奖", "三等奖", "优秀奖", "十佳", "技术能手", "团体第一名", "团体第二名",
                    "团体第三名", "组织奖"),
    "honour.title": ("劳动模范", "先进工作者", "五一劳动奖章", "五一劳动奖状", "工人先锋号", "巾帼文明岗",
                     "三八红旗手", "先进个人", "优秀工会干部", "优秀工会积极分子", "模范职工之家", "先进职工之家"),
    "proposal.category": ("生活福利", "安全生产", "经营管理", "教育培训", "民主管理", "薪酬待遇", "工作环境", "其他"),
    "proposal.department": ("办公室", "人力资源部", "财务部", "后勤保障部", "安全生产部", "业务管理部", "工会"),
}


def _conn(db) -> sqlite3.Connection:
    return db if isinstance(db, sqlite3.Connection) else db.conn


def seed_defaults(db, prefixes: tuple[str, ...]) -> None:
    """Add the default values of the lists whose key starts with one of ``prefixes`` (the
    migration that brings those lists calls it once; a value the officer retired later is
    never brought back)."""
    with transaction(_conn(db)) as conn:
        for key, values in DEFAULTS.items():
            if not key.startswith(prefixes):
                continue
            for order, value in enumerate(values, start=1):
                exists = conn.execute("SELECT 1 FROM value_lists WHERE list_key = ? AND value = ? "
                                      "AND voided_at IS NULL", (key, value)).fetchone()
                if not exists:
                    conn.execute("INSERT INTO value_lists(list_key, value, sort_order) VALUES (?, ?, ?)",
                                 (key, value, order))


def values(db, key: str) -> list[str]:
    """The live values of a list, in order."""
    if key not in LIST_LABELS:
        raise KeyError(key)
    rows = _conn(db).execute("SELECT value FROM value_lists WHERE list_key = ? AND voided_at IS NULL "
                             "ORDER BY sort_order, id", (key,)).fetchall()
    return [r[0] for r in rows]


def add_value(db, key: str, value: str) -> None:
    value = (value or "").strip()
    label = LIST_LABELS.get(key)
    if label is None:
        raise UserError(f"没有名为“{key}”的选项表")
    if not value:
        raise UserError(f"{label}的选项不能为空")
    with transaction(_conn(db)) as conn:
        if conn.execute("SELECT 1 FROM value_lists WHERE list_key = ? AND value = ? AND voided_at IS NULL",
                        (key, value)).fetchone():
            raise UserError(f"{label}中已有“{value}”")
        order = conn.execute("SELECT coalesce(max(sort_order), 0) + 1 FROM value_lists WHERE list_key = ?",
                             (key,)).fetchone()[0]
        conn.execute("INSERT INTO value_lists(list_key, value, sort_order) VALUES (?, ?, ?)", (key, value, order))


def retire_value(db, key: str, value: str) -> None:
    """Stop offering ``value``; records that use it keep it."""
    with transaction(_conn(db)) as conn:
        conn.execute("UPDATE value_lists SET voided_at = strftime('%Y-%m-%dT%H:%M:%S','now','localtime') "
                     "WHERE list_key = ? AND value = ? AND voided_at IS NULL", (key, value))
