"""Long work off the GUI thread, with a progress bar and a 取消 button.

``run_job(parent, title, job)`` runs ``job(progress, is_cancelled)`` (see
:mod:`gonghui_desk.jobs`) on a QThread and shows a modal QProgressDialog. When the job
ends, ``on_done(result)``, ``on_error(exception)`` or ``on_cancelled()`` is called on the GUI
thread. Jobs that touch the database open their own connection inside the thread.
"""

from __future__ import annotations

import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from gonghui_desk.errors import Cancelled, UserError


class JobWorker(QObject):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, job: Callable[..., Any]):
        super().__init__()
        self._job = job
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self._job(self._report, self._cancel.is_set)
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # shown to the user by the GUI thread
            exc.traceback_text = traceback.format_exc()  # type: ignore[attr-defined]
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)
        finally:
            self.finished.emit()

    def _report(self, done: int, total: int, text: str = "") -> None:
        self.progressed.emit(int(done), int(total), text or "")


class Job(QObject):
    """A running job: keeps the thread and worker alive until they finish."""

    done = Signal(object)
    error = Signal(object)
    was_cancelled = Signal()
    ended = Signal()
    progressed = Signal(int, int, str)  # re-emitted in the GUI thread

    _running: set["Job"] = set()

    def __init__(self, job: Callable[..., Any], parent: QObject | None = None):
        super().__init__(parent)
        self.thread = QThread()
        self.worker = JobWorker(job)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self.progressed)
        self.worker.succeeded.connect(self.done)
        self.worker.failed.connect(self.error)
        self.worker.cancelled.connect(self.was_cancelled)
        # direct: quit the thread from the worker itself, so wait() returns without an event loop
        self.worker.finished.connect(self.thread.quit, Qt.DirectConnection)
        self.thread.finished.connect(self._cleanup)

    def start(self) -> None:
        Job._running.add(self)
        self.thread.start()

    def cancel(self) -> None:
        self.worker.cancel()

    def wait(self, msecs: int = 30000) -> bool:
        return self.thread.wait(msecs)

    def _cleanup(self) -> None:
        Job._running.discard(self)
        self.ended.emit()


def run_job(parent: QWidget | None, title: str, job: Callable[..., Any], *,
            on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None,
            on_cancelled: Callable[[], None] | None = None,
            show_dialog: bool = True) -> Job:
    """Start ``job`` on a worker thread with a progress dialog; returns the running :class:`Job`."""
    running = Job(job, parent)
    dialog = None
    if show_dialog:
        dialog = QProgressDialog(title, "取消", 0, 0, parent)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(running.cancel)

        def show_progress(done: int, total: int, text: str) -> None:
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total else 0)
            if text:
                dialog.setLabelText(text)

        # through the Job (a QObject of the GUI thread): PySide6 runs a plain function connected to
        # the worker's signal in the worker thread, and widgets must only be touched in the GUI thread
        running.progressed.connect(show_progress)
        running.ended.connect(dialog.close)
        running.ended.connect(dialog.deleteLater)
        dialog.show()
    running.done.connect(on_done or (lambda result: None))
    running.was_cancelled.connect(on_cancelled or (lambda: None))

    def handle_error(exc: BaseException) -> None:
        if on_error is not None:
            on_error(exc)
        else:
            show_error(parent, title, exc)

    running.error.connect(handle_error)
    running.start()
    return running


def show_error(parent: QWidget | None, title: str, exc: BaseException) -> None:
    """A user error shows its Chinese message; anything else also says it is a program fault."""
    if isinstance(exc, UserError):
        text = str(exc)
    else:
        text = f"程序出错：{exc}\n\n请把这段信息告诉技术支持人员。"
    box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, parent)
    detail = getattr(exc, "traceback_text", "")
    if detail and not isinstance(exc, UserError):
        box.setDetailedText(detail)
    box.open()


def with_worker_db(context, fn: Callable[..., Any]) -> Callable[..., Any]:
    """A job that runs ``fn(db, progress, is_cancelled)`` on its own connection to the context's
    database (SQLite connections stay in the thread that opened them) and closes it after."""
    open_worker_db = context.open_worker_db

    def job(progress, is_cancelled):
        db = open_worker_db()
        try:
            return fn(db, progress, is_cancelled)
        finally:
            db.conn.close()

    return job
