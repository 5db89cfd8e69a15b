"""首页: the union's figures at a glance, members by sub-unit, reminders and common actions.

Every figure card comes from :func:`gonghui_desk.stats.home_figures`, so the figures that later
modules register with ``stats.register`` appear here without changing this view.

On a large union (see :func:`gonghui_desk.ui.app_context.is_large_union`) the figures are counted on a worker
thread with its own connection: the page shows "…" in its cards meanwhile, and the main window starts that work
only after its first paint (``deferred``), so that start-up never waits for the counting.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFrame, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QSizePolicy, QVBoxLayout, QWidget)

from gonghui_desk import stats
from gonghui_desk.ui.app_context import is_large_union
from gonghui_desk.ui.charts import HorizontalBarChart
from gonghui_desk.ui.workers import run_job, with_worker_db

CARD_MIN_WIDTH = 150
PENDING = "…"  # a figure still being counted


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class FigureCard(QFrame):
    """One headline figure: a label, a big number with its unit, and a small hint."""

    def __init__(self, figure: stats.Figure, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("figureCard")
        self.figure = figure
        self.setMinimumWidth(CARD_MIN_WIDTH)
        policy = QSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(2)
        self.label = QLabel(figure.label)
        self.label.setObjectName("figureLabel")
        self.value = QLabel(self.value_text())
        self.value.setObjectName("figureValue")
        self.value.setTextFormat(Qt.RichText)
        self.hint = QLabel(figure.hint or " ")
        self.hint.setObjectName("figureHint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.label)
        layout.addWidget(self.value)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        if figure.hint:
            self.setToolTip(figure.hint)

    def value_text(self) -> str:
        unit = f"<span style='font-size:10pt; font-weight:normal; color:#666'>&nbsp;{self.figure.unit}</span>" \
            if self.figure.unit else ""
        return f"{self.figure.value}{unit}"

    def plain_text(self) -> str:
        return f"{self.figure.value}{self.figure.unit}"


class HomeView(QWidget):
    """The first page. ``action_requested`` carries "new_member", "import" or "profile"."""

    action_requested = Signal(str)
    figures_shown = Signal()  # the figures (counted on a worker thread or not) are in the cards

    def __init__(self, context, parent: QWidget | None = None, *, today: dt.date | None = None,
                 threaded: bool | None = None, deferred: bool = False):
        """``threaded``: count the figures on a worker thread (None: only on a large union). ``deferred``: the
        first threaded count waits for :meth:`start_deferred` (the main window calls it after its first paint;
        a fallback timer starts it otherwise)."""
        super().__init__(parent)
        self.context = context
        self._today = today
        self.threaded = threaded
        self.job = None
        self._again = False
        self._deferred = deferred
        self.cards: list[FigureCard] = []
        self._columns = 0
        self.figures: stats.HomeFigures | None = None

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        body = QWidget()
        body.setObjectName("homeBody")
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        layout = QVBoxLayout(body)
        layout.setContentsMargins(28, 22, 28, 22)
        layout.setSpacing(14)

        # header: union name, kind, upstream, term
        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(4)
        self.name_label = QLabel()
        self.name_label.setObjectName("unionName")
        self.name_label.setWordWrap(True)
        self.details_label = QLabel()
        self.details_label.setObjectName("mutedText")
        self.details_label.setWordWrap(True)
        titles.addWidget(self.name_label)
        titles.addWidget(self.details_label)
        header.addLayout(titles, 1)
        self.setup_button = QPushButton("填写工会信息…")
        self.setup_button.clicked.connect(lambda: self.action_requested.emit("profile"))
        header.addWidget(self.setup_button, 0, Qt.AlignTop)
        layout.addLayout(header)

        # figure cards
        self.as_of_label = QLabel()
        self.as_of_label.setObjectName("sectionTitle")
        layout.addWidget(self.as_of_label)
        self.cards_grid = QGridLayout()
        self.cards_grid.setHorizontalSpacing(12)
        self.cards_grid.setVerticalSpacing(12)
        layout.addLayout(self.cards_grid)

        # chart on the left; reminders and actions on the right
        lower = QHBoxLayout()
        lower.setSpacing(14)
        chart_box = QGroupBox("各单位在册会员")
        chart_layout = QVBoxLayout(chart_box)
        self.chart = HorizontalBarChart(chart_box, unit="人", max_bars=12)
        chart_layout.addWidget(self.chart)
        chart_note = QLabel("下级单位（工会小组等）的会员计入其所属的一级单位。")
        chart_note.setObjectName("mutedText")
        chart_note.setWordWrap(True)
        chart_layout.addWidget(chart_note)
        chart_layout.addStretch(1)
        lower.addWidget(chart_box, 3)

        side = QVBoxLayout()
        side.setSpacing(14)
        self.reminders_box = QGroupBox("提醒")
        self.reminders_layout = QVBoxLayout(self.reminders_box)
        self.reminder_labels: list[QLabel] = []
        side.addWidget(self.reminders_box)

        actions_box = QGroupBox("常用操作")
        actions = QVBoxLayout(actions_box)
        for text, key in (("新增会员", "new_member"), ("导入会员名册…", "import"), ("工会信息…", "profile")):
            button = QPushButton(text)
            button.clicked.connect(lambda checked=False, k=key: self.action_requested.emit(k))
            actions.addWidget(button)
        side.addWidget(actions_box)
        side.addStretch(1)
        lower.addLayout(side, 2)
        layout.addLayout(lower)
        layout.addStretch(1)

        self.set_reminders([])
        context.members_changed.connect(self.refresh)
        context.profile_changed.connect(self.refresh)
        context.visits_changed.connect(self.refresh)  # the care figures
        if deferred and self._use_thread():
            self._show_header()
            self._show_pending()
        else:
            self._deferred = False
            self.refresh()

    # --- data --------------------------------------------------------------------------
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def _use_thread(self) -> bool:
        if self.threaded is not None:
            return self.threaded
        return is_large_union(self.context.conn)

    def start_deferred(self) -> None:
        """Start the count that waited for the window's first paint (nothing when none waits)."""
        if self._deferred:
            self._deferred = False
            self.refresh()

    def refresh(self) -> None:
        if self._deferred:  # the first count has not started yet: it will read the current data
            return
        self._show_header()
        if not self._use_thread():
            self.show_figures(stats.home_figures(self.context.db, self.today()))
            return
        if self.job is not None:
            self._again = True  # a change while counting: count again when this run ends
            return
        today = self.today()

        def count(db, progress, is_cancelled):
            return stats.home_figures(db, today)

        if self.figures is None:
            self._show_pending()
        # no parent: the job may outlive the page (another database opened meanwhile)
        self.job = run_job(None, "统计首页数字", with_worker_db(self.context, count), on_done=self._counted,
                           on_error=self._failed, show_dialog=False)
        self.job.ended.connect(self._job_ended)

    def _counted(self, figures: stats.HomeFigures) -> None:
        try:
            self.show_figures(figures)
        except RuntimeError:  # the page was deleted meanwhile (another database opened)
            pass

    def _failed(self, exc: BaseException) -> None:
        try:
            self.as_of_label.setText(f"主要数字统计失败：{exc}")
        except RuntimeError:
            pass

    def _job_ended(self) -> None:
        self.job = None
        if self._again:
            self._again = False
            try:
                self.refresh()
            except RuntimeError:
                pass

    def wait(self, msecs: int = 30000) -> bool:
        """Wait for a running count (tests); its result arrives with the next processed events."""
        return self.job.wait(msecs) if self.job is not None else True

    def _show_header(self) -> None:
        profile = self.context.profile()
        if profile.is_set_up:
            self.name_label.setText(profile.name)
            parts = [f"{profile.kind}工会"]
            if profile.upstream_union:
                parts.append(f"上级工会：{profile.upstream_union}")
            if profile.term_number:
                term = f"第{profile.term_number}届委员会"
                if profile.term_elected_on or profile.term_expires_on:
                    term += f"（{profile.term_elected_on or '?'} 至 {profile.term_expires_on or '?'}）"
                parts.append(term)
            if profile.chair:
                parts.append(f"主席：{profile.chair}")
            self.details_label.setText("　·　".join(parts))
            self.setup_button.hide()
        else:
            self.name_label.setText("尚未填写工会信息")
            self.details_label.setText("请先填写本工会的名称和单位类型，报表和文书中的称呼都由此而来。")
            self.setup_button.show()

    def _show_pending(self) -> None:
        """The member figures' cards with "…", while the figures are counted."""
        today = self.today()
        self.as_of_label.setText("主要数字（正在统计…）")
        labels = ("在册会员", f"{today.year}年新入会", "女会员", "退休会员", "农民工会员")  # as stats.home_figures
        self._set_cards([stats.Figure(label, PENDING, unit="") for label in labels])
        self.chart.set_data([])
        self.chart.set_empty_text("正在统计…")

    def show_figures(self, figures: stats.HomeFigures) -> None:
        self.figures = figures
        self.as_of_label.setText(f"主要数字（统计截至 {_date_text(self.today())}）")
        self._set_cards(figures.figures)
        self.chart.set_data(figures.by_sub_unit)
        self.chart.set_empty_text("还没有会员。可在“会员”页新增会员，或导入已有的会员名册。")
        self.figures_shown.emit()

    def _set_cards(self, figures: list[stats.Figure]) -> None:
        for card in self.cards:
            self.cards_grid.removeWidget(card)
            card.deleteLater()
        self.cards = [FigureCard(figure) for figure in figures]
        self._columns = 0
        self._place_cards()

    def set_reminders(self, reminders: list[str]) -> None:
        """Show ``reminders`` (one line each), or 暂无提醒. Later modules feed this box."""
        for label in self.reminder_labels:
            self.reminders_layout.removeWidget(label)
            label.deleteLater()
        self.reminder_labels = []
        texts = reminders or ["暂无提醒"]
        for text in texts:
            label = QLabel(text)
            label.setWordWrap(True)
            if not reminders:
                label.setObjectName("mutedText")
            self.reminders_layout.addWidget(label)
            self.reminder_labels.append(label)
        if not reminders:
            note = QLabel("生日、退休、换届、提案逾期等提醒会在相应模块完成后显示在这里。")
            note.setObjectName("mutedText")
            note.setWordWrap(True)
            self.reminders_layout.addWidget(note)
            self.reminder_labels.append(note)

    def set_reminders_widget(self, widget: QWidget) -> None:
        """Let a module's widget (the care reminders list) take the place of the text lines."""
        for label in self.reminder_labels:
            label.hide()
        self.reminders_layout.addWidget(widget)
        self.reminders_widget = widget

    def figure_texts(self) -> dict[str, str]:
        """{label: "123人"} of the cards shown (used by tests and accessibility)."""
        return {card.figure.label: card.plain_text() for card in self.cards}

    # --- layout ------------------------------------------------------------------------
    def _place_cards(self) -> None:
        available = max(self.width() - 56, CARD_MIN_WIDTH)
        columns = max(1, min(len(self.cards) or 1, available // (CARD_MIN_WIDTH + 12), 6))
        if columns == self._columns:
            return
        self._columns = columns
        for card in self.cards:
            self.cards_grid.removeWidget(card)
        for i, card in enumerate(self.cards):
            self.cards_grid.addWidget(card, i // columns, i % columns)
        for column in range(6):
            self.cards_grid.setColumnStretch(column, 1 if column < columns else 0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_cards()
