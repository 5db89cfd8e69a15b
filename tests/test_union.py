import pytest

from gonghui_desk.errors import UserError
from gonghui_desk.stats import home_figures
from gonghui_desk.union import (UnionProfile, add_committee_member, add_sub_unit, committee_members,
                                 ensure_sub_unit_path, find_sub_unit_by_path, load_profile, move_sub_unit,
                                 remove_committee_member, save_profile, set_staff_count, sub_units, void_sub_unit)
from gonghui_desk.vocabulary import vocabulary_for
from tests.conftest import TODAY, VALID_IDS


def test_profile_round_trip_and_vocabulary(db):
    assert not load_profile(db).is_set_up
    save_profile(db, UnionProfile(name="某中学工会", kind="学校"))
    profile = load_profile(db)
    assert profile.name == "某中学工会" and profile.vocabulary.congress_short == "教代会"
    assert vocabulary_for("企业").staff == "职工"
    with pytest.raises(UserError, match="工会名称"):
        save_profile(db, UnionProfile(name=" "))


def test_sub_unit_tree_paths_and_rules(db, store):
    parent = add_sub_unit(db, "一车间", kind="分工会")
    child = add_sub_unit(db, "甲班", kind="工会小组", parent_id=parent)
    assert [u.path for u in sub_units(db)] == ["一车间", "一车间/甲班"]
    assert find_sub_unit_by_path(db, "一车间/甲班") == child
    assert find_sub_unit_by_path(db, "甲班") == child  # a unique bare name is found too
    assert ensure_sub_unit_path(db, "一车间/乙班") != child
    with pytest.raises(UserError, match="已有名为"):
        add_sub_unit(db, "甲班", parent_id=parent)
    with pytest.raises(UserError, match="自己的下级"):
        move_sub_unit(db, parent, child)
    add_sub_unit(db, "甲班")
    with pytest.raises(UserError, match="目标上级下已有名为“甲班”"):
        move_sub_unit(db, child, None)
    store.create({"name": "张三", "sub_unit_id": child})
    with pytest.raises(UserError, match="还有 1 名会员"):
        void_sub_unit(db, child)


def test_committee_members_are_voided_not_deleted(db):
    row = add_committee_member(db, "女职工委员会", "李四", "主任")
    remove_committee_member(db, row)
    assert committee_members(db) == []
    assert db.execute("SELECT count(*) FROM committee_members").fetchone()[0] == 1


def test_home_figures(db, store):
    unit = add_sub_unit(db, "语文组")
    store.create({"name": "甲", "id_number": VALID_IDS["woman_1990"], "sub_unit_id": unit,
                  "join_date": "2026-03-01"})
    store.create({"name": "乙", "id_number": VALID_IDS["man_1985"], "join_date": "2015-03-01"})
    retired = store.create({"name": "丙", "sex": "男", "is_migrant_worker": "是"})
    store.change_status(retired, "退休", "2024-01-01", "")
    gone = store.create({"name": "丁", "sex": "女"})
    store.change_status(gone, "转出", "2025-01-01", "调动")
    set_staff_count(db, TODAY.year, 4)
    figures = {f.label: f.value for f in home_figures(db, today=TODAY).figures}
    assert figures["在册会员"] == 3
    assert figures[f"{TODAY.year}年新入会"] == 1
    assert figures["女会员"] == 1
    assert figures["退休会员"] == 1
    assert figures["农民工会员"] == 1
    assert figures["入会率"] == "50.0%"  # 2 working members over 4 staff
    save_profile(db, UnionProfile(name="某中学工会", kind="学校"))
    hint = next(f.hint for f in home_figures(db, today=TODAY).figures if f.label == "入会率")
    assert hint == f"在职会员2人 ÷ {TODAY.year}年教职工4人"
    assert dict(home_figures(db, today=TODAY).by_sub_unit) == {"语文组": 1, "未分配部门": 2}
