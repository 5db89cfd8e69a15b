"""填写上级表格: the wizard that fills the upstream union's own form (.xlsx or .xls) from the records.

Four steps and a last page, on the app's wizard base (:mod:`gonghui_desk.ui.wizard`); every rule lives in
:mod:`gonghui_desk.form_fill`, this module only shows it:

1. :class:`FormPage` — the form file, its sheet and (optionally) a saved mapping to use again. The form is read
   on a worker; the page shows the title lines, the header rows (which the user may correct and read again),
   the columns found, the data area and the footer. With a saved mapping, every column that changed since it
   was saved (:func:`~gonghui_desk.form_fill.compare_with_saved`) is listed in a yellow box.
2. :class:`RecordsPage` — the records that fill the rows: a source (会员名册, 批量慰问名单, 困难职工档案…) and its
   parameters, one widget per :class:`~gonghui_desk.form_fill.SourceParam`, with "将填入 N 行" counted on a
   worker as the choices change.
3. :class:`MappingPage` — one row per form column (:class:`ColumnMappingModel`): 列, 表头, 填入字段 (a combo box
   of the source's fields and "（留空）"), and the value the first record puts there
   (:func:`~gonghui_desk.form_fill.preview_rows`, on a worker). Columns left blank are shaded.
4. :class:`OptionsPage` — keep or replace the rows already in the form, save the mapping under a name, whether
   the ID, phone and bank numbers go in full (masked unless ticked, each time; a form filled with them in full is
   recorded in the change log), the file to write (default: next to the form, "…（已填）.xlsx"; an .xls form gives
   an .xlsx, and the page says so).
   填写 runs :func:`~gonghui_desk.form_fill.fill_form` on a worker with a progress bar and 取消.
5. :class:`DonePage` — the messages of the :class:`~gonghui_desk.form_fill.FillResult`, with 打开文件 and
   打开所在文件夹.

The form file itself is never changed. Nothing here blocks on a modal dialog except the file choosers.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QDate, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDateEdit, QFileDialog, QFormLayout, QFrame,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QRadioButton,
                               QSpinBox, QVBoxLayout, QWidget, QWizard)

from gonghui_desk.errors import UserError
from gonghui_desk.form_fill import (FillResult, FormLayout, FormMapping, HeaderChange, RecordSource, SavedMapping,
                                    compare_with_saved, fill_form, get_mapping, get_source, list_mappings,
                                    mapping_from_saved, numbers_mapped, output_path, preview_rows, propose_mapping,
                                    save_form_mapping, sources, unmatched_columns)
from gonghui_desk.privacy import FORM_FILL_HINT, FULL_NUMBERS_TEXT, field_labels
from gonghui_desk.form_fill.fields import SEQ_KEY
from gonghui_desk.form_fill.sources import ALL
from gonghui_desk.jobs import check_cancel
from gonghui_desk.ui.import_wizard import ComboDelegate, _table, open_folder
from gonghui_desk.ui.tables import compact_table
from gonghui_desk.ui.wizard import (ERROR_STYLE, MUTED_STYLE, BaseWizard, FixedColumnsModel, SummaryPage,
                                    WizardPage, error_text)
from gonghui_desk.ui.workers import Job, with_worker_db

__all__ = ["BLANK_TEXT", "ColumnMappingModel", "DonePage", "FormFillWizard", "FormPage", "MappingPage",
           "OptionsPage", "ParamEditor", "RecordsPage", "default_output_path", "source_label"]

FORM_FILTER = "Excel 表格 (*.xlsx *.xls);;所有文件 (*)"
FORM_SUFFIXES = (".xlsx", ".xls", ".xlsm")
FILLED_SUFFIX = "（已填）"
BLANK_TEXT = "（留空）"
SEQ_TEXT = "自动编号（1、2、3…）"
NOT_LIMITED = "（不限）"
NO_RECORDS = "（没有可选的记录）"
NO_SAVED = "不使用（按表头自动对应）"
SAMPLE_ROWS = 3
COUNT_DELAY_MS = 250
WARNING_STYLE = "color: #b9770e;"
CHANGES_STYLE = ("QFrame#changesBox { background: #fff8e1; border: 1px solid #f0d090; border-radius: 4px; }"
                 "QFrame#changesBox QLabel { color: #6d4c00; }")
SAME_STYLE = ("QFrame#changesBox { background: #eef5ee; border: 1px solid #b7d7b9; border-radius: 4px; }"
              "QFrame#changesBox QLabel { color: #1e5e24; }")
BLANK_BACKGROUND = QBrush(QColor("#fff4d6"))
BLANK_FOREGROUND = QBrush(QColor("#9a6a00"))
DUPLICATE_FOREGROUND = QBrush(QColor("#c0392b"))
MUTED_FOREGROUND = QBrush(QColor("#7a7a7a"))
_YEAR_PREFIX = re.compile(r"^\s*(\d{4})\s*(年度|年)?\s*")


def _muted(text: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(MUTED_STYLE)
    label.setWordWrap(wrap)
    return label


def congress_word(db) -> str:
    """教代会 for a school, 职代会 otherwise (the sources' labels say 职代会)."""
    from gonghui_desk.union import load_profile

    try:
        return load_profile(db).vocabulary.congress_short
    except Exception:  # a profile not filled in yet
        return "职代会"


def source_label(source: RecordSource, db=None, text: str | None = None) -> str:
    """``text`` (default: the source's label) with the union's word for the congress."""
    text = source.label if text is None else text
    return text.replace("职代会", congress_word(db)) if db is not None else text


def default_output_path(form: str | Path) -> Path:
    """"会员信息采集表（已填）.xlsx" next to the form (an .xls form gives an .xlsx)."""
    form = Path(form)
    return form.with_name(f"{form.stem}{FILLED_SUFFIX}.xlsx")


def suggested_mapping_name(form: str | Path) -> str:
    """The form's file name without a leading year: "2026年度会员信息采集表.xlsx" -> "会员信息采集表"."""
    stem = Path(form).stem.replace(FILLED_SUFFIX, "")
    name = _YEAR_PREFIX.sub("", stem).strip() or stem
    return name[:60]


class BackgroundTask(QObject):
    """One small query at a time on a worker (a count, a preview) whose answer replaces the last one: a new
    :meth:`start` cancels the running one and its late answer is dropped. ``fn(db, is_cancelled)`` runs on
    its own connection; a :class:`UserError` it raises comes back as the answer's error."""

    answered = Signal(object, object)  # (value, error message or None)

    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.generation = 0
        self.job: Job | None = None

    def start(self, fn: Callable[[Any, Callable[[], bool]], Any]) -> Job:
        self.cancel()
        self.generation += 1
        generation = self.generation

        def work(db, progress, is_cancelled):
            try:
                return generation, fn(db, is_cancelled), None
            except UserError as exc:
                return generation, None, str(exc)

        job = Job(with_worker_db(self.context, work))
        job.done.connect(self._done)
        job.error.connect(self._failed)
        self.job = job
        job.start()
        return job

    def _done(self, answer) -> None:
        generation, value, problem = answer
        if generation == self.generation:
            self.job = None
            self.answered.emit(value, problem)

    def _failed(self, exc) -> None:
        self.job = None
        self.answered.emit(None, error_text(exc))

    @property
    def running(self) -> bool:
        return self.job is not None and self.job in Job._running

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
        self.job = None

    def wait(self, msecs: int = 15000) -> bool:
        return self.job.wait(msecs) if self.job is not None else True


# --- step 1: the form -----------------------------------------------------------------------------------------
class FormPage(WizardPage):
    def __init__(self, wizard: "FormFillWizard"):
        super().__init__("选择上级表格", "打开上级工会发来的 Excel 表格（.xlsx 或 .xls）。程序会找出表头所在的行和每一列的名称；"
                                     "原表不会被修改，填好的表格另存一份。")
        self._wizard = wizard
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("点“浏览…”选择上级发来的表格，或把文件路径粘贴到这里")
        row.addWidget(self.path_edit, 1)
        self.browse_button = QPushButton("浏览…")
        self.browse_button.clicked.connect(self.browse)
        row.addWidget(self.browse_button)
        form.addRow("表格文件：", row)
        self.saved_combo = QComboBox()
        self.saved_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.saved_combo.setMinimumContentsLength(24)
        form.addRow("对应关系：", self.saved_combo)
        self.saved_hint = _muted("去年填过同一张表并保存了对应关系的，选它即可沿用，表头有变化会逐列列出。")
        form.addRow("", self.saved_hint)
        self.body.addLayout(form)
        self.path_hint = QLabel()
        self.path_hint.setStyleSheet(ERROR_STYLE)
        self.path_hint.setWordWrap(True)
        self.path_hint.hide()
        self.body.addWidget(self.path_hint)

        # what was found
        self.found_box = QGroupBox("识别结果")
        found = QVBoxLayout(self.found_box)
        sheet_row = QHBoxLayout()
        self.sheet_label = QLabel("工作表：")
        self.sheet_combo = QComboBox()
        self.sheet_combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        sheet_row.addWidget(self.sheet_label)
        sheet_row.addWidget(self.sheet_combo)
        sheet_row.addSpacing(16)
        sheet_row.addWidget(QLabel("表头：第"))
        self.header_first_spin = QSpinBox()
        self.header_last_spin = QSpinBox()
        for spin in (self.header_first_spin, self.header_last_spin):
            spin.setRange(1, 200)
            spin.setMinimumWidth(60)
        sheet_row.addWidget(self.header_first_spin)
        sheet_row.addWidget(QLabel("行 至 第"))
        sheet_row.addWidget(self.header_last_spin)
        sheet_row.addWidget(QLabel("行"))
        self.reread_button = QPushButton("按此重新识别")
        self.reread_button.setToolTip("识别的表头行不对时，改好行号后点这里（表头最多3行）")
        self.reread_button.clicked.connect(self.read_with_header_rows)
        sheet_row.addWidget(self.reread_button)
        self.detect_button = QPushButton("自动识别")
        self.detect_button.setToolTip("放弃手工指定的表头行，重新自动识别")
        self.detect_button.clicked.connect(self.read_detected)
        sheet_row.addWidget(self.detect_button)
        sheet_row.addStretch(1)
        found.addLayout(sheet_row)
        self.info_label = QLabel()
        self.info_label.setWordWrap(True)
        self.info_label.setTextFormat(Qt.RichText)
        self.info_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        found.addWidget(self.info_label)
        self.columns_model = FormColumnsModel(self)
        self.columns_table = compact_table(self.columns_model, fixed_rows=True)
        self.columns_table.setMinimumHeight(110)
        header = self.columns_table.horizontalHeader()
        header.setHighlightSections(False)
        header.resizeSection(0, 44)
        header.resizeSection(1, 260)
        header.setStretchLastSection(True)
        found.addWidget(self.columns_table, 1)
        self.found_box.hide()
        self.body.addWidget(self.found_box, 1)

        self.changes_box = QFrame()
        self.changes_box.setObjectName("changesBox")
        self.changes_box.setStyleSheet(CHANGES_STYLE)
        changes_layout = QVBoxLayout(self.changes_box)
        self.changes_label = QLabel()
        self.changes_label.setWordWrap(True)
        self.changes_label.setTextFormat(Qt.RichText)
        self.changes_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        changes_layout.addWidget(self.changes_label)
        self.changes_box.hide()
        self.body.addWidget(self.changes_box)
        self.stretch = QWidget()  # takes the room until the form is read
        self.body.addWidget(self.stretch, 1)
        self.add_job_panel()

        self._read_timer = QTimer(self)
        self._read_timer.setSingleShot(True)
        self._read_timer.setInterval(300)
        self._read_timer.timeout.connect(self.read_form)
        self._pending: tuple | None = None
        self.jobs.finished.connect(self._job_finished)
        self.path_edit.textChanged.connect(self._path_changed)
        self.saved_combo.currentIndexChanged.connect(self._saved_changed)
        self.sheet_combo.activated.connect(self._sheet_chosen)
        self.fill_saved_combo()

    # --- values -------------------------------------------------------------------------------------------
    def path(self) -> Path | None:
        text = self.path_edit.text().strip().strip('"')
        return Path(text) if text else None

    def fill_saved_combo(self, select: str | None = None) -> None:
        db = self._wizard.context.db
        self.saved_combo.blockSignals(True)
        self.saved_combo.clear()
        self.saved_combo.addItem(NO_SAVED, None)
        for saved in list_mappings(db):
            try:
                label = source_label(get_source(saved.source), db)
            except UserError:
                label = saved.source
            self.saved_combo.addItem(f"{saved.name}（{label}）", saved.name)
        index = self.saved_combo.findData(select) if select else 0
        self.saved_combo.setCurrentIndex(max(index, 0))
        self.saved_combo.blockSignals(False)

    def saved_name(self) -> str | None:
        return self.saved_combo.currentData()

    def set_saved(self, name: str | None) -> None:
        index = self.saved_combo.findData(name) if name else 0
        self.saved_combo.setCurrentIndex(max(index, 0))

    # --- reading ------------------------------------------------------------------------------------------
    def browse(self) -> None:
        path = self.path()
        start = str(path.parent if path else Path.home())
        chosen, _ = QFileDialog.getOpenFileName(self, "选择上级发来的表格", start, FORM_FILTER)
        if chosen:
            self.path_edit.setText(chosen)

    def _path_problem(self) -> str:
        path = self.path()
        if path is None:
            return ""
        if not path.is_file():
            return "找不到这个文件。"
        if path.suffix.lower() not in FORM_SUFFIXES:
            return "只能填写 Excel 表格（.xlsx 或 .xls）。如果是 WPS 表格或其他格式，请先“另存为”.xlsx。"
        return ""

    def _path_changed(self) -> None:
        self._wizard.set_layout(None)
        self.show_layout()
        problem = self._path_problem()
        self.path_hint.setText(problem)
        self.path_hint.setVisible(bool(problem))
        if self.path() is not None and not problem:
            self._read_timer.start()
        else:
            self._read_timer.stop()
        self.completeChanged.emit()

    def _saved_changed(self) -> None:
        name = self.saved_name()
        try:
            self._wizard.set_saved(get_mapping(self._wizard.context.db, name) if name else None)
        except UserError as exc:  # voided meanwhile
            self._wizard.set_saved(None)
            self.path_hint.setText(str(exc))
            self.path_hint.show()
        if self._wizard.layout is not None:
            self.read_form(sheet=None, header_rows=None)
        else:
            self.show_layout()

    def _sheet_chosen(self) -> None:
        self.read_form(sheet=self.sheet_combo.currentText(), header_rows=None)

    def read_with_header_rows(self) -> None:
        first, last = self.header_first_spin.value(), self.header_last_spin.value()
        if last < first:
            first, last = last, first
        self.read_form(sheet=self.current_sheet(), header_rows=(first, last))

    def read_detected(self) -> None:
        self.read_form(sheet=self.current_sheet(), header_rows=None)

    def current_sheet(self) -> str | None:
        layout = self._wizard.layout
        return layout.sheet_name if layout is not None else None

    def read_form(self, sheet: str | None = None, header_rows: tuple[int, int] | None = None) -> Job | None:
        """Read the form on a worker (the saved mapping's sheet when it has one and none is given)."""
        self._read_timer.stop()
        path = self.path()
        if path is None or self._path_problem():
            return None
        if self.busy:  # read again once the read under way has stopped
            self._pending = (sheet, header_rows)
            self.jobs.cancel()
            return None
        saved = self._wizard.saved

        def read(progress, is_cancelled):
            from gonghui_desk.form_fill.layout import open_form, read_layout

            progress(0, 0, f"正在读取“{path.name}”…")
            wb, is_xls = open_form(path)
            check_cancel(is_cancelled)
            chosen = sheet
            if chosen is None and saved is not None and saved.sheet_name in wb.sheetnames:
                chosen = saved.sheet_name
            return read_layout(wb, path, sheet=chosen, header_rows=header_rows, is_xls=is_xls)

        self._wizard.set_layout(None)
        self.show_layout()
        return self.run_job(f"正在读取“{path.name}”…", read, on_done=self._read, on_error=self._read_failed)

    def _job_finished(self) -> None:
        if self._pending is not None:
            QTimer.singleShot(0, self._read_pending)

    def _read_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None and not self.busy:
            self.read_form(*pending)

    def _read(self, layout: FormLayout) -> None:
        if self._pending is not None:
            return  # another read follows
        self.jobs.clear()
        self._wizard.set_layout(layout)
        self.show_layout()
        self.completeChanged.emit()

    def _read_failed(self, exc: BaseException) -> None:
        if self._pending is not None:
            return
        self.jobs.show_message(error_text(exc), error=True)
        self.completeChanged.emit()

    # --- showing --------------------------------------------------------------------------------------------
    def show_layout(self) -> None:
        layout = self._wizard.layout
        self.found_box.setVisible(layout is not None)
        self.stretch.setVisible(layout is None)
        self.changes_box.setVisible(False)
        self.columns_model.set_layout(layout)
        if layout is None:
            return
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(list(layout.sheet_names))
        self.sheet_combo.setCurrentText(layout.sheet_name)
        self.sheet_combo.blockSignals(False)
        self.sheet_combo.setEnabled(len(layout.sheet_names) > 1)
        self.header_first_spin.setValue(layout.header_top)
        self.header_last_spin.setValue(layout.header_bottom)
        self.info_label.setText(layout_html(layout))
        saved = self._wizard.saved
        if saved is None:
            return
        changes = self._wizard.changes
        if changes:
            lines = "".join(f"<li>{escape(change.text)}</li>" for change in changes)
            self.changes_box.setStyleSheet(CHANGES_STYLE)
            self.changes_label.setText(
                f"<b>与保存的对应关系“{escape(saved.name)}”相比，表格有 {len(changes)} 处变化</b>，"
                f"请在第3步核对这些列：<ul style='margin-left:-18px'>{lines}</ul>")
        else:
            self.changes_box.setStyleSheet(SAME_STYLE)
            self.changes_label.setText(f"表头与保存对应关系“{escape(saved.name)}”时相同，将沿用原来的对应。")
        self.changes_box.show()

    def change_lines(self) -> list[str]:
        """The header changes as shown (for tests)."""
        return [change.text for change in self._wizard.changes] if self.changes_box.isVisibleTo(self) else []

    def isComplete(self) -> bool:
        return not self.busy and self._wizard.layout is not None


def layout_html(layout: FormLayout) -> str:
    """What was found in the form, as a small table of rich text: the title lines, the header, the footer."""
    rows = []
    if layout.title_lines:
        rows.append(("标题", "<br>".join(f"<b>{escape(t)}</b>" for t in layout.title_lines[:4])))
    existing = (f"表中已填有 <b>{layout.filled_rows}</b> 行（到第{layout.last_filled}行）" if layout.filled_rows
                else "表中还没有数据")
    rows.append(("表头", f"<b>{layout.header_rows_text}</b>，共 {len(layout.columns)} 列；数据从第{layout.data_first}行起，"
                       f"{existing}"))
    if layout.footer_first:
        footer = escape(layout.footer_lines[0][:40]) if layout.footer_lines else ""
        rows.append(("表尾", f"第{layout.footer_first}行起（{footer}），填写后移到数据下方"))
    for note in layout.notes:
        rows.append(("注意", f"<span style='color:#b9770e'>{escape(note)}</span>"))
    cells = "".join(f"<tr><td style='color:#6b6b6b; padding-right:8px' valign='top'>{label}：</td><td>{text}</td></tr>"
                    for label, text in rows)
    return f"<table cellspacing='0' cellpadding='1'>{cells}</table>"


class FormColumnsModel(FixedColumnsModel):
    """The columns found in the form: 列, 表头 (the header rows joined), and the first row already in the form."""

    HEADERS = ("列", "表头", "表中原有的第一行")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layout: FormLayout | None = None

    def set_layout(self, layout: FormLayout | None) -> None:
        self.beginResetModel()
        self.layout = layout
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.layout.columns) if self.layout is not None else 0

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or self.layout is None:
            return None
        column = self.layout.columns[index.row()]
        if role == Qt.DisplayRole:
            return (column.letter, column.header, column.sample)[index.column()]
        if role == Qt.ToolTipRole and index.column() == 1 and len(column.parts) > 1:
            return "两级表头：" + " → ".join(column.parts)
        if role == Qt.ForegroundRole and index.column() == 2:
            return MUTED_FOREGROUND
        if role == Qt.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignCenter)
        return None


