"""The editable table of occasions, yearly cap groups and ready-made rule sets."""

from __future__ import annotations

import json

import pytest

from gonghui_desk.care.occasions import (
    DEFAULT_FORMS, Occasion, apply_rule_set, available_rule_sets, find_occasion, get_occasion, list_cap_groups,
    list_occasions, load_rule_set, save_cap_group, save_occasion, void_occasion,
)
from gonghui_desk.errors import UserError

DEFAULT_NAMES = ["生病住院", "结婚", "生育", "退休", "本人去世", "直系亲属去世", "生活困难/意外", "生日", "节日慰问", "夏季高温"]


def test_a_new_database_has_the_default_occasions(db):
    occasions = list_occasions(db)
    assert [o.name for o in occasions] == DEFAULT_NAMES
    hospital = occasions[0]
    assert hospital.is_must_visit and hospital.needs_illness and hospital.once_per_year_same_illness
    assert hospital.standard_fen == 50000 and hospital.cap_fen is None
    assert "购物卡" not in find_occasion(db, "结婚").allowed_forms
    assert find_occasion(db, "生日").allowed_forms == ("蛋糕券", "实物", "提货券")
    assert not find_occasion(db, "节日慰问").is_must_visit


def test_rule_sets_are_data_files(db):
    keys = [r.key for r in available_rule_sets()]
    assert {"default", "example-province"} <= set(keys)
    with pytest.raises(UserError, match="无法读取"):
        load_rule_set("no-such-province")


def test_applying_a_rule_set_updates_by_name_and_is_idempotent(db):
    province = load_rule_set("example-province")
    apply_rule_set(db, province)
    apply_rule_set(db, province)
    assert [o.name for o in list_occasions(db)] == DEFAULT_NAMES
    assert find_occasion(db, "结婚").cap_fen == 200000 and find_occasion(db, "结婚").standard_fen == 100000
    holiday = find_occasion(db, "节日慰问")
    assert holiday.cap_group_name == "节日慰问品" and holiday.cap_group_yearly_fen == 220000
    assert list_cap_groups(db) == [{"id": holiday.cap_group_id, "name": "节日慰问品", "yearly_cap_fen": 220000}]


def test_a_rule_set_with_an_unknown_form_changes_nothing(db, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"name": "坏标准", "occasions": [
        {"name": "结婚", "standard": 800},
        {"name": "生日", "allowed_forms": ["红包"]}]}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UserError, match="红包"):
        apply_rule_set(db, load_rule_set(path))
    assert find_occasion(db, "结婚").standard_fen == 50000


def test_save_a_new_occasion_and_edit_it(db):
    new_id = save_occasion(db, Occasion(None, " 长期病休 ", standard_fen=30000, cap_fen=50000))
    occasion = get_occasion(db, new_id)
    assert occasion.name == "长期病休" and occasion.allowed_forms == DEFAULT_FORMS
    assert list_occasions(db)[-1].id == new_id
    occasion.standard_fen = 40000
    occasion.allowed_forms = ("现金",)
    assert save_occasion(db, occasion) == new_id
    assert get_occasion(db, new_id).standard_fen == 40000 and get_occasion(db, new_id).allowed_forms == ("现金",)


@pytest.mark.parametrize("occasion, message", [
    (Occasion(None, " "), "不能为空"),
    (Occasion(None, "重阳", standard_fen=-1), "不能为负数"),
    (Occasion(None, "重阳", standard_fen=60000, cap_fen=50000), "不能高于"),
    (Occasion(None, "重阳", allowed_forms=()), "至少选择一种"),
    (Occasion(None, "重阳", allowed_forms=("红包",)), "未知的发放形式"),
    (Occasion(None, "结婚"), "已有名为"),
])
def test_invalid_occasions_are_refused(db, occasion, message):
    with pytest.raises(UserError, match=message):
        save_occasion(db, occasion)


def test_a_voided_occasion_leaves_the_list_but_stays_readable(db):
    wedding = find_occasion(db, "结婚")
    void_occasion(db, wedding.id)
    assert find_occasion(db, "结婚") is None
    assert "结婚" in [o.name for o in list_occasions(db, include_voided=True)]
    assert get_occasion(db, wedding.id).name == "结婚"
    assert save_occasion(db, Occasion(None, "结婚")) != wedding.id  # the name is free again


def test_cap_groups(db):
    group_id = save_cap_group(db, "节日慰问品", 220000)
    assert save_cap_group(db, "节日福利", 250000, group_id) == group_id
    assert list_cap_groups(db) == [{"id": group_id, "name": "节日福利", "yearly_cap_fen": 250000}]
    for name, amount in (("", 100), ("生日", -1), ("生日", None)):
        with pytest.raises(UserError):
            save_cap_group(db, name, amount)
