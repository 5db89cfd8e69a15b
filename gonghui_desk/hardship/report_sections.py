"""The hardship files and aid in the summary reports: the hardship part of the section 帮扶与送温暖
(:class:`~gonghui_desk.care.report_sections.CarePart` "hardship": 困难职工帮扶 and 金秋助学), and the 基本情况,
困难职工帮扶 and 金秋助学 sections of the 送温暖工作总结 (report kind "care"), plus the aid's share of its
资金使用情况.

How they count (the rules of :mod:`gonghui_desk.hardship.register` and :mod:`gonghui_desk.hardship.aid_ledger`):

* Files are households (户); 人 is the sum of their 家庭人口. 在档 is counted on the period's last day (or
  today, when the period has not ended): files opened by then and not closed by then. 新建档 = files opened
  in the period (a reopened household starts a new file and counts again); 脱困 and 注销 = files closed
  that way in the period; 复核 = files with a 年度复核 dated in the period. Applications (申请中) and voided
  files are left out.
* Aid counts paid payments (发放) by their payment date; applications still being approved and voided
  payments are left out. 人次 = payments, 户 = households (a reopened file is the same household), 人 =
  beneficiaries (the student for 金秋助学, else the household head); money = cash plus goods at their
  value, in 分, by type and by fund source.

Students of 金秋助学 are never named (DOMAIN.md §7), nor are the households.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from gonghui_desk import value_lists
from gonghui_desk.care.report_sections import (CarePart, StatView, add_change, funds_sentence, money_clause,
                                               money_texts, opener, period_span, period_word, register_care_part,
                                               stock_date)
from gonghui_desk.documents import ChartSpec, Paragraph, Section, Table
from gonghui_desk.documents.wording import date_text
from gonghui_desk.hardship.aid import STUDENT_AID
from gonghui_desk.hardship.aid_ledger import AidFilter, AidTotals, aid_totals, where_clause
from gonghui_desk.money import yuan_text
from gonghui_desk.reports.model import ReportContext, SectionSpec, Stat
from gonghui_desk.reports.sections import register_section
from gonghui_desk.reports.text import MarkedText, count_phrase

__all__ = ["AidFigures", "FileFigures", "aid_figures", "aid_stats", "file_figures", "file_stats", "student_stats"]

TOPIC = ("care",)
_FILES = "hardship_files"
_AID = "aid_payments"
_ON_RECORD = "f.voided_at IS NULL AND f.status IN ('在档', '脱困', '注销')"  # not 申请中, not voided


def _slug(value: str) -> str:
    return value.replace("[", "(").replace("]", ")") or "-"


def _in_list_order(db, list_key: str, values) -> list[str]:
    rank = {value: i for i, value in enumerate(value_lists.values(db, list_key))}
    return sorted(values, key=lambda v: (v == "", rank.get(v, len(rank)), v))


# --- the files ---------------------------------------------------------------------------------------
@dataclass
class FileFigures:
    end: str  # the day 在档 is counted on
    on_file: list[int] = field(default_factory=list)
    on_file_persons: int = 0
    new: list[int] = field(default_factory=list)
    out: list[int] = field(default_factory=list)  # 脱困
    cancelled: list[int] = field(default_factory=list)  # 注销
    reviewed: list[int] = field(default_factory=list)  # files reviewed in the period
    by_category: dict[str, list[int]] = field(default_factory=dict)  # 在档 by 困难类别 ('' unset)
    by_cause: dict[str, list[int]] = field(default_factory=dict)  # 在档 by 主要致困原因


def file_figures(ctx: ReportContext) -> FileFigures:
    key = ("hardship.file_figures", ctx.period.date_from, ctx.period.date_to, stock_date(ctx))
    if key not in ctx.cache:
        ctx.cache[key] = _file_figures(ctx.db, ctx.period.date_from, ctx.period.date_to, stock_date(ctx))
    return ctx.cache[key]


def _file_figures(db, date_from: str, date_to: str, end: str) -> FileFigures:
    figures = FileFigures(end)
    persons = 0
    categories, causes = {}, {}
    for file_id, size, category, cause in db.execute(
            f"""SELECT f.id, f.household_size, f.category, f.main_cause FROM hardship_files f
                WHERE {_ON_RECORD} AND f.opened_on <= :end AND (f.closed_on IS NULL OR f.closed_on > :end)
                ORDER BY f.opened_on, f.id""", {"end": end}):
        figures.on_file.append(file_id)
        persons += size
        categories.setdefault(category or "", []).append(file_id)
        causes.setdefault(cause or "", []).append(file_id)
    figures.on_file_persons = persons
    figures.by_category = {c: categories[c] for c in _in_list_order(db, "hardship.category", categories)}
    figures.by_cause = {c: causes[c] for c in _in_list_order(db, "hardship.cause", causes)}
    span = {"start": date_from, "end": date_to}
    figures.new = [r[0] for r in db.execute(
        f"SELECT f.id FROM hardship_files f WHERE {_ON_RECORD} AND f.opened_on BETWEEN :start AND :end "
        "ORDER BY f.opened_on, f.id", span)]
    for status, target in (("脱困", figures.out), ("注销", figures.cancelled)):
        target += [r[0] for r in db.execute(
            f"SELECT f.id FROM hardship_files f WHERE {_ON_RECORD} AND f.status = :status "
            "AND f.closed_on BETWEEN :start AND :end ORDER BY f.closed_on, f.id", {**span, "status": status})]
    figures.reviewed = [r[0] for r in db.execute(
        f"""SELECT f.id FROM hardship_files f WHERE {_ON_RECORD} AND f.id IN (
                SELECT r.file_id FROM hardship_reviews r
                WHERE r.voided_at IS NULL AND r.review_date BETWEEN :start AND :end)
            ORDER BY f.id""", span)]
    return figures


def _category_words(ctx: ReportContext, category: str) -> str:
    """"特困教职工" / "低保户" / "未填类别的" — what stands before "N户"."""
    if not category:
        return "未填困难类别的"
    return f"{category}{ctx.vocabulary.staff}" if category in ("特困", "困难") else category


def file_stats(ctx: ReportContext, prefix: str) -> list[Stat]:
    """The files' figures; the five counts always (0 when none), the groups of the files 在档."""
    f = file_figures(ctx)
    staff = ctx.vocabulary.staff
    span = period_span(ctx)
    on_day = f"{date_text(f.end)}在档的困难职工档案（该日或之前建档、该日未脱困或注销；不含申请中和作废的档案）"
    stats = [
        Stat(f"{prefix}.on_file", f"在档困难{staff}家庭", len(f.on_file), "户", f"{on_day}，每份档案计1户", _FILES,
             tuple(f.on_file)),
        Stat(f"{prefix}.on_file_persons", "在档困难家庭人口", f.on_file_persons, "人", f"{on_day}的家庭人口之和",
             _FILES, tuple(f.on_file)),
        Stat(f"{prefix}.new", "新建困难职工档案", len(f.new), "户",
             f"建档日期在{span}的档案（重新建档的也计入），每份计1户", _FILES, tuple(f.new)),
        Stat(f"{prefix}.out", "脱困", len(f.out), "户", f"{span}以“脱困”关闭的档案，每份计1户", _FILES,
             tuple(f.out)),
        Stat(f"{prefix}.cancelled", "注销档案", len(f.cancelled), "户", f"{span}以“注销”关闭的档案，每份计1户",
             _FILES, tuple(f.cancelled)),
        Stat(f"{prefix}.reviewed", "完成年度复核", len(f.reviewed), "户",
             f"复核日期在{span}的档案（不含作废的复核记录），每份档案计1户", _FILES, tuple(f.reviewed)),
    ]
    for group, values, words in (("category", f.by_category, "困难类别为"), ("cause", f.by_cause, "主要致困原因为")):
        for value, ids in values.items():
            what = f"{words}“{value}”" if value else f"未填{words[:-1]}"
            stats.append(Stat(f"{prefix}.{group}[{_slug(value)}]", f"在档：{value or '未填'}", len(ids), "户",
                              f"{on_day}中{what}的，每份计1户", _FILES, tuple(ids)))
    return stats


