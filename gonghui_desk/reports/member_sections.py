"""The report section 自身建设 (key ``self``, DOMAIN.md §4 order 70): the organisation and its members.

What it counts (each a :class:`~gonghui_desk.reports.model.Stat`, counted in SQL):

* Members on the roll (在册 or 退休: retired members stay on the roll, DOMAIN.md §2.2) at the period's end —
  its last day, or today when the period runs past today — and at its start (the day before its first day),
  both read from the status history (``member_status_changes``), so a report on a past year counts the roll
  as it was then. Voided (mistaken) entries never count. At the end also: 在职 (在册) and 退休, women, and
  农民工 members; the net change end − start.
* Joined: members whose 入会日期 falls in the period (whatever their status now). Retired: members whose
  status changed to 退休 in the period (they stay on the roll). Left: members whose status changed from the
  roll (在册/退休, or a first record) to 转出, 退会 or 去世 in the period, by reason; each person once.
* The organisation as it stands (sub-units and committees carry no dates): 分工会, 工会小组 and 部门 (个),
  the members of the 工会委员会 (of them women), 经审委员会 and 女职工委员会 (人); the committee's election
  when the profile's 当选日期 falls in the period.
* 入会率 = working members (在册) at the end ÷ the staff count (union.staff_counts) of the end's year (or the
  year before when that year has none); left out when no staff count is known or it is below the members.
* The union's own honours (本会, 获评) and 职工之家/职工小家-type honours of its sub-units in the period: an
  honour with a date counts by its date, one without by its year (any year the period touches).

:func:`roll_counts` (the roll on a day, cached in ``ctx.cache``) and the period helpers are shared with the
women's section (:mod:`gonghui_desk.reports.women_sections`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from gonghui_desk.db.member_queries import status_on_sql
from gonghui_desk.documents import ChartSpec, Section, Table
from gonghui_desk.documents.model import chinese_numeral
from gonghui_desk.documents.wording import date_text
from gonghui_desk.honours.store import AWARDED, LEVELS
from gonghui_desk.reports.model import ReportContext, SectionSpec, Stat
from gonghui_desk.reports.periods import period_shape, period_words
from gonghui_desk.reports.sections import register_section
from gonghui_desk.reports.text import MarkedText, count_phrase, percent_phrase
from gonghui_desk.union import load_profile, sub_units

__all__ = ["HOME_WORDS", "LEAVING", "NAMES_UP_TO", "ON_ROLL", "RollCounts", "SELF_SPEC", "add_recipients",
           "award_phrase", "end_day", "honour_groups", "honour_period_params", "honour_period_sql", "honour_rows", "ids_of",
           "period_span_text", "roll_counts", "roll_total", "self_stats", "self_title", "self_write", "start_day",
           "status_on_day_sql"]

ON_ROLL = ("在册", "退休")
LEAVING = ("转出", "退会", "去世")
NAMES_UP_TO = 5  # new members are named when there are at most this many (and options.names)
HOME_WORDS = ("之家", "小家")  # 模范职工之家, 先进职工小家, 教工之家…: the honours of a union's own work
LEVEL_WORDS = {"全国": "全国", "省部级": "省级", "市级": "市级", "县区级": "县区级", "系统/行业": "系统", "本单位": ""}


# --- the period -------------------------------------------------------------------------------------------------
def end_day(ctx: ReportContext) -> str:
    """The day the period's closing figures are taken on: its last day, or today when it ends later."""
    return min(ctx.period.date_to, ctx.today.isoformat())


def start_day(ctx: ReportContext) -> str:
    """The day the period's opening figures are taken on: the day before its first day."""
    return (dt.date.fromisoformat(ctx.period.date_from) - dt.timedelta(days=1)).isoformat()


def period_span_text(ctx: ReportContext) -> str:
    """"2026年1月1日至11月22日" — the days counted (up to :func:`end_day`)."""
    a, b = dt.date.fromisoformat(ctx.period.date_from), dt.date.fromisoformat(end_day(ctx))
    if a.year == b.year:
        return f"{date_text(a)}至{b.month}月{b.day}日"
    return f"{date_text(a)}至{date_text(b)}"


