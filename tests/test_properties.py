"""Property-based tests (hypothesis) of the rules every importer relies on: ID numbers (GB 11643), dates as
users and spreadsheets write them, amounts of money, and finding the header row under titles and unit lines.
Each property runs on generated values; none may raise anything but the rule's own Chinese error."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from gonghui_desk.dates import EXCEL_EPOCH, EXCEL_FIRST_SERIAL, DateParseError, parse_date
from gonghui_desk.idcard import (CHECK_CHARS, IdNumberError, check_char, is_valid, mask_id_number, parse_id_number,
                                 upgrade_15)
from gonghui_desk.importing.aid_import import AID_SYNONYMS
from gonghui_desk.importing.event_import import EVENT_SYNONYMS
from gonghui_desk.importing.hardship_import import HARDSHIP_SYNONYMS
from gonghui_desk.importing.headers import MEMBER_SYNONYMS, auto_map, detect_header_row, normalize_header
from gonghui_desk.importing.honour_import import HONOUR_SYNONYMS
from gonghui_desk.importing.proposal_import import PROPOSAL_SYNONYMS
from gonghui_desk.importing.visit_import import VISIT_SYNONYMS
from gonghui_desk.members import normalize_member
from gonghui_desk.money import MoneyParseError, parse_money, wan_text, yuan_text
from tests.conftest import TODAY

# Fast and repeatable: no example database written into the work tree, no time limit per example
# (the first example of a run pays for imports).
FAST = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

FULL_WIDTH = str.maketrans("0123456789-./X", "０１２３４５６７８９－．／Ｘ")


# --- ID numbers --------------------------------------------------------------------------------------------
regions = st.integers(110000, 829999).map(lambda n: f"{n:06d}")
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(0, 999).map(lambda n: f"{n:03d}")


@st.composite
def id_numbers(draw, birth=births):
    first17 = draw(regions) + draw(birth).strftime("%Y%m%d") + draw(sequences)
    return first17 + check_char(first17)


@FAST
@given(number=id_numbers())
def test_any_valid_id_number_gives_its_birth_date_and_sex(number):
    parsed = parse_id_number(number, today=TODAY)
    assert parsed.number == number
    assert parsed.birth_date == dt.datetime.strptime(number[6:14], "%Y%m%d").date()
    assert parsed.sex == ("男" if int(number[16]) % 2 else "女")
    assert not parsed.upgraded_from_15


@FAST
@given(number=id_numbers(), style=st.sampled_from(["lower", "full-width", "spaces", "ideographic", "nbsp"]))
def test_the_spellings_users_type_give_the_same_number(number, style):
    typed = {"lower": number.lower(), "full-width": number.translate(FULL_WIDTH),
             "spaces": f" {number[:6]} {number[6:14]} {number[14:]} ",
             "ideographic": f"{number[:6]}\u3000{number[6:]}\u3000", "nbsp": f"\u00a0{number}"}[style]
    assert parse_id_number(typed, today=TODAY).number == number


@FAST
@given(number=id_numbers(), position=st.integers(0, 17), data=st.data())
def test_changing_any_one_character_is_refused(number, position, data):
    allowed = CHECK_CHARS if position == 17 else "0123456789"
    other = data.draw(st.sampled_from([c for c in allowed if c != number[position]]))
    changed = number[:position] + other + number[position + 1:]
    with pytest.raises(IdNumberError):  # the check character catches every single change
        parse_id_number(changed, today=TODAY)
    assert not is_valid(changed)


@FAST
@given(number=id_numbers(), digit=st.sampled_from("0123456789"))
def test_a_dropped_or_added_digit_is_refused(number, digit):
    for changed in (number[:-1], number + digit, number[1:]):
        with pytest.raises(IdNumberError, match="应为18位"):
            parse_id_number(changed, today=TODAY)


@FAST
@given(number=id_numbers(birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31))))
def test_old_15_digit_numbers_upgrade_to_the_18_digit_number_and_back(number):
    old = number[:6] + number[8:17]
    parsed = parse_id_number(old, today=TODAY)
    assert parsed.number == upgrade_15(old) == number
    assert parsed.upgraded_from_15
    assert parsed.number[:6] + parsed.number[8:17] == old


@FAST
@given(number=id_numbers())
def test_an_id_number_stored_as_a_spreadsheet_number_is_refused_never_stored(number):
    digits = int(number.replace("X", "0"))
    for cell in (float(digits), digits):
        checked = normalize_member({"id_number": cell})
        assert checked.values.get("id_number") is None
        [problem] = checked.errors
        assert problem.field == "id_number" and "请把该列设为“文本”格式" in problem.message


@FAST
@given(number=id_numbers())
def test_a_valid_number_fills_birth_date_and_sex_of_a_member(number):
    checked = normalize_member({"name": "张三", "id_number": number.lower()}, today=TODAY)
    assert checked.ok
    assert checked.values["id_number"] == number
    assert checked.values["birth_date"] == f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    assert checked.values["sex"] == ("男" if int(number[16]) % 2 else "女")


@FAST
@given(number=st.one_of(id_numbers(), st.text(alphabet="0123456789X", min_size=11, max_size=30)))
def test_masking_keeps_the_first_six_and_the_last_four(number):
    masked = mask_id_number(number)
    assert len(masked) == len(number)
    assert masked[:6] == number[:6] and masked[-4:] == number[-4:]
    assert set(masked[6:-4]) <= {"*"}


@FAST
@given(text=st.text())
@example("1.10101199003071E+17")
@example("１１０１０１１９９００３０７１２３")
def test_any_text_is_a_number_or_a_chinese_refusal(text):
    try:
        parsed = parse_id_number(text, today=TODAY)
    except IdNumberError as exc:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc))
    else:
        assert len(parsed.number) == 18


# --- dates ---------------------------------------------------------------------------------------------------
def _full_width(text: str) -> str:
    return text.translate(FULL_WIDTH)


DATE_STYLES = {
    "iso": lambda d: d.isoformat(),
    "slashes": lambda d: f"{d.year}/{d.month}/{d.day}",
    "dots": lambda d: f"{d.year}.{d.month}.{d.day}",
    "chinese": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "chinese-spaced": lambda d: f" {d.year} 年 {d.month:02d} 月 {d.day:02d} 日 ",
    "eight-digits": lambda d: d.strftime("%Y%m%d"),
    "eight-digit-number": lambda d: int(d.strftime("%Y%m%d")),
    "full-width": lambda d: _full_width(d.isoformat()),
    "full-width-chinese": lambda d: _full_width(f"{d.year}年{d.month}月{d.day}日"),
    "with-time": lambda d: f"{d.isoformat()} 08:30:00",
    "datetime": lambda d: dt.datetime(d.year, d.month, d.day, 8, 30),
    "date": lambda d: d,
}
MONTH_STYLES = {
    "chinese": lambda d: f"{d.year}年{d.month}月",
    "dash": lambda d: f"{d.year}-{d.month}",
    "dot": lambda d: f"{d.year}.{d.month}",
    "six-digits": lambda d: d.strftime("%Y%m"),
}
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


@FAST
@given(day=dates, style=st.sampled_from(sorted(DATE_STYLES)))
def test_any_date_in_each_style_parses_back_to_itself(day, style):
    assert parse_date(DATE_STYLES[style](day)) == day


@FAST
@given(day=dates, style=st.sampled_from(sorted(MONTH_STYLES)))
def test_a_year_and_month_mean_the_first_of_the_month(day, style):
    assert parse_date(MONTH_STYLES[style](day)) == day.replace(day=1)


@FAST
@given(day=st.dates(min_value=EXCEL_EPOCH + dt.timedelta(days=EXCEL_FIRST_SERIAL), max_value=dt.date(2100, 12, 31)),
       fraction=st.sampled_from([0, 0.25, 0.5]))
def test_excel_serial_numbers_are_days_since_the_excel_epoch(day, fraction):
    serial = (day - EXCEL_EPOCH).days
    assert parse_date(serial) == day
    assert parse_date(serial + fraction) == day  # a date and time cell


@FAST
@given(number=st.integers(-10_000, EXCEL_FIRST_SERIAL - 1))
def test_small_numbers_are_a_day_a_month_or_a_year_typed_alone_not_a_date(number):
    with pytest.raises(DateParseError, match=f"“{number}”"):
        parse_date(number)
    if 1900 <= number <= 2100:
        with pytest.raises(DateParseError, match="像是年份"):
            parse_date(number)


@FAST
@given(text=st.one_of(st.text(), st.text(alphabet="0123456789０１２３４５６７８９-/.年月日号 :T\u3000", max_size=20)))
@example("2026年2月30日")
@example("99999999")
@example("2026-13")
def test_any_text_is_a_date_none_or_a_chinese_refusal(text):
    try:
        parsed = parse_date(text)
    except DateParseError as exc:
        assert "日期" in str(exc)
    else:
        assert parsed is None or isinstance(parsed, dt.date)
        assert parsed is not None or not text.strip()


@FAST
@given(value=st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.booleans()))
@example(10 ** 400)
@example(float("inf"))
def test_any_number_is_a_date_or_a_chinese_refusal(value):
    try:
        parsed = parse_date(value)
    except DateParseError as exc:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc))
    else:
        assert isinstance(parsed, dt.date)


# --- money ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("typed, fen", [
    ("1,200", 120000), ("￥1,200.50", 120050), ("¥1200", 120000), ("RMB 1200", 120000), ("人民币1200元整", 120000),
    ("1200.00元整", 120000), ("１，２００．５０元", 120050), ("0.12 万元", 120000), ("1 200", 120000),
    ("1,200.50元", 120050), ("0.005万", 5000),
])
def test_amounts_as_ledgers_write_them(typed, fen):
    assert parse_money(typed) == fen


amounts = st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2, allow_nan=False,
                      allow_infinity=False)


@FAST
@given(amount=amounts)
def test_any_amount_with_two_places_round_trips_through_every_spelling(amount):
    fen = int(amount * 100)
    spellings = [yuan_text(fen), yuan_text(fen, thousands=False), f"{amount}", f"{amount:,}", f"{amount}元",
                 f"￥{amount:,}", f"{amount}".translate(FULL_WIDTH) + "元", float(amount),
                 f"{format(amount / 10000, 'f')}万元"]
    assert [parse_money(text) for text in spellings] == [fen] * len(spellings)
    if fen % 100 == 0:
        assert parse_money(int(amount)) == fen


@FAST
@given(fen=st.integers(1_000_000, 10 ** 13))
def test_wan_text_reads_back_to_the_amount_rounded_to_a_hundred_yuan(fen):
    text = wan_text(fen)
    assert text.endswith("万元")
    assert parse_money(text) == (fen + 5_000) // 10_000 * 10_000


@FAST
@given(amount=amounts, extra=st.integers(1, 9))
def test_more_than_two_decimal_places_are_refused_not_rounded(amount, extra):
    typed = f"{amount}{extra}"  # 12.34 -> 12.345
    with pytest.raises(MoneyParseError, match="精度超过了分"):
        parse_money(typed)


@FAST
@given(amount=amounts.filter(lambda a: a > 0))
def test_negative_amounts_are_refused(amount):
    with pytest.raises(MoneyParseError, match="不能为负数"):
        parse_money(f"-{amount}")


CAPITALS = "零壹贰叁肆伍陆柒捌玖拾佰仟萬億圆角分整一二三四五六七八九十百千"


@FAST
@given(text=st.text(alphabet=CAPITALS + "元万", min_size=1, max_size=12))
@example("壹佰元")
@example("壹仟贰佰元整")
@example("一千二百元")
def test_amounts_in_chinese_numerals_are_refused_clearly(text):
    with pytest.raises(MoneyParseError) as raised:
        parse_money(text)
    if any(ch in CAPITALS for ch in text):
        assert "是大写汉字，请改写成阿拉伯数字" in str(raised.value)


@FAST
@given(value=st.one_of(st.text(), st.text(alphabet="0123456789,.，．元万￥¥-+eE ", max_size=15), st.integers(),
                       st.floats(), st.booleans()))
def test_any_value_is_an_amount_none_or_a_chinese_refusal(value):
    try:
        fen = parse_money(value)
    except MoneyParseError as exc:
        assert "金额" in str(exc)
    else:
        assert fen is None or (isinstance(fen, int) and fen >= 0)


# --- header detection ---------------------------------------------------------------------------------------------
SYNONYM_TABLES = {"members": MEMBER_SYNONYMS, "visits": VISIT_SYNONYMS, "hardship": HARDSHIP_SYNONYMS,
                  "aid": AID_SYNONYMS, "honours": HONOUR_SYNONYMS, "events": EVENT_SYNONYMS,
                  "proposals": PROPOSAL_SYNONYMS}
# What stands above a header on real forms: titles, a year, unit and date lines, blank lines.
ABOVE = [["某某公司工会会员花名册"], ["（2026年度）"], [], [None, None, None], ["填报单位：某某有限公司工会"],
         ["填报单位：某某公司工会", None, None, None, "填报日期：2026年11月20日"], ["附件2"],
         ["某某区总工会制", None, "单位：人、元"], ["说明：本表由各分工会填写，于月底前报送。"],
         ["2026年春节送温暖慰问台账"]]
# Data cells that are no column name.
CELLS = st.sampled_from(["张三", "李四", "王小明", "男", "女", "13800138000", "2026-03-05", "500", "1", "是", None])


def _exact_variants(synonyms) -> dict[str, list[str]]:
    """Each field's header texts that map to it alone and exactly (a text two fields share is left out)."""
    normalized = {key: {normalize_header(t) for t in texts} for key, texts in synonyms.items()}
    out = {}
    for key, texts in synonyms.items():
        variants = [t for t in texts if sum(normalize_header(t) in others for others in normalized.values()) == 1
                    and auto_map([t], synonyms) == {0: key}]
        if variants:
            out[key] = variants
    return out


