"""The care visits in the summary reports: the section 帮扶与送温暖 of the year-end (half-year, semester,
term) report, and the 走访慰问, 集中慰问 and 资金使用 sections of the 送温暖工作总结 (report kind "care").

The section "care" (order 40) is shared: it is made of :class:`CarePart` objects that the modules owning
the records register here. This module registers the visits part (走访慰问 and 集中慰问: visits and
campaigns); :mod:`gonghui_desk.hardship.report_sections` registers the hardship part (困难职工档案, 帮扶 and
金秋助学). The section's figures are the parts' figures, its text the parts' subsections in order (one part
with data: its paragraphs straight under the heading; more: a subsection each), its appendix the parts'
tables. The topic report's 资金使用情况 section is shared the same way (:attr:`CarePart.funds_stats`).

How visits count (the rules of the 慰问台账, :mod:`gonghui_desk.care.ledger`): the visits made in the period
by their visit date; events not yet visited (待走访) and voided visits are left out. 人次 = records; 人 =
distinct persons (a relative is a person of their own); money = 慰问金 (cash) and 慰问品 (goods at their
value), in 分. Visits recorded by a campaign (送温暖, 送清凉, 中秋…) are 集中慰问 and are counted by
campaign; the others (日常走访) by occasion, so the occasions and the campaigns add up to the total.

Privacy (DOMAIN.md §7): members are named only with ``options.names``, only for happy or public occasions
(退休, 结婚, 生育) and only when there are few of them; illnesses, deaths, hardship and campaign recipients
are never named.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Callable

from gonghui_desk.care.ledger import LedgerTotals
from gonghui_desk.care.occasions import list_occasions
from gonghui_desk.care.providers import occasion_phrase
from gonghui_desk.documents import ChartSpec, Paragraph, Section, Table
from gonghui_desk.documents.wording import date_text, is_complete, percent_text
from gonghui_desk.money import yuan_text
from gonghui_desk.reports.model import ReportContext, SectionSpec, Stat
from gonghui_desk.reports.periods import period_words
from gonghui_desk.reports.sections import register_section
from gonghui_desk.reports.text import MarkedText, count_phrase, money_text

__all__ = ["CarePart", "StatView", "add_change", "care_parts", "compare_label", "funds_sentence", "money_clause",
           "money_texts", "opener", "period_span", "period_word", "register_care_part", "stock_date", "visit_figures"]

SECTION_KEY = "care"
TOPIC = ("care",)  # the 送温暖工作总结
NAMEABLE = ("退休", "结婚", "生育")  # occasions whose members may be named (with options.names, and few)
NAMES_UP_TO = 5  # name the members of an occasion only when at most this many
CAMPAIGNS_LISTED = 6  # campaigns listed one by one in a paragraph; more are summed up with 等


# --- shared by the care parts (hardship.report_sections uses these too) -------------------------------
class StatView:
    """The stats of a list under one key prefix: ``view["times"]`` is the stat ``<prefix>.times``."""

    def __init__(self, stats: list[Stat] | None, prefix: str):
        self.prefix = prefix
        self._stats = {s.key: s for s in stats or ()}

    def get(self, name: str) -> Stat | None:
        return self._stats.get(f"{self.prefix}.{name}")

    def __getitem__(self, name: str) -> Stat:
        stat = self.get(name)
        if stat is None:
            raise KeyError(f"{self.prefix}.{name}")
        return stat

    def value(self, name: str) -> int:
        stat = self.get(name)
        return stat.value if stat else 0


def period_span(ctx: ReportContext) -> str:
    """"2026年1月1日至2026年12月31日" (the words of a basis)."""
    return f"{date_text(ctx.period.date_from)}至{date_text(ctx.period.date_to)}"


def period_word(ctx: ReportContext) -> str:
    """How the text names the period after its first mention: 全年, 上半年, 本学期, 任期内, 这一时期."""
    return period_words(ctx.period, ctx.kind)


def opener(ctx: ReportContext) -> str:
    """The first words of a section: the period's label when short ("2026年"), else :func:`period_word`."""
    label = ctx.period.label
    return label if label and len(label) <= 12 and ctx.kind != "term" else period_word(ctx)


def stock_date(ctx: ReportContext) -> str:
    """The day a stock figure (files on record) is counted on: the period's end, or today if earlier."""
    return min(ctx.period.date_to, ctx.today.isoformat())


def compare_label(ctx: ReportContext, *, stock: bool = False) -> str:
    """"上年" (or the previous period's label); "上年末" for a figure counted on a day."""
    label = ctx.previous.label if ctx.previous is not None and ctx.previous.label else "上年"
    return f"{label}末" if stock and not label.endswith("末") else label


def add_change(text: MarkedText, ctx: ReportContext, stat: Stat, previous: StatView | None, name: str, *,
               lead: str = "，", stock: bool = False) -> None:
    """", 比上年增加N人次" after a figure when comparing (a figure absent last period was 0 then)."""
    if previous is None:
        return
    before = previous.get(name) or replace(stat, value=0, ids=())
    text.add(lead).change(stat, before, compare_label(ctx, stock=stock))


def money_texts(options, *amounts: int) -> list[str]:
    """The amounts (分) as :func:`money_text` writes them — but all in 元 when, exact, one of them from 1万元
    on cannot be written in 万元, so a sentence never mixes "1.58万元" and "25690元"."""
    if not options.approximate and any(a >= 1_000_000 and a % 10_000 for a in amounts):
        return [_yuan_only(a) for a in amounts]
    return [money_text(a, options) for a in amounts]


def _yuan_only(fen: int) -> str:
    yuan, cents = divmod(fen, 100)
    return f"{yuan}元" if not cents else f"{yuan}.{cents:02d}".rstrip("0") + "元"


