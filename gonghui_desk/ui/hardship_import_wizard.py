"""The hardship file import wizard (导入困难职工档案): a historical 困难职工花名册 from Excel or CSV.

The same pages and the same all-or-nothing behaviour as the other imports
(:class:`gonghui_desk.ui.import_wizard.ImportWizardBase`); the rules are those of
:mod:`gonghui_desk.importing.hardship_import`: one row per household, the head found by ID
number, or by name and 部门 when that is unambiguous; closed files (脱困/注销) come in as
history; files already there are shown and not imported again; 家庭年总收入 and 家庭月人均收入
are computed, and the sheet's own figures are only compared with them. Family members are
not on the sheet: they are entered in each file afterwards.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from operator import attrgetter
from pathlib import Path

from PySide6.QtWidgets import QWidget

from gonghui_desk.importing.hardship_import import (CHECK_ONLY, HARDSHIP_IMPORT_FIELDS, IMPORT_REASON, MONEY_FIELDS,
                                                    PROBLEM_LABELS, REQUIRED_COLUMNS, HardshipImportPlan,
                                                    HardshipImportResult, PlannedFile, commit_import, open_source,
                                                    plan_import, write_hardship_template)
from gonghui_desk.money import yuan_text
from gonghui_desk.ui.import_wizard import (CHECK_TIP, INVALID_COLOUR, NAME_COLUMN, NEW_COLOUR, SUB_UNIT_COLUMN,
                                           UNCHANGED_COLOUR, UPDATE_COLOUR, ActionLook, Importer, ImportTexts,
                                           ImportWizardBase, PlanColumn, save_blank_template)

TEMPLATE_NAME = "困难职工档案导入模板.xlsx"

HARDSHIP_TEXTS = ImportTexts(
    title="导入困难职工档案",
    file_title="选择困难职工花名册文件",
    what="困难职工花名册",
    target="困难职工档案",
    intro="可以导入以前用 Excel 记的困难职工花名册（档案汇总表），每行一户。表格上方可以有标题行，程序会自动找到表头，"
          "并按列名（如“户主姓名”“困难类型”“致困原因”“帮扶级别”）认出各列。户主按身份证号找到会员；"
          "没有身份证号时按姓名找，同名的再按部门区分。",
    tips=("户主要先在会员名册中。已不是在册会员的（如已退休）照样导入，档案中注明“导入历史档案”。",
          "<b>表中不含家庭成员</b>：导入后请在每份档案中补录家庭成员（姓名、关系、身份证号、月收入等），"
          "家庭年总收入和月人均收入会随之重新计算。",
          "家庭年总收入、家庭月人均收入由程序计算，不导入；表中有这两列时只用来核对，不一致的会提示。",
          "困难类别、致困原因等按选项表对应，常见写法会自动识别（如“因病致困”即因病，“√”即是）。"
          "已脱困或注销的档案须填写日期和原因，作为历史档案导入。",
          "已有的档案（同一户主、同一建档日期）不会重复导入，同一个文件可以放心再导入一次。",
          CHECK_TIP),
    nothing_to_import="没有需要导入的内容：表格中的档案都已导入过。",
    template="下载空白导入模板，每行填写一户后再导入。模板中身份证号、银行卡号已设为文本格式，"
             "困难类别、致困原因等带下拉列表。",
)


def _income_text(row: PlannedFile) -> str:
    return "" if row.action == "invalid" else f"{yuan_text(row.income_per_person_fen)} 元"


class HardshipImportWizard(ImportWizardBase):
    """导入困难职工档案. ``path`` pre-fills the file page; ``today`` is the day the dates are checked against."""

    ACTIONS = {"new": ActionLook("新建档", NEW_COLOUR, "户"),
               "history": ActionLook("历史档案", UPDATE_COLOUR, "户（已脱困/注销）"),
               "unchanged": ActionLook("已有", UNCHANGED_COLOUR, "户（不再导入）"),
               "invalid": ActionLook("有错误", INVALID_COLOUR, "行")}
    ROW_COLUMNS = (NAME_COLUMN._replace(width=72), SUB_UNIT_COLUMN._replace(width=110),
                   PlanColumn("困难类别", 72, attrgetter("category")),
                   PlanColumn("档案状态", 126, attrgetter("status_text")),
                   PlanColumn("月人均收入", 86, _income_text))

    def __init__(self, context, path=None, parent=None, *, today: dt.date | None = None):
        super().__init__(context, Importer(open_source, plan_import, commit_import, HARDSHIP_IMPORT_FIELDS,
                                           required=REQUIRED_COLUMNS), HARDSHIP_TEXTS, path, parent,
                         today=today)

    def mapping_notes(self, mapped: set[str]) -> list[str]:
        notes = []
        if "id_number" not in mapped:
            notes.append("没有身份证号列：按姓名找户主，同名的按部门区分")
        if not mapped & set(MONEY_FIELDS):
            notes.append("没有本人月收入、家庭其他年收入列：收入记为 0，请导入后在档案中补填")
        if "status" not in mapped:
            notes.append("没有档案状态列：全部作为在档档案导入")
        checked = [PROBLEM_LABELS[key] for key in CHECK_ONLY if key in mapped]
        if checked:
            notes.append(f"{'、'.join(checked)}由程序计算，这{'两' if len(checked) == 2 else '一'}列只用于核对，不导入")
        return notes

    @staticmethod
    def _with_reason(plan: HardshipImportPlan) -> int:
        return sum(1 for row in plan.rows if row.action in ("new", "history") and row.needs_reason)

    def ready_parts(self, plan: HardshipImportPlan) -> list[str]:
        counts = plan.counts()
        parts = [f"新建在档档案 {counts['new']} 户、历史档案 {counts['history']} 户"]
        if counts["unchanged"]:
            parts.append(f"已有的 {counts['unchanged']} 户不再导入")
        with_reason = self._with_reason(plan)
        if with_reason:
            parts.append(f"其中 {with_reason} 户户主不是在册会员，将注明“{IMPORT_REASON}”")
        return parts

    def changed_signals(self, result: HardshipImportResult) -> list:
        return [self.context.hardship_changed]

    def summary(self, result: HardshipImportResult) -> tuple[list[str], str, str]:
        lines = [f"新建在档档案 <b>{result.created}</b> 户", f"历史档案（已脱困/注销）<b>{result.history}</b> 户"]
        if result.with_reason:
            lines.append(f"其中 <b>{result.with_reason}</b> 户户主不是在册会员，已注明“{IMPORT_REASON}”")
        if result.unchanged:
            lines.append(f"已有档案 {result.unchanged} 户，没有重复导入")
        lines.append(self.skipped_line(result.skipped))
        note = "请在“困难帮扶”中打开各档案补录家庭成员，家庭年总收入和月人均收入会随之重新计算。"
        if result.skipped:
            note += "被跳过的行改正后可以再导入一次同一个文件：已导入的档案会被认出，不会重复添加。"
        total = result.created + result.history
        return lines, note, f"导入完成：新建困难职工档案 {total} 户，跳过 {result.skipped} 行"

    def save_template(self, parent: QWidget) -> Path | None:
        return save_blank_template(parent, TEMPLATE_NAME, partial(write_hardship_template, db=self.context.db),
                                   "每行填写一户后，再用“导入”导入即可。")


__all__ = ["HardshipImportWizard"]
