"""The way every page exports a file: options, a file name, the work on a worker thread, and
an offer to open the folder when it is done."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QLabel, QLineEdit,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from gonghui_desk.ui.workers import Job, run_job, with_worker_db

FILE_FILTERS = {".xlsx": "Excel 工作簿 (*.xlsx)", ".pdf": "PDF 文件 (*.pdf)", ".docx": "Word 文档 (*.docx)"}


class ExportOptionsDialog(QDialog):
    """What will be exported, whether to hide personal details (no tick box when ``mask_text`` is empty:
    the list holds nothing personal), and 制表人.

    ``offer_full_numbers``: the output holds ID, phone or bank numbers, masked unless the user ticks
    :data:`~gonghui_desk.privacy.FULL_NUMBERS_TEXT` (``full_numbers_check``, unticked every time the dialog
    opens; ``full_numbers_hint`` under it). The page records an output with full numbers in the change log
    (:func:`~gonghui_desk.privacy.record_unmask`)."""

    def __init__(self, title: str, summary: str, mask_text: str, *, masked_default: bool, mask_hint: str = "",
                 prepared_by: str = "", parent: QWidget | None = None, width: int = 500,
                 offer_full_numbers: bool = False, full_numbers_hint: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        text = QLabel(summary)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.mask_check = QCheckBox(mask_text) if mask_text else None
        if self.mask_check is not None:
            self.mask_check.setChecked(masked_default)
            layout.addWidget(self.mask_check)
        if mask_hint and self.mask_check is not None:
            hint = QLabel(mask_hint)
            hint.setStyleSheet("color: #6b6b6b;")
            hint.setWordWrap(True)
            layout.addWidget(hint)
        self.full_numbers_check = None
        if offer_full_numbers:
            from gonghui_desk.privacy import FULL_NUMBERS_TEXT, UNMASK_HINT

            self.full_numbers_check = QCheckBox(FULL_NUMBERS_TEXT)
            self.full_numbers_check.setChecked(False)  # never remembered: each output is asked for anew
            layout.addWidget(self.full_numbers_check)
            hint = QLabel(full_numbers_hint or UNMASK_HINT)
            hint.setStyleSheet("color: #6b6b6b;")
            hint.setWordWrap(True)
            self.full_numbers_hint = hint
            layout.addWidget(hint)
        form = QFormLayout()
        self.prepared_by_edit = QLineEdit(prepared_by)
        self.prepared_by_edit.setPlaceholderText("可不填，打印后手写")
        form.addRow("制表人：", self.prepared_by_edit)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("选择保存位置…")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        layout.activate()  # wrapped texts need their height at this width (a top-level window does not ask)
        self.resize(width, max(self.sizeHint().height(), layout.totalHeightForWidth(width)))

    @property
    def masked(self) -> bool:
        return self.mask_check is not None and self.mask_check.isChecked()

    @property
    def full_numbers(self) -> bool:
        """Whether the user asked for the full ID, phone and bank numbers in this output."""
        return self.full_numbers_check is not None and self.full_numbers_check.isChecked()

    def chosen_options(self) -> dict[str, Any]:
        """The options as keyword arguments of a page's ``export_to``: prepared_by, masked when asked, and
        full_numbers when offered."""
        options: dict[str, Any] = {"prepared_by": self.prepared_by}
        if self.mask_check is not None:
            options["masked"] = self.masked
        if self.full_numbers_check is not None:
            options["full_numbers"] = self.full_numbers
        return options

    @property
    def prepared_by(self) -> str:
        return self.prepared_by_edit.text().strip()


def ask_save_path(parent: QWidget, title: str, default: Path) -> Path | None:
    """The file to write, with ``default``'s suffix added when the user typed none."""
    suffix = default.suffix.lower()
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(default), FILE_FILTERS.get(suffix, ""))
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


class _ExportAsker(QObject):
    """After the options dialog is accepted: remember 制表人 on the page, ask the file, start the export."""

    def __init__(self, view: QWidget, dialog: ExportOptionsDialog, title: str, default_name: str,
                 export_to: Callable[..., Any]):
        super().__init__()  # owned by the page's Python attribute, replaced by the next export
        self.view, self.dialog, self.title, self.default_name = view, dialog, title, default_name
        self.export_to = export_to

    def accepted(self) -> None:
        options = self.dialog.chosen_options()
        self.view._prepared_by = options["prepared_by"]
        path = ask_save_path(self.view, self.title, Path.home() / self.default_name)
        if path is not None:
            self.export_to(path, **options)


def ask_export(view: QWidget, dialog: ExportOptionsDialog, title: str, default_name: str,
               export_to: Callable[..., Any]) -> ExportOptionsDialog:
    """The way every page starts an export: open the options ``dialog`` over ``view`` (kept as
    ``view.export_dialog``, deleted when closed); when it is accepted, ask where to save (``default_name``
    in the home folder, titled ``title``) and call ``export_to(path, prepared_by=…[, masked=…][,
    full_numbers=…])``, which starts the job. The page decides what is exported (the filter and order shown)
    before calling this, so changing the filters while the dialog is open changes nothing."""
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    asker = _ExportAsker(view, dialog, title, default_name, export_to)
    dialog.accepted.connect(asker.accepted)
    view._export_asker = asker
    view.export_dialog = dialog
    dialog.open()
    return dialog


