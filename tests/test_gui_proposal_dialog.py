"""The proposal dialog (提案): filing with its generated number, the inline errors and the amber warnings (a
non-delegate proposer, too few co-signers), the people pickers with the delegates first; the review with every
refusal shown inline (不立案 without a reason, a change refused while handled), a merge linked both ways that
opens the other proposal; a split through its dialog (its refusals inline, the parts linked both ways and
opened from the links, the proposals that cannot be split saying why); assignment, reply, a 不满意 rating, the second round and 已办结; the overdue banner;
voiding (and its refusal); the unsaved-changes prompt; printing the 提案表; and every state rendered on the demo
databases (school and company) for a look.

The congress of ``tests.test_congress_store.make_congress`` is the data: term 3 with session 2 held on
2026-03-12; 张三, 李四, 王五 正式代表, 赵六 列席代表, 周九 elected 2026-01-10, 钱七 left 2026-05-31; 孙八 no delegate.
"""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QDialog

from gonghui_desk import demo
from gonghui_desk.congress.proposals import HandlingInput, ProposalInput, ProposalStore, ReplyInput, ReviewInput
from gonghui_desk.congress.register import ProposalFilter, iter_proposals, proposal_rows
from gonghui_desk.printing import PrintForm, form_texts
from gonghui_desk.ui.app_context import AppContext
from gonghui_desk.ui.dialogs import DONE_BANNER_STYLE, VOID_BANNER_STYLE
from gonghui_desk.ui.proposal_dialog import (NOTICE_BANNER_STYLE, VOIDED_BANNER_STYLE, ProposalDialog,
                                             notify_congress_changed, open_proposal_dialog)
from gonghui_desk.ui.proposal_pickers import DelegatePickerDialog
from gonghui_desk.ui.proposal_split import SplitDialog
from tests.conftest import TODAY
from tests.test_care_visits import add_member
from tests.test_congress_store import make_congress

pytestmark = pytest.mark.usefixtures("no_job_left_running")


@pytest.fixture
def context(empty_context):
    ctx = empty_context
    ctx.congress = make_congress(ctx.db, ctx.members)
    ctx.people = ctx.congress["people"]
    ctx.session = ctx.congress["sessions"][2]
    ctx.messages = []
    ctx.status_message.connect(ctx.messages.append)
    ctx.changes = []
    ctx.congress_changed.connect(lambda: ctx.changes.append(1))
    return ctx


@pytest.fixture
def open_dialog(context, qtbot):
    """open_dialog(proposal_id=None) -> the proposal dialog on ``context`` (session 2 for a new one)."""

    def make(proposal_id=None, **kwargs) -> ProposalDialog:
        kwargs.setdefault("session_id", context.session)
        dialog = ProposalDialog(context, proposal_id, today=TODAY, **kwargs)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


def store(context) -> ProposalStore:
    return ProposalStore(context.db, today=TODAY)


def filed(context, title="关于增设夜班职工热食供应的建议", proposer="张三", cosigners=("李四", "王五"), *,
          review: str = "", **values) -> int:
    """A proposal of session 2 filed through the store (立案 when ``review``)."""
    p, people = store(context), context.people
    proposal_id, _ = p.file(ProposalInput(context.session, title, proposer_member_id=people[proposer],
                                          cosigner_ids=[people[n] for n in cosigners],
                                          submitted_on=values.pop("submitted_on", "2026-03-01"), **values))
    if review:
        p.review(proposal_id, ReviewInput(review, reviewer="提案工作委员会", reviewed_on="2026-03-20"))
    return proposal_id


def status(context, proposal_id: int) -> dict:
    return proposal_rows(context.db, [proposal_id], today=TODAY)[proposal_id]


def pick_proposer(dialog, name: str) -> None:
    """Type the name in the proposer's search box and take the first match, as a user does."""
    picker = dialog.member_picker
    picker.edit.setText(name)
    picker.run_search()
    picker.choose(0)


def visible_text(label) -> str:
    """A message's text when it is shown (on whichever tab it is)."""
    return "" if label.isHidden() else label.text()


# --- filing ------------------------------------------------------------------------------------------------
def test_a_new_proposal_shows_its_generated_number_and_is_checked_as_typed(context, open_dialog):
    dialog = open_dialog()
    assert dialog.windowTitle() == "登记提案" and dialog.session_combo.currentData() == context.session
    assert dialog.number_edit.text() == "第3届第2次-001"
    assert dialog.submitted_edit.text() == "2026-03-12"  # the session's day, which is past
    assert not dialog.tabs.isTabEnabled(1) and not dialog.tabs.isTabEnabled(2)
    assert not dialog.save_button.isEnabled()
    assert dialog.summary_label.text() == "请选择会议，填写案由、提案人和提交日期后保存。"
    assert not dialog.messages["title"].isVisible()  # untouched fields are not scolded
    dialog.title_edit.setText("x")
    dialog.title_edit.clear()
    dialog.title_edit.editingFinished.emit()
    assert visible_text(dialog.messages["title"]) == "请填写案由"
    dialog.submitted_edit.setText("2026/13/1")
    dialog.submitted_edit.editingFinished.emit()
    assert dialog.messages["submitted_on"].isVisible()
    assert dialog.summary_label.text().startswith("有 3 处需要修改后才能保存：")  # title, date, proposer


