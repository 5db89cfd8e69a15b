"""The events import wizard (导入活动记录): historical events, participants and results from Excel or CSV.

The same pages and the same all-or-nothing behaviour as the other imports
(:class:`gonghui_desk.ui.import_wizard.ImportWizardBase`); the rules are those of
:mod:`gonghui_desk.importing.event_import`: one row per person taking part (or per award to a unit), the
event's columns repeated on its rows; rows grouped into events, items, teams and entries; a team's result
written once; events, entries and results already recorded shown and not imported again; a problem with an
event's columns drops the whole event, a problem on a team's row the whole team.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from operator import attrgetter
from pathlib import Path

from PySide6.QtWidgets import QWidget

from gonghui_desk.importing.event_import import (EVENT_IMPORT_FIELDS, REQUIRED_COLUMNS, EventImportPlan,
                                                 EventImportResult, PlannedEventRow, commit_import, open_source,
                                                 plan_import, totals_text, write_events_template)
from gonghui_desk.ui.import_wizard import (CHECK_TIP, INVALID_COLOUR, NAME_COLUMN, NEW_COLOUR, UNCHANGED_COLOUR,
                                           ActionLook, Importer, ImportTexts, ImportWizardBase, PlanColumn,
                                           save_blank_template)

TEMPLATE_NAME = "活动导入模板.xlsx"

EVENT_TEXTS = ImportTexts(
    title="导入活动记录",
    file_title="选择活动记录文件",
    what="活动记录表",
    target="活动记录",
    intro="可以导入以前用 Excel 记的活动、参加人员和获奖情况（劳动竞赛、技能比武、运动会、讲座培训等）。"
          "<b>每行一名参加人员</b>（或一项发给单位的奖项，如组织奖），同一活动的活动名称、届次、开始日期每行都要填写。"
          "表格上方可以有标题行，程序会自动找到表头并按列名认出各列。参加人员按身份证号找到会员，没有身份证号时按姓名找，"
          "同名的再按部门区分。",
    tips=("活动名称、届次、开始日期相同的行为同一活动；类型、地点、经费等可只填一行，多行都填时必须一致。"
          "经费每个活动只算一次。",
          "有“队名”的行组成队伍（队员为这些行上的人），队长的行在“队长”填“是”。团体成绩可填在每名队员的行上"
          "（须一致），只记一条。",
          "活动类型、节日、比赛阶段、获奖等级按选项表对应，常见写法会自动识别（如“技能大赛”即技能比武，“三八妇女节”即三八）。",
          "已有的活动、报名和成绩不会重复导入，同一个文件可以放心再导入一次；人次、人数等统计数由程序计算，不导入。",
          "活动信息有错误时整个活动不导入；队伍中有一行有错误时整支队伍不导入。",
          CHECK_TIP),
    nothing_to_import="没有需要导入的内容：表格中的活动、参加人员和成绩都已登记过。",
    template="下载空白导入模板，每行填写一名参加人员后再导入。模板中身份证号已设为文本格式，活动类型、节日、"
             "获奖等级等带下拉列表，第二页有各列的填写说明。",
)


class EventImportWizard(ImportWizardBase):
    """导入活动记录. ``path`` pre-fills the file page; ``today`` is the day the dates are checked against."""

    ACTIONS = {"new": ActionLook("导入", NEW_COLOUR, "行"),
               "unchanged": ActionLook("已有", UNCHANGED_COLOUR, "行（不再导入）"),
               "invalid": ActionLook("有错误", INVALID_COLOUR, "行")}
    ROW_COLUMNS = (PlanColumn("活动", 132, attrgetter("event")), PlanColumn("日期", 82, attrgetter("start_date")),
                   PlanColumn("项目", 60, attrgetter("item")), PlanColumn("队名", 110, attrgetter("team")),
                   NAME_COLUMN._replace(header="姓名/单位", width=66),
                   PlanColumn("部门", 70, attrgetter("sub_unit_path")), PlanColumn("成绩", 150, attrgetter("result")))
    SIZE = (1080, 700)  # wider than the other imports: the check page has more columns

    def __init__(self, context, path=None, parent=None, today: dt.date | None = None):
        super().__init__(context, Importer(open_source, plan_import, commit_import, EVENT_IMPORT_FIELDS,
                                           required=REQUIRED_COLUMNS), EVENT_TEXTS, path, parent,
                         today=today)
        self.resize(*self.SIZE)

    def mapping_notes(self, mapped: set[str]) -> list[str]:
        notes = []
        if not mapped & {"name", "id_number", "team", "awardee"}:
            notes.append("没有姓名、队名或获奖单位列：只导入活动本身，不导入参加人员和成绩")
        elif "id_number" not in mapped:
            notes.append("没有身份证号列：按姓名找会员，同名的按部门区分")
        if "kind" not in mapped:
            notes.append("没有活动类型列：按活动名称推断类型，无法推断的活动不能导入")
        if "status" not in mapped:
            notes.append("没有状态列：已开始的活动按“已举办”，未开始的按“计划”导入")
        return notes

    def row_details(self, row: PlannedEventRow) -> list[str]:
        if row.action == "new":
            return [f"将{'、'.join(row.writes)}"]
        if row.action == "unchanged" and not row.problems:
            return ["已在系统中，不再导入"]
        return []

    def count_note(self, plan: EventImportPlan, action: str) -> str:
        return f"（{plan.persons()} 人）" if action == "new" and plan.persons() else ""

    def ready_parts(self, plan: EventImportPlan) -> list[str]:
        counts = plan.counts()
        parts = [totals_text(plan.totals())]
        if counts["unchanged"]:
            parts.append(f"已登记的 {counts['unchanged']} 行不再导入")
        return parts

    def changed_signals(self, result: EventImportResult) -> list:
        return [self.context.events_changed]

    def summary(self, result: EventImportResult) -> tuple[list[str], str, str]:
        lines = [f"新建活动 <b>{result.events_created}</b> 场" + (
            f"，补充已有活动 {result.events_reused} 场" if result.events_reused else "")]
        if result.items:
            lines.append(f"新增项目 <b>{result.items}</b> 个")
        if result.teams or result.team_members:
            lines.append(f"新增队伍 <b>{result.teams}</b> 支（队员 {result.team_members} 人）")
        lines.append(f"个人报名 <b>{result.entries}</b> 人次" + (
            f"，队伍报名 <b>{result.team_entries}</b> 个" if result.team_entries else ""))
        lines.append(f"登记成绩 <b>{result.results}</b> 条")
        if result.unchanged:
            lines.append(f"已登记的 {result.unchanged} 行，没有重复导入")
        lines.append(self.skipped_line(result.skipped))
        if result.warnings:
            lines.append(f"其中 {len(result.warnings)} 人次报名时不是在册会员（已照表导入）")
        note = ("被跳过的行改正后可以再导入一次同一个文件：已导入的活动、报名和成绩会被认出，不会重复添加。"
                if result.skipped else "可以在“活动竞赛”页中查看导入的活动，打开活动可看到参加人员和成绩。")
        return lines, note, (f"导入完成：新建活动 {result.events_created} 场，报名 {result.entries + result.team_entries} 条，"
                             f"成绩 {result.results} 条，跳过 {result.skipped} 行")

    def save_template(self, parent: QWidget) -> Path | None:
        return save_blank_template(parent, TEMPLATE_NAME, partial(write_events_template, db=self.context.db),
                                   "每行填写一名参加人员后，再用“导入…”导入即可。")


__all__ = ["EventImportWizard", "TEMPLATE_NAME"]
