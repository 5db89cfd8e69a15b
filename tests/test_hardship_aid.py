"""Aid payments: hard errors, every rule warning with its kept override reason, the stage workflow,
金秋助学 once per admission, voiding, signing and the history entry.

``add_file`` (plain INSERTs, independent of the files store) is shared with the aid ledger tests.
"""

from __future__ import annotations

import pytest

from gonghui_desk import history, value_lists
from gonghui_desk.hardship.aid import AidInput, AidStore, RuleOverrideRequired
from gonghui_desk.errors import UserError, ValidationError
from tests.conftest import TODAY
from tests.test_care_visits import add_member


def add_file(db, member_id: int, *, status: str = "在档", opened_on: str = "2025-01-01", closed_on: str | None = None,
             previous_file_id: int | None = None, category: str = "困难",
             family: tuple[tuple[str, str, str | None], ...] = ()) -> tuple[int, dict[str, int]]:
    """A hardship file with its family members ((name, relation, id_number), …): (file id, {name: row id})."""
    conn = db.conn
    file_id = conn.execute(
        "INSERT INTO hardship_files (member_id, status, category, opened_on, closed_on, previous_file_id) "
        "VALUES (?, ?, ?, ?, ?, ?)", [member_id, status, category, opened_on, closed_on, previous_file_id]).lastrowid
    people = {}
    for order, (name, relation, id_number) in enumerate(family):
        people[name] = conn.execute(
            "INSERT INTO hardship_family_members (file_id, name, relation, id_number, identity, sort_order) "
            "VALUES (?, ?, ?, ?, '学生', ?)", [file_id, name, relation, id_number, order]).lastrowid
    return file_id, people


@pytest.fixture
def aid(db):
    return AidStore(db, today=TODAY)


@pytest.fixture
def home(db, store):
    """张三's household (在档) with his son 张小明 and daughter 张小红."""
    member_id = add_member(store, "张三")
    file_id, family = add_file(db, member_id, family=(("张小明", "子女", "110101200801010019"),
                                                      ("张小红", "子女", None)))
    return {"member_id": member_id, "file_id": file_id, **family}


def living(home, **values) -> AidInput:
    values.setdefault("cash_fen", 100000)
    values.setdefault("applied_on", "2026-03-01")
    return AidInput(file_id=home["file_id"], aid_type=values.pop("aid_type", "生活救助"), **values)


def tuition(home, student: str = "张小明", **values) -> AidInput:
    values.setdefault("admission_year", 2026)
    values.setdefault("school", "某某大学")
    values.setdefault("cash_fen", 300000)
    return living(home, aid_type="金秋助学", student_family_member_id=home[student], **values)


def paid(aid: AidStore, payment_id: int, day: str = "2026-09-01", **kwargs) -> int:
    aid.approve(payment_id, day, "李主席")
    aid.pay(payment_id, day, "王会计", **kwargs)
    return payment_id


def _codes(error) -> list[str]:
    return [w.code for w in error.warnings]


def test_an_application_takes_the_member_from_the_file(aid, home):
    payment_id = aid.apply(living(home, goods_desc=" 米面油 ", goods_value_fen=20000, fund_source="本级经费",
                                  applied_by="工会小组长", applied_on="2026/3/1"))
    row = aid.get(payment_id)
    assert row["member_id"] == home["member_id"] and row["stage"] == "申请"
    assert row["applied_on"] == "2026-03-01" and row["goods_desc"] == "米面油"
    assert row["paid_on"] is None and row["rule_warnings"] == "" and row["override_reason"] == ""
    assert aid.as_input(payment_id).goods_value_fen == 20000


@pytest.mark.parametrize("changes, field", [
    ({"file_id": 9999}, "file_id"),
    ({"aid_type": "旅游补贴"}, "aid_type"),
    ({"aid_type": ""}, "aid_type"),
    ({"fund_source": "彩票"}, "fund_source"),
    ({"cash_fen": -100}, "cash_fen"),
    ({"cash_fen": 12.5}, "cash_fen"),
    ({"goods_value_fen": -1}, "goods_value_fen"),
    ({"goods_value_fen": 5000}, "goods_desc"),
    ({"cash_fen": 0}, "cash_fen"),  # neither money nor goods
    ({"applied_on": None}, "applied_on"),
    ({"applied_on": "2026-02-30"}, "applied_on"),
    ({"applied_on": "2026-11-23"}, "applied_on"),  # later than today
])
def test_hard_errors_refuse_the_payment(aid, home, changes, field):
    values = {"file_id": home["file_id"], "aid_type": "生活救助", "cash_fen": 100000, "applied_on": "2026-03-01"}
    values.update(changes)
    with pytest.raises(ValidationError) as caught:
        aid.apply(AidInput(**values))
    assert field in [p.field for p in caught.value.problems]
    assert all(p.label and p.message for p in caught.value.problems)
    assert all(f"{p.label}：" in str(caught.value) for p in caught.value.problems)  # names the field


