"""The PDF writer (gonghui_desk.documents.pdf_writer) read back with poppler's tools: the text with its heading
numbers, table and full-width punctuation (pdftotext), the fonts embedded as subsets (pdffonts), A4 pages,
"— N —" page numbers on the outer side, 22 lines of 28 characters on a full page (positions from
pdftotext -bbox-layout), Chinese line breaking (避头尾), the font search (known names by role, CFF and
Latin-only fonts skipped) and the STSong-Light fallback, the block writers' registry, and the Chinese
errors for a missing folder or a locked file."""

from __future__ import annotations

import dataclasses
import random
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import reportlab

from gonghui_desk import demo
from gonghui_desk.congress.report import proposal_report
from gonghui_desk.db import open_database
from gonghui_desk.documents import Document, Heading, Paragraph, Table
from gonghui_desk.documents.pdf_writer import (CID_FONT, NO_LINE_END, NO_LINE_START, PdfFonts, PdfStory, STYLES,
                                               TEXT_WIDTH, _layout, _shape, find_pdf_fonts, font_report, write_block,
                                               write_pdf)
from gonghui_desk.errors import UserError

from conftest import TODAY

pytestmark = pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdffonts")),
                                reason="poppler-utils (pdftotext, pdffonts) not installed")

MM = 72 / 25.4
LEFT, RIGHT = 28 * MM, (28 + 156) * MM  # the text block's edges
TOP = 37 * MM
LINE = 28.95


def sample() -> Document:
    return Document(
        title="关于某某中学教代会第二次会议提案办理情况的报告",
        subtitle_lines=["——在第五届教代会第三次会议上"],
        salutation="各位代表：",
        blocks=[Paragraph("受委托,现将情况报告如下(请审议)。"),
                Heading(1, "提案的提出和审查情况"), Paragraph("共收到代表提案23件，立案率为73.9%（立案17件÷收到提案23件）。"),
                Heading(2, "交办和答复"), Paragraph("答复率为58.8%（已答复10件÷立案17件）。"),
                Heading(3, "三级标题"), Heading(4, "四级标题"), Heading(4, "又一个四级标题"),
                Heading(2, "各承办部门办理情况"),
                Table(["承办部门", "主办", "答复率"], [["总务处", "4", "75.0%"], ["教务处", "3", "100%"]]),
                Heading(1, "尚未办结的提案"), Paragraph("尚待交办的1件：第5届第2次-017“关于增加校内停车位的建议”。")],
        signer="某某中学教代会提案工作委员会", date_text="2026年11月22日")


@pytest.fixture(scope="module")
def truetype_fonts() -> PdfFonts:
    fonts = find_pdf_fonts()
    if not fonts.embedded:
        pytest.skip("no TrueType Chinese font installed (.ci/run installs fonts-wqy-zenhei)")
    return fonts


@pytest.fixture(scope="module")
def cjk_font_file(truetype_fonts) -> Path:
    return Path(truetype_fonts.font("body").path)


def run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, encoding="utf-8").stdout


def text_of(path, *options) -> str:
    return run("pdftotext", *options, str(path), "-")


def pages_of(path) -> list[str]:
    return text_of(path).split("\f")[:-1]


def font_rows(path) -> list[dict]:
    lines = run("pdffonts", str(path)).splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name type… encoding emb sub uni object-id generation
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3], "line": line})
    return rows


@dataclass
class TextLine:
    page: int
    x_min: float
    x_max: float
    y_min: float
    text: str


def lines_of(path) -> list[TextLine]:
    """Every text line with its box (points from the page's top left), from pdftotext -bbox-layout."""
    xml = text_of(path, "-bbox-layout")
    result = []
    for number, page in enumerate(xml.split("<page ")[1:], start=1):
        for match in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</line>',
                                 page, re.S):
            words = re.findall(r">([^<>]*)</word>", match.group(4))
            result.append(TextLine(number, float(match.group(1)), float(match.group(3)), float(match.group(2)),
                                   "".join(words)))
    return result


@pytest.fixture(scope="module")
def written(tmp_path_factory, truetype_fonts):
    path = tmp_path_factory.mktemp("pdf") / "报告.pdf"
    assert write_pdf(sample(), path) == path
    return path


