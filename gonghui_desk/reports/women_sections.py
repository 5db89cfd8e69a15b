"""The report section 女职工工作 (key ``women``, DOMAIN.md §4 order 60): the same records as the other
sections, filtered to women members (``members.sex = '女'``), counted in SQL here because the registers'
filters have no sex.

What it counts (each a :class:`~gonghui_desk.reports.model.Stat`):

* Women on the roll at the period's end (在册 or 退休, from the status history; see
  :mod:`gonghui_desk.reports.member_sections`), their share of all members, 在职 and 退休 among them; women
  whose 入会日期 is in the period; the 女职工委员会 as it stands.
* Visits (慰问) made in the period (visit date in the period, not voided) to women members — the member is a
  woman; a visit to her family counts too, as the care ledger counts it: 人次 (rows), 人 (distinct women),
  money (cash plus goods), by occasion; and the visits of campaigns meant for women (a campaign whose criteria
  chose women, or whose name says 三八/妇女节).
* Events held (已举办) in the period, as the event register counts them (team entries expanded to their
  members, voided entries and members left out): women's 人次 and 人, and their participation rate (women who
  took part and were 在册 on the base day ÷ women 在册 on that day; the base day is the period's end or
  today); the 三八 events (holiday 三八, or 三八/妇女节 in the name): 场, 人次, 人 (everyone who took part).
* Hardship: files on women heads 在档 at the end (opened by then, not closed by then, applications not
  counted), and aid paid (发放) in the period on such files: 人次 and money.
* Honours awarded (获评) in the period — by date, or by year without one — to women members (项, 人), and
  collective honours whose title is a women's one (巾帼, 三八, 女职工…).
"""

from __future__ import annotations

import json

from gonghui_desk.documents import Section, Table
from gonghui_desk.documents.wording import date_text
from gonghui_desk.events.report_sections import period_participation
from gonghui_desk.reports.member_sections import (add_recipients, award_phrase, end_day, honour_groups,
                                                  honour_period_params, honour_period_sql, honour_rows, ids_of,
                                                  period_span_text, roll_counts, status_on_day_sql)
from gonghui_desk.reports.model import ReportContext, SectionSpec, Stat
from gonghui_desk.reports.periods import period_words
from gonghui_desk.reports.sections import register_section
from gonghui_desk.reports.text import MarkedText, count_phrase, percent_phrase

__all__ = ["WOMEN_SPEC", "WOMEN_TITLE_WORDS", "women_stats", "women_title", "women_write"]

WOMEN_TITLE_WORDS = ("巾帼", "三八", "女职工", "女教职工", "女工", "妇女", "女性")
MARCH8_WORDS = ("三八", "妇女节")
SHOWN_OCCASIONS = 3  # the 其中 of the visits names at most this many occasions
SHOWN_GROUPS = 4  # honour groups written out before 等
WOMAN = "m.sex = '女'"


def _stat(key: str, label: str, value: int, unit: str, basis: str, table: str = "", ids=(), base: int = 0) -> Stat:
    return Stat(f"women.{key}", label, value, unit, basis, table, tuple(ids), base)


def occasion_words(name: str) -> str:
    """"生育" → "生育慰问"; "节日慰问" stays."""
    return name if name.endswith("慰问") else f"{name}慰问"


def women_word(ctx: ReportContext) -> str:
    """女职工 / 女教职工 / 女干部职工."""
    return "女" + ctx.vocabulary.staff


def women_title(ctx: ReportContext) -> str:
    word = women_word(ctx)
    return f"关爱{word}，做好{word}工作"


