"""The spreadsheet import wizards: file → column mapping → check → import → summary.

:class:`ImportWizardBase` drives any importer of :mod:`gonghui_desk.importing` (they all work in
the same three steps, see :mod:`gonghui_desk.importing.common`); a wizard built on it says which
importer (:class:`Importer`), in which words (:class:`ImportTexts`), how the checked rows are
shown (``ACTIONS``, ``ROW_COLUMNS``) and what the summary and the notifications are.
:class:`MemberImportWizard` (导入会员名册) is here; ``VisitImportWizard`` (导入慰问台账) is in
:mod:`gonghui_desk.ui.visit_import_wizard`.

All rules live in the importers; this module only shows them. Reading the file, checking every
row and writing run on worker threads (each with its own database connection). Nothing is
written until the user presses 导入 on the check page, and then all rows or none: invalid rows
block the import unless the user chooses to skip them, and a cancel rolls everything back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any, Callable, Mapping, NamedTuple

from openpyxl.utils import get_column_letter
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QPushButton,
                               QStyledItemDelegate, QTableView, QVBoxLayout, QWidget, QWizard)

from gonghui_desk.importing.common import ImportPlanBase, ImportSource
from gonghui_desk.importing.headers import MEMBER_IMPORT_FIELDS
from gonghui_desk.importing.member_import import ImportPlan, PlannedRow, commit_import, open_source, plan_import
from gonghui_desk.importing.spreadsheet import cell_text, is_blank
from gonghui_desk.members import FIELD_BY_KEY
from gonghui_desk.ui.member_card import SubUnitComboBox
from gonghui_desk.ui.wizard import (FixedColumnsModel, ERROR_STYLE, MUTED_STYLE, BaseWizard, ProgressPage, SummaryPage,
                                    WizardPage, error_text)
from gonghui_desk.ui.workers import show_error, with_worker_db
from gonghui_desk.union import sub_units

FILE_FILTER = "表格文件 (*.xlsx *.xlsm *.xls *.csv);;所有文件 (*)"
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".txt")
NOT_IMPORTED = "不导入"
SAMPLE_ROWS = 3
NEW_COLOUR, UPDATE_COLOUR, UNCHANGED_COLOUR, INVALID_COLOUR = "#2e7d32", "#1f5fa8", "#7a7a7a", "#c0392b"
ERROR_COLOUR = QColor(INVALID_COLOUR)
WARNING_COLOUR = QColor("#b9770e")
CHANGE_LABELS = {**MEMBER_IMPORT_FIELDS, "sub_unit": "部门", "status": "状态",
                 **{f.key: f.label for f in FIELD_BY_KEY.values()}}
CHECK_TIP = "导入前会逐行检查并列出结果，确认无误后才写入；有错误的行默认整份文件都不导入。"


# --- helpers shared with the member list ----------------------------------------------------------
def open_folder(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent)))


class OpenFolderBox(QMessageBox):
    """A message about a saved file, with a button that opens the folder holding it."""

    def __init__(self, parent: QWidget, title: str, text: str, path: Path):
        super().__init__(QMessageBox.Information, title, text, QMessageBox.NoButton, parent)
        self.path = Path(path)
        self.open_button = self.addButton("打开所在文件夹", QMessageBox.ActionRole)
        self.addButton("关闭", QMessageBox.RejectRole)
        self.buttonClicked.connect(self._clicked)
        self.setAttribute(Qt.WA_DeleteOnClose)

    def _clicked(self, button) -> None:
        if self.buttonRole(button) == QMessageBox.ActionRole:
            open_folder(self.path)


def offer_open_folder(parent: QWidget, title: str, text: str, path: Path) -> QMessageBox:
    """A non-blocking message with a button that opens the folder holding ``path``."""
    box = OpenFolderBox(parent, title, text, path)
    box.open()
    return box


def save_blank_template(parent: QWidget, file_name: str, write: Callable[[Path], Path],
                        next_step: str) -> Path | None:
    """Ask where to save a blank import template (``file_name`` in the home folder by default), write it
    with ``write(path)``, and offer to open its folder; ``next_step`` ends the message ("每行填写一户后，
    再用“导入”导入即可。"). A failure (a file open in Excel, a read-only folder…) is shown, and None returned."""
    default = str(Path.home() / file_name)
    chosen, _ = QFileDialog.getSaveFileName(parent, "保存空白导入模板", default, "Excel 工作簿 (*.xlsx)")
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    try:
        written = Path(write(path))
    except Exception as exc:  # a file open in Excel, a read-only folder…
        show_error(parent, "保存空白导入模板", exc)
        return None
    offer_open_folder(parent, "模板已保存", f"空白导入模板已保存到：\n{written}\n\n{next_step}", written)
    return written


def save_member_template(parent: QWidget) -> Path | None:
    """Ask where to save the blank import template, write it, and offer to open its folder."""
    from gonghui_desk.exporting.templates import write_member_template

    return save_blank_template(parent, "会员信息导入模板.xlsx", write_member_template,
                               "按表头逐行填写会员信息后，再用“导入”导入即可。")


def _change_text(key: str, old, new) -> str:
    def show(value):
        return "（空）" if value in (None, "") else str(value)

    return f"{CHANGE_LABELS.get(key, key)}：{show(old)} → {show(new)}"


# --- the combo-box delegate --------------------------------------------------------------------------
def file_stamp(path: Path) -> tuple | None:
    """(size, modification time) of a file, to notice that it was saved again; None if gone."""
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


class ComboDelegate(QStyledItemDelegate):
    """Edits a cell with a combo box; ``make_combo(parent, index)`` builds a filled one.

    The model's EditRole is the item data of the chosen entry. The value is committed as soon
    as the user picks an entry (the views keep these editors open).
    """

    def __init__(self, make_combo, parent=None):
        super().__init__(parent)
        self.make_combo = make_combo

    def createEditor(self, parent, option, index):
        combo = self.make_combo(parent, index)
        combo.currentIndexChanged.connect(self._picked)
        return combo

    def _picked(self, *args) -> None:
        self.commitData.emit(self.sender())

    def setEditorData(self, editor, index):
        position = editor.findData(index.data(Qt.EditRole))
        editor.blockSignals(True)
        editor.setCurrentIndex(max(position, 0))
        editor.blockSignals(False)

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentData(), Qt.EditRole)


