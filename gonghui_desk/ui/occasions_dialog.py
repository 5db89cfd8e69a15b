"""设置 → 慰问类别与标准: the union's occasions of care, their amounts and caps.

The occasions (生病住院, 结婚, 节日慰问…) and the yearly cap groups (e.g. all holiday benefits
together at most 2,200 元 a member a year) are edited here; amounts are typed in 元 and kept in
分. A ready-made rule set (a data file, see ``care.occasions.available_rule_sets``) can be
applied after reading its description; it updates the occasions of the same name and adds the
missing ones. Occasions are retired (停用), never deleted: recorded visits keep them.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLayout, QLineEdit, QMessageBox,
                               QPlainTextEdit, QPushButton, QTableView, QVBoxLayout, QWidget)

from gonghui_desk.care import PAYMENT_FORMS
from gonghui_desk.care.occasions import (Occasion, RuleSet, apply_rule_set, available_rule_sets,
                                         list_cap_groups, list_occasions, save_cap_group, save_occasion,
                                         void_occasion)
from gonghui_desk.errors import UserError
from gonghui_desk.money import MoneyParseError, parse_money, yuan_text
from gonghui_desk.ui.tables import compact_table

ERROR_COLOUR = "#c0392b"
HINT_COLOUR = "#6b6b6b"
YES = "✓"

OCCASION_COLUMNS = ("名称", "必访", "标准金额（元）", "单次上限（元）", "合计上限组", "同病每年一次", "需填疾病", "允许的发放形式")
CAP_GROUP_COLUMNS = ("名称", "每人每年上限（元）")


def _amount_text(fen: int | None) -> str:
    return "" if fen is None else yuan_text(fen)


class OccasionTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[Occasion] = []

    def set_rows(self, rows: list[Occasion]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def occasion(self, row: int) -> Occasion | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, occasion_id: int) -> int | None:
        return next((i for i, o in enumerate(self._rows) if o.id == occasion_id), None)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(OCCASION_COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return OCCASION_COLUMNS[section]
        return None

    def text(self, row: int, column: int) -> str:
        o = self._rows[row]
        return (
            o.name,
            YES if o.is_must_visit else "",
            _amount_text(o.standard_fen),
            _amount_text(o.cap_fen) or "不限",
            (f"{o.cap_group_name}（{yuan_text(o.cap_group_yearly_fen)}元/年）" if o.cap_group_name else ""),
            YES if o.once_per_year_same_illness else "",
            YES if o.needs_illness else "",
            "、".join(o.allowed_forms),
        )[column]

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            return self.text(index.row(), index.column())
        if role == Qt.TextAlignmentRole:
            if index.column() in (2, 3):
                return int(Qt.AlignRight | Qt.AlignVCenter)
            if index.column() in (1, 5, 6):
                return int(Qt.AlignCenter)
        return None


class CapGroupTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[dict] = []

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def group(self, row: int) -> dict | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(CAP_GROUP_COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return CAP_GROUP_COLUMNS[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        group = self._rows[index.row()]
        if role == Qt.DisplayRole:
            return group["name"] if index.column() == 0 else yuan_text(group["yearly_cap_fen"])
        if role == Qt.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None


class _FormDialog(QDialog):
    """A small edit form with an error line and 保存/取消."""

    def _finish(self, layout: QVBoxLayout) -> None:
        self.error_label = QLabel()
        self.error_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.Ok)
        self.save_button.setText("保存")
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        layout.setSizeConstraint(QLayout.SetMinimumSize)  # error lines never get squeezed

    def _money_edit(self, fen: int | None, placeholder: str) -> QLineEdit:
        edit = QLineEdit(yuan_text(fen, thousands=False) if fen is not None else "")
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self._validate)
        return edit

    def _read_money(self, edit: QLineEdit, label: str, errors: list[str]) -> int | None:
        try:
            value = parse_money(edit.text())
            edit.setStyleSheet("")
            return value
        except MoneyParseError as exc:
            errors.append(f"{label}：{exc}")
            edit.setStyleSheet(f"QLineEdit {{ border: 1px solid {ERROR_COLOUR}; border-radius: 2px; }}")
            return None

    def _show_errors(self, errors: list[str]) -> None:
        self.error_label.setText("\n".join(errors))
        self.error_label.setVisible(bool(errors))
        self.save_button.setEnabled(not errors)

    def _validate(self, *args) -> None:
        raise NotImplementedError


class OccasionEditDialog(_FormDialog):
    """One occasion's name, flags, amounts (元), cap group and allowed payment forms."""

    def __init__(self, context, occasion: Occasion | None, parent=None):
        super().__init__(parent)
        self.context = context
        self.occasion = occasion or Occasion(id=None, name="")
        o = self.occasion
        self.setWindowTitle("新增慰问类别" if o.id is None else f"修改慰问类别 - {o.name}")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = QLineEdit(o.name)
        self.name_edit.setPlaceholderText("如：生病住院")
        self.name_edit.textChanged.connect(self._validate)
        form.addRow("名称：", self.name_edit)
        self.must_check = QCheckBox("是本工会的“必访”类别")
        self.must_check.setChecked(o.is_must_visit)
        form.addRow("", self.must_check)
        self.standard_edit = self._money_edit(o.standard_fen, "登记慰问时自动填入的金额，可不填")
        form.addRow("标准金额（元）：", self.standard_edit)
        self.cap_edit = self._money_edit(o.cap_fen, "不填表示不限")
        form.addRow("单次上限（元）：", self.cap_edit)
        self.group_combo = QComboBox()
        self.group_combo.addItem("（不参与合计）", None)
        for group in list_cap_groups(context.db):
            self.group_combo.addItem(f"{group['name']}（每人每年 {yuan_text(group['yearly_cap_fen'])} 元）", group["id"])
        index = self.group_combo.findData(o.cap_group_id) if o.cap_group_id is not None else 0
        self.group_combo.setCurrentIndex(max(index, 0))
        self.group_combo.setToolTip("几个类别共用的每人每年合计上限，如各种节日慰问合计不超过 2,200 元")
        form.addRow("合计上限组：", self.group_combo)
        self.illness_check = QCheckBox("同一疾病每年只慰问一次")
        self.illness_check.setChecked(o.once_per_year_same_illness)
        form.addRow("", self.illness_check)
        self.needs_illness_check = QCheckBox("登记时需填写所患疾病")
        self.needs_illness_check.setChecked(o.needs_illness)
        form.addRow("", self.needs_illness_check)
        forms_box = QWidget()
        forms_row = QHBoxLayout(forms_box)
        forms_row.setContentsMargins(0, 0, 0, 0)
        self.form_checks: dict[str, QCheckBox] = {}
        for payment_form in PAYMENT_FORMS:
            check = QCheckBox(payment_form)
            check.setChecked(payment_form in o.allowed_forms)
            check.toggled.connect(self._validate)
            forms_row.addWidget(check)
            self.form_checks[payment_form] = check
        forms_row.addStretch(1)
        form.addRow("允许的发放形式：", forms_box)
        note = QLabel("按《基层工会经费收支管理办法》，慰问不得发放购物卡；各省的金额标准不同，请按本省文件填写。")
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {HINT_COLOUR};")
        form.addRow("", note)
        layout.addLayout(form)
        self._finish(layout)
        self._validate()
        self.resize(500, self.sizeHint().height())

    def values(self) -> tuple[Occasion, list[str]]:
        errors: list[str] = []
        if not self.name_edit.text().strip():
            errors.append("请填写类别名称")
        standard = self._read_money(self.standard_edit, "标准金额", errors)
        cap = self._read_money(self.cap_edit, "单次上限", errors)
        if standard and cap is not None and standard > cap:
            errors.append("标准金额不能高于单次上限")
        forms = tuple(f for f, check in self.form_checks.items() if check.isChecked())
        if not forms:
            errors.append("请至少选择一种发放形式")
        o = self.occasion
        occasion = Occasion(id=o.id, name=self.name_edit.text().strip(), is_must_visit=self.must_check.isChecked(),
                            standard_fen=standard, cap_fen=cap, cap_group_id=self.group_combo.currentData(),
                            once_per_year_same_illness=self.illness_check.isChecked(),
                            needs_illness=self.needs_illness_check.isChecked(), allowed_forms=forms,
                            sort_order=o.sort_order)
        return occasion, errors

    def _validate(self, *args) -> None:
        self._show_errors(self.values()[1])

    def accept(self) -> None:
        occasion, errors = self.values()
        if errors:
            self._show_errors(errors)
            return
        try:
            self.saved_id = save_occasion(self.context.db, occasion)
        except UserError as exc:
            self._show_errors([str(exc)])
            return
        super().accept()


