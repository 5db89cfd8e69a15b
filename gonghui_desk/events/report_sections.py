"""The report sections written from the event register (DOMAIN.md §2.6, §3, §4):

* ``competition`` — 劳动竞赛、技能比武和劳模 (order 30): the held events of the kinds in
  :data:`COMPETITION_KINDS`, their participation, awards by grade, the people sent on to upstream rounds and
  their results; then the honours of the period (:mod:`gonghui_desk.honours.report_sections` writes that
  part and owns its figures; this module only places it in the section).
* ``culture`` — 文体活动与职工培训 (order 50): the held events of every other kind (文体活动, 文艺演出,
  讲座/培训, 疗休养, 其他 and the union's own kinds) with the 参与率 of :func:`event_totals` and its base.

What counts is what :func:`gonghui_desk.events.register.event_totals` counts: events **held** (已举办) whose
start date is in the period; 人次 one per person per entry (a team entry once per team member); 人 distinct
members; the 参与率 the distinct participants 在册 on the base day ÷ members 在册 that day. Every figure is
a :class:`~gonghui_desk.reports.model.Stat` with the records behind it (events, event_participants,
members, event_results) and a basis sentence; the text marks each figure with its stat key.

Rates follow the framework's convention (:meth:`MarkedText.rate`): a rate stat's value is its count, its
unit the count's, and its basis says "count÷base＝rate"; the text writes the rate then its base in brackets,
each count of the base marked with its own stat. Comparisons with the previous period are marked with the
previous stat's key (``<key>@previous``).

The helpers :func:`period_text`, :func:`rate_stat`, :func:`write_rate` and :func:`compare_text` are shared
with the democracy and honours parts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import chain

from gonghui_desk.documents import ChartSpec, Paragraph, Section, Table
from gonghui_desk.documents.model import chinese_numeral
from gonghui_desk.documents.wording import date_text, is_complete, percent_text
from gonghui_desk.events.register import (HELD, EventFilter, EventTotals, Participation, _participation_cte,
                                          event_title, event_totals, on_roll_ids, participation, voided_members,
                                          where_clause)
from gonghui_desk.reports.model import ReportContext, ReportPeriod, SectionSpec, Stat
from gonghui_desk.reports.periods import period_words
from gonghui_desk.reports.sections import register_section
from gonghui_desk.reports.text import PREVIOUS_SUFFIX, MarkedText, change_text, count_phrase

__all__ = ["COMPETITION", "COMPETITION_KINDS", "CULTURE", "CULTURE_GROUPS", "competition_facts", "compare_text",
           "culture_facts", "period_participation", "period_text", "rate_stat", "rate_value", "when", "write_rate"]

COMPETITION_KINDS = ("劳动竞赛", "技能比武", "岗位练兵", "知识竞赛", "安康杯")
# kind -> (stat key part, measure word, how the text names it)
COMPETITION_WORDS = {
    "劳动竞赛": ("labour", "场", "劳动竞赛"),
    "技能比武": ("skills", "场", "技能比武"),
    "岗位练兵": ("drill", "场", "岗位练兵"),
    "知识竞赛": ("quiz", "场", "知识竞赛"),
    "安康杯": ("ankang", "场", "安康杯竞赛"),
}
# the groups of the culture section: key, how the text names it, its kinds (None: every other kind), measure word
CULTURE_GROUPS = (
    ("sports", "文体活动", ("文体活动",), "场"),
    ("performances", "文艺演出", ("文艺演出",), "场"),
    ("training", "讲座培训", ("讲座/培训",), "期"),
    ("rest", "疗休养", ("疗休养",), "期"),
    ("other", "其他活动", None, "次"),
)
UPSTREAM = ("上级", "外单位")
NAMES_SHOWN = 3  # names written before 等N名
TITLES_SHOWN = 3  # event titles written before 等


# --- shared helpers ----------------------------------------------------------------------------------------
def when(ctx: ReportContext) -> str:
    """How the body says "in this period" (全年, 上半年, 本学期, 任期内…), as the report's opening does."""
    return period_words(ctx.period, ctx.kind)


def period_text(period: ReportPeriod) -> str:
    """"2026年1月1日至2026年12月31日" (for basis sentences)."""
    return f"{date_text(period.date_from)}至{date_text(period.date_to)}"


def rate_value(count: int, base: int) -> int:
    """count ÷ base in tenths of a per cent, rounded as :func:`percent_text` writes it (625 = 62.5%)."""
    text = percent_text(count, base).rstrip("%")
    whole, _, tenth = text.partition(".")
    return int(whole) * 10 + int(tenth or 0)


def rate_stat(key: str, label: str, count: int, base: int, unit: str, count_label: str, base_label: str,
              table: str = "", ids: tuple[int, ...] = ()) -> Stat | None:
    """A rate as a stat (value: the count, ``base`` the base; basis "已答复10件÷立案17件＝58.8%"), or None
    without a base."""
    if base <= 0:
        return None
    return Stat(key, label, count, unit,
                f"{label}＝{count_label}{count}{unit}÷{base_label}{base}{unit}＝{percent_text(count, base)}", table, ids,
                base=base)


def write_rate(mt: MarkedText, rate: Stat, count: Stat, base: Stat, count_label: str, base_label: str) -> None:
    """"62.5%（参加活动的在册会员50人÷在册会员80人）" into ``mt``: the rate (approximate: "62%以上") and both
    counts of its base (always exact) marked."""
    mt.rate(rate).add(f"（{count_label}").figure(count, f"{count.value}{count.unit}")
    mt.add(f"÷{base_label}").figure(base, f"{base.value}{base.unit}").add("）")


