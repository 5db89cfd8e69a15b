"""The document as simple HTML, for an on-screen preview (Qt's rich text understands this subset): the
headings numbered, the fonts of DOMAIN.md §4 where the system has them."""

from __future__ import annotations

from functools import singledispatch
from html import escape

from gonghui_desk.documents.model import Document, Heading, Paragraph, Table, number_headings
from gonghui_desk.documents.wording import full_width_punctuation

__all__ = ["block_html", "to_html"]

BODY_FONTS = "'FangSong', '仿宋', 'STFangsong', 'Noto Serif CJK SC', serif"
HEADING_FONTS = {1: "'SimHei', '黑体', 'Noto Sans CJK SC', sans-serif",
                 2: "'KaiTi', '楷体', 'STKaiti', 'Noto Serif CJK SC', serif"}
TITLE_FONTS = "'SimSun', '宋体', 'Noto Serif CJK SC', serif"


def _text(text: str) -> str:
    return escape(full_width_punctuation(text))


@singledispatch
def block_html(block, number: str = "") -> str:
    """The HTML of one block (register new block types on this function)."""
    raise TypeError(f"no HTML form for {type(block).__name__}")


@block_html.register
def _(block: Heading, number: str = "") -> str:
    font = HEADING_FONTS.get(block.level, BODY_FONTS)
    weight = "bold" if block.level == 1 else "normal"
    return (f'<p style="font-family: {font}; font-weight: {weight}; text-indent: 32px; margin: 6px 0;">'
            f"{escape(number)}{_text(block.text)}</p>")


@block_html.register
def _(block: Paragraph, number: str = "") -> str:
    return f'<p style="text-indent: 32px; margin: 4px 0; line-height: 150%;">{_text(block.text)}</p>'


@block_html.register
def _(block: Table, number: str = "") -> str:
    head = "".join(f'<th style="padding: 2px 6px;">{_text(c)}</th>' for c in block.header)
    rows = "".join("<tr>" + "".join(f'<td style="padding: 2px 6px;" align="center">{_text(c)}</td>' for c in row)
                   + "</tr>" for row in block.rows)
    return (f'<table border="1" cellspacing="0" cellpadding="3" align="center" '
            f'style="border-collapse: collapse; margin: 6px 0;"><tr>{head}</tr>{rows}</table>')


def to_html(doc: Document) -> str:
    parts = [f'<html><body style="font-family: {BODY_FONTS}; font-size: 12pt;">']
    if doc.title:
        parts.append(f'<p align="center" style="font-family: {TITLE_FONTS}; font-size: 16pt; font-weight: bold; '
                     f'margin: 8px 0;">{_text(doc.title)}</p>')
    for line in doc.subtitle_lines:
        parts.append(f'<p align="center" style="font-family: {HEADING_FONTS[2]};">{_text(line)}</p>')
    if doc.salutation:
        parts.append(f'<p style="margin-top: 12px;">{_text(doc.salutation)}</p>')
    for block, number in zip(doc.blocks, number_headings(doc)):
        parts.append(block_html(block, number))
    for line in (doc.signer, doc.date_text):
        if line:
            parts.append(f'<p align="right" style="margin-right: 4em;">{_text(line)}</p>')
    parts.append("</body></html>")
    return "".join(parts)