def file_paragraphs(ctx: ReportContext, stats: list[Stat], previous: list[Stat] | None, prefix: str, *,
                    causes: bool = False) -> list[Paragraph]:
    """"截至…，在档困难教职工家庭6户、19人，其中…；全年新建档2户，脱困1户…" (``causes``: by main cause too)."""
    view = StatView(stats, prefix)
    before = StatView(previous, prefix) if previous is not None else None
    f = file_figures(ctx)
    names = ("on_file", "new", "out", "cancelled", "reviewed")
    if not any(view.value(n) for n in names):
        return []
    staff = ctx.vocabulary.staff
    text = MarkedText(ctx.options)
    on_file = view.get("on_file")
    if on_file is not None and on_file.value:
        text.add(f"截至{date_text(f.end)}，在档困难{staff}家庭").figure(on_file)
        persons = view.get("on_file_persons")
        if persons is not None and persons.value:
            text.add("、").figure(persons)
        groups = [(value, view.get(f"category[{_slug(value)}]")) for value in f.by_category]
        groups = [(value, stat) for value, stat in groups if stat is not None and stat.value]
        if len(groups) > 1:
            text.add("，其中")
            for n, (value, stat) in enumerate(groups):
                text.add("、" if n else "").add(_category_words(ctx, value)).figure(stat)
        elif groups and groups[0][0]:
            text.add(f"，均为{_category_words(ctx, groups[0][0])}")
        add_change(text, ctx, on_file, before, "on_file", lead="；在档户数", stock=True)
        text.add("。")
    flows = []
    for name, words in (("new", "新建档"), ("out", "脱困"), ("cancelled", "注销")):
        stat = view.get(name)
        if stat is not None and stat.value:
            flows.append(MarkedText(ctx.options).add(words).figure(stat))
    if flows:
        text.add(f"{period_word(ctx)}")
        for n, item in enumerate(flows):
            text.add("，" if n else "").extend(item)
    reviewed = view.get("reviewed")
    if reviewed is not None and reviewed.value:
        text.add("；" if flows else f"{period_word(ctx)}").add("完成年度复核").figure(reviewed)
    if flows or (reviewed is not None and reviewed.value):
        text.add("。")
    paragraphs = [text.paragraph()]
    if causes:
        items = [(value, view.get(f"cause[{_slug(value)}]")) for value in f.by_cause]
        items = [(value, stat) for value, stat in items if stat is not None and stat.value]
        if any(value for value, _stat in items):  # not when no file has a cause typed
            cause_text = MarkedText(ctx.options).add("从主要致困原因看，")
            for n, (value, stat) in enumerate(items):
                word = {"": "未填原因的", "其他": "其他原因"}.get(value, value)
                cause_text.add("、" if n else "").add(word).figure(stat)
            paragraphs.append(cause_text.add("。").paragraph())
    return paragraphs


