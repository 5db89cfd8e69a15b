"""The document as a PDF laid out like the Word file (:mod:`~gonghui_desk.documents.docx_writer`, GB/T 9704-2012).

* A4; margins top 37 mm, left 28 mm, right 26 mm, bottom 35 mm: a text block of 156 × 225 mm.
* Body 16 pt on exact 28.95 pt lines, 22 a page, 28 characters a line (each character 1/28 of the text
  width), justified, the first line indented two characters. Title 22 pt centred (bold, a long title
  wrapped into lines of even length) with a blank line under it, lines under it in 楷体; level-1 headings
  黑体, level 2 楷体, levels 3 and 4 仿宋, numbered by :func:`~gonghui_desk.documents.number_headings` and kept
  with the lines that follow; tables 12 pt with the header row (黑体) repeated on every page; the salutation;
  the signer and the date placed as in the Word file; page numbers "— 1 —" (宋体 14 pt) under the text
  block, odd pages on the right and even pages on the left, one character in from its edge.
* Chinese line breaking (避头尾): no line starts with ，。、；：？！）》” and the like, none ends with （《“;
  a dash —— or an ellipsis …… is never split, nor a run of digits or Latin letters (58.8%, 2026).
  ASCII punctuation typed next to Chinese text is written full-width, as in the Word file.

Fonts (:func:`find_pdf_fonts`): TrueType Chinese fonts found on the computer are embedded as subsets —
on Windows simfang.ttf (仿宋) for the body, simhei.ttf (黑体), simkai.ttf (楷体), simsun.ttc (宋体) for the
title and page numbers; elsewhere the usual font folders are searched for TrueType CJK fonts
(wqy-zenhei.ttc, uming.ttc/ukai.ttc, Droid Sans Fallback…). Fonts with CFF outlines (the Noto CJK
.otf/.ttc) cannot be embedded by reportlab and are skipped; so is a font without Chinese glyphs. A
character missing from a font is taken from another found font. With no TrueType Chinese font at all the
PDF uses reportlab's built-in CID font STSong-Light (not embedded: the reader supplies it). Either way
the text can be copied and searched (the fonts carry ToUnicode maps). :func:`font_report` says in
Chinese which fonts were used, for the GUI.

Each kind of block is written by :func:`write_block` (``functools.singledispatch``: register new block
types on it), like the Word writer's.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import struct
import sys
import threading
from dataclasses import dataclass, field
from functools import singledispatch
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Flowable, Image as RLImage, KeepTogether, Table as RLTable, TableStyle
from reportlab.platypus.doctemplate import BaseDocTemplate, LayoutError, PageTemplate
from reportlab.platypus.flowables import CondPageBreak
from reportlab.platypus.frames import Frame

from gonghui_desk.documents.charts import CHART_WIDTH_MM, chart_height_mm, chart_png
from gonghui_desk.documents.docx_writer import (BODY_SIZE, INDENT_CHARS, LINE_PITCH, PAGE, PAGE_NUMBER_SIZE, TABLE_SIZE,
                                                TITLE_SIZE)
from gonghui_desk.documents.model import Document, Heading, Paragraph, Table, number_headings
from gonghui_desk.documents.wording import full_width_punctuation
from gonghui_desk.errors import UserError

__all__ = ["CID_FONT", "PdfFont", "PdfFonts", "find_pdf_fonts", "font_report", "system_font_dirs", "write_block",
           "write_pdf"]

CID_FONT = "STSong-Light"
TEXT_WIDTH = PAGE.text_width_mm * mm  # 442.2 pt
TEXT_HEIGHT = PAGE.text_height_mm * mm  # 637.8 pt
LINE = LINE_PITCH / 20  # 28.95 pt: 22 lines in 225 mm
PITCH = TEXT_WIDTH / PAGE.chars  # 15.79 pt: a body character and its share of the spacing
TITLE_LINE = 36.0
TABLE_LINE = TABLE_SIZE * 1.3
TABLE_PADDING_X, TABLE_PADDING_Y = 1.9 * mm, 2.0
PAGE_NUMBER_BASELINE = PAGE.footer_mm * mm + 0.2 * PAGE_NUMBER_SIZE  # as Word places the footer's line
EPSILON = 0.01

# --- fonts -----------------------------------------------------------------------------------------------
# Known TrueType Chinese fonts by file name (lower case) → the name the officer knows.
KNOWN_FONTS = {
    "simfang.ttf": "仿宋", "stfangso.ttf": "华文仿宋", "simhei.ttf": "黑体", "simkai.ttf": "楷体",
    "stkaiti.ttf": "华文楷体", "simsun.ttc": "宋体", "stsong.ttf": "华文宋体", "fzxbsjw.ttf": "方正小标宋简体",
    "fzxbsjw--gb1-0.ttf": "方正小标宋简体", "msyh.ttc": "微软雅黑", "msyh.ttf": "微软雅黑", "sthei.ttf": "华文黑体",
    "stheiti medium.ttc": "华文黑体", "stheiti light.ttc": "华文黑体", "songti.ttc": "宋体-简", "kaiti.ttc": "楷体-简",
    "pingfang.ttc": "苹方", "wqy-zenhei.ttc": "文泉驿正黑", "wqy-microhei.ttc": "文泉驿微米黑",
    "uming.ttc": "文鼎明体", "ukai.ttc": "文鼎楷体", "droidsansfallbackfull.ttf": "Droid Sans Fallback",
    "droidsansfallback.ttf": "Droid Sans Fallback",
}
# Each role's fonts, best first; a role with none of its own takes the body's font, then any found.
ROLE_FONTS = {
    "body": ("simfang.ttf", "stfangso.ttf", "simsun.ttc", "stsong.ttf", "songti.ttc", "uming.ttc"),
    "heading1": ("simhei.ttf", "sthei.ttf", "stheiti medium.ttc", "stheiti light.ttc", "msyh.ttc", "msyh.ttf",
                 "pingfang.ttc", "wqy-zenhei.ttc", "wqy-microhei.ttc", "droidsansfallbackfull.ttf",
                 "droidsansfallback.ttf"),
    "heading2": ("simkai.ttf", "stkaiti.ttf", "kaiti.ttc", "ukai.ttc"),
    "title": ("fzxbsjw.ttf", "fzxbsjw--gb1-0.ttf", "simsun.ttc", "stsong.ttf", "songti.ttc", "uming.ttc"),
    "page_number": ("simsun.ttc", "stsong.ttf", "songti.ttc", "uming.ttc"),
}
ROLE_NAMES = {"body": "正文", "heading1": "一级标题", "heading2": "二级标题", "title": "标题", "page_number": "页码"}
FANGSONG_FILES = ("simfang.ttf", "stfangso.ttf")
CHINESE_SAMPLE = "中国工会职工代表大会，。、"  # a font must have these to be used
SCAN_LIMIT = 5000  # font files looked at in one folder tree


@dataclass(eq=False)
class PdfFont:
    """One font the PDF can use: ``name`` is reportlab's registered name."""

    name: str
    label: str  # 仿宋（simfang.ttf） · STSong-Light
    path: str | None = None  # None: the built-in CID font
    subfont: int = 0
    ascent: float = 0.88  # the baseline's place in the em box, from its top
    _font: object = field(default=None, repr=False)
    _chars: object = field(default=None, repr=False)  # code points with a glyph (None: all, the CID font)
    _widths: dict = field(default_factory=dict, repr=False)

    @property
    def embedded(self) -> bool:
        return self.path is not None

    def has(self, char: str) -> bool:
        return self._chars is None or ord(char) in self._chars

    def width(self, char: str) -> float:
        """Advance in thousandths of the size."""
        width = self._widths.get(char)
        if width is None:
            width = self._widths[char] = self._font.stringWidth(char, 1000)
        return width


