"""A draft document written from the records, edited by the officer, then exported to Word.

:class:`DocumentEditorDialog` runs ``build(db)`` on a worker (with its own database connection) and shows
the document as plain text (:mod:`gonghui_desk.documents.plain_text`): one line per paragraph, "# " to
"#### " for headings of levels 1–4, lines starting with "|" for a table, and the title, subtitles,
salutation, signer and date as "标题：…" lines at the top. Heading numbers are never typed — the
preview beside the editor (refreshed as the officer types) shows them as Word will, and a number typed
anyway is taken off with a note under the editor. The 数字来源 tab lists every figure of the draft as built
and how it was computed. 导出Word… writes the edited text as a .docx (:func:`~gonghui_desk.documents.write_docx`)
on a worker; 重新生成 writes the draft again from the records (asking first when there are edits). Closing
with edits that were not exported asks first.

:func:`open_proposal_report` opens it for a session's 提案办理情况报告.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QPlainTextEdit, QPushButton,
                               QSplitter, QTableView, QTabWidget, QTextBrowser, QVBoxLayout, QWidget)

from gonghui_desk.documents import SYNTAX_HELP, Document, Figure, parse_plain_text, to_html, to_plain_text, write_docx
from gonghui_desk.errors import Cancelled, UserError
from gonghui_desk.ui.dialogs import DONE_BANNER_STYLE, Banner, UnsavedChangesMixin, dialog_title
from gonghui_desk.ui.exports import ask_save_path, run_export
from gonghui_desk.ui.workers import Job, run_job, show_error, with_worker_db

__all__ = ["DocumentEditorDialog", "FigureModel", "open_proposal_report"]

NOTE_COLOUR = "#9a6a00"
HEADING_COLOURS = {1: "#8a1f11", 2: "#1e5e24", 3: "#1f4e8a", 4: "#555555"}


class FigureModel(QAbstractTableModel):
    """The figures of a draft: 项目, 数字, 计算方法."""

    HEADERS = ("项目", "数字", "计算方法")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.figures: list[Figure] = []

    def set_figures(self, figures: list[Figure]) -> None:
        self.beginResetModel()
        self.figures = list(figures)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.figures)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole) -> Any:
        if not index.isValid():
            return None
        figure = self.figures[index.row()]
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            return (figure.label, figure.value, figure.basis)[index.column()]
        if role == Qt.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole) -> Any:
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.HEADERS[section]
        return None


class OutlineHighlighter(QSyntaxHighlighter):
    """Headings bold and coloured by level, table lines and the title lines in their own colours."""

    def __init__(self, document):
        super().__init__(document)
        self.heading = {}
        for level, colour in HEADING_COLOURS.items():
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(colour))
            fmt.setFontWeight(QFont.Bold)
            self.heading[level] = fmt
        self.table = QTextCharFormat()
        self.table.setForeground(QColor("#1f4e8a"))
        self.header = QTextCharFormat()
        self.header.setForeground(QColor("#6b6b6b"))

    def highlightBlock(self, text: str) -> None:
        stripped = text.lstrip()
        if stripped.startswith("#"):
            level = min(len(stripped) - len(stripped.lstrip("#")), 4)
            self.setFormat(0, len(text), self.heading[level])
        elif stripped.startswith("|"):
            self.setFormat(0, len(text), self.table)
        elif stripped.startswith(("标题：", "副标题：", "称呼：", "落款：", "日期：")):
            self.setFormat(0, len(text), self.header)


def _build(build: Callable[[Any], Document], db, progress, is_cancelled) -> Document:
    progress(0, 0, "正在根据台账生成草稿…")
    document = build(db)
    if is_cancelled():
        raise Cancelled()
    return document


def _export(doc: Document, path: Path, db, progress, is_cancelled) -> Path:
    progress(0, 0, "正在写入Word文档…")
    return write_docx(doc, path)


def _exported_text(path: Path) -> str:
    return "已导出Word文档"


class DocumentEditorDialog(UnsavedChangesMixin, QDialog):
    """Build a document on a worker, edit it as text, export it to .docx (see the module text)."""

    is_voided = False  # for UnsavedChangesMixin: a draft is never voided

    def __init__(self, context, build: Callable[[Any], Document], default_name: str, parent: QWidget | None = None,
                 *, title: str = "文档草稿"):
        super().__init__(parent)
        self.context = context
        self.build = build
        self.default_name = default_name
        self.document: Document | None = None  # the draft as built (its figures)
        self.build_job: Job | None = None
        self.export_job: Job | None = None
        self.regenerate_box: QMessageBox | None = None
        self.notes: list[str] = []
        self._clean_text = ""
        self._exporting_text = ""
        self.setWindowTitle(title)
        self.resize(1180, 760)

        layout = QVBoxLayout(self)
        layout.addWidget(dialog_title(title))
        hint = QLabel(SYNTAX_HELP)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #6b6b6b;")
        layout.addWidget(hint)
        self.banner = Banner(self, style=DONE_BANNER_STYLE)
        layout.addWidget(self.banner)

        self.splitter = QSplitter(Qt.Horizontal)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("documentText")
        editor_font = self.editor.font()
        editor_font.setPointSize(max(editor_font.pointSize(), 11))
        self.editor.setFont(editor_font)
        self.editor.setPlaceholderText("正在根据台账生成草稿…")
        self.editor.setReadOnly(True)
        self.highlighter = OutlineHighlighter(self.editor.document())
        self.splitter.addWidget(self.editor)
        self.tabs = QTabWidget()
        self.preview = QTextBrowser()
        self.preview.setObjectName("documentPreview")
        self.tabs.addTab(self.preview, "预览（标题自动编号）")
        self.figure_model = FigureModel(self)
        self.figure_view = QTableView()
        self.figure_view.setModel(self.figure_model)
        self.figure_view.verticalHeader().hide()
        self.figure_view.setWordWrap(True)
        header = self.figure_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setStretchLastSection(True)
        self.tabs.addTab(self.figure_view, "数字来源")
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        layout.addWidget(self.splitter, 1)

        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet(f"color: {NOTE_COLOUR};")
        self.notes_label.hide()
        layout.addWidget(self.notes_label)

        buttons = QHBoxLayout()
        self.regenerate_button = QPushButton("重新生成")
        self.regenerate_button.setToolTip("按台账中的最新记录重新写出草稿（已做的修改会丢失）")
        self.regenerate_button.clicked.connect(self.regenerate)
        buttons.addWidget(self.regenerate_button)
        buttons.addStretch(1)
        self.export_button = QPushButton("导出Word…")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export_docx)
        buttons.addWidget(self.export_button)
        self.close_button = QPushButton("关闭")
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(300)
        self.preview_timer.timeout.connect(self.refresh_preview)
        self.editor.textChanged.connect(self.preview_timer.start)
        context.congress_changed.connect(self._records_changed)
        self._set_busy(True)
        self.start_build()

    # --- building ---------------------------------------------------------------------------------------
    def start_build(self) -> None:
        self._set_busy(True)
        self.editor.setReadOnly(True)
        self.banner.hide()
        self.build_job = run_job(self, "正在生成草稿…", with_worker_db(self.context, partial(_build, self.build)),
                                 on_done=self._built, on_error=self._build_failed,
                                 on_cancelled=self._build_cancelled)

    def _built(self, document: Document) -> None:
        self.document = document
        self.figure_model.set_figures(document.figures)
        text = to_plain_text(document)
        self.editor.setPlainText(text)
        self._clean_text = text
        self.editor.setReadOnly(False)
        self._set_busy(False)
        self.refresh_preview()

    def _build_failed(self, exc: BaseException) -> None:
        if self.document is None:
            self.editor.setPlaceholderText("草稿没有生成。")
        self.editor.setReadOnly(self.document is None)
        self._set_busy(False, failed=self.document is None)
        show_error(self, "生成草稿", exc)

    def _build_cancelled(self) -> None:
        if self.document is None:  # nothing shown yet: say so; a regenerate cancelled keeps the text
            self.editor.setPlaceholderText("已取消生成草稿，可点“重新生成”。")
        self.editor.setReadOnly(self.document is None)
        self._set_busy(False, failed=self.document is None)

    def _set_busy(self, busy: bool, failed: bool = False) -> None:
        ready = not busy and not failed
        self.export_button.setEnabled(ready)
        self.regenerate_button.setEnabled(not busy)

    def is_ready(self) -> bool:
        """The draft is built and shown (tests wait for this)."""
        return self.document is not None and not self.editor.isReadOnly()

    def regenerate(self) -> None:
        """Write the draft again from the records; with edits, ask first (a box that does not block)."""
        if not self.is_dirty():
            self.start_build()
            return
        box = QMessageBox(QMessageBox.Question, "重新生成", "重新生成会丢掉对草稿所做的修改。要重新生成吗？",
                          QMessageBox.NoButton, self)
        box.addButton("重新生成", QMessageBox.DestructiveRole)
        box.addButton("取消", QMessageBox.RejectRole)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.buttonClicked.connect(self._regenerate_answered)
        self.regenerate_box = box
        box.open()

    def _regenerate_answered(self, button) -> None:
        if self.regenerate_box.buttonRole(button) == QMessageBox.DestructiveRole:
            self.start_build()

    def _records_changed(self) -> None:
        if self.document is not None:
            self.banner.show_text("台账中的记录有了变化。需要时可点“重新生成”按最新记录重写草稿。")

    # --- editing ------------------------------------------------------------------------------------------
    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        self.editor.setPlainText(text)
        self.refresh_preview()

    def edited_document(self) -> Document:
        """The document as edited, with the figures of the draft as built."""
        result = parse_plain_text(self.text())
        self.notes = result.notes
        if self.document is not None:
            result.document.figures = list(self.document.figures)
        return result.document

    def refresh_preview(self) -> None:
        self.preview_timer.stop()
        if self.document is None:
            return
        bar = self.preview.verticalScrollBar()
        position = bar.value()
        self.preview.setHtml(to_html(self.edited_document()))
        bar.setValue(position)
        self.notes_label.setText("\n".join(self.notes))
        self.notes_label.setVisible(bool(self.notes))

    def is_dirty(self) -> bool:
        """Edited since it was built or last exported."""
        return self.document is not None and self.text() != self._clean_text

    # --- export -------------------------------------------------------------------------------------------
    def export_docx(self) -> Job | None:
        if not self.is_ready():
            return None
        document = self.edited_document()
        if not document.title and not document.blocks:
            show_error(self, "导出Word", UserError("草稿是空的，没有可导出的内容"))
            return None
        path = ask_save_path(self, "导出Word文档", Path.home() / self.default_name)
        if path is None:
            return None
        self._exporting_text = self.text()
        self.export_job = run_export(self, self.context, "正在导出Word文档…", path, partial(_export, document, path),
                                     _exported_text)
        self.export_job.done.connect(self._exported)
        return self.export_job

    def _exported(self, path) -> None:
        self._clean_text = self._exporting_text

    # --- closing ------------------------------------------------------------------------------------------
    def done(self, result: int) -> None:
        for job in (self.build_job, self.export_job):  # never leave a worker running on a deleted dialog
            if job is not None and job in Job._running:
                job.cancel()
                job.wait(10000)
        try:
            self.context.congress_changed.disconnect(self._records_changed)
        except (RuntimeError, TypeError):
            pass
        super().done(result)


def open_proposal_report(parent: QWidget | None, context, session_id: int,
                         today=None) -> DocumentEditorDialog | None:
    """Open (without blocking) the draft 提案办理情况报告 of a session; it deletes itself when closed."""
    from gonghui_desk.congress.report import default_report_name, proposal_report
    from gonghui_desk.congress.store import CongressStore

    try:
        session = CongressStore(context.db).live_session(session_id)
    except UserError as exc:
        box = QMessageBox(QMessageBox.Warning, "提案办理情况报告", str(exc), QMessageBox.Ok, parent)
        box.setAttribute(Qt.WA_DeleteOnClose)
        open_proposal_report.error_box = box  # keeps a box without a parent alive until it is closed
        box.open()
        return None
    dialog = DocumentEditorDialog(context, partial(_proposal_report, proposal_report, session_id, today),
                                  default_report_name(session["title"]), parent,
                                  title=f"{session['title']}提案办理情况报告（草稿）")
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog


def _proposal_report(report, session_id: int, today, db) -> Document:
    return report(db, session_id, today=today)
