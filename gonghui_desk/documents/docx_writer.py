"""The document as a Word file laid out like an official document (GB/T 9704-2012, DOMAIN.md §4).

* A4; margins top 37 mm, left 28 mm, right 26 mm, bottom 35 mm: a text block of 156 × 225 mm.
* Body 仿宋 3号 (16 pt), 28 characters × 22 lines a page: every line exactly 28.95 pt (579 twips:
  225 mm ÷ 22) on the section's line grid (line pitch 579); the body's characters are set 0.25 pt
  closer (15.75 pt each) so that 28 fill 156 mm. (A "linesAndChars" grid says the same to Word, but
  LibreOffice then gives every 16 pt character two grid cells: 14 letter-spaced characters a line.)
* Title 2号 (22 pt) in ``TITLE_FONT``, centred, a blank line under it; lines under the title in 楷体;
  level-1 headings 黑体 3号, level 2 楷体 3号, levels 3 and 4 仿宋 3号, all indented two characters
  and numbered automatically (一、 （一） 1. （1）); paragraphs indented two characters, justified.
* Page numbers "— 1 —" in 宋体 4号 (14 pt): odd pages on the right, even pages on the left, one
  character in from the edge of the text block.
* Signature (落款) and date: the date four characters in from the right, the signer centred over it; a
  signer longer than the date sits two characters in and the date is centred under it.
* Every font is given for East Asian text (``w:eastAsia``) and for Latin text and digits
  (``LATIN_FONT``); runs carry ``w:hint="eastAsia"`` so quotes and dashes use the Chinese font.
  ASCII punctuation typed next to Chinese text is written full-width.

Each kind of block is written by :func:`write_block` (``functools.singledispatch``: register new block
types on it). Styles carry the formatting (Word's style names are Chinese, their ids ASCII), so the
officer can still change a whole level at once in Word.
"""

from __future__ import annotations

import io
import os
from copy import deepcopy
from dataclasses import dataclass
from functools import singledispatch
from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

from gonghui_desk.documents.charts import CHART_WIDTH_MM, chart_png
from gonghui_desk.documents.model import Document, Heading, Paragraph, Table, number_headings
from gonghui_desk.documents.wording import full_width_punctuation
from gonghui_desk.errors import UserError

__all__ = ["BODY_FONT", "CHAR_SPACING", "LATIN_FONT", "LINE_PITCH", "PAGE", "STYLE_NAMES", "TITLE_FONT", "write_block",
           "write_docx"]


@dataclass(frozen=True)
class PageSetup:
    width_mm: float = 210
    height_mm: float = 297
    top_mm: float = 37
    left_mm: float = 28
    text_width_mm: float = 156
    text_height_mm: float = 225
    footer_mm: float = 21  # page bottom → bottom of the page number: its top ~7 mm under the text block
    lines: int = 22
    chars: int = 28

    @property
    def right_mm(self) -> float:
        return self.width_mm - self.left_mm - self.text_width_mm

    @property
    def bottom_mm(self) -> float:
        return self.height_mm - self.top_mm - self.text_height_mm


PAGE = PageSetup()
BODY_SIZE, TITLE_SIZE, PAGE_NUMBER_SIZE, TABLE_SIZE = 16, 22, 14, 12
LINE_PITCH = 579  # twips (28.95 pt): 22 lines in 225 mm
CHAR_SPACING = -5  # twentieths of a point between the body's characters: 15.75 pt each, 28 in 156 mm
BODY_FONT, HEADING1_FONT, HEADING2_FONT = "仿宋", "黑体", "楷体"
TITLE_FONT = "宋体"  # 方正小标宋简体 where installed; 宋体 is on every Windows PC
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
INDENT_CHARS = 2

# style key → (Word's style name, style id)
STYLE_NAMES = {
    "title": ("公文标题", "GhTitle"), "subtitle": ("公文副标题", "GhSubtitle"), "salutation": ("公文称呼", "GhSalutation"),
    "body": ("公文正文", "GhBody"), 1: ("一级标题", "GhHeading1"), 2: ("二级标题", "GhHeading2"),
    3: ("三级标题", "GhHeading3"), 4: ("四级标题", "GhHeading4"), "signature": ("公文落款", "GhSignature"),
    "table": ("表格文字", "GhTableText"), "table_header": ("表格表头", "GhTableHeader"), "page_number": ("页码", "GhPageNumber"),
}