def money_clause(text: MarkedText, cash: Stat | None, goods: Stat | None, *, cash_word: str = "慰问金",
                 goods_word: str = "慰问品", lead: str = "，", total: Stat | None = None) -> bool:
    """", 发放慰问金X、慰问品折合Y(，合计Z)" (the parts above 0; the total only with both); False when both
    are 0. The amounts share one unit (:func:`money_texts`)."""
    has_cash = bool(cash and cash.value)
    has_goods = bool(goods and goods.value)
    if not has_cash and not has_goods:
        return False
    with_total = has_cash and has_goods and total is not None and total.value
    cash_text, goods_text, total_text = money_texts(text.options, cash.value if has_cash else 0,
                                                    goods.value if has_goods else 0,
                                                    total.value if with_total else 0)
    text.add(lead)
    if has_cash:
        text.add(f"发放{cash_word}").figure(cash, cash_text)
        if has_goods:
            text.add(f"、{goods_word}折合").figure(goods, goods_text)
            if with_total:
                text.add("，合计").figure(total, total_text)
    else:
        text.add(f"送去{goods_word}折合").figure(goods, goods_text)
    return True


def _slug(value: str) -> str:
    """A value inside a stat key: "care.visits.source[本级工会经费].money"; '' reads as "-"."""
    return value.replace("[", "(").replace("]", ")") or "-"


# --- the parts of the shared section ---------------------------------------------------------------
StatsFn = Callable[[ReportContext, str], list[Stat]]


@dataclass(frozen=True)
class CarePart:
    """One module's share of the section 帮扶与送温暖 (and of the 送温暖 report's 资金使用情况).

    ``stats(ctx, prefix)``: the part's figures, their keys under ``prefix`` ("care"); ``sections(ctx, stats,
    previous, prefix)``: its subsections in order (a subsection without paragraphs is left out);
    ``appendix(ctx, stats, prefix)``: its tables. For the 送温暖 report's 资金使用情况: ``funds_stats(ctx,
    prefix)``: the part's money (``<prefix>.money``) and its money by fund source; ``funds_text(ctx, stats,
    previous, prefix)``: a clause on them (None without money); ``funds_tables(ctx, stats, prefix)``.
    """

    key: str
    order: int
    stats: StatsFn
    sections: Callable[[ReportContext, list[Stat], list[Stat] | None, str], list[Section]]
    appendix: Callable[[ReportContext, list[Stat], str], list[Table]] | None = None
    funds_stats: StatsFn | None = None
    funds_text: Callable[[ReportContext, list[Stat], list[Stat] | None, str], MarkedText | None] | None = None
    funds_tables: Callable[[ReportContext, list[Stat], str], list[Table]] | None = None


_PARTS: dict[str, CarePart] = {}


def register_care_part(part: CarePart) -> CarePart:
    if part.key in _PARTS and _PARTS[part.key] is not part:
        raise ValueError(f"care report part {part.key!r} registered twice")
    _PARTS[part.key] = part
    return part


def care_parts() -> list[CarePart]:
    return sorted(_PARTS.values(), key=lambda p: (p.order, p.key))


def _care_stats(ctx: ReportContext) -> list[Stat]:
    return [stat for part in care_parts() for stat in part.stats(ctx, SECTION_KEY)]


def _care_title(ctx: ReportContext) -> str:
    return f"关爱{ctx.vocabulary.staff}生活，做好帮扶送温暖工作"


def _care_write(ctx: ReportContext, stats: list[Stat], previous: list[Stat] | None) -> Section:
    subsections = [s for part in care_parts() for s in part.sections(ctx, stats, previous, SECTION_KEY)
                   if s.has_body()]
    section = Section(_care_title(ctx))
    if len(subsections) == 1:  # one part with data: no lone "（一）"
        section.blocks.extend(subsections[0].blocks)
    else:
        section.children.extend(subsections)
    return section


def _care_appendix(ctx: ReportContext, stats: list[Stat]) -> list[Table]:
    return [table for part in care_parts() if part.appendix for table in part.appendix(ctx, stats, SECTION_KEY)]


CARE_SECTION = register_section(SectionSpec(
    key=SECTION_KEY, title="帮扶与送温暖", order=40, stats=_care_stats, write=_care_write, appendix=_care_appendix,
    title_for=_care_title,
    headline=("care.visits.times", "care.visits.money", "care.aid.households", "care.aid.money")))


# --- the visits' figures ------------------------------------------------------------------------------
@dataclass
class Group:
    """The visits of one occasion, campaign, month or fund source."""

    key: str  # occasion id, campaign id, "2026-01", or the fund source
    name: str  # what the text calls it
    times: int = 0
    persons: int = 0
    cash: int = 0
    goods: int = 0
    signed: int = 0
    own: int = 0  # visits to the member (本人), not to a relative
    ids: list[int] = field(default_factory=list)
    signed_ids: list[int] = field(default_factory=list)
    must_visit: bool = False
    day: str = ""  # a campaign's date


@dataclass
class VisitFigures:
    totals: LedgerTotals
    ids: list[int]
    leader_ids: list[int]
    occasions: list[Group]  # 日常走访 (visits outside campaigns), in the occasions' order
    campaigns: list[Group]  # 集中慰问, by date
    months: list[Group]
    sources: list[Group]

    @property
    def individual_ids(self) -> list[int]:
        return [i for g in self.occasions for i in g.ids]

    @property
    def campaign_ids(self) -> list[int]:
        return [i for g in self.campaigns for i in g.ids]


_PERSON_SQL = "v.member_id || '|' || v.recipient_relation || '|' || v.recipient_name"
# The same person as a cheaper key: the member's id for a visit to the member (本人 with no name, as the care store
# keeps every visit to the member), else the text above. count(DISTINCT key) = count(DISTINCT text): a text is
# "<id>|本人|" exactly when the visit is 本人 with no name (the first '|' ends the id, and a relation holding a
# '|' makes a text with two more), those texts map one-to-one onto the ids, and an integer never equals a text.
_PERSON_KEY_SQL = (f"CASE WHEN v.recipient_relation = '本人' AND v.recipient_name = '' THEN v.member_id "
                   f"ELSE {_PERSON_SQL} END")
