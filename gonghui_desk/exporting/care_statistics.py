"""The 送温暖/慰问金发放统计表 (DOMAIN.md §5): the money paid out to members in a period, by occasion and
fund source, with 户数, 人次 and 金额, as a printable .xlsx through :func:`~gonghui_desk.exporting.xlsx.write_table`.

Two blocks, then the grand total and the total by fund source:

* 走访慰问 — the care visits (:mod:`gonghui_desk.care.ledger`) made in the period, by their visit date: events
  not yet visited (待走访) and voided visits do not count; visits recorded by a campaign (春节送温暖, 送清凉…)
  count under the campaign's 慰问类别. One row per 慰问类别 and 经费来源; a 慰问类别 paid from several
  sources gets a 小计 row. 户数 = distinct members (a visit to a relative counts in the member's household).
* 困难帮扶 — the aid payments (:mod:`gonghui_desk.hardship.aid_ledger`) paid (发放) in the period, by their
  payment date: applications being approved and voided payments do not count. One row per 帮扶类型 and
  资金来源, with a 小计 per type paid from several sources. 户数 = households as the aid ledger counts them
  (a reopened file is the same household).

人次 = records (one person visited three times is 3 人次); 金额 = cash plus goods at their value, stored in 分
and written in 元. 户数 is never summed: every 小计/合计 row counts its households once, so it can be less than
the sum of the rows above it. The blocks' totals are the ledgers' own totals
(:func:`~gonghui_desk.care.ledger.ledger_totals`, :func:`~gonghui_desk.hardship.aid_ledger.aid_totals`), so the
form agrees with the 慰问台账 and 帮扶台账 of the same period. Everything is counted in SQL (GROUP BY), so the
form costs the same for 100 members or 100,000. No Qt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from gonghui_desk.care.ledger import LedgerFilter, ledger_totals
from gonghui_desk.care.ledger import where_clause as visit_where
from gonghui_desk.exporting.member_roster import SEQUENCE_COLUMN
from gonghui_desk.exporting.xlsx import Column, write_table
from gonghui_desk.hardship.aid_ledger import _HOUSEHOLD_SQL, _HOUSEHOLDS_CTE, PAID, AidFilter, aid_totals
from gonghui_desk.hardship.aid_ledger import where_clause as aid_where
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel
from gonghui_desk.money import yuan_text
from gonghui_desk.union import load_profile

__all__ = ["CARE_STATISTICS_COLUMNS", "CARE_STATISTICS_TITLE", "CareStatistics", "StatisticsRow",
           "care_statistics", "export_care_statistics", "statistics_notes"]

CARE_STATISTICS_TITLE = "送温暖/慰问金发放统计表"
VISITS, AID = "走访慰问", "困难帮扶"
NO_SOURCE = "未注明"

CARE_STATISTICS_COLUMNS: tuple[Column, ...] = (
    SEQUENCE_COLUMN,
    Column("block", "项目", 10),
    Column("category", "慰问类别/帮扶类型", 16),
    Column("source", "经费来源", 16),
    Column("households", "户数", 8, "int"),
    Column("times", "人次", 8, "int"),
    Column("cash_fen", "现金(元)", 13, "money"),
    Column("goods_fen", "物资折合(元)", 13, "money"),
    Column("total_fen", "金额合计(元)", 14, "money"),
)


@dataclass
class StatisticsRow:
    """One line of the form; a 小计/合计/总计 line (``is_total``) carries no number (``seq`` 0)."""

    block: str
    category: str
    source: str
    households: int
    times: int
    cash_fen: int
    goods_fen: int
    is_total: bool = False
    seq: int = 0

    @property
    def total_fen(self) -> int:
        return self.cash_fen + self.goods_fen

    def as_record(self) -> dict:
        return {"seq": self.seq or None, "block": self.block, "category": self.category, "source": self.source,
                "households": self.households, "times": self.times, "cash_fen": self.cash_fen,
                "goods_fen": self.goods_fen, "total_fen": self.total_fen}


@dataclass
class CareStatistics:
    rows: list[StatisticsRow]  # every line in order, 小计/合计 lines included
    visits_total: StatisticsRow
    aid_total: StatisticsRow
    grand_total: StatisticsRow
    by_source: list[StatisticsRow]
    pending_visits: int  # 待走访 events dated (event date) in the period, not counted
    pending_aid: int  # aid applications of the period (application date) not paid yet, not counted


def _iso(day: dt.date | str) -> str:
    return day if isinstance(day, str) else day.isoformat()


def _source_order(sources: dict[str, int]) -> list[str]:
    """The most money first, the unnamed source last."""
    return sorted(sources, key=lambda s: (s == "", -sources[s], s))


class _Counter:
    """The period's visits and paid aid as SQL pieces: each block's WHERE clause, and the households of any
    part of either block."""

    def __init__(self, db: sqlite_utils.Database, date_from: str, date_to: str):
        self.db = db
        self.visit_filter = LedgerFilter(date_from=date_from, date_to=date_to, pending=False)
        self.aid_filter = AidFilter(date_from=date_from, date_to=date_to)
        self.visit_where, self.visit_params = visit_where(self.visit_filter)
        where, self.aid_params = aid_where(self.aid_filter)
        self.aid_where = f"{where} AND {PAID}"

    def visit_groups(self, column: str) -> list[tuple]:
        """(key, 户, 人次, cash, goods) of the visits grouped by ``column``."""
        return self.db.execute(
            f"""SELECT {column}, count(DISTINCT v.member_id), count(*), coalesce(sum(v.cash_fen), 0),
                       coalesce(sum(v.goods_value_fen), 0)
                FROM visits v WHERE {self.visit_where} GROUP BY 1""", self.visit_params).fetchall()

    def aid_groups(self, column: str) -> list[tuple]:
        """(key, 户, 人次, cash, goods) of the paid aid grouped by ``column``."""
        return self.db.execute(
            f"""{_HOUSEHOLDS_CTE}
                SELECT {column}, count(DISTINCT {_HOUSEHOLD_SQL}), count(*), coalesce(sum(a.cash_fen), 0),
                       coalesce(sum(a.goods_value_fen), 0)
                FROM aid_payments a LEFT JOIN chain h ON h.file_id = a.file_id
                WHERE {self.aid_where} GROUP BY 1""", self.aid_params).fetchall()

    def households(self, fund_source: str | None = None) -> int:
        """Distinct households of both blocks together (optionally of one fund source): a member visited and
        aided is one household."""
        visit_extra = aid_extra = ""
        visit_params, aid_params = list(self.visit_params), list(self.aid_params)
        if fund_source is not None:
            visit_extra, aid_extra = " AND v.fund_source = ?", " AND a.fund_source = ?"
            visit_params.append(fund_source)
            aid_params.append(fund_source)
        return self.db.execute(
            f"""{_HOUSEHOLDS_CTE}
                SELECT count(DISTINCT household) FROM (
                    SELECT v.member_id AS household FROM visits v WHERE {self.visit_where}{visit_extra}
                    UNION ALL
                    SELECT {_HOUSEHOLD_SQL} FROM aid_payments a LEFT JOIN chain h ON h.file_id = a.file_id
                    WHERE {self.aid_where}{aid_extra})""", visit_params + aid_params).fetchone()[0]


def _block_rows(block: str, cells: list[tuple], subtotals: dict, category_order: list,
                names: dict) -> list[StatisticsRow]:
    """The lines of one block: each (category, source) cell, and a 小计 after a category of several sources."""
    by_category: dict = {}
    for category, source, households, times, cash, goods in cells:
        by_category.setdefault(category, {})[source] = (households, times, cash, goods)
    rows = []
    for category in category_order:
        sources = by_category.get(category)
        if not sources:
            continue
        for source in _source_order({s: v[2] + v[3] for s, v in sources.items()}):
            rows.append(StatisticsRow(block, names.get(category, category), source or NO_SOURCE, *sources[source]))
        if len(sources) > 1:
            rows.append(StatisticsRow(block, f"{names.get(category, category)}小计", "", *subtotals[category], True))
    return rows


def care_statistics(db: sqlite_utils.Database, date_from: dt.date | str, date_to: dt.date | str, *,
                    is_cancelled: IsCancelled | None = None) -> CareStatistics:
    """The form's lines for the period (both days inclusive); see the module text for what counts."""
    date_from, date_to = _iso(date_from), _iso(date_to)
    counter = _Counter(db, date_from, date_to)
    # 走访慰问: 慰问类别 in the settings' order (voided ones too, when visits still use them)
    occasions = db.execute("SELECT id, name FROM care_occasions ORDER BY sort_order, id").fetchall()
    names = dict(occasions)
    visit_cells = []
    for key, households, times, cash, goods in counter.visit_groups("v.occasion_id || char(31) || v.fund_source"):
        occasion_id, _, source = key.partition("\x1f")
        visit_cells.append((int(occasion_id), source, households, times, cash, goods))
    visit_subtotals = {key: tuple(rest) for key, *rest in counter.visit_groups("v.occasion_id")}
    check_cancel(is_cancelled)
    rows = _block_rows(VISITS, visit_cells, visit_subtotals, [o[0] for o in occasions], names)
    ledger = ledger_totals(db, counter.visit_filter)
    visits_total = StatisticsRow(VISITS, "合计", "", ledger.members, ledger.visits, ledger.cash_fen, ledger.goods_fen,
                                 True)
    rows.append(visits_total)

    # 困难帮扶: 帮扶类型 by money, the most first
    aid_cells = []
    for key, households, times, cash, goods in counter.aid_groups("a.aid_type || char(31) || a.fund_source"):
        aid_type, _, source = key.partition("\x1f")
        aid_cells.append((aid_type, source, households, times, cash, goods))
    aid_subtotals = {key: tuple(rest) for key, *rest in counter.aid_groups("a.aid_type")}
    type_order = sorted(aid_subtotals, key=lambda t: (-(aid_subtotals[t][2] + aid_subtotals[t][3]), t))
    check_cancel(is_cancelled)
    rows += _block_rows(AID, aid_cells, aid_subtotals, type_order, {})
    aid = aid_totals(db, counter.aid_filter)
    aid_total = StatisticsRow(AID, "合计", "", aid.households, aid.payments, aid.cash_fen, aid.goods_fen, True)
    rows.append(aid_total)

    grand = StatisticsRow("总计", "", "", counter.households(), visits_total.times + aid_total.times,
                          visits_total.cash_fen + aid_total.cash_fen, visits_total.goods_fen + aid_total.goods_fen,
                          True)
    rows.append(grand)
    # the grand total by fund source, both blocks together
    money: dict[str, list[int]] = {}
    for groups in (counter.visit_groups("v.fund_source"), counter.aid_groups("a.fund_source")):
        for source, _households, times, cash, goods in groups:
            entry = money.setdefault(source, [0, 0, 0])
            entry[0] += times
            entry[1] += cash
            entry[2] += goods
    by_source = [StatisticsRow("其中", "按经费来源", source or NO_SOURCE, counter.households(source), *money[source],
                               True) for source in _source_order({s: v[1] + v[2] for s, v in money.items()})]
    if len(by_source) > 1 or (by_source and by_source[0].source != NO_SOURCE):
        rows += by_source
    check_cancel(is_cancelled)
    for seq, row in enumerate((r for r in rows if not r.is_total), 1):
        row.seq = seq
    # what is left out: events dated in the period not visited yet, applications of the period not paid yet
    pending_visits = ledger_totals(db, LedgerFilter(date_from=date_from, date_to=date_to, pending=True)).pending
    pending_aid = db.execute("SELECT count(*) FROM aid_payments WHERE voided_at IS NULL AND stage <> '发放' "
                             "AND applied_on BETWEEN ? AND ?", [date_from, date_to]).fetchone()[0]
    return CareStatistics(rows, visits_total, aid_total, grand, by_source, pending_visits, pending_aid)


