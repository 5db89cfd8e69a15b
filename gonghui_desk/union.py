"""The union itself (DOMAIN.md §2.1): profile, staff counts, committees, and the sub-unit tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataclasses import dataclass


from gonghui_desk.db.connection import transaction
from gonghui_desk.errors import UserError
from gonghui_desk.vocabulary import UNION_KINDS, Vocabulary, vocabulary_for

if TYPE_CHECKING:
    import sqlite3

    import sqlite_utils

SUB_UNIT_KINDS = ("分工会", "工会小组", "部门")
COMMITTEES = ("工会委员会", "经审委员会", "女职工委员会")
PATH_SEPARATOR = "/"

PROFILE_FIELDS = ("name", "kind", "upstream_union", "address", "chair",
                  "term_number", "term_elected_on", "term_expires_on")


@dataclass
class UnionProfile:
    name: str = ""
    kind: str = "企业"
    upstream_union: str = ""
    address: str = ""
    chair: str = ""
    term_number: int | None = None
    term_elected_on: str | None = None
    term_expires_on: str | None = None

    @property
    def vocabulary(self) -> Vocabulary:
        return vocabulary_for(self.kind)

    @property
    def is_set_up(self) -> bool:
        return bool(self.name.strip())


def load_profile(db: sqlite_utils.Database | sqlite3.Connection) -> UnionProfile:
    """The union's profile (read with a plain connection too: the window's title at start-up)."""
    cursor = db.execute(f"SELECT {', '.join(PROFILE_FIELDS)} FROM union_profile WHERE id = 1")
    row = cursor.fetchone()
    if row is None:
        return UnionProfile()
    return UnionProfile(**dict(zip(PROFILE_FIELDS, row)))


def save_profile(db: sqlite_utils.Database, profile: UnionProfile) -> None:
    if not profile.name.strip():
        raise UserError("请填写工会名称")
    if profile.kind not in UNION_KINDS:
        raise UserError(f"单位类型应为：{'、'.join(UNION_KINDS)}")
    values = {k: getattr(profile, k) for k in PROFILE_FIELDS}
    values["name"] = values["name"].strip()
    with transaction(db) as conn:
        exists = conn.execute("SELECT 1 FROM union_profile WHERE id = 1").fetchone()
        if exists:
            conn.execute(f"UPDATE union_profile SET {', '.join(f'{k} = ?' for k in values)} WHERE id = 1",
                         list(values.values()))
        else:
            conn.execute(f"INSERT INTO union_profile (id, {', '.join(values)}) VALUES (1, {', '.join('?' * len(values))})",
                         list(values.values()))


# --- staff counts (needed for 入会率) ----------------------------------------------------
def staff_counts(db: sqlite_utils.Database) -> dict[int, int]:
    return {r["year"]: r["staff_count"] for r in db.query("SELECT * FROM staff_counts ORDER BY year")}


def set_staff_count(db: sqlite_utils.Database, year: int, count: int | None) -> None:
    with transaction(db) as conn:
        if count is None:
            conn.execute("DELETE FROM staff_counts WHERE year = ?", (year,))
        else:
            if count < 0:
                raise UserError("职工人数不能为负数")
            conn.execute("INSERT INTO staff_counts(year, staff_count) VALUES (?, ?) "
                         "ON CONFLICT(year) DO UPDATE SET staff_count = excluded.staff_count", (year, count))


# --- committees --------------------------------------------------------------------------
def committee_members(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query(
        "SELECT * FROM committee_members WHERE voided_at IS NULL ORDER BY committee, sort_order, id"))


def add_committee_member(db, committee: str, person_name: str, role: str = "委员",
                         member_id: int | None = None) -> int:
    if committee not in COMMITTEES:
        raise UserError(f"委员会应为：{'、'.join(COMMITTEES)}")
    if not person_name.strip():
        raise UserError("请填写委员姓名")
    with transaction(db) as conn:
        order = conn.execute("SELECT coalesce(max(sort_order), 0) + 1 FROM committee_members WHERE committee = ?",
                             (committee,)).fetchone()[0]
        return conn.execute(
            "INSERT INTO committee_members(committee, member_id, person_name, role, sort_order) VALUES (?,?,?,?,?)",
            (committee, member_id, person_name.strip(), role.strip() or "委员", order)).lastrowid


def remove_committee_member(db, row_id: int) -> None:
    """Committee seats end; the row stays in the change log and is voided, not deleted."""
    with transaction(db) as conn:
        conn.execute("UPDATE committee_members SET voided_at = strftime('%Y-%m-%dT%H:%M:%S','now','localtime') "
                     "WHERE id = ?", (row_id,))


# --- the sub-unit tree --------------------------------------------------------------------
@dataclass
class SubUnit:
    id: int
    parent_id: int | None
    name: str
    kind: str
    sort_order: int
    path: str = ""
    depth: int = 0


def sub_units(db: sqlite_utils.Database) -> list[SubUnit]:
    """All live sub-units in tree order (parents before children), each with its full path."""
    rows = [SubUnit(r["id"], r["parent_id"], r["name"], r["kind"], r["sort_order"])
            for r in db.query("SELECT * FROM sub_units WHERE voided_at IS NULL ORDER BY sort_order, id")]
    children: dict[int | None, list[SubUnit]] = {}
    for unit in rows:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[SubUnit] = []

    def walk(parent: int | None, prefix: str, depth: int) -> None:
        for unit in children.get(parent, []):
            unit.path = f"{prefix}{PATH_SEPARATOR}{unit.name}" if prefix else unit.name
            unit.depth = depth
            ordered.append(unit)
            walk(unit.id, unit.path, depth + 1)

    walk(None, "", 0)
    return ordered


def sub_unit_paths(db: sqlite_utils.Database) -> dict[int, str]:
    return {u.id: u.path for u in sub_units(db)}


def descendant_ids(db: sqlite_utils.Database, unit_id: int) -> list[int]:
    rows = db.execute(
        """WITH RECURSIVE tree(id) AS (
               SELECT ? UNION ALL
               SELECT s.id FROM sub_units s JOIN tree t ON s.parent_id = t.id WHERE s.voided_at IS NULL)
           SELECT id FROM tree""", [unit_id]).fetchall()
    return [r[0] for r in rows]


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise UserError("名称不能为空")
    if PATH_SEPARATOR in name:
        raise UserError(f"名称中不能含有“{PATH_SEPARATOR}”")
    return name


def add_sub_unit(db, name: str, *, kind: str = "部门", parent_id: int | None = None) -> int:
    name = _check_name(name)
    if kind not in SUB_UNIT_KINDS:
        raise UserError(f"类型应为：{'、'.join(SUB_UNIT_KINDS)}")
    with transaction(db) as conn:
        clash = conn.execute("SELECT 1 FROM sub_units WHERE coalesce(parent_id,0) = coalesce(?,0) AND name = ? "
                             "AND voided_at IS NULL", (parent_id, name)).fetchone()
        if clash:
            raise UserError(f"同一上级下已有名为“{name}”的单位")
        order = conn.execute("SELECT coalesce(max(sort_order), 0) + 1 FROM sub_units").fetchone()[0]
        return conn.execute("INSERT INTO sub_units(parent_id, name, kind, sort_order) VALUES (?,?,?,?)",
                            (parent_id, name, kind, order)).lastrowid


def rename_sub_unit(db, unit_id: int, name: str, kind: str | None = None) -> None:
    name = _check_name(name)
    with transaction(db) as conn:
        row = conn.execute("SELECT parent_id, kind FROM sub_units WHERE id = ?", (unit_id,)).fetchone()
        if row is None:
            raise UserError("该单位不存在")
        clash = conn.execute("SELECT 1 FROM sub_units WHERE coalesce(parent_id,0) = coalesce(?,0) AND name = ? "
                             "AND id != ? AND voided_at IS NULL", (row[0], name, unit_id)).fetchone()
        if clash:
            raise UserError(f"同一上级下已有名为“{name}”的单位")
        conn.execute("UPDATE sub_units SET name = ?, kind = ? WHERE id = ?", (name, kind or row[1], unit_id))


def move_sub_unit(db, unit_id: int, new_parent_id: int | None) -> None:
    if new_parent_id is not None and new_parent_id in descendant_ids(db, unit_id):
        raise UserError("不能把单位移到它自己的下级单位之下")
    with transaction(db) as conn:
        name = conn.execute("SELECT name FROM sub_units WHERE id = ?", (unit_id,)).fetchone()[0]
        clash = conn.execute("SELECT 1 FROM sub_units WHERE coalesce(parent_id,0) = coalesce(?,0) AND name = ? "
                             "AND id != ? AND voided_at IS NULL", (new_parent_id, name, unit_id)).fetchone()
        if clash:
            raise UserError(f"目标上级下已有名为“{name}”的单位")
        conn.execute("UPDATE sub_units SET parent_id = ? WHERE id = ?", (new_parent_id, unit_id))


def void_sub_unit(db, unit_id: int) -> None:
    """Retire a sub-unit that has no members and no live children."""
    with transaction(db) as conn:
        ids = descendant_ids(db, unit_id)
        if len(ids) > 1:
            raise UserError("请先调整或撤销它的下级单位")
        used = conn.execute("SELECT count(*) FROM members WHERE sub_unit_id = ? AND voided_at IS NULL",
                            (unit_id,)).fetchone()[0]
        if used:
            raise UserError(f"该单位还有 {used} 名会员，请先把他们调到其他单位")
        conn.execute("UPDATE sub_units SET voided_at = strftime('%Y-%m-%dT%H:%M:%S','now','localtime') "
                     "WHERE id = ?", (unit_id,))


def split_path(path: str) -> list[str]:
    return [p.strip() for p in str(path or "").replace("／", "/").replace("\\", "/").split(PATH_SEPARATOR)
            if p.strip()]


def find_sub_unit_by_path(db, path: str, *, units: list[SubUnit] | None = None) -> int | None:
    """The id of the sub-unit at ``path`` ("分工会/小组", or a unique bare name), else None.
    ``units`` is ``sub_units(db)`` when the caller already read it (an importer finding many paths)."""
    parts = split_path(path)
    if not parts:
        return None
    units = sub_units(db) if units is None else units
    by_path = {u.path: u.id for u in units}
    full = PATH_SEPARATOR.join(parts)
    if full in by_path:
        return by_path[full]
    if len(parts) == 1:
        matches = [u.id for u in units if u.name == parts[0]]
        if len(matches) == 1:
            return matches[0]
    return None


def ensure_sub_unit_path(db, path: str, *, kind: str = "部门") -> int:
    """Find or create every level of ``path``; returns the id of the last level."""
    parts = split_path(path)
    if not parts:
        raise UserError("部门名称为空")
    existing = find_sub_unit_by_path(db, path)
    if existing is not None:
        return existing
    parent: int | None = None
    with transaction(db) as conn:
        for depth, name in enumerate(parts):
            row = conn.execute("SELECT id FROM sub_units WHERE coalesce(parent_id,0) = coalesce(?,0) AND name = ? "
                               "AND voided_at IS NULL", (parent, name)).fetchone()
            if row:
                parent = row[0]
            else:
                level_kind = kind if depth == len(parts) - 1 else "部门"
                parent = add_sub_unit(db, name, kind=level_kind, parent_id=parent)
    return parent
