"""The Qt side of ``gonghui-desk --self-test`` (:func:`gonghui_desk.self_test.run_self_test`'s check 界面).

:func:`gui_check` starts the QApplication the way the app does (:func:`~gonghui_desk.ui.app.setup_application`)
and checks what a one-folder build can leave out: the platform plugin, Qt's Chinese translation
(qtbase_zh_CN.qm), the svg icon engine (the app icon), a Chinese font, the print support module (the print
preview's painting onto a QPrinter writing a PDF) and every page of the main window built on the self-test's
database. The window is never shown. Each part is tried even when an earlier one failed; a failure raises
:class:`GuiCheckFailed` listing them all.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from pathlib import Path

import PySide6
from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, qVersion
from PySide6.QtGui import QFontDatabase, QFontInfo, QGuiApplication, QImageReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QDialogButtonBox

__all__ = ["GuiCheckFailed", "gui_check"]


class GuiCheckFailed(Exception):
    """One or more parts of the Qt check failed; the message lists every part, passed or not."""


def _ensure_platform() -> None:
    """A Linux machine without a display (a server, a CI job) still runs the check, offscreen."""
    if (sys.platform.startswith("linux") and not os.environ.get("DISPLAY")
            and not os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("QT_QPA_PLATFORM")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def _versions(app) -> str:
    return f"Qt {qVersion()}（PySide6 {PySide6.__version__}），平台插件 {QGuiApplication.platformName()}"


def _translation(app) -> str:
    text = QCoreApplication.translate("QPlatformTheme", "Cancel")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    try:
        button = box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")
    finally:
        box.deleteLater()
    if text != "取消" or button != "取消":
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        raise AssertionError(f"Qt 的中文翻译没有加载（“Cancel”译为“{text}”，按钮为“{button}”；"
                             f"qtbase_zh_CN.qm 应在 {folder}）")
    return "Qt 中文翻译已加载（“Cancel”→“取消”）"


def _icon(app) -> str:
    icon = app.windowIcon()
    if icon.isNull():
        raise AssertionError("程序图标没有设置（resources/icon.svg 缺失？）")
    pixmap = icon.pixmap(32, 32)
    if pixmap.isNull():
        formats = ", ".join(bytes(f).decode() for f in QImageReader.supportedImageFormats())
        raise AssertionError(f"程序图标画不出来（缺少 Qt 的 svg 图标引擎插件？可读格式：{formats}）")
    return f"程序图标可显示（{pixmap.width()}×{pixmap.height()}）"


def _font(app) -> str:
    chinese = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    if not chinese:
        raise AssertionError("Qt 找不到中文字体，界面和打印的中文会显示为方框")
    return f"界面字体 {QFontInfo(app.font()).family()}，中文字体 {len(chinese)} 种"


def _printing(db) -> str:
    with tempfile.TemporaryDirectory(prefix="gonghui-print-", ignore_cleanup_errors=True) as folder:
        return _print_roster(db, Path(folder) / "自检打印.pdf")


def _print_roster(db, path: Path) -> str:
    from gonghui_desk.db.member_queries import MemberFilter
    from gonghui_desk.exporting.member_roster import roster_print_table
    from gonghui_desk.ui.printing import page_layout, paint_documents

    table = roster_print_table(db, MemberFilter(status=("在册", "退休")))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageLayout(page_layout(table))
    pages = paint_documents(printer, [table])[0]  # what the print preview paints
    del printer  # ends the file
    data = path.read_bytes() if path.exists() else b""
    if not data.startswith(b"%PDF") or len(data) < 1000:
        raise AssertionError(f"打印到 PDF 的文件 {path.name} 没有写好（{len(data)} 字节）")
    return f"打印支持可用（会员名单 {len(table.rows)} 行打印到 PDF，{pages} 页，{len(data) // 1024} KB）"


def _close_window(window) -> None:
    from gonghui_desk.ui.app import wait_for_jobs

    window.close()
    wait_for_jobs()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def gui_check(db_path: Path) -> list[str]:
    """Check the Qt side on the database at ``db_path`` (created if missing); short Chinese lines, one a part.
    Raises :class:`GuiCheckFailed` (chained to the first error) when any part failed."""
    _ensure_platform()
    from gonghui_desk.ui.app import create_main_window, setup_application
    from gonghui_desk.ui.app_context import AppContext

    app = QApplication.instance()
    if app is None or not app.property("gonghui_setup_done"):
        app = setup_application()
    db_path = Path(db_path)
    lines: list[str] = []
    errors: list[BaseException] = []

    def part(what: str, check, *args) -> None:
        try:
            lines.append(check(*args))
        except Exception as exc:  # noqa: BLE001 - every part is tried and reported
            errors.append(exc)
            lines.append(f"{what}失败：{type(exc).__name__}: {exc}")

    part("版本", _versions, app)
    part("中文翻译", _translation, app)
    part("程序图标", _icon, app)
    part("字体", _font, app)
    context = window = None
    try:
        context = AppContext(db_path)
        window = create_main_window(context)
        window.build_all_pages()  # built on first use in the app: every page here, so that none fails unseen
        titles = [window.navigation.item(row).text() for row in range(window.navigation.count())]
        lines.append(f"主窗口建成，{window.stack.count()} 个页面（{'、'.join(titles)}）")
    except Exception as exc:  # noqa: BLE001
        errors.append(exc)
        lines.append(f"主窗口失败：{type(exc).__name__}: {exc}")
    if context is not None:
        part("打印", _printing, context.db)
    try:
        if window is not None:
            _close_window(window)
    finally:
        if context is not None:
            context.close()
    if errors:
        details = "；".join(lines)
        first = errors[0]
        tail = "".join(traceback.format_exception_only(first)).strip()
        raise GuiCheckFailed(f"{details}（首个错误：{tail}）") from first
    return lines