# --- text and fonts --------------------------------------------------------------------------------------
def test_the_text_comes_back_with_numbers_table_and_punctuation(written):
    text = text_of(written)
    flat = re.sub(r"\s+", "", text)
    assert "关于某某中学教代会第二次会议提案办理情况的报告" in flat
    assert "——在第五届教代会第三次会议上" in text
    for line in ("各位代表：", "一、提案的提出和审查情况", "（一）交办和答复", "1.三级标题", "（1）四级标题",
                 "（2）又一个四级标题", "（二）各承办部门办理情况", "二、尚未办结的提案"):
        assert line in text.splitlines(), line
    assert "受委托，现将情况报告如下（请审议）。" in flat  # ASCII punctuation written full-width
    assert "立案率为73.9%（立案17件÷收到提案23件）。" in flat
    assert "第5届第2次-017“关于增加校内停车位的建议”。" in flat
    layout = text_of(written, "-layout")
    assert re.search(r"承办部门\s+主办\s+答复率", layout) and re.search(r"总务处\s+4\s+75\.0%", layout)
    assert "某某中学教代会提案工作委员会" in text and "2026年11月22日" in text


def test_the_fonts_are_embedded_subsets_with_unicode_maps(written):
    rows = font_rows(written)
    assert rows and all((r["emb"], r["sub"], r["uni"]) == ("yes", "yes", "yes") for r in rows), rows
    assert not any("Helvetica" in r["name"] for r in rows)
    info = run("pdfinfo", str(written))
    assert "基层工会工作台" in info and "关于某某中学教代会" in info  # creator and title


def test_a4_pages_and_page_numbers_on_the_outer_side(tmp_path, truetype_fonts):
    doc = Document("页码", blocks=[Paragraph("工会" * 700)])
    path = write_pdf(doc, tmp_path / "pages.pdf")
    info = run("pdfinfo", str(path))
    assert re.search(r"Pages:\s+3", info)
    assert re.search(r"Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)", info)
    for n, page in enumerate(pages_of(path), start=1):
        assert re.search(rf"—\s*{n}\s*—", page.strip().splitlines()[-1])
    numbers = [line for line in lines_of(path) if re.fullmatch(r"—\d—", line.text)]
    assert [n.page for n in numbers] == [1, 2, 3]
    for number in numbers:
        assert number.y_min > TOP + 225 * MM + 5 * MM  # under the text block
        if number.page % 2:  # odd: right, one character (14 pt) in
            assert abs(number.x_max - (RIGHT - 14)) < 1.5
        else:
            assert abs(number.x_min - (LEFT + 14)) < 1.5


def test_a_full_page_has_22_lines_of_28_characters(tmp_path, truetype_fonts):
    path = write_pdf(Document("", blocks=[Paragraph("职工" * 700)]), tmp_path / "full.pdf")
    lines = [line for line in lines_of(path) if line.page == 2 and "职" in line.text]
    assert len(lines) == 22
    assert all(len(line.text) == 28 for line in lines)
    for line in lines:  # flush with both edges of the text block
        assert abs(line.x_min - LEFT) < 0.5 and abs(line.x_max - RIGHT) < 0.5
    steps = {round(b.y_min - a.y_min, 2) for a, b in zip(lines, lines[1:])}
    assert steps == {LINE}
    assert abs(lines[0].y_min - (TOP + (LINE - 16) / 2)) < 0.5  # the first line's em box centred in its line
    first_page = [line for line in lines_of(path) if line.page == 1 and "职" in line.text]
    assert len(first_page) == 22 and len(first_page[0].text) == 26  # indented two characters
    assert abs(first_page[0].x_min - (LEFT + 2 * 156 * MM / 28)) < 0.5


def test_headings_use_the_fonts_of_their_level(tmp_path, cjk_font_file):
    fonts_dir = tmp_path / "fonts"
    fonts_dir.mkdir()
    for name in ("simhei.ttf", "simkai.ttf"):  # two "different" fonts: the same file under Windows' names
        (fonts_dir / name).symlink_to(cjk_font_file)
    fonts = find_pdf_fonts([fonts_dir])
    assert fonts.font("heading1").label == "黑体（simhei.ttf）" and fonts.font("heading2").label == "楷体（simkai.ttf）"
    assert fonts.font("body") is fonts.font("heading1")  # no 仿宋 or 宋体: the body takes another found font
    assert "本机没有仿宋字体" in fonts.report()
    story = PdfStory(fonts)
    for block, number in ((Heading(1, "一级"), "一、"), (Heading(2, "二级"), "（一）"), (Heading(3, "三级"), "1."),
                          (Paragraph("正文"), "")):
        write_block(block, story, number)
    assert [f.style.role for f in story.flowables] == ["heading1", "heading2", "body", "body"]
    assert [f.style.first_indent for f in story.flowables] == [2 * TEXT_WIDTH / 28] * 4
    path = write_pdf(sample(), tmp_path / "levels.pdf", fonts=fonts)
    assert len(font_rows(path)) == 1  # one face under two names is embedded once
    assert "（一）交办和答复" in text_of(path)


