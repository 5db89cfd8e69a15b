"""The document machinery (gonghui_desk.documents): heading numbers at every level and after dropped
sections, the plain-text editing form and its round trip, the wording of counts, rates and dates, the HTML
preview, and the Word file's layout read back with python-docx (DOMAIN.md §3, §4: GB/T 9704 page, fonts
by level incl. the East Asian font names, 22 lines of 28 characters, "— 1 —" page numbers)."""

from __future__ import annotations

import re
import zipfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from gonghui_desk.documents import (Document, Figure, Heading, Paragraph, Section, Table, compose, from_plain_text,
                                    heading_number, number_headings, parse_plain_text, strip_heading_number, to_html,
                                    to_plain_text, write_docx)
from gonghui_desk.documents.model import chinese_numeral
from gonghui_desk.documents.wording import (count_text, date_text, full_width_punctuation, is_complete, percent_text,
                                            rate_text)
from gonghui_desk.errors import UserError


def sample() -> Document:
    return Document(
        title="关于某某中学教代会第二次会议提案办理情况的报告",
        subtitle_lines=["——在第五届教代会第三次会议上", "（2026年11月22日）"],
        salutation="各位代表：",
        blocks=[Paragraph("受委托，现将情况报告如下。"),
                Heading(1, "提案的提出和审查情况"), Paragraph("共收到代表提案23件。"),
                Heading(2, "交办和答复"), Paragraph("答复率为58.8%（已答复10件÷立案17件）。"),
                Heading(3, "三级标题"), Heading(4, "四级标题"), Heading(4, "又一个四级标题"),
                Heading(3, "又一个三级标题"), Heading(2, "办理结果"),
                Table(["承办部门", "主办", "答复率"], [["总务处", "4", "75.0%"], ["教务处", "3", "100%"]]),
                Heading(1, "尚未办结的提案"), Paragraph("尚待交办的1件。")],
        signer="某某中学教代会提案工作委员会", date_text="2026年11月22日",
        figures=[Figure("收到提案", "23件", "本次会议登记的提案")])


# --- numbering -------------------------------------------------------------------------------------------
def test_headings_are_numbered_at_every_level():
    numbers = [n for n in number_headings(sample()) if n]
    assert numbers == ["一、", "（一）", "1.", "（1）", "（2）", "2.", "（二）", "二、"]
    # the number is never part of the stored text
    assert all(not b.text.startswith(("一", "（")) for b in sample().blocks if isinstance(b, Heading))
    assert number_headings([Paragraph("x")]) == [""]


def test_numbers_stay_consecutive_when_sections_are_dropped():
    blocks = sample().blocks
    without_first_level2 = [b for b in blocks if b not in (Heading(2, "交办和答复"),)]
    assert [n for n in number_headings(without_first_level2) if n] == ["一、", "1.", "（1）", "（2）", "2.", "（一）", "二、"]
    # compose leaves out sections without a body and numbers what is left
    sections = [Section("甲", [Paragraph("有内容")]),
                Section("乙（无数据）", [], [Section("乙的子节", [])]),
                Section("丙", [], [Section("丙一（无数据）"), Section("丙二", [Paragraph("有内容")]),
                                  Section("丙三", [Paragraph("有内容")], [Section("丙三之一", [Paragraph("x")])])]),
                Section("丁", [Paragraph("有内容")])]
    composed = compose(sections)
    titled = [(b.text, n) for b, n in zip(composed, number_headings(composed)) if isinstance(b, Heading)]
    assert titled == [("甲", "一、"), ("丙", "二、"), ("丙二", "（一）"), ("丙三", "（二）"), ("丙三之一", "1."),
                      ("丁", "三、")]
    assert compose([Section("空")]) == []


def test_a_new_level1_restarts_every_deeper_count():
    blocks = [Heading(1, "a"), Heading(2, "b"), Heading(3, "c"), Heading(1, "d"), Heading(3, "e"), Heading(2, "f")]
    assert number_headings(blocks) == ["一、", "（一）", "1.", "二、", "1.", "（一）"]


