"""The privacy core (gonghui_desk/privacy.py): the app password as a salted scrypt hash, the idle minutes, the
change-log rows of the password and of every output with full numbers, and the masking helpers."""

from __future__ import annotations

import base64
import json
import time

import pytest

from gonghui_desk import privacy
from gonghui_desk.errors import UserError
from gonghui_desk.privacy import (auto_lock_minutes, check_app_password, clear_app_password, field_labels,
                                  has_app_password, hash_password, mask_record, password_problem, record_unmask,
                                  sensitive_keys, set_app_password, set_auto_lock_minutes, unmask_entries,
                                  verify_password)
from gonghui_desk.settings import get_setting

PASSWORD = "工会2026pw"


def log_rows(db, action: str) -> list[tuple]:
    return db.execute("SELECT table_name, record_id, action, old_values, new_values FROM change_log "
                      "WHERE action = ? ORDER BY id", [action]).fetchall()


# --- the hash --------------------------------------------------------------------------------------------
def test_the_hash_is_salted_scrypt_in_its_stored_form():
    stored = hash_password(PASSWORD)
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2 ** 15), "8", "1")
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(digest)) == 32
    again = hash_password(PASSWORD)
    assert again != stored and again.split("$")[4] != salt  # a new random salt every time
    assert PASSWORD not in stored
    assert verify_password(PASSWORD, stored) and verify_password(PASSWORD, again)
    assert not verify_password(PASSWORD + " ", stored) and not verify_password("工会2026PW", stored)


def test_the_hash_is_the_documented_scrypt():
    import hashlib

    salt = bytes(range(16))
    stored = hash_password("abc", salt=salt)
    expected = hashlib.scrypt(b"abc", salt=salt, n=2 ** 15, r=8, p=1, maxmem=64 * 1024 * 1024, dklen=32)
    assert stored.split("$")[5] == base64.b64encode(expected).decode()


