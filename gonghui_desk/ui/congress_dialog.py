"""届次与代表: the congress's terms, sessions, delegations and delegates, and the proposals setting.

``open_congress_dialog(parent, context, today=None)`` opens :class:`CongressDialog` without blocking. At the
top, the term (第N届, newest first) with 新建届次…, 修改… and 作废…; under it three tabs for that term:

* 会议 — its sessions (第M次, 类型, 日期, 地点, the proposal number format with an example, how many
  proposals) with the **computed** 正式代表 and 列席代表 counts (the delegates serving on the session's
  day: :meth:`CongressStore.delegate_counts`); 新建会议…, 修改…, 作废…. The session form shows a live
  example of its number format ("示例：第5届第2次-001") and says what is wrong with it.
* 代表团 — the term's delegations (代表团, 代表组 in a school) with their leader and size; 新建…, 修改…, 作废.
* 代表 — the term's delegates in a lazy table (:class:`~gonghui_desk.ui.proposal_models.DelegateTableModel`),
  filtered by delegation, role and name; 添加代表… adds members chosen in the shared
  :class:`~gonghui_desk.ui.campaign_wizard.MemberPickerDialog` with the role, delegation and (for a 补选)
  the first day chosen beside the button; 修改… changes a delegate's role, delegation, dates or notes;
  离任… ends a delegate's service with the last day and the reason; 作废… voids one added by mistake.

At the bottom, 附议人至少 N 人 (:func:`gonghui_desk.settings.min_cosigners`): fewer co-signers make the
proposal form warn. Every small form writes through :class:`~gonghui_desk.congress.store.CongressStore` when
accepted and stays open showing the store's messages when it refuses; every change calls
:func:`gonghui_desk.ui.proposal_dialog.notify_congress_changed`. Nothing blocks: the sub-dialogs are opened
with ``open()`` and kept as attributes (``term_dialog``, ``session_dialog``, ``delegation_dialog``,
``delegate_dialog``, ``end_dialog``, ``void_dialog``, ``picker``, ``confirm_box``).
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QPushButton,
                               QSpinBox, QTableView, QTabWidget, QVBoxLayout, QWidget)

from gonghui_desk import settings
from gonghui_desk.congress.store import (CONGRESS_KINDS, DEFAULT_NUMBER_FORMAT, DELEGATE_ROLES, FORMAL, NUMBER_TOKENS,
                                         CongressStore, DelegateAddResult, SessionInput, TermInput,
                                         check_number_format, chinese_numeral, format_number)
from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.ui.campaign_wizard import MemberPickerDialog
from gonghui_desk.ui.dialogs import ERROR_COLOUR, ReasonDialog, dialog_title
from gonghui_desk.ui.event_models import RowsTableModel
from gonghui_desk.ui.event_subdialogs import HintTableView
from gonghui_desk.ui.paged_model import CENTER, RIGHT
from gonghui_desk.ui.proposal_models import NO_DELEGATION, DelegateFilter, DelegateTableModel
from gonghui_desk.ui.visit_dialog import DATE_PLACEHOLDER, HINT_COLOUR, WARNING_COLOUR

TAB_KEYS = ("sessions", "delegations", "delegates")
SEARCH_DELAY_MS = 250
WARNINGS_SHOWN = 5
ALL = None


def term_text(term: dict) -> str:
    """"第五届（2025-09-21 至 2030-09-20）"."""
    dates = f"{term['started_on'] or '？'} 至 {term['ended_on'] or '？'}" if term["started_on"] or term["ended_on"] \
        else "起止日期未填"
    return f"第{chinese_numeral(term['number'])}届（{dates}）"


def number_example(number_format: str, term_number: int, session_number: int, held_on: str | None,
                   today: dt.date) -> str:
    """"第5届第2次-001" — the first proposal number the format gives (the year: the session's, else today's)."""
    try:
        year = parse_date(held_on).year if held_on and parse_date(held_on) else today.year
    except DateParseError:
        year = today.year
    return format_number(number_format, term_number, session_number, year, 1)


def add_result_text(result: DelegateAddResult, role: str, delegation: str) -> str:
    """"新增代表 3 人（正式代表，第一代表团），已是本届代表 1 人" and the warnings (the first few)."""
    where = "，".join(p for p in (role, delegation) if p)
    text = f"新增代表 {result.added} 人（{where}）"
    if result.skipped:
        text += f"，已是本届代表 {result.skipped} 人（未重复添加）"
    if result.warnings:
        shown = "；".join(result.warnings[:WARNINGS_SHOWN])
        more = f"等 {len(result.warnings)} 条" if len(result.warnings) > WARNINGS_SHOWN else ""
        text += f"。\n请注意：{shown}{more}（已照常添加）"
    return text


def _notify(context, message: str) -> None:
    from gonghui_desk.ui.proposal_dialog import notify_congress_changed

    notify_congress_changed(context, message)


def _label(text: str = "", colour: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if colour:
        label.setStyleSheet(f"color: {colour};")
    return label


def _date_edit(value: str | None, placeholder: str = DATE_PLACEHOLDER) -> QLineEdit:
    edit = QLineEdit(value or "")
    edit.setPlaceholderText(placeholder)
    return edit


# --- the small forms --------------------------------------------------------------------------------------
class StoreFormDialog(QDialog):
    """A small form whose 确定 calls ``apply()``; the store's refusal stays in ``error_label`` and marks the
    fields it names (``fields``: problem field -> widget). ``applied`` is True once it wrote."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.applied = False
        self.fields: dict[str, QWidget] = {}
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.layout_.addLayout(self.form)
        self.error_label = _label(colour=ERROR_COLOUR)
        self.error_label.hide()

    def finish(self, ok_text: str = "确定", width: int = 440) -> None:
        self.layout_.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addWidget(self.buttons)
        self.resize(width, self.sizeHint().height())

    def show_error(self, exc: Exception | None) -> None:
        for widget in self.fields.values():
            widget.setStyleSheet("")
        if exc is None:
            self.error_label.hide()
            return
        if isinstance(exc, ValidationError):
            self.error_label.setText("\n".join(f"{p.label}：{p.message}" for p in exc.problems))
            for problem in exc.problems:
                widget = self.fields.get(problem.field)
                if widget is not None:
                    widget.setStyleSheet(f"{type(widget).__name__} {{ border: 1px solid {ERROR_COLOUR}; }}")
        else:
            self.error_label.setText(str(exc))
        self.error_label.show()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def apply(self) -> None:
        raise NotImplementedError

    def accept(self) -> None:
        try:
            self.apply()
        except UserError as exc:  # ValidationError included
            self.show_error(exc)
            return
        self.applied = True
        super().accept()


