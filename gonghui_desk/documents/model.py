"""The document model: a title, lines under it, a salutation, a list of blocks and a signature.

Blocks are small frozen dataclasses — :class:`Heading` (levels 1–4), :class:`Paragraph` and :class:`Table`.
A heading's text never carries its number: :func:`number_headings` gives the numbers when the document is
shown or written (一、 → （一） → 1. → （1）, DOMAIN.md §4), so dropping or moving a section renumbers the rest.
:func:`strip_heading_number` takes off a number the officer typed by habit.

Builders (the proposals report, the year-end report wizard) write their parts as :class:`Section` objects
and :func:`compose` them into blocks: a section without a body — no paragraph or table of its own and no
kept subsection — is left out, so a part of a report with no data never appears (DOMAIN.md §3).

:class:`Figure` records where a number of the text comes from (what it counts, on what base); builders list
them in :attr:`Document.figures` so the officer can check the draft against the ledgers.

New kinds of block (a chart, a figure-marked paragraph…) are new dataclasses registered with each writer
(``functools.singledispatch``: :func:`~gonghui_desk.documents.docx_writer.write_block`,
:func:`~gonghui_desk.documents.html.block_html`, :func:`~gonghui_desk.documents.plain_text.block_text`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["HEADING_LEVELS", "Block", "ChartSpec", "Document", "Figure", "Heading", "Mark", "Paragraph", "Section", "Table", "compose",
           "heading_number", "number_headings", "strip_heading_number"]

HEADING_LEVELS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Heading:
    level: int  # 1 一、 · 2 （一） · 3 1. · 4 （1）
    text: str  # without its number

    def __post_init__(self):
        if self.level not in HEADING_LEVELS:
            raise ValueError(f"heading level {self.level!r} not in 1–4")


@dataclass(frozen=True)
class Mark:
    """Where a figure stands in a paragraph's text (``text[start:end]``) and which figure it is (a
    :class:`~gonghui_desk.reports.model.Stat` key): the editor shows how it was computed."""

    start: int
    end: int
    key: str


@dataclass(frozen=True)
class Paragraph:
    text: str  # one paragraph of body text (no line breaks)
    marks: tuple[Mark, ...] = ()  # the figures in it (writers print the text; the editor shows the marks)


@dataclass(frozen=True)
class ChartSpec:
    """A bar chart of one column of a table (by month, by category), drawn after the table in the Word and
    PDF files (:mod:`~gonghui_desk.documents.charts`): one bar per row, a 合计 row left out."""

    column: int  # the column whose numbers the bars show (the first column names the bars)
    title: str  # 各月慰问人次


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = ()
    chart: ChartSpec | None = None  # a bar chart of one column after the table

    def __post_init__(self):  # lists are accepted and kept as tuples, so tables compare by value
        object.__setattr__(self, "header", tuple(self.header))
        object.__setattr__(self, "rows", tuple(tuple(row) for row in self.rows))


Block = Heading | Paragraph | Table


@dataclass(frozen=True)
class Figure:
    """A number stated in the text and how it was computed, e.g. 立案率 · 73.9% · 立案17件÷收到提案23件."""

    label: str
    value: str
    basis: str = ""


@dataclass
class Document:
    title: str
    subtitle_lines: list[str] = field(default_factory=list)  # under the title, centred (——在…会议上)
    salutation: str = ""  # 各位代表：
    blocks: list[Block] = field(default_factory=list)
    signer: str = ""  # 落款: who issues it
    date_text: str = ""  # 2026年11月22日
    figures: list[Figure] = field(default_factory=list)  # not part of the text: where its numbers come from


@dataclass
class Section:
    """A heading and its body; ``children`` are its subsections (one level deeper)."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    children: list["Section"] = field(default_factory=list)

    def has_body(self) -> bool:
        return bool(self.blocks) or any(child.has_body() for child in self.children)


def compose(sections: list[Section], level: int = 1) -> list[Block]:
    """The blocks of ``sections`` — each a :class:`Heading` at ``level`` then its blocks then its
    subsections — leaving out every section without a body."""
    blocks: list[Block] = []
    for section in sections:
        if not section.has_body():
            continue
        blocks.append(Heading(min(level, HEADING_LEVELS[-1]), section.title))
        blocks.extend(section.blocks)
        blocks.extend(compose(section.children, level + 1))
    return blocks


# --- numbers ---------------------------------------------------------------------------------------------
_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 100 → 一百, 105 → 一百零五 (0–999; larger in Arabic digits)."""
    if n < 0 or n > 999:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return _DIGITS[hundreds] + "百"
    if rest < 10:
        return _DIGITS[hundreds] + "百零" + _DIGITS[rest]
    tens_text = chinese_numeral(rest)
    return _DIGITS[hundreds] + "百" + ("一" + tens_text if rest < 20 else tens_text)


def heading_number(level: int, n: int) -> str:
    """The number of the ``n``-th heading of a level: 一、 · （一） · 1. · （1）."""
    if level == 1:
        return f"{chinese_numeral(n)}、"
    if level == 2:
        return f"（{chinese_numeral(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


def number_headings(doc: Document | list[Block]) -> list[str]:
    """The number of each block (aligned with the blocks; '' for blocks that are not headings). A heading
    restarts the count of every deeper level, so numbers stay consecutive whatever was dropped."""
    blocks = doc.blocks if isinstance(doc, Document) else doc
    counters = [0] * (len(HEADING_LEVELS) + 1)
    numbers = []
    for block in blocks:
        if isinstance(block, Heading):
            counters[block.level] += 1
            for deeper in range(block.level + 1, len(counters)):
                counters[deeper] = 0
            numbers.append(heading_number(block.level, counters[block.level]))
        else:
            numbers.append("")
    return numbers


_NUMERAL = "[一二三四五六七八九十百零〇]+"
_TYPED_NUMBER = re.compile(
    rf"^\s*(?:{_NUMERAL}\s*[、.．]|[（(]\s*{_NUMERAL}\s*[)）]|\d+\s*[.．、](?!\d)|[（(]\s*\d+\s*[)）])\s*")


def strip_heading_number(text: str) -> tuple[str, str]:
    """("二、加强民主管理" →) ("加强民主管理", "二、"): a heading's text without the number typed before it."""
    match = _TYPED_NUMBER.match(text)
    if not match or not text[match.end():].strip():
        return text.strip(), ""
    return text[match.end():].strip(), match.group(0).strip()