def test_a_voided_file_is_unknown(db, aid, home):
    db.conn.execute("UPDATE hardship_files SET voided_at = '2026-01-01T00:00:00' WHERE id = ?", [home["file_id"]])
    with pytest.raises(ValidationError, match="困难职工档案"):
        aid.apply(living(home))


def test_types_and_sources_come_from_the_settings(db, aid, home):
    value_lists.add_value(db, "aid.type", "住房救助")
    value_lists.add_value(db, "aid.fund_source", "慈善基金")
    payment_id = aid.apply(living(home, aid_type="住房救助", fund_source="慈善基金"))
    value_lists.retire_value(db, "aid.type", "住房救助")
    aid.update(payment_id, living(home, aid_type="住房救助", fund_source="慈善基金", cash_fen=50000))  # kept
    assert aid.get(payment_id)["cash_fen"] == 50000
    with pytest.raises(ValidationError, match="设置"):
        aid.apply(living(home, aid_type="住房救助"))


@pytest.mark.parametrize("changes, field", [
    ({"student_family_member_id": None}, "student_family_member_id"),
    ({"admission_year": None}, "admission_year"),
    ({"admission_year": 1890}, "admission_year"),
    ({"admission_year": 2030}, "admission_year"),
    ({"schooling_years": 0}, "schooling_years"),
])
def test_student_aid_needs_a_student_and_a_plausible_year(aid, home, changes, field):
    data = tuition(home)
    for key, value in changes.items():
        setattr(data, key, value)
    with pytest.raises(ValidationError) as caught:
        aid.apply(data)
    assert [p.field for p in caught.value.problems] == [field]


def test_the_student_must_be_a_live_family_member_of_this_file(db, store, aid, home):
    other_id, other_family = add_file(db, add_member(store, "李四"), family=(("李小华", "子女", None),))
    with pytest.raises(ValidationError, match="受助学生.*本档案"):
        aid.apply(AidInput(file_id=home["file_id"], aid_type="金秋助学", cash_fen=300000, applied_on="2026-08-01",
                           student_family_member_id=other_family["李小华"], admission_year=2026))
    db.conn.execute("UPDATE hardship_family_members SET voided_at = '2026-01-01' WHERE id = ?", [home["张小红"]])
    with pytest.raises(ValidationError, match="受助学生"):
        aid.apply(tuition(home, "张小红"))
    assert aid.apply(tuition(home, schooling_years=4))  # 张小明 is fine


@pytest.mark.parametrize("file_values, code, text", [
    ({"status": "申请中"}, "file_not_open", "申请中"),
    ({"opened_on": "2026-05-01"}, "file_not_open", "早于"),
    ({"status": "脱困", "closed_on": "2026-02-01"}, "file_closed", "脱困"),
    ({"status": "注销", "closed_on": "2026-02-01"}, "file_closed", "注销"),
])
def test_a_file_not_in_place_on_the_date_warns(db, store, aid, file_values, code, text):
    file_id, _ = add_file(db, add_member(store, "赵六"), **file_values)
    data = AidInput(file_id=file_id, aid_type="临时救助", cash_fen=50000, applied_on="2026-03-01")
    assert [w.code for w in aid.check_rules(data)] == [code]
    with pytest.raises(RuleOverrideRequired) as caught:
        aid.apply(data)
    assert _codes(caught.value) == [code] and text in str(caught.value) and "原因" in str(caught.value)
    payment_id = aid.apply(data, override_reason="经工会研究同意")
    row = aid.get(payment_id)
    assert text in row["rule_warnings"] and row["override_reason"] == "经工会研究同意"


