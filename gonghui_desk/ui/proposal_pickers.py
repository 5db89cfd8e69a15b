"""Choosing the people of a proposal (:mod:`gonghui_desk.ui.proposal_dialog`): the delegates of the session's
term first.

* :class:`DelegateSearchModel` / :class:`DelegateMemberPicker` — the one-member search box of the record
  dialogs (:class:`~gonghui_desk.ui.visit_dialog.MemberPicker`) for the 提案人, listing the term's delegates
  before the other members found, each marked "本届代表 · 一车间代表团" or "非本届代表".
* :class:`DelegatePickerDialog` — the delegate list of the term on a day (正式代表 and 列席代表, by delegation),
  filtered as typed, to choose one (the proposer) or several (附议人); ``members_chosen(list[int])``.
* :class:`CosignerModel` — the co-signers of the form, in the order given, each with their department and
  whether they were a delegate on the day.

Co-signers who are not delegates are added through the shared
:class:`~gonghui_desk.ui.campaign_wizard.MemberPickerDialog`; the store warns about them.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QLineEdit,
                               QVBoxLayout)

from gonghui_desk.congress.store import CongressStore
from gonghui_desk.db.member_queries import MemberFilter, member_ids, member_rows
from gonghui_desk.ui.tables import compact_table
from gonghui_desk.ui.visit_dialog import (HINT_COLOUR, PICKER_LIMIT, WARNING_COLOUR, MemberPicker,
                                          MemberSearchModel, member_summary)
from gonghui_desk.union import sub_unit_paths

_GREY = QBrush(QColor("#9a9a9a"))
_AMBER = QBrush(QColor(WARNING_COLOUR))


def serving_delegates(db, term_id: int | None, day: str | None) -> dict[int, dict]:
    """{member id: delegate row} of the term's delegates serving on ``day`` (every live one when None)."""
    if term_id is None:
        return {}
    return {row["member_id"]: row for row in CongressStore(db).delegates(term_id, day)}


def delegate_text(row: dict | None) -> str:
    """"本届代表 · 一车间代表团", "列席代表", or "非本届代表" for a member who is none."""
    if row is None:
        return "非本届代表"
    role = "本届代表" if row["role"] == "正式代表" else "列席代表"
    return " · ".join(p for p in (role, row["delegation_name"]) if p)


class DelegateSearchModel(MemberSearchModel):
    """The members matching a search, the term's delegates first, each marked as delegate or not."""

    def __init__(self, db, parent=None):
        super().__init__(db, parent)
        self.delegates: dict[int, dict] = {}

    def set_delegates(self, delegates: dict[int, dict]) -> None:
        self.delegates = delegates

    def search(self, text: str) -> None:
        self.beginResetModel()
        self._rows = []
        self.total = 0
        if text.split():
            ids = member_ids(self.db, MemberFilter(search=text), order="name")
            ids.sort(key=lambda i: i not in self.delegates)  # stable: by name within each group
            self.total = len(ids)
            shown = ids[:PICKER_LIMIT]
            rows = member_rows(self.db, shown)
            if self._paths is None:
                self._paths = sub_unit_paths(self.db)
            for member_id in shown:
                row = rows.get(member_id)
                if row is not None:
                    path = self._paths.get(row.get("sub_unit_id"), "")
                    summary = f"{delegate_text(self.delegates.get(member_id))} · {member_summary(row, path)}"
                    self._rows.append((member_id, row["name"], summary))
        self.endResetModel()


class DelegateMemberPicker(MemberPicker):
    """The one-member search box, the delegates of ``set_delegates`` listed first."""

    def __init__(self, context, parent=None):
        super().__init__(context, parent)
        self.model = DelegateSearchModel(context.db, self)
        self.completer.setModel(self.model)
        self.edit.setPlaceholderText("输入姓名或拼音首字母查找（本届代表排在前面），或点“代表名单…”选择")

    def set_delegates(self, delegates: dict[int, dict]) -> None:
        self.model.set_delegates(delegates)

    def set_member(self, member_id: int | None) -> None:
        super().set_member(member_id)
        if member_id is not None and self.member_id == member_id:
            self.info_label.setText(f"{delegate_text(self.model.delegates.get(member_id))} · {self.info_label.text()}")


DELEGATE_COLUMNS = (("name", "姓名"), ("sub_unit", "部门"), ("role", "代表类别"), ("delegation", "代表团"))