def compare_text(ctx: ReportContext, stats: dict[str, Stat], previous: list[Stat] | None,
                 items: list[tuple]) -> MarkedText | None:
    """"与上年相比，竞赛场次增加1场，参赛人次持平。" for ``items`` — (key, what) for counts, (key, what, count
    key, base key) for rates ("参与率提高1.2个百分点") — whose stat is there in both periods; each change
    marked ``<key>@previous``. None when not comparing or nothing compares."""
    if previous is None or ctx.previous is None:
        return None
    label = ctx.previous.label
    before = {s.key: s for s in previous}
    mt = MarkedText(ctx.options)
    for key, what, *rate in items:
        now, then = stats.get(key), before.get(key)
        if now is None or then is None:
            continue
        if rate:
            count_key, base_key = rate
            if not (stats[base_key].value and before.get(base_key) and before[base_key].value):
                continue
            diff = (rate_value(stats[count_key].value, stats[base_key].value)
                    - rate_value(before[count_key].value, before[base_key].value))
            points = f"{abs(diff) // 10}.{abs(diff) % 10}".removesuffix(".0")
            text = "持平" if diff == 0 else f"{'提高' if diff > 0 else '下降'}{points}个百分点"
        else:
            changed = change_text(now.value, then.value, now.unit, label, ctx.options, money=now.unit == "元")
            text = changed.replace(f"比{label}", "", 1) if changed.startswith("比") else "持平"
        mt.add("，" if mt else f"与{label}相比，").add(what)
        mt.figure(Stat(key + PREVIOUS_SUFFIX, f"{label}{then.label}", then.value, then.unit, then.basis), text)
    if not mt:
        return None
    return mt.add("。")


def _join_words(words: list[str]) -> str:
    """["甲"] → 甲; ["甲", "乙"] → 甲和乙; more → 甲、乙和丙."""
    if len(words) <= 1:
        return "".join(words)
    return "、".join(words[:-1]) + "和" + words[-1]


def quoted(title: str) -> str:
    """“title”, its own quotation marks turned into single ones (“庆‘三八’插花”)."""
    return "“" + title.replace("“", "‘").replace("”", "’") + "”"


def _titles(titles: list[str], total: int) -> str:
    """"“甲”、“乙”等": event titles (at most TITLES_SHOWN, then 等)."""
    shown = [quoted(t) for t in titles[:TITLES_SHOWN]]
    return "、".join(shown) + ("等" if total > len(shown) else "")


def main_titles(ctx: ReportContext, facts: "EventFacts", rows: list[dict]) -> list[str]:
    """The titles a sentence names for ``rows`` (events of ``facts``): all of them when few, else the
    TITLES_SHOWN with the most 人次 — by date either way."""
    if len(rows) <= TITLES_SHOWN:
        return [e["title"] for e in rows]
    kinds = {e["kind"] for e in rows}
    times = facts.participation.times
    entered = [e for e in facts.events if e["kind"] in kinds and times(e["id"]) > 0]
    entered.sort(key=lambda e: (-times(e["id"]), e["start_date"], e["id"]))  # the most 人次 first
    top = {e["id"] for e in entered[:TITLES_SHOWN]}
    chosen = [e for e in rows if e["id"] in top]
    chosen += [e for e in rows if e["id"] not in top][:TITLES_SHOWN - len(chosen)]  # events without entries
    return [e["title"] for e in sorted(chosen, key=lambda e: (e["start_date"], e["id"]))]


def _cache(ctx: ReportContext, name: str, build):
    key = (name, ctx.period.date_from, ctx.period.date_to, ctx.today.isoformat())
    if key not in ctx.cache:
        ctx.cache[key] = build()
    return ctx.cache[key]


# --- the facts of a set of event kinds over a period ---------------------------------------------------------
@dataclass
class EventFacts:
    """What the sections say about the held events of some kinds in a period (computed once per context)."""

    kinds: tuple[str, ...]
    totals: EventTotals
    events: list[dict]  # held events by date: id, title, kind, organiser_kind, organiser, start_date
    entry_ids: dict[str, list[int]] = field(default_factory=dict)  # kind -> live entries (人次 records)
    member_ids: dict[str, list[int]] = field(default_factory=dict)  # kind -> distinct participants
    all_members: list[int] = field(default_factory=list)  # distinct participants, every kind
    winner_ids: list[int] = field(default_factory=list)  # distinct persons with an award (teams expanded)
    graded: list[dict] = field(default_factory=list)  # grade, team (bool), results, persons, ids: graded entries
    collective_ids: list[int] = field(default_factory=list)  # awards to an awardee without an entry (组织奖)
    collective_sample: list[dict] = field(default_factory=list)  # the first few: name, grade
    team_sample: list[dict] = field(default_factory=list)  # the first few team awards: name, grade
    prize_ids: list[int] = field(default_factory=list)  # results with prize money
    promoted_ids: list[int] = field(default_factory=list)  # results sent on to an upstream round
    promoted_teams: int = 0  # … of them team entries
    promoted_sample: list[dict] = field(default_factory=list)  # the first few: name, member_id, round, result
    upstream_award_ids: list[int] = field(default_factory=list)  # promoted results with an upstream award
    upstream_award_sample: list[dict] = field(default_factory=list)  # the first few of them
    cte: str = ""  # the participation CTEs of these events (for the names the text asks for)
    participation: Participation = field(default_factory=Participation)  # of these events, expanded once
    params: list = field(default_factory=list)
    rate_member_ids: list[int] = field(default_factory=list)  # participants 在册 on the base day
    base_member_ids: list[int] = field(default_factory=list)  # members 在册 on the base day

    def events_of(self, kinds) -> list[dict]:
        return [e for e in self.events if kinds is None or e["kind"] in kinds]


def _event_facts(ctx: ReportContext, kinds: tuple[str, ...], *, with_base: bool) -> EventFacts:
    db, period = ctx.db, ctx.period
    f = EventFilter(date_from=period.date_from, date_to=period.date_to, kinds=kinds)
    where, params = where_clause(f)
    held = f"SELECT e.id FROM events e WHERE {where} AND e.status = '{HELD}'"
    # the period's entries are expanded to persons once per report; the totals, the ids by kind, the main events
    # and the appendix's tables all count from that
    shared = period_participation(ctx).restricted(set(kinds))
    base_day = min(period.date_to, ctx.today.isoformat())  # as event_totals takes it
    on_roll = set(_on_roll(ctx, base_day))
    totals = event_totals(db, f, today=ctx.today, participation=shared, on_roll=on_roll)
    events = [dict(r, title=event_title(r["name"], r["edition"])) for r in db.query(
        f"""SELECT e.id, e.name, e.edition, e.kind, e.organiser_kind, e.organiser, e.start_date FROM events e
            WHERE {where} AND e.status = '{HELD}' ORDER BY e.start_date, e.id""", params)]
    facts = EventFacts(kinds, totals, events, participation=shared)
    for kind, found in shared.by_kind.items():
        facts.entry_ids[kind] = found.entry_ids
        facts.member_ids[kind] = found.member_ids
    facts.all_members = shared.member_ids()
    facts.cte, facts.params = _participation_cte(held, voided=voided_members(db)), params
    _results(db, facts)
    if with_base and totals.base_date:
        facts.base_member_ids = list(_on_roll(ctx, totals.base_date))
        facts.rate_member_ids = [m for m in facts.all_members if m in on_roll]
    return facts


