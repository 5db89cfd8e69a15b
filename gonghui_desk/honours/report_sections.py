"""The honours part of the report (劳模和先进): the honours awarded in the period to members (个人) and to
collectives (集体), by level, highest first, as "张三、李四等2名同志被某某评为先进个人" (DOMAIN.md §2.7, §3).

It is not a section of its own: the ``competition`` section (:mod:`gonghui_desk.events.report_sections`)
places it as its subsection "选树先进典型" and asks for its figures (:func:`honour_stats`), its text
(:func:`honour_section`) and its appendix table (:func:`honour_appendix`). This module owns those figures
(keys ``competition.honours…``). The union's own honours (本会: 模范职工之家…) belong to 自身建设 and are not
counted here.

Which honours fall in a period: the rule of the 自身建设 section
(:func:`gonghui_desk.reports.member_sections.honour_period_sql`), so the report's parts agree — an honour
counts by the day it was conferred (授予日期) when it has one, else by its year (any year the period
touches). Collective honours of the 职工之家/小家 kind (``HOME_WORDS``) are counted there, not here.
Honours still at 推荐 or 申报 (in progress, never dated) are counted apart when their year is the year the
period ends in (``competition.honours.pending``), and written as such, never as awarded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gonghui_desk.documents import Section, Table
from gonghui_desk.honours.register import AWARD_SUFFIXES, honour_rows
from gonghui_desk.honours.store import LEVELS
from gonghui_desk.reports.member_sections import HOME_WORDS, honour_period_params, honour_period_sql
from gonghui_desk.reports.model import ReportContext, Stat
from gonghui_desk.reports.text import MarkedText, count_phrase

__all__ = ["HonourFacts", "LEVEL_KEYS", "honour_appendix", "honour_facts", "honour_section", "honour_stats"]

LEVEL_KEYS = {"全国": "national", "省部级": "provincial", "市级": "city", "县区级": "county", "系统/行业": "sector",
              "本单位": "unit"}
LEVEL_WORDS = {"系统/行业": "系统（行业）"}
RECIPIENT_KINDS = ("个人", "集体")
NAMES_SHOWN = 3


@dataclass
class Group:
    """The honours of one level, title, recipient kind and conferring body: one phrase of the text."""

    level: str
    title: str
    kind: str  # 个人 / 集体
    conferred_by: str
    names: list[str] = field(default_factory=list)  # each recipient once, in the order awarded
    ids: list[int] = field(default_factory=list)
    recipients: set = field(default_factory=set)

    @property
    def count(self) -> int:
        return len(self.recipients)


@dataclass
class HonourFacts:
    rows: list[dict]  # the awarded honours of the period, by level (highest first), then date
    groups: list[Group]
    pending: list[dict]  # 推荐/申报 honours of the period


def _period_rows(ctx: ReportContext, awarded: bool) -> list[dict]:
    home = " OR ".join("h.title LIKE ?" for _ in HOME_WORDS)
    not_home = (f"(h.recipient_kind = '个人' OR (h.recipient_kind = '集体' AND NOT ({home})))",
                [f"%{w}%" for w in HOME_WORDS])
    if awarded:
        where, params = honour_period_sql("h"), honour_period_params(ctx)
    else:
        where = "h.voided_at IS NULL AND h.stage IN ('推荐', '申报') AND h.year = ?"
        params = [int(ctx.period.date_to[:4])]
    ids = [r[0] for r in ctx.db.execute(f"SELECT h.id FROM honours h WHERE {where} AND {not_home[0]}",
                                        [*params, *not_home[1]])]
    rows = honour_rows(ctx.db, ids)
    rank = {level: i for i, level in enumerate(LEVELS)}
    return sorted(rows.values(), key=lambda r: (rank[r["level"]], r["conferred_on"] or f"{r['year']}-12-31", r["id"]))


def _groups(rows: list[dict]) -> list[Group]:
    groups: dict[tuple, Group] = {}
    for row in rows:
        key = (row["level"], row["title"], row["recipient_kind"], row["conferred_by"])
        group = groups.setdefault(key, Group(*key))
        recipient = row["member_id"] if row["recipient_kind"] == "个人" else (row["sub_unit_id"], row["group_name"])
        if recipient not in group.recipients:
            group.recipients.add(recipient)
            group.names.append(row["recipient_name"])
        group.ids.append(row["id"])
    rank = {level: i for i, level in enumerate(LEVELS)}
    kinds = {"个人": 0, "集体": 1}
    return sorted(groups.values(), key=lambda g: (rank[g.level], kinds[g.kind], -g.count, g.title))


def honour_facts(ctx: ReportContext) -> HonourFacts:
    key = ("honours", ctx.period.date_from, ctx.period.date_to, ctx.today.isoformat())
    if key not in ctx.cache:
        rows = _period_rows(ctx, True)
        ctx.cache[key] = HonourFacts(rows, _groups(rows), _period_rows(ctx, False))
    return ctx.cache[key]


def _basis(ctx: ReportContext, what: str) -> str:
    from gonghui_desk.events.report_sections import period_text

    return (f"{period_text(ctx.period)}获评的{what}（按授予日期；未填日期的按年度），"
            "不含授予本会和职工之家类的荣誉（见自身建设部分）以及推荐、申报中的")


def honour_stats(ctx: ReportContext) -> list[Stat]:
    facts = honour_facts(ctx)
    rows = facts.rows
    personal = [r for r in rows if r["recipient_kind"] == "个人"]
    collective = [r for r in rows if r["recipient_kind"] == "集体"]
    stats = [Stat("competition.honours", "获得各级荣誉", len(rows), "项", _basis(ctx, "个人和集体荣誉，每项荣誉计1项"),
                  "honours", tuple(sorted(r["id"] for r in rows)))]
    if personal:
        stats.append(Stat("competition.honours.persons", "获得荣誉的会员", len({r["member_id"] for r in personal}), "人",
                          _basis(ctx, "个人荣誉的不同获得者，同一人获多项只计1人"), "members",
                          tuple(sorted({r["member_id"] for r in personal}))))
    if collective:
        stats.append(Stat("competition.honours.collectives", "获得荣誉的集体",
                          len({(r["sub_unit_id"], r["group_name"]) for r in collective}), "个",
                          _basis(ctx, "集体荣誉的不同获得集体"), "honours", tuple(sorted(r["id"] for r in collective))))
    for level in LEVELS:
        at = [r for r in rows if r["level"] == level]
        if at:
            stats.append(Stat(f"competition.honours.level.{LEVEL_KEYS[level]}", f"{level}荣誉", len(at), "项",
                              _basis(ctx, f"{level}个人和集体荣誉"), "honours", tuple(sorted(r["id"] for r in at))))
    for i, group in enumerate(facts.groups):
        unit = "人" if group.kind == "个人" else "个"
        body = f"（{group.conferred_by}）" if group.conferred_by else ""
        stats.append(Stat(f"competition.honours.group.{i + 1}", f"{group.level}“{group.title}”获得者", group.count, unit,
                          _basis(ctx, f"{group.level}“{group.title}”{body}"), "honours", tuple(sorted(group.ids))))
    if facts.pending:
        stats.append(Stat("competition.honours.pending", "推荐和申报中的荣誉", len(facts.pending), "项",
                          f"{ctx.period.date_to[:4]}年度处于推荐或申报阶段的个人和集体荣誉",
                          "honours", tuple(sorted(r["id"] for r in facts.pending))))
    return stats


def _verb(title: str) -> str:
    return "荣获" if title.endswith(AWARD_SUFFIXES) else "被评为"


def _phrase(mt: MarkedText, group: Group, stat: Stat, names: bool) -> None:
    """"张三、李四等3名同志被某某评为先进个人", "一车间荣获市总工会授予的工人先锋号"."""
    word = "同志" if group.kind == "个人" else "集体"
    measure = "名" if group.kind == "个人" else "个"
    if names:
        shown = group.names[:NAMES_SHOWN]
        if group.count == 1:
            mt.add(shown[0] + ("同志" if group.kind == "个人" else ""))
        else:
            mt.add("、".join(shown) + ("等" if group.count > len(shown) else ""))
            mt.figure(stat, count_phrase(group.count, measure, mt.options)).add(word)
    else:
        mt.figure(stat, count_phrase(group.count, measure, mt.options)).add(word)
    if _verb(group.title) == "荣获":
        mt.add(f"荣获{group.conferred_by}授予的{group.title}" if group.conferred_by else f"荣获{group.title}")
    else:
        mt.add(f"被{group.conferred_by}评为{group.title}" if group.conferred_by else f"被评为{group.title}")


def honour_section(ctx: ReportContext, stats: list[Stat], previous: list[Stat] | None) -> Section:
    """The subsection "选树先进典型" (empty when the period has no honours)."""
    from gonghui_desk.events.report_sections import compare_text, when

    s = {st.key: st for st in stats}
    facts = honour_facts(ctx)
    section = Section("选树先进典型")
    total = s.get("competition.honours")
    pending = s.get("competition.honours.pending")
    if (total is None or not total.value) and not pending:
        return section
    names, staff, period = ctx.options.names, ctx.vocabulary.staff, when(ctx)
    mt = MarkedText(ctx.options)
    if total and total.value:
        groups = [(g, s[f"competition.honours.group.{i + 1}"]) for i, g in enumerate(facts.groups)]
        if len(groups) == 1 and len(facts.rows) == groups[0][1].value:
            mt.add(f"{period}，")
            _phrase(mt, groups[0][0], groups[0][1], names)
            mt.add("。")
        else:
            persons, collectives = s.get("competition.honours.persons"), s.get("competition.honours.collectives")
            mt.add(f"{period}共有")
            if persons:
                mt.figure(persons, count_phrase(persons.value, "名", ctx.options)).add(staff)
            if persons and collectives:
                mt.add("和")
            if collectives:
                mt.figure(collectives).add("集体")
            mt.add("获得各级荣誉").figure(total)
            levels = [st for st in s.values() if st.key.startswith("competition.honours.level.")]
            if len(levels) > 1:
                mt.add("，其中")
                for i, st in enumerate(levels):
                    level = st.label.removesuffix("荣誉")
                    mt.add(("、" if i else "") + LEVEL_WORDS.get(level, level)).figure(st)
            elif levels:
                level = levels[0].label.removesuffix("荣誉")
                mt.add(f"，均为{LEVEL_WORDS.get(level, level)}荣誉")
            mt.add("：")
            for i, (group, stat) in enumerate(groups):
                mt.add("；" if i else "")
                _phrase(mt, group, stat, names)
            mt.add("。")
        compare = compare_text(ctx, s, previous, [("competition.honours", "获得各级荣誉")])
        if compare:
            mt.extend(compare)
    if pending:
        mt.add("此外，还有" if mt else f"{period}，有").figure(pending).add("荣誉正在推荐或申报中")
        if names and len(facts.pending) <= 4:
            items = []
            for row in facts.pending:
                who = row["recipient_name"] + ("同志" if row["recipient_kind"] == "个人" else "")
                level = LEVEL_WORDS.get(row["level"], row["level"])
                verb = "被推荐参评" if row["stage"] == "推荐" else "已申报"
                items.append(f"{who}{verb}{level}“{row['title']}”")
            mt.add("：" + "；".join(items))
        mt.add("。")
    section.blocks = [mt.paragraph()]
    return section


def honour_appendix(ctx: ReportContext, stats: list[Stat]) -> list[Table]:
    facts = honour_facts(ctx)
    if not facts.rows:
        return []
    rows = [(r["level"], r["title"], r["recipient_name"] + ("" if r["recipient_kind"] == "个人" else "（集体）"),
             r["conferred_by"], str(r["year"])) for r in facts.rows]
    return [Table(("荣誉级别", "荣誉称号", "获得者", "授予单位", "年度"), rows)]
