"""The 审查 and 办理与答复 tabs of the proposal dialog (:mod:`gonghui_desk.ui.proposal_dialog`).

* :class:`ReviewSection` — the committee's review: 待审查 / 立案 / 不立案 (its reason) / 转为意见建议 / 并案 into a 立案
  proposal of the same session chosen from a list; reviewer and date; 保存审查结果. 拆分为多件… asks the dialog to
  split the proposal (``split_requested``; a proposal that cannot be split says why in the message line). The
  links 并入 (to the proposal it was merged into), 并入本案的提案 (the ones merged into it), 由…拆分 (the proposal
  it was split off) and 拆分出 (the ones split off it) ask the dialog to open the other proposal
  (``open_requested(id)``).
* :class:`RoundPanel` — one round of handling: 交办 (主办 department from the 承办部门 list, 协办 departments ticked
  in a list, 责任领导, 交办日期, 办理期限), the department's 答复 (text, date, 办理结果, the reason for 暂不能解决) and
  the proposer's 意见 (满意 / 基本满意 / 不满意, date, what they said). Only the latest round is editable; after
  不满意 it offers 再次交办 (``second_round_requested``) and any latest round can be voided (``void_requested``).

Every write goes through :class:`~gonghui_desk.congress.proposals.ProposalStore`: a refusal shows the store's
Chinese message under its field (ValidationError) or in the section's message line (UserError); a success emits
``written(message)`` and the dialog tells the rest of the app. Each group keeps what it loaded, so unsaved
edits are known (:meth:`is_dirty`) and saving one group keeps the others' edits.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListView,
                               QPlainTextEdit, QPushButton, QRadioButton, QVBoxLayout, QWidget)

from gonghui_desk import value_lists
from gonghui_desk.congress.proposals import (MERGED, NOT_REGISTERED, OUTCOMES, RATINGS, RESULTS, UNSOLVABLE,
                                             HandlingInput, ReplyInput, ReviewInput)
from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.members import Problem
from gonghui_desk.ui.dialogs import ERROR_COLOUR, FieldFormMixin
from gonghui_desk.ui.event_tabs import roomy
from gonghui_desk.ui.visit_dialog import DATE_PLACEHOLDER, HINT_COLOUR, WARNING_COLOUR

OUTCOME_TEXTS = {"": "待审查", "立案": "立案", "不立案": "不立案", "转意见建议": "转为意见建议", "并案": "并案（并入其他提案）"}
REASON_PLACEHOLDERS = {"立案": "可不填，如：建议由后勤保障部主办", "不立案": "必填：不予立案的理由",
                       "转意见建议": "可不填，如：属于日常工作建议，转有关部门参考",
                       "并案": "可不填，如：与所选提案内容相同，合并办理"}
_last_reviewer: dict[int, str] = {}  # the reviewer typed last for a session, offered for the next review


def _plain(height: int, placeholder: str = "") -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    edit.setPlaceholderText(placeholder)
    return edit


def top_caption(caption: QLabel) -> QLabel:
    """Put a field's caption at the top of its row (a text box, a list), not in its middle."""
    caption.parentWidget().layout().setAlignment(caption, Qt.AlignRight | Qt.AlignTop)
    return caption


def proposal_link(proposal_id: int, number: str, title: str) -> str:
    return f"<a href='{proposal_id}'>{number}</a>　{title}"