def _start_word(ctx: ReportContext) -> str:
    """How the text names the opening day: 年初, 学期初, or the date."""
    if ctx.kind == "term":
        return "任期之初"
    shape, _, n = period_shape(ctx.period)
    if shape == "year" or (shape == "half" and n == 1):
        return "年初"
    if shape == "semester":
        return "学期初"
    return date_text(start_day(ctx))


def _spans_years(ctx: ReportContext) -> bool:
    return ctx.period.date_from[:4] != ctx.period.date_to[:4]


def honour_period_sql(alias: str = "h") -> str:
    """The condition "awarded in the period" on ``honours``: its date in the period, or, without a date, its
    year among the years the period touches. Parameters: date_from, date_to, year_from, year_to."""
    return (f"({alias}.voided_at IS NULL AND {alias}.stage = '{AWARDED}' AND "
            f"(({alias}.conferred_on IS NOT NULL AND {alias}.conferred_on BETWEEN ? AND ?) OR "
            f"({alias}.conferred_on IS NULL AND {alias}.year BETWEEN ? AND ?)))")


def honour_period_params(ctx: ReportContext) -> list:
    return [ctx.period.date_from, ctx.period.date_to, int(ctx.period.date_from[:4]), int(ctx.period.date_to[:4])]


LEVEL_ORDER_SQL = "CASE h.level " + " ".join(f"WHEN '{lv}' THEN {i}" for i, lv in enumerate(LEVELS)) + " END"


def ids_of(text: str | None) -> tuple[int, ...]:
    """A JSON array of ids (from ``json_group_array``) as a sorted tuple."""
    return tuple(sorted(json.loads(text))) if text else ()


# --- the roll on a day ------------------------------------------------------------------------------------------
def status_on_day_sql(alias: str = "m") -> str:
    """SQL for a member's status on a day (the day given twice as parameters): the status column when no
    change takes effect after the day, else the status history's entry in force on that day (NULL when the
    person was not recorded yet). The history is read only for the few members changed since."""
    return (f"(CASE WHEN {alias}.id IN (SELECT member_id FROM member_status_changes WHERE effective_date > ?) "
            f"THEN {status_on_sql(f'{alias}.id')} ELSE {alias}.status END)")


@dataclass(frozen=True)
class RollCounts:
    day: str
    total: int = 0  # 在册 + 退休
    working: int = 0  # 在册
    retired: int = 0  # 退休
    women: int = 0
    women_working: int = 0
    women_retired: int = 0
    migrant: int = 0
    ids: tuple[int, ...] = ()
    working_ids: tuple[int, ...] = ()
    retired_ids: tuple[int, ...] = ()
    women_ids: tuple[int, ...] = ()
    women_working_ids: tuple[int, ...] = ()
    migrant_ids: tuple[int, ...] = ()


def roll_counts(ctx: ReportContext, day: str) -> RollCounts:
    """The members on the roll on ``day`` (see the module text) and their breakdowns, in one query; cached in
    ``ctx.cache``. The roll is gathered once (MATERIALIZED: every breakdown reads the status once) from a scan
    of the table (the status index would fetch every row for its sex)."""
    key = ("members.roll", day)
    if key in ctx.cache:
        return ctx.cache[key]
    row = ctx.db.execute(
        f"""WITH roll AS MATERIALIZED (
                SELECT m.id AS id, m.sex AS sex, m.is_migrant_worker AS migrant, {status_on_day_sql()} AS st
                FROM members m NOT INDEXED WHERE m.voided_at IS NULL)
            SELECT count(*), count(*) FILTER (WHERE st = '在册'), count(*) FILTER (WHERE st = '退休'),
                   count(*) FILTER (WHERE sex = '女'), count(*) FILTER (WHERE sex = '女' AND st = '在册'),
                   count(*) FILTER (WHERE sex = '女' AND st = '退休'), count(*) FILTER (WHERE migrant = 1),
                   json_group_array(id), json_group_array(id) FILTER (WHERE st = '在册'),
                   json_group_array(id) FILTER (WHERE st = '退休'), json_group_array(id) FILTER (WHERE sex = '女'),
                   json_group_array(id) FILTER (WHERE sex = '女' AND st = '在册'),
                   json_group_array(id) FILTER (WHERE migrant = 1)
            FROM roll WHERE st IN ('在册', '退休')""", [day, day]).fetchone()
    counts = RollCounts(day, *row[:7], *(ids_of(text) for text in row[7:]))
    ctx.cache[key] = counts
    return counts


