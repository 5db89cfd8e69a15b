"""The draft 提案办理情况报告 (gonghui_desk.congress.report): its figures against session_dashboard and
independent counts on the demo databases (school and company), the wording on a small hand-built session,
zero bases (a part without data left out, no rate on a zero base), completeness sentences only at exactly
100%, the unresolved proposals named, the vocabulary (教代会/教职工 for a school), the options, and the
Word file of the report with its headings numbered after dropped parts."""

from __future__ import annotations

import re

import docx
import pytest

from gonghui_desk import demo
from gonghui_desk.congress.proposals import (HandlingInput, ProposalInput, ProposalStore, ReplyInput, ReviewInput,
                                             SplitPart)
from gonghui_desk.congress.register import ProposalFilter, iter_proposals, session_dashboard
from gonghui_desk.congress.report import (DEPARTMENT_HEADER, ProposalReportOptions, default_report_name,
                                          proposal_report)
from gonghui_desk.congress.store import CongressStore, SessionInput
from gonghui_desk.db import open_database
from gonghui_desk.documents import Heading, Paragraph, Table, number_headings, to_plain_text, write_docx
from gonghui_desk.documents.wording import percent_text, rate_text
from gonghui_desk.errors import UserError
from tests.conftest import TODAY
from tests.test_congress_store import make_congress
from tests.test_proposals_register import register

SHARED_FIXTURES = (register,)  # the register's hand-built session, A–M

COMPLETENESS = ("全部予以立案", "件件有答复", "已全部办结", "均表示满意或基本满意", "已全部交承办部门办理",
                "各承办部门主办的提案均已答复")


def headings(doc) -> list[str]:
    return [number + block.text for block, number in zip(doc.blocks, number_headings(doc)) if isinstance(block, Heading)]


def section_text(doc, title: str) -> str:
    """The text of the level-1 section ``title`` (up to the next level-1 heading)."""
    out, inside = [], False
    for block in doc.blocks:
        if isinstance(block, Heading) and block.level == 1:
            inside = block.text == title
            continue
        if inside and isinstance(block, Paragraph):
            out.append(block.text)
    return "\n".join(out)


# --- the demo ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=["school", "company"])
def demo_db(request, tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp(request.param) / "demo.sqlite3")
    demo.generate_demo(db, kind=request.param, seed=1, today=TODAY)
    yield request.param, db
    db.conn.close()


def test_every_figure_agrees_with_the_dashboard_and_the_ledger(demo_db):
    kind, db = demo_db
    for session in CongressStore(db, TODAY).sessions():
        doc = proposal_report(db, session["id"], today=TODAY)
        text = to_plain_text(doc)
        board = session_dashboard(db, session["id"], TODAY)
        # an independent count of the ledger
        received, registered = db.execute(
            "SELECT count(*), count(*) FILTER (WHERE review = '立案') FROM proposals "
            "WHERE session_id = ? AND voided_at IS NULL", [session["id"]]).fetchone()
        assert (received, registered) == (board.received, board.registered) and received > 0
        assert f"共收到代表提案{received}件" in text
        assert ("拆分" in text) == (board.split > 0)  # splits are said only when there are any
        assert f"立案率为{rate_text(registered, received, '立案', '收到提案')}" in text
        for label, count in (("不予立案", board.not_registered), ("转为意见和建议", board.to_suggestions),
                             ("并入其他提案", board.merged), ("另有", board.pending_review)):
            assert (f"{label}{count}件" in text) == (count > 0), label
        assert f"答复率为{rate_text(board.replied, board.registered, '已答复', '立案')}" in text
        assert f"办结率为{rate_text(board.completed, board.registered, '办结', '立案')}" in text
        satisfied = board.satisfied + board.fairly_satisfied
        assert f"满意率为{rate_text(satisfied, board.rated, '满意和基本满意', '已评价')}" in text
        for row in board.by_category:
            assert f"{row.category}方面{row.received}件" in text
        [table] = [b for b in doc.blocks if isinstance(b, Table)]
        assert table.header == DEPARTMENT_HEADER
        assert [(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[5]), int(r[7])) for r in table.rows] == [
            (d.department, d.assigned, d.co_assigned, d.replied, d.completed, d.rated) for d in board.by_department]
        for row, d in zip(table.rows, board.by_department):
            assert row[4] == (percent_text(d.replied, d.assigned) if d.assigned else "—")
        # the unresolved ones: every 立案 proposal not 办结 is named, and no other
        rows = list(iter_proposals(db, ProposalFilter(session_id=session["id"]), today=TODAY))
        unresolved = section_text(doc, "尚未办结的提案")
        assert f"尚未办结的有{board.registered - board.completed}件" in unresolved
        for row in rows:
            named = row["number"] in unresolved
            assert named == (row["review"] == "立案" and row["status"] != "已办结"), row["number"]
            if named:
                assert f"{row['number']}“{row['title']}”" in unresolved
        # completeness sentences exactly at 100%
        assert ("件件有答复" in text) == (board.replied == board.registered)
        assert ("均表示满意或基本满意" in text) == (satisfied == board.rated)
        assert ("已全部交承办部门办理" in text) == (board.to_assign == 0)
        # the figures list what the text states
        figures = {f.label: f.value for f in doc.figures}
        assert figures["收到提案"] == f"{received}件" and figures["答复率"] in text and figures["立案率"] in text
        # the words of the union
        if kind == "school":
            assert "教代会" in doc.title and "教职工" in text and "职代会" not in text
        else:
            assert "职代会" in doc.title and "职工" in text and "教代会" not in text and "教职工" not in text


