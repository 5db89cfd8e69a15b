"""The 批量慰问 page (春节送温暖, 夏送清凉, 中秋…): the campaigns, and the recipients of the one selected.

A campaign is a draft until 发放并登记: its list and amounts can change, and its sign-off
sheet (发放签收表) can be printed, exported to Excel or saved as PDF. 发放并登记 checks every
visit against the money rules (``care.campaigns.check_campaign``); when some break a rule,
the officer sees them per member and gives one reason, and then ``record_campaign`` creates
one visit per recipient on a worker thread (with 取消). Afterwards the list is locked and the
已签收 column is ticked as people sign. All rules and SQL are in :mod:`gonghui_desk.care.campaigns`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QFrame,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QSplitter,
                               QStackedWidget, QVBoxLayout, QWidget)

from gonghui_desk.care.campaigns import (add_recipients, campaign_recipients, check_campaign, get_campaign,
                                         list_campaigns, record_campaign, remove_recipients,
                                         set_recipient_amount, set_signed, void_campaign)
from gonghui_desk.errors import UserError
from gonghui_desk.money import yuan_text
from gonghui_desk.ui.campaign_models import (CampaignListModel, RecipientFilterModel, RecipientTableModel,
                                             recipient_row)
from gonghui_desk.ui.campaign_wizard import MemberPickerDialog, recipient_table, selected_proxy_rows
from gonghui_desk.ui.dialogs import ReasonDialog
from gonghui_desk.ui.exports import ask_save_path, run_export
from gonghui_desk.ui.member_model import RecordTableModel
from gonghui_desk.ui.tables import compact_table
from gonghui_desk.ui.workers import run_job, show_error, with_worker_db

ERROR_STYLE = "color: #c0392b;"
MUTED_STYLE = "color: #6b6b6b;"
OK_STYLE = "color: #2e7d32;"
WARNING_STYLE = "color: #b9770e;"
LOCK_STYLE = ("QLabel { background: #fff8e5; border: 1px solid #f0d090; border-radius: 4px; padding: 6px 8px;"
              " color: #6b4e00; }")
VOID_STYLE = ("QLabel { background: #fdecea; border: 1px solid #f1b0a8; border-radius: 4px; padding: 6px 8px;"
              " color: #8a1f11; }")
DRAFT_STYLE = "QLabel { color: #555; padding: 2px 0; }"
EMPTY_TEXT = ("还没有批量慰问。\n春节送温暖、夏送清凉、中秋慰问等一次发给很多人的慰问，"
              "可以在这里按条件选出名单、打印发放签收表，发放后一次登记为每人的慰问记录。")


def safe_file_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "", text) or "批量慰问"


def _time_text(value) -> str:
    return str(value or "")[:16].replace("T", " ")


class RecordCampaignDialog(QDialog):
    """发放并登记: what will be recorded and, when some visits break a rule, each member's
    warnings and one reason for all of them (kept on those visits)."""

    def __init__(self, campaign: dict, totals: dict, warnings: list[dict], parent=None):
        super().__init__(parent)
        self.setWindowTitle("发放并登记")
        self.campaign_id = campaign["id"]
        self.warnings = warnings
        layout = QVBoxLayout(self)
        count = totals["count"]
        parts = [f"慰问金 {yuan_text(totals['cash_fen'])} 元"]
        if totals["goods_value_fen"]:
            parts.append(f"慰问品价值 {yuan_text(totals['goods_value_fen'])} 元")
        intro = QLabel(
            f"将为“<b>{campaign['name']}</b>”的 <b>{count}</b> 名慰问对象各登记一条慰问记录"
            f"（{campaign.get('occasion_name', '')}，走访日期 {campaign['campaign_date']}，{'，'.join(parts)}）。"
            "<br>登记后名单和金额不能再修改，之后在“已签收”一列为已签字领取的人打勾。")
        intro.setTextFormat(Qt.RichText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.reason_edit = QLineEdit()
        self.table = None
        if warnings:
            people = len({w["member_id"] for w in warnings})
            head = QLabel(f"<b style='color:#b9770e'>有 {people} 人的慰问不符合慰问标准：</b>")
            head.setTextFormat(Qt.RichText)
            layout.addWidget(head)
            self.warning_model = RecordTableModel((("name", "姓名"), ("sub_unit", "部门"), ("message", "提示")),
                                                  warnings, self)
            self.table = compact_table(self.warning_model)
            header = self.table.horizontalHeader()
            header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
            header.resizeSection(0, 80)
            header.resizeSection(1, 160)
            header.setStretchLastSection(True)
            layout.addWidget(self.table, 1)
            hint = QLabel("如确需按现在的名单和金额发放（例如经工会委员会研究同意），请填写原因。"
                          "原因和以上提示会保存在这些人的慰问记录中；否则请取消，修改金额或名单后再登记。")
            hint.setWordWrap(True)
            hint.setStyleSheet(MUTED_STYLE)
            layout.addWidget(hint)
            row = QHBoxLayout()
            row.addWidget(QLabel("原因："))
            self.reason_edit.setPlaceholderText("如：经工会委员会2027年1月10日会议研究同意")
            row.addWidget(self.reason_edit, 1)
            layout.addLayout(row)
            self.resize(760, 460)
        else:
            ok = QLabel("已逐人核对慰问标准，没有发现超标准、超上限等问题。")
            ok.setStyleSheet(OK_STYLE)
            layout.addWidget(ok)
            self.resize(560, 180)
        self.reason_edit.setVisible(bool(warnings))
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText("仍然登记" if warnings else "登记")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reason_edit.textChanged.connect(self._reason_changed)
        self._reason_changed()

    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def _reason_changed(self, *args) -> None:
        self.ok_button.setEnabled(not self.warnings or bool(self.reason()))

    def accept(self) -> None:
        if self.warnings and not self.reason():
            return
        super().accept()


class VoidCampaignDialog(ReasonDialog):
    """作废: one reason; a recorded campaign's visits are voided with it (by the caller)."""

    def __init__(self, campaign: dict, parent=None):
        visits = campaign.get("visit_count") or 0
        text = f"作废“<b>{campaign['name']}</b>”？"
        if campaign.get("recorded_at"):
            text += (f"<br>本次慰问已发放登记，作废后它的 <b>{visits}</b> 条慰问记录也一并作废，"
                     "不再计入慰问台账和统计。")
        text += "<br>作废的批次仍可查看（勾选“显示已作废”），但不能再修改。"
        super().__init__("作废批量慰问", text, label="原因：", placeholder="如：名单有误，重新建立", parent=parent,
                         width=480)


