"""Charts in the report's appendix: which tables offer one, what the bars show, and that the Word file, the
PDF and the printout carry the picture; the option off leaves none; drafts and the editor keep a table's
chart."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import pytest
from docx import Document as read_docx
from PIL import Image

from gonghui_desk import modules
from gonghui_desk.db import open_database
from gonghui_desk.demo import generate_demo
from gonghui_desk.documents import ChartSpec, Document, Paragraph, Table
from gonghui_desk.documents.charts import CHART_WIDTH_MM, DPI, chart_font, chart_items, chart_png
from gonghui_desk.documents.docx_writer import write_docx
from gonghui_desk.documents.pdf_writer import write_pdf
from gonghui_desk.reports.builder import build_report
from gonghui_desk.reports.drafts import document_from_json, document_to_json
from gonghui_desk.reports.model import ReportOptions, ReportRequest
from gonghui_desk.reports.periods import year_period

from conftest import TODAY

MONTHS = Table(("慰问月份", "人次", "金额（元）"),
               [("2026年1月", "8", "5500"), ("2026年2月", "70", "43350"), ("2026年3月", "0", "0"),
                ("合计", "78", "48850")], ChartSpec(1, "各月慰问人次"))

needs_font = pytest.mark.skipif(chart_font() is None, reason="no Chinese font to draw charts with")


def test_the_bars_are_the_rows_without_the_total_and_months_lose_their_year():
    assert chart_items(MONTHS) == [("1月", 8.0), ("2月", 70.0), ("3月", 0.0)]
    categories = Table(("类别", "收到", "立案率"), [("教学", "5", "80%"), ("后勤", "—", "—"), ("总计", "5", "")],
                       ChartSpec(1, "各类别提案件数"))
    assert chart_items(categories) == [("教学", 5.0)]  # "—" is not a number; 总计 is a total
    two_years = Table(("月份", "新入会"), [("2025年12月", "1"), ("2026年1月", "2")], ChartSpec(1, "新入会"))
    assert [label for label, _v in chart_items(two_years)] == ["2025年12月", "2026年1月"]
    assert chart_items(Table(("月份", "人次"), [("1月", "3")])) == []  # no chart asked for


@needs_font
def test_the_picture_is_a_png_of_the_printed_width():
    picture = chart_png(MONTHS)
    image = Image.open(io.BytesIO(picture))
    assert image.format == "PNG" and image.width == int(CHART_WIDTH_MM * DPI / 25.4)
    # bars in the accent colour are drawn
    assert (200, 85, 61) in {pixel for _count, pixel in image.getcolors(1_000_000)}
    one_bar = Table(MONTHS.header, MONTHS.rows[:1], MONTHS.chart)
    nothing = Table(MONTHS.header, [("2026年1月", "0", "0"), ("2026年2月", "0", "0")], MONTHS.chart)
    assert chart_png(one_bar) is None and chart_png(nothing) is None  # a chart of one bar or of zeros says nothing


@needs_font
def test_word_and_pdf_carry_the_chart_under_its_table(tmp_path):
    doc = Document(title="图表", blocks=[Paragraph("正文。"), MONTHS, Table(("项目", "数量"), [("甲", "1"), ("乙", "2")])])
    docx_path = write_docx(doc, tmp_path / "a.docx")
    word = read_docx(str(docx_path))
    assert len(word.inline_shapes) == 1  # only the table with a chart gets one
    shape = word.inline_shapes[0]
    assert abs(shape.width.mm - CHART_WIDTH_MM) < 0.5
    body = [child.tag.rsplit("}", 1)[1] for child in word.element.body.iterchildren()]
    first_table = body.index("tbl")
    picture_paragraph = word.element.body[first_table + 1]
    assert picture_paragraph.xpath(".//pic:pic")  # right after the table
    with zipfile.ZipFile(docx_path) as archive:
        assert any(name.startswith("word/media/") and name.endswith(".png") for name in archive.namelist())
    pdf_path = write_pdf(doc, tmp_path / "a.pdf")
    if shutil.which("pdfimages"):
        listing = subprocess.run(["pdfimages", "-list", str(pdf_path)], capture_output=True, text=True).stdout
        assert len(listing.splitlines()[2:]) >= 1
    else:
        assert b"/Subtype /Image" in pdf_path.read_bytes()


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    modules.load()
    db = open_database(tmp_path_factory.mktemp("charts") / "company.sqlite3")
    generate_demo(db, kind="company", members=400, seed=3, today=TODAY)
    yield db
    db.conn.close()


def _tables(doc):
    return [b for b in doc.blocks if isinstance(b, Table)]


def test_the_option_decides_whether_the_appendix_tables_carry_charts(company):
    request = ReportRequest("annual", year_period(2026), options=ReportOptions(appendix=True))
    without = build_report(company, request, today=TODAY)
    assert _tables(without) and not any(t.chart for t in _tables(without))
    charted = build_report(company, ReportRequest("annual", year_period(2026),
                                                  options=ReportOptions(appendix=True, charts=True)), today=TODAY)
    titles = [t.chart.title for t in _tables(charted) if t.chart]
    assert {"各月慰问人次", "各类慰问人次", "各类帮扶金额（元）", "各月新入会会员人数"} <= set(titles)
    for table in (t for t in _tables(charted) if t.chart):
        # the bars are the table's own numbers: the chart cannot disagree with the table
        header = table.header[table.chart.column]
        assert re.search("人次|件|户|人数|金额|收到|会", header), header
        column = [row[table.chart.column] for row in table.rows if row[0] not in ("合计", "总计", "小计")]
        assert [v for _l, v in chart_items(table)] == [float(c) for c in column if re.fullmatch(r"[0-9.]+", c)]


def test_a_draft_keeps_a_tables_chart():
    doc = Document(title="草稿", blocks=[MONTHS, Table(("a", "b"), [("1", "2")])])
    again = document_from_json(document_to_json(doc))
    assert again.blocks == doc.blocks and again.blocks[0].chart == ChartSpec(1, "各月慰问人次")


def test_the_editor_keeps_a_tables_chart_and_printing_draws_it(qtbot):
    from PySide6.QtGui import QTextDocument

    from gonghui_desk.ui.report_text import PRINT, SCREEN, fill_text_document, read_text_document

    doc = Document(title="草稿", blocks=[Paragraph("正文。"), MONTHS])
    qdoc = QTextDocument()
    fill_text_document(qdoc, doc, SCREEN)
    back = read_text_document(qdoc).document
    assert back.blocks[1] == MONTHS  # rows and chart both kept
    printed = QTextDocument()
    fill_text_document(printed, doc, PRINT)
    images = [f for f in _char_formats(printed) if f.isImageFormat()]
    assert len(images) == (1 if chart_font() is not None else 0)


def _char_formats(qdoc):
    block = qdoc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            yield it.fragment().charFormat()
            it += 1
        block = block.next()
