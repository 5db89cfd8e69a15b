"""The officer's own sections: 思想政治引领 (order 10), 存在的问题和不足 (80) and 下一步工作打算 (90).

The records cannot say what these sections say, so the draft never invents it: each starts with a few short
prompts in 【】 brackets ("【请填写：……】") for the officer to replace. :func:`unfilled_prompts` finds the
prompts still left in a document (the wizard and the command line warn before output).

The plans section's title follows the period ("2027年工作打算" after a year, "下半年工作打算" after a first
half, "下学期工作打算" after a semester, "今后工作的建议" in a term report) and its prompt names the topics of
the sections in the report, so the plans answer the summary.
"""

from __future__ import annotations

import re

from gonghui_desk.documents import Document, Paragraph, Section
from gonghui_desk.reports.model import ReportContext, SectionSpec, Stat
from gonghui_desk.reports.periods import period_shape
from gonghui_desk.reports.sections import register_section

__all__ = ["FREE_TEXT_KEYS", "PROMPT_CLOSE", "PROMPT_OPEN", "SHORT_TOPICS", "plans_title", "prompt",
           "unfilled_prompts"]

PROMPT_OPEN, PROMPT_CLOSE = "【请填写：", "】"
_PROMPT = re.compile(r"【请(?:填写|补充)[：:][^】]*】")
FREE_TEXT_KEYS = ("politics", "problems", "plans")
SUMMARY_KINDS = ("annual", "half", "semester", "term")

# section key -> the topic in a few words (for the plans' prompt); the section modules' keys, DOMAIN.md §4
SHORT_TOPICS = {
    "politics": "思想政治引领",
    "democracy": "民主管理",
    "competition": "劳动竞赛和技能提升",
    "care": "帮扶和送温暖",
    "culture": "文体活动和职工培训",
    "women": "女职工工作",
    "self": "工会自身建设",
}


def prompt(text: str) -> Paragraph:
    """A paragraph that asks the officer to write something: "【请填写：<text>】"."""
    return Paragraph(f"{PROMPT_OPEN}{text}{PROMPT_CLOSE}")


def unfilled_prompts(doc: Document) -> list[str]:
    """The 【请填写：…】 prompts still in the document's paragraphs, in order."""
    found = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            found.extend(_PROMPT.findall(block.text))
    return found


def _no_stats(ctx: ReportContext) -> list[Stat]:
    return []


# --- 思想政治引领 --------------------------------------------------------------------------------------------
_ETHICS = {"学校": "师德师风建设", "医院": "医德医风建设", "机关": "作风建设和职业道德建设"}


def _politics_write(ctx: ReportContext, stats, previous) -> Section:
    staff = ctx.vocabulary.staff
    ethics = _ETHICS.get(_union_kind(ctx), "职业道德建设和劳模精神、劳动精神、工匠精神宣传")
    return Section(_politics_title(ctx), [
        prompt(f"组织{staff}开展政治理论学习和主题教育的情况（主题、形式、次数、参加人数）。"),
        prompt(f"{ethics}的做法和成效，以及先进典型的宣传。"),
    ])


def _politics_title(ctx: ReportContext) -> str:
    return f"加强思想政治引领，凝聚广大{ctx.vocabulary.staff}"


# --- 存在的问题和不足 ----------------------------------------------------------------------------------------
def _problems_write(ctx: ReportContext, stats, previous) -> Section:
    return Section("存在的问题和不足", [
        prompt("工作中存在的主要问题和不足，实事求是，一般写两到三条，每条写明表现和原因。"),
    ])


# --- 下一步工作打算 ------------------------------------------------------------------------------------------
def plans_title(ctx: ReportContext) -> str:
    if ctx.kind == "term":
        return "今后工作的建议"
    shape, year, n = period_shape(ctx.period)
    if shape == "year":
        return f"{year + 1}年工作打算"
    if shape == "half":
        return "下半年工作打算" if n == 1 else f"{year + 1}年工作打算"
    if shape == "semester":
        return "下学期工作打算"
    return "下一步工作打算"


def _plans_write(ctx: ReportContext, stats, previous) -> Section:
    topics = [SHORT_TOPICS[key] for key in ctx.sections if key in SHORT_TOPICS]
    if ctx.kind == "care":
        topics = ["困难职工帮扶", "走访慰问", "送温暖资金的筹集和发放"]
    around = f"围绕{'、'.join(topics)}等方面，" if topics else ""
    when = "今后一个时期" if ctx.kind == "term" else "下一步"
    return Section(plans_title(ctx), [
        prompt(f"{when}的主要工作和措施，{around}一般写三到五条，写明目标和完成时间。"),
    ])


def _union_kind(ctx: ReportContext) -> str:
    if "union.kind" not in ctx.cache:
        row = next(iter(ctx.db.query("SELECT kind FROM union_profile WHERE id = 1")), None)
        ctx.cache["union.kind"] = row["kind"] if row else "企业"
    return ctx.cache["union.kind"]


POLITICS = register_section(SectionSpec(
    key="politics", title="加强思想政治引领", order=10, stats=_no_stats, write=_politics_write,
    kinds=SUMMARY_KINDS, free_text=True, title_for=_politics_title))
PROBLEMS = register_section(SectionSpec(
    key="problems", title="存在的问题和不足", order=80, stats=_no_stats, write=_problems_write,
    kinds=SUMMARY_KINDS + ("care",), free_text=True))
PLANS = register_section(SectionSpec(
    key="plans", title="下一步工作打算", order=90, stats=_no_stats, write=_plans_write,
    kinds=SUMMARY_KINDS + ("care",), free_text=True, title_for=plans_title))

