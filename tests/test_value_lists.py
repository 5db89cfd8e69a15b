import pytest

from gonghui_desk.errors import UserError
from gonghui_desk.value_lists import DEFAULTS, add_value, retire_value, values


def test_lists_are_seeded_with_the_national_terms(db):
    assert values(db, "hardship.cause") == list(DEFAULTS["hardship.cause"])
    assert "金秋助学" in values(db, "aid.type")


def test_officer_adds_and_retires_values(db):
    add_value(db, "hardship.category", "支出型困难")
    assert values(db, "hardship.category")[-1] == "支出型困难"
    with pytest.raises(UserError, match="已有“支出型困难”"):
        add_value(db, "hardship.category", " 支出型困难 ")
    retire_value(db, "hardship.category", "支出型困难")
    assert "支出型困难" not in values(db, "hardship.category")
    with pytest.raises(UserError, match="不能为空"):
        add_value(db, "hardship.category", "")
