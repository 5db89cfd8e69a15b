"""The one print path of every ledger and list: a :class:`PrintTable` and its HTML.

A page that prints builds a :class:`PrintTable` (usually with :func:`table_from_columns` from
the same :class:`~gonghui_desk.exporting.xlsx.Column` list its .xlsx export writes), and
:mod:`gonghui_desk.ui.printing` shows the preview or writes a PDF: A4 portrait or landscape,
the union's name and the date at the top of every page, "第 N 页，共 M 页" at the bottom, and
the table's header row repeated on every page.

:func:`to_html` writes the HTML subset that Qt's rich-text engine (QTextDocument) lays out:
the header row sits in ``<thead>``, which Qt repeats at the top of each page a table runs
onto; widths are percentages; sizes are in pt and px (1 px = 1/96 inch, the resolution the
document is laid out at). Qt would also split a row across a page break, so the printer
cuts the table into one table per page itself (``page_starts``). No Qt here: the core
stays free of it.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from typing import Iterable, NamedTuple, Sequence

import sqlite_utils

from gonghui_desk.care.campaigns import signoff_sheet
from gonghui_desk.care.ledger import LedgerFilter, ledger_totals
from gonghui_desk.exporting.signoff_sheet import SIGNOFF_COLUMNS, SIGNOFF_ROW_HEIGHT_MM, signoff_subtitle
from gonghui_desk.exporting.visit_ledger import (LEDGER_COLUMNS, LEDGER_TITLE, ledger_records, ledger_subtitle,
                                                 totals_lines)
from gonghui_desk.exporting.xlsx import Column, signature_line
from gonghui_desk.money import yuan_text
from gonghui_desk.union import load_profile

LAYOUT_DPI = 96  # what a CSS px means in the printed document
FONT_FAMILIES = ("SimSun", "宋体", "Noto Serif CJK SC", "Source Han Serif SC", "Noto Sans CJK SC", "serif")
CELL_PADDING_PX = 4
LINE_HEIGHT = 1.45  # a line of CJK text, in font sizes
ALIGNS = ("left", "center", "right")
_KIND_ALIGN = {"int": "center", "date": "center", "money": "right"}


class PrintColumn(NamedTuple):
    label: str
    width_weight: float  # share of the table's width, relative to the other columns
    align: str = "left"  # left / center / right


@dataclass
class PrintTable:
    title: str
    subtitle_lines: list[str]
    union_name: str
    date_text: str  # at the top right of every page, e.g. "制表日期：2026-11-22"
    columns: list[PrintColumn]
    rows: list[list[str]]
    total_lines: list[str] = field(default_factory=list)
    footer_line: str = field(default_factory=signature_line)  # 制表人：____  审核人：____  日期：____
    landscape: bool = False
    font_size_pt: float = 10.5
    min_row_height_mm: float = 0  # taller data rows, e.g. to sign in

    def __post_init__(self):
        for column in self.columns:
            if column.align not in ALIGNS:
                raise ValueError(f"unknown alignment {column.align!r}")
        width = len(self.columns)
        for number, row in enumerate(self.rows, 1):
            if len(row) != width:
                raise ValueError(f"row {number} has {len(row)} cells for {width} columns")


def mm_to_px(mm: float) -> float:
    return mm / 25.4 * LAYOUT_DPI


def to_html(table: PrintTable, *, page_starts: Sequence[int] = ()) -> str:
    """A complete HTML document of ``table`` for QTextDocument; every text is escaped.

    ``page_starts`` (indexes into ``table.rows``) start a new page: the table is cut there into
    tables of their own, each with the header row, so that no row is ever split by a page
    break (the printer works out where the cuts go).
    """
    total_weight = sum(c.width_weight for c in table.columns) or 1
    head = "".join(
        f'<th width="{column.width_weight / total_weight * 100:.1f}%" align="center">{_text(column.label)}</th>'
        for column in table.columns)
    paddings = row_paddings(table)
    rows = ["<tr>" + "".join(
        f'<td align="{column.align}" valign="middle" style="padding-top: {padding}px; padding-bottom: {padding}px;">'
        f"{_text(cell)}</td>" for column, cell, padding in zip(table.columns, cells, paddings)) + "</tr>"
        for cells in table.rows]
    cuts = [0, *sorted(set(start for start in page_starts if 0 < start < len(rows))), len(rows)]
    grids = "\n".join(
        f'<table class="grid" width="100%" border="1" cellspacing="0" cellpadding="{CELL_PADDING_PX}"'
        + (' style="page-break-before: always;"' if number else "")
        + f">\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows[begin:end]) + "\n</tbody></table>"
        for number, (begin, end) in enumerate(zip(cuts, cuts[1:])))
    families = ", ".join(f"'{name}'" for name in FONT_FAMILIES[:-1]) + f", {FONT_FAMILIES[-1]}"
    subtitles = "".join(f'<p class="subtitle">{_text(line)}</p>' for line in table.subtitle_lines)
    after = "".join(f'<p class="after">{_text(line)}</p>' for line in [*table.total_lines, table.footer_line] if line)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{_text(table.title)}</title>
<style>
body {{ font-family: {families}; font-size: {table.font_size_pt}pt; }}
h1 {{ font-size: {table.font_size_pt + 7}pt; font-weight: bold; text-align: center; margin-bottom: 4px; }}
p.subtitle {{ text-align: center; margin-top: 0px; margin-bottom: 4px; }}
p.after {{ margin-top: 6px; margin-bottom: 0px; }}
table.grid {{ border-collapse: collapse; margin-top: 6px; }}
th {{ background-color: #d9d9d9; font-weight: bold; border: 1px solid #000000; }}
td {{ border: 1px solid #000000; }}
</style></head>
<body>
<h1>{_text(table.title)}</h1>
{subtitles}
{grids}
{after}
</body></html>
"""