def file_table(ctx: ReportContext, stats: list[Stat], prefix: str) -> list[Table]:
    view = StatView(stats, prefix)
    f = file_figures(ctx)
    if not view.value("on_file"):
        return []
    rows = [(value or "未填", str(view.value(f"category[{_slug(value)}]"))) for value in f.by_category]
    rows.append(("合计", str(view.value("on_file"))))
    return [Table((f"困难类别（{date_text(f.end)}在档）", "户数"), rows, ChartSpec(1, "各类困难职工户数"))]


# --- the aid ---------------------------------------------------------------------------------------------
@dataclass
class AidFigures:
    totals: AidTotals
    students: AidTotals  # the 金秋助学 payments alone
    ids: list[int] = field(default_factory=list)
    by_type: dict[str, list[int]] = field(default_factory=dict)
    by_source: dict[str, list[int]] = field(default_factory=dict)


def aid_figures(ctx: ReportContext) -> AidFigures:
    key = ("hardship.aid_figures", ctx.period.date_from, ctx.period.date_to)
    if key not in ctx.cache:
        ctx.cache[key] = _aid_figures(ctx.db, ctx.period.date_from, ctx.period.date_to)
    return ctx.cache[key]


def _aid_figures(db, date_from: str, date_to: str) -> AidFigures:
    aid_filter = AidFilter(date_from=date_from, date_to=date_to)
    figures = AidFigures(aid_totals(db, aid_filter),
                         aid_totals(db, AidFilter(date_from=date_from, date_to=date_to, aid_types=(STUDENT_AID,))))
    where, params = where_clause(aid_filter)
    # the paid payments' ids by type and source as JSON arrays (a row per group, not per payment), their days
    # alongside, put in date order here
    paid = []
    for aid_type, source, days, ids in db.execute(
            f"""SELECT a.aid_type, a.fund_source, json_group_array(a.paid_on), json_group_array(a.id)
                FROM aid_payments a WHERE {where} AND a.stage = '发放' GROUP BY 1, 2""", params):
        paid += ((day, payment_id, aid_type, source) for day, payment_id in zip(json.loads(days), json.loads(ids)))
    paid.sort(key=lambda p: (p[0], p[1]))  # by date, then id
    for _day, payment_id, aid_type, source in paid:
        figures.ids.append(payment_id)
        figures.by_type.setdefault(aid_type, []).append(payment_id)
        figures.by_source.setdefault(source, []).append(payment_id)
    figures.totals.by_source = {k: figures.totals.by_source[k]  # the unnamed source last
                                for k in sorted(figures.totals.by_source, key=lambda k: k == "")}
    return figures