# --- low-level helpers ---------------------------------------------------------------------------------
def _set_fonts(rpr, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Give an rPr element its fonts (no theme fonts, which would win over the names)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        if attribute.lower().endswith("theme"):
            del fonts.attrib[attribute]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _set_indent_chars(paragraph_format_element, **chars: float) -> None:
    """w:ind's *Chars attributes (in hundredths of a character), which Word prefers to the twips."""
    ind = paragraph_format_element.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        paragraph_format_element.append(ind)
    for key, value in chars.items():
        ind.set(qn(f"w:{key}Chars"), str(round(value * 100)))


def _exact_lines(paragraph_format, points: float | None = None) -> None:
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(points if points is not None else LINE_PITCH / 20)
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)


def _char_spacing():
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHAR_SPACING))
    return spacing


def _off_grid(style) -> None:
    """Text not of the body's size must not snap to the character grid (a 22 pt title would take two
    cells a character, 12 pt table text one 15.8 pt cell: both spaced out)."""
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    style.element.get_or_add_pPr().insert_element_before(
        snap, "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
        "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
        "w:rPr", "w:sectPr", "w:pPrChange")


def _paragraph_style(docx, key, *, font: str, size: float, base=None, bold: bool = False,
                     align=None, first_line_chars: float = 0, outline_level: int | None = None):
    name, style_id = STYLE_NAMES[key]
    style = docx.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = style_id
    style.base_style = base if base is not None else docx.styles["Normal"]
    style.quick_style = True
    style.font.size = Pt(size)
    style.font.bold = bold
    _set_fonts(style.element.get_or_add_rPr(), font)
    fmt = style.paragraph_format
    _exact_lines(fmt)
    if align is not None:
        fmt.alignment = align
    if first_line_chars:
        fmt.first_line_indent = Pt(BODY_SIZE * first_line_chars)
        _set_indent_chars(style.element.get_or_add_pPr(), firstLine=first_line_chars)
    if outline_level is not None:
        fmt.keep_with_next = True
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(outline_level))
        style.element.get_or_add_pPr().append(level)
    return style


def _set_up_styles(docx) -> None:
    # document defaults and Normal: the body's font, size, language and line pitch
    defaults = docx.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, BODY_FONT)
    # the character grid's pitch is counted from the default font size (LibreOffice reads docDefaults, Word
    # the Normal style): both say 16 pt, or a body line holds 14 letter-spaced characters instead of 28
    for tag in ("w:sz", "w:szCs"):
        size = rpr.find(qn(tag))
        if size is None:
            size = OxmlElement(tag)
            rpr.append(size)
        size.set(qn("w:val"), str(BODY_SIZE * 2))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    if spacing is not None:  # Word's 10 pt after and 1.15 lines: none in an official document
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
    theme_lang = docx.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    normal = docx.styles["Normal"]
    normal.font.size = Pt(BODY_SIZE)
    _set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.font._element.rPr.insert_element_before(  # 28 characters a line (see the module text)
        _char_spacing(), "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
        "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
        "w:specVanish", "w:oMath")
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _exact_lines(normal.paragraph_format)

    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    title = _paragraph_style(docx, "title", font=TITLE_FONT, size=TITLE_SIZE, bold=True, align=center)
    _exact_lines(title.paragraph_format, 36)
    title.paragraph_format.keep_with_next = True
    _off_grid(title)
    _paragraph_style(docx, "subtitle", font=HEADING2_FONT, size=BODY_SIZE, align=center)
    _paragraph_style(docx, "salutation", font=BODY_FONT, size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT)
    _paragraph_style(docx, "body", font=BODY_FONT, size=BODY_SIZE, first_line_chars=INDENT_CHARS)
    for level, font in ((1, HEADING1_FONT), (2, HEADING2_FONT), (3, BODY_FONT), (4, BODY_FONT)):
        _paragraph_style(docx, level, font=font, size=BODY_SIZE, first_line_chars=INDENT_CHARS,
                         outline_level=level - 1)
    _paragraph_style(docx, "signature", font=BODY_FONT, size=BODY_SIZE, align=right)
    for key, font in (("table", BODY_FONT), ("table_header", HEADING1_FONT)):
        style = _paragraph_style(docx, key, font=font, size=TABLE_SIZE, align=center)
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        _off_grid(style)
    number = _paragraph_style(docx, "page_number", font=PAGE_NUMBER_FONT, size=PAGE_NUMBER_SIZE)
    _off_grid(number)
    _set_fonts(number.element.get_or_add_rPr(), PAGE_NUMBER_FONT, PAGE_NUMBER_FONT)  # 半角宋体阿拉伯数字
    number.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _style(key) -> str:
    return STYLE_NAMES[key][0]


