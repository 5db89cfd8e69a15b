"""The rich-text editor of a summary report's draft (工作总结的草稿).

:class:`ReportEditor` shows a :class:`~gonghui_desk.documents.Document` in a ``QTextEdit`` laid out like
the printed report (:mod:`gonghui_desk.ui.report_text`): headings numbered automatically (一、 （一） 1.
（1）) and renumbered whenever a heading is added, removed or a section moved (上移/下移 in the 章节 list,
or a paragraph made a heading with the 样式 box); every figure the builder wrote is marked (blue, dotted
underline): resting the mouse on it shows what it counts and how (the :class:`~gonghui_desk.reports.model.Stat`
basis), a click opens :class:`FigureRecordsDialog` with the records behind it
(:func:`gonghui_desk.reports.builder.records_for`). A figure whose characters the officer changes is no
longer marked (its number is the officer's now, not the ledger's); an untouched one keeps its mark when the
text is read back (:meth:`ReportEditor.document`) and saved as a draft
(:func:`gonghui_desk.reports.drafts.save_draft` / ``update_draft``).

:class:`ReportEditorDialog` opens a saved draft from the 工作总结 page, with 保存草稿, 导出Word…,
导出PDF… and 打印… (:mod:`gonghui_desk.ui.report_output`).
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Callable

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel, QTextCursor
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QDialog, QDialogButtonBox, QHBoxLayout,
                               QHeaderView, QLabel, QListWidget, QListWidgetItem, QMessageBox, QPushButton,
                               QSplitter, QTableView, QTabWidget, QTextEdit, QToolTip, QVBoxLayout, QWidget)

from gonghui_desk.documents import Document, Heading
from gonghui_desk.errors import UserError
from gonghui_desk.ui.dialogs import DONE_BANNER_STYLE, Banner, UnsavedChangesMixin, dialog_title
from gonghui_desk.ui.document_editor import FigureModel
from gonghui_desk.ui.report_text import (FIGURE_SCHEME, MARK_ID, NUMBER, SCREEN, block_role, drop_changed_marks,
                                         fill_text_document, heading_level, mark_runs, number_length, read_text_document,
                                         renumber,
                                         set_block_role)
from gonghui_desk.ui.workers import Job, show_error

__all__ = ["FigureRecordsDialog", "ReportEditor", "ReportEditorDialog", "ReportTextEdit", "figure_value_text",
           "open_draft", "STYLE_CHOICES"]

MUTED = "color: #6b6b6b;"
# the 样式 box: (text, role, level)
STYLE_CHOICES = (("正文", "paragraph", 0), ("一级标题 一、", "heading", 1), ("二级标题 （一）", "heading", 2),
                 ("三级标题 1.", "heading", 3), ("四级标题 （1）", "heading", 4))
RECORDS_LIMIT = 500
HINT = ("蓝色带虚线的数字由台账统计：鼠标停在上面可看计算方法，单击可看背后的记录；改动过的数字不再标记。"
        "标题编号自动生成，调整章节顺序请用左侧的“上移”“下移”。")


def figure_value_text(stat, options=None) -> str:
    """A figure's value as the report writes it ("23人次", "1.15万元", a rate "73.9%")."""
    from gonghui_desk.reports.model import ReportOptions
    from gonghui_desk.reports.text import stat_text

    return stat_text(stat, options or ReportOptions())


