"""Privacy: the password that opens the app, the idle lock's setting, and the record of every output that
showed ID, phone or bank numbers in full.

The password (设置 → 密码与隐私…) is optional. It is kept in ``app_settings`` only as a salted slow hash,
``scrypt$n$r$p$salt$hash`` (:func:`hashlib.scrypt`, a random 16-byte salt, n = 2**15, r = 8, p = 1, the salt
and the 32-byte hash in base64), and checked in constant time. It guards the screen, not the file: anyone who
has the .sqlite3 file can read it with other tools. Setting, changing and removing it are written to the
change log (``table_name`` 'app_settings', ``action`` 'password'), never the password or its hash.

With a password the app locks itself after :func:`auto_lock_minutes` without keyboard or mouse input (10 by
default; 0 never). Without one there is nothing to unlock with, so it never locks.

Masking (DOMAIN.md §7). Every output — a list on screen, a printout, an .xlsx export, a filled upstream form,
the command line's export and fill — shows ID numbers, phones and bank accounts masked (110101********1234,
138****5678, **** **** 1234) unless the user asks for the full numbers for that one output (the tick box
:data:`FULL_NUMBERS_TEXT`, unticked every time, or ``--full-numbers``). Each such output writes one change-log
row through :func:`record_unmask`: ``action`` 'unmask', ``record_id`` '*', ``new_values`` the output's name,
the fields, the number of records and the file. No Qt here.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from gonghui_desk.db.changelog import NOW_SQL
from gonghui_desk.db.connection import transaction
from gonghui_desk.errors import UserError
from gonghui_desk.idcard import mask_account, mask_id_number, mask_phone
from gonghui_desk.settings import get_setting

if TYPE_CHECKING:
    import sqlite3

    import sqlite_utils

__all__ = ["ACCOUNT_LABEL", "AUTO_LOCK_CHOICES", "DEFAULT_AUTO_LOCK_MINUTES", "FORM_FILL_HINT", "FULL_NUMBERS_OPTION",
           "FULL_NUMBERS_TEXT", "ID_LABEL", "MIN_PASSWORD_LENGTH", "PHONE_LABEL", "SENSITIVE_FIELDS", "UNMASK_HINT",
           "auto_lock_minutes", "check_app_password", "clear_app_password", "field_labels", "has_app_password",
           "hash_password", "mask_record", "password_problem", "record_unmask", "sensitive_keys",
           "set_app_password", "set_auto_lock_minutes", "unmask_entries", "verify_password"]

PASSWORD_SETTING = "privacy.password_hash"
AUTO_LOCK_SETTING = "privacy.auto_lock_minutes"
DEFAULT_AUTO_LOCK_MINUTES = 10
MAX_AUTO_LOCK_MINUTES = 240
AUTO_LOCK_CHOICES = (0, 5, 10, 15, 30, 60)  # what the settings dialog offers first; any 0–240 is kept
MIN_PASSWORD_LENGTH = 4
MAX_PASSWORD_LENGTH = 128

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 15, 8, 1
SALT_BYTES, HASH_BYTES = 16, 32
_SCHEME = "scrypt"

# --- what a user sees ------------------------------------------------------------------------------------
FULL_NUMBERS_TEXT = "显示完整的身份证号、手机号和银行卡号"
UNMASK_HINT = "不勾选时只显示号码的前后几位。勾选后本次输出显示完整号码，并记入修改记录；请妥善保管输出的文件和纸张。"
FORM_FILL_HINT = "上级表格通常需要完整身份证号：勾选后会记录在修改记录中"
FULL_NUMBERS_OPTION = "--full-numbers"

ID_LABEL, PHONE_LABEL, ACCOUNT_LABEL = "身份证号", "手机号", "银行卡号"

# Field keys (of the exports and the form filler's sources) holding such numbers: key -> (label, mask).
SENSITIVE_FIELDS: dict[str, tuple[str, Callable[[str | None], str]]] = {
    "id_number": (ID_LABEL, mask_id_number),
    "member_id_number": (ID_LABEL, mask_id_number),
    "student_id_number": (ID_LABEL, mask_id_number),
    "phone": (PHONE_LABEL, mask_phone),
    "member_phone": (PHONE_LABEL, mask_phone),
    "bank_account": (ACCOUNT_LABEL, mask_account),
}


# --- masking ---------------------------------------------------------------------------------------------
def sensitive_keys(keys: Iterable[str]) -> list[str]:
    """The keys among ``keys`` that hold ID, phone or bank numbers, in order, once each."""
    return list(dict.fromkeys(key for key in keys if key in SENSITIVE_FIELDS))


def field_labels(keys: Iterable[str]) -> list[str]:
    """"身份证号", "手机号", "银行卡号" for the sensitive ``keys`` (a label passes through), in order, once each."""
    labels = (SENSITIVE_FIELDS[key][0] if key in SENSITIVE_FIELDS else key for key in keys)
    return list(dict.fromkeys(label for label in labels if label))


def mask_record(record: Mapping[str, Any], keys: Iterable[str] | None = None) -> dict:
    """A copy of ``record`` with its ID, phone and bank numbers masked (only ``keys`` when given)."""
    masked = dict(record)
    for key in (keys if keys is not None else SENSITIVE_FIELDS):
        value = masked.get(key)
        if key in SENSITIVE_FIELDS and value not in (None, ""):
            masked[key] = SENSITIVE_FIELDS[key][1](str(value))
    return masked


# --- the change log --------------------------------------------------------------------------------------
def _log(conn, table: str, record_id: str, action: str, old: dict | None, new: dict | None) -> int:
    cursor = conn.execute(
        f"INSERT INTO change_log(changed_at, table_name, record_id, action, old_values, new_values) "
        f"VALUES ({NOW_SQL}, ?, ?, ?, ?, ?)",
        (table, record_id, action, json.dumps(old, ensure_ascii=False) if old is not None else None,
         json.dumps(new, ensure_ascii=False) if new is not None else None))
    return cursor.lastrowid


def _file_text(target) -> str | None:
    if target is None:
        return None
    try:
        return str(Path(target).resolve())
    except OSError:
        return str(target)


def record_unmask(db: sqlite_utils.Database, *, output: str, fields: Iterable[str], count: int,
                  target: str | os.PathLike | None = None, table: str = "members") -> int:
    """Write the change-log row saying that ``output`` ("导出会员花名册", "打印困难职工档案表：张三",
    "填写上级表格：会员信息采集表.xlsx") showed ``fields`` (keys or labels) in full for ``count`` records, into
    ``target`` (the file; None for a printout or the screen). ``table`` is the output's main table. Returns
    the row's id."""
    new = {"output": output, "fields": field_labels(fields), "count": int(count), "file": _file_text(target)}
    with transaction(db) as conn:
        return _log(conn, table, "*", "unmask", None, new)


