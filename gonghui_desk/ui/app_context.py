"""What every view of the main window shares: the open database and change notifications."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from gonghui_desk.db import open_database
from gonghui_desk.members import MemberStore
from gonghui_desk.union import UnionProfile, load_profile


class AppContext(QObject):
    """One per open database. Views connect to the signals to refresh themselves.

    ``db`` belongs to the GUI thread; worker threads open their own connection to ``db_path``.
    """

    members_changed = Signal()  # any member was added, edited, imported, voided…
    profile_changed = Signal()  # the union's profile or its sub-unit tree changed
    visits_changed = Signal()  # a care visit was recorded, edited, signed, voided; or the occasions changed
    hardship_changed = Signal()  # a hardship file was opened, edited, reviewed, closed, reopened, voided; or a value list
    events_changed = Signal()  # an event, its entries, teams or results were recorded, edited or voided
    honours_changed = Signal()  # an honour was recorded, advanced, edited or voided
    congress_changed = Signal()  # a term, session, delegation or delegate; or a proposal filed, reviewed, handled, rated
    status_message = Signal(str)

    def __init__(self, db_path: str | Path, parent: QObject | None = None):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.db = open_database(self.db_path)
        self.members = MemberStore(self.db)

    def profile(self) -> UnionProfile:
        return load_profile(self.db)

    def open_worker_db(self):
        """A separate connection for a worker thread (SQLite connections stay in their thread)."""
        return open_database(self.db_path, create=False)

    def close(self) -> None:
        """Close the database (safe to call twice)."""
        try:
            self.db.execute("PRAGMA optimize")  # keeps the query planner's statistics current
        except sqlite3.ProgrammingError:  # already closed
            return
        self.db.conn.close()
