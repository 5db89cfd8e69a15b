"""Resident ID numbers (居民身份证号码, GB 11643-1999).

``parse_id_number`` normalises what a user typed (spaces, full-width digits, a lowercase x,
an old 15-digit number) and returns the 18-character number with the birth date and sex it
encodes, or raises :class:`IdNumberError` with a Chinese message.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from operator import mul

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

_FULLWIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789xX")
# compiled once: an import checks every row's number
_DIGITS_15 = re.compile(r"\d{15}")
_SCIENTIFIC = re.compile(r"\d\.\d+E\+?\d+")
_DIGITS_18 = re.compile(r"\d{17}[\dX]")


class IdNumberError(ValueError):
    """The text is not a valid ID number; the message is Chinese and says why."""


@dataclass(frozen=True)
class IdNumber:
    number: str  # 18 characters, check character uppercase
    birth_date: dt.date
    sex: str  # "男" or "女"
    upgraded_from_15: bool = False


def check_char(first17: str) -> str:
    total = sum(map(mul, map(int, first17), WEIGHTS))
    return CHECK_CHARS[total % 11]


def normalize_text(raw: str) -> str:
    return "".join(str(raw).split()).translate(_FULLWIDTH).upper()  # every white space (\u3000 too) dropped


def upgrade_15(number15: str) -> str:
    """Old 15-digit numbers: insert "19" before the two-digit year and append the check char."""
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_char(first17)


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdNumber:
    text = normalize_text(raw)
    if not text:
        raise IdNumberError("身份证号为空")
    upgraded = False
    if _DIGITS_15.fullmatch(text):
        text = upgrade_15(text)
        upgraded = True
    elif _SCIENTIFIC.fullmatch(text):
        raise IdNumberError("身份证号被表格当成了数字（科学计数法），末几位已丢失；请把该列设为文本后重新录入")
    if len(text) != 18:
        raise IdNumberError(f"身份证号应为18位，这里是{len(text)}位")
    if not _DIGITS_18.fullmatch(text):
        raise IdNumberError("身份证号只能是数字，最后一位可以是X")
    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise IdNumberError(f"身份证号中的出生日期 {text[6:14]} 不存在") from None
    today = today or dt.date.today()
    if birth > today or birth.year < 1900:
        raise IdNumberError(f"身份证号中的出生日期 {birth.isoformat()} 不合理")
    expected = check_char(text[:17])
    if text[17] != expected:
        raise IdNumberError(f"身份证号校验位错误（最后一位应为 {expected}），请核对是否抄错")
    sex = "男" if int(text[16]) % 2 == 1 else "女"
    return IdNumber(text, birth, sex, upgraded)


def is_valid(raw: str) -> bool:
    try:
        parse_id_number(raw)
    except IdNumberError:
        return False
    return True


def mask_id_number(number: str | None) -> str:
    """110101********1234: the area code and the last four stay visible."""
    if not number:
        return ""
    if len(number) <= 10:
        return number[:2] + "*" * max(len(number) - 4, 0) + number[-2:]
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str | None) -> str:
    """138****5678 for mobiles; other numbers keep their first 3 and last 4 characters."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return phone[:1] + "*" * (len(phone) - 2) + phone[-1:]
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_account(account: str | None) -> str:
    """**** **** **** 1234: a bank account with only its last four digits shown."""
    if not account:
        return ""
    return "**** " * max((len(account) - 4 + 3) // 4, 1) + account[-4:]