_GROUP_SQL = "CASE WHEN v.campaign_id IS NULL THEN v.occasion_id ELSE -v.campaign_id END"


def visit_figures(ctx: ReportContext) -> VisitFigures:
    """The visits made in ``ctx.period`` counted every way the text and the tables need (cached)."""
    cache_key = ("care.visit_figures", ctx.period.date_from, ctx.period.date_to)
    if cache_key not in ctx.cache:
        ctx.cache[cache_key] = _visit_figures(ctx.db, ctx.period.date_from, ctx.period.date_to)
    return ctx.cache[cache_key]


def _visit_figures(db, date_from: str, date_to: str) -> VisitFigures:
    # the visits of the ledger's filter (LedgerFilter(date_from, date_to, pending=False): visits made, by visit
    # date), through the visit-date index
    where = "v.voided_at IS NULL AND v.visit_date >= ? AND v.visit_date <= ?"
    params = [date_from, date_to]

    # the sums and ids by occasion (日常走访, as the occasion's id) or campaign (集中慰问, as minus its id), month and
    # fund source in one pass, one JSON array of ids per combination; added up by each of the three below
    groups: dict[str, dict] = {"group": {}, "month": {}, "source": {}}
    leader_ids: list[int] = []
    for group, month, source, times, cash, goods, signed, own, ids, signed_ids, leader in db.execute(
            f"""SELECT {_GROUP_SQL}, substr(v.visit_date, 1, 7), v.fund_source, count(*), coalesce(sum(v.cash_fen), 0),
                       coalesce(sum(v.goods_value_fen), 0), coalesce(sum(v.signed), 0),
                       coalesce(sum(v.recipient_relation = '本人'), 0), json_group_array(v.id),
                       json_group_array(v.id) FILTER (WHERE v.signed = 1),
                       json_group_array(v.id) FILTER (WHERE v.leader_went = 1)
                FROM visits v WHERE {where} GROUP BY 1, 2, 3""", params):
        ids, signed_ids = json.loads(ids), json.loads(signed_ids)
        leader_ids += json.loads(leader)
        for grouping, key in (("group", group), ("month", month), ("source", source)):
            found = groups[grouping].setdefault(key, [0, 0, 0, 0, 0, 0, [], []])  # 人 is counted below
            found[0] += times
            found[2:6] = found[2] + cash, found[3] + goods, found[4] + signed, found[5] + own
            found[6] += ids
            found[7] += signed_ids
    # distinct persons by occasion or campaign and in all, and distinct members, from the distinct (group, person)
    # pairs (a person's key says who the member is, so each pair has one member)
    persons = members = 0
    for group, n, distinct_members in db.execute(
            f"""WITH pairs AS MATERIALIZED (
                    SELECT {_GROUP_SQL} AS grp, {_PERSON_KEY_SQL} AS person, v.member_id AS member_id
                    FROM visits v WHERE {where} GROUP BY 1, 2)
                SELECT grp, count(*), 0 FROM pairs GROUP BY grp
                UNION ALL
                SELECT NULL, count(DISTINCT person), count(DISTINCT member_id) FROM pairs""", params):
        if group is None:
            persons, members = n, distinct_members
        else:
            groups["group"][group][1] = n
    leader_ids.sort()
    for found in (row for grouping in groups.values() for row in grouping.values()):
        found[6].sort()
        found[7].sort()
    # key -> (人次, 人, cash, goods, signed, 本人, the ids, the signed ids)
    by_group, by_month, by_source = ({k: tuple(v) for k, v in groups[g].items()} for g in ("group", "month", "source"))
    by_occasion = {k: row for k, row in by_group.items() if k > 0}
    by_campaign = {-k: row for k, row in by_group.items() if k < 0}
    ids = sorted(i for row in by_group.values() for i in row[6])
    totals = LedgerTotals(visits=len(ids), persons=persons, members=members,  # as ledger_totals counts them
                          cash_fen=sum(row[2] for row in by_group.values()),
                          goods_fen=sum(row[3] for row in by_group.values()))

    def make(key, name: str, row, **extra) -> Group:
        times, persons, cash, goods, signed, own, group_ids, signed_ids = row
        return Group(str(key), name, times, persons, cash, goods, signed, own, group_ids, signed_ids, **extra)

    occasions = [make(o.id, o.name, by_occasion[o.id], must_visit=o.is_must_visit)
                 for o in list_occasions(db, include_voided=True) if o.id in by_occasion]
    campaigns = []
    if by_campaign:
        marks = ", ".join("?" * len(by_campaign))
        for campaign_id, name, day in db.execute(
                f"SELECT id, name, campaign_date FROM campaigns WHERE id IN ({marks}) ORDER BY campaign_date, id",
                list(by_campaign)):
            campaigns.append(make(campaign_id, name, by_campaign[campaign_id], day=day))
    months = [make(m, f"{int(m[:4])}年{int(m[5:])}月", by_month[m]) for m in sorted(by_month)]
    sources = [make(s, s or "未注明", by_source[s])  # the most money first, the unnamed last
               for s in sorted(by_source, key=lambda s: (s == "", -(by_source[s][2] + by_source[s][3]), s))]
    return VisitFigures(totals, ids, leader_ids, occasions, campaigns, months, sources)


# --- the visits' stats -----------------------------------------------------------------------------
_VISITS_TABLE = "visits"


def _base(ctx: ReportContext) -> str:
    return f"{period_span(ctx)}已走访的慰问记录（按走访日期；不含作废和待走访的记录）"