class TermDialog(StoreFormDialog):
    """A new term or one of the terms: 第N届, its dates and notes. ``term_id`` is set once written."""

    def __init__(self, store: CongressStore, term: dict | None = None, parent=None, *, word: str = "职代会"):
        super().__init__(f"修改第{term['number']}届" if term else "新建届次", parent)
        self.store, self.term = store, term
        self.term_id = term["id"] if term else None
        self.number_spin = QSpinBox()
        self.number_spin.setRange(1, 99)
        self.number_spin.setPrefix("第 ")
        self.number_spin.setSuffix(" 届")
        live = [t["number"] for t in store.terms()]
        self.number_spin.setValue(term["number"] if term else (max(live) + 1 if live else 1))
        self.form.addRow(f"{word}届次：", self.number_spin)
        self.start_edit = _date_edit(term["started_on"] if term else "", "本届选举产生的日期，如 2025-09-21")
        self.form.addRow("开始日期：", self.start_edit)
        self.end_edit = _date_edit(term["ended_on"] if term else "", "届满日期，可不填")
        self.form.addRow("结束日期：", self.end_edit)
        self.notes_edit = QLineEdit(term["notes"] if term else "")
        self.form.addRow("备注：", self.notes_edit)
        self.fields = {"number": self.number_spin, "started_on": self.start_edit, "ended_on": self.end_edit}
        self.form.addRow("", _label("届次的起止日期用来检查会议日期和代表的任职日期；一般每届五年。", HINT_COLOUR))
        self.finish("保存")

    def term_input(self) -> TermInput:
        return TermInput(self.number_spin.value(), self.start_edit.text().strip() or None,
                         self.end_edit.text().strip() or None, self.notes_edit.text())

    def apply(self) -> None:
        if self.term_id is None:
            self.term_id = self.store.create_term(self.term_input())
        else:
            self.store.update_term(self.term_id, self.term_input())


class SessionDialog(StoreFormDialog):
    """A new session of a term or one of its sessions: 第M次, 类型, 日期, 地点, the proposal number format
    (with its example, live), notes. ``session_id`` is set once written."""

    def __init__(self, store: CongressStore, term: dict, session: dict | None = None, parent=None, *,
                 today: dt.date | None = None):
        super().__init__(f"修改{session['title']}" if session else f"新建第{chinese_numeral(term['number'])}届的会议",
                         parent)
        self.store, self.term, self.session = store, term, session
        self.session_id = session["id"] if session else None
        self.today = today or dt.date.today()
        self.form.addRow("届次：", QLabel(f"第{chinese_numeral(term['number'])}届"))
        self.number_spin = QSpinBox()
        self.number_spin.setRange(1, 99)
        self.number_spin.setPrefix("第 ")
        self.number_spin.setSuffix(" 次会议")
        numbers = [s["number"] for s in store.sessions(term["id"])]
        self.number_spin.setValue(session["number"] if session else (max(numbers) + 1 if numbers else 1))
        if session and session["proposals"]:
            self.number_spin.setEnabled(False)
            self.number_spin.setToolTip(f"该会议已有{session['proposals']}件提案，提案编号中含会议次数，不能再修改")
        self.form.addRow("会议次数：", self.number_spin)
        self.kind_combo = QComboBox()
        kinds = list(CONGRESS_KINDS)
        current_kind = session["kind"] if session else store.congress_word()
        if current_kind not in kinds:
            kinds.append(current_kind)
        self.kind_combo.addItems(kinds)
        self.kind_combo.setCurrentText(current_kind)
        self.form.addRow("会议类型：", self.kind_combo)
        self.date_edit = _date_edit(session["held_on"] if session else "", "如 2026-03-20；可先不填")
        self.form.addRow("会议日期：", self.date_edit)
        self.venue_edit = QLineEdit(session["venue"] if session else "")
        self.venue_edit.setPlaceholderText("如：学校报告厅")
        self.form.addRow("会议地点：", self.venue_edit)
        self.format_edit = QLineEdit(session["number_format"] if session else "")
        self.format_edit.setPlaceholderText(f"留空：{DEFAULT_NUMBER_FORMAT}")
        self.format_edit.setToolTip("可用：" + "、".join("{" + t + "}" for t in NUMBER_TOKENS) +
                                    "；{序号}为三位数的流水号（001），必须有。修改后只影响此后登记的提案")
        self.form.addRow("提案编号格式：", self.format_edit)
        self.example_label = _label()
        self.form.addRow("", self.example_label)
        self.form.addRow("", _label("可用：{届} {次} {年} {序号}，如“{年}-{序号}”得到“2026-001”。"
                                    "修改格式只影响此后登记的提案。", HINT_COLOUR))
        self.notes_edit = QLineEdit(session["notes"] if session else "")
        self.form.addRow("备注：", self.notes_edit)
        self.fields = {"session_number": self.number_spin, "kind": self.kind_combo, "held_on": self.date_edit,
                       "number_format": self.format_edit}
        for signal in (self.format_edit.textChanged, self.number_spin.valueChanged, self.date_edit.textChanged):
            signal.connect(self.update_example)
        self.update_example()
        self.finish("保存", 480)

    def update_example(self, *args) -> None:
        """The first number the format gives, or what is wrong with the format."""
        text = self.format_edit.text().strip()
        problem = check_number_format(text) if text else None
        if problem:
            self.example_label.setText(problem)
            self.example_label.setStyleSheet(f"color: {ERROR_COLOUR};")
            return
        example = number_example(text, self.term["number"], self.number_spin.value(), self.date_edit.text().strip(),
                                 self.today)
        self.example_label.setText(f"示例：{example}")
        self.example_label.setStyleSheet("color: #1e6e2a;")

    def example_text(self) -> str:
        return self.example_label.text()

    def session_input(self) -> SessionInput:
        return SessionInput(self.term["id"], self.number_spin.value(), self.kind_combo.currentText(),
                            self.date_edit.text().strip() or None, self.venue_edit.text(),
                            self.format_edit.text().strip(), self.notes_edit.text())

    def apply(self) -> None:
        if self.session_id is None:
            self.session_id = self.store.create_session(self.session_input())
        else:
            self.store.update_session(self.session_id, self.session_input())


