"""Campaigns: choosing recipients, amounts, recording one visit each, signatures, the sign-off sheet."""

from __future__ import annotations

import pytest

from gonghui_desk.care import campaigns as campaigns_module
from gonghui_desk.care.campaigns import (
    WARNINGS_SHOWN, CampaignInput, CampaignOverrideRequired, RecipientCriteria, add_recipients, amount_text,
    campaign_recipients, check_campaign, create_campaign, get_campaign, list_campaigns, record_campaign,
    remove_recipients, select_recipients, set_recipient_amount, set_signed, signoff_sheet, update_campaign,
    void_campaign,
)
from gonghui_desk.care.occasions import apply_rule_set, load_rule_set
from gonghui_desk.care.visits import RuleOverrideRequired, RuleWarning
from gonghui_desk.errors import Cancelled, UserError
from gonghui_desk.union import ensure_sub_unit_path
from tests.conftest import TODAY
from tests.test_care_visits import add_member, occasion_id


@pytest.fixture
def union(profiled_db, store):
    """Six members in two sub-units (one with a child unit), of every kind a criterion looks at."""
    db = profiled_db
    workshop = ensure_sub_unit_path(db, "一车间")
    shift = ensure_sub_unit_path(db, "一车间/甲班", kind="工会小组")
    office = ensure_sub_unit_path(db, "行政部")
    ids = {
        "张三": add_member(store, "张三", sex="男", birth_date="1986-11-22", sub_unit_id=shift),  # 40 today
        "李四": add_member(store, "李四", sex="女", birth_date="1986-11-23", sub_unit_id=workshop,  # 39 today
                           is_migrant_worker="是"),
        "王五": add_member(store, "王五", sex="男", birth_date="1960-05-01", sub_unit_id=office, status="退休",
                           status_date="2020-05-01"),
        "赵六": add_member(store, "赵六", sex="女", birth_date="1990-01-01", sub_unit_id=office),
        "钱七": add_member(store, "钱七", sex="男", birth_date="1980-01-01", sub_unit_id=office, status="转出",
                           status_date="2026-01-31"),
        "孙八": add_member(store, "孙八", sex="男", sub_unit_id=shift),  # no birth date
    }
    return db, ids, {"一车间": workshop, "甲班": shift, "行政部": office}


def _names(ids: dict[str, int], member_ids: list[int]) -> list[str]:
    by_id = {v: k for k, v in ids.items()}
    return [by_id[i] for i in member_ids]


def _select(db, **criteria) -> list[int]:
    return select_recipients(db, RecipientCriteria(**criteria), today=TODAY)


def test_criteria_round_trip_as_json():
    criteria = RecipientCriteria(statuses=("在册", "退休"), sub_unit_ids=(3, 4), sex="女", min_age=50,
                                 migrant=False)
    assert RecipientCriteria.from_json(criteria.to_json()) == criteria
    assert RecipientCriteria.from_json("") == RecipientCriteria()
    assert RecipientCriteria.from_json('{"sex": "男", "from_a_later_version": 1}') == RecipientCriteria(sex="男")


def test_select_recipients_by_criteria_in_roster_order(union):
    db, ids, units = union
    assert _names(ids, _select(db)) == ["李四", "孙八", "张三", "赵六"]  # 在册 only, by pinyin
    assert _names(ids, _select(db, statuses=("退休",))) == ["王五"]
    assert _names(ids, _select(db, statuses=("在册", "退休"), sub_unit_ids=(units["一车间"],))) == [
        "李四", "孙八", "张三"]  # with 甲班, the child unit
    assert _names(ids, _select(db, sex="女")) == ["李四", "赵六"]
    assert _names(ids, _select(db, min_age=40)) == ["张三"]  # 40 today; 李四 turns 40 tomorrow
    assert _names(ids, _select(db, max_age=39)) == ["李四", "赵六"]
    assert _names(ids, _select(db, min_age=39, max_age=39)) == ["李四"]
    assert _names(ids, _select(db, migrant=True)) == ["李四"]
    assert _select(db, sub_unit_ids=()) == []


@pytest.mark.parametrize("criteria, message", [
    (RecipientCriteria(statuses=()), "至少选择一种"),
    (RecipientCriteria(statuses=("离职",)), "无效"),
    (RecipientCriteria(min_age=50, max_age=40), "大于"),
])
def test_criteria_that_cannot_be_met(union, criteria, message):
    with pytest.raises(UserError, match=message):
        select_recipients(union[0], criteria, today=TODAY)


