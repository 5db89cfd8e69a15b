"""The 职代会提案 page (教代会提案 for a school): one session's proposals, their figures and their papers.

At the top, the session chooser (newest first; while there is none, a page that says so and opens
届次与代表…) and the session's dashboard (:func:`~gonghui_desk.congress.register.session_dashboard`): 收到,
立案, 立案率, 已答复, 答复率, 办结, 办结率, 满意率 and 逾期 — every rate with its base under it and in its
tooltip ("立案17件 ÷ 收到提案23件"); the 逾期 figure is red when there are any, and a click on it lists them.

Below, three tabs: the proposal list — a lazy, SQL-backed table
(:class:`~gonghui_desk.ui.proposal_models.ProposalTableModel`) filtered by 状态, 类别, 承办部门, a search on
the number, 案由 and 提案人, and 只看逾期; overdue rows are red —, and the dashboard's breakdowns by category
and by 承办部门 (model/view tables with a 合计 row, every rate's base in its tooltip).

Double-clicking a proposal (or Enter) opens it (:func:`gonghui_desk.ui.proposal_dialog.open_proposal_dialog`);
新建提案 files a new one in the session. 届次与代表… opens :class:`~gonghui_desk.ui.congress_dialog.CongressDialog`,
导入… the import wizard. 导出汇总表… / 立案一览表… write the 提案汇总表 (or 立案一览表) of the proposals listed, in
the order shown, as .xlsx; 打印… prints it; 打印提案表… prints the 提案表 of every proposal listed (one A4 page
each); 办理情况报告… drafts the 提案办理情况报告 (:func:`gonghui_desk.ui.document_editor.open_proposal_report`).
All the long work runs on a worker with progress and 取消. The page follows ``context.congress_changed``,
``members_changed`` and ``profile_changed``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QSizePolicy, QStackedWidget, QTableView, QTabWidget, QVBoxLayout, QWidget)

from gonghui_desk import value_lists
from gonghui_desk.congress.register import STATUSES, ProposalFilter, Rate, SessionDashboard, session_dashboard
from gonghui_desk.congress.store import CongressStore
from gonghui_desk.union import load_profile
from gonghui_desk.ui.exports import (PRINT_TEXT, ExportOptionsDialog, ask_export, chosen_sort, print_button,
                                     print_list, run_export, run_print, shown_table_print)
from gonghui_desk.ui.proposal_models import (OVERDUE_COLOUR, CategoryTableModel, DepartmentTableModel,
                                             ProposalTableModel, category_total)
from gonghui_desk.ui.tables import (ListPageMixin, compact_buttons, compact_table, empty_label, empty_page, list_stack,
                                    list_table, restore_sort_indicator, search_box, show_sorted)

ALL = None
UNCATEGORISED = "未分类"
RATE_HOVER_HINT = "鼠标停在比率上可看到计算式。"  # under a breakdown on screen, not on paper
REGISTERED_STATUSES = ("待交办", "办理中", "已答复", "不满意", "已办结")  # the statuses of a 立案 proposal
STATUS_GROUPS = (("已立案（全部）", REGISTERED_STATUSES), ("未答复（待交办、办理中）", ("待交办", "办理中")))

COLUMN_WIDTHS = {"number": 122, "proposer": 76, "cosigners": 128, "category": 72, "review": 112,
                 "department": 100, "deadline": 84, "status": 104}
TITLE_MIN_WIDTH = 200  # 案由 takes the room left over, never less than this

# the dashboard's figures: key, label, unit ('' for a rate)
FIGURES: tuple[tuple[str, str, str], ...] = (
    ("received", "收到", "件"),
    ("registered", "立案", "件"),
    ("filing_rate", "立案率", ""),
    ("replied", "已答复", "件"),
    ("reply_rate", "答复率", ""),
    ("completed", "办结", "件"),
    ("completion_rate", "办结率", ""),
    ("satisfaction_rate", "满意率", ""),
    ("overdue", "逾期", "件"),
)
FIGURE_TIPS = {
    "received": "本次会议收到的提案（件），并案的提案也计入",
    "registered": "审查结果为立案的提案（件）；并入其他提案的不计入",
    "replied": "立案提案中承办部门已答复的（件，最近一轮办理）",
    "completed": "立案提案中已办结的（件）：答复结果为已解决，且提案人未表示不满意",
    "overdue": "立案提案中已过承办期限仍未答复的（件）。点击只看逾期的提案",
}
RATE_DEFINITIONS = {"filing_rate": "立案率 = 立案 ÷ 收到提案", "reply_rate": "答复率 = 已答复 ÷ 立案",
                    "completion_rate": "办结率 = 办结 ÷ 立案",
                    "satisfaction_rate": "满意率 =（满意 + 基本满意）÷ 已评价"}

CARD_STYLE = """
QFrame#proposalFigure { background: #ffffff; border: 1px solid #e3e3e3; border-radius: 6px; }
QFrame#proposalFigure[overdue="true"] { background: #fdecea; border: 1px solid #f5c6c2; }
QLabel#proposalFigureLabel { color: #555; }
QLabel#proposalFigureValue { font-size: 17pt; font-weight: bold; color: #b8322a; }
QLabel#proposalFigureBase { color: #777; font-size: 8pt; }
"""


def rate_tip(key: str, rate: Rate) -> str:
    """"立案率 = 立案 ÷ 收到提案\n= 立案17件 ÷ 收到提案23件 = 73.9%"."""
    result = f" = {rate.text}" if rate.value is not None else "（基数为0，无法计算）"
    return f"{RATE_DEFINITIONS[key]}\n= {rate.base_text}{result}"


def base_lines(rate: Rate) -> str:
    """A rate's base on two lines for a narrow card: "立案17件\n÷ 收到提案23件", or with a long count label
    "满意和基本满意\n7件 ÷ 已评价8件"."""
    if len(rate.count_label) > 4:
        return f"{rate.count_label}\n{rate.count}件 ÷ {rate.base_label}{rate.base}件"
    return rate.base_text.replace(" ÷ ", "\n÷ ")


def count_hint(board: SessionDashboard, key: str) -> str:
    """The small text under a count: what it is made of."""
    if key == "received":
        parts = [f"待审查 {board.pending_review}"] if board.pending_review else []
        parts += [f"并案 {board.merged}"] if board.merged else []
        return "，".join(parts) or "均已审查"
    if key == "registered":
        parts = [f"不立案 {board.not_registered}"] if board.not_registered else []
        parts += [f"转意见建议 {board.to_suggestions}"] if board.to_suggestions else []
        return "，".join(parts) or " "
    if key == "replied":
        parts = [f"待交办 {board.to_assign}"] if board.to_assign else []
        parts += [f"办理中 {board.in_progress}"] if board.in_progress else []
        return "，".join(parts) or "立案的均已答复" if board.registered else " "
    if key == "completed":
        return f"已评价 {board.rated} 件" if board.rated else "尚无评价"
    if key == "overdue":
        return "点击查看" if board.overdue else "没有逾期"
    return " "


class FigureCard(QFrame):
    """One figure of the dashboard: its label, the value and, under it, its base or what it is made of."""

    clicked = Signal(str)

    def __init__(self, key: str, label: str, parent=None):
        super().__init__(parent)
        self.key = key
        self.setObjectName("proposalFigure")
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.setMinimumWidth(92)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(9, 6, 5, 6)
        layout.setSpacing(0)
        self.label = QLabel(label)
        self.label.setObjectName("proposalFigureLabel")
        self.value_label = QLabel("—")
        self.value_label.setObjectName("proposalFigureValue")
        self.base_label = QLabel(" ")
        self.base_label.setObjectName("proposalFigureBase")
        self.base_label.setWordWrap(True)
        layout.addWidget(self.label)
        layout.addWidget(self.value_label)
        layout.addWidget(self.base_label)
        layout.addStretch(1)

    def set_figure(self, value: str, base: str, tip: str, *, alarm: bool = False) -> None:
        self.value_label.setText(value)
        self.base_label.setText(base or " ")
        self.setToolTip(tip)
        self.setProperty("overdue", "true" if alarm else "false")
        self.value_label.setStyleSheet(f"color: {OVERDUE_COLOUR};" if alarm else "")
        self.style().unpolish(self)
        self.style().polish(self)
        self.setCursor(Qt.PointingHandCursor if self.key == "overdue" and alarm else Qt.ArrowCursor)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.LeftButton:
            self.clicked.emit(self.key)


class FigureStrip(QWidget):
    """The dashboard's cards in one row, or in two when the page is too narrow for nine side by side."""

    ONE_ROW_MIN = 9 * 112  # below this a base would wrap onto a third line

    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(6)
        self.cards = {key: FigureCard(key, label) for key, label, _unit in FIGURES}
        self.columns = 0
        self._arrange(len(FIGURES))

    def _arrange(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for card in self.cards.values():
            self.grid.removeWidget(card)
        for column in range(len(FIGURES)):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)
        for n, card in enumerate(self.cards.values()):
            self.grid.addWidget(card, n // columns, n % columns)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange(len(FIGURES) if event.size().width() >= self.ONE_ROW_MIN else (len(FIGURES) + 1) // 2)


class ExportSummaryDialog(ExportOptionsDialog):
    """What the 提案汇总表 (or 立案一览表) will hold, and 制表人."""

    def __init__(self, title: str, count: int, scope: str, prepared_by: str = "", parent=None):
        what = "立案的提案" if title == "立案一览表" else "提案"
        super().__init__(f"导出{title}", f"将导出{scope}中当前列出的 <b>{count}</b> 件{what}，按表中顺序保存为 Excel 文件，"
                         "末尾附合计（收到、立案、立案率，答复率、办结率、满意率及其基数，分类别件数）。", "",
                         masked_default=False, prepared_by=prepared_by, parent=parent, width=480)


class ProposalsView(ListPageMixin, QWidget):
    """The proposals page of the main window: the session, its dashboard, the list and the actions."""

    def __init__(self, context, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        self._today = today
        self._prepared_by = ""
        self.session_id: int | None = None
        self.sessions: list[dict] = []
        self.dashboard: SessionDashboard | None = None
        # dialogs and jobs, kept for tests (each replaced by the next one)
        self.proposal_dialog = self.congress_dialog = self.import_wizard = self.report_dialog = None
        self.export_dialog = self.export_job = self.print_job = self.print_preview_dialog = None
        self._applying = False
        self._loaded = False
        self.setStyleSheet(CARD_STYLE)
        self._build()
        self.model = ProposalTableModel(context.db, self, query=False, today=today)
        self._attach_model()
        self._reload_sessions()
        self._reload_choices()
        self._update_title()
        for signal in (context.congress_changed, context.members_changed):
            signal.connect(self.refresh)
        context.profile_changed.connect(self._profile_changed)
        context.hardship_changed.connect(self._reload_choices)  # the value lists dialog says so through it

    # --- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 10)
        outer.setSpacing(8)
        top = QHBoxLayout()
        top.setSpacing(6)
        self.title_label = QLabel("职代会提案")
        self.title_label.setObjectName("pageTitle")
        top.addWidget(self.title_label)
        top.addSpacing(12)
        caption = self.session_caption = QLabel("会议")
        top.addWidget(caption)
        self.session_combo = QComboBox()
        self.session_combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.session_combo.setToolTip("选择一次会议，查看该次会议收到的提案；最近的会议在最前")
        self.session_combo.currentIndexChanged.connect(self._session_chosen)
        caption.setBuddy(self.session_combo)
        top.addWidget(self.session_combo)
        self.session_info = QLabel()
        self.session_info.setObjectName("mutedText")
        self.session_info.setMinimumWidth(0)
        self.session_info.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # gives way first
        top.addWidget(self.session_info, 1)
        self.congress_button = QPushButton("届次与代表…")
        self.congress_button.setToolTip("设置届次、会议、代表团和代表名单，以及附议人最少人数")
        self.congress_button.clicked.connect(self.open_congress)
        self.import_button = QPushButton("导入…")
        self.import_button.setToolTip("从 Excel 表格（以前记的提案台账）批量导入提案：先逐行检查，确认后才写入")
        self.import_button.clicked.connect(self.start_import)
        self.new_button = QPushButton("新建提案")
        self.new_button.setToolTip("登记本次会议收到的一件提案（一事一案）")
        self.new_button.clicked.connect(self.new_proposal)
        for button in (self.congress_button, self.import_button, self.new_button):
            top.addWidget(button)
        outer.addLayout(top)

        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.stack.addWidget(self._build_empty_page())
        self.stack.addWidget(self._build_session_page())

    def _build_empty_page(self) -> QWidget:
        self.no_session_label = empty_label()
        self.setup_button = QPushButton("设置届次与代表…")
        self.setup_button.clicked.connect(self.open_congress)
        self.empty_page = empty_page(self.no_session_label, [self.setup_button])
        return self.empty_page

    def _build_session_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.strip = FigureStrip()
        self.cards: dict[str, FigureCard] = self.strip.cards
        for card in self.cards.values():
            card.clicked.connect(self._figure_clicked)
        layout.addWidget(self.strip)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_list_tab(), "提案列表")
        self.category_model = CategoryTableModel(self)
        self.category_table = self._breakdown_table(self.category_model)
        self.tabs.addTab(self._breakdown_tab(self.category_table, (
            "收到含并案的提案；立案率以收到的提案为基数，答复率、办结率以立案的提案为基数，满意率以已评价的为基数。"),
            "按类别统计"), "按类别统计")
        self.department_model = DepartmentTableModel(self)
        self.department_table = self._breakdown_table(self.department_model)
        self.tabs.addTab(self._breakdown_tab(self.department_table, (
            "按最近一轮办理的主办部门统计：答复率、办结率以该部门主办的立案提案为基数，满意率以其中已评价的为基数；"
            "协办为该部门协办的件数，不计入比率。"), "按承办部门统计"), "按承办部门统计")
        layout.addWidget(self.tabs, 1)

        bottom = QHBoxLayout()
        bottom.setSpacing(6)
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)
        self.count_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        bottom.addWidget(self.count_label, 1)
        self.export_button = QPushButton("导出汇总表…")
        self.export_button.setToolTip("把当前列出的提案按表中顺序导出为“提案汇总表”（Excel），末尾附合计和各项比率的基数")
        self.export_button.clicked.connect(self.start_export)
        self.registered_button = QPushButton("立案一览表…")
        self.registered_button.setToolTip("把当前列出的提案中立案的导出为“立案一览表”（Excel）")
        self.registered_button.clicked.connect(self.start_registered_export)
        print_button(self, "按当前筛选和顺序打印提案汇总表（A4 横向，先显示打印预览）")
        self.forms_button = QPushButton("打印提案表…")
        self.forms_button.setToolTip("逐件打印当前列出的提案的提案表（每件一页 A4，先显示打印预览）")
        self.forms_button.clicked.connect(self.start_print_forms)
        self.report_button = QPushButton("办理情况报告…")
        self.report_button.setToolTip("根据本次会议的提案记录起草提案办理情况报告（可修改后导出 Word）")
        self.report_button.clicked.connect(self.open_report)
        self.output_buttons = (self.export_button, self.registered_button, self.print_button, self.forms_button,
                               self.report_button)
        compact_buttons(self.output_buttons + (self.congress_button, self.import_button, self.new_button))
        for button in self.output_buttons:
            bottom.addWidget(button)
        layout.addLayout(bottom)
        self.session_page = page
        return page

    def _build_list_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        self.status_combo = self._filter_combo()
        self.status_combo.addItem("全部", ALL)
        for text, statuses in STATUS_GROUPS:
            self.status_combo.addItem(text, statuses)
        for status in STATUSES:
            self.status_combo.addItem(status, status)
        self._caption(filters, "状态", self.status_combo)
        self.category_combo = self._filter_combo()
        self._caption(filters, "类别", self.category_combo)
        self.department_combo = self._filter_combo()
        self.department_combo.setToolTip("主办或协办该提案的部门（最近一轮办理）")
        self._caption(filters, "承办部门", self.department_combo)
        self.search_edit, self.search_timer = search_box(self, "搜索编号、案由、提案人", self.apply_filters, maximum_width=280,
                                                         tip="按编号、案由中的字词或提案人的姓名（拼音、首字母）搜索，几个词用空格隔开")
        filters.addWidget(self.search_edit, 1)
        self.overdue_check = QCheckBox("只看逾期")
        self.overdue_check.setToolTip("只列出已过承办期限仍未答复的提案")
        self.overdue_check.toggled.connect(self.apply_filters)
        filters.addWidget(self.overdue_check)
        self.clear_button = QPushButton("清除筛选")
        self.clear_button.clicked.connect(self.clear_filters)
        filters.addWidget(self.clear_button)
        filters.addStretch(1)
        layout.addLayout(filters)

        self.table = list_table(self, self.open_row)
        self.empty_label = empty_label()
        self.list_stack = list_stack(self.table, self.empty_label)
        layout.addWidget(self.list_stack, 1)
        return tab

    def _breakdown_tab(self, table: QTableView, note: str, what: str) -> QWidget:
        """A breakdown table with ``note`` (its bases: on screen and on paper) and its 打印… button."""
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(table, 1)
        row = QHBoxLayout()
        label = QLabel(note + RATE_HOVER_HINT)
        label.setObjectName("mutedText")
        label.setStyleSheet("color: #6b6b6b;")
        label.setWordWrap(True)
        row.addWidget(label, 1)
        button = QPushButton(PRINT_TEXT)
        button.setToolTip(f"打印本次会议的提案{what}表（先显示打印预览）")
        button.clicked.connect(lambda checked=False: self.start_print_breakdown(table, what, note))
        row.addWidget(button, 0, Qt.AlignTop)
        layout.addLayout(row)
        table.print_button = button
        return tab

    def start_print_breakdown(self, table: QTableView, what: str, note: str = ""):
        """Print a breakdown (按类别统计 / 按承办部门统计) as the tab shows it, ``note`` (the bases of its
        rates) under the title."""
        session = self.current_session()
        if session is None or table.model().rowCount() == 0:
            return None
        printed = shown_table_print(table, title=f"{session['title']}提案{what}表",
                                    union_name=load_profile(self.context.db).name,
                                    subtitle_lines=[note] if note else [], today=self.today)
        self.print_job = run_print(self, self.context, lambda db, progress, is_cancelled: printed)
        return self.print_job

    def _breakdown_table(self, model) -> QTableView:
        table = compact_table(model)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.Stretch)
        header.setSectionResizeMode(0, QHeaderView.Interactive)
        header.resizeSection(0, 150)
        return table

    def _attach_model(self) -> None:
        header = show_sorted(self.table, self.model, COLUMN_WIDTHS, order=Qt.AscendingOrder, minimum_width=40)
        self.table.viewport().installEventFilter(self)  # 案由 follows the table's width
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        self.model.count_changed.connect(self._count_changed)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Resize:
            self._fit_title()
        return super().eventFilter(watched, event)

    def _fit_title(self) -> None:
        header = self.table.horizontalHeader()
        title = self.model.column_index["title"]
        others = sum(header.sectionSize(i) for i in range(header.count()) if i != title)
        header.resizeSection(title, max(TITLE_MIN_WIDTH, self.table.viewport().width() - others))

    def _sort_indicator_changed(self, column: int, order) -> None:
        if not self.model.sortable(column):  # the header shows the order actually used
            restore_sort_indicator(self.table, self.model)

    # --- the words of the union -----------------------------------------------------------------
    @property
    def congress_word(self) -> str:
        return self.context.profile().vocabulary.congress_short

    def page_title(self) -> str:
        """"职代会提案", or "教代会提案" for a school."""
        return f"{self.congress_word}提案"

    @property
    def title(self) -> str:
        return self.page_title()

    def _update_title(self) -> None:
        self.title_label.setText(self.page_title())
        self.no_session_label.setText(
            f"还没有届次和会议。\n先在“届次与代表”中登记第几届{self.congress_word}、这一届的会议和代表名单，"
            "再登记每次会议收到的提案。")

    def _profile_changed(self) -> None:
        self._update_title()
        self.refresh()

    # --- sessions and choices ----------------------------------------------------------------------
    def _reload_sessions(self) -> None:
        """The sessions, newest first; the one shown stays chosen when it still exists (else the newest)."""
        self.sessions = CongressStore(self.context.db, self._today).sessions()
        keep = self.session_id
        self.session_combo.blockSignals(True)
        self.session_combo.clear()
        for session in self.sessions:
            self.session_combo.addItem(f"{session['title']}（{session['proposals']}件）", session["id"])
        index = self.session_combo.findData(keep) if keep is not None else -1
        self.session_combo.setCurrentIndex(index if index >= 0 else 0 if self.sessions else -1)
        self.session_combo.blockSignals(False)
        self.session_id = self.session_combo.currentData()
        has_session = self.session_id is not None
        self.stack.setCurrentWidget(self.session_page if has_session else self.empty_page)
        self.session_combo.setVisible(has_session)
        self.session_caption.setVisible(has_session)
        self.new_button.setEnabled(has_session)
        self._update_session_info()

    def _update_session_info(self) -> None:
        session = self.current_session()
        if session is None:
            self.session_info.setText("")
            self.session_info.setToolTip("")
            return
        parts = [session["held_on"] or "日期未定"]
        if session["venue"]:
            parts.append(session["venue"])
        self.session_info.setText("　".join(parts))
        self.session_info.setToolTip(f"{session['title']}：{'，'.join(parts)}")

    def current_session(self) -> dict | None:
        for session in self.sessions:
            if session["id"] == self.session_id:
                return session
        return None

    def set_session(self, session_id: int) -> None:
        """Show another session (tests and other pages)."""
        index = self.session_combo.findData(session_id)
        if index < 0:
            raise ValueError(f"session {session_id} is not a choice")
        self.session_combo.setCurrentIndex(index)

    def _session_chosen(self, index: int) -> None:
        self.session_id = self.session_combo.itemData(index) if index >= 0 else None
        self._update_session_info()
        self._reload_choices()
        if self._loaded:
            self.refresh_dashboard()
            self.apply_filters()

    def _reload_choices(self) -> None:
        """类别 and 承办部门: the list's live values, then values still used in the session but retired."""
        db = self.context.db
        session = self.session_id if self.session_id is not None else -1
        used_categories = [r[0] for r in db.execute(
            "SELECT DISTINCT category FROM proposals WHERE session_id = ? AND voided_at IS NULL ORDER BY category",
            [session])]
        used_departments = [r[0] for r in db.execute(
            """SELECT DISTINCT d FROM (SELECT h.lead_department AS d FROM proposal_handlings h
                   JOIN proposals p ON p.id = h.proposal_id WHERE p.session_id = ? AND h.voided_at IS NULL
                   UNION SELECT co.value FROM proposal_handlings h JOIN proposals p ON p.id = h.proposal_id,
                   json_each(h.co_departments) co WHERE p.session_id = ? AND h.voided_at IS NULL) ORDER BY d""",
            [session, session])]
        for combo, key, used, first in ((self.category_combo, "proposal.category", used_categories, "全部类别"),
                                        (self.department_combo, "proposal.department", used_departments, "全部部门")):
            current = combo.currentData()
            listed = value_lists.values(db, key)
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, ALL)
            for value in listed + [v for v in used if v and v not in listed]:
                combo.addItem(value, value)
            if combo is self.category_combo and "" in used:
                combo.addItem(UNCATEGORISED, "")
            index = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    # --- filters -----------------------------------------------------------------------------
    def current_filter(self) -> ProposalFilter:
        category = self.category_combo.currentData()
        status = self.status_combo.currentData()
        if isinstance(status, list):  # a group of statuses comes back from Qt as a list
            status = tuple(status)
        return ProposalFilter(session_id=self.session_id if self.session_id is not None else -1,
                              categories=(category,) if category is not None else None,
                              status=status,
                              department=self.department_combo.currentData() or "",
                              search=self.search_edit.text().strip(), overdue_only=self.overdue_check.isChecked())

    def choose(self, combo: QComboBox, value) -> None:
        """Pick ``value`` in one of the filter combos (tests)."""
        for index in range(combo.count()):
            data = combo.itemData(index)
            if data == value or (isinstance(value, tuple) and isinstance(data, (list, tuple))
                                 and tuple(data) == value):
                combo.setCurrentIndex(index)
                return
        raise ValueError(f"{value!r} is not a choice")

    def ensure_loaded(self) -> None:
        """Read the dashboard and the rows if the page has not been shown yet."""
        if not self._loaded:
            self._loaded = True
            self.refresh_dashboard()
            self.apply_filters()

    def _reset_filters(self) -> None:
        for combo in (self.status_combo, self.category_combo, self.department_combo):
            combo.setCurrentIndex(0)
        self.overdue_check.setChecked(False)

    def is_default_filter(self) -> bool:
        return dataclasses.replace(self.current_filter(), session_id=None) == ProposalFilter()

    def show_overdue(self) -> None:
        """List only the overdue proposals (the 逾期 figure's click)."""
        self.tabs.setCurrentIndex(0)
        self.overdue_check.setChecked(True)

    def _figure_clicked(self, key: str) -> None:
        if key == "overdue" and self.dashboard is not None and self.dashboard.overdue:
            self.show_overdue()

    # --- refreshing --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the sessions, the dashboard and the rows (after a proposal, a session or a delegate changed),
        keeping the session, the filters and the current row."""
        self._reload_sessions()
        self._reload_choices()
        if not self._loaded:
            return
        current = self.current_proposal_id()
        self.refresh_dashboard()
        self.model.set_filter(self.current_filter())
        row = self.model.row_of(current) if current is not None else None
        if row is not None:
            self.table.selectRow(row)

    def refresh_dashboard(self) -> None:
        """The session's figures and breakdowns (a few SQL counts: quick even for a big session)."""
        if self.session_id is None:
            self.dashboard = None
            self.category_model.set_rows([])
            self.department_model.set_rows([])
            return
        board = session_dashboard(self.context.db, self.session_id, self.today)
        self.dashboard = board
        for key, _label, unit in FIGURES:
            value = getattr(board, key)
            if isinstance(value, Rate):
                self.cards[key].set_figure(value.text, base_lines(value), rate_tip(key, value))
            else:
                tip = FIGURE_TIPS.get(key, "")
                if key == "overdue" and board.overdue:
                    tip = f"逾期未答复 {board.overdue} 件（判断日期 {board.today}）\n{tip}"
                self.cards[key].set_figure(f"{value} {unit}", count_hint(board, key), tip,
                                           alarm=key == "overdue" and value > 0)
        self.category_model.set_rows(board.by_category, category_total(board.by_category))
        self.department_model.set_rows(board.by_department)  # no 合计: 主办 counts another base than 立案
        self.tabs.setTabText(1, f"按类别统计（{len(board.by_category)}）")
        self.tabs.setTabText(2, f"按承办部门统计（{len(board.by_department)}）")

    def figure_text(self, key: str) -> str:
        """The value a dashboard figure shows ("23 件", "73.9%")."""
        return self.cards[key].value_label.text()

    def figure_base(self, key: str) -> str:
        """The small text under a figure (a rate's base)."""
        return self.cards[key].base_label.text()

    def figure_tip(self, key: str) -> str:
        return self.cards[key].toolTip()

    def _count_changed(self, count: int) -> None:
        overdue = self.dashboard.overdue if self.dashboard is not None else 0
        text = f"列出 {count} 件" if not self.is_default_filter() else f"共 {count} 件"
        if overdue and not self.overdue_check.isChecked():
            text += f"；本次会议逾期未答复 {overdue} 件（红色显示）"
        self.count_label.setText(text if count else "")
        for button in (self.export_button, self.registered_button, self.print_button, self.forms_button):
            button.setEnabled(count > 0)
        self.report_button.setEnabled(self.session_id is not None)
        self.tabs.setTabText(0, f"提案列表（{count}）")
        if count:
            self.list_stack.setCurrentWidget(self.table)
            return
        if self.is_default_filter():
            self.empty_label.setText("这次会议还没有登记提案。\n点击“新建提案”登记收到的提案，"
                                     "或点“导入…”从 Excel 表格导入。")
        else:
            self.empty_label.setText("没有符合条件的提案。\n请换个状态、类别或部门，或点“清除筛选”。")
        self.list_stack.setCurrentWidget(self.empty_label)

    def scope_text(self, f: ProposalFilter | None = None) -> str:
        """The session and the filters in a few words, for the export dialog."""
        f = f or self.model.proposal_filter
        session = self.current_session()
        parts = [session["title"] if session else ""]
        status = self.status_combo.currentText() if self.status_combo.currentData() is not None else ""
        category = self.category_combo.currentText() if f.categories is not None else ""
        parts += [value for value in (status, category, f.department and f"{f.department}承办") if value]
        if f.overdue_only:
            parts.append("只看逾期")
        if f.search:
            parts.append(f"搜索“{f.search}”")
        return "，".join(p for p in parts if p)

    # --- actions -----------------------------------------------------------------------------
    def current_proposal_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def open_proposal(self, proposal_id: int | None):
        """The proposal in its dialog (non-blocking; kept as ``proposal_dialog``); None: a new one in the
        session shown."""
        from gonghui_desk.ui.proposal_dialog import open_proposal_dialog

        self.proposal_dialog = open_proposal_dialog(self, self.context, proposal_id, session_id=self.session_id,
                                                    today=self._today)
        return self.proposal_dialog

    def open_row(self, row: int):
        proposal_id = self.model.row_id(row)
        return self.open_proposal(proposal_id) if proposal_id is not None else None

    def open_current(self):
        index = self.table.currentIndex()
        return self.open_row(index.row()) if index.isValid() else None

    def new_proposal(self):
        if self.session_id is None:
            return None
        return self.open_proposal(None)

    def open_congress(self):
        """届次与代表… (non-blocking; kept as ``congress_dialog``)."""
        from gonghui_desk.ui.congress_dialog import open_congress_dialog

        self.congress_dialog = open_congress_dialog(self, self.context, today=self._today)
        return self.congress_dialog

    def start_import(self):
        """Open the import wizard of proposals (non-blocking); the page is read again when it closes."""
        from gonghui_desk.ui.proposal_import_wizard import ProposalImportWizard

        return self.open_import_wizard(ProposalImportWizard(self.context, path=None, parent=self, today=self._today))

    def open_report(self):
        """The draft 提案办理情况报告 of the session (non-blocking; kept as ``report_dialog``)."""
        if self.session_id is None:
            return None
        from gonghui_desk.ui.document_editor import open_proposal_report

        self.report_dialog = open_proposal_report(self, self.context, self.session_id, today=self._today)
        return self.report_dialog

    # --- export and print --------------------------------------------------------------------
    def _registered_filter(self, f: ProposalFilter) -> ProposalFilter:
        """``f`` narrowed to the 立案 proposals (what the 立案一览表 lists)."""
        chosen = (f.status,) if isinstance(f.status, str) else f.status
        statuses = tuple(s for s in REGISTERED_STATUSES if chosen is None or s in chosen)
        return dataclasses.replace(f, status=statuses)

    def _session_title(self) -> str:
        session = self.current_session()
        return session["title"] if session else ""

    def start_export(self, *, registered_only: bool = False):
        """Ask 制表人, then the file, then export the 提案汇总表 (or 立案一览表) of the proposals listed."""
        from gonghui_desk.congress.register import proposal_ids
        from gonghui_desk.exporting.proposals import SUMMARY_TITLE, default_summary_name

        f = self.model.proposal_filter
        count = self.model.rowCount()
        if registered_only:
            count = len(proposal_ids(self.context.db, self._registered_filter(f), today=self.today))
        if count == 0:
            return None
        title = "立案一览表" if registered_only else SUMMARY_TITLE
        order, descending = self.model.sort_key
        export_to = partial(self.export_to, proposal_filter=f, order=order, descending=descending,
                            registered_only=registered_only)
        return ask_export(self, ExportSummaryDialog(title, count, self.scope_text(f), self._prepared_by, self),
                          f"导出{title}", default_summary_name(self._session_title(), self.today,
                                                               registered_only=registered_only), export_to)

    def start_registered_export(self):
        return self.start_export(registered_only=True)

    def export_to(self, path: Path, proposal_filter: ProposalFilter | None = None, *, prepared_by: str = "",
                  order: str | None = None, descending: bool | None = None, registered_only: bool = False):
        from gonghui_desk.exporting.proposals import export_proposal_summary

        f = proposal_filter or self.model.proposal_filter
        order, descending = chosen_sort(self.model, order, descending)
        today = self.today

        def export(db, progress, is_cancelled):
            return export_proposal_summary(db, path, f, order=order, descending=descending,
                                           registered_only=registered_only, prepared_by=prepared_by, today=today,
                                           progress=progress, is_cancelled=is_cancelled)

        title = "立案一览表" if registered_only else "提案汇总表"
        self.export_job = run_export(self, self.context, f"正在导出{title}…", path, export, "已导出 {} 件提案".format)
        return self.export_job

    def start_print(self, *, registered_only: bool = False):
        """Build the A4 汇总表 of the proposals listed on a worker, then show the preview."""
        from gonghui_desk.exporting.proposals import proposal_summary_print_table

        f, prepared_by, today = self.model.proposal_filter, self._prepared_by, self.today
        order, descending = self.model.sort_key

        def table(db, progress, is_cancelled):
            return proposal_summary_print_table(db, f, order=order, descending=descending,
                                                registered_only=registered_only, prepared_by=prepared_by, today=today,
                                                progress=progress, is_cancelled=is_cancelled)

        return print_list(self, table)

    def start_print_forms(self):
        """The 提案表 of every proposal listed, one A4 page each, in one preview."""
        if self.model.rowCount() == 0 or self.session_id is None:
            return None
        from gonghui_desk.exporting.proposals import session_forms

        f, today, session_id = self.model.proposal_filter, self.today, self.session_id

        def forms(db, progress, is_cancelled):
            return session_forms(db, session_id, f=f, today=today, progress=progress, is_cancelled=is_cancelled)

        self.print_job = run_print(self, self.context, forms)
        return self.print_job


__all__ = ["ExportSummaryDialog", "FIGURES", "FigureCard", "ProposalsView", "REGISTERED_STATUSES", "count_hint",
           "rate_tip"]
