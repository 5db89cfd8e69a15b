"""The report section ``democracy`` (民主管理): the congress sessions held in the period with their delegates,
and their proposals — received, review, handling and the categories — with every rate on its base.

The hand-made congress of ``tests/test_proposals_register.py`` (session 2 on 2026-03-12 with one proposal in
every state; session 1 on 2025-03-10 with one) gives the figures by hand; the templates are checked for
their zero case (a prompt, no "0件"), the completeness sentences at exactly 100% only, a session whose
proposals wait for review, several sessions, splits, the approximate and Chinese-numeral options and the
comparison with the previous year; the figures are checked against independent SQL on the demo databases.
"""

from __future__ import annotations

import re

import pytest

from gonghui_desk import demo
from gonghui_desk.congress.proposals import HandlingInput, ProposalInput, ReplyInput, ReviewInput, SplitPart
from gonghui_desk.congress.report_sections import DEMOCRACY
from gonghui_desk.congress.store import SessionInput
from gonghui_desk.db import open_database
from gonghui_desk.documents import Paragraph, compose
from gonghui_desk.reports.model import ReportContext, ReportOptions, ReportPeriod, Stat
from gonghui_desk.reports.sections import section
from gonghui_desk.union import load_profile
from tests import test_proposals_register
from tests.conftest import TODAY

register = test_proposals_register.register  # the hand-made congress (a fixture)

YEAR = ReportPeriod("2026-01-01", "2026-12-31", "2026年")
LAST_YEAR = ReportPeriod("2025-01-01", "2025-12-31", "上年")
ZERO = re.compile(r"(?<![\d.])0(场|次|人次|人|名|期|件|项|支|个|元)")
P = "democracy.proposals"
RATES = {f"{P}.filing_rate": (f"{P}.registered", f"{P}.received"),
         f"{P}.reply_rate": (f"{P}.replied", f"{P}.registered"), f"{P}.completion_rate": (f"{P}.completed", f"{P}.registered"),
         f"{P}.satisfaction_rate": (f"{P}.satisfied", f"{P}.rated")}


def context(db, period=YEAR, options=ReportOptions(), previous=None, kind="annual") -> ReportContext:
    profile = load_profile(db)
    return ReportContext(db, period, options, profile.vocabulary, profile.name, TODAY, previous=previous, kind=kind)


def run(db, period=YEAR, options=ReportOptions(), compare=False, kind="annual"):
    spec = section("democracy")
    ctx = context(db, period, options, LAST_YEAR if compare else None, kind)
    stats = spec.stats(ctx)
    previous = spec.stats(context(db, LAST_YEAR, options, kind=kind)) if compare else None
    written = spec.write(ctx, stats, previous)
    paragraphs = [b for b in compose([written]) if isinstance(b, Paragraph)]
    return {s.key: s for s in stats}, written, [p.text for p in paragraphs], paragraphs


def check_marks(paragraphs: list[Paragraph], stats: dict[str, Stat], previous: list[Stat] | None = None) -> int:
    """Every mark (exact options) stands on its figure: a count on its value, a rate on count÷base."""
    before = {s.key + "@previous" for s in previous or ()}
    from gonghui_desk.reports.text import percent_phrase

    n = 0
    for p in paragraphs:
        for m in p.marks:
            n += 1
            text = p.text[m.start:m.end]
            if m.key.endswith("@previous"):
                assert m.key in before
            elif m.key in RATES:
                count, base = (stats[k].value for k in RATES[m.key])
                assert text == percent_phrase(count, base) and stats[m.key].value == count, (m.key, text)
            else:
                assert int(re.match(r"\d+", text).group()) == stats[m.key].value, (m.key, text)
    return n