def unmask_entries(db: sqlite_utils.Database) -> list[dict]:
    """The 'unmask' rows of the change log, oldest first: changed_at, table_name and the decoded values."""
    rows = db.execute("SELECT id, changed_at, table_name, new_values FROM change_log WHERE action = 'unmask' "
                      "ORDER BY id").fetchall()
    return [{"id": row_id, "changed_at": changed_at, "table_name": table, **json.loads(values or "{}")}
            for row_id, changed_at, table, values in rows]


# --- the password ----------------------------------------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    import hashlib  # here: loading OpenSSL's hashes is not worth doing at every start

    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=128 * n * r * p + 16 * 1024 * 1024, dklen=HASH_BYTES)


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P,
                  salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` of ``password`` with a new random salt."""
    salt = salt if salt is not None else os.urandom(SALT_BYTES)
    return "$".join((_SCHEME, str(n), str(r), str(p), _b64(salt), _b64(_scrypt(password, salt, n, r, p))))


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (False for anything malformed)."""
    if not stored or not isinstance(password, str):
        return False
    try:
        scheme, n_text, r_text, p_text, salt_text, hash_text = stored.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt, expected = base64.b64decode(salt_text, validate=True), base64.b64decode(hash_text, validate=True)
    except ValueError:
        return False
    # bounds, so a tampered setting cannot make a check take minutes or gigabytes
    if scheme != _SCHEME or not (2 ** 10 <= n <= 2 ** 20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
        return False
    if len(expected) != HASH_BYTES or not salt:
        return False
    try:
        actual = _scrypt(password, salt, n, r, p)
    except (ValueError, MemoryError):
        return False
    import hmac

    return hmac.compare_digest(actual, expected)


def password_problem(password: str) -> str:
    """Why ``password`` cannot be the app's password ('' when it can)."""
    if not password:
        return "请输入密码"
    if password != password.strip():
        return "密码的开头和结尾不能是空格"
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少要有{MIN_PASSWORD_LENGTH}个字符"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"密码不能超过{MAX_PASSWORD_LENGTH}个字符"
    return ""


def has_app_password(db: sqlite_utils.Database | sqlite3.Connection) -> bool:
    return bool(get_setting(db, PASSWORD_SETTING))


def check_app_password(db: sqlite_utils.Database | sqlite3.Connection, password: str) -> bool:
    """Whether ``password`` opens the app (False when no password is set)."""
    return verify_password(password, get_setting(db, PASSWORD_SETTING))


def set_app_password(db: sqlite_utils.Database, password: str) -> None:
    """Set or change the password (the caller has checked the old one); logged as set or changed."""
    problem = password_problem(password)
    if problem:
        raise UserError(problem)
    stored = hash_password(password)
    with transaction(db) as conn:
        had = conn.execute("SELECT value FROM app_settings WHERE key = ?", (PASSWORD_SETTING,)).fetchone()
        conn.execute("INSERT INTO app_settings(key, value) VALUES (?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (PASSWORD_SETTING, stored))
        event, text = ("change", "修改了打开程序的密码") if had and had[0] else ("set", "设置了打开程序的密码")
        _log(conn, "app_settings", "password", "password", None, {"event": event, "text": text})


def clear_app_password(db: sqlite_utils.Database) -> bool:
    """Remove the password (the caller has checked it); logged. False when there was none."""
    with transaction(db) as conn:
        removed = conn.execute("DELETE FROM app_settings WHERE key = ?", (PASSWORD_SETTING,)).rowcount
        if removed:
            _log(conn, "app_settings", "password", "password", None,
                 {"event": "remove", "text": "取消了打开程序的密码"})
    return bool(removed)


# --- the idle lock ---------------------------------------------------------------------------------------
def _stored_minutes(db: sqlite_utils.Database | sqlite3.Connection) -> int:
    try:
        minutes = int(get_setting(db, AUTO_LOCK_SETTING, DEFAULT_AUTO_LOCK_MINUTES))
    except (TypeError, ValueError):
        return DEFAULT_AUTO_LOCK_MINUTES
    return min(max(minutes, 0), MAX_AUTO_LOCK_MINUTES)


def auto_lock_minutes(db: sqlite_utils.Database | sqlite3.Connection) -> int:
    """Minutes without input before the app locks: 0 (never) without a password; with one the setting,
    10 by default, 0–240."""
    return _stored_minutes(db) if has_app_password(db) else 0


def configured_auto_lock_minutes(db: sqlite_utils.Database) -> int:
    """The setting itself, whether or not a password is set (what the settings dialog shows)."""
    return _stored_minutes(db)


def set_auto_lock_minutes(db: sqlite_utils.Database, minutes: int) -> int:
    """Store the idle minutes (clamped to 0–240; 0 never locks); a change is logged. Returns the stored value."""
    minutes = min(max(int(minutes), 0), MAX_AUTO_LOCK_MINUTES)
    old = _stored_minutes(db)
    with transaction(db) as conn:
        conn.execute("INSERT INTO app_settings(key, value) VALUES (?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (AUTO_LOCK_SETTING, str(minutes)))
        if minutes != old:
            _log(conn, "app_settings", "auto_lock_minutes", "update", {"auto_lock_minutes": old},
                 {"auto_lock_minutes": minutes})
    return minutes