@pytest.mark.parametrize("n, text", [(1, "一"), (2, "二"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三"),
                                     (99, "九十九"), (100, "一百"), (105, "一百零五"), (110, "一百一十"),
                                     (999, "九百九十九"), (1000, "1000")])
def test_chinese_numerals(n, text):
    assert chinese_numeral(n) == text


def test_heading_number_formats_and_many_sections():
    assert [heading_number(level, 12) for level in (1, 2, 3, 4)] == ["十二、", "（十二）", "12.", "（12）"]
    twelve = [Heading(1, f"第{i}节") for i in range(12)]
    assert number_headings(twelve)[-3:] == ["十、", "十一、", "十二、"]


@pytest.mark.parametrize("typed, text, number", [
    ("二、加强民主管理", "加强民主管理", "二、"), ("（三）办理结果", "办理结果", "（三）"), ("(三) 办理结果", "办理结果", "(三)"),
    ("1. 交办", "交办", "1."), ("2、交办", "交办", "2、"), ("（4）评价", "评价", "（4）"), ("十一、其他", "其他", "十一、"),
    ("1.5万元的使用", "1.5万元的使用", ""), ("2026年工作", "2026年工作", ""), ("一、", "一、", ""),
    ("提案工作", "提案工作", "")])
def test_typed_heading_numbers_are_taken_off(typed, text, number):
    assert strip_heading_number(typed) == (text, number)


# --- plain text ------------------------------------------------------------------------------------------
def test_plain_text_shows_headings_with_markers_and_no_numbers():
    text = to_plain_text(sample())
    lines = text.splitlines()
    assert lines[:6] == ["标题：关于某某中学教代会第二次会议提案办理情况的报告", "副标题：——在第五届教代会第三次会议上",
                         "副标题：（2026年11月22日）", "称呼：各位代表：", "落款：某某中学教代会提案工作委员会",
                         "日期：2026年11月22日"]
    assert "# 提案的提出和审查情况" in lines and "## 交办和答复" in lines and "### 三级标题" in lines
    assert "#### 四级标题" in lines and "| 承办部门 | 主办 | 答复率 |" in lines and "| 总务处 | 4 | 75.0% |" in lines
    assert "一、" not in text


def test_plain_text_round_trip():
    doc = sample()
    back = from_plain_text(to_plain_text(doc))
    assert back.figures == []  # the figures are not part of the text
    back.figures = doc.figures
    assert back == doc
    # lines that would read as something else survive too
    tricky = Document("标题", blocks=[
        Paragraph("# 不是标题"), Paragraph("| 不是表格"), Paragraph("标题：不是标题行"), Paragraph("\\反斜杠开头"),
        Paragraph("日期：也不是"), Heading(2, "含|竖线的标题"), Table(["a|b", ""], [["c", "d\\e"], ["", "f"]]),
        Paragraph("表格后的段落")])
    assert from_plain_text(to_plain_text(tricky)) == tricky
    empty = Document("")
    assert from_plain_text(to_plain_text(empty)) == empty


def test_reading_edited_text_notes_what_it_changed():
    edited = "\n".join([
        "标题：新的标题", "称呼:各位代表：", "", "　　开头空两格的段落", "# 二、手写了编号的标题", "##### 太深的标题",
        "#", "| 甲 | 乙 |", "|---|---|", "| 1 |", "", "| 另一张 | 表 |", "最后一段"])
    result = parse_plain_text(edited)
    doc = result.document
    assert doc.title == "新的标题" and doc.salutation == "各位代表："
    assert doc.blocks == [Paragraph("开头空两格的段落"), Heading(1, "手写了编号的标题"), Heading(4, "太深的标题"),
                          Table(("甲", "乙"), (("1", ""),)), Table(("另一张", "表"), ()), Paragraph("最后一段")]
    assert result.notes == ["第5行：标题前手写的编号“二、”已去掉，导出时自动编号", "第6行：标题最多四级，已按四级标题处理",
                            "第7行：空标题已略去", "第8行起的表格各行格数不同，已用空格补齐"]
    # a header key after the body has started is an ordinary paragraph
    assert from_plain_text("标题：甲\n\n正文\n标题：乙").blocks == [Paragraph("正文"), Paragraph("标题：乙")]
    assert parse_plain_text("只有正文").notes == ["没有“标题：”一行，文档将没有标题"]


# --- wording ---------------------------------------------------------------------------------------------
def test_rates_state_their_base_and_never_round_to_100_or_0():
    assert rate_text(7, 11, "立案", "收到") == "63.6%（立案7件÷收到11件）"
    assert rate_text(5, 5, "已答复", "立案") == "100%（已答复5件÷立案5件）"
    assert [percent_text(c, b) for c, b in ((1, 8), (2, 3), (1999, 2000), (1, 3000), (0, 4), (3, 3))] == [
        "12.5%", "66.7%", "99.9%", "0.1%", "0%", "100%"]
    with pytest.raises(ValueError):
        percent_text(0, 0)
    assert is_complete(4, 4) and not is_complete(3, 4) and not is_complete(0, 0)


def test_counts_dates_and_punctuation():
    assert count_text(23) == "23件" and count_text(3, "项", chinese=True) == "三项"
    assert count_text(2, chinese=True) == "两件" and count_text(10, chinese=True) == "十件"
    assert count_text(11, chinese=True) == "11件" and count_text(0, chinese=True) == "0件"
    assert date_text("2026-09-03") == "2026年9月3日" and date_text(None) == ""
    assert full_width_punctuation("立案17件,其中(含并案3件)办结;答复:好? 是!") == "立案17件，其中（含并案3件）办结；答复：好？是！"
    assert full_width_punctuation("1,234 and 1.5, (x) 3:2") == "1,234 and 1.5, (x) 3:2"


def test_html_preview_numbers_headings_and_escapes_text():
    doc = sample()
    doc.blocks.append(Paragraph("a<b & c"))
    html = to_html(doc)
    for text in ("一、提案的提出和审查情况", "（一）交办和答复", "1.三级标题", "（1）四级标题", "（2）又一个四级标题",
                 "二、尚未办结的提案", "<th", "75.0%", "a&lt;b &amp; c", "某某中学教代会提案工作委员会"):
        assert text in html


# --- Word ------------------------------------------------------------------------------------------------
@pytest.fixture
def written(tmp_path):
    path = write_docx(sample(), tmp_path / "报告.docx")
    return path, docx.Document(str(path))


def east_asia(element) -> str | None:
    fonts = element.find(qn("w:rPr")).find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia"))


def test_the_page_follows_gbt_9704(written):
    path, d = written
    [section] = d.sections
    def mm(length) -> float:
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height), mm(section.top_margin), mm(section.left_margin)) == (
        210, 297, 37, 28)
    assert section._sectPr.find(qn("w:pgSz")).get(qn("w:w")) == "11906"  # Word's own A4 in twips
    text_width = section.page_width - section.left_margin - section.right_margin
    text_height = section.page_height - section.top_margin - section.bottom_margin
    assert abs(text_width - Mm(156)) < Mm(0.1) and abs(text_height - Mm(225)) < Mm(0.1)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"
    assert grid.get(qn("w:charSpace")) is None  # a character grid gives LibreOffice two cells a character
    # 22 lines of 28.95 pt fit in 225 mm, 23 do not; 28 characters of 16 pt set 0.25 pt closer fill 156 mm
    line = Pt(28.95)
    assert 22 * line <= Mm(225) < 23 * line
    normal_rpr = docx.Document(path).styles["Normal"].element.rPr
    pitch = 16 + int(normal_rpr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    assert 28 * pitch <= 156 / 25.4 * 72 < 29 * pitch
    assert not path.with_name(path.name + ".part").exists()


def test_styles_carry_the_fonts_and_sizes(written):
    _, d = written
    styles = {s.name: s for s in d.styles}
    expected = {"Normal": ("仿宋", 16, None), "公文标题": ("宋体", 22, True), "公文副标题": ("楷体", 16, False),
                "公文正文": ("仿宋", 16, False), "一级标题": ("黑体", 16, False), "二级标题": ("楷体", 16, False),
                "三级标题": ("仿宋", 16, False), "四级标题": ("仿宋", 16, False), "页码": ("宋体", 14, False)}
    for name, (font, size, bold) in expected.items():
        style = styles[name]
        assert east_asia(style.element) == font, name
        assert style.font.size == Pt(size), name
        assert style.font.bold == bold, name
    assert styles["公文正文"].font.name == "Times New Roman"  # digits and Latin text
    assert styles["页码"].font.name == "宋体"  # 半角宋体阿拉伯数字
    body = styles["公文正文"].paragraph_format
    assert body.line_spacing_rule == WD_LINE_SPACING.EXACTLY and body.line_spacing == Pt(28.95)
    assert body.first_line_indent == Pt(32)
    assert styles["公文正文"].element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    for level in range(1, 5):
        heading = styles[("一级标题", "二级标题", "三级标题", "四级标题")[level - 1]]
        assert heading.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == str(level - 1)
        assert heading.paragraph_format.keep_with_next
    assert styles["公文标题"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    # text not of the body's size keeps off the character grid (else a 22 pt title is spaced two cells apart)
    for name in ("公文标题", "表格文字", "表格表头", "页码"):
        assert styles[name].element.pPr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0", name
    assert styles["公文正文"].element.pPr.find(qn("w:snapToGrid")) is None
    # no theme font left in the defaults, which would win over the names; Chinese as the East Asian language
    defaults = d.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋" and not [a for a in fonts.attrib if "theme" in a.lower()]
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_paragraphs_are_written_in_order_with_their_styles(written):
    _, d = written
    shown = [(p.style.name, p.text) for p in d.paragraphs]
    assert shown[:5] == [("公文标题", "关于某某中学教代会第二次会议提案办理情况的报告"),
                         ("公文副标题", "——在第五届教代会第三次会议上"), ("公文副标题", "（2026年11月22日）"),
                         ("公文称呼", ""), ("公文称呼", "各位代表：")]
    headings = [(s, t) for s, t in shown if s.endswith("级标题")]
    assert headings == [("一级标题", "一、提案的提出和审查情况"), ("二级标题", "（一）交办和答复"), ("三级标题", "1.三级标题"),
                        ("四级标题", "（1）四级标题"), ("四级标题", "（2）又一个四级标题"), ("三级标题", "2.又一个三级标题"),
                        ("二级标题", "（二）办理结果"), ("一级标题", "二、尚未办结的提案")]
    assert ("公文正文", "答复率为58.8%（已答复10件÷立案17件）。") in shown
    # every run asks for the East Asian font for quotes and dashes
    assert all(r.element.rPr.rFonts.get(qn("w:hint")) == "eastAsia" for p in d.paragraphs for r in p.runs)


def test_the_table_and_the_signature(written):
    _, d = written
    [table] = d.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [["承办部门", "主办", "答复率"], ["总务处", "4", "75.0%"],
                                                                   ["教务处", "3", "100%"]]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert table.rows[0].cells[0].paragraphs[0].style.name == "表格表头"
    widths = [c.width for c in table.columns]
    assert abs(sum(widths) - Mm(156)) < Mm(0.5) and widths[0] > widths[1]
    signer, date = d.paragraphs[-2:]
    assert (signer.text, date.text) == ("某某中学教代会提案工作委员会", "2026年11月22日")
    assert signer.alignment is None and signer.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # the signer (14 characters) is longer than the date (7): two characters in, the date centred under it
    chars = lambda p: int(p._p.pPr.find(qn("w:ind")).get(qn("w:rightChars"))) / 100  # noqa: E731
    assert chars(signer) == 2 and chars(date) == 2 + (14 - 7) / 2


def test_a_short_signer_is_centred_over_the_date(tmp_path):
    path = write_docx(Document("标题", blocks=[Paragraph("正文")]), tmp_path / "a.docx", union_name="某工会",
                      date_text="2026年11月22日")
    signer, date = docx.Document(str(path)).paragraphs[-2:]
    chars = lambda p: int(p._p.pPr.find(qn("w:ind")).get(qn("w:rightChars"))) / 100  # noqa: E731
    assert (signer.text, chars(signer), date.text, chars(date)) == ("某工会", 4 + (7 - 3) / 2, "2026年11月22日", 4)


def test_page_numbers_in_the_footers(written):
    path, d = written
    [section] = d.sections
    assert d.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.text == "— 1 —" and even.text == "— 1 —"  # the field's shown result is 1
    assert odd.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert even.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert odd.style.name == "页码"
    with zipfile.ZipFile(path) as z:
        footers = [z.read(n).decode("utf-8") for n in z.namelist() if re.match(r"word/footer\d+\.xml", n)]
    assert len(footers) == 2
    for xml in footers:
        assert "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>" in xml
        assert xml.count("w:fldCharType") == 3


def test_ascii_punctuation_is_written_full_width(tmp_path):
    path = write_docx(Document("标题", blocks=[Paragraph("立案17件,其中(含并案)3件"), Heading(1, "提案:审查")]),
                      tmp_path / "p.docx")
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    assert "立案17件，其中（含并案）3件" in texts and "一、提案：审查" in texts


def test_a_missing_folder_or_locked_file_is_a_user_error(tmp_path, monkeypatch):
    with pytest.raises(UserError, match="文件夹不存在"):
        write_docx(sample(), tmp_path / "无此文件夹" / "a.docx")

    def locked(*args):
        raise PermissionError("locked")

    monkeypatch.setattr("gonghui_desk.documents.docx_writer.os.replace", locked)
    with pytest.raises(UserError, match="Word 或 WPS"):
        write_docx(sample(), tmp_path / "a.docx")
    assert list(tmp_path.iterdir()) == []  # no half file left