class DelegationDialog(StoreFormDialog):
    """A new delegation of the term, or a delegation renamed / given another leader."""

    def __init__(self, store: CongressStore, term_id: int, delegation: dict | None = None, parent=None, *,
                 word: str = "代表团"):
        super().__init__(f"修改{word}" if delegation else f"新建{word}", parent)
        self.store, self.term_id, self.delegation = store, term_id, delegation
        self.delegation_id = delegation["id"] if delegation else None
        self.name_edit = QLineEdit(delegation["name"] if delegation else "")
        self.name_edit.setPlaceholderText(f"如：第一{word}、机关{word}")
        self.form.addRow(f"{word}名称：", self.name_edit)
        self.leader_edit = QLineEdit(delegation["leader"] if delegation else "")
        self.leader_edit.setPlaceholderText("可不填")
        self.form.addRow("团长/组长：", self.leader_edit)
        self.fields = {"name": self.name_edit}
        self.finish("保存")

    def apply(self) -> None:
        if self.delegation_id is None:
            self.delegation_id = self.store.add_delegation(self.term_id, self.name_edit.text(), self.leader_edit.text())
        else:
            self.store.update_delegation(self.delegation_id, name=self.name_edit.text(),
                                         leader=self.leader_edit.text())


def fill_delegations(combo: QComboBox, delegations: list[dict], *, every: bool = False, none_text: str = "（不分团）",
                     select=None) -> None:
    """The choices of a delegation combo: (全部), each delegation, and none (data ``NO_DELEGATION`` / None)."""
    combo.blockSignals(True)
    current = combo.currentData() if select is None else select
    combo.clear()
    if every:
        combo.addItem("全部", ALL)
    for delegation in delegations:
        combo.addItem(delegation["name"], delegation["id"])
    combo.addItem(none_text, NO_DELEGATION if every else None)
    index = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)


class DelegateDialog(StoreFormDialog):
    """One delegate: 代表类别, 代表团, 任职开始 (a 补选), 任职结束, 备注."""

    def __init__(self, store: CongressStore, delegate: dict, delegations: list[dict], parent=None):
        super().__init__(f"代表 - {delegate['member_name']}", parent)
        self.store, self.delegate = store, delegate
        self.form.addRow("姓名：", QLabel(delegate["member_name"]))
        self.role_combo = QComboBox()
        self.role_combo.addItems(DELEGATE_ROLES)
        self.role_combo.setCurrentText(delegate["role"])
        self.form.addRow("代表类别：", self.role_combo)
        self.delegation_combo = QComboBox()
        fill_delegations(self.delegation_combo, delegations, select=delegate["delegation_id"] or -1)
        if delegate["delegation_id"] is None:
            self.delegation_combo.setCurrentIndex(self.delegation_combo.count() - 1)
        self.form.addRow("代表团：", self.delegation_combo)
        self.from_edit = _date_edit(delegate["from_date"], "空白：随本届当选；补选的填当选日期")
        self.form.addRow("任职开始：", self.from_edit)
        self.to_edit = _date_edit(delegate["to_date"], "空白：任职至本届结束")
        self.form.addRow("任职结束：", self.to_edit)
        self.notes_edit = QLineEdit(delegate["notes"] or "")
        self.form.addRow("备注：", self.notes_edit)
        self.fields = {"role": self.role_combo, "delegation_id": self.delegation_combo, "from_date": self.from_edit,
                       "to_date": self.to_edit}
        self.finish("保存")

    def apply(self) -> None:
        self.store.update_delegate(self.delegate["id"], role=self.role_combo.currentText(),
                                   delegation_id=self.delegation_combo.currentData(),
                                   from_date=self.from_edit.text().strip() or None,
                                   to_date=self.to_edit.text().strip() or None, notes=self.notes_edit.text())


