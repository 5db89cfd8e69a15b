"""The home page's reminders: retirements by the 2024 rules, birthdays, hospital follow-ups,
hardship files and pending events."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui_desk.care import campaigns as campaigns_module
from gonghui_desk.care.occasions import find_occasion, void_occasion
from gonghui_desk.care.reminders import KINDS, reminders
from gonghui_desk.care.visits import VisitInput, VisitStore
from tests.conftest import TODAY
from tests.test_care_visits import add_member, occasion_id


def _only(db, kind: str, today: dt.date, **options) -> list:
    return reminders(db, today=today, kinds=(kind,), **options)


@pytest.mark.parametrize("sex, birth, original, today, date, age_text", [
    # the worked examples of DOMAIN.md §6
    ("男", "1965-01-20", None, dt.date(2025, 1, 1), "2025-02-20", "60岁1个月"),
    ("男", "1965-12-15", None, dt.date(2025, 10, 1), "2026-03-15", "60岁3个月"),
    ("女", "1971-04-10", 55, dt.date(2026, 3, 1), "2026-08-10", "55岁4个月"),
    ("女", "1995-12-01", 50, dt.date(2050, 7, 1), "2050-12-01", "55岁"),
    # born before the reform: the old ages
    ("男", "1964-12-31", None, dt.date(2024, 10, 1), "2024-12-31", "60岁"),
    ("女", "1974-12-05", 50, dt.date(2024, 10, 1), "2024-12-05", "50岁"),
])
def test_worked_examples(db, store, sex, birth, original, today, date, age_text):
    member_id = add_member(store, "张三", sex=sex, birth_date=birth, female_retirement_age=original)
    [reminder] = _only(db, "retirement", today)
    assert (reminder.member_id, reminder.date, reminder.action, reminder.occasion_name) == (
        member_id, date, "record_visit", "退休")
    assert reminder.text == f"张三将于{date}达到法定退休年龄（{age_text}）"


def _retirement_kinds(db, today: dt.date, months: int = 6) -> dict[int, str]:
    return {r.member_id: r.kind for r in reminders(db, today=today, retirement_months=months,
                                                   kinds=("retirement", "retirement_passed"))}


def test_the_window_of_n_months_and_passed_retirements(db, store):
    member_id = add_member(store, "张三", sex="男", birth_date="1966-03-01")  # 60岁4个月: 2026-07-01
    assert _retirement_kinds(db, dt.date(2025, 12, 31)) == {}
    assert _retirement_kinds(db, dt.date(2026, 1, 1)) == {member_id: "retirement"}  # exactly six months ahead
    assert _retirement_kinds(db, dt.date(2025, 12, 31), months=7) == {member_id: "retirement"}
    assert _retirement_kinds(db, dt.date(2026, 6, 30)) == {member_id: "retirement"}
    assert _retirement_kinds(db, dt.date(2026, 7, 1)) == {member_id: "retirement_passed"}  # reached today
    [passed] = _only(db, "retirement_passed", dt.date(2027, 1, 1))
    assert passed.action == "change_status" and passed.date == "2026-07-01"
    assert "已于2026-07-01达到法定退休年龄（60岁4个月）" in passed.text and "变更状态" in passed.text


def test_only_members_on_the_roll_and_not_yet_visited(db, store):
    add_member(store, "王五", sex="男", birth_date="1950-01-01", status="退休", status_date="2010-01-01")
    add_member(store, "钱七", sex="男", birth_date="1960-01-01", status="转出", status_date="2019-01-01")
    visited = add_member(store, "赵六", sex="男", birth_date="1966-03-01")
    VisitStore(db, today=TODAY).save(VisitInput(member_id=visited, occasion_id=occasion_id(db, "退休"),
                                                visit_date=None, event_date="2026-07-01"))
    assert _retirement_kinds(db, dt.date(2026, 5, 1)) == {}
    # the status still needs changing
    assert _retirement_kinds(db, dt.date(2026, 8, 1)) == {visited: "retirement_passed"}


def test_women_without_their_original_age_are_counted_once(db, store):
    add_member(store, "李四", sex="女", birth_date="1974-05-01")
    oldest = add_member(store, "周九", sex="女", birth_date="1970-02-01")
    add_member(store, "赵六", sex="女", birth_date="1990-01-01")  # far from retiring: not counted
    add_member(store, "郑十", sex="女", birth_date="1971-01-01", female_retirement_age=55)
    [reminder] = _only(db, "retirement_unknown", TODAY)
    assert (reminder.member_id, reminder.action) == (oldest, "open_member")
    assert "有2名" in reminder.text and "女职工原退休年龄" in reminder.text


@pytest.fixture
def birthdays(db, store):
    """Members with birthdays around the year end, and a union that has given a birthday visit."""
    today = dt.date(2026, 12, 10)
    visits = VisitStore(db, today=today)
    ids = {name: add_member(store, name, birth_date=birth, **extra) for name, birth, extra in (
        ("张三", "1990-12-25", {}), ("李四", "1985-01-05", {"status": "退休", "status_date": "2025-01-05"}),
        ("王五", "1980-02-01", {}), ("赵六", "1991-12-01", {}), ("钱七", "1992-01-20", {}),
        ("孙八", "1993-12-15", {"status": "转出", "status_date": "2026-01-01"}), ("周九", "1990-12-03", {}),
        ("吴十", "1992-02-29", {}))}
    cake = occasion_id(db, "生日")
    for name, day in (("赵六", "2026-12-01"), ("钱七", "2026-01-20")):
        visits.save(VisitInput(member_id=ids[name], occasion_id=cake, visit_date=day, goods_desc="蛋糕券",
                               goods_value_fen=20000, payment_form="蛋糕券"))
    return ids, today


def test_birthdays_this_month_and_next_across_the_year_end(db, birthdays):
    ids, today = birthdays
    found = _only(db, "birthday", today)
    assert [(r.member_name, r.date) for r in found] == [
        ("周九", "2026-12-03"), ("张三", "2026-12-25"), ("李四", "2027-01-05"), ("钱七", "2027-01-20")]
    assert found[1].text == "张三将于2026-12-25过36岁生日"
    assert found[0].text == "周九已于2026-12-03过36岁生日，尚未登记生日慰问"
    assert {(r.action, r.occasion_name) for r in found} == {("record_visit", "生日")}
    # 29 February in a year without it
    assert [(r.member_name, r.date) for r in _only(db, "birthday", dt.date(2027, 1, 15))
            if r.member_name == "吴十"] == [("吴十", "2027-02-28")]


def test_no_birthdays_for_a_union_that_does_not_give_them(db, store):
    add_member(store, "张三", birth_date="1990-11-25")
    assert _only(db, "birthday", TODAY) == []  # the occasion exists, but was never used
    void_occasion(db, find_occasion(db, "生日").id)
    assert _only(db, "birthday", TODAY) == []


def test_hospital_visits_without_follow_up_in_the_last_30_days(db, store):
    member = add_member(store, "张三")
    visits = VisitStore(db, today=TODAY)

    def hospital(days_ago: int, **values) -> int:
        day = TODAY - dt.timedelta(days=days_ago)
        return visits.save(VisitInput(member_id=member, occasion_id=occasion_id(db, "生病住院"), visit_date=day,
                                      cash_fen=50000, **values), override_reason="测试")

    inside = hospital(30, illness="肺炎")
    hospital(31, illness="骨折")
    hospital(3, illness="阑尾炎", follow_up="已出院")
    visits.void(hospital(2, illness="痛风"), "录错")
    relative = hospital(1, illness="骨折", recipient_relation="父母", recipient_name="张老汉")
    visits.save(VisitInput(member_id=member, occasion_id=occasion_id(db, "结婚"), visit_date=TODAY, cash_fen=50000))
    found = _only(db, "hospital_follow_up", TODAY)
    assert [(r.visit_id, r.action, r.date) for r in found] == [
        (inside, "open_visit", "2026-10-23"), (relative, "open_visit", "2026-11-21")]
    assert found[0].text == "张三于2026-10-23生病住院慰问（肺炎）后，尚未记录随访情况"
    assert found[1].text.startswith("张三的父母张老汉于2026-11-21")


def test_pending_events(db, store):
    member = add_member(store, "张三")
    visit_id = VisitStore(db, today=TODAY).save(VisitInput(
        member_id=member, occasion_id=occasion_id(db, "生育"), event_date="2026-11-18"))
    [reminder] = _only(db, "pending_event", TODAY)
    assert (reminder.visit_id, reminder.action, reminder.occasion_name, reminder.date) == (
        visit_id, "open_visit", "生育", "2026-11-18")
    assert reminder.text == "张三：生育（2026-11-18）已登记，尚未走访慰问"


def test_hardship_files_without_a_visit_this_year(db, store, monkeypatch):
    visited, forgotten = add_member(store, "张三"), add_member(store, "李四")
    monkeypatch.setattr(campaigns_module, "_CRITERIA", {})
    assert _only(db, "hardship_no_visit", TODAY) == []  # no hardship module: nothing to say
    campaigns_module.register_criterion("hardship_only", lambda db: {visited, forgotten})
    VisitStore(db, today=TODAY).save(VisitInput(member_id=visited, occasion_id=occasion_id(db, "生活困难/意外"),
                                                visit_date="2026-03-01", cash_fen=100000))
    [reminder] = _only(db, "hardship_no_visit", TODAY)
    assert (reminder.member_id, reminder.action, reminder.occasion_name) == (forgotten, "record_visit", "生活困难/意外")
    assert reminder.text == "李四在困难职工档案中，2026年尚未走访慰问"


def test_kinds_and_their_order(db, store):
    add_member(store, "王五", sex="男", birth_date="1960-01-01")
    add_member(store, "张三", sex="男", birth_date="1966-03-01")
    member = add_member(store, "李四")
    VisitStore(db, today=TODAY).save(VisitInput(member_id=member, occasion_id=occasion_id(db, "结婚"),
                                                event_date="2026-11-20"))
    today = dt.date(2026, 3, 1)
    assert [r.kind for r in reminders(db, today=today)] == ["retirement_passed", "retirement", "pending_event"]
    assert [r.kind for r in reminders(db, today=today, kinds=("pending_event",))] == ["pending_event"]
    assert set(KINDS) >= {"birthday", "hardship_no_visit", "hospital_follow_up"}
    with pytest.raises(ValueError):
        reminders(db, today=today, kinds=("weather",))


def test_the_window_defaults_to_the_unions_setting(db):
    import datetime as dt

    from gonghui_desk.members import MemberStore
    from gonghui_desk.settings import set_retirement_reminder_months

    today = dt.date(2026, 11, 22)
    from gonghui_desk.retirement import statutory_retirement

    birth = dt.date(1967, 6, 15)  # retires at 60 years 8 months, on 2028-02-15
    due = statutory_retirement(birth, "男").date
    member = MemberStore(db).create({"name": "钱老师", "sex": "男", "birth_date": birth.isoformat()})
    months_away = (due.year - today.year) * 12 + due.month - today.month
    set_retirement_reminder_months(db, months_away - 1)
    assert member not in {r.member_id for r in reminders(db, today=today, kinds=["retirement"])}
    set_retirement_reminder_months(db, months_away + 1)
    assert member in {r.member_id for r in reminders(db, today=today, kinds=["retirement"])}
