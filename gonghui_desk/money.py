"""Money: stored as integer 分 (fen), never floats; written as 元 or 万元.

``parse_money`` reads what users type or what spreadsheets hold ("1,200.50", "1200元",
"0.12万元", "￥1200", "人民币1200元整", 300, 45.5) and refuses anything else with a Chinese message, including amounts
in Chinese capital numerals (壹佰元), which it does not guess at.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


class MoneyParseError(ValueError):
    """The value is not an amount of money this app can read; the message is Chinese."""


_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－", "0123456789.,-")
_CAPITALS = set("零壹贰叁肆伍陆柒捌玖拾佰仟萬億圆整角分一二三四五六七八九十百千")


def parse_money(value) -> int | None:
    """Return the amount in 分, ``None`` for an empty value, or raise :class:`MoneyParseError`."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise MoneyParseError(f"“{value}”不是金额")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):  # a cell holding 1E400 reads as infinity
            raise MoneyParseError(f"“{value}”不是金额")
        amount = Decimal(str(value))
    else:
        text = re.sub(r"[\s\u3000]+", "", str(value)).translate(_FULLWIDTH)
        if not text:
            return None
        text = text.removeprefix("人民币").removeprefix("¥").removeprefix("￥").removeprefix("RMB")
        if text.endswith("元整"):  # 1200元整, as receipts write it
            text = text.removesuffix("整")
        scale = Decimal(1)
        if text.endswith("万元") or text.endswith("万"):
            scale = Decimal(10000)
            text = text.removesuffix("元").removesuffix("万")
        else:
            text = text.removesuffix("元")
        if not re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?|-?\d+(\.\d+)?", text):
            if any(ch in _CAPITALS for ch in str(value)):
                raise MoneyParseError(f"金额“{value}”是大写汉字，请改写成阿拉伯数字（例如 100 或 100.00）")
            raise MoneyParseError(f"无法识别金额“{value}”，请写成 1200 或 1200.50 这样的数字（单位：元）")
        try:
            amount = Decimal(text.replace(",", "")) * scale
        except InvalidOperation:
            raise MoneyParseError(f"无法识别金额“{value}”") from None
    if amount < 0:
        raise MoneyParseError(f"金额“{value}”不能为负数")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise MoneyParseError(f"金额“{value}”的精度超过了分")
    return int(fen.to_integral_value(rounding=ROUND_HALF_UP))


def yuan_text(fen: int | None, *, thousands: bool = True) -> str:
    """12345 -> "123.45"; whole amounts without decimals: 120000 -> "1,200"."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), 100)
    whole = f"{yuan:,}" if thousands else str(yuan)
    return f"{sign}{whole}" + (f".{cents:02d}" if cents else "")


def wan_text(fen: int) -> str:
    """Amounts of 1万元 or more as 万元 with two decimals trimmed: 1150000 fen -> "1.15万元"."""
    yuan = Decimal(int(fen)) / 100
    if yuan >= 10000:
        wan = (yuan / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
        return f"{wan:f}万元"
    return f"{yuan_text(fen, thousands=False)}元"
