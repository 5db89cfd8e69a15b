"""Building a summary report from the registered sections (DOMAIN.md §3, §4).

* :func:`available_sections` — what the wizard's second step shows: every section offered for the kind of
  report, in the default order, with the figures it would state; a section without data is shown and left
  out by default; the officer's free-text sections are in by default.
* :func:`build_report` — the document: the title ("<union><period><kind>"), for a 工会工作报告 the
  salutation "各位代表、同志们：" and a mandate line, the opening paragraph (the period, under whose
  leadership, the guiding line, the headline figures of the sections in the report, then "现将……总结如下："),
  the chosen sections in order (numbered headings come from :func:`~gonghui_desk.documents.compose`), for a
  工会工作报告 a closing call, the statistics tables when asked, the signer and the date. Every stat is listed
  in :attr:`Document.figures` with its basis. :func:`build_report_with_stats` returns the stats too, keyed
  as the paragraphs' marks are.
* :func:`report_stats` — every figure of the report by key (for "how was this computed" and for tests);
  with ``compare`` the previous period's figures too, under ``<key>@previous``.
* :func:`records_for` — the records behind a figure, as a small table for the editor.

Sections are chosen by ``request.sections`` (keys in the order wanted); with none, every section with data
and every free-text section, in the default order. A section chosen explicitly but without data gets a
prompt for the officer instead of disappearing. Long work reports progress and checks for 取消
(:mod:`gonghui_desk.jobs`): one step per section (two when comparing) and one for writing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field

import sqlite_utils

from gonghui_desk.documents import Document, Figure, Paragraph, Section, Table, compose
from gonghui_desk.documents.model import chinese_numeral
from gonghui_desk.documents.wording import date_text
from gonghui_desk.errors import UserError
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel, interrupt_on_cancel, no_progress
from gonghui_desk.reports import free_text  # noqa: F401  (registers 思想政治引领, 问题和不足, 工作打算)
from gonghui_desk.reports.model import (REPORT_KINDS, ReportContext, ReportOptions, ReportPeriod, ReportRequest,
                                        SectionSpec, Stat)
from gonghui_desk.reports.periods import period_shape, period_words, previous_period
from gonghui_desk.reports.sections import registered_sections, section
from gonghui_desk.reports.text import PREVIOUS_SUFFIX, MarkedText, headline_phrase, stat_text
from gonghui_desk.union import load_profile

__all__ = ["NO_DATA_PROMPT", "SectionPreview", "available_sections", "build_report", "build_report_with_stats",
           "records_for", "register_records_view", "report_context", "report_stats", "report_title"]

NO_DATA_PROMPT = "所选期间没有本部分的记录。请补充本部分的内容，或删除本部分"
GUIDING_LINE = "以习近平新时代中国特色社会主义思想为指导"
CENTRE_WORK = {"学校": "围绕学校教育教学中心工作", "医院": "围绕医院改革发展中心工作",
               "企业": "围绕企业生产经营中心任务", "机关": "围绕机关中心工作"}


@dataclass
class SectionPreview:
    """A section as the wizard's second step shows it."""

    key: str
    title: str
    stats: list[Stat]
    has_data: bool
    default_included: bool
    free_text: bool
    order: int = 0

    @property
    def figures_text(self) -> str:
        """The figures it would state, in a line: "慰问人次 23人次、慰问金 1.15万元" ('' when none)."""
        return "、".join(f"{s.label} {stat_text(s)}" for s in self.stats if s.value)


def _today(today) -> dt.date:
    if today is None:
        return dt.date.today()
    return dt.date.fromisoformat(today[:10]) if isinstance(today, str) else today


def _check_kind(kind: str) -> None:
    if kind not in REPORT_KINDS:
        raise UserError(f"没有这种总结：{kind}（可选：{'、'.join(REPORT_KINDS)}）")


def report_context(db: sqlite_utils.Database, request: ReportRequest, today: dt.date | str | None = None
                   ) -> ReportContext:
    """The context the sections count and write in (the previous period set when comparing)."""
    _check_kind(request.kind)
    profile = load_profile(db)
    return ReportContext(db=db, period=request.period, options=request.options, vocabulary=profile.vocabulary,
                         union_name=profile.name, today=_today(today),
                         previous=previous_period(request.period) if request.options.compare else None,
                         kind=request.kind, sections=tuple(request.sections))


def _has_data(stats: list[Stat]) -> bool:
    return any(s.value > 0 for s in stats)


