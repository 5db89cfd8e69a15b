"""设置 → 工会信息: basic information, staff counts, committees and the sub-unit tree.

The 基本信息 tab is saved by 确定. The other tabs change the database at once (each add,
edit or removal is its own transaction) and say so; every change emits
``context.profile_changed`` so the home page and the member list follow.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QCompleter, QDialog, QDialogButtonBox, QFormLayout,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QPushButton,
                               QSpinBox, QTableView, QTabWidget, QTreeView, QVBoxLayout, QWidget)

from gonghui_desk import union
from gonghui_desk.dates import DateParseError, add_years, parse_date
from gonghui_desk.db.member_queries import MemberFilter, member_ids, member_rows
from gonghui_desk.errors import UserError
from gonghui_desk.ui.first_run_dialog import kind_explanation, make_kind_combo, set_combo_data
from gonghui_desk.ui.workers import show_error

COMMITTEE_ROLES = {
    "工会委员会": ("主席", "副主席", "委员", "经费审查委员会主任", "女职工委员会主任"),
    "经审委员会": ("主任", "副主任", "委员"),
    "女职工委员会": ("主任", "副主任", "委员"),
}
TERM_YEARS = 5


class MessageLabel(QLabel):
    """An inline message under a form: red for problems, green for done."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.hide()

    def error(self, text: str) -> None:
        self.setObjectName("errorText")
        self._show(text)

    def ok(self, text: str) -> None:
        self.setObjectName("okText")
        self._show(text)

    def _show(self, text: str) -> None:
        self.setText(text)
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()

    def clear_message(self) -> None:
        self.setText("")
        self.hide()


def _muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("mutedText")
    label.setWordWrap(True)
    return label


def _confirm(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text, QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
    return answer == QMessageBox.Yes


# --- 基本信息 --------------------------------------------------------------------------------
class BasicInfoTab(QWidget):
    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        profile = context.profile()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 12)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(9)

        self.name_edit = QLineEdit(profile.name)
        self.name_edit.setPlaceholderText("例如：某某市第一中学工会委员会")
        form.addRow("工会名称：", self.name_edit)
        self.kind_combo = make_kind_combo(self)
        set_combo_data(self.kind_combo, profile.kind)
        form.addRow("单位类型：", self.kind_combo)
        self.kind_hint = _muted("")
        form.addRow("", self.kind_hint)
        self.upstream_edit = QLineEdit(profile.upstream_union)
        self.upstream_edit.setPlaceholderText("例如：某某县教育工会")
        form.addRow("上级工会：", self.upstream_edit)
        self.address_edit = QLineEdit(profile.address)
        form.addRow("地址：", self.address_edit)
        self.chair_edit = QLineEdit(profile.chair)
        form.addRow("工会主席：", self.chair_edit)

        self.term_spin = QSpinBox()
        self.term_spin.setRange(0, 99)
        self.term_spin.setPrefix("第 ")
        self.term_spin.setSuffix(" 届")
        self.term_spin.setSpecialValueText("未填写")
        self.term_spin.setValue(profile.term_number or 0)
        form.addRow("本届委员会：", self.term_spin)
        self.elected_edit = QLineEdit(profile.term_elected_on or "")
        self.elected_edit.setPlaceholderText("例如 2023-05-12")
        form.addRow("选举日期：", self.elected_edit)
        self.expires_edit = QLineEdit(profile.term_expires_on or "")
        self.expires_edit.setPlaceholderText(f"一般为选举后{TERM_YEARS}年；不填则按{TERM_YEARS}年计算")
        form.addRow("任期届满：", self.expires_edit)
        for edit in (self.name_edit, self.upstream_edit, self.address_edit, self.chair_edit,
                     self.elected_edit, self.expires_edit):
            edit.setMinimumWidth(360)
        layout.addLayout(form)
        self.message = MessageLabel(self)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(_muted("本页的修改在按“确定”后保存。"))

        self.kind_combo.currentIndexChanged.connect(self._show_kind_hint)
        self._show_kind_hint()

    def _show_kind_hint(self) -> None:
        self.kind_hint.setText(kind_explanation(self.kind_combo.currentData()))

    def _date(self, edit: QLineEdit, label: str) -> str | None:
        try:
            day = parse_date(edit.text())
        except DateParseError as exc:
            raise UserError(f"{label}：{exc}") from None
        return day.isoformat() if day else None

    def save(self) -> bool:
        """Check and save; on a problem show it inline and return False."""
        self.message.clear_message()
        profile = self.context.profile()
        try:
            profile.name = self.name_edit.text().strip()
            if not profile.name:
                raise UserError("请填写工会名称")
            profile.kind = self.kind_combo.currentData()
            profile.upstream_union = self.upstream_edit.text().strip()
            profile.address = self.address_edit.text().strip()
            profile.chair = self.chair_edit.text().strip()
            profile.term_number = self.term_spin.value() or None
            elected = self._date(self.elected_edit, "选举日期")
            expires = self._date(self.expires_edit, "任期届满日期")
            if elected and not expires:
                expires = add_years(dt.date.fromisoformat(elected), TERM_YEARS).isoformat()
            if elected and expires and expires <= elected:
                raise UserError("任期届满日期应晚于选举日期")
            profile.term_elected_on, profile.term_expires_on = elected, expires
            union.save_profile(self.context.db, profile)
        except UserError as exc:
            self.message.error(str(exc))
            return False
        self.elected_edit.setText(profile.term_elected_on or "")
        self.expires_edit.setText(profile.term_expires_on or "")
        return True