# --- step 2: the records ----------------------------------------------------------------------------------------
class ParamEditor(QWidget):
    """The parameters of one record source, one widget each: a combo box for choices, records and departments,
    a tick box for yes/no, a tick box with a date for dates, a spin box for numbers, a line for text.
    :meth:`values` gives them as JSON values (None: not set, the source's default applies)."""

    changed = Signal()

    def __init__(self, db, source: RecordSource, values: dict | None = None, parent=None):
        super().__init__(parent)
        from gonghui_desk.ui.member_card import SubUnitComboBox
        from gonghui_desk.union import sub_units

        self.db = db
        self.source = source
        self.widgets: dict[str, Any] = {}
        self.getters: dict[str, Callable[[], Any]] = {}
        values = dict(values or {})
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldsStayAtSizeHint)
        for param in source.params:
            initial = values.get(param.key, param.default_value(db))
            if param.kind == "sub_unit":
                combo = SubUnitComboBox()
                combo.setMinimumWidth(160)
                combo.set_units(sub_units(db), "全部部门", select=initial)
                combo.currentIndexChanged.connect(self.changed)
                widget, getter = combo, combo.currentData
            elif param.kind in ("choice", "record"):
                combo = QComboBox()
                combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
                combo.setMinimumWidth(160)
                choices = param.choices(db)
                if not param.required and param.default_value(db) is None and ALL not in [c for c, _ in choices]:
                    combo.addItem(NOT_LIMITED, None)
                for value, text in choices:
                    combo.addItem(source_label(source, db, text), value)
                if combo.count() == 0:
                    combo.addItem(NO_RECORDS, None)
                    combo.setEnabled(False)
                index = combo.findData(initial) if initial is not None else -1
                combo.setCurrentIndex(index if index >= 0 else 0)
                combo.currentIndexChanged.connect(self.changed)
                widget, getter = combo, combo.currentData
            elif param.kind == "bool":
                check = QCheckBox(param.label)
                check.setChecked(bool(initial))
                check.toggled.connect(self.changed)
                widget, getter = check, check.isChecked
            elif param.kind == "date":
                widget, getter = self._date_widget(initial)
            elif param.kind == "int":
                spin = QSpinBox()
                spin.setRange(1949, 2100)
                spin.setMinimum(1948)
                spin.setSpecialValueText("不限")
                spin.setMinimumWidth(90)
                spin.setValue(int(initial) if initial not in (None, "") else 1948)
                spin.valueChanged.connect(self.changed)
                widget, getter = spin, (lambda s=spin: None if s.value() == s.minimum() else s.value())
            else:
                edit = QLineEdit("" if initial is None else str(initial))
                edit.setMinimumWidth(200)
                edit.textChanged.connect(self.changed)
                widget, getter = edit, (lambda e=edit: e.text().strip() or None)
            if param.help:
                widget.setToolTip(param.help)
            self.widgets[param.key] = widget
            self.getters[param.key] = getter
            form.addRow("" if param.kind == "bool" else f"{source_label(source, db, param.label)}：", widget)

    def _date_widget(self, initial) -> tuple[QWidget, Callable[[], Any]]:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        check = QCheckBox("指定")
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumWidth(120)
        day = None
        if initial:
            try:
                day = dt.date.fromisoformat(str(initial))
            except ValueError:
                day = None
        edit.setDate(QDate(day) if day else QDate.currentDate())
        check.setChecked(day is not None)
        edit.setEnabled(day is not None)
        check.toggled.connect(edit.setEnabled)
        check.toggled.connect(self.changed)
        edit.dateChanged.connect(self.changed)
        row.addWidget(check)
        row.addWidget(edit)
        row.addWidget(_muted("（不勾选则不限）", wrap=False))
        row.addStretch(1)
        box.check, box.edit = check, edit

        def value():
            return edit.date().toPython().isoformat() if check.isChecked() else None

        return box, value

    def values(self) -> dict:
        return {key: getter() for key, getter in self.getters.items()}

    def set_value(self, key: str, value) -> None:
        """Set one parameter as a user would (tests)."""
        widget = self.widgets[key]
        if isinstance(widget, QComboBox):
            index = widget.findData(value)
            if index < 0:
                index = widget.findText(str(value))
            if index < 0:
                raise ValueError(f"{key}: no choice {value!r}")
            widget.setCurrentIndex(index)
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QSpinBox):
            widget.setValue(widget.minimum() if value is None else int(value))
        elif isinstance(widget, QLineEdit):
            widget.setText("" if value is None else str(value))
        else:  # a date
            widget.check.setChecked(value is not None)
            if value is not None:
                widget.edit.setDate(QDate(dt.date.fromisoformat(str(value))))