class ReportTextEdit(QTextEdit):
    """The text: plain pasting, Enter after a heading starts a paragraph, figures under the mouse.

    ``figure_clicked(key)`` is emitted when a marked figure is clicked (not dragged, nothing selected);
    ``tip_provider(key)`` gives the tooltip of a figure."""

    figure_clicked = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.styles = SCREEN
        self.tip_provider: Callable[[str], str] | None = None
        self._press_pos: QPoint | None = None
        self.setAcceptRichText(False)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.cursorPositionChanged.connect(self._typing_format)

    # --- figures under the mouse -----------------------------------------------------------------------
    def figure_at(self, pos: QPoint) -> str | None:
        """The stat key of the figure at ``pos`` (viewport coordinates), if any."""
        href = self.anchorAt(pos)
        return href[len(FIGURE_SCHEME):] if href.startswith(FIGURE_SCHEME) else None

    def tooltip_at(self, pos: QPoint) -> str:
        key = self.figure_at(pos)
        return self.tip_provider(key) if key and self.tip_provider is not None else ""

    def viewportEvent(self, e) -> bool:
        if e.type() == QEvent.ToolTip:
            text = self.tooltip_at(e.pos())
            if text:
                QToolTip.showText(e.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().viewportEvent(e)

    def mousePressEvent(self, e) -> None:
        self._press_pos = e.position().toPoint() if e.button() == Qt.LeftButton else None
        super().mousePressEvent(e)

    def mouseMoveEvent(self, e) -> None:
        super().mouseMoveEvent(e)
        if not e.buttons():
            over = self.figure_at(e.position().toPoint()) is not None
            self.viewport().setCursor(Qt.PointingHandCursor if over else Qt.IBeamCursor)

    def mouseReleaseEvent(self, e) -> None:
        super().mouseReleaseEvent(e)
        pos = e.position().toPoint()
        if (e.button() == Qt.LeftButton and self._press_pos is not None
                and (pos - self._press_pos).manhattanLength() < QApplication.startDragDistance()
                and not self.textCursor().hasSelection()):
            key = self.figure_at(pos)
            if key:
                self.figure_clicked.emit(key)
        self._press_pos = None

    # --- typing -----------------------------------------------------------------------------------------
    def insertFromMimeData(self, source) -> None:
        """Pasting brings the text only (no fonts or colours from Word or web pages)."""
        if source.hasText():
            self.textCursor().insertText(source.text().replace("\r\n", "\n").replace("\r", "\n"))
            self.ensureCursorVisible()

    def keyPressEvent(self, e) -> None:
        if e.key() in (Qt.Key_Return, Qt.Key_Enter) and self._new_block(e):
            e.accept()
            return
        super().keyPressEvent(e)

    def _new_block(self, e) -> bool:
        """Enter at the end of a heading (title, subtitle…) starts a body paragraph; Enter at the start of a
        heading puts an empty paragraph before it; Shift+Enter is Enter (a paragraph has no line breaks)."""
        cursor = self.textCursor()
        if cursor.currentTable() is not None:
            return False
        block = cursor.block()
        role = block_role(block)
        paragraph_block, paragraph_char = self.styles.block("paragraph"), self.styles.char("paragraph")
        if not cursor.hasSelection() and role in ("title", "subtitle", "salutation", "heading", "opaque"):
            own_start = number_length(block)
            if cursor.atBlockEnd():
                cursor.insertBlock(paragraph_block, paragraph_char)
                self.setTextCursor(cursor)
                return True
            if cursor.positionInBlock() <= own_start and block.text():
                cursor.beginEditBlock()
                cursor.setPosition(block.position())
                cursor.insertBlock()
                before = QTextCursor(block.document().findBlockByNumber(cursor.block().blockNumber() - 1))
                before.setBlockFormat(paragraph_block)
                before.setBlockCharFormat(paragraph_char)
                cursor.endEditBlock()
                self.setTextCursor(before)
                self.setCurrentCharFormat(paragraph_char)
                return True
        if e.modifiers() & Qt.ShiftModifier:
            cursor.insertBlock()
            self.setTextCursor(cursor)
            return True
        return False

    def _typing_format(self) -> None:
        """What is typed next is plain text: never part of a heading's number, and a figure grows only
        when typing inside it (which changes it, and it loses its mark)."""
        cursor = self.textCursor()
        if cursor.hasSelection():
            return
        fmt = cursor.charFormat()
        plain = bool(fmt.property(NUMBER))
        serial = fmt.property(MARK_ID)
        if serial is not None and not plain:
            if cursor.atBlockStart() or cursor.atBlockEnd():
                plain = True
            else:
                after = QTextCursor(cursor)
                after.movePosition(QTextCursor.NextCharacter)
                plain = after.charFormat().property(MARK_ID) != serial
        if plain:
            block = cursor.block()
            role = "table" if cursor.currentTable() is not None else block_role(block)
            self.setCurrentCharFormat(self.styles.char(role, heading_level(block)))


class FigureRecordsDialog(QDialog):
    """A figure, how it was counted, and the records behind it (at most :data:`RECORDS_LIMIT` listed)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("数字来源")
        self.setAttribute(Qt.WA_ShowWithoutActivating)
        layout = QVBoxLayout(self)
        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.RichText)
        self.title_label.setStyleSheet("font-size: 12pt;")
        layout.addWidget(self.title_label)
        self.basis_label = QLabel()
        self.basis_label.setWordWrap(True)
        self.basis_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.basis_label)
        self.model = QStandardItemModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.note_label = QLabel()
        self.note_label.setStyleSheet(MUTED)
        self.note_label.setWordWrap(True)
        layout.addWidget(self.note_label)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.key = ""
        self.resize(720, 440)

    def show_figure(self, key: str, label: str, value: str, basis: str, header=(), rows=(), total: int = 0) -> None:
        self.key = key
        self.title_label.setText(f"<b>{escape(label)}</b>：{escape(value)}")
        self.basis_label.setText(f"计算方法：{basis}" if basis else "")
        self.basis_label.setVisible(bool(basis))
        self.model.clear()
        self.model.setHorizontalHeaderLabels([str(h) for h in header])
        for row in rows:
            self.model.appendRow([QStandardItem("" if v is None else str(v)) for v in row])
        self.table.setVisible(bool(header))
        self.table.resizeColumnsToContents()
        if header:
            shown = len(rows)
            more = f"，只列出前 {shown} 条" if total > shown else ""
            self.note_label.setText(f"共 {total} 条记录{more}。")
        else:
            self.note_label.setText("这个数字不是逐条记录相加得到的（如比率、金额合计的换算），没有记录清单。")

    def show_message(self, key: str, text: str) -> None:
        self.key = key
        self.title_label.setText(escape(text))
        self.basis_label.hide()
        self.model.clear()
        self.table.hide()
        self.note_label.clear()

    def records(self) -> list[list[str]]:
        return [[self.model.item(r, c).text() for c in range(self.model.columnCount())]
                for r in range(self.model.rowCount())]


class ReportEditor(QWidget):
    """The draft's text with its 章节 list and 数字来源 (see the module text).

    ``load(document, request=…, stats=…, draft_id=…)`` shows a document; :meth:`document` reads it back;
    :meth:`save_draft` saves it. ``changed`` is emitted after each edit, ``saved(draft_id)`` after a save.
    """

    changed = Signal()
    saved = Signal(int)

    def __init__(self, context, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        self.today = today or dt.date.today()
        self.request = None  # the ReportRequest the draft was written for
        self.draft_id: int | None = None
        self.stats: dict | None = None  # stat key -> Stat (None: not read yet)
        self.figures: list = []
        self.opaque: list = []
        self.notes: list[str] = []
        self.records_dialog: FigureRecordsDialog | None = None
        self._clean: Document | None = None
        self._loading = False
        self._syncing = False
        self._build()

    # --- building ---------------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        tools = QHBoxLayout()
        tools.setSpacing(6)
        tools.addWidget(QLabel("样式"))
        self.style_combo = QComboBox()
        for text, role, level in STYLE_CHOICES:
            self.style_combo.addItem(text, (role, level))
        self.style_combo.setToolTip("把光标所在的段落设为正文或某一级标题；标题编号自动生成")
        self.style_combo.activated.connect(self._style_chosen)
        tools.addWidget(self.style_combo)
        self.undo_button = QPushButton("撤销")
        self.redo_button = QPushButton("重做")
        tools.addWidget(self.undo_button)
        tools.addWidget(self.redo_button)
        tools.addStretch(1)
        self.status_label = QLabel()
        self.status_label.setStyleSheet(MUTED)
        tools.addWidget(self.status_label)
        self.save_button = QPushButton("保存草稿")
        self.save_button.setToolTip("把草稿保存到数据库，以后可以在“工作总结”页打开继续修改")
        self.save_button.clicked.connect(self._save_clicked)
        tools.addWidget(self.save_button)
        layout.addLayout(tools)
        self.banner = Banner(self, style=DONE_BANNER_STYLE)
        layout.addWidget(self.banner)

        self.splitter = QSplitter(Qt.Horizontal)
        side = QTabWidget()
        outline_page = QWidget()
        outline_layout = QVBoxLayout(outline_page)
        outline_layout.setContentsMargins(4, 4, 4, 4)
        self.outline = QListWidget()
        self.outline.setWordWrap(False)
        self.outline.setTextElideMode(Qt.ElideRight)
        self.outline.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.outline.itemClicked.connect(self._outline_clicked)
        outline_layout.addWidget(self.outline, 1)
        moves = QHBoxLayout()
        self.up_button = QPushButton("上移")
        self.up_button.setToolTip("把光标所在的章节（连同其下的小节）移到前一节之前，编号自动调整")
        self.up_button.clicked.connect(self.move_up)
        self.down_button = QPushButton("下移")
        self.down_button.setToolTip("把光标所在的章节（连同其下的小节）移到后一节之后，编号自动调整")
        self.down_button.clicked.connect(self.move_down)
        moves.addWidget(self.up_button)
        moves.addWidget(self.down_button)
        outline_layout.addLayout(moves)
        side.addTab(outline_page, "章节")
        self.figure_model = FigureModel(self)
        self.figure_view = QTableView()
        self.figure_view.setModel(self.figure_model)
        self.figure_view.verticalHeader().hide()
        self.figure_view.setWordWrap(True)
        self.figure_view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        header = self.figure_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setStretchLastSection(True)
        side.addTab(self.figure_view, "数字来源")
        self.side_tabs = side
        self.splitter.addWidget(side)

        self.text_edit = ReportTextEdit()
        self.text_edit.setObjectName("reportText")
        self.text_edit.setPlaceholderText("草稿生成后显示在这里。")
        self.text_edit.tip_provider = self.figure_tip
        self.text_edit.figure_clicked.connect(self.show_records)
        self.text_edit.document().setDocumentMargin(24)
        self.splitter.addWidget(self.text_edit)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([220, 760])
        layout.addWidget(self.splitter, 1)
        hint = QLabel(HINT)
        hint.setWordWrap(True)
        hint.setStyleSheet(MUTED)
        self.hint_label = hint
        layout.addWidget(hint)

        qdoc = self.text_edit.document()
        self.undo_button.clicked.connect(self.text_edit.undo)
        self.redo_button.clicked.connect(self.text_edit.redo)
        qdoc.undoAvailable.connect(self.undo_button.setEnabled)
        qdoc.redoAvailable.connect(self.redo_button.setEnabled)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self.sync_timer = QTimer(self)
        self.sync_timer.setSingleShot(True)
        self.sync_timer.setInterval(0)
        self.sync_timer.timeout.connect(self.sync)
        qdoc.contentsChanged.connect(self._contents_changed)
        self.text_edit.cursorPositionChanged.connect(self._cursor_moved)
        self._set_enabled(False)

    def _set_enabled(self, ready: bool) -> None:
        for widget in (self.style_combo, self.up_button, self.down_button, self.save_button):
            widget.setEnabled(ready)
        self.text_edit.setReadOnly(not ready)

    # --- loading and reading --------------------------------------------------------------------------------
    def load(self, document: Document, *, request=None, stats: dict | None = None, draft_id: int | None = None,
             clean: bool = True) -> None:
        """Show ``document`` (the draft as written, or a saved draft: ``draft_id``) with the stats its figure
        marks point to (by key)."""
        self.request = request
        self.draft_id = draft_id
        self._rebuilt = False
        self.figures = list(document.figures)
        self.figure_model.set_figures(self.figures)
        self._show(document)
        self._clean = self.document() if clean else None
        self.set_stats(stats or {})
        self._set_enabled(True)
        self.banner.hide()
        self._update_status()

    def _show(self, document: Document, cursor_block: int | None = None) -> dict[int, int]:
        self._loading = True
        try:
            self.opaque, starts = fill_text_document(self.text_edit.document(), document, SCREEN)
        finally:
            self._loading = False
        self.refresh_outline()
        if cursor_block is not None:
            cursor = QTextCursor(self.text_edit.document().findBlockByNumber(cursor_block))
            self.text_edit.setTextCursor(cursor)
            self.text_edit.ensureCursorVisible()
        else:
            self.text_edit.moveCursor(QTextCursor.Start)
        return starts

    def document(self) -> Document:
        """The document as the text shows it now: numbers left out, untouched figures kept."""
        result = read_text_document(self.text_edit.document(), figures=self.figures, opaque=self.opaque)
        self.notes = result.notes
        return result.document

    def _read(self):
        return read_text_document(self.text_edit.document(), figures=self.figures, opaque=self.opaque)

    def is_dirty(self) -> bool:
        return self._clean is None or self.document() != self._clean

    def heading_texts(self) -> list[str]:
        """The headings as shown, with their numbers ("一、加强民主管理")."""
        texts = []
        block = self.text_edit.document().begin()
        while block.isValid():
            if heading_level(block) and block.text().strip():
                texts.append(block.text())
            block = block.next()
        return texts

    # --- after each edit ----------------------------------------------------------------------------------
    def _contents_changed(self) -> None:
        if not self._loading and not self._syncing:
            self.sync_timer.start()

    def sync(self) -> None:
        """Renumber the headings, unmark the figures the officer changed, refresh the 章节 list (runs
        right after each edit; merged into the edit's undo step)."""
        self.sync_timer.stop()
        if self._syncing or self._loading:
            return
        self._syncing = True
        try:
            qdoc = self.text_edit.document()
            renumber(qdoc, SCREEN, join=True)
            drop_changed_marks(qdoc, SCREEN, join=True)
        finally:
            self._syncing = False
        self.refresh_outline()
        self._update_status()
        self.changed.emit()

    def refresh_outline(self) -> None:
        self.outline.blockSignals(True)
        self.outline.clear()
        block = self.text_edit.document().begin()
        while block.isValid():
            level = heading_level(block)
            if level and block.text().strip() and QTextCursor(block).currentTable() is None:
                item = QListWidgetItem("　" * (level - 1) + block.text())
                item.setData(Qt.UserRole, block.blockNumber())
                item.setToolTip(block.text())
                self.outline.addItem(item)
            block = block.next()
        self.outline.blockSignals(False)
        self._cursor_moved()

    def _cursor_moved(self) -> None:
        cursor = self.text_edit.textCursor()
        block = cursor.block()
        level = heading_level(block)
        role = block_role(block)
        for i, (_, choice_role, choice_level) in enumerate(STYLE_CHOICES):
            if (choice_role, choice_level) == (role if role == "heading" else "paragraph", level):
                self.style_combo.setCurrentIndex(i)
        number = block.blockNumber()
        current = -1
        for row in range(self.outline.count()):
            if self.outline.item(row).data(Qt.UserRole) <= number:
                current = row
        self.outline.blockSignals(True)
        self.outline.setCurrentRow(current)
        self.outline.blockSignals(False)

    def _outline_clicked(self, item: QListWidgetItem) -> None:
        block = self.text_edit.document().findBlockByNumber(item.data(Qt.UserRole))
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.EndOfBlock)
        self.text_edit.setTextCursor(cursor)
        self.text_edit.ensureCursorVisible()
        self.text_edit.setFocus()

    def _style_chosen(self, index: int) -> None:
        role, level = self.style_combo.itemData(index)
        self.set_block_style(role, level)

    def set_block_style(self, role: str, level: int = 0) -> None:
        """Make the paragraph(s) at the cursor body text or a heading of ``level``; numbers follow."""
        cursor = self.text_edit.textCursor()
        if cursor.currentTable() is not None or block_role(cursor.block()) not in ("paragraph", "heading"):
            return
        self._syncing = True
        try:
            set_block_role(cursor, role, level, SCREEN)
        finally:
            self._syncing = False
        self.sync()
        self.text_edit.setFocus()

    # --- moving sections ---------------------------------------------------------------------------------------
    def move_up(self) -> bool:
        return self.move_section(-1)

    def move_down(self) -> bool:
        return self.move_section(1)

    def move_section(self, delta: int) -> bool:
        """Move the section at the cursor (its heading, text and subsections) before the previous section
        of the same level (``delta`` -1) or after the next one (+1). Returns True when it moved."""
        result = self._read()
        doc, origins = result.document, result.origins
        blocks = doc.blocks
        at = self.text_edit.textCursor().blockNumber()
        index = None
        for i, block in enumerate(blocks):
            if origins[i] > at:
                break
            if isinstance(block, Heading):
                index = i
        if index is None:
            return False
        level = blocks[index].level

        def end_of(start: int) -> int:
            j = start + 1
            while j < len(blocks) and not (isinstance(blocks[j], Heading) and blocks[j].level <= level):
                j += 1
            return j

        end = end_of(index)
        if delta < 0:
            previous = None
            for j in range(index - 1, -1, -1):
                if isinstance(blocks[j], Heading) and blocks[j].level <= level:
                    previous = j if blocks[j].level == level else None
                    break
            if previous is None:
                return False
            new = blocks[:previous] + blocks[index:end] + blocks[previous:index] + blocks[end:]
            moved_to = previous
        else:
            if end >= len(blocks) or not (isinstance(blocks[end], Heading) and blocks[end].level == level):
                return False
            following_end = end_of(end)
            new = blocks[:index] + blocks[end:following_end] + blocks[index:end] + blocks[following_end:]
            moved_to = index + (following_end - end)
        doc.blocks = new
        starts = self._show(doc)
        cursor = QTextCursor(self.text_edit.document().findBlockByNumber(starts[moved_to]))
        cursor.movePosition(QTextCursor.EndOfBlock)
        self.text_edit.setTextCursor(cursor)
        self.text_edit.ensureCursorVisible()
        self._cursor_moved()
        self._update_status()
        self.changed.emit()
        return True

    # --- figures ---------------------------------------------------------------------------------------------
    def set_stats(self, stats: dict) -> None:
        self.stats = dict(stats or {})
        if self.records_dialog is not None and self.records_dialog.isVisible() and self.records_dialog.key:
            self.show_records(self.records_dialog.key)

    def _value_text(self, stat) -> str:
        return figure_value_text(stat, self.request.options if self.request is not None else None)

    def figure_tip(self, key: str) -> str:
        """The tooltip of a figure: what it counts, its value, how it was counted."""
        if self.stats is None:
            return "<qt>正在读取这个数字的来源…</qt>"
        stat = self.stats.get(key)
        if stat is None:
            return "<qt>没有找到这个数字的来源（台账可能已有变化）。</qt>"
        lines = [f"<b>{escape(stat.label)}</b>：{escape(self._value_text(stat))}"]
        if stat.basis:
            lines.append(f"计算方法：{escape(stat.basis)}")
        if stat.table and stat.ids:
            lines.append(f"<span style='color:#6b6b6b'>单击查看背后的 {len(stat.ids)} 条记录</span>")
        return "<qt>" + "<br>".join(lines) + "</qt>"

    def show_records(self, key: str) -> FigureRecordsDialog:
        """The records behind a figure, in a small dialog kept as ``records_dialog`` (reused)."""
        if self.records_dialog is None:
            self.records_dialog = FigureRecordsDialog(self.window())
        dialog = self.records_dialog
        stat = (self.stats or {}).get(key)
        if self.stats is None:
            dialog.show_message(key, "正在读取这个数字的来源，请稍后再点一次。")
        elif stat is None:
            dialog.show_message(key, "没有找到这个数字的来源（台账可能已有变化）。")
        else:
            header, rows = (), []
            if stat.table and stat.ids:
                try:
                    from gonghui_desk.reports.builder import records_for

                    header, rows = records_for(self.context.db, stat.table, stat.ids, limit=RECORDS_LIMIT)
                except UserError as exc:
                    dialog.show_message(key, str(exc))
                    dialog.show()
                    return dialog
            dialog.show_figure(key, stat.label, self._value_text(stat), stat.basis, header, list(rows),
                               len(stat.ids))
        dialog.show()
        dialog.raise_()
        return dialog

    def mark_keys(self) -> list[str]:
        """The keys of the marked figures, in the order of the text."""
        keys = []
        block = self.text_edit.document().begin()
        while block.isValid():
            keys.extend(run.key for run in mark_runs(block))
            block = block.next()
        return keys

    def mark_position(self, key: str, occurrence: int = 0) -> tuple[int, int] | None:
        """(start, end) of a marked figure in the text (document positions)."""
        found = 0
        block = self.text_edit.document().begin()
        while block.isValid():
            for run in mark_runs(block):
                if run.key == key:
                    if found == occurrence:
                        return run.start, run.end
                    found += 1
            block = block.next()
        return None

    def mark_point(self, key: str, occurrence: int = 0) -> QPoint | None:
        """A point inside a marked figure, in the text's viewport coordinates (for tests)."""
        span = self.mark_position(key, occurrence)
        if span is None:
            return None
        cursor = QTextCursor(self.text_edit.document())
        cursor.setPosition(span[0])
        self.text_edit.setTextCursor(cursor)
        self.text_edit.ensureCursorVisible()
        start = self.text_edit.cursorRect(cursor)
        cursor.setPosition(span[0] + 1)
        after = self.text_edit.cursorRect(cursor)
        return QPoint((start.left() + after.left()) // 2 if after.top() == start.top() else start.left() + 3,
                      start.center().y())

    # --- saving -------------------------------------------------------------------------------------------
    def _save_clicked(self) -> None:
        try:
            self.save_draft()
        except UserError as exc:
            show_error(self, "保存草稿", exc)

    def save_draft(self) -> int:
        """Save the text as a draft (a new one, or over ``draft_id``); returns its id."""
        from gonghui_desk.reports.drafts import save_draft, update_draft

        if self.request is None:
            raise UserError("这份草稿缺少生成时的选择，无法保存。")
        self.sync()
        document = self.document()
        if self.draft_id is None:
            self.draft_id = save_draft(self.context.db, self.request, document, title=document.title,
                                       stats=self.stats)
        elif self._rebuilt:  # written again for another choice: the draft's request and stats change too
            update_draft(self.context.db, self.draft_id, document, title=document.title, request=self.request,
                         stats=self.stats)
        else:
            update_draft(self.context.db, self.draft_id, document, title=document.title)
        self._rebuilt = False
        self._clean = document
        self._saved_at = dt.datetime.now()
        self._update_status()
        self.saved.emit(self.draft_id)
        return self.draft_id

    _saved_at: dt.datetime | None = None
    _rebuilt = False

    def rebuilt(self, document: Document, request, stats: dict) -> None:
        """The draft written again (another choice of sections or options): saving replaces the draft's
        text, request and stats."""
        draft_id = self.draft_id
        self.load(document, request=request, stats=stats, draft_id=draft_id, clean=draft_id is None)
        self._rebuilt = draft_id is not None

    def _update_status(self) -> None:
        if self._clean is None and self.draft_id is None:
            self.status_label.setText("尚未保存")
        elif self.is_dirty():
            self.status_label.setText("有未保存的修改")
        elif self._saved_at is not None:
            self.status_label.setText(f"已保存（{self._saved_at:%H:%M}）")
        else:
            self.status_label.setText("已保存" if self.draft_id is not None else "")

    def close_records(self) -> None:
        if self.records_dialog is not None:
            self.records_dialog.close()


class ReportEditorDialog(UnsavedChangesMixin, QDialog):
    """A saved draft in the editor, with 导出Word… 导出PDF… 打印… (from the 工作总结 page)."""

    is_voided = False

    def __init__(self, context, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        from gonghui_desk.ui.report_output import ReportOutputs

        self.context = context
        self.setWindowTitle("工作总结草稿")
        self.resize(1200, 820)
        layout = QVBoxLayout(self)
        self.title_label = dialog_title("工作总结草稿")
        layout.addWidget(self.title_label)
        self.editor = ReportEditor(context, self, today=today)
        layout.addWidget(self.editor, 1)
        self.outputs = ReportOutputs(self, context, self.editor.document)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.word_button = QPushButton("导出Word…")
        self.word_button.clicked.connect(self.outputs.ask_word)
        self.pdf_button = QPushButton("导出PDF…")
        self.pdf_button.clicked.connect(self.outputs.ask_pdf)
        self.print_button = QPushButton("打印…")
        self.print_button.clicked.connect(self.outputs.print_preview)
        self.close_button = QPushButton("关闭")
        self.close_button.clicked.connect(self.reject)
        for button in (self.word_button, self.pdf_button, self.print_button, self.close_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.editor.saved.connect(self._saved)

    def open_draft(self, draft_id: int) -> None:
        from gonghui_desk.reports.drafts import draft_stats, load_draft

        request, document = load_draft(self.context.db, draft_id)
        self.editor.load(document, request=request, stats=draft_stats(self.context.db, draft_id), draft_id=draft_id)
        self.title_label.setText(document.title or "工作总结草稿")
        self.setWindowTitle(f"工作总结草稿 — {document.title}" if document.title else "工作总结草稿")

    def _saved(self, draft_id: int) -> None:
        self.context.status_message.emit(f"已保存草稿：{self.editor.document().title}")

    def is_dirty(self) -> bool:
        return self.editor.is_dirty()

    def done(self, result: int) -> None:
        for job in self.outputs.jobs():
            if job is not None and job in Job._running:
                job.cancel()
                job.wait(10000)
        self.editor.close_records()
        super().done(result)


def open_draft(parent: QWidget | None, context, draft_id: int, *, today: dt.date | None = None
               ) -> ReportEditorDialog | None:
    """Open a saved draft in :class:`ReportEditorDialog` (non-blocking; deleted when closed)."""
    dialog = ReportEditorDialog(context, parent, today=today)
    try:
        dialog.open_draft(draft_id)
    except UserError as exc:
        dialog.deleteLater()
        box = QMessageBox(QMessageBox.Warning, "打开草稿", str(exc), QMessageBox.Ok, parent)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        open_draft.error_box = box
        return None
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.show()
    return dialog
