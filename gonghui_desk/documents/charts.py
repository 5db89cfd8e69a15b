"""Simple bar charts of a table's column (by month, by category), drawn as PNG images for the Word and PDF
files.

A :class:`~gonghui_desk.documents.model.Table` with a :class:`~gonghui_desk.documents.model.ChartSpec` is
followed in the output by a bar chart of one of its columns: one bar per row (a "合计" row is left out),
labelled with the row's first cell and its value. The chart is drawn from the table itself, so it always
shows what the table says, also after the officer has edited the table in the draft.

Months and short lists get vertical bars; more than 12 bars, or long labels, horizontal ones. The image is
drawn with Pillow (already installed with reportlab) in a Chinese TrueType or OpenType font found on the
computer (:func:`chart_font`); with none, :func:`chart_png` returns None and the table stands alone.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from gonghui_desk.documents.model import Table

__all__ = ["CHART_WIDTH_MM", "ChartFont", "chart_font", "chart_height_mm", "chart_items", "chart_png"]

CHART_WIDTH_MM = 140.0
DPI = 200
BAR = (200, 85, 61)  # the app's accent (ui/charts.py)
GRID = (225, 225, 225)
AXIS = (90, 90, 90)
TEXT = (30, 30, 30)
TOTAL_WORDS = ("合计", "总计", "小计")
VERTICAL_MAX_BARS = 12
VERTICAL_MAX_LABEL = 6  # characters; longer labels read better beside horizontal bars
_NUMBER = re.compile(r"^-?[0-9][0-9,]*(?:\.[0-9]+)?$")


@dataclass(frozen=True)
class ChartFont:
    path: str
    index: int = 0


def chart_items(table: Table) -> list[tuple[str, float]]:
    """(label, value) for each row of the chart's column: rows named 合计/总计/小计 and rows whose cell is not
    a number ("—") are left out."""
    spec = table.chart
    if spec is None:
        return []
    items = []
    for row in table.rows:
        if not row or spec.column >= len(row) or str(row[0]).strip() in TOTAL_WORDS:
            continue
        cell = str(row[spec.column]).strip().replace("，", ",")
        if _NUMBER.match(cell):
            items.append((str(row[0]).strip(), float(cell.replace(",", ""))))
    return _short_labels(items)


_MONTH = re.compile(r"^(\d{4})年(\d{1,2})月$")


def _short_labels(items: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Months of one year lose the year ("2026年3月" → "3月"): the chart's title says which year."""
    found = [_MONTH.match(label) for label, _v in items]
    if all(found) and len({m.group(1) for m in found}) == 1:
        return [(f"{int(m.group(2))}月", value) for m, (_l, value) in zip(found, items)]
    return items


def _worth_drawing(items: list[tuple[str, float]]) -> bool:
    return len(items) >= 2 and sum(1 for _label, value in items if value > 0) >= 1


def _vertical(items: list[tuple[str, float]]) -> bool:
    return len(items) <= VERTICAL_MAX_BARS and max(len(label) for label, _v in items) <= VERTICAL_MAX_LABEL


def chart_height_mm(table: Table) -> float:
    """The printed height of the table's chart (0 when it has none worth drawing)."""
    items = chart_items(table)
    if not _worth_drawing(items):
        return 0.0
    return 70.0 if _vertical(items) else min(20.0 + 7.0 * len(items), 200.0)


@lru_cache(maxsize=4)
def chart_font(font_dirs: tuple[str, ...] | None = None) -> ChartFont | None:
    """A Chinese font to draw charts with: the PDF's 黑体 (or its body font) when it is a TrueType font, else
    any font file with Chinese glyphs Pillow can read (OpenType CJK fonts too); None when there is none."""
    from gonghui_desk.documents.pdf_writer import find_pdf_fonts, system_font_dirs, _font_files

    fonts = find_pdf_fonts(None if font_dirs is None else [Path(d) for d in font_dirs])
    for role in ("heading1", "body"):
        font = fonts.font(role)
        if font.path:
            return ChartFont(font.path, font.subfont)
    dirs = system_font_dirs() if font_dirs is None else [Path(d) for d in font_dirs]
    for name, path in sorted(_font_files(dirs).items()):
        if any(word in name for word in ("cjk", "hei", "song", "kai", "fang", "ming", "yahei", "deng")):
            try:
                face = ImageFont.truetype(str(path), 20)
            except OSError:
                continue
            if face.getmask("会").getbbox() is not None:
                return ChartFont(str(path))
    return None


def _font(font: ChartFont, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font.path, px, index=font.index)


