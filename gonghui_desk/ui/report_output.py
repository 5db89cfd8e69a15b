"""Putting out a summary report: Word (.docx), PDF and print with a preview.

The Word file is written by :func:`gonghui_desk.documents.write_docx` and the PDF by
:func:`gonghui_desk.documents.pdf_writer.write_pdf` (an embedded CJK font), each on a worker with a
progress dialog and 取消 (:func:`gonghui_desk.ui.exports.run_export`). Printing lays the document out in a
``QTextDocument`` the way the official layout asks (DOMAIN.md §4: A4, text block 156 × 225 mm from 37 mm
at the top and 28 mm at the left, 16 pt body, 22 lines a page, "— 1 —" page numbers 7 mm under the text,
odd pages on the right and even pages on the left) and shows it in a print preview
(:class:`ReportPrintPreview`).
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QMarginsF, QObject, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QImage, QPageLayout, QPageSize, QPagedPaintDevice, QPainter, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from gonghui_desk.documents import Document, write_docx
from gonghui_desk.errors import UserError
from gonghui_desk.jobs import check_cancel
from gonghui_desk.ui.exports import ask_save_path, run_export
from gonghui_desk.ui.report_text import PRINT, TITLE_FONTS, fill_text_document
from gonghui_desk.ui.workers import Job, show_error

__all__ = ["ReportOutputs", "ReportPrintPreview", "default_file_name", "paint_report", "print_text_document",
           "write_report"]

LAYOUT_DPI = 96
TEXT_LEFT_MM, TEXT_TOP_MM = 28.0, 37.0
TEXT_WIDTH_MM, TEXT_HEIGHT_MM = 156.0, 225.0
PAGE_NUMBER_GAP_MM = 7.0
PAGE_NUMBER_PT = 14  # 4号
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def mm(value: float) -> float:
    """Millimetres in the layout's pixels (96 dpi)."""
    return value / 25.4 * LAYOUT_DPI


def default_file_name(document: Document, suffix: str) -> str:
    name = _UNSAFE.sub("", document.title or "") or "工作总结"
    return f"{name}{suffix}"