def test_filing_warns_about_a_non_delegate_proposer_and_too_few_cosigners(context, open_dialog):
    dialog = open_dialog()
    dialog.title_edit.setText("关于改善厂区停车条件的建议")
    dialog.reason_edit.setPlainText("车位紧张")
    dialog.measures_edit.setPlainText("增设停车位")
    dialog.category_combo.setCurrentIndex(dialog.category_combo.findData("生活福利"))
    pick_proposer(dialog, "孙八")
    assert dialog.member_picker.member_id == context.people["孙八"]
    assert dialog.member_picker.info_label.text().startswith("非本届代表 · ")
    assert visible_text(dialog.messages["proposer_member_id"]) == "请注意：孙八在 2026-03-12 不是第3届职代会代表"
    assert visible_text(dialog.messages["cosigner_ids"]) == "请注意：附议人少于2名（现有0名）"
    picker = dialog.add_delegate_cosigners()
    assert isinstance(picker, DelegatePickerDialog)
    assert picker.model.rowCount() == 6  # 张三 李四 钱七 王五 赵六 周九 served on 2026-03-12
    picker.set_search_text("李四")
    assert picker.proxy.rowCount() == 1
    picker.select_members([context.people["李四"]])
    picker.accept()
    assert dialog.cosigner_model.names() == ["李四"]
    assert dialog.cosigner_model.data(dialog.cosigner_model.index(0, 2)) == "本届代表 · 一车间代表团"
    assert visible_text(dialog.messages["cosigner_ids"]) == "请注意：附议人少于2名（现有1名）"
    assert dialog.cosigner_count_label.text() == "共 1 名（至少 2 名）"
    assert dialog.save_button.isEnabled()  # warnings do not block
    assert dialog.summary_label.text() == "有 2 条提醒，核实后可以照常保存。"

    assert dialog.save() is not None
    proposal = store(context).get(dialog.proposal_id)
    assert (proposal["number"], proposal["title"], proposal["reason"], proposal["measures"], proposal["category"],
            proposal["proposer_member_id"], proposal["submitted_on"]) == (
        "第3届第2次-001", "关于改善厂区停车条件的建议", "车位紧张", "增设停车位", "生活福利", context.people["孙八"],
        "2026-03-12")
    assert store(context).cosigner_ids(dialog.proposal_id) == [context.people["李四"]]
    assert dialog.summary_label.text() == ("已保存。请注意：孙八在 2026-03-12 不是第3届职代会代表；"
                                           "附议人少于2名（现有1名）")
    assert visible_text(dialog.messages["proposer_member_id"]) == "请注意：孙八在 2026-03-12 不是第3届职代会代表"
    assert dialog.windowTitle() == "提案 第3届第2次-001" and dialog.isVisible()  # stays open on the proposal
    assert dialog.tabs.isTabEnabled(1) and dialog.tabs.isTabEnabled(2)
    assert "待审查" in dialog.status_chip.text()
    assert context.changes and context.messages[-1] == "已登记提案 第3届第2次-001：关于改善厂区停车条件的建议"
    assert dialog.close_button.text() == "关闭" and not dialog.is_dirty()


def test_the_number_can_be_typed_and_must_be_unique(context, open_dialog):
    filed(context)
    dialog = open_dialog()
    assert dialog.number_edit.text() == "第3届第2次-002"
    dialog.number_edit.setText("第3届第2次-001")
    dialog.number_edit.editingFinished.emit()
    assert visible_text(dialog.messages["number"]) == "本次会议已有编号为“第3届第2次-001”的提案"
    dialog.number_edit.setText("2026-甲-01")
    dialog.title_edit.setText("关于开展职工技能比武的建议")
    pick_proposer(dialog, "王五")
    dialog.add_delegate_cosigners()
    dialog.picker.select_members([context.people["张三"], context.people["李四"]])
    dialog.picker.accept()
    assert not dialog.messages["proposer_member_id"].isVisible() and not dialog.messages["cosigner_ids"].isVisible()
    assert dialog.summary_label.text() == ""
    dialog.save()
    assert store(context).get(dialog.proposal_id)["number"] == "2026-甲-01"
    assert dialog.summary_label.text() == "已保存。"


