"""A small wizard base for the app's step-by-step tasks (imports of members, visits, aid, events…).

In the spirit of OpenLP's ``OpenLPWizard``: every wizard gets the same look and Chinese
buttons, each page a title and a subtitle, long steps run on a worker thread with a progress
bar and a 取消 button *on the page itself* (no extra dialog), and the last page sums up what
was done. Closing the wizard while a job runs cancels the job first; a cancelled job writes
nothing (the job contract of :mod:`gonghui_desk.jobs`).
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget,
                               QWizard, QWizardPage)

from gonghui_desk.errors import UserError
from gonghui_desk.ui.workers import Job

ERROR_STYLE = "color: #c0392b;"
MUTED_STYLE = "color: #6b6b6b;"
OK_STYLE = "color: #2e7d32;"


def error_text(exc: BaseException) -> str:
    """What to tell the user about a failed job: a UserError's own sentence, else a fault notice."""
    if isinstance(exc, UserError):
        return str(exc)
    return f"程序出错：{exc}。请把这段信息告诉技术支持人员。"



class FixedColumnsModel(QAbstractTableModel):
    """A wizard's table with fixed column headers (``HEADERS``) and at most one editable column.

    Subclasses give ``row_count()`` and ``data()``; the column that a combo delegate edits is
    ``EDITABLE_COLUMN``.
    """

    HEADERS: tuple[str, ...] = ()
    EDITABLE_COLUMN: int | None = None

    def row_count(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return self.HEADERS[section]
        return None

    def flags(self, index):
        flags = super().flags(index)
        if self.EDITABLE_COLUMN is not None and index.column() == self.EDITABLE_COLUMN:
            flags |= Qt.ItemIsEditable
        return flags

class JobPanel(QWidget):
    """A status line, a progress bar and a 取消 button that run one job at a time.

    ``start(text, job, on_done=…)`` runs ``job(progress, is_cancelled)`` on a worker thread
    (each job opens its own database connection). Exactly one of ``on_done(result)``,
    ``on_error(exc)`` and ``on_cancelled()`` is called on the GUI thread; without ``on_error``
    the panel shows the error itself.
    """

    finished = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.label = QLabel()
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        row = QHBoxLayout()
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        row.addWidget(self.bar, 1)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.job: Job | None = None
        self._handlers: tuple = (None, None, None)
        self._cancelling = False
        self.setVisible(False)

    @property
    def running(self) -> bool:
        return self.job is not None

    def start(self, text: str, job: Callable[..., Any], *, on_done: Callable[[Any], None],
              on_error: Callable[[BaseException], None] | None = None,
              on_cancelled: Callable[[], None] | None = None) -> Job:
        if self.job is not None:
            raise RuntimeError("a job is already running")
        self._cancelling = False
        self.setVisible(True)
        self.label.setStyleSheet("")
        self.label.setText(text)
        self.bar.setVisible(True)
        self.bar.setRange(0, 0)  # busy until the first progress report
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        # No parent: the Job keeps itself alive until its thread ends, even if the page goes first.
        # Its signals go to bound methods (never closures over widgets, which PySide 6.12 can
        # leave in reference cycles that crash when collected).
        running = Job(job)
        self.job = running
        self._handlers = (on_done, on_error, on_cancelled)
        running.progressed.connect(self._progress)
        running.done.connect(self._done)
        running.error.connect(self._error)
        running.was_cancelled.connect(self._cancelled)
        running.start()
        return running

    def _take_handlers(self) -> tuple:
        handlers, self._handlers = self._handlers, (None, None, None)
        self._finish()
        return handlers

    def _done(self, result) -> None:
        on_done, _, _ = self._take_handlers()
        on_done(result)

    def _error(self, exc: BaseException) -> None:
        _, on_error, _ = self._take_handlers()
        if on_error is not None:
            on_error(exc)
        else:
            self.show_message(error_text(exc), error=True)

    def _cancelled(self) -> None:
        _, _, on_cancelled = self._take_handlers()
        if on_cancelled is not None:
            on_cancelled()
        else:
            self.show_message("已取消。", error=False)

    def _progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        if text and not self._cancelling:
            self.label.setText(text)

    def _finish(self) -> None:
        self.job = None
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.cancel_button.setVisible(False)
        self.finished.emit()

    def cancel(self) -> None:
        if self.job is not None:
            self._cancelling = True
            self.cancel_button.setEnabled(False)
            self.label.setText("正在取消…")
            self.job.cancel()

    def wait(self, msecs: int = 30000) -> bool:
        return self.job.wait(msecs) if self.job is not None else True

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.setVisible(True)
        self.bar.setVisible(False)
        self.cancel_button.setVisible(False)
        self.label.setStyleSheet(ERROR_STYLE if error else "")
        self.label.setText(text)

    def clear(self) -> None:
        if self.job is None:
            self.setVisible(False)
            self.label.clear()


class WizardPage(QWizardPage):
    """A page with a title, a subtitle and a :class:`JobPanel` at the bottom for its long work."""

    def __init__(self, title: str, subtitle: str = "", parent=None):
        super().__init__(parent)
        self.setTitle(title)
        if subtitle:
            self.setSubTitle(subtitle)
        self.body = QVBoxLayout(self)
        self.jobs = JobPanel()
        self.jobs.finished.connect(self.completeChanged)
        self._job_panel_added = False
        self._validated_handler = None

    def add_job_panel(self) -> JobPanel:
        """Put the job panel at the current end of the page (call after adding the content)."""
        if not self._job_panel_added:
            self.body.addWidget(self.jobs)
            self._job_panel_added = True
        return self.jobs

    def run_job(self, text: str, job: Callable[..., Any], **handlers) -> Job:
        self.add_job_panel()
        running = self.jobs.start(text, job, **handlers)
        self.completeChanged.emit()
        return running

    @property
    def busy(self) -> bool:
        return self.jobs.running

    def isComplete(self) -> bool:
        return not self.busy and super().isComplete()

    def validate_with_job(self, text: str, job: Callable[..., Any], on_done: Callable[[Any], bool]) -> None:
        """Run ``job`` before leaving the page; ``on_done(result)`` returns True to move on.

        Use from ``validatePage``: start it, return False, and the page advances by itself.
        """
        self._validated_handler = on_done
        self.run_job(text, job, on_done=self._validated)

    def _validated(self, result) -> None:
        handler, self._validated_handler = self._validated_handler, None
        if handler(result):
            self._advancing = True
            try:
                self.wizard().next()
            finally:
                self._advancing = False

    _advancing = False


class ProgressPage(WizardPage):
    """A page whose whole purpose is one job (writing an import…): it moves on when it is done."""

    def __init__(self, title: str, subtitle: str = "", parent=None):
        super().__init__(title, subtitle, parent)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(MUTED_STYLE)
        self.body.addWidget(self.note)
        self.body.addStretch(1)
        self.add_job_panel()
        self.body.addStretch(2)
        self.succeeded = False
        self.result: Any = None
        self._on_done = None
        self._advance = True
        self._cancelled_text = "已取消。"

    def start(self, text: str, job: Callable[..., Any], *, on_done: Callable[[Any], None] | None = None,
              advance: bool = True, cancelled_text: str = "已取消。") -> Job:
        self.succeeded = False
        self.result = None
        self._on_done, self._advance, self._cancelled_text = on_done, advance, cancelled_text
        return self.run_job(text, job, on_done=self._job_done, on_error=self._job_failed,
                            on_cancelled=self._job_cancelled)

    def _job_done(self, result) -> None:
        self.succeeded = True
        self.result = result
        if self._on_done is not None:
            self._on_done(result)
        self.completeChanged.emit()
        if self._advance:
            QTimer.singleShot(0, self.wizard().next)

    def _job_failed(self, exc: BaseException) -> None:
        self.jobs.show_message(error_text(exc), error=True)
        self.wizard().job_failed()

    def _job_cancelled(self) -> None:
        self.jobs.show_message(self._cancelled_text, error=False)
        self.wizard().job_failed()

    def isComplete(self) -> bool:
        return self.succeeded and not self.busy


class SummaryPage(WizardPage):
    """The last page: a few lines saying what was done."""

    def __init__(self, title: str = "完成", subtitle: str = "", parent=None):
        super().__init__(title, subtitle, parent)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.RichText)
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 12pt;")
        self.body.addWidget(self.summary)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(MUTED_STYLE)
        self.body.addWidget(self.note)
        self.body.addStretch(1)
        self.setFinalPage(True)

    def set_summary(self, lines: list[str], note: str = "") -> None:
        items = "".join(f"<li style='margin-bottom:6px'>{line}</li>" for line in lines)
        self.summary.setText(f"<ul>{items}</ul>")
        self.note.setText(note)

    def summary_text(self) -> str:
        return self.summary.text()