def _on_roll(ctx: ReportContext, day: str) -> list[int]:
    """The members 在册 on ``day`` (ascending), read once per report."""
    return _cache(ctx, f"events.on_roll:{day}", lambda: on_roll_ids(ctx.db, day))


UPSTREAM_AWARD_SQL = ("(res.upstream_result <> '' AND substr(res.upstream_result, 1, 1) NOT IN ('未', '无') AND "
                      "(instr(res.upstream_result, '奖') OR instr(res.upstream_result, '名') "
                      "OR instr(res.upstream_result, '能手')))")  # what _is_upstream_award says, in SQL
_RESULT_NAMES = """FROM res JOIN events e ON e.id = res.event_id
                   LEFT JOIN event_participants p ON p.id = res.participant_id
                   LEFT JOIN members m ON m.id = p.member_id LEFT JOIN event_teams t ON t.id = p.team_id"""
_RESULT_ORDER = "ORDER BY e.start_date, e.id, res.rank IS NULL, res.rank, res.id"
SAMPLE = 6  # rows read for the names a sentence quotes


def _results(db, facts: EventFacts) -> None:
    """The results' figures: ids as JSON arrays (one row per group), and only a few rows with names."""
    cte, params = facts.cte, facts.params

    def one(sql: str):
        return db.execute(f"WITH {cte} {sql}", params).fetchone()

    def ids(text: str | None) -> list[int]:
        return sorted(json.loads(text)) if text else []

    def rows(sql: str) -> list[dict]:
        return list(db.query(f"WITH {cte} {sql}", params))

    # every figure of the results in one statement (res and won computed once), the names only where needed
    winners, graded, collective, prizes, promoted, teams, awards = one(
        f"""SELECT (SELECT json_group_array(DISTINCT member_id) FROM won WHERE grade <> ''),
                   (SELECT json_group_array(json_array(grade, team, results, persons, json(ids))) FROM (
                        SELECT res.grade AS grade, p.team_id IS NOT NULL AS team, count(*) AS results,
                               count(DISTINCT p.member_id) AS persons, json_group_array(res.id) AS ids
                        FROM res JOIN event_participants p ON p.id = res.participant_id WHERE res.grade <> ''
                        GROUP BY 1, 2)),
                   (SELECT json_group_array(id) FROM res WHERE participant_id IS NULL AND grade <> ''),
                   (SELECT json_group_array(id) FROM res WHERE prize_fen > 0),
                   x.* FROM (
                SELECT json_group_array(res.id), count(*) FILTER (WHERE p.team_id IS NOT NULL),
                       json_group_array(res.id) FILTER (WHERE {UPSTREAM_AWARD_SQL})
                FROM res JOIN event_participants p ON p.id = res.participant_id WHERE res.promoted = 1) AS x""")
    facts.winner_ids = ids(winners)
    for grade, team, results, persons, found in sorted(json.loads(graded), key=lambda g: (g[0], g[1])):
        facts.graded.append({"grade": grade, "team": bool(team), "results": results, "persons": persons,
                             "ids": sorted(found)})
    facts.collective_ids = ids(collective)
    if facts.collective_ids:
        facts.collective_sample = rows(f"SELECT res.awardee AS name, res.grade {_RESULT_NAMES} "
                                       f"WHERE res.participant_id IS NULL AND res.grade <> '' {_RESULT_ORDER} LIMIT {SAMPLE}")
    if any(g["team"] for g in facts.graded):
        facts.team_sample = rows(f"SELECT t.name, res.grade {_RESULT_NAMES} WHERE res.grade <> '' "
                                 f"AND p.team_id IS NOT NULL {_RESULT_ORDER} LIMIT {SAMPLE}")
    facts.prize_ids = ids(prizes)
    facts.promoted_ids, facts.promoted_teams, facts.upstream_award_ids = ids(promoted), teams, ids(awards)
    if facts.promoted_ids:
        select = (f"SELECT coalesce(m.name, t.name) AS name, p.member_id, res.upstream_round, res.upstream_result "
                  f"{_RESULT_NAMES} WHERE res.promoted = 1 AND res.participant_id IS NOT NULL")
        facts.promoted_sample = rows(f"{select} {_RESULT_ORDER} LIMIT {SAMPLE}")
        facts.upstream_award_sample = rows(f"{select} AND {UPSTREAM_AWARD_SQL} {_RESULT_ORDER} LIMIT {SAMPLE}")


def grade_names(ctx: ReportContext, facts: EventFacts, grade: str, limit: int) -> list[str]:
    """The first ``limit`` members (by the event's date) with an individual award of ``grade``."""
    return [r[0] for r in ctx.db.execute(
        f"""WITH {facts.cte} SELECT m.name FROM res JOIN events e ON e.id = res.event_id
            JOIN event_participants p ON p.id = res.participant_id JOIN members m ON m.id = p.member_id
            WHERE res.grade = ? GROUP BY m.id ORDER BY min(e.start_date), min(res.id) LIMIT {int(limit)}""",
        [*facts.params, grade])]


