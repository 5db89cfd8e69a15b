"""Backups: a consistent copy through the SQLite backup API, and the daily rotation.

On start the GUI calls :func:`auto_backup_if_due`: at most one copy a day goes into the
``backups`` folder beside the database, named ``<stem>-YYYY-MM-DD.sqlite3``. The rotation keeps
the newest 7 daily copies and, for each of the newest 12 months, that month's last copy.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

from gonghui_desk.db.connection import backup_file
from gonghui_desk.errors import UserError
from gonghui_desk.jobs import IsCancelled, Progress
from gonghui_desk.paths import backups_dir_for

KEEP_DAILY = 7
KEEP_MONTHLY = 12


def _pattern(stem: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(stem)}-(\d{{4}}-\d{{2}}-\d{{2}})\.sqlite3$")


def list_backups(db_path: Path, backups_dir: Path | None = None) -> list[tuple[dt.date, Path]]:
    """The automatic backups of ``db_path``, oldest first."""
    db_path = Path(db_path)
    folder = backups_dir or backups_dir_for(db_path)
    if not folder.is_dir():
        return []
    pattern = _pattern(db_path.stem)
    found = []
    for item in folder.iterdir():
        m = pattern.match(item.name)
        if m:
            try:
                found.append((dt.date.fromisoformat(m[1]), item))
            except ValueError:
                continue
    return sorted(found)


def backups_to_keep(dates: list[dt.date]) -> set[dt.date]:
    newest_first = sorted(set(dates), reverse=True)
    keep = set(newest_first[:KEEP_DAILY])
    months_seen: list[tuple[int, int]] = []
    for day in newest_first:  # the newest copy of each month is that month's last copy
        month = (day.year, day.month)
        if month not in months_seen:
            months_seen.append(month)
            if len(months_seen) <= KEEP_MONTHLY:
                keep.add(day)
    return keep


def rotate(db_path: Path, backups_dir: Path | None = None) -> list[Path]:
    """Delete automatic backups outside the rotation; returns what was removed."""
    existing = list_backups(db_path, backups_dir)
    keep = backups_to_keep([d for d, _ in existing])
    removed = []
    for day, path in existing:
        if day not in keep:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def backup_now(db_path: Path, target: Path, *, progress: Progress | None = None,
               is_cancelled: IsCancelled | None = None) -> Path:
    """Copy the live database to ``target`` consistently, even while it is in use."""
    db_path, target = Path(db_path), Path(target)
    if not db_path.exists():
        raise UserError(f"数据库文件不存在：{db_path}")
    if target.resolve() == db_path.resolve():
        raise UserError("备份文件不能与数据库文件相同")
    source = sqlite3.connect(str(db_path))
    try:
        if progress:
            progress(0, 1, "正在备份…")
        backup_file(source, target)
        if progress:
            progress(1, 1, "备份完成")
    finally:
        source.close()
    return target


def auto_backup_if_due(db_path: Path, *, today: dt.date | None = None,
                       backups_dir: Path | None = None) -> Path | None:
    """Make today's automatic backup unless one exists; rotate; return the new file or None."""
    db_path = Path(db_path)
    today = today or dt.date.today()
    folder = backups_dir or backups_dir_for(db_path)
    existing = list_backups(db_path, folder)
    if existing and existing[-1][0] >= today:
        return None
    target = folder / f"{db_path.stem}-{today.isoformat()}.sqlite3"
    backup_now(db_path, target)
    rotate(db_path, folder)
    return target
