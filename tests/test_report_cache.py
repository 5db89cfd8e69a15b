"""The participation a report reads once and shares (:func:`gonghui_desk.events.register.participation`, kept in
the report's ``ctx.cache`` by :func:`gonghui_desk.events.report_sections.period_participation`).

The expansion is checked against ``part`` of the register's CTE (its definition) for a year, a quarter and a
custom range, on a hand-made union with the awkward cases (team entries, a voided member who took part, a voided
entry, a team member taken off the team) and on a demo database; the totals and figures counted from it against
the register's own SQL; a whole report against the same sections counted each in a context of its own (nothing
shared); and two reports in a row, of different periods or around a change, against fresh ones.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from gonghui_desk import demo
from gonghui_desk.db import open_database
from gonghui_desk.events.register import (HELD, EventFilter, _participation_cte, event_figures, event_totals,
                                          on_roll_ids, participation, where_clause)
from gonghui_desk.events.report_sections import COMPETITION_KINDS, period_participation
from gonghui_desk.events.store import EventStore
from gonghui_desk.reports.builder import build_report, report_context, report_stats
from gonghui_desk.reports.model import ReportOptions, ReportPeriod, ReportRequest
from gonghui_desk.reports.sections import registered_sections
from tests.conftest import TODAY
from tests.test_care_visits import add_member
from tests.test_report_events import make_union

YEAR = ReportPeriod("2026-01-01", "2026-12-31", "2026年")
QUARTER = ReportPeriod("2026-04-01", "2026-06-30", "2026年第二季度")
CUSTOM = ReportPeriod("2025-09-15", "2026-03-20", "2025年9月15日至2026年3月20日")
PERIODS = [YEAR, QUARTER, CUSTOM]


@pytest.fixture
def union(db, store):
    """make_union's union with 李四, 钱七 and 孙八 women, plus the awkward cases: 吴十 takes part in the 职工运动会,
    郑十一 (a woman, voided later) and 王五 in the 读书分享会, where 李四's entry is voided, and 钱七 leaves the
    二车间队 (a team member taken off the team)."""
    found = make_union(db, store)
    es = EventStore(db, today=TODAY)
    people, events = found["people"], found["events"]
    db.execute("UPDATE members SET sex = '女' WHERE id IN (?, ?, ?)", [people["李四"], people["钱七"], people["孙八"]])
    es.add_members(events["games"], [people["吴十"]])
    ghost = add_member(store, "郑十一", sex="女")
    es.add_members(events["books"], [ghost, people["王五"]])
    db.execute("UPDATE members SET voided_at = '2026-11-01T00:00:00' WHERE id = ?", [ghost])
    db.execute("UPDATE event_participants SET voided_at = '2026-11-01T00:00:00', void_reason = '录错' "
               "WHERE event_id = ? AND member_id = ?", [events["books"], people["李四"]])
    db.execute("UPDATE event_team_members SET voided_at = '2026-11-01T00:00:00' WHERE member_id = ? AND team_id IN "
               "(SELECT id FROM event_teams WHERE name = '二车间队')", [people["钱七"]])
    return found


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "company.sqlite3"
    demo.create_demo_database(path, kind="company", seed=11, today=TODAY)
    database = open_database(path)
    yield database
    database.conn.close()


def held_sql(period: ReportPeriod, kinds=None) -> tuple[str, list]:
    where, params = where_clause(EventFilter(date_from=period.date_from, date_to=period.date_to, kinds=kinds))
    return f"SELECT e.id FROM events e WHERE {where} AND e.status = '{HELD}'", params


def part_rows(db, period: ReportPeriod) -> list[tuple]:
    """The rows of ``part`` (the CTE's own definition): event, entry, member, team, kind."""
    sql, params = held_sql(period)
    return db.execute(f"WITH {_participation_cte(sql)} SELECT part.event_id, part.entry_id, part.member_id, "
                      "part.team_id, e.kind FROM part JOIN events e ON e.id = part.event_id", params).fetchall()


def check_participation(db, period: ReportPeriod) -> None:
    sql, params = held_sql(period)
    found = participation(db, sql, params)
    rows = part_rows(db, period)
    assert rows, "the period has participation to compare"
    by_event: dict[int, list[tuple]] = {}
    for row in rows:
        by_event.setdefault(row[0], []).append(row)
    assert found.by_event == {e: (len(r), len({x[2] for x in r}), len({x[3] for x in r if x[3] is not None}))
                              for e, r in by_event.items()}
    for kind in {row[4] for row in rows}:
        mine = [row for row in rows if row[4] == kind]
        got = found.by_kind[kind]
        assert got.person_times == len(mine)
        assert got.entry_ids == sorted({row[1] for row in mine})
        assert got.member_ids == sorted({row[2] for row in mine})
        assert got.team_ids == sorted({row[3] for row in mine if row[3] is not None})
    assert set(found.by_kind) == {row[4] for row in rows}
    women = {m for (m,) in db.execute("SELECT id FROM members WHERE sex = '女'")}
    narrowed = found.of(members=women)
    mine = [row for row in rows if row[2] in women]
    assert mine or not women
    assert (narrowed.person_times, narrowed.entry_ids, narrowed.member_ids) == (
        len(mine), sorted({row[1] for row in mine}), sorted({row[2] for row in mine}))
    some = set(list(by_event)[::2])
    chosen = found.of(events=some)
    mine = [row for row in rows if row[0] in some]
    assert (chosen.person_times, chosen.member_ids) == (len(mine), sorted({row[2] for row in mine}))
    competition = found.restricted(set(COMPETITION_KINDS))
    assert set(competition.by_event) == {row[0] for row in rows if row[4] in COMPETITION_KINDS}
    assert competition.member_ids() == sorted({row[2] for row in rows if row[4] in COMPETITION_KINDS})


@pytest.mark.parametrize("period", PERIODS, ids=["year", "quarter", "custom"])
def test_the_expansion_is_the_ctes_part(union, period):
    check_participation(union["db"], period)


@pytest.mark.parametrize("period", PERIODS, ids=["year", "quarter", "custom"])
def test_the_expansion_is_the_ctes_part_on_a_demo(demo_db, period):
    check_participation(demo_db, period)


def test_the_awkward_cases_count_as_the_register_says(union):
    db, people, events = union["db"], union["people"], union["events"]
    sql, params = held_sql(YEAR)
    found = participation(db, sql, params)
    games = {m for e, m in zip(*found.rows[events["games"]][:2])}
    assert people["吴十"] in games  # a live member's entry counts
    assert people["钱七"] not in {m for m, t in zip(*found.rows[events["games"]][1:]) if t is not None}  # off the team
    books = found.rows[events["books"]][1]
    assert people["李四"] not in books and people["王五"] in books and len(books) == 1  # voided entry and member


@pytest.mark.parametrize("period", PERIODS, ids=["year", "quarter", "custom"])
@pytest.mark.parametrize("kinds", [None, COMPETITION_KINDS, ("文体活动", "讲座/培训", "其他")])
def test_totals_and_figures_from_the_expansion_are_the_registers(union, period, kinds):
    db = union["db"]
    f = EventFilter(date_from=period.date_from, date_to=period.date_to, kinds=kinds)
    sql, params = held_sql(period, kinds)
    shared = participation(db, sql, params)
    day = min(period.date_to, TODAY.isoformat())
    assert event_totals(db, f, today=TODAY, participation=shared, on_roll=set(on_roll_ids(db, day))) == \
        event_totals(db, f, today=TODAY)
    assert event_totals(db, f, today=TODAY, participation=shared) == event_totals(db, f, today=TODAY)
    ids = [r[0] for r in db.execute(sql, params)]
    assert event_figures(db, ids, participation=shared) == event_figures(db, ids)


def test_the_on_roll_ids_are_the_members_on_roll(union):
    from gonghui_desk.events.register import members_on_roll

    db = union["db"]
    for day in ("2026-03-31", "2026-06-30", "2026-11-22"):
        assert len(on_roll_ids(db, day)) == members_on_roll(db, day)
    assert union["people"]["孙八"] in on_roll_ids(db, "2026-05-31")
    assert union["people"]["孙八"] not in on_roll_ids(db, "2026-06-30")  # retired on 2026-06-01


def section_by_section(db, period: ReportPeriod) -> dict:
    """Every figure of the report, each section counted in a context of its own (nothing shared)."""
    found = {}
    for spec in registered_sections("annual"):
        if spec.free_text:
            continue
        ctx = report_context(db, ReportRequest("annual", period), TODAY)
        for stat in spec.stats(ctx):
            found[stat.key] = stat
    return found


@pytest.mark.parametrize("period", PERIODS, ids=["year", "quarter", "custom"])
def test_a_report_shares_and_gets_what_each_section_gets_alone(union, period):
    db = union["db"]
    shared = report_stats(db, ReportRequest("annual", period, tuple(s.key for s in registered_sections("annual"))),
                          TODAY)
    alone = section_by_section(db, period)
    assert shared == alone
    assert shared["culture.person_times"].value + shared["competition.person_times"].value == \
        len(part_rows(db, period))


@pytest.mark.parametrize("period", PERIODS, ids=["year", "quarter", "custom"])
def test_a_demo_report_shares_and_gets_what_each_section_gets_alone(demo_db, period):
    shared = report_stats(demo_db, ReportRequest("annual", period, tuple(s.key for s in registered_sections("annual"))),
                          TODAY)
    assert shared == section_by_section(demo_db, period)


def test_the_context_keeps_one_expansion_per_report(union):
    db = union["db"]
    ctx = report_context(db, ReportRequest("annual", YEAR), TODAY)
    first = period_participation(ctx)
    assert period_participation(ctx) is first  # shared by the sections of one report …
    other = report_context(db, ReportRequest("annual", YEAR), TODAY)
    assert period_participation(other) is not first  # … and read again for the next one


def test_reports_of_different_periods_in_a_row_do_not_share(union, tmp_path):
    db = union["db"]
    every = tuple(s.key for s in registered_sections("annual"))
    year = report_stats(db, ReportRequest("annual", YEAR, every), TODAY)
    quarter = report_stats(db, ReportRequest("annual", QUARTER, every), TODAY)
    custom = report_stats(db, ReportRequest("annual", CUSTOM, every), TODAY)
    assert year["culture.person_times"].value != quarter["culture.person_times"].value
    assert report_stats(db, ReportRequest("annual", YEAR, every), TODAY) == year
    # the same figures as on a connection of its own, where nothing could have been left behind
    path = tmp_path / "copy.sqlite3"
    db.execute("VACUUM INTO ?", [str(path)])
    fresh = open_database(path)
    try:
        assert report_stats(fresh, ReportRequest("annual", QUARTER, every), TODAY) == quarter
        assert report_stats(fresh, ReportRequest("annual", CUSTOM, every), TODAY) == custom
    finally:
        fresh.conn.close()


def test_a_change_between_two_reports_shows_in_the_second(union):
    db, people, events = union["db"], union["people"], union["events"]
    request = ReportRequest("annual", YEAR)
    before = report_stats(db, request, TODAY)
    EventStore(db, today=TODAY).add_members(events["books"], [people["赵六"]])
    after = report_stats(db, request, TODAY)
    assert after["culture.person_times"].value == before["culture.person_times"].value + 1
    assert after["culture.other.person_times"].value == before["culture.other.person_times"].value + 1


def test_the_previous_period_is_counted_apart(union):
    db = union["db"]
    every = tuple(s.key for s in registered_sections("annual"))
    compared = report_stats(db, ReportRequest("annual", YEAR, every, ReportOptions(compare=True)), TODAY)
    last_year = dataclasses.replace(YEAR, date_from="2025-01-01", date_to="2025-12-31", label="2025年")
    alone = report_stats(db, ReportRequest("annual", last_year, every), TODAY)
    previous = {k.removesuffix("@previous"): s for k, s in compared.items() if k.endswith("@previous")}
    assert previous
    for key, stat in previous.items():
        assert (stat.value, stat.ids, stat.base) == (alone[key].value, alone[key].ids, alone[key].base), key
    assert {k: s for k, s in compared.items() if not k.endswith("@previous")} == \
        report_stats(db, ReportRequest("annual", YEAR, every), TODAY)


def test_the_women_and_march8_figures_are_the_ctes(union):
    db = union["db"]
    stats = report_stats(db, ReportRequest("annual", YEAR, ("women",)), TODAY)
    rows = part_rows(db, YEAR)
    women = {m for (m,) in db.execute("SELECT id FROM members WHERE sex = '女'")}
    mine = [row for row in rows if row[2] in women]
    assert mine and stats["women.event_times"].value == len(mine)
    assert stats["women.event_times"].ids == tuple(sorted({row[1] for row in mine}))
    assert stats["women.event_persons"].ids == tuple(sorted({row[2] for row in mine}))
    march8 = json.loads(db.execute(
        "SELECT json_group_array(id) FROM events WHERE voided_at IS NULL AND status = '已举办' AND start_date "
        "BETWEEN ? AND ? AND (holiday = '三八' OR name LIKE '%三八%' OR name LIKE '%妇女节%')",
        [YEAR.date_from, YEAR.date_to]).fetchone()[0])
    assert stats["women.march8_times"].value == sum(1 for row in rows if row[0] in march8)


def test_the_document_is_the_same_with_the_appendix(union):
    """The appendix's tables (by month, the event list) count from the shared expansion too."""
    db = union["db"]
    request = ReportRequest("annual", YEAR, options=ReportOptions(appendix=True))
    doc = build_report(db, request, today=TODAY)
    tables = [b for b in doc.blocks if getattr(b, "header", None) == ("月份", "场次", "参加人次")]
    assert tables
    rows = part_rows(db, YEAR)
    for table in tables:
        for month, _, times in table.rows:
            year, _, rest = month.partition("年")
            key = f"{year}-{int(rest.rstrip('月')):02d}"
            kinds = COMPETITION_KINDS if table is tables[0] else None
            expected = sum(1 for row in rows if db.execute("SELECT start_date FROM events WHERE id = ?",
                                                           [row[0]]).fetchone()[0][:7] == key
                           and (row[4] in COMPETITION_KINDS) == (kinds is not None))
            assert int(times) == expected, (month, table.rows)


def test_a_member_voided_between_two_reports_leaves_the_second(union, tmp_path):
    """The voided members are written into the statements from a list read again after any write — by this
    connection or by another one (the app's worker and its main window use two)."""
    from gonghui_desk.events.register import VOIDED_WRITTEN_OUT, voided_members

    db, people = union["db"], union["people"]
    request = ReportRequest("annual", YEAR)
    before = report_stats(db, request, TODAY)
    assert voided_members(db) == str(db.execute("SELECT id FROM members WHERE voided_at IS NOT NULL").fetchone()[0])
    db.execute("UPDATE members SET voided_at = '2026-11-20T00:00:00' WHERE id = ?", [people["张三"]])
    after = report_stats(db, request, TODAY)
    assert people["张三"] not in after["culture.persons"].ids
    assert after["culture.persons"].value == before["culture.persons"].value - 1
    # another connection puts him back
    other = open_database(db.conn.execute("PRAGMA database_list").fetchone()[2])
    try:
        other.execute("UPDATE members SET voided_at = NULL WHERE id = ?", [people["张三"]])
    finally:
        other.conn.close()
    assert report_stats(db, request, TODAY) == before
    # many voided members (none of them taking part): the query for them instead of a list, the same figures
    db.conn.executemany("INSERT INTO members (name, voided_at) VALUES (?, '2026-01-01T00:00:00')",
                        [(f"作废{i}",) for i in range(VOIDED_WRITTEN_OUT + 1)])
    assert voided_members(db).startswith("SELECT id FROM members")
    assert report_stats(db, request, TODAY) == before
