"""Print jobs of several documents (a session's 提案表): each starts on a new page in its own frame and page
numbers, mixed orientations, the preview, cancelling; and the signed boxes of a form (FormCell footer)."""

from __future__ import annotations

import re
import subprocess

import pytest

from gonghui_desk.errors import Cancelled, UserError
from gonghui_desk.printing import FormCell, FormGrid, form_texts, form_to_html, label_cell
from tests.test_printing import needs_pdftotext, pdf_text, sample_form, small_table, tall_grid


def page_sizes(path) -> list[str]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(path)], capture_output=True, text=True).stdout
    return re.findall(r"Page\s+\d+ size:\s+(\d+(?:\.\d+)? x \d+(?:\.\d+)?)", info)


def three_forms():
    """A one-page form, a two-page form (two tall blocks) and a one-page form."""
    return [sample_form([tall_grid("甲", 3)], title="提案表一", date_text="编号：001"),
            sample_form([tall_grid("乙", 20), tall_grid("丙", 20)], title="提案表二", date_text="编号：002"),
            sample_form([tall_grid("丁", 2)], title="提案表三", date_text="编号：003")]


@needs_pdftotext
def test_each_form_of_a_job_starts_a_page_and_numbers_its_own_pages(qapp, tmp_path):
    from gonghui_desk.ui.printing import print_to_pdf

    path = tmp_path / "提案表.pdf"
    pages = print_to_pdf(three_forms(), path)

    assert pages == 4
    assert "Pages:           4" in subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    texts = [pdf_text(path, page) for page in range(1, 5)]
    assert "提案表一" in texts[0] and "甲3" in texts[0] and "乙" not in texts[0]  # the short form has its page
    assert "第 1 页，共 1 页" in texts[0] and "编号：001" in texts[0]
    assert "提案表二" in texts[1] and "第 1 页，共 2 页" in texts[1] and "编号：002" in texts[1]
    assert "丙20" in texts[2] and "第 2 页，共 2 页" in texts[2] and "编号：002" in texts[2]
    assert "提案表三" in texts[3] and "丁2" in texts[3] and "第 1 页，共 1 页" in texts[3] and "丙" not in texts[3]
    assert all("测试工会" in text for text in texts)
    assert not path.with_name(path.name + ".part").exists()
    title = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "提案表一（共 3 份）" in title


@needs_pdftotext
def test_a_job_keeps_each_documents_orientation(qapp, tmp_path):
    from gonghui_desk.ui.printing import print_to_pdf

    path = tmp_path / "混合.pdf"
    pages = print_to_pdf([small_table(landscape=True), sample_form([tall_grid("甲", 2)])], path)

    assert pages == 2
    assert [[round(float(n)) for n in size.split(" x ")] for size in page_sizes(path)] == [[842, 595], [595, 842]]
    assert "测试表" in pdf_text(path, 1) and "提案表" in pdf_text(path, 2)


def test_a_single_document_and_a_list_of_one_print_the_same(qapp, tmp_path):
    from gonghui_desk.ui.printing import documents, job_title, print_to_pdf

    form = sample_form([tall_grid("甲", 2)])
    assert documents(form) == [form] and documents([form]) == [form] and documents((form,)) == [form]
    assert job_title(form) == "提案表" and job_title([form, form]) == "提案表（共 2 份）"
    assert print_to_pdf(form, tmp_path / "a.pdf") == print_to_pdf([form], tmp_path / "b.pdf") == 1


def test_an_empty_job_is_refused(qapp, tmp_path):
    from gonghui_desk.ui.printing import print_preview, print_to_pdf

    with pytest.raises(UserError, match="没有可打印的内容"):
        print_to_pdf([], tmp_path / "x.pdf")
    with pytest.raises(UserError, match="没有可打印的内容"):
        print_preview(None, [])
    assert not (tmp_path / "x.pdf").exists()


def test_a_cancelled_job_leaves_no_file(qapp, tmp_path):
    from gonghui_desk.ui.printing import print_to_pdf

    calls = []

    def cancel_at_second() -> bool:
        calls.append(1)
        return len(calls) > 1

    path = tmp_path / "提案表.pdf"
    with pytest.raises(Cancelled):
        print_to_pdf(three_forms(), path, is_cancelled=cancel_at_second)
    assert len(calls) == 2  # checked before each document
    assert not path.exists() and not path.with_name(path.name + ".part").exists()


def test_the_preview_of_a_job_paints_every_document(qtbot, tmp_path):
    from PySide6.QtGui import QPageLayout
    from PySide6.QtWidgets import QWidget

    from gonghui_desk.ui.printing import paint, paint_documents, print_preview

    parent = QWidget()
    qtbot.addWidget(parent)
    forms = three_forms()
    dialog = print_preview(parent, forms)
    assert dialog.documents == forms and dialog.table is forms
    assert dialog.windowTitle() == "打印预览 - 提案表一（共 3 份）"
    assert dialog.printer.pageLayout().orientation() == QPageLayout.Portrait
    dialog.printer.setOutputFormat(dialog.printer.OutputFormat.PdfFormat)
    dialog.printer.setOutputFileName(str(tmp_path / "preview.pdf"))
    assert paint_documents(dialog.printer, dialog.documents) == [1, 2, 1]
    dialog.printer.setOutputFileName(str(tmp_path / "preview2.pdf"))
    assert paint(dialog.printer, forms) == 4
    dialog.close()


def test_a_box_with_a_footer_keeps_its_text_room_and_signature_line():
    grid = FormGrid([[label_cell("提案人\n意见"),
                      FormCell("□满意　□基本满意", colspan=2, valign="top", footer="签名：　　年　月　日", room_mm=20)],
                     [label_cell("答复"), FormCell("", colspan=2, footer="答复日期：2026-05-10")]], [1, 2, 2])
    form = sample_form([grid])

    html = form_to_html(form)

    room = re.search(r'<p align="right" style="margin-top: (\d+)px; margin-bottom: 0px; margin-right: 4px;">签名：　　年　月　日</p>', html)
    assert room and int(room[1]) == round(20 / 25.4 * 96)  # 20 mm of blank paper above the line
    assert '<p style="margin-top: 0px; margin-bottom: 0px;">□满意　□基本满意</p>' in html
    assert re.search(r'<p align="right" style="margin-top: 0px; margin-bottom: 0px; margin-right: 4px;">答复日期：2026-05-10</p>', html)
    texts = form_texts(form)
    assert texts.index("□满意　□基本满意") + 1 == texts.index("签名：　　年　月　日")
    assert "答复日期：2026-05-10" in texts


@needs_pdftotext
def test_a_job_of_one_orientation_keeps_the_paper_the_user_set_up(qtbot, tmp_path):
    from PySide6.QtGui import QPageLayout

    from gonghui_desk.ui.printing import paint_documents, print_preview

    dialog = print_preview(None, three_forms())
    printer = dialog.printer
    printer.setPageOrientation(QPageLayout.Landscape)  # as the preview's own buttons do
    printer.setOutputFormat(printer.OutputFormat.PdfFormat)
    path = tmp_path / "横向.pdf"
    printer.setOutputFileName(str(path))
    paint_documents(printer, dialog.documents)
    dialog.close()

    sizes = [[round(float(n)) for n in size.split(" x ")] for size in page_sizes(path)]
    assert len(sizes) >= 3 and all(width > height for width, height in sizes)