def test_known_windows_names_take_their_roles(tmp_path, cjk_font_file):
    fonts_dir = tmp_path / "Fonts"
    fonts_dir.mkdir()
    for name in ("simfang.ttf", "simhei.ttf", "simkai.ttf", "simsun.ttc"):
        (fonts_dir / name).symlink_to(cjk_font_file)
    fonts = find_pdf_fonts([fonts_dir])
    labels = {role: font.label for role, font in fonts.roles.items()}
    assert labels == {"body": "仿宋（simfang.ttf）", "heading1": "黑体（simhei.ttf）", "heading2": "楷体（simkai.ttf）",
                      "title": "宋体（simsun.ttc）", "page_number": "宋体（simsun.ttc）"}
    report = fonts.report()
    assert report.startswith("PDF 已嵌入中文字体") and "正文 仿宋（simfang.ttf）" in report and "没有仿宋" not in report


def test_an_unknown_truetype_chinese_font_is_found_by_scanning(tmp_path, cjk_font_file):
    nested = tmp_path / "fonts" / "truetype" / "some-vendor"
    nested.mkdir(parents=True)
    (nested / "vendor-cjk").with_suffix(cjk_font_file.suffix).symlink_to(cjk_font_file)
    shutil.copy(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf", nested / "Vera.ttf")  # skipped: no Chinese
    fonts = find_pdf_fonts([tmp_path / "fonts"])
    assert fonts.embedded and {f.path for f in fonts.roles.values()} == {str(nested / ("vendor-cjk" + cjk_font_file.suffix))}
    assert "vendor-cjk" in fonts.font("body").label and fonts.font("body").label != "vendor-cjk"  # its family name


# --- line breaking -----------------------------------------------------------------------------------------
def test_no_line_starts_with_closing_punctuation_or_ends_with_an_opening_one(tmp_path, truetype_fonts):
    rng = random.Random(7)
    pieces = ["工会", "职工", "，", "。", "、", "；", "：", "？", "！", "（含3件）", "《工会法》", "“职工之家”",
              "73.9%", "2026年", "——", "……", "第5届第2次-017"]
    paragraphs = ["工会" + "".join(rng.choice(pieces) for _ in range(120)) for _ in range(12)]
    # and the cases at the edge: punctuation exactly where a line would start
    paragraphs += ["一" * 26 + "，二" * 20, "一" * 25 + "“引号”" + "二" * 40, "一" * 27 + "《书名》" + "二" * 30,
                   "一" * 25 + "——破折号" + "二" * 30, "一" * 24 + "58.8%" + "二" * 30]
    path = write_pdf(Document("", blocks=[Paragraph(p) for p in paragraphs]), tmp_path / "kinsoku.pdf")
    lines = [line.text for line in lines_of(path) if not re.fullmatch(r"—\d+—", line.text)]
    assert len(lines) > 60
    for line in lines:
        assert line[0] not in NO_LINE_START, line
        assert line[-1] not in NO_LINE_END, line
    text = re.sub(r"—\d+—", "", re.sub(r"\s+", "", text_of(path)))  # without the page numbers
    for paragraph in paragraphs:  # nothing lost, nothing added
        assert paragraph in text
    for a, b in zip(lines, lines[1:]):  # —— and …… are never split, nor 58.8% or 2026
        assert not (a.endswith("—") and b.startswith("—")) and not (a.endswith("…") and b.startswith("…"))
        assert not (a[-1].isdigit() and b[0] in "0123456789.%")


def test_line_breaking_pushes_a_character_down_and_justifies(truetype_fonts):
    lines = _layout("一" * 26 + "，二二", truetype_fonts, STYLES["body"], TEXT_WIDTH)
    assert ["".join(g.char for g in line.glyphs) for line in lines] == ["一" * 25, "一，二二"]
    assert not lines[0].last and lines[1].last  # the short first line is stretched to the edge
    title = _layout("关于某某中学教代会第二次会议提案办理情况的报告", truetype_fonts, STYLES["title"], TEXT_WIDTH)
    assert [len(line.glyphs) for line in title] == [12, 11]  # a title wraps into lines of even length


def test_a_character_missing_from_a_font_comes_from_another(truetype_fonts):
    body = truetype_fonts.font("body")
    poorer = dataclasses.replace(body, _chars=frozenset(body._chars) - {ord("堃")})
    fonts = PdfFonts({**truetype_fonts.roles, "body": poorer}, (body, *truetype_fonts.fallbacks))
    glyphs = _shape("张堃", fonts, STYLES["body"])
    assert glyphs[0].font is poorer and glyphs[1].font is body


# --- the fallback ------------------------------------------------------------------------------------------
def fake_cff_font(path: Path) -> None:
    """An OpenType font with CFF outlines, as the Noto CJK fonts are (only its table directory)."""
    tables = [b"CFF ", b"OS/2", b"cmap"]
    data = b"OTTO" + struct.pack(">HHHH", len(tables), 32, 1, 16)
    for i, tag in enumerate(tables):
        data += struct.pack(">4sIII", tag, 0, 12 + 16 * len(tables), 0)
    path.write_bytes(data)


def test_without_a_truetype_chinese_font_the_cid_font_is_used(tmp_path):
    empty, others = tmp_path / "empty", tmp_path / "others"
    empty.mkdir()
    others.mkdir()
    fake_cff_font(others / "NotoSansCJK-Regular.ttc")
    shutil.copy(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf", others / "Vera.ttf")  # no Chinese
    for folder in (empty, others):
        fonts = find_pdf_fonts([folder])
        assert not fonts.embedded and {f.name for f in fonts.roles.values()} == {CID_FONT}
    assert "STSong-Light" in font_report([empty]) and "未嵌入" in font_report([empty])
    path = write_pdf(sample(), tmp_path / "cid.pdf", font_dirs=[empty])
    rows = font_rows(path)
    assert [r["name"] for r in rows] == [CID_FONT]
    text = text_of(path)
    assert "一、提案的提出和审查情况" in text and "立案率为73.9%" in text


def test_noto_cjk_is_skipped_when_installed(tmp_path):
    noto = sorted(Path("/usr/share/fonts").glob("opentype/noto/NotoSansCJK*.ttc"))
    if not noto:
        pytest.skip("Noto CJK not installed")
    (tmp_path / noto[0].name).symlink_to(noto[0])
    assert not find_pdf_fonts([tmp_path]).embedded


# --- tables, blocks and errors -----------------------------------------------------------------------------
def test_a_long_table_repeats_its_header_on_every_page(tmp_path, truetype_fonts):
    rows = [[f"部门{i:03d}", str(i), f"{i % 100}.0%"] for i in range(120)]
    path = write_pdf(Document("表格", blocks=[Heading(1, "各部门"), Table(["承办部门", "主办", "答复率"], rows)]),
                     tmp_path / "table.pdf")
    pages = pages_of(path)
    assert len(pages) >= 3
    for page in pages:
        assert "承办部门" in page
    text = re.sub(r"\s+", "", text_of(path))
    assert all(f"部门{i:03d}" in text for i in range(120))


@dataclass(frozen=True)
class Quote:  # a block kind the writers do not know
    text: str


def test_new_block_kinds_register_one_function(tmp_path, truetype_fonts):
    doc = Document("引文", blocks=[Quote("不忘初心")])
    with pytest.raises(TypeError, match="no PDF form for Quote"):
        write_pdf(doc, tmp_path / "q.pdf")
    assert list(tmp_path.iterdir()) == []

    @write_block.register
    def _(block: Quote, pdf: PdfStory, number: str = "") -> None:
        pdf.text(f"“{block.text}”", "body")

    assert "“不忘初心”" in text_of(write_pdf(doc, tmp_path / "q.pdf"))


def test_a_missing_folder_or_locked_file_is_a_user_error(tmp_path, monkeypatch, truetype_fonts):
    with pytest.raises(UserError, match="文件夹不存在"):
        write_pdf(sample(), tmp_path / "无此文件夹" / "a.pdf")

    def locked(*args):
        raise PermissionError("locked")

    monkeypatch.setattr("gonghui_desk.documents.pdf_writer.os.replace", locked)
    with pytest.raises(UserError, match="PDF 阅读器"):
        write_pdf(sample(), tmp_path / "a.pdf")
    assert list(tmp_path.iterdir()) == []  # no half file left


def test_the_demo_proposals_report(tmp_path, truetype_fonts):
    db = open_database(tmp_path / "demo.sqlite3")
    demo.generate_demo(db, kind="school", seed=1, today=TODAY)
    session_id = db.execute("select max(id) from congress_sessions").fetchone()[0]
    doc = proposal_report(db, session_id, today=TODAY)
    path = write_pdf(doc, tmp_path / "demo.pdf", union_name="枫桥县第五中学工会委员会", date_text="2026年11月22日")
    text = text_of(path)
    assert "各承办部门办理情况" in text and "枫桥县第五中学工会委员会" in text
    layout = text_of(path, "-layout")
    assert re.search(r"承办部门\s+主办\s+协办\s+已答复\s+答复率", layout)  # headers kept whole
    db.conn.close()