class RecordsPage(WizardPage):
    def __init__(self, wizard: "FormFillWizard"):
        super().__init__("选择填入的记录", "选择用哪些记录填写表格的各行：名册中的会员（可按状态、部门、性别筛选）、"
                                         "某次批量慰问的名单、困难职工档案、某次会议的提案等。")
        self._wizard = wizard
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.source_combo = QComboBox()
        self.source_combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        db = wizard.context.db
        for source in sources().values():
            self.source_combo.addItem(source_label(source, db), source.key)
        form.addRow("数据来源：", self.source_combo)
        self.description = _muted()
        form.addRow("", self.description)
        self.body.addLayout(form)
        self.lock_note = QLabel()
        self.lock_note.setWordWrap(True)
        self.lock_note.setStyleSheet(MUTED_STYLE)
        self.lock_note.hide()
        self.body.addWidget(self.lock_note)
        self.params_box = QGroupBox("筛选条件")
        self.params_layout = QVBoxLayout(self.params_box)
        self.body.addWidget(self.params_box)
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)
        self.count_label.setStyleSheet("font-size: 12pt;")
        self.body.addWidget(self.count_label)
        self.body.addStretch(1)
        self.editor: ParamEditor | None = None
        self.problem = ""
        self.count: int | None = None
        self.counter = BackgroundTask(wizard.context, self)
        self.counter.answered.connect(self._counted)
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self.recount)
        self.source_combo.currentIndexChanged.connect(self._source_chosen)
        self._shown_for: tuple | None = None

    def initializePage(self) -> None:
        wizard = self._wizard
        saved = wizard.saved
        basis = (saved.name if saved else None,)
        if self._shown_for != basis or self.editor is None:
            self._shown_for = basis
            key = saved.source if saved is not None else wizard.source_key
            self.source_combo.blockSignals(True)
            self.source_combo.setCurrentIndex(max(self.source_combo.findData(key), 0))
            self.source_combo.blockSignals(False)
            self.build_editor(saved.params if saved is not None else wizard.params)
        locked = saved is not None
        self.source_combo.setEnabled(not locked)
        self.lock_note.setVisible(locked)
        if locked:
            self.lock_note.setText(f"按对应关系“{saved.name}”，数据来源和筛选条件沿用保存时的设置（筛选条件可以修改）。"
                                   "如需改用其他来源，请回到第1步选择“不使用”。")
        self._params_changed()

    def source(self) -> RecordSource:
        return get_source(self.source_combo.currentData())

    def set_source(self, key: str) -> None:
        self.source_combo.setCurrentIndex(self.source_combo.findData(key))

    def _source_chosen(self) -> None:
        self.build_editor({})
        self._params_changed()

    def build_editor(self, values: dict) -> None:
        source = self.source()
        db = self._wizard.context.db
        self.description.setText(source_label(source, db, source.description))
        if self.editor is not None:
            self.params_layout.removeWidget(self.editor)
            self.editor.hide()
            self.editor.deleteLater()
        self.editor = ParamEditor(db, source, values)
        self.editor.changed.connect(self._params_changed)
        self.params_layout.addWidget(self.editor)
        self.params_box.setVisible(bool(source.params))

    def params(self) -> dict:
        return self.editor.values() if self.editor is not None else {}

    def _params_changed(self) -> None:
        wizard = self._wizard
        source = self.source()
        wizard.source_key = source.key
        wizard.params = self.params()
        self.count = None
        try:
            source.resolve(wizard.context.db, wizard.params)
        except UserError as exc:
            self.problem = str(exc)
        else:
            self.problem = ""
        if self.problem:
            self.counter.cancel()
            self._count_timer.stop()
            self.count_label.setStyleSheet("font-size: 12pt; " + ERROR_STYLE)
            self.count_label.setText(self.problem)
        else:
            self.count_label.setStyleSheet("font-size: 12pt; " + MUTED_STYLE)
            self.count_label.setText("正在统计行数…")
            self._count_timer.start()
        self.completeChanged.emit()

    def recount(self) -> Job | None:
        if self.problem:
            return None
        source, params, today = self.source(), dict(self._wizard.params), self._wizard.today

        def count(db, is_cancelled):
            number = source.count(db, params, today)
            if number is None:
                number = 0
                for number, _row in enumerate(source.rows(db, params, today), 1):
                    if number % 200 == 0:
                        check_cancel(is_cancelled)
            return number, source.describe(db, params)

        return self.counter.start(count)

    def _counted(self, value, problem) -> None:
        if problem:
            self.problem = problem
            self.count_label.setStyleSheet("font-size: 12pt; " + ERROR_STYLE)
            self.count_label.setText(problem)
        else:
            self.count, describe = value
            shown = source_label(self.source(), self._wizard.context.db, describe)
            if self.count:
                self.count_label.setStyleSheet("font-size: 12pt;")
                self.count_label.setText(f"将填入 <b>{self.count}</b> 行：{escape(shown)}")
            else:
                self.count_label.setStyleSheet("font-size: 12pt; " + WARNING_STYLE)
                self.count_label.setText(f"没有符合条件的记录（{escape(shown)}），请换一个筛选条件。")
        self.completeChanged.emit()

    def is_counted(self) -> bool:
        return self.count is not None and not self.counter.running and not self._count_timer.isActive()

    def isComplete(self) -> bool:
        return not self.busy and self.editor is not None and not self.problem