def test_the_proposer_search_lists_delegates_first_and_a_delegation_may_propose(context, open_dialog):
    add_member(context.members, "艾三")  # sorts before 张三 by name, but is no delegate
    dialog = open_dialog()
    dialog.title_edit.setText("关于改善一车间通风条件的建议")
    picker = dialog.member_picker
    picker.edit.setText("三")
    picker.run_search()
    rows = [picker.model.index(r, 0).data() for r in range(picker.model.rowCount())]
    assert rows[0].startswith("张三") and "本届代表 · 一车间代表团" in rows[0]
    assert rows[1].startswith("艾三") and "非本届代表" in rows[1]
    chooser = dialog.choose_proposer()
    assert chooser.table.selectionMode() == chooser.table.SelectionMode.SingleSelection
    chooser.select_members([context.people["赵六"]])
    chooser.accept()
    assert picker.member_id == context.people["赵六"] and picker.info_label.text().startswith("列席代表 · 机关代表团")
    # 添加其他会员…: any member, a non-delegate co-signer warned about
    others = dialog.add_member_cosigners()
    others.set_search_text("孙八")
    others.select_rows([0])
    others.accept()
    assert dialog.cosigner_model.names() == ["孙八"]
    assert dialog.cosigner_model.data(dialog.cosigner_model.index(0, 2)) == "非本届代表"
    assert "附议人孙八在 2026-03-12 不是第3届职代会代表" in dialog.messages["cosigner_ids"].text()
    dialog.cosigner_table.selectRow(0)
    dialog.remove_cosigners()
    assert dialog.cosigner_model.names() == []
    # a delegation proposes without co-signers
    dialog.text_radio.setChecked(True)
    dialog.proposer_text_edit.setText("一车间代表团")
    assert not dialog.messages["cosigner_ids"].isVisible() and dialog.cosigner_count_label.text() == "共 0 名"
    dialog.save()
    proposal = store(context).get(dialog.proposal_id)
    assert (proposal["proposer_member_id"], proposal["proposer_text"]) == (None, "一车间代表团")
    assert dialog.text_radio.isChecked() and dialog.proposer_text_edit.text() == "一车间代表团"


def test_without_sessions_the_form_says_so(empty_context, qtbot):
    dialog = ProposalDialog(empty_context, today=TODAY)
    qtbot.addWidget(dialog)
    assert dialog.session_combo.currentText() == "（还没有会议，请先在“届次与代表”中添加届次和会议）"
    assert dialog.number_edit.text() == "" and not dialog.save_button.isEnabled()
    dialog.show()
    assert dialog.save() is None
    assert visible_text(dialog.messages["session_id"]) == "请选择会议"


# --- review -------------------------------------------------------------------------------------------------
def test_not_registering_needs_a_reason_shown_inline(context, open_dialog):
    proposal_id = filed(context)
    dialog = open_dialog(proposal_id)
    assert dialog.current_tab() == "proposal"  # 待审查 opens on the proposal itself
    review = dialog.review
    assert review.outcome() == "" and not review.reason_edit.isEnabled()
    review.outcome_buttons["不立案"].setChecked(True)
    assert review.reason_caption.text() == "不立案理由 *：" and review.date_edit.text() == TODAY.isoformat()
    assert review.is_dirty() and dialog.is_dirty()
    assert not review.save()
    assert visible_text(review.messages["review_reason"]) == "不立案时请填写理由"
    assert store(context).get(proposal_id)["review"] == ""
    review.reason_edit.setPlainText("所提事项属于行政日常管理范围")
    review.reviewer_edit.setText("提案工作委员会")
    review.date_edit.setText("2026-03-20")
    assert review.save()
    row = store(context).get(proposal_id)
    assert (row["review"], row["review_reason"], row["reviewer"], row["reviewed_on"]) == (
        "不立案", "所提事项属于行政日常管理范围", "提案工作委员会", "2026-03-20")
    assert not review.messages["review_reason"].isVisible() and not dialog.is_dirty()
    assert "不立案" in dialog.status_chip.text()
    assert context.messages[-1] == "提案 第3届第2次-001 审查结果：不立案"
    assert dialog.handling_hint.text() == "提案立案后才能交办。当前审查结果：不立案。<a href='review'>到“审查”页</a>"
    dialog.set_tab("proposal")
    dialog.handling_hint.linkActivated.emit("review")
    assert dialog.current_tab() == "review"
    assert not dialog.rounds_tabs.isVisible()


