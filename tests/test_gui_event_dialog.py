"""The event page (活动): the form and its inline checks, status actions and voiding; items, teams, participants
(by the picker and by criteria, 人次 vs 人 with teams expanded), results with promotion and the upstream result,
voiding an entry with its result, refusals shown in the dialogs; the award list exported to .xlsx and the
sign-in sheet printed through the page; and every tab rendered on demo data.

The year of ``tests.test_events_register.make_year`` (职工运动会 with 100米 and 拔河 teams, a 法律知识竞赛, a
planned 文艺汇演, a cancelled 登山…) is the data of most tests.
"""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog

from gonghui_desk import demo
from gonghui_desk.events.register import ALL_ITEMS, award_rows, event_figures, event_items, event_teams
from gonghui_desk.events.store import EventInput, EventStore
from gonghui_desk.exporting.events import AWARDS_TITLE, SIGNIN_TITLE
from gonghui_desk.ui.app_context import AppContext
from gonghui_desk.ui.event_dialog import EventDialog, notify_events_changed, open_event_dialog
from gonghui_desk.ui.event_result_dialog import ResultDialog
from gonghui_desk.ui.event_subdialogs import CriteriaDialog, TeamDialog
from gonghui_desk.ui.workers import Job
from gonghui_desk.union import UnionProfile, save_profile
from tests.conftest import TODAY
from tests.test_events_register import make_year

pytestmark = pytest.mark.usefixtures("no_job_left_running")


@pytest.fixture
def context(empty_context):
    ctx = empty_context
    save_profile(ctx.db, UnionProfile(name="某某公司工会委员会", kind="企业", upstream_union="某某区总工会"))
    ctx.year = make_year(ctx.db, ctx.members)
    ctx.messages = []
    ctx.status_message.connect(ctx.messages.append)
    return ctx


@pytest.fixture
def open_dialog(context, qtbot):
    """open_dialog(event_id=None, tab=None) -> the event page on ``context`` (closed by qtbot)."""

    def make(event_id=None, tab=None) -> EventDialog:
        dialog = EventDialog(context, event_id, today=TODAY, tab=tab)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


@pytest.fixture
def games(context, open_dialog):
    return open_dialog(context.year["events"]["games"])


def event_store(context) -> EventStore:
    return EventStore(context.db, today=TODAY)


def held_event(context, name="秋季职工运动会", day="2026-10-10", **values) -> int:
    return event_store(context).create(EventInput(name, "文体活动", day, status="已举办", **values))


def pick(dialog, *names) -> None:
    """Choose members in an open MemberPickerDialog by name, as a user does (search, select, 添加所选)."""
    picker = dialog.picker
    chosen = []
    for name in names:
        picker.set_search_text(name)
        chosen += [picker.model.member_id(row) for row in range(picker.model.rowCount())]
    picker.set_search_text("")
    picker.table.clearSelection()
    picker.select_rows([row for row in range(picker.model.rowCount()) if picker.model.member_id(row) in chosen])
    picker.accept()


def entry_texts(dialog) -> list[tuple[str, ...]]:
    model = dialog.entries_model
    return [tuple(model.text(row, key) for key in ("item", "kind", "name", "person_times"))
            for row in range(model.rowCount())]


