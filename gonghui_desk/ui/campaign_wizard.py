"""The new-campaign wizard (新建批量慰问): details → who (criteria) → the list → create.

Page 1 names the campaign (a name is suggested from the occasion and the date), the fund
source, the payment form and what each person gets; page 2 chooses recipients by criteria
with a live count; page 3 shows the chosen people, lets the officer add or remove people by
hand and change single amounts. 完成 creates the campaign in one transaction
(``care.campaigns.create_campaign`` plus the hand-made changes). Nothing is recorded as a
visit here: that is 发放并登记 on the campaign page, after the sheet is signed.

:class:`MemberPickerDialog` (添加会员…) is shared with the campaign page: it searches the roll
through the lazy member list model, so 100,000 names are never loaded at once.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox,
                               QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QSpinBox, QTableView, QTreeView, QVBoxLayout, QWidget)

from gonghui_desk.care import FUND_SOURCES, PAYMENT_FORMS
from gonghui_desk.care.campaigns import (CampaignInput, RecipientCriteria, add_recipients, campaign_recipients,
                                         create_campaign, remove_recipients, select_recipients,
                                         set_recipient_amount)
from gonghui_desk.care.occasions import Occasion, list_occasions
from gonghui_desk.db.connection import transaction
from gonghui_desk.db.member_queries import MemberFilter, member_rows
from gonghui_desk.errors import UserError
from gonghui_desk.members import ON_ROLL_STATUSES
from gonghui_desk.money import MoneyParseError, parse_money, yuan_text
from gonghui_desk.ui.campaign_models import (MoneyDelegate, RecipientFilterModel, RecipientTableModel,
                                             recipient_row)
from gonghui_desk.ui.member_model import COLUMN_INDEX, MEMBER_COLUMNS, MEMBER_ID_ROLE, MemberTableModel
from gonghui_desk.ui.tables import compact_table
from gonghui_desk.ui.wizard import ERROR_STYLE, MUTED_STYLE, OK_STYLE, BaseWizard, WizardPage
from gonghui_desk.union import sub_unit_paths, sub_units

WARNING_STYLE = "color: #b9770e;"
_IN_LIST_BRUSH = QBrush(QColor("#a0a0a0"))
DEFAULT_OCCASION = "节日慰问"
DEFAULT_FUND_SOURCE = FUND_SOURCES[0]
CRITERIA_STATUSES = ("在册", "退休")
ANY = "不限"


# --- the suggested name ----------------------------------------------------------------------------
def _holiday_name(day: dt.date) -> str:
    """The holiday a 节日慰问 on ``day`` is most likely for (the lunar ones are approximate)."""
    y, m, d = day.year, day.month, day.day
    if m == 12 and d >= 15:
        return f"{y + 1}年元旦春节送温暖"
    if m in (1, 2):
        return f"{y}年春节送温暖"
    if m == 3:
        return f"{y}年三八妇女节慰问"
    if m in (4, 5) and not (m == 5 and d > 15):
        return f"{y}年五一劳动节慰问"
    if m == 5 or m == 6:
        return f"{y}年端午节慰问"
    if m in (8, 9) or (m == 10 and d <= 7):
        return f"{y}年中秋国庆慰问" if m != 8 else f"{y}年中秋节慰问"
    if m == 10:
        return f"{y}年重阳节慰问"
    return f"{y}年节日慰问"


def suggest_campaign_name(occasion_name: str, day: dt.date) -> str:
    """A usual name for a campaign: 节日慰问 in January → "2027年春节送温暖"; 夏季高温 → "2027年夏送清凉"."""
    name = (occasion_name or "").strip()
    if not name:
        return ""
    if "节日" in name or name in ("节假日慰问", "两节慰问"):
        return _holiday_name(day)
    if "春节" in name or "送温暖" in name:
        return f"{day.year + (1 if day.month == 12 else 0)}年春节送温暖"
    if "高温" in name or "清凉" in name:
        return f"{day.year}年夏送清凉"
    if "中秋" in name:
        return f"{day.year}年中秋节慰问"
    if "生日" in name:
        return f"{day.year}年{day.month}月生日慰问"
    if "困难" in name:
        return f"{day.year}年困难职工帮扶慰问"
    return f"{day.year}年{name}慰问"


def _money_or_error(text: str) -> tuple[int | None, str]:
    try:
        return parse_money(text) or 0, ""
    except MoneyParseError as exc:
        return None, str(exc)


def _form_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(MUTED_STYLE)
    label.setWordWrap(True)
    return label


def recipient_table(model, parent=None) -> QTableView:
    """The look of every recipients list (the wizard's and the campaign page's)."""
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.setSelectionMode(QAbstractItemView.ExtendedSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.ElideRight)
    view.setSortingEnabled(True)
    view.sortByColumn(RecipientTableModel.SEQ, Qt.AscendingOrder)
    view.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                         | QAbstractItemView.AnyKeyPressed)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
    for column, width in ((RecipientTableModel.SEQ, 52), (RecipientTableModel.NAME, 84),
                          (RecipientTableModel.UNIT, 220), (RecipientTableModel.CASH, 104),
                          (RecipientTableModel.GOODS, 150), (RecipientTableModel.GOODS_VALUE, 120),
                          (RecipientTableModel.SIGNED, 64)):
        header.resizeSection(column, width)
    header.setSectionResizeMode(RecipientTableModel.UNIT, QHeaderView.Stretch)
    delegate = MoneyDelegate(view)
    view.setItemDelegateForColumn(RecipientTableModel.CASH, delegate)
    view.setItemDelegateForColumn(RecipientTableModel.GOODS_VALUE, delegate)
    return view


def selected_proxy_rows(view: QTableView) -> list[int]:
    return sorted({index.row() for index in view.selectionModel().selectedRows()})


# --- choosing members by hand ---------------------------------------------------------------------
class PickerModel(MemberTableModel):
    """The roll, with the members already on the list greyed out."""

    def __init__(self, db, parent=None, *, exclude=(), **kwargs):
        super().__init__(db, parent, **kwargs)
        self.exclude = set(exclude)

    def data(self, index, role=Qt.DisplayRole):
        if role in (Qt.ForegroundRole, Qt.ToolTipRole) and self.exclude \
                and super().data(index, MEMBER_ID_ROLE) in self.exclude:
            return _IN_LIST_BRUSH if role == Qt.ForegroundRole else "已在名单中"
        return super().data(index, role)


class MemberPickerDialog(QDialog):
    """添加会员: search by name, pinyin initials or number, pick one or more rows.

    ``members_chosen(list[int])`` is emitted when the user presses 添加; members already in the
    list (``exclude``) are left out of what is emitted.
    """

    members_chosen = Signal(list)
    SHOWN_COLUMNS = ("name", "sex", "age", "sub_unit", "status")

    def __init__(self, context, exclude=(), parent=None, *, title: str = "添加会员"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.exclude = set(exclude)
        layout = QVBoxLayout(self)
        search_row = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("输入姓名、拼音首字母（如 zs 找张三）、手机号或身份证号的一部分")
        self.search_edit.setClearButtonEnabled(True)
        search_row.addWidget(self.search_edit, 1)
        self.all_check = QCheckBox("也显示转出、退会、去世的会员")
        search_row.addWidget(self.all_check)
        layout.addLayout(search_row)
        self.model = PickerModel(context.db, self, exclude=self.exclude,
                                 member_filter=MemberFilter(status=ON_ROLL_STATUSES))
        self.table = compact_table(self.model, selection=QAbstractItemView.ExtendedSelection, fixed_rows=True)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        for key, _ in MEMBER_COLUMNS:
            self.table.setColumnHidden(COLUMN_INDEX[key], key not in self.SHOWN_COLUMNS)
        for key, width in (("name", 90), ("sex", 48), ("age", 48), ("status", 60)):
            header.resizeSection(COLUMN_INDEX[key], width)
        header.setSectionResizeMode(COLUMN_INDEX["sub_unit"], QHeaderView.Stretch)
        self.table.doubleClicked.connect(self.accept)
        layout.addWidget(self.table, 1)
        self.hint = _form_label("可以按住 Ctrl 或 Shift 一次选中多人。灰色的会员已在名单中。")
        layout.addWidget(self.hint)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.add_button = buttons.button(QDialogButtonBox.Ok)
        self.add_button.setText("添加所选")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.search_edit.textChanged.connect(self.model.set_search)
        self.all_check.toggled.connect(self._show_all)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._selection_changed)
        self._selection_changed()
        self.resize(640, 520)
        self.search_edit.setFocus()

    def _show_all(self, on: bool) -> None:
        search = self.search_edit.text()
        self.model.set_filter(MemberFilter(search=search, status=None if on else ON_ROLL_STATUSES))

    def set_search_text(self, text: str) -> None:
        self.search_edit.setText(text)

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        ids = [self.model.member_id(row) for row in rows]
        return [i for i in ids if i is not None and i not in self.exclude]

    def select_rows(self, rows) -> None:
        flags = QItemSelectionModel.Select | QItemSelectionModel.Rows
        for row in rows:
            self.table.selectionModel().select(self.model.index(row, 0), flags)

    def _selection_changed(self, *args) -> None:
        chosen = self.table.selectionModel().selectedRows()
        new = self.selected_ids()
        self.add_button.setEnabled(bool(new))
        if chosen and not new:
            self.hint.setText("所选会员已在名单中。")
        elif new:
            self.hint.setText(f"已选 {len(new)} 人。按住 Ctrl 或 Shift 可以一次选中多人。")
        else:
            self.hint.setText("可以按住 Ctrl 或 Shift 一次选中多人。灰色的会员已在名单中。")

    def accept(self, *args) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        super().accept()
        self.members_chosen.emit(ids)


# --- page 1: the campaign ------------------------------------------------------------------------------
class DetailsPage(WizardPage):
    def __init__(self, wizard: "CampaignWizard"):
        super().__init__("本次慰问", "填写本次批量慰问的名称、日期、慰问类别、经费来源，以及每人发放的慰问金或慰问品。")
        self._wizard = wizard
        self._name_touched = False
        self._cash_touched = False
        db = wizard.context.db
        self.occasions: list[Occasion] = list_occasions(db)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(10)

        def row_with_hint(widget: QWidget, hint: QLabel) -> QHBoxLayout:
            row = QHBoxLayout()
            row.setSpacing(10)
            row.addWidget(widget)
            row.addWidget(hint, 1)
            return row

        self.occasion_combo = QComboBox()
        self.occasion_combo.setMinimumWidth(160)
        for occasion in self.occasions:
            self.occasion_combo.addItem(occasion.name, occasion.id)
        default = self.occasion_combo.findText(DEFAULT_OCCASION)
        self.occasion_combo.setCurrentIndex(max(default, 0))
        self.occasion_hint = _form_label("")
        form.addRow("慰问类别：", row_with_hint(self.occasion_combo, self.occasion_hint))
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setDate(QDate(wizard.today))
        self.date_edit.setMinimumWidth(160)
        form.addRow("发放日期：", row_with_hint(self.date_edit, _form_label("登记为每人的走访日期")))
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("如 2027年春节送温暖")
        self.name_edit.setMinimumWidth(320)
        self.name_hint = _form_label("按慰问类别和日期自动建议，可以修改")
        form.addRow("名称 *：", row_with_hint(self.name_edit, self.name_hint))
        self.fund_combo = QComboBox()
        self.fund_combo.setEditable(True)
        self.fund_combo.addItems(FUND_SOURCES)
        self.fund_combo.setCurrentText(DEFAULT_FUND_SOURCE)
        self.fund_combo.setMinimumWidth(160)
        form.addRow("经费来源：", row_with_hint(self.fund_combo, _form_label("可选择或直接填写")))
        self.form_combo = QComboBox()
        self.form_combo.addItems(PAYMENT_FORMS)
        self.form_combo.setMinimumWidth(160)
        self.form_hint = QLabel()
        self.form_hint.setWordWrap(True)
        form.addRow("发放形式：", row_with_hint(self.form_combo, self.form_hint))

        each = QGroupBox("每人发放（默认值，第三步可以逐人修改）")
        grid = QGridLayout(each)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        self.cash_edit = QLineEdit()
        self.cash_edit.setPlaceholderText("如 300")
        self.cash_edit.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.cash_edit.setFixedWidth(140)
        self.goods_edit = QLineEdit()
        self.goods_edit.setPlaceholderText("如 大米一袋、食用油一桶（只发现金可不填）")
        self.goods_value_edit = QLineEdit()
        self.goods_value_edit.setPlaceholderText("如 150")
        self.goods_value_edit.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.goods_value_edit.setFixedWidth(140)
        grid.addWidget(QLabel("慰问金："), 0, 0, Qt.AlignRight)
        grid.addWidget(self.cash_edit, 0, 1)
        grid.addWidget(QLabel("元/人"), 0, 2)
        grid.addWidget(QLabel("慰问品："), 1, 0, Qt.AlignRight)
        grid.addWidget(self.goods_edit, 1, 1, 1, 3)
        grid.addWidget(QLabel("慰问品价值："), 2, 0, Qt.AlignRight)
        grid.addWidget(self.goods_value_edit, 2, 1)
        grid.addWidget(QLabel("元/人"), 2, 2)
        grid.setColumnStretch(3, 1)
        form.addRow(each)
        self.notes_edit = QLineEdit()
        self.notes_edit.setPlaceholderText("可不填，如 经工会委员会2027年1月会议研究决定")
        form.addRow("备注：", self.notes_edit)
        self.body.addLayout(form)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.body.addWidget(self.message)
        self.body.addStretch(1)

        self.occasion_combo.currentIndexChanged.connect(self._occasion_changed)
        self.date_edit.dateChanged.connect(self._suggest_name)
        self.name_edit.textEdited.connect(self._name_edited)
        self.cash_edit.textEdited.connect(self._cash_edited)
        for edit in (self.name_edit, self.cash_edit, self.goods_edit, self.goods_value_edit):
            edit.textChanged.connect(self._changed)
        self.form_combo.currentIndexChanged.connect(self._changed)
        self._occasion_changed()

    # --- values ------------------------------------------------------------------------------
    def occasion(self) -> Occasion | None:
        occasion_id = self.occasion_combo.currentData()
        return next((o for o in self.occasions if o.id == occasion_id), None)

    def campaign_date(self) -> dt.date:
        return self.date_edit.date().toPython()

    def amounts(self) -> tuple[int | None, int | None]:
        cash, _ = _money_or_error(self.cash_edit.text())
        goods, _ = _money_or_error(self.goods_value_edit.text())
        return cash, goods

    def campaign_input(self) -> CampaignInput:
        cash, goods_value = self.amounts()
        return CampaignInput(
            name=self.name_edit.text().strip(), campaign_date=self.campaign_date().isoformat(),
            occasion_id=self.occasion_combo.currentData(), fund_source=self.fund_combo.currentText().strip(),
            payment_form=self.form_combo.currentText(), default_cash_fen=cash or 0,
            default_goods=self.goods_edit.text().strip(), default_goods_value_fen=goods_value or 0,
            notes=self.notes_edit.text().strip())

    def default_amounts(self) -> dict:
        cash, goods_value = self.amounts()
        return {"cash_fen": cash or 0, "goods_desc": self.goods_edit.text().strip(),
                "goods_value_fen": goods_value or 0}

    def problems(self) -> list[str]:
        problems = []
        if not self.name_edit.text().strip():
            problems.append("请填写本次慰问的名称")
        if self.occasion() is None:
            problems.append("请选择慰问类别（可在“设置 › 慰问类别”中添加）")
        for edit, label in ((self.cash_edit, "慰问金"), (self.goods_value_edit, "慰问品价值")):
            _, error = _money_or_error(edit.text())
            if error:
                problems.append(f"{label}：{error}")
        cash, goods_value = self.amounts()
        if not problems and not cash and not self.goods_edit.text().strip():
            problems.append("请填写每人的慰问金，或写明慰问品")
        if goods_value and not self.goods_edit.text().strip():
            problems.append("填写了慰问品价值时请写明慰问品")
        return problems

    # --- reactions ---------------------------------------------------------------------------
    def _name_edited(self, text: str) -> None:
        self._name_touched = bool(text.strip())

    def _cash_edited(self, text: str) -> None:
        self._cash_touched = True

    def _occasion_changed(self, *args) -> None:
        occasion = self.occasion()
        if occasion is not None:
            facts = []
            if occasion.standard_fen:
                facts.append(f"标准 {yuan_text(occasion.standard_fen)} 元/人")
            if occasion.cap_fen is not None:
                facts.append(f"每次上限 {yuan_text(occasion.cap_fen)} 元")
            if occasion.cap_group_name and occasion.cap_group_yearly_fen is not None:
                facts.append(f"“{occasion.cap_group_name}”每人每年合计不超过 {yuan_text(occasion.cap_group_yearly_fen)} 元")
            self.occasion_hint.setText("，".join(facts))
            if not self._cash_touched and occasion.standard_fen:
                self.cash_edit.setText(yuan_text(occasion.standard_fen, thousands=False))
            if self.form_combo.currentText() not in occasion.allowed_forms and occasion.allowed_forms:
                self.form_combo.setCurrentText(occasion.allowed_forms[0])
        self._suggest_name()
        self._changed()

    def _suggest_name(self, *args) -> None:
        if self._name_touched:
            return
        occasion = self.occasion()
        self.name_edit.setText(suggest_campaign_name(occasion.name if occasion else "", self.campaign_date()))

    def _changed(self, *args) -> None:
        occasion = self.occasion()
        form = self.form_combo.currentText()
        if occasion is not None and form not in occasion.allowed_forms:
            self.form_hint.setStyleSheet(WARNING_STYLE)
            self.form_hint.setText(f"“{form}”不是“{occasion.name}”允许的发放形式，发放登记时需要说明原因")
        else:
            self.form_hint.setStyleSheet(MUTED_STYLE)
            self.form_hint.setText("")
        problems = self.problems()
        if problems and any(edit.text() for edit in (self.cash_edit, self.goods_edit, self.goods_value_edit,
                                                     self.name_edit)):
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText("；".join(problems))
        else:
            self.message.setText("")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.busy and not self.problems()


# --- page 2: who ---------------------------------------------------------------------------------------
class CriteriaPage(WizardPage):
    def __init__(self, wizard: "CampaignWizard"):
        super().__init__("慰问对象", "按条件选出本次慰问的会员。下方的人数随条件即时更新；下一步还可以逐个添加或去掉。")
        self._wizard = wizard
        db = wizard.context.db
        columns = QHBoxLayout()
        columns.setSpacing(12)

        units_box = QGroupBox("部门（勾选一个部门即包括它下面的各级部门）")
        units_layout = QVBoxLayout(units_box)
        self.units_model = QStandardItemModel(self)
        self.units_tree = QTreeView()
        self.units_tree.setModel(self.units_model)
        self.units_tree.setHeaderHidden(True)
        self.units_tree.setUniformRowHeights(True)
        self.units_tree.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.units_tree.setSelectionMode(QAbstractItemView.NoSelection)
        units_layout.addWidget(self.units_tree, 1)
        unit_buttons = QHBoxLayout()
        self.all_units_button = QPushButton("全选")
        self.all_units_button.clicked.connect(self.check_all_units)
        self.no_units_button = QPushButton("全不选")
        self.no_units_button.clicked.connect(self.uncheck_all_units)
        unit_buttons.addWidget(self.all_units_button)
        unit_buttons.addWidget(self.no_units_button)
        unit_buttons.addStretch(1)
        units_layout.addLayout(unit_buttons)
        columns.addWidget(units_box, 3)

        right = QVBoxLayout()
        status_box = QGroupBox("会员状态")
        status_layout = QHBoxLayout(status_box)
        self.status_checks: dict[str, QCheckBox] = {}
        for status in CRITERIA_STATUSES:
            check = QCheckBox(status)
            check.setChecked(status == "在册")
            check.toggled.connect(self._changed)
            status_layout.addWidget(check)
            self.status_checks[status] = check
        status_layout.addStretch(1)
        self.status_checks["退休"].setToolTip("离退休会员（如“离退休人员”名下的老同志）")
        right.addWidget(status_box)

        other_box = QGroupBox("其他条件")
        other = QFormLayout(other_box)
        other.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.sex_combo = QComboBox()
        for text, value in ((ANY, None), ("男", "男"), ("女", "女")):
            self.sex_combo.addItem(text, value)
        other.addRow("性别：", self.sex_combo)
        age_row = QHBoxLayout()
        self.min_age_spin = QSpinBox()
        self.max_age_spin = QSpinBox()
        for spin in (self.min_age_spin, self.max_age_spin):
            spin.setRange(0, 120)
            spin.setSpecialValueText(ANY)
            spin.setSuffix(" 岁")
            spin.setMinimumWidth(80)
        age_row.addWidget(self.min_age_spin)
        age_row.addWidget(QLabel("至"))
        age_row.addWidget(self.max_age_spin)
        age_row.addStretch(1)
        other.addRow("年龄：", age_row)
        self.migrant_combo = QComboBox()
        for text, value in ((ANY, None), ("只选农民工", True), ("不含农民工", False)):
            self.migrant_combo.addItem(text, value)
        other.addRow("农民工：", self.migrant_combo)
        self.hardship_check = QCheckBox("只选在档困难职工")
        other.addRow("困难职工：", self.hardship_check)
        self.hardship_hint = _form_label("")
        self.hardship_hint.setVisible(False)
        other.addRow("", self.hardship_hint)
        right.addWidget(other_box)
        self.age_hint = _form_label("年龄按发放日期计算，“至”含该岁数。")
        right.addWidget(self.age_hint)
        right.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.RichText)
        self.count_label.setStyleSheet("font-size: 13pt;")
        self.count_label.setWordWrap(True)
        right.addWidget(self.count_label)
        self.count_note = QLabel()
        self.count_note.setWordWrap(True)
        right.addWidget(self.count_note)
        columns.addLayout(right, 2)
        self.body.addLayout(columns, 1)

        self._unit_items: dict[int, QStandardItem] = {}
        self._propagating = False
        self._fill_units(db)
        self.units_model.itemChanged.connect(self._unit_changed)
        self.sex_combo.currentIndexChanged.connect(self._changed)
        self.migrant_combo.currentIndexChanged.connect(self._changed)
        self.min_age_spin.valueChanged.connect(self._changed)
        self.max_age_spin.valueChanged.connect(self._changed)
        self.hardship_check.toggled.connect(self._changed)
        self.count: int | None = None
        self.matching_ids: list[int] = []
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(150)
        self._count_timer.timeout.connect(self.recount)
        self._hardship_checked = False

    def _fill_units(self, db) -> None:
        self.units_model.clear()
        self._unit_items.clear()
        for unit in sub_units(db):
            item = QStandardItem(unit.name)
            item.setCheckable(True)
            item.setCheckState(Qt.Checked)
            item.setEditable(False)
            item.setData(unit.id, Qt.UserRole)
            item.setToolTip(unit.path)
            parent = self._unit_items.get(unit.parent_id)
            (parent if parent is not None else self.units_model.invisibleRootItem()).appendRow(item)
            self._unit_items[unit.id] = item
        self.units_tree.expandToDepth(0)

    def _check_hardship_available(self) -> None:
        """困难职工 is offered only when the hardship files module answers."""
        if self._hardship_checked:
            return
        self._hardship_checked = True
        try:
            select_recipients(self._wizard.context.db, RecipientCriteria(statuses=CRITERIA_STATUSES,
                                                                         hardship_only=True),
                              today=self._wizard.today)
        except UserError as exc:
            self.hardship_check.setChecked(False)
            self.hardship_check.setEnabled(False)
            self.hardship_check.setToolTip(f"暂不能按困难职工选择：{exc}")
            self.hardship_hint.setText("启用困难职工档案后可用")
            self.hardship_hint.setVisible(True)
        else:
            self.hardship_check.setEnabled(True)
            self.hardship_check.setToolTip("只选有在档困难职工档案的会员")

    def initializePage(self) -> None:
        self._check_hardship_available()
        self.recount()

    # --- the tree -----------------------------------------------------------------------------
    def _unit_changed(self, item: QStandardItem) -> None:
        """A tick covers the unit's whole subtree (the core includes a unit's descendants); a
        unit with some of its children ticked shows as partly ticked and is not itself chosen."""
        if self._propagating:
            return
        self._propagating = True
        try:
            state = item.checkState()
            if state != Qt.PartiallyChecked:
                stack = [item.child(i) for i in range(item.rowCount())]
                while stack:
                    child = stack.pop()
                    child.setCheckState(state)
                    stack.extend(child.child(i) for i in range(child.rowCount()))
            parent = item.parent()
            while parent is not None:
                states = {parent.child(i).checkState() for i in range(parent.rowCount())}
                parent.setCheckState(states.pop() if len(states) == 1 else Qt.PartiallyChecked)
                parent = parent.parent()
        finally:
            self._propagating = False
        self._changed()

    def _set_all_units(self, state) -> None:
        self._propagating = True
        try:
            for item in self._unit_items.values():
                item.setCheckState(state)
        finally:
            self._propagating = False
        self._changed()

    def check_all_units(self) -> None:
        self._set_all_units(Qt.Checked)

    def uncheck_all_units(self) -> None:
        self._set_all_units(Qt.Unchecked)

    def set_unit_checked(self, unit_id: int, checked: bool) -> None:
        """Tick or untick one unit (and, as a click does, its children)."""
        self._unit_items[unit_id].setCheckState(Qt.Checked if checked else Qt.Unchecked)

    def checked_unit_ids(self) -> list[int]:
        """The ticked units whose parent is not ticked (each stands for its whole subtree)."""
        ids = []
        for uid, item in self._unit_items.items():
            parent = item.parent()
            if item.checkState() == Qt.Checked and (parent is None or parent.checkState() != Qt.Checked):
                ids.append(uid)
        return ids

    def all_units_checked(self) -> bool:
        return all(item.checkState() == Qt.Checked for item in self._unit_items.values())

    # --- the criteria -------------------------------------------------------------------------------
    def criteria(self) -> RecipientCriteria:
        checked = self.checked_unit_ids()
        all_units = self.all_units_checked()
        min_age = self.min_age_spin.value() or None
        max_age = self.max_age_spin.value() or None
        return RecipientCriteria(
            statuses=tuple(s for s, check in self.status_checks.items() if check.isChecked()),
            sub_unit_ids=None if all_units else tuple(checked),
            sex=self.sex_combo.currentData(), min_age=min_age, max_age=max_age,
            migrant=self.migrant_combo.currentData(),
            hardship_only=self.hardship_check.isChecked() and self.hardship_check.isEnabled())

    def criteria_problem(self) -> str:
        criteria = self.criteria()
        if not criteria.statuses:
            return "请至少勾选一种会员状态"
        if criteria.sub_unit_ids is not None and not criteria.sub_unit_ids:
            return "请至少勾选一个部门"
        if criteria.min_age and criteria.max_age and criteria.min_age > criteria.max_age:
            return "年龄范围的起点大于终点"
        return ""

    def _changed(self, *args) -> None:
        self._count_timer.start()

    def recount(self) -> None:
        self._count_timer.stop()
        problem = self.criteria_problem()
        if problem:
            self.count, self.matching_ids = None, []
            self.count_label.setText("符合条件的会员：<b>—</b>")
            self.count_note.setStyleSheet(ERROR_STYLE)
            self.count_note.setText(problem)
            self.completeChanged.emit()
            return
        try:
            ids = select_recipients(self._wizard.context.db, self.criteria(), today=self._wizard.campaign_date())
        except UserError as exc:
            self.count, self.matching_ids = None, []
            self.count_label.setText("符合条件的会员：<b>—</b>")
            self.count_note.setStyleSheet(ERROR_STYLE)
            self.count_note.setText(str(exc))
            self.completeChanged.emit()
            return
        self.count, self.matching_ids = len(ids), list(ids)
        self.count_label.setText(f"符合条件的会员：<b style='color:#1f5fa8'>{len(ids)}</b> 人")
        if ids:
            amounts = self._wizard.details_page.default_amounts()
            each = amounts["cash_fen"] + amounts["goods_value_fen"]
            self.count_note.setStyleSheet(MUTED_STYLE)
            self.count_note.setText(f"按每人 {yuan_text(each)} 元计，约需 {yuan_text(each * len(ids))} 元。"
                                    if each else "")
        else:
            self.count_note.setStyleSheet(WARNING_STYLE)
            self.count_note.setText("没有符合条件的会员。可以放宽条件，或在下一步逐个添加。")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.busy and not self.criteria_problem()


# --- page 3: the list ------------------------------------------------------------------------------------
class RecipientsPage(WizardPage):
    def __init__(self, wizard: "CampaignWizard"):
        super().__init__("慰问名单", "核对本次慰问的名单：可以逐个添加、去掉会员，双击金额可以单独修改。")
        self._wizard = wizard
        self.added: list[int] = []  # by hand, in the order added
        self.removed: set[int] = set()
        self.overrides: dict[int, dict] = {}  # member id -> the amounts changed by hand
        self._built_for = None

        tools = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("在名单中查找姓名或部门")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(240)
        tools.addWidget(self.search_edit)
        tools.addStretch(1)
        self.add_button = QPushButton("添加会员…")
        self.add_button.clicked.connect(self.choose_members)
        self.remove_button = QPushButton("移除所选")
        self.remove_button.clicked.connect(self.remove_selected)
        tools.addWidget(self.add_button)
        tools.addWidget(self.remove_button)
        self.body.addLayout(tools)

        self.model = RecipientTableModel(self)
        self.model.editable = True
        self.model.edit_handler = self._edited
        self.proxy = RecipientFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = recipient_table(self.proxy)
        self.table.setColumnHidden(RecipientTableModel.SIGNED, True)
        QShortcut(QKeySequence.Delete, self.table, self.remove_selected, context=Qt.WidgetWithChildrenShortcut)
        self.body.addWidget(self.table, 1)
        self.search_edit.textChanged.connect(self.proxy.set_search)
        self.totals_label = QLabel()
        self.totals_label.setTextFormat(Qt.RichText)
        self.body.addWidget(self.totals_label)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.body.addWidget(self.message)
        self.model.totals_changed.connect(self._show_totals)
        self.model.edit_failed.connect(self._edit_failed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.proxy.modelReset.connect(self._selection_changed)
        self.picker: MemberPickerDialog | None = None
        self._selection_changed()

    # --- building the list ------------------------------------------------------------------------
    def _rows_for(self, member_ids: list[int]) -> list[dict]:
        db = self._wizard.context.db
        found = member_rows(db, list(member_ids))
        paths = sub_unit_paths(db)
        defaults = self._wizard.details_page.default_amounts()
        rows = []
        for member_id in member_ids:
            member = found.get(member_id)
            if member is None:
                continue
            row = {"member_id": member_id, "name": member["name"],
                   "sub_unit_path": paths.get(member["sub_unit_id"], ""), "visit_id": None, "signed": False,
                   "status": member.get("status") or "",
                   **defaults}
            row.update(self.overrides.get(member_id, {}))
            rows.append(row)
        return rows

    def initializePage(self) -> None:
        wizard = self._wizard
        key = (tuple(wizard.criteria_page.matching_ids), tuple(sorted(wizard.details_page.default_amounts().items())))
        if key == self._built_for:
            return
        self._built_for = key
        chosen = [i for i in wizard.criteria_page.matching_ids if i not in self.removed]
        chosen_set = set(chosen)
        chosen += [i for i in self.added if i not in chosen_set]
        self.model.defaults = wizard.details_page.default_amounts()
        self.model.set_rows(self._rows_for(chosen))
        self.message.clear()

    def _edited(self, member_id: int, values: dict) -> None:
        self.overrides.setdefault(member_id, {}).update(values)

    def _edit_failed(self, text: str) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(text)

    def _show_totals(self) -> None:
        self.totals_label.setText(self.model.totals_text())
        self.completeChanged.emit()

    def _selection_changed(self, *args) -> None:
        self.remove_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    # --- by hand ------------------------------------------------------------------------------------
    def choose_members(self) -> MemberPickerDialog:
        dialog = MemberPickerDialog(self._wizard.context, self.model.member_ids(), self,
                                    title="添加会员到慰问名单")
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.members_chosen.connect(self.add_members)
        self.picker = dialog
        dialog.open()
        return dialog

    def add_members(self, member_ids: list[int]) -> int:
        new = [i for i in member_ids if self.model.row_of(i) is None]
        for member_id in new:
            self.removed.discard(member_id)
            if member_id not in self._wizard.criteria_page.matching_ids and member_id not in self.added:
                self.added.append(member_id)
        added = self.model.add_rows(self._rows_for(new))
        if added:
            row = self.model.row_of(new[-1])
            proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
            if proxy_index.isValid():
                self.table.scrollTo(proxy_index)
                self.table.selectRow(proxy_index.row())
            self.message.setStyleSheet(OK_STYLE)
            self.message.setText(f"已添加 {added} 人。")
        return added

    def remove_members(self, member_ids: list[int]) -> int:
        for member_id in member_ids:
            if member_id in self.added:
                self.added.remove(member_id)
            else:
                self.removed.add(member_id)
        removed = self.model.remove_members(member_ids)
        if removed:
            self.message.setStyleSheet(MUTED_STYLE)
            self.message.setText(f"已从名单中移除 {removed} 人。")
        return removed

    def remove_selected(self) -> int:
        return self.remove_members(self.proxy.member_ids_of(selected_proxy_rows(self.table)))

    def isComplete(self) -> bool:
        return not self.busy and self.model.rowCount() > 0

    def validatePage(self) -> bool:
        try:
            self._wizard.create()
        except UserError as exc:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(f"未能建立：{exc}")
            return False
        return True


class CampaignWizard(BaseWizard):
    """新建批量慰问. ``created(campaign_id)`` is emitted when 完成 has created the campaign."""

    created = Signal(int)

    def __init__(self, context, parent=None, *, today: dt.date | None = None):
        super().__init__("新建批量慰问", parent)
        self.context = context
        self.today = today or dt.date.today()
        self.campaign_id: int | None = None
        self.details_page = DetailsPage(self)
        self.criteria_page = CriteriaPage(self)
        self.recipients_page = RecipientsPage(self)
        for page in (self.details_page, self.criteria_page, self.recipients_page):
            self.add_page(page)
        self.recipients_page.setFinalPage(True)
        self.setButtonText(BaseWizard.FinishButton, "建立")

    def campaign_date(self) -> dt.date:
        return self.details_page.campaign_date()

    def create(self) -> int:
        """Create the campaign with exactly the list on page 3, in one transaction."""
        if self.campaign_id is not None:
            return self.campaign_id
        db = self.context.db
        data = self.details_page.campaign_input()
        criteria = self.criteria_page.criteria()
        wanted = self.recipients_page.model.rows()
        with transaction(db):
            campaign_id = create_campaign(db, data, criteria, today=self.campaign_date())
            present = [recipient_row(r)["member_id"] for r in campaign_recipients(db, campaign_id)]
            wanted_ids = {r["member_id"] for r in wanted}
            extra = [i for i in present if i not in wanted_ids]
            if extra:
                remove_recipients(db, campaign_id, extra)
            present_set = set(present)
            missing = [r["member_id"] for r in wanted if r["member_id"] not in present_set]
            if missing:
                add_recipients(db, campaign_id, missing)
            current = {row["member_id"]: row for row in map(recipient_row, campaign_recipients(db, campaign_id))}
            for r in wanted:
                now = current.get(r["member_id"], {})
                changes = {k: r[k] for k in ("cash_fen", "goods_desc", "goods_value_fen") if now.get(k) != r[k]}
                if changes:
                    set_recipient_amount(db, campaign_id, r["member_id"], **changes)
        self.campaign_id = campaign_id
        self.created.emit(campaign_id)
        count = len(wanted)
        self.context.status_message.emit(f"已建立批量慰问“{data.name}”，共 {count} 人")
        return campaign_id


__all__ = ["CampaignWizard", "MemberPickerDialog", "suggest_campaign_name", "recipient_table"]
