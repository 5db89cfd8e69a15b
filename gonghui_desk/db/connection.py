"""Opening the database file: pragmas, the version guard, backups before migrating.

Connections use ``isolation_level=None`` (autocommit) and the app opens transactions itself
with :func:`transaction`, so that a multi-row change is one ``BEGIN IMMEDIATE … COMMIT``.
Do not call sqlite-utils' writing helpers (``insert_all`` …) inside :func:`transaction`:
they commit through ``with conn:`` and would end the transaction early.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from gonghui_desk.db import migrations as migrations_module
from gonghui_desk.db.file_lock import is_network_path
from gonghui_desk.errors import UserError

if TYPE_CHECKING:  # imported when a connection is first wrapped (as_database): not at start-up
    import sqlite_utils

APPLICATION_ID = 0x47484453  # "GHDS": marks the file as ours

log = logging.getLogger(__name__)


class DatabaseError(UserError):
    pass


class DatabaseTooNewError(DatabaseError):
    pass


class NotOurDatabaseError(DatabaseError):
    pass


def _connect(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=10)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def _read_header(path: Path) -> tuple[int, int, int]:
    """(user_version, application_id, number of tables) read without changing the file."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head and not head.startswith(b"SQLite format 3\x00"):
        raise NotOurDatabaseError(f"“{path.name}”不是本软件的数据库文件（不是 SQLite 数据库）")
    conn = _connect(path, readonly=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise NotOurDatabaseError(f"无法读取数据库文件“{path.name}”：{exc}") from exc
    finally:
        conn.close()
    return version, app_id, tables


BACKUP_STEP_PAGES = 4096  # 16 MiB of 4 KiB pages per step: progress and cancel between steps


def backup_file(source: sqlite3.Connection, target: Path, *, progress=None, is_cancelled=None) -> Path:
    """A consistent copy of a live database through the SQLite backup API, copied in steps so that
    ``progress(done, total, text)`` is told how far it got and ``is_cancelled()`` can stop it: a cancelled
    copy raises :class:`gonghui_desk.errors.Cancelled` and leaves no file (nor its ``.part``) behind."""
    from gonghui_desk.errors import Cancelled

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    if tmp.exists():
        tmp.unlink()

    def step(status, remaining, total):
        if is_cancelled is not None and is_cancelled():
            raise Cancelled()
        if progress is not None and total:
            progress(total - remaining, total, "正在备份…")

    dest = sqlite3.connect(str(tmp))
    try:
        try:
            source.backup(dest, pages=BACKUP_STEP_PAGES, progress=step)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(target)
    return target


def open_database(path: str | Path, *, create: bool = True,
                  migrations: list | None = None, now: dt.datetime | None = None) -> sqlite_utils.Database:
    """Open (and create or migrate) the app's database at ``path``: :func:`open_connection`, wrapped in
    sqlite-utils (:func:`as_database`)."""
    return as_database(open_connection(path, create=create, migrations=migrations, now=now))


def as_database(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """``conn`` (from :func:`open_connection`) wrapped in sqlite-utils, which is imported here the first time.

    sqlite-utils and what it imports (click, pluggy, dateutil…) take about a fifth of the app's start-up; the
    GUI opens the file with :func:`open_connection` and wraps it once the window is on the screen
    (``AppContext.db``).
    """
    import sqlite_utils

    # no sqlite-utils plugins: the app uses none, and finding them reads every installed package's metadata
    return sqlite_utils.Database(conn, execute_plugins=False)


# What sqlite-utils imports that takes longest (measured: each 3–12 ms of its ~55 ms): imported one at a time first
# by import_sqlite_utils_stepwise; a name a future sqlite-utils no longer needs is only imported for nothing.
SQLITE_UTILS_SLOW_DEPENDENCIES = ("click", "dateutil.parser", "pluggy")


def import_sqlite_utils_stepwise():
    """Import sqlite-utils a part at a time: a generator that yields after each of its slowest dependencies and
    after sqlite-utils itself, so that the GUI's event loop can turn between the parts (the main window does this
    after its first paint)."""
    import importlib

    for name in SQLITE_UTILS_SLOW_DEPENDENCIES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
        yield name
    import sqlite_utils  # noqa: F401

    yield "sqlite_utils"


def open_connection(path: str | Path, *, create: bool = True,
                    migrations: list | None = None, now: dt.datetime | None = None) -> sqlite3.Connection:
    """Open (and create or migrate) the app's database at ``path``: a plain ``sqlite3`` connection.

    A file written by a newer version of the app is refused without being touched; an older
    file is first copied beside itself (``name.v1-backup-20260101-120000.sqlite3``) and then
    migrated, each migration in its own transaction.
    """
    path = Path(path)
    migrations = migrations if migrations is not None else migrations_module.MIGRATIONS
    latest = migrations[-1].version if migrations else 0
    exists = path.exists() and path.stat().st_size > 0
    if not exists and not create:
        raise DatabaseError(f"数据库文件不存在：{path}")
    version = 0
    if exists:
        version, app_id, tables = _read_header(path)
        if app_id not in (0, APPLICATION_ID) or (version == 0 and tables > 0):
            raise NotOurDatabaseError(f"“{path.name}”是其他软件的数据库，不能用本软件打开")
        if version > latest:
            raise DatabaseTooNewError(
                f"数据库“{path.name}”由更新版本的基层工会工作台创建（结构版本 {version}，"
                f"本程序只支持到 {latest}）。为保护数据，本程序没有改动该文件，请升级软件后再打开。"
            )
    else:
        path.parent.mkdir(parents=True, exist_ok=True)

    conn = _connect(path)
    try:
        _set_journal_mode(conn, path)
        conn.execute("PRAGMA foreign_keys = ON")
        if version < latest:
            if version > 0:
                stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
                backup_file(conn, path.with_name(f"{path.stem}.v{version}-backup-{stamp}{path.suffix}"))
            _migrate(conn, version, migrations)
    except BaseException:
        conn.close()
        raise
    return conn


def _set_journal_mode(conn: sqlite3.Connection, path: Path) -> None:
    """WAL on a local disk; a rollback journal (DELETE) on a network share.

    WAL keeps an index in shared memory (the ``-shm`` file) that two computers cannot share, so on an SMB/NFS
    folder it can corrupt the file; the rollback journal relies only on file locks, which network shares
    provide (and the lock file in :mod:`gonghui_desk.db.file_lock` keeps a second program out anyway).
    Leaving WAL needs the only connection to the file, so it happens here, at opening.
    """
    if not is_network_path(path):
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        return
    conn.execute("PRAGMA busy_timeout = 2000")  # only another program closing the file would help: wait less
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite3.OperationalError as exc:
        raise DatabaseError(
            f"数据库“{path.name}”位于网络共享文件夹，需要改用适合网络文件夹的保存方式，但它正被其他程序打开"
            f"（{exc}）。请关闭其他打开这个数据库的程序后再试。") from exc
    if mode.lower() != "delete":
        raise DatabaseError(f"数据库“{path.name}”位于网络共享文件夹，但无法改用适合网络文件夹的保存方式"
                            f"（当前为 {mode}）。请把数据库复制到本机的文件夹后再打开。")
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA synchronous = FULL")  # a rollback journal needs FULL to survive a power cut
    log.info("%s is on a network share: rollback journal (DELETE) instead of WAL", path)


def journal_mode(db: sqlite_utils.Database | sqlite3.Connection) -> str:
    """``wal`` (a local file) or ``delete`` (a file on a network share)."""
    return _sqlite3_connection(db).execute("PRAGMA journal_mode").fetchone()[0].lower()


def _sqlite3_connection(db: sqlite_utils.Database | sqlite3.Connection) -> sqlite3.Connection:
    return db if isinstance(db, sqlite3.Connection) else db.conn


def _migrate(conn: sqlite3.Connection, current: int, migrations: list) -> None:
    for migration in migrations:
        if migration.version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if current == 0:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            migration.apply(conn)
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        current = migration.version


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database | sqlite3.Connection):
    """One ``BEGIN IMMEDIATE … COMMIT``; nested use joins the outer transaction."""
    conn = _sqlite3_connection(db)
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def needs_upgrade(path: str | Path, migrations: list | None = None) -> bool:
    """Whether opening the existing file at ``path`` would change its structure (read without changing it)."""
    path = Path(path)
    if not (path.exists() and path.stat().st_size > 0):
        return False
    migrations = migrations if migrations is not None else migrations_module.MIGRATIONS
    version = _read_header(path)[0]
    return version < (migrations[-1].version if migrations else 0)


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]