def _group_stats(prefix: str, group: Group, label: str, where: str, *, persons: bool = True) -> list[Stat]:
    ids = tuple(group.ids)
    result = [Stat(f"{prefix}.times", label, group.times, "人次", f"{where}，每条记录计1人次", _VISITS_TABLE, ids)]
    if persons:
        result.append(Stat(f"{prefix}.persons", f"{label}（人数）", group.persons, "人",
                           f"{where}，同一人多次慰问计1人", _VISITS_TABLE, ids))
    result += [
        Stat(f"{prefix}.cash", f"{label}发放慰问金", group.cash, "元", f"{where}的慰问金之和", _VISITS_TABLE, ids),
        Stat(f"{prefix}.goods", f"{label}慰问品折合", group.goods, "元", f"{where}的慰问品价值之和", _VISITS_TABLE, ids),
        Stat(f"{prefix}.money", f"{label}金额合计", group.cash + group.goods, "元",
             f"{where}的慰问金与慰问品价值之和", _VISITS_TABLE, ids),
    ]
    return result


def visit_total_stats(ctx: ReportContext, prefix: str) -> list[Stat]:
    """The totals of the visits (always present, 0 when none: comparisons need them)."""
    f = visit_figures(ctx)
    t = f.totals
    base = _base(ctx)
    ids = tuple(f.ids)
    staff = ctx.vocabulary.staff
    individual, campaign = f.individual_ids, f.campaign_ids
    return [
        Stat(f"{prefix}.times", f"走访慰问{staff}", t.visits, "人次", f"{base}，每条记录计1人次，含集中慰问批次的记录",
             _VISITS_TABLE, ids),
        Stat(f"{prefix}.persons", "慰问人数（不重复计人）", t.persons, "人",
             f"{base}中不同的被慰问人：会员本人按会员计，亲属按会员、关系和姓名各计1人", _VISITS_TABLE, ids),
        Stat(f"{prefix}.cash", "发放慰问金", t.cash_fen, "元", f"{base}的慰问金之和", _VISITS_TABLE, ids),
        Stat(f"{prefix}.goods", "发放慰问品折合", t.goods_fen, "元", f"{base}的慰问品价值之和", _VISITS_TABLE, ids),
        Stat(f"{prefix}.money", "发放慰问金和慰问品", t.total_fen, "元", f"{base}的慰问金与慰问品价值之和",
             _VISITS_TABLE, ids),
        Stat(f"{prefix}.leader", "党政领导参加走访", len(f.leader_ids), "人次",
             f"{base}中注明党政领导参加的，每条记录计1人次", _VISITS_TABLE, tuple(f.leader_ids)),
        Stat(f"{prefix}.individual", "日常走访慰问", len(individual), "人次",
             f"{base}中不属于集中慰问批次的，每条记录计1人次", _VISITS_TABLE, tuple(individual)),
        Stat(f"{prefix}.campaign_times", "集中慰问", len(campaign), "人次",
             f"{base}中由集中慰问批次（送温暖、送清凉等）登记的，每条记录计1人次", _VISITS_TABLE, tuple(campaign)),
    ]


def occasion_stats(ctx: ReportContext, prefix: str) -> list[Stat]:
    base = _base(ctx)
    return [stat for g in visit_figures(ctx).occasions for stat in _group_stats(
        f"{prefix}.occasion[{g.key}]", g, occasion_phrase(g.name), f"{base}中慰问类别为“{g.name}”、不属于集中慰问批次的")]


_YEAR_PREFIX = re.compile(r"^\s*\d{4}\s*(?:年度|年|—\d{4}学年)?")


def campaign_series(campaigns: list[Group]) -> dict[str, list[Group]]:
    """The campaigns by name without its year ("2026年春节送温暖" → "春节送温暖"), the most visits first."""
    series: dict[str, list[Group]] = {}
    for g in campaigns:
        series.setdefault(_YEAR_PREFIX.sub("", g.name).strip() or g.name, []).append(g)
    return dict(sorted(series.items(), key=lambda item: -sum(g.times for g in item[1])))


def campaign_stats(ctx: ReportContext, prefix: str, *, with_times: bool = False) -> list[Stat]:
    """The campaigns: how many, their money and signatures together, and each one's figures; ``with_times``
    adds their 人次 together (``campaign_times``, else one of :func:`visit_total_stats`)."""
    f = visit_figures(ctx)
    base = _base(ctx)
    ids = tuple(f.campaign_ids)
    where = f"{base}中由集中慰问批次（送温暖、送清凉等）登记的"
    result = [Stat(f"{prefix}.campaigns", "开展集中慰问", len(f.campaigns), "批",
                   f"{period_span(ctx)}有走访记录的集中慰问批次（已登记、未作废）", "campaigns",
                   tuple(int(g.key) for g in f.campaigns))]
    if with_times:
        result.append(Stat(f"{prefix}.campaign_times", "集中慰问", len(ids), "人次", f"{where}，每条记录计1人次",
                           _VISITS_TABLE, ids))
    result += [
        Stat(f"{prefix}.campaign_money", "集中慰问金额合计", sum(g.cash + g.goods for g in f.campaigns), "元",
             f"{where}的慰问金与慰问品价值之和", _VISITS_TABLE, ids),
        Stat(f"{prefix}.campaign_signed", "集中慰问已签收", sum(g.signed for g in f.campaigns), "人次",
             f"{where}中已签收的", _VISITS_TABLE, tuple(i for g in f.campaigns for i in g.signed_ids)),
    ]
    signed = result[-1]
    if with_times and ids:
        rate = percent_text(signed.value, len(ids))
        result.append(Stat(f"{prefix}.campaign_sign_rate", "签收率", signed.value, "人次",
                           f"签收率＝已签收{signed.value}人次÷集中慰问{len(ids)}人次＝{rate}", _VISITS_TABLE, signed.ids,
                           base=len(ids)))
    if len(f.campaigns) > CAMPAIGNS_LISTED:  # many (a term): the series of the same name over the years too
        for name, groups in campaign_series(f.campaigns).items():
            key = f"{prefix}.series[{_slug(name)}]"
            series_ids = tuple(i for g in groups for i in g.ids)
            where = f"{base}中由名为“{name}”的各集中慰问批次（{'、'.join(g.name for g in groups)}）登记的"
            result += [
                Stat(f"{key}.campaigns", f"“{name}”批次", len(groups), "批", f"{where.removesuffix('登记的')}",
                     "campaigns", tuple(int(g.key) for g in groups)),
                Stat(f"{key}.times", f"“{name}”慰问", sum(g.times for g in groups), "人次",
                     f"{where}，每条记录计1人次", _VISITS_TABLE, series_ids),
                Stat(f"{key}.cash", f"“{name}”发放慰问金", sum(g.cash for g in groups), "元", f"{where}的慰问金之和",
                     _VISITS_TABLE, series_ids),
                Stat(f"{key}.goods", f"“{name}”慰问品折合", sum(g.goods for g in groups), "元",
                     f"{where}的慰问品价值之和", _VISITS_TABLE, series_ids)]
    for g in f.campaigns:
        where = f"{base}中由集中慰问批次“{g.name}”（{date_text(g.day)}）登记的"
        key = f"{prefix}.campaign[{g.key}]"
        result += _group_stats(key, g, f"“{g.name}”", where)
        result.append(Stat(f"{key}.signed", f"“{g.name}”已签收", g.signed, "人次", f"{where}中已签收的",
                           _VISITS_TABLE, tuple(g.signed_ids)))
    return result


