"""The shapes the report builder and the section modules share.

A report is asked for with a :class:`ReportRequest`: its kind (年度工作总结…), its :class:`ReportPeriod`,
the sections chosen in order, and the :class:`ReportOptions`. Each section is a :class:`SectionSpec`
registered by the module that owns the records (:func:`gonghui_desk.reports.sections.register_section`):
``stats(ctx)`` counts its figures in SQL — one query per figure, every one a :class:`Stat` that says
what it counts, on what base, and which records are behind it — and ``write(ctx, stats)`` turns them into a
:class:`~gonghui_desk.documents.Section` whose paragraphs mark where each figure stands in the text
(:class:`~gonghui_desk.documents.model.Mark`), so the editor can show how a number was computed.

Money in a :class:`Stat` is in 分 (unit "元"); every other value is a count in its measure word
(人/人次/户/件/项/次/场/期/支/个/家). A rate is a stat with a ``base``: its value is the count (in its
unit), ``base`` the count it is divided by, and it is written as a percentage ("73.9%"); its basis says
"立案率＝立案17件÷收到提案23件＝73.9%". Nothing here invents a claim: a section without data has no stats
with a value above zero and is left out by default (DOMAIN.md §3).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

import sqlite_utils

from gonghui_desk.documents import Section, Table
from gonghui_desk.vocabulary import Vocabulary

__all__ = ["REPORT_KINDS", "ReportContext", "ReportOptions", "ReportPeriod", "ReportRequest", "SectionSpec", "Stat"]

# kind key -> the report's name; "care" is the 送温暖 topic report, "proposals" the 提案办理情况报告
REPORT_KINDS = {
    "annual": "年度工作总结",
    "half": "半年工作总结",  # 上半年 or 下半年: the period says which
    "semester": "学期工作总结",
    "term": "工会工作报告",
    "care": "送温暖工作总结",
}


@dataclass(frozen=True)
class ReportPeriod:
    """The days a report covers, both inclusive (ISO dates), and how the report names them."""

    date_from: str
    date_to: str
    label: str  # "2026年", "2026年上半年", "2026—2027学年第一学期", "第五届委员会任期内（2021年12月至2026年11月）"

    @property
    def days(self) -> int:
        return (dt.date.fromisoformat(self.date_to) - dt.date.fromisoformat(self.date_from)).days + 1


@dataclass(frozen=True)
class ReportOptions:
    approximate: bool = False  # 余/多/近/以上 idioms instead of exact figures (money and large counts)
    chinese_numerals: bool = False  # small counts in Chinese numerals (三次, 五项)
    compare: bool = False  # "比上年增加N人次" against the previous period of the same length
    names: bool = True  # "张三、李四等5名" (True) or "5名" (False)
    appendix: bool = False  # statistics tables after the text
    charts: bool = False  # simple charts (by month, by category) in the appendix


@dataclass(frozen=True)
class ReportRequest:
    kind: str  # a key of REPORT_KINDS
    period: ReportPeriod
    sections: tuple[str, ...] = ()  # section keys in the order wanted; () = the default choice and order
    options: ReportOptions = ReportOptions()
    title: str = ""  # '' = "<union name><period label><kind name>"


@dataclass(frozen=True)
class Stat:
    """One figure of a section: what it counts and its value, on what base, from which records."""

    key: str  # unique within the report, e.g. "care.visit_times" (section key as the prefix)
    label: str  # 慰问人次; a headline stat's label reads before its figure: "走访慰问会员" → "走访慰问会员23人次"
    value: int  # a count, or 分 when unit is "元"
    unit: str  # 人 / 人次 / 户 / 件 / 项 / 次 / 场 / 期 / 支 / 个 / 家 / 元
    basis: str = ""  # how it was counted, in words: "2026年1月1日至12月31日登记的慰问，每条记录1人次"
    table: str = ""  # the records behind it (a table name) …
    ids: tuple[int, ...] = ()  # … and their ids (empty when the figure has no list of records)
    base: int = 0  # a rate's base (the stat is value ÷ base, written as a percentage); 0 = not a rate

    @property
    def is_money(self) -> bool:
        return self.unit == "元" and not self.base

    @property
    def is_rate(self) -> bool:
        return self.base > 0


@dataclass
class ReportContext:
    """What a section needs to count and write: the database, the period (and the previous one of the same
    length when comparing), the options, the union's words, and today."""

    db: sqlite_utils.Database
    period: ReportPeriod
    options: ReportOptions
    vocabulary: Vocabulary
    union_name: str
    today: dt.date
    previous: ReportPeriod | None = None  # its label is the comparison's word: "上年", "上半年", "上学期"…
    cache: dict = field(default_factory=dict)  # sections may share work through it (e.g. the women filter)
    kind: str = "annual"  # the report's kind (a key of REPORT_KINDS)
    sections: tuple[str, ...] = ()  # the keys of the sections in the report, in order (when building)


@dataclass(frozen=True)
class SectionSpec:
    """A section a module offers to the report (DOMAIN.md §4 order: ``order``; smaller first).

    ``stats(ctx)`` → the figures (an empty list, or all zero, means "no data": shown empty in the wizard and
    left out by default); ``write(ctx, stats, previous)`` → the section (``previous``: the same stats for
    ``ctx.previous`` when comparing, else None); ``appendix(ctx, stats)`` → tables for the appendix.
    ``free_text`` sections (思想政治学习, 存在的问题和不足, 下一步工作打算) have no stats: their body is short
    prompts for the officer to replace, never invented claims.

    ``headline``: the keys of the stats the report's opening paragraph quotes when the section is in the
    report ("全年……走访慰问会员23人次，发放慰问金1.15万元……"), in the order given; a headline stat of 0 is
    left out. Its :attr:`Stat.label` is written right before its figure, so it reads as a verb phrase
    ("走访慰问会员", "发放慰问金", "举办各类活动"); a label that ends in its unit ("慰问人次") loses the unit.
    """

    key: str
    title: str  # the heading, e.g. "加强民主管理，推进校务公开" (vocabulary-dependent titles: use ``title_for``)
    order: int
    stats: Callable[[ReportContext], list[Stat]]
    write: Callable[[ReportContext, list[Stat], list[Stat] | None], Section]
    appendix: Callable[[ReportContext, list[Stat]], list[Table]] | None = None
    kinds: tuple[str, ...] = ("annual", "half", "semester", "term")  # the report kinds that offer it
    free_text: bool = False
    title_for: Callable[[ReportContext], str] | None = None  # a title that follows the union's words
    headline: tuple[str, ...] = ()  # stat keys quoted in the opening paragraph (see above)

    def heading(self, ctx: ReportContext) -> str:
        return self.title_for(ctx) if self.title_for else self.title
