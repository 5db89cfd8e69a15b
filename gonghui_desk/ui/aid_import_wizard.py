"""The aid import wizard (导入帮扶台账): historical aid payments (帮扶台账) from Excel or CSV.

The same pages and the same all-or-nothing behaviour as the other imports
(:class:`gonghui_desk.ui.import_wizard.ImportWizardBase`); the rules are those of
:mod:`gonghui_desk.importing.aid_import`: the household head found by ID number, or by name and
部门 when that is unambiguous, and the head's hardship file covering the payment date; payments
imported as paid (发放) unless a 阶段 column says 申请 or 审核; 金秋助学 students not yet listed
added to the family; rows already recorded shown and not imported again; rule breaches (the file
not 在档 on the date…) are warnings, and the payments are saved with the reason "导入历史台账".
"""

from __future__ import annotations

import datetime as dt
from operator import attrgetter

from gonghui_desk.importing.aid_import import (AID_IMPORT_FIELDS, IMPORT_REASON, AidImportPlan, AidImportResult,
                                               PlannedAid, commit_import, open_source, plan_import)
from gonghui_desk.money import yuan_text
from gonghui_desk.ui.import_wizard import (CHECK_TIP, INVALID_COLOUR, NAME_COLUMN, NEW_COLOUR, SUB_UNIT_COLUMN,
                                           UNCHANGED_COLOUR, ActionLook, Importer, ImportTexts, ImportWizardBase,
                                           PlanColumn)

AID_TEXTS = ImportTexts(
    title="导入帮扶台账",
    file_title="选择帮扶台账文件",
    what="帮扶台账",
    target="帮扶台账",
    intro="可以导入以前用 Excel 记的帮扶台账（生活救助、医疗救助、送温暖、金秋助学等的发放记录）。表格上方可以有标题行，"
          "程序会自动找到表头，并按列名（如“户主”“救助类型”“发放金额”“发放日期”）认出各列。每行按身份证号找到户主；"
          "没有身份证号时按姓名找，同名的再按部门区分；再按发放日期找到户主当时的困难职工档案。",
    tips=("户主要先有困难职工档案：没有档案的，请先在“困难职工档案”中建档或导入档案，再导入台账。",
          "历史记录按“已发放”导入，每行都要有发放日期；尚未发放的，请在“阶段”一栏写“申请”或“审核”。"
          f"不符合帮扶规定的记录（如发放时档案已脱困）照样导入，并注明“{IMPORT_REASON}”。",
          "帮扶类型和资金来源按名称或常见写法对应（如“送温暖”即节日送温暖，“工会经费”即本级经费）；"
          "新的类型或来源请先在设置的选项表中添加。",
          "金秋助学按学生身份证号或姓名找到该户的家庭成员；档案中还没有登记的学生，导入时会添加为该户的家庭成员。",
          "台账中已有的记录（同一户、类型、日期和金额）不会重复导入，同一个文件可以放心再导入一次；"
          "用“导出Excel…”导出的帮扶台账也可以直接导入。",
          CHECK_TIP),
    nothing_to_import="没有需要导入的内容：表格中的帮扶记录都已在台账中。",
)


def _amount_text(row: PlannedAid) -> str:
    return f"{yuan_text(row.total_fen) or '0'} 元" if row.total_fen else ""


class AidImportWizard(ImportWizardBase):
    """导入帮扶台账. ``path`` pre-fills the file page; ``today`` is the day the dates are checked against."""

    ACTIONS = {"new": ActionLook("新增", NEW_COLOUR, "人次"),
               "unchanged": ActionLook("已有", UNCHANGED_COLOUR, "条（不再导入）"),
               "invalid": ActionLook("有错误", INVALID_COLOUR, "行")}
    ROW_COLUMNS = (NAME_COLUMN._replace(header="户主", width=64), SUB_UNIT_COLUMN._replace(width=96),
                   PlanColumn("帮扶类型", 80, attrgetter("aid_type")), PlanColumn("日期", 84, attrgetter("day")),
                   PlanColumn("金额", 74, _amount_text))

    def __init__(self, context, path=None, parent=None, *, today: dt.date | None = None):
        super().__init__(context, Importer(open_source, plan_import, commit_import, AID_IMPORT_FIELDS,
                                           required=("name", "aid_type")), AID_TEXTS, path, parent,
                         today=today)

    def mapping_notes(self, mapped: set[str]) -> list[str]:
        notes = []
        if "id_number" not in mapped:
            notes.append("没有身份证号列：按姓名找户主，同名的按部门区分")
        if "paid_on" not in mapped:
            notes.append("没有发放日期列：每条已发放的记录都要有发放日期，否则不能导入"
                         + ("" if "stage" in mapped else "（尚未发放的请用“阶段”一列注明）"))
        return notes

    def row_details(self, row: PlannedAid) -> list[str]:
        if row.action == "invalid" or not row.student_name or row.new_student is not None:
            return []  # a student to add is named in the row's warning
        return [f"受助学生：{row.student_name}"]

    def count_note(self, plan: AidImportPlan, action: str) -> str:
        return f"（{plan.households()} 户）" if action == "new" and plan.counts()["new"] else ""

    def ready_parts(self, plan: AidImportPlan) -> list[str]:
        counts = plan.counts()
        parts = [f"新增 {counts['new']} 人次帮扶记录（{plan.households()} 户）"]
        if counts["unchanged"]:
            parts.append(f"台账中已有的 {counts['unchanged']} 条不再导入")
        students = plan.students_to_add()
        if students:
            parts.append(f"把学生 {'、'.join(students)} 添加为家庭成员")
        against = plan.with_warnings()
        if against:
            parts.append(f"其中 {against} 条不符合帮扶规定，将注明“{IMPORT_REASON}”")
        return parts

    def changed_signals(self, result: AidImportResult) -> list:
        signal = getattr(self.context, "hardship_changed", None)
        return [signal] if signal is not None else []

    def summary(self, result: AidImportResult) -> tuple[list[str], str, str]:
        lines = [f"新增 <b>{result.created}</b> 人次"]
        if result.with_warnings:
            lines.append(f"其中 <b>{result.with_warnings}</b> 条不符合帮扶规定，已注明“{IMPORT_REASON}”")
        if result.students_added:
            lines.append(f"添加为家庭成员的学生 <b>{result.students_added}</b> 人")
        if result.unchanged:
            lines.append(f"台账中已有 {result.unchanged} 条，没有重复导入")
        lines.append(self.skipped_line(result.skipped))
        note = ("被跳过的行改正后可以再导入一次同一个文件：已导入的记录会被认出，不会重复添加。" if result.skipped else
                "可以在“帮扶记录”中查看导入的记录；往年的记录请在“发放期间”中选择“上年”或“全部日期”。")
        return lines, note, f"导入完成：新增 {result.created} 人次帮扶记录，跳过 {result.skipped} 行"


__all__ = ["AidImportWizard"]
