"""Writing a report's sentences with their figures marked, and the ways a figure is written.

:class:`MarkedText` builds one paragraph: plain pieces with :meth:`~MarkedText.add`, figures with
:meth:`~MarkedText.figure` (the text of the figure is marked with the :class:`Stat` key, so the editor can
show how it was counted), comparisons with :meth:`~MarkedText.change` (marked with the key of the previous
period's stat, ``<key>@previous``). The ``*_text`` functions write a figure the way the options ask
(DOMAIN.md §3):

* ``count_phrase(23, "人次")`` → "23人次"; small counts (up to 10) in Chinese numerals with
  ``chinese_numerals`` ("三次", "两项"); with ``approximate``, counts of 100 and more keep two significant
  digits: rounded down with 余 ("1234" → "1200余人次", "156" → "150余人次"), or 近 when just under the next
  step ("298" → "近300人次"); from 1万 on in 万 ("12,345" → "1.2万余人次"). A round count stays exact.
* ``money_text(1_150_000)`` (分) → "1.15万元"; below 1万元 in 元 ("3600元", "85.5元"); from 1万元 on
  in 万元 when two decimals say it exactly, else in 元 ("11523元"). With ``approximate``: below 1000元
  exact; below 1万元 in hundreds of 元 ("3600余元", "近3700元"); from 1万元 on in 万元: as it is when in whole
  hundreds of 元 ("1.15万元"), else to a tenth below 10万 ("1.1万余元", "近1.2万元"), to a whole 万
  below 1000万 ("52万余元") and to two significant digits above.
  余 rounds down; 近 is used when the amount is within a fifth of a step under the next step.
* ``percent_phrase(45, 48, options)`` → "93.8%" ("50%", not "50.0%"); approximate: "93%以上" (a whole per cent, rounded down,
  with 以上), never "100%以上"; exactly 100% stays "100%".
* ``change_text(120, 100, "人次", "上年")`` → "比上年增加20人次"; equal → "与上年持平"; with ``percent``
  the change is also given as a percentage of the previous figure ("比上年增加20人次，增长20%").
* ``names_text(["张三", "李四", "王五"], 5, "名")`` → "张三、李四、王五等5名"; every one named and at most
  three: "张三、李四2名"; ``names_wanted=False`` → "5名".
* ``headline_phrase(stat, options)``: a stat as the opening paragraph quotes it ("走访慰问会员23人次").
"""

from __future__ import annotations

from gonghui_desk.documents import Mark, Paragraph
from gonghui_desk.documents.wording import count_text, full_width_punctuation, percent_text
from gonghui_desk.reports.model import ReportOptions, Stat

__all__ = ["APPROX_FROM", "PREVIOUS_SUFFIX", "MarkedText", "change_text", "count_phrase", "headline_phrase",
           "money_text", "names_text", "percent_phrase", "stat_text"]

APPROX_FROM = 100  # counts below this are always exact
NEAR_FRACTION = 5  # 近: within 1/5 of a step under the next step
PREVIOUS_SUFFIX = "@previous"  # the key of the previous period's value of a stat (marks of comparisons)


def _rounded(n: int, step: int) -> tuple[str, int]:
    """("余", n rounded down) or ("近", the next step) or ("", n) when n is a multiple of step."""
    down = n // step * step
    if down == n:
        return "", n
    if (down + step - n) * NEAR_FRACTION <= step:
        return "近", down + step
    return "余", down


def _wan_text(n: int, per_wan: int) -> str:
    """n / per_wan in 万 with up to two decimals, trailing zeros dropped: (1_150_000, 1_000_000) → "1.15"."""
    hundredths, rest = divmod(n * 100, per_wan)
    text = f"{hundredths // 100}.{hundredths % 100:02d}".rstrip("0").rstrip(".")
    return text if not rest else f"{n / per_wan:.2f}".rstrip("0").rstrip(".")