def test_the_demo_sessions_read_as_expected(demo_db):
    kind, db = demo_db
    second, first = CongressStore(db, TODAY).sessions()
    word = "教代会" if kind == "school" else "职代会"
    old = proposal_report(db, first["id"], today=TODAY)
    assert old.subtitle_lines == [f"——在第{'五' if kind == 'school' else '七'}届{word}第二次会议上"]
    assert headings(old) == ["一、提案的提出和审查情况", "二、提案的交办和办理情况", "（一）交办和答复", "（二）办理结果",
                             "（三）提案人评价", "（四）各承办部门办理情况", "三、尚未办结的提案"]
    new = proposal_report(db, second["id"], today=TODAY)
    assert new.subtitle_lines == []  # no later session set up yet: nothing invented
    assert new.salutation == "各位代表：" and new.date_text == "2026年11月22日"
    assert new.signer.endswith(f"{word}提案工作委员会") and "工会委员会" not in new.signer
    assert default_report_name(second["title"]) == f"{second['title']}提案办理情况报告.docx"


# --- a hand-built session --------------------------------------------------------------------------------
def test_a_hand_built_session_reads_like_this(register):
    doc = proposal_report(register["db"], register["sessions"][2], today=TODAY)
    assert doc.title == "关于第三届职代会第二次会议提案办理情况的报告"
    assert doc.signer == "某某机械有限公司职代会提案工作委员会"
    paragraphs = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert paragraphs[:3] == [
        "受职代会提案工作委员会委托，现将第三届职代会第二次会议代表提案的审查和办理情况报告如下，请各位代表审议。",
        "第三届职代会第二次会议于2026年3月12日召开，共收到代表提案11件，提出提案的代表共4名。",
        "提案工作委员会已审查10件：立案7件，立案率为63.6%（立案7件÷收到提案11件）；不予立案1件；转为意见和建议1件；"
        "因内容相同或相近并入其他提案1件；另有1件尚待审查。"]
    text = "\n".join(paragraphs)
    for sentence in (
            "按内容分类，生活福利方面5件（立案3件），安全生产方面2件（立案2件），其他方面2件，薪酬待遇方面1件（立案1件），未分类1件（立案1件）。",
            "立案的7件中，已交承办部门办理6件（其中2件由主办部门会同协办部门办理），尚有1件待交办；交办的提案均明确了办理期限。",
            "截至2026年11月22日，承办部门已答复4件，答复率为57.1%（已答复4件÷立案7件）；仍在办理中的2件，其中1件已超过办理期限。",
            "已答复的4件中，已经解决2件，正在解决1件，列入计划1件。以已经解决且提案人未表示不满意计，办结2件，办结率为28.6%（办结2件÷立案7件）。",
            "其中满意1件，基本满意1件，不满意1件，满意率为66.7%（满意和基本满意2件÷已评价3件）。另有1件答复尚待提案人评价。",
            "安全生产部主办的提案均已答复；逾期未答复的提案涉及后勤保障部1件。",
            "截至2026年11月22日，立案的7件中尚未办结的有5件，分述如下。",
            "尚待交办的1件：第3届第2次-007“提案G：关于G的建议”。",
            "正在办理中的1件：第3届第2次-006“提案F：关于F的建议”（主办：人力资源部，办理期限：2026年11月22日）。",
            "已超过办理期限仍未答复的1件：第3届第2次-005“提案E：关于E的建议”（主办：后勤保障部，办理期限：2026年6月1日）。",
            "提案人对答复不满意、尚待重新办理的1件：第3届第2次-004“提案D：关于D的建议”（主办：安全生产部）。",
            "答复为列入计划的1件：第3届第2次-002“提案B：关于B的建议”（主办：人力资源部）。"):
        assert sentence in text, sentence
    assert not any(phrase in text for phrase in COMPLETENESS)
    # finished (A, C), not 立案 (H, I, J, K) and voided (L) proposals are not named
    for key in "ACHIJKL":
        assert f"提案{key}：" not in text, key
    [table] = [b for b in doc.blocks if isinstance(b, Table)]
    assert table.rows[1] == ("财务部", "0", "1", "0", "—", "0", "—", "0", "—")  # 协办 only: no base, no rate
    assert "对尚未办结的提案" in paragraphs[-1] and "职工的意见和建议" in paragraphs[-1]


