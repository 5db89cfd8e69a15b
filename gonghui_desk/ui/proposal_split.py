"""拆分提案: the small dialog of the proposal dialog's 审查 tab that splits a proposal raising several matters
into several (一事一案), through :meth:`~gonghui_desk.congress.proposals.ProposalStore.split`.

:class:`SplitDialog` lists the parts to split off, one :class:`SplitPartBox` each — 案由 (required), 类别 (the
original's at first), 理由, 办法和措施 — with 增加一件 and 移除 (one part at least stays). 拆分 hands them to the
store: a refusal shows inline, a part's problem under that part's field (the store's
:class:`~gonghui_desk.congress.proposals.PartProblem` says which part), any other in the message line; the dialog
stays open. On success it emits ``split_done(ids)`` and closes. Closing with typed parts asks first
(``discard_box``). Each new proposal takes the original's proposer, co-signers and submitted date and the next
numbers of the session; the original stays.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFrame, QGroupBox, QHBoxLayout, QLabel,
                               QPlainTextEdit, QPushButton, QScrollArea, QVBoxLayout, QWidget)

from gonghui_desk import value_lists
from gonghui_desk.congress.proposals import SPLIT_PART_FIELDS, PartProblem, SplitPart
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.ui.dialogs import ERROR_COLOUR, FieldFormMixin, UnsavedChangesMixin, dialog_title
from gonghui_desk.ui.event_tabs import roomy
from gonghui_desk.ui.proposal_sections import top_caption
from gonghui_desk.ui.visit_dialog import HINT_COLOUR

TEXT_HEIGHT = 46  # 理由, 办法和措施: three lines, the part stays compact


def _plain(placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(TEXT_HEIGHT)
    edit.setPlaceholderText(placeholder)
    return edit


class SplitPartBox(FieldFormMixin, QGroupBox):
    """One part to split off: its fields with a message under each, and 移除 (``remove_requested``)."""

    remove_requested = Signal(object)  # the box

    def __init__(self, categories: list[str], category: str, parent=None):
        super().__init__(parent)
        self.messages = {}
        self.widgets = {}
        grid = self._grid(self)
        self.title_edit = self._line_edit("title", "拆分出的这件提案的案由，如：关于增设停车位的建议")
        self._place(grid, 0, 0, "title", self.title_edit, label="案由 *", span=3)
        self.remove_button = QPushButton("移除这一件")
        self.remove_button.setToolTip("不拆分出这一件")
        self.remove_button.clicked.connect(self._remove_clicked)
        grid.addWidget(self.remove_button, 2, 3, Qt.AlignRight)
        self.category_combo = QComboBox()
        self.category_combo.setObjectName("field_category")
        self.category_combo.addItem("（不分类）", "")
        for value in categories:
            self.category_combo.addItem(value, value)
        if category and category not in categories:
            self.category_combo.addItem(category, category)  # the original's, retired since
        self.category_combo.setCurrentIndex(max(self.category_combo.findData(category), 0))
        self._place(grid, 2, 0, "category", self.category_combo, label="提案类别")
        self.reason_edit = _plain("可不填，审查后再补充")
        self.widgets["reason"] = self.reason_edit
        top_caption(self._place(grid, 4, 0, "reason", self.reason_edit, label="理由", span=3))
        self.measures_edit = _plain("可不填")
        self.widgets["measures"] = self.measures_edit
        top_caption(self._place(grid, 6, 0, "measures", self.measures_edit, label="办法和措施", span=3))
        roomy(self.remove_button)

    def _changed_text(self, *args) -> None:
        pass

    def _finished_text(self) -> None:
        pass

    def _remove_clicked(self) -> None:
        self.remove_requested.emit(self)

    def part(self) -> SplitPart:
        return SplitPart(self.title_edit.text(), self.category_combo.currentData() or "",
                         self.reason_edit.toPlainText(), self.measures_edit.toPlainText())

    def is_blank(self) -> bool:
        part = self.part()
        return not (part.title.strip() or part.reason.strip() or part.measures.strip())

    def show_problems(self, problems: list[PartProblem]) -> None:
        by_field: dict[str, list[str]] = {}
        for p in problems:
            by_field.setdefault(p.field, []).append(p.message)
        for key in SPLIT_PART_FIELDS:
            here = by_field.get(key)
            label = self.messages[key]
            label.setText("；".join(here or []))
            label.setStyleSheet(f"color: {ERROR_COLOUR};")
            label.setVisible(bool(here))
            self._mark(key, ERROR_COLOUR if here else None)


class SplitDialog(UnsavedChangesMixin, QDialog):
    """Split parts off one proposal (see the module text)."""

    split_done = Signal(list)  # the new proposals' ids, in the order of the parts

    def __init__(self, store, proposal_id: int, parent=None):
        super().__init__(parent)
        self.store = store
        self.proposal_id = proposal_id
        self.proposal = store.get(proposal_id)
        self.categories = value_lists.values(store.db, "proposal.category")
        self.parts: list[SplitPartBox] = []
        self.new_ids: list[int] = []
        self.setWindowTitle(f"拆分提案 {self.proposal['number']}")
        self.setSizeGripEnabled(True)
        self._build()
        self.add_part()
        self.resize(720, 640)

    @property
    def is_voided(self) -> bool:
        return False

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(dialog_title("拆分为多件提案"))
        p = self.proposal
        original = QLabel(f"原提案：{p['number']}　{p['title']}")
        original.setWordWrap(True)
        original.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(original)
        explain = QLabel("一件提案涉及多个事项时，按一事一案的原则拆分。下面每一件都登记为本次会议的一件新提案，"
                         "编号接续编排，提案人、附议人和提交日期与原提案相同，审查结果为待审查，统计时各算一件。"
                         "原提案保留，拆分后可以在“提案内容”页把它的案由改为剩下的事项。")
        explain.setWordWrap(True)
        explain.setStyleSheet(f"color: {HINT_COLOUR};")
        layout.addWidget(explain)

        self.parts_widget = QWidget()
        self.parts_layout = QVBoxLayout(self.parts_widget)
        self.parts_layout.setContentsMargins(0, 0, 0, 0)
        self.parts_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        self.scroll.setWidget(self.parts_widget)
        layout.addWidget(self.scroll, 1)

        row = QHBoxLayout()
        self.add_button = QPushButton("增加一件")
        self.add_button.clicked.connect(self.add_part)
        roomy(self.add_button)
        row.addWidget(self.add_button)
        self.count_label = QLabel()
        self.count_label.setStyleSheet(f"color: {HINT_COLOUR};")
        row.addWidget(self.count_label, 1)
        layout.addLayout(row)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.message_label.hide()
        layout.addWidget(self.message_label)
        self.buttons = QDialogButtonBox()
        self.split_button = self.buttons.addButton("拆分", QDialogButtonBox.AcceptRole)
        self.split_button.setDefault(True)
        self.split_button.clicked.connect(self.split)
        self.cancel_button = self.buttons.addButton("取消", QDialogButtonBox.RejectRole)
        self.cancel_button.clicked.connect(self.reject)
        roomy(self.split_button, self.cancel_button)
        layout.addWidget(self.buttons)

    # --- parts ---------------------------------------------------------------------------------
    def add_part(self) -> SplitPartBox:
        box = SplitPartBox(self.categories, self.proposal["category"])
        box.remove_requested.connect(self.remove_part)
        self.parts.append(box)
        self.parts_layout.insertWidget(self.parts_layout.count() - 1, box)
        self._renumber()
        box.title_edit.setFocus()
        if len(self.parts) > 1:
            self.scroll.ensureWidgetVisible(box)
        return box

    def remove_part(self, box: SplitPartBox) -> None:
        if len(self.parts) <= 1 or box not in self.parts:
            return
        self.parts.remove(box)
        self.parts_layout.removeWidget(box)
        box.hide()
        box.deleteLater()
        self._renumber()
        self.message_label.hide()

    def _renumber(self) -> None:
        for number, box in enumerate(self.parts, 1):
            box.setTitle(f"拆分出的第{number}件")
            box.remove_button.setVisible(len(self.parts) > 1)
        self.count_label.setText(f"将拆分出 {len(self.parts)} 件新提案；原提案保留。")

    def split_parts(self) -> list[SplitPart]:
        return [box.part() for box in self.parts]

    def is_dirty(self) -> bool:
        return not self.new_ids and any(not box.is_blank() for box in self.parts)

    # --- splitting -----------------------------------------------------------------------------
    def split(self) -> list[int] | None:
        """Hand the parts to the store; refusals stay in the dialog."""
        try:
            ids = self.store.split(self.proposal_id, self.split_parts())
        except ValidationError as exc:
            for index, box in enumerate(self.parts):
                box.show_problems([p for p in exc.problems if isinstance(p, PartProblem) and p.part == index])
            rest = [p.message for p in exc.problems if not isinstance(p, PartProblem)]
            self._say("；".join(rest) or "未拆分，请按提示修改。")
            first = next((self.parts[p.part] for p in exc.problems if isinstance(p, PartProblem)), None)
            if first is not None:
                self.scroll.ensureWidgetVisible(first)
            return None
        except UserError as exc:
            for box in self.parts:
                box.show_problems([])
            self._say(str(exc))
            return None
        self.new_ids = ids
        self.split_done.emit(ids)
        self.accept()
        return ids

    def _say(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))


__all__ = ["SplitDialog", "SplitPartBox"]