class CapGroupDialog(_FormDialog):
    """A yearly cap shared by several occasions: a name and an amount per member per year."""

    def __init__(self, context, group: dict | None, parent=None):
        super().__init__(parent)
        self.context = context
        self.group = group
        self.setWindowTitle("新增合计上限" if group is None else f"修改合计上限 - {group['name']}")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = QLineEdit(group["name"] if group else "")
        self.name_edit.setPlaceholderText("如：节日慰问品")
        self.name_edit.textChanged.connect(self._validate)
        form.addRow("名称：", self.name_edit)
        self.cap_edit = self._money_edit(group["yearly_cap_fen"] if group else None, "如 2200")
        form.addRow("每人每年上限（元）：", self.cap_edit)
        layout.addLayout(form)
        note = QLabel("保存后，在慰问类别中选择这个合计上限组，这些类别的金额就按每人每年合计检查。")
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {HINT_COLOUR};")
        layout.addWidget(note)
        self._finish(layout)
        self._validate()
        self.resize(420, self.sizeHint().height())

    def values(self) -> tuple[str, int | None, list[str]]:
        errors: list[str] = []
        name = self.name_edit.text().strip()
        if not name:
            errors.append("请填写名称")
        cap = self._read_money(self.cap_edit, "每人每年上限", errors)
        if cap is None and not any(e.startswith("每人每年上限") for e in errors):
            errors.append("请填写每人每年上限")
        return name, cap, errors

    def _validate(self, *args) -> None:
        self._show_errors(self.values()[2])

    def accept(self) -> None:
        name, cap, errors = self.values()
        if errors:
            self._show_errors(errors)
            return
        try:
            save_cap_group(self.context.db, name, cap, self.group["id"] if self.group else None)
        except UserError as exc:
            self._show_errors([str(exc)])
            return
        super().accept()


