"""Saved mappings (table ``form_mappings``, schema v7): a form's columns and the fields that fill them, under a
name, to be used again next year with a new copy of the same form.

A mapping keeps the record source and its parameters, the sheet, the first header row, every column's header
as it was read (so that a changed form can be reported column by column, see
:func:`gonghui_desk.form_fill.fill.compare_with_saved`) and the field of each mapped column. Saving under a name
that exists replaces that mapping (a voided one comes back); mappings are voided, never deleted, and every
change is in the change log.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Mapping

import sqlite_utils

from gonghui_desk.db.connection import transaction
from gonghui_desk.errors import UserError

MAX_NAME_LENGTH = 60


@dataclass
class SavedMapping:
    """A mapping as stored: ``headers`` and ``columns`` are keyed by sheet column number."""

    name: str
    source: str
    params: dict[str, Any] = field(default_factory=dict)
    sheet_name: str = ""
    header_row: int = 1
    headers: dict[int, str] = field(default_factory=dict)
    columns: dict[int, str] = field(default_factory=dict)  # column -> field key
    id: int | None = None
    created_at: str = ""
    updated_at: str | None = None


def _pairs(data: Mapping[int, str]) -> str:
    return json.dumps([[int(k), v] for k, v in sorted(data.items())], ensure_ascii=False)


def _from_row(row: dict) -> SavedMapping:
    return SavedMapping(
        name=row["name"], source=row["source"], params=json.loads(row["params_json"] or "{}"),
        sheet_name=row["sheet_name"], header_row=row["header_row"],
        headers={int(k): v for k, v in json.loads(row["headers_json"] or "[]")},
        columns={int(k): v for k, v in json.loads(row["columns_json"] or "[]")},
        id=row["id"], created_at=row["created_at"], updated_at=row["updated_at"])


def clean_name(name: str) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise UserError("请给对应关系起一个名字（如“会员信息采集表”）")
    if len(name) > MAX_NAME_LENGTH:
        raise UserError(f"对应关系的名字最多 {MAX_NAME_LENGTH} 个字")
    return name


def save_mapping(db: sqlite_utils.Database, mapping: SavedMapping) -> SavedMapping:
    """Store ``mapping`` under its name (replacing a mapping of that name); returns it as stored."""
    name = clean_name(mapping.name)
    values = (mapping.source, json.dumps(mapping.params or {}, ensure_ascii=False), mapping.sheet_name,
              int(mapping.header_row), _pairs(mapping.headers), _pairs(mapping.columns))
    with transaction(db) as conn:
        existing = conn.execute("SELECT id FROM form_mappings WHERE name = ?", (name,)).fetchone()
        if existing:
            conn.execute(
                "UPDATE form_mappings SET source = ?, params_json = ?, sheet_name = ?, header_row = ?, "
                "headers_json = ?, columns_json = ?, updated_at = ?, voided_at = NULL WHERE id = ?",
                (*values, dt.datetime.now().isoformat(timespec="seconds"), existing[0]))
        else:
            conn.execute(
                "INSERT INTO form_mappings (name, source, params_json, sheet_name, header_row, headers_json, "
                "columns_json) VALUES (?, ?, ?, ?, ?, ?, ?)", (name, *values))
    return get_mapping(db, name)


def get_mapping(db: sqlite_utils.Database, name: str) -> SavedMapping:
    """The live mapping called ``name``; a :class:`UserError` listing the saved names when there is none."""
    row = next(iter(db.query("SELECT * FROM form_mappings WHERE name = ? AND voided_at IS NULL",
                             [clean_name(name)])), None)
    if row is None:
        names = "、".join(m.name for m in list_mappings(db)) or "（还没有保存过）"
        raise UserError(f"没有名为“{name}”的对应关系；已保存的：{names}")
    return _from_row(row)


def list_mappings(db: sqlite_utils.Database) -> list[SavedMapping]:
    """The live mappings, the most recently saved first."""
    return [_from_row(r) for r in db.query(
        "SELECT * FROM form_mappings WHERE voided_at IS NULL ORDER BY coalesce(updated_at, created_at) DESC, id DESC")]


def void_mapping(db: sqlite_utils.Database, name: str) -> None:
    """Void (作废) the mapping called ``name``."""
    saved = get_mapping(db, name)
    with transaction(db) as conn:
        conn.execute("UPDATE form_mappings SET voided_at = ? WHERE id = ?",
                     (dt.datetime.now().isoformat(timespec="seconds"), saved.id))


__all__ = ["SavedMapping", "clean_name", "get_mapping", "list_mappings", "save_mapping", "void_mapping"]