# --- 职工人数 --------------------------------------------------------------------------------
class StaffCountsModel(QAbstractTableModel):
    """Year → staff count, newest year first. Editing the count saves it at once."""

    failed = Signal(str)
    saved = Signal()

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.rows: list[tuple[int, int]] = []
        self.reload()

    def staff_word(self) -> str:
        return self._staff_word

    def reload(self) -> None:
        self.beginResetModel()
        self._staff_word = self.context.profile().vocabulary.staff
        self.rows = sorted(union.staff_counts(self.context.db).items(), reverse=True)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 2

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return ("年度", f"{self.staff_word()}人数（含非会员）")[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        year, count = self.rows[index.row()]
        if role == Qt.DisplayRole:
            return f"{year}年" if index.column() == 0 else f"{count}人"
        if role == Qt.EditRole:
            return year if index.column() == 0 else count
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignCenter)
        return None

    def flags(self, index):
        base = super().flags(index)
        return base | Qt.ItemIsEditable if index.column() == 1 else base

    def setData(self, index, value, role=Qt.EditRole) -> bool:
        if role != Qt.EditRole or index.column() != 1:
            return False
        year = self.rows[index.row()][0]
        try:
            count = int(str(value).strip().rstrip("人"))
            union.set_staff_count(self.context.db, year, count)
        except ValueError:
            self.failed.emit("职工人数应为整数")
            return False
        except UserError as exc:
            self.failed.emit(str(exc))
            return False
        self.rows[index.row()] = (year, count)
        self.dataChanged.emit(index, index)
        self.saved.emit()
        return True

    def year_at(self, row: int) -> int:
        return self.rows[row][0]


