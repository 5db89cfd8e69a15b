"""The home page's 提醒 list: who should be visited, or whose record needs the officer.

:class:`RemindersPanel` shows ``care.reminders.reminders()`` grouped by kind, each group headed
by its count, in one QListView over :class:`ReminderListModel` (a model row per line, never a
widget per reminder). A long group shows its first few lines and a "还有 N 条" row that unfolds
it. Clicking a reminder (or Enter) does what it offers: record a prefilled visit, change the
member's status to 退休, open the member's card, or open the pending visit; the context menu
offers the other actions on the same member.

On a large union the reminders are computed on a worker thread (its own database connection),
so the home page never waits for them; in the main window that work starts after the window's first paint
(``deferred``), so that start-up does not share the processor with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QListView, QMenu, QMessageBox, QSpinBox,
                               QVBoxLayout, QWidget)

from gonghui_desk.settings import retirement_reminder_months, set_retirement_reminder_months
from gonghui_desk.ui.app_context import LARGE_UNION_MEMBERS, is_large_union
from gonghui_desk.ui.exports import print_button, print_list
from gonghui_desk.ui.workers import run_job, with_worker_db

if TYPE_CHECKING:
    from gonghui_desk.care.reminders import Reminder

# gonghui_desk.care.reminders (and the care modules it imports) is imported when reminders are first computed or
# shown, not with this module: the home page is painted before that on a large database.


def reminders(db, *, today: dt.date):
    from gonghui_desk.care.reminders import reminders as compute

    return compute(db, today=today)


def _kind_titles() -> dict[str, str]:
    from gonghui_desk.care.reminders import KIND_TITLES as titles

    return titles


def __getattr__(name):
    if name == "KIND_TITLES":
        return _kind_titles()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

ACTION_TIPS = {
    "record_visit": "点击登记慰问（已按提醒填好会员、类别和日期）",
    "change_status": "点击把会员状态变更为“退休”",
    "open_member": "点击打开会员卡片",
    "open_visit": "点击打开这条慰问记录",
}
SHOWN_PER_KIND = 5  # lines shown of a group before its "还有 N 条" row
THREAD_MEMBERS = LARGE_UNION_MEMBERS  # compute on a worker thread for unions larger than this

_HEADER, _ITEM, _MORE = "header", "item", "more"
_HEADER_BRUSH = QBrush(QColor("#333333"))
_ITEM_BRUSH = QBrush(QColor("#1f4e8c"))
_URGENT_BRUSH = QBrush(QColor("#b23b2e"))
_MUTED_BRUSH = QBrush(QColor("#6b6b6b"))
REMINDER_ROLE = int(Qt.UserRole) + 1


@dataclass
class _Line:
    kind: str  # header / item / more
    group: str  # the reminder kind
    text: str
    reminder: Reminder | None = None


class ReminderListModel(QAbstractListModel):
    """Reminders grouped by kind: a header line with the count, the reminders, a 还有 N 条 line."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._reminders: list[Reminder] = []
        self._expanded: set[str] = set()
        self._lines: list[_Line] = []
        bold = QFont()
        bold.setBold(True)
        self._bold = bold

    def set_reminders(self, items: list[Reminder]) -> None:
        self._reminders = list(items)
        self._rebuild()

    def reminders(self) -> list[Reminder]:
        return list(self._reminders)

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for r in self._reminders:
            result[r.kind] = result.get(r.kind, 0) + 1
        return result

    def expand(self, group: str) -> None:
        self._expanded.add(group)
        self._rebuild()

    def _rebuild(self) -> None:
        self.beginResetModel()
        groups: dict[str, list[Reminder]] = {}
        for r in self._reminders:
            groups.setdefault(r.kind, []).append(r)
        from gonghui_desk.care.reminders import KIND_TITLES, all_kinds

        kinds = all_kinds()
        order = [k for k in kinds if k in groups] + [k for k in groups if k not in kinds]
        lines: list[_Line] = []
        for kind in order:
            items = groups[kind]
            title = KIND_TITLES.get(kind, kind)
            lines.append(_Line(_HEADER, kind, f"{title}（{len(items)}）"))
            shown = items if kind in self._expanded else items[:SHOWN_PER_KIND]
            lines.extend(_Line(_ITEM, kind, r.text, r) for r in shown)
            if len(shown) < len(items):
                lines.append(_Line(_MORE, kind, f"还有 {len(items) - len(shown)} 条，点击展开"))
        self._lines = lines
        self.endResetModel()

    def line(self, row: int) -> _Line | None:
        return self._lines[row] if 0 <= row < len(self._lines) else None

    def reminder(self, row: int) -> Reminder | None:
        line = self.line(row)
        return line.reminder if line else None

    def row_of(self, reminder: Reminder) -> int | None:
        return next((i for i, line in enumerate(self._lines) if line.reminder is reminder), None)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._lines)

    def flags(self, index):
        line = self.line(index.row())
        if line is None:
            return Qt.NoItemFlags
        if line.kind == _HEADER:
            return Qt.ItemIsEnabled
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable

    def data(self, index, role=Qt.DisplayRole):
        line = self.line(index.row())
        if line is None:
            return None
        if role == Qt.DisplayRole:
            return line.text if line.kind == _HEADER else "　" + line.text
        if role == Qt.FontRole and line.kind == _HEADER:
            return self._bold
        if role == Qt.ForegroundRole:
            if line.kind == _HEADER:
                return _HEADER_BRUSH
            if line.kind == _MORE:
                return _MUTED_BRUSH
            return _URGENT_BRUSH if line.group == "retirement_passed" else _ITEM_BRUSH
        if role == Qt.ToolTipRole and line.reminder is not None:
            return f"{line.reminder.text}\n{ACTION_TIPS.get(line.reminder.action, '')}"
        if role == REMINDER_ROLE:
            return line.reminder
        return None