# --- figures ----------------------------------------------------------------------------------------------------
def test_figures_by_hand(register):
    stats, *_ = run(register["db"])
    assert {k: s.value for k, s in stats.items()} == {
        "democracy.sessions": 1,
        # on 2026-03-12: 张三 李四 王五 钱七 (left 05-31) 周九 (from 01-10) 正式, 赵六 列席
        "democracy.session.1.formal": 5, "democracy.session.1.attending": 1,
        f"{P}.received": 11, f"{P}.registered": 7, f"{P}.filing_rate": 7,  # A–K (L voided); A–G 立案
        f"{P}.not_registered": 1, f"{P}.to_suggestions": 1, f"{P}.merged": 1, f"{P}.pending_review": 1,
        f"{P}.replied": 4, f"{P}.reply_rate": 4,  # A B C D
        f"{P}.completed": 2, f"{P}.completion_rate": 2,  # A C
        f"{P}.in_progress": 2, f"{P}.to_assign": 1, f"{P}.overdue": 1,  # E F; G; E
        f"{P}.rated": 3, f"{P}.satisfied": 2, f"{P}.satisfaction_rate": 2,  # A 满意 B 基本满意 D 不满意
        f"{P}.category:生活福利": 5, f"{P}.category:安全生产": 2, f"{P}.category:薪酬待遇": 1,
        f"{P}.category:其他": 2, f"{P}.category:未分类": 1,
    }
    ids = register["ids"]
    assert stats[f"{P}.received"].ids == tuple(sorted(ids[k] for k in "ABCDEFGHIJK"))
    assert stats[f"{P}.completed"].ids == tuple(sorted((ids["A"], ids["C"])))
    assert stats[f"{P}.category:未分类"].ids == (ids["F"],)
    assert stats[f"{P}.filing_rate"].basis == "立案率＝立案7件÷收到提案11件＝63.6%"
    assert stats[f"{P}.satisfaction_rate"].basis == "满意率＝满意和基本满意2件÷已评价3件＝66.7%"
    assert stats["democracy.sessions"].ids == (register["sessions"][2],)
    assert stats["democracy.session.1.formal"].table == "congress_delegates"
    assert len(stats["democracy.session.1.formal"].ids) == 5
    for stat in stats.values():
        assert stat.key.startswith("democracy.") and stat.basis and stat.unit in ("次", "人", "件")


def test_text(register):
    stats, written, text, paragraphs = run(register["db"])
    assert written.title == "加强民主管理，推进厂务公开"
    assert text == [
        "2026年3月12日，召开第三届职代会第二次会议，会议召开时本届在任正式代表5名、列席代表1名。"
        "【请补充：会议听取和审议的报告、通过的决议和其他主要议程。】",
        "会议共收到代表提案11件。经提案工作委员会审查，立案7件，立案率为63.6%（立案7件÷收到提案11件）；不予立案1件，"
        "转为意见和建议1件，因内容相同或相近并入其他提案1件；另有1件尚待审查。",
        "截至2026年11月22日，承办部门已答复4件，答复率为57.1%（已答复4件÷立案7件）；已办结2件，办结率为28.6%"
        "（办结2件÷立案7件）；提案人已评价3件，其中满意和基本满意2件，满意率为66.7%（满意和基本满意2件÷已评价3件）。"
        "尚有1件提案已超过办理期限仍未答复。",
        "从内容看，生活福利方面5件、安全生产方面2件、其他2件、薪酬待遇方面1件、未分类1件。",
        "【请填写：厂务公开工作情况，如公开的事项、形式和次数，以及民主评议、集体协商等其他民主管理工作；没有的请删除本段。】",
    ]
    assert check_marks(paragraphs, stats) == 30
    assert "件件" not in "".join(text) and "全部" not in "".join(text)


def test_the_comparison_is_marked_with_the_previous_stats(register):
    stats, _, text, paragraphs = run(register["db"], compare=True)
    assert text[1].endswith("另有1件尚待审查。与上年相比，收到提案增加10件，立案增加6件。")
    previous = section("democracy").stats(context(register["db"], LAST_YEAR))
    check_marks(paragraphs, stats, previous)
    marked = {p.text[m.start:m.end]: m.key for p in paragraphs for m in p.marks if m.key.endswith("@previous")}
    assert marked == {"增加10件": f"{P}.received@previous", "增加6件": f"{P}.registered@previous"}