def period_participation(ctx: ReportContext) -> Participation:
    """The participation in every event held (已举办) in the report's period, expanded to persons once for the
    report (:func:`~gonghui_desk.events.register.participation`): the competition, culture and women's sections
    all count from it. Kept in the context's cache, so it lives as long as the one report it was read for."""
    def read() -> Participation:
        where, params = where_clause(EventFilter(date_from=ctx.period.date_from, date_to=ctx.period.date_to))
        return participation(ctx.db, f"SELECT e.id FROM events e WHERE {where} AND e.status = '{HELD}'", params)

    return _cache(ctx, "events.participation", read)


def competition_facts(ctx: ReportContext) -> EventFacts:
    return _cache(ctx, "events.competition", lambda: _event_facts(ctx, COMPETITION_KINDS, with_base=False))


def _culture_kinds(ctx: ReportContext) -> tuple[str, ...]:
    """Every kind of the period's live events that is not a competition kind ('' included)."""
    rows = ctx.db.execute("SELECT DISTINCT kind FROM events WHERE voided_at IS NULL AND start_date >= ? "
                          "AND start_date <= ? ORDER BY kind", [ctx.period.date_from, ctx.period.date_to])
    return tuple(k for (k,) in rows if k not in COMPETITION_KINDS)


def culture_facts(ctx: ReportContext) -> EventFacts:
    return _cache(ctx, "events.culture", lambda: _event_facts(ctx, _culture_kinds(ctx), with_base=True))


def _ids(rows) -> tuple[int, ...]:
    return tuple(sorted(r["id"] for r in rows))


def _event_basis(ctx: ReportContext, what: str) -> str:
    return f"{period_text(ctx.period)}开始、状态为已举办的{what}（不含计划和已取消的），每项活动计1次"


def _participation_basis(ctx: ReportContext, what: str) -> str:
    return (f"{period_text(ctx.period)}已举办的{what}的参加登记：每人每参加一个项目计1人次，团体项目按队员"
            "每人计1人次；不含已作废的登记和人员")


def _persons_basis(ctx: ReportContext, what: str) -> str:
    return f"{period_text(ctx.period)}已举办的{what}的参加人员，同一人参加多次只计1人（团体项目按队员计）"


def _is_upstream_award(text: str) -> bool:
    return bool(text) and not text.startswith(("未", "无")) and ("奖" in text or "名" in text or "能手" in text)


def competition_event_stats(ctx: ReportContext) -> list[Stat]:
    """The figures of the competition events (the honours' figures are added by :func:`competition_stats`)."""
    facts = competition_facts(ctx)
    t = facts.totals
    what = "劳动竞赛、技能比武、岗位练兵、知识竞赛和安康杯竞赛"
    stats = [
        Stat("competition.events", "开展劳动和技能竞赛", t.events, "场", _event_basis(ctx, what), "events", _ids(facts.events)),
        Stat("competition.person_times", "参赛人次", t.person_times, "人次", _participation_basis(ctx, what),
             "event_participants", tuple(sorted(chain.from_iterable(facts.entry_ids.values())))),
        Stat("competition.persons", "参赛人数", t.persons, "人", _persons_basis(ctx, what), "members",
             tuple(facts.all_members)),
    ]
    for kind in COMPETITION_KINDS:
        key, unit, word = COMPETITION_WORDS[kind]
        rows = facts.events_of((kind,))
        if rows:
            stats.append(Stat(f"competition.kind.{key}", f"{word}场次", len(rows), unit,
                              _event_basis(ctx, f"“{kind}”类活动"), "events", _ids(rows)))
    upstream = [e for e in facts.events if e["organiser_kind"] in UPSTREAM]
    if upstream:
        stats.append(Stat("competition.upstream_events", "参加上级和外单位竞赛场次", len(upstream), "场",
                          _event_basis(ctx, f"{what}中由上级工会或外单位举办、本会组织人员参加的"), "events",
                          _ids(upstream)))
    if t.teams:
        team_ids = tuple(facts.participation.team_ids())
        stats.append(Stat("competition.teams", "参赛队伍", t.teams, "支",
                          f"{period_text(ctx.period)}已举办的竞赛中参加团体项目的不同队伍", "event_teams", team_ids))
    stats += _award_stats(ctx, facts, "competition", "竞赛")
    if t.promoted:
        promoted = tuple(facts.promoted_ids)
        stats.append(Stat("competition.promoted", "推荐参加上级比赛人次", t.promoted, "人次",
                          "成绩登记为“推荐参加上级比赛”的，每人每项计1人次，团体按队员计", "event_results", promoted))
        stats.append(Stat("competition.promoted_persons", "推荐参加上级比赛人数", t.promoted_persons, "人",
                          "成绩登记为“推荐参加上级比赛”的不同人员（团体按队员计）", "event_results", promoted))
        if facts.upstream_award_ids:
            team = facts.promoted_teams > 0
            stats.append(Stat("competition.upstream_awards", "上级比赛获奖", len(facts.upstream_award_ids),
                              "项" if team else "人次",
                              "推荐参加上级比赛、登记了上级比赛获奖结果的成绩" + ("（团体一队计1项）" if team else ""),
                              "event_results", tuple(facts.upstream_award_ids)))
    return stats


def _award_stats(ctx: ReportContext, facts: EventFacts, prefix: str, what: str) -> list[Stat]:
    """获奖人数/人次, by grade (individual results), team awards by grade, collective awards and prize money."""
    t = facts.totals
    stats: list[Stat] = []
    if t.awards:
        stats.append(Stat(f"{prefix}.winners", "获奖人数", t.winners, "人",
                          f"{period_text(ctx.period)}已举办的{what}中获奖（登记了获奖等级）的不同人员，团体获奖按队员计",
                          "members", tuple(facts.winner_ids)))
        stats.append(Stat(f"{prefix}.awards", "获奖人次", t.awards, "人次",
                          f"{period_text(ctx.period)}已举办的{what}中登记了获奖等级的成绩，团体获奖按队员每人计1人次",
                          "event_results", tuple(sorted(i for g in facts.graded for i in g["ids"]))))
    order = {grade: i for i, grade in enumerate(t.by_grade)}
    for g in sorted(facts.graded, key=lambda g: (order.get(g["grade"], len(order)), g["grade"])):
        grade = g["grade"]
        if g["team"]:
            stats.append(Stat(f"{prefix}.team_grade:{grade}", f"团体项目{grade}", g["results"], "支",
                              f"团体项目获{grade}的队伍（每队每项计1支次）", "event_results", tuple(g["ids"])))
        else:
            same = g["persons"] == g["results"]
            stats.append(Stat(f"{prefix}.grade:{grade}", f"个人项目{grade}", g["persons"] if same else g["results"],
                              "人" if same else "人次",
                              f"个人项目获{grade}的成绩" + ("（每人1次）" if same else "，每人每项计1人次"),
                              "event_results", tuple(g["ids"])))
    if facts.collective_ids:
        stats.append(Stat(f"{prefix}.collective_awards", "集体奖项", len(facts.collective_ids), "项",
                          "授予部门或本会、没有参赛登记的奖项（如组织奖）", "event_results", tuple(facts.collective_ids)))
    if t.prize_fen:
        stats.append(Stat(f"{prefix}.prize", "奖金", t.prize_fen, "元", "已举办活动中登记的成绩奖金之和（不含已作废的成绩）",
                          "event_results", tuple(facts.prize_ids)))
    return stats


