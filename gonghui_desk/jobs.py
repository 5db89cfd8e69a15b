"""The contract of long jobs (import, export, backups, reports), free of Qt.

A job is a function ``job(progress, is_cancelled) -> result``. It calls ``progress(done, total,
text)`` now and then and checks ``is_cancelled()`` between steps, raising
:class:`gonghui_desk.errors.Cancelled` after rolling back whatever it started. The GUI runs jobs
on a worker thread (``gonghui_desk.ui.workers``); the command line runs them directly.
"""

from __future__ import annotations

from typing import Callable, Optional

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