def _aid_base(ctx: ReportContext) -> str:
    return f"{period_span(ctx)}已发放的帮扶记录（按发放日期；不含申请、审核中和作废的记录）"


def aid_stats(ctx: ReportContext, prefix: str) -> list[Stat]:
    """The aid's totals (always, 0 when none), by type and by fund source."""
    a = aid_figures(ctx)
    t = a.totals
    base = _aid_base(ctx)
    ids = tuple(a.ids)
    staff = ctx.vocabulary.staff
    stats = [
        Stat(f"{prefix}.times", "帮扶人次", t.payments, "人次", f"{base}，每条记录计1人次", _AID, ids),
        Stat(f"{prefix}.households", f"帮扶困难{staff}家庭", t.households, "户",
             f"{base}涉及的不同家庭，同一户重新建档前后计1户", _AID, ids),
        Stat(f"{prefix}.persons", "受助人数", t.persons, "人",
             f"{base}的不同受助人：金秋助学按学生计，其他按户主计", _AID, ids),
        Stat(f"{prefix}.cash", "发放帮扶现金", t.cash_fen, "元", f"{base}的帮扶金额之和", _AID, ids),
        Stat(f"{prefix}.goods", "帮扶物资折合", t.goods_fen, "元", f"{base}的物资价值之和", _AID, ids),
        Stat(f"{prefix}.money", "发放帮扶资金", t.total_fen, "元", f"{base}的帮扶金额与物资价值之和", _AID, ids),
    ]
    for aid_type, (times, households, money) in t.by_type.items():
        where = f"{base}中帮扶类型为“{aid_type}”的"
        type_ids = tuple(a.by_type.get(aid_type, ()))
        key = f"{prefix}.type[{_slug(aid_type)}]"
        stats += [Stat(f"{key}.times", f"{aid_type}人次", times, "人次", f"{where}，每条记录计1人次", _AID, type_ids),
                  Stat(f"{key}.households", f"{aid_type}户数", households, "户", f"{where}涉及的不同家庭", _AID, type_ids),
                  Stat(f"{key}.money", f"{aid_type}金额", money, "元", f"{where}的金额与物资价值之和", _AID, type_ids)]
    stats += source_stats(ctx, prefix)
    return stats