def competition_stats(ctx: ReportContext) -> list[Stat]:
    from gonghui_desk.honours.report_sections import honour_stats

    return competition_event_stats(ctx) + honour_stats(ctx)


# --- competition: text -----------------------------------------------------------------------------------
def _staff(ctx: ReportContext) -> str:
    return ctx.vocabulary.staff


def _who(mt: MarkedText, persons: Stat, times: Stat, staff: str, verb: str = "参加") -> None:
    """"56名职工参加" / "48名职工参加，累计56人次" (人次 only when it differs from 人)."""
    mt.figure(persons, count_phrase(persons.value, "名", mt.options)).add(f"{staff}{verb}")
    if times.value != persons.value:
        mt.add("，累计").figure(times)


def _competition_events_paragraphs(ctx: ReportContext, s: dict[str, Stat], previous, facts: EventFacts
                                   ) -> list[Paragraph]:
    events = s["competition.events"]
    if not events.value:
        return []
    staff, period = _staff(ctx), when(ctx)
    mt = MarkedText(ctx.options)
    kinds = [k for k in COMPETITION_KINDS if f"competition.kind.{COMPETITION_WORDS[k][0]}" in s]
    upstream = s.get("competition.upstream_events")
    if events.value == 1:
        event = facts.events[0]
        if event["organiser_kind"] in UPSTREAM:
            host = event["organiser"] or ("上级工会" if event["organiser_kind"] == "上级" else "外单位")
            mt.add(f"{period}，本会组织{staff}参加了{host}举办的{quoted(event['title'])}")
        else:
            mt.add(f"{period}，本会举办了{quoted(event['title'])}")
    else:
        words = [COMPETITION_WORDS[k][2] for k in kinds]
        what = _join_words(words) if len(words) <= 2 else "、".join(words[:2]) + "等竞赛活动"
        mt.add(f"{period}共开展{what}").figure(events)
        if len(kinds) > 1:
            mt.add("，其中")
            for i, kind in enumerate(kinds):
                mt.add(("、" if i else "") + COMPETITION_WORDS[kind][2])
                mt.figure(s[f"competition.kind.{COMPETITION_WORDS[kind][0]}"])
        if upstream and upstream.value < events.value:
            mt.add("（含组织参加上级工会和外单位举办的比赛").figure(upstream).add("）")
        elif upstream:
            mt.add("（均为组织参加上级工会和外单位举办的比赛）")
        titles = main_titles(ctx, facts, facts.events)
        lead = "，主要有" if len(facts.events) > TITLES_SHOWN else "，包括"
        mt.add(lead + _titles(titles, len(facts.events)) + "。")
    persons, times = s["competition.persons"], s["competition.person_times"]
    if persons.value:
        mt.add("各项比赛共有" if events.value > 1 else "，")
        _who(mt, persons, times, staff)
        teams = s.get("competition.teams")
        if teams:
            mt.add("；团体项目共有").figure(teams).add("队伍参赛")
        mt.add("。")
    elif events.value == 1:
        mt.add("。")
    compare = compare_text(ctx, s, previous, [("competition.events", "竞赛场次"),
                                              ("competition.person_times", "参赛人次")])
    if compare:
        mt.extend(compare)
    return [mt.paragraph()]


def award_paragraph(ctx: ReportContext, s: dict[str, Stat], facts: EventFacts, prefix: str, lead: str
                    ) -> Paragraph | None:
    """The results: 获奖人数/人次, 其中 individual grades, team awards, collective awards, prize money."""
    winners = s.get(f"{prefix}.winners")
    collective = s.get(f"{prefix}.collective_awards")
    if not winners and not collective:
        return None
    staff, options = _staff(ctx), ctx.options
    mt = MarkedText(options)
    mt.add(lead)
    if winners:
        awards = s[f"{prefix}.awards"]
        grades = [st for st in s.values() if st.key.startswith(f"{prefix}.grade:")]
        team_grades = [st for st in s.values() if st.key.startswith(f"{prefix}.team_grade:")]
        mt.figure(winners, count_phrase(winners.value, "名", options)).add(f"{staff}获奖")
        if awards.value != winners.value:
            mt.add("，累计").figure(awards)
        if team_grades:
            mt.add("（团体项目按队员计）")
        if grades:
            mt.add("。个人项目中，" if team_grades else "，其中")
            for i, st in enumerate(grades):
                grade = st.key.split(":", 1)[1]
                names = grade_names(ctx, facts, grade, NAMES_SHOWN) if options.names and st.unit == "人" and not i else []
                mt.add("，" if i else "")
                if names and i == 0:
                    mt.add("、".join(names[:NAMES_SHOWN]) + ("等" if st.value > len(names[:NAMES_SHOWN]) else ""))
                    mt.figure(st, count_phrase(st.value, "人", options)).add(f"获{grade}")
                else:
                    mt.add(grade).figure(st)
        if team_grades:
            mt.add("；团体项目中，" if grades else "。团体项目中，")
            team_rows = facts.team_sample
            if len(team_rows) <= 4:
                # the teams by name: "一车间队获团体第一名，行政部队获团体第二名"; the counts are the team stats
                first = True
                for st in team_grades:
                    grade = st.key.split(":", 1)[1]
                    rows = [r for r in team_rows if r["grade"] == grade]
                    mt.add(("" if first else "，") + "、".join(r["name"] for r in rows) + "获" + grade)
                    if len(rows) > 1:
                        mt.add("（").figure(st).add("）")
                    first = False
            else:
                for i, st in enumerate(team_grades):
                    grade = st.key.split(":", 1)[1]
                    mt.add(("、" if i else "") + grade).figure(st)
    if collective:
        rows = facts.collective_sample
        mt.add("；" if winners else "")
        if len(rows) <= 3:
            mt.add("，".join(f"{r['name']}获{r['grade']}" for r in rows))
        else:
            mt.add("另获组织奖等集体奖项").figure(collective)
    prize = s.get(f"{prefix}.prize")
    if prize:
        mt.add("；共发放奖金").figure(prize)
    mt.add("。")
    return mt.paragraph()