class EndDelegateDialog(StoreFormDialog):
    """离任: the last day a delegate served and why (调离, 退休…)."""

    def __init__(self, store: CongressStore, delegate: dict, parent=None, *, today: dt.date | None = None):
        super().__init__(f"代表离任 - {delegate['member_name']}", parent)
        self.store, self.delegate = store, delegate
        self.layout_.insertWidget(0, _label(
            f"{delegate['member_name']}不再担任本届代表（调离、退休等）。离任后不再计入此后召开的会议的代表人数，"
            "以前的记录保留。", HINT_COLOUR))
        self.date_edit = _date_edit((today or dt.date.today()).isoformat())
        self.form.addRow("最后任职日：", self.date_edit)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("必填，如：调离本单位、退休")
        self.form.addRow("离任原因：", self.reason_edit)
        self.fields = {"to_date": self.date_edit, "end_reason": self.reason_edit}
        self.finish("离任")

    def apply(self) -> None:
        self.store.end_delegate(self.delegate["id"], self.date_edit.text().strip() or None, self.reason_edit.text())


# --- the dialog ---------------------------------------------------------------------------------------------
def _small_table(model, widths: dict[int, int], stretch: int | None = None) -> QTableView:
    table = HintTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
    for column, width in widths.items():
        header.resizeSection(column, width)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.Stretch)
    else:
        header.setStretchLastSection(True)
    return table


SESSION_COLUMNS = (("title", "会议"), ("kind", "类型"), ("held_on", "日期"), ("venue", "地点"),
                   ("example", "提案编号（示例）"), ("proposals", "提案"), ("formal", "正式代表"), ("attending", "列席代表"))
DELEGATION_COLUMNS = (("name", "名称"), ("leader", "团长/组长"), ("delegates", "代表人数"))