def count_phrase(n: int, unit: str, options: ReportOptions = ReportOptions()) -> str:
    if options.approximate and n >= APPROX_FROM:
        if n < 10_000:
            step = 10 ** (len(str(n)) - 2)
            idiom, value = _rounded(n, step)
            if idiom == "近" and value == 10_000:
                return f"近1万{unit}"
            return f"{idiom}{value}{unit}" if idiom == "近" else f"{value}{idiom}{unit}"
        step = 1000 if n < 100_000 else 10 ** (len(str(n)) - 2)
        idiom, value = _rounded(n, step)
        wan = _wan_text(value, 10_000)
        return f"近{wan}万{unit}" if idiom == "近" else f"{wan}万{idiom}{unit}"
    return count_text(n, unit, chinese=options.chinese_numerals)


def _yuan_text(fen: int) -> str:
    yuan, cents = divmod(fen, 100)
    return f"{yuan}元" if not cents else f"{yuan}.{cents:02d}".rstrip("0") + "元"


def money_text(fen: int, options: ReportOptions = ReportOptions()) -> str:
    """An amount in 元 or 万元, exact unless ``approximate`` (see the module text)."""
    if fen < 0:
        return "-" + money_text(-fen, options)
    if not options.approximate:
        if fen >= 1_000_000 and fen % 10_000 == 0:  # whole 元 that two decimals of 万 say exactly
            return f"{_wan_text(fen, 1_000_000)}万元"
        return _yuan_text(fen)
    yuan = fen / 100
    if yuan < 1000:
        return _yuan_text(fen)
    if fen < 1_000_000:
        idiom, value = _rounded(fen, 10_000)  # hundreds of 元
        if idiom == "近" and value == 1_000_000:
            return "近1万元"
        amount = value // 100
        return {"": f"{amount}元", "近": f"近{amount}元", "余": f"{amount}余元"}[idiom]
    if fen % 10_000 == 0:  # whole hundreds of 元: "1.15万元" is already a round figure
        return f"{_wan_text(fen, 1_000_000)}万元"
    step = 100_000 if fen < 10_000_000 else 1_000_000 if fen < 1_000_000_000 else 10 ** (len(str(fen)) - 2)
    idiom, value = _rounded(fen, step)
    wan = _wan_text(value, 1_000_000)
    return {"": f"{wan}万元", "近": f"近{wan}万元", "余": f"{wan}万余元"}[idiom]


def percent_phrase(count: int, base: int, options: ReportOptions = ReportOptions()) -> str:
    """count ÷ base as a percentage ("93.8%"); approximate: "93%以上" (never above the exact rate)."""
    exact = percent_text(count, base).replace(".0%", "%")
    if not options.approximate or count in (0, base) or count > base:
        return exact
    whole = count * 100 // base
    if whole * base == count * 100:
        return f"{whole}%"
    return f"{whole}%以上" if whole else exact


def change_text(current: int, previous: int, unit: str, previous_label: str = "上年",
                options: ReportOptions = ReportOptions(), *, money: bool = False, percent: bool = False) -> str:
    """"比上年增加20人次" / "比上年减少3件" / "与上年持平"; with ``percent`` ",增长20%" / ",下降15%" after it
    (only when the previous figure is above 0)."""
    if current == previous:
        return f"与{previous_label}持平"
    word = "增加" if current > previous else "减少"
    diff = abs(current - previous)
    amount = money_text(diff, options) if money else count_phrase(diff, unit, options)
    text = f"比{previous_label}{word}{amount}"
    if percent and previous > 0:
        text += f"，{'增长' if current > previous else '下降'}{percent_phrase(diff, previous, options)}"
    return text


def names_text(names: list[str], total: int, unit: str = "名", *, names_wanted: bool = True,
               shown: int = 5) -> str:
    """"张三、李四等5名" (at most ``shown`` names; "张三、李四2名" when all are named and at most three) or
    "5名"."""
    if not names_wanted or not names:
        return f"{total}{unit}"
    listed = names[:shown]
    joined = "、".join(listed)
    return f"{joined}{total}{unit}" if len(listed) == total and total <= 3 else f"{joined}等{total}{unit}"


