import pytest

from gonghui_desk.money import MoneyParseError, parse_money, wan_text, yuan_text


@pytest.mark.parametrize("raw, fen", [
    ("1,200.50", 120050), ("1200元", 120000), ("0.12万元", 120000), ("1.5万", 1500000), (300, 30000),
    (45.5, 4550), (" ￥88 ", 8800), ("１２０", 12000), ("0", 0), ("12.3", 1230),
])
def test_amounts_users_type(raw, fen):
    assert parse_money(raw) == fen


def test_empty_is_none():
    assert parse_money(None) is None and parse_money("  ") is None


@pytest.mark.parametrize("raw, message", [
    ("壹佰元", "大写汉字"), ("一百元", "大写汉字"), ("abc", "无法识别金额"), ("-5", "负数"),
    ("1.234", "精度超过了分"), ("1,20", "无法识别金额"), (True, "不是金额"),
])
def test_refused_amounts_say_why(raw, message):
    with pytest.raises(MoneyParseError, match=message):
        parse_money(raw)


def test_floats_do_not_drift():
    assert parse_money(0.1 + 0.2 - 0.3 + 19.99) == 1999


def test_writing_amounts():
    assert yuan_text(120000) == "1,200"
    assert yuan_text(12345) == "123.45"
    assert yuan_text(5) == "0.05"
    assert wan_text(1150000) == "1.15万元"
    assert wan_text(1000000) == "1万元"
    assert wan_text(50000) == "500元"