def _set_style(paragraph, key) -> None:
    """Give ``paragraph`` one of our styles by its id: python-docx's ``paragraph.style = name`` looks the name
    up through every style of the document (seconds for a long appendix table)."""
    paragraph._p.get_or_add_pPr().style = STYLE_NAMES[key][1]


def _add_run(paragraph, text: str):
    run = paragraph.add_run(text)
    fonts = OxmlElement("w:rFonts")
    fonts.set(qn("w:hint"), "eastAsia")
    run._r.get_or_add_rPr().insert(0, fonts)
    return run


def _new_run():
    """An empty ``w:r`` as :func:`_add_run` makes it (its fonts hinted East Asian), to copy for a text."""
    run = OxmlElement("w:r")
    fonts = OxmlElement("w:rFonts")
    fonts.set(qn("w:hint"), "eastAsia")
    run.get_or_add_rPr().insert(0, fonts)
    return run


def _add_paragraph(container, text: str, key):
    paragraph = container.add_paragraph()
    _set_style(paragraph, key)
    if text:
        _add_run(paragraph, full_width_punctuation(text))
    return paragraph


def _set_up_page(docx) -> None:
    section = docx.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(PAGE.width_mm), Mm(PAGE.height_mm)
    section.top_margin, section.bottom_margin = Mm(PAGE.top_mm), Mm(PAGE.bottom_mm)
    section.left_margin, section.right_margin = Mm(PAGE.left_mm), Mm(PAGE.right_mm)
    section.footer_distance = Mm(PAGE.footer_mm)
    section.header_distance = Mm(15)
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    grid.attrib.pop(qn("w:charSpace"), None)
    docx.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _field_run(paragraph, kind: str, text: str = ""):
    run = _add_run(paragraph, "")
    if kind == "instr":
        element = OxmlElement("w:instrText")
        element.set(qn("xml:space"), "preserve")
        element.text = text
    else:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
    run._r.append(element)
    return run


def _page_number(paragraph, alignment) -> None:
    """"— N —" with N the PAGE field, one character in from the text block's edge."""
    paragraph.style = _style("page_number")
    paragraph.paragraph_format.alignment = alignment
    indent = Pt(PAGE_NUMBER_SIZE)
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = indent
    else:
        paragraph.paragraph_format.left_indent = indent
    _add_run(paragraph, "— ")
    _field_run(paragraph, "begin")
    _field_run(paragraph, "instr", " PAGE ")
    _field_run(paragraph, "separate")
    _add_run(paragraph, "1")
    _field_run(paragraph, "end")
    _add_run(paragraph, " —")


def _text_width_chars(text: str) -> float:
    """Width in characters of 3号 text: Chinese characters 1, ASCII (digits) ½."""
    return sum(0.5 if ord(c) < 128 else 1 for c in text)


def _signature(docx, signer: str, date_text: str) -> None:
    """Date four characters in from the right, the signer centred over it (GB/T 9704 7.3.5.2)."""
    if not signer and not date_text:
        return
    signer_w, date_w = _text_width_chars(signer), _text_width_chars(date_text)
    if signer and date_text and signer_w > date_w:
        signer_in, date_in = 2.0, 2.0 + (signer_w - date_w) / 2
    else:
        date_in = 4.0
        signer_in = date_in + (date_w - signer_w) / 2 if date_text else 4.0
    first = True
    for text, chars in ((signer, signer_in), (date_text, date_in)):
        if not text:
            continue
        paragraph = _add_paragraph(docx, text, "signature")
        paragraph.paragraph_format.right_indent = Pt(BODY_SIZE * chars)
        _set_indent_chars(paragraph._p.get_or_add_pPr(), right=chars)
        if first:  # room above for a seal or a signature
            paragraph.paragraph_format.space_before = Pt(LINE_PITCH / 20 * 2)
            first = False


# --- blocks ----------------------------------------------------------------------------------------------
@singledispatch
def write_block(block, docx, number: str = "") -> None:
    """Write one block into the python-docx document (register new block types on this function)."""
    raise TypeError(f"no Word form for {type(block).__name__}")


@write_block.register
def _(block: Heading, docx, number: str = "") -> None:
    _add_paragraph(docx, number + block.text, block.level)


@write_block.register
def _(block: Paragraph, docx, number: str = "") -> None:
    _add_paragraph(docx, block.text, "body")


