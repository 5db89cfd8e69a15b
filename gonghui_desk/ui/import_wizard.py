"""The member import wizard: file → column mapping → check → import → summary.

All rules live in :mod:`gonghui_desk.importing.member_import`; this module only shows them.
Reading the file, checking every row and writing run on worker threads (each with its own
database connection). Nothing is written until the user presses 导入 on the check page, and
then all rows or none: invalid rows block the import unless the user chooses to skip them,
and a cancel rolls everything back.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl.utils import get_column_letter
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QPushButton,
                               QStyledItemDelegate, QTableView, QVBoxLayout, QWidget, QWizard)

from gonghui_desk.importing.headers import MEMBER_IMPORT_FIELDS
from gonghui_desk.importing.member_import import (ImportPlan, ImportSource, PlannedRow, commit_import,
                                                  open_source, plan_import)
from gonghui_desk.importing.spreadsheet import cell_text, is_blank
from gonghui_desk.members import FIELD_BY_KEY
from gonghui_desk.ui.member_card import SubUnitComboBox
from gonghui_desk.ui.wizard import (FixedColumnsModel, ERROR_STYLE, MUTED_STYLE, BaseWizard, ProgressPage, SummaryPage,
                                    WizardPage, error_text)
from gonghui_desk.ui.workers import show_error
from gonghui_desk.union import sub_units

FILE_FILTER = "表格文件 (*.xlsx *.xlsm *.xls *.csv);;所有文件 (*)"
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".txt")
NOT_IMPORTED = "不导入"
SAMPLE_ROWS = 3
ACTION_TEXT = {"new": "新增", "update": "更新", "unchanged": "无变化", "invalid": "有错误"}
ACTION_COLOUR = {"new": QColor("#2e7d32"), "update": QColor("#1f5fa8"), "unchanged": QColor("#7a7a7a"),
                 "invalid": QColor("#c0392b")}
ERROR_COLOUR = QColor("#c0392b")
WARNING_COLOUR = QColor("#b9770e")
CHANGE_LABELS = {**MEMBER_IMPORT_FIELDS, "sub_unit": "部门", "status": "状态",
                 **{f.key: f.label for f in FIELD_BY_KEY.values()}}


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


def save_member_template(parent: QWidget) -> Path | None:
    """Ask where to save the blank import template, write it, and offer to open its folder."""
    from gonghui_desk.exporting.templates import write_member_template

    default = str(Path.home() / "会员信息导入模板.xlsx")
    chosen, _ = QFileDialog.getSaveFileName(parent, "保存空白导入模板", default, "Excel 工作簿 (*.xlsx)")
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    try:
        written = Path(write_member_template(path))
    except Exception as exc:  # a file open in Excel, a read-only folder…
        show_error(parent, "保存空白导入模板", exc)
        return None
    offer_open_folder(parent, "模板已保存",
                      f"空白导入模板已保存到：\n{written}\n\n按表头逐行填写会员信息后，再用“导入”导入即可。", written)
    return written


def _change_text(key: str, old, new) -> str:
    def show(value):
        return "（空）" if value in (None, "") else str(value)

    return f"{CHANGE_LABELS.get(key, key)}：{show(old)} → {show(new)}"


# --- the combo-box delegate --------------------------------------------------------------------------
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


# --- models ---------------------------------------------------------------------------------------------
class ColumnMappingModel(FixedColumnsModel):
    """One row per column of the file: its header, sample values and the field it goes to."""

    HEADERS = ("列", "文件中的列名", "示例（前几行）", "导入为")
    FIELD_COLUMN = EDITABLE_COLUMN = 3

    def __init__(self, source: ImportSource, mapping: dict[int, str], parent=None):
        super().__init__(parent)
        self.source = source
        self.mapping = dict(mapping)
        rows = source.table.rows[source.header_index + 1:]
        self.samples = []
        for column in range(len(source.headers)):
            values = []
            for cells in rows:
                if column < len(cells) and not is_blank(cells[column]):
                    values.append(cell_text(cells[column]))
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
            return MEMBER_IMPORT_FIELDS[key] if key else NOT_IMPORTED
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
    """Every checked row of the file: what will happen to it, and why."""

    HEADERS = ("行号", "结果", "姓名", "部门", "说明")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[PlannedRow] = []
        self.visible: list[int] = []
        self.only_problems = False

    def set_plan(self, plan: ImportPlan | None) -> None:
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

    def planned_row(self, row: int) -> PlannedRow:
        return self.rows[self.visible[row]]

    @staticmethod
    def explanation(row: PlannedRow) -> str:
        def text(problem) -> str:  # "身份证号校验位错误" needs no "身份证号：" in front
            return problem.message if problem.message.startswith(problem.label) else \
                f"{problem.label}：{problem.message}"

        parts = [text(p) for p in row.problems if p.severity == "error"]
        parts += [text(p) for p in row.problems if p.severity != "error"]
        if row.action == "update":
            parts += [_change_text(key, old, new) for key, (old, new) in row.changes.items()]
        return "；".join(parts)

    def row_count(self) -> int:
        return len(self.visible)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self.planned_row(index.row())
        column = index.column()
        if role == Qt.DisplayRole:
            if column == 0:
                return str(row.row_number)
            if column == 1:
                return ACTION_TEXT[row.action]
            if column == 2:
                return row.name
            if column == 3:
                return row.sub_unit_path
            return self.explanation(row)
        if role == Qt.ForegroundRole:
            if column == 1:
                return QBrush(ACTION_COLOUR[row.action])
            if column == 4:
                if any(p.severity == "error" for p in row.problems):
                    return QBrush(ERROR_COLOUR)
                if row.problems:
                    return QBrush(WARNING_COLOUR)
        if role == Qt.BackgroundRole and row.action == "invalid":
            return QBrush(QColor("#fdecea"))
        if role == Qt.ToolTipRole and column == 4:
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
    def __init__(self, wizard: "MemberImportWizard"):
        super().__init__("选择花名册文件", "选择要导入的会员花名册。支持 Excel（.xlsx、.xls）和 CSV 文件。")
        self._wizard = wizard
        intro = QLabel(
            "表格上方可以有标题行，程序会自动找到表头，并按列名（如“身份证号码”“联系电话”）认出各列。"
            "名册中已有的会员按身份证号识别：再次导入只会更新有变化的信息，不会重复添加。")
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

        template = QGroupBox("还没有表格？")
        template_layout = QHBoxLayout(template)
        text = QLabel("下载空白导入模板，按表头逐行填写后再导入。模板中身份证号、手机号已设为文本格式，"
                      "选项列带下拉列表，最不容易出错。")
        text.setWordWrap(True)
        template_layout.addWidget(text, 1)
        self.template_button = QPushButton("下载空白模板…")
        self.template_button.clicked.connect(self.save_template)
        template_layout.addWidget(self.template_button)
        self.body.addSpacing(12)
        self.body.addWidget(template)

        tips = QLabel(
            "<b>小提示</b><ul style='margin-left:-20px'>"
            "<li>身份证号一列要设为“文本”格式：数字格式会只保留15位，末几位变成0，这样的号码不会被导入。</li>"
            "<li>部门可以写成“一车间/甲班”表示上下级；名册里没有的部门，导入前会让您选择新建还是并入已有部门。</li>"
            "<li>导入前会逐行检查并列出结果，确认无误后才写入；有错误的行默认整份文件都不导入。</li></ul>")
        tips.setTextFormat(Qt.RichText)
        tips.setWordWrap(True)
        tips.setStyleSheet(MUTED_STYLE)
        self.body.addWidget(tips)
        self.body.addStretch(1)
        self.add_job_panel()

    def save_template(self) -> Path | None:
        return save_member_template(self)

    def path(self) -> Path | None:
        text = self.path_edit.text().strip().strip('"')
        return Path(text) if text else None

    def browse(self) -> None:
        start = str(self.path().parent) if self.path() else str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(self, "选择会员花名册", start, FILE_FILTER)
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

        def read(progress, is_cancelled):
            progress(0, 0, f"正在读取“{path.name}”…")
            return open_source(path, is_cancelled=is_cancelled)

        self.validate_with_job(f"正在读取“{path.name}”…", read, self._wizard.set_source)
        return False


class MappingPage(WizardPage):
    def __init__(self, wizard: "MemberImportWizard"):
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

    def _make_field_combo(self, parent, index) -> QComboBox:
        combo = QComboBox(parent)
        combo.addItem(NOT_IMPORTED, None)
        for key, label in MEMBER_IMPORT_FIELDS.items():
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
        self.model = ColumnMappingModel(source, wizard.mapping, self)
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
        errors, notes = [], []
        if "name" not in mapping.values():
            errors.append("请指定哪一列是“姓名”")
        for key in sorted(self.model.duplicated_fields() if self.model else ()):
            errors.append(f"有多列都对应到了“{MEMBER_IMPORT_FIELDS[key]}”，每项只能对应一列")
        if "id_number" not in mapping.values() and not errors:
            notes.append("没有身份证号列：只能按姓名核对重复，不能更新已有会员")
        return errors, notes

    def isComplete(self) -> bool:
        return not self.busy and self.model is not None and not self.mapping_problems()[0]


class PreviewPage(WizardPage):
    def __init__(self, wizard: "MemberImportWizard"):
        super().__init__("检查结果", "导入前逐行检查的结果。此时还没有写入任何数据。")
        self._wizard = wizard
        self.plan: ImportPlan | None = None
        self.setCommitPage(True)
        self.setButtonText(QWizard.CommitButton, "导入")

        self.counts_label = QLabel()
        self.counts_label.setTextFormat(Qt.RichText)
        self.counts_label.setStyleSheet("font-size: 11pt;")
        self.body.addWidget(self.counts_label)

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

        filter_row = QHBoxLayout()
        self.only_problems_check = QCheckBox("只看有问题的行")
        filter_row.addWidget(self.only_problems_check)
        filter_row.addStretch(1)
        legend = QLabel("<span style='color:#c0392b'>红色：错误，该行不能导入</span>　"
                        "<span style='color:#b9770e'>橙色：提示，请核对</span>")
        legend.setTextFormat(Qt.RichText)
        filter_row.addWidget(legend)
        self.body.addLayout(filter_row)
        self.rows_model = PlanRowsModel(self)
        self.only_problems_check.toggled.connect(self.rows_model.set_only_problems)
        self.rows_table = _table(self.rows_model)
        self.rows_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        header = self.rows_table.horizontalHeader()
        for column, width in enumerate((56, 64, 90, 160)):
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
        self._replan_timer = QTimer(self)
        self._replan_timer.setSingleShot(True)
        self._replan_timer.setInterval(250)
        self._replan_timer.timeout.connect(self.replan)

    def _show_detail(self, current, previous=None) -> None:
        if not current.isValid():
            self.detail.setText("选中一行可在这里看到完整说明。")
            return
        row = self.rows_model.planned_row(current.row())
        text = self.rows_model.explanation(row) or "没有问题。"
        self.detail.setText(f"第 {row.row_number} 行 {row.name}（{ACTION_TEXT[row.action]}）：{text}")

    def _make_unit_combo(self, parent, index) -> QComboBox:
        combo = SubUnitComboBox(parent)
        path = self.units_model.paths[index.row()]
        combo.set_units(sub_units(self._wizard.context.db), f"新建“{path}”")
        return combo

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
        source, mapping, choices = wizard.source, dict(wizard.mapping), dict(wizard.sub_unit_choices)
        open_worker_db = wizard.context.open_worker_db

        def check(progress, is_cancelled):
            db = open_worker_db()
            try:
                return plan_import(db, source, mapping, sub_unit_choices=choices, progress=progress,
                                   is_cancelled=is_cancelled)
            finally:
                db.conn.close()

        self.message.clear()
        self.run_job("正在逐行检查…", check, on_done=self.show_plan, on_error=self._plan_failed,
                     on_cancelled=self._plan_cancelled)

    def _plan_failed(self, exc: BaseException) -> None:
        self.jobs.show_message(error_text(exc), error=True)

    def _plan_cancelled(self) -> None:
        self.jobs.show_message("已取消检查。")

    def show_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        self._wizard.plan = plan
        self._wizard.sub_unit_choices.update({p: plan.sub_unit_choices.get(p) for p in plan.unknown_sub_units})
        counts = plan.counts()
        self.counts_label.setText(
            f"<span style='color:#2e7d32'>新增 <b>{counts['new']}</b> 人</span>　　"
            f"<span style='color:#1f5fa8'>更新 <b>{counts['update']}</b> 人</span>　　"
            f"<span style='color:#7a7a7a'>无变化 <b>{counts['unchanged']}</b> 人</span>　　"
            f"<span style='color:#c0392b'>有错误 <b>{counts['invalid']}</b> 行</span>")
        self.rows_model.set_plan(plan)
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
        self.skip_check.setVisible(counts["invalid"] > 0)
        self.jobs.clear()
        self._update_message()

    def _choices_changed(self, *args) -> None:
        self._wizard.sub_unit_choices.update(self.units_model.choices)
        self._replan_timer.start()

    def blocked_reason(self) -> str:
        """Why 导入 is disabled, or "" when it is not."""
        if self.plan is None:
            return "正在检查…"
        counts = self.plan.counts()
        if counts["invalid"] and not self.skip_check.isChecked():
            return (f"有 {counts['invalid']} 行有错误（表中红色的行）。为保证名册完整，有错误时整份文件都不导入。"
                    "请在 Excel 中改正后点“< 上一步”重新读取，或勾选上面的“跳过有问题的行”。")
        if counts["new"] + counts["update"] == 0:
            return "没有需要导入的内容：表格中的会员都已在名册中，信息也没有变化。"
        return ""

    def _update_message(self, *args) -> None:
        reason = self.blocked_reason()
        if reason:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(reason)
        elif self.plan is not None:
            counts = self.plan.counts()
            skipped = f"，跳过 {counts['invalid']} 行" if counts["invalid"] else ""
            creating = self.plan.sub_units_to_create()
            units = f"，新建部门：{'、'.join(creating)}" if creating else ""
            self.message.setStyleSheet("color: #2e7d32;")
            self.message.setText(f"点“导入”将新增 {counts['new']} 人、更新 {counts['update']} 人{skipped}{units}。")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.busy and self.plan is not None and not self.blocked_reason()

    def validatePage(self) -> bool:
        self._wizard.skip_invalid = self.skip_check.isChecked()
        return self.isComplete()


class CommitPage(ProgressPage):
    def __init__(self, wizard: "MemberImportWizard"):
        super().__init__("正在导入", "正在把检查过的数据写入名册。")
        self._wizard = wizard
        self.setCommitPage(True)  # once written, there is no going back to it
        self.setButtonText(QWizard.CommitButton, "下一步 >")
        self.note.setText("导入在一次操作中完成：中途取消或出错时，不会写入任何数据。")

    def initializePage(self) -> None:
        wizard = self._wizard
        plan, skip, open_worker_db = wizard.plan, wizard.skip_invalid, wizard.context.open_worker_db

        def write(progress, is_cancelled):
            db = open_worker_db()
            try:
                return commit_import(db, plan, skip_invalid=skip, progress=progress, is_cancelled=is_cancelled)
            finally:
                db.conn.close()

        self.start("正在导入…", write, on_done=wizard.imported,
                   cancelled_text="已取消导入，名册没有任何改动。")


class ImportSummaryPage(SummaryPage):
    def __init__(self):
        super().__init__("导入完成", "名册已更新。")


class MemberImportWizard(BaseWizard):
    """导入会员名册. ``path`` pre-fills the file page."""

    def __init__(self, context, path=None, parent=None):
        super().__init__("导入会员名册", parent)
        self.context = context
        self.source: ImportSource | None = None
        self.mapping: dict[int, str] = {}
        self.sub_unit_choices: dict[str, int | None] = {}
        self.plan: ImportPlan | None = None
        self.skip_invalid = False
        self.result = None
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.commit_page = CommitPage(self)
        self.summary_page = ImportSummaryPage()
        for page in (self.file_page, self.mapping_page, self.preview_page, self.commit_page, self.summary_page):
            self.add_page(page)
        if path:
            self.file_page.path_edit.setText(str(path))

    def set_source(self, source: ImportSource) -> bool:
        """A file was read: keep the user's mapping when the columns are the same, else auto-map."""
        same_columns = self.source is not None and self.source.headers == source.headers
        self.source = source
        if not same_columns:
            self.mapping = dict(source.mapping)
            self.sub_unit_choices = {}
        return True

    def imported(self, result) -> None:
        self.result = result
        self.context.members_changed.emit()
        if result.sub_units_created:
            self.context.profile_changed.emit()
        lines = [f"新增 <b>{result.created}</b> 人", f"更新 <b>{result.updated}</b> 人"]
        if result.unchanged:
            lines.append(f"无变化 {result.unchanged} 人")
        lines.append(f"跳过 <b>{result.skipped}</b> 行" + ("（有错误，未导入）" if result.skipped else ""))
        lines.append(f"新建部门 <b>{result.sub_units_created}</b> 个")
        note = ("被跳过的行改正后可以再导入一次同一个文件：已导入的会员按身份证号识别，不会重复添加。"
                if result.skipped else "可以在“会员”名册中查看导入的会员。")
        self.summary_page.set_summary(lines, note)
        self.context.status_message.emit(
            f"导入完成：新增 {result.created} 人，更新 {result.updated} 人，跳过 {result.skipped} 行")


__all__ = ["MemberImportWizard", "ColumnMappingModel", "PlanRowsModel", "SubUnitChoiceModel", "ComboDelegate",
           "save_member_template", "offer_open_folder"]