# --- step 3: the mapping ----------------------------------------------------------------------------------------
class ColumnMappingModel(FixedColumnsModel):
    """One row per column of the form: 列, 表头, 填入字段 (editable: a field key, or None for blank) and the value
    the first record puts there. Columns left blank are shaded; a field chosen for two columns is red."""

    HEADERS = ("列", "表头", "填入字段", "示例（第一条记录）")
    FIELD_COLUMN = EDITABLE_COLUMN = 2
    mapping_edited = Signal()
    SAMPLE_COLUMN = 3

    def __init__(self, layout: FormLayout, mapping: FormMapping, source: RecordSource, parent=None):
        super().__init__(parent)
        self.layout = layout
        self.mapping = mapping
        self.source = source
        self.samples: list[list[str]] = []

    def row_count(self) -> int:
        return len(self.layout.columns)

    def column_at(self, row: int):
        return self.layout.columns[row]

    def field_text(self, key: str | None) -> str:
        if key is None:
            return BLANK_TEXT
        if key == SEQ_KEY:
            return SEQ_TEXT
        return self.source.field_label(key)

    def duplicated_fields(self) -> set[str]:
        keys = [k for k in self.mapping.columns.values() if k != SEQ_KEY]
        return {k for k in keys if keys.count(k) > 1}

    def sample(self, row: int) -> str:
        return self.samples[0][row] if self.samples and row < len(self.samples[0]) else ""

    def set_samples(self, rows: list[list[str]]) -> None:
        self.samples = rows
        if self.rowCount():
            last = self.rowCount() - 1
            self.dataChanged.emit(self.index(0, self.SAMPLE_COLUMN), self.index(last, self.SAMPLE_COLUMN))

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        form_column = self.column_at(row)
        key = self.mapping.field_for(form_column.index)
        if role == Qt.DisplayRole:
            if column == 0:
                return form_column.letter
            if column == 1:
                return form_column.header
            if column == self.FIELD_COLUMN:
                return self.field_text(key)
            return self.sample(row)
        if role == Qt.EditRole and column == self.FIELD_COLUMN:
            return key
        if role == Qt.BackgroundRole and key is None:
            return BLANK_BACKGROUND
        if role == Qt.ForegroundRole:
            if column == self.FIELD_COLUMN and key is None:
                return BLANK_FOREGROUND
            if column == self.FIELD_COLUMN and key in self.duplicated_fields():
                return DUPLICATE_FOREGROUND
            if column == self.SAMPLE_COLUMN:
                return MUTED_FOREGROUND
        if role == Qt.ToolTipRole:
            if column in (0, 1):
                parts = " → ".join(form_column.parts)
                tip = f"第{form_column.index}列：{parts}"
                if form_column.last_index != form_column.index:
                    tip += f"（合并到第{form_column.last_index}列）"
                if form_column.sample:
                    tip += f"\n表中原有：{form_column.sample}"
                return tip
            if column == self.SAMPLE_COLUMN and self.samples:
                return "\n".join(f"第{i}条：{r[row] or '（空）'}" for i, r in enumerate(self.samples, 1))
            if column == self.FIELD_COLUMN and key is None:
                return "这一列没有对应字段，填写时留空；可在下拉框中选择要填入的内容"
        if role == Qt.TextAlignmentRole and column == 0:
            return int(Qt.AlignCenter)
        return None

    def setData(self, index, value, role=Qt.EditRole):
        if role != Qt.EditRole or index.column() != self.FIELD_COLUMN or not index.isValid():
            return False
        form_column = self.column_at(index.row())
        if self.mapping.field_for(form_column.index) == (value or None):
            return False
        self.mapping.assign(form_column.index, value or None)
        self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
        self.mapping_edited.emit()
        return True

    def row_of(self, column_index: int) -> int:
        return next(i for i, c in enumerate(self.layout.columns) if c.index == column_index)

    def blank_rows(self) -> list[int]:
        return [row for row in range(self.rowCount()) if self.mapping.field_for(self.column_at(row).index) is None]