class RuleSetDialog(QDialog):
    """套用标准: choose a ready-made rule set, read what it says, then apply it."""

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.rule_sets: list[RuleSet] = available_rule_sets()
        self.setWindowTitle("套用慰问标准")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.combo = QComboBox()
        for rule_set in self.rule_sets:
            self.combo.addItem(rule_set.name, rule_set.key)
        self.combo.currentIndexChanged.connect(self._show)
        form.addRow("标准：", self.combo)
        layout.addLayout(form)
        self.description = QPlainTextEdit()
        self.description.setReadOnly(True)
        self.description.setMinimumHeight(self.fontMetrics().height() * 17)
        layout.addWidget(self.description)
        warning = QLabel("套用后，同名类别的金额、上限和发放形式会被改为该标准的数值，缺少的类别会被添加；"
                         "已有的其他类别和已登记的慰问记录不受影响。套用后仍可逐项修改。")
        warning.setWordWrap(True)
        warning.setStyleSheet("color: #8a5a00;")
        layout.addWidget(warning)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.apply_button = self.buttons.button(QDialogButtonBox.Ok)
        self.apply_button.setText("确认套用")
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._show()
        layout.setSizeConstraint(QLayout.SetMinimumSize)  # the whole description stays readable
        self.resize(540, self.sizeHint().height())

    def current(self) -> RuleSet | None:
        index = self.combo.currentIndex()
        return self.rule_sets[index] if 0 <= index < len(self.rule_sets) else None

    def select(self, key: str) -> None:
        self.combo.setCurrentIndex(max(self.combo.findData(key), 0))

    def _show(self) -> None:
        rule_set = self.current()
        if rule_set is None:
            self.description.setPlainText("没有找到可套用的标准文件。")
            self.apply_button.setEnabled(False)
            return
        lines = [rule_set.description, ""]
        for spec in rule_set.occasions:
            amounts = []
            if spec.get("standard") is not None:
                amounts.append(f"标准 {yuan_text(round(spec['standard'] * 100))} 元")
            if spec.get("cap") is not None:
                amounts.append(f"上限 {yuan_text(round(spec['cap'] * 100))} 元")
            lines.append(f"· {spec['name']}{'（必访）' if spec.get('must_visit') else ''}："
                         f"{'，'.join(amounts) or '不设金额'}")
        for group in rule_set.cap_groups:
            lines.append(f"· 合计上限“{group['name']}”：每人每年 {yuan_text(round(group['yearly_cap'] * 100))} 元")
        self.description.setPlainText("\n".join(lines))
        self.apply_button.setEnabled(True)

    def accept(self) -> None:
        rule_set = self.current()
        if rule_set is None:
            return
        try:
            apply_rule_set(self.context.db, rule_set)
        except UserError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        self.context.status_message.emit(f"已套用慰问标准“{rule_set.name}”")
        super().accept()


