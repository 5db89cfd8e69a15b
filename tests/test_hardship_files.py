"""Hardship files: computed incomes, one live file per household, family ID numbers, the life
cycle (建档 → 复核 → 脱困 → 重新建档) and voiding."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui_desk import history
from gonghui_desk.care.visits import RuleOverrideRequired
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.hardship.files import (FamilyMemberInput, FileInput, HardshipFileStore, household_annual_income,
                                         income_per_person, member_ids_with_open_file)
from gonghui_desk.idcard import check_char
from tests.conftest import TODAY, VALID_IDS
from tests.test_care_visits import add_member


def valid_id(first17: str) -> str:
    return first17 + check_char(first17)


SPOUSE_ID = valid_id("11010119870305002")  # a woman born 1987-03-05
CHILD_ID = valid_id("11010120080910001")  # a boy born 2008-09-10


@pytest.fixture
def files(db):
    return HardshipFileStore(db, today=TODAY)


def file_input(member_id: int, **values) -> FileInput:
    defaults = dict(category="困难", level="基层", main_cause="因病", secondary_cause="因学",
                    monthly_income_fen=250000, other_annual_income_fen=360000, opened_on="2025-03-01",
                    opened_by="王建国", bank_account="6222 0212 3456 7890 123")
    return FileInput(member_id=member_id, **{**defaults, **values})


def family() -> list[FamilyMemberInput]:
    return [FamilyMemberInput("李芳", "配偶", SPOUSE_ID, health="患大病", monthly_income_fen=80000, identity="在岗"),
            FamilyMemberInput("张小明", "子女", CHILD_ID, identity="学生", unit_or_school="某理工大学")]


def test_the_incomes_on_a_worked_example(db, store, files):
    """本人 2,500元/月, 配偶 800元/月, 子女 0, 其他年收入 3,600元, 4 persons (a grandparent not listed):
    家庭年总收入 = 2,500×12 + 3,600 + 800×12 = 43,200元; 月人均 = 43,200 ÷ 12 ÷ 4 = 900元."""
    member = add_member(store, "张三")
    file_id = files.open_file(file_input(member, household_size=4), family())
    file = files.get(file_id)
    assert file["household_annual_income_fen"] == 4_320_000
    assert file["monthly_income_per_person_fen"] == 90_000
    assert file["household_size"] == 4
    assert file["bank_account"] == "6222021234567890123"
    # household size left empty: the head and the two listed
    assert household_annual_income(100, 0, [0, 0]) == 1200
    assert income_per_person(1000, 3) == 28  # 27.78分 rounds to 28
    assert income_per_person(1001, 1) == 83  # 83.42分 rounds down


def test_household_size_defaults_and_cannot_be_smaller_than_the_family(db, store, files):
    member = add_member(store, "张三")
    with pytest.raises(ValidationError, match="家庭人口：家庭人口 2 人少于户主和登记的家庭成员（共 3 人）"):
        files.open_file(file_input(member, household_size=2), family())
    file_id = files.open_file(file_input(member), family())
    assert files.get(file_id)["household_size"] == 3
    assert files.get(file_id)["monthly_income_per_person_fen"] == round(
        (250000 * 12 + 360000 + 80000 * 12) / 12 / 3)


def test_required_fields_and_choices_are_named(db, store, files):
    member = add_member(store, "张三")
    with pytest.raises(ValidationError) as error:
        files.open_file(file_input(member, category="", main_cause="穷", opened_on=None, monthly_income_fen=-1))
    text = str(error.value)
    for part in ("困难类别：请选择困难类别", "主要致困原因：主要致困原因“穷”不在选项中", "建档日期：请填写建档日期",
                 "本人月收入：本人月收入应为不小于0的金额"):
        assert part in text
    with pytest.raises(ValidationError, match="户主（会员）：请选择建档的会员"):
        files.open_file(file_input(9999))


def test_one_live_file_per_household(db, store, files):
    member = add_member(store, "张三")
    first = files.open_file(file_input(member))
    with pytest.raises(UserError, match=f"张三已有一份在档的困难职工档案（编号 {first}，2025-03-01 建档），一户只能有一份"):
        files.open_file(file_input(member, opened_on="2026-01-01"))
    assert files.file_for_member(member)["id"] == first
    assert files.file_for_member(add_member(store, "李四")) is None


def test_a_member_not_on_the_roll_warns(db, store, files):
    retired = add_member(store, "王五", status="退休", status_date="2020-01-01")
    with pytest.raises(RuleOverrideRequired, match="王五目前的会员状态为“退休”"):
        files.open_file(file_input(retired))
    file_id = files.open_file(file_input(retired), override_reason="退休后生活困难，经委员会研究建档")
    assert "经委员会研究建档" in files.get(file_id)["notes"]


def test_family_id_numbers(db, store, files):
    member = add_member(store, "张三", id_number=VALID_IDS["man_1985"])
    wrong = CHILD_ID[:-1] + ("0" if CHILD_ID[-1] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        files.open_file(file_input(member), [FamilyMemberInput("张小明", "子女", wrong)])
    assert "第1位家庭成员（张小明）的身份证号：身份证号校验位错误（最后一位应为" in str(error.value)
    with pytest.raises(ValidationError, match="出生日期 2008-09-11 与身份证号中的 2008-09-10 不一致"):
        files.open_file(file_input(member), [FamilyMemberInput("张小明", "子女", CHILD_ID, birth_date="2008-09-11")])
    with pytest.raises(ValidationError, match="与户主的身份证号相同"):
        files.open_file(file_input(member), [FamilyMemberInput("张三", "其他", VALID_IDS["man_1985"])])
    with pytest.raises(ValidationError, match="第2位家庭成员（张二明）的身份证号：与第1位家庭成员的身份证号相同"):
        files.open_file(file_input(member), [FamilyMemberInput("张小明", "子女", CHILD_ID),
                                             FamilyMemberInput("张二明", "子女", CHILD_ID)])
    with pytest.raises(ValidationError, match="第1位家庭成员的姓名：请填写姓名"):
        files.open_file(file_input(member), [FamilyMemberInput("", "子女")])
    file_id = files.open_file(file_input(member), [
        FamilyMemberInput("李秀英", "父母", VALID_IDS["woman_lower_x"], birth_date="1949-12"),
        FamilyMemberInput("张小明", "子女", CHILD_ID)])
    mother, child = files.get(file_id)["family"]
    assert mother["id_number"] == VALID_IDS["woman_lower_x"].upper()
    assert mother["birth_date"] == "1949-12-31"  # 出生年月 agrees; the full date comes from the ID
    assert child["birth_date"] == "2008-09-10"


def test_set_family_keeps_rows_and_voids_removed_ones(db, store, files):
    member = add_member(store, "张三")
    file_id = files.open_file(file_input(member), family())
    spouse, child = files.get(file_id)["family"]
    files.set_family(file_id, [
        FamilyMemberInput("张小明", "子女", CHILD_ID, identity="学生", unit_or_school="某医科大学"),
        FamilyMemberInput("张大爷", "父母", birth_date="1950-02-03", identity="务农"),
        FamilyMemberInput("张二爷", "父母"), FamilyMemberInput("张三爷", "父母")])
    listed = files.get(file_id)["family"]
    assert [p["name"] for p in listed] == ["张小明", "张大爷", "张二爷", "张三爷"]
    assert listed[0]["id"] == child["id"] and listed[0]["unit_or_school"] == "某医科大学"  # matched by ID number
    assert db.execute("SELECT voided_at IS NOT NULL FROM hardship_family_members WHERE id = ?",
                      [spouse["id"]]).fetchone()[0] == 1
    assert files.get(file_id)["household_size"] == 5  # grew to the head and four listed
    with pytest.raises(ValidationError, match="第1位家庭成员（张小明）的与户主关系：与户主关系“儿子”不在选项中"):
        files.set_family(file_id, [FamilyMemberInput("张小明", "儿子")])


def test_life_cycle(db, store, files):
    member = add_member(store, "张三")
    file_id = files.open_file(file_input(member, opened_on="2024-05-10"), family())
    file = files.get(file_id)
    assert (file["next_review_due"], file["review_overdue"]) == ("2025-05-10", True)
    with pytest.raises(ValidationError, match="复核日期：复核日期 2024-01-01 早于建档日期 2024-05-10"):
        files.add_review(file_id, "2024-01-01", "继续帮扶")
    with pytest.raises(ValidationError, match="复核结果：请填写复核结果"):
        files.add_review(file_id, "2025-05-20", "")
    files.add_review(file_id, "2025-05-20", "继续帮扶", "王建国")
    assert HardshipFileStore(db, today=dt.date(2026, 5, 20)).get(file_id)["review_overdue"] is False
    file = files.get(file_id)
    assert (file["last_review_date"], file["next_review_due"], file["review_overdue"]) == (
        "2025-05-20", "2026-05-20", True)
    with pytest.raises(ValidationError, match="脱困/注销原因：请填写脱困原因"):
        files.close_file(file_id, "脱困", "2026-06-30", " ")
    files.close_file(file_id, "脱困", "2026-06-30", "子女毕业就业，家庭收入增加")
    closed = files.get(file_id)
    assert (closed["status"], closed["closed_on"], closed["next_review_due"], closed["review_overdue"]) == (
        "脱困", "2026-06-30", None, False)
    assert files.file_for_member(member) is None and member_ids_with_open_file(db) == set()
    with pytest.raises(UserError, match="只有在档的档案可以年度复核"):
        files.add_review(file_id, "2026-07-01", "继续帮扶")
    with pytest.raises(ValidationError, match="重新建档日期 2026-06-01 早于上一期档案的脱困日期 2026-06-30"):
        files.reopen(file_id, "2026-06-01")
    new_id = files.reopen(file_id, "2026-10-08", "李主席")
    new = files.get(new_id)
    assert (new["previous_file_id"], new["status"], new["opened_on"], new["opened_by"]) == (
        file_id, "在档", "2026-10-08", "李主席")
    assert [p["name"] for p in new["family"]] == ["李芳", "张小明"]
    assert {p["id"] for p in new["family"]}.isdisjoint(p["id"] for p in closed["family"])
    assert new["household_annual_income_fen"] == closed["household_annual_income_fen"]
    assert new["reviews"] == [] and new["next_review_due"] == "2027-10-08"
    assert files.get(file_id)["status"] == "脱困"  # the closed period stays as history
    assert [f["id"] for f in files.member_files(member)] == [file_id, new_id]
    with pytest.raises(UserError, match="只有已脱困或注销的档案可以重新建档"):
        files.reopen(new_id, "2026-11-01")
    entries = [(e.date, e.summary) for e in history.member_history(db, member) if e.category == "帮扶"]
    assert entries == [
        ("2026-10-08", "重新建立困难职工档案（困难，因病、因学），建档人：李主席"),
        ("2026-06-30", "困难职工档案脱困：子女毕业就业，家庭收入增加"),
        ("2025-05-20", "困难职工档案年度复核：继续帮扶，复核人：王建国"),
        ("2024-05-10", "建立困难职工档案（困难，因病、因学），建档人：王建国"),
    ]


def test_applications_are_approved_and_cancelled_files_closed(db, store, files):
    member = add_member(store, "张三")
    file_id = files.open_file(file_input(member), status="申请中")
    assert member_ids_with_open_file(db) == set() and files.file_for_member(member)["id"] == file_id
    files.approve(file_id, "李主席")
    assert (files.get(file_id)["status"], files.get(file_id)["checked_by"]) == ("在档", "李主席")
    assert member_ids_with_open_file(db) == {member}
    files.close_file(file_id, "注销", "2026-01-05", "本人调离")
    with pytest.raises(UserError, match="不能再次关闭"):
        files.close_file(file_id, "脱困", "2026-01-06", "又一次")


def test_update_and_void(db, store, files):
    member = add_member(store, "张三")
    file_id = files.open_file(file_input(member), family())
    data, listed = files.as_input(file_id)
    data.category = "特困"
    data.other_annual_income_fen = 0
    files.update_file(file_id, data, listed[:1])
    file = files.get(file_id)
    assert file["category"] == "特困" and [p["name"] for p in file["family"]] == ["李芳"]
    assert file["household_annual_income_fen"] == 250000 * 12 + 80000 * 12
    with pytest.raises(UserError, match="请填写原因"):
        files.void_file(file_id, "")
    files.void_file(file_id, "重复建档")
    assert files.file_for_member(member) is None and member_ids_with_open_file(db) == set()
    assert db.execute("SELECT count(*) FROM hardship_files").fetchone()[0] == 1  # kept, voided
    with pytest.raises(UserError, match="已作废"):
        files.update_file(file_id, data)
    assert [e for e in history.member_history(db, member) if e.category == "帮扶"] == []
    files.open_file(file_input(member))  # the household may be filed again