class MappingPage(WizardPage):
    def __init__(self, wizard: "FormFillWizard"):
        super().__init__("核对每一列填什么", "程序已按表头为各列选好了要填的内容。请逐列核对“填入字段”；黄色的列没有找到对应，"
                                          "可以在下拉框中选择，或留空不填。")
        self._wizard = wizard
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.body.addWidget(self.info)
        self.table = _table(None)
        self.delegate = ComboDelegate(self._make_field_combo, self)
        self.table.setItemDelegateForColumn(ColumnMappingModel.FIELD_COLUMN, self.delegate)
        self.body.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.message = QLabel()
        self.message.setWordWrap(True)
        row.addWidget(self.message, 1)
        self.reset_button = QPushButton("恢复自动对应")
        self.reset_button.setToolTip("放弃手工的修改，重新按表头对应（沿用对应关系时，恢复为保存的对应）")
        self.reset_button.clicked.connect(self.reset_mapping)
        row.addWidget(self.reset_button)
        self.body.addLayout(row)
        self.add_job_panel()
        self.model: ColumnMappingModel | None = None
        self.previewer = BackgroundTask(wizard.context, self)
        self.previewer.answered.connect(self._previewed)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(150)
        self._preview_timer.timeout.connect(self.refresh_preview)

    def _make_field_combo(self, parent, index) -> QComboBox:
        combo = QComboBox(parent)
        combo.addItem(BLANK_TEXT, None)
        combo.addItem(SEQ_TEXT, SEQ_KEY)
        for field in self._wizard.source().fields:
            combo.addItem(field.label, field.key)
        combo.setMaxVisibleItems(25)
        return combo

    def initializePage(self) -> None:
        wizard = self._wizard
        wizard.ensure_mapping()
        source = wizard.source()
        layout = wizard.layout
        db = wizard.context.db
        self.info.setText(f"表格：{escape(layout.path.name)}（工作表“{escape(layout.sheet_name)}”，{len(layout.columns)} 列）；"
                          f"数据来源：{escape(source_label(source, db))}")
        self.model = ColumnMappingModel(layout, wizard.mapping, source, self)
        self.model.mapping_edited.connect(self._mapping_changed)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.resizeSection(0, 44)
        header.resizeSection(1, 220)
        header.resizeSection(2, 220)
        header.setStretchLastSection(True)
        for row in range(self.model.rowCount()):
            self.table.openPersistentEditor(self.model.index(row, ColumnMappingModel.FIELD_COLUMN))
        self._mapping_changed()

    def cleanupPage(self) -> None:
        self.previewer.cancel()
        self._preview_timer.stop()

    def reset_mapping(self) -> None:
        self._wizard.reset_mapping()
        self.initializePage()

    def assign(self, column_index: int, key: str | None) -> bool:
        """Choose what fills a form column through the model, as the combo box does."""
        row = self.model.row_of(column_index)
        return self.model.setData(self.model.index(row, ColumnMappingModel.FIELD_COLUMN), key)

    def _mapping_changed(self, *args) -> None:
        if self.model is None:
            return
        mapping = self.model.mapping
        filled = [c for c in self.model.layout.columns if mapping.field_for(c.index) not in (None,)]
        blank = unmatched_columns(self.model.layout, mapping)
        parts = [f"将填写 {len(filled)} 列"]
        if blank:
            parts.append(f"{len(blank)} 列留空（" + "、".join(f"“{c.header}”" for c in blank[:6])
                         + ("等" if len(blank) > 6 else "") + "）")
        problem = self.mapping_problem()
        duplicated = self.model.duplicated_fields()
        if problem:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(problem)
        elif duplicated:
            names = "、".join(f"“{self.model.source.field_label(k)}”" for k in sorted(duplicated))
            self.message.setStyleSheet(WARNING_STYLE)
            self.message.setText("；".join(parts) + f"。注意：{names}填入了不止一列")
        else:
            self.message.setStyleSheet(MUTED_STYLE)
            self.message.setText("；".join(parts) + "。")
        self._preview_timer.start()
        self.completeChanged.emit()

    def mapping_problem(self) -> str:
        mapping = self.model.mapping if self.model else None
        if mapping is None or not any(k != SEQ_KEY for k in mapping.columns.values()):
            return "还没有任何一列对应了字段，无法填写。请至少为一列选择要填写的内容。"
        return ""

    def refresh_preview(self) -> Job | None:
        if self.model is None:
            return None
        wizard = self._wizard
        layout, mapping, source = wizard.layout, wizard.mapping.copy(), wizard.source()
        params, today = dict(wizard.params), wizard.today

        def preview(db, is_cancelled):
            return preview_rows(db, layout, mapping, source, params, SAMPLE_ROWS, today=today)

        return self.previewer.start(preview)

    def _previewed(self, rows, problem) -> None:
        if self.model is None:
            return
        if problem:
            self.model.set_samples([])
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(problem)
            return
        self.model.set_samples(rows or [])

    def is_previewed(self) -> bool:
        return not self.previewer.running and not self._preview_timer.isActive()

    def isComplete(self) -> bool:
        return not self.busy and self.model is not None and not self.mapping_problem()


