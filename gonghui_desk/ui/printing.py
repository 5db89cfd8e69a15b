"""Printing a :class:`~gonghui_desk.printing.PrintTable` or a :class:`~gonghui_desk.printing.PrintForm`:
print preview, and PDF files.

The table's HTML (:func:`gonghui_desk.printing.to_html`) is laid out by a QTextDocument in
pages of the body's size, at 96 dpi, and painted page by page onto the printer, scaled to its
resolution. Qt would cut a row in two at a page break, so the table is first laid out on one
endless page to find the rows that must start a page (:func:`page_starts`); the HTML then
holds one table per page, each with its header row. Around each page's body this module
draws what QTextDocument does not: the union's name and the date at the top, and
"第 N 页，共 M 页" at the bottom. PDF files get their text map corrected so that the Chinese
in them can be searched and copied (:func:`fix_text_mapping`).

A form (:func:`gonghui_desk.printing.form_to_html`) is laid out the same way; its blocks are
kept whole: a block that would run over a page break and fits on a page starts the next page
(:func:`form_page_breaks`), and only a block taller than a page is broken by QTextDocument.

A print job may hold several documents (a session's 提案表, one form per proposal): each starts on a
new page, in its own page frame, and its pages are numbered on their own ("第 1 页，共 2 页" on the
two pages of one form), since each form is a paper of its own once printed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (QFont, QFontDatabase, QImage, QPageLayout, QPageSize, QPagedPaintDevice, QPainter,
                           QPdfWriter, QPen, QRawFont, QTextDocument, QTextTable)
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from gonghui_desk import APP_TITLE
from gonghui_desk.errors import UserError
from gonghui_desk.exporting.xlsx import check_folder
from gonghui_desk.jobs import IsCancelled, check_cancel
from gonghui_desk.printing import (CELL_PADDING_PX, FONT_FAMILIES, LAYOUT_DPI, FormParagraph, PrintForm, PrintTable,
                                   form_texts, form_to_html, mm_to_px, row_paddings, to_html)

PAGE_MARGINS_MM = QMarginsF(15, 12, 15, 12)  # left, top, right, bottom
HEADER_MM = 9  # the union's name and the date, over a thin rule
FOOTER_MM = 8  # the page number
HEADER_FONT_PT = 9
# Kept free at the foot of a page below a row's bottom: Qt breaks a cell's last line to the next
# page unless the table's cell padding and border fit under it too (9 px, measured), plus rounding.
PAGE_SLACK_PX = 12
RADICAL_CODES = range(0x2E80, 0x2FE0)  # CJK Radicals Supplement and Kangxi Radicals
_TO_UNICODE = re.compile(rb"/CIDInit /ProcSet findresource begin.*?endcmap", re.S)
_CMAP_TARGETS = re.compile(rb"\[[^\]]*\]|<([0-9A-F]{4})> <\1> <[0-9A-F]{4}>")
_HEX_CODE = re.compile(rb"<([0-9A-F]{4})>")

Printable = PrintTable | PrintForm
PrintJob = Printable | Sequence[Printable]  # one document, or several printed one after the other


def documents(job: PrintJob) -> list[Printable]:
    """The documents of a print job, in order; raises UserError for a job without any."""
    docs = [job] if isinstance(job, (PrintTable, PrintForm)) else list(job)
    if not docs:
        raise UserError("没有可打印的内容。")
    return docs


def job_title(job: PrintJob) -> str:
    """The title of a job: its document's, or the first one's with the count ("…提案表（共 12 份）")."""
    docs = documents(job)
    return docs[0].title if len(docs) == 1 else f"{docs[0].title}（共 {len(docs)} 份）"


def page_layout(doc: PrintJob) -> QPageLayout:
    """A4 in the orientation of the document (of a job's first document)."""
    doc = documents(doc)[0]
    orientation = QPageLayout.Landscape if doc.landscape else QPageLayout.Portrait
    return QPageLayout(QPageSize(QPageSize.A4), orientation, PAGE_MARGINS_MM, QPageLayout.Millimeter)


def _layout_device() -> QImage:
    """A tiny image of 96 dpi: the document is laid out for it, whatever the screen is."""
    image = QImage(1, 1, QImage.Format_RGB32)
    dots_per_metre = round(LAYOUT_DPI / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    return image


def _font(pixel_size: float, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(list(FONT_FAMILIES))
    font.setPixelSize(round(pixel_size))
    font.setBold(bold)
    return font


def _document(html: str, width: float, device: QImage) -> QTextDocument:
    document = QTextDocument()
    document.documentLayout().setPaintDevice(device)
    document.setUseDesignMetrics(True)
    document.setDocumentMargin(0)
    document.setTextWidth(width)
    document.setHtml(html)
    return document


def page_starts(table: PrintTable, width: float, body_height: float, device: QImage) -> list[int]:
    """The rows (indexes into ``table.rows``) that must begin a page so that no row is split.

    The table is laid out once on an endless page; a row's top and bottom are those of its
    cells' text, less and plus each cell's padding (cells are centred in their row, so the
    tallest cell gives the row's extent).
    """
    document = _document(to_html(table), width, device)
    layout = document.documentLayout()
    grid = next(frame for frame in document.rootFrame().childFrames() if isinstance(frame, QTextTable))
    paddings = row_paddings(table)

    def extent(row: int) -> tuple[float, float]:
        pads = paddings if row else [CELL_PADDING_PX] * grid.columns()
        cells = [grid.cellAt(row, column) for column in range(grid.columns())]
        top = min(layout.blockBoundingRect(cell.firstCursorPosition().block()).top() - pad
                  for cell, pad in zip(cells, pads))
        bottom = max(layout.blockBoundingRect(cell.lastCursorPosition().block()).bottom() + pad
                     for cell, pad in zip(cells, pads))
        return top, bottom

    extents = [extent(row) for row in range(grid.rows())]
    header_top, header_bottom = extents[0]
    # On a new page the table starts at the top, after its margin and the repeated header.
    lead = grid.format().topMargin() + (header_bottom - header_top) + PAGE_SLACK_PX
    limit = body_height - PAGE_SLACK_PX
    starts, page_origin, first_on_page = [], 0.0, 1
    for row in range(1, grid.rows()):
        top, bottom = extents[row]
        if bottom - page_origin > limit and row > first_on_page:  # a row taller than a page stays split
            starts.append(row - 1)
            page_origin, first_on_page = top - lead, row
    # The totals and the 制表人 line go with the last row: never alone on a page of their own.
    last = grid.rows() - 1
    end = layout.blockBoundingRect(document.lastBlock()).bottom()
    if last > first_on_page and end - page_origin > limit:
        starts.append(last - 1)
    return starts


def form_page_breaks(form: PrintForm, width: float, body_height: float, device: QImage) -> list[int]:
    """The blocks (indexes into ``form.blocks``) that must begin a page so that no block that
    fits on a page is broken; the last table is kept with what follows it (a closing note, the
    footer line). The form is laid out in pages; the first block that runs over a page break
    is moved to the next page, and the layout is done again, until none does."""
    tables = [number for number, block in enumerate(form.blocks) if not isinstance(block, FormParagraph)]

    def extents(document: QTextDocument) -> list[tuple[float, float]]:
        """Each table's top and bottom (the end of the text for the last)."""
        layout = document.documentLayout()
        rects = [layout.frameBoundingRect(frame) for frame in document.rootFrame().childFrames()
                 if isinstance(frame, QTextTable)]
        ends = [rect.bottom() for rect in rects[:-1]] + [layout.blockBoundingRect(document.lastBlock()).bottom()]
        return [(rect.top(), end) for rect, end in zip(rects, ends)]

    heights = [bottom - top for top, bottom in extents(_document(form_to_html(form), width, device))]
    breaks: list[int] = []
    for _ in tables:
        document = _document(form_to_html(form, page_breaks=breaks), width, device)
        document.setPageSize(QSizeF(width, body_height))
        for number, (top, bottom), height in zip(tables, extents(document), heights):
            runs_over = int(top // body_height) != int((bottom - 1) // body_height)
            if runs_over and number and number not in breaks and height <= body_height - PAGE_SLACK_PX:
                breaks.append(number)
                break
        else:
            break
    return sorted(breaks)


def _body_size(device: QPagedPaintDevice) -> tuple[float, float, float]:
    """The page's width and height and the body's height, in layout pixels."""
    scale = device.resolution() / LAYOUT_DPI
    paint_rect = device.pageLayout().paintRectPixels(device.resolution())
    width, height = paint_rect.width() / scale, paint_rect.height() / scale
    return width, height, height - mm_to_px(HEADER_MM) - mm_to_px(FOOTER_MM)


def _laid_out(device: QPagedPaintDevice, doc: Printable) -> QTextDocument:
    """The document of a table or a form laid out for the device's page (no row or block cut)."""
    width, _, body_height = _body_size(device)
    layout_device = _layout_device()
    if isinstance(doc, PrintForm):
        html = form_to_html(doc, page_breaks=form_page_breaks(doc, width, body_height, layout_device))
    else:
        html = to_html(doc, page_starts=page_starts(doc, width, body_height, layout_device))
    return _document(html, width, layout_device)


def paint_table(device: QPagedPaintDevice, table: PrintTable) -> int:
    """Paint ``table`` on a printer or PDF writer (its page layout already set); returns the page count."""
    return paint_documents(device, [table])[0]


def paint_form(device: QPagedPaintDevice, form: PrintForm) -> int:
    """Paint ``form`` on a printer or PDF writer (its page layout already set); returns the page count."""
    return paint_documents(device, [form])[0]


def paint(device: QPagedPaintDevice, doc: PrintJob) -> int:
    """Paint a table, a form, or several of them one after the other; returns the page count (all pages)."""
    return sum(paint_documents(device, documents(doc)))


def paint_documents(device: QPagedPaintDevice, docs: Sequence[Printable],
                    is_cancelled: IsCancelled | None = None) -> list[int]:
    """Paint ``docs`` one after the other on a printer or PDF writer (its page layout set for the first),
    each starting on a new page in its own page frame (and, in a job that mixes them, its own
    orientation); returns each one's page count.
    ``is_cancelled()`` is checked between documents (stopping with :class:`~gonghui_desk.errors.Cancelled`)."""
    docs = list(docs)
    mixed = len({doc.landscape for doc in docs}) > 1  # else the page set up (in the preview, too) is kept
    counts: list[int] = []
    painter = QPainter()
    if not painter.begin(device):
        raise UserError("无法开始打印：打印机或文件不可用。请检查打印机，或关闭正在打开该文件的程序后重试。")
    try:
        scale = device.resolution() / LAYOUT_DPI
        painter.scale(scale, scale)
        for number, doc in enumerate(docs):
            check_cancel(is_cancelled)
            if number:
                if mixed and doc.landscape != docs[number - 1].landscape:
                    device.setPageLayout(page_layout(doc))  # takes effect on the new page
                device.newPage()
            counts.append(_paint_pages(painter, device, doc, _laid_out(device, doc)))
    finally:
        painter.end()
    return counts


def _paint_pages(painter: QPainter, device: QPagedPaintDevice, doc: Printable, document: QTextDocument) -> int:
    """Paint ``document`` in pages of the body's size, each in the page frame of ``doc``, the first on the
    device's current page; returns the page count."""
    width, height, body_height = _body_size(device)
    header = mm_to_px(HEADER_MM)
    document.setPageSize(QSizeF(width, body_height))
    pages = document.pageCount()
    for page in range(pages):
        if page:
            device.newPage()
        _draw_page_frame(painter, doc, page + 1, pages, width, height)
        painter.save()
        painter.translate(0, header - page * body_height)
        document.drawContents(painter, QRectF(0, page * body_height, width, body_height))
        painter.restore()
    return pages


def _draw_page_frame(painter: QPainter, doc: Printable, page: int, pages: int, width: float,
                     height: float) -> None:
    header, footer = mm_to_px(HEADER_MM), mm_to_px(FOOTER_MM)
    painter.setFont(_font(HEADER_FONT_PT / 72 * LAYOUT_DPI))
    painter.setPen(QPen(Qt.black, 0.75))
    text_box = QRectF(0, 0, width, header - 6)
    painter.drawText(text_box, Qt.AlignLeft | Qt.AlignBottom, doc.union_name)
    painter.drawText(text_box, Qt.AlignRight | Qt.AlignBottom, doc.date_text)
    painter.drawLine(0, int(header - 3), int(width), int(header - 3))
    painter.drawText(QRectF(0, height - footer, width, footer), Qt.AlignHCenter | Qt.AlignBottom,
                     f"第 {page} 页，共 {pages} 页")


# --- searchable PDF text ------------------------------------------------------------------------------
def _job_texts(docs: Sequence[Printable], counts: Sequence[int]) -> str:
    """Every text drawn on the pages of a job."""
    return "".join(_page_texts(doc, pages) for doc, pages in zip(docs, counts))


def _page_texts(table: Printable, pages: int) -> str:
    """Every text drawn on the pages."""
    frames = [f"第 {page} 页，共 {pages} 页" for page in range(1, pages + 1)]
    if isinstance(table, PrintForm):
        return "".join([*form_texts(table), *frames])
    cells = (cell for row in table.rows for cell in row)
    return "".join([table.title, table.union_name, table.date_text, table.footer_line, *table.subtitle_lines,
                    *table.total_lines, *(c.label for c in table.columns), *cells, *frames])


def radical_equivalents(text: str) -> dict[bytes, bytes]:
    """Hex code of a CJK radical -> hex code of the ideograph of ``text`` that the document's
    Chinese fonts draw with the same glyph (⼀ U+2F00 and 一 U+4E00 in Noto/Source Han)."""
    ideographs = sorted({ch for ch in text if "\u4e00" <= ch <= "\u9fff"})
    radicals = "".join(map(chr, RADICAL_CODES))
    equivalents: dict[bytes, bytes] = {}
    for bold in (False, True):
        raw = QRawFont.fromFont(_font(16, bold=bold), QFontDatabase.SimplifiedChinese)
        by_glyph = dict(zip(raw.glyphIndexesForString("".join(ideographs)), ideographs))
        for radical, glyph in zip(radicals, raw.glyphIndexesForString(radicals)):
            if glyph and glyph in by_glyph:
                equivalents.setdefault(b"%04X" % ord(radical), b"%04X" % ord(by_glyph[glyph]))
    return equivalents


def fix_text_mapping(pdf: bytes, equivalents: dict[bytes, bytes]) -> bytes:
    """Make copied and searched text read 一车间 instead of ⼀⻋间.

    A PDF says which character each glyph stands for in a ToUnicode map. Qt writes, for a glyph
    that a font shares between an ideograph and a radical, the lower code point: the radical.
    The maps are uncompressed and every code is four hex digits, so swapping codes changes
    no length and no offset in the file.
    """
    def swap(code: re.Match) -> bytes:
        return b"<" + equivalents.get(code[1], code[1]) + b">"

    def targets(entry: re.Match) -> bytes:
        if entry[0].startswith(b"["):  # an array of codes, one per glyph
            return _HEX_CODE.sub(swap, entry[0])
        return entry[0][:-6] + _HEX_CODE.sub(swap, entry[0][-6:])  # <glyph> <glyph> <code>

    return _TO_UNICODE.sub(lambda cmap: _CMAP_TARGETS.sub(targets, cmap[0]), pdf) if equivalents else pdf


# --- preview and PDF ---------------------------------------------------------------------------------
class TablePrintPreview(QPrintPreviewDialog):
    """The print preview of one table or form, or of several one after the other (``table`` is a
    :data:`PrintJob`), on A4 in the (first) document's orientation; ``documents`` lists them."""

    def __init__(self, table: PrintJob, parent: QWidget | None = None):
        self.documents = documents(table)
        self.printer = QPrinter(QPrinter.HighResolution)
        self.printer.setPageLayout(page_layout(table))
        self.printer.setDocName(job_title(table))
        super().__init__(self.printer, parent)
        self.table = table
        self.setWindowTitle(f"打印预览 - {job_title(table)}")
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.paintRequested.connect(self._paint)

    def _paint(self, printer: QPrinter) -> None:
        if len({doc.landscape for doc in self.documents}) > 1:
            printer.setPageLayout(page_layout(self.documents[0]))  # painting a mixed job left the last one's
        paint_documents(printer, self.documents)


PrintPreview = TablePrintPreview


def print_preview(parent: QWidget | None, table: PrintJob) -> TablePrintPreview:
    """Open the print preview of ``table``: a :class:`PrintTable`, a :class:`PrintForm`, or a
    sequence of them (a session's 提案表), each starting on a new page (window-modal; printing goes
    from its 打印 button). An empty sequence raises UserError."""
    dialog = TablePrintPreview(table, parent)
    dialog.open()
    return dialog


def print_to_pdf(table: PrintJob, path: str | Path, *, is_cancelled: IsCancelled | None = None) -> int:
    """Write ``table`` (a :class:`PrintTable`, a :class:`PrintForm`, or a sequence of them, each
    starting on a new page) as a PDF file at ``path``; returns the number of pages (of all of
    them). The file appears only when it is complete; its text can be searched and copied.
    ``is_cancelled()`` is checked between documents; a cancel leaves no file."""
    docs = documents(table)
    path = Path(path)
    check_folder(path)
    partial = path.with_name(path.name + ".part")
    writer = QPdfWriter(str(partial))
    writer.setPageLayout(page_layout(docs[0]))
    writer.setTitle(job_title(table))
    writer.setCreator(APP_TITLE)
    try:
        try:
            counts = paint_documents(writer, docs, is_cancelled)
        finally:
            del writer  # closes the file
        pages = sum(counts)
        partial.write_bytes(fix_text_mapping(partial.read_bytes(), radical_equivalents(_job_texts(docs, counts))))
        os.replace(partial, path)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise UserError(f"无法保存“{path.name}”：{exc.strerror or exc}。请关闭正在打开该文件的程序后重试。") from exc
        raise
    return pages