# --- the form --------------------------------------------------------------------------------------------
def test_a_new_event_is_checked_as_typed_and_created(context, open_dialog, qtbot):
    dialog = open_dialog()
    assert dialog.windowTitle() == "新建活动" and dialog.close_button.text() == "取消"
    assert [dialog.tabs.isTabEnabled(i) for i in range(5)] == [True, False, False, False, False]
    assert not dialog.save_button.isEnabled()
    assert dialog.summary_label.text() == "请填写活动名称、类型和开始日期后保存。"  # nothing shown in red yet

    dialog.name_edit.editingFinished.emit()  # left empty
    assert dialog.messages["name"].isVisible() and dialog.messages["name"].text() == "请填写活动名称"
    dialog.start_edit.setText("2026.10.8")
    dialog.start_edit.editingFinished.emit()
    assert dialog.start_edit.text() == "2026-10-08"  # written the usual way when leaving the field
    dialog.end_edit.setText("2026-10-07")
    dialog.end_edit.editingFinished.emit()
    assert dialog.messages["end_date"].text() == "结束日期 2026-10-07 早于开始日期 2026-10-08"
    dialog.cost_edit.setText("五千")
    dialog.cost_edit.editingFinished.emit()
    assert "阿拉伯数字" in dialog.messages["cost_fen"].text()
    assert dialog.summary_label.text().startswith("有 4 处需要修改后才能保存：活动名称、")

    dialog.name_edit.setText("职工乒乓球赛")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("文体活动"))
    dialog.end_edit.setText("2026-10-09")
    dialog.cost_edit.setText("3,000.50")
    dialog.edition_edit.setText("第2届")
    dialog.organiser_kind_combo.setCurrentIndex(dialog.organiser_kind_combo.findData("上级"))
    dialog.organiser_edit.editingFinished.emit()
    assert dialog.messages["organiser"].text() == "上级主办的活动请填写主办单位"
    dialog.organiser_edit.setText("某某区总工会")
    dialog.status_combo.setCurrentText("已举办")
    assert not any(label.isVisible() for label in dialog.messages.values())
    assert dialog.save_button.isEnabled()

    with qtbot.waitSignal(context.events_changed, timeout=2000):
        event_id = dialog.save()
    row = event_store(context).get(event_id)
    assert (row["name"], row["edition"], row["organiser_kind"], row["organiser"], row["start_date"], row["end_date"],
            row["cost_fen"], row["status"]) == ("职工乒乓球赛", 2, "上级", "某某区总工会", "2026-10-08", "2026-10-09",
                                                300050, "已举办")
    assert context.messages[-1] == "已新建活动：第2届职工乒乓球赛"
    assert dialog.isVisible() and dialog.event_id == event_id  # the page stays open on the new event
    assert dialog.title_label.text() == "第2届职工乒乓球赛" and dialog.close_button.text() == "关闭"
    assert all(dialog.tabs.isTabEnabled(i) for i in range(5)) and dialog.held_button.isHidden()
    assert dialog.cost_edit.text() == "3000.50" and not dialog.is_dirty()


def test_open_event_dialog_is_non_blocking_on_a_tab(context, qtbot):
    dialog = open_event_dialog(None, context, context.year["events"]["games"], today=TODAY, tab="results")
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and dialog.testAttribute(Qt.WA_DeleteOnClose)
    assert dialog.current_tab() == "results" and dialog.tabs.tabText(4) == "成绩 (6)"
    assert dialog.title_label.text() == "第3届职工运动会"
    notify_events_changed(context, "测试")
    assert context.messages[-1] == "测试"


def test_unsaved_edits_are_asked_about_when_closing(games):
    games.venue_edit.setText("体育馆")
    assert games.summary_label.text() == "修改尚未保存。"
    games.reject()
    assert games.isVisible() and games.discard_box is not None
    next(b for b in games.discard_box.buttons() if b.text() == "放弃修改").click()
    assert games.result() == QDialog.Rejected and not games.isVisible()


# --- status and voiding --------------------------------------------------------------------------------------
def test_a_planned_event_cannot_be_held_before_its_day_and_may_be_cancelled(context, open_dialog):
    show = context.year["events"]["show"]  # 迎新年文艺汇演, 2026-12-20, planned
    dialog = open_dialog(show)
    assert dialog.status_label.text().endswith("计划</b>") and dialog.held_button.isVisible()
    assert not dialog.mark_held()
    assert dialog.status_message.text() == "开始日期 2026-12-20 晚于今天，活动还不能标为“已举办”"
    assert event_store(context).get(show)["status"] == "计划"

    assert dialog.cancel_event()
    assert event_store(context).get(show)["status"] == "已取消"
    assert dialog.banner.isVisible() and dialog.banner.label.text().startswith("此活动已取消")
    assert not dialog.add_members_button.isEnabled() and not dialog.criteria_button.isEnabled()
    assert dialog.plan_button.isVisible()
    assert dialog.restore_planned() and event_store(context).get(show)["status"] == "计划"
    assert dialog.add_members_button.isEnabled() and not dialog.banner.isVisible()


def test_status_changes_wait_for_unsaved_edits_and_a_held_event_with_results_cannot_be_cancelled(context, games):
    games.notes_edit.setPlainText("改了备注")
    assert not games.restore_planned()
    assert games.status_message.text() == "请先保存修改，再更改活动状态。"
    games.notes_edit.setPlainText("")
    assert games.restore_planned()  # 已举办 → 计划 (its results stay)
    assert not games.cancel_event()
    assert games.status_message.text().startswith("该活动已登记6条成绩，不能标为“已取消”")
    assert games.mark_held() and context.messages[-1] == "活动“第3届职工运动会”已标记为已举办"


