"""Occasions of care (生病住院, 结婚, 节日慰问…) with their standard amounts and caps.

The lists differ from union to union and caps from province to province, so nothing here is
hard-coded: the table is editable, and ready-made rule sets are JSON files under
``resources/care_rules/`` (amounts in 元). Applying a rule set updates occasions of the same
name and adds missing ones; it never deletes an occasion that visits refer to.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from gonghui_desk.care import PAYMENT_FORMS
from gonghui_desk.db.connection import transaction
from gonghui_desk.errors import UserError
from gonghui_desk.paths import resources_dir

DEFAULT_FORMS = ("现金", "实物", "提货券", "蛋糕券")  # 购物卡 is not allowed unless the officer adds it


@dataclass
class Occasion:
    id: int | None
    name: str
    is_must_visit: bool = False
    standard_fen: int | None = None
    cap_fen: int | None = None
    cap_group_id: int | None = None
    once_per_year_same_illness: bool = False
    needs_illness: bool = False
    allowed_forms: tuple[str, ...] = DEFAULT_FORMS
    sort_order: int = 0
    cap_group_name: str = ""
    cap_group_yearly_fen: int | None = None


@dataclass
class RuleSet:
    key: str
    name: str
    description: str
    cap_groups: list[dict] = field(default_factory=list)  # {"name", "yearly_cap"} in 元
    occasions: list[dict] = field(default_factory=list)


def _conn(db) -> sqlite3.Connection:
    return db if isinstance(db, sqlite3.Connection) else db.conn


def rule_sets_dir() -> Path:
    return resources_dir() / "care_rules"


def available_rule_sets() -> list[RuleSet]:
    return [load_rule_set(p.stem) for p in sorted(rule_sets_dir().glob("*.json"))]


def load_rule_set(key_or_path: str | Path) -> RuleSet:
    path = Path(key_or_path)
    if not path.suffix:
        path = rule_sets_dir() / f"{key_or_path}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"无法读取慰问标准文件“{path.name}”：{exc}") from exc
    return RuleSet(path.stem, data.get("name", path.stem), data.get("description", ""),
                   data.get("cap_groups", []), data.get("occasions", []))


def _fen(yuan) -> int | None:
    return None if yuan is None else int(round(float(yuan) * 100))


def apply_rule_set(db, rule_set: RuleSet) -> None:
    """Bring the occasions in line with ``rule_set`` (inside one transaction)."""
    conn = _conn(db)
    with transaction(conn):
        group_ids = {}
        for group in rule_set.cap_groups:
            row = conn.execute("SELECT id FROM care_cap_groups WHERE name = ? AND voided_at IS NULL",
                               (group["name"],)).fetchone()
            cap = _fen(group["yearly_cap"])
            if row:
                conn.execute("UPDATE care_cap_groups SET yearly_cap_fen = ? WHERE id = ?", (cap, row[0]))
                group_ids[group["name"]] = row[0]
            else:
                group_ids[group["name"]] = conn.execute(
                    "INSERT INTO care_cap_groups(name, yearly_cap_fen) VALUES (?, ?)", (group["name"], cap)).lastrowid
        for order, spec in enumerate(rule_set.occasions, start=1):
            forms = spec.get("allowed_forms") or list(DEFAULT_FORMS)
            unknown = [f for f in forms if f not in PAYMENT_FORMS]
            if unknown:
                raise UserError(f"慰问标准“{rule_set.name}”中有未知的发放形式：{'、'.join(unknown)}")
            values = {
                "is_must_visit": int(bool(spec.get("must_visit"))),
                "standard_fen": _fen(spec.get("standard")),
                "cap_fen": _fen(spec.get("cap")),
                "cap_group_id": group_ids.get(spec.get("cap_group")) if spec.get("cap_group") else None,
                "once_per_year_same_illness": int(bool(spec.get("once_per_year_same_illness"))),
                "needs_illness": int(bool(spec.get("needs_illness"))),
                "allowed_forms": ",".join(forms),
            }
            row = conn.execute("SELECT id FROM care_occasions WHERE name = ? AND voided_at IS NULL",
                               (spec["name"],)).fetchone()
            if row:
                conn.execute(f"UPDATE care_occasions SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
                             [*values.values(), row[0]])
            else:
                conn.execute(
                    f"INSERT INTO care_occasions(name, sort_order, {', '.join(values)}) "
                    f"VALUES (?, ?, {', '.join('?' * len(values))})", [spec["name"], order, *values.values()])


def _occasion(row: sqlite3.Row | tuple, names: list[str]) -> Occasion:
    r = dict(zip(names, row))
    return Occasion(
        id=r["id"], name=r["name"], is_must_visit=bool(r["is_must_visit"]), standard_fen=r["standard_fen"],
        cap_fen=r["cap_fen"], cap_group_id=r["cap_group_id"],
        once_per_year_same_illness=bool(r["once_per_year_same_illness"]), needs_illness=bool(r["needs_illness"]),
        allowed_forms=tuple(f for f in r["allowed_forms"].split(",") if f), sort_order=r["sort_order"],
        cap_group_name=r["group_name"] or "", cap_group_yearly_fen=r["group_cap"])


_OCCASION_SQL = """SELECT o.*, g.name AS group_name, g.yearly_cap_fen AS group_cap
                   FROM care_occasions o LEFT JOIN care_cap_groups g ON g.id = o.cap_group_id AND g.voided_at IS NULL"""


def list_occasions(db, *, include_voided: bool = False) -> list[Occasion]:
    conn = _conn(db)
    where = "" if include_voided else " WHERE o.voided_at IS NULL"
    cursor = conn.execute(_OCCASION_SQL + where + " ORDER BY o.sort_order, o.id")
    names = [d[0] for d in cursor.description]
    return [_occasion(row, names) for row in cursor.fetchall()]


def get_occasion(db, occasion_id: int) -> Occasion | None:
    conn = _conn(db)
    cursor = conn.execute(_OCCASION_SQL + " WHERE o.id = ?", (occasion_id,))
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    return _occasion(row, names) if row else None


def find_occasion(db, name: str) -> Occasion | None:
    name = (name or "").strip()
    return next((o for o in list_occasions(db) if o.name == name), None)


def save_occasion(db, occasion: Occasion) -> int:
    """Insert or update one occasion (the settings page)."""
    name = occasion.name.strip()
    if not name:
        raise UserError("慰问类别名称不能为空")
    for amount, label in ((occasion.standard_fen, "标准金额"), (occasion.cap_fen, "单次上限")):
        if amount is not None and amount < 0:
            raise UserError(f"{label}不能为负数")
    if occasion.standard_fen and occasion.cap_fen is not None and occasion.standard_fen > occasion.cap_fen:
        raise UserError("标准金额不能高于单次上限")
    unknown = [f for f in occasion.allowed_forms if f not in PAYMENT_FORMS]
    if unknown or not occasion.allowed_forms:
        raise UserError("请至少选择一种发放形式" if not occasion.allowed_forms else f"未知的发放形式：{'、'.join(unknown)}")
    conn = _conn(db)
    values = {"name": name, "is_must_visit": int(occasion.is_must_visit), "standard_fen": occasion.standard_fen,
              "cap_fen": occasion.cap_fen, "cap_group_id": occasion.cap_group_id,
              "once_per_year_same_illness": int(occasion.once_per_year_same_illness),
              "needs_illness": int(occasion.needs_illness), "allowed_forms": ",".join(occasion.allowed_forms)}
    with transaction(conn):
        clash = conn.execute("SELECT 1 FROM care_occasions WHERE name = ? AND voided_at IS NULL AND id != ?",
                             (name, occasion.id or -1)).fetchone()
        if clash:
            raise UserError(f"已有名为“{name}”的慰问类别")
        if occasion.id is None:
            order = conn.execute("SELECT coalesce(max(sort_order), 0) + 1 FROM care_occasions").fetchone()[0]
            return conn.execute(f"INSERT INTO care_occasions(sort_order, {', '.join(values)}) "
                                f"VALUES (?, {', '.join('?' * len(values))})", [order, *values.values()]).lastrowid
        conn.execute(f"UPDATE care_occasions SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
                     [*values.values(), occasion.id])
        return occasion.id


def void_occasion(db, occasion_id: int) -> None:
    """Retire an occasion; visits already recorded under it keep it."""
    with transaction(_conn(db)) as conn:
        conn.execute("UPDATE care_occasions SET voided_at = strftime('%Y-%m-%dT%H:%M:%S','now','localtime') "
                     "WHERE id = ?", (occasion_id,))


def list_cap_groups(db) -> list[dict]:
    cursor = _conn(db).execute("SELECT id, name, yearly_cap_fen FROM care_cap_groups WHERE voided_at IS NULL "
                               "ORDER BY id")
    return [{"id": r[0], "name": r[1], "yearly_cap_fen": r[2]} for r in cursor.fetchall()]


def save_cap_group(db, name: str, yearly_cap_fen: int, group_id: int | None = None) -> int:
    name = (name or "").strip()
    if not name:
        raise UserError("合计上限的名称不能为空")
    if yearly_cap_fen is None or yearly_cap_fen < 0:
        raise UserError("每人每年合计上限应为不小于0的金额")
    with transaction(_conn(db)) as conn:
        if group_id is None:
            return conn.execute("INSERT INTO care_cap_groups(name, yearly_cap_fen) VALUES (?, ?)",
                                (name, yearly_cap_fen)).lastrowid
        conn.execute("UPDATE care_cap_groups SET name = ?, yearly_cap_fen = ? WHERE id = ?",
                     (name, yearly_cap_fen, group_id))
        return group_id
