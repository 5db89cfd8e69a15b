"""The honours register (荣誉名单): which honours match a filter, their rows, the totals by level,
and the grouped lines a report quotes ("张三、李四等2名同志被评为…").

Like the other registers, the page asks for the ordered ids of the honours matching an
:class:`HonourFilter` (:func:`honour_ids`) and fetches the rows it shows a page at a time
(:func:`honour_rows`); exports and printouts walk the whole list in order
(:func:`iter_honour_rows`). Voided honours never appear. The default order is the reports' one
(DOMAIN.md §2.7): by level, highest first (全国, 省部级, 市级, 县区级, 系统/行业, 本单位), then
the newest year first, then the title.

Counting (DOMAIN.md §3): an honour is one 项; 个人 honours also count distinct persons (人/名),
collectives count as 个 (a sub-unit, or a group by name), and the union's own honours as 项.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

import sqlite_utils

from gonghui_desk.db.batches import iter_query, rows_by_id
from gonghui_desk.db.member_queries import _escape_like
from gonghui_desk.honours.store import AWARDED, LEVELS, STAGES, UNION_SELF, model_worker_type_for
from gonghui_desk.union import load_profile, sub_units

HONOUR_ORDERS = ("level", "year", "title", "recipient", "stage")
LEVEL_SQL = "CASE h.level " + " ".join(f"WHEN '{level}' THEN {rank}" for rank, level in enumerate(LEVELS)) + " END"
STAGE_SQL = "CASE h.stage " + " ".join(f"WHEN '{stage}' THEN {rank}" for rank, stage in enumerate(STAGES)) + " END"
RECIPIENT_SQL = "coalesce(m.name_sort, nullif(h.group_name, ''), s.name, '')"
_ORDER_SQL = {  # the first key follows the direction asked for; the others stay as the reports order them
    "level": (LEVEL_SQL, f"h.year DESC, h.title, {RECIPIENT_SQL}"),
    "year": ("h.year", f"{LEVEL_SQL}, h.title, {RECIPIENT_SQL}"),
    "title": ("h.title", f"{LEVEL_SQL}, h.year DESC, {RECIPIENT_SQL}"),
    "recipient": (RECIPIENT_SQL, f"{LEVEL_SQL}, h.year DESC, h.title"),
    "stage": (STAGE_SQL, f"{LEVEL_SQL}, h.year DESC, h.title"),
}
_FROM = "FROM honours h LEFT JOIN members m ON m.id = h.member_id LEFT JOIN sub_units s ON s.id = h.sub_unit_id"


@dataclass
class HonourFilter:
    year_from: int | None = None
    year_to: int | None = None
    level: str | None = None
    stage: str | None = None
    recipient_kind: str | None = None  # 个人 / 集体 / 本会
    search: str = ""  # title, conferring body, the member's name (pinyin, initials), the collective's name
    member_id: int | None = None


def where_clause(f: HonourFilter) -> tuple[str, list]:
    """The WHERE clause (on ``honours h``) of the honours matching ``f``, and its parameters."""
    clauses = ["h.voided_at IS NULL"]
    params: list = []
    if f.year_from is not None:
        clauses.append("h.year >= ?")
        params.append(f.year_from)
    if f.year_to is not None:
        clauses.append("h.year <= ?")
        params.append(f.year_to)
    for column in ("level", "stage", "recipient_kind", "member_id"):
        value = getattr(f, column)
        if value:
            clauses.append(f"h.{column} = ?")
            params.append(value)
    for term in f.search.lower().split():
        like = f"%{_escape_like(term)}%"
        clauses.append("(h.title LIKE ? ESCAPE '\\' OR h.group_name LIKE ? ESCAPE '\\' "
                       "OR h.conferred_by LIKE ? ESCAPE '\\' "
                       "OR h.member_id IN (SELECT id FROM members WHERE search_text LIKE ? ESCAPE '\\') "
                       "OR h.sub_unit_id IN (SELECT id FROM sub_units WHERE name LIKE ? ESCAPE '\\'))")
        params += [like] * 5
    return " AND ".join(clauses), params


def _order_by(order: str, descending: bool) -> str:
    if order not in _ORDER_SQL:
        raise ValueError(f"unknown honours order {order!r}; one of {HONOUR_ORDERS}")
    first, rest = _ORDER_SQL[order]
    return f"{first} {'DESC' if descending else 'ASC'}, {rest}, h.id"


def honour_ids(db: sqlite_utils.Database, f: HonourFilter, *, order: str = "level",
               descending: bool = False) -> list[int]:
    """The ids of the honours matching ``f``; by default by level, highest first, then the
    newest year, then the title."""
    where, params = where_clause(f)
    sql = f"SELECT h.id {_FROM} WHERE {where} ORDER BY {_order_by(order, descending)}"
    return [r[0] for r in db.execute(sql, params).fetchall()]


_ROW_SQL = (f"SELECT h.*, m.name AS member_name, m.status AS member_status, m.voided_at AS member_voided_at, "
            f"m.sub_unit_id AS member_sub_unit_id {_FROM}")


def _row_shaper(db: sqlite_utils.Database):
    """The function that completes a row with recipient_name, sub_unit_path and model_worker_type."""
    units = sub_units(db)
    paths = {u.id: u.path for u in units}
    names = {u.id: u.name for u in units}
    union_name = load_profile(db).name or UNION_SELF

    def shape(row: dict) -> dict:
        kind = row["recipient_kind"]
        if kind == "个人":
            row["recipient_name"] = row["member_name"] or ""
            row["sub_unit_path"] = paths.get(row["member_sub_unit_id"], "")
        elif kind == "集体":
            row["recipient_name"] = row["group_name"] or names.get(row["sub_unit_id"], "")
            row["sub_unit_path"] = paths.get(row["sub_unit_id"], "")
        else:
            row["recipient_name"] = union_name
            row["sub_unit_path"] = ""
        row["model_worker_type"] = (model_worker_type_for(row["title"], row["level"])
                                    if kind == "个人" and row["stage"] == AWARDED else "")
        return row

    return shape


def honour_rows(db: sqlite_utils.Database, ids: list[int]) -> dict[int, dict]:
    """The rows of the given honours keyed by id: every column plus member_name, member_status,
    recipient_name (the member, the collective, or the union's name), sub_unit_path (the
    member's or the collective's sub-unit) and model_worker_type (the 劳模类型 it implies)."""
    return rows_by_id(db, _ROW_SQL, "h.id", ids, _row_shaper(db))


def iter_honour_rows(db: sqlite_utils.Database, f: HonourFilter, *, order: str = "level",
                     descending: bool = False) -> Iterator[dict]:
    """Every honour matching ``f`` in order, read in batches (exports and printouts)."""
    where, params = where_clause(f)
    return iter_query(db, f"{_ROW_SQL} WHERE {where} ORDER BY {_order_by(order, descending)}", params,
                      _row_shaper(db))


# --- totals -------------------------------------------------------------------------------------------
@dataclass
class HonourTotals:
    honours: int = 0  # 项
    personal: int = 0  # 个人 honours (项)
    persons: int = 0  # distinct members among them (人)
    collective: int = 0  # 集体 honours (项)
    collectives: int = 0  # distinct collectives (个)
    union: int = 0  # the union's own honours (项)
    by_level: dict[str, int] = field(default_factory=dict)  # level -> 项, highest first, levels with none left out
    by_stage: dict[str, int] = field(default_factory=dict)  # 推荐/申报/获评 -> 项, in that order


def honour_totals(db: sqlite_utils.Database, f: HonourFilter) -> HonourTotals:
    """The counts of the honours matching ``f``, in one query."""
    where, params = where_clause(f)
    totals = HonourTotals()
    levels: dict[str, int] = {}
    stages: dict[str, int] = {}
    persons: set[int] = set()
    collectives: set[tuple] = set()
    for level, stage, kind, member_id, sub_unit_id, group_name, count in db.execute(
            f"""SELECT h.level, h.stage, h.recipient_kind, h.member_id, h.sub_unit_id, h.group_name, count(*)
                FROM honours h WHERE {where}
                GROUP BY h.level, h.stage, h.recipient_kind, h.member_id, h.sub_unit_id, h.group_name""",
            params).fetchall():
        totals.honours += count
        levels[level] = levels.get(level, 0) + count
        stages[stage] = stages.get(stage, 0) + count
        if kind == "个人":
            totals.personal += count
            persons.add(member_id)
        elif kind == "集体":
            totals.collective += count
            collectives.add((sub_unit_id, group_name))
        else:
            totals.union += count
    totals.persons, totals.collectives = len(persons), len(collectives)
    totals.by_level = {level: levels[level] for level in LEVELS if levels.get(level)}
    totals.by_stage = {stage: stages[stage] for stage in STAGES if stages.get(stage)}
    return totals


def totals_text(totals: HonourTotals) -> str:
    """One line: "共 8 项：全国 1 项、市级 3 项…；个人 5 项（4 人）、集体 2 项、本会 1 项；推荐中 1 项"."""
    if not totals.honours:
        return "共 0 项"
    text = f"共 {totals.honours} 项：" + "、".join(f"{level} {n} 项" for level, n in totals.by_level.items())
    kinds = []
    if totals.personal:
        kinds.append(f"个人 {totals.personal} 项（{totals.persons} 人）")
    if totals.collective:
        kinds.append(f"集体 {totals.collective} 项（{totals.collectives} 个）")
    if totals.union:
        kinds.append(f"本会 {totals.union} 项")
    text += "；" + "、".join(kinds)
    pending = [f"{stage}中 {n} 项" for stage, n in totals.by_stage.items() if stage != AWARDED]
    if pending:
        text += "；其中" + "、".join(pending)
    return text


# --- for reports ----------------------------------------------------------------------------------------
@dataclass
class HonourGroup:
    """The honours of one title, level, recipient kind and conferring body over a period: what a
    report writes as one phrase ("张三、李四等2名同志被评为市劳动模范")."""

    title: str
    level: str
    kind: str  # 个人 / 集体 / 本会
    conferred_by: str
    names: list[str]  # the recipients, each once, in the order they were awarded
    count: int  # distinct persons (名) or collectives (个); for 本会 the number of honours (项)
    years: list[int]  # the years it was awarded in, oldest first
    honour_ids: list[int] = field(default_factory=list)

    @property
    def measure(self) -> str:
        return {"个人": "名", "集体": "个"}.get(self.kind, "项")


def honour_lines(db: sqlite_utils.Database, year_from: int | None, year_to: int | None, *,
                 stage: str = AWARDED) -> list[HonourGroup]:
    """The honours awarded (``stage``) in the years ``year_from``…``year_to`` (None: open), grouped
    by level (highest first), title, recipient kind and conferring body; names in the order they
    were awarded (year, date, then the register's order)."""
    f = HonourFilter(year_from=year_from, year_to=year_to, stage=stage)
    groups: dict[tuple, HonourGroup] = {}
    rows = sorted(iter_honour_rows(db, f), key=lambda r: (r["year"], r["conferred_on"] or "", r["id"]))
    for row in rows:
        key = (row["level"], row["title"], row["recipient_kind"], row["conferred_by"])
        group = groups.get(key)
        if group is None:
            group = groups[key] = HonourGroup(row["title"], row["level"], row["recipient_kind"], row["conferred_by"],
                                              [], 0, [])
        name = row["recipient_name"]
        if row["recipient_kind"] == "本会":
            group.count += 1
            if not group.names:
                group.names.append(name)
        elif name not in group.names:
            group.names.append(name)
            group.count += 1
        if row["year"] not in group.years:
            group.years.append(row["year"])
        group.honour_ids.append(row["id"])
    rank = {level: i for i, level in enumerate(LEVELS)}
    kinds = {"本会": 0, "集体": 1, "个人": 2}
    return sorted(groups.values(), key=lambda g: (rank[g.level], kinds.get(g.kind, 3), -g.count, g.title))


AWARD_SUFFIXES = ("奖章", "奖状", "奖杯", "奖")


def _number(n: int, numerals: bool) -> str:
    """``n`` in digits, or in Chinese numerals with 两 before a measure word (两名, not 二名)."""
    from gonghui_desk.demo import chinese_number

    if not numerals:
        return str(n)
    return "两" if n == 2 else chinese_number(n)


def group_phrase(group: HonourGroup, *, max_names: int = 3, numerals: bool = False) -> str:
    """One group the way DOMAIN.md §3 writes names: "张三、李四等2名同志被评为市劳动模范",
    "一车间、二车间等2个集体被评为工人先锋号", "本会被评为模范职工之家" ("本会连续2年…" or
    "本会于2022年、2024年2次…" when it was awarded more than once); an award (奖章, 奖状) is
    荣获 instead of 被评为. At most ``max_names`` names are written before 等N; ``numerals``
    writes the count in Chinese numerals (二名)."""
    verb = "荣获" if group.title.endswith(AWARD_SUFFIXES) else "被评为"
    if group.kind == "本会":
        when = ""
        if group.count > 1 and _consecutive(group.years) and len(group.years) == group.count:
            when = f"连续{_number(group.count, numerals)}年"
        elif group.count > 1:
            when = f"于{'、'.join(f'{y}年' for y in group.years)}{_number(group.count, numerals)}次"
        return f"本会{when}{verb}{group.title}"
    shown = "、".join(group.names[:max_names])
    if group.count == 1:
        who = shown + ("同志" if group.kind == "个人" else "")
    else:
        word = "同志" if group.kind == "个人" else "集体"
        who = f"{shown}等{_number(group.count, numerals)}{group.measure}{word}"
    return f"{who}{verb}{group.title}"


def _consecutive(years: list[int]) -> bool:
    return len(years) > 1 and years == list(range(years[0], years[0] + len(years)))


__all__ = ["HONOUR_ORDERS", "HonourFilter", "HonourGroup", "HonourTotals", "group_phrase", "honour_ids",
           "honour_lines", "honour_rows", "honour_totals", "iter_honour_rows", "totals_text", "where_clause"]
