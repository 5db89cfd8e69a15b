"""Backups: consistent copies through the SQLite backup API, the daily rotation, checking a backup and restoring
from it.

On start the GUI calls :func:`auto_backup_if_due`: at most one copy a day goes into the
``backups`` folder beside the database, named ``<stem>-YYYY-MM-DD.sqlite3``. The rotation keeps
the newest 7 daily copies and, for each of the newest 12 months, that month's last copy. The automatic copies are
never encrypted (they stay on this PC); a manual backup (:func:`backup_now`) may be, with a password
(:mod:`gonghui_desk.backup_crypto`).

:func:`inspect_backup` checks a backup file on a temporary copy (decrypted if need be) and reports what it holds
and what is wrong with it; :func:`restore_backup` puts a backup's content into the live database: the current
content is first copied to ``backups/<stem>-恢复前-YYYYMMDD-HHMMSS.sqlite3`` (never rotated away), the backup is
migrated and checked on a working copy, and only then written into the live file with the SQLite backup API, in
one transaction — a failure or a crash at any point leaves the live file as it was.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from gonghui_desk import backup_crypto
from gonghui_desk.db import migrations as migrations_module
from gonghui_desk.db.connection import APPLICATION_ID, backup_file, open_database
from gonghui_desk.errors import UserError
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel
from gonghui_desk.paths import backups_dir_for

KEEP_DAILY = 7
KEEP_MONTHLY = 12

AUTOMATIC = "自动备份"
BEFORE_RESTORE = "恢复前的备份"
BEFORE_UPGRADE = "升级前的备份"
MANUAL = "手动备份"
BEFORE_RESTORE_TAG = "恢复前"
WORK_PREFIX = "-backup-work-"  # temporary folders beside the database: .<stem>-backup-work-xxxx, .inspect-…
LEFTOVER_AGE_SECONDS = 3600  # at start, left-overs this old are a killed run's, not a command line's running now
PART_SUFFIXES = (".part", ".part-journal", ".part-wal", ".part-shm")  # a copy cut short (backup_file's .part)
SQLITE_MAGIC = b"SQLite format 3\x00"
COPY_PAGES = 256  # pages written per step of the backup API (progress between steps)

# What a backup's record counts show: (label, table, extra condition). Only tables that exist at the file's
# version are counted; voided rows never are.
COUNTED: tuple[tuple[str, str, str], ...] = (
    ("在册会员", "members", "status IN ('在册','退休')"),  # as the status bar counts them (stats.ON_ROLL)
    ("全部会员", "members", ""),
    ("慰问记录", "visits", ""),
    ("困难职工档案", "hardship_files", ""),
    ("帮扶记录", "aid_payments", ""),
    ("活动", "events", ""),
    ("荣誉", "honours", ""),
    ("提案", "proposals", ""),
    ("工作总结草稿", "report_drafts", ""),
)


def _pattern(stem: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(stem)}-(\d{{4}}-\d{{2}}-\d{{2}})\.sqlite3$")


def _restore_pattern(stem: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(stem)}-{BEFORE_RESTORE_TAG}-(\d{{8}}-\d{{6}})(?:-\d+)?\.sqlite3$")


def _upgrade_pattern(stem: str, suffix: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(stem)}\.v(\d+)-backup-(\d{{8}}-\d{{6}}){re.escape(suffix)}$")


def list_backups(db_path: Path, backups_dir: Path | None = None) -> list[tuple[dt.date, Path]]:
    """The automatic backups of ``db_path``, oldest first (the only files :func:`rotate` ever deletes)."""
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
    """Delete automatic backups outside the rotation; returns what was removed. Copies made before a restore
    or an upgrade, and any other file, are never touched."""
    existing = list_backups(db_path, backups_dir)
    keep = backups_to_keep([d for d, _ in existing])
    removed = []
    for day, path in existing:
        if day not in keep:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


# --- the list of backups shown on the 备份与恢复 page ---------------------------------------------------------------
@dataclass(frozen=True)
class BackupEntry:
    path: Path
    kind: str  # AUTOMATIC, BEFORE_RESTORE, BEFORE_UPGRADE or MANUAL
    made: dt.datetime
    size_bytes: int
    encrypted: bool = False


def _stamp(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text, "%Y%m%d-%H%M%S")
    except ValueError:
        return None


def list_all_backups(db_path: Path, backups_dir: Path | None = None) -> list[BackupEntry]:
    """Every backup of ``db_path`` the app knows, newest first: the automatic ones and the copies made before a
    restore (in ``backups``), the copies made before an upgrade (``<stem>.vN-backup-…`` beside the database),
    and manual backups saved into ``backups`` (``*-备份-*.sqlite3``, ``*.ghbak``)."""
    db_path = Path(db_path)
    folder = backups_dir or backups_dir_for(db_path)
    entries: list[BackupEntry] = []

    def add(path: Path, kind: str, made: dt.datetime | None) -> None:
        try:
            stat = path.stat()
        except OSError:
            return
        modified = dt.datetime.fromtimestamp(stat.st_mtime)
        entries.append(BackupEntry(path, kind, made or modified, stat.st_size, backup_crypto.is_encrypted(path)))

    automatic = {path for _, path in list_backups(db_path, folder)}
    for day, path in list_backups(db_path, folder):
        try:  # the time of day the copy was made, when the file still has it
            modified = dt.datetime.fromtimestamp(path.stat().st_mtime)
        except OSError:
            continue
        add(path, AUTOMATIC, modified if modified.date() == day else dt.datetime.combine(day, dt.time()))
    if folder.is_dir():
        before_restore = _restore_pattern(db_path.stem)
        for item in folder.iterdir():
            if item in automatic or not item.is_file():
                continue
            m = before_restore.match(item.name)
            if m:
                add(item, BEFORE_RESTORE, _stamp(m[1]))
            elif item.suffix.lower() == backup_crypto.ENCRYPTED_SUFFIX or (
                    item.suffix.lower() == ".sqlite3" and "-备份-" in item.name):
                add(item, MANUAL, None)
    if db_path.parent.is_dir():
        before_upgrade = _upgrade_pattern(db_path.stem, db_path.suffix)
        for item in db_path.parent.iterdir():
            m = before_upgrade.match(item.name)
            if m and item.is_file():
                add(item, BEFORE_UPGRADE, _stamp(m[2]))
    entries.sort(key=lambda e: (e.made, e.path.name), reverse=True)
    return entries


def default_backup_name(union_name: str, fallback: str, *, today: dt.date | None = None,
                        encrypted: bool = False) -> str:
    """``<工会名称>-备份-YYYYMMDD.sqlite3`` (``.ghbak`` when encrypted); ``fallback`` when no name is set."""
    name = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "", union_name or "").strip().strip(".") or fallback
    suffix = backup_crypto.ENCRYPTED_SUFFIX if encrypted else ".sqlite3"
    return f"{name}-备份-{(today or dt.date.today()):%Y%m%d}{suffix}"


# --- making backups -------------------------------------------------------------------------------------------
def _work_dir(db_path: Path) -> Path:
    """A temporary folder beside the database (same disk, same protection as the data itself)."""
    return Path(tempfile.mkdtemp(prefix=f".{db_path.stem}{WORK_PREFIX}", dir=db_path.parent))


def _old_enough(item: Path, older_than_seconds: float) -> bool:
    try:
        return item.stat().st_mtime <= time.time() - older_than_seconds
    except OSError:
        return False


def remove_leftovers(db_path: Path, *, older_than_seconds: float = 0) -> list[Path]:
    """Remove the temporary folders a killed backup, check or restore left beside ``db_path`` (they may hold a
    decrypted copy); only those older than ``older_than_seconds``: at start (:func:`auto_backup_if_due`) a command
    line may be backing up beside the window; a restore, which holds the database, removes all."""
    db_path = Path(db_path)
    removed: list[Path] = []
    if db_path.parent.is_dir():
        for item in db_path.parent.glob(f".*{WORK_PREFIX}*"):
            if item.is_dir() and _old_enough(item, older_than_seconds):
                shutil.rmtree(item, ignore_errors=True)
                removed.append(item)
    return removed


def remove_partial_copies(db_path: Path, *, older_than_seconds: float = 0) -> list[Path]:
    """Remove the copies a killed backup cut short in ``backups`` (``….sqlite3.part`` and its journal files: a
    plain copy of the data that no list shows), older than ``older_than_seconds``."""
    folder = backups_dir_for(Path(db_path))
    removed: list[Path] = []
    if folder.is_dir():
        for item in folder.iterdir():
            if item.name.endswith(PART_SUFFIXES) and item.is_file() and _old_enough(item, older_than_seconds):
                item.unlink(missing_ok=True)
                removed.append(item)
    return removed


def backup_now(db_path: Path, target: Path, *, password: str | None = None, progress: Progress | None = None,
               is_cancelled: IsCancelled | None = None) -> Path:
    """Copy the live database to ``target`` consistently, even while it is in use. With ``password`` the file
    is encrypted (:func:`gonghui_desk.backup_crypto.encrypt_file`); the plain copy it is made from stays in a
    temporary folder beside the database and is removed, so nothing unencrypted reaches ``target``'s disk."""
    db_path, target = Path(db_path), Path(target)
    if not db_path.exists():
        raise UserError(f"数据库文件不存在：{db_path}")
    if target.resolve() == db_path.resolve():
        raise UserError("备份文件不能与数据库文件相同")
    if password is not None:
        backup_crypto._password_bytes(password)  # an empty password is refused before any work
    check_cancel(is_cancelled)
    source = sqlite3.connect(str(db_path))
    work = None
    try:
        if progress:
            progress(0, 1, "正在备份…")
        if password is None:
            backup_file(source, target, progress=progress, is_cancelled=is_cancelled)
        else:
            work = _work_dir(db_path)
            plain = backup_file(source, work / "plain.sqlite3", is_cancelled=is_cancelled)
            source.close()
            check_cancel(is_cancelled)
            backup_crypto.encrypt_file(plain, target, password, progress=progress, is_cancelled=is_cancelled)
        if progress:
            progress(1, 1, "备份完成")
    finally:
        source.close()
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    return target