def test_a_merge_links_both_proposals_and_opens_the_other(context, open_dialog):
    target = filed(context, "关于增设职工健身房的建议", review="立案")
    other = filed(context, "关于建设职工活动室的建议", proposer="王五", cosigners=("张三", "李四"))
    dialog = open_dialog(other)
    review = dialog.review
    review.outcome_buttons["并案"].setChecked(True)
    assert not review.merge_combo.isHidden()
    assert [review.merge_combo.itemData(i) for i in range(review.merge_combo.count())] == [None, target]
    assert not review.save()
    assert visible_text(review.messages["merged_into_id"]) == "请选择要并入的提案"
    review.merge_combo.setCurrentIndex(review.merge_combo.findData(target))
    review.reason_edit.setPlainText("与第3届第2次-001所提事项相近")
    assert review.save()
    assert store(context).get(other)["merged_into_id"] == target
    assert "已并案" in dialog.status_chip.text()
    assert dialog.banner.isVisible() and "本提案已并入提案" in dialog.banner.label.text()
    assert "第3届第2次-001" in visible_text(review.merged_into_label)

    linked = dialog.open_linked(target)  # as the link does
    assert dialog.linked_dialog is linked and linked.proposal_id == target and linked.isVisible()
    assert "并入本提案的提案（1件）" in linked.review.merged_from_label.text()
    assert "第3届第2次-002" in linked.review.merged_from_label.text()
    linked.review.merged_from_label.linkActivated.emit(str(other))  # back again, through the link
    assert linked.linked_dialog.proposal_id == other
    linked.linked_dialog.close()
    # the target keeps 立案 while a proposal is merged into it: the store's refusal shows in the section
    linked.review.outcome_buttons[""].setChecked(True)  # 待审查
    assert not linked.review.save()
    assert visible_text(linked.review.message_label) == ("已有1件提案并入提案 第3届第2次-001，不能改回待审查；"
                                                         "请先修改这些提案的审查结果")
    linked.done(QDialog.Rejected)
    dialog.banner.label.linkActivated.emit(str(target))  # the banner's link opens it too
    assert dialog.linked_dialog.proposal_id == target


def test_a_split_through_its_dialog_links_the_parts_both_ways(context, open_dialog):
    original = filed(context, "关于改善职工食堂伙食和增设停车位的建议", category="生活福利")
    dialog = open_dialog(original)
    dialog.set_tab("review")
    review = dialog.review
    assert review.split_button.isVisible() and not review.links_box.isVisible()
    review.split_button.click()
    split = dialog.split_dialog
    assert isinstance(split, SplitDialog) and split.isVisible() and split.windowTitle() == "拆分提案 第3届第2次-001"
    [first] = split.parts
    assert first.category_combo.currentData() == "生活福利"  # the original's, to start with
    assert not first.remove_button.isVisibleTo(first)  # one part at least
    # refusals stay in the dialog, under the part's field
    assert split.split() is None
    assert visible_text(first.messages["title"]) == "请填写案由"
    assert visible_text(split.message_label) == "未拆分，请按提示修改。"
    assert store(context).split_ids(original) == [] and split.isVisible()
    first.title_edit.setText("关于增设厂区停车位的建议")
    first.reason_edit.setPlainText("车位紧张")
    second = split.add_part()
    extra = split.add_part()
    assert [box.title() for box in split.parts] == ["拆分出的第1件", "拆分出的第2件", "拆分出的第3件"]
    assert split.count_label.text() == "将拆分出 3 件新提案；原提案保留。"
    extra.remove_button.click()
    assert split.parts == [first, second] and split.parts[1].title() == "拆分出的第2件"
    second.title_edit.setText("关于延长食堂供餐时间的建议")
    second.category_combo.setCurrentIndex(second.category_combo.findData("工作环境"))
    ids = split.split()
    assert ids and not split.isVisible()
    p = store(context)
    assert p.split_ids(original) == ids
    rows = proposal_rows(context.db, ids, today=TODAY)
    assert [(rows[i]["number"], rows[i]["title"], rows[i]["category"], rows[i]["reason"]) for i in ids] == [
        ("第3届第2次-002", "关于增设厂区停车位的建议", "生活福利", "车位紧张"),
        ("第3届第2次-003", "关于延长食堂供餐时间的建议", "工作环境", "")]
    assert all(rows[i]["cosigner_ids"] == [context.people["李四"], context.people["王五"]] for i in ids)
    assert context.messages[-1] == "提案 第3届第2次-001 已拆分出2件提案：第3届第2次-002、第3届第2次-003"
    assert context.changes
    # the review tab links the parts; the officer is told the original's 案由 may be corrected
    assert review.links_box.isVisible() and review.links_box.title() == "拆分情况"
    assert visible_text(review.split_parts_label).startswith("拆分出（2件）：")
    assert "第3届第2次-002" in review.split_parts_label.text() and "第3届第2次-003" in review.split_parts_label.text()
    assert visible_text(review.message_label).startswith("已拆分出2件提案：第3届第2次-002、第3届第2次-003。")
    assert store(context).get(original)["title"] == "关于改善职工食堂伙食和增设停车位的建议"  # the original stays

    # a link opens the part, whose banner and review tab say where it came from…
    review.split_parts_label.linkActivated.emit(str(ids[0]))
    part = dialog.linked_dialog
    assert part.proposal_id == ids[0] and part.isVisible()
    assert "本提案由提案" in part.banner.label.text() and "拆分而来" in part.banner.label.text()
    assert "第3届第2次-001" in visible_text(part.review.split_from_label)
    assert not part.review.split_parts_label.isVisible()
    # …and its links lead back to the original
    part.review.split_from_label.linkActivated.emit(str(original))
    assert part.linked_dialog.proposal_id == original
    part.linked_dialog.close()
    part.banner.label.linkActivated.emit(str(original))
    assert part.linked_dialog.proposal_id == original


