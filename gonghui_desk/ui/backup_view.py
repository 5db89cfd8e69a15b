"""备份与恢复: the backups of the open database (automatic, before a restore, before an upgrade, manual ones kept in
the ``backups`` folder), 立即备份… to a chosen place with an optional password, and 从备份恢复….

A restore is checked first (:func:`gonghui_desk.backup.inspect_backup` on a worker) and confirmed in
:class:`~gonghui_desk.ui.restore_dialog.RestoreDialog`; then :class:`RestoreRun` releases the database (waits for
running jobs, closes the window's context while keeping the database's lock file), runs
:func:`gonghui_desk.backup.restore_backup` on a worker and opens the database again, restored or, after a failure,
as it was.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMainWindow, QMessageBox, QPushButton,
                               QVBoxLayout, QWidget)

from gonghui_desk import backup
from gonghui_desk.backup_crypto import ENCRYPTED_SUFFIX
from gonghui_desk.paths import backups_dir_for
from gonghui_desk.ui.dialogs import ERROR_COLOUR
from gonghui_desk.ui.import_wizard import offer_open_folder, open_folder
from gonghui_desk.ui.restore_dialog import PasswordDialog, RestoreDialog, format_size
from gonghui_desk.ui.tables import compact_buttons, compact_table, empty_label, empty_page, list_stack
from gonghui_desk.ui.workers import Job, run_job, show_error

PAGE_TITLE = "备份与恢复"
AUTOMATIC_TEXT = ("每天第一次打开软件时，自动在数据库旁的 backups 文件夹中保存一份备份：保留最近 7 天每天一份、"
                  "最近 12 个月每月一份。自动备份不加密，只保存在本机；请定期用“立即备份…”另存到U盘等处。"
                  "“恢复前的备份”和“升级前的备份”不会被自动删除。")
PASSWORD_RULE = ("没有密码就无法恢复这个备份，密码也无法找回（软件不保存密码）。请把密码记在安全的地方。")
JOB_WAIT_MS = 3000  # how long a restore waits for a running job (the daily backup…) before asking to wait
FILE_FILTER = "数据库备份 (*.sqlite3 *.ghbak *.sqlite *.db);;所有文件 (*)"


class BackupListModel(QAbstractTableModel):
    COLUMNS = ("日期时间", "文件名", "大小", "类型")

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.entries: list[backup.BackupEntry] = []

    def set_entries(self, entries: list[backup.BackupEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> backup.BackupEntry | None:
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        column = index.column()
        if role == Qt.DisplayRole:
            if column == 0:
                return f"{entry.made:%Y-%m-%d %H:%M}"
            if column == 1:
                return entry.path.name
            if column == 2:
                return format_size(entry.size_bytes)
            return entry.kind + ("（加密）" if entry.encrypted else "")
        if role == Qt.ToolTipRole:
            return str(entry.path)
        if role == Qt.TextAlignmentRole and column == 2:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None


class BackupNowDialog(QDialog):
    """立即备份: what it does, and the optional password (entered twice). Accepting asks where to save."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("立即备份")
        layout = QVBoxLayout(self)
        text = QLabel("把当前数据库完整地复制一份，保存到U盘、移动硬盘或其他电脑。备份时可以继续使用本软件。")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.encrypt_check = QCheckBox("加密（设置密码）")
        self.encrypt_check.setToolTip("带出本机的备份建议加密：U盘丢失时，别人无法读取会员的身份证号等信息")
        layout.addWidget(self.encrypt_check)
        form = QFormLayout()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.Password)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setEchoMode(QLineEdit.Password)
        form.addRow("密码：", self.password_edit)
        form.addRow("再输一次：", self.confirm_edit)
        layout.addLayout(form)
        self.rule_label = QLabel(PASSWORD_RULE)
        self.rule_label.setWordWrap(True)
        self.rule_label.setStyleSheet("QLabel { color: #8a5a00; } QLabel:disabled { color: #9a9a9a; }")
        layout.addWidget(self.rule_label)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        note = QLabel("自动备份（每天一次，保存在本机）不加密。")
        note.setStyleSheet("color: #6b6b6b;")
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("选择保存位置…")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.encrypt_check.toggled.connect(self._encrypt_toggled)
        self._encrypt_toggled(False)
        self.resize(460, self.sizeHint().height())

    def _encrypt_toggled(self, on: bool) -> None:
        for widget in (self.password_edit, self.confirm_edit):
            widget.setEnabled(on)
        self.rule_label.setEnabled(on)
        self.error_label.hide()
        if on:
            self.password_edit.setFocus()

    @property
    def password(self) -> str | None:
        """The password chosen, or None for an unencrypted backup."""
        return self.password_edit.text() if self.encrypt_check.isChecked() else None

    def accept(self) -> None:
        if self.encrypt_check.isChecked():
            problem = ""
            if not self.password_edit.text():
                problem = "请设置密码"
            elif self.password_edit.text() != self.confirm_edit.text():
                problem = "两次输入的密码不一致"
            if problem:
                self.error_label.setText(problem)
                self.error_label.show()
                return
        super().accept()