def month_stats(ctx: ReportContext, prefix: str) -> list[Stat]:
    base = _base(ctx)
    return [stat for g in visit_figures(ctx).months for stat in _group_stats(
        f"{prefix}.month[{g.key}]", g, f"{g.name}慰问", f"{base}中走访日期在{g.name}的", persons=False)]


def source_stats(ctx: ReportContext, prefix: str) -> list[Stat]:
    base = _base(ctx)
    return [stat for g in visit_figures(ctx).sources for stat in _group_stats(
        f"{prefix}.source[{_slug(g.key)}]", g, f"经费来源“{g.name}”",
        f"{base}中经费来源为“{g.name}”的" if g.key else f"{base}中未注明经费来源的", persons=False)]


# --- the visits' text --------------------------------------------------------------------------------
def _visited_names(ctx: ReportContext, ids: list[int]) -> list[str]:
    """The members visited in person (本人) by these visits, in visit order, each once."""
    if not ids:
        return []
    rows = ctx.db.execute(
        f"""SELECT m.name FROM visits v JOIN members m ON m.id = v.member_id
            WHERE v.id IN ({', '.join('?' * len(ids))}) AND v.recipient_relation = '本人'
            ORDER BY v.visit_date, v.id""", ids).fetchall()
    return list(dict.fromkeys(r[0] for r in rows))


# the words of the default occasions; other names get "“名称”慰问N人次"
_PERSON_PHRASES = {  # occasion -> (who, what): "为" + "3名" + "退休教职工" + "送去退休慰问"
    "退休": ("退休{staff}", "送去退休慰问"),
    "结婚": ("新婚{staff}", "送去祝福"),
    "生育": ("喜添新丁的{staff}", "送去生育慰问"),
}
_ANY_RECIPIENT = ("本人去世", "直系亲属去世", "节日慰问", "夏季高温")  # words that fit visits to the family too
_TIMES_PHRASES = {  # occasion -> words before the count of 人次
    "生病住院": "看望生病住院{staff}",
    "本人去世": "慰问去世{staff}家属",
    "直系亲属去世": "吊唁慰问直系亲属去世的{staff}",
    "生活困难/意外": "走访生活困难或遭遇意外的{staff}",
    "生日": "为{staff}送上生日慰问",
    "节日慰问": "节日走访慰问",
    "夏季高温": "开展夏季高温慰问",
}


def _occasion_item(ctx: ReportContext, view: StatView, group: Group) -> MarkedText | None:
    """One occasion's clause: "看望生病住院教职工29人次（涉及27人），发放慰问金1.45万元"."""
    name = f"occasion[{group.key}]"
    times = view.get(f"{name}.times")
    if times is None or not times.value:
        return None
    persons = view.get(f"{name}.persons")
    staff = ctx.vocabulary.staff
    text = MarkedText(ctx.options)
    own = group.own == group.times  # every visit to the member: "新婚职工", not a relative's wedding
    if group.name in _PERSON_PHRASES and own and persons is not None and persons.value == times.value:
        who, what = (words.format(staff=staff) for words in _PERSON_PHRASES[group.name])
        names: list[str] = []
        if ctx.options.names and group.name in NAMEABLE and persons.value <= NAMES_UP_TO:
            names = _visited_names(ctx, list(times.ids))
            if len(names) != persons.value:
                names = []  # a relative among them: count only
        text.add("为")
        if len(names) == 1:  # "为退休教职工张三送去退休慰问"
            text.add(who).figure(persons, names[0])
        else:  # "为张三、李四2名退休教职工…", "为张三、李四、王五等5名…"
            if names:
                text.add("、".join(names[:3]) + ("等" if persons.value > 3 else ""))
            text.figure(persons, count_phrase(persons.value, "名", ctx.options)).add(who)
        text.add(what)
    else:
        words = _TIMES_PHRASES.get(group.name) if own or group.name in _ANY_RECIPIENT else None
        if group.name == "生病住院" and not own:
            words = "看望生病住院的{staff}及其家属"
        text.add(words.format(staff=staff) if words else occasion_phrase(group.name)).figure(times)
        if group.name == "生病住院" and persons is not None and 0 < persons.value < times.value:
            text.add("（涉及").figure(persons).add("）")
    money_clause(text, view.get(f"{name}.cash"), view.get(f"{name}.goods"))
    return text


def _join(items: list[MarkedText], ctx: ReportContext, sep: str = "；") -> MarkedText:
    text = MarkedText(ctx.options)
    for n, item in enumerate(items):
        if n:
            text.add(sep)
        text.extend(item)
    return text


