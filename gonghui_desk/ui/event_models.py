"""The table models of the event page (:mod:`gonghui_desk.ui.event_dialog`).

* :class:`EntryTableModel` — the event's entries (参加人员), lazy over
  :func:`~gonghui_desk.events.register.participant_ids` / :func:`~gonghui_desk.events.register.entry_rows`
  (an event entered by "全体在册会员" of a large company has tens of thousands of rows); shared with the
  result dialog, which picks the entry a result belongs to.
* :class:`RowsTableModel` — a small list of dicts shown as a table: the items, the teams, a team's members
  and the results of one event (a handful to a few hundred rows, read in one query).
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from gonghui_desk.events.register import ALL_ITEMS, entry_rows, participant_ids
from gonghui_desk.money import yuan_text
from gonghui_desk.ui.paged_model import CENTER, LEFT, RIGHT, PagedIdTableModel

GREY = QBrush(QColor("#8a8a8a"))
AMBER = QBrush(QColor("#b9770e"))
GREEN = QBrush(QColor("#1e6e2a"))
WHOLE_EVENT = "（整个活动）"  # an entry without an item: the event as a whole


def members_text(members: list[dict], *, limit: int | None = None) -> str:
    """"张三（队长）、李四、王五" — the captain first, as the register orders them."""
    names = [f"{m['name']}（队长）" if m.get("captain") else m["name"] for m in members]
    if limit is not None and len(names) > limit:
        return "、".join(names[:limit]) + f"等{len(names)}人"
    return "、".join(names)


def team_tooltip(team_name: str, members: list[dict]) -> str:
    lines = [f"{team_name}：{len(members)} 名队员"]
    for m in members:
        extra = "，".join(t for t in ("队长" if m.get("captain") else "", m.get("sub_unit_path") or "") if t)
        lines.append(f"　{m['name']}" + (f"（{extra}）" if extra else ""))
    return "\n".join(lines)


# --- the entries --------------------------------------------------------------------------------
ENTRY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("item", "项目"),
    ("kind", "类别"),
    ("name", "姓名/队名"),
    ("sub_unit", "部门"),
    ("person_times", "人次"),
    ("source", "报名方式"),
)
ENTRY_WIDTHS = {"item": 110, "kind": 48, "name": 170, "sub_unit": 200, "person_times": 48, "source": 120}


class EntryTableModel(PagedIdTableModel):
    """The live entries of one event: every item, one item (``item_id``; None: the event as a whole), and a
    search on the member's name/pinyin, a team's name or one of its members."""

    COLUMNS = ENTRY_COLUMNS
    SORTS = {"item": "item", "name": "name", "sub_unit": "sub_unit", "source": "entered"}
    HEADER_TIPS = {"person_times": "个人报名计 1 人次；队伍按队员人数计人次",
                   "source": "逐个添加的会员此处为空；按条件添加的写着当时的报名说明（如“全体女会员”）"}

    def __init__(self, db, event_id: int, parent=None, *, query: bool = True, **kwargs):
        kwargs.setdefault("order", "item")
        super().__init__(parent, **kwargs)
        self.db = db
        self.event_id = event_id
        self.item_id: Any = ALL_ITEMS
        self.search = ""
        if query:
            self.requery()

    def set_filter(self, item_id: Any = ALL_ITEMS, search: str = "") -> None:
        self.item_id, self.search = item_id, search.strip()
        self.requery()

    def fetch_ids(self, order: str, descending: bool) -> list[int]:
        return participant_ids(self.db, self.event_id, item_id=self.item_id, search=self.search, order=order,
                               descending=descending)

    def fetch_rows(self, ids: list[int]) -> dict[int, dict]:
        return entry_rows(self.db, ids)

    def prepare(self, row: dict) -> tuple[tuple, tuple, tuple, tuple]:
        team = row["team_id"] is not None
        name = row["team_name"] if team else row["member_name"]
        texts = {"item": row["item_name"] or WHOLE_EVENT, "kind": row["kind"], "name": name,
                 "sub_unit": row["sub_unit_path"], "person_times": str(row["person_times"]),
                 "source": row["source"] or ("队伍报名" if team else "逐个添加")}
        tips: dict[str, str] = {"sub_unit": row["sub_unit_path"], "source": row["source"] or ""}
        brushes: dict[str, QBrush] = {} if row["source"] else {"source": GREY}
        if team:
            tips["name"] = team_tooltip(name, row["members"])
            tips["person_times"] = f"队伍按队员人数计：{row['person_times']} 人次"
        elif row["member_status"] and row["member_status"] != "在册":
            tips["name"] = f"{name}（会员现状态：{row['member_status']}）"
            brushes["name"] = AMBER
        if not row["item_name"]:
            brushes["item"] = GREY
            tips["item"] = "报名整个活动，不分项目"
        keys = [key for key, _ in ENTRY_COLUMNS]
        aligns = {"kind": CENTER, "person_times": RIGHT}
        return (tuple(texts[k] or "" for k in keys), tuple(tips.get(k, "") for k in keys),
                tuple(brushes.get(k) for k in keys), tuple(aligns.get(k, LEFT) for k in keys))

    def entry(self, row: int) -> dict | None:
        return self.row_data(row)


# --- small lists ---------------------------------------------------------------------------------
class RowsTableModel(QAbstractTableModel):
    """A short list of dict rows. ``columns`` are (key, header) pairs; ``cell(row, key)`` gives a cell's
    text, ``tip(row, key)`` its tooltip and ``brush(row, key)`` its colour; ``aligns`` by key."""

    def __init__(self, columns: tuple[tuple[str, str], ...], cell: Callable[[dict, str], str], parent=None, *,
                 tip: Callable[[dict, str], str] | None = None,
                 brush: Callable[[dict, str], QBrush | None] | None = None,
                 aligns: dict[str, int] | None = None, header_tips: dict[str, str] | None = None):
        super().__init__(parent)
        self.columns = columns
        self.column_index = {key: i for i, (key, _) in enumerate(columns)}
        self._cell, self._tip, self._brush = cell, tip, brush
        self._aligns = aligns or {}
        self._header_tips = header_tips or {}
        self.rows: list[dict] = []

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_data(self, row: int) -> dict | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, row_id: int) -> int | None:
        for number, row in enumerate(self.rows):
            if row["id"] == row_id:
                return number
        return None

    def text(self, row: int, key: str) -> str:
        data = self.row_data(row)
        return self._cell(data, key) if data is not None else ""

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation, role: int = Qt.DisplayRole):
        if orientation != Qt.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.DisplayRole:
            return self.columns[section][1]
        if role == Qt.ToolTipRole:
            return self._header_tips.get(self.columns[section][0])
        return None

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        row = self.row_data(index.row())
        if row is None:
            return None
        key = self.columns[index.column()][0]
        if role == Qt.DisplayRole:
            return self._cell(row, key)
        if role == Qt.ToolTipRole and self._tip is not None:
            return self._tip(row, key) or None
        if role == Qt.ForegroundRole and self._brush is not None:
            return self._brush(row, key)
        if role == Qt.TextAlignmentRole:
            return self._aligns.get(key, LEFT)
        if role == Qt.UserRole:
            return row.get("id")
        return None


# --- the lists of the event page --------------------------------------------------------------
ITEM_COLUMNS = (("order", "序号"), ("name", "项目名称"), ("type", "类型"), ("entries", "报名"))


def item_cell(row: dict, key: str) -> str:
    if key == "order":
        return str(row["position"])
    if key == "name":
        return row["name"]
    if key == "type":
        return "团体项目" if row["team_item"] else "个人项目"
    if not row["entries"]:
        return "—"
    return f"{row['entries']} 队" if row["team_item"] else f"{row['entries']} 人"


def items_model(parent=None) -> RowsTableModel:
    return RowsTableModel(ITEM_COLUMNS, item_cell, parent, aligns={"order": CENTER, "type": CENTER, "entries": RIGHT},
                          header_tips={"type": "团体项目只能以队伍报名，个人项目只能按人报名",
                                       "entries": "个人项目为报名人数，团体项目为报名队数"})


TEAM_COLUMNS = (("name", "队名"), ("sub_unit", "所属部门"), ("count", "队员"), ("captain", "队长"),
                ("members", "队员名单"), ("entries", "报名项目"))


def team_cell(row: dict, key: str) -> str:
    if key == "name":
        return row["name"]
    if key == "sub_unit":
        return row["sub_unit_path"] or ""
    if key == "count":
        return f"{len(row['members'])} 人"
    if key == "captain":
        return row["captain_name"] or ""
    if key == "members":
        return "、".join(m["name"] for m in row["members"]) or "—"  # the captain first; see 队长
    return row.get("entered_items") or "未报名"


def team_tip(row: dict, key: str) -> str:
    if key in ("name", "members", "count"):
        return team_tooltip(row["name"], row["members"])
    if key == "entries" and not row.get("entered_items"):
        return "队伍要报名到项目（或整个活动）才计入人次"
    return ""


def team_brush(row: dict, key: str) -> QBrush | None:
    if key == "entries" and not row.get("entered_items"):
        return AMBER
    if key == "captain" and not row["captain_name"]:
        return GREY
    return None


def teams_model(parent=None) -> RowsTableModel:
    return RowsTableModel(TEAM_COLUMNS, team_cell, parent, tip=team_tip, brush=team_brush,
                          aligns={"count": RIGHT})


RESULT_COLUMNS = (("item", "项目"), ("stage", "阶段"), ("rank", "名次"), ("name", "姓名/队名"), ("sub_unit", "部门"),
                  ("grade", "等级"), ("prize", "奖金(元)"), ("upstream", "推荐上级/上级结果"), ("notes", "备注"))


def upstream_text(row: dict) -> str:
    if not row["promoted"]:
        return ""
    parts = [row["upstream_round"] or "已推荐"]
    if row["upstream_result"]:
        parts.append(row["upstream_result"])
    return "：".join(parts)


def result_cell(row: dict, key: str) -> str:
    if key == "item":
        return row["item_name"] or ("（单位奖项）" if row["kind"] == "单位" else WHOLE_EVENT)
    if key == "stage":
        return row["stage"] or "—"
    if key == "rank":
        return f"第{row['rank']}名" if row["rank"] else ""
    if key == "name":
        return row["name"] or ""
    if key == "sub_unit":
        return row["sub_unit_path"] or ""
    if key == "grade":
        return row["grade"] or ""
    if key == "prize":
        return yuan_text(row["prize_fen"]) if row["prize_fen"] else ""
    if key == "upstream":
        return upstream_text(row)
    return row["notes"] or ""


def result_tip(row: dict, key: str) -> str:
    if key == "name" and row["team_members"]:
        return f"{row['name']}：{row['team_members']}"
    if key == "name" and row["kind"] == "单位":
        return f"获奖单位：{row['name']}"
    if key in ("notes", "upstream"):
        return result_cell(row, key)
    return ""


def result_brush(row: dict, key: str) -> QBrush | None:
    if key == "upstream" and row["promoted"]:
        return GREEN
    if key == "item" and not row["item_name"]:
        return GREY
    return None


def results_model(parent=None) -> RowsTableModel:
    return RowsTableModel(RESULT_COLUMNS, result_cell, parent, tip=result_tip, brush=result_brush,
                          aligns={"stage": CENTER, "rank": CENTER, "grade": CENTER, "prize": RIGHT},
                          header_tips={"upstream": "推荐参加上级比赛的，写上级比赛及其结果"})


TEAM_MEMBER_COLUMNS = (("name", "姓名"), ("sub_unit", "部门"), ("captain", "队长"))


def team_member_cell(row: dict, key: str) -> str:
    if key == "name":
        return row["name"]
    if key == "sub_unit":
        return row["sub_unit_path"] or ""
    return "队长" if row["captain"] else ""


def team_members_model(parent=None) -> RowsTableModel:
    return RowsTableModel(TEAM_MEMBER_COLUMNS, team_member_cell, parent, aligns={"captain": CENTER})




__all__ = ["ENTRY_COLUMNS", "ENTRY_WIDTHS", "EntryTableModel", "RowsTableModel", "WHOLE_EVENT",
           "item_cell", "items_model", "members_text", "result_cell", "results_model", "team_cell", "team_members_model",
           "team_tooltip", "teams_model",
           "upstream_text"]