def _upstream_line(row: dict, *, single: bool) -> str:
    """"张三在市级决赛中获二等奖"; for the only one: "张三同志被推荐参加市级决赛，获二等奖"."""
    result, where = row["upstream_result"], row["upstream_round"]
    verb = "获" if "奖" in result else "取得"
    if single:
        text = f"{row['name']}同志被推荐参加{where or '上级比赛'}"
        return text + (f"，{verb}{result}" if _is_upstream_award(result) else "")
    return f"{row['name']}{f'在{where}中' if where else '在上级比赛中'}{verb}{result}"


def _promotion_paragraph(ctx: ReportContext, s: dict[str, Stat], facts: EventFacts) -> Paragraph | None:
    """Who was sent on to an upstream round (推荐参加上级比赛) and what they won there."""
    promoted = s.get("competition.promoted")
    if not promoted:
        return None
    persons, awards = s["competition.promoted_persons"], s.get("competition.upstream_awards")
    staff, options = _staff(ctx), ctx.options
    rows, results = facts.promoted_sample, facts.upstream_award_sample
    individual = facts.promoted_teams == 0
    mt = MarkedText(options)
    if options.names and individual and len(facts.promoted_ids) == 1:
        mt.add(_upstream_line(rows[0], single=True) + "。")
        return mt.paragraph()
    if options.names and individual:
        names = list(dict.fromkeys(r["name"] for r in rows))
        shown = names[:NAMES_SHOWN]
        mt.add("、".join(shown) + ("等" if persons.value > len(shown) else ""))
        mt.figure(persons, count_phrase(persons.value, "名", options)).add(f"{staff}被推荐参加上级比赛")
    else:
        mt.add("推荐").figure(persons, count_phrase(persons.value, "名", options)).add(f"{staff}参加上级比赛")
        if promoted.value != persons.value:
            mt.add("（").figure(promoted).add("，团体项目按队员计）")
    if awards and len(facts.upstream_award_ids) == len(facts.promoted_ids) and not options.names:
        mt.add("，" + ("并" if len(facts.promoted_ids) == 1 else "均") + "在上级比赛中获奖")
    elif awards:
        if options.names:
            mt.add("，其中" + "，".join(_upstream_line(r, single=False) for r in results[:5]))
            if awards.value > 5:
                mt.add("等，共").figure(awards).add("在上级比赛中获奖")
        else:
            mt.add("，其中").figure(awards).add("在上级比赛中获奖")
    mt.add("。")
    return mt.paragraph()


def write_competition(ctx: ReportContext, stats: list[Stat], previous: list[Stat] | None) -> Section:
    from gonghui_desk.honours.report_sections import honour_section

    s = {st.key: st for st in stats}
    facts = competition_facts(ctx)
    blocks = _competition_events_paragraphs(ctx, s, previous, facts)
    if s.get("competition.events") and s["competition.events"].value:
        for paragraph in (award_paragraph(ctx, s, facts, "competition", "比赛中，共有"),
                          _promotion_paragraph(ctx, s, facts)):
            if paragraph is not None:
                blocks.append(paragraph)
    honours = honour_section(ctx, stats, previous)
    section = Section(competition_title(ctx))
    if blocks and honours.has_body():
        section.children = [Section("劳动和技能竞赛", blocks), honours]
    elif blocks:
        section.blocks = blocks
    elif honours.has_body():
        section.blocks = honours.blocks
    else:
        section.blocks = [Paragraph("【本期没有登记劳动竞赛、技能比武和荣誉记录。如开展了相关工作，请在此填写；"
                                    "否则请删除本部分。】")]
    return section


def competition_title(ctx: ReportContext) -> str:
    """Two clauses that follow what the section holds: competitions, honours, or both."""
    from gonghui_desk.honours.report_sections import honour_facts

    events = bool(competition_facts(ctx).events)
    honours = bool(honour_facts(ctx).rows or honour_facts(ctx).pending)
    if events and not honours:
        return f"深入开展劳动和技能竞赛，提升{ctx.vocabulary.staff}技能素质"
    if honours and not events:
        return "选树先进典型，弘扬劳模精神"
    return "深入开展劳动和技能竞赛，大力弘扬劳模精神"


# --- appendix (shared by both sections) ------------------------------------------------------------------
def _rows_by_kind(facts: EventFacts) -> Table:
    rows = []
    for kind, (events, times, persons) in facts.totals.by_kind.items():
        rows.append((kind or "未分类", str(events), str(times), str(persons)))
    return Table(("活动类型", "场次", "参加人次", "参加人数"), rows, ChartSpec(2, "各类活动参加人次"))


def _rows_by_month(ctx: ReportContext, facts: EventFacts) -> Table:
    if not facts.events:
        return Table(("月份", "场次", "参加人次"), [])
    times: dict[str, int] = {}  # 人次 by month, from the participation counted once
    months: dict[str, int] = {}
    for e in facts.events:
        month = e["start_date"][:7]
        months[month] = months.get(month, 0) + 1
        times[month] = times.get(month, 0) + facts.participation.times(e["id"])
    rows = [(f"{int(m[:4])}年{int(m[5:])}月", str(n), str(times.get(m, 0))) for m, n in sorted(months.items())]
    return Table(("月份", "场次", "参加人次"), rows, ChartSpec(2, "各月活动参加人次"))