@dataclass(eq=False)
class PdfFonts:
    """The fonts of each role (body, heading1, heading2, title, page_number) and, for characters a role's
    font lacks, the other fonts found, the CID font last."""

    roles: dict[str, PdfFont]
    fallbacks: tuple[PdfFont, ...]

    @property
    def embedded(self) -> bool:
        return all(font.embedded for font in self.roles.values())

    def font(self, role: str) -> PdfFont:
        return self.roles[role]

    def report(self) -> str:
        """In Chinese, which fonts the PDF uses (for the GUI's status line)."""
        if not self.embedded:
            return ("本机未找到可嵌入的中文 TrueType 字体，PDF 使用阅读器内置的宋体（STSong-Light，未嵌入文件）；"
                    "在未安装中文字体的电脑上可能显示不正常。安装仿宋、黑体、楷体等字体后再导出即可嵌入。")
        by_label: dict[str, list[str]] = {}
        for role in ("body", "heading1", "heading2", "title", "page_number"):
            by_label.setdefault(self.roles[role].label, []).append(ROLE_NAMES[role])
        if len(by_label) == 1:
            text = f"PDF 已嵌入中文字体{next(iter(by_label))}，用于正文、标题和页码。"
        else:
            text = "PDF 已嵌入中文字体：" + "，".join(f"{'、'.join(roles)} {label}" for label, roles in by_label.items()) + "。"
        body = self.roles["body"]
        if body.path and Path(body.path).name.lower() not in FANGSONG_FILES:
            text += f"本机没有仿宋字体，正文改用{body.label.split('（')[0]}。"
        return text


