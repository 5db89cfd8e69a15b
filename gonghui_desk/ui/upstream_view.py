"""The 上报报表 page: the built-in upstream forms, and filling the upstream union's own form.

* 内置报表: the forms of :data:`~gonghui_desk.exporting.builtin_forms.BUILTIN_FORMS` (会员花名册, 会员信息采集表,
  新入会会员名单, 困难职工花名册, 送温暖/慰问金发放统计表, 金秋助学资助名单, 提案汇总表, 竞赛获奖名单, 荣誉名单,
  工会基本情况统计表) in a table (:class:`BuiltinFormsModel`), the period (本年, 上年 or two dates; disabled for the
  forms listing the current state), 制表人 (remembered in the database's settings) and, for the forms holding ID
  and phone numbers, 显示完整的身份证号、手机号和银行卡号 (unticked each time; an export with the full numbers is
  recorded in the change log). 导出… asks where to save
  under the form's own file name and writes it on a worker with a progress dialog and 取消
  (:func:`~gonghui_desk.ui.exports.run_export`), then offers to open the folder.
* 填写上级表格: 打开上级表格… starts the wizard (:mod:`gonghui_desk.ui.form_fill_wizard`); the saved mappings
  (:class:`SavedMappingsModel`: 名称, 数据来源, 工作表, 保存日期) can be used again with next year's copy of the form
  (使用此对应关系填写…) or voided (删除…; never deleted from the file).
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QFileDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QPushButton, QSplitter,
                               QStackedWidget, QVBoxLayout, QWidget)

from gonghui_desk.errors import UserError
from gonghui_desk.exporting.builtin_forms import BUILTIN_FORMS, BuiltinForm, resolve_period
from gonghui_desk.form_fill import SavedMapping, get_source, list_mappings, void_mapping
from gonghui_desk.settings import get_setting, set_setting
from gonghui_desk.ui.exports import ask_save_path, run_export
from gonghui_desk.ui.form_fill_wizard import FORM_FILTER, source_label
from gonghui_desk.ui.tables import compact_table, empty_label, empty_page
from gonghui_desk.ui.workers import Job, show_error

__all__ = ["BuiltinFormsModel", "PREPARED_BY_SETTING", "SavedMappingsModel", "UpstreamView"]

PREPARED_BY_SETTING = "forms.prepared_by"
PERIOD_CHOICES = (("this_year", "本年"), ("last_year", "上年"), ("custom", "自定义…"))


class BuiltinFormsModel(QAbstractTableModel):
    """The built-in forms: 报表, 统计范围, 内容."""

    HEADERS = ("报表", "统计范围", "内容")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.forms: tuple[BuiltinForm, ...] = BUILTIN_FORMS

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.forms)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return self.HEADERS[section]
        return None

    def form(self, row: int) -> BuiltinForm | None:
        return self.forms[row] if 0 <= row < len(self.forms) else None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        form = self.forms[index.row()]
        column = index.column()
        if role == Qt.DisplayRole:
            return (form.title, "按期间" if form.needs_period else "当前状态", form.description)[column]
        if role == Qt.ToolTipRole:
            return f"{form.title}：{form.description}"
        return None


class SavedMappingsModel(QAbstractTableModel):
    """The saved mappings, the most recently saved first: 名称, 数据来源, 工作表, 保存日期."""

    HEADERS = ("名称", "数据来源", "工作表", "保存日期")

    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self.mappings: list[SavedMapping] = []
        self.requery()

    def requery(self) -> None:
        self.beginResetModel()
        self.mappings = list_mappings(self.db)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.mappings)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return self.HEADERS[section]
        return None

    def mapping(self, row: int) -> SavedMapping | None:
        return self.mappings[row] if 0 <= row < len(self.mappings) else None

    def names(self) -> list[str]:
        return [m.name for m in self.mappings]

    def source_text(self, saved: SavedMapping) -> str:
        try:
            source = get_source(saved.source)
        except UserError:
            return saved.source
        try:
            return source_label(source, self.db, source.describe(self.db, saved.params))
        except UserError:  # a campaign or session voided since
            return source_label(source, self.db)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        saved = self.mappings[index.row()]
        column = index.column()
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            if column == 0:
                return saved.name
            if column == 1:
                return self.source_text(saved)
            if column == 2:
                return saved.sheet_name
            day = (saved.updated_at or saved.created_at or "").replace("T", " ")
            return day[:16] if role == Qt.ToolTipRole else day[:10]
        if role == Qt.TextAlignmentRole and column == 3:
            return int(Qt.AlignCenter)
        return None


class UpstreamView(QWidget):
    """The 上报报表 page (see the module text). What it opens is kept for tests: ``export_job``,
    ``wizard`` (填写上级表格), ``void_box`` (删除…)."""

    def __init__(self, context, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.context = context
        self._today = today
        self.export_job: Job | None = None
        self.wizard = None
        self.void_box: QMessageBox | None = None
        self._export_folder: Path | None = None
        self._build()
        self.forms_table.selectRow(0)
        self._form_changed()
        self._mappings_changed()

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    # --- building ---------------------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 10)
        outer.setSpacing(8)
        top = QHBoxLayout()
        title = QLabel("上报报表")
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addSpacing(10)
        hint = QLabel("导出常用的上报表格，或把数据填进上级工会发来的 Excel 表格")
        hint.setObjectName("mutedText")
        top.addWidget(hint, 1)
        outer.addLayout(top)

        splitter = QSplitter(Qt.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_builtin())
        splitter.addWidget(self._build_fill())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        outer.addWidget(splitter, 1)
        self.splitter = splitter

    def _build_builtin(self) -> QWidget:
        box = QGroupBox("内置报表")
        layout = QHBoxLayout(box)
        self.forms_model = BuiltinFormsModel(self)
        self.forms_table = compact_table(self.forms_model, selection=QAbstractItemView.SingleSelection,
                                         fixed_rows=True)
        header = self.forms_table.horizontalHeader()
        header.setHighlightSections(False)
        header.resizeSection(0, 170)
        header.resizeSection(1, 76)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        header.setMinimumSectionSize(60)
        self.forms_table.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.forms_table.setTextElideMode(Qt.ElideRight)
        self.forms_table.selectionModel().currentRowChanged.connect(self._form_changed)
        self.forms_table.doubleClicked.connect(lambda index: self.start_export())
        layout.addWidget(self.forms_table, 1)

        side = QWidget()
        side.setMinimumWidth(250)
        side.setMaximumWidth(360)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 0, 0, 0)
        self.form_title = QLabel()
        self.form_title.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.form_title.setWordWrap(True)
        side_layout.addWidget(self.form_title)
        self.form_description = QLabel()
        self.form_description.setWordWrap(True)
        self.form_description.setStyleSheet("color: #555;")
        side_layout.addWidget(self.form_description)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.period_combo = QComboBox()
        year = self.today.year
        for key, text in PERIOD_CHOICES:
            label = {"this_year": f"本年（{year}年）", "last_year": f"上年（{year - 1}年）"}.get(key, text)
            self.period_combo.addItem(label, key)
        form.addRow("期间：", self.period_combo)
        dates = QWidget()
        dates_layout = QHBoxLayout(dates)
        dates_layout.setContentsMargins(0, 0, 0, 0)
        self.from_edit, self.to_edit = QDateEdit(), QDateEdit()
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.from_edit.setDate(QDate(year, 1, 1))
        self.to_edit.setDate(QDate(year, 12, 31))
        dates_layout.addWidget(self.from_edit, 1)
        dates_layout.addWidget(QLabel("至"))
        dates_layout.addWidget(self.to_edit, 1)
        self.dates_row = dates
        form.addRow("", dates)
        self.period_combo.currentIndexChanged.connect(self._period_changed)
        for edit in (self.from_edit, self.to_edit):
            edit.dateChanged.connect(self._period_changed)
        self.period_label = QLabel()
        self.period_label.setWordWrap(True)
        self.period_label.setObjectName("mutedText")
        form.addRow("", self.period_label)
        self.prepared_by_edit = QLineEdit(get_setting(self.context.db, PREPARED_BY_SETTING, "") or "")
        self.prepared_by_edit.setPlaceholderText("可不填，打印后手写")
        form.addRow("制表人：", self.prepared_by_edit)
        side_layout.addLayout(form)
        from gonghui_desk.privacy import FULL_NUMBERS_TEXT

        self.full_numbers_check = QCheckBox(FULL_NUMBERS_TEXT)
        self.full_numbers_check.setToolTip("不勾选时身份证号、手机号只写前后几位。勾选后本次导出写入完整号码，"
                                           "并记入修改记录；每次导出都要重新勾选。")
        side_layout.addWidget(self.full_numbers_check)
        self.full_numbers_hint = QLabel()
        self.full_numbers_hint.setWordWrap(True)
        self.full_numbers_hint.setObjectName("mutedText")
        side_layout.addWidget(self.full_numbers_hint)
        self.file_label = QLabel()
        self.file_label.setWordWrap(True)
        self.file_label.setObjectName("mutedText")
        side_layout.addWidget(self.file_label)
        row = QHBoxLayout()
        self.export_button = QPushButton("导出…")
        self.export_button.setToolTip("选择保存位置，按所选期间导出这张表（.xlsx，A4，每页重复表头）")
        self.export_button.clicked.connect(self.start_export)
        row.addWidget(self.export_button)
        row.addStretch(1)
        side_layout.addLayout(row)
        side_layout.addStretch(1)
        layout.addWidget(side)
        return box

    def _build_fill(self) -> QWidget:
        box = QGroupBox("填写上级表格")
        layout = QVBoxLayout(box)
        top = QHBoxLayout()
        intro = QLabel("上级工会发来自己的 Excel 表格时，打开它：程序识别表头、按列名对应字段，把会员、慰问、帮扶、"
                       "提案等记录填进表格的副本，保留原表的标题和格式。")
        intro.setWordWrap(True)
        top.addWidget(intro, 1)
        self.open_form_button = QPushButton("打开上级表格…")
        self.open_form_button.setToolTip("选择上级发来的 .xlsx 或 .xls 表格，按向导填写")
        self.open_form_button.clicked.connect(self.open_upstream_form)
        top.addWidget(self.open_form_button, 0, Qt.AlignTop)
        layout.addLayout(top)

        caption = QLabel("已保存的对应关系")
        caption.setObjectName("sectionTitle")
        layout.addWidget(caption)
        self.mappings_model = SavedMappingsModel(self.context.db, self)
        self.mappings_table = compact_table(self.mappings_model, selection=QAbstractItemView.SingleSelection,
                                            fixed_rows=True)
        header = self.mappings_table.horizontalHeader()
        header.setHighlightSections(False)
        header.resizeSection(0, 200)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.resizeSection(2, 120)
        header.resizeSection(3, 100)
        self.mappings_table.setTextElideMode(Qt.ElideRight)
        self.mappings_table.selectionModel().selectionChanged.connect(self._mapping_selection_changed)
        self.mappings_table.doubleClicked.connect(lambda index: self.use_selected_mapping())
        self.mappings_model.modelReset.connect(self._mappings_changed)
        self.mappings_stack = QStackedWidget()
        self.mappings_stack.addWidget(self.mappings_table)
        self.mappings_empty = empty_label()
        self.mappings_empty.setText("还没有保存的对应关系。填写上级表格时在最后一步勾选“保存本次的对应关系”，"
                                    "明年收到同一张表就能直接沿用。")
        self.mappings_stack.addWidget(empty_page(self.mappings_empty, []))
        layout.addWidget(self.mappings_stack, 1)
        actions = QHBoxLayout()
        self.use_button = QPushButton("使用此对应关系填写…")
        self.use_button.setToolTip("选择今年收到的同一张表，按这个对应关系填写；表头有变化会逐列列出")
        self.use_button.clicked.connect(self.use_selected_mapping)
        self.void_button = QPushButton("删除…")
        self.void_button.setToolTip("删除所选的对应关系（作废，不再列出；修改记录中仍可查到）")
        self.void_button.clicked.connect(self.void_selected_mapping)
        actions.addWidget(self.use_button)
        actions.addWidget(self.void_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        return box

    # --- built-in forms ---------------------------------------------------------------------------------------------
    def current_form(self) -> BuiltinForm | None:
        index = self.forms_table.currentIndex()
        return self.forms_model.form(index.row()) if index.isValid() else None

    def select_form(self, name: str) -> bool:
        for row, form in enumerate(self.forms_model.forms):
            if name in (form.name, form.title):
                self.forms_table.selectRow(row)
                return True
        return False

    def period_dates(self) -> tuple[dt.date, dt.date] | tuple[None, None]:
        """The period chosen: (start, end)."""
        key = self.period_combo.currentData()
        year = self.today.year
        if key == "this_year":
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if key == "last_year":
            return dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)
        return self.from_edit.date().toPython(), self.to_edit.date().toPython()

    def set_period(self, key: str, start: dt.date | None = None, end: dt.date | None = None) -> None:
        self.period_combo.setCurrentIndex(self.period_combo.findData(key))
        if start is not None:
            self.from_edit.setDate(QDate(start))
        if end is not None:
            self.to_edit.setDate(QDate(end))

    def period_problem(self) -> str:
        form = self.current_form()
        if form is None or not form.needs_period:
            return ""
        start, end = self.period_dates()
        try:
            resolve_period(start, end, today=self.today)
        except UserError as exc:
            return str(exc)
        return ""

    def _form_changed(self, *args) -> None:
        form = self.current_form()
        self.export_button.setEnabled(form is not None)
        if form is None:
            self.form_title.clear()
            self.form_description.clear()
            return
        self.form_title.setText(form.title)
        self.form_description.setText(form.description)
        self.full_numbers_check.setChecked(False)  # asked for anew for every export
        self.full_numbers_check.setVisible(bool(form.sensitive))
        self.full_numbers_hint.setVisible(bool(form.sensitive))
        self.full_numbers_hint.setText(f"不勾选时{'、'.join(form.sensitive)}只显示前后几位；上报需要完整号码时请勾选，"
                                       "勾选后会记录在修改记录中。")
        self.period_combo.setEnabled(form.needs_period)
        self._period_changed()

    def _period_changed(self, *args) -> None:
        form = self.current_form()
        custom = self.period_combo.currentData() == "custom"
        self.dates_row.setVisible(custom)
        self.dates_row.setEnabled(form is not None and form.needs_period)
        if form is None:
            return
        self.period_label.setStyleSheet("")
        if not form.needs_period:
            self.period_label.setText("这张表列出当前的情况（截至导出当天），不按期间统计。")
            self.file_label.setText(f"文件名：{form.default_file_name(today=self.today)}")
            self.export_button.setEnabled(True)
            return
        problem = self.period_problem()
        if problem:
            self.period_label.setStyleSheet("color: #c0392b;")
            self.period_label.setText(problem)
            self.file_label.clear()
            self.export_button.setEnabled(False)
            return
        start, end = self.period_dates()
        period = resolve_period(start, end, today=self.today)
        self.period_label.setText(f"{period.start.isoformat()} 至 {period.end.isoformat()}")
        self.file_label.setText(f"文件名：{form.default_file_name(start, end, today=self.today)}")
        self.export_button.setEnabled(True)

    def prepared_by(self) -> str:
        return self.prepared_by_edit.text().strip()

    def start_export(self) -> Job | None:
        """Ask where to save the selected form (its own file name by default), then write it on a worker."""
        form = self.current_form()
        if form is None or self.period_problem():
            return None
        start, end = self.period_dates() if form.needs_period else (None, None)
        default = form.default_file_name(start, end, today=self.today)
        folder = self._export_folder or Path.home()
        path = ask_save_path(self, f"导出{form.title}", folder / default)
        if path is None:
            return None
        full_numbers = bool(form.sensitive) and self.full_numbers_check.isChecked()
        self.full_numbers_check.setChecked(False)  # not remembered: the next export is masked unless asked again
        return self.export_to(form, path, start, end, prepared_by=self.prepared_by(), full_numbers=full_numbers)

    def export_to(self, form: BuiltinForm, path: Path, start: dt.date | None = None, end: dt.date | None = None,
                  *, prepared_by: str = "", full_numbers: bool = False) -> Job:
        """Write ``form`` for the period to ``path`` on a worker (progress, 取消), then offer to open the folder.
        ID and phone numbers are masked unless ``full_numbers`` (then the change log records the export)."""
        path = Path(path)
        self._export_folder = path.parent
        if prepared_by != (get_setting(self.context.db, PREPARED_BY_SETTING, "") or ""):
            set_setting(self.context.db, PREPARED_BY_SETTING, prepared_by)
        today = self._today

        def export(db, progress, is_cancelled):
            return form.write(db, path, period_start=start, period_end=end, prepared_by=prepared_by,
                              is_cancelled=is_cancelled, progress=progress, today=today, full_numbers=full_numbers)

        self.export_job = run_export(self, self.context, f"正在导出{form.title}…", path, export,
                                     lambda result: f"已导出{form.title}")
        return self.export_job

    # --- filling the upstream union's form ------------------------------------------------------------------------
    def refresh_mappings(self, *args) -> None:
        current = self.current_mapping()
        self.mappings_model.requery()
        if current is not None:
            self.select_mapping(current.name)

    def _mappings_changed(self) -> None:
        self.mappings_stack.setCurrentIndex(0 if self.mappings_model.rowCount() else 1)
        self._mapping_selection_changed()

    def _mapping_selection_changed(self, *args) -> None:
        chosen = self.current_mapping() is not None
        self.use_button.setEnabled(chosen)
        self.void_button.setEnabled(chosen)

    def current_mapping(self) -> SavedMapping | None:
        model = self.mappings_table.selectionModel()
        rows = model.selectedRows() if model is not None else []
        return self.mappings_model.mapping(rows[0].row()) if rows else None

    def select_mapping(self, name: str) -> bool:
        if name not in self.mappings_model.names():
            return False
        self.mappings_table.selectRow(self.mappings_model.names().index(name))
        return True

    def _ask_form(self, title: str) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(self, title, str(Path.home()), FORM_FILTER)
        return Path(chosen) if chosen else None

    def open_upstream_form(self):
        """打开上级表格…: choose the form, then the wizard reads it."""
        path = self._ask_form("打开上级发来的表格")
        if path is None:
            return None
        return self.start_fill(path)

    def use_selected_mapping(self):
        """使用此对应关系填写…: choose this year's copy of the form, then the wizard with the mapping chosen."""
        saved = self.current_mapping()
        if saved is None:
            return None
        path = self._ask_form(f"选择要按“{saved.name}”填写的表格")
        if path is None:
            return None
        return self.start_fill(path, saved.name)

    def start_fill(self, path: str | Path | None = None, saved_name: str | None = None):
        """Open the 填写上级表格 wizard (non-blocking); the list of mappings is read again when one is saved."""
        from gonghui_desk.ui.form_fill_wizard import FormFillWizard

        wizard = FormFillWizard(self.context, self, path=path, saved_name=saved_name, today=self._today)
        wizard.setAttribute(Qt.WA_DeleteOnClose)
        wizard.mapping_saved.connect(self._mapping_saved)
        self.wizard = wizard
        wizard.open()
        return wizard

    def _mapping_saved(self, name: str) -> None:
        self.mappings_model.requery()
        self.select_mapping(name)

    def void_selected_mapping(self) -> QMessageBox | None:
        """删除…: asks first (a box that does not block), then voids the mapping."""
        saved = self.current_mapping()
        if saved is None:
            return None
        box = QMessageBox(QMessageBox.Question, "删除对应关系",
                          f"删除对应关系<b>“{escape(saved.name)}”</b>？<br>删除后不再列出，已经填好的表格不受影响。",
                          QMessageBox.NoButton, self)
        box.setTextFormat(Qt.RichText)
        box.void_button = box.addButton("删除", QMessageBox.DestructiveRole)
        box.addButton("取消", QMessageBox.RejectRole)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.mapping_name = saved.name
        box.buttonClicked.connect(self._void_answered)
        self.void_box = box
        box.open()
        return box

    def _void_answered(self, button) -> None:
        box = self.void_box
        if box is not None and button is box.void_button:
            self.void_mapping(box.mapping_name)

    def void_mapping(self, name: str) -> bool:
        try:
            void_mapping(self.context.db, name)
        except UserError as exc:
            show_error(self, "删除对应关系", exc)
            return False
        self.mappings_model.requery()
        self.context.status_message.emit(f"已删除对应关系“{name}”")
        return True