def _stats(spec: SectionSpec, ctx: ReportContext) -> list[Stat]:
    if spec.free_text:
        return []
    stats = list(spec.stats(ctx))
    for stat in stats:
        if not isinstance(stat, Stat):
            raise TypeError(f"section {spec.key!r} gave {stat!r}, not a Stat")
    return stats


def _previous_context(ctx: ReportContext) -> ReportContext:
    return dataclasses.replace(ctx, period=ctx.previous, previous=None, cache={})


def available_sections(db: sqlite_utils.Database, kind: str, period: ReportPeriod, *,
                       today: dt.date | str | None = None, options: ReportOptions | None = None
                       ) -> list[SectionPreview]:
    """Every section offered for ``kind``, in the default order, with its figures for ``period``."""
    request = ReportRequest(kind, period, options=dataclasses.replace(options or ReportOptions(), compare=False))
    ctx = report_context(db, request, today)
    previews = []
    for spec in registered_sections(kind):
        stats = _stats(spec, ctx)
        has_data = _has_data(stats)
        previews.append(SectionPreview(spec.key, spec.heading(ctx), stats, has_data, has_data or spec.free_text,
                                       spec.free_text, spec.order))
    return previews


@dataclass
class _Collected:
    ctx: ReportContext
    specs: list[SectionSpec]
    stats: dict[str, list[Stat]] = field(default_factory=dict)
    previous: dict[str, list[Stat] | None] = field(default_factory=dict)
    explicit: bool = False
    total: int = 0  # progress steps


def _resolve(request: ReportRequest) -> list[SectionSpec]:
    if not request.sections:
        return registered_sections(request.kind)
    specs, seen = [], set()
    for key in request.sections:
        if key in seen:
            continue
        seen.add(key)
        try:
            specs.append(section(key))
        except KeyError:
            offered = "、".join(s.key for s in registered_sections(request.kind))
            raise UserError(f"没有这一部分：{key}（可选：{offered}）") from None
    return specs


def _collect(db, request: ReportRequest, today, progress: Progress | None, is_cancelled: IsCancelled | None,
             extra_steps: int = 0) -> _Collected:
    with interrupt_on_cancel(db.conn, is_cancelled):  # a cancel stops the section's query, not only the next one
        return _collect_sections(db, request, today, progress, is_cancelled, extra_steps)


def _collect_sections(db, request: ReportRequest, today, progress: Progress | None,
                      is_cancelled: IsCancelled | None, extra_steps: int) -> _Collected:
    progress = progress or no_progress
    ctx = report_context(db, request, today)
    specs = _resolve(request)
    compare = ctx.previous is not None
    total = len(specs) * (2 if compare else 1) + extra_steps
    done = 0
    got = _Collected(ctx, [], explicit=bool(request.sections), total=total)
    previous_ctx = _previous_context(ctx) if compare else None
    for spec in specs:
        check_cancel(is_cancelled)
        progress(done, total, f"统计：{spec.heading(ctx)}")
        stats = _stats(spec, ctx)
        done += 1
        previous = None
        if compare and not spec.free_text:
            check_cancel(is_cancelled)
            progress(done, total, f"统计{ctx.previous.label}：{spec.heading(ctx)}")
            previous = _stats(spec, previous_ctx)
            done += 1
        elif compare:
            done += 1
        if not got.explicit and not spec.free_text and not _has_data(stats):
            continue
        got.specs.append(spec)
        got.stats[spec.key] = stats
        got.previous[spec.key] = previous
    got.ctx.sections = tuple(spec.key for spec in got.specs)
    progress(done, total, "撰写")
    return got


def _stat_map(got: _Collected) -> dict[str, Stat]:
    found: dict[str, Stat] = {}
    owner: dict[str, str] = {}

    def put(key: str, stat: Stat, spec_key: str) -> None:
        if key in found and found[key] != stat:
            raise ValueError(f"stat key {key!r} of section {spec_key!r} is also used by section {owner[key]!r} "
                             "with another value")
        found[key] = stat
        owner[key] = spec_key

    for spec in got.specs:
        for stat in got.stats[spec.key]:
            put(stat.key, stat, spec.key)
    label = got.ctx.previous.label if got.ctx.previous else ""
    for spec in got.specs:
        for stat in got.previous.get(spec.key) or ():
            put(stat.key + PREVIOUS_SUFFIX, dataclasses.replace(stat, key=stat.key + PREVIOUS_SUFFIX,
                                                                 label=f"{label}{stat.label}"), spec.key)
    return found


