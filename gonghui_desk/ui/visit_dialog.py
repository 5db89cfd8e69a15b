"""The visit form (登记慰问): one care visit, checked as it is typed.

``VisitDialog(context, visit_id=None, *, member_id=None, occasion_name=None, event_date=None)``
edits a recorded visit or, with ``visit_id=None``, records a new one (optionally prefilled from
a reminder). The values go through ``VisitStore.normalize`` as the user types: each problem is
shown in red under its field and 保存 stays disabled while there is one. The union's money rules
(``VisitStore.check_rules``: caps, yearly caps, the same illness twice, a payment form that is not
allowed, a member off the roll) are shown live in an amber box; saving past them needs a reason,
which is kept with the record. A mistaken record is voided with a reason, never deleted.

The member is chosen with :class:`MemberPicker`: a search box whose popup lists at most
:data:`PICKER_LIMIT` matching members (by name, pinyin, initials, phone or ID fragment) with
their department, so 100,000 names are never loaded into a widget.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractListModel, QModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (QCheckBox, QComboBox, QCompleter, QDialog, QDialogButtonBox, QFrame, QGroupBox,
                               QHBoxLayout, QLabel, QLayout, QLineEdit, QPlainTextEdit, QPushButton, QStyle,
                               QStyledItemDelegate, QVBoxLayout, QWidget)

from gonghui_desk.care import FUND_SOURCES, PAYMENT_FORMS, RELATIONS
from gonghui_desk.care.occasions import DEFAULT_FORMS, Occasion, get_occasion, list_occasions
from gonghui_desk.care.visits import VISIT_FIELD_LABELS, RuleOverrideRequired, RuleWarning, VisitInput, VisitStore
from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.db.member_queries import MemberFilter, member_ids, member_rows
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.idcard import mask_id_number
from gonghui_desk.members import Problem
from gonghui_desk.money import MoneyParseError, parse_money, yuan_text
from gonghui_desk.ui.workers import show_error
from gonghui_desk.union import sub_unit_paths

WARNING_COLOUR = "#b9770e"
from gonghui_desk.ui.dialogs import ERROR_COLOUR, FieldFormMixin, ReasonDialog, UnsavedChangesMixin

HINT_COLOUR = "#6b6b6b"
PICKER_LIMIT = 30
SEARCH_DELAY_MS = 150
DATE_PLACEHOLDER = "如 2024-05-03 或 2024.5.3"
NOT_ALLOWED_SUFFIX = "（不在允许范围）"
RULE_BOX_STYLE = ("QFrame#ruleBox { background: #fff8e1; border: 1px solid #f0c36d; border-radius: 4px; }"
                  "QFrame#ruleBox QLabel { border: none; background: transparent; }")

MEMBER_ID_ROLE = int(Qt.UserRole) + 1
NAME_ROLE = int(Qt.UserRole) + 2


def member_summary(row: dict, path: str) -> str:
    """"语文组 · 在册 · 110101********0013": what tells two 张伟 apart."""
    parts = [path or "（未分配部门）", row.get("status") or ""]
    if row.get("id_number"):
        parts.append(mask_id_number(row["id_number"]))
    return " · ".join(p for p in parts if p)


class MemberSearchModel(QAbstractListModel):
    """The first :data:`PICKER_LIMIT` members matching a search text (any status, not voided)."""

    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self._rows: list[tuple[int, str, str]] = []  # (id, name, summary)
        self._paths: dict[int, str] | None = None
        self.total = 0  # how many members matched (may exceed the rows shown)

    def search(self, text: str) -> None:
        self.beginResetModel()
        self._rows = []
        self.total = 0
        if text.split():
            ids = member_ids(self.db, MemberFilter(search=text), order="name")
            self.total = len(ids)
            shown = ids[:PICKER_LIMIT]
            rows = member_rows(self.db, shown)
            if self._paths is None:
                self._paths = sub_unit_paths(self.db)
            for member_id in shown:
                row = rows.get(member_id)
                if row is not None:
                    path = self._paths.get(row.get("sub_unit_id"), "")
                    self._rows.append((member_id, row["name"], member_summary(row, path)))
        self.endResetModel()

    def member_id(self, row: int) -> int | None:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        member_id, name, summary = self._rows[index.row()]
        if role == Qt.DisplayRole:
            return f"{name}　　{summary}"
        if role == MEMBER_ID_ROLE:
            return member_id
        if role in (NAME_ROLE, Qt.EditRole):
            return name
        if role in (Qt.ToolTipRole, SUMMARY_ROLE):
            return summary
        return None


SUMMARY_ROLE = int(Qt.UserRole) + 3


class MemberItemDelegate(QStyledItemDelegate):
    """A search result as two aligned columns: the name, then department · status · ID in grey."""

    def paint(self, painter, option, index) -> None:
        self.initStyleOption(option, index)
        name, summary = index.data(NAME_ROLE) or "", index.data(SUMMARY_ROLE) or ""
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.State_Selected)
        rect = option.rect.adjusted(6, 0, -6, 0)
        name_width = option.fontMetrics.horizontalAdvance("欧阳晓晓晓") + 12
        painter.save()
        painter.setPen(option.palette.color(QPalette.HighlightedText if selected else QPalette.Text))
        painter.drawText(QRect(rect.left(), rect.top(), name_width, rect.height()), Qt.AlignVCenter, name)
        painter.setPen(option.palette.color(QPalette.HighlightedText) if selected else QColor(HINT_COLOUR))
        rest = QRect(rect.left() + name_width, rect.top(), rect.width() - name_width, rect.height())
        painter.drawText(rest, Qt.AlignVCenter,
                         option.fontMetrics.elidedText(summary, Qt.ElideRight, rest.width()))
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), option.fontMetrics.height() + 8))


class MemberPicker(QWidget):
    """A search box for choosing one member; ``member_changed`` carries the id (or None)."""

    member_changed = Signal(object)

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self._member_id: int | None = None
        self._member_name = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("输入姓名、拼音首字母、手机号或身份证号的一部分，从列表中选择")
        self.edit.setClearButtonEnabled(True)
        layout.addWidget(self.edit)
        self.info_label = QLabel()
        self.info_label.setStyleSheet(f"color: {HINT_COLOUR};")
        self.info_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.info_label)

        self.model = MemberSearchModel(context.db, self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCompletionMode(QCompleter.UnfilteredPopupCompletion)
        self.completer.setCompletionRole(NAME_ROLE)
        self.completer.setMaxVisibleItems(12)
        self.delegate = MemberItemDelegate(self)
        self.completer.popup().setItemDelegate(self.delegate)
        self.completer.setWidget(self.edit)  # not setCompleter: the picker decides what the box shows
        self.completer.activated[QModelIndex].connect(self._activated)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.run_search)
        self.edit.textEdited.connect(self._text_edited)

    @property
    def member_id(self) -> int | None:
        return self._member_id

    def _text_edited(self, text: str) -> None:
        if self._member_id is not None and text.strip() != self._member_name:
            self._set(None, "")
        self.timer.start()

    def run_search(self) -> None:
        """Search for the box's text now and show the popup (also used by tests)."""
        self.timer.stop()
        text = self.edit.text()
        if self._member_id is not None and text.strip() == self._member_name:
            return
        if len(text.strip()) == 1 and text.strip().isascii():  # one letter matches a fifth of a big union
            self.model.search("")
            self.info_label.setText("请再输入一个字母，或输入姓名中的汉字")
            return
        self.model.search(text)
        if self.model.rowCount():
            more = self.model.total - self.model.rowCount()
            self.info_label.setText(f"找到 {self.model.total} 人，请从列表中选择" +
                                    (f"（还有 {more} 人未列出，请多输入几个字）" if more > 0 else ""))
            if self.edit.isVisible():
                self.completer.complete()
        else:
            self.info_label.setText("没有找到这位会员" if text.strip() else "")

    def choose(self, row: int) -> None:
        """Take the ``row``-th search result (as if clicked in the popup)."""
        member_id = self.model.member_id(row)
        if member_id is not None:
            self.set_member(member_id)

    def _activated(self, index: QModelIndex) -> None:
        self.set_member(index.data(MEMBER_ID_ROLE))
        self.completer.popup().hide()

    def set_member(self, member_id: int | None) -> None:
        if member_id is None:
            self.edit.clear()
            self._set(None, "")
            return
        member = self.context.members.get(member_id)
        if member is None:
            self._set(None, "")
            return
        self.edit.setText(member["name"])
        path = sub_unit_paths(self.context.db).get(member.get("sub_unit_id"), "")
        self._set(member_id, member["name"], member_summary(member, path))

    def _set(self, member_id: int | None, name: str, info: str = "") -> None:
        changed = member_id != self._member_id
        self._member_id, self._member_name = member_id, name
        self.info_label.setText(info)
        if changed:
            self.member_changed.emit(member_id)