def statistics_notes(stats: CareStatistics) -> list[str]:
    """The lines under the table: what counts, and what was left out."""
    lines = [f"合计：发放 {stats.grand_total.times} 人次，涉及 {stats.grand_total.households} 户，"
             f"金额 {_yuan(stats.grand_total.total_fen)} 元（走访慰问 {stats.visits_total.times} 人次 "
             f"{_yuan(stats.visits_total.total_fen)} 元，困难帮扶 {stats.aid_total.times} 人次 "
             f"{_yuan(stats.aid_total.total_fen)} 元）。",
             "说明：走访慰问按走访日期统计已走访的记录，户数按会员计（慰问其亲属计入该会员户）；困难帮扶按发放日期统计"
             "已发放的记录，户数按困难职工家庭计（重新建档前后计1户）；每条记录计1人次；金额含现金和物资折合；"
             "小计、合计行的户数不重复计算，可能少于各行之和。"]
    left = [f"待走访 {stats.pending_visits} 人次" if stats.pending_visits else "",
            f"申请或审核中的帮扶 {stats.pending_aid} 条" if stats.pending_aid else ""]
    left = [text for text in left if text]
    if left:
        lines.append(f"注：另有{'、'.join(left)}，未计入本表。作废的记录不计。")
    return lines


def _yuan(fen: int) -> str:
    return yuan_text(fen) or "0"


def export_care_statistics(db: sqlite_utils.Database, path: str | Path, date_from: dt.date | str,
                           date_to: dt.date | str, *, subtitle: str = "", prepared_by: str = "",
                           today: dt.date | None = None, progress: Progress | None = None,
                           is_cancelled: IsCancelled | None = None) -> int:
    """Write the 送温暖/慰问金发放统计表 of the period to ``path``; returns the number of lines written."""
    stats = care_statistics(db, date_from, date_to, is_cancelled=is_cancelled)
    return write_table(
        path, title=CARE_STATISTICS_TITLE, union_name=load_profile(db).name, today=today,
        subtitle=subtitle or f"统计期间：{_iso(date_from)} 至 {_iso(date_to)}", columns=CARE_STATISTICS_COLUMNS,
        rows=[row.as_record() for row in stats.rows], total_lines=statistics_notes(stats), prepared_by=prepared_by,
        progress=progress, is_cancelled=is_cancelled, total=len(stats.rows))
