"""The aid form (登记帮扶): one payment to a hardship household, checked as it is typed.

``AidDialog(context, payment_id=None, *, file_id=None)`` edits a recorded payment or, with
``payment_id=None``, records an application (申请). The household is picked by its head's name
(:class:`~gonghui_desk.ui.visit_dialog.MemberPicker`); the head's live file is used, else the
latest one (paying a closed file's household warns). A 金秋助学 payment names the student, one of
the file's family members, with the school, admission year and 学制. Problems are shown in red
under their fields (``AidStore.normalize``); rule breaches (``AidStore.check_rules``) in the amber
box, and saving past them needs a reason, which is kept with the record.

The stages go on in :class:`StageDialog` (审核 / 发放 with a date and a person, 公示 with a date),
opened from the form or from the ledger; paying checks the rules again on the payment date, and a
new warning needs its own reason. A mistaken payment is voided with a reason, never deleted.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QFrame, QGroupBox, QHBoxLayout,
                               QLabel, QLayout, QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget)

from gonghui_desk import value_lists
from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.hardship.aid import AID_FIELD_LABELS, STUDENT_AID, AidInput, AidStore, RuleOverrideRequired
from gonghui_desk.hardship.files import HardshipFileStore
from gonghui_desk.members import Problem
from gonghui_desk.money import MoneyParseError, parse_money, yuan_text
from gonghui_desk.ui.dialogs import (DONE_BANNER_STYLE, ERROR_COLOUR, FieldFormMixin, ReasonDialog,
                                     UnsavedChangesMixin)
from gonghui_desk.ui.visit_dialog import (DATE_PLACEHOLDER, HINT_COLOUR, RULE_BOX_STYLE, WARNING_COLOUR,
                                          MemberPicker)
from gonghui_desk.ui.workers import show_error

_last_person: dict[str, str] = {}  # the 审核人/发放人 typed last, offered again in this session


def notify_aid_changed(context) -> None:
    """Tell the other pages (the hardship files, the member card) that aid changed, if they listen."""
    signal = getattr(context, "hardship_changed", None)
    if signal is not None:
        signal.emit()


def _split(text: str | None) -> list[str]:
    return [part for part in (text or "").split("；") if part]


class RuleBox(QFrame):
    """The amber box: the rule warnings and the reason to go on past them."""

    reason_changed = Signal()

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setObjectName("ruleBox")
        self.setStyleSheet(RULE_BOX_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        heading = QLabel(f"<b>⚠ {title}</b>")
        heading.setStyleSheet("color: #8a5a00;")
        layout.addWidget(heading)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setStyleSheet("color: #6d4c00;")
        layout.addWidget(self.text)
        row = QHBoxLayout()
        caption = QLabel("仍要继续的原因：")
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("必填，例如：经工会委员会研究同意（会议纪要第5号）")
        self.reason_edit.textChanged.connect(self.reason_changed)
        caption.setBuddy(self.reason_edit)
        row.addWidget(caption)
        row.addWidget(self.reason_edit, 1)
        layout.addLayout(row)
        self.hide()

    @property
    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def show_warnings(self, messages: list[str], *, locked: bool = False) -> None:
        if not messages:
            self.hide()
            return
        self.text.setText("\n".join(f"• {m}" for m in messages))
        border = ERROR_COLOUR if not self.reason and not locked else "#d9b25f"
        self.reason_edit.setStyleSheet(f"QLineEdit {{ background: white; border: 1px solid {border}; "
                                       "border-radius: 2px; padding: 2px; }")
        self.show()


# --- the stages ---------------------------------------------------------------------------------
STAGE_ACTIONS = {"审核": ("approved_on", "审核人"), "发放": ("paid_on", "发放人"), "公示": ("publicized_on", "")}


class StageDialog(QDialog):
    """审核, 发放 or 公示 one payment: the date (today by default), the person, and for 发放 the
    rules checked again on the payment date (a new warning needs a reason)."""

    def __init__(self, context, payment_id: int, action: str, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        if action not in STAGE_ACTIONS:
            raise ValueError(action)
        self.context = context
        self.payment_id = payment_id
        self.action = action
        self.today = today or dt.date.today()
        self.store = AidStore(context.db, today=self.today)
        self.row = self.store.get(payment_id)
        self.new_warnings: list[str] = []
        self.setWindowTitle(f"{action}帮扶记录" if action != "公示" else "标记公示")
        layout = QVBoxLayout(self)
        file = HardshipFileStore(context.db).get(self.row["file_id"]) or {}
        amount = yuan_text(self.row["cash_fen"] + self.row["goods_value_fen"]) or "0"
        about = QLabel(f"{file.get('member_name', '')}　{self.row['aid_type']}　{amount} 元"
                       f"（申请日期 {self.row['applied_on']}，现为“{self.row['stage']}”）")
        about.setWordWrap(True)
        layout.addWidget(about)
        form = QFormLayout()
        self.date_edit = QLineEdit(self.today.isoformat())
        self.date_edit.setPlaceholderText(DATE_PLACEHOLDER)
        self.date_edit.textChanged.connect(self._check)
        form.addRow(f"{AID_FIELD_LABELS[STAGE_ACTIONS[action][0]]}：", self.date_edit)
        self.person_edit = QLineEdit(_last_person.get(action, ""))
        self.person_edit.textChanged.connect(self._check)
        if STAGE_ACTIONS[action][1]:
            self.person_edit.setPlaceholderText("必填" if action == "审核" else "可不填")
            form.addRow(f"{STAGE_ACTIONS[action][1]}：", self.person_edit)
        layout.addLayout(form)
        self.rule_box = RuleBox("发放时不符合帮扶规定")
        self.rule_box.reason_changed.connect(self._check)
        layout.addWidget(self.rule_box)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText("确定" + (action if action != "公示" else "公示日期"))
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        layout.setSizeConstraint(QLayout.SetMinimumSize)
        self.resize(460, self.sizeHint().height())
        self._check()

    def _day(self) -> dt.date | None:
        try:
            return parse_date(self.date_edit.text())
        except DateParseError:
            return None

    def _check(self, *args) -> None:
        day = self._day()
        problem = ""
        if day is None:
            problem = f"请填写正确的{AID_FIELD_LABELS[STAGE_ACTIONS[self.action][0]]}（{DATE_PLACEHOLDER}）"
        elif self.action == "审核" and not self.person_edit.text().strip():
            problem = "请填写审核人"
        self.new_warnings = []
        if day is not None and self.action == "发放":
            accepted = _split(self.row["rule_warnings"])
            found = self.store.check_rules(self.store.as_input(self.payment_id), payment_id=self.payment_id,
                                           on_date=day)
            self.new_warnings = [w.message for w in found if w.message not in accepted]
        self.rule_box.show_warnings(self.new_warnings)
        self.error_label.setText(problem)
        self.ok_button.setEnabled(not problem and not (self.new_warnings and not self.rule_box.reason))

    def accept(self) -> None:
        self._check()
        if not self.ok_button.isEnabled():
            return
        day, person = self._day(), self.person_edit.text().strip()
        try:
            if self.action == "审核":
                self.store.approve(self.payment_id, day, person)
            elif self.action == "发放":
                self.store.pay(self.payment_id, day, person, override_reason=self.rule_box.reason)
            else:
                self.store.set_publicized(self.payment_id, day)
        except ValidationError as exc:
            self.error_label.setText("；".join(p.message for p in exc.problems))
            return
        except RuleOverrideRequired as exc:
            self.new_warnings = [w.message for w in exc.warnings]
            self.rule_box.show_warnings(self.new_warnings)
            return
        except UserError as exc:
            self.error_label.setText(str(exc))
            return
        if person:
            _last_person[self.action] = person
        notify_aid_changed(self.context)
        self.context.status_message.emit(f"已{self.action if self.action != '公示' else '标记公示'}：帮扶记录")
        super().accept()


class VoidAidDialog(ReasonDialog):
    """作废 a mistaken payment, with a reason."""

    def __init__(self, context, payment_id: int, parent=None):
        self.context = context
        self.payment_id = payment_id
        super().__init__("作废帮扶记录", "作废用于<b>录错或重复登记</b>的帮扶记录。作废后它不再计入台账和统计，"
                                        "但记录本身会保留。",
                         placeholder="必填，例如：重复登记", apply=self._void, parent=parent, width=420)

    def _void(self, reason: str) -> None:
        AidStore(self.context.db).void(self.payment_id, reason)
        notify_aid_changed(self.context)
        self.context.status_message.emit("已作废一条帮扶记录")


# --- the form -------------------------------------------------------------------------------------
class AidDialog(FieldFormMixin, UnsavedChangesMixin, QDialog):
    """Record an application for aid, or edit, move on and void a recorded payment."""

    saved = Signal(int)  # the payment's id
    changed = Signal()  # saved, moved on a stage or voided

    # the form's grid and its field captions are the visit form's

    def __init__(self, context, payment_id: int | None = None, parent=None, *, file_id: int | None = None,
                 today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        self.payment_id = payment_id
        self.today = today or dt.date.today()
        self.store = AidStore(context.db, today=self.today)
        self.files = HardshipFileStore(context.db, today=self.today)
        self.payment: dict | None = self.store.get(payment_id) if payment_id is not None else None
        if payment_id is not None and self.payment is None:
            raise UserError(f"帮扶记录 {payment_id} 不存在")
        self.file: dict | None = None
        self.problems: list[Problem] = []
        self.warnings: list = []
        self.stage_dialog = None
        self.void_dialog = None
        self._set_up_form(lambda: self._load(file_id))

    @property
    def is_new(self) -> bool:
        return self.payment_id is None

    @property
    def is_voided(self) -> bool:
        return bool(self.payment and self.payment.get("voided_at"))

    @property
    def is_paid(self) -> bool:
        return bool(self.payment and self.payment["stage"] == "发放")

    # --- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        outer, self.banner = self._titled_layout("登记帮扶" if self.is_new else "帮扶记录")

        who = QGroupBox("受助家庭")
        grid = self._grid(who)
        self.member_picker = MemberPicker(self.context)
        self.member_picker.edit.setPlaceholderText("输入户主姓名或拼音首字母，从列表中选择（须已建困难职工档案）")
        self.member_picker.member_changed.connect(self._member_changed)
        self._place(grid, 0, 0, "file_id", self.member_picker, span=3, label="户主 *")
        self.file_label = QLabel()
        self.file_label.setWordWrap(True)
        grid.addWidget(self.file_label, 2, 1, 1, 3)
        outer.addWidget(who)

        what = QGroupBox("帮扶内容")
        grid = self._grid(what)
        self.type_combo = self._combo("aid_type")
        self._place(grid, 0, 0, "aid_type", self.type_combo, label="帮扶类型 *")
        self.source_combo = self._combo("fund_source")
        self._place(grid, 0, 2, "fund_source", self.source_combo, label="资金来源")
        self.cash_edit = self._line_edit("cash_fen", "单位：元，如 2000")
        self._place(grid, 2, 0, "cash_fen", self.cash_edit, label="帮扶金额（元）", message_span=3)
        self.goods_edit = self._line_edit("goods_desc", "如：米、油、棉被")
        self._place(grid, 4, 0, "goods_desc", self.goods_edit, label="帮扶物资")
        self.goods_value_edit = self._line_edit("goods_value_fen", "折合金额，单位：元")
        self._place(grid, 4, 2, "goods_value_fen", self.goods_value_edit, label="物资价值（元）")
        self.applied_on_edit = self._line_edit("applied_on", DATE_PLACEHOLDER)
        self._place(grid, 6, 0, "applied_on", self.applied_on_edit, label="申请日期 *")
        self.applied_by_edit = self._line_edit("applied_by", "经办人，如：王委员")
        self._place(grid, 6, 2, "applied_by", self.applied_by_edit, label="申请人")
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setFixedHeight(44)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.textChanged.connect(self._changed)
        self.widgets["notes"] = self.notes_edit
        self._place(grid, 8, 0, "notes", self.notes_edit, span=3, label="备注")
        outer.addWidget(what)

        self.student_box = QGroupBox("金秋助学：受助学生")
        grid = self._grid(self.student_box)
        self.student_combo = QComboBox()
        self.student_combo.currentIndexChanged.connect(self._student_changed)
        self._place(grid, 0, 0, "student_family_member_id", self.student_combo, span=3, label="学生 *")
        self.school_edit = self._line_edit("school", "录取的学校，如：某某大学")
        self._place(grid, 2, 0, "school", self.school_edit, span=3, label="录取学校")
        self.year_edit = self._line_edit("admission_year", f"如 {self.today.year}")
        self._place(grid, 4, 0, "admission_year", self.year_edit, label="入学年份 *")
        self.years_edit = self._line_edit("schooling_years", "如 4")
        self._place(grid, 4, 2, "schooling_years", self.years_edit, label="学制（年）")
        outer.addWidget(self.student_box)

        self.rule_box = RuleBox("不符合帮扶规定")
        self.rule_box.reason_changed.connect(self._changed)
        self.reason_edit = self.rule_box.reason_edit
        outer.addWidget(self.rule_box)

        self.stage_box = QGroupBox("审核与发放")
        stage_row = QHBoxLayout(self.stage_box)
        self.stage_label = QLabel()
        self.stage_label.setWordWrap(True)
        stage_row.addWidget(self.stage_label, 1)
        self.approve_button = QPushButton("审核…")
        self.approve_button.clicked.connect(lambda: self.open_stage("审核"))
        self.pay_button = QPushButton("发放…")
        self.pay_button.clicked.connect(lambda: self.open_stage("发放"))
        self.publicize_button = QPushButton("公示…")
        self.publicize_button.setToolTip("登记公示日期")
        self.publicize_button.clicked.connect(lambda: self.open_stage("公示"))
        for button in (self.approve_button, self.pay_button, self.publicize_button):
            stage_row.addWidget(button)
        self.stage_box.setVisible(not self.is_new)
        outer.addWidget(self.stage_box)
        outer.addStretch(1)
        outer.setSizeConstraint(QLayout.SetMinimumSize)

        bottom = QHBoxLayout()
        self.void_button = QPushButton("作废…")
        self.void_button.setToolTip("录错或重复登记的记录可以作废（不会删除）")
        self.void_button.clicked.connect(self.void_payment)
        self.void_button.setVisible(not self.is_new)
        bottom.addWidget(self.void_button)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        bottom.addWidget(self.summary_label, 1)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存申请" if self.is_new else "保存", QDialogButtonBox.AcceptRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.close_button = self.buttons.addButton("取消" if self.is_new else "关闭", QDialogButtonBox.RejectRole)
        self.close_button.clicked.connect(self.reject)
        bottom.addWidget(self.buttons)
        outer.addLayout(bottom)
        self.resize(760, 560)

    def _line_edit(self, key: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"field_{key}")
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self._changed)
        edit.editingFinished.connect(lambda key=key: self._finished(key))
        self.widgets[key] = edit
        return edit

    def _combo(self, key: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"field_{key}")
        combo.currentIndexChanged.connect(self._changed)
        self.widgets[key] = combo
        return combo

    def _fill_choices(self, combo: QComboBox, list_key: str, first: str, keep: str) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(first, "")
        choices = value_lists.values(self.context.db, list_key)
        for value in choices:
            combo.addItem(value, value)
        if keep and keep not in choices:
            combo.addItem(f"{keep}（已停用）", keep)
        combo.setCurrentIndex(max(combo.findData(keep), 0))
        combo.blockSignals(False)

    # --- loading -----------------------------------------------------------------------------
    def _load(self, file_id: int | None) -> None:
        p = self.payment or {}
        self._fill_choices(self.type_combo, "aid.type", "（请选择）", p.get("aid_type") or "")
        self._fill_choices(self.source_combo, "aid.fund_source", "（未填）", p.get("fund_source") or "")
        if not p:
            if file_id is not None:
                self._set_file(self.files.get(file_id))
            self.applied_on_edit.setText(self.today.isoformat())
            self._student_visibility()
            return
        self._set_file(self.files.get(p["file_id"]))
        self.cash_edit.setText(yuan_text(p["cash_fen"], thousands=False) if p["cash_fen"] else "")
        self.goods_edit.setText(p["goods_desc"] or "")
        self.goods_value_edit.setText(yuan_text(p["goods_value_fen"], thousands=False) if p["goods_value_fen"] else "")
        self.applied_on_edit.setText(p["applied_on"] or "")
        self.applied_by_edit.setText(p["applied_by"] or "")
        self.notes_edit.setPlainText(p["notes"] or "")
        self.student_combo.setCurrentIndex(max(self.student_combo.findData(p["student_family_member_id"]), 0))
        self.school_edit.setText(p["school"] or "")
        self.year_edit.setText(str(p["admission_year"] or ""))
        self.years_edit.setText(str(p["schooling_years"] or ""))
        self.reason_edit.setText(p["override_reason"] or "")
        self._touched = set(self.messages)
        self._student_visibility()
        self._show_stage()
        name = (self.file or {}).get("member_name", "")
        self.title_label.setText(f"帮扶记录 - {name}")
        self.setWindowTitle(f"帮扶记录 - {name}")
        if self.is_voided or self.is_paid:
            if self.is_voided:
                self.banner.show_text(f"此记录已于 {(p['voided_at'] or '').replace('T', ' ')[:16]} 作废，"
                                      f"原因：{p['void_reason'] or ''}。作废的记录不计入台账和统计，也不能修改。")
            else:
                self.banner.show_text("此记录已发放，不能再修改；如有错误，请作废后重新登记。", style=DONE_BANNER_STYLE)
            for widget in (self.member_picker, self.type_combo, self.source_combo, self.cash_edit, self.goods_edit,
                           self.goods_value_edit, self.applied_on_edit, self.applied_by_edit, self.notes_edit,
                           self.student_combo, self.school_edit, self.year_edit, self.years_edit, self.reason_edit):
                widget.setEnabled(False)
            self.save_button.hide()
        if self.is_voided:
            self.void_button.hide()
            self.stage_box.hide()

    def _set_file(self, file: dict | None) -> None:
        self.file = file
        loading, self._loading = self._loading, True
        if file is not None and self.member_picker.member_id != file["member_id"]:
            self.member_picker.set_member(file["member_id"])
        self._loading = loading
        self.student_combo.blockSignals(True)
        current = self.student_combo.currentData()
        self.student_combo.clear()
        self.student_combo.addItem("（请选择该户的家庭成员）", None)
        for person in (file or {}).get("family", []):
            extra = "，".join(t for t in (person["relation"], person["identity"], person["unit_or_school"]) if t)
            self.student_combo.addItem(f"{person['name']}（{extra}）" if extra else person["name"], person["id"])
        self.student_combo.setCurrentIndex(max(self.student_combo.findData(current), 0))
        self.student_combo.blockSignals(False)
        if file is None:
            self.file_label.setText("")
            return
        text = f"档案：{file['category'] or '未定类别'} · {file['status']} · 建档 {file['opened_on'] or '—'}"
        if file.get("closed_on"):
            text += f" · {file['status']} {file['closed_on']}"
        colour = HINT_COLOUR if file["status"] == "在档" else WARNING_COLOUR
        self.file_label.setText(text)
        self.file_label.setStyleSheet(f"color: {colour};")

    def _show_stage(self) -> None:
        p = self.payment or {}
        lines = [f"申请 {p.get('applied_on') or ''} {p.get('applied_by') or ''}"]
        if p.get("approved_on"):
            lines.append(f"审核 {p['approved_on']} {p.get('approved_by') or ''}")
        if p.get("paid_on"):
            lines.append(f"发放 {p['paid_on']} {p.get('paid_by') or ''}")
        if p.get("publicized_on"):
            lines.append(f"公示 {p['publicized_on']}")
        if p.get("signed"):
            lines.append("已签收")
        self.stage_label.setText(f"当前阶段：<b>{p.get('stage', '申请')}</b><br>" + "　·　".join(lines))
        stage = p.get("stage")
        self.approve_button.setEnabled(stage == "申请" and not self.is_voided)
        self.pay_button.setEnabled(stage == "审核" and not self.is_voided)
        self.publicize_button.setEnabled(stage in ("审核", "发放") and not self.is_voided)

    # --- reacting to edits ------------------------------------------------------------------------
    def _changed(self, *args) -> None:
        if not self._loading:
            if self.sender() is self.type_combo:
                self._touched.add("aid_type")
                self._student_visibility()
            self._validate()

    def _finished(self, key: str) -> None:
        self._touched.add(key)
        if key == "applied_on":
            try:
                day = parse_date(self.applied_on_edit.text())
            except DateParseError:
                day = None
            if day is not None and self.applied_on_edit.text().strip() != day.isoformat():
                self.applied_on_edit.setText(day.isoformat())
        self._validate()

    def _member_changed(self, member_id) -> None:
        if self._loading:
            return
        file = None
        if member_id is not None:
            file = self.files.file_for_member(member_id)
            if file is None:
                files = self.files.member_files(member_id)
                file = files[-1] if files else None
        self._set_file(file)
        self._touched.add("file_id")
        self._validate()

    def _student_changed(self) -> None:
        if self._loading:
            return
        person = next((p for p in (self.file or {}).get("family", []) if p["id"] == self.student_combo.currentData()),
                      None)
        if person and person["unit_or_school"] and not self.school_edit.text().strip():
            self.school_edit.setText(person["unit_or_school"])
        self._touched.add("student_family_member_id")
        self._validate()

    def _student_visibility(self) -> None:
        student = self.type_combo.currentData() == STUDENT_AID or bool(self.payment and
                                                                         self.payment["student_family_member_id"])
        self.student_box.setVisible(student)

    # --- values and checks ------------------------------------------------------------------------
    def form_state(self) -> tuple:
        return (self.member_picker.member_id, (self.file or {}).get("id"), self.type_combo.currentData(),
                self.source_combo.currentData(), self.cash_edit.text(), self.goods_edit.text(),
                self.goods_value_edit.text(), self.applied_on_edit.text(), self.applied_by_edit.text(),
                self.notes_edit.toPlainText(), self.student_combo.currentData(), self.school_edit.text(),
                self.year_edit.text(), self.years_edit.text(), self.reason_edit.text())

    def is_dirty(self) -> bool:
        return self.form_state() != self._initial

    def aid_input(self) -> tuple[AidInput, list[Problem]]:
        """The form as an AidInput, and the amounts and years that could not be read."""
        problems: list[Problem] = []
        numbers: dict = {}
        for key, edit in (("cash_fen", self.cash_edit), ("goods_value_fen", self.goods_value_edit)):
            try:
                numbers[key] = parse_money(edit.text()) or 0
            except MoneyParseError as exc:
                numbers[key] = 0
                problems.append(Problem(key, str(exc), field_label=AID_FIELD_LABELS[key]))
        student_box = self.student_box.isVisibleTo(self)
        for key, edit in (("admission_year", self.year_edit), ("schooling_years", self.years_edit)):
            text = edit.text().strip()
            numbers[key] = None
            if text and student_box:
                if text.isdigit():
                    numbers[key] = int(text)
                else:
                    problems.append(Problem(key, "请填写数字", field_label=AID_FIELD_LABELS[key]))
        data = AidInput(
            file_id=(self.file or {}).get("id") or 0,
            aid_type=self.type_combo.currentData() or "",
            cash_fen=numbers["cash_fen"],
            goods_desc=self.goods_edit.text(),
            goods_value_fen=numbers["goods_value_fen"],
            fund_source=self.source_combo.currentData() or "",
            applied_on=self.applied_on_edit.text(),
            applied_by=self.applied_by_edit.text(),
            notes=self.notes_edit.toPlainText(),
            student_family_member_id=self.student_combo.currentData() if student_box else None,
            school=self.school_edit.text() if student_box else "",
            admission_year=numbers["admission_year"],
            schooling_years=numbers["schooling_years"],
        )
        return data, problems

    def _validate(self) -> None:
        data, problems = self.aid_input()
        _, found = self.store.normalize(data, current=self.payment)
        if self.member_picker.member_id is not None and self.file is None:
            found = [p for p in found if p.field != "file_id"] + [
                Problem("file_id", "该会员还没有困难职工档案，请先在“困难职工档案”中建档",
                        field_label=AID_FIELD_LABELS["file_id"])]
        problems = [p for p in found if p.field not in {q.field for q in problems}] + problems
        self.problems = problems
        self.warnings = [] if problems or self.is_paid or self.is_voided else self.store.check_rules(
            data, payment_id=self.payment_id)
        self._show_problems(problems)
        self.rule_box.show_warnings([w.message for w in self.warnings], locked=self.is_paid or self.is_voided)
        reason_missing = bool(self.warnings) and not self.rule_box.reason
        self.save_button.setEnabled(not problems and not reason_missing and not self.is_voided and not self.is_paid)
        if problems:
            labels = list(dict.fromkeys(p.label for p in problems))
            self.summary_label.setText(f"有 {len(problems)} 处需要修改后才能保存：{'、'.join(labels)}")
            self.summary_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        elif reason_missing:
            self.summary_label.setText("不符合帮扶规定：请在黄色框中填写原因后保存。")
            self.summary_label.setStyleSheet(f"color: {WARNING_COLOUR};")
        elif self.is_new:
            self.summary_label.setText("保存后为“申请”阶段，审核、发放在台账或本记录中进行。")
            self.summary_label.setStyleSheet(f"color: {HINT_COLOUR};")
        else:
            self.summary_label.setText("")

    def has_errors(self) -> bool:
        return bool(self.problems)

    # --- actions ------------------------------------------------------------------------------
    def save(self) -> int | None:
        self._touched = set(self.messages)
        self._validate()
        if self.problems or self.is_voided or self.is_paid:
            return None
        if self.warnings and not self.rule_box.reason:
            self.reason_edit.setFocus()
            return None
        data, _ = self.aid_input()
        try:
            if self.is_new:
                self.payment_id = self.store.apply(data, override_reason=self.rule_box.reason)
            else:
                self.store.update(self.payment_id, data, override_reason=self.rule_box.reason)
        except ValidationError as exc:
            self.problems = exc.problems
            self.summary_label.setText("；".join(p.message for p in exc.problems))
            self.summary_label.setStyleSheet(f"color: {ERROR_COLOUR};")
            return None
        except RuleOverrideRequired as exc:  # the rules changed under us: show them
            self.warnings = exc.warnings
            self.rule_box.show_warnings([w.message for w in exc.warnings])
            self.reason_edit.setFocus()
            return None
        except UserError as exc:
            show_error(self, "保存帮扶记录", exc)
            return None
        notify_aid_changed(self.context)
        self.context.status_message.emit(f"已保存对“{(self.file or {}).get('member_name', '')}”家庭的帮扶记录")
        self._initial = self.form_state()
        self.saved.emit(self.payment_id)
        self.changed.emit()
        self.done(QDialog.Accepted)
        return self.payment_id

    def open_stage(self, action: str) -> StageDialog | None:
        """审核, 发放 or 公示 this payment (saved edits first: a changed form must be saved before)."""
        if self.is_new or self.is_voided:
            return None
        if self.is_dirty() and not self.is_paid:
            self.summary_label.setText("请先保存修改，再进行审核或发放。")
            self.summary_label.setStyleSheet(f"color: {WARNING_COLOUR};")
            return None
        dialog = StageDialog(self.context, self.payment_id, action, self, today=self.today)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(self._stage_done)
        self.stage_dialog = dialog
        dialog.open()
        return dialog

    def _stage_done(self) -> None:
        self.payment = self.store.get(self.payment_id)
        self._show_stage()
        if self.is_paid:
            self._loading = True
            self._load(None)
            self._loading = False
            self._initial = self.form_state()
        self._validate()
        self.changed.emit()

    def void_payment(self) -> VoidAidDialog | None:
        if self.is_new or self.is_voided:
            return None
        dialog = VoidAidDialog(self.context, self.payment_id, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(self._voided)
        self.void_dialog = dialog
        dialog.open()
        return dialog

    def _voided(self) -> None:
        self.changed.emit()
        self.done(QDialog.Accepted)


def open_aid_dialog(parent: QWidget, context, payment_id: int | None = None, **prefill) -> AidDialog:
    """Open (without blocking) an aid dialog over ``parent``; it deletes itself when closed."""
    dialog = AidDialog(context, payment_id, parent, **prefill)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog


__all__ = ["AidDialog", "StageDialog", "VoidAidDialog", "RuleBox", "notify_aid_changed", "open_aid_dialog"]