def test_hardship_criterion_without_the_hardship_module(union, monkeypatch):
    monkeypatch.setattr(campaigns_module, "_CRITERIA", {})
    with pytest.raises(UserError, match="困难职工档案模块尚未启用"):
        select_recipients(union[0], RecipientCriteria(hardship_only=True), today=TODAY)


def test_hardship_files_through_the_registry(union, monkeypatch):
    db, ids, _units = union
    monkeypatch.setattr(campaigns_module, "_CRITERIA", {})
    campaigns_module.register_criterion("hardship_only", lambda db: {ids["赵六"], ids["王五"]})
    assert _names(ids, _select(db, hardship_only=True)) == ["赵六"]  # and 在册
    assert _names(ids, _select(db, hardship_only=True, statuses=("在册", "退休"))) == ["王五", "赵六"]


def _campaign(db, **values) -> CampaignInput:
    defaults = dict(name="2026年春节送温暖", campaign_date="2026-02-07", occasion_id=occasion_id(db, "节日慰问"),
                    fund_source="本级工会经费", default_cash_fen=50000)
    return CampaignInput(**{**defaults, **values})


def test_create_with_criteria_adds_the_recipients_with_the_default_amounts(union):
    db, ids, _units = union
    criteria = RecipientCriteria(sex="女")
    campaign_id = create_campaign(db, _campaign(db, default_goods="大米一袋", default_goods_value_fen=10000),
                                  criteria, today=TODAY)
    rows = campaign_recipients(db, campaign_id)
    assert [(r["name"], r["sub_unit_path"], r["cash_fen"], r["goods_desc"], r["goods_value_fen"], r["visit_id"],
             r["signed"]) for r in rows] == [("李四", "一车间", 50000, "大米一袋", 10000, None, False),
                                             ("赵六", "行政部", 50000, "大米一袋", 10000, None, False)]
    campaign = get_campaign(db, campaign_id)
    assert RecipientCriteria.from_json(campaign["criteria"]) == criteria
    assert (campaign["occasion_name"], campaign["recipient_count"], campaign["total_fen"], campaign["recorded_at"]) \
        == ("节日慰问", 2, 120000, None)


@pytest.mark.parametrize("changes, message", [
    ({"name": " "}, "批次名称"), ({"campaign_date": "春节"}, "发放日期"), ({"campaign_date": None}, "发放日期"),
    ({"occasion_id": 9999}, "慰问类别"), ({"payment_form": "红包"}, "发放形式"),
    ({"default_cash_fen": -1}, "不小于0"), ({"default_goods_value_fen": 100}, "写明慰问品"),
])
def test_invalid_campaigns_are_refused(union, changes, message):
    db = union[0]
    with pytest.raises(UserError, match=message):
        create_campaign(db, _campaign(db, **changes))
    assert list_campaigns(db) == []


def test_recipients_by_hand_and_their_amounts(union):
    db, ids, _units = union
    campaign_id = create_campaign(db, _campaign(db))
    assert add_recipients(db, campaign_id, [ids["赵六"], ids["张三"], ids["赵六"]]) == 2
    assert add_recipients(db, campaign_id, [ids["张三"], ids["王五"]]) == 1  # appended after the others
    with pytest.raises(UserError, match="不存在"):
        add_recipients(db, campaign_id, [9999])
    assert _names(ids, [r["member_id"] for r in campaign_recipients(db, campaign_id)]) == ["赵六", "张三", "王五"]
    set_recipient_amount(db, campaign_id, ids["王五"], cash_fen=80000)
    set_recipient_amount(db, campaign_id, ids["张三"], goods_desc="食用油", goods_value_fen=6000)
    with pytest.raises(UserError, match="写明慰问品"):
        set_recipient_amount(db, campaign_id, ids["赵六"], goods_value_fen=100)
    with pytest.raises(UserError, match="不在本批次"):
        set_recipient_amount(db, campaign_id, ids["李四"], cash_fen=1)
    assert remove_recipients(db, campaign_id, [ids["赵六"], ids["李四"]]) == 1
    amounts = {r["name"]: (r["cash_fen"], r["goods_desc"], r["goods_value_fen"])
               for r in campaign_recipients(db, campaign_id)}
    assert amounts == {"张三": (50000, "食用油", 6000), "王五": (80000, "", 0)}


def test_changing_the_default_moves_only_the_untouched_amounts(union):
    db, ids, _units = union
    campaign_id = create_campaign(db, _campaign(db), RecipientCriteria(sex="女"), today=TODAY)
    set_recipient_amount(db, campaign_id, ids["赵六"], cash_fen=100000)
    update_campaign(db, campaign_id, _campaign(db, default_cash_fen=60000, notes="标准提高"))
    assert {r["name"]: r["cash_fen"] for r in campaign_recipients(db, campaign_id)} == {"李四": 60000, "赵六": 100000}
    assert get_campaign(db, campaign_id)["notes"] == "标准提高"