def report_stats(db: sqlite_utils.Database, request: ReportRequest, today: dt.date | str | None = None
                 ) -> dict[str, Stat]:
    """Every figure of the report by key (the previous period's under ``<key>@previous`` when comparing)."""
    return _stat_map(_collect(db, request, today, None, None))


# --- the document --------------------------------------------------------------------------------------------
def _unit_name(union_name: str) -> str:
    """"测试中学工会委员会" → "测试中学"; "" when the name is only 工会."""
    name = union_name.strip()
    for suffix in ("工会委员会", "工会"):
        if name.endswith(suffix):
            return name[:-len(suffix)]
    return name


def _union_short(union_name: str) -> str:
    """"测试中学工会委员会" → "测试中学工会"."""
    name = union_name.strip()
    return name[:-3] if name.endswith("工会委员会") else (name or "本会")


def report_title(union_name: str, request: ReportRequest) -> str:
    """"测试中学工会2026年度工作总结", "…2026年上半年工作总结", "…2026—2027学年第一学期工作总结",
    "…2026年送温暖工作总结", "测试中学工会委员会工作报告"."""
    if request.title:
        return request.title
    name = union_name.strip()
    if request.kind == "term":
        return f"{name}工作报告" if name.endswith(("工会", "工会委员会")) else f"{name}工会工作报告"
    short = _union_short(name) if name else ""
    label = request.period.label
    if request.kind == "care":
        return f"{short}{label}送温暖工作总结"
    if period_shape(request.period)[0] == "year" and label.endswith("年"):
        return f"{short}{label}度工作总结"
    return f"{short}{label}工作总结"


def _years_text(period: ReportPeriod) -> str:
    """"五年来" for a term of about five years (within a tenth of a year), "一年多来" for one of 1.6 years,
    "任期内" under about a year."""
    years = period.days / 365.25

    def cn(n: int) -> str:
        return "两" if n == 2 else chinese_numeral(n)

    nearest = round(years)
    if nearest >= 1 and abs(years - nearest) <= 0.1:
        return f"{cn(nearest)}年来"
    if years >= 1:
        return f"{cn(int(years))}年多来"
    return "任期内"


def _headlines(got: _Collected) -> list[MarkedText]:
    """One piece per section with headline stats above 0: "召开教代会1次，收到提案23件"."""
    pieces = []
    for spec in got.specs:
        by_key = {s.key: s for s in got.stats[spec.key]}
        text = MarkedText(got.ctx.options)
        for key in spec.headline:
            stat = by_key.get(key)
            if stat is None or stat.value <= 0:
                continue
            if text:
                text.add("，")
            text.add(headline_phrase(stat)).figure(stat)
        if text:
            pieces.append(text)
    return pieces


def _opening(got: _Collected, profile) -> list[Paragraph]:
    ctx, request_kind = got.ctx, got.ctx.kind
    unit = _unit_name(ctx.union_name) or "本单位"
    upstream = (profile.upstream_union or "").strip() or "上级工会"
    leadership = f"在{unit}党组织和{upstream}的领导下"
    staff = ctx.vocabulary.staff
    centre = CENTRE_WORK.get(profile.kind, "围绕单位中心工作")
    short = _union_short(ctx.union_name)
    period = ctx.period
    paragraphs: list[Paragraph] = []
    text = MarkedText(ctx.options)
    if request_kind == "term":
        committee = (f"第{chinese_numeral(profile.term_number)}届工会委员会" if profile.term_number
                     else "本届工会委员会")
        paragraphs.append(Paragraph(f"我代表{committee}向大会报告工作，请予审议。"))
        start = dt.date.fromisoformat(period.date_from)
        text.add(f"{committee}自{start.year}年{start.month}月产生以来，{leadership}，{GUIDING_LINE}，{centre}，"
                 f"团结带领广大{staff}，认真履行维护、建设、参与、教育职能。")
        words = _years_text(period)
    elif request_kind == "care":
        # what the records behind the report show the union did, not a claim about how it works
        text.add(f"{period.label}，{short}{leadership}，{GUIDING_LINE}，开展走访慰问和困难帮扶工作。")
        words = period_words(period, request_kind)
    else:
        text.add(f"{period.label}，{short}{leadership}，{GUIDING_LINE}，{centre}，团结带领广大{staff}，"
                 "认真履行维护、建设、参与、教育职能。")
        words = period_words(period, request_kind)
    pieces = _headlines(got)
    if pieces:
        text.add(f"{words}，")
        for i, piece in enumerate(pieces):
            if i:
                text.add("；")
            text.extend(piece)
        text.add("。")
    text.add(_transition(request_kind, period))
    paragraphs.append(text.paragraph())
    return paragraphs