class DelegateModel(QAbstractTableModel):
    """The delegates of a term (rows of :meth:`CongressStore.delegates`); ``exclude`` greyed out."""

    def __init__(self, rows: list[dict], exclude=(), parent=None):
        super().__init__(parent)
        self.rows = rows
        self.exclude = set(exclude)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(DELEGATE_COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return DELEGATE_COLUMNS[section][1]
        return None

    def member_id(self, row: int) -> int | None:
        return self.rows[row]["member_id"] if 0 <= row < len(self.rows) else None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = DELEGATE_COLUMNS[index.column()][0]
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            if role == Qt.ToolTipRole and row["member_id"] in self.exclude:
                return "已在名单中"
            return {"name": row["member_name"], "sub_unit": row["sub_unit_path"], "role": row["role"],
                    "delegation": row["delegation_name"]}[key]
        if role == Qt.ForegroundRole and row["member_id"] in self.exclude:
            return _GREY
        if role == Qt.UserRole:  # what the search box matches
            return f"{row['member_name']} {row['sub_unit_path']} {row['delegation_name']}"
        return None


class DelegatePickerDialog(QDialog):
    """本届代表: the term's delegates serving on ``day``, filtered by the search box; one or several are
    chosen (``multi``) and ``members_chosen(list[int])`` is emitted on 确定 (those in ``exclude`` left out)."""

    members_chosen = Signal(list)

    def __init__(self, context, term_id: int, day: str | None, exclude=(), parent=None, *, multi: bool = True,
                 title: str = "从本届代表中选择", note: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.exclude = set(exclude)
        self.multi = multi
        rows = CongressStore(context.db).delegates(term_id, day)
        layout = QVBoxLayout(self)
        if note:
            label = QLabel(note)
            label.setWordWrap(True)
            label.setStyleSheet(f"color: {HINT_COLOUR};")
            layout.addWidget(label)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("输入姓名、部门或代表团筛选")
        self.search_edit.setClearButtonEnabled(True)
        layout.addWidget(self.search_edit)
        self.model = DelegateModel(rows, self.exclude, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(Qt.UserRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseInsensitive)
        self.table = compact_table(self.proxy, selection=QAbstractItemView.ExtendedSelection if multi
                                   else QAbstractItemView.SingleSelection)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        header.resizeSection(0, 90)
        header.resizeSection(2, 80)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.resizeSection(3, 130)
        self.table.doubleClicked.connect(self.accept)
        layout.addWidget(self.table, 1)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {HINT_COLOUR};")
        layout.addWidget(self.hint)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText("添加所选" if multi else "选择")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.search_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()
        if not rows:
            self.hint.setText("本届还没有登记代表（或在这一天没有在任的代表）。请先在“届次与代表”中添加代表，"
                              "或用“添加其他会员…”。")
            self.hint.setStyleSheet(f"color: {WARNING_COLOUR};")
        self.resize(600, 480)
        self.search_edit.setFocus()

    def set_search_text(self, text: str) -> None:
        self.search_edit.setText(text)

    def select_members(self, member_ids_: list[int]) -> None:
        """Select the rows of these members (as a user would)."""
        from PySide6.QtCore import QItemSelectionModel

        flags = QItemSelectionModel.Select | QItemSelectionModel.Rows
        for row in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(row, 0))
            if self.model.member_id(source.row()) in member_ids_:
                self.table.selectionModel().select(self.proxy.index(row, 0), flags)

    def selected_ids(self) -> list[int]:
        rows = sorted({self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()})
        ids = [self.model.member_id(r) for r in rows]
        return [i for i in ids if i is not None and i not in self.exclude]

    def _selection_changed(self, *args) -> None:
        chosen = self.table.selectionModel().selectedRows()
        new = self.selected_ids()
        self.ok_button.setEnabled(bool(new))
        if not self.model.rows:
            return
        if chosen and not new:
            self.hint.setText("所选代表已在名单中。")
        elif new and self.multi:
            self.hint.setText(f"已选 {len(new)} 人。按住 Ctrl 或 Shift 可以一次选中多人。")
        elif self.multi:
            self.hint.setText(f"本届代表 {len(self.model.rows)} 人。按住 Ctrl 或 Shift 可以一次选中多人；灰色的已在名单中。")
        else:
            self.hint.setText(f"本届代表 {len(self.model.rows)} 人，双击或选中后点“选择”。")

    def accept(self, *args) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        super().accept()
        self.members_chosen.emit(ids)


COSIGNER_COLUMNS = (("name", "姓名"), ("sub_unit", "部门"), ("delegate", "代表身份"))


class CosignerModel(QAbstractTableModel):
    """The co-signers in the form, in the order given; a non-delegate's 代表身份 in amber."""

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.ids: list[int] = []
        self._rows: dict[int, dict] = {}
        self._paths: dict[int, str] = {}
        self.delegates: dict[int, dict] = {}

    def set_delegates(self, delegates: dict[int, dict]) -> None:
        self.beginResetModel()
        self.delegates = delegates
        self.endResetModel()

    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self.ids = list(dict.fromkeys(ids))
        self._rows = member_rows(self.context.db, self.ids) if self.ids else {}
        self._paths = sub_unit_paths(self.context.db)
        self.endResetModel()

    def add(self, ids: list[int]) -> None:
        self.set_ids(self.ids + [i for i in ids if i not in self.ids])

    def remove_rows(self, rows: list[int]) -> None:
        gone = {self.ids[r] for r in rows if 0 <= r < len(self.ids)}
        self.set_ids([i for i in self.ids if i not in gone])

    def names(self) -> list[str]:
        return [self._rows.get(i, {}).get("name", "") for i in self.ids]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COSIGNER_COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COSIGNER_COLUMNS[section][1]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        member_id = self.ids[index.row()]
        row = self._rows.get(member_id, {})
        key = COSIGNER_COLUMNS[index.column()][0]
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            if key == "name":
                return row.get("name", f"（会员 {member_id}）")
            if key == "sub_unit":
                return self._paths.get(row.get("sub_unit_id"), "")
            return delegate_text(self.delegates.get(member_id))
        if role == Qt.ForegroundRole and key == "delegate" and member_id not in self.delegates:
            return _AMBER
        return None


__all__ = ["CosignerModel", "DelegateMemberPicker", "DelegateModel", "DelegatePickerDialog", "DelegateSearchModel",
           "delegate_text", "serving_delegates"]