def test_a_file_closed_after_the_date_was_in_place(db, store, aid):
    file_id, _ = add_file(db, add_member(store, "赵六"), status="脱困", closed_on="2026-06-01")
    assert aid.check_rules(AidInput(file_id=file_id, aid_type="临时救助", cash_fen=1, applied_on="2026-03-01")) == []
    assert [w.code for w in aid.check_rules(AidInput(file_id=file_id, aid_type="临时救助", cash_fen=1,
                                                     applied_on="2026-03-01"), on_date="2026-07-01")] == ["file_closed"]


@pytest.mark.parametrize("status", ["转出", "去世"])
def test_aid_to_a_head_who_left_the_roll_warns(db, store, aid, status):
    member_id = add_member(store, "钱七", status=status, status_date="2026-02-01")
    file_id, _ = add_file(db, member_id)
    data = AidInput(file_id=file_id, aid_type="生活救助", cash_fen=50000, applied_on="2026-03-01")
    with pytest.raises(RuleOverrideRequired) as caught:
        aid.apply(data)
    assert _codes(caught.value) == ["not_on_roll"] and status in str(caught.value)
    assert aid.check_rules(data, on_date="2026-01-15") == []
    row = aid.get(aid.apply(data, override_reason="遗属生活困难"))
    assert status in row["rule_warnings"] and row["override_reason"] == "遗属生活困难"


def test_a_student_is_funded_once_per_admission(db, aid, home):
    first = aid.apply(tuition(home))
    assert aid.check_rules(tuition(home), payment_id=first) == []  # not against itself
    with pytest.raises(RuleOverrideRequired) as caught:
        aid.apply(tuition(home))
    assert _codes(caught.value) == ["student_funded"] and "2026年入学" in str(caught.value)
    second = aid.apply(tuition(home), override_reason="考取研究生另行资助")
    assert aid.get(second)["override_reason"] == "考取研究生另行资助"
    assert aid.check_rules(tuition(home, admission_year=2025)) == []  # another admission
    assert aid.check_rules(tuition(home, "张小红")) == []  # another student
    aid.void(first, "重复登记")
    aid.void(second, "重复登记")
    assert aid.check_rules(tuition(home)) == []  # voided payments do not count


def test_the_same_student_in_a_reopened_file_is_recognised_by_id_number(db, aid, home):
    paid(aid, aid.apply(tuition(home)))
    db.conn.execute("UPDATE hardship_files SET status = '脱困', closed_on = '2026-09-10' WHERE id = ?",
                    [home["file_id"]])
    new_file, family = add_file(db, home["member_id"], opened_on="2026-10-01", previous_file_id=home["file_id"],
                                family=(("张小明", "子女", "110101200801010019"),))
    data = AidInput(file_id=new_file, aid_type="金秋助学", cash_fen=300000, applied_on="2026-10-10",
                    student_family_member_id=family["张小明"], admission_year=2026)
    assert [w.code for w in aid.check_rules(data)] == ["student_funded"]


def test_stages_go_forward_one_at_a_time(aid, home):
    payment_id = aid.apply(living(home))
    with pytest.raises(UserError, match="须先审核才能发放"):
        aid.pay(payment_id, "2026-03-10", "王会计")
    with pytest.raises(ValidationError, match="审核人"):
        aid.approve(payment_id, "2026-03-05", "")
    with pytest.raises(ValidationError, match="审核日期.*早于申请日期"):
        aid.approve(payment_id, "2026-02-28", "李主席")
    aid.approve(payment_id, "2026-03-05", "李主席")
    assert aid.get(payment_id)["stage"] == "审核"
    with pytest.raises(UserError, match="已经审核，不能再审核"):
        aid.approve(payment_id, "2026-03-06", "李主席")
    with pytest.raises(ValidationError, match="请填写发放日期"):
        aid.pay(payment_id, None, "王会计")
    with pytest.raises(ValidationError, match="发放日期.*早于审核日期"):
        aid.pay(payment_id, "2026-03-04", "王会计")
    with pytest.raises(ValidationError, match="晚于今天"):
        aid.pay(payment_id, "2026-12-01", "王会计")
    aid.pay(payment_id, "2026-03-10", "王会计")
    row = aid.get(payment_id)
    assert (row["stage"], row["approved_on"], row["approved_by"], row["paid_on"], row["paid_by"]) == (
        "发放", "2026-03-05", "李主席", "2026-03-10", "王会计")
    with pytest.raises(UserError, match="已经发放，不能再发放"):
        aid.pay(payment_id, "2026-03-11", "王会计")
    with pytest.raises(UserError, match="已经发放，不能再审核"):
        aid.approve(payment_id, "2026-03-11", "李主席")
    with pytest.raises(UserError, match="已发放的帮扶记录不能修改"):
        aid.update(payment_id, living(home, cash_fen=1))


