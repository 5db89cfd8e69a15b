"""The hardship register: filters, rows and period counts; what the files give the campaigns,
the reminders, the home page and the demo."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui_desk import stats
from gonghui_desk.care.campaigns import RecipientCriteria, select_recipients
from gonghui_desk.care.reminders import reminders
from gonghui_desk.care.visits import VisitInput, VisitStore
from gonghui_desk.hardship.files import FamilyMemberInput, HardshipFileStore
from gonghui_desk.hardship.providers import review_due_reminders
from gonghui_desk.hardship.register import FileFilter, file_counts, file_ids, file_rows
from gonghui_desk.union import ensure_sub_unit_path
from tests.conftest import TODAY
from tests.test_care_visits import add_member, occasion_id
from tests.test_hardship_files import CHILD_ID, file_input


@pytest.fixture
def register(profiled_db, store):
    """Five households: 张三 (在档, overdue), 李四 (在档, reviewed), 王五 (脱困 in 2026, then 重新建档),
    赵六 (注销 in 2025), 孙八 (申请中); 钱七 has no file."""
    db = profiled_db
    workshop = ensure_sub_unit_path(db, "一车间")
    office = ensure_sub_unit_path(db, "行政部")
    files = HardshipFileStore(db, today=TODAY)
    ids = {name: add_member(store, name, sub_unit_id=unit) for name, unit in
           (("张三", workshop), ("李四", workshop), ("王五", office), ("赵六", office), ("孙八", office),
            ("钱七", office))}
    f = {}
    f["张三"] = files.open_file(file_input(ids["张三"], opened_on="2024-03-01", category="特困"),
                               [FamilyMemberInput("张小明", "子女", CHILD_ID)])
    f["李四"] = files.open_file(file_input(ids["李四"], opened_on="2026-02-01", main_cause="因学",
                                          secondary_cause="", household_size=3, monthly_income_fen=150000,
                                          other_annual_income_fen=0))
    files.add_review(f["李四"], "2026-11-01", "继续帮扶")
    f["王五"] = files.open_file(file_input(ids["王五"], opened_on="2023-06-01", level="县级"))
    files.add_review(f["王五"], "2024-06-01", "继续帮扶")
    files.add_review(f["王五"], "2025-06-01", "继续帮扶")
    files.close_file(f["王五"], "脱困", "2026-01-15", "再就业")
    f["王五2"] = files.reopen(f["王五"], "2026-09-01")
    f["赵六"] = files.open_file(file_input(ids["赵六"], opened_on="2022-01-01"))
    files.close_file(f["赵六"], "注销", "2025-07-01", "调离")
    f["孙八"] = files.open_file(file_input(ids["孙八"], opened_on="2026-11-20"), status="申请中")
    return db, ids, f, {"一车间": workshop, "行政部": office}


def _ids(db, **filters) -> list[int]:
    return file_ids(db, FileFilter(**filters), order="opened_on", descending=False, today=TODAY)


def test_filters(register):
    db, ids, f, units = register
    assert _ids(db) == [f["赵六"], f["王五"], f["张三"], f["李四"], f["王五2"], f["孙八"]]
    assert _ids(db, status=("在档",)) == [f["张三"], f["李四"], f["王五2"]]
    assert _ids(db, status=("脱困", "注销")) == [f["赵六"], f["王五"]]
    assert _ids(db, status=()) == []
    assert _ids(db, category="特困") == [f["张三"]]
    assert _ids(db, main_cause="因学") == [f["李四"]]
    assert _ids(db, level="县级") == [f["王五"], f["王五2"]]
    assert _ids(db, sub_unit_ids=(units["一车间"],)) == [f["张三"], f["李四"]]
    assert _ids(db, search="zhang") == [f["张三"]]
    assert _ids(db, review_due=True) == [f["张三"]]  # due 2025-03-01: overdue
    assert f["张三"] not in _ids(db, review_due=False) and f["李四"] in _ids(db, review_due=False)
    # due within 30 days stands out too
    assert file_ids(db, FileFilter(review_due=True), today=dt.date(2027, 10, 5)) == [f["王五2"], f["李四"], f["张三"]]
    assert file_ids(db, FileFilter(), order="member") == [f["赵六"], f["张三"], f["王五2"], f["王五"], f["孙八"],
                                                          f["李四"]]  # name_sort descending


def test_rows(register):
    db, ids, f, _units = register
    rows = file_rows(db, _ids(db), today=TODAY)
    zhang, li, wang = rows[f["张三"]], rows[f["李四"]], rows[f["王五"]]
    assert (zhang["member_name"], zhang["sub_unit_path"], zhang["next_review_due"], zhang["review_overdue"]) == (
        "张三", "一车间", "2025-03-01", True)
    assert zhang["household_annual_income_fen"] == 250000 * 12 + 360000
    assert zhang["monthly_income_per_person_fen"] == (250000 * 12 + 360000) // 24
    assert (li["next_review_due"], li["review_overdue"], li["review_due_soon"]) == ("2027-11-01", False, False)
    assert li["monthly_income_per_person_fen"] == 50000
    assert (wang["status"], wang["next_review_due"], wang["review_overdue"]) == ("脱困", None, False)
    soon = file_rows(db, [f["王五2"]], today=dt.date(2027, 8, 15))[f["王五2"]]
    assert (soon["next_review_due"], soon["review_due_soon"], soon["review_overdue"]) == ("2027-09-01", True, False)


def test_counts_per_period(register):
    db = register[0]
    c2026 = file_counts(db, "2026-01-01", "2026-12-31")
    # new: 李四 and 王五's second period (孙八 is still an application); on file: 张三, 李四, 王五2 (3 + 2 + 1 + 1 persons)
    assert (c2026.new, c2026.on_file, c2026.on_file_persons, c2026.out_of_hardship, c2026.cancelled) == (2, 3, 6, 1, 0)
    c2025 = file_counts(db, "2025-01-01", "2025-12-31")
    # on file at the end of 2025: 张三 and 王五's first period (赵六 was cancelled in July)
    assert (c2025.new, c2025.on_file, c2025.on_file_persons, c2025.out_of_hardship, c2025.cancelled) == (0, 2, 3, 0, 1)
    c2024 = file_counts(db, "2024-01-01", "2024-12-31")
    assert (c2024.new, c2024.on_file, c2024.out_of_hardship, c2024.cancelled) == (1, 3, 0, 0)


def test_the_campaigns_criterion_picks_exactly_the_members_with_an_open_file(register):
    db, ids, _f, _units = register
    chosen = select_recipients(db, RecipientCriteria(hardship_only=True), today=TODAY)
    assert sorted(chosen) == sorted([ids["张三"], ids["李四"], ids["王五"]])


def test_reminders_hardship_no_visit(register):
    db, ids, _f, _units = register
    VisitStore(db, today=TODAY).save(VisitInput(member_id=ids["李四"], occasion_id=occasion_id(db, "生活困难/意外"),
                                                visit_date="2026-02-10", cash_fen=100000))
    VisitStore(db, today=TODAY).save(VisitInput(member_id=ids["赵六"], occasion_id=occasion_id(db, "生活困难/意外"),
                                                visit_date="2025-02-10", cash_fen=100000))
    listed = reminders(db, today=TODAY, kinds=("hardship_no_visit",))
    assert [r.member_id for r in listed] == [ids["王五"], ids["张三"]]  # by pinyin; 李四 visited, 赵六 closed
    assert listed[1].text == "张三在困难职工档案中，2026年尚未走访慰问"


def test_review_due_reminders_and_home_figure(register):
    db, ids, f, _units = register
    [reminder] = review_due_reminders(db, TODAY)
    assert (reminder.kind, reminder.member_id, reminder.date) == ("hardship_review_due", ids["张三"], "2025-03-01")
    assert reminder.text == "张三的困难职工档案应于2025-03-01年度复核，已逾期"
    from gonghui_desk.care.reminders import KIND_TITLES, reminders

    # registered with the home page's reminders, listed after the built-in kinds
    listed = reminders(db, today=TODAY)
    assert [r for r in listed if r.kind == "hardship_review_due"] == [reminder]
    assert listed[-1].kind == "hardship_review_due" and KIND_TITLES["hardship_review_due"] == "困难职工档案待复核"
    figures = {fig.label: fig for fig in stats.home_figures(db, TODAY).figures}
    figure = figures["困难职工在档"]
    assert (figure.value, figure.unit, figure.hint) == (3, "户", "其中复核逾期1户")


def test_demo_files(tmp_path):
    from gonghui_desk.db import open_database
    from gonghui_desk.demo import generate_demo
    from gonghui_desk.idcard import is_valid

    db = open_database(tmp_path / "demo.sqlite3")
    generate_demo(db, kind="company", members=1500, today=TODAY)
    on_roll = db.execute("SELECT count(*) FROM members WHERE status = '在册' AND voided_at IS NULL").fetchone()[0]
    files = db.execute("SELECT count(*) FROM hardship_files").fetchone()[0]
    assert 0.02 * on_roll <= files <= 0.04 * on_roll
    assert db.execute("SELECT count(*) FROM hardship_files WHERE previous_file_id IS NOT NULL").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM hardship_files WHERE status = '脱困' AND closed_on >= '2024-11-23'"
                      ).fetchone()[0] >= 1
    assert review_due_reminders(db, TODAY) and any(r.text.endswith("已逾期") for r in review_due_reminders(db, TODAY))
    assert all(is_valid(r[0]) for r in db.execute("SELECT id_number FROM hardship_family_members"))
    rows = file_rows(db, file_ids(db, FileFilter(status=("在档",)), today=TODAY), today=TODAY)
    per_person = [r["monthly_income_per_person_fen"] for r in rows.values()]
    assert 20_000 <= min(per_person) and max(per_person) <= 160_000
    assert file_counts(db, "2026-01-01", "2026-11-22").new >= 1
