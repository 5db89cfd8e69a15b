"""The hardship file form (困难职工档案): one household, checked as it is typed.

``HardshipFileDialog(context, file_id=None)`` edits a file or, with ``file_id=None``, opens a
new one. The values go through ``HardshipFileStore.normalize`` / ``normalize_family`` as the
user types: each problem is shown in red under its field (or on its family cell) and 保存 stays
disabled while there is one. 家庭年总收入 and 家庭月人均收入 are computed live from the incomes
and 家庭人口, never typed. A member who is not 在册 needs a reason (the amber box), as in the
visit form. The life cycle (批准建档, 年度复核, 脱困/注销, 重新建档, 作废) is driven from here, and
打印档案表… prints the saved file as the paper 困难职工档案表 (numbers masked unless asked for).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QFrame, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox,
                               QPlainTextEdit, QPushButton, QScrollArea, QStyledItemDelegate, QTableView,
                               QVBoxLayout, QWidget)

from gonghui_desk import value_lists
from gonghui_desk.care.visits import RuleOverrideRequired
from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.hardship.files import (FAMILY_CHOICES, FILE_CHOICES, FILE_FIELD_LABELS, MARITAL_STATUSES, FileInput,
                                         HardshipFileStore, household_annual_income, income_per_person)
from gonghui_desk.idcard import mask_account
from gonghui_desk.members import Problem
from gonghui_desk.money import MoneyParseError, parse_money, yuan_text
from gonghui_desk.ui.dialogs import (ERROR_COLOUR, Banner, FieldFormMixin, ReasonDialog, UnsavedChangesMixin,
                                     dialog_title)
from gonghui_desk.ui.exports import ExportOptionsDialog
from gonghui_desk.ui.hardship_model import FAMILY_KEYS, FamilyTableModel
from gonghui_desk.ui.visit_dialog import (DATE_PLACEHOLDER, HINT_COLOUR, RULE_BOX_STYLE, WARNING_COLOUR,
                                          MemberPicker)
from gonghui_desk.ui.workers import show_error

COMBO_LABELS = {"category": "困难类别 *", "level": "建档标准", "main_cause": "主要致困原因 *",
                "secondary_cause": "次要致困原因", "health": "健康状况", "disability": "残疾类别",
                "housing_type": "住房类型", "medical_insurance": "医保状况"}


class ChoiceDelegate(QStyledItemDelegate):
    """An editable combo of a value list for a family cell."""

    def __init__(self, choices: list[str], parent=None):
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        combo.setEditable(True)
        combo.addItems(["", *self.choices])
        return combo

    def setEditorData(self, editor, index):
        editor.setCurrentText(index.data(Qt.EditRole) or "")

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentText(), Qt.EditRole)


class CloseFileDialog(ReasonDialog):
    """脱困 or 注销 with a date and a reason."""

    def __init__(self, store: HardshipFileStore, file_id: int, kind: str, today: dt.date, parent=None):
        self.store, self.file_id, self.kind = store, file_id, kind
        super().__init__(f"{kind}", f"将此档案标记为<b>{kind}</b>。档案会保留为历史记录；以后如再次困难，可以重新建档。",
                         ok_text=kind, label=f"{kind}原因：", placeholder="必填，例如：子女毕业就业，家庭收入增加",
                         apply=self._close, parent=parent, width=460)
        self.date_edit = QLineEdit(today.isoformat())
        self.date_edit.setPlaceholderText(DATE_PLACEHOLDER)
        row = QFormLayout()
        row.addRow(f"{kind}日期：", self.date_edit)
        self.layout().insertLayout(1, row)

    def _close(self, reason: str) -> None:
        try:
            self.store.close_file(self.file_id, self.kind, self.date_edit.text(), reason)
        except ValidationError as exc:
            raise UserError("；".join(p.message for p in exc.problems)) from None


class PrintFileOptionsDialog(ExportOptionsDialog):
    """Before the 困难职工档案表 is previewed: whether to show the full numbers (masked unless ticked, never
    remembered; recorded in the change log), and 制表人."""

    def __init__(self, member_name: str, prepared_by: str = "", parent: QWidget | None = None):
        super().__init__("打印困难职工档案表", f"打印{member_name}家庭的困难职工档案表（A4纵向），先显示打印预览。",
                         "", masked_default=False, offer_full_numbers=True,
                         full_numbers_hint="不勾选时身份证号、银行卡号和联系电话只显示部分数字。完整号码仅在确需时打印"
                                           "（如报送银行发放帮扶资金），会记录在修改记录中，打印件请妥善保管。",
                         prepared_by=prepared_by, parent=parent, width=460)
        self.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok).setText("打印预览…")

    @property
    def show_full_numbers(self) -> bool:
        return self.full_numbers


class HardshipFileDialog(FieldFormMixin, UnsavedChangesMixin, QDialog):
    """Open a new file or edit one, with its family, reviews and life cycle."""

    saved = Signal(int)  # the file's id
    reopened = Signal(int)  # the new period's id

    def __init__(self, context, file_id: int | None = None, parent=None, *, member_id: int | None = None,
                 today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        self.today = today or dt.date.today()
        self.store = HardshipFileStore(context.db, today=self.today)
        self.file_id = file_id
        self.file: dict | None = self.store.get(file_id) if file_id is not None else None
        if file_id is not None and self.file is None:
            raise UserError(f"困难职工档案 {file_id} 不存在")
        self.problems: list[Problem] = []
        self.combos: dict[str, QComboBox] = {}
        self._needs_reason = False
        self._validating = False
        self.close_dialog = self.void_dialog = None
        self.print_box = self.print_options_dialog = self.print_preview_dialog = None
        self._prepared_by = ""
        self._set_up_form(lambda: self._load(member_id))

    @property
    def is_new(self) -> bool:
        return self.file_id is None

    @property
    def is_voided(self) -> bool:
        return bool(self.file and self.file.get("voided_at"))

    @property
    def status(self) -> str:
        return self.file["status"] if self.file else ""

    # --- building ------------------------------------------------------------------------
    def _build(self) -> None:
        self.setWindowTitle("新建困难职工档案" if self.is_new else "困难职工档案")
        self.setSizeGripEnabled(True)
        outer = QVBoxLayout(self)
        outer.setSpacing(6)
        top = QHBoxLayout()
        self.title_label = dialog_title(self.windowTitle())
        top.addWidget(self.title_label)
        self.status_label = QLabel()
        self.status_label.setStyleSheet("color: #555;")
        top.addWidget(self.status_label, 1)
        outer.addLayout(top)
        self.banner = Banner()
        outer.addWidget(self.banner)

        body = QWidget()
        form = QVBoxLayout(body)
        form.setContentsMargins(0, 0, 4, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        head = QGroupBox("户主与困难情况")
        grid = self._grid(head)
        self.member_picker = MemberPicker(self.context)
        self.member_picker.member_changed.connect(self._member_changed)
        self._place(grid, 0, 0, "member_id", self.member_picker, label="户主（会员） *", span=3)
        for n, key in enumerate(("category", "level", "main_cause", "secondary_cause", "health", "disability",
                                 "housing_type", "medical_insurance")):
            combo = QComboBox()
            combo.setEditable(key not in ("category", "level", "main_cause"))
            combo.currentTextChanged.connect(self._changed)
            self.combos[key] = combo
            self._place(grid, 2 + 2 * (n // 2), 2 * (n % 2), key, combo, label=COMBO_LABELS[key])
        self.area_edit = self._line_edit("housing_area", "平方米，如 45")
        self._place(grid, 10, 0, "housing_area", self.area_edit, label="住房面积（㎡）")
        self.marital_combo = QComboBox()
        self.marital_combo.addItems(["", *MARITAL_STATUSES])
        self.marital_combo.currentTextChanged.connect(self._changed)
        self._place(grid, 10, 2, "marital_status", self.marital_combo, label="婚姻状况")
        checks = QWidget()
        row = QHBoxLayout(checks)
        row.setContentsMargins(0, 0, 0, 0)
        self.single_check = QCheckBox("单亲家庭")
        self.zero_check = QCheckBox("零就业家庭")
        for check in (self.single_check, self.zero_check):
            check.toggled.connect(self._changed)
            row.addWidget(check)
        row.addStretch(1)
        self._place(grid, 12, 0, "single_parent", checks, label="家庭情况", span=3)
        form.addWidget(head)

        income = QGroupBox("收入（单位：元）")
        grid = self._grid(income)
        self.monthly_edit = self._line_edit("monthly_income_fen", "户主本人每月收入，如 2800")
        self._place(grid, 0, 0, "monthly_income_fen", self.monthly_edit, label="本人月收入")
        self.other_edit = self._line_edit("other_annual_income_fen", "家庭成员工资以外的年收入")
        self._place(grid, 0, 2, "other_annual_income_fen", self.other_edit, label="家庭其他年收入")
        self.size_edit = self._line_edit("household_size", "不填则为户主加家庭成员人数")
        self._place(grid, 2, 0, "household_size", self.size_edit, label="家庭人口")
        self.annual_label = QLineEdit()
        self.per_person_label = QLineEdit()
        for edit, tip in ((self.annual_label, "= 12 × 本人月收入 + 家庭其他年收入 + 12 × 家庭成员月收入之和"),
                          (self.per_person_label, "= 家庭年总收入 ÷ 12 ÷ 家庭人口")):
            edit.setReadOnly(True)
            edit.setToolTip(tip)
            edit.setStyleSheet("QLineEdit { background: #f3f4f6; font-weight: bold; }")
        self._place(grid, 4, 0, "annual", self.annual_label, label="家庭年总收入")
        self._place(grid, 4, 2, "per_person", self.per_person_label, label="家庭月人均收入")
        form.addWidget(income)

        family = QGroupBox("家庭成员（不含户主）")
        box = QVBoxLayout(family)
        self.family_model = FamilyTableModel(self)
        self.family_model.dataChanged.connect(self._changed)
        self.family_model.rowsInserted.connect(self._changed)
        self.family_model.rowsRemoved.connect(self._changed)
        self.family_table = QTableView()
        self.family_table.setModel(self.family_model)
        self.family_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.family_table.setEditTriggers(QAbstractItemView.AllEditTriggers)
        self.family_table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.family_table.horizontalHeader().setStretchLastSection(True)
        self.family_table.setMinimumHeight(130)
        for key, width in (("name", 70), ("relation", 70), ("id_number", 160), ("birth_date", 86), ("health", 76),
                           ("monthly_income", 80), ("identity", 60)):
            self.family_table.setColumnWidth(FAMILY_KEYS.index(key), width)
        self._delegates = []
        for key, list_key in FAMILY_CHOICES.items():
            delegate = ChoiceDelegate(value_lists.values(self.context.db, list_key), self.family_table)
            self._delegates.append(delegate)
            self.family_table.setItemDelegateForColumn(FAMILY_KEYS.index(key), delegate)
        box.addWidget(self.family_table)
        buttons = QHBoxLayout()
        self.add_family_button = QPushButton("添加成员")
        self.add_family_button.clicked.connect(self.add_family_row)
        self.remove_family_button = QPushButton("删除选中成员")
        self.remove_family_button.clicked.connect(self.remove_family_row)
        buttons.addWidget(self.add_family_button)
        buttons.addWidget(self.remove_family_button)
        self.family_message = QLabel()
        self.family_message.setWordWrap(True)
        self.family_message.setStyleSheet(f"color: {ERROR_COLOUR};")
        buttons.addWidget(self.family_message, 1)
        box.addLayout(buttons)
        form.addWidget(family)

        bank = QGroupBox("银行账户与建档")
        grid = self._grid(bank)
        self.bank_name_edit = self._line_edit("bank_name", "如 中国工商银行某支行")
        self._place(grid, 0, 0, "bank_name", self.bank_name_edit, label="开户银行")
        account = QWidget()
        row = QHBoxLayout(account)
        row.setContentsMargins(0, 0, 0, 0)
        self.account_edit = self._line_edit("bank_account", "银行卡号，只填数字")
        self.account_masked = QLineEdit()
        self.account_masked.setReadOnly(True)
        self.account_masked.setStyleSheet("QLineEdit { background: #f3f4f6; }")
        self.show_account_check = QCheckBox("显示完整号码")
        self.show_account_check.setToolTip("显示完整的银行卡号和家庭成员身份证号（平时只显示前后几位）")
        self.show_account_check.toggled.connect(self._show_account)
        self.show_account_check.clicked.connect(self._account_revealed)
        row.addWidget(self.account_edit, 1)
        row.addWidget(self.account_masked, 1)
        row.addWidget(self.show_account_check)
        self.widgets["bank_account"] = self.account_edit
        self._place(grid, 0, 2, "bank_account", account, label="银行卡号")
        self.opened_edit = self._line_edit("opened_on", DATE_PLACEHOLDER)
        self._place(grid, 2, 0, "opened_on", self.opened_edit, label="建档日期 *")
        self.status_combo = QComboBox()
        self.status_combo.addItem("在档（已审核）", "在档")
        self.status_combo.addItem("申请中（待审核）", "申请中")
        self._place(grid, 2, 2, "status", self.status_combo, label="建档状态")
        self.opened_by_edit = self._line_edit("opened_by", "建档人姓名")
        self._place(grid, 4, 0, "opened_by", self.opened_by_edit, label="建档人")
        self.checked_by_edit = self._line_edit("checked_by", "审核人姓名")
        self._place(grid, 4, 2, "checked_by", self.checked_by_edit, label="审核人")
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setFixedHeight(44)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.textChanged.connect(self._changed)
        self._place(grid, 6, 0, "notes", self.notes_edit, label="备注", span=3)
        form.addWidget(bank)

        self.reviews_box = QGroupBox("年度复核")
        box = QVBoxLayout(self.reviews_box)
        self.next_review_label = QLabel()
        box.addWidget(self.next_review_label)
        self.reviews_model = QStandardItemModel(0, 4, self)
        self.reviews_model.setHorizontalHeaderLabels(["复核日期", "复核结果", "复核人", "说明"])
        self.reviews_table = QTableView()
        self.reviews_table.setModel(self.reviews_model)
        self.reviews_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.reviews_table.horizontalHeader().setStretchLastSection(True)
        self.reviews_table.setMaximumHeight(110)
        box.addWidget(self.reviews_table)
        add = QHBoxLayout()
        self.review_date_edit = QLineEdit(self.today.isoformat())
        self.review_date_edit.setPlaceholderText("复核日期")
        self.review_date_edit.setFixedWidth(100)
        self.review_result_combo = QComboBox()
        self.review_result_combo.addItems(value_lists.values(self.context.db, "hardship.review_result"))
        self.reviewer_edit = QLineEdit()
        self.reviewer_edit.setPlaceholderText("复核人")
        self.reviewer_edit.setFixedWidth(90)
        self.review_notes_edit = QLineEdit()
        self.review_notes_edit.setPlaceholderText("说明（可选）")
        self.add_review_button = QPushButton("登记复核")
        self.add_review_button.clicked.connect(self.add_review)
        for widget in (self.review_date_edit, self.review_result_combo, self.reviewer_edit):
            add.addWidget(widget)
        add.addWidget(self.review_notes_edit, 1)
        add.addWidget(self.add_review_button)
        box.addLayout(add)
        self.review_message = QLabel()
        self.review_message.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.review_message.hide()
        box.addWidget(self.review_message)
        form.addWidget(self.reviews_box)

        self.rule_box = QFrame()
        self.rule_box.setObjectName("ruleBox")
        self.rule_box.setStyleSheet(RULE_BOX_STYLE)
        rules = QVBoxLayout(self.rule_box)
        self.rule_text = QLabel()
        self.rule_text.setWordWrap(True)
        self.rule_text.setStyleSheet("color: #6d4c00;")
        rules.addWidget(self.rule_text)
        reason_row = QHBoxLayout()
        reason_row.addWidget(QLabel("仍要建档的原因："))
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("必填，例如：经工会委员会研究同意")
        self.reason_edit.setStyleSheet("QLineEdit { background: white; }")
        self.reason_edit.textChanged.connect(self._changed)
        reason_row.addWidget(self.reason_edit, 1)
        rules.addLayout(reason_row)
        self.rule_box.hide()
        outer.addWidget(self.rule_box)

        life = QHBoxLayout()
        self.approve_button = QPushButton("批准建档")
        self.approve_button.setToolTip("申请中 → 在档（审核通过），审核人取自“审核人”一栏")
        self.approve_button.clicked.connect(self.approve)
        self.out_button = QPushButton("脱困…")
        self.out_button.clicked.connect(lambda: self.close_file("脱困"))
        self.cancel_button = QPushButton("注销…")
        self.cancel_button.clicked.connect(lambda: self.close_file("注销"))
        self.reopen_button = QPushButton("重新建档")
        self.reopen_button.setToolTip("已脱困或注销的家庭再次困难：以今天为建档日期开始新一期档案")
        self.reopen_button.clicked.connect(self.reopen)
        self.void_button = QPushButton("作废…")
        self.void_button.setToolTip("录错或重复建立的档案可以作废（不会删除）")
        self.void_button.clicked.connect(self.void_file)
        self.print_button = QPushButton("打印档案表…")
        self.print_button.clicked.connect(self.start_print)
        life.addWidget(self.print_button)
        life.addSpacing(12)
        for button in (self.approve_button, self.out_button, self.cancel_button, self.reopen_button,
                       self.void_button):
            life.addWidget(button)
        from gonghui_desk.ui.change_log_dialog import history_button

        self.history_button = history_button(self, self.context, "hardship_files", "file_id")  # 修改记录…
        self.history_button.setVisible(not self.is_new)
        life.addWidget(self.history_button)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        life.addWidget(self.summary_label, 1)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存", QDialogButtonBox.AcceptRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.close_button = self.buttons.addButton("取消" if self.is_new else "关闭", QDialogButtonBox.RejectRole)
        self.close_button.clicked.connect(self.reject)
        life.addWidget(self.buttons)
        outer.addLayout(life)
        self.resize(900, 760)

    # the form's grid, fields and inline messages are laid out as in the visit form

    # --- loading -------------------------------------------------------------------------
    def _fill_combo(self, key: str, current: str) -> None:
        combo = self.combos[key]
        combo.blockSignals(True)
        combo.clear()
        choices = value_lists.values(self.context.db, FILE_CHOICES[key])
        combo.addItem("")
        combo.addItems(choices)
        if current and current not in choices:
            combo.addItem(current)  # a retired value the file keeps
        combo.setCurrentText(current)
        combo.blockSignals(False)

    def _load(self, member_id: int | None) -> None:
        f = self.file
        data = self.store.as_input(self.file_id)[0] if f else FileInput(member_id=member_id or 0)
        family = self.store.as_input(self.file_id)[1] if f else []
        for key in FILE_CHOICES:
            self._fill_combo(key, getattr(data, key) or "")
        if data.member_id:
            self.member_picker.set_member(data.member_id)
            self._touched.add("member_id")
        self.area_edit.setText(data.housing_area or "")
        self.marital_combo.setCurrentText(data.marital_status or "")
        self.single_check.setChecked(bool(data.single_parent))
        self.zero_check.setChecked(bool(data.zero_employment))
        self.monthly_edit.setText(yuan_text(data.monthly_income_fen, thousands=False) if data.monthly_income_fen else "")
        self.other_edit.setText(yuan_text(data.other_annual_income_fen, thousands=False)
                                if data.other_annual_income_fen else "")
        auto_size = not data.household_size or data.household_size == len(family) + 1  # grows with the family
        self.size_edit.setText("" if auto_size else str(data.household_size))
        self.bank_name_edit.setText(data.bank_name or "")
        self.account_edit.setText(data.bank_account or "")
        self.opened_edit.setText(str(data.opened_on or self.today.isoformat()))
        self.opened_by_edit.setText(data.opened_by or "")
        self.checked_by_edit.setText(data.checked_by or "")
        self.notes_edit.setPlainText(data.notes or "")
        self.family_model.load(family)
        self.show_account_check.setChecked(self.is_new)
        self._show_account(self.is_new)
        if f is None:
            self.reviews_box.hide()
        else:
            self._touched = set(self.messages) | {"family"}
            self.member_picker.edit.setReadOnly(True)
            self.member_picker.edit.setToolTip("档案的户主不能更换；请为另一位会员另行建档")
            self.status_combo.setEnabled(False)
            self.status_combo.setItemText(0, self.status)
            self.status_combo.setCurrentIndex(0)
            self._load_reviews()
            title = f"困难职工档案 - {f['member_name']}"
            self.title_label.setText(title)
            self.setWindowTitle(title)
            self.status_label.setText(f"　{self.status}　建档 {f['opened_on']}" +
                                      (f"　上一期档案编号 {f['previous_file_id']}" if f.get("previous_file_id") else ""))
            if self.is_voided:
                self.banner.show_text(f"此档案已作废，原因：{f.get('void_reason') or ''}。作废的档案不能修改。")
            elif self.status in ("脱困", "注销"):
                self.banner.show_text(f"此档案已于 {f['closed_on']} {self.status}，原因：{f['close_reason']}。"
                                      "如该家庭再次困难，请点“重新建档”开始新一期档案。")
            else:
                self.banner.hide()
        self._update_buttons()

    def _load_reviews(self) -> None:
        self.reviews_model.removeRows(0, self.reviews_model.rowCount())
        for review in self.file["reviews"]:
            self.reviews_model.appendRow([QStandardItem(review[k] or "")
                                          for k in ("review_date", "result", "reviewer", "notes")])
        due = self.file.get("next_review_due")
        if due:
            late = self.file.get("review_overdue")
            self.next_review_label.setText(f"下次复核：{due}" + ("（已逾期，请尽快复核）" if late else ""))
            self.next_review_label.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;" if late else "")
        else:
            self.next_review_label.setText("只有在档的档案需要年度复核。")
            self.next_review_label.setStyleSheet(f"color: {HINT_COLOUR};")

    def _update_buttons(self) -> None:
        live = not self.is_new and not self.is_voided
        self.approve_button.setVisible(live and self.status == "申请中")
        self.out_button.setVisible(live and self.status in ("申请中", "在档"))
        self.cancel_button.setVisible(live and self.status in ("申请中", "在档"))
        self.reopen_button.setVisible(live and self.status in ("脱困", "注销"))
        self.void_button.setVisible(live)
        self.print_button.setEnabled(live)
        self.print_button.setToolTip("按纸质困难职工档案表的格式打印（A4），先显示打印预览" if live else
                                     "作废的档案不能打印" if self.is_voided else "保存档案后才能打印档案表")
        for widget in (self.add_review_button, self.review_date_edit, self.review_result_combo, self.reviewer_edit,
                       self.review_notes_edit):
            widget.setEnabled(live and self.status == "在档")
        if self.is_voided:
            self.save_button.hide()

    # --- reacting ------------------------------------------------------------------------
    def _show_account(self, shown: bool) -> None:
        self.family_model.set_mask_ids(not shown)
        self.account_edit.setVisible(shown)
        self.account_masked.setVisible(not shown)
        text = self.account_edit.text().strip()
        self.account_masked.setText(mask_account(text))
        self.account_masked.setPlaceholderText("（未填，勾选“显示完整号码”后填写）")

    def _account_revealed(self, shown: bool) -> None:
        """The user showed a saved file's numbers in full: one line in the change log."""
        if shown and not self.is_new:
            from gonghui_desk.privacy import ACCOUNT_LABEL, ID_LABEL, record_unmask

            record_unmask(self.context.db, output=f"困难职工档案：显示完整号码（{self.file['member_name']}）",
                          fields=(ACCOUNT_LABEL, ID_LABEL), count=1, table="hardship_files")

    def _member_changed(self, member_id) -> None:
        if not self._loading:
            self._touched.add("member_id")
            self._needs_reason = False
            self._validate()

    def _changed(self, *args) -> None:
        if not self._loading and not self._validating:
            self._validate()

    _changed_text = _changed

    def _finished_text(self) -> None:
        key = self.sender().objectName().removeprefix("field_")
        self._touched.add(key)
        if key == "opened_on":
            try:
                day = parse_date(self.opened_edit.text())
            except DateParseError:
                day = None
            if day and self.opened_edit.text().strip() != day.isoformat():
                self.opened_edit.setText(day.isoformat())
        self._validate()

    def add_family_row(self) -> None:
        row = self.family_model.add_row()
        self._touched.add("family")
        index = self.family_model.index(row, 0)
        self.family_table.setCurrentIndex(index)
        if self.family_table.isVisible():
            self.family_table.edit(index)

    def remove_family_row(self) -> None:
        index = self.family_table.currentIndex()
        if index.isValid():
            self.family_model.remove_row(index.row())

    # --- values and checks ---------------------------------------------------------------
    def form_state(self) -> tuple:
        return (self.member_picker.member_id, tuple(c.currentText() for c in self.combos.values()),
                self.area_edit.text(), self.marital_combo.currentText(), self.single_check.isChecked(),
                self.zero_check.isChecked(), self.monthly_edit.text(), self.other_edit.text(), self.size_edit.text(),
                self.bank_name_edit.text(), self.account_edit.text(), self.opened_edit.text(),
                self.opened_by_edit.text(), self.checked_by_edit.text(), self.notes_edit.toPlainText(),
                self.family_model.state())

    def is_dirty(self) -> bool:
        return self.form_state() != self._initial

    def file_input(self) -> tuple[FileInput, list, list[Problem]]:
        problems: list[Problem] = []
        money = {}
        for key, edit in (("monthly_income_fen", self.monthly_edit), ("other_annual_income_fen", self.other_edit)):
            try:
                money[key] = parse_money(edit.text()) or 0
            except MoneyParseError as exc:
                money[key] = 0
                problems.append(Problem(key, str(exc), field_label=FILE_FIELD_LABELS[key]))
        size_text = self.size_edit.text().strip()
        size: int | str | None = None
        if size_text:
            size = int(size_text) if size_text.isdigit() else -1
        data = FileInput(
            member_id=self.member_picker.member_id or 0,
            **{key: combo.currentText() for key, combo in self.combos.items()},
            housing_area=self.area_edit.text(), marital_status=self.marital_combo.currentText(),
            single_parent=self.single_check.isChecked(), zero_employment=self.zero_check.isChecked(),
            household_size=size, bank_name=self.bank_name_edit.text(), bank_account=self.account_edit.text(),
            opened_on=self.opened_edit.text(), opened_by=self.opened_by_edit.text(),
            checked_by=self.checked_by_edit.text(), notes=self.notes_edit.toPlainText(), **money)
        family, money_errors = self.family_model.inputs()
        problems += [Problem(f"family[{r}].{k}", m, field_label=f"第{r + 1}位家庭成员的月收入")
                     for (r, k), m in money_errors.items()]
        return data, family, problems

    def _validate(self) -> None:
        data, family, problems = self.file_input()
        if data.member_id:
            member = self.context.members.get(data.member_id) or {}
            head_id = member.get("id_number")
        else:
            head_id = None
        _, found = self.store.normalize(data, len(family), current=self.file)
        _, family_found = self.store.normalize_family(family, head_id_number=head_id)
        known = {p.field for p in problems}
        problems += [p for p in found + family_found if p.field not in known]
        if self.file is not None:  # the head stays: the picker is read-only
            problems = [p for p in problems if p.field != "member_id" or data.member_id != self.file["member_id"]]
        self.problems = problems
        by_field: dict[str, list[str]] = {}
        for p in problems:
            by_field.setdefault(p.field, []).append(p.message)
        for key, label in self.messages.items():
            found_here = by_field.get(key)
            if found_here and key in self._touched:
                label.setText("；".join(found_here))
                label.setStyleSheet(f"color: {ERROR_COLOUR};")
                label.show()
            else:
                label.hide()
        family_errors = {}
        for p in problems:
            if p.field.startswith("family["):
                row, key = p.field[7:].split("].")
                key = "monthly_income" if key == "monthly_income_fen" else key
                family_errors[(int(row), key)] = p.message
        self._validating = True  # repainting the family cells must not check again
        self.family_model.set_errors(family_errors)
        self._validating = False
        family_texts = [p.label + "：" + p.message if p.label else p.message
                        for p in problems if p.field.startswith("family[")]
        self.family_message.setText("\n".join(family_texts))
        self._show_incomes(data, family)
        self.rule_box.setVisible(self._needs_reason)
        reason_missing = self._needs_reason and not self.reason_edit.text().strip()
        self.save_button.setEnabled(not problems and not reason_missing and not self.is_voided)
        shown = [p for p in problems if p.field in self._touched or p.field.startswith("family[")]
        if problems and not shown:  # a new form nobody has typed in yet
            self.summary_label.setText("请选择户主、困难类别和主要致困原因后保存。")
            self.summary_label.setStyleSheet(f"color: {HINT_COLOUR};")
        elif problems:
            labels = list(dict.fromkeys(p.label for p in shown))
            self.summary_label.setText(f"有 {len(problems)} 处需要修改后才能保存" +
                                       (f"：{'、'.join(labels)}" if labels else ""))
            self.summary_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        elif reason_missing:
            self.summary_label.setText("请在黄色框中填写原因后保存。")
            self.summary_label.setStyleSheet(f"color: {WARNING_COLOUR};")
        else:
            self.summary_label.setText("")

    def _show_incomes(self, data: FileInput, family) -> None:
        annual = household_annual_income(data.monthly_income_fen, data.other_annual_income_fen,
                                         [p.monthly_income_fen for p in family])
        size = data.household_size if isinstance(data.household_size, int) and data.household_size > 0 \
            else len(family) + 1
        self.annual_label.setText(f"{yuan_text(annual) or '0'} 元")
        self.per_person_label.setText(f"{yuan_text(income_per_person(annual, size)) or '0'} 元（{size} 人）")

    def has_errors(self) -> bool:
        return bool(self.problems)

    # --- actions -------------------------------------------------------------------------
    def save(self) -> int | None:
        self._touched = set(self.messages) | {"family"}
        self._validate()
        if self.problems or self.is_voided or (self._needs_reason and not self.reason_edit.text().strip()):
            return None
        data, family, _ = self.file_input()
        try:
            if self.is_new:
                file_id = self.store.open_file(data, family, status=self.status_combo.currentData(),
                                               override_reason=self.reason_edit.text())
            else:
                file_id = self.file_id
                self.store.update_file(file_id, data, family)
        except ValidationError as exc:
            self.problems = exc.problems
            self.summary_label.setText("；".join(p.message for p in exc.problems))
            self.summary_label.setStyleSheet(f"color: {ERROR_COLOUR};")
            self.save_button.setEnabled(False)
            return None
        except RuleOverrideRequired as exc:
            self._needs_reason = True
            self.rule_text.setText("<b>⚠ 请确认</b><br>" + "<br>".join(f"• {w.message}" for w in exc.warnings))
            self._validate()
            self.reason_edit.setFocus()
            return None
        except UserError as exc:
            show_error(self, "保存困难职工档案", exc)
            return None
        self.file_id = file_id
        self._initial = self.form_state()
        self._changed_elsewhere(f"已保存{self.member_picker._member_name}的困难职工档案")
        self.saved.emit(file_id)
        self.done(QDialog.Accepted)
        return file_id

    def _changed_elsewhere(self, message: str) -> None:
        signal = getattr(self.context, "hardship_changed", None)
        if signal is not None:
            signal.emit()
        self.context.status_message.emit(message)

    def _reload(self) -> None:
        """Re-read the file after a life-cycle step (the form keeps nothing unsaved)."""
        self.file = self.store.get(self.file_id)
        self._loading = True
        self._load(None)
        self._loading = False
        self._initial = self.form_state()
        self._validate()

    def _life_cycle(self, message: str, step) -> bool:
        try:
            step()
        except ValidationError as exc:
            show_error(self, "困难职工档案", UserError("；".join(p.message for p in exc.problems)))
            return False
        except UserError as exc:
            show_error(self, "困难职工档案", exc)
            return False
        self._changed_elsewhere(message)
        self._reload()
        return True

    def approve(self) -> bool:
        return self._life_cycle("档案已批准，状态为在档",
                                lambda: self.store.approve(self.file_id, self.checked_by_edit.text()))

    def add_review(self) -> bool:
        self.review_message.hide()
        try:
            self.store.add_review(self.file_id, self.review_date_edit.text(), self.review_result_combo.currentText(),
                                  self.reviewer_edit.text(), self.review_notes_edit.text())
        except ValidationError as exc:
            self.review_message.setText("；".join(p.message for p in exc.problems))
            self.review_message.show()
            return False
        except UserError as exc:
            self.review_message.setText(str(exc))
            self.review_message.show()
            return False
        self.reviewer_edit.clear()
        self.review_notes_edit.clear()
        self._changed_elsewhere("已登记年度复核")
        self.file = self.store.get(self.file_id)
        self._load_reviews()
        return True

    def close_file(self, kind: str) -> CloseFileDialog | None:
        if self.is_new or self.is_voided:
            return None
        dialog = CloseFileDialog(self.store, self.file_id, kind, self.today, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: (self._changed_elsewhere(f"档案已{kind}"), self._reload()))
        self.close_dialog = dialog
        dialog.open()
        return dialog

    def reopen(self) -> int | None:
        try:
            new_id = self.store.reopen(self.file_id, self.today, self.opened_by_edit.text())
        except ValidationError as exc:
            show_error(self, "重新建档", UserError("；".join(p.message for p in exc.problems)))
            return None
        except UserError as exc:
            show_error(self, "重新建档", exc)
            return None
        self._changed_elsewhere("已重新建档（新一期档案）")
        self.reopened.emit(new_id)
        self.done(QDialog.Accepted)
        return new_id

    def open_new_period(self, new_id: int) -> None:
        """After 重新建档 (from :func:`open_file_dialog`): the new period opens in a dialog of its own,
        over the same page, which keeps it as its ``file_dialog``."""
        parent = self.parentWidget()
        dialog = open_file_dialog(parent, self.context, new_id, today=self.today)
        if parent is not None:
            parent.file_dialog = dialog

    def void_file(self) -> ReasonDialog | None:
        if self.is_new or self.is_voided:
            return None
        dialog = ReasonDialog("作废困难职工档案", "作废用于<b>录错或重复建立</b>的档案。作废后它不再出现在名册和统计中，"
                                            "但记录本身会保留。", placeholder="必填，例如：重复建档",
                              apply=lambda reason: self.store.void_file(self.file_id, reason), parent=self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(self._voided)
        self.void_dialog = dialog
        dialog.open()
        return dialog

    def start_print(self) -> QDialog | None:
        """打印档案表: the options (full numbers or not), then the print preview. Unsaved edits
        must be saved first: the form prints what is saved."""
        if self.is_new or self.is_voided:
            return None
        if self.is_dirty():
            box = QMessageBox(QMessageBox.Information, "打印档案表",
                              "档案有尚未保存的修改。档案表打印的是已保存的内容，请先保存，再打印档案表。",
                              QMessageBox.Ok, self)
            box.setAttribute(Qt.WA_DeleteOnClose)
            self.print_box = box
            box.open()
            return box
        dialog = PrintFileOptionsDialog(self.file["member_name"], self._prepared_by, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.show_print_preview(show_full_numbers=dialog.show_full_numbers,
                                                                prepared_by=dialog.prepared_by))
        self.print_options_dialog = dialog
        dialog.open()
        return dialog

    def show_print_preview(self, *, show_full_numbers: bool = False, prepared_by: str = ""):
        """The print preview of this file's 困难职工档案表 (ui.printing.print_preview)."""
        from gonghui_desk.hardship.file_form import file_form
        from gonghui_desk.ui import printing

        self._prepared_by = prepared_by
        try:
            form = file_form(self.context.db, self.file_id, show_full_numbers=show_full_numbers,
                             prepared_by=prepared_by, today=self.today)
            if show_full_numbers:
                from gonghui_desk.privacy import ACCOUNT_LABEL, ID_LABEL, PHONE_LABEL, record_unmask

                record_unmask(self.context.db, output=f"打印困难职工档案表：{self.file['member_name']}",
                              fields=(ID_LABEL, PHONE_LABEL, ACCOUNT_LABEL), count=1, table="hardship_files")
            self.print_preview_dialog = printing.print_preview(self, form)
        except Exception as exc:  # a user error, or a printer driver's fault: the form stays open
            show_error(self, "打印档案表", exc)
            return None
        return self.print_preview_dialog

    def _voided(self) -> None:
        self._changed_elsewhere("已作废一份困难职工档案")
        self.done(QDialog.Accepted)


def open_file_dialog(parent: QWidget, context, file_id: int | None = None, **kwargs) -> HardshipFileDialog:
    """Open (without blocking) a file dialog over ``parent``; it deletes itself when closed. A
    reopened file opens its new period in a new dialog."""
    dialog = HardshipFileDialog(context, file_id, parent, **kwargs)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    # No lambda holding ``parent`` on this signal: PySide 6.11 crashes deleting a dialog whose
    # signal is connected to a closure over the dialog's own parent.
    dialog.reopened.connect(dialog.open_new_period)
    dialog.open()
    return dialog


__all__ = ["HardshipFileDialog", "CloseFileDialog", "PrintFileOptionsDialog", "open_file_dialog", "mask_account"]