class CampaignView(QWidget):
    """批量慰问: the campaign list on top, the selected campaign's recipients below."""

    def __init__(self, context, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        self._today = today
        self.campaign_id: int | None = None
        self.campaign: dict | None = None
        self.wizard = None
        self.picker: MemberPickerDialog | None = None
        self.record_dialog: RecordCampaignDialog | None = None
        self.void_dialog: VoidCampaignDialog | None = None
        self.check_job = None
        self.record_job = None
        self.export_job = None
        self.export_box = None
        self.preview = None
        self._last_dir = Path.home()
        self._build()
        self.refresh()
        context.members_changed.connect(self._members_changed)
        context.profile_changed.connect(self._members_changed)
        visits_changed = getattr(context, "visits_changed", None)
        if visits_changed is not None:
            visits_changed.connect(self._visits_changed)

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    # --- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 8)
        outer.setSpacing(6)
        top = QHBoxLayout()
        intro = QLabel("按条件一次选出慰问名单，打印发放签收表；发放后一键登记为每人的慰问记录。")
        intro.setStyleSheet(MUTED_STYLE)
        top.addWidget(intro, 1)
        self.show_voided_check = QCheckBox("显示已作废")
        self.show_voided_check.toggled.connect(self._show_voided)
        top.addWidget(self.show_voided_check)
        self.new_button = QPushButton("新建批量慰问…")
        self.new_button.setToolTip("按条件选出慰问对象，建立一次批量慰问（如春节送温暖）")
        self.new_button.clicked.connect(self.new_campaign)
        top.addWidget(self.new_button)
        outer.addLayout(top)

        self.list_model = CampaignListModel(self)
        self.list_table = compact_table(self.list_model, selection=QAbstractItemView.SingleSelection, fixed_rows=True)
        header = self.list_table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        for column, width in ((CampaignListModel.DATE, 96), (CampaignListModel.OCCASION, 96),
                              (CampaignListModel.COUNT, 60), (CampaignListModel.TOTAL, 120),
                              (CampaignListModel.STATUS, 70), (CampaignListModel.SIGNED, 80)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(CampaignListModel.NAME, QHeaderView.Stretch)
        self.list_table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.empty_page = QWidget()
        empty = QVBoxLayout(self.empty_page)
        empty.addStretch(1)
        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setAlignment(Qt.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: #555; font-size: 11pt;")
        empty.addWidget(self.empty_label)
        row = QHBoxLayout()
        row.addStretch(1)
        self.empty_new_button = QPushButton("新建批量慰问…")
        self.empty_new_button.clicked.connect(self.new_campaign)
        row.addWidget(self.empty_new_button)
        row.addStretch(1)
        empty.addLayout(row)
        empty.addStretch(2)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.list_table)
        self.list_stack.addWidget(self.empty_page)

        self.detail = QFrame()
        detail = QVBoxLayout(self.detail)
        detail.setContentsMargins(0, 6, 0, 0)
        detail.setSpacing(6)
        self.title_label = QLabel()
        self.title_label.setObjectName("sectionTitle")
        self.title_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        detail.addWidget(self.title_label)
        self.info_label = QLabel()
        self.info_label.setStyleSheet(MUTED_STYLE)
        self.info_label.setWordWrap(True)
        detail.addWidget(self.info_label)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.state_label.setTextFormat(Qt.RichText)
        detail.addWidget(self.state_label)

        tools = QHBoxLayout()
        tools.setSpacing(6)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("在名单中查找姓名或部门")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(220)
        tools.addWidget(self.search_edit)
        self.add_button = self._button(tools, "添加会员…", self.choose_members, "按姓名或拼音查找会员，加入名单")
        self.remove_button = self._button(tools, "移除所选", self.remove_selected, "从名单中去掉选中的人")
        tools.addSpacing(10)
        self.sign_all_button = self._button(tools, "全部标记已签收", self.sign_all, "名单上的人都已签字领取")
        self.sign_selected_button = self._button(tools, "标记所选已签收", self.sign_selected,
                                                 "为选中的人在“已签收”一列打勾")
        tools.addStretch(1)
        detail.addLayout(tools)
        actions = QHBoxLayout()
        actions.setSpacing(6)
        self.print_button = self._button(actions, "打印签收表…", self.print_sheet,
                                         "预览并打印发放签收表（A4，每页重复表头）")
        self.export_button = self._button(actions, "导出签收表Excel…", self.export_excel,
                                          "把发放签收表保存为 Excel 文件")
        self.pdf_button = self._button(actions, "导出PDF…", self.export_pdf, "把发放签收表保存为 PDF 文件")
        actions.addSpacing(10)
        self.record_button = self._button(actions, "发放并登记", self.start_record,
                                          "发放后，为名单上每人登记一条慰问记录")
        self.record_button.setStyleSheet("QPushButton { font-weight: bold; }")
        actions.addStretch(1)
        self.void_button = self._button(actions, "作废", self.void_current, "名单建错或不再发放时作废本次慰问")
        detail.addLayout(actions)

        self.recipients = RecipientTableModel(self)
        self.recipients.edit_handler = self._amount_edited
        self.recipients.sign_handler = self._signed
        self.proxy = RecipientFilterModel(self)
        self.proxy.setSourceModel(self.recipients)
        self.recipients_table = recipient_table(self.proxy)
        QShortcut(QKeySequence.Delete, self.recipients_table, self._delete_pressed,
                  context=Qt.WidgetWithChildrenShortcut)
        detail.addWidget(self.recipients_table, 1)
        self.search_edit.textChanged.connect(self.proxy.set_search)
        bottom = QHBoxLayout()
        self.totals_label = QLabel()
        self.totals_label.setTextFormat(Qt.RichText)
        bottom.addWidget(self.totals_label)
        bottom.addStretch(1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        bottom.addWidget(self.message, 2)
        detail.addLayout(bottom)
        self.recipients.totals_changed.connect(self._show_totals)
        self.recipients.edit_failed.connect(self._edit_failed)
        self.recipients_table.selectionModel().selectionChanged.connect(self._update_actions)
        self.proxy.modelReset.connect(self._update_actions)

        self.no_selection = QLabel("在上面选中一次批量慰问，查看和修改它的名单。")
        self.no_selection.setAlignment(Qt.AlignCenter)
        self.no_selection.setStyleSheet("color: #777; font-size: 11pt;")
        self.detail_stack = QStackedWidget()
        self.detail_stack.addWidget(self.detail)
        self.detail_stack.addWidget(self.no_selection)

        self.splitter = QSplitter(Qt.Vertical)
        self.splitter.addWidget(self.list_stack)
        self.splitter.addWidget(self.detail_stack)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([180, 520])
        outer.addWidget(self.splitter, 1)

    def _button(self, layout, text: str, slot, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        layout.addWidget(button)
        return button

    # --- the list -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the campaigns and the selected one's recipients, keeping the selection."""
        keep = self.campaign_id
        self.list_model.set_campaigns(list_campaigns(self.context.db))
        self._show_list_or_empty()
        row = self.list_model.row_of(keep)
        if row is None and self.list_model.rowCount():
            row = 0
        self._select_row(row)
        self.load_recipients()

    def _show_list_or_empty(self) -> None:
        has_any = self.list_model.rowCount() > 0
        self.list_stack.setCurrentWidget(self.list_table if has_any else self.empty_page)
        if not has_any and self.list_model.voided_count():
            self.empty_label.setText("没有未作废的批量慰问。勾选右上角“显示已作废”可以查看已作废的。")
        else:
            self.empty_label.setText(EMPTY_TEXT)

    def _select_row(self, row: int | None) -> None:
        selection = self.list_table.selectionModel()
        selection.blockSignals(True)
        if row is None:
            selection.clearSelection()
            selection.setCurrentIndex(self.list_model.index(-1, -1), QItemSelectionModel.NoUpdate)
            self.campaign_id = None
        else:
            index = self.list_model.index(row, 0)
            selection.setCurrentIndex(index, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
            self.list_table.scrollTo(index)
            self.campaign_id = self.list_model.campaign_id(row)
        selection.blockSignals(False)
        self.list_table.viewport().update()

    def select_campaign(self, campaign_id: int) -> bool:
        """Select a campaign (showing voided ones if needed) and show its recipients."""
        if campaign_id != self.campaign_id:
            self.search_edit.clear()
            self.message.clear()
        if self.list_model.row_of(campaign_id) is None:
            self.list_model.set_campaigns(list_campaigns(self.context.db))
            if self.list_model.row_of(campaign_id) is None and not self.show_voided_check.isChecked():
                self.show_voided_check.setChecked(True)
        row = self.list_model.row_of(campaign_id)
        if row is None:
            return False
        self._show_list_or_empty()
        self._select_row(row)
        self.load_recipients()
        return True

    def _current_changed(self, current, previous=None) -> None:
        campaign_id = self.list_model.campaign_id(current.row()) if current.isValid() else None
        if campaign_id == self.campaign_id and self.campaign is not None:
            return
        self.campaign_id = campaign_id
        self.search_edit.clear()
        self.message.clear()
        self.load_recipients()

    def _show_voided(self, on: bool) -> None:
        keep = self.campaign_id
        self.list_model.set_show_voided(on)
        self._show_list_or_empty()
        row = self.list_model.row_of(keep)
        if row is None and self.list_model.rowCount():
            row = 0
        self._select_row(row)
        self.load_recipients()

    def _update_list_figures(self) -> None:
        """The counts and totals of the list changed (an amount, a tick): keep the selection."""
        keep = self.campaign_id
        self.list_model.set_campaigns(list_campaigns(self.context.db))
        self._select_row(self.list_model.row_of(keep))
        if self.campaign_id is not None:
            self.campaign = get_campaign(self.context.db, self.campaign_id)

    # --- the recipients ------------------------------------------------------------------------
    def load_recipients(self) -> None:
        if self.campaign_id is None:
            self.campaign = None
            self.recipients.set_rows([], editable=False, checkable=False)
            self.detail_stack.setCurrentWidget(self.no_selection)
            self._update_actions()
            return
        db = self.context.db
        self.campaign = get_campaign(db, self.campaign_id)
        if self.campaign is None:
            self.campaign_id = None
            self.load_recipients()
            return
        c = self.campaign
        recorded, voided = bool(c.get("recorded_at")), bool(c.get("voided_at"))
        self.recipients.defaults = {"cash_fen": c.get("default_cash_fen") or 0,
                                    "goods_desc": c.get("default_goods") or "",
                                    "goods_value_fen": c.get("default_goods_value_fen") or 0}
        self.recipients.set_rows([recipient_row(r) for r in campaign_recipients(db, self.campaign_id)],
                                 editable=not recorded and not voided, checkable=recorded and not voided)
        self.detail_stack.setCurrentWidget(self.detail)
        self._show_campaign()
        self._update_actions()

    def _show_campaign(self) -> None:
        c = self.campaign
        self.title_label.setText(c["name"])
        each = []
        if c.get("default_cash_fen"):
            each.append(f"慰问金 {yuan_text(c['default_cash_fen'])} 元")
        if c.get("default_goods"):
            value = f"（价值 {yuan_text(c['default_goods_value_fen'])} 元）" if c.get("default_goods_value_fen") else ""
            each.append(f"{c['default_goods']}{value}")
        facts = [f"发放日期 {c['campaign_date']}", f"慰问类别 {c.get('occasion_name', '')}"]
        if c.get("fund_source"):
            facts.append(f"经费来源 {c['fund_source']}")
        facts.append(f"发放形式 {c.get('payment_form') or '现金'}")
        if each:
            facts.append("每人默认 " + "，".join(each))
        if c.get("notes"):
            facts.append(f"备注：{c['notes']}")
        self.info_label.setText("　·　".join(facts))
        if c.get("voided_at"):
            self.state_label.setStyleSheet(VOID_STYLE)
            self.state_label.setText(f"本次慰问已于 {_time_text(c['voided_at'])} 作废（原因：{c.get('void_reason') or ''}），"
                                     "仅供查阅，不能再修改。" + ("它的慰问记录也已一并作废。" if c.get("recorded_at") else ""))
        elif c.get("recorded_at"):
            self.state_label.setStyleSheet(LOCK_STYLE)
            self.state_label.setText(
                f"<b>已于 {_time_text(c['recorded_at'])} 发放并登记</b>，为每人生成了一条慰问记录（共 "
                f"{c.get('visit_count', 0)} 条）。为使台账与签收表一致，名单和金额已锁定；如有错误，请作废后重新建立。"
                "现在可以在“已签收”一列为已签字领取的人打勾。")
        else:
            self.state_label.setStyleSheet(DRAFT_STYLE)
            self.state_label.setText("未发放：名单和金额可以修改（双击金额单元格）。先打印签收表发放，"
                                     "发放后点“发放并登记”为每人登记一条慰问记录。")

    def _show_totals(self) -> None:
        self.totals_label.setText(self.recipients.totals_text() if self.campaign else "")

    def _update_actions(self, *args) -> None:
        c = self.campaign
        has = c is not None
        voided = has and bool(c.get("voided_at"))
        recorded = has and bool(c.get("recorded_at"))
        draft = has and not voided and not recorded
        rows = self.recipients.rowCount()
        selected = bool(self.recipients_table.selectionModel().selectedRows())
        busy = any(job is not None for job in (self.check_job, self.record_job))
        self.add_button.setEnabled(draft and not busy)
        self.remove_button.setEnabled(draft and selected and not busy)
        future = draft and str(c.get("campaign_date") or "") > self.today.isoformat()
        self.record_button.setEnabled(draft and rows > 0 and not busy and not future)
        self.sign_all_button.setEnabled(recorded and not voided and rows > 0)
        self.sign_selected_button.setEnabled(recorded and not voided and selected)
        for button in (self.print_button, self.export_button, self.pdf_button):
            button.setEnabled(has and not voided and rows > 0)
        self.void_button.setEnabled(has and not voided and not busy)
        locked_tip = "已发放登记的批量慰问，名单和金额已锁定" if recorded else "已作废的批量慰问不能修改"
        for button, tip in ((self.add_button, "按姓名或拼音查找会员，加入名单"),
                            (self.remove_button, "从名单中去掉选中的人")):
            button.setToolTip(tip if draft or not has else locked_tip)
        not_yet = "发放并登记后才能标记签收"
        self.sign_all_button.setToolTip("名单上的人都已签字领取" if recorded else not_yet)
        self.sign_selected_button.setToolTip("为选中的人在“已签收”一列打勾" if recorded else not_yet)
        self.record_button.setToolTip("已经发放登记过了" if recorded else
                                      f"发放日期 {c['campaign_date']} 在今天之后，请发放后再登记" if future else
                                      "发放后，为名单上每人登记一条慰问记录")

    def _say(self, text: str, style: str = MUTED_STYLE) -> None:
        self.message.setStyleSheet(style)
        self.message.setText(text)

    def _edit_failed(self, text: str) -> None:
        self._say(text, ERROR_STYLE)

    def _amount_edited(self, member_id: int, values: dict) -> None:
        set_recipient_amount(self.context.db, self.campaign_id, member_id, **values)
        self._update_list_figures()
        self._say("已修改。", OK_STYLE)

    def selected_member_ids(self) -> list[int]:
        return self.proxy.member_ids_of(selected_proxy_rows(self.recipients_table))

    def _members_changed(self) -> None:
        if self.campaign_id is not None and self.recipients.rowCount():
            self.load_recipients()

    def _visits_changed(self) -> None:
        if self.record_job is None:
            self._update_list_figures()

    def _emit_visits_changed(self) -> None:
        signal = getattr(self.context, "visits_changed", None)
        if signal is not None:
            signal.emit()

    # --- adding and removing by hand --------------------------------------------------------------
    def choose_members(self) -> MemberPickerDialog | None:
        if self.campaign_id is None:
            return None
        dialog = MemberPickerDialog(self.context, self.recipients.member_ids(), self, title="添加会员到慰问名单")
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.members_chosen.connect(self.add_members)
        self.picker = dialog
        dialog.open()
        return dialog

    def add_members(self, member_ids: list[int]) -> int:
        try:
            added = add_recipients(self.context.db, self.campaign_id, list(member_ids))
        except UserError as exc:
            self._say(str(exc), ERROR_STYLE)
            return 0
        self._update_list_figures()
        self.load_recipients()
        if member_ids:
            row = self.recipients.row_of(member_ids[-1])
            if row is not None:
                index = self.proxy.mapFromSource(self.recipients.index(row, 0))
                self.recipients_table.scrollTo(index)
                self.recipients_table.selectRow(index.row())
        self._say(f"已添加 {added} 人（按本次的默认金额，可双击修改）。" if added else "所选会员已在名单中。",
                  OK_STYLE if added else MUTED_STYLE)
        return added

    def _delete_pressed(self) -> None:
        if self.remove_button.isEnabled():
            self.remove_selected()

    def remove_selected(self) -> int:
        ids = self.selected_member_ids()
        if not ids or self.campaign_id is None:
            return 0
        try:
            removed = remove_recipients(self.context.db, self.campaign_id, ids)
        except UserError as exc:
            self._say(str(exc), ERROR_STYLE)
            return 0
        self._update_list_figures()
        self.load_recipients()
        self._say(f"已从名单中移除 {removed} 人。")
        return removed

    # --- signing ---------------------------------------------------------------------------------
    def _signed(self, member_ids: list[int], signed: bool) -> None:
        set_signed(self.context.db, self.campaign_id, list(member_ids), signed)
        self._after_signing()

    def _after_signing(self) -> None:
        self._update_list_figures()
        self._emit_visits_changed()

    def mark_signed(self, member_ids: list[int], signed: bool = True) -> int:
        if not member_ids or self.campaign_id is None:
            return 0
        try:
            changed = set_signed(self.context.db, self.campaign_id, list(member_ids), signed)
        except UserError as exc:
            self._say(str(exc), ERROR_STYLE)
            return 0
        self.recipients.set_signed_rows(member_ids, signed)
        self._after_signing()
        self._say(f"已为 {changed} 人标记已签收。" if changed else "所选的人都已标记过签收。", OK_STYLE)
        return changed

    def sign_all(self) -> int:
        return self.mark_signed(self.recipients.member_ids())

    def sign_selected(self) -> int:
        return self.mark_signed(self.selected_member_ids())

    # --- recording --------------------------------------------------------------------------------
    def start_record(self):
        """Check the rules on a worker, then ask (with the warnings, if any) before recording."""
        if self.campaign_id is None or self.check_job is not None or self.record_job is not None:
            return None
        campaign_id, today = self.campaign_id, self.today

        def check(db, progress, is_cancelled):
            return check_campaign(db, campaign_id, today=today)

        self._checking_id = campaign_id
        self.check_job = run_job(self, "正在逐人核对慰问标准…", with_worker_db(self.context, check), on_done=self._checked,
                                 on_error=self._check_failed, on_cancelled=self._check_cancelled)
        self._update_actions()
        return self.check_job

    def _check_failed(self, exc: BaseException) -> None:
        self.check_job = None
        self._update_actions()
        show_error(self, "发放并登记", exc)

    def _check_cancelled(self) -> None:
        self.check_job = None
        self._update_actions()

    def _checked(self, by_member: dict) -> None:
        self.check_job = None
        self._update_actions()
        if self.campaign_id != self._checking_id or self.campaign is None:
            return
        warnings = []
        for member_id, member_warnings in by_member.items():
            row = self.recipients.recipient(member_id) or {"name": str(member_id), "sub_unit_path": ""}
            for warning in member_warnings:
                warnings.append({"member_id": member_id, "name": row["name"], "sub_unit": row["sub_unit_path"],
                                 "message": warning.message, "code": warning.code})
        dialog = RecordCampaignDialog(self.campaign, self.recipients.totals(), warnings, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(self._record_confirmed)
        self.record_dialog = dialog
        dialog.open()

    def _record_confirmed(self) -> None:
        dialog = self.record_dialog
        self.record(dialog.reason(), campaign_id=dialog.campaign_id)

    def record(self, override_reason: str = "", *, campaign_id: int | None = None):
        """Record a campaign (the selected one by default) on a worker thread (progress and 取消)."""
        campaign_id = campaign_id if campaign_id is not None else self.campaign_id
        if campaign_id is None or self.record_job is not None:
            return None
        today = self.today

        def record(db, progress, is_cancelled):
            return record_campaign(db, campaign_id, override_reason=override_reason, progress=progress,
                                   is_cancelled=is_cancelled, today=today)

        self._recording_id = campaign_id
        self.record_job = run_job(self, "正在登记慰问记录…", with_worker_db(self.context, record), on_done=self._recorded,
                                  on_error=self._record_failed, on_cancelled=self._record_cancelled)
        self._update_actions()
        return self.record_job

    def _recorded(self, count: int) -> None:
        self.record_job = None
        if self.campaign_id != self._recording_id:
            self.select_campaign(self._recording_id)
        self.refresh()
        self._emit_visits_changed()
        name = self.campaign["name"] if self.campaign else ""
        self._say(f"已登记 {count} 条慰问记录。", OK_STYLE)
        self.context.status_message.emit(f"“{name}”已发放登记：{count} 条慰问记录")

    def _record_failed(self, exc: BaseException) -> None:
        self.record_job = None
        self._update_actions()
        show_error(self, "发放并登记", exc)

    def _record_cancelled(self) -> None:
        self.record_job = None
        self._update_actions()
        self._say("已取消登记，没有写入任何慰问记录。")

    # --- voiding -------------------------------------------------------------------------------------
    def void_current(self) -> VoidCampaignDialog | None:
        if self.campaign is None or self.campaign.get("voided_at"):
            return None
        dialog = VoidCampaignDialog(self.campaign, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(self._void_confirmed)
        self.void_dialog = dialog
        dialog.open()
        return dialog

    def _void_confirmed(self) -> None:
        reason = self.void_dialog.reason()
        self.message.clear()
        try:
            visits = void_campaign(self.context.db, self.campaign_id, reason)
        except UserError as exc:
            show_error(self, "作废批量慰问", exc)
            return
        name = self.campaign["name"]
        self.refresh()
        if visits:
            self._emit_visits_changed()
        self.context.status_message.emit(f"已作废“{name}”" + (f"及其 {visits} 条慰问记录" if visits else ""))

    # --- the wizard ------------------------------------------------------------------------------------
    def new_campaign(self):
        from gonghui_desk.ui.campaign_wizard import CampaignWizard

        wizard = CampaignWizard(self.context, self, today=self._today)
        wizard.setAttribute(Qt.WA_DeleteOnClose)
        wizard.created.connect(self._created)
        self.wizard = wizard
        wizard.open()
        return wizard

    def _created(self, campaign_id: int) -> None:
        if self.show_voided_check.isChecked():
            self.list_model.set_campaigns(list_campaigns(self.context.db))
        self.campaign_id = campaign_id
        self.refresh()
        self.select_campaign(campaign_id)

    # --- the sign-off sheet ------------------------------------------------------------------------------
    def _default_path(self, suffix: str) -> str:
        name = safe_file_name(self.campaign["name"] if self.campaign else "批量慰问")
        return str(self._last_dir / f"{name}-发放签收表{suffix}")

    def print_sheet(self):
        """Print preview of the sign-off sheet (A4, header repeated on every page)."""
        if self.campaign_id is None:
            return None
        from gonghui_desk.printing import signoff_print_table
        from gonghui_desk.ui.printing import print_preview

        try:
            table = signoff_print_table(self.context.db, self.campaign_id)
        except UserError as exc:
            show_error(self, "打印签收表", exc)
            return None
        self.preview = print_preview(self, table)
        return self.preview

    def export_excel(self):
        if self.campaign_id is None:
            return None
        path = ask_save_path(self, "导出发放签收表", Path(self._default_path(".xlsx")))
        return self.export_to(path) if path else None

    def export_pdf(self):
        if self.campaign_id is None:
            return None
        path = ask_save_path(self, "导出发放签收表 PDF", Path(self._default_path(".pdf")))
        return self.export_to(path) if path else None

    def export_to(self, path: Path):
        """Write the sign-off sheet to ``path`` (.xlsx or .pdf) on a worker thread."""
        campaign_id, path = self.campaign_id, Path(path)
        pdf = path.suffix.lower() == ".pdf"

        def export(db, progress, is_cancelled):
            if pdf:
                from gonghui_desk.printing import signoff_print_table
                from gonghui_desk.ui.printing import print_to_pdf

                return print_to_pdf(signoff_print_table(db, campaign_id), path)
            from gonghui_desk.exporting.signoff_sheet import export_signoff_sheet

            return export_signoff_sheet(db, campaign_id, path, progress=progress, is_cancelled=is_cancelled)

        def done_text(result) -> str:
            return f"发放签收表（{f'共 {result} 页' if pdf else f'{result} 人'}）已保存"

        self._last_dir = path.parent
        self.export_job = run_export(self, self.context, "正在导出发放签收表…", path, export, done_text)
        self.export_job.ended.connect(self._export_ended)
        return self.export_job

    def _export_ended(self) -> None:
        self.export_box = self.export_job.feedback.box
        self.export_job = None


__all__ = ["CampaignView", "RecordCampaignDialog", "VoidCampaignDialog"]
