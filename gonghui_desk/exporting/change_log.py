"""The change log (修改记录) as a printable .xlsx: one record's changes, or the part of the whole log a
:class:`~gonghui_desk.change_history.LogFilter` picks, the newest first.

Each row is one change as :mod:`gonghui_desk.change_history` words it: when, what kind of record and which
one, the action and the fields changed ("手机号：138****0000 → 139****1111"). ID, phone and bank numbers stay
masked unless ``full_numbers`` is asked for, and the subtitle says which. The sheet is laid out by
:func:`~gonghui_desk.exporting.xlsx.write_table` (title, union, period, 制表日期, 制表人/审核人 line), which
also keeps any typed text starting with "=" from becoming a formula.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Iterable, Iterator

import sqlite_utils

from gonghui_desk.change_history import ChangeEntry, LogFilter, count_log, iter_log, record_history, table_label
from gonghui_desk.exporting.member_roster import SEQUENCE_COLUMN
from gonghui_desk.exporting.xlsx import Column, write_table
from gonghui_desk.jobs import IsCancelled, Progress
from gonghui_desk.union import load_profile

TITLE = "修改记录"
MASKED_NOTE = "身份证号、手机号、银行卡号已隐去部分数字"
FULL_NOTE = "含完整的身份证号、手机号、银行卡号，请妥善保管"

_SEQ = Column(SEQUENCE_COLUMN.key, SEQUENCE_COLUMN.label, SEQUENCE_COLUMN.width, SEQUENCE_COLUMN.kind, wrap=True)
RECORD_COLUMNS: tuple[Column, ...] = (
    _SEQ,
    Column("time", "时间", 19, wrap=True),
    Column("action", "操作", 9, wrap=True),
    Column("changes", "改动", 80, wrap=True),
)
LOG_COLUMNS: tuple[Column, ...] = (
    _SEQ,
    Column("time", "时间", 19, wrap=True),
    Column("kind", "种类", 11, wrap=True),
    Column("record", "记录", 30, wrap=True),
    Column("action", "操作", 9, wrap=True),
    Column("changes", "改动", 60, wrap=True),
)


def entry_row(entry: ChangeEntry, seq: int) -> dict:
    """A change as the sheet's row (every column's key)."""
    return {"seq": seq, "time": entry.time_text, "kind": entry.table_label,
            "record": entry.description or f"编号 {entry.record_id}", "action": entry.action_label,
            "changes": entry.summary(limit=None)}


def _rows(entries: Iterable[ChangeEntry]) -> Iterator[dict]:
    for seq, entry in enumerate(entries, 1):
        yield entry_row(entry, seq)


def _period(first: str, last: str) -> str:
    first, last = first[:10], last[:10]
    return first if first == last else f"{first} 至 {last}"


def export_record_history(db: sqlite_utils.Database, path: str | Path, table: str, record_id, *,
                          full_numbers: bool = False, prepared_by: str = "", today: dt.date | None = None,
                          progress: Progress | None = None, is_cancelled: IsCancelled | None = None) -> int:
    """One record's changes, the newest first; returns how many."""
    from gonghui_desk.recycle_bin import describe

    entries = record_history(db, table, record_id, full_numbers=full_numbers)
    description = describe(db, table, record_id) or (entries[0].description if entries else "") or f"编号 {record_id}"
    parts = [f"{table_label(table)}：{description}"]
    if entries:
        parts.append(f"期间：{_period(entries[-1].changed_at, entries[0].changed_at)}")
    parts.append(FULL_NOTE if full_numbers else MASKED_NOTE)
    return write_table(path, title=TITLE, union_name=load_profile(db).name, columns=RECORD_COLUMNS,
                       rows=_rows(entries), subtitle="；".join(parts), today=today, count_unit="条",
                       prepared_by=prepared_by, landscape=False, progress=progress, is_cancelled=is_cancelled,
                       total=len(entries))


def export_change_log(db: sqlite_utils.Database, path: str | Path, f: LogFilter = LogFilter(), *,
                      full_numbers: bool = False, prepared_by: str = "", today: dt.date | None = None,
                      progress: Progress | None = None, is_cancelled: IsCancelled | None = None) -> int:
    """The changes ``f`` picks, the newest first, read and written a batch at a time; returns how many."""
    total = count_log(db, f)
    subtitle = f"{f.describe()}；{FULL_NOTE if full_numbers else MASKED_NOTE}"
    entries = iter_log(db, f, full_numbers=full_numbers, is_cancelled=is_cancelled)
    return write_table(path, title=TITLE, union_name=load_profile(db).name, columns=LOG_COLUMNS, rows=_rows(entries),
                       subtitle=subtitle, today=today, count_unit="条", prepared_by=prepared_by, landscape=True,
                       progress=progress, is_cancelled=is_cancelled, total=total)


def default_file_name(today: dt.date | None = None, what: str = "") -> str:
    """修改记录-张三-20261122.xlsx (``what`` cut short and without the characters a file name cannot hold)."""
    what = re.sub(r'[\\/:*?"<>|\s]+', "", what)[:20]
    return f"修改记录{('-' + what) if what else ''}-{(today or dt.date.today()):%Y%m%d}.xlsx"


__all__ = ["LOG_COLUMNS", "RECORD_COLUMNS", "TITLE", "default_file_name", "entry_row", "export_change_log",
           "export_record_history"]