def test_approximate_rates_and_chinese_numerals(register):
    _, _, text, _ = run(register["db"], options=ReportOptions(approximate=True, chinese_numerals=True))
    assert text[0].endswith("在任正式代表五名、列席代表一名。【请补充：会议听取和审议的报告、通过的决议和其他主要议程。】")
    assert text[1].startswith("会议共收到代表提案11件。经提案工作委员会审查，立案七件，立案率为63%以上（立案7件÷收到提案11件）；")
    assert "满意率为66%以上（满意和基本满意2件÷已评价3件）" in text[2]
    assert "办结率为28%以上（办结2件÷立案7件）" in text[2]


def test_several_sessions_are_summed(register):
    period = ReportPeriod("2024-03-01", "2026-11-30", "第三届任期内")
    stats, _, text, paragraphs = run(register["db"], period, kind="term")
    assert text[0].startswith("任期内共召开职代会会议2次：2025年3月10日召开第三届职代会第一次会议（在任正式代表4名、列席代表1名）；"
                              "2026年3月12日召开第三届职代会第二次会议（在任正式代表5名、列席代表1名）。")
    assert text[1].startswith("各次会议共收到代表提案12件。经提案工作委员会审查，立案8件，立案率为66.7%（立案8件÷收到提案12件）")
    assert (stats[f"{P}.replied"].value, stats[f"{P}.overdue"].value) == (4, 2)  # M is overdue too
    check_marks(paragraphs, stats)
    tables = section("democracy").appendix(context(register["db"], period, kind="term"), list(stats.values()))
    assert tables[0].rows == (("第三届职代会第一次会议", "2025年3月10日", "4", "1", "1", "1", "0", "0"),
                              ("第三届职代会第二次会议", "2026年3月12日", "5", "1", "11", "7", "4", "2"))
    categories = {r[0]: r[1:] for r in tables[1].rows}
    # A C G J K and M (session 1); 立案 A C G M; answered and done A C
    assert categories["生活福利"] == ("6", "4", "66.7%", "2", "50.0%", "2", "50.0%")
    departments = {r[0]: r[1:] for r in tables[2].rows}
    assert departments["后勤保障部"] == ("3", "1", "2", "66.7%", "2", "66.7%", "1", "100%")
    assert departments["办公室"][:3] == ("1", "0", "0")  # M (session 1); L is voided


def test_completeness_sentences_only_at_exactly_100_percent(register):
    db = register["db"]
    c, p = register["store"], register["proposals"]
    session = c.create_session(SessionInput(register["term"], 3, held_on="2026-10-10"))
    people = register["people"]
    for n in (1, 2):
        proposal_id, _ = p.file(ProposalInput(session, f"关于第{n}件事的建议", proposer_member_id=people["张三"],
                                              cosigner_ids=[people["李四"], people["王五"]], category="生活福利",
                                              submitted_on="2026-10-10"))
        p.review(proposal_id, ReviewInput("立案", reviewed_on="2026-10-12"))
        handling = p.assign(proposal_id, HandlingInput("办公室", [], "王副总", "2026-10-13", "2026-11-13"))
        p.reply(handling, ReplyInput("已办", "2026-11-01", "已解决"))
        p.rate(handling, "满意" if n == 1 else "基本满意", "2026-11-05")
    stats, _, text, paragraphs = run(db, ReportPeriod("2026-10-01", "2026-12-31", "2026年第四季度"))
    assert text[1] == "会议共收到代表提案2件，经提案工作委员会逐件审查，全部予以立案，立案率为100%（立案2件÷收到提案2件）。"
    assert text[2] == ("截至2026年11月22日，立案提案件件有答复，答复率为100%（已答复2件÷立案2件）；立案提案已全部办结，"
                       "办结率为100%（办结2件÷立案2件）；提案人已评价的2件答复均为满意或基本满意，满意率为100%"
                       "（满意和基本满意2件÷已评价2件）。")
    assert text[3] == "从内容看，提案均属于生活福利方面。"
    check_marks(paragraphs, stats)