def system_font_dirs() -> list[Path]:
    """The folders fonts are installed in on this system (Windows, macOS, Linux)."""
    home = Path.home()
    if sys.platform.startswith("win"):
        dirs = [Path(os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows") / "Fonts"]
        if os.environ.get("LOCALAPPDATA"):
            dirs.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    elif sys.platform == "darwin":
        dirs = [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library" / "Fonts"]
    else:
        data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
        dirs = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), data_home / "fonts", home / ".fonts"]
    return [d for d in dirs if d.is_dir()]


def _font_files(dirs) -> dict[str, Path]:
    """Every font file under ``dirs`` by its lower-case name (the first found wins)."""
    files: dict[str, Path] = {}
    for root in dirs:
        seen = 0
        for folder, subdirs, names in os.walk(root):
            subdirs.sort()
            for name in sorted(names):
                if name.lower().endswith((".ttf", ".ttc", ".otf")):
                    files.setdefault(name.lower(), Path(folder) / name)
                    seen += 1
            if seen > SCAN_LIMIT:
                break
    return files


def _sfnt_faces(path: Path) -> list[tuple[int, bool, bool, str]]:
    """(subfont index, has TrueType outlines, says it covers Chinese, family name) of each face of a
    .ttf/.ttc/.otf, read from its table directory, OS/2 and name tables; [] when unreadable."""
    try:
        with open(path, "rb") as f:
            data = f.read(12)
            if data[:4] == b"ttcf":
                count = struct.unpack(">I", data[8:12])[0]
                offsets = list(struct.unpack(f">{min(count, 64)}I", f.read(4 * min(count, 64))))
            elif data[:4] in (b"\0\1\0\0", b"true", b"OTTO"):
                offsets = [0]
            else:
                return []
            faces = []
            for index, offset in enumerate(offsets):
                f.seek(offset + 4)
                tables = {}
                for _ in range(struct.unpack(">H", f.read(2))[0]):
                    f.seek(offset + 12 + 16 * len(tables))
                    tag, _sum, where, length = struct.unpack(">4sIII", f.read(16))
                    tables[tag] = (where, length)
                truetype = b"glyf" in tables and b"CFF " not in tables and b"CFF2" not in tables
                chinese = False
                if b"OS/2" in tables:
                    f.seek(tables[b"OS/2"][0])
                    os2 = f.read(86)
                    if len(os2) >= 58:
                        unicode_range2 = struct.unpack(">I", os2[46:50])[0]
                        chinese = bool(unicode_range2 & (1 << (59 - 32)))
                    if len(os2) >= 82 and struct.unpack(">H", os2[:2])[0] >= 1:
                        code_pages = struct.unpack(">I", os2[78:82])[0]
                        chinese = chinese or bool(code_pages & ((1 << 18) | (1 << 20)))
                faces.append((index, truetype, chinese, _family_name(f, tables.get(b"name"))))
            return faces
    except (OSError, struct.error, ValueError):
        return []


def _family_name(f, where) -> str:
    if where is None:
        return ""
    start = where[0]
    f.seek(start)
    _format, count, strings = struct.unpack(">HHH", f.read(6))
    names = {}
    for i in range(min(count, 200)):
        f.seek(start + 6 + 12 * i)
        platform, encoding, language, name_id, length, offset = struct.unpack(">6H", f.read(12))
        if name_id == 1 and platform == 3:
            f.seek(start + strings + offset)
            names[language] = f.read(length).decode("utf-16-be", "replace")
    return names.get(0x804) or names.get(0x409) or next(iter(names.values()), "")


def _subfont(path: Path, *, known: bool) -> tuple[int, bool, bool, str] | None:
    """Which face of a font file to use: a TrueType one with Chinese glyphs, the mainland (CN/SC/GB) one
    first; None when it has none (CFF outlines, no Chinese). A known Chinese font is tried even when its
    OS/2 table does not say it covers Chinese; an unknown one must say so (or scanning would load every
    Latin font)."""
    faces = [face for face in _sfnt_faces(path) if face[1]]
    chinese = [face for face in faces if face[2]] or (faces if known else [])
    if not chinese:
        return None
    for face in chinese:
        if face[3].upper().endswith((" CN", " SC", " GB")):
            return face
    return chinese[0]


def _load_truetype(path: Path, label: str | None) -> PdfFont | None:
    """The font in ``path`` if reportlab can embed it and it has Chinese glyphs; ``label`` None for a
    font found by scanning (named by its family name)."""
    face = _subfont(path, known=label is not None)
    if face is None:
        return None
    index, label = face[0], label or face[3] or path.stem
    where = hashlib.sha1(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:8]
    name = "GH-" + "".join(c if c.isascii() and c.isalnum() else "-" for c in path.stem)[:40] + f"-{index}-{where}"
    try:
        font = TTFont(name, str(path), subfontIndex=index, shapable=False)
    except (TTFError, OSError, ValueError, struct.error, KeyError, IndexError):
        return None  # not embeddable, damaged, or not a font reportlab reads
    chars = font.face.charToGlyph
    if not chars or not all(ord(c) in chars for c in CHINESE_SAMPLE):
        return None
    pdfmetrics.registerFont(font)
    ascent, descent = font.face.ascent, font.face.descent
    ratio = ascent / (ascent - descent) if ascent > 0 and descent < 0 else 0.88
    return PdfFont(name, f"{label}（{path.name}）", str(path), index, min(max(ratio, 0.75), 0.92), font,
                   frozenset(chars))


def _cid_font() -> PdfFont:
    try:
        font = pdfmetrics.getFont(CID_FONT)
    except KeyError:
        font = UnicodeCIDFont(CID_FONT)
        pdfmetrics.registerFont(font)
    return PdfFont(CID_FONT, CID_FONT, None, 0, 0.88, font, None)


_cache: dict[tuple, PdfFonts] = {}
_lock = threading.Lock()


def find_pdf_fonts(font_dirs=None) -> PdfFonts:
    """The fonts a PDF written now would use, searched in ``font_dirs`` (default: :func:`system_font_dirs`).
    Known Chinese TrueType fonts by file name first (each role's own, then the body's, then any), then any
    other TrueType font with Chinese glyphs; the built-in CID font STSong-Light when none is found."""
    dirs = tuple(Path(d) for d in (system_font_dirs() if font_dirs is None else font_dirs))
    with _lock:
        if dirs not in _cache:
            _cache[dirs] = _find_fonts(dirs)
        return _cache[dirs]


def _find_fonts(dirs: tuple[Path, ...]) -> PdfFonts:
    files = _font_files(dirs)
    loaded: dict[str, PdfFont | None] = {}
    faces: dict[tuple, PdfFont] = {}

    def load(key: str) -> PdfFont | None:
        if key not in loaded:
            font = _load_truetype(files[key], KNOWN_FONTS.get(key)) if key in files else None
            if font is not None:  # one face found twice (a copy, a link) is registered once: reportlab keys a
                face = (font._font.face.name, font.subfont)  # subset's objects by the face's name
                if face in faces:
                    font = dataclasses.replace(faces[face], label=font.label)
                faces.setdefault(face, font)
            loaded[key] = font
        return loaded[key]

    def first(keys) -> PdfFont | None:
        return next((font for font in map(load, keys) if font is not None), None)

    every_known = [key for keys in ROLE_FONTS.values() for key in keys]
    roles: dict[str, PdfFont | None] = {role: first(keys) for role, keys in ROLE_FONTS.items()}
    fallback = roles["body"] or first(every_known)
    if fallback is None:  # no known font: any TrueType font with Chinese glyphs
        for key in sorted(files):
            if key not in KNOWN_FONTS and not key.endswith(".otf"):
                fallback = load(key)
                if fallback is not None:
                    break
    cid = _cid_font()
    if fallback is None:
        return PdfFonts({role: cid for role in ROLE_FONTS}, (cid,))
    chosen = {role: font or fallback for role, font in roles.items()}
    others = [font for font in loaded.values() if font is not None]
    return PdfFonts(chosen, tuple(dict.fromkeys(others)) + (cid,))


def font_report(font_dirs=None) -> str:
    """In Chinese, which fonts :func:`write_pdf` embeds (or that it falls back to STSong-Light)."""
    return find_pdf_fonts(font_dirs).report()


# --- line breaking ---------------------------------------------------------------------------------------
NO_LINE_START = frozenset("，。、；：？！）］｝〕〉》」』】〗〙〛”’…‥·・％‰℃°′″¢"
                          ",.;:?!)]}%>-–、ー々〃ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
NO_LINE_END = frozenset("（［｛〔〈《「『【〖〘〚“‘([{<£¥$￥＄")
UNSPLIT = frozenset("—…⋯―")  # —— and …… stay whole
PADDED_OPEN, PADDED = frozenset("“‘"), frozenset("“‘”’")  # full-width quotes, whatever the font


@dataclass(frozen=True)
class _Style:
    role: str
    size: float
    leading: float
    align: str = "justify"  # justify · left · centre · right
    first_indent: float = 0.0
    right_indent: float = 0.0
    char_space: float = 0.0  # between characters, before justification
    bold: bool = False
    space_before: float = 0.0
    keep_with_next: bool = False
    balance: bool = False  # lines of even length (titles)


BODY_SPACE = PITCH - BODY_SIZE  # -0.21 pt: 28 characters fill 156 mm


def _styles() -> dict:
    indent = INDENT_CHARS * PITCH
    styles = {
        "title": _Style("title", TITLE_SIZE, TITLE_LINE, "centre", bold=True, balance=True),
        "subtitle": _Style("heading2", BODY_SIZE, LINE, "centre", char_space=BODY_SPACE),
        "salutation": _Style("body", BODY_SIZE, LINE, "left", char_space=BODY_SPACE),
        "body": _Style("body", BODY_SIZE, LINE, first_indent=indent, char_space=BODY_SPACE),
        "signature": _Style("body", BODY_SIZE, LINE, "right", char_space=BODY_SPACE),
        "table": _Style("body", TABLE_SIZE, TABLE_LINE, "centre"),
        "table_header": _Style("heading1", TABLE_SIZE, TABLE_LINE, "centre"),
        "page_number": _Style("page_number", PAGE_NUMBER_SIZE, PAGE_NUMBER_SIZE * 1.3, "left"),
    }
    for level, role in ((1, "heading1"), (2, "heading2"), (3, "body"), (4, "body")):
        styles[level] = _Style(role, BODY_SIZE, LINE, first_indent=indent, char_space=BODY_SPACE, keep_with_next=True)
    return styles


STYLES = _styles()


class _Glyph:
    __slots__ = ("char", "font", "advance", "cell", "offset")

    def __init__(self, char: str, font: PdfFont, advance: float, cell: float, offset: float):
        self.char, self.font, self.advance, self.cell, self.offset = char, font, advance, cell, offset


@dataclass
class _Line:
    glyphs: list
    indent: float  # from the left of the available width
    avail: float  # the width the line may fill
    last: bool  # the paragraph's last line: not justified


def _shape(text: str, fonts: PdfFonts, style: _Style) -> list[_Glyph]:
    primary = fonts.font(style.role)
    glyphs = []
    for char in text:
        if char in "\t\r\n\u3000":
            char = " " if char != "\u3000" else char
        font = primary if primary.has(char) else next((f for f in fonts.fallbacks if f.has(char)), primary)
        advance = font.width(char) * style.size / 1000
        cell, offset = advance, 0.0
        if advance < style.size * 0.9 and char in PADDED:
            cell = style.size  # a Western-width quote in a full-width cell, against the text it quotes
            offset = cell - advance if char in PADDED_OPEN else 0.0
        glyphs.append(_Glyph(char, font, advance, cell, offset))
    return glyphs


def _ascii_word(char: str) -> bool:
    return ord(char) < 128 and not char.isspace()


def _breakable(glyphs: list[_Glyph], i: int) -> bool:
    """May a line end before glyphs[i]?"""
    before, after = glyphs[i - 1].char, glyphs[i].char
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    if before == after and after in UNSPLIT:
        return False
    return not (_ascii_word(before) and _ascii_word(after))


def _break(glyphs: list[_Glyph], first_avail: float, avail: float, space: float) -> list[tuple[int, int]]:
    """Greedy line breaking with 避头尾: (start, end) of each line."""
    lines: list[tuple[int, int]] = []
    start, n = 0, len(glyphs)
    while start < n:
        width_avail = first_avail if not lines else avail
        width, k = 0.0, start
        while k < n and width + glyphs[k].cell + space <= width_avail + EPSILON:
            width += glyphs[k].cell + space
            k += 1
        if k >= n:
            lines.append((start, n))
            break
        k = max(k, start + 1)  # a glyph wider than the line still takes one
        end = k
        while end > start + 1 and not _breakable(glyphs, end):
            end -= 1
        if end == start + 1 and not _breakable(glyphs, end) and k > start + 1:
            end = k  # no allowed break (a long Latin word): break where the line is full
        lines.append((start, end))
        start = end
        while start < n and glyphs[start].char == " ":
            start += 1
    return lines


def _layout(text: str, fonts: PdfFonts, style: _Style, width: float) -> list[_Line]:
    glyphs = _shape(text, fonts, style)
    if not glyphs:
        return [_Line([], 0.0, width - style.right_indent, True)]
    avail = width - style.right_indent
    first_avail = avail - style.first_indent
    if style.balance:  # broken at the even width, centred in the whole
        even = _balanced_width(glyphs, avail, style.char_space)
        spans = _break(glyphs, even, even, style.char_space)
    else:
        spans = _break(glyphs, first_avail, avail, style.char_space)
    lines = []
    for number, (start, end) in enumerate(spans):
        while end > start and glyphs[end - 1].char == " ":
            end -= 1
        lines.append(_Line(glyphs[start:end], style.first_indent if number == 0 else 0.0,
                           first_avail if number == 0 else avail, number == len(spans) - 1))
    return lines


def _balanced_width(glyphs: list[_Glyph], avail: float, space: float) -> float:
    """The narrowest width that still takes as few lines as ``avail`` does: a title's lines of even length."""
    count = len(_break(glyphs, avail, avail, space))
    if count <= 1:
        return avail
    low, high = avail / count * 0.8, avail
    for _ in range(20):
        middle = (low + high) / 2
        if len(_break(glyphs, middle, middle, space)) > count:
            low = middle
        else:
            high = middle
    return high


def _natural_width(glyphs: list[_Glyph], space: float) -> float:
    return sum(g.cell for g in glyphs) + space * (len(glyphs) - 1) if glyphs else 0.0


def _draw_line(canvas, line: _Line, style: _Style, x: float, baseline: float) -> None:
    """One line; a justified line's spare width goes into the gaps next to Chinese characters and
    punctuation, not inside a run of digits or Latin letters (58.8% stays tight)."""
    glyphs = line.glyphs
    if not glyphs:
        return
    space = style.char_space
    natural = _natural_width(glyphs, space)
    # stretch[i]: the spare width the gap before glyphs[i] takes
    stretch = [0.0] * len(glyphs)
    if style.align == "justify" and not line.last and len(glyphs) > 1:
        gaps = [i for i in range(1, len(glyphs))
                if not (_ascii_word(glyphs[i - 1].char) and _ascii_word(glyphs[i].char))]
        gaps = gaps or list(range(1, len(glyphs)))
        share = (line.avail - natural) / len(gaps)
        for i in gaps:
            stretch[i] = share
        natural = line.avail
    x += line.indent
    if style.align == "centre":
        x += (line.avail - natural) / 2
    elif style.align == "right":
        x += line.avail - natural
    if style.bold:
        canvas.setLineWidth(style.size * 0.03)
        canvas.setLineJoin(1)
    canvas.setFont(glyphs[0].font.name, style.size)  # or the text object starts in Helvetica
    text = canvas.beginText()
    if style.bold:
        text.setTextRenderMode(2)  # fill and stroke: bold from a regular font, as Word does with 宋体
    run: list[str] = []
    run_font, run_x, run_gap = None, x, None
    for i, glyph in enumerate(glyphs):
        padded = glyph.cell != glyph.advance
        gap = stretch[i]
        if run and (glyph.font is not run_font or padded or (run_gap is not None and gap != run_gap)):
            _run_out(text, run_font, style.size, run_x, baseline, run, space + (run_gap or 0.0))
            run = []
        if run:
            run_gap = gap
        else:
            run_font, run_x, run_gap = glyph.font, x + gap + glyph.offset, None
        x += gap
        run.append(glyph.char)
        if padded:
            _run_out(text, run_font, style.size, run_x, baseline, run, space)
            run = []
        x += glyph.cell + space
    if run:
        _run_out(text, run_font, style.size, run_x, baseline, run, space + (run_gap or 0.0))
    canvas.drawText(text)


def _run_out(text, font: PdfFont, size: float, x: float, baseline: float, chars: list[str], space: float) -> None:
    text.setFont(font.name, size)
    text.setCharSpace(space)
    text.setTextOrigin(x, baseline)
    text.textOut("".join(chars))


# --- flowables ---------------------------------------------------------------------------------------------
class _Text(Flowable):
    """Lines of one paragraph on exact line spacing; splits between lines at a page break."""

    def __init__(self, text: str, style: _Style, fonts: PdfFonts, lines: list[_Line] | None = None,
                 space_before: float | None = None):
        super().__init__()
        self.text, self.style, self.fonts = text, style, fonts
        self._lines, self._width = lines, None if lines is None else -1.0
        self.spaceBefore = style.space_before if space_before is None else space_before
        self.keepWithNext = False  # handled by write_pdf (CondPageBreak), not platypus's KeepTogether
        self.keep_with_next = style.keep_with_next

    def lines(self, width: float) -> list[_Line]:
        if self._width is not None and (self._width < 0 or abs(self._width - width) < EPSILON):
            return self._lines
        self._lines, self._width = _layout(self.text, self.fonts, self.style, width), width
        return self._lines

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.height = len(self.lines(availWidth)) * self.style.leading
        return self.width, self.height

    def split(self, availWidth, availHeight):
        lines = self.lines(availWidth)
        fit = int((availHeight + EPSILON) // self.style.leading)
        if fit <= 0 or fit >= len(lines):
            return [] if fit <= 0 else [self]
        return [_Text(self.text, self.style, self.fonts, lines[:fit]),
                _Text(self.text, self.style, self.fonts, lines[fit:], space_before=0.0)]

    def min_first_height(self, width: float) -> float:
        return self.spaceBefore + min(2, len(self.lines(width))) * self.style.leading

    def draw(self):
        lines = self.lines(self.width)
        font = self.fonts.font(self.style.role)
        leading, size = self.style.leading, self.style.size
        for number, line in enumerate(lines):
            top = self.height - number * leading
            baseline = top - (leading - size) / 2 - font.ascent * size
            _draw_line(self.canv, line, self.style, 0.0, baseline)


class PdfStory:
    """What :func:`write_block` appends to: the flowables and the fonts."""

    def __init__(self, fonts: PdfFonts):
        self.fonts = fonts
        self.flowables: list[Flowable] = []

    def text(self, text: str, style_key, **changes) -> _Text:
        style = STYLES[style_key]
        if changes:
            style = _Style(**{**style.__dict__, **changes})
        flowable = _Text(full_width_punctuation(text), style, self.fonts)
        self.flowables.append(flowable)
        return flowable

    def cell(self, text: str, header: bool = False) -> _Text:
        return _Text(full_width_punctuation(str(text)), STYLES["table_header" if header else "table"], self.fonts)


# --- blocks ----------------------------------------------------------------------------------------------
@singledispatch
def write_block(block, pdf: PdfStory, number: str = "") -> None:
    """Append one block's flowables to ``pdf`` (register new block types on this function)."""
    raise TypeError(f"no PDF form for {type(block).__name__}")


@write_block.register
def _(block: Heading, pdf: PdfStory, number: str = "") -> None:
    pdf.text(number + block.text, block.level)


@write_block.register
def _(block: Paragraph, pdf: PdfStory, number: str = "") -> None:
    pdf.text(block.text, "body")


def _chars_width(text: str) -> float:
    """Width in characters: Chinese characters 1, ASCII ½ (as the Word writer counts)."""
    return sum(0.5 if ord(c) < 128 else 1 for c in text)


def _column_widths(block: Table, width: int, fonts: PdfFonts) -> list[float]:
    """Widths sharing the text block: each column as wide as its longest text (at most 12 characters) when
    they all fit, the spare width shared by those widths; else the headers (up to 4 characters) kept whole
    and the rest shared by what each column still wants. (The Word writer shares by characters only.)"""
    pad = 2 * TABLE_PADDING_X + 1

    def measure(text: str, header: bool) -> float:
        return _natural_width(_shape(full_width_punctuation(text), fonts, STYLES["table_header" if header else "table"]),
                              0.0)

    wants, mins = [], []
    for c in range(width):
        header = str(block.header[c]) if c < len(block.header) else ""
        longest = max([measure(header, True)] + [measure(str(row[c]), False) for row in block.rows if c < len(row)])
        want = min(max(longest, TABLE_SIZE), 12 * TABLE_SIZE) + pad
        wants.append(want)
        mins.append(min(measure(header[:4], True) + pad, want))
    if sum(wants) <= TEXT_WIDTH:
        return [w * TEXT_WIDTH / sum(wants) for w in wants]
    if sum(mins) >= TEXT_WIDTH:
        return [w * TEXT_WIDTH / sum(mins) for w in mins]
    spare, more = TEXT_WIDTH - sum(mins), [w - m for w, m in zip(wants, mins)]
    return [m + spare * x / sum(more) for m, x in zip(mins, more)]


@write_block.register
def _(block: Table, pdf: PdfStory, number: str = "") -> None:
    width = max([len(block.header)] + [len(row) for row in block.rows])
    if width == 0:
        return
    data = [[pdf.cell(row[c] if c < len(row) else "", header=r == 0) for c in range(width)]
            for r, row in enumerate((block.header, *block.rows))]
    table = RLTable(data, colWidths=_column_widths(block, width, pdf.fonts), repeatRows=1, splitInRow=1, hAlign="CENTER")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), pdf.fonts.font("body").name, TABLE_SIZE),  # else Table sets Helvetica
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), TABLE_PADDING_X), ("RIGHTPADDING", (0, 0), (-1, -1), TABLE_PADDING_X),
        ("TOPPADDING", (0, 0), (-1, -1), TABLE_PADDING_Y), ("BOTTOMPADDING", (0, 0), (-1, -1), TABLE_PADDING_Y),
    ]))
    table.spaceAfter = LINE / 2  # a little air under the grid (dropped at the foot of a page)
    pdf.flowables.append(table)
    picture = chart_png(block)
    if picture is not None:  # the chart under its table, centred
        image = RLImage(io.BytesIO(picture), width=CHART_WIDTH_MM * mm, height=chart_height_mm(block) * mm)
        image.hAlign = "CENTER"
        image.spaceAfter = LINE / 2
        pdf.flowables.append(image)