# --- what a wizard is made of ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Importer:
    """The importer a wizard drives: its three steps, and the fields a column may be imported as."""

    open_source: Callable[..., ImportSource]  # (path, *, sheet=None, is_cancelled=None)
    plan_import: Callable[..., ImportPlanBase]  # (db, source, mapping, *, progress, is_cancelled, **plan_options)
    commit_import: Callable[..., Any]  # (db, plan, *, skip_invalid, progress, is_cancelled) -> result
    fields: Mapping[str, str]  # field key -> label, in the order the mapping combo lists them
    required: tuple[str, ...] = ("name",)  # the fields the mapping must have a column for


@dataclass(frozen=True)
class ImportTexts:
    """The words that differ from one import wizard to another."""

    title: str  # the window: "导入会员名册"
    file_title: str  # the first page: "选择花名册文件"
    what: str  # the file: "会员花名册" ("选择要导入的会员花名册。")
    target: str  # what the import changes: "名册" ("为保证名册完整"、"名册已更新。")
    intro: str  # the first page's introduction
    tips: tuple[str, ...]  # the first page's 小提示, one line each (rich text)
    nothing_to_import: str  # why 导入 is disabled when every row is already there
    template: str = ""  # the text beside 下载空白模板… ("" when the importer has no template)


class ActionLook(NamedTuple):
    """How a planned row's action is shown: in the 结果 column and in the counts ("新增 3 人")."""

    text: str
    colour: str
    unit: str


class PlanColumn(NamedTuple):
    """A column of the check page's table between 结果 and 说明."""

    header: str
    width: int
    value: Callable[[Any], str]  # the planned row -> its text


NAME_COLUMN = PlanColumn("姓名", 90, attrgetter("name"))
SUB_UNIT_COLUMN = PlanColumn("部门", 160, attrgetter("sub_unit_path"))