class VoidVisitDialog(ReasonDialog):
    """作废 a mistaken visit record, with a reason."""

    def __init__(self, context, visit_id: int, parent=None):
        self.context = context
        self.visit_id = visit_id
        super().__init__("作废慰问记录", "作废用于<b>录错或重复登记</b>的慰问记录。作废后它不再计入台账和统计，"
                                        "但记录本身会保留，可以在修改记录中查到。",
                         placeholder="必填，例如：重复登记", apply=self._void, parent=parent, width=420)

    def _void(self, reason: str) -> None:
        VisitStore(self.context.db).void(self.visit_id, reason)
        self.context.visits_changed.emit()
        self.context.status_message.emit("已作废一条慰问记录")


class VisitDialog(FieldFormMixin, UnsavedChangesMixin, QDialog):
    """Record a new visit or edit (and void) a recorded one."""

    saved = Signal(int)  # the visit's id

    TEXT_FIELDS = ("recipient_name", "event_date", "visit_date", "visitors", "cash_fen", "goods_desc",
                   "goods_value_fen", "illness", "follow_up")

    def __init__(self, context, visit_id: int | None = None, parent=None, *, member_id: int | None = None,
                 occasion_name: str | None = None, event_date: str | dt.date | None = None,
                 today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        self.visit_id = visit_id
        self.today = today or dt.date.today()
        self.store = VisitStore(context.db, today=self.today)
        self.visit: dict | None = self.store.get(visit_id) if visit_id is not None else None
        if visit_id is not None and self.visit is None:
            raise UserError(f"慰问记录 {visit_id} 不存在")
        self.problems: list[Problem] = []
        self.warnings: list[RuleWarning] = []
        self._auto_cash = ""  # the 慰问金 text filled in from the occasion's standard
        self._payment_touched = False
        self._occasions: dict[int, Occasion] = {}
        self._set_up_form(lambda: self._load(member_id, occasion_name, event_date))

    # --- building ----------------------------------------------------------------------
    @property
    def is_new(self) -> bool:
        return self.visit_id is None

    @property
    def is_voided(self) -> bool:
        return bool(self.visit and self.visit.get("voided_at"))

    def _build(self) -> None:
        outer, self.void_banner = self._titled_layout("登记慰问" if self.is_new else "慰问记录")

        # who
        who = QGroupBox("慰问对象")
        grid = self._grid(who)
        self.member_picker = MemberPicker(self.context)
        self.member_picker.member_changed.connect(self._member_changed)
        self._place(grid, 0, 0, "member_id", self.member_picker, span=3, label="会员 *")
        self.relation_combo = QComboBox()
        for relation in RELATIONS:
            self.relation_combo.addItem(relation)
        self.relation_combo.setToolTip("慰问会员本人，或会员的亲属（如直系亲属去世、家属生病）")
        self.relation_combo.currentIndexChanged.connect(self._relation_changed)
        self._place(grid, 2, 0, "recipient_relation", self.relation_combo, label="慰问对象")
        self.recipient_edit = self._line_edit("recipient_name", "亲属的姓名")
        self._place(grid, 2, 2, "recipient_name", self.recipient_edit, label="亲属姓名")
        outer.addWidget(who)

        # what and when
        what = QGroupBox("事由与走访")
        grid = self._grid(what)
        self.occasion_combo = QComboBox()
        self.occasion_combo.currentIndexChanged.connect(self._occasion_changed)
        self._place(grid, 0, 0, "occasion_id", self.occasion_combo, label="慰问类别 *", message_span=3)
        self.illness_edit = self._line_edit("illness", "住院慰问请填写，如：腰椎间盘突出（同一疾病每年慰问一次）")
        self.illness_label = self._place(grid, 2, 0, "illness", self.illness_edit, span=3, label="疾病")
        self.event_edit = self._line_edit("event_date", DATE_PLACEHOLDER)
        self.event_edit.setToolTip("事情发生的日期：住院、结婚、生育、退休、去世的日期")
        self._place(grid, 4, 0, "event_date", self.event_edit, label="事由日期")
        visit_box = QWidget()
        visit_row = QHBoxLayout(visit_box)
        visit_row.setContentsMargins(0, 0, 0, 0)
        self.visit_edit = self._line_edit("visit_date", DATE_PLACEHOLDER)
        self.pending_check = QCheckBox("尚未走访，先登记")
        self.pending_check.setToolTip("先把事由记下来，走访后再填走访日期；台账中可以“只看待走访”")
        self.pending_check.toggled.connect(self._pending_toggled)
        visit_row.addWidget(self.visit_edit, 1)
        visit_row.addWidget(self.pending_check)
        self.widgets["visit_date"] = self.visit_edit
        self._place(grid, 4, 2, "visit_date", visit_box, label="走访日期")
        visitors_box = QWidget()
        visitors_row = QHBoxLayout(visitors_box)
        visitors_row.setContentsMargins(0, 0, 0, 0)
        self.visitors_edit = self._line_edit("visitors", "去走访的人，如：王主席、李委员")
        self.leader_check = QCheckBox("会同党政领导")
        self.leader_check.setToolTip("单位党政领导一同走访")
        self.leader_check.toggled.connect(self._changed_choice)
        visitors_row.addWidget(self.visitors_edit, 1)
        visitors_row.addWidget(self.leader_check)
        self.widgets["visitors"] = self.visitors_edit
        self._place(grid, 6, 0, "visitors", visitors_box, span=3, label="走访人员")
        self.follow_up_edit = self._line_edit("follow_up", "住院慰问后的随访，如：11月3日电话随访，已出院")
        self.follow_up_label = self._place(grid, 8, 0, "follow_up", self.follow_up_edit, span=3, label="随访情况")
        outer.addWidget(what)

        # money and goods
        money = QGroupBox("慰问金和慰问品")
        grid = self._grid(money)
        self.cash_edit = self._line_edit("cash_fen", "单位：元，如 500")
        self._place(grid, 0, 0, "cash_fen", self.cash_edit, label="慰问金（元）")
        self.payment_combo = QComboBox()
        self.payment_combo.currentIndexChanged.connect(self._payment_changed)
        self._place(grid, 0, 2, "payment_form", self.payment_combo, label="发放形式")
        self.goods_edit = self._line_edit("goods_desc", "如：水果、牛奶")
        self._place(grid, 2, 0, "goods_desc", self.goods_edit, label="慰问品")
        self.goods_value_edit = self._line_edit("goods_value_fen", "折合金额，单位：元")
        self._place(grid, 2, 2, "goods_value_fen", self.goods_value_edit, label="慰问品价值（元）")
        self.fund_combo = QComboBox()
        self.fund_combo.setEditable(True)
        self.fund_combo.addItems(FUND_SOURCES)
        self.fund_combo.lineEdit().setPlaceholderText("可选择或直接填写")
        self.fund_combo.editTextChanged.connect(self._changed_choice)
        self._place(grid, 4, 0, "fund_source", self.fund_combo, label="经费来源")
        self.signed_check = QCheckBox("已签收")
        self.signed_check.setToolTip("受慰问人已在签收表上签字（实名发放、实名签收）")
        self.signed_check.toggled.connect(self._changed_choice)
        grid.addWidget(self.signed_check, 4, 3)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setFixedHeight(48)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.textChanged.connect(self._changed_choice)
        self.widgets["notes"] = self.notes_edit
        self._place(grid, 6, 0, "notes", self.notes_edit, span=3, label="备注")
        outer.addWidget(money)

        # the rules box
        self.rule_box = QFrame()
        self.rule_box.setObjectName("ruleBox")
        self.rule_box.setStyleSheet(RULE_BOX_STYLE)
        rules = QVBoxLayout(self.rule_box)
        rules.setContentsMargins(12, 8, 12, 10)
        self.rule_title = QLabel("<b>⚠ 不符合本工会的慰问标准</b>")
        self.rule_title.setStyleSheet("color: #8a5a00;")
        self.rule_text = QLabel()
        self.rule_text.setWordWrap(True)
        self.rule_text.setStyleSheet("color: #6d4c00;")
        reason_row = QHBoxLayout()
        reason_caption = QLabel("仍要保存的原因：")
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("必填，例如：经工会委员会研究同意（会议纪要第5号）")
        self.reason_edit.setStyleSheet("QLineEdit { background: white; }")
        self.reason_edit.textChanged.connect(self._changed_choice)
        reason_caption.setBuddy(self.reason_edit)
        reason_row.addWidget(reason_caption)
        reason_row.addWidget(self.reason_edit, 1)
        rules.addWidget(self.rule_title)
        rules.addWidget(self.rule_text)
        rules.addLayout(reason_row)
        self.rule_box.hide()
        outer.addWidget(self.rule_box)
        outer.addStretch(1)
        outer.setSizeConstraint(QLayout.SetMinimumSize)  # the rule box and messages never get squeezed

        bottom = QHBoxLayout()
        self.void_button = QPushButton("作废…")
        self.void_button.setToolTip("录错或重复登记的记录可以作废（不会删除）")
        self.void_button.clicked.connect(self.void_visit)
        self.void_button.setVisible(not self.is_new)
        bottom.addWidget(self.void_button)
        from gonghui_desk.ui.change_log_dialog import history_button

        self.history_button = history_button(self, self.context, "visits", "visit_id")  # 修改记录…
        self.history_button.setVisible(not self.is_new)
        bottom.addWidget(self.history_button)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        bottom.addWidget(self.summary_label, 1)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存", QDialogButtonBox.AcceptRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._save_clicked)
        self.close_button = self.buttons.addButton("取消" if self.is_new else "关闭", QDialogButtonBox.RejectRole)
        self.close_button.clicked.connect(self.reject)
        bottom.addWidget(self.buttons)
        outer.addLayout(bottom)
        self.resize(780, 600)

    # --- loading -----------------------------------------------------------------------
    def _reload_occasions(self, keep_id: int | None) -> None:
        occasions = list_occasions(self.context.db)
        if keep_id is not None and keep_id not in {o.id for o in occasions}:
            retired = get_occasion(self.context.db, keep_id)
            if retired is not None:
                retired.name += "（已停用）"
                occasions.append(retired)
        self._occasions = {o.id: o for o in occasions}
        self.occasion_combo.blockSignals(True)
        self.occasion_combo.clear()
        self.occasion_combo.addItem("（请选择）", None)
        for occasion in occasions:
            self.occasion_combo.addItem(occasion.name + ("　必访" if occasion.is_must_visit else ""), occasion.id)
        index = self.occasion_combo.findData(keep_id) if keep_id is not None else 0
        self.occasion_combo.setCurrentIndex(max(index, 0))
        self.occasion_combo.blockSignals(False)

    def _load(self, member_id, occasion_name, event_date) -> None:
        v = self.visit
        if v is None:
            occasion = next((o for o in list_occasions(self.context.db) if o.name == (occasion_name or "").strip()),
                            None)
            self._reload_occasions(occasion.id if occasion else None)
            if member_id is not None:
                self.member_picker.set_member(member_id)
            day = None
            if event_date:
                day = parse_date(event_date)
                self.event_edit.setText(day.isoformat() if day else "")
            self.visit_edit.setText(self.today.isoformat())
            if event_date and day and day > self.today:  # a coming event (retirement, birthday): visit later
                self.pending_check.setChecked(True)
            self.fund_combo.setCurrentText(FUND_SOURCES[0])
            self._occasion_changed()
            if member_id is not None:
                self._touched.add("member_id")
            if occasion is not None:
                self._touched.add("occasion_id")
            return
        self._reload_occasions(v["occasion_id"])
        self.member_picker.set_member(v["member_id"])
        self.relation_combo.setCurrentText(v["recipient_relation"] or "本人")
        self.recipient_edit.setText(v["recipient_name"] or "")
        self.event_edit.setText(v["event_date"] or "")
        self.visit_edit.setText(v["visit_date"] or "")
        self.pending_check.setChecked(not v["visit_date"])
        self.visitors_edit.setText(v["visitors"] or "")
        self.leader_check.setChecked(bool(v["leader_went"]))
        self.cash_edit.setText(yuan_text(v["cash_fen"], thousands=False) if v["cash_fen"] else "")
        self.goods_edit.setText(v["goods_desc"] or "")
        self.goods_value_edit.setText(yuan_text(v["goods_value_fen"], thousands=False) if v["goods_value_fen"] else "")
        self.fund_combo.setCurrentText(v["fund_source"] or "")
        self.illness_edit.setText(v["illness"] or "")
        self.follow_up_edit.setText(v["follow_up"] or "")
        self.signed_check.setChecked(bool(v["signed"]))
        self.notes_edit.setPlainText(v["notes"] or "")
        self.reason_edit.setText(v["override_reason"] or "")
        self._payment_touched = True
        self._occasion_changed()
        self._set_payment_form(v["payment_form"] or "")
        self._touched = set(self.messages)
        member = self.context.members.get(v["member_id"]) or {}
        self.title_label.setText(f"慰问记录 - {member.get('name', '')}")
        self.setWindowTitle(f"慰问记录 - {member.get('name', '')}")
        if self.is_voided:
            self.void_banner.show_text(f"此记录已于 {(v['voided_at'] or '').replace('T', ' ')[:16]} 作废，"
                                       f"原因：{v['void_reason'] or ''}。作废的记录不计入台账和统计，也不能修改。")
            for widget in (self.member_picker, self.relation_combo, self.recipient_edit, self.occasion_combo,
                           self.illness_edit, self.event_edit, self.visit_edit, self.pending_check,
                           self.visitors_edit, self.leader_check, self.follow_up_edit, self.cash_edit,
                           self.payment_combo, self.goods_edit, self.goods_value_edit, self.fund_combo,
                           self.signed_check, self.notes_edit, self.reason_edit):
                widget.setEnabled(False)
            self.save_button.hide()
            self.void_button.hide()

    # --- reacting to edits -------------------------------------------------------------------
    def _changed_text(self, *args) -> None:
        if not self._loading:
            self._validate()

    def _finished_text(self) -> None:
        key = self.sender().objectName().removeprefix("field_")
        self._touched.add(key)
        if key in ("event_date", "visit_date"):
            edit = self.widgets[key]
            try:
                day = parse_date(edit.text())
            except DateParseError:
                day = None
            if day is not None and edit.text().strip() != day.isoformat():
                edit.setText(day.isoformat())  # show what was understood
        self._validate()

    def _changed_choice(self, *args) -> None:
        if not self._loading:
            self._validate()

    def _member_changed(self, member_id) -> None:
        if not self._loading:
            self._touched.add("member_id")
            self._validate()

    def _relation_changed(self) -> None:
        own = self.relation_combo.currentText() == "本人"
        self.recipient_edit.setEnabled(not own)
        if own:
            self.recipient_edit.clear()
        if not self._loading:
            self._validate()

    def _pending_toggled(self, pending: bool) -> None:
        if pending:
            self._visit_text = self.visit_edit.text()
            self.visit_edit.clear()
        else:
            if not self.visit_edit.text():
                self.visit_edit.setText(getattr(self, "_visit_text", "") or self.today.isoformat())
            occasion = self.current_occasion()
            if not self._loading and occasion and occasion.standard_fen and not self.cash_edit.text().strip():
                self._auto_cash = yuan_text(occasion.standard_fen, thousands=False)  # the visit is made now
                self.cash_edit.setText(self._auto_cash)
        self.visit_edit.setEnabled(not pending)
        self.visit_edit.setPlaceholderText("待走访" if pending else DATE_PLACEHOLDER)
        if not self._loading:
            self._touched.update(("visit_date", "event_date"))  # without a visit date, the event date is needed
            self._validate()

    def _payment_changed(self) -> None:
        if not self._loading and not getattr(self, "_filling_payment", False):
            self._payment_touched = True
            self._validate()

    def current_occasion(self) -> Occasion | None:
        occasion_id = self.occasion_combo.currentData()
        return self._occasions.get(occasion_id) if occasion_id is not None else None

    def _occasion_changed(self) -> None:
        occasion = self.current_occasion()
        if not self._loading:
            self._touched.add("occasion_id")
        # the standard amount goes into 慰问金 unless the user typed their own
        if occasion is not None and (self.visit is None or not self._loading):
            cash = self.cash_edit.text().strip()
            if not cash or cash == self._auto_cash:
                standard = yuan_text(occasion.standard_fen, thousands=False) if occasion.standard_fen else ""
                self.cash_edit.setText(standard)
                self._auto_cash = standard
        needs_illness = bool(occasion and (occasion.needs_illness or occasion.once_per_year_same_illness))
        show_illness = needs_illness or bool(self.illness_edit.text().strip())
        show_follow_up = show_illness or bool(self.follow_up_edit.text().strip())
        for widget, shown in ((self.illness_edit, show_illness), (self.illness_label, show_illness),
                              (self.follow_up_edit, show_follow_up), (self.follow_up_label, show_follow_up)):
            widget.setVisible(shown)
        for key, shown in (("illness", show_illness), ("follow_up", show_follow_up)):
            if not shown:
                self.messages[key].hide()
        self._fill_payment_forms(occasion)
        if not self._loading:
            self._validate()

    def _fill_payment_forms(self, occasion: Occasion | None) -> None:
        current = self.payment_combo.currentData()
        allowed = occasion.allowed_forms if occasion else PAYMENT_FORMS
        self._filling_payment = True
        self.payment_combo.clear()
        for form in allowed:
            self.payment_combo.addItem(form, form)
        if occasion is not None:
            others = [f for f in PAYMENT_FORMS if f not in allowed]
            if others:
                self.payment_combo.insertSeparator(self.payment_combo.count())
            for form in others:
                self.payment_combo.addItem(form + NOT_ALLOWED_SUFFIX, form)
        self._filling_payment = False
        if self._payment_touched and current is not None:
            self._set_payment_form(current)
        else:
            self.payment_combo.setCurrentIndex(0)

    def _set_payment_form(self, form: str) -> None:
        self._filling_payment = True
        index = self.payment_combo.findData(form)
        if index < 0:
            self.payment_combo.addItem(form or "（未填）", form)
            index = self.payment_combo.count() - 1
        self.payment_combo.setCurrentIndex(index)
        self._filling_payment = False

    # --- values and checks -------------------------------------------------------------------
    def form_state(self) -> tuple:
        return (self.member_picker.member_id, self.relation_combo.currentText(), self.recipient_edit.text(),
                self.occasion_combo.currentData(), self.event_edit.text(), self.visit_edit.text(),
                self.pending_check.isChecked(), self.visitors_edit.text(), self.leader_check.isChecked(),
                self.cash_edit.text(), self.goods_edit.text(), self.goods_value_edit.text(),
                self.payment_combo.currentData(), self.fund_combo.currentText(), self.illness_edit.text(),
                self.follow_up_edit.text(), self.signed_check.isChecked(), self.notes_edit.toPlainText(),
                self.reason_edit.text())

    def is_dirty(self) -> bool:
        return self.form_state() != self._initial

    def visit_input(self) -> tuple[VisitInput, list[Problem]]:
        """The form as a VisitInput, and the amounts that could not be read."""
        problems: list[Problem] = []
        amounts = {}
        for key, edit in (("cash_fen", self.cash_edit), ("goods_value_fen", self.goods_value_edit)):
            try:
                amounts[key] = parse_money(edit.text()) or 0
            except MoneyParseError as exc:
                amounts[key] = 0
                problems.append(Problem(key, str(exc), field_label=VISIT_FIELD_LABELS[key]))
        visit = VisitInput(
            member_id=self.member_picker.member_id or 0,
            occasion_id=self.occasion_combo.currentData() or 0,
            recipient_relation=self.relation_combo.currentText(),
            recipient_name=self.recipient_edit.text(),
            event_date=self.event_edit.text(),
            visit_date=None if self.pending_check.isChecked() else self.visit_edit.text(),
            visitors=self.visitors_edit.text(),
            leader_went=self.leader_check.isChecked(),
            cash_fen=amounts["cash_fen"],
            goods_desc=self.goods_edit.text(),
            goods_value_fen=amounts["goods_value_fen"],
            payment_form=self.payment_combo.currentData() or "",
            fund_source=self.fund_combo.currentText(),
            illness=self.illness_edit.text(),
            follow_up=self.follow_up_edit.text(),
            signed=self.signed_check.isChecked(),
            notes=self.notes_edit.toPlainText(),
            campaign_id=self.visit["campaign_id"] if self.visit else None,
        )
        return visit, problems

    def _validate(self) -> None:
        visit, problems = self.visit_input()
        _, found = self.store.normalize(visit)
        problems = [p for p in found if p.field not in {q.field for q in problems}] + problems
        if self.pending_check.isChecked():  # the "no visit date" message belongs to 事由日期 then
            problems = [Problem("event_date", "尚未走访的，请填写事由日期", field_label="事由日期")
                        if p.field == "visit_date" and not visit.event_date else p for p in problems]
        self.problems = problems
        self.warnings = [] if problems else self.store.check_rules(visit, visit_id=self.visit_id)
        by_field: dict[str, list[Problem]] = {}
        for problem in problems:
            by_field.setdefault(problem.field, []).append(problem)
        for key, label in self.messages.items():
            found_here = by_field.get(key, [])
            if found_here and key in self._touched:
                label.setText("；".join(p.message for p in found_here))
                label.setStyleSheet(f"color: {ERROR_COLOUR};")
                label.show()
                self._mark(key, ERROR_COLOUR)
            else:
                hint = self._hint(key)
                label.setText(hint)
                label.setStyleSheet(f"color: {HINT_COLOUR};")
                label.setVisible(bool(hint) and self.widgets[key].isVisibleTo(self))
                self._mark(key, None)
        self._show_warnings()
        reason_missing = bool(self.warnings) and not self.reason_edit.text().strip()
        self.save_button.setEnabled(not problems and not reason_missing and not self.is_voided)
        if problems:
            missing = [p for p in problems if p.field in ("member_id", "occasion_id")]
            if missing and len(missing) == len(problems):
                text = "请" + "、".join(("选择会员" if p.field == "member_id" else "选择慰问类别") for p in missing) + "后保存。"
            else:
                labels = list(dict.fromkeys(p.label for p in problems))
                text = f"有 {len(problems)} 处需要修改后才能保存：{'、'.join(labels)}"
            self.summary_label.setText(text)
            self.summary_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        elif reason_missing:
            self.summary_label.setText("不符合慰问标准：请在黄色框中填写原因后保存。")
            self.summary_label.setStyleSheet(f"color: {WARNING_COLOUR};")
        elif self.pending_check.isChecked():
            self.summary_label.setText("将登记为“待走访”，走访后再打开此记录填写走访日期。")
            self.summary_label.setStyleSheet(f"color: {HINT_COLOUR};")
        else:
            self.summary_label.setText("")

    def _show_warnings(self) -> None:
        if not self.warnings:
            self.rule_box.hide()
            return
        self.rule_text.setText("\n".join(f"• {w.message}" for w in self.warnings))
        missing = not self.reason_edit.text().strip()
        border = ERROR_COLOUR if missing and not self.is_voided else "#d9b25f"
        self.reason_edit.setStyleSheet(f"QLineEdit {{ background: white; border: 1px solid {border}; "
                                       "border-radius: 2px; padding: 2px; }")
        self.rule_box.show()

    def _hint(self, key: str) -> str:
        widget = self.widgets.get(key)
        if key in ("event_date", "visit_date") and isinstance(widget, QLineEdit) and widget.text().strip():
            try:
                day = parse_date(widget.text())
            except DateParseError:
                return ""
            if day and day.isoformat() != widget.text().strip():
                return f"即 {day.isoformat()}"
        if key == "occasion_id":
            occasion = self.current_occasion()
            return occasion_hint(occasion) if occasion else ""
        if key == "cash_fen" and self._auto_cash and self.cash_edit.text().strip() == self._auto_cash:
            return "按该类别的标准金额填入，可以修改"
        return ""

    def has_errors(self) -> bool:
        return bool(self.problems)

    # --- actions -----------------------------------------------------------------------------
    def _save_clicked(self) -> None:
        self.save()

    def save(self) -> int | None:
        self._touched = set(self.messages)
        self._validate()
        if self.problems or self.is_voided:
            return None
        if self.warnings and not self.reason_edit.text().strip():
            self.reason_edit.setFocus()
            return None
        visit, _ = self.visit_input()
        try:
            visit_id = self.store.save(visit, visit_id=self.visit_id, override_reason=self.reason_edit.text())
        except ValidationError as exc:
            self.problems = exc.problems
            self._validate()
            return None
        except RuleOverrideRequired as exc:  # the rules changed under us: show them
            self.warnings = exc.warnings
            self._show_warnings()
            self.reason_edit.setFocus()
            return None
        except UserError as exc:
            show_error(self, "保存慰问记录", exc)
            return None
        self.context.visits_changed.emit()
        self.context.status_message.emit(f"已保存对“{self.member_picker._member_name}”的慰问记录")
        self.visit_id = visit_id
        self._initial = self.form_state()
        self.saved.emit(visit_id)
        self.done(QDialog.Accepted)
        return visit_id

    def void_visit(self) -> VoidVisitDialog | None:
        if self.is_new or self.is_voided:
            return None
        dialog = VoidVisitDialog(self.context, self.visit_id, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(self._voided)
        self.void_dialog = dialog
        dialog.open()
        return dialog

    def _voided(self) -> None:
        self.done(QDialog.Accepted)


def occasion_hint(occasion: Occasion) -> str:
    """"标准 500 元；每次不超过 2,000 元；…": the occasion's rules in one line."""
    parts = []
    if occasion.is_must_visit:
        parts.append("必访")
    if occasion.standard_fen:
        parts.append(f"标准 {yuan_text(occasion.standard_fen)} 元")
    if occasion.cap_fen is not None:
        parts.append(f"每次不超过 {yuan_text(occasion.cap_fen)} 元")
    if occasion.cap_group_name and occasion.cap_group_yearly_fen is not None:
        parts.append(f"“{occasion.cap_group_name}”每人每年合计不超过 {yuan_text(occasion.cap_group_yearly_fen)} 元")
    if occasion.once_per_year_same_illness:
        parts.append("同一疾病每年慰问一次")
    if tuple(occasion.allowed_forms) != DEFAULT_FORMS:
        parts.append(f"发放形式：{'、'.join(occasion.allowed_forms)}")
    return "；".join(parts)


def open_visit_dialog(parent: QWidget, context, visit_id: int | None = None, **prefill) -> VisitDialog:
    """Open (without blocking) a visit dialog over ``parent``; it deletes itself when closed."""
    dialog = VisitDialog(context, visit_id, parent, **prefill)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog


__all__ = ["VisitDialog", "VoidVisitDialog", "MemberPicker", "MemberSearchModel", "occasion_hint",
           "open_visit_dialog"]