def test_options_chinese_numerals_and_counts_only(register):
    db, session = register["db"], register["sessions"][2]
    doc = proposal_report(db, session, today=TODAY, options=ProposalReportOptions(chinese_numerals=True))
    text = to_plain_text(doc)
    assert "共收到代表提案11件" in text  # above ten: digits
    assert "立案七件，立案率为63.6%（立案7件÷收到提案11件）" in text  # the base keeps its digits
    assert "已答复四件，答复率为57.1%（已答复4件÷立案7件）" in text and "不予立案一件" in text
    brief = to_plain_text(proposal_report(db, session, today=TODAY,
                                          options=ProposalReportOptions(name_unresolved=False)))
    assert "第3届第2次-" not in brief
    assert ("尚未办结的有5件，其中尚待交办的1件，正在办理中的1件，已超过办理期限仍未答复的1件，"
            "提案人对答复不满意、尚待重新办理的1件，答复为列入计划的1件。") in brief


# --- zero bases and completeness -------------------------------------------------------------------------
@pytest.fixture
def congress(db, store):
    data = make_congress(db, store)
    data["p"] = ProposalStore(db, today=TODAY)
    data["next"] = 3
    return data


def new_session(congress) -> int:
    number = congress["next"]
    congress["next"] += 1
    return congress["store"].create_session(SessionInput(congress["term"], number, held_on="2026-09-10"))


def add(congress, session: int, title: str, *, review: str = "立案", lead: str | None = None, deadline=None,
        result: str | None = None, rating: str | None = None, category: str = "生活福利") -> int:
    """One proposal of 张三 (co-signed by 李四 and 王五), reviewed, assigned, replied and rated as asked."""
    p, people = congress["p"], congress["people"]
    proposal_id, _ = p.file(ProposalInput(session, title, proposer_member_id=people["张三"],
                                          cosigner_ids=[people["李四"], people["王五"]], category=category,
                                          submitted_on="2026-09-10"))
    if review:
        p.review(proposal_id, ReviewInput(review, "理由" if review == "不立案" else "", reviewed_on="2026-09-15"))
    if lead:
        handling = p.assign(proposal_id, HandlingInput(lead, [], "李副总", "2026-09-20", deadline))
        if result:
            p.reply(handling, ReplyInput("答复", "2026-10-10", result, "条件不具备" if result == "暂不能解决" else ""))
            if rating:
                p.rate(handling, rating, "2026-10-20")
    return proposal_id


def test_a_session_without_proposals_says_so_and_nothing_else(congress):
    session = new_session(congress)
    doc = proposal_report(congress["db"], session, today=TODAY)
    assert doc.blocks == [Paragraph("第三届职代会第三次会议没有收到代表提案。")]
    assert doc.figures == []


def test_nothing_reviewed_yet_leaves_out_rates_and_handling(congress):
    session = new_session(congress)
    for title in ("甲", "乙"):
        add(congress, session, title, review="")
    doc = proposal_report(congress["db"], session, today=TODAY)
    text = to_plain_text(doc)
    assert headings(doc) == ["一、提案的提出和审查情况"]
    assert "上述提案尚待提案工作委员会审查。" in text
    assert "率" not in text and "逐件" not in text