def _event_list(ctx: ReportContext, facts: EventFacts) -> Table:
    from gonghui_desk.events.register import event_figures

    figures = event_figures(ctx.db, [e["id"] for e in facts.events], participation=facts.participation)
    rows = []
    for e in facts.events:
        f = figures[e["id"]]
        host = "本会" if e["organiser_kind"] == "本会" else (e["organiser"] or e["organiser_kind"])
        rows.append((date_text(e["start_date"]), e["title"], e["kind"] or "未分类", host, str(f.person_times),
                     str(f.persons), str(f.award_times)))
    return Table(("日期", "活动名称", "类型", "举办单位", "参加人次", "参加人数", "获奖人次"), rows)


def _grade_table(facts: EventFacts) -> Table:
    rows = [(grade, str(persons), str(times)) for grade, (persons, times) in facts.totals.by_grade.items()]
    if facts.totals.collective_awards:
        rows.append(("集体奖项（组织奖等）", "—", str(facts.totals.collective_awards)))
    return Table(("获奖等级", "获奖人数", "获奖人次"), rows)


def competition_appendix(ctx: ReportContext, stats: list[Stat]) -> list[Table]:
    from gonghui_desk.honours.report_sections import honour_appendix

    facts = competition_facts(ctx)
    tables = []
    if facts.events:
        tables += [_event_list(ctx, facts), _rows_by_kind(facts), _rows_by_month(ctx, facts)]
        if facts.totals.by_grade or facts.totals.collective_awards:
            tables.append(_grade_table(facts))
    return tables + honour_appendix(ctx, stats)


# --- culture -------------------------------------------------------------------------------------------------
def _group_rows(facts: EventFacts, kinds) -> list[dict]:
    if kinds is None:  # the other kinds: every kind not in a named group
        named = {k for _, _, ks, _ in CULTURE_GROUPS if ks for k in ks}
        return [e for e in facts.events if e["kind"] not in named]
    return facts.events_of(kinds)


def culture_stats(ctx: ReportContext) -> list[Stat]:
    facts = culture_facts(ctx)
    t = facts.totals
    what = "文体活动、文艺演出、讲座和培训、疗休养等活动"
    stats = [
        Stat("culture.events", "组织文体活动和培训", t.events, "次", _event_basis(ctx, what), "events", _ids(facts.events)),
        Stat("culture.person_times", "参加活动", t.person_times, "人次", _participation_basis(ctx, what),
             "event_participants", tuple(sorted(chain.from_iterable(facts.entry_ids.values())))),
        Stat("culture.persons", "参加人数", t.persons, "人", _persons_basis(ctx, what), "members",
             tuple(facts.all_members)),
    ]
    for key, word, kinds, unit in CULTURE_GROUPS:
        rows = _group_rows(facts, kinds)
        if not rows:
            continue
        group_kinds = {e["kind"] for e in rows}
        label = f"“{'、'.join(sorted(group_kinds))}”类活动" if kinds is None else f"“{'、'.join(kinds)}”类活动"
        entries = sorted(chain.from_iterable(facts.entry_ids.get(k, ()) for k in group_kinds))
        members = sorted(set().union(*(facts.member_ids.get(k, ()) for k in group_kinds)))
        times = sum(t.by_kind.get(k, (0, 0, 0))[1] for k in group_kinds)
        stats += [
            Stat(f"culture.{key}.events", f"{word}次数", len(rows), unit, _event_basis(ctx, label), "events", _ids(rows)),
            Stat(f"culture.{key}.person_times", f"{word}参加人次", times, "人次", _participation_basis(ctx, label),
                 "event_participants", tuple(entries)),
            Stat(f"culture.{key}.persons", f"{word}参加人数", len(members), "人", _persons_basis(ctx, label), "members",
                 tuple(members)),
        ]
        upstream = [e for e in rows if e["organiser_kind"] in UPSTREAM]
        if upstream:
            stats.append(Stat(f"culture.{key}.upstream", f"参加上级和外单位{word}次数", len(upstream), unit,
                              _event_basis(ctx, f"{label}中由上级工会或外单位举办、本会组织人员参加的"), "events",
                              _ids(upstream)))
    if t.participation_rate is not None and t.persons:
        day = date_text(t.base_date)
        count = Stat("culture.rate_persons", "参加活动的在册会员", t.base_persons, "人",
                     f"{period_text(ctx.period)}参加上述活动、{day}仍在册的不同会员（退休、转出等不计）", "members",
                     tuple(facts.rate_member_ids))
        base = Stat("culture.rate_base", "在册会员", t.base_members, "人",
                    f"{day}在册的会员（按会员状态记录，不含退休、转出、退会、去世的会员）", "members",
                    tuple(facts.base_member_ids))
        rate = rate_stat("culture.participation_rate", "参与率", t.base_persons, t.base_members, "人",
                         "参加活动的在册会员", f"{day}在册会员", "members", tuple(facts.rate_member_ids))
        stats += [rate, count, base]
    stats += _award_stats(ctx, facts, "culture", "文体活动")
    if t.cost_fen:
        stats.append(Stat("culture.cost", "活动经费", t.cost_fen, "元",
                          f"{period_text(ctx.period)}已举办的上述活动登记的费用之和", "events",
                          _ids([e for e in facts.events])))
    return stats