def test_a_proposal_that_cannot_be_split_says_why(context, open_dialog):
    target = filed(context, "关于增设职工健身房的建议", review="立案")
    merged = filed(context, "关于建设职工活动室的建议", proposer="王五", cosigners=("张三", "李四"))
    store(context).review(merged, ReviewInput("并案", merged_into_id=target, reviewed_on="2026-03-20"))
    dialog = open_dialog(merged)
    assert not dialog.review.request_split() and dialog.split_dialog is None
    assert visible_text(dialog.review.message_label) == ("提案 第3届第2次-002 已并入提案 第3届第2次-001，不能拆分；"
                                                         "如确需拆分，请先修改它的审查结果")
    dialog = open_dialog(target)
    dialog.review.split_button.click()
    assert dialog.split_dialog is None
    assert visible_text(dialog.review.message_label) == "已有1件提案并入提案 第3届第2次-001，不能拆分；请先修改这些提案的审查结果"
    # a voided proposal has no split button
    voided = filed(context)
    store(context).void(voided, "重复录入")
    dialog = open_dialog(voided)
    assert not dialog.review.split_button.isVisibleTo(dialog.review) and dialog.start_split() is None


def test_closing_the_split_dialog_with_typed_parts_asks_first(context, open_dialog):
    dialog = open_dialog(filed(context))
    split = dialog.start_split()
    split.reject()
    assert not split.isVisible()  # nothing typed: closes at once
    split = dialog.start_split()
    split.parts[0].title_edit.setText("关于增设停车位的建议")
    split.reject()
    assert split.isVisible() and split.discard_box is not None
    next(b for b in split.discard_box.buttons() if b.text() == "放弃修改").click()
    assert not split.isVisible() and store(context).split_ids(dialog.proposal_id) == []