def visit_paragraphs(ctx: ReportContext, stats: list[Stat], previous: list[Stat] | None,
                     prefix: str) -> list[Paragraph]:
    """The visits: the totals, the 必访 occasions, the other occasions, the leaders who went."""
    view = StatView(stats, prefix)
    before = StatView(previous, prefix) if previous is not None else None
    times = view.get("times")
    if times is None or not times.value:
        return []
    f = visit_figures(ctx)
    staff = ctx.vocabulary.staff
    paragraphs = []

    total = MarkedText(ctx.options).add(f"{opener(ctx)}，工会共走访慰问{staff}").figure(times)
    persons = view.get("persons")
    if persons is not None and 0 < persons.value < times.value:
        total.add("（涉及").figure(persons).add("）")
    add_change(total, ctx, times, before, "times")
    cash, goods, money = view.get("cash"), view.get("goods"), view.get("money")
    if money_clause(total, cash, goods, lead="；", total=money):
        add_change(total, ctx, money, before, "money", lead="，金额")
    individual, campaign = view.get("individual"), view.get("campaign_times")
    if individual is not None and campaign is not None and individual.value and campaign.value:
        total.add("。其中日常走访慰问").figure(individual).add("，集中慰问").figure(campaign)
    paragraphs.append(total.add("。").paragraph())

    must = [item for g in f.occasions if g.must_visit for item in [_occasion_item(ctx, view, g)] if item]
    leader = view.get("leader")
    if must:
        text = MarkedText(ctx.options).add("围绕“必访”事项，")
        text.extend(_join(must, ctx))
        if leader is not None and leader.value:
            text.add("。党政领导参加走访慰问").figure(leader)
        paragraphs.append(text.add("。").paragraph())
    elif leader is not None and leader.value:
        paragraphs.append(MarkedText(ctx.options).add("党政领导参加走访慰问").figure(leader).add("。").paragraph())

    others = [item for g in f.occasions if not g.must_visit for item in [_occasion_item(ctx, view, g)] if item]
    if others:
        text = MarkedText(ctx.options).add("此外，" if must else "日常走访中，")
        paragraphs.append(text.extend(_join(others, ctx)).add("。").paragraph())
    return paragraphs


def _month_day(ctx: ReportContext, day: str) -> str:
    """"2月7日" within the period's year, else "2025年2月7日"."""
    text = date_text(day)
    return text[5:] if day[:4] == ctx.period.date_from[:4] == ctx.period.date_to[:4] else text


def _campaign_item(ctx: ReportContext, view: StatView, group: Group, *, with_date: bool,
                   lead: str = "") -> MarkedText | None:
    """"“2026年春节送温暖”慰问6名教职工，发放慰问金6000元" (with the date first in the topic report)."""
    name = f"campaign[{group.key}]"
    times = view.get(f"{name}.times")
    if times is None or not times.value:
        return None
    persons = view.get(f"{name}.persons")
    text = MarkedText(ctx.options)
    if with_date:
        lead = f"{_month_day(ctx, group.day)}{lead or '开展'}"
    text.add(f"{lead}“{group.name}”，慰问" if lead else f"“{group.name}”慰问")
    if persons is not None and persons.value == times.value:  # one visit a person, as campaigns are
        text.figure(persons, count_phrase(persons.value, "名", ctx.options)).add(ctx.vocabulary.staff)
    else:
        text.figure(times)
    money_clause(text, view.get(f"{name}.cash"), view.get(f"{name}.goods"))
    return text


def _series_item(ctx: ReportContext, view: StatView, name: str) -> MarkedText | None:
    key = f"series[{_slug(name)}]"
    count, times = view.get(f"{key}.campaigns"), view.get(f"{key}.times")
    if count is None or times is None or not times.value:
        return None
    text = MarkedText(ctx.options).add(f"“{name}”").figure(count, count_phrase(count.value, "批次", ctx.options))
    text.add("，慰问").figure(times)
    money_clause(text, view.get(f"{key}.cash"), view.get(f"{key}.goods"))
    return text


def campaign_paragraphs(ctx: ReportContext, stats: list[Stat], previous: list[Stat] | None, prefix: str, *,
                        detailed: bool = False) -> list[Paragraph]:
    """The campaigns (集中慰问): how many, whom, how much; ``detailed`` (the topic report) adds their dates
    and the signatures (实名签收)."""
    view = StatView(stats, prefix)
    before = StatView(previous, prefix) if previous is not None else None
    count, times = view.get("campaigns"), view.get("campaign_times")
    groups = [g for g in visit_figures(ctx).campaigns if view.value(f"campaign[{g.key}].times")]
    if count is None or times is None or not count.value or not times.value or not groups:
        return []
    text = MarkedText(ctx.options)
    if len(groups) == 1:
        text.extend(_campaign_item(ctx, view, groups[0], with_date=False, lead=f"{period_word(ctx)}开展"))
        add_change(text, ctx, times, before, "campaign_times", lead="，慰问人次")
        text.add("。")
    else:
        text.add(f"{period_word(ctx)}共组织").figure(count, count_phrase(count.value, "批次", ctx.options))
        text.add("集中慰问，慰问").figure(times)
        add_change(text, ctx, times, before, "campaign_times")
        money = view.get("campaign_money")
        if money is not None and money.value:
            text.add("，金额合计").figure(money)
        if len(groups) <= CAMPAIGNS_LISTED:
            items = [_campaign_item(ctx, view, g, with_date=detailed) for g in groups]
            text.add("。" if detailed else "。其中").extend(_join([i for i in items if i], ctx)).add("。")
        else:  # many campaigns (a term): by series, "“春节送温暖”5批次，慰问105人次，发放慰问金10.5万元"
            series = list(campaign_series(groups))
            items = [_series_item(ctx, view, name) for name in series[:CAMPAIGNS_LISTED]]
            text.add("。其中").extend(_join([i for i in items if i], ctx))
            text.add("等。" if len(series) > CAMPAIGNS_LISTED else "。")
    paragraphs = [text.paragraph()]
    signed = view.get("campaign_signed")
    if detailed and signed is not None and signed.value:
        sign = MarkedText(ctx.options)
        if is_complete(signed.value, times.value):
            sign.add("各批次发放名单均已实名签收，共").figure(signed).add("。")
        else:
            sign.add("发放签收表已签收").figure(signed).add("，签收率").rate(view.get("campaign_sign_rate"))
            sign.add("（已签收").figure(signed, f"{signed.value}人次").add("÷发放").figure(times, f"{times.value}人次")
            sign.add("）。")
        paragraphs.append(sign.paragraph())
    return paragraphs