def _transition(kind: str, period: ReportPeriod) -> str:
    if kind == "term":
        return f"现将{_years_text(period)}的主要工作报告如下："
    if kind == "care":
        return f"现将{period.label}送温暖工作情况总结如下："
    shape = period_shape(period)[0]
    words = {"year": "一年来", "half": "半年来", "semester": "本学期"}.get(shape, "这一时期")
    return f"现将{words}的工作总结如下："


def _closing(got: _Collected) -> list[Paragraph]:
    if got.ctx.kind != "term":
        return []
    unit = _unit_name(got.ctx.union_name) or "本单位"
    return [Paragraph(f"各位代表、同志们！让我们在{unit}党组织和上级工会的领导下，团结带领广大{got.ctx.vocabulary.staff}，"
                      f"凝心聚力，开拓进取，为{unit}的发展作出新的贡献！")]


def _write_section(spec: SectionSpec, got: _Collected) -> Section:
    ctx = got.ctx
    written = spec.write(ctx, got.stats[spec.key], got.previous.get(spec.key))
    if not isinstance(written, Section):
        raise TypeError(f"section {spec.key!r} wrote {type(written).__name__}, not a Section")
    if not written.title:
        written = dataclasses.replace(written, title=spec.heading(ctx))
    if not written.has_body() and got.explicit:
        written = dataclasses.replace(written, blocks=[free_text.prompt(NO_DATA_PROMPT)])
    return written


def _appendix(got: _Collected) -> Section:
    appendix = Section("主要工作数据")
    for spec in got.specs:
        if spec.appendix is None or spec.free_text:
            continue
        tables = [t for t in spec.appendix(got.ctx, got.stats[spec.key]) if isinstance(t, Table) and t.rows]
        if tables:
            appendix.children.append(Section(spec.heading(got.ctx), list(tables)))
    return appendix


def build_report_with_stats(db: sqlite_utils.Database, request: ReportRequest, *, today: dt.date | str | None = None,
                            progress: Progress | None = None, is_cancelled: IsCancelled | None = None
                            ) -> tuple[Document, dict[str, Stat]]:
    """The document and its stats by key (the keys of the paragraphs' marks)."""
    progress = progress or no_progress
    got = _collect(db, request, today, progress, is_cancelled, extra_steps=1)
    profile = load_profile(db)
    ctx = got.ctx
    sections = []
    for spec in got.specs:
        check_cancel(is_cancelled)
        sections.append(_write_section(spec, got))
    if request.options.appendix:
        sections.append(_appendix(got))
    doc = Document(title=report_title(ctx.union_name, request),
                   salutation="各位代表、同志们：" if request.kind == "term" else "",
                   signer=ctx.union_name.strip(), date_text=date_text(ctx.today))
    doc.blocks = [*_opening(got, profile), *compose(sections), *_closing(got)]
    if not request.options.charts:  # a table offers a chart (by month, by category) only when charts are asked for
        doc.blocks = [dataclasses.replace(b, chart=None) if isinstance(b, Table) and b.chart else b for b in doc.blocks]
    stats = _stat_map(got)
    doc.figures = [Figure(s.label, stat_text(s), s.basis) for s in stats.values()]
    progress(got.total, got.total, "完成")
    return doc, stats


def build_report(db: sqlite_utils.Database, request: ReportRequest, *, today: dt.date | str | None = None,
                 progress: Progress | None = None, is_cancelled: IsCancelled | None = None) -> Document:
    """The report's document (see the module text)."""
    return build_report_with_stats(db, request, today=today, progress=progress, is_cancelled=is_cancelled)[0]


# --- the records behind a figure -----------------------------------------------------------------------------
def _yuan(column: str) -> str:
    return f"CASE WHEN {column} % 100 = 0 THEN CAST({column} / 100 AS TEXT) ELSE printf('%.2f', {column} / 100.0) END"