def chosen_sort(model, order: str | None, descending: bool | None) -> tuple[str, bool]:
    """``order`` and ``descending`` as given, or the sort the paged ``model`` shows."""
    shown_order, shown_descending = model.sort_key
    return order or shown_order, shown_descending if descending is None else descending


class _ExportFeedback(QObject):
    """Says how an export ended: the status bar, and a box offering to open the folder."""

    def __init__(self, view: QWidget, context, path: Path, done_text: Callable[[Any], str]):
        super().__init__(view)
        self.view, self.context, self.path, self.done_text = view, context, path, done_text
        self.box = None

    def done(self, result: Any) -> None:
        from gonghui_desk.ui.import_wizard import offer_open_folder

        text = self.done_text(result)
        self.context.status_message.emit(f"{text}：{self.path}")
        self.box = offer_open_folder(self.view, "导出完成", f"{text}：\n{self.path}", self.path)

    def cancelled(self) -> None:
        self.context.status_message.emit("已取消导出")


def run_export(view: QWidget, context, title: str, path: Path, export: Callable[..., Any],
               done_text: Callable[[Any], str]) -> Job:
    """Run ``export(db, progress, is_cancelled)`` on a worker with a progress dialog; the exporters
    write to a temporary file and rename it, so a cancel or a failure leaves no half file."""
    feedback = _ExportFeedback(view, context, path, done_text)
    job = run_job(view, title, with_worker_db(context, export), on_done=feedback.done,
                  on_cancelled=feedback.cancelled)
    job.feedback = feedback  # kept for tests (the box it opened)
    return job


class _PreviewOpener(QObject):
    """Opens the preview of a print table built on a worker, over ``view`` (kept as
    ``view.print_preview_dialog``); a printer driver's fault shows a message, never loses the page."""

    def __init__(self, view: QWidget):
        super().__init__(view)
        self.view = view

    def done(self, table) -> None:
        from gonghui_desk.ui import printing
        from gonghui_desk.ui.workers import show_error

        try:
            self.view.print_preview_dialog = printing.print_preview(self.view, table)
        except Exception as exc:
            show_error(self.view, "打印", exc)


def run_print(view: QWidget, context, build: Callable[..., Any]) -> Job:
    """The way every page prints: ``build(db, progress, is_cancelled)`` makes the print table on a
    worker (a big list takes a while; 取消 stops it), then the preview opens over ``view``."""
    opener = _PreviewOpener(view)
    return run_job(view, "正在准备打印…", with_worker_db(context, build), on_done=opener.done)


PRINT_TEXT = "打印…"


def print_button(view: QWidget, tip: str) -> QPushButton:
    """A list page's 打印… button (kept as ``view.print_button``): it calls ``view.start_print()``, which
    prints what the list shows (its filter, order and columns) through :func:`print_list`. Every list page
    of the main window has one (tests/test_print_pages.py walks them)."""
    button = QPushButton(PRINT_TEXT)
    button.setToolTip(tip)
    button.clicked.connect(lambda checked=False: view.start_print())
    view.print_button = button
    return button


def print_list(view: QWidget, build: Callable[..., Any]) -> Job | None:
    """What a list page's ``start_print()`` ends with: nothing when ``view.model`` lists no rows, else
    :func:`run_print` of ``build(db, progress, is_cancelled)`` (kept as ``view.print_job``). The page
    takes its filter, order and columns before calling this, so changing them while the table is being
    built changes nothing."""
    if view.model.rowCount() == 0:
        return None
    view.print_job = run_print(view, view.context, build)
    return view.print_job


def shown_columns(table: QTableView) -> list[str]:
    """The keys of the columns ``table`` shows (a paged model's ``COLUMNS``), in the order shown."""
    header, keys = table.horizontalHeader(), [key for key, _ in table.model().COLUMNS]
    logical = (header.logicalIndex(visual) for visual in range(header.count()))
    return [keys[index] for index in logical if not header.isSectionHidden(index)]


def shown_table_print(table: QTableView, *, title: str, union_name: str, subtitle_lines: list[str] | None = None,
                      today=None) -> PrintTable:
    """A small table exactly as it is shown — its visible columns in their order, its rows as sorted, the
    texts it displays — for the statistics a page computes in memory (a few dozen rows; big lists print from
    the database through their page's own builder)."""
    from gonghui_desk.printing import PrintColumn, PrintTable, print_date_text

    model, header = table.model(), table.horizontalHeader()
    columns = [header.logicalIndex(visual) for visual in range(header.count())]
    columns = [c for c in columns if not header.isSectionHidden(c)]

    def text(row: int, column: int) -> str:
        value = model.data(model.index(row, column), Qt.DisplayRole)
        return "" if value is None else str(value)

    rows = [[text(r, c) for c in columns] for r in range(model.rowCount())]
    labels = [str(model.headerData(c, Qt.Horizontal, Qt.DisplayRole) or "") for c in columns]
    print_columns = [PrintColumn(label, max([len(label), *(len(row[i]) for row in rows)] + [2]),
                                 "left" if i == 0 else "center") for i, label in enumerate(labels)]
    return PrintTable(title=title, subtitle_lines=list(subtitle_lines or []), union_name=union_name,
                      date_text=print_date_text(today), columns=print_columns, rows=rows,
                      landscape=len(columns) > 8)
