"""The proposals import wizard (导入提案): historical proposals of congress sessions from Excel or CSV.

The same pages and the same all-or-nothing behaviour as the other imports
(:class:`gonghui_desk.ui.import_wizard.ImportWizardBase`); the rules are those of
:mod:`gonghui_desk.importing.proposal_import`: one row per proposal (a further round of handling as a second
row with the same 编号 and 轮次 2); terms and sessions that are not recorded are created, and the check page
says so above the rows; proposers and co-signers found in the roster; merges resolved by number within the
session; a recorded proposal kept as it is, with what it lacks (review, handling, reply, rating) added; a row
with an error drops its further rounds and the proposals merged into it.
"""

from __future__ import annotations

import datetime as dt
import html
from functools import partial
from operator import attrgetter
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QWidget

from gonghui_desk.importing.proposal_import import (PROPOSAL_IMPORT_FIELDS, REQUIRED_COLUMNS, PlannedProposalRow,
                                                    ProposalImportPlan, ProposalImportResult, commit_import,
                                                    open_source, plan_import, totals_text, write_proposals_template)
from gonghui_desk.ui.import_wizard import (CHECK_TIP, INVALID_COLOUR, NAME_COLUMN, NEW_COLOUR, UNCHANGED_COLOUR,
                                           UPDATE_COLOUR, ActionLook, Importer, ImportTexts, ImportWizardBase,
                                           PlanColumn, PreviewPage, save_blank_template)

TEMPLATE_NAME = "提案导入模板.xlsx"

PROPOSAL_TEXTS = ImportTexts(
    title="导入提案",
    file_title="选择提案汇总表",
    what="提案汇总表",
    target="提案记录",
    intro="可以导入以前用 Excel 记的提案（提案汇总表、立案一览表、办理情况表）。<b>每行一件提案</b>，每行都要写明届次和"
          "会议次数（或“会议”一栏，如“第3届第2次”）。表格上方可以有标题行，程序会自动找到表头并按列名认出各列。"
          "系统中还没有的届次和会议会自动新建。",
    tips=("提案人、附议人按姓名在会员名册中找；同名的写成“张三（一车间）”。代表团提案在提案人一栏填代表团名称。",
          "编号只写数字（如 7）时按会议的编号格式写成“第3届第2次-007”；没有编号的按顺序自动编号。",
          "并案的提案在“并入提案编号”填写所并入的提案编号，被并入的提案在表中哪一行都可以。",
          "提案人不满意、再次交办的，另起一行，填写相同的编号并在“轮次”填 2。",
          "审查结果、办理结果、满意度的常见写法会自动识别（如“予以立案”“不予立案”“已落实”“比较满意”）；"
          "类别和承办部门须在选项表中。",
          "已导入的提案不会重复导入；表中补充了审查、答复或评价的，再导入一次只补充这些内容。",
          "一件提案有错误时，它的第二轮和并入它的提案也不导入。",
          CHECK_TIP),
    nothing_to_import="没有需要导入的内容：表格中的提案及其审查、办理情况都已登记过。",
    template="下载空白导入模板，每行填写一件提案后再导入。模板中类别、审查结果、承办部门等带下拉列表，"
             "第二页有各列的填写说明。",
)


class ProposalPreviewPage(PreviewPage):
    """The check page, with what the import creates (terms, sessions) and its notes above the rows."""

    def add_extras(self) -> None:
        self.created_label = QLabel()
        self.created_label.setTextFormat(Qt.RichText)
        self.created_label.setWordWrap(True)
        self.created_label.setFrameShape(QFrame.StyledPanel)
        self.created_label.setStyleSheet("QLabel { background: #f4f8fc; padding: 6px; }")
        self.created_label.hide()
        self.body.addWidget(self.created_label)

    def plan_shown(self, plan: ProposalImportPlan) -> None:
        lines = []
        created = plan.created_text()
        if created:
            lines.append(f"<b>{html.escape(created)}</b>")
        for session in plan.sessions:
            if session.session_id is not None and (session.new_proposals or session.updated_proposals):
                parts = [f"新增提案 {session.new_proposals} 件"] + (
                    [f"补充已有提案 {session.updated_proposals} 件"] if session.updated_proposals else [])
                lines.append(f"{html.escape(session.title)}（已有）：{'，'.join(parts)}")
        if plan.defaults_text():
            lines.append(f"未填写的日期按前一环节的日期登记：{html.escape(plan.defaults_text())}（见各行说明）")
        lines += [f"<span style='color:#b9770e'>{html.escape(note)}</span>" for note in plan.notes]
        self.created_label.setText("<br>".join(lines))
        self.created_label.setVisible(bool(lines))


def _review_text(row: PlannedProposalRow) -> str:
    return row.review