# --- handling, reply, rating, second round ------------------------------------------------------------------------
def test_the_whole_flow_from_filing_to_rating(context, open_dialog):
    dialog = open_dialog()
    dialog.title_edit.setText("关于降低冲压车间噪声的建议")
    pick_proposer(dialog, "张三")
    dialog.add_delegate_cosigners()
    dialog.picker.select_members([context.people["李四"], context.people["王五"]])
    dialog.picker.accept()
    proposal_id = dialog.save()
    number = store(context).get(proposal_id)["number"]

    dialog.set_tab("review")
    dialog.review.outcome_buttons["立案"].setChecked(True)
    dialog.review.reviewer_edit.setText("提案工作委员会")
    dialog.review.date_edit.setText("2026-03-20")
    assert dialog.review.save()
    assert "待交办" in dialog.status_chip.text()
    assert not dialog.rounds_tabs.isHidden() and dialog.rounds_tabs.tabText(0) == "交办"
    [panel] = dialog.round_panels
    assert panel.is_new and panel.assign_button.text() == "交办" and not panel.reply_box.isVisibleTo(panel)

    # 交办: a refusal under its field, then the round
    assert not panel.save_assignment()
    assert visible_text(panel.messages["lead_department"]) == "请选择主办部门"
    panel.lead_combo.setCurrentIndex(panel.lead_combo.findData("安全生产部"))
    panel.co_list.set_checked(["工会", "财务部"])
    panel.leader_edit.setText("王副总经理")
    panel.assigned_edit.setText("2026-03-25")
    panel.deadline_edit.setText("2026-03-01")
    assert not panel.save_assignment()
    assert visible_text(panel.messages["deadline"]) == "办理期限 2026-03-01 早于交办日期 2026-03-25"
    panel.deadline_edit.setText("2026-06-30")
    panel.assign_button.click()
    [handling] = store(context).handlings(proposal_id)
    assert (handling["lead_department"], handling["co_departments"], handling["leader"], handling["assigned_on"],
            handling["deadline"]) == ("安全生产部", ["财务部", "工会"], "王副总经理", "2026-03-25", "2026-06-30")
    assert context.messages[-1] == f"提案 {number} 已交办安全生产部"
    # the deadline has passed without a reply: overdue, in red with the deadline
    assert "逾期" in dialog.status_chip.text()
    assert dialog.banner.styleSheet() == VOID_BANNER_STYLE
    assert "第1轮办理期限为 2026-06-30" in dialog.banner.label.text() and "已逾期" in dialog.banner.label.text()

    # 答复: 暂不能解决 needs its reason
    [panel] = dialog.round_panels
    assert not panel.is_new and panel.assign_button.text() == "保存交办信息"
    panel.reply_edit.setPlainText("已安排隔音改造，资金下年度列支。")
    panel.replied_edit.setText("2026-07-10")
    panel.result_combo.setCurrentIndex(panel.result_combo.findData("暂不能解决"))
    assert panel.result_reason_edit.isVisibleTo(panel)
    assert not panel.save_reply()
    assert visible_text(panel.messages["result_reason"]) == "办理结果为“暂不能解决”时请填写原因"
    panel.result_combo.setCurrentIndex(panel.result_combo.findData("正在解决"))
    assert not panel.result_reason_edit.isVisibleTo(panel)
    assert panel.save_reply()
    assert store(context).latest_handling(proposal_id)["result"] == "正在解决"
    assert "已答复" in dialog.status_chip.text() and not dialog.banner.isVisible()

    # 不满意, then 再次交办 from the banner
    panel.rating_buttons["不满意"].setChecked(True)
    panel.rated_edit.setText("2026-07-20")
    panel.rating_notes_edit.setText("没有明确的完成时间")
    assert panel.save_rating()
    latest = store(context).latest_handling(proposal_id)
    assert (latest["rating"], latest["rated_on"], latest["rating_notes"]) == ("不满意", "2026-07-20", "没有明确的完成时间")
    assert "不满意" in dialog.status_chip.text()
    assert dialog.banner.styleSheet() == NOTICE_BANNER_STYLE and dialog.banner_button.isVisible()
    assert dialog.banner_button.text() == "再次交办（第2轮）…"
    panel = dialog.round_panels[0]
    assert panel.second_round_button.isVisibleTo(panel)
    assert panel.reply_hint.text() == "提案人已评价，答复不能再修改；确需修改请先清除评价。"
    dialog.banner_button.click()
    assert dialog.current_tab() == "handling" and len(dialog.round_panels) == 2
    second = dialog.round_panels[1]
    assert second.is_new and second.round_number == 2 and second.assign_button.text() == "交办第2轮"
    assert second.lead_combo.currentData() == "安全生产部" and second.co_list.checked() == ["财务部", "工会"]
    assert dialog.rounds_tabs.tabText(1) == "第2轮（待交办）"
    second.assigned_edit.setText("2026-07-10")
    assert not second.save_assignment()
    assert visible_text(second.messages["assigned_on"]) == "交办日期 2026-07-10 早于上一轮评价日期 2026-07-20"
    second.assigned_edit.setText("2026-07-25")
    second.deadline_edit.setText("")
    assert second.save_assignment()
    assert [h["round"] for h in store(context).handlings(proposal_id)] == [1, 2]
    assert context.messages[-1] == f"提案 {number} 已再次交办（第2轮）"
    first, second = dialog.round_panels
    assert first.read_only and not first.assign_button.isVisibleTo(first) and not first.reply_edit.isEnabled()
    assert dialog.rounds_tabs.tabText(0) == "第1轮" and dialog.rounds_tabs.tabText(1) == "第2轮"
    assert dialog.rounds_tabs.currentIndex() == 1 and "办理中" in dialog.status_chip.text()

    # the second round solves it: 已办结, green
    second.reply_edit.setPlainText("隔音罩已安装，噪声降至85分贝以下。")
    second.replied_edit.setText("2026-10-15")
    second.result_combo.setCurrentIndex(second.result_combo.findData("已解决"))
    assert second.save_reply()
    assert "已办结" in dialog.status_chip.text() and dialog.banner.styleSheet() == DONE_BANNER_STYLE
    assert "安全生产部 于 2026-10-15 答复" in dialog.banner.label.text()
    second.rating_buttons["满意"].setChecked(True)
    second.rated_edit.setText("2026-10-20")
    assert second.save_rating()
    assert status(context, proposal_id)["status"] == "已办结" and status(context, proposal_id)["rating"] == "满意"
    assert "提案人意见：满意" in dialog.banner.label.text()
    assert context.messages[-1] == f"提案 {number} 提案人意见：满意"
    assert not dialog.is_dirty()

    # a registered, handled proposal keeps 立案: the store's refusal in the review section
    dialog.review.outcome_buttons["不立案"].setChecked(True)
    dialog.review.reason_edit.setPlainText("误立")
    assert not dialog.review.save()
    assert visible_text(dialog.review.message_label) == f"提案 {number} 已交办，不能改为“不立案”；请先作废办理记录"