# --- the figures ------------------------------------------------------------------------------------------------
def _roll_stats(ctx: ReportContext) -> list[Stat]:
    end = end_day(ctx)
    roll = roll_counts(ctx, end)
    basis = f"截至{date_text(end)}状态为在册或退休（按会员状态变更记录；作废的录入不计）、性别为女的会员"
    db = ctx.db
    joined, joined_ids = db.execute(
        f"""SELECT count(*), json_group_array(m.id) FROM members m
            WHERE m.voided_at IS NULL AND {WOMAN} AND m.join_date BETWEEN ? AND ?""",
        [ctx.period.date_from, end]).fetchone()
    committee, committee_ids = db.execute(
        "SELECT count(*), json_group_array(id) FROM committee_members WHERE voided_at IS NULL "
        "AND committee = '女职工委员会'").fetchone()
    return [
        _stat("members_end", "女会员", roll.women, "人", basis, "members", roll.women_ids),
        _stat("working_end", "在职女会员", roll.women_working, "人",
              f"截至{date_text(end)}状态为在册、性别为女的会员", "members", roll.women_working_ids),
        _stat("retired_end", "退休女会员", roll.women_retired, "人", f"截至{date_text(end)}状态为退休、性别为女的会员"),
        _stat("share", "女会员占比", roll.women, "人", f"女会员{roll.women}人÷会员总数{roll.total}人"
              + (f"＝{percent_phrase(roll.women, roll.total)}" if roll.total else ""), base=roll.total),
        _stat("joined", "新发展女会员", joined, "人", f"入会日期在{period_span_text(ctx)}、性别为女的会员",
              "members", ids_of(joined_ids)),
        _stat("committee", "女职工委员会委员", committee, "人", "女职工委员会现有成员（按现状统计）",
              "committee_members", ids_of(committee_ids)),
    ]


def _id_list(value) -> list[int]:
    """Ids from a JSON array nested in a JSON result: already a list, or its text when SQLite passed it on as
    text."""
    return sorted(json.loads(value) if isinstance(value, str) else value or [])


WOMEN_IDS_SQL = "SELECT id FROM members NOT INDEXED WHERE sex = '女'"  # a scan beats 40,000 row look-ups


def _visit_stats(ctx: ReportContext) -> list[Stat]:
    db, span = ctx.db, period_span_text(ctx)
    meant = ("CASE WHEN json_valid(c.criteria) THEN json_extract(c.criteria, '$.sex') END = '女' OR "
             + " OR ".join(f"c.name LIKE '%{w}%'" for w in MARCH8_WORDS))
    # The women's visits of the period, gathered once; every figure reads them.
    row = db.execute(
        f"""WITH wv AS MATERIALIZED (
                SELECT v.id, v.member_id, v.occasion_id, v.cash_fen + v.goods_value_fen AS money, v.campaign_id
                FROM visits v WHERE v.voided_at IS NULL AND v.visit_date BETWEEN ? AND ?
                  AND v.member_id IN ({WOMEN_IDS_SQL}))
            SELECT (SELECT count(*) FROM wv), (SELECT count(DISTINCT member_id) FROM wv),
                   (SELECT coalesce(sum(money), 0) FROM wv), (SELECT json_group_array(id) FROM wv),
                   (SELECT json_group_array(DISTINCT member_id) FROM wv),
                   (SELECT json_group_array(json_array(name, n, ids)) FROM (
                        SELECT o.name AS name, count(*) AS n, json_group_array(wv.id) AS ids
                        FROM wv JOIN care_occasions o ON o.id = wv.occasion_id
                        GROUP BY o.id ORDER BY count(*) DESC, o.sort_order, o.id)),
                   (SELECT json_array(count(DISTINCT c.id), json_group_array(DISTINCT c.id), count(*),
                                      json_group_array(wv.id))
                    FROM wv JOIN campaigns c ON c.id = wv.campaign_id WHERE c.voided_at IS NULL AND ({meant}))""",
        [ctx.period.date_from, ctx.period.date_to]).fetchone()
    times, persons, money, ids, member_ids = row[:5]
    basis = f"慰问日期在{span}、被慰问会员为女性的慰问记录（含对其家属的慰问；作废的不计）"
    stats = [
        _stat("visit_times", "走访慰问女会员", times, "人次", basis + "，每条记录1人次", "visits", ids_of(ids)),
        _stat("visit_persons", "慰问的女会员", persons, "人", basis + "涉及的女会员，每人计1次", "members",
              ids_of(member_ids)),
        _stat("visit_money", "慰问金及慰问品", money, "元", basis + "的慰问金与慰问品价值之和", "visits", ids_of(ids)),
    ]
    for name, n, occasion_ids in json.loads(row[5]) if row[5] else []:
        stats.append(_stat(f"visits.{name}", f"{occasion_words(name)}女会员", n, "人次",
                           f"{basis}中慰问类别为“{name}”的", "visits", _id_list(occasion_ids)))
    campaigns, campaign_ids, campaign_times, campaign_visit_ids = json.loads(row[6])
    campaign_basis = "条件为女会员、或名称含“三八”“妇女节”的批量慰问"
    stats += [
        _stat("campaigns", "面向女会员的集中慰问", campaigns, "次", f"{span}有慰问记录的{campaign_basis}",
              "campaigns", _id_list(campaign_ids)),
        _stat("campaign_times", "集中慰问女会员", campaign_times, "人次", f"{basis}中属于{campaign_basis}的",
              "visits", _id_list(campaign_visit_ids)),
    ]
    return stats