# --- the document ----------------------------------------------------------------------------------------
def _signature(pdf: PdfStory, signer: str, dated: str) -> None:
    """Date four characters in from the right, the signer centred over it (GB/T 9704 7.3.5.2); a signer
    longer than the date two characters in and the date centred under it — as the Word writer does."""
    if not signer and not dated:
        return
    signer_w, date_w = _chars_width(signer), _chars_width(dated)
    if signer and dated and signer_w > date_w:
        signer_in, date_in = 2.0, 2.0 + (signer_w - date_w) / 2
    else:
        date_in = 4.0
        signer_in = date_in + (date_w - signer_w) / 2 if dated else 4.0
    parts = []
    for text, chars in ((signer, signer_in), (dated, date_in)):
        if text:
            parts.append(pdf.text(text, "signature", right_indent=chars * PITCH,
                                  space_before=0.0 if parts else 2 * LINE))  # room for a seal
    del pdf.flowables[-len(parts):]
    pdf.flowables.append(KeepTogether(parts))


def _min_first_height(flowable: Flowable) -> float:
    if isinstance(flowable, _Text):
        return flowable.min_first_height(TEXT_WIDTH)
    if isinstance(flowable, RLTable):
        flowable.wrap(TEXT_WIDTH, TEXT_HEIGHT)
        return sum(flowable._rowHeights[:2])
    if isinstance(flowable, KeepTogether):
        return sum(_min_first_height(f) for f in flowable._content)
    return flowable.wrap(TEXT_WIDTH, TEXT_HEIGHT)[1]


