"""The ledger import wizard (导入慰问台账): a historical 慰问台账 from Excel or CSV.

The same pages and the same all-or-nothing behaviour as the member import
(:class:`gonghui_desk.ui.import_wizard.ImportWizardBase`); the rules are those of
:mod:`gonghui_desk.importing.visit_import`: members found by ID number, or by name and 部门 when
that is unambiguous; rows already recorded are shown and not imported again; rule breaches (over
the cap…) are warnings, and the visits are saved with the reason "导入历史台账".
"""

from __future__ import annotations

import datetime as dt
from operator import attrgetter

from gonghui_desk.importing.visit_import import (IMPORT_REASON, VISIT_IMPORT_FIELDS, PlannedVisit, VisitImportPlan,
                                                 VisitImportResult, commit_import, open_source, plan_import)
from gonghui_desk.ui.import_wizard import (CHECK_TIP, INVALID_COLOUR, NAME_COLUMN, NEW_COLOUR, SUB_UNIT_COLUMN,
                                           UNCHANGED_COLOUR, ActionLook, Importer, ImportTexts, ImportWizardBase,
                                           PlanColumn)

VISIT_TEXTS = ImportTexts(
    title="导入慰问台账",
    file_title="选择慰问台账文件",
    what="慰问台账",
    target="慰问台账",
    intro="可以导入以前用 Excel 记的慰问台账。表格上方可以有标题行，程序会自动找到表头，并按列名"
          "（如“被慰问人”“慰问事由”“慰问金额”）认出各列。每行按身份证号找到会员；没有身份证号时按姓名找，"
          "同名的再按部门区分。",
    tips=("被慰问的会员要先在名册中：名册里找不到的人，请先在“会员”中录入或导入名册，再导入台账。",
          "慰问类别按名称或常见写法对应（如“住院”即生病住院，“春节慰问”即节日慰问）；"
          "新的类别请先在“慰问类别与标准…”中添加。",
          "金额请写阿拉伯数字（如 500 或 1,000.00）。超出慰问标准的记录照样导入，并注明“导入历史台账”。",
          "台账中已有的记录（同一会员、类别、日期和金额）不会重复导入，同一个文件可以放心再导入一次；"
          "用“导出Excel…”导出的台账也可以直接导入。",
          CHECK_TIP),
    nothing_to_import="没有需要导入的内容：表格中的慰问记录都已在台账中。",
)


def _is_over_the_rules(row: PlannedVisit) -> bool:
    return row.action == "new" and any(p.field == "rules" for p in row.problems)


class VisitImportWizard(ImportWizardBase):
    """导入慰问台账. ``path`` pre-fills the file page; ``today`` is the day the dates are checked against."""

    ACTIONS = {"new": ActionLook("新增", NEW_COLOUR, "人次"),
               "unchanged": ActionLook("已有", UNCHANGED_COLOUR, "条（不再导入）"),
               "invalid": ActionLook("有错误", INVALID_COLOUR, "行")}
    ROW_COLUMNS = (NAME_COLUMN._replace(width=72), SUB_UNIT_COLUMN._replace(width=130),
                   PlanColumn("慰问类别", 92, attrgetter("occasion_name")))

    def __init__(self, context, path=None, parent=None, *, today: dt.date | None = None):
        super().__init__(context, Importer(open_source, plan_import, commit_import, VISIT_IMPORT_FIELDS,
                                           required=("name", "occasion")), VISIT_TEXTS, path, parent,
                         today=today)

    def mapping_notes(self, mapped: set[str]) -> list[str]:
        notes = []
        if "id_number" not in mapped:
            notes.append("没有身份证号列：按姓名找会员，同名的按部门区分")
        if not mapped & {"visit_date", "event_date"}:
            notes.append("没有日期列：每条记录都要有走访日期或事由日期，否则不能导入")
        return notes

    def count_note(self, plan: VisitImportPlan, action: str) -> str:
        return f"（{plan.persons()} 人）" if action == "new" and plan.counts()["new"] else ""

    def ready_parts(self, plan: VisitImportPlan) -> list[str]:
        counts = plan.counts()
        parts = [f"新增 {counts['new']} 人次慰问记录（{plan.persons()} 人）"]
        if counts["unchanged"]:
            parts.append(f"台账中已有的 {counts['unchanged']} 条不再导入")
        over = sum(1 for row in plan.rows if _is_over_the_rules(row))
        if over:
            parts.append(f"其中 {over} 条超出慰问标准，将注明“{IMPORT_REASON}”")
        return parts

    def changed_signals(self, result: VisitImportResult) -> list:
        return [self.context.visits_changed]

    def summary(self, result: VisitImportResult) -> tuple[list[str], str, str]:
        lines = [f"新增 <b>{result.created}</b> 人次"]
        if result.with_warnings:
            lines.append(f"其中 <b>{result.with_warnings}</b> 条超出慰问标准，已注明“{IMPORT_REASON}”")
        if result.unchanged:
            lines.append(f"台账中已有 {result.unchanged} 条，没有重复导入")
        lines.append(self.skipped_line(result.skipped))
        note = ("被跳过的行改正后可以再导入一次同一个文件：已导入的记录会被认出，不会重复添加。" if result.skipped else
                "可以在“慰问台账”中查看导入的记录；往年的记录请在“期间”中选择“上年”或“全部日期”。")
        return lines, note, f"导入完成：新增 {result.created} 人次慰问记录，跳过 {result.skipped} 行"


__all__ = ["VisitImportWizard"]