def roll_total(ctx: ReportContext, day: str) -> tuple[int, tuple[int, ...]]:
    """(members on the roll on ``day``, their ids): the light part of :func:`roll_counts`."""
    if ("members.roll", day) in ctx.cache:
        counts = ctx.cache[("members.roll", day)]
        return counts.total, counts.ids
    n, ids = ctx.db.execute(
        f"""SELECT count(*), json_group_array(m.id) FROM members m
            WHERE m.voided_at IS NULL AND {status_on_day_sql()} IN ('在册', '退休')""", [day, day]).fetchone()
    return n, ids_of(ids)


# --- the figures ------------------------------------------------------------------------------------------------
def _joined(ctx: ReportContext) -> tuple[int, tuple[int, ...], list[str]]:
    """Members whose 入会日期 is in the period: (count, ids, the first names by date)."""
    count, ids, names = ctx.db.execute(
        """SELECT count(*), json_group_array(id), (SELECT json_group_array(name) FROM (
                      SELECT name FROM members WHERE voided_at IS NULL AND join_date BETWEEN ?1 AND ?2
                      ORDER BY join_date, id LIMIT ?3))
           FROM members WHERE voided_at IS NULL AND join_date BETWEEN ?1 AND ?2""",
        [ctx.period.date_from, end_day(ctx), NAMES_UP_TO]).fetchone()
    return count, ids_of(ids), json.loads(names) if names else []


def _status_changes(ctx: ReportContext) -> dict[str, tuple[int, tuple[int, ...]]]:
    """new status → (distinct members, the ids of their changes — each member's first of the period) of the
    changes to 退休 / 转出 / 退会 / 去世 in the period that left the roll (or, for 退休, stayed on it); and
    "left": the distinct members who left the roll, whatever the reason."""
    rows = ctx.db.execute(
        """WITH changes AS MATERIALIZED (
               SELECT s.new_status AS status, s.member_id AS member_id, min(s.id) AS change_id
               FROM member_status_changes s CROSS JOIN members m ON m.id = s.member_id AND m.voided_at IS NULL
               WHERE s.effective_date BETWEEN ? AND ? AND s.new_status IN ('退休', '转出', '退会', '去世')
                 AND (s.old_status IS NULL OR s.old_status IN ('在册', '退休')) AND s.old_status IS NOT s.new_status
               GROUP BY s.new_status, s.member_id)
           SELECT status, count(*), json_group_array(change_id) FROM changes GROUP BY status
           UNION ALL
           SELECT 'left', count(*), json_group_array(change_id) FROM (
               SELECT min(change_id) AS change_id FROM changes WHERE status <> '退休' GROUP BY member_id)""",
        [ctx.period.date_from, end_day(ctx)]).fetchall()
    return {status: (n, ids_of(ids)) for status, n, ids in rows}


def _stat(key: str, label: str, value: int, unit: str, basis: str, table: str = "", ids=(), base: int = 0) -> Stat:
    return Stat(f"self.{key}", label, value, unit, basis, table, tuple(ids), base)


