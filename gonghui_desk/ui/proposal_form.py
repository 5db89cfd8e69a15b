"""The 提案内容 tab of the proposal dialog (:class:`~gonghui_desk.ui.proposal_dialog.ProposalDialog`): the form
of the proposal as filed, its people and its checks.

:class:`ProposalFormMixin` builds the form (会议, 编号, 提交日期, 类别, 案由; 提案人 — a member, the term's delegates
first, or a delegation by name; 附议人 — from the delegate list or any member; 理由, 办法和措施, 备注), reads it back
(:meth:`~ProposalFormMixin.proposal_input`) and checks it as it is typed through :meth:`ProposalStore.check`:
errors in red under their fields once touched, warnings (not a delegate, too few co-signers) in amber whatever
is touched — they never block saving. The dialog provides ``context``, ``store``, ``congress``, ``today``,
``proposal_id``, ``proposal``, ``is_new``, ``is_voided``, ``session``, ``_session_id``, ``messages``/``widgets``
(:class:`~gonghui_desk.ui.dialogs.FieldFormMixin`), ``summary_label`` and ``save_button``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QComboBox, QCompleter, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QRadioButton,
                               QStackedWidget, QTableView, QVBoxLayout, QWidget)

from gonghui_desk.congress.proposals import ProposalInput
from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.errors import UserError
from gonghui_desk.ui.campaign_wizard import MemberPickerDialog
from gonghui_desk.ui.dialogs import ERROR_COLOUR
from gonghui_desk.ui.event_tabs import roomy
from gonghui_desk.ui.proposal_pickers import (CosignerModel, DelegateMemberPicker, DelegatePickerDialog,
                                              serving_delegates)
from gonghui_desk.ui.proposal_sections import top_caption
from gonghui_desk.ui.visit_dialog import DATE_PLACEHOLDER, HINT_COLOUR, WARNING_COLOUR


class ProposalFormMixin:
    """The 提案内容 form of the proposal dialog (see the module text)."""

    def _build_form(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        box = QGroupBox("提案")
        grid = self._grid(box)
        session = QStackedWidget()
        self.session_combo = QComboBox()
        self.session_combo.setObjectName("field_session_id")
        self.session_combo.currentIndexChanged.connect(self._session_changed)
        self.session_label = QLabel()
        session.addWidget(self.session_combo)
        session.addWidget(self.session_label)
        self.session_stack = session
        session.setFixedHeight(self.session_combo.sizeHint().height())
        self.widgets["session_id"] = self.session_combo
        self._place(grid, 0, 0, "session_id", session, label="会议 *", span=3)
        number = QWidget()
        number_row = QHBoxLayout(number)
        number_row.setContentsMargins(0, 0, 0, 0)
        self.number_edit = self._line_edit("number", "留空则自动编号")
        self.number_edit.setToolTip("按本次会议的编号格式自动生成，可以修改；同一次会议内编号不能重复")
        self.number_hint = QLabel("自动生成，可修改")
        self.number_hint.setStyleSheet(f"color: {HINT_COLOUR};")
        number_row.addWidget(self.number_edit, 1)
        number_row.addWidget(self.number_hint)
        self._place(grid, 2, 0, "number", number, label="提案编号")
        self.submitted_edit = self._line_edit("submitted_on", DATE_PLACEHOLDER)
        self._place(grid, 2, 2, "submitted_on", self.submitted_edit, label="提交日期 *")
        self.category_combo = QComboBox()
        self.category_combo.setObjectName("field_category")
        self.category_combo.currentIndexChanged.connect(self._changed)
        self._place(grid, 4, 0, "category", self.category_combo, label="提案类别")
        self.title_edit = self._line_edit("title", "一事一案，如：关于增设夜班职工热食供应的建议")
        self._place(grid, 6, 0, "title", self.title_edit, label="案由 *", span=3)
        layout.addWidget(box)

        people = QGroupBox("提案人和附议人")
        grid = self._grid(people)
        proposer = QWidget()
        proposer_layout = QVBoxLayout(proposer)
        proposer_layout.setContentsMargins(0, 0, 0, 0)
        proposer_layout.setSpacing(2)
        modes = QHBoxLayout()
        self.proposer_group = QButtonGroup(self)
        self.member_radio = QRadioButton("个人")
        self.text_radio = QRadioButton("代表团或联名代表")
        self.text_radio.setToolTip("以代表团（组）或几位代表联名提出的提案，填写名称；这类提案不要求附议人")
        for number_, button in enumerate((self.member_radio, self.text_radio)):
            self.proposer_group.addButton(button, number_)
            modes.addWidget(button)
        modes.addStretch(1)
        proposer_layout.addLayout(modes)
        self.proposer_stack = QStackedWidget()
        member_page = QWidget()
        member_row = QHBoxLayout(member_page)
        member_row.setContentsMargins(0, 0, 0, 0)
        self.member_picker = DelegateMemberPicker(self.context)
        self.member_picker.member_changed.connect(self._proposer_changed)
        self.delegate_button = QPushButton("代表名单…")
        self.delegate_button.setToolTip("从本届代表中选择提案人")
        self.delegate_button.clicked.connect(self.choose_proposer)
        roomy(self.delegate_button)
        member_row.addWidget(self.member_picker, 1)
        member_row.addWidget(self.delegate_button, 0, Qt.AlignTop)
        self.proposer_stack.addWidget(member_page)
        self.proposer_text_edit = QLineEdit()
        self.proposer_text_edit.setObjectName("field_proposer_text")
        self.proposer_text_edit.setPlaceholderText("如：一车间代表团，或：张三、李四等5名代表")
        self.proposer_text_edit.textChanged.connect(self._changed)
        self.proposer_text_edit.editingFinished.connect(self._proposer_finished)
        self.delegation_completer = QCompleter([], self)
        self.proposer_text_edit.setCompleter(self.delegation_completer)
        text_page = QWidget()
        text_layout = QVBoxLayout(text_page)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.addWidget(self.proposer_text_edit)
        text_layout.addStretch(1)
        self.proposer_stack.addWidget(text_page)
        self.proposer_stack.setFixedHeight(self.member_picker.sizeHint().height())
        proposer_layout.addWidget(self.proposer_stack)
        self.proposer_group.idToggled.connect(self._proposer_mode_toggled)
        self.widgets["proposer_member_id"] = proposer
        top_caption(self._place(grid, 0, 0, "proposer_member_id", proposer, label="提案人 *", span=3))

        cosigners = QWidget()
        cosigner_row = QHBoxLayout(cosigners)
        cosigner_row.setContentsMargins(0, 0, 0, 0)
        self.cosigner_model = CosignerModel(self.context, self)
        self.cosigner_table = QTableView()
        self.cosigner_table.setModel(self.cosigner_model)
        self.cosigner_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.cosigner_table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.cosigner_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.cosigner_table.setWordWrap(False)
        self.cosigner_table.verticalHeader().hide()
        self.cosigner_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.cosigner_table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        header.resizeSection(0, 90)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.resizeSection(2, 170)
        self.cosigner_table.setFixedHeight((self.fontMetrics().height() + 8) * 4 + header.sizeHint().height() + 4)
        self.cosigner_table.selectionModel().selectionChanged.connect(self._cosigner_selection)
        cosigner_row.addWidget(self.cosigner_table, 1)
        side = QVBoxLayout()
        self.add_delegates_button = QPushButton("从代表中添加…")
        self.add_delegates_button.clicked.connect(self.add_delegate_cosigners)
        self.add_members_button = QPushButton("添加其他会员…")
        self.add_members_button.setToolTip("附议人一般是本届代表；添加非代表时会有提醒")
        self.add_members_button.clicked.connect(self.add_member_cosigners)
        self.remove_cosigner_button = QPushButton("移除所选")
        self.remove_cosigner_button.clicked.connect(self.remove_cosigners)
        roomy(self.add_delegates_button, self.add_members_button, self.remove_cosigner_button)
        for button in (self.add_delegates_button, self.add_members_button, self.remove_cosigner_button):
            side.addWidget(button)
        self.cosigner_count_label = QLabel()
        self.cosigner_count_label.setStyleSheet(f"color: {HINT_COLOUR};")
        side.addWidget(self.cosigner_count_label)
        side.addStretch(1)
        cosigner_row.addLayout(side)
        self.widgets["cosigner_ids"] = cosigners
        top_caption(self._place(grid, 2, 0, "cosigner_ids", cosigners, label="附议人", span=3))
        layout.addWidget(people)

        content = QGroupBox("提案内容")
        grid = self._grid(content)
        self.reason_edit = self._plain("reason", 96, "存在的问题、提出的原因")
        top_caption(self._place(grid, 0, 0, "reason", self.reason_edit, label="理由", span=3))
        self.measures_edit = self._plain("measures", 96, "具体、可行的解决办法和建议")
        top_caption(self._place(grid, 2, 0, "measures", self.measures_edit, label="办法和措施", span=3))
        self.notes_edit = self._plain("notes", 48, "")
        top_caption(self._place(grid, 4, 0, "notes", self.notes_edit, label="备注", span=3))
        layout.addWidget(content)
        layout.addStretch(1)
        return page

    def _plain(self, key: str, height: int, placeholder: str) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setObjectName(f"field_{key}")
        edit.setFixedHeight(height)
        edit.setTabChangesFocus(True)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self._changed)
        self.widgets[key] = edit
        return edit

    def _session_text(self, session: dict) -> str:
        when = f"（{session['held_on']}）" if session.get("held_on") else ""
        return f"{session['title']}{when}"

    def _default_submitted(self, session: dict | None) -> str:
        """Today, or the session's day when it is past (proposals are filed by the session)."""
        held = (session or {}).get("held_on")
        return held if held and held < self.today.isoformat() else self.today.isoformat()

    def _new_number(self) -> None:
        """Show the number the chosen session would give (a typed number is kept)."""
        typed = self.number_edit.text().strip()
        keep = typed and typed != self._generated_number
        try:
            self._generated_number = self.store.next_number(self._session_id)[1] if self._session_id else ""
        except UserError:
            self._generated_number = ""
        if not keep:
            self.number_edit.setText(self._generated_number)

    def _update_delegates(self) -> None:
        """The delegates of the session's term serving on the submitted day (the session's day, or today)."""
        session = self.session
        try:
            day = parse_date(self.submitted_edit.text())
        except DateParseError:
            day = None
        day_text = day.isoformat() if day else ((session or {}).get("held_on") or self.today.isoformat())
        key = ((session or {}).get("term_id"), day_text)
        if key == self._delegates_for:
            return
        self._delegates_for = key
        self.delegates = serving_delegates(self.context.db, key[0], day_text)
        self.member_picker.set_delegates(self.delegates)
        self.cosigner_model.set_delegates(self.delegates)
        if self.member_picker.member_id is not None:
            self.member_picker.set_member(self.member_picker.member_id)
        if key[0] is not None:
            names = [d["name"] for d in self.congress.delegations(key[0])]
            self.delegation_completer.model().setStringList(names)

    # --- the form ------------------------------------------------------------------------------
    def _session_changed(self, *args) -> None:
        if self._loading:
            return
        self._session_id = self.session_combo.currentData()
        if "submitted_on" not in self._touched:
            self.submitted_edit.setText(self._default_submitted(self.session))
        self._new_number()
        self._touched.add("session_id")
        self._validate()

    def _proposer_mode_toggled(self, number: int, checked: bool) -> None:
        if not checked:
            return
        self.proposer_stack.setCurrentIndex(number)
        if not self._loading:
            self._touched.add("proposer_member_id")
            self._validate()

    def _proposer_changed(self, member_id) -> None:
        if not self._loading:
            self._touched.add("proposer_member_id")
            self._validate()

    def _proposer_finished(self) -> None:
        self._touched.add("proposer_member_id")
        self._validate()

    def _changed(self, *args) -> None:
        if self._loading:
            return
        sender = self.sender()
        if sender is self.category_combo:
            self._touched.add("category")
        self._validate()

    _changed_text = _changed

    def _finished_text(self) -> None:
        key = self.sender().objectName().removeprefix("field_")
        self._touched.add(key)
        if key == "submitted_on":
            try:
                day = parse_date(self.submitted_edit.text())
            except DateParseError:
                day = None
            if day and self.submitted_edit.text().strip() != day.isoformat():
                self.submitted_edit.setText(day.isoformat())
        self._validate()

    def _cosigner_selection(self, *args) -> None:
        self.remove_cosigner_button.setEnabled(not self.is_voided and bool(self.cosigner_table.selectionModel()
                                                                           .selectedRows()))

    def proposal_input(self) -> ProposalInput:
        by_text = self.text_radio.isChecked()
        number = self.number_edit.text().strip()
        if self.is_new and number == self._generated_number:
            number = ""  # the store numbers it when saving (another proposal may take this one meanwhile)
        return ProposalInput(
            session_id=self._session_id, title=self.title_edit.text(), reason=self.reason_edit.toPlainText(),
            measures=self.measures_edit.toPlainText(),
            proposer_member_id=None if by_text else self.member_picker.member_id,
            proposer_text=self.proposer_text_edit.text() if by_text else "",
            cosigner_ids=list(self.cosigner_model.ids), category=self.category_combo.currentData() or "",
            submitted_on=self.submitted_edit.text().strip() or None, number=number,
            notes=self.notes_edit.toPlainText())

    def form_state(self) -> tuple:
        d = self.proposal_input()
        return (d.session_id, d.title.strip(), d.reason.strip(), d.measures.strip(), d.proposer_member_id,
                d.proposer_text.strip(), tuple(d.cosigner_ids), d.category, d.submitted_on, d.number, d.notes.strip())

    def form_dirty(self) -> bool:
        return not self.is_voided and self.form_state() != self._initial

    def _mark(self, key: str, colour: str | None) -> None:
        if key == "proposer_member_id":
            widget = self.proposer_text_edit if self.text_radio.isChecked() else self.member_picker.edit
            widget.setStyleSheet(f"QLineEdit {{ border: 1px solid {colour}; border-radius: 2px; }}" if colour else "")
            return
        super()._mark(key, colour)

    def _validate(self) -> None:
        self._update_delegates()
        data = self.proposal_input()
        count = len(data.cosigner_ids)
        minimum = self.store.min_cosigners
        self.cosigner_count_label.setText(f"共 {count} 名" + ("" if self.text_radio.isChecked()
                                                              else f"（至少 {minimum} 名）"))
        _, _, problems = self.store.check(data, self.proposal_id)
        self.problems = [p for p in problems if p.severity == "error"]
        self.warnings = [p for p in problems if p.severity == "warning"]
        errors: dict[str, list[str]] = {}
        warnings: dict[str, list[str]] = {}
        for p in self.problems:
            errors.setdefault(p.field, []).append(p.message)
        for p in self.warnings:
            warnings.setdefault(p.field, []).append(p.message)
        for key, label in self.messages.items():
            here = errors.get(key) if key in self._touched else None
            if here:
                label.setText("；".join(here))
                label.setStyleSheet(f"color: {ERROR_COLOUR};")
                label.show()
                self._mark(key, ERROR_COLOUR)
            elif warnings.get(key):
                label.setText("请注意：" + "；".join(warnings[key]))
                label.setStyleSheet(f"color: {WARNING_COLOUR};")
                label.show()
                self._mark(key, WARNING_COLOUR)
            else:
                label.hide()
                self._mark(key, None)
        self.save_button.setEnabled(not self.problems and not self.is_voided)
        self._show_summary()

    def _show_summary(self) -> None:
        shown = [p for p in self.problems if p.field in self._touched]
        if self.is_voided:
            self._say("")
        elif self.problems and not shown:
            self._say("请选择会议，填写案由、提案人和提交日期后保存。", HINT_COLOUR)
        elif self.problems:
            labels = list(dict.fromkeys(p.label for p in shown))
            self._say(f"有 {len(self.problems)} 处需要修改后才能保存：{'、'.join(labels)}", ERROR_COLOUR)
        elif self.warnings and self.form_dirty():
            self._say(f"有 {len(self.warnings)} 条提醒，核实后可以照常保存。", WARNING_COLOUR)
        elif self.form_dirty() and not self.is_new:
            self._say("提案内容的修改尚未保存。", WARNING_COLOUR)
        else:
            self._say("")

    def _say(self, text: str, colour: str = ERROR_COLOUR) -> None:
        self.summary_label.setText(text)
        self.summary_label.setStyleSheet(f"color: {colour};")

    # --- people --------------------------------------------------------------------------------
    def _term_and_day(self) -> tuple[int | None, str]:
        self._update_delegates()
        return self._delegates_for

    def choose_proposer(self) -> DelegatePickerDialog | None:
        """代表名单…: choose the proposer among the term's delegates."""
        term_id, day = self._term_and_day()
        if term_id is None or self.is_voided:
            return self._no_term()
        dialog = DelegatePickerDialog(self.context, term_id, day, parent=self, multi=False, title="选择提案人",
                                      note=f"{day} 在任的本届代表：")
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.members_chosen.connect(self._proposer_chosen)
        self.picker = dialog
        dialog.open()
        return dialog

    def _no_term(self) -> None:
        if not self.is_voided:
            self._say("请先选择会议，才能从该届代表中选择。", WARNING_COLOUR)
        return None

    def _proposer_chosen(self, ids: list) -> None:
        self.member_radio.setChecked(True)
        self.member_picker.set_member(ids[0])

    def _taken(self) -> set[int]:
        taken = set(self.cosigner_model.ids)
        if self.member_radio.isChecked() and self.member_picker.member_id is not None:
            taken.add(self.member_picker.member_id)
        return taken

    def add_delegate_cosigners(self) -> DelegatePickerDialog | None:
        """从代表中添加…: co-signers among the term's delegates (the proposer and those listed greyed)."""
        term_id, day = self._term_and_day()
        if term_id is None or self.is_voided:
            return self._no_term()
        dialog = DelegatePickerDialog(self.context, term_id, day, self._taken(), parent=self, title="添加附议人",
                                      note=f"{day} 在任的本届代表（灰色的是提案人或已列为附议人）：")
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.members_chosen.connect(self._cosigners_chosen)
        self.picker = dialog
        dialog.open()
        return dialog

    def add_member_cosigners(self) -> MemberPickerDialog | None:
        """添加其他会员…: any member (a non-delegate is added with a warning)."""
        if self.is_voided:
            return None
        dialog = MemberPickerDialog(self.context, self._taken(), self, title="添加附议人")
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.members_chosen.connect(self._cosigners_chosen)
        self.picker = dialog
        dialog.open()
        return dialog

    def _cosigners_chosen(self, ids: list) -> None:
        self.cosigner_model.add([i for i in ids if i not in self._taken()])
        self._touched.add("cosigner_ids")
        self._validate()

    def remove_cosigners(self) -> None:
        rows = [i.row() for i in self.cosigner_table.selectionModel().selectedRows()]
        if not rows or self.is_voided:
            return
        self.cosigner_model.remove_rows(rows)
        self._touched.add("cosigner_ids")
        self._cosigner_selection()
        self._validate()


__all__ = ["ProposalFormMixin"]
