"""Importing a historical care-visit ledger (慰问台账) from Excel or CSV.

The same three steps as the member import (:mod:`gonghui_desk.importing.common`), so the same
wizard and command line drive it:

1. ``open_source(path)`` finds the header row and maps the columns;
2. ``plan_import(db, source, mapping)`` matches every row to a member (by ID number, or by name
   and, when given, 部门 when that is unambiguous) and an occasion (by name or a common alias:
   住院 → 生病住院, 春节慰问 → 节日慰问…), checks it with :meth:`VisitStore.normalize` (hard
   errors) and :meth:`VisitStore.check_rules` (warnings only: a historical ledger is what it
   was), and marks rows already in the database or earlier in the file as "unchanged";
3. ``commit_import(db, plan)`` saves the new visits in one transaction, all or nothing (unless
   the user chose to skip invalid rows). Rule breaches are stored with the reason
   "导入历史台账". The rule check runs again at that point, so a yearly cap or a repeated
   illness counts the visits imported from earlier rows of the same file too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import TextIO

import sqlite_utils

from gonghui_desk.care.occasions import Occasion, list_occasions
from gonghui_desk.care.visits import VISIT_FIELD_LABELS, VisitInput, VisitStore
from gonghui_desk.db.connection import transaction
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.exporting.visit_ledger import PENDING_TEXT
from gonghui_desk.importing.common import (
    PROGRESS_INTERVAL,
    ImportBlocked,
    ImportPlanBase,
    ImportSource,
    MemberMatcher,
    RowProblem,
    check_mapping,
    data_rows,
    person_name,
    print_problems,
    print_source,
    read_source,
    run_import_command,
    signed_flag,
    unreadable_cells,
)
from gonghui_desk.importing.headers import build_synonyms
from gonghui_desk.importing.spreadsheet import cell_text
from gonghui_desk.jobs import IsCancelled, Progress, check_cancel, no_progress
from gonghui_desk.money import MoneyParseError, parse_money

IMPORT_REASON = "导入历史台账"

VISIT_IMPORT_FIELDS: dict[str, str] = {
    "name": "姓名", "id_number": "身份证号", "sub_unit": "部门", "occasion": "慰问类别",
    "recipient_relation": "慰问对象", "recipient_name": "亲属姓名", "event_date": "事由日期",
    "visit_date": "走访日期", "visitors": "走访人员", "cash": "慰问金", "goods_desc": "慰问品",
    "goods_value": "慰问品价值", "payment_form": "发放形式", "fund_source": "经费来源", "illness": "疾病",
    "signed": "签收", "notes": "备注",
}

VISIT_SYNONYMS: dict[str, tuple[str, ...]] = build_synonyms(VISIT_IMPORT_FIELDS, {
    "name": ("姓名", "会员姓名", "被慰问人", "被慰问人姓名", "职工姓名", "慰问对象姓名"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证"),
    "sub_unit": ("部门", "单位", "工作单位", "所在部门", "所在单位", "科室", "分工会"),
    "occasion": ("慰问类别", "慰问事由", "事由", "类别", "慰问类型", "慰问项目", "慰问原因"),
    "recipient_relation": ("慰问对象", "与会员关系", "与本人关系", "关系"),
    "recipient_name": ("亲属姓名", "被慰问亲属姓名"),
    "event_date": ("事由日期", "住院日期", "发生日期", "事发日期"),
    "visit_date": ("慰问日期", "走访日期", "日期", "慰问时间", "走访时间"),
    "visitors": ("走访人员", "走访人", "慰问人", "慰问人员", "参加人员"),
    "cash": ("慰问金", "金额", "慰问金额", "慰问金额（元）", "慰问金（元）"),
    "goods_desc": ("慰问品", "物品", "慰问物品"),
    "goods_value": ("慰问品价值", "物品价值", "慰问品金额"),
    "payment_form": ("发放形式", "发放方式"),
    "fund_source": ("经费来源", "资金来源"),
    "illness": ("疾病", "病因", "病情", "所患疾病"),
    "signed": ("签收", "是否签收", "签收情况"),
    "notes": ("备注", "说明"),
})

# What ledgers write for the default occasions (the target must exist under that name).
OCCASION_ALIASES = {
    **dict.fromkeys(("住院", "生病", "患病", "疾病", "病", "看望病人", "探望病人", "大病", "手术"), "生病住院"),
    **dict.fromkeys(("婚嫁", "新婚", "婚庆", "结婚贺喜"), "结婚"),
    **dict.fromkeys(("生小孩", "分娩", "添丁", "生育子女"), "生育"),
    **dict.fromkeys(("退休离岗", "离岗", "光荣退休"), "退休"),
    **dict.fromkeys(("困难", "生活困难", "意外", "遭遇意外", "困难帮扶", "帮扶", "临时困难"), "生活困难/意外"),
    **dict.fromkeys(("节日", "春节", "元旦", "两节", "元旦春节", "中秋", "国庆", "中秋国庆", "端午", "三八", "三八节",
                     "妇女节", "教师节", "重阳", "重阳节"), "节日慰问"),
    **dict.fromkeys(("高温", "送清凉", "夏送清凉", "防暑降温", "降温"), "夏季高温"),
}
DEATH_WORDS = ("去世", "病故", "逝世", "过世", "死亡", "丧葬", "丧事", "吊唁")
RELATIVE_WORDS = ("亲属", "父", "母", "配偶", "妻", "夫", "子", "女", "岳", "公公", "婆婆")
SELF_DEATH, RELATIVE_DEATH = "本人去世", "直系亲属去世"
OCCASION_AFFIXES = ("慰问", "必访", "走访", "看望", "探望", "送温暖")

RELATION_ALIASES = {
    **dict.fromkeys(("自己", "会员本人", "职工本人", "本人自己"), "本人"),
    **dict.fromkeys(("丈夫", "妻子", "爱人", "老公", "老婆", "夫妻"), "配偶"),
    **dict.fromkeys(("父亲", "母亲", "父", "母", "父亲母亲"), "父母"),
    **dict.fromkeys(("儿子", "女儿", "子", "女", "孩子", "小孩"), "子女"),
    **dict.fromkeys(("岳父", "岳母", "公公", "婆婆", "岳父母", "公婆"), "配偶父母"),
    **dict.fromkeys(("亲属", "其他", "兄弟姐妹", "兄弟", "姐妹", "祖父母", "外祖父母", "孙子女"), "其他亲属"),
}
FUND_SOURCE_ALIASES = {
    **dict.fromkeys(("工会经费", "本级经费", "本级工会", "工会"), "本级工会经费"),
    **dict.fromkeys(("上级补助", "上级工会", "上级拨款", "上级帮扶资金", "上级工会拨款"), "上级工会补助"),
    **dict.fromkeys(("行政拨款", "行政经费", "单位", "单位行政"), "行政"),
    **dict.fromkeys(("捐赠", "捐助", "社会捐助", "爱心捐款"), "捐款"),
}
# The label of each problem's field: the ledger's columns, the visit's own fields, and two more.
PROBLEM_LABELS = {**VISIT_FIELD_LABELS, **VISIT_IMPORT_FIELDS, "duplicate": "重复记录", "rules": "慰问标准"}
_RECIPIENT_SEPARATORS = re.compile(r"[\s:：,，、()（）]+")


@dataclass
class PlannedVisit:
    row_number: int  # the file's row number (what Excel shows)
    action: str  # "new" | "unchanged" (already recorded) | "invalid"
    name: str  # the member's name
    sub_unit_path: str  # the member's sub-unit, or the file's 部门 when no member matched
    occasion_name: str
    member_id: int | None
    visit: VisitInput | None  # what will be saved (None when the member or occasion is unknown)
    problems: list[RowProblem]


@dataclass
class VisitImportPlan(ImportPlanBase):
    ACTIONS = ("new", "unchanged", "invalid")

    today: dt.date

    def persons(self) -> int:
        """Distinct members among the rows to import (人, as against 人次)."""
        return len({row.member_id for row in self.rows if row.action == "new"})


def open_source(path, *, sheet: str | None = None, is_cancelled: IsCancelled | None = None) -> ImportSource:
    return read_source(path, VISIT_SYNONYMS, sheet=sheet, is_cancelled=is_cancelled)


def plan_import(db: sqlite_utils.Database, source: ImportSource, mapping: dict[int, str] | None = None, *,
                progress: Progress | None = None, is_cancelled: IsCancelled | None = None,
                today: dt.date | None = None) -> VisitImportPlan:
    """Check every data row and decide what it does. Reads the database, writes nothing."""
    mapping = dict(sorted((source.mapping if mapping is None else mapping).items()))
    check_mapping(mapping, source.headers, VISIT_IMPORT_FIELDS, form_name="慰问台账",
                  required=("name", "occasion"))
    today = today or dt.date.today()
    planner = _RowPlanner(db, today)
    rows = [planner.plan(row_number, raw) for row_number, raw in
            data_rows(source, mapping, VISIT_SYNONYMS, progress=progress, is_cancelled=is_cancelled)]
    return VisitImportPlan(source, mapping, rows, today)


# --- matching occasions ------------------------------------------------------------------------------
class _Occasions:
    def __init__(self, db: sqlite_utils.Database):
        self.by_name: dict[str, Occasion] = {o.name: o for o in list_occasions(db)}

    def find(self, text: str, relation: str) -> Occasion | None:
        plain = re.sub(r"\s+", "", text)
        for candidate in dict.fromkeys((plain, _strip_affixes(plain))):
            for name in (candidate, OCCASION_ALIASES.get(candidate), _death_occasion(candidate, relation)):
                if name in self.by_name:
                    return self.by_name[name]
        return None

    def unknown_message(self, text: str) -> str:
        return (f"“{text}”不是已有的慰问类别，已有：{'、'.join(self.by_name)}。"
                "如果确是新的类别，请先在设置中添加该慰问类别再导入")


def _strip_affixes(text: str) -> str:
    for affix in OCCASION_AFFIXES:
        if len(text) > len(affix):
            text = text.removesuffix(affix)
        if len(text) > len(affix):
            text = text.removeprefix(affix)
    return text


def _death_occasion(text: str, relation: str) -> str | None:
    if not any(word in text for word in DEATH_WORDS):
        return None
    if relation != "本人" or any(word in text for word in RELATIVE_WORDS):
        return RELATIVE_DEATH
    return SELF_DEATH


def _recipient(raw: dict) -> tuple[str, str]:
    """(relation, relative's name) from 慰问对象 ("本人", "父亲", "配偶（李某）") and 亲属姓名."""
    parts = [p for p in _RECIPIENT_SEPARATORS.split(cell_text(raw.get("recipient_relation"))) if p]
    relation = parts[0] if parts else "本人"
    relation = RELATION_ALIASES.get(relation, relation)
    name = cell_text(raw.get("recipient_name")) or " ".join(parts[1:])
    return relation, name


# --- checking rows ---------------------------------------------------------------------------------------
class _RowPlanner:
    def __init__(self, db: sqlite_utils.Database, today: dt.date):
        self.store = VisitStore(db, today=today)
        self.members = MemberMatcher(db, record="慰问记录")
        self.occasions = _Occasions(db)
        self.recorded = {tuple(key): visit_id for visit_id, *key in db.execute(
            "SELECT id, member_id, occasion_id, coalesce(visit_date, event_date), cash_fen + goods_value_fen "
            "FROM visits WHERE voided_at IS NULL").fetchall()}
        self.first_row_of: dict[tuple, int] = {}

    def plan(self, row_number: int, raw: dict) -> PlannedVisit:
        problems: list[RowProblem] = []

        def add(key: str, message: str, severity: str = "error") -> None:
            problems.append(RowProblem(row_number, key, PROBLEM_LABELS[key], message, severity))

        for key, message in unreadable_cells(raw):
            add(key, message)

        name = person_name(raw.get("name"))
        unit_text = cell_text(raw.get("sub_unit"))
        relation, recipient_name = _recipient(raw)
        id_raw = raw.get("id_number")
        member = self.members.find(name, id_raw, unit_text, add) if name or id_raw is not None else None
        if not name and id_raw is None:
            add("name", "姓名不能为空")
        occasion_text = cell_text(raw.get("occasion"))
        occasion = self.occasions.find(occasion_text, relation) if occasion_text else None
        if not occasion_text:
            add("occasion", "请填写慰问类别")
        elif occasion is None:
            add("occasion", self.occasions.unknown_message(occasion_text))
        money = {key: self._money(raw, key, add) for key in ("cash", "goods_value")}
        signed = signed_flag(raw, add)

        visit_date = None if cell_text(raw.get("visit_date")) == PENDING_TEXT else raw.get("visit_date")
        visit = VisitInput(
            member_id=member["id"] if member else 0, occasion_id=occasion.id if occasion else 0,
            recipient_relation=relation, recipient_name=recipient_name, event_date=raw.get("event_date"),
            visit_date=visit_date, visitors=cell_text(raw.get("visitors")), cash_fen=money["cash"],
            goods_desc=cell_text(raw.get("goods_desc")), goods_value_fen=money["goods_value"],
            payment_form=cell_text(raw.get("payment_form")), fund_source=_fund_source(raw),
            illness=cell_text(raw.get("illness")), signed=signed, notes=cell_text(raw.get("notes")))
        values, errors = self.store.normalize(visit)
        for error in errors:
            if error.field not in ("member_id", "occasion_id"):  # already said why above
                add(error.field, error.message)

        resolved = member is not None and occasion is not None
        row = PlannedVisit(row_number, "invalid", member["name"] if member else name,
                           self.members.path_of(member) if member else unit_text,
                           occasion.name if occasion else occasion_text, member["id"] if member else None,
                           visit if resolved else None, problems)
        if any(p.severity == "error" for p in problems):
            return row
        key = (values["member_id"], values["occasion_id"], values["visit_date"] or values["event_date"],
               values["cash_fen"] + values["goods_value_fen"])
        first = self.first_row_of.setdefault(key, row_number)
        if key in self.recorded or first != row_number:
            where = f"已有的慰问记录（编号 {self.recorded[key]}）" if key in self.recorded else f"第{first}行"
            add("duplicate", f"与{where}相同（同一会员、慰问类别、日期和金额），不再重复导入", "warning")
            row.action = "unchanged"
            return row
        for warning in self.store.check_rules(visit):
            add("rules", f"{warning.message}（导入时将注明“{IMPORT_REASON}”）", "warning")
        row.action = "new"
        return row

    @staticmethod
    def _money(raw: dict, key: str, add) -> int:
        try:
            return parse_money(raw.get(key)) or 0
        except MoneyParseError as exc:
            add(key, str(exc))
            return 0


def _fund_source(raw: dict) -> str:
    text = cell_text(raw.get("fund_source"))
    return FUND_SOURCE_ALIASES.get(text, text)


# --- committing --------------------------------------------------------------------------------------------
@dataclass
class VisitImportResult:
    created: int
    unchanged: int
    skipped: int
    with_warnings: int  # saved with rule warnings and the reason "导入历史台账"


def commit_import(db: sqlite_utils.Database, plan: VisitImportPlan, *, skip_invalid: bool = False,
                  progress: Progress | None = None, is_cancelled: IsCancelled | None = None) -> VisitImportResult:
    """Save the plan's new visits in one transaction; on any error or a cancel nothing is written."""
    counts = plan.counts()
    if counts["invalid"] and not skip_invalid:
        raise ImportBlocked(f"有 {counts['invalid']} 行数据有问题，为保证台账完整，本次没有导入任何数据。"
                            "请修改文件后重新导入，或选择跳过有问题的行。")
    progress = progress or no_progress
    store = VisitStore(db, today=plan.today)
    to_write = [row for row in plan.rows if row.action == "new"]
    total = len(to_write)
    saved: list[int] = []
    with transaction(db) as conn:
        for done, row in enumerate(to_write):
            if done % PROGRESS_INTERVAL == 0:
                check_cancel(is_cancelled)
                progress(done, total, f"正在导入第 {done + 1}/{total} 条…")
            try:
                saved.append(store.save(row.visit, override_reason=IMPORT_REASON))
            except ValidationError as exc:
                raise UserError(f"第{row.row_number}行：{exc}。数据库在检查之后被修改过，本次没有导入任何数据，"
                                "请重新检查后再导入。") from exc
        check_cancel(is_cancelled)
        warned = conn.execute("SELECT count(*) FROM visits WHERE rule_warnings != '' "
                              "AND id IN (SELECT value FROM json_each(?))", (json.dumps(saved),)).fetchone()[0]
    progress(total, total, "导入完成")
    return VisitImportResult(created=len(saved), unchanged=counts["unchanged"], skipped=counts["invalid"],
                             with_warnings=warned)


# --- command line ------------------------------------------------------------------------------------------
def visits_import_command(db_path, file, *, dry_run: bool, skip_invalid: bool, out: TextIO) -> int:
    """``gonghui-desk visits import``: check the ledger, print the plan and its problems, write it."""
    return run_import_command(db_path, file, open_source=open_source, plan_import=plan_import,
                              commit_import=commit_import, print_plan=_print_plan, result_text=_result_text,
                              dry_run=dry_run, skip_invalid=skip_invalid, out=out)


def _print_plan(plan: VisitImportPlan, out: TextIO) -> None:
    print_source(plan, VISIT_IMPORT_FIELDS, out)
    counts = plan.counts()
    print(f"检查结果：新增慰问记录 {counts['new']} 人次（{plan.persons()} 人），已有记录（不再导入）"
          f"{counts['unchanged']} 条，有问题 {counts['invalid']} 行。", file=out)
    print_problems(plan, out)


def _result_text(result: VisitImportResult) -> str:
    text = f"导入完成：新增慰问记录 {result.created} 条"
    if result.with_warnings:
        text += f"（其中 {result.with_warnings} 条超出慰问标准，已注明“{IMPORT_REASON}”）"
    return text + f"，已有记录未重复导入 {result.unchanged} 条，跳过 {result.skipped} 行。"