def _keep_headings_with_next(flowables: list[Flowable]) -> list[Flowable]:
    """Before each run of headings, a page break when the headings and the first two lines after them
    (a table's header and first row) would not fit on the page (Word's 与下段同页)."""
    story: list[Flowable] = []
    i = 0
    while i < len(flowables):
        j = i
        while j < len(flowables) and getattr(flowables[j], "keep_with_next", False):
            j += 1
        if j > i:
            height = sum(_min_first_height(f) for f in flowables[i:j])
            if j < len(flowables):
                height += _min_first_height(flowables[j])
            story.append(CondPageBreak(height - EPSILON))
            story.extend(flowables[i:j])
            i = j
        else:
            story.append(flowables[i])
            i += 1
    return story


def _page_number(canvas, doc) -> None:
    """"— N —" under the text block: odd pages right, even pages left, one character in."""
    fonts: PdfFonts = doc.gh_fonts
    style = STYLES["page_number"]
    page = canvas.getPageNumber()
    glyphs = _shape(f"— {page} —", fonts, style)
    width = _natural_width(glyphs, 0.0)
    left = PAGE.left_mm * mm
    x = left + TEXT_WIDTH - PAGE_NUMBER_SIZE - width if page % 2 else left + PAGE_NUMBER_SIZE
    canvas.saveState()
    _draw_line(canvas, _Line(glyphs, 0.0, width, True), style, x, PAGE_NUMBER_BASELINE)
    canvas.restoreState()


