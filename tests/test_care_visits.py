"""Recording a visit: hard errors, every rule warning, the override reason, voiding and signing.

``add_member`` and ``occasion_id`` are shared with the other care tests.
"""

from __future__ import annotations

import pytest

from gonghui_desk.care.occasions import apply_rule_set, find_occasion, load_rule_set
from gonghui_desk.care.visits import RuleOverrideRequired, VisitInput, VisitStore
from gonghui_desk.errors import UserError, ValidationError
from tests.conftest import TODAY


def add_member(store, name: str, *, status: str = "在册", status_date: str | None = None, reason: str = "",
               join_date: str = "2010-01-01", **fields) -> int:
    """A member on the roll from ``join_date``, then in ``status`` from ``status_date``."""
    member_id = store.create({"name": name, "join_date": join_date, **fields}, today=TODAY)
    if status != "在册":
        store.change_status(member_id, status, status_date, reason or "测试")
    return member_id


def occasion_id(db, name: str) -> int:
    return find_occasion(db, name).id


@pytest.fixture
def visits(db):
    """A VisitStore on the example province's rules (caps of 2000元, a 2200元 holiday group)."""
    apply_rule_set(db, load_rule_set("example-province"))
    return VisitStore(db, today=TODAY)


@pytest.fixture
def people(store):
    return {
        "张三": add_member(store, "张三"),
        "李四": add_member(store, "李四", status="转出", status_date="2026-06-01"),
        "王五": add_member(store, "王五", status="去世", status_date="2026-05-01"),
    }


def _visit(db, member_id: int, occasion: str, **values) -> VisitInput:
    values.setdefault("visit_date", "2026-03-01")
    return VisitInput(member_id=member_id, occasion_id=occasion_id(db, occasion), **values)


def _codes(error: RuleOverrideRequired) -> list[str]:
    return [w.code for w in error.warnings]


def test_a_visit_within_the_rules_is_saved_as_typed(db, visits, people):
    visit_id = visits.save(_visit(db, people["张三"], "结婚", event_date="2026/2/20", cash_fen=100000,
                                  visitors=" 王主席、李委员 ", leader_went=True, recipient_name="张三"))
    row = visits.get(visit_id)
    assert row["event_date"] == "2026-02-20" and row["visit_date"] == "2026-03-01"
    assert row["payment_form"] == "现金"  # cash without a form is paid in cash
    assert row["visitors"] == "王主席、李委员" and row["leader_went"] == 1
    assert row["recipient_relation"] == "本人" and row["recipient_name"] == ""  # not a second person
    assert row["rule_warnings"] == "" and row["override_reason"] == ""
    assert visits.as_input(visit_id).cash_fen == 100000


@pytest.mark.parametrize("changes, field", [
    ({"member_id": 9999}, "member_id"),
    ({"occasion_id": 9999}, "occasion_id"),
    ({"recipient_relation": "同事"}, "recipient_relation"),
    ({"recipient_relation": "父母"}, "recipient_name"),
    ({"visit_date": None}, "visit_date"),
    ({"visit_date": "2026-11-23"}, "visit_date"),  # later than today
    ({"visit_date": "2026-02-30"}, "visit_date"),
    ({"cash_fen": -100}, "cash_fen"),
    ({"cash_fen": 12.5}, "cash_fen"),
    ({"goods_value_fen": 5000}, "goods_desc"),
    ({"payment_form": "支付宝"}, "payment_form"),
])
def test_hard_errors_refuse_the_record(db, visits, people, changes, field):
    values = {"member_id": people["张三"], "occasion_id": occasion_id(db, "结婚"), "visit_date": "2026-03-01",
              "cash_fen": 50000, **changes}
    with pytest.raises(ValidationError) as caught:
        visits.save(VisitInput(**values))
    assert field in [p.field for p in caught.value.problems]
    assert visits.check_rules(VisitInput(**values)) == []
    assert db.execute("SELECT count(*) FROM visits").fetchone()[0] == 0


def test_an_event_recorded_before_the_visit(db, visits, people):
    visit_id = visits.save(_visit(db, people["张三"], "生病住院", visit_date=None, event_date="2026-11-20",
                                  illness="肺炎"))
    assert visits.get(visit_id)["visit_date"] is None


def test_over_the_cap_needs_a_reason_which_is_kept(db, visits, people):
    visit = _visit(db, people["张三"], "结婚", cash_fen=200000, goods_desc="床上用品", goods_value_fen=50000)
    with pytest.raises(RuleOverrideRequired) as caught:
        visits.save(visit)
    assert _codes(caught.value) == ["over_cap"]
    assert "2,500" in str(caught.value) and "如确需保存，请填写原因" in str(caught.value)
    with pytest.raises(RuleOverrideRequired):
        visits.save(visit, override_reason="   ")
    visit_id = visits.save(visit, override_reason="经工会委员会研究同意")
    row = visits.get(visit_id)
    assert "超过" in row["rule_warnings"] and row["override_reason"] == "经工会委员会研究同意"


def test_a_reason_is_not_kept_when_nothing_was_broken(db, visits, people):
    visit_id = visits.save(_visit(db, people["张三"], "结婚", cash_fen=100000), override_reason="以防万一")
    assert visits.get(visit_id)["override_reason"] == ""