def source_stats(ctx: ReportContext, prefix: str) -> list[Stat]:
    a = aid_figures(ctx)
    base = _aid_base(ctx)
    stats = []
    for source, money in a.totals.by_source.items():
        where = f"{base}中资金来源为“{source}”的" if source else f"{base}中未注明资金来源的"
        source_ids = tuple(a.by_source.get(source, ()))
        key = f"{prefix}.source[{_slug(source)}]"
        stats += [Stat(f"{key}.times", f"资金来源“{source or '未注明'}”人次", len(source_ids), "人次",
                       f"{where}，每条记录计1人次", _AID, source_ids),
                  Stat(f"{key}.money", f"资金来源“{source or '未注明'}”金额", money, "元",
                       f"{where}的金额与物资价值之和", _AID, source_ids)]
    return stats


def _type_item(ctx: ReportContext, view: StatView, aid_type: str, amount: str | None = None) -> MarkedText | None:
    """"生活救助3户、4人次，4万元" (``amount``: the money as the list writes it)."""
    key = f"type[{_slug(aid_type)}]"
    times, households, money = (view.get(f"{key}.{n}") for n in ("times", "households", "money"))
    if times is None or not times.value:
        return None
    text = MarkedText(ctx.options).add(aid_type)
    if households is not None and households.value:
        text.figure(households)
        if households.value != times.value:
            text.add("、").figure(times)
    else:
        text.figure(times)
    if money is not None and money.value:
        text.add("，").figure(money, amount)
    return text


def aid_paragraphs(ctx: ReportContext, stats: list[Stat], previous: list[Stat] | None, prefix: str, *,
                   sources: bool = True) -> list[Paragraph]:
    """"全年发放帮扶资金9.4万元（含金秋助学助学金3000元），帮扶困难教职工家庭8户、22人次。其中…" and, with
    ``sources``, where the money came from."""
    view = StatView(stats, prefix)
    before = StatView(previous, prefix) if previous is not None else None
    times, households, money = view.get("times"), view.get("households"), view.get("money")
    if times is None or not times.value:
        return []
    staff = ctx.vocabulary.staff
    a = aid_figures(ctx)
    text = MarkedText(ctx.options).add(f"{period_word(ctx)}")
    if money is not None and money.value:
        text.add("发放帮扶资金").figure(money)
        notes = []
        goods = view.get("goods")
        if goods is not None and goods.value and view.value("cash"):
            notes.append(MarkedText(ctx.options).add("含物资折款").figure(goods))
        student = view.get(f"type[{_slug(STUDENT_AID)}].money")
        if student is not None and student.value and student.value != money.value:
            notes.append(MarkedText(ctx.options).add(f"含{STUDENT_AID}助学金").figure(student))
        if notes:
            text.add("（")
            for n, note in enumerate(notes):
                text.add("；" if n else "").extend(note)
            text.add("）")
        text.add("，")
    text.add(f"帮扶困难{staff}家庭").figure(households)
    if times.value != households.value:
        text.add("、").figure(times)
    types = [t for t in a.totals.by_type if t != STUDENT_AID and view.value(f"type[{_slug(t)}].times")]
    amounts = money_texts(ctx.options, *(view.value(f"type[{_slug(t)}].money") for t in types))
    items = [_type_item(ctx, view, t, amount) for t, amount in zip(types, amounts)]
    if len(items) > 1 or (items and STUDENT_AID in a.totals.by_type):
        text.add("。其中")
        for n, item in enumerate(items):
            text.add("；" if n else "").extend(item)
    elif items:
        text.add(f"，均为{types[0]}")
    elif list(a.totals.by_type) == [STUDENT_AID]:
        text.add(f"，均为{STUDENT_AID}助学金")
    text.add("。")
    if before is not None:
        if money is not None and money.value:
            add_change(text, ctx, money, before, "money", lead="帮扶资金")
            text.add("，")
        add_change(text, ctx, households, before, "households", lead="受助家庭")
        text.add("。")
    if sources:
        named = [s for s in a.totals.by_source if view.value(f"source[{_slug(s)}].money")]
        if len(named) == 1 and named[0]:
            text.add(f"资金均来自{named[0]}。")
        elif named:
            text.add("资金来源上，").extend(_source_items(ctx, view, a)).add("。")
    return [text.paragraph()]