def all_visit_stats(ctx: ReportContext, prefix: str) -> list[Stat]:
    """Every figure of the visits under ``prefix`` (the section 帮扶与送温暖: "care.visits")."""
    return (visit_total_stats(ctx, prefix) + occasion_stats(ctx, prefix) + campaign_stats(ctx, prefix)
            + month_stats(ctx, prefix) + source_stats(ctx, prefix))


def _visit_sections(ctx: ReportContext, stats: list[Stat], previous: list[Stat] | None,
                    prefix: str) -> list[Section]:
    prefix = f"{prefix}.visits"
    return [Section("走访慰问", visit_paragraphs(ctx, stats, previous, prefix)),
            Section("集中慰问", campaign_paragraphs(ctx, stats, previous, prefix))]


# --- the visits' tables ----------------------------------------------------------------------------------
def _yuan(fen: int) -> str:
    """分 → "1234.5" for a table cell (元, no thousands separator)."""
    return yuan_text(fen).replace(",", "")


def occasion_table(ctx: ReportContext, stats: list[Stat], prefix: str) -> list[Table]:
    """慰问情况 by occasion (日常走访) and campaign (集中慰问), with the totals."""
    view = StatView(stats, prefix)
    if not view.value("times"):
        return []
    f = visit_figures(ctx)
    rows = []
    for kind, groups in (("occasion", f.occasions), ("campaign", f.campaigns)):
        for g in groups:
            name = f"{kind}[{g.key}]"
            if view.get(f"{name}.times") is None:
                continue
            rows.append((g.name if kind == "occasion" else f"集中慰问：{g.name}", str(view.value(f"{name}.times")),
                         str(view.value(f"{name}.persons")), _yuan(view.value(f"{name}.cash")),
                         _yuan(view.value(f"{name}.goods")), _yuan(view.value(f"{name}.money"))))
    rows.append(("合计", str(view.value("times")), str(view.value("persons")), _yuan(view.value("cash")),
                 _yuan(view.value("goods")), _yuan(view.value("money"))))
    return [Table(("慰问类别", "人次", "人数", "慰问金（元）", "慰问品折合（元）", "合计（元）"), rows,
                  ChartSpec(1, "各类慰问人次"))]


def month_table(ctx: ReportContext, stats: list[Stat], prefix: str) -> list[Table]:
    view = StatView(stats, prefix)
    if not view.value("times"):
        return []
    rows = [(g.name, str(view.value(f"month[{g.key}].times")), _yuan(view.value(f"month[{g.key}].money")))
            for g in visit_figures(ctx).months]
    rows.append(("合计", str(view.value("times")), _yuan(view.value("money"))))
    return [Table(("慰问月份", "人次", "金额（元）"), rows, ChartSpec(1, "各月慰问人次"))]


def source_table(ctx: ReportContext, stats: list[Stat], prefix: str) -> list[Table]:
    view = StatView(stats, prefix)
    if not view.value("money"):
        return []
    rows = [(g.name, str(view.value(f"source[{_slug(g.key)}].times")),
             _yuan(view.value(f"source[{_slug(g.key)}].money"))) for g in visit_figures(ctx).sources]
    rows.append(("合计", str(sum(view.value(f"source[{_slug(g.key)}].times") for g in visit_figures(ctx).sources)),
                 _yuan(view.value("money"))))
    return [Table(("慰问经费来源", "人次", "金额（元）"), rows)]


def _visit_appendix(ctx: ReportContext, stats: list[Stat], prefix: str) -> list[Table]:
    prefix = f"{prefix}.visits"
    return occasion_table(ctx, stats, prefix) + month_table(ctx, stats, prefix) + source_table(ctx, stats, prefix)


# --- the visits' money by fund source (资金使用情况) ---------------------------------------------------------
def funds_sentence(ctx: ReportContext, view: StatView, sources: list[tuple[str, str]], lead: str,
                   previous: StatView | None = None) -> MarkedText | None:
    """"<lead>X（比上年…），其中本级工会经费Y、上级工会补助Z" — ``sources``: (the source, its name)."""
    money = view.get("money")
    if money is None or not money.value:
        return None
    items = [(name, view.get(f"source[{_slug(key)}].money")) for key, name in sources]
    items = [(name, stat) for name, stat in items if stat is not None and stat.value]
    texts = money_texts(ctx.options, money.value, *(stat.value for _name, stat in items))
    text = MarkedText(ctx.options).add(lead).figure(money, texts[0])
    add_change(text, ctx, money, previous, "money", lead="（")
    if previous is not None:
        text.add("）")
    if len(items) == 1 and items[0][0] != "未注明":
        text.add(f"，均为{items[0][0]}")
    elif items:
        text.add("，其中")
        for n, ((name, stat), amount) in enumerate(zip(items, texts[1:])):
            text.add("、" if n else "").add("未注明来源的" if name == "未注明" else name).figure(stat, amount)
    return text


def _visit_funds_stats(ctx: ReportContext, prefix: str) -> list[Stat]:
    money = [s for s in visit_total_stats(ctx, prefix) if s.key == f"{prefix}.money"]
    return money + source_stats(ctx, prefix)


