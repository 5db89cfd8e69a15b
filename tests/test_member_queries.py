import datetime as dt

from gonghui_desk.db.member_queries import MemberFilter, count_members, member_ids, member_rows
from gonghui_desk.union import descendant_ids, ensure_sub_unit_path
from tests.conftest import VALID_IDS

TODAY = dt.date(2026, 11, 22)


def _people(store, db):
    grade = ensure_sub_unit_path(db, "高一年级")
    group = ensure_sub_unit_path(db, "高一年级/语文组", kind="工会小组")
    other = ensure_sub_unit_path(db, "后勤")
    ids = {
        "张三": store.create({"name": "张三", "id_number": VALID_IDS["man_1985"], "phone": "13800138000",
                              "sub_unit_id": group}),
        "李四": store.create({"name": "李四", "id_number": VALID_IDS["woman_1990"], "sub_unit_id": grade,
                              "is_migrant_worker": "是"}),
        "单田芳": store.create({"name": "单田芳", "sex": "男", "birth_date": "1950-01-01", "sub_unit_id": other,
                               "model_worker_type": "市级劳模"}),
    }
    store.change_status(ids["单田芳"], "退休", "2010-01-01", "")
    return ids, grade


def test_search_by_name_initials_full_pinyin_phone_and_id(store, db):
    ids, _ = _people(store, db)
    for text, who in [("张", "张三"), ("zs", "张三"), ("zhangsan", "张三"), ("ZS", "张三"), ("0013", "张三"),
                      ("19900101", "李四"), ("stf", "单田芳"), ("shantian", "单田芳")]:
        assert member_ids(db, MemberFilter(search=text)) == [ids[who]], text


def test_like_wildcards_in_search_are_literal(store, db):
    _people(store, db)
    assert member_ids(db, MemberFilter(search="%")) == []
    assert member_ids(db, MemberFilter(search="_")) == []


def test_filters(store, db):
    ids, grade = _people(store, db)
    assert set(member_ids(db, MemberFilter(sub_unit_ids=tuple(descendant_ids(db, grade))))) == {ids["张三"], ids["李四"]}
    assert member_ids(db, MemberFilter(status="退休")) == [ids["单田芳"]]
    assert member_ids(db, MemberFilter(sex="女")) == [ids["李四"]]
    assert member_ids(db, MemberFilter(migrant=True)) == [ids["李四"]]
    assert member_ids(db, MemberFilter(model_worker=True)) == [ids["单田芳"]]
    assert member_ids(db, MemberFilter(age_band="30–39岁"), today=TODAY) == [ids["李四"]]  # 36
    assert member_ids(db, MemberFilter(age_band="40–49岁"), today=TODAY) == [ids["张三"]]  # 41
    assert member_ids(db, MemberFilter(age_band="60岁及以上"), today=TODAY) == [ids["单田芳"]]
    assert count_members(db, MemberFilter(age_band="30岁以下"), today=TODAY) == 0


def test_sorting_and_voided(store, db):
    ids, _ = _people(store, db)
    assert member_ids(db, MemberFilter()) == [ids["李四"], ids["单田芳"], ids["张三"]]
    assert member_ids(db, MemberFilter(), order="name", descending=True)[0] == ids["张三"]
    assert member_ids(db, MemberFilter(), order="age")[0] == ids["李四"]  # youngest first
    store.void(ids["李四"], "录错")
    assert ids["李四"] not in member_ids(db, MemberFilter())
    assert member_ids(db, MemberFilter(voided=True)) == [ids["李四"]]
    rows = member_rows(db, [ids["张三"]])
    assert rows[ids["张三"]]["phone"] == "13800138000"
