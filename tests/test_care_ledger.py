"""The 慰问台账 on a hand-made ledger: filters, order, totals (人次 vs 人 vs members), the history
panel and home figures, and the demo's visits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from gonghui_desk import demo, history, stats
from gonghui_desk.care.campaigns import CampaignInput, add_recipients, create_campaign, record_campaign
from gonghui_desk.care.ledger import (
    LEDGER_SORTS, LedgerFilter, LedgerTotals, iter_ledger, ledger_ids, ledger_rows, ledger_totals, member_visits,
)
from gonghui_desk.care.reminders import reminders
from gonghui_desk.care.visits import VisitInput, VisitStore
from gonghui_desk.db import open_database
from gonghui_desk.union import descendant_ids, ensure_sub_unit_path
from tests.conftest import TODAY
from tests.test_care_visits import add_member, occasion_id



@dataclass
class Ledger:
    db: object
    members: dict[str, int]
    visits: dict[str, int]
    units: dict[str, int]
    campaign_id: int


@pytest.fixture
def ledger(db, store):
    units = {"一车间": ensure_sub_unit_path(db, "一车间"),
             "甲班": ensure_sub_unit_path(db, "一车间/甲班", kind="工会小组"),
             "行政部": ensure_sub_unit_path(db, "行政部")}
    members = {"张三": add_member(store, "张三", sub_unit_id=units["甲班"]),
               "李四": add_member(store, "李四", sub_unit_id=units["一车间"]),
               "王五": add_member(store, "王五", sub_unit_id=units["行政部"]),
               "赵六": add_member(store, "赵六", sub_unit_id=units["行政部"])}
    store_ = VisitStore(db, today=TODAY)

    def save(member: str, occasion: str, day: str | None, **values) -> int:
        return store_.save(VisitInput(member_id=members[member], occasion_id=occasion_id(db, occasion),
                                      visit_date=day, **values))

    visits = {
        "hospital": save("张三", "生病住院", "2026-01-10", illness="肺炎", cash_fen=50000, signed=True),
        "hospital_again": save("张三", "生病住院", "2026-05-10", illness="骨折", cash_fen=50000,
                               goods_desc="水果", goods_value_fen=10000),
        "father": save("张三", "直系亲属去世", "2026-03-01", recipient_relation="父母", recipient_name="张老汉",
                       cash_fen=100000),
        "wedding": save("李四", "结婚", "2026-04-01", cash_fen=100000, fund_source="行政"),
        "pending": save("赵六", "生病住院", None, event_date="2026-11-20", illness="阑尾炎", cash_fen=50000),
        "voided": save("王五", "结婚", "2026-06-01", cash_fen=100000),
        "last_year": save("李四", "生日", "2025-12-31", goods_desc="蛋糕券", goods_value_fen=20000,
                          payment_form="蛋糕券"),
    }
    store_.void(visits["voided"], "录错了人")
    campaign_id = create_campaign(db, CampaignInput("2026年春节慰问", "2026-02-07", occasion_id(db, "节日慰问"),
                                                    default_cash_fen=30000))
    add_recipients(db, campaign_id, [members["王五"], members["赵六"]])
    record_campaign(db, campaign_id, today=TODAY)
    return Ledger(db, members, visits, units, campaign_id)


YEAR_2026 = {"date_from": "2026-01-01", "date_to": "2026-12-31"}


def test_totals_count_visits_persons_and_members_apart(ledger):
    totals = ledger_totals(ledger.db, LedgerFilter(**YEAR_2026))
    # 张三 ×2, his father, 李四, the campaign's 王五 and 赵六; not the voided, the pending or last year's
    assert totals == LedgerTotals(visits=6, persons=5, members=4, cash_fen=360000, goods_fen=10000, pending=1)
    assert totals.total_fen == 370000
    everything = ledger_totals(ledger.db, LedgerFilter())
    assert (everything.visits, everything.persons, everything.goods_fen) == (7, 5, 30000)
    assert ledger_totals(ledger.db, LedgerFilter(date_from="2030-01-01")) == LedgerTotals()


def _ids(ledger, **filters) -> set[int]:
    return set(ledger_ids(ledger.db, LedgerFilter(**filters)))


def test_filters(ledger):
    v, m = ledger.visits, ledger.members
    campaign_visits = {r[0] for r in ledger.db.execute("SELECT id FROM visits WHERE campaign_id = ?",
                                                       [ledger.campaign_id])}
    assert len(campaign_visits) == 2
    assert _ids(ledger, date_from="2026-03-01", date_to="2026-04-30") == {v["father"], v["wedding"]}
    assert _ids(ledger, date_from="2026-11-01") == {v["pending"]}  # by its event date
    assert _ids(ledger, occasion_ids=(occasion_id(ledger.db, "生病住院"),)) == {
        v["hospital"], v["hospital_again"], v["pending"]}
    workshop = tuple(descendant_ids(ledger.db, ledger.units["一车间"]))
    assert _ids(ledger, sub_unit_ids=workshop, **YEAR_2026) == {
        v["hospital"], v["hospital_again"], v["father"], v["wedding"]}
    assert _ids(ledger, sub_unit_ids=(ledger.units["甲班"],)) == {v["hospital"], v["hospital_again"], v["father"]}
    assert _ids(ledger, fund_source="行政") == {v["wedding"]}
    assert _ids(ledger, search="zs") == _ids(ledger, search="张三") == {v["hospital"], v["hospital_again"], v["father"]}
    assert _ids(ledger, search="%") == set()
    assert _ids(ledger, campaign_id=ledger.campaign_id) == campaign_visits
    assert _ids(ledger, pending=True) == {v["pending"]}
    assert v["pending"] not in _ids(ledger, pending=False) and len(_ids(ledger, pending=False)) == 7
    assert _ids(ledger, signed=True) == {v["hospital"]}
    assert _ids(ledger, occasion_ids=()) == set()
    assert v["voided"] not in _ids(ledger) and m["王五"] in {r["member_id"] for r in
                                                            ledger_rows(ledger.db, list(campaign_visits)).values()}


def test_visits_of_a_voided_member_entry_stay_in_the_ledger(ledger, store):
    store.void(ledger.members["李四"], "重复录入")
    assert ledger.visits["wedding"] in _ids(ledger, **YEAR_2026)
    assert ledger_rows(ledger.db, [ledger.visits["wedding"]])[ledger.visits["wedding"]]["member_voided"] is True
    assert ledger_totals(ledger.db, LedgerFilter(**YEAR_2026)).visits == 6


def test_order(ledger):
    v = ledger.visits
    newest_first = ledger_ids(ledger.db, LedgerFilter(**YEAR_2026))
    assert newest_first[0] == v["pending"] and newest_first[-1] == v["hospital"]
    assert ledger_ids(ledger.db, LedgerFilter(**YEAR_2026), descending=False) == newest_first[::-1]
    by_money = ledger_ids(ledger.db, LedgerFilter(**YEAR_2026), order="money")
    assert by_money[:2] == [v["wedding"], v["father"]]  # 1,000元 each, the newer first
    by_member = ledger_ids(ledger.db, LedgerFilter(), order="member", descending=False)
    rows = ledger_rows(ledger.db, by_member)
    names = [rows[i]["member_name"] for i in by_member]
    assert names == sorted(names, key=["李四", "王五", "张三", "赵六"].index)
    for order in LEDGER_SORTS:
        assert sorted(ledger_ids(ledger.db, LedgerFilter(), order=order)) == sorted(newest_first + [v["last_year"]])
    with pytest.raises(ValueError):
        ledger_ids(ledger.db, LedgerFilter(), order="colour")


def test_rows_carry_what_the_page_shows(ledger):
    rows = ledger_rows(ledger.db, [ledger.visits["hospital_again"], ledger.visits["father"]])
    row = rows[ledger.visits["hospital_again"]]
    assert (row["member_name"], row["member_status"], row["sub_unit_path"], row["occasion_name"]) == (
        "张三", "在册", "一车间/甲班", "生病住院")
    assert row["total_fen"] == 60000 and row["illness"] == "骨折" and row["campaign_name"] is None
    assert rows[ledger.visits["father"]]["recipient_name"] == "张老汉"
    campaign_row = next(iter(ledger_rows(ledger.db, ledger_ids(ledger.db, LedgerFilter(
        campaign_id=ledger.campaign_id))).values()))
    assert campaign_row["campaign_name"] == "2026年春节慰问" and campaign_row["sub_unit_path"] == "行政部"


def test_iter_ledger_reads_every_row_in_batches_in_order(ledger):
    f = LedgerFilter(**YEAR_2026)
    rows = list(iter_ledger(ledger.db, f, batch=2))
    assert [r["id"] for r in rows] == ledger_ids(ledger.db, f, descending=False)
    assert rows[0]["sub_unit_path"] == "一车间/甲班" and rows[0]["occasion_name"] == "生病住院"


def test_member_visits_newest_first_without_voided(ledger):
    assert [v["id"] for v in member_visits(ledger.db, ledger.members["张三"])] == [
        ledger.visits["hospital_again"], ledger.visits["father"], ledger.visits["hospital"]]
    assert [v["occasion_name"] for v in member_visits(ledger.db, ledger.members["王五"])] == ["节日慰问"]


def test_history_panel_lines(ledger):
    entries = [e for e in history.member_history(ledger.db, ledger.members["张三"]) if e.category == "慰问"]
    assert [(e.date, e.summary) for e in entries] == [
        ("2026-05-10", "生病住院慰问（骨折），慰问金500元，慰问品水果（价值100元）"),
        ("2026-03-01", "直系亲属去世慰问（父母张老汉），慰问金1,000元"),
        ("2026-01-10", "生病住院慰问（肺炎），慰问金500元"),
    ]
    assert entries[0].table == "visits" and entries[0].record_id == ledger.visits["hospital_again"]
    pending = [e.summary for e in history.member_history(ledger.db, ledger.members["赵六"]) if e.category == "慰问"]
    assert pending == ["生病住院慰问（阑尾炎），待走访，慰问金500元", "2026年春节慰问，慰问金300元"]


def test_visitors_in_the_history_line(ledger):
    visit_id = VisitStore(ledger.db, today=TODAY).save(VisitInput(
        member_id=ledger.members["李四"], occasion_id=occasion_id(ledger.db, "生育"), visit_date="2026-08-01",
        cash_fen=50000, visitors="王主席、李委员"))
    line = next(e.summary for e in history.member_history(ledger.db, ledger.members["李四"]) if e.record_id == visit_id)
    assert line == "生育慰问，慰问金500元，走访：王主席等"


def test_home_figures_count_this_year(ledger):
    figures = {f.label: f for f in stats.home_figures(ledger.db, dt.date(2026, 11, 22)).figures}
    assert (figures["2026年慰问"].value, figures["2026年慰问"].unit) == (6, "人次")
    assert figures["2026年慰问"].hint == "共5人；另有1件待走访"
    assert (figures["2026年慰问金额"].value, figures["2026年慰问金额"].unit) == ("3,700", "元")
    assert figures["2026年慰问金额"].hint == "其中慰问金3,600元，慰问品100元"


# --- the demo's visits ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def company(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("care_demo") / "company.sqlite3")
    demo.generate_demo(db, kind="company", seed=7, today=TODAY)
    yield db
    db.conn.close()


def _visit_rows(db) -> list[tuple]:
    return db.execute("SELECT member_id, occasion_id, event_date, visit_date, visitors, cash_fen, goods_desc, "
                      "illness, signed, campaign_id FROM visits ORDER BY id").fetchall()


def test_demo_visits_are_deterministic(company, tmp_path):
    again = open_database(tmp_path / "again.sqlite3")
    demo.generate_demo(again, kind="company", seed=7, today=TODAY)
    try:
        assert _visit_rows(again) == _visit_rows(company)
    finally:
        again.conn.close()


def test_demo_visits_are_realistic(company):
    db = company
    members = db.execute("SELECT count(*) FROM members").fetchone()[0]
    visits = ledger_totals(db, LedgerFilter())
    assert 0.3 <= visits.visits / members / 2 <= 0.6  # visits per member and year
    assert visits.pending == 2 and visits.persons > visits.members  # relatives are persons of their own
    occasions = dict(db.execute("SELECT o.name, count(*) FROM visits v JOIN care_occasions o ON o.id = v.occasion_id "
                                "GROUP BY o.name").fetchall())
    assert {"生病住院", "结婚", "生育", "直系亲属去世", "节日慰问", "夏季高温"} <= set(occasions)
    assert db.execute("SELECT max(visit_date) <= ? AND min(coalesce(visit_date, event_date)) > ? FROM visits",
                      [TODAY.isoformat(), "2024-11-22"]).fetchone()[0] == 1
    overridden = list(db.query("SELECT * FROM visits WHERE override_reason != ''"))
    assert len(overridden) == 1 and "同一疾病" in overridden[0]["rule_warnings"]
    assert db.execute("SELECT count(*) FROM visits WHERE illness != '' AND follow_up != ''").fetchone()[0]
    # every retirement of the period has its 退休 visit, on or after the retirement date
    retired = db.execute("SELECT count(*) FROM member_status_changes WHERE new_status = '退休' AND effective_date > ?",
                         ["2024-11-22"]).fetchone()[0]
    retirement_visits = db.execute(
        """SELECT count(*) FROM visits v JOIN member_status_changes s ON s.member_id = v.member_id
           AND s.new_status = '退休' AND v.event_date = s.effective_date
           WHERE v.occasion_id = ? AND v.visit_date >= s.effective_date""", [occasion_id(db, "退休")]).fetchone()[0]
    assert retirement_visits == retired
    # no visit of the bulk insert breaks a rule unnoticed: a sample rechecked by the rules
    store = VisitStore(db, today=TODAY)
    sample = db.execute("SELECT id FROM visits WHERE override_reason = '' AND campaign_id IS NULL "
                        "ORDER BY id LIMIT 40").fetchall()
    for (visit_id,) in sample:
        assert store.check_rules(store.as_input(visit_id), visit_id=visit_id) == [], visit_id


def test_demo_campaigns_are_recorded_and_mostly_signed(company):
    rows = list(company.query(
        """SELECT c.name, c.recorded_at, count(v.id) AS visits, sum(v.signed) AS signed,
                  (SELECT count(*) FROM campaign_recipients r WHERE r.campaign_id = c.id) AS recipients
           FROM campaigns c LEFT JOIN visits v ON v.campaign_id = c.id GROUP BY c.id ORDER BY c.id"""))
    names = [r["name"] for r in rows]
    assert {"2025年春节送温暖", "2026年夏送清凉", "2026年中秋慰问退休职工"} <= set(names)
    recorded = [row for row in rows if row["recorded_at"]]
    assert all(row["visits"] == row["recipients"] > 0 for row in recorded)
    assert sum(row["signed"] for row in recorded) >= 0.9 * sum(row["visits"] for row in recorded)
    for row in rows:
        if not row["recorded_at"]:  # next Spring Festival's list is ready but not yet handed out
            assert row["name"].startswith("2027年春节") and row["visits"] == 0 and row["recipients"] > 0


def test_demo_reminders_come_from_the_records(company):
    kinds = {r.kind for r in reminders(company, today=TODAY)}
    assert {"pending_event", "retirement"} <= kinds
    assert "birthday" not in kinds  # the company union does not give birthday benefits