def _visit_funds_text(ctx: ReportContext, stats: list[Stat], previous: list[Stat] | None,
                      prefix: str) -> MarkedText | None:
    sources = [(g.key, g.name) for g in visit_figures(ctx).sources]
    before = StatView(previous, prefix) if previous is not None else None
    return funds_sentence(ctx, StatView(stats, prefix), sources, "走访慰问发放慰问金和慰问品", before)


def _visit_funds_tables(ctx: ReportContext, stats: list[Stat], prefix: str) -> list[Table]:
    view = StatView(stats, prefix)
    if not view.value("money"):
        return []
    rows = [(g.name, _yuan(view.value(f"source[{_slug(g.key)}].money"))) for g in visit_figures(ctx).sources]
    rows.append(("合计", _yuan(view.value("money"))))
    return [Table(("慰问经费来源", "金额（元）"), rows)]


register_care_part(CarePart(
    key="visits", order=10, stats=lambda ctx, prefix: all_visit_stats(ctx, f"{prefix}.visits"),
    sections=_visit_sections, appendix=_visit_appendix, funds_stats=_visit_funds_stats,
    funds_text=_visit_funds_text, funds_tables=_visit_funds_tables))


# --- the 送温暖工作总结 (report kind "care"): 走访慰问情况, 节日送温暖和集中慰问, 资金使用情况 ---------------------
def _topic_visits_stats(ctx: ReportContext) -> list[Stat]:
    prefix = "care_visits"  # the campaigns too: the table by occasion and campaign adds up to the total
    return (visit_total_stats(ctx, prefix) + occasion_stats(ctx, prefix) + campaign_stats(ctx, prefix)
            + month_stats(ctx, prefix))


register_section(SectionSpec(
    key="care_visits", title="走访慰问情况", order=20, stats=_topic_visits_stats,
    write=lambda ctx, stats, previous: Section("走访慰问情况", visit_paragraphs(ctx, stats, previous, "care_visits")),
    appendix=lambda ctx, stats: occasion_table(ctx, stats, "care_visits") + month_table(ctx, stats, "care_visits"),
    kinds=TOPIC, headline=("care_visits.times", "care_visits.money")))


def _topic_campaign_stats(ctx: ReportContext) -> list[Stat]:
    return campaign_stats(ctx, "care_campaigns", with_times=True)


def _topic_campaign_appendix(ctx: ReportContext, stats: list[Stat]) -> list[Table]:
    view = StatView(stats, "care_campaigns")
    groups = [g for g in visit_figures(ctx).campaigns if view.get(f"campaign[{g.key}].times") is not None]
    if not groups:
        return []
    rows = [(g.name, date_text(g.day), str(view.value(f"campaign[{g.key}].times")),
             _yuan(view.value(f"campaign[{g.key}].cash")), _yuan(view.value(f"campaign[{g.key}].goods")),
             str(view.value(f"campaign[{g.key}].signed"))) for g in groups]
    rows.append(("合计", "", str(view.value("campaign_times")),
                 _yuan(sum(view.value(f"campaign[{g.key}].cash") for g in groups)),
                 _yuan(sum(view.value(f"campaign[{g.key}].goods") for g in groups)),
                 str(view.value("campaign_signed"))))
    return [Table(("慰问批次", "发放日期", "人次", "慰问金（元）", "慰问品折合（元）", "已签收（人次）"), rows)]


register_section(SectionSpec(
    key="care_campaigns", title="节日送温暖和集中慰问", order=30, stats=_topic_campaign_stats,
    write=lambda ctx, stats, previous: Section(
        "节日送温暖和集中慰问", campaign_paragraphs(ctx, stats, previous, "care_campaigns", detailed=True)),
    appendix=_topic_campaign_appendix, kinds=TOPIC))


FUNDS_KEY = "care_funds"


def _funds_stats(ctx: ReportContext) -> list[Stat]:
    parts = [p for p in care_parts() if p.funds_stats]
    stats = [s for part in parts for s in part.funds_stats(ctx, f"{FUNDS_KEY}.{part.key}")]
    by_key = {s.key: s for s in stats}
    totals = [by_key[f"{FUNDS_KEY}.{p.key}.money"] for p in parts if f"{FUNDS_KEY}.{p.key}.money" in by_key]
    if len(totals) > 1:
        stats.insert(0, Stat(f"{FUNDS_KEY}.money", "送温暖工作使用资金", sum(s.value for s in totals), "元",
                             "、".join(s.label for s in totals) + "之和（各项的计算方法见该项）"))
    return stats


def _funds_write(ctx: ReportContext, stats: list[Stat], previous: list[Stat] | None) -> Section:
    section = Section("资金使用情况")
    sentences = [text for part in care_parts() if part.funds_text
                 for text in [part.funds_text(ctx, stats, previous, f"{FUNDS_KEY}.{part.key}")] if text]
    if not sentences:
        return section
    text = MarkedText(ctx.options)
    total = StatView(stats, FUNDS_KEY).get("money")
    if total is not None and total.value and len(sentences) > 1:
        text.add(f"{period_word(ctx)}送温暖工作共使用资金").figure(total)
        add_change(text, ctx, total, StatView(previous, FUNDS_KEY) if previous is not None else None, "money")
        text.add("。")
    section.blocks.append(text.extend(_join(sentences, ctx)).add("。").paragraph())
    return section


def _funds_appendix(ctx: ReportContext, stats: list[Stat]) -> list[Table]:
    return [table for part in care_parts() if part.funds_tables
            for table in part.funds_tables(ctx, stats, f"{FUNDS_KEY}.{part.key}")]


register_section(SectionSpec(
    key=FUNDS_KEY, title="资金使用情况", order=60, stats=_funds_stats, write=_funds_write, appendix=_funds_appendix,
    kinds=TOPIC))