def _event_stats(ctx: ReportContext) -> list[Stat]:
    db, span = ctx.db, period_span_text(ctx)
    held = ("SELECT e.id FROM events e WHERE e.voided_at IS NULL AND e.status = '已举办' "
            "AND e.start_date BETWEEN ? AND ?")
    params = [ctx.period.date_from, ctx.period.date_to]
    base_day = end_day(ctx)
    # the period's participation as the events sections read it (once per report), narrowed to women
    women_ids = set(json.loads(db.execute(f"SELECT json_group_array(id) FROM ({WOMEN_IDS_SQL})").fetchone()[0]))
    women = period_participation(ctx).of(members=women_ids)
    times, persons, entry_ids, member_ids = (women.person_times, len(women.member_ids), women.entry_ids,
                                             women.member_ids)
    base_persons = db.execute(
        f"""SELECT count(*) FROM members m WHERE m.id IN (SELECT value FROM json_each(?))
              AND {status_on_day_sql()} = '在册'""", [json.dumps(member_ids), base_day, base_day]).fetchone()[0]
    basis = f"{span}举办（已举办）的活动中女会员的参加记录（团体项目按队员计；作废的不计）"
    roll = roll_counts(ctx, base_day)
    stats = [
        _stat("event_times", "女会员参加各类活动", times, "人次", basis + "，每人每次报名1人次", "event_participants",
              entry_ids),
        _stat("event_persons", "参加活动的女会员", persons, "人", basis + "涉及的女会员，每人计1次", "members",
              member_ids),
    ]
    if roll.women_working:
        stats.append(_stat(
            "event_rate", "女会员参与率", base_persons, "人",
            f"参加活动且{date_text(base_day)}在册的女会员{base_persons}人÷{date_text(base_day)}在册女会员"
            f"{roll.women_working}人＝{percent_phrase(base_persons, roll.women_working)}", base=roll.women_working))
    march8 = ("(e.holiday = '三八' OR " + " OR ".join(f"e.name LIKE '%{w}%'" for w in MARCH8_WORDS) + ")")
    march8_events = f"{held} AND {march8}"
    n_events, event_ids = db.execute(f"SELECT count(*), json_group_array(e.id) FROM ({march8_events}) AS x "
                                     "JOIN events e ON e.id = x.id", params).fetchone()
    march8_part = period_participation(ctx).of(events=set(json.loads(event_ids)))
    m_times, m_persons = march8_part.person_times, len(march8_part.member_ids)
    march8_basis = f"{span}举办的、节日为“三八”或名称含“三八”“妇女节”的活动"
    stats += [
        _stat("march8_events", "“三八”节活动", n_events, "场", march8_basis, "events", ids_of(event_ids)),
        _stat("march8_times", "参加“三八”节活动", m_times, "人次", march8_basis + "的参加记录（不分性别）"),
        _stat("march8_persons", "参加“三八”节活动的人数", m_persons, "人", march8_basis + "的参加者，每人计1次"),
    ]
    return stats


def _hardship_stats(ctx: ReportContext) -> list[Stat]:
    db, end, span = ctx.db, end_day(ctx), period_span_text(ctx)
    households, file_ids = db.execute(
        f"""SELECT count(*), json_group_array(f.id) FROM hardship_files f JOIN members m ON m.id = f.member_id
            WHERE f.voided_at IS NULL AND f.status IN ('在档', '脱困', '注销') AND f.opened_on <= ?1
              AND (f.closed_on IS NULL OR f.closed_on > ?1) AND {WOMAN}""", [end]).fetchone()
    times, money, aid_ids = db.execute(  # the women's ids once, rather than a member look-up per payment
        f"""SELECT count(*), coalesce(sum(a.cash_fen + a.goods_value_fen), 0), json_group_array(a.id)
            FROM aid_payments a
            WHERE a.voided_at IS NULL AND a.stage = '发放' AND a.paid_on BETWEEN ? AND ?
              AND a.member_id IN ({WOMEN_IDS_SQL})""",
        [ctx.period.date_from, ctx.period.date_to]).fetchone()
    aid_basis = f"发放日期在{span}、户主为女会员的帮扶记录（已发放；作废的不计）"
    return [
        _stat("hardship_households", "女会员为户主的在档困难家庭", households, "户",
              f"截至{date_text(end)}在档（已建档、未脱困或注销）且户主为女会员的困难职工档案，每档1户",
              "hardship_files", ids_of(file_ids)),
        _stat("aid_times", "帮扶女会员家庭", times, "人次", aid_basis + "，每条记录1人次", "aid_payments", ids_of(aid_ids)),
        _stat("aid_money", "帮扶女会员家庭资金", money, "元", aid_basis + "的现金与实物价值之和", "aid_payments",
              ids_of(aid_ids)),
    ]


