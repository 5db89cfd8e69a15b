"""The 慰问台账 table: a lazy, SQL-backed list of visits on :class:`PagedIdTableModel`: a window
(``care.ledger.count_ledger`` / ``ledger_window``) read a page at a time by position, or for up to
:data:`SMALL_LIST` visits their ordered ids (``ledger_ids`` / ``ledger_rows``)."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor

from gonghui_desk.care import ledger
from gonghui_desk.care.ledger import LEDGER_SORTS, LedgerFilter, ledger_ids, ledger_rows
from gonghui_desk.db.windows import has_index
from gonghui_desk.members import ON_ROLL_STATUSES
from gonghui_desk.money import yuan_text
from gonghui_desk.ui.paged_model import (CENTER, LEFT, RIGHT, ROW_ID_ROLE, FilteredTableModel, PagedIdTableModel,
                                          Window)

# (key, header) of the ledger's columns.
LEDGER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("member", "会员"),
    ("sub_unit", "部门"),
    ("occasion", "慰问类别"),
    ("recipient", "慰问对象"),
    ("event_date", "事由日期"),
    ("visit_date", "走访日期"),
    ("visitors", "走访人员"),
    ("cash", "慰问金"),
    ("goods", "慰问品"),
    ("payment_form", "发放形式"),
    ("fund_source", "经费来源"),
    ("signed", "签收"),
    ("rule", "超标"),
)
PENDING_TEXT = "待走访"
SIGNED_MARK = "✓"
RULE_MARK = "⚠"
_GREY = QBrush(QColor("#7a7a7a"))
_AMBER = QBrush(QColor("#b9770e"))
_GREEN = QBrush(QColor("#2e7d32"))
CENTERED = {"event_date", "visit_date", "signed", "rule", "payment_form"}
SMALL_LIST = 5000  # at most this many rows: their ordered ids (found by the filter's own index, then sorted)


class LedgerTableModel(FilteredTableModel):
    """The visits matching a :class:`LedgerFilter`, newest first unless sorted otherwise."""

    COLUMNS = LEDGER_COLUMNS
    SORTS = {"member": "member", "sub_unit": "sub_unit", "occasion": "occasion", "visit_date": "visit_date",
             "cash": "money"}
    assert set(SORTS.values()) <= set(LEDGER_SORTS)
    HEADER_TIPS = {"cash": "慰问金，单位：元", "goods": "慰问品及折合金额（元）", "signed": "✓ 表示受慰问人已签收",
                   "rule": "⚠ 表示保存时超出慰问标准，鼠标停在上面可看原因", "visit_date": "“待走访”：已登记事由，尚未走访"}

    def __init__(self, db, parent=None, *, ledger_filter: LedgerFilter | None = None, query: bool = True, **kwargs):
        """``query=False`` starts empty: the first :meth:`set_filter` or :meth:`refresh` reads the rows."""
        kwargs.setdefault("order", "visit_date")
        kwargs.setdefault("descending", True)
        super().__init__(db, ledger_filter or LedgerFilter(), parent, query=query, **kwargs)

    @property
    def ledger_filter(self) -> LedgerFilter:
        return self._filter

    _counted = None  # (filter, the people it lets through, its count): a sort reuses them

    def requery(self) -> None:
        self._counted = None  # a new filter, or the rows changed: count again (a sort keeps the count)
        super().requery()

    def fetch_ids(self, order: str, descending: bool) -> list[int] | int:
        """The number of matching rows (a window), or for up to :data:`SMALL_LIST` their ordered ids."""
        f = self._filter
        if self._counted is None or self._counted[0] != f:
            people = self._matching()
            self._counted = (f, people, *self._count_rows(people))
        _, _, count, ids = self._counted
        if count > SMALL_LIST and self._windows():
            return count
        if ids is not None:
            return self._order_ids(ids, order, descending)
        return self._small_ids(order, descending)

    # the core module's functions (the aid ledger's model gives its own)
    def _windows(self) -> bool:
        """Whether the database has the index the window's default order walks (else ordered ids, as before)."""
        return has_index(self.db, ledger.DAY_INDEX)

    def _matching(self):
        """The members the filter's search and departments let through (found once for every page)."""
        return ledger.matching_member_ids(self.db, self._filter)

    def _count_rows(self, people) -> tuple[int, list[int] | None]:
        return ledger.count_ledger(self.db, self._filter, member_ids=people, limit=SMALL_LIST)

    def _order_ids(self, ids: list[int], order: str, descending: bool) -> list[int]:
        return ledger.order_ledger_ids(self.db, ids, order=order, descending=descending)

    def _small_ids(self, order: str, descending: bool) -> list[int]:
        return ledger_ids(self.db, self._filter, order=order, descending=descending)

    def window(self, order: str, descending: bool) -> Window:
        return ledger.ledger_window(self.db, self._filter, order=order, descending=descending,
                                    member_ids=self._counted[1])

    def fetch_rows(self, ids: list[int]) -> dict[int, dict]:
        return ledger_rows(self.db, ids)

    def visit_id(self, row: int) -> int | None:
        return self.row_id(row)

    def prepare(self, row: dict) -> tuple[tuple, tuple, tuple, tuple]:
        texts, tips, brushes = {}, {}, {}
        status = row.get("member_status") or ""
        texts["member"] = row["member_name"]
        if row.get("member_voided"):
            brushes["member"] = _GREY
            tips["member"] = "该会员记录已作废"
        elif status and status not in ON_ROLL_STATUSES:
            brushes["member"] = _GREY
            tips["member"] = f"现状态：{status}"
        elif status == "退休":
            tips["member"] = "退休会员"
        texts["sub_unit"] = row.get("sub_unit_path") or ""
        tips["sub_unit"] = texts["sub_unit"]
        texts["occasion"] = row["occasion_name"]
        if row.get("campaign_name"):
            tips["occasion"] = f"批量慰问：{row['campaign_name']}"
        relation = row.get("recipient_relation") or "本人"
        texts["recipient"] = relation if relation == "本人" else f"{relation} {row.get('recipient_name') or ''}".strip()
        texts["event_date"] = row.get("event_date") or ""
        if row.get("visit_date"):
            texts["visit_date"] = row["visit_date"]
        else:
            texts["visit_date"] = PENDING_TEXT
            brushes["visit_date"] = _AMBER
            tips["visit_date"] = "已登记事由，尚未走访"
        visitors = row.get("visitors") or ""
        texts["visitors"] = visitors + ("（党政领导参加）" if row.get("leader_went") else "")
        tips["visitors"] = texts["visitors"]
        texts["cash"] = yuan_text(row.get("cash_fen")) if row.get("cash_fen") else ""
        goods = row.get("goods_desc") or ""
        if row.get("goods_value_fen"):
            goods += f"（{yuan_text(row['goods_value_fen'])}元）"
        texts["goods"] = goods
        tips["goods"] = goods
        texts["payment_form"] = row.get("payment_form") or ""
        texts["fund_source"] = row.get("fund_source") or ""
        texts["signed"] = SIGNED_MARK if row.get("signed") else ""
        brushes["signed"] = _GREEN
        if row.get("rule_warnings"):
            texts["rule"] = RULE_MARK
            brushes["rule"] = _AMBER
            tips["rule"] = f"保存时的提醒：{row['rule_warnings']}\n原因：{row.get('override_reason') or '（未填）'}"
        else:
            texts["rule"] = ""
        if row.get("notes"):
            tips["member"] = "；".join(t for t in (tips.get("member"), f"备注：{row['notes']}") if t)
        keys = [key for key, _ in LEDGER_COLUMNS]
        alignments = tuple(CENTER if k in CENTERED else RIGHT if k == "cash" else LEFT for k in keys)
        return (tuple(texts.get(k, "") for k in keys), tuple(tips.get(k, "") for k in keys),
                tuple(brushes.get(k) for k in keys), alignments)


__all__ = ["PagedIdTableModel", "LedgerTableModel", "LEDGER_COLUMNS", "ROW_ID_ROLE", "PENDING_TEXT",
           "SIGNED_MARK", "RULE_MARK"]