class ProposalImportWizard(ImportWizardBase):
    """导入提案. ``path`` pre-fills the file page; ``today`` is the day the dates are checked against."""

    ACTIONS = {"new": ActionLook("新增", NEW_COLOUR, "行"),
               "update": ActionLook("补充", UPDATE_COLOUR, "行"),
               "unchanged": ActionLook("已有", UNCHANGED_COLOUR, "行（不再导入）"),
               "invalid": ActionLook("有错误", INVALID_COLOUR, "行")}
    ROW_COLUMNS = (PlanColumn("会议", 72, attrgetter("session")), PlanColumn("编号", 118, attrgetter("number")),
                   PlanColumn("案由", 176, attrgetter("title")), NAME_COLUMN._replace(header="提案人", width=84),
                   PlanColumn("审查", 128, _review_text), PlanColumn("办理", 146, attrgetter("handling")))
    SIZE = (1120, 720)  # wider than the other imports: the check page has more columns
    preview_page_class = ProposalPreviewPage

    def __init__(self, context, path=None, parent=None, today: dt.date | None = None):
        super().__init__(context, Importer(open_source, plan_import, commit_import, PROPOSAL_IMPORT_FIELDS,
                                           required=REQUIRED_COLUMNS), PROPOSAL_TEXTS, path, parent,
                         today=today)
        self.resize(*self.SIZE)

    def mapping_notes(self, mapped: set[str]) -> list[str]:
        notes = []
        if not mapped & {"term", "meeting", "number"}:
            notes.append("没有届次、会议或编号列：无法确定提案属于哪次会议，请指定“届次”和“会议次数”两列，或“会议”一列")
        elif "term" in mapped and not mapped & {"session_number", "meeting"}:
            notes.append("没有会议次数列：编号中须写明会议（如“第3届第2次-001”）")
        if "number" not in mapped:
            notes.append("没有编号列：按顺序自动编号，再次导入时按案由和提案人认出已导入的提案")
        if "cosigners" not in mapped:
            notes.append("没有附议人列：不导入附议人，也不提示附议人数不足")
        if not mapped & {"outcome", "merged_into"}:
            notes.append("没有审查结果列：填写了主办部门的提案按“立案”导入，其余为待审查")
        return notes

    def row_details(self, row: PlannedProposalRow) -> list[str]:
        details = []
        if row.action in ("new", "update"):
            details.append(f"将{'、'.join(row.writes)}")
        elif row.action == "unchanged" and not row.problems:
            details.append("已在系统中，不再导入")
        if row.action != "invalid":
            details += row.defaults
        return details

    def count_note(self, plan: ProposalImportPlan, action: str) -> str:
        totals = plan.totals()
        if action == "new" and totals.proposals:
            return f"（提案 {totals.proposals} 件）"
        if action == "update" and totals.updated:
            return f"（提案 {totals.updated} 件）"
        return ""

    def ready_parts(self, plan: ProposalImportPlan) -> list[str]:
        counts = plan.counts()
        parts = [totals_text(plan.totals())]
        if counts["unchanged"]:
            parts.append(f"已登记的 {counts['unchanged']} 行不再导入")
        return parts

    def changed_signals(self, result: ProposalImportResult) -> list:
        return [self.context.congress_changed]

    def summary(self, result: ProposalImportResult) -> tuple[list[str], str, str]:
        lines = []
        created = [text for n, text in ((result.terms, f"届次 <b>{result.terms}</b> 个"),
                                        (result.sessions, f"会议 <b>{result.sessions}</b> 次")) if n]
        if created:
            lines.append("新建" + "、".join(created))
        lines.append(f"登记提案 <b>{result.proposals}</b> 件")
        if result.updated:
            lines.append(f"补充已有提案 <b>{result.updated}</b> 件")
        steps = [text for n, text in ((result.reviews, f"审查 <b>{result.reviews}</b> 件"),
                                      (result.rounds, f"交办 <b>{result.rounds}</b> 次"),
                                      (result.replies, f"答复 <b>{result.replies}</b> 次"),
                                      (result.ratings, f"评价 <b>{result.ratings}</b> 次")) if n]
        if steps:
            lines.append("记录" + "、".join(steps))
        if result.unchanged:
            lines.append(f"已登记的 {result.unchanged} 行，没有重复导入")
        lines.append(self.skipped_line(result.skipped))
        note = ("被跳过的行改正后可以再导入一次同一个文件：已导入的提案会被认出，不会重复添加。"
                if result.skipped else "可以在提案页中选择会议查看导入的提案。")
        return lines, note, (f"导入完成：登记提案 {result.proposals} 件，补充 {result.updated} 件，"
                             f"跳过 {result.skipped} 行")

    def save_template(self, parent: QWidget) -> Path | None:
        return save_blank_template(parent, TEMPLATE_NAME, partial(write_proposals_template, db=self.context.db),
                                   "每行填写一件提案后，再用“导入…”导入即可。")


__all__ = ["ProposalImportWizard", "TEMPLATE_NAME"]