def test_a_session_waiting_for_review_and_splits(register):
    db = register["db"]
    c, p = register["store"], register["proposals"]
    session = c.create_session(SessionInput(register["term"], 3, held_on="2026-10-10"))
    people = register["people"]
    original, _ = p.file(ProposalInput(session, "关于食堂和停车的建议", proposer_member_id=people["张三"],
                                       cosigner_ids=[people["李四"], people["王五"]], submitted_on="2026-10-10"))
    p.split(original, [SplitPart("关于改善食堂的建议", "生活福利"), SplitPart("关于增加停车位的建议", "工作环境")])
    stats, _, text, paragraphs = run(db, ReportPeriod("2026-10-01", "2026-12-31", "2026年第四季度"))
    assert stats[f"{P}.split"].value == 2 and stats[f"{P}.received"].value == 3
    assert text[1] == "会议共收到代表提案3件（其中审查时按一事一案拆分形成2件），尚待提案工作委员会审查。"
    assert len(text) == 4  # sessions, review, categories, the prompt: nothing is handled yet
    assert text[2] == "从内容看，生活福利方面1件、工作环境方面1件、未分类1件。"
    check_marks(paragraphs, stats)
    assert not ZERO.search("".join(text))


def test_nothing_registered_has_no_rate_and_no_handling(register):
    c, p = register["store"], register["proposals"]
    session = c.create_session(SessionInput(register["term"], 3, held_on="2026-10-10"))
    people = register["people"]
    for outcome in ("不立案", "转意见建议"):
        proposal_id, _ = p.file(ProposalInput(session, f"关于{outcome}的建议", proposer_member_id=people["张三"],
                                              cosigner_ids=[people["李四"], people["王五"]], category="其他",
                                              submitted_on="2026-10-10"))
        p.review(proposal_id, ReviewInput(outcome, "不属于提案范围", reviewed_on="2026-10-12"))
    stats, _, text, _ = run(register["db"], ReportPeriod("2026-10-01", "2026-12-31", "2026年第四季度"))
    assert stats[f"{P}.filing_rate"].value == stats[f"{P}.registered"].value == 0  # counted, but never written as 0%
    assert f"{P}.replied" not in stats and f"{P}.reply_rate" not in stats
    assert text[1] == "会议共收到代表提案2件。经提案工作委员会审查，不予立案1件，转为意见和建议1件。"
    assert text[2] == "从内容看，提案均属于其他方面。"
    assert not ZERO.search("".join(text))


def test_a_period_without_a_session_gives_prompts_only(register):
    stats, written, text, _ = run(register["db"], ReportPeriod("2024-01-01", "2024-12-31", "2024年"))
    assert {k: s.value for k, s in stats.items()} == {"democracy.sessions": 0}
    assert text == ["【本期没有职代会会议的记录。如召开了会议或开展了民主管理工作，请在此填写；否则请删除本部分。】",
                    "【请填写：厂务公开工作情况，如公开的事项、形式和次数，以及民主评议、集体协商等其他民主管理工作；没有的请删除本段。】"]
    assert section("democracy").appendix(context(register["db"], ReportPeriod("2024-01-01", "2024-12-31", "x")),
                                         list(stats.values())) == []


def test_the_title_follows_the_union_words(tmp_path):
    for kind, words in (("学校", "校务公开"), ("医院", "院务公开"), ("企业", "厂务公开")):
        from gonghui_desk.union import UnionProfile, save_profile

        db = open_database(tmp_path / f"{kind}.sqlite3")
        save_profile(db, UnionProfile(name="某工会", kind=kind))
        assert section("democracy").heading(context(db)) == f"加强民主管理，推进{words}"
        db.conn.close()


