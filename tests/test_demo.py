"""The demo data generator."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from gonghui_desk import demo, idcard
from gonghui_desk.dates import age_on
from gonghui_desk.db import open_database
from gonghui_desk.errors import Cancelled, UserError
from gonghui_desk.members import STATUSES, normalize_member
from gonghui_desk.union import committee_members, load_profile, staff_counts, sub_units
from tests.conftest import TODAY


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("school") / "school.sqlite3")
    summary = demo.generate_demo(db, kind="school", seed=1, today=TODAY)
    yield db, summary
    db.conn.close()


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("company") / "company.sqlite3")
    summary = demo.generate_demo(db, kind="company", seed=1, today=TODAY)
    yield db, summary
    db.conn.close()


@pytest.fixture
def new_db(tmp_path):
    """Opens fresh databases in tmp_path and closes them after the test."""
    opened = []

    def open_new(name: str = "demo.sqlite3"):
        opened.append(open_database(tmp_path / name))
        return opened[-1]

    yield open_new
    for db in opened:
        db.conn.close()


def _members(db) -> list[dict]:
    return list(db.query("SELECT * FROM members ORDER BY id"))


def test_default_sizes_and_summary(school, company):
    for (db, summary), size, kind in ((school, 120, "学校"), (company, 800, "企业")):
        assert db.execute("SELECT count(*) FROM members").fetchone()[0] == size
        assert summary["members"] == size and summary["kind"] == kind
        assert sum(summary["by_status"].values()) == size


def test_same_seed_same_data_other_seed_other_data(school, new_db):
    db, _summary = school
    names = [m["name"] for m in _members(db)]
    again = new_db("again.sqlite3")
    demo.generate_demo(again, kind="school", seed=1, today=TODAY)
    assert [m["name"] for m in _members(again)] == names
    assert _members(again)[5]["id_number"] == _members(db)[5]["id_number"]
    other = new_db("other.sqlite3")
    demo.generate_demo(other, kind="school", seed=2, today=TODAY)
    assert [m["name"] for m in _members(other)] != names


def test_requested_size_is_honoured(new_db):
    db = new_db()
    summary = demo.generate_demo(db, kind="company", members=3000, seed=3, today=TODAY)
    assert db.execute("SELECT count(*) FROM members").fetchone()[0] == 3000 == summary["members"]
    units = sub_units(db)
    assert any(u.path == "第一分厂/一车间/甲班" and u.kind == "工会小组" for u in units)


@pytest.mark.parametrize("fixture", ["school", "company"])
def test_members_pass_the_apps_own_checks(fixture, request):
    db, _summary = request.getfixturevalue(fixture)
    for member in _members(db):
        parsed = idcard.parse_id_number(member["id_number"])
        assert parsed.number == member["id_number"]
        assert parsed.birth_date.isoformat() == member["birth_date"] and parsed.sex == member["sex"]
        raw = {key: member[key] for key in ("name", "sex", "id_number", "birth_date", "phone", "join_date",
                                            "work_start_date", "political_status", "household_type",
                                            "marital_status")}
        assert normalize_member(raw, today=TODAY).problems == [], member
        birth = dt.date.fromisoformat(member["birth_date"])
        age = age_on(birth, TODAY)
        if member["status"] == "在册":
            assert 22 <= age <= 60
        elif member["status"] in ("退休", "去世"):
            assert 60 <= age <= 75
        start, join = dt.date.fromisoformat(member["work_start_date"]), dt.date.fromisoformat(member["join_date"])
        assert age_on(birth, start) >= 18 and start <= join < TODAY
        if member["sex"] == "女":
            assert member["female_retirement_age"] in (50, 55)
        else:
            assert member["female_retirement_age"] is None
        if member["political_status"] == "共青团员":
            assert age <= 28


def test_statuses_and_history(company):
    db, summary = company
    members = _members(db)
    assert set(m["status"] for m in members) == set(STATUSES)
    assert Counter(m["status"] for m in members) == Counter(
        {s: n for s, n in summary["by_status"].items() if n})
    history: dict[int, list] = {}
    for row in db.query("SELECT * FROM member_status_changes ORDER BY member_id, effective_date, id"):
        history.setdefault(row["member_id"], []).append(row)
    for member in members:
        rows = history[member["id"]]
        assert rows[0]["old_status"] is None and rows[0]["new_status"] == "在册"
        assert rows[0]["effective_date"] == member["join_date"]
        assert [r["old_status"] for r in rows[1:]] == [r["new_status"] for r in rows[:-1]]
        assert rows[-1]["new_status"] == member["status"]
        assert rows[-1]["effective_date"] == member["status_date"] <= TODAY.isoformat()
        if member["status"] in ("转出", "退会", "去世"):
            assert rows[-1]["reason"]
        if member["status"] == "去世":
            assert [r["new_status"] for r in rows] == ["在册", "退休", "去世"]


def test_shares_suit_the_kind(school, company):
    school_members, company_members = _members(school[0]), _members(company[0])

    def share(members, test):
        return sum(1 for m in members if test(m)) / len(members)

    assert 0.5 <= share(school_members, lambda m: m["sex"] == "女") <= 0.75
    assert 0.25 <= share(company_members, lambda m: m["sex"] == "女") <= 0.45
    assert share(school_members, lambda m: m["education"] in ("大学本科", "硕士研究生", "博士研究生")) >= 0.8
    assert share(school_members, lambda m: m["employment_type"] == "在编") >= 0.7
    assert 0.08 <= share(company_members, lambda m: m["is_migrant_worker"] == 1) <= 0.22
    assert all(m["household_type"] == "农业" for m in company_members if m["is_migrant_worker"])
    women = [m for m in company_members if m["sex"] == "女"]
    assert {m["female_retirement_age"] for m in women} == {50, 55}
    assert share(company_members, lambda m: m["ethnicity"] == "汉族") >= 0.85
    assert all(m["phone"] == "" or (len(m["phone"]) == 11 and m["phone"][0] == "1") for m in company_members)


def test_union_profile_units_committees_and_staff(school, company):
    db, summary = school
    profile = load_profile(db)
    assert profile.kind == "学校" and profile.name.endswith("中学工会委员会")
    assert profile.upstream_union.endswith("县教育工会")
    elected = dt.date.fromisoformat(profile.term_elected_on)
    assert dt.date.fromisoformat(profile.term_expires_on) == elected.replace(year=elected.year + 5)
    assert profile.term_number >= 2
    names = {u.name for u in sub_units(db)}
    assert {"语文组", "数学组", "英语组", "理化生组", "政史地组", "体音美组", "行政后勤"} <= names
    committees = Counter(row["committee"] for row in committee_members(db))
    assert set(committees) == {"工会委员会", "经审委员会", "女职工委员会"}
    chair = [row for row in committee_members(db) if row["role"] == "主席"]
    assert [row["person_name"] for row in chair] == [profile.chair]
    women_ids = [row["member_id"] for row in committee_members(db) if row["committee"] == "女职工委员会"]
    assert all(db.execute("SELECT sex FROM members WHERE id = ?", [i]).fetchone()[0] == "女" for i in women_ids)
    working = db.execute("SELECT count(*) FROM members WHERE status = '在册'").fetchone()[0]
    counts = staff_counts(db)
    assert sorted(counts) == [2024, 2025, 2026]
    assert working < counts[2026] <= working * 1.15

    company_db, _summary = company
    company_profile = load_profile(company_db)
    assert company_profile.kind == "企业" and company_profile.upstream_union.endswith("区总工会")
    units = {u.path: u.kind for u in sub_units(company_db)}
    assert units["一车间"] == "分工会" and units["一车间/甲班"] == "工会小组" and units["质检部"] == "分工会"


def test_polyphonic_surnames_are_searchable(company):
    db, _summary = company
    rows = list(db.query("SELECT name, search_text FROM members WHERE name LIKE '曾%' OR name LIKE '单%'"))
    assert rows
    for row in rows:
        assert ("zeng" in row["search_text"]) or ("shan" in row["search_text"])


def test_extensions_run_inside_the_transaction(new_db, monkeypatch):
    monkeypatch.setattr(demo, "_EXTENSIONS", [])
    calls = []

    @demo.register_extension
    def record_visits(db, rng, today, kind):
        calls.append((db.conn.in_transaction, rng.random(), today, kind))

    for name in ("a.sqlite3", "b.sqlite3"):
        demo.generate_demo(new_db(name), kind="company", members=50, today=TODAY)
    assert calls[0] == calls[1]
    assert calls[0][0] is True and calls[0][2:] == (TODAY, "company")


def test_cancel_rolls_everything_back(new_db):
    db = new_db()
    with pytest.raises(Cancelled):
        demo.generate_demo(db, kind="company", members=2000, today=TODAY, is_cancelled=lambda: True)
    for table in ("members", "sub_units", "member_status_changes", "union_profile", "committee_members"):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_refuses_a_database_with_members(school):
    db, _summary = school
    with pytest.raises(UserError, match="已有会员"):
        demo.generate_demo(db, today=TODAY)


@pytest.mark.parametrize("options, message", [({"kind": "hospital"}, "演示数据类型"),
                                              ({"members": 5}, "人数")])
def test_refuses_bad_options(new_db, options, message):
    with pytest.raises(UserError, match=message):
        demo.generate_demo(new_db(), today=TODAY, **options)


def test_create_demo_database(tmp_path):
    path = tmp_path / "演示.sqlite3"
    summary = demo.create_demo_database(path, kind="school", members=60, seed=4, today=TODAY)
    assert summary.startswith(f"已创建演示数据库 {path}：学校工会“")
    assert "会员 60 人" in summary and "\n" not in summary
    db = open_database(path, create=False)
    assert db.execute("SELECT count(*) FROM members").fetchone()[0] == 60
    db.conn.close()

    before = path.read_bytes()
    with pytest.raises(UserError, match="已存在"):
        demo.create_demo_database(path, kind="company")
    assert path.read_bytes() == before


def test_create_demo_database_removes_the_file_after_a_failure(tmp_path):
    path = tmp_path / "bad.sqlite3"
    with pytest.raises(UserError):
        demo.create_demo_database(path, members=1)
    assert list(tmp_path.iterdir()) == []