def stat_text(stat: Stat, options: ReportOptions = ReportOptions()) -> str:
    """A stat written as the options ask: a rate as a percentage, money for unit 元, else a count with its
    measure word."""
    if stat.is_rate:
        return percent_phrase(stat.value, stat.base, options)
    return money_text(stat.value, options) if stat.is_money else count_phrase(stat.value, stat.unit, options)


def headline_phrase(stat: Stat) -> str:
    """The words before a headline figure: the stat's label without a trailing unit ("慰问人次" → "慰问")."""
    label = stat.label
    if stat.unit != "元" and label.endswith(stat.unit) and len(label) > len(stat.unit):
        label = label[:-len(stat.unit)]
    return label


def _is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u3400" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef")


class MarkedText:
    """One paragraph built from pieces; figures are marked with their stat keys."""

    def __init__(self, options: ReportOptions = ReportOptions()):
        self.options = options
        self._parts: list[str] = []
        self._marks: list[Mark] = []
        self._length = 0

    def add(self, text: str) -> "MarkedText":
        """Plain text; ASCII punctuation next to Chinese (here or at the end of the text before) goes
        full-width."""
        before = self._parts[-1][-1:] if self._parts else ""
        if before and not before.isspace():
            joined = full_width_punctuation(before + text)
            text = joined[1:] if joined[:1] == before else full_width_punctuation(text)
        else:
            text = full_width_punctuation(text)
        if "(" in text or ")" in text:
            text = self._brackets(text)
        self._parts.append(text)
        self._length += len(text)
        return self

    def _brackets(self, text: str) -> str:
        """A bracket whose pair is in another piece: "(" touching Chinese goes full-width, and ")" when the
        bracket it closes is full-width."""
        done = "".join(self._parts)
        out = []
        for i, ch in enumerate(text):
            so_far = done + "".join(out)
            if ch == "(" and (_is_cjk(so_far[-1:]) or _is_cjk(text[i + 1:i + 2])):
                ch = "（"
            elif ch == ")" and so_far.rfind("（") > max(so_far.rfind("("), so_far.rfind("）")):
                ch = "）"
            out.append(ch)
        return "".join(out)

    def _marked(self, text: str, key: str) -> "MarkedText":
        if text:
            self._marks.append(Mark(self._length, self._length + len(text), key))
            self._parts.append(text)
            self._length += len(text)
        return self

    def figure(self, stat: Stat, text: str | None = None) -> "MarkedText":
        """The stat's value (written by :func:`stat_text` unless ``text`` is given), marked."""
        return self._marked(stat_text(stat, self.options) if text is None else text, stat.key)

    def rate(self, stat: Stat, text: str | None = None) -> "MarkedText":
        """A rate stat (one with a ``base``) as a percentage (``percent_phrase`` unless ``text`` is given),
        marked."""
        if not stat.is_rate:
            raise ValueError(f"{stat.key} is not a rate (it has no base)")
        return self._marked(percent_phrase(stat.value, stat.base, self.options) if text is None else text, stat.key)

    def change(self, stat: Stat, previous: Stat, previous_label: str = "上年", *,
               percent: bool = False) -> "MarkedText":
        """"比上年增加20人次" for ``stat`` against the same stat of the previous period, marked with the
        previous stat's key (``<key>@previous`` in :func:`~gonghui_desk.reports.builder.report_stats`)."""
        text = change_text(stat.value, previous.value, stat.unit, previous_label, self.options,
                           money=stat.unit == "元", percent=percent)
        return self._marked(full_width_punctuation(text), stat.key + PREVIOUS_SUFFIX)

    def extend(self, other: "MarkedText") -> "MarkedText":
        """Append another paragraph's text and marks."""
        for mark in other._marks:
            self._marks.append(Mark(mark.start + self._length, mark.end + self._length, mark.key))
        self._parts.append(other.text)
        self._length += len(other.text)
        return self

    @property
    def text(self) -> str:
        return "".join(self._parts)

    @property
    def marks(self) -> tuple[Mark, ...]:
        return tuple(self._marks)

    def paragraph(self) -> Paragraph:
        return Paragraph(self.text, tuple(self._marks))

    def __bool__(self) -> bool:
        return bool(self._length)

    def __len__(self) -> int:
        return self._length
