"""The proposals' printouts and exports: the 提案表 of each state (its exact labels and values), one page for a
typical proposal, a session's forms, and the 提案汇总表 / 立案一览表 (.xlsx and printed: rows, columns, totals
with every rate's base), cancelling and progress, and the file names."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from gonghui_desk.congress.proposals import (HandlingInput, ProposalInput, ProposalStore, ReplyInput, ReviewInput,
                                             SplitPart)
from gonghui_desk.congress.register import ProposalFilter, session_dashboard
from gonghui_desk.congress.store import SessionInput
from gonghui_desk.errors import Cancelled, UserError
from gonghui_desk.exporting.proposals import (SIGN_BLANK, SUMMARY_TITLE, default_form_name, default_forms_name,
                                              default_summary_name, export_proposal_summary, proposal_form,
                                              proposal_summary_print_table, session_forms, summary_totals_lines)
from gonghui_desk.printing import FormGrid, FormParagraph, form_texts
from gonghui_desk.union import UnionProfile, save_profile
from tests import test_proposals_register
from tests.conftest import TODAY
from tests.test_congress_store import make_congress
from tests.test_printing import needs_pdftotext, pdf_text

register = test_proposals_register.register  # session 2: one proposal in every state (A–K)

REASON = ("我公司实行三班倒的生产岗位共有职工四百余人，其中夜班（22时至次日6时）每班在岗约一百三十人。目前职工食堂只供应早、中、晚三餐，"
          "晚餐在19时结束，夜班职工在后半夜只能自带干粮或者点外卖。外卖送到厂区门口需要步行十多分钟去取，既影响正常生产，"
          "又存在食品安全隐患；冬季夜间气温低，吃冷食对职工的肠胃健康也有不良影响。去年职工满意度调查中，有百分之六十二的夜班职工"
          "把“夜间吃不上热饭”列为最希望解决的问题。周边同行业的几家企业都已设立夜宵供应点，效果良好，职工反映强烈，希望公司予以重视。"
          "此外，夜班职工多为青年职工，不少人住在集体宿舍，下班后食堂已经关门，只能吃方便面，长此以往不利于身体健康。")
MEASURES = ("一、由后勤保障部牵头，在职工食堂一楼东侧开设夜宵窗口，供应时间为22时至次日2时，供应面条、馄饨、粥品、包子等热食，"
            "按成本价收费，可使用职工饭卡结算。二、在一号、二号厂房之间的休息区增设两台微波炉和一台开水器，方便职工加热自带饭菜。"
            "三、夜宵的品种和价格由职工伙食管理小组每季度征求一次意见并公示，接受职工监督。四、所需经费在职工福利费中列支，"
            "不足部分建议由工会经费适当补助。五、食堂夜间供应要落实食品留样、操作人员健康证等食品安全制度。"
            "六、试行三个月后由工会组织夜班职工进行满意度测评，根据测评结果调整供应时间和品种。")
REPLY = ("经公司办公会研究，同意在职工食堂一楼东侧开设夜宵窗口，已于2026年5月1日起试运行，每晚22时至次日1时30分供应面条、"
         "粥品和包子等热食，按成本价收费，可使用饭卡结算。一号、二号厂房之间的休息区已配备微波炉两台、开水器一台。"
         "夜宵品种和价格由职工伙食管理小组每季度征求一次意见，并在厂务公开栏公示。所需经费已列入今年职工福利费预算，"
         "工会经费补助部分由工会委员会研究确定。")
OUTCOMES_BLANK = "审查结果：□立案　□不立案　□转为意见建议　□并案"
RESULTS_BLANK = "办理结果：□已解决　□正在解决　□列入计划　□暂不能解决"
RATINGS_BLANK = "□满意　□基本满意　□不满意"


@pytest.fixture
def forms(db, store):
    """Session 2 (第3届第2次) of make_congress, one proposal in each state, with typical texts of a few hundred
    characters: filed only, 立案 answered and rated (another merged into it), 不立案, merged, a second round,
    overdue, 转意见建议."""
    data = make_congress(db, store)
    p = ProposalStore(db, today=TODAY)
    people, session = data["people"], data["sessions"][2]

    def file(title, proposer="张三", cosigners=("李四", "王五"), **values) -> int:
        values.setdefault("reason", REASON)
        values.setdefault("measures", MEASURES)
        proposal_id, _ = p.file(ProposalInput(session, title, proposer_member_id=people[proposer],
                                              cosigner_ids=[people[n] for n in cosigners], category="生活福利",
                                              submitted_on="2026-03-01", **values))
        return proposal_id

    ids = {"filed": file("关于增设夜班职工热食供应的建议"),
           "replied": file("关于在厂区开设夜班职工夜宵窗口的建议", "李四", ("张三", "王五", "周九"), notes="职工代表联名"),
           "rejected": file("关于给每位职工发放购物卡的建议"),
           "merged": file("关于夜班供应热食的建议", "王五", ("张三", "李四")),
           "second": file("关于改善一号厂房夏季通风降温条件的建议", "王五", ("张三",), reason="一号厂房夏季室温常在35℃以上。",
                          measures="建议加装负压风机和移动冷风机。"),
           "overdue": file("关于及时更新劳动防护用品的建议"),
           "suggestion": file("关于丰富职工业余文化生活的建议")}
    p.review(ids["replied"], ReviewInput("立案", "符合立案条件，交后勤保障部办理", reviewer="提案工作委员会",
                                         reviewed_on="2026-03-15"))
    handling = p.assign(ids["replied"], HandlingInput("后勤保障部", ["财务部", "工会"], "李副总经理", "2026-03-20",
                                                      "2026-05-20"))
    p.reply(handling, ReplyInput(REPLY, "2026-05-10", "已解决"))
    p.rate(handling, "满意", "2026-05-15", "希望增加夜宵品种。")
    p.review(ids["rejected"], ReviewInput("不立案", "属于个人福利诉求，不作为提案立案。", reviewer="提案工作委员会",
                                          reviewed_on="2026-03-15"))
    p.review(ids["merged"], ReviewInput("并案", merged_into_id=ids["replied"], reviewer="提案工作委员会",
                                        reviewed_on="2026-03-16"))
    p.review(ids["second"], ReviewInput("立案", reviewed_on="2026-03-15"))
    first = p.assign(ids["second"], HandlingInput("安全生产部", ["后勤保障部"], "王副总经理", "2026-03-20", "2026-05-31"))
    p.reply(first, ReplyInput("已配发防暑降温用品，加装风机列入明年计划。", "2026-05-28", "列入计划"))
    p.rate(first, "不满意", "2026-06-05", "今年夏天问题没有解决。")
    second = p.second_round(ids["second"], HandlingInput("安全生产部", [], "王副总经理", "2026-06-10", "2026-07-31"))
    p.reply(second, ReplyInput("已加装负压风机八台。", "2026-07-25", "已解决"))
    p.rate(second, "基本满意", "2026-08-01")
    p.review(ids["overdue"], ReviewInput("立案", reviewed_on="2026-03-15"))
    p.assign(ids["overdue"], HandlingInput("安全生产部", [], "王副总经理", "2026-03-20", "2026-06-30"))
    p.review(ids["suggestion"], ReviewInput("转意见建议", "转工会文体委员会参考", reviewed_on="2026-03-15"))
    return {**data, "ids": ids, "proposals": p, "session": session}


def form_of(forms, key: str):
    return proposal_form(forms["db"], forms["ids"][key], today=TODAY)


def grid_texts(form) -> list[str]:
    return [t for t in form_texts(form) if t not in (form.title, form.union_name, form.date_text)]


def head(number: str, proposer: str, unit: str, delegation: str, cosigners: str, title: str, reason: str = REASON,
         measures: str = MEASURES) -> list[str]:
    return ["编号", number, "类别", "生活福利", "提交日期", "2026-03-01", "提案人", proposer, "所在部门", unit, "代表团",
            delegation, "附议人", cosigners, "案由", title, "理由", reason, "办法和措施", measures]


# --- the 提案表 of each state ------------------------------------------------------------------------------------
def test_a_filed_proposal_has_its_texts_and_blank_boxes_to_write_in(forms):
    form = form_of(forms, "filed")

    assert form.title == "第三届职代会第二次会议提案表" and not form.landscape
    assert form.union_name == "某某机械有限公司工会委员会"
    assert form.date_text == "编号：第3届第2次-001　　制表日期：2026-11-22"
    assert grid_texts(form) == [
        *head("第3届第2次-001", "张三", "一车间/甲班", "一车间代表团", "李四、王五", "关于增设夜班职工热食供应的建议"),
        "提案工作\n委员会\n审查意见", OUTCOMES_BLANK, SIGN_BLANK,
        "主办单位", "协办单位", "责任领导", "交办日期", "办理期限",
        "承办单位\n答复", RESULTS_BLANK, SIGN_BLANK,
        "提案人\n意见", RATINGS_BLANK, SIGN_BLANK]
    assert SIGN_BLANK == "签名：　　　　　　　　　　年　　月　　日"
    boxes = [cell for block in form.blocks for row in block.rows for cell in row if cell.footer]
    assert [cell.room_mm for cell in boxes] == [18, 18, 18]  # room to write in every empty box


def test_an_answered_and_rated_proposal(forms):
    form = form_of(forms, "replied")

    assert grid_texts(form) == [
        *head("第3届第2次-002", "李四", "一车间", "一车间代表团", "张三、王五、周九", "关于在厂区开设夜班职工夜宵窗口的建议"),
        "备注", "职工代表联名",
        "提案工作\n委员会\n审查意见",
        "审查结果：■立案　□不立案　□转为意见建议　□并案\n审查意见：符合立案条件，交后勤保障部办理\n"
        "并入本案的提案：第3届第2次-004（王五）",
        "审查人：提案工作委员会　　审查日期：2026-03-15",
        "主办单位", "后勤保障部", "协办单位", "财务部、工会", "责任领导", "李副总经理", "交办日期", "2026-03-20",
        "办理期限", "2026-05-20",
        "承办单位\n答复", f"办理结果：■已解决　□正在解决　□列入计划　□暂不能解决\n答复：{REPLY}", "答复日期：2026-05-10",
        "提案人\n意见", "■满意　□基本满意　□不满意\n说明：希望增加夜宵品种。", "签名：　　　　　　　评价日期：2026-05-15"]


def test_a_proposal_not_registered_has_no_handling_boxes(forms):
    form = form_of(forms, "rejected")
    texts = grid_texts(form)

    assert texts[-3:] == ["审查结果：□立案　■不立案　□转为意见建议　□并案\n审查意见：属于个人福利诉求，不作为提案立案。",
                          "审查人：提案工作委员会　　审查日期：2026-03-15", "注：本提案不予立案，不交承办单位办理。"]
    assert "主办单位" not in texts and "承办单位\n答复" not in texts
    assert isinstance(form.blocks[-1], FormParagraph)
    suggestion = grid_texts(form_of(forms, "suggestion"))
    assert suggestion[-3:] == ["审查结果：□立案　□不立案　■转为意见建议　□并案\n审查意见：转工会文体委员会参考",
                               "审查人：　　　　　　　　审查日期：2026-03-15", "注：本提案已转为意见和建议，不列入提案办理。"]


def test_a_merged_proposal_names_the_one_it_was_merged_into(forms):
    texts = grid_texts(form_of(forms, "merged"))

    assert texts[-3:] == [
        "审查结果：□立案　□不立案　□转为意见建议　■并案\n并入提案：第3届第2次-002“关于在厂区开设夜班职工夜宵窗口的建议”",
        "审查人：提案工作委员会　　审查日期：2026-03-16",
        "注：本提案已并入第3届第2次-002号提案，其办理和答复见该提案的提案表。"]
    assert "主办单位" not in texts


def test_a_split_is_noted_in_the_review_box_of_both_forms(forms):
    p, ids = forms["proposals"], forms["ids"]
    parts = p.split(ids["filed"], [SplitPart("关于增设夜班职工休息室的建议", "生活福利", "夜班职工无处休息"),
                                   SplitPart("关于夜班职工交通补贴的建议")])
    original = grid_texts(form_of(forms, "filed"))
    assert original[original.index("提案工作\n委员会\n审查意见") + 1] == (
        f"{OUTCOMES_BLANK}\n本件已拆分出2件提案：第3届第2次-008“关于增设夜班职工休息室的建议”、"
        "第3届第2次-009“关于夜班职工交通补贴的建议”。")
    part = grid_texts(proposal_form(forms["db"], parts[0], today=TODAY))
    assert part[:19] == head("第3届第2次-008", "张三", "一车间/甲班", "一车间代表团", "李四、王五", "关于增设夜班职工休息室的建议",
                             "夜班职工无处休息", "")[:19]  # an empty 办法和措施 copies nothing
    assert part[19:22] == ["提案工作\n委员会\n审查意见",
                           f"{OUTCOMES_BLANK}\n本件由第3届第2次-001号提案“关于增设夜班职工热食供应的建议”拆分。", SIGN_BLANK]
    # a part 立案 keeps the note above the committee's opinion
    p.review(parts[0], ReviewInput("立案", "单独立案", reviewer="提案工作委员会", reviewed_on="2026-03-15"))
    part = grid_texts(proposal_form(forms["db"], parts[0], today=TODAY))
    assert part[20] == ("审查结果：■立案　□不立案　□转为意见建议　□并案\n审查意见：单独立案\n"
                        "本件由第3届第2次-001号提案“关于增设夜班职工热食供应的建议”拆分。")
    # the totals of the summary say how many were formed by splitting
    lines = summary_totals_lines(session_dashboard(forms["db"], forms["session"], TODAY))
    assert lines[0].startswith("合计：本次会议收到提案 9 件（其中由拆分形成 2 件），立案 4 件，")


def test_a_second_round_is_shown_under_its_own_caption(forms):
    form = form_of(forms, "second")
    rounds = [block for block in form.blocks if isinstance(block, FormGrid) and block.caption]

    assert [block.caption for block in rounds] == ["第一轮办理", "第二轮办理（提案人对上一轮答复不满意，再次交办）"]
    first, second = ([cell.text for row in block.rows for cell in row] for block in rounds)
    assert first == ["主办单位", "安全生产部", "协办单位", "后勤保障部", "责任领导", "王副总经理", "交办日期", "2026-03-20",
                     "办理期限", "2026-05-31", "承办单位\n答复",
                     "办理结果：□已解决　□正在解决　■列入计划　□暂不能解决\n答复：已配发防暑降温用品，加装风机列入明年计划。",
                     "提案人\n意见", "□满意　□基本满意　■不满意\n说明：今年夏天问题没有解决。"]
    assert second == ["主办单位", "安全生产部", "协办单位", "", "责任领导", "王副总经理", "交办日期", "2026-06-10",
                      "办理期限", "2026-07-31", "承办单位\n答复", "办理结果：■已解决　□正在解决　□列入计划　□暂不能解决\n答复：已加装负压风机八台。",
                      "提案人\n意见", "□满意　■基本满意　□不满意"]
    assert [cell.footer for row in rounds[1].rows for cell in row if cell.footer] == [
        "答复日期：2026-07-25", "签名：　　　　　　　评价日期：2026-08-01"]


def test_an_unanswered_round_past_its_deadline_is_marked(forms):
    texts = grid_texts(form_of(forms, "overdue"))
    assert "2026-06-30（已逾期）" in texts
    assert texts[-6:] == ["承办单位\n答复", RESULTS_BLANK, SIGN_BLANK, "提案人\n意见", RATINGS_BLANK, SIGN_BLANK]
    on_time = grid_texts(proposal_form(forms["db"], forms["ids"]["overdue"], today=dt.date(2026, 6, 30)))
    assert "2026-06-30" in on_time and "2026-06-30（已逾期）" not in on_time


def test_a_school_says_jiaodaihui_and_a_delegation_may_propose(forms):
    db = forms["db"]
    save_profile(db, UnionProfile(name="测试中学工会委员会", kind="学校"))
    session = forms["store"].create_session(SessionInput(forms["term"], 3, held_on="2026-10-10"))
    proposal_id, _ = forms["proposals"].file(ProposalInput(session, "关于改善教师午餐的建议", proposer_text="机关代表团",
                                                           submitted_on="2026-10-08"))
    form = proposal_form(db, proposal_id, today=TODAY)

    assert form.title == "第三届教代会第三次会议提案表" and form.union_name == "测试中学工会委员会"
    texts = grid_texts(form)
    # no category, no sub-unit, no delegation, no co-signers: labels only (form_texts leaves out empty cells)
    assert texts[:12] == ["编号", "第3届第3次-001", "类别", "提交日期", "2026-10-08", "提案人", "机关代表团", "所在部门",
                          "代表组", "附议人", "案由", "关于改善教师午餐的建议"]


def test_a_voided_or_missing_proposal_is_not_printed(forms):
    forms["proposals"].void(forms["ids"]["filed"], "重复登记")
    with pytest.raises(UserError, match="已作废"):
        form_of(forms, "filed")
    with pytest.raises(UserError, match="不存在"):
        proposal_form(forms["db"], 999, today=TODAY)


@needs_pdftotext
def test_a_typical_proposal_fits_one_page_and_a_long_one_flows_on(qapp, forms, tmp_path):
    from gonghui_desk.ui.printing import print_to_pdf

    assert len(REASON) > 280 and len(MEASURES) > 250 and len(REPLY) > 180
    for key in ("filed", "replied", "overdue"):
        assert print_to_pdf(form_of(forms, key), tmp_path / f"{key}.pdf") == 1, key
    text = pdf_text(tmp_path / "replied.pdf")
    for expected in ("第三届职代会第二次会议提案表", "编号：第3届第2次-002", "提案工作", "审查意见", "■立案", "后勤保障部",
                     "答复日期：2026-05-10", "评价日期：2026-05-15", "第 1 页，共 1 页"):
        assert expected in text, expected

    forms["proposals"].update(forms["ids"]["filed"], ProposalInput(
        forms["session"], "关于增设夜班职工热食供应的建议", REASON * 3, MEASURES * 2,
        proposer_member_id=forms["people"]["张三"], cosigner_ids=[forms["people"]["李四"], forms["people"]["王五"]],
        category="生活福利", submitted_on="2026-03-01"))
    path = tmp_path / "long.pdf"
    assert print_to_pdf(form_of(forms, "filed"), path) == 2
    second = pdf_text(path, 2)
    assert "编号：第3届第2次-001" in second and "第 2 页，共 2 页" in second  # the page says whose it is
    assert "签名" in second  # the boxes moved on whole


# --- a session's forms ----------------------------------------------------------------------------------------------
def test_a_sessions_forms_in_number_order_and_filtered(forms):
    progress = []
    all_forms = session_forms(forms["db"], forms["session"], today=TODAY,
                              progress=lambda done, total, text: progress.append((done, total, text)))

    assert [f.date_text.split("　")[0] for f in all_forms] == [f"编号：第3届第2次-00{n}" for n in range(1, 8)]
    assert progress[0] == (1, 7, "已准备 1 份提案表") and progress[-1] == (7, 7, "已准备 7 份提案表")
    forms["proposals"].void(forms["ids"]["rejected"], "误登")
    assert len(session_forms(forms["db"], forms["session"], today=TODAY)) == 6  # voided: left out
    registered = session_forms(forms["db"], forms["session"], f=ProposalFilter(status=("已办结", "办理中")),
                               today=TODAY)
    assert [f.date_text.split("　")[0][3:] for f in registered] == ["第3届第2次-002", "第3届第2次-005", "第3届第2次-006"]
    other = session_forms(forms["db"], forms["session"], f=ProposalFilter(session_id=forms["sessions"][1]), today=TODAY)
    assert len(other) == 6  # the session asked for, whatever the filter said
    assert session_forms(forms["db"], forms["sessions"][1], today=TODAY) == []


def test_session_forms_can_be_cancelled_and_refuse_a_voided_session(forms):
    with pytest.raises(Cancelled):
        session_forms(forms["db"], forms["session"], today=TODAY, is_cancelled=lambda: True)
    with pytest.raises(UserError, match="不存在或已作废"):
        session_forms(forms["db"], 999, today=TODAY)


@needs_pdftotext
def test_a_sessions_forms_print_each_on_its_own_pages(qapp, forms, tmp_path):
    from gonghui_desk.ui.printing import print_to_pdf

    path = tmp_path / default_forms_name("第三届职代会第二次会议")
    pages = print_to_pdf(session_forms(forms["db"], forms["session"], today=TODAY), path)

    assert path.name == "第三届职代会第二次会议-提案表.pdf"
    assert pages == 7  # the second round fits: its texts are short
    for page in range(1, 8):
        text = pdf_text(path, page)
        assert f"编号：第3届第2次-00{page}" in text and "第 1 页，共 1 页" in text


# --- 提案汇总表 / 立案一览表 -------------------------------------------------------------------------------------------
SUMMARY_LABELS = ["序号", "编号", "案由", "提案人", "附议人", "类别", "审查结果", "主办部门", "协办部门", "状态", "答复日期",
                  "办理结果", "满意度"]
REGISTERED_LABELS = ["序号", "编号", "案由", "提案人", "附议人", "类别", "主办部门", "协办部门", "责任领导", "办理期限",
                     "状态"]
TOTALS = [
    "合计：本次会议收到提案 11 件，立案 7 件，立案率 63.6%（立案7件 ÷ 收到提案11件）；"
    "不立案 1 件，转为意见建议 1 件，并案 1 件，待审查 1 件。",
    "办理：已答复 4 件，答复率 57.1%（已答复4件 ÷ 立案7件）；办结 2 件，办结率 28.6%（办结2件 ÷ 立案7件）；"
    "待交办 1 件，办理中 2 件（其中逾期 1 件）。",
    "评价：满意 1 件，基本满意 1 件，不满意 1 件，满意率 66.7%（满意和基本满意2件 ÷ 已评价3件）。",
    "按类别：生活福利 收到 5 件、立案 3 件（立案率 60.0%）；安全生产 收到 2 件、立案 2 件（立案率 100.0%）；"
    "薪酬待遇 收到 1 件、立案 1 件（立案率 100.0%）；其他 收到 2 件、立案 0 件（立案率 0.0%）；"
    "未分类 收到 1 件、立案 1 件（立案率 100.0%）。"]


def sheet_rows(path) -> list[list]:
    ws = load_workbook(path).active
    return [[cell.value for cell in row] for row in ws.iter_rows()]


def test_the_summary_xlsx_has_every_proposal_its_review_and_latest_round_and_the_totals(register, tmp_path):
    path = tmp_path / "汇总.xlsx"
    progress = []
    count = export_proposal_summary(register["db"], path, ProposalFilter(session_id=register["sessions"][2]),
                                    prepared_by="刘会计", today=TODAY,
                                    progress=lambda done, total, text: progress.append((done, total, text)))

    assert count == 11 and progress == [(11, 11, "正在保存文件…")]
    ws = load_workbook(path).active
    rows = sheet_rows(path)
    assert rows[0][0] == "第三届职代会第二次会议提案汇总表" and ws.title == "第三届职代会第二次会议提案汇总表"
    assert rows[1][0] == "会议日期：2026-03-12（按编号排列）"
    assert rows[2][0] == "工会名称：某某机械有限公司工会委员会" and rows[2][-1] == "制表日期：2026-11-22"
    assert rows[3] == SUMMARY_LABELS
    data = rows[4:15]
    assert data[0] == [1, "第3届第2次-001", "提案A：关于A的建议", "张三", "李四、王五", "生活福利", "立案（含并案1件）",
                       "后勤保障部", "财务部", "已办结", dt.datetime(2026, 5, 10), "已解决", "满意"]
    assert data[3][6:] == ["立案", "安全生产部", "后勤保障部", "不满意", dt.datetime(2026, 5, 10), "正在解决", "不满意"]
    assert data[4][6:10] == ["立案", "后勤保障部", None, "办理中（逾期）"]
    assert [row[6] for row in data[6:11]] == ["立案", "不立案", "转意见建议", "并案（并入第3届第2次-001）", "待审查"]
    assert [row[9] for row in data] == ["已办结", "已答复", "已办结", "不满意", "办理中（逾期）", "办理中", "待交办", "不立案",
                                        "转意见建议", "已并案", "待审查"]
    assert data[5][5] is None  # F has no category
    number = ws["B5"]
    assert number.data_type == "s" and number.number_format == "@"  # numbers stay text
    assert ws["K5"].is_date and ws["K5"].number_format == "yyyy-mm-dd"
    assert rows[15] == [None] * 13
    assert [row[0] for row in rows[16:]] == [*TOTALS, "制表人：刘会计  审核人：____  日期：____"]


def test_the_registered_list_has_the_registered_proposals_only(register, tmp_path):
    path = tmp_path / "立案.xlsx"
    count = export_proposal_summary(register["db"], path, ProposalFilter(session_id=register["sessions"][2]),
                                    registered_only=True, today=TODAY)

    assert count == 7
    rows = sheet_rows(path)
    assert rows[0][0] == "第三届职代会第二次会议立案一览表" and rows[3] == REGISTERED_LABELS
    data = rows[4:11]
    assert [row[1][-3:] for row in data] == ["001", "002", "003", "004", "005", "006", "007"]  # A–G
    assert data[4] == [5, "第3届第2次-005", "提案E：关于E的建议", "张三", "李四、王五", "安全生产", "后勤保障部", None,
                       "李副总经理", dt.datetime(2026, 6, 1), "办理中（逾期）"]
    assert data[6][6:] == [None, None, None, None, "待交办"]
    assert [row[0] for row in rows[12:-1]] == ["本表列出立案提案 7 件。", *TOTALS]


def test_a_filtered_summary_says_what_it_lists_and_keeps_the_sessions_totals(register, tmp_path):
    db, session = register["db"], register["sessions"][2]
    f = ProposalFilter(session_id=session, categories=("安全生产",), status=("办理中", "不满意"), department="后勤保障部",
                       overdue_only=True)
    table = proposal_summary_print_table(db, f, order="deadline", descending=True, today=TODAY)

    assert table.subtitle_lines == ["会议日期：2026-03-12；类别：安全生产；状态：办理中、不满意；承办部门：后勤保障部；只列逾期"
                                    "（按办理期限倒序排列）"]
    assert [row[1] for row in table.rows] == ["第3届第2次-005"]
    assert table.total_lines == ["本表列出提案 1 件。", *TOTALS]
    registered = proposal_summary_print_table(db, ProposalFilter(session_id=session, status=("待审查", "办理中")),
                                              registered_only=True, today=TODAY)
    assert [row[1][-3:] for row in registered.rows] == ["005", "006"]  # 待审查 is not 立案


def test_the_printed_summary_matches_the_xlsx(register):
    table = proposal_summary_print_table(register["db"], ProposalFilter(session_id=register["sessions"][2]),
                                         prepared_by="刘会计", today=TODAY)

    assert table.title == "第三届职代会第二次会议" + SUMMARY_TITLE and table.landscape and table.font_size_pt == 9
    assert [c.label for c in table.columns] == SUMMARY_LABELS
    assert table.rows[0] == ["1", "第3届第2次-001", "提案A：关于A的建议", "张三", "李四、王五", "生活福利", "立案（含并案1件）",
                             "后勤保障部", "财务部", "已办结", "2026-05-10", "已解决", "满意"]
    assert len(table.rows) == 11 and table.total_lines == TOTALS
    assert table.footer_line == "制表人：刘会计  审核人：____  日期：____"
    assert table.union_name == "某某机械有限公司工会委员会" and table.date_text == "制表日期：2026-11-22"


def test_a_second_round_shows_in_the_summary(register):
    p, ids = register["proposals"], register["ids"]
    second = p.second_round(ids["D"], HandlingInput("后勤保障部", [], "", "2026-05-20", "2026-06-20"))
    p.reply(second, ReplyInput("已完成整改", "2026-06-10", "已解决"))
    p.rate(second, "满意", "2026-06-12")
    table = proposal_summary_print_table(register["db"], ProposalFilter(session_id=register["sessions"][2]),
                                         today=TODAY)
    assert table.rows[3][7:] == ["后勤保障部", "", "已办结（第二轮）", "2026-06-10", "已解决", "满意（第二轮）"]


def test_an_empty_session_says_its_rates_cannot_be_computed(register, tmp_path):
    empty = register["store"].create_session(SessionInput(register["term"], 3, held_on="2026-10-01", venue="礼堂"))
    path = tmp_path / "空.xlsx"
    assert export_proposal_summary(register["db"], path, ProposalFilter(session_id=empty), today=TODAY) == 0
    rows = sheet_rows(path)
    assert rows[1][0] == "会议日期：2026-10-01；地点：礼堂（按编号排列）"
    assert [row[0] for row in rows[5:-1]] == [
        "合计：本次会议收到提案 0 件，立案 0 件，立案率 —（收到提案0件，无法计算）。",
        "办理：已答复 0 件，答复率 —（立案0件，无法计算）；办结 0 件，办结率 —（立案0件，无法计算）。",
        "评价：满意 0 件，基本满意 0 件，不满意 0 件，满意率 —（已评价0件，无法计算）。"]


def test_a_cancelled_export_writes_no_file(register, tmp_path):
    path = tmp_path / "汇总.xlsx"
    with pytest.raises(Cancelled):
        export_proposal_summary(register["db"], path, ProposalFilter(session_id=register["sessions"][2]),
                                today=TODAY, is_cancelled=lambda: True)
    assert not path.exists() and not path.with_name(path.name + ".part").exists()
    with pytest.raises(Cancelled):
        proposal_summary_print_table(register["db"], ProposalFilter(session_id=register["sessions"][2]),
                                     today=TODAY, is_cancelled=lambda: True)


def test_a_voided_session_is_refused(register, tmp_path):
    with pytest.raises(UserError, match="不存在或已作废"):
        export_proposal_summary(register["db"], tmp_path / "x.xlsx", ProposalFilter(session_id=999), today=TODAY)
    assert not (tmp_path / "x.xlsx").exists()


def test_file_names():
    assert default_summary_name("第三届职代会第二次会议", TODAY) == "第三届职代会第二次会议-提案汇总表-20261122.xlsx"
    assert default_summary_name("第三届职代会第二次会议", TODAY, registered_only=True) == \
        "第三届职代会第二次会议-立案一览表-20261122.xlsx"
    assert default_forms_name("第五届教代会第一次会议") == "第五届教代会第一次会议-提案表.pdf"
    assert default_form_name("第3届第2次/007") == "第3届第2次007-提案表.pdf"
    assert default_forms_name("") == "提案-提案表.pdf"