def write_pdf(doc: Document, path: str | Path, *, union_name: str | None = None, date_text: str | None = None,
              fonts: PdfFonts | None = None, font_dirs=None) -> Path:
    """Write ``doc`` to ``path`` (.pdf) through a temporary file beside it. ``union_name`` and
    ``date_text`` sign the document when given (else the document's own ``signer`` and ``date_text``).
    ``fonts`` (from :func:`find_pdf_fonts`) or ``font_dirs`` choose the fonts; by default the system's."""
    path = Path(path)
    if not path.parent.is_dir():
        raise UserError(f"文件夹不存在：{path.parent}")
    fonts = fonts or find_pdf_fonts(font_dirs)
    signer = doc.signer if union_name is None else union_name
    dated = doc.date_text if date_text is None else date_text
    pdf = PdfStory(fonts)
    if doc.title:
        pdf.text(doc.title, "title")
    for line in doc.subtitle_lines:
        pdf.text(line, "subtitle")
    if doc.title or doc.subtitle_lines:  # a blank line under the title block
        pdf.text("", "salutation")
    if doc.salutation:
        pdf.text(doc.salutation, "salutation")
    for block, number in zip(doc.blocks, number_headings(doc)):
        write_block(block, pdf, number)
    _signature(pdf, signer, dated)
    if not pdf.flowables:  # an empty document is still one (empty) page
        pdf.text("", "body")
    story = _keep_headings_with_next(pdf.flowables)
    return _build(story, path, fonts, title=doc.title, author=signer or "")