def test_voiding_an_event_leaves_it_read_only_under_the_banner(context, games, open_dialog, qtbot):
    void = games.void_event()
    assert not void.ok_button.isEnabled()  # a reason is required
    void.reason_edit.setText("重复录入")
    with qtbot.waitSignal(context.events_changed, timeout=2000):
        void.accept()
    assert games.banner.isVisible() and "作废，原因：重复录入" in games.banner.label.text()
    assert not games.name_edit.isEnabled() and games.save_button.isHidden() and games.void_button.isHidden()
    assert not games.add_item_button.isEnabled() and not games.new_result_button.isEnabled()
    again = open_dialog(context.year["events"]["games"], tab="participants")
    assert again.is_voided and again.banner.isVisible() and not again.add_members_button.isEnabled()
    assert not again.export_button.isEnabled()
    assert again.entries_model.rowCount() == 4  # still readable


# --- items ---------------------------------------------------------------------------------------------------
def test_items_are_added_renamed_reordered_and_voided(context, games):
    games.set_tab("items")
    assert [games.items_model.text(r, "name") for r in range(2)] == ["100米", "拔河"]
    assert [games.items_model.text(r, "entries") for r in range(2)] == ["2 人", "2 队"]
    dialog = games.add_item()
    dialog.name_edit.setText("100米")
    dialog.accept()
    assert dialog.isVisible() and dialog.error_label.text() == "该活动已有名为“100米”的项目"
    dialog.name_edit.setText("4×100米接力")
    dialog.team_check.setChecked(True)
    dialog.accept()
    items = event_items(context.db, games.event_id)
    assert [(i["name"], i["team_item"]) for i in items] == [("100米", 0), ("拔河", 1), ("4×100米接力", 1)]
    assert games.current_item()["name"] == "4×100米接力" and games.tabs.tabText(1) == "项目 (3)"

    assert games.move_item(-1)
    assert [i["name"] for i in event_items(context.db, games.event_id)] == ["100米", "4×100米接力", "拔河"]
    rename = games.rename_item(1)  # as a double-click on the row does
    rename.name_edit.setText("接力")
    rename.accept()
    assert games.items_model.text(1, "name") == "接力"
    assert games.toggle_team_item() and games.items_model.text(1, "type") == "个人项目"

    games.items_table.selectRow(0)  # 100米 has individual entries: it cannot become a team item
    assert games.team_item_button.text() == "改为团体项目"
    assert not games.toggle_team_item()
    assert games.items_hint.text().startswith("项目“100米”已有2个个人报名，不能改为团体项目")
    void = games.void_item()  # 100米 has results
    void.reason_edit.setText("不比了")
    void.accept()
    assert void.isVisible() and void.error_label.text() == "项目“100米”已有3条成绩，请先作废这些成绩，再作废项目"
    void.reject()
    games.items_table.selectRow(1)
    void = games.void_item()
    void.reason_edit.setText("场地不够")
    void.accept()
    assert [i["name"] for i in event_items(context.db, games.event_id)] == ["100米", "拔河"]


