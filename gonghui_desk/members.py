"""Members (会员): their fields, the validation shared by forms and imports, and the store.

``normalize_member`` turns raw values (typed in a form, or cells read from a spreadsheet)
into column values plus a list of :class:`Problem`; ``MemberStore`` writes them, keeps the
status history, and never deletes anybody (a mistaken entry is voided instead).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gonghui_desk import idcard
from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.db.connection import transaction
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.pinyin_keys import name_keys, sort_key

if TYPE_CHECKING:
    import sqlite_utils

STATUSES = ("在册", "退休", "转出", "退会", "去世")
ON_ROLL_STATUSES = ("在册", "退休")  # retirees usually stay on the roll
SEXES = ("男", "女")
POLITICAL_STATUSES = ("中共党员", "中共预备党员", "共青团员", "民主党派", "群众")
EDUCATIONS = ("博士研究生", "硕士研究生", "大学本科", "大学专科", "中专", "高中", "初中及以下")
EMPLOYMENT_TYPES = ("在编", "合同制", "劳务派遣", "农民工", "临时聘用", "其他")
HOUSEHOLD_TYPES = ("农业", "非农业")
MARITAL_STATUSES = ("未婚", "已婚", "离异", "丧偶")
MODEL_WORKER_TYPES = ("全国劳模", "省部级劳模", "市级劳模", "县区级劳模")
FEMALE_RETIREMENT_AGES = {55: "55岁（管理和技术岗位）", 50: "50岁（生产岗位）"}
YES_NO = ("是", "否")


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str = "text"  # text / choice / date / bool / id_number / phone / sub_unit / retirement_age
    choices: tuple = ()
    strict: bool = False  # a choice field whose value must be one of ``choices``
    required: bool = False


MEMBER_FIELDS: tuple[Field, ...] = (
    Field("name", "姓名", required=True),
    Field("sex", "性别", "choice", SEXES, strict=True),
    Field("ethnicity", "民族"),
    Field("id_number", "身份证号", "id_number"),
    Field("birth_date", "出生日期", "date"),
    Field("political_status", "政治面貌", "choice", POLITICAL_STATUSES, strict=True),
    Field("education", "学历", "choice", EDUCATIONS),
    Field("phone", "手机号", "phone"),
    Field("sub_unit_id", "部门/工会小组", "sub_unit"),
    Field("position", "职务/岗位"),
    Field("professional_title", "职称"),
    Field("employment_type", "用工形式", "choice", EMPLOYMENT_TYPES),
    Field("household_type", "户籍类型", "choice", HOUSEHOLD_TYPES, strict=True),
    Field("is_migrant_worker", "是否农民工", "bool"),
    Field("join_date", "入会日期", "date"),
    Field("card_number", "会员证号"),
    Field("work_start_date", "参加工作日期", "date"),
    Field("marital_status", "婚姻状况", "choice", MARITAL_STATUSES, strict=True),
    Field("model_worker_type", "劳模类型", "choice", MODEL_WORKER_TYPES),
    Field("female_retirement_age", "女职工原退休年龄", "retirement_age"),
    Field("notes", "备注"),
)
FIELD_BY_KEY = {f.key: f for f in MEMBER_FIELDS}

# The columns of a roster spreadsheet, in order. The export, the blank import template and the
# importer's canonical headers all use this list. "sub_unit" is the department path
# ("一车间" or "一车间/甲班"); "union_group" is a 工会小组 under it; "status" is 在册/退休/….
ROSTER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "姓名"), ("sex", "性别"), ("ethnicity", "民族"), ("id_number", "身份证号"),
    ("birth_date", "出生日期"), ("political_status", "政治面貌"), ("education", "学历"),
    ("phone", "手机号"), ("sub_unit", "部门"), ("union_group", "工会小组"), ("position", "职务/岗位"),
    ("professional_title", "职称"), ("employment_type", "用工形式"), ("household_type", "户籍类型"),
    ("is_migrant_worker", "是否农民工"), ("join_date", "入会日期"), ("card_number", "会员证号"),
    ("work_start_date", "参加工作日期"), ("marital_status", "婚姻状况"), ("model_worker_type", "劳模类型"),
    ("female_retirement_age", "女职工原退休年龄"), ("status", "状态"), ("status_date", "状态日期"),
    ("notes", "备注"),
)

# Spellings seen in real rosters, mapped to the stored value.
_CHOICE_ALIASES = {
    "sex": {"男性": "男", "女性": "女", "m": "男", "f": "女"},
    "political_status": {"党员": "中共党员", "共产党员": "中共党员", "中共": "中共党员", "预备党员": "中共预备党员",
                         "团员": "共青团员", "共青团": "共青团员", "民主党派人士": "民主党派", "无党派": "群众",
                         "无党派人士": "群众", "无": "群众"},
    "household_type": {"农村": "农业", "农业户口": "农业", "城镇": "非农业", "非农业户口": "非农业", "城市": "非农业",
                       "居民": "非农业"},
    "marital_status": {"已婚已育": "已婚", "离婚": "离异", "未婚未育": "未婚"},
    "education": {"本科": "大学本科", "大本": "大学本科", "专科": "大学专科", "大专": "大学专科", "研究生": "硕士研究生",
                  "硕士": "硕士研究生", "博士": "博士研究生", "中技": "中专", "技校": "中专", "初中": "初中及以下",
                  "小学": "初中及以下"},
}
_TRUE = {"是", "1", "y", "yes", "true", "√", "✓", "是的"}
_FALSE = {"否", "0", "n", "no", "false", "", "×", "不是"}


@dataclass
class Problem:
    field: str
    message: str
    severity: str = "error"  # "error" blocks saving; "warning" is shown and allowed
    field_label: str = ""  # for fields that are not member fields (visits, aid…)

    @property
    def label(self) -> str:
        if self.field_label:
            return self.field_label
        f = FIELD_BY_KEY.get(self.field)
        return f.label if f else self.field


@dataclass
class NormalizedMember:
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


def clean_text(value) -> str:
    """A typed value or spreadsheet cell as one line of text: whitespace collapsed, 12.0 written as 12."""
    if value.__class__ is str:  # most cells: = re.sub(r"\s+", " ", value).strip(), faster (it runs for every cell)
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _normalize_id(raw, out: NormalizedMember) -> idcard.IdNumber | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        out.values["id_number"] = None
        return None
    if isinstance(raw, bool):
        out.problems.append(Problem("id_number", "身份证号无效"))
        return None
    if isinstance(raw, float) or (isinstance(raw, int) and len(str(abs(raw))) > 15):
        out.problems.append(Problem(
            "id_number",
            f"身份证号以数字格式保存（{raw:.15g}），表格只保留15位有效数字，末几位已丢失；"
            "请把该列设为“文本”格式后重新填写",
        ))
        return None
    try:
        parsed = idcard.parse_id_number(str(raw))
    except idcard.IdNumberError as exc:
        out.problems.append(Problem("id_number", str(exc)))
        return None
    out.values["id_number"] = parsed.number
    return parsed


def _normalize_choice(f: Field, raw, out: NormalizedMember) -> None:
    text = clean_text(raw)
    if not text:
        out.values[f.key] = None if f.key == "sex" else ""  # sex is NULL when unknown
        return
    aliases = _CHOICE_ALIASES.get(f.key, {})
    text = aliases.get(text, aliases.get(text.lower(), text))
    if f.strict and text not in f.choices:
        out.problems.append(Problem(f.key, f"“{text}”不是有效的{f.label}，应为：{'、'.join(f.choices)}"))
        return
    out.values[f.key] = text


def _normalize_phone(raw, out: NormalizedMember) -> None:
    text = clean_text(raw).translate(str.maketrans("０１２３４５６７８９－", "0123456789-"))
    text = re.sub(r"[\s()（）]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    if not text:
        out.values["phone"] = ""
        return
    if re.fullmatch(r"1[3-9]\d{9}", text) or re.fullmatch(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?", text) \
            or re.fullmatch(r"\d{7,8}", text):
        out.values["phone"] = text
    else:
        out.problems.append(Problem("phone", f"“{text}”不像手机号或固定电话（手机号应为以1开头的11位数字）"))


def _normalize_bool(f: Field, raw, out: NormalizedMember) -> None:
    if isinstance(raw, bool):
        out.values[f.key] = int(raw)
        return
    text = clean_text(raw).lower()
    if text in _TRUE:
        out.values[f.key] = 1
    elif text in _FALSE:
        out.values[f.key] = 0
    else:
        out.problems.append(Problem(f.key, f"“{clean_text(raw)}”应填“是”或“否”"))


def _normalize_retirement_age(raw, out: NormalizedMember) -> None:
    text = clean_text(raw)
    if not text:
        out.values["female_retirement_age"] = None
        return
    m = re.match(r"(50|55)", text)
    if not m:
        out.problems.append(Problem("female_retirement_age", f"“{text}”无效，应为50或55"))
        return
    out.values["female_retirement_age"] = int(m[1])


def normalize_member(raw: dict[str, Any], *, today: dt.date | None = None) -> NormalizedMember:
    """Clean and check the given fields (only the keys present in ``raw`` are looked at)."""
    today = today or dt.date.today()
    out = NormalizedMember()
    parsed_id = None
    for key, value in raw.items():
        f = FIELD_BY_KEY.get(key)
        if f is None:
            continue
        if f.kind == "id_number":
            parsed_id = _normalize_id(value, out)
        elif f.kind == "choice":
            _normalize_choice(f, value, out)
        elif f.kind == "date":
            try:
                parsed = parse_date(value)
            except DateParseError as exc:
                out.problems.append(Problem(key, str(exc)))
                continue
            if parsed and (parsed > today or parsed.year < 1900):
                out.problems.append(Problem(key, f"{f.label}“{parsed.isoformat()}”不合理（晚于今天或早于1900年）"))
                continue
            out.values[key] = parsed.isoformat() if parsed else None
        elif f.kind == "phone":
            _normalize_phone(value, out)
        elif f.kind == "bool":
            _normalize_bool(f, value, out)
        elif f.kind == "retirement_age":
            _normalize_retirement_age(value, out)
        elif f.kind == "sub_unit":
            out.values[key] = int(value) if value not in (None, "") else None
        else:
            out.values[key] = clean_text(value)
    if "name" in raw:
        name = out.values.get("name", "")
        if not name:
            out.problems.append(Problem("name", "姓名不能为空"))
        elif len(name) > 30:
            out.problems.append(Problem("name", "姓名过长（超过30个字）"))
    if parsed_id is not None:
        _cross_check_id(parsed_id, raw, out)
    if out.values.get("sex") == "男" and out.values.get("female_retirement_age"):
        out.values["female_retirement_age"] = None
    return out


def _cross_check_id(parsed: idcard.IdNumber, raw: dict, out: NormalizedMember) -> None:
    """Birth date and sex come from the ID; a different value typed elsewhere is an error."""
    birth = out.values.get("birth_date")
    if birth and birth != parsed.birth_date.isoformat():
        if birth[:7] == parsed.birth_date.isoformat()[:7] and birth.endswith("-01"):
            pass  # a roster that wrote only 出生年月 (year and month) agrees
        else:
            out.problems.append(Problem(
                "birth_date", f"出生日期 {birth} 与身份证号中的 {parsed.birth_date.isoformat()} 不一致"))
    out.values["birth_date"] = parsed.birth_date.isoformat() if not any(
        p.field == "birth_date" for p in out.problems) else out.values.get("birth_date")
    sex = out.values.get("sex")
    if sex and sex != parsed.sex:
        out.problems.append(Problem("sex", f"性别“{sex}”与身份证号（{parsed.sex}性）不一致"))
    elif "sex" not in out.values or not sex:
        out.values["sex"] = parsed.sex


def search_text_for(values: dict) -> tuple[str, str]:
    """(name_sort, search_text) stored beside a member for ordering and search-as-you-type."""
    name = values.get("name") or ""
    full, initials = name_keys(name)
    parts = [name, full, initials, values.get("phone") or "", values.get("id_number") or ""]
    return sort_key(name), " ".join(p for p in parts if p).lower()


_COLUMNS = dict.fromkeys(f.key for f in MEMBER_FIELDS)  # ordered, and "in" is a lookup


class MemberStore:
    """Reads and writes members. Every change goes through here (forms, imports, CLI)."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db

    # --- reading -------------------------------------------------------------------
    def get(self, member_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM members WHERE id = ?", [member_id]))
        return rows[0] if rows else None

    def find_by_id_number(self, number: str, *, exclude_id: int | None = None) -> dict | None:
        rows = list(self.db.query(
            "SELECT * FROM members WHERE id_number = ? AND voided_at IS NULL AND id != ?",
            [number, exclude_id or -1]))
        return rows[0] if rows else None

    def status_history(self, member_id: int) -> list[dict]:
        return list(self.db.query(
            "SELECT * FROM member_status_changes WHERE member_id = ? ORDER BY effective_date, id",
            [member_id]))

    def count_active(self) -> int:
        return self.db.execute(
            "SELECT count(*) FROM members WHERE voided_at IS NULL AND status IN ('在册','退休')").fetchone()[0]

    # --- checking --------------------------------------------------------------------
    def check(self, raw: dict, *, member_id: int | None = None, today: dt.date | None = None) -> NormalizedMember:
        """Normalise ``raw`` and add the checks that need the database (duplicate ID…)."""
        result = normalize_member(raw, today=today)
        number = result.values.get("id_number")
        if number:
            other = self.find_by_id_number(number, exclude_id=member_id)
            if other:
                result.problems.append(Problem(
                    "id_number", f"身份证号已被会员“{other['name']}”使用（编号 {other['id']}），不能重复"))
        sub_unit_id = result.values.get("sub_unit_id")
        if sub_unit_id is not None:
            exists = self.db.execute("SELECT 1 FROM sub_units WHERE id = ? AND voided_at IS NULL",
                                     [sub_unit_id]).fetchone()
            if not exists:
                result.problems.append(Problem("sub_unit_id", "所选部门/工会小组不存在"))
        return result

    # --- writing ---------------------------------------------------------------------
    def create(self, raw: dict, *, status: str = "在册", status_date: str | None = None,
               reason: str = "", today: dt.date | None = None) -> int:
        result = self.check(raw, today=today)
        if not result.ok:
            raise ValidationError(result.errors)
        return self.insert_clean(result.values, status=status, status_date=status_date, reason=reason)

    def insert_clean(self, values: dict, *, status: str = "在册", status_date: str | None = None,
                     reason: str = "") -> int:
        """Insert already-checked values (the importer checks whole files first)."""
        if status not in STATUSES:
            raise UserError(f"状态“{status}”无效")
        values = {k: v for k, v in values.items() if k in _COLUMNS}
        name_sort, search = search_text_for(values)
        columns = list(values) + ["status", "status_date", "name_sort", "search_text"]
        params = list(values.values()) + [status, status_date or values.get("join_date"), name_sort, search]
        with transaction(self.db) as conn:
            cursor = conn.execute(
                f"INSERT INTO members ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", params)
            member_id = cursor.lastrowid
            conn.execute(
                "INSERT INTO member_status_changes(member_id, old_status, new_status, effective_date, reason) "
                "VALUES (?, NULL, ?, ?, ?)",
                (member_id, status, status_date or values.get("join_date") or dt.date.today().isoformat(),
                 reason or "建立档案"))
        return member_id

    def update(self, member_id: int, raw: dict, *, today: dt.date | None = None) -> dict:
        """Save changed fields; returns {key: (old, new)} of what changed."""
        current = self.get(member_id)
        if current is None:
            raise UserError(f"会员编号 {member_id} 不存在")
        if current["voided_at"]:
            raise UserError(f"会员“{current['name']}”已作废，不能修改")
        result = self.check(raw, member_id=member_id, today=today)
        if not result.ok:
            raise ValidationError(result.errors)
        return self.update_clean(member_id, result.values, current=current)

    def update_clean(self, member_id: int, values: dict, *, current: dict | None = None) -> dict:
        current = current or self.get(member_id)
        changes = {k: (current.get(k), v) for k, v in values.items()
                   if k in _COLUMNS and current.get(k) != v}
        if not changes:
            return {}
        merged = {**current, **{k: new for k, (_, new) in changes.items()}}
        name_sort, search = search_text_for(merged)
        assignments = ", ".join(f"{k} = ?" for k in changes)
        params = [new for _, new in changes.values()] + [name_sort, search, member_id]
        with transaction(self.db) as conn:
            conn.execute(
                f"UPDATE members SET {assignments}, name_sort = ?, search_text = ?, "
                "updated_at = strftime('%Y-%m-%dT%H:%M:%S','now','localtime') WHERE id = ?", params)
        return changes

    def change_status(self, member_id: int, new_status: str, effective_date, reason: str = "", *,
                      current: dict | None = None) -> None:
        """``current`` is the member's row when the caller has just read it (an import), else it is read."""
        if new_status not in STATUSES:
            raise UserError(f"状态“{new_status}”无效，应为：{'、'.join(STATUSES)}")
        current = current or self.get(member_id)
        if current is None:
            raise UserError(f"会员编号 {member_id} 不存在")
        if current["voided_at"]:
            raise UserError(f"会员“{current['name']}”已作废，不能变更状态")
        try:
            day = parse_date(effective_date)
        except DateParseError as exc:
            raise UserError(f"变更日期：{exc}") from None
        if day is None:
            raise UserError("请填写状态变更的日期")
        if current["status"] == new_status:
            raise UserError(f"会员“{current['name']}”的状态已经是“{new_status}”")
        if new_status in ("转出", "退会", "去世") and not reason.strip():
            raise UserError(f"状态改为“{new_status}”时请填写原因")
        with transaction(self.db) as conn:
            conn.execute(
                "INSERT INTO member_status_changes(member_id, old_status, new_status, effective_date, reason) "
                "VALUES (?, ?, ?, ?, ?)", (member_id, current["status"], new_status, day.isoformat(), reason.strip()))
            conn.execute(
                "UPDATE members SET status = ?, status_date = ?, "
                "updated_at = strftime('%Y-%m-%dT%H:%M:%S','now','localtime') WHERE id = ?",
                (new_status, day.isoformat(), member_id))

    def void(self, member_id: int, reason: str) -> None:
        """Mark a mistaken entry as void. The row and its change log stay."""
        if not reason.strip():
            raise UserError("作废会员记录时请填写原因（例如：重复录入）")
        current = self.get(member_id)
        if current is None:
            raise UserError(f"会员编号 {member_id} 不存在")
        if current["voided_at"]:
            raise UserError(f"会员“{current['name']}”已经作废")
        with transaction(self.db) as conn:
            conn.execute(
                "UPDATE members SET voided_at = strftime('%Y-%m-%dT%H:%M:%S','now','localtime'), "
                "void_reason = ? WHERE id = ?", (reason.strip(), member_id))

    def restore(self, member_id: int) -> None:
        current = self.get(member_id)
        if current is None or not current["voided_at"]:
            raise UserError("该会员记录没有作废，无需恢复")
        if current["id_number"] and self.find_by_id_number(current["id_number"], exclude_id=member_id):
            other = self.find_by_id_number(current["id_number"], exclude_id=member_id)
            raise UserError(f"不能恢复：身份证号已被会员“{other['name']}”使用")
        with transaction(self.db) as conn:
            conn.execute("UPDATE members SET voided_at = NULL, void_reason = NULL WHERE id = ?", (member_id,))


def derived_facts(member: dict, today: dt.date | None = None) -> dict:
    """Age, 会龄, next birthday and 在职/离退休 for the card and the reports."""
    from gonghui_desk.dates import age_on, years_between
    from gonghui_desk.retirement import statutory_retirement

    today = today or dt.date.today()
    facts: dict[str, Any] = {}
    birth = parse_date(member.get("birth_date")) if member.get("birth_date") else None
    if birth:
        facts["age"] = age_on(birth, today)
        try:
            upcoming = birth.replace(year=today.year)
        except ValueError:
            upcoming = dt.date(today.year, 3, 1)
        if upcoming < today:
            try:
                upcoming = birth.replace(year=today.year + 1)
            except ValueError:
                upcoming = dt.date(today.year + 1, 3, 1)
        facts["next_birthday"] = upcoming
        retirement = statutory_retirement(birth, member.get("sex"), member.get("female_retirement_age"))
        if retirement:
            facts["retirement"] = retirement
    join = parse_date(member.get("join_date")) if member.get("join_date") else None
    if join:
        facts["membership_years"] = years_between(join, today)
    facts["working"] = "离退休" if member.get("status") == "退休" else "在职"
    return facts
