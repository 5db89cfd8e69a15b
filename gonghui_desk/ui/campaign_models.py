"""Table models and delegates of the batch care pages (批量慰问): the campaigns and their recipients.

:class:`CampaignListModel` shows ``care.campaigns.list_campaigns``; :class:`RecipientTableModel`
shows the recipients of one campaign (``campaign_recipients``) or of the wizard's draft list.
Money is kept in 分 and shown in 元. Edits and ticks go to callbacks that call the core (the
models hold no SQL); a callback raising :class:`UserError` refuses the edit.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLineEdit, QStyledItemDelegate, QToolTip

from gonghui_desk.errors import UserError
from gonghui_desk.money import MoneyParseError, parse_money, yuan_text

GREY = QColor("#7a7a7a")
GREEN = QColor("#2e7d32")
RED = QColor("#a33")
ORANGE = QColor("#b9770e")
_GREY_BRUSH = QBrush(GREY)
_GREEN_BRUSH = QBrush(GREEN)
_RED_BRUSH = QBrush(RED)
_ORANGE_BRUSH = QBrush(ORANGE)
_CHANGED_BRUSH = QBrush(QColor("#1f5fa8"))
_RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)
_CENTER = int(Qt.AlignCenter)

CAMPAIGN_ID_ROLE = int(Qt.UserRole) + 11
MEMBER_ID_ROLE = int(Qt.UserRole) + 12
SORT_ROLE = int(Qt.UserRole) + 13


def pick(row: dict, *keys: str, default: Any = None) -> Any:
    """The first of ``keys`` that ``row`` has (the core's dicts name a few things two ways)."""
    for key in keys:
        if key in row and row[key] is not None:
            return row[key]
    return default


def money_text(fen: int | None, *, blank_zero: bool = True) -> str:
    if fen is None or (blank_zero and not fen):
        return ""
    return yuan_text(fen)


# --- the campaigns --------------------------------------------------------------------------------
def campaign_status(row: dict) -> str:
    if row.get("voided_at"):
        return "已作废"
    return "已发放" if row.get("recorded_at") else "未发放"


def campaign_total_fen(row: dict) -> int:
    total = pick(row, "total_fen", "amount_total_fen")
    if total is not None:
        return int(total)
    return int(pick(row, "cash_total_fen", "total_cash_fen", default=0)) + \
        int(pick(row, "goods_total_fen", "goods_value_total_fen", "total_goods_value_fen", default=0))


def campaign_count(row: dict) -> int:
    return int(pick(row, "recipient_count", "recipients", "count", default=0))


def campaign_signed(row: dict) -> int:
    return int(pick(row, "signed_count", "signed", default=0))


class CampaignListModel(QAbstractTableModel):
    """One row per campaign, newest first as the core lists them; voided ones only on request."""

    HEADERS = ("名称", "日期", "慰问类别", "人数", "金额合计（元）", "发放", "已签收")
    NAME, DATE, OCCASION, COUNT, TOTAL, STATUS, SIGNED = range(7)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._all: list[dict] = []
        self._rows: list[dict] = []
        self.show_voided = False

    def set_campaigns(self, rows: Iterable[dict]) -> None:
        """New figures for the same campaigns update the rows in place (the selection stays)."""
        rows = list(rows)
        shown = [r for r in rows if self.show_voided or not r.get("voided_at")]
        if [r["id"] for r in shown] == [r["id"] for r in self._rows] and self._rows:
            self._all, self._rows = rows, shown
            self.dataChanged.emit(self.index(0, 0), self.index(len(shown) - 1, len(self.HEADERS) - 1))
            return
        self.beginResetModel()
        self._all = rows
        self._filter()
        self.endResetModel()

    def set_show_voided(self, show: bool) -> None:
        self.beginResetModel()
        self.show_voided = bool(show)
        self._filter()
        self.endResetModel()

    def _filter(self) -> None:
        self._rows = [r for r in self._all if self.show_voided or not r.get("voided_at")]

    def campaign(self, row: int) -> dict | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def campaign_id(self, row: int) -> int | None:
        campaign = self.campaign(row)
        return campaign["id"] if campaign else None

    def row_of(self, campaign_id: int | None) -> int | None:
        for row, campaign in enumerate(self._rows):
            if campaign["id"] == campaign_id:
                return row
        return None

    def voided_count(self) -> int:
        return sum(1 for r in self._all if r.get("voided_at"))

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.HEADERS[section]
        return None

    def text(self, row: dict, column: int) -> str:
        if column == self.NAME:
            return row.get("name", "")
        if column == self.DATE:
            return row.get("campaign_date") or ""
        if column == self.OCCASION:
            return pick(row, "occasion_name", "occasion", default="")
        if column == self.COUNT:
            return str(campaign_count(row))
        if column == self.TOTAL:
            return yuan_text(campaign_total_fen(row))
        if column == self.STATUS:
            return campaign_status(row)
        if not row.get("recorded_at") or row.get("voided_at"):
            return "—"
        return f"{campaign_signed(row)}/{campaign_count(row)}"

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.DisplayRole:
            return self.text(row, column)
        if role == CAMPAIGN_ID_ROLE:
            return row["id"]
        if role == Qt.TextAlignmentRole:
            if column in (self.COUNT, self.TOTAL):
                return _RIGHT
            if column in (self.DATE, self.STATUS, self.SIGNED):
                return _CENTER
            return None
        if role == Qt.ForegroundRole:
            if row.get("voided_at"):
                return _RED_BRUSH if column == self.STATUS else _GREY_BRUSH
            if column == self.STATUS:
                return _GREEN_BRUSH if row.get("recorded_at") else _ORANGE_BRUSH
            if column == self.SIGNED and row.get("recorded_at"):
                return _GREEN_BRUSH if campaign_signed(row) >= campaign_count(row) else None
            return None
        if role == Qt.ToolTipRole:
            if row.get("voided_at"):
                return f"已作废：{row.get('void_reason') or ''}"
            if column == self.STATUS:
                return (f"已于 {str(row['recorded_at'])[:16].replace('T', ' ')} 发放并登记为慰问记录"
                        if row.get("recorded_at") else "还没有发放登记：名单和金额可以修改")
            if column == self.NAME and row.get("notes"):
                return row["notes"]
        return None


# --- the recipients -------------------------------------------------------------------------------------
def recipient_row(row: dict) -> dict:
    """The core's recipient dict in the shape the model uses."""
    return {
        "member_id": pick(row, "member_id", "id"),
        "name": pick(row, "name", "member_name", default=""),
        "sub_unit_path": pick(row, "sub_unit_path", "sub_unit", default=""),
        "cash_fen": int(pick(row, "cash_fen", default=0)),
        "goods_desc": pick(row, "goods_desc", default=""),
        "goods_value_fen": int(pick(row, "goods_value_fen", default=0)),
        "visit_id": pick(row, "visit_id"),
        "signed": bool(pick(row, "signed", default=False)),
        "status": pick(row, "status", default=""),
    }


ON_ROLL = ("在册", "退休", "")


EditHandler = Callable[[int, dict], None]
SignHandler = Callable[[list[int], bool], None]


class RecipientTableModel(QAbstractTableModel):
    """The recipients of a campaign, in sign-off order.

    ``editable``: the amounts can be changed (before recording); every change first goes to
    ``edit_handler(member_id, {field: value})``. ``checkable``: the 已签收 box can be ticked
    (after recording); a tick goes to ``sign_handler(member_ids, signed)``. A handler raising
    :class:`UserError` refuses the change and ``edit_failed`` carries its message.
    """

    HEADERS = ("序号", "姓名", "部门", "慰问金（元）", "慰问品", "慰问品价值（元）", "已签收")
    SEQ, NAME, UNIT, CASH, GOODS, GOODS_VALUE, SIGNED = range(7)
    MONEY_COLUMNS = (CASH, GOODS_VALUE)
    EDIT_COLUMNS = {CASH: "cash_fen", GOODS: "goods_desc", GOODS_VALUE: "goods_value_fen"}

    edit_failed = Signal(str)
    totals_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[dict] = []
        self._row_of: dict[int, int] = {}
        self.editable = False
        self.checkable = False
        self.edit_handler: EditHandler | None = None
        self.sign_handler: SignHandler | None = None
        # the campaign's default amounts ({"cash_fen", "goods_desc", "goods_value_fen"}): a cell
        # that differs from them is shown in blue, so hand-made changes stand out
        self.defaults: dict | None = None

    # --- contents ------------------------------------------------------------------------
    def set_rows(self, rows: Iterable[dict], *, editable: bool | None = None, checkable: bool | None = None) -> None:
        self.beginResetModel()
        self._rows = [dict(r) for r in rows]
        self._index_rows()
        if editable is not None:
            self.editable = editable
        if checkable is not None:
            self.checkable = checkable
        self.endResetModel()
        self.totals_changed.emit()

    def _index_rows(self) -> None:
        self._row_of = {r["member_id"]: i for i, r in enumerate(self._rows)}

    def rows(self) -> list[dict]:
        return [dict(r) for r in self._rows]

    def member_ids(self) -> list[int]:
        return [r["member_id"] for r in self._rows]

    def member_id(self, row: int) -> int | None:
        return self._rows[row]["member_id"] if 0 <= row < len(self._rows) else None

    def row_of(self, member_id: int) -> int | None:
        return self._row_of.get(member_id)

    def recipient(self, member_id: int) -> dict | None:
        row = self._row_of.get(member_id)
        return dict(self._rows[row]) if row is not None else None

    def add_rows(self, rows: Iterable[dict]) -> int:
        new = [dict(r) for r in rows if r["member_id"] not in self._row_of]
        if not new:
            return 0
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
        self._rows.extend(new)
        self._index_rows()
        self.endInsertRows()
        self.totals_changed.emit()
        return len(new)

    def remove_members(self, member_ids: Iterable[int]) -> int:
        gone = set(member_ids)
        if not gone & self._row_of.keys():
            return 0
        self.beginResetModel()  # the 序号 of every later row changes too
        self._rows = [r for r in self._rows if r["member_id"] not in gone]
        self._index_rows()
        self.endResetModel()
        self.totals_changed.emit()
        return len(gone)

    def update_member(self, member_id: int, values: dict) -> None:
        row = self._row_of.get(member_id)
        if row is None:
            return
        self._rows[row].update(values)
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
        self.totals_changed.emit()

    def set_signed_rows(self, member_ids: Iterable[int], signed: bool) -> None:
        for member_id in member_ids:
            row = self._row_of.get(member_id)
            if row is not None:
                self._rows[row]["signed"] = signed
        if self._rows:
            self.dataChanged.emit(self.index(0, self.SIGNED), self.index(len(self._rows) - 1, self.SIGNED))
        self.totals_changed.emit()

    # --- figures ----------------------------------------------------------------------------
    def totals(self) -> dict:
        cash = sum(r["cash_fen"] for r in self._rows)
        goods = sum(r["goods_value_fen"] for r in self._rows)
        return {"count": len(self._rows), "cash_fen": cash, "goods_value_fen": goods, "total_fen": cash + goods,
                "signed": sum(1 for r in self._rows if r.get("signed"))}

    def totals_text(self) -> str:
        t = self.totals()
        parts = [f"共 <b>{t['count']}</b> 人"]
        if t["cash_fen"] or not t["goods_value_fen"]:
            parts.append(f"慰问金 <b>{yuan_text(t['cash_fen'])}</b> 元")
        if t["goods_value_fen"]:
            parts.append(f"慰问品价值 <b>{yuan_text(t['goods_value_fen'])}</b> 元")
            if t["cash_fen"]:
                parts.append(f"合计 <b>{yuan_text(t['total_fen'])}</b> 元")
        if self.checkable:
            parts.append(f"已签收 <b>{t['signed']}</b>/{t['count']} 人")
        return "，".join(parts)

    # --- Qt interface ---------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal:
            if role == Qt.DisplayRole:
                return self.HEADERS[section]
            if role == Qt.ToolTipRole:
                if section in self.EDIT_COLUMNS and self.editable:
                    return "双击单元格可修改"
                if section == self.SIGNED:
                    return "本人在签收表上签字后打勾" if self.checkable else "发放并登记后才能标记签收"
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.NoItemFlags
        flags = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        column = index.column()
        if self.editable and column in self.EDIT_COLUMNS:
            flags |= Qt.ItemIsEditable
        if column == self.SIGNED:
            if self.checkable:
                flags |= Qt.ItemIsUserCheckable
            else:
                flags &= ~Qt.ItemIsEnabled
        return flags

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        column = index.column()
        if role == Qt.DisplayRole:
            if column == self.SEQ:
                return str(index.row() + 1)
            if column == self.NAME:
                status = r.get("status") or ""
                return r["name"] if status in ON_ROLL else f"{r['name']}（{status}）"
            if column == self.UNIT:
                return r["sub_unit_path"]
            if column == self.CASH:
                return money_text(r["cash_fen"])
            if column == self.GOODS:
                return r["goods_desc"]
            if column == self.GOODS_VALUE:
                return money_text(r["goods_value_fen"])
            return None
        if role == Qt.EditRole:
            if column in self.MONEY_COLUMNS:
                return yuan_text(r[self.EDIT_COLUMNS[column]], thousands=False)
            if column == self.GOODS:
                return r["goods_desc"]
            return self.data(index, Qt.DisplayRole)
        if role == Qt.CheckStateRole and column == self.SIGNED:
            return Qt.Checked if r.get("signed") else Qt.Unchecked
        if role == SORT_ROLE:
            if column == self.SEQ:
                return index.row()
            if column in self.MONEY_COLUMNS:
                return r[self.EDIT_COLUMNS[column]]
            if column == self.SIGNED:
                return int(bool(r.get("signed")))
            return self.data(index, Qt.DisplayRole) or ""
        if role == MEMBER_ID_ROLE:
            return r["member_id"]
        if role == Qt.TextAlignmentRole:
            if column in self.MONEY_COLUMNS:
                return _RIGHT
            if column == self.SEQ:
                return _CENTER
            return None
        if role == Qt.ForegroundRole:
            if column in self.EDIT_COLUMNS and self._differs(r, column):
                return _CHANGED_BRUSH
            if column == self.NAME and (r.get("status") or "") not in ON_ROLL:
                return _ORANGE_BRUSH
            return None
        if role == Qt.ToolTipRole:
            if column == self.UNIT:
                return r["sub_unit_path"]
            if column == self.NAME and (r.get("status") or "") not in ON_ROLL:
                return f"该会员目前的状态为“{r['status']}”"
            if column in self.EDIT_COLUMNS:
                tip = "双击修改" if self.editable else ""
                if self._differs(r, column):
                    key = self.EDIT_COLUMNS[column]
                    default = self.defaults[key]
                    shown = (f"{yuan_text(default)} 元" if column in self.MONEY_COLUMNS else default) or "（空）"
                    tip = f"与本次的默认值（{shown}）不同" + (f"；{tip}" if tip else "")
                return tip or None
        return None

    def _differs(self, r: dict, column: int) -> bool:
        if not self.defaults:
            return False
        key = self.EDIT_COLUMNS[column]
        return key in self.defaults and r[key] != self.defaults[key]

    def setData(self, index, value, role=Qt.EditRole):
        if not index.isValid():
            return False
        column = index.column()
        r = self._rows[index.row()]
        if role == Qt.CheckStateRole and column == self.SIGNED and self.checkable:
            signed = Qt.CheckState(value) == Qt.Checked if not isinstance(value, bool) else value
            if bool(r.get("signed")) == signed:
                return False
            if not self._call(self.sign_handler, [r["member_id"]], signed):
                return False
            r["signed"] = signed
            self.dataChanged.emit(index, index)
            self.totals_changed.emit()
            return True
        if role != Qt.EditRole or not self.editable or column not in self.EDIT_COLUMNS:
            return False
        key = self.EDIT_COLUMNS[column]
        if column in self.MONEY_COLUMNS:
            if value in (None, ""):
                value = 0
            if not isinstance(value, int):
                try:
                    value = parse_money(value) or 0
                except MoneyParseError as exc:
                    self.edit_failed.emit(str(exc))
                    return False
        else:
            value = str(value or "").strip()
        if r[key] == value:
            return False
        if not self._call(self.edit_handler, r["member_id"], {key: value}):
            return False
        r[key] = value
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.columnCount() - 1))
        self.totals_changed.emit()
        return True

    def _call(self, handler, *args) -> bool:
        if handler is None:
            return True
        try:
            handler(*args)
        except UserError as exc:
            self.edit_failed.emit(str(exc))
            return False
        return True