def self_stats(ctx: ReportContext) -> list[Stat]:
    span = period_span_text(ctx)
    end, start = end_day(ctx), start_day(ctx)
    at_end = roll_counts(ctx, end)
    start_total, start_ids = roll_total(ctx, start)
    roll_words = "状态为在册或退休的会员（按会员状态变更记录，退休会员保留会籍；作废的录入不计）"
    stats = [
        _stat("members_end", "现有会员", at_end.total, "人", f"截至{date_text(end)}{roll_words}",
              "members", at_end.ids),
        _stat("working_end", "在职会员", at_end.working, "人", f"截至{date_text(end)}状态为在册的会员",
              "members", at_end.working_ids),
        _stat("retired_end", "退休会员", at_end.retired, "人", f"截至{date_text(end)}状态为退休的会员",
              "members", at_end.retired_ids),
        _stat("women_end", "女会员", at_end.women, "人", f"截至{date_text(end)}{roll_words}中性别为女的会员",
              "members", at_end.women_ids),
        _stat("women_share", "女会员占比", at_end.women, "人",
              f"女会员{at_end.women}人÷会员总数{at_end.total}人"
              + (f"＝{percent_phrase(at_end.women, at_end.total)}" if at_end.total else ""), base=at_end.total),
        _stat("migrant_end", "农民工会员", at_end.migrant, "人", f"截至{date_text(end)}在册或退休、标记为农民工的会员",
              "members", at_end.migrant_ids),
        _stat("members_start", "期初会员", start_total, "人", f"截至{date_text(start)}{roll_words}",
              "members", start_ids),
        _stat("net_change", "会员净增", at_end.total - start_total, "人",
              f"{date_text(end)}会员{at_end.total}人减{date_text(start)}会员{start_total}人"),
    ]
    joined, joined_ids, _ = _joined(ctx)
    stats.append(_stat("joined", "新发展会员", joined, "人", f"入会日期在{span}的会员（含其后退休、转出等的会员）",
                       "members", joined_ids))
    changes = _status_changes(ctx)
    retired = changes.get("退休", (0, ()))
    stats.append(_stat("retired", "办理退休", retired[0], "人",
                       f"{span}状态变更为退休的会员（每人计1次；退休会员仍在册）", "member_status_changes", retired[1]))
    left = changes.get("left", (0, ()))
    stats.append(_stat("left", "减少会员", left[0], "人",
                       f"{span}由在册或退休变更为转出、退会或去世的会员（每人计1次）", "member_status_changes", left[1]))
    for status in LEAVING:
        n, ids = changes.get(status, (0, ()))
        stats.append(_stat(f"left.{status}", f"{status}会员", n, "人", f"{span}状态变更为{status}的会员（每人计1次）",
                           "member_status_changes", ids))
    stats += _organisation_stats(ctx)
    stats += _rate_stats(ctx, at_end)
    stats += _honour_stats(ctx)
    return stats


def _organisation_stats(ctx: ReportContext) -> list[Stat]:
    db = ctx.db
    stats = []
    by_kind = {kind: (n, ids_of(ids)) for kind, n, ids in db.execute(
        "SELECT kind, count(*), json_group_array(id) FROM sub_units WHERE voided_at IS NULL GROUP BY kind")}
    for kind, key in (("分工会", "branch_unions"), ("工会小组", "groups"), ("部门", "departments")):
        n, ids = by_kind.get(kind, (0, ()))
        stats.append(_stat(key, kind, n, "个", f"组织机构中现有的{kind}（组织机构不记日期，按现状统计）",
                           "sub_units", ids))
    committees = {name: (n, women, ids_of(ids), ids_of(women_ids)) for name, n, women, ids, women_ids in db.execute(
        """SELECT c.committee, count(*), count(*) FILTER (WHERE m.sex = '女'), json_group_array(c.id),
                  json_group_array(c.id) FILTER (WHERE m.sex = '女')
           FROM committee_members c LEFT JOIN members m ON m.id = c.member_id
           WHERE c.voided_at IS NULL GROUP BY c.committee""")}
    for name, key in (("工会委员会", "committee"), ("经审委员会", "audit_committee"),
                      ("女职工委员会", "women_committee")):
        n, women, ids, women_ids = committees.get(name, (0, 0, (), ()))
        stats.append(_stat(key, f"{name}委员", n, "人", f"{name}现有成员（按现状统计）", "committee_members", ids))
        if key == "committee":
            stats.append(_stat("committee_women", "工会委员会女委员", women, "人",
                               "工会委员会现有成员中关联到女会员的", "committee_members", women_ids))
    profile = load_profile(db)
    elected = profile.term_elected_on
    held = int(bool(elected and ctx.period.date_from <= elected <= ctx.period.date_to))
    term = f"第{profile.term_number}届" if profile.term_number else "新一届"
    stats.append(_stat("election", "换届选举", held, "次",
                       f"工会信息中{term}工会委员会的当选日期（{date_text(elected) or '未填写'}）"
                       + ("在本期内" if held else "不在本期内")))
    return stats


def staff_count_for(ctx: ReportContext) -> tuple[int, int] | None:
    """(year, staff count) for the end's year, or the year before when that one is not entered."""
    year = int(end_day(ctx)[:4])
    row = ctx.db.execute("SELECT year, staff_count FROM staff_counts WHERE year IN (?, ?) AND staff_count > 0 "
                         "ORDER BY year DESC LIMIT 1", [year, year - 1]).fetchone()
    return (row[0], row[1]) if row else None