# --- step 4: options and output ---------------------------------------------------------------------------------
class OptionsPage(WizardPage):
    def __init__(self, wizard: "FormFillWizard"):
        super().__init__("填写并保存", "选择如何处理表中原有的行、是否保存对应关系，以及填好的表格保存在哪里，然后点“填写”。")
        self._wizard = wizard
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.RichText)
        self.body.addWidget(self.summary)

        rows_box = QGroupBox("表中原有的行")
        rows = QVBoxLayout(rows_box)
        self.rows_info = _muted()
        rows.addWidget(self.rows_info)
        self.replace_radio = QRadioButton("替换：删去原有的行，从表头下第一行开始填写")
        self.keep_radio = QRadioButton("保留：原有的行不动，新记录接在它们后面")
        self.rows_group = QButtonGroup(self)
        for button in (self.replace_radio, self.keep_radio):
            self.rows_group.addButton(button)
            rows.addWidget(button)
        self.replace_radio.setChecked(True)
        self.body.addWidget(rows_box)

        save_box = QGroupBox("对应关系")
        save = QHBoxLayout(save_box)
        self.save_check = QCheckBox("保存本次的对应关系，名称：")
        self.save_check.setToolTip("明年收到同一张表时，在第1步选择它，各列就按今年的对应填写；表头有变化会逐列列出")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("如“会员信息采集表”")
        self.name_edit.setMaxLength(60)
        save.addWidget(self.save_check)
        save.addWidget(self.name_edit, 1)
        self.body.addWidget(save_box)
        self.name_hint = _muted()
        self.name_hint.hide()
        self.body.addWidget(self.name_hint)

        numbers_box = QGroupBox("身份证号等号码")
        numbers = QVBoxLayout(numbers_box)
        self.full_numbers_check = QCheckBox(FULL_NUMBERS_TEXT)
        numbers.addWidget(self.full_numbers_check)
        self.numbers_hint = _muted(FORM_FILL_HINT)
        numbers.addWidget(self.numbers_hint)
        self.numbers_box = numbers_box
        self.body.addWidget(numbers_box)

        out_box = QGroupBox("保存到")
        out = QVBoxLayout(out_box)
        out_row = QHBoxLayout()
        self.out_edit = QLineEdit()
        out_row.addWidget(self.out_edit, 1)
        self.out_button = QPushButton("另存为…")
        self.out_button.clicked.connect(self.browse)
        out_row.addWidget(self.out_button)
        out.addLayout(out_row)
        self.out_hint = QLabel()
        self.out_hint.setWordWrap(True)
        out.addWidget(self.out_hint)
        self.body.addWidget(out_box)
        self.body.addStretch(1)
        self.add_job_panel()
        self.setButtonText(QWizard.NextButton, "填写")
        self.save_check.toggled.connect(self._name_changed)
        self.name_edit.textChanged.connect(self._name_changed)
        self.out_edit.textChanged.connect(self._out_changed)
        self._basis: tuple | None = None

    def initializePage(self) -> None:
        wizard = self._wizard
        layout = wizard.layout
        db = wizard.context.db
        source = wizard.source()
        saved = wizard.saved
        basis = (layout.path, saved.name if saved is not None else None)
        if self._basis != basis:  # the defaults for this form and saved mapping; the user's choices kept after
            self._basis = basis
            self.out_edit.setText(str(default_output_path(layout.path)))
            self.name_edit.setText(saved.name if saved is not None else suggested_mapping_name(layout.path))
            self.save_check.setChecked(saved is not None)
        # the full numbers are asked for anew each time this step is shown, never remembered
        labels = field_labels(numbers_mapped(wizard.mapping))
        self.full_numbers_check.setChecked(False)
        self.numbers_box.setVisible(bool(labels))
        if labels:
            self.numbers_hint.setText(f"不勾选时{'、'.join(labels)}只填写前后几位，其余以*代替。{FORM_FILL_HINT}。")
        if layout.filled_rows:
            rows = (f"第{layout.data_first}行" if layout.last_filled == layout.data_first
                    else f"第{layout.data_first}–{layout.last_filled}行")
            self.rows_info.setText(f"表中已填有 {layout.filled_rows} 行数据（{rows}），"
                                   "可能是上级给的填写样例，也可能是已经填好的内容。")
            self.replace_radio.setEnabled(True)
            self.keep_radio.setEnabled(True)
        else:
            self.rows_info.setText("表中表头下面还没有数据，记录将从第"
                                   f"{layout.data_first}行起填写；原有的空白格线和格式会保留。")
            self.replace_radio.setChecked(True)
            self.keep_radio.setEnabled(False)
        mapped = [c for c in layout.columns if wizard.mapping.field_for(c.index)]
        blank = len(layout.columns) - len(mapped)
        count = wizard.records_page.count
        rows = f"{count} 行" if count is not None else "符合条件的记录"
        try:
            describe = source_label(source, db, source.describe(db, wizard.params))
        except UserError:
            describe = source_label(source, db)
        self.summary.setText(f"将用 <b>{escape(describe)}</b> 的 <b>{rows}</b> 填写“{escape(layout.path.name)}”的 "
                             f"{len(mapped)} 列" + (f"，{blank} 列留空" if blank else "") + "。")
        self._name_changed()
        self._out_changed()

    # --- values ------------------------------------------------------------------------------------------------
    def keep_rows(self) -> bool:
        return self.keep_radio.isChecked()

    def full_numbers(self) -> bool:
        """Whether the ID, phone and bank numbers go in full (only when the mapping fills such a column)."""
        return self.numbers_box.isVisibleTo(self) and self.full_numbers_check.isChecked()

    def mapping_name(self) -> str | None:
        return self.name_edit.text().strip() or None if self.save_check.isChecked() else None

    def out_path(self) -> Path | None:
        text = self.out_edit.text().strip().strip('"')
        return Path(text) if text else None

    def browse(self) -> None:
        current = self.out_path() or default_output_path(self._wizard.layout.path)
        chosen, _ = QFileDialog.getSaveFileName(self, "填好的表格保存为", str(current), "Excel 工作簿 (*.xlsx)")
        if chosen:
            self.out_edit.setText(str(output_path(chosen)))

    def _name_changed(self, *args) -> None:
        self.name_edit.setEnabled(self.save_check.isChecked())
        name = self.mapping_name()
        saved = self._wizard.saved
        text = ""
        if self.save_check.isChecked() and not name:
            text = "请填写对应关系的名称，或取消勾选。"
        elif name:
            existing = {m.name for m in list_mappings(self._wizard.context.db)}
            if saved is not None and name == saved.name:
                text = f"将按今年的表头更新对应关系“{name}”。"
            elif name in existing:
                text = f"已有名为“{name}”的对应关系，将被替换。"
        self.name_hint.setText(text)
        self.name_hint.setStyleSheet(ERROR_STYLE if self.save_check.isChecked() and not name else MUTED_STYLE)
        self.name_hint.setVisible(bool(text))
        self.completeChanged.emit()

    def out_problem(self) -> str:
        path = self.out_path()
        if path is None:
            return "请选择填好的表格保存到哪里。"
        written = output_path(path)
        layout = self._wizard.layout
        try:
            same = written.resolve() == Path(layout.path).resolve()
        except OSError:
            same = False
        if same:
            return "不能覆盖原表，请另选一个文件名。"
        if not written.parent.is_dir():
            return f"文件夹“{written.parent}”不存在。"
        return ""

    def _out_changed(self, *args) -> None:
        problem = self.out_problem()
        notes = []
        path = self.out_path()
        layout = self._wizard.layout
        if not problem and path is not None:
            written = output_path(path)
            if layout is not None and layout.is_xls:
                notes.append(f"原表是 .xls 格式，填好的表格将保存为 .xlsx：{written.name}")
            elif written != path:
                notes.append(f"将保存为 .xlsx 格式：{written.name}")
            if written.exists():
                notes.append("这个文件已经存在，填写后将被替换。")
        if problem:
            self.out_hint.setStyleSheet(ERROR_STYLE)
            self.out_hint.setText(problem)
        else:
            self.out_hint.setStyleSheet(WARNING_STYLE if notes else MUTED_STYLE)
            self.out_hint.setText("；".join(notes) if notes else "原表不会被修改，填好的表格另存为这个文件。")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return (not self.busy and not self.out_problem()
                and not (self.save_check.isChecked() and not self.mapping_name()))

    def validatePage(self) -> bool:
        if self._advancing:
            return True
        from gonghui_desk.form_fill.mappings import clean_name

        name = self.mapping_name()
        if name is not None:
            try:
                clean_name(name)
            except UserError as exc:
                self.jobs.show_message(str(exc), error=True)
                return False
        self.validate_with_job("正在填写…", self._wizard.fill_job(self.out_path(), self.keep_rows(),
                                                                 full_numbers=self.full_numbers()),
                               self._wizard.filled)
        return False