def write_report(document: Document, path: Path, db=None, progress=None, is_cancelled=None) -> Path:
    """Write ``document`` to ``path`` as .docx or .pdf (by its suffix); a job for ``run_export``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if progress is not None:
        progress(0, 0, "正在写入Word文档…" if suffix == ".docx" else "正在写入PDF文件…")
    check_cancel(is_cancelled)
    if suffix == ".docx":
        return write_docx(document, path)
    if suffix == ".pdf":
        try:
            from gonghui_desk.documents.pdf_writer import write_pdf
        except ImportError as exc:  # pragma: no cover - the PDF writer is part of the app
            raise UserError("本版本还不能导出PDF文件。") from exc
        write_pdf(document, path)
        return path
    raise UserError(f"不能导出为“{suffix}”文件，请选择 .docx 或 .pdf。")


# --- printing ---------------------------------------------------------------------------------------------
def _layout_device() -> QImage:
    image = QImage(4, 4, QImage.Format_RGB32)
    dots = round(LAYOUT_DPI / 0.0254)
    image.setDotsPerMeterX(dots)
    image.setDotsPerMeterY(dots)
    return image


def print_text_document(document: Document) -> QTextDocument:
    """``document`` laid out in pages of the official text block (no figure marks, numbers as text)."""
    qdoc = QTextDocument()
    device = _layout_device()
    qdoc.documentLayout().setPaintDevice(device)
    qdoc.setDocumentMargin(0)
    qdoc._device = device  # kept alive with the document
    fill_text_document(qdoc, document, PRINT)
    qdoc.setPageSize(QSizeF(mm(TEXT_WIDTH_MM), mm(TEXT_HEIGHT_MM)))
    return qdoc


def paint_report(device: QPagedPaintDevice, document: Document) -> int:
    """Paint ``document`` on a printer or PDF writer page by page; returns the number of pages."""
    device.setPageLayout(QPageLayout(QPageSize(QPageSize.A4), QPageLayout.Portrait, QMarginsF(0, 0, 0, 0),
                                     QPageLayout.Millimeter))
    qdoc = print_text_document(document)
    width, height = mm(TEXT_WIDTH_MM), mm(TEXT_HEIGHT_MM)
    pages = max(qdoc.pageCount(), 1)
    resolution = device.resolution()
    paint_rect = device.pageLayout().paintRectPixels(resolution)
    scale = resolution / LAYOUT_DPI
    number_font = QFont()
    number_font.setFamilies(TITLE_FONTS)
    number_font.setPixelSize(round(PAGE_NUMBER_PT * LAYOUT_DPI / 72))
    painter = QPainter(device)
    try:
        for page in range(pages):
            if page:
                device.newPage()
            painter.save()
            painter.translate(-paint_rect.left(), -paint_rect.top())
            painter.scale(scale, scale)
            painter.save()
            painter.translate(mm(TEXT_LEFT_MM), mm(TEXT_TOP_MM) - page * height)
            qdoc.drawContents(painter, QRectF(0, page * height, width, height))
            painter.restore()
            painter.setFont(number_font)
            text = f"— {page + 1} —"
            top = mm(TEXT_TOP_MM + TEXT_HEIGHT_MM + PAGE_NUMBER_GAP_MM)
            box = QRectF(mm(TEXT_LEFT_MM + 5.6), top, width - mm(2 * 5.6), mm(8))  # 一字 in from the side
            painter.drawText(box, (Qt.AlignRight if page % 2 == 0 else Qt.AlignLeft) | Qt.AlignTop, text)
            painter.restore()
    finally:
        painter.end()
    return pages


class ReportPrintPreview(QPrintPreviewDialog):
    """The print preview of a report on A4 (printing goes from its 打印 button)."""

    def __init__(self, document: Document, parent: QWidget | None = None):
        self.printer = QPrinter(QPrinter.HighResolution)
        self.printer.setPageLayout(QPageLayout(QPageSize(QPageSize.A4), QPageLayout.Portrait, QMarginsF(0, 0, 0, 0)))
        self.printer.setDocName(document.title or "工作总结")
        super().__init__(self.printer, parent)
        self.document = document
        self.pages = 0
        self.setWindowTitle(f"打印预览 - {document.title or '工作总结'}")
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.paintRequested.connect(self._paint)
        self.resize(900, 1000)

    def _paint(self, printer: QPrinter) -> None:
        self.pages = paint_report(printer, self.document)


class ReportOutputs(QObject):
    """导出Word…, 导出PDF… and 打印… of the document ``document_of()`` gives, over ``view``.

    The running exports are kept (``word_job``, ``pdf_job``) and the preview as ``preview_dialog``."""

    def __init__(self, view: QWidget, context, document_of: Callable[[], Document]):
        super().__init__(view)
        self.view, self.context, self.document_of = view, context, document_of
        self.word_job: Job | None = None
        self.pdf_job: Job | None = None
        self.preview_dialog: ReportPrintPreview | None = None
        self.last_path: Path | None = None

    def jobs(self) -> list[Job]:
        return [job for job in (self.word_job, self.pdf_job) if job is not None]

    def _document(self) -> Document | None:
        document = self.document_of()
        if document is None or (not document.title and not document.blocks):
            show_error(self.view, "导出", UserError("草稿是空的，没有可导出的内容。"))
            return None
        return document

    def ask_word(self) -> Job | None:
        return self._ask(".docx", "导出Word文档")

    def ask_pdf(self) -> Job | None:
        return self._ask(".pdf", "导出PDF文件")

    def _ask(self, suffix: str, title: str) -> Job | None:
        document = self._document()
        if document is None:
            return None
        path = ask_save_path(self.view, title, Path.home() / default_file_name(document, suffix))
        if path is None:
            return None
        return self.export_to(path, document)

    def export_to(self, path: Path, document: Document | None = None) -> Job | None:
        """Write the document to ``path`` (.docx or .pdf) on a worker with progress and 取消."""
        document = document if document is not None else self._document()
        if document is None:
            return None
        path = Path(path)
        word = path.suffix.lower() == ".docx"
        self.last_path = path
        job = run_export(self.view, self.context, "正在导出Word文档…" if word else "正在导出PDF文件…", path,
                         partial(write_report, document, path), _done_text_word if word else _done_text_pdf)
        if word:
            self.word_job = job
        else:
            self.pdf_job = job
        return job

    def print_preview(self) -> ReportPrintPreview | None:
        document = self._document()
        if document is None:
            return None
        try:
            dialog = ReportPrintPreview(document, self.view)
        except Exception as exc:  # a printer driver's fault: say so, keep the draft
            show_error(self.view, "打印", exc)
            return None
        self.preview_dialog = dialog
        dialog.open()
        return dialog


def _done_text_word(result) -> str:
    return "已导出Word文档"


def _done_text_pdf(result) -> str:
    return "已导出PDF文件"