# --- teams ---------------------------------------------------------------------------------------------------
def test_a_team_with_its_captain_is_entered_and_counts_each_member(context, open_dialog):
    event_id = held_event(context)
    store = event_store(context)
    store.add_item(event_id, "跳远")
    store.add_item(event_id, "拔河", team_item=True)
    dialog = open_dialog(event_id, tab="teams")

    team = dialog.new_team()
    assert isinstance(team, TeamDialog) and not team.ok_button.isEnabled()
    assert team.enter_combo.currentText() == "拔河"  # the team item is offered at once
    team.name_edit.setText("一车间队")
    team.sub_unit_combo.setCurrentIndex(team.sub_unit_combo.findData(context.year["units"]["一车间"]))
    team.choose_members()
    pick(team, "张三", "李四", "周九")
    assert [m["name"] for m in team.members_model.rows] == ["李四", "张三", "周九"]  # in the roll's order
    team.select_member(context.year["people"]["周九"])
    assert team.remove_selected() == 1
    team.select_member(context.year["people"]["李四"])
    team.set_captain_selected()
    assert team.count_label.text() == "共 2 人，队长：李四"
    team.accept()
    assert not team.isVisible()

    teams = event_teams(context.db, event_id)
    assert [(t["name"], t["captain_name"], t["sub_unit_path"], len(t["members"])) for t in teams] == [
        ("一车间队", "李四", "一车间", 2)]
    assert dialog.teams_model.text(0, "captain") == "李四" and dialog.teams_model.text(0, "entries") == "拔河"
    assert dialog.teams_model.text(0, "count") == "2 人"

    dialog.set_tab("participants")
    assert entry_texts(dialog) == [("拔河", "团体", "一车间队", "2")]
    tip = dialog.entries_model.index(0, dialog.entries_model.column_index["name"]).data(Qt.ToolTipRole)
    assert tip.splitlines()[:3] == ["一车间队：2 名队员", "　李四（队长，一车间）", "　张三（一车间/甲班）"]
    # 张三 also runs 跳远 on his own: 3 人次, 2 人, 1 支队伍
    dialog.set_entry_item(event_items(context.db, event_id)[0]["id"])
    dialog.choose_members()
    assert dialog.picker_item_combo.currentText() == "跳远"
    pick(dialog, "张三")
    dialog.set_entry_item(ALL_ITEMS)
    assert entry_texts(dialog) == [("跳远", "个人", "张三", "1"), ("拔河", "团体", "一车间队", "2")]
    assert dialog.entries_totals_label.text() == "共 3 人次，2 人，1 支队伍"
    assert dialog.tabs.tabText(3) == "参加人员 (3人次)"

    edit = dialog.edit_team(0)  # a double-click on the team
    edit.choose_members()
    pick(edit, "王五")
    edit.set_captain(context.year["people"]["王五"])
    edit.accept()
    team = event_teams(context.db, event_id)[0]
    assert team["captain_name"] == "王五" and [m["name"] for m in team["members"]][0] == "王五"
    assert dialog.entries_totals_label.text() == "共 4 人次，3 人，1 支队伍"


def test_a_team_is_entered_once_per_item_and_voided_with_its_entries(context, games):
    games.set_tab("teams")
    games.teams_table.selectRow(0)
    assert games.current_team()["name"] == "一车间队"
    enter = games.enter_team()
    assert enter.item_combo.currentText() == "拔河"
    enter.accept()
    assert enter.isVisible() and enter.error_label.text() == "队伍“一车间队”已报名该项目"
    enter.reject()
    void = games.void_team()
    void.reason_edit.setText("弃权")
    void.accept()
    assert [t["name"] for t in event_teams(context.db, games.event_id)] == ["行政部队"]
    assert [r["name"] for r in award_rows(context.db, games.event_id) if r["kind"] == "团体"] == ["行政部队"]
    assert games.entries_totals_label.text() == "共 3 人次，3 人，1 支队伍"


# --- participants ----------------------------------------------------------------------------------------------
def test_members_are_added_with_the_picker_and_status_warnings(context, open_dialog):
    event_id = held_event(context, "职工观影", day="2026-07-01")
    dialog = open_dialog(event_id, tab="participants")
    assert dialog.entries_model.rowCount() == 0 and dialog.entry_item_combo.isHidden()  # no items
    picker = dialog.choose_members()
    assert picker.windowTitle() == "添加参加人员 - 职工观影"
    pick(dialog, "张三", "赵六")
    assert dialog.last_add_result.added == 2
    assert dialog.add_result_label.text() == ("新增 2 人，已在名单 0 人。\n请注意：赵六在 2026-07-01 的会员状态为“退休”"
                                              "（已照常报名）")
    assert sorted(r[2] for r in entry_texts(dialog)) == ["张三", "赵六"]
    assert dialog.entries_totals_label.text() == "共 2 人次，2 人"
    again = dialog.choose_members()
    assert context.year["people"]["张三"] in again.exclude  # greyed out: already entered