def test_yearly_cap_shared_by_a_group_of_occasions(db, visits, people):
    member = people["张三"]
    first = visits.save(_visit(db, member, "节日慰问", visit_date="2026-01-20", cash_fen=150000))
    second = _visit(db, member, "节日慰问", visit_date="2026-09-20", cash_fen=80000)
    assert [w.code for w in visits.check_rules(second)] == ["over_yearly_cap"]
    assert "1,500" in visits.check_rules(second)[0].message
    assert visits.check_rules(_visit(db, member, "节日慰问", visit_date="2025-09-20", cash_fen=80000)) == []
    assert visits.check_rules(_visit(db, member, "节日慰问", visit_date="2026-09-20", cash_fen=70000)) == []
    # editing the first visit does not count it twice
    assert visits.check_rules(_visit(db, member, "节日慰问", visit_date="2026-01-20", cash_fen=220000),
                              visit_id=first) == []
    visits.void(first, "重复录入")
    assert visits.check_rules(second) == []


def test_same_illness_once_a_year_per_person(db, visits, people):
    member = people["张三"]
    visits.save(_visit(db, member, "生病住院", visit_date="2025-03-01", illness="肺炎", cash_fen=50000))
    again = _visit(db, member, "生病住院", visit_date="2026-02-20", illness="肺 炎", cash_fen=50000)
    warnings = visits.check_rules(again)
    assert [w.code for w in warnings] == ["same_illness"] and "2025-03-01" in warnings[0].message
    assert visits.check_rules(_visit(db, member, "生病住院", visit_date="2026-03-01", illness="肺炎")) == []
    assert visits.check_rules(_visit(db, member, "生病住院", visit_date="2026-02-20", illness="骨折")) == []
    relative = _visit(db, member, "生病住院", visit_date="2026-02-20", illness="肺炎", recipient_relation="配偶",
                      recipient_name="刘芳")
    assert visits.check_rules(relative) == []  # another person


def test_missing_illness_on_a_hospital_visit(db, visits, people):
    warnings = visits.check_rules(_visit(db, people["张三"], "生病住院", cash_fen=50000))
    assert [w.code for w in warnings] == ["missing_illness"]


@pytest.mark.parametrize("occasion, form", [("生日", "现金"), ("结婚", "购物卡"), ("夏季高温", "现金")])
def test_payment_form_not_allowed(db, visits, people, occasion, form):
    warnings = visits.check_rules(_visit(db, people["张三"], occasion, cash_fen=20000, payment_form=form))
    assert [w.code for w in warnings] == ["form_not_allowed"] and form in warnings[0].message


def test_member_off_the_roll_on_the_visit_date(db, visits, people):
    moved = people["李四"]
    assert visits.check_rules(_visit(db, moved, "结婚", visit_date="2026-05-31", cash_fen=50000)) == []
    warnings = visits.check_rules(_visit(db, moved, "结婚", visit_date="2026-06-01", cash_fen=50000))
    assert [w.code for w in warnings] == ["not_on_roll"] and "转出" in warnings[0].message
    dead = people["王五"]
    assert visits.check_rules(_visit(db, dead, "本人去世", visit_date="2026-05-03", cash_fen=200000)) == []
    late = visits.check_rules(_visit(db, dead, "生病住院", visit_date="2026-05-03", illness="肺炎"))
    assert [w.code for w in late] == ["not_on_roll"]


def test_several_warnings_at_once_are_all_kept(db, visits, people):
    visit = _visit(db, people["李四"], "生日", visit_date="2026-07-01", cash_fen=80000)
    with pytest.raises(RuleOverrideRequired) as caught:
        visits.save(visit)
    assert _codes(caught.value) == ["over_cap", "form_not_allowed", "not_on_roll"]
    row = visits.get(visits.save(visit, override_reason="调出前已审批"))
    assert row["rule_warnings"].count("；") == 2


def test_void_needs_a_reason_keeps_the_row_and_blocks_editing(db, visits, people):
    visit_id = visits.save(_visit(db, people["张三"], "结婚", cash_fen=50000))
    with pytest.raises(UserError):
        visits.void(visit_id, " ")
    visits.void(visit_id, "录错了人")
    row = visits.get(visit_id)
    assert row["voided_at"] and row["void_reason"] == "录错了人"
    with pytest.raises(UserError, match="已作废"):
        visits.save(_visit(db, people["张三"], "结婚", cash_fen=60000), visit_id=visit_id)
    assert db.execute("SELECT count(*) FROM change_log WHERE table_name = 'visits' AND record_id = ?",
                      [str(visit_id)]).fetchone()[0] >= 2


def test_update_and_missing_record(db, visits, people):
    visit_id = visits.save(_visit(db, people["张三"], "结婚", cash_fen=50000))
    assert visits.save(_visit(db, people["张三"], "结婚", cash_fen=60000, notes="补发"), visit_id=visit_id) == visit_id
    assert visits.get(visit_id)["cash_fen"] == 60000 and visits.get(visit_id)["updated_at"]
    with pytest.raises(UserError, match="不存在"):
        visits.save(_visit(db, people["张三"], "结婚"), visit_id=9999)
    with pytest.raises(UserError):
        visits.as_input(9999)


def test_signed_ticks_live_visits_only(db, visits, people):
    first = visits.save(_visit(db, people["张三"], "结婚", cash_fen=50000))
    second = visits.save(_visit(db, people["张三"], "生育", cash_fen=50000))
    visits.void(second, "重复")
    visits.set_signed([first, second])
    assert visits.get(first)["signed"] == 1 and visits.get(second)["signed"] == 0
    visits.set_signed([first], False)
    assert visits.get(first)["signed"] == 0
