import datetime as dt

import pytest

from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.history import member_history
from gonghui_desk.members import derived_facts, normalize_member
from tests.conftest import TODAY, VALID_IDS


def test_id_number_fills_birth_date_and_sex():
    result = normalize_member({"name": "张三", "id_number": VALID_IDS["man_1985"]}, today=TODAY)
    assert result.ok
    assert result.values["birth_date"] == "1985-03-07" and result.values["sex"] == "男"


def test_contradicting_birth_date_and_sex_are_flagged_not_kept():
    result = normalize_member({"name": "张三", "id_number": VALID_IDS["man_1985"],
                               "birth_date": "1986-03-07", "sex": "女"}, today=TODAY)
    fields = {p.field for p in result.errors}
    assert fields == {"birth_date", "sex"}
    assert any("与身份证号" in p.message for p in result.errors)


def test_birth_year_and_month_alone_agree_with_the_id():
    result = normalize_member({"name": "张三", "id_number": VALID_IDS["man_1985"], "birth_date": "1985.3"},
                              today=TODAY)
    assert result.ok and result.values["birth_date"] == "1985-03-07"


def test_id_that_arrived_as_a_number_is_refused():
    result = normalize_member({"name": "张三", "id_number": 1.10101198503070e17}, today=TODAY)
    assert [p.field for p in result.errors] == ["id_number"]
    assert "数字格式" in result.errors[0].message and "文本" in result.errors[0].message


def test_choice_aliases_and_strict_choices():
    result = normalize_member({"name": "甲", "political_status": "党员", "education": "本科",
                               "household_type": "农村", "is_migrant_worker": "是"}, today=TODAY)
    assert result.values["political_status"] == "中共党员"
    assert result.values["education"] == "大学本科"
    assert result.values["household_type"] == "农业" and result.values["is_migrant_worker"] == 1
    bad = normalize_member({"name": "甲", "sex": "未知"}, today=TODAY)
    assert "不是有效的性别" in bad.errors[0].message


@pytest.mark.parametrize("phone, ok", [("138 0013 8000", True), ("+8613800138000", True), ("010-12345678", True),
                                       ("12345", False), ("1380013800", False)])
def test_phone_numbers(phone, ok):
    assert normalize_member({"phone": phone}, today=TODAY).ok is ok


def test_duplicate_id_is_refused_with_the_other_members_name(store):
    store.create({"name": "张三", "id_number": VALID_IDS["man_1985"]})
    with pytest.raises(ValidationError, match="已被会员“张三”使用"):
        store.create({"name": "李四", "id_number": VALID_IDS["man_1985"].lower()})


def test_voided_entry_frees_its_id_and_stays_in_the_database(store, db):
    first = store.create({"name": "张三", "id_number": VALID_IDS["man_1985"]})
    store.void(first, "重复录入")
    second = store.create({"name": "张三", "id_number": VALID_IDS["man_1985"]})
    assert second != first
    assert db.execute("SELECT count(*) FROM members").fetchone()[0] == 2
    with pytest.raises(UserError, match="已作废"):
        store.update(first, {"name": "张三丰"})
    with pytest.raises(UserError, match="不能恢复"):
        store.restore(first)


def test_status_changes_are_kept_as_history(store, db):
    member_id = store.create({"name": "王五", "join_date": "2010-09-01"})
    store.change_status(member_id, "退休", "2025-06-30", "到龄退休")
    store.change_status(member_id, "去世", "2026-02-01", "病故")
    history = store.status_history(member_id)
    assert [(h["old_status"], h["new_status"]) for h in history] == [(None, "在册"), ("在册", "退休"), ("退休", "去世")]
    assert store.get(member_id)["status"] == "去世"
    entries = member_history(db, member_id)
    assert entries[0].summary == "状态由“退休”变为“去世”（病故）"


def test_status_change_rules(store):
    member_id = store.create({"name": "赵六"})
    with pytest.raises(UserError, match="请填写原因"):
        store.change_status(member_id, "退会", "2026-01-01", "")
    with pytest.raises(UserError, match="已经是"):
        store.change_status(member_id, "在册", "2026-01-01")
    with pytest.raises(UserError, match="无法识别日期"):
        store.change_status(member_id, "退休", "去年")


def test_derived_facts():
    member = {"birth_date": "1965-12-01", "sex": "男", "join_date": "2000-07-01", "status": "在册"}
    facts = derived_facts(member, today=dt.date(2026, 1, 15))
    assert facts["age"] == 60
    assert facts["membership_years"] == 25
    assert facts["next_birthday"] == dt.date(2026, 12, 1)
    assert facts["retirement"].date == dt.date(2026, 3, 1)
    assert facts["working"] == "在职"


def test_sex_can_be_left_empty_and_cleared(store):
    member_id = store.create({"name": "周七", "sex": ""})
    assert store.get(member_id)["sex"] is None
    store.update(member_id, {"sex": "女"})
    store.update(member_id, {"sex": ""})
    assert store.get(member_id)["sex"] is None
