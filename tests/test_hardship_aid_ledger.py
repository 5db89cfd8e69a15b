"""The 帮扶台账 on a hand-made ledger: filters, order, rows, and totals by 户 / 人 / 人次, type and source."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui_desk import stats
from gonghui_desk.hardship.aid import AidInput, AidStore
from gonghui_desk.hardship.aid_ledger import (
    AID_SORTS, AidFilter, aid_ids, aid_rows, aid_totals, iter_aid, member_payments,
)
from gonghui_desk.union import descendant_ids
from tests.conftest import TODAY
from tests.test_care_visits import add_member
from tests.test_hardship_aid import add_file

YEAR_2026 = AidFilter(date_from="2026-01-01", date_to="2026-12-31")


def _names(ledger, ids) -> list[str]:
    by_id = {v: k for k, v in ledger["payments"].items()}
    return [by_id[i] for i in ids]


def test_totals_count_households_persons_and_payments_apart(ledger):
    totals = aid_totals(ledger["db"], YEAR_2026)
    assert totals.payments == 5  # 人次: 张三 three times, 李四 twice
    assert totals.households == 2  # 李四's reopened file is the same household
    assert totals.persons == 3  # 张三, the student 张小明, 李四
    assert totals.cash_fen == 100000 + 50000 + 300000 + 50000 + 80000
    assert totals.goods_fen == 20000
    assert totals.total_fen == 600000
    assert totals.pending == 0  # a date range shows paid payments only
    assert totals.by_type == {"生活救助": (2, 1, 170000), "金秋助学": (1, 1, 300000), "临时救助": (1, 1, 80000),
                              "节日送温暖": (1, 1, 50000)}
    assert totals.by_source == {"社会捐助": 300000, "本级经费": 100000, "行政": 80000, "上级帮扶资金": 120000}
    assert sum(money for _, _, money in totals.by_type.values()) == totals.total_fen


def test_unpaid_and_voided_payments_are_not_paid_totals(ledger):
    totals = aid_totals(ledger["db"], AidFilter())
    assert totals.payments == 6 and totals.households == 2 and totals.persons == 3  # with last year's
    assert totals.pending == 2  # 王五's application and approved payment
    assert totals.total_fen == 640000
    assert aid_totals(ledger["db"], AidFilter(file_id=ledger["files"]["王五"])).households == 0


def test_a_household_counts_once_across_types(ledger):
    totals = aid_totals(ledger["db"], AidFilter(file_id=ledger["files"]["张三"], date_from="2026-01-01"))
    assert (totals.payments, totals.households, totals.persons) == (3, 1, 2)


def test_filters(ledger):
    db, payments = ledger["db"], ledger["payments"]
    assert set(_names(ledger, aid_ids(db, YEAR_2026))) == {"living", "living_again", "tuition", "old_file",
                                                           "reopened"}
    assert set(_names(ledger, aid_ids(db, AidFilter(aid_types=("生活救助",))))) == {
        "living", "living_again", "applied", "approved", "last_year"}
    assert set(_names(ledger, aid_ids(db, AidFilter(fund_sources=("上级帮扶资金", "行政"))))) == {
        "living_again", "old_file", "reopened"}
    workshop = tuple(descendant_ids(db, ledger["units"]["一车间"]))
    assert set(_names(ledger, aid_ids(db, AidFilter(sub_unit_ids=workshop, date_from="2026-01-01")))) == {
        "living", "living_again", "tuition", "old_file", "reopened"}
    assert _names(ledger, aid_ids(db, AidFilter(search="张小明"))) == ["tuition"]  # the student's name
    assert set(_names(ledger, aid_ids(db, AidFilter(search="李四")))) == {"old_file", "reopened"}
    assert set(_names(ledger, aid_ids(db, AidFilter(stage="申请")))) == {"applied"}
    assert set(_names(ledger, aid_ids(db, AidFilter(stage="审核")))) == {"approved"}
    assert _names(ledger, aid_ids(db, AidFilter(signed=True))) == ["living_again"]
    assert _names(ledger, aid_ids(db, AidFilter(file_id=ledger["files"]["李四"]))) == ["reopened"]
    assert payments["voided"] not in aid_ids(db, AidFilter())
    assert _names(ledger, aid_ids(db, AidFilter(date_from="2026-09-01", date_to="2026-09-01"))) == ["tuition"]


def test_order_rows_and_export(ledger):
    db = ledger["db"]
    newest_first = _names(ledger, aid_ids(db, YEAR_2026))
    assert newest_first == ["tuition", "reopened", "living_again", "old_file", "living"]
    assert _names(ledger, aid_ids(db, YEAR_2026, order="money", descending=False))[0] == "old_file"
    for order in AID_SORTS:
        assert len(aid_ids(db, AidFilter(), order=order)) == 8
    with pytest.raises(ValueError):
        aid_ids(db, AidFilter(), order="colour")
    rows = aid_rows(db, aid_ids(db, YEAR_2026))
    tuition = rows[ledger["payments"]["tuition"]]
    assert tuition["member_name"] == "张三" and tuition["student_name"] == "张小明"
    assert tuition["file_category"] == "特困" and "甲班" in tuition["sub_unit_path"]
    assert tuition["total_fen"] == 300000 and tuition["school"] == "某某大学"
    assert rows[ledger["payments"]["living"]]["student_name"] == ""
    exported = list(iter_aid(db, YEAR_2026, batch=2))
    assert [r["id"] for r in exported] == list(reversed(aid_ids(db, YEAR_2026)))
    assert exported[0]["member_name"] == "张三" and "sub_unit_path" in exported[0]


def test_member_payments_and_home_figure(ledger):
    db = ledger["db"]
    assert len(member_payments(db, ledger["members"]["李四"])) == 2  # both periods of the household
    figures = {f.label: f for f in stats.home_figures(db, TODAY).figures}
    figure = figures[f"{TODAY.year}年帮扶"]
    assert figure.value == 5 and figure.unit == "人次"
    assert "6,000元" in figure.hint and "2户3人" in figure.hint
    assert figures and stats.home_figures(db, dt.date(2024, 6, 1)).figures  # an empty year still works


def test_a_reopened_file_with_a_new_head_is_the_same_household(ledger, store):
    db, files = ledger["db"], ledger["files"]
    db.conn.execute("UPDATE hardship_files SET status = '注销', closed_on = '2026-07-20' WHERE id = ?", [files["李四"]])
    widow = add_member(store, "李四妻")
    file_id, _ = add_file(db, widow, opened_on="2026-08-01", previous_file_id=files["李四"])
    aid = AidStore(db, today=TODAY)
    payment_id = aid.apply(AidInput(file_id=file_id, aid_type="生活救助", cash_fen=10000, applied_on="2026-08-05"))
    aid.approve(payment_id, "2026-08-05", "李主席")
    aid.pay(payment_id, "2026-08-05")
    totals = aid_totals(db, YEAR_2026)
    assert (totals.payments, totals.households, totals.persons) == (6, 2, 4)  # a new head is a new person
    assert totals.by_type["生活救助"] == (3, 2, 180000)


@pytest.mark.parametrize("kind, members", [("school", 120), ("company", 1500)])
def test_demo_aid_two_years_within_the_rules(tmp_path, kind, members):
    from gonghui_desk.db import open_database
    from gonghui_desk.demo import generate_demo

    db = open_database(tmp_path / "demo.sqlite3")
    generate_demo(db, kind=kind, members=members, today=TODAY)
    store = AidStore(db, today=TODAY)
    rows = list(db.query("SELECT * FROM aid_payments ORDER BY id"))
    paid = [r for r in rows if r["stage"] == "发放"]
    assert paid and min(r["paid_on"] for r in paid) >= "2024-11-23" and max(r["paid_on"] for r in paid) <= "2026-11-22"
    types = {r["aid_type"] for r in paid}
    assert "金秋助学" in types and "生活救助" in types
    for row in rows:  # each one as the officer would have entered it: no errors, no rule breached
        values, problems = store.normalize(store.as_input(row["id"]))
        assert problems == []
        assert store.rule_warnings(values, row["paid_on"] or row["applied_on"], row["id"]) == []
        assert row["applied_on"] <= (row["approved_on"] or "9") <= (row["paid_on"] or "9")
    for row in (r for r in paid if r["aid_type"] == "金秋助学"):
        assert row["admission_year"] == int(row["paid_on"][:4]) and row["school"]
    totals = aid_totals(db, AidFilter(date_from="2024-11-23", date_to="2026-11-22"))
    assert totals.payments == len(paid)
    assert totals.households <= db.execute("SELECT count(DISTINCT member_id) FROM hardship_files").fetchone()[0]
    if kind == "company":
        assert {"节日送温暖", "医疗救助"} <= types
        assert any(r["stage"] != "发放" for r in rows)  # the last weeks' applications are still open
        assert 0.8 <= sum(r["signed"] for r in paid) / len(paid) < 1