def _value_text(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"


def _axis(value: float, whole: bool) -> tuple[float, int]:
    """The axis' top and how many grid steps it has: 1, 2, 4, 5 or 8 × a power of ten at or above ``value``,
    in steps that are whole numbers when the values are (a count of 3 gets an axis of 4, not 2.5)."""
    if whole and value <= 4:
        return 4.0, 4
    power = 10.0 ** (len(str(int(value))) - 1) if value >= 1 else 0.1
    for lead, steps in ((1, 5), (2, 4), (4, 4), (5, 5), (8, 4), (10, 5)):
        if lead * power >= value:
            return lead * power, steps
    return 10 * power, 5


def chart_png(table: Table, font: ChartFont | None = None) -> bytes | None:
    """The table's chart as a PNG (``CHART_WIDTH_MM`` wide at 200 dpi), or None when the table has no chart,
    fewer than two bars, nothing above zero, or no Chinese font is found."""
    items = chart_items(table)
    if not _worth_drawing(items):
        return None
    font = font or chart_font()
    if font is None:
        return None
    px = DPI / 25.4
    width, height = int(CHART_WIDTH_MM * px), int(chart_height_mm(table) * px)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    title_font, label_font, value_font = _font(font, int(4.6 * px)), _font(font, int(3.6 * px)), _font(font, int(3.4 * px))
    title = table.chart.title
    shortened = [label for label, _v in items if _MONTH.match(label) is None and label.endswith("月")]
    year = next((m.group(1) for row in table.rows if (m := _MONTH.match(str(row[0]).strip()))), None)
    if shortened and year and not title.startswith(year):
        title = f"{year}年{title}"
    title_w = draw.textlength(title, font=title_font)
    draw.text(((width - title_w) / 2, 1.5 * px), title, font=title_font, fill=TEXT)
    top = 1.5 * px + 4.6 * px * 1.6
    top_value, steps = _axis(max(v for _l, v in items), all(v == int(v) for _l, v in items))
    if _vertical(items):
        axis_w = draw.textlength(_value_text(top_value), font=value_font) + 3 * px
        _draw_vertical(draw, items, (top_value, steps), (axis_w, top, width - 3 * px, height - 9 * px), label_font,
                       value_font)
    else:
        label_w = max(draw.textlength(label, font=label_font) for label, _v in items) + 2 * px
        _draw_horizontal(draw, items, top_value, (label_w, top, width - 14 * px, height - 2 * px), label_font,
                         value_font)
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(DPI, DPI))
    return out.getvalue()


def _draw_vertical(draw, items, axis, box, label_font, value_font) -> None:
    left, top, right, bottom = box
    top_value, steps = axis
    for i in range(steps + 1):  # light grid lines at each step of the axis, its values on the left
        y = bottom - (bottom - top) * i / steps
        draw.line((left, y, right, y), fill=GRID if i else AXIS, width=2)
        text = _value_text(top_value * i / steps)
        draw.text((left - draw.textlength(text, font=value_font) - 8, y - value_font.size * 0.6), text,
                  font=value_font, fill=AXIS)
    slot = (right - left) / len(items)
    bar = slot * 0.6
    for i, (label, value) in enumerate(items):
        x = left + slot * i + (slot - bar) / 2
        y = bottom - (bottom - top) * value / top_value
        if value > 0:  # a value too small to show is drawn a pixel high (Pillow refuses a negative height)
            draw.rectangle((x, min(y, bottom - 1), x + bar, bottom - 1), fill=BAR)
        text = _value_text(value)
        draw.text((x + bar / 2 - draw.textlength(text, font=value_font) / 2, y - value_font.size * 1.3), text,
                  font=value_font, fill=TEXT)
        shown = label if draw.textlength(label, font=label_font) <= slot else label[-4:]
        draw.text((x + bar / 2 - draw.textlength(shown, font=label_font) / 2, bottom + label_font.size * 0.4), shown,
                  font=label_font, fill=TEXT)


def _draw_horizontal(draw, items, top_value, box, label_font, value_font) -> None:
    left, top, right, bottom = box
    slot = (bottom - top) / len(items)
    bar = slot * 0.62
    draw.line((left, top, left, bottom), fill=AXIS, width=2)
    for i, (label, value) in enumerate(items):
        y = top + slot * i + (slot - bar) / 2
        x = left + (right - left) * value / top_value
        if value > 0:  # a value too small to show is drawn a pixel wide (Pillow refuses a negative width)
            draw.rectangle((left + 1, y, max(x, left + 1), y + bar), fill=BAR)
        middle = y + bar / 2
        draw.text((left - draw.textlength(label, font=label_font) - 10, middle - label_font.size * 0.6), label,
                  font=label_font, fill=TEXT)
        draw.text((x + 10, middle - value_font.size * 0.6), _value_text(value), font=value_font, fill=TEXT)