def test_members_are_added_by_criteria_all_women_of_a_sub_unit(context, open_dialog):
    event_id = held_event(context, "三八节健步走", day="2026-07-01")
    dialog = open_dialog(event_id, tab="participants")
    criteria = dialog.add_by_criteria()
    assert isinstance(criteria, CriteriaDialog) and criteria.label_edit.text() == "全体会员"
    criteria.set_unit(context.year["units"]["行政部"])
    criteria.set_choice(criteria.sex_combo, "女")
    assert criteria.count == 1 and criteria.label_edit.text() == "行政部女会员"  # 吴十 (钱七 voided, 赵六 退休)
    criteria.set_choice(criteria.status_combo, ("在册", "退休"))
    assert criteria.count == 2 and criteria.label_edit.text() == "行政部在册和退休的女会员"
    assert "2</b> 人" in criteria.count_label.text()
    criteria.accept()
    assert not criteria.isVisible()
    assert dialog.add_result_label.text() == ("新增 2 人，已在名单 0 人。\n请注意：赵六在 2026-07-01 的会员状态为“退休”"
                                              "（已照常报名）")
    names = {dialog.entries_model.text(r, "name"): dialog.entries_model.text(r, "source")
             for r in range(dialog.entries_model.rowCount())}
    assert names == {"吴十": "行政部在册和退休的女会员", "赵六": "行政部在册和退休的女会员"}

    # 一车间 with its 甲班: the men on the roll are 张三 and 周九 (孙八 转出); without the sub-units none
    criteria = dialog.add_by_criteria()
    criteria.set_unit(context.year["units"]["一车间"])
    criteria.set_choice(criteria.sex_combo, "男")
    assert criteria.count == 2
    criteria.descendants_check.setChecked(False)
    assert criteria.count == 0 and not criteria.ok_button.isEnabled()
    criteria.descendants_check.setChecked(True)
    criteria.label_edit.setText("")
    assert not criteria.ok_button.isEnabled()  # a 报名说明 is required
    criteria.label_edit.setText("一车间男职工")
    criteria.accept()
    assert dialog.add_result_label.text() == ("新增 2 人，已在名单 0 人。\n请注意：周九在 2026-07-01 尚未入会"
                                              "（已照常报名）")  # he joined on 10-01
    criteria = dialog.add_by_criteria()
    criteria.set_unit(context.year["units"]["甲班"])
    criteria.accept()  # 张三 and 周九 again
    assert dialog.add_result_label.text() == "新增 0 人，已在名单 2 人"
    assert dialog.entries_totals_label.text() == "共 4 人次，4 人"


def test_the_item_filter_and_the_search(games, qtbot):
    games.set_tab("participants")
    assert [r[2] for r in entry_texts(games)] == ["李四", "张三", "一车间队", "行政部队"]
    games.set_entry_item(games.items[1]["id"])  # 拔河
    assert [r[2] for r in entry_texts(games)] == ["一车间队", "行政部队"]
    assert games.entries_totals_label.text() == "当前列出 2 条报名。全活动共 5 人次，3 人，2 支队伍"
    games.set_entry_item(ALL_ITEMS)
    games.entry_search_edit.setText("王五")  # a team member: his team is found
    qtbot.waitUntil(lambda: [r[2] for r in entry_texts(games)] == ["行政部队"], timeout=3000)


def test_cancelling_an_entry_voids_its_results(context, games):
    games.set_tab("participants")
    zhang = context.year["entries"]["张三"]
    games.entries_table.selectRow(games.entries_model.row_of(zhang))
    assert games.selected_entry_ids() == [zhang]
    void = games.void_entries()
    assert "张三" in void.findChildren(type(games.title_label))[0].text()
    void.reason_edit.setText("因病未参赛")
    void.accept()
    assert [r[2] for r in entry_texts(games)] == ["李四", "一车间队", "行政部队"]
    voided = context.db.execute("SELECT count(*) FROM event_results WHERE participant_id = ? AND voided_at IS NOT NULL",
                                [zhang]).fetchone()[0]
    assert voided == 2  # 初赛 and 决赛
    assert "张三" not in [games.results_model.text(r, "name") for r in range(games.results_model.rowCount())]
    assert games.tabs.tabText(4) == "成绩 (4)"


