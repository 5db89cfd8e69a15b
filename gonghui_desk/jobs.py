"""The contract of long jobs (import, export, backups, reports), free of Qt.

A job is a function ``job(progress, is_cancelled) -> result``. It calls ``progress(done, total,
text)`` now and then and checks ``is_cancelled()`` between steps, raising
:class:`gonghui_desk.errors.Cancelled` after rolling back whatever it started. The GUI runs jobs
on a worker thread (``gonghui_desk.ui.workers``); the command line runs them directly.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator, Optional

Progress = Callable[[int, int, str], None]
IsCancelled = Callable[[], bool]


def no_progress(done: int, total: int, text: str = "") -> None:
    return None


def never_cancelled() -> bool:
    return False


def check_cancel(is_cancelled: Optional[IsCancelled]) -> None:
    from gonghui_desk.errors import Cancelled

    if is_cancelled is not None and is_cancelled():
        raise Cancelled()


@contextmanager
def interrupt_on_cancel(conn, is_cancelled: Optional[IsCancelled], every: int = 20_000) -> Iterator[None]:
    """While inside, a statement running on the sqlite3 connection ``conn`` is stopped within ``every`` SQLite
    VM steps (a few milliseconds) once ``is_cancelled()`` is true, and :class:`gonghui_desk.errors.Cancelled` is
    raised: a job whose single query takes seconds (a report over a million rows) still stops at once. For
    read-only work; a write interrupted this way is rolled back by SQLite with its statement."""
    import sqlite3

    from gonghui_desk.errors import Cancelled

    if is_cancelled is None:
        yield
        return
    conn.set_progress_handler(lambda: 1 if is_cancelled() else 0, every)
    try:
        yield
    except sqlite3.OperationalError as exc:
        if is_cancelled():
            raise Cancelled() from exc
        raise
    finally:
        conn.set_progress_handler(None, every)