_MEMBER = "(SELECT name FROM members WHERE id = {0})"
# table -> (header, SELECT … FROM <table> AS t …, ORDER BY); never ID or phone numbers (DOMAIN.md §7)
RECORD_VIEWS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "members": (("姓名", "性别", "部门", "状态", "入会日期"),
                "SELECT t.name, coalesce(t.sex, ''), coalesce(u.name, ''), t.status, coalesce(t.join_date, '') "
                "FROM members t LEFT JOIN sub_units u ON u.id = t.sub_unit_id", "t.name_sort, t.id"),
    "visits": (("慰问日期", "会员", "慰问对象", "慰问类别", "慰问金（元）", "物品", "物品价值（元）"),
               "SELECT coalesce(t.visit_date, '未走访'), m.name, "
               "CASE WHEN t.recipient_relation = '本人' THEN '本人' ELSE t.recipient_relation || t.recipient_name END, "
               f"o.name, {_yuan('t.cash_fen')}, t.goods_desc, {_yuan('t.goods_value_fen')} "
               "FROM visits t JOIN members m ON m.id = t.member_id JOIN care_occasions o ON o.id = t.occasion_id",
               "t.visit_date, t.id"),
    "campaigns": (("日期", "名称", "慰问类别"),
                  "SELECT t.campaign_date, t.name, o.name FROM campaigns t "
                  "JOIN care_occasions o ON o.id = t.occasion_id", "t.campaign_date, t.id"),
    "campaign_recipients": (("批次", "会员", "慰问金（元）", "物品"),
                            f"SELECT c.name, m.name, {_yuan('t.cash_fen')}, t.goods_desc FROM campaign_recipients t "
                            "JOIN campaigns c ON c.id = t.campaign_id JOIN members m ON m.id = t.member_id",
                            "c.campaign_date, t.sort_order, t.id"),
    "hardship_files": (("户主", "部门", "状态", "困难类别", "建档标准", "建档日期", "退出日期"),
                       "SELECT m.name, coalesce(u.name, ''), t.status, t.category, t.level, t.opened_on, "
                       "coalesce(t.closed_on, '') FROM hardship_files t JOIN members m ON m.id = t.member_id "
                       "LEFT JOIN sub_units u ON u.id = m.sub_unit_id", "t.opened_on, t.id"),
    "hardship_reviews": (("户主", "复核日期", "复核结果"),
                         "SELECT m.name, t.review_date, t.result FROM hardship_reviews t "
                         "JOIN hardship_files f ON f.id = t.file_id JOIN members m ON m.id = f.member_id",
                         "t.review_date, t.id"),
    "aid_payments": (("发放日期", "会员", "帮扶类型", "现金（元）", "物品价值（元）", "资金来源", "环节"),
                     f"SELECT coalesce(t.paid_on, ''), m.name, t.aid_type, {_yuan('t.cash_fen')}, "
                     f"{_yuan('t.goods_value_fen')}, t.fund_source, t.stage FROM aid_payments t "
                     "JOIN members m ON m.id = t.member_id", "t.paid_on, t.applied_on, t.id"),
    "events": (("日期", "名称", "类别", "主办", "状态"),
               "SELECT t.start_date, t.name, t.kind, CASE WHEN t.organiser = '' THEN t.organiser_kind "
               "ELSE t.organiser END, t.status FROM events t", "t.start_date, t.id"),
    "event_participants": (("活动", "日期", "参加者", "项目"),
                           "SELECT e.name, e.start_date, coalesce(m.name, tm.name, ''), coalesce(i.name, '') "
                           "FROM event_participants t JOIN events e ON e.id = t.event_id "
                           "LEFT JOIN members m ON m.id = t.member_id LEFT JOIN event_teams tm ON tm.id = t.team_id "
                           "LEFT JOIN event_items i ON i.id = t.item_id", "e.start_date, t.event_id, t.id"),
    "event_teams": (("活动", "队名"),
                    "SELECT e.name, t.name FROM event_teams t JOIN events e ON e.id = t.event_id",
                    "e.start_date, t.id"),
    "event_results": (("活动", "获奖者", "阶段", "名次", "等次", "奖金（元）"),
                      "SELECT e.name, coalesce(m.name, tm.name, nullif(t.awardee, ''), ''), t.stage, "
                      f"coalesce(t.rank, ''), t.grade, {_yuan('t.prize_fen')} FROM event_results t "
                      "JOIN events e ON e.id = t.event_id LEFT JOIN event_participants p ON p.id = t.participant_id "
                      "LEFT JOIN members m ON m.id = p.member_id LEFT JOIN event_teams tm ON tm.id = p.team_id",
                      "e.start_date, t.event_id, t.id"),
    "honours": (("年度", "荣誉称号", "级别", "获得者", "授予单位", "阶段"),
                "SELECT t.year, t.title, t.level, CASE t.recipient_kind WHEN '个人' THEN m.name "
                "WHEN '本会' THEN '本会' ELSE coalesce(nullif(t.group_name, ''), u.name, '') END, "
                "t.conferred_by, t.stage FROM honours t LEFT JOIN members m ON m.id = t.member_id "
                "LEFT JOIN sub_units u ON u.id = t.sub_unit_id", "t.year, t.id"),
    "congress_terms": (("届次", "开始", "结束"),
                       "SELECT '第' || t.number || '届', coalesce(t.started_on, ''), coalesce(t.ended_on, '') "
                       "FROM congress_terms t", "t.number"),
    "congress_sessions": (("会议", "召开日期", "类别"),
                          "SELECT '第' || ct.number || '届第' || t.number || '次会议', coalesce(t.held_on, ''), t.kind "
                          "FROM congress_sessions t JOIN congress_terms ct ON ct.id = t.term_id",
                          "ct.number, t.number"),
    "congress_delegates": (("姓名", "身份", "起", "止"),
                           "SELECT m.name, t.role, coalesce(t.from_date, ''), coalesce(t.to_date, '') "
                           "FROM congress_delegates t JOIN members m ON m.id = t.member_id", "m.name_sort, t.id"),
    "proposals": (("编号", "案由", "提案人", "提交日期", "审查结果"),
                  "SELECT t.number, t.title, coalesce(m.name, t.proposer_text), t.submitted_on, "
                  "CASE t.review WHEN '' THEN '待审查' ELSE t.review END FROM proposals t "
                  "LEFT JOIN members m ON m.id = t.proposer_member_id", "t.session_id, t.seq"),
    "proposal_handlings": (("提案编号", "轮次", "主办部门", "答复日期", "办理结果", "评价"),
                           "SELECT p.number, t.round, t.lead_department, coalesce(t.replied_on, ''), t.result, "
                           "t.rating FROM proposal_handlings t JOIN proposals p ON p.id = t.proposal_id",
                           "p.session_id, p.seq, t.round"),
    "committee_members": (("委员会", "姓名", "职务"),
                          "SELECT t.committee, t.person_name, t.role FROM committee_members t",
                          "t.committee, t.sort_order, t.id"),
    "member_status_changes": (("会员", "原状态", "新状态", "日期", "原因"),
                              "SELECT m.name, coalesce(t.old_status, ''), t.new_status, t.effective_date, t.reason "
                              "FROM member_status_changes t JOIN members m ON m.id = t.member_id",
                              "t.effective_date, t.id"),
    "sub_units": (("名称", "类型"), "SELECT t.name, t.kind FROM sub_units t", "t.sort_order, t.id"),
}
HIDDEN_COLUMNS = {"id_number", "phone", "bank_account", "bank_name", "search_text", "name_sort", "created_at",
                  "updated_at", "rule_warnings", "override_reason"}


