"""Finding the header row and mapping columns to fields through synonym tables."""

from __future__ import annotations

import pytest

from gonghui_desk.importing.headers import (
    MEMBER_IMPORT_FIELDS,
    MEMBER_SYNONYMS,
    auto_map,
    build_synonyms,
    detect_header_row,
    normalize_header,
    read_header,
)
from gonghui_desk.importing.spreadsheet import SpreadsheetError
from gonghui_desk.members import ROSTER_COLUMNS


@pytest.mark.parametrize("raw, expected", [
    (" 姓 名 ", "姓名"),
    ("*身份证号\n（必填）", "身份证号"),
    ("手机号码(11位)", "手机号码"),
    ("出生日期【格式：1990-01-01】", "出生日期"),
    ("部门\u3000＊", "部门"),
    ("状态：", "状态"),
    (None, ""),
    (2024, "2024"),
])
def test_normalize_header(raw, expected):
    assert normalize_header(raw) == expected


def test_member_fields_follow_the_roster_columns():
    assert list(MEMBER_IMPORT_FIELDS) == [key for key, _label in ROSTER_COLUMNS]
    assert list(MEMBER_SYNONYMS) == list(MEMBER_IMPORT_FIELDS)
    assert all(MEMBER_SYNONYMS[key][0] == label for key, label in ROSTER_COLUMNS)


def test_upstream_header_variants_map_to_member_fields():
    headers = ["序号", "姓名", "性别", "公民身份号码", "出生年月", "联系电话", "工作单位", "班组",
               "入会时间", "会籍状态", "家庭住址"]
    assert auto_map(headers, MEMBER_SYNONYMS) == {
        1: "name", 2: "sex", 3: "id_number", 4: "birth_date", 5: "phone", 6: "sub_unit",
        7: "union_group", 8: "join_date", 9: "status",
    }


@pytest.mark.parametrize("header, field", [
    ("身份证号码", "id_number"), ("身份证", "id_number"), ("证件号码", "id_number"),
    ("出生年月日", "birth_date"), ("生日", "birth_date"), ("手机号", "phone"), ("手机", "phone"),
    ("电话", "phone"), ("科室", "sub_unit"), ("年级组", "sub_unit"), ("教研组", "sub_unit"),
    ("车间", "sub_unit"), ("分工会", "sub_unit"), ("工会小组", "union_group"), ("小组", "union_group"),
    ("入会年月", "join_date"), ("状态", "status"), ("会员状态", "status"), ("文化程度", "education"),
    ("职务", "position"), ("专业技术职务", "professional_title"), ("户口性质", "household_type"),
    ("参加工作时间", "work_start_date"), ("备注", "notes"),
])
def test_each_variant_maps_alone(header, field):
    assert auto_map([header], MEMBER_SYNONYMS) == {0: field}


def test_serial_number_columns_map_to_nothing():
    assert auto_map(["序号", "编号", "排序"], MEMBER_SYNONYMS) == {}


def test_exact_matches_win_and_each_field_is_used_once():
    headers = ["本人联系电话", "电话", "部门", "单位"]
    assert auto_map(headers, MEMBER_SYNONYMS) == {1: "phone", 2: "sub_unit"}


def test_a_header_containing_a_synonym_matches_when_the_rest_is_short():
    assert auto_map(["会员身份证号码", "现工作单位及职务"], MEMBER_SYNONYMS) == {0: "id_number", 1: "sub_unit"}
    assert auto_map(["填报单位：某某机械制造有限公司"], MEMBER_SYNONYMS) == {}


def test_header_row_found_under_title_rows_and_a_unit_line():
    rows = [
        ["某某公司2026年工会会员花名册", None, None, None],
        ["（会员信息采集表）", None, None, None],
        ["填报单位：", "某某公司", "填报日期：", "2026年5月"],
        ["序号", "姓名", "身份证号码", "联系电话"],
        [1, "张三", "110101198503070013", "13800138000"],
    ]
    assert detect_header_row(rows, MEMBER_SYNONYMS) == 3


def test_no_header_row_is_a_clear_error():
    rows = [["张三", "男"], ["李四", "女"]]
    with pytest.raises(SpreadsheetError, match="找不到表头：前20行中没有一行"):
        detect_header_row(rows, MEMBER_SYNONYMS)


def test_the_header_must_be_within_the_scanned_rows():
    rows = [["说明"]] * 5 + [["姓名", "性别"]]
    with pytest.raises(SpreadsheetError, match="前5行"):
        detect_header_row(rows, MEMBER_SYNONYMS, max_scan=5)
    assert detect_header_row(rows, MEMBER_SYNONYMS, max_scan=6) == 5


def test_two_level_header_is_read_as_one_row():
    rows = [
        ["姓名", "性别", "联系方式", None, "所在单位", None],
        [None, None, "手机", "邮箱", "部门", "工会小组"],
        ["张三", "男", "13800138000", "a@b.cn", "一车间", "甲班"],
    ]
    index = detect_header_row(rows, MEMBER_SYNONYMS)
    last, headers = read_header(rows, index, MEMBER_SYNONYMS)
    assert last == 1
    assert headers == ["姓名", "性别", "手机", "邮箱", "部门", "工会小组"]
    assert auto_map(headers, MEMBER_SYNONYMS) == {0: "name", 1: "sex", 2: "phone", 4: "sub_unit", 5: "union_group"}


def test_a_data_row_is_not_taken_for_a_second_header_level():
    rows = [["姓名", "部门", None], ["车间", "车间", "x"]]
    assert read_header(rows, 0, MEMBER_SYNONYMS) == (0, ["姓名", "部门", ""])


def test_other_modules_bring_their_own_synonym_table():
    labels = {"member_name": "姓名", "occasion": "慰问事由", "amount": "慰问金额"}
    synonyms = build_synonyms(labels, {"occasion": ("事由", "慰问类别"), "amount": ("金额", "慰问金（元）")})
    assert synonyms["occasion"] == ("慰问事由", "事由", "慰问类别")
    rows = [["春节送温暖慰问金发放表"], ["序号", "姓名", "慰问类别", "金额（元）", "签字"]]
    index = detect_header_row(rows, synonyms)
    assert index == 1
    assert auto_map(rows[index], synonyms) == {1: "member_name", 2: "occasion", 3: "amount"}


def test_a_place_is_not_the_field_whose_word_it_contains():
    headers = ["户籍所在地", "户籍", "家庭住址", "本人手机"]
    assert auto_map(headers, MEMBER_SYNONYMS) == {1: "household_type", 3: "phone"}