@pytest.mark.parametrize("stored", ["", "scrypt", "bcrypt$16384$8$1$AAAA$AAAA", "scrypt$abc$8$1$AAAA$AAAA",
                                    "scrypt$16384$8$1$not base64!$AAAA",
                                    "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
                                    "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44,
                                    "scrypt$16385$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 44, None])
def test_a_malformed_or_tampered_hash_never_matches_and_never_runs_long(stored):
    started = time.monotonic()
    assert not verify_password("anything", stored)
    assert time.monotonic() - started < 1  # a huge n is refused, not computed


def test_password_rules():
    assert password_problem("") == "请输入密码"
    assert password_problem("abc") == "密码至少要有4个字符"
    assert password_problem(" abcd") == "密码的开头和结尾不能是空格"
    assert password_problem("x" * 129) == "密码不能超过128个字符"
    assert password_problem("1234") == "" and password_problem("工会密码") == ""


# --- set, check, change, remove --------------------------------------------------------------------------
def test_set_check_change_and_remove_the_password(db):
    assert not has_app_password(db) and not check_app_password(db, PASSWORD) and not check_app_password(db, "")
    set_app_password(db, PASSWORD)
    assert has_app_password(db)
    stored = get_setting(db, "privacy.password_hash")
    assert stored.startswith("scrypt$32768$8$1$") and PASSWORD not in stored
    assert check_app_password(db, PASSWORD) and not check_app_password(db, "wrong")

    set_app_password(db, "新密码1234")
    assert check_app_password(db, "新密码1234") and not check_app_password(db, PASSWORD)
    assert clear_app_password(db) is True
    assert not has_app_password(db) and not check_app_password(db, "新密码1234")
    assert clear_app_password(db) is False  # nothing to remove, nothing logged

    rows = log_rows(db, "password")
    assert [(t, r, json.loads(new)["event"]) for t, r, _a, _old, new in rows] == [
        ("app_settings", "password", "set"), ("app_settings", "password", "change"),
        ("app_settings", "password", "remove")]
    assert [json.loads(new)["text"] for *_rest, new in rows] == ["设置了打开程序的密码", "修改了打开程序的密码",
                                                               "取消了打开程序的密码"]
    everything = json.dumps(db.execute("SELECT * FROM change_log").fetchall(), ensure_ascii=False)
    assert PASSWORD not in everything and "新密码1234" not in everything and "scrypt$" not in everything


def test_a_bad_new_password_is_refused_and_nothing_changes(db):
    set_app_password(db, PASSWORD)
    with pytest.raises(UserError, match="至少要有4个字符"):
        set_app_password(db, "abc")
    assert check_app_password(db, PASSWORD) and len(log_rows(db, "password")) == 1


# --- the idle minutes ------------------------------------------------------------------------------------
def test_auto_lock_minutes_need_a_password(db):
    assert auto_lock_minutes(db) == 0  # nothing to unlock with: never locks
    set_app_password(db, PASSWORD)
    assert auto_lock_minutes(db) == privacy.DEFAULT_AUTO_LOCK_MINUTES == 10
    assert set_auto_lock_minutes(db, 30) == 30 and auto_lock_minutes(db) == 30
    assert set_auto_lock_minutes(db, 0) == 0 and auto_lock_minutes(db) == 0
    assert set_auto_lock_minutes(db, 999) == 240 and set_auto_lock_minutes(db, -5) == 0
    set_auto_lock_minutes(db, 15)
    clear_app_password(db)
    assert auto_lock_minutes(db) == 0 and privacy.configured_auto_lock_minutes(db) == 15  # kept for next time
    rows = log_rows(db, "update")
    assert [(json.loads(old)["auto_lock_minutes"], json.loads(new)["auto_lock_minutes"])
            for _t, record, _a, old, new in rows if record == "auto_lock_minutes"] == [
        (10, 30), (30, 0), (0, 240), (240, 0), (0, 15)]


def test_a_broken_minutes_setting_falls_back_to_the_default(db):
    from gonghui_desk.settings import set_setting

    set_app_password(db, PASSWORD)
    set_setting(db, "privacy.auto_lock_minutes", "十分钟")
    assert auto_lock_minutes(db) == 10


# --- unmask rows -----------------------------------------------------------------------------------------
def test_record_unmask_writes_one_row_naming_the_output(db, tmp_path):
    target = tmp_path / "花名册.xlsx"
    row_id = record_unmask(db, output="导出会员花名册", fields=["id_number", "手机号", "phone"], count=12,
                           target=target)
    table, record, action, old, new = db.execute(
        "SELECT table_name, record_id, action, old_values, new_values FROM change_log WHERE id = ?",
        [row_id]).fetchone()
    assert (table, record, action, old) == ("members", "*", "unmask", None)
    assert json.loads(new) == {"output": "导出会员花名册", "fields": ["身份证号", "手机号"], "count": 12,
                               "file": str(target.resolve())}
    record_unmask(db, output="打印困难职工档案表：张三", fields=("身份证号", "银行卡号"), count=1, table="hardship_files")
    entries = unmask_entries(db)
    assert [(e["table_name"], e["output"], e["file"]) for e in entries] == [
        ("members", "导出会员花名册", str(target.resolve())), ("hardship_files", "打印困难职工档案表：张三", None)]
    assert entries[0]["changed_at"][:4].isdigit() and "T" in entries[0]["changed_at"]


def test_masking_helpers():
    record = {"name": "张三", "id_number": "110101198503070013", "phone": "13800138000", "bank_account":
              "6222020200112233445", "student_id_number": "", "member_phone": None}
    masked = mask_record(record)
    assert masked == {"name": "张三", "id_number": "110101********0013", "phone": "138****8000",
                      "bank_account": "**** **** **** **** 3445", "student_id_number": "", "member_phone": None}
    assert record["id_number"] == "110101198503070013"  # a copy
    assert mask_record(record, ["phone"])["id_number"] == "110101198503070013"
    assert sensitive_keys(["seq", "name", "phone", "id_number", "phone", "bank_account"]) == [
        "phone", "id_number", "bank_account"]
    assert field_labels(["id_number", "student_id_number", "phone", "bank_account", "其他"]) == [
        "身份证号", "手机号", "银行卡号", "其他"]