def _honour_stats(ctx: ReportContext) -> list[Stat]:
    db = ctx.db
    when = f"在{period_span_text(ctx)}获评（无日期的按年度）"
    n, persons, ids, member_ids = db.execute(
        f"""SELECT count(*), count(DISTINCT h.member_id), json_group_array(h.id), json_group_array(DISTINCT h.member_id)
            FROM honours h JOIN members m ON m.id = h.member_id
            WHERE {honour_period_sql()} AND h.recipient_kind = '个人' AND {WOMAN}""",
        honour_period_params(ctx)).fetchone()
    words = " OR ".join(f"h.title LIKE '%{w}%'" for w in WOMEN_TITLE_WORDS)
    collective, collective_ids = db.execute(
        f"""SELECT count(*), json_group_array(h.id) FROM honours h
            WHERE {honour_period_sql()} AND h.recipient_kind IN ('集体', '本会') AND ({words})""",
        honour_period_params(ctx)).fetchone()
    return [
        _stat("honours", "女会员获得荣誉", n, "项", f"授予女会员个人、{when}的荣誉", "honours", ids_of(ids)),
        _stat("honour_persons", "获得荣誉的女会员", persons, "人", f"授予女会员个人、{when}的荣誉涉及的女会员",
              "members", ids_of(member_ids)),
        _stat("collective_honours", "巾帼文明岗等集体荣誉", collective, "项",
              f"称号含“{'”“'.join(WOMEN_TITLE_WORDS)}”、授予集体或本会、{when}的荣誉", "honours",
              ids_of(collective_ids)),
    ]


def women_stats(ctx: ReportContext) -> list[Stat]:
    return (_roll_stats(ctx) + _visit_stats(ctx) + _event_stats(ctx) + _hardship_stats(ctx)
            + _honour_stats(ctx))


# --- the text ---------------------------------------------------------------------------------------------------
def _by_key(stats: list[Stat] | None) -> dict[str, Stat]:
    return {s.key: s for s in stats or []}


def _members_paragraph(ctx: ReportContext, s: dict[str, Stat], p: dict[str, Stat]) -> MarkedText:
    mt = MarkedText(ctx.options)
    women = s["women.members_end"]
    if women.value:
        mt.add("本会现有女会员" if end_day(ctx) == ctx.today.isoformat()
               else f"截至{date_text(end_day(ctx))}，本会有女会员").figure(women)
        total = roll_counts(ctx, end_day(ctx)).total
        if total:
            mt.add("，占会员总数的").rate(s["women.share"])
        working, retired = s["women.working_end"], s["women.retired_end"]
        if working.value and retired.value:
            mt.add("，其中在职").figure(working).add("、退休").figure(retired)
        mt.add("。")
    joined = s["women.joined"]
    if joined.value:
        mt.add(f"{period_words(ctx.period, ctx.kind)}新发展女会员").figure(joined)
        if "women.joined" in p:
            mt.add("，").change(joined, p["women.joined"], _previous_label(ctx))
        mt.add("。")
    committee = s["women.committee"]
    if committee.value:
        rows = ctx.db.execute(
            "SELECT person_name, role FROM committee_members WHERE voided_at IS NULL AND committee = '女职工委员会' "
            "ORDER BY role NOT IN ('主任'), role NOT IN ('副主任'), sort_order, id").fetchall()
        if ctx.options.names and rows:
            lead = [f"{name}（{role}）" if role != "委员" else name for name, role in rows[:3]]
            mt.add(f"女职工委员会由{'、'.join(lead)}{'等' if committee.value > 3 else ''}").figure(committee).add("组成。")
        else:
            mt.add("女职工委员会现有委员").figure(committee, count_phrase(committee.value, "名", ctx.options)).add("。")
    return mt


def _previous_label(ctx: ReportContext) -> str:
    return ctx.previous.label if ctx.previous else "上一期"


