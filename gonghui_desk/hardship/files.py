"""A household's hardship file (困难职工档案): its fields, family members, reviews and life cycle.

A file is per household (以户为单位) on one member, the household head. A member has at most
one live file (申请中 or 在档); it is reviewed every year (年度复核) and closed as 脱困 or 注销
with a date and a reason. A closed file stays as history: :meth:`HardshipFileStore.reopen`
starts a new period as a new row that copies the household's data and family and points back
to it (``previous_file_id``). Mistaken files are voided, never deleted.

Incomes are typed per person and per month as the paper form asks; the totals are computed,
never typed:

- 家庭年总收入 ``household_annual_income_fen`` = 12 × 本人月收入 + 家庭其他年收入
  + 12 × the sum of the live family members' 月收入;
- 家庭月人均收入 ``monthly_income_per_person_fen`` = 家庭年总收入 ÷ 12 ÷ 家庭人口, rounded to
  the nearest 分 (halves up).

家庭人口 (``household_size``) is typed because relatives who live in the household are not
always listed; left empty it is the head plus the family members listed, and it may not be
smaller than that.

The next review is due one year after the later of the opening date and the last review
(a 29 February moves to 28 February); a file 在档 whose due date has passed is overdue.
``NEXT_REVIEW_SQL`` is that rule in SQL, used by :meth:`get` and by the register alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields

import sqlite_utils

from gonghui_desk import idcard, value_lists
from gonghui_desk.care.visits import RuleOverrideRequired, RuleWarning
from gonghui_desk.dates import DateParseError, parse_date
from gonghui_desk.db.connection import transaction
from gonghui_desk.errors import UserError, ValidationError
from gonghui_desk.members import Problem

STATUSES = ("申请中", "在档", "脱困", "注销")
LIVE_STATUSES = ("申请中", "在档")  # a household has at most one of these
CLOSE_KINDS = ("脱困", "注销")
NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%S','now','localtime')"

FILE_FIELD_LABELS = {
    "member_id": "户主（会员）", "category": "困难类别", "level": "建档标准", "main_cause": "主要致困原因",
    "secondary_cause": "次要致困原因", "health": "健康状况", "disability": "残疾类别", "housing_type": "住房类型",
    "housing_area": "住房面积", "medical_insurance": "医保状况", "marital_status": "婚姻状况",
    "single_parent": "是否单亲", "zero_employment": "是否零就业家庭", "monthly_income_fen": "本人月收入",
    "other_annual_income_fen": "家庭其他年收入", "household_size": "家庭人口", "bank_name": "开户银行",
    "bank_account": "银行卡号", "opened_on": "建档日期", "opened_by": "建档人", "checked_by": "审核人",
    "notes": "备注", "status": "档案状态", "closed_on": "脱困/注销日期", "close_reason": "脱困/注销原因",
    "review_date": "复核日期", "result": "复核结果", "reviewer": "复核人",
}
FAMILY_FIELD_LABELS = {
    "name": "姓名", "relation": "与户主关系", "id_number": "身份证号", "birth_date": "出生日期",
    "health": "健康状况", "monthly_income_fen": "月收入", "identity": "身份", "unit_or_school": "单位或学校",
}
# field -> value list whose live values it must take (a value already saved on the file is kept)
FILE_CHOICES = {
    "category": "hardship.category", "level": "hardship.level", "main_cause": "hardship.cause",
    "secondary_cause": "hardship.cause", "health": "hardship.health", "disability": "hardship.disability",
    "housing_type": "hardship.housing", "medical_insurance": "hardship.medical_insurance",
}
FAMILY_CHOICES = {"relation": "hardship.relation", "health": "hardship.health", "identity": "hardship.identity"}
REQUIRED = ("category", "main_cause")
MARITAL_STATUSES = ("未婚", "已婚", "离异", "丧偶")

# The date of the last review (or the opening), then one year on; 02-29 moves to 02-28 like dates.add_years.
_LAST_REVIEW_SQL = """max(f.opened_on, coalesce((SELECT max(r.review_date) FROM hardship_reviews r
                                              WHERE r.file_id = f.id AND r.voided_at IS NULL), ''))"""
NEXT_REVIEW_SQL = (f"date({_LAST_REVIEW_SQL}, '+1 year', "
                   f"CASE WHEN substr({_LAST_REVIEW_SQL}, 6, 5) = '02-29' THEN '-1 day' ELSE '+0 day' END)")
# 12 × the family members' monthly incomes, per file
FAMILY_MONTHLY_SQL = """coalesce((SELECT sum(fm.monthly_income_fen) FROM hardship_family_members fm
                                 WHERE fm.file_id = f.id AND fm.voided_at IS NULL), 0)"""
ANNUAL_INCOME_SQL = f"(12 * f.monthly_income_fen + f.other_annual_income_fen + 12 * {FAMILY_MONTHLY_SQL})"


def household_annual_income(monthly_income_fen: int, other_annual_income_fen: int,
                            family_monthly_incomes_fen: list[int] | tuple[int, ...]) -> int:
    """家庭年总收入 in 分 (see the module text)."""
    return 12 * monthly_income_fen + other_annual_income_fen + 12 * sum(family_monthly_incomes_fen)


def income_per_person(annual_income_fen: int, household_size: int) -> int:
    """家庭月人均收入 in 分: annual ÷ 12 ÷ persons, to the nearest 分 (halves up)."""
    divisor = 12 * max(household_size, 1)
    return (2 * annual_income_fen + divisor) // (2 * divisor)


@dataclass
class FileInput:
    """A file's fields as typed in the form or read from a spreadsheet; money in 分, dates ISO or date."""

    member_id: int
    category: str = ""
    level: str = ""
    main_cause: str = ""
    secondary_cause: str = ""
    health: str = ""
    disability: str = ""
    housing_type: str = ""
    housing_area: str = ""
    medical_insurance: str = ""
    marital_status: str = ""
    single_parent: bool = False
    zero_employment: bool = False
    monthly_income_fen: int = 0
    other_annual_income_fen: int = 0
    household_size: int | None = None  # None: the head plus the family members listed
    bank_name: str = ""
    bank_account: str = ""
    opened_on: str | dt.date | None = None
    opened_by: str = ""
    checked_by: str = ""
    notes: str = ""


