"""The document as plain text the officer edits, and back (:func:`to_plain_text` / :func:`from_plain_text`).

The text starts with the document's own lines, one per key, then a blank line and the body::

    标题：关于第五届教代会第二次会议提案办理情况的报告
    副标题：——在第五届教代会第三次会议上      (any number of these)
    称呼：各位代表：
    落款：某某中学教代会提案工作委员会
    日期：2026年11月22日

    受教代会提案工作委员会委托，……           (one line = one paragraph)

    # 提案征集和审查情况                      (# to #### : headings of levels 1–4, without numbers)
    ## 交办和答复

    | 承办部门 | 主办 | 已答复 |               (consecutive lines starting with | : a table,
    | 总务处 | 4 | 3 |                          the first one its header)

Blank lines are ignored. Heading numbers are never typed: a number typed anyway ("# 二、加强…") is taken
off, with a note. A body line that would read as something else (starting with #, |, \\ or a key such as
"标题：") is written with a leading backslash, which reading takes off, so any document whose texts
hold no line breaks comes back unchanged: ``from_plain_text(to_plain_text(doc)) == doc`` (figures aside,
which are not part of the text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import singledispatch

from gonghui_desk.documents.model import Document, Heading, Paragraph, Table, strip_heading_number

__all__ = ["HEADER_KEYS", "ParseResult", "SYNTAX_HELP", "block_text", "from_plain_text", "parse_plain_text",
           "to_plain_text"]

HEADER_KEYS = {"标题": "title", "副标题": "subtitle_lines", "称呼": "salutation", "落款": "signer", "日期": "date_text"}
SYNTAX_HELP = ("一行一段；“# ”开头为一级标题，“## ”二级，“### ”三级，“#### ”四级，编号导出时自动生成，不用手写；"
               "以“|”开头的连续几行是表格（第一行为表头）；开头几行的“标题：”“副标题：”“称呼：”“落款：”“日期：”可直接修改。")
_HEADER_LINE = re.compile(rf"^({'|'.join(HEADER_KEYS)})[：:](.*)$")
_HEADING_LINE = re.compile(r"^(#+)\s*(.*)$")


def _escape(text: str) -> str:
    text = " ".join(text.splitlines())
    if text.startswith(("#", "|", "\\")) or _HEADER_LINE.match(text):
        return "\\" + text
    return text


@singledispatch
def block_text(block) -> list[str]:
    """The lines of one block (register new block types on this function)."""
    raise TypeError(f"no plain-text form for {type(block).__name__}")


@block_text.register
def _(block: Heading) -> list[str]:
    return ["#" * block.level + " " + " ".join(block.text.splitlines())]


@block_text.register
def _(block: Paragraph) -> list[str]:
    return [_escape(block.text)]


def _cell(text: str) -> str:
    return " ".join(str(text).splitlines()).replace("|", "\\|")


@block_text.register
def _(block: Table) -> list[str]:
    return ["| " + " | ".join(_cell(c) for c in row) + " |" for row in (block.header, *block.rows)]


def to_plain_text(doc: Document) -> str:
    lines = [f"标题：{doc.title}"]
    lines += [f"副标题：{line}" for line in doc.subtitle_lines]
    for key, attribute in (("称呼", "salutation"), ("落款", "signer"), ("日期", "date_text")):
        value = getattr(doc, attribute)
        if value:
            lines.append(f"{key}：{value}")
    for block in doc.blocks:
        lines.append("")
        lines.extend(block_text(block))
    return "\n".join(lines) + "\n"


@dataclass
class ParseResult:
    document: Document
    notes: list[str] = field(default_factory=list)  # what reading changed, for the officer (第N行：…)


def _split_cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [c.strip().replace("\\|", "|") for c in cells]


def _is_rule(cells: list[str]) -> bool:  # a Markdown |---|---| line
    return all(re.fullmatch(r":?-{2,}:?", c) for c in cells) and bool(cells)


def parse_plain_text(text: str) -> ParseResult:
    """Read the edited text back into a document, with notes on what was changed (see the module text)."""
    doc = Document(title="")
    notes: list[str] = []
    lines = text.splitlines()
    i, in_header = 0, True
    table_lines: list[tuple[int, list[str]]] = []

    def flush_table() -> None:
        if not table_lines:
            return
        rows = [cells for _, cells in table_lines if not _is_rule(cells)]
        width = max(len(r) for r in rows)
        if any(len(r) != width for r in rows):
            notes.append(f"第{table_lines[0][0]}行起的表格各行格数不同，已用空格补齐")
        rows = [r + [""] * (width - len(r)) for r in rows]
        doc.blocks.append(Table(tuple(rows[0]), tuple(tuple(r) for r in rows[1:])))
        table_lines.clear()

    while i < len(lines):
        line_number, line = i + 1, lines[i].strip()
        i += 1
        if not line:
            flush_table()
            continue
        header = _HEADER_LINE.match(line) if in_header else None
        if header:
            attribute, value = HEADER_KEYS[header.group(1)], header.group(2).strip()
            if attribute == "subtitle_lines":
                doc.subtitle_lines.append(value)
            else:
                setattr(doc, attribute, value)
            continue
        in_header = False
        if line.startswith("|"):
            table_lines.append((line_number, _split_cells(line)))
            continue
        flush_table()
        if line.startswith("\\"):
            doc.blocks.append(Paragraph(line[1:]))
            continue
        heading = _HEADING_LINE.match(line)
        if heading:
            level = len(heading.group(1))
            if level > 4:
                notes.append(f"第{line_number}行：标题最多四级，已按四级标题处理")
                level = 4
            title, typed = strip_heading_number(heading.group(2))
            if typed:
                notes.append(f"第{line_number}行：标题前手写的编号“{typed}”已去掉，导出时自动编号")
            if not title:
                notes.append(f"第{line_number}行：空标题已略去")
                continue
            doc.blocks.append(Heading(level, title))
            continue
        doc.blocks.append(Paragraph(line))
    flush_table()
    if not doc.title:
        notes.append("没有“标题：”一行，文档将没有标题")
    return ParseResult(doc, notes)


def from_plain_text(text: str) -> Document:
    return parse_plain_text(text).document