class _Section(FieldFormMixin, QWidget):
    """What the two sections share: fields with a message under each, a message line, date clean-up."""

    written = Signal(str)

    def _start(self) -> None:
        self.messages = {}
        self.widgets = {}
        self._touched = set()
        self._loading = False

    def _changed_text(self, *args) -> None:
        pass

    def _finished_text(self) -> None:
        edit = self.sender()
        if not isinstance(edit, QLineEdit) or not edit.objectName().endswith(("_on", "deadline")):
            return
        try:
            day = parse_date(edit.text())
        except DateParseError:
            return
        if day and edit.text().strip() != day.isoformat():
            edit.setText(day.isoformat())

    def _message_line(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.hide()
        return label

    _hint_line = _message_line

    def show_problems(self, problems: list[Problem], keys) -> str:
        """Each problem under its field among ``keys``; returns the text of those without a field here."""
        by_field: dict[str, list[str]] = {}
        for p in problems:
            by_field.setdefault(p.field, []).append(p.message)
        for key in keys:
            label = self.messages.get(key)
            if label is None:
                continue
            here = by_field.pop(key, None)
            label.setText("；".join(here or []))
            label.setStyleSheet(f"color: {ERROR_COLOUR};")
            label.setVisible(bool(here))
            self._mark(key, ERROR_COLOUR if here else None)
        return "；".join(m for messages in by_field.values() for m in messages)

    def say(self, label: QLabel, text: str, colour: str = ERROR_COLOUR) -> None:
        label.setText(text)
        label.setStyleSheet(f"color: {colour};")
        label.setVisible(bool(text))


# --- 审查 ------------------------------------------------------------------------------------------------
class ReviewSection(_Section):
    """The review of one proposal (see the module text)."""

    open_requested = Signal(int)
    split_requested = Signal()

    KEYS = ("outcome", "review_reason", "merged_into_id", "reviewer", "reviewed_on")

    def __init__(self, store, parent=None, *, today: dt.date):
        super().__init__(parent)
        self.store = store
        self.today = today
        self.proposal: dict | None = None
        self.read_only = False
        self._initial: tuple = ()
        self._start()
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        box = QGroupBox("提案工作委员会审查意见")
        grid = self._grid(box)
        outcomes = QWidget()
        row = QHBoxLayout(outcomes)
        row.setContentsMargins(0, 0, 0, 0)
        self.outcome_group = QButtonGroup(self)
        self.outcome_buttons: dict[str, QRadioButton] = {}
        for number, outcome in enumerate(("", *OUTCOMES)):
            button = QRadioButton(OUTCOME_TEXTS[outcome])
            self.outcome_group.addButton(button, number)
            self.outcome_buttons[outcome] = button
            row.addWidget(button)
        row.addStretch(1)
        self.outcome_group.idToggled.connect(self._outcome_toggled)
        self._place(grid, 0, 0, "outcome", outcomes, label="审查结果", span=3)
        self.merge_combo = QComboBox()
        self.merge_combo.setObjectName("field_merged_into_id")
        self.merge_combo.setMinimumContentsLength(30)
        self.merge_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.merge_caption = self._place(grid, 2, 0, "merged_into_id", self.merge_combo, label="并入提案", span=3)
        self.reason_edit = _plain(64)
        self.widgets["review_reason"] = self.reason_edit
        self.reason_caption = top_caption(self._place(grid, 4, 0, "review_reason", self.reason_edit, label="审查意见",
                                                      span=3))
        self.reviewer_edit = self._line_edit("reviewer", "如：提案工作委员会、张主任")
        self._place(grid, 6, 0, "reviewer", self.reviewer_edit, label="审查人")
        self.date_edit = self._line_edit("reviewed_on", DATE_PLACEHOLDER)
        self._place(grid, 6, 2, "reviewed_on", self.date_edit, label="审查日期")
        layout.addWidget(box)

        bottom = QHBoxLayout()
        self.message_label = self._message_line()
        bottom.addWidget(self.message_label, 1)
        bottom.addStretch(1)
        self.save_button = QPushButton("保存审查结果")
        self.save_button.clicked.connect(self.save)
        roomy(self.save_button)
        bottom.addWidget(self.save_button, 0, Qt.AlignTop)
        layout.addLayout(bottom)

        links = QGroupBox("并案情况")
        links_layout = QVBoxLayout(links)
        self.merged_into_label = QLabel()
        self.merged_from_label = QLabel()
        self.split_from_label = QLabel()
        self.split_parts_label = QLabel()
        for label in (self.merged_into_label, self.merged_from_label, self.split_from_label, self.split_parts_label):
            label.setWordWrap(True)
            label.setTextFormat(Qt.RichText)
            label.linkActivated.connect(self._link)
            links_layout.addWidget(label)
        self.links_box = links
        layout.addWidget(links)
        self.hint_label = QLabel("并案：把内容相同或相近的提案并入一件已立案的提案，两件提案都保留并互相关联；"
                                 "并入后在统计中只计被并入的那一件。")
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet(f"color: {HINT_COLOUR};")
        layout.addWidget(self.hint_label)
        split_row = QHBoxLayout()
        self.split_hint = QLabel("拆分：一件提案涉及多个事项时，可以按一事一案拆分为多件；拆分出的每一件都是一件新提案，"
                                 "单独审查、办理和统计，原提案保留并与之关联。")
        self.split_hint.setWordWrap(True)
        self.split_hint.setStyleSheet(f"color: {HINT_COLOUR};")
        split_row.addWidget(self.split_hint, 1)
        self.split_button = QPushButton("拆分为多件…")
        self.split_button.setToolTip("把本提案涉及的其他事项拆分出来，各登记为一件新提案")
        self.split_button.clicked.connect(self.request_split)
        roomy(self.split_button)
        split_row.addWidget(self.split_button, 0, Qt.AlignTop)
        layout.addLayout(split_row)
        layout.addStretch(1)

    # --- loading ---------------------------------------------------------------------------------
    def load(self, proposal: dict, merge_choices: list[tuple[int, str]], merged_into: dict | None,
             merged_from: list[dict], *, read_only: bool, split_from: dict | None = None,
             split_parts: list[dict] = ()) -> None:
        """Show the stored review; ``merge_choices`` are the session's 立案 proposals (id, text); the links
        as :meth:`show_links`."""
        self._loading = True
        self.proposal = proposal
        self.read_only = read_only
        self.outcome_buttons.get(proposal["review"], self.outcome_buttons[""]).setChecked(True)
        self.merge_combo.clear()
        if not merge_choices:
            self.merge_combo.addItem("（本次会议还没有其他已立案的提案）", None)
        else:
            self.merge_combo.addItem("（请选择要并入的提案）", None)
        for proposal_id, text in merge_choices:
            self.merge_combo.addItem(text, proposal_id)
        if proposal["merged_into_id"] is not None and self.merge_combo.findData(proposal["merged_into_id"]) < 0 \
                and merged_into:
            self.merge_combo.addItem(f"{merged_into['number']}　{merged_into['title']}", merged_into["id"])
        self.merge_combo.setCurrentIndex(max(self.merge_combo.findData(proposal["merged_into_id"]), 0))
        self.reason_edit.setPlainText(proposal["review_reason"] or "")
        self.reviewer_edit.setText(proposal["reviewer"] or _last_reviewer.get(proposal["session_id"], ""))
        self.date_edit.setText(proposal["reviewed_on"] or self.today.isoformat())
        self.show_links(merged_into, merged_from, split_from, split_parts)
        self._loading = False
        self._initial = self.state()
        self.show_problems([], self.KEYS)
        self.message_label.hide()
        self._enable()

    def show_links(self, merged_into: dict | None, merged_from: list[dict], split_from: dict | None = None,
                   split_parts: list[dict] = ()) -> None:
        """The links to the proposal this one was merged into, those merged into it, the one it was split
        off and those split off it (each proposal a dict with id, number, title)."""
        if merged_into:
            self.merged_into_label.setText("本提案已并入：" + proposal_link(merged_into["id"], merged_into["number"],
                                                                       merged_into["title"]))
        else:
            self.merged_into_label.setText("")
        self.merged_into_label.setVisible(bool(merged_into))
        if merged_from:
            self.merged_from_label.setText(f"并入本提案的提案（{len(merged_from)}件）：<br>" + "<br>".join(
                proposal_link(p["id"], p["number"], p["title"]) for p in merged_from))
        self.merged_from_label.setVisible(bool(merged_from))
        if split_from:
            self.split_from_label.setText(f"本提案由提案 <a href='{split_from['id']}'>{split_from['number']}</a>"
                                          f"（{split_from['title']}）拆分而来")
        self.split_from_label.setVisible(bool(split_from))
        if split_parts:
            self.split_parts_label.setText(f"拆分出（{len(split_parts)}件）：<br>" + "<br>".join(
                proposal_link(p["id"], p["number"], p["title"]) for p in split_parts))
        self.split_parts_label.setVisible(bool(split_parts))
        merges, splits = bool(merged_into or merged_from), bool(split_from or split_parts)
        self.links_box.setTitle("并案与拆分情况" if merges and splits else ("拆分情况" if splits else "并案情况"))
        self.links_box.setVisible(merges or splits)

    def _enable(self) -> None:
        outcome = self.outcome()
        for button in self.outcome_buttons.values():
            button.setEnabled(not self.read_only)
        self.merge_combo.setEnabled(not self.read_only)
        self.merge_combo.setVisible(outcome == MERGED)
        self.merge_caption.setVisible(outcome == MERGED)
        for widget in (self.reason_edit, self.reviewer_edit, self.date_edit):
            widget.setEnabled(not self.read_only and bool(outcome))
        self.reason_caption.setText("不立案理由 *：" if outcome == NOT_REGISTERED else "审查意见：")
        self.reason_edit.setPlaceholderText(REASON_PLACEHOLDERS.get(outcome, ""))
        self.save_button.setVisible(not self.read_only)
        self.split_button.setVisible(not self.read_only)
        self.split_hint.setVisible(not self.read_only)

    # --- values ----------------------------------------------------------------------------------
    def outcome(self) -> str:
        checked = self.outcome_group.checkedId()
        return ("", *OUTCOMES)[checked] if checked >= 0 else ""

    def review_input(self) -> ReviewInput:
        outcome = self.outcome()
        return ReviewInput(outcome=outcome, reason=self.reason_edit.toPlainText() if outcome else "",
                           merged_into_id=self.merge_combo.currentData() if outcome == MERGED else None,
                           reviewer=self.reviewer_edit.text(), reviewed_on=self.date_edit.text().strip() or None)

    def state(self) -> tuple:
        data = self.review_input()
        return (data.outcome, data.reason.strip(), data.merged_into_id, data.reviewer.strip(), data.reviewed_on)

    def is_dirty(self) -> bool:
        return self.proposal is not None and not self.read_only and self.state() != self._initial

    def _outcome_toggled(self, number: int, checked: bool) -> None:
        if checked and not self._loading:
            self._enable()
            self.show_problems([], self.KEYS)  # what was refused was about the outcome chosen before
            self.message_label.hide()
            if self.outcome() and not self.date_edit.text().strip():
                self.date_edit.setText(self.today.isoformat())

    def _link(self, target: str) -> None:
        self.open_requested.emit(int(target))

    def request_split(self) -> bool:
        """拆分为多件…: ask the dialog to open the split dialog, or say why this proposal cannot be split."""
        if self.read_only or self.proposal is None:
            return False
        refusal = self.store.split_refusal(self.proposal["id"])
        if refusal:
            self.say(self.message_label, refusal)
            return False
        self.message_label.hide()
        self.split_requested.emit()
        return True

    # --- saving ----------------------------------------------------------------------------------
    def save(self) -> bool:
        """Record the review; a refusal stays in the section (under its field or in the message line)."""
        if self.read_only or self.proposal is None:
            return False
        data = self.review_input()
        try:
            self.store.review(self.proposal["id"], data)
        except ValidationError as exc:
            rest = self.show_problems(exc.problems, self.KEYS)
            self.say(self.message_label, rest or "审查结果未保存，请按提示修改。")
            return False
        except UserError as exc:
            self.show_problems([], self.KEYS)
            self.say(self.message_label, str(exc))
            return False
        if data.reviewer.strip():
            _last_reviewer[self.proposal["session_id"]] = data.reviewer.strip()
        self.show_problems([], self.KEYS)
        outcome = OUTCOME_TEXTS[data.outcome] if data.outcome else "待审查"
        number = self.proposal["number"]
        self.written.emit(f"提案 {number} 审查结果：{outcome}" if data.outcome else f"提案 {number} 已改回待审查")
        return True


# --- one round of handling ---------------------------------------------------------------------------------
class DepartmentList(QListView):
    """The 协办 departments, ticked in a compact list of the 承办部门 values (a retired one kept)."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("field_co_departments")
        self.model_ = QStandardItemModel(self)
        self.setModel(self.model_)
        self.setFlow(QListView.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.Adjust)
        self.setSpacing(1)
        self.setEditTriggers(QListView.NoEditTriggers)
        self.setSelectionMode(QListView.NoSelection)
        self.setFixedHeight((self.fontMetrics().height() + 8) * 2 + 8)  # two rows; more scroll
        self.model_.itemChanged.connect(self._item_changed)

    def set_departments(self, names: list[str], checked: list[str]) -> None:
        self.model_.blockSignals(True)
        self.model_.clear()
        for name in list(dict.fromkeys([*names, *[c for c in checked if c not in names]])):
            item = QStandardItem(name)
            item.setCheckable(True)
            item.setEditable(False)
            item.setCheckState(Qt.Checked if name in checked else Qt.Unchecked)
            self.model_.appendRow(item)
        self.model_.blockSignals(False)
        names = [self.model_.item(r).text() for r in range(self.model_.rowCount())]
        width = max((self.fontMetrics().horizontalAdvance(n) for n in names), default=40) + 34
        self.setGridSize(QSize(width, self.fontMetrics().height() + 8))
        self.doItemsLayout()

    def checked(self) -> list[str]:
        return [self.model_.item(r).text() for r in range(self.model_.rowCount())
                if self.model_.item(r).checkState() == Qt.Checked]

    def set_checked(self, names: list[str]) -> None:
        for r in range(self.model_.rowCount()):
            item = self.model_.item(r)
            item.setCheckState(Qt.Checked if item.text() in names else Qt.Unchecked)

    def _item_changed(self, *args) -> None:
        self.changed.emit()


class RoundPanel(_Section):
    """One round of handling (see the module text). ``handling`` is the stored round, or None for a round
    to assign (``round_number`` 1: 交办; more: 再次交办 after 不满意, prefilled from ``prefill``)."""

    second_round_requested = Signal()
    void_requested = Signal(int)  # the round's handling id

    ASSIGN_KEYS = ("lead_department", "co_departments", "leader", "assigned_on", "deadline")
    REPLY_KEYS = ("reply", "replied_on", "result", "result_reason")
    RATING_KEYS = ("rating", "rated_on", "rating_notes")

    def __init__(self, context, store, proposal: dict, handling: dict | None, parent=None, *, round_number: int,
                 latest: bool, read_only: bool, today: dt.date, prefill: dict | None = None):
        super().__init__(parent)
        self.context = context
        self.store = store
        self.proposal = proposal
        self.handling = handling
        self.round_number = round_number
        self.latest = latest
        self.read_only = read_only or not latest
        self.today = today
        self._initial: dict[str, tuple] = {}
        self._start()
        self._build()
        self._load(prefill)

    @property
    def is_new(self) -> bool:
        return self.handling is None

    @property
    def handling_id(self) -> int | None:
        return self.handling["id"] if self.handling else None

    # --- building --------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.assign_box = QGroupBox("交办")
        grid = self._grid(self.assign_box)
        self.lead_combo = QComboBox()
        self.lead_combo.setObjectName("field_lead_department")
        self._place(grid, 0, 0, "lead_department", self.lead_combo, label="主办部门 *")
        self.leader_edit = self._line_edit("leader", "如：王副总经理")
        self._place(grid, 0, 2, "leader", self.leader_edit, label="责任领导")
        self.co_list = DepartmentList()
        self.widgets["co_departments"] = self.co_list
        top_caption(self._place(grid, 2, 0, "co_departments", self.co_list, label="协办部门", span=3))
        self.assigned_edit = self._line_edit("assigned_on", DATE_PLACEHOLDER)
        self._place(grid, 4, 0, "assigned_on", self.assigned_edit, label="交办日期")
        self.deadline_edit = self._line_edit("deadline", "可不填；过期未答复的提案会标红")
        self.deadline_edit.setToolTip(DATE_PLACEHOLDER)
        self._place(grid, 4, 2, "deadline", self.deadline_edit, label="办理期限")
        self.assign_message = self._message_line()
        grid.addWidget(self.assign_message, 6, 1, 1, 2)
        self.assign_hint = self._hint_line()
        grid.addWidget(self.assign_hint, 7, 1, 1, 3)
        self.assign_button = QPushButton("交办")
        self.assign_button.clicked.connect(self.save_assignment)
        grid.addWidget(self.assign_button, 6, 3, Qt.AlignRight | Qt.AlignTop)
        layout.addWidget(self.assign_box)

        self.reply_box = QGroupBox("承办部门答复")
        grid = self._grid(self.reply_box)
        self.reply_edit = _plain(72, "承办部门的答复意见（可摘录要点，原件存档）")
        self.widgets["reply"] = self.reply_edit
        top_caption(self._place(grid, 0, 0, "reply", self.reply_edit, label="答复内容", span=3))
        self.replied_edit = self._line_edit("replied_on", DATE_PLACEHOLDER)
        self._place(grid, 2, 0, "replied_on", self.replied_edit, label="答复日期")
        self.result_combo = QComboBox()
        self.result_combo.setObjectName("field_result")
        self.result_combo.addItem("（请选择）", "")
        for result in RESULTS:
            self.result_combo.addItem(result, result)
        self.result_combo.currentIndexChanged.connect(self._result_changed)
        self._place(grid, 2, 2, "result", self.result_combo, label="办理结果 *")
        self.result_reason_edit = self._line_edit("result_reason", "办理结果为“暂不能解决”时必填")
        self.result_reason_caption = self._place(grid, 4, 0, "result_reason", self.result_reason_edit,
                                                 label="未能解决的原因", span=3)
        self.reply_message = self._message_line()
        grid.addWidget(self.reply_message, 6, 1, 1, 2)
        self.reply_hint = self._hint_line()
        grid.addWidget(self.reply_hint, 7, 1, 1, 3)
        self.reply_button = QPushButton("保存答复")
        self.reply_button.clicked.connect(self.save_reply)
        grid.addWidget(self.reply_button, 6, 3, Qt.AlignRight | Qt.AlignTop)
        layout.addWidget(self.reply_box)

        self.rating_box = QGroupBox("提案人意见")
        grid = self._grid(self.rating_box)
        ratings = QWidget()
        row = QHBoxLayout(ratings)
        row.setContentsMargins(0, 0, 0, 0)
        self.rating_group = QButtonGroup(self)
        self.rating_buttons: dict[str, QRadioButton] = {}
        for number, rating in enumerate(RATINGS):
            button = QRadioButton(rating)
            self.rating_group.addButton(button, number)
            self.rating_buttons[rating] = button
            row.addWidget(button)
        row.addStretch(1)
        self._place(grid, 0, 0, "rating", ratings, label="对答复的评价")
        self.rated_edit = self._line_edit("rated_on", DATE_PLACEHOLDER)
        self._place(grid, 0, 2, "rated_on", self.rated_edit, label="评价日期")
        self.rating_notes_edit = self._line_edit("rating_notes", "提案人的具体意见，可不填")
        self._place(grid, 2, 0, "rating_notes", self.rating_notes_edit, label="具体意见", span=3)
        self.rating_message = self._message_line()
        grid.addWidget(self.rating_message, 4, 1, 1, 2)
        self.rating_hint = self._hint_line()
        grid.addWidget(self.rating_hint, 5, 1, 1, 3)
        buttons = QWidget()
        button_row = QHBoxLayout(buttons)
        button_row.setContentsMargins(0, 0, 0, 0)
        self.clear_rating_button = QPushButton("清除评价")
        self.clear_rating_button.setToolTip("评价后答复不能再修改；确需修改答复时先清除评价")
        self.clear_rating_button.clicked.connect(self.clear_rating)
        self.rate_button = QPushButton("保存评价")
        self.rate_button.clicked.connect(self.save_rating)
        button_row.addWidget(self.clear_rating_button)
        button_row.addWidget(self.rate_button)
        grid.addWidget(buttons, 4, 3, Qt.AlignRight | Qt.AlignTop)
        layout.addWidget(self.rating_box)

        bottom = QHBoxLayout()
        self.void_button = QPushButton("作废本轮办理…")
        self.void_button.setToolTip("交办录错时作废本轮办理记录（不会删除）；作废后可以重新交办或修改审查结果")
        self.void_button.clicked.connect(self._void_clicked)
        bottom.addWidget(self.void_button)
        self.next_label = QLabel()
        self.next_label.setWordWrap(True)
        self.next_label.setStyleSheet(f"color: {WARNING_COLOUR};")
        bottom.addWidget(self.next_label, 1)
        self.second_round_button = QPushButton(f"再次交办（第{self.round_number + 1}轮）…")
        self.second_round_button.clicked.connect(self.second_round_requested)
        bottom.addWidget(self.second_round_button)
        roomy(self.assign_button, self.reply_button, self.rate_button, self.clear_rating_button, self.void_button,
              self.second_round_button)
        layout.addLayout(bottom)
        layout.addStretch(1)

    # --- loading ---------------------------------------------------------------------------------
    def _load(self, prefill: dict | None) -> None:
        self._loading = True
        source = self.handling or prefill or {}
        kept = [source.get("lead_department") or "", *source.get("co_departments", [])] if self.handling else []
        departments = value_lists.values(self.context.db, "proposal.department")
        self.lead_combo.clear()
        self.lead_combo.addItem("（请选择）", "")
        for name in dict.fromkeys([*departments, *[k for k in kept if k and k not in departments]]):
            self.lead_combo.addItem(name, name)
        self.co_list.set_departments(departments, kept[1:] if self.handling else [])
        self._load_assignment(source)
        self._load_reply()
        self._load_rating()
        self._loading = False
        self._enable()

    def _load_assignment(self, source: dict) -> None:
        self.lead_combo.setCurrentIndex(max(self.lead_combo.findData(source.get("lead_department") or ""), 0))
        self.co_list.set_checked(source.get("co_departments") or [])
        self.leader_edit.setText(source.get("leader") or "")
        self.assigned_edit.setText(source.get("assigned_on") if self.handling else self.today.isoformat())
        self.deadline_edit.setText((source.get("deadline") or "") if self.handling else "")
        self._initial["assign"] = self.assignment_state()

    def _load_reply(self) -> None:
        h = self.handling or {}
        self.reply_edit.setPlainText(h.get("reply") or "")
        self.replied_edit.setText(h.get("replied_on") or (self.today.isoformat() if h else ""))
        self.result_combo.setCurrentIndex(max(self.result_combo.findData(h.get("result") or ""), 0))
        self.result_reason_edit.setText(h.get("result_reason") or "")
        self._initial["reply"] = self.reply_state()

    def _load_rating(self) -> None:
        h = self.handling or {}
        self.rating_group.setExclusive(False)
        for rating, button in self.rating_buttons.items():
            button.setChecked(rating == h.get("rating"))
        self.rating_group.setExclusive(True)
        self.rated_edit.setText(h.get("rated_on") or (self.today.isoformat() if h.get("replied_on") else ""))
        self.rating_notes_edit.setText(h.get("rating_notes") or "")
        self._initial["rating"] = self.rating_state()

    def _enable(self) -> None:
        h = self.handling or {}
        editable = not self.read_only
        replied, rated = bool(h.get("replied_on")), bool(h.get("rating"))
        for widget in (self.lead_combo, self.co_list, self.leader_edit, self.assigned_edit, self.deadline_edit):
            widget.setEnabled(editable)
        self.assign_button.setVisible(editable)
        self.say(self.assign_hint, "交办后，在这里登记承办部门的答复和提案人的意见。" if self.is_new and editable else "",
                 HINT_COLOUR)
        if self.is_new:
            self.assign_button.setText("交办" if self.round_number == 1 else f"交办第{self.round_number}轮")
        else:
            self.assign_button.setText("保存交办信息")
        self.reply_box.setVisible(not self.is_new)
        self.rating_box.setVisible(not self.is_new)
        reply_open = editable and not self.is_new and not rated
        for widget in (self.reply_edit, self.replied_edit, self.result_combo):
            widget.setEnabled(reply_open)
        unsolvable = self.result_combo.currentData() == UNSOLVABLE
        self.result_reason_edit.setVisible(unsolvable)
        self.result_reason_caption.setVisible(unsolvable)
        self.result_reason_edit.setEnabled(reply_open)
        self.reply_button.setVisible(reply_open)
        rating_open = editable and replied
        for button in self.rating_buttons.values():
            button.setEnabled(rating_open)
        for widget in (self.rated_edit, self.rating_notes_edit):
            widget.setEnabled(rating_open)
        self.rate_button.setVisible(rating_open)
        self.clear_rating_button.setVisible(rating_open and rated)
        if rated and editable:
            reply_hint = "提案人已评价，答复不能再修改；确需修改请先清除评价。"
        else:
            reply_hint = ""
        self.say(self.reply_hint, reply_hint, HINT_COLOUR)
        self.say(self.rating_hint, "答复后填写提案人意见。" if editable and not replied else "", HINT_COLOUR)
        dissatisfied = h.get("rating") == "不满意"
        self.second_round_button.setVisible(editable and dissatisfied)
        self.next_label.setText(f"提案人对第{self.round_number}轮答复不满意，可以再次交办。"
                                if editable and dissatisfied else "")
        self.void_button.setVisible(editable and not self.is_new)

    # --- values ----------------------------------------------------------------------------------
    def handling_input(self) -> HandlingInput:
        return HandlingInput(lead_department=self.lead_combo.currentData() or "",
                             co_departments=self.co_list.checked(), leader=self.leader_edit.text(),
                             assigned_on=self.assigned_edit.text().strip() or None,
                             deadline=self.deadline_edit.text().strip() or None)

    def reply_input(self) -> ReplyInput:
        return ReplyInput(reply=self.reply_edit.toPlainText(), replied_on=self.replied_edit.text().strip() or None,
                          result=self.result_combo.currentData() or "",
                          result_reason=self.result_reason_edit.text()
                          if self.result_combo.currentData() == UNSOLVABLE else "")

    def rating(self) -> str:
        checked = self.rating_group.checkedId()
        return RATINGS[checked] if checked >= 0 else ""

    def assignment_state(self) -> tuple:
        d = self.handling_input()
        return (d.lead_department, tuple(d.co_departments), d.leader.strip(), d.assigned_on, d.deadline)

    def reply_state(self) -> tuple:
        d = self.reply_input()
        return (d.reply.strip(), d.replied_on, d.result, d.result_reason.strip())

    def rating_state(self) -> tuple:
        return (self.rating(), self.rated_edit.text().strip(), self.rating_notes_edit.text().strip())

    def is_dirty(self) -> bool:
        if self.read_only:
            return False
        if self.is_new:  # a round to assign counts once a department is chosen
            return bool(self.lead_combo.currentData()) and self.assignment_state() != self._initial["assign"]
        return (self.assignment_state() != self._initial["assign"] or self.reply_state() != self._initial["reply"]
                or self.rating_state() != self._initial["rating"])

    def _result_changed(self, *args) -> None:
        if not self._loading:
            self._enable()

    # --- saving ----------------------------------------------------------------------------------
    def _write(self, action, keys, message_label: QLabel) -> bool:
        try:
            action()
        except ValidationError as exc:
            rest = self.show_problems(exc.problems, keys)
            self.say(message_label, rest or "未保存，请按提示修改。")
            return False
        except UserError as exc:
            self.show_problems([], keys)
            self.say(message_label, str(exc))
            return False
        self.show_problems([], keys)
        message_label.hide()
        return True

    def _reread(self) -> None:
        self.handling = self.store.get_handling(self.handling["id"])

    def save_assignment(self) -> bool:
        """交办 (the first round), 再次交办 (a next round after 不满意) or correct the round's assignment."""
        if self.read_only:
            return False
        data = self.handling_input()
        proposal_id, number = self.proposal["id"], self.proposal["number"]
        if self.is_new and self.round_number == 1:
            action, done = (lambda: self.store.assign(proposal_id, data)), f"提案 {number} 已交办{data.lead_department}"
        elif self.is_new:
            action = lambda: self.store.second_round(proposal_id, data)  # noqa: E731
            done = f"提案 {number} 已再次交办（第{self.round_number}轮）"
        else:
            handling_id = self.handling["id"]
            action, done = (lambda: self.store.update_handling(handling_id, data)), f"提案 {number} 的交办信息已保存"
        if not self._write(action, self.ASSIGN_KEYS, self.assign_message):
            return False
        if not self.is_new:
            self._reread()
            self._loading = True
            self._load_assignment(self.handling)
            self._loading = False
            self._enable()
        self.written.emit(done)
        return True

    def save_reply(self) -> bool:
        if self.read_only or self.is_new:
            return False
        data, handling_id = self.reply_input(), self.handling["id"]
        if not self._write(lambda: self.store.reply(handling_id, data), self.REPLY_KEYS, self.reply_message):
            return False
        self._reread()
        self._loading = True
        self._load_reply()
        if not self.rated_edit.text().strip():
            self.rated_edit.setText(self.today.isoformat())
            self._initial["rating"] = self.rating_state()
        self._loading = False
        self._enable()
        self.written.emit(f"提案 {self.proposal['number']} 已登记答复：{data.result}")
        return True

    def save_rating(self) -> bool:
        if self.read_only or self.is_new:
            return False
        rating, day, notes = self.rating(), self.rated_edit.text().strip() or None, self.rating_notes_edit.text()
        if not rating:
            self.show_problems([], self.RATING_KEYS)
            self.say(self.rating_message, "请选择提案人对答复的评价：满意、基本满意或不满意")
            return False
        handling_id = self.handling["id"]
        if not self._write(lambda: self.store.rate(handling_id, rating, day, notes), self.RATING_KEYS,
                           self.rating_message):
            return False
        self._after_rating()
        self.written.emit(f"提案 {self.proposal['number']} 提案人意见：{rating}")
        return True

    def clear_rating(self) -> bool:
        if self.read_only or self.is_new:
            return False
        handling_id = self.handling["id"]
        if not self._write(lambda: self.store.rate(handling_id, ""), self.RATING_KEYS, self.rating_message):
            return False
        self._after_rating()
        self.written.emit(f"提案 {self.proposal['number']} 的评价已清除")
        return True

    def _after_rating(self) -> None:
        self._reread()
        self._loading = True
        self._load_rating()
        self._loading = False
        self._enable()

    def _void_clicked(self) -> None:
        if self.handling_id is not None:
            self.void_requested.emit(self.handling_id)


__all__ = ["DepartmentList", "OUTCOME_TEXTS", "ReviewSection", "RoundPanel", "proposal_link", "top_caption"]
