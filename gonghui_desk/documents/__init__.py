"""Documents written from the records: a small model (title, headings numbered automatically, paragraphs,
tables), its plain-text editing form, an HTML preview and the Word (.docx) writer laid out like an
official document (DOMAIN.md §3, §4). No Qt here: the GUI edits and exports through these functions.

Used by the proposals report (:mod:`gonghui_desk.congress.report`) and meant for the year-end report
wizard: builders return :class:`Document` objects made of :class:`Section` parts (:func:`compose` drops
the empty ones), and new block kinds register a writer on each ``singledispatch`` function
(:func:`~gonghui_desk.documents.docx_writer.write_block`, :func:`~gonghui_desk.documents.html.block_html`,
:func:`~gonghui_desk.documents.plain_text.block_text`).
"""

from gonghui_desk.documents.html import to_html
from gonghui_desk.documents.model import (ChartSpec, Document, Figure, Heading, Mark, Paragraph, Section, Table, compose, heading_number,
                                          number_headings, strip_heading_number)
from gonghui_desk.documents.plain_text import SYNTAX_HELP, from_plain_text, parse_plain_text, to_plain_text

__all__ = ["SYNTAX_HELP", "ChartSpec", "Document", "Figure", "Heading", "Mark", "Paragraph", "Section", "Table", "compose",
           "from_plain_text", "heading_number", "number_headings", "parse_plain_text", "strip_heading_number",
           "to_html", "to_plain_text", "write_docx"]


def __getattr__(name):  # write_docx imports python-docx and Pillow (~0.2 s): only when a .docx is written
    if name == "write_docx":
        from gonghui_desk.documents.docx_writer import write_docx

        return write_docx
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
