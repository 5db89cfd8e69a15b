"""What every view of the main window shares: the open database and change notifications."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from gonghui_desk import APP_TITLE
from gonghui_desk.db.connection import as_database, journal_mode, open_connection, open_database
from gonghui_desk.db.file_lock import HEARTBEAT_INTERVAL, DatabaseInUseError, DatabaseLock
from gonghui_desk.union import UnionProfile, load_profile

if TYPE_CHECKING:
    import sqlite_utils

    from gonghui_desk.members import MemberStore

LARGE_UNION_MEMBERS = 5000  # above this, pages count and compute on worker threads


def is_large_union(db: sqlite_utils.Database | sqlite3.Connection) -> bool:
    """Whether the members table is larger than :data:`LARGE_UNION_MEMBERS` rows (voided ones too).

    Read from the largest row id (never below the number of rows: members are never deleted), one lookup in the
    table's b-tree, where counting would scan the table: enough to choose between computing now and on a worker
    thread.
    """
    row = db.execute("SELECT max(rowid) FROM members").fetchone()
    return bool(row and row[0] and row[0] > LARGE_UNION_MEMBERS)


class AppContext(QObject):
    """One per open database. Views connect to the signals to refresh themselves.

    ``conn`` (the plain sqlite3 connection) and ``db`` (the same connection in sqlite-utils, made on first use)
    belong to the GUI thread; worker threads open their own connection to ``db_path``. What the window shows at
    its first paint reads ``conn`` only, so that start-up does not wait for sqlite-utils to be imported.
    """

    members_changed = Signal()  # any member was added, edited, imported, voided…
    profile_changed = Signal()  # the union's profile or its sub-unit tree changed
    visits_changed = Signal()  # a care visit was recorded, edited, signed, voided; or the occasions changed
    hardship_changed = Signal()  # a hardship file was opened, edited, reviewed, closed, reopened, voided; or a value list
    events_changed = Signal()  # an event, its entries, teams or results were recorded, edited or voided
    honours_changed = Signal()  # an honour was recorded, advanced, edited or voided
    congress_changed = Signal()  # a term, session, delegation or delegate; or a proposal filed, reviewed, handled, rated
    status_message = Signal(str)
    lock_lost = Signal(str)  # another program took the database over: the connection is closed; the message says why

    def __init__(self, db_path: str | Path, parent: QObject | None = None, *, force: bool = False):
        """Lock the file (see db/file_lock.py; raises DatabaseInUseError; ``force`` takes over a stale lock),
        then open it."""
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.lock = DatabaseLock(self.db_path)
        self.lock.acquire(force=force)
        try:
            self.conn: sqlite3.Connection = open_connection(self.db_path)
        except BaseException:
            self.lock.release()
            raise
        self._db: sqlite_utils.Database | None = None
        self._members: MemberStore | None = None
        self.network_folder = journal_mode(self.conn) == "delete"  # open_connection's choice for a network share
        self.lock_timer = QTimer(self)
        self.lock_timer.setInterval(HEARTBEAT_INTERVAL * 1000)
        self.lock_timer.timeout.connect(self.check_lock)
        self.lock_timer.start()

    @property
    def db(self) -> sqlite_utils.Database:
        """The database in sqlite-utils (imported and wrapped around ``conn`` the first time)."""
        if self._db is None:
            self._db = as_database(self.conn)
        return self._db

    @property
    def members(self) -> MemberStore:
        if self._members is None:
            from gonghui_desk.members import MemberStore

            self._members = MemberStore(self.db)
        return self._members

    def profile(self) -> UnionProfile:
        return load_profile(self.conn)

    def open_worker_db(self):
        """A separate connection for a worker thread (SQLite connections stay in their thread)."""
        return open_database(self.db_path, create=False)

    def check_lock(self) -> bool:
        """The heartbeat (every minute): still ours, or close the database and emit ``lock_lost``.

        Someone forced the file open from elsewhere, or its lock file was deleted: from now on two programs could
        change it, so this one stops at once (nothing more can be written through ``db``) and says why.
        """
        if self.lock.heartbeat():
            return True
        self.lock_timer.stop()
        message = self.lock.lost_message()
        self.close()
        self.lock_lost.emit(message)
        return False

    def close(self) -> None:
        """Close the database (safe to call twice)."""
        try:
            self.lock_timer.stop()
        except RuntimeError:  # the context was already deleted (deleteLater) by an earlier close
            pass
        try:
            self.conn.execute("PRAGMA optimize")  # keeps the query planner's statistics current
        except sqlite3.ProgrammingError:  # already closed
            self.lock.release()
            return
        self.conn.close()
        self.lock.release()  # after the connection: the next holder finds the file closed


def in_use_message_box(parent: QWidget | None, error: DatabaseInUseError) -> tuple[QMessageBox, object]:
    """The box saying who uses the database; (box, its 强制打开 button or None when it may not be forced)."""
    headline, _, advice = str(error).partition("\n\n")
    box = QMessageBox(QMessageBox.Warning, f"{APP_TITLE} — 数据库正在使用中", headline, QMessageBox.NoButton, parent)
    box.setInformativeText(advice)
    box.setDetailedText(error.details())
    force_button = None
    if error.can_force:
        force_button = box.addButton("强制打开", QMessageBox.DestructiveRole)
        box.setDefaultButton(box.addButton("取消", QMessageBox.RejectRole))
    else:
        box.setDefaultButton(box.addButton("确定", QMessageBox.AcceptRole))
    box.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return box, force_button


def open_asking(db_path: str | Path, parent: QWidget | None = None) -> AppContext | None:
    """``AppContext(db_path)``; when another program holds the file, say who and offer 强制打开 for a stale lock.

    None: the user cancelled (or the file is in use and may not be forced). Other errors propagate.
    """
    force = False
    while True:
        try:
            return AppContext(db_path, force=force)
        except DatabaseInUseError as error:
            box, force_button = in_use_message_box(parent, error)
            box.exec()
            if force_button is None or box.clickedButton() is not force_button:
                return None
            force = True  # still refused if the holder came back meanwhile: asked again, without the button