# --- results -----------------------------------------------------------------------------------------------
def test_a_result_with_promotion_and_the_upstream_result(context, open_dialog):
    event_id = held_event(context, "职工技能大赛", day="2026-09-20", edition=5)
    store = event_store(context)
    item = store.add_item(event_id, "焊工")
    entry = store.add_members(event_id, [context.year["people"]["张三"]], item_id=item).entry_ids[0]
    dialog = open_dialog(event_id, tab="results")
    assert dialog.results_totals_label.text() == "还没有登记成绩"

    result = dialog.new_result()
    assert isinstance(result, ResultDialog) and result.title_label.text() == "录入成绩 - 第5届职工技能大赛"
    assert not result.save_button.isEnabled() and result.chosen_label.text() == "请在上表中选择获奖的参赛人员或队伍。"
    assert result.select_entry(entry)
    assert "已选：<b>张三</b>（焊工，一车间/甲班）" in result.chosen_label.text()
    assert not result.upstream_round_edit.isEnabled()  # until 推荐参加上级比赛 is ticked
    result.rank_edit.setText("第一")
    result.rank_edit.editingFinished.emit()
    assert result.messages["rank"].text() == "名次应为不小于1的整数，或不填" and not result.save_button.isEnabled()
    result.rank_edit.setText("1")
    result.stage_combo.setCurrentIndex(result.stage_combo.findData("决赛"))
    result.grade_combo.setCurrentIndex(result.grade_combo.findData("一等奖"))
    result.prize_edit.setText("500")
    result.promoted_check.setChecked(True)
    assert result.upstream_round_edit.isEnabled()
    result.upstream_round_edit.setText("市级决赛")
    result.upstream_result_combo.setCurrentText("二等奖")
    assert result.save_button.isEnabled()
    result_id = result.save()
    assert not result.isVisible()
    row = store.get_result(result_id)
    assert (row["participant_id"], row["stage"], row["rank"], row["grade"], row["prize_fen"], row["promoted"],
            row["upstream_round"], row["upstream_result"]) == (entry, "决赛", 1, "一等奖", 50000, 1, "市级决赛", "二等奖")
    model = dialog.results_model
    assert [model.text(0, k) for k in ("item", "stage", "rank", "name", "grade", "prize", "upstream")] == [
        "焊工", "决赛", "第1名", "张三", "一等奖", "500", "市级决赛：二等奖"]
    assert dialog.results_totals_label.text() == ("共 1 条成绩，获奖 1 人次（1 人），奖金合计 500 元；"
                                                  "推荐参加上级比赛 1 人次")

    again = dialog.new_result()  # the same entry and stage a second time
    again.select_entry(entry)
    again.stage_combo.setCurrentIndex(again.stage_combo.findData("决赛"))
    again.rank_edit.setText("2")
    assert again.messages["stage"].text() == "该参赛人员/队伍在“决赛”已有成绩，请修改原成绩"
    again.done(QDialog.Rejected)

    edit = dialog.edit_result(0)  # a double-click on the row
    assert edit.participant_id() == entry and edit.upstream_round_edit.text() == "市级决赛"
    edit.promoted_check.setChecked(False)  # the upstream fields are cleared with it
    edit.prize_edit.setText("1,200")
    assert edit.save() == result_id
    row = store.get_result(result_id)
    assert (row["promoted"], row["upstream_round"], row["prize_fen"]) == (0, "", 120000)
    assert dialog.results_model.text(0, "upstream") == ""


def test_an_award_to_a_unit_without_an_entry(context, games):
    result = games.new_result()
    result.who_buttons["awardee"].setChecked(True)
    result.awardee_combo.setCurrentText("一车间")
    result.grade_combo.setCurrentIndex(result.grade_combo.findData("组织奖"))
    result.prize_edit.setText("200")
    result.save()
    units = [(r["name"], r["grade"]) for r in award_rows(context.db, games.event_id) if r["kind"] == "单位"]
    assert sorted(units) == [("一车间", "组织奖"), ("行政部", "组织奖")]
    assert games.results_model.text(games.results_model.rowCount() - 1, "item") == "（单位奖项）"


def test_results_are_refused_on_a_planned_or_cancelled_event_inside_the_dialog(context, open_dialog):
    show = open_dialog(context.year["events"]["show"], tab="results")
    assert show.results_hint.text() == "活动“迎新年文艺汇演”2026-12-20 才开始，还不能登记成绩"
    result = show.new_result()
    assert result.isVisible() and result.banner.isVisible()
    assert result.banner.label.text() == "活动“迎新年文艺汇演”2026-12-20 才开始，还不能登记成绩"
    assert not result.save_button.isEnabled() and result.save() is None
    hike = open_dialog(context.year["events"]["hike"], tab="results")
    result = hike.new_result()
    assert result.banner.label.text() == "活动“秋季登山”已取消，不能登记成绩"