def register_records_view(table: str, header: tuple[str, ...], select_sql: str, order_by: str = "t.id") -> None:
    """How :func:`records_for` shows the records of ``table``: ``select_sql`` selects the columns of
    ``header`` FROM the table aliased ``t`` (with any joins); ``order_by`` orders them."""
    RECORD_VIEWS[table] = (tuple(header), select_sql, order_by)


def records_for(db: sqlite_utils.Database, table: str, ids, limit: int = 500
                ) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """(header, rows) of the records ``ids`` of ``table``, at most ``limit`` rows, for the editor's list of
    the records behind a figure. Unknown tables are shown by their own columns (never ID or phone numbers)."""
    ids = [int(i) for i in ids]
    if not table or not ids:
        return (), []
    if table not in db.table_names():
        raise UserError(f"没有这张表：{table}")
    view = RECORD_VIEWS.get(table)
    if view is None:
        names = [c.name for c in db[table].columns]
        columns = [c for c in names if c not in HIDDEN_COLUMNS]
        header = tuple(columns)
        select = "SELECT " + ", ".join(f't."{c}"' for c in columns) + f' FROM "{table}" t'
        key = "id" if "id" in names else "rowid"
        order = f"t.{key}"
    else:
        header, select, order = view
        key = "id"
    sql = f"{select} WHERE t.{key} IN (SELECT value FROM json_each(?)) ORDER BY {order} LIMIT ?"
    rows = [tuple("" if v is None else str(v) for v in row)
            for row in db.execute(sql, (json.dumps(ids), int(limit))).fetchall()]
    return header, rows
