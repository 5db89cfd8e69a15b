"""The 困难职工档案 register table: a lazy, SQL-backed list of hardship files on
:class:`PagedIdTableModel` (``hardship.register.file_ids`` / ``file_rows``), and the editable
family-members table of the file dialog."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from gonghui_desk.hardship.files import FAMILY_FIELD_LABELS, FamilyMemberInput
from gonghui_desk.hardship.register import FILE_SORTS, FileFilter, file_ids, file_rows
from gonghui_desk.idcard import mask_id_number
from gonghui_desk.money import MoneyParseError, parse_money, yuan_text
from gonghui_desk.ui.paged_model import CENTER, LEFT, RIGHT, FilteredTableModel

FILE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("member", "户主"),
    ("sub_unit", "部门"),
    ("category", "困难类别"),
    ("level", "建档标准"),
    ("main_cause", "主要致困原因"),
    ("household_size", "家庭人口"),
    ("income", "家庭月人均收入 (元)"),
    ("opened_on", "建档日期"),
    ("next_review", "下次复核"),
    ("status", "状态"),
)
RED = QBrush(QColor("#c0392b"))
AMBER = QBrush(QColor("#b9770e"))
GREY = QBrush(QColor("#7a7a7a"))
_CENTERED = {"household_size", "opened_on", "next_review", "status", "level"}


class HardshipFileTableModel(FilteredTableModel):
    """The files matching a :class:`FileFilter`, newest first unless sorted otherwise."""

    COLUMNS = FILE_COLUMNS
    SORTS = {"member": "member", "sub_unit": "sub_unit", "category": "category", "opened_on": "opened_on",
             "next_review": "next_review", "income": "income_per_person"}
    assert set(SORTS.values()) <= set(FILE_SORTS)
    HEADER_TIPS = {"income": "家庭年总收入 ÷ 12 ÷ 家庭人口，自动计算",
                   "next_review": "红色：复核已逾期；橙色：30天内到期"}

    def __init__(self, db, parent=None, *, file_filter: FileFilter | None = None, query: bool = True,
                 today: dt.date | None = None, **kwargs):
        kwargs.setdefault("order", "opened_on")
        kwargs.setdefault("descending", True)
        self.today = today  # the first query needs it
        super().__init__(db, file_filter or FileFilter(), parent, query=query, **kwargs)

    @property
    def file_filter(self) -> FileFilter:
        return self._filter

    def fetch_ids(self, order: str, descending: bool) -> list[int]:
        return file_ids(self.db, self._filter, order=order, descending=descending, today=self.today)

    def fetch_rows(self, ids: list[int]) -> dict[int, dict]:
        return file_rows(self.db, ids, today=self.today)

    def prepare(self, row: dict) -> tuple[tuple, tuple, tuple, tuple]:
        texts = {
            "member": row["member_name"], "sub_unit": row.get("sub_unit_path") or "",
            "category": row.get("category") or "", "level": row.get("level") or "",
            "main_cause": row.get("main_cause") or "", "household_size": str(row.get("household_size") or ""),
            "income": yuan_text(row["monthly_income_per_person_fen"]) or "0",
            "opened_on": row.get("opened_on") or "", "next_review": row.get("next_review_due") or "",
            "status": row["status"],
        }
        tips = {"sub_unit": texts["sub_unit"]}
        brushes: dict[str, QBrush] = {}
        if row.get("secondary_cause"):
            tips["main_cause"] = f"次要致困原因：{row['secondary_cause']}"
        if row.get("review_overdue"):
            brushes["next_review"] = brushes["member"] = RED
            tips["next_review"] = "年度复核已逾期"
        elif row.get("review_due_soon"):
            brushes["next_review"] = AMBER
            tips["next_review"] = "30天内应年度复核"
        if row["status"] in ("脱困", "注销"):
            brushes["status"] = GREY
            tips["status"] = f"{row.get('closed_on') or ''} {row['status']}：{row.get('close_reason') or ''}"
        elif row["status"] == "申请中":
            brushes["status"] = AMBER
        if row.get("member_status") and row["member_status"] != "在册":
            tips["member"] = f"会员现状态：{row['member_status']}"
        keys = [key for key, _ in FILE_COLUMNS]
        alignments = tuple(CENTER if k in _CENTERED else RIGHT if k == "income" else LEFT for k in keys)
        return (tuple(texts.get(k, "") for k in keys), tuple(tips.get(k, "") for k in keys),
                tuple(brushes.get(k) for k in keys), alignments)


# --- the family members of one file (edited in the dialog) ---------------------------------
FAMILY_KEYS = ("name", "relation", "id_number", "birth_date", "health", "monthly_income", "identity",
               "unit_or_school")
FAMILY_HEADERS = tuple(FAMILY_FIELD_LABELS.get(k, "月收入（元）") for k in FAMILY_KEYS)
_ERROR_BACKGROUND = QBrush(QColor("#fdecea"))


class FamilyTableModel(QAbstractTableModel):
    """The family rows as typed (texts); :meth:`inputs` turns them into FamilyMemberInput and the
    money that could not be read. ``errors`` maps (row, key) to a message shown in red."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[dict] = []
        self.errors: dict[tuple[int, str], str] = {}
        self.mask_ids = False  # show ID numbers as 110101********1234 (the editor still gets the full number)

    def set_mask_ids(self, masked: bool) -> None:
        self.mask_ids = masked
        if self._rows:
            column = FAMILY_KEYS.index("id_number")
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column), [Qt.DisplayRole])

    def load(self, family: list[FamilyMemberInput]) -> None:
        self.beginResetModel()
        self._rows = [{"id": p.id, "name": p.name or "", "relation": p.relation or "",
                       "id_number": p.id_number or "", "birth_date": str(p.birth_date or ""),
                       "health": p.health or "", "identity": p.identity or "", "unit_or_school": p.unit_or_school or "",
                       "monthly_income": yuan_text(p.monthly_income_fen, thousands=False)
                       if p.monthly_income_fen else ""} for p in family]
        self.endResetModel()

    def state(self) -> tuple:
        return tuple(tuple(r.get(k, "") for k in FAMILY_KEYS) for r in self._rows)

    def add_row(self) -> int:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append({"id": None, **{k: "" for k in FAMILY_KEYS}})
        self.endInsertRows()
        return row

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def inputs(self) -> tuple[list[FamilyMemberInput], dict[tuple[int, str], str]]:
        people, money_errors = [], {}
        for index, r in enumerate(self._rows):
            try:
                income = parse_money(r["monthly_income"]) or 0
            except MoneyParseError as exc:
                income = 0
                money_errors[(index, "monthly_income")] = str(exc)
            people.append(FamilyMemberInput(
                name=r["name"], relation=r["relation"], id_number=r["id_number"] or None,
                birth_date=r["birth_date"] or None, health=r["health"], monthly_income_fen=income,
                identity=r["identity"], unit_or_school=r["unit_or_school"], id=r["id"]))
        return people, money_errors

    def set_errors(self, errors: dict[tuple[int, str], str]) -> None:
        self.errors = errors
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(FAMILY_KEYS) - 1))

    # --- Qt -------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(FAMILY_KEYS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole:
            return FAMILY_HEADERS[section] if orientation == Qt.Horizontal else section + 1
        return None

    def flags(self, index):
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsEditable

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        key = FAMILY_KEYS[index.column()]
        if role in (Qt.DisplayRole, Qt.EditRole):
            value = self._rows[index.row()][key]
            if role == Qt.DisplayRole and key == "id_number" and self.mask_ids and not self.errors.get(
                    (index.row(), key)):
                return mask_id_number(value) or value
            return value
        error = self.errors.get((index.row(), key))
        if role == Qt.BackgroundRole and error:
            return _ERROR_BACKGROUND
        if role == Qt.ToolTipRole:
            return error
        if role == Qt.TextAlignmentRole and key == "monthly_income":
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def setData(self, index, value, role=Qt.EditRole):
        if role != Qt.EditRole or not index.isValid():
            return False
        self._rows[index.row()][FAMILY_KEYS[index.column()]] = str(value or "").strip()
        self.dataChanged.emit(index, index)
        return True