class BackupView(QWidget):
    """The 备份与恢复 page. ``window`` is the main window a restore reopens the database in."""

    def __init__(self, context, window: QMainWindow | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.host = window
        self.backup_dialog: BackupNowDialog | None = None
        self.password_dialog: PasswordDialog | None = None
        self.restore_dialog: RestoreDialog | None = None
        self.backup_job: Job | None = None
        self.inspect_job: Job | None = None
        self.done_box: QMessageBox | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 10)
        outer.setSpacing(8)
        top = QHBoxLayout()
        title = QLabel(PAGE_TITLE)
        title.setObjectName("pageTitle")
        top.addWidget(title)
        top.addStretch(1)
        outer.addLayout(top)
        self.automatic_label = QLabel(AUTOMATIC_TEXT)
        self.automatic_label.setObjectName("mutedText")
        self.automatic_label.setWordWrap(True)
        outer.addWidget(self.automatic_label)

        actions = QHBoxLayout()
        self.backup_button = QPushButton("立即备份…")
        self.backup_button.clicked.connect(lambda checked=False: self.back_up_now())
        self.restore_button = QPushButton("从备份恢复…")
        self.restore_button.setToolTip("用选中的备份替换当前数据（先检查备份，确认后才恢复）")
        self.restore_button.clicked.connect(lambda checked=False: self.restore_selected())
        self.other_button = QPushButton("选择其他文件…")
        self.other_button.setToolTip("从U盘等处的备份文件恢复")
        self.other_button.clicked.connect(lambda checked=False: self.choose_and_restore())
        self.folder_button = QPushButton("打开所在文件夹")
        self.folder_button.clicked.connect(lambda checked=False: self.open_selected_folder())
        for button in (self.backup_button, self.restore_button, self.other_button, self.folder_button):
            actions.addWidget(button)
        actions.addStretch(1)
        compact_buttons([self.backup_button, self.restore_button, self.other_button, self.folder_button])
        outer.addLayout(actions)

        self.model = BackupListModel(self)
        self.table = compact_table(self.model, selection=QAbstractItemView.SingleSelection, fixed_rows=True)
        self.table.doubleClicked.connect(lambda index: self.restore_selected())
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.resizeSection(0, 140)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.resizeSection(2, 90)
        header.resizeSection(3, 130)
        self.empty = empty_label()
        self.empty.setText("还没有备份。每天第一次打开软件时会自动备份，也可以点“立即备份…”。")
        self.stack = list_stack(self.table, empty_page(self.empty, []))
        outer.addWidget(self.stack, 1)
        self.folder_label = QLabel()
        self.folder_label.setObjectName("mutedText")
        self.folder_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        outer.addWidget(self.folder_label)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.refresh()

    # --- the list --------------------------------------------------------------------------------------------
    @property
    def db_path(self) -> Path:
        return self.context.db_path

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        selected = self.selected_entry()
        self.model.set_entries(backup.list_all_backups(self.db_path))
        self.stack.setCurrentIndex(0 if self.model.rowCount() else 1)
        self.folder_label.setText(f"备份文件夹：{backups_dir_for(self.db_path)}")
        if selected is not None:
            for row, entry in enumerate(self.model.entries):
                if entry.path == selected.path:
                    self.table.selectRow(row)
        self._selection_changed()

    def selected_entry(self) -> backup.BackupEntry | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.entry(rows[0].row()) if rows else None

    def _selection_changed(self, *args) -> None:
        self.restore_button.setEnabled(self.selected_entry() is not None)

    def open_selected_folder(self) -> bool:
        entry = self.selected_entry()
        if entry is not None:
            open_folder(entry.path)
            return True
        folder = backups_dir_for(self.db_path)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder if folder.is_dir() else self.db_path.parent)))

    # --- back up now -----------------------------------------------------------------------------------------
    def back_up_now(self) -> BackupNowDialog:
        """Open the options (kept as ``backup_dialog``); accepting asks where to save and starts the backup."""
        dialog = BackupNowDialog(self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._backup_options_chosen(dialog.password))
        self.backup_dialog = dialog
        dialog.open()
        return dialog

    def default_backup_name(self, *, encrypted: bool = False) -> str:
        return backup.default_backup_name(self.context.profile().name, self.db_path.stem, encrypted=encrypted)

    def _backup_options_chosen(self, password: str | None) -> None:
        encrypted = password is not None
        start = Path.home() / self.default_backup_name(encrypted=encrypted)
        kind = f"加密备份 (*{ENCRYPTED_SUFFIX})" if encrypted else "数据库备份 (*.sqlite3)"
        chosen, _ = QFileDialog.getSaveFileName(self, "备份数据库到", str(start), kind)
        if not chosen:
            return
        target = Path(chosen)
        wanted = ENCRYPTED_SUFFIX if encrypted else ".sqlite3"
        if target.suffix.lower() != wanted and not (not encrypted and target.suffix.lower() in (".sqlite", ".db")):
            target = target.with_name(target.name + wanted)
        self.start_backup(target, password)

    def start_backup(self, target: Path, password: str | None = None) -> Job:
        """Back the database up to ``target`` on a worker (kept as ``backup_job``)."""
        db_path = self.db_path
        context = self.context

        def job(progress, is_cancelled):
            return backup.backup_now(db_path, target, password=password, progress=progress,
                                     is_cancelled=is_cancelled)

        def done(result: Path) -> None:
            context.status_message.emit(f"已备份到 {result}")
            text = f"数据库已备份到：\n{result}"
            if password is not None:
                text += "\n\n这个备份已加密，恢复时需要输入刚才设置的密码。密码无法找回，请妥善保管。"
            else:
                text += "\n\n请把备份文件另存到U盘或其他电脑，以防本机损坏。"
            self.done_box = offer_open_folder(self, "备份完成", text, result)
            self.refresh()

        def failed(exc: BaseException) -> None:
            context.status_message.emit("备份失败")
            show_error(self, "备份失败", exc)

        self.backup_job = run_job(self, "正在备份", job, on_done=done, on_error=failed,
                                  on_cancelled=lambda: context.status_message.emit("已取消备份"))
        return self.backup_job

    # --- restore ---------------------------------------------------------------------------------------------
    def restore_selected(self) -> Job | None:
        entry = self.selected_entry()
        if entry is None:
            return None
        return self.restore_from(entry.path)

    def choose_and_restore(self) -> Job | None:
        chosen, _ = QFileDialog.getOpenFileName(self, "选择要恢复的备份文件", str(Path.home()), FILE_FILTER)
        return self.restore_from(Path(chosen)) if chosen else None

    def restore_from(self, path: Path, password: str | None = None) -> Job:
        """Check the backup on a worker (kept as ``inspect_job``); then ask its password when it is encrypted, or
        show what it holds for confirmation (``restore_dialog``)."""
        path = Path(path)
        work_dir = self.db_path.parent  # a decrypted copy stays beside the data, never in a shared temp folder

        def job(progress, is_cancelled):
            return backup.inspect_backup(path, password=password, work_dir=work_dir, progress=progress,
                                         is_cancelled=is_cancelled)

        self.inspect_job = run_job(self, "正在检查备份…", job, on_done=lambda info: self._inspected(info, password))
        return self.inspect_job

    def _inspected(self, info: backup.BackupInfo, password: str | None) -> None:
        if info.needs_password or info.wrong_password:
            error = info.problems[0] if info.wrong_password else ""
            dialog = PasswordDialog(info.path.name, error=error, parent=self)
            dialog.setAttribute(Qt.WA_DeleteOnClose)
            dialog.accepted.connect(lambda: self.restore_from(info.path, dialog.password))
            self.password_dialog = dialog
            dialog.open()
            return
        dialog = RestoreDialog(info, backup.record_counts(self.context.db.conn), parent=self,
                               current_name=self.db_path.name)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.start_restore(info.path, password))
        self.restore_dialog = dialog
        dialog.open()

    def start_restore(self, path: Path, password: str | None = None) -> "RestoreRun | None":
        window = self.host or self.window()
        run = RestoreRun(window, Path(path), password)
        return run if run.start() else None