# --- the last page ----------------------------------------------------------------------------------------------
class DonePage(SummaryPage):
    def __init__(self, wizard: "FormFillWizard"):
        super().__init__("填写完成", "表格已经填好。请打开核对一遍再上报。")
        self._wizard = wizard
        row = QHBoxLayout()
        self.open_file_button = QPushButton("打开文件")
        self.open_file_button.clicked.connect(self.open_file)
        self.open_folder_button = QPushButton("打开所在文件夹")
        self.open_folder_button.clicked.connect(self.open_folder)
        row.addWidget(self.open_file_button)
        row.addWidget(self.open_folder_button)
        row.addStretch(1)
        self.body.insertLayout(2, row)

    def initializePage(self) -> None:
        result = self._wizard.result
        if result is None:
            return
        lines = [escape(message) for message in result.messages]
        lines.append(f"已保存到：<b>{escape(str(result.path))}</b>")
        saved = self._wizard.saved_now
        if saved:
            lines.append(f"对应关系“{escape(saved)}”已保存，明年填写同一张表时可在第1步选择它")
        self.set_summary(lines, "填好的表格保留了原表的标题、格式、列宽、合并单元格和打印设置；身份证号、手机号按文本填写"
                                + ("（完整号码，已记入修改记录）。" if result.full_numbers else
                                   "（只填写前后几位）。" if result.numbers else "。"))

    def open_file(self) -> bool:
        result = self._wizard.result
        return bool(result) and QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.path)))

    def open_folder(self) -> None:
        if self._wizard.result is not None:
            open_folder(self._wizard.result.path)