def row_paddings(table: PrintTable) -> list[int]:
    """The top and bottom padding (px) of each cell of a data row. The first cell is padded to
    make the row ``min_row_height_mm`` tall; the other cells are centred in the row, so a text
    that wraps onto a second line does not make the row any taller."""
    line_px = table.font_size_pt / 72 * LAYOUT_DPI * LINE_HEIGHT
    strut = max(CELL_PADDING_PX, round((mm_to_px(table.min_row_height_mm) - line_px) / 2))
    return [strut] + [CELL_PADDING_PX] * (len(table.columns) - 1)


def _text(value) -> str:
    return html.escape(str(value), quote=True)


# --- tables from an export's columns ---------------------------------------------------------------
def printed_text(column: Column, value) -> str:
    """How a value of a :class:`Column` kind reads on paper (money in 元 with two decimals)."""
    if value is None or value == "":
        return ""
    if column.kind == "money":
        return yuan_text(value) + ("" if value % 100 else ".00")
    if column.kind == "date" and isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def table_from_columns(columns: Sequence[Column], records: Iterable[dict], **table) -> PrintTable:
    """A :class:`PrintTable` of ``records`` in an export's columns (widths become the weights);
    ``table`` gives the other :class:`PrintTable` fields."""
    print_columns = [PrintColumn(c.label, c.width, _KIND_ALIGN.get(c.kind, "left")) for c in columns]
    rows = [[printed_text(c, record.get(c.key)) for c in columns] for record in records]
    return PrintTable(columns=print_columns, rows=rows, **table)


def _date_text(today: dt.date | None) -> str:
    return f"制表日期：{(today or dt.date.today()).isoformat()}"


def ledger_print_table(db: sqlite_utils.Database, f: LedgerFilter, *, mask_personal: bool = False,
                       prepared_by: str = "", today: dt.date | None = None) -> PrintTable:
    """The 慰问台账 as the ledger page shows it: A4 landscape, the same columns as the .xlsx."""
    return table_from_columns(
        LEDGER_COLUMNS, ledger_records(db, f, mask_personal=mask_personal), title=LEDGER_TITLE,
        subtitle_lines=[ledger_subtitle(db, f, mask_personal=mask_personal)], union_name=load_profile(db).name,
        date_text=_date_text(today), total_lines=totals_lines(ledger_totals(db, f)),
        footer_line=signature_line(prepared_by), landscape=True, font_size_pt=9)


def signoff_print_table(db: sqlite_utils.Database, campaign_id: int, *, prepared_by: str = "",
                        today: dt.date | None = None) -> PrintTable:
    """A campaign's 发放签收表: A4 portrait, a wide blank 签字 column, rows tall enough to sign in."""
    sheet = signoff_sheet(db, campaign_id)
    return table_from_columns(
        SIGNOFF_COLUMNS, sheet.rows, title=sheet.title, subtitle_lines=[signoff_subtitle(sheet)],
        union_name=sheet.union_name, date_text=_date_text(today), total_lines=[sheet.total_text],
        footer_line=signature_line(prepared_by or sheet.prepared_by), landscape=False,
        min_row_height_mm=SIGNOFF_ROW_HEIGHT_MM)


def aid_print_table(db: sqlite_utils.Database, f, *, mask_personal: bool = False, prepared_by: str = "",
                    today: dt.date | None = None) -> PrintTable:
    """The 帮扶台账 (an :class:`~gonghui_desk.hardship.aid_ledger.AidFilter`'s payments): A4 landscape,
    the .xlsx export's columns that fit a line, and its totals block."""
    from gonghui_desk.exporting.aid_ledger import (AID_PRINT_COLUMNS, AID_TITLE, aid_records, aid_subtitle,
                                                   aid_totals_lines)
    from gonghui_desk.hardship.aid_ledger import aid_totals

    return table_from_columns(
        AID_PRINT_COLUMNS, aid_records(db, f, mask_personal=mask_personal), title=AID_TITLE,
        subtitle_lines=[aid_subtitle(db, f, mask_personal=mask_personal)], union_name=load_profile(db).name,
        date_text=_date_text(today), total_lines=aid_totals_lines(aid_totals(db, f)),
        footer_line=signature_line(prepared_by), landscape=True, font_size_pt=9)