def test_splits_are_said_in_the_review_paragraph_only_when_there_are_any(congress):
    session = new_session(congress)
    p = congress["p"]
    first = add(congress, session, "关于改善食堂伙食和增设停车位的建议", review="")
    second = add(congress, session, "关于开展技能比武和文艺汇演的建议", review="")
    before = to_plain_text(proposal_report(congress["db"], session, today=TODAY))
    assert "拆分" not in before and "上述提案尚待提案工作委员会审查。" in before
    # split before any outcome is recorded: said where the review is
    p.split(first, [SplitPart("关于增设停车位的建议")])
    text = to_plain_text(proposal_report(congress["db"], session, today=TODAY))
    assert "共收到代表提案3件" in text  # a part counts in 收到
    assert ("提案工作委员会正在审查上述提案，1件提案因涉及多个事项，按一事一案的原则拆分，拆分形成1件"
            "（已计入收到的提案）。") in text
    # after the review: the outcomes, then the split
    p.split(second, [SplitPart("关于开展文艺汇演的建议"), SplitPart("关于组织职工运动会的建议")])
    ids = [r[0] for r in congress["db"].execute("SELECT id FROM proposals WHERE session_id = ?", [session])]
    for proposal_id in ids:
        p.review(proposal_id, ReviewInput("立案", reviewed_on="2026-09-15"))
    doc = proposal_report(congress["db"], session, today=TODAY)
    text = to_plain_text(doc)
    assert ("提案工作委员会对收到的提案逐件进行了审查：全部予以立案，立案率为100%（立案5件÷收到提案5件）。"
            "审查中，2件提案因涉及多个事项，按一事一案的原则拆分，拆分形成3件（已计入收到的提案）。") in text
    figures = {f.label: f.value for f in doc.figures}
    assert (figures["拆分形成"], figures["拆分的提案"], figures["收到提案"]) == ("3件", "2件", "5件")
    assert session_dashboard(congress["db"], session, TODAY).split == 3


def test_nothing_registered_has_no_rate_on_a_zero_base(congress):
    session = new_session(congress)
    add(congress, session, "甲", review="不立案")
    add(congress, session, "乙", review="转意见建议", category="其他")
    doc = proposal_report(congress["db"], session, today=TODAY)
    text = to_plain_text(doc)
    assert headings(doc) == ["一、提案的提出和审查情况"]
    assert "提案工作委员会对收到的提案逐件进行了审查：不予立案1件；转为意见和建议1件。" in text
    assert "立案率" not in text and "答复率" not in text and "对尚未办结的提案" not in text


def test_registered_but_not_replied(congress, tmp_path):
    session = new_session(congress)
    add(congress, session, "待交办的", lead=None)
    add(congress, session, "逾期的", lead="办公室", deadline="2026-10-01")
    add(congress, session, "未到期的", lead="办公室", deadline="2026-12-31")
    doc = proposal_report(congress["db"], session, today=TODAY)
    text = to_plain_text(doc)
    # no replies: no 办理结果, no 评价 — the departments' part is numbered （二）, the next section 三、
    assert headings(doc) == ["一、提案的提出和审查情况", "二、提案的交办和办理情况", "（一）交办和答复",
                             "（二）各承办部门办理情况", "三、尚未办结的提案"]
    assert "截至2026年11月22日，承办部门尚未作出答复，2件正在办理中，其中1件已超过办理期限。" in text
    assert "答复率为" not in text and "满意率为" not in text and "办结率为" not in text
    assert "全部予以立案，立案率为100%（立案3件÷收到提案3件）" in text  # this one is 100%
    path = write_docx(doc, tmp_path / "r.docx")
    shown = [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs if p.style.name.endswith("级标题")]
    assert shown == [("一级标题", "一、提案的提出和审查情况"), ("一级标题", "二、提案的交办和办理情况"),
                     ("二级标题", "（一）交办和答复"), ("二级标题", "（二）各承办部门办理情况"),
                     ("一级标题", "三、尚未办结的提案")]