class BaseWizard(QWizard):
    """A QWizard with the app's look: Chinese buttons, a banner with title and subtitle,
    and safe closing while a page's job is running."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWizardStyle(QWizard.ModernStyle)
        self.setOption(QWizard.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.HaveHelpButton, False)
        self.setOption(QWizard.NoCancelButtonOnLastPage, True)
        for button, text in ((QWizard.BackButton, "< 上一步"), (QWizard.NextButton, "下一步 >"),
                             (QWizard.CommitButton, "开始"), (QWizard.FinishButton, "完成"),
                             (QWizard.CancelButton, "取消")):
            self.setButtonText(button, text)
        self.setMinimumSize(QSize(760, 560))
        self.resize(940, 680)
        self._closing = False

    def add_page(self, page: QWizardPage) -> int:
        return self.addPage(page)

    def running_pages(self) -> list[WizardPage]:
        return [self.page(i) for i in self.pageIds() if isinstance(self.page(i), WizardPage) and self.page(i).busy]

    def job_failed(self) -> None:
        """A page's job failed or was cancelled: 取消 now just closes the wizard."""
        self.setButtonText(QWizard.CancelButton, "关闭")

    def reject(self) -> None:
        running = self.running_pages()
        if not running:
            super().reject()
            return
        if self._closing:
            return
        self._closing = True  # cancel first; close once the job has rolled back
        for page in running:
            page.jobs.finished.connect(self._close_when_idle)
            page.jobs.cancel()

    def _close_when_idle(self) -> None:
        if not self.running_pages():
            self._closing = False
            super().reject()


__all__ = ["BaseWizard", "WizardPage", "ProgressPage", "SummaryPage", "JobPanel", "error_text"]
