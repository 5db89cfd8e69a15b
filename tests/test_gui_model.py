"""The lazy, SQL-backed member list model (2,000 members) and the search helpers it uses."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from PySide6.QtCore import Qt

from gonghui_desk.db.connection import transaction
from gonghui_desk.db.member_queries import MemberFilter, matching_ids, member_ids, search_narrows
from gonghui_desk.idcard import check_char, mask_id_number, mask_phone
from gonghui_desk.members import MemberStore
from gonghui_desk.pinyin_keys import sort_key
from gonghui_desk.ui.member_model import COLUMN_INDEX, MEMBER_ID_ROLE, MemberTableModel, RecordTableModel
from gonghui_desk.union import add_sub_unit

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


def make_id(rng: random.Random, birth: dt.date, sex: str) -> str:
    seq = rng.randrange(0, 100) * 10 + rng.choice([1, 3, 5, 7, 9] if sex == "男" else [0, 2, 4, 6, 8])
    first17 = f"110101{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def populate(db, count: int, seed: int = 7) -> list[int]:
    """``count`` members with unique IDs, phones and a few statuses; returns their ids."""
    rng = random.Random(seed)
    store = MemberStore(db)
    units = [add_sub_unit(db, name) for name in ("一车间", "二车间", "办公室")]
    used, ids = set(), []
    with transaction(db):
        for i in range(count):
            sex = rng.choice("男女")
            birth = dt.date(rng.randint(1965, 2003), rng.randint(1, 12), rng.randint(1, 28))
            number = make_id(rng, birth, sex)
            while number in used:
                number = make_id(rng, birth, sex)
            used.add(number)
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
            values = {"name": name, "sex": sex, "id_number": number, "birth_date": birth.isoformat(),
                      "phone": f"139{i:08d}", "sub_unit_id": units[i % 3], "join_date": "2015-09-01"}
            status = "退休" if i % 10 == 0 else "在册"
            ids.append(store.insert_clean(values, status=status))
    return ids


@pytest.fixture
def big_db(db):
    populate(db, 2000)
    return db


def test_rows_columns_and_default_name_order(qtbot, big_db):
    model = MemberTableModel(big_db)
    assert model.rowCount() == 2000
    assert model.columnCount() == 10
    headers = [model.headerData(c, Qt.Horizontal) for c in range(model.columnCount())]
    assert headers == ["姓名", "性别", "年龄", "部门", "身份证号", "手机号", "政治面貌", "用工形式", "入会日期", "状态"]
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    keys = [sort_key(n) for n in names]
    assert keys == sorted(keys)  # pinyin order, as a Chinese reader expects
    member = big_db.execute("SELECT * FROM members WHERE id = ?", [model.member_id(0)]).fetchone()
    assert model.index(0, 0).data(MEMBER_ID_ROLE) == model.member_id(0) == member[0]
    assert model.index(0, COLUMN_INDEX["sub_unit"]).data() in ("一车间", "二车间", "办公室")


def test_sort_requeries_in_sql(qtbot, big_db):
    model = MemberTableModel(big_db)
    today = dt.date.today()
    model.sort(COLUMN_INDEX["age"], Qt.DescendingOrder)
    ages = [int(model.index(r, COLUMN_INDEX["age"]).data()) for r in range(model.rowCount())]
    assert ages == sorted(ages, reverse=True)
    model.sort(COLUMN_INDEX["age"], Qt.AscendingOrder)
    ages = [int(model.index(r, COLUMN_INDEX["age"]).data()) for r in range(0, model.rowCount(), 97)]
    assert ages == sorted(ages)
    model.sort(COLUMN_INDEX["phone"], Qt.DescendingOrder)
    model.set_masked(False)
    phones = [model.index(r, COLUMN_INDEX["phone"]).data() for r in range(model.rowCount())]
    assert phones == sorted(phones, reverse=True)
    assert model.sort_key == ("phone", True)
    assert today  # the ages above were computed against today's date


def test_pages_are_fetched_lazily_and_the_cache_is_bounded(qtbot, big_db):
    model = MemberTableModel(big_db, page_size=200, max_pages=3)
    assert model.page_loads == 0  # nothing fetched until a row is shown
    for row in range(50):
        model.index(row, 0).data()
    assert model.page_loads == 1
    model.index(1999, 0).data()
    assert model.page_loads == 2
    for row in range(0, 2000, 10):  # scroll through the whole list
        model.index(row, 0).data()
    assert model.cached_pages <= 3
    assert model.page_loads <= 12


def test_masking_on_and_off(qtbot, big_db):
    model = MemberTableModel(big_db)
    member = MemberStore(big_db).get(model.member_id(5))
    id_cell = model.index(5, COLUMN_INDEX["id_number"])
    phone_cell = model.index(5, COLUMN_INDEX["phone"])
    assert model.masked
    assert id_cell.data() == mask_id_number(member["id_number"])
    assert "*" in id_cell.data() and id_cell.data() != member["id_number"]
    assert phone_cell.data() == mask_phone(member["phone"])
    with qtbot.waitSignal(model.dataChanged):
        model.set_masked(False)
    assert id_cell.data() == member["id_number"]
    assert phone_cell.data() == member["phone"]


def test_filters_and_refresh_keep_the_filter(qtbot, big_db):
    model = MemberTableModel(big_db)
    counts = []
    model.count_changed.connect(counts.append)
    model.set_filter(MemberFilter(status="退休"))
    assert model.rowCount() == 200 and counts[-1] == 200
    assert {model.index(r, COLUMN_INDEX["status"]).data() for r in range(model.rowCount())} == {"退休"}
    retired = model.member_id(0)
    MemberStore(big_db).change_status(retired, "在册", "2026-01-01", "返聘")
    model.refresh()
    assert model.member_filter.status == "退休"
    assert model.rowCount() == 199
    assert model.row_of(retired) is None


def test_voided_rows_only_when_the_filter_asks(qtbot, big_db):
    model = MemberTableModel(big_db)
    victim = model.member_id(10)
    MemberStore(big_db).void(victim, "重复录入")
    model.refresh()
    assert model.rowCount() == 1999 and model.row_of(victim) is None
    model.set_filter(MemberFilter(voided=True))
    assert model.rowCount() == 1 and model.member_id(0) == victim
    assert model.index(0, COLUMN_INDEX["status"]).data() == "已作废"


def test_search_as_you_type_matches_sql(qtbot, big_db):
    model = MemberTableModel(big_db)
    store = MemberStore(big_db)
    zhang = store.create({"name": "张三", "sex": "男", "phone": "13800001111"})
    model.refresh()
    for text in ("z", "zh", "zha", "zhang", "zs", "张", "张 138", "1390000", "110101", ""):
        model.set_search(text)
        expected = member_ids(big_db, MemberFilter(search=text))
        assert model.member_ids() == expected, text
    model.set_search("zs")
    assert zhang in model.member_ids()
    model.set_filter(MemberFilter(search="zs", status="退休"))
    assert zhang not in model.member_ids()
    assert model.member_ids() == member_ids(big_db, MemberFilter(search="zs", status="退休"))


def test_search_helpers():
    assert search_narrows("zh", "zhang")
    assert search_narrows("张", "张 138")
    assert not search_narrows("zhang", "zh")
    assert not search_narrows("", "z")
    assert not search_narrows("zs", "ls")


def test_matching_ids_within(big_db):
    everyone = matching_ids(big_db, MemberFilter(search="1390000"))
    some = set(list(everyone)[:3])
    assert matching_ids(big_db, MemberFilter(search="1390000"), within=some) == some
    assert matching_ids(big_db, MemberFilter(search="no-such"), within=some) == set()
    assert everyone == set(member_ids(big_db, MemberFilter(search="1390000")))


def test_record_table_model(qtbot):
    model = RecordTableModel((("a", "甲"), (lambda r: r["b"] * 2, "乙")), [{"a": 1, "b": 2}])
    assert model.rowCount() == 1 and model.columnCount() == 2
    assert model.headerData(1, Qt.Horizontal) == "乙"
    assert model.index(0, 0).data() == "1" and model.index(0, 1).data() == "4"
    model.set_rows([])
    assert model.rowCount() == 0
