"""The windowed list models: rows read by position in the order (keyset from the nearest page, OFFSET), a
count instead of the ids, and the member list's choice between a window and a list of ids.

The lists here are small, with a small page size and ``SMALL_LIST`` lowered, so that every path (forward and
backward from a page, from either end, NULLs and ties in the order) runs on a few hundred rows.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from gonghui_desk.db.connection import transaction
from gonghui_desk.db.windows import has_index
from gonghui_desk.db.member_queries import MemberFilter, count_members, member_ids
from gonghui_desk.members import ON_ROLL_STATUSES, MemberStore
from gonghui_desk.ui import member_model
from gonghui_desk.ui.member_model import COLUMN_INDEX, MEMBER_COLUMNS, MemberTableModel
from gonghui_desk.db.windows import keyset_condition
from gonghui_desk.union import add_sub_unit

SURNAMES = "王李张刘陈"
GIVEN = "伟芳娜敏"
PAGE = 7


def populate(db, count: int = 300, seed: int = 3) -> list[int]:
    """Members with repeated names (ties in every order) and, now and then, no sex, birth date, ID number,
    join date or department (NULLs in the order)."""
    rng = random.Random(seed)
    store = MemberStore(db)
    units = [add_sub_unit(db, name) for name in ("一车间", "二车间", "办公室")]
    ids = []
    with transaction(db):
        for i in range(count):
            values = {"name": rng.choice(SURNAMES) + rng.choice(GIVEN), "phone": f"139{rng.randrange(50):08d}",
                      "political_status": rng.choice(["", "中共党员", "群众"]),
                      "employment_type": rng.choice(["", "合同制", "劳务派遣"])}
            if rng.random() < 0.8:
                values["sex"] = rng.choice("男女")
            if rng.random() < 0.8:
                values["birth_date"] = dt.date(rng.randint(1965, 1970), rng.randint(1, 2), 1).isoformat()
            if rng.random() < 0.7:
                values["id_number"] = f"X{i:05d}"
            if rng.random() < 0.8:
                values["join_date"] = f"20{rng.randint(10, 12)}-09-01"
            if rng.random() < 0.85:
                values["sub_unit_id"] = rng.choice(units)
            ids.append(store.insert_clean(values, status="退休" if i % 9 == 0 else "在册"))
    return ids


@pytest.fixture
def members_db(db):
    populate(db)
    return db


@pytest.fixture
def windowed(monkeypatch):
    """Lists above a dozen members are windows."""
    monkeypatch.setattr(member_model, "SMALL_LIST", 12)


def shown_ids(model, rows) -> list[int]:
    return [model.index(row, 0).data(member_model.MEMBER_ID_ROLE) for row in rows]


def scattered(count: int, page: int) -> list[int]:
    """Every row once, read page by page in an order that starts from both ends and jumps about: so that pages
    are read forwards and backwards from other pages and from the ends, past evicted ones."""
    pages = list(range((count + page - 1) // page))
    if not pages:
        return []
    order = list(dict.fromkeys([pages[-1], pages[0], pages[len(pages) // 2]]))
    rng = random.Random(5)
    rest = [p for p in pages if p not in order]
    rng.shuffle(rest)
    rows = []
    for p in order + rest:
        span = list(range(p * page, min((p + 1) * page, count)))
        rows += span if p % 2 else span[::-1]
    return rows


@pytest.mark.parametrize("key", [key for key, _ in MEMBER_COLUMNS])
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_reads_the_sql_order(qtbot, members_db, windowed, key, descending):
    model = MemberTableModel(members_db, page_size=PAGE, max_pages=3, member_filter=MemberFilter())
    model.sort(COLUMN_INDEX[key], Qt.DescendingOrder if descending else Qt.AscendingOrder)
    assert model.windowed
    expected = member_ids(members_db, MemberFilter(), order=key, descending=descending)
    assert model.rowCount() == len(expected) == 300
    rows = scattered(len(expected), PAGE)
    assert dict(zip(rows, shown_ids(model, rows))) == dict(enumerate(expected))
    assert model.cached_pages <= 3 and model.held_rows() <= 3 * PAGE
    for member_id in expected[::37] + [expected[-1]]:
        assert model.row_of(member_id) == expected.index(member_id)
    assert model.ids() == expected


def test_a_filter_in_a_window_reads_the_sql_order(qtbot, members_db, windowed):
    unit = members_db.execute("SELECT id FROM sub_units WHERE name = '二车间'").fetchone()[0]
    f = MemberFilter(status=ON_ROLL_STATUSES, sex="女", sub_unit_ids=(unit,))
    model = MemberTableModel(members_db, page_size=PAGE, max_pages=2, member_filter=f)
    for key in ("name", "age", "phone", "join_date"):
        model.sort(COLUMN_INDEX[key], Qt.DescendingOrder)
        expected = member_ids(members_db, f, order=key, descending=True)
        assert model.windowed and model.rowCount() == len(expected) == count_members(members_db, f)
        rows = scattered(len(expected), PAGE)
        assert dict(zip(rows, shown_ids(model, rows))) == dict(enumerate(expected))


def test_scrolling_to_the_end_reads_one_page(qtbot, members_db, windowed):
    model = MemberTableModel(members_db, page_size=PAGE, max_pages=3)
    model.index(0, 0).data()
    loads = model.page_loads
    last = model.rowCount() - 1
    assert model.index(last, 0).data(member_model.MEMBER_ID_ROLE) == member_ids(members_db, MemberFilter())[-1]
    assert model.page_loads == loads + 1
    for row in range(model.rowCount()):  # the whole list, top to bottom
        model.index(row, 0).data()
    assert model.held_rows() <= 3 * PAGE  # a window of pages, never the table


def test_a_filter_change_counts_in_sql(qtbot, members_db, windowed):
    model = MemberTableModel(members_db, page_size=PAGE)
    statements = []
    members_db.conn.set_trace_callback(statements.append)
    try:
        model.set_filter(MemberFilter(sex="男"))
    finally:
        members_db.conn.set_trace_callback(None)
    assert model.windowed and model.rowCount() == count_members(members_db, MemberFilter(sex="男"))
    assert any("count(*)" in s and "sex = '男'" in s for s in statements)  # the database counts, not Python
    assert not any("SELECT m.id FROM members" in s and "LIMIT" not in s for s in statements)  # no id list read


def test_a_short_list_is_read_as_ids(qtbot, members_db, windowed):
    unit = members_db.execute("SELECT id FROM sub_units WHERE name = '办公室'").fetchone()[0]
    f = MemberFilter(status="退休", sex="男", sub_unit_ids=(unit,))
    model = MemberTableModel(members_db, member_filter=f)
    expected = member_ids(members_db, f)
    assert 2 <= len(expected) <= 12 and not model.windowed
    assert model.ids() == expected
    model.sort(COLUMN_INDEX["phone"], Qt.DescendingOrder)
    assert model.ids() == member_ids(members_db, f, order="phone", descending=True)


def test_search_in_name_order_and_in_another(qtbot, members_db, windowed):
    model = MemberTableModel(members_db, page_size=PAGE)
    for text in ("w", "wa", "wang", "王 139", "no-such", ""):
        model.set_search(text)
        expected = member_ids(members_db, MemberFilter(search=text))
        assert [model.member_id(r) for r in range(model.rowCount())] == expected, text
    model.sort(COLUMN_INDEX["phone"], Qt.AscendingOrder)
    model.set_search("w")
    expected = member_ids(members_db, MemberFilter(search="w"), order="phone")
    assert model.windowed and [model.member_id(r) for r in range(model.rowCount())] == expected


def test_refresh_sees_changed_rows(qtbot, members_db, windowed):
    model = MemberTableModel(members_db, page_size=PAGE)
    first = model.member_id(0)
    MemberStore(members_db).void(first, "重复录入")
    model.refresh()
    assert model.row_of(first) is None and model.rowCount() == 299
    assert model.member_id(0) == member_ids(members_db, MemberFilter())[0]


def test_a_sort_keeps_the_selected_member_selected(qtbot, context, windowed):
    from gonghui_desk.ui.members_view import MembersView

    populate(context.db)
    view = MembersView(context)
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    model = view.model
    assert model.windowed
    chosen = model.member_id(3)
    view.table.selectionModel().select(model.index(3, 0), QItemSelectionModel.ClearAndSelect
                                       | QItemSelectionModel.Rows)
    view.table.setCurrentIndex(model.index(3, 0))
    view.table.sortByColumn(COLUMN_INDEX["phone"], Qt.DescendingOrder)
    assert model.windowed
    assert view.selected_member_id() == chosen
    assert model.member_id(view.table.currentIndex().row()) == chosen


@pytest.mark.parametrize("after", [True, False])
def test_keyset_condition_with_nulls(after):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT NOT NULL)")
    rng = random.Random(1)
    conn.executemany("INSERT INTO t VALUES (?, ?, ?)",
                     [(i, rng.choice([None, "x", "y", "z"]), rng.choice("pq")) for i in range(1, 80)])
    terms = (("a", True), ("b", False), ("id", False))
    ordered = conn.execute("SELECT a, b, id FROM t ORDER BY a, b, id").fetchall()
    for position, keys in enumerate(ordered):
        condition, params = keyset_condition(terms, keys, after)
        found = [r[0] for r in conn.execute(f"SELECT id FROM t WHERE {condition} ORDER BY a, b, id", params)]
        expected = [r[2] for r in (ordered[position + 1:] if after else ordered[:position])]
        assert found == expected, keys


# --- the ledgers ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    from gonghui_desk.db import open_database
    from gonghui_desk.demo import generate_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    db = open_database(path)
    generate_demo(db, kind="company", members=400, seed=3, today=dt.date(2026, 6, 30))
    db.conn.close()
    return path


@pytest.fixture(params=["schema", "without the list indexes"])
def demo_db(demo_path, tmp_path, request):
    """The demo database as the schema makes it, and without migration 9's list indexes (the lists' other
    queries, kept for a database that lacks them)."""
    import shutil

    from gonghui_desk.db import open_database
    from gonghui_desk.db.windows import drop_list_indexes

    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_path, path)
    db = open_database(path)
    if request.param == "without the list indexes":
        drop_list_indexes(db)
    yield db
    db.conn.close()


@pytest.fixture
def windowed_ledgers(monkeypatch):
    from gonghui_desk.ui import ledger_model

    monkeypatch.setattr(ledger_model, "SMALL_LIST", 5)


def read_all(model) -> list[int]:
    rows = scattered(model.rowCount(), PAGE)
    found = dict(zip(rows, (model.row_id(r) for r in rows)))
    return [found[r] for r in range(model.rowCount())]


def ledger_filters(db):
    from gonghui_desk.care.ledger import LedgerFilter

    unit = db.execute("SELECT id FROM sub_units ORDER BY id LIMIT 1 OFFSET 1").fetchone()[0]
    return [LedgerFilter(), LedgerFilter(date_from="2025-01-01", date_to="2025-12-31"),
            LedgerFilter(date_from="2025-07-01", search="l"), LedgerFilter(sub_unit_ids=(unit,)),
            LedgerFilter(pending=False, fund_source="上级工会补助"), LedgerFilter(pending=True)]


@pytest.mark.parametrize("order", ["visit_date", "member", "occasion", "sub_unit", "money"])
def test_the_care_ledger_window_reads_the_sql_order(qtbot, demo_db, windowed_ledgers, order):
    from gonghui_desk.care.ledger import count_ledger, ledger_ids
    from gonghui_desk.ui.ledger_model import LedgerTableModel

    for ledger_filter in ledger_filters(demo_db):
        for descending in (False, True):
            model = LedgerTableModel(demo_db, ledger_filter=ledger_filter, page_size=PAGE, max_pages=2,
                                     order=order, descending=descending)
            expected = ledger_ids(demo_db, ledger_filter, order=order, descending=descending)
            assert model.rowCount() == len(expected) == count_ledger(demo_db, ledger_filter)[0]
            # a window where the database has the proposed indexes; else ordered ids, as before them
            assert model.windowed == (len(expected) > 5 and has_index(demo_db, "visits_day"))
            assert read_all(model) == expected, (ledger_filter, order, descending)
            if expected:
                assert model.row_of(expected[-1]) == len(expected) - 1


@pytest.mark.parametrize("order", ["paid_on", "member", "aid_type", "sub_unit", "money"])
def test_the_aid_ledger_window_reads_the_sql_order(qtbot, demo_db, windowed_ledgers, order):
    from gonghui_desk.hardship.aid_ledger import AidFilter, aid_ids, count_aid
    from gonghui_desk.ui.aid_model import AidTableModel

    head = demo_db.execute("SELECT m.name FROM aid_payments a JOIN members m ON m.id = a.member_id").fetchone()[0]
    for aid_filter in (AidFilter(), AidFilter(date_from="2025-01-01", date_to="2026-12-31"),
                       AidFilter(search=head[:1]), AidFilter(stage="发放")):
        for descending in (False, True):
            model = AidTableModel(demo_db, aid_filter=aid_filter, page_size=PAGE, max_pages=2, order=order,
                                  descending=descending)
            expected = aid_ids(demo_db, aid_filter, order=order, descending=descending)
            assert model.rowCount() == len(expected) == count_aid(demo_db, aid_filter)[0]
            assert read_all(model) == expected, (aid_filter, order, descending)


def test_a_ledger_window_counts_again_after_a_change(qtbot, demo_db, windowed_ledgers):
    """The same filter set again after a visit was voided (what the page's refresh does) counts again."""
    from gonghui_desk.care.ledger import LedgerFilter, ledger_ids
    from gonghui_desk.care.visits import VisitStore
    from gonghui_desk.ui.ledger_model import LedgerTableModel

    f = LedgerFilter()
    model = LedgerTableModel(demo_db, ledger_filter=f, page_size=PAGE)
    before = model.rowCount()
    victim = model.row_id(3)
    VisitStore(demo_db).void(victim, "录重了")
    model.set_filter(f)
    model.sort(model.column_index["member"], Qt.AscendingOrder)
    assert model.rowCount() == before - 1 and model.row_of(victim) is None
    assert read_all(model) == ledger_ids(demo_db, f, order="member", descending=False)


def test_a_selection_by_ids_in_a_window(qtbot, members_db, windowed):
    """A selection's ids and rows in a window: a few from the pages (or counted), many from one query."""
    model = MemberTableModel(members_db, page_size=PAGE, max_pages=2)
    expected = member_ids(members_db, MemberFilter())
    assert model.windowed
    rows = [0, 5, 123, 299]
    assert model.row_ids(rows) == [expected[r] for r in rows]
    assert model.row_ids(range(300)) == expected  # more than two pages: every id in one query
    chosen = [expected[r] for r in (250, 7, 42, 180, 3)]
    assert model.rows_of(chosen) == [250, 7, 42, 180, 3]
    assert model.rows_of(chosen[:2]) == [250, 7]