class CongressDialog(QDialog):
    """The terms, sessions, delegations and delegates of the congress, and the co-signers setting."""

    def __init__(self, context, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        self._today = today
        self.store = CongressStore(context.db, today)
        self.word = self.store.congress_word()  # 职代会 / 教代会
        self.delegation_word = "代表组" if context.profile().kind == "学校" else "代表团"
        self.terms: list[dict] = []
        self.term_id: int | None = None
        self.delegations: list[dict] = []
        self.term_dialog = self.session_dialog = self.delegation_dialog = self.delegate_dialog = None
        self.end_dialog = self.void_dialog = self.picker = self.confirm_box = None
        self.last_add_result: DelegateAddResult | None = None
        self.setWindowTitle(f"{self.word}届次与代表")
        self._build()
        self.reload()
        context.congress_changed.connect(self._congress_changed)
        context.members_changed.connect(self._congress_changed)

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    # --- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(dialog_title(f"{self.word}届次与代表"))
        top = QHBoxLayout()
        top.addWidget(QLabel("届次："))
        self.term_combo = QComboBox()
        self.term_combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.term_combo.currentIndexChanged.connect(self._term_chosen)
        top.addWidget(self.term_combo)
        self.term_info = QLabel()
        self.term_info.setStyleSheet(f"color: {HINT_COLOUR};")
        top.addWidget(self.term_info)
        top.addStretch(1)
        self.new_term_button = QPushButton("新建届次…")
        self.new_term_button.clicked.connect(self.new_term)
        self.edit_term_button = QPushButton("修改…")
        self.edit_term_button.setToolTip("修改本届的届次和起止日期")
        self.edit_term_button.clicked.connect(self.edit_term)
        self.void_term_button = QPushButton("作废…")
        self.void_term_button.setToolTip("作废误登记的届次（须先作废本届的会议）；本届的代表团和代表一并作废")
        self.void_term_button.clicked.connect(self.void_term)
        for button in (self.new_term_button, self.edit_term_button, self.void_term_button):
            top.addWidget(button)
        layout.addLayout(top)
        self.no_term_label = _label(f"还没有登记{self.word}的届次。请先点“新建届次…”登记本届（第几届、起止日期），"
                                    "再登记本届的会议、代表团和代表。", HINT_COLOUR)
        layout.addWidget(self.no_term_label)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_sessions_tab(), "会议")
        self.tabs.addTab(self._build_delegations_tab(), self.delegation_word)
        self.tabs.addTab(self._build_delegates_tab(), "代表")
        layout.addWidget(self.tabs, 1)

        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("提案的附议人至少"))
        self.min_cosigners_spin = QSpinBox()
        self.min_cosigners_spin.setRange(0, 20)
        self.min_cosigners_spin.setSuffix(" 人")
        self.min_cosigners_spin.setValue(settings.min_cosigners(self.context.db))
        self.min_cosigners_spin.setToolTip("登记提案时附议人少于此数会提醒（仍可保存）；0 表示不提醒")
        self.min_cosigners_spin.valueChanged.connect(self.set_min_cosigners)
        bottom.addWidget(self.min_cosigners_spin)
        hint = QLabel("（少于此数时提醒，不影响登记）")
        hint.setStyleSheet(f"color: {HINT_COLOUR};")
        bottom.addWidget(hint)
        bottom.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.button(QDialogButtonBox.Close).setText("关闭")
        close.rejected.connect(self.reject)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.resize(940, 620)

    def _build_sessions_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.sessions_model = RowsTableModel(SESSION_COLUMNS, self._session_cell, self,
                                             tip=self._session_tip,
                                             aligns={"kind": CENTER, "held_on": CENTER, "proposals": RIGHT,
                                                     "formal": RIGHT, "attending": RIGHT},
                                             header_tips={"formal": "会议当天在任的正式代表人数（按代表名单计算）",
                                                          "attending": "会议当天在任的列席代表人数（按代表名单计算）",
                                                          "example": "本次会议的第一件提案的编号"})
        self.sessions_table = _small_table(self.sessions_model, {0: 190, 1: 64, 2: 90, 4: 150, 5: 48, 6: 70, 7: 70},
                                           stretch=3)
        self.sessions_table.empty_text = "本届还没有会议。点“新建会议…”登记第一次会议（会议次数、日期、地点）。"
        self.sessions_table.open_requested.connect(self._session_double_clicked)
        layout.addWidget(self.sessions_table, 1)
        row = QHBoxLayout()
        self.new_session_button = QPushButton("新建会议…")
        self.new_session_button.clicked.connect(self.new_session)
        self.edit_session_button = QPushButton("修改…")
        self.edit_session_button.clicked.connect(self.edit_session)
        self.void_session_button = QPushButton("作废…")
        self.void_session_button.setToolTip("作废误登记的会议（须先作废该会议的提案）")
        self.void_session_button.clicked.connect(self.void_session)
        for button in (self.new_session_button, self.edit_session_button, self.void_session_button):
            row.addWidget(button)
        row.addSpacing(12)
        row.addWidget(_label("正式代表、列席代表人数按会议当天在任的代表计算（会议日期未定时按今天）。", HINT_COLOUR), 1)
        layout.addLayout(row)
        return tab

    def _build_delegations_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.delegations_model = RowsTableModel(DELEGATION_COLUMNS, self._delegation_cell, self,
                                                aligns={"delegates": CENTER})
        self.delegations_table = _small_table(self.delegations_model, {1: 160, 2: 90}, stretch=0)
        self.delegations_table.empty_text = (f"本届还没有{self.delegation_word}。代表较多时可按部门分成几个"
                                             f"{self.delegation_word}，点“新建{self.delegation_word}…”添加。")
        self.delegations_table.open_requested.connect(self._delegation_double_clicked)
        layout.addWidget(self.delegations_table, 1)
        row = QHBoxLayout()
        self.new_delegation_button = QPushButton(f"新建{self.delegation_word}…")
        self.new_delegation_button.clicked.connect(self.new_delegation)
        self.edit_delegation_button = QPushButton("修改…")
        self.edit_delegation_button.clicked.connect(self.edit_delegation)
        self.void_delegation_button = QPushButton("作废")
        self.void_delegation_button.setToolTip(f"作废{self.delegation_word}；其中的代表仍是本届代表，只是不再分团")
        self.void_delegation_button.clicked.connect(self.void_delegation)
        for button in (self.new_delegation_button, self.edit_delegation_button, self.void_delegation_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        return tab

    def _build_delegates_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.delegation_word))
        self.filter_delegation_combo = QComboBox()
        self.filter_delegation_combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.filter_delegation_combo.currentIndexChanged.connect(self.apply_delegate_filter)
        filters.addWidget(self.filter_delegation_combo)
        filters.addWidget(QLabel("类别"))
        self.filter_role_combo = QComboBox()
        self.filter_role_combo.addItem("全部", ALL)
        for role in DELEGATE_ROLES:
            self.filter_role_combo.addItem(role, role)
        self.filter_role_combo.currentIndexChanged.connect(self.apply_delegate_filter)
        filters.addWidget(self.filter_role_combo)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("搜索姓名、拼音首字母")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMaximumWidth(220)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_delegate_filter)
        self.search_edit.textChanged.connect(self.search_timer.start)
        filters.addWidget(self.search_edit, 1)
        self.serving_check = QCheckBox("只看今天在任的")
        self.serving_check.toggled.connect(self.apply_delegate_filter)
        filters.addWidget(self.serving_check)
        filters.addStretch(1)
        self.delegate_count_label = QLabel()
        filters.addWidget(self.delegate_count_label)
        layout.addLayout(filters)

        self.delegates_model = DelegateTableModel(self.context.db, self, query=False,
                                                  delegation_word=self.delegation_word)
        self.delegates_table = _small_table(self.delegates_model, {0: 80, 1: 170, 2: 72, 3: 110, 4: 86, 5: 86,
                                                                   7: 64}, stretch=6)
        self.delegates_table.empty_text = "本届还没有代表。选好代表类别和代表团，点“添加代表…”从会员中选择。"
        self.delegates_table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.delegates_table.open_requested.connect(self._delegate_double_clicked)
        self.delegates_model.count_changed.connect(self._delegate_count_changed)
        layout.addWidget(self.delegates_table, 1)

        add_row = QHBoxLayout()
        add_row.addWidget(QLabel("添加为"))
        self.add_role_combo = QComboBox()
        self.add_role_combo.addItems(DELEGATE_ROLES)
        add_row.addWidget(self.add_role_combo)
        add_row.addWidget(QLabel(self.delegation_word))
        self.add_delegation_combo = QComboBox()
        self.add_delegation_combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        add_row.addWidget(self.add_delegation_combo)
        add_row.addWidget(QLabel("补选日期"))
        self.add_from_edit = _date_edit("", "随本届当选不填")
        self.add_from_edit.setToolTip("随本届选举产生的代表不填；届中补选的代表填当选日期")
        self.add_from_edit.setFixedWidth(self.fontMetrics().horizontalAdvance("随本届当选不填") + 30)
        add_row.addWidget(self.add_from_edit)
        self.add_delegates_button = QPushButton("添加代表…")
        self.add_delegates_button.setToolTip("从会员中选择一人或多人，按左边所选的类别和代表团加为本届代表")
        self.add_delegates_button.clicked.connect(self.choose_delegates)
        add_row.addWidget(self.add_delegates_button)
        add_row.addStretch(1)
        self.edit_delegate_button = QPushButton("修改…")
        self.edit_delegate_button.clicked.connect(self.edit_delegate)
        self.end_delegate_button = QPushButton("离任…")
        self.end_delegate_button.setToolTip("代表调离、退休等不再担任代表：登记最后任职日和原因")
        self.end_delegate_button.clicked.connect(self.end_delegate)
        self.void_delegate_button = QPushButton("作废…")
        self.void_delegate_button.setToolTip("作废误添加的代表记录（离任的代表请用“离任…”）")
        self.void_delegate_button.clicked.connect(self.void_delegate)
        for button in (self.edit_delegate_button, self.end_delegate_button, self.void_delegate_button):
            add_row.addWidget(button)
        layout.addLayout(add_row)
        self.message_label = _label()
        self.message_label.hide()
        layout.addWidget(self.message_label)
        return tab

    # --- cells -----------------------------------------------------------------------------------
    def _session_cell(self, row: dict, key: str) -> str:
        if key == "example":
            return number_example(row["number_format"], row["term_number"], row["number"], row["held_on"], self.today)
        value = row.get(key)
        return "" if value is None else str(value)

    def _session_tip(self, row: dict, key: str) -> str:
        if key in ("formal", "attending"):
            return f"{row['counted_on']} 在任的{'正式代表' if key == 'formal' else '列席代表'}" + \
                ("（会议日期未定，按今天计算）" if not row["held_on"] else "")
        if key == "example":
            return f"编号格式：{row['number_format'] or DEFAULT_NUMBER_FORMAT}"
        if key == "title" and row["notes"]:
            return row["notes"]
        return ""

    def _delegation_cell(self, row: dict, key: str) -> str:
        value = row.get(key)
        return "" if value is None else str(value)

    # --- loading ---------------------------------------------------------------------------------
    def reload(self) -> None:
        """Terms, then the chosen term's sessions, delegations and delegates."""
        self.terms = self.store.terms()
        keep = self.term_id
        self.term_combo.blockSignals(True)
        self.term_combo.clear()
        for term in self.terms:
            self.term_combo.addItem(term_text(term), term["id"])
        index = self.term_combo.findData(keep) if keep is not None else -1
        self.term_combo.setCurrentIndex(index if index >= 0 else 0 if self.terms else -1)
        self.term_combo.blockSignals(False)
        self.term_id = self.term_combo.currentData()
        self._load_term()

    def _term_chosen(self, index: int) -> None:
        self.term_id = self.term_combo.itemData(index) if index >= 0 else None
        self._load_term()

    def current_term(self) -> dict | None:
        return next((t for t in self.terms if t["id"] == self.term_id), None)

    def _load_term(self) -> None:
        has_term = self.term_id is not None
        self.no_term_label.setVisible(not has_term)
        self.tabs.setEnabled(has_term)
        for button in (self.edit_term_button, self.void_term_button):
            button.setEnabled(has_term)
        term = self.current_term()
        self.term_info.setText(f"会议 {term['sessions']} 次，代表 {term['delegates']} 人" if term else "")
        self.reload_sessions()
        self.reload_delegations()
        self.apply_delegate_filter()

    def reload_sessions(self) -> None:
        rows = self.store.sessions(self.term_id) if self.term_id is not None else []
        rows.sort(key=lambda r: r["number"])
        for row in rows:
            counts = self.store.delegate_counts(row["id"])
            row["formal"], row["attending"], row["counted_on"] = counts.formal, counts.attending, counts.on_date
        self.sessions_model.set_rows(rows)

    def reload_delegations(self) -> None:
        self.delegations = self.store.delegations(self.term_id) if self.term_id is not None else []
        self.delegations_model.set_rows(self.delegations)
        none_text = f"（未分{self.delegation_word[-1]}）"
        fill_delegations(self.filter_delegation_combo, self.delegations, every=True, none_text=none_text)
        fill_delegations(self.add_delegation_combo, self.delegations, none_text=f"（不分{self.delegation_word[-1]}）")

    def apply_delegate_filter(self, *args) -> None:
        self.search_timer.stop()
        self.delegates_model.set_filter(DelegateFilter(
            term_id=self.term_id if self.term_id is not None else -1,
            delegation_id=self.filter_delegation_combo.currentData(), role=self.filter_role_combo.currentData(),
            search=self.search_edit.text().strip(),
            serving_on=self.today.isoformat() if self.serving_check.isChecked() else None))

    def _delegate_count_changed(self, count: int) -> None:
        if self.term_id is None:
            self.delegate_count_label.setText("")
            return
        formal, attending, ended = self.context.db.execute(
            f"""SELECT count(*) FILTER (WHERE d.role = '{FORMAL}' AND d.to_date IS NULL),
                       count(*) FILTER (WHERE d.role <> '{FORMAL}' AND d.to_date IS NULL),
                       count(*) FILTER (WHERE d.to_date IS NOT NULL)
                FROM congress_delegates d JOIN members m ON m.id = d.member_id AND m.voided_at IS NULL
                WHERE d.term_id = ? AND d.voided_at IS NULL""", [self.term_id]).fetchone()
        text = f"本届代表：正式代表 {formal} 人，列席代表 {attending} 人"
        if ended:
            text += f"，已离任 {ended} 人"
        self.delegate_count_label.setText(text + (f"；列出 {count} 人" if count != formal + attending + ended else ""))

    def _congress_changed(self) -> None:
        self.reload()

    def _changed(self, message: str) -> None:
        """After a write: tell the other pages (and this dialog, which reads everything again through
        ``congress_changed``)."""
        _notify(self.context, message)

    def set_tab(self, key: str) -> None:
        self.tabs.setCurrentIndex(TAB_KEYS.index(key))

    def current_tab(self) -> str:
        return TAB_KEYS[self.tabs.currentIndex()]

    # --- the setting --------------------------------------------------------------------------------
    def set_min_cosigners(self, count: int) -> None:
        settings.set_min_cosigners(self.context.db, count)
        self.context.status_message.emit(f"提案的附议人至少 {count} 人" if count else "提案的附议人人数不再提醒")

    # --- terms ----------------------------------------------------------------------------------------
    def _open(self, dialog: QDialog, attribute: str, on_done: Callable[[], None]) -> QDialog:
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(on_done)
        setattr(self, attribute, dialog)
        dialog.open()
        return dialog

    def new_term(self) -> TermDialog:
        return self._open(TermDialog(self.store, None, self, word=self.word), "term_dialog", self._term_saved)

    def edit_term(self) -> TermDialog | None:
        term = self.current_term()
        if term is None:
            return None
        return self._open(TermDialog(self.store, term, self, word=self.word), "term_dialog", self._term_saved)

    def _term_saved(self) -> None:
        self.term_id = self.term_dialog.term_id
        self._changed("届次已保存")

    def void_term(self) -> ReasonDialog | None:
        term = self.current_term()
        if term is None:
            return None
        dialog = ReasonDialog("作废届次", f"作废误登记的<b>第{chinese_numeral(term['number'])}届</b>：本届的{self.delegation_word}"
                              "和代表一并作废。已有会议的届次须先作废这些会议。", apply=self._void_term, parent=self)
        return self._open(dialog, "void_dialog", self._term_voided)

    def _void_term(self, reason: str) -> None:
        self.store.void_term(self.term_id, reason)

    def _term_voided(self) -> None:
        self.term_id = None
        self._changed("届次已作废")

    # --- sessions -------------------------------------------------------------------------------------
    def selected_row(self, table: QTableView) -> int | None:
        index = table.currentIndex()
        rows = table.selectionModel().selectedRows() if table.selectionModel() else []
        if rows:
            return rows[0].row()
        return index.row() if index.isValid() else None

    def current_session(self) -> dict | None:
        row = self.selected_row(self.sessions_table)
        return self.sessions_model.row_data(row) if row is not None else None

    def new_session(self) -> SessionDialog | None:
        term = self.current_term()
        if term is None:
            return None
        return self._open(SessionDialog(self.store, term, None, self, today=self._today), "session_dialog",
                          self._session_saved)

    def edit_session(self, session: dict | None = None) -> SessionDialog | None:
        term, session = self.current_term(), session or self.current_session()
        if term is None or session is None:
            return None
        return self._open(SessionDialog(self.store, term, session, self, today=self._today), "session_dialog",
                          self._session_saved)

    def _session_double_clicked(self, row: int) -> None:
        session = self.sessions_model.row_data(row)
        if session is not None:
            self.edit_session(session)

    def _session_saved(self) -> None:
        self._changed("会议已保存")
        row = self.sessions_model.row_of(self.session_dialog.session_id)
        if row is not None:
            self.sessions_table.selectRow(row)

    def void_session(self) -> ReasonDialog | None:
        session = self.current_session()
        if session is None:
            return None
        self._voiding = session["id"]
        dialog = ReasonDialog("作废会议", f"作废误登记的<b>{session['title']}</b>。已有提案的会议须先作废这些提案。",
                              apply=self._void_session, parent=self)
        return self._open(dialog, "void_dialog", partial(self._changed, "会议已作废"))

    def _void_session(self, reason: str) -> None:
        self.store.void_session(self._voiding, reason)

    # --- delegations ----------------------------------------------------------------------------------
    def current_delegation(self) -> dict | None:
        row = self.selected_row(self.delegations_table)
        return self.delegations_model.row_data(row) if row is not None else None

    def new_delegation(self) -> DelegationDialog | None:
        if self.term_id is None:
            return None
        return self._open(DelegationDialog(self.store, self.term_id, None, self, word=self.delegation_word),
                          "delegation_dialog", partial(self._changed, f"{self.delegation_word}已保存"))

    def edit_delegation(self, delegation: dict | None = None) -> DelegationDialog | None:
        delegation = delegation or self.current_delegation()
        if delegation is None:
            return None
        return self._open(DelegationDialog(self.store, self.term_id, delegation, self, word=self.delegation_word),
                          "delegation_dialog", partial(self._changed, f"{self.delegation_word}已保存"))

    def _delegation_double_clicked(self, row: int) -> None:
        delegation = self.delegations_model.row_data(row)
        if delegation is not None:
            self.edit_delegation(delegation)

    def void_delegation(self) -> QMessageBox | None:
        """Ask first (non-blocking, kept as ``confirm_box``); 作废 voids it, its delegates stay delegates."""
        delegation = self.current_delegation()
        if delegation is None:
            return None
        self._voiding = delegation["id"]
        box = QMessageBox(QMessageBox.Question, f"作废{self.delegation_word}",
                          f"作废“{delegation['name']}”？其中的 {delegation['delegates']} 名代表仍是本届代表，"
                          f"只是不再属于任何{self.delegation_word}。", QMessageBox.NoButton, self)
        box.addButton("作废", QMessageBox.DestructiveRole)
        box.addButton("取消", QMessageBox.RejectRole)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.buttonClicked.connect(self._void_delegation_answered)
        self.confirm_box = box
        box.open()
        return box

    def _void_delegation_answered(self, button) -> None:
        if self.confirm_box is not None and self.confirm_box.buttonRole(button) == QMessageBox.DestructiveRole:
            self.confirm_void_delegation()

    def confirm_void_delegation(self) -> int:
        moved = self.store.void_delegation(self._voiding)
        self._changed(f"{self.delegation_word}已作废，其中 {moved} 名代表不再分{self.delegation_word[-1]}")
        return moved

    # --- delegates ------------------------------------------------------------------------------------
    def selected_delegates(self) -> list[dict]:
        rows = sorted({index.row() for index in self.delegates_table.selectionModel().selectedRows()})
        if not rows and self.delegates_table.currentIndex().isValid():
            rows = [self.delegates_table.currentIndex().row()]
        return [r for r in (self.delegates_model.row_data(row) for row in rows) if r is not None]

    def current_delegate(self) -> dict | None:
        chosen = self.selected_delegates()
        return chosen[0] if chosen else None

    def select_delegates(self, rows) -> None:
        """Select these rows of the delegate list (tests and keyboard users)."""
        self.delegates_table.clearSelection()
        selection = self.delegates_table.selectionModel()
        for row in rows:
            selection.select(self.delegates_model.index(row, 0),
                             selection.SelectionFlag.Select | selection.SelectionFlag.Rows)

    def choose_delegates(self) -> MemberPickerDialog | None:
        """添加代表…: the member picker (non-blocking, kept as ``picker``); the members chosen are added with
        the role, delegation and 补选 date chosen beside the button."""
        if self.term_id is None:
            return None
        picker = MemberPickerDialog(self.context, exclude=self.delegates_model.member_ids(), parent=self,
                                    title=f"添加{self.add_role_combo.currentText()}")
        picker.setAttribute(Qt.WA_DeleteOnClose)
        picker.members_chosen.connect(self.add_delegates)
        self.picker = picker
        picker.open()
        return picker

    def add_delegates(self, member_ids: list[int]) -> DelegateAddResult | None:
        role = self.add_role_combo.currentText()
        delegation_id = self.add_delegation_combo.currentData()
        try:
            result = self.store.add_delegates(self.term_id, member_ids, role=role, delegation_id=delegation_id,
                                              from_date=self.add_from_edit.text().strip() or None)
        except UserError as exc:
            self.show_message(str(exc) if not isinstance(exc, ValidationError)
                              else "；".join(f"{p.label}：{p.message}" for p in exc.problems), ERROR_COLOUR)
            return None
        self.last_add_result = result
        delegation = self.add_delegation_combo.currentText() if delegation_id is not None else ""
        text = add_result_text(result, role, delegation)
        self._changed(f"新增代表 {result.added} 人")
        self.show_message(text, WARNING_COLOUR if result.warnings else "#1e6e2a")
        return result

    def show_message(self, text: str, colour: str = HINT_COLOUR) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(f"color: {colour};")
        self.message_label.setVisible(bool(text))

    def _delegate_double_clicked(self, row: int) -> None:
        delegate = self.delegates_model.row_data(row)
        if delegate is not None:
            self.edit_delegate(delegate)

    def edit_delegate(self, delegate: dict | None = None) -> DelegateDialog | None:
        delegate = delegate or self.current_delegate()
        if delegate is None:
            return None
        return self._open(DelegateDialog(self.store, delegate, self.delegations, self), "delegate_dialog",
                          partial(self._changed, f"已修改代表 {delegate['member_name']}"))

    def end_delegate(self) -> EndDelegateDialog | None:
        delegate = self.current_delegate()
        if delegate is None:
            return None
        if delegate["to_date"]:
            self.show_message(f"{delegate['member_name']}已于 {delegate['to_date']} 离任；要更正日期请点“修改…”",
                              WARNING_COLOUR)
            return None
        return self._open(EndDelegateDialog(self.store, delegate, self, today=self._today), "end_dialog",
                          partial(self._changed, f"{delegate['member_name']}已离任"))

    def void_delegate(self) -> ReasonDialog | None:
        delegate = self.current_delegate()
        if delegate is None:
            return None
        self._voiding = delegate["id"]
        dialog = ReasonDialog("作废代表记录", f"作废误添加的代表<b>{delegate['member_name']}</b>（{delegate['role']}）。"
                              "代表调离、退休等请用“离任…”，不要作废。", apply=self._void_delegate, parent=self)
        return self._open(dialog, "void_dialog", partial(self._changed, f"已作废代表 {delegate['member_name']}"))

    def _void_delegate(self, reason: str) -> None:
        self.store.void_delegate(self._voiding, reason)


def open_congress_dialog(parent: QWidget | None, context, today: dt.date | None = None) -> CongressDialog:
    """Open (without blocking) the 届次与代表 dialog over ``parent``; it deletes itself when closed."""
    dialog = CongressDialog(context, parent, today=today)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog


__all__ = ["CongressDialog", "DelegateDialog", "DelegationDialog", "EndDelegateDialog", "SessionDialog",
           "StoreFormDialog", "TAB_KEYS", "TermDialog", "add_result_text", "number_example", "open_congress_dialog",
           "term_text"]