def _rate_stats(ctx: ReportContext, at_end: RollCounts) -> list[Stat]:
    found = staff_count_for(ctx)
    if not found:
        return []
    year, staff = found
    word = ctx.vocabulary.staff
    stats = [_stat("staff", f"{word}人数", staff, "人", f"工会信息中登记的{year}年{word}人数")]
    if 0 < at_end.working <= staff:
        stats.append(_stat("membership_rate", "入会率", at_end.working, "人",
                           f"在职会员{at_end.working}人÷{year}年{word}{staff}人＝"
                           f"{percent_phrase(at_end.working, staff)}（退休会员不计）", "members", at_end.working_ids,
                           base=staff))
    return stats


def _honour_stats(ctx: ReportContext) -> list[Stat]:
    home = " OR ".join(f"h.title LIKE '%{w}%'" for w in HOME_WORDS)
    rows = ctx.db.execute(
        f"""SELECT h.recipient_kind = '本会', count(*), json_group_array(h.id) FROM honours h
            WHERE {honour_period_sql()} AND (h.recipient_kind = '本会' OR (h.recipient_kind = '集体' AND ({home})))
            GROUP BY 1""", honour_period_params(ctx)).fetchall()
    found = {bool(own): (n, ids_of(ids)) for own, n, ids in rows}
    when = f"在{period_span_text(ctx)}获评（无日期的按年度）"
    own, units = found.get(True, (0, ())), found.get(False, (0, ()))
    return [_stat("union_honours", "本会获得荣誉", own[0], "项", f"授予本会、{when}的荣誉", "honours", own[1]),
            _stat("home_honours", "职工小家等集体荣誉", units[0], "项",
                  f"授予所属单位、称号含“之家”“小家”、{when}的集体荣誉", "honours", units[1])]


# --- the text ---------------------------------------------------------------------------------------------------
def home_word(ctx: ReportContext) -> str:
    return "教工之家" if ctx.vocabulary.staff == "教职工" else "职工之家"


def self_title(ctx: ReportContext) -> str:
    return f"加强工会自身建设，建设{ctx.vocabulary.staff}信赖的“{home_word(ctx)}”"


def _by_key(stats: list[Stat] | None) -> dict[str, Stat]:
    return {s.key: s for s in stats or []}


def _previous_label(ctx: ReportContext) -> str:
    return ctx.previous.label if ctx.previous else "上一期"


def _names_in_brackets(mt: MarkedText, names: list[str], total: int, ctx: ReportContext) -> None:
    if ctx.options.names and names and len(names) == total <= NAMES_UP_TO:
        mt.add(f"（{'、'.join(names)}）")


def _members_paragraph(ctx: ReportContext, s: dict[str, Stat]) -> MarkedText:
    mt = MarkedText(ctx.options)
    total = s["self.members_end"]
    if not total.value:
        return mt
    mt.add(f"截至{date_text(end_day(ctx))}，本会共有会员").figure(total)
    start = s["self.members_start"]
    if start.value:
        net, word = s["self.net_change"], _start_word(ctx)
        if net.value:
            mt.add(f"，较{word}的").figure(start).add("净增" if net.value > 0 else "净减").figure(
                net, count_phrase(abs(net.value), "人", ctx.options))
        else:
            mt.add(f"，与{word}（").figure(start).add("）持平")
    parts: list[MarkedText] = []
    working, retired = s["self.working_end"], s["self.retired_end"]
    if working.value and retired.value:
        parts.append(MarkedText(ctx.options).add("在职会员").figure(working).add("、退休会员").figure(retired))
    elif retired.value == total.value:
        parts.append(MarkedText(ctx.options).add("均为退休会员"))
    women = s["self.women_end"]
    if women.value:
        parts.append(MarkedText(ctx.options).add("女会员").figure(women).add("，占会员总数的").rate(
            s["self.women_share"]))
    migrant = s["self.migrant_end"]
    if migrant.value:
        parts.append(MarkedText(ctx.options).add("农民工会员").figure(migrant))
    for i, part in enumerate(parts):
        mt.add("。其中" if i == 0 else "；").extend(part)
    mt.add("。")
    staff, rate = s.get("self.staff"), s.get("self.membership_rate")
    found = staff_count_for(ctx) if staff and rate else None
    if found:
        mt.add(f"以{found[0]}年本单位{ctx.vocabulary.staff}").figure(staff, f"{staff.value}人").add("计，在职会员入会率为").rate(
            rate).add("。")
    return mt