@dataclass
class FamilyMemberInput:
    """One row of the family table. ``id`` names an existing row to keep (aid records point to it)."""

    name: str
    relation: str = ""
    id_number: str | None = None
    birth_date: str | dt.date | None = None  # derived from the ID number when there is one
    health: str = ""
    monthly_income_fen: int = 0
    identity: str = ""  # 在岗/下岗/失业/退休/学生/…
    unit_or_school: str = ""
    id: int | None = None


_FILE_COLUMNS = tuple(f.name for f in fields(FileInput))
_FAMILY_COLUMNS = ("name", "relation", "id_number", "birth_date", "health", "monthly_income_fen", "identity",
                   "unit_or_school")


def _problem(field: str, message: str, severity: str = "error") -> Problem:
    return Problem(field, message, severity, field_label=FILE_FIELD_LABELS.get(field, field))


def _date(value, field: str, label: str, today: dt.date, problems: list[Problem], *,
          make=_problem) -> str | None:
    try:
        day = parse_date(value)
    except DateParseError as exc:
        problems.append(make(field, str(exc)))
        return None
    if day and (day > today or day.year < 1900):
        problems.append(make(field, f"{label} {day.isoformat()} 不合理（晚于今天或早于1900年）"))
        return None
    return day.isoformat() if day else None


def _money(values: dict, key: str, label: str, problems: list[Problem], make=_problem) -> None:
    if values[key] is None:
        values[key] = 0
    if isinstance(values[key], bool) or not isinstance(values[key], int) or values[key] < 0:
        problems.append(make(key, f"{label}应为不小于0的金额"))


def _text(value) -> str:
    return str(value or "").strip()