def _care_paragraph(ctx: ReportContext, s: dict[str, Stat], p: dict[str, Stat]) -> MarkedText:
    mt = MarkedText(ctx.options)
    times = s["women.visit_times"]
    aid_times = s["women.aid_times"]
    households = s["women.hardship_households"]
    words = period_words(ctx.period, ctx.kind)
    if times.value:
        mt.add(f"{words}走访慰问女会员").figure(times)
        if "women.visit_times" in p:
            mt.add("，").change(times, p["women.visit_times"], _previous_label(ctx))
        persons = s["women.visit_persons"]
        if persons.value and persons.value != times.value:
            mt.add("，涉及").figure(persons)
        money = s["women.visit_money"]
        if money.value:
            mt.add("，送去慰问金和慰问品").figure(money)
        occasions = [st for st in s.values() if st.key.startswith("women.visits.") and st.value]
        occasions.sort(key=lambda st: (st.key != "women.visits.生育", -st.value))
        if len(occasions) > 1:
            mt.add("。其中")
            for i, st in enumerate(occasions[:SHOWN_OCCASIONS]):
                mt.add(("、" if i else "") + occasion_words(st.key.split(".", 2)[2])).figure(st)
        campaign_times = s["women.campaign_times"]
        if campaign_times.value:
            mt.add("；" if len(occasions) > 1 else "，其中")
            campaigns = s["women.campaigns"]
            names = _names(ctx, "campaigns", campaigns.ids) if campaigns.value <= 2 else []
            if names and ctx.options.names:
                mt.add("通过" + "、".join(f"“{n}”" for n in names) + "集中慰问")
            else:
                mt.add("通过").figure(campaigns).add("面向女会员的集中慰问，慰问")
            mt.figure(campaign_times)
        mt.add("。")
    if households.value or aid_times.value:
        if households.value:
            mt.add(f"困难{ctx.vocabulary.staff}档案中，户主为女会员的在档家庭有").figure(households)
            mt.add("；" if aid_times.value else "。")
        if aid_times.value:
            mt.add(f"{words}帮扶女会员困难家庭").figure(aid_times)
            money = s["women.aid_money"]
            if money.value:
                mt.add("，发放帮扶款物").figure(money)
            mt.add("。")
    return mt


def _names(ctx: ReportContext, table: str, ids: tuple[int, ...]) -> list[str]:
    if not ids:
        return []
    date = {"campaigns": "campaign_date", "events": "start_date"}[table]
    return [r[0] for r in ctx.db.execute(
        f"SELECT name FROM {table} WHERE id IN ({', '.join('?' * len(ids))}) ORDER BY {date}, id", list(ids))]


def _events_paragraph(ctx: ReportContext, s: dict[str, Stat], p: dict[str, Stat]) -> MarkedText:
    mt = MarkedText(ctx.options)
    times, persons = s["women.event_times"], s["women.event_persons"]
    if times.value:
        mt.add(f"{period_words(ctx.period, ctx.kind)}女会员参加各类活动").figure(times)
        if "women.event_times" in p:
            mt.add("，").change(times, p["women.event_times"], _previous_label(ctx))
        if persons.value != times.value:
            mt.add("，涉及").figure(persons)
        rate, working = s.get("women.event_rate"), s["women.working_end"]
        if rate and rate.value and working.value:
            mt.add("；在册女会员参与率为").rate(rate).add("（参加活动的在册女会员").figure(
                rate, f"{rate.value}人").add("÷在册女会员").figure(working, f"{working.value}人").add("）")
    events = s["women.march8_events"]
    if events.value:
        mt.add("。" if times.value else "")
        names = _names(ctx, "events", events.ids) if events.value <= 3 and ctx.options.names else []
        mt.add("围绕“三八”国际妇女节，")
        if events.value == 1 and names:
            mt.add(f"举办{names[0]}")
        else:
            mt.add("举办主题活动").figure(events).add(f"（{'、'.join(names)}）" if names else "")
        m_times, m_persons = s["women.march8_times"], s["women.march8_persons"]
        if m_times.value and m_persons.value == m_times.value:
            mt.add("，").figure(m_persons).add("参加")
        elif m_times.value:
            mt.add("，参加").figure(m_times).add("（").figure(m_persons).add("）")
    if mt:
        mt.add("。")
    return mt