def test_paying_checks_the_rules_again_on_the_payment_date(db, aid, home):
    payment_id = aid.apply(living(home))
    aid.approve(payment_id, "2026-03-05", "李主席")
    db.conn.execute("UPDATE hardship_files SET status = '脱困', closed_on = '2026-03-08' WHERE id = ?",
                    [home["file_id"]])
    with pytest.raises(RuleOverrideRequired) as caught:
        aid.pay(payment_id, "2026-03-10", "王会计")
    assert _codes(caught.value) == ["file_closed"]
    assert aid.get(payment_id)["stage"] == "审核"
    aid.pay(payment_id, "2026-03-10", "王会计", override_reason="脱困前已批准")
    row = aid.get(payment_id)
    assert row["stage"] == "发放" and "脱困" in row["rule_warnings"] and row["override_reason"] == "脱困前已批准"


def test_a_warning_accepted_on_applying_does_not_ask_again_on_paying(db, store, aid):
    file_id, _ = add_file(db, add_member(store, "孙八"), status="注销", closed_on="2025-12-01")
    data = AidInput(file_id=file_id, aid_type="临时救助", cash_fen=50000, applied_on="2026-03-01")
    payment_id = aid.apply(data, override_reason="突发灾害")
    aid.approve(payment_id, "2026-03-01", "李主席")
    aid.pay(payment_id, "2026-03-01", "王会计")  # the same warning, already accepted
    row = aid.get(payment_id)
    assert row["stage"] == "发放" and row["override_reason"] == "突发灾害"
    assert row["rule_warnings"].count("注销") == 1


def test_update_before_payment_rechecks(aid, home):
    first = aid.apply(tuition(home))
    second = aid.apply(tuition(home, admission_year=2025))
    with pytest.raises(RuleOverrideRequired):
        aid.update(second, tuition(home))
    aid.update(second, tuition(home, cash_fen=200000, admission_year=2025))
    assert aid.get(second)["cash_fen"] == 200000 and aid.get(first)["stage"] == "申请"


def test_publicized_signed_and_void(aid, home):
    payment_id = aid.apply(living(home))
    with pytest.raises(UserError, match="请先审核"):
        aid.set_publicized(payment_id, "2026-09-02")
    aid.approve(payment_id, "2026-09-02", "李主席")
    with pytest.raises(ValidationError, match="早于申请日期"):
        aid.set_publicized(payment_id, "2020-01-01")
    aid.set_publicized(payment_id, "2026/3/2")
    assert aid.get(payment_id)["publicized_on"] == "2026-03-02"
    with pytest.raises(ValidationError, match="公示日期"):
        aid.set_publicized(payment_id, "2027-01-01")
    with pytest.raises(UserError, match="尚未发放"):
        aid.set_signed([payment_id])
    aid.pay(payment_id, "2026-09-10", "王会计")
    aid.set_signed([payment_id])
    assert aid.get(payment_id)["signed"] == 1
    with pytest.raises(UserError, match="原因"):
        aid.void(payment_id, " ")
    aid.void(payment_id, "录错户")
    row = aid.get(payment_id)
    assert row["voided_at"] and row["void_reason"] == "录错户"
    with pytest.raises(UserError, match="已作废"):
        aid.approve(payment_id, "2026-09-02", "李主席")


def test_payments_appear_in_the_heads_history(db, aid, home):
    paid(aid, aid.apply(tuition(home, applied_on="2026-08-20")))
    aid.apply(living(home, applied_on="2026-10-01", goods_desc="米面油", goods_value_fen=20000, cash_fen=0))
    entries = [e for e in history.member_history(db, home["member_id"]) if e.table == "aid_payments"]
    assert [(e.date, e.summary) for e in entries] == [
        ("2026-10-01", "生活救助 米面油（价值200元）申请中"),
        ("2026-09-01", "金秋助学 3,000元（学生：张小明，某某大学）已发放"),
    ]