class HardshipFileStore:
    def __init__(self, db: sqlite_utils.Database, *, today: dt.date | None = None):
        self.db = db
        self._today = today

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    # --- checking --------------------------------------------------------------------
    def _choice(self, key: str, list_key: str, value: str, kept: str | None, problems: list[Problem],
                make=_problem, label: str = "") -> None:
        if not value or value == kept:
            return
        allowed = value_lists.values(self.db, list_key)
        if value not in allowed:
            label = label or FILE_FIELD_LABELS[key]
            problems.append(make(key, f"{label}“{value}”不在选项中（可选：{'、'.join(allowed)}），"
                                      f"如需使用请先在设置的选项表中添加"))

    def normalize(self, data: FileInput, family_size: int = 0, *,
                  current: dict | None = None) -> tuple[dict, list[Problem]]:
        """Column values of ``data`` and the hard errors that refuse it. ``family_size``: the
        family members listed; ``current``: the stored file when updating (its values are kept
        even if their choice was retired since)."""
        problems: list[Problem] = []
        values = asdict(data)
        for key in ("category", "level", "main_cause", "secondary_cause", "health", "disability", "housing_type",
                    "housing_area", "medical_insurance", "marital_status", "bank_name", "opened_by", "checked_by",
                    "notes"):
            values[key] = _text(values[key])
        values["bank_account"] = idcard.normalize_text(values["bank_account"] or "")
        values["single_parent"] = int(bool(data.single_parent))
        values["zero_employment"] = int(bool(data.zero_employment))
        member = self.db.execute("SELECT voided_at FROM members WHERE id = ?", [data.member_id]).fetchone()
        if member is None or member[0]:
            problems.append(_problem("member_id", "请选择建档的会员（户主）"))
        elif current is not None and current["member_id"] != data.member_id:
            problems.append(_problem("member_id", "档案的户主不能更换；请为另一位会员另行建档"))
        for key in REQUIRED:
            if not values[key]:
                problems.append(_problem(key, f"请选择{FILE_FIELD_LABELS[key]}"))
        for key, list_key in FILE_CHOICES.items():
            self._choice(key, list_key, values[key], current and current[key], problems)
        if values["secondary_cause"] and values["secondary_cause"] == values["main_cause"]:
            problems.append(_problem("secondary_cause", "次要致困原因与主要致困原因相同，不必重复填写"))
        if values["marital_status"] and values["marital_status"] not in MARITAL_STATUSES:
            problems.append(_problem("marital_status", f"婚姻状况应为：{'、'.join(MARITAL_STATUSES)}"))
        for key in ("monthly_income_fen", "other_annual_income_fen"):
            _money(values, key, FILE_FIELD_LABELS[key], problems)
        size = values["household_size"]
        if size in (None, ""):
            values["household_size"] = family_size + 1
        elif isinstance(size, bool) or not isinstance(size, int) or size < 1:
            problems.append(_problem("household_size", "家庭人口应为不小于1的整数"))
        elif size < family_size + 1:
            problems.append(_problem("household_size", f"家庭人口 {size} 人少于户主和登记的家庭成员"
                                                        f"（共 {family_size + 1} 人）"))
        if values["bank_account"] and not values["bank_account"].isdigit():
            problems.append(_problem("bank_account", "银行卡号只能是数字"))
        values["opened_on"] = _date(data.opened_on, "opened_on", "建档日期", self.today, problems)
        if values["opened_on"] is None and not any(p.field == "opened_on" for p in problems):
            problems.append(_problem("opened_on", "请填写建档日期"))
        return values, problems

    def normalize_family(self, family: list[FamilyMemberInput], *, head_id_number: str | None = None,
                         kept: dict[int, dict] | None = None) -> tuple[list[dict], list[Problem]]:
        """Column values of the family rows and their errors. The birth date comes from the ID
        number; a different one typed is an error (a year and month alone, 出生年月, agrees)."""
        problems: list[Problem] = []
        rows: list[dict] = []
        seen_ids: dict[str, int] = {}
        for index, person in enumerate(family):
            name = _text(person.name)
            who = f"第{index + 1}位家庭成员" + (f"（{name}）" if name else "")

            def make(key: str, message: str, severity: str = "error", who=who, index=index) -> Problem:
                return Problem(f"family[{index}].{key}", message, severity,
                               field_label=f"{who}的{FAMILY_FIELD_LABELS[key]}")

            values = {key: getattr(person, key) for key in _FAMILY_COLUMNS}
            values["id"] = person.id
            for key in ("name", "relation", "health", "identity", "unit_or_school"):
                values[key] = _text(values[key])
            if not name:
                problems.append(make("name", "请填写姓名"))
            previous = (kept or {}).get(person.id) or {}
            for key, list_key in FAMILY_CHOICES.items():
                self._choice(key, list_key, values[key], previous.get(key), problems, make,
                             FAMILY_FIELD_LABELS[key])
            _money(values, "monthly_income_fen", "月收入", problems, make)
            birth = _date(person.birth_date, "birth_date", "出生日期", self.today, problems, make=make)
            values["birth_date"] = birth
            raw_id = person.id_number
            values["id_number"] = None
            if raw_id is not None and str(raw_id).strip():
                try:
                    parsed = idcard.parse_id_number(str(raw_id), today=self.today)
                except idcard.IdNumberError as exc:
                    problems.append(make("id_number", str(exc)))
                else:
                    values["id_number"] = parsed.number
                    derived = parsed.birth_date.isoformat()
                    if birth and birth != derived and not (birth[:7] == derived[:7] and birth.endswith("-01")):
                        problems.append(make("birth_date", f"出生日期 {birth} 与身份证号中的 {derived} 不一致"))
                    else:
                        values["birth_date"] = derived
                    if parsed.number == head_id_number:
                        problems.append(make("id_number", "与户主的身份证号相同；户主本人不必列入家庭成员"))
                    elif parsed.number in seen_ids:
                        problems.append(make("id_number", f"与第{seen_ids[parsed.number] + 1}位家庭成员的身份证号相同"))
                    seen_ids.setdefault(parsed.number, index)
            rows.append(values)
        return rows, problems

    def _rule_warnings(self, member_id: int) -> list[RuleWarning]:
        row = self.db.execute("SELECT name, status FROM members WHERE id = ?", [member_id]).fetchone()
        if row is None or row[1] == "在册":
            return []
        return [RuleWarning("not_on_roll", f"{row[0]}目前的会员状态为“{row[1]}”，不是在册会员")]

    # --- reading ---------------------------------------------------------------------
    def _file_row(self, conn, file_id: int) -> dict:
        cursor = conn.execute("SELECT * FROM hardship_files WHERE id = ?", [file_id])
        row = cursor.fetchone()
        if row is None:
            raise UserError(f"困难职工档案 {file_id} 不存在。")
        return dict(zip([d[0] for d in cursor.description], row))

    def _live_family(self, conn, file_id: int) -> list[dict]:
        cursor = conn.execute("SELECT * FROM hardship_family_members WHERE file_id = ? AND voided_at IS NULL "
                              "ORDER BY sort_order, id", [file_id])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor.fetchall()]

    def get(self, file_id: int) -> dict | None:
        """Every column, plus member_name, ``family`` (live rows), ``reviews`` (oldest first) and the
        computed household_annual_income_fen, monthly_income_per_person_fen, last_review_date,
        next_review_due (None unless 在档) and review_overdue."""
        rows = list(self.db.query(
            f"""SELECT f.*, m.name AS member_name, m.id_number AS member_id_number,
                       {NEXT_REVIEW_SQL} AS next_review_due
                FROM hardship_files f JOIN members m ON m.id = f.member_id WHERE f.id = ?""", [file_id]))
        if not rows:
            return None
        row = rows[0]
        row["family"] = self._live_family(self.db.conn, file_id)
        row["reviews"] = list(self.db.query(
            "SELECT * FROM hardship_reviews WHERE file_id = ? AND voided_at IS NULL ORDER BY review_date, id",
            [file_id]))
        row["last_review_date"] = row["reviews"][-1]["review_date"] if row["reviews"] else None
        row["household_annual_income_fen"] = household_annual_income(
            row["monthly_income_fen"], row["other_annual_income_fen"],
            [p["monthly_income_fen"] for p in row["family"]])
        row["monthly_income_per_person_fen"] = income_per_person(row["household_annual_income_fen"],
                                                                 row["household_size"])
        if row["status"] != "在档" or row["voided_at"]:
            row["next_review_due"] = None
        row["review_overdue"] = bool(row["next_review_due"] and row["next_review_due"] < self.today.isoformat())
        return row

    def as_input(self, file_id: int) -> tuple[FileInput, list[FamilyMemberInput]]:
        row = self.get(file_id)
        if row is None:
            raise UserError(f"困难职工档案 {file_id} 不存在。")
        data = FileInput(**{k: row[k] for k in _FILE_COLUMNS})
        family = [FamilyMemberInput(**{k: p[k] for k in (*_FAMILY_COLUMNS, "id")}) for p in row["family"]]
        return data, family

    def file_for_member(self, member_id: int) -> dict | None:
        """The member's live file (申请中 or 在档), or None."""
        row = self.db.execute(
            f"SELECT id FROM hardship_files WHERE member_id = ? AND voided_at IS NULL "
            f"AND status IN ({', '.join('?' * len(LIVE_STATUSES))}) ORDER BY id DESC LIMIT 1",
            [member_id, *LIVE_STATUSES]).fetchone()
        return self.get(row[0]) if row else None

    def member_files(self, member_id: int) -> list[dict]:
        """All the member's files (every period, voided ones left out), oldest first."""
        ids = [r[0] for r in self.db.execute("SELECT id FROM hardship_files WHERE member_id = ? AND voided_at IS NULL "
                                             "ORDER BY opened_on, id", [member_id])]
        return [self.get(i) for i in ids]

    # --- writing ---------------------------------------------------------------------
    def _check_no_live_file(self, conn, member_id: int, except_id: int | None = None) -> None:
        row = conn.execute(
            f"""SELECT f.id, f.opened_on, f.status, m.name FROM hardship_files f JOIN members m ON m.id = f.member_id
                WHERE f.member_id = ? AND f.voided_at IS NULL AND f.id != ?
                  AND f.status IN ({', '.join('?' * len(LIVE_STATUSES))}) LIMIT 1""",
            [member_id, except_id or -1, *LIVE_STATUSES]).fetchone()
        if row:
            raise UserError(f"{row[3]}已有一份{row[2]}的困难职工档案（编号 {row[0]}，{row[1]} 建档），"
                            "一户只能有一份有效档案；请修改该档案，或先将其脱困或注销。")

    def _insert_family(self, conn, file_id: int, rows: list[dict]) -> None:
        conn.executemany(
            f"INSERT INTO hardship_family_members (file_id, {', '.join(_FAMILY_COLUMNS)}, sort_order) "
            f"VALUES (?, {', '.join('?' * len(_FAMILY_COLUMNS))}, ?)",
            [(file_id, *(r[k] for k in _FAMILY_COLUMNS), order) for order, r in enumerate(rows, 1)])

    def open_file(self, data: FileInput, family: list[FamilyMemberInput] | tuple = (), *, status: str = "在档",
                  override_reason: str = "") -> int:
        """建档: a new file with its family. Raises ValidationError for errors, UserError when the
        member already has a live file, and RuleOverrideRequired when the member is not 在册 and
        no reason was given (the reason is kept in the notes)."""
        if status not in LIVE_STATUSES:
            raise UserError(f"新建档案的状态应为：{'、'.join(LIVE_STATUSES)}。")
        family = list(family)
        values, problems = self.normalize(data, len(family))
        head_id = self.db.execute("SELECT id_number FROM members WHERE id = ?", [data.member_id]).fetchone()
        family_rows, family_problems = self.normalize_family(family, head_id_number=head_id and head_id[0])
        if problems or family_problems:
            raise ValidationError(problems + family_problems)
        warnings = self._rule_warnings(data.member_id)
        if warnings and not override_reason.strip():
            raise RuleOverrideRequired(warnings)
        if warnings:
            note = f"（建档说明：{'；'.join(w.message for w in warnings)}。{override_reason.strip()}）"
            values["notes"] = (values["notes"] + note).strip()
        values["status"] = status
        with transaction(self.db) as conn:
            self._check_no_live_file(conn, data.member_id)
            file_id = conn.execute(
                f"INSERT INTO hardship_files ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                list(values.values())).lastrowid
            self._insert_family(conn, file_id, family_rows)
        return file_id

    def _editable(self, conn, file_id: int) -> dict:
        current = self._file_row(conn, file_id)
        if current["voided_at"]:
            raise UserError("该困难职工档案已作废，不能修改。")
        return current

    def update_file(self, file_id: int, data: FileInput, family: list[FamilyMemberInput] | None = None) -> None:
        """Correct a file's fields (and, when given, its family, as :meth:`set_family`)."""
        current = self._editable(self.db.conn, file_id)
        family_count = len(family) if family is not None else len(self._live_family(self.db.conn, file_id))
        values, problems = self.normalize(data, family_count, current=current)
        family_rows = None
        if family is not None:
            family_rows, family_problems = self._normalize_family_of(file_id, family)
            problems += family_problems
        if problems:
            raise ValidationError(problems)
        if current["closed_on"] and values["opened_on"] > current["closed_on"]:
            raise ValidationError([_problem("opened_on", f"建档日期 {values['opened_on']} 晚于脱困/注销日期 "
                                                         f"{current['closed_on']}")])
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE hardship_files SET {', '.join(f'{k} = ?' for k in values)}, updated_at = {NOW_SQL} "
                         "WHERE id = ?", [*values.values(), file_id])
            if family_rows is not None:
                self._replace_family(conn, file_id, family_rows)

    def _normalize_family_of(self, file_id: int, family: list[FamilyMemberInput]) -> tuple[list[dict], list[Problem]]:
        kept = {p["id"]: p for p in self._live_family(self.db.conn, file_id)}
        head = self.db.execute("SELECT m.id_number FROM hardship_files f JOIN members m ON m.id = f.member_id "
                               "WHERE f.id = ?", [file_id]).fetchone()
        return self.normalize_family(family, head_id_number=head and head[0], kept=kept)

    def _replace_family(self, conn, file_id: int, rows: list[dict]) -> None:
        """Keep the rows named by id (or, failing that, by ID number, then by name and relation),
        insert the new ones and void the rows no longer listed; aid records keep their references."""
        live = self._live_family(conn, file_id)
        by_id = {p["id"]: p for p in live}
        unclaimed = dict(by_id)
        matched: list[int | None] = []
        for row in rows:
            found = row["id"] if row["id"] in unclaimed else None
            if found is None:
                for p in unclaimed.values():
                    if (row["id_number"] and p["id_number"] == row["id_number"]) or (
                            not row["id_number"] and (p["name"], p["relation"]) == (row["name"], row["relation"])):
                        found = p["id"]
                        break
            if found is not None:
                unclaimed.pop(found)
            matched.append(found)
        conn.executemany(f"UPDATE hardship_family_members SET voided_at = {NOW_SQL} WHERE id = ?",
                         [(i,) for i in unclaimed])
        conn.executemany(
            f"UPDATE hardship_family_members SET {', '.join(f'{k} = ?' for k in _FAMILY_COLUMNS)}, sort_order = ? "
            "WHERE id = ?",
            [(*(r[k] for k in _FAMILY_COLUMNS), order, found)
             for order, (r, found) in enumerate(zip(rows, matched), 1) if found is not None])
        conn.executemany(
            f"INSERT INTO hardship_family_members (file_id, {', '.join(_FAMILY_COLUMNS)}, sort_order) "
            f"VALUES (?, {', '.join('?' * len(_FAMILY_COLUMNS))}, ?)",
            [(file_id, *(r[k] for k in _FAMILY_COLUMNS), order)
             for order, (r, found) in enumerate(zip(rows, matched), 1) if found is None])

    def set_family(self, file_id: int, family: list[FamilyMemberInput]) -> None:
        """Replace the live family list in one transaction (removed rows are voided). 家庭人口 grows
        to the head plus the listed members when it was smaller."""
        current = self._editable(self.db.conn, file_id)
        rows, problems = self._normalize_family_of(file_id, list(family))
        if problems:
            raise ValidationError(problems)
        with transaction(self.db) as conn:
            self._replace_family(conn, file_id, rows)
            if current["household_size"] < len(rows) + 1:
                conn.execute(f"UPDATE hardship_files SET household_size = ?, updated_at = {NOW_SQL} WHERE id = ?",
                             [len(rows) + 1, file_id])

    def approve(self, file_id: int, checked_by: str = "") -> None:
        """申请中 → 在档 (审核通过), recording the 审核人."""
        current = self._editable(self.db.conn, file_id)
        if current["status"] != "申请中":
            raise UserError(f"该档案的状态是“{current['status']}”，只有申请中的档案需要审核。")
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE hardship_files SET status = '在档', checked_by = ?, updated_at = {NOW_SQL} "
                         "WHERE id = ?", [_text(checked_by) or current["checked_by"], file_id])

    def add_review(self, file_id: int, review_date, result: str, reviewer: str = "", notes: str = "") -> int:
        """年度复核 of a file 在档; the next review falls due a year after it."""
        current = self._editable(self.db.conn, file_id)
        problems: list[Problem] = []
        if current["status"] != "在档":
            raise UserError(f"该档案的状态是“{current['status']}”，只有在档的档案可以年度复核。")
        day = _date(review_date, "review_date", "复核日期", self.today, problems)
        if day is None and not problems:
            problems.append(_problem("review_date", "请填写复核日期"))
        elif day and day < current["opened_on"]:
            problems.append(_problem("review_date", f"复核日期 {day} 早于建档日期 {current['opened_on']}"))
        result = _text(result)
        if not result:
            problems.append(_problem("result", "请填写复核结果"))
        else:
            self._choice("result", "hardship.review_result", result, None, problems)
        if problems:
            raise ValidationError(problems)
        with transaction(self.db) as conn:
            return conn.execute("INSERT INTO hardship_reviews (file_id, review_date, result, reviewer, notes) "
                                "VALUES (?, ?, ?, ?, ?)", [file_id, day, result, _text(reviewer), _text(notes)]).lastrowid

    def void_review(self, review_id: int) -> None:
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE hardship_reviews SET voided_at = {NOW_SQL} WHERE id = ? AND voided_at IS NULL",
                         [review_id])

    def close_file(self, file_id: int, kind: str, closed_on, reason: str) -> None:
        """脱困 or 注销 with a date and a reason; the file stays as history."""
        current = self._editable(self.db.conn, file_id)
        if kind not in CLOSE_KINDS:
            raise UserError(f"关闭档案的方式应为：{'、'.join(CLOSE_KINDS)}。")
        if current["status"] not in LIVE_STATUSES:
            raise UserError(f"该档案已于 {current['closed_on']} {current['status']}，不能再次关闭。")
        problems: list[Problem] = []
        day = _date(closed_on, "closed_on", f"{kind}日期", self.today, problems)
        if day is None and not problems:
            problems.append(_problem("closed_on", f"请填写{kind}日期"))
        elif day and day < current["opened_on"]:
            problems.append(_problem("closed_on", f"{kind}日期 {day} 早于建档日期 {current['opened_on']}"))
        if not _text(reason):
            problems.append(_problem("close_reason", f"请填写{kind}原因"))
        if problems:
            raise ValidationError(problems)
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE hardship_files SET status = ?, closed_on = ?, close_reason = ?, updated_at = {NOW_SQL} "
                         "WHERE id = ?", [kind, day, _text(reason), file_id])

    def reopen(self, file_id: int, opened_on, opened_by: str = "") -> int:
        """重新建档: a new period as a new file copying the closed file's data and family, linked
        by ``previous_file_id``; the closed file stays as it is."""
        current = self._editable(self.db.conn, file_id)
        if current["status"] not in CLOSE_KINDS:
            raise UserError("只有已脱困或注销的档案可以重新建档。")
        problems: list[Problem] = []
        day = _date(opened_on, "opened_on", "建档日期", self.today, problems)
        if day is None and not problems:
            problems.append(_problem("opened_on", "请填写重新建档的日期"))
        elif day and day < current["closed_on"]:
            problems.append(_problem("opened_on", f"重新建档日期 {day} 早于上一期档案的{current['status']}日期 "
                                                  f"{current['closed_on']}"))
        member = self.db.execute("SELECT voided_at FROM members WHERE id = ?", [current["member_id"]]).fetchone()
        if member is None or member[0]:
            problems.append(_problem("member_id", "该会员已作废，不能重新建档"))
        if problems:
            raise ValidationError(problems)
        copied = {k: current[k] for k in _FILE_COLUMNS}
        copied.update(opened_on=day, opened_by=_text(opened_by) or current["opened_by"], status="在档",
                      previous_file_id=file_id)
        with transaction(self.db) as conn:
            self._check_no_live_file(conn, current["member_id"])
            new_id = conn.execute(
                f"INSERT INTO hardship_files ({', '.join(copied)}) VALUES ({', '.join('?' * len(copied))})",
                list(copied.values())).lastrowid
            self._insert_family(conn, new_id, self._live_family(conn, file_id))
        return new_id

    def void_file(self, file_id: int, reason: str) -> None:
        """A mistaken file is voided (with its family rows' file), never deleted."""
        if not _text(reason):
            raise UserError("作废困难职工档案时请填写原因。")
        with transaction(self.db) as conn:
            conn.execute(f"UPDATE hardship_files SET voided_at = {NOW_SQL}, void_reason = ? "
                         "WHERE id = ? AND voided_at IS NULL", [_text(reason), file_id])


def member_ids_with_open_file(db: sqlite_utils.Database) -> set[int]:
    """Members with a file 在档 (the campaigns' ``hardship_only`` criterion)."""
    return {r[0] for r in db.execute("SELECT DISTINCT member_id FROM hardship_files "
                                     "WHERE status = '在档' AND voided_at IS NULL")}