def test_saving_one_group_keeps_the_other_groups_edits(context, open_dialog):
    proposal_id = filed(context, review="立案")
    handling_id = store(context).assign(proposal_id, HandlingInput("财务部", assigned_on="2026-03-25"))
    dialog = open_dialog(proposal_id)
    assert dialog.current_tab() == "handling"
    [panel] = dialog.round_panels
    panel.reply_edit.setPlainText("已列入计划")
    panel.result_combo.setCurrentIndex(panel.result_combo.findData("列入计划"))
    panel.replied_edit.setText("2026-04-10")
    panel.leader_edit.setText("李副总")
    assert panel.save_assignment()
    assert store(context).get_handling(handling_id)["leader"] == "李副总"
    [panel] = dialog.round_panels  # not rebuilt: the unsaved reply is still there
    assert panel.reply_edit.toPlainText() == "已列入计划" and dialog.is_dirty()
    assert panel.save_reply() and not dialog.is_dirty()
    # clearing a rating opens the reply again
    panel.rating_buttons["基本满意"].setChecked(True)
    assert panel.save_rating()
    assert not dialog.round_panels[0].reply_edit.isEnabled()
    assert dialog.round_panels[0].clear_rating()
    assert store(context).get_handling(handling_id)["rating"] == "" and dialog.round_panels[0].reply_edit.isEnabled()


def test_a_round_is_voided_with_a_reason(context, open_dialog):
    proposal_id = filed(context, review="立案")
    handling_id = store(context).assign(proposal_id, HandlingInput("财务部", assigned_on="2026-03-25"))
    dialog = open_dialog(proposal_id)
    reason = dialog.void_round(handling_id)
    assert "交办给财务部" in reason.findChildren(type(dialog.title_label))[0].text()
    reason.reason_edit.setText("主办部门选错")
    reason.accept()
    assert store(context).handlings(proposal_id) == []
    assert "待交办" in dialog.status_chip.text()
    [panel] = dialog.round_panels
    assert panel.is_new and dialog.rounds_tabs.tabText(0) == "交办"


def test_an_overdue_proposal_opens_with_the_red_banner(context, open_dialog):
    proposal_id = filed(context, review="立案")
    store(context).assign(proposal_id, HandlingInput("后勤保障部", assigned_on="2026-10-01", deadline="2026-11-15"))
    dialog = open_dialog(proposal_id)
    assert dialog.banner.isVisible() and dialog.banner.styleSheet() == VOID_BANNER_STYLE
    assert dialog.banner.label.text() == ("<b>已逾期</b>：第1轮办理期限为 2026-11-15，已超过 7 天仍未答复（主办：后勤保障部）。"
                                          "请督促承办部门答复。")
    assert "办理中（逾期）" in dialog.status_chip.text()


# --- voiding, unsaved changes, printing ----------------------------------------------------------------------------
def test_voiding_asks_a_reason_and_leaves_the_proposal_read_only(context, open_dialog):
    target = filed(context, review="立案")
    merged = filed(context, "关于建设职工活动室的建议")
    store(context).review(merged, ReviewInput("并案", merged_into_id=target, reviewed_on="2026-03-20"))
    dialog = open_dialog(target)
    reason = dialog.void_proposal()
    reason.reason_edit.setText("重复录入")
    reason.accept()
    assert reason.isVisible() and reason.error_label.text() == "已有1件提案并入该提案，请先修改这些提案的审查结果，再作废"
    reason.reject()
    assert store(context).get(target)["voided_at"] is None

    dialog = open_dialog(merged)
    reason = dialog.void_proposal()
    reason.reason_edit.setText("重复录入")
    reason.accept()
    assert not reason.isVisible() and store(context).get(merged)["void_reason"] == "重复录入"
    assert dialog.is_voided and dialog.banner.styleSheet() == VOIDED_BANNER_STYLE
    assert "作废，原因：重复录入。" in dialog.banner.label.text() and "已作废" in dialog.status_chip.text()
    assert not dialog.save_button.isVisibleTo(dialog) and not dialog.void_button.isVisibleTo(dialog)
    assert not dialog.title_edit.isEnabled() and not dialog.print_button.isEnabled()
    assert dialog.review.read_only and not dialog.review.save_button.isVisibleTo(dialog.review)
    assert context.messages[-1] == "已作废提案 第3届第2次-002"
    dialog.reject()  # a voided proposal closes without asking
    assert not dialog.isVisible()


def test_closing_with_unsaved_changes_asks_first(context, open_dialog):
    dialog = open_dialog(filed(context))
    dialog.title_edit.setText("关于增设夜班职工热食供应和休息室的建议")
    assert dialog.summary_label.text() == "提案内容的修改尚未保存。"
    dialog.reject()
    assert dialog.isVisible() and dialog.discard_box is not None
    next(b for b in dialog.discard_box.buttons() if b.text() == "继续编辑").click()
    assert dialog.isVisible()
    dialog.reject()
    next(b for b in dialog.discard_box.buttons() if b.text() == "放弃修改").click()
    assert dialog.result() == QDialog.Rejected and not dialog.isVisible()


def test_a_review_left_unsaved_also_asks(context, open_dialog):
    dialog = open_dialog(filed(context))
    dialog.review.outcome_buttons["立案"].setChecked(True)
    dialog.reject()
    assert dialog.isVisible() and dialog.discard_box is not None
    next(b for b in dialog.discard_box.buttons() if b.text() == "放弃修改").click()
    assert not dialog.isVisible()