def _column_widths(block: Table, width: int) -> list[Emu]:
    """Widths sharing the text block by each column's longest text (between 2 and 12 characters)."""
    weights = []
    for c in range(width):
        texts = [row[c] for row in (block.header, *block.rows) if c < len(row)]
        weights.append(min(max([_text_width_chars(str(t)) for t in texts] + [2]), 12))
    total = Mm(PAGE.text_width_mm)
    return [Emu(int(total * w / sum(weights))) for w in weights]


@write_block.register
def _(block: Table, docx, number: str = "") -> None:
    width = max([len(block.header)] + [len(row) for row in block.rows])
    table = docx.add_table(rows=1 + min(len(block.rows), 1), cols=width)
    table.style = docx.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = _column_widths(block, width)
    # The header row and the first body row are set up through python-docx (widths, styles); every other body
    # row is a copy of that first one, and each cell gets its run as an element: python-docx's objects cost some
    # 100 µs a cell (a second for the appendix's 7,000 cells). table.cell(r, c) would walk the whole table on
    # every call.
    for r, table_row in enumerate(table.rows):
        for c, cell in enumerate(table_row.cells[:width]):
            cell.width = widths[c]
            _set_style(cell.paragraphs[0], "table_header" if r == 0 else "table")
    rows = [tr for tr in table._tbl.tr_lst]
    for _ in block.rows[1:]:
        rows.append(deepcopy(rows[1]))
        table._tbl.append(rows[-1])
    run, plain_run = _new_run(), _new_run()
    plain_run.append(OxmlElement("w:t"))
    for row, tr in zip((block.header, *block.rows), rows):
        for c, tc in enumerate(tr.tc_lst[:width]):
            text = row[c] if c < len(row) else ""
            if not text:
                continue
            text = full_width_punctuation(str(text))
            if "\t" in text or "\r" in text or "\n" in text:  # python-docx makes tabs and breaks of these
                element = deepcopy(run)
                element.text = text
            else:  # what python-docx writes for plain text: one w:t
                element = deepcopy(plain_run)
                element[-1].text = text
                if len(text.strip()) < len(text):
                    element[-1].set(qn("xml:space"), "preserve")
            tc.p_lst[0].append(element)
    for c, column in enumerate(table.columns):
        column.width = widths[c]
    header_row = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # repeated on every page
    header_row.append(repeat)
    picture = chart_png(block)
    if picture is not None:  # the chart under its table, centred, on single-spaced lines (exact ones clip it)
        paragraph = docx.add_paragraph()
        _set_style(paragraph, "table")
        paragraph.paragraph_format.space_before = Pt(6)
        paragraph.add_run().add_picture(io.BytesIO(picture), width=Mm(CHART_WIDTH_MM))


# --- the document ----------------------------------------------------------------------------------------
def write_docx(doc: Document, path: str | Path, *, union_name: str | None = None,
               date_text: str | None = None) -> Path:
    """Write ``doc`` to ``path`` (.docx) through a temporary file beside it. ``union_name`` and
    ``date_text`` sign the document when given (else the document's own ``signer`` and ``date_text``)."""
    path = Path(path)
    signer = doc.signer if union_name is None else union_name
    dated = doc.date_text if date_text is None else date_text
    docx = new_docx()
    _set_up_styles(docx)
    _set_up_page(docx)
    body = docx.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):  # the template's empty first paragraph
        body.remove(paragraph)
    if doc.title:
        _add_paragraph(docx, doc.title, "title")
    for line in doc.subtitle_lines:
        _add_paragraph(docx, line, "subtitle")
    if doc.title or doc.subtitle_lines:  # a blank line under the title block
        _add_paragraph(docx, "", "salutation")
    if doc.salutation:
        _add_paragraph(docx, doc.salutation, "salutation")
    for block, number in zip(doc.blocks, number_headings(doc)):
        write_block(block, docx, number)
    _signature(docx, signer, dated)
    properties = docx.core_properties
    properties.title = doc.title
    properties.author = signer or ""
    properties.language = "zh-CN"
    properties.comments = "由基层工会工作台生成"
    return _save(docx, path)


def _save(docx, path: Path) -> Path:
    if not path.parent.is_dir():
        raise UserError(f"文件夹不存在：{path.parent}")
    partial = path.with_name(path.name + ".part")
    try:
        docx.save(str(partial))
        os.replace(partial, path)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, PermissionError):
            raise UserError(f"无法保存“{path.name}”：文件可能正在 Word 或 WPS 中打开，或该文件夹不允许写入。"
                            "请关闭该文件后重试。") from exc
        if isinstance(exc, OSError):
            raise UserError(f"无法保存“{path.name}”：{exc.strerror or exc}。请检查磁盘空间和文件夹权限。") from exc
        raise
    return path