def _group_clause(ctx: ReportContext, s: dict[str, Stat], facts: EventFacts, key: str, word: str, kinds,
                  mt: MarkedText, *, lead: bool) -> None:
    """One group's clause, e.g. "举办讲座和培训3期，培训教职工120人次"."""
    staff, options = _staff(ctx), ctx.options
    events, times, persons = s[f"culture.{key}.events"], s[f"culture.{key}.person_times"], s[f"culture.{key}.persons"]
    rows = _group_rows(facts, kinds)
    titles = main_titles(ctx, facts, rows)
    period = when(ctx) if lead else ""
    upstream = s.get(f"culture.{key}.upstream")
    if key == "training":
        if events.value == 1:
            mt.add(f"{period}举办了{quoted(titles[0])}" if not upstream else f"{period}选派{staff}参加了{quoted(titles[0])}")
        else:
            mt.add(f"{period}举办讲座和培训").figure(events).add("，内容包括" + _titles(titles, len(rows)))
            if upstream:
                mt.add("（其中参加上级工会和外单位组织的").figure(upstream).add("）")
        if times.value:
            mt.add("，培训" + staff).figure(times)
    elif key == "rest":
        mt.add(f"{period}组织{staff}疗休养").figure(events)
        if persons.value:
            mt.add("，共").figure(persons, count_phrase(persons.value, "名", options)).add(f"{staff}参加")
            if times.value != persons.value:
                mt.add("（").figure(times).add("）")
    else:
        verb = "举办" if key == "performances" else "开展"
        if events.value == 1:
            mt.add(f"{period}{verb}了{quoted(titles[0])}")
        else:
            mt.add(f"{period}{verb}{word}").figure(events)
            mt.add("，" + ("主要有" if len(rows) > TITLES_SHOWN else "包括") + _titles(titles, len(rows)))
        if times.value:
            mt.add("，参加演出" if key == "performances" else "，参加").figure(times)


def _culture_overview(ctx: ReportContext, s: dict[str, Stat], groups: list[tuple]) -> MarkedText:
    staff = _staff(ctx)
    mt = MarkedText(ctx.options)
    events, times, persons = s["culture.events"], s["culture.person_times"], s["culture.persons"]
    words = [word for key, word, _, _ in groups if key != "other"]
    kinds = f"{_join_words(words)}等{'各类' if len(words) < len(groups) else ''}活动"
    mt.add(f"{when(ctx)}共组织开展{kinds}").figure(events)
    if persons.value:
        mt.add("，参加").figure(times).add("，涉及").figure(persons, count_phrase(persons.value, "名", ctx.options))
        mt.add(staff)
    mt.add("。")
    return mt


def _rate_sentence(ctx: ReportContext, s: dict[str, Stat], facts: EventFacts, mt: MarkedText) -> None:
    rate = s.get("culture.participation_rate")
    if rate is None:
        return
    count, base = s["culture.rate_persons"], s["culture.rate_base"]
    day = date_text(facts.totals.base_date)
    if is_complete(count.value, base.value):
        mt.add("在册会员实现全员参与，参与率为")
    else:
        mt.add(f"按{day}在册会员计，{ctx.vocabulary.staff}参与率为")
    write_rate(mt, rate, count, base, "参加活动的在册会员", "在册会员")
    mt.add("。")


def write_culture(ctx: ReportContext, stats: list[Stat], previous: list[Stat] | None) -> Section:
    s = {st.key: st for st in stats}
    facts = culture_facts(ctx)
    section = Section(culture_title(ctx))
    if not s["culture.events"].value:
        section.blocks = [Paragraph("【本期没有登记文体活动、文艺演出、讲座培训和疗休养记录。如开展了相关工作，"
                                    "请在此填写；否则请删除本部分。】")]
        return section
    groups = [g for g in CULTURE_GROUPS if f"culture.{g[0]}.events" in s]
    blocks = []
    if len(groups) == 1:
        key, word, kinds, _ = groups[0]
        mt = MarkedText(ctx.options)
        _group_clause(ctx, s, facts, key, word, kinds, mt, lead=True)
        if key != "rest" and s["culture.persons"].value and s[f"culture.{key}.person_times"].value:
            mt.add("，涉及").figure(s["culture.persons"], count_phrase(s["culture.persons"].value, "名", ctx.options))
            mt.add(_staff(ctx))
        mt.add("。")
        _rate_sentence(ctx, s, facts, mt)
        blocks.append(mt.paragraph())
    else:
        mt = _culture_overview(ctx, s, groups)
        _rate_sentence(ctx, s, facts, mt)
        blocks.append(mt.paragraph())
        detail = MarkedText(ctx.options)
        for i, (key, word, kinds, _) in enumerate(groups):
            detail.add(("；" if i else "") + f"{chinese_numeral(i + 1)}是")
            _group_clause(ctx, s, facts, key, word, kinds, detail, lead=False)
        detail.add("。")
        blocks.append(detail.paragraph())
    awards = award_paragraph(ctx, s, facts, "culture", "在各项文体比赛中，共有")
    tail = MarkedText(ctx.options)
    if s.get("culture.cost"):
        tail.add("上述活动共支出经费").figure(s["culture.cost"]).add("。")
    compare = compare_text(ctx, s, previous, [
        ("culture.events", "活动次数"), ("culture.person_times", "参加人次"),
        ("culture.participation_rate", "参与率", "culture.rate_persons", "culture.rate_base")])
    if compare:
        tail.extend(compare)
    if awards is not None:
        blocks.append(awards)
    if tail:
        blocks.append(tail.paragraph())
    section.blocks = blocks
    return section


def culture_title(ctx: ReportContext) -> str:
    staff = ctx.vocabulary.staff
    return f"丰富{staff}文化生活，提升{staff}素质"


def culture_appendix(ctx: ReportContext, stats: list[Stat]) -> list[Table]:
    facts = culture_facts(ctx)
    if not facts.events:
        return []
    tables = [_event_list(ctx, facts), _rows_by_kind(facts), _rows_by_month(ctx, facts)]
    if facts.totals.by_grade or facts.totals.collective_awards:
        tables.append(_grade_table(facts))
    return tables


COMPETITION = register_section(SectionSpec(
    key="competition", title="劳动竞赛、技能比武和劳模", order=30, stats=competition_stats, write=write_competition,
    appendix=competition_appendix, title_for=competition_title,
    headline=("competition.events", "competition.honours")))
CULTURE = register_section(SectionSpec(
    key="culture", title="文体活动与职工培训", order=50, stats=culture_stats, write=write_culture,
    appendix=culture_appendix, title_for=culture_title, headline=("culture.events", "culture.person_times")))