def auto_backup_if_due(db_path: Path, *, today: dt.date | None = None,
                       backups_dir: Path | None = None) -> Path | None:
    """Make today's automatic backup unless one exists; rotate; return the new file or None."""
    db_path = Path(db_path)
    today = today or dt.date.today()
    folder = backups_dir or backups_dir_for(db_path)
    remove_leftovers(db_path, older_than_seconds=LEFTOVER_AGE_SECONDS)
    remove_partial_copies(db_path, older_than_seconds=LEFTOVER_AGE_SECONDS)
    existing = list_backups(db_path, folder)
    if existing and existing[-1][0] >= today:
        return None
    target = folder / f"{db_path.stem}-{today.isoformat()}.sqlite3"
    backup_now(db_path, target)
    rotate(db_path, folder)
    return target


# --- checking a backup ----------------------------------------------------------------------------------------
@dataclass
class BackupInfo:
    """What :func:`inspect_backup` found in a backup file. ``problems`` (Chinese sentences) is empty when the
    file can be restored."""

    path: Path
    size_bytes: int = 0
    modified: dt.datetime | None = None
    encrypted: bool = False
    schema_version: int | None = None
    latest_version: int = 0
    needs_migration: bool = False
    too_new: bool = False
    integrity_ok: bool = False
    integrity_message: str = ""
    union_name: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    needs_password: bool = False  # encrypted and no password given
    wrong_password: bool = False  # encrypted and the password (or the file) did not check out

    @property
    def ok(self) -> bool:
        return not self.problems