def test_registered_with_its_headline():
    spec = section("democracy")
    assert spec is DEMOCRACY and spec.order == 20 and spec.headline == ("democracy.sessions", f"{P}.received")


# --- independent SQL on the demo databases ----------------------------------------------------------------------
@pytest.fixture(scope="module", params=["school", "company"])
def demo_db(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / f"{request.param}.sqlite3"
    demo.create_demo_database(path, kind=request.param, seed=11, today=TODAY)
    database = open_database(path)
    yield database
    database.conn.close()


LATEST = """(SELECT h.replied_on, h.result, h.rating FROM proposal_handlings h WHERE h.proposal_id = p.id
             AND h.voided_at IS NULL ORDER BY h.round DESC LIMIT 1)"""


@pytest.mark.parametrize("period", [YEAR, LAST_YEAR, ReportPeriod("2021-12-01", "2026-11-30", "任期内")])
def test_demo_figures_agree_with_independent_sql(demo_db, period):
    stats, _, text, paragraphs = run(demo_db, period)
    sessions = demo_db.execute(
        """SELECT s.id, s.term_id, s.held_on FROM congress_sessions s JOIN congress_terms t ON t.id = s.term_id
           WHERE s.voided_at IS NULL AND t.voided_at IS NULL AND s.held_on BETWEEN ? AND ? ORDER BY s.held_on""",
        [period.date_from, period.date_to]).fetchall()
    assert stats["democracy.sessions"].value == len(sessions)
    for i, (_, term_id, held_on) in enumerate(sessions, 1):
        for role, key in (("正式代表", "formal"), ("列席代表", "attending")):
            n = demo_db.execute(
                """SELECT count(*) FROM congress_delegates d JOIN members m ON m.id = d.member_id
                   WHERE d.term_id = ? AND d.role = ? AND d.voided_at IS NULL AND m.voided_at IS NULL
                   AND coalesce(d.from_date, '0000') <= ? AND coalesce(d.to_date, '9999') >= ?""",
                [term_id, role, held_on, held_on]).fetchone()[0]
            assert stats[f"democracy.session.{i}.{key}"].value == n
    if not sessions:
        return
    ids = ", ".join(str(s[0]) for s in sessions)
    rows = demo_db.execute(
        f"""SELECT p.review, p.category,
                   (SELECT h.replied_on FROM proposal_handlings h WHERE h.proposal_id = p.id AND h.voided_at IS NULL
                    ORDER BY h.round DESC LIMIT 1),
                   (SELECT h.result FROM proposal_handlings h WHERE h.proposal_id = p.id AND h.voided_at IS NULL
                    ORDER BY h.round DESC LIMIT 1),
                   (SELECT h.rating FROM proposal_handlings h WHERE h.proposal_id = p.id AND h.voided_at IS NULL
                    ORDER BY h.round DESC LIMIT 1)
            FROM proposals p WHERE p.voided_at IS NULL AND p.session_id IN ({ids})""").fetchall()
    registered = [r for r in rows if r[0] == "立案"]
    replied = [r for r in registered if r[2]]
    completed = [r for r in replied if r[3] == "已解决" and r[4] != "不满意"]
    rated = [r for r in registered if r[4]]
    good = [r for r in rated if r[4] in ("满意", "基本满意")]
    assert stats[f"{P}.received"].value == len(rows) == len(stats[f"{P}.received"].ids)
    assert stats[f"{P}.registered"].value == len(registered)
    assert stats[f"{P}.replied"].value == len(replied)
    assert stats[f"{P}.completed"].value == len(completed)
    assert stats[f"{P}.rated"].value == len(rated) and stats[f"{P}.satisfied"].value == len(good)
    for category in {r[1] for r in rows}:
        key = f"{P}.category:{category or '未分类'}"
        assert stats[key].value == sum(1 for r in rows if r[1] == category)
    check_marks(paragraphs, stats)
    assert not ZERO.search("".join(text))
