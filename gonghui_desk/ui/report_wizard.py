"""新建总结: the summary report wizard, from the records to a finished, printable document.

1. 类型和期间 (:class:`KindPage`): 年度工作总结, 半年工作总结, 学期工作总结, 工会工作报告 (the committee's
   term), 送温暖工作总结; the period as a year, a half-year, a semester, the term
   (:func:`~gonghui_desk.reports.periods.term_period`) or any two dates; the union's name and words
   (教职工/职工, 教代会/职代会) from the profile.
2. 章节 (:class:`SectionsPage`): every section the modules offer (:func:`~gonghui_desk.reports.builder.available_sections`,
   counted on a worker), with the figures each would state; a tick to include it, drag (or 上移/下移) to
   reorder; a section without data is shown and left unticked.
3. 写法 (:class:`OptionsPage`): the :class:`~gonghui_desk.reports.model.ReportOptions`.
4. 草稿 (:class:`DraftPage`): the report written on a worker (progress and 取消), in the rich-text
   editor (:class:`~gonghui_desk.ui.report_editor.ReportEditor`); leaving the page saves the draft.
5. 输出 (:class:`OutputPage`): Word, PDF, and print with a preview (:mod:`gonghui_desk.ui.report_output`).

``draft_saved(draft_id)`` is emitted whenever the draft is saved.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from html import escape

from PySide6.QtCore import QAbstractListModel, QByteArray, QDate, QMimeData, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QButtonGroup, QCheckBox, QComboBox, QDateEdit,
                               QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QListView, QMessageBox, QPushButton, QRadioButton, QSpinBox, QSplitter,
                               QStackedWidget, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView,
                               QVBoxLayout, QWidget, QWizard)

from gonghui_desk.errors import UserError
from gonghui_desk.reports.model import REPORT_KINDS, ReportOptions, ReportPeriod, ReportRequest
from gonghui_desk.ui.report_editor import ReportEditor, figure_value_text
from gonghui_desk.ui.report_output import ReportOutputs
from gonghui_desk.ui.wizard import ERROR_STYLE, MUTED_STYLE, BaseWizard, WizardPage, error_text
from gonghui_desk.ui.workers import with_worker_db

__all__ = ["KindPage", "OptionsPage", "OutputPage", "ReportWizard", "SectionListModel", "SectionsPage", "DraftPage",
           "PERIOD_MODES"]

# period modes: key -> shown name
PERIOD_MODES = {"year": "一年", "half": "半年", "semester": "一个学期", "term": "本届任期", "custom": "起止日期"}
KIND_MODES = {"annual": "year", "half": "half", "semester": "semester", "term": "term", "care": "year"}
KIND_ORDER = ("annual", "half", "semester", "term", "care")
SECTIONS_MIME = "application/x-gonghui-report-sections"
NO_DATA_BRUSH = QBrush(QColor("#8a8a8a"))


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(MUTED_STYLE)
    label.setWordWrap(True)
    return label


# --- page 1: kind and period ---------------------------------------------------------------------------------
class KindPage(WizardPage):
    def __init__(self, wizard: "ReportWizard"):
        super().__init__("总结类型和期间", "选择要写的总结或报告，以及它所总结的期间。数字都将由这段期间的台账记录统计。")
        self._wizard = wizard
        profile = wizard.profile
        words = profile.vocabulary
        self.union_label = QLabel()
        self.union_label.setWordWrap(True)
        self.union_label.setTextFormat(Qt.RichText)
        if profile.is_set_up:
            self.union_label.setText(
                f"以 <b>{escape(profile.name)}</b> 的名义撰写（{escape(profile.kind)}工会：称“{words.staff}”、"
                f"“{words.congress_short}”、“{words.open_affairs}”）。")
        else:
            self.union_label.setStyleSheet(ERROR_STYLE)
            self.union_label.setText("还没有填写工会信息：总结的标题和落款需要工会名称，请先在“设置 → 工会信息”中填写。")
        self.body.addWidget(self.union_label)

        kinds = QGroupBox("总结类型")
        grid = QGridLayout(kinds)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        descriptions = {
            "annual": "一年的工作：民主管理、劳动竞赛、帮扶送温暖、文体活动、女职工工作、自身建设等",
            "half": "上半年或下半年的工作，结构与年度总结相同",
            "semester": "一个学期的工作（第一学期9月至次年1月，第二学期2月至7月）",
            "term": f"换届时向{words.congress_short}所作的工作报告，总结本届委员会任期内的工作",
            "care": "专题总结：走访慰问、困难帮扶、金秋助学等送温暖工作",
        }
        names = {"term": f"工会工作报告（向{words.congress_short}报告）"}
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[str, QRadioButton] = {}
        order = list(KIND_ORDER)
        if profile.kind != "学校":  # a school's semester comes right after the year; others rarely use it
            order.remove("semester")
            order.append("semester")
        for row, kind in enumerate(order):
            button = QRadioButton(names.get(kind, REPORT_KINDS[kind]))
            self.kind_group.addButton(button)
            self.kind_buttons[kind] = button
            grid.addWidget(button, row, 0)
            grid.addWidget(_muted(descriptions[kind]), row, 1)
        grid.setColumnStretch(1, 1)
        proposals = "教代会提案" if profile.kind == "学校" else "职代会提案"
        grid.addWidget(_muted(f"提案办理情况报告请在“{proposals}”页选择会议后生成。"), len(order), 0, 1, 2)
        self.body.addWidget(kinds)

        period_box = QGroupBox("期间")
        form = QFormLayout(period_box)
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.mode_combo = QComboBox()
        self.mode_combo.setMinimumWidth(160)
        for key, text in PERIOD_MODES.items():
            self.mode_combo.addItem(text, key)
        form.addRow("按：", self._row(self.mode_combo))
        self.mode_stack = QStackedWidget()
        today = wizard.today
        # a year
        self.year_spin = QSpinBox()
        self.year_spin.setRange(1990, today.year + 1)
        self.year_spin.setSuffix(" 年")
        self.year_spin.setValue(today.year)
        self.mode_stack.addWidget(self._row(self.year_spin))
        # a half-year
        self.half_year_spin = QSpinBox()
        self.half_year_spin.setRange(1990, today.year + 1)
        self.half_year_spin.setSuffix(" 年")
        self.half_year_spin.setValue(today.year)
        self.half_combo = QComboBox()
        self.half_combo.addItem("上半年（1月—6月）", 1)
        self.half_combo.addItem("下半年（7月—12月）", 2)
        self.mode_stack.addWidget(self._row(self.half_year_spin, self.half_combo))
        # a semester
        self.school_year_combo = QComboBox()
        for year in range(today.year, today.year - 12, -1):
            self.school_year_combo.addItem(f"{year}—{year + 1}学年", year)
        self.semester_combo = QComboBox()
        self.semester_combo.addItem("第一学期（9月—次年1月）", 1)
        self.semester_combo.addItem("第二学期（2月—7月）", 2)
        self.mode_stack.addWidget(self._row(self.school_year_combo, self.semester_combo))
        # the term
        self.term_label = QLabel()
        self.mode_stack.addWidget(self._row(self.term_label))
        # any two dates
        self.from_edit, self.to_edit = QDateEdit(), QDateEdit()
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setMinimumWidth(130)
        self.from_edit.setDate(QDate(today.year, 1, 1))
        self.to_edit.setDate(QDate(today))
        self.mode_stack.addWidget(self._row(self.from_edit, QLabel("至"), self.to_edit))
        form.addRow("", self.mode_stack)
        self.period_label = QLabel()
        self.period_label.setWordWrap(True)
        form.addRow("期间：", self.period_label)
        self.body.addWidget(period_box)

        title_form = QFormLayout()
        title_form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.title_edit = QLineEdit()
        self.title_edit.setClearButtonEnabled(True)
        title_form.addRow("标题：", self.title_edit)
        self.title_hint = _muted("不填则用上面灰色的标题；也可以在草稿中修改。")
        title_form.addRow("", self.title_hint)
        self.body.addLayout(title_form)
        self.body.addStretch(1)

        self.term = self._term_period()
        self.kind_group.buttonToggled.connect(self._kind_toggled)
        self.mode_combo.currentIndexChanged.connect(self._mode_changed)
        for spin in (self.year_spin, self.half_year_spin):
            spin.valueChanged.connect(self._changed)
        for combo in (self.half_combo, self.school_year_combo, self.semester_combo):
            combo.currentIndexChanged.connect(self._changed)
        for edit in (self.from_edit, self.to_edit):
            edit.dateChanged.connect(self._changed)
        self.title_edit.textChanged.connect(self.completeChanged)
        self.set_kind("semester" if profile.kind == "学校" and self._in_school_break(today) else "annual")

    @staticmethod
    def _in_school_break(today: dt.date) -> bool:
        """A school writes its semester summary in January and July."""
        return today.month in (1, 7)

    @staticmethod
    def _row(*widgets) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            layout.addWidget(widget)
        layout.addStretch(1)
        return row

    def _term_period(self) -> ReportPeriod | None:
        from gonghui_desk.reports.periods import term_period

        try:
            return term_period(self._wizard.context.db, self._wizard.today)
        except UserError:
            return None

    # --- values ---------------------------------------------------------------------------------------
    def kind(self) -> str:
        for kind, button in self.kind_buttons.items():
            if button.isChecked():
                return kind
        return "annual"

    def set_kind(self, kind: str) -> None:
        self.kind_buttons[kind].setChecked(True)
        self._kind_toggled(self.kind_buttons[kind], True)

    def mode(self) -> str:
        return self.mode_combo.currentData()

    def set_mode(self, mode: str) -> None:
        self.mode_combo.setCurrentIndex(self.mode_combo.findData(mode))

    def set_custom_dates(self, date_from: dt.date, date_to: dt.date) -> None:
        self.set_mode("custom")
        self.from_edit.setDate(QDate(date_from))
        self.to_edit.setDate(QDate(date_to))

    def period(self) -> ReportPeriod:
        """The period chosen (UserError when it cannot be: no term recorded, dates the wrong way round)."""
        from gonghui_desk.reports.periods import custom_period, half_period, semester_period, year_period

        mode = self.mode()
        if mode == "year":
            return year_period(self.year_spin.value())
        if mode == "half":
            return half_period(self.half_year_spin.value(), self.half_combo.currentData())
        if mode == "semester":
            return semester_period(self.school_year_combo.currentData(), self.semester_combo.currentData())
        if mode == "term":
            if self.term is None:
                raise UserError("还没有登记工会委员会或职代会的届期。请在“设置 → 工会信息”填写本届委员会的选举日期，"
                                "或改按起止日期选择期间。")
            return self.term
        return custom_period(self.from_edit.date().toPython(), self.to_edit.date().toPython())

    def period_problem(self) -> str:
        try:
            period = self.period()
        except UserError as exc:
            return str(exc)
        if period.date_from > self._wizard.today.isoformat():
            return "所选期间还没有开始，没有可总结的记录。"
        return ""

    def title(self) -> str:
        return self.title_edit.text().strip()

    def default_title(self) -> str:
        from gonghui_desk.reports.builder import report_title

        try:
            period = self.period()
        except UserError:
            return ""
        return report_title(self._wizard.profile.name, ReportRequest(self.kind(), period))

    # --- reactions ------------------------------------------------------------------------------------------
    def _kind_toggled(self, button, checked: bool) -> None:
        if not checked:
            return
        from gonghui_desk.reports.periods import period_for_kind

        kind = self.kind()
        mode = KIND_MODES[kind]
        if mode == "term" and self.term is None:
            mode = "custom"
        guess = period_for_kind(kind, self._wizard.today, self._wizard.context.db) if kind != "term" else None
        if guess is not None:
            start = dt.date.fromisoformat(guess.date_from)
            if mode == "year":
                self.year_spin.setValue(start.year)
            elif mode == "half":
                self.half_year_spin.setValue(start.year)
                self.half_combo.setCurrentIndex(0 if start.month == 1 else 1)
            elif mode == "semester":
                school_year = start.year if start.month >= 9 else start.year - 1
                index = self.school_year_combo.findData(school_year)
                if index >= 0:
                    self.school_year_combo.setCurrentIndex(index)
                self.semester_combo.setCurrentIndex(0 if start.month >= 9 else 1)
        self.set_mode(mode)
        self._mode_changed()

    def _mode_changed(self, *args) -> None:
        self.mode_stack.setCurrentIndex(list(PERIOD_MODES).index(self.mode()))
        if self.term is not None:
            self.term_label.setText("按登记的本届委员会任期（“工会信息”中的选举日期，或“届次与代表”中的届次），"
                                    "截至今天")
            self.term_label.setStyleSheet(MUTED_STYLE)
        else:
            self.term_label.setText("还没有登记届期（“设置 → 工会信息”中的本届委员会选举日期，或“届次与代表”）。")
            self.term_label.setStyleSheet(ERROR_STYLE)
        self._changed()

    def _changed(self, *args) -> None:
        problem = self.period_problem()
        if problem:
            self.period_label.setStyleSheet(ERROR_STYLE)
            self.period_label.setText(problem)
        else:
            period = self.period()
            self.period_label.setStyleSheet("")
            self.period_label.setText(f"<b>{escape(period.label)}</b>（{period.date_from} 至 {period.date_to}，"
                                      f"共 {period.days} 天）")
        self.title_edit.setPlaceholderText(self.default_title())
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.busy and not self.period_problem()


# --- page 2: sections ------------------------------------------------------------------------------------------
@dataclasses.dataclass
class SectionRow:
    preview: object  # a SectionPreview
    checked: bool


class SectionListModel(QAbstractListModel):
    """The sections in the order wanted, each ticked or not; rows move by drag (``moveRows``)."""

    checks_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[SectionRow] = []

    def set_previews(self, previews, *, keep: list[tuple[str, bool]] | None = None) -> None:
        """Show ``previews``; ``keep`` (key, ticked) pairs keep an earlier order and ticks."""
        rows = [SectionRow(p, p.default_included) for p in previews]
        if keep:
            by_key = {row.preview.key: row for row in rows}
            ordered = []
            for key, checked in keep:
                row = by_key.pop(key, None)
                if row is not None:
                    row.checked = checked
                    ordered.append(row)
            ordered.extend(row for row in rows if row.preview.key in by_key)
            rows = ordered
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()
        self.checks_changed.emit()

    def keys(self) -> list[str]:
        return [row.preview.key for row in self.rows]

    def checked_keys(self) -> list[str]:
        return [row.preview.key for row in self.rows if row.checked]

    def state(self) -> list[tuple[str, bool]]:
        return [(row.preview.key, row.checked) for row in self.rows]

    def row_of(self, key: str) -> int:
        return self.keys().index(key)

    def set_checked(self, key: str, checked: bool) -> None:
        row = self.row_of(key)
        self.setData(self.index(row), Qt.Checked if checked else Qt.Unchecked, Qt.CheckStateRole)

    def reset_defaults(self) -> None:
        previews = sorted((row.preview for row in self.rows), key=lambda p: (p.order, p.key))
        self.set_previews(previews)

    # --- Qt model -------------------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        preview = row.preview
        if role == Qt.DisplayRole:
            return f"{preview.title}\n{section_summary(preview)}"
        if role == Qt.CheckStateRole:
            return Qt.Checked if row.checked else Qt.Unchecked
        if role == Qt.ForegroundRole and not preview.has_data and not preview.free_text:
            return NO_DATA_BRUSH
        if role == Qt.ToolTipRole:
            return section_summary(preview, full=True)
        if role == Qt.UserRole:
            return preview.key
        return None

    def setData(self, index, value, role=Qt.EditRole) -> bool:
        if role != Qt.CheckStateRole or not index.isValid():
            return False
        checked = Qt.CheckState(value) == Qt.Checked if not isinstance(value, bool) else value
        self.rows[index.row()].checked = checked
        self.dataChanged.emit(index, index, [Qt.CheckStateRole])
        self.checks_changed.emit()
        return True

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemIsDropEnabled  # drop between rows, never onto one
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsUserCheckable | Qt.ItemIsDragEnabled

    def supportedDropActions(self):
        return Qt.MoveAction

    def supportedDragActions(self):
        return Qt.MoveAction

    def moveRows(self, source_parent, source_row: int, count: int, destination_parent, destination_child: int) -> bool:
        if (source_parent.isValid() or destination_parent.isValid() or count < 1 or source_row < 0
                or source_row + count > len(self.rows) or not 0 <= destination_child <= len(self.rows)
                or source_row <= destination_child <= source_row + count):
            return False
        if not self.beginMoveRows(QModelIndex(), source_row, source_row + count - 1, QModelIndex(), destination_child):
            return False
        moving = self.rows[source_row:source_row + count]
        del self.rows[source_row:source_row + count]
        at = destination_child if destination_child < source_row else destination_child - count
        self.rows[at:at] = moving
        self.endMoveRows()
        return True

    def move(self, row: int, to: int) -> bool:
        """Put row ``row`` at position ``to`` (0-based, in the list after the move)."""
        if row == to or not 0 <= to < len(self.rows):
            return False
        return self.moveRows(QModelIndex(), row, 1, QModelIndex(), to + 1 if to > row else to)

    def mimeTypes(self) -> list[str]:
        return [SECTIONS_MIME]

    def mimeData(self, indexes) -> QMimeData:
        data = QMimeData()
        rows = sorted({index.row() for index in indexes if index.isValid()})
        data.setData(SECTIONS_MIME, QByteArray(",".join(map(str, rows)).encode()))
        return data

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return data.hasFormat(SECTIONS_MIME) and not parent.isValid()

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        """A drop that the view did not turn into ``moveRows`` itself: move the rows here. Returns False
        so the view never removes the "source" rows afterwards (they were moved, not copied)."""
        if not data.hasFormat(SECTIONS_MIME):
            return False
        text = bytes(data.data(SECTIONS_MIME)).decode()
        rows = [int(r) for r in text.split(",") if r.strip().isdigit()]
        target = row if row >= 0 else (parent.row() if parent.isValid() else len(self.rows))
        keys = [self.rows[r].preview.key for r in rows if 0 <= r < len(self.rows)]
        for key in keys:
            source = self.row_of(key)
            if self.moveRows(QModelIndex(), source, 1, QModelIndex(), target):
                target = self.row_of(key) + 1
        return False


class SectionDelegate(QStyledItemDelegate):
    """A section in two lines: its heading, then the figures it would state in grey."""

    PADDING = 5

    def sizeHint(self, option, index) -> QSize:
        metrics = option.fontMetrics
        return QSize(200, metrics.height() * 2 + metrics.leading() + 3 * self.PADDING)

    def paint(self, painter, option, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        title, _, summary = (opt.text or "").replace("\u2028", "\n").partition("\n")  # Qt made \n a line separator
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.CE_ItemViewItem, opt, painter, widget)
        check = style.subElementRect(QStyle.SE_ItemViewItemCheckIndicator, opt, widget)
        rect = QRect(check.right() + 8, opt.rect.top() + self.PADDING, opt.rect.right() - check.right() - 14,
                     opt.rect.height() - 2 * self.PADDING)
        selected = bool(opt.state & QStyle.State_Selected)
        empty = index.data(Qt.ForegroundRole) is not None
        painter.save()
        title_font = QFont(opt.font)
        title_font.setBold(not empty)
        painter.setFont(title_font)
        colour = opt.palette.color(QPalette.HighlightedText) if selected else (
            NO_DATA_BRUSH.color() if empty else opt.palette.color(QPalette.Text))
        painter.setPen(colour)
        line = QFontMetrics(title_font).height()
        title_rect = QRect(rect.left(), rect.top(), rect.width(), line)
        painter.drawText(title_rect, Qt.AlignLeft | Qt.AlignVCenter,
                         QFontMetrics(title_font).elidedText(title, Qt.ElideRight, rect.width()))
        painter.setFont(opt.font)
        painter.setPen(opt.palette.color(QPalette.HighlightedText) if selected else QColor("#6b6b6b"))
        summary_rect = QRect(rect.left(), rect.top() + line + 1, rect.width(), opt.fontMetrics.height())
        painter.drawText(summary_rect, Qt.AlignLeft | Qt.AlignVCenter,
                         opt.fontMetrics.elidedText(summary, Qt.ElideRight, rect.width()))
        painter.restore()


def section_summary(preview, *, full: bool = False) -> str:
    """The figures a section would state, in a line (the first few unless ``full``)."""
    if preview.free_text:
        return "由您填写：草稿中给出提示，请替换为实际内容"
    if not preview.has_data:
        return "所选期间没有记录（默认不写入）"
    shown = [s for s in preview.stats if s.value and "@" not in s.key]
    items = [f"{s.label} {figure_value_text(s)}" for s in (shown if full else shown[:6])]
    more = "" if full or len(shown) <= 6 else f" 等{len(shown)}项"
    return ("\n" if full else "、").join(items) + more


class SectionsPage(WizardPage):
    def __init__(self, wizard: "ReportWizard"):
        super().__init__("章节", "勾选要写入的部分，拖动（或用“上移”“下移”）调整顺序。每一部分下面是它将写入的数字；"
                         "没有记录的部分显示为灰色，默认不写入。")
        self._wizard = wizard
        self._loaded_for = None
        self.previews: list = []
        self.model = SectionListModel(self)
        self.list_view = QListView()
        self.list_view.setModel(self.model)
        self.list_view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.list_view.setDragEnabled(True)
        self.list_view.setAcceptDrops(True)
        self.list_view.setDropIndicatorShown(True)
        self.list_view.setDragDropMode(QAbstractItemView.InternalMove)
        self.list_view.setDefaultDropAction(Qt.MoveAction)
        self.list_view.setDragDropOverwriteMode(False)
        self.list_view.setAlternatingRowColors(True)
        self.list_view.setSpacing(1)
        self.list_view.setWordWrap(False)
        self.list_view.setTextElideMode(Qt.ElideRight)
        self.list_view.setUniformItemSizes(True)
        self.delegate = SectionDelegate(self.list_view)
        self.list_view.setItemDelegate(self.delegate)
        self.details_model = QStandardItemModel(self)
        self.details_view = QTableView()
        self.details_view.setModel(self.details_model)
        self.details_view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.details_view.verticalHeader().hide()
        self.details_view.setWordWrap(True)
        self.details_view.setAlternatingRowColors(True)
        splitter = QSplitter(Qt.Vertical)
        splitter.addWidget(self.list_view)
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 4, 0, 0)
        self.details_title = QLabel()
        self.details_title.setStyleSheet("font-weight: bold;")
        details_layout.addWidget(self.details_title)
        details_layout.addWidget(self.details_view, 1)
        splitter.addWidget(details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([470, 200])
        self.body.addWidget(splitter, 1)
        buttons = QHBoxLayout()
        self.up_button = QPushButton("上移")
        self.up_button.clicked.connect(self.move_up)
        self.down_button = QPushButton("下移")
        self.down_button.clicked.connect(self.move_down)
        self.defaults_button = QPushButton("恢复默认")
        self.defaults_button.setToolTip("恢复默认的顺序和勾选（有数据的部分和需要您填写的部分）")
        self.defaults_button.clicked.connect(self.model.reset_defaults)
        for button in (self.up_button, self.down_button, self.defaults_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.count_label = QLabel()
        buttons.addWidget(self.count_label)
        self.body.addLayout(buttons)
        self.add_job_panel()
        self.model.checks_changed.connect(self._checks_changed)
        self.model.rowsMoved.connect(self._checks_changed)
        self.list_view.selectionModel().currentChanged.connect(self._current_changed)

    def initializePage(self) -> None:
        wizard = self._wizard
        key = (wizard.kind_page.kind(), wizard.kind_page.period())
        if key == self._loaded_for or self.busy:
            return
        keep = self.model.state() if self._loaded_for is not None and self._loaded_for[0] == key[0] else None
        self._loaded_for = None
        kind, period = key
        today = wizard.today

        def count(db, progress, is_cancelled):
            from gonghui_desk.reports.builder import available_sections

            progress(0, 0, "正在统计各部分的数字…")
            return available_sections(db, kind, period, today=today)

        self.jobs.clear()
        self._pending = (key, keep)
        self.run_job(f"正在统计“{period.label}”各部分的数字…", with_worker_db(wizard.context, count),
                     on_done=self._counted, on_error=self._failed, on_cancelled=self._cancelled)

    def _counted(self, previews) -> None:
        key, keep = self._pending
        self.previews = list(previews)
        self.model.set_previews(self.previews, keep=keep)
        self._loaded_for = key
        self.jobs.clear()
        if self.model.rowCount():
            self.list_view.setCurrentIndex(self.model.index(0))
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self.jobs.show_message(error_text(exc), error=True)
        self.completeChanged.emit()

    def _cancelled(self) -> None:
        self.jobs.show_message("已取消统计。点“上一步”再点“下一步”可以重新统计。")
        self.completeChanged.emit()

    def is_loaded(self) -> bool:
        return self._loaded_for is not None

    def section_keys(self) -> tuple[str, ...]:
        return tuple(self.model.checked_keys())

    def move_up(self) -> bool:
        return self._move(-1)

    def move_down(self) -> bool:
        return self._move(1)

    def _move(self, delta: int) -> bool:
        index = self.list_view.currentIndex()
        if not index.isValid():
            return False
        row = index.row()
        if not self.model.move(row, row + delta):
            return False
        self.list_view.setCurrentIndex(self.model.index(row + delta))
        return True

    def _current_changed(self, current, previous=None) -> None:
        self.details_model.clear()
        if not current.isValid():
            self.details_title.clear()
            return
        preview = self.model.rows[current.row()].preview
        self.details_title.setText(f"“{preview.title}”将写入的数字")
        self.details_model.setHorizontalHeaderLabels(["项目", "数字", "怎样统计"])
        for stat in preview.stats:
            if "@" in stat.key:
                continue
            items = [QStandardItem(stat.label), QStandardItem(figure_value_text(stat)), QStandardItem(stat.basis)]
            if not stat.value:
                for item in items:
                    item.setForeground(NO_DATA_BRUSH)
            self.details_model.appendRow(items)
        if not preview.stats:
            note = section_summary(preview)
            self.details_model.appendRow([QStandardItem(""), QStandardItem(""), QStandardItem(note)])
        header = self.details_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        self.details_view.resizeRowsToContents()

    def _checks_changed(self, *args) -> None:
        chosen = len(self.model.checked_keys())
        self.count_label.setText(f"已选 {chosen} 部分，共 {self.model.rowCount()} 部分")
        self.count_label.setStyleSheet(ERROR_STYLE if not chosen and self.model.rowCount() else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.busy and self.is_loaded() and bool(self.model.checked_keys())


# --- page 3: options -------------------------------------------------------------------------------------------
class OptionsPage(WizardPage):
    def __init__(self, wizard: "ReportWizard"):
        super().__init__("写法", "选择数字和名单的写法。这些选择只影响文字，数字本身始终由台账统计。")
        self._wizard = wizard
        box = QGroupBox("数字")
        layout = QVBoxLayout(box)
        self.exact_radio = QRadioButton("写准确数字，如“走访慰问181人次，发放慰问金15320元”")
        self.approximate_radio = QRadioButton("较大的数字写约数，如“走访慰问180余人次，发放慰问金1.5万余元”")
        self.exact_radio.setChecked(True)
        layout.addWidget(self.exact_radio)
        layout.addWidget(self.approximate_radio)
        self.chinese_check = QCheckBox("十以内的数用汉字，如“召开会议三次”“评出五项”")
        layout.addWidget(self.chinese_check)
        self.compare_check = QCheckBox()
        layout.addWidget(self.compare_check)
        self.body.addWidget(box)
        names_box = QGroupBox("名单")
        names_layout = QVBoxLayout(names_box)
        self.names_radio = QRadioButton("写出姓名，如“张三、李四等5名同志”")
        self.anonymous_radio = QRadioButton("只写人数，如“5名同志”")
        self.names_radio.setChecked(True)
        names_layout.addWidget(self.names_radio)
        names_layout.addWidget(self.anonymous_radio)
        self.body.addWidget(names_box)
        appendix_box = QGroupBox("附件")
        appendix_layout = QVBoxLayout(appendix_box)
        self.appendix_check = QCheckBox("文末附“主要工作数据”统计表（各部分的分类统计）")
        self.charts_check = QCheckBox("按月、按类别的统计表后附柱状图（在 Word 和 PDF 文件中）")
        self.charts_check.setToolTip("图表由统计表的数字绘制：在草稿中改动统计表，输出的图表随之改变。")
        appendix_layout.addWidget(self.appendix_check)
        appendix_layout.addWidget(self.charts_check)
        self.body.addWidget(appendix_box)
        self.body.addStretch(1)
        self.appendix_check.toggled.connect(self._appendix_toggled)
        self._appendix_toggled(False)

    def initializePage(self) -> None:
        from gonghui_desk.reports.periods import previous_period

        try:
            previous = previous_period(self._wizard.kind_page.period())
        except (UserError, ValueError):
            previous = None
        if previous is not None:
            self.compare_check.setText(f"与{previous.label}比较，如“比{previous.label}增加20人次”"
                                       f"（{previous.date_from} 至 {previous.date_to}）")

    def _appendix_toggled(self, on: bool) -> None:
        self.charts_check.setEnabled(on)
        if not on:
            self.charts_check.setChecked(False)

    def options(self) -> ReportOptions:
        return ReportOptions(approximate=self.approximate_radio.isChecked(),
                             chinese_numerals=self.chinese_check.isChecked(),
                             compare=self.compare_check.isChecked(), names=self.names_radio.isChecked(),
                             appendix=self.appendix_check.isChecked(),
                             charts=self.charts_check.isChecked() and self.appendix_check.isChecked())

    def set_options(self, options: ReportOptions) -> None:
        (self.approximate_radio if options.approximate else self.exact_radio).setChecked(True)
        self.chinese_check.setChecked(options.chinese_numerals)
        self.compare_check.setChecked(options.compare)
        (self.names_radio if options.names else self.anonymous_radio).setChecked(True)
        self.appendix_check.setChecked(options.appendix)
        self.charts_check.setChecked(options.charts)


# --- page 4: the draft -------------------------------------------------------------------------------------------
class DraftPage(WizardPage):
    def __init__(self, wizard: "ReportWizard"):
        super().__init__("草稿", "草稿已根据台账写好：可以直接修改文字。标题编号自动生成；蓝色的数字可以查看来源。"
                         "点“下一步”保存草稿并输出。")
        self._wizard = wizard
        self.editor = ReportEditor(wizard.context, self, today=wizard.today)
        self.body.addWidget(self.editor, 1)
        self.add_job_panel()
        self.built_request: ReportRequest | None = None
        self.regenerate_box: QMessageBox | None = None
        self._wanted: ReportRequest | None = None
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.body.addWidget(self.message)
        self.message.hide()
        self.editor.changed.connect(self.completeChanged)
        self.editor.saved.connect(wizard.draft_saved)

    def initializePage(self) -> None:
        request = self._wizard.request()
        if request == self.built_request or self.busy:
            return
        if self.built_request is not None and self.editor.is_dirty():
            self._ask_regenerate(request)
            return
        self.build(request)

    def _ask_regenerate(self, request: ReportRequest) -> None:
        box = QMessageBox(QMessageBox.Question, "重新生成草稿",
                          "章节或写法改变了。按新的选择重新生成草稿，会丢掉对草稿文字所做的修改。", QMessageBox.NoButton,
                          self)
        box.addButton("重新生成", QMessageBox.DestructiveRole)
        box.addButton("保留现有草稿", QMessageBox.RejectRole)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.buttonClicked.connect(self._regenerate_answered)
        self._wanted = request
        self.regenerate_box = box
        box.open()

    def _regenerate_answered(self, button) -> None:
        if self.regenerate_box.buttonRole(button) == QMessageBox.DestructiveRole and self._wanted is not None:
            self.build(self._wanted)

    def build(self, request: ReportRequest) -> None:
        """Write the report for ``request`` on a worker (progress and 取消 on the page)."""
        from gonghui_desk.reports.builder import build_report_with_stats

        today = self._wizard.today

        def job(db, progress, is_cancelled):
            return build_report_with_stats(db, request, today=today, progress=progress, is_cancelled=is_cancelled)

        self._building = request
        self.jobs.clear()
        self.editor.setEnabled(False)
        self.run_job("正在根据台账撰写草稿…", with_worker_db(self._wizard.context, job), on_done=self._built,
                     on_error=self._failed, on_cancelled=self._cancelled)

    def _built(self, result) -> None:
        document, stats = result
        request = self._building
        if self.built_request is None or self.editor.draft_id is None:
            self.editor.load(document, request=request, stats=stats, draft_id=self.editor.draft_id, clean=False)
        else:
            self.editor.rebuilt(document, request, stats)
        self.built_request = request
        self.editor.setEnabled(True)
        self.jobs.clear()
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self.editor.setEnabled(True)
        self.jobs.show_message(error_text(exc), error=True)
        self._wizard.job_failed()

    def _cancelled(self) -> None:
        self.editor.setEnabled(True)
        self.jobs.show_message("已取消撰写草稿。点“上一步”再点“下一步”可以重新撰写。")

    def is_ready(self) -> bool:
        return self.built_request is not None and not self.busy

    def isComplete(self) -> bool:
        return self.is_ready()

    def validatePage(self) -> bool:
        if self.editor.draft_id is not None and not self.editor.is_dirty():
            return True  # saved already, nothing changed since
        try:
            self.editor.save_draft()
        except UserError as exc:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(f"未能保存草稿：{exc}")
            self.message.show()
            return False
        self.message.hide()
        return True


# --- page 5: output ------------------------------------------------------------------------------------------------
class OutputPage(WizardPage):
    def __init__(self, wizard: "ReportWizard"):
        super().__init__("输出", "草稿已保存。可以导出为 Word 文档或 PDF 文件，或直接打印。")
        self._wizard = wizard
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.RichText)
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 12pt;")
        self.body.addWidget(self.summary)
        self.outputs = ReportOutputs(self, wizard.context, wizard.document)
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(12)
        self.word_button = QPushButton("导出Word…")
        self.word_button.clicked.connect(self.outputs.ask_word)
        self.pdf_button = QPushButton("导出PDF…")
        self.pdf_button.clicked.connect(self.outputs.ask_pdf)
        self.print_button = QPushButton("打印…")
        self.print_button.clicked.connect(self.outputs.print_preview)
        rows = ((self.word_button, "按公文格式排版（A4，仿宋三号正文，黑体、楷体标题，每页22行，页码“— 1 —”），"
                                   "可在 Word 或 WPS 中继续修改。"),
                (self.pdf_button, "嵌入中文字体，在任何电脑上打开和打印都一样，文字可以复制。"),
                (self.print_button, "先显示打印预览，再选择打印机。"))
        for row, (button, text) in enumerate(rows):
            button.setMinimumWidth(120)
            grid.addWidget(button, row, 0)
            grid.addWidget(_muted(text), row, 1)
        grid.setColumnStretch(1, 1)
        self.body.addLayout(grid)
        self.note = _muted("草稿保存在“工作总结”页，以后可以随时打开修改、再次导出。")
        self.body.addWidget(self.note)
        self.body.addStretch(1)
        self.setFinalPage(True)

    def initializePage(self) -> None:
        document = self._wizard.document()
        editor = self._wizard.draft_page.editor
        headings = len(editor.heading_texts())
        figures = len(editor.mark_keys())
        characters = sum(len(getattr(b, "text", "")) for b in document.blocks)
        self.summary.setText(
            f"<b>{escape(document.title)}</b><br>"
            f"<span style='color:#2e7d32'>已保存为草稿</span>，共 {headings} 个标题、约 {characters} 字，"
            f"其中 {figures} 处数字可追溯到台账记录。")


class ReportWizard(BaseWizard):
    """新建总结 (see the module text). ``draft_saved(draft_id)`` after each save of the draft."""

    draft_saved = Signal(int)

    def __init__(self, context, parent=None, *, today: dt.date | None = None):
        super().__init__("新建总结", parent)
        from gonghui_desk.union import load_profile

        self.context = context
        self.today = today or dt.date.today()
        self.profile = load_profile(context.db)
        self.kind_page = KindPage(self)
        self.sections_page = SectionsPage(self)
        self.options_page = OptionsPage(self)
        self.draft_page = DraftPage(self)
        self.output_page = OutputPage(self)
        for page in (self.kind_page, self.sections_page, self.options_page, self.draft_page, self.output_page):
            self.add_page(page)
        self.setOption(QWizard.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.FinishButton, "完成")
        self.resize(1180, 840)

    @property
    def draft_id(self) -> int | None:
        return self.draft_page.editor.draft_id

    def request(self) -> ReportRequest:
        return ReportRequest(kind=self.kind_page.kind(), period=self.kind_page.period(),
                             sections=self.sections_page.section_keys(), options=self.options_page.options(),
                             title=self.kind_page.title())

    def document(self):
        return self.draft_page.editor.document()

    close_box: QMessageBox | None = None

    def has_unsaved_draft(self) -> bool:
        page = self.draft_page
        return page.built_request is not None and not page.busy and page.editor.is_dirty()

    def reject(self) -> None:
        """取消 with a written draft not saved yet asks first (a box that does not block)."""
        if self.running_pages() or not self.has_unsaved_draft():
            super().reject()
            return
        box = QMessageBox(QMessageBox.Question, "关闭向导", "草稿还没有保存。要保存后再关闭吗？", QMessageBox.NoButton, self)
        box.addButton("保存并关闭", QMessageBox.AcceptRole)
        box.addButton("不保存", QMessageBox.DestructiveRole)
        box.addButton("继续编辑", QMessageBox.RejectRole)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.buttonClicked.connect(self._close_answered)
        self.close_box = box
        box.open()

    def _close_answered(self, button) -> None:
        role = self.close_box.buttonRole(button)
        if role == QMessageBox.AcceptRole:
            try:
                self.draft_page.editor.save_draft()
            except UserError as exc:
                self.draft_page.message.setStyleSheet(ERROR_STYLE)
                self.draft_page.message.setText(f"未能保存草稿：{exc}")
                self.draft_page.message.show()
                return
        if role in (QMessageBox.AcceptRole, QMessageBox.DestructiveRole):
            BaseWizard.reject(self)

    def done(self, result: int) -> None:
        for job in self.output_page.outputs.jobs():
            from gonghui_desk.ui.workers import Job

            if job in Job._running:
                job.cancel()
                job.wait(10000)
        self.draft_page.editor.close_records()
        super().done(result)