def test_record_creates_one_visit_per_recipient(union):
    db, ids, _units = union
    campaign_id = create_campaign(db, _campaign(db), RecipientCriteria(statuses=("在册", "退休")), today=TODAY)
    progress = []
    assert record_campaign(db, campaign_id, today=TODAY, progress=lambda *a: progress.append(a)) == 5
    visits = list(db.query("SELECT * FROM visits WHERE campaign_id = ? ORDER BY member_id", [campaign_id]))
    assert [v["member_id"] for v in visits] == sorted(set(ids.values()) - {ids["钱七"]})
    assert {(v["visit_date"], v["cash_fen"], v["fund_source"], v["payment_form"], v["recipient_relation"],
             v["signed"]) for v in visits} == {("2026-02-07", 50000, "本级工会经费", "现金", "本人", 0)}
    assert progress[-1][:2] == (5, 5)
    campaign = get_campaign(db, campaign_id)
    assert campaign["recorded_at"] and campaign["visit_count"] == 5
    assert all(r["visit_id"] for r in campaign_recipients(db, campaign_id))
    with pytest.raises(UserError, match="已登记"):
        record_campaign(db, campaign_id, today=TODAY)
    for change in (lambda: add_recipients(db, campaign_id, [ids["钱七"]]),
                   lambda: remove_recipients(db, campaign_id, [ids["张三"]]),
                   lambda: set_recipient_amount(db, campaign_id, ids["张三"], cash_fen=1),
                   lambda: update_campaign(db, campaign_id, _campaign(db, default_cash_fen=1))):
        with pytest.raises(UserError):
            change()
    update_campaign(db, campaign_id, _campaign(db, name="2026年春节慰问", notes="已发放完毕"))
    assert get_campaign(db, campaign_id)["name"] == "2026年春节慰问"
    assert db.execute("SELECT count(*) FROM visits").fetchone()[0] == 5


def test_record_needs_recipients_and_a_past_date(union):
    db, ids, _units = union
    empty = create_campaign(db, _campaign(db))
    with pytest.raises(UserError, match="还没有慰问对象"):
        record_campaign(db, empty, today=TODAY)
    future = create_campaign(db, _campaign(db, campaign_date="2027-01-27"), RecipientCriteria(), today=TODAY)
    with pytest.raises(UserError, match="晚于今天"):
        record_campaign(db, future, today=TODAY)


def test_a_recipient_voided_meanwhile_is_named(union, store):
    db, ids, _units = union
    campaign_id = create_campaign(db, _campaign(db), RecipientCriteria(), today=TODAY)
    store.void(ids["赵六"], "重复录入")
    with pytest.raises(UserError, match="赵六"):
        record_campaign(db, campaign_id, today=TODAY)
    assert db.execute("SELECT count(*) FROM visits").fetchone()[0] == 0


def test_warnings_need_one_reason_for_the_batch(union):
    db, ids, _units = union
    apply_rule_set(db, load_rule_set("example-province"))  # holiday benefits: 2,200元 a member a year
    campaign_id = create_campaign(db, _campaign(db), RecipientCriteria(), today=TODAY)
    add_recipients(db, campaign_id, [ids["钱七"]])  # moved away on 2026-01-31
    set_recipient_amount(db, campaign_id, ids["张三"], cash_fen=250000)
    warnings = check_campaign(db, campaign_id, today=TODAY)
    assert {m: [w.code for w in ws] for m, ws in warnings.items()} == {
        ids["张三"]: ["over_yearly_cap"], ids["钱七"]: ["not_on_roll"]}
    with pytest.raises(CampaignOverrideRequired) as caught:
        record_campaign(db, campaign_id, today=TODAY)
    assert isinstance(caught.value, RuleOverrideRequired)
    assert "张三：" in str(caught.value) and "钱七：" in str(caught.value)
    assert set(caught.value.by_member) == {ids["张三"], ids["钱七"]}
    assert db.execute("SELECT count(*) FROM visits").fetchone()[0] == 0
    assert get_campaign(db, campaign_id)["recorded_at"] is None
    assert record_campaign(db, campaign_id, override_reason="经工会委员会研究同意", today=TODAY) == 5
    reasons = dict(db.execute("SELECT member_id, override_reason FROM visits").fetchall())
    assert reasons[ids["张三"]] == reasons[ids["钱七"]] == "经工会委员会研究同意"
    assert reasons[ids["李四"]] == ""


