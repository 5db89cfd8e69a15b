"""The honours import wizard (导入荣誉名单): historical lists of honours from Excel or CSV.

The same pages and the same all-or-nothing behaviour as the other imports
(:class:`gonghui_desk.ui.import_wizard.ImportWizardBase`); the rules are those of
:mod:`gonghui_desk.importing.honour_import`: persons found by ID number, or by name and 部门;
collectives among the union's departments or by name; the union itself as 本会; levels and
stages through their common spellings; honours already recorded shown and not imported again;
each member's 劳模类型 following from the honours imported.
"""

from __future__ import annotations

import datetime as dt
from operator import attrgetter

from gonghui_desk.importing.honour_import import (HONOUR_IMPORT_FIELDS, REQUIRED_COLUMNS, HonourImportPlan,
                                                  HonourImportResult, PlannedHonour, commit_import, open_source,
                                                  plan_import)
from gonghui_desk.ui.import_wizard import (CHECK_TIP, INVALID_COLOUR, NAME_COLUMN, NEW_COLOUR, SUB_UNIT_COLUMN,
                                           UNCHANGED_COLOUR, ActionLook, Importer, ImportTexts, ImportWizardBase,
                                           PlanColumn)

HONOUR_TEXTS = ImportTexts(
    title="导入荣誉名单",
    file_title="选择荣誉名单文件",
    what="荣誉名单",
    target="荣誉名单",
    intro="可以导入以前用 Excel 记的荣誉名单（历年的劳动模范、先进个人、先进集体、工人先锋号等）。表格上方可以有标题行，"
          "程序会自动找到表头，并按列名（如“姓名”“荣誉称号”“级别”“表彰单位”“年度”）认出各列。个人按身份证号找到会员，"
          "没有身份证号时按姓名找，同名的再按部门区分。",
    tips=("“类型”一列写个人、集体或本会；没有这一列时，名册中的姓名按个人，部门名称或“某某班组”等按集体，"
          "“本会”或本工会名称按本会导入。",
          "级别按常见写法对应（如国家级即全国，省级即省部级，市、县、区，校级、厂级即本单位）；"
          "没有填级别的，按授予单位或称号中的“省”“市”“县”推断，并提示核对。",
          "没有“阶段”一列或未填的按“获评”导入；“年度”未填时取日期中的年份。",
          "劳动模范、先进工作者等劳模称号导入后，会员的劳模类型随之更新。",
          "已有的荣誉（同一获得者、称号、级别和年度）不会重复导入；用“导出Excel…”导出的荣誉名单也可以直接导入。",
          CHECK_TIP),
    nothing_to_import="没有需要导入的内容：表格中的荣誉都已登记过。",
)


def _year_text(row: PlannedHonour) -> str:
    return str(row.year) if row.year else ""


class HonourImportWizard(ImportWizardBase):
    """导入荣誉名单. ``path`` pre-fills the file page; ``today`` is the day the dates are checked against."""

    ACTIONS = {"new": ActionLook("新增", NEW_COLOUR, "项"),
               "unchanged": ActionLook("已有", UNCHANGED_COLOUR, "项（不再导入）"),
               "invalid": ActionLook("有错误", INVALID_COLOUR, "行")}
    ROW_COLUMNS = (NAME_COLUMN._replace(header="获得者", width=90), PlanColumn("类型", 44, attrgetter("kind")),
                   SUB_UNIT_COLUMN._replace(width=96), PlanColumn("荣誉称号", 120, attrgetter("title")),
                   PlanColumn("级别", 56, attrgetter("level")), PlanColumn("年度", 48, _year_text))

    def __init__(self, context, path=None, parent=None, *, today: dt.date | None = None):
        super().__init__(context, Importer(open_source, plan_import, commit_import, HONOUR_IMPORT_FIELDS,
                                           required=REQUIRED_COLUMNS), HONOUR_TEXTS, path, parent,
                         today=today)

    def mapping_notes(self, mapped: set[str]) -> list[str]:
        notes = []
        if "recipient_kind" not in mapped:
            notes.append("没有“类型”列：按获得者的名称判断是个人、集体还是本会")
        if "level" not in mapped:
            notes.append("没有级别列：按授予单位或称号推断级别，无法推断的行不能导入")
        if "year" not in mapped and "conferred_on" not in mapped:
            notes.append("没有年度或日期列：每行都要有年度，否则不能导入")
        if "stage" not in mapped:
            notes.append("没有阶段列：全部按“获评”导入")
        return notes

    def count_note(self, plan: HonourImportPlan, action: str) -> str:
        return f"（个人荣誉 {plan.persons()} 人）" if action == "new" and plan.persons() else ""

    def ready_parts(self, plan: HonourImportPlan) -> list[str]:
        counts = plan.counts()
        parts = [f"新增荣誉 {counts['new']} 项"]
        if counts["unchanged"]:
            parts.append(f"已登记的 {counts['unchanged']} 项不再导入")
        return parts

    def changed_signals(self, result: HonourImportResult) -> list:
        return [self.context.honours_changed] + ([self.context.members_changed] if result.model_workers else [])

    def summary(self, result: HonourImportResult) -> tuple[list[str], str, str]:
        lines = [f"新增荣誉 <b>{result.created}</b> 项"]
        if result.model_workers:
            lines.append(f"<b>{result.model_workers}</b> 名会员的劳模类型随之更新")
        if result.unchanged:
            lines.append(f"已登记的 {result.unchanged} 项，没有重复导入")
        lines.append(self.skipped_line(result.skipped))
        note = ("被跳过的行改正后可以再导入一次同一个文件：已导入的荣誉会被认出，不会重复添加。" if result.skipped else
                "可以在“荣誉”页中查看导入的荣誉，按级别从高到低排列。")
        return lines, note, f"导入完成：新增荣誉 {result.created} 项，跳过 {result.skipped} 行"


__all__ = ["HonourImportWizard"]