def test_completeness_sentences_only_at_exactly_100_percent(congress):
    session = new_session(congress)
    first = add(congress, session, "甲", lead="办公室", deadline="2026-10-30", result="已解决", rating="满意")
    add(congress, session, "乙", lead="后勤保障部", deadline="2026-10-30", result="已解决", rating="基本满意")
    doc = proposal_report(congress["db"], session, today=TODAY)
    text = to_plain_text(doc)
    for phrase in COMPLETENESS:
        assert phrase in text, phrase
    assert "立案提案件件有答复，答复率为100%（已答复2件÷立案2件）。" in text
    assert "已答复的2件均为已经解决。立案提案已全部办结，办结率为100%（办结2件÷立案2件）。" in text
    assert "均表示满意或基本满意（满意1件，基本满意1件），满意率为100%（满意和基本满意2件÷已评价2件）。" in text
    assert "三、" not in "".join(headings(doc)) and "对尚未办结的提案" not in text

    # one answer short of 100%: none of those sentences
    add(congress, session, "丙", lead="办公室", deadline="2026-12-30")
    text = to_plain_text(proposal_report(congress["db"], session, today=TODAY))
    for phrase in ("件件有答复", "已全部办结", "各承办部门主办的提案均已答复"):
        assert phrase not in text, phrase
    assert "答复率为66.7%（已答复2件÷立案3件）" in text and "办公室主办" not in text
    assert "后勤保障部主办的提案均已答复" in text  # a department that did answer all of its own
    # a rating short of 100%
    ProposalStore(congress["db"], TODAY).rate(ProposalStore(congress["db"], TODAY).latest_handling(first)["id"], "")
    ProposalStore(congress["db"], TODAY).rate(ProposalStore(congress["db"], TODAY).latest_handling(first)["id"],
                                              "不满意", "2026-10-21")
    text = to_plain_text(proposal_report(congress["db"], session, today=TODAY))
    assert "均表示满意" not in text and "满意率为50.0%（满意和基本满意1件÷已评价2件）" in text
    assert "答复已解决但提案人不满意的1件未计入办结。" in text
    assert "提案人对答复不满意、尚待重新办理的1件：第3届第3次-001“甲”（主办：办公室）。" in text


def test_results_and_second_rounds(congress):
    session = new_session(congress)
    add(congress, session, "计划中的", lead="办公室", deadline="2026-10-30", result="列入计划", rating="基本满意")
    add(congress, session, "解决不了的", lead="办公室", deadline="2026-10-30", result="暂不能解决")
    redo = add(congress, session, "重办的", lead="办公室", deadline="2026-10-30", result="正在解决", rating="不满意")
    p = congress["p"]
    p.second_round(redo, HandlingInput("后勤保障部", [], "李副总", "2026-10-25", "2026-12-31"))
    text = to_plain_text(proposal_report(congress["db"], session, today=TODAY))
    assert "从答复内容看，已答复的2件中，列入计划1件，暂不能解决1件。目前尚无办结的提案。" in text
    assert "对提案人不满意的答复，已重新交办1件，由承办部门再次办理。" in text
    assert "答复为暂不能解决的1件：第3届第3次-002“解决不了的”（主办：办公室，原因：条件不具备）。" in text
    assert "正在办理中的1件：第3届第3次-003“重办的”（主办：后勤保障部，办理期限：2026年12月31日）。" in text


def test_a_voided_session_has_no_report(congress):
    session = new_session(congress)
    congress["store"].void_session(session, "误建")
    with pytest.raises(UserError):
        proposal_report(congress["db"], session, today=TODAY)


def test_the_report_as_a_word_file(register, tmp_path):
    doc = proposal_report(register["db"], register["sessions"][2], today=TODAY)
    path = write_docx(doc, tmp_path / default_report_name("第三届职代会第二次会议"))
    d = docx.Document(str(path))
    texts = [p.text for p in d.paragraphs]
    assert texts[0] == "关于第三届职代会第二次会议提案办理情况的报告" and "各位代表：" in texts
    assert [t for p, t in zip(d.paragraphs, texts) if p.style.name == "一级标题"] == [
        "一、提案的提出和审查情况", "二、提案的交办和办理情况", "三、尚未办结的提案"]
    assert [t for p, t in zip(d.paragraphs, texts) if p.style.name == "二级标题"] == [
        "（一）交办和答复", "（二）办理结果", "（三）提案人评价", "（四）各承办部门办理情况"]
    [table] = d.tables
    assert [c.text for c in table.rows[0].cells] == list(DEPARTMENT_HEADER)
    assert texts[-2:] == ["某某机械有限公司职代会提案工作委员会", "2026年11月22日"]
    assert re.search(r"立案率为63\.6%（立案7件÷收到提案11件）", "\n".join(texts))