EXACT = {name: _exact_variants(table) for name, table in SYNONYM_TABLES.items()}


def _decorated(text: str, style: int) -> str:
    """A header as forms dress it: a required mark, a note in brackets, spaces to widen it."""
    return [text, f"*{text}", f"{text}（必填）", f"{text}\n(文本格式)", " ".join(text), f"\u3000{text}：", f"＊{text}"][style]


@st.composite
def sheets(draw):
    name = draw(st.sampled_from(sorted(SYNONYM_TABLES)))
    variants = EXACT[name]
    fields = draw(st.lists(st.sampled_from(sorted(variants)), min_size=2, max_size=min(8, len(variants)),
                           unique=True))
    header = [_decorated(draw(st.sampled_from(variants[key])), draw(st.integers(0, 6))) for key in fields]
    above = draw(st.lists(st.sampled_from(ABOVE), max_size=6))
    rows = draw(st.lists(st.lists(CELLS, min_size=len(fields), max_size=len(fields)), max_size=5))
    return name, fields, header, [list(line) for line in above], rows


@FAST
@given(sheet=sheets())
def test_the_header_is_found_under_any_titles_and_unit_lines(sheet):
    name, fields, header, above, rows = sheet
    synonyms = SYNONYM_TABLES[name]
    table = [*above, header, *rows]
    assert detect_header_row(table, synonyms) == len(above)
    assert auto_map(header, synonyms) == dict(enumerate(fields))


@FAST
@given(sheet=sheets(), seed=st.integers(0, 2 ** 32))
def test_shuffling_the_columns_keeps_the_mapping(sheet, seed):
    name, fields, header, _above, _rows = sheet
    order = list(range(len(header)))
    random.Random(seed).shuffle(order)
    shuffled = [header[i] for i in order]
    assert auto_map(shuffled, SYNONYM_TABLES[name]) == {new: fields[old] for new, old in enumerate(order)}


@FAST
@given(sheet=sheets(), unknown=st.lists(st.sampled_from(["序号", "栏目一", "工号", "签字", "合计", "照片"]), max_size=3,
                                        unique=True))
def test_unknown_columns_beside_the_known_ones_are_left_unmapped(sheet, unknown):
    name, fields, header, _above, _rows = sheet
    mapping = auto_map([*unknown, *header], SYNONYM_TABLES[name])
    assume(all(normalize_header(text) not in {normalize_header(t) for ts in SYNONYM_TABLES[name].values() for t in ts}
               for text in unknown))
    assert mapping == {len(unknown) + index: key for index, key in enumerate(fields)}
