"""The 帮扶台账 table: a lazy, SQL-backed list of aid payments on :class:`PagedIdTableModel`, read as the care
ledger's (``hardship.aid_ledger.count_aid`` / ``aid_window``, or ``aid_ids`` / ``aid_rows`` for a short list)."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor

from gonghui_desk.hardship import aid_ledger
from gonghui_desk.hardship.aid_ledger import AID_SORTS, AidFilter, aid_ids, aid_rows
from gonghui_desk.members import ON_ROLL_STATUSES
from gonghui_desk.money import yuan_text
from gonghui_desk.db.windows import has_index
from gonghui_desk.ui import ledger_model
from gonghui_desk.ui.ledger_model import RULE_MARK, SIGNED_MARK, LedgerTableModel
from gonghui_desk.ui.paged_model import CENTER, LEFT, RIGHT

AID_COLUMNS: tuple[tuple[str, str], ...] = (
    ("member", "户主"),
    ("sub_unit", "部门"),
    ("aid_type", "帮扶类型"),
    ("student", "学生"),
    ("cash", "金额"),
    ("goods", "物品"),
    ("fund_source", "经费来源"),
    ("stage", "阶段"),
    ("paid_on", "发放日期"),
    ("publicized", "公示"),
    ("signed", "签收"),
    ("rule", "⚠"),
)
_GREY = QBrush(QColor("#7a7a7a"))
_AMBER = QBrush(QColor("#b9770e"))
_GREEN = QBrush(QColor("#2e7d32"))
_BLUE = QBrush(QColor("#1f5fa8"))
CENTERED = {"stage", "paid_on", "publicized", "signed", "rule"}
_KEYS = [key for key, _ in AID_COLUMNS]
_ALIGNMENTS = tuple(CENTER if k in CENTERED else RIGHT if k == "cash" else LEFT for k in _KEYS)


class AidTableModel(LedgerTableModel):
    """The payments matching an :class:`AidFilter`, newest first unless sorted otherwise (the care
    ledger's model with the aid columns, ids and rows)."""

    COLUMNS = AID_COLUMNS
    SORTS = {"member": "member", "sub_unit": "sub_unit", "aid_type": "aid_type", "paid_on": "paid_on",
             "cash": "money"}
    assert set(SORTS.values()) <= set(AID_SORTS)
    HEADER_TIPS = {"cash": "帮扶金额，单位：元", "goods": "帮扶物资及折合金额（元）",
                   "student": "金秋助学的受助学生", "paid_on": "未发放的显示申请日期（灰色）",
                   "publicized": "公示日期", "signed": "✓ 表示受助人已签收",
                   "rule": "⚠ 表示登记或发放时有提醒（如档案不在档、重复资助），鼠标停在上面可看原因"}

    def __init__(self, db, parent=None, *, aid_filter: AidFilter | None = None, query: bool = True, **kwargs):
        """``query=False`` starts empty: the first :meth:`set_filter` or :meth:`refresh` reads the rows."""
        kwargs.setdefault("order", "paid_on")
        super().__init__(db, parent, ledger_filter=aid_filter or AidFilter(), query=query, **kwargs)

    aid_filter = LedgerTableModel.ledger_filter  # the filter and set_filter are the care ledger's

    def _windows(self) -> bool:
        return has_index(self.db, aid_ledger.DAY_INDEX)

    def _matching(self):
        return aid_ledger.matching_people(self.db, self._filter)

    def _count_rows(self, people) -> tuple[int, list[int] | None]:
        return aid_ledger.count_aid(self.db, self._filter, people=people, limit=ledger_model.SMALL_LIST)

    def _order_ids(self, ids: list[int], order: str, descending: bool) -> list[int]:
        return aid_ledger.order_aid_ids(self.db, ids, order=order, descending=descending)

    def _small_ids(self, order: str, descending: bool) -> list[int]:
        return aid_ids(self.db, self._filter, order=order, descending=descending)

    def window(self, order: str, descending: bool):
        return aid_ledger.aid_window(self.db, self._filter, order=order, descending=descending,
                                     people=self._counted[1])

    def fetch_rows(self, ids: list[int]) -> dict[int, dict]:
        return aid_rows(self.db, ids)

    def payment_id(self, row: int) -> int | None:
        return self.row_id(row)

    def prepare(self, row: dict) -> tuple[tuple, tuple, tuple, tuple]:
        texts, tips, brushes = {}, {}, {}
        texts["member"] = row["member_name"]
        status = row.get("member_status") or ""
        if status and status not in ON_ROLL_STATUSES:
            brushes["member"] = _GREY
            tips["member"] = f"现状态：{status}"
        if row.get("file_status") and row["file_status"] != "在档":
            tips["member"] = "；".join(t for t in (tips.get("member"), f"档案：{row['file_status']}") if t)
        texts["sub_unit"] = row.get("sub_unit_path") or ""
        tips["sub_unit"] = texts["sub_unit"]
        texts["aid_type"] = row["aid_type"]
        if row.get("student_name"):
            texts["student"] = row["student_name"]
            tips["student"] = "；".join(str(p) for p in (row.get("student_relation"), row.get("school"),
                                                          row.get("admission_year") and f"{row['admission_year']}年入学",
                                                          row.get("schooling_years") and f"学制{row['schooling_years']}年")
                                        if p)
        texts["cash"] = yuan_text(row.get("cash_fen")) if row.get("cash_fen") else ""
        goods = row.get("goods_desc") or ""
        if row.get("goods_value_fen"):
            goods += f"（{yuan_text(row['goods_value_fen'])}元）"
        texts["goods"] = goods
        tips["goods"] = goods
        texts["fund_source"] = row.get("fund_source") or ""
        stage = row["stage"]
        texts["stage"] = stage
        if stage != "发放":
            brushes["stage"] = _AMBER if stage == "申请" else _BLUE
        tips["stage"] = "；".join(t for t in (
            f"申请：{row['applied_on']} {row.get('applied_by') or ''}".strip(),
            row.get("approved_on") and f"审核：{row['approved_on']} {row.get('approved_by') or ''}".strip(),
            row.get("paid_on") and f"发放：{row['paid_on']} {row.get('paid_by') or ''}".strip()) if t)
        if row.get("paid_on"):
            texts["paid_on"] = row["paid_on"]
        else:
            texts["paid_on"] = row.get("applied_on") or ""
            brushes["paid_on"] = _GREY
            tips["paid_on"] = f"尚未发放；申请日期 {row.get('applied_on') or ''}"
        texts["publicized"] = row.get("publicized_on") or ""
        texts["signed"] = SIGNED_MARK if row.get("signed") else ""
        brushes["signed"] = _GREEN
        if row.get("rule_warnings"):
            texts["rule"] = RULE_MARK
            brushes["rule"] = _AMBER
            tips["rule"] = f"提醒：{row['rule_warnings']}\n原因：{row.get('override_reason') or '（未填）'}"
        if row.get("notes"):
            tips["member"] = "；".join(t for t in (tips.get("member"), f"备注：{row['notes']}") if t)
        return (tuple(texts.get(k, "") for k in _KEYS), tuple(tips.get(k, "") for k in _KEYS),
                tuple(brushes.get(k) for k in _KEYS), _ALIGNMENTS)


__all__ = ["AID_COLUMNS", "AidTableModel"]