# --- models ---------------------------------------------------------------------------------------------
def _sample_text(value) -> str:
    """A cell as the mapping page shows it: an Excel date without its 00:00:00."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    return cell_text(value)


class ColumnMappingModel(FixedColumnsModel):
    """One row per column of the file: its header, sample values and the field it goes to."""

    HEADERS = ("列", "文件中的列名", "示例（前几行）", "导入为")
    FIELD_COLUMN = EDITABLE_COLUMN = 3

    def __init__(self, source: ImportSource, mapping: dict[int, str], fields: Mapping[str, str], parent=None):
        super().__init__(parent)
        self.source = source
        self.mapping = dict(mapping)
        self.fields = fields
        rows = source.table.rows[source.header_index + 1:]
        self.samples = []
        for column in range(len(source.headers)):
            values = []
            for cells in rows:
                if column < len(cells) and not is_blank(cells[column]):
                    values.append(_sample_text(cells[column]))
                    if len(values) == SAMPLE_ROWS:
                        break
            self.samples.append(" ｜ ".join(values))

    def duplicated_fields(self) -> set[str]:
        keys = list(self.mapping.values())
        return {k for k in keys if keys.count(k) > 1}

    def row_count(self) -> int:
        return len(self.source.headers)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        key = self.mapping.get(row)
        if role == Qt.DisplayRole:
            if column == 0:
                return get_column_letter(row + 1)
            if column == 1:
                return self.source.headers[row] or "（无列名）"
            if column == 2:
                return self.samples[row]
            return self.fields[key] if key else NOT_IMPORTED
        if role == Qt.EditRole and column == self.FIELD_COLUMN:
            return key
        if role == Qt.ForegroundRole:
            if column == self.FIELD_COLUMN and key in self.duplicated_fields():
                return QBrush(ERROR_COLOUR)
            if key is None and column in (1, 2):
                return QBrush(QColor("#9a9a9a"))
        if role == Qt.ToolTipRole and column == 2:
            return self.samples[row]
        return None

    def setData(self, index, value, role=Qt.EditRole):
        if role != Qt.EditRole or index.column() != self.FIELD_COLUMN:
            return False
        if value:
            self.mapping[index.row()] = value
        else:
            self.mapping.pop(index.row(), None)
        self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
        return True


class PlanRowsModel(FixedColumnsModel):
    """Every checked row of the file: 行号, what will happen to it (结果), the wizard's own
    columns (``columns``), and why (说明: the errors, the warnings, then ``details(row)``)."""

    def __init__(self, columns: tuple[PlanColumn, ...], actions: Mapping[str, ActionLook],
                 details: Callable[[Any], list[str]] | None = None, parent=None):
        super().__init__(parent)
        self.columns = columns
        self.actions = actions
        self.details = details or (lambda row: [])
        self.HEADERS = ("行号", "结果", *(c.header for c in columns), "说明")
        self.explanation_column = len(self.HEADERS) - 1
        self.rows: list = []
        self.visible: list[int] = []
        self.only_problems = False

    def set_plan(self, plan: ImportPlanBase | None) -> None:
        self.beginResetModel()
        self.rows = list(plan.rows) if plan else []
        self._filter()
        self.endResetModel()

    def set_only_problems(self, only: bool) -> None:
        self.beginResetModel()
        self.only_problems = only
        self._filter()
        self.endResetModel()

    def _filter(self) -> None:
        self.visible = [i for i, row in enumerate(self.rows) if row.problems or not self.only_problems]

    def planned_row(self, row: int):
        return self.rows[self.visible[row]]

    def action_text(self, row) -> str:
        return self.actions[row.action].text

    def explanation(self, row) -> str:
        def text(problem) -> str:  # "身份证号校验位错误" needs no "身份证号：" in front
            return problem.message if problem.message.startswith(problem.label) else \
                f"{problem.label}：{problem.message}"

        parts = [text(p) for p in row.problems if p.severity == "error"]
        parts += [text(p) for p in row.problems if p.severity != "error"]
        return "；".join(parts + self.details(row))

    def row_count(self) -> int:
        return len(self.visible)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self.planned_row(index.row())
        column = index.column()
        explaining = column == self.explanation_column
        if role == Qt.DisplayRole:
            if column == 0:
                return str(row.row_number)
            if column == 1:
                return self.action_text(row)
            if explaining:
                return self.explanation(row)
            return self.columns[column - 2].value(row)
        if role == Qt.ForegroundRole:
            if column == 1:
                return QBrush(QColor(self.actions[row.action].colour))
            if explaining:
                if any(p.severity == "error" for p in row.problems):
                    return QBrush(ERROR_COLOUR)
                if row.problems:
                    return QBrush(WARNING_COLOUR)
        if role == Qt.BackgroundRole and row.action == "invalid":
            return QBrush(QColor("#fdecea"))
        if role == Qt.ToolTipRole and explaining:
            text = self.explanation(row)
            return text.replace("；", "\n") if text else None
        if role == Qt.TextAlignmentRole and column in (0, 1):
            return int(Qt.AlignCenter)
        return None


class SubUnitChoiceModel(FixedColumnsModel):
    """The departments named in the file that the database does not have: create, or map."""

    HEADERS = ("文件中的部门", "导入时")
    CHOICE_COLUMN = EDITABLE_COLUMN = 1

    def __init__(self, parent=None):
        super().__init__(parent)
        self.paths: list[str] = []
        self.choices: dict[str, int | None] = {}
        self.unit_paths: dict[int, str] = {}

    def set_paths(self, paths: list[str], choices: dict[str, int | None], unit_paths: dict[int, str]) -> None:
        self.beginResetModel()
        self.paths = list(paths)
        self.choices = {path: choices.get(path) for path in paths}
        self.unit_paths = unit_paths
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.paths)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        path = self.paths[index.row()]
        if index.column() == 0 and role == Qt.DisplayRole:
            return path
        if index.column() == self.CHOICE_COLUMN:
            chosen = self.choices.get(path)
            if role == Qt.DisplayRole:
                return f"新建“{path}”" if chosen is None else f"并入“{self.unit_paths.get(chosen, '')}”"
            if role == Qt.EditRole:
                return chosen
        return None

    def setData(self, index, value, role=Qt.EditRole):
        if role != Qt.EditRole or index.column() != self.CHOICE_COLUMN:
            return False
        path = self.paths[index.row()]
        if self.choices.get(path) == value:
            return False
        self.choices[path] = value
        self.dataChanged.emit(index, index)
        return True


def _table(model, *, stretch_last: bool = True) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 12)
    view.horizontalHeader().setStretchLastSection(stretch_last)
    view.horizontalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
    view.setEditTriggers(QAbstractItemView.AllEditTriggers)
    return view


# --- pages ----------------------------------------------------------------------------------------------
class FilePage(WizardPage):
    def __init__(self, wizard: "ImportWizardBase"):
        texts = wizard.texts
        super().__init__(texts.file_title, f"选择要导入的{texts.what}。支持 Excel（.xlsx、.xls）和 CSV 文件。")
        self._wizard = wizard
        intro = QLabel(texts.intro)
        intro.setWordWrap(True)
        self.body.addWidget(intro)
        self.body.addSpacing(8)
        row = QHBoxLayout()
        row.addWidget(QLabel("文件："))
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("点“浏览…”选择文件，或把文件路径粘贴到这里")
        self.path_edit.textChanged.connect(self._path_changed)
        row.addWidget(self.path_edit, 1)
        browse = QPushButton("浏览…")
        browse.clicked.connect(self.browse)
        row.addWidget(browse)
        self.body.addLayout(row)
        self.path_hint = QLabel()
        self.path_hint.setStyleSheet(ERROR_STYLE)
        self.body.addWidget(self.path_hint)

        self.template_button: QPushButton | None = None
        if texts.template:
            template = QGroupBox("还没有表格？")
            template_layout = QHBoxLayout(template)
            text = QLabel(texts.template)
            text.setWordWrap(True)
            template_layout.addWidget(text, 1)
            self.template_button = QPushButton("下载空白模板…")
            self.template_button.clicked.connect(self.save_template)
            template_layout.addWidget(self.template_button)
            self.body.addSpacing(12)
            self.body.addWidget(template)

        items = "".join(f"<li>{tip}</li>" for tip in texts.tips)
        tips = QLabel(f"<b>小提示</b><ul style='margin-left:-20px'>{items}</ul>")
        tips.setTextFormat(Qt.RichText)
        tips.setWordWrap(True)
        tips.setStyleSheet(MUTED_STYLE)
        self.body.addWidget(tips)
        self.body.addStretch(1)
        self.add_job_panel()

    def save_template(self) -> Path | None:
        return self._wizard.save_template(self)

    def path(self) -> Path | None:
        text = self.path_edit.text().strip().strip('"')
        return Path(text) if text else None

    def browse(self) -> None:
        start = str(self.path().parent) if self.path() else str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(self, f"选择{self._wizard.texts.what}", start, FILE_FILTER)
        if chosen:
            self.path_edit.setText(chosen)

    def _path_changed(self) -> None:
        self.jobs.clear()
        path = self.path()
        if path is None:
            self.path_hint.setText("")
        elif not path.is_file():
            self.path_hint.setText("找不到这个文件。")
        elif path.suffix.lower() not in SUFFIXES:
            self.path_hint.setText("请选择 Excel（.xlsx、.xls）或 CSV 文件。")
        else:
            self.path_hint.setText("")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        path = self.path()
        return (not self.busy and path is not None and path.is_file()
                and path.suffix.lower() in SUFFIXES)

    def validatePage(self) -> bool:
        if self._advancing:
            return True
        path = self.path()
        open_source = self._wizard.importer.open_source

        def read(progress, is_cancelled):
            progress(0, 0, f"正在读取“{path.name}”…")
            return open_source(path, is_cancelled=is_cancelled)

        self.validate_with_job(f"正在读取“{path.name}”…", read, self._wizard.set_source)
        return False


class MappingPage(WizardPage):
    def __init__(self, wizard: "ImportWizardBase"):
        super().__init__("核对列的对应", "程序已按列名自动对应；请核对“导入为”一列，不需要的列选“不导入”。")
        self._wizard = wizard
        info_row = QHBoxLayout()
        self.info = QLabel()
        self.info.setWordWrap(True)
        info_row.addWidget(self.info, 1)
        self.sheet_label = QLabel("工作表：")
        self.sheet_combo = QComboBox()
        self.sheet_combo.activated.connect(self._sheet_chosen)
        info_row.addWidget(self.sheet_label)
        info_row.addWidget(self.sheet_combo)
        self.body.addLayout(info_row)
        self.table = _table(None)
        self.delegate = ComboDelegate(self._make_field_combo, self)
        self.table.setItemDelegateForColumn(ColumnMappingModel.FIELD_COLUMN, self.delegate)
        self.body.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.message = QLabel()
        self.message.setWordWrap(True)
        row.addWidget(self.message, 1)
        reset = QPushButton("恢复自动对应")
        reset.clicked.connect(self.reset_mapping)
        row.addWidget(reset)
        self.body.addLayout(row)
        self.add_job_panel()
        self.model: ColumnMappingModel | None = None

    @property
    def fields(self) -> Mapping[str, str]:
        return self._wizard.importer.fields

    def _make_field_combo(self, parent, index) -> QComboBox:
        combo = QComboBox(parent)
        combo.addItem(NOT_IMPORTED, None)
        for key, label in self.fields.items():
            combo.addItem(label, key)
        combo.setMaxVisibleItems(30)
        return combo

    def initializePage(self) -> None:
        self.show_source()

    def show_source(self) -> None:
        wizard = self._wizard
        source = wizard.source
        table = source.table
        data_rows = len(table.rows) - source.header_index - 1
        note = f"<br><span style='color:#b9770e'>{table.note}</span>" if table.note else ""
        self.info.setText(f"文件：<b>{table.path.name}</b>　工作表：{table.sheet_name}　"
                          f"表头在第 {source.header_row_number} 行，数据从第 {source.header_row_number + 1} 行起"
                          f"（{data_rows} 行）{note}")
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(table.sheet_names or [table.sheet_name])
        self.sheet_combo.setCurrentText(table.sheet_name)
        self.sheet_combo.blockSignals(False)
        several = len(table.sheet_names) > 1
        self.sheet_label.setVisible(several)
        self.sheet_combo.setVisible(several)
        self.model = ColumnMappingModel(source, wizard.mapping, self.fields, self)
        self.model.dataChanged.connect(self._mapping_changed)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.resizeSection(0, 44)
        header.resizeSection(1, 180)
        header.resizeSection(2, 330)
        for row in range(self.model.rowCount()):
            self.table.openPersistentEditor(self.model.index(row, ColumnMappingModel.FIELD_COLUMN))
        self._mapping_changed()

    def _sheet_chosen(self) -> None:
        sheet = self.sheet_combo.currentText()
        path = self._wizard.source.table.path
        open_source = self._wizard.importer.open_source

        def read(progress, is_cancelled):
            return open_source(path, sheet=sheet, is_cancelled=is_cancelled)

        self.run_job(f"正在读取工作表“{sheet}”…", read, on_done=self._sheet_read)

    def _sheet_read(self, source: ImportSource) -> None:
        self._wizard.set_source(source)
        self.show_source()

    def reset_mapping(self) -> None:
        self._wizard.mapping = dict(self._wizard.source.mapping)
        self.show_source()

    def _mapping_changed(self, *args) -> None:
        if self.model is None:
            return
        self._wizard.mapping = dict(self.model.mapping)
        problems, notes = self.mapping_problems()
        if problems:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText("；".join(problems))
        else:
            self.message.setStyleSheet(MUTED_STYLE)
            used = len(self.model.mapping)
            self.message.setText("；".join([f"将导入 {used} 列，其余 {self.model.rowCount() - used} 列不导入"] + notes))
        self.completeChanged.emit()

    def mapping_problems(self) -> tuple[list[str], list[str]]:
        """(errors that block going on, notes) about the current mapping."""
        mapping = self.model.mapping if self.model else {}
        keys = set(mapping.values())
        errors = [f"请指定哪一列是“{self.fields[key]}”" for key in self._wizard.importer.required if key not in keys]
        for key in sorted(self.model.duplicated_fields() if self.model else ()):
            errors.append(f"有多列都对应到了“{self.fields[key]}”，每项只能对应一列")
        return errors, [] if errors else self._wizard.mapping_notes(keys)

    def isComplete(self) -> bool:
        return not self.busy and self.model is not None and not self.mapping_problems()[0]


class PreviewPage(WizardPage):
    """The check page: the counts, every row with its problems, and 导入 (or why not yet).

    A wizard that shows more (the member import's unknown departments) subclasses it:
    ``add_extras()`` adds widgets under the counts, ``plan_shown(plan)`` fills them.
    """

    def __init__(self, wizard: "ImportWizardBase"):
        super().__init__("检查结果", "导入前逐行检查的结果。此时还没有写入任何数据。")
        self._wizard = wizard
        self.plan: ImportPlanBase | None = None
        self.setCommitPage(True)
        self.setButtonText(QWizard.CommitButton, "导入")

        self.counts_label = QLabel()
        self.counts_label.setTextFormat(Qt.RichText)
        self.counts_label.setStyleSheet("font-size: 11pt;")
        self.body.addWidget(self.counts_label)
        self._replan_timer = QTimer(self)
        self._replan_timer.setSingleShot(True)
        self._replan_timer.setInterval(250)
        self._replan_timer.timeout.connect(self.replan)
        self.add_extras()

        filter_row = QHBoxLayout()
        self.only_problems_check = QCheckBox("只看有问题的行")
        filter_row.addWidget(self.only_problems_check)
        filter_row.addStretch(1)
        legend = QLabel("<span style='color:#c0392b'>红色：错误，该行不能导入</span>　"
                        "<span style='color:#b9770e'>橙色：提示，请核对</span>")
        legend.setTextFormat(Qt.RichText)
        filter_row.addWidget(legend)
        self.body.addLayout(filter_row)
        self.rows_model = PlanRowsModel(wizard.ROW_COLUMNS, wizard.ACTIONS, wizard.row_details, self)
        self.only_problems_check.toggled.connect(self.rows_model.set_only_problems)
        self.rows_table = _table(self.rows_model)
        self.rows_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        header = self.rows_table.horizontalHeader()
        for column, width in enumerate((56, 64, *(c.width for c in wizard.ROW_COLUMNS))):
            header.resizeSection(column, width)
        self.body.addWidget(self.rows_table, 1)
        self.detail = QLabel("选中一行可在这里看到完整说明。")
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet(MUTED_STYLE)
        self.detail.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.body.addWidget(self.detail)
        self.rows_table.selectionModel().currentRowChanged.connect(self._show_detail)

        self.skip_check = QCheckBox("跳过有问题的行，只导入正确的行")
        self.skip_check.toggled.connect(self._update_message)
        self.body.addWidget(self.skip_check)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.body.addWidget(self.message)
        self.add_job_panel()

    def add_extras(self) -> None:
        """Add the wizard's own widgets under the counts (none here)."""

    def plan_shown(self, plan: ImportPlanBase) -> None:
        """A new plan is shown: update the extra widgets (none here)."""

    def _show_detail(self, current, previous=None) -> None:
        if not current.isValid():
            self.detail.setText("选中一行可在这里看到完整说明。")
            return
        row = self.rows_model.planned_row(current.row())
        text = self.rows_model.explanation(row) or "没有问题。"
        self.detail.setText(f"第 {row.row_number} 行 {row.name}（{self.rows_model.action_text(row)}）：{text}")

    def initializePage(self) -> None:
        self.skip_check.setChecked(False)
        self.only_problems_check.setChecked(False)
        self.replan()

    def cleanupPage(self) -> None:
        if self.busy:
            self.jobs.cancel()
            self.jobs.wait()

    def replan(self) -> None:
        if self.busy:
            self._replan_timer.start()
            return
        wizard = self._wizard
        source, mapping, options = wizard.source, dict(wizard.mapping), wizard.plan_options()
        plan_import, open_source, read_stamp = wizard.importer.plan_import, wizard.importer.open_source, \
            wizard.source_stamp

        def check(db, progress, is_cancelled):
            current = source
            if file_stamp(source.table.path) != read_stamp:  # corrected and saved since it was read
                current = open_source(source.table.path, sheet=source.table.sheet_name, is_cancelled=is_cancelled)
            columns = mapping if current.headers == source.headers else current.mapping
            return plan_import(db, current, columns, progress=progress, is_cancelled=is_cancelled, **options)

        self.message.clear()
        self.run_job("正在逐行检查…", with_worker_db(wizard.context, check), on_done=self._planned, on_error=self._plan_failed,
                     on_cancelled=self._plan_cancelled)

    def _planned(self, plan: ImportPlanBase) -> None:
        if plan.source is not self._wizard.source:
            self._wizard.set_source(plan.source)
            self._wizard.mapping = dict(plan.mapping)
        self.show_plan(plan)

    def _plan_failed(self, exc: BaseException) -> None:
        self.jobs.show_message(error_text(exc), error=True)

    def _plan_cancelled(self) -> None:
        self.jobs.show_message("已取消检查。")

    def show_plan(self, plan: ImportPlanBase) -> None:
        self.plan = plan
        self._wizard.plan = plan
        self.counts_label.setText(self._wizard.counts_html(plan))
        self.rows_model.set_plan(plan)
        self.plan_shown(plan)
        self.skip_check.setVisible(plan.counts()["invalid"] > 0)
        self.jobs.clear()
        self._update_message()

    def blocked_reason(self) -> str:
        """Why 导入 is disabled, or "" when it is not."""
        if self.plan is None:
            return "正在检查…"
        counts = self.plan.counts()
        if counts["invalid"] and not self.skip_check.isChecked():
            return (f"有 {counts['invalid']} 行有错误（表中红色的行）。为保证{self._wizard.texts.target}完整，"
                    "有错误时整份文件都不导入。请在 Excel 中改正并保存后，点“< 上一步”再点“下一步 >”重新检查"
                    "（会重新读取文件），或勾选上面的“跳过有问题的行”。")
        if not any(n for action, n in counts.items() if action not in ("unchanged", "invalid")):
            return self._wizard.texts.nothing_to_import
        return ""

    def _update_message(self, *args) -> None:
        reason = self.blocked_reason()
        if reason:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(reason)
        elif self.plan is not None:
            self.message.setStyleSheet("color: #2e7d32;")
            self.message.setText(self._wizard.ready_text(self.plan))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.busy and self.plan is not None and not self.blocked_reason()

    def validatePage(self) -> bool:
        self._wizard.skip_invalid = self.skip_check.isChecked()
        return self.isComplete()


class CommitPage(ProgressPage):
    def __init__(self, wizard: "ImportWizardBase"):
        super().__init__("正在导入", f"正在把检查过的数据写入{wizard.texts.target}。")
        self._wizard = wizard
        self.setCommitPage(True)  # once written, there is no going back to it
        self.setButtonText(QWizard.CommitButton, "下一步 >")
        self.note.setText("导入在一次操作中完成：中途取消或出错时，不会写入任何数据。")

    def initializePage(self) -> None:
        wizard = self._wizard
        plan, skip, commit_import = wizard.plan, wizard.skip_invalid, wizard.importer.commit_import

        def write(db, progress, is_cancelled):
            return commit_import(db, plan, skip_invalid=skip, progress=progress, is_cancelled=is_cancelled)

        self.start("正在导入…", with_worker_db(wizard.context, write), on_done=wizard.imported,
                   cancelled_text=f"已取消导入，{wizard.texts.target}没有任何改动。")


class ImportSummaryPage(SummaryPage):
    def __init__(self, target: str = "名册"):
        super().__init__("导入完成", f"{target}已更新。")


# --- the wizards ------------------------------------------------------------------------------------------
class ImportWizardBase(BaseWizard):
    """An import wizard: file → column mapping → check → import (on a worker, cancellable) → summary.

    A subclass passes its :class:`Importer` and :class:`ImportTexts`, sets ``ACTIONS`` (how each
    action of its plan is shown) and ``ROW_COLUMNS`` (the check table's own columns), and says what
    the import means: ``ready_parts`` (the sentence above 导入), ``summary`` and ``changed_signals``
    (what to tell the rest of the app once written). Optional: ``plan_options`` (more arguments to
    ``plan_import``, taken on the GUI thread; by default ``today``), ``mapping_notes``, ``row_details``,
    ``count_note``,
    ``save_template`` (with ``ImportTexts.template``) and ``preview_page_class``.
    """

    ACTIONS: Mapping[str, ActionLook] = {}
    ROW_COLUMNS: tuple[PlanColumn, ...] = (NAME_COLUMN, SUB_UNIT_COLUMN)
    preview_page_class: type[PreviewPage] = PreviewPage

    def __init__(self, context, importer: Importer, texts: ImportTexts, path=None, parent=None, *,
                 today: dt.date | None = None):
        super().__init__(texts.title, parent)
        self.context = context
        self.today = today  # the day the dates are checked against (None: the real today)
        self.importer = importer
        self.texts = texts
        self.source: ImportSource | None = None
        self.source_stamp: tuple | None = None  # the file's size and time when it was read
        self.mapping: dict[int, str] = {}
        self.plan: ImportPlanBase | None = None
        self.skip_invalid = False
        self.result = None
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = self.preview_page_class(self)
        self.commit_page = CommitPage(self)
        self.summary_page = ImportSummaryPage(texts.target)
        for page in (self.file_page, self.mapping_page, self.preview_page, self.commit_page, self.summary_page):
            self.add_page(page)
        if path:
            self.file_page.path_edit.setText(str(path))

    def set_source(self, source: ImportSource) -> bool:
        """A file was read: keep the user's mapping when the columns are the same, else auto-map."""
        same_columns = self.source is not None and self.source.headers == source.headers
        self.source = source
        self.source_stamp = file_stamp(source.table.path)
        if not same_columns:
            self.mapping = dict(source.mapping)
        return True

    # --- what a subclass says -----------------------------------------------------------------------------
    def plan_options(self) -> dict:
        """More keyword arguments for ``plan_import`` (by default ``today``, when one was given)."""
        return {"today": self.today} if self.today else {}

    def mapping_notes(self, mapped: set[str]) -> list[str]:
        """Notes (not errors) about a mapping to the fields ``mapped``."""
        return []

    def row_details(self, row) -> list[str]:
        """What the 说明 of a planned row adds after its problems."""
        return []

    def count_note(self, plan: ImportPlanBase, action: str) -> str:
        """Text after the count of ``action`` ("（10 人）")."""
        return ""

    def ready_parts(self, plan: ImportPlanBase) -> list[str]:
        """What 导入 will do, the main part first: ["新增 3 人、更新 1 人", "新建部门：总务"]."""
        raise NotImplementedError

    def summary(self, result) -> tuple[list[str], str, str]:
        """(the summary page's lines, its note, the status bar's message) after the import."""
        raise NotImplementedError

    def changed_signals(self, result) -> list:
        """The context's signals to emit once the import is written."""
        raise NotImplementedError

    def save_template(self, parent: QWidget) -> Path | None:
        """Save the blank template (when ``ImportTexts.template`` offers one)."""
        return None

    # --- shown from those ------------------------------------------------------------------------------------
    def counts_html(self, plan: ImportPlanBase) -> str:
        spans = []
        for action, count in plan.counts().items():
            look = self.ACTIONS[action]
            spans.append(f"<span style='color:{look.colour}'>{look.text} <b>{count}</b> {look.unit}"
                         f"{self.count_note(plan, action)}</span>")
        return "　　".join(spans)

    def ready_text(self, plan: ImportPlanBase) -> str:
        parts = self.ready_parts(plan)
        invalid = plan.counts()["invalid"]
        if invalid:
            parts.insert(1, f"跳过 {invalid} 行")
        return f"点“导入”将{'，'.join(parts)}。"

    @staticmethod
    def skipped_line(skipped: int) -> str:
        return f"跳过 <b>{skipped}</b> 行" + ("（有错误，未导入）" if skipped else "")

    def imported(self, result) -> None:
        self.result = result
        for signal in self.changed_signals(result):
            signal.emit()
        lines, note, status = self.summary(result)
        self.summary_page.set_summary(lines, note)
        self.context.status_message.emit(status)


class MemberPreviewPage(PreviewPage):
    """The check page of the member import, with the departments the roster does not have yet."""

    def add_extras(self) -> None:
        self.units_box = QGroupBox("名册中还没有的部门")
        units_layout = QVBoxLayout(self.units_box)
        units_hint = QLabel("下列部门在名册中找不到。请为每一个选择：导入时新建，或并入已有的部门（例如只是写法不同）。")
        units_hint.setWordWrap(True)
        units_layout.addWidget(units_hint)
        self.units_model = SubUnitChoiceModel(self)
        self.units_model.dataChanged.connect(self._choices_changed)
        self.units_table = _table(self.units_model)
        self.units_table.setItemDelegateForColumn(SubUnitChoiceModel.CHOICE_COLUMN,
                                                  ComboDelegate(self._make_unit_combo, self))
        self.units_table.horizontalHeader().resizeSection(0, 260)
        units_layout.addWidget(self.units_table)
        self.body.addWidget(self.units_box)

    def _make_unit_combo(self, parent, index) -> QComboBox:
        combo = SubUnitComboBox(parent)
        path = self.units_model.paths[index.row()]
        combo.set_units(sub_units(self._wizard.context.db), f"新建“{path}”")
        return combo

    def plan_shown(self, plan: ImportPlan) -> None:
        self._wizard.sub_unit_choices.update({p: plan.sub_unit_choices.get(p) for p in plan.unknown_sub_units})
        self.units_box.setVisible(bool(plan.unknown_sub_units))
        if plan.unknown_sub_units and self.units_model.paths != plan.unknown_sub_units:
            unit_paths = {u.id: u.path for u in sub_units(self._wizard.context.db)}
            self.units_model.set_paths(plan.unknown_sub_units, self._wizard.sub_unit_choices, unit_paths)
            for row in range(self.units_model.rowCount()):
                self.units_table.openPersistentEditor(self.units_model.index(row, SubUnitChoiceModel.CHOICE_COLUMN))
            shown = min(self.units_model.rowCount(), 4)  # a few rows; more scroll
            self.units_table.setFixedHeight(self.units_table.horizontalHeader().height()
                                            + shown * self.units_table.verticalHeader().defaultSectionSize()
                                            + 2 * self.units_table.frameWidth() + 2)

    def _choices_changed(self, *args) -> None:
        self._wizard.sub_unit_choices.update(self.units_model.choices)
        self._replan_timer.start()


MEMBER_TEXTS = ImportTexts(
    title="导入会员名册",
    file_title="选择花名册文件",
    what="会员花名册",
    target="名册",
    intro="表格上方可以有标题行，程序会自动找到表头，并按列名（如“身份证号码”“联系电话”）认出各列。"
          "名册中已有的会员按身份证号识别：再次导入只会更新有变化的信息，不会重复添加。",
    tips=("身份证号一列要设为“文本”格式：数字格式会只保留15位，末几位变成0，这样的号码不会被导入。",
          "部门可以写成“一车间/甲班”表示上下级；名册里没有的部门，导入前会让您选择新建还是并入已有部门。",
          CHECK_TIP),
    nothing_to_import="没有需要导入的内容：表格中的会员都已在名册中，信息也没有变化。",
    template="下载空白导入模板，按表头逐行填写后再导入。模板中身份证号、手机号已设为文本格式，"
             "选项列带下拉列表，最不容易出错。",
)


class MemberImportWizard(ImportWizardBase):
    """导入会员名册. ``path`` pre-fills the file page."""

    ACTIONS = {"new": ActionLook("新增", NEW_COLOUR, "人"), "update": ActionLook("更新", UPDATE_COLOUR, "人"),
               "unchanged": ActionLook("无变化", UNCHANGED_COLOUR, "人"),
               "invalid": ActionLook("有错误", INVALID_COLOUR, "行")}
    preview_page_class = MemberPreviewPage

    def __init__(self, context, path=None, parent=None):
        super().__init__(context, Importer(open_source, plan_import, commit_import, MEMBER_IMPORT_FIELDS),
                         MEMBER_TEXTS, path, parent)
        self.sub_unit_choices: dict[str, int | None] = {}  # unknown department path -> merge into (None: create)

    def set_source(self, source: ImportSource) -> bool:
        if self.source is None or self.source.headers != source.headers:
            self.sub_unit_choices = {}
        return super().set_source(source)

    def plan_options(self) -> dict:
        return {"sub_unit_choices": dict(self.sub_unit_choices)}

    def mapping_notes(self, mapped: set[str]) -> list[str]:
        return [] if "id_number" in mapped else ["没有身份证号列：只能按姓名核对重复，不能更新已有会员"]

    def row_details(self, row: PlannedRow) -> list[str]:
        if row.action != "update":
            return []
        return [_change_text(key, old, new) for key, (old, new) in row.changes.items()]

    def ready_parts(self, plan: ImportPlan) -> list[str]:
        counts = plan.counts()
        creating = plan.sub_units_to_create()
        return [f"新增 {counts['new']} 人、更新 {counts['update']} 人"] + (
            [f"新建部门：{'、'.join(creating)}"] if creating else [])

    def changed_signals(self, result) -> list:
        return [self.context.members_changed] + ([self.context.profile_changed] if result.sub_units_created else [])

    def summary(self, result) -> tuple[list[str], str, str]:
        lines = [f"新增 <b>{result.created}</b> 人", f"更新 <b>{result.updated}</b> 人"]
        if result.unchanged:
            lines.append(f"无变化 {result.unchanged} 人")
        lines.append(self.skipped_line(result.skipped))
        lines.append(f"新建部门 <b>{result.sub_units_created}</b> 个")
        note = ("被跳过的行改正后可以再导入一次同一个文件：已导入的会员按身份证号识别，不会重复添加。"
                if result.skipped else "可以在“会员”名册中查看导入的会员。")
        return lines, note, f"导入完成：新增 {result.created} 人，更新 {result.updated} 人，跳过 {result.skipped} 行"

    def save_template(self, parent: QWidget) -> Path | None:
        return save_member_template(parent)


__all__ = ["ImportWizardBase", "MemberImportWizard", "Importer", "ImportTexts", "ActionLook", "PlanColumn",
           "PreviewPage", "ColumnMappingModel", "PlanRowsModel", "SubUnitChoiceModel", "ComboDelegate",
           "save_blank_template", "save_member_template", "offer_open_folder"]