def _latest_version() -> int:
    return migrations_module.MIGRATIONS[-1].version


def record_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """The readable record counts of an open database (see :data:`COUNTED`), for the tables it has."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    counts: dict[str, int] = {}
    for label, table, condition in COUNTED:
        if table not in tables:
            continue
        columns = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
        where = [c for c in ("voided_at IS NULL" if "voided_at" in columns else "", condition) if c]
        sql = f'SELECT count(*) FROM "{table}"' + (f" WHERE {' AND '.join(where)}" if where else "")
        counts[label] = conn.execute(sql).fetchone()[0]
    return counts


def _copy_plain(source: Path, dest: Path) -> None:
    """A byte copy of a plain backup, with its ``-wal`` when one lies beside it (a copy of a database taken
    while it was open), so that SQLite applies it to the copy and never to ``source``."""
    shutil.copyfile(source, dest)
    wal = source.with_name(source.name + "-wal")
    if wal.is_file():
        shutil.copyfile(wal, dest.with_name(dest.name + "-wal"))


def _prepare_copy(info: BackupInfo, dest: Path, password: str | None, progress: Progress | None,
                  is_cancelled: IsCancelled | None) -> bool:
    """Put the backup's database at ``dest`` (decrypted or copied); False, with the problem noted in ``info``,
    when that is not possible."""
    if info.encrypted:
        if not password:
            info.needs_password = True
            info.problems.append("需要密码：这是加密的备份，请输入备份时设置的密码")
            return False
        try:
            backup_crypto.decrypt_file(info.path, dest, password, progress=progress, is_cancelled=is_cancelled)
        except backup_crypto.DecryptionError as exc:
            info.wrong_password = str(exc) == backup_crypto.WRONG_PASSWORD
            info.problems.append(str(exc))
            return False
        return True
    _copy_plain(info.path, dest)
    return True


SQLITE_MESSAGES = {  # SQLite's words for a damaged file, in the user's language (the original kept for support)
    "database disk image is malformed": "数据库结构已损坏",
    "file is not a database": "不是数据库文件",
    "file is encrypted or is not a database": "不是数据库文件",
    "database or disk is full": "磁盘已满",
}


def _sqlite_text(message: str) -> str:
    for english, chinese in SQLITE_MESSAGES.items():
        if english in message:
            return f"{chinese}（{message}）"
    return message


def _inspect_copy(copy: Path, info: BackupInfo) -> None:
    """Fill ``info`` from the database at ``copy`` (a temporary copy that may be changed)."""
    with open(copy, "rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if not head:
        info.problems.append("不是本软件的数据库文件（文件是空的）")
        return
    if head != SQLITE_MAGIC:
        info.problems.append("不是本软件的数据库文件（不是 SQLite 数据库）")
        return
    conn = sqlite3.connect(str(copy), isolation_level=None)
    try:
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            info.integrity_message = _sqlite_text(str(exc))
            info.problems.append(f"文件已损坏：{info.integrity_message}")
            return
        info.schema_version = version
        if app_id not in (0, APPLICATION_ID) or (version == 0 and tables > 0):
            info.problems.append("不是本软件的数据库文件（是其他软件的数据库）")
            return
        if version == 0:
            info.problems.append("不是本软件的数据库文件（数据库是空的）")
            return
        if version > info.latest_version:
            info.too_new = True
            info.problems.append(f"由更新版本的基层工会工作台创建（结构版本 {version}，本程序只支持到 "
                                 f"{info.latest_version}），请先升级软件")
        info.needs_migration = version < info.latest_version
        try:
            messages = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
        except sqlite3.DatabaseError as exc:
            messages = [_sqlite_text(str(exc))]
        info.integrity_ok = messages == ["ok"]
        info.integrity_message = "通过" if info.integrity_ok else "；".join(messages[:3])
        if not info.integrity_ok:
            info.problems.append(f"文件已损坏：{info.integrity_message}")
            return
        try:
            info.counts = record_counts(conn)
            row = conn.execute("SELECT name FROM union_profile WHERE id = 1").fetchone()
            info.union_name = row[0] if row else ""
        except sqlite3.DatabaseError as exc:
            info.problems.append(f"文件已损坏：{_sqlite_text(str(exc))}")
    finally:
        conn.close()


def _new_info(path: Path) -> BackupInfo:
    info = BackupInfo(path=path, latest_version=_latest_version())
    try:
        stat = path.stat()
    except OSError:
        info.problems.append(f"找不到备份文件：{path}")
        return info
    if not path.is_file():
        info.problems.append(f"“{path.name}”不是文件")
        return info
    info.size_bytes = stat.st_size
    info.modified = dt.datetime.fromtimestamp(stat.st_mtime)
    info.encrypted = backup_crypto.is_encrypted(path)
    return info


def inspect_backup(path: Path, *, password: str | None = None, work_dir: Path | None = None,
                   progress: Progress | None = None, is_cancelled: IsCancelled | None = None) -> BackupInfo:
    """Check a backup file without touching it: it is copied (or decrypted) into a temporary folder (in
    ``work_dir`` when given, else the system's), checked there and the copy removed. Nothing is raised for a bad
    file: what is wrong is listed in ``problems``."""
    info = _new_info(Path(path))
    if info.problems:
        return info
    folder = Path(tempfile.mkdtemp(prefix=f".inspect{WORK_PREFIX}", dir=work_dir))
    try:
        copy = folder / "check.sqlite3"
        try:
            if _prepare_copy(info, copy, password, progress, is_cancelled):
                _inspect_copy(copy, info)
        except OSError as exc:
            info.problems.append(f"无法读取备份文件：{exc}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return info


# --- restoring ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RestoreResult:
    safety_copy: Path | None  # the live database as it was before the restore (None: there was none)
    info: BackupInfo  # the backup that was restored, as checked
    from_version: int  # the backup's schema version (migrated to the latest when older)


def _safety_copy_path(db_path: Path, now: dt.datetime) -> Path:
    folder = backups_dir_for(db_path)
    base = f"{db_path.stem}-{BEFORE_RESTORE_TAG}-{now:%Y%m%d-%H%M%S}"
    target, number = folder / f"{base}.sqlite3", 1
    while target.exists():
        number += 1
        target = folder / f"{base}-{number}.sqlite3"
    return target


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=10)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def _is_locked(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


LOCK_WAIT_SECONDS = 10.0  # how long a copy waits for another connection's lock before giving up


def _backup_pages(source: sqlite3.Connection, dest: sqlite3.Connection, *, progress: Progress | None = None,
                  text: str = "") -> None:
    """``source.backup(dest)`` in steps of :data:`COPY_PAGES`, reporting progress, and giving up with
    "database is locked" when a lock held elsewhere lasts longer than :data:`LOCK_WAIT_SECONDS` (Python's own
    loop would wait for ever)."""
    waiting_since: list[float] = []

    def report(status, remaining, total):
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            waiting_since[:1] = waiting_since[:1] or [time.monotonic()]
            if time.monotonic() - waiting_since[0] > LOCK_WAIT_SECONDS:
                raise sqlite3.OperationalError("database is locked")
            return
        waiting_since.clear()
        if progress:
            progress(max(total - remaining, 0), max(total, 1), text)

    source.backup(dest, pages=COPY_PAGES, progress=report, sleep=0.05)


def _copy_database(source: sqlite3.Connection, target: Path) -> Path:
    """A consistent copy of an open database into a new file (as :func:`backup_file`, with the lock guard)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    dest = sqlite3.connect(str(part))
    try:
        _backup_pages(source, dest)
        try:
            dest.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.DatabaseError:  # a damaged database copies page for page but cannot change its mode
            pass
    except BaseException:
        dest.close()
        part.unlink(missing_ok=True)
        raise
    dest.close()
    part.replace(target)
    return target


def _copy_raw(db_path: Path, target: Path) -> Path:
    """A byte copy of a live file SQLite cannot read at all (with its ``-wal`` beside the copy), through
    ``.part``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    shutil.copyfile(db_path, part)
    wal = Path(str(db_path) + "-wal")
    if wal.is_file():
        shutil.copyfile(wal, Path(str(target) + "-wal"))
    part.replace(target)
    return target


def _copy_into_live(work: sqlite3.Connection, live: sqlite3.Connection, progress: Progress | None) -> None:
    """The backup API writes the working copy into the live database in one write transaction (held across the
    steps): until it commits, the live file reads as before; a failure or a crash rolls it back (journal or
    WAL)."""
    _backup_pages(work, live, progress=progress, text="正在写入数据库…")


def restore_backup(db_path: Path, backup_path: Path, *, password: str | None = None,
                   progress: Progress | None = None, is_cancelled: IsCancelled | None = None,
                   now: dt.datetime | None = None) -> RestoreResult:
    """Replace the live database's content with a backup's.

    1. The backup is copied (or decrypted) into a temporary folder beside the database and checked
       (:func:`inspect_backup`'s checks); any problem refuses the restore with a :class:`UserError`.
    2. The copy is migrated to the latest schema (backups from older versions) and checked again.
    3. The live database is copied to ``backups/<stem>-恢复前-YYYYMMDD-HHMMSS.sqlite3``.
    4. The copy is written into the live file with the SQLite backup API: one transaction, so a failure or a
       crash leaves the live file as it was (the file is never replaced on disk, which would let an old
       ``-wal`` be applied to the new content).

    ``is_cancelled`` is honoured until step 4. The temporary folder is removed in every case. The app's own
    connections to ``db_path`` must be closed first.
    """
    db_path, backup_path = Path(db_path), Path(backup_path)
    now = now or dt.datetime.now()
    if backup_path.exists() and db_path.exists() and backup_path.resolve() == db_path.resolve():
        raise UserError("不能从正在使用的数据库文件本身恢复")
    remove_leftovers(db_path)  # a killed restore's work folder (a .part of its safety copy is replaced below)
    steps = 6

    def step(number: int, text: str) -> None:
        check_cancel(is_cancelled)
        if progress:
            progress(number, steps, text)

    db_path.parent.mkdir(parents=True, exist_ok=True)
    info = _new_info(backup_path)
    if info.problems:
        raise UserError("无法从该备份恢复：" + "；".join(info.problems))
    live_existed = db_path.exists() and db_path.stat().st_size > 0
    work_folder = _work_dir(db_path)
    work_conn = live_conn = None
    safety: Path | None = None
    written = False
    try:
        step(0, "正在读取备份…")
        copy = work_folder / "restore.sqlite3"
        if _prepare_copy(info, copy, password, None, is_cancelled):
            step(1, "正在检查备份…")
            _inspect_copy(copy, info)
        if info.problems:
            raise UserError("无法从该备份恢复：" + "；".join(info.problems))
        from_version = info.schema_version or 0

        if info.needs_migration:
            step(2, f"正在把备份从结构版本 {from_version} 升级到 {info.latest_version}…")
            open_database(copy, create=False, now=now).conn.close()
        step(3, "正在检查升级后的数据…")
        work_conn = _connect(copy)
        work_conn.execute("PRAGMA journal_mode = DELETE")
        checked = [r[0] for r in work_conn.execute("PRAGMA integrity_check(20)")]
        version = work_conn.execute("PRAGMA user_version").fetchone()[0]
        if checked != ["ok"] or version != info.latest_version:
            raise UserError("备份升级后没有通过完整性检查，当前数据未作改动：" + "；".join(checked[:3]))

        live_conn = _connect(db_path)
        if live_existed:
            # The backup API cannot change the page size of a database in WAL mode: give the copy the live
            # file's page size first.
            live_page_size = live_conn.execute("PRAGMA page_size").fetchone()[0]
            if work_conn.execute("PRAGMA page_size").fetchone()[0] != live_page_size:
                work_conn.execute(f"PRAGMA page_size = {int(live_page_size)}")
                work_conn.execute("VACUUM")
            step(4, "正在备份当前数据…")
            target = _safety_copy_path(db_path, now)
            try:
                safety = _copy_database(live_conn, target)
            except sqlite3.DatabaseError:  # the current file is damaged beyond reading: keep it byte for byte
                safety = _copy_raw(db_path, target)
        step(5, "正在写入数据库…")
        _copy_into_live(work_conn, live_conn, progress)  # from here on, no cancelling
        written = True

        if live_conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            live_conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        final = [r[0] for r in live_conn.execute("PRAGMA integrity_check(20)")]
        if final != ["ok"]:  # not expected: the copy checked out and the backup API copies pages as they are
            raise UserError("恢复后的数据库没有通过完整性检查：" + "；".join(final[:3])
                            + (f"。恢复前的数据已另存为 {safety}" if safety else ""))
        if progress:
            progress(steps, steps, "恢复完成")
        return RestoreResult(safety, info, from_version)
    except BaseException as exc:
        if live_conn is not None:
            live_conn.close()
            live_conn = None
        if not live_existed:  # a restore onto a database that did not exist: remove the file it started
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(db_path) + suffix).unlink(missing_ok=True)
        if _is_locked(exc):
            raise UserError("数据库正被使用（本程序或其他程序打开着它），请关闭后再恢复。当前数据未作改动。") from exc
        if isinstance(exc, sqlite3.DatabaseError) and not written and "not a database" in str(exc):
            raise UserError("当前数据库文件已严重损坏，无法写入。请关闭本程序，把它改名或移到别处后，再恢复到原来的位置"
                            + (f"（它已另存为 {safety}）" if safety else "") + "。") from exc
        if isinstance(exc, (sqlite3.Error, OSError)):
            if written:  # the backup's content is in place; only the tidying after it failed
                raise UserError(f"数据已恢复，但随后的检查出错：{exc}") from exc
            raise UserError(f"恢复失败，当前数据未作改动：{exc}") from exc
        raise
    finally:
        for conn in (work_conn, live_conn):
            if conn is not None:
                conn.close()
        shutil.rmtree(work_folder, ignore_errors=True)



# --- the command line: gonghui-desk backup / restore ----------------------------------------------------------
def _password_from_file(path: Path | None) -> str | None:
    """The first line of ``path`` (a file keeps the password out of the shell's history and the process list)."""
    if path is None:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UserError(f"无法读取密码文件“{path}”：{exc}") from exc
    password = text.splitlines()[0] if text.splitlines() else ""
    if not password:
        raise UserError(f"密码文件“{path}”的第一行是空的")
    return password


def describe(info: BackupInfo) -> list[str]:
    """What :func:`inspect_backup` found, line by line (the command line's confirmation)."""
    lines = [f"备份文件：{info.path}"]
    if info.modified:
        lines.append(f"备份时间：{info.modified:%Y-%m-%d %H:%M}（{info.size_bytes / 1024:.1f} KB"
                     + ("，已加密" if info.encrypted else "") + "）")
    if info.schema_version is not None:
        upgrade = f"，恢复时将自动升级到版本 {info.latest_version}" if info.needs_migration else ""
        lines.append(f"结构版本：{info.schema_version}{upgrade}")
    if info.integrity_message:
        lines.append(f"完整性检查：{'通过' if info.integrity_ok else '失败'}")
    if info.union_name:
        lines.append(f"工会名称：{info.union_name}")
    if info.counts:
        lines.append("记录数：" + "，".join(f"{label} {count}" for label, count in info.counts.items()))
    return lines


def backup_command(args) -> int:
    """``gonghui-desk backup --db PATH -o OUT [--password-file F]``."""
    password = _password_from_file(args.password_file)
    target = backup_now(args.db, args.output, password=password)
    print(f"已备份到 {target}" + ("（已加密：恢复时需要密码，密码无法找回）" if password else ""))
    return 0


def restore_command(args, *, ask=input) -> int:
    """``gonghui-desk restore --db PATH BACKUP [--password-file F] [--yes]``: 0 restored, 1 the backup has
    problems (nothing changed), 2 not confirmed or bad usage."""
    import sys

    password = _password_from_file(args.password_file)
    db_path = Path(args.db)
    info = inspect_backup(args.backup, password=password, work_dir=db_path.parent if db_path.parent.is_dir() else None)
    print("\n".join(describe(info)))
    if info.problems:
        for problem in info.problems:
            print(f"问题：{problem}", file=sys.stderr)
        print("没有恢复，当前数据未作改动。", file=sys.stderr)
        return 1
    if not args.yes:
        if not sys.stdin or not sys.stdin.isatty():
            print("恢复会替换当前数据库的全部内容：请加 --yes 确认。", file=sys.stderr)
            return 2
        if ask(f"用这个备份替换“{db_path}”的全部内容？当前数据会先另存一份。输入 y 确认：").strip().lower() not in ("y", "yes"):
            print("没有恢复。")
            return 2
    result = restore_backup(db_path, args.backup, password=password)
    print(f"已恢复到 {db_path}" + (f"。恢复前的数据已另存为 {result.safety_copy}" if result.safety_copy else ""))
    return 0
