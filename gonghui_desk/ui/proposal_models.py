"""The table models of the proposals page and the congress dialog.

* :class:`ProposalTableModel` — the proposals matching a :class:`~gonghui_desk.congress.register.ProposalFilter`
  (lazy: :class:`~gonghui_desk.ui.paged_model.PagedIdTableModel` over :func:`proposal_ids` /
  :func:`proposal_rows`), by number; overdue ones (逾期) in red.
* :class:`CategoryTableModel`, :class:`DepartmentTableModel` — a session's dashboard by category and by
  承办部门 (:class:`~gonghui_desk.congress.register.SessionDashboard`); every rate's cell says its base in its
  tooltip, overdue counts are red.
* :class:`DelegateTableModel` — the delegates of a term (lazy, SQL ids and rows): 姓名, 部门, 代表类别,
  代表团, 任职起止; delegates who left (离任) are grey.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from gonghui_desk.congress.register import (PROPOSAL_SORTS, CategoryRow, DepartmentRow, ProposalFilter, Rate,
                                            proposal_ids, proposal_rows)
from gonghui_desk.congress.store import FORMAL, serving_sql
from gonghui_desk.db.member_queries import _escape_like
from gonghui_desk.ui.paged_model import CENTER, LEFT, RIGHT, FilteredTableModel
from gonghui_desk.union import sub_unit_paths

OVERDUE_COLOUR = "#c0392b"
RED = QBrush(QColor(OVERDUE_COLOUR))
AMBER = QBrush(QColor("#b9770e"))
GREEN = QBrush(QColor("#1e6e2a"))
GREY = QBrush(QColor("#8a8a8a"))
OVERDUE_MARK = "（逾期）"

PROPOSAL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "编号"),
    ("title", "案由"),
    ("proposer", "提案人"),
    ("cosigners", "附议人"),
    ("category", "类别"),
    ("review", "审查"),
    ("department", "主办部门"),
    ("deadline", "期限"),
    ("status", "状态"),
)
STATUS_TIPS = {
    "待审查": "提案工作委员会尚未审查",
    "不立案": "审查结果为不立案",
    "转意见建议": "转为意见和建议，不作为提案办理",
    "已并案": "已并入另一件提案办理",
    "待交办": "已立案，尚未交办承办部门",
    "办理中": "已交办，承办部门尚未答复",
    "已答复": "承办部门已答复，尚未办结（正在解决、列入计划或暂不能解决）",
    "不满意": "提案人对答复不满意，等待再次办理",
    "已办结": "已解决，提案人未表示不满意",
}


def review_text(row: dict) -> str:
    """"立案", "不立案", "转意见建议", "并入 第3届第2次-004", or "待审查"."""
    if row["review"] == "并案":
        return f"并入 {row['merged_into_number']}" if row["merged_into_number"] else "并案"
    return row["review"] or "待审查"


def status_text(row: dict) -> str:
    """The status, "办理中（逾期）" when overdue, with the round when it is not the first."""
    text = row["status"] + (OVERDUE_MARK if row["overdue"] else "")
    if row["round"] and row["round"] > 1 and row["status"] not in ("待审查", "不立案", "转意见建议", "已并案"):
        text += f"·第{row['round']}轮"
    return text


class ProposalTableModel(FilteredTableModel):
    """The proposals matching a :class:`ProposalFilter`, by number unless sorted otherwise."""

    COLUMNS = PROPOSAL_COLUMNS
    SORTS = {"number": "number", "title": "title", "proposer": "proposer", "category": "category",
             "department": "department", "deadline": "deadline", "status": "status"}
    assert set(SORTS.values()) <= set(PROPOSAL_SORTS)
    HEADER_TIPS = {"review": "提案工作委员会的审查结果：立案、不立案、转意见建议、并案（并入另一件提案）",
                   "department": "主办部门（最近一轮办理）；协办部门见提示",
                   "deadline": "承办期限；已过期限仍未答复的提案整行红色显示",
                   "status": "红色：逾期未答复（已过承办期限）"}

    def __init__(self, db, parent=None, *, proposal_filter: ProposalFilter | None = None, query: bool = True,
                 today: dt.date | None = None, **kwargs):
        """``query=False`` starts empty: the first :meth:`set_filter` or :meth:`refresh` reads the rows."""
        kwargs.setdefault("order", "number")
        self._today = today  # the first query needs it
        super().__init__(db, proposal_filter or ProposalFilter(session_id=-1), parent, query=query, **kwargs)

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    @property
    def proposal_filter(self) -> ProposalFilter:
        return self._filter

    def fetch_ids(self, order: str, descending: bool) -> list[int]:
        return proposal_ids(self.db, self._filter, order, descending, today=self.today)

    def fetch_rows(self, ids: list[int]) -> dict[int, dict]:
        return proposal_rows(self.db, ids, today=self.today)

    def is_overdue(self, row: int) -> bool:
        data = self.row_data(row)
        return bool(data and data["overdue"])

    def prepare(self, row: dict) -> tuple[tuple, tuple, tuple, tuple]:
        keys = [key for key, _ in PROPOSAL_COLUMNS]
        cosigners = row["cosigners"]
        texts = {"number": row["number"], "title": row["title"], "proposer": row["proposer_name"],
                 "cosigners": cosigners, "category": row["category"], "review": review_text(row),
                 "department": row["lead_department"] + ("等" if row["co_departments"] else ""),
                 "deadline": row["deadline"] or "", "status": status_text(row)}
        tips: dict[str, str] = {"title": row["title"], "cosigners": f"附议人 {row['cosigner_count']} 人：{cosigners}"
                                if cosigners else "没有附议人"}
        if row["proposer_member_name"] is None and row["proposer_text"]:
            tips["proposer"] = f"以{row['proposer_text']}名义提出"
        review = []
        if row["review_reason"]:
            review.append(f"理由：{row['review_reason']}")
        if row["reviewer"] or row["reviewed_on"]:
            review.append(f"审查：{row['reviewer']} {row['reviewed_on'] or ''}".strip())
        if row["merged_count"]:
            review.append(f"另有 {row['merged_count']} 件提案并入本案")
        tips["review"] = "\n".join(review)
        if row["lead_department"]:
            department = [f"主办：{row['lead_department']}"]
            if row["co_departments_text"]:
                department.append(f"协办：{row['co_departments_text']}")
            if row["leader"]:
                department.append(f"责任领导：{row['leader']}")
            tips["department"] = "\n".join(department)
        status = [STATUS_TIPS.get(row["status"], "")]
        if row["overdue"]:
            status = [f"逾期：承办期限 {row['deadline']} 已过，尚未答复"]
        if row["replied_on"]:
            status.append(f"{row['replied_on']} 答复" + (f"，{row['result']}" if row["result"] else ""))
        if row["rating"]:
            status.append(f"提案人意见：{row['rating']}")
        if row["round"] and row["round"] > 1:
            status.append(f"第 {row['round']} 轮办理")
        tips["status"] = "\n".join(t for t in status if t)
        brushes: dict[str, QBrush] = {}
        if row["overdue"]:
            brushes = dict.fromkeys(keys, RED)
            tips["deadline"] = f"承办期限 {row['deadline']} 已过，尚未答复"
        elif row["status"] in ("不立案", "转意见建议", "已并案"):
            brushes = dict.fromkeys(keys, GREY)
        elif row["status"] == "不满意":
            brushes["status"] = AMBER
        elif row["status"] == "已办结":
            brushes["status"] = GREEN
        aligns = {"number": LEFT, "category": CENTER, "deadline": CENTER, "review": LEFT}
        return (tuple(texts.get(k) or "" for k in keys), tuple(tips.get(k, "") for k in keys),
                tuple(brushes.get(k) for k in keys), tuple(aligns.get(k, LEFT) for k in keys))


# --- the dashboard's breakdowns ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Column:
    key: str
    header: str
    tip: str = ""


class BreakdownTableModel(QAbstractTableModel):
    """A short table of dashboard rows (:class:`CategoryRow` or :class:`DepartmentRow`): counts right-aligned,
    rates as "80.0%" with their base in the tooltip ("已答复8件 ÷ 立案10件"), overdue counts in red; a last
    合计 row when ``total`` is given."""

    COLUMNS: tuple[_Column, ...] = ()
    NAME_KEY = ""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []
        self.total = None
        self.column_index = {c.key: i for i, c in enumerate(self.COLUMNS)}

    def set_rows(self, rows: list, total=None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.total = total if rows else None
        self.endResetModel()

    def _row(self, row: int):
        if 0 <= row < len(self.rows):
            return self.rows[row]
        return self.total if row == len(self.rows) and self.total is not None else None

    def value(self, row: int, key: str):
        item = self._row(row)
        if item is None:
            return None
        if key == self.NAME_KEY and item is self.total:
            return "合计"
        return getattr(item, key)

    def text(self, row: int, key: str) -> str:
        value = self.value(row, key)
        if isinstance(value, Rate):
            return value.text
        return "" if value is None else str(value)

    def tip(self, row: int, key: str) -> str:
        value = self.value(row, key)
        if isinstance(value, Rate):
            label = self.COLUMNS[self.column_index[key]].header
            return f"{label} = {value.base_text}" + ("（无可计算的基数）" if value.value is None else "")
        return ""

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows) + (1 if self.total is not None else 0)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation, role: int = Qt.DisplayRole):
        if orientation != Qt.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.DisplayRole:
            return self.COLUMNS[section].header
        if role == Qt.ToolTipRole:
            return self.COLUMNS[section].tip or None
        return None

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        key = self.COLUMNS[index.column()].key
        if role == Qt.DisplayRole:
            return self.text(index.row(), key)
        if role == Qt.ToolTipRole:
            return self.tip(index.row(), key) or None
        if role == Qt.TextAlignmentRole:
            return LEFT if key == self.NAME_KEY else RIGHT
        if role == Qt.ForegroundRole and key == "overdue" and self.value(index.row(), key):
            return RED
        if role == Qt.FontRole and self._row(index.row()) is self.total:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None


class CategoryTableModel(BreakdownTableModel):
    NAME_KEY = "category"
    COLUMNS = (
        _Column("category", "类别"),
        _Column("received", "收到", "收到的提案（件），并案的也计入"),
        _Column("registered", "立案", "审查结果为立案的提案（件）"),
        _Column("filing_rate", "立案率", "立案 ÷ 收到"),
        _Column("replied", "已答复", "立案提案中已答复的（件）"),
        _Column("reply_rate", "答复率", "已答复 ÷ 立案"),
        _Column("completed", "办结", "立案提案中已办结的（件）"),
        _Column("completion_rate", "办结率", "办结 ÷ 立案"),
        _Column("satisfaction_rate", "满意率", "（满意 + 基本满意）÷ 已评价"),
        _Column("overdue", "逾期", "已过承办期限仍未答复的（件）"),
    )


class DepartmentTableModel(BreakdownTableModel):
    NAME_KEY = "department"
    COLUMNS = (
        _Column("department", "承办部门"),
        _Column("assigned", "主办", "该部门主办的立案提案（件，最近一轮办理）"),
        _Column("co_assigned", "协办", "该部门协办的提案（件）"),
        _Column("replied", "已答复", "主办提案中已答复的（件）"),
        _Column("reply_rate", "答复率", "已答复 ÷ 主办"),
        _Column("completed", "办结", "主办提案中已办结的（件）"),
        _Column("completion_rate", "办结率", "办结 ÷ 主办"),
        _Column("satisfaction_rate", "满意率", "（满意 + 基本满意）÷ 已评价"),
        _Column("overdue", "逾期", "已过承办期限仍未答复的（件）"),
    )


def category_total(rows: list[CategoryRow]) -> CategoryRow:
    total = CategoryRow("合计")
    for row in rows:
        for key in ("received", "registered", "replied", "completed", "overdue", "satisfied", "rated"):
            setattr(total, key, getattr(total, key) + getattr(row, key))
    return total


def department_total(rows: list[DepartmentRow]) -> DepartmentRow:
    total = DepartmentRow("合计")
    for row in rows:
        for key in ("assigned", "co_assigned", "replied", "completed", "overdue", "satisfied", "rated"):
            setattr(total, key, getattr(total, key) + getattr(row, key))
    return total


# --- delegates -------------------------------------------------------------------------------------------
DELEGATE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "姓名"),
    ("sub_unit", "部门"),
    ("role", "代表类别"),
    ("delegation", "代表团"),
    ("from_date", "任职开始"),
    ("to_date", "任职结束"),
    ("notes", "离任原因/备注"),
    ("member_status", "会员状态"),
)


@dataclass(frozen=True)
class DelegateFilter:
    term_id: int
    delegation_id: int | None = None  # None: every delegation; 0: without one
    role: str | None = None
    search: str = ""  # name, pinyin or initials
    serving_on: str | None = None  # only the delegates serving on that day


NO_DELEGATION = 0


class DelegateTableModel(FilteredTableModel):
    """The live delegates of a term (of live members): by delegation, 正式代表 before 列席代表, then by name,
    as :meth:`CongressStore.delegates` lists them; rows fetched a page at a time."""

    COLUMNS = DELEGATE_COLUMNS
    SORTS = {"name": "name", "delegation": "delegation", "role": "role", "from_date": "from_date",
             "to_date": "to_date"}
    HEADER_TIPS = {"from_date": "空白：随本届当选；补选的代表为当选日期",
                   "to_date": "空白：任职至本届结束；离任的代表为最后任职日（灰色显示）"}
    _ORDERS = {"delegation": ("g.id IS NULL", "g.sort_order", "g.id", f"d.role <> '{FORMAL}'", "m.name_sort"),
               "name": ("m.name_sort",), "role": (f"d.role <> '{FORMAL}'", "m.name_sort"),
               "from_date": ("d.from_date IS NOT NULL", "d.from_date", "m.name_sort"),
               "to_date": ("d.to_date IS NULL", "d.to_date", "m.name_sort")}
    _FROM = """FROM congress_delegates d JOIN members m ON m.id = d.member_id AND m.voided_at IS NULL
               LEFT JOIN congress_delegations g ON g.id = d.delegation_id"""

    def __init__(self, db, parent=None, *, delegate_filter: DelegateFilter | None = None, query: bool = True,
                 delegation_word: str = "代表团", **kwargs):
        kwargs.setdefault("order", "delegation")
        self.COLUMNS = tuple((key, delegation_word if key == "delegation" else header)
                             for key, header in DELEGATE_COLUMNS)
        self._paths: dict[int, str] = {}
        super().__init__(db, delegate_filter or DelegateFilter(term_id=-1), parent, query=query, **kwargs)

    @property
    def delegate_filter(self) -> DelegateFilter:
        return self._filter

    def requery(self) -> None:
        self._paths = sub_unit_paths(self.db)
        super().requery()

    def _where(self) -> tuple[str, list]:
        f = self._filter
        clauses, params = ["d.term_id = ?", "d.voided_at IS NULL"], [f.term_id]
        if f.delegation_id is not None:
            if f.delegation_id == NO_DELEGATION:
                clauses.append("d.delegation_id IS NULL")
            else:
                clauses.append("d.delegation_id = ?")
                params.append(f.delegation_id)
        if f.role is not None:
            clauses.append("d.role = ?")
            params.append(f.role)
        if f.serving_on:
            clauses.append(serving_sql("d"))
            params += [f.serving_on, f.serving_on]
        for word in f.search.lower().split():
            clauses.append("(m.search_text LIKE ? ESCAPE '\\' OR lower(m.name) LIKE ? ESCAPE '\\')")
            params += [f"%{_escape_like(word)}%"] * 2
        return " AND ".join(clauses), params

    def fetch_ids(self, order: str, descending: bool) -> list[int]:
        where, params = self._where()
        direction = "DESC" if descending else "ASC"
        keys = ", ".join(f"{key} {direction}" for key in self._ORDERS.get(order, self._ORDERS["delegation"]))
        return [r[0] for r in self.db.execute(f"SELECT d.id {self._FROM} WHERE {where} ORDER BY {keys}, m.id, d.id",
                                              params)]

    def fetch_rows(self, ids: list[int]) -> dict[int, dict]:
        if not ids:
            return {}
        rows = self.db.query(
            f"""SELECT d.*, m.name AS member_name, m.status AS member_status, m.sub_unit_id,
                       coalesce(g.name, '') AS delegation_name
                {self._FROM} WHERE d.id IN ({', '.join('?' * len(ids))})""", list(ids))
        return {row["id"]: row for row in rows}

    def prepare(self, row: dict) -> tuple[tuple, tuple, tuple, tuple]:
        keys = [key for key, _ in DELEGATE_COLUMNS]
        notes = "；".join(t for t in (row["end_reason"] and f"离任：{row['end_reason']}", row["notes"]) if t)
        texts = {"name": row["member_name"], "sub_unit": self._paths.get(row["sub_unit_id"], ""), "role": row["role"],
                 "delegation": row["delegation_name"], "from_date": row["from_date"] or "",
                 "to_date": row["to_date"] or "", "notes": notes, "member_status": row["member_status"]}
        tips = {"sub_unit": texts["sub_unit"], "notes": notes,
                "from_date": "补选" if row["from_date"] else "随本届当选"}
        brushes: dict[str, QBrush] = {}
        if row["to_date"]:
            brushes = dict.fromkeys(keys, GREY)
            tips["to_date"] = f"已于 {row['to_date']} 离任" + (f"（{row['end_reason']}）" if row["end_reason"] else "")
        elif row["member_status"] != "在册":
            brushes["member_status"] = AMBER
            tips["member_status"] = "该会员现已不在册，如已离任请点“离任…”登记"
        aligns = {"role": CENTER, "from_date": CENTER, "to_date": CENTER, "member_status": CENTER}
        return (tuple(texts.get(k) or "" for k in keys), tuple(tips.get(k, "") for k in keys),
                tuple(brushes.get(k) for k in keys), tuple(aligns.get(k, LEFT) for k in keys))

    def member_ids(self) -> set[int]:
        """The members who are live delegates of the term (whatever the filter)."""
        return {r[0] for r in self.db.execute("SELECT member_id FROM congress_delegates WHERE term_id = ? "
                                              "AND voided_at IS NULL", [self._filter.term_id])}


__all__ = ["BreakdownTableModel", "CategoryTableModel", "DELEGATE_COLUMNS", "DelegateFilter", "DelegateTableModel",
           "DepartmentTableModel", "GREY", "NO_DELEGATION", "OVERDUE_COLOUR", "PROPOSAL_COLUMNS", "ProposalTableModel",
           "RED", "category_total", "department_total", "review_text", "status_text"]
