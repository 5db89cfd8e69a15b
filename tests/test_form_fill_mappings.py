"""Saved mappings (table form_mappings): stored under a name, used again with next year's copy of the form, and a
form whose headers changed reported column by column."""

from __future__ import annotations

import json

import pytest

from gonghui_desk.db.migrations import MIGRATIONS
from gonghui_desk.errors import UserError
from gonghui_desk.form_fill import (compare_with_saved, fill_form, get_mapping, inspect_form, list_mappings,
                                    mapping_from_saved, propose_mapping, save_form_mapping, void_mapping)
from tests.conftest import TODAY
from tests.test_form_fill_forms import simple_form, small_roster

OLD = ["序号", "姓名", "性别", "身份证号", "联系电话", "部门", "民族", "入会时间"]


def test_the_migration_adds_form_mappings(db):
    assert [m.version for m in MIGRATIONS if m.apply.__name__ == "_v7_form_mappings"] == [7]
    assert [c.name for c in db["form_mappings"].columns] == [
        "id", "name", "source", "params_json", "sheet_name", "header_row", "headers_json", "columns_json",
        "created_at", "updated_at", "voided_at"]
    assert "form_mappings" in [r[0] for r in db.execute("SELECT table_name FROM audited_tables")]


def test_save_load_replace_and_void(db, store, tmp_path):
    small_roster(db, store)
    path = tmp_path / "old.xlsx"
    simple_form(path, OLD, sheet="名册")
    layout = inspect_form(path)
    mapping = propose_mapping(layout, "roster")
    saved = save_form_mapping(db, " 会员 信息表 ", layout, mapping, {"status": "退休"})
    assert saved.name == "会员 信息表" and saved.source == "roster" and saved.sheet_name == "名册"
    assert saved.header_row == 3 and saved.headers == dict(enumerate(OLD, 1))
    assert saved.columns == {1: "seq", 2: "name", 3: "sex", 4: "id_number", 5: "phone", 6: "sub_unit", 7: "ethnicity",
                             8: "join_date"}
    assert saved.params == {"status": "退休", "migrant": False, "order": "name"}
    row = db.execute("SELECT headers_json, columns_json FROM form_mappings").fetchone()
    assert json.loads(row[0])[4] == [5, "联系电话"] and json.loads(row[1])[0] == [1, "seq"]
    assert get_mapping(db, "会员 信息表") == saved

    mapping.assign(7, None)
    again = save_form_mapping(db, "会员 信息表", layout, mapping)
    assert again.id == saved.id and 7 not in again.columns and again.params["status"] == "在册"
    assert [m.name for m in list_mappings(db)] == ["会员 信息表"]
    void_mapping(db, "会员 信息表")
    assert list_mappings(db) == []
    with pytest.raises(UserError, match="没有名为“会员 信息表”的对应关系；已保存的：（还没有保存过）"):
        get_mapping(db, "会员 信息表")
    assert save_form_mapping(db, "会员 信息表", layout, mapping).id == saved.id  # a voided one comes back
    actions = [r[0] for r in db.execute("SELECT action FROM change_log WHERE table_name = 'form_mappings' ORDER BY id")]
    assert actions == ["insert", "update", "void", "restore"]
    with pytest.raises(UserError, match="请给对应关系起一个名字"):
        save_form_mapping(db, "  ", layout, mapping)


def test_next_years_form_reported_column_by_column(db, store, tmp_path):
    small_roster(db, store)
    old_path = tmp_path / "2025.xlsx"
    simple_form(old_path, OLD)
    old = inspect_form(old_path)
    saved = save_form_mapping(db, "采集表", old, propose_mapping(old, "roster"))
    assert compare_with_saved(old, saved) == []

    new_path = tmp_path / "2026.xlsx"
    simple_form(new_path, ["序号", "姓名", "性别", "身份证号", "手机号码", "部门", "入会时间", "学历", "备注"],
                header_row=2)
    new = inspect_form(new_path)
    changes = compare_with_saved(new, saved)
    assert [c.text for c in changes] == [
        "表头：原在第3行，现在第2行",
        "第5列：原为“联系电话”，现为“手机号码”",
        "缺少原第7列“民族”",
        "新增第8列“学历”，未对应字段",
        "新增第9列“备注”，未对应字段",
    ]
    renamed = changes[1]
    assert (renamed.kind, renamed.column, renamed.old_column, renamed.field) == ("renamed", 5, 5, "phone")
    assert (changes[2].kind, changes[2].column, changes[2].old_column, changes[2].field) == ("missing", None, 7,
                                                                                              "ethnicity")
    mapping = mapping_from_saved(new, saved)
    assert mapping.columns == {1: "seq", 2: "name", 3: "sex", 4: "id_number", 5: "phone", 6: "sub_unit",
                               7: "join_date"}
    result = fill_form(db, new, mapping, "roster", saved.params, tmp_path / "out.xlsx", today=TODAY)
    assert result.rows_written == 3 and "第8列“学历”未对应字段，已留空" in result.messages


def test_moved_and_renamed_to_another_field(db, tmp_path):
    old_path = tmp_path / "old.xlsx"
    simple_form(old_path, ["姓名", "性别", "民族", "出生日期", "籍贯"])
    old = inspect_form(old_path)
    saved = save_form_mapping(db, "表", old, propose_mapping(old, "roster"))
    new_path = tmp_path / "new.xlsx"
    simple_form(new_path, ["姓名", "出生日期", "性别", "政治面貌", "户籍"], sheet="第二页")
    new = inspect_form(new_path)
    assert [c.text for c in compare_with_saved(new, saved)] == [
        "工作表：原为“Sheet1”，现为“第二页”",
        "“出生日期”：原为第4列，现为第2列",
        "第4列：原为“民族”，现为“政治面貌”，改填“政治面貌”",
        "第5列：原为“籍贯”，现为“户籍”，改填“户籍类型”",
    ]
    assert mapping_from_saved(new, saved).columns == {1: "name", 2: "birth_date", 3: "sex", 4: "political_status",
                                                      5: "household_type"}
