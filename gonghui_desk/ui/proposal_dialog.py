"""The proposal dialog (提案): filing a proposal, its review, its handling, the replies and the proposer's rating.

``open_proposal_dialog(parent, context, proposal_id=None, *, session_id=None, today=None)`` opens it without
blocking (it deletes itself when closed). Three tabs:

* 提案内容 (:mod:`gonghui_desk.ui.proposal_form`) — the proposal as filed, checked as it is typed (:meth:`ProposalStore.check`): errors in red under their
  fields (保存 stays disabled while there is one); warnings in amber (the proposer or a co-signer was not a
  delegate of the term on the submitted day, fewer co-signers than the minimum) — they do not block. 会议 is
  chosen for a new proposal and fixed once it is filed; 编号 shows the number the session's format gives
  (editable; left as generated, the store numbers it when saving). The 提案人 is a member — the term's delegates
  listed first (:class:`~gonghui_desk.ui.proposal_pickers.DelegateMemberPicker`, or 代表名单…) — or a
  delegation / joint delegates by name. 附议人 are added from the delegate list or any member, and removed.
  A new proposal is saved first; the dialog then stays on it and the other tabs open.
* 审查 — :class:`~gonghui_desk.ui.proposal_sections.ReviewSection`: 立案 / 不立案 (reason) / 转为意见建议 / 并案 into
  a 立案 proposal of the same session; 拆分为多件… opens :class:`~gonghui_desk.ui.proposal_split.SplitDialog`
  (:meth:`ProposalDialog.start_split`), which files the parts as new proposals; the links to the proposal it was
  merged into, to those merged into it, to the one it was split off and to those split off it open the other
  proposal (:meth:`ProposalDialog.open_linked`).
* 办理与答复 — one tab per round of handling (:class:`~gonghui_desk.ui.proposal_sections.RoundPanel`): 交办, 答复,
  提案人意见; after 不满意, 再次交办 opens the next round; the latest round can be voided.

The banner under the title says what stands out: 逾期 in red with the deadline, 已办结 in green, 不满意 in amber,
并案 with a link, a part split off another (由…拆分) with a link, and a voided proposal in grey (then everything
is read-only); after 不满意 it carries the 再次交办 button. 作废… asks a reason; 打印提案表…
prints the paper form (:func:`gonghui_desk.exporting.proposals.proposal_form`) through a preview, built on a
worker. Every refusal of the store shows its Chinese message in the dialog; every change calls
:func:`notify_congress_changed`.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QTabWidget, QVBoxLayout, QWidget)

from gonghui_desk import value_lists
from gonghui_desk.congress.proposals import REGISTERED, ProposalInput, ProposalStore
from gonghui_desk.congress.register import ProposalFilter, proposal_ids, proposal_rows
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.members import Problem
from gonghui_desk.ui.dialogs import (DONE_BANNER_STYLE, ERROR_COLOUR, VOID_BANNER_STYLE, Banner, FieldFormMixin,
                                     ReasonDialog, UnsavedChangesMixin, dialog_title)
from gonghui_desk.ui.event_tabs import OK_COLOUR, roomy
from gonghui_desk.ui.exports import run_print
from gonghui_desk.ui.proposal_form import ProposalFormMixin
from gonghui_desk.ui.proposal_sections import OUTCOME_TEXTS, ReviewSection, RoundPanel
from gonghui_desk.ui.proposal_split import SplitDialog
from gonghui_desk.ui.visit_dialog import HINT_COLOUR, WARNING_COLOUR

TAB_KEYS = ("proposal", "review", "handling")
STATUS_COLOURS = {"待审查": "#1f5fa8", "不立案": "#8a8a8a", "转意见建议": "#8a8a8a", "已并案": "#8a8a8a",
                  "待交办": "#b9770e", "办理中": "#1f5fa8", "已答复": "#1e6e2a", "不满意": "#c0392b", "已办结": "#1e6e2a"}
VOIDED_BANNER_STYLE = ("QFrame { background: #f3f4f6; border: 1px solid #dcdfe4; border-radius: 4px; }"
                       "QLabel { border: none; color: #555; }")
NOTICE_BANNER_STYLE = ("QFrame { background: #fff8e1; border: 1px solid #f0c36d; border-radius: 4px; }"
                       "QLabel { border: none; color: #7a5200; }")
INFO_BANNER_STYLE = ("QFrame { background: #eef3fa; border: 1px solid #c5d5ea; border-radius: 4px; }"
                     "QLabel { border: none; color: #1f4e8a; }")


def notify_congress_changed(context, message: str = "") -> None:
    """Tell the other pages (the proposals page, the congress dialog, member cards) that terms, sessions,
    delegates or proposals changed, and say what happened in the status bar."""
    context.congress_changed.emit()
    if not message:
        message = f"{context.profile().vocabulary.congress_short}提案和代表记录已更新"
    context.status_message.emit(message)


def _scrolled(widget: QWidget) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.NoFrame)
    scroll.setWidget(widget)
    return scroll


class ProposalDialog(ProposalFormMixin, FieldFormMixin, UnsavedChangesMixin, QDialog):
    """One proposal: file it, correct it, review it, hand it over, record replies and ratings, void it."""

    saved = Signal(int)  # the proposal's id, after filing or saving its fields
    changed = Signal()  # anything of the proposal was written

    def __init__(self, context, proposal_id: int | None = None, parent=None, *, session_id: int | None = None,
                 today: dt.date | None = None, tab: str | None = None):
        super().__init__(parent)
        self.context = context
        self.proposal_id = proposal_id
        self.today = today or dt.date.today()
        self.store = ProposalStore(context.db, today=self.today)
        self.congress = self.store.congress
        self.proposal: dict | None = self.store.get(proposal_id) if proposal_id is not None else None
        if proposal_id is not None and self.proposal is None:
            raise UserError(f"提案 {proposal_id} 不存在")
        self.row: dict = {}  # the register's row (status, overdue, the latest round)
        self.sessions = [] if self.proposal else self.congress.sessions()
        self._session_id = self.proposal["session_id"] if self.proposal else (
            session_id if session_id is not None else (self.sessions[0]["id"] if self.sessions else None))
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.delegates: dict[int, dict] = {}
        self._delegates_for: tuple = ()
        self._generated_number = ""
        self._rounds_key: tuple = ()
        self._writing = False
        self.round_panels: list[RoundPanel] = []
        # the sub-dialogs and jobs, kept for tests (each replaced by the next one)
        self.picker = self.void_dialog = self.void_round_dialog = self.linked_dialog = self.split_dialog = None
        self.print_job = self.print_preview_dialog = None
        self._set_up_form(self._load)
        self._refresh_sections()
        self.set_tab(tab or self._default_tab())
        context.congress_changed.connect(self._congress_changed)
        context.members_changed.connect(self._congress_changed)

    @property
    def is_new(self) -> bool:
        return self.proposal_id is None

    @property
    def is_voided(self) -> bool:
        return bool(self.proposal and self.proposal.get("voided_at"))

    @property
    def session(self) -> dict | None:
        return self.congress.get_session(self._session_id) if self._session_id is not None else None

    # --- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.setSizeGripEnabled(True)
        outer = QVBoxLayout(self)
        outer.setSpacing(6)
        top = QHBoxLayout()
        self.title_label = dialog_title("登记提案")
        top.addWidget(self.title_label)
        self.status_chip = QLabel()
        self.status_chip.setTextFormat(Qt.RichText)
        top.addWidget(self.status_chip)
        top.addStretch(1)
        outer.addLayout(top)
        self.subtitle_label = QLabel()
        self.subtitle_label.setWordWrap(True)
        self.subtitle_label.setStyleSheet(f"color: {HINT_COLOUR};")
        outer.addWidget(self.subtitle_label)
        self.banner = Banner()
        self.banner.label.setTextFormat(Qt.RichText)
        self.banner.label.linkActivated.connect(self._link_activated)
        self.banner_button = QPushButton("再次交办…")
        self.banner_button.setToolTip("提案人不满意时，交办下一轮办理")
        self.banner_button.clicked.connect(self.start_second_round)
        self.banner.layout().addWidget(self.banner_button)
        outer.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.tabs.addTab(_scrolled(self._build_form()), "提案内容")
        self.review = ReviewSection(self.store, today=self.today)
        self.review.written.connect(partial(self._after_write, "review"))
        self.review.open_requested.connect(self.open_linked)
        self.review.split_requested.connect(self.start_split)
        review_page = QWidget()
        review_layout = QVBoxLayout(review_page)
        review_layout.addWidget(self.review)
        self.tabs.addTab(_scrolled(review_page), "审查")
        self.tabs.addTab(self._build_handling(), "办理与答复")
        outer.addWidget(self.tabs, 1)

        bottom = QHBoxLayout()
        self.void_button = QPushButton("作废…")
        self.void_button.setToolTip("录错或重复登记的提案可以作废（不会删除，编号不再使用）")
        self.void_button.clicked.connect(self.void_proposal)
        bottom.addWidget(self.void_button)
        self.print_button = QPushButton("打印提案表…")
        self.print_button.setToolTip("按提案表的格式打印本提案（先显示打印预览，可另存为PDF）")
        self.print_button.clicked.connect(self.start_print)
        bottom.addWidget(self.print_button)
        roomy(self.void_button, self.print_button)
        from gonghui_desk.ui.change_log_dialog import history_button

        self.history_button = history_button(self, self.context, "proposals", "proposal_id")  # 修改记录…
        self.history_button.setVisible(not self.is_new)
        bottom.addWidget(self.history_button)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        bottom.addWidget(self.summary_label, 1)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存", QDialogButtonBox.AcceptRole)
        self.save_button.setToolTip("保存“提案内容”页的修改")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.close_button = self.buttons.addButton("关闭", QDialogButtonBox.RejectRole)
        self.close_button.clicked.connect(self.reject)
        bottom.addWidget(self.buttons)
        outer.addLayout(bottom)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.resize(940, 680)

    def _build_handling(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.handling_hint = QLabel()
        self.handling_hint.setWordWrap(True)
        self.handling_hint.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.handling_hint.linkActivated.connect(self.set_tab)
        self.handling_hint.setStyleSheet(f"color: {HINT_COLOUR};")
        layout.addWidget(self.handling_hint)
        self.rounds_tabs = QTabWidget()
        self.rounds_tabs.setDocumentMode(True)
        layout.addWidget(self.rounds_tabs, 1)
        return page

    # --- loading -------------------------------------------------------------------------------
    def _load(self) -> None:
        """Fill the 提案内容 form from the stored proposal (or a new one's defaults)."""
        db = self.context.db
        if self.proposal:
            data = self.store.as_input(self.proposal_id)
            self.session_stack.setCurrentWidget(self.session_label)
            session = self.session
            self.session_label.setText(self._session_text(session) if session else "")
            self.number_edit.setText(self.proposal["number"])
            self.number_hint.hide()
        else:
            session = self.session
            data = ProposalInput(self._session_id, submitted_on=self._default_submitted(session))
            self.session_stack.setCurrentWidget(self.session_combo)
            self.session_combo.blockSignals(True)
            self.session_combo.clear()
            for s in self.sessions:
                self.session_combo.addItem(self._session_text(s), s["id"])
            if not self.sessions:
                self.session_combo.addItem("（还没有会议，请先在“届次与代表”中添加届次和会议）", None)
            self.session_combo.setCurrentIndex(max(self.session_combo.findData(self._session_id), 0))
            self.session_combo.blockSignals(False)
            self._new_number()
        kept = self.proposal["category"] if self.proposal else ""
        self.category_combo.blockSignals(True)
        self.category_combo.clear()
        self.category_combo.addItem("（不分类）", "")
        categories = value_lists.values(db, "proposal.category")
        for c in categories:
            self.category_combo.addItem(c, c)
        if kept and kept not in categories:
            self.category_combo.addItem(kept, kept)
        self.category_combo.setCurrentIndex(max(self.category_combo.findData(data.category or ""), 0))
        self.category_combo.blockSignals(False)
        self.submitted_edit.setText(str(data.submitted_on or ""))
        self.title_edit.setText(data.title or "")
        by_text = bool(data.proposer_text) and data.proposer_member_id is None
        (self.text_radio if by_text else self.member_radio).setChecked(True)
        self.proposer_stack.setCurrentIndex(1 if by_text else 0)
        self._update_delegates()
        self.member_picker.set_member(data.proposer_member_id)
        self.proposer_text_edit.setText(data.proposer_text or "")
        self.cosigner_model.set_ids(data.cosigner_ids)
        self.reason_edit.setPlainText(data.reason or "")
        self.measures_edit.setPlainText(data.measures or "")
        self.notes_edit.setPlainText(data.notes or "")
        if self.proposal:
            self._touched = set(self.messages)
        self._show_header()

    def _show_header(self) -> None:
        """Title, status, banner and what can be done, from the stored proposal."""
        new = self.is_new
        if new:
            self.setWindowTitle("登记提案")
            self.title_label.setText("登记提案")
            self.subtitle_label.setText("填写提案后保存，保存后可以审查、交办和登记答复。")
            self.status_chip.setText("")
            self.banner.hide()
            self.row = {}
        else:
            self.row = proposal_rows(self.context.db, [self.proposal_id], today=self.today).get(self.proposal_id) or {}
            number = self.proposal["number"]
            self.setWindowTitle(f"提案 {number}")
            self.title_label.setText(f"提案 {number}")
            session = self.session
            self.subtitle_label.setText(f"{session['title'] if session else ''}　案由：{self.proposal['title']}")
            status = self.row.get("status", "")
            if self.is_voided:
                self.status_chip.setText("<span style='color:#8a8a8a'>已作废</span>")
            else:
                overdue = "（逾期）" if self.row.get("overdue") else ""
                colour = ERROR_COLOUR if overdue else STATUS_COLOURS.get(status, "#444")
                self.status_chip.setText(f"<span style='color:{colour}'>{status}{overdue}</span>")
            self._show_banner()
        for index in (1, 2):
            self.tabs.setTabEnabled(index, not new)
            self.tabs.setTabToolTip(index, "请先保存提案" if new else "")
        read_only = self.is_voided
        for widget in (self.session_combo, self.number_edit, self.submitted_edit, self.category_combo,
                       self.title_edit, self.member_radio, self.text_radio, self.member_picker, self.delegate_button,
                       self.proposer_text_edit, self.add_delegates_button, self.add_members_button,
                       self.reason_edit, self.measures_edit, self.notes_edit):
            widget.setEnabled(not read_only)
        self.remove_cosigner_button.setEnabled(not read_only and bool(self.cosigner_table.selectionModel()
                                                                      .selectedRows()))
        self._save_visibility()
        self.void_button.setVisible(not new and not read_only)
        self.print_button.setEnabled(not new and not read_only)
        self.close_button.setText("取消" if new else "关闭")

    def _show_banner(self) -> None:
        p, row = self.proposal, self.row
        self.banner_button.hide()
        if self.is_voided:
            when = (p["voided_at"] or "").replace("T", " ")[:16]
            self.banner.show_text(f"此提案已于 {when} 作废，原因：{p['void_reason'] or ''}。作废的提案不计入统计，"
                                  "编号不再使用，也不能修改。", style=VOIDED_BANNER_STYLE)
        elif row.get("overdue"):
            late = (self.today - dt.date.fromisoformat(row["deadline"])).days
            self.banner.show_text(f"<b>已逾期</b>：第{row['round']}轮办理期限为 {row['deadline']}，已超过 {late} 天仍未答复"
                                  f"（主办：{row['lead_department']}）。请督促承办部门答复。", style=VOID_BANNER_STYLE)
        elif row.get("status") == "已办结":
            rating = f"，提案人意见：{row['rating']}" if row.get("rating") else "，待提案人评价"
            self.banner.show_text(f"<b>已办结</b>：{row['lead_department']} 于 {row['replied_on']} 答复，办理结果“已解决”"
                                  f"{rating}。", style=DONE_BANNER_STYLE)
        elif row.get("status") == "不满意":
            self.banner.show_text(f"提案人对第{row['round']}轮答复<b>不满意</b>，可以再次交办，进行第{row['round'] + 1}轮办理。",
                                  style=NOTICE_BANNER_STYLE)
            self.banner_button.setText(f"再次交办（第{row['round'] + 1}轮）…")
            roomy(self.banner_button)
            self.banner_button.show()
        elif p["review"] == "并案" and p["merged_into_id"]:
            target = self.store.get(p["merged_into_id"]) or {}
            self.banner.show_text(f"本提案已并入提案 <a href='{p['merged_into_id']}'>{target.get('number', '')}</a>"
                                  f"（{target.get('title', '')}），统计时计入该提案。", style=INFO_BANNER_STYLE)
        elif p.get("split_from_id"):
            source = self.store.get(p["split_from_id"]) or {}
            self.banner.show_text(f"本提案由提案 <a href='{p['split_from_id']}'>{source.get('number', '')}</a>"
                                  f"（{source.get('title', '')}）拆分而来，单独审查、办理和统计。", style=INFO_BANNER_STYLE)
        else:
            self.banner.hide()

    def _merge_choices(self) -> list[tuple[int, str]]:
        """The session's live 立案 proposals other than this one, by number."""
        registered = ("待交办", "办理中", "已答复", "不满意", "已办结")
        ids = [i for i in proposal_ids(self.context.db, ProposalFilter(session_id=self._session_id, status=registered),
                                       today=self.today) if i != self.proposal_id]
        rows = proposal_rows(self.context.db, ids, today=self.today)
        return [(i, f"{rows[i]['number']}　{rows[i]['title']}（{rows[i]['proposer_name']}）") for i in ids]

    def _refresh_sections(self, source: str | None = None) -> None:
        """The 审查 and 办理与答复 tabs from the store; a section with unsaved edits keeps them unless it is
        the ``source`` of the write."""
        if self.is_new:
            self.handling_hint.setText("保存提案后才能审查和交办。")
            return
        merged_into = self.store.get(self.proposal["merged_into_id"]) if self.proposal["merged_into_id"] else None
        merged_from = [self.store.get(i) for i in self.store.merged_ids(self.proposal_id)]
        split_from = self.store.get(self.proposal["split_from_id"]) if self.proposal["split_from_id"] else None
        split_parts = [self.store.get(i) for i in self.store.split_ids(self.proposal_id)]
        if source == "review" or not self.review.is_dirty():
            self.review.load(self.proposal, self._merge_choices(), merged_into, merged_from,
                             read_only=self.is_voided, split_from=split_from, split_parts=split_parts)
        else:  # unsaved review edits stay; the links follow the store
            self.review.show_links(merged_into, merged_from, split_from, split_parts)
        handlings = self.store.handlings(self.proposal_id)
        key = (tuple(h["id"] for h in handlings), self.proposal["review"] == REGISTERED, self.is_voided)
        if key != self._rounds_key or not any(p.is_dirty() for p in self.round_panels):
            self._rounds_key = key
            self._build_rounds(handlings)
        else:
            for panel in self.round_panels:
                panel.proposal = self.proposal

    def _build_rounds(self, handlings: list[dict]) -> None:
        registered = self.proposal["review"] == REGISTERED
        while self.rounds_tabs.count():
            page = self.rounds_tabs.widget(0)
            self.rounds_tabs.removeTab(0)
            page.deleteLater()
        self.round_panels = []
        if not registered and not handlings:
            outcome = OUTCOME_TEXTS.get(self.proposal["review"], self.proposal["review"])
            self.handling_hint.setText(f"提案立案后才能交办。当前审查结果：{outcome}。" +
                                       ("" if self.is_voided else "<a href='review'>到“审查”页</a>"))
            self.handling_hint.show()
            self.rounds_tabs.hide()
            return
        self.handling_hint.setText("交办给承办部门，登记部门的答复和提案人的意见。提案人不满意时可以再次交办，"
                                   "每一轮办理都会保留。")
        self.rounds_tabs.show()
        for index, handling in enumerate(handlings):
            self._add_round(handling, handling["round"], latest=index == len(handlings) - 1)
        if not handlings and not self.is_voided:
            self._add_round(None, 1, latest=True)
        self.rounds_tabs.setCurrentIndex(self.rounds_tabs.count() - 1)

    def _add_round(self, handling: dict | None, number: int, *, latest: bool, prefill: dict | None = None) -> RoundPanel:
        panel = RoundPanel(self.context, self.store, self.proposal, handling, round_number=number, latest=latest,
                           read_only=self.is_voided, today=self.today, prefill=prefill)
        panel.written.connect(partial(self._after_write, "round"))
        panel.second_round_requested.connect(self.start_second_round)
        panel.void_requested.connect(self.void_round)
        self.round_panels.append(panel)
        label = f"第{number}轮" if handling else (f"第{number}轮（待交办）" if number > 1 else "交办")
        self.rounds_tabs.addTab(_scrolled(panel), label)
        return panel

    def is_dirty(self) -> bool:
        return (self.form_dirty() or self.review.is_dirty() or any(p.is_dirty() for p in self.round_panels))

    # --- saving --------------------------------------------------------------------------------
    def save(self) -> int | None:
        """File the new proposal, or save the corrected fields; the dialog stays open on the proposal.
        Warnings stay shown in amber after saving."""
        self._touched = set(self.messages)
        self._validate()
        if self.problems or self.is_voided:
            return None
        data = self.proposal_input()
        filed = self.proposal is None
        try:
            if self.is_new:
                self.proposal_id, warnings = self.store.file(data)
            else:
                warnings = self.store.update(self.proposal_id, data)
        except ValidationError as exc:
            self.problems = [p for p in exc.problems if p.severity == "error"]
            self._say("；".join(p.message for p in self.problems), ERROR_COLOUR)
            return None
        except UserError as exc:
            self._say(str(exc), ERROR_COLOUR)
            return None
        self.proposal = self.store.get(self.proposal_id)
        self._reload_form()
        verb = "已登记提案" if filed else "已保存提案"
        self._after_write("form", f"{verb} {self.proposal['number']}：{self.proposal['title']}")
        self.saved.emit(self.proposal_id)
        if warnings:
            self._say("已保存。请注意：" + "；".join(w.message for w in warnings), WARNING_COLOUR)
        else:
            self._say("已保存。", OK_COLOUR)
        return self.proposal_id

    def _reload_form(self) -> None:
        self._loading = True
        self._load()
        self._loading = False
        self._initial = self.form_state()
        self._validate()

    # --- after every write -----------------------------------------------------------------------
    def _after_write(self, source: str, message: str) -> None:
        self._writing = True
        try:
            notify_congress_changed(self.context, message)
        finally:
            self._writing = False
        self.proposal = self.store.get(self.proposal_id)
        self._show_header()
        self._refresh_sections(source)
        if source == "round":
            self._select_latest_round()
        self._validate()
        self.changed.emit()

    def _congress_changed(self) -> None:
        """Another window changed proposals or delegates: show the stored state, keeping unsaved edits."""
        if self._writing or self.is_new:
            return
        self.proposal = self.store.get(self.proposal_id)
        if self.proposal is None:
            return
        self._delegates_for = ()
        if not self.form_dirty():
            self._reload_form()
        else:
            self._show_header()
            self._validate()
        self._refresh_sections()

    def _select_latest_round(self) -> None:
        if self.rounds_tabs.count():
            self.rounds_tabs.setCurrentIndex(self.rounds_tabs.count() - 1)

    # --- rounds ----------------------------------------------------------------------------------
    def start_second_round(self) -> RoundPanel | None:
        """再次交办 after 不满意: a new round's tab, prefilled from the latest round (saved by its 交办 button)."""
        if self.is_voided or not self.round_panels:
            return None
        self.set_tab("handling")
        latest = self.round_panels[-1]
        if latest.is_new:
            self.rounds_tabs.setCurrentIndex(self.rounds_tabs.count() - 1)
            return latest
        if not latest.handling or latest.handling["rating"] != "不满意":
            return None
        panel = self._add_round(None, latest.round_number + 1, latest=True, prefill=latest.handling)
        latest.read_only = True
        latest._enable()
        self.rounds_tabs.setCurrentIndex(self.rounds_tabs.count() - 1)
        return panel

    def void_round(self, handling_id: int) -> ReasonDialog | None:
        handling = self.store.get_handling(handling_id)
        if handling is None or self.is_voided:
            return None
        dialog = ReasonDialog(
            "作废办理记录", f"作废第{handling['round']}轮办理记录（交办给{handling['lead_department']}）。"
            "用于<b>交办录错</b>的情况：作废后这一轮的交办、答复和评价都不再计入统计，但记录会保留。",
            placeholder="必填，例如：主办部门选错", apply=partial(self._void_round, handling_id), parent=self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.void_round_dialog = dialog
        dialog.open()
        return dialog

    def _void_round(self, handling_id: int, reason: str) -> None:
        handling = self.store.get_handling(handling_id)
        self.store.void_handling(handling_id, reason)
        self._after_write("round", f"已作废提案 {self.proposal['number']} 的第{handling['round']}轮办理记录")

    # --- voiding, links, printing ----------------------------------------------------------------
    def void_proposal(self) -> ReasonDialog | None:
        if self.is_new or self.is_voided:
            return None
        dialog = ReasonDialog(
            "作废提案", "作废用于<b>录错或重复登记</b>的提案。作废后它不再出现在提案列表和统计中，编号也不再使用，"
            "但记录本身会保留。<br>内容不成立的提案请用审查结果“不立案”。",
            placeholder="必填，例如：重复录入", apply=self._void, parent=self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.void_dialog = dialog
        dialog.open()
        return dialog

    def _void(self, reason: str) -> None:
        self.store.void(self.proposal_id, reason)
        number = self.proposal["number"]
        self.proposal = self.store.get(self.proposal_id)
        self._reload_form()
        self._after_write("void", f"已作废提案 {number}")

    def start_split(self) -> SplitDialog | None:
        """拆分为多件…: the split dialog over this one (kept in ``split_dialog``); the parts it files are
        announced and linked here once it is done."""
        if self.is_new or self.is_voided:
            return None
        dialog = SplitDialog(self.store, self.proposal_id, parent=self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.split_done.connect(self._after_split)
        self.split_dialog = dialog
        dialog.open()
        return dialog

    def _after_split(self, ids: list) -> None:
        numbers = "、".join(self.store.get(i)["number"] for i in ids)
        number = self.proposal["number"]
        self._after_write("split", f"提案 {number} 已拆分出{len(ids)}件提案：{numbers}")
        self.review.say(self.review.message_label, f"已拆分出{len(ids)}件提案：{numbers}。如需要，请到“提案内容”页"
                        "把本提案的案由改为剩下的事项。", OK_COLOUR)

    def _link_activated(self, target: str) -> None:
        self.open_linked(int(target))

    def open_linked(self, proposal_id: int) -> "ProposalDialog":
        """Open another proposal (the one this was merged into or split off, or one merged into this or split
        off it) over this dialog."""
        self.linked_dialog = open_proposal_dialog(self, self.context, proposal_id, today=self.today)
        return self.linked_dialog

    def start_print(self):
        """打印提案表…: the paper form of the stored proposal, built on a worker, then the print preview."""
        if self.is_new:
            return None
        if self.is_dirty():
            self._say("请先保存修改，再打印提案表。", WARNING_COLOUR)
            return None
        try:
            from gonghui_desk.exporting.proposals import proposal_form
        except ImportError:
            self._say("打印提案表的功能尚未安装。", ERROR_COLOUR)
            return None
        proposal_id, today = self.proposal_id, self.today

        def build(db, progress, is_cancelled):
            return proposal_form(db, proposal_id, today=today)

        self.print_job = run_print(self, self.context, build)
        return self.print_job

    # --- tabs --------------------------------------------------------------------------------------
    def _default_tab(self) -> str:
        if self.is_new or not self.proposal or self.is_voided or not self.proposal["review"]:
            return "proposal"
        return "handling" if self.proposal["review"] == REGISTERED else "review"

    def set_tab(self, key: str) -> None:
        if key in TAB_KEYS and self.tabs.isTabEnabled(TAB_KEYS.index(key)):
            self.tabs.setCurrentIndex(TAB_KEYS.index(key))

    def current_tab(self) -> str:
        return TAB_KEYS[self.tabs.currentIndex()]

    def _tab_changed(self, index: int) -> None:
        self._save_visibility()

    def _save_visibility(self) -> None:
        """保存 saves the 提案内容 tab; the other tabs save with their own buttons."""
        self.save_button.setVisible(self.tabs.currentIndex() == 0 and not self.is_voided)


def open_proposal_dialog(parent: QWidget | None, context, proposal_id: int | None = None, *,
                         session_id: int | None = None, today: dt.date | None = None,
                         tab: str | None = None) -> ProposalDialog:
    """Open (without blocking) a proposal over ``parent`` — a new one (in ``session_id``, else the newest
    session) when ``proposal_id`` is None; it deletes itself when closed. Keep the returned dialog."""
    dialog = ProposalDialog(context, proposal_id, parent, session_id=session_id, today=today, tab=tab)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog


__all__ = ["ProposalDialog", "TAB_KEYS", "notify_congress_changed", "open_proposal_dialog"]