class ReminderListView(QListView):
    """The list; Enter activates the current line like a click."""

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and self.currentIndex().isValid():
            self.clicked.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class RemindersPanel(QWidget):
    """The reminder list of the home page; it opens the dialogs its reminders offer."""

    loaded = Signal(int)  # how many reminders are shown

    def __init__(self, context, parent=None, *, today: dt.date | None = None, threaded: bool | None = None,
                 deferred: bool = False):
        """``threaded``: compute on a worker thread (None: only on a large union). ``deferred``: the first
        threaded computation waits for :meth:`start_deferred` (the main window calls it after its first paint)."""
        super().__init__(parent)
        self.context = context
        self._today = today
        self.threaded = threaded
        self.job = None
        self._again = False
        self._deferred = deferred
        self.dialog = None  # the dialog opened last (tests)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("mutedText")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        months_row = QHBoxLayout()
        months_row.addWidget(QLabel("法定退休提前提醒："))
        self.months_spin = QSpinBox()
        self.months_spin.setRange(1, 36)
        self.months_spin.setSuffix(" 个月")
        self.months_spin.setValue(retirement_reminder_months(context.conn))
        self.months_spin.setToolTip("提前多少个月在首页列出即将达到法定退休年龄的会员（保存在本数据库中）")
        self.months_spin.valueChanged.connect(self._months_changed)
        months_row.addWidget(self.months_spin)
        months_row.addStretch(1)
        self.print_job = self.print_preview_dialog = None
        months_row.addWidget(print_button(self, "打印全部提醒（含折叠未显示的），按类别分组，留有“办理情况”一栏"
                                                "（A4 纵向，先显示打印预览）"))
        layout.addLayout(months_row)
        self.model = ReminderListModel(self)
        self.view = ReminderListView()
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.view.setWordWrap(True)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.view.setResizeMode(QListView.Adjust)
        self.view.setUniformItemSizes(False)
        self.view.setMouseTracking(True)
        self.view.setMinimumHeight(220)
        self.view.setStyleSheet("QListView { background: #ffffff; border: 1px solid #e3e3e3; border-radius: 4px; }"
                                "QListView::item { padding: 3px 4px; }"
                                "QListView::item:hover { background: #f1f5fb; }")
        self.view.clicked.connect(self._clicked)
        self.view.entered.connect(self._entered)
        self.view.setContextMenuPolicy(Qt.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        layout.addWidget(self.view, 1)
        context.members_changed.connect(self.refresh)
        context.visits_changed.connect(self.refresh)
        if deferred and self._use_thread():
            self.summary_label.setText("正在计算提醒…")
        else:
            self._deferred = False
            self.refresh()

    def start_deferred(self) -> None:
        """Start the computation that waited for the window's first paint (nothing when none waits)."""
        if self._deferred:
            self._deferred = False
            self.refresh()

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def _months_changed(self, months: int) -> None:
        set_retirement_reminder_months(self.context.db, months)
        self.refresh()

    # --- loading ---------------------------------------------------------------------------
    def _use_thread(self) -> bool:
        if self.threaded is not None:
            return self.threaded
        return is_large_union(self.context.conn)  # more than THREAD_MEMBERS member rows

    def refresh(self) -> None:
        if self._deferred:  # the first computation has not started yet: it will read the current data
            return
        if not self._use_thread():
            self.show_reminders(reminders(self.context.db, today=self.today))
            return
        if self.job is not None:
            self._again = True  # a change while computing: compute again when this run ends
            return
        today = self.today

        def compute(db, progress, is_cancelled):
            return reminders(db, today=today)

        job = with_worker_db(self.context, compute)

        if not self.model.rowCount():
            self.summary_label.setText("正在计算提醒…")
        # no parent: the job may outlive the panel (another database opened meanwhile)
        self.job = run_job(None, "计算提醒", job, on_done=self._computed, on_error=self._failed, show_dialog=False)
        self.job.ended.connect(self._job_ended)

    def _computed(self, items: list[Reminder]) -> None:
        self.show_reminders(items)

    def _failed(self, exc: BaseException) -> None:
        self.summary_label.setText(f"提醒计算失败：{exc}")

    def _job_ended(self) -> None:
        self.job = None
        if self._again:
            self._again = False
            self.refresh()

    def wait(self, msecs: int = 30000) -> bool:
        """Wait for a running computation (tests)."""
        return self.job.wait(msecs) if self.job is not None else True

    def show_reminders(self, items: list[Reminder]) -> None:
        self.model.set_reminders(items)
        if items:
            parts = [f"{_kind_titles().get(k, k)} {n}" for k, n in self.model.counts().items()]
            self.summary_label.setText(f"共 {len(items)} 条：" + "，".join(parts) + "。点击一条即可处理。")
        else:
            self.summary_label.setText("暂无提醒。即将退休、待走访、住院随访、困难职工走访等提醒会显示在这里。")
        self.view.setVisible(bool(items))
        self.print_button.setEnabled(bool(items))
        self.loaded.emit(len(items))

    def start_print(self):
        """打印…: every reminder as a list to work through, built on a worker, then the print preview."""
        from gonghui_desk.printing import reminders_print_table

        today = self.today

        def table(db, progress, is_cancelled):
            return reminders_print_table(db, today=today)

        return print_list(self, table)

    # --- acting ------------------------------------------------------------------------------
    def _entered(self, index) -> None:
        line = self.model.line(index.row())
        self.view.viewport().setCursor(Qt.PointingHandCursor if line and line.kind != _HEADER else Qt.ArrowCursor)

    def _clicked(self, index) -> None:
        self.activate(index.row())

    def activate(self, row: int):
        """Do what the line on ``row`` offers; returns the dialog opened, if any."""
        line = self.model.line(row)
        if line is None or line.kind == _HEADER:
            return None
        if line.kind == _MORE:
            self.model.expand(line.group)
            return None
        return self.perform(line.reminder, line.reminder.action)

    def perform(self, reminder: Reminder, action: str):
        if action == "record_visit":
            return self.record_visit(reminder)
        if action == "change_status":
            return self.change_status(reminder)
        if action == "open_visit" and reminder.visit_id is not None:
            return self.open_visit(reminder.visit_id)
        return self.open_member(reminder.member_id)

    def _parent(self) -> QWidget:
        return self.window()

    def _show(self, dialog):
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def record_visit(self, reminder: Reminder):
        from gonghui_desk.ui.visit_dialog import VisitDialog

        return self._show(VisitDialog(self.context, None, self._parent(), member_id=reminder.member_id,
                                      occasion_name=reminder.occasion_name or None, event_date=reminder.date or None,
                                      today=self._today))

    def open_visit(self, visit_id: int):
        from gonghui_desk.ui.visit_dialog import VisitDialog

        return self._show(VisitDialog(self.context, visit_id, self._parent(), today=self._today))

    def open_member(self, member_id: int):
        from gonghui_desk.ui.member_card import MemberCardDialog

        return self._show(MemberCardDialog(self.context, member_id, self._parent(), today=self._today))

    def change_status(self, reminder: Reminder):
        """The status dialog prefilled with 退休 on the retirement date; afterwards, offer the 退休 visit."""
        from gonghui_desk.ui.member_card import StatusChangeDialog

        member = self.context.members.get(reminder.member_id)
        if member is None:
            return None
        dialog = StatusChangeDialog(self.context, member, self._parent(), today=self._today)
        index = dialog.status_combo.findText("退休")
        if index >= 0:
            dialog.status_combo.setCurrentIndex(index)
        dialog.date_edit.setText(reminder.date)
        dialog.reason_edit.setText("达到法定退休年龄")
        self._status_reminder = reminder
        dialog.accepted.connect(self._status_changed)
        return self._show(dialog)

    def _status_changed(self) -> None:
        reminder = self._status_reminder
        if not reminder.occasion_name:
            return
        box = QMessageBox(QMessageBox.Question, "登记退休慰问",
                          f"已将{reminder.member_name}的状态变更为“退休”。现在登记退休慰问吗？",
                          QMessageBox.NoButton, self._parent())
        box.addButton("登记慰问", QMessageBox.AcceptRole)
        box.addButton("以后再说", QMessageBox.RejectRole)
        box.buttonClicked.connect(self._visit_offer_answered)
        self.offer_box = box
        self._show(box)

    def _visit_offer_answered(self, button) -> None:
        if self.offer_box.buttonRole(button) == QMessageBox.AcceptRole:
            self.record_visit(self._status_reminder)

    def _context_menu(self, pos) -> None:
        index = self.view.indexAt(pos)
        reminder = self.model.reminder(index.row()) if index.isValid() else None
        if reminder is None:
            return
        self._menu_reminder = reminder
        menu = QMenu(self)
        menu.setAttribute(Qt.WA_DeleteOnClose)
        menu.addAction("打开会员卡片", self._menu_open_member)
        if reminder.visit_id is not None:
            menu.addAction("打开慰问记录", self._menu_open_visit)
        menu.addAction("登记慰问…", self._menu_record_visit)
        if reminder.kind in ("retirement_passed", "retirement"):
            menu.addAction("变更状态为退休…", self._menu_change_status)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def _menu_open_member(self) -> None:
        self.open_member(self._menu_reminder.member_id)

    def _menu_open_visit(self) -> None:
        self.open_visit(self._menu_reminder.visit_id)

    def _menu_record_visit(self) -> None:
        self.record_visit(self._menu_reminder)

    def _menu_change_status(self) -> None:
        self.change_status(self._menu_reminder)


__all__ = ["RemindersPanel", "ReminderListModel", "KIND_TITLES", "SHOWN_PER_KIND"]