class RestoreRun(QObject):
    """One restore in the main window: release the database, restore on a worker, open it again.

    The database's lock file stays held by this run from before the window's context closes until the new one
    is open, so no other program slips in between. The outcome is kept (``result``, ``error``, ``cancelled``,
    ``box``) and the run itself as ``window.last_restore``.
    """

    def __init__(self, window: QMainWindow, backup_path: Path, password: str | None):
        super().__init__(window)
        self.window = window
        self.backup_path = backup_path
        self.password = password
        self.db_path: Path = window.context.db_path
        self.job: Job | None = None
        self.result: backup.RestoreResult | None = None
        self.error: BaseException | None = None
        self.cancelled = False
        self.finished = False
        self.box: QMessageBox | None = None
        self.lock = None
        window.last_restore = self

    def start(self) -> bool:
        busy = [job for job in list(Job._running) if job.thread.isRunning()]
        for job in busy:
            job.wait(JOB_WAIT_MS)
        busy = [job for job in busy if job.thread.isRunning()]
        if busy:
            self.finished = True
            self.box = QMessageBox(QMessageBox.Information, "请稍候",
                                   "还有任务正在进行（导出、打印或备份）。请等它完成或取消后再恢复。",
                                   QMessageBox.Ok, self.window)
            self.box.setAttribute(Qt.WA_DeleteOnClose)
            self.box.open()
            return False
        from gonghui_desk.db.file_lock import DatabaseLock

        self.lock = DatabaseLock(self.db_path)
        self.lock.acquire()  # this process holds it already (the context): only counted once more
        self._release_database()
        db_path, backup_path, password = self.db_path, self.backup_path, self.password

        def job(progress, is_cancelled):
            return backup.restore_backup(db_path, backup_path, password=password, progress=progress,
                                         is_cancelled=is_cancelled)

        self.job = run_job(self.window, "正在从备份恢复", job, on_done=self._done, on_error=self._failed,
                           on_cancelled=self._cancelled)
        return True

    def _release_database(self) -> None:
        """Pages off (they read the database as they paint), then the window's connection closed."""
        placeholder = QLabel("正在从备份恢复，请稍候…")
        placeholder.setAlignment(Qt.AlignCenter)
        old = self.window.takeCentralWidget()
        self.window.setCentralWidget(placeholder)
        if old is not None:
            old.deleteLater()
        self.window.context.close()

    def _reopen(self) -> bool:
        from gonghui_desk.ui.app_context import AppContext

        try:
            context = AppContext(self.db_path)
        except Exception as exc:  # noqa: BLE001 - shown; the window waits for 文件 → 打开数据库…
            label = self.window.centralWidget()
            if isinstance(label, QLabel):
                label.setText(f"无法重新打开数据库：{exc}\n请用“文件 → 打开数据库…”打开它。")
            show_error(self.window, "无法打开数据库", exc)
            return False
        finally:
            if self.lock is not None:
                self.lock.release()
                self.lock = None
        self.window.set_context(context)
        self.window.show_page("backups")
        return True

    def _done(self, result: backup.RestoreResult) -> None:
        self.result = result
        self.finished = True
        if not self._reopen():
            return
        counts = result.info.counts
        summary = "，".join(f"{label} {counts[label]}" for label in ("在册会员", "全部会员") if label in counts)
        text = f"已从备份“{self.backup_path.name}”恢复数据" + (f"（{summary}）" if summary else "") + "。"
        if result.from_version < result.info.latest_version:
            text += f"\n备份的结构版本 {result.from_version} 已升级到 {result.info.latest_version}。"
        if result.safety_copy is not None:
            text += f"\n\n恢复前的数据已另存为：\n{result.safety_copy}"
            self.box = offer_open_folder(self.window, "恢复完成", text, result.safety_copy)
        else:
            self.box = QMessageBox(QMessageBox.Information, "恢复完成", text, QMessageBox.Ok, self.window)
            self.box.setAttribute(Qt.WA_DeleteOnClose)
            self.box.open()
        self.window.show_status(f"已从备份恢复：{self.backup_path.name}", 15000)

    def _failed(self, exc: BaseException) -> None:
        self.error = exc
        self.finished = True
        if self._reopen():
            show_error(self.window, "恢复失败", exc)
            self.window.show_status("恢复失败，当前数据未作改动", 15000)

    def _cancelled(self) -> None:
        self.cancelled = True
        self.finished = True
        if self._reopen():
            self.window.show_status("已取消恢复，当前数据未作改动", 15000)