def test_a_long_list_of_warnings_names_the_first_members_and_counts_the_rest():
    by_member = {n: [RuleWarning("over_cap", "超过上限")] for n in range(WARNINGS_SHOWN + 5)}
    error = CampaignOverrideRequired(by_member, {n: f"会员{n}" for n in by_member})
    assert len(error.warnings) == WARNINGS_SHOWN + 1 and "另有 5 名会员" in str(error)


def test_cancel_writes_nothing(union):
    db, _ids, _units = union
    campaign_id = create_campaign(db, _campaign(db), RecipientCriteria(), today=TODAY)
    with pytest.raises(Cancelled):
        record_campaign(db, campaign_id, today=TODAY, is_cancelled=lambda: True)
    assert db.execute("SELECT count(*) FROM visits").fetchone()[0] == 0
    assert get_campaign(db, campaign_id)["recorded_at"] is None


def test_signed_ticks_after_recording(union):
    db, ids, _units = union
    campaign_id = create_campaign(db, _campaign(db), RecipientCriteria(), today=TODAY)
    with pytest.raises(UserError, match="还没有登记"):
        set_signed(db, campaign_id, [ids["张三"]])
    record_campaign(db, campaign_id, today=TODAY)
    assert set_signed(db, campaign_id, [ids["张三"], ids["李四"], ids["王五"]]) == 2  # 王五 is not on the list
    assert set_signed(db, campaign_id, [ids["张三"]]) == 0
    assert {r["name"] for r in campaign_recipients(db, campaign_id) if r["signed"]} == {"张三", "李四"}
    assert get_campaign(db, campaign_id)["signed_count"] == 2
    set_signed(db, campaign_id, [ids["李四"]], signed=False)
    assert list_campaigns(db)[0]["signed_count"] == 1


def test_void_a_recorded_campaign_voids_its_visits(union):
    db, _ids, _units = union
    draft = create_campaign(db, _campaign(db, name="草稿"), RecipientCriteria(), today=TODAY)
    recorded = create_campaign(db, _campaign(db), RecipientCriteria(), today=TODAY)
    record_campaign(db, recorded, today=TODAY)
    with pytest.raises(UserError, match="原因"):
        void_campaign(db, recorded, "")
    assert void_campaign(db, draft, "重复建立") == 0
    assert void_campaign(db, recorded, "发错批次") == 4
    assert db.execute("SELECT count(*) FROM visits WHERE voided_at IS NULL").fetchone()[0] == 0
    assert db.execute("SELECT DISTINCT void_reason FROM visits").fetchall() == [("所属慰问批次作废：发错批次",)]
    with pytest.raises(UserError, match="已经作废"):
        void_campaign(db, recorded, "再次")
    assert [c["voided_at"] is not None for c in list_campaigns(db)] == [True, True]


@pytest.mark.parametrize("cash, goods, value, text", [
    (50000, "", 0, "500元"), (0, "大米一袋", 10000, "大米一袋（价值100元）"), (0, "月饼", 0, "月饼"),
    (50050, "大米一袋", 10000, "500.50元，大米一袋（价值100元）"), (0, "", 0, ""),
])
def test_amount_text(cash, goods, value, text):
    assert amount_text(cash, goods, value) == text


def test_signoff_sheet(union):
    db, ids, _units = union
    campaign_id = create_campaign(db, _campaign(db, default_goods="大米一袋", default_goods_value_fen=10000),
                                  RecipientCriteria(statuses=("在册", "退休")), today=TODAY)
    set_recipient_amount(db, campaign_id, ids["王五"], cash_fen=0)
    sheet = signoff_sheet(db, campaign_id)
    assert (sheet.title, sheet.union_name, sheet.campaign_date, sheet.occasion_name, sheet.fund_source) == (
        "2026年春节送温暖发放签收表", "测试中学工会委员会", "2026-02-07", "节日慰问", "本级工会经费")
    assert [(r["seq"], r["name"], r["sub_unit"], r["amount_text"]) for r in sheet.rows] == [
        (1, "李四", "一车间", "500元，大米一袋（价值100元）"),
        (2, "孙八", "一车间/甲班", "500元，大米一袋（价值100元）"),
        (3, "王五", "行政部", "大米一袋（价值100元）"),
        (4, "张三", "一车间/甲班", "500元，大米一袋（价值100元）"),
        (5, "赵六", "行政部", "500元，大米一袋（价值100元）"),
    ]
    assert (sheet.total_cash_fen, sheet.total_goods_fen, sheet.total_fen) == (200000, 50000, 250000)
    assert sheet.total_text == "合计：5人，慰问金2,000元，慰问品价值500元"
    assert sheet.prepared_by == sheet.checked_by == ""
    with pytest.raises(UserError):
        signoff_sheet(db, 9999)