def test_voiding_a_result(context, games):
    games.set_tab("results")
    row = next(r for r in range(games.results_model.rowCount()) if games.results_model.text(r, "name") == "李四")
    games.results_table.selectRow(row)
    void = games.void_result()
    void.reason_edit.setText("录错")
    void.accept()
    assert "李四" not in [games.results_model.text(r, "name") for r in range(games.results_model.rowCount())]
    assert event_figures(context.db, [games.event_id])[games.event_id].results == 5


# --- export and print ----------------------------------------------------------------------------------------
def test_the_award_list_is_exported_through_the_page(context, games, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "获奖"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    games._fill_list_menu(games.export_menu, games.start_export)
    titles = [a.text() for a in games.export_menu.actions()]
    assert titles == ["参加人员名单", "获奖名单…", "签到表"]  # per-item lists in submenus
    dialog = games.start_export("awards")
    assert dialog is games.export_dialog and dialog.mask_check is None  # nothing to mask
    dialog.prepared_by_edit.setText("刘干事")
    dialog.accept()
    qtbot.waitUntil(lambda: games.export_job is not None and not Job._running, timeout=10000)
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(target.with_suffix(".xlsx")).active.iter_rows()]
    assert rows[0][0] == f"第3届职工运动会{AWARDS_TITLE}"
    body = {r[4]: r for r in rows if isinstance(r[0], int)}
    assert body["张三"][1:4] == ["100米", "决赛", 1] and body["张三"][6] == "一等奖"
    assert body["张三"][8:10] == ["市级决赛", "二等奖"]
    assert body["一车间队（李四、张三）"][6] == "团体第一名"
    texts = [str(r[0]) for r in rows if r[0] is not None]
    assert any(t.startswith("合计：获奖 ") for t in texts) and any("刘干事" in t for t in texts)
    assert games._prepared_by == "刘干事" and context.messages[-1].startswith("已导出获奖名单")


def test_the_sign_in_sheet_of_one_item_is_printed(games, qtbot, monkeypatch):
    from gonghui_desk.ui import printing

    shown = []
    monkeypatch.setattr(printing, "print_preview", lambda parent, table: shown.append(table))
    games.start_print("signin", games.items[1]["id"])  # 拔河: the teams' members sign
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    table = shown[0]
    assert table.title == f"第3届职工运动会{SIGNIN_TITLE}" and not table.landscape
    assert [c.label for c in table.columns][:2] == ["序号", "姓名"] and "签名" in [c.label for c in table.columns]
    assert sorted(row[1] for row in table.rows) == sorted(["张三", "李四", "王五"])
    shown.clear()
    games.start_print("awards")
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert shown[0].landscape and len(shown[0].rows) == 6


# --- on demo data -------------------------------------------------------------------------------------------------
@pytest.fixture
def demo_context(qtbot, tmp_path):
    path = tmp_path / "demo.sqlite3"
    ctx = AppContext(path)
    demo.generate_demo(ctx.db, kind="company", members=400, seed=5, today=TODAY)
    yield ctx
    ctx.close()


def test_every_tab_shows_the_demo_contest(demo_context, qtbot):
    contest = demo_context.db.execute("SELECT id FROM events WHERE name = '职工技能大赛' AND start_date LIKE '2026%'"
                                      ).fetchone()[0]
    dialog = EventDialog(demo_context, contest, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    figures = event_figures(demo_context.db, [contest])[contest]
    for key in ("details", "items", "teams", "participants", "results"):
        dialog.set_tab(key)
        assert dialog.current_tab() == key and not dialog.grab().isNull()
    assert dialog.entries_model.rowCount() == figures.person_times
    assert dialog.results_model.rowCount() == figures.results > 0
    assert dialog.figures_label.text().startswith(f"本活动：项目 {len(dialog.items)} 个；报名 {figures.person_times} 人次")
    promoted = [r for r in range(dialog.results_model.rowCount()) if dialog.results_model.text(r, "upstream")]
    assert promoted  # the 一等奖 winners sent on to the city's contest
    dialog.results_table.selectRow(promoted[0])
    edit = dialog.edit_result()
    assert edit.promoted_check.isChecked() and edit.upstream_round_edit.text()
    edit.done(QDialog.Rejected)