def _changes_paragraph(ctx: ReportContext, s: dict[str, Stat], p: dict[str, Stat]) -> MarkedText:
    mt = MarkedText(ctx.options)
    clauses: list[MarkedText] = []
    label = _previous_label(ctx)
    joined = s["self.joined"]
    if joined.value:
        c = MarkedText(ctx.options).add("新发展会员").figure(joined)
        _names_in_brackets(c, _joined(ctx)[2], joined.value, ctx)
        if "self.joined" in p:
            c.add("，").change(joined, p["self.joined"], label)
        clauses.append(c)
    retired = s["self.retired"]
    if retired.value:
        c = MarkedText(ctx.options).figure(retired, count_phrase(retired.value, "名", ctx.options)).add("会员办理退休")
        clauses.append(c)
    left = s["self.left"]
    if left.value:
        reasons = [s[f"self.left.{r}"] for r in LEAVING if s[f"self.left.{r}"].value]
        words = "、".join(stat.key.rsplit(".", 1)[1] for stat in reasons) or "转出、退会、去世"
        c = MarkedText(ctx.options).add(f"因{words}减少会员").figure(left)
        if "self.left" in p:
            c.add("，").change(left, p["self.left"], label)
        if len(reasons) > 1:
            c.add("，其中")
            for i, stat in enumerate(reasons):
                c.add(("、" if i else "") + stat.key.rsplit(".", 1)[1]).figure(stat)
        clauses.append(c)
    if not clauses:
        return mt
    mt.add(period_words(ctx.period, ctx.kind))
    for i, clause in enumerate(clauses):
        if i:
            mt.add("；")
        mt.extend(clause)
    return mt.add("。")


def _organisation_paragraph(ctx: ReportContext, s: dict[str, Stat]) -> MarkedText:
    mt = MarkedText(ctx.options)
    units = [(s["self.branch_unions"], "分工会"), (s["self.groups"], "工会小组")]
    units = [(stat, word) for stat, word in units if stat.value]
    departments = s["self.departments"]
    if units:
        mt.add("本会下设")
        for i, (stat, word) in enumerate(units):
            mt.add(("、" if i else "") + word).figure(stat)
        if departments.value:
            mt.add("，另有").figure(departments).add("部门")
        mt.add("。")
    elif departments.value:
        names = [u.name for u in sub_units(ctx.db) if u.kind == "部门"][:3]
        word = ctx.vocabulary.sub_unit.replace("/", "、")
        mt.add("会员分属")
        if names and departments.value > len(names):
            mt.add("、".join(names) + "等")
        elif names:
            mt.add("、".join(names))
        mt.figure(departments).add(f"{word}。" if word != "部门" else "部门。")
    election = s["self.election"]
    profile = load_profile(ctx.db)
    term = f"第{chinese_numeral(profile.term_number)}届" if profile.term_number else ""
    committee = s["self.committee"]
    if election.value:
        mt.add(f"{date_text(profile.term_elected_on)}，本会完成换届选举，产生").figure(
            election, f"{term or '新一届'}工会委员会").add("，" if committee.value else "。")
    if committee.value:
        mt.add("现有委员" if election.value else f"{term}工会委员会现有委员").figure(
            committee, count_phrase(committee.value, "名", ctx.options))
        chair = ctx.db.execute("SELECT person_name FROM committee_members WHERE voided_at IS NULL "
                               "AND committee = '工会委员会' AND role = '主席' ORDER BY sort_order, id LIMIT 1").fetchone()
        if chair and ctx.options.names:
            mt.add(f"（主席{chair[0]}）")
        women = s["self.committee_women"]
        if women.value:
            mt.add("，其中女委员").figure(women, count_phrase(women.value, "名", ctx.options))
        others = [(s["self.audit_committee"], "经费审查委员会"), (s["self.women_committee"], "女职工委员会")]
        others = [(stat, word) for stat, word in others if stat.value]
        for i, (stat, word) in enumerate(others):
            mt.add(("；" if i == 0 else "，") + f"{word}委员").figure(stat, count_phrase(stat.value, "名", ctx.options))
        mt.add("。")
    return mt