# --- the wizard ---------------------------------------------------------------------------------------------------
class FormFillWizard(BaseWizard):
    """填写上级表格 (see the module text). ``path`` opens that form at once; ``saved_name`` preselects a saved
    mapping. ``mapping_saved(name)`` is emitted when a mapping was saved, ``form_filled(path)`` after a fill."""

    mapping_saved = Signal(str)
    form_filled = Signal(object)

    def __init__(self, context, parent=None, *, path: str | Path | None = None, saved_name: str | None = None,
                 today: dt.date | None = None):
        super().__init__("填写上级表格", parent)
        self.context = context
        self.today = today or dt.date.today()
        self.layout: FormLayout | None = None
        self.saved: SavedMapping | None = None
        self.changes: list[HeaderChange] = []
        self.source_key = "roster"
        self.params: dict = {}
        self.mapping: FormMapping | None = None
        self._mapping_basis: tuple | None = None
        self.result: FillResult | None = None
        self.saved_now: str | None = None
        self.form_page = FormPage(self)
        self.records_page = RecordsPage(self)
        self.mapping_page = MappingPage(self)
        self.options_page = OptionsPage(self)
        self.done_page = DonePage(self)
        for page in (self.form_page, self.records_page, self.mapping_page, self.options_page, self.done_page):
            self.add_page(page)
        self.resize(980, 700)
        if saved_name:
            self.form_page.set_saved(saved_name)
        if path is not None:
            self.form_page.path_edit.setText(str(path))
            self.form_page.read_form()

    # --- state ---------------------------------------------------------------------------------------------------
    def source(self) -> RecordSource:
        return get_source(self.source_key)

    def set_saved(self, saved: SavedMapping | None) -> None:
        self.saved = saved
        if saved is not None:
            self.source_key = saved.source
            self.params = dict(saved.params)
        self._update_changes()

    def set_layout(self, layout: FormLayout | None) -> None:
        self.layout = layout
        self._update_changes()

    def _update_changes(self) -> None:
        self.changes = compare_with_saved(self.layout, self.saved) if self.layout and self.saved else []

    def _basis(self) -> tuple:
        layout = self.layout
        return (id(layout), layout.headers if layout else None, self.source_key,
                self.saved.name if self.saved else None)

    def ensure_mapping(self) -> FormMapping:
        """The mapping for the form, source and saved mapping chosen; kept (with the user's changes) while they
        stay the same."""
        if self.mapping is None or self._mapping_basis != self._basis():
            self.reset_mapping()
        return self.mapping

    def reset_mapping(self) -> None:
        if self.saved is not None and self.saved.source == self.source_key:
            self.mapping = mapping_from_saved(self.layout, self.saved)
        else:
            self.mapping = propose_mapping(self.layout, self.source_key)
        self._mapping_basis = self._basis()

    # --- filling ---------------------------------------------------------------------------------------------------
    def fill_job(self, out: Path, keep_rows: bool, *, full_numbers: bool = False) -> Callable:
        """The fill on a worker; ID, phone and bank numbers masked unless ``full_numbers`` (then the change log
        records it)."""
        layout, mapping, source, params = self.layout, self.mapping.copy(), self.source_key, dict(self.params)
        today = self.today

        def fill(db, progress, is_cancelled):
            return fill_form(db, layout, mapping, source, params, out, keep_rows=keep_rows,
                             is_cancelled=is_cancelled, progress=progress, today=today, full_numbers=full_numbers)

        return with_worker_db(self.context, fill)

    def filled(self, result: FillResult) -> bool:
        """After the fill: save the mapping when asked, then go to the last page."""
        self.result = result
        self.saved_now = None
        name = self.options_page.mapping_name()
        if name:
            try:
                stored = save_form_mapping(self.context.db, name, self.layout, self.mapping, self.params)
            except UserError as exc:
                result.messages.append(f"对应关系未能保存：{exc}")
            else:
                self.saved_now = stored.name
                self.mapping_saved.emit(stored.name)
        self.context.status_message.emit(f"已填写上级表格：{result.path}")
        self.form_filled.emit(result.path)
        return True

    def background_tasks(self) -> list[BackgroundTask]:
        return [self.records_page.counter, self.mapping_page.previewer]

    def done(self, result: int) -> None:
        for task in self.background_tasks():
            task.cancel()
        super().done(result)