def test_the_proposal_form_is_printed_through_the_preview(context, open_dialog, monkeypatch, qtbot):
    from gonghui_desk.ui import printing

    printed = []
    monkeypatch.setattr(printing, "print_preview", lambda parent, form: printed.append(form) or "preview")
    dialog = open_dialog(filed(context, review="立案"))
    dialog.title_edit.setText("改了没保存")
    assert dialog.start_print() is None and dialog.summary_label.text() == "请先保存修改，再打印提案表。"
    dialog.title_edit.setText("关于增设夜班职工热食供应的建议")
    job = dialog.start_print()
    assert job is dialog.print_job
    qtbot.waitUntil(lambda: bool(printed), timeout=10000)
    [form] = printed
    assert isinstance(form, PrintForm) and dialog.print_preview_dialog == "preview"
    text = "\n".join(form_texts(form))
    assert "第3届第2次-001" in text and "关于增设夜班职工热食供应的建议" in text and "张三" in text


def test_open_and_notify(context, qtbot):
    dialog = open_proposal_dialog(None, context, session_id=context.session, today=TODAY)
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and dialog.testAttribute(Qt.WA_DeleteOnClose) and dialog.is_new
    dialog.done(QDialog.Rejected)
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)  # the dialog is gone…
    before = len(context.changes)
    notify_congress_changed(context)
    assert len(context.changes) == before + 1 and context.messages[-1] == "职代会提案和代表记录已更新"  # …and quiet
    notify_congress_changed(context, "已登记提案")
    assert context.messages[-1] == "已登记提案"


def test_another_window_s_change_shows_without_losing_edits(context, open_dialog):
    proposal_id = filed(context)
    dialog = open_dialog(proposal_id)
    dialog.notes_edit.setPlainText("会前征集")
    store(context).review(proposal_id, ReviewInput("立案", reviewed_on="2026-03-20"))
    notify_congress_changed(context, "别处立案")
    assert "待交办" in dialog.status_chip.text() and dialog.review.outcome() == "立案"
    assert dialog.notes_edit.toPlainText() == "会前征集" and dialog.form_dirty()


# --- a look at every state on the demo databases -------------------------------------------------------------
@pytest.mark.parametrize("kind", ["school", "company"])
def test_every_state_renders_on_the_demo_data(kind, tmp_path, qtbot):
    ctx = AppContext(tmp_path / f"{kind}.sqlite3")
    demo.generate_demo(ctx.db, kind=kind, today=TODAY)
    try:
        rows = list(iter_proposals(ctx.db, ProposalFilter()))
        picks = {}
        for row in rows:
            key = "overdue" if row["overdue"] else row["status"]
            picks.setdefault(key, row["id"])
            if row["round"] and row["round"] > 1:
                picks.setdefault("second", row["id"])
        assert {"待审查", "不立案", "已并案", "办理中", "已答复", "已办结", "overdue"} <= set(picks)
        shots = os.environ.get("PDIALOG_SHOTS")
        for name, proposal_id in [("new", None), *picks.items()]:
            dialog = ProposalDialog(ctx, proposal_id, today=TODAY)
            qtbot.addWidget(dialog)
            dialog.show()
            assert dialog.height() <= 700 and dialog.minimumSizeHint().height() <= 700  # fits a 1366×768 screen
            for tab in ("proposal", "review", "handling"):
                dialog.set_tab(tab)
                if shots:
                    dialog.grab().save(os.path.join(shots, f"test_{kind}_{name}_{tab}.png"))
            if name == "overdue":
                assert "已逾期" in dialog.banner.label.text()
            if name == "已办结":
                assert dialog.banner.styleSheet() == DONE_BANNER_STYLE
            dialog.close()
    finally:
        ctx.close()


def test_reply_input_is_what_the_store_gets(context, open_dialog):
    """The panel's inputs are the store's dataclasses (used by the tests above)."""
    proposal_id = filed(context, review="立案")
    store(context).assign(proposal_id, HandlingInput("财务部", assigned_on="2026-03-25"))
    dialog = open_dialog(proposal_id)
    panel = dialog.round_panels[0]
    panel.result_combo.setCurrentIndex(panel.result_combo.findData("已解决"))
    panel.reply_edit.setPlainText(" 已解决 ")
    assert panel.reply_input() == ReplyInput(" 已解决 ", TODAY.isoformat(), "已解决", "")


def test_without_a_session_the_delegate_lists_say_why_they_do_not_open(empty_context, qtbot):
    dialog = ProposalDialog(empty_context, today=TODAY)
    qtbot.addWidget(dialog)
    assert dialog.choose_proposer() is None and dialog.picker is None
    assert dialog.summary_label.text() == "请先选择会议，才能从该届代表中选择。"
    assert dialog.add_delegate_cosigners() is None and dialog.picker is None
