import datetime as dt

import pytest

from gonghui_desk.idcard import (IdNumberError, check_char, mask_id_number, mask_phone, parse_id_number,
                                 upgrade_15)
from tests.conftest import VALID_IDS


def test_check_character_follows_gb11643():
    # the standard's own example
    assert check_char("11010519491231002") == "X"
    assert check_char("44052418800101001") == "4"


def test_valid_number_gives_birth_date_and_sex():
    parsed = parse_id_number(VALID_IDS["man_1985"])
    assert parsed.birth_date == dt.date(1985, 3, 7)
    assert parsed.sex == "男"
    assert parse_id_number(VALID_IDS["woman_1990"]).sex == "女"


def test_lowercase_x_is_accepted_and_stored_uppercase():
    assert parse_id_number("11010519491231002x").number == "11010519491231002X"


def test_spaces_and_full_width_digits_are_normalised():
    assert parse_id_number(" １１０１０５ 19491231002x ").number == "11010519491231002X"


def test_wrong_check_character_is_refused_with_the_expected_one():
    with pytest.raises(IdNumberError, match="校验位错误.*应为 X"):
        parse_id_number("110105194912310021")


def test_fifteen_digit_number_is_upgraded():
    parsed = parse_id_number("110105491231002")
    assert parsed.number == "11010519491231002X"
    assert parsed.upgraded_from_15
    assert upgrade_15("110105491231002") == "11010519491231002X"


@pytest.mark.parametrize("raw, message", [
    ("1101051949123100", "应为18位"),
    ("11010519491331002X", "出生日期 19491331 不存在"),
    ("1101051949123100AX", "只能是数字"),
    ("1.10105194912E+17", "科学计数法"),
    ("", "为空"),
])
def test_invalid_numbers_say_why(raw, message):
    with pytest.raises(IdNumberError, match=message):
        parse_id_number(raw)


def test_future_birth_date_is_refused():
    future = "110105" + "20991231" + "002"
    with pytest.raises(IdNumberError, match="不合理"):
        parse_id_number(future + check_char(future))


def test_masks_keep_area_code_and_last_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("") == "" and mask_phone(None) == ""