def _source_items(ctx: ReportContext, view: StatView, a: AidFigures) -> MarkedText:
    stats = [(source, view.get(f"source[{_slug(source)}].money")) for source in a.totals.by_source]
    stats = [(source, stat) for source, stat in stats if stat is not None and stat.value]
    text = MarkedText(ctx.options)
    for n, ((source, stat), amount) in enumerate(zip(stats, money_texts(ctx.options, *(s.value for _x, s in stats)))):
        text.add("、" if n else "").add(source or "未注明来源的").figure(stat, amount)
    return text


def aid_tables(ctx: ReportContext, stats: list[Stat], prefix: str, *, sources: bool = True) -> list[Table]:
    view = StatView(stats, prefix)
    a = aid_figures(ctx)
    if not view.value("times"):
        return []
    rows = [(t, str(view.value(f"type[{_slug(t)}].times")), str(view.value(f"type[{_slug(t)}].households")),
             _yuan(view.value(f"type[{_slug(t)}].money"))) for t in a.totals.by_type]
    rows.append(("合计", str(view.value("times")), str(view.value("households")), _yuan(view.value("money"))))
    tables = [Table(("帮扶类型", "人次", "户数", "金额（元）"), rows, ChartSpec(3, "各类帮扶金额（元）"))]
    if sources:
        tables += aid_source_table(ctx, stats, prefix)
    return tables


def aid_source_table(ctx: ReportContext, stats: list[Stat], prefix: str) -> list[Table]:
    view = StatView(stats, prefix)
    a = aid_figures(ctx)
    if not view.value("money"):
        return []
    rows = [(s or "未注明", str(view.value(f"source[{_slug(s)}].times")), _yuan(view.value(f"source[{_slug(s)}].money")))
            for s in a.totals.by_source]
    rows.append(("合计", str(sum(view.value(f"source[{_slug(s)}].times") for s in a.totals.by_source)),
                 _yuan(view.value("money"))))
    return [Table(("帮扶资金来源", "人次", "金额（元）"), rows)]


def _yuan(fen: int) -> str:
    return yuan_text(fen).replace(",", "")


# --- 金秋助学 ---------------------------------------------------------------------------------------------
def student_stats(ctx: ReportContext, prefix: str) -> list[Stat]:
    a = aid_figures(ctx)
    s = a.students
    ids = tuple(a.by_type.get(STUDENT_AID, ()))
    where = f"{_aid_base(ctx)}中帮扶类型为“{STUDENT_AID}”的"
    return [
        Stat(f"{prefix}.students", f"资助困难{ctx.vocabulary.staff}家庭学生", s.persons, "名",
             f"{where}涉及的不同学生（按身份证号识别，无身份证号的按家庭成员记录）", _AID, ids),
        Stat(f"{prefix}.times", f"{STUDENT_AID}人次", s.payments, "人次", f"{where}，每条记录计1人次", _AID, ids),
        Stat(f"{prefix}.households", f"{STUDENT_AID}户数", s.households, "户", f"{where}涉及的不同家庭", _AID, ids),
        Stat(f"{prefix}.money", "发放助学金", s.total_fen, "元", f"{where}的金额与物资价值之和", _AID, ids),
    ]


def student_paragraphs(ctx: ReportContext, stats: list[Stat], previous: list[Stat] | None,
                       prefix: str) -> list[Paragraph]:
    """"开展“金秋助学”活动，资助困难教职工家庭学生3名，发放助学金1.2万元" — never naming them."""
    view = StatView(stats, prefix)
    before = StatView(previous, prefix) if previous is not None else None
    students = view.get("students")
    if students is None or not students.value:
        return []
    text = MarkedText(ctx.options).add(f"{opener(ctx)}，开展“{STUDENT_AID}”活动，资助困难{ctx.vocabulary.staff}家庭学生")
    text.figure(students, count_phrase(students.value, "名", ctx.options))
    times = view.get("times")
    if times is not None and times.value > students.value:
        text.add("、").figure(times)
    add_change(text, ctx, students, before, "students")
    money_clause(text, view.get("money"), None, cash_word="助学金")
    return [text.add("。").paragraph()]