def _build(story: list[Flowable], path: Path, fonts: PdfFonts, *, title: str, author: str) -> Path:
    partial = path.with_name(path.name + ".part")
    template = BaseDocTemplate(
        str(partial), pagesize=A4, leftMargin=PAGE.left_mm * mm, rightMargin=PAGE.right_mm * mm,
        topMargin=PAGE.top_mm * mm, bottomMargin=PAGE.bottom_mm * mm, title=title, author=author,
        subject=title, creator="基层工会工作台", lang="zh-CN", pageCompression=1, invariant=0,
        initialFontName=fonts.font("body").name, initialFontSize=BODY_SIZE)  # no Helvetica in the file
    template.gh_fonts = fonts
    frame = Frame(PAGE.left_mm * mm, PAGE.bottom_mm * mm, TEXT_WIDTH, TEXT_HEIGHT, id="text",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=_page_number)])
    try:
        template.build(story)
        os.replace(partial, path)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, PermissionError):
            raise UserError(f"无法保存“{path.name}”：文件可能正在 PDF 阅读器或浏览器中打开，或该文件夹不允许写入。"
                            "请关闭该文件后重试。") from exc
        if isinstance(exc, OSError):
            raise UserError(f"无法保存“{path.name}”：{exc.strerror or exc}。请检查磁盘空间和文件夹权限。") from exc
        if isinstance(exc, LayoutError):
            raise UserError(f"无法排版“{path.name}”：有一段内容（如表格的一行）超过一页。请拆短后重试。") from exc
        raise
    return path