def _table(model, widths: tuple[int, ...]) -> QTableView:
    table = compact_table(model, selection=QAbstractItemView.SingleSelection, wrap=True)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setHighlightSections(False)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    return table


class OccasionsDialog(QDialog):
    """设置 → 慰问类别与标准…"""

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.edit_dialog: QDialog | None = None
        self.retire_box: QMessageBox | None = None
        self.setWindowTitle("慰问类别与标准")
        self.setSizeGripEnabled(True)
        layout = QVBoxLayout(self)
        title = QLabel("慰问类别与标准")
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        layout.addWidget(title)
        intro = QLabel("登记慰问时按这里的标准金额自动填写，超过上限、不允许的发放形式等会提醒并要求填写原因。"
                       "各省标准不同，可先“套用标准”，再按本省（市）文件逐项修改。金额单位：元。")
        intro.setWordWrap(True)
        intro.setStyleSheet(f"color: {HINT_COLOUR};")
        layout.addWidget(intro)

        occasions_box = QGroupBox("慰问类别")
        box = QVBoxLayout(occasions_box)
        self.model = OccasionTableModel(self)
        self.table = _table(self.model, (104, 44, 104, 104, 170, 96, 70))
        self.table.doubleClicked.connect(self._double_clicked)
        box.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("新增类别…")
        self.add_button.clicked.connect(self.add_occasion)
        self.edit_button = QPushButton("修改…")
        self.edit_button.clicked.connect(self.edit_selected)
        self.retire_button = QPushButton("停用…")
        self.retire_button.setToolTip("不再使用的类别可以停用；已登记的慰问记录保留原类别")
        self.retire_button.clicked.connect(self.retire_selected)
        self.rule_set_button = QPushButton("套用标准…")
        self.rule_set_button.setToolTip("从预置的标准（如某省基层工会经费标准）一次填好各类别的金额和上限")
        self.rule_set_button.clicked.connect(self.choose_rule_set)
        for button in (self.add_button, self.edit_button, self.retire_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.rule_set_button)
        box.addLayout(row)
        layout.addWidget(occasions_box, 1)

        groups_box = QGroupBox("每人每年合计上限（几个类别共用，如节日慰问合计）")
        groups = QHBoxLayout(groups_box)
        self.group_model = CapGroupTableModel(self)
        self.group_table = _table(self.group_model, (220,))
        self.group_table.setMaximumHeight(96)
        self.group_table.horizontalHeader().setStretchLastSection(False)
        self.group_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.group_table.setColumnWidth(1, 180)
        self.group_table.doubleClicked.connect(self._group_double_clicked)
        groups.addWidget(self.group_table, 1)
        group_buttons = QVBoxLayout()
        self.add_group_button = QPushButton("新增…")
        self.add_group_button.clicked.connect(self.add_group)
        self.edit_group_button = QPushButton("修改…")
        self.edit_group_button.clicked.connect(self.edit_group)
        group_buttons.addWidget(self.add_group_button)
        group_buttons.addWidget(self.edit_group_button)
        group_buttons.addStretch(1)
        groups.addLayout(group_buttons)
        layout.addWidget(groups_box)

        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reload()
        self.resize(920, 660)

    # --- data ------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        self.model.set_rows(list_occasions(self.context.db))
        self.group_model.set_rows(list_cap_groups(self.context.db))
        if select_id is not None:
            row = self.model.row_of(select_id)
            if row is not None:
                self.table.selectRow(row)

    def _changed(self, select_id: int | None = None) -> None:
        self.reload(select_id)
        self.context.visits_changed.emit()  # the ledger's occasion names and 必访 group may change

    def selected_occasion(self) -> Occasion | None:
        index = self.table.currentIndex()
        return self.model.occasion(index.row()) if index.isValid() else None

    # --- occasions -------------------------------------------------------------------
    def _open(self, dialog: QDialog, on_accept) -> QDialog:
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(on_accept)
        self.edit_dialog = dialog
        dialog.open()
        return dialog

    def add_occasion(self) -> OccasionEditDialog:
        return self._open(OccasionEditDialog(self.context, None, self), self._occasion_saved)

    def edit_occasion(self, occasion: Occasion) -> OccasionEditDialog:
        return self._open(OccasionEditDialog(self.context, occasion, self), self._occasion_saved)

    def edit_selected(self) -> OccasionEditDialog | None:
        occasion = self.selected_occasion()
        return self.edit_occasion(occasion) if occasion else None

    def _double_clicked(self, index) -> None:
        occasion = self.model.occasion(index.row())
        if occasion is not None:
            self.edit_occasion(occasion)

    def _occasion_saved(self) -> None:
        self._changed(getattr(self.edit_dialog, "saved_id", None))

    def retire_selected(self) -> QMessageBox | None:
        occasion = self.selected_occasion()
        if occasion is None:
            return None
        box = QMessageBox(QMessageBox.Question, "停用慰问类别",
                          f"停用“{occasion.name}”后，登记新的慰问时不再列出这个类别；"
                          "已登记的慰问记录保留原类别，台账和统计不受影响。\n\n确定停用吗？",
                          QMessageBox.NoButton, self)
        box.addButton("停用", QMessageBox.AcceptRole)
        box.addButton("取消", QMessageBox.RejectRole)
        box.setAttribute(Qt.WA_DeleteOnClose)
        self._retiring = occasion
        box.buttonClicked.connect(self._retire_answered)
        self.retire_box = box
        box.open()
        return box

    def _retire_answered(self, button) -> None:
        if self.retire_box.buttonRole(button) == QMessageBox.AcceptRole:
            void_occasion(self.context.db, self._retiring.id)
            self.context.status_message.emit(f"已停用慰问类别“{self._retiring.name}”")
            self._changed()

    def choose_rule_set(self) -> RuleSetDialog:
        return self._open(RuleSetDialog(self.context, self), self._changed)

    # --- cap groups ------------------------------------------------------------------
    def add_group(self) -> CapGroupDialog:
        return self._open(CapGroupDialog(self.context, None, self), self._changed)

    def edit_group(self) -> CapGroupDialog | None:
        index = self.group_table.currentIndex()
        group = self.group_model.group(index.row()) if index.isValid() else None
        return self._open(CapGroupDialog(self.context, group, self), self._changed) if group else None

    def _group_double_clicked(self, index) -> None:
        group = self.group_model.group(index.row())
        if group is not None:
            self._open(CapGroupDialog(self.context, group, self), self._changed)


__all__ = ["OccasionsDialog", "OccasionEditDialog", "CapGroupDialog", "RuleSetDialog", "OccasionTableModel"]