# --- the part of the section 帮扶与送温暖 -----------------------------------------------------------------------
def _part_stats(ctx: ReportContext, prefix: str) -> list[Stat]:
    return (file_stats(ctx, f"{prefix}.files") + aid_stats(ctx, f"{prefix}.aid")
            + student_stats(ctx, f"{prefix}.student_aid"))


def _aid_title(ctx: ReportContext) -> str:
    return f"困难{ctx.vocabulary.staff}帮扶"


def _part_sections(ctx: ReportContext, stats: list[Stat], previous: list[Stat] | None,
                   prefix: str) -> list[Section]:
    files = file_paragraphs(ctx, stats, previous, f"{prefix}.files")
    aid = aid_paragraphs(ctx, stats, previous, f"{prefix}.aid")
    return [Section(_aid_title(ctx), files + aid),
            Section(STUDENT_AID, student_paragraphs(ctx, stats, previous, f"{prefix}.student_aid"))]


def _part_appendix(ctx: ReportContext, stats: list[Stat], prefix: str) -> list[Table]:
    return file_table(ctx, stats, f"{prefix}.files") + aid_tables(ctx, stats, f"{prefix}.aid")


def _funds_stats(ctx: ReportContext, prefix: str) -> list[Stat]:
    return [s for s in aid_stats(ctx, prefix) if s.key == f"{prefix}.money"] + source_stats(ctx, prefix)


def _funds_text(ctx: ReportContext, stats: list[Stat], previous: list[Stat] | None, prefix: str) -> MarkedText | None:
    sources = [(s, s or "未注明") for s in aid_figures(ctx).totals.by_source]
    before = StatView(previous, prefix) if previous is not None else None
    return funds_sentence(ctx, StatView(stats, prefix), sources, "发放帮扶资金", before)


register_care_part(CarePart(
    key="hardship", order=30, stats=_part_stats, sections=_part_sections, appendix=_part_appendix,
    funds_stats=_funds_stats, funds_text=_funds_text,
    funds_tables=lambda ctx, stats, prefix: aid_source_table(ctx, stats, prefix)))


# --- the 送温暖工作总结 (report kind "care"): 基本情况, 困难职工帮扶, 金秋助学 ------------------------------------------
register_section(SectionSpec(
    key="care_basics", title="基本情况", order=10, stats=lambda ctx: file_stats(ctx, "care_basics"),
    write=lambda ctx, stats, previous: Section(
        "基本情况", file_paragraphs(ctx, stats, previous, "care_basics", causes=True)),
    appendix=lambda ctx, stats: file_table(ctx, stats, "care_basics"), kinds=TOPIC))

register_section(SectionSpec(
    key="care_aid", title="困难职工帮扶", order=40,
    stats=lambda ctx: [s for s in aid_stats(ctx, "care_aid") if ".source[" not in s.key],
    write=lambda ctx, stats, previous: Section(
        _aid_title(ctx), aid_paragraphs(ctx, stats, previous, "care_aid", sources=False)),
    appendix=lambda ctx, stats: aid_tables(ctx, stats, "care_aid", sources=False), kinds=TOPIC,
    title_for=_aid_title, headline=("care_aid.households", "care_aid.money")))

register_section(SectionSpec(
    key="care_student_aid", title=STUDENT_AID, order=50, stats=lambda ctx: student_stats(ctx, "care_student_aid"),
    write=lambda ctx, stats, previous: Section(
        STUDENT_AID, student_paragraphs(ctx, stats, previous, "care_student_aid")),
    kinds=TOPIC, headline=("care_student_aid.students", "care_student_aid.money")))

