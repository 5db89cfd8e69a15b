"""How numbers, rates, dates and lists are written in a report (DOMAIN.md §3).

* Counts carry their measure word: ``count_text(23, "件")`` → "23件"; with ``chinese=True`` counts up to
  ``CHINESE_UP_TO`` are written in Chinese numerals ("三件").
* Rates state their base: ``rate_text(17, 23, "立案", "收到提案")`` → "73.9%（立案17件÷收到提案23件）". A
  rate is written to one decimal, "100%" only when the count equals the base (never rounded up to it) and
  never "0.0%" for a count above zero. Sentences implying completeness ("件件有答复") are for
  :func:`is_complete` rates only.
* Dates: ``date_text("2026-09-23")`` → "2026年9月23日". Lists: ``join_items(["甲", "乙"])`` → "甲、乙".
* :func:`full_width_punctuation` turns the ASCII , ; : ? ! ( ) typed next to Chinese text into their
  full-width forms (，；：？！（）), leaving numbers such as 1.5 or 3:2 and English text alone.
"""

from __future__ import annotations

import datetime as dt
import re

from gonghui_desk.documents.model import chinese_numeral

__all__ = ["CHINESE_UP_TO", "count_text", "date_text", "full_width_punctuation", "is_complete", "join_items",
           "percent_text", "rate_text"]

CHINESE_UP_TO = 10


def count_text(n: int, unit: str = "件", *, chinese: bool = False) -> str:
    """23 件 → "23件"; with ``chinese``, small counts in Chinese numerals (2 → "两件", 3 → "三件")."""
    if chinese and 0 < n <= CHINESE_UP_TO:
        return ("两" if n == 2 else chinese_numeral(n)) + unit
    return f"{n}{unit}"


def percent_text(count: int, base: int) -> str:
    """count ÷ base as a percentage to one decimal: 7/11 → "63.6%", 5/5 → "100%". Never "100.0%" below
    the base nor "0.0%" above zero. ``base`` must be above 0."""
    if base <= 0:
        raise ValueError("a rate needs a base above 0")
    if count == base:
        return "100%"
    if count == 0:
        return "0%"
    tenths = (count * 1000 * 2 + base) // (base * 2)  # round half up, in tenths of a per cent
    tenths = min(max(tenths, 1), 999) if count < base else tenths
    return f"{tenths // 10}.{tenths % 10}%"


def is_complete(count: int, base: int) -> bool:
    """True only at exactly 100% (and a base above 0): the condition of every "全部/件件/均" sentence."""
    return base > 0 and count == base


def rate_text(count: int, base: int, count_label: str, base_label: str, unit: str = "件") -> str:
    """"73.9%（立案17件÷收到提案23件）": the rate and its base, counts in Arabic digits."""
    return f"{percent_text(count, base)}（{count_label}{count}{unit}÷{base_label}{base}{unit}）"


def date_text(day: str | dt.date | None) -> str:
    """"2026-09-23" → "2026年9月23日"; '' for no date."""
    if not day:
        return ""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return f"{day.year}年{day.month}月{day.day}日"


def join_items(items, sep: str = "、") -> str:
    return sep.join(str(item) for item in items)


_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’《》]"
_PAIRS = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


def full_width_punctuation(text: str) -> str:
    """ASCII punctuation touching Chinese text in its full-width form; brackets when either side of the
    pair touches Chinese text ("(含3件)" → "（含3件）")."""
    if not text:
        return text
    text = re.sub(rf"(?<={_CJK})\s*([,;:?!])\s*|\s*([,;:?!])\s*(?={_CJK})",
                  lambda m: _PAIRS[m.group(1) or m.group(2)], text)

    def bracket(m: re.Match) -> str:
        inner = m.group(1)
        before = text[max(m.start() - 1, 0):m.start()]
        after = text[m.end():m.end() + 1]
        if re.search(_CJK, inner + before + after):
            return f"（{inner}）"
        return m.group(0)

    return re.sub(r"\(([^()]*)\)", bracket, text)