class StaffCountsTab(QWidget):
    changed = Signal()

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        staff = context.profile().vocabulary.staff
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 12)
        layout.addWidget(_muted(
            f"入会率 = 在职会员人数 ÷ 当年{staff}人数。{staff}人数指本单位全部{staff}（含尚未入会的），"
            "每年填写一次；双击人数可以修改。"))

        self.model = StaffCountsModel(context, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.view.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed)
        layout.addWidget(self.view, 1)

        row = QHBoxLayout()
        row.addWidget(QLabel("年度："))
        self.year_spin = QSpinBox()
        self.year_spin.setRange(1950, 2100)
        self.year_spin.setValue(dt.date.today().year)
        self.year_spin.setSuffix(" 年")
        row.addWidget(self.year_spin)
        row.addSpacing(10)
        row.addWidget(QLabel(f"{staff}人数："))
        self.count_spin = QSpinBox()
        self.count_spin.setRange(0, 1_000_000)
        self.count_spin.setSuffix(" 人")
        self.count_spin.setMinimumWidth(110)
        row.addWidget(self.count_spin)
        self.add_button = QPushButton("添加/更新")
        self.add_button.clicked.connect(lambda: self.add_staff_count(self.year_spin.value(), self.count_spin.value()))
        row.addWidget(self.add_button)
        row.addStretch(1)
        self.remove_button = QPushButton("删除所选年度")
        self.remove_button.clicked.connect(self.remove_selected)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        self.message = MessageLabel(self)
        layout.addWidget(self.message)
        layout.addWidget(_muted("本页的修改立即保存。"))

        self.model.failed.connect(self.message.error)
        self.model.saved.connect(self.changed)
        self.model.saved.connect(lambda: self.message.ok("已保存"))

    def add_staff_count(self, year: int, count: int) -> bool:
        try:
            union.set_staff_count(self.context.db, int(year), int(count))
        except UserError as exc:
            self.message.error(str(exc))
            return False
        self.model.reload()
        self.message.ok(f"已保存 {year} 年的人数：{count} 人")
        self.changed.emit()
        return True

    def remove_selected(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            self.message.error("请先在表格中选择一个年度")
            return
        year = self.model.year_at(rows[0].row())
        if not _confirm(self, "删除年度人数", f"删除 {year} 年的职工人数？该年度将无法计算入会率。"):
            return
        union.set_staff_count(self.context.db, year, None)
        self.model.reload()
        self.message.ok(f"已删除 {year} 年的人数")
        self.changed.emit()


# --- 委员会 ----------------------------------------------------------------------------------
class CommitteeModel(QAbstractTableModel):
    HEADERS = ("委员会", "姓名", "职务", "会员档案")

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.rows: list[dict] = []
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        order = {name: i for i, name in enumerate(union.COMMITTEES)}
        self.rows = sorted(union.committee_members(self.context.db),
                           key=lambda r: (order.get(r["committee"], 99), r["sort_order"], r["id"]))
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.DisplayRole:
            return (row["committee"], row["person_name"], row["role"],
                    "已关联" if row["member_id"] else "—")[index.column()]
        if role == Qt.UserRole:
            return row["id"]
        return None


class CommitteesTab(QWidget):
    changed = Signal()

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.picked_member_id: int | None = None
        self._picked_texts: set = set()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 12)
        layout.addWidget(_muted("工会委员会、经费审查委员会和女职工委员会的组成人员。换届或调整时，"
                                "移除的委员只是不再显示，历史记录会保留。"))
        self.model = CommitteeModel(context, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Stretch)
        layout.addWidget(self.view, 1)
        below = QHBoxLayout()
        below.addStretch(1)
        self.remove_button = QPushButton("移除所选委员…")
        self.remove_button.clicked.connect(self.remove_selected)
        below.addWidget(self.remove_button)
        layout.addLayout(below)

        add_box = QGroupBox("添加委员")
        add = QHBoxLayout(add_box)
        self.committee_combo = QComboBox()
        self.committee_combo.addItems(union.COMMITTEES)
        add.addWidget(self.committee_combo)
        self.person_edit = QLineEdit()
        self.person_edit.setPlaceholderText("姓名（输入时可从会员中选择）")
        self.person_edit.setMinimumWidth(200)
        add.addWidget(self.person_edit, 1)
        self.role_combo = QComboBox()
        self.role_combo.setEditable(True)
        self.role_combo.setMinimumWidth(150)
        add.addWidget(self.role_combo)
        self.add_button = QPushButton("添加")
        self.add_button.clicked.connect(self.add_from_form)
        add.addWidget(self.add_button)
        layout.addWidget(add_box)

        self.message = MessageLabel(self)
        layout.addWidget(self.message)
        layout.addWidget(_muted("本页的修改立即保存。"))

        self._build_completer()
        self.committee_combo.currentTextChanged.connect(self._fill_roles)
        self.person_edit.textEdited.connect(self._forget_pick)
        self.person_edit.returnPressed.connect(self.add_from_form)
        self._fill_roles(self.committee_combo.currentText())

    def _build_completer(self) -> None:
        """Members (not voided) as “姓名　部门” suggestions; picking one links the seat to the member."""
        db = self.context.db
        paths = union.sub_unit_paths(db)
        ids = member_ids(db, MemberFilter())  # in name (pinyin) order
        rows = member_rows(db, ids)
        model = QStandardItemModel(self)
        for member_id in ids:
            row = rows[member_id]
            where = paths.get(row["sub_unit_id"], "")
            text = row["name"] + (f"　{where}" if where else "")
            if row["status"] != "在册":
                text += f"（{row['status']}）"
            item = QStandardItem(text)
            item.setData(member_id, Qt.UserRole)
            item.setData(row["name"], Qt.UserRole + 1)
            model.appendRow(item)
        self.completer = QCompleter(model, self)
        self.completer.setCaseSensitivity(Qt.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchContains)
        self.completer.setCompletionRole(Qt.DisplayRole)
        self.person_edit.setCompleter(self.completer)
        self.completer.activated[QModelIndex].connect(self._picked)

    def _picked(self, index: QModelIndex) -> None:
        self.picked_member_id = index.data(Qt.UserRole)
        self._picked_texts = {index.data(Qt.UserRole + 1), index.data(Qt.DisplayRole)}
        name = index.data(Qt.UserRole + 1)
        # QCompleter writes the whole suggestion into the line edit; put the bare name back afterwards
        QTimer.singleShot(0, lambda: self.person_edit.setText(name))

    def _forget_pick(self, text: str) -> None:
        if text.strip() not in self._picked_texts:
            self.picked_member_id = None

    def member_ids_named(self, name: str) -> list[int]:
        """Members (not voided) whose name is exactly ``name``, from the suggestion list."""
        model = self.completer.model()
        return [model.item(row).data(Qt.UserRole) for row in range(model.rowCount())
                if model.item(row).data(Qt.UserRole + 1) == name]

    def _fill_roles(self, committee: str) -> None:
        current = self.role_combo.currentText()
        self.role_combo.clear()
        self.role_combo.addItems(COMMITTEE_ROLES.get(committee, ("委员",)))
        index = self.role_combo.findText(current)
        self.role_combo.setCurrentIndex(index if index >= 0 else self.role_combo.findText("委员"))

    def add_from_form(self) -> None:
        name = self.person_edit.text().split("　")[0].strip()
        member_id = self.picked_member_id
        if member_id is None:  # a typed name that matches exactly one member is linked to that member
            same_name = self.member_ids_named(name)
            member_id = same_name[0] if len(same_name) == 1 else None
        if self.add_member(self.committee_combo.currentText(), name, self.role_combo.currentText(), member_id):
            self.person_edit.clear()
            self.picked_member_id = None

    def add_member(self, committee: str, name: str, role: str = "委员", member_id: int | None = None) -> bool:
        try:
            union.add_committee_member(self.context.db, committee, name, role, member_id=member_id)
        except UserError as exc:
            self.message.error(str(exc))
            return False
        self.model.reload()
        self.message.ok(f"已把{name}添加到{committee}（{role or '委员'}）")
        self.changed.emit()
        return True

    def remove_selected(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            self.message.error("请先在表格中选择一名委员")
            return
        record = self.model.rows[rows[0].row()]
        if not _confirm(self, "移除委员", f"把{record['person_name']}从{record['committee']}中移除？"):
            return
        union.remove_committee_member(self.context.db, record["id"])
        self.model.reload()
        self.message.ok(f"已移除{record['person_name']}")
        self.changed.emit()


# --- 组织机构 --------------------------------------------------------------------------------
ID_ROLE = Qt.UserRole


class SubUnitsTab(QWidget):
    changed = Signal()

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.units: dict[int, union.SubUnit] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 12)
        layout.addWidget(_muted("分工会、工会小组和部门（科室、年级组、车间等）组成一棵树，每名会员属于其中一个单位。"
                                "有会员的单位不能撤销，请先把会员调到其他单位。"))
        columns = QHBoxLayout()
        columns.setSpacing(14)

        left = QVBoxLayout()
        self.model = QStandardItemModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.tree.setSelectionMode(QAbstractItemView.SingleSelection)
        self.tree.setUniformRowHeights(True)
        left.addWidget(self.tree, 1)
        add_box = QGroupBox("新增单位")
        add_form = QFormLayout(add_box)
        self.new_name_edit = QLineEdit()
        self.new_name_edit.setPlaceholderText("名称，例如：一车间、语文教研组")
        add_form.addRow("名称：", self.new_name_edit)
        self.new_kind_combo = QComboBox()
        self.new_kind_combo.addItems(union.SUB_UNIT_KINDS)
        self.new_kind_combo.setCurrentText("部门")
        add_form.addRow("类型：", self.new_kind_combo)
        add_buttons = QHBoxLayout()
        self.add_top_button = QPushButton("添加为一级单位")
        self.add_top_button.clicked.connect(lambda: self.add_from_form(as_child=False))
        self.add_child_button = QPushButton("添加到所选单位之下")
        self.add_child_button.clicked.connect(lambda: self.add_from_form(as_child=True))
        add_buttons.addWidget(self.add_top_button)
        add_buttons.addWidget(self.add_child_button)
        add_form.addRow(add_buttons)
        left.addWidget(add_box)
        columns.addLayout(left, 3)

        self.edit_box = QGroupBox("所选单位")
        edit_form = QFormLayout(self.edit_box)
        self.name_edit = QLineEdit()
        edit_form.addRow("名称：", self.name_edit)
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(union.SUB_UNIT_KINDS)
        edit_form.addRow("类型：", self.kind_combo)
        self.parent_combo = QComboBox()
        self.parent_combo.setMinimumWidth(200)
        edit_form.addRow("上级单位：", self.parent_combo)
        self.apply_button = QPushButton("保存修改")
        self.apply_button.clicked.connect(self.apply_changes)
        self.void_button = QPushButton("撤销该单位…")
        self.void_button.clicked.connect(self.void_selected)
        edit_buttons = QHBoxLayout()
        edit_buttons.addWidget(self.apply_button)
        edit_buttons.addWidget(self.void_button)
        edit_form.addRow(edit_buttons)
        edit_form.addRow(_muted("更改上级单位即把该单位连同其下级单位一起移动。"))
        columns.addWidget(self.edit_box, 2, Qt.AlignTop)
        layout.addLayout(columns, 1)

        self.message = MessageLabel(self)
        layout.addWidget(self.message)
        layout.addWidget(_muted("本页的修改立即保存。"))

        self.tree.selectionModel().currentRowChanged.connect(self._show_selected)
        self.reload()

    # --- tree --------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        if select_id is None:
            select_id = self.selected_id()
        self.model.clear()
        self.model.setHorizontalHeaderLabels(["名称", "类型"])
        items: dict[int, QStandardItem] = {}
        self.units = {}
        for unit in union.sub_units(self.context.db):
            self.units[unit.id] = unit
            name_item = QStandardItem(unit.name)
            name_item.setData(unit.id, ID_ROLE)
            name_item.setToolTip(unit.path)
            kind_item = QStandardItem(unit.kind)
            parent = items.get(unit.parent_id) if unit.parent_id is not None else None
            (parent or self.model.invisibleRootItem()).appendRow([name_item, kind_item])
            items[unit.id] = name_item
        self.tree.expandAll()
        self.tree.header().setSectionResizeMode(0, QHeaderView.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        if select_id in items:
            self.select_unit(select_id)
        else:
            self._show_selected()

    def select_unit(self, unit_id: int) -> None:
        for unit_index in self._all_indexes():
            if unit_index.data(ID_ROLE) == unit_id:
                self.tree.setCurrentIndex(unit_index)
                return

    def _all_indexes(self):
        stack = [QModelIndex()]
        while stack:
            parent = stack.pop()
            for row in range(self.model.rowCount(parent)):
                index = self.model.index(row, 0, parent)
                yield index
                stack.append(index)

    def selected_id(self) -> int | None:
        if not hasattr(self, "tree") or self.tree.selectionModel() is None:
            return None
        index = self.tree.currentIndex()
        if not index.isValid():
            return None
        return index.siblingAtColumn(0).data(ID_ROLE)

    def _show_selected(self, *_args) -> None:
        unit = self.units.get(self.selected_id())
        self.edit_box.setEnabled(unit is not None)
        self.add_child_button.setEnabled(unit is not None)
        self.parent_combo.clear()
        self.parent_combo.addItem("（无，作为一级单位）", None)
        if unit is None:
            self.name_edit.clear()
            return
        self.name_edit.setText(unit.name)
        self.kind_combo.setCurrentText(unit.kind)
        excluded = set(union.descendant_ids(self.context.db, unit.id))
        for other in self.units.values():
            if other.id not in excluded:
                self.parent_combo.addItem(other.path, other.id)
        index = self.parent_combo.findData(unit.parent_id) if unit.parent_id is not None else 0
        self.parent_combo.setCurrentIndex(max(index, 0))

    # --- actions -----------------------------------------------------------------------
    def add_from_form(self, as_child: bool) -> None:
        parent_id = self.selected_id() if as_child else None
        if as_child and parent_id is None:
            self.message.error("请先在左边选择上级单位")
            return
        if self.add_unit(self.new_name_edit.text(), self.new_kind_combo.currentText(), parent_id) is not None:
            self.new_name_edit.clear()

    def add_unit(self, name: str, kind: str = "部门", parent_id: int | None = None) -> int | None:
        try:
            unit_id = union.add_sub_unit(self.context.db, name, kind=kind, parent_id=parent_id)
        except UserError as exc:
            self.message.error(str(exc))
            return None
        self.reload(select_id=unit_id)
        self.message.ok(f"已添加“{self.units[unit_id].path}”")
        self.changed.emit()
        return unit_id

    def apply_changes(self) -> bool:
        unit = self.units.get(self.selected_id())
        if unit is None:
            self.message.error("请先在左边选择一个单位")
            return False
        name = self.name_edit.text().strip()
        kind = self.kind_combo.currentText()
        new_parent = self.parent_combo.currentData()
        done = []
        try:
            if name != unit.name or kind != unit.kind:
                union.rename_sub_unit(self.context.db, unit.id, name, kind)
                done.append("名称和类型" if kind != unit.kind and name != unit.name else
                            ("类型" if kind != unit.kind else "名称"))
            if new_parent != unit.parent_id:
                union.move_sub_unit(self.context.db, unit.id, new_parent)
                done.append("上级单位")
        except UserError as exc:
            self.message.error(str(exc))
            return self._after_change(unit.id, done)
        except sqlite3.IntegrityError:
            self.message.error(f"目标上级单位下已有名为“{name}”的单位，请先改名")
            return self._after_change(unit.id, done)
        if not done:
            self.message.ok("没有需要保存的修改")
            return True
        self._after_change(unit.id, done)
        self.message.ok(f"已修改{'、'.join(done)}：{self.units[unit.id].path}")
        return True

    def _after_change(self, unit_id: int, done: list[str]) -> bool:
        if done:
            self.reload(select_id=unit_id)
            self.changed.emit()
        return False

    def void_selected(self) -> bool:
        unit = self.units.get(self.selected_id())
        if unit is None:
            self.message.error("请先在左边选择一个单位")
            return False
        if not _confirm(self, "撤销单位", f"撤销“{unit.path}”？撤销后它不再出现在组织机构和选择列表中。"):
            return False
        try:
            union.void_sub_unit(self.context.db, unit.id)
        except UserError as exc:
            self.message.error(str(exc))
            return False
        self.reload(select_id=unit.parent_id)
        self.message.ok(f"已撤销“{unit.path}”")
        self.changed.emit()
        return True


# --- the dialog ------------------------------------------------------------------------------
class ProfileDialog(QDialog):
    """设置 → 工会信息. ``accept`` saves 基本信息; the other tabs save as they go."""

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("工会信息")
        self.resize(760, 560)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.basic_tab = BasicInfoTab(context)
        self.staff_tab = StaffCountsTab(context)
        self.committees_tab = CommitteesTab(context)
        self.sub_units_tab = SubUnitsTab(context)
        self.tabs.addTab(self.basic_tab, "基本信息")
        self.tabs.addTab(self.staff_tab, f"{context.profile().vocabulary.staff}人数")
        self.tabs.addTab(self.committees_tab, "委员会")
        self.tabs.addTab(self.sub_units_tab, "组织机构")
        layout.addWidget(self.tabs, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for tab in (self.staff_tab, self.committees_tab, self.sub_units_tab):
            tab.changed.connect(context.profile_changed)

    def accept(self) -> None:
        try:
            ok = self.basic_tab.save()
        except Exception as exc:  # a program fault: say so, keep the dialog open
            show_error(self, "保存工会信息", exc)
            return
        if not ok:
            self.tabs.setCurrentWidget(self.basic_tab)
            return
        self.context.profile_changed.emit()
        super().accept()
