"""What events add to a member's history panel and to the home page."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui_desk import history, stats
from gonghui_desk.events.providers import entry_summary, result_summary
from tests.conftest import TODAY
from tests.test_events_register import make_year


@pytest.fixture
def year(db, store):
    return make_year(db, store)


def _lines(db, member_id: int) -> list[tuple[str, str]]:
    return [(e.date, e.summary) for e in history.member_history(db, member_id) if e.category == "活动"]


def test_history_lines_of_entries_and_results(year):
    assert _lines(year["db"], year["people"]["张三"]) == [
        ("2026-09-01", "参加 法律知识竞赛"),
        ("2026-05-01", "第3届职工运动会（100米）决赛：第1名，获 一等奖，奖金 500 元，推荐参加 市级决赛（二等奖）"),
        ("2026-05-01", "第3届职工运动会（100米）初赛：第2名"),
        ("2026-05-01", "第3届职工运动会（拔河，一车间队）：第1名，获 团体第一名，奖金 1,000 元"),
        ("2026-05-01", "参加 第3届职工运动会（100米）"),
        ("2026-05-01", "参加 第3届职工运动会（拔河，一车间队）"),
        ("2025-06-01", "参加 工会干部培训，某区总工会主办"),
    ]


def test_planned_cancelled_and_voided_events_in_the_history(year):
    db, people = year["db"], year["people"]
    assert ("2026-12-20", "报名参加 迎新年文艺汇演") in _lines(db, people["王五"])
    assert not any("秋季登山" in text for _day, text in _lines(db, people["李四"]))  # cancelled
    assert not any("录错的活动" in text for _day, text in _lines(db, people["张三"]))  # voided
    assert [text for _day, text in _lines(db, people["吴十"])] == []


def test_history_entries_point_at_their_records(year):
    entries = [e for e in history.member_history(year["db"], year["people"]["李四"]) if e.category == "活动"]
    assert {e.table for e in entries} == {"event_participants", "event_results"}
    result = next(e for e in entries if e.table == "event_results" and "二等奖" in e.summary)
    assert result.record_id == year["results"]["李四"]


def test_summaries_of_plain_results():
    base = {"event_title": "第2届职工技能大赛", "item_name": "焊工", "team_name": "", "stage": "", "rank": None,
            "grade": "", "prize_fen": 0, "promoted": 1, "upstream_round": "", "upstream_result": "", "notes": ""}
    assert result_summary(base) == "第2届职工技能大赛（焊工）：推荐参加上级比赛"
    assert result_summary({**base, "promoted": 0, "notes": "晋级决赛", "stage": "初赛"}) == "第2届职工技能大赛（焊工）初赛：晋级决赛"
    assert result_summary({**base, "promoted": 0, "grade": "优秀奖", "prize_fen": 12050}) == (
        "第2届职工技能大赛（焊工）：获 优秀奖，奖金 120.50 元")
    entry = {"event_title": "知识竞赛", "item_name": "", "team_name": "", "event_status": "已举办",
             "organiser_kind": "本会", "organiser": ""}
    assert entry_summary(entry) == "参加 知识竞赛"


def _figure(db, today: dt.date) -> stats.Figure:
    return next(f for f in stats.home_figures(db, today).figures if f.label.endswith("年活动"))


def test_home_figure_counts_this_years_events_held(year):
    figure = _figure(year["db"], TODAY)
    assert (figure.label, figure.value, figure.unit) == ("2026年活动", 2, "场")
    assert figure.hint == "11人次，6人；另有1场计划中"


def test_home_figure_on_an_empty_year(db):
    figure = _figure(db, TODAY)
    assert (figure.value, figure.hint) == (0, "0人次，0人")