class RecipientFilterModel(QSortFilterProxyModel):
    """Finds a name or a department in a long list and sorts by any column (序号 stays the sheet's)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseInsensitive)
        self._terms: list[str] = []

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._terms = text.lower().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row, source_parent):
        if not self._terms:
            return True
        model = self.sourceModel()
        text = " ".join(str(model.index(source_row, c, source_parent).data() or "")
                        for c in (RecipientTableModel.NAME, RecipientTableModel.UNIT, RecipientTableModel.GOODS))
        text = text.lower()
        return all(term in text for term in self._terms)

    def member_ids_of(self, proxy_rows: Iterable[int]) -> list[int]:
        model = self.sourceModel()
        ids = []
        for row in proxy_rows:
            member_id = model.member_id(self.mapToSource(self.index(row, 0)).row())
            if member_id is not None:
                ids.append(member_id)
        return ids


class MoneyDelegate(QStyledItemDelegate):
    """Edits an amount in 元 ("300", "1,200.50", "0.12万"); an amount it cannot read is refused
    with a tooltip saying why and the cell keeps its old value."""

    def createEditor(self, parent, option, index):
        editor = QLineEdit(parent)
        editor.setPlaceholderText("元")
        editor.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        return editor

    def setEditorData(self, editor, index):
        editor.setText(index.data(Qt.EditRole) or "")
        editor.selectAll()

    def setModelData(self, editor, model, index):
        text = editor.text().strip()
        try:
            fen = parse_money(text) or 0
        except MoneyParseError as exc:
            QToolTip.showText(editor.mapToGlobal(editor.rect().bottomLeft()), str(exc), editor)
            if hasattr(model, "sourceModel"):
                model.sourceModel().edit_failed.emit(str(exc))
            elif hasattr(model, "edit_failed"):
                model.edit_failed.emit(str(exc))
            return
        model.setData(index, fen, Qt.EditRole)


__all__ = ["CampaignListModel", "RecipientTableModel", "RecipientFilterModel", "MoneyDelegate", "recipient_row",
           "campaign_status", "campaign_total_fen", "money_text", "pick"]