def honour_rows(ctx: ReportContext, ids: tuple[int, ...]) -> list[dict]:
    """The honours ``ids`` (a period's few) by level, highest first: id, kind, title, level, by, year, who."""
    if not ids:
        return []
    return [dict(zip(("id", "kind", "title", "level", "by", "year", "who"), row)) for row in ctx.db.execute(
        f"""SELECT h.id, h.recipient_kind, h.title, h.level, h.conferred_by, h.year,
                   coalesce(m.name, nullif(h.group_name, ''), su.name, '')
            FROM honours h LEFT JOIN sub_units su ON su.id = h.sub_unit_id LEFT JOIN members m ON m.id = h.member_id
            WHERE h.id IN ({', '.join('?' * len(ids))})
            ORDER BY {LEVEL_ORDER_SQL}, h.year, h.conferred_on, h.id""", list(ids))]


def honour_groups(rows: list[dict]) -> list[list[dict]]:
    """The rows grouped by title, level, conferring body and kind (in the order of their first row)."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["kind"], row["title"], row["level"], row["by"]), []).append(row)
    return list(groups.values())


def award_phrase(mt: MarkedText, stat: Stat, row: dict, union_name: str = "") -> MarkedText:
    """"被枫桥县总工会评为“模范职工之家”" / "被评为市级“巾帼文明岗”" / "荣获省总工会授予的“五一劳动奖章”"
    ("被本会评为…" when the union itself conferred it), the title marked with ``stat``."""
    by, title = row["by"], row["title"]
    if by and by == union_name:
        by = "本会"
    level = "" if by else LEVEL_WORDS.get(row["level"], "")
    if title.endswith(("奖状", "奖章", "奖杯", "奖")):
        return mt.add(f"荣获{by}授予的" if by else f"荣获{level}").figure(stat, f"“{title}”")
    return mt.add(f"被{by}评为" if by else f"被评为{level}").figure(stat, f"“{title}”")


def add_recipients(mt: MarkedText, stat: Stat, names: list[str], measure: str, word: str) -> MarkedText:
    """"张三、李四同志" / "一车间、二车间" (all named, at most three) or "张三、李四、王五等5名同志" (the count
    marked with ``stat``, whose records they are)."""
    names = [n for n in names if n]
    if len(names) <= 3:
        return mt.add("、".join(names) + (word if word == "同志" else ""))
    return mt.add(f"{'、'.join(names[:3])}等").figure(stat, count_phrase(len(names), measure, mt.options)).add(word)


def _honours_paragraph(ctx: ReportContext, s: dict[str, Stat]) -> MarkedText:
    mt = MarkedText(ctx.options)
    own, units = s["self.union_honours"], s["self.home_honours"]
    rows = honour_rows(ctx, own.ids + units.ids)
    if not rows:
        return mt
    with_year = _spans_years(ctx)
    own_rows = [r for r in rows if r["kind"] == "本会"]
    if own_rows:
        mt.add("本会")
        if len(own_rows) > 1:
            mt.add("获得各级荣誉").figure(own).add("：")
        for i, row in enumerate(own_rows):
            mt.add("，" if i else "")
            if with_year:
                mt.add(f"于{row['year']}年")
            award_phrase(mt, own, row, ctx.union_name)
    groups = honour_groups([r for r in rows if r["kind"] == "集体"])
    for i, group in enumerate(groups):
        mt.add("；" if own_rows or i else "")
        names = list(dict.fromkeys(r["who"] for r in group if r["who"]))
        if names:
            add_recipients(mt, units, names, "个", "集体")
        else:
            mt.add("所属单位")
        if with_year:
            mt.add(f"于{'、'.join(dict.fromkeys(str(r['year']) + '年' for r in group))}")
        award_phrase(mt, units, group[0], ctx.union_name)
    return mt.add("。")


def self_write(ctx: ReportContext, stats: list[Stat], previous: list[Stat] | None = None) -> Section:
    s, p = _by_key(stats), _by_key(previous)
    section = Section(self_title(ctx))
    for mt in (_members_paragraph(ctx, s), _changes_paragraph(ctx, s, p), _organisation_paragraph(ctx, s),
               _honours_paragraph(ctx, s)):
        if mt:
            section.blocks.append(mt.paragraph())
    return section


# --- the appendix -----------------------------------------------------------------------------------------------
def _members_by_unit(ctx: ReportContext) -> Table | None:
    """Members on the roll at the end by top-level sub-unit: 会员, 女, 在职, 退休, and new members."""
    end = end_day(ctx)
    rows = ctx.db.execute(
        f"""WITH roll AS MATERIALIZED (SELECT m.sub_unit_id, m.sex, m.join_date, {status_on_day_sql()} AS st
                                       FROM members m NOT INDEXED WHERE m.voided_at IS NULL)
            SELECT sub_unit_id, count(*) FILTER (WHERE st IN ('在册', '退休')),
                   count(*) FILTER (WHERE st IN ('在册', '退休') AND sex = '女'),
                   count(*) FILTER (WHERE st = '在册'), count(*) FILTER (WHERE st = '退休'),
                   count(*) FILTER (WHERE join_date BETWEEN ? AND ?)
            FROM roll GROUP BY sub_unit_id""", [end, end, ctx.period.date_from, end]).fetchall()
    units = sub_units(ctx.db)
    top: dict[int, int] = {}
    for unit in units:
        top[unit.id] = unit.id if unit.parent_id is None else top.get(unit.parent_id, unit.id)
    totals: dict[int | None, list[int]] = {}
    for unit_id, *figures in rows:
        key = top.get(unit_id) if unit_id is not None else None
        acc = totals.setdefault(key, [0] * 5)
        for i, n in enumerate(figures):
            acc[i] += n
    if not any(v[0] or v[4] for v in totals.values()):
        return None
    body = [(u.name, *totals[u.id]) for u in units if u.parent_id is None and u.id in totals
            and (totals[u.id][0] or totals[u.id][4])]
    if None in totals and (totals[None][0] or totals[None][4]):
        body.append(("未分配部门", *totals[None]))
    sums = [sum(r[i] for r in body) for i in range(1, 6)]
    return Table(("单位", "会员", "其中女会员", "在职", "退休", "本期新入会"),
                 [tuple(str(x) for x in r) for r in body] + [("合计", *(str(x) for x in sums))])


def _changes_by_month(ctx: ReportContext) -> Table | None:
    """New members and the status changes of the period by month (by year when it is longer than 13 months)."""
    start, end = ctx.period.date_from, end_day(ctx)
    months = (int(end[:4]) - int(start[:4])) * 12 + int(end[5:7]) - int(start[5:7]) + 1
    width = 7 if months <= 13 else 4  # substr length: 2026-03 or 2026
    counts: dict[str, list[int]] = {}
    columns = ("新入会", "退休", *LEAVING)
    for bucket, n in ctx.db.execute(
            f"""SELECT substr(join_date, 1, {width}), count(*) FROM members
                WHERE voided_at IS NULL AND join_date BETWEEN ? AND ? GROUP BY 1""", [start, end]):
        counts.setdefault(bucket, [0] * len(columns))[0] = n
    for bucket, status, n in ctx.db.execute(
            f"""SELECT substr(s.effective_date, 1, {width}), s.new_status, count(DISTINCT s.member_id)
                FROM member_status_changes s CROSS JOIN members m ON m.id = s.member_id AND m.voided_at IS NULL
                WHERE s.effective_date BETWEEN ? AND ? AND s.new_status IN ('退休', '转出', '退会', '去世')
                  AND (s.old_status IS NULL OR s.old_status IN ('在册', '退休')) AND s.old_status IS NOT s.new_status
                GROUP BY 1, 2""", [start, end]):
        counts.setdefault(bucket, [0] * len(columns))[columns.index(status)] = n
    if not counts:
        return None

    def label(bucket: str) -> str:
        return f"{int(bucket[:4])}年{int(bucket[5:7])}月" if width == 7 else f"{bucket}年"

    rows = [(label(b), *(str(n) for n in counts[b])) for b in sorted(counts)]
    sums = [sum(counts[b][i] for b in counts) for i in range(len(columns))]
    return Table(("月份" if width == 7 else "年度", *columns), rows + [("合计", *(str(n) for n in sums))],
                 ChartSpec(1, "各月新入会会员人数" if width == 7 else "各年度新入会会员人数"))


def self_appendix(ctx: ReportContext, stats: list[Stat]) -> list[Table]:
    return [t for t in (_members_by_unit(ctx), _changes_by_month(ctx)) if t is not None]


SELF_SPEC = register_section(SectionSpec(
    key="self", title="加强工会自身建设", order=70, stats=self_stats, write=self_write, appendix=self_appendix,
    title_for=self_title, headline=("self.members_end", "self.joined")))