def _honours_paragraph(ctx: ReportContext, s: dict[str, Stat]) -> MarkedText:
    mt = MarkedText(ctx.options)
    honours, persons, collective = s["women.honours"], s["women.honour_persons"], s["women.collective_honours"]
    personal = honour_groups(honour_rows(ctx, honours.ids))
    collectives = honour_groups(honour_rows(ctx, collective.ids))
    if not personal and not collectives:
        return mt
    if personal:
        mt.add("女会员获得各级荣誉").figure(honours)
        if persons.value != honours.value:
            mt.add("（").figure(persons).add("）")
        mt.add("：")
        for i, group in enumerate(personal[:SHOWN_GROUPS]):
            mt.add("；" if i else "")
            names = list(dict.fromkeys(r["who"] for r in group))
            if ctx.options.names:
                add_recipients(mt, honours, names, "名", "同志")
            else:
                mt.figure(honours, count_phrase(len(names), "名", ctx.options)).add("女会员")
            award_phrase(mt, honours, group[0], ctx.union_name)
        if len(personal) > SHOWN_GROUPS:
            mt.add("等")
    for i, group in enumerate(collectives):
        mt.add("；" if personal or i else "")
        add_recipients(mt, collective, list(dict.fromkeys(r["who"] or "本会" for r in group)), "个", "集体")
        award_phrase(mt, collective, group[0], ctx.union_name)
    return mt.add("。")


def women_write(ctx: ReportContext, stats: list[Stat], previous: list[Stat] | None = None) -> Section:
    s, p = _by_key(stats), _by_key(previous)
    section = Section(women_title(ctx))
    if not s["women.members_end"].value and not any(st.value for st in stats):
        return section
    for mt in (_members_paragraph(ctx, s, p), _care_paragraph(ctx, s, p), _events_paragraph(ctx, s, p),
               _honours_paragraph(ctx, s)):
        if mt:
            section.blocks.append(mt.paragraph())
    return section


# --- the appendix -----------------------------------------------------------------------------------------------
def yuan_cell(fen: int) -> str:
    """分 as a table's 元 figure: "26620", "85.5"; "—" for none."""
    if not fen:
        return "—"
    yuan, cents = divmod(fen, 100)
    return str(yuan) if not cents else f"{yuan}.{cents:02d}".rstrip("0")


def women_appendix(ctx: ReportContext, stats: list[Stat]) -> list[Table]:
    s = _by_key(stats)
    rows = []

    def count(key: str) -> str:
        st = s.get(key)
        return count_phrase(st.value, st.unit) if st and st.value else "—"

    if s["women.members_end"].value:
        rows.append(("女会员", count("women.members_end"), "—"))
    if s["women.joined"].value:
        rows.append(("新发展女会员", count("women.joined"), "—"))
    if s["women.visit_times"].value:
        rows.append(("走访慰问女会员", f"{count('women.visit_times')}（{count('women.visit_persons')}）",
                     yuan_cell(s["women.visit_money"].value)))
    if s["women.event_times"].value:
        rows.append(("女会员参加活动", f"{count('women.event_times')}（{count('women.event_persons')}）", "—"))
    if s["women.march8_events"].value:
        rows.append(("“三八”节活动", f"{count('women.march8_events')}，{count('women.march8_times')}", "—"))
    if s["women.hardship_households"].value:
        rows.append(("女会员为户主的在档困难家庭", count("women.hardship_households"), "—"))
    if s["women.aid_times"].value:
        rows.append(("帮扶女会员家庭", count("women.aid_times"), yuan_cell(s["women.aid_money"].value)))
    if s["women.honours"].value:
        rows.append(("女会员获得荣誉", f"{count('women.honours')}（{count('women.honour_persons')}）", "—"))
    if s["women.collective_honours"].value:
        rows.append(("巾帼文明岗等集体荣誉", count("women.collective_honours"), "—"))
    tables = []
    if rows:
        tables.append(Table(("项目", "数量", "金额（元）"), rows))
    honours = honour_rows(ctx, s["women.honours"].ids) + honour_rows(ctx, s["women.collective_honours"].ids)
    if honours:
        tables.append(Table(("获得者", "荣誉称号", "级别", "授予单位", "年度"),
                            [(r["who"] or "本会", r["title"], r["level"], r["by"] or "—", str(r["year"]))
                             for r in honours]))
    return tables


WOMEN_SPEC = register_section(SectionSpec(
    key="women", title="女职工工作", order=60, stats=women_stats, write=women_write, appendix=women_appendix,
    title_for=women_title))

